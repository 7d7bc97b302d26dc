use kaiji_store::{Ctx, OrgKind, Role};

use crate::common::{AWKWARD, Db, Flavour, admin, at, on_both, org_with};

on_both!(audit_chain_verifies_and_exports, audit_tamper_is_named);

async fn audit_chain_verifies_and_exports(db: Db) {
    let empty = db.verify_audit().await.unwrap();
    assert_eq!((empty.entries, empty.broken), (0, None));
    let (org, user) = org_with(
        &db,
        OrgKind::Vendor,
        AWKWARD,
        "alice@example.jp",
        Role::Owner,
    )
    .await;
    let ctx = Ctx {
        address: Some("2001:db8::1".into()),
        ..crate::common::by(&user, &org.id, 5)
    };
    db.issue_api_token(&ctx, &org.id, Role::Viewer, "token", at(100))
        .await
        .unwrap();
    let report = db.verify_audit().await.unwrap();
    assert_eq!((report.entries, report.broken), (4, None));
    let entries = db.audit_entries(None, 0, 100).await.unwrap();
    let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "organisation.create",
            "user.create",
            "membership.set",
            "api-token.issue"
        ]
    );
    assert_eq!(entries[0].details["name"], AWKWARD);
    let last = &entries[3];
    assert_eq!(
        (
            last.actor.as_str(),
            last.address.as_deref(),
            last.org_id.as_deref()
        ),
        (
            "alice@example.jp",
            Some("2001:db8::1"),
            Some(org.id.as_str())
        )
    );
    assert_eq!(last.at, at(5));
    assert_eq!(entries[1].prev_hash, entries[0].hash);
    assert_eq!(report.head, last.hash);
    assert_eq!(
        db.audit_entries(Some(&org.id), 0, 100).await.unwrap().len(),
        1
    );
    assert_eq!(db.audit_entries(None, 2, 1).await.unwrap()[0].seq, 3);
    // A change that fails leaves no entry.
    assert!(
        db.create_user(
            &admin(6),
            "alice@example.jp",
            "again",
            "long enough password"
        )
        .await
        .is_err()
    );
    assert_eq!(db.verify_audit().await.unwrap().entries, 4);
}

async fn audit_tamper_is_named(db: Db) {
    for i in 0..5 {
        db.create_organisation(&admin(i), OrgKind::Hospital, &format!("病院 {i}"))
            .await
            .unwrap();
    }
    assert!(db.verify_audit().await.unwrap().broken.is_none());
    // The log is append-only for everyone going through the database.
    assert!(
        db.raw("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
            .await
            .is_err()
    );
    assert!(db.raw("DELETE FROM audit_log WHERE seq = 5").await.is_err());
    // Someone with the database's owner rights lifts the protection and edits one entry.
    match db.flavour() {
        Flavour::Sqlite => {
            db.raw("DROP TRIGGER audit_log_no_update").await.unwrap();
            db.raw("DROP TRIGGER audit_log_no_delete").await.unwrap();
        }
        Flavour::Postgres => {
            db.raw("ALTER TABLE audit_log DISABLE TRIGGER audit_log_immutable")
                .await
                .unwrap();
        }
    }
    assert_eq!(
        db.raw("UPDATE audit_log SET details = '{\"name\":\"病院 X\"}' WHERE seq = 3")
            .await
            .unwrap(),
        1
    );
    let report = db.verify_audit().await.unwrap();
    let broken = report.broken.unwrap();
    assert_eq!((broken.seq, report.entries), (3, 2));
    assert!(
        broken.reason.contains("does not match its hash"),
        "{}",
        broken.reason
    );

    // Recomputing that entry's hash only moves the break to the next entry.
    let entries = db.audit_entries(None, 0, 100).await.unwrap();
    let forged = kaiji_sign::chain_hash(
        &entries[1].hash.parse().unwrap(),
        &serde_json::json!({"seq": 3, "at": entries[2].at.as_millisecond(), "actor_user_id": null, "actor": "admin",
            "org_id": null, "action": "organisation.create", "target": entries[2].target, "address": null,
            "details": {"name": "病院 X"}}),
    );
    db.raw(&format!(
        "UPDATE audit_log SET hash = '{forged}' WHERE seq = 3"
    ))
    .await
    .unwrap();
    let broken = db.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 4);

    // Removing the newest entry is seen through the chain's head.
    db.raw(&format!(
        "UPDATE audit_log SET hash = '{}' WHERE seq = 3",
        entries[2].hash
    ))
    .await
    .unwrap();
    db.raw("UPDATE audit_log SET details = '{\"kind\":\"hospital\",\"name\":\"病院 2\"}' WHERE seq = 3").await.unwrap();
    assert!(db.verify_audit().await.unwrap().broken.is_none());
    db.raw("DELETE FROM audit_log WHERE seq = 5").await.unwrap();
    let broken = db.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 5);

    // An entry removed from the middle is named as missing.
    db.raw("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let broken = db.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
}
