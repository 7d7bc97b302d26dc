//! kaiji's own layout as both sides see it: the hidden sheet that carries what the visible cells
//! cannot (so that export → import gives the same document back), and how evidence links stand in
//! a cell. Export writes it; import reads it.

use std::collections::{BTreeMap, BTreeSet};

use kaiji_model::DocKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sheet::Sheet;

/// The name of the hidden sheet.
pub(crate) const HIDDEN: &str = "_kaiji";
/// The first cell of the hidden sheet: the format of what follows.
pub(crate) const HIDDEN_FORMAT: &str = "kaiji-xlsx/1";
/// Excel's limit on the text of one cell.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;
pub(crate) fn is_hidden_sheet(name: &str) -> bool {
    name == HIDDEN
}

/// What the hidden sheet carries: the parts of a document that have no visible cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Hidden {
    pub kind: Option<DocKind>,
    #[serde(default)]
    pub extra: BTreeMap<String, Value>,
    #[serde(default)]
    pub subject_extra: BTreeMap<String, Value>,
    /// Exact subject values that a cell does not carry as they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subject: BTreeMap<String, String>,
    #[serde(default)]
    pub answers: BTreeMap<String, HiddenAnswer>,
    /// What kaiji wrote in the visible cells that it does not read back, so that text typed
    /// over them is told from them and kept. Absent in workbooks of older kaiji versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<Written>,
}

/// The texts of kaiji's own layout that carry no value of the document: section heading rows,
/// the 番号 and GL参照 cells of item rows (by item key; empty cells are not listed), and the
/// cover's titles and labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Written {
    #[serde(default)]
    pub headings: BTreeSet<String>,
    #[serde(default)]
    pub numbers: BTreeMap<String, String>,
    #[serde(default)]
    pub gl_refs: BTreeMap<String, String>,
    /// The texts of the cover sheet, by place (`表紙!A1`).
    #[serde(default)]
    pub cover: BTreeMap<String, String>,
}

impl Written {
    /// Whether `text` in a heading row is a heading kaiji wrote.
    pub(crate) fn is_heading(&self, text: &str) -> bool {
        self.headings.contains(text.trim())
    }

    /// Whether `text` in the number cell of item `key` is what kaiji wrote there.
    pub(crate) fn is_number(&self, key: &str, text: &str) -> bool {
        self.numbers.get(key).map_or("", |n| n.trim()) == text.trim()
    }

    /// Whether `text` in the GL参照 cell of item `key` is what kaiji wrote there.
    pub(crate) fn is_gl_refs(&self, key: &str, text: &str) -> bool {
        self.gl_refs.get(key).map_or("", |n| n.trim()) == text.trim()
    }
}

/// Exact values of one answer whose cells may not carry them as they are (surrounding white
/// space, line breaks inside evidence links) and the fields without a cell. On import a hidden
/// value is used only where the visible cell still agrees with it, so an edit in Excel wins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct HiddenAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
}

/// How a list of evidence links stands in one cell, one per line.
pub(crate) fn evidence_cell(links: &[String]) -> String {
    links.join("\n")
}

/// Reads an evidence cell back into links.
pub(crate) fn evidence_links(cell: &str) -> Vec<String> {
    cell.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a text survives a trip through a cell as it is (the importer trims cells).
pub(crate) fn survives(text: &str) -> bool {
    text.trim() == text && !text.contains('\r')
}

/// Reads the hidden sheet, if the workbook has one that kaiji can read.
pub(crate) fn read_hidden(sheets: &[Sheet]) -> Option<Hidden> {
    let sheet = sheets.iter().find(|s| is_hidden_sheet(&s.name))?;
    if sheet.text(0, 0) != HIDDEN_FORMAT {
        return None;
    }
    let json: String = (1..sheet.rows.len())
        .map(|r| sheet.cell(r, 0).map_or("", |c| c.text.as_str()))
        .collect();
    serde_json::from_str(&json).ok()
}
