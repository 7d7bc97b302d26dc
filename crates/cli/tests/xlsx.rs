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

/// `book` with `text` typed into `cells` of the worksheet part `part`, as Excel saves a typed
/// value: the old cell replaced by an inline string.
fn type_into(book: &[u8], part: &str, cells: &[(&str, &str)]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut body = Vec::new();
        entry.read_to_end(&mut body).unwrap();
        if name == part {
            let mut xml = String::from_utf8(body).unwrap();
            for (cell, text) in cells {
                if let Some(start) = xml.find(&format!("<c r=\"{cell}\"")) {
                    let rest = &xml[start..];
                    let open_end = rest.find('>').unwrap();
                    let end = if rest[..open_end].ends_with('/') {
                        open_end + 1
                    } else {
                        rest.find("</c>").unwrap() + "</c>".len()
                    };
                    xml.replace_range(start..start + end, "");
                }
                let row: String = cell.chars().filter(char::is_ascii_digit).collect();
                let typed = format!(
                    r#"<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c></row>"#
                );
                let end = xml.find("</sheetData>").unwrap();
                xml.insert_str(end, &typed);
            }
            body = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Text typed into an exported workbook where kaiji reads no value (notes under the table, the
/// GL参照 column, over a section heading, beside the table) is kept with its cell.
#[test]
fn text_typed_into_an_exported_workbook_is_kept_with_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("pacs.xlsx");
    kaiji()
        .args(["export", "examples/pacs-mds-5.0h.kaiji.json", "-o"])
        .arg(&xlsx)
        .assert()
        .success();
    let cells = [
        ("A58", "表の下の注記"),
        ("C58", "注記の続き"),
        ("D58", "回答列の注記"),
        ("A60", "最後の注記"),
        ("G3", "GL欄に追記"),
        ("H3", "表の外のメモ"),
        ("A2", "見出しを書き換え"),
    ];
    // The cover is the first sheet, the checklist the second.
    let typed = type_into(
        &std::fs::read(&xlsx).unwrap(),
        "xl/worksheets/sheet2.xml",
        &cells,
    );
    let edited = dir.path().join("edited.xlsx");
    std::fs::write(&edited, typed).unwrap();
    let back = dir.path().join("back.kaiji.json");
    let assert = kaiji()
        .arg("import")
        .arg(&edited)
        .arg("-o")
        .arg(&back)
        .assert();
    let output = assert.get_output();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let doc = std::fs::read_to_string(&back).unwrap();
    for (cell, text) in cells {
        assert!(
            stdout.contains(&format!("edited.xlsx: MDS!{cell}")) && stdout.contains(text),
            "{cell}: {stdout}"
        );
        assert!(doc.contains(&format!("[{cell}] {text}")), "{cell}: {doc}");
    }
    let stray_lines = stdout
        .lines()
        .filter(|l| l.contains("[stray-text]"))
        .count();
    assert_eq!(stray_lines, cells.len(), "{stdout}");
    // What export wrote itself (the other headings, numbers and GL references) is not stray.
    assert!(!stdout.contains("MDS!G4:"), "{stdout}");
}

/// An inventory workbook with unreadable cells names every one of them in one run (file and
/// sheet!cell); 要確認 in the リモート保守 column is unconfirmed, not an error.
#[test]
fn inventory_workbook_names_all_bad_cells_at_once_and_reads_yokakunin_as_unconfirmed() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read(root().join("examples/hospital/inventory.xlsx")).unwrap();
    let sheet = "xl/worksheets/sheet1.xml";
    let bad = dir.path().join("bad-inventory.xlsx");
    std::fs::write(
        &bad,
        type_into(
            &example,
            sheet,
            &[
                ("F6", "要確認"),
                ("F8", "たぶん"),
                ("G9", "来週"),
                ("F11", "半分"),
            ],
        ),
    )
    .unwrap();
    let assert = kaiji()
        .args(["checklist", "mhlw"])
        .arg(&bad)
        .args(["--today", "2026-10-01"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("bad-inventory.xlsx: 読めないセルが 3 個あります"),
        "{stderr}"
    );
    for cell in ["F8", "G9", "F11"] {
        assert!(
            stderr.contains(&format!("システム台帳!{cell}: ")),
            "{cell}: {stderr}"
        );
    }
    assert!(!stderr.contains("F6"), "要確認 is no error: {stderr}");
    let assert = kaiji()
        .args(["--lang", "en", "checklist", "mhlw"])
        .arg(&bad)
        .args(["--today", "2026-10-01"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("bad-inventory.xlsx: 3 cells cannot be read"),
        "{stderr}"
    );

    // With 要確認 alone the run goes on and reports the system as not yet asked.
    let unconfirmed = dir.path().join("unconfirmed.xlsx");
    std::fs::write(
        &unconfirmed,
        type_into(&example, sheet, &[("F6", "要確認")]),
    )
    .unwrap();
    let assert = kaiji()
        .args(["checklist", "mhlw"])
        .arg(&unconfirmed)
        .args(["--today", "2026-10-01", "--format", "json"])
        .assert();
    let output = assert.get_output();
    assert_ne!(output.status.code(), Some(2), "{output:?}");
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert!(stdout.contains("PACS(本院)"), "{stdout}");
    assert!(stdout.contains("遠隔保守の有無を"), "{stdout}");
}

#[test]
fn derive_warns_when_the_revision_would_replace_the_shipped_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let derive = |lang: &str, revision: &str, name: &str| {
        let assert = kaiji()
            .args(["--lang", lang, "catalog", "derive"])
            .arg(fixtures().join("blank-official.xlsx"))
            .args(["--version", "5.0", "--revision", revision, "-o"])
            .arg(dir.path().join(name))
            .assert()
            .success();
        let output = assert.get_output();
        (
            String::from_utf8(output.stdout.clone()).unwrap(),
            String::from_utf8(output.stderr.clone()).unwrap(),
        )
    };
    // The default id with the shipped revision: written, with a warning and a suggestion.
    let (stdout, stderr) = derive("ja", "5.0h", "ja.yaml");
    assert!(
        stderr.contains("kaiji: 警告: jahis-mds-sds@5.0h"),
        "{stderr}"
    );
    assert!(stderr.contains("置き換えます"), "{stderr}");
    assert!(stderr.contains("--revision 5.0h-local"), "{stderr}");
    assert!(
        !stdout.contains("警告"),
        "the warning stays off stdout: {stdout}"
    );
    assert!(dir.path().join("ja.yaml").exists());
    let (_, stderr) = derive("en", "5.0h", "en.yaml");
    assert!(
        stderr.contains("kaiji: warning: jahis-mds-sds@5.0h"),
        "{stderr}"
    );
    assert!(stderr.contains("replaces the shipped"), "{stderr}");
    assert!(stderr.contains("--revision 5.0h-local"), "{stderr}");
    // A revision of its own: no warning.
    let (_, stderr) = derive("ja", "5.0h-local", "local.yaml");
    assert!(stderr.is_empty(), "{stderr}");
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

/// A cover without a date stays without one: no invented 1970-01-01, `missing-subject-field`
/// from `validate`, and `review` does not call the document stale.
#[test]
fn a_missing_cover_date_stays_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = json(root().join("examples/pacs-mds-5.0h.kaiji.json"));
    doc["subject"].as_object_mut().unwrap().remove("date");
    let undated = dir.path().join("undated.kaiji.json");
    std::fs::write(&undated, serde_json::to_string(&doc).unwrap()).unwrap();
    let workbook = dir.path().join("undated.xlsx");
    kaiji()
        .arg("export")
        .arg(&undated)
        .arg("-o")
        .arg(&workbook)
        .assert()
        .success();
    let back = dir.path().join("back.kaiji.json");
    kaiji()
        .arg("import")
        .arg(&workbook)
        .arg("-o")
        .arg(&back)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("missing-subject-field"));
    let imported = json(&back);
    assert!(
        imported["subject"].get("date").is_none(),
        "{}",
        imported["subject"]
    );
    kaiji()
        .arg("validate")
        .arg(&back)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("/subject/date"))
        .stdout(predicate::str::contains("missing-subject-field"));
    kaiji()
        .args(["review", "--max-age", "30", "--format", "json"])
        .arg(&back)
        .assert()
        .stdout(predicate::str::contains("stale-disclosure").not())
        .stdout(predicate::str::contains("1970").not());
}

/// A row "Note 1" in a blank is a note, not an item `te-1`: `catalog derive` writes no
/// `MDS-te-1`, and importing a workbook with that row keeps the note's text without an item.
#[test]
fn a_note_row_is_no_item_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("MDS").unwrap();
    sheet
        .write(
            0,
            0,
            "製造業者による医療情報セキュリティ開示書 チェックリスト",
        )
        .unwrap();
    for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
        sheet.write(1, c as u16, *h).unwrap();
    }
    for (r, (no, text)) in [
        ("1-1", "設問その1"),
        ("Note 1", "この表の注記"),
        ("No 2", "設問その2"),
    ]
    .iter()
    .enumerate()
    {
        sheet.write(2 + r as u32, 0, *no).unwrap();
        sheet.write(2 + r as u32, 1, *text).unwrap();
    }
    book.save(&blank).unwrap();
    let catalog = dir.path().join("derived.yaml");
    kaiji()
        .args(["catalog", "derive"])
        .arg(&blank)
        .args([
            "--id",
            "local-mds-sds",
            "--version",
            "5.0",
            "--revision",
            "5.0h-local",
            "-o",
        ])
        .arg(&catalog)
        .assert()
        .success();
    let yaml = std::fs::read_to_string(&catalog).unwrap();
    assert!(yaml.contains("MDS-1-1") && yaml.contains("MDS-2"), "{yaml}");
    assert!(!yaml.contains("te-1"), "{yaml}");
}
