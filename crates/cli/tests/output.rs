//! What the rendering commands write, and where: formats chosen by extension (and refused when
//! a command does not write them), CSV safe in a spreadsheet, machine output untouched by
//! errors, files that honour the umask, and the report workbooks' cells.

use std::path::{Path, PathBuf};

use kaiji_test_support::{kaiji, root};
use predicates::prelude::*;

const PACS: &str = "examples/pacs-mds-5.0h.kaiji.json";
const PROFILE: &str = "examples/rss/pacs-remote-service.yaml";
const INVENTORY: &str = "examples/hospital/inventory.yaml";

/// Runs `args` with `-o dir/name` and expects exit 2, no file written, and standard error
/// saying what the command writes (`writes`, in Japanese; in English with --lang en).
fn refused(args: &[&str], name: &str, writes: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(name);
    kaiji()
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("作成しました").not())
        .stderr(predicate::str::contains("書ける形式"))
        .stderr(predicate::str::contains(writes));
    assert!(!out.exists(), "{name} must not be written");
    kaiji()
        .args(["--lang", "en"])
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it writes:"))
        .stderr(predicate::str::contains(writes));
    assert!(!out.exists(), "{name} must not be written");
}

#[test]
fn review_refuses_an_extension_it_does_not_write() {
    let review = ["review", "--today", "2026-11-27", PACS];
    refused(&review, "review.xlsx", ".html .pdf .csv .json");
    refused(&review, "review.docx", ".html .pdf .csv .json");
    // --format too.
    kaiji()
        .args(review)
        .args(["--format", "xlsx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format xlsx"));
    // --format and the extension of -o must agree: text is never written into a .pdf.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("review.pdf");
    kaiji()
        .args(review)
        .args(["--format", "text", "-o"])
        .arg(&pdf)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--format text と -o の拡張子 .pdf が合いません",
        ));
    assert!(!pdf.exists());
    // An extension that names no format leaves the choice to --format.
    let dat = dir.path().join("review.dat");
    kaiji()
        .args(review)
        .args(["--format", "csv", "-o"])
        .arg(&dat)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&dat)
            .unwrap()
            .starts_with('\u{feff}')
    );
}

#[test]
fn compare_refuses_an_extension_it_does_not_write() {
    let compare = ["compare", "--today", "2026-11-27", PACS];
    for name in ["compare.pdf", "compare.docx", "compare.xls", "compare.ods"] {
        refused(&compare, name, ".html .xlsx .csv .json");
    }
}

#[test]
fn checklist_refuses_an_extension_it_does_not_write() {
    refused(
        &["checklist", "mhlw", INVENTORY, "--today", "2026-11-27"],
        "mhlw.docx",
        ".xlsx .pdf .html .csv .json",
    );
}

#[test]
fn rss_risk_and_sla_refuse_extensions_they_do_not_write() {
    refused(
        &["rss", "risk", PROFILE, "--today", "2026-11-27"],
        "risk.csv",
        ".xlsx .pdf .html .json",
    );
    refused(
        &["rss", "sla", PROFILE, "--today", "2026-11-27"],
        "sla.xlsx",
        ".md .html .pdf .json",
    );
}

#[test]
fn writers_of_one_format_refuse_another() {
    refused(&["export", PACS], "x.pdf", ".xlsx");
    refused(&["new", "mds"], "x.xlsx", ".json");
    refused(&["new", "mds"], "x.csv", ".json");
    refused(
        &["import", "crates/xlsx/tests/fixtures/answer-column.xlsx"],
        "x.xlsx",
        ".json",
    );
    refused(
        &["rss", "sds", PROFILE, "--today", "2026-11-27"],
        "sds.pdf",
        ".json .xlsx",
    );
    refused(
        &[
            "migrate",
            "examples/pacs-mds-4.1.kaiji.json",
            "--to",
            "jahis-mds-sds@5.0h",
        ],
        "migrated.xlsx",
        ".json",
    );
}

#[test]
fn diff_writes_to_a_file_like_the_other_reports() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("d.csv");
    let diff = [
        "diff",
        "examples/pacs-mds-4.1.kaiji.json",
        "examples/pacs-mds-5.0h.kaiji.json",
    ];
    kaiji()
        .args(diff)
        .arg("-o")
        .arg(&csv)
        .assert()
        .stdout(predicate::str::contains("を作成しました"));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}区分,項目,"), "{text}");
    // No replacing without --force; with it, the file is written again.
    kaiji()
        .args(diff)
        .arg("-o")
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    kaiji()
        .args(diff)
        .arg("-o")
        .arg(&csv)
        .arg("--force")
        .assert()
        .stdout(predicate::str::contains("を作成しました"));
    refused(&diff, "d.pdf", ".csv .json");
}

/// A disclosure whose product name and remarks are spreadsheet formulas.
fn hostile_disclosure(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join(PACS)).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["subject"]["product"] = r#"=HYPERLINK("http://evil.invalid","click")"#.into();
    doc["subject"]["organisation"] = "+cmd|' /C calc'!A0".into();
    let answers = doc["answers"].as_object_mut().unwrap();
    let starts = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"];
    for (entry, start) in answers.values_mut().zip(starts) {
        entry["remark"] = start.into();
    }
    let path = dir.join("hostile.kaiji.json");
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    path
}

/// Every field of a CSV line that a spreadsheet would run as a formula, by a simple reading of
/// RFC 4180 (enough for these files: quoted fields may hold commas, quotes and line breaks).
fn formula_fields(csv: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut at_start) = (false, true);
    let mut chars = csv.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => quoted = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, ',' | '\n') => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            (_, c) => field.push(c),
        }
        at_start = false;
    }
    fields.push(field);
    fields
        .into_iter()
        .filter(|f| f.starts_with(['=', '+', '-', '@', '\t', '\r']))
        .collect()
}

#[test]
fn csv_never_carries_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = hostile_disclosure(dir.path());
    let review = kaiji()
        .args(["review", "--policy", "strict", "--today", "2026-11-27"])
        .args(["--format", "csv"])
        .arg(&hostile)
        .output()
        .unwrap();
    let text = String::from_utf8(review.stdout).unwrap();
    assert!(
        text.contains(r#""'=HYPERLINK(""http://evil.invalid"",""click"")""#),
        "{text}"
    );
    assert_eq!(formula_fields(&text), Vec::<String>::new());

    let csv = dir.path().join("c.csv");
    kaiji()
        .args(["compare", "--today", "2026-11-27", "-o"])
        .arg(&csv)
        .arg(&hostile)
        .arg(PACS)
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).unwrap();
    for start in ["=1+1", "+1", "-1", "@SUM(A1)"] {
        assert!(text.contains(&format!("\"'{start}\"")), "{start}: {text}");
    }
    assert_eq!(formula_fields(&text), Vec::<String>::new());
}

#[test]
fn a_failed_input_never_corrupts_json_or_csv_nor_leaves_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let nope = dir.path().join("nope.json");
    let review = || {
        let mut cmd = kaiji();
        cmd.args(["review", "--today", "2026-11-27", PACS])
            .arg(&nope);
        cmd
    };
    let out = review().args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let files: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(files.as_array().unwrap().len(), 1);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("nope.json"), "{stderr}");
    assert!(
        stderr.contains("1 件のファイルを読み込めませんでした"),
        "{stderr}"
    );

    let out = review().args(["--format", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("nope.json") && !text.contains("読み込"),
        "{text}"
    );

    for name in ["partial.pdf", "partial.csv", "partial.json"] {
        let partial = dir.path().join(name);
        review()
            .arg("-o")
            .arg(&partial)
            .assert()
            .code(2)
            .stdout(predicate::str::contains("作成しました").not())
            .stderr(predicate::str::contains("書き出していません"));
        assert!(!partial.exists(), "{name} must not be written");
    }
    // compare stops before writing anything as well.
    let partial = dir.path().join("c.csv");
    kaiji()
        .args(["compare", "--today", "2026-11-27", PACS])
        .arg(&nope)
        .arg("-o")
        .arg(&partial)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
    assert!(!partial.exists());
}

#[cfg(unix)]
#[test]
fn written_files_honour_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("kaiji");
    for (umask, mode) in [("022", 0o644), ("027", 0o640), ("077", 0o600)] {
        let out = dir.path().join(format!("r{umask}.html"));
        let status = std::process::Command::new("sh")
            .current_dir(root())
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" review --today 2026-11-27 {PACS} -o \"$1\""
            ))
            .arg(&bin)
            .arg(&out)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let got = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, mode, "umask {umask}");
    }
}

#[test]
fn write_errors_name_the_target_not_a_temporary_file() {
    let dir = tempfile::Builder::new()
        .prefix("kaiji-out")
        .tempdir()
        .unwrap();
    let target = dir.path().join("no/such/dir/r.html");
    kaiji()
        .args(["review", "--today", "2026-11-27", PACS, "-o"])
        .arg(&target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("r.html: 書き込めません: フォルダ"))
        .stderr(predicate::str::contains("がありません"));
    // The OS refuses the temporary file (no files can be made in /proc): the message names
    // the target and the reason, never tempfile's `.tmpXXXXXX`.
    if cfg!(target_os = "linux") {
        for lang in ["ja", "en"] {
            let out = kaiji()
                .args(["--lang", lang, "review", "--today", "2026-11-27", PACS])
                .args(["-o", "/proc/kaiji-r.html"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2));
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(stderr.contains("/proc/kaiji-r.html: "), "{stderr}");
            assert!(!stderr.contains(".tmp"), "{stderr}");
        }
    }
    // A directory as -o says so.
    kaiji()
        .args(["compare", "--today", "2026-11-27", PACS, "-o"])
        .arg(dir.path())
        .arg("--format")
        .arg("csv")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ディレクトリです"));
}

#[test]
fn dates_are_parsed_as_arguments() {
    kaiji()
        .args(["review", "--today", "2026-13-01", PACS])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--today"));
    kaiji()
        .args(["rss", "risk", PROFILE, "--today", "27.11.2026"])
        .assert()
        .code(2);
}

fn sheet(path: &Path, name: &str) -> calamine::Range<calamine::Data> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).unwrap();
    book.worksheet_range(name).unwrap()
}

/// The XML of one part of a workbook.
fn part(path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn compare_workbook_totals_are_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("c.xlsx");
    kaiji()
        .args([
            "compare",
            "--policy",
            "strict",
            "--today",
            "2026-11-27",
            PACS,
        ])
        .arg("examples/cloud-share-sds-5.0h.kaiji.json")
        .arg("-o")
        .arg(&xlsx)
        .assert()
        .success();
    let range = sheet(&xlsx, "比較");
    let label_row = |label: &str| {
        (0..range.height() as u32)
            .find(|r| {
                range
                    .get_value((*r, 0))
                    .is_some_and(|v| matches!(v, Data::String(s) if s == label))
            })
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    use calamine::Data;
    for label in [
        "はい",
        "いいえ",
        "方針からの逸脱",
        "スコア",
        "スコアの対象(重み)",
    ] {
        let r = label_row(label);
        for col in [3, 4] {
            assert!(
                matches!(
                    range.get_value((r, col)),
                    Some(Data::Float(_) | Data::Int(_))
                ),
                "{label}: {:?}",
                range.get_value((r, col))
            );
        }
    }
    // The strict policy: 63 of 68 for the PACS, as review says.
    let number = |label: &str| match range.get_value((label_row(label), 3)) {
        Some(Data::Float(f)) => *f,
        other => panic!("{label}: {other:?}"),
    };
    assert_eq!(number("スコア"), 63.0 / 68.0);
    assert_eq!(number("方針からの逸脱"), 3.0);
}

#[test]
fn risk_outputs_label_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("risk.xlsx");
    kaiji()
        .args(["rss", "risk", PROFILE, "--today", "2026-11-27", "-o"])
        .arg(&xlsx)
        .assert()
        .success();
    let range = sheet(&xlsx, "リスクアセスメント");
    let headers: Vec<String> = (0..15)
        .map(|c| range.get_value((3, c)).unwrap().to_string())
        .collect();
    let mut unique = headers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), headers.len(), "{headers:?}");
    // 対応 offers the four treatments as a drop-down over the risk rows.
    let xml = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"<dataValidation type="list""#), "{xml}");
    assert!(xml.contains("K5:K"), "{xml}");
    assert!(xml.contains("低減,回避,移転,受容"), "{xml}");
    // The text output names the Annex A column.
    kaiji()
        .args(["rss", "risk", PROFILE, "--today", "2026-11-27"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[附属書A の管理策]"))
        .stdout(predicate::str::contains("[附属書A: "));
}

#[test]
fn mhlw_workbook_freezes_its_headings() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("mhlw.xlsx");
    kaiji()
        .args([
            "checklist",
            "mhlw",
            INVENTORY,
            "--today",
            "2026-11-27",
            "-o",
        ])
        .arg(&xlsx)
        .assert()
        .code(1);
    let xml = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(
            r#"<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{xml}"
    );
}
