//! Validation against a small fixture checklist: each finding code, with its place.

use kaiji_catalog::Registry;
use kaiji_model::{
    Code,
    disclosure::{validate_str, validate_value},
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn registry() -> Registry {
    let mut r = Registry::builtin().unwrap();
    let yaml = include_str!("fixtures/mini-checklist.yaml");
    r.add(kaiji_catalog::parse("mini-checklist.yaml", yaml).unwrap())
        .unwrap();
    r
}

fn codes_at(findings: &[kaiji_model::Finding]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| (f.code.to_string(), f.location.to_string()))
        .collect()
}

#[test]
fn one_of_each_problem_is_reported_with_its_place() {
    let text = include_str!("fixtures/one-of-each.kaiji.json");
    let findings = validate_str(text, &registry()).unwrap();
    let got = codes_at(&findings);
    let expect = [
        ("bad-date", "/subject/date"),
        ("missing-subject-field", "/subject/contact"),
        ("remark-required", "/answers/A-1/remark"),
        ("invalid-answer", "/answers/A-2/answer"),
        ("item-not-in-form", "/answers/A-3"),
        ("rule-violated", "/answers/A-4/answer"),
        ("missing-answer", "/answers/A-5"),
        ("invalid-field", "/answers/A-6/evidence"),
        ("unknown-item", "/answers/Z-9"),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
        .collect();
    assert_eq!(got, expect);
    insta::assert_json_snapshot!("one-of-each", findings);
}

#[test]
fn unknown_catalog_and_structure_problems() {
    let doc = json!({
        "kind": "pdf",
        "catalog": {"id": "jahis-mds-sds", "revision": "9.9"},
        "subject": "none",
        "answers": []
    });
    let got = codes_at(&validate_value(&doc, &registry()));
    assert_eq!(
        got,
        [
            ("invalid-field".to_owned(), "/kind".to_owned()),
            ("unknown-catalog".to_owned(), "/catalog".to_owned()),
            ("invalid-field".to_owned(), "/subject".to_owned()),
            ("invalid-field".to_owned(), "/answers".to_owned()),
        ]
    );
}

fn clean() -> Value {
    serde_json::from_str(include_str!("fixtures/clean.kaiji.json")).unwrap()
}

#[test]
fn conditional_item_needs_no_answer_when_condition_fails() {
    assert_eq!(validate_value(&clean(), &registry()), []);
}

#[test]
fn only_failing_conditions_are_reported() {
    let mut doc = clean();
    doc["answers"]["A-1"] = json!({"answer": "yes", "remark": ""});
    doc["answers"]["A-4"] = json!({"answer": "yes", "remark": ""});
    doc["answers"]["A-5"] = json!({"answer": "no", "remark": ""});
    doc["answers"]["A-7"] = json!({"answer": "no", "remark": ""});
    let findings = validate_value(&doc, &registry());
    // A-7 depends on A-1 (holds) and A-5 (fails): one rule-violated, naming A-5; and no
    // remark-required, since the item does not apply.
    assert_eq!(
        codes_at(&findings),
        [("rule-violated".to_owned(), "/answers/A-7/answer".to_owned())]
    );
    assert!(findings[0].message.en.contains("item A-5"));
}

#[test]
fn a_broken_entry_is_reported_once() {
    let mut doc = clean();
    doc["answers"]["A-5"] = json!("yes");
    assert_eq!(
        codes_at(&validate_value(&doc, &registry())),
        [("invalid-field".to_owned(), "/answers/A-5".to_owned())]
    );
}

#[test]
fn an_invalid_gate_answer_does_not_cascade() {
    let mut doc = clean();
    doc["answers"]["A-1"] = json!({"answer": "はい", "remark": ""});
    doc["answers"]["A-4"] = json!({"answer": "yes", "remark": ""});
    let findings = validate_value(&doc, &registry());
    assert_eq!(
        codes_at(&findings),
        [(
            "invalid-answer".to_owned(),
            "/answers/A-1/answer".to_owned()
        )]
    );
    assert!(findings[0].message.en.contains("write \"yes\""));
}

#[test]
fn a_bad_kind_does_not_flood_with_missing_answers() {
    let mut doc = clean();
    doc["kind"] = json!("MDS");
    doc["answers"] = json!({});
    assert_eq!(
        codes_at(&validate_value(&doc, &registry())),
        [("invalid-field".to_owned(), "/kind".to_owned())]
    );
}

#[test]
fn types_the_model_rejects_are_findings() {
    let mut doc = clean();
    doc["answers"]["A-3"]["remark"] = Value::Null;
    doc["subject"]["model"] = Value::Null;
    doc["catalog"]["edition"] = json!("x");
    let got = codes_at(&validate_value(&doc, &registry()));
    assert_eq!(
        got,
        [
            ("invalid-field".to_owned(), "/catalog/edition".to_owned()),
            ("invalid-field".to_owned(), "/subject/model".to_owned()),
            ("invalid-field".to_owned(), "/answers/A-3/remark".to_owned()),
        ]
    );
}

#[test]
fn a_cover_date_after_today_is_a_warning() {
    use kaiji_model::disclosure::future_cover_date;
    let today = jiff::civil::date(2026, 11, 27);
    let date = |s: &str| Some(s.parse::<kaiji_model::IsoDate>().unwrap());
    let f = future_cover_date(date("9999-12-31"), today).unwrap();
    assert_eq!(f.code, Code::FutureDate);
    assert_eq!(f.location.to_string(), "/subject/date");
    assert_eq!(f.severity, kaiji_model::Severity::Warning);
    assert!(
        f.message
            .en
            .contains("9999-12-31 is after today (2026-11-27)")
    );
    // Today is no warning, nor tomorrow (a cover dated in Japan, read by a clock in UTC); no
    // date is no warning either (that is missing-subject-field).
    for day in ["2026-11-27", "2026-11-28"] {
        assert_eq!(future_cover_date(date(day), today), None, "{day}");
    }
    assert!(future_cover_date(date("2026-11-29"), today).is_some());
    assert_eq!(future_cover_date(None, today), None);
    // Validation itself reads no clock: the same text gives the same findings on any day.
    let text = include_str!("fixtures/clean.kaiji.json").replace("2026-01-31", "9999-12-31");
    assert!(validate_str(&text, &registry()).unwrap().is_empty());
}

#[test]
fn duplicate_keys_are_reported() {
    let text = include_str!("fixtures/clean.kaiji.json").replace(
        "\"A-3\": {\"answer\": \"yes\", \"remark\": \"\"},",
        "\"A-3\": {\"answer\": \"yes\", \"remark\": \"\"}, \"A-3\": {\"answer\": \"no\", \"remark\": \"x\"},",
    );
    let findings = validate_str(&text, &registry()).unwrap();
    assert_eq!(
        codes_at(&findings),
        [("duplicate-key".to_owned(), "/answers/A-3".to_owned())]
    );
}

#[test]
fn every_code_is_exercised_by_these_tests() {
    use strum::IntoEnumIterator;
    let text = include_str!("fixtures/one-of-each.kaiji.json");
    let mut seen: Vec<Code> = validate_str(text, &registry())
        .unwrap()
        .iter()
        .map(|f| f.code)
        .collect();
    seen.extend([Code::UnknownCatalog, Code::DuplicateKey]);
    // Workbook import findings: the kaiji-xlsx tests provoke each of them.
    seen.extend([
        Code::UnreadableAnswer,
        Code::ConflictingAnswers,
        Code::StrayText,
        Code::FormulaWithoutValue,
        Code::CatalogNotDetected,
    ]);
    // Review findings: tests/review.rs provokes each of them.
    seen.extend([
        Code::PolicyViolation,
        Code::RemarkMissingJustification,
        Code::OutdatedRevision,
        Code::StaleDisclosure,
        Code::WaiverExpired,
        Code::PolicyNotApplicable,
    ]);
    // Remote service checks: tests/risk.rs provokes each of them.
    seen.extend([
        Code::RssNoMfa,
        Code::RssAlwaysOn,
        Code::RssSharedAccounts,
        Code::RssLogsUnreviewed,
        Code::RssDeviceUnsupported,
        Code::RssDeviceSupportUnknown,
        Code::RssKnownVulnerable,
        Code::RssRelevantNa,
        Code::RssUnrelatedAnswered,
        Code::RssCommunicationMethod,
        Code::RssRemarkWithoutControl,
    ]);
    // Policy checks: the unit test of review::policy provokes each of them.
    seen.extend([
        Code::PolicyNoChecklist,
        Code::PolicyUnknownItem,
        Code::PolicyUnknownSection,
        Code::PolicyUnknownGlEntry,
        Code::PolicySelectsNothing,
        Code::PolicyDuplicateWaiver,
    ]);
    // Threat catalogue checks: tests/risk.rs provokes each of them.
    seen.extend([
        Code::ThreatBadScale,
        Code::ThreatNoControl,
        Code::ThreatBadResponse,
        Code::ThreatUnknownControl,
    ]);
    // diff: tests/revision.rs provokes it.
    seen.push(Code::DiffOtherProduct);
    // A cover date after today: a_cover_date_after_today_is_a_warning above; far-future waiver
    // expiry and end of support: tests/review.rs and tests/risk.rs.
    seen.push(Code::FutureDate);
    // The GL 7.0 別紙 check: tests/betsushi.rs provokes every betsushi-* code.
    seen.extend(Code::iter().filter(|c| c.as_str().starts_with("betsushi-")));
    // MHLW lines: tests/inventory.rs provokes every mhlw-* code.
    seen.extend(Code::iter().filter(|c| c.as_str().starts_with("mhlw-")));
    for code in Code::iter() {
        assert!(seen.contains(&code), "{code} has no test");
    }
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let err = validate_str("{\n  \"kind\": \"mds\",\n  oops\n}", &registry()).unwrap_err();
    match err {
        kaiji_model::Error::Json(e) => {
            assert_eq!(e.position.map(|p| (p.line, p.column)), Some((3, 3)));
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop_oneof![
            Just("yes".to_owned()),
            Just("na".to_owned()),
            Just("2026-13-01".to_owned()),
            Just("jahis-mds-sds".to_owned()),
            Just("test-list".to_owned()),
            Just("A-1".to_owned()),
            ".*",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            Just("kind".to_owned()),
            Just("catalog".to_owned()),
            Just("id".to_owned()),
            Just("revision".to_owned()),
            Just("subject".to_owned()),
            Just("date".to_owned()),
            Just("answers".to_owned()),
            Just("answer".to_owned()),
            Just("remark".to_owned()),
            Just("evidence".to_owned()),
            Just("A-1".to_owned()),
            Just("A-4".to_owned()),
            ".{0,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Whatever JSON arrives, validation returns findings (never panics), each with a pointer.
    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        let registry = registry();
        for f in validate_value(&value, &registry) {
            let pointer = f.location.pointer.unwrap_or_default();
            prop_assert!(pointer.is_empty() || pointer.starts_with('/'));
        }
    }

    /// Arbitrary values put into a clean document's fields: findings, never a panic; and when
    /// no structural finding is left, the typed model reads the document too.
    #[test]
    fn validator_is_at_least_as_strict_as_the_model(
        field in prop_oneof![Just("/kind"), Just("/catalog"), Just("/catalog/revision"), Just("/subject"),
                             Just("/subject/date"), Just("/subject/model"), Just("/answers"),
                             Just("/answers/A-1"), Just("/answers/A-1/answer"), Just("/answers/A-1/remark"),
                             Just("/answers/A-1/evidence"), Just("/answers/A-1/source_text")],
        value in arb_json(),
    ) {
        let mut doc = clean();
        if let Some(slot) = doc.pointer_mut(field) {
            *slot = value;
        }
        let findings = validate_value(&doc, &registry());
        let structural = findings.iter().any(|f| matches!(
            f.code,
            Code::InvalidField | Code::InvalidAnswer | Code::BadDate | Code::MissingSubjectField
                | Code::DuplicateKey
        ));
        if !structural {
            let typed = kaiji_model::Disclosure::from_json(&doc.to_string());
            prop_assert!(typed.is_ok(), "{typed:?}\n{doc}");
        }
    }

    /// The typed validator (used by the importer) finds exactly what the JSON one finds.
    #[test]
    fn typed_and_json_validation_agree(
        changes in prop::collection::vec((0usize..50, prop::option::of(0u8..3), prop_oneof![Just(""), Just("理由")]), 0..30),
        drop_contact in any::<bool>(),
    ) {
        let registry = Registry::builtin().unwrap();
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/pacs-mds-5.0h.kaiji.json")).unwrap();
        let mut doc = kaiji_model::Disclosure::from_json(&text).unwrap();
        let ids: Vec<String> = doc.answers.keys().cloned().collect();
        for (i, answer, remark) in changes {
            let entry = doc.answers.get_mut(&ids[i % ids.len()]).unwrap();
            entry.answer = answer.map(|a| [kaiji_catalog::Answer::Yes, kaiji_catalog::Answer::No, kaiji_catalog::Answer::Na][a as usize]);
            remark.clone_into(&mut entry.remark);
        }
        if drop_contact {
            doc.subject.contact.clear();
        }
        doc.answers.insert("X-1".into(), kaiji_model::disclosure::AnswerEntry::default());
        let typed = kaiji_model::disclosure::validate_document(&doc, &registry);
        let json = validate_value(&serde_json::to_value(&doc).unwrap(), &registry);
        prop_assert_eq!(typed, json);
    }

    /// Arbitrary text is either a syntax error or a list of findings.
    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = validate_str(&text, &registry());
    }
}
