//! Filling the user's own blank checklist in place: only the answer, remark and cover cells
//! change. Every other part of the file (styles, shapes, comments, data validations, defined
//! names, macros) is copied as it was, byte for byte; inside the changed worksheet only the
//! filled cells are rewritten.

use std::{
    collections::BTreeMap,
    io::{Cursor, Read, Write},
};

use kaiji_catalog::{Registry, Text};
use kaiji_model::{Disclosure, SubjectField};
use quick_xml::events::{BytesStart, Event};
use strum::IntoEnumIterator;

use crate::{
    Error, Limits,
    grid::{Format, Sheet, read_workbook},
    import::{Matcher, cover_field, detect_kind},
    layout::{Role, find_layout},
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
    let catalog = registry
        .resolve(&format!("{}@{}", doc.catalog.id, doc.catalog.revision).parse()?)
        .ok_or_else(|| Error::UnknownCatalog(doc.catalog.to_string()))?;
    let checklist = catalog
        .as_checklist()
        .ok_or_else(|| Error::UnknownCatalog(catalog.key()))?;

    // The checklist sheet for the document's form: the one kaiji would import as this kind.
    let tables: Vec<(&Sheet, crate::layout::Layout)> = sheets
        .iter()
        .filter_map(|s| find_layout(s).map(|l| (s, l)))
        .collect();
    let (sheet, layout) = tables
        .iter()
        .find(|(s, l)| detect_kind(&sheets, s, l).form() == doc.kind.form())
        .or_else(|| tables.first())
        .ok_or(Error::NoChecklist)?;

    let mut writes: BTreeMap<String, BTreeMap<(usize, usize), String>> = BTreeMap::new();
    let mut report = FillReport {
        sheet: sheet.name.clone(),
        ..FillReport::default()
    };
    let mut put = |sheet: &str,
                   r: usize,
                   c: usize,
                   value: String,
                   pointer: String,
                   report: &mut FillReport| {
        report.written.push((
            pointer,
            format!("{sheet}!{}", text::cell_ref(r as u32, c as u32)),
        ));
        writes
            .entry(sheet.to_owned())
            .or_default()
            .insert((r, c), value);
    };

    // Items.
    let matcher = Matcher::new(checklist, doc.kind);
    let id_col = layout.id_col().ok_or(Error::NoChecklist)?;
    let mut placed = std::collections::BTreeSet::new();
    for r in layout.header_end + 1..sheet.rows.len() {
        let Some(number) = text::item_number(sheet.text(r, id_col)) else {
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
            format!(
                "/answers/{}/{field}",
                id.replace('~', "~0").replace('/', "~1")
            )
        };
        if let Some(answer) = entry.answer {
            if let Some(c) = layout.col(Role::Answer) {
                put(
                    &sheet.name,
                    r,
                    c,
                    answer.label().ja,
                    pointer("answer"),
                    &mut report,
                );
            } else if let Some((c, _)) = layout.marks().find(|(_, a)| *a == answer) {
                put(
                    &sheet.name,
                    r,
                    c,
                    "○".to_owned(),
                    pointer("answer"),
                    &mut report,
                );
            }
        }
        if !entry.remark.is_empty() {
            match layout.col(Role::Remark) {
                Some(c) => put(
                    &sheet.name,
                    r,
                    c,
                    entry.remark.clone(),
                    pointer("remark"),
                    &mut report,
                ),
                None => report.unplaced.push(pointer("remark")),
            }
        }
    }
    for (id, entry) in &doc.answers {
        if !placed.contains(id) && (entry.answer.is_some() || !entry.remark.is_empty()) {
            report.unplaced.push(format!("/answers/{id}"));
        }
    }

    // Cover.
    let slots = cover_slots(&sheets, sheet, layout.header_start);
    for field in SubjectField::iter() {
        let value = match field {
            SubjectField::Organisation => doc.subject.organisation.clone(),
            SubjectField::Product => doc.subject.product.clone(),
            SubjectField::Model => doc.subject.model.clone(),
            SubjectField::Version => doc.subject.version.clone(),
            SubjectField::Date => doc.subject.date.to_string(),
            SubjectField::Contact => doc.subject.contact.clone(),
            SubjectField::Description => doc.subject.description.clone(),
        };
        if value.is_empty() {
            continue;
        }
        let pointer = format!("/subject/{}", field.key());
        match slots.get(&field) {
            Some((name, r, c)) => put(name, *r, *c, value, pointer, &mut report),
            None => report.unplaced.push(pointer),
        }
    }

    let bytes = patch(blank, &writes)?;
    Ok((bytes, report))
}

/// Where each cover value goes: the cell right of its label (past a merged label), or the
/// value cell that is already filled.
fn cover_slots(
    sheets: &[Sheet],
    table: &Sheet,
    header_start: usize,
) -> BTreeMap<SubjectField, (String, usize, usize)> {
    let mut slots = BTreeMap::new();
    for sheet in sheets {
        let last_row = if sheet.name == table.name {
            header_start
        } else {
            sheet.rows.len().min(200)
        };
        for r in 0..last_row {
            for c in 0..sheet.rows[r].len() {
                let Some(field) = cover_field(sheet.text(r, c)) else {
                    continue;
                };
                if slots.contains_key(&field) {
                    continue;
                }
                let after = sheet
                    .merges
                    .iter()
                    .find(|m| m.start == (r as u32, c as u32))
                    .map_or(c + 1, |m| m.end.1 as usize + 1);
                if cover_field(sheet.text(r, after)).is_none() {
                    slots.insert(field, (sheet.name.clone(), r, after));
                }
            }
        }
    }
    slots
}

/// Copies the zip, rewriting only the worksheets that get values.
fn patch(
    blank: &[u8],
    writes: &BTreeMap<String, BTreeMap<(usize, usize), String>>,
) -> Result<Vec<u8>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::Corrupt {
        sheet: None,
        message: e.to_string(),
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(blank)).map_err(|e| corrupt(&e))?;
    let paths = sheet_paths(&mut zip)?;
    let mut by_path: BTreeMap<String, &BTreeMap<(usize, usize), String>> = BTreeMap::new();
    for (sheet, cells) in writes {
        let path = paths
            .get(sheet)
            .ok_or_else(|| corrupt(&format!("no part for sheet {sheet}")))?;
        by_path.insert(path.clone(), cells);
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(blank.len() + 4096)));
    for i in 0..zip.len() {
        let name = zip
            .by_index_raw(i)
            .map_err(|e| corrupt(&e))?
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_default();
        match by_path.get(&name) {
            Some(cells) => {
                let mut xml = Vec::new();
                let mut entry = zip.by_index(i).map_err(|e| corrupt(&e))?;
                entry
                    .by_ref()
                    .take(256 << 20)
                    .read_to_end(&mut xml)
                    .map_err(|e| corrupt(&e))?;
                let mut options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated);
                if let Some(t) = entry.last_modified() {
                    options = options.last_modified_time(t);
                }
                drop(entry);
                let patched = patch_sheet(&xml, cells).map_err(|e| Error::Corrupt {
                    sheet: Some(name.clone()),
                    message: e,
                })?;
                out.start_file(name.as_str(), options)
                    .map_err(|e| corrupt(&e))?;
                out.write_all(&patched).map_err(|e| corrupt(&e))?;
            }
            None => {
                let entry = zip.by_index_raw(i).map_err(|e| corrupt(&e))?;
                out.raw_copy_file(entry).map_err(|e| corrupt(&e))?;
            }
        }
    }
    Ok(out.finish().map_err(|e| corrupt(&e))?.into_inner())
}

/// Sheet name → part path (`xl/worksheets/sheet1.xml`), from the workbook and its relations.
pub(crate) fn sheet_paths(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
) -> Result<BTreeMap<String, String>, Error> {
    let read = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Result<Vec<u8>, Error> {
        let mut buf = Vec::new();
        zip.by_name(name)
            .map_err(|e| Error::Corrupt {
                sheet: None,
                message: format!("{name}: {e}"),
            })?
            .take(64 << 20)
            .read_to_end(&mut buf)
            .map_err(|e| Error::Corrupt {
                sheet: None,
                message: format!("{name}: {e}"),
            })?;
        Ok(buf)
    };
    let workbook = read(zip, "xl/workbook.xml")?;
    let rels = read(zip, "xl/_rels/workbook.xml.rels")?;
    let mut targets = BTreeMap::new();
    for e in elements(&rels, "Relationship") {
        if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
            let path = match target.strip_prefix('/') {
                Some(abs) => abs.to_owned(),
                None => format!("xl/{target}"),
            };
            targets.insert(id, path);
        }
    }
    let mut paths = BTreeMap::new();
    for e in elements(&workbook, "sheet") {
        if let (Some(name), Some(id)) = (attr(&e, "name"), attr(&e, "r:id"))
            && let Some(path) = targets.get(&id)
        {
            paths.insert(name, path.clone());
        }
    }
    Ok(paths)
}

fn elements(xml: &[u8], local: &str) -> Vec<BytesStart<'static>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut found = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                found.push(e.into_owned());
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    found
}

const XML_1_0: quick_xml::XmlVersion = quick_xml::XmlVersion::Implicit1_0;

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.normalized_value(XML_1_0).ok().map(|v| v.into_owned()))
}

/// Rewrites one worksheet's XML: the cells in `cells` get inline-string values (keeping their
/// style); rows and cells that do not exist yet are inserted in order; every other byte of the
/// part is copied as it was.
fn patch_sheet(xml: &[u8], cells: &BTreeMap<(usize, usize), String>) -> Result<Vec<u8>, String> {
    let mut by_row: BTreeMap<usize, BTreeMap<usize, &str>> = BTreeMap::new();
    for ((r, c), v) in cells {
        by_row.entry(*r).or_default().insert(*c, v.as_str());
    }
    let col_styles = column_styles(xml);
    let mut out: Vec<u8> = Vec::with_capacity(xml.len() + cells.len() * 64);
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut pos = 0usize; // bytes of `xml` copied so far
    let mut pending = by_row.into_iter().peekable();
    let mut buf = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(ref e) if e.local_name().as_ref() == "row" => {
                let row = row_index(e)?;
                // Rows that need inserting before this one.
                out.extend_from_slice(&xml[pos..before]);
                while let Some((r, _)) = pending.peek() {
                    if *r >= row {
                        break;
                    }
                    let (r, new) = pending.next().unwrap_or_default();
                    write_new_row(&mut out, r, &new, &col_styles);
                }
                // Find the end of this row, then rewrite it if it has writes.
                let end = find_close(xml, after, b"</row>").ok_or("unclosed <row>")?;
                let close_len = b"</row>".len();
                if pending.peek().is_some_and(|(r, _)| *r == row) {
                    let (_, new) = pending.next().unwrap_or_default();
                    out.extend_from_slice(&xml[before..after]);
                    rewrite_cells(&mut out, &xml[after..end], row, &new, &col_styles)?;
                    out.extend_from_slice(b"</row>");
                } else {
                    out.extend_from_slice(&xml[before..end + close_len]);
                }
                pos = end + close_len;
                skip_to(&mut reader, pos)?;
            }
            Event::Empty(ref e) if e.local_name().as_ref() == "row" => {
                let row = row_index(e)?;
                out.extend_from_slice(&xml[pos..before]);
                while let Some((r, _)) = pending.peek() {
                    if *r >= row {
                        break;
                    }
                    let (r, new) = pending.next().unwrap_or_default();
                    write_new_row(&mut out, r, &new, &col_styles);
                }
                if pending.peek().is_some_and(|(r, _)| *r == row) {
                    let (_, new) = pending.next().unwrap_or_default();
                    // <row …/> becomes <row …>cells</row>
                    let raw = &xml[before..after];
                    let open = raw.strip_suffix(b"/>").ok_or("odd empty row")?;
                    out.extend_from_slice(open.trim_ascii_end());
                    out.push(b'>');
                    rewrite_cells(&mut out, b"", row, &new, &col_styles)?;
                    out.extend_from_slice(b"</row>");
                } else {
                    out.extend_from_slice(&xml[before..after]);
                }
                pos = after;
            }
            Event::End(ref e) if e.local_name().as_ref() == "sheetData" => {
                out.extend_from_slice(&xml[pos..before]);
                for (r, new) in pending.by_ref() {
                    write_new_row(&mut out, r, &new, &col_styles);
                }
                out.extend_from_slice(&xml[before..after]);
                pos = after;
            }
            Event::Empty(ref e) if e.local_name().as_ref() == "sheetData" => {
                out.extend_from_slice(&xml[pos..before]);
                let raw = &xml[before..after];
                let open = raw.strip_suffix(b"/>").ok_or("odd empty sheetData")?;
                out.extend_from_slice(open.trim_ascii_end());
                out.push(b'>');
                for (r, new) in pending.by_ref() {
                    write_new_row(&mut out, r, &new, &col_styles);
                }
                out.extend_from_slice(b"</sheetData>");
                pos = after;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out.extend_from_slice(&xml[pos..]);
    Ok(out)
}

/// Reads on (and discards) until the reader stands at byte `pos`: the part up to there has
/// been written already.
fn skip_to(reader: &mut quick_xml::Reader<&[u8]>, pos: usize) -> Result<(), String> {
    let mut skip = Vec::new();
    while (reader.buffer_position() as usize) < pos {
        if matches!(
            reader
                .read_event_into(&mut skip)
                .map_err(|e| e.to_string())?,
            Event::Eof
        ) {
            break;
        }
        skip.clear();
    }
    Ok(())
}

fn find_close(xml: &[u8], from: usize, tag: &[u8]) -> Option<usize> {
    xml[from..]
        .windows(tag.len())
        .position(|w| w == tag)
        .map(|p| from + p)
}

fn row_index(e: &BytesStart<'_>) -> Result<usize, String> {
    attr(e, "r")
        .and_then(|r| r.parse::<usize>().ok())
        .filter(|r| *r >= 1)
        .map(|r| r - 1)
        .ok_or_else(|| "a <row> without r".to_owned())
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
/// ones are inserted in column order, all others copied byte for byte.
fn rewrite_cells(
    out: &mut Vec<u8>,
    inner: &[u8],
    row: usize,
    new: &BTreeMap<usize, &str>,
    col_styles: &[(usize, usize, String)],
) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(inner);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut pending = new.iter().peekable();
    let mut pos = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        let (start, empty) = match &event {
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                (Some(e.clone().into_owned()), false)
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                (Some(e.clone().into_owned()), true)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        let Some(start) = start else {
            buf.clear();
            continue;
        };
        let col = attr(&start, "r")
            .and_then(|r| text::parse_cell_ref(&r))
            .map(|(_, c)| c as usize)
            .ok_or("a <c> without r")?;
        let end = if empty {
            after
        } else {
            find_close(inner, after, b"</c>").ok_or("unclosed <c>")? + b"</c>".len()
        };
        out.extend_from_slice(&inner[pos..before]);
        while let Some((c, v)) = pending.peek() {
            if **c >= col {
                break;
            }
            write_cell(out, row, **c, v, column_style(col_styles, **c));
            pending.next();
        }
        let has_formula = !empty && find_close(&inner[..end], after, b"<f").is_some();
        match pending.peek() {
            Some((c, v)) if **c == col && !has_formula => {
                write_cell(out, row, col, v, attr(&start, "s").as_deref());
                pending.next();
            }
            Some((c, _)) if **c == col => {
                // Never overwrite a formula: leave the cell as it was.
                out.extend_from_slice(&inner[before..end]);
                pending.next();
            }
            _ => out.extend_from_slice(&inner[before..end]),
        }
        pos = end;
        skip_to(&mut reader, pos)?;
        buf.clear();
    }
    out.extend_from_slice(&inner[pos..]);
    for (c, v) in pending {
        write_cell(out, row, *c, v, column_style(col_styles, *c));
    }
    Ok(())
}

fn write_new_row(
    out: &mut Vec<u8>,
    row: usize,
    cells: &BTreeMap<usize, &str>,
    col_styles: &[(usize, usize, String)],
) {
    out.extend_from_slice(format!("<row r=\"{}\">", row + 1).as_bytes());
    for (c, v) in cells {
        write_cell(out, row, *c, v, column_style(col_styles, *c));
    }
    out.extend_from_slice(b"</row>");
}

fn write_cell(out: &mut Vec<u8>, row: usize, col: usize, value: &str, style: Option<&str>) {
    let r = text::cell_ref(row as u32, col as u32);
    let s = style
        .map(|s| format!(" s=\"{}\"", escape(s)))
        .unwrap_or_default();
    out.extend_from_slice(
        format!(
            "<c r=\"{r}\"{s} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            escape(&xml_safe(value))
        )
        .as_bytes(),
    );
}

/// Characters XML 1.0 cannot carry are written as Excel's `_xHHHH_` escapes.
fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c.to_string(),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                format!("_x{:04X}_", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patched(xml: &str, cells: &[((usize, usize), &str)]) -> String {
        let map = cells.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        String::from_utf8(patch_sheet(xml.as_bytes(), &map).unwrap()).unwrap()
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
