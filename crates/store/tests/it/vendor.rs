use jiff::civil::date;
use kaiji_store::{Error, ImportedDraft, NewOriginal, OrgKind, OriginalRole, Publication, Role};
use serde_json::json;

use crate::common::{AWKWARD, Db, admin, at, by, on_both, org_with, product};

on_both!(
    products_releases_documents,
    publish_versions,
    published_versions_are_immutable,
    originals,
    imports_and_version_attachments
);

fn publication(reason: &str) -> Publication {
    Publication {
        effective_date: date(2026, 12, 1),
        next_review_date: date(2027, 12, 1),
        update_reason: reason.into(),
        findings: json!([{"code": "missing-answer", "item": "1.2", "message": {"ja": "回答がありません", "en": "no answer"}}]),
    }
}

async fn products_releases_documents(db: Db) {
    let (vendor, alice) = org_with(
        &db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Editor,
    )
    .await;
    let (rival, _) = org_with(
        &db,
        OrgKind::Vendor,
        "Rival",
        "rita@example.jp",
        Role::Owner,
    )
    .await;
    let (hospital, _) = org_with(
        &db,
        OrgKind::Hospital,
        "病院",
        "hana@example.jp",
        Role::Owner,
    )
    .await;
    let ctx = by(&alice, &vendor.id, 1);

    let p = db
        .create_product(&ctx, &vendor.id, &product())
        .await
        .unwrap();
    assert_eq!(db.product(&vendor.id, &p.id).await.unwrap(), p);
    assert_eq!(p.name, product().name);
    assert!(matches!(
        db.create_product(&ctx, &hospital.id, &product()).await,
        Err(Error::BadInput(_))
    ));
    let mut bad = product();
    bad.purl = Some("generic/kj".into());
    assert!(matches!(
        db.create_product(&ctx, &vendor.id, &bad).await,
        Err(Error::BadInput(_))
    ));
    assert_eq!(db.products(&vendor.id).await.unwrap(), vec![p.clone()]);

    let r = db
        .create_release(&ctx, &vendor.id, &p.id, "2.1")
        .await
        .unwrap();
    assert!(matches!(
        db.create_release(&ctx, &vendor.id, &p.id, "2.1").await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(
        db.releases(&vendor.id, &p.id).await.unwrap(),
        vec![r.clone()]
    );
    let d = db
        .create_document(&ctx, &vendor.id, &r.id, "mds", "MDS 第5.0h版")
        .await
        .unwrap();
    assert!(matches!(
        db.create_document(&ctx, &vendor.id, &r.id, "MDS; DROP", "x")
            .await,
        Err(Error::BadInput(_))
    ));
    let draft = json!({"kind": "mds", "answers": {"1.1": {"answer": "yes", "remark": AWKWARD}}});
    db.save_draft(&ctx, &vendor.id, &d.id, &draft, &json!([]))
        .await
        .unwrap();
    let stored = db.document(&vendor.id, &d.id).await.unwrap();
    assert_eq!(stored.draft, Some(draft));
    assert_eq!(stored.latest_version, 0);
    assert_eq!(db.documents(&vendor.id, &r.id).await.unwrap(), vec![stored]);

    // Another vendor asking by id gets NotFound, for every kind of row, and cannot change them.
    assert!(matches!(
        db.product(&rival.id, &p.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.release(&rival.id, &r.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.releases(&rival.id, &p.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.document(&rival.id, &d.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(db.documents(&rival.id, &r.id).await.unwrap().is_empty());
    assert!(matches!(
        db.create_release(&ctx, &rival.id, &p.id, "9").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.save_draft(&ctx, &rival.id, &d.id, &json!({}), &json!([]))
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.publish(&ctx, &rival.id, &d.id, &publication("x")).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.versions(&rival.id, &d.id).await,
        Err(Error::NotFound(_))
    ));
}

async fn publish_versions(db: Db) {
    let (vendor, alice) = org_with(
        &db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Editor,
    )
    .await;
    let ctx = by(&alice, &vendor.id, 1);
    let p = db
        .create_product(&ctx, &vendor.id, &product())
        .await
        .unwrap();
    let r = db
        .create_release(&ctx, &vendor.id, &p.id, "2.1")
        .await
        .unwrap();
    let d = db
        .create_document(&ctx, &vendor.id, &r.id, "sds", "SDS")
        .await
        .unwrap();
    // Nothing to publish before there is a draft; the dates must be in order.
    assert!(matches!(
        db.publish(&ctx, &vendor.id, &d.id, &publication("初版"))
            .await,
        Err(Error::NotFound("draft"))
    ));
    let mut backwards = publication("初版");
    backwards.next_review_date = date(2026, 1, 1);
    assert!(matches!(
        db.publish(&ctx, &vendor.id, &d.id, &backwards).await,
        Err(Error::BadInput(_))
    ));

    let first = json!({"b": 1.50, "a": ["😀", "'; --"], "c": 1e21});
    db.save_draft(&ctx, &vendor.id, &d.id, &first, &json!([]))
        .await
        .unwrap();
    let v1 = db
        .publish(&ctx, &vendor.id, &d.id, &publication("初版"))
        .await
        .unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.content_address, kaiji_sign::content_address(&first));
    let second = json!({"a": ["😀"], "b": 2});
    db.save_draft(&ctx, &vendor.id, &d.id, &second, &json!([]))
        .await
        .unwrap();
    let v2 = db
        .publish(
            &ctx,
            &vendor.id,
            &d.id,
            &publication("脆弱性対応 (CVE-2026-0001)"),
        )
        .await
        .unwrap();
    // Reissued by the system (as `kaiji admin` would): its event still names the vendor.
    let v3 = db
        .publish(&admin(9), &vendor.id, &d.id, &publication("再発行"))
        .await
        .unwrap();
    assert_eq!((v2.version, v3.version), (2, 3));
    // The same content has the same address.
    assert_eq!(v2.content_address, v3.content_address);

    let versions = db.versions(&vendor.id, &d.id).await.unwrap();
    assert_eq!(versions, vec![v1.clone(), v2.clone(), v3]);
    let read = db.version(&vendor.id, &d.id, 1).await.unwrap();
    assert_eq!(read.summary, v1);
    assert_eq!(read.content, first);
    assert_eq!(read.findings, publication("x").findings);
    // The stored text is the canonical form.
    let text: String =
        sqlx::query_scalar::<_, String>("SELECT content FROM document_versions WHERE version = 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(text, r#"{"a":["😀","'; --"],"b":1.5,"c":1e+21}"#);
    assert!(matches!(
        db.version(&vendor.id, &d.id, 4).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        db.document(&vendor.id, &d.id).await.unwrap().latest_version,
        3
    );
    assert!(db.verify_audit().await.unwrap().broken.is_none());

    // Each publication queued one event for the workers, in its own transaction.
    let mut events = Vec::new();
    while let Some(job) = db
        .claim_job(at(10), "w", std::time::Duration::from_secs(60))
        .await
        .unwrap()
    {
        db.complete_job(at(10), "w", &job.id).await.unwrap();
        events.push((
            job.kind,
            job.payload["details"]["version"].as_i64(),
            job.payload["target"].clone(),
            job.payload["org"].clone(),
        ));
    }
    let want: Vec<_> = (1..=3)
        .map(|v| {
            (
                "event:document.publish".to_owned(),
                Some(v),
                json!(d.id.as_str()),
                json!(vendor.id.as_str()),
            )
        })
        .collect();
    assert_eq!(events, want);
}

async fn published_versions_are_immutable(db: Db) {
    let (vendor, alice) = org_with(
        &db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Editor,
    )
    .await;
    let ctx = by(&alice, &vendor.id, 1);
    let p = db
        .create_product(&ctx, &vendor.id, &product())
        .await
        .unwrap();
    let r = db
        .create_release(&ctx, &vendor.id, &p.id, "1")
        .await
        .unwrap();
    let d = db
        .create_document(&ctx, &vendor.id, &r.id, "mds", "MDS")
        .await
        .unwrap();
    db.save_draft(
        &ctx,
        &vendor.id,
        &d.id,
        &json!({"answer": "yes"}),
        &json!([]),
    )
    .await
    .unwrap();
    db.publish(&ctx, &vendor.id, &d.id, &publication("初版"))
        .await
        .unwrap();
    // The database refuses to change or remove a published version, whoever asks.
    let update = db
        .raw("UPDATE document_versions SET content = '{\"answer\":\"no\"}'")
        .await;
    assert!(update.is_err(), "{update:?}");
    assert!(
        db.raw("UPDATE document_versions SET update_reason = 'x'")
            .await
            .is_err()
    );
    assert!(db.raw("DELETE FROM document_versions").await.is_err());
    assert_eq!(
        db.version(&vendor.id, &d.id, 1).await.unwrap().content,
        json!({"answer": "yes"})
    );
    // Changing the draft afterwards leaves version 1 as it was.
    db.save_draft(
        &ctx,
        &vendor.id,
        &d.id,
        &json!({"answer": "no"}),
        &json!([]),
    )
    .await
    .unwrap();
    assert_eq!(
        db.version(&vendor.id, &d.id, 1).await.unwrap().content,
        json!({"answer": "yes"})
    );
}

async fn originals(db: Db) {
    let (vendor, alice) = org_with(
        &db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Editor,
    )
    .await;
    let (rival, _) = org_with(
        &db,
        OrgKind::Vendor,
        "Rival",
        "rita@example.jp",
        Role::Owner,
    )
    .await;
    let ctx = by(&alice, &vendor.id, 1);
    let p = db
        .create_product(&ctx, &vendor.id, &product())
        .await
        .unwrap();
    let r = db
        .create_release(&ctx, &vendor.id, &p.id, "1")
        .await
        .unwrap();
    let d = db
        .create_document(&ctx, &vendor.id, &r.id, "mds", "MDS")
        .await
        .unwrap();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let upload = |name: &str, bytes: Vec<u8>| NewOriginal {
        document: Some(d.id.clone()),
        role: OriginalRole::Workbook,
        file_name: name.into(),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        bytes,
    };
    let kept = db
        .add_original(&ctx, &vendor.id, upload("開示 MDS 😀.xlsx", bytes.clone()))
        .await
        .unwrap();
    assert_eq!(kept.size, 10_000);
    assert_eq!(kept.sha256, kaiji_sign::ContentAddress::of_bytes(&bytes));
    let read = db.original(&vendor.id, &kept.id).await.unwrap();
    assert_eq!(
        (read.bytes, read.file_name),
        (bytes, "開示 MDS 😀.xlsx".to_owned())
    );
    assert_eq!(db.originals(&vendor.id, &d.id).await.unwrap().len(), 1);
    assert!(matches!(
        db.original(&rival.id, &kept.id).await,
        Err(Error::NotFound(_))
    ));
    // Path traversal in a file name, and uploads over the limit, are refused and change nothing.
    for name in ["../../etc/passwd", "a/b.xlsx", "..", "C:\\x.xlsx"] {
        assert!(
            matches!(
                db.add_original(&ctx, &vendor.id, upload(name, vec![1]))
                    .await,
                Err(Error::BadInput(_))
            ),
            "{name}"
        );
    }
    let limit = db.options().max_original_bytes;
    let big = db
        .add_original(
            &ctx,
            &vendor.id,
            upload("big.xlsx", vec![0; limit as usize + 1]),
        )
        .await;
    assert!(matches!(big, Err(Error::TooLarge { .. })), "{big:?}");
    assert!(matches!(
        db.add_original(&ctx, &rival.id, upload("x.xlsx", vec![1]))
            .await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(db.originals(&vendor.id, &d.id).await.unwrap().len(), 1);
}

/// A document imported from a workbook is created with its draft and its workbook in one transaction (a
/// refusal of either leaves nothing); a published version carries the attachments the document had then,
/// and a hospital reads them only through its share.
async fn imports_and_version_attachments(db: Db) {
    let (vendor, alice) = org_with(
        &db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Editor,
    )
    .await;
    let (hospital, _) = org_with(
        &db,
        OrgKind::Hospital,
        "Hospital",
        "hana@example.jp",
        Role::Reviewer,
    )
    .await;
    let (other_hospital, _) = org_with(
        &db,
        OrgKind::Hospital,
        "Other",
        "olga@example.jp",
        Role::Reviewer,
    )
    .await;
    let ctx = by(&alice, &vendor.id, 1);
    let p = db
        .create_product(&ctx, &vendor.id, &product())
        .await
        .unwrap();
    let r = db
        .create_release(&ctx, &vendor.id, &p.id, "1")
        .await
        .unwrap();
    let workbook = |name: &str| NewOriginal {
        document: None,
        role: OriginalRole::Workbook,
        file_name: name.into(),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        bytes: b"PK workbook".to_vec(),
    };
    let imported = |name: &str| ImportedDraft {
        content: json!({"answer": "yes", "text": AWKWARD}),
        findings: json!([]),
        workbook: workbook(name),
    };
    let (d, kept) = db
        .import_document(
            &ctx,
            &vendor.id,
            &r.id,
            "mds",
            "MDS",
            &imported("開示.xlsx"),
        )
        .await
        .unwrap();
    assert_eq!(kept.document.as_ref(), Some(&d.id));
    assert_eq!(d.draft, Some(json!({"answer": "yes", "text": AWKWARD})));
    assert_eq!(db.document(&vendor.id, &d.id).await.unwrap().draft, d.draft);
    let entries = db.verify_audit().await.unwrap().entries;
    // Refused: a title the release has (conflict), a file name that is a path, an attachment as the
    // workbook; nothing is left behind by any of them.
    let duplicate = db
        .import_document(&ctx, &vendor.id, &r.id, "mds", "MDS", &imported("b.xlsx"))
        .await;
    assert!(
        matches!(duplicate, Err(Error::Conflict(_))),
        "{duplicate:?}"
    );
    let traversal = db
        .import_document(
            &ctx,
            &vendor.id,
            &r.id,
            "mds",
            "MDS 2",
            &imported("../x.xlsx"),
        )
        .await;
    assert!(
        matches!(traversal, Err(Error::BadInput(_))),
        "{traversal:?}"
    );
    let mut not_a_workbook = imported("c.pdf");
    not_a_workbook.workbook.role = OriginalRole::Attachment;
    assert!(matches!(
        db.import_draft(&ctx, &vendor.id, &d.id, &not_a_workbook)
            .await,
        Err(Error::BadInput(_))
    ));
    assert!(matches!(
        db.import_draft(&ctx, &hospital.id, &d.id, &imported("d.xlsx"))
            .await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(db.documents(&vendor.id, &r.id).await.unwrap().len(), 1);
    assert_eq!(db.originals(&vendor.id, &d.id).await.unwrap().len(), 1);
    assert_eq!(db.verify_audit().await.unwrap().entries, entries);
    // A new draft from another workbook: both workbooks kept.
    let mut second = imported("第2版.xlsx");
    second.content = json!({"answer": "no"});
    db.import_draft(&ctx, &vendor.id, &d.id, &second)
        .await
        .unwrap();
    assert_eq!(
        db.document(&vendor.id, &d.id).await.unwrap().draft,
        Some(json!({"answer": "no"}))
    );
    assert_eq!(db.originals(&vendor.id, &d.id).await.unwrap().len(), 2);

    // Attachments: one before version 1, one after; version 2 carries both.
    let attach = |name: &str| NewOriginal {
        document: Some(d.id.clone()),
        role: OriginalRole::Attachment,
        file_name: name.into(),
        media_type: "application/pdf".into(),
        bytes: name.as_bytes().to_vec(),
    };
    let first = db
        .add_original(&ctx, &vendor.id, attach("証明書.pdf"))
        .await
        .unwrap();
    db.publish(&ctx, &vendor.id, &d.id, &publication("初版"))
        .await
        .unwrap();
    let later = db
        .add_original(&ctx, &vendor.id, attach("later.pdf"))
        .await
        .unwrap();
    db.publish(&ctx, &vendor.id, &d.id, &publication("第2版"))
        .await
        .unwrap();
    let ids = |list: Vec<kaiji_store::Original>| list.into_iter().map(|o| o.id).collect::<Vec<_>>();
    assert_eq!(
        ids(db.version_attachments(&vendor.id, &d.id, 1).await.unwrap()),
        vec![first.id.clone()]
    );
    assert_eq!(
        ids(db.version_attachments(&vendor.id, &d.id, 2).await.unwrap()),
        vec![first.id.clone(), later.id.clone()]
    );
    assert!(matches!(
        db.version_attachments(&vendor.id, &d.id, 3).await,
        Err(Error::NotFound(_))
    ));
    // The hospital reads them once the document is shared with it, and only those of the version.
    assert!(matches!(
        db.received_attachments(&hospital.id, &d.id, 1).await,
        Err(Error::NotFound(_))
    ));
    db.share(&ctx, &vendor.id, &d.id, &hospital.id)
        .await
        .unwrap();
    assert_eq!(
        ids(db
            .received_attachments(&hospital.id, &d.id, 1)
            .await
            .unwrap()),
        vec![first.id.clone()]
    );
    let read = db
        .received_attachment(&hospital.id, &d.id, 1, &first.id)
        .await
        .unwrap();
    assert_eq!(read.bytes, "証明書.pdf".as_bytes());
    assert!(matches!(
        db.received_attachment(&hospital.id, &d.id, 1, &later.id)
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.received_attachment(&hospital.id, &d.id, 1, &kept.id)
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.received_attachment(&other_hospital.id, &d.id, 1, &first.id)
            .await,
        Err(Error::NotFound(_))
    ));
    // What a version carries cannot be changed afterwards.
    let refused = sqlx::query("DELETE FROM version_attachments")
        .execute(db.pool())
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(db.verify_audit().await.unwrap().broken.is_none());
}
