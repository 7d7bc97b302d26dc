//! The two migration sets describe one schema: same tables, same columns, same types and nullability.

use std::collections::BTreeSet;

use sqlx::Row as _;

use crate::common::{Db, Flavour};

type Column = (String, String, String, bool);

fn normalise(ty: &str) -> String {
    match ty.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer".into(),
        "text" => "text".into(),
        "blob" | "bytea" => "bytes".into(),
        other => other.into(),
    }
}

async fn columns(db: &Db) -> BTreeSet<Column> {
    let sql = match db.flavour() {
        Flavour::Sqlite => {
            "SELECT m.name AS tbl, p.name AS col, p.type AS ty, p.\"notnull\" AS required \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'"
        }
        Flavour::Postgres => {
            "SELECT table_name::text AS tbl, column_name::text AS col, data_type::text AS ty, \
             CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END::bigint AS required \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'"
        }
    };
    let rows = sqlx::query(sql).fetch_all(db.pool()).await.unwrap();
    rows.iter()
        .map(|r| {
            (
                r.get::<String, _>("tbl"),
                r.get::<String, _>("col"),
                normalise(&r.get::<String, _>("ty")),
                r.get::<i64, _>("required") == 1,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_have_the_same_columns() {
    let sqlite = Db::new(Flavour::Sqlite).await;
    let postgres = Db::new(Flavour::Postgres).await;
    let (a, b) = (columns(&sqlite).await, columns(&postgres).await);
    assert!(a.len() > 100, "{}", a.len());
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_postgres: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "SQLite only: {only_sqlite:#?}\nPostgreSQL only: {only_postgres:#?}"
    );
}

async fn protected_tables(db: &Db) -> BTreeSet<String> {
    let sql = match db.flavour() {
        Flavour::Sqlite => {
            "SELECT DISTINCT tbl_name AS t FROM sqlite_master WHERE type = 'trigger'"
        }
        Flavour::Postgres => {
            "SELECT DISTINCT event_object_table::text AS t FROM information_schema.triggers \
             WHERE trigger_schema = 'public'"
        }
    };
    let rows = sqlx::query(sql).fetch_all(db.pool()).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>("t")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_protect_the_same_tables() {
    let sqlite = Db::new(Flavour::Sqlite).await;
    let postgres = Db::new(Flavour::Postgres).await;
    let want: BTreeSet<String> = [
        "access_terms",
        "audit_log",
        "document_versions",
        "terms_acceptances",
        "version_attachments",
    ]
    .map(String::from)
    .into();
    assert_eq!(protected_tables(&sqlite).await, want);
    assert_eq!(protected_tables(&postgres).await, want);
}

async fn indexes(db: &Db) -> BTreeSet<String> {
    let sql = match db.flavour() {
        Flavour::Sqlite => {
            "SELECT name AS i FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        }
        Flavour::Postgres => {
            "SELECT indexname::text AS i FROM pg_indexes WHERE schemaname = 'public' \
             AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'"
        }
    };
    let rows = sqlx::query(sql).fetch_all(db.pool()).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>("i")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_have_the_same_indexes() {
    let sqlite = Db::new(Flavour::Sqlite).await;
    let postgres = Db::new(Flavour::Postgres).await;
    let (a, b) = (indexes(&sqlite).await, indexes(&postgres).await);
    assert!(a.contains("audit_log_org") && a.len() >= 15, "{a:?}");
    assert_eq!(a, b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_database_is_unavailable() {
    for flavour in Flavour::ALL {
        let db = Db::new(flavour).await;
        db.ping().await.unwrap();
        db.close().await;
        let err = db.ping().await.unwrap_err();
        assert!(err.is_unavailable(), "{flavour}: {err:?}");
        assert_eq!(err.kind(), kaiji_catalog::ErrorKind::Internal);
        assert!(!err.text().ja.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_is_created_in_wal_with_foreign_keys() {
    let db = Db::new(Flavour::Sqlite).await;
    let mode: String = sqlx::query_scalar::<_, String>("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar::<_, i64>("PRAGMA foreign_keys")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = sqlx::query_scalar::<_, i64>("PRAGMA busy_timeout")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(busy, 5000);
    // Opening again applies nothing twice and keeps the data.
    db.create_organisation(&crate::common::admin(0), kaiji_store::OrgKind::Vendor, "v")
        .await
        .unwrap();
    db.close().await;
    let again = kaiji_store::Store::open(db.temp.url()).await.unwrap();
    assert_eq!(again.organisations(None).await.unwrap().len(), 1);
    assert!(again.verify_audit().await.unwrap().broken.is_none());
    assert!(matches!(
        kaiji_store::Store::open("mysql://x").await,
        Err(kaiji_store::Error::UnsupportedUrl(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_paths_with_awkward_characters() {
    let dir = kaiji_test_support::TempDir::new().unwrap();
    let path = dir.path().join("データ 100%?#.d").join("kaiji 開示.sqlite");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let store = kaiji_store::Store::open_sqlite(&path, kaiji_store::Options::default())
        .await
        .unwrap();
    store
        .create_organisation(&crate::common::admin(0), kaiji_store::OrgKind::Vendor, "v")
        .await
        .unwrap();
    store.close().await;
    assert!(path.is_file());
    let again = kaiji_store::Store::open_sqlite(&path, kaiji_store::Options::default())
        .await
        .unwrap();
    assert_eq!(again.organisations(None).await.unwrap().len(), 1);
    for url in ["sqlite::memory:", "sqlite:"] {
        assert!(
            matches!(
                kaiji_store::Store::open(url).await,
                Err(kaiji_store::Error::UnsupportedUrl(_))
            ),
            "{url}"
        );
    }
}
