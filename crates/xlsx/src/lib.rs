//! kaiji-xlsx: Excel in and out.
//!
//! - [`import`] reads the MDS/SDS workbooks people exchange (.xlsx, .xlsm, .xls, .ods): header
//!   rows found by keywords, one answer column or separate mark columns, item numbers as people
//!   write them, a cover sheet or block, the checklist revision named in the book. Nothing typed
//!   is dropped: what kaiji cannot place is kept and reported with its cell.
//! - [`export`] writes kaiji's own layout, which imports back to the same document.
//!
//! The library takes bytes and returns bytes and findings; it never touches the file system.

// Layers, from the leaves up; a module uses only modules of the layers below its own:
//   1. error, limits, text: leaves
//   2. sheet (the grid of cells), package (zip parts, relationships)
//   3. read (sheet, package), layout (sheet, text)
//   4. import, fill, derive, export, inventory
// The report workbooks (comparison, MHLW lines, risk register) live in kaiji-report.
mod error;
mod limits;
mod text;

mod sheet;

mod package;

mod read;

mod layout;

mod derive;
mod export;
mod fill;
mod import;
mod inventory;

pub use derive::{DeriveOptions, derive};
pub use error::{BadCell, Error};
pub use export::export;
pub use fill::{FillReport, fill};
pub use import::{ImportOptions, Imported, import};
pub use inventory::read_inventory;
pub use limits::Limits;
pub use read::{Format, read_workbook};
pub use sheet::{Cell, Sheet};
