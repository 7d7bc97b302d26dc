//! `kaiji checklist mhlw`: the MHLW checklist lines the inventory and the disclosures evidence.

use std::path::Path;

use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::mhlw::{ChecklistLine, Collected, Inventory};
use serde::Serialize;

use crate::{
    Outcome, UserError,
    cli::format_of,
    cli::{ChecklistCommand, LinesFormat, MhlwArgs},
    files::{deliver, read_document, read_text},
    output::{Out, csv_row},
};

pub(crate) fn run(
    cmd: ChecklistCommand,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    match cmd {
        ChecklistCommand::Mhlw(args) => mhlw(&args, registry, out),
    }
}

/// Each system's disclosure and remote service profile, read relative to the inventory's
/// folder (the profile checked against the advisories); a file that is missing or broken is a
/// gap of the checklist line, not an error of the command.
fn collect(
    inventory: &Inventory,
    base: &Path,
    advisories: &[kaiji_sbom::Advisory],
    today: jiff::civil::Date,
) -> Vec<Collected> {
    inventory
        .systems
        .iter()
        .map(|s| Collected {
            disclosure: s
                .disclosure
                .as_deref()
                .map(|rel| read_document(&base.join(rel)).map_err(|e| e.0)),
            profile_checks: s.remote_profile.as_deref().map(|rel| {
                let path = base.join(rel);
                let profile = read_text(&path).and_then(|text| {
                    Ok(kaiji_model::rss::Profile::parse(
                        &path.display().to_string(),
                        &text,
                    )?)
                });
                profile
                    .map(|p| kaiji_model::rss::check_profile(&p, advisories, today))
                    .map_err(|e| e.0)
            }),
        })
        .collect()
}

/// An inventory in YAML, or kept in a workbook (.xlsx, .xlsm, .xls, .ods).
fn read_inventory_file(path: &Path) -> Result<Inventory, UserError> {
    if !crate::xlsx_cmd::is_workbook(path) {
        let text = read_text(path)?;
        return Ok(Inventory::parse(&path.display().to_string(), &text)?);
    }
    let bytes = crate::files::read_bytes(path, crate::files::MAX_WORKBOOK_BYTES)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    kaiji_xlsx::read_inventory(&bytes, &stem, &kaiji_xlsx::Limits::default()).map_err(|e| {
        UserError::new(
            format!("{}: {}", path.display(), e.message(Lang::Ja)),
            format!("{}: {}", path.display(), e.message(Lang::En)),
        )
    })
}

#[derive(Serialize)]
struct LinesJson<'a> {
    facility: &'a str,
    form: &'a str,
    lines: &'a [ChecklistLine],
}

fn mhlw(args: &MhlwArgs, registry: &Registry, out: &mut Out) -> Result<Outcome, UserError> {
    let inventory = read_inventory_file(&args.inventory)?;
    let base = args.inventory.parent().unwrap_or(Path::new("."));
    let today = crate::review_cmd::review_date(args.today.as_deref())?;
    let advisories = crate::files::read_advisories(&args.advisories)?;
    let collected = collect(&inventory, base, &advisories, today);
    let lines = kaiji_model::mhlw::mhlw_lines(&inventory, &collected, registry, today)?;
    let lang = out.lang;
    let format = args
        .format
        .or_else(|| format_of(args.output.as_deref()))
        .unwrap_or(LinesFormat::Text);
    let bytes: Vec<u8> = match format {
        LinesFormat::Xlsx => kaiji_xlsx::checklist_workbook(&inventory.facility, &lines, lang)
            .map_err(|e| UserError::new(e.message(Lang::Ja), e.message(Lang::En)))?,
        LinesFormat::Json => {
            let mut s = serde_json::to_string_pretty(&LinesJson {
                facility: &inventory.facility,
                form: &inventory.form,
                lines: &lines,
            })
            .expect("lines serialise");
            s.push('\n');
            s.into_bytes()
        }
        LinesFormat::Html => {
            kaiji_report::to_html(&kaiji_report::checklist_report(&inventory, &lines, lang))
                .into_bytes()
        }
        LinesFormat::Pdf => {
            kaiji_report::to_pdf(&kaiji_report::checklist_report(&inventory, &lines, lang))
                .map_err(|e| UserError::new(e.to_string(), e.to_string()))?
        }
        LinesFormat::Csv => lines_csv(&lines, lang).into_bytes(),
        LinesFormat::Text => lines_text(&inventory, &lines, lang).into_bytes(),
    };
    let binary = match format {
        LinesFormat::Xlsx => Some("xlsx"),
        LinesFormat::Pdf => Some("PDF"),
        _ => None,
    };
    deliver(
        out,
        args.output.as_deref(),
        args.force,
        binary,
        &bytes,
        |path| {
            Text::new(
                format!("{} を作成しました({} 項目)", path.display(), lines.len()),
                format!("wrote {} ({} lines)", path.display(), lines.len()),
            )
        },
    )?;
    Ok(if lines.iter().all(|l| l.yes) {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn lines_text(inventory: &Inventory, lines: &[ChecklistLine], lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let mut text = format!(
        "{} — {}\n",
        inventory.facility,
        if ja {
            "医療機関におけるサイバーセキュリティ対策チェックリスト(kaiji が回答できる項目)"
        } else {
            "MHLW cybersecurity checklist (the lines kaiji can answer)"
        }
    );
    for line in lines {
        let answer = match (line.yes, ja) {
            (true, true) => "はい",
            (false, true) => "いいえ",
            (true, false) => "yes",
            (false, false) => "no",
        };
        let checked = if ja {
            format!("(確認日 {})", line.checked)
        } else {
            format!(" (checked {})", line.checked)
        };
        text.push_str(&format!(
            "{} {}: {answer}{checked}\n",
            line.number,
            line.title.get(lang)
        ));
        for g in &line.missing {
            text.push_str(&format!(
                "    {}: {}: [{}] {}\n",
                if ja { "不足" } else { "missing" },
                g.system,
                g.finding.code,
                g.finding.message.get(lang)
            ));
        }
        for g in &line.notes {
            text.push_str(&format!(
                "    {}: {}: [{}] {}\n",
                if ja { "補足" } else { "note" },
                g.system,
                g.finding.code,
                g.finding.message.get(lang)
            ));
        }
    }
    text
}

fn lines_csv(lines: &[ChecklistLine], lang: Lang) -> String {
    let mut text = String::from("\u{feff}");
    text.push_str(&csv_row(match lang {
        Lang::Ja => [
            "項目",
            "内容",
            "回答",
            "確認日",
            "区分",
            "システム",
            "内容の詳細",
        ],
        Lang::En => [
            "line", "asks", "answer", "checked", "kind", "system", "detail",
        ],
    }));
    text.push('\n');
    for line in lines {
        let answer = match (line.yes, lang) {
            (true, Lang::Ja) => "はい",
            (false, Lang::Ja) => "いいえ",
            (true, Lang::En) => "yes",
            (false, Lang::En) => "no",
        };
        let checked = line.checked.to_string();
        let gaps = line
            .missing
            .iter()
            .map(|g| {
                (
                    if lang == Lang::Ja {
                        "不足"
                    } else {
                        "missing"
                    },
                    g,
                )
            })
            .chain(
                line.notes
                    .iter()
                    .map(|g| (if lang == Lang::Ja { "補足" } else { "note" }, g)),
            );
        let mut any = false;
        for (kind, g) in gaps {
            any = true;
            text.push_str(&csv_row([
                line.number.as_str(),
                line.title.get(lang),
                answer,
                &checked,
                kind,
                &g.system,
                g.finding.message.get(lang),
            ]));
            text.push('\n');
        }
        if !any {
            text.push_str(&csv_row([
                line.number.as_str(),
                line.title.get(lang),
                answer,
                &checked,
                "",
                "",
                "",
            ]));
            text.push('\n');
        }
    }
    text
}
