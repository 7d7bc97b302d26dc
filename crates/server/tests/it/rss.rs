//! The remote service package: a release's RSS profile created and checked through the API, published
//! and shared; its risk register and SLA computed from a published version, for the vendor and for the
//! hospital it was shared with, in the formats `kaiji rss risk` / `kaiji rss sla` write, equal to the
//! model's; a profile that does not read is refused with its place and stores nothing; a disclosure is
//! not a profile; another hospital sees nothing.

use kaiji_store::{NewProduct, OrgKind, Role};
use kaiji_test_support::db::Flavour;
use serde_json::{Value, json};

use crate::common::{TestServer, admin, answer};

const TODAY: &str = "2026-12-01";

fn profile_json() -> Value {
    let yaml = std::fs::read_to_string(
        kaiji_test_support::root().join("examples/rss/pacs-remote-service.yaml"),
    )
    .unwrap();
    kaiji_catalog::parse_yaml(&yaml).unwrap()
}

/// A call with a bearer token and an optional JSON body.
async fn send(
    server: &TestServer,
    method: reqwest::Method,
    path: String,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = server
        .client
        .request(method, server.url(&path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// [`send`], answered as status and JSON.
async fn call(
    server: &TestServer,
    method: reqwest::Method,
    path: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    answer(send(server, method, path, token, body).await).await
}

async fn rss_package(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server
        .org(OrgKind::Vendor, "株式会社サンプルメディカルイメージング")
        .await;
    let hospital = server.org(OrgKind::Hospital, "サンプル総合病院").await;
    let other = server.org(OrgKind::Hospital, "別の病院").await;
    let vtoken = server.token(&vendor, Role::Owner).await;
    let htoken = server.token(&hospital, Role::Viewer).await;
    let otoken = server.token(&other, Role::Owner).await;
    let product = server
        .store
        .create_product(
            &admin(),
            &vendor,
            &NewProduct {
                maker: "株式会社サンプルメディカルイメージング".into(),
                name: "SampleView PACS".into(),
                model: "SV-1".into(),
                device_id: None,
                purl: None,
            },
        )
        .await
        .unwrap();
    let release = server
        .store
        .create_release(&admin(), &vendor, &product.id, "2026.4")
        .await
        .unwrap();
    let c = &server.client;
    let v = format!("/api/v1/orgs/{vendor}");
    let audit = || async { server.store.verify_audit().await.unwrap().entries };

    // A profile that does not read: 422 naming the field, nothing created.
    let mut broken = profile_json();
    broken["connection"]["mode"] = json!("sometimes");
    let before = audit().await;
    let (status, problem) = call(
        &server,
        reqwest::Method::POST,
        format!("{v}/releases/{}/documents", release.id),
        &vtoken,
        Some(json!({"kind": "rss-profile", "title": "RSS プロファイル", "content": broken})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "invalid-profile", "{problem}");
    assert!(problem["location"].is_object(), "{problem}");
    assert_eq!(audit().await, before, "nothing was stored");

    // The example profile: created with the findings of `kaiji rss check`, published, shared.
    let (status, created) = call(
        &server,
        reqwest::Method::POST,
        format!("{v}/releases/{}/documents", release.id),
        &vtoken,
        Some(
            json!({"kind": "rss-profile", "title": "RSS プロファイル", "content": profile_json()}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert!(created["findings"].is_array(), "{created}");
    let document = created["document"]["id"].as_str().unwrap().to_owned();
    // A draft that stops reading is refused the same way; the stored draft stays.
    let (status, _) = call(
        &server,
        reqwest::Method::PUT,
        format!("{v}/documents/{document}/draft"),
        &vtoken,
        Some(json!({"content": {"service": "?"}})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, kept) = call(
        &server,
        reqwest::Method::GET,
        format!("{v}/documents/{document}"),
        &vtoken,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(kept["draft"], profile_json());
    let (status, published) = call(&server, reqwest::Method::POST,
            format!("{v}/documents/{document}/versions"),
            &vtoken,
            Some(json!({"effective_date": "2026-12-01", "next_review_date": "2027-12-01", "update_reason": "初版"})),).await;
    assert_eq!(status, 201, "{published}");
    let (status, _) = call(
        &server,
        reqwest::Method::POST,
        format!("{v}/documents/{document}/shares"),
        &vtoken,
        Some(json!({"hospital": hospital.to_string()})),
    )
    .await;
    assert_eq!(status, 201);

    // What the model computes for the same profile, as `kaiji rss risk` / `kaiji rss sla` do.
    let registry = kaiji_catalog::Registry::builtin().unwrap();
    let profile = kaiji_model::rss::Profile::parse(
        "p",
        &std::fs::read_to_string(
            kaiji_test_support::root().join("examples/rss/pacs-remote-service.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    let threats = kaiji_model::rss::threats_in(&registry).unwrap();
    let register = kaiji_model::rss::register(
        &profile,
        &threats,
        kaiji_model::rss::RiskSettings::default(),
        TODAY.parse().unwrap(),
    );
    let sla = kaiji_model::rss::sla(&profile, &kaiji_model::rss::Terms::default(), &register);
    let want_risk = serde_json::to_value(&register).unwrap();
    let want_sla = serde_json::to_value(&sla).unwrap();

    let h = format!("/api/v1/orgs/{hospital}");
    for (base, token) in [
        (format!("{v}/documents/{document}/versions/1"), &vtoken),
        (format!("{h}/received/{document}/versions/1"), &htoken),
    ] {
        let (status, risk) = call(
            &server,
            reqwest::Method::GET,
            format!("{base}/risk?today={TODAY}"),
            token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{risk}");
        assert_eq!(risk, want_risk);
        let (status, got) = call(
            &server,
            reqwest::Method::GET,
            format!("{base}/sla?today={TODAY}&format=json"),
            token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{got}");
        assert_eq!(got, want_sla);
        // The other formats, as the CLI writes them.
        for (derived, format, media) in [
            (
                "risk",
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("risk", "pdf", "application/pdf"),
            ("sla", "md", "text/markdown"),
            ("sla", "html", "text/html"),
        ] {
            let response = send(
                &server,
                reqwest::Method::GET,
                format!("{base}/{derived}?today={TODAY}&format={format}"),
                token,
                None,
            )
            .await;
            assert_eq!(response.status().as_u16(), 200, "{derived} {format}");
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                content_type.starts_with(media),
                "{derived} {format}: {content_type}"
            );
            let bytes = response.bytes().await.unwrap();
            assert!(!bytes.is_empty());
            if format == "pdf" {
                assert!(bytes.starts_with(b"%PDF-"));
            }
        }
        // A format the report is not written in: 400 naming those it is.
        let (status, problem) = call(
            &server,
            reqwest::Method::GET,
            format!("{base}/sla?format=xlsx"),
            token,
            None,
        )
        .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("unsupported-format"))
        );
    }

    // Another hospital: not found, as for any document it was not sent.
    let (status, _) = call(
        &server,
        reqwest::Method::GET,
        format!("/api/v1/orgs/{other}/received/{document}/versions/1/risk"),
        &otoken,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // A disclosure is not a profile: 422, and the profile is no disclosure to review or to import into.
    let mds: Value = serde_json::from_str(
        &std::fs::read_to_string(kaiji_test_support::example("pacs-mds-5.0h.kaiji.json")).unwrap(),
    )
    .unwrap();
    let (status, created) = call(
        &server,
        reqwest::Method::POST,
        format!("{v}/releases/{}/documents", release.id),
        &vtoken,
        Some(json!({"kind": "mds", "title": "MDS", "content": mds})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let mds_id = created["document"]["id"].as_str().unwrap().to_owned();
    let (status, _) = call(&server, reqwest::Method::POST,
            format!("{v}/documents/{mds_id}/versions"),
            &vtoken,
            Some(json!({"effective_date": "2026-12-01", "next_review_date": "2027-12-01", "update_reason": "初版"})),).await;
    assert_eq!(status, 201);
    let (status, _) = call(
        &server,
        reqwest::Method::POST,
        format!("{v}/documents/{mds_id}/shares"),
        &vtoken,
        Some(json!({"hospital": hospital.to_string()})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, problem) = call(
        &server,
        reqwest::Method::GET,
        format!("{v}/documents/{mds_id}/versions/1/sla"),
        &vtoken,
        None,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("not-a-profile"))
    );
    let (status, problem) = call(
        &server,
        reqwest::Method::GET,
        format!("{h}/received/{document}/versions/1/review"),
        &htoken,
        None,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("not-a-disclosure"))
    );
    let response = c
        .post(server.url(&format!("{v}/documents/{document}/draft/import")))
        .bearer_auth(&vtoken)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(
            std::fs::read(
                kaiji_test_support::root().join("crates/xlsx/tests/fixtures/libreoffice.xlsx"),
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let (status, problem) = answer(response).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("not-a-checklist-document"))
    );
    // The hospital's comparison of everything it holds is of the disclosure alone (the profile is left
    // out), as is the received risk register of the disclosure refused.
    let (status, compare) = call(
        &server,
        reqwest::Method::GET,
        format!("{h}/compare?today={TODAY}"),
        &htoken,
        None,
    )
    .await;
    assert_eq!(status, 200, "{compare}");
    let (status, alone) = call(
        &server,
        reqwest::Method::GET,
        format!("{h}/compare?today={TODAY}&documents={mds_id}"),
        &htoken,
        None,
    )
    .await;
    assert_eq!((status, &compare), (200, &alone));
    let (status, problem) = call(
        &server,
        reqwest::Method::GET,
        format!("{h}/received/{mds_id}/versions/1/risk"),
        &htoken,
        None,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("not-a-profile"))
    );
    assert!(server.store.verify_audit().await.unwrap().broken.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rss_package_sqlite() {
    rss_package(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rss_package_postgres() {
    rss_package(Flavour::Postgres).await;
}
