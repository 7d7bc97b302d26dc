//! The disclosure document (`*.kaiji.json`): an MDS, SDS or RSS SDS answered against one
//! checklist revision.

use std::{borrow::Cow, collections::BTreeMap, fmt, str::FromStr};

pub use kaiji_catalog::CatalogId;
use kaiji_catalog::{Answer, Form, Text};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;

/// A security disclosure: what a vendor answers about one product or service.
///
/// Fields kaiji does not know are kept (`extra`) and written back unchanged, so a document
/// written by a newer tool loses nothing when it passes through this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "kaiji disclosure document")]
pub struct Disclosure {
    /// The kind of disclosure.
    pub kind: DocKind,
    /// The checklist revision the answers refer to.
    pub catalog: CatalogId,
    /// Who discloses what.
    pub subject: Subject,
    /// Answers keyed by item id. Items the catalog does not know are kept and flagged.
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerEntry>,
    /// Fields this version of kaiji does not know, kept as they were.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `mds` (manufacturer), `sds` (service provider) or `rss-sds` (SDS of a remote service).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
    strum::VariantNames,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum DocKind {
    Mds,
    Sds,
    RssSds,
}

impl DocKind {
    /// The checklist form a document of this kind answers.
    pub fn form(self) -> Form {
        match self {
            Self::Mds => Form::Mds,
            Self::Sds | Self::RssSds => Form::Sds,
        }
    }

    pub fn label(self) -> Text {
        match self {
            Self::Mds => Text::new("MDS(製造業者による開示書)", "MDS (manufacturer disclosure)"),
            Self::Sds => Text::new(
                "SDS(サービス事業者による開示書)",
                "SDS (service-provider disclosure)",
            ),
            Self::RssSds => Text::new("RSS SDS(リモートサービス)", "RSS SDS (remote service)"),
        }
    }
}

/// The cover of the disclosure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subject {
    /// 製造業者名 / サービス事業者名.
    pub organisation: String,
    /// 製品名 / サービス名称.
    pub product: String,
    /// 型番 (required for an MDS).
    #[serde(default)]
    pub model: String,
    /// バージョン.
    pub version: String,
    /// 作成日 (ISO 8601 date). `None` when the cover states none: a missing date stays missing
    /// (the validator reports `missing-subject-field`), it is never invented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<IsoDate>,
    /// 連絡先.
    pub contact: String,
    /// Short description of the product or service (optional).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Cover fields this version of kaiji does not know, kept as they were.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Subject {
    /// The text of a cover field; the date as YYYY-MM-DD.
    pub fn text(&self, field: SubjectField) -> String {
        match field {
            SubjectField::Date => self.date.map(|d| d.to_string()).unwrap_or_default(),
            other => self
                .text_field(other)
                .map_or_else(String::new, Clone::clone),
        }
    }

    /// Sets a text field (the date is set as an [`IsoDate`], not here).
    pub fn set_text(&mut self, field: SubjectField, value: String) {
        if let Some(slot) = self.text_field_mut(field) {
            *slot = value;
        }
    }

    fn text_field(&self, field: SubjectField) -> Option<&String> {
        Some(match field {
            SubjectField::Organisation => &self.organisation,
            SubjectField::Product => &self.product,
            SubjectField::Model => &self.model,
            SubjectField::Version => &self.version,
            SubjectField::Contact => &self.contact,
            SubjectField::Description => &self.description,
            SubjectField::Date => return None,
        })
    }

    fn text_field_mut(&mut self, field: SubjectField) -> Option<&mut String> {
        Some(match field {
            SubjectField::Organisation => &mut self.organisation,
            SubjectField::Product => &mut self.product,
            SubjectField::Model => &mut self.model,
            SubjectField::Version => &mut self.version,
            SubjectField::Contact => &mut self.contact,
            SubjectField::Description => &mut self.description,
            SubjectField::Date => return None,
        })
    }
}

/// The cover fields of a [`Subject`], for checks and presentation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::EnumIter, strum::IntoStaticStr,
)]
#[strum(serialize_all = "lowercase")]
pub enum SubjectField {
    Organisation,
    Product,
    Model,
    Version,
    Date,
    Contact,
    Description,
}

impl SubjectField {
    /// The JSON key.
    pub fn key(self) -> &'static str {
        self.into()
    }

    /// Whether a document of `kind` must fill this field.
    pub fn is_required(self, kind: DocKind) -> bool {
        match self {
            Self::Model => kind == DocKind::Mds,
            Self::Description => false,
            _ => true,
        }
    }

    /// The label the cover of the form uses.
    pub fn label(self) -> Text {
        match self {
            Self::Organisation => Text::new("製造業者名/サービス事業者名", "organisation"),
            Self::Product => Text::new("製品名/サービス名称", "product or service name"),
            Self::Model => Text::new("型番", "model"),
            Self::Version => Text::new("バージョン", "version"),
            Self::Date => Text::new("作成日", "date"),
            Self::Contact => Text::new("連絡先", "contact"),
            Self::Description => Text::new("概要", "description"),
        }
    }
}

/// One answer with its remark.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnswerEntry {
    /// はい (`yes`), いいえ (`no`), 該当なし (`na`), or not answered yet (`null`).
    pub answer: Option<Answer>,
    /// 備考: free text.
    #[serde(default)]
    pub remark: String,
    /// The question text as it stood in the source workbook (kept, never shipped by kaiji).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_text: Option<String>,
    /// What the answer cell of the source workbook said, when kaiji could not read it as an
    /// answer (kept so that nothing typed is lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_answer: Option<String>,
    /// Links or references to evidence (documents, certificates, URLs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Fields this version of kaiji does not know, kept as they were.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoDate(jiff::civil::Date);

impl IsoDate {
    pub fn new(date: jiff::civil::Date) -> Self {
        Self(date)
    }

    pub fn date(self) -> jiff::civil::Date {
        self.0
    }
}

impl FromStr for IsoDate {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || Error::BadDate(s.to_owned());
        // Exactly YYYY-MM-DD: jiff also accepts other ISO 8601 forms we do not want in files.
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(bad());
        }
        s.parse::<jiff::civil::Date>().map(Self).map_err(|_| bad())
    }
}

impl TryFrom<String> for IsoDate {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<IsoDate> for String {
    fn from(d: IsoDate) -> Self {
        d.to_string()
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%d"))
    }
}

impl JsonSchema for IsoDate {
    fn schema_name() -> Cow<'static, str> {
        "IsoDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD."
        })
    }
}

impl Disclosure {
    /// Reads a document strictly: every field must have the right type and form. Use
    /// [`crate::disclosure::validate_str`] to report every problem of a document instead.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        kaiji_catalog::parse_json(text).map_err(Error::Json)
    }

    /// The document as pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s =
            serde_json::to_string_pretty(self).expect("a document of plain data always serialises");
        s.push('\n');
        s
    }
}

/// The JSON Schema of the disclosure document, as checked in under `schemas/`.
pub fn disclosure_schema() -> String {
    let schema = schemars::schema_for!(Disclosure);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            "2026-04-01".parse::<IsoDate>().unwrap().to_string(),
            "2026-04-01"
        );
        for bad in [
            "2026-4-1",
            "2026-02-30",
            "令和8年4月1日",
            "2026-04-01T00:00",
            "",
            "２０２６-04-01",
        ] {
            assert!(bad.parse::<IsoDate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let text = r#"{"kind":"mds","catalog":{"id":"x","revision":"1"},
            "subject":{"organisation":"o","product":"p","version":"1","date":"2026-01-02","contact":"c","fax":"03"},
            "answers":{"A-1":{"answer":"yes","remark":"","color":"red"}},"signature":{"by":"me"}}"#;
        let doc = Disclosure::from_json(text).unwrap();
        let again = Disclosure::from_json(&doc.to_json()).unwrap();
        assert_eq!(doc, again);
        assert!(doc.to_json().contains("\"fax\""));
        assert!(doc.to_json().contains("\"color\""));
        assert!(doc.to_json().contains("\"signature\""));
    }
}
