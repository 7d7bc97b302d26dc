//! The hospital side: stored policies and inventory, freshness, and review / compare / MHLW lines / 別紙
//! computed from what the hospital holds, equal to what the model computes for the same files, in every
//! format the CLI writes; a bad policy is refused with its place and stores nothing; another hospital sees
//! none of it.

use jiff::civil::{Date, date};
use kaiji_catalog::Registry;
use kaiji_model::Disclosure;
use kaiji_model::review::{Guideline, Policy, ReviewOptions};
use kaiji_store::{DocumentId, NewProduct, OrgId, OrgKind, Publication, Role};
use kaiji_test_support::db::Flavour;
use serde_json::{Value, json};

use crate::common::{TestServer, admin, answer};

const TODAY: &str = "2026-12-01";

fn text(path: &str) -> String {
    std::fs::read_to_string(kaiji_test_support::root().join(path)).unwrap()
}

fn example(name: &str) -> Value {
    serde_json::from_str(&text(&format!("examples/{name}"))).unwrap()
}

/// A vendor publishes `content` as version 1 of a new document of a new product and shares it with the
/// hospital (through the store: the vendor's API is tested in api.rs).
async fn received(
    server: &TestServer,
    vendor: &OrgId,
    hospital: &OrgId,
    content: &Value,
    effective: Date,
    next_review: Date,
) -> DocumentId {
    let ctx = admin();
    let store = &server.store;
    let subject = &content["subject"];
    let product = store
        .create_product(
            &ctx,
            vendor,
            &NewProduct {
                maker: subject["organisation"].as_str().unwrap().into(),
                name: subject["product"].as_str().unwrap().into(),
                model: "M-1".into(),
                device_id: None,
                purl: None,
            },
        )
        .await
        .unwrap();
    let release = store
        .create_release(
            &ctx,
            vendor,
            &product.id,
            subject["version"].as_str().unwrap(),
        )
        .await
        .unwrap();
    let kind = content["kind"].as_str().unwrap();
    let document = store
        .create_document(&ctx, vendor, &release.id, kind, "開示書")
        .await
        .unwrap();
    store
        .save_draft(&ctx, vendor, &document.id, content, &json!([]))
        .await
        .unwrap();
    store
        .publish(
            &ctx,
            vendor,
            &document.id,
            &Publication {
                effective_date: effective,
                next_review_date: next_review,
                update_reason: "初版".into(),
                findings: json!([]),
            },
        )
        .await
        .unwrap();
    store
        .share(&ctx, vendor, &document.id, hospital)
        .await
        .unwrap();
    document.id
}

struct Fixture {
    server: TestServer,
    hospital: OrgId,
    token: String,
    pacs: DocumentId,
    pacs_old: DocumentId,
    cloud: DocumentId,
}

impl Fixture {
    async fn new(flavour: Flavour) -> Self {
        let server = TestServer::start(flavour).await;
        let imaging = server
            .org(OrgKind::Vendor, "株式会社サンプルメディカルイメージング")
            .await;
        let cloud_vendor = server
            .org(OrgKind::Vendor, "サンプルクラウドヘルス株式会社")
            .await;
        let hospital = server.org(OrgKind::Hospital, "サンプル総合病院").await;
        let token = server.token(&hospital, Role::Reviewer).await;
        // Current (next review a year away), expired under the hospital's 730 days (dated 2023-10-02)
        // and run in a newer version (9.2.0) than disclosed (8.4.2), review due (2026-11-15 has come).
        let pacs = received(
            &server,
            &imaging,
            &hospital,
            &example("pacs-mds-5.0h.kaiji.json"),
            date(2026, 4, 1),
            date(2027, 4, 1),
        )
        .await;
        let pacs_old = received(
            &server,
            &imaging,
            &hospital,
            &example("pacs-mds-4.1.kaiji.json"),
            date(2023, 10, 2),
            date(2027, 10, 2),
        )
        .await;
        let cloud = received(
            &server,
            &cloud_vendor,
            &hospital,
            &example("cloud-share-sds-5.0h.kaiji.json"),
            date(2026, 3, 15),
            date(2026, 11, 15),
        )
        .await;
        Self {
            server,
            hospital,
            token,
            pacs,
            pacs_old,
            cloud,
        }
    }

    fn url(&self, path: &str) -> String {
        self.server
            .url(&format!("/api/v1/orgs/{}{path}", self.hospital))
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.server
            .client
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    async fn get_json(&self, path: &str) -> Value {
        let (status, body) = answer(self.get(path).await).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    async fn put_yaml(&self, path: &str, yaml: &str) -> (u16, Value) {
        answer(
            self.server
                .client
                .put(self.url(path))
                .bearer_auth(&self.token)
                .header("content-type", "application/yaml")
                .body(yaml.to_owned())
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn put_json(&self, path: &str, body: &Value) -> (u16, Value) {
        answer(
            self.server
                .client
                .put(self.url(path))
                .bearer_auth(&self.token)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn stores_policy_and_inventory(&self) {
        let (status, body) = self
            .put_yaml("/policies/院内方針", &text("examples/hospital/policy.yaml"))
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = self
            .put_yaml("/inventory", &text("examples/hospital/inventory.yaml"))
            .await;
        assert_eq!(status, 200, "{body}");
    }

    fn doc(&self, name: &str) -> Disclosure {
        serde_json::from_value(example(name)).unwrap()
    }
}

fn label(document: &DocumentId) -> String {
    format!("received/{document}/versions/1")
}

/// The policy, review, comparison, MHLW lines and 別紙 as the model computes them for the same files.
async fn computed_from_what_the_hospital_holds(flavour: Flavour) {
    let f = Fixture::new(flavour).await;
    let registry = Registry::builtin().unwrap();
    let today: Date = TODAY.parse().unwrap();
    f.stores_policy_and_inventory().await;

    // Policies: the stored one as written, one started from a shipped policy, the list of both.
    let stored = f.get_json("/policies/院内方針").await;
    assert_eq!(stored["content"], text("examples/hospital/policy.yaml"));
    assert_eq!(stored["parsed"]["id"], "sample-hospital");
    let (status, body) = f
        .put_json("/policies/baseline", &json!({"from": "gl7-baseline"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let shipped = Policy::find(&registry, "gl7-baseline").unwrap().unwrap();
    assert_eq!(body["content"], shipped.to_yaml());
    // JSON text is a policy too.
    let as_json = serde_json::to_string_pretty(&shipped).unwrap();
    let (status, body) = f
        .put_json("/policies/json", &json!({"content": as_json}))
        .await;
    assert_eq!(status, 200, "{body}");
    let list = f.get_json("/policies").await;
    assert_eq!(list["items"], json!(["baseline", "json", "院内方針"]));
    assert_eq!(list["next"], Value::Null);
    assert!(
        list["shipped"]
            .as_array()
            .unwrap()
            .contains(&json!("gl7-baseline"))
    );
    // In pages of two, in name order, the shipped ones with each page; the cursor holds a Japanese name.
    let first = f.get_json("/policies?limit=2").await;
    assert_eq!(first["items"], json!(["baseline", "json"]));
    assert_eq!(first["shipped"], list["shipped"]);
    let next = first["next"].as_str().unwrap();
    let second = f
        .get_json(&format!("/policies?limit=2&cursor={next}"))
        .await;
    assert_eq!(second["items"], json!(["院内方針"]));
    assert_eq!(second["next"], Value::Null);
    assert_eq!(second["shipped"], list["shipped"]);
    // A cursor another list handed out is not one of this list.
    let (status, problem) = answer(f.get("/policies?cursor=19a.0193abc").await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("bad-cursor")),
        "{problem}"
    );
    let inventory = f.get_json("/inventory").await;
    assert_eq!(inventory["parsed"]["facility"], "サンプル総合病院");

    // The review of one received version against the stored policy: what `kaiji review` computes.
    let policy = Policy::read("院内方針", &text("examples/hospital/policy.yaml")).unwrap();
    let guideline = Guideline::resolve(&registry, kaiji_model::review::DEFAULT_GUIDELINE).unwrap();
    let options = ReviewOptions {
        today,
        max_age_days: None,
    };
    let pacs = f.doc("pacs-mds-5.0h.kaiji.json");
    let review =
        kaiji_model::review::Reviewer::new(&registry, &policy, &guideline).review(&pacs, options);
    let expected = json!([kaiji_model::api::FileReview::new(
        label(&f.pacs),
        &pacs,
        &review
    )]);
    let path = format!(
        "/received/{}/versions/1/review?policy=院内方針&today={TODAY}",
        f.pacs
    );
    assert_eq!(f.get_json(&path).await, expected);
    assert!(review.score.total > 0, "the policy covers the example");

    // The comparison of two vendors.
    let cloud = f.doc("cloud-share-sds-5.0h.kaiji.json");
    let comparison = kaiji_model::review::compare(
        &[pacs.clone(), cloud.clone()],
        &registry,
        &policy,
        &guideline,
        options,
    )
    .unwrap();
    let compare = format!(
        "/compare?documents={},{}@1&policy=院内方針&today={TODAY}",
        f.pacs, f.cloud
    );
    let answered = f.get_json(&compare).await;
    assert_eq!(answered, serde_json::to_value(&comparison).unwrap());
    assert_eq!(answered["vendors"].as_array().unwrap().len(), 2);

    // The MHLW checklist lines: R8 by default, R7 when asked.
    let inventory =
        kaiji_model::mhlw::Inventory::parse("inventory", &text("examples/hospital/inventory.yaml"))
            .unwrap();
    let old = f.doc("pacs-mds-4.1.kaiji.json");
    // Every held document, oldest first (the order they were received).
    let held = [&pacs, &old, &cloud];
    let collected = kaiji_model::mhlw::collect_held(&inventory, &held);
    for (edition, query) in [(None, ""), (Some("R7"), "&edition=R7")] {
        let answered =
            kaiji_model::mhlw::mhlw_lines(&inventory, &collected, &registry, edition, today)
                .unwrap();
        let expected = serde_json::to_value(kaiji_model::api::ChecklistReport::new(
            &inventory, &answered,
        ))
        .unwrap();
        let got = f
            .get_json(&format!("/checklist/mhlw?today={TODAY}{query}"))
            .await;
        assert_eq!(got, expected, "edition {edition:?}");
    }
    let r7 = f
        .get_json(&format!("/checklist/mhlw?today={TODAY}&edition=R7"))
        .await;
    assert!(r7.to_string().contains("R7"), "{r7}");
    let r8 = f.get_json(&format!("/checklist/mhlw?today={TODAY}")).await;
    assert!(r8.to_string().contains("R8"), "{r8}");

    // 別紙: every held disclosure the 別紙 reads.
    let labels = [label(&f.pacs), label(&f.pacs_old), label(&f.cloud)];
    let inputs: Vec<kaiji_model::betsushi::Input<'_>> = labels
        .iter()
        .zip(held)
        .filter(|(_, d)| kaiji_model::betsushi::readable(&registry, d).is_ok())
        .map(|(file, document)| kaiji_model::betsushi::Input { file, document })
        .collect();
    assert!(inputs.len() >= 2, "{}", inputs.len());
    let outcome = kaiji_model::betsushi::check(&registry, &inputs, None, today).unwrap();
    let got = f.get_json(&format!("/betsushi?today={TODAY}")).await;
    assert_eq!(got, serde_json::to_value(&outcome).unwrap());
    // With the facility's risk record stored: what `kaiji betsushi --risk-record` computes.
    let record_text = text("examples/betsushi/risk-record.yaml");
    let (status, body) = f.put_yaml("/risk-record", &record_text).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(f.get_json("/risk-record").await["content"], record_text);
    let record = kaiji_model::betsushi::RiskRecord::parse("risk-record", &record_text).unwrap();
    let with_record = kaiji_model::betsushi::check(
        &registry,
        &inputs,
        Some(kaiji_model::betsushi::RecordInput {
            file: "risk-record",
            record: &record,
        }),
        today,
    )
    .unwrap();
    let got = f.get_json(&format!("/betsushi?today={TODAY}")).await;
    assert_eq!(got, serde_json::to_value(&with_record).unwrap());
    assert_ne!(
        serde_json::to_value(&with_record).unwrap(),
        serde_json::to_value(&outcome).unwrap(),
        "the record changes the outcome"
    );

    // Every format of each, with its media type, a file name and a body that reads back.
    // The old PACS disclosure, whose review finds something (a row per finding).
    let review = format!("/received/{}/versions/1/review?policy=院内方針", f.pacs_old);
    let reports: [(&str, &[&str], &str); 4] = [
        (&review, &["json", "csv", "html", "pdf"], "ファイル,"),
        (&compare, &["json", "csv", "html", "xlsx"], "項目,"),
        (
            "/checklist/mhlw?x=1",
            &["json", "csv", "html", "pdf", "xlsx"],
            "版,",
        ),
        ("/betsushi?x=1", &["json", "csv", "html", "pdf", "xlsx"], ""),
    ];
    let mut answered_formats = 0;
    for (path, formats, csv_head) in reports {
        for format in formats {
            let response = f.get(&format!("{path}&format={format}")).await;
            assert_eq!(response.status(), 200, "{path} {format}");
            let media = kaiji_report::Format::from_extension(format)
                .unwrap()
                .media_type();
            assert_eq!(response.headers()["content-type"], media, "{path} {format}");
            let disposition = response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                disposition.contains("filename=") && disposition.ends_with(&format!(".{format}\"")),
                "{disposition}"
            );
            let bytes = response.bytes().await.unwrap();
            assert!(!bytes.is_empty(), "{path} {format}");
            match *format {
                "json" => {
                    serde_json::from_slice::<Value>(&bytes).unwrap();
                }
                "pdf" => assert!(bytes.starts_with(b"%PDF"), "{path}"),
                "xlsx" => {
                    use calamine::Reader as _;
                    let mut workbook: calamine::Xlsx<_> =
                        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
                            .unwrap();
                    let sheets = workbook.sheet_names();
                    assert!(!sheets.is_empty(), "{path}");
                    let range = workbook.worksheet_range(&sheets[0]).unwrap();
                    assert!(range.get_size().0 > 1, "{path}: {:?}", range.get_size());
                }
                "csv" => {
                    let text = std::str::from_utf8(&bytes).unwrap();
                    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
                    assert!(header.starts_with(csv_head), "{path}: {header}");
                    assert!(text.lines().count() > 1, "{path}: {text}");
                }
                "html" => {
                    let text = std::str::from_utf8(&bytes).unwrap();
                    assert!(text.contains("<html"), "{path}");
                }
                other => unreachable!("{other}"),
            }
            answered_formats += 1;
        }
    }
    assert_eq!(answered_formats, 18);
    // The same through Accept, and a format a report is not written in.
    let response = f
        .server
        .client
        .get(f.url(&review))
        .bearer_auth(&f.token)
        .header("accept", "application/pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let response = f
        .server
        .client
        .get(f.url(&review))
        .bearer_auth(&f.token)
        .header("accept", "image/png")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 406);
    let (status, problem) = answer(f.get(&format!("{review}&format=xlsx")).await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("unsupported-format"))
    );
    assert!(
        problem["message"]["en"].as_str().unwrap().contains(".pdf"),
        "{problem}"
    );
}

/// Each freshness state is reached: current, review due, expired, and a newer version in the inventory.
async fn freshness(flavour: Flavour) {
    let f = Fixture::new(flavour).await;
    f.stores_policy_and_inventory().await;
    let inbox = f
        .get_json(&format!("/inbox/freshness?policy=院内方針&today={TODAY}"))
        .await;
    let of = |document: &DocumentId| {
        inbox
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["latest"]["document"] == document.as_str())
            .unwrap()["freshness"]
            .clone()
    };
    let current = of(&f.pacs);
    assert_eq!(current["state"], "current", "{current}");
    assert_eq!(current["newer_in_inventory"], json!([]));
    let due = of(&f.cloud);
    assert_eq!(due["state"], "review-due", "{due}");
    assert_eq!(due["label"]["ja"], "見直し時期");
    let expired = of(&f.pacs_old);
    assert_eq!(expired["state"], "expired", "{expired}");
    assert_eq!(expired["max_age_days"], 730);
    assert_eq!(
        expired["newer_in_inventory"],
        json!([{"system": "PACS(本院)", "version": "9.2.0"}])
    );
    // Without the hospital's policy, the shipped default's age rule (1095 days) leaves 8.4.2 in time
    // on 2026-06-01 (973 days), when the hospital's 730 days do not.
    let inbox = f.get_json("/inbox/freshness?today=2026-06-01").await;
    let entry = inbox
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["latest"]["document"] == f.pacs_old.as_str())
        .unwrap();
    assert_eq!(entry["freshness"]["state"], "current", "{entry}");
    assert_eq!(entry["freshness"]["max_age_days"], 1095, "{entry}");
    let inbox = f
        .get_json("/inbox/freshness?policy=院内方針&today=2026-06-01")
        .await;
    assert!(
        inbox.to_string().contains("\"state\":\"expired\""),
        "{inbox}"
    );
}

/// A policy or inventory that does not read, or a policy whose check finds an error, is 422 with its
/// place and stores nothing; another hospital sees none of this hospital's policies, inventory or reviews.
async fn refused_and_invisible(flavour: Flavour) {
    let f = Fixture::new(flavour).await;
    f.stores_policy_and_inventory().await;
    let before = f.server.store.verify_audit().await.unwrap().entries;

    let (status, problem) = f
        .put_yaml(
            "/policies/壊れた方針",
            "id: x\ntitle: {ja: a, en: b}\nrules: [\n",
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("invalid-policy")),
        "{problem}"
    );
    assert!(
        problem["location"]["en"]
            .as_str()
            .unwrap()
            .starts_with("line "),
        "{problem}"
    );
    let unknown_item = "id: x\ntitle: {ja: a, en: b}\nrules:\n  - id: r\n    select: {items: [MDS-C99-99]}\n    require: [yes]\n    severity: error\n    weight: 1\n";
    let (status, problem) = f.put_yaml("/policies/壊れた方針", unknown_item).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("invalid-policy")),
        "{problem}"
    );
    assert_eq!(
        problem["location"]["en"], "/rules/0/select/items/0",
        "{problem}"
    );
    assert!(!problem["findings"].as_array().unwrap().is_empty());
    let (status, problem) = f
        .put_json("/policies/壊れた方針", &json!({"from": "no-such-policy"}))
        .await;
    assert_eq!(status, 404, "{problem}");
    let (status, problem) = f
        .put_yaml(
            "/inventory",
            "facility: x\nsystems:\n  - system: a\n    vendr: b\n",
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("invalid-inventory")),
        "{problem}"
    );
    assert!(problem["location"].is_object(), "{problem}");
    let (status, _) = f.put_json("/inventory", &json!({})).await;
    assert_eq!(status, 400);
    let (status, problem) = f
        .put_yaml(
            "/risk-record",
            "facility: x\nformula: nonsense\nassessments: []\n",
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("invalid-risk-record")),
        "{problem}"
    );
    // Nothing stored, nothing audited.
    let list = f.get_json("/policies").await;
    assert_eq!(list["items"], json!(["院内方針"]));
    assert_eq!(
        f.get_json("/inventory").await["content"],
        text("examples/hospital/inventory.yaml")
    );
    assert_eq!(f.server.store.verify_audit().await.unwrap().entries, before);

    // Another hospital: its own lists are empty, this hospital's things are not found.
    let other = f.server.org(OrgKind::Hospital, "別の病院").await;
    let token = f.server.token(&other, Role::Owner).await;
    let get = |path: String| {
        let request = f
            .server
            .client
            .get(f.server.url(&format!("/api/v1/orgs/{other}{path}")))
            .bearer_auth(&token);
        async move { answer(request.send().await.unwrap()).await }
    };
    let (status, list) = get("/policies".into()).await;
    assert_eq!((status, list["items"].clone()), (200, json!([])));
    assert_eq!(get("/policies/院内方針".into()).await.0, 404);
    assert_eq!(get("/inventory".into()).await.0, 404);
    assert_eq!(get("/risk-record".into()).await.0, 404);
    assert_eq!(get("/checklist/mhlw".into()).await.0, 404);
    assert_eq!(
        get(format!("/received/{}/versions/1/review", f.pacs))
            .await
            .0,
        404
    );
    assert_eq!(get(format!("/compare?documents={}", f.pacs)).await.0, 404);
    assert_eq!(get(format!("/betsushi?documents={}", f.pacs)).await.0, 404);
    let (status, inbox) = get("/inbox/freshness".into()).await;
    assert_eq!((status, inbox), (200, json!([])));
    // Its own policy of the same name does not touch this hospital's.
    let (status, _) = answer(
        f.server
            .client
            .put(
                f.server
                    .url(&format!("/api/v1/orgs/{other}/policies/院内方針")),
            )
            .bearer_auth(&token)
            .json(&json!({"from": "strict"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        f.get_json("/policies/院内方針").await["content"],
        text("examples/hospital/policy.yaml")
    );
    // A viewer reads but does not write.
    let viewer = f.server.token(&f.hospital, Role::Viewer).await;
    let response = f
        .server
        .client
        .put(f.url("/policies/院内方針"))
        .bearer_auth(&viewer)
        .json(&json!({"from": "strict"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

/// The JSON success answer's schema of `method template` in the served OpenAPI `document`, as a schema of
/// its own (the components as its `$defs`), for [`kaiji_test_support::schema_problems`].
fn answer_schema(document: &Value, method: &str, template: &str) -> Value {
    let status = if method == "post" { "201" } else { "200" };
    let schema = &document["paths"][template][method]["responses"][status]["content"]["application/json"]
        ["schema"];
    assert!(
        schema.is_object() && *schema != json!({}),
        "{method} {template} answers a typed schema: {schema}"
    );
    let root = json!({"$defs": document["components"]["schemas"], "allOf": [schema]});
    serde_json::from_str(
        &root
            .to_string()
            .replace("#/components/schemas/", "#/$defs/"),
    )
    .unwrap()
}

/// Every JSON answer of the hospital side (its stored files, freshness and the reports) conforms to the
/// schema the served OpenAPI document gives it, strictly (a member the schema does not declare is a
/// problem): the schemas are the types the bodies are written from, not `{}`.
async fn answers_match_the_openapi_schemas(flavour: Flavour) {
    let f = Fixture::new(flavour).await;
    f.stores_policy_and_inventory().await;
    let document: Value = f
        .server
        .client
        .get(f.server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let base = "/api/v1/orgs/{org}";
    let check = |method: &str, template: &str, body: &Value| {
        let schema = answer_schema(&document, method, &format!("{base}{template}"));
        let problems = kaiji_test_support::schema_problems(&schema, body);
        assert!(
            problems.is_empty(),
            "{method} {template} departs from its schema:\n{}\n{body}",
            problems.join("\n")
        );
    };
    // The stored files, as PUT and GET answer them.
    let (status, body) = f
        .put_json("/policies/baseline", &json!({"from": "gl7-baseline"}))
        .await;
    assert_eq!(status, 200, "{body}");
    check("put", "/policies/{policy}", &body);
    let policy = f.get_json("/policies/院内方針").await;
    assert_eq!(policy["parsed"]["id"], "sample-hospital");
    check("get", "/policies/{policy}", &policy);
    check("get", "/policies", &f.get_json("/policies").await);
    let (status, body) = f
        .put_yaml("/inventory", &text("examples/hospital/inventory.yaml"))
        .await;
    assert_eq!(status, 200, "{body}");
    check("put", "/inventory", &body);
    check("get", "/inventory", &f.get_json("/inventory").await);
    let (status, body) = f
        .put_yaml("/risk-record", &text("examples/betsushi/risk-record.yaml"))
        .await;
    assert_eq!(status, 200, "{body}");
    check("put", "/risk-record", &body);
    check("get", "/risk-record", &f.get_json("/risk-record").await);
    // Freshness, with each state and a newer version in the inventory (see `freshness`).
    let inbox = f
        .get_json(&format!("/inbox/freshness?policy=院内方針&today={TODAY}"))
        .await;
    assert_eq!(inbox.as_array().unwrap().len(), 3);
    check("get", "/inbox/freshness", &inbox);
    // The reports: a review with findings and one without, the comparison, the MHLW lines of both
    // editions, the 別紙 with the risk record.
    for document in [&f.pacs, &f.pacs_old, &f.cloud] {
        let review = f
            .get_json(&format!(
                "/received/{document}/versions/1/review?policy=院内方針&today={TODAY}"
            ))
            .await;
        check(
            "get",
            "/received/{document}/versions/{version}/review",
            &review,
        );
    }
    let compare = f
        .get_json(&format!("/compare?policy=院内方針&today={TODAY}"))
        .await;
    assert_eq!(compare["vendors"].as_array().unwrap().len(), 3);
    check("get", "/compare", &compare);
    for query in ["", "&edition=R7"] {
        let lines = f
            .get_json(&format!("/checklist/mhlw?today={TODAY}{query}"))
            .await;
        check("get", "/checklist/mhlw", &lines);
    }
    let betsushi = f.get_json(&format!("/betsushi?today={TODAY}")).await;
    assert!(betsushi["facility"].is_string(), "{betsushi}");
    check("get", "/betsushi", &betsushi);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_match_the_openapi_schemas_sqlite() {
    answers_match_the_openapi_schemas(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computed_from_what_the_hospital_holds_sqlite() {
    computed_from_what_the_hospital_holds(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computed_from_what_the_hospital_holds_postgres() {
    computed_from_what_the_hospital_holds(Flavour::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freshness_sqlite() {
    freshness(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freshness_postgres() {
    freshness(Flavour::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_and_invisible_sqlite() {
    refused_and_invisible(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_and_invisible_postgres() {
    refused_and_invisible(Flavour::Postgres).await;
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A one-sheet workbook (sheet 台帳) of text cells.
fn inventory_book(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("台帳").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// The inventory sent as the hospital's own workbook: read as `kaiji checklist mhlw` reads it, stored as
/// the text forms are; a workbook that does not read is refused naming its cell and changes nothing.
async fn inventory_as_a_workbook(flavour: Flavour) {
    // Small limits, to reach both: the workbook's (the upload limit) and the text forms' (the JSON one).
    let server = TestServer::start_with(flavour, |config| {
        config.body_limit = 8 * 1024;
        config.upload_limit = 64 * 1024;
    })
    .await;
    let hospital = server.org(OrgKind::Hospital, "台帳病院").await;
    let token = server.token(&hospital, Role::Reviewer).await;
    let url = server.url(&format!("/api/v1/orgs/{hospital}/inventory"));
    let put = |content_type: &'static str, body: Vec<u8>| {
        let request = server
            .client
            .put(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body);
        async move { answer(request.send().await.unwrap()).await }
    };
    let get = || {
        let request = server.client.get(&url).bearer_auth(&token);
        async move { answer(request.send().await.unwrap()).await }
    };

    // The example hospital's workbook (written by openpyxl, not by kaiji) reads as its YAML twin, and
    // names its facility itself.
    let bytes =
        std::fs::read(kaiji_test_support::root().join("examples/hospital/inventory.xlsx")).unwrap();
    let expected = serde_json::to_value(
        kaiji_model::mhlw::Inventory::parse("inventory", &text("examples/hospital/inventory.yaml"))
            .unwrap(),
    )
    .unwrap();
    let (status, stored) = put(XLSX, bytes).await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["parsed"], expected);
    assert_eq!(stored["parsed"]["facility"], "サンプル総合病院");
    let (status, read) = get().await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["parsed"], expected);
    // What is kept is the text form of what was read: sent back as JSON, it stores the same.
    let content = read["content"].as_str().unwrap().to_owned();
    let (status, again) = put(
        "application/json",
        serde_json::to_vec(&json!({"content": content})).unwrap(),
    )
    .await;
    assert_eq!((status, &again["parsed"]), (200, &expected), "{again}");

    // A workbook that names no facility is the organisation's.
    let (status, own) = put(
        XLSX,
        inventory_book(&[
            &["システム名", "事業者名", "リモート保守"],
            &["PACS", "A社", "あり"],
        ]),
    )
    .await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["parsed"]["facility"], "台帳病院");
    assert_eq!(own["parsed"]["systems"][0]["remote_maintenance"], true);
    let (_, before) = get().await;
    let audited = server.store.verify_audit().await.unwrap().entries;

    // Refused, each with its problem, and nothing stored or audited.
    let broken = inventory_book(&[
        &["システム名", "事業者名", "リモート保守", "確認日"],
        &["PACS", "A社", "あり", "2026/4/1"],
        &["電子カルテ", "B社", "たぶん", ""],
    ]);
    let (status, problem) = put(XLSX, broken).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("bad-cells")),
        "{problem}"
    );
    assert_eq!(problem["location"]["en"], "台帳!C3", "{problem}");
    let message = problem["message"]["ja"].as_str().unwrap();
    assert!(
        message.starts_with("台帳!C3") && message.contains("たぶん"),
        "{message}"
    );
    let (status, problem) = put(XLSX, inventory_book(&[&["メモ"]])).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("no-inventory")),
        "{problem}"
    );
    let (status, problem) = put(XLSX, b"PK\x03\x04 not a zip".to_vec()).await;
    assert_eq!(status, 422, "{problem}");
    let (status, problem) = put(XLSX, vec![b'x'; 65 * 1024]).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (413, Some("too-large")),
        "{problem}"
    );
    // The text forms keep the JSON body limit, below the workbook's.
    let long = format!("facility: x\nsystems: []\n#{}\n", "x".repeat(9 * 1024));
    let (status, problem) = put("application/yaml", long.into_bytes()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (413, Some("too-large")),
        "{problem}"
    );
    let (status, problem) = put("text/csv", b"system,vendor\n".to_vec()).await;
    assert_eq!(status, 415, "{problem}");
    assert_eq!(get().await.1, before);
    assert_eq!(server.store.verify_audit().await.unwrap().entries, audited);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inventory_as_a_workbook_sqlite() {
    inventory_as_a_workbook(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inventory_as_a_workbook_postgres() {
    inventory_as_a_workbook(Flavour::Postgres).await;
}
