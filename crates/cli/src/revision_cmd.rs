//! `kaiji diff` and `kaiji migrate`.

use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::disclosure::ChangeKind;
use strum::IntoEnumIterator;

use crate::{
    Outcome, UserError,
    cli::{Choice, DiffArgs, MigrateArgs},
    files::{deliver, read_document, write_new_file},
    output::Out,
};

/// An answer value as people read it.
fn answer_label(value: &str, lang: Lang) -> String {
    value
        .parse::<kaiji_catalog::Answer>()
        .map_or_else(|_| value.to_owned(), |a| a.label().get(lang).to_owned())
}

/// A long text cut for a terminal line.
fn short(text: &str) -> String {
    let one_line = text.replace('\n', " ");
    match one_line.char_indices().nth(50) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

pub(crate) fn diff(
    args: &DiffArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let choice = args
        .out
        .choose("diff", kaiji_report::DIFF_FORMATS, Choice::Text)?;
    let old = read_document(&args.old)?;
    let new = read_document(&args.new)?;
    let d = kaiji_model::disclosure::diff(&old, &new, registry);
    let lang = out.lang;
    let (old_name, new_name) = (
        args.old.display().to_string(),
        args.new.display().to_string(),
    );
    let bytes = match choice {
        Choice::File(format) => {
            kaiji_report::render_diff(&old_name, &new_name, &d, format, lang)
                .map_err(|e| crate::review_cmd::render_error(&e))?
                .bytes
        }
        Choice::Text => {
            let mut out = Out::memory(lang);
            let (o, n) = (&old.subject, &new.subject);
            let how = if d.old_catalog == d.new_catalog {
                String::new()
            } else if d.mapped {
                out.pick("、対応表で比較", ", compared through the mapping")
                    .to_owned()
            } else {
                out.pick(
                    "、対応表がないため項目 id で比較",
                    ", no mapping: compared by item id",
                )
                .to_owned()
            };
            out.line(format!(
                "{} → {}: {} {} {} → {} ({} → {}{how})",
                args.old.display(),
                args.new.display(),
                n.organisation,
                n.product,
                o.version,
                n.version,
                d.old_catalog,
                d.new_catalog
            ));
            let counts: Vec<String> = ChangeKind::iter()
                .map(|k| format!("{} {}", k.label().get(lang), d.count(k)))
                .collect();
            out.line(format!("  {}", counts.join(out.pick("、", ", "))));
            for c in &d.changes {
                let label = c.kind.label();
                let item = match &c.item {
                    Some(i) => i.clone(),
                    None => out.pick("表紙", "cover").to_owned(),
                };
                let origin = if c.old_items.is_empty() || c.old_items.first() == c.item.as_ref() {
                    String::new()
                } else {
                    let relation = c.relation.map(|r| r.label().get(lang).to_owned());
                    format!(
                        " ({} {}{})",
                        out.pick("旧", "was"),
                        c.old_items.join(", "),
                        relation.map(|r| format!(", {r}")).unwrap_or_default()
                    )
                };
                let value = |v: &Option<String>| match v {
                    Some(v) if c.field == "answer" => answer_label(v, lang),
                    Some(v) => short(v),
                    None => "-".to_owned(),
                };
                let field = match (c.field.as_str(), lang) {
                    ("answer", Lang::Ja) => "回答".to_owned(),
                    ("remark", Lang::Ja) => "備考".to_owned(),
                    ("evidence", Lang::Ja) => "根拠資料".to_owned(),
                    (f, _) => f.trim_start_matches("subject.").to_owned(),
                };
                out.line(format!(
                    "  [{}] {item}{origin} {field}: {} → {}",
                    label.get(lang),
                    value(&c.old),
                    value(&c.new)
                ));
            }
            out.into_bytes()
        }
    };
    deliver(out, &args.out, choice, &bytes, |path| {
        Text::new(
            format!(
                "{} を作成しました({} 件の変更)",
                path.display(),
                d.changes.len()
            ),
            format!("wrote {} ({} changes)", path.display(), d.changes.len()),
        )
    })?;
    Ok(if d.count(ChangeKind::Regressed) > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

pub(crate) fn migrate(
    args: &MigrateArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let doc = read_document(&args.input)?;
    let to = args.to.parse()?;
    crate::cli::expect_extension("migrate", &args.output, &["json"])?;
    let m = kaiji_model::disclosure::migrate(&doc, registry, &to)?;
    write_new_file(&args.output, m.document.to_json().as_bytes(), args.force)?;
    let lang = out.lang;
    match args.format.format {
        crate::cli::Format::Json => out.json(&kaiji_model::api::MigrationReport::new(
            args.input.display().to_string(),
            args.output.display().to_string(),
            &m,
        )),
        crate::cli::Format::Text => {
            out.line(out.t(&Text::new(
                format!(
                    "{} → {}({} → {}): 引き継ぎ {} 項目、要確認 {} 項目、対応なし {} 項目",
                    args.input.display(),
                    args.output.display(),
                    doc.catalog,
                    m.document.catalog,
                    m.carried.len(),
                    m.review.len(),
                    m.removed.len()
                ),
                format!(
                    "{} → {} ({} → {}): {} items carried, {} need review, {} without counterpart",
                    args.input.display(),
                    args.output.display(),
                    doc.catalog,
                    m.document.catalog,
                    m.carried.len(),
                    m.review.len(),
                    m.removed.len()
                ),
            )));
            for r in &m.review {
                let from = if r.from.is_empty() {
                    String::new()
                } else {
                    format!(" ({} {})", out.pick("旧", "was"), r.from.join(", "))
                };
                out.line(format!(
                    "  {}: {}{from}: {}",
                    out.pick("要確認", "review"),
                    r.item,
                    r.reason.label().get(lang)
                ));
            }
            for id in &m.removed {
                out.line(format!(
                    "  {}: {id}",
                    out.pick(
                        "対応なし(migration.removed に保持)",
                        "no counterpart (kept under migration.removed)"
                    )
                ));
            }
        }
    }
    Ok(Outcome::Clean)
}
