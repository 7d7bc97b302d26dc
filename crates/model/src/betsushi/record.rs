//! The facility's risk record for the GL 7.0 保守委託機関編【別紙】: per 別紙 line that a vendor's
//! disclosure does not answer はい or 対象外, the facility's own assessment (likelihood, impact,
//! the risk value by the formulas of the RSS risk register), its treatment, owner, due date and
//! next review date, kept for inspection. YAML; `kaiji schema risk-record` prints its schema.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{ConfigFile, Problem, checked, parse_config};
use crate::rss::risk::{Formula, Scores, Treatment};
use crate::{Error, IsoDate};

/// A facility's risk record of the 別紙 check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kaiji facility risk record (GL 7.0 保守委託機関編 別紙)")]
pub struct RiskRecord {
    /// The facility that keeps the record.
    pub facility: String,
    /// How the risk values are computed: the formulas of the RSS risk register
    /// (`impact-likelihood`, the default here: impact 1-5 × likelihood 1-5; or
    /// `asset-threat-vulnerability`: asset 1-3 × threat 1-3 × weakness 1-3).
    #[serde(default = "default_formula")]
    pub formula: Formula,
    /// Risks at or above it are treated, not accepted; the formula's default (15 of 25, 18 of
    /// 27) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// One assessment per 別紙 line, vendor and product.
    #[serde(default)]
    pub assessments: Vec<Assessment>,
}

fn default_formula() -> Formula {
    Formula::ImpactLikelihood
}

/// The facility's assessment of one 別紙 line of one vendor's product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The vendor, as its disclosure names it (`subject.organisation`; the company form such as
    /// 株式会社 and spaces do not matter).
    pub vendor: String,
    /// The product or service, as the disclosure names it (`subject.product`).
    pub product: String,
    /// The 別紙 line (`BS-SDS-12`; `kaiji catalog show mhlw-gl7-betsushi`).
    pub line: String,
    /// Likelihood 1-5 (impact-likelihood formula).
    pub likelihood: u32,
    /// Impact 1-5 (impact-likelihood formula).
    pub impact: u32,
    /// Asset value 1-3 (asset-threat-vulnerability formula only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<u32>,
    /// Threat 1-3 (asset-threat-vulnerability formula only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<u32>,
    /// Weakness 1-3 (asset-threat-vulnerability formula only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weakness: Option<u32>,
    /// The treatment the facility chose: reduce, avoid, transfer or accept.
    pub treatment: Treatment,
    /// What the facility does about it (compensating controls, contract terms, plan).
    pub measures: String,
    /// Who is responsible (department, person).
    pub owner: String,
    /// When the treatment is to be in place (YYYY-MM-DD).
    pub due: IsoDate,
    /// When the assessment is next reviewed (YYYY-MM-DD); after that day it is out of date.
    pub review: IsoDate,
    /// Anything else to keep with the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Assessment {
    /// The numbers the formula values.
    pub fn scores(&self) -> Scores {
        Scores {
            asset: self.asset.unwrap_or(0),
            threat: self.threat.unwrap_or(0),
            weakness: self.weakness.unwrap_or(0),
            impact: self.impact,
            likelihood: self.likelihood,
        }
    }
}

impl RiskRecord {
    /// Reads a risk record. `origin` names the file in errors, which give line, column and
    /// field; a scale out of range, a formula's missing numbers or a line assessed twice for one
    /// product are errors too, naming the field.
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        let record: Self = parse_config(ConfigFile::RiskRecord, origin, yaml)?;
        let mut problems = Vec::new();
        for (n, a) in record.assessments.iter().enumerate() {
            let at = |field: &str| format!("assessments[{n}].{field}");
            let atv = record.formula == Formula::AssetThreatVulnerability;
            let mut scales = Formula::ImpactLikelihood.scales(&a.scores());
            for (field, v) in [
                ("asset", a.asset),
                ("threat", a.threat),
                ("weakness", a.weakness),
            ] {
                match v {
                    Some(v) => scales.push((field, v, 3)),
                    None if atv => problems.push(Problem::field(
                        at(field),
                        format!(
                            "算定式 asset-threat-vulnerability では {field} (1〜3) が必要です({})",
                            a.line
                        ),
                        format!(
                            "the formula asset-threat-vulnerability needs {field} (1-3) ({})",
                            a.line
                        ),
                    )),
                    None => {}
                }
            }
            for (field, v, max) in scales {
                if !(1..=max).contains(&v) {
                    problems.push(Problem::field(
                        at(field),
                        format!("{v} は尺度の範囲外です(1〜{max})"),
                        format!("{v} is out of the scale (1-{max})"),
                    ));
                }
            }
            for (field, text) in [
                ("line", &a.line),
                ("vendor", &a.vendor),
                ("product", &a.product),
                ("owner", &a.owner),
            ] {
                if text.trim().is_empty() {
                    problems.push(Problem::field(at(field), "空です", "is empty"));
                }
            }
            if let Some(m) = record.assessments[..n].iter().position(|b| same(a, b)) {
                problems.push(Problem::field(
                    at("line"),
                    format!(
                        "{} ({} {}) は assessments[{m}] でも評価されています",
                        a.line, a.vendor, a.product
                    ),
                    format!(
                        "{} ({} {}) is assessed in assessments[{m}] too",
                        a.line, a.vendor, a.product
                    ),
                ));
            }
        }
        if let Some(warning) = record.settings().threshold_warning() {
            problems.push(Problem {
                position: None,
                field: Some("threshold".into()),
                message: warning,
            });
        }
        checked(record, ConfigFile::RiskRecord, origin, problems)
    }

    /// The settings the values are computed with.
    pub fn settings(&self) -> crate::rss::RiskSettings {
        crate::rss::RiskSettings {
            formula: self.formula,
            threshold: self
                .threshold
                .unwrap_or_else(|| self.formula.default_threshold()),
        }
    }

    /// The assessment of `line` for this vendor and product, with its index.
    pub fn find(&self, vendor: &str, product: &str, line: &str) -> Option<(usize, &Assessment)> {
        self.assessments
            .iter()
            .enumerate()
            .find(|(_, a)| a.line == line && matches(a, vendor, product))
    }
}

/// Whether an assessment is for this vendor and product (names compared as the inventory
/// compares them: without spaces or the company form).
pub(crate) fn matches(a: &Assessment, vendor: &str, product: &str) -> bool {
    crate::mhlw::inventory::same_name(&a.vendor, vendor)
        && crate::mhlw::inventory::same_name(&a.product, product)
}

fn same(a: &Assessment, b: &Assessment) -> bool {
    a.line == b.line && matches(a, &b.vendor, &b.product)
}

/// The risk-record file format as a JSON Schema (for editors; `kaiji schema risk-record`).
pub fn risk_record_schema() -> String {
    let schema = schemars::schema_for!(RiskRecord);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}
