//! System inventories kept in Excel: the example hospital's workbook (written by openpyxl,
//! testdata/make_workbooks.py) reads as its YAML twin; bad cells are named.

use kaiji_model::mhlw::Inventory;
use kaiji_xlsx::{Error, Limits, read_inventory};
use proptest::prelude::*;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_example_workbook_reads_as_the_yaml_inventory() {
    let bytes = std::fs::read(root().join("examples/hospital/inventory.xlsx")).unwrap();
    let from_excel = read_inventory(&bytes, "inventory", &Limits::default()).unwrap();
    let yaml = std::fs::read_to_string(root().join("examples/hospital/inventory.yaml")).unwrap();
    let from_yaml = Inventory::parse("inventory.yaml", &yaml).unwrap();
    assert_eq!(from_excel, from_yaml);
}

fn book(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("台帳").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn bad_cells_and_missing_tables_are_named() {
    let bytes = book(&[
        &["System", "Vendor", "Remote maintenance"],
        &["PACS", "Example Co.", "yes"],
        &["EHR", "Other Co.", "perhaps"],
    ]);
    match read_inventory(&bytes, "x", &Limits::default()) {
        Err(Error::BadCell {
            sheet,
            cell,
            message,
        }) => {
            assert_eq!((sheet.as_str(), cell.as_str()), ("台帳", "C3"));
            assert!(message.en.contains("perhaps"));
        }
        other => panic!("{other:?}"),
    }
    let bytes = book(&[
        &["System", "Vendor", "Confirmed"],
        &["PACS", "Example Co.", "soon"],
    ]);
    assert!(matches!(
        read_inventory(&bytes, "x", &Limits::default()),
        Err(Error::BadCell { cell, .. }) if cell == "C2"
    ));
    let bytes = book(&[
        &["Facility", "Example Hospital"],
        &["System", "Vendor", "Disclosure"],
        &["PACS", "Example Co."],
    ]);
    let inv = read_inventory(&bytes, "x", &Limits::default()).unwrap();
    assert_eq!(inv.facility, "Example Hospital");
    assert_eq!(inv.systems[0].remote_maintenance, None);
    let e = read_inventory(&book(&[&["メモ"]]), "x", &Limits::default()).unwrap_err();
    assert!(matches!(e, Error::NoInventory), "{e:?}");
    assert!(e.to_string().contains("システム台帳"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any grid of text under an inventory header: an inventory or a named bad cell.
    #[test]
    fn any_grid_reads_or_names_its_bad_cell(
        rows in proptest::collection::vec(proptest::collection::vec("[ -~あ-ん○×]{0,8}", 0..8), 0..12),
    ) {
        let mut all: Vec<Vec<String>> = vec![["システム名", "事業者名", "製品名", "バージョン", "リモート保守", "確認日", "開示書"].map(String::from).to_vec()];
        all.extend(rows);
        let refs: Vec<Vec<&str>> = all.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
        match read_inventory(&book(&slices), "x", &Limits::default()) {
            Ok(inv) => prop_assert!(inv.systems.len() < all.len()),
            Err(Error::BadCell { sheet, .. }) => prop_assert_eq!(sheet, "台帳"),
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}
