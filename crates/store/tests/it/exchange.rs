use jiff::civil::date;
use kaiji_store::{
    Acceptor, DocumentId, Error, NewRequest, OrgKind, Organisation, Publication, RequestStatus,
    Role, User,
};
use serde_json::json;

use crate::common::{AWKWARD, Db, admin, at, by, on_both, org_with, product};

on_both!(
    shares_inbox_acknowledgements,
    access_links_and_terms,
    requests,
    questions
);

struct World {
    vendor: Organisation,
    alice: User,
    hospital: Organisation,
    hana: User,
    other: Organisation,
    oscar: User,
    document: DocumentId,
}

fn publication(reason: &str) -> Publication {
    Publication {
        effective_date: date(2026, 12, 1),
        next_review_date: date(2027, 6, 1),
        update_reason: reason.into(),
        findings: json!([]),
    }
}

/// A vendor with one published MDS (version 1), a hospital it is shared with, and a hospital it is not.
async fn world(db: &Db) -> World {
    let (vendor, alice) = org_with(
        db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Editor,
    )
    .await;
    let (hospital, hana) = org_with(
        db,
        OrgKind::Hospital,
        "市立病院",
        "hana@example.jp",
        Role::Reviewer,
    )
    .await;
    let (other, oscar) = org_with(
        db,
        OrgKind::Hospital,
        "他の病院",
        "oscar@example.jp",
        Role::Owner,
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
        .create_document(&ctx, &vendor.id, &r.id, "mds", "MDS")
        .await
        .unwrap();
    db.save_draft(
        &ctx,
        &vendor.id,
        &d.id,
        &json!({"answers": {"1.1": "yes"}}),
        &json!([]),
    )
    .await
    .unwrap();
    db.publish(&ctx, &vendor.id, &d.id, &publication("初版"))
        .await
        .unwrap();
    db.share(&ctx, &vendor.id, &d.id, &hospital.id)
        .await
        .unwrap();
    World {
        vendor,
        alice,
        hospital,
        hana,
        other,
        oscar,
        document: d.id,
    }
}

async fn shares_inbox_acknowledgements(db: Db) {
    let w = world(&db).await;
    let vctx = by(&w.alice, &w.vendor.id, 2);
    let hctx = by(&w.hana, &w.hospital.id, 3);
    // Shares go to hospitals only, and again after a revocation.
    assert!(matches!(
        db.share(&vctx, &w.vendor.id, &w.document, &w.vendor.id)
            .await,
        Err(Error::BadInput(_))
    ));
    assert_eq!(db.shares(&w.vendor.id, &w.document).await.unwrap().len(), 1);

    let inbox = db.inbox(&w.hospital.id).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].latest.version, inbox[0].acknowledged_version),
        (1, None)
    );
    assert_eq!(inbox[0].product_name, product().name);
    assert!(db.inbox(&w.other.id).await.unwrap().is_empty());
    assert_eq!(
        db.received_version(&w.hospital.id, &w.document, 1)
            .await
            .unwrap()
            .content,
        json!({"answers": {"1.1": "yes"}})
    );
    assert!(matches!(
        db.received_version(&w.other.id, &w.document, 1).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.received_versions(&w.other.id, &w.document).await,
        Err(Error::NotFound(_))
    ));

    let ack = db
        .acknowledge(
            &hctx,
            &w.hospital.id,
            &w.document,
            1,
            date(2026, 12, 2),
            Some(AWKWARD),
        )
        .await
        .unwrap();
    assert_eq!(
        (ack.version, ack.user.clone(), ack.note.as_deref()),
        (1, w.hana.id.clone(), Some(AWKWARD))
    );
    assert!(matches!(
        db.acknowledge(
            &hctx,
            &w.hospital.id,
            &w.document,
            1,
            date(2026, 12, 2),
            None
        )
        .await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        db.acknowledge(
            &hctx,
            &w.hospital.id,
            &w.document,
            2,
            date(2026, 12, 2),
            None
        )
        .await,
        Err(Error::NotFound(_))
    ));
    let octx = by(&w.oscar, &w.other.id, 3);
    assert!(matches!(
        db.acknowledge(&octx, &w.other.id, &w.document, 1, date(2026, 12, 2), None)
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.acknowledge(
            &admin(3),
            &w.hospital.id,
            &w.document,
            1,
            date(2026, 12, 2),
            None
        )
        .await,
        Err(Error::BadInput(_))
    ));

    // Versions 2 and 3: the inbox shows the newest and what this hospital acknowledged last.
    db.publish(&vctx, &w.vendor.id, &w.document, &publication("v2"))
        .await
        .unwrap();
    db.publish(&vctx, &w.vendor.id, &w.document, &publication("v3"))
        .await
        .unwrap();
    let inbox = db.inbox(&w.hospital.id).await.unwrap();
    assert_eq!(
        (inbox[0].latest.version, inbox[0].acknowledged_version),
        (3, Some(1))
    );
    assert_eq!(
        db.received_versions(&w.hospital.id, &w.document)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        db.acknowledgements(&w.hospital.id, &w.document)
            .await
            .unwrap(),
        vec![ack.clone()]
    );
    assert_eq!(
        db.acknowledgements_of(&w.vendor.id, &w.document)
            .await
            .unwrap(),
        vec![ack]
    );
    assert!(
        db.acknowledgements(&w.other.id, &w.document)
            .await
            .unwrap()
            .is_empty()
    );

    db.revoke_share(&vctx, &w.vendor.id, &w.document, &w.hospital.id)
        .await
        .unwrap();
    assert!(db.inbox(&w.hospital.id).await.unwrap().is_empty());
    assert!(matches!(
        db.revoke_share(&vctx, &w.vendor.id, &w.document, &w.hospital.id)
            .await,
        Err(Error::NotFound(_))
    ));
    db.share(&vctx, &w.vendor.id, &w.document, &w.hospital.id)
        .await
        .unwrap();
    assert_eq!(db.inbox(&w.hospital.id).await.unwrap().len(), 1);
    assert!(db.verify_audit().await.unwrap().broken.is_none());
}

async fn access_links_and_terms(db: Db) {
    let w = world(&db).await;
    let vctx = by(&w.alice, &w.vendor.id, 2);
    let (secret, grant) = db
        .create_access_link(
            &vctx,
            &w.vendor.id,
            &w.document,
            "県立病院 (アカウントなし)",
            at(60),
        )
        .await
        .unwrap();
    assert_eq!(db.access_link(at(10), &secret).await.unwrap(), grant);
    assert!(matches!(
        db.access_link(at(60), &secret).await,
        Err(Error::NotFound(_))
    ));
    let listed = db
        .access_links(at(10), &w.vendor.id, &w.document)
        .await
        .unwrap();
    assert_eq!(
        listed,
        vec![(grant.clone(), "県立病院 (アカウントなし)".to_owned())]
    );
    assert!(
        db.access_links(at(60), &w.vendor.id, &w.document)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.access_links(at(10), &w.other.id, &w.document)
            .await
            .is_err()
    );
    assert!(matches!(
        db.create_access_link(&vctx, &w.other.id, &w.document, "x", at(60))
            .await,
        Err(Error::NotFound(_))
    ));

    assert_eq!(db.current_access_terms(&w.document).await.unwrap(), None);
    let t1 = db
        .set_access_terms(
            &vctx,
            &w.vendor.id,
            &w.document,
            "秘密保持: 第三者に開示しないこと",
        )
        .await
        .unwrap();
    let t2 = db
        .set_access_terms(&vctx, &w.vendor.id, &w.document, AWKWARD)
        .await
        .unwrap();
    assert_eq!((t1.version, t2.version), (1, 2));
    assert_eq!(
        db.current_access_terms(&w.document).await.unwrap(),
        Some(t2.clone())
    );
    assert!(matches!(
        db.set_access_terms(&vctx, &w.other.id, &w.document, "x")
            .await,
        Err(Error::NotFound(_))
    ));

    let mut hctx = by(&w.hana, &w.hospital.id, 5);
    hctx.address = Some("203.0.113.9".into());
    let member = Acceptor::Member {
        hospital: w.hospital.id.clone(),
        user: w.hana.id.clone(),
    };
    let a1 = db.accept_terms(&hctx, &t1.id, &member).await.unwrap();
    let a2 = db.accept_terms(&hctx, &t2.id, &member).await.unwrap();
    assert_eq!(
        (a2.terms_version, a2.address.as_deref(), a2.name.as_str()),
        (2, Some("203.0.113.9"), "市立病院")
    );
    assert!(db.has_accepted(&w.hospital.id, &t2.id).await.unwrap());
    assert!(!db.has_accepted(&w.other.id, &t2.id).await.unwrap());
    // A hospital the document is not shared with cannot accept (nor learn the document exists).
    let outsider = Acceptor::Member {
        hospital: w.other.id.clone(),
        user: w.oscar.id.clone(),
    };
    assert!(matches!(
        db.accept_terms(&by(&w.oscar, &w.other.id, 5), &t2.id, &outsider)
            .await,
        Err(Error::NotFound(_))
    ));
    let holder = Acceptor::Link {
        link: grant.link.clone(),
        name: "山田 太郎".into(),
    };
    let a3 = db.accept_terms(&hctx, &t2.id, &holder).await.unwrap();
    assert_eq!(
        (a3.link.clone(), a3.hospital.clone()),
        (Some(grant.link.clone()), None)
    );
    let all = db.acceptances(&w.vendor.id, &w.document).await.unwrap();
    assert_eq!(all, vec![a1, a2, a3]);
    assert!(db.acceptances(&w.other.id, &w.document).await.is_err());
    // Acceptances and terms are kept as they were.
    assert!(
        db.raw("UPDATE terms_acceptances SET accepted_name = 'x'")
            .await
            .is_err()
    );
    assert!(db.raw("DELETE FROM access_terms").await.is_err());

    db.revoke_access_link(&vctx, &w.vendor.id, &grant.link)
        .await
        .unwrap();
    assert!(db.access_link(at(10), &secret).await.is_err());
    let late = Acceptor::Link {
        link: grant.link.clone(),
        name: "x".into(),
    };
    assert!(db.accept_terms(&hctx, &t2.id, &late).await.is_err());
    assert!(db.verify_audit().await.unwrap().broken.is_none());
}

async fn requests(db: Db) {
    let w = world(&db).await;
    let hctx = by(&w.hana, &w.hospital.id, 2);
    let products = db.products(&w.vendor.id).await.unwrap();
    let new = NewRequest {
        vendor: w.vendor.id.clone(),
        product: Some(products[0].id.clone()),
        subject: format!("SDS の提出依頼 {AWKWARD}"),
        kind: "sds".into(),
        message: "令和8年度の調達のため".into(),
        due_date: date(2026, 12, 10),
    };
    let req = db
        .create_request(&hctx, &w.hospital.id, &new)
        .await
        .unwrap();
    assert_eq!(
        (req.status, req.subject.clone()),
        (RequestStatus::Open, new.subject.clone())
    );
    assert!(matches!(
        db.create_request(&hctx, &w.vendor.id, &new).await,
        Err(Error::BadInput(_))
    ));
    let mut to_hospital = new.clone();
    to_hospital.vendor = w.other.id.clone();
    to_hospital.product = None;
    assert!(matches!(
        db.create_request(&hctx, &w.hospital.id, &to_hospital).await,
        Err(Error::BadInput(_))
    ));
    let later = NewRequest {
        due_date: date(2026, 12, 31),
        product: None,
        ..new.clone()
    };
    let req2 = db
        .create_request(&hctx, &w.hospital.id, &later)
        .await
        .unwrap();

    assert_eq!(db.requests(&w.hospital.id).await.unwrap().len(), 2);
    assert_eq!(db.requests(&w.vendor.id).await.unwrap().len(), 2);
    assert!(db.requests(&w.other.id).await.unwrap().is_empty());
    assert!(matches!(
        db.request(&w.other.id, &req.id).await,
        Err(Error::NotFound(_))
    ));

    // Overdue once, the day after the due date: the sweep returns each request one time.
    let swept = db
        .mark_overdue_requests(&admin(3), date(2026, 12, 11))
        .await
        .unwrap();
    assert_eq!(
        swept.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![req.id.clone()]
    );
    let entries = db.verify_audit().await.unwrap().entries;
    assert!(
        db.mark_overdue_requests(&admin(4), date(2026, 12, 12))
            .await
            .unwrap()
            .is_empty()
    );
    // A sweep that finds nothing writes nothing.
    assert_eq!(db.verify_audit().await.unwrap().entries, entries);
    let events: Vec<String> = sqlx::query_scalar::<_, String>("SELECT kind FROM jobs ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(
        events,
        [
            "event:document.publish",
            "event:share.create",
            "event:request.create",
            "event:request.create",
            "event:request.overdue"
        ]
    );
    assert_eq!(
        db.request(&w.hospital.id, &req.id).await.unwrap().status,
        RequestStatus::Overdue
    );

    let vctx = by(&w.alice, &w.vendor.id, 5);
    assert!(matches!(
        db.answer_request(&vctx, &w.other.id, &req.id, None).await,
        Err(Error::NotFound(_))
    ));
    let answered = db
        .answer_request(&vctx, &w.vendor.id, &req.id, Some(&w.document))
        .await
        .unwrap();
    assert_eq!(
        (answered.status, answered.answer_document.clone()),
        (RequestStatus::Answered, Some(w.document.clone()))
    );
    assert!(matches!(
        db.answer_request(&vctx, &w.vendor.id, &req.id, None).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        db.request(&w.vendor.id, &req2.id).await.unwrap().status,
        RequestStatus::Open
    );

    // A document the vendor shares with whoever asks: the other hospital's request is answered at once and
    // the document lands in its inbox; a request for another kind is not.
    assert!(db.inbox(&w.other.id).await.unwrap().is_empty());
    db.set_share_on_request(&vctx, &w.vendor.id, &w.document, true)
        .await
        .unwrap();
    assert!(
        db.document(&w.vendor.id, &w.document)
            .await
            .unwrap()
            .share_on_request
    );
    assert!(
        db.set_share_on_request(&vctx, &w.other.id, &w.document, true)
            .await
            .is_err()
    );
    let octx = by(&w.oscar, &w.other.id, 6);
    let sds = db.create_request(&octx, &w.other.id, &new).await.unwrap();
    assert_eq!(sds.status, RequestStatus::Open);
    let mds = NewRequest {
        kind: "mds".into(),
        ..new.clone()
    };
    let auto = db.create_request(&octx, &w.other.id, &mds).await.unwrap();
    assert_eq!(
        (auto.status, auto.answer_document.clone()),
        (RequestStatus::Answered, Some(w.document.clone()))
    );
    assert_eq!(db.inbox(&w.other.id).await.unwrap().len(), 1);
    // Answering with a document shares it with the hospital that asked.
    db.revoke_share(&vctx, &w.vendor.id, &w.document, &w.other.id)
        .await
        .unwrap();
    db.answer_request(&vctx, &w.vendor.id, &sds.id, Some(&w.document))
        .await
        .unwrap();
    assert_eq!(db.inbox(&w.other.id).await.unwrap().len(), 1);
    assert!(db.verify_audit().await.unwrap().broken.is_none());
}

async fn questions(db: Db) {
    let w = world(&db).await;
    let vctx = by(&w.alice, &w.vendor.id, 2);
    // The second hospital receives the document too: it sees the FAQ, never the first hospital's thread.
    db.share(&vctx, &w.vendor.id, &w.document, &w.other.id)
        .await
        .unwrap();
    let hctx = by(&w.hana, &w.hospital.id, 3);
    let q = db
        .ask_question(
            &hctx,
            &w.hospital.id,
            &w.document,
            1,
            "1.1",
            &format!("暗号化の方式は? {AWKWARD}"),
        )
        .await
        .unwrap();
    assert_eq!(
        (q.version, q.item.as_str(), q.faq, q.messages.len()),
        (1, "1.1", false, 1)
    );
    assert!(matches!(
        db.ask_question(&hctx, &w.hospital.id, &w.document, 9, "1.1", "?")
            .await,
        Err(Error::NotFound(_))
    ));

    let octx = by(&w.oscar, &w.other.id, 4);
    assert!(matches!(
        db.question(&w.other.id, &q.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(
        db.questions(&w.other.id, &w.document)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        db.reply(&octx, &w.other.id, &q.id, "me too").await,
        Err(Error::NotFound(_))
    ));

    let answered = db
        .reply(
            &by(&w.alice, &w.vendor.id, 5),
            &w.vendor.id,
            &q.id,
            "AES-256-GCM です 😀",
        )
        .await
        .unwrap();
    assert_eq!(
        answered
            .messages
            .iter()
            .map(|m| m.org.clone())
            .collect::<Vec<_>>(),
        vec![w.hospital.id.clone(), w.vendor.id.clone()]
    );
    assert_eq!(answered.messages[1].body, "AES-256-GCM です 😀");
    assert_eq!(
        db.questions(&w.vendor.id, &w.document).await.unwrap().len(),
        1
    );
    assert_eq!(
        db.questions(&w.hospital.id, &w.document).await.unwrap(),
        vec![answered.clone()]
    );

    // Published as FAQ: every recipient sees it; only the vendor can do that.
    assert!(matches!(
        db.set_faq(&hctx, &w.hospital.id, &q.id, true).await,
        Err(Error::NotFound(_))
    ));
    db.set_faq(&vctx, &w.vendor.id, &q.id, true).await.unwrap();
    let seen = db.questions(&w.other.id, &w.document).await.unwrap();
    assert_eq!(
        (seen.len(), seen[0].faq, seen[0].messages.len()),
        (1, true, 2)
    );
    // Still not theirs to reply to.
    assert!(db.reply(&octx, &w.other.id, &q.id, "me too").await.is_err());
    // Its own question stays private to it.
    let own = db
        .ask_question(&octx, &w.other.id, &w.document, 1, "2.3", "別の質問")
        .await
        .unwrap();
    assert!(matches!(
        db.question(&w.hospital.id, &own.id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        db.questions(&w.hospital.id, &w.document)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        db.questions(&w.vendor.id, &w.document).await.unwrap().len(),
        2
    );
    db.set_faq(&vctx, &w.vendor.id, &q.id, false).await.unwrap();
    assert_eq!(
        db.questions(&w.other.id, &w.document).await.unwrap().len(),
        1
    );
    assert!(db.verify_audit().await.unwrap().broken.is_none());
}
