//! Property tests of kaiji-sbom: the advisory reader never panics on any bytes; version order is
//! a total order consistent with parsing; range membership agrees with a naive check.

use std::cmp::Ordering;

use kaiji_sbom::Version;
use kaiji_sbom::advisory::{self, Format};
use kaiji_sbom::version::{Range, RangeEnd};
use proptest::prelude::*;

const KEV: &str = include_str!("../../../examples/rss/advisories/kev-sample.json");
const OSV: &str = include_str!("../../../examples/rss/advisories/osv-sample.json");

/// Cuts `len` bytes from `start` of `bytes` and puts `insert` there.
fn mangle(bytes: &[u8], start: usize, len: usize, insert: &[u8]) -> Vec<u8> {
    let start = start.min(bytes.len());
    let end = (start + len).min(bytes.len());
    [&bytes[..start], insert, &bytes[end..]].concat()
}

/// Parses, and checks what any outcome must satisfy.
fn parse_holds(bytes: &[u8]) -> Result<(), TestCaseError> {
    match advisory::parse("in.json", bytes) {
        Ok(all) => {
            for a in &all {
                prop_assert!(!a.id.is_empty() || a.source == Format::Osv);
                // Only KEV entries are exploited, and every one of them is.
                prop_assert_eq!(a.exploited, a.source == Format::Kev);
            }
        }
        Err(e) => {
            prop_assert!(
                e.message_ja().starts_with("in.json: "),
                "{}",
                e.message_ja()
            );
            prop_assert!(
                e.message_en().starts_with("in.json: "),
                "{}",
                e.message_en()
            );
            prop_assert_eq!(e.to_string(), e.message_ja());
        }
    }
    Ok(())
}

/// Version-like text: digits, letters, dots, dashes, sometimes long digit runs.
fn version_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}",
        "[0-9a-z]{1,3}([.\\-][0-9a-z]{1,3}){0,3}",
        "0{0,3}[0-9]{1,25}\\.[0-9]{1,2}",
        "[Rrv]?[0-9]{1,2}[a-h]?",
    ]
}

/// JSON built from the words both formats use, so that the reader gets past the syntax and the
/// format detection into its field checks.
fn advisory_like_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    const KEYS: &[&str] = &[
        "vulnerabilities",
        "vulns",
        "affected",
        "id",
        "cveID",
        "vendorProject",
        "product",
        "shortDescription",
        "knownRansomwareCampaignUse",
        "package",
        "name",
        "ranges",
        "type",
        "events",
        "introduced",
        "fixed",
        "last_affected",
        "versions",
        "summary",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("0".to_owned()),
            Just("GIT".to_owned()),
            Just(String::new()),
            "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}",
            "[a-z ]{0,12}(through|before|and earlier)? [0-9]\\.[0-9]",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(proptest::sample::select(KEYS), inner, 0..6).prop_map(
                |m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            ),
        ]
    })
}

fn v(s: &str) -> Version {
    s.parse().unwrap()
}

/// Dotted numbers, and their naive order: the numbers compared as a list.
fn dotted() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::vec(0u32..20, 1..4)
}

fn text(parts: &[u32]) -> String {
    parts
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any bytes at all: advisories or an error naming the file in both languages.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_holds(&bytes)?;
    }

    /// JSON of the right words in any shape.
    #[test]
    fn advisory_like_json_never_panics(value in advisory_like_json()) {
        parse_holds(value.to_string().as_bytes())?;
    }

    /// The sample KEV and OSV files cut or overwritten anywhere.
    #[test]
    fn mangled_samples_never_panic(
        osv in any::<bool>(),
        start in 0usize..3000,
        len in 0usize..40,
        insert in prop_oneof![
            Just(Vec::new()),
            proptest::collection::vec(any::<u8>(), 0..8),
            "[\\[\\]{}\",:0-9a-z. ]{0,20}".prop_map(String::into_bytes),
        ],
    ) {
        let sample = if osv { OSV } else { KEV };
        parse_holds(&mangle(sample.as_bytes(), start, len, &insert))?;
    }

    /// Version order is total and agrees with equality and hashing; parsing the printed
    /// version gives the same version.
    #[test]
    fn version_order_is_total(a in version_text(), b in version_text(), c in version_text()) {
        use std::hash::{BuildHasher, RandomState};
        let (a, b, c) = (v(&a), v(&b), v(&c));
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
        prop_assert_eq!(a.partial_cmp(&b), Some(a.cmp(&b)));
        if a <= b && b <= c {
            prop_assert!(a <= c);
        }
        if a == b {
            let hasher = RandomState::new();
            prop_assert_eq!(hasher.hash_one(&a), hasher.hash_one(&b));
        }
        for x in [&a, &b, &c] {
            let again = v(&x.to_string());
            prop_assert_eq!(&again, x);
            prop_assert_eq!(again.as_str(), x.as_str());
        }
    }

    /// Sorting is stable under shuffling (a total order sorts one way only).
    #[test]
    fn sorting_is_deterministic(mut list in proptest::collection::vec(version_text(), 0..12)) {
        let mut sorted: Vec<Version> = list.iter().map(|s| v(s)).collect();
        sorted.sort();
        list.reverse();
        let mut again: Vec<Version> = list.iter().map(|s| v(s)).collect();
        again.sort();
        prop_assert_eq!(&sorted, &again);
        prop_assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
    }

    /// On dotted numbers the order is the numbers' order, leading zeros aside.
    #[test]
    fn dotted_versions_order_by_their_numbers(a in dotted(), b in dotted(), zeros in 0usize..3) {
        let padded = format!("{}{}", "0".repeat(zeros), text(&a));
        prop_assert_eq!(v(&padded).cmp(&v(&text(&b))), a.cmp(&b));
    }

    /// `contains` agrees with the naive comparison of the numbers.
    #[test]
    fn range_contains_agrees_with_a_naive_check(
        version in dotted(),
        introduced in proptest::option::of(dotted()),
        end in prop_oneof![
            Just(None),
            dotted().prop_map(|e| Some((true, e))),
            dotted().prop_map(|e| Some((false, e))),
        ],
    ) {
        let range = Range {
            introduced: introduced.as_ref().map(|i| v(&text(i))),
            end: match &end {
                None => RangeEnd::Open,
                Some((true, e)) => RangeEnd::Fixed(v(&text(e))),
                Some((false, e)) => RangeEnd::LastAffected(v(&text(e))),
            },
        };
        let naive = introduced.as_ref().is_none_or(|i| &version >= i)
            && match &end {
                None => true,
                Some((true, fixed)) => &version < fixed,
                Some((false, last)) => &version <= last,
            };
        prop_assert_eq!(range.contains(&v(&text(&version))), naive, "{} in {}", text(&version), range);
    }
}
