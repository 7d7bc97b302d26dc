//! What import, fill and derive share about where things stand in a checklist workbook: the
//! table (header row, what each column holds), the cover, item numbers, the kind of document and
//! kaiji's own hidden sheet.

pub(crate) mod cover;
pub(crate) mod kind;
pub(crate) mod number;
pub(crate) mod own;
pub(crate) mod table;
