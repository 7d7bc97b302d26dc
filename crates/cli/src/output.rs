//! The one output sink of the CLI: everything a command prints goes through [`Out`].

use std::io::{self, Write};

use kaiji_catalog::{Lang, Text};
use serde::Serialize;

#[derive(Debug)]
pub(crate) struct Out {
    pub(crate) lang: Lang,
    sink: Sink,
    /// The first write error; later writes are skipped and `finish` reports it.
    error: Option<io::Error>,
}

/// Where output goes: standard output, or memory (a report written to a file with `-o`).
#[derive(Debug)]
enum Sink {
    Stdout(io::BufWriter<io::Stdout>),
    Memory(Vec<u8>),
}

impl Out {
    pub(crate) fn stdout(lang: Lang) -> Self {
        Self {
            lang,
            sink: Sink::Stdout(io::BufWriter::new(io::stdout())),
            error: None,
        }
    }

    /// An `Out` that collects what is written, for [`Out::into_bytes`].
    pub(crate) fn memory(lang: Lang) -> Self {
        Self {
            lang,
            sink: Sink::Memory(Vec::new()),
            error: None,
        }
    }

    /// What a memory `Out` collected (nothing for standard output).
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        match self.sink {
            Sink::Memory(bytes) => bytes,
            Sink::Stdout(_) => Vec::new(),
        }
    }

    /// Flushes, and reports the first write error. A closed pipe (`kaiji … | head`) is not an
    /// error: the reader has what it wanted.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        let flushed = match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::Memory(_) => Ok(()),
        };
        match self.error.take().map_or(flushed, Err) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let written = match &mut self.sink {
            Sink::Stdout(w) => w.write_all(bytes),
            Sink::Memory(v) => {
                v.extend_from_slice(bytes);
                Ok(())
            }
        };
        if let Err(e) = written {
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

    /// A finding as one line: `place: severity[code]: message`.
    pub(crate) fn finding(&self, f: &kaiji_model::Finding) -> String {
        format!(
            "{}: {}[{}]: {}",
            f.location,
            self.t(&f.severity.label()),
            f.code,
            f.message(self.lang)
        )
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
