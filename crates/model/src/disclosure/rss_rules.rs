//! The RSS rules on an RSS SDS (rules 2 to 4 of JIRA's RSS guide; rule 1, the service name, is
//! a cover check): part of validating any document of kind `rss-sds`, however it was made.

use kaiji_catalog::{Answer, Catalog, Registry, Text};

use crate::{Code, Disclosure, DocKind, Finding, Location};

/// The RSS rules checked on an RSS SDS: relevant items answered 該当なし, items outside the
/// remote service answered otherwise, communication-method items without an answer or without
/// a remark saying what applies, relevant remarks that describe no control.
pub fn validate_rss(doc: &Disclosure, registry: &Registry) -> Vec<Finding> {
    let mut out = Vec::new();
    if doc.kind != DocKind::RssSds {
        return out;
    }
    let Some(catalog) = registry.catalog_for(&doc.catalog) else {
        return out;
    };
    let Some(overlay) = registry.overlay_for(catalog).and_then(Catalog::as_overlay) else {
        return out;
    };
    for (id, entry) in &doc.answers {
        let mark = overlay.item(id);
        let relevant = mark.is_some_and(|m| m.rss_relevant);
        let at = |field: &str| Location::pointer(["answers", id.as_str(), field]);
        let finding = |code, field: &str, ja: String, en: String| {
            Finding::new(code, at(field), Text::new(ja, en)).with_item(id.as_str())
        };
        match (relevant, entry.answer) {
            (true, Some(Answer::Na)) => out.push(finding(
                Code::RssRelevantNa,
                "answer",
                format!("項目 {id} はリモートサービスに関係する項目ですが、該当なしと回答されています"),
                format!("item {id} concerns the remote service but is answered not applicable"),
            )),
            (false, Some(Answer::Yes | Answer::No)) => out.push(finding(
                Code::RssUnrelatedAnswered,
                "answer",
                format!("項目 {id} はリモートサービスに関係しないため、該当なしと回答します(RSS の規則2)"),
                format!("item {id} is unrelated to the remote service and is answered not applicable (RSS rule 2)"),
            )),
            _ => {}
        }
        if mark.is_some_and(|m| m.communication_method)
            && (entry.answer.is_none() || entry.remark.trim().is_empty())
        {
            out.push(finding(
                Code::RssCommunicationMethod,
                "remark",
                format!("通信方式の項目 {id} には、回答と該当する方式(回線・VPN・接続形態)の記載が必要です"),
                format!("communication-method item {id} needs an answer and a remark stating what applies (line, VPN, connection mode)"),
            ));
        } else if relevant
            && matches!(entry.answer, Some(Answer::Yes | Answer::No))
            && entry.remark.trim().is_empty()
        {
            out.push(finding(
                Code::RssRemarkWithoutControl,
                "remark",
                format!("項目 {id} の備考に、リモートサービスセンターで行っている具体的な管理策がありません(RSS の規則3)"),
                format!("the remark of item {id} describes no control applied at the remote service centre (RSS rule 3)"),
            ));
        }
    }
    out
}
