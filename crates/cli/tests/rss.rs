//! `kaiji rss risk` through the real binary.

use kaiji_test_support::{kaiji, root};
use predicates::prelude::*;

const PROFILE: &str = "examples/rss/pacs-remote-service.yaml";

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

#[test]
fn rss_sds_is_generated_and_validated_by_the_rss_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rss.kaiji.json");
    kaiji()
        .args(["rss", "sds", PROFILE, "--today", "2026-11-27", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("58 項目: 非該当 9、要回答 44"));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["kind"], "rss-sds");
    assert_eq!(doc["subject"]["product"], "SampleView リモート保守サービス");
    assert_eq!(doc["answers"]["SDS-C13-04"]["answer"], "yes");
    // Validation applies the RSS rules: break rule 2 and see it named.
    let mut broken = doc;
    let unrelated = broken["answers"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, e)| e["answer"] == "na")
        .map(|(id, _)| id.clone())
        .unwrap();
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
    kaiji()
        .args(["rss", "sds", PROFILE, "--today", "2026-11-27", "-o"])
        .arg(&xlsx)
        .assert()
        .success();
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
        .stdout(predicate::str::contains("未合意の条件: period"))
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
