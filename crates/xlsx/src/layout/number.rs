//! Item numbers: the number of a row as people write it (or as Excel turned it into a date), and
//! the catalog item it names.

use std::collections::BTreeMap;

use kaiji_catalog::{Checklist, Item};
use kaiji_model::DocKind;

use crate::{layout::table::Layout, sheet::Sheet, text};

/// An item number Excel took for a date (8-3 typed, 2026-08-03 stored), as it was typed.
pub(crate) fn date_number(sheet: &Sheet, r: usize, c: usize) -> Option<String> {
    sheet
        .cell(r, c)
        .filter(|cell| cell.is_date)
        .and_then(|cell| cell.serial)
        .and_then(text::excel_serial_date)
        .map(|d| format!("{}-{}", d.month(), d.day()))
}

/// The item number of a row: the id cell as written, or as typed when Excel made it a date.
pub(crate) fn row_number(sheet: &Sheet, r: usize, id_col: usize) -> Option<String> {
    match date_number(sheet, r, id_col) {
        Some(n) => Some(n),
        None => text::item_number(sheet.text(r, id_col)),
    }
}

/// How many rows of the table carry an item number.
pub(crate) fn count_items(sheet: &Sheet, layout: &Layout) -> usize {
    let Some(id_col) = layout.id_col() else {
        return 0;
    };
    (layout.header_end + 1..sheet.rows.len())
        .filter(|r| text::item_number(sheet.text(*r, id_col)).is_some())
        .count()
}

/// Finds catalog items by kaiji id or by the number printed on the form.
pub(crate) struct Matcher<'a> {
    by_key: BTreeMap<String, &'a Item>,
}

impl<'a> Matcher<'a> {
    pub(crate) fn new(checklist: &'a Checklist, kind: DocKind) -> Self {
        let form = kind.form();
        let mut by_key = BTreeMap::new();
        // Numbers of the document's own form win over numbers of the other form.
        for item in checklist.items().filter(|i| !i.forms.contains(&form)) {
            if let Some(no) = item.no.as_deref().and_then(text::item_number) {
                by_key.insert(no, item);
            }
        }
        for item in checklist.items_for(form) {
            if let Some(no) = item.no.as_deref().and_then(text::item_number) {
                by_key.insert(no, item);
            }
        }
        for item in checklist.items() {
            by_key.insert(item.id.to_string(), item);
        }
        Self { by_key }
    }

    pub(crate) fn find(&self, number: &str) -> Option<&'a Item> {
        self.by_key.get(number).copied()
    }
}
