//! Bytes as a remote service profile: an error, or a profile whose risk register, connection
//! checks and RSS SDS compute, never a panic.
#![no_main]

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use kaiji_model::{rss::{Profile, RiskSettings}};
use libfuzzer_sys::fuzz_target;

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::builtin().expect("shipped catalogs load"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The same bytes as SLA terms: an SLA of the example service is written from them.
    if let Ok(terms) = kaiji_model::rss::Terms::parse("fuzz.yaml", text) {
        let example = Profile::parse(
            "example",
            include_str!("../../examples/rss/pacs-remote-service.yaml"),
        )
        .expect("the example profile parses");
        let threats = kaiji_model::rss::threats().expect("shipped threats load");
        let register = kaiji_model::rss::register(
            &example,
            &threats,
            RiskSettings::default(),
            jiff::civil::date(2026, 11, 27),
        );
        let _ = kaiji_model::rss::sla(&example, &terms, &register);
    }
    let Ok(profile) = Profile::parse("fuzz.yaml", text) else {
        return;
    };
    let today = jiff::civil::date(2026, 11, 27);
    let threats = kaiji_model::rss::threats().expect("shipped threats load");
    let _ = kaiji_model::rss::register(&profile, &threats, RiskSettings::default(), today);
    let _ = kaiji_model::rss::check_profile(&profile, &[], today);
    if let Some(catalog) = REGISTRY.resolve(&"jahis-mds-sds@5.0h".parse().expect("a reference")) {
        let _ = kaiji_model::rss::rss_sds(&profile, catalog, &REGISTRY, today);
    }
});
