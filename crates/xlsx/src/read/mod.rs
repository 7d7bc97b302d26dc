//! Reading a workbook into plain grids of cell text ([`Sheet`]), with the limits that keep
//! hostile files harmless: sniffing and container checks for every format, kaiji's own reader
//! ([`ooxml`]) for .xlsx and .xlsm, calamine for .xls, .xlsb and .ods.

mod cfb;
mod guard;
mod ooxml;
mod sniff;
mod via_calamine;
mod xml;

pub use sniff::Format;

use crate::{error::Error, limits::Limits, sheet::Sheet};

/// Reads every worksheet of a workbook.
///
/// The container parsers are third-party code fed with hostile input: should one of them panic
/// (the fuzzer found such a case in the legacy .xls reader), the panic is caught here and the
/// file is reported as corrupt, so that one bad file never takes the whole run down.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<(Format, Vec<Sheet>), Error> {
    let format = sniff::sniff(bytes, limits)?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        Format::Xlsx => ooxml::read(bytes, limits),
        Format::Xlsb => via_calamine::read_xlsb(bytes, limits),
        Format::Xls => via_calamine::read_xls(bytes, limits),
        Format::Ods => via_calamine::read_ods(bytes, limits),
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
