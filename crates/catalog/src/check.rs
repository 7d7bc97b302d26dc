//! Self-checks of catalogs: the consistency `kaiji catalog check` reports.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::{Body, Catalog, Checklist, Mapping, Overlay, Reference, Registry, Relation, Text};

/// Stable codes of catalog self-check issues.
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
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[non_exhaustive]
pub enum IssueCode {
    /// An id occurs more than once where it must be unique.
    DuplicateId,
    /// An id is empty or has surrounding white space.
    BadId,
    /// A form is missing or not one of the checklist's forms.
    BadForm,
    /// A paraphrase is empty.
    EmptyText,
    /// A rule cannot hold (an answer the item does not allow, a condition on itself or on an
    /// item of another form).
    BadRule,
    /// A rule, overlay or mapping names an item or entry that does not exist.
    UnknownEntry,
    /// A base, `from` or `to` catalog is not loaded, or is of the wrong kind.
    UnknownCatalog,
    /// An overlay's marks contradict each other.
    BadMark,
    /// A parent is missing, or parents form a cycle.
    BadParent,
    /// A mapping entry's relation does not fit its ids.
    BadRelation,
    /// A revision-to-revision mapping leaves an item out, or a mapping onto a checklist's lines
    /// (serves, no-item) leaves a line out.
    MappingGap,
}

impl IssueCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the code means and what to do about it (`kaiji explain` shows it).
    pub fn description(self) -> Text {
        let (ja, en) = match self {
            Self::DuplicateId => (
                "一意でなければならない id が2回以上あります。どちらかの id を直してください。",
                "An id occurs more than once where it must be unique. Change one of them.",
            ),
            Self::BadId => (
                "id が空か、前後に空白があります。",
                "An id is empty or has white space around it.",
            ),
            Self::BadForm => (
                "様式がないか、チェックリストの様式(MDS/SDS)のどれでもありません。",
                "A form is missing or is not one of the checklist's forms (MDS/SDS).",
            ),
            Self::EmptyText => (
                "項目の言い換え(paraphrase)が空です。日本語と英語の両方を書いてください。",
                "A paraphrase is empty. Write both the Japanese and the English text.",
            ),
            Self::BadRule => (
                "規則が成り立ちません: 項目が許さない回答、自分自身への条件、別の様式の項目への条件のいずれかです。",
                "A rule cannot hold: an answer the item does not allow, a condition on itself, or on an item of another form.",
            ),
            Self::UnknownEntry => (
                "規則・オーバーレイ・対応表が、存在しない項目や箇所を挙げています。",
                "A rule, overlay or mapping names an item or entry that does not exist.",
            ),
            Self::UnknownCatalog => (
                "参照先のカタログ(base、from、to)が読み込まれていないか、種類が違います。--catalog-file で読み込んでください。",
                "A base, from or to catalog is not loaded, or is of the wrong kind. Load it with --catalog-file.",
            ),
            Self::BadMark => (
                "オーバーレイの印が互いに矛盾しています(例: リモートサービスに関係しない項目が通信方式の項目)。",
                "An overlay's marks contradict each other (for example an item unrelated to the remote service marked as a communication-method item).",
            ),
            Self::BadParent => (
                "親の箇所がないか、親子関係が循環しています。",
                "A parent is missing, or parents form a cycle.",
            ),
            Self::BadRelation => (
                "対応表の関係(same、renamed、split、merged、new、removed、serves、no-item)が id の数と合いません。",
                "A mapping entry's relation (same, renamed, split, merged, new, removed, serves, no-item) does not fit its ids.",
            ),
            Self::MappingGap => (
                "版から版への対応表が、ある項目を扱っていません。移行でその項目が失われないよう、関係を書いてください。",
                "A revision-to-revision mapping leaves an item out. Give its relation, so that migration does not lose it.",
            ),
        };
        Text::new(ja, en)
    }
}

/// One problem in a catalog, with the place in the file a person can find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub code: IssueCode,
    /// Where the catalog came from (path or `builtin:FILE`).
    pub origin: String,
    /// `id@revision` of the catalog.
    pub catalog: String,
    /// The entry concerned: a section, item or entry id.
    pub place: String,
    pub message: Text,
}

/// Checks the catalogs of `registry` whose keys are in `only` (all when `None`) against each
/// other and against the whole registry. Returns every issue found, in catalog order.
pub fn check(registry: &Registry, only: Option<&[String]>) -> Vec<Issue> {
    let mut issues = Vec::new();
    for catalog in registry.catalogs() {
        if only.is_some_and(|keys| !keys.contains(&catalog.key())) {
            continue;
        }
        let mut ctx = Ctx {
            catalog,
            issues: &mut issues,
        };
        if let Some(newer) = &catalog.header.superseded_by {
            match registry.resolve(newer) {
                None => ctx.push(
                    IssueCode::UnknownCatalog,
                    "superseded_by",
                    format!("置き換え先のカタログ {newer} が見つかりません"),
                    format!("the superseding catalog {newer} is not loaded"),
                ),
                Some(c) if c.key() == catalog.key() || c.header.id != catalog.header.id => ctx
                    .push(
                        IssueCode::UnknownCatalog,
                        "superseded_by",
                        format!("{newer} は同じ id の別の版ではありません"),
                        format!("{newer} is not another edition of the same id"),
                    ),
                Some(_) => {}
            }
        }
        match &catalog.body {
            Body::Checklist(c) => check_checklist(&mut ctx, c),
            Body::Overlay(o) => check_overlay(&mut ctx, registry, o),
            Body::Reference(r) => check_reference(&mut ctx, r),
            Body::Mapping(m) => check_mapping(&mut ctx, registry, m),
            // The header was checked when the file was read; what the fields mean (scales,
            // controls, policy rules) is the domain's to check: `kaiji_model::data::check`.
            Body::Data(_) => {}
        }
    }
    issues
}

struct Ctx<'a> {
    catalog: &'a Catalog,
    issues: &'a mut Vec<Issue>,
}

impl Ctx<'_> {
    fn push(&mut self, code: IssueCode, place: impl Into<String>, ja: String, en: String) {
        self.issues.push(Issue {
            code,
            origin: self.catalog.origin.clone(),
            catalog: self.catalog.key(),
            place: place.into(),
            message: Text::new(ja, en),
        });
    }

    /// Reports every id that occurs more than once.
    fn unique<'s>(&mut self, what: (&str, &str), ids: impl IntoIterator<Item = &'s str>) {
        let mut seen = BTreeMap::<&str, usize>::new();
        for id in ids {
            *seen.entry(id).or_default() += 1;
        }
        for (id, n) in seen.into_iter().filter(|(_, n)| *n > 1) {
            self.push(
                IssueCode::DuplicateId,
                id,
                format!("{} {id} が {n} 回現れます", what.0),
                format!("{} {id} occurs {n} times", what.1),
            );
        }
    }
}

fn check_checklist(ctx: &mut Ctx<'_>, list: &Checklist) {
    if list.forms.is_empty() {
        ctx.push(
            IssueCode::BadForm,
            "forms",
            "forms が空です".into(),
            "forms is empty".into(),
        );
    }
    ctx.unique(
        ("セクション", "section"),
        list.sections.iter().map(|s| s.id.as_str()),
    );
    ctx.unique(("項目", "item"), list.items().map(|i| i.id.as_str()));
    for form in &list.forms {
        ctx.unique(
            ("様式内の番号", "form number"),
            list.items_for(*form).filter_map(|i| i.no.as_deref()),
        );
    }
    for item in list.items() {
        let id = item.id.as_str();
        if item.forms.is_empty() {
            ctx.push(
                IssueCode::BadForm,
                id,
                "forms が空です".into(),
                "forms is empty".into(),
            );
        }
        for form in item.forms.difference(&list.forms) {
            ctx.push(
                IssueCode::BadForm,
                id,
                format!("様式 {form} はこのチェックリストにありません"),
                format!("form {form} is not a form of this checklist"),
            );
        }
        if item.text.ja.trim().is_empty() || item.text.en.trim().is_empty() {
            ctx.push(
                IssueCode::EmptyText,
                id,
                "text が空です".into(),
                "text is empty".into(),
            );
        }
        for answer in item.remark_required_for() {
            if !item.answer.accepts(answer) {
                ctx.push(
                    IssueCode::BadRule,
                    id,
                    format!("remark-required の回答 {answer} はこの項目で選べません"),
                    format!("remark-required answer {answer} is not allowed for this item"),
                );
            }
        }
        for cond in item.conditions() {
            match list.item(cond.item.as_str()) {
                None => ctx.push(
                    IssueCode::UnknownEntry,
                    id,
                    format!("only-if が存在しない項目 {} を参照しています", cond.item),
                    format!("only-if refers to unknown item {}", cond.item),
                ),
                Some(target) if target.id == item.id => ctx.push(
                    IssueCode::BadRule,
                    id,
                    "only-if が自分自身を参照しています".into(),
                    "only-if refers to the item itself".into(),
                ),
                Some(target) if target.forms.is_disjoint(&item.forms) => ctx.push(
                    IssueCode::BadRule,
                    id,
                    format!("only-if の参照先 {} は同じ様式にありません", cond.item),
                    format!("only-if target {} shares no form with this item", cond.item),
                ),
                Some(_) => {}
            }
        }
    }
}

fn check_overlay(ctx: &mut Ctx<'_>, registry: &Registry, overlay: &Overlay) {
    ctx.unique(
        ("項目", "item"),
        overlay.items.iter().map(|i| i.item.as_str()),
    );
    let Some(base) = registry.resolve(&overlay.base) else {
        ctx.push(
            IssueCode::UnknownCatalog,
            "base",
            format!("基になるカタログ {} が見つかりません", overlay.base),
            format!("base catalog {} not found", overlay.base),
        );
        return;
    };
    let Some(list) = base.as_checklist() else {
        ctx.push(
            IssueCode::UnknownCatalog,
            "base",
            format!("{} はチェックリストではありません", overlay.base),
            format!("{} is not a checklist", overlay.base),
        );
        return;
    };
    for mark in &overlay.items {
        if list.item(mark.item.as_str()).is_none() {
            ctx.push(
                IssueCode::UnknownEntry,
                mark.item.as_str(),
                format!("項目 {} は {} にありません", mark.item, base.key()),
                format!("item {} is not in {}", mark.item, base.key()),
            );
        }
        if mark.communication_method && !mark.rss_relevant {
            ctx.push(
                IssueCode::BadMark,
                mark.item.as_str(),
                "通信方式の項目は rss_relevant でなければなりません".into(),
                "a communication-method item must be rss_relevant".into(),
            );
        }
    }
}

fn check_reference(ctx: &mut Ctx<'_>, reference: &Reference) {
    check_parent_cycles(ctx, reference);
    ctx.unique(
        ("エントリ", "entry"),
        reference
            .entries
            .iter()
            .flat_map(|e| std::iter::once(&e.id).chain(&e.aliases))
            .map(String::as_str),
    );
    let ids: BTreeSet<&str> = reference.entries.iter().map(|e| e.id.as_str()).collect();
    for entry in &reference.entries {
        if entry.id.trim().is_empty() || entry.id.trim() != entry.id {
            ctx.push(
                IssueCode::BadId,
                &entry.id,
                "id が空か前後に空白があります".into(),
                "id is empty or has surrounding white space".into(),
            );
        }
        if let Some(parent) = &entry.parent
            && !ids.contains(parent.as_str())
        {
            ctx.push(
                IssueCode::BadParent,
                &entry.id,
                format!("親エントリ {parent} がありません"),
                format!("parent entry {parent} does not exist"),
            );
        }
    }
}

/// Reports each entry whose chain of parents comes back to itself.
fn check_parent_cycles(ctx: &mut Ctx<'_>, reference: &Reference) {
    for entry in &reference.entries {
        let mut current = entry.parent.as_deref();
        let mut steps = 0;
        while let Some(parent) = current {
            if parent == entry.id {
                ctx.push(
                    IssueCode::BadParent,
                    &entry.id,
                    "親エントリをたどると自分自身に戻ります(循環)".into(),
                    "following the parents leads back to this entry (a cycle)".into(),
                );
                break;
            }
            steps += 1;
            if steps > reference.entries.len() {
                break; // a cycle further up, reported at its own entries
            }
            current = reference.entry(parent).and_then(|e| e.parent.as_deref());
        }
    }
}

fn check_mapping(ctx: &mut Ctx<'_>, registry: &Registry, mapping: &Mapping) {
    let from = registry.resolve(&mapping.from);
    let to = registry.resolve(&mapping.to);
    for (side, r, found) in [("from", &mapping.from, from), ("to", &mapping.to, to)] {
        match found {
            None => ctx.push(
                IssueCode::UnknownCatalog,
                side,
                format!("カタログ {r} が見つかりません"),
                format!("catalog {r} not found"),
            ),
            Some(c) if matches!(c.body, Body::Mapping(_) | Body::Overlay(_) | Body::Data(_)) => ctx
                .push(
                    IssueCode::UnknownCatalog,
                    side,
                    format!("{r} は対応付けの対象になりません"),
                    format!("{r} cannot be the side of a mapping"),
                ),
            Some(_) => {}
        }
    }
    for (n, entry) in mapping.entries.iter().enumerate() {
        let place = format!(
            "entries[{n}] {}→{}",
            entry.from.join(","),
            entry.to.join(",")
        );
        let (f, t) = (entry.from.len(), entry.to.len());
        let shape_ok = match entry.relation {
            Relation::Same => f == 1 && t == 1 && entry.from == entry.to,
            Relation::Renamed => f == 1 && t == 1,
            Relation::Split => f == 1 && t >= 2,
            Relation::Merged => f >= 2 && t == 1,
            Relation::New => f == 0 && t >= 1,
            Relation::Removed => f >= 1 && t == 0,
            Relation::Serves => f >= 1 && t >= 1,
            Relation::NoItem => f == 0 && t >= 1,
        };
        if !shape_ok && entry.relation == Relation::Same && f == 1 && t == 1 {
            ctx.push(
                IssueCode::BadRelation,
                &place,
                "same は両側が同じ id のときだけ使えます(id が変わったなら renamed)".into(),
                "same needs the same id on both sides (use renamed when the id changed)".into(),
            );
        } else if !shape_ok {
            ctx.push(
                IssueCode::BadRelation,
                &place,
                format!("関係 {} と項目数 ({f}→{t}) が合いません", entry.relation),
                format!("relation {} does not fit {f}→{t} ids", entry.relation),
            );
        }
        for (ids, side) in [(&entry.from, from), (&entry.to, to)] {
            let Some(side) = side else { continue };
            for id in ids.iter().filter(|id| !side.has_entry(id)) {
                ctx.push(
                    IssueCode::UnknownEntry,
                    &place,
                    format!("{id} は {} にありません", side.key()),
                    format!("{id} is not in {}", side.key()),
                );
            }
        }
    }
    // A revision-to-revision mapping must account for every item on both sides; a mapping that
    // says which items answer the lines of another checklist (serves, no-item: the GL 7.0 別紙)
    // must account for every line of that checklist.
    let answers_lines = mapping
        .entries
        .iter()
        .any(|e| matches!(e.relation, Relation::Serves | Relation::NoItem));
    if let (true, Some(Body::Checklist(b))) = (answers_lines, to.map(|c| &c.body)) {
        let covered: BTreeSet<&str> = mapping
            .entries
            .iter()
            .flat_map(|e| e.to.iter().map(String::as_str))
            .collect();
        for item in b.items().filter(|i| !covered.contains(i.id.as_str())) {
            ctx.push(
                IssueCode::MappingGap,
                item.id.as_str(),
                format!(
                    "{} は対応表にありません(答える項目がなければ relation: no-item と書きます)",
                    item.id
                ),
                format!(
                    "{} is missing from the mapping (write relation: no-item when no item answers it)",
                    item.id
                ),
            );
        }
    } else if let (Some(Body::Checklist(a)), Some(Body::Checklist(b))) =
        (from.map(|c| &c.body), to.map(|c| &c.body))
    {
        let covered_from: BTreeSet<&str> = mapping
            .entries
            .iter()
            .flat_map(|e| e.from.iter().map(String::as_str))
            .collect();
        let covered_to: BTreeSet<&str> = mapping
            .entries
            .iter()
            .flat_map(|e| e.to.iter().map(String::as_str))
            .collect();
        for (list, covered, side) in [(a, &covered_from, "from"), (b, &covered_to, "to")] {
            for item in list.items().filter(|i| !covered.contains(i.id.as_str())) {
                ctx.push(
                    IssueCode::MappingGap,
                    item.id.as_str(),
                    format!("{side} 側の項目 {} が対応表にありません", item.id),
                    format!("{side} item {} is missing from the mapping", item.id),
                );
            }
        }
    }
}

#[cfg(test)]
mod code_tests {
    use strum::IntoEnumIterator;

    use super::IssueCode;

    #[test]
    fn every_issue_code_is_documented_in_both_languages() {
        for code in IssueCode::iter() {
            let d = code.description();
            assert!(!d.ja.is_empty() && !d.en.is_empty(), "{code}");
            assert!(d.ja.ends_with('。') && d.en.ends_with('.'), "{code}");
            assert_eq!(code.as_str(), code.to_string());
        }
    }
}
