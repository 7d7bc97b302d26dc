//! The GL 7.0 保守委託機関編【別紙】 check as a report: the verdict per disclosure, every line
//! with the vendor's answer and the facility's assessment, and what is still to do. One row
//! shape for the CSV and the inspector's workbook ([`rows`]).

use kaiji_catalog::{Confidence, Lang};
use kaiji_model::betsushi::{DisclosureCheck, Line, LineAnswer, Outcome, Verdict};

use crate::{Block, Cell, Report, Table, Tone};

fn pick(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The headings of [`rows`].
pub(crate) fn headings(lang: Lang) -> Vec<String> {
    let t = |ja: &str, en: &str| pick(lang, ja, en);
    vec![
        t("事業者", "Vendor"),
        t("製品・サービス", "Product or service"),
        t("版", "Version"),
        t("様式", "Form"),
        t("別紙の行", "Annex line"),
        t("区分", "Area"),
        t(
            "内容(kaiji の要約・仮)",
            "What it asks (kaiji's paraphrase, provisional)",
        ),
        t("確度", "Confidence"),
        t("開示書の項目", "Disclosure items"),
        t("回答", "Answer"),
        t("事業者の備考", "Vendor's remarks"),
        t("医療機関の評価が必要", "Facility assessment needed"),
        t("可能性", "Likelihood"),
        t("影響", "Impact"),
        t("リスク値", "Risk value"),
        t("対応", "Treatment"),
        t("対策", "Measures"),
        t("責任者", "Owner"),
        t("期限", "Due"),
        t("見直し日", "Review"),
        t("指摘", "Findings"),
    ]
}

/// The confidence marks of a line: the catalog's, and the mapping's when it differs.
pub(crate) fn confidence(line: &Line) -> String {
    if line.confidence == line.mapping_confidence {
        line.confidence.to_string()
    } else {
        format!("{}/{}", line.confidence, line.mapping_confidence)
    }
}

/// Whether a line needs the facility's assessment, as a word.
fn needed(line: &Line, lang: Lang) -> String {
    match (line.answer.needs_assessment(), line.answer) {
        (true, _) => pick(lang, "必要", "yes"),
        (false, LineAnswer::NoItem) => pick(lang, "事業者に確認", "ask the vendor"),
        (false, _) => pick(lang, "不要", "no"),
    }
}

/// One row per line of each disclosure (the columns of [`headings`]).
pub(crate) fn rows(outcome: &Outcome, lang: Lang) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for d in &outcome.disclosures {
        for l in &d.lines {
            let a = l.assessment.as_ref();
            let findings: Vec<String> = d
                .findings
                .iter()
                .filter(|f| f.item.as_deref() == Some(l.line.as_str()))
                .map(|f| format!("[{}] {}", f.code, f.message.get(lang)))
                .collect();
            let num = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
            rows.push(vec![
                d.organisation.clone(),
                d.product.clone(),
                d.version.clone(),
                d.form.to_string().to_uppercase(),
                l.line.clone(),
                l.area.get(lang).to_owned(),
                l.text.get(lang).to_owned(),
                confidence(l),
                l.items.join(", "),
                l.answer.label().get(lang).to_owned(),
                l.remarks.join(" / "),
                needed(l, lang),
                num(a.map(|a| a.assessment.likelihood)),
                num(a.map(|a| a.assessment.impact)),
                num(a.map(|a| a.value)),
                a.map(|a| a.assessment.treatment.label().get(lang).to_owned())
                    .unwrap_or_default(),
                a.map(|a| a.assessment.measures.clone()).unwrap_or_default(),
                a.map(|a| a.assessment.owner.clone()).unwrap_or_default(),
                a.map(|a| a.assessment.due.to_string()).unwrap_or_default(),
                a.map(|a| a.assessment.review.to_string())
                    .unwrap_or_default(),
                findings.join("\n"),
            ]);
        }
    }
    rows
}

fn verdict_cell(d: &DisclosureCheck, lang: Lang) -> Cell {
    let text = d.verdict.label().get(lang).to_owned();
    match d.verdict {
        Verdict::AllYesOrNa => Cell::tone(text, Tone::Good),
        Verdict::NeedsAssessment => Cell::tone(text, Tone::Bad),
    }
}

fn answer_cell(l: &Line, lang: Lang) -> Cell {
    let text = l.answer.label().get(lang).to_owned();
    match l.answer {
        LineAnswer::Yes | LineAnswer::Na => Cell::tone(text, Tone::Good),
        LineAnswer::No | LineAnswer::Unanswered if l.assessment.is_some() => {
            Cell::tone(text, Tone::Warn)
        }
        LineAnswer::No | LineAnswer::Unanswered => Cell::tone(text, Tone::Bad),
        LineAnswer::NoItem => Cell::tone(text, Tone::Muted),
    }
}

/// The report of the 別紙 check on `today`.
pub fn betsushi_report(outcome: &Outcome, today: &str, lang: Lang) -> Report {
    let t = |ja: &str, en: &str| pick(lang, ja, en);
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: t("概要", "Summary"),
        },
        Block::Paragraph(t(
            "GL 第7.0版 保守委託機関編の【別紙】は、医療機関が事業者の MDS/SDS で確認する項目(MDS 41、SDS 58)です。すべて「はい」か「対象外」の事業者を選ぶことが求められ、「いいえ」の行は医療機関自身がリスクを評価して対応を決め、立入検査に備えて記録します。この報告は開示書ごとに別紙の各行の回答と、医療機関の評価の記録を示します。",
            "The annex (別紙) of the GL 7.0 part for facilities outsourcing maintenance lists the MDS/SDS items a facility checks (MDS 41, SDS 58). Facilities should choose vendors answering yes or not applicable to all; for a no, the facility assesses and treats the risk itself and keeps the record for inspection. This report shows, per disclosure, the answer to each annex line and the facility's recorded assessment.",
        )),
        Block::Paragraph(t(
            "注意: 別紙の公式の項目文・番号は公開資料で確認できていません。kaiji の別紙の行は仮の構成で、確度 U の行は内容未確認です(確度: 行/対応表)。公式の別紙を入手したら --catalog-file で置き換えてください。kaiji は評価が必要な行を示すだけで、適合を判定しません。",
            "Note: the official texts and numbers of the annex lines were not available. kaiji's annex lines are a placeholder layout; lines at confidence U have unknown content (confidence: line/mapping). Replace them with --catalog-file once you have the official annex. kaiji flags the lines that need an assessment; it never declares compliance.",
        )),
        Block::Table(Table {
            headers: vec![
                t("事業者", "Vendor"),
                t("製品・版", "Product, version"),
                t("様式", "Form"),
                t("判定", "Verdict"),
                t("評価が必要な行", "Lines needing assessment"),
                t("記録のない行", "Without a record"),
                t("対応項目なし", "No disclosure item"),
            ],
            widths: vec![2.5, 2.5, 0.8, 2.5, 2.5, 1.5, 1.5],
            rows: outcome
                .disclosures
                .iter()
                .map(|d| {
                    let open = d
                        .lines
                        .iter()
                        .filter(|l| l.answer.needs_assessment() && l.assessment.is_none())
                        .count();
                    vec![
                        Cell::new(d.organisation.clone()),
                        Cell::new(format!("{} {}", d.product, d.version).trim().to_owned()),
                        Cell::new(d.form.to_string().to_uppercase()),
                        verdict_cell(d, lang),
                        Cell::new(d.needs_assessment.join(", ")),
                        if open == 0 {
                            Cell::tone("0", Tone::Good)
                        } else {
                            Cell::tone(open.to_string(), Tone::Bad)
                        },
                        Cell::new(d.no_item.len().to_string()),
                    ]
                })
                .collect(),
        }),
    ];
    for d in &outcome.disclosures {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{} — {} {}", d.organisation, d.product, d.version)
                .trim()
                .to_owned(),
        });
        blocks.push(Block::Paragraph(match lang {
            Lang::Ja => format!(
                "判定: {}({})。開示書のチェックリスト: {}",
                d.verdict.label().ja,
                d.file,
                d.catalog
            ),
            Lang::En => format!(
                "Verdict: {} ({}). Disclosure checklist: {}",
                d.verdict.label().en,
                d.file,
                d.catalog
            ),
        }));
        blocks.push(Block::Table(Table {
            headers: vec![
                t("行", "Line"),
                t("区分", "Area"),
                t("内容", "What it asks"),
                t("確度", "Conf."),
                t("開示書の項目", "Items"),
                t("回答", "Answer"),
                t("医療機関の評価", "Facility assessment"),
            ],
            widths: vec![1.2, 2.2, 4.0, 0.8, 1.6, 1.4, 3.0],
            rows: d
                .lines
                .iter()
                .map(|l| {
                    let assessed = match &l.assessment {
                        Some(a) => {
                            let text = format!(
                                "{} {} ({}) · {} · {} {} · {} {}",
                                t("リスク値", "risk"),
                                a.value,
                                a.assessment.treatment.label().get(lang),
                                a.assessment.owner,
                                t("期限", "due"),
                                a.assessment.due,
                                t("見直し", "review"),
                                a.assessment.review
                            );
                            if a.review_expired {
                                Cell::tone(text, Tone::Bad)
                            } else {
                                Cell::new(text)
                            }
                        }
                        None if l.answer.needs_assessment() => {
                            Cell::tone(t("記録なし", "no record"), Tone::Bad)
                        }
                        None => Cell::new(""),
                    };
                    vec![
                        Cell::new(l.line.clone()),
                        Cell::new(l.area.get(lang)),
                        Cell::new(l.text.get(lang)),
                        if l.confidence == Confidence::V {
                            Cell::new(confidence(l))
                        } else {
                            Cell::tone(confidence(l), Tone::Muted)
                        },
                        Cell::new(l.items.join(", ")),
                        answer_cell(l, lang),
                        assessed,
                    ]
                })
                .collect(),
        }));
    }
    let findings: Vec<_> = outcome.all_findings().collect();
    blocks.push(Block::Heading {
        level: 1,
        text: t("指摘", "Findings"),
    });
    if findings.is_empty() {
        blocks.push(Block::Paragraph(t("指摘はありません。", "No findings.")));
    } else {
        blocks.push(Block::Table(Table {
            headers: vec![
                t("コード", "Code"),
                t("重大度", "Severity"),
                t("場所", "Place"),
                t("内容", "Detail"),
            ],
            widths: vec![2.5, 1.0, 2.5, 6.0],
            rows: findings
                .iter()
                .map(|f| {
                    vec![
                        Cell::new(f.code.as_str()),
                        Cell::new(f.severity.label().get(lang)),
                        Cell::new(f.location.to_string()),
                        Cell::new(f.message.get(lang)),
                    ]
                })
                .collect(),
        }));
    }
    let mut meta = vec![(t("確認日", "Date checked"), today.to_owned())];
    if let Some(f) = &outcome.facility {
        meta.push((t("医療機関", "Facility"), f.clone()));
    }
    meta.push((
        t("別紙", "Annex"),
        format!(
            "{} ({} {})",
            outcome.betsushi,
            t("確度", "confidence"),
            outcome.confidence
        ),
    ));
    if let Some(s) = &outcome.settings {
        meta.push((
            t("算定式・受容基準", "Formula, threshold"),
            format!("{} / {}", s.formula, s.threshold),
        ));
    }
    meta.push((
        t("開示書", "Disclosures"),
        outcome.disclosures.len().to_string(),
    ));
    Report {
        lang: match lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        },
        title: t(
            "GL 第7.0版 保守委託機関編【別紙】 事業者の開示書の確認",
            "GL 7.0 maintenance-outsourcing annex: check of vendors' disclosures",
        ),
        subtitle: t(
            "医療機関のリスク評価の記録つき",
            "with the facility's risk record",
        ),
        meta,
        contents: t("目次", "Contents"),
        footer: t(
            "kaiji は評価が必要な行を示すだけで、適合を判定しません。",
            "kaiji flags the lines that need an assessment; it never declares compliance.",
        ),
        blocks,
    }
}
