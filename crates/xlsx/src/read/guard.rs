//! Size guards: what storing a cell costs, and the checks that refuse a sheet beyond the limits
//! before calamine reserves room for it (.xls DIMENSIONS records, .ods repeated rows and cells).

use std::io::{Cursor, Read};

use crate::{error::Error, limits::Limits, package, read::cfb, sheet::Sheet};

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

/// calamine stores each .xls sheet densely, from its first to its last cell, and reserves room
/// for the size a DIMENSIONS record declares: a few cells at far-apart places, or one false
/// record, and it asks for gigabytes (the fuzzer found both). The workbook stream's records are
/// read first, and a sheet that would be larger than the limits is refused.
pub(crate) fn check_xls_dimensions(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    // The workbook stream in its regular sectors; failing that (a small stream in the mini
    // stream, a damaged directory), the raw bytes: a DIMENSIONS record is found there too.
    let stream = cfb::workbook_stream(bytes);
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
pub(crate) fn check_ods_size(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut xml = Vec::new();
    if let Ok(part) = zip.by_name("content.xml") {
        part.take(limits.max_uncompressed)
            .read_to_end(&mut xml)
            .map_err(corrupt)?;
    }
    let count = |e: &quick_xml::events::BytesStart<'_>, key: &str| {
        package::attr(e, key)
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
                if package::attr(&e, "office:value-type").is_some() {
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

fn corrupt(e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        sheet: None,
        message: e.to_string(),
    }
}
