//! `kaiji review` and `kaiji policy` through the real binary.

use std::path::Path;

use kaiji_test_support::{kaiji, root};
use predicates::prelude::*;

#[test]
fn baseline_review_of_the_examples_is_clean_but_for_the_old_one() {
    // The 4.1 example is outdated and stale, and the PACS has no two-factor authentication
    // (gl7-baseline's 2FA rule, a warning until its deadline): warnings, not errors, so exit 0.
    kaiji()
        .args(["review", "--today", "2026-11-27"])
        .args([
            "examples/pacs-mds-5.0h.kaiji.json",
            "examples/pacs-mds-4.1.kaiji.json",
            "examples/cloud-share-sds-5.0h.kaiji.json",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("警告[outdated-revision]"))
        .stdout(predicate::str::contains("警告[stale-disclosure]"))
        .stdout(predicate::str::contains("警告[policy-violation]"))
        .stdout(predicate::str::contains("スコア 95%(65/68)"));
    // Under gl6-baseline (no 2FA rule) the PACS's justified いいえ is accepted.
    kaiji()
        .args([
            "review",
            "--today",
            "2026-11-27",
            "--policy",
            "gl6-baseline",
        ])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("スコア 100%(68/68)"));
    // With --deny warning the same warnings fail the run.
    kaiji()
        .args(["review", "--today", "2026-11-27", "--deny", "warning"])
        .arg("examples/pacs-mds-4.1.kaiji.json")
        .assert()
        .code(1);
}

#[test]
fn strict_review_names_item_code_and_gl_reference() {
    let out = kaiji()
        .args([
            "review",
            "--policy",
            "strict",
            "--today",
            "2026-11-27",
            "--format",
            "json",
        ])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let review = &files[0];
    assert_eq!(review["policy"], "strict");
    assert_eq!(review["product"], "SampleView PACS");
    assert_eq!(review["score"], serde_json::json!({"met": 63, "total": 68}));
    let departures: Vec<(String, String, String)> = review["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["item"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
                f["refs"][0]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |item: &str, gl: &str| {
        (
            item.to_owned(),
            "policy-violation".to_owned(),
            gl.to_owned(),
        )
    };
    assert_eq!(
        departures,
        [
            expect("SDS-C07-01", "システム運用編 7"),
            expect("MDS-C14-02", "システム運用編 14"),
            expect("MDS-C15-01", "システム運用編 15"),
        ]
    );
    assert!(
        review["gl"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["id"] == "システム運用編 14")
    );
}

#[test]
fn csv_output_opens_in_excel() {
    let out = kaiji()
        .args([
            "review",
            "--policy",
            "strict",
            "--today",
            "2026-11-27",
            "--format",
            "csv",
            "--lang",
            "en",
        ])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("\u{feff}file,organisation,"), "{text}");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(
        rows[2].contains(
            "policy-violation,MDS-C14-02,/answers/MDS-C14-02/answer,システム運用編 14 (confidence U) / 保守委託機関編 9④ (confidence I) / 保守委託機関編 9⑤ (confidence I),"
        ),
        "{text}"
    );
}

#[test]
fn a_bad_policy_file_names_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(
        &path,
        "id: bad\ntitle: {ja: b, en: b}\nrules:\n  - id: r\n    select: {items: ['*']}\n    require: [maybe]\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    kaiji()
        .args([
            "review",
            "--policy",
            file,
            "examples/pacs-mds-5.0h.kaiji.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml 6行"));
    kaiji()
        .args(["policy", "check", file])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("bad.yaml 6行"))
        .stderr(predicate::str::contains(
            "1 件の方針ファイルを読めませんでした",
        ));
    kaiji()
        .args(["review", "--policy", path.to_str().unwrap(), "--lang", "en"])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml line 6 column"))
        .stderr(predicate::str::contains("rules[0].require[0]"));
    kaiji()
        .args([
            "review",
            "--policy",
            "no-such-policy",
            "examples/pacs-mds-5.0h.kaiji.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gl6-baseline, gl7-baseline, gl7-betsushi, strict",
        ));
}

#[test]
fn policy_init_writes_a_policy_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ours.yaml");
    kaiji()
        .args(["policy", "init", "-o", path.to_str().unwrap()])
        .assert()
        .success();
    kaiji()
        .args(["policy", "check", path.to_str().unwrap(), "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no problems"));
    // A typo in an item id is named.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("sections: [C13, C14]", "items: [MDS-C14-99]");
    std::fs::write(&path, text).unwrap();
    kaiji()
        .args(["policy", "check", path.to_str().unwrap(), "--lang", "en"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "item MDS-C14-99 is in no checklist",
        ));
    kaiji()
        .args(["policy", "show", "strict"])
        .assert()
        .success()
        .stdout(predicate::str::contains("id: strict"));
    kaiji()
        .args(["schema", "policy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kaiji review policy"));
}

#[test]
fn diff_exits_1_on_a_regression_and_names_it() {
    kaiji()
        .args([
            "diff",
            "examples/pacs-mds-4.1.kaiji.json",
            "examples/pacs-mds-5.0h.kaiji.json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("後退 1、改善 4"))
        .stdout(predicate::str::contains(
            "[後退] SDS-C07-01 (旧 MDS-6.9-01, 番号変更) 回答: はい → いいえ",
        ));
    kaiji()
        .args([
            "diff",
            "examples/pacs-mds-5.0h.kaiji.json",
            "examples/pacs-mds-5.0h.kaiji.json",
            "--lang",
            "en",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "regressed 0, improved 0, modified 0, new 0, removed 0",
        ));
    let out = kaiji()
        .args([
            "diff",
            "--format",
            "json",
            "examples/pacs-mds-4.1.kaiji.json",
            "examples/pacs-mds-5.0h.kaiji.json",
        ])
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["mapped"], true);
    assert!(
        d["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "regressed"
                && c["item"] == "SDS-C07-01"
                && c["relation"] == "renamed")
    );
}

#[test]
fn diff_against_its_own_migration_shows_no_regression_and_no_empty_change() {
    let dir = kaiji_test_support::temp_dir();
    let migrated = dir.path().join("m.json");
    kaiji()
        .args(["migrate", "examples/pacs-mds-4.1.kaiji.json"])
        .args(["--to", "jahis-mds-sds@5.0", "-o"])
        .arg(&migrated)
        .assert()
        .success();
    let out = kaiji()
        .args(["diff", "examples/pacs-mds-4.1.kaiji.json"])
        .arg(&migrated)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("後退 0、改善 0、変更 0、新規 0、削除 2、要確認 5"),
        "{text}"
    );
    assert!(!text.contains("- → -"), "{text}");
    assert!(!text.contains("[後退]"), "{text}");
    assert!(
        text.contains("[要確認] MDS-C16-02 (旧 MDS-6.5-08, 分割) 回答: はい → -"),
        "{text}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_of_two_products_warns_and_shows_both_names_and_versions() {
    let dir = kaiji_test_support::temp_dir();
    let mut other = kaiji_test_support::json(root().join("examples/pacs-mds-5.0h.kaiji.json"));
    other["subject"]["organisation"] = "株式会社ほかのメーカー".into();
    other["subject"]["product"] = "OtherView RIS".into();
    other["subject"]["version"] = "2.0".into();
    let path = dir.path().join("other.kaiji.json");
    std::fs::write(&path, other.to_string()).unwrap();
    kaiji()
        .args(["diff", "examples/pacs-mds-5.0h.kaiji.json"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "株式会社サンプルメディカルイメージング SampleView PACS 9.2.0 → 株式会社ほかのメーカー OtherView RIS 2.0",
        ))
        .stdout(predicate::str::contains("警告[diff-other-product]"))
        .stderr(predicate::str::contains("kaiji: 警告: 2つの開示書は別の製品のものです"));
    kaiji()
        .args(["diff", "--lang", "en", "examples/pacs-mds-5.0h.kaiji.json"])
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "kaiji: warning: the two disclosures are for different products",
        ));
    let out = kaiji()
        .args([
            "diff",
            "--format",
            "json",
            "examples/pacs-mds-5.0h.kaiji.json",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["findings"][0]["code"], "diff-other-product");
    assert_eq!(d["findings"][0]["severity"], "warning");
}

#[test]
fn diff_shows_where_two_long_remarks_differ() {
    let dir = kaiji_test_support::temp_dir();
    let base = kaiji_test_support::json(root().join("examples/pacs-mds-5.0h.kaiji.json"));
    let common = "監査ログは院内の syslog サーバへ転送し、保守員の操作は全て記録する。".repeat(3);
    let (mut old, mut new) = (base.clone(), base);
    old["answers"]["MDS-C14-05"]["remark"] = format!("{common}保存期間は1年。").into();
    new["answers"]["MDS-C14-05"]["remark"] = format!("{common}保存期間は5年。").into();
    let (o, n) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&o, old.to_string()).unwrap();
    std::fs::write(&n, new.to_string()).unwrap();
    kaiji()
        .arg("diff")
        .args([&o, &n])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("保存期間は1年。 → …"))
        .stdout(
            predicate::str::is_match("備考: …[^→]*保存期間は1年。 → …[^→]*保存期間は5年。\n")
                .unwrap(),
        );
}

#[test]
fn migrate_writes_a_document_and_lists_open_items() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pacs-5.0h.kaiji.json");
    kaiji()
        .args([
            "migrate",
            "examples/pacs-mds-4.1.kaiji.json",
            "--to",
            "jahis-mds-sds@5.0",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "引き継ぎ 27 項目、要確認 15 項目、対応なし 2 項目",
        ))
        .stdout(predicate::str::contains(
            "要確認: MDS-C16-02 (旧 MDS-6.5-08): 分割された項目",
        ));
    // The result validates but for the open items (missing answers: exit 1, not 2).
    kaiji()
        .arg("validate")
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("missing-answer"));
    // Never overwritten without --force.
    kaiji()
        .args([
            "migrate",
            "examples/pacs-mds-4.1.kaiji.json",
            "--to",
            "jahis-mds-sds@5.0h",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    kaiji()
        .args([
            "migrate",
            "examples/pacs-mds-5.0h.kaiji.json",
            "--to",
            "jahis-mds-sds@4.1",
            "-o",
        ])
        .arg(dir.path().join("back.kaiji.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("対応表"));
}

#[test]
fn compare_writes_html_xlsx_csv_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        "examples/pacs-mds-5.0h.kaiji.json",
        "examples/pacs-mds-4.1.kaiji.json",
        "examples/cloud-share-sds-5.0h.kaiji.json",
    ];
    let html = dir.path().join("c.html");
    kaiji()
        .args([
            "compare",
            "--policy",
            "strict",
            "--today",
            "2026-11-27",
            "-o",
        ])
        .arg(&html)
        .args(files)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 社 × 83 項目"));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains(r#"<td class="violation" title="9.2.0 では未対応"#),
        "MFA departure with its remark on hover"
    );
    assert!(page.contains("旧版から移行して比較"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "self-contained"
    );

    let xlsx = dir.path().join("c.xlsx");
    kaiji()
        .args(["compare", "--today", "2026-11-27", "-o"])
        .arg(&xlsx)
        .args(files)
        .assert()
        .success();
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let range = book.worksheet_range("比較").unwrap();
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(3, 0), "項目");
    assert!(
        cell(3, 3).contains("SampleView PACS 9.2.0"),
        "{}",
        cell(3, 3)
    );
    let mfa_row = (4..range.height() as u32)
        .find(|r| cell(*r, 0) == "MDS-C14-02")
        .unwrap();
    assert_eq!(cell(mfa_row, 3), "いいえ");
    assert_eq!(cell(mfa_row, 5), "様式外");

    let out = kaiji()
        .args([
            "compare",
            "--today",
            "2026-11-27",
            "--format",
            "csv",
            "--lang",
            "en",
        ])
        .args(files)
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("\u{feff}item,section,question,"));
    assert_eq!(csv.lines().count(), 84);

    kaiji()
        .args(["compare", "--today", "2026-11-27"])
        .args(files)
        .assert()
        .success()
        .stdout(predicate::str::contains("[2] 株式会社サンプルメディカルイメージング SampleView PACS 8.4.2 (MDS, jahis-mds-sds@4.1) 移行して比較"));
    kaiji()
        .args(["compare", "--format", "xlsx"])
        .args(files)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-o"));
}

#[test]
fn mhlw_checklist_lines_for_the_example_hospital() {
    // R8 (the default): the same two topics, by kaiji's line names, their numbers unknown, on
    // the 医療機関・薬局 form, each with the R7 line it takes over.
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "examples/hospital/inventory.yaml",
            "--today",
            "2026-11-27",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "医療機関・薬局におけるサイバーセキュリティ対策チェックリスト(令和8年度版) — 医療機関・薬局確認用",
        ))
        .stdout(predicate::str::contains("(mhlw-cyber-checklist@R8)。2 項目は番号が未確認です"))
        .stdout(predicate::str::contains(
            "[番号未確認] facility:remote-maintenance リモート保守を使う機器があるか事業者に確かめ",
        ))
        .stdout(predicate::str::contains(
            "他の版の対応項目: mhlw-cyber-checklist@R7 hospital:2-②",
        ))
        .stdout(predicate::str::contains("いいえ(確認日 2026-11-27)"))
        .stdout(predicate::str::contains(
            "不足: 電子カルテ: [mhlw-no-disclosure] 株式会社サンプルシステムズ から MDS/SDS を受け取っていません",
        ));
    // R7 still works, by its numbers, and says R8 supersedes it.
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "examples/hospital/inventory.yaml",
            "--edition",
            "R7",
            "--today",
            "2026-11-27",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "令和8年度は mhlw-cyber-checklist@R8 に置き換えられています(この版も引き続き使えます)",
        ))
        .stdout(predicate::str::contains(
            "2-② リモート保守を使う機器があるか事業者に確かめ",
        ))
        .stdout(predicate::str::contains(
            "不足: 電子カルテ: [mhlw-no-disclosure] 株式会社サンプルシステムズ から MDS/SDS を受け取っていません",
        ));
    // An edition that is not loaded is a usage error naming the ones that are.
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "examples/hospital/inventory.yaml",
            "--edition",
            "R6",
            "--lang",
            "en",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no checklist edition R6; editions loaded: R7, R8",
        ));
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("mhlw.xlsx");
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "examples/hospital/inventory.yaml",
            "--today",
            "2026-11-27",
            "-o",
        ])
        .arg(&xlsx)
        .assert()
        .code(1);
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let range = book.worksheet_range("チェックリスト").unwrap();
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert!(cell(0, 0).contains("令和8年度版"), "{}", cell(0, 0));
    assert!(
        cell(1, 0).contains("mhlw-cyber-checklist@R8"),
        "{}",
        cell(1, 0)
    );
    assert_eq!(
        (cell(3, 0), cell(3, 2), cell(3, 7)),
        ("番号未確認".into(), "いいえ".into(), "I".into())
    );
    assert_eq!(
        cell(3, 8),
        "mhlw-cyber-checklist@R7 hospital:2-②",
        "the R7 counterpart"
    );
    // 確認日 is a date cell (2026-11-27 is Excel's day 46353), not text.
    match range.get_value((3, 3)) {
        Some(calamine::Data::DateTime(d)) => assert_eq!(d.as_f64(), 46353.0),
        other => panic!("確認日 should be a date cell: {other:?}"),
    }
    assert!(
        cell(4, 5).contains("ナースコール: サンプル通信株式会社 の開示書を読めません"),
        "{}",
        cell(4, 5)
    );
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "facility: x\nsystems:\n  - system: a\n    vendor: b\n    remote_maintenance: maybe\n",
    )
    .unwrap();
    kaiji()
        .args(["checklist", "mhlw", "--lang", "en"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml line 5 column"))
        .stderr(predicate::str::contains("systems[0].remote_maintenance"));
    kaiji()
        .args(["schema", "inventory"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kaiji system inventory"));
}

/// Runs a poppler tool on a PDF (poppler-utils is installed by .ci/run).
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} is not installed (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &Path) -> usize {
    poppler("pdfinfo", &[], pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn review_report_as_pdf_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("review.pdf");
    let files = [
        "examples/cloud-share-sds-5.0h.kaiji.json",
        "examples/pacs-mds-4.1.kaiji.json",
        "examples/pacs-mds-5.0h.kaiji.json",
    ];
    kaiji()
        .args([
            "review",
            "--policy",
            "strict",
            "--today",
            "2026-11-27",
            "-o",
        ])
        .arg(&pdf)
        .args(files)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("3 件の開示書"));
    assert_eq!(pages(&pdf), 6);
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("A4"), "{info}");
    let fonts = poppler("pdffonts", &[], &pdf);
    assert!(
        fonts.contains("IPAexGothic") && fonts.contains(" yes "),
        "embedded subset: {fonts}"
    );
    let text = poppler("pdftotext", &["-layout"], &pdf);
    for expected in [
        "医療情報セキュリティ開示書 確認報告",
        "目次",
        "概要",
        "セクション別の回答",
        "セクション別のスコア",
        "逸脱のある安全管理GL 第7.0版の部・章",
        "株式会社サンプルメディカルイメージング SampleView PACS 9.2.0",
        "MDS-C14-02",
        "policy-violation",
    ] {
        assert!(
            text.contains(expected),
            "PDF text lacks {expected:?}:\n{text}"
        );
    }
    // Page numbers in the footer (pdftotext drops the spaces around the slash).
    assert!(text.replace(' ', "").contains("1/6") && text.replace(' ', "").contains("6/6"));
    // English on request.
    let en = dir.path().join("review-en.pdf");
    kaiji()
        .args(["review", "--lang", "en", "--today", "2026-11-27", "-o"])
        .arg(&en)
        .args(files)
        .assert()
        .success();
    let text = poppler("pdftotext", &[], &en);
    assert!(
        text.contains("Security disclosure review") && text.contains("Contents"),
        "{text}"
    );
    // The same report as one self-contained HTML page.
    let out = kaiji()
        .args([
            "review",
            "--policy",
            "strict",
            "--today",
            "2026-11-27",
            "--format",
            "html",
        ])
        .args(files)
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h2 id=\"c0\">概要</h2>"));
    assert_eq!(html.matches("<svg").count(), 9, "three charts per document");
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "self-contained"
    );
    kaiji()
        .args(["review", "--format", "pdf"])
        .args(files)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-o"));
}

#[test]
fn mhlw_checklist_as_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("mhlw.pdf");
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "examples/hospital/inventory.yaml",
            "--edition",
            "R7",
            "--today",
            "2026-11-27",
            "-o",
        ])
        .arg(&pdf)
        .assert()
        .code(1);
    assert_eq!(pages(&pdf), 3);
    let text = poppler("pdftotext", &[], &pdf);
    for expected in [
        "医療機関におけるサイバーセキュリティ対策チェック",
        "サンプル総合病院",
        "mhlw-cyber-checklist@R7",
        "2-② リモート保守を使う機器があるか事業者に確かめ",
        "検体検査システム",
        "システム台帳",
    ] {
        assert!(
            text.contains(expected),
            "PDF text lacks {expected:?}:\n{text}"
        );
    }
    // R8, the default: the edition and the unknown numbers are stated.
    let html = dir.path().join("mhlw.html");
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "examples/hospital/inventory.yaml",
            "--today",
            "2026-11-27",
            "-o",
        ])
        .arg(&html)
        .assert()
        .code(1);
    let page = std::fs::read_to_string(&html).unwrap();
    for expected in [
        "医療機関・薬局におけるサイバーセキュリティ対策チェックリスト(令和8年度版)",
        "mhlw-cyber-checklist@R8",
        "番号未確認 リモート保守を使う機器があるか事業者に確かめ",
        "2 項目は番号が未確認です",
    ] {
        assert!(page.contains(expected), "HTML lacks {expected:?}");
    }
}

#[test]
fn the_example_hospital_policy_waives_mfa_until_march() {
    kaiji()
        .args(["policy", "check", "examples/hospital/policy.yaml"])
        .assert()
        .success();
    kaiji()
        .args([
            "review",
            "--policy",
            "examples/hospital/policy.yaml",
            "--today",
            "2026-11-27",
        ])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "免除中: MDS-C14-02(2027-03-31 まで)",
        ));
    // After the expiry the departure is back, with a waiver-expired warning.
    kaiji()
        .args([
            "review",
            "--policy",
            "examples/hospital/policy.yaml",
            "--today",
            "2027-04-01",
        ])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[waiver-expired]"))
        .stdout(predicate::str::contains(
            "エラー[policy-violation]: MDS-C14-02",
        ));
}

#[test]
fn an_inventory_kept_in_excel_gives_the_same_lines() {
    let run = |inventory: &str| {
        let out = kaiji()
            .args([
                "checklist",
                "mhlw",
                inventory,
                "--today",
                "2026-11-27",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        run("examples/hospital/inventory.xlsx"),
        run("examples/hospital/inventory.yaml")
    );
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "crates/xlsx/tests/fixtures/answer-column.xlsx",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "answer-column.xlsx: システム台帳の表",
        ));
}

/// `checklist mhlw` of the example hospital with these advisories notes the vulnerable router of
/// the PACS vendor's remote service profile under line 2-②.
fn mhlw_notes_the_router(advisories: &str) {
    kaiji()
        .args([
            "checklist",
            "mhlw",
            "examples/hospital/inventory.yaml",
            "--today",
            "2026-11-27",
        ])
        .args(["--advisories", advisories])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "補足: PACS(本院): [mhlw-profile-findings] 接続点の点検: Sample Networks SN-VPN 200 4.2.1",
        ));
}

#[test]
fn mhlw_line_2_notes_the_connection_checks_of_vendor_profiles() {
    mhlw_notes_the_router("examples/rss/advisories/kev-sample.json");
}

/// `checklist mhlw` and `review` read an advisory directory, and several paths after one
/// `--advisories`, as `rss check` does.
#[test]
fn mhlw_and_review_take_advisory_directories() {
    mhlw_notes_the_router("examples/rss/advisories");
    let out = kaiji()
        .args([
            "review",
            "examples/pacs-mds-5.0h.kaiji.json",
            "--today",
            "2026-11-27",
        ])
        .args([
            "--format",
            "json",
            "--rss-profile",
            "examples/rss/pacs-remote-service.yaml",
        ])
        .args([
            "--advisories",
            "examples/rss/advisories/osv-sample.json",
            "examples/rss/advisories",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let vulnerable = files[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "rss-known-vulnerable")
        .count();
    // The OSV file named twice (alone and in its directory) is read once: one KEV finding.
    assert_eq!(vulnerable, 1, "{files}");
}

#[test]
fn vendor_profile_checks_join_the_review_of_that_vendors_disclosures() {
    let out = kaiji()
        .args(["review", "--today", "2026-11-27", "--format", "json"])
        .args(["--rss-profile", "examples/rss/pacs-remote-service.yaml"])
        .args([
            "examples/pacs-mds-5.0h.kaiji.json",
            "examples/cloud-share-sds-5.0h.kaiji.json",
        ])
        // Every value after --advisories is an advisory path, so it comes last.
        .args(["--advisories", "examples/rss/advisories/kev-sample.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = |i: usize| -> Vec<String> {
        files[i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}{}",
                    f["code"].as_str().unwrap(),
                    f["location"]["file"]
                        .as_str()
                        .map(|file| format!("{file}: "))
                        .unwrap_or_default(),
                    f["location"]["pointer"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    // The place is in the profile's file, not an invented pointer into the disclosure.
    assert!(
        codes(0).contains(
            &"rss-known-vulnerable examples/rss/pacs-remote-service.yaml: /devices/0/firmware"
                .to_owned()
        ),
        "{:?}",
        codes(0)
    );
    assert!(
        codes(1).iter().all(|c| !c.starts_with("rss-")),
        "another vendor: {:?}",
        codes(1)
    );
}

/// An inventory without systems evidences nothing: both lines are いいえ with the reason, never
/// はい — as YAML (`systems: []`) and as the hospital's workbook with every row deleted.
#[test]
fn mhlw_lines_without_systems_are_not_yes() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("empty.yaml");
    std::fs::write(&yaml, "facility: 空の病院\nform: hospital\nsystems: []\n").unwrap();
    let xlsx = dir.path().join("empty.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "施設名").unwrap();
    sheet.write(0, 1, "空の病院").unwrap();
    for (c, h) in [
        "システム",
        "事業者",
        "製品",
        "バージョン",
        "リモート保守",
        "開示書",
    ]
    .iter()
    .enumerate()
    {
        sheet.write(2, c as u16, *h).unwrap();
    }
    book.save(&xlsx).unwrap();
    for input in [&yaml, &xlsx] {
        let out = kaiji()
            .args([
                "checklist",
                "mhlw",
                "--today",
                "2026-11-27",
                "--format",
                "json",
            ])
            .arg(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{input:?}: {out:?}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["facility"], "空の病院", "{input:?}");
        let lines = report["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 2, "{input:?}");
        for line in lines {
            assert_eq!(line["yes"], false, "{input:?}: {line}");
            assert!(
                line["missing"][0]["message"]["ja"]
                    .as_str()
                    .unwrap()
                    .contains("システムが1件もない"),
                "{line}"
            );
        }
    }
}

/// Control characters and bidi overrides from a vendor's file never reach the terminal raw.
#[test]
fn vendor_text_is_escaped_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("examples/pacs-mds-5.0h.kaiji.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["subject"]["product"] = "PACS\u{1b}[2J\u{202e}exe.fdp".into();
    let path = dir.path().join("hostile.kaiji.json");
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = kaiji()
        .args(["review", "--today", "2026-11-27"])
        .arg(&path)
        .output()
        .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown.contains("PACS\\u{001b}[2J\\u{202e}exe.fdp"),
        "{shown}"
    );
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{202e}'));
}

#[test]
fn english_review_names_gl_parts_in_english() {
    let review = [
        "review",
        "--policy",
        "strict",
        "--guideline",
        "mhlw-gl@6.0",
        "--lang",
        "en",
        "--today",
        "2026-11-27",
    ];
    let out = kaiji()
        .args(review)
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("    Control part 14 Authentication and authorisation security measures"),
        "{text}"
    );
    assert!(text.contains("[GL 6.0: Control part 14]"), "{text}");
    assert!(!text.contains("システム運用編"), "{text}");
    // The HTML report (the PDF is built from the same report): the chart and the findings table.
    let dir = kaiji_test_support::temp_dir();
    let html = dir.path().join("r.html");
    kaiji()
        .args(review)
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .arg("-o")
        .arg(&html)
        .assert()
        .code(1);
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(
        html.contains("Control part 7 Information handling"),
        "{html}"
    );
    assert!(!html.contains("システム運用編"), "{html}");
    // In Japanese the ids read as they are.
    kaiji()
        .args(["review", "--policy", "strict", "--today", "2026-11-27"])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("    システム運用編 14 認証・認可"))
        .stdout(predicate::str::contains("Control part").not());
}

#[test]
fn the_same_file_or_release_twice_is_warned_about_and_the_exit_code_stays() {
    let dir = kaiji_test_support::temp_dir();
    let copy = dir.path().join("copy.kaiji.json");
    std::fs::copy(root().join("examples/pacs-mds-5.0h.kaiji.json"), &copy).unwrap();
    let doc = "examples/pacs-mds-5.0h.kaiji.json";
    let twice = "examples/../examples/pacs-mds-5.0h.kaiji.json";
    // review: the same file under two names, and a copy (another file, the same release).
    kaiji()
        .args(["review", "--today", "2026-11-27", doc, twice])
        .arg(&copy)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(format!(
            "kaiji: 警告: 同じファイルが2回指定されています: {doc} と {twice}"
        )))
        .stderr(predicate::str::contains(
            "は同じ製品・バージョンの開示書です(株式会社サンプルメディカルイメージング SampleView PACS 9.2.0)",
        ));
    // compare, in English; the JSON on stdout stays clean.
    let out = kaiji()
        .args(["compare", "--lang", "en", "--format", "json", doc])
        .arg(&copy)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "disclose the same product and version (株式会社サンプルメディカルイメージング SampleView PACS 9.2.0)",
        ))
        .stderr(predicate::str::contains("the same file").not())
        .get_output()
        .clone();
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    // validate and diff name a file twice.
    kaiji()
        .args(["validate", doc, doc])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "同じファイルが2回指定されています",
        ));
    kaiji()
        .args(["diff", "--lang", "en", doc, twice])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("the same file is named twice"));
    // Two releases of one product are not a repeat.
    kaiji()
        .args(["review", "--today", "2026-11-27"])
        .args([doc, "examples/pacs-mds-4.1.kaiji.json"])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
}

#[test]
fn dates_far_ahead_are_warned_about_and_the_exit_code_stays() {
    // --today far ahead: a warning on stderr, the review goes on.
    kaiji()
        .args(["review", "--today", "9999-12-31", "--lang", "en"])
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "kaiji: warning: --today 9999-12-31 is more than 20 years after today",
        ));
    // A cover date after today: a warning finding of validate (exit 0).
    let dir = kaiji_test_support::temp_dir();
    let mut doc = kaiji_test_support::json(root().join("examples/pacs-mds-5.0h.kaiji.json"));
    doc["subject"]["date"] = "9999-12-31".into();
    let path = dir.path().join("future.kaiji.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    kaiji()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "/subject/date: 警告[future-date]: 作成日 9999-12-31 は今日(",
        ));
    // A waiver without a real end: policy check names it.
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "id: p\ntitle: {ja: a, en: a}\napplies_to: [jahis-mds-sds]\nrules:\n  - {id: r, select: {sections: [C14]}, require: [yes]}\nwaivers:\n  - {item: MDS-C14-02, reason: r, expires: 9999-12-31}\n",
    )
    .unwrap();
    kaiji()
        .args(["policy", "check"])
        .arg(&policy)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("[future-date]"));
}

/// Every comparison report says what its score and departures mean, and an unanswered cell is
/// shown as unanswered, not as a departure.
#[test]
fn compare_reports_state_the_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        "examples/pacs-mds-4.1.kaiji.json",
        "examples/pacs-mds-5.0h.kaiji.json",
    ];
    let text = kaiji()
        .args(["compare", "--today", "2026-11-27"])
        .args(files)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("kaiji review と同じ"), "{text}");
    let html = dir.path().join("c.html");
    kaiji()
        .args(["compare", "--today", "2026-11-27", "--lang", "en", "-o"])
        .arg(&html)
        .args(files)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("Unanswered items are counted as unanswered"),
        "{page}"
    );
    let xlsx = dir.path().join("c.xlsx");
    kaiji()
        .args(["compare", "--today", "2026-11-27", "-o"])
        .arg(&xlsx)
        .args(files)
        .assert()
        .success();
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let range = book.worksheet_range("比較").unwrap();
    let note = range.get_value((2, 0)).unwrap().to_string();
    assert!(note.starts_with("スコア: "), "{note}");
}

/// Every text report on the terminal escapes a vendor's control characters: compare, the MHLW
/// lines and the risk register as well as review.
#[test]
fn every_text_report_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("examples/pacs-mds-5.0h.kaiji.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["subject"]["organisation"] = "株式会社\u{1b}[2J\u{202e}悪意".into();
    let hostile = dir.path().join("hostile.kaiji.json");
    std::fs::write(&hostile, serde_json::to_string(&doc).unwrap()).unwrap();
    let shown = |args: &[&std::ffi::OsStr]| {
        let out = kaiji().args(args).output().unwrap();
        let s = String::from_utf8(out.stdout).unwrap();
        assert!(
            !s.contains('\u{1b}') && !s.contains('\u{202e}'),
            "{args:?}: {s}"
        );
        s
    };
    let compare = shown(&[
        "compare".as_ref(),
        "--today".as_ref(),
        "2026-11-27".as_ref(),
        hostile.as_os_str(),
        root()
            .join("examples/cloud-share-sds-5.0h.kaiji.json")
            .as_os_str(),
    ]);
    assert!(compare.contains("\\u{001b}[2J\\u{202e}"), "{compare}");
    let profile = std::fs::read_to_string(root().join("examples/rss/pacs-remote-service.yaml"))
        .unwrap()
        .replace(
            "SampleView リモート保守サービス",
            "\"保守\\e[2J\\u202Eサービス\"",
        );
    let hostile_profile = dir.path().join("p.yaml");
    std::fs::write(&hostile_profile, profile).unwrap();
    let risk = shown(&[
        "rss".as_ref(),
        "risk".as_ref(),
        "--today".as_ref(),
        "2026-11-27".as_ref(),
        hostile_profile.as_os_str(),
    ]);
    assert!(risk.contains("\\u{001b}[2J\\u{202e}"), "{risk}");
}

/// Issue 11: reviews cite GL 7.0 by default and GL 6.0 with `--guideline mhlw-gl@6.0`, in the
/// text, the JSON and the PDF; each cited entry carries its confidence where it is not V, and
/// each output names the edition it cites.
#[test]
fn reviews_and_their_pdf_cite_gl7_by_default_and_gl6_on_request() {
    let doc = "examples/pacs-mds-5.0h.kaiji.json";
    let review = ["review", "--policy", "strict", "--today", "2026-11-27"];
    // Text.
    let text = |extra: &[&str]| {
        let out = kaiji().args(review).args(extra).arg(doc).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let seven = text(&[]);
    assert!(seven.contains("引用: mhlw-gl@7.0"), "{seven}");
    assert!(
        seven.contains("逸脱のある安全管理GL 第7.0版の箇所:"),
        "{seven}"
    );
    assert!(
        seven.contains("[GL 7.0: システム運用編 14 (確度 U), 保守委託機関編 9④ (確度 I), 保守委託機関編 9⑤ (確度 I)]"),
        "{seven}"
    );
    assert!(
        seven.contains("    システム運用編 14 認証・認可の安全管理 (確度 U) (1)"),
        "{seven}"
    );
    let six = text(&["--guideline", "mhlw-gl@6.0"]);
    assert!(six.contains("引用: mhlw-gl@6.0"), "{six}");
    assert!(six.contains("[GL 6.0: システム運用編 14]"), "{six}");
    assert!(
        !six.contains("保守委託機関編") && !six.contains("確度 V"),
        "{six}"
    );
    assert!(
        six.contains("[GL 6.0: システム運用編 15 (確度 I)]"),
        "{six}"
    );
    let en = text(&["--lang", "en"]);
    assert!(
        en.contains(
            "[GL 7.0: Control part 14 (confidence U), Outsourced-maintenance part 9④ (confidence I)"
        ),
        "{en}"
    );
    // JSON: the edition and each reference's confidence.
    let json = |extra: &[&str]| -> serde_json::Value {
        let out = kaiji()
            .args(review)
            .args(["--format", "json"])
            .args(extra)
            .arg(doc)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let mfa = |files: &serde_json::Value| {
        files[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["item"] == "MDS-C14-02")
            .unwrap()["refs"]
            .clone()
    };
    let seven = json(&[]);
    assert_eq!(seven[0]["guideline"]["key"], "mhlw-gl@7.0");
    assert_eq!(
        mfa(&seven),
        serde_json::json!([
            {"id": "システム運用編 14", "confidence": "U"},
            {"id": "保守委託機関編 9④", "confidence": "I"},
            {"id": "保守委託機関編 9⑤", "confidence": "I"},
        ])
    );
    let six = json(&["--guideline", "mhlw-gl@6.0"]);
    assert_eq!(six[0]["guideline"]["key"], "mhlw-gl@6.0");
    assert_eq!(
        mfa(&six),
        serde_json::json!([{"id": "システム運用編 14", "confidence": "V"}])
    );
    // The PDF (and so the HTML: one report model): the edition on the cover and in the summary,
    // the chart title, the table column and the confidence marks.
    let dir = tempfile::tempdir().unwrap();
    let pdf_text = |name: &str, extra: &[&str]| {
        let pdf = dir.path().join(name);
        kaiji()
            .args(review)
            .args(extra)
            .arg("-o")
            .arg(&pdf)
            .arg(doc)
            .assert()
            .code(1);
        poppler("pdftotext", &[], &pdf)
    };
    let seven = pdf_text("seven.pdf", &[]);
    let flat = seven.replace(['\n', ' '], "");
    for expected in [
        "引用する安全管理GL",
        "mhlw-gl@7.0",
        "逸脱のある安全管理GL第7.0版の部・章",
        "GL7.0",
        "システム運用編14(確度U)",
        "保守委託機関編9④(確度I)",
    ] {
        assert!(flat.contains(expected), "PDF lacks {expected:?}:\n{seven}");
    }
    let six = pdf_text("six.pdf", &["--guideline", "mhlw-gl@6.0"]);
    let flat = six.replace(['\n', ' '], "");
    for expected in [
        "mhlw-gl@6.0",
        "逸脱のある安全管理GL第6.0版の部・章",
        "GL6.0",
    ] {
        assert!(flat.contains(expected), "PDF lacks {expected:?}:\n{six}");
    }
    // V entries carry no mark (6.0 システム運用編 14 is V; 15, titled by inference, is I).
    assert!(
        !flat.contains("保守委託機関編") && !flat.contains("システム運用編14(確度"),
        "{six}"
    );
    assert!(flat.contains("システム運用編15(確度I)"), "{six}");
    // The HTML page of the same report.
    let out = kaiji()
        .args(review)
        .args(["--format", "html"])
        .arg(doc)
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "mhlw-gl@7.0",
        "システム運用編 14 (確度 U)",
        "保守委託機関編 9⑤ (確度 I)",
    ] {
        assert!(html.contains(expected), "HTML lacks {expected:?}");
    }
    // CSV: the column is named by the edition, the cells carry the marks.
    let out = kaiji()
        .args(review)
        .args(["--format", "csv"])
        .arg(doc)
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.lines().next().unwrap().contains(",GL 7.0,"), "{csv}");
    assert!(
        csv.contains("システム運用編 14 (確度 U) / 保守委託機関編 9④ (確度 I)"),
        "{csv}"
    );
}

/// `--guideline` names a loaded edition; anything else is a usage error listing them, for
/// review, compare and policy check alike. A policy naming an edition that is not loaded is one
/// too.
#[test]
fn an_unknown_guideline_edition_exits_2_and_lists_the_loaded_ones() {
    let doc = "examples/pacs-mds-5.0h.kaiji.json";
    for args in [
        vec!["review", "--guideline", "mhlw-gl@5.2", doc],
        vec!["compare", "--guideline", "jahis-mds-sds@5.0h", doc],
        vec![
            "policy",
            "check",
            "--guideline",
            "gl7",
            "examples/hospital/policy.yaml",
        ],
    ] {
        kaiji()
            .args(&args)
            .args(["--lang", "en"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--guideline"))
            .stderr(predicate::str::contains(
                "loaded editions: mhlw-gl@7.0, mhlw-gl@6.0",
            ));
    }
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "id: p\ntitle: {ja: p, en: p}\nguideline: mhlw-gl@9.0\nrules:\n  - {id: r, select: {gl: ['*']}, require: [yes]}\n",
    )
    .unwrap();
    kaiji()
        .args(["review", "--lang", "en", "--policy"])
        .arg(&policy)
        .arg(doc)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy p: guideline"))
        .stderr(predicate::str::contains("mhlw-gl@9.0"));
    // policy check reports it as a finding at /guideline.
    kaiji()
        .args(["policy", "check", "--lang", "en"])
        .arg(&policy)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("/guideline"))
        .stdout(predicate::str::contains("policy-unknown-gl-entry"));
}

/// The shipped gl7-baseline is the default policy: its 保守委託機関編 two-factor rule does not
/// accept the PACS's justified いいえ (a warning until the 令和9年度 deadline), which gl6-baseline
/// accepts; compare names the edition.
#[test]
fn gl7_baseline_is_the_default_and_holds_the_two_factor_rule() {
    let doc = "examples/pacs-mds-5.0h.kaiji.json";
    kaiji()
        .args(["review", "--today", "2026-11-27", doc])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("方針 gl7-baseline"))
        .stdout(predicate::str::contains("警告[policy-violation]"))
        .stdout(predicate::str::contains("規則 gl7-2fa"));
    // A warning until the deadline: --deny warning fails the run.
    kaiji()
        .args(["review", "--today", "2026-11-27", "--deny", "warning", doc])
        .assert()
        .code(1);
    for guideline in ["mhlw-gl@7.0", "mhlw-gl@6.0"] {
        kaiji()
            .args([
                "review",
                "--today",
                "2026-11-27",
                "--policy",
                "gl6-baseline",
            ])
            .args(["--guideline", guideline, doc])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("スコア 100%(68/68)"));
    }
    kaiji()
        .args(["compare", "--today", "2026-11-27", doc])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("方針 gl7-baseline"))
        .stdout(predicate::str::contains("引用する安全管理GL: 医療情報システムの安全管理に関するガイドライン 第7.0版 (mhlw-gl@7.0)"));
    let out = kaiji()
        .args(["compare", "--today", "2026-11-27", "--format", "html", doc])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains("引用する安全管理GL: 医療情報システムの安全管理に関するガイドライン 第7.0版 (mhlw-gl@7.0)"),
        "{html}"
    );
    let out = kaiji()
        .args([
            "compare",
            "--today",
            "2026-11-27",
            "--format",
            "json",
            "--guideline",
            "mhlw-gl@6.0",
            doc,
        ])
        .output()
        .unwrap();
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(c["guideline"]["key"], "mhlw-gl@6.0");
    assert_eq!(c["policy"], "gl7-baseline");
    // The policy check of a 7.0 policy naming a 6.0-only 遵守事項.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "id: p\ntitle: {ja: p, en: p}\nguideline: mhlw-gl@7.0\nrules:\n  - {id: r, select: {gl: ['システム運用編 8⑤', '保守委託機関編 9④']}, require: [yes]}\n",
    )
    .unwrap();
    kaiji()
        .args(["policy", "check", "--lang", "en"])
        .arg(&policy)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "/rules/0/select/gl/0: error[policy-unknown-gl-entry]: rule r: GL entry システム運用編 8⑤ does not exist in MHLW guideline 7.0",
        ))
        .stdout(predicate::str::contains("/rules/0/select/gl/1").not());
}
