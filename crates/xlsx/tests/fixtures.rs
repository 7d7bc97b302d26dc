//! Every committed test workbook imports with the expected answers, item by item. The workbooks
//! and their `*.expected.json` are written by `testdata/make_workbooks.py` (openpyxl, and
//! LibreOffice for the converted copies).

use std::path::{Path, PathBuf};

use kaiji_catalog::Registry;
use kaiji_model::Code;
use kaiji_xlsx::{ImportOptions, Imported, import};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The import findings (not the validation ones) as (code, cell).
fn import_findings(imported: &Imported) -> Vec<(String, String)> {
    imported
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                Code::UnreadableAnswer
                    | Code::ConflictingAnswers
                    | Code::StrayText
                    | Code::FormulaWithoutValue
                    | Code::CatalogNotDetected
            )
        })
        .map(|f| {
            (
                f.code.to_string(),
                f.location.cell.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn check(file: &str) {
    let registry = Registry::builtin().unwrap();
    let bytes = std::fs::read(fixtures().join(file)).unwrap();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join(format!("{file}.expected.json"))).unwrap(),
    )
    .unwrap();
    let expected: Vec<Value> = match expected {
        Value::Array(docs) => docs,
        one => vec![one],
    };
    let imported = import(&bytes, &registry, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(
        imported.len(),
        expected.len(),
        "{file}: number of checklists"
    );
    for (got, want) in imported.iter().zip(&expected) {
        let at = format!("{file} [{}]", got.sheet);
        assert_eq!(got.sheet, want["sheet"], "{at}: sheet");
        let doc = &got.document;
        assert_eq!(doc.kind.to_string(), want["kind"], "{at}: kind");
        assert_eq!(doc.catalog.to_string(), want["catalog"], "{at}: catalog");
        let subject = serde_json::to_value(&doc.subject).unwrap();
        for field in ["organisation", "product", "model", "version", "contact"] {
            assert_eq!(
                subject[field], want["subject"][field],
                "{at}: subject.{field}"
            );
        }
        match want["subject"]["date"].as_str() {
            Some(date) => assert_eq!(
                doc.subject.date.map(|d| d.to_string()).as_deref(),
                Some(date),
                "{at}: subject.date"
            ),
            None => assert!(
                got.findings
                    .iter()
                    .any(|f| f.code == Code::MissingSubjectField
                        && f.location.pointer.as_deref() == Some("/subject/date")),
                "{at}: a missing date is reported"
            ),
        }
        let want_answers = want["answers"].as_object().unwrap();
        let got_keys: Vec<&String> = doc.answers.keys().collect();
        let want_keys: Vec<&String> = want_answers.keys().collect();
        assert_eq!(got_keys, want_keys, "{at}: the items read");
        for (id, w) in want_answers {
            let g = &doc.answers[id];
            let answer = g.answer.map(|a| a.to_string());
            assert_eq!(answer.as_deref(), w["answer"].as_str(), "{at}: {id} answer");
            assert_eq!(g.remark, w["remark"].as_str().unwrap(), "{at}: {id} remark");
            assert_eq!(
                g.source_text.as_deref(),
                w["source_text"].as_str(),
                "{at}: {id} source_text"
            );
            if let Some(raw) = w.get("source_answer") {
                assert_eq!(
                    g.source_answer.as_deref(),
                    raw.as_str(),
                    "{at}: {id} source_answer"
                );
            }
        }
        let want_findings: Vec<(String, String)> = want["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_owned(),
                    f["cell"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(import_findings(got), want_findings, "{at}: import findings");
        // Every finding names its sheet, and its cell when the thing is in the workbook.
        for f in &got.findings {
            assert!(f.location.sheet.is_some(), "{at}: {f:?} has no sheet");
            let in_book = !matches!(f.code, Code::MissingAnswer | Code::MissingSubjectField);
            assert!(
                !in_book || f.location.cell.is_some(),
                "{at}: {f:?} has no cell"
            );
        }
    }
}

#[test]
fn answer_column() {
    check("answer-column.xlsx");
}

#[test]
fn mark_columns() {
    check("mark-columns.xlsx");
}

#[test]
fn two_sheets_of_ver_4_1() {
    check("two-sheets-4.1.xlsx");
}

#[test]
fn furigana_is_not_part_of_the_text() {
    check("furigana.xlsx");
}

#[test]
fn macro_enabled_book() {
    check("macro.xlsm");
}

#[test]
fn saved_by_libreoffice_as_xlsx_ods_and_xls() {
    check("libreoffice.xlsx");
    check("libreoffice.ods");
    check("libreoffice.xls");
}

#[test]
fn blank_official_forms() {
    check("blank-official.xlsx");
    check("blank-official.xlsm");
}

#[test]
fn every_fixture_has_a_test() {
    let tested = [
        "answer-column.xlsx",
        "mark-columns.xlsx",
        "two-sheets-4.1.xlsx",
        "furigana.xlsx",
        "macro.xlsm",
        "libreoffice.xlsx",
        "libreoffice.ods",
        "libreoffice.xls",
        "blank-official.xlsx",
        "blank-official.xlsm",
    ];
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(workbook) = name.strip_suffix(".expected.json") {
            assert!(
                tested.contains(&workbook),
                "{workbook} has expectations but no test"
            );
        }
    }
}
