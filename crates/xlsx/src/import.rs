//! Turning the sheets of a workbook into disclosure documents, keeping every word.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kaiji_catalog::{Answer, Catalog, CatalogRef, Registry, Text};
use kaiji_model::{
    CatalogId, Code, Disclosure, DocKind, Finding, IsoDate, Location,
    disclosure::{AnswerEntry, Subject, SubjectField},
};
use strum::IntoEnumIterator;

use crate::{
    error::Error,
    layout::{
        cover::{cover_cells, cover_sheets, cover_text, cover_value_text},
        kind::{detect_catalog, detect_kind, is_default_sheet},
        number::{Matcher, count_items, date_number},
        own,
        table::{Layout, Role, find_layout, is_mark},
    },
    limits::Limits,
    read::read_workbook,
    sheet::Sheet,
    text,
};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The checklist to use, when the workbook does not say (or says wrongly).
    pub catalog: Option<CatalogRef>,
    /// Read only this sheet.
    pub sheet: Option<String>,
    /// The kind of disclosure, when the workbook does not say.
    pub kind: Option<DocKind>,
    pub limits: Limits,
}

/// One disclosure read from a workbook, with what kaiji noticed on the way (import findings and
/// the validation findings, each located at a cell).
#[derive(Debug, Clone)]
pub struct Imported {
    pub sheet: String,
    pub document: Disclosure,
    pub findings: Vec<Finding>,
}

/// Reads every checklist sheet of a workbook (an MDS sheet and an SDS sheet give two documents).
pub fn import(
    bytes: &[u8],
    registry: &Registry,
    options: &ImportOptions,
) -> Result<Vec<Imported>, Error> {
    let (_, sheets) = read_workbook(bytes, &options.limits)?;
    // Every sheet's checklist table, found once.
    let layouts: Vec<Option<Layout>> = sheets
        .iter()
        .map(|s| {
            (!own::is_hidden_sheet(&s.name))
                .then(|| find_layout(s))
                .flatten()
        })
        .collect();
    let book = Book {
        sheets: &sheets,
        tables: sheets
            .iter()
            .zip(&layouts)
            .filter(|(_, l)| l.is_some())
            .map(|(s, _)| s.name.as_str())
            .collect(),
        hidden: own::read_hidden(&sheets),
        detected: detect_catalog(&sheets, registry),
    };
    let mut candidates: Vec<(&Sheet, &Layout)> = sheets
        .iter()
        .zip(&layouts)
        .filter_map(|(s, l)| Some((s, l.as_ref()?)))
        .filter(|(s, _)| match &options.sheet {
            Some(want) => *want == s.name,
            // A filled-in example (記入例) or a hidden sheet is not the disclosure.
            None => is_default_sheet(s),
        })
        .collect();
    if let Some(want) = &options.sheet
        && candidates.is_empty()
    {
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        return Err(if names.contains(&want.as_str()) {
            Error::NoChecklist
        } else {
            Error::NoSuchSheet {
                sheet: want.clone(),
                sheets: names.join(", "),
            }
        });
    }
    // A table without a single item row is a legend, not a checklist.
    candidates.retain(|(s, l)| count_items(s, l) >= 1);
    if candidates.is_empty() {
        return Err(Error::NoChecklist);
    }
    candidates
        .into_iter()
        .map(|(sheet, layout)| import_sheet(&book, sheet, layout, registry, options))
        .collect()
}

/// What is known of the whole workbook while its sheets are read.
struct Book<'a> {
    sheets: &'a [Sheet],
    /// The names of the sheets that hold a checklist table.
    tables: BTreeSet<&'a str>,
    /// kaiji's hidden sheet, in a workbook kaiji wrote.
    hidden: Option<own::Hidden>,
    /// The checklist revision the workbook names.
    detected: Option<&'a Catalog>,
}

/// Where each part of the document came from, to point findings at cells. Items are kept by
/// key (a 50,000-row sheet makes 150,000 places: no JSON pointer is written for them); cell
/// names are made only for the findings that need them.
#[derive(Debug, Default)]
struct Places {
    sheets: Vec<String>,
    /// Places outside the answers, by JSON pointer (`/subject/date`).
    other: HashMap<String, Place>,
    items: HashMap<String, ItemPlaces>,
}

#[derive(Debug, Clone, Copy)]
struct Place {
    sheet: usize,
    row: usize,
    col: usize,
}

/// Where an item came from: the sheet, its row's number cell, its answer and remark cells
/// (row, column). Built while its row is read and recorded once.
#[derive(Debug)]
struct ItemPlaces {
    sheet: usize,
    row: (usize, usize),
    answer: Option<(usize, usize)>,
    remark: Option<(usize, usize)>,
}

impl Places {
    /// The index of a sheet's name (recorded on first use).
    fn sheet(&mut self, name: &str) -> usize {
        match self.sheets.iter().position(|s| s == name) {
            Some(i) => i,
            None => {
                self.sheets.push(name.to_owned());
                self.sheets.len() - 1
            }
        }
    }

    /// Records where a pointer outside the answers came from; the first place stays.
    fn put(&mut self, pointer: String, sheet: &str, row: usize, col: usize) {
        let sheet = self.sheet(sheet);
        self.other
            .entry(pointer)
            .or_insert(Place { sheet, row, col });
    }

    /// Records where item `key` came from; the first record stays.
    fn put_item(&mut self, key: &str, item: ItemPlaces) {
        if !self.items.contains_key(key) {
            self.items.insert(key.to_owned(), item);
        }
    }

    fn get(&self, pointer: &str) -> Option<(&str, usize, usize)> {
        self.other
            .get(pointer)
            .map(|p| (self.sheets[p.sheet].as_str(), p.row, p.col))
    }

    /// The sheet and cell for a JSON pointer: itself, or its nearest parent that has one.
    fn locate(&self, pointer: &str) -> Option<(String, String)> {
        let found = match pointer.strip_prefix("/answers/") {
            Some(rest) => {
                let (key, field) = rest.split_once('/').unwrap_or((rest, ""));
                let key = key.replace("~1", "/").replace("~0", "~");
                let item = self.items.get(&key)?;
                let field = match field.split('/').next() {
                    Some("answer") => item.answer,
                    Some("remark") => item.remark,
                    _ => None,
                };
                let (row, col) = field.unwrap_or(item.row);
                Place {
                    sheet: item.sheet,
                    row,
                    col,
                }
            }
            None => {
                let mut p = pointer;
                loop {
                    if let Some(place) = self.other.get(p) {
                        break *place;
                    }
                    p = &p[..p.rfind('/')?];
                }
            }
        };
        Some((
            self.sheets[found.sheet].clone(),
            text::cell_ref(found.row as u32, found.col as u32),
        ))
    }
}

fn located(code: Code, sheet: &str, row: usize, col: usize, message: Text) -> Finding {
    Finding::new(
        code,
        Location {
            sheet: Some(sheet.to_owned()),
            cell: Some(text::cell_ref(row as u32, col as u32)),
            ..Location::default()
        },
        message,
    )
}

fn import_sheet(
    book: &Book<'_>,
    sheet: &Sheet,
    layout: &Layout,
    registry: &Registry,
    options: &ImportOptions,
) -> Result<Imported, Error> {
    let (sheets, tables, hidden) = (book.sheets, &book.tables, book.hidden.as_ref());
    let mut findings = Vec::new();
    let mut places = Places::default();

    let catalog = match &options.catalog {
        Some(r) => registry
            .resolve(r)
            .filter(|c| c.as_checklist().is_some())
            .ok_or_else(|| Error::UnknownCatalog(r.to_string()))?,
        None => match book.detected {
            Some(c) => c,
            None => {
                let newest = newest_checklist(registry)
                    .ok_or_else(|| Error::UnknownCatalog("jahis-mds-sds".into()))?;
                findings.push(located(
                    Code::CatalogNotDetected,
                    &sheet.name,
                    layout.header_start,
                    0,
                    Text::new(
                        format!(
                            "チェックリストの版を読み取れないため {} とみなしました",
                            newest.key()
                        ),
                        format!(
                            "no checklist revision found in the workbook; assumed {}",
                            newest.key()
                        ),
                    ),
                ));
                newest
            }
        },
    };
    let checklist = catalog
        .as_checklist()
        .ok_or_else(|| Error::UnknownCatalog(catalog.key()))?;
    let kind = options
        .kind
        .or(hidden.and_then(|h| h.kind))
        .unwrap_or_else(|| detect_kind(sheets, sheet, layout));

    let Cover {
        values: mut cover,
        other: cover_text,
    } = read_cover(sheets, sheet, layout, tables, &mut places);
    if let Some(h) = hidden {
        for (key, exact) in &h.subject {
            if let Some(field) = SubjectField::iter().find(|f| f.key() == key)
                && cover.get(&field).is_none_or(|shown| shown == exact.trim())
            {
                cover.insert(field, exact.clone());
            }
        }
    }
    // A date kaiji cannot read is kept as written and reported at its cell.
    let date = cover_date(sheets, &places);
    let mut subject = Subject {
        organisation: String::new(),
        product: String::new(),
        model: String::new(),
        version: String::new(),
        date,
        contact: String::new(),
        description: String::new(),
        extra: hidden.map(|h| h.subject_extra.clone()).unwrap_or_default(),
    };
    for (field, value) in &cover {
        subject.set_text(*field, value.clone());
    }
    // The rest of the cover (titles, labels kaiji does not know): kept, not interpreted. In a
    // workbook kaiji wrote, the hidden sheet holds the subject's extra fields already; only text
    // typed there since (not what kaiji wrote) is added, with a finding at its cell.
    match hidden {
        None if !cover_text.is_empty() => {
            let texts = cover_text
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)));
            subject.extra.insert(
                "cover_text".into(),
                serde_json::Value::Object(texts.collect()),
            );
        }
        Some(own::Hidden {
            written: Some(written),
            ..
        }) => {
            let typed: Vec<(String, String)> = cover_text
                .into_iter()
                .filter(|(place, t)| written.cover.get(place).is_none_or(|w| w != t.trim()))
                .collect();
            keep_typed_cover(typed, &mut subject.extra, &mut findings);
        }
        _ => {}
    }
    let date_written = cover.get(&SubjectField::Date).filter(|_| date.is_none());
    if let Some(raw) = date_written {
        subject.extra.insert(
            "date_as_written".into(),
            serde_json::Value::String(raw.clone()),
        );
        if let Some((name, r, c)) = places.get("/subject/date") {
            findings.push(located(
                Code::BadDate,
                name,
                r,
                c,
                Text::new(
                    format!("作成日 {raw:?} を日付として読めません(date_as_written に残しました)"),
                    format!("date {raw:?} is not a date kaiji can read (kept as date_as_written)"),
                ),
            ));
        }
    }
    let date_found = date.is_some() || date_written.is_some();

    let matcher = Matcher::new(checklist, kind);
    let answers = read_items(sheet, layout, &matcher, hidden, &mut places, &mut findings);

    let document = Disclosure {
        kind,
        catalog: CatalogId::of(&catalog.header),
        subject,
        answers,
        extra: hidden.map(|h| h.extra.clone()).unwrap_or_default(),
    };

    // Validate what was read, and point each finding at its cell.
    let mut checked = kaiji_model::disclosure::validate_document(&document, registry);
    if !date_found {
        // No date on the cover: the placeholder in the document is not a date anyone gave.
        let at = checked
            .iter()
            .position(|f| {
                f.location
                    .pointer
                    .as_deref()
                    .is_some_and(|p| p.starts_with("/answers"))
            })
            .unwrap_or(checked.len());
        checked.insert(
            at,
            kaiji_model::disclosure::missing_subject_field(SubjectField::Date),
        );
    }
    for mut finding in checked {
        let place = finding
            .location
            .pointer
            .as_deref()
            .and_then(|p| places.locate(p));
        match place {
            Some((sheet_name, cell)) => {
                finding.location.sheet = Some(sheet_name);
                finding.location.cell = Some(cell);
            }
            // Not in the workbook at all (an item the sheet lacks): name the sheet.
            None => finding.location.sheet = Some(sheet.name.clone()),
        }
        findings.push(finding);
    }
    Ok(Imported {
        sheet: sheet.name.clone(),
        document,
        findings,
    })
}

/// Text typed on the cover of a workbook kaiji wrote, by place (`表紙!B13`): kept in the
/// subject's `cover_text`, each with a stray-text finding at its cell.
fn keep_typed_cover(
    typed: Vec<(String, String)>,
    extra: &mut BTreeMap<String, serde_json::Value>,
    findings: &mut Vec<Finding>,
) {
    if typed.is_empty() {
        return;
    }
    // Findings in the order of the sheet: by row, then column ("A13" after "C4").
    let mut typed = typed;
    typed.sort_by_key(|(place, _)| {
        let (sheet, cell) = place.rsplit_once('!').unwrap_or(("", place));
        (sheet.to_owned(), text::parse_cell_ref(cell))
    });
    // Next to the cover text kept from an earlier import, if the document has some.
    let key = match extra.get("cover_text") {
        None | Some(serde_json::Value::Object(_)) => "cover_text",
        Some(_) => "cover_text_typed",
    };
    let entry = extra
        .entry(key.to_owned())
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    let Some(map) = entry.as_object_mut() else {
        return;
    };
    for (place, t) in typed {
        if let Some((sheet, cell)) = place.rsplit_once('!')
            && let Some((r, c)) = text::parse_cell_ref(cell)
        {
            findings.push(located(
                Code::StrayText,
                sheet,
                r as usize,
                c as usize,
                Text::new(
                    format!("表紙の文字 {t:?} を subject.extra.{key} に残しました"),
                    format!("text {t:?} on the cover was kept in subject.extra.{key}"),
                ),
            ));
        }
        map.insert(place, serde_json::Value::String(t));
    }
}

fn newest_checklist(registry: &Registry) -> Option<&Catalog> {
    let any = "jahis-mds-sds".parse::<CatalogRef>().ok()?;
    registry
        .resolve(&any)
        .filter(|c| c.as_checklist().is_some())
}

/// One item as read from its row(s).
struct Row {
    key: String,
    entry: AnswerEntry,
}

fn read_items(
    sheet: &Sheet,
    layout: &Layout,
    matcher: &Matcher<'_>,
    hidden: Option<&own::Hidden>,
    places: &mut Places,
    findings: &mut Vec<Finding>,
) -> BTreeMap<String, AnswerEntry> {
    let mut answers: BTreeMap<String, AnswerEntry> = BTreeMap::new();
    let Some(id_col) = layout.id_col() else {
        return answers;
    };
    let mut current: Option<Row> = None;
    let name = sheet.name.as_str();
    let sheet_index = places.sheet(name);
    // In kaiji's own layout, what kaiji wrote in the cells it does not read back: text that
    // differs from it was typed by someone and is kept.
    let written = hidden
        .and_then(|h| h.written.as_ref())
        .filter(|_| layout.col(Role::ItemId).is_some());
    // Rows taken for section titles since the last item row: with no item after them they are
    // notes under the table, not titles, and are kept.
    let mut titles: Vec<(usize, Vec<usize>)> = Vec::new();
    let finish = |row: Option<Row>, answers: &mut BTreeMap<String, AnswerEntry>| {
        if let Some(row) = row {
            answers.insert(row.key, row.entry);
        }
    };

    for r in layout.header_end + 1..sheet.rows.len() {
        // Formula cells without a saved value, anywhere in the table.
        for c in 0..sheet.rows[r].len() {
            if sheet
                .cell(r, c)
                .is_some_and(|cell| cell.formula_without_value)
            {
                findings.push(located(
                    Code::FormulaWithoutValue,
                    name,
                    r,
                    c,
                    Text::new(
                        "数式に保存された値がありません(空として読みました)",
                        "the formula has no saved value (read as empty)",
                    ),
                ));
            }
        }
        let as_date = date_number(sheet, r, id_col);
        let id_text = as_date.as_deref().unwrap_or_else(|| sheet.text(r, id_col));
        let covered = sheet.merge_origin(r, id_col).is_some_and(|(mr, _)| mr < r);
        let number = if covered || id_text.is_empty() {
            None
        } else if layout.col(Role::ItemId).is_some() {
            // kaiji's own layout: the id cell holds the key exactly.
            Some(id_text.to_owned())
        } else {
            text::item_number(id_text)
        };
        if let Some(number) = number {
            titles.clear();
            finish(current.take(), &mut answers);
            let item = matcher.find(&number);
            let key = item.map_or_else(|| number.clone(), |i| i.id.to_string());
            if answers.contains_key(&key) {
                // The same item twice: keep both, the second under a marked key.
                findings.push(located(
                    Code::DuplicateKey,
                    name,
                    r,
                    id_col,
                    Text::new(
                        format!(
                            "項目 {number} が2回目に現れました。{key}#{} として残します",
                            r + 1
                        ),
                        format!(
                            "item {number} appears a second time; kept as {key}#{}",
                            r + 1
                        ),
                    ),
                ));
            }
            let key = if answers.contains_key(&key) {
                format!("{key}#{}", r + 1)
            } else {
                key
            };
            let mut at = ItemPlaces {
                sheet: sheet_index,
                row: (r, id_col),
                answer: None,
                remark: None,
            };
            let mut entry = AnswerEntry::default();
            at.answer = read_answer(sheet, layout, r, &key, &mut entry, findings);
            if let Some(c) = layout.col(Role::Remark) {
                entry.remark = sheet.text(r, c).to_owned();
                at.remark = Some((r, c));
            }
            places.put_item(&key, at);
            if let Some(c) = layout.col(Role::Evidence) {
                entry.evidence = own::evidence_links(sheet.text(r, c));
            }
            if let Some(c) = layout.col(Role::Question) {
                let q = sheet.text(r, c);
                let own_layout = layout.col(Role::ItemId).is_some();
                // kaiji's own layout shows the paraphrase where the workbook had no question text.
                let shows_paraphrase =
                    own_layout && item.is_some_and(|i| q == i.text.ja || q == i.text.en);
                if !q.is_empty() && !shows_paraphrase {
                    entry.source_text = Some(q.to_owned());
                }
            }
            if let Some(h) = hidden.and_then(|h| h.answers.get(&key)) {
                restore(&mut entry, h);
            }
            keep_stray(sheet, layout, r, &key, &mut entry, findings, written);
            current = Some(Row { key, entry });
            continue;
        }
        // Not an item row: blank, a section title, a remark that spills on, or other text that
        // must not be lost.
        let content: Vec<usize> = (0..sheet.rows[r].len())
            .filter(|c| !sheet.text(r, *c).is_empty())
            .filter(|c| sheet.merge_origin(r, *c).is_none_or(|o| o == (r, *c)))
            .collect();
        if content.is_empty() {
            continue;
        }
        // A section title stands in the number, question or category column, or is merged
        // across the table; text anywhere else is kept. In kaiji's own layout a title is a
        // heading row as kaiji wrote it.
        let structural = |c: &usize| {
            let merged = sheet
                .merges
                .iter()
                .any(|m| m.start == (r as u32, *c as u32) && m.end.1 > m.start.1);
            match written {
                Some(w) => merged && w.is_heading(sheet.text(r, *c)),
                None => {
                    merged
                        || matches!(
                            layout.role(*c),
                            Some(Role::No | Role::ItemId | Role::Question | Role::Category)
                        )
                }
            }
        };
        if content.iter().all(structural) && (content.len() == 1 || current.is_none()) {
            // A section title: the form's structure, which the catalog has too.
            finish(current.take(), &mut answers);
            titles.push((r, content));
            continue;
        }
        keep_outside(
            sheet,
            layout,
            r,
            &content,
            &mut current,
            (places, sheet_index),
            findings,
        );
    }
    // Titles with no item after them: notes under the table.
    for (r, content) in std::mem::take(&mut titles) {
        keep_outside(
            sheet,
            layout,
            r,
            &content,
            &mut current,
            (places, sheet_index),
            findings,
        );
    }
    finish(current.take(), &mut answers);
    answers
}

/// Text outside an item row (`content`: its columns) is kept: in the remark of the item above
/// (a remark that spills into the next row, as it is; other text with its cell), or before the
/// first item in an item of its own under its row number, with a finding at each cell.
fn keep_outside(
    sheet: &Sheet,
    layout: &Layout,
    r: usize,
    content: &[usize],
    current: &mut Option<Row>,
    (places, sheet_index): (&mut Places, usize),
    findings: &mut Vec<Finding>,
) {
    let remark_col = layout.col(Role::Remark);
    let row = current.get_or_insert_with(|| {
        // Text before the first item: kept as an item of its own, under its row number.
        let key = format!("row-{}", r + 1);
        places.put_item(
            &key,
            ItemPlaces {
                sheet: sheet_index,
                row: (r, content[0]),
                answer: None,
                remark: None,
            },
        );
        Row {
            key,
            entry: AnswerEntry::default(),
        }
    });
    for &c in content {
        let text = sheet.text(r, c);
        if !row.entry.remark.is_empty() {
            row.entry.remark.push('\n');
        }
        if Some(c) == remark_col {
            // A remark that spills into the next row belongs to the item above.
            row.entry.remark.push_str(text);
            continue;
        }
        let cell = text::cell_ref(r as u32, c as u32);
        row.entry.remark.push_str(&format!("[{cell}] {text}"));
        findings.push(
            located(
                Code::StrayText,
                &sheet.name,
                r,
                c,
                Text::new(
                    format!(
                        "項目の行の外の文字 {text:?} を {} の備考に加えました",
                        row.key
                    ),
                    format!(
                        "text {text:?} outside an item row was added to the remark of {}",
                        row.key
                    ),
                ),
            )
            .with_item(row.key.as_str()),
        );
    }
}

fn read_answer(
    sheet: &Sheet,
    layout: &Layout,
    r: usize,
    key: &str,
    entry: &mut AnswerEntry,
    findings: &mut Vec<Finding>,
) -> Option<(usize, usize)> {
    let name = sheet.name.as_str();
    if let Some(c) = layout.col(Role::Answer) {
        let raw = sheet.text(r, c);
        if raw.is_empty() {
            return Some((r, c));
        }
        match Answer::parse_loose(raw) {
            Some(a) => entry.answer = Some(a),
            None => {
                entry.source_answer = Some(raw.to_owned());
                findings.push(
                    located(
                        Code::UnreadableAnswer,
                        name,
                        r,
                        c,
                        Text::new(
                            format!("回答 {raw:?} を はい・いいえ・該当なし として読めません(source_answer に残しました)"),
                            format!("answer {raw:?} is not yes, no or not applicable (kept in source_answer)"),
                        ),
                    )
                    .with_item(key),
                );
            }
        }
        return Some((r, c));
    }
    let marks: Vec<(usize, Answer, &str)> = layout
        .marks()
        .map(|(c, a)| (c, a, sheet.text(r, c)))
        .filter(|(_, _, t)| !t.is_empty())
        .collect();
    let place = marks
        .first()
        .map(|(c, _, _)| *c)
        .or_else(|| layout.marks().next().map(|(c, _)| c))
        .map(|c| (r, c));
    let marked: Vec<&(usize, Answer, &str)> = marks.iter().filter(|(_, _, t)| is_mark(t)).collect();
    // Every non-empty answer cell with its column, as "はい=○ いいえ=一部のみ", for
    // source_answer.
    let said = |cells: &[&(usize, Answer, &str)]| {
        cells
            .iter()
            .map(|(_, a, t)| format!("{}={t}", a.label().ja))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let all: Vec<&(usize, Answer, &str)> = marks.iter().collect();
    match marked.as_slice() {
        [] => {
            if let Some((c, _, _)) = marks.first() {
                let raw = said(&all);
                findings.push(
                    located(
                        Code::UnreadableAnswer,
                        name,
                        r,
                        *c,
                        Text::new(
                            format!("回答欄の {raw:?} を印として読めません(source_answer に残しました)"),
                            format!("{raw:?} in the answer columns is not a mark (kept in source_answer)"),
                        ),
                    )
                    .with_item(key),
                );
                entry.source_answer = Some(raw);
            }
        }
        [(_, answer, _)] => {
            entry.answer = Some(*answer);
            // Text beside the mark (いいえ column: "一部のみ") is kept as the answer cells said it.
            if all.len() > 1 {
                let raw = said(&all);
                findings.push(
                    located(
                        Code::StrayText,
                        name,
                        r,
                        all.iter().find(|(_, _, t)| !is_mark(t)).map_or(0, |(c, _, _)| *c),
                        Text::new(
                            format!("回答欄に印以外の文字があります({raw}、source_answer に残しました)"),
                            format!("the answer columns hold more than the mark ({raw}; kept in source_answer)"),
                        ),
                    )
                    .with_item(key),
                );
                entry.source_answer = Some(raw);
            }
        }
        many => {
            let raw = said(&all);
            findings.push(
                located(
                    Code::ConflictingAnswers,
                    name,
                    r,
                    many[0].0,
                    Text::new(
                        format!("複数の回答に印があります({raw})"),
                        format!("more than one answer is marked ({raw})"),
                    ),
                )
                .with_item(key),
            );
            entry.source_answer = Some(raw);
        }
    }
    place
}

/// Puts back the exact values the hidden sheet kept, where the visible cells still agree with
/// them (an edit made in Excel wins).
fn restore(entry: &mut AnswerEntry, hidden: &own::HiddenAnswer) {
    entry.extra.clone_from(&hidden.extra);
    if let Some(exact) = &hidden.remark
        && exact.trim() == entry.remark
    {
        entry.remark.clone_from(exact);
    }
    if let Some(exact) = &hidden.evidence
        && own::evidence_links(&own::evidence_cell(exact)) == entry.evidence
    {
        entry.evidence.clone_from(exact);
    }
    if let Some(exact) = &hidden.source_text
        && entry
            .source_text
            .as_deref()
            .is_none_or(|shown| shown == exact.trim())
    {
        entry.source_text = Some(exact.clone());
    }
    if entry.answer.is_some() && hidden.source_answer.is_some() && entry.source_answer.is_none() {
        entry.source_answer.clone_from(&hidden.source_answer);
    }
    if let (Some(exact), Some(shown)) = (&hidden.source_answer, &entry.source_answer)
        && exact.trim() == shown
    {
        entry.source_answer = Some(exact.clone());
    }
}

/// Text in a column kaiji does not read (or, in its own layout, text typed over what it wrote)
/// is appended to the remark, with a finding.
fn keep_stray(
    sheet: &Sheet,
    layout: &Layout,
    r: usize,
    key: &str,
    entry: &mut AnswerEntry,
    findings: &mut Vec<Finding>,
    written: Option<&own::Written>,
) {
    for c in 0..sheet.rows[r].len() {
        let t = sheet.text(r, c);
        if t.is_empty() || sheet.merge_origin(r, c).is_some_and(|o| o != (r, c)) {
            continue;
        }
        let expected = match layout.role(c) {
            Some(
                Role::ItemId
                | Role::Question
                | Role::Answer
                | Role::Mark(_)
                | Role::Remark
                | Role::Evidence
                | Role::Category,
            ) => true,
            // The form's own number and guideline references; in kaiji's own layout only as
            // kaiji wrote them (text typed over them is kept).
            Some(Role::No) => written.is_none_or(|w| w.is_number(key, t)),
            Some(Role::GlRef) => written.is_none_or(|w| w.is_gl_refs(key, t)),
            _ => false,
        };
        if expected {
            continue;
        }
        let cell = text::cell_ref(r as u32, c as u32);
        if !entry.remark.is_empty() {
            entry.remark.push('\n');
        }
        entry.remark.push_str(&format!("[{cell}] {t}"));
        findings.push(
            located(
                Code::StrayText,
                &sheet.name,
                r,
                c,
                Text::new(
                    format!("想定外の列の文字 {t:?} を備考に加えました"),
                    format!("text {t:?} from an unexpected column was added to the remark"),
                ),
            )
            .with_item(key),
        );
    }
}

/// What the cover says: the subject fields, and every other text on it ("Sheet!A3" → text:
/// a title, a label kaiji does not know and its value), so that nothing written there is lost.
struct Cover {
    values: BTreeMap<SubjectField, String>,
    other: BTreeMap<String, String>,
}

/// Reads the cover values, noting where each came from.
fn read_cover(
    sheets: &[Sheet],
    table: &Sheet,
    layout: &Layout,
    tables: &BTreeSet<&str>,
    places: &mut Places,
) -> Cover {
    let mut values = BTreeMap::new();
    let cells = cover_cells(sheets, table, layout.header_start, tables);
    let used: BTreeSet<(&str, (usize, usize))> = cells
        .values()
        .flat_map(|c| [(c.sheet.as_str(), c.label), (c.sheet.as_str(), c.value)])
        .collect();
    let mut other = BTreeMap::new();
    for (sheet, last_row) in cover_sheets(sheets, table, layout.header_start, tables) {
        for r in 0..last_row {
            for c in 0..sheet.rows[r].len() {
                let t = sheet.text(r, c);
                let origin = sheet.merge_origin(r, c).is_none_or(|o| o == (r, c));
                if !t.is_empty() && origin && !used.contains(&(sheet.name.as_str(), (r, c))) {
                    let place = format!("{}!{}", sheet.name, text::cell_ref(r as u32, c as u32));
                    other.insert(place, t.to_owned());
                }
            }
        }
    }
    // A heading over a column kaiji does not read (担当者メモ, a note beside the table's
    // headings) says what that column's stray text is: kept with the cover's other text.
    for r in layout.header_start..=layout.header_end.min(table.rows.len().saturating_sub(1)) {
        for c in 0..table.rows[r].len() {
            let t = table.text(r, c);
            let origin = table.merge_origin(r, c).is_none_or(|o| o == (r, c));
            let read = layout.role(c).is_some_and(|role| role != Role::Other);
            if !t.is_empty() && origin && !read {
                let place = format!("{}!{}", table.name, text::cell_ref(r as u32, c as u32));
                other.insert(place, t.to_owned());
            }
        }
    }
    for (field, cell) in cells {
        let Some(sheet) = sheets.iter().find(|s| s.name == cell.sheet) else {
            continue;
        };
        let value = cover_text(sheet, &cell);
        if value.is_empty() {
            continue;
        }
        places.put(
            format!("/subject/{}", field.key()),
            &sheet.name,
            cell.value.0,
            cell.value.1,
        );
        values.insert(field, value);
    }
    Cover { values, other }
}

fn cover_date(sheets: &[Sheet], places: &Places) -> Option<IsoDate> {
    let (sheet_name, r, c) = places.get("/subject/date")?;
    let sheet = sheets.iter().find(|s| s.name == sheet_name)?;
    sheet
        .date(r, c)
        .or_else(|| {
            sheet
                .cell(r, c)
                .and_then(|cell| text::parse_date(cover_value_text(&cell.text)))
        })
        .map(IsoDate::new)
}
