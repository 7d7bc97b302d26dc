//! The report workbooks (compare matrix, MHLW checklist lines, risk register), written with
//! rust_xlsxwriter: bordered tables, frozen headings, filters, numbers and dates as such.

mod betsushi;
mod compare;
mod lines;
mod risk;

pub(crate) use betsushi::betsushi_workbook;
pub(crate) use compare::compare_workbook;
pub(crate) use lines::checklist_workbook;
pub(crate) use risk::risk_workbook;

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// The font of kaiji's workbooks (as in kaiji-xlsx's own layout).
pub(crate) const FONT: &str = "游ゴシック";

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
