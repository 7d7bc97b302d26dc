//! Versions as advisories and device makers write them, their order, and affected ranges.
//!
//! One ordering serves every firmware and advisory version kaiji reads today: a version is cut
//! into runs of digits and runs of other characters; runs compare one by one, numbers by value
//! (any length), other runs by their text, a number before any text, and a version that is a
//! prefix of another comes first (`4.2` < `4.2.1`). Leading zeros do not count (`01.0` = `1.0`).
//! Ecosystem-specific orders (SemVer, PEP 440, dpkg …) will sit beside it.

use std::{cmp::Ordering, fmt, str::FromStr};

/// A version: non-empty text without surrounding white space. Only built through [`FromStr`]
/// (or deserialised from a string through it), so an empty version never exists.
///
/// Equality, order and hash follow the ordering of the module doc, so `01.0 == 1.0`; the text
/// is kept as written for display.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version {
    text: String,
    parts: Vec<Part>,
}

/// One run of a version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    /// Digits without leading zeros ("0" for zero), so longer means larger.
    Number(String),
    Text(String),
}

impl Ord for Part {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Number(a), Self::Number(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Self::Number(_), Self::Text(_)) => Ordering::Less,
            (Self::Text(_), Self::Number(_)) => Ordering::Greater,
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Part {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Why a text is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a version cannot be empty")]
pub struct VersionError;

impl Version {
    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if text.is_empty() {
            return Err(VersionError);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(first) = rest.chars().next() {
            let digits = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digits)
                .unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            parts.push(if digits {
                let value = run.trim_start_matches('0');
                Part::Number(if value.is_empty() { "0" } else { value }.to_owned())
            } else {
                Part::Text(run.to_owned())
            });
            rest = tail;
        }
        Ok(Self {
            text: text.to_owned(),
            parts,
        })
    }
}

impl TryFrom<String> for Version {
    type Error = VersionError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Version> for String {
    fn from(v: Version) -> Self {
        v.text
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Where an affected range ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RangeEnd {
    /// No end stated: every later version is affected.
    Open,
    /// The first version that is no longer affected (OSV `fixed`, KEV "before X").
    Fixed(Version),
    /// The last version that is affected (OSV `last_affected`, KEV "through X", "X and earlier").
    LastAffected(Version),
}

/// Affected versions: from `introduced` (inclusive; `None` = from the first version) to `end`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Range {
    pub introduced: Option<Version>,
    pub end: RangeEnd,
}

impl Range {
    /// Whether `version` lies inside the range.
    pub fn contains(&self, version: &Version) -> bool {
        let after_start = self.introduced.as_ref().is_none_or(|i| version >= i);
        let before_end = match &self.end {
            RangeEnd::Open => true,
            RangeEnd::Fixed(f) => version < f,
            RangeEnd::LastAffected(l) => version <= l,
        };
        after_start && before_end
    }
}

/// The range in a notation that needs no translation: `>=4.0.0, <4.2.0`, `<=3.1.0`, `*`.
impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = match &self.end {
            RangeEnd::Open => None,
            RangeEnd::Fixed(v) => Some(format!("<{v}")),
            RangeEnd::LastAffected(v) => Some(format!("<={v}")),
        };
        match (&self.introduced, end) {
            (None, None) => f.write_str("*"),
            (Some(i), None) => write!(f, ">={i}"),
            (None, Some(e)) => f.write_str(&e),
            (Some(i), Some(e)) => write!(f, ">={i}, {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn versions_order_by_their_runs() {
        assert!(v("4.1") < v("5.0"));
        assert!(v("5.0") < v("5.0h"));
        assert!(v("9.0") < v("10.0"));
        assert!(v("R7") < v("R8"));
        assert!(v("4.2") < v("4.2.1"));
        assert!(v("99999999999999999999999") > v("5"));
        assert_eq!(v("5.0h"), v("5.0h"));
        assert_eq!(v("01.0"), v("1.0"));
        assert_eq!(v(" 4.2.1 ").as_str(), "4.2.1");
        assert!("".parse::<Version>().is_err());
        assert!("  ".parse::<Version>().is_err());
    }

    #[test]
    fn ranges_contain_and_print() {
        let r = Range {
            introduced: Some(v("4.0.0")),
            end: RangeEnd::Fixed(v("4.2.0")),
        };
        assert!(r.contains(&v("4.0.0")) && r.contains(&v("4.1.9")) && !r.contains(&v("4.2.0")));
        assert!(!r.contains(&v("3.9")));
        assert_eq!(r.to_string(), ">=4.0.0, <4.2.0");
        let r = Range {
            introduced: None,
            end: RangeEnd::LastAffected(v("3.1.0")),
        };
        assert!(r.contains(&v("3.1.0")) && !r.contains(&v("3.1.1")));
        assert_eq!(r.to_string(), "<=3.1.0");
        let r = Range {
            introduced: None,
            end: RangeEnd::Open,
        };
        assert!(r.contains(&v("0")));
        assert_eq!(r.to_string(), "*");
    }

    #[test]
    fn versions_are_strings_in_serde() {
        let parsed: Version = serde_json::from_str("\"4.2.1\"").unwrap();
        assert_eq!(parsed, v("4.2.1"));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"4.2.1\"");
        assert!(serde_json::from_str::<Version>("\"\"").is_err());
    }
}
