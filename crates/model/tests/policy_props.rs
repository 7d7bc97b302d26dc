//! Property tests of the policy parser and the review: any text is a policy or an error, a
//! mangled shipped policy never panics the parser or the review, and every policy that parses
//! reviews every example without panicking.

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use kaiji_model::{
    Disclosure,
    review::{DEFAULT_GUIDELINE, Guideline, POLICY_TEMPLATE, Policy, ReviewOptions, review},
};
use proptest::prelude::*;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::builtin().unwrap());
static EXAMPLES: LazyLock<Vec<Disclosure>> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".kaiji.json"))
        .map(|p| Disclosure::from_json(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
});

fn review_all(policy: &Policy) {
    let options = ReviewOptions {
        today: jiff::civil::date(2026, 11, 27),
        max_age_days: None,
    };
    let guideline = Guideline::resolve(&REGISTRY, DEFAULT_GUIDELINE).unwrap();
    for doc in EXAMPLES.iter() {
        let r = review(doc, &REGISTRY, policy, &guideline, options);
        assert!(r.score.met <= r.score.total);
        for s in &r.sections {
            assert!(s.departures <= s.items && s.score.met <= s.score.total);
        }
    }
    let _ = policy.check(&REGISTRY, &guideline, jiff::civil::date(2026, 11, 27));
}

/// The shipped policies (catalog files of kind `policy`) and the plain template.
static SOURCES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalogs");
    let mut all: Vec<String> = [
        "policy-gl6-baseline.yaml",
        "policy-gl7-baseline.yaml",
        "policy-strict.yaml",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(format!("{dir}/{f}")).unwrap())
    .collect();
    all.push(POLICY_TEMPLATE.to_owned());
    all
});

fn sources() -> Vec<&'static str> {
    SOURCES.iter().map(String::as_str).collect()
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        if let Ok(policy) = Policy::read("prop.yaml", &text) {
            review_all(&policy);
        }
    }

    /// A span of a shipped policy cut, duplicated or overwritten: an error naming the file, or a
    /// policy that reviews the examples.
    #[test]
    fn mangled_policies_never_panic(
        which in 0usize..3,
        start in 0usize..2000,
        len in 0usize..60,
        insert in prop_oneof![Just(String::new()), "[\\-:{}\\[\\]* a-z0-9\n]{0,20}"],
    ) {
        let source = sources()[which];
        let start = (0..=start.min(source.len())).rev().find(|i| source.is_char_boundary(*i)).unwrap_or(0);
        let mut end = (start + len).min(source.len());
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{}{}", &source[..start], insert, &source[end..]);
        match Policy::read("prop.yaml", &text) {
            Ok(policy) => review_all(&policy),
            Err(e) => prop_assert!(e.to_string().starts_with("prop.yaml")),
        }
    }

    /// A policy written back as YAML reads back the same.
    #[test]
    fn policies_round_trip_through_yaml(which in 0usize..3) {
        let policy = Policy::read("p", sources()[which]).unwrap();
        let yaml = serde_yaml_ng::to_string(&policy).unwrap();
        prop_assert_eq!(Policy::parse("p", &yaml).unwrap(), policy);
    }
}
