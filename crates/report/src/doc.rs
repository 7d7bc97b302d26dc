//! The report model: what a report says, independent of how it is drawn. One model, two
//! renderers ([`crate::html`] and [`crate::pdf`]), so the HTML page and the PDF never disagree.

/// A report: a title page, then blocks in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// `ja` or `en`: the language of the text (and of the PDF's metadata).
    pub lang: &'static str,
    pub title: String,
    pub subtitle: String,
    /// Label / value lines under the title (facility, date, policy …).
    pub meta: Vec<(String, String)>,
    /// The heading of the table of contents.
    pub contents: String,
    /// A sentence every page of the report repeats in its footer.
    pub footer: String,
    pub blocks: Vec<Block>,
}

/// One piece of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; level 1 starts a chapter (listed in the table of contents and the PDF's
    /// bookmarks), level 2 a section.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Table(Table),
    /// A horizontal bar chart.
    Bars(Chart),
    /// Horizontal bars split into parts (answers by section: はい / いいえ / 該当なし / 未回答).
    Stacked(Stacked),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stacked {
    pub title: String,
    /// The parts, in order, with their colours.
    pub legend: Vec<(String, Tone)>,
    /// Label and the count of each part.
    pub rows: Vec<(String, Vec<u32>)>,
}

impl Stacked {
    /// The largest row total (the full width).
    pub(crate) fn max(&self) -> u32 {
        self.rows
            .iter()
            .map(|(_, v)| v.iter().sum::<u32>())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// Each part of a row as (offset, width) shares of the full width, 0 to 1.
    pub(crate) fn segments(&self, values: &[u32]) -> Vec<(f32, f32)> {
        let max = self.max() as f32;
        let mut at = 0.0;
        values
            .iter()
            .map(|v| {
                let w = *v as f32 / max;
                let seg = (at, w);
                at += w;
                seg
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Relative column widths (any scale).
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Normal,
        }
    }

    pub fn tone(text: impl Into<String>, tone: Tone) -> Self {
        Self {
            text: text.into(),
            tone,
        }
    }
}

/// How a cell or a bar reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Good,
    Warn,
    Bad,
    Muted,
}

impl Tone {
    /// Background colour (RGB) of a cell; `None` for white.
    pub(crate) fn background(self) -> Option<(u8, u8, u8)> {
        match self {
            Self::Normal => None,
            Self::Good => Some((0xDD, 0xF0, 0xDD)),
            Self::Warn => Some((0xFB, 0xEA, 0xB0)),
            Self::Bad => Some((0xF8, 0xC9, 0xC4)),
            Self::Muted => Some((0xEE, 0xEE, 0xEE)),
        }
    }

    /// Colour (RGB) of a bar.
    pub(crate) fn bar(self) -> (u8, u8, u8) {
        match self {
            Self::Good => (0x4C, 0x9A, 0x5B),
            Self::Warn => (0xD9, 0xA4, 0x1E),
            Self::Bad => (0xC6, 0x4B, 0x3C),
            Self::Normal | Self::Muted => (0x5B, 0x7D, 0xB1),
        }
    }

    pub(crate) fn css(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Good => "good",
            Self::Warn => "warn",
            Self::Bad => "bad",
            Self::Muted => "muted",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    /// The value a full bar stands for.
    pub max: f64,
    /// Appended to each value (`%`, `件`).
    pub unit: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tone: Tone,
}

impl Chart {
    /// The bar's length as a share of the full width, 0 to 1.
    pub(crate) fn share(&self, bar: &Bar) -> f64 {
        if self.max <= 0.0 {
            0.0
        } else {
            (bar.value / self.max).clamp(0.0, 1.0)
        }
    }

    pub(crate) fn value_text(&self, bar: &Bar) -> String {
        if bar.value.fract() == 0.0 {
            format!("{}{}", bar.value as i64, self.unit)
        } else {
            format!("{:.1}{}", bar.value, self.unit)
        }
    }
}
