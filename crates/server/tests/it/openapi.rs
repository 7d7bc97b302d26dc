//! The OpenAPI document: generated from the code, checked in, served, and covering exactly the gate's routes;
//! and the pages of the lists it describes.

use kaiji_server::gate::ROUTES;
use kaiji_server::openapi;
use kaiji_store::OrgKind;
use kaiji_store::Role;
use kaiji_test_support::db::Flavour;
use serde_json::{Value, json};

use crate::common::{TestServer, answer};

/// schemas/openapi.json is the document the code generates (`KAIJI_BLESS=1` rewrites it).
#[test]
fn checked_in_document_is_current() {
    let file = kaiji_test_support::root().join("schemas/openapi.json");
    let text = openapi::document_text();
    if std::env::var_os("KAIJI_BLESS").is_some() {
        std::fs::write(&file, &text).unwrap();
    }
    let current = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        current == text,
        "schemas/openapi.json is stale: KAIJI_BLESS=1 cargo test -p kaiji-server --test it openapi"
    );
}

/// Every route of gate::ROUTES is in the document with its method, and nothing else is.
#[test]
fn document_has_every_route_and_nothing_else() {
    let (missing, stale) = openapi::coverage();
    assert!(
        missing.is_empty(),
        "routes without an Op line (see docs/architecture.md): {missing:?}"
    );
    assert!(stale.is_empty(), "Op lines without a route: {stale:?}");
    let document = openapi::document();
    let mut listed: Vec<(String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            listed.push((method.to_ascii_uppercase(), path.clone()));
        }
    }
    let mut routes: Vec<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    listed.sort();
    routes.sort();
    assert_eq!(listed, routes);
    // Every operation has an id, a summary, a success answer and a problem answer, and every $ref resolves.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let text = document.to_string();
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    for item in document["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            assert!(
                op["operationId"].is_string() && op["summary"].is_string(),
                "{op}"
            );
            assert!(
                op["responses"]["default"]["content"]["application/problem+json"].is_object(),
                "{op}"
            );
        }
    }
    assert_eq!(document["openapi"], "3.1.0");
}

/// Members the server leaves out when empty are optional in the answers' schemas (schemathesis found the
/// problem document's `findings` and a finding's `refs` listed as required: the deserialize contract).
#[test]
fn members_left_out_when_empty_are_optional() {
    let document = openapi::document();
    let schemas = &document["components"]["schemas"];
    let required = |name: &str| -> Vec<String> {
        schemas[name]["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        required("Problem"),
        ["type", "title", "status", "detail", "code", "message"]
    );
    assert!(!required("Finding").contains(&"refs".to_owned()));
    // An Option the server always writes is required and nullable.
    assert!(required("Product").contains(&"purl".to_owned()));
}

/// Request bodies are described as serde reads them (deserialize contract): an `Option` field may be left
/// out, so it is not required; one marked required stays so. Answers keep the serialize contract.
#[test]
fn optional_request_fields_are_not_required() {
    let document = openapi::document();
    let schemas = &document["components"]["schemas"];
    let required = |name: &str| -> Vec<&str> {
        schemas[name]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {}", schemas[name]))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect()
    };
    assert_eq!(required("NewProduct"), ["maker", "name", "model"]);
    assert_eq!(
        required("NewRequest"),
        ["vendor", "subject", "kind", "message", "due_date"]
    );
    assert_eq!(required("Acknowledge"), ["version", "reviewed_on"]);
    // `document` is required on purpose (null is "no document"), and says so.
    assert_eq!(required("AnswerRequest"), ["document"]);
    // The bodies name those schemas.
    let body = |path: &str| {
        document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"]
            .clone()
    };
    assert_eq!(
        body("/api/v1/orgs/{org}/products"),
        "#/components/schemas/NewProduct"
    );
    assert_eq!(
        body("/api/v1/orgs/{org}/requests"),
        "#/components/schemas/NewRequest"
    );
    // An answer's Option always written is still required.
    assert!(required("Product").contains(&"purl"));
    // Nothing is left pointing at the request generator's own place.
    assert!(!document.to_string().contains("requestSchemas"));
}

/// A type read and written alike is listed once; one whose request schema differs from its answer
/// schema is listed again as `{name}Input`, and so is every type that refers to it, and the request side
/// refers to the renamed ones.
#[test]
fn request_and_answer_schemas_of_one_type_do_not_overwrite_each_other() {
    #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
    struct Note {
        text: Option<String>,
    }
    #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
    struct Tag {
        name: String,
    }
    #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
    struct Holder {
        note: Note,
        tag: Tag,
    }
    let mut generators = openapi::Generators::new();
    let answer = generators.answers.subschema_for::<Holder>();
    let mut request = serde_json::to_value(generators.requests.subschema_for::<Holder>()).unwrap();
    let mut schemas = generators.answers.take_definitions(true);
    let names = openapi::merge_requests(&mut schemas, generators.requests.take_definitions(true));
    openapi::rewrite_refs(&mut request, &names);
    assert_eq!(answer.get("$ref").unwrap(), "#/components/schemas/Holder");
    assert_eq!(request["$ref"], "#/components/schemas/HolderInput");
    let mut listed: Vec<&String> = schemas.keys().collect();
    listed.sort();
    assert_eq!(
        listed,
        ["Holder", "HolderInput", "Note", "NoteInput", "Tag"]
    );
    assert_eq!(schemas["Note"]["required"], json!(["text"]));
    assert!(
        schemas["NoteInput"].get("required").is_none(),
        "{}",
        schemas["NoteInput"]
    );
    assert_eq!(
        schemas["HolderInput"]["properties"]["note"]["$ref"],
        "#/components/schemas/NoteInput"
    );
    assert_eq!(
        schemas["HolderInput"]["properties"]["tag"]["$ref"],
        "#/components/schemas/Tag"
    );
    assert_eq!(
        schemas["Holder"]["properties"]["note"]["$ref"],
        "#/components/schemas/Note"
    );
}

/// Bodies with their optional fields left out are taken, as the document says: a product without
/// device_id and purl, a request without a product.
async fn optional_fields_left_out(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server.org(OrgKind::Vendor, "省略製作所").await;
    let token = server.token(&vendor, Role::Editor).await;
    let (status, product) = answer(
        server
            .client
            .post(server.url(&format!("/api/v1/orgs/{vendor}/products")))
            .bearer_auth(&token)
            .json(&json!({"maker": "m", "name": "省略", "model": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{product}");
    assert_eq!(
        (&product["purl"], &product["device_id"]),
        (&Value::Null, &Value::Null)
    );
    let hospital = server.org(OrgKind::Hospital, "省略病院").await;
    let htoken = server.token(&hospital, Role::Owner).await;
    let (status, request) = answer(
        server
            .client
            .post(server.url(&format!("/api/v1/orgs/{hospital}/requests")))
            .bearer_auth(&htoken)
            .json(
                &json!({"vendor": vendor.to_string(), "subject": "s", "kind": "mds",
                          "message": "お願いします", "due_date": "2099-01-31"}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["product"], Value::Null, "{request}");
}

#[tokio::test]
async fn optional_fields_left_out_sqlite() {
    optional_fields_left_out(Flavour::Sqlite).await;
}

async fn served(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let response = server
        .client
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), openapi::document_text());
}

#[tokio::test]
async fn served_sqlite() {
    served(Flavour::Sqlite).await;
}

#[tokio::test]
async fn served_postgres() {
    served(Flavour::Postgres).await;
}

/// Pages: default and explicit limits, the cursor walks every item once in a stable order while items
/// are added, and bad limits and cursors are 400 problems.
async fn pagination(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server.org(OrgKind::Vendor, "ページ製作所").await;
    let token = server.token(&vendor, Role::Editor).await;
    let c = &server.client;
    let products = server.url(&format!("/api/v1/orgs/{vendor}/products"));
    let create = |name: String| {
        let products = products.clone();
        let token = token.clone();
        async move {
            let response = c
                .post(&products)
                .bearer_auth(&token)
                .json(&json!({"maker": "m", "name": name, "model": "x", "device_id": null, "purl": null}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
        }
    };
    for i in 0..7 {
        create(format!("製品{i}")).await;
    }
    let get = |query: String| {
        let url = format!("{products}{query}");
        let token = token.clone();
        async move { answer(c.get(&url).bearer_auth(&token).send().await.unwrap()).await }
    };
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // Default limit: all seven, no next page.
    let (status, all) = get(String::new()).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(names(&all).len(), 7);
    assert_eq!(all["next"], Value::Null);
    // Pages of three, with a product added after the first page: each item once, oldest first.
    let (_, first) = get("?limit=3".into()).await;
    assert_eq!(names(&first), ["製品0", "製品1", "製品2"]);
    create("製品7".into()).await;
    let mut seen = names(&first);
    let mut next = first["next"].as_str().unwrap().to_owned();
    loop {
        let (status, page) = get(format!("?limit=3&cursor={next}")).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(names(&page));
        match page["next"].as_str() {
            Some(n) => next = n.to_owned(),
            None => break,
        }
    }
    let expected: Vec<String> = (0..8).map(|i| format!("製品{i}")).collect();
    assert_eq!(seen, expected);
    // The largest page, and an exact fit leaves no next.
    let (status, big) = get("?limit=200".into()).await;
    assert_eq!((status, names(&big).len()), (200, 8));
    let (_, exact) = get("?limit=8".into()).await;
    assert_eq!(exact["next"], Value::Null);
    // Bad limits and cursors: 400 problems with kaiji's codes.
    for (query, code) in [
        ("?limit=0", "bad-limit"),
        ("?limit=201", "bad-limit"),
        ("?limit=99999999999999", "bad-limit"),
        ("?limit=-1", "bad-limit"),
        ("?limit=ten", "bad-limit"),
        ("?cursor=garbage", "bad-cursor"),
        ("?cursor=1.%27%3B%20DROP%20TABLE%20products", "bad-cursor"),
        ("?cursor=", "bad-cursor"),
    ] {
        let response = c
            .get(format!("{products}{query}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], code, "{query}");
    }
    // Newest-first lists page the same way (requests, notifications): the hospitals list here pages
    // oldest first over every hospital.
    for i in 0..3 {
        server.org(OrgKind::Hospital, &format!("病院{i}")).await;
    }
    let hospitals = server.url(&format!("/api/v1/orgs/{vendor}/hospitals"));
    let (_, page) = answer(
        c.get(format!("{hospitals}?limit=2"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(names(&page), ["病院0", "病院1"]);
    let next = page["next"].as_str().unwrap();
    let (_, rest) = answer(
        c.get(format!("{hospitals}?limit=2&cursor={next}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(names(&rest), ["病院2"]);
    assert_eq!(rest["next"], Value::Null);

    // A newest-first list: a hospital's requests, newest first, a request made between two pages does not
    // shift the second page.
    let hospital = server.org(OrgKind::Hospital, "依頼病院").await;
    let htoken = server.token(&hospital, Role::Owner).await;
    let requests = server.url(&format!("/api/v1/orgs/{hospital}/requests"));
    let ask =
        |subject: &'static str| {
            let (requests, htoken, vendor) = (requests.clone(), htoken.clone(), vendor.to_string());
            async move {
                let response = c
                .post(&requests)
                .bearer_auth(&htoken)
                .json(&json!({"vendor": vendor, "product": null, "subject": subject, "kind": "mds",
                              "message": "お願いします", "due_date": "2099-01-31"}))
                .send()
                .await
                .unwrap();
                assert_eq!(response.status(), 201);
            }
        };
    for subject in ["r0", "r1", "r2"] {
        ask(subject).await;
    }
    let subjects = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, first) = answer(
        c.get(format!("{requests}?limit=2"))
            .bearer_auth(&htoken)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(subjects(&first), ["r2", "r1"]);
    ask("r3").await;
    let next = first["next"].as_str().unwrap();
    let (_, second) = answer(
        c.get(format!("{requests}?limit=2&cursor={next}"))
            .bearer_auth(&htoken)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(subjects(&second), ["r0"]);
    assert_eq!(second["next"], Value::Null);
}

#[tokio::test]
async fn pagination_sqlite() {
    pagination(Flavour::Sqlite).await;
}

#[tokio::test]
async fn pagination_postgres() {
    pagination(Flavour::Postgres).await;
}
