//! A small pull tokenizer for the XML of worksheet and shared-string parts, where nearly all of
//! an import's reading time goes: it borrows from the inflated part, finds markup with `memchr`
//! and decodes only the text kaiji keeps. It knows the XML that spreadsheet writers produce
//! (elements, attributes in either quote, text with entity and character references, CDATA,
//! comments, processing instructions, a DOCTYPE) and reports anything else as an error with its
//! byte offset; it never panics, whatever the bytes.

/// One piece of markup or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// `<name attrs>` or, with `empty`, `<name attrs/>`. `name` is the local name (no prefix).
    Start {
        name: &'a [u8],
        attrs: Attrs<'a>,
        empty: bool,
    },
    /// `</name>` (local name).
    End { name: &'a [u8] },
    /// Character data as written (entities not yet resolved); see [`Token::text`].
    Text(&'a [u8]),
    /// The content of a CDATA section, taken literally.
    CData(&'a [u8]),
}

/// A malformed part: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    pub(crate) offset: usize,
    pub(crate) what: &'static str,
}

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.what, self.offset)
    }
}

pub(crate) struct Tokens<'a> {
    xml: &'a [u8],
    at: usize,
}

impl<'a> Tokens<'a> {
    pub(crate) fn new(xml: &'a [u8]) -> Self {
        // A byte order mark is not text.
        let at = if xml.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        Self { xml, at }
    }

    fn error(&self, offset: usize, what: &'static str) -> XmlError {
        XmlError { offset, what }
    }

    /// The next token, `None` at the end of the part.
    pub(crate) fn next_token(&mut self) -> Result<Option<Token<'a>>, XmlError> {
        loop {
            let xml = self.xml;
            let start = self.at;
            if start >= xml.len() {
                return Ok(None);
            }
            if xml[start] != b'<' {
                let end = memchr::memchr(b'<', &xml[start..]).map_or(xml.len(), |i| start + i);
                self.at = end;
                return Ok(Some(Token::Text(&xml[start..end])));
            }
            let rest = &xml[start + 1..];
            match rest.first() {
                Some(b'/') => {
                    let close = self.find(start, b">", "an end tag is not closed")?;
                    self.at = close + 1;
                    let name = trim(&xml[start + 2..close]);
                    if name.is_empty() {
                        return Err(self.error(start, "an end tag has no name"));
                    }
                    return Ok(Some(Token::End { name: local(name) }));
                }
                Some(b'?') => {
                    let close =
                        self.find(start, b"?>", "a processing instruction is not closed")?;
                    self.at = close + 2;
                }
                Some(b'!') if rest.starts_with(b"!--") => {
                    let close = self.find(start + 4, b"-->", "a comment is not closed")?;
                    self.at = close + 3;
                }
                Some(b'!') if rest.starts_with(b"![CDATA[") => {
                    let body = start + 9;
                    let close = self.find(body, b"]]>", "a CDATA section is not closed")?;
                    self.at = close + 3;
                    return Ok(Some(Token::CData(&xml[body..close])));
                }
                Some(b'!') => {
                    // A DOCTYPE, with an internal subset in brackets perhaps.
                    let mut depth = 0usize;
                    let mut i = start + 2;
                    loop {
                        match xml.get(i) {
                            None => return Err(self.error(start, "a declaration is not closed")),
                            Some(b'[') => depth += 1,
                            Some(b']') => depth = depth.saturating_sub(1),
                            Some(b'>') if depth == 0 => break,
                            _ => {}
                        }
                        i += 1;
                    }
                    self.at = i + 1;
                }
                Some(_) => return self.start_tag(start).map(Some),
                None => return Err(self.error(start, "the part ends inside a tag")),
            }
        }
    }

    /// `<name attr="v" …>` from `start` (the `<`): quotes are respected, so `>` may stand in
    /// an attribute value.
    fn start_tag(&mut self, start: usize) -> Result<Token<'a>, XmlError> {
        let xml = self.xml;
        // Jump from quote to quote: a `>` inside an attribute value does not close the tag.
        let mut i = start + 1;
        let close = loop {
            let Some(found) = memchr::memchr3(b'>', b'"', b'\'', &xml[i..]) else {
                return Err(self.error(start, "a tag is not closed"));
            };
            let at = i + found;
            match xml[at] {
                b'>' => break at,
                quote => match memchr::memchr(quote, &xml[at + 1..]) {
                    Some(end) => i = at + 1 + end + 1,
                    None => return Err(self.error(start, "a tag is not closed")),
                },
            }
        };
        self.at = close + 1;
        let empty = xml[close - 1] == b'/' && close - 1 > start;
        let inner = &xml[start + 1..if empty { close - 1 } else { close }];
        let name_end = inner
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        if name.is_empty() {
            return Err(self.error(start, "a tag has no name"));
        }
        Ok(Token::Start {
            name: local(name),
            attrs: Attrs {
                raw: &inner[name_end..],
            },
            empty,
        })
    }

    fn find(&self, from: usize, needle: &[u8], what: &'static str) -> Result<usize, XmlError> {
        let hay = self.xml.get(from..).unwrap_or_default();
        memchr::memmem::find(hay, needle)
            .map(|i| from + i)
            .ok_or_else(|| self.error(from, what))
    }

    /// Skips to the end of the element whose start tag was just read (nested elements of the
    /// same name included).
    pub(crate) fn skip_element(&mut self, name: &[u8]) -> Result<(), XmlError> {
        let mut depth = 1usize;
        while let Some(token) = self.next_token()? {
            match token {
                Token::Start {
                    name: n,
                    empty: false,
                    ..
                } if n == name => depth += 1,
                Token::End { name: n } if n == name => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.error(self.xml.len(), "an element is not closed"))
    }

    pub(crate) fn offset(&self) -> usize {
        self.at
    }
}

/// The attributes of a start tag, read on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attrs<'a> {
    raw: &'a [u8],
}

impl<'a> Attrs<'a> {
    /// The raw value of the attribute with this local name (any prefix), entities unresolved.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&'a [u8]> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The value as text, entities resolved (lossy on bad UTF-8 or unknown entities: attribute
    /// values are names and numbers, never what a person typed into a cell).
    pub(crate) fn text(&self, key: &[u8]) -> Option<String> {
        let raw = self.get(key)?;
        let mut out = String::new();
        if decode_into(raw, &mut out).is_err() {
            out = String::from_utf8_lossy(raw).into_owned();
        }
        Some(out)
    }

    /// (local name, raw value) pairs; stops at the first thing that is not `name="value"`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let mut rest = self.raw;
        std::iter::from_fn(move || {
            rest = trim(rest);
            let eq = memchr::memchr(b'=', rest)?;
            let key = trim(&rest[..eq]);
            let after = trim_start(&rest[eq + 1..]);
            let q = *after.first().filter(|q| matches!(q, b'"' | b'\''))?;
            let end = memchr::memchr(q, &after[1..])?;
            let value = &after[1..=end];
            rest = &after[end + 2..];
            Some((local(key), value))
        })
    }
}

/// A name without its namespace prefix.
fn local(name: &[u8]) -> &[u8] {
    memchr::memrchr(b':', name).map_or(name, |i| &name[i + 1..])
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn trim(s: &[u8]) -> &[u8] {
    let s = trim_start(s);
    let n = s
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    &s[..s.len() - n]
}

/// Appends CDATA content, which is taken literally.
pub(crate) fn literal_into(raw: &[u8], out: &mut String) -> Result<(), &'static str> {
    out.push_str(std::str::from_utf8(raw).map_err(|_| "text that is not UTF-8")?);
    Ok(())
}

/// Appends raw character data to `out`, entity and character references resolved and line ends
/// normalised (`\r\n` and a lone `\r` become `\n`, as XML requires). Fails on text that is not
/// UTF-8 or a reference XML does not define.
pub(crate) fn decode_into(raw: &[u8], out: &mut String) -> Result<(), &'static str> {
    let text = std::str::from_utf8(raw).map_err(|_| "text that is not UTF-8")?;
    if memchr::memchr2(b'&', b'\r', raw).is_none() {
        out.push_str(text);
        return Ok(());
    }
    let mut rest = text;
    while let Some(i) = rest.find(['&', '\r']) {
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'\r' {
            out.push('\n');
            rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
            continue;
        }
        let end = rest[i..].find(';').ok_or("an '&' without ';'")? + i;
        let entity = &rest[i + 1..end];
        match entity {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code = if let Some(hex) = entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    return Err("an entity XML does not define");
                };
                out.push(
                    code.and_then(char::from_u32)
                        .ok_or("a character reference to no character")?,
                );
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode(raw: &[u8]) -> Result<String, &'static str> {
        let mut out = String::new();
        decode_into(raw, &mut out).map(|()| out)
    }

    fn all(xml: &[u8]) -> Result<Vec<Token<'_>>, XmlError> {
        let mut t = Tokens::new(xml);
        let mut out = Vec::new();
        while let Some(token) = t.next_token()? {
            out.push(token);
        }
        Ok(out)
    }

    #[test]
    fn tokens_of_a_cell() {
        let xml = br#"<?xml version="1.0"?><!-- c --><x:c r="A1" t='s' x:s = "3"><v>1&amp;2</v><f/></x:c><![CDATA[a<b]]>"#;
        let tokens = all(xml).unwrap();
        let Token::Start { name, attrs, empty } = tokens[0] else {
            panic!("{tokens:?}")
        };
        assert_eq!((name, empty), (&b"c"[..], false));
        assert_eq!(attrs.get(b"r"), Some(&b"A1"[..]));
        assert_eq!(attrs.get(b"t"), Some(&b"s"[..]));
        assert_eq!(attrs.get(b"s"), Some(&b"3"[..]));
        assert_eq!(tokens[2], Token::Text(b"1&amp;2"));
        assert_eq!(decode(b"1&amp;2&#x41;&#66;\r\nz").unwrap(), "1&2AB\nz");
        assert!(matches!(
            tokens[4],
            Token::Start {
                name: b"f",
                empty: true,
                ..
            }
        ));
        assert_eq!(tokens[6], Token::CData(b"a<b"));
    }

    #[test]
    fn a_quoted_gt_does_not_close_a_tag() {
        let tokens = all(br#"<numFmt formatCode="[&gt;=100]0" id='a>b'/>"#).unwrap();
        let Token::Start { attrs, .. } = tokens[0] else {
            panic!()
        };
        assert_eq!(attrs.text(b"formatCode").as_deref(), Some("[>=100]0"));
        assert_eq!(attrs.get(b"id"), Some(&b"a>b"[..]));
    }

    #[test]
    fn broken_markup_is_an_error_with_its_offset() {
        for (xml, offset) in [
            (&b"<a><b"[..], 3),
            (b"<a><!-- x", 7),
            (b"<a></", 3),
            (b"<a x='1></a>", 0),
            (b"ok<>", 2),
        ] {
            let e = all(xml).unwrap_err();
            assert_eq!(e.offset, offset, "{xml:?}: {e}");
        }
        assert!(decode(b"&nbsp;").is_err());
        assert!(decode(b"&#xD800;").is_err());
        assert!(decode(b"\xFF").is_err());
    }

    proptest! {
        /// Any bytes: tokens or an error, never a panic, and always progress.
        #[test]
        fn never_panics(xml in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut t = Tokens::new(&xml);
            let mut steps = 0;
            while let Ok(Some(_)) = t.next_token() {
                steps += 1;
                prop_assert!(steps <= xml.len() + 1);
            }
        }

        /// Text written with escapes reads back as it was.
        #[test]
        fn escaped_text_reads_back(s in "\\PC*") {
            let escaped = s
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\r', "&#13;");
            let xml = format!("<t a=\"{}\">{escaped}</t>", escaped.replace('"', "&quot;"));
            let tokens = all(xml.as_bytes()).unwrap();
            let Token::Start { attrs, .. } = tokens[0] else { panic!() };
            let value = attrs.text(b"a");
            prop_assert_eq!(value.as_deref(), Some(s.as_str()));
            let text = match tokens.get(1) {
                Some(Token::Text(t)) => decode(t).unwrap(),
                _ => String::new(),
            };
            prop_assert_eq!(text, s);
        }
    }
}
