//! Every error the API answers, as RFC 9457 problem details (`application/problem+json`): one
//! `IntoResponse`, library error kinds mapped to statuses, kaiji's finding codes where there are findings.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kaiji_catalog::{ErrorKind, Text};
use kaiji_model::Finding;
use serde::Serialize;

/// A problem answer: status, a stable kebab-case code (its `type` is `/problems/<code>`), the message in
/// both languages (`detail` is the Japanese one), and where the input was wrong or what it found.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Box<Text>,
    /// `line 3 column 5` of a JSON body, when the problem is there.
    pub location: Option<Box<Text>>,
    /// Validation findings (their codes are `kaiji explain`'s).
    pub findings: Vec<Finding>,
    /// The access terms to accept, when that is what stands in the way.
    pub terms: Option<Box<serde_json::Value>>,
}

/// An RFC 9457 problem document as kaiji writes it (`application/problem+json`): the members of RFC 9457
/// and kaiji's stable `code`, the message in both languages, the place and the findings where there are.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "Problem")]
pub(crate) struct Body<'a> {
    /// `/problems/<code>`.
    #[serde(rename = "type")]
    kind: String,
    /// The HTTP status's reason phrase.
    title: &'a str,
    status: u16,
    /// The Japanese message.
    detail: &'a str,
    /// kaiji's stable kebab-case code (`not-found`, `malformed-json`, `csrf-token`, …).
    code: &'a str,
    message: &'a Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a Text>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    findings: &'a [Finding],
    /// The access terms to accept, when that is what stands in the way.
    #[serde(skip_serializing_if = "Option::is_none")]
    terms: Option<&'a serde_json::Value>,
}

/// The schema of every problem answer (for the OpenAPI document).
pub(crate) type ProblemDoc = Body<'static>;

impl Problem {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            message: Box::new(Text::new(ja, en)),
            location: None,
            findings: Vec::new(),
            terms: None,
        }
    }

    pub fn unauthorised() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorised",
            "ログインしていないか、セッションまたはトークンが無効です",
            "not signed in, or the session or token is not valid",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "この組織でのあなたの役割では、この操作はできません",
            "your role in this organisation does not allow this",
        )
    }

    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf-token",
            "CSRF トークン (X-CSRF-Token ヘッダー) がないか、このセッションのものではありません",
            "the CSRF token (header X-CSRF-Token) is missing or not this session's",
        )
    }

    /// An id that is not the caller's: the same answer whether it exists elsewhere or not at all.
    pub fn not_found(ja: &str, en: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{ja}が見つかりません"),
            format!("{en} not found"),
        )
    }

    pub fn bad_request(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", ja, en)
    }

    /// The database cannot be reached (or no connection came within the pool's acquire timeout): 503
    /// with `Retry-After`.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database-unavailable",
            "データベースに接続できません。しばらくしてから再試行してください",
            "the database cannot be reached; try again later",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "サーバー内部のエラーです",
            "internal server error",
        )
    }
}

impl From<kaiji_store::Error> for Problem {
    fn from(e: kaiji_store::Error) -> Self {
        if e.is_unavailable() {
            return Self::unavailable();
        }
        let (status, code) = match e.kind() {
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found"),
            ErrorKind::Conflict => (StatusCode::CONFLICT, "conflict"),
            ErrorKind::BadInput => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-input"),
            ErrorKind::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
            ErrorKind::Unsupported => (StatusCode::UNPROCESSABLE_ENTITY, "unsupported"),
            _ => return Self::internal(),
        };
        Self {
            status,
            code,
            message: Box::new(e.text()),
            location: None,
            findings: Vec::new(),
            terms: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = Body {
            kind: format!("/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("error"),
            status: self.status.as_u16(),
            detail: &self.message.ja,
            code: self.code,
            message: &self.message,
            location: self.location.as_deref(),
            findings: &self.findings,
            terms: self.terms.as_deref(),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.status, bytes).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // The database is away: a client may try again in a few seconds.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}
