//! A facility's system inventory kept in Excel (the 台帳 hospitals already have): one row per
//! system under a header row found by keywords (システム名, 事業者名, 製品名, バージョン, リモート
//! 保守, 確認日, 開示書 …, or English), the facility's name from a labelled cell. The same
//! [`Inventory`] as the YAML form.

use kaiji_catalog::Text;
use kaiji_model::{
    IsoDate,
    mhlw::{Inventory, SystemEntry},
};

use crate::{
    error::{BadCell, Error},
    limits::Limits,
    read::read_workbook,
    sheet::Sheet,
    text,
};

/// What a header cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    System,
    Vendor,
    Product,
    Version,
    Remote,
    Confirmed,
    Disclosure,
    Profile,
}

fn column_of(label: &str) -> Option<Column> {
    // A heading is a short label, not a sentence that happens to contain the word.
    if label.chars().count() > 24 {
        return None;
    }
    let k = text::key(label);
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    // Order matters: "事業者への確認日" is a date, "リモート保守" not a system.
    if has(&["確認日", "confirmed", "確認した日"]) {
        Some(Column::Confirmed)
    } else if has(&["プロファイル", "profile"]) {
        Some(Column::Profile)
    } else if has(&["リモート", "遠隔", "remote"]) {
        Some(Column::Remote)
    } else if has(&["開示書", "disclosure", "mds/sds", "mds", "sds"]) {
        Some(Column::Disclosure)
    } else if has(&[
        "事業者",
        "ベンダ",
        "メーカ",
        "製造業者",
        "vendor",
        "maker",
        "業者",
    ]) {
        Some(Column::Vendor)
    } else if has(&["バージョン", "version", "版数", "ver."]) {
        Some(Column::Version)
    } else if has(&["製品", "product", "型番", "機種"]) {
        Some(Column::Product)
    } else if has(&["システム", "system", "装置", "機器名"]) {
        Some(Column::System)
    } else {
        None
    }
}

/// Reads an inventory workbook. `facility` is used when no cell names the facility (施設名,
/// 医療機関名, 病院名, facility).
pub fn read_inventory(bytes: &[u8], facility: &str, limits: &Limits) -> Result<Inventory, Error> {
    let (_, sheets) = read_workbook(bytes, limits)?;
    let found = sheets
        .iter()
        .filter(|s| !s.hidden)
        .find_map(|s| header(s).map(|h| (s, h)));
    let Some((sheet, (row, columns))) = found else {
        return Err(Error::NoInventory);
    };
    let at = |c: Column| columns.iter().find(|(_, k)| *k == c).map(|(i, _)| *i);
    let mut systems = Vec::new();
    // Every cell that cannot be read, so that one run names them all.
    let mut bad = Vec::new();
    for r in row + 1..sheet.rows.len() {
        let cell = |c: Column| at(c).map_or("", |i| sheet.text(r, i));
        let (system, vendor) = (cell(Column::System), cell(Column::Vendor));
        if system.is_empty() && vendor.is_empty() {
            continue;
        }
        let remote = match cell(Column::Remote) {
            t if t.is_empty() || is_unconfirmed(t) => None,
            t => yes_no(t).or_else(|| {
                bad.push(bad_cell(sheet, r, at(Column::Remote), t, Column::Remote));
                None
            }),
        };
        let confirmed = match at(Column::Confirmed) {
            Some(c) if !sheet.text(r, c).is_empty() && !is_unconfirmed(sheet.text(r, c)) => {
                sheet.date(r, c).map(IsoDate::new).or_else(|| {
                    bad.push(bad_cell(
                        sheet,
                        r,
                        Some(c),
                        sheet.text(r, c),
                        Column::Confirmed,
                    ));
                    None
                })
            }
            _ => None,
        };
        systems.push(SystemEntry {
            system: system.to_owned(),
            vendor: vendor.to_owned(),
            product: cell(Column::Product).to_owned(),
            version: cell(Column::Version).to_owned(),
            remote_maintenance: remote,
            remote_confirmed: confirmed,
            disclosure: Some(cell(Column::Disclosure).to_owned()).filter(|d| !d.is_empty()),
            remote_profile: Some(cell(Column::Profile).to_owned()).filter(|d| !d.is_empty()),
        });
    }
    if !bad.is_empty() {
        return Err(Error::BadCells(bad));
    }
    Ok(Inventory {
        facility: facility_name(sheet, row).unwrap_or_else(|| facility.to_owned()),
        form: kaiji_model::mhlw::Form::Hospital,
        systems,
    })
}

/// The header row: the first of the first 30 rows naming a system and a vendor column and at
/// least one of remote maintenance, confirmation date or disclosure (what the MHLW lines need;
/// a checklist's cover block names systems and vendors too).
fn header(sheet: &Sheet) -> Option<(usize, Vec<(usize, Column)>)> {
    (0..sheet.rows.len().min(30)).find_map(|r| {
        let mut columns: Vec<(usize, Column)> = Vec::new();
        for c in 0..sheet.rows[r].len() {
            if let Some(kind) = column_of(sheet.text(r, c))
                && !columns.iter().any(|(_, k)| *k == kind)
            {
                columns.push((c, kind));
            }
        }
        let has = |k: Column| columns.iter().any(|(_, c)| *c == k);
        (has(Column::System)
            && has(Column::Vendor)
            && (has(Column::Remote) || has(Column::Confirmed) || has(Column::Disclosure)))
        .then_some((r, columns))
    })
}

/// The value beside a 施設名 / 医療機関名 / 病院名 / facility label above the header.
fn facility_name(sheet: &Sheet, header_row: usize) -> Option<String> {
    for r in 0..header_row {
        for c in 0..sheet.rows[r].len() {
            let k = text::key(sheet.text(r, c));
            let k = k.trim_end_matches([':', ':']);
            if matches!(k, "施設名" | "医療機関名" | "病院名" | "facility" | "施設") {
                let value = (c + 1..sheet.rows[r].len())
                    .map(|v| sheet.text(r, v))
                    .find(|t| !t.is_empty())?;
                return Some(value.to_owned());
            }
        }
    }
    None
}

fn yes_no(t: &str) -> Option<bool> {
    let k = text::key(t);
    match k.as_str() {
        "はい" | "あり" | "有" | "有り" | "○" | "〇" | "◯" | "yes" | "y" | "true" | "1" => {
            Some(true)
        }
        "いいえ" | "なし" | "無" | "無し" | "×" | "x" | "no" | "n" | "false" | "0" | "-" => {
            Some(false)
        }
        _ => None,
    }
}

/// Words that say the answer is not known yet (要確認, 不明, 確認中 …): not an answer, and not an
/// error either; the entry stays unconfirmed (`None`), which the MHLW lines report as not asked.
fn is_unconfirmed(t: &str) -> bool {
    let k = text::key(t);
    let k = k.trim_end_matches(['。', '.']);
    matches!(
        k,
        "要確認"
            | "確認要"
            | "不明"
            | "確認中"
            | "未確認"
            | "調査中"
            | "問合せ中"
            | "問い合わせ中"
            | "?"
            | "unknown"
            | "unconfirmed"
            | "tbd"
            | "tbc"
    )
}

fn bad_cell(sheet: &Sheet, r: usize, c: Option<usize>, value: &str, column: Column) -> BadCell {
    let message = match column {
        Column::Remote => Text::new(
            format!("リモート保守の {value:?} を読めません(あり/なし、または 要確認)"),
            format!("remote maintenance {value:?} cannot be read (yes/no, or unconfirmed)"),
        ),
        _ => Text::new(
            format!("確認日の {value:?} を日付として読めません"),
            format!("confirmation date {value:?} is not a date"),
        ),
    };
    BadCell {
        sheet: sheet.name.clone(),
        cell: text::cell_ref(r as u32, c.unwrap_or(0) as u32),
        message,
    }
}
