//! The risk register as a workbook in the usual ISMS table layout: one row per risk (asset and
//! its C/I/A, threat, vulnerability, the formula's factors, risk value, treatment, Annex A
//! controls, owner, residual risk), risks above the threshold filled, frozen headings, filter,
//! A4 landscape.

use kaiji_catalog::Lang;
use kaiji_model::rss::{Formula, Party, Register, Treatment};
use rust_xlsxwriter::{Color, DataValidation, Format, Workbook, XlsxError};

use super::{FONT, table_formats};

/// The treatments a person may choose in the 対応 column (a drop-down list).
const TREATMENTS: [Treatment; 4] = [
    Treatment::Reduce,
    Treatment::Avoid,
    Treatment::Transfer,
    Treatment::Accept,
];

fn party_label(p: Party, lang: Lang) -> &'static str {
    match (p, lang) {
        (Party::Vendor, Lang::Ja) => "事業者",
        (Party::Hospital, Lang::Ja) => "医療機関",
        (Party::Both, Lang::Ja) => "双方",
        (Party::Vendor, Lang::En) => "vendor",
        (Party::Hospital, Lang::En) => "hospital",
        (Party::Both, Lang::En) => "both",
    }
}

/// Writes the register: every heading distinct, a drop-down of the treatments in 対応.
pub(crate) fn risk_workbook(reg: &Register, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let ja = lang == Lang::Ja;
    let pick = |j: &'static str, e: &'static str| if ja { j } else { e };
    let (base, head) = table_formats();
    let high = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xF8C9C4));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(pick("リスクアセスメント", "Risk assessment"))?;
    let formula = match reg.settings.formula {
        Formula::AssetThreatVulnerability => pick(
            "資産価値(C・I・A の最大)× 脅威 × 脆弱性(1〜27)",
            "asset value (max of C, I, A) × threat × vulnerability (1-27)",
        ),
        Formula::ImpactLikelihood => {
            pick("影響度 × 発生可能性(1〜25)", "impact × likelihood (1-25)")
        }
    };
    let title = Format::new().set_font_name(FONT).set_bold();
    let note = Format::new().set_font_name(FONT).set_font_size(9);
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{} — {} ({})",
            pick(
                "リモートサービス リスクアセスメント表",
                "Remote service risk assessment"
            ),
            reg.service,
            reg.vendor
        ),
        &title,
    )?;
    sheet.write_string_with_format(
        1,
        0,
        format!(
            "{}: {formula} / {}: {} / {}",
            pick("リスク値", "Risk value"),
            pick("受容基準", "Acceptance threshold"),
            reg.settings.threshold,
            pick(
                "基準以上は低減・回避・移転、未満は受容。残存リスクは対応の実施後(脆弱性または発生可能性を 1 とした値)。",
                "At or above: reduce, avoid or transfer; below: accept. Residual risk once the treatment is in place (vulnerability or likelihood at 1).",
            )
        ),
        &note,
    )?;
    let (f1, f2) = match reg.settings.formula {
        Formula::AssetThreatVulnerability => (
            pick("脅威の値", "Threat level"),
            pick("脆弱性の値", "Vulnerab. level"),
        ),
        Formula::ImpactLikelihood => (pick("影響度", "Impact"), pick("発生可能性", "Likelihood")),
    };
    let headings = [
        "No.",
        pick("資産", "Asset"),
        "C",
        "I",
        "A",
        pick("脅威", "Threat"),
        pick("脆弱性", "Vulnerability"),
        f1,
        f2,
        pick("リスク値", "Risk"),
        pick("対応", "Treatment"),
        pick("管理策", "Measure"),
        pick("附属書A", "Annex A"),
        pick("責任", "Owner"),
        pick("残存リスク", "Residual"),
    ];
    let top = 3u32;
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *h, &head)?;
    }
    for (i, r) in reg.risks.iter().enumerate() {
        let row = top + 1 + i as u32;
        let t = &r.threat;
        let (a, b) = match reg.settings.formula {
            Formula::AssetThreatVulnerability => (t.threat, t.weakness),
            Formula::ImpactLikelihood => (t.impact, t.likelihood),
        };
        let value_format = if r.treatment == Treatment::Reduce {
            &high
        } else {
            &base
        };
        sheet.write_string_with_format(row, 0, &t.id, &base)?;
        sheet.write_string_with_format(row, 1, t.asset.name.get(lang), &base)?;
        sheet.write_number_with_format(row, 2, f64::from(t.asset.c), &base)?;
        sheet.write_number_with_format(row, 3, f64::from(t.asset.i), &base)?;
        sheet.write_number_with_format(row, 4, f64::from(t.asset.a), &base)?;
        sheet.write_string_with_format(row, 5, t.title.get(lang), &base)?;
        sheet.write_string_with_format(row, 6, t.vulnerability.get(lang), &base)?;
        sheet.write_number_with_format(row, 7, f64::from(a), &base)?;
        sheet.write_number_with_format(row, 8, f64::from(b), &base)?;
        sheet.write_number_with_format(row, 9, f64::from(r.value), value_format)?;
        sheet.write_string_with_format(row, 10, r.treatment.label().get(lang), value_format)?;
        sheet.write_string_with_format(row, 11, t.treatment.get(lang), &base)?;
        sheet.write_string_with_format(row, 12, t.controls.join(", "), &base)?;
        sheet.write_string_with_format(row, 13, party_label(t.owner, lang), &base)?;
        sheet.write_number_with_format(row, 14, f64::from(r.residual), &base)?;
    }
    for (c, w) in [
        8.0, 16.0, 3.5, 3.5, 3.5, 30.0, 30.0, 7.0, 7.0, 7.0, 7.0, 36.0, 12.0, 8.0, 8.0,
    ]
    .iter()
    .enumerate()
    {
        sheet.set_column_width(c as u16, *w)?;
    }
    if !reg.risks.is_empty() {
        let choices: Vec<String> = TREATMENTS
            .iter()
            .map(|t| t.label().get(lang).to_owned())
            .collect();
        let list = DataValidation::new().allow_list_strings(&choices)?;
        let last = top + reg.risks.len() as u32;
        sheet.add_data_validation(top + 1, 10, last, 10, &list)?;
    }
    sheet.set_freeze_panes(top + 1, 2)?;
    if !reg.risks.is_empty() {
        sheet.autofilter(top, 0, top + reg.risks.len() as u32, 14)?;
    }
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(top, top)?;
    book.save_to_buffer()
}
