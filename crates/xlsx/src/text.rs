//! Normalising what people type into workbooks: full-width forms, dashes, item numbers, dates.

use jiff::civil::Date;

/// Folds full-width ASCII (Ａ, １, －, （ …) and the ideographic space to their half-width forms,
/// and dashes (‐ – — ― −) to `-`. Japanese letters, the long-vowel mark ー included, are left
/// alone.
pub(crate) fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        _ => c,
    }
}

/// A lower-case key for matching header labels: width folded, all white space removed.
pub(crate) fn key(s: &str) -> String {
    s.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// An item number as people write it, in one canonical form: `1-1`, `１－１`, `1.1`, `1–1`,
/// `1_1` and `1 - 1` all become `1-1`; `(1)`, `（１）` and `1)` become `1`; `No.3` becomes `3`.
/// Ids such as `MDS-C14-02` keep their letters. Returns `None` for text that is not an id
/// (a sentence, an empty cell).
pub(crate) fn item_number(s: &str) -> Option<String> {
    // Most cells already are canonical ("14-2", "MDS-C14-02"): no need to fold anything.
    let b = s.as_bytes();
    if !b.is_empty()
        && b.len() <= 24
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && !s.contains("--")
        && b.iter().any(u8::is_ascii_digit)
        && !s.starts_with("No")
        && !s.starts_with("no")
        && !s.starts_with("NO")
    {
        return Some(s.to_owned());
    }
    // In a number, the long-vowel mark is a dash typed with the kana keyboard ("1ー1").
    let mut t = fold_width(s)
        .replace(['\u{30FC}', '\u{FF70}'], "-")
        .trim()
        .to_owned();
    for prefix in ["No.", "no.", "NO.", "No", "NO", "№"] {
        // "No" only as a word of its own ("No3", "No 3"): "Note 1" is not "te 1".
        if let Some(rest) = t.strip_prefix(prefix)
            && !rest.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            t = rest.trim().to_owned();
            break;
        }
    }
    // Words with a number are a label, not an id ("Note 1", "Step 2"): ids join their parts
    // with dashes ("MDS-C14-02").
    let mut words = t.split_whitespace();
    if words.clone().nth(1).is_some()
        && words.any(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return None;
    }
    // Footnote marks after a number ("2-1※", "3-4*") are not part of it.
    let t = t
        .trim_end_matches(['※', '*', '†', '注'])
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
        .to_owned();
    if t.is_empty() || t.chars().count() > 24 {
        return None;
    }
    let mut out = String::new();
    for c in t.chars() {
        match c {
            '0'..='9' | 'A'..='Z' | 'a'..='z' => out.push(c),
            '-' | '.' | '_' | '/' | ' ' => {
                if !out.ends_with('-') && !out.is_empty() {
                    out.push('-');
                }
            }
            _ => return None,
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    // An id has at least one digit; "Yes", "OK" or "N" are not ids.
    (out.chars().any(|c| c.is_ascii_digit())).then_some(out)
}

/// Reads a date as people write it: `2026-04-01`, `2026/4/1`, `2026.4.1`, `2026年4月1日`,
/// `令和8年4月1日`, `R8.4.1`, `令和元年5月1日`, `平成31年4月30日`, with full-width digits.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let t = fold_width(s);
    // A weekday or a time after the date ("2026年4月1日(水)", "2026-04-01T00:00:00",
    // "2026/4/1 10:00") is not part of it.
    let t = t.trim();
    let t = t.split(['(', 'T']).next().unwrap_or(t).trim();
    let t = match t.split_once(' ') {
        Some((date, rest)) if rest.contains(':') => date,
        _ => t,
    };
    let t = t.replace(' ', "");
    let t = t.as_str();
    let (era_start, rest) = era(t);
    let rest = rest.trim_end_matches('日');
    let parts: Vec<&str> = rest
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let year: i16 = match era_start {
        Some(start) => {
            let n: i16 = if *y == "元" { 1 } else { y.parse().ok()? };
            if !(1..=99).contains(&n) {
                return None;
            }
            start + n - 1
        }
        None => y.parse().ok().filter(|y: &i16| (1900..=2999).contains(y))?,
    };
    Date::new(year, m.parse().ok()?, d.parse().ok()?).ok()
}

/// Splits a Japanese era prefix off: returns the Gregorian year of the era's first year.
fn era(t: &str) -> (Option<i16>, &str) {
    const ERAS: [(&str, i16); 8] = [
        ("令和", 2019),
        ("平成", 1989),
        ("昭和", 1926),
        ("R", 2019),
        ("H", 1989),
        ("S", 1926),
        ("r", 2019),
        ("h", 1989),
    ];
    for (name, start) in ERAS {
        if let Some(rest) = t.strip_prefix(name) {
            return (Some(start), rest);
        }
    }
    (None, t)
}

/// An Excel serial date (1900 date system) as a calendar date.
pub(crate) fn excel_serial_date(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Excel counts 1900-02-29, which did not exist: serials from 61 on are one day ahead.
    let days = serial.floor() as i32;
    let base = Date::new(1899, 12, 30).ok()?;
    let days = if days < 61 { days + 1 } else { days };
    base.checked_add(jiff::Span::new().days(i64::from(days)))
        .ok()
}

/// The A1-style reference of a zero-based (row, column).
pub(crate) fn cell_ref(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// The zero-based (row, column) of an A1-style reference.
pub(crate) fn parse_cell_ref(r: &str) -> Option<(u32, u32)> {
    let letters: String = r.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &r[letters.len()..];
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() {
        return None;
    }
    let mut col = 0u32;
    for c in letters.chars() {
        col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn item_numbers_as_people_write_them() {
        for (s, want) in [
            ("1-1", Some("1-1")),
            ("１－１", Some("1-1")),
            ("1.1", Some("1-1")),
            ("1–1", Some("1-1")),
            ("1ー1", Some("1-1")),
            ("1 - 1", Some("1-1")),
            ("(1)", Some("1")),
            ("2-1※", Some("2-1")),
            ("（１）", Some("1")),
            ("No.3", Some("3")),
            ("14-2", Some("14-2")),
            ("MDS-C14-02", Some("MDS-C14-02")),
            ("1-1.", Some("1-1")),
            ("はい", None),
            ("Yes", None),
            ("", None),
            ("認証・認可", None),
            // "No" is a prefix only as a word of its own.
            ("No 3", Some("3")),
            ("No3", Some("3")),
            ("NO.4-1", Some("4-1")),
            ("№5", Some("5")),
            ("Note 1", None),
            ("Notes 2-1", None),
            ("Note:1", None),
            ("Step 2", None),
            ("No te 1", None),
        ] {
            assert_eq!(item_number(s).as_deref(), want, "{s:?}");
        }
    }

    #[test]
    fn dates_as_people_write_them() {
        let d = |y, m, dd| Some(Date::new(y, m, dd).unwrap());
        assert_eq!(parse_date("2026-04-01"), d(2026, 4, 1));
        assert_eq!(parse_date("2026/4/1"), d(2026, 4, 1));
        assert_eq!(parse_date("２０２６年４月１日"), d(2026, 4, 1));
        assert_eq!(parse_date("令和8年4月1日"), d(2026, 4, 1));
        assert_eq!(parse_date("令和元年5月1日"), d(2019, 5, 1));
        assert_eq!(parse_date("平成31年4月30日"), d(2019, 4, 30));
        assert_eq!(parse_date("R6.4.1"), d(2024, 4, 1));
        assert_eq!(parse_date("2026年4月1日(水)"), d(2026, 4, 1));
        assert_eq!(parse_date("2026-04-01T00:00:00"), d(2026, 4, 1));
        assert_eq!(parse_date("2026/4/1 10:30"), d(2026, 4, 1));
        assert_eq!(parse_date("2026/02/30"), None);
        assert_eq!(parse_date("令和100年1月1日"), None);
        assert_eq!(parse_date("来年"), None);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(
            excel_serial_date(46113.0),
            Some(Date::new(2026, 4, 1).unwrap())
        );
        assert_eq!(excel_serial_date(1.0), Some(Date::new(1900, 1, 1).unwrap()));
        assert_eq!(
            excel_serial_date(61.0),
            Some(Date::new(1900, 3, 1).unwrap())
        );
        assert_eq!(excel_serial_date(f64::NAN), None);
        assert_eq!(excel_serial_date(-3.0), None);
    }

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref(41, 3), "D42");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(parse_cell_ref("D42"), Some((41, 3)));
        assert_eq!(parse_cell_ref("AA1"), Some((0, 26)));
        assert_eq!(parse_cell_ref("A0"), None);
    }

    proptest! {
        #[test]
        fn cell_refs_round_trip(row in 0u32..1_048_576, col in 0u32..16_384) {
            prop_assert_eq!(parse_cell_ref(&cell_ref(row, col)), Some((row, col)));
        }

        #[test]
        fn normalisers_never_panic(s in "\\PC{0,40}") {
            let _ = item_number(&s);
            let _ = parse_date(&s);
            let _ = key(&s);
        }

        #[test]
        fn full_width_numbers_read_as_half_width(a in 1u32..99, b in 1u32..99) {
            let full: String = format!("{a}－{b}").chars().map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                _ => c,
            }).collect();
            prop_assert_eq!(item_number(&full), Some(format!("{a}-{b}")));
        }
    }
}
