//! kaiji-report: what kaiji hands to people who do not run it, through one render layer
//! ([`render_review`], [`render_compare`], … → [`Rendered`] bytes of a [`Format`]):
//! self-contained HTML pages (one file, no external assets, printable), PDF, Markdown, CSV
//! (formulas neutralised) and report workbooks; Japanese first, English with `Lang::En`.
//!
//! Library crate: it takes the model's results and returns bytes; it never touches files.

mod betsushi;
mod csv;
mod doc;
mod pdf;
mod render;
mod workbook;

pub use betsushi::betsushi_report;
pub use doc::{Bar, Block, Cell, Chart, Report, Stacked, Table, Tone};
pub use pdf::{PdfError, to_pdf};
pub use render::{
    BETSUSHI_FORMATS, CHECKLIST_FORMATS, COMPARE_FORMATS, DIFF_FORMATS, Error, Format,
    REVIEW_FORMATS, RISK_FORMATS, Rendered, SLA_FORMATS, list, render_betsushi, render_checklist,
    render_compare, render_diff, render_review, render_risk, render_sla,
};
pub use reports::{checklist_report, edition_text, review_report, risk_report, sla_report};

mod reports;

use askama::Template;
use kaiji_catalog::{Answer, Lang};
use kaiji_model::{
    Code,
    review::{Comparison, MatrixCell},
};

/// The labels a page needs, in one language.
struct Labels {
    lang: &'static str,
    title: &'static str,
    checklist: &'static str,
    policy: &'static str,
    guideline: &'static str,
    item: &'static str,
    section: &'static str,
    question: &'static str,
    yes: &'static str,
    no: &'static str,
    na: &'static str,
    unanswered: &'static str,
    departures: &'static str,
    score: &'static str,
    not_in_form: &'static str,
    migrated: &'static str,
    legend: &'static str,
    disclaimer: &'static str,
}

const JA: Labels = Labels {
    lang: "ja",
    title: "開示書の比較",
    checklist: "チェックリスト",
    policy: "方針",
    guideline: "引用する安全管理GL",
    item: "項目",
    section: "区分",
    question: "内容(kaiji の要約)",
    yes: "はい",
    no: "いいえ",
    na: "該当なし",
    unanswered: "未回答",
    departures: "方針からの逸脱",
    score: "スコア",
    not_in_form: "様式外",
    migrated: "旧版から移行して比較",
    legend: "赤: 方針からの逸脱、黄: 理由の備考がない、灰: 未回答。セルにポインタを置くと備考を表示。見出しをクリックすると並べ替え。",
    disclaimer: "kaiji は方針からの逸脱を示すだけで、適合を判定しません。",
};

const EN: Labels = Labels {
    lang: "en",
    title: "Disclosure comparison",
    checklist: "Checklist",
    policy: "Policy",
    guideline: "Guideline cited",
    item: "Item",
    section: "Section",
    question: "What it asks (kaiji's paraphrase)",
    yes: "Yes",
    no: "No",
    na: "N/A",
    unanswered: "Unanswered",
    departures: "Departures from the policy",
    score: "Score",
    not_in_form: "not in form",
    migrated: "carried from an older revision for the comparison",
    legend: "Red: departs from the policy; yellow: no remark saying why; grey: unanswered. Hover a cell for the remark; click a heading to sort.",
    disclaimer: "kaiji flags departures from the policy; it never declares compliance.",
};

fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage<'a> {
    t: &'static Labels,
    lang: Lang,
    c: &'a Comparison,
}

impl ComparePage<'_> {
    fn answer(&self, cell: &MatrixCell) -> &'static str {
        match (cell.applies, cell.answer) {
            (false, _) => "",
            (true, Some(Answer::Yes)) => self.t.yes,
            (true, Some(Answer::No)) => self.t.no,
            (true, Some(Answer::Na)) => self.t.na,
            (true, None) => self.t.unanswered,
        }
    }

    fn class(cell: &MatrixCell) -> &'static str {
        match (cell.applies, cell.departure, cell.answer) {
            (false, _, _) => "out",
            (true, Some(Code::PolicyViolation), _) => "violation",
            (true, Some(Code::RemarkMissingJustification), _) => "justify",
            (true, _, None) => "missing",
            (true, _, Some(_)) => "ok",
        }
    }

    /// What the score and a departure mean, as the page states it.
    fn definitions(&self) -> String {
        Comparison::definitions().get(self.lang).to_owned()
    }

    fn text<'t>(&self, t: &'t kaiji_catalog::Text) -> &'t str {
        t.get(self.lang)
    }
}

/// The vendors × items matrix as one self-contained HTML page: remarks on hover, departures
/// highlighted, sortable columns, totals per vendor.
pub fn compare_html(comparison: &Comparison, lang: Lang) -> String {
    ComparePage {
        t: labels(lang),
        lang,
        c: comparison,
    }
    .render()
    .expect("the template renders any comparison")
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    r: &'a Report,
}

impl ReportPage<'_> {
    /// Level-1 headings with their block index (the anchor).
    fn chapters(&self) -> Vec<(usize, &str)> {
        self.r
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Block::Heading { level, text } if *level <= 1 => Some((i, text.as_str())),
                _ => None,
            })
            .collect()
    }

    fn numbered(&self) -> impl Iterator<Item = (usize, &Block)> {
        self.r.blocks.iter().enumerate()
    }

    fn bar_width(&self, c: &Chart, bar: &Bar) -> String {
        format!("{:.1}", c.share(bar) * 400.0)
    }

    fn bar_color(&self, bar: &Bar) -> String {
        Self::color(bar.tone)
    }

    fn color(tone: Tone) -> String {
        let (r, g, b) = tone.bar();
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// The parts of a stacked row as SVG rectangles (x, width, colour), on a 400-wide bar.
    fn segments(&self, c: &Stacked, values: &[u32]) -> Vec<(String, String, String)> {
        c.segments(values)
            .into_iter()
            .zip(&c.legend)
            .map(|((offset, width), (_, tone))| {
                (
                    format!("{:.1}", 260.0 + offset * 400.0),
                    format!("{:.1}", width * 400.0),
                    Self::color(*tone),
                )
            })
            .collect()
    }

    fn parts(values: &[u32]) -> String {
        let parts: Vec<String> = values.iter().map(u32::to_string).collect();
        format!("{} ({})", parts.join("/"), values.iter().sum::<u32>())
    }
}

/// The report as one self-contained HTML page (inline styles and SVG charts, no external
/// assets), printable with page breaks before chapters.
pub fn to_html(report: &Report) -> String {
    ReportPage { r: report }
        .render()
        .expect("the template renders any report")
}

/// The report as Markdown: headings, paragraphs, pipe tables, and charts as lists of values.
pub fn to_markdown(report: &Report) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', "<br>");
    let mut out = format!("# {}\n\n{}\n\n", report.title, report.subtitle);
    for (label, value) in &report.meta {
        out.push_str(&format!("- {label}: {value}\n"));
    }
    out.push('\n');
    for block in &report.blocks {
        match block {
            Block::Heading { level, text } => {
                out.push_str(&format!(
                    "{} {text}\n\n",
                    "#".repeat(usize::from(*level) + 1)
                ));
            }
            Block::Paragraph(text) => out.push_str(&format!("{text}\n\n")),
            Block::Table(t) => {
                let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
                out.push_str(&row(t.headers.iter().map(|h| cell(h)).collect()));
                out.push_str(&row(t.headers.iter().map(|_| "---".to_owned()).collect()));
                for r in &t.rows {
                    out.push_str(&row(r.iter().map(|c| cell(&c.text)).collect()));
                }
                out.push('\n');
            }
            Block::Stacked(c) => {
                let names: Vec<&str> = c.legend.iter().map(|(n, _)| n.as_str()).collect();
                out.push_str(&format!("{} ({})\n\n", c.title, names.join(" / ")));
                for (label, values) in &c.rows {
                    let parts: Vec<String> = values.iter().map(u32::to_string).collect();
                    out.push_str(&format!("- {label}: {}\n", parts.join(" / ")));
                }
                out.push('\n');
            }
            Block::Bars(c) => {
                out.push_str(&format!("{}\n\n", c.title));
                for b in &c.bars {
                    out.push_str(&format!("- {}: {}\n", b.label, c.value_text(b)));
                }
                out.push('\n');
            }
        }
    }
    out.push_str(&format!("---\n{}\n", report.footer));
    out
}
