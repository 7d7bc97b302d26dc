//! Tests of the real `kaiji` binary against the shipped examples and fixtures.

use kaiji_test_support::{example_disclosures as examples, json, kaiji, kaiji_bin, root};
use predicates::prelude::*;

#[test]
fn every_example_validates_clean() {
    let files = examples();
    assert!(files.len() >= 3, "{files:?}");
    kaiji()
        .arg("validate")
        .args(&files)
        .assert()
        .success()
        .stdout(predicate::str::contains("問題はありません").count(files.len()));
}

#[test]
fn the_draft_reports_each_problem_with_code_and_pointer() {
    let out = kaiji()
        .args(["validate", "examples/invalid/pacs-mds-draft.kaiji.json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for expected in [
        "/subject/date: エラー[bad-date]",
        "/subject/contact: エラー[missing-subject-field]",
        "/answers/MDS-C08-01/answer: エラー[invalid-answer]",
        "/answers/SDS-C10-06/answer: エラー[rule-violated]",
        "/answers/MDS-C14-02/remark: エラー[remark-required]",
        "/answers/MDS-C16-01: エラー[missing-answer]",
        "/answers/MDS-C99-01: 警告[unknown-item]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    insta::assert_snapshot!("draft-findings", text);
}

#[test]
fn json_output_in_english() {
    let out = kaiji()
        .args([
            "--lang",
            "en",
            "validate",
            "--format",
            "json",
            "examples/invalid/pacs-mds-draft.kaiji.json",
            "examples/pacs-mds-5.0h.kaiji.json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let reports: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(reports[0]["status"], "findings");
    assert_eq!(reports[1]["status"], "ok");
    let first = &reports[0]["findings"][0];
    assert_eq!(first["code"], "bad-date");
    assert_eq!(first["location"]["pointer"], "/subject/date");
    assert!(
        first["message"]["en"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD")
    );
}

#[test]
fn deny_level_decides_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warn-only.kaiji.json");
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/pacs-mds-5.0h.kaiji.json")).unwrap(),
    )
    .unwrap();
    doc["answers"]["VENDOR-EXTRA-1"] = serde_json::json!({"answer": "yes", "remark": ""});
    std::fs::write(&path, doc.to_string()).unwrap();
    kaiji().arg("validate").arg(&path).assert().success();
    kaiji()
        .args(["validate", "--deny", "warning"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[unknown-item]"));
}

#[test]
fn malformed_json_exits_2_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.kaiji.json");
    std::fs::write(
        &path,
        "{\n  \"kind\": \"mds\",\n  \"catalog\": {\"id\": \"jahis-mds-sds\",, }\n}\n",
    )
    .unwrap();
    kaiji()
        .arg("validate")
        .arg(&path)
        .arg("examples/pacs-mds-5.0h.kaiji.json")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("broken.kaiji.json"))
        .stdout(predicate::str::contains("3行"))
        .stdout(predicate::str::contains(
            "pacs-mds-5.0h.kaiji.json: 問題はありません",
        ))
        .stderr(predicate::str::contains(
            "1 件のファイルを読み込めませんでした",
        ));
}

#[test]
fn missing_file_exits_2_naming_the_path() {
    kaiji()
        .args(["validate", "no/such/file.kaiji.json"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("no/such/file.kaiji.json"))
        .stdout(predicate::str::contains("ファイルがありません"));
    kaiji()
        .args(["--lang", "en", "validate", "no/such/file.kaiji.json"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("cannot read"));
}

#[test]
fn binary_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.kaiji.json");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x7b]).unwrap();
    kaiji()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("UTF-8"));
}

#[test]
fn usage_errors_exit_2() {
    kaiji().args(["validate"]).assert().code(2);
    kaiji().args(["frobnicate"]).assert().code(2);
    kaiji()
        .args(["--lang", "fr", "catalog", "list"])
        .assert()
        .code(2);
}

#[test]
fn catalog_list_shows_the_shipped_catalogs() {
    let assert = kaiji().args(["catalog", "list"]).assert().success();
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for key in [
        "jahis-mds-sds@5.0h",
        "jahis-mds-sds@4.1",
        "jira-rss-sds@4.1-rev1",
        "mhlw-gl@6.0",
        "mhlw-cyber-checklist@R7",
        "mhlw-cyber-checklist@R8",
        "iso27001-annex-a@2022",
        "jahis-mds-sds-4.1-5.0h@1",
    ] {
        assert!(text.contains(key), "{key} not listed");
    }
    // The edition, the confidence mix and the superseded editions (issue 11 item 6).
    let row = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no row {key}"))
            .to_owned()
    };
    let gl6 = row("mhlw-gl@6.0");
    assert!(gl6.contains("V 82 / D 27 / I 15 / U 1"), "{gl6}");
    assert!(
        gl6.contains("[mhlw-gl@7.0 に置き換え済み・引き続き使用可]"),
        "{gl6}"
    );
    let r7 = row("mhlw-cyber-checklist@R7");
    assert!(
        r7.contains("令和7年度") && r7.contains("mhlw-cyber-checklist@R8 に置き換え済み"),
        "{r7}"
    );
    let r8 = row("mhlw-cyber-checklist@R8");
    assert!(
        r8.contains("令和8年度") && !r8.contains("置き換え済み"),
        "{r8}"
    );
    let en = kaiji()
        .args(["--lang", "en", "catalog", "list"])
        .output()
        .unwrap();
    let en = String::from_utf8(en.stdout).unwrap();
    assert!(en.contains("entries by confidence"), "{en}");
    assert!(
        en.contains("[superseded by mhlw-cyber-checklist@R8; still usable]"),
        "{en}"
    );
}

#[test]
fn catalog_check_passes_on_shipped_data_and_fails_on_broken_files() {
    kaiji()
        .args(["catalog", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("問題はありません"));
    kaiji()
        .args([
            "catalog",
            "check",
            "crates/catalog/tests/fixtures/broken-checklist.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("B-404"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "id: x\nkind: checklist\nversion: '1'\nrevision: '1'\ntitle: {ja: a, en: a}\npublisher: p\nsource: s\nconfidence: Q\nforms: [mds]\nsections: []\n").unwrap();
    kaiji()
        .args(["catalog", "check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml 8行"));
}

#[test]
fn catalog_show_item_in_both_languages() {
    kaiji()
        .args([
            "catalog",
            "show",
            "jahis-mds-sds@5.0",
            "--item",
            "SDS-C13-01",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("mhlw-gl@6.0"))
        .stdout(predicate::str::contains("通信方式 はい"));
    kaiji()
        .args([
            "--lang",
            "en",
            "catalog",
            "show",
            "jahis-mds-sds",
            "--item",
            "SDS-C13-01",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"communication_method\": true"));
    kaiji()
        .args(["catalog", "show", "jahis-mds-sds@5.0h", "--item", "NOPE"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NOPE"));
    kaiji()
        .args(["catalog", "show", "no-such-catalog"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("jahis-mds-sds@5.0h"));
}

#[test]
fn new_writes_a_skeleton_that_validate_completes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.kaiji.json");
    kaiji()
        .args([
            "new",
            "sds",
            "--catalog",
            "jahis-mds-sds@5.0h",
            "--organisation",
            "株式会社テスト",
            "--product",
            "テストクラウド",
            "--product-version",
            "1.0",
            "--date",
            "2026-04-01",
            "--contact",
            "security@example.jp",
            "-o",
        ])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("58 項目"));
    let doc = json(&path);
    assert_eq!(doc["kind"], "sds");
    assert_eq!(doc["catalog"]["revision"], "5.0h");
    assert_eq!(doc["answers"].as_object().unwrap().len(), 58);
    kaiji()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[missing-answer]"))
        .stdout(predicate::str::contains("[missing-subject-field]").not());
    // Never overwrites by accident.
    kaiji()
        .args(["new", "sds", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    kaiji()
        .args(["new", "mds", "--date", "2026-02-30", "-o"])
        .arg(dir.path().join("x.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--date"));
}

#[test]
fn explain_describes_codes() {
    kaiji()
        .args(["explain", "remark-required"])
        .assert()
        .success()
        .stdout(predicate::str::contains("備考"));
    kaiji()
        .args(["--lang", "en", "explain", "missing-answer"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no answer"));
    kaiji()
        .args(["explain", "no-such-code"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing-answer"));
}

#[test]
fn explain_lists_every_code_and_the_readme_names_them() {
    let out = kaiji().arg("explain").output().unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let codes: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(codes.len() >= 16, "{listing}");
    for code in codes {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README does not name {code}"
        );
    }
}

#[test]
fn schema_command_prints_the_checked_in_schema() {
    let checked_in =
        std::fs::read_to_string(root().join("schemas/disclosure.schema.json")).unwrap();
    kaiji().arg("schema").assert().success().stdout(checked_in);
}

/// The table of shipped catalogs, as `kaiji catalog list --format json` gives them: edition,
/// entries, confidence and the count at each confidence, superseded editions marked.
fn catalog_table() -> String {
    let out = kaiji()
        .args(["catalog", "list", "--format", "json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut table = String::from(
        "| catalog | kind | edition | entries | confidence | entries by confidence (V / D / I / U) | title |\n|---|---|---|---|---|---|---|\n",
    );
    for r in rows.as_array().unwrap() {
        let counts = &r["confidence_counts"];
        let mix: Vec<String> = ["V", "D", "I", "U"]
            .iter()
            .filter(|m| counts[**m].as_u64().unwrap() > 0)
            .map(|m| format!("{m} {}", counts[*m]))
            .collect();
        let superseded = r["superseded_by"]
            .as_str()
            .map(|newer| format!(" — superseded by `{newer}` (still usable)"))
            .unwrap_or_default();
        table.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {}{superseded} |\n",
            r["key"].as_str().unwrap(),
            r["kind"].as_str().unwrap(),
            r["version"].as_str().unwrap(),
            r["entries"],
            r["confidence"].as_str().unwrap(),
            mix.join(" / "),
            r["title"].as_str().unwrap(),
        ));
    }
    table
}

/// The README and the manual list every shipped catalog exactly as `kaiji catalog list` does
/// (between `<!-- catalogs -->` and `<!-- /catalogs -->`).
/// `KAIJI_BLESS=1 cargo test -p kaiji-cli --test cli catalog_tables` rewrites them.
#[test]
fn catalog_tables_match_catalog_list() {
    let table = catalog_table();
    assert!(table.contains("`mhlw-cyber-checklist@R8`"), "{table}");
    assert!(
        table.contains("superseded by `mhlw-cyber-checklist@R8` (still usable)"),
        "{table}"
    );
    for file in ["README.md", "docs/manual.md"] {
        let path = root().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let (before, rest) = text
            .split_once("<!-- catalogs -->\n")
            .unwrap_or_else(|| panic!("{file} has no <!-- catalogs --> table"));
        let (current, after) = rest.split_once("<!-- /catalogs -->").unwrap();
        if std::env::var_os("KAIJI_BLESS").is_some() {
            std::fs::write(
                &path,
                format!("{before}<!-- catalogs -->\n{table}<!-- /catalogs -->{after}"),
            )
            .unwrap();
            continue;
        }
        assert_eq!(
            current, table,
            "{file}: the catalog table differs from `kaiji catalog list`: run `KAIJI_BLESS=1 cargo test -p kaiji-cli --test cli catalog_tables`"
        );
    }
}

/// The README's `$ kaiji … --help` blocks are the real help output.
/// `KAIJI_BLESS=1 cargo test -p kaiji-cli --test cli readme` rewrites them.
#[test]
fn readme_usage_is_current() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let mut updated = Vec::new();
    let mut stale = Vec::new();
    let mut checked = 0;
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        updated.push(line.to_owned());
        let Some(command) = line.strip_prefix("$ kaiji ") else {
            continue;
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let args: Vec<&str> = command.split_whitespace().collect();
        let out = kaiji().args(&args).output().unwrap();
        let actual = String::from_utf8(out.stdout).unwrap();
        if block.join("\n").trim_end() != actual.trim_end() {
            stale.push(command.to_owned());
        }
        updated.extend(actual.trim_end().lines().map(str::to_owned));
        updated.push("```".to_owned());
        checked += 1;
    }
    if std::env::var_os("KAIJI_BLESS").is_some() {
        std::fs::write(&path, updated.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "README usage blocks are stale for {stale:?}: run `KAIJI_BLESS=1 cargo test -p kaiji-cli --test cli readme`"
    );
    assert!(checked >= 4, "expected the usage blocks in README.md");
}

/// The README's first lines give the run and test commands; both hold, and CI runs the latter.
#[test]
fn readme_commands_are_true() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first: Vec<&str> = readme.lines().take(6).collect();
    let run = first
        .iter()
        .find(|l| l.starts_with("cargo run"))
        .expect("run command in the first lines");
    let test = first
        .iter()
        .find(|l| l.starts_with("cargo test"))
        .expect("test command in the first lines");
    let test_cmd = test.split('#').next().unwrap().trim();
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == test_cmd),
        ".ci/run must run `{test_cmd}`"
    );
    // The run command's arguments after `--`, with the shell glob expanded.
    let args = run.split('#').next().unwrap().split(" -- ").nth(1).unwrap();
    if let Some(rest) = args.trim().strip_prefix("serve") {
        // The server runs until stopped: started in a fresh directory on a free port, it must print its
        // address (and, with --demo, the logins; tests/server.rs logs in with one).
        let dir = kaiji_test_support::TempDir::new().unwrap();
        let words: Vec<&str> = rest.split_whitespace().collect();
        let served = kaiji_test_support::serve::Served::start(dir.path(), &words);
        assert!(!served.addr.is_empty(), "{:?}", served.lines);
        if words.contains(&"--demo") {
            assert_eq!(served.logins().len(), 16, "{:?}", served.lines);
        }
        return;
    }
    let mut expanded = Vec::new();
    for word in args.split_whitespace() {
        if word == "examples/*.kaiji.json" {
            expanded.extend(examples());
        } else {
            expanded.push(word.to_owned());
        }
    }
    kaiji().args(&expanded).assert().success();
}

/// The README shows what validating the draft prints; it must be what kaiji prints.
#[test]
fn readme_sample_output_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let out = kaiji()
        .args(["validate", "examples/invalid/pacs-mds-draft.kaiji.json"])
        .output()
        .unwrap();
    let actual = String::from_utf8(out.stdout).unwrap();
    assert!(
        readme.contains(actual.trim_end()),
        "README sample output is stale"
    );
}

/// One document with one of each problem, against a checklist loaded with --catalog-file.
#[test]
fn one_of_each_problem_with_an_extra_catalog() {
    let assert = kaiji()
        .args([
            "--catalog-file",
            "crates/model/tests/fixtures/mini-checklist.yaml",
            "validate",
            "crates/model/tests/fixtures/one-of-each.kaiji.json",
        ])
        .assert()
        .code(1);
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for (code, place) in [
        ("bad-date", "/subject/date"),
        ("missing-subject-field", "/subject/contact"),
        ("remark-required", "/answers/A-1/remark"),
        ("invalid-answer", "/answers/A-2/answer"),
        ("item-not-in-form", "/answers/A-3"),
        ("rule-violated", "/answers/A-4/answer"),
        ("missing-answer", "/answers/A-5"),
        ("invalid-field", "/answers/A-6/evidence"),
        ("unknown-item", "/answers/Z-9"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("{place}: ")) && l.contains(&format!("[{code}]"))),
            "{code} at {place} missing in\n{text}"
        );
    }
    // Without the extra catalog the document's checklist is unknown.
    kaiji()
        .args([
            "validate",
            "crates/model/tests/fixtures/one-of-each.kaiji.json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "/catalog: エラー[unknown-catalog]",
        ));
}

#[test]
fn rss_sds_skeleton_answers_unrelated_items_not_applicable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rss.kaiji.json");
    kaiji()
        .args([
            "new",
            "rss-sds",
            "--catalog",
            "jahis-mds-sds@5.0h",
            "--date",
            "2026-04-01",
            "-o",
        ])
        .arg(&path)
        .assert()
        .success();
    let doc = json(&path);
    let answers = doc["answers"].as_object().unwrap();
    assert_eq!(answers.len(), 58, "every SDS item is there");
    // Relevant items (the overlay's) are left to answer; the rest are 該当なし.
    assert_eq!(answers["SDS-C13-01"]["answer"], serde_json::Value::Null);
    assert_eq!(answers["SDS-C05-01"]["answer"], "na");
    let na = answers.values().filter(|a| a["answer"] == "na").count();
    assert_eq!(
        na,
        58 - 49,
        "49 items are marked RSS-relevant in the 5.0h overlay"
    );
    // Overwriting needs --force, and then works.
    kaiji()
        .args(["new", "sds", "--date", "2026-04-01", "-o"])
        .arg(&path)
        .assert()
        .code(2);
    kaiji()
        .args(["new", "sds", "--date", "2026-04-01", "--force", "-o"])
        .arg(&path)
        .assert()
        .success();
    let doc = json(&path);
    assert_eq!(doc["kind"], "sds");
    // No temporary files are left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn new_refuses_what_cannot_be_a_disclosure() {
    let dir = tempfile::tempdir().unwrap();
    kaiji()
        .args(["new", "mds", "--catalog", "mhlw-gl@6.0", "-o"])
        .arg(dir.path().join("a.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("チェックリストではありません"));
    kaiji()
        .args([
            "new",
            "rss-sds",
            "--catalog",
            "test-list@1",
            "--catalog-file",
        ])
        .arg(root().join("crates/model/tests/fixtures/mini-checklist.yaml"))
        .arg("-o")
        .arg(dir.path().join("b.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RSS"));
}

#[test]
fn catalog_outputs_in_json_and_for_every_kind() {
    let out = kaiji()
        .args(["catalog", "list", "--format", "json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.as_array().unwrap().len() >= 10);
    kaiji_test_support::assert_matches_api_schema("catalog-list", &rows);
    let mds = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "jahis-mds-sds@5.0h")
        .unwrap();
    assert_eq!(
        (&mds["id"], &mds["kind"], &mds["revision"], &mds["origin"]),
        (
            &serde_json::json!("jahis-mds-sds"),
            &serde_json::json!("checklist"),
            &serde_json::json!("5.0h"),
            &serde_json::json!("builtin:jahis-mds-sds-5.0h.yaml")
        )
    );
    let out = kaiji()
        .args([
            "catalog",
            "check",
            "--format",
            "json",
            "crates/catalog/tests/fixtures/broken-checklist.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let issues: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(issues[0]["code"], "duplicate-id");
    for (catalog, expect) in [
        ("mhlw-gl@6.0", "システム運用編 13⑪"),
        ("mhlw-cyber-checklist@R7", "hospital:2-③"),
        (
            "mhlw-cyber-checklist@R8",
            "facility:remote-maintenance  リモート保守を使う機器があるか事業者に確かめ、記録する  [I]  [番号未確認]",
        ),
        (
            "mhlw-cyber-checklist@R7",
            "置き換え先: mhlw-cyber-checklist@R8(この版も引き続き使えます)",
        ),
        ("iso27001-annex-a", "8.34"),
        ("jira-rss-sds@4.1-rev1", "jahis-mds-sds@4.1"),
        ("jahis-mds-sds-4.1-5.0h", "MDS-6.5-03"),
    ] {
        kaiji()
            .args(["catalog", "show", catalog])
            .assert()
            .success()
            .stdout(predicate::str::contains(expect));
    }
    kaiji()
        .args(["catalog", "show", "mhlw-gl@6.0", "--item", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("チェックリストではない"));
}

#[test]
fn a_users_catalog_replaces_the_shipped_one_of_the_same_revision() {
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("jahis-mds-sds-5.0h.yaml");
    let text = std::fs::read_to_string(root().join("catalogs/jahis-mds-sds-5.0h.yaml")).unwrap();
    std::fs::write(&edited, text.replacen("confidence: U", "confidence: I", 1)).unwrap();
    kaiji()
        .args(["catalog", "check"])
        .arg(&edited)
        .assert()
        .success();
    kaiji()
        .arg("--catalog-file")
        .arg(&edited)
        .args(["catalog", "show", "jahis-mds-sds@5.0h"])
        .assert()
        .success()
        .stdout(predicate::str::contains(edited.display().to_string()));
    // Loading the same file twice is an error that names both.
    kaiji()
        .arg("--catalog-file")
        .arg(&edited)
        .arg("--catalog-file")
        .arg(&edited)
        .args(["catalog", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("既に"));
    kaiji()
        .args([
            "--lang",
            "en",
            "--catalog-file",
            "no/such.yaml",
            "catalog",
            "list",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such.yaml: cannot read"));
}

#[test]
fn a_failed_write_to_stdout_exits_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux: nothing to test
    };
    let out = std::process::Command::new(kaiji_bin())
        .args(["catalog", "show", "jahis-mds-sds@5.0h"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("出力を書き込めません"));
}

/// Help and version flags read in both languages like every other option, on every command.
#[test]
fn help_flags_are_translated_everywhere() {
    for args in [
        &["--help"][..],
        &["review", "--help"],
        &["rss", "risk", "-h"],
        &["catalog", "show", "--help"],
    ] {
        let out = kaiji().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains("ヘルプを表示する (print help)"),
            "{args:?}: {help}"
        );
        assert!(!help.contains("Print help"), "{args:?}");
    }
    kaiji()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("kaiji "));
}

/// A JSON or YAML file that starts with a UTF-8 byte order mark reads as without one.
#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("examples/pacs-mds-5.0h.kaiji.json")).unwrap();
    let path = dir.path().join("bom.kaiji.json");
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    kaiji().arg("validate").arg(&path).assert().success();
    let policy = std::fs::read_to_string(root().join("examples/hospital/policy.yaml")).unwrap();
    let with_bom = dir.path().join("policy.yaml");
    std::fs::write(&with_bom, format!("\u{feff}{policy}")).unwrap();
    kaiji()
        .args(["policy", "check"])
        .arg(&with_bom)
        .assert()
        .success();
}

/// JSON and YAML errors read in Japanese (with the place first), in English with --lang en, and a
/// configuration file lists every problem it has.
#[test]
fn parser_messages_are_japanese_and_list_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bad.kaiji.json");
    std::fs::write(&json, "{\"kind\": \"mds\",}").unwrap();
    kaiji()
        .arg("validate")
        .arg(&json)
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "bad.kaiji.json: 読み込みエラー: JSON の 1行16列: 末尾に余分なカンマがあります",
        ))
        .stdout(predicate::str::contains("trailing comma").not());
    kaiji()
        .args(["validate", "--lang", "en"])
        .arg(&json)
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "JSON line 1 column 16: trailing comma",
        ));
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "id: p\ntitle: {ja: a, en: a}\nrules:\n  - {id: r, select: {}, require: [], weight: 0}\n",
    )
    .unwrap();
    kaiji()
        .args(["policy", "check"])
        .arg(&policy)
        .assert()
        .stdout(predicate::str::contains(
            "rules[0].weight: 重みは 1 以上にします",
        ))
        .stdout(predicate::str::contains(
            "rules[0].require: 受け入れる回答が1つもありません",
        ))
        .stdout(predicate::str::contains(
            "rules[0].select: 何も選んでいません",
        ));
    std::fs::write(&policy, "id: p\ntitle: {ja: a, en: a}\nrule: []\n").unwrap();
    kaiji()
        .args(["policy", "check"])
        .arg(&policy)
        .assert()
        .stdout(predicate::str::contains(
            "3行1列: 不明なフィールド `rule` です",
        ));
}
