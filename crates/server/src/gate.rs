//! Authorisation in one place. [`ROUTES`] says, for every route of the API, who may call it: nobody
//! signed in, anyone signed in, or members of the organisation named in the path with one of the listed
//! roles in an organisation of the listed kind. The [`gate`] middleware runs before every handler: it
//! resolves the caller (session cookie or `Authorization: Bearer` API token), checks the route's entry,
//! the CSRF token of cookie-authenticated changes, and hands the handler a [`Caller`]. A route missing
//! from the table is refused (and a test checks that none is).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use kaiji_store::{Ctx, OrgId, OrgKind, Organisation, Role, Secret, TokenGrant, User};

use crate::App;
use crate::problem::Problem;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kaiji_session";
/// The header that carries the CSRF token on cookie-authenticated changes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (login).
    Public,
    /// Anyone signed in (their own account).
    SignedIn,
    /// Members of the organisation `{org}` of the path, of one of these kinds and roles.
    Org(&'static [(OrgKind, &'static [Role])]),
}

impl Access {
    /// Whether a member with `role` in an organisation of `kind` may call it.
    pub fn allows(self, kind: OrgKind, role: Role) -> bool {
        match self {
            Self::Public | Self::SignedIn => true,
            Self::Org(grants) => grants
                .iter()
                .any(|(k, roles)| *k == kind && roles.contains(&role)),
        }
    }
}

/// One route of the API and who may call it.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// What it does, for the permission table in docs/.
    pub summary: &'static str,
}

use OrgKind::{Hospital, Vendor};
use Role::{Editor, Owner, Reviewer, Viewer};

const ALL: &[Role] = &[Owner, Editor, Reviewer, Viewer];
const WRITERS: &[Role] = &[Owner, Editor];
const VENDOR_READ: Access = Access::Org(&[(Vendor, ALL)]);
const VENDOR_WRITE: Access = Access::Org(&[(Vendor, WRITERS)]);
const HOSPITAL_READ: Access = Access::Org(&[(Hospital, ALL)]);
const HOSPITAL_WRITE: Access = Access::Org(&[(Hospital, &[Owner, Editor, Reviewer])]);

/// Every route of the API: the one table the server enforces and the matrix test walks.
pub const ROUTES: &[Route] = &[
    Route {
        method: "POST",
        path: "/api/v1/session",
        access: Access::Public,
        summary: "log in (e-mail, password): session cookie and CSRF token",
    },
    Route {
        method: "DELETE",
        path: "/api/v1/session",
        access: Access::SignedIn,
        summary: "log out (ends the session of the cookie)",
    },
    Route {
        method: "GET",
        path: "/api/v1/health",
        access: Access::Public,
        summary: "liveness: a fixed body, touching nothing (load balancers; the benchmark's floor)",
    },
    Route {
        method: "GET",
        path: "/api/v1/me",
        access: Access::SignedIn,
        summary: "the caller: user and memberships, or the token's organisation and role",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/products",
        access: VENDOR_READ,
        summary: "the vendor's products",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/products",
        access: VENDOR_WRITE,
        summary: "create a product",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/products/{product}/releases",
        access: VENDOR_READ,
        summary: "a product's releases",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/products/{product}/releases",
        access: VENDOR_WRITE,
        summary: "create a release",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/releases/{release}/documents",
        access: VENDOR_READ,
        summary: "a release's documents",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/releases/{release}/documents",
        access: VENDOR_WRITE,
        summary: "create a document with its draft (validated; findings returned)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}",
        access: VENDOR_READ,
        summary: "a document with its draft and findings",
    },
    Route {
        method: "PUT",
        path: "/api/v1/orgs/{org}/documents/{document}/draft",
        access: VENDOR_WRITE,
        summary: "replace the draft (validated; findings returned)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/versions",
        access: VENDOR_READ,
        summary: "published versions",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/documents/{document}/versions",
        access: Access::Org(&[(Vendor, &[Owner])]),
        summary: "publish the draft as the next version (findings frozen)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/versions/{version}",
        access: VENDOR_READ,
        summary: "one published version with content and findings",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/shares",
        access: VENDOR_READ,
        summary: "who the document is shared with",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/documents/{document}/shares",
        access: VENDOR_WRITE,
        summary: "share with a hospital",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/hospitals",
        access: VENDOR_READ,
        summary: "hospitals a vendor can share with",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/inbox",
        access: HOSPITAL_READ,
        summary: "received disclosures, newest version each",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions",
        access: HOSPITAL_READ,
        summary: "versions of a received document",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions/{version}",
        access: HOSPITAL_READ,
        summary: "one received version with content and findings",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/acknowledgements",
        access: HOSPITAL_READ,
        summary: "this hospital's acknowledgements of a document",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/received/{document}/acknowledgements",
        access: Access::Org(&[(Hospital, &[Owner, Reviewer])]),
        summary: "acknowledge a version (reviewed on, by)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/notifications",
        access: Access::Org(&[(Vendor, ALL), (Hospital, ALL)]),
        summary: "notifications of the organisation (and the caller), newest first: new versions, shares, requests, questions",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/notifications/{notification}/read",
        access: Access::Org(&[(Vendor, ALL), (Hospital, ALL)]),
        summary: "mark a notification read (body {\"read\": true})",
    },
    Route {
        method: "PUT",
        path: "/api/v1/orgs/{org}/questions/{question}/faq",
        access: VENDOR_WRITE,
        summary: "publish a question and its thread to every recipient of the document as a FAQ, or take it back",
    },
    Route {
        method: "PUT",
        path: "/api/v1/orgs/{org}/documents/{document}/terms",
        access: VENDOR_WRITE,
        summary: "set access terms (a new version; hospitals accept them before they read the content)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/acceptances",
        access: VENDOR_READ,
        summary: "every acceptance of the document's terms: who, when, from where",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/terms",
        access: HOSPITAL_READ,
        summary: "the received document's current access terms, and whether this hospital accepted them",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/received/{document}/terms/acceptances",
        access: Access::Org(&[(Hospital, &[Owner, Reviewer])]),
        summary: "accept the current access terms (kept with who, when, from where)",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/documents/{document}/links",
        access: VENDOR_WRITE,
        summary: "an expiring access link to the document for a hospital without an account (the secret shown once)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/links",
        access: VENDOR_READ,
        summary: "the document's live access links (never their secrets)",
    },
    Route {
        method: "GET",
        path: "/api/v1/links/{secret}",
        access: Access::Public,
        summary: "what an access link opens: the newest version (after its terms are accepted, if any)",
    },
    Route {
        method: "POST",
        path: "/api/v1/links/{secret}/acceptances",
        access: Access::Public,
        summary: "accept the linked document's terms under a name (kept with when and from where)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/diff",
        access: HOSPITAL_READ,
        summary: "what changed, from the version this hospital last acknowledged (or ?from=N) to the newest (or ?to=M)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/questions",
        access: VENDOR_READ,
        summary: "every question on one of the vendor's documents",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/questions",
        access: HOSPITAL_READ,
        summary: "this hospital's questions on a received document, and the FAQ",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/received/{document}/questions",
        access: Access::Org(&[(Hospital, &[Owner, Editor, Reviewer])]),
        summary: "ask about one item of a received version",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/questions/{question}",
        access: Access::Org(&[(Vendor, ALL), (Hospital, ALL)]),
        summary: "one question with its thread (the asking hospital, the vendor; FAQ: every recipient)",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/questions/{question}/messages",
        access: Access::Org(&[(Vendor, WRITERS), (Hospital, &[Owner, Editor, Reviewer])]),
        summary: "answer or follow up in a question's thread",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/requests",
        access: Access::Org(&[(Vendor, ALL), (Hospital, ALL)]),
        summary: "requests the hospital made or the vendor received",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/requests",
        access: Access::Org(&[(Hospital, &[Owner, Editor, Reviewer])]),
        summary: "ask a vendor for a disclosure (kind, due date)",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/requests/{request}/answer",
        access: VENDOR_WRITE,
        summary: "answer a request, with a document (shared at once) or without (null)",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/releases/{release}/documents/import",
        access: VENDOR_WRITE,
        summary: "create a document from a workbook (raw .xlsx body, ?file_name=, ?title=, ?sheet=): the draft with the importer's findings at their cells and the validator's; the workbook kept",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/documents/{document}/draft/import",
        access: VENDOR_WRITE,
        summary: "replace the draft from a workbook (raw .xlsx body, ?file_name=, ?sheet=); findings as on import; the workbook kept",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/draft/xlsx",
        access: VENDOR_READ,
        summary: "the draft as kaiji's workbook (?lang=en for English labels)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/versions/{version}/xlsx",
        access: VENDOR_READ,
        summary: "a published version as kaiji's workbook (?lang=en)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/workbooks",
        access: VENDOR_READ,
        summary: "the workbooks uploaded to the document (name, size, sha256), oldest first",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/workbooks/{workbook}",
        access: VENDOR_READ,
        summary: "an uploaded workbook, byte for byte as it was sent",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/attachments",
        access: VENDOR_READ,
        summary: "the document's attachments (name, media type, size, sha256), oldest first",
    },
    Route {
        method: "POST",
        path: "/api/v1/orgs/{org}/documents/{document}/attachments",
        access: VENDOR_WRITE,
        summary: "attach a file (raw body with its Content-Type, ?file_name=); carried by the versions published from now on",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/attachments/{attachment}",
        access: VENDOR_READ,
        summary: "one attachment's bytes (as an attachment download, nosniff)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/versions/{version}/attachments",
        access: VENDOR_READ,
        summary: "the attachments a published version carries (those attached when it was published), oldest first",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions/{version}/xlsx",
        access: HOSPITAL_READ,
        summary: "a received version as kaiji's workbook (?lang=en)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions/{version}/attachments",
        access: HOSPITAL_READ,
        summary: "the attachments of a received version (those attached when it was published), oldest first",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions/{version}/attachments/{attachment}",
        access: HOSPITAL_READ,
        summary: "one attachment of a received version (as an attachment download, nosniff)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/policies",
        access: HOSPITAL_READ,
        summary: "the hospital's stored policies by name, and the shipped ones a policy can start from",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/policies/{policy}",
        access: HOSPITAL_READ,
        summary: "one stored policy: its text, the policy read from it, its check's warnings",
    },
    Route {
        method: "PUT",
        path: "/api/v1/orgs/{org}/policies/{policy}",
        access: HOSPITAL_WRITE,
        summary: "store a policy (YAML, or {\"content\"} YAML/JSON, or {\"from\"} a shipped one), checked as kaiji policy check (422 with the place)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/inventory",
        access: HOSPITAL_READ,
        summary: "the hospital's system inventory",
    },
    Route {
        method: "PUT",
        path: "/api/v1/orgs/{org}/inventory",
        access: HOSPITAL_WRITE,
        summary: "store the system inventory (YAML, or {\"content\"}, or the inventory workbook as xlsx), read as kaiji checklist mhlw reads it (422 with the place or sheet!cell)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/risk-record",
        access: HOSPITAL_READ,
        summary: "the facility's risk record for the 別紙 lines",
    },
    Route {
        method: "PUT",
        path: "/api/v1/orgs/{org}/risk-record",
        access: HOSPITAL_WRITE,
        summary: "store the risk record (YAML, or {\"content\"}), read as kaiji betsushi --risk-record reads it (422 with the place)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/inbox/freshness",
        access: HOSPITAL_READ,
        summary: "the inbox with each entry's freshness: current / review due / expired, newer product version in the inventory",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions/{version}/review",
        access: HOSPITAL_READ,
        summary: "review a received version against a policy (?policy=, ?format=json|csv|html|pdf), as kaiji review",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/compare",
        access: HOSPITAL_READ,
        summary: "compare held disclosures (?documents=ID,ID@N; default all) against a policy (?format=json|csv|html|xlsx), as kaiji compare",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/checklist/mhlw",
        access: HOSPITAL_READ,
        summary: "the MHLW checklist lines from the inventory and held disclosures (?edition=R7|R8, ?format=json|csv|html|pdf|xlsx)",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/betsushi",
        access: HOSPITAL_READ,
        summary: "the GL 7.0 別紙 check of held disclosures with the stored risk record (?documents=, ?format=json|csv|html|pdf|xlsx), as kaiji betsushi",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/versions/{version}/risk",
        access: VENDOR_READ,
        summary: "the ISMS risk register of a published RSS profile (?format=json|xlsx|pdf|html), as kaiji rss risk",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/documents/{document}/versions/{version}/sla",
        access: VENDOR_READ,
        summary: "the SLA of a published RSS profile, terms to agree listed (?format=json|md|html|pdf), as kaiji rss sla",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions/{version}/risk",
        access: HOSPITAL_READ,
        summary: "the ISMS risk register of a received RSS profile, as kaiji rss risk",
    },
    Route {
        method: "GET",
        path: "/api/v1/orgs/{org}/received/{document}/versions/{version}/sla",
        access: HOSPITAL_READ,
        summary: "the SLA of a received RSS profile, terms to agree listed, as kaiji rss sla",
    },
    Route {
        method: "GET",
        path: "/api/openapi.json",
        access: Access::Public,
        summary: "the OpenAPI 3.1 document of this API (schemas/openapi.json)",
    },
];

/// The organisation a call acts for, and the caller's role in it.
#[derive(Debug, Clone)]
pub struct Acting {
    pub org: Organisation,
    pub role: Role,
}

/// Who is calling, as the gate resolved it; handlers get it only through the gate.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: Option<User>,
    pub token: Option<TokenGrant>,
    /// The session secret, when the caller came with the cookie.
    pub session: Option<Secret>,
    pub acting: Option<Acting>,
    pub address: String,
}

impl Caller {
    /// The audit context of a change made by this caller now.
    pub fn ctx(&self, now: Timestamp) -> Ctx {
        Ctx {
            user: self.user.as_ref().map(|u| u.id.clone()),
            org: self.acting.as_ref().map(|a| a.org.id.clone()),
            actor: match (&self.user, &self.token) {
                (Some(u), _) => u.email.clone(),
                (None, Some(t)) => format!("token:{}", t.token),
                (None, None) => "anonymous".to_owned(),
            },
            address: Some(self.address.clone()),
            now,
        }
    }

    /// The organisation of the path, which the gate checked.
    pub fn org(&self) -> Result<&OrgId, Problem> {
        self.acting
            .as_ref()
            .map(|a| &a.org.id)
            .ok_or_else(Problem::internal)
    }
}

/// The CSRF token of a session: bound to it (derived from its secret, which only the cookie holds),
/// the same on every server instance, nothing kept in memory.
pub fn csrf_token(session: &Secret) -> String {
    let address = kaiji_sign::ContentAddress::of_bytes(
        format!("kaiji-csrf\n{}", session.expose()).as_bytes(),
    );
    address.as_str().trim_start_matches("sha256:").to_owned()
}

/// Whether two strings are equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The route's entry in [`ROUTES`].
pub fn route_of(method: &Method, path: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|r| r.method == method.as_str() && r.path == path)
}

/// The middleware in front of every handler.
pub async fn gate(State(app): State<App>, mut req: Request, next: Next) -> Response {
    // What the gate reads, taken out of the request (whose body is not `Sync`) before it awaits.
    let seen = Seen {
        method: req.method().clone(),
        matched: req
            .extensions()
            .get::<MatchedPath>()
            .map(|p| p.as_str().to_owned()),
        path: req.uri().path().to_owned(),
        headers: req.headers().clone(),
        address: req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default(),
    };
    match admit(&app, seen).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(problem) => problem.into_response(),
    }
}

struct Seen {
    method: Method,
    matched: Option<String>,
    path: String,
    headers: HeaderMap,
    address: String,
}

async fn admit(app: &App, req: Seen) -> Result<Caller, Problem> {
    let matched = req.matched.as_deref().ok_or_else(Problem::internal)?;
    let route = route_of(&req.method, matched).ok_or_else(Problem::forbidden)?;
    let address = req.address.clone();
    let now = Timestamp::now();
    let headers = &req.headers;
    let mut caller = Caller {
        user: None,
        token: None,
        session: None,
        acting: None,
        address,
    };
    if let Some(token) = bearer(headers) {
        let grant = app
            .store
            .api_token(now, &Secret::from_presented(token))
            .await
            .map_err(|e| {
                if e.is_unavailable() {
                    Problem::unavailable()
                } else {
                    Problem::unauthorised()
                }
            })?;
        caller.token = Some(grant);
    } else if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        let secret = Secret::from_presented(secret);
        match app.store.session(now, &secret).await {
            Ok(session) => {
                caller.user = Some(session.user);
                caller.session = Some(secret);
            }
            Err(e) if e.is_unavailable() => return Err(Problem::unavailable()),
            // A stale cookie on the login route is no reason to refuse a new login.
            Err(_) if route.access == Access::Public => {}
            Err(_) => return Err(Problem::unauthorised()),
        }
    }
    let signed_in = caller.user.is_some() || caller.token.is_some();
    if route.access != Access::Public && !signed_in {
        return Err(Problem::unauthorised());
    }
    // Changes made with the cookie carry the session's CSRF token; bearer tokens are not sent by browsers
    // on their own, so they need none.
    let safe = matches!(req.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if let Some(session) = &caller.session
        && !safe
    {
        let presented = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !same(presented, &csrf_token(session)) {
            return Err(Problem::csrf());
        }
    }
    if let Access::Org(_) = route.access {
        // Every organisation route starts with /api/v1/orgs/{org} (a test checks it).
        let org: OrgId = req
            .path
            .split('/')
            .nth(4)
            .unwrap_or("")
            .parse()
            .map_err(|_| Problem::not_found("組織", "organisation"))?;
        let role = match (&caller.token, &caller.user) {
            (Some(grant), _) => (grant.org == org).then_some(grant.role),
            (None, Some(user)) => app.store.role_in(&org, &user.id).await?,
            (None, None) => None,
        };
        // Not a member: the same answer as an organisation that does not exist.
        let role = role.ok_or_else(|| Problem::not_found("組織", "organisation"))?;
        let org = app.store.organisation(&org).await?;
        if !route.access.allows(org.kind, role) {
            return Err(Problem::forbidden());
        }
        caller.acting = Some(Acting { org, role });
    }
    Ok(caller)
}

/// The permission table of [`ROUTES`] as Markdown (docs/permissions.md, kept current by a test).
pub fn permission_table() -> String {
    let roles = |kind: OrgKind, access: Access| -> String {
        match access {
            Access::Public => "anyone".to_owned(),
            Access::SignedIn => "signed in".to_owned(),
            Access::Org(_) => {
                let allowed: Vec<&str> = Role::ALL
                    .into_iter()
                    .filter(|r| access.allows(kind, *r))
                    .map(Role::as_str)
                    .collect();
                if allowed.is_empty() {
                    "—".to_owned()
                } else {
                    allowed.join(", ")
                }
            }
        }
    };
    let mut out = String::from(
        "# Permission table\n\n\
         Generated from `kaiji_server::gate::ROUTES`, the one table the server enforces (the gate middleware runs \
         before every handler); the test `matrix` walks every route × role × own organisation / foreign \
         organisation / no session and rewrites this file with `KAIJI_BLESS=1`.\n\n\
         Without a session or token every route but login answers 401. A member of another organisation (or \
         anyone naming an organisation they do not belong to) gets 404, the same as for an organisation that \
         does not exist; a member whose role (or organisation kind) the route does not allow gets 403. \
         Changes made with the session cookie need the session's `X-CSRF-Token` header (403 without it); \
         bearer API tokens need none.\n\n\
         | method | path | vendor roles | hospital roles | what |\n|---|---|---|---|---|\n",
    );
    for route in ROUTES {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            route.method,
            route.path,
            roles(Vendor, route.access),
            roles(Hospital, route.access),
            route.summary
        ));
    }
    out
}
