//! The formats kaiji reads through calamine (.xls, .xlsb, .ods), each checked by the size guards
//! (and the compound-file check for .xls) before calamine sees it.

use std::io::{Cursor, Read};

use calamine::{Dimensions, Ods, Reader, Xls, Xlsb};

use crate::{
    error::Error,
    limits::Limits,
    read::{cfb, guard, sniff},
    sheet::{Cell, Sheet, date_cell, number_cell, text_cell},
};

/// Reads an .xlsb.
pub(crate) fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, Error> {
    let mut book: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(corrupt)?;
    read_ranges(&mut book, limits, |_| Vec::new())
}

/// Reads a legacy .xls, after checking its compound file and its declared sheet sizes.
pub(crate) fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, Error> {
    cfb::check(bytes)?;
    guard::check_xls_dimensions(bytes, limits)?;
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => Error::Encrypted,
        // Not a workbook stream but an encrypted package: a password-protected .xlsx.
        _ if sniff::contains(bytes, &sniff::utf16("EncryptedPackage")) => Error::Encrypted,
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
    })
}

/// Reads an .ods, after counting what its repeated rows and cells expand to.
pub(crate) fn read_ods(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, Error> {
    guard::check_ods_size(bytes, limits)?;
    let mut book: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => Error::Encrypted,
        other => corrupt(other),
    })?;
    read_ranges(&mut book, limits, |_| Vec::new())
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
            guard::check_size(&sheet, last_row, last_col, &mut 0, limits)?;
        }
        for (r, c, value) in range.used_cells() {
            let (row, col) = (r0 + r as u32, c0 + c as u32);
            guard::check_size(&sheet, row, col, &mut cells_total, limits)?;
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
