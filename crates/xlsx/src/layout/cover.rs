//! The cover: the labels of the subject fields (製造業者名, 製品名, 作成日 …), where a cover can
//! stand, and which cell holds each value.

use std::collections::{BTreeMap, BTreeSet};

use kaiji_model::disclosure::SubjectField;

use crate::{layout::own, sheet::Sheet, text};

/// Cover labels and the subject field each names.
pub(crate) fn cover_field(label: &str) -> Option<SubjectField> {
    // Labels are short; a question or a remark is not one.
    if label.is_empty() || label.len() > 80 {
        return None;
    }
    let k = text::key(label);
    let k = k.trim_end_matches([':', '：']);
    let k = k.split(['(', '（']).next().unwrap_or(k);
    Some(match k {
        "製造業者名"
        | "製造業者"
        | "サービス事業者名"
        | "サービス事業者"
        | "事業者名"
        | "会社名"
        | "メーカー名"
        | "製造販売業者"
        | "製造業者名/サービス事業者名"
        | "organisation"
        | "organization"
        | "manufacturer"
        | "vendor" => SubjectField::Organisation,
        "製品名"
        | "製品名称"
        | "サービス名"
        | "サービス名称"
        | "製品名/サービス名称"
        | "製品・サービス名"
        | "product"
        | "servicename"
        | "productname" => SubjectField::Product,
        "型番" | "型式" | "モデル" | "機種" | "model" => SubjectField::Model,
        "バージョン"
        | "版数"
        | "ver"
        | "ver."
        | "version"
        | "ソフトウェアバージョン"
        | "製品バージョン" => SubjectField::Version,
        "作成日" | "記入日" | "発行日" | "作成年月日" | "記入年月日" | "date" => {
            SubjectField::Date
        }
        "連絡先" | "問い合わせ先" | "問合せ先" | "お問い合わせ先" | "担当部署" | "contact" => {
            SubjectField::Contact
        }
        "概要" | "製品概要" | "サービス概要" | "description" => {
            SubjectField::Description
        }
        _ => return None,
    })
}

/// Where one cover field stands: the label, and the cell that holds (or should hold) the value.
#[derive(Debug, Clone)]
pub(crate) struct CoverCell {
    pub sheet: String,
    pub label: (usize, usize),
    /// The value cell. For a label and value in one cell ("製造業者名:株式会社X") it is the label
    /// cell itself.
    pub value: (usize, usize),
    /// The label text when label and value share one cell.
    pub inline_label: Option<String>,
}

/// The sheets a cover can stand on, in the order they are searched: the checklist sheet's own
/// block above its table, then cover sheets (not another checklist, whose block is its own, not a
/// version history, not kaiji's hidden sheet).
pub(crate) fn cover_sheets<'a>(
    sheets: &'a [Sheet],
    table: &'a Sheet,
    header_start: usize,
    tables: &'a BTreeSet<&str>,
) -> impl Iterator<Item = (&'a Sheet, usize)> {
    let others = sheets.iter().filter(move |s| {
        let name = text::key(&s.name);
        s.name != table.name
            && !own::is_hidden_sheet(&s.name)
            && !name.contains("履歴")
            && !name.contains("history")
            && !tables.contains(s.name.as_str())
    });
    std::iter::once((table, header_start)).chain(others.map(|s| (s, s.rows.len().min(200))))
}

/// Finds the cover fields: a label cell, and its value in the next cell to the right (past a
/// merged label) or below; or label and value in one cell.
pub(crate) fn cover_cells(
    sheets: &[Sheet],
    table: &Sheet,
    header_start: usize,
    tables: &BTreeSet<&str>,
) -> BTreeMap<SubjectField, CoverCell> {
    let mut found = BTreeMap::new();
    for (sheet, last_row) in cover_sheets(sheets, table, header_start, tables) {
        for r in 0..last_row {
            for c in 0..sheet.rows[r].len() {
                let t = sheet.text(r, c);
                let (field, inline) = match cover_field(t) {
                    Some(f) => (f, None),
                    None => match t.split_once(['：', ':']) {
                        Some((label, value)) if !value.trim().is_empty() => {
                            match cover_field(label) {
                                Some(f) => (f, Some(label.trim().to_owned())),
                                None => continue,
                            }
                        }
                        _ => continue,
                    },
                };
                if found.contains_key(&field) {
                    continue;
                }
                let value = match inline {
                    Some(_) => Some((r, c)),
                    None => value_beside(sheet, r, c, last_row),
                };
                if let Some(value) = value {
                    let cell = CoverCell {
                        sheet: sheet.name.clone(),
                        label: (r, c),
                        value,
                        inline_label: inline,
                    };
                    found.insert(field, cell);
                }
            }
        }
    }
    found
}

/// The value of a cover cell, as text.
pub(crate) fn cover_text(sheet: &Sheet, cell: &CoverCell) -> String {
    let t = sheet.text(cell.value.0, cell.value.1);
    match &cell.inline_label {
        Some(_) => t
            .split_once(['：', ':'])
            .map_or("", |(_, v)| v)
            .trim()
            .to_owned(),
        None => t.to_owned(),
    }
}

/// The value cell beside a label: the next filled cell to the right (not another label), or the
/// filled cell below; for an empty form, the first cell right of the (merged) label.
fn value_beside(sheet: &Sheet, r: usize, c: usize, last_row: usize) -> Option<(usize, usize)> {
    // A filled cell to the right: the value, unless it is another label or a hint to the
    // person filling the form ("(正式名称で記入)", "※…ください").
    let next = (c + 1..sheet.rows[r].len().min(c + 8)).find(|cc| {
        let t = sheet.text(r, *cc);
        !t.is_empty() && !is_hint(t) && sheet.merge_origin(r, *cc).is_none_or(|o| o == (r, *cc))
    });
    if let Some(cc) = next
        && cover_field(sheet.text(r, cc)).is_none()
    {
        return Some((r, cc));
    }
    // The cell below, while still above the table.
    let below = sheet.text(r + 1, c);
    if r + 1 < last_row && !below.is_empty() && !is_hint(below) && cover_field(below).is_none() {
        return Some((r + 1, c));
    }
    // An empty form: the cell right of the (merged) label, if it is free.
    let slot = sheet
        .merges
        .iter()
        .find(|m| m.start == (r as u32, c as u32))
        .map_or(c + 1, |m| m.end.1 as usize + 1);
    let free = sheet.text(r, slot).is_empty();
    (free && next.is_none_or(|cc| cc > slot)).then_some((r, slot))
}

/// Text that tells the person filling the form what to write, not a value.
fn is_hint(t: &str) -> bool {
    // "(株)サンプル" is a name: only a note in brackets that says what to write is a hint.
    let t = t.trim();
    let bracketed = t.starts_with(['(', '（']) && t.ends_with([')', '）']);
    t.starts_with(['※', '＊'])
        || t.contains("記入")
        || t.contains("ください")
        || (bracketed && t.contains('例'))
}

/// The value part of "作成日:2026/4/1" (label and value in one cell), or the text itself.
pub(crate) fn cover_value_text(t: &str) -> &str {
    match t.split_once(['：', ':']) {
        Some((label, value)) if cover_field(label).is_some() => value.trim(),
        _ => t,
    }
}
