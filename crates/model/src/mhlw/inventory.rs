//! A hospital's inventory of vendor systems, and the lines of the MHLW cybersecurity checklist
//! that the inventory and the collected disclosures can evidence (the lines a reference catalog
//! marks with `evidence:`, e.g. hospital 2-② remote maintenance confirmed with vendors and 2-③
//! MDS/SDS obtained). For a いいえ the line says what is missing for which system.

use jiff::civil::Date;
use kaiji_catalog::{Answer, Catalog, CatalogRef, Evidence, Registry, Relation, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::disclosure::migrate;
use crate::{Code, Disclosure, Error, Finding, IsoDate, Location};

/// The MHLW checklist kaiji answers lines of.
pub const MHLW_CHECKLIST: &str = "mhlw-cyber-checklist";

/// The systems a facility runs with vendors (YAML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kaiji system inventory")]
pub struct Inventory {
    /// The facility's name.
    pub facility: String,
    /// Which form of the MHLW checklist the facility answers: `hospital` (病院・診療所) or
    /// `pharmacy` (薬局).
    #[serde(default)]
    pub form: Form,
    pub systems: Vec<SystemEntry>,
}

/// The form of the MHLW checklist a facility answers.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Form {
    /// 病院・診療所.
    #[default]
    Hospital,
    /// 薬局.
    Pharmacy,
}

impl Form {
    /// `hospital` / `pharmacy`, as the checklist catalog's `form:` says.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One system and its vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemEntry {
    /// What the system is (電子カルテ, PACS …).
    pub system: String,
    /// The vendor (製造業者 / サービス事業者).
    pub vendor: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Whether the vendor maintains it remotely; absent while nobody has asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_maintenance: Option<bool>,
    /// When the vendor confirmed which devices it maintains remotely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_confirmed: Option<IsoDate>,
    /// The vendor's disclosure (`*.kaiji.json`), relative to the inventory file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<String>,
    /// The vendor's remote service profile (YAML), relative to the inventory file: it confirms
    /// the remote maintenance, and its connection-point checks are noted under 2-②.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_profile: Option<String>,
}

impl Inventory {
    /// Reads an inventory; errors name the file, line, column and field.
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        crate::error::parse_config(crate::error::ConfigFile::Inventory, origin, yaml)
    }
}

/// The inventory file format as a JSON Schema.
pub fn inventory_schema() -> String {
    let schema = schemars::schema_for!(Inventory);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}

/// What the caller found for one system (it reads the files): the disclosure, and the
/// connection-point checks of the remote service profile (`kaiji rss check`), each read or
/// the reason it could not be.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub disclosure: Option<Result<Disclosure, Text>>,
    pub profile_checks: Option<Result<Vec<Finding>, Text>>,
}

/// One line of the checklist, answered.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChecklistLine {
    /// Catalog id of the line (`hospital:2-③`).
    pub id: String,
    /// The number as printed (`2-③`).
    pub number: String,
    /// kaiji's paraphrase of what the line asks.
    pub title: Text,
    /// はい (`true`) or いいえ.
    pub yes: bool,
    /// 確認日.
    pub checked: IsoDate,
    /// For いいえ: what is missing, per system.
    pub missing: Vec<Gap>,
    /// Worth knowing but not missing (an outdated revision, say).
    pub notes: Vec<Gap>,
    /// How sure the catalog is of this line's number and meaning.
    pub confidence: kaiji_catalog::Confidence,
}

/// A finding about one system of the inventory (its location points into the inventory:
/// `/systems/2/disclosure`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Gap {
    pub system: String,
    #[serde(flatten)]
    pub finding: Finding,
}

/// Answers the checklist lines kaiji can evidence. `collected` holds each system's disclosure
/// in inventory order (the caller reads the files).
pub fn mhlw_lines(
    inventory: &Inventory,
    collected: &[Collected],
    registry: &Registry,
    today: Date,
) -> Result<Vec<ChecklistLine>, Error> {
    // A system without its entry would raise no gap, and its line could read はい unchecked.
    if collected.len() != inventory.systems.len() {
        return Err(Error::CollectedMismatch {
            systems: inventory.systems.len(),
            collected: collected.len(),
        });
    }
    let r: CatalogRef = MHLW_CHECKLIST
        .parse()
        .map_err(|_| Error::NotAChecklist(MHLW_CHECKLIST.into()))?;
    let checklist = registry
        .resolve(&r)
        .ok_or_else(|| Error::NotAChecklist(MHLW_CHECKLIST.into()))?;
    let reference = checklist
        .as_reference()
        .ok_or_else(|| Error::NotAChecklist(checklist.key()))?;
    let mut lines = Vec::new();
    for entry in &reference.entries {
        let Some(evidence) = entry.evidence else {
            continue;
        };
        if entry.form.as_deref() != Some(inventory.form.as_str()) {
            continue;
        }
        let (mut missing, mut notes) = (Vec::new(), Vec::new());
        let serving_items = serving(registry, checklist, &entry.id);
        for (index, (system, found)) in inventory.systems.iter().zip(collected).enumerate() {
            let at = At { index, system };
            let doc = found.disclosure.as_ref().and_then(|r| r.as_ref().ok());
            match evidence {
                Evidence::RemoteMaintenance => {
                    remote(
                        at,
                        doc,
                        &serving_items,
                        registry,
                        found.profile_checks.as_ref(),
                        &mut missing,
                        &mut notes,
                    );
                }
                Evidence::Disclosures => {
                    obtained(
                        at,
                        found.disclosure.as_ref(),
                        registry,
                        &mut missing,
                        &mut notes,
                    );
                }
            }
        }
        // No system, no evidence: without evidence a line is never はい.
        if inventory.systems.is_empty() {
            missing.push(Gap {
                system: "—".to_owned(),
                finding: Finding::new(
                    Code::MhlwNoSystems,
                    Location::pointer(["systems"]),
                    Text::new(
                        "台帳にシステムが1件もないため、この項目を裏付ける根拠がありません(根拠なしに「はい」とはしません)",
                        "the inventory lists no system, so nothing evidences this line (without evidence a line is not yes)",
                    ),
                ),
            });
        }
        lines.push(ChecklistLine {
            id: entry.id.clone(),
            number: entry
                .id
                .split_once(':')
                .map_or(entry.id.as_str(), |(_, n)| n)
                .to_owned(),
            title: entry.title.clone(),
            yes: missing.is_empty(),
            checked: IsoDate::new(today),
            missing,
            notes,
            confidence: entry.confidence,
        });
    }
    Ok(lines)
}

/// The checklist items that serve a line (through the mapping files), with the checklist they
/// belong to.
fn serving<'r>(registry: &'r Registry, mhlw: &Catalog, line: &str) -> Vec<(&'r Catalog, String)> {
    let mut items = Vec::new();
    for c in registry.catalogs() {
        let Some(m) = c.as_mapping() else { continue };
        if registry
            .resolve(&m.to)
            .is_none_or(|t| t.key() != mhlw.key())
        {
            continue;
        }
        let Some(from) = registry.resolve(&m.from) else {
            continue;
        };
        for e in m
            .entries
            .iter()
            .filter(|e| e.relation == Relation::Serves && e.to.iter().any(|t| t == line))
        {
            items.extend(e.from.iter().map(|i| (from, i.clone())));
        }
    }
    items
}

/// The document's answers to the serving items, carried to their checklist's revision first if
/// the document is older.
fn answers_to(
    doc: &Disclosure,
    serving: &[(&Catalog, String)],
    registry: &Registry,
) -> Vec<Answer> {
    // The document carried to each other revision the items belong to, once per revision.
    let mut carried: std::collections::HashMap<String, Option<Disclosure>> =
        std::collections::HashMap::new();
    let mut answers = Vec::new();
    for (catalog, item) in serving {
        let same =
            doc.catalog.id == catalog.header.id && doc.catalog.revision == catalog.header.revision;
        let doc = if same {
            Some(doc)
        } else {
            carried
                .entry(catalog.key())
                .or_insert_with(|| {
                    migrate(doc, registry, &catalog.reference()?)
                        .ok()
                        .map(|m| m.document)
                })
                .as_ref()
        };
        if let Some(a) = doc.and_then(|d| d.answers.get(item)).and_then(|e| e.answer) {
            answers.push(a);
        }
    }
    answers
}

/// A system of the inventory and its place in it.
#[derive(Clone, Copy)]
struct At<'a> {
    index: usize,
    system: &'a SystemEntry,
}

fn gap(at: At<'_>, code: Code, field: &str, ja: String, en: String) -> Gap {
    let index = at.index.to_string();
    Gap {
        system: at.system.system.clone(),
        finding: Finding::new(
            code,
            Location::pointer(["systems", index.as_str(), field]),
            Text::new(ja, en),
        ),
    }
}

fn remote(
    at: At<'_>,
    doc: Option<&Disclosure>,
    serving: &[(&Catalog, String)],
    registry: &Registry,
    profile: Option<&Result<Vec<Finding>, Text>>,
    missing: &mut Vec<Gap>,
    notes: &mut Vec<Gap>,
) {
    // A remote service profile describes the connection and its devices: a confirmation in
    // itself; what its checks find is noted.
    match profile {
        Some(Err(reason)) => missing.push(gap(
            at,
            Code::MhlwProfileFindings,
            "remote_profile",
            format!("リモートサービスプロファイルを読めません: {}", reason.ja),
            format!("the remote service profile cannot be read: {}", reason.en),
        )),
        Some(Ok(findings)) => {
            for f in findings
                .iter()
                .filter(|f| f.severity == crate::Severity::Error)
            {
                notes.push(gap(
                    at,
                    Code::MhlwProfileFindings,
                    "remote_profile",
                    format!("接続点の点検: {}", f.message.ja),
                    format!("connection check: {}", f.message.en),
                ));
            }
        }
        None => {}
    }
    let confirmed_by_profile = matches!(profile, Some(Ok(_)));
    let said = doc
        .map(|d| answers_to(d, serving, registry))
        .unwrap_or_default();
    let says_yes = said.contains(&Answer::Yes);
    let says_no = !said.is_empty() && !says_yes;
    let system = at.system;
    let vendor = &system.vendor;
    match system.remote_maintenance {
        None => missing.push(gap(
            at,
            Code::MhlwRemoteNotStated,
            "remote_maintenance",
            format!("遠隔保守の有無を {vendor} に確認していません(台帳の remote_maintenance が空)"),
            format!("nobody has asked {vendor} whether the system is remotely maintained (remote_maintenance is empty)"),
        )),
        Some(true) if says_no => missing.push(gap(
            at,
            Code::MhlwRemoteContradicted,
            "remote_maintenance",
            "台帳では遠隔保守ありですが、開示書では遠隔保守を提供していないと回答されています。事業者に確認してください".into(),
            "the inventory says remote maintenance, but the disclosure answers that none is provided; ask the vendor".into(),
        )),
        Some(true) if system.remote_confirmed.is_none() && !says_yes && !confirmed_by_profile => missing.push(gap(
            at,
            Code::MhlwRemoteUnconfirmed,
            "remote_confirmed",
            format!("遠隔保守の対象機器を {vendor} に確認した記録がありません(開示書の回答も remote_confirmed もなし)"),
            format!("no record that {vendor} confirmed the remotely maintained devices (no disclosure answer, no remote_confirmed)"),
        )),
        Some(false) if says_yes => missing.push(gap(
            at,
            Code::MhlwRemoteContradicted,
            "remote_maintenance",
            "台帳では遠隔保守なしですが、開示書では遠隔保守を提供すると回答されています。事業者に確認してください".into(),
            "the inventory says no remote maintenance, but the disclosure answers that it is provided; ask the vendor".into(),
        )),
        Some(_) => {}
    }
}

/// Names compared without spaces, width or the company form (株式会社 …).
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace(['(', ')', '(', ')'], "")
            .replace("株式会社", "")
            .replace("有限会社", "")
            .to_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

fn obtained(
    at: At<'_>,
    found: Option<&Result<Disclosure, Text>>,
    registry: &Registry,
    missing: &mut Vec<Gap>,
    notes: &mut Vec<Gap>,
) {
    let system = at.system;
    let vendor = &system.vendor;
    let doc = match found {
        None => {
            missing.push(gap(
                at,
                Code::MhlwNoDisclosure,
                "disclosure",
                format!("{vendor} から MDS/SDS を受け取っていません(台帳に disclosure がない)"),
                format!("no MDS/SDS from {vendor} (the inventory names no disclosure)"),
            ));
            return;
        }
        Some(Err(reason)) => {
            missing.push(gap(
                at,
                Code::MhlwDisclosureUnreadable,
                "disclosure",
                format!("{vendor} の開示書を読めません: {}", reason.ja),
                format!("the disclosure of {vendor} cannot be read: {}", reason.en),
            ));
            return;
        }
        Some(Ok(doc)) => doc,
    };
    if !same_name(&doc.subject.organisation, vendor) {
        missing.push(gap(
            at,
            Code::MhlwOtherProduct,
            "disclosure",
            format!(
                "開示書は {} のもので、台帳の事業者 {vendor} のものではありません",
                doc.subject.organisation
            ),
            format!(
                "the disclosure is by {}, not by {vendor} as the inventory says",
                doc.subject.organisation
            ),
        ));
        return;
    }
    if !system.product.is_empty() && !same_name(&doc.subject.product, &system.product) {
        missing.push(gap(
            at,
            Code::MhlwOtherProduct,
            "product",
            format!(
                "開示書は製品 {} のもので、台帳の製品 {} のものではありません",
                doc.subject.product, system.product
            ),
            format!(
                "the disclosure covers {}, not {} as the inventory says",
                doc.subject.product, system.product
            ),
        ));
        return;
    }
    if !system.version.is_empty() && doc.subject.version != system.version {
        notes.push(gap(
            at,
            Code::MhlwOtherVersion,
            "version",
            format!(
                "開示書はバージョン {} のもので、稼働中の {} とは異なります",
                doc.subject.version, system.version
            ),
            format!(
                "the disclosure is for version {}, the system runs {}",
                doc.subject.version, system.version
            ),
        ));
    }
    let newer = registry
        .catalog_for(&doc.catalog)
        .and_then(|c| registry.newer_revision(c));
    if let Some(newer) = newer {
        notes.push(gap(
            at,
            Code::MhlwOlderRevision,
            "disclosure",
            format!(
                "開示書は旧版 {} です(新しい版 {} があります)",
                doc.catalog,
                newer.key()
            ),
            format!(
                "the disclosure answers the older {} ({} exists)",
                doc.catalog,
                newer.key()
            ),
        ));
    }
}
