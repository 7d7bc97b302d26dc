//! Validation of a disclosure document against its checklist: every problem, with its place.
//!
//! The validator walks the JSON value itself rather than the typed [`crate::Disclosure`], so that a
//! document with a wrong value in one place still gets every other problem reported. It is at
//! least as strict as the typed model: a document without structural findings (invalid-field,
//! bad-date, missing-subject-field, duplicate-key) reads as a [`crate::Disclosure`].

use std::collections::{BTreeMap, BTreeSet};

use kaiji_catalog::{Answer, AnswerKind, CatalogId, Checklist, Item, Registry, Text};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use strum::IntoEnumIterator;

use crate::disclosure::SubjectField;
use crate::{Code, Disclosure, DocKind, Error, Finding, IsoDate, Location};

/// Parses and validates a document. A syntax error is an `Err` (with line and column); every
/// other problem is a finding.
pub fn validate_str(text: &str, registry: &Registry) -> Result<Vec<Finding>, Error> {
    let text = kaiji_catalog::strip_bom(text);
    let value: Value = kaiji_catalog::parse_json(text).map_err(Error::Json)?;
    let mut findings = duplicate_keys(text);
    findings.extend(validate_value(&value, registry));
    Ok(findings)
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
    // An RSS SDS also follows the RSS rules; they read the typed document, so they apply once
    // the document is well-formed enough to be one.
    if kind == Some(DocKind::RssSds)
        && let Ok(doc) = serde_json::from_value::<Disclosure>(value.clone())
    {
        out.extend(super::validate_rss(&doc, registry));
    }
    out
}

/// Validates a typed document: the same findings as [`validate_value`] on its JSON, without
/// building the JSON (the importer validates every workbook it reads).
pub fn validate_document(doc: &Disclosure, registry: &Registry) -> Vec<Finding> {
    let mut out = Vec::new();
    let kind = Some(doc.kind);
    let mut root = Map::new();
    root.insert(
        "catalog".into(),
        serde_json::json!({"id": doc.catalog.id, "revision": doc.catalog.revision}),
    );
    root.insert(
        "subject".into(),
        serde_json::to_value(&doc.subject).unwrap_or(Value::Null),
    );
    let checklist = check_catalog(&root, kind, registry, &mut out);
    check_subject(&root, kind, &mut out);
    let items = item_index(checklist);
    let mut entries = BTreeMap::new();
    let mut shapes: BTreeMap<&str, Vec<Finding>> = BTreeMap::new();
    for (id, entry) in &doc.answers {
        let answer_kind = items
            .get(id.as_str())
            .map_or(AnswerKind::YesNoNa, |i| i.answer);
        let state = match entry.answer {
            None => State::Unanswered,
            Some(a) if answer_kind.accepts(a) => State::Given(a),
            Some(a) => {
                shapes.insert(
                    id.as_str(),
                    vec![invalid_answer(
                        id,
                        &format!("{:?}", a.to_string()),
                        None,
                        answer_kind,
                    )],
                );
                State::Invalid
            }
        };
        entries.insert(
            id.as_str(),
            Entry {
                state,
                remark: &entry.remark,
            },
        );
    }
    check_rules(&entries, shapes, kind, checklist, &mut out);
    out.extend(super::validate_rss(doc, registry));
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

fn wrong_type(path: &[&str], expected: &str, found: &Value) -> Finding {
    Finding::new(
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
    )
}

fn check_kind(root: &Map<String, Value>, out: &mut Vec<Finding>) -> Option<DocKind> {
    let expected = "\"mds\" | \"sds\" | \"rss-sds\"";
    match root.get("kind") {
        None => missing_field(out, &["kind"], expected),
        Some(Value::String(s)) => match s.parse::<DocKind>() {
            Ok(kind) => return Some(kind),
            Err(_) => out.push(Finding::new(
                Code::InvalidField,
                Location::pointer(["kind"]),
                Text::new(
                    format!("kind {s:?} は使えません({expected})"),
                    format!("kind {s:?} is not allowed ({expected})"),
                ),
            )),
        },
        Some(other) => out.push(wrong_type(&["kind"], expected, other)),
    }
    None
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
            out.push(wrong_type(&["catalog"], "object {id, revision}", other));
            return None;
        }
    };
    for key in catalog
        .keys()
        .filter(|k| !matches!(k.as_str(), "id" | "revision"))
    {
        out.push(Finding::new(
            Code::InvalidField,
            Location::pointer(["catalog", key]),
            Text::new(
                format!("catalog に未知のフィールド {key:?} があります(id と revision だけ)"),
                format!("catalog has an unknown field {key:?} (only id and revision)"),
            ),
        ));
    }
    let mut field = |name: &str| match catalog.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            out.push(wrong_type(&["catalog", name], "string", other));
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
    let found = registry
        .catalog_for(&CatalogId {
            id: id.clone(),
            revision: revision.clone(),
        })
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
                catalog.kind()
            ),
            format!("{id}@{revision} is not a checklist ({})", catalog.kind()),
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
            out.push(wrong_type(&["subject"], "object", other));
            return;
        }
    };
    for field in SubjectField::iter() {
        let key = field.key();
        let required = kind.is_some_and(|k| field.is_required(k));
        let blank = match subject.get(key) {
            None => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(other) => {
                out.push(wrong_type(&["subject", key], "string", other));
                continue;
            }
        };
        if blank && (required || field == SubjectField::Date) {
            out.push(missing_subject_field(field));
        } else if field == SubjectField::Date
            && let Some(Value::String(s)) = subject.get(key)
            && s.parse::<IsoDate>().is_err()
        {
            out.push(Finding::new(
                Code::BadDate,
                Location::pointer(["subject", key]),
                Text::new(
                    format!("作成日 {s:?} は YYYY-MM-DD 形式の日付ではありません"),
                    format!("date {s:?} is not a YYYY-MM-DD date"),
                ),
            ));
        }
    }
}

/// A cover dated after `today` (the review or validation date, given by the caller: the library
/// reads no clock). A day of slack: a vendor in Tokyo dates its cover by Japanese time, which can
/// be tomorrow for a clock set to UTC.
pub fn future_cover_date(date: Option<IsoDate>, today: jiff::civil::Date) -> Option<Finding> {
    let date = date?;
    let tomorrow = today.tomorrow().ok()?;
    (date.date() > tomorrow).then(|| {
        Finding::new(
            Code::FutureDate,
            Location::pointer(["subject", "date"]),
            Text::new(
                format!("作成日 {date} は今日({today})より後の日付です"),
                format!("the date {date} is after today ({today})"),
            ),
        )
    })
}

/// The finding for an empty cover field.
pub fn missing_subject_field(field: SubjectField) -> Finding {
    let label = field.label();
    Finding::new(
        Code::MissingSubjectField,
        Location::pointer(["subject", field.key()]),
        Text::new(
            format!("表紙の {} が空です", label.ja),
            format!("cover field {} is empty", label.en),
        ),
    )
}

/// What an answer entry holds, after its shape was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// No entry, or `answer` absent or null.
    Unanswered,
    /// Something is there but it is not an allowed answer (already reported).
    Invalid,
    Given(Answer),
}

struct Entry<'a> {
    state: State,
    remark: &'a str,
}

/// Whether an only-if condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Holds,
    Fails,
    /// The item it depends on is unanswered or invalid: its own finding says so.
    Unknown,
}

fn check_answers(
    root: &Map<String, Value>,
    kind: Option<DocKind>,
    checklist: Option<&Checklist>,
    out: &mut Vec<Finding>,
) {
    let empty = Map::new();
    let answers = match root.get("answers") {
        None => &empty,
        Some(Value::Object(a)) => a,
        Some(other) => {
            out.push(wrong_type(&["answers"], "object", other));
            &empty
        }
    };
    // The shape of every entry; its findings are reported at the item's turn, so that the
    // findings of one item stand together and in checklist order.
    let items = item_index(checklist);
    let mut entries = BTreeMap::new();
    let mut shapes: BTreeMap<&str, Vec<Finding>> = BTreeMap::new();
    for (id, value) in answers {
        let (entry, findings) = read_entry(id, value, items.get(id.as_str()).copied());
        entries.insert(id.as_str(), entry);
        shapes.insert(id.as_str(), findings);
    }
    check_rules(&entries, shapes, kind, checklist, out);
}

/// The items of a checklist by id, for lookups in documents of many answers.
fn item_index(checklist: Option<&Checklist>) -> BTreeMap<&str, &Item> {
    checklist
        .map(|c| c.items().map(|i| (i.id.as_str(), i)).collect())
        .unwrap_or_default()
}

/// The rules over read entries: form, conditions, remarks, unknown items.
fn check_rules(
    entries: &BTreeMap<&str, Entry<'_>>,
    mut shapes: BTreeMap<&str, Vec<Finding>>,
    kind: Option<DocKind>,
    checklist: Option<&Checklist>,
    out: &mut Vec<Finding>,
) {
    let mut shape_findings = |id: &str, out: &mut Vec<Finding>| {
        if let Some(findings) = shapes.get_mut(id) {
            out.append(findings);
        }
    };

    let Some(checklist) = checklist else {
        for id in entries.keys() {
            shape_findings(id, out);
        }
        return;
    };
    let known: BTreeSet<&str> = checklist.items().map(|i| i.id.as_str()).collect();
    if let Some(form) = kind.map(DocKind::form) {
        let state = |id: &str| entries.get(id).map_or(State::Unanswered, |e| e.state);
        for item in checklist.items() {
            let id = item.id.as_str();
            shape_findings(id, out);
            if !item.forms.contains(&form) {
                if entries.contains_key(id) {
                    out.push(item_not_in_form(id, form));
                }
                continue;
            }
            let conditions: Vec<(&kaiji_catalog::Condition, Cond)> = item
                .conditions()
                .map(|c| {
                    let holds = match state(c.item.as_str()) {
                        State::Given(a) if a == c.answer => Cond::Holds,
                        State::Given(_) => Cond::Fails,
                        State::Unanswered | State::Invalid => Cond::Unknown,
                    };
                    (c, holds)
                })
                .collect();
            let applies = conditions.iter().all(|(_, c)| *c == Cond::Holds);
            let entry = entries.get(id);
            match entry.map_or(State::Unanswered, |e| e.state) {
                State::Unanswered if applies => out.push(missing_answer(item)),
                State::Unanswered | State::Invalid => {}
                State::Given(answer) => {
                    let remark_blank = entry.is_none_or(|e| e.remark.trim().is_empty());
                    if applies && remark_blank && item.remark_required_for().any(|a| a == answer) {
                        out.push(remark_required(id, answer));
                    }
                    if answer != Answer::Na {
                        for (cond, _) in conditions.iter().filter(|(_, c)| *c == Cond::Fails) {
                            let State::Given(actual) = state(cond.item.as_str()) else {
                                continue;
                            };
                            out.push(rule_violated(id, cond, actual));
                        }
                    }
                }
            }
        }
    }
    for id in entries.keys().copied().filter(|id| !known.contains(id)) {
        shape_findings(id, out);
        out.push(
            Finding::new(
                Code::UnknownItem,
                Location::pointer(["answers", id]),
                Text::new(
                    format!("項目 {id} はチェックリストにありません(内容は保持します)"),
                    format!("item {id} is not in the checklist (kept as it is)"),
                ),
            )
            .with_item(id),
        );
    }
}

fn item_not_in_form(id: &str, form: kaiji_catalog::Form) -> Finding {
    let form = form.to_string().to_uppercase();
    Finding::new(
        Code::ItemNotInForm,
        Location::pointer(["answers", id]),
        Text::new(
            format!("項目 {id} はこの様式({form})の項目ではありません"),
            format!("item {id} is not part of the {form} form"),
        ),
    )
    .with_item(id)
}

fn missing_answer(item: &Item) -> Finding {
    let id = item.id.as_str();
    Finding::new(
        Code::MissingAnswer,
        Location::pointer(["answers", id]),
        Text::new(
            format!("項目 {id}({})に回答がありません", item.text.ja),
            format!("item {id} ({}) has no answer", item.text.en),
        ),
    )
    .with_item(id)
}

fn remark_required(id: &str, answer: Answer) -> Finding {
    let label = answer.label();
    Finding::new(
        Code::RemarkRequired,
        Location::pointer(["answers", id, "remark"]),
        Text::new(
            format!(
                "項目 {id} の回答「{}」には備考(理由・代替策・予定)が必要です",
                label.ja
            ),
            format!(
                "item {id} answered \"{}\" needs a remark (reason, compensating control or plan)",
                label.en
            ),
        ),
    )
    .with_item(id)
}

fn rule_violated(id: &str, cond: &kaiji_catalog::Condition, actual: Answer) -> Finding {
    Finding::new(
        Code::RuleViolated,
        Location::pointer(["answers", id, "answer"]),
        Text::new(
            format!(
                "項目 {id} は項目 {} が「{}」のときだけ回答します(現在: {})",
                cond.item,
                cond.answer.label().ja,
                actual.label().ja
            ),
            format!(
                "item {id} applies only when item {} is \"{}\" (it is \"{}\")",
                cond.item,
                cond.answer.label().en,
                actual.label().en
            ),
        ),
    )
    .with_item(id)
}

/// Checks the shape of one answer entry; returns what it holds and what is wrong with it.
fn read_entry<'a>(id: &str, entry: &'a Value, item: Option<&Item>) -> (Entry<'a>, Vec<Finding>) {
    let mut out = Vec::new();
    let Some(obj) = entry.as_object() else {
        out.push(wrong_type(&["answers", id], "object {answer, remark}", entry).with_item(id));
        let entry = Entry {
            state: State::Invalid,
            remark: "",
        };
        return (entry, out);
    };
    let kind = item.map_or(AnswerKind::YesNoNa, |i| i.answer);
    let state = match obj.get("answer") {
        None | Some(Value::Null) => State::Unanswered,
        Some(Value::String(s)) => match s.parse::<Answer>() {
            Ok(a) if kind.accepts(a) => State::Given(a),
            _ => {
                out.push(invalid_answer(
                    id,
                    &format!("{s:?}"),
                    Answer::parse_loose(s),
                    kind,
                ));
                State::Invalid
            }
        },
        Some(other) => {
            out.push(invalid_answer(id, &other.to_string(), None, kind));
            State::Invalid
        }
    };
    let mut string_field = |key: &str| match obj.get(key) {
        None => "",
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            out.push(wrong_type(&["answers", id, key], "string", other).with_item(id));
            ""
        }
    };
    let remark = string_field("remark");
    string_field("source_text");
    string_field("source_answer");
    match obj.get("evidence") {
        None => {}
        Some(Value::Array(links)) => {
            for (n, link) in links.iter().enumerate().filter(|(_, l)| !l.is_string()) {
                let n = n.to_string();
                out.push(
                    wrong_type(&["answers", id, "evidence", &n], "string", link).with_item(id),
                );
            }
        }
        Some(other) => {
            out.push(
                wrong_type(&["answers", id, "evidence"], "array of strings", other).with_item(id),
            );
        }
    }
    (Entry { state, remark }, out)
}

fn invalid_answer(id: &str, value: &str, meant: Option<Answer>, kind: AnswerKind) -> Finding {
    let allowed = match kind {
        AnswerKind::YesNoNa => "\"yes\" | \"no\" | \"na\" | null",
        AnswerKind::YesNo => "\"yes\" | \"no\" | null",
    };
    let mut message = Text::new(
        format!("項目 {id} の回答 {value} は使えません({allowed})"),
        format!("item {id}: answer {value} is not allowed ({allowed})"),
    );
    if let Some(meant) = meant.filter(|a| kind.accepts(*a)) {
        message
            .ja
            .push_str(&format!("。\"{meant}\" と書いてください"));
        message.en.push_str(&format!("; write \"{meant}\""));
    }
    Finding::new(
        Code::InvalidAnswer,
        Location::pointer(["answers", id, "answer"]),
        message,
    )
    .with_item(id)
}

/// Keys that occur twice in one JSON object: serde keeps only the last, so the first would be
/// lost without a word. Reports each repeat with its pointer.
fn duplicate_keys(text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    // The text already parsed as a Value, so this walk cannot fail on syntax.
    let _ = Walk {
        path: Vec::new(),
        found: &mut found,
    }
    .deserialize(&mut de);
    found
        .into_iter()
        .map(|path| {
            let shown = path.join("/");
            Finding::new(
                Code::DuplicateKey,
                Location::pointer(path.iter().map(String::as_str)),
                Text::new(
                    format!("キー /{shown} が同じオブジェクトに2回以上あります。最後のものだけが読まれます"),
                    format!("key /{shown} occurs more than once in its object; only the last is read"),
                ),
            )
        })
        .collect()
}

struct Walk<'a> {
    path: Vec<String>,
    found: &'a mut Vec<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let mut path = self.path.clone();
            path.push(key.clone());
            if !seen.insert(key) {
                self.found.push(path.clone());
            }
            map.next_value_seed(Walk {
                path,
                found: self.found,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0usize;
        loop {
            let mut path = self.path.clone();
            path.push(n.to_string());
            if seq
                .next_element_seed(Walk {
                    path,
                    found: self.found,
                })?
                .is_none()
            {
                return Ok(());
            }
            n += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        let text = r#"{"a": 1, "b": {"x": [ {"k": 1, "k": 2} ]}, "a": 3}"#;
        let pointers: Vec<String> = duplicate_keys(text)
            .into_iter()
            .map(|f| f.location.to_string())
            .collect();
        assert_eq!(pointers, ["/b/x/0/k", "/a"]);
    }
}
