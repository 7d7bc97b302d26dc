//! Reviews of the shipped examples against the shipped policies: concrete findings (item, code,
//! GL reference), scores, waivers, stale and outdated documents.

use jiff::civil::date;
use kaiji_catalog::Confidence;
use kaiji_catalog::{Answer, Registry};
use kaiji_model::{
    Code, Disclosure, Severity,
    diag::GlRef,
    review::{Guideline, Policy, Review, ReviewOptions},
};

/// The review citing GL 6.0, as the tests below that name 6.0 entries want.
fn review(
    doc: &Disclosure,
    registry: &Registry,
    policy: &Policy,
    options: ReviewOptions,
) -> Review {
    citing("mhlw-gl@6.0", doc, registry, policy, options)
}

fn citing(
    edition: &str,
    doc: &Disclosure,
    registry: &Registry,
    policy: &Policy,
    options: ReviewOptions,
) -> Review {
    let guideline = Guideline::resolve(registry, edition).unwrap();
    kaiji_model::review::review(doc, registry, policy, &guideline, options)
}

fn ids(refs: &[GlRef]) -> Vec<&str> {
    refs.iter().map(|r| r.id.as_str()).collect()
}

fn example(name: &str) -> Disclosure {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    Disclosure::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn options() -> ReviewOptions {
    ReviewOptions {
        today: date(2026, 11, 27),
        max_age_days: None,
    }
}

fn codes(r: &Review) -> Vec<(Code, Option<&str>, Severity)> {
    r.findings
        .iter()
        .map(|f| (f.code, f.item.as_deref(), f.severity))
        .collect()
}

#[test]
fn baseline_accepts_a_justified_no_and_strict_does_not() {
    let registry = Registry::builtin().unwrap();
    let doc = example("pacs-mds-5.0h.kaiji.json");
    // MDS-C14-02 (multi-factor authentication) is answered no, with a remark saying why.
    assert_eq!(doc.answers["MDS-C14-02"].answer, Some(Answer::No));
    let baseline = review(
        &doc,
        &registry,
        &Policy::builtin("gl6-baseline").unwrap(),
        options(),
    );
    assert_eq!(codes(&baseline), []);
    assert_eq!(baseline.score.percent(), Some(100));

    let strict = review(
        &doc,
        &registry,
        &Policy::builtin("strict").unwrap(),
        options(),
    );
    let violation = strict
        .findings
        .iter()
        .find(|f| f.item.as_deref() == Some("MDS-C14-02"))
        .unwrap();
    assert_eq!(violation.code, Code::PolicyViolation);
    assert_eq!(ids(&violation.refs), ["システム運用編 14"]);
    assert_eq!(violation.refs[0].confidence, Confidence::V);
    assert_eq!(
        violation.location.pointer.as_deref(),
        Some("/answers/MDS-C14-02/answer")
    );
    assert!(violation.message.ja.contains("GL 6.0: システム運用編 14"));
    // C14 items weigh 3 under strict's gl6-access rule: one departure of 6 items there.
    let c14 = strict.sections.iter().find(|s| s.id == "C14").unwrap();
    assert_eq!((c14.items, c14.departures), (6, 1));
    assert_eq!((c14.score.met, c14.score.total), (15, 18));
    let touched: Vec<(&str, usize)> = strict
        .gl
        .iter()
        .map(|g| (g.id.as_str(), g.departures))
        .collect();
    assert!(
        touched.contains(&("システム運用編", strict.findings.len())),
        "{touched:?}"
    );
    assert!(touched.contains(&("システム運用編 14", 1)), "{touched:?}");
}

#[test]
fn a_no_without_a_remark_needs_a_justification() {
    let registry = Registry::builtin().unwrap();
    let mut doc = example("pacs-mds-5.0h.kaiji.json");
    doc.answers.get_mut("MDS-C13-01").unwrap().answer = Some(Answer::No);
    doc.answers.get_mut("MDS-C13-01").unwrap().remark.clear();
    let r = review(
        &doc,
        &registry,
        &Policy::builtin("gl6-baseline").unwrap(),
        options(),
    );
    let found: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.item.as_deref() == Some("MDS-C13-01"))
        .map(|f| (f.code, ids(&f.refs).join(",")))
        .collect();
    assert!(
        found.contains(&(
            Code::RemarkMissingJustification,
            "システム運用編 13".to_owned()
        )),
        "{found:?}"
    );
    assert!(r.score.percent().unwrap() < 100);
}

#[test]
fn waivers_hold_until_they_expire() {
    let registry = Registry::builtin().unwrap();
    let doc = example("pacs-mds-5.0h.kaiji.json");
    let yaml = |expires: &str| {
        format!(
            "id: w\ntitle: {{ja: w, en: w}}\nrules:\n  - {{id: mfa, select: {{items: [MDS-C14-02]}}, require: [yes]}}\nwaivers:\n  - {{item: MDS-C14-02, product: SampleView PACS, reason: 二要素認証は次版で対応, expires: {expires}}}\n"
        )
    };
    let active = review(
        &doc,
        &registry,
        &Policy::parse("w", &yaml("2027-03-31")).unwrap(),
        options(),
    );
    assert_eq!(codes(&active), []);
    assert_eq!(active.waived.len(), 1);
    assert_eq!(active.waived[0].item, "MDS-C14-02");

    let expired = review(
        &doc,
        &registry,
        &Policy::parse("w", &yaml("2026-10-31")).unwrap(),
        options(),
    );
    assert_eq!(
        codes(&expired),
        [
            (Code::PolicyViolation, Some("MDS-C14-02"), Severity::Error),
            (Code::WaiverExpired, Some("MDS-C14-02"), Severity::Warning),
        ]
    );
    assert!(expired.waived.is_empty());
}

#[test]
fn old_revisions_and_old_documents_are_flagged() {
    let registry = Registry::builtin().unwrap();
    let doc = example("pacs-mds-4.1.kaiji.json");
    let r = review(
        &doc,
        &registry,
        &Policy::builtin("gl6-baseline").unwrap(),
        options(),
    );
    let flagged: Vec<Code> = r.findings.iter().map(|f| f.code).collect();
    assert_eq!(flagged, [Code::OutdatedRevision, Code::StaleDisclosure]);
    assert!(
        r.findings[1].message.en.contains("1152 days ago"),
        "{}",
        r.findings[1].message.en
    );
    // 4.1 items serve GL 6.0 through their 5.0h successors, so the policy still covers them.
    assert!(r.score.total > 0);
    // A caller's age limit wins over the policy's.
    let r = review(
        &doc,
        &registry,
        &Policy::builtin("gl6-baseline").unwrap(),
        ReviewOptions {
            max_age_days: Some(2000),
            ..options()
        },
    );
    assert_eq!(
        r.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [Code::OutdatedRevision]
    );
}

#[test]
fn a_document_the_policy_is_not_for_gets_a_finding_not_a_crash() {
    let registry = Registry::builtin().unwrap();
    let doc = example("pacs-mds-5.0h.kaiji.json");
    let policy = Policy::parse(
        "p",
        "id: p\ntitle: {ja: p, en: p}\napplies_to: [other-checklist]\nrules:\n  - {id: r, select: {items: ['*']}, require: [yes]}\n",
    )
    .unwrap();
    let r = review(&doc, &registry, &policy, options());
    assert_eq!(
        codes(&r),
        [(Code::PolicyNotApplicable, None, Severity::Warning)]
    );
    assert_eq!(r.score.percent(), None);

    let mut unknown = doc;
    unknown.catalog.id = "no-such-checklist".into();
    let r = review(
        &unknown,
        &registry,
        &Policy::builtin("gl6-baseline").unwrap(),
        options(),
    );
    assert_eq!(r.findings[0].code, Code::UnknownCatalog);
}

#[test]
fn a_waiver_that_never_ends_is_a_warning() {
    let registry = Registry::builtin().unwrap();
    let yaml = |expires: &str| {
        format!(
            "id: p\ntitle: {{ja: a, en: a}}\napplies_to: [jahis-mds-sds]\nrules:\n  - {{id: r, select: {{sections: [C14]}}, require: [yes]}}\nwaivers:\n  - {{item: MDS-C14-02, reason: r, expires: {expires}}}\n"
        )
    };
    let policy = Policy::parse("p.yaml", &yaml("9999-12-31")).unwrap();
    let today = date(2026, 11, 27);
    let gl7 = Guideline::resolve(&registry, "mhlw-gl@7.0").unwrap();
    let found = policy.check(&registry, &gl7, today);
    let far: Vec<_> = found
        .iter()
        .filter(|f| f.code == Code::FutureDate)
        .collect();
    assert_eq!(far.len(), 1, "{found:?}");
    assert_eq!(far[0].severity, Severity::Warning);
    assert_eq!(far[0].location.to_string(), "/waivers/0/expires");
    assert!(
        far[0].message.en.contains("9999-12-31"),
        "{:?}",
        far[0].message
    );
    let policy = Policy::parse("p.yaml", &yaml("2027-03-31")).unwrap();
    assert!(
        policy
            .check(&registry, &gl7, today)
            .iter()
            .all(|f| f.code != Code::FutureDate),
        "{:?}",
        policy.check(&registry, &gl7, today)
    );
}

/// Reviews cite GL 7.0 or 6.0 as asked; the entries' confidence goes with them; gl6-baseline
/// (whose selectors name 6.0 entries) selects the same items whichever edition is cited, and
/// gl7-baseline adds the 保守委託機関編 two-factor rule.
#[test]
fn reviews_cite_the_edition_asked_for() {
    let registry = Registry::builtin().unwrap();
    let doc = example("pacs-mds-5.0h.kaiji.json");
    let strict = Policy::builtin("strict").unwrap();
    let seven = citing("mhlw-gl@7.0", &doc, &registry, &strict, options());
    let six = review(&doc, &registry, &strict, options());
    assert_eq!(seven.guideline.key, "mhlw-gl@7.0");
    assert_eq!(six.guideline.key, "mhlw-gl@6.0");
    let mfa = |r: &Review| {
        r.findings
            .iter()
            .find(|f| f.item.as_deref() == Some("MDS-C14-02"))
            .cloned()
            .unwrap()
    };
    let (f7, f6) = (mfa(&seven), mfa(&six));
    assert_eq!(
        ids(&f7.refs),
        [
            "システム運用編 14",
            "保守委託機関編 9④",
            "保守委託機関編 9⑤"
        ]
    );
    assert_eq!(
        f7.refs.iter().map(|r| r.confidence).collect::<Vec<_>>(),
        [Confidence::U, Confidence::I, Confidence::I]
    );
    assert!(
        f7.message
            .ja
            .contains("[GL 7.0: システム運用編 14 (確度 U), 保守委託機関編 9④ (確度 I)"),
        "{}",
        f7.message.ja
    );
    assert!(
        f7.message
            .en
            .contains("[GL 7.0: Control part 14 (confidence U)"),
        "{}",
        f7.message.en
    );
    assert!(
        f6.message.ja.contains("[GL 6.0: システム運用編 14]"),
        "{}",
        f6.message.ja
    );
    // The same items, the same scores: the selectors of strict name 6.0 entries.
    assert_eq!(seven.score, six.score);
    assert_eq!(seven.findings.len(), six.findings.len());
    let touched = |r: &Review| -> Vec<(String, Confidence)> {
        r.gl.iter().map(|g| (g.id.clone(), g.confidence)).collect()
    };
    assert!(touched(&seven).contains(&("保守委託機関編 9".to_owned(), Confidence::I)));
    assert!(touched(&seven).contains(&("システム運用編 14".to_owned(), Confidence::U)));
    assert!(
        !touched(&six)
            .iter()
            .any(|(id, _)| id.starts_with("保守委託機関編"))
    );
    assert!(touched(&six).contains(&("システム運用編 14".to_owned(), Confidence::V)));

    // gl6-baseline accepts the justified no under either citation; gl7-baseline's 2FA rule
    // (保守委託機関編 9④⑤) does not accept a no, remark or not.
    for edition in ["mhlw-gl@7.0", "mhlw-gl@6.0"] {
        let r = citing(
            edition,
            &doc,
            &registry,
            &Policy::builtin("gl6-baseline").unwrap(),
            options(),
        );
        assert_eq!(codes(&r), [], "{edition}");
    }
    let gl7 = Policy::builtin("gl7-baseline").unwrap();
    let r = citing("mhlw-gl@7.0", &doc, &registry, &gl7, options());
    assert_eq!(
        codes(&r),
        [(Code::PolicyViolation, Some("MDS-C14-02"), Severity::Warning)]
    );
    assert!(
        r.findings[0].message.ja.contains("規則 gl7-2fa"),
        "{}",
        r.findings[0].message.ja
    );
    // Citing 6.0, gl7-baseline (its selectors name 7.0 entries) still selects through the mapping.
    let r6 = citing("mhlw-gl@6.0", &doc, &registry, &gl7, options());
    assert_eq!(codes(&r6), codes(&r));
    assert_eq!(ids(&r6.findings[0].refs), ["システム運用編 14"]);
}
