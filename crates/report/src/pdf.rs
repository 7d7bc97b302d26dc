//! Drawing a [`Report`] as an A4 PDF: the shipped IPAexGothic font embedded (the glyphs used),
//! text wrapped to the column, tables that continue on the next page with their header, bar
//! charts, page numbers, a table of contents and bookmarks for reports with several chapters.
//!
//! Layout runs first into a list of drawing operations per page, so the table of contents can
//! give page numbers; then everything is drawn with krilla.

use krilla::Document;
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::doc::{Block, Chart, Report, Stacked, Table, Tone};

/// IPAexゴシック, shipped in `assets/fonts` (IPA Font License v1.0).
static FONT_DATA: &[u8] = include_bytes!("../../../assets/fonts/ipaexg.ttf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;
const BODY: f32 = 9.5;
const LINE: f32 = 1.45;
const BOTTOM: f32 = PAGE_H - MARGIN - 10.0;

/// A report could not be drawn (the font did not load, or krilla refused the document).
#[derive(Debug, thiserror::Error)]
#[error("PDF を作れません: {0}")]
pub struct PdfError(String);

/// Text widths from the font's advances.
struct Metrics<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    glyphs: skrifa::metrics::GlyphMetrics<'a>,
    fallback: f32,
}

impl<'a> Metrics<'a> {
    fn new(font: &skrifa::FontRef<'a>) -> Self {
        // Metrics at 1 pt, scaled by the caller.
        Self {
            charmap: font.charmap(),
            glyphs: font.glyph_metrics(Size::new(1.0), LocationRef::default()),
            fallback: 0.5,
        }
    }

    fn char_width(&self, c: char) -> f32 {
        self.charmap
            .map(c)
            .and_then(|g| self.glyphs.advance_width(g))
            .unwrap_or(self.fallback)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c)).sum::<f32>() * size
    }

    /// Splits `text` into lines no wider than `width`: Japanese text breaks anywhere; a run of
    /// ASCII letters, digits and signs (a word, an id such as `jahis-mds-sds@4.1` or `RSS-T03`)
    /// moves whole to the next line when it fits there, and breaks only when it is wider than a
    /// line; explicit line breaks are kept.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut w = 0.0;
            for c in paragraph.chars() {
                let cw = self.char_width(c) * size;
                if w + cw > width && !line.is_empty() {
                    // Break before the ASCII run this character continues, if the run with
                    // this character fits on a line of its own.
                    let cut = if c.is_ascii_graphic() {
                        let start = line
                            .char_indices()
                            .rev()
                            .take_while(|(_, ch)| ch.is_ascii_graphic())
                            .last()
                            .map_or(line.len(), |(at, _)| at);
                        (start > 0 && self.width(&line[start..], size) + cw <= width)
                            .then_some(start)
                    } else {
                        None
                    };
                    match cut {
                        Some(at) => {
                            let rest = line[at..].to_owned();
                            line.truncate(at);
                            let kept = line.trim_end_matches(' ').len();
                            line.truncate(kept);
                            if !line.is_empty() {
                                lines.push(std::mem::take(&mut line));
                            }
                            line = rest;
                            w = self.width(&line, size);
                        }
                        None => {
                            let kept = line.trim_end_matches(' ').len();
                            line.truncate(kept);
                            lines.push(std::mem::take(&mut line));
                            w = 0.0;
                        }
                    }
                    if c == ' ' && line.is_empty() {
                        continue;
                    }
                }
                line.push(c);
                w += cw;
            }
            lines.push(line);
        }
        lines
    }

    /// `text` on one line no wider than `width`: whole when it fits, else cut and ended with
    /// an ellipsis (…), so a reader sees that something is missing.
    fn ellipsize(&self, text: &str, size: f32, width: f32) -> String {
        let one_line = text.replace('\n', " ");
        if self.width(&one_line, size) <= width {
            return one_line;
        }
        let room = width - self.width("…", size);
        let mut cut = String::new();
        let mut w = 0.0;
        for c in one_line.chars() {
            let cw = self.char_width(c) * size;
            if w + cw > room {
                break;
            }
            cut.push(c);
            w += cw;
        }
        let kept = cut.trim_end().len();
        cut.truncate(kept);
        cut.push('…');
        cut
    }
}

/// One drawing operation on a page.
#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        color: (u8, u8, u8),
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: (u8, u8, u8),
    },
}

struct Layout<'m> {
    m: &'m Metrics<'m>,
    pages: Vec<Vec<Op>>,
    y: f32,
    /// (title, page index, y) of each chapter.
    chapters: Vec<(String, usize, f32)>,
}

const INK: (u8, u8, u8) = (0x22, 0x22, 0x22);
const GREY: (u8, u8, u8) = (0x66, 0x66, 0x66);
const RULE: (u8, u8, u8) = (0xBB, 0xBB, 0xBB);
const HEAD: (u8, u8, u8) = (0xEE, 0xF2, 0xF7);

impl<'m> Layout<'m> {
    fn new(m: &'m Metrics<'m>) -> Self {
        Self {
            m,
            pages: vec![Vec::new()],
            y: MARGIN,
            chapters: Vec::new(),
        }
    }

    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("at least one page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > MARGIN {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str, color: (u8, u8, u8)) {
        if text.is_empty() {
            return;
        }
        self.page().push(Op::Text {
            x,
            y,
            size,
            text: text.to_owned(),
            color,
        });
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        self.page().push(Op::Rect { x, y, w, h, color });
    }

    /// A paragraph of wrapped text across the column.
    fn paragraph(&mut self, text: &str, size: f32, color: (u8, u8, u8)) {
        let width = PAGE_W - 2.0 * MARGIN;
        for line in self.m.wrap(text, size, width) {
            self.room(size * LINE);
            let baseline = self.y + size;
            self.text(MARGIN, baseline, size, &line, color);
            self.y += size * LINE;
        }
        self.y += size * 0.5;
    }

    fn heading(&mut self, level: u8, text: &str) {
        let size = if level <= 1 { 15.0 } else { 11.5 };
        // A chapter starts on a fresh page when little room is left; keep a heading with the
        // first lines that follow it.
        self.room(size * 2.0 + 60.0);
        self.y += size * 0.6;
        if level <= 1 {
            let index = self.pages.len() - 1;
            self.chapters.push((text.to_owned(), index, self.y));
        }
        self.paragraph(text, size, INK);
        if level <= 1 {
            let y = self.y - size * 0.4;
            self.rect(MARGIN, y, PAGE_W - 2.0 * MARGIN, 0.8, RULE);
        }
    }

    fn table(&mut self, t: &Table) {
        let size = BODY - 1.0;
        let pad = 3.0;
        let width = PAGE_W - 2.0 * MARGIN;
        let total: f32 = t.widths.iter().sum::<f32>().max(f32::EPSILON);
        let cols: Vec<f32> = t.widths.iter().map(|w| w / total * width).collect();
        let lines_of = |cells: Vec<&str>, m: &Metrics<'_>| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&cols)
                .map(|(text, w)| m.wrap(text, size, w - 2.0 * pad))
                .collect()
        };
        let header = lines_of(t.headers.iter().map(String::as_str).collect(), self.m);
        let height = |lines: &[Vec<String>]| {
            lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * size * LINE + 2.0 * pad
        };
        let header_h = height(&header);
        let draw_row = |this: &mut Self, lines: &[Vec<String>], tones: &[Tone], is_header: bool| {
            let h = height(lines);
            let mut x = MARGIN;
            for (i, cell_lines) in lines.iter().enumerate() {
                let background = if is_header {
                    Some(HEAD)
                } else {
                    tones.get(i).and_then(|t| t.background())
                };
                if let Some(bg) = background {
                    this.rect(x, this.y, cols[i], h, bg);
                }
                // Cell borders as thin rectangles.
                this.rect(x, this.y, cols[i], 0.4, RULE);
                this.rect(x, this.y, 0.4, h, RULE);
                for (k, line) in cell_lines.iter().enumerate() {
                    let baseline = this.y + pad + size + k as f32 * size * LINE;
                    this.text(x + pad, baseline, size, line, INK);
                }
                x += cols[i];
            }
            this.rect(x, this.y, 0.4, h, RULE);
            this.y += h;
            this.rect(MARGIN, this.y, width, 0.4, RULE);
        };
        self.room(header_h * 2.0);
        draw_row(self, &header, &[], true);
        for row in &t.rows {
            let lines = lines_of(row.iter().map(|c| c.text.as_str()).collect(), self.m);
            let tones: Vec<Tone> = row.iter().map(|c| c.tone).collect();
            let h = height(&lines);
            if self.y + h > BOTTOM {
                self.new_page();
                draw_row(self, &header, &[], true);
            }
            draw_row(self, &lines, &tones, false);
        }
        self.y += BODY;
    }

    fn chart(&mut self, c: &Chart) {
        let size = BODY - 1.0;
        let bar_h = 11.0;
        let label_w = 170.0;
        let value_w = 50.0;
        let full = PAGE_W - 2.0 * MARGIN - label_w - value_w;
        self.room(size * 3.0 + bar_h * 2.0);
        self.paragraph(&c.title, BODY, INK);
        for bar in &c.bars {
            self.room(bar_h + 4.0);
            let first = self.m.ellipsize(&bar.label, size, label_w - 6.0);
            self.text(MARGIN, self.y + size, size, &first, INK);
            self.rect(MARGIN + label_w, self.y, full, bar_h, (0xF1, 0xF1, 0xF1));
            let w = (c.share(bar) as f32) * full;
            if w > 0.0 {
                self.rect(MARGIN + label_w, self.y, w, bar_h, bar.tone.bar());
            }
            let value = c.value_text(bar);
            self.text(
                MARGIN + label_w + full + 4.0,
                self.y + size,
                size,
                &value,
                GREY,
            );
            self.y += bar_h + 4.0;
        }
        self.y += BODY;
    }
}

impl Layout<'_> {
    fn stacked(&mut self, c: &Stacked) {
        let size = BODY - 1.0;
        let bar_h = 11.0;
        let label_w = 170.0;
        let full = PAGE_W - 2.0 * MARGIN - label_w - 50.0;
        self.room(size * 4.0 + bar_h * 2.0);
        self.paragraph(&c.title, BODY, INK);
        // The legend, one swatch and name after another.
        let mut x = MARGIN;
        for (name, tone) in &c.legend {
            self.rect(x, self.y + 1.0, 8.0, 8.0, tone.bar());
            self.text(x + 11.0, self.y + size, size, name, INK);
            x += 11.0 + self.m.width(name, size) + 14.0;
        }
        self.y += size * LINE + 3.0;
        for (label, values) in &c.rows {
            self.room(bar_h + 4.0);
            let first = self.m.ellipsize(label, size, label_w - 6.0);
            self.text(MARGIN, self.y + size, size, &first, INK);
            for ((offset, width), (_, tone)) in c.segments(values).into_iter().zip(&c.legend) {
                if width > 0.0 {
                    self.rect(
                        MARGIN + label_w + offset * full,
                        self.y,
                        width * full,
                        bar_h,
                        tone.bar(),
                    );
                }
            }
            let total: u32 = values.iter().sum();
            let parts: Vec<String> = values.iter().map(u32::to_string).collect();
            let text = format!("{} ({total})", parts.join("/"));
            self.text(
                MARGIN + label_w + full + 4.0,
                self.y + size,
                size - 1.0,
                &text,
                GREY,
            );
            self.y += bar_h + 4.0;
        }
        self.y += BODY;
    }
}

/// Draws the report as A4 pages.
pub fn to_pdf(report: &Report) -> Result<Vec<u8>, PdfError> {
    let font_ref = skrifa::FontRef::new(FONT_DATA).map_err(|e| PdfError(e.to_string()))?;
    let metrics = Metrics::new(&font_ref);
    let font = Font::new(FONT_DATA.into(), 0)
        .ok_or_else(|| PdfError("the report font does not load".into()))?;

    // Content first, on pages numbered from 0 after the title page(s).
    let mut body = Layout::new(&metrics);
    for block in &report.blocks {
        match block {
            Block::Heading { level, text } => body.heading(*level, text),
            Block::Paragraph(text) => body.paragraph(text, BODY, INK),
            Block::Table(t) => body.table(t),
            Block::Bars(c) => body.chart(c),
            Block::Stacked(c) => body.stacked(c),
        }
    }
    // The title page, with the table of contents when the report has several chapters.
    let with_contents = body.chapters.len() >= 2;
    let mut front = Layout::new(&metrics);
    front.y = MARGIN + 40.0;
    front.paragraph(&report.title, 20.0, INK);
    front.paragraph(&report.subtitle, 12.0, GREY);
    front.y += 8.0;
    for (label, value) in &report.meta {
        front.paragraph(&format!("{label}: {value}"), BODY + 0.5, INK);
    }
    if with_contents {
        front.y += 12.0;
        front.paragraph(&report.contents, 13.0, INK);
        // Two passes: the number of front pages shifts every chapter's page number.
        let probe_pages = {
            let mut probe = Layout::new(&metrics);
            probe.y = front.y;
            for (title, _, _) in &body.chapters {
                probe.paragraph(&format!("{title} 999"), BODY + 0.5, INK);
            }
            probe.pages.len()
        };
        let offset = front.pages.len() + probe_pages - 1;
        let size = BODY + 0.5;
        let number_x = PAGE_W - MARGIN - 30.0;
        for (title, page, _) in &body.chapters {
            front.room(size * LINE);
            let baseline = front.y + size;
            let title_lines = metrics.wrap(title, size, number_x - MARGIN - 10.0);
            let first = title_lines.first().cloned().unwrap_or_default();
            front.text(MARGIN, baseline, size, &first, INK);
            front.text(
                number_x,
                baseline,
                size,
                &(page + offset + 1).to_string(),
                INK,
            );
            front.y += size * LINE;
        }
    }
    let front_pages = front.pages.len();
    let mut pages = front.pages;
    pages.extend(body.pages);
    let total = pages.len();

    let mut document = Document::new();
    for (index, ops) in pages.iter().enumerate() {
        let settings =
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError("A4 page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Rect { x, y, w, h, color } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                        continue;
                    };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill(*color)));
                        surface.draw_path(&path);
                    }
                }
                Op::Text {
                    x,
                    y,
                    size,
                    text,
                    color,
                } => {
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
            }
        }
        // Footer: the report's line and the page number.
        surface.set_fill(Some(fill(GREY)));
        let footer_y = PAGE_H - MARGIN + 16.0;
        surface.draw_text(
            Point::from_xy(MARGIN, footer_y),
            font.clone(),
            7.5,
            &report.footer,
            false,
            TextDirection::Auto,
        );
        let number = format!("{} / {total}", index + 1);
        let w = metrics.width(&number, 7.5);
        surface.draw_text(
            Point::from_xy(PAGE_W - MARGIN - w, footer_y),
            font.clone(),
            7.5,
            &number,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    // Bookmarks: one per chapter.
    let mut outline = Outline::new();
    for (title, page, y) in &body.chapters {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(page + front_pages, Point::from_xy(0.0, *y)),
        ));
    }
    document.set_outline(outline);
    document.set_metadata(
        Metadata::new()
            .title(report.title.clone())
            .language(report.lang.to_owned())
            .creator("kaiji".to_owned()),
    );
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Bar, Cell};
    use proptest::prelude::*;

    fn metrics() -> Metrics<'static> {
        Metrics::new(&skrifa::FontRef::new(FONT_DATA).unwrap())
    }

    #[test]
    fn wrapping_breaks_japanese_anywhere_and_latin_at_spaces() {
        let m = metrics();
        let lines = m.wrap("The quick brown fox jumps over the lazy dog", 10.0, 80.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(!l.starts_with(' ') && !l.ends_with(' '), "{lines:?}");
            assert!(m.width(l, 10.0) <= 80.0, "{l}");
        }
        let ja = "医療情報システムの安全管理に関するガイドライン第6.0版に対応する項目";
        let lines = m.wrap(ja, 10.0, 60.0);
        assert_eq!(lines.concat(), ja);
        assert_eq!(m.wrap("a\nb", 10.0, 100.0), ["a", "b"]);
    }

    proptest! {
        /// Lines never overflow (unless one character alone is wider), and no character is lost
        /// but the spaces a line break replaces.
        #[test]
        fn wrapped_text_fits_and_keeps_every_character(
            text in "[ -~ぁ-んァ-ン一-龥\n]{0,120}",
            width in 20.0f32..300.0,
        ) {
            let m = metrics();
            let lines = m.wrap(&text, 9.5, width);
            for l in &lines {
                prop_assert!(m.width(l, 9.5) <= width || l.chars().count() == 1, "{l:?}");
            }
            let kept: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let given: String = text.chars().filter(|c| *c != ' ' && *c != '\n').collect();
            prop_assert_eq!(kept, given);
        }
    }

    #[test]
    fn ids_move_whole_to_the_next_line() {
        let m = metrics();
        let id = "jahis-mds-sds@4.1";
        let text = format!("チェックリスト {id} の項目 RSS-T03 と RSS-T04");
        for width in [60.0f32, 80.0, 100.0, 120.0, 140.0] {
            let lines = m.wrap(&text, 9.0, width);
            if m.width(id, 9.0) <= width {
                assert!(lines.iter().any(|l| l.contains(id)), "{width}: {lines:?}");
            }
            assert!(lines.iter().any(|l| l.contains("RSS-T03")), "{lines:?}");
            for l in &lines {
                assert!(m.width(l, 9.0) <= width, "{l}");
            }
        }
    }

    #[test]
    fn a_label_too_long_is_cut_with_an_ellipsis() {
        let m = metrics();
        let label = "医療情報システムの安全管理に関するガイドライン第6.0版 システム運用編";
        let cut = m.ellipsize(label, 9.0, 100.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(m.width(&cut, 9.0) <= 100.0);
        assert!(label.starts_with(cut.trim_end_matches('…')));
        assert_eq!(m.ellipsize("短い", 9.0, 100.0), "短い");
    }

    proptest! {
        /// An ASCII run (word or id) that fits on a line is never split across lines.
        #[test]
        fn ascii_runs_that_fit_stay_whole(
            parts in proptest::collection::vec(("[ぁ-ん]{0,4}", "[A-Za-z0-9@.-]{1,14}", " ?"), 1..8),
            width in 40.0f32..300.0,
        ) {
            let m = metrics();
            let text: String = parts.iter().map(|(j, a, s)| format!("{j}{a}{s}")).collect();
            let lines = m.wrap(&text, 9.5, width);
            for token in text.split(|c: char| !c.is_ascii_graphic()).filter(|t| !t.is_empty()) {
                if m.width(token, 9.5) <= width {
                    prop_assert!(lines.iter().any(|l| l.contains(token)), "{token:?} in {lines:?}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Any text in any block gives a PDF.
        #[test]
        fn any_report_draws(
            words in proptest::collection::vec("[ -~ぁ-ん一-龥\n]{0,60}", 1..8),
            rows in 0usize..80,
        ) {
            let report = Report {
                lang: "ja",
                title: words[0].clone(),
                subtitle: words.concat(),
                meta: vec![("a".into(), words[0].clone())],
                contents: "目次".into(),
                footer: words[0].clone(),
                blocks: vec![
                    Block::Heading { level: 1, text: words[0].clone() },
                    Block::Paragraph(words.join(" ")),
                    Block::Table(Table {
                        headers: words.clone(),
                        widths: vec![1.0; words.len()],
                        rows: (0..rows).map(|i| words.iter().map(|w| Cell::tone(format!("{i}{w}"), Tone::Bad)).collect()).collect(),
                    }),
                    Block::Heading { level: 1, text: "二".into() },
                    Block::Stacked(Stacked {
                        title: words[0].clone(),
                        legend: vec![("a".into(), Tone::Good), ("b".into(), Tone::Bad)],
                        rows: words.iter().map(|w| (w.clone(), vec![w.len() as u32, rows as u32])).collect(),
                    }),
                    Block::Bars(Chart {
                        title: words[0].clone(),
                        max: 0.0,
                        unit: "%".into(),
                        bars: words.iter().map(|w| Bar { label: w.clone(), value: w.len() as f64, tone: Tone::Good }).collect(),
                    }),
                ],
            };
            let pdf = to_pdf(&report).unwrap();
            prop_assert!(pdf.starts_with(b"%PDF-"));
        }
    }
}
