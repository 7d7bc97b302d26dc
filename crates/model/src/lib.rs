//! kaiji-model: the disclosure document and the checks on it.
//!
//! Library crate: it decides, it never prints, exits or reads the environment. The CLI and the
//! server present what it returns.

mod advisory;
mod compare;
mod diags;
mod disclosure;
mod inventory;
mod policy;
mod review;
mod revision;
mod risk;
mod rss;
mod rss_sds;
mod skeleton;
mod sla;
mod validate;

pub use advisory::check_profile;
pub use compare::{Comparison, MatrixCell, MatrixRow, Totals, Vendor, compare};
pub use diags::{Code, Finding, Location, Severity};
pub use disclosure::{
    AnswerEntry, CatalogId, Disclosure, DocKind, IsoDate, Subject, SubjectField, disclosure_schema,
};
pub use inventory::{
    ChecklistLine, Collected, Gap, Inventory, MHLW_CHECKLIST, SystemEntry, inventory_schema,
    mhlw_lines,
};
pub use policy::{
    BUILTIN_POLICIES, GL_CATALOG, POLICY_TEMPLATE, Policy, PolicyRule, Select, Waiver, gl_under,
    policy_schema,
};
pub use review::{
    GlTouch, Review, ReviewOptions, Reviewer, Score, SectionAnswers, SectionScore, Waived, review,
};
pub use revision::{
    Carried, Change, ChangeKind, DocDiff, Migration, NeedsReview, ReviewReason, diff, migrate,
};
pub use risk::{
    Asset, Formula, Register, Risk, RiskSettings, THREATS_YAML, Threat, Treatment, register,
    threats, threats_from, value,
};
pub use rss::{
    Accounts, Approval, Authentication, ConnectMode, Connection, Control, DataHandling, Device,
    LineType, Logging, Party, Profile, ReviewCadence, Rsc, Service, Subcontractor, VpnType,
    profile_schema,
};
pub use rss_sds::{RssSds, rss_sds, validate_rss};
pub use skeleton::skeleton;
pub use sla::{RaciRow, Sla, SlaSection, Terms, sla, terms_schema};
pub use validate::{missing_subject_field, validate_document, validate_str, validate_value};

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
    #[error("{0} はチェックリストではありません")]
    NotAChecklist(String),
    #[error("{0} には RSS オーバーレイ(リモートサービス関連項目の指定)がありません")]
    NoRssOverlay(String),
    #[error("チェックリスト {catalog} には様式 {form} がありません")]
    FormNotInCatalog { catalog: String, form: String },
    #[error("チェックリストの異なる開示書は比較できません({first} と {other})")]
    DifferentChecklists { first: String, other: String },
    #[error("比較する開示書がありません")]
    NothingToCompare,
    #[error("{from} から {to} への対応表(マッピングファイル)がありません")]
    NoMapping { from: String, to: String },
    /// A remote service profile (or threat catalogue) that does not parse or makes no sense.
    #[error("{origin}{}: {message}", .location.map(|(l, c)| format!(" {l}行{c}列")).unwrap_or_default())]
    Profile {
        origin: String,
        location: Option<(usize, usize)>,
        message: String,
    },
    /// An inventory file that does not parse; line and column are 1-based.
    #[error("{origin}{}: {message}", .location.map(|(l, c)| format!(" {l}行{c}列")).unwrap_or_default())]
    Inventory {
        origin: String,
        location: Option<(usize, usize)>,
        message: String,
    },
    /// A policy file that does not parse or makes no sense; line and column are 1-based.
    #[error("{origin}{}: {message}", .location.map(|(l, c)| format!(" {l}行{c}列")).unwrap_or_default())]
    Policy {
        origin: String,
        location: Option<(usize, usize)>,
        message: String,
    },
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::Json {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        }
    }
}

/// serde's messages end in " at line N column M"; kaiji puts the place first, once.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
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
            (Self::NotAChecklist(c), Lang::En) => format!("{c} is not a checklist"),
            (Self::NoRssOverlay(c), Lang::En) => {
                format!("{c} has no RSS overlay (the list of remote-service items)")
            }
            (Self::FormNotInCatalog { catalog, form }, Lang::En) => {
                format!("checklist {catalog} has no {form} form")
            }
            (Self::DifferentChecklists { first, other }, Lang::En) => {
                format!(
                    "disclosures of different checklists cannot be compared ({first} and {other})"
                )
            }
            (Self::NothingToCompare, Lang::En) => "no disclosures to compare".to_owned(),
            (Self::NoMapping { from, to }, Lang::En) => {
                format!("no mapping file from {from} to {to}")
            }
            (
                Self::Policy {
                    origin,
                    location,
                    message,
                }
                | Self::Inventory {
                    origin,
                    location,
                    message,
                }
                | Self::Profile {
                    origin,
                    location,
                    message,
                },
                Lang::En,
            ) => match location {
                Some((l, c)) => format!("{origin} line {l} column {c}: {message}"),
                None => format!("{origin}: {message}"),
            },
        }
    }
}
