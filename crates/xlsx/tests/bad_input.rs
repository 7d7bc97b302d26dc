//! Hostile and broken workbooks: each gets a clear error, in bounded time and memory.

use std::io::Write;

use kaiji_catalog::{Lang, Registry};
use kaiji_xlsx::{Error, ImportOptions, import};

fn registry() -> Registry {
    Registry::builtin().unwrap()
}

fn err(bytes: &[u8]) -> Error {
    import(bytes, &registry(), &ImportOptions::default()).unwrap_err()
}

/// A minimal .xlsx with the given worksheet XML and shared strings.
fn xlsx(sheet: &[u8], shared_strings: Option<&[u8]>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, body: &[u8]| {
        zip.start_file(name, deflate).unwrap();
        zip.write_all(body).unwrap();
    };
    part("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#);
    part("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#);
    part("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="MDS" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
    let rels: &[u8] = if shared_strings.is_some() {
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    } else {
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    };
    part("xl/_rels/workbook.xml.rels", rels);
    part("xl/worksheets/sheet1.xml", sheet);
    if let Some(ss) = shared_strings {
        part("xl/sharedStrings.xml", ss);
    }
    zip.finish().unwrap().into_inner()
}

fn sheet_xml(rows: impl Iterator<Item = String>) -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for row in rows {
        xml.push_str(&row);
    }
    xml.push_str("</sheetData></worksheet>");
    xml.into_bytes()
}

#[test]
fn a_million_rows_is_refused_at_the_limit() {
    let rows = (1..=1_000_000).map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    let bytes = xlsx(&sheet_xml(rows), None);
    let started = std::time::Instant::now();
    let e = err(&bytes);
    assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
    assert!(e.to_string().contains("シート MDS が大きすぎます"), "{e}");
    assert!(
        e.message(Lang::En).contains("200000 rows"),
        "{}",
        e.message(Lang::En)
    );
    // Stopped at the limit rather than reading everything (a generous bound for debug builds).
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let zeros = vec![b'0'; 64 << 20];
    let mut sheet = sheet_xml(std::iter::empty());
    sheet.truncate(sheet.len() - "</sheetData></worksheet>".len());
    sheet.extend_from_slice(b"<!--");
    sheet.extend_from_slice(&zeros);
    sheet.extend_from_slice(b"--></sheetData></worksheet>");
    let bytes = xlsx(&sheet, None);
    assert!(
        bytes.len() < 1 << 20,
        "the bomb itself is small: {}",
        bytes.len()
    );
    let e = err(&bytes);
    assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
    assert!(e.to_string().contains("zip 爆弾"), "{e}");
}

#[test]
fn broken_shared_strings_are_a_corrupt_workbook() {
    let sheet =
        sheet_xml([r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#.to_owned()].into_iter());
    let bytes = xlsx(&sheet, Some(b"<sst><si><t>unclosed</sst"));
    let e = err(&bytes);
    assert!(matches!(e, Error::Corrupt { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("ワークブックが壊れています"),
        "{e}"
    );
}

#[test]
fn a_shared_string_index_out_of_range_is_reported_with_its_sheet() {
    let sheet =
        sheet_xml([r#"<row r="1"><c r="A1" t="s"><v>99</v></c></row>"#.to_owned()].into_iter());
    let bytes = xlsx(&sheet, Some(b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>a</t></si></sst>"));
    match import(&bytes, &registry(), &ImportOptions::default()) {
        Err(Error::Corrupt { sheet, .. }) => assert_eq!(sheet.as_deref(), Some("MDS")),
        Err(Error::NoChecklist) => {} // calamine may read the bad index as an empty cell
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_workbook_without_a_checklist_says_so() {
    let sheet = sheet_xml(
        [r#"<row r="1"><c r="A1" t="inlineStr"><is><t>メモ</t></is></c></row>"#.to_owned()]
            .into_iter(),
    );
    let e = err(&xlsx(&sheet, None));
    assert!(matches!(e, Error::NoChecklist), "{e:?}");
    assert!(e.message(Lang::En).contains("no checklist table"));
}

#[test]
fn not_workbooks_are_named_for_what_they_are() {
    let cases: [(&[u8], &str); 4] = [
        (b"", "空のファイル"),
        (b"No.,Question,Answer\n1-1,x,yes\n", "CSV"),
        (b"\x00\x01\x02binary", "ワークブック(.xlsx"),
        (
            b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
            "空の zip",
        ),
    ];
    for (bytes, says) in cases {
        let e = err(bytes);
        assert!(matches!(e, Error::NotAWorkbook(_)), "{e:?}");
        assert!(e.to_string().contains(says), "{e} should say {says}");
    }
}

#[test]
fn a_cell_beyond_excels_last_column_is_refused() {
    let sheet =
        sheet_xml([r#"<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>"#.to_owned()].into_iter());
    let e = err(&xlsx(&sheet, None));
    assert!(matches!(e, Error::Corrupt { .. }), "{e:?}");
    assert!(
        e.message(Lang::En).contains("beyond Excel's 16384 columns"),
        "{}",
        e.message(Lang::En)
    );
}

#[test]
fn wide_rows_count_what_they_cost() {
    // A cell in the last column of every row: few cells, but each row stored 16384 wide.
    let rows = (1..=3_000).map(|r| format!(r#"<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>"#));
    let e = err(&xlsx(&sheet_xml(rows), None));
    assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
}

#[test]
fn too_many_merged_cells_are_refused() {
    let mut xml = String::from(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells>"#,
    );
    xml.push_str(r#"<mergeCell ref="A1:XFD1000"/>"#);
    xml.push_str("</mergeCells></worksheet>");
    let e = err(&xlsx(xml.as_bytes(), None));
    assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
    assert!(e.to_string().contains("結合セル"), "{e}");
}

#[test]
fn an_ods_that_repeats_itself_into_millions_of_cells_is_refused() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="MDS"><table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 2048, "a tiny file");
    let e = err(&bytes);
    assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
}

#[test]
fn a_shift_jis_csv_is_named_as_csv() {
    // "番号,回答" in Shift_JIS.
    let bytes: &[u8] = &[
        0x94, 0xd4, 0x8d, 0x86, b',', 0x89, 0xf1, 0x93, 0x9a, b'\r', b'\n',
    ];
    let e = err(bytes);
    assert!(e.to_string().contains("CSV"), "{e}");
}
