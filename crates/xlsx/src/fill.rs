//! Filling the user's own blank checklist in place: only the answer, remark and cover cells
//! change. Every other part of the file (styles, shapes, comments, data validations, defined
//! names, macros) is copied as it was, byte for byte; inside the changed worksheet only the
//! filled cells are rewritten.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::{Cursor, Read, Write},
};

use kaiji_catalog::{Registry, Text};
use kaiji_model::{Disclosure, disclosure::SubjectField};
use quick_xml::events::{BytesStart, Event};
use strum::IntoEnumIterator;

use calamine::Dimensions;
use kaiji_catalog::Answer;
use kaiji_model::Location;

use crate::{
    error::Error,
    layout::{
        cover::cover_cells,
        kind::{detect_kind, is_default_sheet},
        number::{Matcher, row_number},
        own::MAX_CELL_CHARS,
        table::{Layout, Role, find_layout, is_mark},
    },
    limits::Limits,
    package::{self, Parts, after_cells, attr, elements, part_key},
    read::{Format, read_workbook},
    sheet::Sheet,
    text,
};

/// What filling did: where each value went, and what found no place in the blank.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FillReport {
    pub sheet: String,
    /// (JSON pointer, "シート!D42") of every value written.
    pub written: Vec<(String, String)>,
    /// JSON pointers of answered items and subject fields the blank has no cell for.
    pub unplaced: Vec<String>,
}

/// Values to write into one sheet: (row, column) → text.
type Cells = BTreeMap<(usize, usize), String>;
/// Cells left alone because a formula stands there: (sheet, row, column).
type Skipped = BTreeSet<(String, usize, usize)>;

/// Writes `doc` into the blank workbook `blank` (.xlsx or .xlsm) and returns the filled file.
pub fn fill(
    doc: &Disclosure,
    blank: &[u8],
    registry: &Registry,
) -> Result<(Vec<u8>, FillReport), Error> {
    let limits = Limits::default();
    let (format, sheets) = read_workbook(blank, &limits)?;
    if format != Format::Xlsx {
        return Err(Error::NotAWorkbook(Text::new(
            "記入先は .xlsx または .xlsm でなければなりません(.xls/.ods はその場で記入できません)",
            "the blank must be .xlsx or .xlsm (.xls and .ods cannot be filled in place)",
        )));
    }
    let (_, checklist) = registry
        .checklist_for(&doc.catalog)
        .ok_or_else(|| Error::UnknownCatalog(doc.catalog.to_string()))?;

    // The checklist sheet for the document's form: the one kaiji would import as this kind.
    let tables: Vec<(&Sheet, Layout)> = sheets
        .iter()
        .filter_map(|s| find_layout(s).map(|l| (s, l)))
        .collect();
    // The sheet the importer would read as this kind (not a 記入例, not a hidden sheet).
    let (sheet, layout) = tables
        .iter()
        .filter(|(s, _)| is_default_sheet(s))
        .find(|(s, l)| detect_kind(&sheets, s, l).form() == doc.kind.form())
        .or_else(|| tables.first())
        .ok_or(Error::NoChecklist)?;
    let validations = {
        let mut parts = Parts::new(blank, &limits)?;
        let paths = package::sheet_paths(&mut parts)?;
        list_validations(&mut parts, &paths)
    };

    let mut writes: BTreeMap<String, Cells> = BTreeMap::new();
    // Which JSON pointer each cell carries, to report the cells that could not be written.
    let mut cell_pointers: BTreeMap<(String, usize, usize), String> = BTreeMap::new();
    let mut report = FillReport {
        sheet: sheet.name.clone(),
        ..FillReport::default()
    };
    let mut put = |sheet: &str, r: usize, c: usize, value: String, pointer: Option<String>| {
        if let Some(pointer) = pointer {
            cell_pointers.insert((sheet.to_owned(), r, c), pointer);
        }
        writes
            .entry(sheet.to_owned())
            .or_default()
            .insert((r, c), value);
    };

    // Items.
    let matcher = Matcher::new(checklist, doc.kind);
    let id_col = layout.id_col().ok_or(Error::NoChecklist)?;
    let mut placed = BTreeSet::new();
    for r in layout.header_end + 1..sheet.rows.len() {
        let Some(number) = row_number(sheet, r, id_col) else {
            continue;
        };
        let Some(item) = matcher.find(&number) else {
            continue;
        };
        let id = item.id.as_str();
        let Some(entry) = doc.answers.get(id) else {
            continue;
        };
        if !placed.insert(id.to_owned()) {
            continue;
        }
        let pointer = |field: &str| {
            Location::pointer(["answers", id, field])
                .pointer
                .unwrap_or_default()
        };
        if let Some(answer) = entry.answer {
            if let Some(c) = layout.col(Role::Answer) {
                let word = answer_word(sheet, r, c, answer, &validations);
                put(&sheet.name, r, c, word, Some(pointer("answer")));
            } else if layout.marks().any(|(_, a)| a == answer) {
                // The chosen column gets the mark; marks left in the others are cleared (text
                // there is not a mark, and stays).
                for (c, a) in layout.marks() {
                    if a == answer {
                        put(&sheet.name, r, c, "○".to_owned(), Some(pointer("answer")));
                    } else if is_mark(sheet.text(r, c)) {
                        put(&sheet.name, r, c, String::new(), None);
                    }
                }
            } else {
                report.unplaced.push(pointer("answer"));
            }
        }
        // What the source workbook's answer cells said has no cell of its own in a blank.
        if entry.source_answer.is_some() {
            report.unplaced.push(pointer("source_answer"));
        }
        for (field, value, role) in [
            ("remark", entry.remark.clone(), Role::Remark),
            ("evidence", entry.evidence.join("\n"), Role::Evidence),
        ] {
            if value.is_empty() {
                continue;
            }
            if value.chars().count() > MAX_CELL_CHARS {
                return Err(Error::CellTooLong {
                    what: pointer(field),
                    chars: value.chars().count(),
                });
            }
            match layout.col(role) {
                Some(c) => put(&sheet.name, r, c, value, Some(pointer(field))),
                None => report.unplaced.push(pointer(field)),
            }
        }
    }
    for (id, entry) in &doc.answers {
        let has_content = entry.answer.is_some()
            || !entry.remark.is_empty()
            || !entry.evidence.is_empty()
            || entry.source_answer.is_some();
        if !placed.contains(id) && has_content {
            report.unplaced.push(
                Location::pointer(["answers", id])
                    .pointer
                    .unwrap_or_default(),
            );
        }
    }

    // Cover: the same cells the importer reads.
    let names: BTreeSet<&str> = tables.iter().map(|(s, _)| s.name.as_str()).collect();
    let cover = cover_cells(&sheets, sheet, layout.header_start, &names);
    for field in SubjectField::iter() {
        let value = doc.subject.text(field);
        if value.is_empty() {
            continue;
        }
        let pointer = format!("/subject/{}", field.key());
        match cover.get(&field) {
            Some(cell) => {
                let value = match &cell.inline_label {
                    Some(label) => format!("{label}:{value}"),
                    None => value,
                };
                put(
                    &cell.sheet,
                    cell.value.0,
                    cell.value.1,
                    value,
                    Some(pointer),
                );
            }
            None => report.unplaced.push(pointer),
        }
    }

    let (bytes, skipped) = patch(blank, &writes, &limits)?;
    for ((name, r, c), pointer) in cell_pointers {
        if skipped.contains(&(name.clone(), r, c)) {
            // A formula stands there: never overwritten, so the value has no place.
            report.unplaced.push(pointer);
        } else {
            report.written.push((
                pointer,
                format!("{name}!{}", text::cell_ref(r as u32, c as u32)),
            ));
        }
    }
    report.written.sort();
    report.unplaced.sort();
    Ok((bytes, report))
}

/// The word for an answer: from the cell's drop-down list when the blank has one (○/×/－,
/// Yes/No …), else はい/いいえ/該当なし.
fn answer_word(
    sheet: &Sheet,
    r: usize,
    c: usize,
    answer: Answer,
    validations: &BTreeMap<String, Vec<(Dimensions, Vec<String>)>>,
) -> String {
    let (r, c) = (r as u32, c as u32);
    validations
        .get(&sheet.name)
        .into_iter()
        .flatten()
        .find(|(range, _)| {
            range.start.0 <= r && r <= range.end.0 && range.start.1 <= c && c <= range.end.1
        })
        .and_then(|(_, words)| {
            words
                .iter()
                .find(|w| Answer::parse_loose(w) == Some(answer))
        })
        .cloned()
        .unwrap_or_else(|| answer.label().ja)
}

/// The drop-down lists (`<dataValidation type="list">` with a literal `"a,b,c"` formula) of
/// every sheet, by sheet name.
fn list_validations(
    parts: &mut Parts<'_>,
    paths: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<(Dimensions, Vec<String>)>> {
    let mut out = BTreeMap::new();
    for (name, path) in paths {
        let xml = parts.read(path).ok().flatten().unwrap_or_default();
        let Some(tail) = after_cells(&xml, b"dataValidations") else {
            continue;
        };
        let mut reader = quick_xml::Reader::from_reader(tail);
        let mut buf = Vec::new();
        let mut ranges: Option<Vec<Dimensions>> = None;
        let mut in_formula = false;
        let mut formula = String::new();
        let mut lists = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == "dataValidation" => {
                    let is_list = attr(&e, "type").as_deref() == Some("list");
                    ranges = is_list.then(|| {
                        attr(&e, "sqref")
                            .unwrap_or_default()
                            .split_whitespace()
                            .filter_map(|r| {
                                let (a, b) = r.split_once(':').unwrap_or((r, r));
                                Some(Dimensions {
                                    start: text::parse_cell_ref(a)?,
                                    end: text::parse_cell_ref(b)?,
                                })
                            })
                            .collect()
                    });
                }
                Ok(Event::Start(e)) if e.local_name().as_ref() == "formula1" => {
                    in_formula = true;
                    formula.clear();
                }
                // The formula arrives in pieces: text, and entity references (&quot; &#34;).
                Ok(Event::Text(t)) if in_formula => formula.push_str(t.as_ref()),
                Ok(Event::GeneralRef(r)) if in_formula => {
                    let entity = format!("&{};", r.as_ref());
                    let text = quick_xml::escape::unescape(&entity).map(|t| t.into_owned());
                    formula.push_str(&text.unwrap_or(entity));
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == "formula1" => {
                    in_formula = false;
                    let list = formula.strip_prefix('"').and_then(|f| f.strip_suffix('"'));
                    if let (Some(ranges), Some(list)) = (&ranges, list) {
                        let words: Vec<String> =
                            list.split(',').map(|w| w.trim().to_owned()).collect();
                        for range in ranges {
                            lists.push((*range, words.clone()));
                        }
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
        out.insert(name.clone(), lists);
    }
    out
}

/// Copies the zip, rewriting only the worksheets that get values. Returns the new file and the
/// cells left alone because a formula stands there.
fn patch(
    blank: &[u8],
    writes: &BTreeMap<String, Cells>,
    limits: &Limits,
) -> Result<(Vec<u8>, Skipped), Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::Corrupt {
        sheet: None,
        message: e.to_string(),
    };
    let mut parts = Parts::new(blank, limits)?;
    let paths = package::sheet_paths(&mut parts)?;
    let zip = &mut parts.zip;
    let mut by_path: BTreeMap<String, (&str, &Cells)> = BTreeMap::new();
    for (sheet, cells) in writes {
        let path = paths
            .get(sheet)
            .ok_or_else(|| corrupt(&format!("no part for sheet {sheet}")))?;
        by_path.insert(part_key(path), (sheet.as_str(), cells));
    }
    let mut skipped = BTreeSet::new();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(blank.len() + 4096)));
    for i in 0..zip.len() {
        let name = zip
            .by_index_raw(i)
            .map_err(|e| corrupt(&e))?
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_default();
        let Some((sheet, cells)) = by_path.remove(&part_key(&name)) else {
            let entry = zip.by_index_raw(i).map_err(|e| corrupt(&e))?;
            out.raw_copy_file(entry).map_err(|e| corrupt(&e))?;
            continue;
        };
        let in_sheet = |message: String| Error::Corrupt {
            sheet: Some((*sheet).to_owned()),
            message,
        };
        let mut xml = Vec::new();
        let mut entry = zip.by_index(i).map_err(|e| corrupt(&e))?;
        entry
            .by_ref()
            .take(limits.max_uncompressed + 1)
            .read_to_end(&mut xml)
            .map_err(|e| in_sheet(e.to_string()))?;
        if xml.len() as u64 > limits.max_uncompressed {
            return Err(in_sheet(format!(
                "the worksheet is larger than {} MiB",
                limits.max_uncompressed >> 20
            )));
        }
        let mut options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        if let Some(t) = entry.last_modified() {
            options = options.last_modified_time(t);
        }
        drop(entry);
        let patched = patch_sheet(&xml, cells).map_err(in_sheet)?;
        skipped.extend(
            patched
                .left
                .into_iter()
                .map(|(r, c)| ((*sheet).to_owned(), r, c)),
        );
        out.start_file(name.as_str(), options)
            .map_err(|e| corrupt(&e))?;
        out.write_all(&patched.xml).map_err(|e| corrupt(&e))?;
    }
    if let Some((path, (sheet, _))) = by_path.into_iter().next() {
        return Err(corrupt(&format!(
            "the part {path} of sheet {sheet} is not in the file"
        )));
    }
    Ok((out.finish().map_err(|e| corrupt(&e))?.into_inner(), skipped))
}

/// The rows to write, by row, each a map column → value.
type Pending<'a> =
    std::iter::Peekable<std::collections::btree_map::IntoIter<usize, BTreeMap<usize, &'a str>>>;

/// Rewrites one worksheet's XML: the cells in `cells` get inline-string values (keeping their
/// style); rows and cells that do not exist yet are inserted in order; every other byte of the
/// part is copied as it was. Element names keep the sheet's namespace prefix (`<x:row>`). A cell
/// holding a formula is never overwritten: it is returned as left alone.
fn patch_sheet(xml: &[u8], cells: &Cells) -> Result<Patched, String> {
    let mut by_row: BTreeMap<usize, BTreeMap<usize, &str>> = BTreeMap::new();
    for ((r, c), v) in cells {
        by_row.entry(*r).or_default().insert(*c, v.as_str());
    }
    let styles = column_styles(xml);
    let mut out: Vec<u8> = Vec::with_capacity(xml.len() + cells.len() * 64);
    let mut skipped = Vec::new();
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut pending: Pending<'_> = by_row.into_iter().peekable();
    let mut pos = 0usize; // bytes of `xml` copied so far
    // A row without `r` follows the one before it (the attribute is optional).
    let mut next_row = 0usize;
    let mut prefix = String::new();
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(ref e) if e.local_name().as_ref() == "sheetData" => {
                prefix = prefix_of(e.name().as_ref());
            }
            Event::Start(ref e) if e.local_name().as_ref() == "row" => {
                let row = row_index(e).unwrap_or(next_row);
                next_row = row + 1;
                let name = e.name().as_ref().to_owned();
                let span = reader
                    .read_to_end_into(quick_xml::name::QName(&name), &mut skip)
                    .map_err(|e| e.to_string())?;
                let (inner_start, inner_end) = (span.start as usize, span.end as usize);
                let end = reader.buffer_position() as usize;
                out.extend_from_slice(&xml[pos..before]);
                flush_rows(&mut out, &mut pending, Some(row), &prefix, &styles);
                match pending.next_if(|(r, _)| *r == row) {
                    Some((_, new)) => {
                        out.extend_from_slice(&xml[before..after]);
                        let inner = &xml[inner_start..inner_end];
                        let left =
                            rewrite_cells(&mut out, inner, row, &new, &prefix_of(&name), &styles)?;
                        skipped.extend(left.into_iter().map(|c| (row, c)));
                        // The closing tag, as written.
                        out.extend_from_slice(&xml[inner_end..end]);
                    }
                    None => out.extend_from_slice(&xml[before..end]),
                }
                pos = end;
            }
            Event::Empty(ref e) if e.local_name().as_ref() == "row" => {
                let row = row_index(e).unwrap_or(next_row);
                next_row = row + 1;
                out.extend_from_slice(&xml[pos..before]);
                flush_rows(&mut out, &mut pending, Some(row), &prefix, &styles);
                match pending.next_if(|(r, _)| *r == row) {
                    Some((_, new)) => {
                        // <row …/> becomes <row …>cells</row>
                        let name = e.name().as_ref().to_owned();
                        let open = xml[before..after]
                            .strip_suffix(b"/>")
                            .ok_or("odd empty row")?;
                        out.extend_from_slice(open.trim_ascii_end());
                        out.push(b'>');
                        rewrite_cells(&mut out, b"", row, &new, &prefix_of(&name), &styles)?;
                        out.extend_from_slice(format!("</{name}>").as_bytes());
                    }
                    None => out.extend_from_slice(&xml[before..after]),
                }
                pos = after;
            }
            Event::End(ref e) if e.local_name().as_ref() == "sheetData" => {
                out.extend_from_slice(&xml[pos..before]);
                flush_rows(&mut out, &mut pending, None, &prefix, &styles);
                out.extend_from_slice(&xml[before..after]);
                pos = after;
            }
            Event::Empty(ref e) if e.local_name().as_ref() == "sheetData" => {
                let name = e.name().as_ref().to_owned();
                out.extend_from_slice(&xml[pos..before]);
                let open = xml[before..after]
                    .strip_suffix(b"/>")
                    .ok_or("odd empty sheetData")?;
                out.extend_from_slice(open.trim_ascii_end());
                out.push(b'>');
                flush_rows(&mut out, &mut pending, None, &prefix_of(&name), &styles);
                out.extend_from_slice(format!("</{name}>").as_bytes());
                pos = after;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if pending.peek().is_some() {
        return Err("the worksheet has no <sheetData>".into());
    }
    out.extend_from_slice(&xml[pos..]);
    Ok(Patched {
        xml: out,
        left: skipped,
    })
}

/// A rewritten worksheet, and the cells (row, column) left alone because of their formulas.
struct Patched {
    xml: Vec<u8>,
    left: Vec<(usize, usize)>,
}

/// `x:` of `x:row`, or nothing.
fn prefix_of(name: &str) -> String {
    name.rsplit_once(':')
        .map_or_else(String::new, |(p, _)| format!("{p}:"))
}

/// Writes the pending rows that come before `row` (all of them when `None`).
fn flush_rows(
    out: &mut Vec<u8>,
    pending: &mut Pending<'_>,
    row: Option<usize>,
    prefix: &str,
    styles: &[(usize, usize, String)],
) {
    while let Some((r, new)) = pending.next_if(|(r, _)| row.is_none_or(|row| *r < row)) {
        out.extend_from_slice(format!("<{prefix}row r=\"{}\">", r + 1).as_bytes());
        for (c, v) in &new {
            write_cell(out, prefix, r, *c, v, column_style(styles, *c));
        }
        out.extend_from_slice(format!("</{prefix}row>").as_bytes());
    }
}

/// The zero-based index a `<row>` states, if it states one.
fn row_index(e: &BytesStart<'_>) -> Option<usize> {
    attr(e, "r")
        .and_then(|r| r.trim().parse::<usize>().ok())
        .filter(|r| *r >= 1)
        .map(|r| r - 1)
}

/// Column default styles (`<col min max style>`), so an inserted cell looks like its column.
fn column_styles(xml: &[u8]) -> Vec<(usize, usize, String)> {
    elements(xml, "col")
        .iter()
        .filter_map(|e| {
            let min = attr(e, "min")?.parse::<usize>().ok()?;
            let max = attr(e, "max")?.parse::<usize>().ok()?;
            Some((
                min.saturating_sub(1),
                max.saturating_sub(1),
                attr(e, "style")?,
            ))
        })
        .collect()
}

fn column_style(styles: &[(usize, usize, String)], col: usize) -> Option<&str> {
    styles
        .iter()
        .find(|(a, b, _)| *a <= col && col <= *b)
        .map(|(_, _, s)| s.as_str())
}

/// The cells of one row: existing cells that get a value are replaced (keeping `s`), missing
/// ones are inserted in column order, all others copied byte for byte. Returns the columns left
/// alone because they hold a formula.
fn rewrite_cells(
    out: &mut Vec<u8>,
    inner: &[u8],
    row: usize,
    new: &BTreeMap<usize, &str>,
    prefix: &str,
    styles: &[(usize, usize, String)],
) -> Result<Vec<usize>, String> {
    let mut reader = quick_xml::Reader::from_reader(inner);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    let mut pending = new.iter().peekable();
    let mut left = Vec::new();
    let mut pos = 0usize;
    // A cell without `r` follows the one before it.
    let mut next_col = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        let (start, end, has_formula) = match &event {
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let e = e.clone().into_owned();
                let name = e.name().as_ref().to_owned();
                let content = reader
                    .read_to_end_into(quick_xml::name::QName(&name), &mut skip)
                    .map_err(|e| e.to_string())?;
                let content = &inner[content.start as usize..content.end as usize];
                let has_formula = !elements(content, "f").is_empty();
                (e, reader.buffer_position() as usize, has_formula)
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                (e.clone().into_owned(), after, false)
            } // A row's extension list comes after its cells: new cells go before it.
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "extLst" => {
                out.extend_from_slice(&inner[pos..before]);
                for (c, v) in pending.by_ref() {
                    write_cell(out, prefix, row, *c, v, column_style(styles, *c));
                }
                pos = before;
                buf.clear();
                continue;
            }

            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        let col = match attr(&start, "r") {
            Some(r) => text::parse_cell_ref(&r)
                .map(|(_, c)| c as usize)
                .ok_or_else(|| format!("{r:?} is not a cell reference"))?,
            None => next_col,
        };
        next_col = col + 1;
        out.extend_from_slice(&inner[pos..before]);
        while let Some((c, v)) = pending.next_if(|(c, _)| **c < col) {
            write_cell(out, prefix, row, *c, v, column_style(styles, *c));
        }
        match pending.next_if(|(c, _)| **c == col) {
            Some(_) if has_formula => {
                out.extend_from_slice(&inner[before..end]);
                left.push(col);
            }
            Some((_, v)) => write_cell(out, prefix, row, col, v, attr(&start, "s").as_deref()),
            None => out.extend_from_slice(&inner[before..end]),
        }
        pos = end;
        buf.clear();
    }
    out.extend_from_slice(&inner[pos..]);
    for (c, v) in pending {
        write_cell(out, prefix, row, *c, v, column_style(styles, *c));
    }
    Ok(left)
}

fn write_cell(
    out: &mut Vec<u8>,
    prefix: &str,
    row: usize,
    col: usize,
    value: &str,
    style: Option<&str>,
) {
    let r = text::cell_ref(row as u32, col as u32);
    let s = style
        .map(|s| format!(" s=\"{}\"", escape(s)))
        .unwrap_or_default();
    let t = escape(&xml_safe(value));
    out.extend_from_slice(
        format!(
            "<{prefix}c r=\"{r}\"{s} t=\"inlineStr\"><{prefix}is><{prefix}t xml:space=\"preserve\">{t}</{prefix}t></{prefix}is></{prefix}c>"
        )
        .as_bytes(),
    );
}

/// Characters XML 1.0 cannot carry are written as Excel's `_xHHHH_` escapes, and text that
/// already looks like such an escape gets its underscore escaped (`_x005F_`), as Excel does, so
/// that it reads back as typed.
fn xml_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let looks_escaped = *c == '_'
            && chars.get(i + 1) == Some(&'x')
            && chars.len() > i + 6
            && chars[i + 2..i + 6].iter().all(char::is_ascii_hexdigit)
            && chars[i + 6] == '_';
        match *c {
            '_' if looks_escaped => out.push_str("_x005F_"),
            // A carriage return would come back as a line feed: Excel's escape keeps it.
            '\r' => out.push_str("_x000D_"),
            '\t' | '\n' => out.push(*c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("_x{:04X}_", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patched(xml: &str, cells: &[((usize, usize), &str)]) -> String {
        let map = cells.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        String::from_utf8(patch_sheet(xml.as_bytes(), &map).unwrap().xml).unwrap()
    }

    #[test]
    fn replaces_keeps_style_and_inserts_in_order() {
        let xml = r#"<worksheet><cols><col min="4" max="4" width="9" style="7"/></cols><sheetData><row r="2" spans="1:4"><c r="A2" s="3" t="s"><v>0</v></c><c r="C2" s="5"/></row><row r="4"/></sheetData></worksheet>"#;
        let out = patched(
            xml,
            &[
                ((1, 1), "B"),
                ((1, 2), "はい"),
                ((1, 3), "D"),
                ((2, 0), "new row"),
                ((3, 1), "r4"),
                ((9, 0), "end"),
            ],
        );
        assert!(out.starts_with(r#"<worksheet><cols><col min="4" max="4" width="9" style="7"/></cols><sheetData><row r="2" spans="1:4"><c r="A2" s="3" t="s"><v>0</v></c>"#), "{out}");
        assert!(out.contains(r#"<c r="B2" t="inlineStr"><is><t xml:space="preserve">B</t></is></c><c r="C2" s="5" t="inlineStr"><is><t xml:space="preserve">はい</t></is></c><c r="D2" s="7" t="inlineStr">"#), "{out}");
        assert!(out.contains(r#"</row><row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">new row</t></is></c></row><row r="4"><c r="B4""#), "{out}");
        assert!(out.ends_with(r#"<row r="10"><c r="A10" t="inlineStr"><is><t xml:space="preserve">end</t></is></c></row></sheetData></worksheet>"#), "{out}");
    }

    #[test]
    fn namespaced_sheets_keep_their_prefix() {
        let xml = r#"<x:worksheet xmlns:x="m"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"#;
        let out = patched(xml, &[((0, 1), "b"), ((2, 0), "c")]);
        assert_eq!(
            out,
            r#"<x:worksheet xmlns:x="m"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t xml:space="preserve">b</x:t></x:is></x:c></x:row><x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t xml:space="preserve">c</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"#
        );
    }

    #[test]
    fn new_cells_go_before_a_rows_extension_list() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><extLst><ext/></extLst></row></sheetData></worksheet>"#;
        let out = patched(xml, &[((0, 2), "x")]);
        assert!(out.contains(r#"<v>1</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve">x</t></is></c><extLst>"#), "{out}");
    }

    #[test]
    fn formula_cells_are_reported_as_left_alone() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>TODAY()</f></c></row></sheetData></worksheet>"#;
        let map = [((0, 0), "2026-04-01".to_owned())].into_iter().collect();
        let patched = patch_sheet(xml.as_bytes(), &map).unwrap();
        assert_eq!(String::from_utf8(patched.xml).unwrap(), xml);
        assert_eq!(patched.left, [(0, 0)]);
    }

    #[test]
    fn text_that_looks_like_an_escape_reads_back_as_typed() {
        assert_eq!(xml_safe("_x000D_ and \u{1}"), "_x005F_x000D_ and _x0001_");
        assert_eq!(xml_safe("a_x_b"), "a_x_b");
    }

    #[test]
    fn formulas_are_never_overwritten_and_text_is_escaped() {
        let xml = r#"<worksheet><sheetData/></worksheet>"#;
        let out = patched(xml, &[((0, 0), "a<b & \u{1}")]);
        assert_eq!(
            out,
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">a&lt;b &amp; _x0001_</t></is></c></row></sheetData></worksheet>"#
        );
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>"#;
        assert_eq!(patched(xml, &[((0, 0), "x")]), xml);
    }
}
