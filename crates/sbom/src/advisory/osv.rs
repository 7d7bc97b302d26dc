//! OSV records (<https://ossf.github.io/osv-schema/>): one record, an array of records, or
//! `{"vulns": […]}` (the OSV API's answer), with their affected ranges and version lists.

use serde_json::Value;

use super::{Advisory, Format, child};
use crate::version::{Range, RangeEnd, Version};
use crate::{Error, ErrorKind, Expected};

/// Reads OSV records. Each record needs an `id`; a withdrawn record (`withdrawn`) and one
/// without `affected` name no product and give no advisory; each affected package
/// gives one advisory with its `ranges` (`introduced` / `fixed` / `last_affected` events;
/// `introduced: "0"` means from the first version) and `versions`. `GIT` ranges name commits,
/// not versions, and are left out.
pub fn parse(origin: &str, bytes: &[u8]) -> Result<Vec<Advisory>, Error> {
    from_value(origin, &super::json(origin, bytes)?)
}

/// [`parse`] of a document already read as JSON.
pub fn from_value(origin: &str, value: &Value) -> Result<Vec<Advisory>, Error> {
    let bad = |pointer: String, expected| Error::new(origin, ErrorKind::Osv { pointer, expected });
    let (base, records): (&str, Vec<&Value>) = match value {
        Value::Array(items) => ("", items.iter().collect()),
        Value::Object(o) if o.contains_key("vulns") => (
            "/vulns",
            o["vulns"]
                .as_array()
                .ok_or_else(|| bad("/vulns".into(), Expected::Array))?
                .iter()
                .collect(),
        ),
        Value::Object(_) => return record(origin, "", value),
        _ => return Err(bad(String::new(), Expected::Object)),
    };
    let mut out = Vec::new();
    for (n, r) in records.into_iter().enumerate() {
        out.extend(record(origin, &child(base, n), r)?);
    }
    Ok(out)
}

/// One record at `at`.
fn record(origin: &str, at: &str, r: &Value) -> Result<Vec<Advisory>, Error> {
    let bad = |pointer: String, expected| Error::new(origin, ErrorKind::Osv { pointer, expected });
    if !r.is_object() {
        return Err(bad(at.to_owned(), Expected::Object));
    }
    let id = r["id"]
        .as_str()
        .ok_or_else(|| bad(child(at, "id"), Expected::String))?;
    let summary = r["summary"]
        .as_str()
        .or_else(|| r["details"].as_str())
        .unwrap_or_default();
    if !r["withdrawn"].is_null() {
        return Ok(Vec::new());
    }
    let affected = match &r["affected"] {
        Value::Null => return Ok(Vec::new()),
        Value::Array(list) => list,
        _ => return Err(bad(child(at, "affected"), Expected::Array)),
    };
    let mut out = Vec::with_capacity(affected.len());
    for (n, a) in affected.iter().enumerate() {
        let at = child(&child(at, "affected"), n);
        if !a.is_object() {
            return Err(bad(at, Expected::Object));
        }
        let product = match &a["package"]["name"] {
            Value::Null => "",
            Value::String(s) => s,
            _ => return Err(bad(child(&child(&at, "package"), "name"), Expected::String)),
        };
        let mut ranges = Vec::new();
        match &a["ranges"] {
            Value::Null => {}
            Value::Array(list) => {
                for (k, range) in list.iter().enumerate() {
                    ranges.extend(events(origin, &child(&child(&at, "ranges"), k), range)?);
                }
            }
            _ => return Err(bad(child(&at, "ranges"), Expected::Array)),
        }
        let versions = match &a["versions"] {
            Value::Null => Vec::new(),
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(k, v)| {
                    version(v)
                        .ok_or_else(|| bad(child(&child(&at, "versions"), k), Expected::Version))
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(bad(child(&at, "versions"), Expected::Array)),
        };
        out.push(Advisory {
            id: id.to_owned(),
            source: Format::Osv,
            vendor: String::new(),
            product: product.to_owned(),
            summary: summary.to_owned(),
            ranges,
            versions,
            exploited: false,
            ransomware: false,
        });
    }
    Ok(out)
}

/// The ranges of one OSV range object at `at`: each `introduced` opens a range, the next `fixed`
/// or `last_affected` closes it (an end without a start covers every earlier version), and a
/// range still open at the end has no upper bound.
fn events(origin: &str, at: &str, range: &Value) -> Result<Vec<Range>, Error> {
    let bad = |pointer: String, expected| Error::new(origin, ErrorKind::Osv { pointer, expected });
    if !range.is_object() {
        return Err(bad(at.to_owned(), Expected::Object));
    }
    if range["type"].as_str() == Some("GIT") {
        return Ok(Vec::new());
    }
    let list = match &range["events"] {
        Value::Null => return Ok(Vec::new()),
        Value::Array(list) => list,
        _ => return Err(bad(child(at, "events"), Expected::Array)),
    };
    let mut out = Vec::new();
    // `Some(start)` while a range is open; the start itself is `None` from the first version.
    let mut open: Option<Option<Version>> = None;
    for (n, event) in list.iter().enumerate() {
        let at = child(&child(at, "events"), n);
        let get = |key: &str| match &event[key] {
            Value::Null => Ok(None),
            v => version(v)
                .map(Some)
                .ok_or_else(|| bad(child(&at, key), Expected::Version)),
        };
        if let Some(start) = get("introduced")? {
            if let Some(previous) = open.take() {
                out.push(Range {
                    introduced: previous,
                    end: RangeEnd::Open,
                });
            }
            open = Some((start.as_str() != "0").then_some(start));
        }
        let end = match (get("fixed")?, get("last_affected")?) {
            (Some(fixed), _) => Some(RangeEnd::Fixed(fixed)),
            (None, Some(last)) => Some(RangeEnd::LastAffected(last)),
            (None, None) => None,
        };
        if let Some(end) = end {
            out.push(Range {
                introduced: open.take().flatten(),
                end,
            });
        }
    }
    if let Some(start) = open {
        out.push(Range {
            introduced: start,
            end: RangeEnd::Open,
        });
    }
    Ok(out)
}

fn version(v: &Value) -> Option<Version> {
    v.as_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::{Product, Why, matches};

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    const SAMPLE: &str = r#"{"id":"OSV-1","summary":"x","affected":[{"package":{"ecosystem":"Firmware","name":"SN-VPN 200"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"4.0.0"},{"fixed":"4.2.0"},{"introduced":"5.0.0"},{"last_affected":"5.0.3"}]}],"versions":["3.9.9"]}]}"#;

    #[test]
    fn osv_ranges_and_lists() {
        let all = parse("osv.json", SAMPLE.as_bytes()).unwrap();
        let a = &all[0];
        assert_eq!(a.ranges.len(), 2);
        assert_eq!(a.ranges[0].to_string(), ">=4.0.0, <4.2.0");
        assert_eq!(a.ranges[1].to_string(), ">=5.0.0, <=5.0.3");
        let affects = |version: &str| {
            let version = v(version);
            let product = Product {
                vendor: "サンプルネットワークス",
                name: "SN-VPN200",
                version: Some(&version),
            };
            matches(&all, &product).first().map(|m| m.why.clone())
        };
        assert_eq!(affects("4.1.7"), Some(Why::InRange(&all[0].ranges[0])));
        assert_eq!(affects("4.2.0"), None);
        assert_eq!(affects("5.0.3"), Some(Why::InRange(&all[0].ranges[1])));
        assert_eq!(affects("5.0.4"), None);
        assert_eq!(affects("3.9.9"), Some(Why::Listed(&all[0].versions[0])));
        assert!(a.names("サンプルネットワークス", "SN-VPN200"));
        assert!(!a.names("サンプルネットワークス", "SN-RT 100"));
    }

    #[test]
    fn three_shapes_read_alike() {
        let one = parse("a.json", SAMPLE.as_bytes()).unwrap();
        let array = parse("a.json", format!("[{SAMPLE}]").as_bytes()).unwrap();
        let vulns = parse(
            "a.json",
            format!("{{\"vulns\": [{SAMPLE}, {SAMPLE}]}}").as_bytes(),
        )
        .unwrap();
        assert_eq!(one, array);
        assert_eq!(vulns.len(), 2);
        assert_eq!(vulns[1], one[0]);
        assert!(!one[0].exploited);
    }

    #[test]
    fn records_without_products_give_no_advisories() {
        let none = r#"{"id": "GHSA-1", "modified": "2024-01-01T00:00:00Z", "severity": []}"#;
        assert!(parse("n.json", none.as_bytes()).unwrap().is_empty());
        let withdrawn = SAMPLE.replacen('{', r#"{"withdrawn": "2024-02-01T00:00:00Z","#, 1);
        assert!(parse("w.json", withdrawn.as_bytes()).unwrap().is_empty());
        let both = format!("[{SAMPLE}, {none}]");
        assert_eq!(parse("b.json", both.as_bytes()).unwrap().len(), 1);
    }

    #[test]
    fn events_open_and_close_ranges() {
        let r = |events: &str| {
            let text = format!(
                r#"{{"id":"X","affected":[{{"package":{{"name":"P"}},"ranges":[{{"type":"SEMVER","events":{events}}}]}}]}}"#
            );
            parse("r.json", text.as_bytes()).unwrap()[0]
                .ranges
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(r(r#"[{"introduced":"0"},{"fixed":"1.2"}]"#), ["<1.2"]);
        assert_eq!(r(r#"[{"introduced":"1.0"}]"#), [">=1.0"]);
        assert_eq!(r(r#"[{"introduced":"0"}]"#), ["*"]);
        assert_eq!(
            r(r#"[{"introduced":"1.0"},{"introduced":"2.0"},{"fixed":"2.1"}]"#),
            [">=1.0", ">=2.0, <2.1"]
        );
        assert_eq!(r(r#"[{"last_affected":"3"}]"#), ["<=3"]);
        assert!(r("[]").is_empty());
        let git = r#"{"id":"X","affected":[{"ranges":[{"type":"GIT","events":[{"introduced":"0"},{"fixed":"abc"}]}]}]}"#;
        assert!(
            parse("g.json", git.as_bytes()).unwrap()[0]
                .ranges
                .is_empty()
        );
    }

    #[test]
    fn broken_records_are_located() {
        let e = |text: &str| match parse("o.json", text.as_bytes()).unwrap_err().kind() {
            ErrorKind::Osv { pointer, expected } => (pointer.clone(), *expected),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            e(r#"[{"affected": []}]"#),
            ("/0/id".into(), Expected::String)
        );
        assert_eq!(
            e(r#"{"vulns": [{"id": "X", "affected": 3}]}"#),
            ("/vulns/0/affected".into(), Expected::Array)
        );
        assert_eq!(e(r#"{"vulns": 3}"#), ("/vulns".into(), Expected::Array));
        assert_eq!(e("[3]"), ("/0".into(), Expected::Object));
        assert_eq!(
            e(r#"{"id":"X","affected":[{"ranges":[{"events":[{"fixed":""}]}]}]}"#),
            (
                "/affected/0/ranges/0/events/0/fixed".into(),
                Expected::Version
            )
        );
        assert_eq!(
            e(r#"{"id":"X","affected":[{"versions":["1", 2]}]}"#),
            ("/affected/0/versions/1".into(), Expected::Version)
        );
    }
}
