//! The vendors × items comparison as a workbook: one row per item, one column per vendor, the
//! remark as a cell note (shown on hover, as in the HTML page), departures from the policy
//! filled red (yellow: no remark saying why; grey: unanswered), totals per vendor at the foot,
//! frozen headings and a filter.

use kaiji_catalog::{Answer, Lang};
use kaiji_model::{Code, review::Comparison};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Workbook, XlsxError};

use crate::error::Error;
use crate::export::FONT;

/// The cell format of kaiji's report workbooks (bordered, wrapped, top-aligned) and of their
/// headings.
pub(crate) fn table_formats() -> (Format, Format) {
    let base = Format::new()
        .set_font_name(FONT)
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    let head = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xEEF2F7));
    (base, head)
}

/// Writes the comparison workbook.
pub fn compare_workbook(c: &Comparison, lang: Lang) -> Result<Vec<u8>, Error> {
    write(c, lang).map_err(|e| Error::Write(e.to_string()))
}

fn write(c: &Comparison, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let ja = lang == Lang::Ja;
    let pick = |j: &'static str, e: &'static str| if ja { j } else { e };
    let (base, head) = table_formats();
    let fill = |rgb: u32| base.clone().set_background_color(Color::RGB(rgb));
    let (violation, justify, missing, out) = (
        fill(0xF8C9C4).set_bold(),
        fill(0xFBEAB0),
        fill(0xE3E3E3),
        fill(0xF5F5F5).set_font_color(Color::RGB(0x999999)),
    );

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(pick("比較", "Comparison"))?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{}: {} / {}: {}",
            pick("チェックリスト", "Checklist"),
            c.catalog,
            pick("方針", "Policy"),
            c.policy
        ),
        &Format::new().set_font_name(FONT).set_bold(),
    )?;
    sheet.write_string_with_format(
        1,
        0,
        pick(
            "赤: 方針からの逸脱、黄: 理由の備考がない、灰: 未回答。備考はセルのメモ。kaiji は逸脱を示すだけで、適合を判定しません。",
            "Red: departs from the policy; yellow: no remark saying why; grey: unanswered. Remarks are cell notes. kaiji flags departures; it never declares compliance.",
        ),
        &Format::new().set_font_name(FONT).set_font_size(9),
    )?;
    let top = 3u32;
    let headings = [
        pick("項目", "Item"),
        pick("区分", "Section"),
        pick("内容(kaiji の要約)", "What it asks (kaiji's paraphrase)"),
    ];
    for (col, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *h, &head)?;
    }
    for (i, v) in c.vendors.iter().enumerate() {
        let col = 3 + i as u16;
        sheet.write_string_with_format(
            top,
            col,
            format!(
                "{}\n{} {}",
                v.label(),
                v.kind.to_string().to_uppercase(),
                v.catalog
            ),
            &head,
        )?;
        sheet.set_column_width(col, 16)?;
    }
    sheet.set_column_width(0, 12)?;
    sheet.set_column_width(1, 18)?;
    sheet.set_column_width(2, 48)?;
    sheet.set_row_height(top, 45)?;

    let label = |a: Option<Answer>| match (a, ja) {
        (Some(a), _) => a.label().get(lang).to_owned(),
        (None, true) => "未回答".to_owned(),
        (None, false) => "unanswered".to_owned(),
    };
    for (r, row) in c.rows.iter().enumerate() {
        let at = top + 1 + r as u32;
        sheet.write_string_with_format(at, 0, &row.item, &base)?;
        sheet.write_string_with_format(
            at,
            1,
            format!("{} {}", row.section, row.section_title.get(lang)),
            &base,
        )?;
        sheet.write_string_with_format(at, 2, row.text.get(lang), &base)?;
        for (i, cell) in row.cells.iter().enumerate() {
            let col = 3 + i as u16;
            if !cell.applies {
                sheet.write_string_with_format(at, col, pick("様式外", "not in form"), &out)?;
                continue;
            }
            let format = match cell.departure {
                Some(Code::PolicyViolation) => &violation,
                Some(Code::RemarkMissingJustification) => &justify,
                Some(_) => &missing,
                None => &base,
            };
            sheet.write_string_with_format(at, col, label(cell.answer), format)?;
            if !cell.remark.trim().is_empty() {
                // Excel notes hold up to 32767 characters, like cells.
                let remark: String = cell.remark.chars().take(32_000).collect();
                sheet.insert_note(at, col, &Note::new(remark).add_author_prefix(false))?;
            }
        }
    }
    let foot = top + 1 + c.rows.len() as u32;
    let names = [
        pick(
            "はい / いいえ / 該当なし / 未回答",
            "Yes / No / N/A / unanswered",
        ),
        pick("方針からの逸脱", "Departures from the policy"),
        pick("スコア", "Score"),
    ];
    let totals = |v: &kaiji_model::review::Vendor| {
        let (t, s) = (&v.totals, v.totals.score);
        [
            format!("{} / {} / {} / {}", t.yes, t.no, t.na, t.unanswered),
            t.departures.to_string(),
            s.percent().map_or_else(
                || "-".to_owned(),
                |p| format!("{p}% ({}/{})", s.met, s.total),
            ),
        ]
    };
    for (k, name) in names.iter().enumerate() {
        let at = foot + k as u32;
        sheet.merge_range(at, 0, at, 2, name, &head)?;
        for (i, v) in c.vendors.iter().enumerate() {
            sheet.write_string_with_format(at, 3 + i as u16, &totals(v)[k], &head)?;
        }
    }
    sheet.set_freeze_panes(top + 1, 3)?;
    let last_col = 2 + c.vendors.len() as u16;
    if !c.rows.is_empty() {
        sheet.autofilter(top, 0, foot - 1, last_col)?;
    }
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(top, top)?;
    book.save_to_buffer()
}
