//! The one error type of reading and writing workbooks, with its Japanese and English text.

use kaiji_catalog::{ErrorKind, Lang, Text};

/// Errors of reading and writing workbooks. Each says what is wrong in the file, and where
/// (sheet, cell) when it can; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{}", Error::text(self).ja)]
    NotAWorkbook(Text),
    #[error("{}", Error::text(self).ja)]
    Encrypted,
    #[error("{}", Error::text(self).ja)]
    TooLarge(Text),
    #[error("{}", Error::text(self).ja)]
    Corrupt {
        sheet: Option<String>,
        message: String,
    },
    #[error("{}", Error::text(self).ja)]
    NoChecklist,
    #[error("{}", Error::text(self).ja)]
    NoInventory,
    /// Cells that cannot be read, every one of the file (not only the first).
    #[error("{}", Error::text(self).ja)]
    BadCells(Vec<BadCell>),
    #[error("{}", Error::text(self).ja)]
    NoSuchSheet { sheet: String, sheets: String },
    #[error("{}", Error::text(self).ja)]
    UnknownCatalog(String),
    #[error("{}", Error::text(self).ja)]
    CellTooLong { what: String, chars: usize },
    #[error("{}", Error::text(self).ja)]
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
    /// The message in both languages, written once here.
    pub fn text(&self) -> Text {
        let both = |ja: String, en: String| Text::new(ja, en);
        match self {
            Self::NotAWorkbook(t) | Self::TooLarge(t) => t.clone(),
            Self::Encrypted => both(
                "パスワードで保護(暗号化)されたワークブックです。保護を解除して保存し直してから取り込んでください".into(),
                "the workbook is password-protected (encrypted); remove the protection, save it again and import that".into(),
            ),
            Self::Corrupt { sheet, message } => both(
                format!(
                    "ワークブックが壊れています{}: {message}",
                    sheet.as_ref().map(|s| format!("(シート {s})")).unwrap_or_default()
                ),
                format!(
                    "the workbook is corrupt{}: {message}",
                    sheet.as_ref().map(|s| format!(" (sheet {s})")).unwrap_or_default()
                ),
            ),
            Self::NoChecklist => both(
                "チェックリストの表(番号列と回答列の見出し)が見つかりません".into(),
                "no checklist table (headers for a number column and an answer column) found".into(),
            ),
            Self::NoInventory => both(
                "システム台帳の表(システム名・事業者名と、リモート保守・確認日・開示書のいずれかの見出し)が見つかりません".into(),
                "no inventory table (headers for system and vendor, and for remote maintenance, confirmation date or disclosure) found".into(),
            ),
            Self::BadCells(cells) => both(bad_cells(cells, Lang::Ja), bad_cells(cells, Lang::En)),
            Self::NoSuchSheet { sheet, sheets } => both(
                format!("シート {sheet} はありません(あるシート: {sheets})"),
                format!("no sheet {sheet} (sheets: {sheets})"),
            ),
            Self::UnknownCatalog(c) => both(
                format!("チェックリスト {c} が見つかりません"),
                format!("checklist {c} is not known"),
            ),
            Self::CellTooLong { what, chars } => both(
                format!("{what} が長すぎます({chars} 文字。Excel のセルは 32767 文字まで)"),
                format!("{what} is too long ({chars} characters; an Excel cell holds 32767)"),
            ),
            Self::Write(e) => both(
                format!("ワークブックを書けません: {e}"),
                format!("cannot write the workbook: {e}"),
            ),
            Self::Catalog(e) => e.text(),
        }
    }

    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().get(lang).to_owned()
    }

    /// A stable kebab-case code for this failure (what the server's problem documents carry).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAWorkbook(_) => "not-a-workbook",
            Self::Encrypted => "encrypted-workbook",
            Self::TooLarge(_) => "workbook-too-large",
            Self::Corrupt { .. } => "corrupt-workbook",
            Self::NoChecklist => "no-checklist",
            Self::NoInventory => "no-inventory",
            Self::BadCells(_) => "bad-cells",
            Self::NoSuchSheet { .. } => "no-such-sheet",
            Self::UnknownCatalog(_) => "unknown-catalog",
            Self::CellTooLong { .. } => "cell-too-long",
            Self::Write(_) => "workbook-write-failed",
            Self::Catalog(_) => "catalog-error",
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::TooLarge(_) | Self::CellTooLong { .. } => ErrorKind::TooLarge,
            Self::UnknownCatalog(_) | Self::NoSuchSheet { .. } => ErrorKind::NotFound,
            Self::Write(_) => ErrorKind::Internal,
            Self::Catalog(e) => e.kind(),
            _ => ErrorKind::BadInput,
        }
    }
}
