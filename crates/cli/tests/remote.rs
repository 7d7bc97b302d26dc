//! `kaiji publish` and `kaiji pull` as a vendor's pipeline and a hospital run them: the real binary
//! against a real `kaiji serve` on 127.0.0.1, on SQLite and on PostgreSQL.

use std::path::Path;

use kaiji_test_support::db::{Flavour, TempDb};
use kaiji_test_support::serve::{Served, http};
use kaiji_test_support::{TempDir, example, kaiji, kaiji_in};
use serde_json::{Value, json};

/// A server on a database of its own, with a vendor and a hospital and a token for each.
struct Exchange {
    served: Served,
    url: String,
    vendor: String,
    vendor_token: String,
    hospital: String,
    hospital_token: String,
    hospital_token_id: String,
    _db: TempDb,
    dir: TempDir,
}

fn admin(url: &str, args: &[&str]) -> String {
    let mut command = kaiji();
    command
        .arg("admin")
        .arg(args[0])
        .args(["--database-url", url]);
    let out = command.args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `admin issue-token` prints `id role expires secret`.
fn token(url: &str, org: &str, role: &str) -> (String, String) {
    let line = admin(url, &["issue-token", "--org", org, "--role", role, "ci"]);
    let words: Vec<&str> = line.split_whitespace().collect();
    (words[0].to_owned(), words[3].to_owned())
}

fn api(served: &Served, method: &str, path: &str, token: &str, body: &Value) -> Value {
    let auth = format!("Bearer {token}");
    let body = body.to_string();
    let (status, _, text) = http(
        &served.addr,
        method,
        path,
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        Some(&body),
    );
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {text}"
    );
    serde_json::from_str(&text).unwrap()
}

impl Exchange {
    fn start(flavour: Flavour) -> Self {
        let db = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(TempDb::new(flavour));
        let url = db.url().to_owned();
        let dir = TempDir::new().unwrap();
        let served = Served::start(dir.path(), &["--database-url", &url]);
        // Names a server may hand out: a path that climbs, a tab, a colon.
        let vendor = admin(
            &url,
            &[
                "create-org",
                "--kind",
                "vendor",
                "../../ベンダー\tA:株式会社",
            ],
        );
        let vendor = vendor.split_whitespace().next().unwrap().to_owned();
        let hospital = admin(&url, &["create-org", "--kind", "hospital", "病院H"]);
        let hospital = hospital.split_whitespace().next().unwrap().to_owned();
        let (_, vendor_token) = token(&url, &vendor, "owner");
        let (hospital_token_id, hospital_token) = token(&url, &hospital, "viewer");
        Self {
            served,
            url,
            vendor,
            vendor_token,
            hospital,
            hospital_token,
            hospital_token_id,
            _db: db,
            dir,
        }
    }

    fn server(&self) -> String {
        format!("http://{}/api/v1", self.served.addr)
    }

    /// A product and a release of the vendor, through the API.
    fn release(&self) -> String {
        let product = api(
            &self.served,
            "POST",
            &format!("/api/v1/orgs/{}/products", self.vendor),
            &self.vendor_token,
            &json!({"maker": "サンプル", "name": "SampleView/PACS", "model": "SV-PACS-9",
                    "device_id": null, "purl": null}),
        );
        let product = product["id"].as_str().unwrap();
        let release = api(
            &self.served,
            "POST",
            &format!("/api/v1/orgs/{}/products/{product}/releases", self.vendor),
            &self.vendor_token,
            &json!({"version": "9.2.0"}),
        );
        release["id"].as_str().unwrap().to_owned()
    }

    fn publish(&self, file: &Path, target: &[&str], reason: &str) -> std::process::Output {
        kaiji_in(self.dir.path())
            .arg("publish")
            .arg(file)
            .args(["--server", &self.server(), "--token", &self.vendor_token])
            .args(target)
            .args(["--reason", reason, "--effective", "2026-12-01"])
            .args(["--next-review", "2027-12-01", "--format", "json"])
            .output()
            .unwrap()
    }

    fn pull(&self, out: &Path, token: &str) -> std::process::Output {
        kaiji_in(self.dir.path())
            .args(["--lang", "en", "pull", "--server", &self.server()])
            .arg("-o")
            .arg(out)
            .env("KAIJI_TOKEN", token)
            .output()
            .unwrap()
    }
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every file below `dir`, relative, `/`-separated, sorted.
fn files_below(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn publish_and_pull(flavour: Flavour) {
    let x = Exchange::start(flavour);
    let release = x.release();
    let first = example("pacs-mds-5.0h.kaiji.json");

    // Version 1: the document created under the release.
    let out = x.publish(&first, &["--release", &release], "初版");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_of(&out);
    assert_eq!(report["created"], true);
    assert_eq!(report["published"]["version"], 1, "{report}");
    assert!(report["diff"].is_null(), "{report}");
    assert!(
        report["published"]["content_address"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let document = report["document"].as_str().unwrap().to_owned();

    // Version 2 of the same document: a changed description, and the diff says so.
    let mut changed = read_json(&first);
    changed["subject"]["description"] = json!("改訂版の説明 🩻");
    let second = x.dir.path().join("pacs-v2.kaiji.json");
    std::fs::write(&second, serde_json::to_string_pretty(&changed).unwrap()).unwrap();
    let out = x.publish(&second, &["--document", &document], "説明の改訂");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_of(&out);
    assert_eq!(report["created"], false);
    assert_eq!(report["published"]["version"], 2, "{report}");
    let changes = report["diff"]["changes"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["field"] == "subject.description"),
        "{report}"
    );

    // The hospital pulls what was shared with it: the file is what was published.
    api(
        &x.served,
        "POST",
        &format!("/api/v1/orgs/{}/documents/{document}/shares", x.vendor),
        &x.vendor_token,
        &json!({"hospital": x.hospital}),
    );
    let inbox = x.dir.path().join("inbox");
    let out = x.pull(&inbox, &x.hospital_token);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files = files_below(&inbox);
    // The vendor's name climbs (`../..`), holds a tab and a colon: one safe folder inside the directory.
    let expected = "_.._ベンダー_A_株式会社/SampleView_PACS/9.2.0/mds.kaiji.json";
    assert_eq!(
        files,
        vec![".kaiji-pull.json", expected],
        "{}",
        stdout(&out)
    );
    assert_eq!(read_json(&inbox.join(expected)), changed);
    assert!(stdout(&out).contains("new"), "{}", stdout(&out));
    assert!(stdout(&out).contains("version 2"), "{}", stdout(&out));

    // Again: nothing new.
    let out = x.pull(&inbox, &x.hospital_token);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing new since the last pull"),
        "{}",
        stdout(&out)
    );

    // A third version in the text format (English), then the pull says it is an update from 2 to 3.
    let mut third = changed.clone();
    third["subject"]["description"] = json!("三版目");
    let third_file = x.dir.path().join("pacs-v3.kaiji.json");
    std::fs::write(&third_file, serde_json::to_string_pretty(&third).unwrap()).unwrap();
    let out = kaiji_in(x.dir.path())
        .args(["--lang", "en", "publish"])
        .arg(&third_file)
        .args(["--server", &x.server(), "--document", &document])
        .args(["--reason", "third", "--next-review", "2030-01-01"])
        .env("KAIJI_TOKEN", &x.vendor_token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "published version 3 of document {document} (sha256:"
        )),
        "{text}"
    );
    assert!(text.contains("changes from version 2"), "{text}");
    let out = x.pull(&inbox, &x.hospital_token);
    assert!(stdout(&out).contains("version 2 → 3"), "{}", stdout(&out));
    assert_eq!(read_json(&inbox.join(expected)), third);

    // Findings at the threshold refuse the publication (exit 1): the draft is saved, no version made.
    let draft = example("invalid/pacs-mds-draft.kaiji.json");
    let out = x.publish(&draft, &["--document", &document], "下書き");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&out);
    assert!(report["published"].is_null(), "{report}");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error"),
        "{report}"
    );
    let out = x.pull(&inbox, &x.hospital_token);
    assert!(
        stdout(&out).contains("nothing new since the last pull"),
        "{}",
        stdout(&out)
    );

    // A hospital's token cannot publish; a revoked token is refused with the server's problem.
    let out = x.publish(&first, &["--document", &document], "x");
    assert_eq!(out.status.code(), Some(0), "the vendor may publish again");
    let out = kaiji_in(x.dir.path())
        .args(["--lang", "en", "publish"])
        .arg(&first)
        .args(["--server", &x.server(), "--token", &x.hospital_token])
        .args([
            "--document",
            &document,
            "--reason",
            "x",
            "--next-review",
            "2030-01-01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("vendor's API token"),
        "{}",
        stderr(&out)
    );
    admin(
        &x.url,
        &["revoke-token", "--org", &x.hospital, &x.hospital_token_id],
    );
    let out = x.pull(&inbox, &x.hospital_token);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "not signed in, or the session or token is not valid (unauthorised, HTTP 401)"
        ),
        "{err}"
    );
    // Japanese is the default.
    let out = kaiji_in(x.dir.path())
        .args(["pull", "--server", &x.server(), "-o"])
        .arg(&inbox)
        .args(["--token", &x.hospital_token])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("セッションまたはトークンが無効です (unauthorised, HTTP 401)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn publish_twice_then_pull_sqlite() {
    publish_and_pull(Flavour::Sqlite);
}

#[test]
fn publish_twice_then_pull_postgres() {
    publish_and_pull(Flavour::Postgres);
}

/// No server on the port, no token, a URL that is not one: exit 2 with a message that says which.
#[test]
fn bad_servers_and_missing_tokens_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = TempDir::new().unwrap();
    let server = format!("http://127.0.0.1:{port}");
    let out = kaiji_in(dir.path())
        .args(["--lang", "en", "pull", "--server", &server, "--token", "t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "cannot connect to {server} (is the server running"
        )),
        "{}",
        stderr(&out)
    );
    assert!(files_below(dir.path()).is_empty(), "nothing written");

    let out = kaiji_in(dir.path())
        .args(["--lang", "en", "pull", "--server", &server])
        .env_remove("KAIJI_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no API token"), "{}", stderr(&out));

    let file = example("pacs-mds-5.0h.kaiji.json");
    let out = kaiji_in(dir.path())
        .args(["--lang", "en", "publish"])
        .arg(&file)
        .args(["--server", "ftp://x", "--token", "t", "--release", "r"])
        .args(["--reason", "x", "--next-review", "2030-01-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("http:// or https://"),
        "{}",
        stderr(&out)
    );

    // Neither --document nor --release: a usage error.
    let out = kaiji_in(dir.path())
        .arg("publish")
        .arg(&file)
        .args(["--server", &server, "--token", "t", "--reason", "x"])
        .args(["--next-review", "2030-01-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
