//! The vendors × items matrix of the shipped examples.

use kaiji_catalog::{Answer, Registry};
use kaiji_model::{
    Code, Disclosure, Error,
    review::{DEFAULT_GUIDELINE, Guideline, Policy, ReviewOptions},
};

/// The comparison citing the default edition (GL 7.0).
fn compare(
    docs: &[Disclosure],
    registry: &Registry,
    policy: &Policy,
    options: ReviewOptions,
) -> Result<kaiji_model::review::Comparison, Error> {
    let guideline = Guideline::resolve(registry, DEFAULT_GUIDELINE).unwrap();
    let c = kaiji_model::review::compare(docs, registry, policy, &guideline, options)?;
    assert_eq!(c.guideline.key, "mhlw-gl@7.0");
    Ok(c)
}

fn example(name: &str) -> Disclosure {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    Disclosure::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn options() -> ReviewOptions {
    ReviewOptions {
        today: jiff::civil::date(2026, 11, 27),
        max_age_days: None,
    }
}

#[test]
fn vendors_line_up_item_by_item_across_revisions() {
    let registry = Registry::builtin().unwrap();
    let docs = [
        example("pacs-mds-5.0h.kaiji.json"),
        example("pacs-mds-4.1.kaiji.json"),
        example("cloud-share-sds-5.0h.kaiji.json"),
    ];
    let c = compare(
        &docs,
        &registry,
        &Policy::builtin("strict").unwrap(),
        options(),
    )
    .unwrap();
    assert_eq!(c.catalog, "jahis-mds-sds@5.0h");
    assert_eq!(c.vendors.len(), 3);
    assert!(!c.vendors[0].migrated && c.vendors[1].migrated);
    assert_eq!(c.vendors[1].catalog, "jahis-mds-sds@4.1");
    // Every item of either form, once, in checklist order.
    assert_eq!(c.rows.len(), 83);
    let row = |id: &str| c.rows.iter().find(|r| r.item == id).unwrap();
    // MFA: no (with a reason) in 9.2.0, carried from 4.1 as no as well; the SDS has no such item.
    let mfa = row("MDS-C14-02");
    assert_eq!(mfa.cells[0].answer, Some(Answer::No));
    assert_eq!(mfa.cells[0].departure, Some(Code::PolicyViolation));
    assert!(mfa.cells[0].remark.contains("9.2.0 では未対応"));
    assert_eq!(mfa.cells[1].answer, Some(Answer::No));
    assert!(!mfa.cells[2].applies);
    // A new 5.0h item the 4.1 document could not answer.
    let sbom = row("MDS-C08-04");
    assert_eq!(
        (sbom.cells[0].answer, sbom.cells[1].answer),
        (Some(Answer::Yes), None)
    );
    // Unanswered: counted as unanswered, never as a departure (one definition with review).
    assert_eq!(sbom.cells[1].departure, None);
    assert!(c.vendors[1].totals.unanswered > 0);
    // Totals add up to the form's items.
    for v in &c.vendors {
        let t = v.totals;
        let form_items = c
            .rows
            .iter()
            .filter(|r| r.cells[c.vendors.iter().position(|x| std::ptr::eq(x, v)).unwrap()].applies)
            .count();
        assert_eq!(
            t.yes + t.no + t.na + t.unanswered,
            form_items,
            "{}",
            v.label()
        );
    }
    assert_eq!(c.vendors[0].totals.departures, 3);
}

#[test]
fn different_checklists_and_nothing_are_clear_errors() {
    let registry = Registry::builtin().unwrap();
    let policy = Policy::builtin("gl6-baseline").unwrap();
    assert!(matches!(
        compare(&[], &registry, &policy, options()),
        Err(Error::NothingToCompare)
    ));
    let mut other = example("pacs-mds-5.0h.kaiji.json");
    other.catalog.id = "iso27001-annex-a".into();
    other.catalog.revision = "2022".into();
    let e = compare(
        &[example("pacs-mds-5.0h.kaiji.json"), other],
        &registry,
        &policy,
        options(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("iso27001-annex-a"), "{e}");
}

/// One definition of score and departure: a vendor's score in the comparison is the score
/// `review` gives the same document, a migrated 4.1 one too; the departures total counts the
/// cells marked as departures, and an unanswered item is never one.
#[test]
fn compare_and_review_agree_on_score_and_departures() {
    let registry = Registry::builtin().unwrap();
    let policy = Policy::builtin("gl6-baseline").unwrap();
    let docs = [
        example("pacs-mds-4.1.kaiji.json"),
        example("pacs-mds-5.0h.kaiji.json"),
    ];
    let c = compare(&docs, &registry, &policy, options()).unwrap();
    let guideline = Guideline::resolve(&registry, DEFAULT_GUIDELINE).unwrap();
    let reviewer = kaiji_model::review::Reviewer::new(&registry, &policy, &guideline);
    for (i, doc) in docs.iter().enumerate() {
        let review = reviewer.review(doc, options());
        assert_eq!(c.vendors[i].totals.score, review.score, "vendor {i}");
        let marked = c
            .rows
            .iter()
            .filter(|r| r.cells[i].departure.is_some())
            .count();
        assert_eq!(c.vendors[i].totals.departures, marked, "vendor {i}");
        for row in &c.rows {
            let cell = &row.cells[i];
            if let Some(code) = cell.departure {
                assert!(
                    matches!(
                        code,
                        Code::PolicyViolation | Code::RemarkMissingJustification
                    ),
                    "{}: {code}",
                    row.item
                );
                assert!(
                    cell.answer.is_some(),
                    "{}: unanswered is no departure",
                    row.item
                );
            }
        }
    }
    assert!(c.vendors[0].migrated);
    assert_eq!(c.vendors[0].totals.score.percent(), Some(100));
    assert!(
        kaiji_model::review::Comparison::definitions()
            .ja
            .contains("kaiji review と同じ")
    );
}
