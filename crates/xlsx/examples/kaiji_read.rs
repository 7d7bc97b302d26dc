//! kaiji's own workbook reading alone (no import, no validation), for `bench/xlsx-import`:
//! the same work as `calamine_floor`. `cargo run --release -p kaiji-xlsx --example kaiji_read FILE…`
fn main() {
    let limits = kaiji_xlsx::Limits::default();
    let mut cells = 0usize;
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("a file");
        let (_, sheets) = kaiji_xlsx::read_workbook(&bytes, &limits).expect("a workbook");
        cells += sheets
            .iter()
            .flat_map(|s| &s.rows)
            .flatten()
            .filter(|c| !c.text.is_empty())
            .count();
    }
    std::io::Write::write_all(&mut std::io::stdout(), format!("{cells}\n").as_bytes())
        .expect("stdout");
}
