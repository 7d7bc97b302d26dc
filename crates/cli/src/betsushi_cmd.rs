//! `kaiji betsushi`: the GL 7.0 保守委託機関編【別紙】 check of vendors' disclosures, with the
//! facility's risk record; `--write-template` writes a record template for the lines still
//! needing an assessment. Vendors run the same command on their own disclosure.

use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::betsushi::{Input, LineAnswer, Outcome, RecordInput, RiskRecord};

use crate::{
    Outcome as Exit, UserError,
    cli::{BetsushiArgs, Choice},
    files::{deliver, read_document, read_text, write_new_file},
    output::Out,
};

pub(crate) fn betsushi(
    args: &BetsushiArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Exit, UserError> {
    let choice = args
        .out
        .choose("betsushi", kaiji_report::BETSUSHI_FORMATS, Choice::Text)?;
    let today = crate::review_cmd::review_date(args.today, out);
    crate::review_cmd::warn_repeated_files(&args.files, out);
    let mut documents = Vec::new();
    for path in &args.files {
        let document = read_document(path)?;
        kaiji_model::betsushi::readable(registry, &document).map_err(|e| {
            let hint = matches!(e, kaiji_model::Error::NoMapping { .. }).then(|| {
                Text::new(
                    "(kaiji migrate で 5.0 に移すか、対応表を --catalog-file で読み込んでください)",
                    " (carry it to 5.0 with kaiji migrate, or load a mapping with --catalog-file)",
                )
            });
            crate::files::in_file(path, e).map_text(|t| match &hint {
                Some(h) => Text::new(format!("{}{}", t.ja, h.ja), format!("{}{}", t.en, h.en)),
                None => t,
            })
        })?;
        documents.push((path.display().to_string(), document));
    }
    let record = match &args.risk_record {
        Some(path) => {
            let origin = path.display().to_string();
            let record = RiskRecord::parse(&origin, &read_text(path)?)?;
            Some((origin, record))
        }
        None => None,
    };
    let inputs: Vec<Input<'_>> = documents
        .iter()
        .map(|(file, document)| Input { file, document })
        .collect();
    let outcome = kaiji_model::betsushi::check(
        registry,
        &inputs,
        record
            .as_ref()
            .map(|(file, record)| RecordInput { file, record }),
        today,
    )?;
    if let Some(path) = &args.write_template {
        let facility = args
            .facility
            .clone()
            .or_else(|| outcome.facility.clone())
            .unwrap_or_default();
        let template = kaiji_model::betsushi::template(&outcome, &facility);
        write_new_file(path, template.as_bytes(), args.out.force)?;
        let n = outcome
            .disclosures
            .iter()
            .flat_map(|d| &d.lines)
            .filter(|l| l.answer.needs_assessment() && l.assessment.is_none())
            .count();
        out.line(out.t(&Text::new(
            format!("{} を作成しました(評価が必要な {n} 行)", path.display()),
            format!("wrote {} ({n} lines needing an assessment)", path.display()),
        )));
        return Ok(Exit::Clean);
    }
    let lang = out.lang;
    let bytes: Vec<u8> = match choice {
        Choice::File(format) => {
            kaiji_report::render_betsushi(&outcome, &today.to_string(), format, lang)
                .map_err(|e| crate::review_cmd::render_error(&e))?
                .bytes
        }
        Choice::Text => text(&outcome, lang).into_bytes(),
    };
    deliver(out, &args.out, choice, &bytes, |path| {
        Text::new(
            format!(
                "{} を作成しました(開示書 {} 件)",
                path.display(),
                outcome.disclosures.len()
            ),
            format!(
                "wrote {} ({} disclosures)",
                path.display(),
                outcome.disclosures.len()
            ),
        )
    })?;
    Ok(if outcome.all_findings().any(|f| f.severity >= args.deny) {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// The check for a terminal: per disclosure the verdict, the lines needing an assessment, and
/// the findings.
fn text(outcome: &Outcome, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let pick = |j: &'static str, e: &'static str| if ja { j } else { e };
    let mut s = format!(
        "{} ({} {} {}){}\n",
        pick(
            "GL 第7.0版 保守委託機関編【別紙】の確認",
            "GL 7.0 maintenance-outsourcing annex (別紙) check"
        ),
        outcome.betsushi,
        pick("確度", "confidence"),
        outcome.confidence,
        outcome
            .facility
            .as_deref()
            .map(|f| format!(" — {f}"))
            .unwrap_or_default()
    );
    for d in &outcome.disclosures {
        s.push_str(&format!(
            "\n{}: {} {} {} [{}]\n  {}: {}\n",
            d.file,
            d.organisation,
            d.product,
            d.version,
            d.form.to_string().to_uppercase(),
            pick("判定", "verdict"),
            d.verdict.label().get(lang)
        ));
        for l in d.lines.iter().filter(|l| l.answer.needs_assessment()) {
            let state = match &l.assessment {
                Some(a) => format!(
                    "{} {} ({}), {} {}",
                    pick("リスク値", "risk"),
                    a.value,
                    a.assessment.treatment.label().get(lang),
                    pick("見直し", "review"),
                    a.assessment.review
                ),
                None => pick("記録なし", "no record").to_owned(),
            };
            s.push_str(&format!(
                "  {} {} [{}] {}: {} — {state}\n",
                l.line,
                l.area.get(lang),
                marks(l),
                l.items.join(", "),
                l.answer.label().get(lang),
            ));
        }
        let no_item: Vec<&str> = d
            .lines
            .iter()
            .filter(|l| l.answer == LineAnswer::NoItem)
            .map(|l| l.line.as_str())
            .collect();
        if !no_item.is_empty() {
            s.push_str(&format!(
                "  {}: {}\n",
                pick(
                    "開示書に対応項目のない行(事業者に直接確認)",
                    "lines no disclosure item answers (ask the vendor)"
                ),
                no_item.join(", ")
            ));
        }
        for f in &d.findings {
            s.push_str(&format!(
                "  {} [{}] {}: {}\n",
                f.severity.label().get(lang),
                f.code,
                f.location,
                f.message.get(lang)
            ));
        }
    }
    for f in &outcome.findings {
        s.push_str(&format!(
            "{} [{}] {}: {}\n",
            f.severity.label().get(lang),
            f.code,
            f.location,
            f.message.get(lang)
        ));
    }
    s.push_str(pick(
        "\n別紙の行は公式の項目文を確認できていない仮の構成です(確度 U = 内容未確認)。kaiji は評価が必要な行を示すだけで、適合を判定しません。\n",
        "\nThe annex lines are a placeholder layout (confidence U = content unknown). kaiji flags the lines that need an assessment; it never declares compliance.\n",
    ));
    s
}

/// A line's confidence marks (line/mapping).
fn marks(l: &kaiji_model::betsushi::Line) -> String {
    if l.confidence == l.mapping_confidence {
        l.confidence.to_string()
    } else {
        format!("{}/{}", l.confidence, l.mapping_confidence)
    }
}
