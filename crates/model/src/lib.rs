//! kaiji-model: the disclosure document and the checks on it.
//!
//! Library crate: it decides, it never prints, exits or reads the environment. The CLI and the
//! server present what it returns.

mod diags;
mod disclosure;
mod skeleton;
mod validate;

pub use diags::{Code, Finding, Location, Severity};
pub use disclosure::{
    AnswerEntry, CatalogId, Disclosure, DocKind, IsoDate, Subject, disclosure_schema,
    required_subject_fields, subject_field_label,
};
pub use skeleton::skeleton;
pub use validate::{validate_str, validate_value};

/// Errors of reading documents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not JSON, or not a well-formed document. Line and column are 1-based.
    #[error("JSON の {line}行{column}列: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("日付 {0:?} は YYYY-MM-DD 形式ではありません")]
    BadDate(String),
    #[error("チェックリスト {0} が見つかりません")]
    UnknownCatalog(String),
    #[error("チェックリスト {catalog} には様式 {form} がありません")]
    FormNotInCatalog { catalog: String, form: String },
}

impl Error {
    /// The message in the chosen language.
    pub fn message(&self, lang: kaiji_catalog::Lang) -> String {
        use kaiji_catalog::Lang;
        match (self, lang) {
            (_, Lang::Ja) => self.to_string(),
            (
                Self::Json {
                    line,
                    column,
                    message,
                },
                Lang::En,
            ) => {
                format!("JSON line {line} column {column}: {message}")
            }
            (Self::BadDate(s), Lang::En) => format!("date {s:?} is not a YYYY-MM-DD date"),
            (Self::UnknownCatalog(c), Lang::En) => format!("checklist {c} is not known"),
            (Self::FormNotInCatalog { catalog, form }, Lang::En) => {
                format!("checklist {catalog} has no {form} form")
            }
        }
    }
}
