//! Reading a workbook into plain grids of cell text, with the limits that keep hostile files
//! harmless: container checks for every format, calamine for .xls, .xlsb and .ods, kaiji's own
//! reader ([`crate::ooxml`]) for .xlsx and .xlsm.

use std::io::{Cursor, Read};

use calamine::{Dimensions, Ods, Reader, Xls, Xlsb};
use jiff::civil::Date;

use crate::{Error, Limits, text};

/// One worksheet as text cells, row by row, from A1.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    /// Merged regions (zero-based, inclusive).
    pub merges: Vec<Dimensions>,
    /// The sheet is hidden in the workbook.
    pub hidden: bool,
    /// Every cell a merged region covers → the region's top-left cell.
    covered: std::collections::HashMap<(usize, usize), (usize, usize)>,
}

/// One cell: its text as shown, and what else kaiji needs to know about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    /// The value as text (numbers without a needless `.0`, dates as YYYY-MM-DD).
    pub text: String,
    /// The value as a date, when the cell holds a date (or a serial number that may be one).
    pub serial: Option<f64>,
    /// The cell holds a formula but the file keeps no computed value for it.
    pub formula_without_value: bool,
    /// The cell is formatted as a date (an item number such as 8-3 that Excel took for one).
    pub is_date: bool,
}

impl Sheet {
    pub(crate) fn new(name: String, hidden: bool) -> Self {
        Self {
            name,
            hidden,
            ..Self::default()
        }
    }

    pub fn cell(&self, row: usize, col: usize) -> Option<&Cell> {
        self.rows.get(row)?.get(col)
    }

    /// The trimmed text of a cell; empty when there is none.
    pub fn text(&self, row: usize, col: usize) -> &str {
        self.cell(row, col).map_or("", |c| c.text.trim())
    }

    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// The top-left cell of the merged region that covers (row, col), if any.
    pub fn merge_origin(&self, row: usize, col: usize) -> Option<(usize, usize)> {
        self.covered.get(&(row, col)).copied()
    }

    /// Sets the merged regions. `area` counts the cells merged regions cover in the whole
    /// workbook, against the limits.
    pub(crate) fn set_merges(
        &mut self,
        merges: Vec<Dimensions>,
        limits: &Limits,
        area: &mut usize,
    ) -> Result<(), Error> {
        let mut covered = std::collections::HashMap::new();
        for m in &merges {
            let (rows, cols) = (
                m.end.0.saturating_sub(m.start.0) as usize + 1,
                m.end.1.saturating_sub(m.start.1) as usize + 1,
            );
            *area = area.saturating_add(rows.saturating_mul(cols));
            if *area > limits.max_cells || m.end.0 as usize >= limits.max_rows || m.end.1 >= 16_384
            {
                return Err(Error::TooLarge(kaiji_catalog::Text::new(
                    format!("シート {} の結合セルが多すぎます", self.name),
                    format!("sheet {} has too many merged cells", self.name),
                )));
            }
            let origin = (m.start.0 as usize, m.start.1 as usize);
            for r in m.start.0..=m.end.0 {
                for c in m.start.1..=m.end.1 {
                    covered.insert((r as usize, c as usize), origin);
                }
            }
        }
        self.merges = merges;
        self.covered = covered;
        Ok(())
    }

    /// The text shown at (row, col): a merged region shows its top-left cell everywhere.
    pub fn shown(&self, row: usize, col: usize) -> &str {
        match self.merge_origin(row, col) {
            Some((r, c)) => self.text(r, c),
            None => self.text(row, col),
        }
    }

    /// The cell as a date: an Excel date cell, or text written as a date (和暦 included).
    pub fn date(&self, row: usize, col: usize) -> Option<Date> {
        let cell = self.cell(row, col)?;
        cell.serial
            .and_then(text::excel_serial_date)
            .or_else(|| text::parse_date(&cell.text))
    }

    pub(crate) fn put(&mut self, row: usize, col: usize, cell: Cell) {
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            cells.resize_with(col + 1, Cell::default);
        }
        cells[col] = cell;
    }
}

/// What kind of file the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

/// Reads every worksheet of a workbook.
///
/// The container parsers are third-party code fed with hostile input: should one of them panic
/// (the fuzzer found such a case in the legacy .xls reader), the panic is caught here and the
/// file is reported as corrupt, so that one bad file never takes the whole run down.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<(Format, Vec<Sheet>), Error> {
    let format = sniff(bytes, limits)?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_format(bytes, format, limits)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::Corrupt {
            sheet: None,
            message: format!("the {format:?} reader failed on this file ({what})"),
        })
    })
    .map(|sheets| (format, sheets))
}

fn read_format(bytes: &[u8], format: Format, limits: &Limits) -> Result<Vec<Sheet>, Error> {
    let sheets = match format {
        Format::Xlsx => crate::ooxml::read(bytes, limits)?,
        Format::Xlsb => {
            let mut book: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(corrupt)?;
            read_ranges(&mut book, limits, |_| Vec::new())?
        }
        Format::Xls => {
            crate::cfb::check(bytes)?;
            check_xls_dimensions(bytes, limits)?;
            let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => Error::Encrypted,
                // Not a workbook stream but an encrypted package: a password-protected .xlsx.
                _ if contains(bytes, &utf16("EncryptedPackage")) => Error::Encrypted,
                other => corrupt(other),
            })?;
            let merges: Vec<(String, Vec<Dimensions>)> = book
                .sheet_names()
                .into_iter()
                .map(|n| {
                    let m = book.merge_cells_by_sheet_name(&n).unwrap_or_default();
                    (n, m)
                })
                .collect();
            read_ranges(&mut book, limits, |name| {
                merges
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_default()
            })?
        }
        Format::Ods => {
            check_ods_size(bytes, limits)?;
            let mut book: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::OdsError::Password => Error::Encrypted,
                other => corrupt(other),
            })?;
            read_ranges(&mut book, limits, |_| Vec::new())?
        }
    };
    Ok(sheets)
}

/// calamine stores each .xls sheet densely, from its first to its last cell, and reserves room
/// for the size a DIMENSIONS record declares: a few cells at far-apart places, or one false
/// record, and it asks for gigabytes (the fuzzer found both). The workbook stream's records are
/// read first, and a sheet that would be larger than the limits is refused.
fn check_xls_dimensions(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    // The workbook stream in its regular sectors; failing that (a small stream in the mini
    // stream, a damaged directory), the raw bytes: a DIMENSIONS record is found there too.
    let stream = crate::cfb::workbook_stream(bytes);
    let stream = stream.as_deref().unwrap_or(bytes);
    let records_only = stream.len() != bytes.len();
    let too_large = |rows: u64, cols: u64| {
        Error::TooLarge(kaiji_catalog::Text::new(
            format!("シートの大きさが {rows} 行 × {cols} 列になり、上限を超えます"),
            format!("a sheet spans {rows} rows × {cols} columns, beyond the limits"),
        ))
    };
    let u16_at = |d: &[u8], i: usize| {
        d.get(i..i + 2)
            .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |d: &[u8], i: usize| {
        d.get(i..i + 4).map_or(0, |b| {
            u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        })
    };
    let max = limits.max_cells as u64;
    let (mut rows, mut cols) = (0u64, 0u64);
    let mut at = 0usize;
    while at + 4 <= stream.len() {
        let kind = u16_at(stream, at);
        let len = u16_at(stream, at + 2) as usize;
        if !records_only && kind != 0x0200 {
            at += 1; // raw bytes: look at every offset, for DIMENSIONS records only
            continue;
        }
        let data = stream.get(at + 4..at + 4 + len).unwrap_or_default();
        match kind {
            // BOF: a new sheet (or the workbook globals) starts.
            0x0809 => (rows, cols) = (0, 0),
            // DIMENSIONS: computed as calamine computes it (u32 arithmetic that wraps), since
            // that is what it reserves.
            0x0200 => {
                let (rf, rl, cf, cl) = match len {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                    _ => (0, 0, 0, 0),
                };
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                if rl >= 1 && cl >= 1 {
                    let span = |last: u64, first: u64| {
                        u64::from(
                            (last as u32)
                                .wrapping_sub(1)
                                .wrapping_sub(first as u32)
                                .wrapping_add(1),
                        )
                    };
                    let (r, c) = (span(rl, rf), span(cl, cf));
                    if r.saturating_mul(c) > max {
                        return Err(too_large(r, c));
                    }
                }
            }
            // Cell records: row, column first (MULRK/MULBLANK: the last column at the end).
            0x0203 | 0x0204 | 0x00FD | 0x027E | 0x0205 | 0x0006 | 0x00D6 | 0x00BD | 0x00BE => {
                rows = rows.max(u16_at(data, 0) + 1);
                let last_col = if matches!(kind, 0x00BD | 0x00BE) {
                    u16_at(data, len.saturating_sub(2))
                } else {
                    u16_at(data, 2)
                };
                cols = cols.max(last_col + 1);
                if rows.saturating_mul(cols) > max {
                    return Err(too_large(rows, cols));
                }
            }
            _ => {}
        }
        at += if records_only { 4 + len } else { 1 };
    }
    Ok(())
}

/// An .ods repeats rows and cells by count (`number-rows-repeated="1000000"`), and calamine
/// expands them before kaiji sees a cell: count what they expand to first.
fn check_ods_size(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut xml = Vec::new();
    if let Ok(part) = zip.by_name("content.xml") {
        part.take(limits.max_uncompressed)
            .read_to_end(&mut xml)
            .map_err(corrupt)?;
    }
    let count = |e: &quick_xml::events::BytesStart<'_>, key: &str| {
        crate::fill::attr(e, key)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1)
    };
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    // calamine stores each table densely up to its last cell with content: count the rows up to
    // the last row with content, and the widest row up to its last cell with content, empty
    // cells and repeated empty rows in between included.
    let (mut rows, mut pending_rows, mut width) = (0u64, 0u64, 0u64);
    let (mut row_repeat, mut row_width, mut content_width) = (1u64, 0u64, 0u64);
    let too_large = || {
        Error::TooLarge(kaiji_catalog::Text::new(
            format!(
                "表の繰り返し指定を展開するとセルが {} 個を超えます",
                limits.max_cells
            ),
            format!(
                "the repeated rows and cells expand to more than {} cells",
                limits.max_cells
            ),
        ))
    };
    loop {
        use quick_xml::events::Event;
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "table" => {
                (rows, pending_rows, width) = (0, 0, 0);
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "table-row" => {
                row_repeat = count(&e, "table:number-rows-repeated");
                (row_width, content_width) = (0, 0);
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "table-row" => {
                pending_rows = pending_rows.saturating_add(count(&e, "table:number-rows-repeated"));
            }
            Ok(Event::Empty(e))
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                row_width = row_width.saturating_add(count(&e, "table:number-columns-repeated"));
                if crate::fill::attr(&e, "office:value-type").is_some() {
                    content_width = row_width;
                }
            }
            // A cell element with children (text) has content.
            Ok(Event::Start(e))
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                row_width = row_width.saturating_add(count(&e, "table:number-columns-repeated"));
                content_width = row_width;
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "table-row" => {
                if content_width > 0 {
                    rows = rows.saturating_add(pending_rows).saturating_add(row_repeat);
                    pending_rows = 0;
                    width = width.max(content_width);
                } else {
                    pending_rows = pending_rows.saturating_add(row_repeat);
                }
                if rows.saturating_mul(width) > limits.max_cells as u64 {
                    return Err(too_large());
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Err(e) => return Err(corrupt(e)),
            _ => {}
        }
        buf.clear();
    }
}

fn hidden_sheets(metadata: &[calamine::Sheet]) -> Vec<String> {
    metadata
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect()
}

fn corrupt(e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        sheet: None,
        message: e.to_string(),
    }
}

/// Identifies the container and checks it against the limits before any parser sees it.
fn sniff(bytes: &[u8], limits: &Limits) -> Result<Format, Error> {
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

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Counts what storing the cell at (row, col) costs (rows are stored densely, so a cell far to
/// the right costs the whole width) and refuses a sheet beyond the limits or Excel's own grid.
pub(crate) fn check_size(
    sheet: &Sheet,
    row: u32,
    col: u32,
    cells: &mut usize,
    limits: &Limits,
) -> Result<(), Error> {
    const EXCEL_COLUMNS: u32 = 16_384;
    let width = sheet.rows.get(row as usize).map_or(0, Vec::len);
    *cells += (col as usize + 1).saturating_sub(width).max(1);
    let sheet = &sheet.name;
    if col >= EXCEL_COLUMNS {
        return Err(Error::Corrupt {
            sheet: Some(sheet.clone()),
            message: format!(
                "a cell in column {} is beyond Excel's {EXCEL_COLUMNS} columns",
                col + 1
            ),
        });
    }
    if row as usize >= limits.max_rows || *cells > limits.max_cells {
        return Err(Error::TooLarge(kaiji_catalog::Text::new(
            format!(
                "シート {sheet} が大きすぎます({} 行 / セル {} 個まで)",
                limits.max_rows, limits.max_cells
            ),
            format!(
                "sheet {sheet} is too large (at most {} rows / {} cells)",
                limits.max_rows, limits.max_cells
            ),
        )));
    }
    Ok(())
}

/// Reads .xls, .xlsb and .ods through calamine's ranges (those formats are bounded in size by
/// their own limits or rare enough; the range size is checked before cells are copied).
fn read_ranges<RS, R, F>(book: &mut R, limits: &Limits, merges: F) -> Result<Vec<Sheet>, Error>
where
    RS: Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
    F: Fn(&str) -> Vec<Dimensions>,
{
    let mut sheets = Vec::new();
    let mut cells_total = 0usize;
    let mut merged_area = 0;
    let hidden = hidden_sheets(book.sheets_metadata());
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| Error::Corrupt {
            sheet: Some(name.clone()),
            message: e.to_string(),
        })?;
        let formulas = book.worksheet_formula(&name).ok();
        let mut sheet = Sheet::new(name.clone(), hidden.contains(&name));
        sheet.set_merges(merges(&name), limits, &mut merged_area)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        if let Some((last_row, last_col)) = range.end() {
            check_size(&sheet, last_row, last_col, &mut 0, limits)?;
        }
        for (r, c, value) in range.used_cells() {
            let (row, col) = (r0 + r as u32, c0 + c as u32);
            check_size(&sheet, row, col, &mut cells_total, limits)?;
            sheet.put(row as usize, col as usize, cell_of(value));
        }
        if let Some(formulas) = formulas {
            let (f0, g0) = formulas.start().unwrap_or((0, 0));
            for (r, c, formula) in formulas.used_cells() {
                let (row, col) = ((f0 + r as u32) as usize, (g0 + c as u32) as usize);
                if !formula.is_empty() && sheet.text(row, col).is_empty() {
                    sheet.put(
                        row,
                        col,
                        Cell {
                            formula_without_value: true,
                            ..Cell::default()
                        },
                    );
                }
            }
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

/// A cell as calamine reads it (.xls, .xlsb, .ods; the differential test of kaiji's .xlsx reader
/// converts calamine's reading the same way).
pub(crate) fn cell_of(value: &calamine::Data) -> Cell {
    use calamine::DataType;
    if let Some(s) = value.get_string() {
        text_cell(s)
    } else if let Some(n) = value.get_int() {
        text_cell(&n.to_string())
    } else if let Some(f) = value.get_float() {
        number_cell(f)
    } else if let Some(b) = value.get_bool() {
        text_cell(if b { "TRUE" } else { "FALSE" })
    } else if let Some(d) = value.get_datetime() {
        date_cell(d.as_f64())
    } else if let Some(s) = value
        .get_datetime_iso()
        .or_else(|| value.get_duration_iso())
    {
        text_cell(s)
    } else if let Some(e) = value.get_error() {
        text_cell(&e.to_string())
    } else {
        Cell::default()
    }
}

pub(crate) fn text_cell(s: &str) -> Cell {
    Cell {
        text: s.to_owned(),
        ..Cell::default()
    }
}

pub(crate) fn number_cell(f: f64) -> Cell {
    let text = if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    };
    Cell {
        text,
        serial: Some(f),
        ..Cell::default()
    }
}

pub(crate) fn date_cell(serial: f64) -> Cell {
    let text =
        text::excel_serial_date(serial).map_or_else(|| serial.to_string(), |d| d.to_string());
    Cell {
        text,
        serial: Some(serial),
        formula_without_value: false,
        is_date: true,
    }
}
