//! The threat catalogue and the review policies are catalogs: listed by `kaiji catalog list`,
//! checked by `kaiji catalog check`, replaced with `--catalog-file`.

use std::path::Path;

use kaiji_test_support::{kaiji, temp_dir};
use predicates::prelude::*;

const PROFILE: &str = "examples/rss/pacs-remote-service.yaml";

/// A threat catalogue of one threat that always applies, as a catalog file with the shipped id.
fn one_threat(control: &str) -> String {
    format!(
        r#"id: rss-threats
kind: threats
version: "1"
revision: "hospital"
title: {{ja: "当院の脅威カタログ", en: "Our threat catalogue"}}
publisher: "hospital"
source: "our own assessment"
confidence: U
threats:
  - id: OUR-T1
    title: {{ja: "保守端末の紛失", en: "Lost maintenance laptop"}}
    asset: {{name: {{ja: "保守端末", en: "maintenance laptop"}}, c: 3, i: 2, a: 1}}
    vulnerability: {{ja: "ディスク暗号化なし", en: "no disk encryption"}}
    threat: 3
    weakness: 3
    impact: 4
    likelihood: 3
    controls: ["{control}"]
    owner: vendor
    treatment: {{ja: "暗号化する", en: "encrypt the disk"}}
"#
    )
}

/// A `strict` policy that accepts every answer, as a catalog file.
const LENIENT_STRICT: &str = r#"id: strict
kind: policy
version: "1"
revision: "hospital"
title: {ja: "当院の方針", en: "Our policy"}
publisher: "hospital"
source: "our own policy"
confidence: U
applies_to: [jahis-mds-sds]
rules:
  - id: anything
    select: {items: ["*"]}
    require: [yes, no, na]
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn json(args: &[&str], code: i32) -> serde_json::Value {
    let out = kaiji().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_threat_catalogue_and_policies_are_listed_with_the_catalogs() {
    let rows = json(&["catalog", "list", "--format", "json"], 0);
    let listed: Vec<(String, String, u64, String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "threats" || r["kind"] == "policy")
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["kind"].as_str().unwrap().to_owned(),
                r["entries"].as_u64().unwrap(),
                r["confidence"].as_str().unwrap().to_owned(),
                r["origin"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("rss-threats@1", "threats", 26, "builtin:threats-rss.yaml"),
        (
            "gl6-baseline@1",
            "policy",
            2,
            "builtin:policy-gl6-baseline.yaml",
        ),
        (
            "gl7-baseline@1",
            "policy",
            3,
            "builtin:policy-gl7-baseline.yaml",
        ),
        (
            "gl7-betsushi@1",
            "policy",
            1,
            "builtin:policy-gl7-betsushi.yaml",
        ),
        ("strict@1", "policy", 2, "builtin:policy-strict.yaml"),
    ]
    .map(|(k, kind, n, o)| (k.into(), kind.into(), n, "U".into(), o.into()));
    assert_eq!(listed, expected);
    kaiji()
        .args(["catalog", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("rss-threats@1"))
        .stdout(predicate::str::contains("脅威カタログ"));
    kaiji()
        .args(["catalog", "show", "rss-threats", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "RSS-T01        Intrusion through a VPN device past its end of support",
        ));
}

#[test]
fn catalog_check_checks_threats_and_policies() {
    let dir = temp_dir();
    // The shipped ones are clean, and counted with the others.
    kaiji()
        .args(["catalog", "check", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 22 catalogs: no problems"));
    // A control that is not an Annex A id, and a scale out of range.
    let threats = write(
        dir.path(),
        "threats.yaml",
        &one_threat("8.99").replace("weakness: 3", "weakness: 7"),
    );
    let rows = json(&["catalog", "check", "--format", "json", &threats], 1);
    let found: Vec<(&str, &str, &str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap(),
                r["origin"].as_str().unwrap(),
                r["catalog"].as_str().unwrap(),
                r["place"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "threat-bad-scale",
                threats.as_str(),
                "rss-threats@hospital",
                "/threats/0/weakness"
            ),
            (
                "threat-unknown-control",
                threats.as_str(),
                "rss-threats@hospital",
                "/threats/0/controls/0"
            ),
        ]
    );
    // A policy is checked as `kaiji policy check` checks it.
    let policy = write(
        dir.path(),
        "policy.yaml",
        &LENIENT_STRICT.replace(r#"items: ["*"]"#, "items: [MDS-C99-99]"),
    );
    kaiji()
        .args(["catalog", "check", "--lang", "en", &policy])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{policy}: strict@hospital: /rules/0/select/items/0: [policy-unknown-item] rule anything: item MDS-C99-99 is in no checklist"
        )));
    // Fields that do not read as a policy: bad input, exit 2, naming the file and field.
    let broken = write(
        dir.path(),
        "broken.yaml",
        &LENIENT_STRICT.replace("[yes, no, na]", "[maybe]"),
    );
    kaiji()
        .args(["catalog", "check", &broken])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.yaml: rules[0].require[0]"));
}

#[test]
fn a_threat_catalogue_loaded_with_catalog_file_replaces_the_shipped_one() {
    let dir = temp_dir();
    let threats = write(dir.path(), "threats.yaml", &one_threat("8.1"));
    let ids = |args: &[&str]| -> Vec<String> {
        json(args, 0)["risks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["threat"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let risk = [
        "rss",
        "risk",
        "--today",
        "2026-11-27",
        "--format",
        "json",
        PROFILE,
    ];
    assert!(ids(&risk).contains(&"RSS-T03".to_owned()));
    let mut replaced = vec!["--catalog-file", threats.as_str()];
    replaced.extend(risk);
    assert_eq!(ids(&replaced), ["OUR-T1"]);
    // The list shows the user's file in the shipped one's place.
    let rows = json(
        &[
            "--catalog-file",
            &threats,
            "catalog",
            "list",
            "--format",
            "json",
        ],
        0,
    );
    let threat_rows: Vec<&serde_json::Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "threats")
        .collect();
    assert_eq!(threat_rows.len(), 1);
    assert_eq!(threat_rows[0]["origin"], threats.as_str());
    assert_eq!(threat_rows[0]["entries"], 1);
    // --threats FILE still takes a file for one run, with or without the catalog header.
    let mut with_file = risk.to_vec();
    with_file.extend(["--threats", threats.as_str()]);
    assert_eq!(ids(&with_file), ["OUR-T1"]);
    let plain = write(
        dir.path(),
        "plain.yaml",
        &format!(
            "confidence: U\n{}",
            &one_threat("8.1")[one_threat("8.1").find("threats:").unwrap()..]
        ),
    );
    let mut with_plain = risk.to_vec();
    with_plain.extend(["--threats", plain.as_str()]);
    assert_eq!(ids(&with_plain), ["OUR-T1"]);
    // The SLA's split of responsibilities is written from the same catalogue.
    let mut sla = vec!["--catalog-file", threats.as_str()];
    sla.extend([
        "rss",
        "sla",
        "--today",
        "2026-11-27",
        "--lang",
        "en",
        PROFILE,
    ]);
    kaiji()
        .args(&sla)
        .assert()
        .stdout(predicate::str::contains("encrypt the disk"));
}

#[test]
fn review_policy_finds_a_policy_by_id_and_catalog_file_replaces_it() {
    let dir = temp_dir();
    let review = [
        "review",
        "--policy",
        "strict",
        "--today",
        "2026-11-27",
        "--format",
        "json",
        "examples/pacs-mds-5.0h.kaiji.json",
    ];
    let shipped = json(&review, 1);
    assert_eq!(
        shipped[0]["score"],
        serde_json::json!({"met": 63, "total": 68})
    );
    let policy = write(dir.path(), "strict.yaml", LENIENT_STRICT);
    let mut replaced = vec!["--catalog-file", policy.as_str()];
    replaced.extend(review);
    let ours = json(&replaced, 0);
    assert_eq!(ours[0]["policy"], "strict");
    assert!(
        ours[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "policy-violation"),
        "{ours}"
    );
    // `policy list` and `policy show` see the replacement; what show prints, --policy FILE reads.
    kaiji()
        .args(["--catalog-file", &policy, "policy", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("strict         当院の方針"));
    let shown = kaiji()
        .args(["--catalog-file", &policy, "policy", "show", "strict"])
        .output()
        .unwrap();
    let shown_text = String::from_utf8(shown.stdout).unwrap();
    assert!(shown_text.contains("id: anything"), "{shown_text}");
    let file = write(dir.path(), "shown.yaml", &shown_text);
    let mut from_file = review.to_vec();
    from_file[2] = &file;
    assert_eq!(json(&from_file, 0)[0]["score"], ours[0]["score"]);
    // A shipped policy file (with its catalog header) is a --policy FILE too.
    let mut shipped_file = review.to_vec();
    shipped_file[2] = "catalogs/policy-strict.yaml";
    assert_eq!(json(&shipped_file, 1)[0]["score"], shipped[0]["score"]);
    // An unknown name lists the loaded policies.
    kaiji()
        .args([
            "review",
            "--policy",
            "nope",
            "examples/pacs-mds-5.0h.kaiji.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gl6-baseline, gl7-baseline, gl7-betsushi, strict",
        ));
}
