//! The handlers of `/api/v1`. Each runs after the gate ([`crate::gate`]) and gets its [`Caller`]; each asks
//! the store (scoped by the caller's organisation) and the model (validation); none decides who may act.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use kaiji_model::Finding;
use kaiji_store::{
    DocumentId, LoginOutcome, NewProduct, OrgKind, ProductId, Publication, ReleaseId, Role,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::App;
use crate::body::Json;
use crate::gate::{Caller, SESSION_COOKIE, csrf_token};
use crate::openapi::{self, Op, Out, PAGE, Param, of, op};
use crate::page::{PageOf, Paging};
use crate::problem::Problem;
use kaiji_store as s;

pub(crate) type Answer = Result<Response, Problem>;

/// How long a session lasts.
const SESSION_HOURS: i64 = 12;

/// A page of a list (200).
fn page<T: Serialize>(paged: kaiji_store::Paged<T>) -> Answer {
    ok(StatusCode::OK, &PageOf::from(paged))
}

pub(crate) fn ok<T: Serialize>(status: StatusCode, value: &T) -> Answer {
    let bytes = serde_json::to_vec(value).map_err(|_| Problem::internal())?;
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// An id from the path: one that does not parse is not found, like any other id that is not the caller's.
fn id<T: std::str::FromStr>(text: &str, ja: &str, en: &str) -> Result<T, Problem> {
    text.parse().map_err(|_| Problem::not_found(ja, en))
}

pub(crate) fn document_id(text: &str) -> Result<DocumentId, Problem> {
    id(text, "文書", "document")
}

// ----- session -----

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Login {
    email: String,
    password: String,
}

pub(crate) async fn login(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<Login>,
) -> Answer {
    let now = Timestamp::now();
    let mut ctx = caller.ctx(now);
    ctx.actor.clone_from(&body.email);
    match app.store.login(&ctx, &body.email, &body.password).await? {
        LoginOutcome::Accepted(user) => {
            ctx.user = Some(user.id.clone());
            ctx.actor.clone_from(&user.email);
            let expires = now
                .checked_add(SignedDuration::from_hours(SESSION_HOURS))
                .map_err(|_| Problem::internal())?;
            let secret = app.store.create_session(&ctx, &user.id, expires).await?;
            let memberships = memberships(&app, &user.id).await?;
            let mut response = ok(
                StatusCode::CREATED,
                &Me {
                    csrf_token: Some(csrf_token(&secret)),
                    user: Some(user),
                    token: None,
                    memberships,
                },
            )?;
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                secret.expose(),
                SESSION_HOURS * 3600,
                if app.config.secure_cookies {
                    "; Secure"
                } else {
                    ""
                }
            );
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|_| Problem::internal())?,
            );
            Ok(response)
        }
        LoginOutcome::Rejected => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "login-failed",
            "メールアドレスまたはパスワードが違います",
            "wrong e-mail address or password",
        )),
        LoginOutcome::Throttled { until } => {
            let wait = (until.as_second() - now.as_second()).max(1);
            let mut response = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "login-throttled",
                format!("ログインの失敗が多すぎます。{wait} 秒後に再試行してください"),
                format!("too many failed logins; try again in {wait} seconds"),
            )
            .into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&wait.to_string()).map_err(|_| Problem::internal())?,
            );
            Ok(response)
        }
    }
}

pub(crate) async fn logout(State(app): State<App>, Extension(caller): Extension<Caller>) -> Answer {
    let Some(secret) = &caller.session else {
        return Err(Problem::bad_request(
            "ログアウトはセッションを終えます。API トークンは kaiji admin で失効させてください",
            "logout ends a session; revoke an API token with kaiji admin",
        ));
    };
    app.store
        .end_session(&caller.ctx(Timestamp::now()), secret)
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kaiji_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct MembershipView {
    org: kaiji_store::OrgId,
    name: String,
    kind: OrgKind,
    role: Role,
}

async fn memberships(
    app: &App,
    user: &kaiji_store::UserId,
) -> Result<Vec<MembershipView>, Problem> {
    Ok(app
        .store
        .memberships(user)
        .await?
        .into_iter()
        .map(|m| MembershipView {
            org: m.org.id,
            name: m.org.name,
            kind: m.org.kind,
            role: m.role,
        })
        .collect())
}

pub(crate) async fn me(State(app): State<App>, Extension(caller): Extension<Caller>) -> Answer {
    if let Some(user) = &caller.user {
        let memberships = memberships(&app, &user.id).await?;
        return ok(
            StatusCode::OK,
            &Me {
                user: Some(user.clone()),
                token: None,
                memberships,
                csrf_token: caller.session.as_ref().map(csrf_token),
            },
        );
    }
    let grant = caller.token.as_ref().ok_or_else(Problem::unauthorised)?;
    let org = app.store.organisation(&grant.org).await?;
    ok(
        StatusCode::OK,
        &Me {
            user: None,
            token: Some(grant.token.clone()),
            memberships: vec![MembershipView {
                org: org.id,
                name: org.name,
                kind: org.kind,
                role: grant.role,
            }],
            csrf_token: None,
        },
    )
}

/// The caller (`GET /api/v1/me`, and the answer of a login): a user with their memberships and the
/// session's CSRF token, or an API token with its one organisation and role.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Me {
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<kaiji_store::User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<kaiji_store::TokenId>,
    memberships: Vec<MembershipView>,
    /// The X-CSRF-Token of changes made with the session cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    csrf_token: Option<String>,
}

// ----- vendor: products, releases, documents -----

pub(crate) async fn products(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Paging(p): Paging,
) -> Answer {
    page(app.store.products_page(caller.org()?, &p).await?)
}

pub(crate) async fn create_product(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<NewProduct>,
) -> Answer {
    let product = app
        .store
        .create_product(&caller.ctx(Timestamp::now()), caller.org()?, &body)
        .await?;
    ok(StatusCode::CREATED, &product)
}

pub(crate) async fn releases(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, product)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let product: ProductId = id(&product, "製品", "product")?;
    page(app.store.releases_page(caller.org()?, &product, &p).await?)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewRelease {
    version: String,
}

pub(crate) async fn create_release(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, product)): Path<(String, String)>,
    Json(body): Json<NewRelease>,
) -> Answer {
    let product: ProductId = id(&product, "製品", "product")?;
    let release = app
        .store
        .create_release(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &product,
            &body.version,
        )
        .await?;
    ok(StatusCode::CREATED, &release)
}

pub(crate) async fn documents(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, release)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let release: ReleaseId = id(&release, "リリース", "release")?;
    page(
        app.store
            .documents_page(caller.org()?, &release, &p)
            .await?,
    )
}

/// The kinds of disclosure this API validates with the model's validator; beside them a release holds
/// its RSS profile ([`crate::rss::PROFILE_KIND`]), checked as `kaiji rss check` checks it.
const DISCLOSURE_KINDS: [&str; 3] = ["mds", "sds", "rss-sds"];

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewDocument {
    kind: String,
    title: String,
    content: Value,
}

/// The findings of a draft of `kind`: a disclosure's validation, or a profile's check (a profile that
/// does not read is refused, 422, and nothing is stored).
fn validate(app: &App, kind: &str, content: &Value) -> Result<Vec<Finding>, Problem> {
    if kind == crate::rss::PROFILE_KIND {
        crate::rss::check(content)
    } else {
        Ok(kaiji_model::disclosure::validate_value(
            content,
            &app.registry,
        ))
    }
}

fn findings_json(findings: &[Finding]) -> Result<Value, Problem> {
    serde_json::to_value(findings).map_err(|_| Problem::internal())
}

pub(crate) async fn create_document(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, release)): Path<(String, String)>,
    Json(body): Json<NewDocument>,
) -> Answer {
    let release: ReleaseId = id(&release, "リリース", "release")?;
    if !DISCLOSURE_KINDS.contains(&body.kind.as_str()) && body.kind != crate::rss::PROFILE_KIND {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unsupported-kind",
            format!(
                "文書の種類 {:?} はこの API では作れません (mds, sds, rss-sds, rss-profile)",
                body.kind
            ),
            format!(
                "document kind {:?} cannot be created here (mds, sds, rss-sds, rss-profile)",
                body.kind
            ),
        ));
    }
    let org = caller.org()?;
    let ctx = caller.ctx(Timestamp::now());
    let findings = validate(&app, &body.kind, &body.content)?;
    let document = app
        .store
        .create_document(&ctx, org, &release, &body.kind, &body.title)
        .await?;
    app.store
        .save_draft(
            &ctx,
            org,
            &document.id,
            &body.content,
            &findings_json(&findings)?,
        )
        .await?;
    let document = app.store.document(org, &document.id).await?;
    ok(StatusCode::CREATED, &CreatedDocument { document, findings })
}

/// A new document with the findings of its draft's validation.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CreatedDocument {
    document: kaiji_store::Document,
    findings: Vec<Finding>,
}

/// The findings of a saved draft's validation.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct DraftSaved {
    findings: Vec<Finding>,
}

pub(crate) async fn document(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
) -> Answer {
    let document = document_id(&document)?;
    ok(
        StatusCode::OK,
        &app.store.document(caller.org()?, &document).await?,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Draft {
    content: Value,
}

pub(crate) async fn save_draft(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<Draft>,
) -> Answer {
    let document = document_id(&document)?;
    let kind = app.store.document(caller.org()?, &document).await?.kind;
    let findings = validate(&app, &kind, &body.content)?;
    app.store
        .save_draft(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &document,
            &body.content,
            &findings_json(&findings)?,
        )
        .await?;
    ok(StatusCode::OK, &DraftSaved { findings })
}

pub(crate) async fn versions(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    page(
        app.store
            .versions_page(caller.org()?, &document, &p)
            .await?,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Publish {
    effective_date: Date,
    next_review_date: Date,
    update_reason: String,
}

pub(crate) async fn publish(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<Publish>,
) -> Answer {
    let document = document_id(&document)?;
    let org = caller.org()?;
    // The findings of the draft's validation are frozen with the version.
    let draft = app.store.document(org, &document).await?;
    let publication = Publication {
        effective_date: body.effective_date,
        next_review_date: body.next_review_date,
        update_reason: body.update_reason,
        findings: draft.draft_findings.unwrap_or_else(|| json!([])),
    };
    let version = app
        .store
        .publish(&caller.ctx(Timestamp::now()), org, &document, &publication)
        .await?;
    ok(StatusCode::CREATED, &version)
}

pub(crate) fn version_number(text: &str) -> Result<i64, Problem> {
    text.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| Problem::not_found("版", "version"))
}

pub(crate) async fn version(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): Path<(String, String, String)>,
) -> Answer {
    let document = document_id(&document)?;
    let version = version_number(&version)?;
    ok(
        StatusCode::OK,
        &app.store.version(caller.org()?, &document, version).await?,
    )
}

pub(crate) async fn shares(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    page(app.store.shares_page(caller.org()?, &document, &p).await?)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewShare {
    hospital: String,
}

pub(crate) async fn share(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<NewShare>,
) -> Answer {
    let document = document_id(&document)?;
    let hospital = id(&body.hospital, "病院", "hospital")?;
    let share = app
        .store
        .share(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &document,
            &hospital,
        )
        .await?;
    ok(StatusCode::CREATED, &share)
}

pub(crate) async fn hospitals(State(app): State<App>, Paging(p): Paging) -> Answer {
    let list = app.store.organisations_page(OrgKind::Hospital, &p).await?;
    ok(
        StatusCode::OK,
        &PageOf::of(list, |o| Hospital {
            id: o.id,
            name: o.name,
        }),
    )
}

/// A hospital a vendor can share with.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Hospital {
    id: kaiji_store::OrgId,
    name: String,
}

// ----- hospital: inbox, received versions, acknowledgements -----

pub(crate) async fn inbox(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Paging(p): Paging,
) -> Answer {
    page(app.store.inbox_page(caller.org()?, &p).await?)
}

pub(crate) async fn received_versions(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    page(
        app.store
            .received_versions_page(caller.org()?, &document, &p)
            .await?,
    )
}

pub(crate) async fn received_version(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): Path<(String, String, String)>,
) -> Answer {
    let document = document_id(&document)?;
    let version = version_number(&version)?;
    let org = caller.org()?;
    let found = app.store.received_version(org, &document, version).await?;
    terms_accepted(&app, org, &document).await?;
    ok(StatusCode::OK, &found)
}

pub(crate) async fn acknowledgements(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    let org = caller.org()?;
    // Only documents shared with this hospital: another id is not found.
    app.store.received_versions(org, &document).await?;
    page(app.store.acknowledgements_page(org, &document, &p).await?)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Acknowledge {
    version: i64,
    reviewed_on: Date,
    note: Option<String>,
}

pub(crate) async fn acknowledge(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<Acknowledge>,
) -> Answer {
    let document = document_id(&document)?;
    let ack = app
        .store
        .acknowledge(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &document,
            body.version,
            body.reviewed_on,
            body.note.as_deref(),
        )
        .await?;
    ok(StatusCode::CREATED, &ack)
}

// ----- questions -----

pub(crate) async fn document_questions(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    let org = caller.org()?;
    let side = crate::questions::Side::Vendor;
    let latest = crate::questions::latest(&app, side, org, &document).await?;
    let paged = app.store.questions_page(org, &document, &p).await?;
    let items = crate::questions::annotate(&app, side, org, &document, latest, paged.items).await?;
    page(kaiji_store::Paged {
        items,
        next: paged.next,
    })
}

pub(crate) async fn received_questions(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    let org = caller.org()?;
    let side = crate::questions::Side::Hospital;
    let latest = crate::questions::latest(&app, side, org, &document).await?;
    let paged = app.store.questions_page(org, &document, &p).await?;
    let items = crate::questions::annotate(&app, side, org, &document, latest, paged.items).await?;
    page(kaiji_store::Paged {
        items,
        next: paged.next,
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ask {
    version: i64,
    item: String,
    body: String,
}

pub(crate) async fn ask(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<Ask>,
) -> Answer {
    let document = document_id(&document)?;
    let question = app
        .store
        .ask_question(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &document,
            body.version,
            &body.item,
            &body.body,
        )
        .await?;
    ok(StatusCode::CREATED, &question)
}

pub(crate) async fn question(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, question)): Path<(String, String)>,
) -> Answer {
    let question: kaiji_store::QuestionId = id(&question, "質問", "question")?;
    let org = caller.org()?;
    let question = app.store.question(org, &question).await?;
    let side = if &question.vendor == org {
        crate::questions::Side::Vendor
    } else {
        crate::questions::Side::Hospital
    };
    let document = question.document.clone();
    let latest = crate::questions::latest(&app, side, org, &document).await?;
    let mut listed =
        crate::questions::annotate(&app, side, org, &document, latest, vec![question]).await?;
    ok(StatusCode::OK, &listed.pop())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reply {
    body: String,
}

pub(crate) async fn reply(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, question)): Path<(String, String)>,
    Json(body): Json<Reply>,
) -> Answer {
    let question: kaiji_store::QuestionId = id(&question, "質問", "question")?;
    let thread = app
        .store
        .reply(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &question,
            &body.body,
        )
        .await?;
    ok(StatusCode::CREATED, &thread)
}

// ----- requests -----

pub(crate) async fn requests(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Paging(p): Paging,
) -> Answer {
    page(app.store.requests_page(caller.org()?, &p).await?)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewRequest {
    vendor: String,
    product: Option<String>,
    subject: String,
    kind: String,
    message: String,
    due_date: Date,
}

pub(crate) async fn create_request(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<NewRequest>,
) -> Answer {
    let request = kaiji_store::NewRequest {
        vendor: id(&body.vendor, "ベンダー", "vendor")?,
        product: body
            .product
            .as_deref()
            .map(|p| id(p, "製品", "product"))
            .transpose()?,
        subject: body.subject,
        kind: body.kind,
        message: body.message,
        due_date: body.due_date,
    };
    let request = app
        .store
        .create_request(&caller.ctx(Timestamp::now()), caller.org()?, &request)
        .await?;
    ok(StatusCode::CREATED, &request)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerRequest {
    /// The document that answers it, or null for an answer without one (required, so that an empty
    /// body is not read as "no document").
    #[schemars(with = "Option<kaiji_store::DocumentId>", required)]
    document: Value,
}

pub(crate) async fn answer_request(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, request)): Path<(String, String)>,
    Json(body): Json<AnswerRequest>,
) -> Answer {
    let request: kaiji_store::RequestId = id(&request, "依頼", "request")?;
    let document = match &body.document {
        Value::Null => None,
        Value::String(s) => Some(document_id(s)?),
        _ => {
            return Err(Problem::bad_request(
                "document は文書 ID か null です",
                "document is a document id or null",
            ));
        }
    };
    let answered = app
        .store
        .answer_request(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &request,
            document.as_ref(),
        )
        .await?;
    ok(StatusCode::OK, &answered)
}

// ----- diff -----

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// What changed in a received document: by default from the version this hospital last acknowledged
/// (version 1 when it acknowledged none) to the newest; the diff is the model's, as `kaiji diff` prints it.
pub(crate) async fn diff(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<DiffQuery>,
) -> Answer {
    let document = document_id(&document)?;
    let org = caller.org()?;
    let versions = app.store.received_versions(org, &document).await?;
    let latest = versions.last().map_or(0, |v| v.version);
    let acknowledged = app
        .store
        .acknowledgements(org, &document)
        .await?
        .iter()
        .map(|a| a.version)
        .max();
    let from = match query.from.as_deref() {
        Some(text) => version_number(text)?,
        None => acknowledged.unwrap_or(1),
    };
    let to = match query.to.as_deref() {
        Some(text) => version_number(text)?,
        None => latest,
    };
    let read = |number: i64| {
        let app = app.clone();
        let document = document.clone();
        let org = org.clone();
        async move {
            let version = app.store.received_version(&org, &document, number).await?;
            serde_json::from_value::<kaiji_model::Disclosure>(version.content).map_err(|e| {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "not-a-disclosure",
                    format!("版 {number} は開示書として読めません: {e}"),
                    format!("version {number} does not read as a disclosure: {e}"),
                )
            })
        }
    };
    terms_accepted(&app, org, &document).await?;
    let old = read(from).await?;
    let new = read(to).await?;
    let diff = kaiji_model::disclosure::diff(&old, &new, &app.registry);
    let report = kaiji_model::api::DiffReport::new(
        format!("version {from}"),
        format!("version {to}"),
        &diff,
    );
    ok(
        StatusCode::OK,
        &DiffView {
            from,
            to,
            acknowledged_version: acknowledged,
            diff: report,
        },
    )
}

/// What changed between two received versions, and the version this hospital last acknowledged.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct DiffView {
    from: i64,
    to: i64,
    acknowledged_version: Option<i64>,
    diff: kaiji_model::api::DiffReport,
}

// ----- notifications -----

pub(crate) async fn notifications(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Paging(p): Paging,
) -> Answer {
    let org = caller.org()?;
    // A user sees the organisation's notifications and their own; an API token is no user, so its id
    // (which names no user) leaves only the organisation's.
    let user: kaiji_store::UserId = match (&caller.user, &caller.token) {
        (Some(user), _) => user.id.clone(),
        (None, Some(token)) => id(token.token.as_str(), "ユーザー", "user")?,
        (None, None) => return Err(Problem::unauthorised()),
    };
    page(app.store.notifications_page(org, &user, false, &p).await?)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkRead {
    read: bool,
}

pub(crate) async fn mark_read(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, notification)): Path<(String, String)>,
    Json(body): Json<MarkRead>,
) -> Answer {
    let notification: kaiji_store::NotificationId = id(&notification, "通知", "notification")?;
    if !body.read {
        return Err(Problem::bad_request(
            "既読を取り消すことはできません (read は true)",
            "a notification cannot be marked unread (read must be true)",
        ));
    }
    app.store
        .mark_read(Timestamp::now(), caller.org()?, &notification)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Faq {
    faq: bool,
}

pub(crate) async fn set_faq(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, question)): Path<(String, String)>,
    Json(body): Json<Faq>,
) -> Answer {
    let question: kaiji_store::QuestionId = id(&question, "質問", "question")?;
    let org = caller.org()?;
    app.store
        .set_faq(&caller.ctx(Timestamp::now()), org, &question, body.faq)
        .await?;
    ok(StatusCode::OK, &app.store.question(org, &question).await?)
}

// ----- access terms -----

/// A document with access terms is read only after this hospital accepted their current version.
pub(crate) async fn terms_accepted(
    app: &App,
    hospital: &kaiji_store::OrgId,
    document: &DocumentId,
) -> Result<(), Problem> {
    if let Some(terms) = app.store.current_access_terms(document).await?
        && !app.store.has_accepted(hospital, &terms.id).await?
    {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "terms-not-accepted",
            format!(
                "この文書はアクセス条件 (第{}版) の承諾後に読めます",
                terms.version
            ),
            format!(
                "this document can be read once its access terms (version {}) are accepted",
                terms.version
            ),
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetTerms {
    body: String,
}

pub(crate) async fn set_terms(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<SetTerms>,
) -> Answer {
    let document = document_id(&document)?;
    let terms = app
        .store
        .set_access_terms(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &document,
            &body.body,
        )
        .await?;
    ok(StatusCode::CREATED, &terms)
}

pub(crate) async fn acceptances(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    page(
        app.store
            .acceptances_page(caller.org()?, &document, &p)
            .await?,
    )
}

pub(crate) async fn terms(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
) -> Answer {
    let document = document_id(&document)?;
    let org = caller.org()?;
    app.store.received_versions(org, &document).await?;
    let terms = app.store.current_access_terms(&document).await?;
    let accepted = match &terms {
        Some(t) => app.store.has_accepted(org, &t.id).await?,
        None => true,
    };
    ok(StatusCode::OK, &TermsView { terms, accepted })
}

/// A received document's current access terms (none: null) and whether this hospital accepted them.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct TermsView {
    terms: Option<kaiji_store::Terms>,
    accepted: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Accept {
    terms: String,
}

pub(crate) async fn accept_terms(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<Accept>,
) -> Answer {
    let document = document_id(&document)?;
    let org = caller.org()?;
    let terms: kaiji_store::TermsId = id(&body.terms, "アクセス条件", "access terms")?;
    app.store.received_versions(org, &document).await?;
    let current = app.store.current_access_terms(&document).await?;
    // Only the document's current terms, and only by a person (a token is not one).
    if current.as_ref().map(|t| &t.id) != Some(&terms) {
        return Err(Problem::not_found("アクセス条件", "access terms"));
    }
    let user = caller.user.as_ref().ok_or_else(|| {
        Problem::bad_request(
            "アクセス条件はログインした人が承諾します (API トークンではできません)",
            "access terms are accepted by a signed-in person, not an API token",
        )
    })?;
    let acceptance = app
        .store
        .accept_terms(
            &caller.ctx(Timestamp::now()),
            &terms,
            &kaiji_store::Acceptor::Member {
                hospital: org.clone(),
                user: user.id.clone(),
            },
        )
        .await?;
    ok(StatusCode::CREATED, &acceptance)
}

// ----- access links -----

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewLink {
    label: String,
    expires_at: Timestamp,
}

pub(crate) async fn create_link(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Json(body): Json<NewLink>,
) -> Answer {
    let document = document_id(&document)?;
    let (secret, link) = app
        .store
        .create_access_link(
            &caller.ctx(Timestamp::now()),
            caller.org()?,
            &document,
            &body.label,
            body.expires_at,
        )
        .await?;
    ok(
        StatusCode::CREATED,
        &LinkCreated {
            link,
            path: format!("/api/v1/links/{}", secret.expose()),
        },
    )
}

/// A new access link: the path with its secret, shown this once.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct LinkCreated {
    link: kaiji_store::LinkGrant,
    path: String,
}

/// A live access link (never its secret).
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct LinkView {
    link: kaiji_store::LinkGrant,
    label: String,
}

pub(crate) async fn links(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document)): Path<(String, String)>,
    Paging(p): Paging,
) -> Answer {
    let document = document_id(&document)?;
    let links = app
        .store
        .access_links_page(Timestamp::now(), caller.org()?, &document, &p)
        .await?;
    ok(
        StatusCode::OK,
        &PageOf::of(links, |(link, label)| LinkView { link, label }),
    )
}

/// The link a secret names, or 404 (expired, revoked or unknown alike).
async fn link_of(app: &App, secret: &str) -> Result<kaiji_store::LinkGrant, Problem> {
    app.store
        .access_link(
            Timestamp::now(),
            &kaiji_store::Secret::from_presented(secret),
        )
        .await
        .map_err(|e| {
            if e.is_unavailable() {
                Problem::unavailable()
            } else {
                Problem::not_found("アクセスリンク", "access link")
            }
        })
}

pub(crate) async fn open_link(State(app): State<App>, Path(secret): Path<String>) -> Answer {
    let grant = link_of(&app, &secret).await?;
    if let Some(terms) = app.store.current_access_terms(&grant.document).await? {
        let accepted = app
            .store
            .acceptances(&grant.vendor, &grant.document)
            .await?
            .iter()
            .any(|a| a.terms == terms.id && a.link.as_ref() == Some(&grant.link));
        if !accepted {
            let mut problem = Problem::new(
                StatusCode::FORBIDDEN,
                "terms-not-accepted",
                format!(
                    "この文書はアクセス条件 (第{}版) の承諾後に読めます",
                    terms.version
                ),
                format!(
                    "this document can be read once its access terms (version {}) are accepted",
                    terms.version
                ),
            );
            problem.terms = Some(Box::new(json!(terms)));
            return Err(problem);
        }
    }
    let document = app.store.document(&grant.vendor, &grant.document).await?;
    if document.latest_version == 0 {
        return Err(Problem::not_found("公開版", "published version"));
    }
    let version = app
        .store
        .version(&grant.vendor, &grant.document, document.latest_version)
        .await?;
    ok(
        StatusCode::OK,
        &Opened {
            title: document.title,
            kind: document.kind,
            version,
        },
    )
}

/// What an access link opens: the document's newest version.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Opened {
    title: String,
    kind: String,
    version: kaiji_store::Version,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptByLink {
    terms: String,
    name: String,
}

pub(crate) async fn accept_by_link(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(secret): Path<String>,
    Json(body): Json<AcceptByLink>,
) -> Answer {
    let grant = link_of(&app, &secret).await?;
    let terms: kaiji_store::TermsId = id(&body.terms, "アクセス条件", "access terms")?;
    let current = app.store.current_access_terms(&grant.document).await?;
    if current.as_ref().map(|t| &t.id) != Some(&terms) {
        return Err(Problem::not_found("アクセス条件", "access terms"));
    }
    let mut ctx = caller.ctx(Timestamp::now());
    ctx.actor = format!("link:{}", grant.link);
    let acceptance = app
        .store
        .accept_terms(
            &ctx,
            &terms,
            &kaiji_store::Acceptor::Link {
                link: grant.link.clone(),
                name: body.name,
            },
        )
        .await?;
    ok(StatusCode::CREATED, &acceptance)
}

// ----- the API's own description -----

/// `GET /api/openapi.json`: the OpenAPI 3.1 document (the same text as schemas/openapi.json).
pub(crate) async fn openapi() -> Answer {
    static TEXT: std::sync::LazyLock<String> = std::sync::LazyLock::new(openapi::document_text);
    let mut response = (StatusCode::OK, TEXT.as_str()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

fn any_object(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "object"})
}

fn version_query(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "integer", "minimum": 1})
}

/// What every route of this module takes and answers, for the OpenAPI document ([`crate::openapi`]):
/// one line per route of [`crate::gate::ROUTES`] (a test checks both ways), naming the handler's own
/// body and answer types.
#[rustfmt::skip]
pub(crate) const OPERATIONS: &[Op] = &[
    op("POST", "/api/v1/session", "login", Some(of::<Login>), Out::Json(201, of::<Me>), &[]),
    op("DELETE", "/api/v1/session", "logout", None, Out::Empty(204), &[]),
    op("GET", "/api/v1/me", "me", None, Out::Json(200, of::<Me>), &[]),
    op("GET", "/api/v1/orgs/{org}/products", "products", None, Out::Json(200, of::<PageOf<s::Product>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/products", "create_product", Some(of::<NewProduct>), Out::Json(201, of::<s::Product>), &[]),
    op("GET", "/api/v1/orgs/{org}/products/{product}/releases", "releases", None, Out::Json(200, of::<PageOf<s::Release>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/products/{product}/releases", "create_release", Some(of::<NewRelease>), Out::Json(201, of::<s::Release>), &[]),
    op("GET", "/api/v1/orgs/{org}/releases/{release}/documents", "documents", None, Out::Json(200, of::<PageOf<s::Document>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/releases/{release}/documents", "create_document", Some(of::<NewDocument>), Out::Json(201, of::<CreatedDocument>), &[]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}", "document", None, Out::Json(200, of::<s::Document>), &[]),
    op("PUT", "/api/v1/orgs/{org}/documents/{document}/draft", "save_draft", Some(of::<Draft>), Out::Json(200, of::<DraftSaved>), &[]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/versions", "versions", None, Out::Json(200, of::<PageOf<s::VersionSummary>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/documents/{document}/versions", "publish", Some(of::<Publish>), Out::Json(201, of::<s::VersionSummary>), &[]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/versions/{version}", "version", None, Out::Json(200, of::<s::Version>), &[]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/shares", "shares", None, Out::Json(200, of::<PageOf<s::Share>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/documents/{document}/shares", "share", Some(of::<NewShare>), Out::Json(201, of::<s::Share>), &[]),
    op("GET", "/api/v1/orgs/{org}/hospitals", "hospitals", None, Out::Json(200, of::<PageOf<Hospital>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/inbox", "inbox", None, Out::Json(200, of::<PageOf<s::InboxEntry>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions", "received_versions", None, Out::Json(200, of::<PageOf<s::VersionSummary>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions/{version}", "received_version", None, Out::Json(200, of::<s::Version>), &[]),
    op("GET", "/api/v1/orgs/{org}/received/{document}/acknowledgements", "acknowledgements", None, Out::Json(200, of::<PageOf<s::Acknowledgement>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/received/{document}/acknowledgements", "acknowledge", Some(of::<Acknowledge>), Out::Json(201, of::<s::Acknowledgement>), &[]),
    op("GET", "/api/v1/orgs/{org}/notifications", "notifications", None, Out::Json(200, of::<PageOf<s::Notification>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/notifications/{notification}/read", "mark_read", Some(of::<MarkRead>), Out::Empty(204), &[]),
    op("PUT", "/api/v1/orgs/{org}/questions/{question}/faq", "set_faq", Some(of::<Faq>), Out::Json(200, of::<s::Question>), &[]),
    op("PUT", "/api/v1/orgs/{org}/documents/{document}/terms", "set_terms", Some(of::<SetTerms>), Out::Json(201, of::<s::Terms>), &[]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/acceptances", "acceptances", None, Out::Json(200, of::<PageOf<s::Acceptance>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/received/{document}/terms", "terms", None, Out::Json(200, of::<TermsView>), &[]),
    op("POST", "/api/v1/orgs/{org}/received/{document}/terms/acceptances", "accept_terms", Some(of::<Accept>), Out::Json(201, of::<s::Acceptance>), &[]),
    op("POST", "/api/v1/orgs/{org}/documents/{document}/links", "create_link", Some(of::<NewLink>), Out::Json(201, of::<LinkCreated>), &[]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/links", "links", None, Out::Json(200, of::<PageOf<LinkView>>), PAGE),
    op("GET", "/api/v1/links/{secret}", "open_link", None, Out::Json(200, of::<Opened>), &[]),
    op("POST", "/api/v1/links/{secret}/acceptances", "accept_by_link", Some(of::<AcceptByLink>), Out::Json(201, of::<s::Acceptance>), &[]),
    op("GET", "/api/v1/orgs/{org}/received/{document}/diff", "diff", None, Out::Json(200, of::<DiffView>), &[
        Param { name: "from", description: "from this version (default: the one this hospital last acknowledged, or 1)", schema: version_query },
        Param { name: "to", description: "to this version (default: the newest)", schema: version_query },
    ]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/questions", "document_questions", None, Out::Json(200, of::<PageOf<crate::questions::Listed>>), PAGE),
    op("GET", "/api/v1/orgs/{org}/received/{document}/questions", "received_questions", None, Out::Json(200, of::<PageOf<crate::questions::Listed>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/received/{document}/questions", "ask", Some(of::<Ask>), Out::Json(201, of::<s::Question>), &[]),
    op("GET", "/api/v1/orgs/{org}/questions/{question}", "question", None, Out::Json(200, of::<crate::questions::Listed>), &[]),
    op("POST", "/api/v1/orgs/{org}/questions/{question}/messages", "reply", Some(of::<Reply>), Out::Json(201, of::<s::Question>), &[]),
    op("GET", "/api/v1/orgs/{org}/requests", "requests", None, Out::Json(200, of::<PageOf<s::Request>>), PAGE),
    op("POST", "/api/v1/orgs/{org}/requests", "create_request", Some(of::<NewRequest>), Out::Json(201, of::<s::Request>), &[]),
    op("POST", "/api/v1/orgs/{org}/requests/{request}/answer", "answer_request", Some(of::<AnswerRequest>), Out::Json(200, of::<s::Request>), &[]),
    op("GET", "/api/openapi.json", "openapi", None, Out::Json(200, any_object), &[]),
    op("GET", "/api/v1/health", "health", None, Out::Json(200, any_object), &[]),
];
