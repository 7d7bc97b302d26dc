//! Vulnerability advisories read from disk (nothing is fetched): one [`Advisory`] shape for every
//! format, [`detect`] to tell the formats apart, [`parse`] to read a file of either.
//!
//! Formats: [`kev`] (the CISA Known Exploited Vulnerabilities catalogue), [`osv`] (OSV records).

use serde_json::Value;

use crate::{Error, ErrorKind, Range, Version};

pub mod kev;
pub mod osv;

/// The format an advisory file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Format {
    /// CISA KEV catalogue: an object with `vulnerabilities` (and no CSAF `document`).
    Kev,
    /// OSV: one record (an object with `affected`, or with `id` and `modified` or
    /// `schema_version`), an array of records, or `{"vulns": […]}`.
    Osv,
}

impl Format {
    /// The short name shown in findings (`KEV`, `OSV`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Kev => "KEV",
            Self::Osv => "OSV",
        }
    }
}

/// One advisory about one product, whatever file it came from (an OSV record with several
/// affected packages gives one advisory per package).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    /// CVE or OSV id.
    pub id: String,
    /// The format it was read from.
    pub source: Format,
    /// Vendor (KEV `vendorProject`; empty for OSV, whose package name carries it).
    pub vendor: String,
    /// Product (KEV `product`, OSV package name).
    pub product: String,
    pub summary: String,
    /// Affected version ranges; empty when the source names none.
    pub ranges: Vec<Range>,
    /// Versions listed one by one (OSV `versions`).
    pub versions: Vec<Version>,
    /// Known to be exploited in the wild (every KEV entry is).
    pub exploited: bool,
    /// KEV: known to be used in ransomware campaigns.
    pub ransomware: bool,
}

impl Advisory {
    /// Whether the advisory states any affected versions (ranges or a list).
    pub fn has_versions(&self) -> bool {
        !self.ranges.is_empty() || !self.versions.is_empty()
    }
}

/// Which format a JSON document is in, or `None` when it is neither.
pub fn detect(value: &Value) -> Option<Format> {
    match value {
        // CSAF documents also list `vulnerabilities`, under a `document` header: not KEV.
        Value::Object(o) if o.contains_key("vulnerabilities") && !o.contains_key("document") => {
            Some(Format::Kev)
        }
        Value::Object(o) if o.contains_key("vulns") || o.contains_key("affected") => {
            Some(Format::Osv)
        }
        // One OSV record without `affected` (it is optional): `id` and `modified` are required,
        // `schema_version` is OSV's own.
        Value::Object(o)
            if o.contains_key("id")
                && (o.contains_key("modified") || o.contains_key("schema_version")) =>
        {
            Some(Format::Osv)
        }
        Value::Array(_) => Some(Format::Osv),
        _ => None,
    }
}

/// Reads an advisory file of any format ([`detect`]). `origin` names the file in errors. A
/// UTF-8 byte order mark is skipped.
pub fn parse(origin: &str, bytes: &[u8]) -> Result<Vec<Advisory>, Error> {
    let value = json(origin, bytes)?;
    match detect(&value) {
        Some(Format::Kev) => kev::from_value(origin, &value),
        Some(Format::Osv) => osv::from_value(origin, &value),
        None => Err(Error::new(origin, ErrorKind::UnknownFormat)),
    }
}

/// The bytes as JSON, after an optional byte order mark.
pub(crate) fn json(origin: &str, bytes: &[u8]) -> Result<Value, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| {
        let detail = e.to_string();
        let detail = match detail.rfind(" at line ") {
            Some(at) => detail[..at].to_owned(),
            None => detail,
        };
        Error::new(
            origin,
            ErrorKind::Json {
                line: e.line(),
                column: e.column(),
                eof: e.is_eof(),
                detail,
            },
        )
    })
}

/// A JSON pointer one step further: `/a/0` + `b` = `/a/0/b` (with `~` and `/` escaped).
pub(crate) fn child(pointer: &str, step: impl std::fmt::Display) -> String {
    let step = step.to_string().replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{step}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Expected;

    #[test]
    fn formats_are_detected() {
        let d = |s: &str| detect(&serde_json::from_str(s).unwrap());
        assert_eq!(d(r#"{"vulnerabilities": []}"#), Some(Format::Kev));
        assert_eq!(d(r#"{"vulns": []}"#), Some(Format::Osv));
        assert_eq!(d(r#"{"id": "X", "affected": []}"#), Some(Format::Osv));
        assert_eq!(d("[]"), Some(Format::Osv));
        assert_eq!(
            d(r#"{"id": "X", "modified": "2024-01-01T00:00:00Z"}"#),
            Some(Format::Osv)
        );
        assert_eq!(
            d(r#"{"id": "X", "schema_version": "1.2.0"}"#),
            Some(Format::Osv)
        );
        assert_eq!(d(r#"{"id": "X"}"#), None);
        assert_eq!(d(r#"{"hello": 1}"#), None);
        let csaf =
            r#"{"document": {"csaf_version": "2.0"}, "vulnerabilities": [{"cve": "CVE-1"}]}"#;
        assert_eq!(d(csaf), None);
        assert_eq!(d("3"), None);
    }

    #[test]
    fn wrong_files_are_named() {
        let e = parse("x.json", br#"{"hello": 1}"#).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::UnknownFormat);
        assert!(e.message_en().contains("x.json") && e.message_en().contains("KEV"));
        assert!(e.message_ja().contains("x.json") && e.message_ja().contains("KEV"));
        let e = parse("x.json", b"{ not json").unwrap_err();
        assert!(e.message_en().contains("JSON 1:3"), "{}", e.message_en());
        assert_eq!(e.message_ja(), "x.json: 1行3列: JSON として読めません");
        let e = parse("x.json", b"{\"vulns\": [").unwrap_err();
        assert!(e.message_ja().contains("途中で終わっています"), "{e}");
        let e = parse("x.json", br#"{"vulnerabilities": [{"cveID": 3}]}"#).unwrap_err();
        assert!(
            e.message_en().contains("not a KEV catalogue"),
            "{}",
            e.message_en()
        );
        assert_eq!(
            e.kind(),
            &ErrorKind::Kev {
                pointer: "/vulnerabilities/0/cveID".into(),
                expected: Expected::String
            }
        );
        assert!(e.message_ja().contains("/vulnerabilities/0/cveID"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let all = parse("bom.json", b"\xEF\xBB\xBF{\"vulns\": []}").unwrap();
        assert!(all.is_empty());
    }

    #[test]
    fn pointers_escape_their_steps() {
        assert_eq!(child("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(child("", 0), "/0");
    }
}
