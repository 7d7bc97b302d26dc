//! A process killed (SIGKILL) in the middle of a burst of changes loses none it was told had committed,
//! and the audit chain still verifies.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use kaiji_store::{OrgKind, Store};

use crate::common::{Db, Flavour, admin, on_both};

const CHILD_URL: &str = "KAIJI_STORE_WRITER_URL";

on_both!(killed_writer_loses_no_acknowledged_change);

/// Creates organisations `w0`, `w1`, … and writes `acked N` after each commit: until it is killed when run
/// by `killed_writer_loses_no_acknowledged_change` (which names the database), 20 of them on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writer() {
    let own;
    let (url, limit, mut out): (String, u64, Box<dyn std::io::Write>) =
        match std::env::var(CHILD_URL) {
            Ok(url) => (url, u64::MAX, Box::new(std::io::stdout().lock())),
            Err(_) => {
                own = Db::new(Flavour::Sqlite).await;
                (own.temp.url().to_owned(), 20, Box::new(std::io::sink()))
            }
        };
    let store = Store::open(&url).await.unwrap();
    for i in 0..limit {
        store
            .create_organisation(&admin(0), OrgKind::Hospital, &format!("w{i}"))
            .await
            .unwrap();
        writeln!(out, "acked {i}").unwrap();
        out.flush().unwrap();
    }
    let report = store.verify_audit().await.unwrap();
    assert_eq!((report.entries, report.broken), (20, None));
}

async fn killed_writer_loses_no_acknowledged_change(db: Db) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "durability::writer",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_URL, db.temp.url())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut acked = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("acked ") {
            acked.push(format!("w{n}"));
            if acked.len() == 40 {
                // SIGKILL, while the next change is under way.
                child.kill().unwrap();
                break;
            }
        }
    }
    child.wait().unwrap();
    assert_eq!(acked.len(), 40, "the writer stopped early");
    db.close().await;
    let store = Store::open(db.temp.url()).await.unwrap();
    let names: Vec<String> = store
        .organisations(None)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    for name in &acked {
        assert!(names.contains(name), "{name} was acknowledged and is gone");
    }
    let report = store.verify_audit().await.unwrap();
    assert_eq!(report.broken, None);
    assert_eq!(report.entries, names.len() as i64);
}
