//! The speed floor for `bench/xlsx-import`: raw calamine reading of every cell of every sheet of
//! each workbook given, nothing else. `cargo run --release -p kaiji-xlsx --example calamine_floor FILE…`
use calamine::{Reader, open_workbook_auto};

fn main() {
    let mut cells = 0usize;
    for path in std::env::args().skip(1) {
        let mut book = open_workbook_auto(&path).expect("a workbook");
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).expect("a sheet");
            cells += range.used_cells().count();
        }
    }
    std::io::Write::write_all(&mut std::io::stdout(), format!("{cells}\n").as_bytes())
        .expect("stdout");
}
