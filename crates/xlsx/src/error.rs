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
    /// Cells that cannot be read, every one of the file (not only the first).
    #[error("{}", bad_cells(.0, Lang::Ja))]
    BadCells(Vec<BadCell>),
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

/// One cell that cannot be read: where (`sheet!cell`), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCell {
    pub sheet: String,
    pub cell: String,
    pub message: Text,
}

impl BadCell {
    /// `台帳!C3`: the place as Excel's name box shows it.
    pub fn place(&self) -> String {
        format!("{}!{}", self.sheet, self.cell)
    }
}

/// One cell on one line; several as a count and one line each.
fn bad_cells(cells: &[BadCell], lang: Lang) -> String {
    match cells {
        [one] => format!("{}: {}", one.place(), one.message.get(lang)),
        many => {
            let head = match lang {
                Lang::Ja => format!("読めないセルが {} 個あります:", many.len()),
                Lang::En => format!("{} cells cannot be read:", many.len()),
            };
            many.iter().fold(head, |mut out, c| {
                out.push_str(&format!("\n  {}: {}", c.place(), c.message.get(lang)));
                out
            })
        }
    }
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
            Self::BadCells(cells) => bad_cells(cells, Lang::En),
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
