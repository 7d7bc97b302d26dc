//! Workbook uploads, originals and attachments through HTTP: a real workbook (saved by LibreOffice)
//! becomes a draft with findings at their cells, one finding is fixed through the JSON route, the version
//! is published with its attachments and shared; and every refused upload (corrupt, zip bomb, wrong
//! content type, too large, file names that are paths) answers a problem document and changes nothing.

use std::io::Write as _;

use kaiji_store::{
    NewOriginal, NewProduct, OrgId, OrgKind, OriginalRole, Publication, ReleaseId, Role,
};
use kaiji_test_support::db::Flavour;
use kaiji_test_support::xlsx_fixtures;
use serde_json::{Value, json};

use crate::common::{TestServer, admin, answer};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(xlsx_fixtures().join(name)).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    kaiji_sign::ContentAddress::of_bytes(bytes)
        .as_str()
        .to_owned()
}

async fn release(server: &TestServer, vendor: &OrgId) -> ReleaseId {
    let ctx = admin();
    let product = server
        .store
        .create_product(
            &ctx,
            vendor,
            &NewProduct {
                maker: "あおば医療システム".into(),
                name: "あおばPACS".into(),
                model: "ALX-500".into(),
                device_id: None,
                purl: None,
            },
        )
        .await
        .unwrap();
    server
        .store
        .create_release(&ctx, vendor, &product.id, "5.2.1")
        .await
        .unwrap()
        .id
}

/// A POST of `bytes` as `content_type` (none when empty) with the query `query`.
fn upload(
    server: &TestServer,
    token: &str,
    path: &str,
    query: &[(&str, &str)],
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::RequestBuilder {
    let mut request = server
        .client
        .post(server.url(path))
        .bearer_auth(token)
        .query(query)
        .body(bytes);
    if !content_type.is_empty() {
        request = request.header("content-type", content_type);
    }
    request
}

async fn get(server: &TestServer, token: &str, path: &str) -> reqwest::Response {
    server
        .client
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// A finding as (code, sheet, cell, pointer).
type Located = (String, Option<String>, Option<String>, Option<String>);

/// A refused upload: the query, content type and body, and the status and problem code it must get.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, Vec<u8>, u16, &'a str);

/// A refused upload with what it is.
type NamedCase<'a> = (
    &'a str,
    &'a [(&'a str, &'a str)],
    &'a str,
    Vec<u8>,
    u16,
    &'a str,
);

fn codes_at(findings: &Value) -> Vec<Located> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |v: &Value| v.as_str().map(str::to_owned);
            (
                s(&f["code"]).unwrap(),
                s(&f["location"]["sheet"]),
                s(&f["location"]["cell"]),
                s(&f["location"]["pointer"]),
            )
        })
        .collect()
}

/// Decodes the `filename*=UTF-8''…` of a Content-Disposition.
fn filename_star(disposition: &str) -> String {
    let encoded = disposition.split("filename*=UTF-8''").nth(1).unwrap();
    let mut bytes = Vec::new();
    let mut chars = encoded.bytes();
    while let Some(b) = chars.next() {
        if b == b'%' {
            let hex = [chars.next().unwrap(), chars.next().unwrap()];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// A real workbook → a draft with findings at their cells → one fixed through the JSON route → the
/// draft's workbook and the original back → attachments → publish → share → the hospital reads the
/// version's attachments (only those attached before it was published) and the version as a workbook.
async fn workbook_to_shared_version(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server
        .org(OrgKind::Vendor, "株式会社あおば医療システム")
        .await;
    let hospital = server.org(OrgKind::Hospital, "あおば市民病院").await;
    let editor = server.token(&vendor, Role::Editor).await;
    let owner = server.token(&vendor, Role::Owner).await;
    let reader = server.token(&hospital, Role::Viewer).await;
    let release = release(&server, &vendor).await;
    let v = format!("/api/v1/orgs/{vendor}");
    let h = format!("/api/v1/orgs/{hospital}");

    // libreoffice.xlsx was saved by LibreOffice (not by kaiji), under a Japanese name with an emoji.
    let bytes = fixture("libreoffice.xlsx");
    let name = "開示書 あおばPACS 😀.xlsx";
    let (status, created) = answer(
        upload(
            &server,
            &editor,
            &format!("{v}/releases/{release}/documents/import"),
            &[("file_name", name)],
            XLSX,
            bytes.clone(),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["document"]["kind"], "mds");
    assert_eq!(created["document"]["title"], "あおばPACS Lumina");
    assert_eq!(created["sheet"], "MDS");
    assert_eq!(created["original"]["file_name"], name);
    assert_eq!(created["original"]["role"], "workbook");
    assert_eq!(created["original"]["size"], bytes.len());
    assert_eq!(created["original"]["sha256"], sha256(&bytes));
    assert_eq!(created["original"]["media_type"], XLSX);
    // The importer's findings, each at its sheet and cell ...
    let import = codes_at(&created["import_findings"]);
    for (code, cell) in [("unreadable-answer", "C33"), ("stray-text", "A39")] {
        assert!(
            import.iter().any(|(c, s, l, _)| c == code
                && s.as_deref() == Some("MDS")
                && l.as_deref() == Some(cell)),
            "{code} at MDS!{cell}: {import:?}"
        );
    }
    assert!(
        import
            .iter()
            .all(|(_, sheet, _, _)| sheet.as_deref() == Some("MDS")),
        "every import finding names its sheet: {import:?}"
    );
    // ... and the validator's on the stored draft (by pointer), kept with the draft.
    let missing = |findings: &Value| {
        codes_at(findings).iter().any(|(c, _, _, p)| {
            c == "missing-answer" && p.as_deref() == Some("/answers/MDS-C16-03")
        })
    };
    assert!(missing(&created["findings"]), "{}", created["findings"]);
    let document = created["document"]["id"].as_str().unwrap().to_owned();
    let (status, stored) =
        answer(get(&server, &editor, &format!("{v}/documents/{document}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(stored["draft_findings"], created["findings"]);
    assert_eq!(stored["draft"], created["document"]["draft"]);

    // The workbook back, byte for byte, named as it was sent.
    let original = created["original"]["id"].as_str().unwrap();
    let (status, list) = answer(
        get(
            &server,
            &editor,
            &format!("{v}/documents/{document}/workbooks"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, list["items"].as_array().unwrap().len()),
        (200, 1),
        "{list}"
    );
    assert_eq!(list["items"][0]["sha256"], sha256(&bytes));
    assert_eq!(list["next"], Value::Null);
    let response = get(
        &server,
        &editor,
        &format!("{v}/documents/{document}/workbooks/{original}"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], XLSX);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert_eq!(filename_star(&disposition), name);
    assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);

    // One finding fixed through the JSON draft route: the unreadable answer (検討中) becomes はい.
    let mut fixed = created["document"]["draft"].clone();
    fixed["answers"]["MDS-C16-03"]["answer"] = json!("yes");
    let (status, saved) = answer(
        server
            .client
            .put(server.url(&format!("{v}/documents/{document}/draft")))
            .bearer_auth(&editor)
            .json(&json!({"content": fixed}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert!(!missing(&saved["findings"]), "{}", saved["findings"]);
    assert_eq!(
        saved["findings"].as_array().unwrap().len() + 1,
        created["findings"].as_array().unwrap().len(),
        "exactly that one is gone"
    );

    // The draft as kaiji's workbook, imported back as the draft: the fix is kept.
    let response = get(
        &server,
        &editor,
        &format!("{v}/documents/{document}/draft/xlsx"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], XLSX);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        filename_star(&disposition),
        "あおばPACS Lumina (draft).xlsx"
    );
    let exported = response.bytes().await.unwrap().to_vec();
    assert!(exported.starts_with(b"PK"), "a zip");
    let (status, again) = answer(
        upload(
            &server,
            &editor,
            &format!("{v}/documents/{document}/draft/import"),
            &[("file_name", "exported.xlsx")],
            XLSX,
            exported,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        again["document"]["draft"]["answers"]["MDS-C16-03"]["answer"],
        "yes"
    );
    assert!(!missing(&again["findings"]), "{}", again["findings"]);
    let (_, list) = answer(
        get(
            &server,
            &editor,
            &format!("{v}/documents/{document}/workbooks"),
        )
        .await,
    )
    .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "both workbooks kept"
    );

    // Evidence attached before publishing; a file attached after it belongs to the next version.
    let evidence = b"%PDF-1.4\n% kaiji test evidence\n".to_vec();
    let evidence_name = "試験成績書 🧪 (2026).pdf";
    let (status, attached) = answer(
        upload(
            &server,
            &editor,
            &format!("{v}/documents/{document}/attachments"),
            &[("file_name", evidence_name)],
            "application/pdf",
            evidence.clone(),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{attached}");
    assert_eq!(attached["sha256"], sha256(&evidence));
    assert_eq!(attached["file_name"], evidence_name);
    let (status, published) = answer(
        server
            .client
            .post(server.url(&format!("{v}/documents/{document}/versions")))
            .bearer_auth(&owner)
            .json(&json!({"effective_date": "2026-12-01", "next_review_date": "2027-12-01", "update_reason": "初版"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, published["version"].as_i64()),
        (201, Some(1)),
        "{published}"
    );
    let (status, later) = answer(
        upload(
            &server,
            &editor,
            &format!("{v}/documents/{document}/attachments"),
            &[("file_name", "sbom.cdx.json")],
            "application/vnd.cyclonedx+json",
            br#"{"bomFormat": "CycloneDX"}"#.to_vec(),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{later}");
    let (_, all) = answer(
        get(
            &server,
            &editor,
            &format!("{v}/documents/{document}/attachments"),
        )
        .await,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let (_, carried) = answer(
        get(
            &server,
            &editor,
            &format!("{v}/documents/{document}/versions/1/attachments"),
        )
        .await,
    )
    .await;
    assert_eq!(carried["items"].as_array().unwrap().len(), 1, "{carried}");
    assert_eq!(carried["items"][0]["id"], attached["id"]);
    let response = get(
        &server,
        &editor,
        &format!("{v}/documents/{document}/versions/1/xlsx"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));

    // Before it is shared the hospital sees nothing of it.
    let attachment = attached["id"].as_str().unwrap();
    let later = later["id"].as_str().unwrap();
    let received = format!("{h}/received/{document}/versions/1");
    assert_eq!(
        get(&server, &reader, &format!("{received}/attachments"))
            .await
            .status(),
        404
    );
    let (status, _) = answer(
        server
            .client
            .post(server.url(&format!("{v}/documents/{document}/shares")))
            .bearer_auth(&editor)
            .json(&json!({"hospital": hospital.to_string()}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let (status, list) =
        answer(get(&server, &reader, &format!("{received}/attachments")).await).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only what version 1 carries: {list}"
    );
    assert_eq!(list["items"][0]["sha256"], sha256(&evidence));
    let response = get(
        &server,
        &reader,
        &format!("{received}/attachments/{attachment}"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(filename_star(&disposition), evidence_name);
    assert_eq!(response.bytes().await.unwrap().to_vec(), evidence);
    // The file attached after version 1 is not version 1's, and the workbook is the vendor's alone.
    for other in [later, original] {
        assert_eq!(
            get(&server, &reader, &format!("{received}/attachments/{other}"))
                .await
                .status(),
            404
        );
    }
    let response = get(&server, &reader, &format!("{received}/xlsx")).await;
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(filename_star(&disposition), "あおばPACS Lumina v1.xlsx");

    // Another vendor cannot reach any of it: 404, as for an id that does not exist.
    let other = server.org(OrgKind::Vendor, "他社").await;
    let other_token = server.token(&other, Role::Owner).await;
    let o = format!("/api/v1/orgs/{other}");
    for path in [
        format!("{o}/documents/{document}/workbooks"),
        format!("{o}/documents/{document}/workbooks/{original}"),
        format!("{o}/documents/{document}/attachments"),
        format!("{o}/documents/{document}/attachments/{attachment}"),
        format!("{o}/documents/{document}/draft/xlsx"),
        format!("{o}/documents/{document}/versions/1/xlsx"),
        format!("{o}/documents/{document}/versions/1/attachments"),
    ] {
        let (status, problem) = answer(get(&server, &other_token, &path).await).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (404, Some("not-found")),
            "{path}"
        );
    }
    // An attachment id under a document it does not belong to is not found either.
    let response = get(
        &server,
        &editor,
        &format!("{v}/documents/{document}/workbooks/{attachment}"),
    )
    .await;
    assert_eq!(response.status(), 404);

    let report = server.store.verify_audit().await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workbook_to_shared_version_sqlite() {
    workbook_to_shared_version(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workbook_to_shared_version_postgres() {
    workbook_to_shared_version(Flavour::Postgres).await;
}

/// Every page of `path` at `?limit=2`: the ids in the order given, each page but the last full.
async fn paged_ids(server: &TestServer, token: &str, path: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let (status, page) = answer(get(server, token, &format!("{path}{query}")).await).await;
        assert_eq!(status, 200, "{path}{query}: {page}");
        let ids: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect();
        pages.push(ids);
        match page["next"].as_str() {
            Some(next) => query = format!("?limit=2&cursor={next}"),
            None => break,
        }
        assert!(pages.len() < 10, "{path} never ends");
    }
    pages
}

/// The workbooks and attachments of a document, of its version and of the version received, three of
/// each, as pages of two, oldest first; the workbooks are not among the attachments and the attachment
/// made after publishing is not the version's.
async fn original_lists_are_pages(flavour: Flavour) {
    let server = TestServer::start(flavour).await;
    let vendor = server.org(OrgKind::Vendor, "頁の販売元").await;
    let hospital = server.org(OrgKind::Hospital, "頁の病院").await;
    let editor = server.token(&vendor, Role::Editor).await;
    let reader = server.token(&hospital, Role::Viewer).await;
    let release = release(&server, &vendor).await;
    let ctx = admin();
    let store = &server.store;
    let content: Value = serde_json::from_str(
        &std::fs::read_to_string(
            kaiji_test_support::root().join("examples/pacs-mds-5.0h.kaiji.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let document = store
        .create_document(&ctx, &vendor, &release, "mds", "頁の開示書")
        .await
        .unwrap()
        .id;
    store
        .save_draft(&ctx, &vendor, &document, &content, &json!([]))
        .await
        .unwrap();
    let keep = |role: OriginalRole, name: String| {
        let (ctx, vendor, document) = (&ctx, &vendor, document.clone());
        async move {
            store
                .add_original(
                    ctx,
                    vendor,
                    NewOriginal {
                        document: Some(document),
                        role,
                        file_name: name.clone(),
                        media_type: "application/octet-stream".into(),
                        bytes: name.into_bytes(),
                    },
                )
                .await
                .unwrap()
                .id
                .to_string()
        }
    };
    let mut workbooks = Vec::new();
    let mut attachments = Vec::new();
    for i in 0..3 {
        workbooks.push(keep(OriginalRole::Workbook, format!("book{i}.xlsx")).await);
        attachments.push(keep(OriginalRole::Attachment, format!("evidence{i}.pdf")).await);
    }
    store
        .publish(
            &ctx,
            &vendor,
            &document,
            &Publication {
                effective_date: jiff::civil::date(2026, 12, 1),
                next_review_date: jiff::civil::date(2027, 12, 1),
                update_reason: "初版".into(),
                findings: json!([]),
            },
        )
        .await
        .unwrap();
    store
        .share(&ctx, &vendor, &document, &hospital)
        .await
        .unwrap();
    let later = keep(OriginalRole::Attachment, "later.pdf".into()).await;

    let v = format!("/api/v1/orgs/{vendor}/documents/{document}");
    let in_pages =
        |ids: &[String]| -> Vec<Vec<String>> { ids.chunks(2).map(<[String]>::to_vec).collect() };
    assert_eq!(
        paged_ids(&server, &editor, &format!("{v}/workbooks")).await,
        in_pages(&workbooks)
    );
    let mut all = attachments.clone();
    all.push(later);
    assert_eq!(
        paged_ids(&server, &editor, &format!("{v}/attachments")).await,
        in_pages(&all)
    );
    assert_eq!(
        paged_ids(&server, &editor, &format!("{v}/versions/1/attachments")).await,
        in_pages(&attachments)
    );
    let received = format!("/api/v1/orgs/{hospital}/received/{document}/versions/1/attachments");
    assert_eq!(
        paged_ids(&server, &reader, &received).await,
        in_pages(&attachments)
    );
    // A bad cursor is the page extractor's 400, before the store is asked.
    let (status, problem) =
        answer(get(&server, &editor, &format!("{v}/attachments?cursor=garbage")).await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("bad-cursor"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn original_lists_are_pages_sqlite() {
    original_lists_are_pages(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn original_lists_are_pages_postgres() {
    original_lists_are_pages(Flavour::Postgres).await;
}

/// A zip whose one part inflates from a few KiB to 8 MiB (a ratio the importer refuses).
fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", deflate).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
    zip.write_all(&vec![b'0'; 8 << 20]).unwrap();
    zip.finish().unwrap().into_inner()
}

/// What the database holds, for "nothing changed".
async fn state(server: &TestServer, vendor: &OrgId, release: &ReleaseId, document: &str) -> Value {
    let store = &server.store;
    let document: kaiji_store::DocumentId = document.parse().unwrap();
    json!({
        "audit": store.verify_audit().await.unwrap().entries,
        "documents": store.documents(vendor, release).await.unwrap(),
        "originals": store.originals(vendor, &document).await.unwrap(),
    })
}

/// Every refused upload: its status and problem code, a problem document in both languages, and the
/// database as it was.
async fn refused_uploads(flavour: Flavour) {
    let server = TestServer::start_with(flavour, |c| c.upload_limit = 256 * 1024).await;
    let vendor = server.org(OrgKind::Vendor, "ベンダーA").await;
    let token = server.token(&vendor, Role::Editor).await;
    let release = release(&server, &vendor).await;
    let v = format!("/api/v1/orgs/{vendor}");
    // A document to replace the draft of, made from a good workbook.
    let (status, created) = answer(
        upload(
            &server,
            &token,
            &format!("{v}/releases/{release}/documents/import"),
            &[],
            XLSX,
            fixture("libreoffice.xlsx"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["original"]["file_name"], "workbook.xlsx",
        "the default name"
    );
    let document = created["document"]["id"].as_str().unwrap().to_owned();
    let new_document = format!("{v}/releases/{release}/documents/import");
    let replace = format!("{v}/documents/{document}/draft/import");
    let attach = format!("{v}/documents/{document}/attachments");
    // The callers of the refused requests, made before the database is looked at.
    let other = server.org(OrgKind::Vendor, "ベンダーB").await;
    let other_token = server.token(&other, Role::Owner).await;
    let o = format!("/api/v1/orgs/{other}");
    let viewer = server.token(&vendor, Role::Viewer).await;
    let before = state(&server, &vendor, &release, &document).await;

    let good = fixture("libreoffice.xlsx");
    let mut truncated = good.clone();
    truncated.truncate(good.len() / 2);
    let mut random = vec![0u8; 300 * 1024];
    getrandom::fill(&mut random).unwrap();
    let long = format!("{}.xlsx", "長".repeat(90));
    let long_name = [("file_name", long.as_str())];
    let workbook_cases: Vec<NamedCase> = vec![
        ("corrupt zip", &[], XLSX, truncated, 422, "not-a-workbook"),
        (
            "not a zip",
            &[],
            XLSX,
            fixture("bad/not-a-zip.xlsx"),
            422,
            "not-a-workbook",
        ),
        (
            "CSV renamed",
            &[],
            XLSX,
            fixture("bad/csv-renamed.xlsx"),
            422,
            "not-a-workbook",
        ),
        (
            "Word document",
            &[],
            XLSX,
            fixture("bad/word-document.xlsx"),
            422,
            "not-a-workbook",
        ),
        (
            "encrypted",
            &[],
            XLSX,
            fixture("bad/encrypted.xlsx"),
            422,
            "encrypted-workbook",
        ),
        ("zip bomb", &[], XLSX, zip_bomb(), 422, "workbook-too-large"),
        (
            "no checklist",
            &[],
            XLSX,
            fixture("bad/empty-workbook.xlsx"),
            422,
            "no-checklist",
        ),
        ("empty body", &[], XLSX, Vec::new(), 422, "not-a-workbook"),
        (
            "JSON content type",
            &[],
            "application/json",
            good.clone(),
            415,
            "unsupported-media-type",
        ),
        (
            "octet-stream",
            &[],
            "application/octet-stream",
            good.clone(),
            415,
            "unsupported-media-type",
        ),
        (
            "no content type",
            &[],
            "",
            good.clone(),
            415,
            "unsupported-media-type",
        ),
        (
            "over the upload limit",
            &[],
            XLSX,
            random.clone(),
            413,
            "too-large",
        ),
        (
            "no such sheet",
            &[("sheet", "存在しない")],
            XLSX,
            good.clone(),
            422,
            "no-such-sheet",
        ),
        (
            "traversal",
            &[("file_name", "../../etc/passwd")],
            XLSX,
            good.clone(),
            422,
            "bad-file-name",
        ),
        (
            "Windows traversal",
            &[("file_name", "..\\..\\boot.ini")],
            XLSX,
            good.clone(),
            422,
            "bad-file-name",
        ),
        (
            "dot dot",
            &[("file_name", "..")],
            XLSX,
            good.clone(),
            422,
            "bad-file-name",
        ),
        (
            "NUL",
            &[("file_name", "a\0.xlsx")],
            XLSX,
            good.clone(),
            422,
            "bad-file-name",
        ),
        (
            "newline",
            &[("file_name", "a\r\nSet-Cookie: x.xlsx")],
            XLSX,
            good.clone(),
            422,
            "bad-file-name",
        ),
        (
            "right-to-left override",
            &[("file_name", "invoice\u{202E}xslx.exe")],
            XLSX,
            good.clone(),
            422,
            "bad-file-name",
        ),
        (
            "over-long name",
            &long_name,
            XLSX,
            good.clone(),
            422,
            "bad-file-name",
        ),
        (
            "unknown query",
            &[("owner", "x")],
            XLSX,
            good.clone(),
            400,
            "bad-request",
        ),
    ];
    let mut checked = 0;
    for (what, query, content_type, bytes, want_status, want_code) in workbook_cases {
        for path in [&new_document, &replace] {
            let response = upload(&server, &token, path, query, content_type, bytes.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{what}"
            );
            let (status, problem) = answer(response).await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (want_status, Some(want_code)),
                "{what} to {path}: {problem}"
            );
            assert!(
                !problem["message"]["ja"].as_str().unwrap().is_empty()
                    && !problem["message"]["en"].as_str().unwrap().is_empty(),
                "{problem}"
            );
            checked += 1;
        }
    }
    // A new document from the two-sheet book needs ?sheet=, and the answer names the sheets.
    let (status, problem) = answer(
        upload(
            &server,
            &token,
            &new_document,
            &[],
            XLSX,
            fixture("two-sheets-4.1.xlsx"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("several-checklists")),
        "{problem}"
    );
    assert!(
        problem["message"]["en"]
            .as_str()
            .unwrap()
            .contains("MDS, SDS"),
        "{problem}"
    );
    let (_, problem) = answer(
        upload(
            &server,
            &token,
            &new_document,
            &[],
            XLSX,
            fixture("bad/encrypted.xlsx"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("パスワードで保護"),
        "{problem}"
    );
    // An SDS workbook is not the draft of an MDS document.
    let (status, problem) = answer(
        upload(
            &server,
            &token,
            &replace,
            &[],
            XLSX,
            fixture("mark-columns.xlsx"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("kind-mismatch")),
        "{problem}"
    );

    // Attachments: the same names refused, a media type required, the limit, an empty file.
    let attachment_cases: Vec<Case> = vec![
        (
            &[("file_name", "../../etc/passwd")],
            "text/plain",
            b"x".to_vec(),
            422,
            "bad-file-name",
        ),
        (
            &[("file_name", "a/b.pdf")],
            "application/pdf",
            b"x".to_vec(),
            422,
            "bad-file-name",
        ),
        (
            &[("file_name", "a\u{1}.pdf")],
            "application/pdf",
            b"x".to_vec(),
            422,
            "bad-file-name",
        ),
        (
            &long_name,
            "application/pdf",
            b"x".to_vec(),
            422,
            "bad-file-name",
        ),
        (&[], "application/pdf", b"x".to_vec(), 400, "bad-request"),
        (
            &[("file_name", "a.pdf")],
            "",
            b"x".to_vec(),
            415,
            "unsupported-media-type",
        ),
        (
            &[("file_name", "a.pdf")],
            "not a media type",
            b"x".to_vec(),
            415,
            "unsupported-media-type",
        ),
        (
            &[("file_name", "a.pdf")],
            "application/pdf",
            Vec::new(),
            422,
            "empty-file",
        ),
        (
            &[("file_name", "a.pdf")],
            "application/pdf",
            random.clone(),
            413,
            "too-large",
        ),
    ];
    for (query, content_type, bytes, want_status, want_code) in attachment_cases {
        let (status, problem) = answer(
            upload(&server, &token, &attach, query, content_type, bytes)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (want_status, Some(want_code)),
            "{query:?} {content_type}: {problem}"
        );
        checked += 1;
    }

    // Another vendor's document and release: 404 (as for ids that do not exist), nothing read or kept.
    for path in [
        format!("{o}/releases/{release}/documents/import"),
        format!("{o}/documents/{document}/draft/import"),
        format!("{o}/documents/{document}/attachments"),
    ] {
        let content_type = if path.ends_with("attachments") {
            "application/pdf"
        } else {
            XLSX
        };
        let (status, problem) = answer(
            upload(
                &server,
                &other_token,
                &path,
                &[("file_name", "x.xlsx")],
                content_type,
                good.clone(),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (404, Some("not-found")),
            "{path}: {problem}"
        );
        checked += 1;
    }
    // Members of the vendor's own organisation who may only read get 403.
    let response = upload(&server, &viewer, &replace, &[], XLSX, good.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    assert_eq!(
        state(&server, &vendor, &release, &document).await,
        before,
        "nothing changed"
    );
    assert!(checked > 50, "{checked}");

    // Accepted after all that: a chosen sheet of the two-sheet book, and names in Japanese and emoji.
    let (status, created) = answer(
        upload(
            &server,
            &token,
            &new_document,
            &[("sheet", "SDS"), ("file_name", "二枚組 📄.xlsx")],
            XLSX,
            fixture("two-sheets-4.1.xlsx"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["document"]["kind"], "sds");
    assert_eq!(created["original"]["file_name"], "二枚組 📄.xlsx");
    let report = server.store.verify_audit().await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_uploads_sqlite() {
    refused_uploads(Flavour::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_uploads_postgres() {
    refused_uploads(Flavour::Postgres).await;
}
