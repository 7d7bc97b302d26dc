//! `kaiji publish` and `kaiji pull`: a vendor's pipeline and a hospital's copy, over the REST API of
//! `kaiji serve` (`/api/v1`, an API token as the bearer). The server validates and keeps, the model
//! computes the diff; this module talks HTTP and presents what they return.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::{Disclosure, Location, Severity, disclosure::ChangeKind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use strum::IntoEnumIterator;

use crate::cli::{Format, PublishArgs, PullArgs, RemoteArgs};
use crate::output::Out;
use crate::{Outcome, UserError};

/// The largest answer kaiji reads from a server (a disclosure is well below a megabyte).
const MAX_RESPONSE_BYTES: usize = 64 << 20;
/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(120);
/// The file in a pull's directory that remembers what the last pull wrote.
pub(crate) const PULL_STATE: &str = ".kaiji-pull.json";

/// Why a call to the server did not give an answer.
enum Failure {
    /// The server answered with a problem document (RFC 9457).
    Problem {
        status: u16,
        code: String,
        message: Text,
    },
    /// Anything else: unreachable, not JSON, too large.
    Other(UserError),
}

impl Failure {
    fn into_user_error(self, server: &str) -> UserError {
        match self {
            Self::Problem {
                status,
                code,
                message,
            } => UserError::new(
                format!("{server}: {} ({code}, HTTP {status})", message.ja),
                format!("{server}: {} ({code}, HTTP {status})", message.en),
            ),
            Self::Other(e) => e,
        }
    }
}

/// The server and the token every call presents.
struct Remote {
    client: reqwest::Client,
    /// `https://host[:port]`, without a trailing `/` or `/api/v1`.
    base: String,
    token: String,
}

/// The server's URL as the user gave it (`https://host`, `http://host:8080/`, or the `…/api/v1`
/// that `kaiji serve` prints), without its trailing `/` and `/api/v1`.
fn base_url(text: &str) -> Result<String, UserError> {
    let bad = |why_ja: &str, why_en: &str| {
        UserError::new(
            format!("--server {text:?}: {why_ja}"),
            format!("--server {text:?}: {why_en}"),
        )
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|e| {
        bad(
            &format!("URL として読めません ({e})"),
            &format!("not a URL ({e})"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            "http:// か https:// の URL を指定してください",
            "give an http:// or https:// URL",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(bad(
            "URL に問い合わせ・フラグメント・ユーザー名は付けられません",
            "the URL may not carry a query, a fragment or a user name",
        ));
    }
    let mut base = url.as_str().trim_end_matches('/').to_owned();
    if let Some(stripped) = base.strip_suffix("/api/v1") {
        base = stripped.to_owned();
    }
    Ok(base)
}

/// The token from `--token`, else from `KAIJI_TOKEN`.
fn token(args: &RemoteArgs) -> Result<String, UserError> {
    args.token
        .clone()
        .or_else(|| std::env::var("KAIJI_TOKEN").ok())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            UserError::new(
                "API トークンがありません: --token か環境変数 KAIJI_TOKEN で渡してください",
                "no API token: give --token or set the environment variable KAIJI_TOKEN",
            )
        })
}

/// The reason of a failed request, its causes included (reqwest's own text is one line of context).
fn reasons(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl Remote {
    fn new(args: &RemoteArgs) -> Result<Self, UserError> {
        let base = base_url(&args.server)?;
        let token = token(args)?;
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(15))
            // An API answers where it was asked; a redirect is shown as the error it is, and the token is
            // never carried to another address.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kaiji/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                UserError::new(
                    format!("HTTP クライアントを作れません: {}", reasons(&e)),
                    format!("cannot make the HTTP client: {}", reasons(&e)),
                )
            })?;
        Ok(Self {
            client,
            base,
            token,
        })
    }

    /// One call: the JSON answer, or why there is none.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Failure> {
        let url = format!("{}/api/v1{path}", self.base);
        let mut request = self
            .client
            .request(method, &url)
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let server = &self.base;
        let mut response = request.send().await.map_err(|e| {
            Failure::Other(if e.is_connect() {
                UserError::new(
                    format!(
                        "{server} に接続できません(サーバーが動いていないか、アドレスが違います): {}",
                        reasons(&e)
                    ),
                    format!(
                        "cannot connect to {server} (is the server running, is the address right?): {}",
                        reasons(&e)
                    ),
                )
            } else if e.is_timeout() {
                UserError::new(
                    format!("{server} が {} 秒以内に応答しません", TIMEOUT.as_secs()),
                    format!("{server} did not answer within {} s", TIMEOUT.as_secs()),
                )
            } else {
                UserError::new(
                    format!("{server}: 通信できません: {}", reasons(&e)),
                    format!("{server}: the request failed: {}", reasons(&e)),
                )
            })
        })?;
        let status = response.status();
        let mut bytes = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|e| {
                Failure::Other(UserError::new(
                    format!("{server}: 応答を読めません: {}", reasons(&e)),
                    format!("{server}: cannot read the answer: {}", reasons(&e)),
                ))
            })?;
            let Some(chunk) = chunk else { break };
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(Failure::Other(UserError::new(
                    format!(
                        "{server}: 応答が {} MiB を超えます",
                        MAX_RESPONSE_BYTES >> 20
                    ),
                    format!(
                        "{server}: the answer is larger than {} MiB",
                        MAX_RESPONSE_BYTES >> 20
                    ),
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        if status.is_success() {
            return parsed.ok_or_else(|| {
                Failure::Other(UserError::new(
                    format!("{server}: 応答が JSON ではありません (HTTP {status})"),
                    format!("{server}: the answer is not JSON (HTTP {status})"),
                ))
            });
        }
        #[derive(Deserialize)]
        struct ProblemBody {
            code: String,
            message: Text,
        }
        if let Some(problem) = parsed.and_then(|v| serde_json::from_value::<ProblemBody>(v).ok()) {
            return Err(Failure::Problem {
                status: status.as_u16(),
                code: problem.code,
                message: problem.message,
            });
        }
        // Not kaiji's problem document (a proxy, another program): the status and the start of the body.
        let text = String::from_utf8_lossy(&bytes);
        let start: String = text.chars().take(200).collect();
        Err(Failure::Other(UserError::new(
            format!("{server}: HTTP {status}: {}", start.trim()),
            format!("{server}: HTTP {status}: {}", start.trim()),
        )))
    }

    async fn get(&self, path: &str) -> Result<Value, UserError> {
        self.call(reqwest::Method::GET, path, None)
            .await
            .map_err(|f| f.into_user_error(&self.base))
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, UserError> {
        self.call(method, path, Some(body))
            .await
            .map_err(|f| f.into_user_error(&self.base))
    }

    /// The organisation the token acts for, and its kind; refused when it is not `kind`.
    async fn organisation(&self, kind: &str) -> Result<(String, String), UserError> {
        let me = self.get("/me").await?;
        let membership = &me["memberships"][0];
        let (Some(org), Some(found)) = (membership["org"].as_str(), membership["kind"].as_str())
        else {
            return Err(UserError::new(
                format!(
                    "{}: API トークンで組織が分かりません (セッションではなく API トークンを渡してください)",
                    self.base
                ),
                format!(
                    "{}: the answer names no organisation for this token (give an API token, not a session)",
                    self.base
                ),
            ));
        };
        if found != kind {
            let name = membership["name"].as_str().unwrap_or(org);
            let (ja, en) = match kind {
                "vendor" => ("公開はベンダーの", "publishing needs a vendor's"),
                _ => ("取得は病院の", "pulling needs a hospital's"),
            };
            return Err(UserError::new(
                format!("{ja} API トークンが必要です (このトークンは {found} の組織 {name})"),
                format!("{en} API token (this one is of the {found} organisation {name})"),
            ));
        }
        Ok((
            org.to_owned(),
            membership["name"].as_str().unwrap_or(org).to_owned(),
        ))
    }
}

/// A finding as the server sent it (the model's `Finding`, serialised).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RemoteFinding {
    code: String,
    severity: Severity,
    #[serde(default)]
    location: RemoteLocation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    item: Option<String>,
    message: Text,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RemoteLocation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sheet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
}

impl RemoteFinding {
    fn line(&self, out: &Out) -> String {
        let location = Location {
            file: self.location.file.clone(),
            pointer: self.location.pointer.clone(),
            sheet: self.location.sheet.clone(),
            cell: self.location.cell.clone(),
        };
        format!(
            "{location}: {}[{}]: {}",
            out.t(&self.severity.label()),
            self.code,
            out.t(&self.message)
        )
    }
}

fn findings_of(value: &Value, server: &str) -> Result<Vec<RemoteFinding>, UserError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        UserError::new(
            format!("{server}: 指摘の一覧が読めません: {e}"),
            format!("{server}: the findings do not read: {e}"),
        )
    })
}

fn field<'a>(value: &'a Value, name: &str, server: &str) -> Result<&'a Value, UserError> {
    value.get(name).ok_or_else(|| {
        UserError::new(
            format!("{server}: 応答に {name} がありません"),
            format!("{server}: the answer has no {name}"),
        )
    })
}

fn text_field(value: &Value, name: &str, server: &str) -> Result<String, UserError> {
    field(value, name, server)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            UserError::new(
                format!("{server}: 応答の {name} が文字列ではありません"),
                format!("{server}: {name} in the answer is not a string"),
            )
        })
}

/// An id given on the command line goes into a URL path: only the characters ids are made of.
fn path_id(option: &str, id: &str) -> Result<String, UserError> {
    if !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(id.to_owned())
    } else {
        Err(UserError::new(
            format!("{option} {id:?}: ID ではありません"),
            format!("{option} {id:?}: not an id"),
        ))
    }
}

/// What `kaiji publish --format json` prints.
#[derive(Serialize)]
struct PublishReport {
    file: String,
    document: String,
    created: bool,
    findings: Vec<RemoteFinding>,
    /// The published version (null when the findings refused it).
    published: Option<Value>,
    /// What changed from the previous version (null for version 1 and when refused).
    diff: Option<kaiji_model::api::DiffReport>,
}

pub(crate) fn publish(
    args: &PublishArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let file = args.file.display().to_string();
    let text = crate::files::read_text(&args.file)?;
    // The content as written (unknown fields kept), and as the model reads it (kind, diff).
    let content: Value = serde_json::from_str(&text).map_err(|e| {
        UserError::new(
            format!(
                "{file}: {} 行 {} 列: JSON として読めません: {e}",
                e.line(),
                e.column()
            ),
            format!(
                "{file}: line {} column {}: not JSON: {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    // A document the model cannot read (a malformed date) is still saved as a draft: the server's
    // validation reports what is wrong, and the findings refuse its publication.
    let doc = Disclosure::from_json(&text).ok();
    let effective = args
        .effective
        .map_or_else(|| jiff::Zoned::now().date(), kaiji_model::IsoDate::date);
    let next_review = args.next_review.date();
    if next_review < effective {
        return Err(UserError::new(
            format!("--next-review {next_review} が発効日 {effective} より前です"),
            format!("--next-review {next_review} is before the effective date {effective}"),
        ));
    }
    let document_arg = args
        .document
        .as_deref()
        .map(|d| path_id("--document", d))
        .transpose()?;
    let release_arg = args
        .release
        .as_deref()
        .map(|r| path_id("--release", r))
        .transpose()?;
    let remote = Remote::new(&args.remote)?;
    let server = remote.base.clone();
    crate::server_cmd::runtime()?.block_on(async {
        let (org, _) = remote.organisation("vendor").await?;
        // Save the draft: a new document under the release, or the document's draft replaced.
        let (document, created, findings) = match (&document_arg, &release_arg) {
            (Some(document), _) => {
                let answer = remote
                    .send(
                        reqwest::Method::PUT,
                        &format!("/orgs/{org}/documents/{document}/draft"),
                        &json!({"content": content}),
                    )
                    .await?;
                let findings = findings_of(field(&answer, "findings", &server)?, &server)?;
                (document.clone(), false, findings)
            }
            (None, Some(release)) => {
                let kind = content["kind"].as_str().unwrap_or_default().to_owned();
                let title = args.title.clone().unwrap_or_else(|| {
                    let subject = |name: &str| content["subject"][name].as_str().unwrap_or("");
                    format!(
                        "{} {} {}",
                        kind.to_uppercase(),
                        subject("product"),
                        subject("version")
                    )
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                });
                let answer = remote
                    .send(
                        reqwest::Method::POST,
                        &format!("/orgs/{org}/releases/{release}/documents"),
                        &json!({"kind": kind, "title": title, "content": content}),
                    )
                    .await?;
                let id = text_field(field(&answer, "document", &server)?, "id", &server)?;
                let findings = findings_of(field(&answer, "findings", &server)?, &server)?;
                (id, true, findings)
            }
            (None, None) => {
                return Err(UserError::new(
                    "--document か --release を指定してください",
                    "give --document or --release",
                ));
            }
        };
        let denied = findings.iter().filter(|f| f.severity >= args.deny).count();
        let mut report = PublishReport {
            file: file.clone(),
            document: document.clone(),
            created,
            findings,
            published: None,
            diff: None,
        };
        if denied == 0 {
            let version = remote
                .send(
                    reqwest::Method::POST,
                    &format!("/orgs/{org}/documents/{document}/versions"),
                    &json!({"effective_date": effective.to_string(),
                            "next_review_date": next_review.to_string(),
                            "update_reason": args.reason}),
                )
                .await?;
            let number = field(&version, "version", &server)?.as_i64().unwrap_or(0);
            if let Some(doc) = doc.as_ref().filter(|_| number > 1) {
                let previous = remote
                    .get(&format!(
                        "/orgs/{org}/documents/{document}/versions/{}",
                        number - 1
                    ))
                    .await?;
                match serde_json::from_value::<Disclosure>(
                    field(&previous, "content", &server)?.clone(),
                ) {
                    Ok(old) => {
                        let diff = kaiji_model::disclosure::diff(&old, doc, registry);
                        report.diff = Some(kaiji_model::api::DiffReport::new(
                            format!("version {}", number - 1),
                            format!("version {number}"),
                            &diff,
                        ));
                    }
                    Err(e) => out.warn(&Text::new(
                        format!(
                            "版 {} は開示書として読めないため、差分は出せません: {e}",
                            number - 1
                        ),
                        format!(
                            "version {} does not read as a disclosure, so there is no diff: {e}",
                            number - 1
                        ),
                    )),
                }
            }
            report.published = Some(version);
        }
        match args.format.format {
            Format::Json => out.json(&report),
            Format::Text => print_publish(&report, denied, args.deny, out),
        }
        Ok(if denied > 0 {
            Outcome::Findings
        } else {
            Outcome::Clean
        })
    })
}

fn print_publish(report: &PublishReport, denied: usize, deny: Severity, out: &mut Out) {
    let file = &report.file;
    let document = &report.document;
    if report.created {
        out.line(match out.lang {
            Lang::Ja => format!("{file}: 文書 {document} を作成しました"),
            Lang::En => format!("{file}: created document {document}"),
        });
    }
    for f in &report.findings {
        out.line(format!("{file}: {}", f.line(out)));
    }
    let n = report.findings.len();
    out.line(match (n, out.lang) {
        (0, Lang::Ja) => format!("{file}: 問題はありません"),
        (0, Lang::En) => format!("{file}: no findings"),
        (_, Lang::Ja) => format!("{file}: 指摘 {n} 件"),
        (_, Lang::En) => format!("{file}: {n} findings"),
    });
    let Some(version) = &report.published else {
        let level = out.t(&deny.label()).to_owned();
        out.line(match out.lang {
            Lang::Ja => format!(
                "{file}: 公開しませんでした: {level}以上の指摘が {denied} 件あります(下書きは文書 {document} に保存済み)"
            ),
            Lang::En => format!(
                "{file}: not published: {denied} findings at {level} or above (the draft is saved in document {document})"
            ),
        });
        return;
    };
    let number = version["version"].as_i64().unwrap_or(0);
    let address = version["content_address"].as_str().unwrap_or("");
    out.line(match out.lang {
        Lang::Ja => format!("{file}: 文書 {document} の版 {number} を公開しました ({address})"),
        Lang::En => {
            format!("{file}: published version {number} of document {document} ({address})")
        }
    });
    match &report.diff {
        None => out.line(match out.lang {
            Lang::Ja => format!("{file}: 初版です(比べる前の版はありません)"),
            Lang::En => format!("{file}: first version (no earlier one to compare with)"),
        }),
        Some(report) => {
            let counts: Vec<String> = ChangeKind::iter()
                .map(|k| format!("{} {}", out.t(&k.label()), report.diff.count(k)))
                .collect();
            out.line(match out.lang {
                Lang::Ja => format!(
                    "{file}: 版 {} からの変更 {} 件: {}",
                    number - 1,
                    report.diff.changes.len(),
                    counts.join("、")
                ),
                Lang::En => format!(
                    "{file}: {} changes from version {}: {}",
                    report.diff.changes.len(),
                    number - 1,
                    counts.join(", ")
                ),
            });
        }
    }
}

/// What the last pull wrote, kept in the pull's directory.
#[derive(Debug, Default, Serialize, Deserialize)]
struct PullState {
    server: String,
    organisation: String,
    /// By document id.
    documents: BTreeMap<String, Pulled>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pulled {
    version: i64,
    content_address: String,
    /// Relative to the pull's directory, `/`-separated.
    file: String,
}

/// One received document in a pull, and what happened to it.
#[derive(Debug, Serialize)]
struct PullEntry {
    document: String,
    vendor: String,
    product: String,
    release: String,
    kind: String,
    title: String,
    version: i64,
    content_address: String,
    file: String,
    /// `new`, `updated` (a newer version), `restored` (the file was gone), `unchanged`, or `skipped`.
    status: &'static str,
    /// The version the last pull wrote, when it wrote another.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_version: Option<i64>,
    /// Why a skipped document could not be fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Text>,
}

/// What `kaiji pull --format json` prints.
#[derive(Serialize)]
struct PullReport {
    server: String,
    organisation: String,
    directory: String,
    documents: Vec<PullEntry>,
}

/// A name from the server made into one safe path component: no separators, no control or
/// bidirectional characters, none of the characters Windows refuses, no leading or trailing dots
/// and spaces (so never `.` or `..`), not a reserved device name, at most 80 characters.
pub(crate) fn safe_component(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            let unsafe_char = c.is_control()
                || matches!(
                    c,
                    '/' | '\\'
                        | ':'
                        | '*'
                        | '?'
                        | '"'
                        | '<'
                        | '>'
                        | '|'
                        | '\u{200e}'
                        | '\u{200f}'
                        | '\u{061c}'
                        | '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{feff}'
                );
            if unsafe_char { '_' } else { c }
        })
        .collect();
    let trimmed: String = replaced
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .chars()
        .take(80)
        .collect();
    let trimmed = trimmed.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return "_".to_owned();
    }
    let stem = trimmed.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

/// Whether a relative path from the state file is one a pull may write: `/`-separated safe components.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|part| !part.is_empty() && safe_component(part) == part)
}

fn read_state(path: &Path) -> Result<PullState, UserError> {
    if !path.exists() {
        return Ok(PullState::default());
    }
    let text = crate::files::read_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        UserError::new(
            format!(
                "{}: 前回の取得の記録が読めません ({e})。消せば、すべてを新しく取得します",
                path.display()
            ),
            format!(
                "{}: the record of the last pull does not read ({e}); remove it to fetch everything anew",
                path.display()
            ),
        )
    })
}

fn create_dir(dir: &Path) -> Result<(), UserError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        UserError::new(
            format!(
                "{}: ディレクトリを作れません: {}",
                dir.display(),
                crate::files::io_reason_ja(&e)
            ),
            format!("{}: cannot create the directory: {e}", dir.display()),
        )
    })
}

fn str_of(value: &Value, name: &str) -> String {
    value[name].as_str().unwrap_or("").to_owned()
}

pub(crate) fn pull(args: &PullArgs, out: &mut Out) -> Result<Outcome, UserError> {
    let remote = Remote::new(&args.remote)?;
    let dir = args.output.clone();
    let state_path = dir.join(PULL_STATE);
    let state = read_state(&state_path)?;
    let server = remote.base.clone();
    crate::server_cmd::runtime()?.block_on(async {
        let (org, _) = remote.organisation("hospital").await?;
        // The inbox is paged (`{"items", "next"}`): every page, in the server's order.
        let not_a_page = || {
            UserError::new(
                format!("{server}: 受信一覧の応答がページ(items, next)ではありません"),
                format!("{server}: the inbox answer is not a page (items, next)"),
            )
        };
        let mut entries: Vec<Value> = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let query = cursor
                .as_deref()
                .map_or(String::new(), |c| format!("&cursor={c}"));
            let mut page = remote
                .get(&format!("/orgs/{org}/inbox?limit=200{query}"))
                .await?;
            let Some(items) = page.get_mut("items").and_then(Value::as_array_mut) else {
                return Err(not_a_page());
            };
            entries.append(items);
            cursor = match &page["next"] {
                Value::Null => break,
                // The cursor goes back into the query as it came: refuse one that would need escaping.
                Value::String(next)
                    if next
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) =>
                {
                    Some(next.clone())
                }
                _ => return Err(not_a_page()),
            };
        }
        // Known documents keep the file the last pull gave them; new ones get theirs in a fixed order.
        let mut items: Vec<(String, &Value)> = Vec::new();
        for entry in &entries {
            let document = str_of(&entry["latest"], "document");
            path_id("document", &document).map_err(|_| {
                UserError::new(
                    format!("{server}: 受信一覧の文書 ID {document:?} は ID ではありません"),
                    format!("{server}: document id {document:?} in the inbox is not an id"),
                )
            })?;
            items.push((document, entry));
        }
        items.sort_by_key(|(document, entry)| {
            (
                str_of(entry, "vendor_name"),
                str_of(entry, "product_name"),
                str_of(entry, "release_version"),
                str_of(entry, "kind"),
                document.clone(),
            )
        });
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        for (document, _) in &items {
            if let Some(known) = state.documents.get(document)
                && is_safe_relative(&known.file)
                && taken.insert(known.file.clone())
            {
                files.insert(document.clone(), known.file.clone());
            }
        }
        for (document, entry) in &items {
            if files.contains_key(document) {
                continue;
            }
            let folder = [
                safe_component(&str_of(entry, "vendor_name")),
                safe_component(&str_of(entry, "product_name")),
                safe_component(&str_of(entry, "release_version")),
            ]
            .join("/");
            let kind = safe_component(&str_of(entry, "kind"));
            let mut file = format!("{folder}/{kind}.kaiji.json");
            if !taken.insert(file.clone()) {
                file = format!("{folder}/{kind}-{document}.kaiji.json");
                taken.insert(file.clone());
            }
            files.insert(document.clone(), file);
        }
        let mut next = PullState {
            server: server.clone(),
            organisation: org.clone(),
            documents: BTreeMap::new(),
        };
        let mut report = PullReport {
            server: server.clone(),
            organisation: org.clone(),
            directory: dir.display().to_string(),
            documents: Vec::new(),
        };
        for (document, entry) in &items {
            let latest = &entry["latest"];
            let version = latest["version"].as_i64().unwrap_or(0);
            let address = str_of(latest, "content_address");
            let file = files[document].clone();
            let path = dir.join(&file);
            let known = state.documents.get(document);
            let status = match known {
                None => "new",
                Some(k) if k.version != version || k.content_address != address => "updated",
                Some(_) if !path.is_file() => "restored",
                Some(_) => "unchanged",
            };
            let mut pulled = PullEntry {
                document: document.clone(),
                vendor: str_of(entry, "vendor_name"),
                product: str_of(entry, "product_name"),
                release: str_of(entry, "release_version"),
                kind: str_of(entry, "kind"),
                title: str_of(entry, "title"),
                version,
                content_address: address.clone(),
                file: file.clone(),
                status,
                previous_version: known.map(|k| k.version).filter(|v| *v != version),
                reason: None,
            };
            if status != "unchanged" {
                let answer = remote
                    .call(
                        reqwest::Method::GET,
                        &format!("/orgs/{org}/received/{document}/versions/{version}"),
                        None,
                    )
                    .await;
                match answer {
                    Ok(found) => {
                        let content = field(&found, "content", &server)?;
                        let mut bytes = serde_json::to_string_pretty(content).map_err(|e| {
                            UserError::new(
                                format!("{server}: 文書 {document} を書き出せません: {e}"),
                                format!("{server}: document {document} cannot be written: {e}"),
                            )
                        })?;
                        bytes.push('\n');
                        if let Some(parent) = path.parent() {
                            create_dir(parent)?;
                        }
                        crate::files::write_file(
                            &path,
                            bytes.as_bytes(),
                            true,
                            crate::files::Durability::Synced,
                        )?;
                    }
                    // A document whose access terms this hospital has not accepted (or that went away
                    // meanwhile) is reported, and the others are still fetched.
                    Err(Failure::Problem {
                        status: 403 | 404,
                        code,
                        message,
                    }) => {
                        pulled.status = "skipped";
                        pulled.reason = Some(Text::new(
                            format!("{} ({code})", message.ja),
                            format!("{} ({code})", message.en),
                        ));
                        report.documents.push(pulled);
                        // What the last pull wrote stays recorded.
                        if let Some(k) = known {
                            next.documents.insert(document.clone(), k.clone());
                        }
                        continue;
                    }
                    Err(other) => return Err(other.into_user_error(&server)),
                }
            }
            next.documents.insert(
                document.clone(),
                Pulled {
                    version,
                    content_address: address,
                    file,
                },
            );
            report.documents.push(pulled);
        }
        create_dir(&dir)?;
        let state_text = serde_json::to_string_pretty(&next).unwrap_or_default() + "\n";
        crate::files::write_file(
            &state_path,
            state_text.as_bytes(),
            true,
            crate::files::Durability::Synced,
        )?;
        match args.format.format {
            Format::Json => out.json(&report),
            Format::Text => print_pull(&report, out),
        }
        Ok(Outcome::Clean)
    })
}

fn print_pull(report: &PullReport, out: &mut Out) {
    let count = |status: &str| {
        report
            .documents
            .iter()
            .filter(|d| d.status == status)
            .count()
    };
    for d in &report.documents {
        let what = format!("{} {} {} {}", d.vendor, d.product, d.release, d.kind);
        let line = match (d.status, out.lang) {
            ("new", Lang::Ja) => format!("新着  {}: {what} 版 {}", d.file, d.version),
            ("new", Lang::En) => format!("new       {}: {what} version {}", d.file, d.version),
            ("updated", Lang::Ja) => format!(
                "更新  {}: {what} 版 {} → {}",
                d.file,
                d.previous_version.unwrap_or(0),
                d.version
            ),
            ("updated", Lang::En) => format!(
                "updated   {}: {what} version {} → {}",
                d.file,
                d.previous_version.unwrap_or(0),
                d.version
            ),
            ("restored", Lang::Ja) => {
                format!(
                    "復元  {}: {what} 版 {}(ファイルがありませんでした)",
                    d.file, d.version
                )
            }
            ("restored", Lang::En) => format!(
                "restored  {}: {what} version {} (the file was missing)",
                d.file, d.version
            ),
            ("skipped", _) => {
                let reason = d.reason.as_ref().map(|r| out.t(r)).unwrap_or("");
                match out.lang {
                    Lang::Ja => format!("未取得 {}: {what} 版 {}: {reason}", d.file, d.version),
                    Lang::En => {
                        format!(
                            "skipped   {}: {what} version {}: {reason}",
                            d.file, d.version
                        )
                    }
                }
            }
            _ => continue,
        };
        out.line(line);
    }
    let (new, updated, restored, unchanged, skipped) = (
        count("new"),
        count("updated"),
        count("restored"),
        count("unchanged"),
        count("skipped"),
    );
    let dir = &report.directory;
    out.line(if new + updated + restored == 0 && skipped == 0 {
        match out.lang {
            Lang::Ja => format!("{dir}: 前回の取得から新しいものはありません({unchanged} 件、変更なし)"),
            Lang::En => format!("{dir}: nothing new since the last pull ({unchanged} documents, unchanged)"),
        }
    } else {
        match out.lang {
            Lang::Ja => format!(
                "{dir}: 新着 {new} 件、更新 {updated} 件、復元 {restored} 件、変更なし {unchanged} 件、未取得 {skipped} 件"
            ),
            Lang::En => format!(
                "{dir}: {new} new, {updated} updated, {restored} restored, {unchanged} unchanged, {skipped} skipped"
            ),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{base_url, is_safe_relative, safe_component};

    #[test]
    fn names_from_the_server_become_one_safe_component() {
        assert_eq!(safe_component("ベンダーA"), "ベンダーA");
        assert_eq!(safe_component("SampleView PACS"), "SampleView PACS");
        assert_eq!(safe_component(".."), "_");
        assert_eq!(safe_component("."), "_");
        assert_eq!(safe_component(""), "_");
        assert_eq!(safe_component("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_component("a/b\\c:d"), "a_b_c_d");
        assert_eq!(
            safe_component("evil\u{1b}[2J\r\u{202e}txt"),
            "evil_[2J__txt"
        );
        assert_eq!(safe_component("  1.0.  "), "1.0");
        assert_eq!(safe_component("CON"), "_CON");
        assert_eq!(safe_component("com1.txt"), "_com1.txt");
        assert_eq!(safe_component("console"), "console");
        let long = "長".repeat(200);
        assert_eq!(safe_component(&long).chars().count(), 80);
        for name in ["..", "a/../b", "x\0y", "/abs"] {
            let safe = safe_component(name);
            assert!(
                !safe.contains('/') && safe != ".." && safe != ".",
                "{name:?}"
            );
        }
    }

    #[test]
    fn only_safe_relative_paths_are_taken_from_the_state_file() {
        assert!(is_safe_relative("ベンダーA/PACS/1.0/mds.kaiji.json"));
        assert!(!is_safe_relative("../x.kaiji.json"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("a//b"));
        assert!(!is_safe_relative(""));
    }

    #[test]
    fn server_urls_are_taken_with_or_without_the_api_prefix() {
        assert_eq!(
            base_url("http://127.0.0.1:8080/api/v1").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            base_url("https://kaiji.example.jp/").unwrap(),
            "https://kaiji.example.jp"
        );
        assert!(base_url("ftp://x").is_err());
        assert!(base_url("not a url").is_err());
        assert!(base_url("http://user@host").is_err());
    }
}
