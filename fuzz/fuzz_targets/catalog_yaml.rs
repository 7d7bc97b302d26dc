//! Any bytes into the catalog reader and self-check: an error or issues, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(catalog) = kaiji_catalog::parse("fuzz.yaml", text) else { return };
    let Ok(mut registry) = kaiji_catalog::Registry::builtin() else { return };
    let key = catalog.key();
    if registry.add(catalog).is_ok() {
        let _ = kaiji_catalog::check(&registry, Some(&[key]));
    }
});
