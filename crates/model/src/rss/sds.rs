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
use kaiji_catalog::{Catalog, Registry};

use crate::disclosure::{Subject, skeleton};
use crate::rss::profile::{ConnectMode, LineType, Party, Profile, VpnType};
use crate::{Disclosure, DocKind, Error, IsoDate};

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
        date: Some(IsoDate::new(today)),
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
