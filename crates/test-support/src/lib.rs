//! Test support shared by kaiji's tests: the repository root, the real `kaiji` binary as an
//! [`assert_cmd::Command`], paths of the shipped fixtures and temporary directories.
//!
//! A dev-dependency only. Later the test server and the temporary databases come here too.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

pub use assert_cmd::Command;
pub use tempfile::TempDir;

/// The repository root (the workspace directory that holds `Cargo.toml`, `examples/`, `README.md`).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.join("../..");
    root.canonicalize().unwrap_or(root)
}

/// A path below the repository root.
pub fn path(relative: impl AsRef<Path>) -> PathBuf {
    root().join(relative)
}

/// A file or directory below `examples/`.
pub fn example(relative: impl AsRef<Path>) -> PathBuf {
    root().join("examples").join(relative)
}

/// A file or directory below `testdata/`.
pub fn testdata(relative: impl AsRef<Path>) -> PathBuf {
    root().join("testdata").join(relative)
}

/// The committed test workbooks (`crates/xlsx/tests/fixtures/`), written by openpyxl and LibreOffice.
pub fn xlsx_fixtures() -> PathBuf {
    root().join("crates/xlsx/tests/fixtures")
}

/// A file below the real third-party test data (`../shared/reference/real/` beside the repository),
/// or `None` where that directory is not at hand (a fresh clone on its own).
pub fn reference_real(relative: impl AsRef<Path>) -> Option<PathBuf> {
    let path = root().join("../shared/reference/real").join(relative);
    path.exists().then_some(path)
}

/// The shipped example disclosures at the top of `examples/`, as `examples/NAME.kaiji.json` paths
/// relative to the root, sorted: what the README's `examples/*.kaiji.json` expands to.
pub fn example_disclosures() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ is readable")
        .map(|e| {
            e.expect("examples/ entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".kaiji.json"))
        .map(|n| format!("examples/{n}"))
        .collect();
    files.sort();
    files
}

/// A JSON file, parsed.
///
/// # Panics
/// When the file cannot be read or is not JSON: a test's fixture is broken.
pub fn json(path: impl AsRef<Path>) -> serde_json::Value {
    let path = path.as_ref();
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The path of the built `kaiji` binary.
///
/// Cargo builds the binary for the integration tests of `kaiji-cli` and names it in
/// `CARGO_BIN_EXE_kaiji` when it runs them; where that is not set, the binary is looked up beside
/// the running test executable (`target/<profile>/deps/…` → `target/<profile>/kaiji`), as
/// `assert_cmd` does.
///
/// # Panics
/// When the binary is not there: only the tests of `kaiji-cli` make Cargo build it.
pub fn kaiji_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("CARGO_BIN_EXE_kaiji") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("the path of the running test");
    let mut dir = exe
        .parent()
        .expect("test executable in a directory")
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let bin = dir.join(format!("kaiji{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "no kaiji binary at {}: run the test from kaiji-cli (cargo test -p kaiji-cli), which builds it",
        bin.display()
    );
    bin
}

/// The real `kaiji` binary, run from the repository root (so `examples/…` paths work as in the
/// README).
pub fn kaiji() -> Command {
    kaiji_in(root())
}

/// The real `kaiji` binary, run in `dir`.
pub fn kaiji_in(dir: impl AsRef<Path>) -> Command {
    let mut cmd = Command::new(kaiji_bin());
    cmd.current_dir(dir);
    cmd
}

/// A new temporary directory, removed when dropped.
///
/// # Panics
/// When the system's temporary directory is not writable.
pub fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Copies the directory tree `from` into `to` (created when missing), files and directories only.
///
/// # Panics
/// When a file cannot be read or written.
pub fn copy_dir(from: impl AsRef<Path>, to: impl AsRef<Path>) {
    let (from, to) = (from.as_ref(), to.as_ref());
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("creating {}: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("reading {}: {e}", from.display()));
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            copy_dir(&source, &target);
        } else {
            std::fs::copy(&source, &target)
                .unwrap_or_else(|e| panic!("copying {}: {e}", source.display()));
        }
    }
}

/// A temporary directory holding a copy of the repository's `examples/`, for commands that write
/// beside their inputs; run `kaiji_in(dir.path())` there.
pub fn examples_copy() -> TempDir {
    let dir = temp_dir();
    copy_dir(root().join("examples"), dir.path().join("examples"));
    dir
}

/// The file names (not paths) of the entries of `dir` that end with `suffix`, sorted.
///
/// # Panics
/// When `dir` cannot be read.
pub fn names_ending(dir: impl AsRef<Path>, suffix: impl AsRef<OsStr>) -> Vec<String> {
    let dir = dir.as_ref();
    let suffix = suffix.as_ref().to_string_lossy().into_owned();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(&suffix))
        .collect();
    names.sort();
    names
}

/// Where `value` departs from the JSON Schema `schema` (draft 2020-12, as schemars writes it):
/// one line per problem, with the JSON pointer of the value; empty when it conforms.
///
/// It checks `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`, `items`,
/// `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `maxItems`, `anyOf`, `oneOf`, `allOf` and
/// local `$ref`s (`#/$defs/…`), and more
/// strictly than JSON Schema: an object property that the schema does not declare is a problem
/// unless `additionalProperties` allows it, so a schema cannot silently miss a field of the
/// real output. `pattern` is not checked (no regex engine here); `format`, `title`,
/// `description` and `default` are annotations. Any other keyword panics, so that a constraint
/// is never ignored unnoticed.
pub fn schema_problems(schema: &serde_json::Value, value: &serde_json::Value) -> Vec<String> {
    let mut problems = Vec::new();
    check_schema(schema, schema, value, "", &mut problems);
    problems
}

fn check_schema(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    use serde_json::Value;
    let schema = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => {
            problems.push(format!("{at}: no value is allowed here"));
            return;
        }
        Value::Object(schema) => schema,
        other => panic!("not a schema at {at}: {other}"),
    };
    for (keyword, rule) in schema {
        match keyword.as_str() {
            "$schema"
            | "$defs"
            | "title"
            | "description"
            | "default"
            | "format"
            | "pattern"
            | "properties"
            | "additionalProperties"
            | "examples" => {}
            "$ref" => {
                let target = rule
                    .as_str()
                    .and_then(|r| r.strip_prefix('#'))
                    .and_then(|pointer| root.pointer(pointer))
                    .unwrap_or_else(|| panic!("unresolved $ref {rule} at {at}"));
                check_schema(root, target, value, at, problems);
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    other => panic!("bad type {other} at {at}"),
                };
                if !types.iter().any(|t| has_type(value, t)) {
                    problems.push(format!("{at}: {value} is not of type {rule}"));
                }
            }
            "enum" => {
                let allowed = rule.as_array().expect("enum is an array");
                if !allowed.contains(value) {
                    problems.push(format!("{at}: {value} is not one of {rule}"));
                }
            }
            "const" => {
                if rule != value {
                    problems.push(format!("{at}: {value} is not {rule}"));
                }
            }
            "required" => {
                if let Value::Object(object) = value {
                    for name in rule.as_array().expect("required is an array") {
                        let name = name.as_str().expect("required names are strings");
                        if !object.contains_key(name) {
                            problems.push(format!("{at}: required property {name} is missing"));
                        }
                    }
                }
            }
            "items" => {
                if let Value::Array(elements) = value {
                    for (n, element) in elements.iter().enumerate() {
                        check_schema(root, rule, element, &format!("{at}/{n}"), problems);
                    }
                }
            }
            "minimum" | "maximum" => {
                if let (Some(v), Some(bound)) = (value.as_f64(), rule.as_f64()) {
                    let ok = if keyword == "minimum" {
                        v >= bound
                    } else {
                        v <= bound
                    };
                    if !ok {
                        problems.push(format!("{at}: {v} is out of range ({keyword} {bound})"));
                    }
                }
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" => {
                // Characters of a string (as JSON Schema counts them), elements of an array.
                let length = match (keyword.as_str(), value) {
                    ("minLength" | "maxLength", Value::String(text)) => Some(text.chars().count()),
                    ("minItems" | "maxItems", Value::Array(elements)) => Some(elements.len()),
                    _ => None,
                };
                let bound = rule
                    .as_u64()
                    .and_then(|b| usize::try_from(b).ok())
                    .unwrap_or_else(|| panic!("bad {keyword} {rule} at {at}"));
                if let Some(length) = length {
                    let ok = if keyword.starts_with("min") {
                        length >= bound
                    } else {
                        length <= bound
                    };
                    if !ok {
                        problems.push(format!(
                            "{at}: length {length} is out of range ({keyword} {bound})"
                        ));
                    }
                }
            }
            "anyOf" | "oneOf" => {
                let alternatives = rule.as_array().expect("anyOf/oneOf is an array");
                let matching = alternatives
                    .iter()
                    .filter(|alt| schema_problems_at(root, alt, value, at).is_empty())
                    .count();
                if matching == 0 || (keyword == "oneOf" && matching > 1) {
                    problems.push(format!(
                        "{at}: {value} matches {matching} of the {keyword} alternatives"
                    ));
                }
            }
            "allOf" => {
                for part in rule.as_array().expect("allOf is an array") {
                    check_schema(root, part, value, at, problems);
                }
            }
            other => panic!("schema keyword {other} at {at} is not checked by schema_problems"),
        }
    }
    if let Value::Object(object) = value
        && (schema.contains_key("properties") || schema.contains_key("additionalProperties"))
    {
        let declared = schema.get("properties").and_then(Value::as_object);
        for (name, property) in object {
            let at = format!("{at}/{name}");
            match (
                declared.and_then(|d| d.get(name)),
                schema.get("additionalProperties"),
            ) {
                (Some(rule), _) => check_schema(root, rule, property, &at, problems),
                (None, Some(rule)) => check_schema(root, rule, property, &at, problems),
                (None, None) => problems.push(format!("{at}: property not declared in the schema")),
            }
        }
    }
}

fn schema_problems_at(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    check_schema(root, schema, value, at, &mut problems);
    problems
}

fn has_type(value: &serde_json::Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        other => panic!("unknown JSON Schema type {other}"),
    }
}

/// The checked-in schema `schemas/api/{name}.schema.json`, parsed.
pub fn api_schema(name: &str) -> serde_json::Value {
    json(path(format!("schemas/api/{name}.schema.json")))
}

/// Asserts that `value` conforms to the checked-in API schema `name` (see [`schema_problems`]).
///
/// # Panics
/// With every problem, when it does not.
pub fn assert_matches_api_schema(name: &str, value: &serde_json::Value) {
    let problems = schema_problems(&api_schema(name), value);
    assert!(
        problems.is_empty(),
        "the output does not match schemas/api/{name}.schema.json:\n{}",
        problems.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_holds_the_workspace() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
        assert!(example("pacs-mds-5.0h.kaiji.json").is_file());
        assert!(xlsx_fixtures().join("blank-official.xlsx").is_file());
        assert!(testdata("make_workbooks.py").is_file());
    }

    #[test]
    fn example_disclosures_are_relative_and_sorted() {
        let files = example_disclosures();
        assert!(files.len() >= 3, "{files:?}");
        assert!(
            files
                .iter()
                .all(|f| f.starts_with("examples/") && f.ends_with(".kaiji.json"))
        );
        assert!(files.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            json(root().join(&files[0]))["catalog"]["id"],
            "jahis-mds-sds"
        );
    }

    #[test]
    fn examples_copy_has_every_file() {
        let copy = examples_copy();
        let dir = copy.path().join("examples");
        assert_eq!(
            names_ending(&dir, ".kaiji.json"),
            names_ending(example(""), ".kaiji.json")
        );
        assert!(dir.join("hospital/inventory.yaml").is_file());
        assert!(dir.join("rss/advisories").is_dir());
    }

    #[test]
    fn missing_reference_data_is_none() {
        assert_eq!(reference_real("no/such/file"), None);
    }

    #[test]
    fn schema_problems_finds_what_departs_and_passes_what_conforms() {
        let schema = serde_json::json!({
            "$defs": {
                "Status": { "type": "string", "enum": ["ok", "error"] },
                "Entry": {
                    "type": "object",
                    "properties": {
                        "file": { "type": "string" },
                        "status": { "$ref": "#/$defs/Status" },
                        "count": { "type": "integer", "minimum": 0 },
                        "error": { "type": ["string", "null"] },
                        "tags": { "type": "object", "additionalProperties": { "type": "boolean" } },
                        "kind": { "oneOf": [{ "const": "a" }, { "const": "b" }] },
                        "name": { "type": "string", "minLength": 1, "maxLength": 3 },
                        "list": { "type": "array", "minItems": 1, "maxItems": 2 }
                    },
                    "required": ["file", "status"]
                }
            },
            "type": "array",
            "items": { "$ref": "#/$defs/Entry" }
        });
        let good = serde_json::json!([
            { "file": "a.json", "status": "ok", "count": 3, "error": null,
              "tags": { "x": true }, "kind": "b", "name": "日本語", "list": [1, 2] },
            { "file": "b.json", "status": "error" }
        ]);
        assert_eq!(schema_problems(&schema, &good), Vec::<String>::new());
        let bad = serde_json::json!([
            { "status": "maybe", "count": -1, "surprise": 1, "tags": { "x": 1 }, "kind": "c",
              "name": "", "list": [1, 2, 3] },
            { "file": "c.json", "status": "ok", "name": "abcd", "list": [] },
            "not an object"
        ]);
        assert_eq!(
            schema_problems(&schema, &bad),
            [
                "/0: required property file is missing",
                "/0/count: -1 is out of range (minimum 0)",
                "/0/kind: \"c\" matches 0 of the oneOf alternatives",
                "/0/list: length 3 is out of range (maxItems 2)",
                "/0/name: length 0 is out of range (minLength 1)",
                "/0/status: \"maybe\" is not one of [\"ok\",\"error\"]",
                "/0/surprise: property not declared in the schema",
                "/0/tags/x: 1 is not of type \"boolean\"",
                "/1/list: length 0 is out of range (minItems 1)",
                "/1/name: length 4 is out of range (maxLength 3)",
                "/2: \"not an object\" is not of type \"object\"",
            ]
        );
    }

    #[test]
    #[should_panic(expected = "schema keyword multipleOf")]
    fn schema_problems_refuses_a_keyword_it_does_not_check() {
        schema_problems(
            &serde_json::json!({ "type": "integer", "multipleOf": 2 }),
            &serde_json::json!(3),
        );
    }
}

/// Temporary databases for the store's and the server's tests (feature `db`).
#[cfg(feature = "db")]
pub mod db;
/// The real `kaiji serve` as a child process and a minimal HTTP client (the CLI's server tests).
pub mod serve;
/// A local SMTP sink for mail tests (feature `smtp`).
#[cfg(feature = "smtp")]
pub mod smtp;
