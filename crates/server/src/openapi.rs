//! The OpenAPI 3.1 document of the API, generated from the code: the routes, their summaries and who
//! may call them come from [`crate::gate::ROUTES`]; what each takes and answers comes from one [`Op`] line per
//! route (next to its handler, e.g. `api::OPERATIONS`) naming the Rust types, whose JSON
//! Schemas schemars derives from the same types serde reads and writes. Nothing is written twice: a
//! handler's body type *is* its schema. Served at `GET /api/openapi.json`, checked in as
//! `schemas/openapi.json` (a test keeps it current, `KAIJI_BLESS=1` rewrites it).
//!
//! Why not utoipa or aide: both want every type annotated a second time (`ToSchema`, or aide's own
//! `JsonSchema` re-export and its router), and neither knows the gate's table; kaiji's types already
//! derive `schemars::JsonSchema` 1.x and the gate already lists every route, so a generator of ~200
//! lines over the two is the least machinery and the least duplication.
//!
//! Two schemars contracts: answers are described as serde writes them (serialize), request bodies as serde
//! reads them (deserialize: an `Option` field may be left out). A type whose two schemas differ is listed
//! twice, its request schema as `{name}Input` ([`merge_requests`]).

use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::gate::{Access, CSRF_HEADER, ROUTES, SESSION_COOKIE};
use crate::problem::ProblemDoc;

/// A schema of a Rust type, as a `$ref` into `components/schemas`.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The schema of `T` (use as `of::<T>` in an [`Op`]).
pub fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy)]
pub enum Out {
    /// A JSON body of this status and schema.
    Json(u16, SchemaFn),
    /// No body (204).
    Empty(u16),
    /// Bytes of one of these media types (a workbook, an attachment: any type when empty).
    Bytes(u16, &'static [&'static str]),
    /// A report: JSON of this schema, or (`?format=`, `Accept`) the same report as CSV, HTML, PDF or xlsx.
    Report(SchemaFn),
}

/// The media types a report is also written in ([`Out::Report`]).
const REPORT_TYPES: &[&str] = &["text/csv", "text/html", "application/pdf", XLSX];

/// The media type of a workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A query parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub description: &'static str,
    pub schema: SchemaFn,
}

/// What one route of [`ROUTES`] takes and answers; the route's summary and access come from its entry.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    /// The handler's name, unique: the `operationId`.
    pub id: &'static str,
    /// The JSON request body, if it takes one.
    pub body: Option<SchemaFn>,
    /// Media types it also takes as a raw body (an upload: the file is the body; any type when it is
    /// `["*/*"]`).
    pub raw: &'static [&'static str],
    pub reply: Out,
    pub query: &'static [Param],
}

/// One [`Op`], in a line (`const`, for the tables).
pub const fn op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    body: Option<SchemaFn>,
    reply: Out,
    query: &'static [Param],
) -> Op {
    Op {
        method,
        path,
        id,
        body,
        raw: &[],
        reply,
        query,
    }
}

/// One [`Op`] of a route whose body is a file of one of `raw`'s media types (and, with `body`, also
/// JSON of that schema).
pub const fn raw_op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    body: Option<SchemaFn>,
    raw: &'static [&'static str],
    reply: Out,
    query: &'static [Param],
) -> Op {
    Op {
        method,
        path,
        id,
        body,
        raw,
        reply,
        query,
    }
}

fn limit_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "integer", "minimum": 1, "maximum": crate::page::MAX_LIMIT, "default": crate::page::DEFAULT_LIMIT})
}

/// The query of every list: `?limit=` and `?cursor=` (see [`crate::page`]).
pub const PAGE: &[Param] = &[
    Param {
        name: "limit",
        description: "how many items (default 50, at most 200)",
        schema: limit_schema,
    },
    Param {
        name: "cursor",
        description: "the `next` of the previous page (opaque)",
        schema: of::<String>,
    },
];

/// Every annotated operation: one slice per module of handlers.
pub fn operations() -> impl Iterator<Item = &'static Op> {
    [
        crate::api::OPERATIONS,
        crate::workbooks::OPERATIONS,
        crate::attachments::OPERATIONS,
        crate::hospital::OPERATIONS,
        crate::rss::OPERATIONS,
    ]
    .into_iter()
    .flatten()
}

fn path_param(name: &str) -> Value {
    let (description, schema) = match name {
        "org" => ("organisation id", json!({"type": "string"})),
        "version" => (
            "version number (1, 2, 3 …)",
            json!({"type": "integer", "minimum": 1}),
        ),
        "secret" => ("the access link's secret", json!({"type": "string"})),
        other => {
            return json!({"name": other, "in": "path", "required": true,
                          "description": format!("{other} id"), "schema": {"type": "string"}});
        }
    };
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema})
}

fn problem(description: &str, problem: &Schema) -> Value {
    json!({"description": description,
           "content": {"application/problem+json": {"schema": problem}}})
}

/// The two generators of the document: `answers` for what routes answer, `requests` for the bodies and
/// queries they read.
#[derive(Debug)]
pub struct Generators {
    pub answers: SchemaGenerator,
    pub requests: SchemaGenerator,
}

/// Where the request generator keeps its definitions until [`merge_requests`] files them under
/// `components/schemas` (a place of their own, so that its `$ref`s can be told from the answers').
const REQUEST_DEFINITIONS: &str = "/components/requestSchemas";

impl Generators {
    /// The answers' generator (serialize contract) and the requests' (deserialize contract).
    pub fn new() -> Self {
        let generator = |settings: SchemaSettings, path: &'static str| {
            let mut settings = settings;
            settings.definitions_path = path.into();
            settings.meta_schema = None;
            settings.into_generator()
        };
        // The serialize contract: answers are described exactly as serde writes them (a field skipped
        // when empty is optional, an `Option` always written is required and nullable). The deserialize
        // contract: a body's `Option` field is optional, as serde reads it (absent is `None`).
        Self {
            answers: generator(
                SchemaSettings::draft2020_12().for_serialize(),
                "/components/schemas",
            ),
            requests: generator(
                SchemaSettings::draft2020_12().for_deserialize(),
                REQUEST_DEFINITIONS,
            ),
        }
    }
}

impl Default for Generators {
    fn default() -> Self {
        Self::new()
    }
}

/// Files the requests' definitions (`requests`, from [`Generators::requests`]) into `schemas` (the
/// answers'), and answers the name each is filed under: its own when the answers have no schema of that
/// name or the same one (a type read and written alike is listed once), `{name}Input` when they differ.
/// Every `$ref` of the requests' definitions is rewritten to the names filed; [`rewrite_refs`] does the
/// same for the request bodies.
pub fn merge_requests(
    schemas: &mut Map<String, Value>,
    requests: Map<String, Value>,
) -> BTreeMap<String, String> {
    let mut names: BTreeMap<String, String> =
        requests.keys().map(|k| (k.clone(), k.clone())).collect();
    // Every definition first keeps its name; one is renamed when its schema (its references read under
    // the names so far) differs from the answers' schema of that name. A rename can make a definition
    // that refers to it differ in turn, so this repeats until no name changes.
    loop {
        let mut changed = false;
        for (name, schema) in &requests {
            if names[name] != *name {
                continue;
            }
            let mut schema = schema.clone();
            rewrite_refs(&mut schema, &names);
            if schemas.get(name).is_some_and(|answer| *answer != schema) {
                let taken = |n: &String| {
                    schemas.contains_key(n)
                        || requests.contains_key(n)
                        || names.values().any(|v| v == n)
                };
                let mut renamed = format!("{name}Input");
                let mut n = 2;
                while taken(&renamed) {
                    renamed = format!("{name}Input{n}");
                    n += 1;
                }
                names.insert(name.clone(), renamed);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (name, mut schema) in requests {
        rewrite_refs(&mut schema, &names);
        schemas.entry(names[&name].clone()).or_insert(schema);
    }
    names
}

/// Points every `$ref` into the requests' definitions at the name [`merge_requests`] filed it under.
pub fn rewrite_refs(value: &mut Value, names: &BTreeMap<String, String>) {
    let prefix = format!("#{REQUEST_DEFINITIONS}/");
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(name) = target.strip_prefix(&prefix)
                && let Some(filed) = names.get(name)
            {
                *target = format!("#/components/schemas/{filed}");
            }
            for v in map.values_mut() {
                rewrite_refs(v, names);
            }
        }
        Value::Array(items) => {
            for v in items {
                rewrite_refs(v, names);
            }
        }
        _ => {}
    }
}

fn operation(op: &Op, generators: &mut Generators, problem_ref: &Schema) -> Value {
    let route = ROUTES
        .iter()
        .find(|r| r.method == op.method && r.path == op.path);
    let access = route.map_or(Access::Public, |r| r.access);
    let safe = op.method == "GET";
    let mut out = Map::new();
    out.insert("operationId".into(), op.id.into());
    if let Some(route) = route {
        out.insert("summary".into(), route.summary.into());
    }
    let mut parameters: Vec<Value> = op
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(path_param)
        .collect();
    for param in op.query {
        parameters.push(json!({"name": param.name, "in": "query", "required": false,
            "description": param.description, "schema": (param.schema)(&mut generators.requests)}));
    }
    if !parameters.is_empty() {
        out.insert("parameters".into(), parameters.into());
    }
    let mut content = Map::new();
    if let Some(body) = op.body {
        content.insert(
            "application/json".into(),
            json!({"schema": body(&mut generators.requests)}),
        );
    }
    for media in op.raw {
        content.insert((*media).into(), json!({}));
    }
    if !content.is_empty() {
        out.insert(
            "requestBody".into(),
            json!({"required": true, "content": content}),
        );
    }
    let mut responses = BTreeMap::<String, Value>::new();
    match op.reply {
        Out::Json(status, schema) => {
            responses.insert(
                status.to_string(),
                json!({"description": "success",
                       "content": {"application/json": {"schema": schema(&mut generators.answers)}}}),
            );
        }
        Out::Empty(status) => {
            responses.insert(
                status.to_string(),
                json!({"description": "success, no body"}),
            );
        }
        Out::Bytes(status, types) => {
            let types: &[&str] = if types.is_empty() { &["*/*"] } else { types };
            let content: Map<String, Value> =
                types.iter().map(|t| ((*t).to_owned(), json!({}))).collect();
            responses.insert(
                status.to_string(),
                json!({"description": "success: the file", "content": content}),
            );
        }
        Out::Report(schema) => {
            let mut content = Map::new();
            content.insert(
                "application/json".into(),
                json!({"schema": schema(&mut generators.answers)}),
            );
            for t in REPORT_TYPES {
                content.insert((*t).into(), json!({}));
            }
            responses.insert(
                "200".into(),
                json!({"description": "success: the report (?format= or Accept chooses how it is written)",
                       "content": content}),
            );
        }
    }
    let mut add = |status: u16, description: &str| {
        responses.insert(status.to_string(), problem(description, problem_ref));
    };
    if op.body.is_some() || !op.raw.is_empty() {
        add(400, "malformed JSON (with line and column) or a bad value");
        add(413, "the body is too large");
        add(415, "the body's Content-Type is not one the route takes");
        add(422, "the input is refused (invalid values, findings)");
    } else if !op.query.is_empty() {
        add(400, "a bad query parameter (limit, cursor …)");
    }
    if matches!(op.reply, Out::Report(_)) {
        add(
            406,
            "the Accept header asks for a format the report is not written in",
        );
    }
    if access != Access::Public {
        add(401, "not signed in, or the session or token is not valid");
    }
    if matches!(access, Access::Org(_)) || (!safe && access != Access::Public) {
        add(
            403,
            "the role or organisation kind does not allow it, or the CSRF token is missing",
        );
    }
    if op.path.contains('{') {
        add(
            404,
            "not found (also an id of another organisation, never said apart)",
        );
    }
    add(503, "the database cannot be reached");
    let mut responses: Map<String, Value> = responses.into_iter().collect();
    responses.insert(
        "default".into(),
        problem(
            "any other problem (RFC 9457, with kaiji's code)",
            problem_ref,
        ),
    );
    out.insert("responses".into(), responses.into());
    let security = match access {
        Access::Public => json!([]),
        _ if safe => json!([{"session": []}, {"bearer": []}]),
        _ => json!([{"session": [], "csrf": []}, {"bearer": []}]),
    };
    out.insert("security".into(), security);
    out.into()
}

/// The OpenAPI 3.1 document of every annotated operation.
pub fn document() -> Value {
    let mut generators = Generators::new();
    let problem_ref = generators.answers.subschema_for::<ProblemDoc>();
    let mut paths = BTreeMap::<&str, Map<String, Value>>::new();
    for op in operations() {
        let operation = operation(op, &mut generators, &problem_ref);
        paths
            .entry(op.path)
            .or_default()
            .insert(op.method.to_ascii_lowercase(), operation);
    }
    let mut schemas = generators.answers.take_definitions(true);
    let names = merge_requests(&mut schemas, generators.requests.take_definitions(true));
    let mut paths = json!(paths);
    rewrite_refs(&mut paths, &names);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "kaiji serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The REST API between medical-device vendors and hospitals (MDS/SDS security \
                disclosures). Errors are RFC 9457 problem details with kaiji's stable `code`. Lists are \
                pages: `{\"items\": […], \"next\": cursor or null}`, `?limit=` (default 50, at most 200) \
                and `?cursor=` (the previous page's `next`). Changes made with the session cookie carry \
                the session's CSRF token in the X-CSRF-Token header; bearer API tokens need none.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                            "description": "the session cookie set by POST /api/v1/session"},
                "csrf": {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
                         "description": "the session's CSRF token (csrf_token of the login answer), on changes made with the cookie"},
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "an API token issued by kaiji admin (one organisation and role)"},
            },
        },
    })
}

/// The document as served and checked in: pretty JSON with a final newline.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}

/// Whether every route of the gate's table has an annotation and every annotation a route: the
/// routes missing from the document and the operations that are no route.
pub fn coverage() -> (Vec<String>, Vec<String>) {
    let missing = ROUTES
        .iter()
        .filter(|r| !operations().any(|op| op.method == r.method && op.path == r.path))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let stale = operations()
        .filter(|op| {
            ROUTES
                .iter()
                .all(|r| r.method != op.method || r.path != op.path)
        })
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    (missing, stale)
}
