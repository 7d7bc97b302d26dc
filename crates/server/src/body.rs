//! JSON request bodies: the content type must be JSON (415), the body within the limit (413), and a body
//! that does not read names its place (400 with line and column), through kaiji's own JSON reader.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A JSON body read into `T`.
#[derive(Debug)]
pub(crate) struct Json<T>(pub(crate) T);

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !is_json(content_type) {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!(
                    "本文は application/json でなければなりません (Content-Type: {content_type:?})"
                ),
                format!("the body must be application/json (Content-Type: {content_type:?})"),
            ));
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
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Problem::bad_request(
                format!("本文が UTF-8 ではありません ({} バイト目)", e.valid_up_to()),
                format!("the body is not UTF-8 (at byte {})", e.valid_up_to()),
            )
        })?;
        kaiji_catalog::parse_json::<T>(text).map(Json).map_err(|e| {
            let mut problem = Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed-json",
                format!(
                    "JSON 本文{}: {}",
                    at(&e, kaiji_catalog::Lang::Ja),
                    e.message.ja
                ),
                format!(
                    "JSON body{}: {}",
                    at(&e, kaiji_catalog::Lang::En),
                    e.message.en
                ),
            );
            problem.location = e.position.map(|p| Box::new(p.text()));
            problem
        })
    }
}

fn at(e: &kaiji_catalog::SyntaxError, lang: kaiji_catalog::Lang) -> String {
    e.position
        .map(|p| format!(" {}", p.text().get(lang)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json(""));
        assert!(!is_json("application/jsonp"));
    }
}
