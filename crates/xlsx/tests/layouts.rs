//! Layouts people send, built here with rust_xlsxwriter: each reads as a person would read it,
//! and nothing typed is lost.

use kaiji_catalog::{Answer, Registry};
use kaiji_model::Code;
use kaiji_xlsx::{ImportOptions, Imported, fill, import};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Workbook, Worksheet};

fn registry() -> Registry {
    Registry::builtin().unwrap()
}

/// A workbook with one MDS Rev.5.0h sheet: title, header row 2, then `rows` from row 3.
fn book(header: &[&str], rows: &[&[&str]], extra: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(
        0,
        0,
        "製造業者による医療情報セキュリティ開示書 チェックリスト Rev.5.0h",
    )
    .unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(2 + r as u32, c as u16, *v).unwrap();
            }
        }
    }
    extra(ws);
    wb.save_to_buffer().unwrap()
}

fn one(bytes: &[u8]) -> Imported {
    let mut docs = import(bytes, &registry(), &ImportOptions::default()).unwrap();
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn codes(i: &Imported, code: Code) -> Vec<String> {
    i.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.location.cell.clone().unwrap_or_default())
        .collect()
}

#[test]
fn rows_without_a_number_lose_nothing() {
    let bytes = book(
        &["項番", "確認項目", "回答", "備考"],
        &[
            &["", "前書き", "はい", "表の前の回答"],
            &["0-1", "医療機器である", "はい", "認証済み"],
            &["", "(2) 補足の設問", "いいえ", "補足の備考"],
            &["2-1※", "手引きを提供する", "はい", ""],
            &["補足", "自由記述の欄", "", ""],
        ],
        |_| {},
    );
    let i = one(&bytes);
    let a = &i.document.answers;
    assert_eq!(a["row-3"].remark, "[B3] 前書き\n[C3] はい\n表の前の回答");
    assert_eq!(
        a["MDS-C00-01"].remark,
        "認証済み\n[B5] (2) 補足の設問\n[C5] いいえ\n補足の備考"
    );
    assert_eq!(
        a["MDS-C02-01"].answer,
        Some(Answer::Yes),
        "2-1※ is item 2-1"
    );
    assert_eq!(a["MDS-C02-01"].remark, "[A7] 補足\n[B7] 自由記述の欄");
    assert_eq!(
        codes(&i, Code::StrayText),
        ["B3", "C3", "B5", "C5", "A7", "B7"]
    );
}

#[test]
fn text_beside_a_mark_is_kept() {
    let bytes = book(
        &["番号", "確認項目", "はい", "いいえ", "該当なし", "備考"],
        &[&["0-1", "医療機器である", "○", "一部のみ", "", ""]],
        |_| {},
    );
    let i = one(&bytes);
    let e = &i.document.answers["MDS-C00-01"];
    assert_eq!(e.answer, Some(Answer::Yes));
    assert_eq!(e.source_answer.as_deref(), Some("はい=○ いいえ=一部のみ"));
    assert_eq!(codes(&i, Code::StrayText), ["D3"]);
}

#[test]
fn a_vendors_reference_column_is_evidence_not_the_forms_gl_column() {
    let bytes = book(
        &["項番", "確認項目", "回答", "備考", "参照資料", "GL参照"],
        &[&[
            "0-1",
            "医療機器である",
            "はい",
            "",
            "添付文書 第3版",
            "システム運用編 8",
        ]],
        |_| {},
    );
    let i = one(&bytes);
    assert_eq!(
        i.document.answers["MDS-C00-01"].evidence,
        ["添付文書 第3版"]
    );
    assert_eq!(i.document.answers["MDS-C00-01"].remark, "");
}

#[test]
fn an_unreadable_cover_date_is_kept_and_reported() {
    // A cover block with a date kaiji cannot read.
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("表紙").unwrap();
    cover.write_string(0, 0, "製造業者名").unwrap();
    cover.write_string(0, 1, "株式会社テスト").unwrap();
    cover.write_string(1, 0, "作成日").unwrap();
    cover.write_string(1, 1, "来年の春").unwrap();
    cover.write_string(2, 0, "製品名:Inline PACS").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(0, 0, "MDS チェックリスト Rev.5.0h")
        .unwrap();
    for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.write_string(2, 0, "0-1").unwrap();
    ws.write_string(2, 2, "はい").unwrap();
    ws.write_string(3, 0, "2-1").unwrap();
    ws.write_string(3, 2, "はい").unwrap();
    let i = one(&wb.save_to_buffer().unwrap());
    assert_eq!(i.document.subject.extra["date_as_written"], "来年の春");
    assert_eq!(i.document.subject.organisation, "株式会社テスト");
    assert_eq!(
        i.document.subject.product, "Inline PACS",
        "label and value in one cell"
    );
    let bad: Vec<_> = i
        .findings
        .iter()
        .filter(|f| f.code == Code::BadDate)
        .collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].location.to_string(), "表紙!B2");
}

#[test]
fn english_two_row_header_with_yes_no_na() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(0, 0, "MDS checklist Rev.5.0h").unwrap();
    ws.merge_range(1, 0, 2, 0, "No.", &Format::new()).unwrap();
    ws.merge_range(1, 1, 2, 1, "Question", &Format::new())
        .unwrap();
    ws.merge_range(1, 2, 1, 4, "Answer", &Format::new())
        .unwrap();
    ws.write_string(2, 2, "Yes").unwrap();
    ws.write_string(2, 3, "No").unwrap();
    ws.write_string(2, 4, "N/A").unwrap();
    ws.merge_range(1, 5, 2, 5, "Remarks", &Format::new())
        .unwrap();
    ws.write_string(3, 0, "0-1").unwrap();
    ws.write_string(3, 3, "x").unwrap();
    ws.write_string(4, 0, "2-1").unwrap();
    ws.write_string(4, 2, "x").unwrap();
    let i = one(&wb.save_to_buffer().unwrap());
    assert_eq!(i.document.answers["MDS-C00-01"].answer, Some(Answer::No));
    assert_eq!(i.document.answers["MDS-C02-01"].answer, Some(Answer::Yes));
    assert!(codes(&i, Code::StrayText).is_empty());
}

#[test]
fn answer_words_people_use_and_numbers_excel_took_for_dates() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(0, 0, "MDS チェックリスト Rev.5.0h")
        .unwrap();
    for (c, h) in ["項番", "確認項目", "対応可否", "備考"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, (no, answer)) in [("0-1", "該当しない"), ("2-1", "あり"), ("7-1", "未対応")]
        .iter()
        .enumerate()
    {
        ws.write_string(2 + r as u32, 0, *no).unwrap();
        ws.write_string(2 + r as u32, 2, *answer).unwrap();
    }
    // 8-1 typed in a cell Excel formats as a date.
    let date = Format::new().set_num_format("m-d");
    ws.write_datetime_with_format(5, 0, ExcelDateTime::from_ymd(2026, 8, 1).unwrap(), &date)
        .unwrap();
    ws.write_string(5, 2, "はい").unwrap();
    let i = one(&wb.save_to_buffer().unwrap());
    let a = &i.document.answers;
    assert_eq!(a["MDS-C00-01"].answer, Some(Answer::Na));
    assert_eq!(a["MDS-C02-01"].answer, Some(Answer::Yes));
    assert_eq!(a["MDS-C07-01"].answer, Some(Answer::No));
    assert_eq!(
        a["MDS-C08-01"].answer,
        Some(Answer::Yes),
        "the date 8/1 is item 8-1"
    );
}

#[test]
fn hidden_and_example_sheets_are_not_disclosures() {
    let mut wb = Workbook::new();
    for (name, hidden) in [("記入例", false), ("MDS", false), ("old", true)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, "MDS チェックリスト Rev.5.0h")
            .unwrap();
        for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        ws.write_string(2, 0, "0-1").unwrap();
        ws.write_string(2, 2, "はい").unwrap();
        ws.write_string(3, 0, "2-1").unwrap();
        ws.write_string(3, 2, "はい").unwrap();
        if hidden {
            ws.set_hidden(true);
        }
    }
    let i = one(&wb.save_to_buffer().unwrap());
    assert_eq!(i.sheet, "MDS");
    // Asked for by name, a sample sheet is read.
    let options = ImportOptions {
        sheet: Some("記入例".into()),
        ..ImportOptions::default()
    };
    let bytes = {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("記入例").unwrap();
        for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "0-1").unwrap();
        ws.write_string(2, 0, "2-1").unwrap();
        wb.save_to_buffer().unwrap()
    };
    assert_eq!(
        import(&bytes, &registry(), &options).unwrap()[0].sheet,
        "記入例"
    );
}

#[test]
fn a_product_version_named_rev_does_not_choose_the_checklist() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(0, 0, "バージョン").unwrap();
    ws.write_string(0, 1, "Rev.4.1").unwrap();
    ws.write_string(
        1,
        0,
        "製造業者による医療情報セキュリティ開示書 チェックリスト Rev.5.0h",
    )
    .unwrap();
    for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "0-1").unwrap();
    ws.write_string(4, 0, "2-1").unwrap();
    let i = one(&wb.save_to_buffer().unwrap());
    assert_eq!(i.document.catalog.revision, "5.0h");
    assert_eq!(i.document.subject.version, "Rev.4.1");
}

#[test]
fn fill_uses_the_blanks_own_words_and_reports_formula_cells() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(0, 0, "MDS チェックリスト Rev.5.0h")
        .unwrap();
    ws.write_string(1, 0, "作成日").unwrap();
    ws.write_formula(1, 1, "=TODAY()").unwrap();
    for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "0-1").unwrap();
    ws.write_string(4, 0, "2-1").unwrap();
    let list = DataValidation::new()
        .allow_list_strings(&["○", "×", "－"])
        .unwrap();
    ws.add_data_validation(3, 2, 4, 2, &list).unwrap();
    let blank = wb.save_to_buffer().unwrap();
    let registry = registry();
    let mut doc = import(&blank, &registry, &ImportOptions::default())
        .unwrap()
        .remove(0)
        .document;
    doc.answers.get_mut("MDS-C00-01").unwrap().answer = Some(Answer::No);
    doc.answers.get_mut("MDS-C02-01").unwrap().answer = Some(Answer::Na);
    // A blank states no date; the document being filled does.
    doc.subject.date = Some("2026-11-27".parse().unwrap());
    let (filled, report) = fill(&doc, &blank, &registry).unwrap();
    assert!(
        report.unplaced.contains(&"/subject/date".to_owned()),
        "{:?}",
        report.unplaced
    );
    let back = import(&filled, &registry, &ImportOptions::default())
        .unwrap()
        .remove(0);
    let (_, sheets) = kaiji_xlsx::read_workbook(&filled, &kaiji_xlsx::Limits::default()).unwrap();
    assert_eq!(sheets[0].text(3, 2), "×");
    assert_eq!(sheets[0].text(4, 2), "－");
    assert_eq!(back.document.answers["MDS-C00-01"].answer, Some(Answer::No));
    assert_eq!(back.document.answers["MDS-C02-01"].answer, Some(Answer::Na));
}

#[test]
fn fill_writes_the_cover_of_the_right_sheet_and_marks() {
    let registry = registry();
    let blank = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/two-sheets-4.1.xlsx"
    ))
    .unwrap();
    let docs = import(&blank, &registry, &ImportOptions::default()).unwrap();
    let mut sds = docs
        .into_iter()
        .find(|d| d.sheet == "SDS")
        .unwrap()
        .document;
    sds.subject.product = "Changed Service".into();
    let (filled, report) = fill(&sds, &blank, &registry).unwrap();
    assert!(
        report
            .written
            .iter()
            .any(|(p, place)| p == "/subject/product" && place.starts_with("SDS!")),
        "{report:?}"
    );
    let back = import(&filled, &registry, &ImportOptions::default()).unwrap();
    let mds_before = import(&blank, &registry, &ImportOptions::default()).unwrap();
    assert_eq!(
        back[0].document.subject, mds_before[0].document.subject,
        "the MDS cover is untouched"
    );
    assert_eq!(back[1].document.subject.product, "Changed Service");
}

#[test]
fn hints_beside_cover_labels_are_not_values() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("MDS").unwrap();
    ws.write_string(0, 0, "MDS チェックリスト Rev.5.0h")
        .unwrap();
    ws.write_string(1, 0, "製造業者名").unwrap();
    ws.write_string(1, 2, "(正式名称で記入)").unwrap();
    ws.write_string(2, 0, "製品名").unwrap();
    ws.write_string(2, 1, "(株)サンプル製品").unwrap();
    ws.write_string(3, 0, "連絡先").unwrap();
    for (c, h) in ["項番", "確認項目", "回答", "備考"].iter().enumerate() {
        ws.write_string(4, c as u16, *h).unwrap();
    }
    ws.write_string(5, 0, "0-1").unwrap();
    let blank = wb.save_to_buffer().unwrap();
    let registry = registry();
    let mut doc = import(&blank, &registry, &ImportOptions::default())
        .unwrap()
        .remove(0)
        .document;
    assert_eq!(
        doc.subject.organisation, "",
        "the hint is not the organisation"
    );
    assert_eq!(
        doc.subject.product, "(株)サンプル製品",
        "a name in brackets is a value"
    );
    assert_eq!(
        doc.subject.contact, "",
        "the header row below is not the contact"
    );
    doc.subject.organisation = "株式会社きにゅう".into();
    doc.subject.contact = "c@example.jp".into();
    // A blank states no date; the document being filled does.
    doc.subject.date = Some("2026-11-27".parse().unwrap());
    let (filled, report) = fill(&doc, &blank, &registry).unwrap();
    let (_, sheets) = kaiji_xlsx::read_workbook(&filled, &kaiji_xlsx::Limits::default()).unwrap();
    assert_eq!(sheets[0].text(1, 1), "株式会社きにゅう");
    assert_eq!(sheets[0].text(1, 2), "(正式名称で記入)", "the hint stays");
    assert_eq!(sheets[0].text(3, 1), "c@example.jp");
    assert_eq!(
        sheets[0].text(4, 0),
        "項番",
        "the header is not overwritten"
    );
    // The blank has no date label: the date has no place, and says so.
    assert_eq!(report.unplaced, ["/subject/date"]);
}

/// A heading over a column kaiji does not read is kept with the cover's other text, beside the
/// column's own text kept as stray text.
#[test]
fn the_heading_of_an_unread_column_is_kept() {
    let bytes = book(
        &["項番", "確認項目", "回答", "備考", "担当者メモ"],
        &[&["0-1", "医療機器である", "はい", "", "営業に確認"]],
        |_| {},
    );
    let got = one(&bytes);
    let cover = &got.document.subject.extra["cover_text"];
    assert_eq!(cover["MDS!E2"], "担当者メモ", "{cover}");
    assert_eq!(codes(&got, Code::StrayText), ["E3"]);
    assert_eq!(got.document.answers["MDS-C00-01"].remark, "[E3] 営業に確認");
}
