//! JSON snapshots of each command's `--format json` output on the shipped examples.
//!
//! Every command runs in a temporary copy of `examples/` with a fixed date (`--today 2026-11-27`)
//! where it takes one, so the output is reproducible; nothing is redacted. Each output must also
//! match its checked-in schema under `schemas/api/` (the shapes of `kaiji_model::api`). Review changes with
//! `INSTA_UPDATE=always cargo test -p kaiji-cli --test snapshots` and `git diff`.

use kaiji_test_support::{TempDir, assert_matches_api_schema, examples_copy, json, kaiji_in};

const TODAY: &str = "2026-11-27";
const DISCLOSURES: [&str; 3] = [
    "examples/cloud-share-sds-5.0h.kaiji.json",
    "examples/pacs-mds-4.1.kaiji.json",
    "examples/pacs-mds-5.0h.kaiji.json",
];
const PROFILE: &str = "examples/rss/pacs-remote-service.yaml";

/// Runs `kaiji ARGS` in `dir`, expects `code`, and parses stdout as JSON (it must parse: nothing
/// else may be printed there).
fn run_json(dir: &TempDir, args: &[&str], code: i32) -> serde_json::Value {
    let out = kaiji_in(dir.path()).args(args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "kaiji {args:?}\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("kaiji {args:?}: not JSON ({e}): {stdout}"))
}

#[test]
fn validate_json() {
    let dir = examples_copy();
    let mut args = vec!["validate", "--format", "json"];
    args.extend(DISCLOSURES);
    args.push("examples/invalid/pacs-mds-draft.kaiji.json");
    let out = run_json(&dir, &args, 1);
    assert_matches_api_schema("validate", &out);
    insta::assert_json_snapshot!("validate", out);
}

#[test]
fn review_json() {
    let dir = examples_copy();
    let mut args = vec!["review", "--today", TODAY, "--format", "json"];
    args.extend(DISCLOSURES);
    let out = run_json(&dir, &args, 0);
    assert_matches_api_schema("review", &out);
    insta::assert_json_snapshot!("review", out);
}

#[test]
fn review_strict_json() {
    let dir = examples_copy();
    let args = [
        "review",
        "--today",
        TODAY,
        "--policy",
        "strict",
        "--format",
        "json",
        "examples/pacs-mds-5.0h.kaiji.json",
    ];
    let out = run_json(&dir, &args, 1);
    assert_matches_api_schema("review", &out);
    insta::assert_json_snapshot!("review-strict", out);
}

#[test]
fn compare_json() {
    let dir = examples_copy();
    let mut args = vec!["compare", "--today", TODAY, "--format", "json"];
    args.extend(DISCLOSURES);
    let out = run_json(&dir, &args, 0);
    assert_matches_api_schema("compare", &out);
    insta::assert_json_snapshot!("compare", out);
}

#[test]
fn diff_json() {
    let dir = examples_copy();
    let args = [
        "diff",
        "--format",
        "json",
        "examples/pacs-mds-4.1.kaiji.json",
        "examples/pacs-mds-5.0h.kaiji.json",
    ];
    // Something regressed between the two releases: exit 1.
    let out = run_json(&dir, &args, 1);
    assert_matches_api_schema("diff", &out);
    insta::assert_json_snapshot!("diff", out);
}

#[test]
fn migrate_json_and_the_migrated_document() {
    let dir = examples_copy();
    let args = [
        "migrate",
        "--format",
        "json",
        "examples/pacs-mds-4.1.kaiji.json",
        "--to",
        "jahis-mds-sds@5.0",
        "-o",
        "migrated.kaiji.json",
    ];
    let out = run_json(&dir, &args, 0);
    assert_matches_api_schema("migrate", &out);
    insta::assert_json_snapshot!("migrate", out);
    insta::assert_json_snapshot!(
        "migrate-document",
        json(dir.path().join("migrated.kaiji.json"))
    );
}

#[test]
fn checklist_mhlw_json() {
    let dir = examples_copy();
    let args = [
        "checklist",
        "mhlw",
        "--today",
        TODAY,
        "--format",
        "json",
        "examples/hospital/inventory.yaml",
    ];
    // Lines still いいえ in the example hospital: exit 1.
    let out = run_json(&dir, &args, 1);
    assert_matches_api_schema("checklist-mhlw", &out);
    insta::assert_json_snapshot!("checklist-mhlw", out);
    // The superseded R7 edition, on request.
    let mut r7 = args.to_vec();
    r7.extend(["--edition", "R7"]);
    let out = run_json(&dir, &r7, 1);
    assert_matches_api_schema("checklist-mhlw", &out);
    insta::assert_json_snapshot!("checklist-mhlw-r7", out);
}

#[test]
fn betsushi_json() {
    let dir = examples_copy();
    let args = [
        "betsushi",
        "--today",
        TODAY,
        "--format",
        "json",
        "--risk-record",
        "examples/betsushi/risk-record.yaml",
        "examples/betsushi/pacs-mds-9.3.kaiji.json",
        "examples/betsushi/cloud-share-sds.kaiji.json",
    ];
    // BS-SDS-26 of the cloud SDS has no record yet: exit 1.
    let out = run_json(&dir, &args, 1);
    assert_matches_api_schema("betsushi", &out);
    insta::assert_json_snapshot!("betsushi", out);
}

#[test]
fn rss_risk_json() {
    let dir = examples_copy();
    let args = ["rss", "risk", "--today", TODAY, "--format", "json", PROFILE];
    let out = run_json(&dir, &args, 0);
    assert_matches_api_schema("rss-risk", &out);
    insta::assert_json_snapshot!("rss-risk", out);
}

#[test]
fn rss_check_json() {
    let dir = examples_copy();
    let args = [
        "rss",
        "check",
        "--today",
        TODAY,
        "--format",
        "json",
        PROFILE,
        "--advisories",
        "examples/rss/advisories/kev-sample.json",
    ];
    // The KEV sample names the example's VPN router: an error finding, exit 1.
    let out = run_json(&dir, &args, 1);
    assert_matches_api_schema("rss-check", &out);
    insta::assert_json_snapshot!("rss-check", out);
}

#[test]
fn rss_sds_document() {
    let dir = examples_copy();
    // `rss sds` writes the disclosure itself; its JSON is the snapshot.
    let out = kaiji_in(dir.path())
        .args([
            "rss",
            "sds",
            "--today",
            TODAY,
            PROFILE,
            "-o",
            "rss-sds.kaiji.json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_json_snapshot!("rss-sds", json(dir.path().join("rss-sds.kaiji.json")));
}

#[test]
fn rss_sla_json() {
    let dir = examples_copy();
    let args = [
        "rss",
        "sla",
        "--today",
        TODAY,
        "--format",
        "json",
        PROFILE,
        "--terms",
        "examples/rss/sla-terms.yaml",
    ];
    // The example terms leave one term to agree: exit 1.
    let out = run_json(&dir, &args, 1);
    assert_matches_api_schema("rss-sla", &out);
    insta::assert_json_snapshot!("rss-sla", out);
}

#[test]
fn import_json_matches_its_schema() {
    let dir = examples_copy();
    // The inbox of five workbooks, and a file that is not a workbook: every status appears.
    let args = [
        "import",
        "--format",
        "json",
        "examples/inbox",
        "examples/pacs-mds-5.0h.kaiji.json",
        "--out-dir",
        "out",
    ];
    let out = run_json(&dir, &args, 2);
    assert_matches_api_schema("import", &out);
    let statuses: std::collections::BTreeSet<&str> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["error", "findings", "ok"].into());
}
