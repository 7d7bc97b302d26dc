//! Bytes as a review policy: an error, or a policy that checks against the shipped catalogs and
//! reviews the shipped examples, never a panic.
#![no_main]

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use kaiji_model::{Disclosure, review::{Policy, ReviewOptions}};
use libfuzzer_sys::fuzz_target;

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::builtin().expect("shipped catalogs load"));
static EXAMPLES: LazyLock<Vec<Disclosure>> = LazyLock::new(|| {
    [
        include_str!("../../examples/pacs-mds-5.0h.kaiji.json"),
        include_str!("../../examples/pacs-mds-4.1.kaiji.json"),
        include_str!("../../examples/cloud-share-sds-5.0h.kaiji.json"),
    ]
    .iter()
    .map(|t| Disclosure::from_json(t).expect("examples parse"))
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::read("fuzz.yaml", text) else {
        return;
    };
    let _ = policy.check(&REGISTRY, jiff::civil::date(2026, 11, 27));
    let options = ReviewOptions {
        today: jiff::civil::date(2026, 11, 27),
        max_age_days: None,
    };
    for doc in EXAMPLES.iter() {
        let _ = kaiji_model::review::review(doc, &REGISTRY, &policy, options);
    }
});
