//! The one error type of reading and writing workbooks, with its Japanese and English text.

use kaiji_catalog::{Lang, Text};

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
