//! `kaiji rss risk` through the real binary.

use assert_cmd::Command;
use kaiji_test_support::{kaiji, root};
use predicates::prelude::*;

const PROFILE: &str = "examples/rss/pacs-remote-service.yaml";

/// `kaiji rss sds` of the example profile, dated 2026-11-27, written to `out`.
fn rss_sds(out: &std::path::Path) -> assert_cmd::assert::Assert {
    kaiji()
        .args(["rss", "sds", PROFILE, "--today", "2026-11-27", "-o"])
        .arg(out)
        .assert()
}

/// The first item an RSS SDS answers 該当なし (an item unrelated to the remote service).
fn first_not_applicable(doc: &serde_json::Value) -> String {
    doc["answers"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, e)| e["answer"] == "na")
        .map(|(id, _)| id.clone())
        .unwrap()
}

#[test]
fn risk_register_of_the_example_service() {
    kaiji()
        .args(["rss", "risk", PROFILE, "--today", "2026-11-27"])
        .assert()
        .success()
        .stdout(predicate::str::contains("RSS-T03 18 →  9 低減"))
        .stdout(predicate::str::contains("8 件中 1 件が受容基準以上"));
    // The other formula and a stricter threshold.
    kaiji()
        .args([
            "rss",
            "risk",
            PROFILE,
            "--today",
            "2026-11-27",
            "--formula",
            "impact-likelihood",
            "--threshold",
            "12",
            "--lang",
            "en",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("RSS-T03 20 →  5 reduce"))
        .stdout(predicate::str::contains("threshold 12"));
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("risk.xlsx");
    kaiji()
        .args(["rss", "risk", PROFILE, "--today", "2026-11-27", "-o"])
        .arg(&xlsx)
        .assert()
        .success();
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let range = book.worksheet_range("リスクアセスメント").unwrap();
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        (cell(3, 9), cell(3, 14)),
        ("リスク値".into(), "残存リスク".into())
    );
    assert_eq!(
        (cell(4, 0), cell(4, 9), cell(4, 10)),
        ("RSS-T03".into(), "18".into(), "低減".into())
    );
    let pdf = dir.path().join("risk.pdf");
    kaiji()
        .args(["rss", "risk", PROFILE, "--today", "2026-11-27", "-o"])
        .arg(&pdf)
        .assert()
        .success();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn a_bad_profile_names_the_field_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(root().join(PROFILE))
        .unwrap()
        .replace("mode: on-demand", "mode: sometimes");
    std::fs::write(&bad, text).unwrap();
    kaiji()
        .args(["rss", "risk", "--lang", "en"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml line 25 column 9"))
        .stderr(predicate::str::contains("connection.mode"));
    kaiji()
        .args(["schema", "profile"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kaiji remote service profile"));
}

#[test]
fn connection_check_flags_the_router_in_the_kev_sample() {
    kaiji()
        .args(["rss", "check", PROFILE, "--today", "2026-11-27"])
        .args(["--advisories", "examples/rss/advisories/kev-sample.json"])
        .args(["--advisories", "examples/rss/advisories/osv-sample.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "/devices/0/firmware: エラー[rss-known-vulnerable]: Sample Networks SN-VPN 200 4.2.1",
        ))
        .stdout(predicate::str::contains("CVE-2099-0001"));
    // Without advisories the example service has nothing to report.
    kaiji()
        .args(["rss", "check", PROFILE, "--today", "2026-11-27"])
        .assert()
        .success()
        .stdout(predicate::str::contains("問題はありません"));
    // A file that is neither KEV nor OSV is a clear error.
    kaiji()
        .args([
            "rss",
            "check",
            PROFILE,
            "--advisories",
            "examples/pacs-mds-5.0h.kaiji.json",
            "--lang",
            "en",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pacs-mds-5.0h.kaiji.json: neither a CISA KEV catalogue",
        ));
}

/// `--advisories` takes several paths after it, and directories: every `*.json` below one.
#[test]
fn advisories_come_from_several_files_and_directories() {
    let check = || {
        let mut cmd = kaiji();
        cmd.args([
            "rss",
            "check",
            PROFILE,
            "--today",
            "2026-11-27",
            "--format",
            "json",
        ]);
        cmd
    };
    let findings = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"]["en"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // Two files after one --advisories: both are advisories, the profile stays the profile.
    let two = findings(check().args([
        "--advisories",
        "examples/rss/advisories/kev-sample.json",
        "examples/rss/advisories/osv-sample.json",
    ]));
    assert!(two.iter().any(|m| m.contains("CVE-2099-0001")), "{two:?}");
    // The directory of both gives the same findings, as does --advisories repeated.
    let dir = findings(check().args(["--advisories", "examples/rss/advisories"]));
    assert_eq!(dir, two);
    let repeated = findings(
        check()
            .args(["--advisories", "examples/rss/advisories/kev-sample.json"])
            .args(["--advisories", "examples/rss/advisories/osv-sample.json"]),
    );
    assert_eq!(repeated, two);

    // Directories nest, are read in path order, and a file named twice is read once.
    let tmp = tempfile::tempdir().unwrap();
    let nested = tmp.path().join("feeds/osv");
    std::fs::create_dir_all(&nested).unwrap();
    let kev = root().join("examples/rss/advisories/kev-sample.json");
    std::fs::copy(&kev, tmp.path().join("feeds/kev.json")).unwrap();
    let other = std::fs::read_to_string(&kev)
        .unwrap()
        .replace("CVE-2099-0001", "CVE-2099-0101");
    std::fs::write(nested.join("b.JSON"), other).unwrap();
    std::fs::write(nested.join("notes.txt"), "not read").unwrap();
    let found = findings(
        check()
            .args(["--advisories"])
            .arg(tmp.path().join("feeds"))
            .arg(tmp.path().join("feeds/kev.json")),
    );
    let ids: Vec<&str> = found
        .iter()
        .filter_map(|m| {
            ["CVE-2099-0001", "CVE-2099-0101"]
                .into_iter()
                .find(|id| m.contains(id))
        })
        .collect();
    assert_eq!(ids, ["CVE-2099-0001", "CVE-2099-0101"], "{found:?}");

    // A file in the directory that is neither KEV nor OSV: exit 2, naming that file.
    std::fs::write(
        nested.join("a-profile.json"),
        r#"{"service": {"name": "x"}}"#,
    )
    .unwrap();
    kaiji()
        .args(["rss", "check", PROFILE, "--lang", "en", "--advisories"])
        .arg(tmp.path().join("feeds"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "a-profile.json: neither a CISA KEV catalogue",
        ));
    kaiji()
        .args(["rss", "check", PROFILE, "--advisories"])
        .arg(tmp.path().join("feeds"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a-profile.json: CISA KEV カタログ(vulnerabilities)でも OSV レコード(affected)でもありません",
        ));
    // A directory without any *.json is named too.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    kaiji()
        .args(["rss", "check", PROFILE, "--lang", "en", "--advisories"])
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no advisory *.json files"));
    // A profile put after --advisories is read as an advisory, and the error says so.
    kaiji()
        .args(["rss", "check", PROFILE, "--lang", "en"])
        .args(["--advisories", "examples/rss/advisories", PROFILE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pacs-remote-service.yaml: JSON 1:1",
        ))
        .stderr(predicate::str::contains(
            "every value after --advisories is read as an advisory file",
        ));
    kaiji()
        .args([
            "rss",
            "check",
            "--advisories",
            "examples/rss/advisories",
            PROFILE,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<PROFILE.yaml>"));
}

#[test]
fn rss_sds_is_generated_and_validated_by_the_rss_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rss.kaiji.json");
    rss_sds(&out)
        .success()
        .stdout(predicate::str::contains("58 項目: 非該当 9、要回答 44"));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["kind"], "rss-sds");
    assert_eq!(doc["subject"]["product"], "SampleView リモート保守サービス");
    assert_eq!(doc["answers"]["SDS-C13-04"]["answer"], "yes");
    // Validation applies the RSS rules: break rule 2 and see it named.
    let mut broken = doc;
    let unrelated = first_not_applicable(&broken);
    broken["answers"][&unrelated]["answer"] = "yes".into();
    let path = dir.path().join("broken.kaiji.json");
    std::fs::write(&path, serde_json::to_string(&broken).unwrap()).unwrap();
    kaiji()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "[rss-unrelated-answered]: 項目 {unrelated}"
        )));
    // As a workbook in kaiji's layout.
    let xlsx = dir.path().join("rss.xlsx");
    rss_sds(&xlsx).success();
    kaiji()
        .args(["import", "--force", "-o"])
        .arg(dir.path().join("back.kaiji.json"))
        .arg(&xlsx)
        .assert()
        .code(1);
}

#[test]
fn sla_in_markdown_and_pdf_with_missing_terms_reported() {
    kaiji()
        .args([
            "rss",
            "sla",
            PROFILE,
            "--terms",
            "examples/rss/sla-terms.yaml",
            "--today",
            "2026-11-27",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("# リモート保守サービス SLA"))
        .stdout(predicate::str::contains("未合意の条件: 契約期間 (period)"))
        .stdout(predicate::str::contains("| 対策 | 事業者 | 医療機関等 |"));
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("terms.yaml");
    let mut terms = std::fs::read_to_string(root().join("examples/rss/sla-terms.yaml")).unwrap();
    terms.push_str("period: 2027-04-01 から 1 年間\n");
    std::fs::write(&full, terms).unwrap();
    let pdf = dir.path().join("sla.pdf");
    kaiji()
        .args(["rss", "sla", PROFILE, "--today", "2026-11-27", "--terms"])
        .arg(&full)
        .arg("-o")
        .arg(&pdf)
        .assert()
        .success();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

/// The RSS rules are part of validation itself: `validate`, `import` (of the same document as a
/// workbook) and `review` name the same `rss-*` findings for the same RSS SDS.
#[test]
fn validate_import_and_review_give_the_same_rss_findings() {
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("rss.kaiji.json");
    rss_sds(&generated).success();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&generated).unwrap()).unwrap();
    // Break rule 2 (an unrelated item answered) and the relevant-na rule.
    let unrelated = first_not_applicable(&doc);
    doc["answers"][&unrelated]["answer"] = "yes".into();
    doc["answers"]["SDS-C13-04"]["answer"] = "na".into();
    let broken = dir.path().join("broken.kaiji.json");
    std::fs::write(&broken, serde_json::to_string(&doc).unwrap()).unwrap();
    let workbook = dir.path().join("broken.xlsx");
    kaiji()
        .arg("export")
        .arg(&broken)
        .arg("-o")
        .arg(&workbook)
        .assert()
        .success();

    let json = |args: &[&std::ffi::OsStr]| -> serde_json::Value {
        let out = kaiji()
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let rss = |findings: &serde_json::Value| -> Vec<(String, String)> {
        let mut v: Vec<_> = findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"].as_str().unwrap().starts_with("rss-"))
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_owned(),
                    f["item"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let validated = json(&["validate".as_ref(), broken.as_os_str()]);
    let imported = json(&[
        "import".as_ref(),
        workbook.as_os_str(),
        "-o".as_ref(),
        dir.path().join("back.kaiji.json").as_os_str(),
    ]);
    let reviewed = json(&["review".as_ref(), broken.as_os_str()]);
    let from_validate = rss(&validated[0]["findings"]);
    assert!(from_validate.contains(&("rss-unrelated-answered".into(), unrelated)));
    assert!(from_validate.contains(&("rss-relevant-na".into(), "SDS-C13-04".into())));
    assert_eq!(rss(&imported[0]["documents"][0]["findings"]), from_validate);
    assert_eq!(rss(&reviewed[0]["findings"]), from_validate);
}

#[test]
fn a_threshold_off_the_scale_is_warned_about_on_stderr() {
    kaiji()
        .args(["rss", "risk", PROFILE, "--today", "2026-11-27", "--threshold", "999"])
        .assert()
        .success()
        .stdout(predicate::str::contains("8 件中 0 件が受容基準以上"))
        .stderr(predicate::str::contains(
            "kaiji: 警告: 受容基準 999 は算定式 asset-threat-vulnerability の最大値 27 を超えています",
        ));
    let out = kaiji()
        .args([
            "rss",
            "risk",
            PROFILE,
            "--today",
            "2026-11-27",
            "--lang",
            "en",
        ])
        .args([
            "--formula",
            "impact-likelihood",
            "--threshold",
            "0",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "kaiji: warning: the threshold 0 is below the minimum 1",
        ))
        .get_output()
        .clone();
    // The JSON on stdout stays clean.
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    kaiji()
        .args([
            "rss",
            "risk",
            PROFILE,
            "--today",
            "2026-11-27",
            "--threshold",
            "27",
        ])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

/// An SLA written to standard output still says which terms are not agreed: on standard error.
#[test]
fn sla_on_stdout_names_the_unagreed_terms_on_stderr() {
    kaiji()
        .args([
            "rss",
            "sla",
            PROFILE,
            "--terms",
            "examples/rss/sla-terms.yaml",
            "--format",
            "md",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("未合意の条件があります").not())
        .stderr(predicate::str::contains(
            "未合意の条件があります: 契約期間 (period)",
        ));
}
