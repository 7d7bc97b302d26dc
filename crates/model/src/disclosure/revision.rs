//! Versions and revisions: what changed between two disclosures of one product (`diff`), and
//! carrying a disclosure to a newer checklist revision (`migrate`). Both follow the revision
//! mapping files (`catalogs/map-*-4.1-5.0h.yaml`): same, renamed, split, merged, new, removed.

use std::collections::{BTreeMap, BTreeSet};

use kaiji_catalog::{Answer, Catalog, CatalogRef, Checklist, MapEntry, Registry, Relation, Text};
use serde::Serialize;
use serde_json::Value;
use strum::IntoEnumIterator;

use crate::diag::{Code, Finding, Location};
use crate::disclosure::{AnswerEntry, SubjectField};
use crate::{CatalogId, Disclosure, Error};

/// The checklist a document answers.
fn checklist_of<'r>(
    registry: &'r Registry,
    id: &CatalogId,
) -> Option<(&'r Catalog, &'r Checklist)> {
    registry.checklist_for(id)
}

/// The entries of the mapping from one checklist revision to another, if a mapping file links
/// them.
fn mapping_entries<'r>(
    registry: &'r Registry,
    from: &Catalog,
    to: &Catalog,
) -> Option<&'r [MapEntry]> {
    registry.catalogs().iter().find_map(|c| {
        let m = c.as_mapping()?;
        let f = registry.resolve(&m.from)?;
        let t = registry.resolve(&m.to)?;
        (f.key() == from.key() && t.key() == to.key()).then_some(m.entries.as_slice())
    })
}

// ------------------------------------------------------------------------------------------
// diff

/// How a change reads for the hospital.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::EnumIter,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ChangeKind {
    /// A worse answer (はい → いいえ, an answer taken away).
    Regressed,
    /// A better answer (いいえ → はい, an answer given).
    Improved,
    /// Something else changed: the remark, evidence, a cover field, はい ↔ 該当なし.
    Modified,
    /// An item the old version did not have.
    New,
    /// An item the new version no longer has.
    Removed,
    /// An old answer that was not carried to its successor: a split item asks something
    /// narrower, so it waits for an answer (as `kaiji migrate` leaves it). Not a regression.
    NeedsReview,
}

impl ChangeKind {
    pub fn label(self) -> Text {
        match self {
            Self::Regressed => Text::new("後退", "regressed"),
            Self::Improved => Text::new("改善", "improved"),
            Self::Modified => Text::new("変更", "modified"),
            Self::New => Text::new("新規", "new"),
            Self::Removed => Text::new("削除", "removed"),
            Self::NeedsReview => Text::new("要確認", "needs review"),
        }
    }
}

/// One change between two versions of a disclosure.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    pub kind: ChangeKind,
    /// The item in the new version (or the old one, for a removed item); `None` for the cover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The old version's items, when they differ from `item` (another revision).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub old_items: Vec<String>,
    /// `answer`, `remark`, `evidence` or `subject.<field>`.
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// How the mapping file relates the old items to the new one, across revisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
}

/// What changed between two versions.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocDiff {
    pub old_catalog: String,
    pub new_catalog: String,
    /// False when the two revisions have no mapping file: items were compared by id.
    pub mapped: bool,
    pub changes: Vec<Change>,
    /// Warnings about the comparison itself (`diff-other-product`: the two files are not
    /// versions of one product).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

impl DocDiff {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// Whether the answer or the remark of the old version's item `item` changed: a change of that
    /// field on the item itself, on the item it became in another revision (it is among the change's
    /// old items), or the item added or removed. What a question asked on the old version is marked
    /// with when it is listed with the new one.
    pub fn answer_changed(&self, item: &str) -> bool {
        self.changes.iter().any(|c| {
            let about = if c.old_items.is_empty() {
                c.item.as_deref() == Some(item)
            } else {
                c.old_items.iter().any(|i| i == item)
            };
            about && matches!(c.field.as_str(), "answer" | "remark")
        })
    }
}

fn answer_text(a: Option<Answer>) -> Option<String> {
    a.map(|a| a.to_string())
}

/// Compares two answers: better, worse or only different. An answer that a split took away
/// (the narrower successor is not answered yet) needs review; it is not a regression.
fn answer_change(
    old: Option<Answer>,
    new: Option<Answer>,
    relation: Option<Relation>,
) -> Option<ChangeKind> {
    use Answer::{Na, No, Yes};
    Some(match (old, new) {
        (a, b) if a == b => return None,
        (Some(_), None) if relation == Some(Relation::Split) => ChangeKind::NeedsReview,
        (Some(_), None) | (Some(Yes | Na), Some(No)) => ChangeKind::Regressed,
        (None, Some(Yes | Na)) | (Some(No), Some(Yes | Na)) => ChangeKind::Improved,
        _ => ChangeKind::Modified,
    })
}

/// The changes between two entries of one item (or of mapped items).
fn entry_changes(
    item: &str,
    old_items: &[String],
    relation: Option<Relation>,
    old: &AnswerEntry,
    new: &AnswerEntry,
    out: &mut Vec<Change>,
) {
    let change = |kind, field: &str, o: Option<String>, n: Option<String>| Change {
        kind,
        item: Some(item.to_owned()),
        old_items: old_items.to_vec(),
        field: field.to_owned(),
        old: o,
        new: n,
        relation,
    };
    if let Some(kind) = answer_change(old.answer, new.answer, relation) {
        out.push(change(
            kind,
            "answer",
            answer_text(old.answer),
            answer_text(new.answer),
        ));
    }
    if old.remark.trim() != new.remark.trim() {
        out.push(change(
            ChangeKind::Modified,
            "remark",
            Some(old.remark.clone()).filter(|r| !r.is_empty()),
            Some(new.remark.clone()).filter(|r| !r.is_empty()),
        ));
    }
    if old.evidence != new.evidence {
        out.push(change(
            ChangeKind::Modified,
            "evidence",
            Some(old.evidence.join("\n")).filter(|r| !r.is_empty()),
            Some(new.evidence.join("\n")).filter(|r| !r.is_empty()),
        ));
    }
}

/// Several old entries seen as one (a merged item): their common answer, if they agree, and
/// their remarks joined.
fn merged_entry(old: &Disclosure, ids: &[String]) -> AnswerEntry {
    let entries: Vec<Option<&AnswerEntry>> = ids.iter().map(|i| old.answers.get(i)).collect();
    let answers: BTreeSet<Option<Answer>> =
        entries.iter().map(|e| e.and_then(|e| e.answer)).collect();
    let mut merged = AnswerEntry {
        answer: match answers.len() {
            1 => answers.into_iter().next().flatten(),
            _ => None,
        },
        ..AnswerEntry::default()
    };
    // One old item keeps its remark as it was; several are labelled with their ids.
    let remarks: Vec<String> = ids
        .iter()
        .zip(&entries)
        .filter_map(|(id, e)| {
            e.filter(|e| !e.remark.trim().is_empty()).map(|e| {
                if ids.len() == 1 {
                    e.remark.clone()
                } else {
                    format!("[{id}] {}", e.remark.trim())
                }
            })
        })
        .collect();
    merged.remark = remarks.join("\n");
    merged.evidence = entries
        .iter()
        .flatten()
        .flat_map(|e| e.evidence.clone())
        .collect();
    merged
}

/// What changed from `old` to `new`: answers (regressed / improved / modified), remarks,
/// evidence, cover fields, items new and removed. Two revisions of one checklist are compared
/// through their mapping file; without one, by item id (and `mapped` says so).
pub fn diff(old: &Disclosure, new: &Disclosure, registry: &Registry) -> DocDiff {
    let mut changes = Vec::new();
    for field in SubjectField::iter() {
        let (o, n) = (old.subject.text(field), new.subject.text(field));
        if o != n {
            changes.push(Change {
                kind: ChangeKind::Modified,
                item: None,
                old_items: Vec::new(),
                field: format!("subject.{}", field.key()),
                old: Some(o).filter(|s| !s.is_empty()),
                new: Some(n).filter(|s| !s.is_empty()),
                relation: None,
            });
        }
    }
    let old_list = checklist_of(registry, &old.catalog);
    let new_list = checklist_of(registry, &new.catalog);
    let entries = match (old_list, new_list) {
        (Some((o, _)), Some((n, _))) if o.key() != n.key() => mapping_entries(registry, o, n),
        _ => None,
    };
    let mapped = entries.is_some() || old.catalog == new.catalog;
    let empty = AnswerEntry::default();
    match entries {
        Some(entries) => {
            let mut seen_old: BTreeSet<&str> = BTreeSet::new();
            let mut seen_new: BTreeSet<&str> = BTreeSet::new();
            for entry in entries {
                seen_old.extend(entry.from.iter().map(String::as_str));
                seen_new.extend(entry.to.iter().map(String::as_str));
                match entry.relation {
                    Relation::Removed => {
                        for id in entry.from.iter().filter(|i| old.answers.contains_key(*i)) {
                            changes.push(removed(id, &old.answers[id], Some(entry.relation)));
                        }
                    }
                    Relation::New => {
                        for id in entry.to.iter().filter(|i| new.answers.contains_key(*i)) {
                            changes.push(added(id, &new.answers[id], Some(entry.relation)));
                        }
                    }
                    relation => {
                        let old_entry = merged_entry(old, &entry.from);
                        // Only the items of the new document's form (a split can reach into
                        // the other form).
                        let in_form = |id: &&String| {
                            new.answers.contains_key(*id)
                                || new_list.is_some_and(|(_, l)| {
                                    l.item(id)
                                        .is_some_and(|i| i.forms.contains(&new.kind.form()))
                                })
                        };
                        // A split item's remark as `migrate` wrote it repeats the old answer:
                        // no change of its own.
                        let note = (relation == Relation::Split)
                            .then(|| split_note(old, &entry.from))
                            .filter(|n| !n.is_empty());
                        for id in entry.to.iter().filter(in_form) {
                            let mut new_entry = new.answers.get(id).unwrap_or(&empty);
                            let unchanged;
                            if note.as_deref() == Some(new_entry.remark.trim()) {
                                unchanged = AnswerEntry {
                                    remark: old_entry.remark.clone(),
                                    ..new_entry.clone()
                                };
                                new_entry = &unchanged;
                            }
                            entry_changes(
                                id,
                                &entry.from,
                                Some(relation),
                                &old_entry,
                                new_entry,
                                &mut changes,
                            );
                        }
                    }
                }
            }
            // Items the mapping does not name (kept unknown items, say) compare by id.
            let rest_old: BTreeSet<&str> = old
                .answers
                .keys()
                .map(String::as_str)
                .filter(|i| !seen_old.contains(i))
                .collect();
            for id in new
                .answers
                .keys()
                .filter(|i| !seen_new.contains(i.as_str()))
            {
                match old
                    .answers
                    .get(id)
                    .filter(|_| rest_old.contains(id.as_str()))
                {
                    Some(o) => entry_changes(id, &[], None, o, &new.answers[id], &mut changes),
                    None => changes.push(added(id, &new.answers[id], None)),
                }
            }
            for id in rest_old.iter().filter(|i| !new.answers.contains_key(**i)) {
                changes.push(removed(id, &old.answers[*id], None));
            }
        }
        None => {
            let ids: BTreeSet<&String> = old.answers.keys().chain(new.answers.keys()).collect();
            for id in ids {
                match (old.answers.get(id), new.answers.get(id)) {
                    (Some(o), Some(n)) => entry_changes(id, &[], None, o, n, &mut changes),
                    (Some(o), None) => changes.push(removed(id, o, None)),
                    (None, Some(n)) => changes.push(added(id, n, None)),
                    (None, None) => {}
                }
            }
        }
    }
    // Cover first, then the new checklist's order (removed items by the old one's).
    let order = |c: &Change| -> (usize, usize) {
        let Some(item) = &c.item else {
            return (0, 0);
        };
        let position = |list: Option<(&Catalog, &Checklist)>| {
            list.and_then(|(_, l)| l.items().position(|i| i.id.as_str() == item))
        };
        match c.kind {
            ChangeKind::Removed => (2, position(old_list).unwrap_or(usize::MAX)),
            _ => (1, position(new_list).unwrap_or(usize::MAX)),
        }
    };
    changes.sort_by_key(|c| order(c));
    // A new item nobody answered yet is not a change ("- → -").
    changes.retain(|c| c.kind != ChangeKind::New || c.new.is_some());
    DocDiff {
        old_catalog: old.catalog.to_string(),
        new_catalog: new.catalog.to_string(),
        mapped,
        changes,
        findings: other_product(old, new).into_iter().collect(),
    }
}

/// A name compared without spaces, letter case or the company form (株式会社 …).
fn name_key(s: &str) -> String {
    s.replace("株式会社", "")
        .replace("有限会社", "")
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '\u{ff08}' | '\u{ff09}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether two covers name one organisation and product (compared without spaces, letter case
/// or the company form).
pub fn same_product(a: &crate::disclosure::Subject, b: &crate::disclosure::Subject) -> bool {
    name_key(&a.organisation) == name_key(&b.organisation)
        && name_key(&a.product) == name_key(&b.product)
}

/// Whether two covers name one organisation, product and version: two disclosures of one
/// release, which a review or comparison would count twice.
pub fn same_release(a: &crate::disclosure::Subject, b: &crate::disclosure::Subject) -> bool {
    same_product(a, b) && a.version.trim() == b.version.trim()
}

/// What [`same_release`] compares, as a key: two covers name one release exactly when their keys
/// are equal, so many documents can be grouped in one pass instead of compared pairwise.
pub fn release_key(s: &crate::disclosure::Subject) -> (String, String, String) {
    (
        name_key(&s.organisation),
        name_key(&s.product),
        s.version.trim().to_owned(),
    )
}

/// `diff-other-product` when the two documents name another organisation or product: what the
/// diff shows then are not changes of one product.
fn other_product(old: &Disclosure, new: &Disclosure) -> Option<Finding> {
    let (o, n) = (&old.subject, &new.subject);
    if same_product(o, n) {
        return None;
    }
    let side = |s: &crate::disclosure::Subject| {
        format!("{} {} {}", s.organisation, s.product, s.version)
            .trim()
            .to_owned()
    };
    let (was, is) = (side(o), side(n));
    Some(Finding::new(
        Code::DiffOtherProduct,
        Location::pointer(["subject"]),
        Text::new(
            format!(
                "2つの開示書は別の製品のものです(旧: {was}、新: {is})。差分は同じ製品の版どうしを比べたものではありません"
            ),
            format!(
                "the two disclosures are for different products (old: {was}; new: {is}); the differences are not those between two versions of one product"
            ),
        ),
    ))
}

/// A new item as a change: its answer, or (unanswered) its remark or evidence; `None` when the
/// entry is empty.
fn added(id: &str, entry: &AnswerEntry, relation: Option<Relation>) -> Change {
    let (field, new) = if entry.answer.is_some() {
        ("answer", answer_text(entry.answer))
    } else if !entry.remark.trim().is_empty() {
        ("remark", Some(entry.remark.clone()))
    } else if !entry.evidence.is_empty() {
        ("evidence", Some(entry.evidence.join("\n")))
    } else {
        ("answer", None)
    };
    Change {
        kind: ChangeKind::New,
        item: Some(id.to_owned()),
        old_items: Vec::new(),
        field: field.into(),
        old: None,
        new,
        relation,
    }
}

fn removed(id: &str, entry: &AnswerEntry, relation: Option<Relation>) -> Change {
    Change {
        kind: ChangeKind::Removed,
        item: Some(id.to_owned()),
        old_items: Vec::new(),
        field: "answer".into(),
        old: answer_text(entry.answer),
        new: None,
        relation,
    }
}

// ------------------------------------------------------------------------------------------
// migrate

/// What `migrate` writes in the remark of a split item: each old item's answer and remark, as
/// context for the person who answers the narrower item.
fn split_note(document: &Disclosure, from: &[String]) -> String {
    let said: Vec<String> = from
        .iter()
        .filter_map(|f| document.answers.get(f).map(|e| (f, e)))
        .map(|(f, e)| {
            let answer = e.answer.map_or("-", |a| match a {
                Answer::Yes => "はい",
                Answer::No => "いいえ",
                Answer::Na => "該当なし",
            });
            format!("[{} {f}: {answer}] {}", document.catalog, e.remark.trim())
                .trim_end()
                .to_owned()
        })
        .collect();
    said.join("\n")
}

/// Why a migrated item needs a person to look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ReviewReason {
    /// The item is new in the target revision.
    New,
    /// One old item became several: each asks something narrower, so the old answer is not
    /// carried (its remark is, as context).
    Split,
    /// Several old items became one and their answers differ.
    MergedConflict,
    /// The mapping file does not name the item.
    Unmapped,
    /// The old document did not answer the item's predecessor.
    NotAnswered,
}

impl ReviewReason {
    pub fn label(self) -> Text {
        match self {
            Self::New => Text::new("新設項目", "new item"),
            Self::Split => Text::new(
                "分割された項目(旧回答は備考に記載)",
                "split item (old answer in the remark)",
            ),
            Self::MergedConflict => Text::new(
                "統合された項目の旧回答が一致しない",
                "merged item whose old answers differ",
            ),
            Self::Unmapped => Text::new("対応表にない項目", "item not in the mapping"),
            Self::NotAnswered => Text::new(
                "旧版の対応する項目が未回答",
                "the old item was not answered",
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Carried {
    pub item: String,
    pub from: Vec<String>,
    pub relation: Relation,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NeedsReview {
    pub item: String,
    pub from: Vec<String>,
    pub reason: ReviewReason,
}

/// A document carried to another revision, and what became of each item.
#[derive(Debug, Clone, Serialize)]
pub struct Migration {
    pub document: Disclosure,
    /// Items whose answer, remark and evidence were carried over.
    pub carried: Vec<Carried>,
    /// Items left unanswered for a person to answer.
    pub review: Vec<NeedsReview>,
    /// Old items with no counterpart; kept under `migration.removed` in the document.
    pub removed: Vec<String>,
}

/// Carries `document` to the checklist `to` through the revision mapping. Same and renamed items
/// keep their answer, remark and evidence; merged items keep a common answer when the old ones
/// agree; split, new and unmapped items are left unanswered and listed for review (a split
/// item's remark says what the old item answered). Nothing is invented and nothing is lost: old
/// items without a counterpart stay in the document under `migration.removed`.
pub fn migrate(
    document: &Disclosure,
    registry: &Registry,
    to: &CatalogRef,
) -> Result<Migration, Error> {
    let (from_catalog, _) = checklist_of(registry, &document.catalog)
        .ok_or_else(|| Error::NotAChecklist(document.catalog.to_string()))?;
    let (to_catalog, to_list) = registry
        .checklist(to)
        .ok_or_else(|| Error::NotAChecklist(to.to_string()))?;
    let form = document.kind.form();
    if !to_list.forms.contains(&form) {
        return Err(Error::FormNotInCatalog {
            catalog: to_catalog.key(),
            form: form.to_string(),
        });
    }
    let entries = if from_catalog.key() == to_catalog.key() {
        &[][..]
    } else {
        mapping_entries(registry, from_catalog, to_catalog).ok_or_else(|| Error::NoMapping {
            from: from_catalog.key(),
            to: to_catalog.key(),
        })?
    };
    let mut answers = BTreeMap::new();
    let (mut carried, mut review) = (Vec::new(), Vec::new());
    let same = from_catalog.key() == to_catalog.key();
    for item in to_list.items_for(form) {
        let id = item.id.as_str();
        if same {
            if let Some(e) = document.answers.get(id) {
                answers.insert(id.to_owned(), e.clone());
            }
            continue;
        }
        let entry = entries.iter().find(|e| e.to.iter().any(|t| t == id));
        let mut new_entry = AnswerEntry::default();
        let Some(entry) = entry else {
            review.push(NeedsReview {
                item: id.to_owned(),
                from: Vec::new(),
                reason: ReviewReason::Unmapped,
            });
            answers.insert(id.to_owned(), new_entry);
            continue;
        };
        let olds: Vec<&AnswerEntry> = entry
            .from
            .iter()
            .filter_map(|f| document.answers.get(f))
            .collect();
        let reason = match entry.relation {
            Relation::Same | Relation::Renamed if olds.len() == 1 => {
                new_entry = olds[0].clone();
                None
            }
            Relation::Merged => {
                let merged = merged_entry(document, &entry.from);
                let agreed = merged.answer.is_some() || olds.iter().all(|o| o.answer.is_none());
                new_entry = merged;
                (!agreed).then_some(ReviewReason::MergedConflict)
            }
            Relation::Split => {
                new_entry.remark = split_note(document, &entry.from);
                Some(ReviewReason::Split)
            }
            Relation::New => Some(ReviewReason::New),
            // Same or renamed, but the old document lacks the item.
            _ => Some(ReviewReason::NotAnswered),
        };
        match reason {
            Some(reason) => review.push(NeedsReview {
                item: id.to_owned(),
                from: entry.from.clone(),
                reason,
            }),
            None if !olds.is_empty() => carried.push(Carried {
                item: id.to_owned(),
                from: entry.from.clone(),
                relation: entry.relation,
            }),
            None => {}
        }
        answers.insert(id.to_owned(), new_entry);
    }
    // Old items with no counterpart, and items the old document had that its checklist did
    // not know: kept, not dropped.
    let mapped_from: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.relation != Relation::Removed)
        .flat_map(|e| e.from.iter().map(String::as_str))
        .collect();
    let removed_entries: BTreeMap<String, &AnswerEntry> = document
        .answers
        .iter()
        .filter(|(id, _)| {
            if same {
                !answers.contains_key(*id)
            } else {
                !mapped_from.contains(id.as_str())
            }
        })
        .map(|(id, e)| (id.clone(), e))
        .collect();
    let mut extra = document.extra.clone();
    let mut record = serde_json::Map::new();
    record.insert("from".into(), Value::String(document.catalog.to_string()));
    if !removed_entries.is_empty() {
        record.insert(
            "removed".into(),
            serde_json::to_value(&removed_entries).expect("answers serialise"),
        );
    }
    if !review.is_empty() {
        record.insert(
            "needs_review".into(),
            Value::Array(
                review
                    .iter()
                    .map(|r| Value::String(r.item.clone()))
                    .collect(),
            ),
        );
    }
    extra.insert("migration".into(), Value::Object(record));
    let document = Disclosure {
        kind: document.kind,
        catalog: CatalogId::of(&to_catalog.header),
        subject: document.subject.clone(),
        answers,
        extra,
    };
    Ok(Migration {
        document,
        carried,
        review,
        removed: removed_entries.into_keys().collect(),
    })
}
