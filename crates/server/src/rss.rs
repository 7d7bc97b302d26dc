//! The remote service package on the server: a release's RSS profile (documents of kind
//! `rss-profile`, the profile `kaiji rss check` reads, as JSON) and the two documents JIRA's RSS
//! package derives from it, the ISMS risk register and the SLA, computed from a published version by
//! the model exactly as `kaiji rss risk` and `kaiji rss sla` compute them (the default formula and
//! threshold; the SLA without agreed terms lists every term still to agree). The vendor reads them
//! from its own versions, a hospital from the versions shared with it.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use kaiji_model::rss::{Profile, RiskSettings};
use kaiji_report::{Format, RISK_FORMATS, SLA_FORMATS};
use kaiji_store::{DocumentId, Version};
use serde_json::Value;

use crate::App;
use crate::api::{Answer, document_id, terms_accepted, version_number};
use crate::gate::Caller;
use crate::hospital::{FORMAT, LANG, TODAY, View, choose_format, download};
use crate::openapi::{Op, Out, of, op};
use crate::problem::Problem;

/// The kind of document that holds a release's RSS profile.
pub(crate) const PROFILE_KIND: &str = "rss-profile";

/// Reads a profile document's content as the profile: 422 `invalid-profile` naming the field (or the
/// line and column of the content written out as JSON) when it does not read.
pub(crate) fn read_profile(content: &Value) -> Result<Profile, Problem> {
    let text = serde_json::to_string_pretty(content).map_err(|_| Problem::internal())?;
    Profile::parse("content", &text)
        .map_err(|e| crate::hospital::config_problem("invalid-profile", &e))
}

/// The findings of a profile draft: it must read; then the connection checks of `kaiji rss check`
/// (without advisories: the server keeps none yet), as of today in Japan.
pub(crate) fn check(content: &Value) -> Result<Vec<kaiji_model::Finding>, Problem> {
    let profile = read_profile(content)?;
    let today = crate::worker::today_in_japan(jiff::Timestamp::now());
    Ok(kaiji_model::rss::check_profile(&profile, &[], today))
}

fn not_a_profile(kind: &str) -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "not-a-profile",
        format!(
            "文書の種類は {kind} です: リスク表と SLA は種類 {PROFILE_KIND} の文書から作ります"
        ),
        format!(
            "the document is of kind {kind}: the risk register and the SLA are made from a document of kind {PROFILE_KIND}"
        ),
    )
}

/// Which of the two derived documents.
#[derive(Debug, Clone, Copy)]
enum Derived {
    Risk,
    Sla,
}

/// Renders the risk register or the SLA of one published profile version, in the format asked for.
fn render(
    app: &App,
    version: &Version,
    view: &View,
    headers: &HeaderMap,
    derived: Derived,
) -> Answer {
    let (report, formats) = match derived {
        Derived::Risk => ("rss risk", RISK_FORMATS),
        Derived::Sla => ("rss sla", SLA_FORMATS),
    };
    let format: Format = choose_format(view, headers, report, formats)?;
    let (lang, today) = (view.lang()?, view.today()?);
    let profile = read_profile(&version.content)?;
    let threats = kaiji_model::rss::threats_in(&app.registry).map_err(|_| Problem::internal())?;
    let register = kaiji_model::rss::register(&profile, &threats, RiskSettings::default(), today);
    let day = kaiji_model::IsoDate::new(today).to_string();
    let stem = format!(
        "{}-{}-v{}",
        match derived {
            Derived::Risk => "risk",
            Derived::Sla => "sla",
        },
        version.summary.document,
        version.summary.version
    );
    let rendered = match derived {
        Derived::Risk => kaiji_report::render_risk(&register, &day, format, lang),
        Derived::Sla => {
            let sla =
                kaiji_model::rss::sla(&profile, &kaiji_model::rss::Terms::default(), &register);
            kaiji_report::render_sla(&sla, &day, format, lang)
        }
    };
    download(rendered, format, &stem)
}

/// A vendor's published profile version, refused when the document is not a profile.
async fn own_version(
    app: &App,
    caller: &Caller,
    document: &str,
    version: &str,
) -> Result<Version, Problem> {
    let document: DocumentId = document_id(document)?;
    let number = version_number(version)?;
    let org = caller.org()?;
    let found = app.store.document(org, &document).await?;
    if found.kind != PROFILE_KIND {
        return Err(not_a_profile(&found.kind));
    }
    Ok(app.store.version(org, &document, number).await?)
}

/// A received profile version: 404 when not shared with this hospital, 403 until its terms are
/// accepted, 422 when the document is not a profile.
async fn received_version(
    app: &App,
    caller: &Caller,
    document: &str,
    version: &str,
) -> Result<Version, Problem> {
    let document: DocumentId = document_id(document)?;
    let number = version_number(version)?;
    let org = caller.org()?;
    let found = app.store.received_version(org, &document, number).await?;
    terms_accepted(app, org, &document).await?;
    let kind = app.store.received_kind(org, &document).await?;
    if kind != PROFILE_KIND {
        return Err(not_a_profile(&kind));
    }
    Ok(found)
}

type VersionPath = Path<(String, String, String)>;

pub(crate) async fn risk(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): VersionPath,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let found = own_version(&app, &caller, &document, &version).await?;
    render(&app, &found, &view, &headers, Derived::Risk)
}

pub(crate) async fn sla(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): VersionPath,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let found = own_version(&app, &caller, &document, &version).await?;
    render(&app, &found, &view, &headers, Derived::Sla)
}

pub(crate) async fn received_risk(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): VersionPath,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let found = received_version(&app, &caller, &document, &version).await?;
    render(&app, &found, &view, &headers, Derived::Risk)
}

pub(crate) async fn received_sla(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((_, document, version)): VersionPath,
    Query(view): Query<View>,
    headers: HeaderMap,
) -> Answer {
    let found = received_version(&app, &caller, &document, &version).await?;
    render(&app, &found, &view, &headers, Derived::Sla)
}

/// What every route of this module takes and answers, for the OpenAPI document ([`crate::openapi`]).
#[rustfmt::skip]
pub(crate) const OPERATIONS: &[Op] = &[
    op("GET", "/api/v1/orgs/{org}/documents/{document}/versions/{version}/risk", "rss_risk", None, Out::Report(of::<kaiji_model::rss::Register>), &[TODAY, FORMAT, LANG]),
    op("GET", "/api/v1/orgs/{org}/documents/{document}/versions/{version}/sla", "rss_sla", None, Out::Report(of::<kaiji_model::rss::Sla>), &[TODAY, FORMAT, LANG]),
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions/{version}/risk", "received_rss_risk", None, Out::Report(of::<kaiji_model::rss::Register>), &[TODAY, FORMAT, LANG]),
    op("GET", "/api/v1/orgs/{org}/received/{document}/versions/{version}/sla", "received_rss_sla", None, Out::Report(of::<kaiji_model::rss::Sla>), &[TODAY, FORMAT, LANG]),
];
