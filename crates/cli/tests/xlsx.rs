//! `kaiji import`, `kaiji export` and `kaiji catalog derive` on real workbooks, through the binary.

use kaiji_test_support::{json, kaiji, root, xlsx_fixtures as fixtures};
use predicates::prelude::*;

#[test]
fn bad_workbooks_exit_2_naming_the_file_and_the_reason() {
    for (file, says) in [
        ("encrypted.xlsx", "パスワードで保護"),
        ("csv-renamed.xlsx", "CSV"),
        ("not-a-zip.xlsx", "Excel ワークブック"),
        ("zip-not-workbook.xlsx", "ワークブックを含まない zip"),
        ("empty-workbook.xlsx", "チェックリストの表"),
        ("word-document.xlsx", "Word 文書"),
        ("fuzz-cfb-panic.xls", "ワークブックが壊れています"),
        ("fuzz-xls-dimensions.xls", "上限を超えます"),
        ("fuzz-cfb-cycle.xls", "ワークブックが壊れています"),
        ("fuzz-xls-sparse.xls", "上限を超えます"),
        ("fuzz-xls-dimensions-2.xls", "上限を超えます"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        kaiji()
            .arg("import")
            .arg(fixtures().join("bad").join(file))
            .arg("--out-dir")
            .arg(dir.path())
            .assert()
            .code(2)
            .stdout(predicate::str::contains(file))
            .stdout(predicate::str::contains(says));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{file}: nothing written"
        );
    }
    kaiji()
        .args(["--lang", "en", "import"])
        .arg(fixtures().join("bad/encrypted.xlsx"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("password-protected"));
}

#[test]
fn one_workbook_to_one_document_with_located_findings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.kaiji.json");
    let assert = kaiji()
        .arg("import")
        .arg(fixtures().join("answer-column.xlsx"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(text.contains("answer-column.xlsx: MDS!"), "{text}");
    assert!(text.contains("[unreadable-answer]"), "{text}");
    assert!(text.contains("[formula-without-value]"), "{text}");
    let doc = json(&out);
    assert_eq!(doc["catalog"]["revision"], "5.0h");
    // The written document validates with the same findings, by JSON pointer.
    kaiji().arg("validate").arg(&out).assert().code(1);
}

#[test]
fn a_directory_imports_in_parallel_and_one_bad_file_stops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = kaiji()
        .arg("import")
        .arg(fixtures())
        .arg("--out-dir")
        .arg(dir.path())
        .args(["--jobs", "2", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "bad files make the run fail");
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = files.as_array().unwrap();
    let failed: Vec<&str> = files
        .iter()
        .filter(|f| f["status"] == "error")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 11, "the eleven bad files fail: {failed:?}");
    let good = files.iter().filter(|f| f["status"] != "error").count();
    assert_eq!(good, 10, "the ten good workbooks import");
    // Two documents from the two-sheet workbook, one file each.
    let written = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(written, 11);
    // Books that share a name keep their extension in the output name.
    assert!(dir.path().join("blank-official.xlsx.kaiji.json").exists());
    assert!(dir.path().join("libreoffice.ods.kaiji.json").exists());
    assert!(dir.path().join("two-sheets-4.1.MDS.kaiji.json").exists());
    assert!(dir.path().join("two-sheets-4.1.SDS.kaiji.json").exists());
}

#[test]
fn the_text_summary_counts_imported_findings_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    kaiji()
        .arg("import")
        .arg(fixtures().join("mark-columns.xlsx"))
        .arg(fixtures().join("bad/csv-renamed.xlsx"))
        .arg("--out-dir")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "取り込み 1 件(指摘あり 1 件)、失敗 1 件",
        ))
        .stdout(predicate::str::contains("失敗: "));
}

#[test]
fn export_and_import_round_trip_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("pacs.xlsx");
    let back = dir.path().join("back.kaiji.json");
    kaiji()
        .args(["export", "examples/pacs-mds-5.0h.kaiji.json", "-o"])
        .arg(&xlsx)
        .assert()
        .success();
    kaiji()
        .arg("import")
        .arg(&xlsx)
        .arg("-o")
        .arg(&back)
        .assert()
        .success();
    let a: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/pacs-mds-5.0h.kaiji.json")).unwrap(),
    )
    .unwrap();
    let b = json(&back);
    assert_eq!(a, b);
    // Never overwrites by accident.
    kaiji()
        .args(["export", "examples/pacs-mds-5.0h.kaiji.json", "-o"])
        .arg(&xlsx)
        .assert()
        .code(2);
}

#[test]
fn export_into_a_blank_fills_it() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("blank.kaiji.json");
    kaiji()
        .arg("import")
        .arg(fixtures().join("blank-official.xlsx"))
        .arg("-o")
        .arg(&doc)
        .assert()
        .code(1);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&doc).unwrap()).unwrap();
    for entry in value["answers"].as_object_mut().unwrap().values_mut() {
        entry["answer"] = "yes".into();
        entry["remark"] = "対応済み".into();
    }
    std::fs::write(&doc, value.to_string()).unwrap();
    let filled = dir.path().join("filled.xlsx");
    kaiji()
        .arg("export")
        .arg(&doc)
        .arg("--into")
        .arg(fixtures().join("blank-official.xlsx"))
        .arg("-o")
        .arg(&filled)
        .assert()
        .success()
        .stdout(predicate::str::contains("置き場のない値 0 件"));
    let back = dir.path().join("back.kaiji.json");
    // Findings remain: the blank has 20 of the 42 MDS items, the rest are reported missing.
    kaiji()
        .arg("import")
        .arg(&filled)
        .arg("-o")
        .arg(&back)
        .assert()
        .code(1);
    let back = json(&back);
    assert!(
        back["answers"]
            .as_object()
            .unwrap()
            .values()
            .all(|a| a["answer"] == "yes")
    );
}

#[test]
fn export_refuses_a_document_that_does_not_read() {
    let dir = tempfile::tempdir().unwrap();
    kaiji()
        .args(["export", "examples/invalid/pacs-mds-draft.kaiji.json", "-o"])
        .arg(dir.path().join("x.xlsx"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("kaiji validate"));
}

#[test]
fn derive_a_catalog_from_a_blank_and_use_it() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("derived.yaml");
    kaiji()
        .args(["catalog", "derive"])
        .arg(fixtures().join("blank-official.xlsx"))
        .args([
            "--id",
            "official-mds-sds",
            "--version",
            "5.0",
            "--revision",
            "5.0h-official",
            "-o",
        ])
        .arg(&catalog)
        .assert()
        .success();
    let yaml = std::fs::read_to_string(&catalog).unwrap();
    assert!(yaml.contains("MDS-"), "{yaml}");
    kaiji()
        .args(["catalog", "check"])
        .arg(&catalog)
        .assert()
        .success();
    // Importing the blank against the derived catalog finds every item.
    let out = dir.path().join("b.kaiji.json");
    kaiji()
        .arg("--catalog-file")
        .arg(&catalog)
        .arg("import")
        .arg(fixtures().join("blank-official.xlsx"))
        .args(["--catalog", "official-mds-sds@5.0h-official", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[unknown-item]").not());
}

/// A minimal .xlsx around one worksheet's XML.
fn xlsx_with_sheet(sheet: &[u8], shared_strings: Option<&[u8]>) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut rels = String::from(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
    );
    if shared_strings.is_some() {
        rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
    }
    rels.push_str("</Relationships>");
    let mut parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_vec()),
        ("_rels/.rels", br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec()),
        ("xl/workbook.xml", br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="MDS" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec()),
        ("xl/_rels/workbook.xml.rels", rels.into_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.to_vec()),
    ];
    if let Some(ss) = shared_strings {
        parts.push(("xl/sharedStrings.xml", ss.to_vec()));
    }
    for (name, body) in parts {
        zip.start_file(name, deflate).unwrap();
        zip.write_all(&body).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn hostile_workbooks_exit_2_with_bounded_effort() {
    let dir = tempfile::tempdir().unwrap();
    let head = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
    // A million rows.
    let mut rows = String::from(head);
    for r in 1..=1_000_000 {
        rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    rows.push_str("</sheetData></worksheet>");
    // 64 MiB of zeros in a comment: a small zip that inflates enormously.
    let mut bomb = String::from(head);
    bomb.push_str("<!--");
    bomb.push_str(&"0".repeat(64 << 20));
    bomb.push_str("--></sheetData></worksheet>");
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "million.xlsx",
            xlsx_with_sheet(rows.as_bytes(), None),
            "大きすぎます",
        ),
        (
            "bomb.xlsx",
            xlsx_with_sheet(bomb.as_bytes(), None),
            "zip 爆弾",
        ),
        (
            "strings.xlsx",
            xlsx_with_sheet(
                format!(
                    r#"{head}<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
                )
                .as_bytes(),
                Some(b"<sst><si><t>unclosed</sst"),
            ),
            "壊れています",
        ),
    ];
    for (name, bytes, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        kaiji()
            .arg("import")
            .arg(&path)
            .arg("--out-dir")
            .arg(dir.path())
            .timeout(std::time::Duration::from_secs(120))
            .assert()
            .code(2)
            .stdout(predicate::str::contains(name))
            .stdout(predicate::str::contains(says));
    }
}

#[test]
fn formulas_without_values_are_warnings_not_failures() {
    let dir = tempfile::tempdir().unwrap();
    kaiji()
        .arg("import")
        .arg(fixtures().join("answer-column.xlsx"))
        .arg("--out-dir")
        .arg(dir.path())
        .args(["--deny", "error", "--lang", "en"])
        .assert()
        .stdout(predicate::str::contains("warning[formula-without-value]"))
        .stdout(predicate::str::contains("has no saved value"));
}

#[test]
fn sheet_and_catalog_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sds.kaiji.json");
    kaiji()
        .arg("import")
        .arg(fixtures().join("two-sheets-4.1.xlsx"))
        .args(["--sheet", "SDS", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    let doc = json(&out);
    assert_eq!(doc["kind"], "sds");
    assert_eq!(doc["catalog"]["revision"], "4.1");
    kaiji()
        .arg("import")
        .arg(fixtures().join("two-sheets-4.1.xlsx"))
        .args(["--sheet", "Nope"])
        .arg("--out-dir")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("シート Nope はありません"));
    // A wrong --catalog is a usage error, not a guess.
    kaiji()
        .arg("import")
        .arg(fixtures().join("answer-column.xlsx"))
        .args(["--catalog", "jahis-mds-sds@9.9"])
        .arg("--out-dir")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("9.9"));
}

#[test]
fn outputs_never_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, out) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("out"),
    );
    for d in [&a, &b, &out] {
        std::fs::create_dir(d).unwrap();
    }
    std::fs::copy(fixtures().join("answer-column.xlsx"), a.join("MDS.xlsx")).unwrap();
    std::fs::copy(fixtures().join("mark-columns.xlsx"), b.join("MDS.xlsx")).unwrap();
    kaiji()
        .arg("import")
        .arg(&a)
        .arg(&b)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(1);
    assert!(out.join("MDS.xlsx.kaiji.json").exists());
    // --out-dir is made when it is not there.
    let fresh = dir.path().join("new/dir");
    kaiji()
        .arg("import")
        .arg(fixtures().join("answer-column.xlsx"))
        .arg("--out-dir")
        .arg(&fresh)
        .assert()
        .code(1);
    assert!(fresh.join("answer-column.kaiji.json").exists());
    assert!(out.join("MDS.xlsx-2.kaiji.json").exists());
    // -o with a workbook of two checklists asks which one.
    kaiji()
        .arg("import")
        .arg(fixtures().join("two-sheets-4.1.xlsx"))
        .arg("-o")
        .arg(dir.path().join("one.kaiji.json"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("--sheet"));
}

#[test]
fn kind_can_be_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.kaiji.json");
    kaiji()
        .arg("import")
        .arg(fixtures().join("answer-column.xlsx"))
        .args(["--kind", "sds", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    let doc = json(&out);
    assert_eq!(doc["kind"], "sds");
}

#[test]
fn a_macro_book_is_filled_into_a_macro_book_only() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("blank.kaiji.json");
    kaiji()
        .arg("import")
        .arg(fixtures().join("blank-official.xlsm"))
        .arg("-o")
        .arg(&doc)
        .assert()
        .code(1);
    kaiji()
        .arg("export")
        .arg(&doc)
        .arg("--into")
        .arg(fixtures().join("blank-official.xlsm"))
        .arg("-o")
        .arg(dir.path().join("filled.xlsx"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("拡張子"));
}
