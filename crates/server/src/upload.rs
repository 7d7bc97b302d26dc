//! Uploads and downloads of files: raw request bodies (the bytes of the file, its media type in
//! `Content-Type`, its name in `?file_name=`), the checks on file names, and the headers of a download.
//!
//! A raw body rather than `multipart/form-data`: an API client sends one file per request anyway, the body
//! limit is then the file's own size, the content type is the file's (so a wrong one is a plain 415), and
//! there is no multipart parser (boundaries, part headers, nested names) to get wrong or to feed a hostile
//! request. A browser sends the same with `fetch(url, {method: "POST", body: file})`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::problem::Problem;

/// The spreadsheet formats the importer reads, by media type, with the file extension of each.
pub(crate) const WORKBOOK_TYPES: &[(&str, &str)] = &[
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    ("application/vnd.ms-excel.sheet.macroenabled.12", "xlsm"),
    ("application/vnd.ms-excel", "xls"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
];

/// The media type of the workbooks kaiji writes.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The longest file name kept, in bytes of UTF-8 (what most file systems allow).
const MAX_FILE_NAME_BYTES: usize = 255;

/// What an upload route accepts as its body.
pub(crate) trait Accepts {
    /// The media type to keep, from the request's `Content-Type` (absent: `""`), or the 415 answer.
    fn media_type(content_type: &str) -> Result<String, Problem>;
}

/// A workbook in one of [`WORKBOOK_TYPES`].
#[derive(Debug)]
pub(crate) struct Workbook;

/// Any file with a well-formed media type (an attachment).
#[derive(Debug)]
pub(crate) struct AnyFile;

/// The part before the parameters, lower case.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a `Content-Type` names one of [`WORKBOOK_TYPES`].
pub(crate) fn is_workbook(content_type: &str) -> bool {
    let essence = essence(content_type);
    WORKBOOK_TYPES.iter().any(|(t, _)| *t == essence)
}

impl Accepts for Workbook {
    fn media_type(content_type: &str) -> Result<String, Problem> {
        if is_workbook(content_type) {
            return Ok(essence(content_type));
        }
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!(
                "本文はワークブック (Content-Type: {XLSX}、.xlsm・.xls・.ods の型も可) でなければなりません (Content-Type: {content_type:?})"
            ),
            format!(
                "the body must be a workbook (Content-Type: {XLSX}, or the type of an .xlsm, .xls or .ods) (Content-Type: {content_type:?})"
            ),
        ))
    }
}

/// A token character of RFC 9110 (type and subtype of a media type).
fn is_token(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

impl Accepts for AnyFile {
    fn media_type(content_type: &str) -> Result<String, Problem> {
        let essence = essence(content_type);
        let well_formed = essence.len() <= 100
            && essence.split_once('/').is_some_and(|(t, s)| {
                !t.is_empty() && !s.is_empty() && t.chars().all(is_token) && s.chars().all(is_token)
            });
        if well_formed {
            return Ok(essence);
        }
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!(
                "本文のファイルの種類を Content-Type で示してください (例: application/pdf) (Content-Type: {content_type:?})"
            ),
            format!(
                "say the file's media type in Content-Type (e.g. application/pdf) (Content-Type: {content_type:?})"
            ),
        ))
    }
}

/// A raw upload: its media type (checked by `A` before the body is read) and its bytes (within the
/// route's body limit, else 413).
#[derive(Debug)]
pub(crate) struct Upload<A> {
    pub(crate) media_type: String,
    pub(crate) bytes: Bytes,
    accepts: std::marker::PhantomData<A>,
}

impl<S: Send + Sync, A: Accepts> FromRequest<S> for Upload<A> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media_type = A::media_type(content_type)?;
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                Problem::bad_request("本文を読めません", "the body could not be read")
            }
        })?;
        Ok(Self {
            media_type,
            bytes,
            accepts: std::marker::PhantomData,
        })
    }
}

pub(crate) fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "アップロードが大きすぎます",
        "the upload is too large",
    )
}

/// The query of a request, or 400 naming what does not read.
pub(crate) fn query<T: serde::de::DeserializeOwned>(uri: &axum::http::Uri) -> Result<T, Problem> {
    axum::extract::Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| {
            Problem::bad_request(
                format!("クエリを読めません: {}", e.body_text()),
                format!("the query does not read: {}", e.body_text()),
            )
        })
}

/// Characters that change how a name reads without being seen (bidirectional overrides and isolates,
/// zero-width characters, the byte-order mark): `invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn bad_file_name(ja: &str, en: &str, name: &str) -> Problem {
    let shown: String = name.chars().take(80).collect();
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad-file-name",
        format!("ファイル名 {shown:?} は使えません: {ja}"),
        format!("file name {shown:?} is refused: {en}"),
    )
}

/// The file name to keep: a bare name as given (Japanese, emoji and spaces inside are fine), or the
/// answer why not. Names are refused rather than repaired, so that what is kept is what the client
/// sent: a path (`/`, `\`, `:`, `.`, `..`), NUL and other control characters, invisible characters that
/// disguise a name, leading or trailing spaces and trailing dots, and more than 255 bytes.
pub(crate) fn file_name(name: &str) -> Result<String, Problem> {
    if name.trim().is_empty() {
        return Err(bad_file_name("空です", "it is empty", name));
    }
    if name.len() > MAX_FILE_NAME_BYTES {
        return Err(bad_file_name(
            &format!(
                "{} バイトあります (上限 {MAX_FILE_NAME_BYTES} バイト)",
                name.len()
            ),
            &format!(
                "it is {} bytes long (at most {MAX_FILE_NAME_BYTES})",
                name.len()
            ),
            name,
        ));
    }
    if name.contains(['/', '\\', ':']) || name == "." || name == ".." {
        return Err(bad_file_name(
            "パスではなくファイル名だけを指定してください",
            "give a bare file name, not a path",
            name,
        ));
    }
    if name.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(bad_file_name(
            "制御文字または見えない文字を含みます",
            "it contains a control or invisible character",
            name,
        ));
    }
    if name.starts_with(' ') || name.ends_with([' ', '.']) {
        return Err(bad_file_name(
            "先頭・末尾の空白や末尾の . は使えません",
            "it starts or ends with a space, or ends with a dot",
            name,
        ));
    }
    Ok(name.to_owned())
}

/// A name for a file the server writes (an exported workbook) from a title: every character a file name
/// may not hold becomes `_`, and it is cut to fit.
pub(crate) fn download_name(stem: &str, extension: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || is_invisible(c) || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let name_trimmed = name.trim().trim_end_matches('.').to_owned();
    name = if name_trimmed.is_empty() {
        "kaiji".to_owned()
    } else {
        name_trimmed
    };
    while name.len() + extension.len() + 1 > MAX_FILE_NAME_BYTES {
        name.pop();
    }
    format!("{name}.{extension}")
}

/// `Content-Disposition: attachment` with the name as RFC 6266 says: an ASCII `filename` (other
/// characters as `_`) for old clients and the exact name in `filename*` (UTF-8, percent-encoded).
pub(crate) fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "!#$&+-.^_`|~".contains(c) {
            encoded.push(c);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file to download: its bytes with its media type, as an attachment (never shown in the page),
/// never sniffed, sandboxed if a browser opens it anyway, and its content address as the ETag.
pub(crate) fn download(bytes: Vec<u8>, media_type: &str, name: &str) -> Result<Response, Problem> {
    let etag = format!(
        "\"{}\"",
        kaiji_sign::ContentAddress::of_bytes(&bytes).as_str()
    );
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers: &mut HeaderMap = response.headers_mut();
    let value = |text: &str| HeaderValue::from_str(text).map_err(|_| Problem::internal());
    headers.insert(header::CONTENT_TYPE, value(media_type)?);
    headers.insert(
        header::CONTENT_DISPOSITION,
        value(&content_disposition(name))?,
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    headers.insert(header::ETAG, value(&etag)?);
    Ok(response)
}

/// A JSON answer.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Response, Problem> {
    let bytes = serde_json::to_vec(value).map_err(|_| Problem::internal())?;
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// An id from the path: one that does not parse is not found, like any id that is not the caller's.
pub(crate) fn id<T: std::str::FromStr>(text: &str, ja: &str, en: &str) -> Result<T, Problem> {
    text.parse().map_err(|_| Problem::not_found(ja, en))
}

/// A version number from the path.
pub(crate) fn version_number(text: &str) -> Result<i64, Problem> {
    text.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| Problem::not_found("版", "version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_bare_or_refused() {
        for good in [
            "mds.xlsx",
            "開示書 2026年版.xlsx",
            "😀 evidence.pdf",
            "a'b;--.csv",
            ".hidden",
        ] {
            assert_eq!(file_name(good).unwrap(), good);
        }
        let long = "あ".repeat(86);
        for bad in [
            "../../etc/passwd",
            "..",
            ".",
            "a/b",
            "a\\b",
            "C:x.xlsx",
            "a\0b",
            "a\nb",
            "a\u{7f}b",
            "invoice\u{202E}fdp.exe",
            "",
            "   ",
            " x",
            "x ",
            "x.",
            long.as_str(),
        ] {
            let problem = file_name(bad).unwrap_err();
            assert_eq!(
                (problem.status.as_u16(), problem.code),
                (422, "bad-file-name"),
                "{bad:?}"
            );
        }
        assert!(file_name(&"あ".repeat(85)).is_ok(), "255 bytes is fine");
    }

    #[test]
    fn content_disposition_is_rfc_6266() {
        assert_eq!(
            content_disposition("開示 1.xlsx"),
            "attachment; filename=\"__ 1.xlsx\"; filename*=UTF-8''%E9%96%8B%E7%A4%BA%201.xlsx"
        );
        assert_eq!(
            content_disposition("a\"b%.pdf"),
            "attachment; filename=\"a_b_.pdf\"; filename*=UTF-8''a%22b%25.pdf"
        );
    }

    #[test]
    fn download_names_are_files() {
        assert_eq!(
            download_name("MDS / v2: 最新?", "xlsx"),
            "MDS _ v2_ 最新_.xlsx"
        );
        assert_eq!(download_name(" .. ", "xlsx"), "kaiji.xlsx");
        assert!(download_name(&"x".repeat(400), "xlsx").len() <= 255);
    }

    #[test]
    fn media_types() {
        assert!(Workbook::media_type(XLSX).is_ok());
        assert!(Workbook::media_type("Application/VND.ms-excel; x=1").is_ok());
        assert!(Workbook::media_type("application/json").is_err());
        assert!(Workbook::media_type("").is_err());
        assert_eq!(
            AnyFile::media_type("application/PDF").unwrap(),
            "application/pdf"
        );
        assert!(AnyFile::media_type("").is_err());
        assert!(AnyFile::media_type("text/plain\r\nx: y").is_err());
        assert!(AnyFile::media_type("no-slash").is_err());
    }
}
