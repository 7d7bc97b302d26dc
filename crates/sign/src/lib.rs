//! Canonical JSON (RFC 8785, the JSON Canonicalization Scheme), SHA-256 content addresses and the hash
//! of kaiji's audit chain.
//!
//! - [`canonical`] writes a [`serde_json::Value`] as RFC 8785 text: object members sorted by the UTF-16
//!   code units of their names, no white space, strings with the minimal escapes, numbers laid out as
//!   ECMAScript's `Number.prototype.toString` lays out the nearest IEEE 754 double.
//! - [`content_address`] is `sha256:<64 lower-case hex digits>` of that text: the address of a published
//!   document.
//! - [`chain_hash`] links an audit entry to the one before it: the SHA-256 of the previous hash, a line feed
//!   and the entry's canonical JSON. The first entry follows [`ContentAddress::genesis`].
//!
//! Ed25519 signatures and JWS join this crate later.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// What can go wrong in this crate: only reading an address back from text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not `sha256:` followed by 64 lower-case hexadecimal digits.
    #[error("not a SHA-256 content address (sha256:<64 lower-case hex digits>): {0:?}")]
    BadAddress(String),
}

/// The RFC 8785 canonical form of a JSON value.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// The SHA-256 content address of a JSON value: the hash of its canonical form.
pub fn content_address(value: &Value) -> ContentAddress {
    ContentAddress::of_bytes(canonical(value).as_bytes())
}

/// The audit chain: the hash of an entry given the hash of the entry before it
/// (`SHA-256(previous ‖ "\n" ‖ canonical(entry))`, previous written as its `sha256:…` text).
pub fn chain_hash(previous: &ContentAddress, entry: &Value) -> ContentAddress {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_str().as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical(entry).as_bytes());
    ContentAddress::from_digest(&hasher.finalize())
}

/// A SHA-256 digest written `sha256:<hex>`; built only from bytes or by parsing valid text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentAddress(String);

impl ContentAddress {
    /// The hash of some bytes (an uploaded original, a canonical document).
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self::from_digest(&Sha256::digest(bytes))
    }

    /// The hash the first audit entry follows: 64 zeros.
    pub fn genesis() -> Self {
        Self(format!("sha256:{}", "0".repeat(64)))
    }

    /// The text form, `sha256:<hex>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn from_digest(digest: &[u8]) -> Self {
        use fmt::Write as _;
        let mut text = String::with_capacity(7 + 64);
        text.push_str("sha256:");
        for byte in digest {
            let _ = write!(text, "{byte:02x}");
        }
        Self(text)
    }
}

impl fmt::Display for ContentAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for ContentAddress {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ContentAddress {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for ContentAddress {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex = s
            .strip_prefix("sha256:")
            .ok_or_else(|| Error::BadAddress(s.to_owned()))?;
        if hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(s.to_owned()))
        } else {
            Err(Error::BadAddress(s.to_owned()))
        }
    }
}

/// Orders object member names as RFC 8785 §3.2.3 wants: by their UTF-16 code units.
pub fn utf16_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            // I-JSON: every number is an IEEE 754 double; integers beyond 2^53 round as in ECMAScript.
            let x = n.as_f64().unwrap_or(0.0);
            write_number(out, x);
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_by(|a, b| utf16_order(a.0, b.0));
            out.push('{');
            for (i, (name, item)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, name);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                use fmt::Write as _;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number::toString(x)` (ECMA-262 §6.1.6.1.20) for a finite double. serde_json values hold no
/// NaN or infinity, so every number has a layout.
fn write_number(out: &mut String, x: f64) {
    if x == 0.0 {
        // Both zeros are "0".
        out.push('0');
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    let (digits, n) = shortest_digits(x.abs());
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n - 1 < 0 { '-' } else { '+' });
        out.push_str(&(n - 1).abs().to_string());
    }
}

/// The shortest decimal digits `s` (no leading or trailing zeros) and the exponent `n` with
/// `x = 0.s × 10^n`, taken from ryu's shortest round-trip output (the digits ECMAScript asks for).
fn shortest_digits(x: f64) -> (String, i32) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x);
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = format!("{int_part}{frac_part}");
    let mut point = int_part.len() as i32 + exponent;
    let leading = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..leading);
    point -= leading as i32;
    let trimmed = digits.trim_end_matches('0').len();
    digits.truncate(trimmed);
    (digits, point)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn number(bits: u64) -> String {
        canonical(&serde_json::json!(f64::from_bits(bits)))
    }

    /// RFC 8785 Appendix B: IEEE 754 doubles and their canonical text.
    #[test]
    fn rfc8785_appendix_b_numbers() {
        let table: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for &(bits, want) in table {
            assert_eq!(number(bits), want, "bits {bits:016x}");
        }
    }

    /// RFC 8785 §3.2.2: the sample input and its canonical form (numbers, string escapes, literals).
    #[test]
    fn rfc8785_sample() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        let value: Value = serde_json::from_str(input).unwrap();
        assert_eq!(
            canonical(&value),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    /// RFC 8785 §3.2.3: member names sorted by UTF-16 code units (the emoji's surrogates sort before U+FB33).
    #[test]
    fn rfc8785_sorting() {
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let value: Value = serde_json::from_str(input).unwrap();
        let text = canonical(&value);
        let order: Vec<&str> = [
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        ]
        .to_vec();
        let positions: Vec<usize> = order.iter().map(|v| text.find(v).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(text.starts_with("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":"));
    }

    #[test]
    fn integers_and_escapes() {
        let value = serde_json::json!({"b": [1, -2, 10_u64.pow(19), 12345678901234567_u64], "a": "\u{1}\u{7f}日本語😀", "c": {}});
        assert_eq!(
            canonical(&value),
            "{\"a\":\"\\u0001\u{7f}日本語😀\",\"b\":[1,-2,10000000000000000000,12345678901234568],\"c\":{}}"
        );
    }

    #[test]
    fn addresses() {
        let value = serde_json::json!({"b": 1, "a": [true]});
        let address = content_address(&value);
        // sha256 of the canonical text {"a":[true],"b":1}
        assert_eq!(address, ContentAddress::of_bytes(br#"{"a":[true],"b":1}"#));
        assert_eq!(address.as_str().len(), 71);
        assert_eq!(address.as_str().parse::<ContentAddress>().unwrap(), address);
        // The well-known digest of the empty input.
        assert_eq!(
            ContentAddress::of_bytes(b"").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        for bad in [
            "sha256:",
            "sha1:00",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        ] {
            assert_eq!(
                bad.parse::<ContentAddress>(),
                Err(Error::BadAddress(bad.to_owned()))
            );
        }
    }

    #[test]
    fn chain_links_entries() {
        let genesis = ContentAddress::genesis();
        let first = chain_hash(&genesis, &serde_json::json!({"seq": 1}));
        let second = chain_hash(&first, &serde_json::json!({"seq": 2}));
        let mut manual = genesis.as_str().as_bytes().to_vec();
        manual.extend_from_slice(b"\n{\"seq\":1}");
        assert_eq!(first, ContentAddress::of_bytes(&manual));
        assert_ne!(second, chain_hash(&genesis, &serde_json::json!({"seq": 2})));
        // Member order in the entry does not matter; its content does.
        let a = chain_hash(&genesis, &serde_json::json!({"x": 1, "y": 2}));
        let b = chain_hash(&genesis, &serde_json::json!({"y": 2, "x": 1}));
        let c = chain_hash(&genesis, &serde_json::json!({"y": 2, "x": 1.5}));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Value::from),
            (-1e-5f64..1e-5).prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Canonical text parses back to a value with the same canonical text.
        #[test]
        fn canonical_is_a_fixed_point(value in arbitrary_json()) {
            let text = canonical(&value);
            let back: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(canonical(&back), text);
        }

        /// Every finite double survives its canonical text exactly (the shortest digits round-trip).
        #[test]
        fn numbers_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let text = canonical(&serde_json::json!(x));
            let back: f64 = text.parse().unwrap();
            prop_assert_eq!(back, if x == 0.0 { 0.0 } else { x });
        }

        /// Members come out in UTF-16 order, whatever order a map holds them in.
        #[test]
        fn members_in_utf16_order(a in any::<String>(), b in any::<String>()) {
            prop_assume!(a != b);
            let mut map = serde_json::Map::new();
            map.insert(a.clone(), Value::from(1));
            map.insert(b.clone(), Value::from(2));
            let text = canonical(&Value::Object(map));
            let want = if utf16_order(&a, &b) == Ordering::Less {
                format!("{{{}:1,{}:2}}", canonical(&Value::String(a)), canonical(&Value::String(b)))
            } else {
                format!("{{{}:2,{}:1}}", canonical(&Value::String(b)), canonical(&Value::String(a)))
            };
            prop_assert_eq!(text, want);
        }
    }
}
