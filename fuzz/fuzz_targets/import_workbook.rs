//! Any bytes as a workbook: an error or documents with findings, never a panic. The seed corpus
//! is the committed test workbooks (see fuzz/README.md), so the fuzzer starts from real zips.
#![no_main]

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use libfuzzer_sys::fuzz_target;

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::builtin().expect("shipped catalogs load"));

/// kaiji contains panics of the third-party container parsers (read_workbook catches them and
/// reports the file as corrupt). libFuzzer's panic hook aborts on any panic, so it is replaced by
/// one that lets panics raised inside calamine unwind to that catch; every other panic still
/// aborts and is reported as a crash.
static HOOK: LazyLock<()> = LazyLock::new(|| {
    std::panic::set_hook(Box::new(|info| {
        let in_calamine = info.location().is_some_and(|l| l.file().contains("/calamine-"));
        if !in_calamine {
            std::process::abort();
        }
    }));
});

fuzz_target!(|data: &[u8]| {
    LazyLock::force(&HOOK);
    let options = kaiji_xlsx::ImportOptions::default();
    // The same bytes as a system inventory kept in Excel.
    let _ = kaiji_xlsx::read_inventory(data, "fuzz", &options.limits);
    if let Ok(docs) = kaiji_xlsx::import(data, &REGISTRY, &options) {
        // Whatever was read must also export.
        for doc in docs {
            let _ = kaiji_xlsx::export(&doc.document, &REGISTRY, kaiji_catalog::Lang::Ja);
        }
    }
});
