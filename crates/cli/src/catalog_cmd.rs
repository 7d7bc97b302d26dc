//! `kaiji catalog list | show | check`.

use kaiji_catalog::{Body, Catalog, CatalogRef, ItemView, Registry, Text};
use serde::Serialize;

use crate::{
    Outcome, UserError,
    cli::{CatalogCommand, Format},
    output::{Out, pad, width},
};

pub(crate) fn run(
    cmd: CatalogCommand,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    match cmd {
        CatalogCommand::List(args) => {
            list(registry, args.format, out);
            Ok(Outcome::Clean)
        }
        CatalogCommand::Show(args) => {
            let catalog = resolve(registry, &args.catalog)?;
            match args.item {
                Some(item) => show_item(registry, catalog, &item, args.format.format, out),
                None => {
                    show(catalog, args.format.format, out);
                    Ok(Outcome::Clean)
                }
            }
        }
        CatalogCommand::Derive(args) => {
            if let Some(warning) = replaces_loaded(registry, &args.id, &args.revision) {
                out.warn(&warning);
            }
            crate::xlsx_cmd::derive(&args, out)
        }
        CatalogCommand::Check(args) => check(registry, &args.files, args.format.format, out),
    }
}

/// A derived catalog named like one already loaded (`jahis-mds-sds@5.0h`) replaces it wherever
/// it is loaded with `--catalog-file`, so documents of the shipped revision would silently be
/// read against the user's blank: say so, and suggest a revision of its own.
fn replaces_loaded(registry: &Registry, id: &str, revision: &str) -> Option<Text> {
    let key = format!("{id}@{revision}");
    registry.catalogs().iter().any(|c| c.key() == key).then(|| {
        let suggestion = format!("{revision}-local");
        Text::new(
            format!(
                "{key} は読み込み済みのチェックリスト(同梱)と同じ id と版です。--catalog-file で読み込むと、同梱の {key} を置き換えます。別の版を付けてください(例: --revision {suggestion})"
            ),
            format!(
                "{key} has the id and revision of a loaded (shipped) checklist; loaded with --catalog-file it replaces the shipped {key}. Give it a revision of its own (for example --revision {suggestion})"
            ),
        )
    })
}

/// Finds a catalog by `ID[@REVISION]`, with a helpful error.
pub(crate) fn resolve<'r>(registry: &'r Registry, text: &str) -> Result<&'r Catalog, UserError> {
    let r: CatalogRef = text.parse()?;
    registry.resolve(&r).ok_or_else(|| {
        let known: Vec<String> = registry.catalogs().iter().map(Catalog::key).collect();
        UserError::new(
            format!(
                "カタログ {text} が見つかりません。読み込まれているカタログ: {}",
                known.join(", ")
            ),
            format!(
                "catalog {text} not found. Loaded catalogs: {}",
                known.join(", ")
            ),
        )
    })
}

fn list(registry: &Registry, format: Format, out: &mut Out) {
    let rows: Vec<kaiji_model::api::CatalogRow> = registry
        .catalogs()
        .iter()
        .map(|c| kaiji_model::api::CatalogRow::new(c, out.lang))
        .collect();
    if format == Format::Json {
        out.json(&rows);
        return;
    }
    let header = [
        out.pick("カタログ", "catalog"),
        out.pick("種類", "kind"),
        out.pick("版", "edition"),
        out.pick("件数", "entries"),
        out.pick("確度", "conf."),
        out.pick("確度別の件数", "entries by confidence"),
        out.pick("名称", "title"),
    ];
    let column = |i: usize, cell: &dyn Fn(&kaiji_model::api::CatalogRow) -> String| {
        rows.iter()
            .map(|r| width(&cell(r)))
            .chain([width(header[i])])
            .max()
            .unwrap_or(0)
    };
    let key_width = column(0, &|r| r.key.clone());
    let kind_width = column(1, &|r| r.kind.to_string());
    let edition_width = column(2, &|r| r.version.clone());
    let mix_width = column(5, &|r| r.confidence_counts.mix());
    out.line(format!(
        "{}  {}  {}  {}  {}  {}  {}",
        pad(header[0], key_width),
        pad(header[1], kind_width),
        pad(header[2], edition_width),
        pad(header[3], 5),
        pad(header[4], 5),
        pad(header[5], mix_width),
        header[6]
    ));
    for r in &rows {
        let superseded = r
            .superseded_by
            .as_ref()
            .map(|newer| {
                out.pick(
                    &format!("  [{newer} に置き換え済み・引き続き使用可]"),
                    &format!("  [superseded by {newer}; still usable]"),
                )
                .to_owned()
            })
            .unwrap_or_default();
        out.line(format!(
            "{}  {}  {}  {:>5}  {}  {}  {}{superseded}",
            pad(&r.key, key_width),
            pad(&r.kind.to_string(), kind_width),
            pad(&r.version, edition_width),
            r.entries,
            pad(&r.confidence.to_string(), 5),
            pad(&r.confidence_counts.mix(), mix_width),
            r.title
        ));
    }
    let legend = out.pick(
        "確度: V 公式資料で確認 / D 案のみ / I 二次資料・推定 / U 未確認の作業仮説",
        "confidence: V official copy / D draft only / I secondary or inferred / U unverified assumption",
    );
    out.line(format!("\n{legend}"));
}

fn show(catalog: &Catalog, format: Format, out: &mut Out) {
    if format == Format::Json {
        out.json(catalog);
        return;
    }
    let h = &catalog.header;
    out.line(format!("{}  ({})", out.t(&h.title), catalog.key()));
    let fields = [
        (
            out.pick("種類", "kind"),
            out.t(&catalog.kind().label()).to_owned(),
        ),
        (out.pick("版", "version"), h.version.clone()),
        (out.pick("発行者", "publisher"), h.publisher.clone()),
        (
            out.pick("発行", "published"),
            h.published.clone().unwrap_or_default(),
        ),
        (out.pick("出典", "source"), h.source.clone()),
        (
            out.pick("確度", "confidence"),
            format!("{} ({})", h.confidence, out.t(&h.confidence.describe())),
        ),
        (out.pick("注記", "note"), h.note.clone().unwrap_or_default()),
        (
            out.pick("置き換え先", "superseded by"),
            h.superseded_by
                .as_ref()
                .map(|newer| {
                    out.pick(
                        &format!("{newer}(この版も引き続き使えます)"),
                        &format!("{newer} (this edition stays usable)"),
                    )
                    .to_owned()
                })
                .unwrap_or_default(),
        ),
        (out.pick("読込元", "origin"), catalog.origin.clone()),
    ];
    for (label, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        out.line(format!("  {label}: {value}"));
    }
    out.line("");
    match &catalog.body {
        Body::Checklist(list) => {
            for section in &list.sections {
                out.line(format!("[{}] {}", section.id, out.t(&section.title)));
                for item in &section.items {
                    let forms: Vec<String> = item
                        .forms
                        .iter()
                        .map(|f| f.to_string().to_uppercase())
                        .collect();
                    out.line(format!(
                        "  {:<14} {:<8} {:<6} {}",
                        item.id.as_str(),
                        forms.join("+"),
                        item.no.as_deref().unwrap_or(""),
                        out.t(&item.text)
                    ));
                }
            }
        }
        Body::Overlay(overlay) => {
            out.line(format!("{}: {}", out.pick("対象", "base"), overlay.base));
            for mark in &overlay.items {
                let mut flags = Vec::new();
                if mark.rss_relevant {
                    flags.push(out.pick("RSS関連", "rss-relevant"));
                }
                if mark.communication_method {
                    flags.push(out.pick("通信方式", "communication-method"));
                }
                let note = mark.note.as_ref().map(|n| out.t(n)).unwrap_or("");
                out.line(format!(
                    "  {:<14} {:<24} {note}",
                    mark.item.as_str(),
                    flags.join(", ")
                ));
            }
        }
        Body::Reference(reference) => {
            for entry in &reference.entries {
                let depth = ancestors(reference, &entry.id);
                let unnumbered = if entry.unnumbered {
                    out.pick("  [番号未確認]", "  [number unknown]")
                } else {
                    ""
                };
                out.line(format!(
                    "{}{}  {}  [{}]{unnumbered}",
                    "  ".repeat(depth),
                    entry.id,
                    out.t(&entry.title),
                    entry.confidence
                ));
            }
        }
        Body::Data(data) => {
            // Threats and policy rules by id and title; `--format json` gives every field.
            for entry in data.entries() {
                let id = entry["id"].as_str().unwrap_or("?");
                let title = entry["title"][out.pick("ja", "en")].as_str().unwrap_or("");
                out.line(format!("  {id:<14} {title}").trim_end());
            }
        }
        Body::Mapping(mapping) => {
            out.line(format!("{} → {}", mapping.from, mapping.to));
            for e in &mapping.entries {
                out.line(format!(
                    "  {:<10} {} → {}",
                    out.t(&e.relation.label()),
                    if e.from.is_empty() {
                        "—".to_owned()
                    } else {
                        e.from.join(", ")
                    },
                    if e.to.is_empty() {
                        "—".to_owned()
                    } else {
                        e.to.join(", ")
                    },
                ));
            }
        }
    }
}

fn ancestors(reference: &kaiji_catalog::Reference, id: &str) -> usize {
    let mut depth = 0;
    let mut current = reference.entry(id).and_then(|e| e.parent.as_deref());
    // Bounded by the entry count, so a cycle in a user's file cannot hang the display.
    while let Some(parent) = current {
        depth += 1;
        if depth > reference.entries.len() {
            break;
        }
        current = reference.entry(parent).and_then(|e| e.parent.as_deref());
    }
    depth
}

#[derive(Serialize)]
struct ItemJson<'a> {
    catalog: String,
    section: &'a kaiji_catalog::Section,
    item: &'a kaiji_catalog::Item,
    links: Vec<LinkJson<'a>>,
    rss_relevant: Option<bool>,
    communication_method: Option<bool>,
}

#[derive(Serialize)]
struct LinkJson<'a> {
    mapping: String,
    relation: kaiji_catalog::Relation,
    direction: &'static str,
    catalog: Option<String>,
    ids: &'a [String],
}

fn show_item(
    registry: &Registry,
    catalog: &Catalog,
    id: &str,
    format: Format,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    if catalog.as_checklist().is_none() {
        return Err(UserError::new(
            format!(
                "{} はチェックリストではないため --item は使えません",
                catalog.key()
            ),
            format!("{} is not a checklist; --item needs one", catalog.key()),
        ));
    }
    let view = registry.item_view(catalog, id).ok_or_else(|| {
        UserError::new(
            format!("項目 {id} は {} にありません", catalog.key()),
            format!("item {id} is not in {}", catalog.key()),
        )
    })?;
    if format == Format::Json {
        out.json(&ItemJson {
            catalog: catalog.key(),
            section: view.section,
            item: view.item,
            links: view
                .links
                .iter()
                .map(|l| LinkJson {
                    mapping: l.mapping.key(),
                    relation: l.relation,
                    direction: if l.outgoing { "to" } else { "from" },
                    catalog: l.other.map(Catalog::key),
                    ids: l.ids,
                })
                .collect(),
            rss_relevant: view.rss.map(|r| r.relevant),
            communication_method: view.rss.map(|r| r.communication_method),
        });
        return Ok(Outcome::Clean);
    }
    print_item(&view, out);
    Ok(Outcome::Clean)
}

fn print_item(view: &ItemView<'_>, out: &mut Out) {
    let item = view.item;
    out.line(format!("{}  ({})", item.id, view.catalog.key()));
    out.line(format!("  {}", out.t(&item.text)));
    let forms: Vec<String> = item
        .forms
        .iter()
        .map(|f| out.t(&f.label()).to_owned())
        .collect();
    let rows = [
        (
            out.pick("セクション", "section"),
            format!("[{}] {}", view.section.id, out.t(&view.section.title)),
        ),
        (out.pick("様式", "forms"), forms.join(", ")),
        (
            out.pick("様式上の番号", "form number"),
            item.no.clone().unwrap_or_default(),
        ),
        (
            out.pick("回答の種類", "answer kind"),
            item.answer.to_string(),
        ),
        ("MDS2", item.mds2.clone().unwrap_or_default()),
        (
            out.pick("確度", "confidence"),
            format!(
                "{} ({})",
                item.confidence,
                out.t(&item.confidence.describe())
            ),
        ),
        (
            out.pick("出典", "source"),
            item.source.clone().unwrap_or_default(),
        ),
    ];
    for (label, value) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        out.line(format!("  {label}: {value}"));
    }
    for rule in &item.rules {
        let text = match rule {
            kaiji_catalog::Rule::RemarkRequired(answers) => {
                let labels: Vec<String> = answers
                    .iter()
                    .map(|a| out.t(&a.label()).to_owned())
                    .collect();
                format!(
                    "{}: {}",
                    out.pick("備考が必要な回答", "remark required for"),
                    labels.join(", ")
                )
            }
            kaiji_catalog::Rule::OnlyIf(c) => format!(
                "{}: {} = {}",
                out.pick("回答する条件", "applies only if"),
                c.item,
                out.t(&c.answer.label())
            ),
        };
        out.line(format!("  {}: {text}", out.pick("規則", "rule")));
    }
    if let Some(rss) = view.rss {
        let yes_no = |b: bool| {
            if b {
                out.pick("はい", "yes")
            } else {
                out.pick("いいえ", "no")
            }
        };
        out.line(format!(
            "  RSS ({}): {} {} / {} {}",
            rss.overlay.key(),
            out.pick("関連", "relevant"),
            yes_no(rss.relevant),
            out.pick("通信方式", "communication method"),
            yes_no(rss.communication_method)
        ));
        if let Some(note) = rss.note {
            out.line(format!("    {}", out.t(note)));
        }
    }
    for link in &view.links {
        let other = link.other.map_or_else(|| "?".to_owned(), Catalog::key);
        let arrow = if link.outgoing { "→" } else { "←" };
        let ids = if link.ids.is_empty() {
            "—".to_owned()
        } else {
            link.ids.join(", ")
        };
        out.line(format!(
            "  {arrow} {other} [{}]: {ids}",
            out.t(&link.relation.label())
        ));
        if let Some(other_catalog) = link.other
            && let Some(reference) = other_catalog.as_reference()
        {
            for id in link.ids {
                if let Some(entry) = reference.entry(id) {
                    out.line(format!("      {id}: {}", out.t(&entry.title)));
                }
            }
        }
    }
}

/// One problem `kaiji catalog check` reports: a catalog issue (kaiji-catalog) or a finding in a
/// threat catalogue or policy (kaiji-model), in one shape.
#[derive(Serialize)]
struct CheckRow<'a> {
    code: &'static str,
    origin: &'a str,
    catalog: &'a str,
    place: String,
    message: &'a Text,
}

fn check(
    registry: &Registry,
    files: &[std::path::PathBuf],
    format: Format,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let mut registry = registry.clone();
    let mut keys = Vec::new();
    for path in files {
        let text = crate::files::read_text(path)?;
        let catalog = kaiji_catalog::parse(&path.display().to_string(), &text)?;
        keys.push(catalog.key());
        registry.add(catalog)?;
    }
    let only = (!files.is_empty()).then_some(keys.as_slice());
    // The catalog crate checks what every catalog shares; the domain checks the threat
    // catalogues and policies, whose fields only it understands.
    let issues = kaiji_catalog::check(&registry, only);
    let findings = kaiji_model::data::check(&registry, only, jiff::Zoned::now().date())?;
    let rows: Vec<CheckRow<'_>> = issues
        .iter()
        .map(|i| CheckRow {
            code: i.code.into(),
            origin: &i.origin,
            catalog: &i.catalog,
            place: i.place.clone(),
            message: &i.message,
        })
        .chain(findings.iter().map(|f| CheckRow {
            code: f.finding.code.as_str(),
            origin: &f.origin,
            catalog: &f.catalog,
            place: f.finding.location.to_string(),
            message: &f.finding.message,
        }))
        .collect();
    let checked = only.map_or(registry.catalogs().len(), <[String]>::len);
    if format == Format::Json {
        out.json(&rows);
    } else {
        for row in &rows {
            out.line(format!(
                "{}: {}: {}: [{}] {}",
                row.origin,
                row.catalog,
                row.place,
                row.code,
                out.t(row.message)
            ));
        }
        let summary = if rows.is_empty() {
            Text::new(
                format!("{checked} 件のカタログを検査しました: 問題はありません"),
                format!("checked {checked} catalogs: no problems"),
            )
        } else {
            Text::new(
                format!(
                    "{checked} 件のカタログを検査しました: 問題 {} 件",
                    rows.len()
                ),
                format!("checked {checked} catalogs: {} problems", rows.len()),
            )
        };
        out.line(out.t(&summary));
    }
    // Warnings of a policy (a rule that selects nothing) are shown; like `kaiji policy check`,
    // only errors decide the exit code.
    let failing = !issues.is_empty()
        || findings
            .iter()
            .any(|f| f.finding.severity == kaiji_model::Severity::Error);
    Ok(if failing {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
