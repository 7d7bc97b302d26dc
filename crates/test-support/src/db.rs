//! Temporary databases: an SQLite file in a temporary directory, or a freshly created PostgreSQL database
//! on the local server (`postgres://postgres@127.0.0.1:5432/test`, trust authentication; the environment
//! variable `KAIJI_TEST_POSTGRES` names another admin URL). Each is removed when the value is dropped.
//! PostgreSQL must be running: `.ci/run` starts it, and a test that cannot reach it fails rather than
//! skips.

use std::fmt;

use sqlx::{Connection as _, Executor as _};

/// The database the PostgreSQL tests connect to in order to create and drop their own.
pub fn postgres_admin_url() -> String {
    std::env::var("KAIJI_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Sqlite,
    Postgres,
}

impl Flavour {
    pub const ALL: [Self; 2] = [Self::Sqlite, Self::Postgres];
}

impl fmt::Display for Flavour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

/// A database that exists for one test.
pub struct TempDb {
    url: String,
    flavour: Flavour,
    name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl fmt::Debug for TempDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TempDb").field("url", &self.url).finish()
    }
}

impl TempDb {
    /// A new, empty database of this flavour.
    pub async fn new(flavour: Flavour) -> Self {
        match flavour {
            Flavour::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("kaiji.sqlite").display());
                Self {
                    url,
                    flavour,
                    name: None,
                    _dir: Some(dir),
                }
            }
            Flavour::Postgres => {
                let mut random = [0u8; 8];
                getrandom::fill(&mut random).expect("random bytes");
                let name = format!(
                    "kaiji_test_{}",
                    random
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                );
                let admin = postgres_admin_url();
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at {admin} is not reachable ({e}); .ci/run starts it")
                    });
                conn.execute(&*format!("CREATE DATABASE {name}"))
                    .await
                    .expect("CREATE DATABASE");
                conn.close().await.ok();
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Self {
                    url: format!("{base}/{name}"),
                    flavour,
                    name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    /// The URL to open it with (`sqlite://…` or `postgres://…`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn flavour(&self) -> Flavour {
        self.flavour
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let Some(name) = self.name.take() else {
            return;
        };
        // Drop runs outside any runtime's async context: a thread with its own small runtime drops the
        // database (FORCE ends connections a test left open).
        let admin = postgres_admin_url();
        let joined = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = conn
                        .execute(&*format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    conn.close().await.ok();
                }
            });
        })
        .join();
        drop(joined);
    }
}

/// Runs raw SQL statements on a SQLite file, outside any async runtime (a test that tampers with a
/// database the real binary wrote, to see `kaiji audit verify` name the change).
pub fn sqlite_execute(path: &std::path::Path, sql: &str) {
    let url = format!("sqlite://{}?mode=rw", path.display());
    let sql = sql.to_owned();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("open SQLite file");
            conn.execute(&*sql).await.expect("SQL runs");
            conn.close().await.ok();
        });
    })
    .join()
    .expect("SQL thread");
}
