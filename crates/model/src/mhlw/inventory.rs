//! A hospital's inventory of vendor systems, and the lines of the MHLW cybersecurity checklist
//! that the inventory and the collected disclosures can evidence (the lines a reference catalog
//! marks with `evidence:`, e.g. hospital 2-② remote maintenance confirmed with vendors and 2-③
//! MDS/SDS obtained in R7, their topic lines in R8). Which edition is chosen by revision
//! (`R7`, `R8`; the newest by default), which form of it by the inventory's `form:` and the
//! form's `facilities:`. For a いいえ the line says what is missing for which system.

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

/// What a hospital holds, collected for each system of its inventory (as `kaiji serve` does,
/// where there are no files to read): the held disclosure of the system's vendor for its product
/// (any product when the inventory names none), the one of the version the system runs when there
/// is one, else the newest version. A system none is held for has no disclosure (a gap of 2-③);
/// remote service profiles are not held, so none is checked.
pub fn collect_held(inventory: &Inventory, held: &[&Disclosure]) -> Vec<Collected> {
    inventory
        .systems
        .iter()
        .map(|system| {
            let mut candidates: Vec<&Disclosure> = held
                .iter()
                .copied()
                .filter(|d| {
                    same_name(&d.subject.organisation, &system.vendor)
                        && (system.product.is_empty()
                            || same_name(&d.subject.product, &system.product))
                })
                .collect();
            candidates.sort_by(|a, b| {
                kaiji_catalog::compare_versions(&a.subject.version, &b.subject.version)
            });
            let chosen = candidates
                .iter()
                .find(|d| !system.version.is_empty() && d.subject.version == system.version)
                .or(candidates.last());
            Collected {
                disclosure: chosen.map(|d| Ok((*d).clone())),
                profile_checks: None,
            }
        })
        .collect()
}

/// The edition of the checklist a facility's lines were answered from, and the form of it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Edition {
    /// The catalog (`mhlw-cyber-checklist@R8`).
    pub catalog: String,
    /// The edition as people say it (`令和8年度`).
    pub version: String,
    /// The revision (`R8`): what `--edition` takes.
    pub revision: String,
    /// The edition's title (kaiji's rendering of it).
    pub title: Text,
    /// The form of this edition the facility answers (`hospital`, `facility` …).
    pub form: String,
    /// That form's name.
    pub form_title: Text,
    /// How sure the catalog is of the edition as a whole.
    pub confidence: kaiji_catalog::Confidence,
    /// The newer edition that replaces this one (`mhlw-cyber-checklist@R8`); this one stays usable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// The edition (year) from which the newer one applies (`令和8年度`), when it is loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_from: Option<String>,
}

impl Edition {
    /// 「令和8年度版(mhlw-cyber-checklist@R8)」, with the superseding edition where there is one.
    pub fn describe(&self) -> Text {
        let mut text = Text::new(
            format!("{}({})", self.title.ja, self.catalog),
            format!("{} ({})", self.title.en, self.catalog),
        );
        if let Some(newer) = &self.superseded_by {
            let (ja_from, en_from) = match &self.superseded_from {
                Some(year) => (format!("{year}は "), format!(" for {year}")),
                None => (String::new(), String::new()),
            };
            text.ja.push_str(&format!(
                "。{ja_from}{newer} に置き換えられています(この版も引き続き使えます)"
            ));
            text.en.push_str(&format!(
                "; superseded by {newer}{en_from} (this edition is still usable)"
            ));
        }
        text
    }
}

/// The lines of one edition that kaiji answered for a facility.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Answered {
    pub edition: Edition,
    pub lines: Vec<ChecklistLine>,
}

/// One line of the checklist, answered.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChecklistLine {
    /// Catalog id of the line (`hospital:2-③`, `facility:disclosure`).
    pub id: String,
    /// The number as printed (`2-③`); absent where the edition's numbering is not known
    /// (the id is then kaiji's stable name for the line).
    pub number: Option<String>,
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
    /// The same line in other editions of the checklist (`mhlw-cyber-checklist@R7 hospital:2-②`),
    /// from the edition-to-edition mappings, for the form the facility answers there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counterparts: Vec<String>,
}

impl ChecklistLine {
    /// The number as printed, or 「番号未確認」 / "number unknown".
    pub fn number_text(&self) -> Text {
        match &self.number {
            Some(n) => Text::new(n.clone(), n.clone()),
            None => Text::new("番号未確認", "number unknown"),
        }
    }
}

/// A finding about one system of the inventory (its location points into the inventory:
/// `/systems/2/disclosure`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Gap {
    pub system: String,
    #[serde(flatten)]
    pub finding: Finding,
}

/// The edition `revision` (`R8`) of the MHLW checklist, or the newest one when `None`.
pub fn mhlw_edition<'r>(
    registry: &'r Registry,
    revision: Option<&str>,
) -> Result<&'r Catalog, Error> {
    let text = match revision {
        Some(rev) => format!("{MHLW_CHECKLIST}@{rev}"),
        None => MHLW_CHECKLIST.to_owned(),
    };
    let r: CatalogRef = text
        .parse()
        .map_err(|_| Error::NotAChecklist(text.clone()))?;
    let catalog = registry
        .resolve(&r)
        .filter(|c| c.as_reference().is_some())
        .ok_or_else(|| Error::NotAChecklist(text.clone()))?;
    Ok(catalog)
}

/// The revisions of the MHLW checklist that are loaded (`R7`, `R8`), oldest first.
pub fn mhlw_editions(registry: &Registry) -> Vec<String> {
    let mut editions: Vec<&Catalog> = registry
        .catalogs()
        .iter()
        .filter(|c| c.header.id == MHLW_CHECKLIST && c.as_reference().is_some())
        .collect();
    editions.sort_by(|a, b| {
        kaiji_catalog::compare_versions(&a.header.version, &b.header.version)
            .then_with(|| kaiji_catalog::compare_versions(&a.header.revision, &b.header.revision))
    });
    editions.iter().map(|c| c.header.revision.clone()).collect()
}

/// Answers the checklist lines kaiji can evidence in one edition of the checklist (`R8`; the
/// newest when `None`). `collected` holds each system's disclosure in inventory order (the
/// caller reads the files).
pub fn mhlw_lines(
    inventory: &Inventory,
    collected: &[Collected],
    registry: &Registry,
    edition: Option<&str>,
    today: Date,
) -> Result<Answered, Error> {
    // A system without its entry would raise no gap, and its line could read はい unchecked.
    if collected.len() != inventory.systems.len() {
        return Err(Error::CollectedMismatch {
            systems: inventory.systems.len(),
            collected: collected.len(),
        });
    }
    let checklist = mhlw_edition(registry, edition)?;
    let reference = checklist
        .as_reference()
        .ok_or_else(|| Error::NotAChecklist(checklist.key()))?;
    let facility = inventory.form.as_str();
    let form = reference
        .form_for_facility(facility)
        .ok_or_else(|| Error::FormNotInCatalog {
            catalog: checklist.key(),
            form: facility.to_owned(),
        })?;
    let form_id = form.id.as_str();
    let mut lines = Vec::new();
    for entry in &reference.entries {
        let Some(evidence) = entry.evidence else {
            continue;
        };
        if entry.form.as_deref() != Some(form_id) {
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
            number: (!entry.unnumbered).then(|| {
                entry
                    .id
                    .split_once(':')
                    .map_or(entry.id.as_str(), |(_, n)| n)
                    .to_owned()
            }),
            title: entry.title.clone(),
            yes: missing.is_empty(),
            checked: IsoDate::new(today),
            missing,
            notes,
            confidence: entry.confidence,
            counterparts: counterparts(registry, checklist, &entry.id, facility),
        });
    }
    Ok(Answered {
        edition: Edition {
            catalog: checklist.key(),
            version: checklist.header.version.clone(),
            revision: checklist.header.revision.clone(),
            title: checklist.header.title.clone(),
            form: form_id.to_owned(),
            form_title: form.title.clone(),
            confidence: checklist.header.confidence,
            superseded_by: checklist
                .header
                .superseded_by
                .as_ref()
                .map(ToString::to_string),
            superseded_from: checklist
                .header
                .superseded_by
                .as_ref()
                .and_then(|r| registry.resolve(r))
                .map(|newer| newer.header.version.clone()),
        },
        lines,
    })
}

/// The mappings between two editions of the checklist `mhlw`'s id (R7 → R8), with the
/// catalogs on each side.
fn edition_mappings<'r>(
    registry: &'r Registry,
    mhlw: &Catalog,
) -> impl Iterator<Item = (&'r kaiji_catalog::Mapping, &'r Catalog, &'r Catalog)> {
    let id = mhlw.header.id.clone();
    registry.catalogs().iter().filter_map(move |c| {
        let m = c.as_mapping()?;
        let from = registry.resolve(&m.from)?;
        let to = registry.resolve(&m.to)?;
        (from.header.id == id && to.header.id == id && from.key() != to.key())
            .then_some((m, from, to))
    })
}

/// Whether `id` names the entry `line` of `catalog` (by its id or a former one).
fn names(catalog: &Catalog, id: &str, line: &str) -> bool {
    catalog
        .as_reference()
        .and_then(|r| r.entry(id))
        .is_some_and(|e| e.id == line)
}

/// The lines of other editions that map to or from `line`, for the form a `facility` answers
/// in each (`mhlw-cyber-checklist@R7 hospital:2-②`).
fn counterparts(registry: &Registry, mhlw: &Catalog, line: &str, facility: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (m, from, to) in edition_mappings(registry, mhlw) {
        let (here, there, other) = if to.key() == mhlw.key() {
            (true, false, from)
        } else if from.key() == mhlw.key() {
            (false, true, to)
        } else {
            continue;
        };
        let Some(other_ref) = other.as_reference() else {
            continue;
        };
        let form = other_ref.form_for_facility(facility).map(|e| e.id.as_str());
        for e in &m.entries {
            let (mine, theirs) = match (here, there) {
                (true, _) => (&e.to, &e.from),
                _ => (&e.from, &e.to),
            };
            if !mine.iter().any(|i| names(mhlw, i, line)) {
                continue;
            }
            for id in theirs {
                let Some(entry) = other_ref.entry(id) else {
                    continue;
                };
                if form.is_some() && entry.form.as_deref() != form {
                    continue;
                }
                let text = format!("{} {}", other.key(), entry.id);
                if !found.contains(&text) {
                    found.push(text);
                }
            }
        }
    }
    found
}

/// The checklist items that serve a line (through the mapping files), with the checklist they
/// belong to; a line of a newer edition is served by what served its counterparts in the
/// edition it was mapped from (R8 ← R7 ← MDS/SDS 5.0h).
fn serving<'r>(registry: &'r Registry, mhlw: &Catalog, line: &str) -> Vec<(&'r Catalog, String)> {
    let mut items = Vec::new();
    let mut todo = vec![(mhlw.key(), line.to_owned())];
    let mut seen = std::collections::BTreeSet::new();
    while let Some((key, line)) = todo.pop() {
        if !seen.insert((key.clone(), line.clone())) {
            continue;
        }
        let Some(target) = registry.catalogs().iter().find(|c| c.key() == key) else {
            continue;
        };
        for c in registry.catalogs() {
            let Some(m) = c.as_mapping() else { continue };
            if registry
                .resolve(&m.to)
                .is_none_or(|t| t.key() != target.key())
            {
                continue;
            }
            let Some(from) = registry.resolve(&m.from) else {
                continue;
            };
            let edition = from.header.id == target.header.id;
            for e in m
                .entries
                .iter()
                .filter(|e| e.to.iter().any(|t| names(target, t, &line)))
            {
                match e.relation {
                    Relation::Serves if !edition => {
                        items.extend(e.from.iter().map(|i| (from, i.clone())));
                    }
                    Relation::Same | Relation::Renamed | Relation::Split | Relation::Merged
                        if edition =>
                    {
                        todo.extend(e.from.iter().filter_map(|i| {
                            let entry = from.as_reference()?.entry(i)?;
                            Some((from.key(), entry.id.clone()))
                        }));
                    }
                    _ => {}
                }
            }
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
