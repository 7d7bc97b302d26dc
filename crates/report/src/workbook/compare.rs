//! The vendors × items comparison as a workbook: one row per item, one column per vendor, the
//! remark as a cell note (shown on hover, as in the HTML page), departures from the policy
//! filled red (yellow: no remark saying why; grey: unanswered), totals per vendor at the foot,
//! frozen headings and a filter.

use kaiji_catalog::{Answer, Lang};
use kaiji_model::{Code, review::Comparison};
use rust_xlsxwriter::{Color, Format, Note, Workbook, XlsxError};

use super::{FONT, table_formats};

/// Writes the comparison workbook. The totals at the foot are numbers (the score a percentage),
/// so they can be summed and sorted.
pub(crate) fn compare_workbook(c: &Comparison, lang: Lang) -> Result<Vec<u8>, XlsxError> {
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
            "{}: {} / {}: {} / {}: {} ({})",
            pick("チェックリスト", "Checklist"),
            c.catalog,
            pick("方針", "Policy"),
            c.policy,
            pick("引用する安全管理GL", "Guideline cited"),
            c.guideline.title.get(lang),
            c.guideline.key
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
    sheet.write_string_with_format(
        2,
        0,
        Comparison::definitions().get(lang),
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
            let format = match (cell.departure, cell.answer) {
                (Some(Code::PolicyViolation), _) => &violation,
                (Some(Code::RemarkMissingJustification), _) => &justify,
                (_, None) => &missing,
                (_, Some(_)) => &base,
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
    let percent = head.clone().set_num_format("0%");
    let names = [
        pick("はい", "Yes"),
        pick("いいえ", "No"),
        pick("該当なし", "N/A"),
        pick("未回答", "Unanswered"),
        pick("方針からの逸脱", "Departures from the policy"),
        pick("スコア", "Score"),
        pick("スコアの対象(重み)", "Score: weight counted"),
        pick("スコア: 方針どおり(重み)", "Score: weight met"),
    ];
    for (k, name) in names.iter().enumerate() {
        let at = foot + k as u32;
        sheet.merge_range(at, 0, at, 2, name, &head)?;
        for (i, v) in c.vendors.iter().enumerate() {
            let (t, s) = (&v.totals, v.totals.score);
            let col = 3 + i as u16;
            let value = match k {
                0 => t.yes,
                1 => t.no,
                2 => t.na,
                3 => t.unanswered,
                4 => t.departures,
                5 => {
                    if s.total == 0 {
                        sheet.write_blank(at, col, &head)?;
                    } else {
                        let share = f64::from(s.met) / f64::from(s.total);
                        sheet.write_number_with_format(at, col, share, &percent)?;
                    }
                    continue;
                }
                6 => s.total as usize,
                _ => s.met as usize,
            };
            sheet.write_number_with_format(at, col, value as f64, &head)?;
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
