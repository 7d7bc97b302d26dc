//! The RSS SDS: the SDS of a remote service, generated from its profile by the four RSS rules,
//! and the checks of those rules on any RSS SDS.
//!
//! 1. The service name is the remote service's name.
//! 2. Items the checklist's RSS overlay does not mark relevant are answered 該当なし.
//! 3. The remarks of relevant items describe the controls at the remote service centre.
//! 4. Communication-method items are answered from the profile (line, VPN, on-demand, who
//!    starts), by the rules the overlay carries (`from_profile`).

use std::collections::BTreeMap;

use jiff::civil::Date;
use kaiji_catalog::{Answer, Catalog, Registry, Text};

use crate::disclosure::{Subject, skeleton};
use crate::rss::profile::{ConnectMode, LineType, Party, Profile, VpnType};
use crate::{Code, Disclosure, DocKind, Error, Finding, IsoDate, Location};

/// The generated document and the relevant items a person still has to answer.
#[derive(Debug, Clone)]
pub struct RssSds {
    pub document: Disclosure,
    /// Relevant items left unanswered (the profile cannot say).
    pub to_answer: Vec<String>,
}

/// The connection as one line of text, for the remarks of communication-method items.
fn connection_text(p: &Profile) -> String {
    let c = &p.connection;
    let line = match c.line {
        LineType::ClosedNetwork => "閉域網(専用線等)",
        LineType::IpVpn => "IP-VPN",
        LineType::InternetVpn => "インターネットVPN",
        LineType::Other => "その他",
    };
    let vpn = match c.vpn {
        VpnType::Ipsec => "IPsec",
        VpnType::Ssl => "SSL/TLS",
        VpnType::None => "なし",
    };
    let mode = match c.mode {
        ConnectMode::OnDemand => "オンデマンド(作業時のみ接続)",
        ConnectMode::AlwaysOn => "常時接続",
    };
    let by = match c.initiated_by {
        Party::Hospital => "医療機関等",
        Party::Vendor => "事業者",
        Party::Both => "医療機関等と事業者",
    };
    let mfa = if c.authentication.mfa {
        "多要素認証あり"
    } else {
        "多要素認証なし"
    };
    let method = if c.authentication.method.is_empty() {
        String::new()
    } else {
        format!("{}、", c.authentication.method)
    };
    format!("回線: {line} / VPN: {vpn} / 接続: {mode} / 接続の開始: {by} / 認証: {method}{mfa}")
}

/// Generates the RSS SDS of a profile against a checklist that has an RSS overlay.
pub fn rss_sds(
    profile: &Profile,
    catalog: &Catalog,
    registry: &Registry,
    today: Date,
) -> Result<RssSds, Error> {
    let s = &profile.service;
    let subject = Subject {
        organisation: s.vendor.clone(),
        product: s.name.clone(),
        model: String::new(),
        version: s.version.clone(),
        date: IsoDate::new(today),
        contact: s.contact.clone(),
        description: if s.product.is_empty() {
            String::new()
        } else {
            format!("{} のリモート保守", s.product)
        },
        extra: BTreeMap::new(),
    };
    let mut document = skeleton(DocKind::RssSds, catalog, registry, subject)?;
    let overlay = registry
        .overlay_for(catalog)
        .and_then(Catalog::as_overlay)
        .ok_or_else(|| Error::NoRssOverlay(catalog.key()))?;
    let checklist = catalog
        .as_checklist()
        .ok_or_else(|| Error::NotAChecklist(catalog.key()))?;
    let facts = profile.facts(today);
    let connection = connection_text(profile);
    let mut to_answer = Vec::new();
    for (id, entry) in &mut document.answers {
        let Some(mark) = overlay.item(id).filter(|m| m.rss_relevant) else {
            continue;
        };
        if mark.communication_method
            && let Some(rule) = &mark.from_profile
        {
            entry.answer = Some(rule.answer(|f| facts.contains(f)));
            entry.remark.clone_from(&connection);
            continue;
        }
        let section = checklist.section_of(id).map(|s| s.id.as_str());
        let controls: Vec<&str> = profile
            .rsc
            .controls
            .iter()
            .filter(|c| {
                c.answers
                    .iter()
                    .any(|a| a == id || section.is_some_and(|s| a == s))
            })
            .map(|c| c.text.as_str())
            .collect();
        entry.remark = controls.join("\n");
        if entry.answer.is_none() {
            to_answer.push(id.clone());
        }
    }
    Ok(RssSds {
        document,
        to_answer,
    })
}

/// The RSS rules checked on an RSS SDS: relevant items answered 該当なし, items outside the
/// remote service answered otherwise, communication-method items without an answer or without
/// a remark saying what applies, relevant remarks that describe no control.
pub fn validate_rss(doc: &Disclosure, registry: &Registry) -> Vec<Finding> {
    let mut out = Vec::new();
    if doc.kind != DocKind::RssSds {
        return out;
    }
    let Some(catalog) =
        kaiji_catalog::CatalogRef::new(doc.catalog.id.clone(), Some(doc.catalog.revision.clone()))
            .ok()
            .and_then(|r| registry.resolve(&r))
    else {
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
