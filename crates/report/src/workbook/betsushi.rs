//! The GL 7.0 別紙 check as a workbook an inspector can read: one row per line of each
//! disclosure, the vendor's answer, and the facility's assessment beside it; lines that need an
//! assessment and have none stand out.

use kaiji_catalog::Lang;
use kaiji_model::betsushi::Outcome;
use rust_xlsxwriter::{Color, Format, Workbook, XlsxError};

use super::{FONT, table_formats};

/// Writes the sheet: a title line, the headings frozen and filtered, one row per line.
pub(crate) fn betsushi_workbook(
    outcome: &Outcome,
    today: &str,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let ja = lang == Lang::Ja;
    let pick = |j: &'static str, e: &'static str| if ja { j } else { e };
    let (base, head) = table_formats();
    let bad = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xF8C9C4));
    let muted = base.clone().set_font_color(Color::RGB(0x6B7280));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(pick("別紙の確認", "Annex check"))?;
    let title = format!(
        "{}{} — {} ({} {}) — {} {today}",
        outcome
            .facility
            .as_deref()
            .map(|f| format!("{f}: "))
            .unwrap_or_default(),
        pick(
            "GL 第7.0版 保守委託機関編【別紙】 事業者の開示書の確認",
            "GL 7.0 maintenance-outsourcing annex: vendors' disclosures"
        ),
        outcome.betsushi,
        pick("確度", "confidence"),
        outcome.confidence,
        pick("確認日", "checked"),
    );
    sheet.write_string_with_format(0, 0, title, &Format::new().set_font_name(FONT).set_bold())?;
    sheet.write_string_with_format(
        1,
        0,
        pick(
            "別紙の行は公式の項目文を確認できていない仮の構成です(確度 U = 内容未確認)。kaiji は評価が必要な行を示すだけで、適合を判定しません。",
            "The annex lines are a placeholder layout (confidence U = content unknown). kaiji flags the lines that need an assessment; it never declares compliance.",
        ),
        &Format::new().set_font_name(FONT).set_font_size(9),
    )?;
    let headings = crate::betsushi::headings(lang);
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, h, &head)?;
    }
    let rows = crate::betsushi::rows(outcome, lang);
    let needed_col = 11;
    let answer_col = 9;
    for (i, row) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        let open = row[needed_col] == pick("必要", "yes") && row[14].is_empty();
        for (c, value) in row.iter().enumerate() {
            let format = match c {
                _ if open && (c == answer_col || c == needed_col) => &bad,
                7 if value != "V" => &muted,
                _ => &base,
            };
            // Numbers as numbers, so that an inspector can sort and filter.
            match (c, value.parse::<f64>()) {
                (12..=14, Ok(n)) => sheet.write_number_with_format(r, c as u16, n, format)?,
                _ => sheet.write_string_with_format(r, c as u16, value, format)?,
            };
        }
    }
    let widths = [
        18.0, 18.0, 8.0, 6.0, 10.0, 18.0, 36.0, 6.0, 14.0, 10.0, 24.0, 10.0, 7.0, 7.0, 8.0, 8.0,
        28.0, 14.0, 11.0, 11.0, 40.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    let last_row = 3 + rows.len() as u32;
    sheet.autofilter(3, 0, last_row, (headings.len() - 1) as u16)?;
    sheet.set_freeze_panes(4, 5)?;
    sheet.set_repeat_rows(3, 3)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    book.save_to_buffer()
}
