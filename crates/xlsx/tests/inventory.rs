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
        Err(Error::BadCells(cells)) => {
            assert_eq!(cells.len(), 1, "{cells:?}");
            assert_eq!(
                (cells[0].sheet.as_str(), cells[0].cell.as_str()),
                ("台帳", "C3")
            );
            assert!(cells[0].message.en.contains("perhaps"));
        }
        other => panic!("{other:?}"),
    }
    let bytes = book(&[
        &["System", "Vendor", "Confirmed"],
        &["PACS", "Example Co.", "soon"],
    ]);
    assert!(matches!(
        read_inventory(&bytes, "x", &Limits::default()),
        Err(Error::BadCells(cells)) if cells.len() == 1 && cells[0].place() == "台帳!C2"
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

/// 要確認 (and 不明, 確認中 …) is not an answer yet: the entry is unconfirmed, not an error.
#[test]
fn unconfirmed_remote_maintenance_is_not_an_error() {
    let bytes = book(&[
        &["システム名", "事業者名", "リモート保守", "確認日"],
        &["PACS", "A社", "要確認", ""],
        &["電子カルテ", "B社", "不明", "未確認"],
        &["検査", "C社", "確認中", ""],
        &["放射線", "D社", "あり", "2026/4/1"],
        &["給食", "E社", "なし", ""],
    ]);
    let inv = read_inventory(&bytes, "x", &Limits::default()).unwrap();
    let remote: Vec<Option<bool>> = inv.systems.iter().map(|s| s.remote_maintenance).collect();
    assert_eq!(remote, [None, None, None, Some(true), Some(false)]);
    assert_eq!(inv.systems[1].remote_confirmed, None);
    assert!(inv.systems[3].remote_confirmed.is_some());
}

/// Every bad cell of the file in one error, each named by sheet!cell, in the order of the rows.
#[test]
fn all_bad_cells_are_reported_at_once() {
    let bytes = book(&[
        &["システム名", "事業者名", "リモート保守", "確認日"],
        &["PACS", "A社", "たぶん", "来週"],
        &["電子カルテ", "B社", "要確認", ""],
        &["検査", "C社", "あり", "2026/13/40"],
        &["放射線", "D社", "半分", ""],
    ]);
    let e = read_inventory(&bytes, "x", &Limits::default()).unwrap_err();
    let Error::BadCells(cells) = &e else {
        panic!("{e:?}")
    };
    let places: Vec<String> = cells.iter().map(|c| c.place()).collect();
    assert_eq!(places, ["台帳!C2", "台帳!D2", "台帳!D4", "台帳!C5"]);
    let ja = e.to_string();
    assert!(ja.starts_with("読めないセルが 4 個あります:"), "{ja}");
    for place in &places {
        assert!(ja.contains(&format!("\n  {place}: ")), "{ja}");
    }
    assert!(
        ja.contains("たぶん") && ja.contains("来週") && ja.contains("半分"),
        "{ja}"
    );
    let en = e.message(kaiji_catalog::Lang::En);
    assert!(en.starts_with("4 cells cannot be read:"), "{en}");
    assert!(en.contains("台帳!C5: remote maintenance \"半分\""), "{en}");
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
            Err(Error::BadCells(cells)) => {
                prop_assert!(!cells.is_empty());
                prop_assert!(cells.iter().all(|c| c.sheet == "台帳"));
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}
