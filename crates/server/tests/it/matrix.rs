//! The authorisation matrix: every route of the table the server enforces × every role × own organisation
//! (of either kind) / foreign organisation / no session → the status the table says; and the permission
//! table in docs/ is the table's.

use std::collections::BTreeMap;

use jiff::civil::date;
use kaiji_server::gate::{Access, ROUTES, permission_table};
use kaiji_store::{NewProduct, OrgId, OrgKind, Publication, Role};
use kaiji_test_support::db::Flavour;
use serde_json::json;

use crate::common::{TestServer, admin};

struct Fixture {
    vendor: OrgId,
    other_vendor: OrgId,
    hospital: OrgId,
    other_hospital: OrgId,
    ids: BTreeMap<&'static str, String>,
    tokens: BTreeMap<(String, Role), String>,
}

async fn fixture(server: &TestServer) -> Fixture {
    let store = &server.store;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let other_vendor = server.org(OrgKind::Vendor, "ベンダーB").await;
    let hospital = server.org(OrgKind::Hospital, "病院H").await;
    let other_hospital = server.org(OrgKind::Hospital, "病院H2").await;
    let ctx = admin();
    let example: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(kaiji_test_support::example("pacs-mds-5.0h.kaiji.json")).unwrap(),
    )
    .unwrap();
    let product = store
        .create_product(
            &ctx,
            &vendor,
            &NewProduct {
                maker: "A".into(),
                name: "PACS".into(),
                model: "1".into(),
                device_id: None,
                purl: None,
            },
        )
        .await
        .unwrap();
    let release = store
        .create_release(&ctx, &vendor, &product.id, "1.0")
        .await
        .unwrap();
    let document = store
        .create_document(&ctx, &vendor, &release.id, "mds", "MDS")
        .await
        .unwrap();
    store
        .save_draft(&ctx, &vendor, &document.id, &example, &json!([]))
        .await
        .unwrap();
    // A kept workbook, and an attachment that version 1 carries.
    let original = |role, file_name: &str| kaiji_store::NewOriginal {
        document: Some(document.id.clone()),
        role,
        file_name: file_name.into(),
        media_type: "application/pdf".into(),
        bytes: b"%PDF-1.4".to_vec(),
    };
    let workbook = store
        .add_original(
            &ctx,
            &vendor,
            original(kaiji_store::OriginalRole::Workbook, "mds.xlsx"),
        )
        .await
        .unwrap();
    let attachment = store
        .add_original(
            &ctx,
            &vendor,
            original(kaiji_store::OriginalRole::Attachment, "evidence.pdf"),
        )
        .await
        .unwrap();
    store
        .publish(
            &ctx,
            &vendor,
            &document.id,
            &Publication {
                effective_date: date(2026, 12, 1),
                next_review_date: date(2027, 12, 1),
                update_reason: "初版".into(),
                findings: json!([]),
            },
        )
        .await
        .unwrap();
    store
        .share(&ctx, &vendor, &document.id, &hospital)
        .await
        .unwrap();
    let hospital_ctx = kaiji_store::Ctx {
        org: Some(hospital.clone()),
        ..admin()
    };
    let question = store
        .ask_question(
            &hospital_ctx,
            &hospital,
            &document.id,
            1,
            "MDS-C00-01",
            "質問",
        )
        .await
        .unwrap();
    let request = store
        .create_request(
            &hospital_ctx,
            &hospital,
            &kaiji_store::NewRequest {
                vendor: vendor.clone(),
                product: Some(product.id.clone()),
                subject: "PACS".into(),
                kind: "sds".into(),
                message: "SDS をください".into(),
                due_date: date(2027, 1, 31),
            },
        )
        .await
        .unwrap();
    // What the hospital keeps: a policy, its inventory and its risk record.
    for (kind, name, file) in [
        (
            kaiji_store::HospitalFileKind::Policy,
            "house-policy",
            "examples/hospital/policy.yaml",
        ),
        (
            kaiji_store::HospitalFileKind::Inventory,
            "inventory",
            "examples/hospital/inventory.yaml",
        ),
        (
            kaiji_store::HospitalFileKind::RiskRecord,
            "risk-record",
            "examples/betsushi/risk-record.yaml",
        ),
    ] {
        let content = std::fs::read_to_string(kaiji_test_support::root().join(file)).unwrap();
        store
            .put_hospital_file(&hospital_ctx, &hospital, kind, name, &content)
            .await
            .unwrap();
    }
    let notification = store
        .notify(
            jiff::Timestamp::now(),
            &vendor,
            None,
            "test",
            &json!({}),
            None,
        )
        .await
        .unwrap()
        .unwrap();
    let (link, _) = store
        .create_access_link(
            &ctx,
            &vendor,
            &document.id,
            "リンク",
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
        )
        .await
        .unwrap();
    let mut tokens = BTreeMap::new();
    for org in [&vendor, &other_vendor, &hospital, &other_hospital] {
        for role in Role::ALL {
            tokens.insert((org.to_string(), role), server.token(org, role).await);
        }
    }
    let ids = BTreeMap::from([
        ("product", product.id.to_string()),
        ("release", release.id.to_string()),
        ("document", document.id.to_string()),
        ("version", "1".to_owned()),
        ("question", question.id.to_string()),
        ("request", request.id.to_string()),
        ("notification", notification.to_string()),
        ("secret", link.expose().to_owned()),
        ("workbook", workbook.id.to_string()),
        ("attachment", attachment.id.to_string()),
        ("policy", "house-policy".to_owned()),
    ]);
    Fixture {
        vendor,
        other_vendor,
        hospital,
        other_hospital,
        ids,
        tokens,
    }
}

/// The route's path with the fixture's ids and `org`.
fn path(template: &str, org: &OrgId, ids: &BTreeMap<&str, String>) -> String {
    let mut path = template.replace("{org}", org.as_str());
    for (name, value) in ids {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    path
}

/// What a call that passes the gate answers in this test: reads 200 (the risk register and SLA of the
/// fixture's MDS 422); changes get an empty JSON object,
/// which no handler accepts (400 naming the missing field; a workbook upload refuses JSON with 415; an
/// attachment without its file name is 400), so nothing is changed by the matrix.
fn passed(method: &str, path: &str) -> u16 {
    match method {
        // The fixture's document is an MDS, which is not an RSS profile: past the gate, 422.
        "GET" if path.ends_with("/risk") || path.ends_with("/sla") => 422,
        "GET" => 200,
        _ if path.ends_with("/import") => 415,
        _ => 400,
    }
}

async fn call(server: &TestServer, method: &str, path: &str, token: Option<&str>) -> u16 {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server
        .client
        .request(method.clone(), server.url(path))
        .header("content-type", "application/json");
    if method != reqwest::Method::GET {
        request = request.body("{}");
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn matrix(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let f = fixture(&server).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for route in ROUTES {
        // The organisation a route is about: a vendor's for vendor routes, the hospital's otherwise.
        let (home, foreign_member) = match route.access {
            Access::Org(grants) if grants.iter().all(|(k, _)| *k == OrgKind::Hospital) => {
                (&f.hospital, &f.other_hospital)
            }
            _ => (&f.vendor, &f.other_vendor),
        };
        let mut cases: Vec<(String, String, Option<String>, u16)> = Vec::new();
        // No session.
        let none = match route.access {
            Access::Public => passed(route.method, route.path),
            _ => 401,
        };
        cases.push((
            "no session".into(),
            path(route.path, home, &f.ids),
            None,
            none,
        ));
        for role in Role::ALL {
            for (kind, own) in [
                (OrgKind::Vendor, &f.vendor),
                (OrgKind::Hospital, &f.hospital),
            ] {
                let token = f.tokens[&(own.to_string(), role)].clone();
                // Own organisation in the path.
                let expected = match route.access {
                    Access::Public | Access::SignedIn => passed(route.method, route.path),
                    Access::Org(_) if route.access.allows(kind, role) => {
                        passed(route.method, route.path)
                    }
                    Access::Org(_) => 403,
                };
                cases.push((
                    format!("{kind} {role}, own organisation"),
                    path(route.path, own, &f.ids),
                    Some(token),
                    expected,
                ));
            }
            // A member of another organisation of the same kind, naming this one.
            if let Access::Org(_) = route.access {
                let token = f.tokens[&(foreign_member.to_string(), role)].clone();
                cases.push((
                    format!("{role} of a foreign organisation"),
                    path(route.path, home, &f.ids),
                    Some(token),
                    404,
                ));
            }
        }
        for (who, path, token, expected) in cases {
            let status = call(&server, route.method, &path, token.as_deref()).await;
            checked += 1;
            if status != expected {
                failures.push(format!(
                    "{} {} as {who}: {status}, expected {expected}",
                    route.method, route.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{flavour}:\n{}", failures.join("\n"));
    assert!(checked > ROUTES.len() * 10, "{checked} calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_sqlite() {
    matrix(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_postgres() {
    matrix(Flavour::Postgres).await;
}

/// Every organisation route names its organisation where the gate reads it.
#[test]
fn organisation_routes_start_with_the_organisation() {
    for route in ROUTES {
        if let Access::Org(_) = route.access {
            assert!(
                route.path.starts_with("/api/v1/orgs/{org}"),
                "{}",
                route.path
            );
        }
    }
}

/// docs/permissions.md is the table the server enforces (`KAIJI_BLESS=1` rewrites it).
#[test]
fn permission_table_in_docs_is_current() {
    let file = kaiji_test_support::root().join("docs/permissions.md");
    let table = permission_table();
    if std::env::var_os("KAIJI_BLESS").is_some() {
        std::fs::write(&file, &table).unwrap();
    }
    let current = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        current, table,
        "docs/permissions.md is stale: KAIJI_BLESS=1 cargo test -p kaiji-server --test it permission_table"
    );
}
