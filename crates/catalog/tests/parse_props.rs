//! Property tests of the catalog reader: whatever the text, an error or a catalog, never a panic;
//! a catalog that loads survives the self-check.

use kaiji_catalog::{Registry, check, parse};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("fixtures/broken-checklist.yaml");

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse("prop.yaml", &text);
    }

    /// Cutting, duplicating or overwriting a span of a real catalog file: error or catalog, and a
    /// catalog that loads can be checked.
    #[test]
    fn mangled_catalog_files_never_panic(
        start in 0usize..FIXTURE.len(),
        len in 0usize..80,
        insert in prop_oneof![Just(String::new()), "[\\-:{}\\[\\] a-z0-9\n]{0,20}".prop_map(|s| s)],
    ) {
        let start = (0..=start).rev().find(|i| FIXTURE.is_char_boundary(*i)).unwrap_or(0);
        let mut end = (start + len).min(FIXTURE.len());
        while !FIXTURE.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{}{}", &FIXTURE[..start], insert, &FIXTURE[end..]);
        if let Ok(catalog) = parse("prop.yaml", &text) {
            let key = catalog.key();
            let mut registry = Registry::builtin().unwrap();
            if registry.add(catalog).is_ok() {
                let _ = check(&registry, Some(&[key]));
            }
        }
    }
}
