//! `kaiji checklist mhlw`: the MHLW checklist lines the inventory and the disclosures evidence.

use std::path::Path;

use crate::{
    Outcome, UserError,
    cli::{ChecklistCommand, Choice, MhlwArgs},
    files::{deliver, read_document, read_text},
    output::Out,
};
use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::mhlw::{Answered, Collected, Inventory};

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
                .map(|rel| read_document(&base.join(rel)).map_err(|e| e.text)),
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
                    .map_err(|e| e.text)
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
    kaiji_xlsx::read_inventory(&bytes, &stem, &kaiji_xlsx::Limits::default())
        .map_err(|e| crate::files::in_file(path, e))
}

fn mhlw(args: &MhlwArgs, registry: &Registry, out: &mut Out) -> Result<Outcome, UserError> {
    let choice = args.out.choose(
        "checklist mhlw",
        kaiji_report::CHECKLIST_FORMATS,
        Choice::Text,
    )?;
    let editions = kaiji_model::mhlw::mhlw_editions(registry);
    if !editions.contains(&args.edition) {
        return Err(UserError::new(
            format!(
                "チェックリストの版 {} はありません。使える版: {}",
                args.edition,
                editions.join(", ")
            ),
            format!(
                "no checklist edition {}; editions loaded: {}",
                args.edition,
                editions.join(", ")
            ),
        ));
    }
    let inventory = read_inventory_file(&args.inventory)?;
    let base = args.inventory.parent().unwrap_or(Path::new("."));
    let today = crate::review_cmd::review_date(args.today, out);
    let advisories = crate::files::read_advisories(&args.advisories)?;
    let collected = collect(&inventory, base, &advisories, today);
    let answered = kaiji_model::mhlw::mhlw_lines(
        &inventory,
        &collected,
        registry,
        Some(&args.edition),
        today,
    )?;
    let lang = out.lang;
    let bytes: Vec<u8> = match choice {
        Choice::File(format) => {
            kaiji_report::render_checklist(&inventory, &answered, format, lang)
                .map_err(|e| crate::review_cmd::render_error(&e))?
                .bytes
        }
        Choice::Text => lines_text(&inventory, &answered, lang).into_bytes(),
    };
    let lines = &answered.lines;
    deliver(out, &args.out, choice, &bytes, |path| {
        Text::new(
            format!("{} を作成しました({} 項目)", path.display(), lines.len()),
            format!("wrote {} ({} lines)", path.display(), lines.len()),
        )
    })?;
    Ok(if lines.iter().all(|l| l.yes) {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn lines_text(inventory: &Inventory, answered: &Answered, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let mut text = format!(
        "{} — {} — {}{}\n{}\n",
        inventory.facility,
        answered.edition.title.get(lang),
        answered.edition.form_title.get(lang),
        if ja {
            "(kaiji が回答できる項目)"
        } else {
            " (the lines kaiji can answer)"
        },
        kaiji_report::edition_text(answered, lang)
    );
    for line in &answered.lines {
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
        let number = match &line.number {
            Some(n) => n.clone(),
            None => format!("[{}] {}", line.number_text().get(lang), line.id),
        };
        text.push_str(&format!(
            "{number} {} ({} {}): {answer}{checked}\n",
            line.title.get(lang),
            if ja { "確度" } else { "confidence" },
            line.confidence
        ));
        if !line.counterparts.is_empty() {
            text.push_str(&format!(
                "    {}: {}\n",
                if ja {
                    "他の版の対応項目"
                } else {
                    "counterpart"
                },
                line.counterparts.join(", ")
            ));
        }
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
