//! Side-by-side comparison of several vendors' disclosures: a vendors × items matrix of
//! answers and remarks, with the departures from the hospital's policy marked and totals per
//! vendor. Disclosures written against an older revision are carried to the newest one first
//! (`migrate`), so a 4.1 and a 5.0h document line up item by item.

use kaiji_catalog::{Answer, Registry, Text};
use serde::Serialize;

use crate::disclosure::migrate;
use crate::review::reviewer::{ReviewOptions, Reviewer, Score};
use crate::review::{Guideline, Policy};
use crate::{Code, Disclosure, DocKind, Error};

/// Whether a finding is a departure from the policy: an answer the policy does not accept.
/// An unanswered item is not a departure; it is counted as unanswered.
fn is_departure(code: Code) -> bool {
    matches!(
        code,
        Code::PolicyViolation | Code::RemarkMissingJustification
    )
}

impl Comparison {
    /// What the score and a departure mean, as every comparison report states it.
    pub fn definitions() -> Text {
        Text::new(
            "スコア: 受け取った開示書をそのままの版で方針に照らした値(kaiji review と同じ)。逸脱: 方針が受け入れない回答(policy-violation、remark-missing-justification)。未回答は逸脱に数えず、未回答として数えます。旧版の開示書は比較のため最新版に移行して並べます(移行で対応のない項目は未回答)。",
            "Score: the policy score of the disclosure as received, in its own revision (the same as kaiji review). Departure: an answer the policy does not accept (policy-violation, remark-missing-justification). Unanswered items are counted as unanswered, not as departures. Older disclosures are carried to the newest revision to line up (items without a counterpart are unanswered).",
        )
    }
}

/// The matrix.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    /// The checklist revision the rows follow.
    pub catalog: String,
    /// The policy the departures are judged by.
    pub policy: String,
    /// The edition of 安全管理GL the comparison cites (a policy without its own `guideline`
    /// selects entries of it).
    pub guideline: Guideline,
    pub vendors: Vec<Vendor>,
    pub rows: Vec<MatrixRow>,
}

/// One column: one disclosure.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Vendor {
    pub organisation: String,
    pub product: String,
    pub version: String,
    pub kind: DocKind,
    /// The revision the disclosure was written against.
    pub catalog: String,
    /// Carried from an older revision for the comparison.
    pub migrated: bool,
    pub totals: Totals,
}

impl Vendor {
    /// `organisation product version`, for a column heading.
    pub fn label(&self) -> String {
        format!("{} {} {}", self.organisation, self.product, self.version)
            .trim()
            .to_owned()
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct Totals {
    pub yes: usize,
    pub no: usize,
    pub na: usize,
    pub unanswered: usize,
    /// Items departing from the policy: the cells with a departure.
    pub departures: usize,
    /// The policy score of the disclosure as it was written, the same as `kaiji review`'s.
    pub score: Score,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MatrixRow {
    pub item: String,
    pub section: String,
    pub section_title: Text,
    /// kaiji's paraphrase of the item.
    pub text: Text,
    pub cells: Vec<MatrixCell>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MatrixCell {
    /// The item belongs to this vendor's form (MDS or SDS).
    pub applies: bool,
    pub answer: Option<Answer>,
    pub remark: String,
    /// `policy-violation` or `remark-missing-justification` (see [`Comparison::definitions`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure: Option<Code>,
}

/// Builds the matrix. All documents must answer one checklist (any revisions of it).
pub fn compare(
    documents: &[Disclosure],
    registry: &Registry,
    policy: &Policy,
    guideline: &Guideline,
    options: ReviewOptions,
) -> Result<Comparison, Error> {
    // The newest revision among the documents' checklists.
    let mut target: Option<(&kaiji_catalog::Catalog, &kaiji_catalog::Checklist)> = None;
    for doc in documents {
        let found = registry
            .checklist_for(&doc.catalog)
            .ok_or_else(|| Error::NotAChecklist(doc.catalog.to_string()))?;
        let catalog = found.0;
        target = Some(match target {
            None => found,
            Some((t, _)) if t.header.id != catalog.header.id => {
                return Err(Error::DifferentChecklists {
                    first: t.key(),
                    other: catalog.key(),
                });
            }
            Some(t) => {
                if kaiji_catalog::compare_versions(&catalog.header.revision, &t.0.header.revision)
                    .is_gt()
                {
                    found
                } else {
                    t
                }
            }
        });
    }
    let Some((target, checklist)) = target else {
        return Err(Error::NothingToCompare);
    };
    let target_ref = target
        .reference()
        .ok_or_else(|| Error::NotAChecklist(target.key()))?;

    let reviewer = Reviewer::new(registry, policy, guideline);
    let mut vendors = Vec::with_capacity(documents.len());
    let mut lined_up = Vec::with_capacity(documents.len());
    for doc in documents {
        let original = doc.catalog.to_string();
        let migrated = doc.catalog.revision != target.header.revision;
        // The score is that of the document as written (what `kaiji review` says); the cells
        // follow the carried document, so that every column lines up with the newest revision.
        let score = reviewer.review(doc, options).score;
        let doc = if migrated {
            migrate(doc, registry, &target_ref)?.document
        } else {
            doc.clone()
        };
        let reviewed = reviewer.review(&doc, options);
        let departures: Vec<(String, Code)> = reviewed
            .findings
            .iter()
            .filter(|f| is_departure(f.code))
            .filter_map(|f| Some((f.item.clone()?, f.code)))
            .collect();
        let form = doc.kind.form();
        let mut totals = Totals {
            score,
            ..Totals::default()
        };
        for item in checklist.items_for(form) {
            match doc.answers.get(item.id.as_str()).and_then(|e| e.answer) {
                Some(Answer::Yes) => totals.yes += 1,
                Some(Answer::No) => totals.no += 1,
                Some(Answer::Na) => totals.na += 1,
                None => totals.unanswered += 1,
            }
        }
        totals.departures = departures
            .iter()
            .map(|(item, _)| item)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        vendors.push(Vendor {
            organisation: doc.subject.organisation.clone(),
            product: doc.subject.product.clone(),
            version: doc.subject.version.clone(),
            kind: doc.kind,
            catalog: original,
            migrated,
            totals,
        });
        lined_up.push((doc, departures));
    }

    let mut rows = Vec::new();
    for section in &checklist.sections {
        for item in &section.items {
            let id = item.id.as_str();
            if !lined_up
                .iter()
                .any(|(d, _)| item.forms.contains(&d.kind.form()))
            {
                continue;
            }
            let cells = lined_up
                .iter()
                .map(|(doc, departures)| {
                    let entry = doc.answers.get(id);
                    MatrixCell {
                        applies: item.forms.contains(&doc.kind.form()),
                        answer: entry.and_then(|e| e.answer),
                        remark: entry.map(|e| e.remark.clone()).unwrap_or_default(),
                        departure: departures
                            .iter()
                            .filter(|(i, _)| i == id)
                            .map(|(_, c)| *c)
                            .min_by_key(|c| *c != Code::PolicyViolation),
                    }
                })
                .collect();
            rows.push(MatrixRow {
                item: id.to_owned(),
                section: section.id.clone(),
                section_title: section.title.clone(),
                text: item.text.clone(),
                cells,
            });
        }
    }
    Ok(Comparison {
        catalog: target.key(),
        policy: policy.id.clone(),
        guideline: guideline.clone(),
        vendors,
        rows,
    })
}
