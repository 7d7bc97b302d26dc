//! Evidence files attached to a document (a certificate, a test report, an SBOM): the vendor uploads and
//! lists them; a hospital that holds a published version lists and downloads the attachments of that
//! version, which are the ones the document had when the version was published (recorded by the store in
//! the publishing transaction): a file attached later belongs to the next version.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use jiff::Timestamp;
use kaiji_store::{DocumentId, NewOriginal, OriginalId, OriginalRole};
use serde::Deserialize;

use crate::App;
use crate::gate::Caller;
use crate::openapi::{Op, Out, PAGE, Param, of, op, raw_op};
use crate::page::{PageOf, Paging};
use crate::problem::Problem;
use crate::upload::{self, AnyFile, Upload, download, id, version_number};
use crate::workbooks::original_of;

type Answer = Result<Response, Problem>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttachQuery {
    /// The attachment's file name (required).
    file_name: Option<String>,
}

/// `POST /orgs/{org}/documents/{document}/attachments?file_name=…`: attach a file (raw body, its media
/// type in `Content-Type`).
pub(crate) async fn attach(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    uri: Uri,
    body: Upload<AnyFile>,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let query: AttachQuery = upload::query(&uri)?;
    let name = query.file_name.ok_or_else(|| {
        Problem::bad_request(
            "添付ファイルの名前を ?file_name= で指定してください",
            "give the attachment's name in ?file_name=",
        )
    })?;
    let file_name = upload::file_name(&name)?;
    if body.bytes.is_empty() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty-file",
            "添付ファイルが空です",
            "the attachment is empty",
        ));
    }
    let kept = app
        .store
        .add_original(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            NewOriginal {
                document: Some(document),
                role: OriginalRole::Attachment,
                file_name,
                media_type: body.media_type,
                bytes: body.bytes.to_vec(),
            },
        )
        .await?;
    upload::json(StatusCode::CREATED, &kept)
}

/// `GET /orgs/{org}/documents/{document}/attachments`: a page of the document's attachments, oldest
/// first.
pub(crate) async fn attachments(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(page): Paging,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let list = app
        .store
        .originals_page(
            caller.org()?,
            &document,
            Some(OriginalRole::Attachment),
            &page,
        )
        .await?;
    upload::json(StatusCode::OK, &PageOf::from(list))
}

/// `GET /orgs/{org}/documents/{document}/attachments/{attachment}`: one attachment's bytes.
pub(crate) async fn attachment(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, attachment)): Path<(String, String, String)>,
) -> Answer {
    let found = original_of(
        &app,
        caller.org()?,
        &document,
        &attachment,
        OriginalRole::Attachment,
    )
    .await?;
    download(found.bytes, &found.media_type, &found.file_name)
}

/// `GET /orgs/{org}/documents/{document}/versions/{version}/attachments`: a page of what a published
/// version carries, oldest first.
pub(crate) async fn version_attachments(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): Path<(String, String, String)>,
    Paging(page): Paging,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let version = version_number(&version)?;
    let list = app
        .store
        .version_attachments_page(caller.org()?, &document, version, &page)
        .await?;
    upload::json(StatusCode::OK, &PageOf::from(list))
}

/// `GET /orgs/{org}/received/{document}/versions/{version}/attachments`: a page of the attachments of a
/// received version, oldest first (after its access terms are accepted, if it has any).
pub(crate) async fn received_attachments(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): Path<(String, String, String)>,
    Paging(page): Paging,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let version = version_number(&version)?;
    let org = caller.org()?;
    let list = app
        .store
        .received_attachments_page(org, &document, version, &page)
        .await?;
    crate::api::terms_accepted(&app, org, &document).await?;
    upload::json(StatusCode::OK, &PageOf::from(list))
}

/// `GET /orgs/{org}/received/{document}/versions/{version}/attachments/{attachment}`: one of them.
pub(crate) async fn received_attachment(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version, attachment)): Path<(String, String, String, String)>,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let version = version_number(&version)?;
    let attachment: OriginalId = id(&attachment, "添付ファイル", "attachment")?;
    let org = caller.org()?;
    let found = app
        .store
        .received_attachment(org, &document, version, &attachment)
        .await
        .map_err(|e| match e {
            kaiji_store::Error::NotFound(_) => Problem::not_found("添付ファイル", "attachment"),
            other => other.into(),
        })?;
    crate::api::terms_accepted(&app, org, &document).await?;
    download(found.bytes, &found.media_type, &found.file_name)
}

fn text(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string"})
}

const ATTACH_QUERY: &[Param] = &[Param {
    name: "file_name",
    description: "the attachment's file name (required)",
    schema: text,
}];

/// What every route of this module takes and answers, for the OpenAPI document ([`crate::openapi`]).
#[rustfmt::skip]
pub(crate) const OPERATIONS: &[Op] = &[
    op("GET", "/api/v1/orgs/{org}/documents/{document}/attachments", "attachments", None, Out::Json(200, of::<PageOf<kaiji_store::Original>>), PAGE),
    raw_op("POST", "/api/v1/orgs/{org}/documents/{document}/attachments", "attach", None, &["*/*"], Out::Json(201, of::<kaiji_store::Original>), ATTACH_QUERY),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/attachments/{attachment}", "attachment", None, Out::Bytes(200, &[]), &[]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/versions/{version}/attachments", "version_attachments", None, Out::Json(200, of::<PageOf<kaiji_store::Original>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions/{version}/attachments", "received_attachments", None, Out::Json(200, of::<PageOf<kaiji_store::Original>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions/{version}/attachments/{attachment}", "received_attachment", None, Out::Bytes(200, &[]), &[]),
];
