//! Text typed into a workbook that `kaiji export` wrote reaches the imported document: as the
//! value kaiji reads in that cell, or kept as stray text with its cell. Nothing typed is lost.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use kaiji_catalog::{Lang, Registry};
use kaiji_model::{Code, Disclosure};
use kaiji_xlsx::{ImportOptions, Imported, export, import, read_workbook};
use proptest::prelude::*;
use serde_json::Value;

fn registry() -> Registry {
    Registry::builtin().unwrap()
}

fn example() -> Disclosure {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pacs-mds-5.0h.kaiji.json");
    Disclosure::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// "D42" for zero-based (row, column).
fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        letters.insert(0, char::from(b'A' + ((c - 1) % 26) as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The workbook with `text` typed into each cell of the worksheet part `part`, as Excel saves a
/// typed value: the cell's old content replaced by an inline string.
fn type_into(bytes: &[u8], part: &str, cells: &[(u32, u32, String)]) -> Vec<u8> {
    if cells.is_empty() {
        return bytes.to_vec();
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut body = Vec::new();
        entry.read_to_end(&mut body).unwrap();
        if name == part {
            let mut xml = String::from_utf8(body).unwrap();
            for (r, c, text) in cells {
                let at = cell_ref(*r, *c);
                // The old cell, if there is one: `<c r="D42" …/>` or `<c r="D42" …>…</c>`.
                if let Some(start) = xml.find(&format!("<c r=\"{at}\"")) {
                    let rest = &xml[start..];
                    let open_end = rest.find('>').unwrap();
                    let end = if rest[..open_end].ends_with('/') {
                        open_end + 1
                    } else {
                        rest.find("</c>").unwrap() + "</c>".len()
                    };
                    xml.replace_range(start..start + end, "");
                }
                let escaped = text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                let row = format!(
                    r#"<row r="{}"><c r="{at}" t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c></row>"#,
                    r + 1
                );
                let end = xml.find("</sheetData>").unwrap();
                xml.insert_str(end, &row);
            }
            body = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Every string of the document, object keys included (an item id typed in the 項目ID column
/// becomes a key).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

/// Whether `text` typed at `cell` reached the document: in a value, and when it was kept as
/// stray text (`[D42] text` in a remark), with a stray-text finding at that cell.
fn found(imported: &[Imported], cell: &str, text: &str) -> Result<(), String> {
    let stray = format!("[{cell}] {text}");
    for got in imported {
        let mut all = Vec::new();
        strings(&serde_json::to_value(&got.document).unwrap(), &mut all);
        if all.iter().any(|s| s.contains(&stray)) {
            let has_finding = got
                .findings
                .iter()
                .any(|f| f.code == Code::StrayText && f.location.cell.as_deref() == Some(cell));
            return if has_finding {
                Ok(())
            } else {
                Err(format!(
                    "{text:?} kept from {cell} without a stray-text finding"
                ))
            };
        }
        if all.iter().any(|s| s.contains(text)) {
            return Ok(());
        }
    }
    Err(format!("{text:?} typed in {cell} is not in the document"))
}

/// One sheet of the exported workbook: its part, rows and merged cells.
struct Part {
    name: String,
    rows: u32,
    /// Cells a merged region covers (not its top-left cell): nobody can type there.
    covered: Vec<(u32, u32)>,
}

/// The exported workbook, its cover and its checklist sheet.
struct Exported {
    bytes: Vec<u8>,
    cover: Part,
    checklist: Part,
}

fn exported(lang: Lang) -> Exported {
    let bytes = export(&example(), &registry(), lang).unwrap();
    let (_, sheets) = read_workbook(&bytes, &kaiji_xlsx::Limits::default()).unwrap();
    let part = |index: usize| {
        let sheet = &sheets[index];
        let mut covered = Vec::new();
        for r in 0..sheet.rows.len() {
            for c in 0..10 {
                if sheet.merge_origin(r, c).is_some_and(|o| o != (r, c)) {
                    covered.push((r as u32, c as u32));
                }
            }
        }
        // rust_xlsxwriter names the parts in sheet order.
        Part {
            name: format!("xl/worksheets/sheet{}.xml", index + 1),
            rows: sheet.rows.len() as u32,
            covered,
        }
    };
    let checklist = part(sheets.iter().position(|s| s.name == "MDS").unwrap());
    let cover = part(0);
    Exported {
        bytes,
        cover,
        checklist,
    }
}

/// The cells the issue names (a workbook of 55 rows: notes under the table at rows 58 and 60).
#[test]
fn the_cells_of_the_report_are_kept() {
    let book = exported(Lang::Ja);
    for (cell, (r, c)) in [
        ("A58", (57, 0)),
        ("C58", (57, 2)),
        ("D58", (57, 3)),
        ("A60", (59, 0)),
        ("G3", (2, 6)),
        ("H3", (2, 7)),
        ("A3", (2, 0)),
        ("A2", (1, 0)),
        ("H1", (0, 7)),
    ] {
        let text = format!("typed in {cell}");
        let bytes = type_into(&book.bytes, &book.checklist.name, &[(r, c, text.clone())]);
        let imported = import(&bytes, &registry(), &ImportOptions::default()).unwrap();
        found(&imported, cell, &text).unwrap();
    }
}

/// A workbook exported and imported again without edits gains nothing: what kaiji wrote in the
/// headings, 番号 and GL参照 cells is told from typed text.
#[test]
fn an_untouched_export_has_no_stray_text() {
    for lang in [Lang::Ja, Lang::En] {
        let book = exported(lang);
        let imported = import(&book.bytes, &registry(), &ImportOptions::default()).unwrap();
        assert_eq!(imported[0].document, example(), "{lang}");
        assert!(
            imported[0]
                .findings
                .iter()
                .all(|f| f.code != Code::StrayText),
            "{:?}",
            imported[0].findings
        );
    }
}

/// Text typed on the cover of an exported workbook is kept in the subject's cover text, with a
/// finding at its cell; the cover kaiji wrote itself adds nothing.
#[test]
fn text_typed_on_the_cover_is_kept() {
    let book = exported(Lang::Ja);
    let cells = [
        (12, 0, "表紙のメモ".to_owned()),
        (3, 2, "版の横の注記".to_owned()),
        (0, 0, "題を書き換え".to_owned()),
    ];
    let bytes = type_into(&book.bytes, &book.cover.name, &cells);
    let imported = import(&bytes, &registry(), &ImportOptions::default()).unwrap();
    let extra = &imported[0].document.subject.extra["cover_text"];
    assert_eq!(extra["表紙!A13"], "表紙のメモ", "{extra}");
    assert_eq!(extra["表紙!C4"], "版の横の注記", "{extra}");
    assert_eq!(extra["表紙!A1"], "題を書き換え", "{extra}");
    assert_eq!(extra.as_object().unwrap().len(), 3, "{extra}");
    let stray: Vec<&str> = imported[0]
        .findings
        .iter()
        .filter(|f| f.code == Code::StrayText)
        .filter_map(|f| f.location.cell.as_deref())
        .collect();
    assert_eq!(stray, ["A1", "C4", "A13"], "{:?}", imported[0].findings);
    // The rest of the document is as it was.
    let mut doc = imported[0].document.clone();
    doc.subject.extra.remove("cover_text");
    assert_eq!(doc, example());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn text_typed_into_any_cell_reaches_the_document(
        en in any::<bool>(),
        cells in prop::collection::vec((any::<bool>(), 0u32..80, 0u32..10, "kj[a-z]{1,6}( [a-zあ-ん]{1,6})?"), 1..5),
    ) {
        let book = exported(if en { Lang::En } else { Lang::Ja });
        let mut cover: Vec<(u32, u32, String)> = Vec::new();
        let mut checklist: Vec<(u32, u32, String)> = Vec::new();
        for (on_cover, r, c, text) in cells {
            let (part, typed) = if on_cover {
                (&book.cover, &mut cover)
            } else {
                (&book.checklist, &mut checklist)
            };
            let r = r % (part.rows + 6);
            // The checklist's headings name the columns (typed over, the table reads otherwise):
            // the header row is typed into only beside the table (H1 …).
            let r = if on_cover || c >= 7 { r } else { r.max(1) };
            if part.covered.contains(&(r, c)) || typed.iter().any(|(tr, tc, _)| (*tr, *tc) == (r, c)) {
                continue;
            }
            typed.push((r, c, text));
        }
        let bytes = type_into(&book.bytes, &book.cover.name, &cover);
        let bytes = type_into(&bytes, &book.checklist.name, &checklist);
        let imported = import(&bytes, &registry(), &ImportOptions::default()).unwrap();
        for (r, c, text) in cover.iter().chain(&checklist) {
            if let Err(e) = found(&imported, &cell_ref(*r, *c), text) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
