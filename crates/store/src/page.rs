//! Pages of lists: keyset pagination on (creation time, id), so that a page is one index range scan
//! whatever its depth, and rows inserted meanwhile never shift or repeat the rows of later pages.

use crate::{Error, Result};
use sqlx::Row;
use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::Query;

/// The longest `id` of a cursor: an id, or the hex of a name of up to 200 characters (4 bytes each) for
/// the lists kept in name order.
const MAX_KEY: usize = 2 * 4 * 200;

/// Where a page starts: after the row with this creation time (Unix milliseconds) and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: String,
}

impl Cursor {
    /// The opaque text a client sends back (`?cursor=`).
    pub fn encode(&self) -> String {
        format!("{:x}.{}", self.at, self.id)
    }

    /// Reads [`Cursor::encode`]'s text; anything else is bad input.
    pub fn decode(text: &str) -> Result<Self> {
        let bad = || Error::BadInput(format!("cursor {text:?} is not one this server handed out"));
        let (at, id) = text.split_once('.').ok_or_else(bad)?;
        let at = i64::from_str_radix(at, 16).map_err(|_| bad())?;
        if at < 0
            || id.is_empty()
            || id.len() > MAX_KEY
            || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(bad());
        }
        Ok(Self {
            at,
            id: id.to_owned(),
        })
    }
}

/// Which page of a list to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// How many rows at most (`None`: all of them, for callers inside the server).
    pub limit: Option<u32>,
    /// After which row; `None` is the first page.
    pub after: Option<Cursor>,
}

impl Page {
    /// Every row, in one page.
    pub const ALL: Self = Self {
        limit: None,
        after: None,
    };

    /// The first `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self {
            limit: Some(limit),
            after: None,
        }
    }

    /// The keyset condition and order, for a query whose own parameters end at `$from - 1`:
    /// ` AND (at, id) after the cursor ORDER BY at, id LIMIT n+1` (newest first reverses both).
    pub(crate) fn sql(&self, at: &str, id: &str, from: usize, newest_first: bool) -> String {
        let (cmp, dir) = if newest_first {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        let (a, b, c, n) = (from, from + 1, from + 2, from + 3);
        format!(
            " AND ({at} {cmp} ${a} OR ({at} = ${b} AND {id} {cmp} ${c})) \
             ORDER BY {at} {dir}, {id} {dir} LIMIT ${n}"
        )
    }

    /// Binds the parameters of [`Page::sql`].
    pub(crate) fn bind<'q>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
        newest_first: bool,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        let (at, id) = match (&self.after, newest_first) {
            (Some(c), _) => (c.at, c.id.clone()),
            // Before every row: ids are hex digits and numbers, which sort after "" and before "~".
            (None, false) => (i64::MIN, String::new()),
            (None, true) => (i64::MAX, "~".to_owned()),
        };
        let limit = self.limit.map_or(i64::MAX, |l| i64::from(l) + 1);
        query.bind(at).bind(at).bind(id).bind(limit)
    }

    /// The page of `rows` (read with one more than the limit, with the key columns of
    /// [`Page::columns`]): the rows of this page and the cursor of the next.
    pub(crate) fn finish(&self, mut rows: Vec<AnyRow>) -> Result<(Vec<AnyRow>, Option<Cursor>)> {
        let next = match self.limit {
            Some(limit) if rows.len() > limit as usize => {
                rows.truncate(limit as usize);
                match rows.last() {
                    Some(row) => Some(Cursor {
                        at: row.try_get("page_at")?,
                        id: row.try_get("page_id")?,
                    }),
                    None => None,
                }
            }
            _ => None,
        };
        Ok((rows, next))
    }

    /// The key columns [`Page::finish`] reads, to add to the SELECT list.
    pub(crate) fn columns(at: &str, id: &str) -> String {
        format!(", {at} AS page_at, {id} AS page_id")
    }

    /// For a list kept in the order of a unique name (which has no creation time to key on): the keyset
    /// condition and order on `name`, for a query whose own parameters end at `$from - 1`. The cursor
    /// carries the name in hex, so that it stays in the cursor's alphabet whatever the name holds.
    pub(crate) fn sql_by_name(&self, name: &str, from: usize) -> String {
        let n = from + 1;
        format!(" AND {name} > ${from} ORDER BY {name} LIMIT ${n}")
    }

    /// Binds the parameters of [`Page::sql_by_name`]; a cursor that holds no name is bad input.
    pub(crate) fn bind_by_name<'q>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Result<Query<'q, Any, AnyArguments<'q>>> {
        // Names are never empty, so "" is before every one.
        let after = match &self.after {
            Some(cursor) => name_of(cursor)?,
            None => String::new(),
        };
        let limit = self.limit.map_or(i64::MAX, |l| i64::from(l) + 1);
        Ok(query.bind(after).bind(limit))
    }

    /// The page of `names` (read with one more than the limit by [`Page::sql_by_name`]).
    pub(crate) fn finish_by_name(&self, mut names: Vec<String>) -> (Vec<String>, Option<Cursor>) {
        let next = match self.limit {
            Some(limit) if names.len() > limit as usize => {
                names.truncate(limit as usize);
                names.last().map(|name| Cursor {
                    at: 0,
                    id: crate::ids::hex(name.as_bytes()),
                })
            }
            _ => None,
        };
        (names, next)
    }
}

/// The name a cursor of [`Page::finish_by_name`] carries.
fn name_of(cursor: &Cursor) -> Result<String> {
    let bad = || Error::BadInput("the cursor is not one of this list".into());
    let hex = cursor.id.as_bytes();
    if cursor.at != 0 || !hex.len().is_multiple_of(2) {
        return Err(bad());
    }
    let bytes = hex
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    String::from_utf8(bytes).map_err(|_| bad())
}

/// One page of a list and where the next starts (`None`: this was the last).
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_survive_the_cursor() {
        let page = Page::first(1);
        for name in ["院内方針", "a b/c?d=e&f", &"長".repeat(200)] {
            let (_, next) = page.finish_by_name(vec![name.to_owned(), "z".to_owned()]);
            let text = next.expect("a second page").encode();
            let cursor = Cursor::decode(&text).unwrap();
            assert_eq!(name_of(&cursor).unwrap(), name);
        }
        let (names, next) = page.finish_by_name(vec!["only".to_owned()]);
        assert_eq!((names.len(), next), (1, None));
        for bad in ["0.abc", "1.6162", "0.ff", "0.zz"] {
            assert!(name_of(&Cursor::decode(bad).unwrap()).is_err(), "{bad}");
        }
    }
}
