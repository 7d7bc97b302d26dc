//! kaiji's own layout: document → export → import gives the same document back.

use std::path::Path;

use kaiji_catalog::{Answer, Lang, Registry};
use kaiji_model::Disclosure;
use kaiji_xlsx::{ImportOptions, export, import};
use proptest::prelude::*;

fn registry() -> Registry {
    Registry::builtin().unwrap()
}

fn example(name: &str) -> Disclosure {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    Disclosure::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn round_trip(doc: &Disclosure, lang: Lang) -> Disclosure {
    let registry = registry();
    let bytes = export(doc, &registry, lang).unwrap();
    let mut imported = import(&bytes, &registry, &ImportOptions::default()).unwrap();
    assert_eq!(imported.len(), 1, "one checklist sheet");
    imported.remove(0).document
}

#[test]
fn examples_round_trip_in_both_languages() {
    for name in [
        "pacs-mds-5.0h.kaiji.json",
        "cloud-share-sds-5.0h.kaiji.json",
        "pacs-mds-4.1.kaiji.json",
    ] {
        let doc = example(name);
        for lang in [Lang::Ja, Lang::En] {
            assert_eq!(round_trip(&doc, lang), doc, "{name} ({lang})");
        }
    }
}

#[test]
fn imported_examples_validate_as_the_json_does() {
    let registry = registry();
    let doc = example("pacs-mds-5.0h.kaiji.json");
    let bytes = export(&doc, &registry, Lang::Ja).unwrap();
    let imported = import(&bytes, &registry, &ImportOptions::default()).unwrap();
    assert_eq!(
        imported[0].findings,
        [],
        "a clean document imports without findings"
    );
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 ]{0,20}",
        "[あ-んア-ン一-龠、。]{1,30}",
        " [a-z]{1,5}\n[a-z]{0,5} ",
        "\\PC{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Answers, remarks, evidence, unknown items and extra fields all survive export → import.
    #[test]
    fn any_document_round_trips(
        answers in prop::collection::vec((0usize..58, prop::option::of(prop_oneof![Just(Answer::Yes), Just(Answer::No), Just(Answer::Na)]), arb_text()), 0..20),
        evidence in prop::collection::vec("[a-z./:]{1,20}( [a-z]{1,4})?", 0..3),
        product in arb_text(),
        unknown_remark in arb_text(),
        extra in prop::option::of("[a-z]{1,8}"),
    ) {
        let mut doc = example("cloud-share-sds-5.0h.kaiji.json");
        let ids: Vec<String> = doc.answers.keys().cloned().collect();
        for (i, answer, remark) in answers {
            let entry = doc.answers.get_mut(&ids[i % ids.len()]).unwrap();
            entry.answer = answer;
            entry.remark = remark;
            entry.evidence.clone_from(&evidence);
        }
        doc.subject.product = product;
        doc.answers.insert("VENDOR-1".into(), kaiji_model::disclosure::AnswerEntry {
            answer: Some(Answer::Yes),
            remark: unknown_remark,
            source_text: Some("独自の確認項目".into()),
            ..Default::default()
        });
        if let Some(key) = extra {
            doc.extra.insert(key.clone(), serde_json::json!({"kept": true}));
            doc.answers.get_mut(&ids[0]).unwrap().extra.insert(key, serde_json::json!(1));
        }
        prop_assert_eq!(round_trip(&doc, Lang::Ja), doc);
    }
}
