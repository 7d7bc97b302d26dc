//! The zip package of an .xlsx/.xlsm: its parts found as Excel finds them, the one resolver of
//! relationship targets, the sheet → part map, and small XML helpers for the parts that only
//! attributes matter in. The reader and the filler both go through it.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use crate::{error::Error, limits::Limits};

fn corrupt(sheet: Option<&str>, message: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        sheet: sheet.map(str::to_owned),
        message: message.to_string(),
    }
}

/// The zip parts, found as Excel finds them: names compare without regard to case or slash
/// direction.
pub(crate) struct Parts<'a> {
    pub(crate) zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    names: HashMap<String, usize>,
    limit: u64,
}

impl<'a> Parts<'a> {
    pub(crate) fn new(bytes: &'a [u8], limits: &Limits) -> Result<Self, Error> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(None, e))?;
        let names = (0..zip.len())
            .filter_map(|i| Some((part_key(&zip.name_for_index(i)?.ok()?), i)))
            .collect();
        Ok(Self {
            zip,
            names,
            limit: limits.max_uncompressed,
        })
    }

    /// The inflated part, or `None` when the archive has no such part.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let Some(&index) = self.names.get(&part_key(name)) else {
            return Ok(None);
        };
        let part = self
            .zip
            .by_index(index)
            .map_err(|e| corrupt(None, format!("{name}: {e}")))?;
        let mut xml = Vec::with_capacity(part.size().min(self.limit) as usize);
        part.take(self.limit)
            .read_to_end(&mut xml)
            .map_err(|e| corrupt(None, format!("{name}: {e}")))?;
        Ok(Some(xml))
    }
}

/// Part names compare as Excel compares them: case and slash direction do not matter.
pub(crate) fn part_key(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

/// The workbook part's relations.
pub(crate) const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";

/// The relations of the workbook part (`xl/_rels/workbook.xml.rels`): id → (type, part path),
/// each target resolved by [`resolve_target`].
pub(crate) fn relations(xml: &[u8]) -> Result<HashMap<String, (String, String)>, Error> {
    let mut rels = HashMap::new();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    let kind = attr(&e, "Type").unwrap_or_default();
                    rels.insert(id, (kind, resolve_target(&target)));
                }
            }
            Ok(Event::Eof) => return Ok(rels),
            Err(e) => return Err(corrupt(None, format!("{WORKBOOK_RELS}: {e}"))),
            _ => {}
        }
        buf.clear();
    }
}

/// A relationship target of the workbook part as a part path: relative to `xl/` (`..` and `.`
/// segments resolved), or absolute.
pub(crate) fn resolve_target(target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_owned();
    }
    let mut path: Vec<&str> = vec!["xl"];
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            s => path.push(s),
        }
    }
    path.join("/")
}

/// Sheet name → part path (`xl/worksheets/sheet1.xml`), from the workbook and its relations.
pub(crate) fn sheet_paths(parts: &mut Parts<'_>) -> Result<BTreeMap<String, String>, Error> {
    let workbook = parts
        .read("xl/workbook.xml")?
        .ok_or_else(|| corrupt(None, "xl/workbook.xml is missing"))?;
    let rels = relations(&parts.read(WORKBOOK_RELS)?.unwrap_or_default())?;
    let mut paths = BTreeMap::new();
    for e in elements(&workbook, "sheet") {
        if let (Some(name), Some(id)) = (attr(&e, "name"), attr(&e, "r:id"))
            && let Some((_, path)) = rels.get(&id)
        {
            paths.insert(name, path.clone());
        }
    }
    Ok(paths)
}

/// The part of a worksheet's XML from the element `tag` on, where `tag` stands after the cells
/// (`mergeCells`, `dataValidations`): searched after `</sheetData>`, so that cell text that
/// happens to contain the word is never taken for it.
pub(crate) fn after_cells<'a>(xml: &'a [u8], tag: &[u8]) -> Option<&'a [u8]> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let cells_end = xml
        .windows(b"sheetData".len())
        .rposition(|w| w == b"sheetData")
        .unwrap_or(0);
    let rest = &xml[cells_end..];
    let at = find(rest, tag)?;
    let open = rest[..at].iter().rposition(|b| *b == b'<')?;
    Some(&rest[open..])
}

/// Every start (or empty) element with this local name, in order; reading stops at the first
/// XML error.
pub(crate) fn elements(xml: &[u8], local: &str) -> Vec<BytesStart<'static>> {
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

pub(crate) fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.normalized_value(XML_1_0).ok().map(|v| v.into_owned()))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn targets_resolve_against_the_workbook_folder() {
        assert_eq!(
            resolve_target("worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve_target("/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(resolve_target("./worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(resolve_target("../other/s.xml"), "other/s.xml");
        assert_eq!(
            resolve_target("../xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
    }

    fn package(files: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// The filler used to join every relative target to `xl/` as written, so a sheet whose
    /// target climbs out of `xl/` first (`../xl/worksheets/sheet1.xml`, as some writers put it)
    /// got a path that is not in the file.
    #[test]
    fn sheet_paths_resolve_dot_dot_targets_as_the_reader_does() {
        let bytes = package(&[
            (
                "xl/workbook.xml",
                r#"<workbook xmlns:r="r"><sheets><sheet name="MDS" sheetId="1" r:id="rId1"/><sheet name="Abs" sheetId="2" r:id="rId2"/><sheet name="Plain" sheetId="3" r:id="rId3"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships><Relationship Id="rId1" Type="t/worksheet" Target="../xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="t/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="t/worksheet" Target="./worksheets/../worksheets/sheet3.xml"/></Relationships>"#,
            ),
            ("XL/Worksheets/Sheet1.xml", "<worksheet/>"),
        ]);
        let mut parts = Parts::new(&bytes, &Limits::default()).unwrap();
        let paths = sheet_paths(&mut parts).unwrap();
        assert_eq!(paths["MDS"], "xl/worksheets/sheet1.xml");
        assert_eq!(paths["Abs"], "xl/worksheets/sheet2.xml");
        assert_eq!(paths["Plain"], "xl/worksheets/sheet3.xml");
        // The part is found whatever the case of its name in the archive.
        assert_eq!(
            parts.read(&paths["MDS"]).unwrap().as_deref(),
            Some(&b"<worksheet/>"[..])
        );
        assert_eq!(parts.read("xl/worksheets/sheet9.xml").unwrap(), None);
    }

    #[test]
    fn relations_report_broken_xml() {
        let err =
            relations(b"<Relationships><Relationship Id=\"a\" Target=\"x\"></Bad>").unwrap_err();
        assert!(err.to_string().contains(WORKBOOK_RELS), "{err}");
    }
}
