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

/// How many characters of a value a diff line shows.
const SHOWN: usize = 50;

/// A long text cut for a terminal line.
fn short(text: &str) -> String {
    let one_line = text.replace('\n', " ");
    match one_line.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

/// Two different texts cut for a terminal line so that the cut keeps them apart: when they
/// first differ beyond what `short` shows, both are shown as an excerpt around that character,
/// with … where text is left out.
fn short_pair(old: &str, new: &str) -> (String, String) {
    let (a, b): (Vec<char>, Vec<char>) = (
        old.replace('\n', " ").chars().collect(),
        new.replace('\n', " ").chars().collect(),
    );
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if first + 10 <= SHOWN {
        return (short(old), short(new));
    }
    let start = first.saturating_sub(20);
    let excerpt = |chars: &[char]| {
        let end = (start + SHOWN).min(chars.len());
        let mut s = String::new();
        if start > 0 {
            s.push('…');
        }
        s.extend(&chars[start.min(chars.len())..end]);
        if end < chars.len() {
            s.push('…');
        }
        s
    };
    (excerpt(&a), excerpt(&b))
}

pub(crate) fn diff(
    args: &DiffArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let choice = args
        .out
        .choose("diff", kaiji_report::DIFF_FORMATS, Choice::Text)?;
    crate::review_cmd::warn_repeated_files(&[args.old.clone(), args.new.clone()], out);
    let old = read_document(&args.old)?;
    let new = read_document(&args.new)?;
    let d = kaiji_model::disclosure::diff(&old, &new, registry);
    let lang = out.lang;
    for f in &d.findings {
        out.warn(&f.message);
    }
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
            // One product: its name once. Two (a warning says so): each side in full.
            let sides = if d.findings.is_empty() {
                format!(
                    "{} {} {} → {}",
                    n.organisation, n.product, o.version, n.version
                )
            } else {
                format!(
                    "{} {} {} → {} {} {}",
                    o.organisation, o.product, o.version, n.organisation, n.product, n.version
                )
            };
            out.line(format!(
                "{} → {}: {sides} ({} → {}{how})",
                args.old.display(),
                args.new.display(),
                d.old_catalog,
                d.new_catalog
            ));
            for f in &d.findings {
                out.line(format!("  {}", out.finding(f)));
            }
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
                let (old_value, new_value) = match (&c.old, &c.new) {
                    (Some(o), Some(n)) if c.field != "answer" => short_pair(o, n),
                    _ => {
                        let value = |v: &Option<String>| match v {
                            Some(v) if c.field == "answer" => answer_label(v, lang),
                            Some(v) => short(v),
                            None => "-".to_owned(),
                        };
                        (value(&c.old), value(&c.new))
                    }
                };
                let field = match (c.field.as_str(), lang) {
                    ("answer", Lang::Ja) => "回答".to_owned(),
                    ("remark", Lang::Ja) => "備考".to_owned(),
                    ("evidence", Lang::Ja) => "根拠資料".to_owned(),
                    (f, _) => f.trim_start_matches("subject.").to_owned(),
                };
                out.line(format!(
                    "  [{}] {item}{origin} {field}: {old_value} → {new_value}",
                    label.get(lang),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_and_early_differences_are_cut_as_before() {
        assert_eq!(short_pair("a", "b"), ("a".to_owned(), "b".to_owned()));
        let (a, b) = ("x".repeat(30) + "A" + &"y".repeat(40), "x".repeat(30) + "B");
        assert_eq!(short_pair(&a, &b), (short(&a), short(&b)));
    }

    #[test]
    fn a_late_difference_is_shown_in_an_excerpt_on_both_sides() {
        let common = "同じ文章が続きます。".repeat(8);
        let (old, new) = (
            format!("{common}第2版を提供。"),
            format!("{common}第3版を提供。"),
        );
        // Cut at 50 characters the two would read the same.
        assert_eq!(short(&old), short(&new));
        let (o, n) = short_pair(&old, &new);
        assert_ne!(o, n);
        assert!(o.starts_with('…') && o.contains("第2版を提供。"), "{o}");
        assert!(n.starts_with('…') && n.contains("第3版を提供。"), "{n}");
        // One text a prefix of the other: the excerpt shows where the longer goes on.
        let (o, n) = short_pair(&common, &format!("{common}追記"));
        assert!(n.ends_with("追記") && !o.contains("追記"), "{o} / {n}");
        let long = "z".repeat(200);
        let (o, n) = short_pair(&format!("{common}A{long}"), &format!("{common}B{long}"));
        assert!(o.ends_with('…') && n.ends_with('…'));
        assert_eq!(o.chars().count(), SHOWN + 2);
    }
}
