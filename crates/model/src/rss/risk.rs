//! The risk register of a remote service: the threats of kaiji's catalogue (`rss/threats.yaml`)
//! that apply to a profile, valued by a configurable formula, with treatment, Annex A controls,
//! owner and residual risk; risks at or above the acceptance threshold come first.

use jiff::civil::Date;
use kaiji_catalog::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::rss::profile::{Party, Profile};

/// kaiji's threat catalogue for remote maintenance.
pub const THREATS_YAML: &str = include_str!("../../../../rss/threats.yaml");

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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    #[allow(
        dead_code,
        reason = "required in the file, so that the catalogue says how sure it is; not used yet"
    )]
    confidence: kaiji_catalog::Confidence,
    threats: Vec<Threat>,
}

/// The shipped threat catalogue, checked: scales in range, at least one control each.
pub fn threats() -> Result<Vec<Threat>, Error> {
    threats_from("rss/threats.yaml", THREATS_YAML)
}

/// A threat catalogue from YAML (the shipped one, or a user's).
pub fn threats_from(origin: &str, yaml: &str) -> Result<Vec<Threat>, Error> {
    use crate::error::{ConfigFile, Problem, checked, parse_config};
    let catalogue: Catalogue = parse_config(ConfigFile::Threats, origin, yaml)?;
    let mut problems = Vec::new();
    for (n, t) in catalogue.threats.iter().enumerate() {
        let at = || format!("threats[{n}]");
        let id = &t.id;
        let in_range = |v: u32, max: u32| (1..=max).contains(&v);
        if !(in_range(t.threat, 3)
            && in_range(t.weakness, 3)
            && in_range(t.impact, 5)
            && in_range(t.likelihood, 5)
            && in_range(t.asset.c, 3)
            && in_range(t.asset.i, 3)
            && in_range(t.asset.a, 3))
        {
            problems.push(Problem::field(
                at(),
                format!("{id}: 値が範囲外です(C/I/A・脅威・脆弱性は 1〜3、影響・発生可能性は 1〜5)"),
                format!("{id}: a scale is out of range (C/I/A, threat, weakness 1-3; impact, likelihood 1-5)"),
            ));
        }
        if t.controls.is_empty() {
            problems.push(Problem::field(
                at(),
                format!("{id}: 管理策がありません"),
                format!("{id}: no control"),
            ));
        }
        if t.response == Treatment::Accept {
            problems.push(Problem::field(
                at(),
                format!("{id}: response は基準以上のリスクの対応(reduce・avoid・transfer)で、accept は使えません"),
                format!("{id}: response is how a risk above the threshold is treated (reduce, avoid or transfer), not accept"),
            ));
        }
    }
    checked(catalogue.threats, ConfigFile::Threats, origin, problems)
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

/// The value of a threat under a formula, and its residual.
pub fn value(t: &Threat, formula: Formula) -> (u32, u32) {
    match formula {
        Formula::AssetThreatVulnerability => {
            let v = t.asset.value() * t.threat;
            (v * t.weakness, v)
        }
        Formula::ImpactLikelihood => (t.impact * t.likelihood, t.impact),
    }
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
