//! The one CSV writer of kaiji: RFC 4180 quoting, a byte order mark (Excel reads UTF-8 only
//! with one), and cells that a spreadsheet would run as a formula neutralised.

/// Characters that make a spreadsheet read a cell as a formula (or, for tab and carriage
/// return, that hide one), after OWASP's "CSV injection" advice.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV table being written: a byte order mark, then one line per row.
#[derive(Debug)]
pub(crate) struct Csv {
    text: String,
}

impl Csv {
    pub(crate) fn new() -> Self {
        Self {
            text: String::from("\u{feff}"),
        }
    }

    /// Appends one row.
    pub(crate) fn row<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) {
        let fields: Vec<String> = fields.into_iter().map(|f| field(f.as_ref())).collect();
        self.text.push_str(&fields.join(","));
        self.text.push('\n');
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.text.into_bytes()
    }
}

/// One CSV field. A value a spreadsheet would take for a formula (`=HYPERLINK(…)`, `+1`, `-1`,
/// `@SUM(…)`, a leading tab or carriage return) gets a leading `'` and is quoted, so it shows
/// as the text it is; a field with a comma, quote or line break is quoted, quotes doubled.
pub(crate) fn field(value: &str) -> String {
    if value.starts_with(FORMULA_START) {
        format!("\"'{}\"", value.replace('"', "\"\""))
    } else if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quoted() {
        assert_eq!(
            field(r#"=HYPERLINK("http://x.invalid","click")"#),
            r#""'=HYPERLINK(""http://x.invalid"",""click"")""#
        );
        for start in ["+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=1+1"] {
            let f = field(start);
            assert!(f.starts_with("\"'"), "{f}");
            assert!(f.ends_with('"'), "{f}");
        }
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("1-2"), "1-2");
        assert_eq!(field(""), "");
    }

    /// A field read back by RFC 4180 rules: quotes removed, doubled quotes single.
    fn read_back(f: &str) -> String {
        match f.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
            Some(inner) => inner.replace("\"\"", "\""),
            None => f.to_owned(),
        }
    }

    proptest::proptest! {
        /// Any text reads back as itself, with a `'` before it when a spreadsheet would take
        /// it for a formula; an unquoted field never holds a separator, quote or line break.
        #[test]
        fn any_text_reads_back_and_never_as_a_formula(text in "[=+@\t\r\n,\"a-z0-9 -]{0,12}") {
            let f = field(&text);
            let back = read_back(&f);
            if text.starts_with(FORMULA_START) {
                proptest::prop_assert_eq!(back, format!("'{text}"));
            } else {
                proptest::prop_assert_eq!(&back, &text);
            }
            if !f.starts_with('"') {
                proptest::prop_assert!(!f.contains([',', '"', '\n', '\r']));
            }
            proptest::prop_assert!(!read_back(&f).starts_with(FORMULA_START));
        }
    }

    #[test]
    fn a_table_starts_with_a_byte_order_mark() {
        let mut csv = Csv::new();
        csv.row(["a", "=b"]);
        csv.row([String::from("c"), String::from("d")]);
        assert_eq!(
            String::from_utf8(csv.into_bytes()).unwrap(),
            "\u{feff}a,\"'=b\"\nc,d\n"
        );
    }
}
