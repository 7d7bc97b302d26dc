//! Pages of every list the API answers: `?limit=` (default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]) and
//! `?cursor=` (the `next` of the previous page, opaque), answered as `{"items": […], "next": …|null}`.
//! The store pages by keyset on (creation time, id), so rows added meanwhile never repeat or shift a
//! later page. A bad limit or cursor is a 400 problem, never a silently different page.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use kaiji_store::{Cursor, Page, Paged};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// Items in a page when the query names no limit.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest page.
pub const MAX_LIMIT: u32 = 200;

#[derive(Debug, Deserialize)]
struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// A cursor that is not a `next` this server handed out (for this list).
pub(crate) fn bad_cursor() -> Problem {
    Problem::new(
        axum::http::StatusCode::BAD_REQUEST,
        "bad-cursor",
        "cursor は前のページの next をそのまま渡してください",
        "cursor must be the next of a previous page, as it was given",
    )
}

/// The page a list request asks for (an extractor).
#[derive(Debug)]
pub(crate) struct Paging(pub(crate) Page);

impl Paging {
    fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Page, Problem> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|l| (1..=MAX_LIMIT).contains(l))
                .ok_or_else(|| {
                    Problem::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "bad-limit",
                        format!("limit は 1 から {MAX_LIMIT} までの整数です ({text:?})"),
                        format!("limit is a whole number from 1 to {MAX_LIMIT} ({text:?})"),
                    )
                })?,
        };
        let after = cursor
            .map(|text| Cursor::decode(text).map_err(|_| bad_cursor()))
            .transpose()?;
        Ok(Page {
            limit: Some(limit),
            after,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let Query(query) = Query::<PageQuery>::try_from_uri(&parts.uri).map_err(|_| {
            Problem::bad_request(
                "クエリ文字列を読めません",
                "the query string could not be read",
            )
        })?;
        Self::parse(query.limit.as_deref(), query.cursor.as_deref()).map(Self)
    }
}

/// One page of a list: its items and the cursor of the next page (null on the last).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Page_of_{T}")]
pub(crate) struct PageOf<T> {
    pub(crate) items: Vec<T>,
    /// Pass as `?cursor=` for the next page; null when this is the last.
    pub(crate) next: Option<String>,
}

impl<T> PageOf<T> {
    pub(crate) fn of<U>(paged: Paged<U>, map: impl FnMut(U) -> T) -> Self {
        Self {
            items: paged.items.into_iter().map(map).collect(),
            next: paged.next.as_ref().map(Cursor::encode),
        }
    }
}

impl<T> From<Paged<T>> for PageOf<T> {
    fn from(paged: Paged<T>) -> Self {
        Self::of(paged, |t| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_cursors() {
        assert_eq!(Paging::parse(None, None).unwrap().limit, Some(50));
        assert_eq!(Paging::parse(Some("200"), None).unwrap().limit, Some(200));
        for bad in ["0", "201", "-1", "x", "", "1e3", "99999999999"] {
            let problem = Paging::parse(Some(bad), None).unwrap_err();
            assert_eq!((problem.status.as_u16(), problem.code), (400, "bad-limit"));
        }
        for bad in ["", "garbage", "zz.abc", "-1.abc", "1.", "1.a'b", "1.a b"] {
            let problem = Paging::parse(None, Some(bad)).unwrap_err();
            assert_eq!((problem.status.as_u16(), problem.code), (400, "bad-cursor"));
        }
        let cursor = Cursor {
            at: 1_700_000_000_000,
            id: "0193abc".into(),
        };
        let page = Paging::parse(None, Some(&cursor.encode())).unwrap();
        assert_eq!(page.after, Some(cursor));
    }
}
