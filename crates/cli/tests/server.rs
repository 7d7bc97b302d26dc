//! `kaiji serve --demo`, `kaiji admin` and `kaiji audit` as a user runs them: the real binary on a
//! temporary directory, reached over HTTP on 127.0.0.1.

use kaiji_test_support::serve::{Served, http};
use kaiji_test_support::{TempDir, kaiji_in};
use serde_json::Value;

fn cookie_of(headers: &[(String, String)]) -> String {
    let value = &headers
        .iter()
        .find(|(k, _)| k == "set-cookie")
        .expect("set-cookie")
        .1;
    value.split(';').next().unwrap().to_owned()
}

/// The demo prints its address and logins; a printed hospital login works, and the hospital's inbox
/// holds the three shipped examples. A second start on the same database adds nothing; the audit log
/// verifies and exports.
#[test]
fn serve_demo_logins_work_and_the_audit_log_verifies() {
    let dir = TempDir::new().unwrap();
    let served = Served::start(dir.path(), &["--demo"]);
    assert!(
        dir.path().join("kaiji.db").exists(),
        "the default database is ./kaiji.db"
    );
    let logins = served.logins();
    assert_eq!(logins.len(), 16, "{:?}", served.lines);
    let (_, _, email, password) = logins
        .iter()
        .find(|(kind, role, _, _)| kind == "hospital" && role == "reviewer")
        .unwrap();
    let body = serde_json::json!({"email": email, "password": password}).to_string();
    let (status, headers, text) = http(
        &served.addr,
        "POST",
        "/api/v1/session",
        &[("content-type", "application/json")],
        Some(&body),
    );
    assert_eq!(status, 201, "{text}");
    let cookie = cookie_of(&headers);
    let (status, _, me) = http(
        &served.addr,
        "GET",
        "/api/v1/me",
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(status, 200);
    let me: Value = serde_json::from_str(&me).unwrap();
    let org = me["memberships"][0]["org"].as_str().unwrap().to_owned();
    let (status, _, inbox) = http(
        &served.addr,
        "GET",
        &format!("/api/v1/orgs/{org}/inbox"),
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(status, 200);
    let inbox: Value = serde_json::from_str(&inbox).unwrap();
    assert_eq!(inbox["items"].as_array().unwrap().len(), 4, "{inbox}");
    // The server's worker turns the demo's publications and shares into the hospital's notifications.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (status, _, notes) = http(
            &served.addr,
            "GET",
            &format!("/api/v1/orgs/{org}/notifications"),
            &[("cookie", &cookie)],
            None,
        );
        assert_eq!(status, 200);
        let notes: Value = serde_json::from_str(&notes).unwrap();
        let published = notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "document.published")
            .count();
        if published == 4 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{notes}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    drop(served);

    // Again on the same database: nothing added, nothing printed twice.
    let again = Served::start(dir.path(), &["--demo"]);
    assert!(again.logins().is_empty());
    drop(again);

    let verified = kaiji_in(dir.path())
        .args(["audit", "verify", "--lang", "en"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&verified.get_output().stdout).into_owned();
    assert!(text.contains("the audit log verifies"), "{text}");
    let export = kaiji_in(dir.path())
        .args(["audit", "export"])
        .assert()
        .success();
    let lines: Vec<Value> = String::from_utf8_lossy(&export.get_output().stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().any(|e| e["action"] == "document.publish"));
    assert!(
        lines
            .iter()
            .any(|e| e["action"] == "session.create" && e["address"] == "127.0.0.1")
    );
}

/// `kaiji admin` makes an organisation, a user (password from stdin), a membership and an API token that
/// the server accepts; a revoked token is refused; a bad role is a usage error (exit 2).
#[test]
fn admin_commands_make_what_the_server_accepts() {
    let dir = TempDir::new().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let out = kaiji_in(dir.path())
            .args(args)
            .write_stdin(stdin)
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout)
            .trim()
            .to_owned()
    };
    let org = run(
        &["admin", "create-org", "--kind", "hospital", "市立病院 🏥"],
        "",
    );
    let org = org.split_whitespace().next().unwrap().to_owned();
    run(
        &[
            "admin",
            "create-user",
            "kango@example.jp",
            "--name",
            "看護 太郎",
        ],
        "a long password\n",
    );
    run(
        &[
            "admin",
            "add-member",
            "--org",
            &org,
            "kango@example.jp",
            "--role",
            "reviewer",
        ],
        "",
    );
    let token = run(
        &[
            "admin",
            "issue-token",
            "--org",
            &org,
            "--role",
            "viewer",
            "pipeline",
        ],
        "",
    );
    let words: Vec<&str> = token.split_whitespace().collect();
    let (token_id, secret) = (words[0].to_owned(), words[3].to_owned());
    kaiji_in(dir.path())
        .args([
            "admin",
            "add-member",
            "--org",
            &org,
            "kango@example.jp",
            "--role",
            "boss",
        ])
        .assert()
        .code(2);

    let served = Served::start(dir.path(), &[]);
    let bearer = format!("Bearer {secret}");
    let inbox = format!("/api/v1/orgs/{org}/inbox");
    let (status, _, _) = http(
        &served.addr,
        "GET",
        &inbox,
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(status, 200);
    let body = r#"{"email": "kango@example.jp", "password": "a long password"}"#;
    let (status, _, _) = http(
        &served.addr,
        "POST",
        "/api/v1/session",
        &[("content-type", "application/json")],
        Some(body),
    );
    assert_eq!(status, 201);
    run(&["admin", "revoke-token", "--org", &org, &token_id], "");
    let (status, headers, _) = http(
        &served.addr,
        "GET",
        &inbox,
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(status, 401);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "content-type" && v == "application/problem+json")
    );
    drop(served);
    run(&["audit", "verify"], "");
}
