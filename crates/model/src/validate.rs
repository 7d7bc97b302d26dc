//! Validation of a disclosure document against its checklist: every problem, with its place.
//!
//! The validator walks the JSON value itself rather than the typed [`crate::Disclosure`], so that a
//! document with a wrong value in one place still gets every other problem reported.

use std::collections::BTreeSet;

use kaiji_catalog::{Answer, AnswerKind, CatalogRef, Checklist, Item, Registry, Text};
use serde_json::{Map, Value};

use crate::{
    Code, DocKind, Error, Finding, IsoDate, Location, disclosure::required_subject_fields,
    disclosure::subject_field_label,
};

/// Parses and validates a document. A syntax error is an `Err` (with line and column); every
/// other problem is a finding.
pub fn validate_str(text: &str, registry: &Registry) -> Result<Vec<Finding>, Error> {
    let value: Value = serde_json::from_str(text).map_err(|e| Error::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    Ok(validate_value(&value, registry))
}

/// Validates a document given as a JSON value. Never panics, whatever the value.
pub fn validate_value(value: &Value, registry: &Registry) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(root) = value.as_object() else {
        out.push(Finding::new(
            Code::InvalidField,
            Location::pointer([]),
            Text::new(
                format!(
                    "文書は JSON オブジェクトでなければなりません({})",
                    type_name(value)
                ),
                format!(
                    "the document must be a JSON object, not {}",
                    type_name(value)
                ),
            ),
        ));
        return out;
    };

    let kind = check_kind(root, &mut out);
    let checklist = check_catalog(root, kind, registry, &mut out);
    check_subject(root, kind, &mut out);
    check_answers(root, kind, checklist, &mut out);
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn missing_field(out: &mut Vec<Finding>, path: &[&str], expected: &str) {
    out.push(Finding::new(
        Code::InvalidField,
        Location::pointer(path.iter().copied()),
        Text::new(
            format!(
                "必須のフィールド {} がありません({expected})",
                path.join(".")
            ),
            format!("required field {} is missing ({expected})", path.join(".")),
        ),
    ));
}

fn wrong_type(out: &mut Vec<Finding>, path: &[&str], expected: &str, found: &Value) {
    out.push(Finding::new(
        Code::InvalidField,
        Location::pointer(path.iter().copied()),
        Text::new(
            format!(
                "{} は {expected} でなければなりません({})",
                path.join("."),
                type_name(found)
            ),
            format!(
                "{} must be {expected}, not {}",
                path.join("."),
                type_name(found)
            ),
        ),
    ));
}

fn check_kind(root: &Map<String, Value>, out: &mut Vec<Finding>) -> Option<DocKind> {
    let expected = "\"mds\" | \"sds\" | \"rss-sds\"";
    match root.get("kind") {
        None => {
            missing_field(out, &["kind"], expected);
            None
        }
        Some(Value::String(s)) => match s.parse::<DocKind>() {
            Ok(kind) => Some(kind),
            Err(_) => {
                out.push(Finding::new(
                    Code::InvalidField,
                    Location::pointer(["kind"]),
                    Text::new(
                        format!("kind {s:?} は使えません({expected})"),
                        format!("kind {s:?} is not allowed ({expected})"),
                    ),
                ));
                None
            }
        },
        Some(other) => {
            wrong_type(out, &["kind"], expected, other);
            None
        }
    }
}

fn check_catalog<'r>(
    root: &Map<String, Value>,
    kind: Option<DocKind>,
    registry: &'r Registry,
    out: &mut Vec<Finding>,
) -> Option<&'r Checklist> {
    let catalog = match root.get("catalog") {
        None => {
            missing_field(out, &["catalog"], "{id, revision}");
            return None;
        }
        Some(Value::Object(c)) => c,
        Some(other) => {
            wrong_type(out, &["catalog"], "object {id, revision}", other);
            return None;
        }
    };
    let mut field = |name: &str| match catalog.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            wrong_type(out, &["catalog", name], "string", other);
            None
        }
        None => {
            missing_field(out, &["catalog", name], "string");
            None
        }
    };
    let (id, revision) = (field("id"), field("revision"));
    let (id, revision) = (id?, revision?);
    let unknown = |ja: String, en: String| {
        Finding::new(
            Code::UnknownCatalog,
            Location::pointer(["catalog"]),
            Text::new(ja, en),
        )
    };
    let found = CatalogRef::new(id.clone(), Some(revision.clone()))
        .ok()
        .and_then(|r| registry.resolve(&r))
        .filter(|c| c.header.revision == revision);
    let Some(catalog) = found else {
        out.push(unknown(
            format!("チェックリスト {id}@{revision} は見つかりません"),
            format!("checklist {id}@{revision} is not known"),
        ));
        return None;
    };
    let Some(checklist) = catalog.as_checklist() else {
        out.push(unknown(
            format!(
                "{id}@{revision} はチェックリストではありません({})",
                catalog.header.kind
            ),
            format!(
                "{id}@{revision} is not a checklist ({})",
                catalog.header.kind
            ),
        ));
        return None;
    };
    if let Some(kind) = kind
        && !checklist.forms.contains(&kind.form())
    {
        out.push(unknown(
            format!("{id}@{revision} には様式 {} がありません", kind.form()),
            format!("{id}@{revision} has no {} form", kind.form()),
        ));
        return None;
    }
    Some(checklist)
}

fn check_subject(root: &Map<String, Value>, kind: Option<DocKind>, out: &mut Vec<Finding>) {
    let subject = match root.get("subject") {
        None => {
            missing_field(out, &["subject"], "object");
            return;
        }
        Some(Value::Object(s)) => s,
        Some(other) => {
            wrong_type(out, &["subject"], "object", other);
            return;
        }
    };
    let required = required_subject_fields(kind.unwrap_or(DocKind::Sds));
    for field in required_subject_fields(DocKind::Mds) {
        let label = subject_field_label(field);
        match subject.get(*field) {
            Some(Value::String(s)) if !s.trim().is_empty() => {
                if *field == "date" && s.parse::<IsoDate>().is_err() {
                    out.push(Finding::new(
                        Code::BadDate,
                        Location::pointer(["subject", "date"]),
                        Text::new(
                            format!("作成日 {s:?} は YYYY-MM-DD 形式の日付ではありません"),
                            format!("date {s:?} is not a YYYY-MM-DD date"),
                        ),
                    ));
                }
            }
            Some(Value::String(_)) | Some(Value::Null) | None => {
                if required.contains(field) {
                    out.push(Finding::new(
                        Code::MissingSubjectField,
                        Location::pointer(["subject", field]),
                        Text::new(
                            format!("表紙の {} が空です", label.ja),
                            format!("cover field {} is empty", label.en),
                        ),
                    ));
                }
            }
            Some(other) => wrong_type(out, &["subject", field], "string", other),
        }
    }
}

/// One answer as found in the document, after its shape was checked.
struct Found<'a> {
    answer: Option<Answer>,
    /// The answer was there but not allowed (already reported as invalid-answer).
    invalid_answer: bool,
    remark: &'a str,
}

fn check_answers(
    root: &Map<String, Value>,
    kind: Option<DocKind>,
    checklist: Option<&Checklist>,
    out: &mut Vec<Finding>,
) {
    let empty = Map::new();
    let answers = match root.get("answers") {
        None => {
            missing_field(out, &["answers"], "object");
            &empty
        }
        Some(Value::Object(a)) => a,
        Some(other) => {
            wrong_type(out, &["answers"], "object", other);
            &empty
        }
    };

    // Shape of every entry first, so that rules below see only well-formed answers.
    let read = |id: &str, out: &mut Vec<Finding>| -> Option<Found<'_>> {
        read_entry(
            id,
            answers.get(id)?,
            checklist.and_then(|c| c.item(id)),
            out,
        )
    };

    let Some(checklist) = checklist else {
        for id in answers.keys() {
            read(id, out);
        }
        return;
    };
    let form = kind.map(DocKind::form);
    let mut seen = BTreeSet::new();
    for item in checklist.items() {
        let id = item.id.as_str();
        seen.insert(id);
        let found = read(id, out);
        let in_form = form.is_none_or(|f| item.forms.contains(&f));
        if !in_form {
            if answers.contains_key(id) {
                out.push(
                    Finding::new(
                        Code::ItemNotInForm,
                        Location::pointer(["answers", id]),
                        Text::new(
                            format!(
                                "項目 {id} はこの様式({})の項目ではありません",
                                form_name(kind)
                            ),
                            format!("item {id} is not part of the {} form", form_name(kind)),
                        ),
                    )
                    .with_item(id),
                );
            }
            continue;
        }
        let applies = conditions_hold(item, answers, checklist);
        let invalid = found.as_ref().is_some_and(|f| f.invalid_answer);
        match found.as_ref().and_then(|f| f.answer) {
            None if applies && !invalid => out.push(
                Finding::new(
                    Code::MissingAnswer,
                    Location::pointer(["answers", id]),
                    Text::new(
                        format!("項目 {id}({})に回答がありません", item.text.ja),
                        format!("item {id} ({}) has no answer", item.text.en),
                    ),
                )
                .with_item(id),
            ),
            None => {}
            Some(answer) => {
                let remark_blank = found.as_ref().is_none_or(|f| f.remark.trim().is_empty());
                if remark_blank && item.remark_required_for().any(|a| a == answer) {
                    out.push(
                        Finding::new(
                            Code::RemarkRequired,
                            Location::pointer(["answers", id, "remark"]),
                            Text::new(
                                format!(
                                    "項目 {id} の回答「{}」には備考(理由・代替策・予定)が必要です",
                                    answer.label().ja
                                ),
                                format!(
                                    "item {id} answered \"{}\" needs a remark (reason, compensating control or plan)",
                                    answer.label().en
                                ),
                            ),
                        )
                        .with_item(id),
                    );
                }
                if !applies && answer != Answer::Na {
                    for cond in item.conditions() {
                        out.push(
                            Finding::new(
                                Code::RuleViolated,
                                Location::pointer(["answers", id, "answer"]),
                                Text::new(
                                    format!(
                                        "項目 {id} は項目 {} が「{}」のときだけ回答します(現在: {})",
                                        cond.item,
                                        cond.answer.label().ja,
                                        answer_of(answers, cond.item.as_str())
                                            .map_or_else(|| "未回答".to_owned(), |a| a.label().ja)
                                    ),
                                    format!(
                                        "item {id} applies only when item {} is \"{}\" (it is {})",
                                        cond.item,
                                        cond.answer.label().en,
                                        answer_of(answers, cond.item.as_str())
                                            .map_or_else(|| "unanswered".to_owned(), |a| a.label().en)
                                    ),
                                ),
                            )
                            .with_item(id),
                        );
                    }
                }
            }
        }
    }
    for id in answers.keys().filter(|id| !seen.contains(id.as_str())) {
        read(id, out);
        out.push(
            Finding::new(
                Code::UnknownItem,
                Location::pointer(["answers", id]),
                Text::new(
                    format!("項目 {id} はチェックリストにありません(内容は保持します)"),
                    format!("item {id} is not in the checklist (kept as it is)"),
                ),
            )
            .with_item(id.as_str()),
        );
    }
}

fn form_name(kind: Option<DocKind>) -> String {
    kind.map(|k| k.form().to_string().to_uppercase())
        .unwrap_or_default()
}

/// Whether every only-if condition of the item holds.
fn conditions_hold(item: &Item, answers: &Map<String, Value>, checklist: &Checklist) -> bool {
    item.conditions().all(|cond| {
        checklist.item(cond.item.as_str()).is_some()
            && answer_of(answers, cond.item.as_str()) == Some(cond.answer)
    })
}

fn answer_of(answers: &Map<String, Value>, id: &str) -> Option<Answer> {
    answers.get(id)?.get("answer")?.as_str()?.parse().ok()
}

/// Checks the shape of one answer entry and reports what is wrong with it.
fn read_entry<'a>(
    id: &str,
    entry: &'a Value,
    item: Option<&Item>,
    out: &mut Vec<Finding>,
) -> Option<Found<'a>> {
    let Some(obj) = entry.as_object() else {
        wrong_type(out, &["answers", id], "object {answer, remark}", entry);
        return None;
    };
    let kind = item.map_or(AnswerKind::YesNoNa, |i| i.answer);
    let invalid = |value: String| {
        let allowed = match kind {
            AnswerKind::YesNoNa => "\"yes\" | \"no\" | \"na\" | null",
            AnswerKind::YesNo => "\"yes\" | \"no\" | null",
        };
        Finding::new(
            Code::InvalidAnswer,
            Location::pointer(["answers", id, "answer"]),
            Text::new(
                format!("項目 {id} の回答 {value} は使えません({allowed})"),
                format!("item {id}: answer {value} is not allowed ({allowed})"),
            ),
        )
        .with_item(id)
    };
    let mut invalid_answer = true;
    let answer = match obj.get("answer") {
        None | Some(Value::Null) => {
            invalid_answer = false;
            None
        }
        Some(Value::String(s)) => match s.parse::<Answer>() {
            Ok(a) if kind.accepts(a) => {
                invalid_answer = false;
                Some(a)
            }
            _ => {
                let mut finding = invalid(format!("{s:?}"));
                if let Some(meant) = Answer::parse_loose(s).filter(|a| kind.accepts(*a)) {
                    finding
                        .message
                        .ja
                        .push_str(&format!("。\"{meant}\" と書いてください"));
                    finding.message.en.push_str(&format!("; write \"{meant}\""));
                }
                out.push(finding);
                None
            }
        },
        Some(other) => {
            out.push(invalid(other.to_string()));
            None
        }
    };
    let remark = match obj.get("remark") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            wrong_type(out, &["answers", id, "remark"], "string", other);
            ""
        }
    };
    match obj.get("source_text") {
        None | Some(Value::Null | Value::String(_)) => {}
        Some(other) => wrong_type(out, &["answers", id, "source_text"], "string", other),
    }
    match obj.get("evidence") {
        None | Some(Value::Null) => {}
        Some(Value::Array(links)) => {
            for (n, link) in links.iter().enumerate() {
                if !link.is_string() {
                    let n = n.to_string();
                    wrong_type(out, &["answers", id, "evidence", &n], "string", link);
                }
            }
        }
        Some(other) => wrong_type(out, &["answers", id, "evidence"], "array of strings", other),
    }
    Some(Found {
        answer,
        invalid_answer,
        remark,
    })
}
