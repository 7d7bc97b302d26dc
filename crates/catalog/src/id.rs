//! Identifiers that are parsed, never merely validated (STYLE rule 3).

use std::{cmp::Ordering, fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::Error;

/// A stable checklist item id, e.g. `SDS-C10-03` or `MDS-6.5-01`.
///
/// ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit. Ids that people write
/// in workbooks (`１－１`, `(1)`) are normalised by the importer before they become an `ItemId`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ItemId(String);

impl ItemId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ItemId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut chars = s.chars();
        let valid_first = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let valid_rest = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if valid_first && valid_rest {
            Ok(Self(s.to_owned()))
        } else {
            Err(Error::InvalidId {
                what: "item id",
                value: s.to_owned(),
            })
        }
    }
}

impl TryFrom<String> for ItemId {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ItemId> for String {
    fn from(id: ItemId) -> Self {
        id.0
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ItemId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A reference to a catalog: `id`, `id@version` or `id@revision`.
///
/// `jahis-mds-sds@5.0h` names one revision exactly; `jahis-mds-sds@5.0` the newest revision of
/// version 5.0; `jahis-mds-sds` the newest revision of all.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CatalogRef {
    id: String,
    revision: Option<String>,
}

impl CatalogRef {
    pub fn new(id: impl Into<String>, revision: Option<String>) -> Result<Self, Error> {
        let id = id.into();
        let is_kebab = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'))
            && id.starts_with(|c: char| c.is_ascii_alphanumeric());
        if !is_kebab {
            return Err(Error::InvalidId {
                what: "catalog id",
                value: id,
            });
        }
        if let Some(rev) = &revision
            && (rev.is_empty() || rev.chars().any(char::is_whitespace))
        {
            return Err(Error::InvalidId {
                what: "catalog revision",
                value: rev.clone(),
            });
        }
        Ok(Self { id, revision })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The revision or version after `@`, if any.
    pub fn revision(&self) -> Option<&str> {
        self.revision.as_deref()
    }
}

impl FromStr for CatalogRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('@') {
            Some((id, rev)) => Self::new(id, Some(rev.to_owned())),
            None => Self::new(s, None),
        }
    }
}

impl TryFrom<String> for CatalogRef {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<CatalogRef> for String {
    fn from(r: CatalogRef) -> Self {
        r.to_string()
    }
}

impl fmt::Display for CatalogRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.revision {
            Some(rev) => write!(f, "{}@{rev}", self.id),
            None => f.write_str(&self.id),
        }
    }
}

/// Compares version or revision strings the way people read them: `4.1` < `5.0` < `5.0h` <
/// `10.0`. Digit runs compare as numbers, everything else as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn parts(s: &str) -> Vec<Result<u64, String>> {
        let mut out = Vec::new();
        let mut current = String::new();
        let mut digits = false;
        for c in s.chars() {
            let is_digit = c.is_ascii_digit();
            if !current.is_empty() && is_digit != digits {
                out.push(finish(&current, digits));
                current.clear();
            }
            digits = is_digit;
            current.push(c);
        }
        if !current.is_empty() {
            out.push(finish(&current, digits));
        }
        out
    }
    fn finish(s: &str, digits: bool) -> Result<u64, String> {
        if digits {
            s.parse().map_err(|_| s.to_owned())
        } else {
            Err(s.to_owned())
        }
    }
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_parse() {
        assert!("SDS-C10-03".parse::<ItemId>().is_ok());
        assert!("MDS-6.5-01".parse::<ItemId>().is_ok());
        assert!("".parse::<ItemId>().is_err());
        assert!("-x".parse::<ItemId>().is_err());
        assert!("１－１".parse::<ItemId>().is_err());
        assert!("a b".parse::<ItemId>().is_err());
    }

    #[test]
    fn catalog_refs_parse_and_print() {
        let r: CatalogRef = "jahis-mds-sds@5.0h".parse().unwrap();
        assert_eq!(r.id(), "jahis-mds-sds");
        assert_eq!(r.revision(), Some("5.0h"));
        assert_eq!(r.to_string(), "jahis-mds-sds@5.0h");
        assert!("Jahis@5".parse::<CatalogRef>().is_err());
        assert!("jahis@".parse::<CatalogRef>().is_err());
        assert_eq!("mhlw-gl".parse::<CatalogRef>().unwrap().revision(), None);
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("4.1", "5.0"), Ordering::Less);
        assert_eq!(compare_versions("5.0", "5.0h"), Ordering::Less);
        assert_eq!(compare_versions("9.0", "10.0"), Ordering::Less);
        assert_eq!(compare_versions("R7", "R8"), Ordering::Less);
        assert_eq!(compare_versions("5.0h", "5.0h"), Ordering::Equal);
    }
}

/// The catalog (checklist revision) a document answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogId {
    /// Catalog id, e.g. `jahis-mds-sds`.
    pub id: String,
    /// Catalog revision, e.g. `5.0h`.
    pub revision: String,
}

impl CatalogId {
    /// The id and revision of the catalog with this header.
    pub fn of(header: &crate::Header) -> Self {
        Self {
            id: header.id.clone(),
            revision: header.revision.clone(),
        }
    }
}

impl fmt::Display for CatalogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.id, self.revision)
    }
}
