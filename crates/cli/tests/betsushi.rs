//! `kaiji betsushi` on the examples: exit codes, the template round trip, every output format
//! (the JSON against its schema, the inspector's workbook read back), bad records with their
//! place, and the same check a vendor runs on its own disclosure.

use calamine::{Reader, open_workbook_auto};
use kaiji_test_support::{assert_matches_api_schema, kaiji, temp_dir};
use predicates::prelude::*;

const PASS: &str = "examples/betsushi/pacs-mds-9.3.kaiji.json";
const TWO_NO: &str = "examples/betsushi/cloud-share-sds.kaiji.json";
const RECORD: &str = "examples/betsushi/risk-record.yaml";
const TODAY: &str = "2026-12-01";

#[test]
fn exit_codes_follow_the_open_lines() {
    // A vendor answering はい/該当なし everywhere: clean (a vendor runs this before sending).
    kaiji()
        .args(["betsushi", PASS, "--today", TODAY])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("すべて はい または 対象外"));
    // Two いいえ, no record: findings, both lines named.
    kaiji()
        .args(["betsushi", TWO_NO, "--today", TODAY, "--lang", "en"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("BS-SDS-13"))
        .stdout(predicate::str::contains("BS-SDS-26"))
        .stdout(predicate::str::contains("betsushi-unassessed"));
    // With the record one remains; after its review date the record is a finding too.
    let out = kaiji()
        .args(["betsushi", TWO_NO, "--risk-record", RECORD])
        .args(["--today", TODAY, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_matches_api_schema("betsushi", &json);
    let open: Vec<&str> = json["disclosures"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "betsushi-unassessed")
        .filter_map(|f| f["item"].as_str())
        .collect();
    assert_eq!(open, ["BS-SDS-26"]);
    assert_eq!(json["facility"], "サンプル総合病院");
    kaiji()
        .args([
            "betsushi",
            TWO_NO,
            "--risk-record",
            RECORD,
            "--today",
            "2027-07-01",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("betsushi-review-expired"));
    // Warnings alone (no disclosure item for three SDS lines) fail only with --deny warning.
    kaiji()
        .args(["betsushi", TWO_NO, "--today", TODAY, "--deny", "warning"])
        .assert()
        .code(1);
}

#[test]
fn the_template_names_the_open_lines_and_refuses_to_be_read_unfilled() {
    let dir = temp_dir();
    let template = dir.path().join("record.yaml");
    kaiji()
        .args([
            "betsushi",
            TWO_NO,
            "--facility",
            "サンプル総合病院",
            "--write-template",
        ])
        .arg(&template)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 行"));
    let text = std::fs::read_to_string(&template).unwrap();
    assert!(text.contains("line: BS-SDS-13") && text.contains("line: BS-SDS-26"));
    // Not replaced without --force.
    kaiji()
        .args(["betsushi", TWO_NO, "--write-template"])
        .arg(&template)
        .assert()
        .code(2);
    // Unfilled: exit 2 naming file, line and column.
    kaiji()
        .args(["betsushi", TWO_NO, "--risk-record"])
        .arg(&template)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("record.yaml"))
        .stderr(predicate::str::contains("行"))
        .stderr(predicate::str::contains("assessments[0].likelihood"));
    let filled = text
        .replace("likelihood: ~", "likelihood: 1")
        .replace("impact: ~", "impact: 2")
        .replace("treatment: ~", "treatment: accept")
        .replace("owner: \"\"", "owner: 情報システム課")
        .replace("due: ~", "due: 2027-01-31")
        .replace("review: ~", "review: 2027-12-31");
    std::fs::write(&template, filled).unwrap();
    kaiji()
        .args(["betsushi", TWO_NO, "--today", TODAY, "--risk-record"])
        .arg(&template)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("記録なし").not());
}

#[test]
fn every_format_is_written_and_the_workbook_reads_back() {
    let dir = temp_dir();
    for ext in ["xlsx", "pdf", "html", "csv", "json"] {
        let path = dir.path().join(format!("betsushi.{ext}"));
        kaiji()
            .args([
                "betsushi",
                PASS,
                TWO_NO,
                "--risk-record",
                RECORD,
                "--today",
                TODAY,
            ])
            .arg("-o")
            .arg(&path)
            .assert()
            .code(1);
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{ext}");
    }
    let pdf = std::fs::read(dir.path().join("betsushi.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let html = std::fs::read_to_string(dir.path().join("betsushi.html")).unwrap();
    assert!(html.contains("BS-SDS-26") && html.contains("記録なし"));
    // CSV: a heading and one row per line of each disclosure (41 + 58).
    let csv = std::fs::read_to_string(dir.path().join("betsushi.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 41 + 58);
    // The inspector's sheet: the assessed line carries the facility's risk value and owner.
    let mut book = open_workbook_auto(dir.path().join("betsushi.xlsx")).unwrap();
    let range = book.worksheet_range("別紙の確認").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    let row = rows
        .iter()
        .find(|r| r.get(4).map(String::as_str) == Some("BS-SDS-13"))
        .unwrap();
    assert_eq!(row[9], "いいえ");
    assert_eq!(row[14], "6");
    assert_eq!(row[17], "医療情報部 情報システム課");
    assert_eq!(rows.len(), 4 + 41 + 58);
    // Markdown is not one of its formats.
    kaiji()
        .args(["betsushi", PASS, "--format", "md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".xlsx .pdf .html .csv .json"));
}

#[test]
fn a_bad_record_and_an_unmapped_disclosure_exit_2() {
    let dir = temp_dir();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "facility: F\nassessments:\n  - {vendor: V, product: P, line: BS-SDS-13, likelihood: 9, impact: 1, treatment: reduce, measures: m, owner: o, due: 2027-01-01, review: 2027-01-01}\n",
    )
    .unwrap();
    kaiji()
        .args(["betsushi", TWO_NO, "--risk-record"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("assessments[0].likelihood"));
    kaiji()
        .args(["betsushi", PASS, "examples/pacs-mds-4.1.kaiji.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "examples/pacs-mds-4.1.kaiji.json: jahis-mds-sds@4.1 から mhlw-gl7-betsushi@7.0",
        ))
        .stderr(predicate::str::contains("kaiji migrate"));
    kaiji()
        .args(["schema", "risk-record"])
        .assert()
        .success()
        .stdout(predicate::str::contains("facility risk record"));
}

#[test]
fn review_with_the_shipped_policy_lists_the_betsushi_departures() {
    kaiji()
        .args([
            "review",
            TWO_NO,
            "--policy",
            "gl7-betsushi",
            "--today",
            TODAY,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("SDS-C07-02"))
        .stdout(predicate::str::contains("SDS-C11-02"))
        .stdout(predicate::str::contains("policy-violation"));
    kaiji()
        .args(["review", PASS, "--policy", "gl7-betsushi", "--today", TODAY])
        .assert()
        .code(0);
}

/// The official 別紙 transcribed into a workbook (one sheet per form, area rows between the
/// items, はい / いいえ / 対象外 mark columns), as a facility would type it from the PDF.
fn transcribed_betsushi() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (sheet, areas) in [
        ("別紙 MDS", vec![("認証", vec!["1", "2"])]),
        (
            "別紙 SDS",
            vec![
                ("情報管理", vec!["1", "2"]),
                ("システム運用管理", vec!["3"]),
            ],
        ),
    ] {
        let ws = book.add_worksheet();
        ws.set_name(sheet).unwrap();
        ws.write_string(0, 0, "安全管理GL 第7.0版 保守委託機関編【別紙】")
            .unwrap();
        for (c, h) in ["番号", "確認項目", "はい", "いいえ", "対象外"]
            .iter()
            .enumerate()
        {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        let mut r = 2;
        for (area, numbers) in areas {
            ws.write_string(r, 0, area).unwrap();
            r += 1;
            for no in numbers {
                ws.write_string(r, 0, no).unwrap();
                ws.write_string(r, 1, format!("(項目 {no} の文)")).unwrap();
                r += 1;
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn an_official_betsushi_from_a_workbook_and_a_mapping_replace_the_shipped_ones() {
    let dir = temp_dir();
    let workbook = dir.path().join("betsushi.xlsx");
    std::fs::write(&workbook, transcribed_betsushi()).unwrap();
    let catalog = dir.path().join("betsushi.yaml");
    kaiji()
        .args(["catalog", "derive"])
        .arg(&workbook)
        .args([
            "--id",
            "mhlw-gl7-betsushi",
            "--version",
            "7.0",
            "--revision",
            "7.0",
        ])
        .arg("-o")
        .arg(&catalog)
        .assert()
        .success();
    let yaml = std::fs::read_to_string(&catalog).unwrap();
    for id in ["MDS-1", "MDS-2", "SDS-1", "SDS-2", "SDS-3"] {
        assert!(yaml.contains(&format!("id: {id}\n")), "{id}: {yaml}");
    }
    // The user's own mapping, with the shipped mapping's key so that it replaces it.
    let mapping = dir.path().join("mapping.yaml");
    std::fs::write(
        &mapping,
        "id: jahis-mds-sds-5.0h-gl7-betsushi\nkind: mapping\nversion: \"1\"\nrevision: \"1\"\n\
         title: {ja: 公式の別紙への対応表, en: mapping to the official annex}\npublisher: 病院\n\
         source: 別紙 PDF\nconfidence: V\nfrom: jahis-mds-sds@5.0h\nto: mhlw-gl7-betsushi@7.0\nentries:\n\
         \x20 - {from: [MDS-C14-01], to: [MDS-1], relation: serves, confidence: V}\n\
         \x20 - {from: [MDS-C14-02], to: [MDS-2], relation: serves, confidence: V}\n\
         \x20 - {from: [SDS-C07-01], to: [SDS-1], relation: serves, confidence: V}\n\
         \x20 - {from: [SDS-C07-02], to: [SDS-2], relation: serves, confidence: V}\n\
         \x20 - {from: [], to: [SDS-3], relation: no-item, confidence: V}\n",
    )
    .unwrap();
    let with = |cmd: &mut assert_cmd::Command| {
        cmd.arg("--catalog-file")
            .arg(&catalog)
            .arg("--catalog-file")
            .arg(&mapping);
    };
    let mut check = kaiji();
    with(&mut check);
    check
        .args(["catalog", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("問題はありません"));
    let mut run = kaiji();
    with(&mut run);
    let out = run
        .args(["betsushi", TWO_NO, "--today", TODAY, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["disclosures"][0];
    assert_eq!(d["lines"].as_array().unwrap().len(), 3);
    assert_eq!(d["needs_assessment"], serde_json::json!(["SDS-2"]));
    assert_eq!(d["no_item"], serde_json::json!(["SDS-3"]));
    // A mapping that leaves a line of the 別紙 out is a catalog-check finding.
    let gap = dir.path().join("gap.yaml");
    std::fs::write(
        &gap,
        std::fs::read_to_string(&mapping).unwrap().replace(
            "  - {from: [], to: [SDS-3], relation: no-item, confidence: V}\n",
            "",
        ),
    )
    .unwrap();
    kaiji()
        .arg("--catalog-file")
        .arg(&catalog)
        .arg("--catalog-file")
        .arg(&gap)
        .args(["catalog", "check", "--lang", "en"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("mapping-gap"))
        .stdout(predicate::str::contains("SDS-3"));
}
