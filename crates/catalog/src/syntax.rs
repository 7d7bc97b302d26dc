//! Errors of reading JSON and YAML text, written once in Japanese and English: the place (line and
//! column) first, then serde's message translated, so that a Japanese user never reads
//! "trailing comma" or "EOF while parsing a value". Also the error kinds every kaiji error maps
//! to, so that a server can answer with the right HTTP status.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::Text;

/// What kind of failure an error is, for callers that choose a response by it (the CLI's exit
/// code, the server's HTTP status). Never decided by matching message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input does not parse or does not make sense (exit 2, HTTP 400/422).
    BadInput,
    /// Something the input names does not exist: a catalog, a mapping, a policy (HTTP 404).
    NotFound,
    /// The input conflicts with what is loaded already (HTTP 409).
    Conflict,
    /// A format or operation this kind of input does not support (HTTP 415/422).
    Unsupported,
    /// The input is larger than kaiji accepts (HTTP 413).
    TooLarge,
    /// kaiji could not produce its output (writing a PDF or workbook failed): not the input's
    /// fault (HTTP 500).
    Internal,
}

/// A 1-based place in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// `3行5列` / `line 3 column 5`.
    pub fn text(self) -> Text {
        Text::new(
            format!("{}行{}列", self.line, self.column),
            format!("line {} column {}", self.line, self.column),
        )
    }
}

/// A JSON or YAML text that does not parse into what was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub position: Option<Position>,
    /// serde's message without its trailing position, in both languages.
    pub message: Text,
}

impl SyntaxError {
    pub fn json(e: &serde_json::Error) -> Self {
        Self::from_serde(
            (e.line() > 0).then(|| Position {
                line: e.line(),
                column: e.column(),
            }),
            &e.to_string(),
        )
    }

    pub fn yaml(e: &serde_yaml_ng::Error) -> Self {
        Self::from_serde(
            e.location().map(|l| Position {
                line: l.line(),
                column: l.column(),
            }),
            &e.to_string(),
        )
    }

    fn from_serde(position: Option<Position>, message: &str) -> Self {
        let en = strip_position(message);
        Self {
            position,
            message: Text::new(japanese(&en), en),
        }
    }

    /// `origin 3行5列: message` in both languages.
    pub fn located(&self, origin: &str) -> Text {
        let at = |lang| match self.position {
            Some(p) => format!(" {}", p.text().get(lang)),
            None => String::new(),
        };
        Text::new(
            format!("{origin}{}: {}", at(crate::Lang::Ja), self.message.ja),
            format!("{origin}{}: {}", at(crate::Lang::En), self.message.en),
        )
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}: {}", p.text().ja, self.message.ja),
            None => f.write_str(&self.message.ja),
        }
    }
}

impl std::error::Error for SyntaxError {}

/// Reads YAML into `T`; the one place kaiji turns a YAML error into a located message.
pub fn parse_yaml<T: DeserializeOwned>(text: &str) -> Result<T, SyntaxError> {
    serde_yaml_ng::from_str(strip_bom(text)).map_err(|e| SyntaxError::yaml(&e))
}

/// Reads JSON into `T`; the one place kaiji turns a JSON error into a located message.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, SyntaxError> {
    serde_json::from_str(strip_bom(text)).map_err(|e| SyntaxError::json(&e))
}

/// Text without a leading UTF-8 byte order mark (Excel and Windows editors write one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// serde's messages end in " at line N column M"; kaiji puts the place first, once.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// serde's English message in Japanese. The shapes serde_json and serde_yaml use are
/// translated; names, values and type descriptions inside them stay as written. A message of
/// another shape is kept in English after a Japanese lead, never dropped.
fn japanese(en: &str) -> String {
    // serde_yaml puts the field path first: `connection.vpn: unknown variant …`.
    if let Some((path, rest)) = en.split_once(": ")
        && !path.is_empty()
        && !path.contains(' ')
        && let Some(ja) = translated(rest)
    {
        return format!("{path}: {ja}");
    }
    translated(en).unwrap_or_else(|| format!("読み取れません({en})"))
}

/// A message of one of the shapes serde writes, in Japanese; `None` for another shape.
fn translated(en: &str) -> Option<String> {
    let after = |prefix: &str| en.strip_prefix(prefix);
    // "unknown field `x`, expected one of `a`, `b`" / "unknown variant `x`, expected …"
    for (prefix, what) in [
        ("unknown field ", "不明なフィールド"),
        ("unknown variant ", "使えない値"),
    ] {
        if let Some(rest) = after(prefix) {
            return Some(match rest.split_once(", expected ") {
                Some((name, expected)) => {
                    format!("{what} {name} です(使えるもの: {})", expected_ja(expected))
                }
                None => format!("{what} {rest} です"),
            });
        }
    }
    if let Some(rest) = after("missing field ") {
        return Some(format!("必須のフィールド {rest} がありません"));
    }
    if let Some(rest) = after("duplicate field ") {
        return Some(format!("フィールド {rest} が重複しています"));
    }
    for (prefix, what) in [
        ("invalid type: ", "型が違います"),
        ("invalid value: ", "値が使えません"),
        ("invalid length ", "要素の数が違います"),
    ] {
        if let Some(rest) = after(prefix) {
            return Some(match rest.split_once(", expected ") {
                Some((found, expected)) => format!("{what}: {found}(期待: {expected})"),
                None => format!("{what}: {rest}"),
            });
        }
    }
    let fixed = [
        (
            "EOF while parsing a value",
            "値の途中でファイルが終わっています",
        ),
        (
            "EOF while parsing a string",
            "文字列の途中でファイルが終わっています",
        ),
        (
            "EOF while parsing an object",
            "オブジェクト({…})の途中でファイルが終わっています",
        ),
        (
            "EOF while parsing a list",
            "配列([…])の途中でファイルが終わっています",
        ),
        ("trailing comma", "末尾に余分なカンマがあります"),
        ("trailing characters", "値の後に余分な文字があります"),
        ("expected value", "値がありません"),
        ("expected `:`", "「:」がありません"),
        ("expected `,` or `}`", "「,」か「}」がありません"),
        ("expected `,` or `]`", "「,」か「]」がありません"),
        ("key must be a string", "キーは文字列でなければなりません"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "文字列に制御文字があります",
        ),
        ("invalid escape", "使えないエスケープです"),
        (
            "invalid unicode code point",
            "使えない Unicode 符号位置です",
        ),
        ("invalid number", "数値として読めません"),
        ("number out of range", "数値が範囲外です"),
        ("recursion limit exceeded", "入れ子が深すぎます"),
        ("EOF while parsing", "途中でファイルが終わっています"),
    ];
    for (e, j) in fixed {
        if en == e {
            return Some(j.to_owned());
        }
    }
    if en.starts_with("did not find expected") || en.starts_with("mapping values are not allowed") {
        return Some(format!("YAML の書式が正しくありません({en})"));
    }
    if en.contains("found character that cannot start any token") {
        return Some(format!("YAML として読めない文字があります({en})"));
    }
    None
}

/// "one of `a`, `b`" → "`a`、`b`"; "a string" stays.
fn expected_ja(expected: &str) -> String {
    expected
        .strip_prefix("one of ")
        .or_else(|| expected.strip_prefix("either "))
        .unwrap_or(expected)
        .replace(", ", "、")
        .replace(" or ", "、")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_error(text: &str) -> SyntaxError {
        parse_json::<serde_json::Value>(text).unwrap_err()
    }

    #[test]
    fn json_messages_are_japanese_with_the_place_first() {
        let e = json_error("{\"a\": 1,}");
        assert_eq!(e.position, Some(Position { line: 1, column: 9 }));
        assert_eq!(e.message.ja, "末尾に余分なカンマがあります");
        assert_eq!(e.message.en, "trailing comma");
        assert_eq!(e.to_string(), "1行9列: 末尾に余分なカンマがあります");
        assert_eq!(
            json_error("{\"a\": ").message.ja,
            "値の途中でファイルが終わっています"
        );
        assert_eq!(
            e.located("x.json").en,
            "x.json line 1 column 9: trailing comma"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_text() {
        let v: serde_json::Value = parse_json("\u{feff}{\"a\": 1}").unwrap();
        assert_eq!(v["a"], 1);
        let y: serde_json::Value = parse_yaml("\u{feff}a: 1\n").unwrap();
        assert_eq!(y["a"], 1);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        mode: Mode,
        count: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Mode {
        OnDemand,
        AlwaysOn,
    }

    #[test]
    fn yaml_shape_errors_name_what_is_allowed() {
        let e = parse_yaml::<Shape>("mode: on-demand\ncount: 1\nextra: 2\n").unwrap_err();
        assert_eq!(e.position.map(|p| p.line), Some(3));
        assert!(
            e.message.ja.starts_with("不明なフィールド `extra` です"),
            "{}",
            e.message.ja
        );
        assert!(e.message.en.starts_with("unknown field `extra`"));
        let e = parse_yaml::<Shape>("mode: sometimes\ncount: 1\n").unwrap_err();
        assert_eq!(
            e.message.ja,
            "mode: 使えない値 `sometimes` です(使えるもの: `on-demand`、`always-on`)"
        );
        let e = parse_yaml::<Shape>("mode: on-demand\ncount: -1\n").unwrap_err();
        assert_eq!(e.message.ja, "count: 型が違います: integer `-1`(期待: u32)");
        let e = parse_yaml::<Shape>("mode: on-demand\n").unwrap_err();
        assert_eq!(e.message.ja, "必須のフィールド `count` がありません");
        let e = parse_yaml::<Shape>("mode: [1\n").unwrap_err();
        assert!(!e.message.ja.is_empty() && e.message.ja != e.message.en);
    }
}
