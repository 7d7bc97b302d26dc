//! What a workbook is: MDS, SDS or RSS SDS, which checklist revision it names, and which sheets
//! are the disclosure (not a filled-in example, not hidden).

use kaiji_catalog::{Catalog, Registry};
use kaiji_model::DocKind;

use crate::{layout::table::Layout, sheet::Sheet, text};

/// Whether a sheet is the disclosure to read by default: not a filled-in example (記入例), not
/// hidden.
pub(crate) fn is_default_sheet(sheet: &Sheet) -> bool {
    !sheet.hidden && !is_sample_sheet(&sheet.name)
}

fn is_sample_sheet(name: &str) -> bool {
    let k = text::key(name);
    ["記入例", "見本", "サンプル", "sample", "example", "例)"]
        .iter()
        .any(|w| k.contains(w))
}

/// MDS or SDS (or RSS SDS), from the sheet's name and the words above its table.
pub(crate) fn detect_kind(sheets: &[Sheet], sheet: &Sheet, layout: &Layout) -> DocKind {
    let name = text::key(&sheet.name);
    for (needles, kind) in [
        (["rss", "リモートサービス"], DocKind::RssSds),
        (["sds", "サービス事業者"], DocKind::Sds),
        (["mds", "製造業者"], DocKind::Mds),
    ] {
        if needles.iter().any(|n| name.contains(n)) {
            return kind;
        }
    }
    let mut words = Vec::new();
    for r in 0..layout.header_start {
        for c in 0..sheet.rows[r].len() {
            words.push(sheet.text(r, c).to_owned());
        }
    }
    let says = |needles: &[&str]| {
        words
            .iter()
            .any(|w| needles.iter().any(|n| text::key(w).contains(n)))
    };
    if says(&["rss", "リモートサービス"]) {
        return DocKind::RssSds;
    }
    if says(&["sds", "サービス事業者"]) {
        return DocKind::Sds;
    }
    if says(&["mds", "製造業者"]) {
        return DocKind::Mds;
    }
    // Otherwise the cover decides: a service provider's cover names a service.
    let cover_says_service = sheets.iter().any(|s| {
        s.rows.iter().take(60).flatten().any(|cell| {
            let k = text::key(&cell.text);
            k.starts_with("サービス事業者") || k.starts_with("サービス名")
        })
    });
    if cover_says_service {
        DocKind::Sds
    } else {
        DocKind::Mds
    }
}

/// The checklist revision the workbook names: kaiji's own `id@revision`, "Rev.5.0h", or
/// "Ver.4.1" next to a word that makes it the checklist's version.
pub(crate) fn detect_catalog<'r>(sheets: &[Sheet], registry: &'r Registry) -> Option<&'r Catalog> {
    let checklists: Vec<&Catalog> = registry
        .catalogs()
        .iter()
        .filter(|c| c.as_checklist().is_some() && !registry.is_annex(c))
        .collect();
    let keys: Vec<String> = checklists.iter().map(|c| text::key(&c.key())).collect();
    let mut by_version = None;
    for sheet in sheets {
        for row in sheet.rows.iter().take(60) {
            for cell in row {
                // Only a cell that names a version can name the checklist: skip the rest cheaply.
                let t = &cell.text;
                let may_name = t.contains('@')
                    || t.contains('版')
                    || t.bytes().any(|b| matches!(b, b'v' | b'V' | b'r' | b'R'))
                    || t.contains(['ｖ', 'Ｖ', 'ｒ', 'Ｒ']);
                if !may_name {
                    continue;
                }
                let k = text::key(t);
                if let Some(i) = keys.iter().position(|key| k.contains(key.as_str())) {
                    return Some(checklists[i]);
                }
                for (marker, strong) in [
                    ("rev.", false),
                    ("rev", false),
                    ("ver.", false),
                    ("ver", false),
                    ("版", false),
                ] {
                    let Some(token) = version_after(&k, marker) else {
                        continue;
                    };
                    let context = strong
                        || [
                            "mds",
                            "sds",
                            "開示書",
                            "チェックリスト",
                            "jahis",
                            "jira",
                            "checklist",
                        ]
                        .iter()
                        .any(|w| k.contains(w));
                    if !context {
                        continue;
                    }
                    if let Some(c) = checklists
                        .iter()
                        .find(|c| text::key(&c.header.revision) == token)
                    {
                        return Some(c);
                    }
                    if by_version.is_none() {
                        by_version = checklists
                            .iter()
                            .filter(|c| text::key(&c.header.version) == token)
                            .max_by(|a, b| {
                                kaiji_catalog::compare_versions(
                                    &a.header.revision,
                                    &b.header.revision,
                                )
                            })
                            .copied();
                    }
                }
            }
        }
    }
    by_version
}

/// The version token after a marker: "rev.5.0h" → "5.0h"; for 版, the token before it
/// ("第5.0版" → "5.0").
fn version_after(k: &str, marker: &str) -> Option<String> {
    let take = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect::<String>()
            .trim_end_matches('.')
            .to_owned()
    };
    if marker == "版" {
        let at = k.find('版')?;
        let before: String = k[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let token: String = before.chars().rev().collect();
        return token
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
            .then_some(token);
    }
    let at = k.find(marker)?;
    let token = take(&k[at + marker.len()..]);
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
        .then_some(token)
}
