use std::net::SocketAddr;

use jiff::{SignedDuration, Timestamp};
use kaiji_server::{Config, Server};
use kaiji_store::{Ctx, OrgId, OrgKind, Role, Store};
use kaiji_test_support::db::{Flavour, TempDb};
use serde_json::Value;

/// A running server on a database of its own.
pub(crate) struct TestServer {
    pub(crate) base: String,
    pub(crate) store: Store,
    pub(crate) client: reqwest::Client,
    url: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _db: TempDb,
}

impl TestServer {
    pub(crate) async fn start(flavour: Flavour) -> Self {
        Self::start_with(flavour, |_| {}).await
    }

    pub(crate) async fn start_with(flavour: Flavour, change: impl FnOnce(&mut Config)) -> Self {
        let db = TempDb::new(flavour).await;
        let mut config = Config::new(db.url(), "127.0.0.1:0".parse::<SocketAddr>().unwrap());
        // The tests run the worker themselves, when they want it.
        config.worker_interval = None;
        change(&mut config);
        let server = Server::bind(config).await.expect("server starts");
        let addr = server.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            rx.await.ok();
        }));
        let store = Store::open(db.url()).await.unwrap();
        Self {
            base: format!("http://{addr}"),
            store,
            client: reqwest::Client::new(),
            url: db.url().to_owned(),
            _shutdown: tx,
            _db: db,
        }
    }

    /// A second server instance on the same database: its base URL, and what stops it when dropped.
    pub(crate) async fn another_instance(&self) -> (String, tokio::sync::oneshot::Sender<()>) {
        self.another_instance_with(|_| {}).await
    }

    /// A second server instance on the same database, configured by `change` (no worker by default).
    pub(crate) async fn another_instance_with(
        &self,
        change: impl FnOnce(&mut Config),
    ) -> (String, tokio::sync::oneshot::Sender<()>) {
        let mut config = Config::new(&self.url, "127.0.0.1:0".parse::<SocketAddr>().unwrap());
        config.worker_interval = None;
        change(&mut config);
        let server = Server::bind(config).await.expect("second instance starts");
        let addr = server.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            rx.await.ok();
        }));
        (format!("http://{addr}"), tx)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An organisation and an API token for `role` in it.
    pub(crate) async fn org(&self, kind: OrgKind, name: &str) -> OrgId {
        self.store
            .create_organisation(&admin(), kind, name)
            .await
            .unwrap()
            .id
    }

    pub(crate) async fn token(&self, org: &OrgId, role: Role) -> String {
        let expires = Timestamp::now() + SignedDuration::from_hours(1);
        let (secret, _) = self
            .store
            .issue_api_token(&admin(), org, role, "test", expires)
            .await
            .unwrap();
        secret.expose().to_owned()
    }

    /// A user with `role` in `org`, and their password.
    pub(crate) async fn user(&self, org: &OrgId, email: &str, role: Role) -> String {
        let password = "a long test password";
        let user = self
            .store
            .create_user(&admin(), email, email, password)
            .await
            .unwrap();
        self.store
            .set_membership(&admin(), org, &user.id, role)
            .await
            .unwrap();
        password.to_owned()
    }

    /// Logs in: the session cookie (`name=value`) and the CSRF token.
    pub(crate) async fn login(&self, email: &str, password: &str) -> (String, String) {
        let response = self
            .client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let cookie = response
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let body: Value = response.json().await.unwrap();
        let pair = cookie.split(';').next().unwrap().to_owned();
        (pair, body["csrf_token"].as_str().unwrap().to_owned())
    }
}

pub(crate) fn admin() -> Ctx {
    Ctx::system("test", Timestamp::now())
}

/// A status and the JSON body (Null when there is none).
pub(crate) async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
