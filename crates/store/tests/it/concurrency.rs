use std::collections::BTreeSet;
use std::time::Duration;

use kaiji_store::{JobId, OrgKind, Store};
use serde_json::json;

use crate::common::{Db, admin, at, on_both};

on_both!(
    two_pools_claim_each_job_once,
    concurrent_changes_keep_one_chain
);

/// Claims until nothing is left, as one server instance's worker would.
async fn drain(store: Store, worker: &'static str) -> Vec<JobId> {
    let mut mine = Vec::new();
    while let Some(job) = store
        .claim_job(at(1), worker, Duration::from_secs(600))
        .await
        .unwrap()
    {
        store.complete_job(at(1), worker, &job.id).await.unwrap();
        mine.push(job.id);
        tokio::task::yield_now().await;
    }
    mine
}

async fn two_pools_claim_each_job_once(db: Db) {
    let mut queued = BTreeSet::new();
    for i in 0..60 {
        let id = db
            .enqueue_job(at(0), "notify", &json!({"n": i}), at(0), 3, None)
            .await
            .unwrap()
            .unwrap();
        queued.insert(id);
    }
    let other = db.second().await;
    let a = tokio::spawn(drain(db.store.clone(), "instance-a"));
    let b = tokio::spawn(drain(other.clone(), "instance-b"));
    let a2 = tokio::spawn(drain(db.store.clone(), "instance-a2"));
    let b2 = tokio::spawn(drain(other, "instance-b2"));
    let mut claimed = Vec::new();
    for handle in [a, b, a2, b2] {
        claimed.extend(handle.await.unwrap());
    }
    let unique: BTreeSet<_> = claimed.iter().cloned().collect();
    assert_eq!(claimed.len(), 60, "every job claimed exactly once");
    assert_eq!(unique, queued);
}

async fn concurrent_changes_keep_one_chain(db: Db) {
    let other = db.second().await;
    let mut handles = Vec::new();
    for (n, store) in [db.store.clone(), other].into_iter().enumerate() {
        handles.push(tokio::spawn(async move {
            for i in 0..15 {
                store
                    .create_organisation(&admin(i), OrgKind::Hospital, &format!("病院 {n}-{i}"))
                    .await
                    .unwrap();
            }
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let report = db.verify_audit().await.unwrap();
    assert_eq!((report.entries, report.broken), (30, None));
    assert_eq!(db.organisations(None).await.unwrap().len(), 30);
}
