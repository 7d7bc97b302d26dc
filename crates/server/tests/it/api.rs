//! The API through HTTP: login, CSRF, the vendor → hospital journey, and bad input.

use kaiji_store::{OrgKind, Role};
use kaiji_test_support::db::Flavour;
use serde_json::{Value, json};

use crate::common::{TestServer, answer};

/// Vendor creates a product and release, uploads a workbook (findings with their cells), fixes one
/// finding through the JSON draft route, publishes and shares; the hospital sees it in its inbox, reads it and acknowledges version 1; the audit log verifies.
async fn journey(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server
        .org(OrgKind::Vendor, "株式会社サンプルメディカルイメージング")
        .await;
    let hospital = server.org(OrgKind::Hospital, "サンプル市立病院").await;
    let vendor_pw = server
        .user(&vendor, "owner@vendor.example.jp", Role::Owner)
        .await;
    let hospital_pw = server
        .user(&hospital, "reviewer@hospital.example.jp", Role::Reviewer)
        .await;
    let (cookie, csrf) = server.login("owner@vendor.example.jp", &vendor_pw).await;
    let c = &server.client;
    let post = |path: String, body: Value| {
        c.post(server.url(&path))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&body)
    };
    let v = format!("/api/v1/orgs/{vendor}");

    let (status, me) = answer(
        c.get(server.url("/api/v1/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(me["memberships"][0]["role"], "owner");
    assert_eq!(me["csrf_token"], csrf.as_str());

    // Hostile text round-trips unchanged.
    let name = "SampleView PACS 🩻 '; DROP TABLE products; -- \"x\"";
    let (status, product) = answer(
        post(format!("{v}/products"), json!({"maker": "サンプル", "name": name, "model": "SV-PACS-9", "device_id": null, "purl": null}))
            .send().await.unwrap(),
    ).await;
    assert_eq!(status, 201, "{product}");
    let (_, products) = answer(
        c.get(server.url(&format!("{v}/products")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(products["items"][0]["name"], name);
    let product = product["id"].as_str().unwrap();
    let (status, release) = answer(
        post(
            format!("{v}/products/{product}/releases"),
            json!({"version": "9.2.0"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let release = release["id"].as_str().unwrap();

    // The draft starts from a workbook the vendor filled in (saved by LibreOffice): the importer's
    // findings come with their cells, the validator's with their pointers.
    let workbook =
        std::fs::read(kaiji_test_support::xlsx_fixtures().join("libreoffice.xlsx")).unwrap();
    let (status, created) = answer(
        c.post(server.url(&format!("{v}/releases/{release}/documents/import")))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .header(
                "content-type",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            .query(&[
                ("file_name", "SampleView MDS.xlsx"),
                ("title", "SampleView MDS"),
            ])
            .body(workbook)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert!(
        created["import_findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| {
                f["code"] == "unreadable-answer"
                    && f["location"]["sheet"] == "MDS"
                    && f["location"]["cell"] == "C33"
            }),
        "{created}"
    );
    let unanswered = |findings: &Value| {
        findings.as_array().unwrap().iter().any(|f| {
            f["code"] == "missing-answer" && f["location"]["pointer"] == "/answers/MDS-C16-03"
        })
    };
    assert!(unanswered(&created["findings"]), "{created}");
    let document = created["document"]["id"].as_str().unwrap().to_owned();

    // Fixed through the JSON draft route: the unreadable answer is answered, its finding is gone.
    let mut good = created["document"]["draft"].clone();
    good["answers"]["MDS-C16-03"]["answer"] = json!("yes");
    let response = c
        .put(server.url(&format!("{v}/documents/{document}/draft")))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"content": good}))
        .send()
        .await
        .unwrap();
    let (status, saved) = answer(response).await;
    assert_eq!(status, 200);
    assert!(!unanswered(&saved["findings"]), "{saved}");

    let (status, v1) = answer(
        post(format!("{v}/documents/{document}/versions"), json!({"effective_date": "2026-12-01", "next_review_date": "2027-12-01", "update_reason": "初版"}))
            .send().await.unwrap(),
    ).await;
    assert_eq!(status, 201, "{v1}");
    assert_eq!(v1["version"], 1);
    assert!(
        v1["content_address"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let (status, _) = answer(
        post(
            format!("{v}/documents/{document}/shares"),
            json!({"hospital": hospital.to_string()}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201);

    // The hospital's side, with its own session.
    let (hcookie, hcsrf) = server
        .login("reviewer@hospital.example.jp", &hospital_pw)
        .await;
    let h = format!("/api/v1/orgs/{hospital}");
    let (status, inbox) = answer(
        c.get(server.url(&format!("{h}/inbox")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        inbox["items"][0]["latest"]["content_address"],
        v1["content_address"]
    );
    assert_eq!(inbox["items"][0]["acknowledged_version"], Value::Null);
    let (status, received) = answer(
        c.get(server.url(&format!("{h}/received/{document}/versions/1")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(received["content"], good);
    // Before acknowledging, the reviewer reviews the version against the hospital's stored policy.
    let policy =
        std::fs::read_to_string(kaiji_test_support::root().join("examples/hospital/policy.yaml"))
            .unwrap();
    let response = c
        .put(server.url(&format!("{h}/policies/院内方針")))
        .header("cookie", &hcookie)
        .header("x-csrf-token", &hcsrf)
        .header("content-type", "application/yaml")
        .body(policy)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (status, review) = answer(
        c.get(server.url(&format!(
            "{h}/received/{document}/versions/1/review?policy=院内方針"
        )))
        .header("cookie", &hcookie)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{review}");
    assert_eq!(review[0]["policy"], "sample-hospital");
    assert_eq!(review[0]["version"], "5.2.1");
    let (status, ack) = answer(
        c.post(server.url(&format!("{h}/received/{document}/acknowledgements")))
            .header("cookie", &hcookie)
            .header("x-csrf-token", &hcsrf)
            .json(&json!({"version": 1, "reviewed_on": "2026-12-02", "note": "確認済み ✅"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{ack}");
    let (_, inbox) = answer(
        c.get(server.url(&format!("{h}/inbox")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inbox["items"][0]["acknowledged_version"], 1);

    // A question on one item: the hospital asks, the vendor answers in the thread.
    let (status, question) = answer(
        c.post(server.url(&format!("{h}/received/{document}/questions")))
            .header("cookie", &hcookie)
            .header("x-csrf-token", &hcsrf)
            .json(&json!({"version": 1, "item": "MDS-C07-01", "body": "回復キーの保管場所は? 🔑"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{question}");
    let question = question["id"].as_str().unwrap().to_owned();
    let (status, thread) = answer(
        post(
            format!("{v}/questions/{question}/messages"),
            json!({"body": "施設の金庫です"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{thread}");
    let (_, thread) = answer(
        c.get(server.url(&format!("{h}/questions/{question}")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let bodies: Vec<&str> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["回復キーの保管場所は? 🔑", "施設の金庫です"]);

    // A request for an SDS: the hospital asks, the vendor sees it and answers without a document.
    let (status, request) = answer(
        c.post(server.url(&format!("{h}/requests")))
            .header("cookie", &hcookie)
            .header("x-csrf-token", &hcsrf)
            .json(&json!({"vendor": vendor.to_string(), "product": product, "subject": "SampleView PACS", "kind": "sds",
                          "message": "SDS をお願いします", "due_date": "2027-01-31"}))
            .send().await.unwrap(),
    ).await;
    assert_eq!(status, 201, "{request}");
    let (_, received) = answer(
        c.get(server.url(&format!("{v}/requests")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(received["items"][0]["status"], "open");
    let request = request["id"].as_str().unwrap();
    let (status, answered) = answer(
        post(
            format!("{v}/requests/{request}/answer"),
            json!({"document": null}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, answered["status"].as_str()),
        (200, Some("answered")),
        "{answered}"
    );

    // Versions 2 and 3: the hospital's diff runs from version 1, the one it acknowledged, to 3.
    let mut changed = good.clone();
    for (n, remark) in [
        (2, "BitLocker (XTS-AES 256)。回復キーは施設の金庫に保管。"),
        (3, "暗号化なし (第3版で廃止)"),
    ] {
        changed["answers"]["MDS-C07-01"]["remark"] = json!(remark);
        if n == 3 {
            changed["answers"]["MDS-C07-01"]["answer"] = json!("no");
        }
        let response = c
            .put(server.url(&format!("{v}/documents/{document}/draft")))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&json!({"content": changed}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let (status, published) = answer(
            post(format!("{v}/documents/{document}/versions"), json!({"effective_date": "2026-12-10", "next_review_date": "2027-12-01", "update_reason": format!("第{n}版")}))
                .send().await.unwrap(),
        ).await;
        assert_eq!(
            (status, published["version"].as_i64()),
            (201, Some(n)),
            "{published}"
        );
    }
    let (status, diff) = answer(
        c.get(server.url(&format!("{h}/received/{document}/diff")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(
        (diff["from"].as_i64(), diff["to"].as_i64()),
        (Some(1), Some(3))
    );
    let changes = diff["diff"]["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["item"] == "MDS-C07-01" && c["kind"] == "regressed"),
        "{diff}"
    );
    let (_, diff23) = answer(
        c.get(server.url(&format!("{h}/received/{document}/diff?from=2")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(diff23["from"], 2);
    let (status, _) = answer(
        c.get(server.url(&format!("{h}/received/{document}/diff?from=9")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);

    // The workers turned the events into notifications, once each: the hospital heard of the share, of
    // versions 1 to 3 (the worker ran after the share, so version 1 reached it too) and of the answers to
    // its question and request; the vendor of the question and the request.
    kaiji_server::worker::run_due(&server.store, "test")
        .await
        .unwrap();
    let kinds = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, hospital_notes) = answer(
        c.get(server.url(&format!("{h}/notifications")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let mut hk = kinds(&hospital_notes);
    hk.sort();
    assert_eq!(
        hk,
        [
            "document.published",
            "document.published",
            "document.published",
            "document.shared",
            "question.answered",
            "request.answered"
        ],
        "{hospital_notes}"
    );
    let (_, vendor_notes) = answer(
        c.get(server.url(&format!("{v}/notifications")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut vk = kinds(&vendor_notes);
    vk.sort();
    assert_eq!(vk, ["question.asked", "request.received"], "{vendor_notes}");
    assert_eq!(
        kaiji_server::worker::run_due(&server.store, "test")
            .await
            .unwrap(),
        0
    );
    let first = hospital_notes["items"][0]["id"].as_str().unwrap();
    let read = format!("{h}/notifications/{first}/read");
    for expected in [204, 404] {
        let response = c
            .post(server.url(&read))
            .header("cookie", &hcookie)
            .header("x-csrf-token", &hcsrf)
            .json(&json!({"read": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected);
    }

    // The vendor publishes the thread as a FAQ.
    let response = c
        .put(server.url(&format!("{v}/questions/{question}/faq")))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"faq": true}))
        .send()
        .await
        .unwrap();
    let (status, faq) = answer(response).await;
    assert_eq!((status, faq["faq"].as_bool()), (200, Some(true)), "{faq}");

    // Access terms: once set, the hospital reads the content only after accepting them (kept with who,
    // when, from where); an API token cannot accept for a person.
    let response = c
        .put(server.url(&format!("{v}/documents/{document}/terms")))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"body": "本開示書の内容を第三者に開示しないこと。"}))
        .send()
        .await
        .unwrap();
    let (status, terms) = answer(response).await;
    assert_eq!(status, 201, "{terms}");
    let version3 = server.url(&format!("{h}/received/{document}/versions/3"));
    let (status, problem) = answer(
        c.get(&version3)
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("terms-not-accepted"))
    );
    let (_, shown) = answer(
        c.get(server.url(&format!("{h}/received/{document}/terms")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (shown["accepted"].as_bool(), &shown["terms"]["id"]),
        (Some(false), &terms["id"])
    );
    let accept = server.url(&format!("{h}/received/{document}/terms/acceptances"));
    let hospital_token = server.token(&hospital, Role::Owner).await;
    let response = c
        .post(&accept)
        .bearer_auth(&hospital_token)
        .json(&json!({"terms": terms["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = c
        .post(&accept)
        .header("cookie", &hcookie)
        .header("x-csrf-token", &hcsrf)
        .json(&json!({"terms": terms["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (status, _) = answer(
        c.get(&version3)
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let (_, acceptances) = answer(
        c.get(server.url(&format!("{v}/documents/{document}/acceptances")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(acceptances["items"].as_array().unwrap().len(), 1);
    assert_eq!(acceptances["items"][0]["address"], "127.0.0.1");

    // An access link for a hospital without an account: the terms first, accepted under a name, then the
    // newest version; an unknown secret is 404.
    let (status, link) = answer(
        post(
            format!("{v}/documents/{document}/links"),
            json!({"label": "県立病院 情報システム課", "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{link}");
    let open = server.url(link["path"].as_str().unwrap());
    let (status, problem) = answer(c.get(&open).send().await.unwrap()).await;
    assert_eq!(
        (status, &problem["terms"]["id"]),
        (403, &terms["id"]),
        "{problem}"
    );
    let (status, _) = answer(
        c.post(format!("{open}/acceptances"))
            .json(&json!({"terms": terms["id"], "name": "県立 花子"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let (status, opened) = answer(c.get(&open).send().await.unwrap()).await;
    assert_eq!(
        (status, opened["version"]["version"].as_i64()),
        (200, Some(3)),
        "{opened}"
    );
    let (status, _) = answer(
        c.get(server.url("/api/v1/links/kaiji_link_forged"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);

    // The vendor's draft is not the hospital's to see, nor another vendor's.
    let (status, problem) = answer(
        c.get(server.url(&format!("{v}/documents/{document}")))
            .header("cookie", &hcookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(problem["code"], "not-found");

    // Logout ends the session: the cookie no longer works.
    let response = c
        .delete(server.url("/api/v1/session"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = c
        .get(server.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    let report = server.store.verify_audit().await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journey_sqlite() {
    journey(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journey_postgres() {
    journey(Flavour::Postgres).await;
}

/// 413, 415, 400 with the place, 404 for another organisation's id (the same answer as an unknown id),
/// expired and revoked tokens 401, missing or wrong CSRF 403, a wrong password 401: each a problem
/// document, and none changes anything.
async fn bad_input(flavour: Flavour) {
    let server = TestServer::start_with(flavour, |c| c.body_limit = 64 * 1024).await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let other = server.org(OrgKind::Vendor, "ベンダーB").await;
    let token = server.token(&vendor, Role::Owner).await;
    let other_token = server.token(&other, Role::Owner).await;
    let c = &server.client;
    let products = server.url(&format!("/api/v1/orgs/{vendor}/products"));
    let before = server.store.verify_audit().await.unwrap().entries;

    let response = c
        .post(&products)
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let (status, problem) = answer(response).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (415, Some("unsupported-media-type"))
    );

    let response = c
        .post(&products)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\n  \"maker\": \"a\",\n  \"name\": }")
        .send()
        .await
        .unwrap();
    let (status, problem) = answer(response).await;
    assert_eq!(status, 400);
    assert_eq!(problem["code"], "malformed-json");
    assert_eq!(problem["location"]["en"], "line 3 column 11", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("3行11列"),
        "{problem}"
    );

    let response = c
        .delete(server.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(response.status(), 405);

    let big = format!("{{\"maker\": \"{}\"}}", "x".repeat(100 * 1024));
    let response = c
        .post(&products)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // Another vendor's product id answers as an id that does not exist.
    let (_, product) = answer(
        c.post(&products)
            .bearer_auth(&token)
            .json(
                &json!({"maker": "a", "name": "b", "model": "c", "device_id": null, "purl": null}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    let product = product["id"].as_str().unwrap();
    let (status, foreign) = answer(
        c.get(server.url(&format!("/api/v1/orgs/{other}/products/{product}/releases")))
            .bearer_auth(&other_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (status2, unknown) = answer(
        c.get(server.url(&format!(
            "/api/v1/orgs/{other}/products/{}/releases",
            "0".repeat(28)
        )))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, status2), (404, 404));
    assert_eq!(foreign, unknown);
    let (status, _) = answer(
        c.get(server.url(&format!(
            "/api/v1/orgs/{vendor}/products/..%2F..%2Fetc/releases"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 404);

    // A revoked token and one that is not a token.
    let tokens = server.store.api_tokens(&vendor).await.unwrap();
    server
        .store
        .revoke_api_token(&crate::common::admin(), &vendor, &tokens[0].id)
        .await
        .unwrap();
    let response = c.get(&products).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let response = c
        .get(&products)
        .bearer_auth("kaiji_token_forged")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // CSRF: a cookie-authenticated change without the token, or with another session's, is refused.
    let pw = server
        .user(&vendor, "editor@a.example.jp", Role::Editor)
        .await;
    let (cookie, csrf) = server.login("editor@a.example.jp", &pw).await;
    let (_, other_csrf) = server.login("editor@a.example.jp", &pw).await;
    assert_ne!(csrf, other_csrf);
    let body = json!({"maker": "a", "name": "csrf", "model": "c", "device_id": null, "purl": null});
    for presented in [None, Some(other_csrf.as_str()), Some("")] {
        let mut request = c.post(&products).header("cookie", &cookie).json(&body);
        if let Some(t) = presented {
            request = request.header("x-csrf-token", t);
        }
        let (status, problem) = answer(request.send().await.unwrap()).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (403, Some("csrf-token"))
        );
    }
    let response = c
        .post(&products)
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    // A wrong password: 401, and after five failures the account is throttled (429).
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = c
            .post(server.url("/api/v1/session"))
            .json(&json!({"email": "editor@a.example.jp", "password": "wrong password!"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429]);

    // Nothing the refused requests sent was written: the audit log has only the accepted changes.
    let after = server.store.verify_audit().await.unwrap();
    assert!(after.broken.is_none());
    let products_now = server.store.products(&vendor).await.unwrap();
    assert_eq!(products_now.len(), 2, "{products_now:?}");
    assert!(after.entries > before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_sqlite() {
    bad_input(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_postgres() {
    bad_input(Flavour::Postgres).await;
}

/// Two instances on one database: a session made on one works on the other (with its CSRF token), a
/// change made through one is read through the other, a logout on one ends the session on both, and
/// the audit chain verifies; nothing the server needs is in one instance's memory.
async fn two_instances(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let (second, _stop) = server.another_instance().await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let pw = server
        .user(&vendor, "editor@a.example.jp", Role::Editor)
        .await;
    let (cookie, csrf) = server.login("editor@a.example.jp", &pw).await;
    let c = &server.client;
    let products = format!("/api/v1/orgs/{vendor}/products");
    let body =
        json!({"maker": "a", "name": "二台目", "model": "2", "device_id": null, "purl": null});
    let response = c
        .post(format!("{second}{products}"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (status, list) = answer(
        c.get(server.url(&products))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["name"], "二台目");
    let response = c
        .delete(format!("{second}/api/v1/session"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = c
        .get(server.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(server.store.verify_audit().await.unwrap().broken.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sqlite() {
    two_instances(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_postgres() {
    two_instances(Flavour::Postgres).await;
}

/// A request past its due date turns overdue in the worker's sweep, once, and both sides are told.
async fn overdue(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let hospital = server.org(OrgKind::Hospital, "病院H").await;
    let token = server.token(&hospital, Role::Editor).await;
    let vendor_token = server.token(&vendor, Role::Viewer).await;
    let c = &server.client;
    let body = json!({"vendor": vendor.to_string(), "product": null, "subject": "PACS", "kind": "mds",
                      "message": "MDS をお願いします", "due_date": "2026-12-01"});
    let response = c
        .post(server.url(&format!("/api/v1/orgs/{hospital}/requests")))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let day_before = jiff::civil::date(2026, 12, 1);
    assert_eq!(
        kaiji_server::worker::sweep_overdue(&server.store, day_before)
            .await
            .unwrap(),
        0
    );
    let after = jiff::civil::date(2026, 12, 2);
    assert_eq!(
        kaiji_server::worker::sweep_overdue(&server.store, after)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        kaiji_server::worker::sweep_overdue(&server.store, after)
            .await
            .unwrap(),
        0
    );
    kaiji_server::worker::run_due(&server.store, "test")
        .await
        .unwrap();
    let (_, requests) = answer(
        c.get(server.url(&format!("/api/v1/orgs/{hospital}/requests")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(requests["items"][0]["status"], "overdue");
    for (org, token, expected) in [(&hospital, &token, 1), (&vendor, &vendor_token, 2)] {
        let (_, notes) = answer(
            c.get(server.url(&format!("/api/v1/orgs/{org}/notifications")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        let kinds: Vec<&str> = notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.len(), expected, "{kinds:?}");
        assert!(kinds.contains(&"request.overdue"), "{kinds:?}");
    }
    assert_eq!(
        kaiji_server::worker::today_in_japan("2026-12-01T15:30:00Z".parse().unwrap()),
        jiff::civil::date(2026, 12, 2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdue_sqlite() {
    overdue(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdue_postgres() {
    overdue(Flavour::Postgres).await;
}
