//! Reviewing a disclosure against a hospital's policy: which answers depart from it (with the
//! 安全管理GL entries the item serves, in the edition the review cites), a score per section and
//! overall, and the GL parts touched. kaiji flags departures and cites the guideline; it never declares anything
//! compliant.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use kaiji_catalog::{Answer, Checklist, Confidence, Item, Registry, Text};
use serde::Serialize;

use crate::diag::GlRef;
use crate::disclosure::validate_document;
use crate::review::guideline::Guideline;
use crate::review::policy::{Policy, PolicyRule, Waiver, gl_under};
use crate::rss::{Profile, check_profile};
use crate::{Code, Disclosure, Finding, Location, Severity};

/// What a review needs besides the document and the policy.
#[derive(Debug, Clone, Copy)]
pub struct ReviewOptions {
    /// The day of the review (stale disclosures, expired waivers). The library never reads
    /// the clock: the caller passes it.
    pub today: Date,
    /// Overrides the policy's `max_age_days`.
    pub max_age_days: Option<u32>,
}

/// The result of reviewing one disclosure.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Review {
    /// The policy's id.
    pub policy: String,
    /// The edition of 安全管理GL the review cites (findings' `refs`, `gl`).
    pub guideline: Guideline,
    /// Validation findings and policy findings, in item order.
    pub findings: Vec<Finding>,
    /// Weighted score of the items the policy covers, overall.
    pub score: Score,
    /// The same per section of the checklist (sections the policy covers).
    pub sections: Vec<SectionScore>,
    /// The entries (parts and chapters) of the cited GL edition that departing items serve, with
    /// counts.
    pub gl: Vec<GlTouch>,
    /// Departures a waiver covers today.
    pub waived: Vec<Waived>,
    /// How the document answered each section of its form (all items, covered by the policy
    /// or not).
    pub answers: Vec<SectionAnswers>,
}

/// はい / いいえ / 該当なし / unanswered counts of one section.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SectionAnswers {
    pub id: String,
    pub title: Text,
    pub yes: u32,
    pub no: u32,
    pub na: u32,
    pub unanswered: u32,
}

/// Met weight out of covered weight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Score {
    pub met: u32,
    pub total: u32,
}

impl std::fmt::Display for Score {
    /// `92%`, or `-` when the policy covers nothing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.percent() {
            Some(p) => write!(f, "{p}%"),
            None => f.write_str("-"),
        }
    }
}

impl Score {
    /// The score in percent, rounded down; `None` when the policy covers nothing.
    pub fn percent(self) -> Option<u32> {
        (self.total > 0).then(|| self.met * 100 / self.total)
    }

    fn add(&mut self, weight: u32, met: bool) {
        self.total += weight;
        if met {
            self.met += weight;
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SectionScore {
    pub id: String,
    pub title: Text,
    pub score: Score,
    /// Items of the section the policy covers.
    pub items: usize,
    /// Of them, items departing from the policy.
    pub departures: usize,
}

/// A part or chapter of the cited GL edition touched by departures.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GlTouch {
    /// Entry id (`システム運用編`, `システム運用編 13`).
    pub id: String,
    /// How the id reads: itself in Japanese, with the part's English name in English
    /// (`Control part 13`).
    pub name: Text,
    /// Its title, when the GL catalog is loaded.
    pub title: Option<Text>,
    /// How sure kaiji is of the entry in the cited edition (U when the edition does not list it).
    pub confidence: Confidence,
    /// Items departing from the policy that serve it.
    pub departures: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Waived {
    pub item: String,
    pub reason: String,
    pub expires: crate::IsoDate,
}

/// Reviews one document. Every validation finding is part of the review; a document whose
/// checklist is unknown, or not one the policy is written for, gets a finding saying so and no
/// score.
pub fn review(
    document: &Disclosure,
    registry: &Registry,
    policy: &Policy,
    guideline: &Guideline,
    options: ReviewOptions,
) -> Review {
    Reviewer::new(registry, policy, guideline).review(document, options)
}

/// A policy prepared for reviewing many documents: the rule that governs each item of each
/// checklist the policy applies to, and the entries of the cited GL edition each item serves,
/// worked out once.
/// It is `Sync`: documents can be reviewed on all cores.
#[derive(Debug)]
pub struct Reviewer<'a> {
    registry: &'a Registry,
    policy: &'a Policy,
    /// The edition the review cites.
    guideline: Guideline,
    /// Checklist key → its plan.
    plans: HashMap<String, Plan>,
    /// Vendors' remote service profiles whose connection checks join the reviews of that
    /// vendor's disclosures.
    remote: Vec<RemoteService<'a>>,
}

/// A vendor's remote service profile, as the review of its disclosures sees it.
#[derive(Debug, Clone, Copy)]
pub struct RemoteService<'a> {
    /// The profile's file, named in the findings' locations.
    pub origin: &'a str,
    pub profile: &'a Profile,
    /// The advisories the connection points are checked against.
    pub advisories: &'a [kaiji_sbom::Advisory],
}

/// Item id → (index of the governing rule, entries of the cited edition the item serves).
type Plan = HashMap<String, (Option<usize>, Vec<GlRef>)>;

impl<'a> Reviewer<'a> {
    /// A reviewer citing `guideline`. The policy's `select.gl` lists name entries of its own
    /// `guideline` edition when it declares one (an edition that is not loaded selects nothing:
    /// callers check it first with [`Policy::selector_edition`]), else of `guideline`.
    pub fn new(registry: &'a Registry, policy: &'a Policy, guideline: &Guideline) -> Self {
        let selectors = policy.selector_edition(registry, guideline).ok();
        let mut plans = HashMap::new();
        for catalog in registry.catalogs() {
            let Some(checklist) = catalog.as_checklist() else {
                continue;
            };
            if !policy.applies_to(&catalog.header.id) {
                continue;
            }
            let plan = checklist
                .items()
                .map(|item| {
                    let id = item.id.as_str();
                    let refs = guideline.cite(registry, catalog, id);
                    let selected: Vec<String> = match &selectors {
                        Some(s) if s == guideline => refs.clone(),
                        Some(s) => s.cite(registry, catalog, id),
                        None => Vec::new(),
                    }
                    .into_iter()
                    .filter(|r| r.removed.is_none())
                    .map(|r| r.id)
                    .collect();
                    let betsushi = !crate::betsushi::lines_of(registry, catalog, id).is_empty();
                    let rule = governing_rule(policy, checklist, item, &selected, betsushi);
                    (item.id.to_string(), (rule, refs))
                })
                .collect();
            plans.insert(catalog.key(), plan);
        }
        Self {
            registry,
            policy,
            guideline: guideline.clone(),
            plans,
            remote: Vec::new(),
        }
    }

    /// Adds vendors' remote service profiles: the connection checks of a profile (`kaiji rss
    /// check`) join the review of each disclosure by the same vendor (names compared without
    /// spaces or the company form), their locations in the profile's file.
    pub fn with_remote_services(mut self, services: &[RemoteService<'a>]) -> Self {
        self.remote.extend_from_slice(services);
        self
    }

    fn remote_findings(&self, document: &Disclosure, options: ReviewOptions) -> Vec<Finding> {
        self.remote
            .iter()
            .filter(|s| {
                crate::mhlw::inventory::same_name(
                    &s.profile.service.vendor,
                    &document.subject.organisation,
                )
            })
            .flat_map(|s| {
                check_profile(s.profile, s.advisories, options.today)
                    .into_iter()
                    .map(|mut f| {
                        f.location = f.location.in_file(s.origin);
                        f
                    })
            })
            .collect()
    }

    /// Reviews one document (see [`review`]).
    pub fn review(&self, document: &Disclosure, options: ReviewOptions) -> Review {
        let (registry, policy) = (self.registry, self.policy);
        let mut findings = validate_document(document, registry);
        findings.extend(self.remote_findings(document, options));
        findings.extend(crate::disclosure::future_cover_date(
            document.subject.date,
            options.today,
        ));
        let mut review = Review {
            policy: policy.id.clone(),
            guideline: self.guideline.clone(),
            findings: Vec::new(),
            score: Score::default(),
            sections: Vec::new(),
            gl: Vec::new(),
            waived: Vec::new(),
            answers: Vec::new(),
        };
        let catalog = registry.checklist_for(&document.catalog);
        let Some((catalog, checklist)) = catalog else {
            // validate_document has reported the unknown catalog.
            review.findings = findings;
            return review;
        };
        let form = document.kind.form();
        review.answers = checklist
            .sections
            .iter()
            .filter_map(|section| {
                let mut counts = SectionAnswers {
                    id: section.id.clone(),
                    title: section.title.clone(),
                    yes: 0,
                    no: 0,
                    na: 0,
                    unanswered: 0,
                };
                let mut any = false;
                for item in section.items.iter().filter(|i| i.forms.contains(&form)) {
                    any = true;
                    match document
                        .answers
                        .get(item.id.as_str())
                        .and_then(|e| e.answer)
                    {
                        Some(Answer::Yes) => counts.yes += 1,
                        Some(Answer::No) => counts.no += 1,
                        Some(Answer::Na) => counts.na += 1,
                        None => counts.unanswered += 1,
                    }
                }
                any.then_some(counts)
            })
            .collect();
        if !policy.applies_to(&catalog.header.id) {
            findings.push(Finding::new(
            Code::PolicyNotApplicable,
            Location::pointer(["catalog"]),
            Text::new(
                format!(
                    "方針 {} はチェックリスト {} 向けではありません(対象: {})。方針による確認はしていません",
                    policy.id,
                    catalog.header.id,
                    policy.applies_to.join(", ")
                ),
                format!(
                    "policy {} is not written for checklist {} (it covers {}); no policy checks were made",
                    policy.id,
                    catalog.header.id,
                    policy.applies_to.join(", ")
                ),
            ),
        ));
            review.findings = findings;
            return review;
        }
        if let Some(newer) = registry.newer_revision(catalog) {
            findings.push(Finding::new(
            Code::OutdatedRevision,
            Location::pointer(["catalog"]),
            Text::new(
                format!(
                    "旧版 {} で書かれています。新しい版 {} があります(kaiji migrate で移行できます)",
                    catalog.key(),
                    newer.key()
                ),
                format!(
                    "written against {}; the newer {} exists (kaiji migrate carries the answers over)",
                    catalog.key(),
                    newer.key()
                ),
            ),
        ));
        }
        if let Some(max) = options.max_age_days.or(policy.max_age_days)
            && let Some(date) = document.subject.date.map(crate::IsoDate::date)
            && let Ok(age) = date.until(options.today)
        {
            let days = age.get_days();
            if days > i32::try_from(max).unwrap_or(i32::MAX) {
                findings.push(Finding::new(
                    Code::StaleDisclosure,
                    Location::pointer(["subject", "date"]),
                    Text::new(
                        format!(
                            "作成日 {date} から {days} 日が経っています(方針の上限 {max} 日)。現行版の開示書を求めてください"
                        ),
                        format!(
                            "dated {date}, {days} days ago (the policy allows {max}); ask the vendor for a current disclosure"
                        ),
                    ),
                ));
            }
        }
        let Some(plan) = self.plans.get(&catalog.key()) else {
            review.findings = findings;
            return review;
        };
        let missing: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.code == Code::MissingAnswer)
            .filter_map(|f| f.item.clone())
            .collect();
        let mut sections: Vec<SectionScore> = Vec::new();
        let mut gl_counts: BTreeMap<String, usize> = BTreeMap::new();
        for section in &checklist.sections {
            let mut score = SectionScore {
                id: section.id.clone(),
                title: section.title.clone(),
                score: Score::default(),
                items: 0,
                departures: 0,
            };
            for item in section.items.iter().filter(|i| i.forms.contains(&form)) {
                let id = item.id.as_str();
                let Some((Some(rule), refs)) = plan.get(id) else {
                    continue;
                };
                let rule = &policy.rules[*rule];
                let entry = document.answers.get(id);
                let Some(answer) = entry.and_then(|e| e.answer) else {
                    // Unanswered: a departure only where the form needs the answer (validation has
                    // reported it as missing-answer); conditional items that do not apply are not
                    // counted.
                    if missing.contains(id) {
                        score.items += 1;
                        score.departures += 1;
                        score.score.add(rule.weight, false);
                    }
                    continue;
                };
                score.items += 1;
                let remark = entry.map_or("", |e| e.remark.trim());
                let code = if rule.require.contains(&answer)
                    || (rule.justify.contains(&answer) && !remark.is_empty())
                {
                    None
                } else if rule.justify.contains(&answer) {
                    Some(Code::RemarkMissingJustification)
                } else {
                    Some(Code::PolicyViolation)
                };
                let Some(code) = code else {
                    score.score.add(rule.weight, true);
                    continue;
                };
                let waivers: Vec<&Waiver> = policy
                    .waivers
                    .iter()
                    .filter(|w| waiver_matches(w, document, id))
                    .collect();
                if let Some(active) = waivers.iter().find(|w| w.expires.date() >= options.today) {
                    review.waived.push(Waived {
                        item: id.to_owned(),
                        reason: active.reason.clone(),
                        expires: active.expires,
                    });
                    score.score.add(rule.weight, true);
                    continue;
                }
                for expired in waivers {
                    findings.push(
                        Finding::new(
                            Code::WaiverExpired,
                            Location::pointer(["answers", id]),
                            Text::new(
                                format!(
                                    "項目 {id} の免除は {} で期限が切れています(理由: {})",
                                    expired.expires, expired.reason
                                ),
                                format!(
                                    "the waiver for item {id} expired on {} (reason: {})",
                                    expired.expires, expired.reason
                                ),
                            ),
                        )
                        .with_item(id),
                    );
                }
                score.departures += 1;
                score.score.add(rule.weight, false);
                // Each departing item counts once per part and chapter it serves.
                let levels: BTreeSet<String> = refs
                    .iter()
                    .filter(|r| r.removed.is_none())
                    .flat_map(|r| gl_levels(&r.id))
                    .collect();
                for level in levels {
                    *gl_counts.entry(level).or_default() += 1;
                }
                let mut finding = departure(
                    registry,
                    &self.guideline,
                    code,
                    policy,
                    rule,
                    item,
                    answer,
                    refs,
                );
                finding.severity = rule.severity;
                findings.push(finding);
            }
            if score.items > 0 {
                review.score.met += score.score.met;
                review.score.total += score.score.total;
                sections.push(score);
            }
        }
        review.sections = sections;
        review.gl = gl_counts
            .into_iter()
            .map(|(id, departures)| GlTouch {
                title: self.guideline.entry_title(registry, &id),
                name: self.guideline.id_text(registry, &id),
                confidence: self.guideline.entry_confidence(registry, &id),
                id,
                departures,
            })
            .collect();
        findings.sort_by(|a, b| {
            item_order(checklist, a)
                .cmp(&item_order(checklist, b))
                .then_with(|| b.severity.cmp(&a.severity))
        });
        review.findings = findings;
        review
    }
}

/// Document-level findings first, then by the item's place in the checklist, unknown items
/// last.
fn item_order(checklist: &Checklist, f: &Finding) -> (usize, usize) {
    match &f.item {
        None => (0, 0),
        Some(id) => checklist
            .items()
            .position(|i| i.id.as_str() == id)
            .map_or((2, 0), |p| (1, p)),
    }
}

/// The last rule that selects the item (later rules override earlier ones).
fn governing_rule(
    policy: &Policy,
    checklist: &Checklist,
    item: &Item,
    refs: &[String],
    betsushi: bool,
) -> Option<usize> {
    let id = item.id.as_str();
    let section = checklist.section_of(id).map(|s| s.id.as_str());
    policy.rules.iter().rposition(|rule| {
        let s = &rule.select;
        s.items
            .iter()
            .any(|i| i.one().is_none_or(|one| one.as_str() == id))
            || section.is_some_and(|sec| s.sections.iter().any(|x| x == sec))
            || s.gl.iter().any(|sel| match sel.one() {
                None => !refs.is_empty(),
                Some(prefix) => refs.iter().any(|r| gl_under(r, prefix)),
            })
            || (s.betsushi && betsushi)
    })
}

fn waiver_matches(w: &Waiver, document: &Disclosure, id: &str) -> bool {
    w.item == id
        && w.product
            .as_deref()
            .is_none_or(|p| p == document.subject.product)
        && w.organisation
            .as_deref()
            .is_none_or(|o| o == document.subject.organisation)
}

/// The part and the chapter of a GL entry id: `システム運用編 13⑪` → `システム運用編`,
/// `システム運用編 13`.
fn gl_levels(id: &str) -> Vec<String> {
    let Some((part, rest)) = id.split_once(' ') else {
        return vec![id.to_owned()];
    };
    let chapter: String = rest
        .chars()
        .take_while(|c| *c != '.' && !('\u{2460}'..='\u{24FF}').contains(c))
        .collect();
    vec![part.to_owned(), format!("{part} {chapter}")]
}

#[allow(
    clippy::too_many_arguments,
    reason = "the parts of one departure message, each from a different owner"
)]
fn departure(
    registry: &Registry,
    guideline: &Guideline,
    code: Code,
    policy: &Policy,
    rule: &PolicyRule,
    item: &Item,
    answer: Answer,
    refs: &[GlRef],
) -> Finding {
    let id = item.id.as_str();
    let list = |answers: &[Answer], ja: bool| {
        answers
            .iter()
            .map(|a| {
                let l = a.label();
                if ja { l.ja } else { l.en }
            })
            .collect::<Vec<_>>()
            .join(if ja { "・" } else { ", " })
    };
    let gl = if refs.is_empty() {
        (String::new(), String::new())
    } else {
        let texts: Vec<Text> = refs
            .iter()
            .map(|r| guideline.ref_text(registry, r))
            .collect();
        let join = |lang| {
            texts
                .iter()
                .map(|t| t.get(lang))
                .collect::<Vec<_>>()
                .join(", ")
        };
        (
            format!("[{}: {}]", guideline.short(), join(kaiji_catalog::Lang::Ja)),
            format!(
                " [{}: {}]",
                guideline.short(),
                join(kaiji_catalog::Lang::En)
            ),
        )
    };
    let (ja, en) = match code {
        Code::RemarkMissingJustification => (
            format!(
                "{id}({})の回答「{}」に理由を示す備考がありません(方針 {} / 規則 {})。{}",
                item.text.ja,
                answer.label().ja,
                policy.id,
                rule.id,
                gl.0
            ),
            format!(
                "{id} ({}): the answer \"{}\" has no remark saying why (policy {}, rule {}).{}",
                item.text.en,
                answer.label().en,
                policy.id,
                rule.id,
                gl.1
            ),
        ),
        _ => (
            format!(
                "{id}({})の回答「{}」は方針 {} / 規則 {} が求める回答({})ではありません。{}",
                item.text.ja,
                answer.label().ja,
                policy.id,
                rule.id,
                list(&rule.require, true),
                gl.0
            ),
            format!(
                "{id} ({}): the answer \"{}\" is not what policy {}, rule {} requires ({}).{}",
                item.text.en,
                answer.label().en,
                policy.id,
                rule.id,
                list(&rule.require, false),
                gl.1
            ),
        ),
    };
    let mut finding = Finding::new(
        code,
        Location::pointer(["answers", id, "answer"]),
        Text::new(ja.trim_end_matches('。'), en),
    )
    .with_item(id);
    finding.refs = refs.to_vec();
    finding
}

impl Review {
    /// Findings at or above `severity`.
    pub fn count_at_least(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= severity)
            .count()
    }
}
