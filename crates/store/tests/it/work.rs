use std::time::Duration;

use kaiji_store::{Error, HospitalFileKind, OrgKind, Role};
use serde_json::json;

use crate::common::{AWKWARD, Db, at, by, on_both, org_with};

on_both!(
    jobs_lifecycle,
    jobs_in_batches,
    notifications_and_mail,
    hospital_files
);

async fn jobs_lifecycle(db: Db) {
    let payload = json!({"document": "x", "text": AWKWARD});
    let job = db
        .enqueue_job(
            at(0),
            "notify-version",
            &payload,
            at(0),
            2,
            Some("version:x:1"),
        )
        .await
        .unwrap()
        .unwrap();
    // The same event queued again (by another instance) adds nothing.
    assert_eq!(
        db.enqueue_job(
            at(0),
            "notify-version",
            &payload,
            at(0),
            2,
            Some("version:x:1")
        )
        .await
        .unwrap(),
        None
    );
    let future = db
        .enqueue_job(at(0), "later", &json!({}), at(30), 1, None)
        .await
        .unwrap()
        .unwrap();

    let claimed = db
        .claim_job(at(1), "worker-a", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            claimed.id.clone(),
            claimed.payload.clone(),
            claimed.attempts
        ),
        (job.clone(), payload, 1)
    );
    // Claimed: nobody else gets it while the claim holds, and the later job is not due.
    assert_eq!(
        db.claim_job(at(1), "worker-b", Duration::from_secs(60))
            .await
            .unwrap(),
        None
    );
    // The claim lapses (the worker died): another worker takes it over, the first can no longer finish it.
    let retaken = db
        .claim_job(at(3), "worker-b", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((retaken.id.clone(), retaken.attempts), (job.clone(), 2));
    assert!(matches!(
        db.complete_job(at(3), "worker-a", &job).await,
        Err(Error::NotFound(_))
    ));
    // A failure with no attempts left fails the job for good.
    db.fail_job(at(3), "worker-b", &job, "SMTP 451 try later", at(4))
        .await
        .unwrap();
    assert_eq!(db.job_state(&job).await.unwrap(), ("failed".to_owned(), 2));
    assert_eq!(
        db.claim_job(at(10), "worker-b", Duration::from_secs(60))
            .await
            .unwrap(),
        None
    );

    let due = db
        .claim_job(at(30), "worker-a", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(due.id, future);
    db.complete_job(at(30), "worker-a", &future).await.unwrap();
    assert_eq!(db.job_state(&future).await.unwrap(), ("done".to_owned(), 1));
    assert_eq!(
        db.claim_job(at(100), "worker-a", Duration::from_secs(60))
            .await
            .unwrap(),
        None
    );

    // A failed run with attempts left is queued again at its retry time.
    let retry = db
        .enqueue_job(at(0), "retry", &json!({}), at(0), 3, None)
        .await
        .unwrap()
        .unwrap();
    let claimed = db
        .claim_job(at(101), "w", Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, retry);
    db.fail_job(at(101), "w", &retry, "temporary", at(110))
        .await
        .unwrap();
    assert_eq!(
        db.job_state(&retry).await.unwrap(),
        ("queued".to_owned(), 1)
    );
    assert_eq!(
        db.claim_job(at(105), "w", Duration::from_secs(5))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        db.claim_job(at(110), "w", Duration::from_secs(5))
            .await
            .unwrap()
            .unwrap()
            .attempts,
        2
    );
}

async fn jobs_in_batches(db: Db) {
    let mut queued = Vec::new();
    for i in 0..5 {
        let id = db
            .enqueue_job(at(i), "batch", &json!({ "n": i }), at(i), 2, None)
            .await
            .unwrap()
            .unwrap();
        queued.push(id);
    }
    let lease = Duration::from_secs(600);
    let ids = |jobs: Vec<kaiji_store::Job>| jobs.into_iter().map(|j| j.id).collect::<Vec<_>>();
    // The oldest first, each to one worker.
    let a = ids(db.claim_jobs(at(10), "a", lease, 3).await.unwrap());
    assert_eq!(a, queued[..3]);
    let b = ids(db.claim_jobs(at(15), "b", lease, 3).await.unwrap());
    assert_eq!(b, queued[3..]);
    assert!(
        db.claim_jobs(at(15), "c", lease, 3)
            .await
            .unwrap()
            .is_empty()
    );
    db.complete_job(at(11), "a", &a[0]).await.unwrap();
    // a's claim lapses: the two it did not finish go to the next claim, b's still hold until theirs do.
    let c = ids(db.claim_jobs(at(21), "c", lease, 10).await.unwrap());
    assert_eq!(c, queued[1..3]);
    let d = db.claim_jobs(at(26), "d", lease, 10).await.unwrap();
    assert_eq!(
        d.iter()
            .map(|j| (j.id.clone(), j.attempts))
            .collect::<Vec<_>>(),
        vec![(queued[3].clone(), 2), (queued[4].clone(), 2)]
    );
    // No attempts left: nothing more to claim, whenever.
    assert!(
        db.claim_jobs(at(1000), "e", lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn notifications_and_mail(db: Db) {
    let (hospital, hana) = org_with(
        &db,
        OrgKind::Hospital,
        "病院",
        "hana@example.jp",
        Role::Reviewer,
    )
    .await;
    let (other, oscar) = org_with(
        &db,
        OrgKind::Hospital,
        "他院",
        "oscar@example.jp",
        Role::Reviewer,
    )
    .await;
    let data = json!({"document": "d", "version": 2, "title": AWKWARD});
    let n1 = db
        .notify(
            at(1),
            &hospital.id,
            None,
            "new-version",
            &data,
            Some("new-version:d:2:h"),
        )
        .await
        .unwrap();
    assert!(n1.is_some());
    assert_eq!(
        db.notify(
            at(1),
            &hospital.id,
            None,
            "new-version",
            &data,
            Some("new-version:d:2:h")
        )
        .await
        .unwrap(),
        None
    );
    db.notify(
        at(2),
        &hospital.id,
        Some(&hana.id),
        "question-answered",
        &json!({}),
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let seen = db
        .notifications(&hospital.id, &hana.id, false, 50)
        .await
        .unwrap();
    assert_eq!(
        seen.iter().map(|n| n.kind.as_str()).collect::<Vec<_>>(),
        vec!["question-answered", "new-version"]
    );
    assert_eq!(seen[1].data, data);
    assert!(
        db.notifications(&other.id, &oscar.id, false, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        db.mark_read(at(3), &other.id, &seen[1].id).await,
        Err(Error::NotFound(_))
    ));
    db.mark_read(at(3), &hospital.id, &seen[1].id)
        .await
        .unwrap();
    assert_eq!(
        db.notifications(&hospital.id, &hana.id, true, 50)
            .await
            .unwrap()
            .len(),
        1
    );

    let mail = db
        .queue_mail(
            at(1),
            "hana@example.jp",
            "新しい版: MDS 第2版",
            AWKWARD,
            Some("mail:d:2:hana"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        db.queue_mail(at(1), "hana@example.jp", "x", "y", Some("mail:d:2:hana"))
            .await
            .unwrap(),
        None
    );
    assert!(
        db.queue_mail(
            at(1),
            "hana@example.jp\r\nBcc: x@example.jp",
            "x",
            "y",
            None
        )
        .await
        .is_err()
    );
    let pending = db.pending_mail(3, 10).await.unwrap();
    assert_eq!((pending.len(), pending[0].body.as_str()), (1, AWKWARD));
    db.mail_attempted(at(2), &mail, Some("connection refused"))
        .await
        .unwrap();
    assert_eq!(
        db.pending_mail(3, 10).await.unwrap()[0]
            .last_error
            .as_deref(),
        Some("connection refused")
    );
    db.mail_attempted(at(3), &mail, None).await.unwrap();
    assert!(db.pending_mail(3, 10).await.unwrap().is_empty());
    assert!(db.mail_attempted(at(4), &mail, None).await.is_err());
}

async fn hospital_files(db: Db) {
    let (hospital, hana) = org_with(
        &db,
        OrgKind::Hospital,
        "病院",
        "hana@example.jp",
        Role::Editor,
    )
    .await;
    let (vendor, _) = org_with(&db, OrgKind::Vendor, "Vendor", "v@example.jp", Role::Owner).await;
    let ctx = by(&hana, &hospital.id, 1);
    let policy = format!("id: local\n# {AWKWARD}\n");
    db.put_hospital_file(
        &ctx,
        &hospital.id,
        HospitalFileKind::Policy,
        "院内基準",
        &policy,
    )
    .await
    .unwrap();
    db.put_hospital_file(
        &ctx,
        &hospital.id,
        HospitalFileKind::Policy,
        "院内基準",
        "id: v2\n",
    )
    .await
    .unwrap();
    let file = db
        .hospital_file(&hospital.id, HospitalFileKind::Policy, "院内基準")
        .await
        .unwrap();
    assert_eq!(
        (file.content.as_str(), file.updated_by),
        ("id: v2\n", Some(hana.id.clone()))
    );
    assert!(
        db.hospital_file(&vendor.id, HospitalFileKind::Policy, "院内基準")
            .await
            .is_err()
    );
    db.put_hospital_file(
        &ctx,
        &hospital.id,
        HospitalFileKind::Inventory,
        "機器台帳",
        "systems: []\n",
    )
    .await
    .unwrap();
    assert_eq!(
        db.hospital_files(&hospital.id, HospitalFileKind::Policy)
            .await
            .unwrap(),
        vec!["院内基準"]
    );
    assert_eq!(
        db.hospital_files(&hospital.id, HospitalFileKind::Inventory)
            .await
            .unwrap(),
        vec!["機器台帳"]
    );
    // The third kind (migration 0003).
    db.put_hospital_file(
        &ctx,
        &hospital.id,
        HospitalFileKind::RiskRecord,
        "risk-record",
        "facility: 病院\n",
    )
    .await
    .unwrap();
    assert_eq!(
        db.hospital_file(&hospital.id, HospitalFileKind::RiskRecord, "risk-record")
            .await
            .unwrap()
            .kind,
        HospitalFileKind::RiskRecord
    );
    assert!(
        db.hospital_files(&vendor.id, HospitalFileKind::Policy)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.hospital_file(&hospital.id, HospitalFileKind::Inventory, "院内基準")
            .await
            .is_err()
    );
    assert!(
        db.put_hospital_file(&ctx, &vendor.id, HospitalFileKind::Inventory, "x", "y")
            .await
            .is_err()
    );
}
