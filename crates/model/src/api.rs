//! The output shapes: what the CLI prints with `--format json` and the REST API returns, each
//! with its JSON Schema ([`schemas`], checked in under `schemas/api/`).
//!
//! The types are owned, so that a server handler can build one, hand it to its framework and
//! forget the inputs; they are built only from the library's own results (a [`Review`], a
//! [`DocDiff`], …) by the constructors here, so neither the CLI nor the server recomputes a
//! verdict. They derive `Serialize` and `JsonSchema` but not `Deserialize`: what they contain
//! (findings, reviews, risk registers) is produced by kaiji, never read back, and its codes and
//! locations have no parsers yet. A client that reads the JSON uses the schema.
//!
//! Some outputs are domain types as they are ([`Comparison`], [`Register`], [`Sla`]); they are
//! re-exported here so that this module lists every shape.

use schemars::JsonSchema;
use serde::Serialize;

pub use crate::disclosure::{Carried, DocDiff, NeedsReview};
pub use crate::mhlw::ChecklistLine;
pub use crate::review::{Comparison, Review};
pub use crate::rss::{Register, Sla};

use crate::disclosure::Migration;
use crate::mhlw::Inventory;
use crate::rss::Profile;
use crate::{Disclosure, DocKind, Finding, IsoDate};

/// What became of one input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Read, and no findings.
    Ok,
    /// Read, with findings.
    Findings,
    /// Could not be read or parsed (`error` says why).
    Error,
}

impl FileStatus {
    /// `ok` when there are no findings, `findings` otherwise.
    pub fn of(findings: &[Finding]) -> Self {
        if findings.is_empty() {
            Self::Ok
        } else {
            Self::Findings
        }
    }
}

/// `kaiji validate`: one validated file (the output is a list of them).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FileValidation {
    /// The file as it was named.
    pub file: String,
    /// `ok`, `findings` or `error`.
    pub status: FileStatus,
    /// Why the file could not be read or parsed (status `error` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The validation findings (empty when the file could not be read).
    pub findings: Vec<Finding>,
}

impl FileValidation {
    /// A file that was read and validated.
    pub fn checked(file: impl Into<String>, findings: &[Finding]) -> Self {
        Self {
            file: file.into(),
            status: FileStatus::of(findings),
            error: None,
            findings: findings.to_vec(),
        }
    }

    /// A file that could not be read or parsed, and why.
    pub fn failed(file: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            status: FileStatus::Error,
            error: Some(error.into()),
            findings: Vec::new(),
        }
    }
}

/// `kaiji import`: one workbook (the output is a list of them).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ImportedFile {
    /// The workbook as it was named.
    pub file: String,
    /// `findings` when any document read from it has findings, `ok` when none has, `error` when
    /// it could not be read.
    pub status: FileStatus,
    /// Why the workbook could not be read (status `error` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The disclosures read from it, one per sheet (empty on error).
    pub documents: Vec<ImportedDocument>,
}

impl ImportedFile {
    /// A workbook that was read, with the documents written from it.
    pub fn read(file: impl Into<String>, documents: Vec<ImportedDocument>) -> Self {
        let status = if documents.iter().any(|d| !d.findings.is_empty()) {
            FileStatus::Findings
        } else {
            FileStatus::Ok
        };
        Self {
            file: file.into(),
            status,
            error: None,
            documents,
        }
    }

    /// A workbook that could not be read, and why.
    pub fn failed(file: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            status: FileStatus::Error,
            error: Some(error.into()),
            documents: Vec::new(),
        }
    }
}

/// One disclosure read from a sheet of an imported workbook.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ImportedDocument {
    /// The sheet it was read from.
    pub sheet: String,
    /// The `.kaiji.json` file it was written to.
    pub output: String,
    /// MDS, SDS or RSS SDS.
    pub kind: DocKind,
    /// The checklist revision it answers (`jahis-mds-sds@5.0h`).
    pub catalog: String,
    /// Findings of the import and of validation, located in the workbook.
    pub findings: Vec<Finding>,
}

/// `kaiji review`: one reviewed disclosure, its cover and its review (the output is a list of
/// them).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FileReview {
    /// The file as it was named.
    pub file: String,
    /// MDS, SDS or RSS SDS.
    pub kind: DocKind,
    /// The checklist revision the document answers (`jahis-mds-sds@5.0h`).
    pub catalog: String,
    /// The manufacturer or service provider.
    pub organisation: String,
    /// The product or service.
    pub product: String,
    /// Its version.
    pub version: String,
    /// The date of the disclosure, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<IsoDate>,
    /// The review: its fields sit beside the cover's in the JSON.
    #[serde(flatten)]
    pub review: Review,
}

impl FileReview {
    /// The review of `document`, read from `file`.
    pub fn new(file: impl Into<String>, document: &Disclosure, review: &Review) -> Self {
        let s = &document.subject;
        Self {
            file: file.into(),
            kind: document.kind,
            catalog: document.catalog.to_string(),
            organisation: s.organisation.clone(),
            product: s.product.clone(),
            version: s.version.clone(),
            date: s.date,
            review: review.clone(),
        }
    }
}

/// `kaiji checklist mhlw`: the MHLW checklist lines answered from a hospital's inventory.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChecklistReport {
    /// The facility of the inventory.
    pub facility: String,
    /// The kind of facility the inventory is of (`hospital`, `pharmacy`).
    pub form: crate::mhlw::Form,
    /// The checklist edition the lines come from, and its form the facility answers.
    pub edition: crate::mhlw::Edition,
    /// The lines kaiji answered, in checklist order.
    pub lines: Vec<ChecklistLine>,
}

impl ChecklistReport {
    /// The lines answered for `inventory`.
    pub fn new(inventory: &Inventory, answered: &crate::mhlw::Answered) -> Self {
        Self {
            facility: inventory.facility.clone(),
            form: inventory.form,
            edition: answered.edition.clone(),
            lines: answered.lines.clone(),
        }
    }
}

/// `kaiji diff`: what changed between two versions of a disclosure.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DiffReport {
    /// The old version's file.
    pub old: String,
    /// The new version's file.
    pub new: String,
    /// The changes: their fields sit beside `old` and `new` in the JSON.
    #[serde(flatten)]
    pub diff: DocDiff,
}

impl DiffReport {
    /// The diff of the files `old` and `new`.
    pub fn new(old: impl Into<String>, new: impl Into<String>, diff: &DocDiff) -> Self {
        Self {
            old: old.into(),
            new: new.into(),
            diff: diff.clone(),
        }
    }
}

/// `kaiji migrate`: a disclosure carried to another checklist revision, item by item (the
/// migrated document itself is written to `output`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MigrationReport {
    /// The file migrated.
    pub input: String,
    /// The file the migrated document was written to.
    pub output: String,
    /// The revision it was carried to (`jahis-mds-sds@5.0h`).
    pub to: String,
    /// Items whose answer, remark and evidence were carried over.
    pub carried: Vec<Carried>,
    /// Items left unanswered for a person to answer, and why.
    pub review: Vec<NeedsReview>,
    /// Old items with no counterpart (kept under `migration.removed` in the document).
    pub removed: Vec<String>,
}

impl MigrationReport {
    /// The report of `migration`, read from `input` and written to `output`.
    pub fn new(input: impl Into<String>, output: impl Into<String>, migration: &Migration) -> Self {
        Self {
            input: input.into(),
            output: output.into(),
            to: migration.document.catalog.to_string(),
            carried: migration.carried.clone(),
            review: migration.review.clone(),
            removed: migration.removed.clone(),
        }
    }
}

/// `kaiji rss check`: the findings on one remote service profile (the output is a list of
/// them).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ProfileCheck {
    /// The profile as it was named.
    pub file: String,
    /// The remote service.
    pub service: String,
    /// Its vendor.
    pub vendor: String,
    /// The findings of the checks (connection, accounts, advisories, …).
    pub findings: Vec<Finding>,
}

impl ProfileCheck {
    /// The findings on `profile`, read from `file`.
    pub fn new(file: impl Into<String>, profile: &Profile, findings: &[Finding]) -> Self {
        Self {
            file: file.into(),
            service: profile.service.name.clone(),
            vendor: profile.service.vendor.clone(),
            findings: findings.to_vec(),
        }
    }
}

/// `kaiji catalog list`: one loaded catalog (the output is a list of them).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CatalogRow {
    /// `id@revision`, or the id alone for an unrevised catalog: what commands take.
    pub key: String,
    /// The catalog id (`jahis-mds-sds`).
    pub id: String,
    /// Checklist, overlay, reference list or mapping.
    pub kind: kaiji_catalog::Kind,
    /// The published version.
    pub version: String,
    /// The published revision.
    pub revision: String,
    /// How many entries (items, reference entries, mapping rows) it has.
    pub entries: usize,
    /// How sure the catalog is of its source.
    pub confidence: kaiji_catalog::Confidence,
    /// How many of its entries stand at each confidence (an entry without its own counts at
    /// the catalog's).
    pub confidence_counts: kaiji_catalog::ConfidenceCounts,
    /// The newer edition that replaces this one (it stays usable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// Its title in the language asked for.
    pub title: String,
    /// Where it was loaded from: `builtin:FILE` or a path.
    pub origin: String,
}

impl CatalogRow {
    /// The row of `catalog`, titled in `lang`.
    pub fn new(catalog: &kaiji_catalog::Catalog, lang: kaiji_catalog::Lang) -> Self {
        let h = &catalog.header;
        Self {
            key: catalog.key(),
            id: h.id.clone(),
            kind: catalog.kind(),
            version: h.version.clone(),
            revision: h.revision.clone(),
            entries: catalog.len(),
            confidence: h.confidence,
            confidence_counts: catalog.confidence_counts(),
            superseded_by: h.superseded_by.as_ref().map(ToString::to_string),
            title: h.title.get(lang).to_owned(),
            origin: catalog.origin.clone(),
        }
    }
}

/// `kaiji betsushi`: the GL 7.0 保守委託機関編【別紙】 check, every line of each disclosure
/// with the vendor's answer, the verdict and the facility's recorded assessment.
pub use crate::betsushi::Outcome as BetsushiReport;

/// The JSON Schema of every output, by the name of its file under `schemas/api/`
/// (`validate` → `schemas/api/validate.schema.json`), each pretty-printed with a final newline.
/// The schemas describe the JSON as kaiji writes it (draft 2020-12, serialisation contract:
/// a field left out when empty is not required).
pub fn schemas() -> Vec<(&'static str, String)> {
    vec![
        ("catalog-list", schema::<Vec<CatalogRow>>()),
        ("validate", schema::<Vec<FileValidation>>()),
        ("import", schema::<Vec<ImportedFile>>()),
        ("review", schema::<Vec<FileReview>>()),
        ("compare", schema::<Comparison>()),
        ("diff", schema::<DiffReport>()),
        ("migrate", schema::<MigrationReport>()),
        ("checklist-mhlw", schema::<ChecklistReport>()),
        ("rss-check", schema::<Vec<ProfileCheck>>()),
        ("rss-risk", schema::<Register>()),
        ("rss-sla", schema::<Sla>()),
        ("betsushi", schema::<BetsushiReport>()),
    ]
}

fn schema<T: JsonSchema>() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use kaiji_catalog::Text;

    use super::*;
    use crate::{Code, Location};

    fn finding() -> Finding {
        Finding::new(
            Code::MissingAnswer,
            Location::pointer(["answers", "MDS-1"]),
            Text::new("未回答", "unanswered"),
        )
    }

    #[test]
    fn a_file_status_follows_its_findings() {
        assert_eq!(FileStatus::of(&[]), FileStatus::Ok);
        assert_eq!(FileStatus::of(&[finding()]), FileStatus::Findings);
        let failed = FileValidation::failed("a.json", "not JSON");
        assert_eq!(
            serde_json::to_value(&failed).unwrap(),
            serde_json::json!({"file": "a.json", "status": "error", "error": "not JSON", "findings": []})
        );
        let checked =
            serde_json::to_value(FileValidation::checked("b.json", &[finding()])).unwrap();
        assert_eq!(checked["status"], "findings");
        assert!(
            checked.get("error").is_none(),
            "no error key when the file was read"
        );
    }

    #[test]
    fn an_imported_workbook_has_findings_when_any_document_has() {
        let document = |findings: Vec<Finding>| ImportedDocument {
            sheet: "MDS".into(),
            output: "out.kaiji.json".into(),
            kind: DocKind::Mds,
            catalog: "jahis-mds-sds@5.0h".into(),
            findings,
        };
        let clean = ImportedFile::read("a.xlsx", vec![document(Vec::new())]);
        assert_eq!(clean.status, FileStatus::Ok);
        let mixed = ImportedFile::read(
            "b.xlsx",
            vec![document(Vec::new()), document(vec![finding()])],
        );
        assert_eq!(mixed.status, FileStatus::Findings);
        let failed = ImportedFile::failed("c.xlsx", "corrupt zip");
        assert_eq!(
            (
                failed.status,
                failed.error.as_deref(),
                failed.documents.len()
            ),
            (FileStatus::Error, Some("corrupt zip"), 0)
        );
    }

    #[test]
    fn every_schema_is_a_json_schema_with_its_definitions() {
        let schemas = schemas();
        let names: Vec<&str> = schemas.iter().map(|(name, _)| *name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            names.len(),
            "schema names are unique: {names:?}"
        );
        for (name, text) in &schemas {
            let schema: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{name}"
            );
            // Every local reference resolves.
            for reference in text.match_indices("\"$ref\": \"#").map(|(i, _)| &text[i..]) {
                let target = reference.split('"').nth(3).unwrap();
                assert!(
                    schema.pointer(&target[1..]).is_some(),
                    "{name}: {target} does not resolve"
                );
            }
        }
    }
}
