//! Workbooks in and out: a draft created or replaced from an uploaded workbook (kaiji-xlsx's importer,
//! the workbook kept as the document's original in the same transaction), drafts and published versions
//! downloaded as kaiji's workbook (kaiji-xlsx's exporter), and the uploaded workbooks back. As everywhere,
//! the gate has decided who may call; the store scopes by organisation; the libraries read and judge.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use jiff::Timestamp;
use kaiji_catalog::{ErrorKind, Lang, Registry, Text};
use kaiji_model::{Disclosure, DocKind, Finding};
use kaiji_store::{DocumentId, ImportedDraft, NewOriginal, OriginalRole, ReleaseId};
use kaiji_xlsx::{ImportOptions, Imported};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::App;
use crate::gate::Caller;
use crate::openapi::{Op, Out, PAGE, Param, of, op, raw_op};
use crate::page::{PageOf, Paging};
use crate::problem::Problem;
use crate::upload::{self, Upload, Workbook, XLSX, download, download_name, id, version_number};

type Answer = Result<Response, Problem>;

/// What an import takes besides the workbook, from the query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportQuery {
    /// The workbook's file name, kept with it (`workbook.xlsx` when not given).
    file_name: Option<String>,
    /// The new document's title (the product name on the workbook's cover, else the file name).
    title: Option<String>,
    /// Read only this sheet (a workbook with an MDS and an SDS sheet needs it).
    sheet: Option<String>,
    /// The checklist (`jahis-mds-sds@5.0h`), when the workbook does not say (or says wrongly).
    catalog: Option<String>,
    /// The kind (mds, sds, rss-sds), when the workbook does not say.
    kind: Option<DocKind>,
}

/// The importer's refusal as a problem: 422 with its code, message and the sheet and cell it names (a
/// failure of the server itself is 500).
pub(crate) fn refused(e: &kaiji_xlsx::Error) -> Problem {
    let text = e.text();
    let status = match e.kind() {
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut problem = Problem::new(status, e.code(), text.ja, text.en);
    let place = match e {
        kaiji_xlsx::Error::BadCells(cells) => cells.first().map(kaiji_xlsx::BadCell::place),
        kaiji_xlsx::Error::Corrupt {
            sheet: Some(sheet), ..
        } => Some(sheet.clone()),
        _ => None,
    };
    problem.location = place.map(|p| Box::new(Text::new(p.clone(), p)));
    problem
}

/// Runs the importer on the blocking pool (reading a workbook is work for a core, not for the runtime).
async fn import(
    registry: Arc<Registry>,
    bytes: axum::body::Bytes,
    options: ImportOptions,
) -> Result<Vec<Imported>, Problem> {
    tokio::task::spawn_blocking(move || kaiji_xlsx::import(&bytes, &registry, &options))
        .await
        .map_err(|_| Problem::internal())?
        .map_err(|e| refused(&e))
}

fn options(query: &ImportQuery) -> Result<ImportOptions, Problem> {
    let catalog = query
        .catalog
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: kaiji_catalog::Error| {
            let text = e.text();
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-catalog",
                text.ja,
                text.en,
            )
        })?;
    Ok(ImportOptions {
        catalog,
        sheet: query.sheet.clone(),
        kind: query.kind,
        ..ImportOptions::default()
    })
}

/// The one document of the workbook (of `kind`, when several sheets hold checklists), or 422.
fn one(mut imported: Vec<Imported>, kind: Option<DocKind>) -> Result<Imported, Problem> {
    if imported.len() > 1
        && let Some(kind) = kind
    {
        imported.retain(|i| i.document.kind == kind);
    }
    if imported.len() == 1
        && let Some(one) = imported.pop()
    {
        return Ok(one);
    }
    let sheets: Vec<&str> = imported.iter().map(|i| i.sheet.as_str()).collect();
    Err(Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "several-checklists",
        format!(
            "ワークブックにチェックリストが {} 枚あります ({}): ?sheet= で選んでください",
            sheets.len(),
            sheets.join(", ")
        ),
        format!(
            "the workbook holds {} checklists ({}): choose one with ?sheet=",
            sheets.len(),
            sheets.join(", ")
        ),
    ))
}

fn workbook_name(query: &ImportQuery, media_type: &str) -> Result<String, Problem> {
    match &query.file_name {
        Some(name) => upload::file_name(name),
        None => {
            let extension = upload::WORKBOOK_TYPES
                .iter()
                .find(|(t, _)| *t == media_type)
                .map_or("xlsx", |(_, e)| e);
            Ok(format!("workbook.{extension}"))
        }
    }
}

/// The draft read from a workbook as the store keeps it: the document's JSON, the validator's findings
/// on it (as the JSON draft route computes them), the workbook.
fn draft(
    app: &App,
    imported: &Imported,
    file_name: String,
    media_type: String,
    bytes: Vec<u8>,
) -> Result<(ImportedDraft, Vec<Finding>), Problem> {
    let content = serde_json::to_value(&imported.document).map_err(|_| Problem::internal())?;
    let findings = kaiji_model::disclosure::validate_value(&content, &app.registry);
    let draft = ImportedDraft {
        content,
        findings: serde_json::to_value(&findings).map_err(|_| Problem::internal())?,
        workbook: NewOriginal {
            document: None,
            role: OriginalRole::Workbook,
            file_name,
            media_type,
            bytes,
        },
    };
    Ok((draft, findings))
}

/// What an import answers: the draft, the kept workbook, and both lists of findings: the importer's
/// (its own and the validation's, each at its sheet and cell) and the validator's on the stored draft
/// (by JSON pointer: the ones the JSON draft route gives, kept with the draft and frozen on publish).
fn imported_answer(
    status: StatusCode,
    document: &kaiji_store::Document,
    original: &kaiji_store::Original,
    imported: &Imported,
    findings: &[Finding],
) -> Answer {
    upload::json(
        status,
        &ImportAnswer {
            document,
            original,
            sheet: &imported.sheet,
            import_findings: &imported.findings,
            findings,
        },
    )
}

/// The answer of an import (see [`imported_answer`]).
#[derive(Debug, Serialize, JsonSchema)]
struct ImportAnswer<'a> {
    document: &'a kaiji_store::Document,
    /// The uploaded workbook as kept (its bytes are not repeated here).
    original: &'a kaiji_store::Original,
    /// The sheet the checklist was read from.
    sheet: &'a str,
    /// The importer's findings, each at its sheet and cell.
    import_findings: &'a [Finding],
    /// The validator's findings on the stored draft, by JSON pointer.
    findings: &'a [Finding],
}

fn text(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string"})
}

const IMPORT_QUERY: &[Param] = &[
    Param {
        name: "file_name",
        description: "the workbook's file name, kept with it (workbook.xlsx when not given)",
        schema: text,
    },
    Param {
        name: "title",
        description: "the new document's title (default: the product name on the workbook, else the file name)",
        schema: text,
    },
    Param {
        name: "sheet",
        description: "read only this sheet",
        schema: text,
    },
    Param {
        name: "catalog",
        description: "the checklist (jahis-mds-sds@5.0h) when the workbook does not say",
        schema: text,
    },
    Param {
        name: "kind",
        description: "mds, sds or rss-sds, when the workbook does not say",
        schema: text,
    },
];
const REPLACE_QUERY: &[Param] = &[IMPORT_QUERY[0], IMPORT_QUERY[2], IMPORT_QUERY[3]];
pub(crate) const LANG_QUERY: &[Param] = &[Param {
    name: "lang",
    description: "ja (default) or en: the language of the labels",
    schema: text,
}];

/// What every route of this module takes and answers, for the OpenAPI document ([`crate::openapi`]).
#[rustfmt::skip]
pub(crate) const OPERATIONS: &[Op] = &[
    raw_op("POST", "/api/v1/orgs/{org}/releases/{release}/documents/import", "import_document", None, &[XLSX], Out::Json(201, of::<ImportAnswer<'static>>), IMPORT_QUERY),
    raw_op("POST", "/api/v1/orgs/{org}/documents/{document}/draft/import", "import_draft", None, &[XLSX], Out::Json(200, of::<ImportAnswer<'static>>), REPLACE_QUERY),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/draft/xlsx", "draft_xlsx", None, Out::Bytes(200, &[XLSX]), LANG_QUERY),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/versions/{version}/xlsx", "version_xlsx", None, Out::Bytes(200, &[XLSX]), LANG_QUERY),
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions/{version}/xlsx", "received_version_xlsx", None, Out::Bytes(200, &[XLSX]), LANG_QUERY),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/workbooks", "workbooks", None, Out::Json(200, of::<PageOf<kaiji_store::Original>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/workbooks/{workbook}", "workbook", None, Out::Bytes(200, &[]), &[]),
];

/// `POST /orgs/{org}/releases/{release}/documents/import`: a new document of the release from a workbook.
pub(crate) async fn import_document(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, release)): Path<(String, String)>,
    uri: Uri,
    body: Upload<Workbook>,
) -> Answer {
    let release: ReleaseId = id(&release, "リリース", "release")?;
    let query: ImportQuery = upload::query(&uri)?;
    let file_name = workbook_name(&query, &body.media_type)?;
    let org = caller.org()?;
    // A release that is not the caller's is 404 before the workbook is read.
    app.store.release(org, &release).await?;
    let imported = import(
        Arc::clone(&app.registry),
        body.bytes.clone(),
        options(&query)?,
    )
    .await?;
    let imported = one(imported, None)?;
    let kind = imported.document.kind.to_string();
    let title = match &query.title {
        Some(title) => title.clone(),
        None if !imported.document.subject.product.trim().is_empty() => {
            imported.document.subject.product.clone()
        }
        None => file_name.clone(),
    };
    let (draft, findings) = draft(
        &app,
        &imported,
        file_name,
        body.media_type,
        body.bytes.to_vec(),
    )?;
    let (document, original) = app
        .store
        .import_document(
            &caller.ctx(Timestamp::now()),
            org,
            &release,
            &kind,
            &title,
            &draft,
        )
        .await?;
    imported_answer(
        StatusCode::CREATED,
        &document,
        &original,
        &imported,
        &findings,
    )
}

/// `POST /orgs/{org}/documents/{document}/draft/import`: the draft of a document replaced by a workbook's.
pub(crate) async fn import_draft(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    uri: Uri,
    body: Upload<Workbook>,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let query: ImportQuery = upload::query(&uri)?;
    let file_name = workbook_name(&query, &body.media_type)?;
    let org = caller.org()?;
    let existing = app.store.document(org, &document).await?;
    if existing.kind == crate::rss::PROFILE_KIND {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-a-checklist-document",
            "RSS プロファイルの文書はワークブックから作れません (JSON で保存してください)",
            "an RSS profile document is not read from a workbook (save it as JSON)",
        ));
    }
    let kind: Option<DocKind> = existing.kind.parse().ok();
    // The document's kind chooses among several checklist sheets; it is not handed to the importer,
    // which would read any sheet as that kind (a mismatch is refused below instead).
    let imported = import(
        Arc::clone(&app.registry),
        body.bytes.clone(),
        options(&query)?,
    )
    .await?;
    let imported = one(imported, kind)?;
    if imported.document.kind.to_string() != existing.kind {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind-mismatch",
            format!(
                "ワークブックは {} ですが、この文書は {} です",
                imported.document.kind, existing.kind
            ),
            format!(
                "the workbook is an {} but this document is an {}",
                imported.document.kind, existing.kind
            ),
        ));
    }
    let (draft, findings) = draft(
        &app,
        &imported,
        file_name,
        body.media_type,
        body.bytes.to_vec(),
    )?;
    let original = app
        .store
        .import_draft(&caller.ctx(Timestamp::now()), org, &document, &draft)
        .await?;
    let document = app.store.document(org, &document).await?;
    imported_answer(StatusCode::OK, &document, &original, &imported, &findings)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExportQuery {
    /// The language of the workbook's labels (ja when not given).
    lang: Option<Lang>,
}

/// A document's content as kaiji's workbook, named after `stem`.
async fn export(app: &App, content: Value, stem: &str, uri: &Uri) -> Answer {
    let query: ExportQuery = upload::query(uri)?;
    let doc: Disclosure = serde_json::from_value(content).map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-a-disclosure",
            format!("文書は開示書として読めないため書き出せません: {e}"),
            format!("the document does not read as a disclosure, so it cannot be exported: {e}"),
        )
    })?;
    let registry = Arc::clone(&app.registry);
    let lang = query.lang.unwrap_or_default();
    let bytes = tokio::task::spawn_blocking(move || kaiji_xlsx::export(&doc, &registry, lang))
        .await
        .map_err(|_| Problem::internal())?
        .map_err(|e| refused(&e))?;
    download(bytes, XLSX, &download_name(stem, "xlsx"))
}

/// `GET /orgs/{org}/documents/{document}/draft/xlsx`: the draft as a workbook.
pub(crate) async fn draft_xlsx(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    uri: Uri,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let found = app.store.document(caller.org()?, &document).await?;
    let content = found
        .draft
        .ok_or_else(|| Problem::not_found("下書き", "draft"))?;
    export(&app, content, &format!("{} (draft)", found.title), &uri).await
}

/// `GET /orgs/{org}/documents/{document}/versions/{version}/xlsx`: a published version as a workbook.
pub(crate) async fn version_xlsx(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): Path<(String, String, String)>,
    uri: Uri,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let number = version_number(&version)?;
    let org = caller.org()?;
    let found = app.store.document(org, &document).await?;
    let version = app.store.version(org, &document, number).await?;
    export(
        &app,
        version.content,
        &format!("{} v{number}", found.title),
        &uri,
    )
    .await
}

/// `GET /orgs/{org}/received/{document}/versions/{version}/xlsx`: a received version as a workbook.
pub(crate) async fn received_version_xlsx(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): Path<(String, String, String)>,
    uri: Uri,
) -> Answer {
    let document: DocumentId = id(&document, "文書", "document")?;
    let number = version_number(&version)?;
    let org = caller.org()?;
    let version = app.store.received_version(org, &document, number).await?;
    crate::api::terms_accepted(&app, org, &document).await?;
    // Named after the product the disclosure is about (the vendor's title is the vendor's).
    let product = version.content["subject"]["product"]
        .as_str()
        .filter(|p| !p.trim().is_empty())
        .map_or_else(|| document.to_string(), str::to_owned);
    export(&app, version.content, &format!("{product} v{number}"), &uri).await
}

/// `GET /orgs/{org}/documents/{document}/workbooks`: a page of the workbooks uploaded to a document,
/// oldest first.
pub(crate) async fn workbooks(
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
            Some(OriginalRole::Workbook),
            &page,
        )
        .await?;
    upload::json(StatusCode::OK, &PageOf::from(list))
}

/// One original of a document, of a role, with its bytes; 404 for any other.
pub(crate) async fn original_of(
    app: &App,
    org: &kaiji_store::OrgId,
    document: &str,
    original: &str,
    role: OriginalRole,
) -> Result<kaiji_store::Original, Problem> {
    let (ja, en) = match role {
        OriginalRole::Workbook => ("ワークブック", "workbook"),
        OriginalRole::Attachment => ("添付ファイル", "attachment"),
    };
    let document: DocumentId = id(document, "文書", "document")?;
    let original: kaiji_store::OriginalId = id(original, ja, en)?;
    let found = app.store.original(org, &original).await?;
    if found.document.as_ref() != Some(&document) || found.role != role {
        return Err(Problem::not_found(ja, en));
    }
    Ok(found)
}

/// `GET /orgs/{org}/documents/{document}/workbooks/{workbook}`: an uploaded workbook, as it was sent.
pub(crate) async fn workbook(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, workbook)): Path<(String, String, String)>,
) -> Answer {
    let found = original_of(
        &app,
        caller.org()?,
        &document,
        &workbook,
        OriginalRole::Workbook,
    )
    .await?;
    download(found.bytes, &found.media_type, &found.file_name)
}
