//! Bytes (not only UTF-8) as an advisory file (CISA KEV or OSV JSON, `kaiji_sbom::advisory::parse`):
//! an error naming the file in both languages, or advisories that the connection checks of the
//! example profile can use, never a panic.
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
    match kaiji_sbom::advisory::parse("fuzz.json", data) {
        Ok(advisories) => {
            let _ =
                kaiji_model::rss::check_profile(&PROFILE, &advisories, jiff::civil::date(2026, 11, 27));
        }
        Err(e) => {
            // Both messages exist for every error, and both name the file.
            assert!(e.message_ja().starts_with("fuzz.json: "));
            assert!(e.message_en().starts_with("fuzz.json: "));
        }
    }
});
