//! Bytes as a system inventory: an error, or an inventory whose MHLW checklist lines compute,
//! never a panic.
#![no_main]

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use kaiji_model::{mhlw::{Collected, Inventory}};
use libfuzzer_sys::fuzz_target;

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::builtin().expect("shipped catalogs load"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(inventory) = Inventory::parse("fuzz.yaml", text) else {
        return;
    };
    let none: Vec<Collected> = inventory.systems.iter().map(|_| Collected::default()).collect();
    let _ = kaiji_model::mhlw::mhlw_lines(
        &inventory,
        &none,
        &REGISTRY,
        None,
        jiff::civil::date(2026, 11, 27),
    );
});
