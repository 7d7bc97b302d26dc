//! A hospital's policy: which answers it accepts per item or per 安全管理GL reference, how
//! serious a departure is, how much each item weighs, and the waivers it has granted.
//!
//! Policies are YAML. The shipped ones are catalogs of kind `policy` (`catalogs/policy-*.yaml`:
//! the catalog header, then the policy's fields), found in the registry by id, so that a user's
//! file with the same id loaded with `--catalog-file` replaces one ([`Policy::find`]); a plain
//! policy file (no header; `kaiji policy init` writes one) is read too ([`Policy::read`]). Later rules override earlier ones for the items they both select, so a policy can start
//! broad (every item serving the guideline) and then tighten or relax single items.

use std::{collections::BTreeSet, fmt, str::FromStr};

use kaiji_catalog::{Answer, Catalog, ItemId, Kind, Registry, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{ConfigFile, Problem, checked, parse_config};
use crate::review::guideline::Guideline;
use crate::{Code, Error, Finding, IsoDate, Location, Severity};

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
    /// The edition of 安全管理GL whose entries the `select.gl` lists name (`mhlw-gl@6.0`); when
    /// absent, the edition the review cites (`--guideline`). A policy written for 6.0 keeps
    /// selecting the same items when 7.0 is cited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guideline: Option<String>,
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

/// Items selected by id, by section, or by the 安全管理GL entries they serve (through the
/// mapping files, in the policy's `guideline` edition). An item is selected when any of the lists selects it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// Item ids; `"*"` selects every item of the document's form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Selector<ItemId>>,
    /// Section ids of the checklist.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
    /// GL entries of the policy's edition: an id selects the items serving it or anything under
    /// it (`システム運用編 13` also selects items serving `システム運用編 13⑪`); `"*"` selects every
    /// item serving the guideline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gl: Vec<Selector<String>>,
    /// Every item that answers a line of the GL 7.0 保守委託機関編【別紙】 (through the mapping
    /// files; the shipped policy `gl7-betsushi`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub betsushi: bool,
}

impl<T> Selector<T> {
    /// The one value, `None` for `*`.
    pub fn one(&self) -> Option<&T> {
        match self {
            Self::All => None,
            Self::One(t) => Some(t),
        }
    }
}

/// One entry of a selection list: `*` (everything) or one value, parsed when the policy is read
/// so that no `"*"` string is compared anywhere else.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Selector<T> {
    All,
    One(T),
}

impl<T: FromStr> FromStr for Selector<T> {
    type Err = T::Err;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "*" {
            Ok(Self::All)
        } else {
            s.parse().map(Self::One)
        }
    }
}

impl<T: fmt::Display> fmt::Display for Selector<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("*"),
            Self::One(t) => t.fmt(f),
        }
    }
}

impl<T: fmt::Display> Serialize for Selector<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de, T: FromStr> Deserialize<'de> for Selector<T>
where
    T::Err: fmt::Display,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl<T> JsonSchema for Selector<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Selector".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "`*` for everything, or one id."
        })
    }
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

impl Policy {
    /// Reads a policy. `origin` names the file in errors, which give line, column and field.
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        let policy: Self = parse_config(ConfigFile::Policy, origin, yaml)?;
        let mut problems = Vec::new();
        for (i, rule) in policy.rules.iter().enumerate() {
            let id = &rule.id;
            if rule.weight == 0 {
                problems.push(Problem::field(
                    format!("rules[{i}].weight"),
                    format!("重みは 1 以上にします(規則 {id})"),
                    format!("must be 1 or more (rule {id})"),
                ));
            }
            if rule.require.is_empty() && rule.justify.is_empty() {
                problems.push(Problem::field(
                    format!("rules[{i}].require"),
                    format!("受け入れる回答が1つもありません(規則 {id})"),
                    format!("names no accepted answer (rule {id})"),
                ));
            }
            let s = &rule.select;
            if s.items.is_empty() && s.sections.is_empty() && s.gl.is_empty() && !s.betsushi {
                problems.push(Problem::field(
                    format!("rules[{i}].select"),
                    format!("何も選んでいません(規則 {id})"),
                    format!("selects nothing (rule {id})"),
                ));
            }
        }
        checked(policy, ConfigFile::Policy, origin, problems)
    }

    /// Reads a policy file of either form: a plain policy ([`Policy::parse`]) or a catalog file
    /// of kind `policy` (as the shipped ones and `kaiji policy show` are).
    pub fn read(origin: &str, yaml: &str) -> Result<Self, Error> {
        if !crate::data::is_catalog(yaml) {
            return Self::parse(origin, yaml);
        }
        let catalog = kaiji_catalog::parse(origin, yaml)
            .map_err(|e| crate::data::catalog_error(ConfigFile::Policy, origin, &e))?;
        Self::from_catalog(&catalog)
    }

    /// A policy from a loaded catalog of kind `policy`: the header gives its id and title, the
    /// fields the rest, checked as [`Policy::parse`] checks a file. Errors name the field (the
    /// line would be that of the re-read fields, so none is given).
    pub fn from_catalog(catalog: &Catalog) -> Result<Self, Error> {
        let origin = &catalog.origin;
        let error = |ja: String, en: String| {
            Error::config(
                ConfigFile::Policy,
                origin.clone(),
                Problem::new(Text::new(ja, en)),
            )
        };
        let data = catalog
            .as_data()
            .filter(|d| d.kind == Kind::Policy)
            .ok_or_else(|| {
                error(
                    format!("{} は方針ではありません", catalog.key()),
                    format!("{} is not a policy", catalog.key()),
                )
            })?;
        let mut fields = data.fields.clone();
        for (key, value) in [
            ("id", serde_json::Value::from(catalog.header.id.clone())),
            (
                "title",
                serde_json::to_value(&catalog.header.title).unwrap_or_default(),
            ),
        ] {
            if fields.insert(key.to_owned(), value).is_some() {
                return Err(error(
                    format!("{key} はカタログの見出しの項目で、もう一度は書けません"),
                    format!("{key} is a field of the catalog header and cannot be given again"),
                ));
            }
        }
        let yaml = serde_yaml_ng::to_string(&fields).map_err(|e| {
            error(
                format!("フィールドを読み直せません: {e}"),
                format!("cannot re-read the fields: {e}"),
            )
        })?;
        // The lines would be those of the re-written fields: only the fields are named.
        Self::parse(origin, &yaml).map_err(|e| match e {
            Error::Config {
                file,
                origin,
                mut problems,
            } => {
                for p in &mut problems {
                    p.position = None;
                }
                Error::Config {
                    file,
                    origin,
                    problems,
                }
            }
            other => other,
        })
    }

    /// The policy with this id in the registry (a user's, when `--catalog-file` loaded one with
    /// the same id; else the shipped one). `None` when no policy has the id.
    pub fn find(registry: &Registry, id: &str) -> Option<Result<Self, Error>> {
        registry.data(Kind::Policy, id).map(Self::from_catalog)
    }

    /// The policy as a plain policy file (what [`Policy::parse`] reads back).
    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self).expect("a policy always serialises")
    }

    /// A shipped policy by name.
    pub fn builtin(name: &str) -> Option<Self> {
        let registry = Registry::builtin_of(&[Kind::Policy]).expect("shipped catalogs load");
        Self::find(&registry, name).map(|p| p.expect("shipped policies parse"))
    }

    /// Whether the policy is written for documents of this checklist.
    pub fn applies_to(&self, catalog_id: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|c| c == catalog_id)
    }

    /// The edition the `select.gl` lists name: the policy's `guideline`, else `cited`.
    /// [`Error::UnknownGuideline`] when the policy names an edition that is not loaded.
    pub fn selector_edition(
        &self,
        registry: &Registry,
        cited: &Guideline,
    ) -> Result<Guideline, Error> {
        match &self.guideline {
            Some(edition) => Guideline::resolve(registry, edition),
            None => Ok(cited.clone()),
        }
    }

    /// Checks the policy against the loaded catalogs: ids, sections and GL entries it names that
    /// no catalog knows (most often typos; GL entries in the edition its selectors name, see
    /// [`Policy::selector_edition`]), rules that select no item, duplicate waivers. Each finding
    /// points into the policy (`/rules/0/select/items/2`).
    pub fn check(
        &self,
        registry: &Registry,
        cited: &Guideline,
        today: jiff::civil::Date,
    ) -> Vec<Finding> {
        let mut problems = Vec::new();
        let mut push = |code: Code, at: Vec<String>, ja: String, en: String| {
            problems.push(Finding::new(
                code,
                Location::pointer(at.iter().map(String::as_str)),
                Text::new(ja, en),
            ));
        };
        let checklists: Vec<(&Catalog, &kaiji_catalog::Checklist)> = registry
            .catalogs()
            .iter()
            .filter(|c| self.applies_to(&c.header.id))
            .filter_map(|c| Some((c, c.as_checklist()?)))
            .collect();
        if checklists.is_empty() {
            push(
                Code::PolicyNoChecklist,
                vec!["applies_to".into()],
                format!(
                    "applies_to のチェックリスト({})が読み込まれていません",
                    self.applies_to.join(", ")
                ),
                format!(
                    "no loaded checklist matches applies_to ({})",
                    self.applies_to.join(", ")
                ),
            );
        }
        let known_item = |id: &str| checklists.iter().any(|(_, l)| l.item(id).is_some());
        let edition = match self.selector_edition(registry, cited) {
            Ok(edition) => Some(edition),
            Err(e) => {
                push(
                    Code::PolicyUnknownGlEntry,
                    vec!["guideline".into()],
                    e.text().ja,
                    e.text().en,
                );
                None
            }
        };
        // An edition that is not loaded is reported once (above), not once per selector.
        let gl_known = |entry: &str| {
            edition.as_ref().is_none_or(|g| {
                g.catalog(registry)
                    .and_then(Catalog::as_reference)
                    .is_some_and(|r| {
                        r.entries
                            .iter()
                            .any(|e| e.id == entry || gl_under(&e.id, entry))
                    })
            })
        };
        // Whether any item of a loaded checklist serves an entry under `entry` of the selectors'
        // edition (or any, for `*`): the reviewer selects through the same mapping files.
        let serving_gl = |entry: Option<&String>| {
            edition.as_ref().is_some_and(|g| {
                checklists.iter().any(|(c, l)| {
                    l.items().any(|item| {
                        g.cite(registry, c, item.id.as_str())
                            .iter()
                            .filter(|r| r.removed.is_none())
                            .any(|r| entry.is_none_or(|e| gl_under(&r.id, e)))
                    })
                })
            })
        };
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |list: &str, j: usize| {
                vec![
                    "rules".to_owned(),
                    i.to_string(),
                    "select".into(),
                    list.into(),
                    j.to_string(),
                ]
            };
            let mut selects_any = false;
            for (j, item) in rule.select.items.iter().enumerate() {
                match item.one() {
                    None => selects_any |= !checklists.is_empty(),
                    Some(item) if known_item(item.as_str()) => selects_any = true,
                    Some(item) => push(
                        Code::PolicyUnknownItem,
                        at("items", j),
                        format!(
                            "規則 {}: 項目 {item} はどのチェックリストにもありません",
                            rule.id
                        ),
                        format!("rule {}: item {item} is in no checklist", rule.id),
                    ),
                }
            }
            for (j, section) in rule.select.sections.iter().enumerate() {
                if checklists
                    .iter()
                    .any(|(_, l)| l.sections.iter().any(|s| &s.id == section))
                {
                    selects_any = true;
                } else {
                    push(
                        Code::PolicyUnknownSection,
                        at("sections", j),
                        format!(
                            "規則 {}: セクション {section} はどのチェックリストにもありません",
                            rule.id
                        ),
                        format!("rule {}: section {section} is in no checklist", rule.id),
                    );
                }
            }
            for (j, entry) in rule.select.gl.iter().enumerate() {
                if let Some(e) = entry.one()
                    && !gl_known(e)
                {
                    push(
                        Code::PolicyUnknownGlEntry,
                        at("gl", j),
                        format!(
                            "規則 {}: GL の項目 {e} は{}にありません",
                            rule.id,
                            edition.as_ref().map_or_else(String::new, |g| g.label().ja)
                        ),
                        format!(
                            "rule {}: GL entry {e} does not exist in {}",
                            rule.id,
                            edition
                                .as_ref()
                                .map_or_else(|| "the guideline".to_owned(), |g| g.label().en)
                        ),
                    );
                } else if serving_gl(entry.one()) {
                    selects_any = true;
                }
            }
            selects_any |= rule.select.betsushi
                && checklists.iter().any(|(c, l)| {
                    l.items()
                        .any(|i| !crate::betsushi::lines_of(registry, c, i.id.as_str()).is_empty())
                });
            if !selects_any && !checklists.is_empty() {
                push(
                    Code::PolicySelectsNothing,
                    vec!["rules".into(), i.to_string(), "select".into()],
                    format!(
                        "規則 {} は、読み込まれたどのチェックリストの項目も選びません",
                        rule.id
                    ),
                    format!("rule {} selects no item of any loaded checklist", rule.id),
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (j, w) in self.waivers.iter().enumerate() {
            let at = || vec!["waivers".to_owned(), j.to_string(), "item".into()];
            if crate::diag::far_future(w.expires.date(), today) {
                push(
                    Code::FutureDate,
                    vec!["waivers".to_owned(), j.to_string(), "expires".into()],
                    format!(
                        "免除: 項目 {} の期限 {} は今日({today})の20年以上先です。期限のない免除と同じです",
                        w.item, w.expires
                    ),
                    format!(
                        "waiver: the expiry {} of item {} is more than 20 years after today ({today}); it is a waiver without an end",
                        w.expires, w.item
                    ),
                );
            }
            if !known_item(&w.item) {
                push(
                    Code::PolicyUnknownItem,
                    at(),
                    format!("免除: 項目 {} はどのチェックリストにもありません", w.item),
                    format!("waiver: item {} is in no checklist", w.item),
                );
            }
            if !seen.insert((&w.item, &w.product, &w.organisation)) {
                push(
                    Code::PolicyDuplicateWaiver,
                    at(),
                    format!("免除: 項目 {} の免除が重複しています", w.item),
                    format!("waiver: item {} is waived twice", w.item),
                );
            }
        }
        problems
    }
}

/// Whether GL entry `id` is `selector` or lies under it: `システム運用編 13⑪` is under
/// `システム運用編 13` and under `システム運用編`, `システム運用編 13.1` under `システム運用編 13`; but
/// `システム運用編 1` does not cover `システム運用編 13`.
pub fn gl_under(id: &str, selector: &str) -> bool {
    if id == selector {
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
    /// The review date of these tests.
    const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 27);
    use super::*;

    fn gl7(registry: &Registry) -> Guideline {
        Guideline::resolve(registry, "mhlw-gl@7.0").unwrap()
    }

    /// `select.gl` names entries of the policy's edition: a 6.0-only entry is unknown to a
    /// policy of 7.0 (and to one without `guideline` when 7.0 is cited), a 7.0-only one to a
    /// policy of 6.0; an edition that is not loaded is named.
    #[test]
    fn gl_selectors_are_checked_in_their_edition() {
        let registry = Registry::builtin().unwrap();
        let gl6 = Guideline::resolve(&registry, "mhlw-gl@6.0").unwrap();
        let found = |edition: &str, entry: &str, cited: &Guideline| -> Vec<(String, String)> {
            let line = if edition.is_empty() {
                String::new()
            } else {
                format!("guideline: {edition}\n")
            };
            Policy::parse(
                "p",
                &format!("id: p\ntitle: {{ja: a, en: a}}\n{line}rules:\n  - {{id: r, select: {{gl: ['{entry}']}}, require: [yes]}}\n"),
            )
            .unwrap()
            .check(&registry, cited, TODAY)
            .into_iter()
            .map(|f| (f.code.to_string(), f.location.to_string()))
            .collect()
        };
        let unknown = |at: &str| vec![("policy-unknown-gl-entry".to_owned(), at.to_owned())];
        let nothing = (
            "policy-selects-nothing".to_owned(),
            "/rules/0/select".to_owned(),
        );
        // 6.0 システム運用編 8⑤ is not an entry of 7.0 (whose chapters are listed without 遵守事項).
        assert_eq!(
            found("mhlw-gl@6.0", "システム運用編 8⑤", &gl7(&registry)),
            []
        );
        let mut want = unknown("/rules/0/select/gl/0");
        want.push(nothing.clone());
        assert_eq!(found("mhlw-gl@7.0", "システム運用編 8⑤", &gl6), want);
        assert_eq!(found("", "システム運用編 8⑤", &gl7(&registry)), want);
        assert_eq!(found("", "システム運用編 8⑤", &gl6), []);
        assert_eq!(
            found("mhlw-gl@6.0", "保守委託機関編 9④", &gl7(&registry)),
            want
        );
        assert_eq!(found("", "保守委託機関編 9④", &gl7(&registry)), []);
        let mut want = unknown("/guideline");
        want.push(nothing);
        assert_eq!(found("mhlw-gl@9.9", "システム運用編 14", &gl6), want);
        let p = Policy::parse("p", "id: p\ntitle: {ja: a, en: a}\nguideline: mhlw-gl@9.9\nrules:\n  - {id: r, select: {gl: ['システム運用編 14']}, require: [yes]}\n").unwrap();
        let message = &p.check(&registry, &gl6, TODAY)[0].message.en;
        assert!(
            message.contains("mhlw-gl@9.9") && message.contains("mhlw-gl@7.0, mhlw-gl@6.0"),
            "{message}"
        );
    }

    #[test]
    fn shipped_policies_parse_and_check_clean() {
        let registry = Registry::builtin().unwrap();
        let names: Vec<&str> = registry
            .of_kind(Kind::Policy)
            .map(|c| c.header.id.as_str())
            .collect();
        assert_eq!(
            names,
            ["gl6-baseline", "gl7-baseline", "gl7-betsushi", "strict"]
        );
        for edition in ["mhlw-gl@7.0", "mhlw-gl@6.0"] {
            let cited = Guideline::resolve(&registry, edition).unwrap();
            for name in &names {
                let policy = Policy::builtin(name).unwrap();
                assert_eq!(&policy.id, name);
                assert_eq!(
                    policy.check(&registry, &cited, TODAY),
                    Vec::<Finding>::new(),
                    "{name} citing {edition}"
                );
            }
            let template = Policy::parse("template", POLICY_TEMPLATE).unwrap();
            assert_eq!(
                template.check(&registry, &cited, TODAY),
                Vec::<Finding>::new()
            );
        }
    }

    #[test]
    fn a_policy_reads_in_either_form_with_the_field_named() {
        let plain = "id: p\ntitle: {ja: a, en: b}\nrules:\n  - {id: r, select: {items: ['*']}, require: [yes]}\n";
        let header =
            "kind: policy\nversion: '1'\nrevision: '1'\npublisher: h\nsource: s\nconfidence: U\n";
        let catalog = format!("{header}{plain}");
        assert_eq!(
            Policy::read("c.yaml", &catalog).unwrap(),
            Policy::read("p.yaml", plain).unwrap()
        );
        let e = Policy::read("c.yaml", &catalog.replace("[yes]", "[maybe]")).unwrap_err();
        let ja = e.to_string();
        assert!(ja.starts_with("c.yaml: rules[0].require[0]"), "{ja}");
        let e = Policy::read(
            "c.yaml",
            &catalog.replace("require: [yes]", "require: [yes], weight: 0"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("rules[0].weight"), "{e}");
        let e = Policy::read("c.yaml", &format!("{catalog}rule: []\n")).unwrap_err();
        assert!(e.to_string().contains("不明なフィールド `rule`"), "{e}");
        assert!(
            e.message(kaiji_catalog::Lang::En)
                .contains("unknown field `rule`"),
            "{e}"
        );
    }

    #[test]
    fn gl_selectors_cover_what_lies_under_them() {
        assert!(gl_under("システム運用編 13⑪", "システム運用編 13"));
        assert!(gl_under("システム運用編 13.1", "システム運用編 13"));
        assert!(gl_under("システム運用編 13", "システム運用編"));
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
        assert!(e.to_string().contains("不明なフィールド `rule`"), "{e}");
        assert!(
            e.message(kaiji_catalog::Lang::En)
                .contains("unknown field `rule`"),
            "{e}"
        );
        // Every problem of the file, not only the first.
        let e = Policy::parse(
            "p.yaml",
            "id: p\ntitle: {ja: a, en: a}\nrules:\n  - {id: r, select: {}, require: [], weight: 0}\n",
        )
        .unwrap_err();
        let en = e.message(kaiji_catalog::Lang::En);
        assert_eq!(en.lines().count(), 3, "{en}");
        for field in ["rules[0].weight", "rules[0].require", "rules[0].select"] {
            assert!(en.contains(field), "{en}");
        }
    }

    #[test]
    fn check_names_what_no_catalog_knows() {
        let registry = Registry::builtin().unwrap();
        let policy = Policy::parse(
            "p",
            "id: p\ntitle: {ja: a, en: a}\nrules:\n  - {id: r, select: {items: [MDS-C99-99], gl: ['システム運用編 99']}, require: [yes]}\n  - {id: s, select: {sections: [NO-SECTION, C14]}, require: [yes]}\nwaivers:\n  - {item: NOPE, reason: r, expires: 2027-01-01}\n  - {item: MDS-C14-02, reason: r, expires: 2027-01-01}\n  - {item: MDS-C14-02, reason: again, expires: 2027-02-01}\n",
        )
        .unwrap();
        let problems: Vec<(String, String, String)> = policy
            .check(&registry, &gl7(&registry), TODAY)
            .into_iter()
            .map(|f| (f.code.to_string(), f.location.to_string(), f.message.en))
            .collect();
        let expected = [
            (
                "policy-unknown-item",
                "/rules/0/select/items/0",
                "rule r: item MDS-C99-99 is in no checklist",
            ),
            (
                "policy-unknown-gl-entry",
                "/rules/0/select/gl/0",
                "rule r: GL entry システム運用編 99 does not exist in MHLW guideline 7.0",
            ),
            (
                "policy-selects-nothing",
                "/rules/0/select",
                "rule r selects no item of any loaded checklist",
            ),
            (
                "policy-unknown-section",
                "/rules/1/select/sections/0",
                "rule s: section NO-SECTION is in no checklist",
            ),
            (
                "policy-unknown-item",
                "/waivers/0/item",
                "waiver: item NOPE is in no checklist",
            ),
            (
                "policy-duplicate-waiver",
                "/waivers/2/item",
                "waiver: item MDS-C14-02 is waived twice",
            ),
        ]
        .map(|(c, l, m)| (c.to_owned(), l.to_owned(), m.to_owned()));
        assert_eq!(problems, expected);
        let other = Policy::parse(
            "p",
            "id: p\ntitle: {ja: a, en: a}\napplies_to: [no-such-checklist]\nrules:\n  - {id: r, select: {items: ['*']}, require: [yes]}\n",
        )
        .unwrap();
        let codes: Vec<Code> = other
            .check(&registry, &gl7(&registry), TODAY)
            .iter()
            .map(|f| f.code)
            .collect();
        assert_eq!(codes, [Code::PolicyNoChecklist]);
    }
}
