//! Export: writes a disclosure in kaiji's own workbook layout (what `kaiji export` writes), with
//! the hidden sheet of [`crate::layout::own`], so that export → import gives the same document
//! back.

use kaiji_catalog::{Answer, Catalog, Lang, Registry};
use kaiji_model::{Disclosure, DocKind, disclosure::SubjectField};
use rust_xlsxwriter::{
    Color, DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use strum::IntoEnumIterator;

use crate::{
    error::Error,
    layout::own::{
        HIDDEN, HIDDEN_FORMAT, Hidden, HiddenAnswer, MAX_CELL_CHARS, Written, evidence_cell,
        evidence_links, survives,
    },
    text,
};

/// The font of every cell: the default Japanese font of current Excel.
pub(crate) const FONT: &str = "游ゴシック";

/// The texts of the layout, in the document's language.
struct Labels {
    lang: Lang,
}

impl Labels {
    fn t(&self, ja: &'static str, en: &'static str) -> &'static str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// Writes a disclosure in kaiji's layout: a cover sheet, the checklist sheet with section rows,
/// an answer dropdown, frozen header, A4 landscape print set-up, and the hidden sheet.
pub fn export(doc: &Disclosure, registry: &Registry, lang: Lang) -> Result<Vec<u8>, Error> {
    check_cell_sizes(doc)?;
    let catalog = registry
        .resolve(&format!("{}@{}", doc.catalog.id, doc.catalog.revision).parse()?)
        .filter(|c| c.as_checklist().is_some());
    write_workbook(doc, catalog, registry, &Labels { lang })
        .map_err(|e| Error::Write(e.to_string()))
}

fn check_cell_sizes(doc: &Disclosure) -> Result<(), Error> {
    let too_long = |what: String, text: &str| {
        (text.chars().count() > MAX_CELL_CHARS).then(|| Error::CellTooLong {
            what,
            chars: text.chars().count(),
        })
    };
    for (id, a) in &doc.answers {
        if let Some(e) = too_long(format!("answers/{id}/remark"), &a.remark)
            .or_else(|| {
                too_long(
                    format!("answers/{id}/source_text"),
                    a.source_text.as_deref().unwrap_or(""),
                )
            })
            .or_else(|| too_long(format!("answers/{id}/evidence"), &a.evidence.join("\n")))
        {
            return Err(e);
        }
    }
    for field in SubjectField::iter() {
        if let Some(e) = too_long(format!("subject/{}", field.key()), &doc.subject.text(field)) {
            return Err(e);
        }
    }
    Ok(())
}

fn write_workbook(
    doc: &Disclosure,
    catalog: Option<&Catalog>,
    registry: &Registry,
    l: &Labels,
) -> Result<Vec<u8>, XlsxError> {
    let base = Format::new()
        .set_font_name(FONT)
        .set_font_size(10)
        .set_align(FormatAlign::Top);
    let wrap = base.clone().set_text_wrap().set_border(FormatBorder::Thin);
    let head = wrap
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0x00DD_E6F0))
        .set_align(FormatAlign::Center);
    let section = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0x00F2_F2F2))
        .set_border(FormatBorder::Thin);
    let title = base.clone().set_bold().set_font_size(14);
    let label = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0x00F2_F2F2));
    let date = wrap
        .clone()
        .set_num_format("yyyy-mm-dd")
        .set_align(FormatAlign::Left);

    let mut book = Workbook::new();

    // What the visible cells carry that import does not read back, for the hidden sheet.
    let mut own_cells = Written::default();

    // Cover.
    let cover = book.add_worksheet();
    let cover_name = l.t("表紙", "Cover");
    cover.set_name(cover_name)?;
    let mut on_cover = |r: u32, c: u32, text: &str| {
        if !text.trim().is_empty() {
            own_cells.cover.insert(
                format!("{cover_name}!{}", text::cell_ref(r, c)),
                text.trim().to_owned(),
            );
        }
    };
    let kind_label = doc.kind.label();
    let heading = l.t(
        "医療情報セキュリティ開示書",
        "Security disclosure for medical information",
    );
    cover.write_string_with_format(0, 0, heading, &title)?;
    on_cover(0, 0, heading);
    cover.write_string_with_format(1, 0, kind_label.get(l.lang), &base)?;
    on_cover(1, 0, kind_label.get(l.lang));
    let catalog_title = catalog.map_or_else(String::new, |c| c.header.title.get(l.lang).to_owned());
    let rows: Vec<(&str, String)> = vec![
        (
            l.t("チェックリスト", "Checklist"),
            format!("{}@{}", doc.catalog.id, doc.catalog.revision),
        ),
        (l.t("チェックリスト名", "Checklist title"), catalog_title),
        (
            l.t("製造業者名/サービス事業者名", "Organisation"),
            doc.subject.organisation.clone(),
        ),
        (
            l.t("製品名/サービス名称", "Product"),
            doc.subject.product.clone(),
        ),
        (l.t("型番", "Model"), doc.subject.model.clone()),
        (l.t("バージョン", "Version"), doc.subject.version.clone()),
        (l.t("作成日", "Date"), String::new()),
        (l.t("連絡先", "Contact"), doc.subject.contact.clone()),
        (l.t("概要", "Description"), doc.subject.description.clone()),
    ];
    for (i, (name, value)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        cover.write_string_with_format(r, 0, *name, &label)?;
        on_cover(r, 0, name);
        if *name == l.t("作成日", "Date")
            && let Some(d) = doc.subject.date.map(kaiji_model::IsoDate::date)
        {
            let when = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            cover.write_datetime_with_format(r, 1, &when, &date)?;
        } else {
            cover.write_string_with_format(r, 1, value, &wrap)?;
            on_cover(r, 1, value);
        }
    }
    cover.set_column_width(0, 30)?;
    cover.set_column_width(1, 80)?;
    cover
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    let note = l.t(
        "この表は kaiji が作成しました。回答は「チェックリスト」シートの回答欄から選んでください。",
        "Written by kaiji. Choose answers from the drop-down in the checklist sheet.",
    );
    cover.write_string_with_format(14, 0, note, &base)?;
    on_cover(14, 0, note);

    // Checklist.
    let sheet = book.add_worksheet();
    sheet.set_name(match doc.kind {
        DocKind::Mds => "MDS",
        DocKind::Sds => "SDS",
        DocKind::RssSds => "RSS SDS",
    })?;
    let headers = [
        (l.t("番号", "No."), 8.0),
        (l.t("項目ID", "Item ID"), 14.0),
        (l.t("確認項目", "Question"), 60.0),
        (l.t("回答", "Answer"), 11.0),
        (l.t("備考", "Remark"), 50.0),
        (l.t("証跡", "Evidence"), 24.0),
        (l.t("GL参照", "GL refs"), 18.0),
    ];
    for (c, (name, width)) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &head)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut r: u32 = 1;
    let mut written = std::collections::BTreeSet::new();
    if let Some((catalog, list)) = catalog.and_then(|c| Some((c, c.as_checklist()?))) {
        for sec in &list.sections {
            let items: Vec<_> = sec
                .items
                .iter()
                .filter(|i| {
                    i.forms.contains(&doc.kind.form()) || doc.answers.contains_key(i.id.as_str())
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            let heading = format!("{} {}", sec.id, sec.title.get(l.lang));
            sheet.merge_range(r, 0, r, 6, &heading, &section)?;
            own_cells.headings.insert(heading.trim().to_owned());
            r += 1;
            for item in items {
                let id = item.id.as_str();
                let entry = doc.answers.get(id).cloned().unwrap_or_default();
                let question = entry
                    .source_text
                    .clone()
                    .unwrap_or_else(|| item.text.get(l.lang).to_owned());
                let refs = registry
                    .item_view(catalog, id)
                    .map(|v| v.refs_to("mhlw-gl").join("\n"))
                    .unwrap_or_default();
                let no = item.no.as_deref().unwrap_or("");
                if !no.trim().is_empty() {
                    own_cells
                        .numbers
                        .insert(id.to_owned(), no.trim().to_owned());
                }
                if !refs.trim().is_empty() {
                    own_cells
                        .gl_refs
                        .insert(id.to_owned(), refs.trim().to_owned());
                }
                item_row(sheet, r, no, id, &question, &entry, &refs, &wrap, l)?;
                written.insert(id.to_owned());
                r += 1;
            }
        }
    }
    let rest: Vec<_> = doc
        .answers
        .iter()
        .filter(|(id, _)| !written.contains(*id))
        .collect();
    if !rest.is_empty() {
        let heading = l.t("チェックリストにない項目", "Items not in the checklist");
        sheet.merge_range(r, 0, r, 6, heading, &section)?;
        own_cells.headings.insert(heading.to_owned());
        r += 1;
        for (id, entry) in rest {
            item_row(
                sheet,
                r,
                "",
                id,
                entry.source_text.as_deref().unwrap_or(""),
                entry,
                "",
                &wrap,
                l,
            )?;
            r += 1;
        }
    }
    if r > 1 {
        let choices = [
            l.t("はい", "Yes"),
            l.t("いいえ", "No"),
            l.t("該当なし", "N/A"),
        ];
        let validation = DataValidation::new()
            .allow_list_strings(&choices)?
            .set_error_message(l.t(
                "はい・いいえ・該当なし から選んでください",
                "Choose Yes, No or N/A",
            ))?;
        sheet.add_data_validation(1, 3, r - 1, 3, &validation)?;
    }
    sheet
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_footer("&C&P / &N")
        .set_header(format!(
            "&L{}&R{}",
            doc.subject.product.replace('&', "&&"),
            kind_label.get(l.lang)
        ));
    sheet.set_repeat_rows(0, 0)?;

    // The hidden sheet: what the cells above cannot hold.
    let hidden = Hidden {
        kind: Some(doc.kind),
        extra: doc.extra.clone(),
        subject_extra: doc.subject.extra.clone(),
        subject: SubjectField::iter()
            .filter(|f| !survives(&doc.subject.text(*f)))
            .map(|f| (f.key().to_owned(), doc.subject.text(f)))
            .collect(),
        answers: doc
            .answers
            .iter()
            .map(|(id, a)| {
                let hidden = HiddenAnswer {
                    source_text: a.source_text.clone(),
                    source_answer: a.source_answer.clone(),
                    remark: (!survives(&a.remark)).then(|| a.remark.clone()),
                    evidence: (evidence_links(&evidence_cell(&a.evidence)) != a.evidence)
                        .then(|| a.evidence.clone()),
                    extra: a.extra.clone(),
                };
                (id.clone(), hidden)
            })
            .filter(|(_, h)| *h != HiddenAnswer::default())
            .collect(),
        written: Some(own_cells),
    };
    let json = serde_json::to_string(&hidden).unwrap_or_default();
    let store = book.add_worksheet();
    store.set_name(HIDDEN)?;
    store.write_string(0, 0, HIDDEN_FORMAT)?;
    let chars: Vec<char> = json.chars().collect();
    for (i, chunk) in chars.chunks(30_000).enumerate() {
        store.write_string(1 + i as u32, 0, chunk.iter().collect::<String>())?;
    }
    store.set_hidden(true);
    book.save_to_buffer()
}

#[allow(clippy::too_many_arguments)]
fn item_row(
    sheet: &mut Worksheet,
    r: u32,
    no: &str,
    id: &str,
    question: &str,
    entry: &kaiji_model::disclosure::AnswerEntry,
    gl_refs: &str,
    wrap: &Format,
    l: &Labels,
) -> Result<(), XlsxError> {
    let answer = match (entry.answer, &entry.source_answer) {
        (Some(Answer::Yes), _) => l.t("はい", "Yes").to_owned(),
        (Some(Answer::No), _) => l.t("いいえ", "No").to_owned(),
        (Some(Answer::Na), _) => l.t("該当なし", "N/A").to_owned(),
        (None, Some(raw)) => raw.clone(),
        (None, None) => String::new(),
    };
    let cells = [
        no,
        id,
        question,
        &answer,
        &entry.remark,
        &evidence_cell(&entry.evidence),
        gl_refs,
    ];
    for (c, text) in cells.iter().enumerate() {
        sheet.write_string_with_format(r, c as u16, *text, wrap)?;
    }
    Ok(())
}
