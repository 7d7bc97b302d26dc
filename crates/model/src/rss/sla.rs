//! The remote maintenance SLA: its sections written from the remote service profile and the
//! terms the two parties agree (service hours, response and restore times, notification and
//! patch deadlines …), and the split of responsibilities drawn from the risk owners. A term that
//! is not given is reported and shown as to be agreed, never filled with an invented number.

use std::{collections::BTreeMap, sync::LazyLock};

use kaiji_catalog::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::error::{ConfigFile, Problem, parse_config};
use crate::rss::profile::{ConnectMode, LineType, Party, Profile, ReviewCadence, VpnType};
use crate::rss::risk::Register;

/// The agreed terms (YAML). Every field is optional: what is missing is listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kaiji SLA terms")]
pub struct Terms {
    /// The facility (医療機関等).
    pub hospital: Option<String>,
    /// Service hours (e.g. 平日 9:00〜18:00).
    pub service_hours: Option<String>,
    /// First response after a request, in minutes.
    pub first_response_minutes: Option<u32>,
    /// Restore target after a failure, in hours.
    pub restore_hours: Option<u32>,
    /// Incident notification to the facility, in hours after detection.
    pub incident_notification_hours: Option<u32>,
    /// Days to apply a critical update to a VPN device.
    pub vpn_critical_patch_days: Option<u32>,
    /// Days to apply other updates to a VPN device.
    pub vpn_patch_days: Option<u32>,
    /// Days within which session logs are handed to the facility on request.
    pub log_delivery_days: Option<u32>,
    /// Contract period.
    pub period: Option<String>,
}

impl Terms {
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        parse_config(ConfigFile::Terms, origin, yaml)
    }
}

/// One section of the SLA.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SlaSection {
    pub title: Text,
    pub clauses: Vec<Text>,
}

/// One row of the split of responsibilities: a measure and who is responsible (R), accountable
/// (A), consulted (C) or informed (I) on each side.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RaciRow {
    pub measure: Text,
    pub vendor: &'static str,
    pub hospital: &'static str,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sla {
    pub service: String,
    pub vendor: String,
    pub hospital: Option<String>,
    pub sections: Vec<SlaSection>,
    pub raci: Vec<RaciRow>,
    /// Terms not given (YAML keys).
    pub missing: Vec<&'static str>,
}

/// What a term of the terms file (its YAML key) is called, for people: `period` → 契約期間.
pub fn term_label(key: &str) -> Text {
    let (ja, en) = match key {
        "hospital" => ("医療機関名", "the hospital"),
        "service_hours" => ("提供時間", "service hours"),
        "first_response_minutes" => ("初動対応時間(分)", "first response (minutes)"),
        "restore_hours" => ("復旧目標時間(時間)", "restore target (hours)"),
        "incident_notification_hours" => (
            "インシデント通知期限(時間)",
            "incident notification (hours)",
        ),
        "vpn_critical_patch_days" => (
            "VPN 機器の緊急パッチ適用期限(日)",
            "VPN critical patch deadline (days)",
        ),
        "vpn_patch_days" => ("VPN 機器のパッチ適用期限(日)", "VPN patch deadline (days)"),
        "log_delivery_days" => ("ログ提出期限(日)", "log delivery (days)"),
        "period" => ("契約期間", "contract period"),
        other => (other, other),
    };
    Text::new(ja, en)
}

impl Sla {
    /// The terms not yet agreed, as people call them, each with the key to write in the terms
    /// file: `契約期間 (period), …`.
    pub fn missing_text(&self) -> Text {
        let listed = |pick: fn(&Text) -> &str| {
            self.missing
                .iter()
                .map(|key| format!("{} ({key})", pick(&term_label(key))))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Text::new(listed(|t| &t.ja), listed(|t| &t.en))
    }
}

/// Writes the SLA from the profile, the agreed terms and the risk register, in the wording of
/// the shipped templates (`rss/sla.ja.yaml`, `rss/sla.en.yaml`).
pub fn sla(profile: &Profile, terms: &Terms, register: &Register) -> Sla {
    let (ja, en) = &*SHIPPED;
    sla_with(profile, terms, register, ja, en)
}

/// The shipped wording, read and checked once.
static SHIPPED: LazyLock<(SlaTemplate, SlaTemplate)> = LazyLock::new(|| {
    SlaTemplate::pair(
        SlaTemplate::parse("rss/sla.ja.yaml", SLA_JA).expect("tests read the shipped template"),
        SlaTemplate::parse("rss/sla.en.yaml", SLA_EN).expect("tests read the shipped template"),
    )
    .expect("tests check that the shipped templates match")
});

/// The shipped SLA wording in Japanese and English.
pub const SLA_JA: &str = include_str!("../../../../rss/sla.ja.yaml");
pub const SLA_EN: &str = include_str!("../../../../rss/sla.en.yaml");

/// Writes the SLA in the wording of two templates (Japanese and English) that
/// [`SlaTemplate::pair`] accepted.
pub fn sla_with(
    profile: &Profile,
    terms: &Terms,
    register: &Register,
    ja: &SlaTemplate,
    en: &SlaTemplate,
) -> Sla {
    let mut missing = Vec::new();
    let num = |v: Option<u32>| v.map(|n| n.to_string());
    // The terms in the order they are reported when missing.
    let agreed: Vec<(&'static str, Option<String>)> = [
        ("hospital", terms.hospital.clone()),
        ("service_hours", terms.service_hours.clone()),
        ("first_response_minutes", num(terms.first_response_minutes)),
        ("restore_hours", num(terms.restore_hours)),
        (
            "incident_notification_hours",
            num(terms.incident_notification_hours),
        ),
        (
            "vpn_critical_patch_days",
            num(terms.vpn_critical_patch_days),
        ),
        ("vpn_patch_days", num(terms.vpn_patch_days)),
        ("log_delivery_days", num(terms.log_delivery_days)),
        ("period", terms.period.clone()),
    ]
    .into_iter()
    .inspect(|(key, value)| {
        if value.is_none() {
            missing.push(*key);
        }
    })
    .collect();
    let s = &profile.service;
    let c = &profile.connection;
    let words = [
        (
            "line",
            match c.line {
                LineType::ClosedNetwork => "closed-network",
                LineType::IpVpn => "ip-vpn",
                LineType::InternetVpn => "internet-vpn",
                LineType::Other => "other",
            },
        ),
        (
            "vpn",
            match c.vpn {
                VpnType::Ipsec => "ipsec",
                VpnType::Ssl => "ssl",
                VpnType::None => "none",
            },
        ),
        (
            "mode",
            match c.mode {
                ConnectMode::OnDemand => "on-demand",
                ConnectMode::AlwaysOn => "always-on",
            },
        ),
        (
            "starter",
            match c.initiated_by {
                Party::Hospital => "hospital",
                Party::Vendor => "vendor",
                Party::Both => "both",
            },
        ),
        ("mfa", yes_no(c.authentication.mfa)),
        ("logged", yes_no(profile.logging.collected)),
        (
            "review",
            match profile.logging.reviewed {
                ReviewCadence::Never => "never",
                ReviewCadence::PerSession => "per-session",
                ReviewCadence::Weekly => "weekly",
                ReviewCadence::Monthly => "monthly",
                ReviewCadence::Yearly => "yearly",
            },
        ),
    ];
    let subs: Vec<&str> = profile
        .subcontractors
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let product = if s.product.is_empty() {
        &s.name
    } else {
        &s.product
    };
    let holds = |condition: &str| match condition {
        "prior_approval" => profile.approval.prior,
        "carry_out" => profile.data_handling.carry_out,
        "test_data_deleted" => profile.data_handling.test_data_deleted,
        "subcontractors" => !subs.is_empty(),
        _ => false,
    };
    let write = |tpl: &SlaTemplate| {
        let value = |name: &str| -> Option<String> {
            if let Some((_, v)) = agreed.iter().find(|(key, _)| *key == name) {
                return Some(v.clone().unwrap_or_else(|| tpl.tbd.clone()));
            }
            if let Some((table, key)) = words.iter().find(|(table, _)| *table == name) {
                return tpl.words.get(*table).and_then(|w| w.get(*key)).cloned();
            }
            match name {
                "vendor" => Some(s.vendor.clone()),
                "service" => Some(s.name.clone()),
                "product" => Some(product.clone()),
                "subcontractors" => Some(subs.join(&tpl.list_separator)),
                _ => None,
            }
        };
        tpl.write(&holds, &value)
            .expect("placeholders and words are checked when the template is read")
    };
    let sections = write(ja)
        .into_iter()
        .zip(write(en))
        .map(
            |((title_ja, clauses_ja), (title_en, clauses_en))| SlaSection {
                title: Text::new(title_ja, title_en),
                clauses: clauses_ja
                    .into_iter()
                    .zip(clauses_en)
                    .map(|(ja, en)| Text::new(ja, en))
                    .collect(),
            },
        )
        .collect();
    let raci = register
        .risks
        .iter()
        .map(|r| {
            let (vendor, hospital) = match r.threat.owner {
                Party::Vendor => ("R/A", "I"),
                Party::Hospital => ("C", "R/A"),
                Party::Both => ("R", "A"),
            };
            RaciRow {
                measure: r.threat.treatment.clone(),
                vendor,
                hospital,
            }
        })
        .collect();
    Sla {
        service: s.name.clone(),
        vendor: s.vendor.clone(),
        hospital: terms.hospital.clone(),
        sections,
        raci,
        missing,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The placeholders a clause may use: the terms (a term not agreed reads as the template's
/// `tbd`), the profile's names and lists, and the word tables.
const PLACEHOLDERS: &[&str] = &[
    "hospital",
    "service_hours",
    "first_response_minutes",
    "restore_hours",
    "incident_notification_hours",
    "vpn_critical_patch_days",
    "vpn_patch_days",
    "log_delivery_days",
    "period",
    "vendor",
    "service",
    "product",
    "subcontractors",
    "line",
    "vpn",
    "mode",
    "starter",
    "mfa",
    "logged",
    "review",
];

/// The facts of the profile a clause can be chosen by.
const CONDITIONS: &[&str] = &[
    "prior_approval",
    "carry_out",
    "test_data_deleted",
    "subcontractors",
];

/// The word tables and the values each must give a wording for.
const WORDS: &[(&str, &[&str])] = &[
    (
        "line",
        &["closed-network", "ip-vpn", "internet-vpn", "other"],
    ),
    ("vpn", &["ipsec", "ssl", "none"]),
    ("mode", &["on-demand", "always-on"]),
    ("starter", &["hospital", "vendor", "both"]),
    ("mfa", &["yes", "no"]),
    ("logged", &["yes", "no"]),
    (
        "review",
        &["never", "per-session", "weekly", "monthly", "yearly"],
    ),
];

/// The SLA wording of one language (`rss/sla.ja.yaml`): sections of clause templates with named
/// placeholders (`{service_hours}`), clauses chosen by a fact of the profile, and how each value
/// of the profile is written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTemplate {
    /// What a term not agreed reads as.
    pub tbd: String,
    /// Between the names of a list (subcontractors).
    pub list_separator: String,
    pub words: BTreeMap<String, BTreeMap<String, String>>,
    pub sections: Vec<SectionTemplate>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionTemplate {
    pub title: String,
    pub clauses: Vec<ClauseTemplate>,
}

/// A clause: a template, or one of two chosen by a fact of the profile.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ClauseTemplate {
    Text(String),
    Choice {
        #[serde(rename = "if")]
        condition: String,
        then: String,
        #[serde(rename = "else")]
        otherwise: String,
    },
}

impl SlaTemplate {
    /// Reads and checks a template: every placeholder, condition and word table known, every
    /// word table complete. `origin` names the file in errors.
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        // The template's problems are kaiji's own (the wording ships with it): English only.
        let error = |message: String| {
            Error::config(
                ConfigFile::SlaTemplate,
                origin,
                Problem::new(Text::new(message.clone(), message)),
            )
        };
        let tpl: Self = parse_config(ConfigFile::SlaTemplate, origin, yaml)?;
        for (table, values) in WORDS {
            let Some(given) = tpl.words.get(*table) else {
                return Err(error(format!("words.{table}: missing")));
            };
            if let Some(v) = values.iter().find(|v| !given.contains_key(**v)) {
                return Err(error(format!("words.{table}: no wording for {v}")));
            }
            if let Some(v) = given.keys().find(|v| !values.contains(&v.as_str())) {
                return Err(error(format!("words.{table}: unknown value {v}")));
            }
        }
        if let Some(t) = tpl
            .words
            .keys()
            .find(|t| !WORDS.iter().any(|(w, _)| w == t))
        {
            return Err(error(format!("words.{t}: unknown word table")));
        }
        let known = |name: &str| PLACEHOLDERS.contains(&name).then(String::new);
        for (i, section) in tpl.sections.iter().enumerate() {
            fill(&section.title, known).map_err(|m| error(format!("sections[{i}].title: {m}")))?;
            for (j, clause) in section.clauses.iter().enumerate() {
                let at = |m: String| error(format!("sections[{i}].clauses[{j}]: {m}"));
                match clause {
                    ClauseTemplate::Text(text) => {
                        fill(text, known).map_err(at)?;
                    }
                    ClauseTemplate::Choice {
                        condition,
                        then,
                        otherwise,
                    } => {
                        if !CONDITIONS.contains(&condition.as_str()) {
                            return Err(at(format!("unknown condition {condition}")));
                        }
                        fill(then, known).map_err(at)?;
                        fill(otherwise, known).map_err(at)?;
                    }
                }
            }
        }
        Ok(tpl)
    }

    /// A Japanese and an English template that say the same: as many sections, and as many
    /// clauses in each.
    pub fn pair(ja: Self, en: Self) -> Result<(Self, Self), Error> {
        let shape = |t: &Self| {
            t.sections
                .iter()
                .map(|s| s.clauses.len())
                .collect::<Vec<_>>()
        };
        if shape(&ja) != shape(&en) {
            let message = format!(
                "the Japanese and English templates differ in their sections or clauses ({:?} and {:?})",
                shape(&ja),
                shape(&en)
            );
            return Err(Error::config(
                ConfigFile::SlaTemplate,
                "SLA templates",
                Problem::new(Text::new(message.clone(), message)),
            ));
        }
        Ok((ja, en))
    }

    /// The sections (title and clauses) with every placeholder filled.
    fn write(
        &self,
        holds: &dyn Fn(&str) -> bool,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<(String, Vec<String>)>, String> {
        self.sections
            .iter()
            .map(|section| {
                let clauses = section
                    .clauses
                    .iter()
                    .map(|clause| match clause {
                        ClauseTemplate::Text(text) => fill(text, value),
                        ClauseTemplate::Choice {
                            condition,
                            then,
                            otherwise,
                        } => fill(if holds(condition) { then } else { otherwise }, value),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((fill(&section.title, value)?, clauses))
            })
            .collect()
    }
}

/// Fills the `{name}` placeholders of a template. A name `value` does not know, an unclosed
/// `{` or a stray `}` is an error naming it, never left in the text.
pub fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("a }} without {{ in {template:?}"));
        }
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("an unclosed {{ in {template:?}"))?;
        let name = &after[..close];
        let filled = value(name).ok_or_else(|| format!("unknown placeholder {{{name}}}"))?;
        out.push_str(&filled);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The terms file format as a JSON Schema.
pub fn terms_schema() -> String {
    let schema = schemars::schema_for!(Terms);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> Option<String> {
        (name == "days").then(|| "30".to_owned())
    }

    #[test]
    fn fill_replaces_named_placeholders_and_refuses_unknown_ones() {
        assert_eq!(
            fill("within {days} days ({days})", known).unwrap(),
            "within 30 days (30)"
        );
        assert_eq!(fill("no placeholder", known).unwrap(), "no placeholder");
        assert_eq!(fill("{days}", known).unwrap(), "30");
        assert_eq!(
            fill("within {dayz} days", known).unwrap_err(),
            "unknown placeholder {dayz}"
        );
        assert!(
            fill("within {days days", known)
                .unwrap_err()
                .contains("unclosed")
        );
        assert!(
            fill("within days} days", known)
                .unwrap_err()
                .contains("without")
        );
    }

    #[test]
    fn the_shipped_templates_read_and_match() {
        let ja = SlaTemplate::parse("rss/sla.ja.yaml", SLA_JA).unwrap();
        let en = SlaTemplate::parse("rss/sla.en.yaml", SLA_EN).unwrap();
        assert_eq!(ja.sections.len(), 9);
        assert_eq!(ja.tbd, "(未定:要合意)");
        assert_eq!(en.tbd, "(to be agreed)");
        SlaTemplate::pair(ja, en).unwrap();
    }

    #[test]
    fn a_template_with_an_unknown_name_is_an_error_when_read() {
        let e = SlaTemplate::parse(
            "t.yaml",
            &SLA_EN.replace("{restore_hours}", "{restore_time}"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("t.yaml: sections[2].clauses[0]: unknown placeholder {restore_time}"),
            "{e}"
        );
        let e = SlaTemplate::parse("t.yaml", &SLA_EN.replace("if: carry_out", "if: carries"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sections[6].clauses[0]: unknown condition carries"),
            "{e}"
        );
        let e = SlaTemplate::parse("t.yaml", &SLA_EN.replace("weekly: ", "each-week: "))
            .unwrap_err()
            .to_string();
        assert!(e.contains("words.review: no wording for weekly"), "{e}");
        let e = SlaTemplate::parse("t.yaml", &SLA_EN.replace("tbd:", "to_be_agreed:"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("to_be_agreed"), "{e}");
        let ja = SlaTemplate::parse("ja", SLA_JA).unwrap();
        let mut en = SlaTemplate::parse("en", SLA_EN).unwrap();
        en.sections.pop();
        assert!(SlaTemplate::pair(ja, en).is_err());
    }
}
