//! The risk register of a remote service: the threats of kaiji's catalogue (a catalog of kind
//! `threats`, shipped as `catalogs/threats-rss.yaml`, replaceable with `--catalog-file`) that apply to a profile, valued by a configurable formula, with treatment, Annex A controls,
//! owner and residual risk; risks at or above the acceptance threshold come first.

use jiff::civil::Date;
use kaiji_catalog::{Catalog, Kind, Registry, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::data::catalog_error;
use crate::error::{ConfigFile, Problem, checked, parse_config};
use crate::rss::profile::{Party, Profile};
use crate::{Code, Error, Finding, Location};

/// The id of kaiji's threat catalogue for remote maintenance in the catalog registry.
pub const THREATS_ID: &str = "rss-threats";

/// The id of the ISO/IEC 27001:2022 Annex A control list the threats' controls name.
pub const ANNEX_A_ID: &str = "iso27001-annex-a";

/// How risk values are computed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::EnumString,
    strum::Display,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Formula {
    /// max(C, I, A) of the asset × threat (1-3) × weakness (1-3): 1 to 27. The default.
    AssetThreatVulnerability,
    /// impact (1-5) × likelihood (1-5): 1 to 25.
    ImpactLikelihood,
}

impl Formula {
    /// The documented default threshold, about two thirds of the scale: risks at or above it
    /// are treated (reduced), below it accepted. 18 of 27 takes a high-value asset with a
    /// likely threat or a serious weakness (3 × 3 × 2); 15 of 25 a major impact that is
    /// possible (5 × 3).
    pub fn default_threshold(self) -> u32 {
        match self {
            Self::AssetThreatVulnerability => 18,
            Self::ImpactLikelihood => 15,
        }
    }

    pub fn max(self) -> u32 {
        match self {
            Self::AssetThreatVulnerability => 27,
            Self::ImpactLikelihood => 25,
        }
    }
}

/// One entry of the threat catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threat {
    pub id: String,
    pub title: Text,
    pub asset: Asset,
    pub vulnerability: Text,
    pub threat: u32,
    pub weakness: u32,
    pub impact: u32,
    pub likelihood: u32,
    /// Facts of the profile that must all hold.
    #[serde(default)]
    pub when: Vec<String>,
    /// ISO/IEC 27001:2022 Annex A control ids.
    pub controls: Vec<String>,
    pub owner: Party,
    pub treatment: Text,
    /// How a risk at or above the threshold is treated: reduce (the default), avoid or
    /// transfer. Below the threshold a risk is accepted.
    #[serde(default = "default_response")]
    pub response: Treatment,
}

fn default_response() -> Treatment {
    Treatment::Reduce
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    pub name: Text,
    pub c: u32,
    pub i: u32,
    pub a: u32,
}

impl Asset {
    pub fn value(&self) -> u32 {
        self.c.max(self.i).max(self.a)
    }
}

/// A threat catalogue file without the catalog header (the form before threat catalogues
/// were catalogs), still read by `--threats FILE`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    #[allow(
        dead_code,
        reason = "required in the file, so that the catalogue says how sure it is"
    )]
    confidence: kaiji_catalog::Confidence,
    threats: Vec<Threat>,
}

/// The fields of a threat catalogue after the catalog header.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    threats: Vec<Threat>,
}

/// The shipped threat catalogue, checked: scales in range, at least one control each.
pub fn threats() -> Result<Vec<Threat>, Error> {
    let registry = Registry::builtin_of(&[Kind::Threats])
        .map_err(|e| catalog_error(ConfigFile::Threats, "builtin", &e))?;
    threats_in(&registry)
}

/// The threat catalogue of a registry: the user's `rss-threats` when `--catalog-file` loaded
/// one, else the shipped one.
pub fn threats_in(registry: &Registry) -> Result<Vec<Threat>, Error> {
    let catalog = registry.data(Kind::Threats, THREATS_ID).ok_or_else(|| {
        Error::config(
            ConfigFile::Threats,
            THREATS_ID,
            Problem::new(Text::new(
                format!("脅威カタログ {THREATS_ID} が読み込まれていません"),
                format!("no threat catalogue {THREATS_ID} is loaded"),
            )),
        )
    })?;
    threats_of(catalog)
}

/// The threats of a loaded catalog of kind `threats`, checked as [`threats_from`] checks them.
pub fn threats_of(catalog: &Catalog) -> Result<Vec<Threat>, Error> {
    let threats = read_threats(catalog)?;
    every_problem(&catalog.origin, &threats)?;
    Ok(threats)
}

/// The threats of a loaded catalog of kind `threats`, unchecked (`kaiji catalog check` reports
/// every problem with [`threat_findings`]).
pub fn read_threats(catalog: &Catalog) -> Result<Vec<Threat>, Error> {
    let origin = &catalog.origin;
    let data = catalog
        .as_data()
        .filter(|d| d.kind == Kind::Threats)
        .ok_or_else(|| {
            Error::config(
                ConfigFile::Threats,
                origin.clone(),
                Problem::new(Text::new(
                    format!("{} は脅威カタログではありません", catalog.key()),
                    format!("{} is not a threat catalogue", catalog.key()),
                )),
            )
        })?;
    let fields: Fields = crate::data::fields(ConfigFile::Threats, origin, &data.fields)?;
    Ok(fields.threats)
}

/// A threat catalogue from YAML (a user's `--threats FILE`): a catalog file of kind `threats`,
/// or the older form without the catalog header.
pub fn threats_from(origin: &str, yaml: &str) -> Result<Vec<Threat>, Error> {
    if crate::data::is_catalog(yaml) {
        let catalog = kaiji_catalog::parse(origin, yaml)
            .map_err(|e| catalog_error(ConfigFile::Threats, origin, &e))?;
        return threats_of(&catalog);
    }
    let catalogue: Catalogue = parse_config(ConfigFile::Threats, origin, yaml)?;
    every_problem(origin, &catalogue.threats)?;
    Ok(catalogue.threats)
}

/// Every problem of [`threat_findings`] (without the control list) as an error: a catalogue
/// with one is not used.
fn every_problem(origin: &str, threats: &[Threat]) -> Result<(), Error> {
    let problems = threat_findings(threats, None)
        .into_iter()
        .map(|f| Problem::new(f.message))
        .collect();
    checked((), ConfigFile::Threats, origin, problems)
}

/// Every problem of a threat catalogue's entries: a scale out of range, no control, a response
/// of accept, and, given the Annex A control list (a reference catalog), a control that is not
/// in it. Each finding points into the catalogue (`/threats/3/controls/1`).
pub fn threat_findings(threats: &[Threat], annex_a: Option<&Catalog>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (n, t) in threats.iter().enumerate() {
        let at = |field: &[&str]| {
            let n = n.to_string();
            Location::pointer(
                ["threats", n.as_str()]
                    .into_iter()
                    .chain(field.iter().copied()),
            )
        };
        let in_range = |v: u32, max: u32| (1..=max).contains(&v);
        let scales = [
            ("threat", t.threat, 3),
            ("weakness", t.weakness, 3),
            ("impact", t.impact, 5),
            ("likelihood", t.likelihood, 5),
            ("c", t.asset.c, 3),
            ("i", t.asset.i, 3),
            ("a", t.asset.a, 3),
        ];
        if let Some((field, v, max)) = scales.iter().find(|(_, v, max)| !in_range(*v, *max)) {
            let path: &[&str] = if field.len() == 1 {
                &["asset", field]
            } else {
                &[field]
            };
            findings.push(Finding::new(
                Code::ThreatBadScale,
                at(path),
                Text::new(
                    format!(
                        "threats[{n}] ({}): {field} が {v} です。尺度の範囲外です(C/I/A・脅威・脆弱性は 1〜3、影響・可能性は 1〜5、この値は 1〜{max})",
                        t.id
                    ),
                    format!(
                        "threats[{n}] ({}): {field} {v}: a scale is out of range (C/I/A, threat, weakness 1-3; impact, likelihood 1-5)",
                        t.id
                    ),
                ),
            ));
        }
        if t.controls.is_empty() {
            findings.push(Finding::new(
                Code::ThreatNoControl,
                at(&["controls"]),
                Text::new(
                    format!("threats[{n}] ({}): 管理策がありません", t.id),
                    format!("threats[{n}] ({}): no control", t.id),
                ),
            ));
        }
        if t.response == Treatment::Accept {
            findings.push(Finding::new(
                Code::ThreatBadResponse,
                at(&["response"]),
                Text::new(
                    format!(
                        "threats[{n}] ({}): response は閾値以上のリスクの対応(reduce、avoid、transfer)で、accept は書けません",
                        t.id
                    ),
                    format!(
                        "threats[{n}] ({}): response is how a risk above the threshold is treated (reduce, avoid or transfer), not accept",
                        t.id
                    ),
                ),
            ));
        }
        if let Some(annex_a) = annex_a {
            for (j, c) in t.controls.iter().enumerate() {
                if !annex_a.has_entry(c) {
                    findings.push(Finding::new(
                        Code::ThreatUnknownControl,
                        at(&["controls", &j.to_string()]),
                        Text::new(
                            format!(
                                "threats[{n}] ({}): 管理策 {c} は {} にありません",
                                t.id,
                                annex_a.key()
                            ),
                            format!(
                                "threats[{n}] ({}): control {c} is not in {}",
                                t.id,
                                annex_a.key()
                            ),
                        ),
                    ));
                }
            }
        }
    }
    findings
}

/// How the register is valued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RiskSettings {
    pub formula: Formula,
    /// Risks at or above it are reduced; below it accepted.
    pub threshold: u32,
}

impl Default for RiskSettings {
    fn default() -> Self {
        let formula = Formula::AssetThreatVulnerability;
        Self {
            formula,
            threshold: formula.default_threshold(),
        }
    }
}

impl RiskSettings {
    /// Why the threshold makes no sense on the formula's scale (1 to its maximum): above it no
    /// risk can reach the threshold and every risk is accepted; below 1 every risk reaches it.
    pub fn threshold_warning(&self) -> Option<Text> {
        let (t, max, f) = (self.threshold, self.formula.max(), self.formula);
        if t > max {
            Some(Text::new(
                format!(
                    "受容基準 {t} は算定式 {f} の最大値 {max} を超えています。どのリスクも基準に届かず、すべて受容になります"
                ),
                format!(
                    "the threshold {t} is above the maximum {max} of the formula {f}: no risk can reach it, so every risk is accepted"
                ),
            ))
        } else if t < 1 {
            Some(Text::new(
                format!(
                    "受容基準 {t} は算定式 {f} の最小値 1 を下回っています。すべてのリスクが基準以上になり、受容されるリスクはありません"
                ),
                format!(
                    "the threshold {t} is below the minimum 1 of the formula {f}: every risk reaches it, so none is accepted"
                ),
            ))
        } else {
            None
        }
    }
}

/// Risk treatment (リスク対応): reduce, avoid, transfer or accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Treatment {
    Reduce,
    Avoid,
    Transfer,
    Accept,
}

impl Treatment {
    pub fn label(self) -> Text {
        match self {
            Self::Reduce => Text::new("低減", "reduce"),
            Self::Avoid => Text::new("回避", "avoid"),
            Self::Transfer => Text::new("移転", "transfer"),
            Self::Accept => Text::new("受容", "accept"),
        }
    }
}

/// One row of the register.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Risk {
    pub threat: Threat,
    pub value: u32,
    pub treatment: Treatment,
    /// The value once the treatment's controls are in place: weakness (or likelihood) down to 1.
    pub residual: u32,
    /// The facts of the profile that made the threat apply.
    pub because: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Register {
    pub service: String,
    pub vendor: String,
    pub settings: RiskSettings,
    pub risks: Vec<Risk>,
}

impl Register {
    pub fn above_threshold(&self) -> usize {
        self.risks
            .iter()
            .filter(|r| r.treatment != Treatment::Accept)
            .count()
    }
}

/// What a formula values: the asset's value (max of C/I/A, 1-3), threat and weakness (1-3),
/// impact and likelihood (1-5). The RSS register takes them from a threat; a facility's risk
/// record of the GL 7.0 別紙 (`crate::betsushi`) from its own assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scores {
    pub asset: u32,
    pub threat: u32,
    pub weakness: u32,
    pub impact: u32,
    pub likelihood: u32,
}

impl Formula {
    /// The risk value under this formula, and its residual once the treatment's controls are
    /// in place (weakness, or likelihood, down to 1).
    pub fn value(self, s: &Scores) -> (u32, u32) {
        match self {
            Self::AssetThreatVulnerability => {
                let v = s.asset * s.threat;
                (v * s.weakness, v)
            }
            Self::ImpactLikelihood => (s.impact * s.likelihood, s.impact),
        }
    }

    /// The scales this formula reads: name, value and maximum (each scale runs from 1).
    pub fn scales(self, s: &Scores) -> Vec<(&'static str, u32, u32)> {
        match self {
            Self::AssetThreatVulnerability => vec![
                ("asset", s.asset, 3),
                ("threat", s.threat, 3),
                ("weakness", s.weakness, 3),
            ],
            Self::ImpactLikelihood => {
                vec![("likelihood", s.likelihood, 5), ("impact", s.impact, 5)]
            }
        }
    }
}

impl Threat {
    /// The numbers the formulas value.
    pub fn scores(&self) -> Scores {
        Scores {
            asset: self.asset.value(),
            threat: self.threat,
            weakness: self.weakness,
            impact: self.impact,
            likelihood: self.likelihood,
        }
    }
}

/// The value of a threat under a formula, and its residual.
pub fn value(t: &Threat, formula: Formula) -> (u32, u32) {
    formula.value(&t.scores())
}

/// Selects the threats that apply to the profile and values them.
pub fn register(
    profile: &Profile,
    threats: &[Threat],
    settings: RiskSettings,
    today: Date,
) -> Register {
    let facts = profile.facts(today);
    let mut risks: Vec<Risk> = threats
        .iter()
        .filter(|t| t.when.iter().all(|f| facts.contains(f)))
        .map(|t| {
            let (value, reduced) = value(t, settings.formula);
            let treatment = if value >= settings.threshold {
                t.response
            } else {
                Treatment::Accept
            };
            Risk {
                threat: t.clone(),
                value,
                treatment,
                residual: if treatment == Treatment::Accept {
                    value
                } else {
                    reduced
                },
                because: t.when.clone(),
            }
        })
        .collect();
    // Above the threshold first, then by value, then in catalogue order.
    risks.sort_by(|a, b| {
        (b.treatment != Treatment::Accept)
            .cmp(&(a.treatment != Treatment::Accept))
            .then(b.value.cmp(&a.value))
    });
    Register {
        service: profile.service.name.clone(),
        vendor: profile.service.vendor.clone(),
        settings,
        risks,
    }
}
