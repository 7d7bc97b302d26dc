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

    /// The language of messages.
    pub(crate) fn lang(&self) -> Lang {
        self.lang
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

    /// A line of human text. Control characters and bidirectional overrides (which a vendor's
    /// file may carry to rewrite what a terminal shows) are written as visible escapes.
    pub(crate) fn line(&mut self, s: impl AsRef<str>) {
        let shown = escape_controls(s.as_ref());
        self.write(shown.as_bytes());
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

    /// A warning on standard error: the command goes on, its output (and exit code) unchanged.
    pub(crate) fn warn(&self, text: &Text) {
        let label = Text::new("警告", "warning");
        let line = format!("kaiji: {}: {}\n", self.t(&label), self.t(text));
        // Nothing sensible is left to do if stderr itself is gone.
        let _ = io::stderr()
            .lock()
            .write_all(escape_controls(&line).as_bytes());
    }

    pub(crate) fn json(&mut self, value: &impl Serialize) {
        let text = serde_json::to_string_pretty(value).expect("report data always serialises");
        self.write(text.as_bytes());
        self.write(b"\n");
    }
}

/// Whether a character would act on a terminal instead of being shown: C0 and C1 controls
/// (but line feed and tab), DEL, and the bidirectional marks, embeddings, overrides and isolates.
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every dangerous character written as `\u{…}`.
pub(crate) fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if is_dangerous(c) {
                format!("\\u{{{:04x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
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

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn terminal_controls_and_bidi_overrides_are_shown_escaped() {
        assert_eq!(escape_controls("SampleView PACS"), "SampleView PACS");
        assert_eq!(escape_controls("行1\n\t行2"), "行1\n\t行2");
        assert_eq!(
            escape_controls("evil\u{1b}[2J\r\u{202e}fdp.exe\u{7f}"),
            "evil\\u{001b}[2J\\u{000d}\\u{202e}fdp.exe\\u{007f}"
        );
        assert_eq!(
            escape_controls("\u{2066}x\u{2069}\u{85}"),
            "\\u{2066}x\\u{2069}\\u{0085}"
        );
    }
}
