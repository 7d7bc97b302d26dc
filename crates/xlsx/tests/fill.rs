//! `--into`: filling the user's own blank in place changes only the filled cells.

use std::{collections::BTreeMap, io::Read, path::Path};

use kaiji_catalog::{Answer, Registry};
use kaiji_model::Disclosure;
use kaiji_xlsx::{ImportOptions, Limits, fill, import, read_workbook};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// Every part of a zip, by name, uncompressed.
fn parts(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (f.name().unwrap().into_owned(), buf)
        })
        .collect()
}

/// Every part of a zip, by name, as stored (compressed bytes and all).
fn raw_parts(bytes: &[u8]) -> BTreeMap<String, (u32, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index_raw(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (f.name().unwrap().into_owned(), (f.crc32(), buf))
        })
        .collect()
}

/// The same workbook with the optional `r` of every row and cell removed from the sheet (some
/// writers leave them out).
fn without_refs(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts(bytes) {
        let data = if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let mut kept = String::with_capacity(xml.len());
            let mut rest = xml.as_str();
            while let Some(at) = rest.find(" r=\"") {
                kept.push_str(&rest[..at]);
                let value_end = rest[at + 4..].find('"').unwrap() + at + 5;
                rest = &rest[value_end..];
            }
            kept.push_str(rest);
            kept.into_bytes()
        } else {
            data
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A filled-in document for the blank: every item answered, with a remark.
fn answered(blank: &[u8], registry: &Registry) -> Disclosure {
    let mut doc = import(blank, registry, &ImportOptions::default())
        .unwrap()
        .remove(0)
        .document;
    for (n, entry) in doc.answers.values_mut().enumerate() {
        entry.answer = Some([Answer::Yes, Answer::No, Answer::Na][n % 3]);
        entry.remark = format!("備考 {n} <&> \"引用\"");
        entry.source_text = None;
    }
    doc.subject.organisation = "株式会社きにゅう".into();
    doc.subject.product = "Filled PACS".into();
    doc.subject.version = "3.1".into();
    doc.subject.contact = "security@example.jp".into();
    doc
}

fn check(blank_name: &str) {
    let registry = Registry::builtin().unwrap();
    let blank = fixture(blank_name);
    let doc = answered(&blank, &registry);
    let (filled, report) = fill(&doc, &blank, &registry).unwrap();
    assert!(
        report.unplaced.is_empty(),
        "{blank_name}: {:?}",
        report.unplaced
    );

    // Only the checklist sheet's part changed; every other part is byte-identical, stored bytes
    // included (macros, styles, comments, data validations, defined names …).
    let before = raw_parts(&blank);
    let after = raw_parts(&filled);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{blank_name}: same parts"
    );
    let changed: Vec<&String> = before.keys().filter(|k| before[*k] != after[*k]).collect();
    assert_eq!(
        changed,
        ["xl/worksheets/sheet1.xml"],
        "{blank_name}: only the sheet changed"
    );
    if blank_name.ends_with(".xlsm") {
        assert_eq!(before["xl/vbaProject.bin"], after["xl/vbaProject.bin"]);
    }

    // Read back by calamine: the filled cells hold the values, every other cell is as it was.
    let (_, old_sheets) = read_workbook(&blank, &Limits::default()).unwrap();
    let (_, new_sheets) = read_workbook(&filled, &Limits::default()).unwrap();
    let written: BTreeMap<String, String> = report
        .written
        .iter()
        .map(|(_, place)| (place.clone(), String::new()))
        .collect();
    for (old, new) in old_sheets.iter().zip(&new_sheets) {
        let rows = old.rows.len().max(new.rows.len());
        for r in 0..rows {
            for c in 0..old.width().max(new.width()) {
                let place = format!("{}!{}", old.name, cell_ref(r, c));
                if written.contains_key(&place) {
                    assert!(!new.text(r, c).is_empty(), "{place} was filled");
                } else {
                    assert_eq!(old.text(r, c), new.text(r, c), "{place} changed");
                }
            }
        }
    }

    // And importing the filled workbook gives the answers back.
    let back = import(&filled, &registry, &ImportOptions::default())
        .unwrap()
        .remove(0)
        .document;
    for (id, entry) in &doc.answers {
        assert_eq!(back.answers[id].answer, entry.answer, "{id}");
        assert_eq!(back.answers[id].remark, entry.remark, "{id}");
    }
    assert_eq!(back.subject.organisation, "株式会社きにゅう");
    assert_eq!(back.subject.product, "Filled PACS");
    let uncompressed = parts(&filled);
    let sheet = String::from_utf8_lossy(&uncompressed["xl/worksheets/sheet1.xml"]);
    assert!(sheet.contains("&lt;&amp;&gt;"), "values are escaped");
}

fn cell_ref(r: usize, c: usize) -> String {
    let mut name = String::new();
    let mut n = c + 1;
    while n > 0 {
        name.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    format!("{name}{}", r + 1)
}

#[test]
fn fills_an_official_blank_xlsx() {
    check("blank-official.xlsx");
}

#[test]
fn fills_an_official_blank_xlsm_and_keeps_the_macros() {
    check("blank-official.xlsm");
}

#[test]
fn a_blank_without_cell_references_is_filled_too() {
    let registry = Registry::builtin().unwrap();
    let blank = without_refs(&fixture("blank-official.xlsx"));
    let sheet = String::from_utf8(parts(&blank)["xl/worksheets/sheet1.xml"].clone()).unwrap();
    assert!(!sheet.contains(" r=\""), "the blank has no references");
    let doc = answered(&blank, &registry);
    let (filled, report) = fill(&doc, &blank, &registry).unwrap();
    assert!(report.unplaced.is_empty(), "{:?}", report.unplaced);
    let back = import(&filled, &registry, &ImportOptions::default())
        .unwrap()
        .remove(0)
        .document;
    for (id, entry) in &doc.answers {
        assert_eq!(back.answers[id].answer, entry.answer, "{id}");
        assert_eq!(back.answers[id].remark, entry.remark, "{id}");
    }
    assert_eq!(back.subject.product, "Filled PACS");
}

/// The blank with its sheet's relationship target written relative and climbing out of `xl/`
/// first (`../xl/worksheets/sheet1.xml`), as some writers put it.
fn with_dot_dot_target(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts(bytes) {
        let data = if name == "xl/_rels/workbook.xml.rels" {
            let xml = String::from_utf8(data).unwrap();
            assert!(
                xml.contains(r#"Target="/xl/worksheets/sheet1.xml""#),
                "{xml}"
            );
            xml.replace(
                r#"Target="/xl/worksheets/sheet1.xml""#,
                r#"Target="../xl/worksheets/sheet1.xml""#,
            )
            .into_bytes()
        } else {
            data
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The reader and the filler resolve relationship targets alike: a blank whose sheet target has
/// a `..` segment reads and is filled (the filler used to look for `xl/../xl/…` and fail).
#[test]
fn a_blank_with_a_dot_dot_sheet_target_is_filled() {
    let registry = Registry::builtin().unwrap();
    let blank = with_dot_dot_target(&fixture("blank-official.xlsx"));
    let doc = answered(&blank, &registry);
    let (filled, report) = fill(&doc, &blank, &registry).unwrap();
    assert!(report.unplaced.is_empty(), "{:?}", report.unplaced);
    assert!(!report.written.is_empty());
    let back = import(&filled, &registry, &ImportOptions::default())
        .unwrap()
        .remove(0)
        .document;
    for (id, entry) in &doc.answers {
        assert_eq!(back.answers[id].answer, entry.answer, "{id}");
        assert_eq!(back.answers[id].remark, entry.remark, "{id}");
    }
    assert_eq!(back.subject.product, "Filled PACS");
}

#[test]
fn values_without_a_place_are_reported() {
    let registry = Registry::builtin().unwrap();
    let blank = fixture("blank-official.xlsx");
    let mut doc = answered(&blank, &registry);
    doc.answers.insert(
        "MDS-C99-01".into(),
        kaiji_model::disclosure::AnswerEntry {
            answer: Some(Answer::Yes),
            ..Default::default()
        },
    );
    let (_, report) = fill(&doc, &blank, &registry).unwrap();
    assert_eq!(report.unplaced, ["/answers/MDS-C99-01"]);
}

#[test]
fn only_xlsx_can_be_filled() {
    let registry = Registry::builtin().unwrap();
    let doc = answered(&fixture("blank-official.xlsx"), &registry);
    let e = fill(&doc, &fixture("libreoffice.ods"), &registry).unwrap_err();
    assert!(e.to_string().contains(".xlsx"), "{e}");
}

mod property {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Any answers and remarks (XML specials, line breaks, look-alike escapes, control
        /// characters) written into the blank read back exactly, and the rest of the file stays.
        #[test]
        fn any_answers_fill_and_read_back(
            values in prop::collection::vec(
                (prop::option::of(prop_oneof![Just(Answer::Yes), Just(Answer::No), Just(Answer::Na)]),
                 prop_oneof![Just(String::new()), "[a-zA-Zあ-ん<>&\"'_x0-9]{1,30}", "[^\u{0}]{1,20}"]),
                20),
        ) {
            let registry = Registry::builtin().unwrap();
            let blank = fixture("blank-official.xlsx");
            let mut doc = import(&blank, &registry, &ImportOptions::default()).unwrap().remove(0).document;
            for ((_, entry), (answer, remark)) in doc.answers.iter_mut().zip(values) {
                entry.answer = answer;
                entry.remark = remark.trim().to_owned();
                entry.source_text = None;
            }
            let (filled, report) = fill(&doc, &blank, &registry).unwrap();
            prop_assert!(report.unplaced.is_empty());
            let back = import(&filled, &registry, &ImportOptions::default()).unwrap().remove(0).document;
            for (id, entry) in &doc.answers {
                prop_assert_eq!(back.answers[id].answer, entry.answer, "{}", id);
                prop_assert_eq!(&back.answers[id].remark, &entry.remark, "{}", id);
            }
            let before = raw_parts(&blank);
            let after = raw_parts(&filled);
            for (name, part) in &before {
                if name != "xl/worksheets/sheet1.xml" {
                    prop_assert_eq!(part, &after[name], "{}", name);
                }
            }
        }
    }
}
