//! The one output sink of the CLI: everything a command prints goes through [`Out`].

use std::io::{self, Write};

use kaiji_catalog::{Lang, Text};
use serde::Serialize;

#[derive(Debug)]
pub(crate) struct Out {
    pub(crate) lang: Lang,
    sink: io::BufWriter<io::Stdout>,
    /// The first write error; later writes are skipped and `finish` reports it.
    error: Option<io::Error>,
}

impl Out {
    pub(crate) fn stdout(lang: Lang) -> Self {
        Self {
            lang,
            sink: io::BufWriter::new(io::stdout()),
            error: None,
        }
    }

    /// Flushes, and reports the first write error. A closed pipe (`kaiji … | head`) is not an
    /// error: the reader has what it wanted.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        let flushed = self.sink.flush();
        match self.error.take().map_or(flushed, Err) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.sink.write_all(bytes)
        {
            self.error = Some(e);
        }
    }

    /// Picks the text of the current language.
    pub(crate) fn t<'a>(&self, text: &'a Text) -> &'a str {
        text.get(self.lang)
    }

    /// Picks between a Japanese and an English literal.
    pub(crate) fn pick<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    pub(crate) fn line(&mut self, s: impl AsRef<str>) {
        self.write(s.as_ref().as_bytes());
        self.write(b"\n");
    }

    pub(crate) fn raw(&mut self, s: &str) {
        self.write(s.as_bytes());
    }

    pub(crate) fn json(&mut self, value: &impl Serialize) {
        let text = serde_json::to_string_pretty(value).expect("report data always serialises");
        self.line(text);
    }
}

/// Pads `s` with spaces to `width` terminal columns (Japanese characters take two).
pub(crate) fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The terminal width of `s`.
pub(crate) fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
pub(crate) fn csv_row<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    fields
        .into_iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
