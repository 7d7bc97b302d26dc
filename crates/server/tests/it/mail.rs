//! Mail through SMTP (`--smtp-url`), against the local sink of kaiji-test-support: every notification
//! is mailed once to each member even with two instances' workers racing; a refusing relay is retried,
//! then the mail is marked failed and kept; a vendor's title cannot inject a header.

use std::time::{Duration, Instant};

use jiff::civil;
use kaiji_server::Config;
use kaiji_store::{DocumentId, OrgId, OrgKind, Publication, Role, Store};
use kaiji_test_support::db::Flavour;
use kaiji_test_support::smtp::{Received, SmtpSink};
use serde_json::json;

use crate::common::{TestServer, admin};

/// A vendor's document (one release of one product) shared with `hospitals`, then its first version
/// published (so that each hospital is told of both, whenever the worker runs); returns its id.
pub(crate) async fn published(
    store: &Store,
    vendor: &OrgId,
    title: &str,
    content: &serde_json::Value,
    hospitals: &[&OrgId],
) -> DocumentId {
    let ctx = admin();
    let product = store
        .create_product(
            &ctx,
            vendor,
            &kaiji_store::NewProduct {
                maker: "サンプル".into(),
                name: title.into(),
                model: "SV-9".into(),
                device_id: None,
                purl: None,
            },
        )
        .await
        .unwrap();
    let release = store
        .create_release(&ctx, vendor, &product.id, "9.2.0")
        .await
        .unwrap();
    let document = store
        .create_document(&ctx, vendor, &release.id, "mds", title)
        .await
        .unwrap();
    for hospital in hospitals {
        store
            .share(&ctx, vendor, &document.id, hospital)
            .await
            .unwrap();
    }
    publish(store, vendor, &document.id, content).await;
    document.id
}

/// Publishes `content` as the next version of the document.
pub(crate) async fn publish(
    store: &Store,
    vendor: &OrgId,
    document: &DocumentId,
    content: &serde_json::Value,
) -> i64 {
    // The publication's event names the vendor that acts (as a request's caller would).
    let ctx = kaiji_store::Ctx {
        org: Some(vendor.clone()),
        ..admin()
    };
    store
        .save_draft(&ctx, vendor, document, content, &json!([]))
        .await
        .unwrap();
    store
        .publish(
            &ctx,
            vendor,
            document,
            &Publication {
                effective_date: civil::date(2026, 12, 1),
                next_review_date: civil::date(2027, 12, 1),
                update_reason: "更新".into(),
                findings: json!([]),
            },
        )
        .await
        .unwrap()
        .version
}

pub(crate) fn example() -> serde_json::Value {
    kaiji_test_support::json(kaiji_test_support::example("pacs-mds-5.0h.kaiji.json"))
}

fn fast_mail(sink: &SmtpSink) -> impl Fn(&mut Config) + Clone {
    let url = sink.url();
    move |c: &mut Config| {
        c.worker_interval = Some(Duration::from_millis(100));
        c.smtp_url = Some(url.clone());
        c.mail_from = "kaiji <kaiji@hospital-net.example.jp>".into();
        c.mail_retry = Duration::from_millis(100);
        c.mail_max_attempts = 3;
    }
}

/// Waits until `done` holds for the sink's messages (at most 30 s).
async fn wait_for(sink: &SmtpSink, what: &str, done: impl Fn(&[Received]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if done(&sink.received()) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {:#?}", sink.received());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn mailed_once(flavour: Flavour) {
    let sink = SmtpSink::start().await;
    let configure = fast_mail(&sink);
    let server = TestServer::start_with(flavour, configure.clone()).await;
    // The second instance's worker races the first one's for the same jobs and mails.
    let (_second, _stop) = server.another_instance_with(configure).await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let north = server.org(OrgKind::Hospital, "北病院").await;
    let south = server.org(OrgKind::Hospital, "南病院").await;
    server
        .user(&vendor, "owner@vendor.example.jp", Role::Owner)
        .await;
    let hospital_users = [
        "reviewer@north.example.jp",
        "viewer@north.example.jp",
        "reviewer@south.example.jp",
    ];
    server.user(&north, hospital_users[0], Role::Reviewer).await;
    server.user(&north, hospital_users[1], Role::Viewer).await;
    server.user(&south, hospital_users[2], Role::Reviewer).await;

    // A title with a line break and a header after it: it must stay text.
    let title = "SampleView PACS\r\nBcc: attacker@evil.example\r\n\r\n本文の乗っ取り";
    let document = published(&server.store, &vendor, title, &example(), &[&north, &south]).await;
    // Shared, version 1, then version 2: three notifications for each hospital, so three mails for
    // each of their members.
    wait_for(&sink, "the share and version 1 mails", |r| r.len() >= 6).await;
    let version = publish(&server.store, &vendor, &document, &example()).await;
    assert_eq!(version, 2);
    wait_for(&sink, "the version 2 mails", |r| r.len() >= 9).await;
    // Both workers keep ticking: nothing more may come.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = sink.received();
    assert_eq!(received.len(), 9, "{received:#?}");
    for hospital in [&north, &south] {
        let member = &server.store.members(hospital).await.unwrap()[0].user;
        let notes = server
            .store
            .notifications(hospital, &member.id, false, 100)
            .await
            .unwrap();
        assert_eq!(notes.len(), 3, "{notes:#?}");
    }

    for user in hospital_users {
        let theirs: Vec<&Received> = received.iter().filter(|m| m.to == [user]).collect();
        let subjects: Vec<String> = theirs.iter().map(|m| m.subject()).collect();
        assert_eq!(theirs.len(), 3, "{user}: {subjects:?}");
        assert_eq!(
            subjects
                .iter()
                .filter(|s| s.contains("開示書が共有されました"))
                .count(),
            1,
            "{user}: {subjects:?}"
        );
        let new_version: Vec<&&Received> = theirs
            .iter()
            .filter(|m| m.body_text().contains("第 2 版が公開されました"))
            .collect();
        assert_eq!(new_version.len(), 1, "{user}: {subjects:?}");
        let mail = new_version[0];
        let subject = mail.subject();
        assert!(subject.contains("a new version was published"), "{subject}");
        assert!(!subject.contains(['\r', '\n']), "{subject:?}");
        let body = mail.body_text();
        let (ja, en) = body
            .split_once("----- English -----")
            .expect("English below");
        assert!(ja.contains("第 2 版が公開されました"), "{body}");
        assert!(en.contains("Version 2 of the disclosure"), "{body}");
        // The vendor's text is in the body as text; no header came out of it.
        assert!(ja.contains("本文の乗っ取り"), "{body}");
        assert!(
            mail.header_lines()
                .iter()
                .all(|l| !l.to_ascii_lowercase().starts_with("bcc")),
            "{:?}",
            mail.header_lines()
        );
        assert_eq!(mail.from, "kaiji@hospital-net.example.jp");
    }
    assert!(
        received
            .iter()
            .all(|m| m.to.len() == 1 && !m.to[0].contains("vendor")),
        "{received:#?}"
    );
    let outbox = server.store.outbox(100).await.unwrap();
    assert_eq!(outbox.len(), 9);
    assert!(
        outbox
            .iter()
            .all(|(m, state)| state == "sent" && m.attempts == 1),
        "{outbox:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailed_once_sqlite() {
    mailed_once(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailed_once_postgres() {
    mailed_once(Flavour::Postgres).await;
}

async fn refused(flavour: Flavour) {
    let sink = SmtpSink::start().await;
    sink.refuse(true);
    let server = TestServer::start_with(flavour, fast_mail(&sink)).await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let hospital = server.org(OrgKind::Hospital, "病院H").await;
    server
        .user(&hospital, "reviewer@h.example.jp", Role::Reviewer)
        .await;
    let started = Instant::now();
    published(&server.store, &vendor, "PACS 一", &example(), &[&hospital]).await;

    // Both mails (shared, version 1) refused (554) three times, with a growing delay, then failed for
    // good and kept.
    let deadline = Instant::now() + Duration::from_secs(30);
    let outbox = loop {
        let outbox = server.store.outbox(10).await.unwrap();
        assert!(outbox.len() <= 2, "{outbox:#?}");
        if outbox.len() == 2 && outbox.iter().all(|(_, state)| state == "failed") {
            break outbox;
        }
        assert!(
            Instant::now() < deadline,
            "the mails never failed: {outbox:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for (mail, _) in &outbox {
        assert_eq!(mail.attempts, 3, "{mail:#?}");
        let error = mail.last_error.as_deref().unwrap_or("");
        assert!(error.contains("554"), "{error}");
    }
    assert_eq!(sink.refused(), 6);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the retries waited (100 ms, then 200 ms)"
    );
    assert!(sink.received().is_empty());

    // The relay accepts again: a new notification is mailed, the failed mail is not sent again.
    sink.refuse(false);
    published(&server.store, &vendor, "PACS 二", &example(), &[&hospital]).await;
    wait_for(&sink, "the second document's mails", |r| r.len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let received = sink.received();
    assert_eq!(received.len(), 2, "{received:#?}");
    assert!(received.iter().all(|m| m.subject().contains("PACS 二")));
    assert_eq!(sink.refused(), 6);
    let states: Vec<String> = server
        .store
        .outbox(10)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(states, ["failed", "failed", "sent", "sent"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_mail_is_retried_then_failed_sqlite() {
    refused(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_mail_is_retried_then_failed_postgres() {
    refused(Flavour::Postgres).await;
}
