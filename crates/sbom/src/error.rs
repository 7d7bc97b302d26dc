//! The error of reading a supply-chain file: the file it names, a kind callers can match on, and
//! the message in Japanese and in English.

use std::fmt;

/// A file that could not be read as an advisory file. `Display` is the Japanese message; see
/// [`Error::message`] for English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_ja())]
pub struct Error {
    origin: String,
    kind: ErrorKind,
}

/// What went wrong. Match on this, never on message text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not JSON. Line and column are 1-based; `detail` is the JSON parser's own
    /// (English) words, shown in the English message only.
    Json {
        line: usize,
        column: usize,
        eof: bool,
        detail: String,
    },
    /// JSON, but neither a CISA KEV catalogue (`vulnerabilities`) nor OSV records (`affected`).
    UnknownFormat,
    /// A CISA KEV catalogue with a value of the wrong shape at `pointer`.
    Kev { pointer: String, expected: Expected },
    /// OSV records with a value of the wrong shape at `pointer`.
    Osv { pointer: String, expected: Expected },
}

/// What a JSON value should have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// A string (present where required).
    String,
    /// A list.
    Array,
    /// An object.
    Object,
    /// A version: a string that is not empty.
    Version,
}

impl Expected {
    fn ja(self) -> &'static str {
        match self {
            Self::String => "文字列",
            Self::Array => "リスト",
            Self::Object => "オブジェクト",
            Self::Version => "バージョン(空でない文字列)",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Array => "a list",
            Self::Object => "an object",
            Self::Version => "a version (a non-empty string)",
        }
    }
}

impl Error {
    pub(crate) fn new(origin: &str, kind: ErrorKind) -> Self {
        Self {
            origin: origin.to_owned(),
            kind,
        }
    }

    /// The file (or other origin) the caller named.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The message in English when `english`, else in Japanese.
    pub fn message(&self, english: bool) -> String {
        if english {
            self.message_en()
        } else {
            self.message_ja()
        }
    }

    pub fn message_ja(&self) -> String {
        let origin = &self.origin;
        match &self.kind {
            ErrorKind::Json {
                line, column, eof, ..
            } => {
                let what = if *eof {
                    "JSON が途中で終わっています"
                } else {
                    "JSON として読めません"
                };
                format!("{origin}: {line}行{column}列: {what}")
            }
            ErrorKind::UnknownFormat => format!(
                "{origin}: CISA KEV カタログ(vulnerabilities)でも OSV レコード(affected)でもありません"
            ),
            ErrorKind::Kev { pointer, expected } => format!(
                "{origin}: CISA KEV カタログとして読めません: {} に{}がありません",
                Pointer(pointer),
                expected.ja()
            ),
            ErrorKind::Osv { pointer, expected } => format!(
                "{origin}: OSV レコードとして読めません: {} に{}がありません",
                Pointer(pointer),
                expected.ja()
            ),
        }
    }

    pub fn message_en(&self) -> String {
        let origin = &self.origin;
        match &self.kind {
            ErrorKind::Json {
                line,
                column,
                detail,
                ..
            } => format!("{origin}: JSON {line}:{column}: {detail}"),
            ErrorKind::UnknownFormat => format!(
                "{origin}: neither a CISA KEV catalogue (vulnerabilities) nor OSV records (affected)"
            ),
            ErrorKind::Kev { pointer, expected } => format!(
                "{origin}: not a KEV catalogue: {} is not {}",
                Pointer(pointer),
                expected.en()
            ),
            ErrorKind::Osv { pointer, expected } => format!(
                "{origin}: not OSV records: {} is not {}",
                Pointer(pointer),
                expected.en()
            ),
        }
    }
}

/// A JSON pointer as shown: `/` for the whole document.
struct Pointer<'a>(&'a str);

impl fmt::Display for Pointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "/" } else { self.0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_speaks_both_languages_and_names_the_file() {
        let kinds = [
            ErrorKind::Json {
                line: 1,
                column: 3,
                eof: false,
                detail: "key must be a string".into(),
            },
            ErrorKind::UnknownFormat,
            ErrorKind::Kev {
                pointer: "/vulnerabilities/0/cveID".into(),
                expected: Expected::String,
            },
            ErrorKind::Osv {
                pointer: String::new(),
                expected: Expected::Array,
            },
        ];
        for kind in kinds {
            let e = Error::new("x.json", kind);
            let (ja, en) = (e.message(false), e.message(true));
            assert!(
                ja.starts_with("x.json: ") && en.starts_with("x.json: "),
                "{ja} / {en}"
            );
            assert_ne!(ja, en);
            assert_eq!(e.to_string(), ja);
            // The Japanese message carries no English words of the JSON parser.
            assert!(!ja.contains("key must"), "{ja}");
        }
    }
}
