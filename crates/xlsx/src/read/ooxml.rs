//! Reading .xlsx and .xlsm workbooks: the workbook, its relations, shared strings, the date
//! styles and every worksheet's cells and merged regions, each part inflated once and parsed in
//! place (no copy of the XML, one pass per part).
//!
//! calamine reads the other formats. For this one, the most common by far, kaiji has its own
//! reader: calamine streams a sheet through buffered readers and has to parse a sheet a second
//! time to reach its merged regions; this reader does the whole workbook in less time than
//! calamine takes to read its cells (bench/xlsx-import).

use std::collections::HashMap;

use calamine::Dimensions;

use crate::{
    error::Error,
    limits::Limits,
    package::{self, Parts},
    read::{
        guard::check_size,
        xml::{self, Attrs, Token, Tokens, XmlError},
    },
    sheet::{Cell, Sheet, date_cell, number_cell, text_cell},
};

/// Reads every worksheet of an .xlsx/.xlsm (chart and dialog sheets have no cells and are left
/// out), in the workbook's order.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, Error> {
    let mut parts = Parts::new(bytes, limits)?;
    let workbook = parts
        .read("xl/workbook.xml")?
        .ok_or_else(|| corrupt(None, "xl/workbook.xml is missing"))?;
    let book = parse_workbook(&workbook)?;
    let rels = package::relations(&parts.read(package::WORKBOOK_RELS)?.unwrap_or_default())?;
    let part_of = |kind: &str, default: &str| {
        rels.values()
            .find(|(k, _)| k.ends_with(kind))
            .map_or_else(|| default.to_owned(), |(_, target)| target.clone())
    };
    let strings = match parts.read(&part_of("/sharedStrings", "xl/sharedStrings.xml"))? {
        Some(xml) => parse_shared_strings(&xml)?,
        None => Vec::new(),
    };
    let dates = match parts.read(&part_of("/styles", "xl/styles.xml"))? {
        Some(xml) => parse_date_styles(&xml)?,
        None => Vec::new(),
    };
    let context = Context {
        strings: &strings,
        dates: &dates,
        date1904: book.date1904,
        limits,
    };
    let mut sheets = Vec::with_capacity(book.sheets.len());
    let (mut cells, mut merged_area) = (0usize, 0usize);
    for entry in book.sheets {
        let Some((kind, path)) = rels.get(&entry.rel) else {
            continue;
        };
        if !kind.ends_with("/worksheet") {
            continue;
        }
        let mut sheet = Sheet::new(entry.name, entry.hidden);
        let Some(xml) = parts.read(path)? else {
            return Err(corrupt(
                Some(&sheet.name),
                format!("the part {path} is missing"),
            ));
        };
        let merges = context.read_sheet(&xml, &mut sheet, &mut cells)?;
        sheet.set_merges(merges, limits, &mut merged_area)?;
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn corrupt(sheet: Option<&str>, message: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        sheet: sheet.map(str::to_owned),
        message: message.to_string(),
    }
}

fn xml_error(part: &str, e: &XmlError) -> Error {
    corrupt(None, format!("{part}: {e}"))
}

/// The start tags of a part with their attributes, in order (workbook, relations, styles:
/// small parts where only attributes matter).
fn start_tags<'a>(
    xml: &'a [u8],
    part: &'a str,
) -> impl Iterator<Item = Result<(&'a [u8], Attrs<'a>), Error>> + 'a {
    let mut tokens = Tokens::new(xml);
    std::iter::from_fn(move || {
        loop {
            match tokens.next_token() {
                Ok(Some(Token::Start { name, attrs, .. })) => return Some(Ok((name, attrs))),
                Ok(Some(_)) => {}
                Ok(None) => return None,
                Err(e) => return Some(Err(xml_error(part, &e))),
            }
        }
    })
}

struct SheetEntry {
    name: String,
    rel: String,
    hidden: bool,
}

struct Workbook {
    sheets: Vec<SheetEntry>,
    date1904: bool,
}

fn parse_workbook(xml: &[u8]) -> Result<Workbook, Error> {
    let mut book = Workbook {
        sheets: Vec::new(),
        date1904: false,
    };
    for tag in start_tags(xml, "xl/workbook.xml") {
        match tag? {
            (b"workbookPr", attrs) => {
                book.date1904 = matches!(attrs.get(b"date1904"), Some(b"1" | b"true"));
            }
            (b"sheet", attrs) => {
                if let (Some(name), Some(rel)) = (attrs.text(b"name"), attrs.text(b"id")) {
                    let hidden = matches!(attrs.get(b"state"), Some(b"hidden" | b"veryHidden"));
                    book.sheets.push(SheetEntry { name, rel, hidden });
                }
            }
            _ => {}
        }
    }
    Ok(book)
}

/// Reads rich text (`<si>`, `<is>`) up to its end tag into `out`: the text of its runs, with
/// phonetic guides (`<rPh>`, the furigana Excel keeps for Japanese text) left out.
fn read_rich_text(tokens: &mut Tokens<'_>, end: &[u8], out: &mut String) -> Result<(), XmlError> {
    loop {
        let at = tokens.offset();
        let bad = |what| XmlError { offset: at, what };
        match tokens.next_token()? {
            Some(Token::Start {
                name: b"t",
                attrs,
                empty: false,
            }) => {
                let preserve = attrs.get(b"space") == Some(b"preserve");
                // The run is decoded straight into `out`, and mended there in the rare cases
                // that need it (no copy for plain text).
                let start = out.len();
                loop {
                    let at = tokens.offset();
                    match tokens.next_token()? {
                        Some(Token::Text(t)) => xml::decode_into(t, out)
                            .map_err(|what| XmlError { offset: at, what })?,
                        Some(Token::CData(t)) => xml::literal_into(t, out)
                            .map_err(|what| XmlError { offset: at, what })?,
                        Some(Token::End { name: b"t" }) => break,
                        Some(_) => {}
                        None => return Err(bad("a text element is not closed")),
                    }
                }
                // Excel keeps spaces around a run only when told to (as calamine reads it).
                let run = &out[start..];
                let trimmed = if preserve {
                    run
                } else {
                    run.trim_matches([' ', '\t', '\r', '\n'])
                };
                if trimmed.len() != run.len() || trimmed.contains("_x") {
                    let run = out.split_off(start);
                    let trimmed = if preserve {
                        run.as_str()
                    } else {
                        run.trim_matches([' ', '\t', '\r', '\n'])
                    };
                    push_unescaped(trimmed, out);
                }
            }
            Some(Token::Start {
                name: b"rPh",
                empty: false,
                ..
            }) => tokens.skip_element(b"rPh")?,
            Some(Token::End { name }) if name == end => return Ok(()),
            Some(_) => {}
            None => return Err(bad("rich text is not closed")),
        }
    }
}

/// Appends `s` with Excel's own escapes for characters XML cannot hold (`_x000D_`) resolved.
fn push_unescaped(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(at) = rest.find("_x") {
        let code = rest
            .get(at + 2..at + 7)
            .filter(|c| c.ends_with('_') && c[..4].bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|c| u32::from_str_radix(&c[..4], 16).ok());
        let Some(mut code) = code else {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        };
        out.push_str(&rest[..at]);
        let mut next = at + 7;
        // A surrogate pair is written as two escapes.
        if (0xD800..0xDC00).contains(&code)
            && let Some(low) = rest
                .get(next..next + 7)
                .filter(|c| c.starts_with("_x") && c.ends_with('_'))
                .and_then(|c| u32::from_str_radix(&c[2..6], 16).ok())
                .filter(|low| (0xDC00..0xE000).contains(low))
        {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            next += 7;
        }
        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        rest = &rest[next..];
    }
    out.push_str(rest);
}

fn parse_shared_strings(xml: &[u8]) -> Result<Vec<String>, Error> {
    const PART: &str = "xl/sharedStrings.xml";
    let mut tokens = Tokens::new(xml);
    let mut strings = Vec::new();
    while let Some(token) = tokens.next_token().map_err(|e| xml_error(PART, &e))? {
        match token {
            Token::Start {
                name: b"sst",
                attrs,
                ..
            } => {
                if let Some(n) = attrs
                    .get(b"uniqueCount")
                    .and_then(|v| std::str::from_utf8(v).ok()?.parse::<usize>().ok())
                {
                    // A count is a hint, not a promise: never reserve more than the part
                    // could hold.
                    strings.reserve(n.min(xml.len() / 8));
                }
            }
            Token::Start {
                name: b"si", empty, ..
            } => {
                let mut text = String::new();
                if !empty {
                    read_rich_text(&mut tokens, b"si", &mut text)
                        .map_err(|e| xml_error(PART, &e))?;
                }
                strings.push(text);
            }
            _ => {}
        }
    }
    Ok(strings)
}

/// For each cell format (`<cellXfs>` entry, the `s` of a cell), whether it shows a date.
fn parse_date_styles(xml: &[u8]) -> Result<Vec<bool>, Error> {
    const PART: &str = "xl/styles.xml";
    let mut tokens = Tokens::new(xml);
    let mut custom: HashMap<&[u8], bool> = HashMap::new();
    let mut dates = Vec::new();
    let mut in_cell_xfs = false;
    while let Some(token) = tokens.next_token().map_err(|e| xml_error(PART, &e))? {
        match token {
            Token::Start {
                name: b"numFmt",
                attrs,
                ..
            } => {
                if let (Some(id), Some(code)) = (attrs.get(b"numFmtId"), attrs.text(b"formatCode"))
                {
                    custom.insert(id, is_date_format(&code));
                }
            }
            Token::Start {
                name: b"cellXfs",
                empty: false,
                ..
            } => in_cell_xfs = true,
            Token::End { name: b"cellXfs" } => in_cell_xfs = false,
            Token::Start {
                name: b"xf", attrs, ..
            } if in_cell_xfs => {
                let id = attrs.get(b"numFmtId").unwrap_or(b"0");
                let date = custom.get(id).copied().unwrap_or_else(|| {
                    std::str::from_utf8(id)
                        .ok()
                        .and_then(|s| s.trim().parse::<u16>().ok())
                        .is_some_and(is_builtin_date_format)
                });
                dates.push(date);
            }
            _ => {}
        }
    }
    Ok(dates)
}

/// Built-in number formats that show dates or times (ECMA-376 18.8.30; 27–36 and 50–58 are the
/// East Asian date formats, 和暦 among them).
fn is_builtin_date_format(id: u16) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format shows a date or time: a date or time letter outside quoted
/// text, escapes and `[…]` sections (colours, locales), in its first section. The 和暦 era
/// letters `g` and `e` count as date letters.
fn is_date_format(code: &str) -> bool {
    let mut chars = code.chars();
    let mut brackets = 0u32;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => brackets += 1,
            ']' => brackets = brackets.saturating_sub(1),
            ';' => return false,
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' | 'g' | 'e'
                if brackets == 0 =>
            {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// What reading a sheet needs from the rest of the workbook.
struct Context<'a> {
    strings: &'a [String],
    dates: &'a [bool],
    date1904: bool,
    limits: &'a Limits,
}

impl Context<'_> {
    /// Reads the cells of one worksheet into `sheet` and returns its merged regions. `cells`
    /// counts stored cells across the workbook, against the limits.
    fn read_sheet(
        &self,
        xml: &[u8],
        sheet: &mut Sheet,
        cells: &mut usize,
    ) -> Result<Vec<Dimensions>, Error> {
        let mut tokens = Tokens::new(xml);
        let mut merges = Vec::new();
        // The current row and the next column, for rows and cells that do not say where they
        // are (both are optional in the format).
        let (mut row, mut col, mut next_row) = (0u32, 0u32, 0u32);
        let name = sheet.name.clone();
        let in_sheet = |message: String| corrupt(Some(&name), message);
        while let Some(token) = tokens.next_token().map_err(|e| in_sheet(e.to_string()))? {
            let Token::Start {
                name: tag,
                attrs,
                empty,
            } = token
            else {
                continue;
            };
            match tag {
                b"row" => {
                    row = attrs
                        .get(b"r")
                        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<u32>().ok())
                        .filter(|r| *r >= 1)
                        .map_or(next_row, |r| r - 1);
                    next_row = row.saturating_add(1);
                    col = 0;
                }
                b"c" => {
                    // One pass over the attributes (a sheet has a great many cells).
                    let (mut at, mut kind, mut style) = (None, None, None);
                    for (key, value) in attrs.iter() {
                        match key {
                            b"r" => at = Some(value),
                            b"t" => kind = Some(value),
                            b"s" => style = Some(value),
                            _ => {}
                        }
                    }
                    let (r, c) = match at {
                        Some(at) => parse_ref(at).ok_or_else(|| {
                            in_sheet(format!(
                                "{:?} is not a cell reference",
                                String::from_utf8_lossy(at)
                            ))
                        })?,
                        None => (row, col),
                    };
                    col = c.saturating_add(1);
                    if empty {
                        // A style only: the cell takes its place in the row, and holds nothing.
                        continue;
                    }
                    let cell = self
                        .read_cell(&mut tokens, kind, style)
                        .map_err(|e| in_sheet(e.to_string()))?
                        .map_err(|message| {
                            in_sheet(format!("{}: {message}", crate::text::cell_ref(r, c)))
                        })?;
                    if !cell.text.is_empty() || cell.formula_without_value {
                        check_size(sheet, r, c, cells, self.limits)?;
                        sheet.put(r as usize, c as usize, cell);
                    }
                }
                b"mergeCell" => {
                    if let Some(region) = attrs.get(b"ref").and_then(parse_region) {
                        merges.push(region);
                    }
                }
                _ => {}
            }
        }
        Ok(merges)
    }

    /// Reads a cell's children up to `</c>`. The outer error is bad XML; the inner one a value
    /// that makes no sense (a shared string that does not exist).
    fn read_cell(
        &self,
        tokens: &mut Tokens<'_>,
        kind: Option<&[u8]>,
        style: Option<&[u8]>,
    ) -> Result<Result<Cell, String>, XmlError> {
        let mut value = String::new();
        let mut formula = false;
        loop {
            let at = tokens.offset();
            let bad = |what| XmlError { offset: at, what };
            match tokens.next_token()? {
                Some(Token::Start {
                    name: b"v",
                    empty: false,
                    ..
                }) => loop {
                    let at = tokens.offset();
                    match tokens.next_token()? {
                        Some(Token::Text(t)) => xml::decode_into(t, &mut value)
                            .map_err(|what| XmlError { offset: at, what })?,
                        Some(Token::CData(t)) => xml::literal_into(t, &mut value)
                            .map_err(|what| XmlError { offset: at, what })?,
                        Some(Token::End { name: b"v" }) => break,
                        Some(_) => {}
                        None => return Err(bad("a value is not closed")),
                    }
                },
                Some(Token::Start {
                    name: b"f", empty, ..
                }) => {
                    formula = true;
                    if !empty {
                        tokens.skip_element(b"f")?;
                    }
                }
                Some(Token::Start {
                    name: b"is",
                    empty: false,
                    ..
                }) => {
                    read_rich_text(tokens, b"is", &mut value)?;
                }
                Some(Token::End { name: b"c" }) => break,
                Some(_) => {}
                None => return Err(bad("a cell is not closed")),
            }
        }
        if value.is_empty() {
            return Ok(Ok(Cell {
                formula_without_value: formula,
                ..Cell::default()
            }));
        }
        let kept = |value: String| Cell {
            text: value,
            ..Cell::default()
        };
        Ok(Ok(match kind.unwrap_or(b"n") {
            b"s" => {
                let index = value.trim().parse::<usize>().ok();
                match index.and_then(|i| self.strings.get(i)) {
                    Some(s) => text_cell(s),
                    None => {
                        return Ok(Err(format!(
                            "shared string {value} does not exist (the workbook has {})",
                            self.strings.len()
                        )));
                    }
                }
            }
            b"b" => text_cell(if matches!(value.trim(), "1" | "true") {
                "TRUE"
            } else {
                "FALSE"
            }),
            // Errors (#N/A), formula strings, inline strings, ISO dates (t="d"): as written.
            b"e" | b"str" | b"inlineStr" | b"d" => kept(value),
            _ => match value.trim().parse::<f64>() {
                Ok(n) => {
                    // In a workbook counting from 1904, a date's serial in the 1900 system.
                    let serial = if self.date1904 { n + 1462.0 } else { n };
                    let style = style
                        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok());
                    if style.is_some_and(|s| self.dates.get(s).copied().unwrap_or(false)) {
                        date_cell(serial)
                    } else {
                        Cell {
                            serial: Some(serial),
                            ..number_cell(n)
                        }
                    }
                }
                // Not a number after all: keep what the file says.
                Err(_) => kept(value),
            },
        }))
    }
}

/// `B12` → (11, 1), zero-based. Columns beyond Excel's last are returned as they are (the size
/// check refuses them with a message); a reference without a row or column is `None`.
fn parse_ref(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &r[letters..];
    if letters == 0 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut col = 0u32;
    for b in &r[..letters] {
        col = col
            .saturating_mul(26)
            .saturating_add(u32::from(b.to_ascii_uppercase() - b'A' + 1));
    }
    let mut row = 0u32;
    for b in digits {
        row = row.saturating_mul(10).saturating_add(u32::from(b - b'0'));
    }
    (row >= 1).then(|| (row - 1, col - 1))
}

/// `A1:C3` (or a single cell) as a region.
fn parse_region(r: &[u8]) -> Option<Dimensions> {
    let (a, b) = match r.iter().position(|b| *b == b':') {
        Some(at) => (&r[..at], &r[at + 1..]),
        None => (r, r),
    };
    let (start, end) = (parse_ref(a)?, parse_ref(b)?);
    Some(Dimensions {
        start: (start.0.min(end.0), start.1.min(end.1)),
        end: (start.0.max(end.0), start.1.max(end.1)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;
    use proptest::prelude::*;
    use std::io::Cursor;

    /// Per sheet: its name, its non-empty cells (row, column, text) and its merged regions.
    type Read = Vec<(String, Vec<(u32, u32, String)>, Vec<Dimensions>)>;

    /// Every non-empty cell as calamine reads it (converted as kaiji converts calamine's
    /// values for the other formats), with the merged regions.
    fn by_calamine(bytes: &[u8]) -> Read {
        let mut book = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let cells = range
                    .used_cells()
                    .map(|(r, c, v)| {
                        (
                            r0 + r as u32,
                            c0 + c as u32,
                            crate::read::via_calamine::cell_of(v).text,
                        )
                    })
                    .filter(|(_, _, t)| !t.is_empty())
                    .collect();
                let merges = book.merge_cells_by_sheet_name(&name).unwrap();
                (name, cells, merges)
            })
            .collect()
    }

    fn by_kaiji(bytes: &[u8]) -> Read {
        read(bytes, &Limits::default())
            .unwrap()
            .into_iter()
            .map(|sheet| {
                let cells = sheet
                    .rows
                    .iter()
                    .enumerate()
                    .flat_map(|(r, row)| {
                        row.iter()
                            .enumerate()
                            .filter(|(_, c)| !c.text.is_empty())
                            .map(move |(c, cell)| (r as u32, c as u32, cell.text.clone()))
                    })
                    .collect();
                (sheet.name, cells, sheet.merges)
            })
            .collect()
    }

    /// kaiji's reader and calamine agree on every cell of every committed workbook (written by
    /// openpyxl, LibreOffice and Excel-like generators).
    #[test]
    fn reads_the_fixtures_as_calamine_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut read = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("xlsx" | "xlsm")
            ) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(by_kaiji(&bytes), by_calamine(&bytes), "{}", path.display());
            read += 1;
        }
        assert!(read >= 6, "{read} workbooks");
    }

    /// A workbook made of the given parts (stored), with the workbook relations kaiji needs.
    fn package(workbook: &str, sheet: &str, styles: &str) -> Vec<u8> {
        use std::io::Write;
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/></Relationships>"#;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, xml) in [
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/styles.xml", styles),
        ] {
            zip.start_file(name, stored).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn dates_count_from_1904_when_the_workbook_says_so() {
        let styles = r#"<styleSheet><numFmts count="1"><numFmt numFmtId="180" formatCode="[$-411]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="180"/></cellXfs></styleSheet>"#;
        let sheet = r#"<worksheet><sheetData><row><c s="1"><v>0</v></c><c s="2"><v>43191</v></c><c><v>43191</v></c></row><row><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>x</v></c><c><f>B1</f></c></row></sheetData></worksheet>"#;
        let workbook = |pr: &str| {
            format!(
                r#"<workbook xmlns:r="r">{pr}<sheets><sheet name="S" r:id="rId1" state="hidden"/></sheets></workbook>"#
            )
        };
        let sheets = read(
            &package(&workbook(r#"<workbookPr date1904="1"/>"#), sheet, styles),
            &Limits::default(),
        )
        .unwrap();
        let s = &sheets[0];
        assert!(s.hidden);
        // Rows and cells without references follow one another.
        assert_eq!(s.text(0, 0), "1904-01-01");
        assert_eq!(s.text(0, 1), "2022-04-02");
        assert_eq!(
            s.text(0, 2),
            "43191",
            "a number that is not a date stays as written"
        );
        assert_eq!(
            s.date(0, 2).map(|d| d.to_string()).as_deref(),
            Some("2022-04-02")
        );
        assert_eq!(
            (s.text(1, 0), s.text(1, 1), s.text(1, 2)),
            ("TRUE", "#N/A", "x")
        );
        assert!(s.cell(1, 3).unwrap().formula_without_value);
        let sheets = read(&package(&workbook(""), sheet, styles), &Limits::default()).unwrap();
        assert_eq!(sheets[0].text(0, 1), "2018-04-01");
    }

    fn cell_value() -> impl Strategy<Value = Option<Result<String, f64>>> {
        prop_oneof![
            1 => Just(None),
            4 => "[ -~ぁ-んア-ン漢字○×－\n\r\t&<>\"'_]{0,12}".prop_map(|s| Some(Ok(s))),
            1 => "_x00[0-9A-F]{2}_".prop_map(|s| Some(Ok(s))),
            2 => (-1e6..1e6f64).prop_map(|n| Some(Err(n))),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Workbooks written by another program (rust_xlsxwriter: shared strings, numbers,
        /// dates, merged cells, two sheets) read the same through kaiji's reader and calamine.
        #[test]
        fn reads_generated_workbooks_as_calamine_does(
            sheets in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(cell_value(), 0..6), 0..8),
                1..3,
            ),
            date in proptest::option::of((0u32..6, 0u16..4, 30_000.0..50_000.0f64)),
            merge in proptest::option::of((9u32..12, 0u16..3)),
        ) {
            let mut book = rust_xlsxwriter::Workbook::new();
            let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy/m/d");
            for (i, rows) in sheets.iter().enumerate() {
                let sheet = book.add_worksheet();
                sheet.set_name(format!("S{i}")).unwrap();
                for (r, row) in rows.iter().enumerate() {
                    for (c, value) in row.iter().enumerate() {
                        match value {
                            Some(Ok(s)) => { sheet.write_string(r as u32, c as u16, s).unwrap(); }
                            Some(Err(n)) => { sheet.write_number(r as u32, c as u16, *n).unwrap(); }
                            None => {}
                        }
                    }
                }
                if let Some((r, c, serial)) = date {
                    sheet.write_number_with_format(r + 20, c, serial, &date_format).unwrap();
                }
                if let Some((r, c)) = merge {
                    sheet.merge_range(r, c, r + 1, c + 2, "merged", &rust_xlsxwriter::Format::new()).unwrap();
                }
            }
            let bytes = book.save_to_buffer().unwrap();
            prop_assert_eq!(by_kaiji(&bytes), by_calamine(&bytes));
        }
    }

    #[test]
    fn date_formats_are_told_from_number_formats() {
        for code in [
            "yyyy/m/d",
            "[$-411]ggge\"年\"m\"月\"d\"日\"",
            "m\"月\"d\"日\"",
            "h:mm",
            "[Red]yyyy-mm-dd",
        ] {
            assert!(is_date_format(code), "{code}");
        }
        for code in [
            "0.00",
            "#,##0\"円\"",
            "\"day\"0",
            "[Red]0",
            "@",
            "0;\"yy\"",
            "\\d0",
        ] {
            assert!(!is_date_format(code), "{code}");
        }
    }

    #[test]
    fn excel_escapes_are_resolved() {
        let mut out = String::new();
        push_unescaped("a_x000D_b_x_c_xD83D__xDE00_", &mut out);
        assert_eq!(out, "a\rb_x_c😀");
    }

    #[test]
    fn references_and_regions() {
        assert_eq!(parse_ref(b"A1"), Some((0, 0)));
        assert_eq!(parse_ref(b"d42"), Some((41, 3)));
        assert_eq!(parse_ref(b"XFD3"), Some((2, 16_383)));
        assert_eq!(parse_ref(b"A0"), None);
        assert_eq!(parse_ref(b"12"), None);
        assert_eq!(parse_ref(b"A1B"), None);
        let region = parse_region(b"C3:A1").unwrap();
        assert_eq!((region.start, region.end), ((0, 0), (2, 2)));
    }
}
