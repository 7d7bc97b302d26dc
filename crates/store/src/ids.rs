//! Typed ids. An id is 12 hex digits of its creation time in milliseconds, 4 hex digits of a counter
//! (ids made by one process in the same millisecond keep their order) and 12 random hex digits: ordered by
//! creation, not guessable, and the same text in both databases.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU16, Ordering};

use jiff::Timestamp;

use crate::{Error, Result};

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(bytes)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

pub(crate) fn new_id(now: Timestamp) -> Result<String> {
    static COUNTER: AtomicU16 = AtomicU16::new(0);
    let millis = now.as_millisecond().max(0) as u64 & 0xffff_ffff_ffff;
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    Ok(format!(
        "{millis:012x}{count:04x}{}",
        hex(&random_bytes::<6>()?)
    ))
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub(crate) fn new(now: Timestamp) -> Result<Self> {
                Ok(Self(new_id(now)?))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;

            /// Any id kaiji wrote: 28 lower-case hex digits. Other text (from a URL) is refused before it
            /// reaches a query.
            fn from_str(s: &str) -> Result<Self> {
                if s.len() == 28 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(Error::BadInput(format!("not a kaiji id: {s:?}")))
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;

            fn try_from(s: String) -> Result<Self> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    )*};
}

id_type! {
    /// An organisation (vendor or hospital).
    OrgId;
    /// A user account.
    UserId;
    /// An API token (the id, not the secret).
    TokenId;
    /// A product of a vendor.
    ProductId;
    /// A release (version) of a product.
    ReleaseId;
    /// A document of a release (its draft and its published versions).
    DocumentId;
    /// An uploaded original (workbook, attachment).
    OriginalId;
    /// A document shared with a hospital.
    ShareId;
    /// An expiring access link.
    LinkId;
    /// A version of a document's access terms.
    TermsId;
    /// A hospital's request for a disclosure.
    RequestId;
    /// A question on an item of a published version.
    QuestionId;
    /// An in-app notification.
    NotificationId;
    /// A background job.
    JobId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ordered_and_checked() {
        let a = OrgId::new(Timestamp::from_millisecond(1_000).unwrap()).unwrap();
        let b = OrgId::new(Timestamp::from_millisecond(2_000).unwrap()).unwrap();
        assert!(a < b);
        assert_eq!(a.as_str().parse::<OrgId>().unwrap(), a);
        for bad in [
            "",
            "1; DROP TABLE users",
            "00000000000000000000000000zz",
            "../etc/passwd",
        ] {
            assert!(bad.parse::<OrgId>().is_err(), "{bad}");
        }
    }
}
