//! Sniffing: what kind of file the bytes are, checked against the zip limits (total size,
//! expansion ratio) before any parser sees them.

use std::io::{Cursor, Read};

use crate::{error::Error, limits::Limits};

/// What kind of file the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

/// Identifies the container and checks it against the limits before any parser sees it.
pub(crate) fn sniff(bytes: &[u8], limits: &Limits) -> Result<Format, Error> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const EMPTY_ZIP: &[u8] = b"PK\x05\x06";
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.is_empty() {
        return Err(Error::NotAWorkbook(kaiji_catalog::Text::new(
            "空のファイルです",
            "the file is empty",
        )));
    }
    if bytes.starts_with(CFB) {
        // An OLE compound file: a legacy .xls, or an encrypted (password-protected) .xlsx,
        // which Office stores as an OLE file with an EncryptedPackage stream.
        if contains(bytes, &utf16("EncryptedPackage")) || contains(bytes, &utf16("EncryptionInfo"))
        {
            return Err(Error::Encrypted);
        }
        return Ok(Format::Xls);
    }
    if bytes.starts_with(EMPTY_ZIP) {
        return Err(Error::NotAWorkbook(kaiji_catalog::Text::new(
            "空の zip ファイルです(ワークブックではありません)",
            "an empty zip archive, not a workbook",
        )));
    }
    if !bytes.starts_with(ZIP) {
        let head = &bytes[..bytes.len().min(4096)];
        // Text in any common encoding (UTF-8, Shift_JIS, UTF-16 with its mark): no control bytes
        // but tab and line ends.
        let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
        let looks_like_text = utf16
            || !head
                .iter()
                .any(|b| b.is_ascii_control() && !b"\t\n\r".contains(b));
        let separated = head.iter().any(|b| *b == b',' || *b == b'\t')
            || (utf16
                && head
                    .chunks(2)
                    .any(|p| p.contains(&b',') || p.contains(&b'\t')));
        let (ja, en) = if looks_like_text && separated {
            (
                "CSV などのテキストファイルです(拡張子だけが .xlsx?)。Excel で開いて .xlsx として保存してください",
                "a CSV or other text file (renamed to .xlsx?); open it in Excel and save it as .xlsx",
            )
        } else if looks_like_text {
            (
                "テキストファイルです。Excel ワークブックではありません",
                "a text file, not an Excel workbook",
            )
        } else {
            (
                "Excel ワークブック(.xlsx, .xlsm, .xls, .ods)ではありません",
                "not an Excel workbook (.xlsx, .xlsm, .xls, .ods)",
            )
        };
        return Err(Error::NotAWorkbook(kaiji_catalog::Text::new(ja, en)));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        Error::NotAWorkbook(kaiji_catalog::Text::new(
            format!("壊れた zip ファイルです: {e}"),
            format!("a corrupt zip archive: {e}"),
        ))
    })?;
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| {
            Error::NotAWorkbook(kaiji_catalog::Text::new(
                format!("壊れた zip ファイルです: {e}"),
                format!("a corrupt zip archive: {e}"),
            ))
        })?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        total = total.saturating_add(size);
        if size > limits.max_ratio_floor && size / packed > limits.max_ratio {
            return Err(Error::TooLarge(kaiji_catalog::Text::new(
                format!(
                    "{} の圧縮率が異常です({} 倍、zip 爆弾の疑い)",
                    name,
                    size / packed
                ),
                format!("{} expands {} times (a zip bomb?)", name, size / packed),
            )));
        }
        names.push(name);
    }
    if total > limits.max_uncompressed {
        return Err(Error::TooLarge(kaiji_catalog::Text::new(
            format!(
                "展開後のサイズが {} MiB を超えます",
                limits.max_uncompressed >> 20
            ),
            format!("expands to more than {} MiB", limits.max_uncompressed >> 20),
        )));
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("content.xml") && has("mimetype") {
        let mut mime = String::new();
        if let Ok(mut f) = zip.by_name("mimetype") {
            let _ = f.by_ref().take(200).read_to_string(&mut mime);
        }
        if mime.contains("spreadsheet") {
            Ok(Format::Ods)
        } else {
            Err(Error::NotAWorkbook(kaiji_catalog::Text::new(
                format!("OpenDocument ですが表計算ではありません({mime})"),
                format!("an OpenDocument file, but not a spreadsheet ({mime})"),
            )))
        }
    } else {
        let what = if has("word/document.xml") {
            ("Word 文書です", "a Word document")
        } else if has("ppt/presentation.xml") {
            ("PowerPoint ファイルです", "a PowerPoint file")
        } else {
            (
                "ワークブックを含まない zip ファイルです",
                "a zip archive without a workbook",
            )
        };
        Err(Error::NotAWorkbook(kaiji_catalog::Text::new(
            what.0, what.1,
        )))
    }
}

pub(crate) fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
