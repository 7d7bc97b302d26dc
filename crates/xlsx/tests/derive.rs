//! `derive`: a catalog from a blank workbook takes the item rows, and only those.

use kaiji_xlsx::{DeriveOptions, derive};
use rust_xlsxwriter::Workbook;

fn blank(rows: &[[&str; 2]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(
        0,
        0,
        "製造業者による医療情報セキュリティ開示書 チェックリスト",
    )
    .unwrap();
    for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(2 + r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn options() -> DeriveOptions {
    DeriveOptions {
        id: "local-mds-sds".into(),
        version: "5.0".into(),
        revision: "5.0h-local".into(),
        title: kaiji_catalog::Text::new("ローカル", "Local"),
        publisher: "test".into(),
        source: "blank.xlsx".into(),
    }
}

#[test]
fn a_note_row_is_not_an_item() {
    let yaml = derive(
        &blank(&[
            ["1-1", "設問その1"],
            ["Note 1", "この表の注記"],
            ["No 2", "設問その2"],
            ["No.3", "設問その3"],
        ]),
        &options(),
    )
    .unwrap();
    let catalog: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
    let ids: Vec<&str> = catalog["sections"]
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_sequence().unwrap())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["MDS-1-1", "MDS-2", "MDS-3"], "{yaml}");
    assert!(!yaml.contains("te-1"), "{yaml}");
    // The note row stays what it is in the form: a title between items.
    let titles: Vec<&str> = catalog["sections"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s["title"]["ja"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Note 1"), "{titles:?}");
}

/// The GL 7.0 別紙 is a checklist of lines that disclosure items answer (an annex): a workbook
/// whose title names "第7.0版" (the guideline edition) is still read as an MDS/SDS checklist, never
/// as the 別紙.
#[test]
fn an_annex_is_never_the_checklist_a_workbook_names() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(0, 0, "MDS チェックリスト(安全管理GL 第7.0版対応)")
        .unwrap();
    for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.write_string(2, 0, "C14-02").unwrap();
    ws.write_string(2, 2, "はい").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let registry = kaiji_catalog::Registry::builtin().unwrap();
    let betsushi = registry
        .resolve(&"mhlw-gl7-betsushi".parse().unwrap())
        .unwrap();
    assert!(registry.is_annex(betsushi));
    let jahis = registry.resolve(&"jahis-mds-sds".parse().unwrap()).unwrap();
    assert!(!registry.is_annex(jahis));
    let imported =
        kaiji_xlsx::import(&bytes, &registry, &kaiji_xlsx::ImportOptions::default()).unwrap();
    assert_eq!(imported[0].document.catalog.id, "jahis-mds-sds");
}
