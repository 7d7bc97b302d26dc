//! Faults of the real `kaiji serve` on an SQLite file: `kill -9` in a burst of writes loses no
//! acknowledged write and the audit log verifies after the restart; SIGTERM lets the request in flight
//! finish, refuses new connections and exits 0 in time; a database file that cannot be used is a clear
//! error, not a panic.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kaiji_test_support::serve::{Served, http};
use kaiji_test_support::{TempDir, kaiji_in};
use serde_json::Value;

/// A vendor organisation and an editor's API token made with `kaiji admin` in `dir`'s ./kaiji.db.
fn vendor_and_token(dir: &std::path::Path) -> (String, String) {
    let run = |args: &[&str]| {
        let out = kaiji_in(dir).args(args).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout)
            .trim()
            .to_owned()
    };
    let org = run(&["admin", "create-org", "--kind", "vendor", "ベンダー 🏭"]);
    let org = org.split_whitespace().next().unwrap().to_owned();
    let token = run(&[
        "admin",
        "issue-token",
        "--org",
        &org,
        "--role",
        "editor",
        "burst",
    ]);
    let secret = token.split_whitespace().nth(3).unwrap().to_owned();
    (org, secret)
}

/// One POST that tolerates a server that dies: the status, or `None` when no full answer came.
fn try_post(addr: &str, path: &str, bearer: &str, body: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    let (head, _) = text.split_once("\r\n\r\n")?;
    head.split_whitespace().nth(1)?.parse().ok()
}

fn product(name: &str) -> String {
    serde_json::json!({"maker": "サンプル", "name": name, "model": "K-9", "device_id": null, "purl": null})
        .to_string()
}

/// 200 writes from 20 threads; `kill -9` once 50 are acknowledged. After a restart every acknowledged
/// write is there and `kaiji audit verify` passes.
#[test]
fn kill_9_in_a_burst_of_writes_loses_no_acknowledged_write() {
    let dir = TempDir::new().unwrap();
    let (org, token) = vendor_and_token(dir.path());
    let mut served = Served::start(dir.path(), &[]);
    let addr = served.addr.clone();
    let path = format!("/api/v1/orgs/{org}/products");
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let failed = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..20)
        .map(|t| {
            let (addr, path, token) = (addr.clone(), path.clone(), token.clone());
            let acknowledged = Arc::clone(&acknowledged);
            let failed = Arc::clone(&failed);
            std::thread::spawn(move || {
                for i in 0..10 {
                    let name = format!("バースト {t}-{i} '; DROP TABLE products; --");
                    match try_post(&addr, &path, &token, &product(&name)) {
                        Some(201) => acknowledged.lock().unwrap().push(name),
                        Some(other) if other < 500 => {
                            failed.store(true, Ordering::SeqCst);
                            panic!("write {name}: {other}");
                        }
                        // The server died under it (or answered 5xx): not acknowledged.
                        _ => {}
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().unwrap().len() < 50 {
        assert!(
            Instant::now() < deadline,
            "50 writes were not acknowledged in time"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    served.kill_hard();
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(!failed.load(Ordering::SeqCst));
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        (50..200).contains(&acknowledged.len()),
        "the kill came in the middle of the burst: {} acknowledged",
        acknowledged.len()
    );

    let served = Served::start(dir.path(), &[]);
    let bearer = format!("Bearer {token}");
    // One page holds them all (at most 200 were written, the largest page is 200).
    let (status, _, body) = http(
        &served.addr,
        "GET",
        &format!("{path}?limit=200"),
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(status, 200, "{body}");
    let products: Value = serde_json::from_str(&body).unwrap();
    assert!(products["next"].is_null(), "{body}");
    let names: Vec<&str> = products["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|n| !names.contains(&n.as_str()))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    drop(served);
    let verified = kaiji_in(dir.path())
        .args(["audit", "verify", "--lang", "en"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&verified.get_output().stdout).into_owned();
    assert!(text.contains("the audit log verifies"), "{text}");
}

/// SIGTERM while a request is in flight (its body half sent): the server stops accepting, the request
/// still gets its 201, and the process exits 0 within 10 s.
#[test]
fn sigterm_finishes_the_request_in_flight_and_exits_0() {
    let dir = TempDir::new().unwrap();
    let (org, token) = vendor_and_token(dir.path());
    let mut served = Served::start(dir.path(), &[]);
    let addr = served.addr.clone();
    let body = product("処理中の書き込み");
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/orgs/{org}/products HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let signalled = Instant::now();
    served.terminate();
    std::thread::sleep(Duration::from_millis(500));
    // New connections are refused (or, at worst, never answered).
    if let Ok(mut late) = TcpStream::connect(&addr) {
        late.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let _ = write!(late, "GET /api/v1/me HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        let mut answer = Vec::new();
        let _ = late.read_to_end(&mut answer);
        assert!(
            answer.is_empty(),
            "a connection after SIGTERM was served: {}",
            String::from_utf8_lossy(&answer)
        );
    }
    assert!(
        served.wait_exit(Duration::ZERO).is_none(),
        "the server exited with a request in flight"
    );

    stream.write_all(rest.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 201"),
        "the request in flight: {response}"
    );
    let status = served
        .wait_exit(Duration::from_secs(10))
        .expect("the server exits within 10 s of SIGTERM");
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(signalled.elapsed() < Duration::from_secs(11));

    let served = Served::start(dir.path(), &[]);
    let (status, _, body) = http(
        &served.addr,
        "GET",
        &format!("/api/v1/orgs/{org}/products"),
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(status, 200);
    assert!(body.contains("処理中の書き込み"), "{body}");
}

/// A database file that is not SQLite, or one in a directory that does not exist: `kaiji serve` says so
/// in both languages and exits non-zero, without a panic.
#[test]
fn an_unusable_sqlite_file_is_a_clear_error() {
    let dir = TempDir::new().unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        "this is not an SQLite database, 日本語 ".repeat(200),
    )
    .unwrap();
    let missing = dir
        .path()
        .join("no")
        .join("such")
        .join("dir")
        .join("kaiji.db");
    for (path, ja, en) in [
        (&garbage, "データベース", "database"),
        (&missing, "データベース", "database"),
    ] {
        for lang in ["ja", "en"] {
            let url = format!("sqlite:{}", path.display());
            let out = kaiji_in(dir.path())
                .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
                .args(["--lang", lang])
                .timeout(Duration::from_secs(60))
                .assert()
                .failure();
            let output = out.get_output();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(output.status.code().is_some_and(|c| c != 101), "{stderr}");
            let word = if lang == "ja" { ja } else { en };
            assert!(stderr.contains(word), "{lang}: {stderr}");
        }
    }
}
