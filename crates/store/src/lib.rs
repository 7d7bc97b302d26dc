//! kaiji's persistence: an embedded SQLite file (the default) or PostgreSQL, through one code path.
//!
//! - **One set of queries.** Every query is written once against [`sqlx::Any`], with `$1` placeholders that
//!   both SQLite and PostgreSQL read; the two dialects differ only in their migrations
//!   (`migrations/sqlite`, `migrations/postgres`, kept equal by a test) and in how a job is claimed
//!   ([`Store::claim_job`]).
//! - **Every change is one transaction** that also appends its entry to the hash-chained audit log
//!   ([`Store::verify_audit`]). The transaction updates the chain's head first, so changes are serialised
//!   and no two entries follow the same one.
//! - **The store decides nothing about who may do what**, but every read and change is scoped by an
//!   organisation: asking for another organisation's row by its id answers [`Error::NotFound`].
//! - **Time is a parameter** ([`Ctx::now`], `now` arguments): the store never reads the clock.
//!
//! Published versions, access terms, their acceptances and the audit log are append-only: the API has no
//! way to change them and database triggers refuse an `UPDATE` or `DELETE`.
//!
//! ```no_run
//! # async fn journey() -> kaiji_store::Result<()> {
//! use jiff::Timestamp;
//! use kaiji_store::{Ctx, NewProduct, OrgKind, Publication, Role, Store};
//! use serde_json::json;
//!
//! let store = Store::open("sqlite://kaiji.sqlite").await?; // or postgres://…
//! let now: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap(); // the server reads its clock
//! let admin = Ctx::system("admin", now);
//! let vendor = store.create_organisation(&admin, OrgKind::Vendor, "カイジ医療").await?;
//! let hospital = store.create_organisation(&admin, OrgKind::Hospital, "市立病院").await?;
//! let alice = store.create_user(&admin, "alice@example.jp", "Alice", "a long password").await?;
//! store.set_membership(&admin, &vendor.id, &alice.id, Role::Editor).await?;
//!
//! // Alice acts for her vendor: every change takes who, for which organisation, from where, when.
//! let ctx = Ctx { user: Some(alice.id.clone()), org: Some(vendor.id.clone()),
//!                 actor: alice.email.clone(), address: Some("192.0.2.1".into()), now };
//! let product = NewProduct { maker: "カイジ医療".into(), name: "PACS".into(), model: "KJ-1".into(),
//!                            device_id: None, purl: None };
//! let product = store.create_product(&ctx, &vendor.id, &product).await?;
//! let release = store.create_release(&ctx, &vendor.id, &product.id, "2.1").await?;
//! let mds = store.create_document(&ctx, &vendor.id, &release.id, "mds", "MDS").await?;
//! store.save_draft(&ctx, &vendor.id, &mds.id, &json!({"answers": {}}), &json!([])).await?;
//! let v1 = store.publish(&ctx, &vendor.id, &mds.id, &Publication {
//!     effective_date: jiff::civil::date(2026, 12, 1),
//!     next_review_date: jiff::civil::date(2027, 12, 1),
//!     update_reason: "初版".into(),
//!     findings: json!([]),
//! }).await?;
//! store.share(&ctx, &vendor.id, &mds.id, &hospital.id).await?;
//! assert_eq!(store.inbox(&hospital.id).await?[0].latest.content_address, v1.content_address);
//! assert!(store.verify_audit().await?.broken.is_none());
//! # Ok(())
//! # }
//! ```

mod accounts;
mod audit;
mod exchange;
mod ids;
mod page;
mod vendor;
mod work;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use kaiji_catalog::{ErrorKind, Text};
use kaiji_sign::ContentAddress;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Executor as _, Row as _, Transaction};

pub use accounts::{
    ApiToken, LoginOutcome, Membership, OrgKind, Organisation, Role, Secret, SessionInfo,
    TokenGrant, User,
};
pub use audit::{AuditEntry, AuditReport, BrokenEntry};
pub use exchange::{
    Acceptance, Acceptor, Acknowledgement, InboxEntry, LinkGrant, Message, NewRequest, Question,
    Request, RequestStatus, Share, Terms,
};
pub use ids::{
    DocumentId, JobId, LinkId, NotificationId, OrgId, OriginalId, ProductId, QuestionId, ReleaseId,
    RequestId, ShareId, TermsId, TokenId, UserId,
};
pub use page::{Cursor, Page, Paged};
pub use vendor::{
    DeviceId, Document, ImportedDraft, NewOriginal, NewProduct, Original, OriginalRole, Product,
    Publication, Release, Version, VersionSummary,
};
pub use work::{HospitalFile, HospitalFileKind, Job, Mail, Notification};

/// What the store answers: the typed error of every operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No such row in the caller's organisation (whether it exists in another one is not said).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change conflicts with what is stored (a duplicate name, a second acknowledgement, …).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input does not make sense for this operation (a hospital creating a product, a file name with
    /// a path in it, a draft that is not there to publish, …).
    #[error("bad input: {0}")]
    BadInput(String),
    /// An upload is larger than the configured limit.
    #[error("{what} is {size} bytes; the limit is {limit}")]
    TooLarge {
        what: &'static str,
        size: u64,
        limit: u64,
    },
    /// The database URL names neither SQLite nor PostgreSQL.
    #[error("unsupported database URL (sqlite:… or postgres://…): {0}")]
    UnsupportedUrl(String),
    /// A stored value does not read back (a tampered or foreign database).
    #[error("stored data does not read back: {0}")]
    Corrupt(String),
    /// Hashing a password failed.
    #[error("password hashing failed: {0}")]
    Password(String),
    /// The operating system gave no random bytes.
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
    /// The database refused or could not be reached.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A `Result` with the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// How a caller answers this error (the CLI's exit code, the server's status), never by its text.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::BadInput(_) => ErrorKind::BadInput,
            Self::TooLarge { .. } => ErrorKind::TooLarge,
            Self::UnsupportedUrl(_) => ErrorKind::Unsupported,
            Self::Corrupt(_)
            | Self::Password(_)
            | Self::Random(_)
            | Self::Database(_)
            | Self::Migrate(_) => ErrorKind::Internal,
        }
    }

    /// Whether the database could not be reached (the server answers 503 and retries later).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            // A connection cut during the handshake reads as a protocol error (PostgreSQL's answer to
            // the TLS request is a closed socket): the database is away, not the request wrong.
            Self::Database(
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Protocol(_)
                    | sqlx::Error::WorkerCrashed
            )
        )
    }

    /// The message in Japanese and English.
    pub fn text(&self) -> Text {
        match self {
            Self::NotFound(what) => Text::new(
                format!("{} が見つかりません", ja_name(what)),
                self.to_string(),
            ),
            Self::Conflict(why) => {
                Text::new(format!("既存のデータと矛盾します: {why}"), self.to_string())
            }
            Self::BadInput(why) => Text::new(format!("入力が不正です: {why}"), self.to_string()),
            Self::TooLarge { what, size, limit } => Text::new(
                format!(
                    "{} が {size} バイトあり、上限 {limit} バイトを超えています",
                    ja_name(what)
                ),
                self.to_string(),
            ),
            Self::UnsupportedUrl(url) => Text::new(
                format!(
                    "対応していないデータベース URL です (sqlite:… または postgres://…): {url}"
                ),
                self.to_string(),
            ),
            Self::Corrupt(why) => Text::new(
                format!("保存されたデータを読み戻せません: {why}"),
                self.to_string(),
            ),
            Self::Password(why) => Text::new(
                format!("パスワードのハッシュ化に失敗しました: {why}"),
                self.to_string(),
            ),
            Self::Random(why) => Text::new(
                format!("OS から乱数を得られません: {why}"),
                self.to_string(),
            ),
            Self::Database(e) => Text::new(format!("データベースのエラー: {e}"), self.to_string()),
            Self::Migrate(e) => Text::new(
                format!("マイグレーションに失敗しました: {e}"),
                self.to_string(),
            ),
        }
    }
}

fn ja_name(what: &str) -> &str {
    match what {
        "organisation" => "組織",
        "user" => "ユーザー",
        "membership" => "所属",
        "session" => "セッション",
        "api token" => "API トークン",
        "password reset" => "パスワード再設定",
        "product" => "製品",
        "release" => "リリース",
        "document" => "文書",
        "version" => "版",
        "draft" => "下書き",
        "original" => "原本ファイル",
        "share" => "共有",
        "access link" => "アクセスリンク",
        "access terms" => "アクセス条件",
        "request" => "依頼",
        "question" => "質問",
        "notification" => "通知",
        "job" => "ジョブ",
        "file" => "ファイル",
        other => other,
    }
}

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Limits and tuning of a store; [`Options::default`] is what the server uses.
#[derive(Debug, Clone)]
pub struct Options {
    /// Connections in the pool.
    pub max_connections: u32,
    /// How long a SQLite connection waits for another writer before it gives up.
    pub busy_timeout: Duration,
    /// How long a caller waits for a connection (a new one included) before the store answers
    /// unavailable: a database that went away is a quick 503, not a hung request.
    pub acquire_timeout: Duration,
    /// The largest original (workbook, attachment) kept, in bytes.
    pub max_original_bytes: u64,
    /// Failed logins within [`Options::throttle_window`] that lock an account or an address.
    pub throttle_failures: i64,
    /// The window failed logins are counted in.
    pub throttle_window: Duration,
    /// How long a lock lasts.
    pub throttle_lock: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_connections: 8,
            busy_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(3),
            max_original_bytes: 20 * 1024 * 1024,
            throttle_failures: 5,
            throttle_window: Duration::from_secs(15 * 60),
            throttle_lock: Duration::from_secs(15 * 60),
        }
    }
}

/// Who makes a change, from where, and when: every change takes one, and its audit entry records it.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The user, when a person (or their API token) acts; `None` for the system and `kaiji admin`.
    pub user: Option<UserId>,
    /// The organisation the actor acts for, when there is one.
    pub org: Option<OrgId>,
    /// How the audit log names the actor: an e-mail address, `token:<id>`, `admin`, `system`.
    pub actor: String,
    /// The network address the change came from (the server's view of the client), when known.
    pub address: Option<String>,
    /// The time of the change (the server reads its clock; the store never does).
    pub now: Timestamp,
}

impl Ctx {
    /// The system itself (a worker, `kaiji admin`, the demo set-up) at `now`.
    pub fn system(actor: impl Into<String>, now: Timestamp) -> Self {
        Self {
            user: None,
            org: None,
            actor: actor.into(),
            address: None,
            now,
        }
    }
}

/// The database: a pool of connections and the limits it enforces. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    options: Options,
}

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "version attachments",
        include_str!("../migrations/sqlite/0002_version_attachments.sql"),
    ),
    (
        3,
        "risk record",
        include_str!("../migrations/sqlite/0003_risk_record.sql"),
    ),
    (
        4,
        "mail claims",
        include_str!("../migrations/sqlite/0004_mail_claims.sql"),
    ),
    (
        5,
        "jobs due index",
        include_str!("../migrations/sqlite/0005_jobs_due.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "version attachments",
        include_str!("../migrations/postgres/0002_version_attachments.sql"),
    ),
    (
        3,
        "risk record",
        include_str!("../migrations/postgres/0003_risk_record.sql"),
    ),
    (
        4,
        "mail claims",
        include_str!("../migrations/postgres/0004_mail_claims.sql"),
    ),
    (
        5,
        "jobs due index",
        include_str!("../migrations/postgres/0005_jobs_due.sql"),
    ),
];

impl Store {
    /// Opens the database at `url` with the default [`Options`], applying the migrations it lacks.
    /// `sqlite:PATH` (or `sqlite://PATH`) creates the file on first open; `postgres://…` connects to an
    /// existing database.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, Options::default()).await
    }

    /// Opens an embedded SQLite file, creating it (and its schema) on first open.
    pub async fn open_sqlite(path: &Path, options: Options) -> Result<Self> {
        let path = path
            .to_str()
            .ok_or_else(|| Error::UnsupportedUrl(format!("{} (not UTF-8)", path.display())))?;
        Self::open_with(&sqlite_url(path, "rwc"), options).await
    }

    /// Opens the database at `url` with `options`.
    pub async fn open_with(url: &str, options: Options) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(Error::UnsupportedUrl(url.to_owned()));
        };
        let pool_options = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout);
        let pool = match backend {
            Backend::Sqlite => {
                // The file is created, and switched to WAL (a setting the file keeps), before the pool opens.
                let path = sqlite_path(url)?;
                create_sqlite_file(&path, options.busy_timeout).await?;
                let busy = options.busy_timeout.as_millis();
                pool_options
                    .after_connect(move |conn, _meta| {
                        Box::pin(async move {
                            // Every connection: foreign keys enforced, wait for other writers, and a commit
                            // survives a crash of the process (WAL with synchronous = NORMAL; FULL adds
                            // durability across power loss, not process kills). Pages are read through
                            // a memory map and kept in a 16 MiB cache: a published document spans several
                            // overflow pages, and without them every read was a read(2) per page (the
                            // benchmark's inbox spent most of its time copying pages out of the kernel).
                            conn.execute(&*format!(
                                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {busy}; \
                                 PRAGMA synchronous = NORMAL; PRAGMA mmap_size = {SQLITE_MMAP_BYTES}; \
                                 PRAGMA cache_size = -{SQLITE_CACHE_KIB};"
                            ))
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&sqlite_url(&path, "rw"))
                    .await?
            }
            Backend::Postgres => pool_options.connect(url).await?,
        };
        let store = Self {
            pool,
            backend,
            options,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        let set = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let migrations = set
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    Cow::Borrowed(*sql),
                    false,
                )
            })
            .collect();
        let migrator = Migrator {
            migrations: Cow::Owned(migrations),
            ..Migrator::DEFAULT
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The database this store is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The limits this store enforces.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The connection pool, for tests and tools that need raw SQL (the audit-tamper test).
    /// Application code goes through the typed methods.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Checks that the database answers (the server's readiness probe).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a change: a transaction whose first statement advances the audit chain's head (so the
    /// write lock is taken at once on SQLite and the head row is locked on PostgreSQL).
    async fn begin<'a>(&self, ctx: &'a Ctx) -> Result<Change<'a>> {
        let mut tx = self.pool.begin().await?;
        let row =
            sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *tx)
                .await?;
        let seq: i64 = row.try_get(0)?;
        let prev: String = row.try_get(1)?;
        let prev = ContentAddress::from_str(&prev)
            .map_err(|e| Error::Corrupt(format!("audit head: {e}")))?;
        Ok(Change { tx, ctx, seq, prev })
    }
}

/// The file a `sqlite:` URL names (percent-decoded, as sqlx reads it).
fn sqlite_path(url: &str) -> Result<String> {
    use sqlx::sqlite::SqliteConnectOptions;
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| Error::UnsupportedUrl(format!("{url}: {e}")))?;
    let path = options.get_filename().to_string_lossy().into_owned();
    if path.is_empty() || path.starts_with("file:sqlx-in-memory") || path == ":memory:" {
        return Err(Error::UnsupportedUrl(format!(
            "{url} (the store needs a file, not an in-memory database)"
        )));
    }
    Ok(path)
}

/// A `sqlite://` URL for a file, with the characters sqlx decodes (`%`, `?`, `#`) encoded.
fn sqlite_url(path: &str, mode: &str) -> String {
    let encoded = path
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23");
    format!("sqlite://{encoded}?mode={mode}")
}

async fn create_sqlite_file(path: &str, busy_timeout: Duration) -> Result<()> {
    use sqlx::ConnectOptions as _;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    let conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(busy_timeout)
        .connect()
        .await?;
    sqlx::Connection::close(conn).await?;
    Ok(())
}

/// How much of an SQLite file each connection reads through a memory map (256 MiB).
const SQLITE_MMAP_BYTES: u64 = 256 * 1024 * 1024;
/// Each SQLite connection's page cache, in KiB (16 MiB).
const SQLITE_CACHE_KIB: u64 = 16 * 1024;

/// How many times a worker may claim an event job before it fails for good.
const EVENT_ATTEMPTS: i64 = 5;

/// A change in progress: its transaction and the audit entry it will append.
struct Change<'a> {
    tx: Transaction<'static, Any>,
    ctx: &'a Ctx,
    seq: i64,
    prev: ContentAddress,
}

impl Change<'_> {
    fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Like [`Change::commit`], and queues a job of kind `event:<action>` in the same transaction, for the
    /// workers to act on (notifications, mail): an event is queued exactly when its change commits, once
    /// (its dedupe key is the audit entry's number). `org` is the organisation the change is made in
    /// (the workers read it from the payload's `org`), which a system change (`Ctx::system`) does not
    /// carry in its context; `None` for a change of no one organisation.
    async fn commit_event(
        mut self,
        org: Option<&OrgId>,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let payload = serde_json::json!({
            "seq": self.seq,
            "target": target,
            "org": org.map(OrgId::as_str),
            "user": self.ctx.user.as_ref().map(UserId::as_str),
            "details": details,
        });
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, dedupe_key, state, run_at, attempts, max_attempts, created_at) \
             VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $5)",
        )
        .bind(ids::new_id(self.ctx.now)?)
        .bind(format!("event:{action}"))
        .bind(kaiji_sign::canonical(&payload))
        .bind(format!("audit:{}", self.seq))
        .bind(self.ctx.now.as_millisecond())
        .bind(EVENT_ATTEMPTS)
        .execute(&mut *self.tx)
        .await?;
        self.commit(action, target, details).await
    }

    /// Appends the audit entry (`action` on `target`, with `details`) and commits.
    async fn commit(
        mut self,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let entry = audit::Entry {
            seq: self.seq,
            at: self.ctx.now.as_millisecond(),
            actor_user_id: self.ctx.user.as_ref().map(|u| u.as_str().to_owned()),
            actor: self.ctx.actor.clone(),
            org_id: self.ctx.org.as_ref().map(|o| o.as_str().to_owned()),
            action: action.to_owned(),
            target: target.to_owned(),
            address: self.ctx.address.clone(),
            details,
        };
        let hash = kaiji_sign::chain_hash(&self.prev, &entry.to_json());
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_user_id, actor, org_id, action, target, address, \
             details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(entry.seq)
        .bind(entry.at)
        .bind(entry.actor_user_id)
        .bind(entry.actor)
        .bind(entry.org_id)
        .bind(entry.action)
        .bind(entry.target)
        .bind(entry.address)
        .bind(kaiji_sign::canonical(&entry.details))
        .bind(self.prev.as_str().to_owned())
        .bind(hash.as_str().to_owned())
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(hash.as_str().to_owned())
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// Turns a database refusal of a unique or foreign key constraint into the store's own error.
fn constraint(e: sqlx::Error, conflict: &str) -> Error {
    if let sqlx::Error::Database(db) = &e {
        match db.kind() {
            sqlx::error::ErrorKind::UniqueViolation => return Error::Conflict(conflict.to_owned()),
            sqlx::error::ErrorKind::ForeignKeyViolation => {
                return Error::BadInput(format!("{conflict}: a referenced row does not exist"));
            }
            _ => {}
        }
    }
    Error::Database(e)
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

fn ts(row: &AnyRow, column: &str) -> Result<Timestamp> {
    let v: i64 = row.try_get(column)?;
    Timestamp::from_millisecond(v).map_err(|e| Error::Corrupt(format!("{column}: {e}")))
}

fn ts_opt(row: &AnyRow, column: &str) -> Result<Option<Timestamp>> {
    let v: Option<i64> = row.try_get(column)?;
    v.map(|v| Timestamp::from_millisecond(v).map_err(|e| Error::Corrupt(format!("{column}: {e}"))))
        .transpose()
}

fn date(row: &AnyRow, column: &str) -> Result<Date> {
    let v: String = row.try_get(column)?;
    v.parse()
        .map_err(|e| Error::Corrupt(format!("{column} {v:?}: {e}")))
}

fn text(row: &AnyRow, column: &str) -> Result<String> {
    Ok(row.try_get(column)?)
}

fn text_opt(row: &AnyRow, column: &str) -> Result<Option<String>> {
    Ok(row.try_get(column)?)
}

fn json(row: &AnyRow, column: &str) -> Result<serde_json::Value> {
    let v: String = row.try_get(column)?;
    serde_json::from_str(&v).map_err(|e| Error::Corrupt(format!("{column}: {e}")))
}

fn parsed<T: FromStr>(row: &AnyRow, column: &str) -> Result<T>
where
    T::Err: fmt::Display,
{
    let v: String = row.try_get(column)?;
    v.parse()
        .map_err(|e| Error::Corrupt(format!("{column} {v:?}: {e}")))
}

/// Refuses empty text and text with control characters other than line breaks and tabs in a name-like
/// field; long bodies (answers, messages) allow every printable character.
fn check_text(what: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::BadInput(format!("{what} is empty")));
    }
    if value.chars().count() > max {
        return Err(Error::BadInput(format!(
            "{what} is longer than {max} characters"
        )));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::BadInput(format!(
            "{what} contains a control character"
        )));
    }
    Ok(())
}
