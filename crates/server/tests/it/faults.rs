//! Faults: the database goes away (a TCP proxy in front of PostgreSQL is cut) → quick 503 problems with
//! `Retry-After`, and 200 again once it is back, without a restart; tokens that expired, sessions that
//! ended and CSRF tokens replayed or forged → 401/403, changing nothing.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kaiji_server::{Config, Server};
use kaiji_store::{OrgKind, Role};
use kaiji_test_support::db::{Flavour, TempDb};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};

use crate::common::{TestServer, answer};

/// A TCP proxy to `target` that can be cut (every open connection dropped, new ones closed at once)
/// and restored.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (up2, open2) = (Arc::clone(&up), Arc::clone(&open));
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let pipe = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                open2.lock().unwrap().push(pipe);
            }
        });
        Self {
            addr,
            up,
            open,
            task,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for pipe in self.open.lock().unwrap().drain(..) {
            pipe.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_away_is_503_then_recovers() {
    let db = TempDb::new(Flavour::Postgres).await;
    let proxy = Proxy::start("127.0.0.1:5432".parse().unwrap()).await;
    assert!(db.url().contains("@127.0.0.1:5432/"), "{}", db.url());
    let through_proxy = db
        .url()
        .replace("@127.0.0.1:5432/", &format!("@{}/", proxy.addr));
    let mut config = Config::new(&through_proxy, "127.0.0.1:0".parse().unwrap());
    config.worker_interval = Some(Duration::from_millis(200));
    let server = Server::bind(config).await.expect("server starts");
    let base = format!("http://{}", server.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        stopped.await.ok();
    }));
    // Organisations and tokens straight on the database (not through the proxy).
    let direct = kaiji_store::Store::open(db.url()).await.unwrap();
    let admin = crate::common::admin();
    let vendor = direct
        .create_organisation(&admin, OrgKind::Vendor, "ベンダーA")
        .await
        .unwrap()
        .id;
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let (secret, _) = direct
        .issue_api_token(&admin, &vendor, Role::Editor, "t", expires)
        .await
        .unwrap();
    let token = secret.expose().to_owned();
    let c = reqwest::Client::new();
    let products = format!("{base}/api/v1/orgs/{vendor}/products");
    let (status, _) = answer(c.get(&products).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let before = direct.verify_audit().await.unwrap().entries;

    proxy.cut();
    for attempt in 0..3 {
        let started = Instant::now();
        let request = if attempt == 1 {
            c.post(&products)
                .bearer_auth(&token)
                .json(&json!({"maker": "a", "name": "cut", "model": "c", "device_id": null, "purl": null}))
        } else {
            c.get(&products).bearer_auth(&token)
        };
        let response = tokio::time::timeout(Duration::from_secs(20), request.send())
            .await
            .expect("an answer, not a hang")
            .unwrap();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let (status, problem) = answer(response).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (503, Some("database-unavailable")),
            "{problem}"
        );
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(retry_after.as_deref(), Some("5"));
        assert!(
            problem["message"]["en"]
                .as_str()
                .unwrap()
                .contains("database")
        );
        let took = started.elapsed();
        assert!(took < Duration::from_secs(8), "took {took:?}");
    }

    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = c.get(&products).bearer_auth(&token).send().await.unwrap();
        if response.status() == 200 {
            break;
        }
        assert_eq!(response.status(), 503);
        assert!(Instant::now() < deadline, "the server did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, created) = answer(
        c.post(&products)
            .bearer_auth(&token)
            .json(&json!({"maker": "a", "name": "back", "model": "c", "device_id": null, "purl": null}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    // The write refused during the cut left nothing; the chain verifies.
    let names: Vec<String> = direct
        .products(&vendor)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["back"]);
    let audit = direct.verify_audit().await.unwrap();
    assert!(audit.broken.is_none());
    assert_eq!(audit.entries, before + 1);
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    direct.close().await;
}

/// What the bad-input test does not already cover: an expired API token, a session that ended (its
/// cookie and CSRF token replayed), a CSRF token forged in the right shape.
async fn stale_credentials(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let c = &server.client;
    let products = server.url(&format!("/api/v1/orgs/{vendor}/products"));
    let body = json!({"maker": "a", "name": "x", "model": "c", "device_id": null, "purl": null});

    // An API token whose expiry passed.
    let expired = server.token(&vendor, Role::Owner).await;
    let tokens = server.store.api_tokens(&vendor).await.unwrap();
    let past = jiff::Timestamp::now().as_millisecond() - 1000;
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE id = $2")
        .bind(past)
        .bind(tokens[0].id.to_string())
        .execute(server.store.pool())
        .await
        .unwrap();
    for request in [
        c.get(&products).bearer_auth(&expired),
        c.post(&products).bearer_auth(&expired).json(&body),
    ] {
        let (status, problem) = answer(request.send().await.unwrap()).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (401, Some("unauthorised")),
            "{problem}"
        );
    }

    let pw = server
        .user(&vendor, "editor@a.example.jp", Role::Editor)
        .await;
    let (cookie, csrf) = server.login("editor@a.example.jp", &pw).await;
    // A forged CSRF token of the right length and alphabet.
    let forged: String = csrf
        .chars()
        .map(|ch| if ch == '0' { '1' } else { '0' })
        .collect();
    let (status, problem) = answer(
        c.post(&products)
            .header("cookie", &cookie)
            .header("x-csrf-token", &forged)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("csrf-token"))
    );

    // Logged out: the same cookie with its (once valid) CSRF token is refused.
    let response = c
        .delete(server.url("/api/v1/session"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let (status, problem) = answer(
        c.post(&products)
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (401, Some("unauthorised"))
    );
    // Its CSRF token with a new session of the same user is no good either.
    let (new_cookie, new_csrf) = server.login("editor@a.example.jp", &pw).await;
    assert_ne!(new_csrf, csrf);
    let (status, _) = answer(
        c.post(&products)
            .header("cookie", &new_cookie)
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
    assert!(server.store.products(&vendor).await.unwrap().is_empty());
    assert!(server.store.verify_audit().await.unwrap().broken.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_credentials_sqlite() {
    stale_credentials(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_credentials_postgres() {
    stale_credentials(Flavour::Postgres).await;
}
