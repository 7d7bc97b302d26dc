//! kaiji-catalog: the published checklists, guidelines and mappings that kaiji knows, as data.
//!
//! Catalog files (YAML, see `catalogs/README.md`) are compiled in ([`BUILTIN`]) and can be added
//! at run time ([`Registry::add`]). [`check`] verifies that a set of catalogs is consistent:
//! unique ids, every reference and mapping target resolves, every rule names an existing item.

mod builtin;
mod check;
mod id;
mod load;
mod model;
mod registry;
mod syntax;
mod text;

pub use builtin::BUILTIN;
pub use check::{Issue, IssueCode, check};
pub use id::{CatalogId, CatalogRef, ItemId, compare_versions};
pub use load::parse;
pub use model::{
    Answer, AnswerKind, Body, Catalog, Checklist, Condition, Confidence, ConfidenceCounts, Data,
    Entry, Evidence, Form, Header, Item, Kind, MapEntry, Mapping, Overlay, OverlayItem, Reference,
    Relation, Rule, Section,
};
pub use registry::{ItemView, Registry, RssMark};
pub use syntax::{ErrorKind, Position, SyntaxError, parse_json, parse_yaml, strip_bom};
pub use text::{Lang, Text};

/// Errors of loading catalogs. Each names the file and, where it can, the line; the text is
/// written once, in both languages ([`Error::text`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{}", .error.located(.origin).ja)]
    Syntax { origin: String, error: SyntaxError },
    #[error("{origin}: {}", .message.ja)]
    Invalid { origin: String, message: Text },
    #[error("{}", Error::text(self).ja)]
    InvalidId { what: &'static str, value: String },
    #[error("{}", Error::text(self).ja)]
    Duplicate {
        key: String,
        origin: String,
        existing: String,
    },
}

impl Error {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            Self::Syntax { origin, error } => error.located(origin),
            Self::Invalid { origin, message } => Text::new(
                format!("{origin}: {}", message.ja),
                format!("{origin}: {}", message.en),
            ),
            Self::InvalidId { what, value } => {
                let ja = match *what {
                    "catalog id" => "カタログ id",
                    "catalog revision" => "カタログの版",
                    "item id" => "項目 id",
                    other => other,
                };
                Text::new(
                    format!("{ja} が不正です: {value:?}"),
                    format!("invalid {what}: {value:?}"),
                )
            }
            Self::Duplicate {
                key,
                origin,
                existing,
            } => Text::new(
                format!("{origin}: {key} は既に {existing} から読み込まれています"),
                format!("{origin}: {key} is already loaded from {existing}"),
            ),
        }
    }

    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().get(lang).to_owned()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Syntax { .. } | Self::Invalid { .. } | Self::InvalidId { .. } => {
                ErrorKind::BadInput
            }
            Self::Duplicate { .. } => ErrorKind::Conflict,
        }
    }
}
