//! Prints what kaiji reads from a workbook, cell by cell: `cargo run -p kaiji-xlsx --example dump FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let (format, sheets) =
        kaiji_xlsx::read_workbook(&bytes, &kaiji_xlsx::Limits::default()).expect("a workbook");
    let mut out = String::new();
    out.push_str(&format!("{format:?}\n"));
    for sheet in sheets {
        out.push_str(&format!(
            "== {} ({} rows, merges {:?})\n",
            sheet.name,
            sheet.rows.len(),
            sheet.merges
        ));
        for (r, row) in sheet.rows.iter().enumerate().take(40) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.text.is_empty())
                .map(|(c, cell)| format!("{c}:{:?}", cell.text))
                .collect();
            if !cells.is_empty() {
                out.push_str(&format!("{r}: {}\n", cells.join(" | ")));
            }
        }
    }
    std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes()).expect("stdout");
}
