//! The errors of reading documents and configuration files (policies, inventories, remote
//! service profiles, threat catalogues, SLA terms), each written once in Japanese and English,
//! with the kind a caller maps to an exit code or HTTP status.

use kaiji_catalog::{ErrorKind, Lang, Position, SyntaxError, Text};
use serde::de::DeserializeOwned;

/// Errors of reading documents and configuration files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not JSON, or not a well-formed document.
    #[error("{}", Error::text(self).ja)]
    Json(SyntaxError),
    #[error("{}", Error::text(self).ja)]
    BadDate(String),
    #[error("{}", Error::text(self).ja)]
    NotAChecklist(String),
    #[error("{}", Error::text(self).ja)]
    NoRssOverlay(String),
    #[error("{}", Error::text(self).ja)]
    FormNotInCatalog { catalog: String, form: String },
    #[error("{}", Error::text(self).ja)]
    DifferentChecklists { first: String, other: String },
    #[error("{}", Error::text(self).ja)]
    NothingToCompare,
    #[error("{}", Error::text(self).ja)]
    NoMapping { from: String, to: String },
    /// `--guideline` (or a policy's `guideline`) names no loaded edition of 安全管理GL.
    #[error("{}", Error::text(self).ja)]
    UnknownGuideline { given: String, loaded: Vec<String> },
    /// What was collected does not match the inventory it is for (one entry per system).
    #[error("{}", Error::text(self).ja)]
    CollectedMismatch { systems: usize, collected: usize },
    /// A configuration file that does not parse (one problem: where the parser stopped) or
    /// makes no sense (every problem found in it).
    #[error("{}", Error::text(self).ja)]
    Config {
        file: ConfigFile,
        origin: String,
        problems: Vec<Problem>,
    },
}

/// Which kind of configuration file an [`Error::Config`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigFile {
    Policy,
    Inventory,
    Profile,
    Threats,
    Terms,
    SlaTemplate,
    RiskRecord,
}

impl ConfigFile {
    pub fn label(self) -> Text {
        match self {
            Self::Policy => Text::new("方針", "policy"),
            Self::Inventory => Text::new("システム台帳", "inventory"),
            Self::Profile => Text::new("リモートサービスプロファイル", "remote service profile"),
            Self::Threats => Text::new("脅威カタログ", "threat catalogue"),
            Self::Terms => Text::new("SLA の合意条件", "SLA terms"),
            Self::SlaTemplate => Text::new("SLA のひな形", "SLA template"),
            Self::RiskRecord => Text::new("リスク評価の記録", "risk record"),
        }
    }
}

/// One problem of a configuration file: where (line and column, or the field path), and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub position: Option<Position>,
    /// The field, as a path (`rules[0].weight`), when the problem is about one.
    pub field: Option<String>,
    pub message: Text,
}

impl Problem {
    /// A problem of the whole file.
    pub fn new(message: Text) -> Self {
        Self {
            position: None,
            field: None,
            message,
        }
    }

    /// A problem with a field of the file.
    pub fn field(field: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            position: None,
            field: Some(field.into()),
            message: Text::new(ja, en),
        }
    }

    fn text(&self) -> Text {
        let part = |lang| {
            let mut s = String::new();
            if let Some(p) = self.position {
                s.push(' ');
                s.push_str(p.text().get(lang));
            }
            s.push_str(": ");
            if let Some(f) = &self.field {
                s.push_str(f);
                s.push_str(": ");
            }
            s.push_str(self.message.get(lang));
            s
        };
        Text::new(part(Lang::Ja), part(Lang::En))
    }
}

impl From<SyntaxError> for Problem {
    fn from(e: SyntaxError) -> Self {
        Self {
            position: e.position,
            field: None,
            message: e.message,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(SyntaxError::json(&e))
    }
}

/// Reads a configuration file's YAML, with a located error naming the file.
pub(crate) fn parse_config<T: DeserializeOwned>(
    file: ConfigFile,
    origin: &str,
    yaml: &str,
) -> Result<T, Error> {
    kaiji_catalog::parse_yaml(yaml).map_err(|e| Error::Config {
        file,
        origin: origin.to_owned(),
        problems: vec![e.into()],
    })
}

/// `Ok(value)` when no problem was found, else every problem of the file.
pub(crate) fn checked<T>(
    value: T,
    file: ConfigFile,
    origin: &str,
    problems: Vec<Problem>,
) -> Result<T, Error> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(Error::Config {
            file,
            origin: origin.to_owned(),
            problems,
        })
    }
}

impl Error {
    /// A configuration file with one problem.
    pub(crate) fn config(file: ConfigFile, origin: impl Into<String>, problem: Problem) -> Self {
        Self::Config {
            file,
            origin: origin.into(),
            problems: vec![problem],
        }
    }

    /// The message in both languages.
    pub fn text(&self) -> Text {
        let both = |ja: String, en: String| Text::new(ja, en);
        match self {
            Self::Json(e) => match e.position {
                Some(p) => both(
                    format!("JSON の {}: {}", p.text().ja, e.message.ja),
                    format!("JSON {}: {}", p.text().en, e.message.en),
                ),
                None => both(
                    format!("JSON: {}", e.message.ja),
                    format!("JSON: {}", e.message.en),
                ),
            },
            Self::BadDate(s) => both(
                format!("日付 {s:?} は YYYY-MM-DD 形式ではありません"),
                format!("date {s:?} is not a YYYY-MM-DD date"),
            ),
            Self::NotAChecklist(c) => both(
                format!("{c} はチェックリストではありません"),
                format!("{c} is not a checklist"),
            ),
            Self::NoRssOverlay(c) => both(
                format!("{c} には RSS オーバーレイ(リモートサービス関連項目の指定)がありません"),
                format!("{c} has no RSS overlay (the list of remote-service items)"),
            ),
            Self::FormNotInCatalog { catalog, form } => both(
                format!("チェックリスト {catalog} には様式 {form} がありません"),
                format!("checklist {catalog} has no {form} form"),
            ),
            Self::DifferentChecklists { first, other } => both(
                format!("チェックリストの異なる開示書は比較できません({first} と {other})"),
                format!(
                    "disclosures of different checklists cannot be compared ({first} and {other})"
                ),
            ),
            Self::NothingToCompare => both(
                "比較する開示書がありません".into(),
                "no disclosures to compare".into(),
            ),
            Self::NoMapping { from, to } => both(
                format!("{from} から {to} への対応表(マッピングファイル)がありません"),
                format!("no mapping file from {from} to {to}"),
            ),
            Self::UnknownGuideline { given, loaded } => both(
                format!(
                    "安全管理GL の版 {given:?} は読み込まれていません(読み込み済みの版: {})",
                    loaded.join(", ")
                ),
                format!(
                    "no loaded edition of the MHLW guideline is {given:?} (loaded editions: {})",
                    loaded.join(", ")
                ),
            ),
            Self::CollectedMismatch { systems, collected } => both(
                format!(
                    "台帳の {systems} システムに対し、集めた開示書の情報が {collected} 件です(1システムに1件)"
                ),
                format!(
                    "the inventory has {systems} systems but {collected} collected entries were given (one per system)"
                ),
            ),
            Self::Config {
                origin, problems, ..
            } => {
                let lines = |lang| {
                    problems
                        .iter()
                        .map(|p| format!("{origin}{}", p.text().get(lang)))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                both(lines(Lang::Ja), lines(Lang::En))
            }
        }
    }

    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().get(lang).to_owned()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Json(_) | Self::BadDate(_) | Self::Config { .. } => ErrorKind::BadInput,
            Self::NotAChecklist(_) | Self::NoRssOverlay(_) | Self::NoMapping { .. } => {
                ErrorKind::NotFound
            }
            Self::FormNotInCatalog { .. } | Self::DifferentChecklists { .. } => {
                ErrorKind::Unsupported
            }
            Self::NothingToCompare | Self::UnknownGuideline { .. } => ErrorKind::BadInput,
            Self::CollectedMismatch { .. } => ErrorKind::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_list_every_problem_with_file_and_place() {
        let e = Error::Config {
            file: ConfigFile::Policy,
            origin: "p.yaml".into(),
            problems: vec![
                Problem::field("rules[0].weight", "1 以上にします", "must be 1 or more"),
                Problem {
                    position: Some(Position { line: 3, column: 5 }),
                    field: None,
                    message: Text::new("不明なフィールド", "unknown field"),
                },
            ],
        };
        assert_eq!(
            e.message(Lang::Ja),
            "p.yaml: rules[0].weight: 1 以上にします\np.yaml 3行5列: 不明なフィールド"
        );
        assert_eq!(
            e.message(Lang::En),
            "p.yaml: rules[0].weight: must be 1 or more\np.yaml line 3 column 5: unknown field"
        );
        assert_eq!(e.to_string(), e.message(Lang::Ja));
        assert_eq!(e.kind(), ErrorKind::BadInput);
        assert_eq!(
            Error::NoMapping {
                from: "a".into(),
                to: "b".into()
            }
            .kind(),
            ErrorKind::NotFound
        );
    }
}
