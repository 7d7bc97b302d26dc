//! The bounds on what a workbook may make kaiji do (sizes, rows, cells), so that a hostile
//! file costs little.

/// Bounds on what a workbook may make kaiji do, so that a hostile file costs little.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Total uncompressed size of a zip container.
    pub max_uncompressed: u64,
    /// Largest expansion of one zip entry (uncompressed / compressed)...
    pub max_ratio: u64,
    /// ...for entries larger than this (small entries compress well without harm).
    pub max_ratio_floor: u64,
    /// Rows of one sheet.
    pub max_rows: usize,
    /// Cells of the whole workbook.
    pub max_cells: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_uncompressed: 512 << 20,
            max_ratio: 200,
            max_ratio_floor: 1 << 20,
            max_rows: 200_000,
            max_cells: 4_000_000,
        }
    }
}
