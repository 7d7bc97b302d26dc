//! diff and migrate on the shipped examples: the PACS vendor's 8.4.2 disclosure (checklist 4.1)
//! and its 9.2.0 disclosure (5.0h).

use kaiji_catalog::{Answer, Registry};
use kaiji_model::{
    Code, Disclosure,
    disclosure::{ChangeKind, ReviewReason, diff, migrate, validate_document},
};

fn example(name: &str) -> Disclosure {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    Disclosure::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// (kind, item, old items, old answer, new answer)
type AnswerChange<'a> = (
    ChangeKind,
    &'a str,
    Vec<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn registry() -> Registry {
    Registry::builtin().unwrap()
}

#[test]
fn diff_across_revisions_follows_the_mapping() {
    let registry = registry();
    let d = diff(
        &example("pacs-mds-4.1.kaiji.json"),
        &example("pacs-mds-5.0h.kaiji.json"),
        &registry,
    );
    assert!(d.mapped);
    assert_eq!(
        (d.old_catalog.as_str(), d.new_catalog.as_str()),
        ("jahis-mds-sds@4.1", "jahis-mds-sds@5.0h")
    );
    let answers: Vec<AnswerChange<'_>> = d
        .changes
        .iter()
        .filter(|c| c.field == "answer" && c.kind != ChangeKind::New)
        .map(|c| {
            (
                c.kind,
                c.item.as_deref().unwrap(),
                c.old_items.iter().map(String::as_str).collect(),
                c.old.as_deref(),
                c.new.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        answers,
        [
            // Encryption of media taken out: the 9.2.0 PDI CDs are no longer encrypted.
            (
                ChangeKind::Regressed,
                "SDS-C07-01",
                vec!["MDS-6.9-01"],
                Some("yes"),
                Some("no")
            ),
            (
                ChangeKind::Improved,
                "MDS-C13-01",
                vec!["MDS-6.5-13"],
                Some("no"),
                Some("yes")
            ),
            (
                ChangeKind::Improved,
                "SDS-C13-02",
                vec!["SDS-6.11-01"],
                None,
                Some("yes")
            ),
            (
                ChangeKind::Improved,
                "SDS-C13-03",
                vec!["SDS-6.11-01"],
                None,
                Some("yes")
            ),
            (
                ChangeKind::Improved,
                "MDS-C14-03",
                vec!["MDS-6.5-03"],
                Some("no"),
                Some("yes")
            ),
            (ChangeKind::Removed, "MDS-6.4-01", vec![], Some("yes"), None),
            (ChangeKind::Removed, "MDS-6.5-02", vec![], Some("yes"), None),
        ]
    );
    assert_eq!(d.count(ChangeKind::New), 8);
    let cover: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.item.is_none())
        .map(|c| c.field.as_str())
        .collect();
    assert_eq!(
        cover,
        [
            "subject.model",
            "subject.version",
            "subject.date",
            "subject.description"
        ]
    );
    // A renamed item whose remark is unchanged in substance but reworded is a modification.
    assert!(
        d.changes
            .iter()
            .any(|c| c.item.as_deref() == Some("MDS-C14-05")
                && c.field == "remark"
                && c.kind == ChangeKind::Modified)
    );
}

#[test]
fn diff_within_a_revision_labels_each_change() {
    let registry = registry();
    let old = example("pacs-mds-5.0h.kaiji.json");
    let mut new = old.clone();
    new.subject.version = "9.3.0".into();
    new.answers.get_mut("MDS-C14-02").unwrap().answer = Some(Answer::Yes);
    new.answers.get_mut("MDS-C13-01").unwrap().answer = Some(Answer::No);
    new.answers
        .get_mut("MDS-C14-05")
        .unwrap()
        .remark
        .push_str("(9.3.0 で既定値を変更)");
    new.answers.remove("MDS-C16-01");
    let d = diff(&old, &new, &registry);
    let got: Vec<(ChangeKind, Option<&str>, &str)> = d
        .changes
        .iter()
        .map(|c| (c.kind, c.item.as_deref(), c.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (ChangeKind::Modified, None, "subject.version"),
            (ChangeKind::Regressed, Some("MDS-C13-01"), "answer"),
            (ChangeKind::Improved, Some("MDS-C14-02"), "answer"),
            (ChangeKind::Modified, Some("MDS-C14-05"), "remark"),
            (ChangeKind::Removed, Some("MDS-C16-01"), "answer"),
        ]
    );
    assert!(diff(&old, &old, &registry).changes.is_empty());
    // What a question on an item of the old version is marked with: answer or remark changed, removed.
    for item in ["MDS-C13-01", "MDS-C14-02", "MDS-C14-05", "MDS-C16-01"] {
        assert!(d.answer_changed(item), "{item}");
    }
    assert!(!d.answer_changed("MDS-C00-01"));
    let mut evidence_only = old.clone();
    evidence_only
        .answers
        .get_mut("MDS-C00-01")
        .unwrap()
        .evidence
        .push("新しい資料".into());
    assert!(!diff(&old, &evidence_only, &registry).answer_changed("MDS-C00-01"));
}

/// Across revisions a question names the old version's item: it is marked when the item it became changed.
#[test]
fn answer_changed_follows_the_mapping_to_the_old_item() {
    let registry = registry();
    let d = diff(
        &example("pacs-mds-4.1.kaiji.json"),
        &example("pacs-mds-5.0h.kaiji.json"),
        &registry,
    );
    let change = d
        .changes
        .iter()
        .find(|c| !c.old_items.is_empty() && matches!(c.field.as_str(), "answer" | "remark"))
        .expect("a mapped change of an answer or remark");
    for old_item in &change.old_items {
        assert!(d.answer_changed(old_item), "{old_item}");
    }
}

#[test]
fn migration_carries_answers_and_lists_what_needs_review() {
    let registry = registry();
    let old = example("pacs-mds-4.1.kaiji.json");
    let m = migrate(&old, &registry, &"jahis-mds-sds@5.0".parse().unwrap()).unwrap();
    assert_eq!(m.document.catalog.to_string(), "jahis-mds-sds@5.0h");
    assert_eq!((m.carried.len(), m.review.len()), (27, 15));
    assert_eq!(m.removed, ["MDS-6.4-01", "MDS-6.5-02"]);
    // Renamed: the answer, remark and evidence come along unchanged.
    assert_eq!(m.document.answers["MDS-C14-02"], old.answers["MDS-6.5-04"]);
    // New items are left unanswered; a split item says in its remark what the old item said.
    let reason = |id: &str| m.review.iter().find(|r| r.item == id).map(|r| r.reason);
    assert_eq!(reason("MDS-C14-06"), Some(ReviewReason::New));
    assert_eq!(reason("MDS-C16-02"), Some(ReviewReason::Split));
    assert_eq!(m.document.answers["MDS-C14-06"].answer, None);
    let split = &m.document.answers["MDS-C16-02"];
    assert_eq!(split.answer, None);
    assert!(
        split
            .remark
            .starts_with("[jahis-mds-sds@4.1 MDS-6.5-08: はい]"),
        "{}",
        split.remark
    );
    // Nothing is lost: the removed items stay in the document.
    let kept = &m.document.extra["migration"]["removed"];
    assert_eq!(kept["MDS-6.5-02"]["answer"], "yes");
    // The migrated document validates: the only findings are the items listed for review.
    let findings = validate_document(&m.document, &registry);
    assert!(!findings.is_empty());
    for f in &findings {
        assert_eq!(f.code, Code::MissingAnswer, "{f:?}");
        assert!(
            m.review
                .iter()
                .any(|r| Some(r.item.as_str()) == f.item.as_deref()),
            "{f:?}"
        );
    }
    // And it survives a JSON round trip with the record of the migration.
    let back = Disclosure::from_json(&m.document.to_json()).unwrap();
    assert_eq!(back, m.document);
}

#[test]
fn migration_without_a_mapping_is_an_error() {
    let registry = registry();
    let doc = example("pacs-mds-5.0h.kaiji.json");
    let e = migrate(&doc, &registry, &"jahis-mds-sds@4.1".parse().unwrap()).unwrap_err();
    assert!(
        e.to_string()
            .contains("jahis-mds-sds@5.0h から jahis-mds-sds@4.1"),
        "{e}"
    );
}

#[test]
fn a_document_against_its_own_migration_has_no_regression() {
    let registry = registry();
    let old = example("pacs-mds-4.1.kaiji.json");
    let m = migrate(&old, &registry, &"jahis-mds-sds@5.0".parse().unwrap()).unwrap();
    let d = diff(&old, &m.document, &registry);
    assert_eq!(d.count(ChangeKind::Regressed), 0, "{:#?}", d.changes);
    // New items nobody answered are not changes ("- → -").
    assert!(
        d.changes.iter().all(|c| c.old.is_some() || c.new.is_some()),
        "{:#?}",
        d.changes
    );
    assert_eq!(d.count(ChangeKind::New), 0);
    // Each split item left unanswered for review is its own kind; the remark migrate wrote
    // (the old answer, as context) is no change.
    let split: Vec<&str> = m
        .review
        .iter()
        .filter(|r| r.reason == ReviewReason::Split)
        .filter(|r| {
            r.from
                .iter()
                .any(|f| old.answers.get(f).is_some_and(|e| e.answer.is_some()))
        })
        .map(|r| r.item.as_str())
        .collect();
    let pending: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::NeedsReview)
        .filter_map(|c| c.item.as_deref())
        .collect();
    assert_eq!(pending, split);
    assert_eq!(d.count(ChangeKind::Modified), 0, "{:#?}", d.changes);
    assert!(d.findings.is_empty());
}

#[test]
fn a_new_item_answered_or_remarked_is_still_new() {
    let registry = registry();
    let old = example("pacs-mds-4.1.kaiji.json");
    let mut new = migrate(&old, &registry, &"jahis-mds-sds@5.0".parse().unwrap())
        .unwrap()
        .document;
    new.answers.get_mut("MDS-C14-06").unwrap().answer = Some(Answer::Yes);
    new.answers.get_mut("MDS-C13-02").unwrap().remark = "確認中".into();
    // A split item the vendor answers no: worse than the old yes.
    new.answers.get_mut("MDS-C16-02").unwrap().answer = Some(Answer::No);
    let d = diff(&old, &new, &registry);
    let got: Vec<(ChangeKind, &str, &str)> = d
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Removed)
        .map(|c| (c.kind, c.item.as_deref().unwrap(), c.field.as_str()))
        .filter(|(k, _, _)| *k != ChangeKind::NeedsReview)
        .collect();
    assert_eq!(
        got,
        [
            (ChangeKind::New, "MDS-C13-02", "remark"),
            (ChangeKind::New, "MDS-C14-06", "answer"),
            (ChangeKind::Regressed, "MDS-C16-02", "answer"),
        ]
    );
}

#[test]
fn diff_of_two_products_warns_and_names_both() {
    let registry = registry();
    let old = example("pacs-mds-5.0h.kaiji.json");
    let mut other = old.clone();
    other.subject.organisation = "株式会社ほかのメーカー".into();
    other.subject.product = "OtherView RIS".into();
    let d = diff(&old, &other, &registry);
    assert_eq!(d.findings.len(), 1);
    let f = &d.findings[0];
    assert_eq!(f.code, Code::DiffOtherProduct);
    assert_eq!(f.severity, kaiji_model::Severity::Warning);
    for name in ["SampleView PACS", "OtherView RIS", "ほかのメーカー"] {
        assert!(
            f.message.ja.contains(name) && f.message.en.contains(name),
            "{f:?}"
        );
    }
    // Spacing, case and the company form do not make another product.
    let mut same = old.clone();
    same.subject.organisation = old.subject.organisation.replace("株式会社", "");
    same.subject.product = old.subject.product.to_uppercase().replace(' ', "  ");
    assert!(diff(&old, &same, &registry).findings.is_empty());
}

#[test]
fn one_release_is_one_organisation_product_and_version() {
    use kaiji_model::disclosure::{same_product, same_release};
    let a = example("pacs-mds-5.0h.kaiji.json").subject;
    let mut b = a.clone();
    b.product = format!(" {} ", a.product.to_lowercase());
    assert!(same_product(&a, &b) && same_release(&a, &b));
    b.version = "9.2.1".into();
    assert!(same_product(&a, &b) && !same_release(&a, &b));
    b.organisation = "株式会社ほかのメーカー".into();
    assert!(!same_product(&a, &b));
}
