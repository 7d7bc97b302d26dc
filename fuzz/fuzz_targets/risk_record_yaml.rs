//! Bytes as a facility risk record of the GL 7.0 別紙 check: an error, or a record that the
//! check of the shipped examples takes, never a panic; a record that parses also serialises and
//! reads back the same.
#![no_main]

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use kaiji_model::Disclosure;
use kaiji_model::betsushi::{Input, RecordInput, RiskRecord, check};
use libfuzzer_sys::fuzz_target;

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::builtin().expect("shipped catalogs load"));
static EXAMPLES: LazyLock<Vec<Disclosure>> = LazyLock::new(|| {
    [
        include_str!("../../examples/betsushi/cloud-share-sds.kaiji.json"),
        include_str!("../../examples/betsushi/pacs-mds-9.3.kaiji.json"),
    ]
    .iter()
    .map(|t| Disclosure::from_json(t).expect("examples parse"))
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(record) = RiskRecord::parse("fuzz.yaml", text) else {
        return;
    };
    let again = serde_yaml_ng::to_string(&record).expect("a record serialises");
    assert_eq!(
        RiskRecord::parse("again.yaml", &again).ok().as_ref(),
        Some(&record)
    );
    let inputs: Vec<Input<'_>> = EXAMPLES
        .iter()
        .map(|document| Input {
            file: "example.kaiji.json",
            document,
        })
        .collect();
    let _ = check(
        &REGISTRY,
        &inputs,
        Some(RecordInput {
            file: "fuzz.yaml",
            record: &record,
        }),
        jiff::civil::date(2026, 12, 1),
    );
});
