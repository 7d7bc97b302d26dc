//! The leaf of the crate: a worksheet as plain grids of cell text ([`Sheet`], [`Cell`]), which
//! every reader produces and everything above reads.

use std::collections::HashMap;

use calamine::Dimensions;
use jiff::civil::Date;

use crate::{error::Error, limits::Limits, text};

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
    covered: HashMap<(usize, usize), (usize, usize)>,
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
        let mut covered = HashMap::new();
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
