//! The CISA Known Exploited Vulnerabilities catalogue (`known_exploited_vulnerabilities.json`),
//! with the version ranges its descriptions state in words.

use serde_json::Value;

use super::{Advisory, Format, child};
use crate::version::{Range, RangeEnd, Version};
use crate::{Error, ErrorKind, Expected};

/// Reads a KEV catalogue: an object whose `vulnerabilities` lists entries with `cveID`,
/// `vendorProject` and `product` (strings); `vulnerabilityName`, `shortDescription` and
/// `knownRansomwareCampaignUse` are read when present.
pub fn parse(origin: &str, bytes: &[u8]) -> Result<Vec<Advisory>, Error> {
    from_value(origin, &super::json(origin, bytes)?)
}

/// [`parse`] of a document already read as JSON.
pub fn from_value(origin: &str, value: &Value) -> Result<Vec<Advisory>, Error> {
    let bad = |pointer: String, expected| Error::new(origin, ErrorKind::Kev { pointer, expected });
    let list = value
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("/vulnerabilities".into(), Expected::Array))?;
    let mut out = Vec::with_capacity(list.len());
    for (n, entry) in list.iter().enumerate() {
        let at = child("/vulnerabilities", n);
        if !entry.is_object() {
            return Err(bad(at, Expected::Object));
        }
        let required = |key: &str| {
            entry[key]
                .as_str()
                .ok_or_else(|| bad(child(&at, key), Expected::String))
        };
        let optional = |key: &str| match &entry[key] {
            Value::Null => Ok(""),
            Value::String(s) => Ok(s.as_str()),
            _ => Err(bad(child(&at, key), Expected::String)),
        };
        let id = required("cveID")?;
        let vendor = required("vendorProject")?;
        let product = required("product")?;
        let name = optional("vulnerabilityName")?;
        let description = optional("shortDescription")?;
        let ransomware = optional("knownRansomwareCampaignUse")?;
        out.push(Advisory {
            id: id.to_owned(),
            source: Format::Kev,
            vendor: vendor.to_owned(),
            product: product.to_owned(),
            summary: if name.is_empty() { description } else { name }.to_owned(),
            ranges: description_ranges(description),
            versions: Vec::new(),
            exploited: true,
            ransomware: ransomware.eq_ignore_ascii_case("known"),
        });
    }
    Ok(out)
}

/// Version ranges stated in a KEV description: "versions 7.0.0 through 7.0.12", "before 9.1.2",
/// "prior to 9.1.2", "9.1.1 and earlier" (or "and prior"). Empty when the text states none.
pub fn description_ranges(text: &str) -> Vec<Range> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    // A version word starts with a digit and has a dot: "7.0.12", "9.1.2-b3" (a sentence's
    // full stop is not part of it).
    let version = |w: &str| -> Option<Version> {
        let w = w.trim_end_matches('.');
        let looks = w.chars().next().is_some_and(|c| c.is_ascii_digit())
            && w.contains('.')
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        looks.then(|| w.parse().ok()).flatten()
    };
    let is = |w: &str, word: &str| w.eq_ignore_ascii_case(word);
    let mut ranges = Vec::new();
    for i in 0..words.len() {
        let w = words[i];
        let next = words.get(i + 1).copied().unwrap_or_default();
        let after = words.get(i + 2).copied().unwrap_or_default();
        if let (Some(from), true, Some(to)) = (version(w), is(next, "through"), version(after)) {
            ranges.push(Range {
                introduced: Some(from),
                end: RangeEnd::LastAffected(to),
            });
        } else if let Some(fixed) = if is(w, "before") {
            version(next)
        } else if is(w, "prior") && is(next, "to") {
            version(after)
        } else {
            None
        } {
            ranges.push(Range {
                introduced: None,
                end: RangeEnd::Fixed(fixed),
            });
        } else if let (Some(last), true, true) = (
            version(w),
            is(next, "and"),
            is(after, "earlier") || is(after, "prior"),
        ) {
            ranges.push(Range {
                introduced: None,
                end: RangeEnd::LastAffected(last),
            });
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_from_kev_descriptions() {
        let r =
            description_ranges("Example OS SSL-VPN versions 7.0.0 through 7.0.12 contain a flaw.");
        assert_eq!(r.len(), 1);
        assert!(r[0].contains(&v("7.0.5")) && r[0].contains(&v("7.0.12")));
        assert!(!r[0].contains(&v("7.0.13")) && !r[0].contains(&v("6.9")));
        assert_eq!(r[0].to_string(), ">=7.0.0, <=7.0.12");
        let r = description_ranges("A bug in Example VPN before 4.2.1 allows bypass.");
        assert!(r[0].contains(&v("4.1.9")) && !r[0].contains(&v("4.2.1")));
        let r = description_ranges("A bug in Example VPN prior to 4.2.1. Update.");
        assert_eq!(
            r,
            [Range {
                introduced: None,
                end: RangeEnd::Fixed(v("4.2.1"))
            }]
        );
        let r = description_ranges("Devices running firmware 3.1.0 and earlier are affected");
        assert!(r[0].contains(&v("3.1.0")) && !r[0].contains(&v("3.1.1")));
        let r = description_ranges("Firmware 3.1.0 and prior (and 2.0 through 2.4).");
        assert_eq!(r.len(), 2);
        assert!(description_ranges("No versions are given here.").is_empty());
        assert!(description_ranges("Released in 2024 before 5 o'clock").is_empty());
    }

    #[test]
    fn entries_become_exploited_advisories() {
        let kev = br#"{"vulnerabilities": [{"cveID": "CVE-1", "vendorProject": "V", "product": "P",
            "shortDescription": "P before 2.0 is bad", "knownRansomwareCampaignUse": "Known"},
            {"cveID": "CVE-2", "vendorProject": "V", "product": "Q", "vulnerabilityName": "Q bug",
            "shortDescription": null}]}"#;
        let all = parse("kev.json", kev).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|a| a.exploited && a.source == Format::Kev));
        assert!(all[0].ransomware && !all[1].ransomware);
        assert_eq!(all[0].summary, "P before 2.0 is bad");
        assert_eq!(all[1].summary, "Q bug");
        assert_eq!(all[0].ranges.len(), 1);
        assert!(all[1].ranges.is_empty());
        let e = parse("kev.json", br#"{"vulnerabilities": {"cveID": "CVE-1"}}"#).unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::Kev {
                pointer: "/vulnerabilities".into(),
                expected: Expected::Array
            }
        );
        let e = parse("kev.json", br#"{"vulnerabilities": [{"cveID": "C", "vendorProject": "V", "product": "P", "shortDescription": 4}]}"#).unwrap_err();
        assert!(
            e.message_en()
                .contains("/vulnerabilities/0/shortDescription"),
            "{e:?}"
        );
    }
}
