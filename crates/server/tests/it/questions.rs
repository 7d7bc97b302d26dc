//! Questions stay attached to their item in later versions: listed with version 3, a question asked on
//! version 1 says whether the item's answer or remark changed since (kaiji-model's diff), for the hospital
//! and for the vendor alike.

use kaiji_store::{OrgKind, Role};
use kaiji_test_support::db::Flavour;
use serde_json::{Value, json};

use crate::common::{TestServer, answer};
use crate::mail::{example, publish, published};

async fn marked_when_changed(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let hospital = server.org(OrgKind::Hospital, "病院H").await;
    let other = server.org(OrgKind::Hospital, "病院O").await;
    let token = server.token(&hospital, Role::Reviewer).await;
    let vendor_token = server.token(&vendor, Role::Viewer).await;
    let other_token = server.token(&other, Role::Reviewer).await;
    let v1 = example();
    let document = published(
        &server.store,
        &vendor,
        "SampleView MDS",
        &v1,
        &[&hospital, &other],
    )
    .await;
    let c = &server.client;
    let received = server.url(&format!(
        "/api/v1/orgs/{hospital}/received/{document}/questions"
    ));
    let ask = |version: i64, item: &str| {
        c.post(&received)
            .bearer_auth(&token)
            .json(&json!({"version": version, "item": item, "body": "この回答の根拠は? 🩺 '; DROP TABLE questions; --"}))
            .send()
    };
    let (status, q1) = answer(ask(1, "MDS-C00-01").await.unwrap()).await;
    assert_eq!(status, 201, "{q1}");
    let (_, q2) = answer(ask(1, "MDS-C02-01").await.unwrap()).await;
    let (_, q4) = answer(ask(1, "MDS-C05-01").await.unwrap()).await;

    // Version 2: the remark of MDS-C02-01 changes. Version 3: only the evidence of MDS-C05-01.
    let mut v2 = v1.clone();
    v2["answers"]["MDS-C02-01"]["remark"] = json!("運用ガイドは第4版に改訂しました。");
    assert_eq!(publish(&server.store, &vendor, &document, &v2).await, 2);
    let (_, q3) = answer(ask(2, "MDS-C02-01").await.unwrap()).await;
    let mut v3 = v2.clone();
    v3["answers"]["MDS-C05-01"]["evidence"] = json!(["DICOM 適合性宣言書 第2版"]);
    assert_eq!(publish(&server.store, &vendor, &document, &v3).await, 3);

    let expected = [
        (&q1, 1, false), // unchanged through version 3
        (&q2, 1, true),  // its remark changed in version 2
        (&q4, 1, false), // only the evidence changed
        (&q3, 2, false), // asked after the change
    ];
    // A page of questions (all of them: fewer than the default limit).
    let flags = |list: &Value| -> Vec<(String, i64, i64, bool)> {
        assert!(list["next"].is_null(), "{list}");
        list["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{list}"))
            .iter()
            .map(|q| {
                (
                    q["id"].as_str().unwrap().to_owned(),
                    q["version"].as_i64().unwrap(),
                    q["latest_version"].as_i64().unwrap(),
                    q["answer_changed_since"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let mut want: Vec<(String, i64, i64, bool)> = expected
        .iter()
        .map(|(q, v, changed)| (q["id"].as_str().unwrap().to_owned(), *v, 3, *changed))
        .collect();
    want.sort();

    let (status, list) = answer(c.get(&received).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 200, "{list}");
    let mut got = flags(&list);
    got.sort();
    assert_eq!(got, want, "{list}");

    // The vendor sees the same marks on its own document.
    let (status, list) = answer(
        c.get(server.url(&format!(
            "/api/v1/orgs/{vendor}/documents/{document}/questions"
        )))
        .bearer_auth(&vendor_token)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let mut got = flags(&list);
    got.sort();
    assert_eq!(got, want, "{list}");

    // One question on its own carries the mark too.
    let (status, one) = answer(
        c.get(server.url(&format!(
            "/api/v1/orgs/{hospital}/questions/{}",
            q2["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["answer_changed_since"], true);
    assert_eq!(one["latest_version"], 3);
    assert_eq!(one["item"], "MDS-C02-01");

    // Another hospital sees none of these questions.
    let (status, list) = answer(
        c.get(server.url(&format!(
            "/api/v1/orgs/{other}/received/{document}/questions"
        )))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, list), (200, json!({"items": [], "next": null})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_marked_when_the_answer_changed_sqlite() {
    marked_when_changed(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_marked_when_the_answer_changed_postgres() {
    marked_when_changed(Flavour::Postgres).await;
}
