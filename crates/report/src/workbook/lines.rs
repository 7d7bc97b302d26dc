//! The MHLW checklist lines kaiji answered, as a workbook a facility can attach or copy from:
//! line, what it asks, はい/いいえ, 確認日, an empty 目標日 column for いいえ, and what is
//! missing per system.

use kaiji_catalog::Lang;
use kaiji_model::mhlw::Answered;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, Workbook, XlsxError};

use super::{FONT, table_formats};

/// Writes the answered lines: 確認日 as a date cell, the heading row frozen.
pub(crate) fn checklist_workbook(
    facility: &str,
    answered: &Answered,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let lines = &answered.lines;
    let ja = lang == Lang::Ja;
    let pick = |j: &'static str, e: &'static str| if ja { j } else { e };
    let (base, head) = table_formats();
    let no = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xF8C9C4));
    let day = base.clone().set_num_format("yyyy-mm-dd");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(pick("チェックリスト", "Checklist"))?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{facility} — {} — {} ({})",
            answered.edition.title.get(lang),
            answered.edition.form_title.get(lang),
            pick(
                "kaiji が台帳と開示書から回答できる項目",
                "the lines kaiji answers from the inventory and the disclosures"
            )
        ),
        &Format::new().set_font_name(FONT).set_bold(),
    )?;
    sheet.write_string_with_format(
        1,
        0,
        crate::edition_text(answered, lang),
        &Format::new().set_font_name(FONT),
    )?;
    let headings = [
        pick("項目", "Line"),
        pick("内容(kaiji の要約)", "What it asks (kaiji's paraphrase)"),
        pick("回答", "Answer"),
        pick("確認日", "Checked"),
        pick("目標日", "Target date"),
        pick(
            "不足しているもの(システムごと)",
            "What is missing, per system",
        ),
        pick("補足", "Notes"),
        pick("確度", "Confidence"),
        pick("他の版の対応項目", "Counterpart in other editions"),
    ];
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &head)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let r = 3 + i as u32;
        let list = |gaps: &[kaiji_model::mhlw::Gap]| {
            gaps.iter()
                .map(|g| format!("{}: {}", g.system, g.finding.message.get(lang)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        sheet.write_string_with_format(r, 0, line.number_text().get(lang), &base)?;
        sheet.write_string_with_format(r, 1, line.title.get(lang), &base)?;
        let (answer, format) = if line.yes {
            (pick("はい", "Yes"), &base)
        } else {
            (pick("いいえ", "No"), &no)
        };
        sheet.write_string_with_format(r, 2, answer, format)?;
        let d = line.checked.date();
        let checked = ExcelDateTime::from_ymd(
            u16::try_from(d.year()).unwrap_or(1900),
            u8::try_from(d.month()).unwrap_or(1),
            u8::try_from(d.day()).unwrap_or(1),
        )?;
        sheet.write_datetime_with_format(r, 3, &checked, &day)?;
        sheet.write_blank(r, 4, &base)?;
        sheet.write_string_with_format(r, 5, list(&line.missing), &base)?;
        sheet.write_string_with_format(r, 6, list(&line.notes), &base)?;
        sheet.write_string_with_format(r, 7, line.confidence.to_string(), &base)?;
        sheet.write_string_with_format(r, 8, line.counterparts.join("\n"), &base)?;
    }
    for (c, w) in [12.0, 40.0, 8.0, 11.0, 11.0, 60.0, 40.0, 8.0, 30.0]
        .iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(3, 0)?;
    sheet.set_repeat_rows(2, 2)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    book.save_to_buffer()
}
