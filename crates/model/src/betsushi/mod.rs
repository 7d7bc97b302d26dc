//! The GL 7.0 保守委託機関編【別紙】 check (`kaiji betsushi`): the 別紙 lists the MDS and SDS items a
//! facility checks in its vendors' disclosures (catalog `mhlw-gl7-betsushi`). A facility should
//! choose vendors whose answers to every line are はい or 対象外; where one is いいえ (or not
//! answered) the facility assesses and treats the risk itself and keeps the record for
//! inspection ([`RiskRecord`]). The mapping files say which item of the disclosure's checklist
//! answers which line; a line no item answers is shown as such, never guessed.
//!
//! Vendors run the same check on their own disclosure before they send it.

pub mod record;

use jiff::civil::Date;
use kaiji_catalog::{Answer, Catalog, CatalogRef, Confidence, Form, Registry, Relation, Text};
use schemars::JsonSchema;
use serde::Serialize;

pub use record::{Assessment, RiskRecord, risk_record_schema};

use crate::rss::RiskSettings;
use crate::rss::risk::Treatment;
use crate::{Code, Disclosure, Error, Finding, Location};

/// The catalog id of the 別紙.
pub const BETSUSHI_ID: &str = "mhlw-gl7-betsushi";

/// What the vendor's disclosure says to one 別紙 line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LineAnswer {
    /// はい.
    Yes,
    /// いいえ (any answering item).
    No,
    /// 対象外 (該当なし), or the answering items do not apply (only-if).
    Na,
    /// An answering item has no answer.
    Unanswered,
    /// No item of the disclosure's checklist answers the line (the mapping says `no-item`).
    NoItem,
}

impl LineAnswer {
    pub fn label(self) -> Text {
        match self {
            Self::Yes => Text::new("はい", "yes"),
            Self::No => Text::new("いいえ", "no"),
            Self::Na => Text::new("対象外", "not applicable"),
            Self::Unanswered => Text::new("未回答", "not answered"),
            Self::NoItem => Text::new("開示書に対応項目なし", "no disclosure item"),
        }
    }

    /// Whether the facility must assess and treat the risk itself (いいえ, or not answered).
    pub fn needs_assessment(self) -> bool {
        matches!(self, Self::No | Self::Unanswered)
    }
}

/// The facility's assessment of a line, valued.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Assessed {
    /// The assessment as the record has it.
    #[serde(flatten)]
    pub assessment: Assessment,
    /// The risk value by the record's formula.
    pub value: u32,
    /// The value once the treatment's controls are in place (the RSS register's residual);
    /// the value itself for an accepted risk.
    pub residual: u32,
    /// Whether the value is at or above the record's threshold.
    pub above_threshold: bool,
    /// Whether the review date has passed.
    pub review_expired: bool,
}

/// One 別紙 line for one disclosure.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Line {
    /// The 別紙 line id (`BS-SDS-12`).
    pub line: String,
    /// The area (section) of the 別紙.
    pub area: Text,
    /// kaiji's paraphrase of the line, or a placeholder where its content is unknown.
    pub text: Text,
    /// How sure the catalog is of the line.
    pub confidence: Confidence,
    /// The items of the disclosure that answer the line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// How sure the mapping is that these items answer the line (the least sure entry).
    pub mapping_confidence: Confidence,
    /// The vendor's answer to the line.
    pub answer: LineAnswer,
    /// The vendor's remarks on the answering items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<String>,
    /// The facility's assessment from the risk record, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessed>,
}

/// The verdict on one disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every line the disclosure answers is はい or 対象外.
    AllYesOrNa,
    /// Some line is いいえ or not answered: the facility assesses and treats the risk itself.
    NeedsAssessment,
}

impl Verdict {
    pub fn label(self) -> Text {
        match self {
            Self::AllYesOrNa => Text::new("すべて はい または 対象外", "all yes or not applicable"),
            Self::NeedsAssessment => Text::new(
                "医療機関自身のリスク評価が必要な項目あり",
                "lines need the facility's own risk assessment",
            ),
        }
    }
}

/// The 別紙 check of one disclosure.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DisclosureCheck {
    /// The file as it was named.
    pub file: String,
    /// The form whose lines apply (MDS, or SDS for an SDS or RSS SDS).
    pub form: Form,
    /// The checklist revision the document answers (`jahis-mds-sds@5.0h`).
    pub catalog: String,
    /// The manufacturer or service provider.
    pub organisation: String,
    /// The product or service.
    pub product: String,
    /// Its version.
    pub version: String,
    pub verdict: Verdict,
    /// The lines that need the facility's own risk assessment (いいえ or not answered).
    pub needs_assessment: Vec<String>,
    /// The lines no item of the disclosure answers (ask the vendor directly).
    pub no_item: Vec<String>,
    /// Every 別紙 line of the form, in 別紙 order.
    pub lines: Vec<Line>,
    /// What the facility still has to do: lines without a record, expired reviews, …
    pub findings: Vec<Finding>,
}

/// The result of the check over several disclosures and one risk record.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Outcome {
    /// The 別紙 catalog used (`mhlw-gl7-betsushi@7.0`).
    pub betsushi: String,
    /// How sure that catalog is (U: a placeholder layout).
    pub confidence: Confidence,
    /// The facility of the risk record, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
    /// How the record's risk values are computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<RiskSettings>,
    pub disclosures: Vec<DisclosureCheck>,
    /// Findings on the risk record itself (assessments no given disclosure needs).
    pub findings: Vec<Finding>,
}

impl Outcome {
    /// Every finding, on the disclosures and on the record.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.disclosures
            .iter()
            .flat_map(|d| d.findings.iter())
            .chain(self.findings.iter())
    }
}

/// A disclosure to check, with the file it was read from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub file: &'a str,
    pub document: &'a Disclosure,
}

/// A risk record, with the file it was read from (named in the findings' locations).
#[derive(Debug, Clone, Copy)]
pub struct RecordInput<'a> {
    pub file: &'a str,
    pub record: &'a RiskRecord,
}

/// The 別紙 catalog of a registry (a user's `mhlw-gl7-betsushi` when `--catalog-file` loaded
/// one, else the shipped one; the newest revision).
pub fn betsushi_catalog(registry: &Registry) -> Result<&Catalog, Error> {
    let reference = CatalogRef::new(BETSUSHI_ID.to_owned(), None)
        .map_err(|_| Error::NotAChecklist(BETSUSHI_ID.to_owned()))?;
    registry
        .resolve(&reference)
        .filter(|c| c.as_checklist().is_some())
        .ok_or_else(|| Error::NotAChecklist(BETSUSHI_ID.to_owned()))
}

/// The 別紙 lines an item of `catalog` answers (through the mapping files): what the review
/// policy `gl7-betsushi` selects.
pub fn lines_of(registry: &Registry, catalog: &Catalog, item: &str) -> Vec<String> {
    registry
        .item_view(catalog, item)
        .map(|v| {
            v.refs_to(BETSUSHI_ID)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// How one line is answered: the items (and the least sure mapping entry), or no item.
struct Answering {
    items: Vec<String>,
    confidence: Confidence,
}

/// For each line of the 別紙, the items of the checklist `from` that answer it, through the
/// mapping from `from` to the 別紙. `None` when no such mapping is loaded.
fn answering(
    registry: &Registry,
    from: &Catalog,
    betsushi: &Catalog,
) -> Option<std::collections::HashMap<String, Answering>> {
    let mut found = false;
    let mut map: std::collections::HashMap<String, Answering> = std::collections::HashMap::new();
    for mapping in registry.catalogs().iter().filter_map(Catalog::as_mapping) {
        let (Some(f), Some(t)) = (
            registry.resolve(&mapping.from),
            registry.resolve(&mapping.to),
        ) else {
            continue;
        };
        if f.key() != from.key() || t.key() != betsushi.key() {
            continue;
        }
        found = true;
        for entry in &mapping.entries {
            if !matches!(entry.relation, Relation::Serves | Relation::NoItem) {
                continue;
            }
            for line in &entry.to {
                let a = map.entry(line.clone()).or_insert(Answering {
                    items: Vec::new(),
                    confidence: Confidence::V,
                });
                a.items.extend(entry.from.iter().cloned());
                a.confidence = a.confidence.max(entry.confidence);
            }
        }
    }
    found.then_some(map)
}

/// The answer of one item in a document: its answer, or 対象外 when its only-if condition does
/// not hold.
fn item_answer(
    checklist: &kaiji_catalog::Checklist,
    document: &Disclosure,
    id: &str,
) -> Option<Answer> {
    let answer = document.answers.get(id).and_then(|e| e.answer);
    let applies = checklist.item(id).is_none_or(|item| {
        item.conditions()
            .all(|c| document.answers.get(c.item.as_str()).and_then(|e| e.answer) == Some(c.answer))
    });
    if answer.is_none() && !applies {
        Some(Answer::Na)
    } else {
        answer
    }
}

/// Whether the 別紙 check can read `document`: its checklist is loaded and a mapping from it
/// to the 別紙 is ([`Error::NoMapping`] otherwise: migrate the document, or load a mapping).
/// [`check`] asks the same of every disclosure; a caller that reads several files asks per file
/// to name the one that fails.
pub fn readable(registry: &Registry, document: &Disclosure) -> Result<(), Error> {
    let betsushi = betsushi_catalog(registry)?;
    let (from, _) = registry
        .checklist_for(&document.catalog)
        .ok_or_else(|| Error::NotAChecklist(document.catalog.to_string()))?;
    answering(registry, from, betsushi)
        .map(|_| ())
        .ok_or_else(|| Error::NoMapping {
            from: from.key(),
            to: betsushi.key(),
        })
}

/// Checks each disclosure against the 別紙 and the facility's risk record, on `today` (the
/// record's review dates are compared with it). A disclosure whose checklist has no mapping to
/// the 別紙 is an error ([`Error::NoMapping`]): migrate it, or load a mapping.
pub fn check(
    registry: &Registry,
    inputs: &[Input<'_>],
    record: Option<RecordInput<'_>>,
    today: Date,
) -> Result<Outcome, Error> {
    let betsushi = betsushi_catalog(registry)?;
    let lines_catalog = betsushi
        .as_checklist()
        .ok_or_else(|| Error::NotAChecklist(betsushi.key()))?;
    if let Some(r) = record {
        record_lines_exist(r, lines_catalog)?;
    }
    let settings = record.map(|r| r.record.settings());
    let mut used = vec![false; record.map_or(0, |r| r.record.assessments.len())];
    let mut disclosures = Vec::new();
    for input in inputs {
        let document = input.document;
        let (from, checklist) = registry
            .checklist_for(&document.catalog)
            .ok_or_else(|| Error::NotAChecklist(document.catalog.to_string()))?;
        let answering = answering(registry, from, betsushi).ok_or_else(|| Error::NoMapping {
            from: from.key(),
            to: betsushi.key(),
        })?;
        let form = document.kind.form();
        let subject = &document.subject;
        let mut lines = Vec::new();
        let mut findings = Vec::new();
        for section in &lines_catalog.sections {
            for item in section.items.iter().filter(|i| i.forms.contains(&form)) {
                let id = item.id.as_str();
                let (items, mapping_confidence) =
                    answering.get(id).map_or((Vec::new(), Confidence::U), |a| {
                        (a.items.clone(), a.confidence)
                    });
                let answers: Vec<Option<Answer>> = items
                    .iter()
                    .map(|i| item_answer(checklist, document, i))
                    .collect();
                let answer = if items.is_empty() {
                    LineAnswer::NoItem
                } else if answers.contains(&Some(Answer::No)) {
                    LineAnswer::No
                } else if answers.contains(&None) {
                    LineAnswer::Unanswered
                } else if answers.iter().all(|a| *a == Some(Answer::Na)) {
                    LineAnswer::Na
                } else {
                    LineAnswer::Yes
                };
                let remarks = items
                    .iter()
                    .filter_map(|i| document.answers.get(i.as_str()))
                    .map(|e| e.remark.trim().to_owned())
                    .filter(|r| !r.is_empty())
                    .collect();
                let found = record.and_then(|r| {
                    r.record
                        .find(&subject.organisation, &subject.product, id)
                        .map(|(n, a)| (r, n, a))
                });
                let at_item = || {
                    items.first().map_or_else(
                        || Location::pointer(["answers"]),
                        |i| Location::pointer(["answers", i.as_str()]),
                    )
                };
                let assessment = found.map(|(r, n, a)| {
                    used[n] = true;
                    let settings = r.record.settings();
                    let (value, reduced) = settings.formula.value(&a.scores());
                    let above = value >= settings.threshold;
                    let expired = a.review.date() < today;
                    let place = |field: &str| {
                        let n = n.to_string();
                        Location::pointer(["assessments", n.as_str(), field]).in_file(r.file)
                    };
                    if !answer.needs_assessment() && answer != LineAnswer::NoItem {
                        findings.push(
                            Finding::new(
                                Code::BetsushiRecordNotNeeded,
                                place("line"),
                                Text::new(
                                    format!(
                                        "{id}: 開示書の回答は「{}」で、医療機関のリスク評価は不要です(記録は残してあります)",
                                        answer.label().ja
                                    ),
                                    format!(
                                        "{id}: the disclosure answers {}, so no assessment by the facility is needed (the record is kept)",
                                        answer.label().en
                                    ),
                                ),
                            )
                            .with_item(id),
                        );
                    }
                    if expired {
                        findings.push(
                            Finding::new(
                                Code::BetsushiReviewExpired,
                                place("review"),
                                Text::new(
                                    format!(
                                        "{id}: リスク評価の見直し期限 {} が過ぎています(確認日 {today})",
                                        a.review
                                    ),
                                    format!(
                                        "{id}: the assessment was due for review on {} (checked {today})",
                                        a.review
                                    ),
                                ),
                            )
                            .with_item(id),
                        );
                    }
                    if crate::diag::far_future(a.review.date(), today) {
                        findings.push(
                            Finding::new(
                                Code::FutureDate,
                                place("review"),
                                Text::new(
                                    format!(
                                        "{id}: 見直し日 {} は確認日({today})の20年以上先です。見直しのない記録と同じです",
                                        a.review
                                    ),
                                    format!(
                                        "{id}: the review date {} is more than 20 years after the date checked ({today}); the record is never reviewed",
                                        a.review
                                    ),
                                ),
                            )
                            .with_item(id),
                        );
                    }
                    if above && a.treatment == Treatment::Accept {
                        findings.push(
                            Finding::new(
                                Code::BetsushiAcceptedAboveThreshold,
                                place("treatment"),
                                Text::new(
                                    format!(
                                        "{id}: リスク値 {value} は受容基準 {} 以上ですが、対応が受容です",
                                        settings.threshold
                                    ),
                                    format!(
                                        "{id}: the risk value {value} is at or above the threshold {} but the treatment is accept",
                                        settings.threshold
                                    ),
                                ),
                            )
                            .with_item(id),
                        );
                    }
                    Assessed {
                        assessment: a.clone(),
                        value,
                        residual: if a.treatment == Treatment::Accept {
                            value
                        } else {
                            reduced
                        },
                        above_threshold: above,
                        review_expired: expired,
                    }
                });
                if assessment.is_none() && answer.needs_assessment() {
                    findings.push(
                        Finding::new(
                            Code::BetsushiUnassessed,
                            at_item(),
                            Text::new(
                                format!(
                                    "{id}({}): 回答が「{}」です。医療機関自身のリスク評価と対応の記録がありません",
                                    section.title.ja,
                                    answer.label().ja
                                ),
                                format!(
                                    "{id} ({}): answered {}; the facility's own risk assessment and treatment are not recorded",
                                    section.title.en,
                                    answer.label().en
                                ),
                            ),
                        )
                        .with_item(id),
                    );
                }
                if assessment.is_none() && answer == LineAnswer::NoItem {
                    findings.push(
                        Finding::new(
                            Code::BetsushiNoItem,
                            Location::pointer(["answers"]),
                            Text::new(
                                format!(
                                    "{id}({}): 開示書のチェックリスト {} にこの行に答える項目がありません。事業者に直接確認してください",
                                    section.title.ja,
                                    from.key()
                                ),
                                format!(
                                    "{id} ({}): the disclosure's checklist {} has no item answering this line; ask the vendor directly",
                                    section.title.en,
                                    from.key()
                                ),
                            ),
                        )
                        .with_item(id),
                    );
                }
                lines.push(Line {
                    line: id.to_owned(),
                    area: section.title.clone(),
                    text: item.text.clone(),
                    confidence: item.confidence,
                    items,
                    mapping_confidence,
                    answer,
                    remarks,
                    assessment,
                });
            }
        }
        let needs_assessment: Vec<String> = lines
            .iter()
            .filter(|l| l.answer.needs_assessment())
            .map(|l| l.line.clone())
            .collect();
        let no_item = lines
            .iter()
            .filter(|l| l.answer == LineAnswer::NoItem)
            .map(|l| l.line.clone())
            .collect();
        disclosures.push(DisclosureCheck {
            file: input.file.to_owned(),
            form,
            catalog: from.key(),
            organisation: subject.organisation.clone(),
            product: subject.product.clone(),
            version: subject.version.clone(),
            verdict: if needs_assessment.is_empty() {
                Verdict::AllYesOrNa
            } else {
                Verdict::NeedsAssessment
            },
            needs_assessment,
            no_item,
            lines,
            findings,
        });
    }
    let mut findings = Vec::new();
    if let Some(r) = record {
        for (n, a) in r.record.assessments.iter().enumerate() {
            if used[n] {
                continue;
            }
            let n = n.to_string();
            findings.push(
                Finding::new(
                    Code::BetsushiRecordNotNeeded,
                    Location::pointer(["assessments", n.as_str()]).in_file(r.file),
                    Text::new(
                        format!(
                            "{}: 確認した開示書に {} {} のこの行はありません(記録は残してあります)",
                            a.line, a.vendor, a.product
                        ),
                        format!(
                            "{}: no disclosure checked has this line for {} {} (the record is kept)",
                            a.line, a.vendor, a.product
                        ),
                    ),
                )
                .with_item(a.line.clone()),
            );
        }
    }
    Ok(Outcome {
        betsushi: betsushi.key(),
        confidence: betsushi.header.confidence,
        facility: record.map(|r| r.record.facility.clone()),
        settings,
        disclosures,
        findings,
    })
}

/// Every line the record names is a line of the 別紙 (else the record is not used: exit 2).
fn record_lines_exist(r: RecordInput<'_>, lines: &kaiji_catalog::Checklist) -> Result<(), Error> {
    let problems = r
        .record
        .assessments
        .iter()
        .enumerate()
        .filter(|(_, a)| lines.item(&a.line).is_none())
        .map(|(n, a)| {
            crate::Problem::field(
                format!("assessments[{n}].line"),
                format!("{} は {BETSUSHI_ID} にありません", a.line),
                format!("{} is not a line of {BETSUSHI_ID}", a.line),
            )
        })
        .collect();
    crate::error::checked((), crate::ConfigFile::RiskRecord, r.file, problems)
}

/// A risk-record template for the lines that need the facility's assessment and have no
/// record yet: YAML with one assessment per line, its numbers and dates left empty (`~`), so
/// that a template nobody filled in is not read as a record (the error names the field).
pub fn template(outcome: &Outcome, facility: &str) -> String {
    let mut s = String::from(
        "# kaiji: 医療機関のリスク評価の記録(GL 第7.0版 保守委託機関編【別紙】)\n\
         # Facility risk record of the GL 7.0 別紙 check (kaiji betsushi --risk-record FILE).\n\
         # 開示書の回答が「いいえ」または未回答の行ごとに、医療機関自身のリスク評価と対応を記入します。\n\
         # For each line the vendor did not answer yes or not applicable, fill in the facility's own\n\
         # assessment: likelihood and impact 1-5 (risk value = impact × likelihood, as the RSS risk\n\
         # register), treatment (reduce | avoid | transfer | accept), measures, owner, due and review\n\
         # dates (YYYY-MM-DD). Fields left ~ are errors until filled in. Schema: kaiji schema risk-record\n",
    );
    s.push_str(&format!("facility: {}\n", yaml_string(facility)));
    s.push_str("formula: impact-likelihood\n");
    s.push_str(&format!(
        "threshold: {}\n",
        crate::rss::risk::Formula::ImpactLikelihood.default_threshold()
    ));
    s.push_str("assessments:\n");
    let mut any = false;
    for d in &outcome.disclosures {
        for l in d
            .lines
            .iter()
            .filter(|l| l.answer.needs_assessment() && l.assessment.is_none())
        {
            any = true;
            s.push_str(&format!(
                "  # {} / {}: {} ({}; {}: {})\n",
                one_line(&d.organisation),
                one_line(&d.product),
                l.line,
                one_line(&l.area.ja),
                l.items.join(", "),
                l.answer.label().ja
            ));
            s.push_str(&format!("  - vendor: {}\n", yaml_string(&d.organisation)));
            s.push_str(&format!("    product: {}\n", yaml_string(&d.product)));
            s.push_str(&format!("    line: {}\n", l.line));
            for field in ["likelihood", "impact", "treatment"] {
                s.push_str(&format!("    {field}: ~\n"));
            }
            for field in ["measures", "owner"] {
                s.push_str(&format!("    {field}: \"\"\n"));
            }
            for field in ["due", "review"] {
                s.push_str(&format!("    {field}: ~\n"));
            }
        }
    }
    if !any {
        s.push_str("  []\n");
    }
    s
}

/// A string as a YAML double-quoted scalar (JSON's escaping is valid YAML).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// Text for a YAML comment: one line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
