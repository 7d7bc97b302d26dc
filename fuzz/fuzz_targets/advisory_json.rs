//! Bytes as an advisory file (CISA KEV or OSV JSON): an error, or advisories that the
//! connection checks of the example profile can use, never a panic.
#![no_main]

use std::sync::LazyLock;

use kaiji_model::rss::Profile;
use libfuzzer_sys::fuzz_target;

static PROFILE: LazyLock<Profile> = LazyLock::new(|| {
    Profile::parse(
        "example",
        include_str!("../../examples/rss/pacs-remote-service.yaml"),
    )
    .expect("the example profile parses")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(advisories) = kaiji_model::rss::parse_advisories("fuzz.json", text) {
        let _ = kaiji_model::rss::check_profile(&PROFILE, &advisories, jiff::civil::date(2026, 11, 27));
    }
});
