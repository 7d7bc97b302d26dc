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
mod text;

pub use builtin::BUILTIN;
pub use check::{Issue, IssueCode, check};
pub use id::{CatalogId, CatalogRef, ItemId, compare_versions};
pub use load::parse;
pub use model::{
    Answer, AnswerKind, Body, Catalog, Checklist, Condition, Confidence, Data, Entry, Evidence,
    Form, Header, Item, Kind, MapEntry, Mapping, Overlay, OverlayItem, Reference, Relation, Rule,
    Section,
};
pub use registry::{ItemView, Registry, RssMark};
pub use text::{Lang, Text};

/// Errors of loading catalogs. Each names the file and, where it can, the line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{origin}{}: {}", .location.map(|(l, c)| format!(" {l}行{c}列")).unwrap_or_default(), .message)]
    Yaml {
        origin: String,
        /// Line and column, 1-based.
        location: Option<(usize, usize)>,
        message: String,
    },
    #[error("{origin}: {}", .message.ja)]
    Invalid { origin: String, message: Text },
    #[error("{what} が不正です: {value:?}")]
    InvalidId { what: &'static str, value: String },
    #[error("{origin}: {key} は既に {existing} から読み込まれています")]
    Duplicate {
        key: String,
        origin: String,
        existing: String,
    },
}

/// serde's messages end in " at line N column M"; kaiji puts the place first, once.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

impl Error {
    fn yaml(origin: &str, e: serde_yaml_ng::Error) -> Self {
        Self::Yaml {
            origin: origin.to_owned(),
            location: e.location().map(|l| (l.line(), l.column())),
            message: strip_position(&e.to_string()),
        }
    }

    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::Ja) => self.to_string(),
            (
                Self::Yaml {
                    origin,
                    location,
                    message,
                },
                Lang::En,
            ) => match location {
                Some((l, c)) => format!("{origin} line {l} column {c}: {message}"),
                None => format!("{origin}: {message}"),
            },
            (Self::Invalid { origin, message }, Lang::En) => format!("{origin}: {}", message.en),
            (Self::InvalidId { what, value }, Lang::En) => format!("invalid {what}: {value:?}"),
            (
                Self::Duplicate {
                    key,
                    origin,
                    existing,
                },
                Lang::En,
            ) => {
                format!("{origin}: {key} is already loaded from {existing}")
            }
        }
    }
}
