//! Building a catalog from the user's own blank official workbook, so that a new revision from
//! JAHIS/JIRA is data the user loads, not a new release of kaiji. The question texts stay in the
//! user's file: the derived items point at their cells instead.

use std::collections::BTreeSet;

use kaiji_catalog::{AnswerKind, Confidence, Form, Item, ItemId, Section, Text};
use serde::Serialize;

use crate::{
    error::Error,
    layout::{
        kind::detect_kind,
        table::{Role, find_layout},
    },
    limits::Limits,
    read::read_workbook,
    text,
};

/// What to call the derived catalog.
#[derive(Debug, Clone)]
pub struct DeriveOptions {
    pub id: String,
    pub version: String,
    pub revision: String,
    pub title: Text,
    pub publisher: String,
    /// The workbook's file name, for the `source` field and the item texts.
    pub source: String,
}

#[derive(Serialize)]
struct CatalogFile {
    id: String,
    kind: &'static str,
    version: String,
    revision: String,
    title: Text,
    publisher: String,
    source: String,
    confidence: Confidence,
    note: String,
    forms: BTreeSet<Form>,
    sections: Vec<Section>,
}

/// Reads the checklist sheets of a blank workbook and writes a catalog (YAML).
pub fn derive(blank: &[u8], options: &DeriveOptions) -> Result<String, Error> {
    let (_, sheets) = read_workbook(blank, &Limits::default())?;
    let mut forms = BTreeSet::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut seen = BTreeSet::new();
    for sheet in &sheets {
        let Some(layout) = find_layout(sheet) else {
            continue;
        };
        let Some(id_col) = layout.id_col() else {
            continue;
        };
        let form = detect_kind(&sheets, sheet, &layout).form();
        let prefix = form.to_string().to_uppercase();
        let question_col = layout.col(Role::Question);
        let mut section: Option<Section> = None;
        let mut items_here = 0;
        for r in layout.header_end + 1..sheet.rows.len() {
            let number = text::item_number(sheet.text(r, id_col));
            match number {
                Some(no) => {
                    let id: ItemId = format!("{prefix}-{no}").parse()?;
                    if !seen.insert(id.clone()) {
                        continue;
                    }
                    let cell = text::cell_ref(r as u32, question_col.unwrap_or(id_col) as u32);
                    let item = Item {
                        id,
                        no: Some(no.clone()),
                        forms: [form].into(),
                        text: Text::new(
                            format!(
                                "(設問文は原本 {}「{}」シート {cell})",
                                options.source, sheet.name
                            ),
                            format!(
                                "(question text: {} sheet {} cell {cell})",
                                options.source, sheet.name
                            ),
                        ),
                        answer: AnswerKind::YesNoNa,
                        mds2: None,
                        rules: Vec::new(),
                        confidence: Confidence::V,
                        source: Some(format!("{}!{cell}", sheet.name)),
                    };
                    let current = section.get_or_insert_with(|| Section {
                        id: format!("{prefix}-S{}", sections.len() + 1),
                        title: Text::new(sheet.name.clone(), sheet.name.clone()),
                        items: Vec::new(),
                    });
                    current.items.push(item);
                    items_here += 1;
                }
                None => {
                    let title = (0..sheet.rows[r].len())
                        .map(|c| sheet.text(r, c))
                        .find(|t| !t.is_empty());
                    if let Some(title) = title {
                        if let Some(done) = section.take().filter(|s| !s.items.is_empty()) {
                            sections.push(done);
                        }
                        section = Some(Section {
                            id: format!("{prefix}-S{}", sections.len() + 1),
                            title: Text::new(title, title),
                            items: Vec::new(),
                        });
                    }
                }
            }
        }
        if let Some(done) = section.take().filter(|s| !s.items.is_empty()) {
            sections.push(done);
        }
        if items_here >= 2 {
            forms.insert(form);
        }
    }
    if forms.is_empty() {
        return Err(Error::NoChecklist);
    }
    let file = CatalogFile {
        id: options.id.clone(),
        kind: "checklist",
        version: options.version.clone(),
        revision: options.revision.clone(),
        title: options.title.clone(),
        publisher: options.publisher.clone(),
        source: options.source.clone(),
        confidence: Confidence::V,
        note: "kaiji catalog derive が利用者の公式ブランクから作成。設問文は原本にのみあり、項目は原本のセルを指す。 / Derived by kaiji from the user's official blank; question texts stay in that workbook.".into(),
        forms,
        sections,
    };
    let yaml = serde_yaml_ng::to_string(&file).map_err(|e| Error::Write(e.to_string()))?;
    Ok(format!(
        "# Derived with `kaiji catalog derive` from {}.\n{yaml}",
        options.source
    ))
}
