//! The one render layer: each report in each format it is written in, through one function per
//! report (`render_review`, `render_compare`, …) returning [`Rendered`] bytes and their media
//! type. The CLI writes them to a file or standard output; the server will answer with them.

use std::fmt;

use kaiji_catalog::{Lang, Text};
use kaiji_model::{
    Disclosure,
    api::{ChecklistReport, DiffReport, FileReview},
    disclosure::DocDiff,
    mhlw::{Answered, Inventory},
    review::{Comparison, Guideline, Policy, Review},
    rss::{Register, Sla},
};
use serde::Serialize;

use crate::csv::Csv;
use crate::{PdfError, workbook};

/// The file formats kaiji renders reports in. Human text for a terminal is not one of them:
/// the CLI presents that itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Json,
    Csv,
    Html,
    Pdf,
    Xlsx,
    Markdown,
}

impl Format {
    /// Every format, in the order they are listed to people.
    pub const ALL: [Self; 6] = [
        Self::Html,
        Self::Pdf,
        Self::Xlsx,
        Self::Csv,
        Self::Json,
        Self::Markdown,
    ];

    /// The format a file extension names (without the dot, any case): `json`, `csv`, `html`
    /// or `htm`, `pdf`, `xlsx`, `md` or `markdown`.
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "html" | "htm" => Some(Self::Html),
            "pdf" => Some(Self::Pdf),
            "xlsx" => Some(Self::Xlsx),
            "md" | "markdown" => Some(Self::Markdown),
            _ => None,
        }
    }

    /// The usual file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Xlsx => "xlsx",
            Self::Markdown => "md",
        }
    }

    /// The IANA media type, as an HTTP answer names it.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Pdf => "application/pdf",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Markdown => "text/markdown; charset=utf-8",
        }
    }

    /// Whether the bytes are not text (a terminal cannot show them).
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Pdf | Self::Xlsx)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// A rendered report: its bytes and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
}

impl Rendered {
    fn new(format: Format, bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            media_type: format.media_type(),
        }
    }
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The report is not written in this format; `supported` lists those it is written in.
    #[error("{}", Error::text(self).ja)]
    Unsupported {
        report: &'static str,
        format: Format,
        supported: &'static [Format],
    },
    #[error("{}", Error::text(self).ja)]
    Pdf(#[from] PdfError),
    #[error("{}", Error::text(self).ja)]
    Xlsx(String),
}

impl From<rust_xlsxwriter::XlsxError> for Error {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::Xlsx(e.to_string())
    }
}

/// Formats as people read them: `.html .pdf .csv`.
pub fn list(formats: &[Format]) -> String {
    formats
        .iter()
        .map(|f| format!(".{f}"))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Error {
    /// The message in one language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().get(lang).to_owned()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> kaiji_catalog::ErrorKind {
        match self {
            Self::Unsupported { .. } => kaiji_catalog::ErrorKind::Unsupported,
            Self::Pdf(_) | Self::Xlsx(_) => kaiji_catalog::ErrorKind::Internal,
        }
    }

    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            Self::Unsupported {
                report,
                format,
                supported,
            } => Text::new(
                format!(
                    "{report} は .{format} では書けません(書ける形式: {})",
                    list(supported)
                ),
                format!(
                    "{report} is not written as .{format} (it writes: {})",
                    list(supported)
                ),
            ),
            Self::Pdf(e) => Text::new(
                format!("PDF を書けません: {e}"),
                format!("cannot write the PDF: {e}"),
            ),
            Self::Xlsx(e) => Text::new(
                format!("ワークブックを書けません: {e}"),
                format!("cannot write the workbook: {e}"),
            ),
        }
    }
}

/// The formats `kaiji review` writes.
pub const REVIEW_FORMATS: &[Format] = &[Format::Html, Format::Pdf, Format::Csv, Format::Json];
/// The formats `kaiji compare` writes.
pub const COMPARE_FORMATS: &[Format] = &[Format::Html, Format::Xlsx, Format::Csv, Format::Json];
/// The formats `kaiji checklist mhlw` writes.
pub const CHECKLIST_FORMATS: &[Format] = &[
    Format::Xlsx,
    Format::Pdf,
    Format::Html,
    Format::Csv,
    Format::Json,
];
/// The formats `kaiji rss risk` writes.
pub const RISK_FORMATS: &[Format] = &[Format::Xlsx, Format::Pdf, Format::Html, Format::Json];
/// The formats `kaiji betsushi` writes.
pub const BETSUSHI_FORMATS: &[Format] = &[
    Format::Xlsx,
    Format::Pdf,
    Format::Html,
    Format::Csv,
    Format::Json,
];
/// The formats `kaiji rss sla` writes.
pub const SLA_FORMATS: &[Format] = &[Format::Markdown, Format::Html, Format::Pdf, Format::Json];
/// The formats `kaiji diff` writes.
pub const DIFF_FORMATS: &[Format] = &[Format::Csv, Format::Json];

fn unsupported(report: &'static str, format: Format, supported: &'static [Format]) -> Error {
    Error::Unsupported {
        report,
        format,
        supported,
    }
}

fn json(value: &impl Serialize) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(value).expect("report data always serialises");
    s.push('\n');
    s.into_bytes()
}

fn pick(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// The review of disclosures against a policy (`reviews`: file name, document, review) as
/// HTML, PDF, CSV (one row per finding) or JSON (one entry per file).
pub fn render_review(
    reviews: &[(String, &Disclosure, &Review)],
    policy: &Policy,
    today: &str,
    format: Format,
    lang: Lang,
) -> Result<Rendered, Error> {
    let bytes = match format {
        Format::Html => {
            crate::to_html(&crate::review_report(reviews, policy, today, lang)).into_bytes()
        }
        Format::Pdf => crate::to_pdf(&crate::review_report(reviews, policy, today, lang))?,
        Format::Json => {
            let files: Vec<FileReview> = reviews
                .iter()
                .map(|(file, doc, review)| FileReview::new(file, doc, review))
                .collect();
            json(&files)
        }
        Format::Csv => review_csv(reviews, lang),
        other => return Err(unsupported("review", other, REVIEW_FORMATS)),
    };
    Ok(Rendered::new(format, bytes))
}

fn review_csv(reviews: &[(String, &Disclosure, &Review)], lang: Lang) -> Vec<u8> {
    let mut csv = Csv::new();
    // The GL column is named by the edition the reviews cite (`GL 7.0`).
    let gl = crate::reports::cited(reviews).map_or_else(|| "GL".to_owned(), Guideline::short);
    csv.row(match lang {
        Lang::Ja => [
            "ファイル",
            "製造業者・事業者",
            "製品・サービス",
            "バージョン",
            "種類",
            "チェックリスト",
            "重大度",
            "コード",
            "項目",
            "場所",
            &gl,
            "内容",
        ],
        Lang::En => [
            "file",
            "organisation",
            "product",
            "version",
            "kind",
            "checklist",
            "severity",
            "code",
            "item",
            "location",
            &gl,
            "message",
        ],
    });
    for (file, doc, review) in reviews {
        let kind = doc.kind.to_string();
        let catalog = doc.catalog.to_string();
        for f in &review.findings {
            let location = f.location.to_string();
            let refs = f
                .refs
                .iter()
                // The ids as they are (data to filter on), with the mark in the language.
                .map(|r| {
                    r.text(
                        &Text::new(r.id.clone(), r.id.clone()),
                        &review.guideline.version,
                    )
                    .get(lang)
                    .to_owned()
                })
                .collect::<Vec<_>>()
                .join(" / ");
            let severity = f.severity.label();
            csv.row([
                file.as_str(),
                &doc.subject.organisation,
                &doc.subject.product,
                &doc.subject.version,
                &kind,
                &catalog,
                severity.get(lang),
                f.code.as_str(),
                f.item.as_deref().unwrap_or(""),
                &location,
                &refs,
                f.message(lang),
            ]);
        }
    }
    csv.into_bytes()
}

/// The vendors × items comparison as HTML, a workbook, CSV or JSON.
pub fn render_compare(c: &Comparison, format: Format, lang: Lang) -> Result<Rendered, Error> {
    let bytes = match format {
        Format::Html => crate::compare_html(c, lang).into_bytes(),
        Format::Xlsx => workbook::compare_workbook(c, lang)?,
        Format::Json => json(c),
        Format::Csv => compare_csv(c, lang),
        other => return Err(unsupported("compare", other, COMPARE_FORMATS)),
    };
    Ok(Rendered::new(format, bytes))
}

fn compare_csv(c: &Comparison, lang: Lang) -> Vec<u8> {
    let mut csv = Csv::new();
    let mut header: Vec<String> = vec![
        pick(lang, "項目", "item").into(),
        pick(lang, "区分", "section").into(),
        pick(lang, "内容", "question").into(),
    ];
    for v in &c.vendors {
        let label = v.label();
        header.push(label.clone());
        header.push(format!("{label} {}", pick(lang, "備考", "remark")));
        header.push(format!("{label} {}", pick(lang, "逸脱", "departure")));
    }
    csv.row(&header);
    for row in &c.rows {
        let mut fields: Vec<String> = vec![
            row.item.clone(),
            row.section.clone(),
            row.text.get(lang).to_owned(),
        ];
        for cell in &row.cells {
            let answer = match (cell.applies, cell.answer) {
                (true, Some(a)) => a.label().get(lang).to_owned(),
                _ => String::new(),
            };
            fields.push(answer);
            fields.push(cell.remark.clone());
            fields.push(
                cell.departure
                    .map(|d| d.as_str().to_owned())
                    .unwrap_or_default(),
            );
        }
        csv.row(&fields);
    }
    csv.into_bytes()
}

/// The MHLW checklist lines kaiji answered as a workbook, PDF, HTML, CSV or JSON.
pub fn render_checklist(
    inventory: &Inventory,
    answered: &Answered,
    format: Format,
    lang: Lang,
) -> Result<Rendered, Error> {
    let bytes = match format {
        Format::Xlsx => workbook::checklist_workbook(&inventory.facility, answered, lang)?,
        Format::Json => json(&ChecklistReport::new(inventory, answered)),
        Format::Html => {
            crate::to_html(&crate::checklist_report(inventory, answered, lang)).into_bytes()
        }
        Format::Pdf => crate::to_pdf(&crate::checklist_report(inventory, answered, lang))?,
        Format::Csv => lines_csv(answered, lang),
        other => return Err(unsupported("checklist mhlw", other, CHECKLIST_FORMATS)),
    };
    Ok(Rendered::new(format, bytes))
}

fn lines_csv(answered: &Answered, lang: Lang) -> Vec<u8> {
    let mut csv = Csv::new();
    csv.row(match lang {
        Lang::Ja => [
            "版",
            "項目",
            "内容",
            "確度",
            "回答",
            "確認日",
            "区分",
            "システム",
            "コード",
            "内容の詳細",
        ],
        Lang::En => [
            "edition",
            "line",
            "asks",
            "confidence",
            "answer",
            "checked",
            "kind",
            "system",
            "code",
            "detail",
        ],
    });
    let edition = answered.edition.catalog.as_str();
    for line in &answered.lines {
        let number = line.number_text();
        let number = number.get(lang);
        let confidence = line.confidence.to_string();
        let answer = if line.yes {
            pick(lang, "はい", "yes")
        } else {
            pick(lang, "いいえ", "no")
        };
        let checked = line.checked.to_string();
        let gaps = line
            .missing
            .iter()
            .map(|g| (pick(lang, "不足", "missing"), g))
            .chain(line.notes.iter().map(|g| (pick(lang, "補足", "note"), g)));
        let mut any = false;
        for (kind, g) in gaps {
            any = true;
            csv.row([
                edition,
                number,
                line.title.get(lang),
                &confidence,
                answer,
                &checked,
                kind,
                &g.system,
                g.finding.code.as_str(),
                g.finding.message.get(lang),
            ]);
        }
        if !any {
            csv.row([
                edition,
                number,
                line.title.get(lang),
                &confidence,
                answer,
                &checked,
                "",
                "",
                "",
                "",
            ]);
        }
    }
    csv.into_bytes()
}

/// The risk register of a remote service as a workbook, PDF, HTML or JSON.
pub fn render_risk(
    register: &Register,
    today: &str,
    format: Format,
    lang: Lang,
) -> Result<Rendered, Error> {
    let bytes = match format {
        Format::Xlsx => workbook::risk_workbook(register, lang)?,
        Format::Html => crate::to_html(&crate::risk_report(register, today, lang)).into_bytes(),
        Format::Pdf => crate::to_pdf(&crate::risk_report(register, today, lang))?,
        Format::Json => json(register),
        other => return Err(unsupported("rss risk", other, RISK_FORMATS)),
    };
    Ok(Rendered::new(format, bytes))
}

/// The remote maintenance SLA as Markdown, HTML, PDF or JSON.
pub fn render_sla(sla: &Sla, today: &str, format: Format, lang: Lang) -> Result<Rendered, Error> {
    let bytes = match format {
        Format::Markdown => crate::to_markdown(&crate::sla_report(sla, today, lang)).into_bytes(),
        Format::Html => crate::to_html(&crate::sla_report(sla, today, lang)).into_bytes(),
        Format::Pdf => crate::to_pdf(&crate::sla_report(sla, today, lang))?,
        Format::Json => json(sla),
        other => return Err(unsupported("rss sla", other, SLA_FORMATS)),
    };
    Ok(Rendered::new(format, bytes))
}

/// What changed between two versions of a disclosure (`old` and `new` name the files) as CSV
/// (one row per change) or JSON.
pub fn render_diff(
    old: &str,
    new: &str,
    diff: &DocDiff,
    format: Format,
    lang: Lang,
) -> Result<Rendered, Error> {
    let bytes = match format {
        Format::Json => json(&DiffReport::new(old, new, diff)),
        Format::Csv => diff_csv(diff, lang),
        other => return Err(unsupported("diff", other, DIFF_FORMATS)),
    };
    Ok(Rendered::new(format, bytes))
}

fn diff_csv(d: &DocDiff, lang: Lang) -> Vec<u8> {
    let mut csv = Csv::new();
    csv.row(match lang {
        Lang::Ja => ["区分", "項目", "旧版の項目", "対応", "欄", "旧", "新"],
        Lang::En => [
            "change",
            "item",
            "old items",
            "relation",
            "field",
            "old",
            "new",
        ],
    });
    for c in &d.changes {
        let relation = c
            .relation
            .map(|r| r.label().get(lang).to_owned())
            .unwrap_or_default();
        let old_items = c.old_items.join(" ");
        let kind = c.kind.label();
        csv.row([
            kind.get(lang),
            c.item.as_deref().unwrap_or(""),
            &old_items,
            &relation,
            &c.field,
            c.old.as_deref().unwrap_or(""),
            c.new.as_deref().unwrap_or(""),
        ]);
    }
    csv.into_bytes()
}

/// The GL 7.0 別紙 check (every line of each disclosure, with the facility's assessment) as a
/// workbook for inspectors, PDF, HTML, CSV (one row per line) or JSON.
pub fn render_betsushi(
    outcome: &kaiji_model::betsushi::Outcome,
    today: &str,
    format: Format,
    lang: Lang,
) -> Result<Rendered, Error> {
    let bytes = match format {
        Format::Xlsx => workbook::betsushi_workbook(outcome, today, lang)?,
        Format::Json => json(outcome),
        Format::Html => crate::to_html(&crate::betsushi_report(outcome, today, lang)).into_bytes(),
        Format::Pdf => crate::to_pdf(&crate::betsushi_report(outcome, today, lang))?,
        Format::Csv => {
            let mut csv = Csv::new();
            csv.row(crate::betsushi::headings(lang));
            for row in crate::betsushi::rows(outcome, lang) {
                csv.row(row);
            }
            csv.into_bytes()
        }
        other => return Err(unsupported("betsushi", other, BETSUSHI_FORMATS)),
    };
    Ok(Rendered::new(format, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_formats() {
        for f in Format::ALL {
            assert_eq!(Format::from_extension(f.extension()), Some(f));
        }
        assert_eq!(Format::from_extension("HTM"), Some(Format::Html));
        assert_eq!(Format::from_extension("docx"), None);
        assert_eq!(Format::from_extension("xls"), None);
        assert!(Format::Pdf.is_binary() && !Format::Csv.is_binary());
    }

    #[test]
    fn a_report_refuses_a_format_it_does_not_write_and_lists_those_it_does() {
        let d = DocDiff {
            old_catalog: "a".into(),
            new_catalog: "a".into(),
            mapped: true,
            changes: Vec::new(),
            findings: Vec::new(),
        };
        let e = render_diff("o", "n", &d, Format::Pdf, Lang::Ja).unwrap_err();
        assert!(matches!(
            e,
            Error::Unsupported {
                format: Format::Pdf,
                supported: DIFF_FORMATS,
                ..
            }
        ));
        assert_eq!(
            e.message(Lang::Ja),
            "diff は .pdf では書けません(書ける形式: .csv .json)"
        );
        assert_eq!(
            e.message(Lang::En),
            "diff is not written as .pdf (it writes: .csv .json)"
        );
        let ok = render_diff("o", "n", &d, Format::Json, Lang::En).unwrap();
        assert_eq!(ok.media_type, "application/json");
    }
}
