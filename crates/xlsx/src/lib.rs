//! kaiji-xlsx: Excel in and out.
//!
//! - [`import`] reads the MDS/SDS workbooks people exchange (.xlsx, .xlsm, .xls, .ods): header
//!   rows found by keywords, one answer column or separate mark columns, item numbers as people
//!   write them, a cover sheet or block, the checklist revision named in the book. Nothing typed
//!   is dropped: what kaiji cannot place is kept and reported with its cell.
//! - [`export`] writes kaiji's own layout, which imports back to the same document.
//!
//! The library takes bytes and returns bytes and findings; it never touches the file system.

mod cfb;
mod derive;
mod fill;
mod grid;
mod import;
mod inventory;
mod layout;
mod ooxml;
mod own;
mod text;
mod xml;

pub use derive::{DeriveOptions, derive};
pub use fill::{FillReport, fill};
pub use grid::{Cell, Format, Sheet, read_workbook};
pub use import::{ImportOptions, Imported, import};
pub use inventory::read_inventory;
pub use own::export;

use kaiji_catalog::{Lang, Text};

/// Bounds on what a workbook may make kaiji do, so that a hostile file costs little.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Total uncompressed size of a zip container.
    pub max_uncompressed: u64,
    /// Largest expansion of one zip entry (uncompressed / compressed)...
    pub max_ratio: u64,
    /// ...for entries larger than this (small entries compress well without harm).
    pub max_ratio_floor: u64,
    /// Rows of one sheet.
    pub max_rows: usize,
    /// Cells of the whole workbook.
    pub max_cells: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_uncompressed: 512 << 20,
            max_ratio: 200,
            max_ratio_floor: 1 << 20,
            max_rows: 200_000,
            max_cells: 4_000_000,
        }
    }
}

/// Errors of reading and writing workbooks. Each says what is wrong in the file, and where
/// (sheet, cell) when it can; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{}", .0.ja)]
    NotAWorkbook(Text),
    #[error(
        "パスワードで保護(暗号化)されたワークブックです。保護を解除して保存し直してから取り込んでください"
    )]
    Encrypted,
    #[error("{}", .0.ja)]
    TooLarge(Text),
    #[error("ワークブックが壊れています{}: {message}", .sheet.as_ref().map(|s| format!("(シート {s})")).unwrap_or_default())]
    Corrupt {
        sheet: Option<String>,
        message: String,
    },
    #[error("チェックリストの表(番号列と回答列の見出し)が見つかりません")]
    NoChecklist,
    #[error(
        "システム台帳の表(システム名・事業者名と、リモート保守・確認日・開示書のいずれかの見出し)が見つかりません"
    )]
    NoInventory,
    #[error("シート {sheet} のセル {cell}: {}", .message.ja)]
    BadCell {
        sheet: String,
        cell: String,
        message: Text,
    },
    #[error("シート {sheet} はありません(あるシート: {sheets})")]
    NoSuchSheet { sheet: String, sheets: String },
    #[error("チェックリスト {0} が見つかりません")]
    UnknownCatalog(String),
    #[error("{what} が長すぎます({chars} 文字。Excel のセルは 32767 文字まで)")]
    CellTooLong { what: String, chars: usize },
    #[error("ワークブックを書けません: {0}")]
    Write(String),
    #[error(transparent)]
    Catalog(#[from] kaiji_catalog::Error),
}

impl Error {
    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::Ja {
            return self.to_string();
        }
        match self {
            Self::NotAWorkbook(t) | Self::TooLarge(t) => t.en.clone(),
            Self::Encrypted => "the workbook is password-protected (encrypted); remove the protection, save it again and import that".into(),
            Self::Corrupt { sheet, message } => format!(
                "the workbook is corrupt{}: {message}",
                sheet.as_ref().map(|s| format!(" (sheet {s})")).unwrap_or_default()
            ),
            Self::NoChecklist => "no checklist table (headers for a number column and an answer column) found".into(),
            Self::NoInventory => "no inventory table (headers for system and vendor, and for remote maintenance, confirmation date or disclosure) found".into(),
            Self::BadCell { sheet, cell, message } => format!("sheet {sheet} cell {cell}: {}", message.en),
            Self::NoSuchSheet { sheet, sheets } => format!("no sheet {sheet} (sheets: {sheets})"),
            Self::UnknownCatalog(c) => format!("checklist {c} is not known"),
            Self::CellTooLong { what, chars } => {
                format!("{what} is too long ({chars} characters; an Excel cell holds 32767)")
            }
            Self::Write(e) => format!("cannot write the workbook: {e}"),
            Self::Catalog(e) => e.message(Lang::En),
        }
    }
}
