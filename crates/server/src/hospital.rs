//! The hospital side of `kaiji serve` beyond the inbox: the policies and the system inventory a hospital
//! keeps (validated by `kaiji_model` as `kaiji policy check`, `kaiji checklist mhlw` and `kaiji betsushi`
//! read them), and its risk record, the
//! freshness of what it holds, and what is computed from what it holds: the review of a received version
//! against a policy, the comparison of several, the MHLW checklist lines and the 別紙 check, each in the
//! formats the CLI writes (`?format=json|csv|html|pdf|xlsx`, or `Accept`), rendered by `kaiji_report`
//! exactly as the CLI renders them.
//!
//! Everything is read through the store scoped by the hospital: a document it did not receive is 404.
//! The handlers decide nothing about the domain: the model reviews, compares, answers lines and
//! states freshness; the report crate draws.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use jiff::Timestamp;
use jiff::civil::Date;
use kaiji_catalog::{Lang, Text};
use kaiji_model::review::{Guideline, Policy, ReviewOptions};
use kaiji_model::{Disclosure, Severity};
use kaiji_report::{Format, Rendered};
use kaiji_store::{DocumentId, HospitalFileKind, OrgId, UserId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::api::{Answer, document_id, ok, terms_accepted, version_number};
use crate::body::Json;
use crate::gate::Caller;
use crate::openapi::{Op, Out, PAGE, Param, of, op, raw_op};
use crate::page::{PageOf, Paging};
use crate::problem::Problem;
use crate::upload::{self, Upload, Workbook};

/// The policy a review uses when the caller names none (the CLI's default).
const DEFAULT_POLICY: &str = "gl7-baseline";
/// The name the hospital's one inventory is kept under.
const INVENTORY: &str = "inventory";

// ----- files: policies and the inventory -----

/// The body of a PUT of a policy or inventory: YAML text (`application/yaml`), or JSON
/// `{"content": "<YAML or JSON text>"}`, or (policies) `{"from": "<shipped policy>"}`.
#[derive(Debug)]
pub(crate) enum FileBody {
    Text(String),
    From(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    content: Option<String>,
    from: Option<String>,
}

fn is_yaml(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml"
    )
}

impl<S: Send + Sync> FromRequest<S> for FileBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !is_yaml(&content_type) {
            // JSON (or a 415 naming the type, from the JSON reader).
            let Json(envelope) = Json::<Envelope>::from_request(req, state).await?;
            return match (envelope.content, envelope.from) {
                (Some(text), None) => Ok(Self::Text(text)),
                (None, Some(name)) => Ok(Self::From(name)),
                _ => Err(Problem::bad_request(
                    "本文は {\"content\": \"YAML または JSON の本文\"} か {\"from\": \"同梱の方針名\"} のどちらか一方です (または Content-Type: application/yaml の YAML)",
                    "the body is one of {\"content\": \"YAML or JSON text\"} or {\"from\": \"shipped policy\"} (or YAML as Content-Type: application/yaml)",
                )),
            };
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "本文が大きすぎます",
                    "the body is too large",
                )
            } else {
                Problem::bad_request("本文を読めません", "the body could not be read")
            }
        })?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            Problem::bad_request(
                format!("本文が UTF-8 ではありません ({at} バイト目)"),
                format!("the body is not UTF-8 (at byte {at})"),
            )
        })?;
        Ok(Self::Text(text))
    }
}

/// A configuration file the model refused: 422 with every problem, the first one's place as the
/// location (line and column, or the field).
pub(crate) fn config_problem(code: &'static str, e: &kaiji_model::Error) -> Problem {
    let text = e.text();
    let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, text.ja, text.en);
    if let kaiji_model::Error::Config { problems, .. } = e {
        problem.location = problems.iter().find_map(|p| {
            p.position
                .map(|pos| Box::new(pos.text()))
                .or_else(|| p.field.clone().map(|f| Box::new(Text::new(f.clone(), f))))
        });
    }
    problem
}

/// A model error (bad input, a missing mapping …) as a problem, by its kind.
fn model_problem(e: &kaiji_model::Error) -> Problem {
    let text = e.text();
    let (status, code) = match e.kind() {
        kaiji_catalog::ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found"),
        kaiji_catalog::ErrorKind::Internal => return Problem::internal(),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
    };
    Problem::new(status, code, text.ja, text.en)
}

fn today_in_japan() -> Date {
    crate::worker::today_in_japan(Timestamp::now())
}

/// A policy text checked as `kaiji policy check` checks it: it must read (422 with line and column),
/// and the check against the loaded checklists must find no error (422 with the findings and their
/// pointers). Its warnings come back.
fn checked_policy(
    app: &App,
    name: &str,
    text: &str,
) -> Result<(Policy, Vec<kaiji_model::Finding>), Problem> {
    let policy = Policy::read(name, text).map_err(|e| config_problem("invalid-policy", &e))?;
    let guideline = Guideline::resolve(&app.registry, kaiji_model::review::DEFAULT_GUIDELINE)
        .map_err(|e| model_problem(&e))?;
    let findings = policy.check(&app.registry, &guideline, today_in_japan());
    if let Some(first) = findings.iter().find(|f| f.severity == Severity::Error) {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-policy",
            format!("方針 {name} に誤りがあります: {}", first.message.ja),
            format!("policy {name} has errors: {}", first.message.en),
        );
        let at = first.location.to_string();
        problem.location = Some(Box::new(Text::new(at.clone(), at)));
        problem.findings = findings;
        return Err(problem);
    }
    Ok((policy, findings))
}

/// A stored file as its GET and PUT answer it: the text as the hospital wrote it and what the model
/// reads from it (a typed answer rather than a JSON value built by hand, so that the OpenAPI document's
/// schema is the body's own).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Stored{T}")]
struct Stored<'a, T> {
    name: &'a str,
    /// The text as written (YAML or JSON).
    content: &'a str,
    updated_at: Timestamp,
    updated_by: Option<&'a UserId>,
    /// What the model reads from it.
    parsed: T,
}

impl<'a, T> Stored<'a, T> {
    fn new(file: &'a kaiji_store::HospitalFile, parsed: T) -> Self {
        Self {
            name: &file.name,
            content: &file.content,
            updated_at: file.updated_at,
            updated_by: file.updated_by.as_ref(),
            parsed,
        }
    }
}

/// A stored policy, with the warnings of its check (`kaiji policy check`'s).
#[derive(Debug, Serialize, JsonSchema)]
struct StoredPolicyChecked<'a> {
    #[serde(flatten)]
    file: Stored<'a, Policy>,
    findings: Vec<kaiji_model::Finding>,
}

/// A page of the hospital's stored policies: their names, in name order.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct Policies {
    #[serde(flatten)]
    page: PageOf<String>,
    /// The ids of the shipped policies, which a review can name as well (the same on every page: they
    /// are not the hospital's, and few).
    shipped: Vec<String>,
}

/// `GET /orgs/{org}/policies`: a page of the stored policies' names, with the shipped ones.
pub(crate) async fn policies(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Paging(page): Paging,
) -> Answer {
    let stored = app
        .store
        .hospital_files_page(caller.org()?, HospitalFileKind::Policy, &page)
        .await
        .map_err(|e| match e {
            // The one bad input of a list by name: a cursor of another list (keyed by time and id).
            kaiji_store::Error::BadInput(_) => crate::page::bad_cursor(),
            other => other.into(),
        })?;
    let shipped = app
        .registry
        .of_kind(kaiji_catalog::Kind::Policy)
        .map(|c| c.header.id.clone())
        .collect();
    ok(
        StatusCode::OK,
        &Policies {
            page: PageOf::from(stored),
            shipped,
        },
    )
}

pub(crate) async fn policy(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, name)): Path<(String, String)>,
) -> Answer {
    let file = app
        .store
        .hospital_file(caller.org()?, HospitalFileKind::Policy, &name)
        .await
        .map_err(|e| not_found_as(e, "方針", "policy"))?;
    let (policy, findings) = checked_policy(&app, &name, &file.content)?;
    let view = StoredPolicyChecked {
        file: Stored::new(&file, policy),
        findings,
    };
    ok(StatusCode::OK, &view)
}

/// A store error, with "not found" naming what was looked for.
fn not_found_as(e: kaiji_store::Error, ja: &str, en: &str) -> Problem {
    if e.kind() == kaiji_catalog::ErrorKind::NotFound && !e.is_unavailable() {
        Problem::not_found(ja, en)
    } else {
        e.into()
    }
}

pub(crate) async fn put_policy(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, name)): Path<(String, String)>,
    body: FileBody,
) -> Answer {
    let text = match body {
        FileBody::Text(text) => text,
        FileBody::From(shipped) => Policy::find(&app.registry, &shipped)
            .ok_or_else(|| Problem::not_found("同梱の方針", "shipped policy"))?
            .map_err(|e| model_problem(&e))?
            .to_yaml(),
    };
    let (policy, findings) = checked_policy(&app, &name, &text)?;
    let org = caller.org()?;
    app.store
        .put_hospital_file(
            &caller.ctx(Timestamp::now()),
            org,
            HospitalFileKind::Policy,
            &name,
            &text,
        )
        .await?;
    let file = app
        .store
        .hospital_file(org, HospitalFileKind::Policy, &name)
        .await?;
    let view = StoredPolicyChecked {
        file: Stored::new(&file, policy),
        findings,
    };
    ok(StatusCode::OK, &view)
}

fn parse_inventory(text: &str) -> Result<kaiji_model::mhlw::Inventory, Problem> {
    kaiji_model::mhlw::Inventory::parse(INVENTORY, text)
        .map_err(|e| config_problem("invalid-inventory", &e))
}

/// One of the hospital's single stored files (the inventory, the risk record): what kind and name it is
/// kept under, how it is read (into the type its answer shows as `parsed`), and what it is called in
/// messages.
struct Single<T> {
    kind: HospitalFileKind,
    name: &'static str,
    parse: fn(&str) -> Result<T, Problem>,
    ja: &'static str,
    en: &'static str,
}

const INVENTORY_FILE: Single<kaiji_model::mhlw::Inventory> = Single {
    kind: HospitalFileKind::Inventory,
    name: INVENTORY,
    parse: parse_inventory,
    ja: "システム台帳",
    en: "inventory",
};

const RISK_RECORD_FILE: Single<kaiji_model::betsushi::RiskRecord> = Single {
    kind: HospitalFileKind::RiskRecord,
    name: RISK_RECORD,
    parse: parse_risk_record,
    ja: "リスク評価の記録",
    en: "risk record",
};

async fn get_single<T: Serialize>(app: &App, caller: &Caller, single: &Single<T>) -> Answer {
    let file = app
        .store
        .hospital_file(caller.org()?, single.kind, single.name)
        .await
        .map_err(|e| not_found_as(e, single.ja, single.en))?;
    let parsed = (single.parse)(&file.content)?;
    ok(StatusCode::OK, &Stored::new(&file, parsed))
}

async fn put_single<T: Serialize>(
    app: &App,
    caller: &Caller,
    single: &Single<T>,
    body: FileBody,
) -> Answer {
    let FileBody::Text(text) = body else {
        return Err(Problem::bad_request(
            format!("{}は content (YAML または JSON) で送ります", single.ja),
            format!("the {} is sent as content (YAML or JSON)", single.en),
        ));
    };
    let parsed = (single.parse)(&text)?;
    let org = caller.org()?;
    app.store
        .put_hospital_file(
            &caller.ctx(Timestamp::now()),
            org,
            single.kind,
            single.name,
            &text,
        )
        .await?;
    let file = app
        .store
        .hospital_file(org, single.kind, single.name)
        .await?;
    ok(StatusCode::OK, &Stored::new(&file, parsed))
}

pub(crate) async fn inventory(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
) -> Answer {
    get_single(&app, &caller, &INVENTORY_FILE).await
}

/// `PUT /orgs/{org}/inventory`: the inventory as YAML or JSON text, or as the system-inventory workbook
/// the hospital already keeps in Excel. The route has the upload limit (for the workbook); the text
/// forms keep the JSON body limit.
pub(crate) async fn put_inventory(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    request: Request,
) -> Answer {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let body = if upload::is_workbook(content_type) {
        let workbook = Upload::<Workbook>::from_request(request, &app).await?;
        FileBody::Text(inventory_text(&app, &caller, workbook.bytes).await?)
    } else {
        let limit = app.config.body_limit;
        let request =
            request.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
        FileBody::from_request(request, &app).await?
    };
    put_single(&app, &caller, &INVENTORY_FILE, body).await
}

/// An inventory workbook as the JSON text of the inventory it holds, so that it is validated and stored
/// by the one path of the text forms. The facility is the organisation's name when no cell names it.
/// A workbook the reader refuses is 422 naming its sheet and cell.
async fn inventory_text(app: &App, caller: &Caller, bytes: Bytes) -> Result<String, Problem> {
    let facility = app.store.organisation(caller.org()?).await?.name;
    let inventory = tokio::task::spawn_blocking(move || {
        kaiji_xlsx::read_inventory(&bytes, &facility, &kaiji_xlsx::Limits::default())
    })
    .await
    .map_err(|_| Problem::internal())?
    .map_err(|e| crate::workbooks::refused(&e))?;
    serde_json::to_string_pretty(&inventory).map_err(|_| Problem::internal())
}

/// The name the hospital's risk record is kept under (as the file it is named by in the 別紙 check).
const RISK_RECORD: &str = "risk-record";

fn parse_risk_record(text: &str) -> Result<kaiji_model::betsushi::RiskRecord, Problem> {
    kaiji_model::betsushi::RiskRecord::parse(RISK_RECORD, text)
        .map_err(|e| config_problem("invalid-risk-record", &e))
}

pub(crate) async fn risk_record(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
) -> Answer {
    get_single(&app, &caller, &RISK_RECORD_FILE).await
}

pub(crate) async fn put_risk_record(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    body: FileBody,
) -> Answer {
    put_single(&app, &caller, &RISK_RECORD_FILE, body).await
}

/// The hospital's risk record, when it keeps one.
async fn stored_risk_record(
    app: &App,
    org: &OrgId,
) -> Result<Option<kaiji_model::betsushi::RiskRecord>, Problem> {
    match app
        .store
        .hospital_file(org, HospitalFileKind::RiskRecord, RISK_RECORD)
        .await
    {
        Ok(file) => parse_risk_record(&file.content).map(Some),
        Err(e) if e.kind() == kaiji_catalog::ErrorKind::NotFound && !e.is_unavailable() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The hospital's inventory, when it keeps one.
async fn stored_inventory(
    app: &App,
    org: &OrgId,
) -> Result<Option<kaiji_model::mhlw::Inventory>, Problem> {
    match app
        .store
        .hospital_file(org, HospitalFileKind::Inventory, INVENTORY)
        .await
    {
        Ok(file) => parse_inventory(&file.content).map(Some),
        Err(e) if e.kind() == kaiji_catalog::ErrorKind::NotFound && !e.is_unavailable() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The policy named `name`: the hospital's own (stored under that name), else a shipped one by id;
/// the shipped default when no name is given.
async fn load_policy(app: &App, org: &OrgId, name: Option<&str>) -> Result<Policy, Problem> {
    let name = name.unwrap_or(DEFAULT_POLICY);
    match app
        .store
        .hospital_file(org, HospitalFileKind::Policy, name)
        .await
    {
        Ok(file) => return Policy::read(name, &file.content).map_err(|e| model_problem(&e)),
        Err(e) if e.kind() == kaiji_catalog::ErrorKind::NotFound && !e.is_unavailable() => {}
        Err(e) => return Err(e.into()),
    }
    Policy::find(&app.registry, name)
        .ok_or_else(|| Problem::not_found("方針", "policy"))?
        .map_err(|e| model_problem(&e))
}

// ----- what the hospital holds -----

/// The common query of the computed views.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct View {
    /// A stored policy's name, or a shipped policy's id (default `gl7-baseline`).
    policy: Option<String>,
    /// The 安全管理GL edition cited (default that of the model).
    guideline: Option<String>,
    /// The day of the review, YYYY-MM-DD (default today in Japan).
    today: Option<String>,
    /// json, csv, html, pdf, xlsx (what the report is written in).
    format: Option<String>,
    /// ja (default) or en.
    lang: Option<String>,
    /// `ID` or `ID@N`, comma-separated (default: the newest version of every received document).
    documents: Option<String>,
    /// The MHLW checklist edition (R8 default, R7).
    edition: Option<String>,
}

impl View {
    pub(crate) fn today(&self) -> Result<Date, Problem> {
        match &self.today {
            None => Ok(today_in_japan()),
            Some(text) => text.parse::<Date>().map_err(|_| {
                Problem::bad_request(
                    format!("today {text:?} は YYYY-MM-DD の日付ではありません"),
                    format!("today {text:?} is not a YYYY-MM-DD date"),
                )
            }),
        }
    }

    pub(crate) fn lang(&self) -> Result<Lang, Problem> {
        match self.lang.as_deref() {
            None | Some("ja") => Ok(Lang::Ja),
            Some("en") => Ok(Lang::En),
            Some(other) => Err(Problem::bad_request(
                format!("lang {other:?} は ja か en です"),
                format!("lang {other:?} is ja or en"),
            )),
        }
    }

    fn guideline(&self, app: &App) -> Result<Guideline, Problem> {
        let edition = self
            .guideline
            .as_deref()
            .unwrap_or(kaiji_model::review::DEFAULT_GUIDELINE);
        Guideline::resolve(&app.registry, edition).map_err(|e| {
            let t = e.text();
            Problem::bad_request(t.ja, t.en)
        })
    }

    /// The guideline cited and the policy, with the edition the policy's selectors name checked (as
    /// the CLI checks it).
    async fn policy(&self, app: &App, org: &OrgId) -> Result<(Guideline, Policy), Problem> {
        let guideline = self.guideline(app)?;
        let policy = load_policy(app, org, self.policy.as_deref()).await?;
        policy
            .selector_edition(&app.registry, &guideline)
            .map_err(|e| model_problem(&e))?;
        Ok((guideline, policy))
    }

    /// The documents named (`ID` or `ID@N`), or `None` for every held one.
    fn documents(&self) -> Result<Option<Vec<Named>>, Problem> {
        let Some(list) = &self.documents else {
            return Ok(None);
        };
        list.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|item| {
                let (id, version) = match item.trim().split_once('@') {
                    Some((id, v)) => (id, Some(version_number(v)?)),
                    None => (item.trim(), None),
                };
                Ok((document_id(id)?, version))
            })
            .collect::<Result<Vec<_>, Problem>>()
            .map(Some)
    }
}

/// A document named in `?documents=`, with the version when one is named (`ID@N`).
type Named = (DocumentId, Option<i64>);

/// One received version, read as a disclosure.
struct HeldDoc {
    document: DocumentId,
    version: i64,
    disclosure: Disclosure,
}

impl HeldDoc {
    /// How a report names it (in place of the CLI's file name).
    fn label(&self) -> String {
        format!("received/{}/versions/{}", self.document, self.version)
    }
}

fn not_a_disclosure(number: i64, e: &serde_json::Error) -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "not-a-disclosure",
        format!("版 {number} は開示書として読めません: {e}"),
        format!("version {number} does not read as a disclosure: {e}"),
    )
}

/// A received version (the newest when `version` is `None`): 404 when this hospital did not receive
/// it, 403 until it accepted the document's access terms.
async fn read_held(
    app: &App,
    org: &OrgId,
    document: &DocumentId,
    version: Option<i64>,
) -> Result<HeldDoc, Problem> {
    let number = match version {
        Some(n) => n,
        None => app
            .store
            .received_versions(org, document)
            .await?
            .last()
            .map(|v| v.version)
            .ok_or_else(|| Problem::not_found("公開版", "published version"))?,
    };
    let found = app.store.received_version(org, document, number).await?;
    terms_accepted(app, org, document).await?;
    let disclosure = serde_json::from_value::<Disclosure>(found.content)
        .map_err(|e| not_a_disclosure(number, &e))?;
    Ok(HeldDoc {
        document: document.clone(),
        version: number,
        disclosure,
    })
}

/// The documents a view is computed from: those named, or the newest version of every received
/// document this hospital can read (a document behind unaccepted terms, or not a disclosure, is
/// left out of "every").
async fn held_documents(app: &App, org: &OrgId, view: &View) -> Result<Vec<HeldDoc>, Problem> {
    let mut held = Vec::new();
    match view.documents()? {
        Some(named) => {
            for (document, version) in named {
                held.push(read_held(app, org, &document, version).await?);
            }
        }
        None => {
            let mut entries = app.store.inbox(org).await?;
            // Oldest first, as files are named in the order they came.
            entries.reverse();
            for entry in entries {
                match read_held(app, org, &entry.latest.document, Some(entry.latest.version)).await
                {
                    Ok(doc) => held.push(doc),
                    Err(p) if p.status == StatusCode::SERVICE_UNAVAILABLE => return Err(p),
                    Err(_) => {}
                }
            }
        }
    }
    Ok(held)
}

// ----- formats -----

/// The format asked for: `?format=`, else the first `Accept` media type the report is written in
/// (JSON for `*/*` or no `Accept`). A format the report is not written in is 400 (`?format`) or 406
/// (`Accept`), listing those it is.
pub(crate) fn choose_format(
    view: &View,
    headers: &HeaderMap,
    report: &'static str,
    supported: &'static [Format],
) -> Result<Format, Problem> {
    let refused = |status: StatusCode, given: &str| {
        Problem::new(
            status,
            "unsupported-format",
            format!(
                "{report} は {given} では書けません(書ける形式: {})",
                kaiji_report::list(supported)
            ),
            format!(
                "{report} is not written as {given} (it writes: {})",
                kaiji_report::list(supported)
            ),
        )
    };
    if let Some(given) = &view.format {
        return Format::from_extension(given)
            .filter(|f| supported.contains(f))
            .ok_or_else(|| refused(StatusCode::BAD_REQUEST, given));
    }
    let Some(accept) = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|a| !a.trim().is_empty())
    else {
        return Ok(Format::Json);
    };
    for range in accept.split(',') {
        let essence = range
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence == "*/*" || essence == "application/*" {
            return Ok(Format::Json);
        }
        if let Some(format) = supported.iter().find(|f| {
            f.media_type()
                .split(';')
                .next()
                .is_some_and(|m| m == essence)
        }) {
            return Ok(*format);
        }
    }
    Err(refused(StatusCode::NOT_ACCEPTABLE, accept))
}

fn render_problem(e: &kaiji_report::Error) -> Problem {
    let t = e.text();
    match e.kind() {
        kaiji_catalog::ErrorKind::Unsupported => Problem::bad_request(t.ja, t.en),
        _ => Problem::internal(),
    }
}

/// A rendered report as a download: its media type, and a file name (`inline` for JSON, an
/// attachment otherwise).
pub(crate) fn download(
    rendered: Result<Rendered, kaiji_report::Error>,
    format: Format,
    stem: &str,
) -> Answer {
    let rendered = rendered.map_err(|e| render_problem(&e))?;
    let disposition = if format == Format::Json {
        "inline"
    } else {
        "attachment"
    };
    let mut response = (StatusCode::OK, rendered.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(rendered.media_type),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "{disposition}; filename=\"{stem}.{}\"",
            format.extension()
        ))
        .map_err(|_| Problem::internal())?,
    );
    Ok(response)
}

// ----- freshness -----

/// An inbox entry with its freshness (the entry's fields and `freshness` side by side).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "FreshInboxEntry")]
struct FreshEntry<'a> {
    #[serde(flatten)]
    entry: &'a kaiji_store::InboxEntry,
    freshness: kaiji_model::review::Freshness,
}

/// The inbox, each entry with its freshness (the model's rule, today in Japan): under the policy's
/// age rule (`?policy=`, default the shipped default policy) and against the stored inventory.
pub(crate) async fn inbox_freshness(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Query(view): Query<View>,
) -> Answer {
    let org = caller.org()?;
    let today = view.today()?;
    let policy = load_policy(&app, org, view.policy.as_deref()).await?;
    let inventory = stored_inventory(&app, org).await?;
    let entries = app.store.inbox(org).await?;
    let mut out = Vec::new();
    for entry in &entries {
        let latest = &entry.latest;
        // The subject as the document states it; the product's own record when the content cannot be
        // read (terms not accepted, not a disclosure).
        let held = read_held(&app, org, &latest.document, Some(latest.version)).await;
        let freshness = match &held {
            Ok(doc) => kaiji_model::review::freshness(
                &kaiji_model::review::Held::of(
                    &doc.disclosure,
                    latest.effective_date,
                    latest.next_review_date,
                ),
                policy.max_age_days,
                inventory.as_ref(),
                today,
            ),
            Err(p) if p.status == StatusCode::SERVICE_UNAVAILABLE => return Err(p.clone()),
            Err(_) => kaiji_model::review::freshness(
                &kaiji_model::review::Held {
                    organisation: &entry.maker,
                    product: &entry.product_name,
                    version: &entry.release_version,
                    date: None,
                    effective_date: latest.effective_date,
                    next_review_date: latest.next_review_date,
                },
                policy.max_age_days,
                inventory.as_ref(),
                today,
            ),
        };
        out.push(FreshEntry { entry, freshness });
    }
    ok(StatusCode::OK, &out)
}

// ----- review, compare, checklist, 別紙 -----

/// The review of one received version against a policy, as `kaiji review` computes and writes it.
pub(crate) async fn review(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): Path<(String, String, String)>,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let document = document_id(&document)?;
    let version = version_number(&version)?;
    let format = choose_format(&view, &headers, "review", kaiji_report::REVIEW_FORMATS)?;
    let (lang, today) = (view.lang()?, view.today()?);
    let org = caller.org()?;
    let held = read_held(&app, org, &document, Some(version)).await?;
    let (guideline, policy) = view.policy(&app, org).await?;
    let reviewer = kaiji_model::review::Reviewer::new(&app.registry, &policy, &guideline);
    let options = ReviewOptions {
        today,
        max_age_days: None,
    };
    let review = reviewer.review(&held.disclosure, options);
    let reviews = [(held.label(), &held.disclosure, &review)];
    let today = kaiji_model::IsoDate::new(today).to_string();
    download(
        kaiji_report::render_review(&reviews, &policy, &today, format, lang),
        format,
        &format!("review-{document}-v{version}"),
    )
}

/// The comparison of held documents (`?documents=`, default every one) against a policy, as
/// `kaiji compare`.
pub(crate) async fn compare(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let format = choose_format(&view, &headers, "compare", kaiji_report::COMPARE_FORMATS)?;
    let (lang, today) = (view.lang()?, view.today()?);
    let org = caller.org()?;
    let (guideline, policy) = view.policy(&app, org).await?;
    let held = held_documents(&app, org, &view).await?;
    let documents: Vec<Disclosure> = held.into_iter().map(|h| h.disclosure).collect();
    let options = ReviewOptions {
        today,
        max_age_days: None,
    };
    let comparison =
        kaiji_model::review::compare(&documents, &app.registry, &policy, &guideline, options)
            .map_err(|e| model_problem(&e))?;
    download(
        kaiji_report::render_compare(&comparison, format, lang),
        format,
        "compare",
    )
}

/// The MHLW checklist lines the stored inventory and the held disclosures evidence (`?edition=R7`;
/// the newest by default), as `kaiji checklist mhlw`.
pub(crate) async fn checklist_mhlw(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let format = choose_format(
        &view,
        &headers,
        "checklist mhlw",
        kaiji_report::CHECKLIST_FORMATS,
    )?;
    let (lang, today) = (view.lang()?, view.today()?);
    let editions = kaiji_model::mhlw::mhlw_editions(&app.registry);
    if let Some(edition) = &view.edition
        && !editions.contains(edition)
    {
        return Err(Problem::bad_request(
            format!(
                "チェックリストの版 {edition} はありません。使える版: {}",
                editions.join(", ")
            ),
            format!(
                "no checklist edition {edition}; editions loaded: {}",
                editions.join(", ")
            ),
        ));
    }
    let org = caller.org()?;
    let inventory = stored_inventory(&app, org)
        .await?
        .ok_or_else(|| Problem::not_found("システム台帳", "inventory"))?;
    let held = held_documents(&app, org, &View::default()).await?;
    let disclosures: Vec<&Disclosure> = held.iter().map(|h| &h.disclosure).collect();
    let collected = kaiji_model::mhlw::collect_held(&inventory, &disclosures);
    let answered = kaiji_model::mhlw::mhlw_lines(
        &inventory,
        &collected,
        &app.registry,
        view.edition.as_deref(),
        today,
    )
    .map_err(|e| model_problem(&e))?;
    let stem = format!("checklist-mhlw-{}", answered.edition.revision);
    download(
        kaiji_report::render_checklist(&inventory, &answered, format, lang),
        format,
        &stem,
    )
}

/// The GL 7.0 別紙 check of held disclosures (`?documents=`, default every one the 別紙 can read),
/// with the stored risk record if there is one, as `kaiji betsushi --risk-record`.
pub(crate) async fn betsushi(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let format = choose_format(&view, &headers, "betsushi", kaiji_report::BETSUSHI_FORMATS)?;
    let (lang, today) = (view.lang()?, view.today()?);
    let org = caller.org()?;
    let named = view.documents.is_some();
    let mut held = held_documents(&app, org, &view).await?;
    if named {
        // A document named that the 別紙 cannot read is the caller's mistake.
        for h in &held {
            kaiji_model::betsushi::readable(&app.registry, &h.disclosure)
                .map_err(|e| model_problem(&e))?;
        }
    } else {
        held.retain(|h| kaiji_model::betsushi::readable(&app.registry, &h.disclosure).is_ok());
    }
    let labels: Vec<String> = held.iter().map(HeldDoc::label).collect();
    let inputs: Vec<kaiji_model::betsushi::Input<'_>> = held
        .iter()
        .zip(&labels)
        .map(|(h, file)| kaiji_model::betsushi::Input {
            file,
            document: &h.disclosure,
        })
        .collect();
    let record = stored_risk_record(&app, org).await?;
    let outcome = kaiji_model::betsushi::check(
        &app.registry,
        &inputs,
        record
            .as_ref()
            .map(|record| kaiji_model::betsushi::RecordInput {
                file: RISK_RECORD,
                record,
            }),
        today,
    )
    .map_err(|e| model_problem(&e))?;
    download(
        kaiji_report::render_betsushi(&outcome, &today.to_string(), format, lang),
        format,
        "betsushi",
    )
}

fn text(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string"})
}

const POLICY: Param = Param {
    name: "policy",
    description: "a stored policy's name or a shipped policy's id (default gl7-baseline)",
    schema: text,
};
const GUIDELINE: Param = Param {
    name: "guideline",
    description: "the 安全管理GL edition cited (mhlw-gl@7.0 by default)",
    schema: text,
};
pub(crate) const TODAY: Param = Param {
    name: "today",
    description: "the day of the review, YYYY-MM-DD (default today in Japan)",
    schema: text,
};
pub(crate) const FORMAT: Param = Param {
    name: "format",
    description: "json (default), csv, html, pdf or xlsx",
    schema: text,
};
pub(crate) const LANG: Param = Param {
    name: "lang",
    description: "ja (default) or en",
    schema: text,
};
const DOCUMENTS: Param = Param {
    name: "documents",
    description: "ID or ID@N, comma-separated (default: the newest version of every received document)",
    schema: text,
};
const EDITION: Param = Param {
    name: "edition",
    description: "the MHLW checklist edition: R8 (default) or R7",
    schema: text,
};

/// The body of a PUT of a stored file: `{"content": "YAML or JSON text"}` or `{"from": "shipped id"}`.
fn file_body(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "properties": {"content": {"type": "string"}, "from": {"type": "string"}},
        "additionalProperties": false,
    })
}

const YAML: &[&str] = &["application/yaml"];
const YAML_OR_XLSX: &[&str] = &["application/yaml", upload::XLSX];

/// What every route of this module takes and answers, for the OpenAPI document ([`crate::openapi`]).
#[rustfmt::skip]
pub(crate) const OPERATIONS: &[Op] = &[
    op("GET", "/api/v1/orgs/{org}/policies", "policies", None, Out::Json(200, of::<Policies>), PAGE),
    op("GET", "/api/v1/orgs/{org}/policies/{policy}", "policy", None, Out::Json(200, of::<StoredPolicyChecked<'static>>), &[]),
    raw_op("PUT", "/api/v1/orgs/{org}/policies/{policy}", "put_policy", Some(file_body), YAML, Out::Json(200, of::<StoredPolicyChecked<'static>>), &[]),
    op("GET", "/api/v1/orgs/{org}/inventory", "inventory", None, Out::Json(200, of::<Stored<'static, kaiji_model::mhlw::Inventory>>), &[]),
    raw_op("PUT", "/api/v1/orgs/{org}/inventory", "put_inventory", Some(file_body), YAML_OR_XLSX, Out::Json(200, of::<Stored<'static, kaiji_model::mhlw::Inventory>>), &[]),
    op("GET", "/api/v1/orgs/{org}/risk-record", "risk_record", None, Out::Json(200, of::<Stored<'static, kaiji_model::betsushi::RiskRecord>>), &[]),
    raw_op("PUT", "/api/v1/orgs/{org}/risk-record", "put_risk_record", Some(file_body), YAML, Out::Json(200, of::<Stored<'static, kaiji_model::betsushi::RiskRecord>>), &[]),
    op("GET", "/api/v1/orgs/{org}/inbox/freshness", "inbox_freshness", None, Out::Json(200, of::<Vec<FreshEntry<'static>>>), &[POLICY, TODAY]),
    // The reports' JSON is what kaiji_report::render_* writes for Format::Json, each the model's type.
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions/{version}/review", "review", None, Out::Report(of::<Vec<kaiji_model::api::FileReview>>), &[POLICY, GUIDELINE, TODAY, FORMAT, LANG]),
    op("GET", "/api/v1/orgs/{org}/compare", "compare", None, Out::Report(of::<kaiji_model::review::Comparison>), &[DOCUMENTS, POLICY, GUIDELINE, TODAY, FORMAT, LANG]),
    op("GET", "/api/v1/orgs/{org}/checklist/mhlw", "checklist_mhlw", None, Out::Report(of::<kaiji_model::api::ChecklistReport>), &[EDITION, TODAY, FORMAT, LANG]),
    op("GET", "/api/v1/orgs/{org}/betsushi", "betsushi", None, Out::Report(of::<kaiji_model::api::BetsushiReport>), &[TODAY, FORMAT, LANG]),
];
