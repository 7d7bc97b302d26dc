//! `kaiji serve`: the REST API between vendors and hospitals (`/api/v1`), over [`kaiji_store`].
//!
//! - **Authorisation in one place**: [`gate::ROUTES`] lists every route with who may call it; the
//!   [`gate::gate`] middleware resolves the caller (session cookie or bearer API token), checks the
//!   route's entry and the CSRF token before any handler runs.
//! - **Errors** are RFC 9457 problem details ([`problem::Problem`]), chosen by the library's error kind.
//! - **No state in memory that another instance needs**: sessions, tokens, throttle and CSRF binding
//!   live in (or derive from) the database; several instances can share one PostgreSQL database.
//! - **The server decides nothing about the domain**: drafts are validated by `kaiji_model`.

mod api;
mod attachments;
mod body;
pub mod demo;
pub mod gate;
mod hospital;
pub mod mail;
pub mod openapi;
pub mod page;
pub mod problem;
mod questions;
mod rss;
mod upload;
mod workbooks;
pub mod worker;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, delete, get, post, put};
use kaiji_catalog::{Registry, Text};
use kaiji_store::Store;

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:PATH` or `postgres://…`.
    pub database_url: String,
    /// Where to listen (`127.0.0.1:8080`; port 0 picks a free one).
    pub bind: SocketAddr,
    /// Fill a fresh database with the demo organisations, users and shipped examples.
    pub demo: bool,
    /// Mark the session cookie `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// The largest request body, in bytes (413 above it).
    pub body_limit: usize,
    /// The largest upload (a workbook, an attachment), in bytes: its own limit, above the JSON body
    /// limit (413 above it); the store keeps originals up to this size.
    pub upload_limit: usize,
    /// The checklists drafts are validated against; the built-in ones when `None`.
    pub registry: Option<Arc<Registry>>,
    /// How often this instance's worker runs the due jobs; `None` runs no worker (tests that run
    /// [`worker::run_due`] themselves).
    pub worker_interval: Option<std::time::Duration>,
    /// The SMTP relay notifications are mailed through (`smtp://host:port`, `?tls=required` for
    /// STARTTLS, `smtps://` for TLS); `None` mails nothing (the outbox stays empty).
    pub smtp_url: Option<String>,
    /// The sender of those mails.
    pub mail_from: String,
    /// The delay before a failed mail is tried again (doubling at each failure).
    pub mail_retry: std::time::Duration,
    /// Attempts before a mail is marked failed.
    pub mail_max_attempts: i64,
}

impl Config {
    /// A configuration with the defaults (body limit 2 MiB, uploads 20 MiB, cookies not `Secure`, no demo).
    pub fn new(database_url: impl Into<String>, bind: SocketAddr) -> Self {
        Self {
            database_url: database_url.into(),
            bind,
            demo: false,
            secure_cookies: false,
            body_limit: 2 * 1024 * 1024,
            upload_limit: 20 * 1024 * 1024,
            registry: None,
            worker_interval: Some(std::time::Duration::from_secs(1)),
            smtp_url: None,
            mail_from: "kaiji <kaiji@localhost>".to_owned(),
            mail_retry: std::time::Duration::from_secs(60),
            mail_max_attempts: 6,
        }
    }
}

/// What the handlers share: the store (a pool), the built-in checklists (read-only), the configuration.
#[derive(Debug, Clone)]
pub struct App {
    pub store: Store,
    pub registry: Arc<Registry>,
    pub config: Arc<Config>,
}

/// Why the server did not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{0}")]
    Store(#[from] kaiji_store::Error),
    #[error("catalogs: {0}")]
    Catalog(#[from] kaiji_catalog::Error),
    #[error("listening on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("serving: {0}")]
    Serve(std::io::Error),
    #[error("{}", .0.en)]
    Mail(Text),
}

impl Error {
    /// The message in Japanese and English.
    pub fn text(&self) -> Text {
        match self {
            Self::Store(e) => e.text(),
            Self::Catalog(e) => e.text(),
            Self::Bind { addr, source } => Text::new(
                format!("{addr} で待ち受けできません: {source}"),
                self.to_string(),
            ),
            Self::Serve(e) => Text::new(format!("サーバーのエラー: {e}"), self.to_string()),
            Self::Mail(text) => text.clone(),
        }
    }
}

/// `GET /api/v1/health`: a fixed body, with no database call, so that a load balancer learns the process
/// answers (and the benchmark has a floor to compare the real reads with).
async fn health() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
}

/// The router: every route of [`gate::ROUTES`], each behind the gate.
pub fn router(app: App) -> Router {
    let mut routes: Vec<(&str, MethodRouter<App>)> = vec![
        (
            "/api/v1/session",
            post(api::login).merge(delete(api::logout)),
        ),
        ("/api/v1/health", get(health)),
        ("/api/v1/me", get(api::me)),
        (
            "/api/v1/orgs/{org}/products",
            get(api::products).merge(post(api::create_product)),
        ),
        (
            "/api/v1/orgs/{org}/products/{product}/releases",
            get(api::releases).merge(post(api::create_release)),
        ),
        (
            "/api/v1/orgs/{org}/releases/{release}/documents",
            get(api::documents).merge(post(api::create_document)),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}",
            get(api::document),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/draft",
            put(api::save_draft),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/versions",
            get(api::versions).merge(post(api::publish)),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/versions/{version}",
            get(api::version),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/shares",
            get(api::shares).merge(post(api::share)),
        ),
        ("/api/v1/orgs/{org}/hospitals", get(api::hospitals)),
        ("/api/v1/orgs/{org}/inbox", get(api::inbox)),
        (
            "/api/v1/orgs/{org}/received/{document}/versions",
            get(api::received_versions),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/versions/{version}",
            get(api::received_version),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/acknowledgements",
            get(api::acknowledgements).merge(post(api::acknowledge)),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/diff",
            get(api::diff),
        ),
        ("/api/v1/orgs/{org}/notifications", get(api::notifications)),
        (
            "/api/v1/orgs/{org}/documents/{document}/links",
            get(api::links).merge(post(api::create_link)),
        ),
        ("/api/v1/links/{secret}", get(api::open_link)),
        (
            "/api/v1/links/{secret}/acceptances",
            post(api::accept_by_link),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/terms",
            put(api::set_terms),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/acceptances",
            get(api::acceptances),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/terms",
            get(api::terms),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/terms/acceptances",
            post(api::accept_terms),
        ),
        (
            "/api/v1/orgs/{org}/notifications/{notification}/read",
            post(api::mark_read),
        ),
        (
            "/api/v1/orgs/{org}/questions/{question}/faq",
            put(api::set_faq),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/questions",
            get(api::document_questions),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/questions",
            get(api::received_questions).merge(post(api::ask)),
        ),
        (
            "/api/v1/orgs/{org}/questions/{question}",
            get(api::question),
        ),
        (
            "/api/v1/orgs/{org}/questions/{question}/messages",
            post(api::reply),
        ),
        (
            "/api/v1/orgs/{org}/requests",
            get(api::requests).merge(post(api::create_request)),
        ),
        (
            "/api/v1/orgs/{org}/requests/{request}/answer",
            post(api::answer_request),
        ),
        ("/api/v1/orgs/{org}/policies", get(hospital::policies)),
        (
            "/api/v1/orgs/{org}/policies/{policy}",
            get(hospital::policy).merge(put(hospital::put_policy)),
        ),
        (
            "/api/v1/orgs/{org}/risk-record",
            get(hospital::risk_record).merge(put(hospital::put_risk_record)),
        ),
        (
            "/api/v1/orgs/{org}/inbox/freshness",
            get(hospital::inbox_freshness),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/versions/{version}/review",
            get(hospital::review),
        ),
        ("/api/v1/orgs/{org}/compare", get(hospital::compare)),
        (
            "/api/v1/orgs/{org}/checklist/mhlw",
            get(hospital::checklist_mhlw),
        ),
        ("/api/v1/orgs/{org}/betsushi", get(hospital::betsushi)),
        (
            "/api/v1/orgs/{org}/documents/{document}/versions/{version}/risk",
            get(rss::risk),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/versions/{version}/sla",
            get(rss::sla),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/versions/{version}/risk",
            get(rss::received_risk),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/versions/{version}/sla",
            get(rss::received_sla),
        ),
        ("/api/openapi.json", get(api::openapi)),
    ];
    // Uploads have their own, larger body limit (the layer nearest the handler wins).
    let upload_limit = DefaultBodyLimit::max(app.config.upload_limit);
    routes.extend([
        // The inventory may come as a workbook (the text forms keep the JSON limit, in the handler).
        (
            "/api/v1/orgs/{org}/inventory",
            get(hospital::inventory).merge(put(hospital::put_inventory).layer(upload_limit)),
        ),
        (
            "/api/v1/orgs/{org}/releases/{release}/documents/import",
            post(workbooks::import_document).layer(upload_limit),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/draft/import",
            post(workbooks::import_draft).layer(upload_limit),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/draft/xlsx",
            get(workbooks::draft_xlsx),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/versions/{version}/xlsx",
            get(workbooks::version_xlsx),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/workbooks",
            get(workbooks::workbooks),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/workbooks/{workbook}",
            get(workbooks::workbook),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/attachments",
            get(attachments::attachments).merge(post(attachments::attach).layer(upload_limit)),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/attachments/{attachment}",
            get(attachments::attachment),
        ),
        (
            "/api/v1/orgs/{org}/documents/{document}/versions/{version}/attachments",
            get(attachments::version_attachments),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/versions/{version}/xlsx",
            get(workbooks::received_version_xlsx),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/versions/{version}/attachments",
            get(attachments::received_attachments),
        ),
        (
            "/api/v1/orgs/{org}/received/{document}/versions/{version}/attachments/{attachment}",
            get(attachments::received_attachment),
        ),
    ]);
    let mut router = Router::new();
    for (path, methods) in routes {
        router = router.route(path, methods);
    }
    let limit = app.config.body_limit;
    router
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            gate::gate,
        ))
        .fallback(|| async { problem::Problem::not_found("ページ", "page") })
        .method_not_allowed_fallback(|| async {
            problem::Problem::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "このパスはこのメソッドを受け付けません",
                "this path does not take this method",
            )
        })
        .layer(DefaultBodyLimit::max(limit))
        .with_state(app)
}

/// A server bound to its address, not yet serving.
#[derive(Debug)]
pub struct Server {
    listener: tokio::net::TcpListener,
    app: App,
    demo: Option<demo::Demo>,
    mailer: Option<mail::Mailer>,
}

impl Server {
    /// Opens the database (creating and migrating it), fills it for the demo when asked and fresh, and
    /// binds the address.
    pub async fn bind(config: Config) -> Result<Self, Error> {
        let mailer = match &config.smtp_url {
            Some(url) => {
                let mut mailer = mail::Mailer::new(url, &config.mail_from).map_err(Error::Mail)?;
                mailer.retry = config.mail_retry;
                mailer.max_attempts = config.mail_max_attempts.max(1);
                Some(mailer)
            }
            None => None,
        };
        // The store keeps originals up to the upload limit.
        let options = kaiji_store::Options {
            max_original_bytes: config.upload_limit as u64,
            ..kaiji_store::Options::default()
        };
        let store = Store::open_with(&config.database_url, options).await?;
        let registry = match &config.registry {
            Some(registry) => Arc::clone(registry),
            None => Arc::new(Registry::builtin()?),
        };
        let demo = if config.demo {
            demo::fill(&store, &registry).await?
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| Error::Bind {
                addr: config.bind,
                source,
            })?;
        Ok(Self {
            listener,
            app: App {
                store,
                registry,
                config: Arc::new(config),
            },
            demo,
            mailer,
        })
    }

    /// The address actually bound (port 0 resolved).
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        self.listener.local_addr().map_err(Error::Serve)
    }

    /// The demo logins, when this start filled a fresh database.
    pub fn demo(&self) -> Option<&demo::Demo> {
        self.demo.as_ref()
    }

    /// Serves until `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let router = router(self.app.clone());
        // The worker of this instance: the due jobs at every tick (shared with other instances through
        // the store's job claim). It stops with the server.
        let store = self.app.store.clone();
        let name = format!(
            "kaiji-serve-{}",
            self.listener.local_addr().map_err(Error::Serve)?
        );
        let mailer = self.mailer.clone();
        let worker = self.app.config.worker_interval.map(|interval| {
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(interval);
                loop {
                    tick.tick().await;
                    // A failure (the database away) is retried at the next tick.
                    let today = worker::today_in_japan(jiff::Timestamp::now());
                    let _ = worker::sweep_overdue(&store, today).await;
                    let _ = worker::run_due_with(&store, &name, mailer.is_some()).await;
                    if let Some(mailer) = &mailer {
                        let _ = mail::send_due(&store, &name, mailer).await;
                    }
                }
            })
        });
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Serve)?;
        if let Some(worker) = worker {
            worker.abort();
        }
        self.app.store.close().await;
        Ok(())
    }
}

/// Binds and serves until Ctrl-C or SIGTERM (see [`shutdown_signal`]).
pub async fn serve(config: Config) -> Result<(), Error> {
    let server = Server::bind(config).await?;
    server.run(shutdown_signal()).await
}

/// Completes at Ctrl-C (SIGINT) or, on Unix, SIGTERM (what a supervisor sends): the server then stops
/// accepting connections, lets the requests in flight finish, and returns.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                tokio::signal::ctrl_c().await.ok();
            }
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.ok();
    }
}
