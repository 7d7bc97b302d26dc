//! A hospital's policy: which answers it accepts per item or per 安全管理GL 6.0 reference, how
//! serious a departure is, how much each item weighs, and the waivers it has granted.
//!
//! Policies are YAML (`policies/*.yaml` ship with kaiji; `kaiji policy init` writes a starting
//! one). Later rules override earlier ones for the items they both select, so a policy can start
//! broad (every item serving GL 6.0) and then tighten or relax single items.

use std::collections::BTreeSet;

use kaiji_catalog::{Answer, Catalog, Registry, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Error, IsoDate, Severity};

/// The policies shipped with kaiji: `(name, YAML)`.
pub const BUILTIN_POLICIES: &[(&str, &str)] = &[
    (
        "gl6-baseline",
        include_str!("../../../../policies/gl6-baseline.yaml"),
    ),
    ("strict", include_str!("../../../../policies/strict.yaml")),
];

/// A commented starting policy, for `kaiji policy init`.
pub const POLICY_TEMPLATE: &str = include_str!("../../../../policies/template.yaml");

/// A review policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kaiji review policy")]
pub struct Policy {
    /// Short name, shown in reports (e.g. `gl6-baseline`).
    pub id: String,
    /// Title in Japanese and English.
    pub title: Text,
    /// What the policy is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Checklist ids the policy is written for (e.g. `jahis-mds-sds`); empty: every checklist.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<String>,
    /// A disclosure whose date is older than this many days is reported as stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    /// The rules, in order: a later rule overrides an earlier one for the items both select.
    pub rules: Vec<PolicyRule>,
    /// Departures the hospital has accepted, each with a reason and an expiry date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
}

/// What a policy asks of the items a rule selects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRule {
    /// Short name of the rule, shown with its findings.
    pub id: String,
    /// Which items the rule covers.
    pub select: Select,
    /// Answers accepted as they are.
    pub require: Vec<Answer>,
    /// Answers accepted when the item's remark says why (a justifying remark); without one they
    /// are `remark-missing-justification`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub justify: Vec<Answer>,
    /// Severity of this rule's findings.
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// Weight of each selected item in the score (1 or more).
    #[serde(default = "default_weight")]
    pub weight: u32,
}

fn default_severity() -> Severity {
    Severity::Error
}

fn default_weight() -> u32 {
    1
}

/// Items selected by id, by section, or by the 安全管理GL 6.0 entries they serve (through the
/// mapping files). An item is selected when any of the lists selects it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// Item ids; `"*"` selects every item of the document's form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// Section ids of the checklist.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
    /// GL 6.0 entries: an id selects the items serving it or anything under it (`システム運用編 13`
    /// also selects items serving `システム運用編 13⑪`); `"*"` selects every item serving GL 6.0.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gl: Vec<String>,
}

/// A departure the hospital accepts for a while.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The item waived.
    pub item: String,
    /// Only for this product (`subject.product`); every product when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Only for this organisation (`subject.organisation`); every vendor when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Why the departure is accepted.
    pub reason: String,
    /// The last day the waiver holds (YYYY-MM-DD).
    pub expires: IsoDate,
}

/// The GL catalog id policies refer to with `select.gl`.
pub const GL_CATALOG: &str = "mhlw-gl";

impl Policy {
    /// Reads a policy. `origin` names the file in errors, which give line, column and field.
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        let policy: Self = serde_yaml_ng::from_str(yaml).map_err(|e| Error::Policy {
            origin: origin.to_owned(),
            location: e.location().map(|l| (l.line(), l.column())),
            message: crate::strip_position(&e.to_string()),
        })?;
        let invalid = |message: String| Error::Policy {
            origin: origin.to_owned(),
            location: None,
            message,
        };
        for (i, rule) in policy.rules.iter().enumerate() {
            if rule.weight == 0 {
                return Err(invalid(format!(
                    "rules[{i}].weight: must be 1 or more (rule {})",
                    rule.id
                )));
            }
            if rule.require.is_empty() && rule.justify.is_empty() {
                return Err(invalid(format!(
                    "rules[{i}].require: names no accepted answer (rule {})",
                    rule.id
                )));
            }
            let s = &rule.select;
            if s.items.is_empty() && s.sections.is_empty() && s.gl.is_empty() {
                return Err(invalid(format!(
                    "rules[{i}].select: selects nothing (rule {})",
                    rule.id
                )));
            }
        }
        Ok(policy)
    }

    /// A shipped policy by name.
    pub fn builtin(name: &str) -> Option<Self> {
        BUILTIN_POLICIES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, yaml)| {
                Self::parse(&format!("builtin:{n}"), yaml).expect("shipped policies parse")
            })
    }

    /// Whether the policy is written for documents of this checklist.
    pub fn applies_to(&self, catalog_id: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|c| c == catalog_id)
    }

    /// Checks the policy against the loaded catalogs: ids, sections and GL entries it names that
    /// no catalog knows (most often typos), rules that select nothing, duplicate waivers.
    pub fn check(&self, registry: &Registry) -> Vec<Text> {
        let mut problems = Vec::new();
        let checklists: Vec<&Catalog> = registry
            .catalogs()
            .iter()
            .filter(|c| c.as_checklist().is_some() && self.applies_to(&c.header.id))
            .collect();
        if checklists.is_empty() {
            problems.push(Text::new(
                format!(
                    "applies_to のチェックリスト({})が読み込まれていません",
                    self.applies_to.join(", ")
                ),
                format!(
                    "no loaded checklist matches applies_to ({})",
                    self.applies_to.join(", ")
                ),
            ));
        }
        let known_item = |id: &str| {
            checklists
                .iter()
                .any(|c| c.as_checklist().is_some_and(|l| l.item(id).is_some()))
        };
        let gl = registry
            .catalogs()
            .iter()
            .filter(|c| c.header.id == GL_CATALOG)
            .collect::<Vec<_>>();
        for rule in &self.rules {
            for item in rule.select.items.iter().filter(|i| *i != "*") {
                if !known_item(item) {
                    problems.push(Text::new(
                        format!(
                            "規則 {}: 項目 {item} はどのチェックリストにもありません",
                            rule.id
                        ),
                        format!("rule {}: item {item} is in no checklist", rule.id),
                    ));
                }
            }
            for section in &rule.select.sections {
                let known = checklists.iter().any(|c| {
                    c.as_checklist()
                        .is_some_and(|l| l.sections.iter().any(|s| &s.id == section))
                });
                if !known {
                    problems.push(Text::new(
                        format!(
                            "規則 {}: セクション {section} はどのチェックリストにもありません",
                            rule.id
                        ),
                        format!("rule {}: section {section} is in no checklist", rule.id),
                    ));
                }
            }
            for entry in rule.select.gl.iter().filter(|g| *g != "*") {
                let known = gl.iter().any(|c| {
                    c.as_reference().is_some_and(|r| {
                        r.entries
                            .iter()
                            .any(|e| e.id == *entry || gl_under(&e.id, entry))
                    })
                });
                if !known {
                    problems.push(Text::new(
                        format!("規則 {}: GL の項目 {entry} はありません", rule.id),
                        format!("rule {}: GL entry {entry} does not exist", rule.id),
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for w in &self.waivers {
            if !known_item(&w.item) {
                problems.push(Text::new(
                    format!("免除: 項目 {} はどのチェックリストにもありません", w.item),
                    format!("waiver: item {} is in no checklist", w.item),
                ));
            }
            if !seen.insert((&w.item, &w.product, &w.organisation)) {
                problems.push(Text::new(
                    format!("免除: 項目 {} の免除が重複しています", w.item),
                    format!("waiver: item {} is waived twice", w.item),
                ));
            }
        }
        problems
    }
}

/// Whether GL entry `id` is `selector` or lies under it: `システム運用編 13⑪` is under
/// `システム運用編 13` and under `システム運用編`, `システム運用編 13.1` under `システム運用編 13`; but
/// `システム運用編 1` does not cover `システム運用編 13`.
pub fn gl_under(id: &str, selector: &str) -> bool {
    if selector == "*" || id == selector {
        return true;
    }
    let Some(rest) = id.strip_prefix(selector) else {
        return false;
    };
    // The next character must start a new level: a space (part → chapter), a dot (chapter →
    // section) or a circled number (chapter → compliance item), never another digit.
    rest.chars()
        .next()
        .is_some_and(|c| c == ' ' || c == '.' || ('\u{2460}'..='\u{24FF}').contains(&c))
}

/// The policy file format as a JSON Schema (for editors; `kaiji schema policy`).
pub fn policy_schema() -> String {
    let schema = schemars::schema_for!(Policy);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_policies_parse_and_check_clean() {
        let registry = Registry::builtin().unwrap();
        for (name, _) in BUILTIN_POLICIES {
            let policy = Policy::builtin(name).unwrap();
            assert_eq!(&policy.id, name);
            assert_eq!(policy.check(&registry), Vec::<Text>::new(), "{name}");
        }
        let template = Policy::parse("template", POLICY_TEMPLATE).unwrap();
        assert_eq!(template.check(&registry), Vec::<Text>::new());
    }

    #[test]
    fn gl_selectors_cover_what_lies_under_them() {
        assert!(gl_under("システム運用編 13⑪", "システム運用編 13"));
        assert!(gl_under("システム運用編 13.1", "システム運用編 13"));
        assert!(gl_under("システム運用編 13", "システム運用編"));
        assert!(gl_under("システム運用編 13", "*"));
        assert!(!gl_under("システム運用編 13", "システム運用編 1"));
        assert!(!gl_under("企画管理編 13", "システム運用編"));
    }

    #[test]
    fn bad_policies_name_line_and_field() {
        let e = Policy::parse(
            "p.yaml",
            "id: p\ntitle: {ja: a, en: a}\nrules:\n  - id: r\n    select: {items: ['*']}\n    require: [maybe]\n",
        )
        .unwrap_err();
        let ja = e.to_string();
        assert!(ja.starts_with("p.yaml 6行"), "{ja}");
        assert!(ja.contains("rules[0].require[0]"), "{ja}");
        let e = Policy::parse(
            "p.yaml",
            "id: p\ntitle: {ja: a, en: a}\nrules: []\nwaivers:\n  - {item: X, reason: r, expires: 2026-13-01}\n",
        )
        .unwrap_err();
        let ja = e.to_string();
        assert!(
            ja.starts_with("p.yaml 5行") && ja.contains("waivers[0]"),
            "{ja}"
        );
        assert!(ja.contains("2026-13-01"), "{ja}");
        let e = Policy::parse(
            "p.yaml",
            "id: p\ntitle: {ja: a, en: a}\nrules:\n  - {id: r, select: {items: ['*']}, require: [yes], weight: 0}\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("rules[0].weight"), "{e}");
        let e = Policy::parse("p.yaml", "id: p\ntitle: {ja: a, en: a}\nrule: []\n").unwrap_err();
        assert!(e.to_string().contains("unknown field `rule`"), "{e}");
    }

    #[test]
    fn check_names_what_no_catalog_knows() {
        let registry = Registry::builtin().unwrap();
        let policy = Policy::parse(
            "p",
            "id: p\ntitle: {ja: a, en: a}\nrules:\n  - {id: r, select: {items: [MDS-C99-99], gl: ['システム運用編 99']}, require: [yes]}\nwaivers:\n  - {item: NOPE, reason: r, expires: 2027-01-01}\n",
        )
        .unwrap();
        let problems: Vec<String> = policy.check(&registry).into_iter().map(|t| t.en).collect();
        assert_eq!(
            problems,
            [
                "rule r: item MDS-C99-99 is in no checklist",
                "rule r: GL entry システム運用編 99 does not exist",
                "waiver: item NOPE is in no checklist",
            ]
        );
    }
}
