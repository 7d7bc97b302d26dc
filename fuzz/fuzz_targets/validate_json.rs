//! Any bytes into the disclosure reader and validator: an error or findings, never a panic.
#![no_main]

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use libfuzzer_sys::fuzz_target;

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::builtin().expect("shipped catalogs load"));

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kaiji_model::disclosure::validate_str(text, &REGISTRY);
        let _ = kaiji_model::Disclosure::from_json(text);
    }
});
