//! Any bytes as a workbook: an error or documents with findings, never a panic. The seed corpus
//! is the committed test workbooks (see fuzz/README.md), so the fuzzer starts from real zips.
#![no_main]

use std::sync::LazyLock;

use kaiji_catalog::Registry;
use libfuzzer_sys::fuzz_target;

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::builtin().expect("shipped catalogs load"));

fuzz_target!(|data: &[u8]| {
    let options = kaiji_xlsx::ImportOptions::default();
    if let Ok(docs) = kaiji_xlsx::import(data, &REGISTRY, &options) {
        // Whatever was read must also export.
        for doc in docs {
            let _ = kaiji_xlsx::export(&doc.document, &REGISTRY, kaiji_catalog::Lang::Ja);
        }
    }
});
