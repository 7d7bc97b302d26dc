//! The connection checks of a remote service profile, with the devices at its connection points
//! matched against advisories read by kaiji-sbom (CISA KEV, OSV): the matches become findings.

use jiff::civil::Date;
use kaiji_catalog::Text;
use kaiji_sbom::Advisory;
use kaiji_sbom::matching::{Product, Why, matches};

use crate::rss::profile::{ConnectMode, Profile, ReviewCadence};
use crate::{Code, Finding, Location};

/// The connection checks of one profile: devices past support end or of unknown support,
/// firmware named by an advisory, no MFA, always-on tunnels, shared accounts, logs not
/// collected or never reviewed. Each finding points into the profile (JSON pointer).
pub fn check_profile(profile: &Profile, advisories: &[Advisory], today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let c = &profile.connection;
    let at = |segments: &[&str]| Location::pointer(segments.iter().copied());
    if !c.authentication.mfa {
        out.push(Finding::new(
            Code::RssNoMfa,
            at(&["connection", "authentication", "mfa"]),
            Text::new(
                "保守接続に多要素認証がありません(認証情報の窃取だけで接続できます)",
                "maintenance sessions have no multi-factor authentication (stolen credentials suffice)",
            ),
        ));
    }
    if c.mode == ConnectMode::AlwaysOn {
        out.push(Finding::new(
            Code::RssAlwaysOn,
            at(&["connection", "mode"]),
            Text::new(
                "常時接続です。作業時だけ施設側で開通するオンデマンド接続にしてください",
                "the tunnel is always on; use on-demand connections the facility opens per session",
            ),
        ));
    }
    if profile.accounts.shared {
        out.push(Finding::new(
            Code::RssSharedAccounts,
            at(&["accounts", "shared"]),
            Text::new(
                "保守用アカウントを共用しています。保守員ごとの専用アカウントにしてください",
                "maintenance accounts are shared; give each engineer an account of their own",
            ),
        ));
    }
    if !profile.logging.collected {
        out.push(Finding::new(
            Code::RssLogsUnreviewed,
            at(&["logging", "collected"]),
            Text::new(
                "保守接続のログを取得していません",
                "maintenance sessions are not logged",
            ),
        ));
    } else if profile.logging.reviewed == ReviewCadence::Never {
        let mut f = Finding::new(
            Code::RssLogsUnreviewed,
            at(&["logging", "reviewed"]),
            Text::new(
                "保守接続のログを誰も確認していません(少なくとも月次で確認してください)",
                "nobody reviews the maintenance logs (review them at least monthly)",
            ),
        );
        f.severity = crate::Severity::Warning;
        out.push(f);
    }
    for (n, d) in profile.devices.iter().enumerate() {
        let index = n.to_string();
        let name = format!("{} {} {} ({})", d.maker, d.model, d.firmware, d.role);
        match d.support_end {
            Some(end) if end.date() < today => out.push(Finding::new(
                Code::RssDeviceUnsupported,
                at(&["devices", &index, "support_end"]),
                Text::new(
                    format!("{name} はサポート終了({end})後も使われています。VPN 装置はランサムウェアの主な侵入口です"),
                    format!("{name} is used past its end of support ({end}); VPN devices are the main ransomware entry route"),
                ),
            )),
            None => out.push(Finding::new(
                Code::RssDeviceSupportUnknown,
                at(&["devices", &index, "support_end"]),
                Text::new(
                    format!("{name} のサポート終了日が記録されていません"),
                    format!("the end of support of {name} is not recorded"),
                ),
            )),
            Some(end) if crate::diag::far_future(end.date(), today) => out.push(Finding::new(
                Code::FutureDate,
                at(&["devices", &index, "support_end"]),
                Text::new(
                    format!("{name} のサポート終了日 {end} は確認日 {today} の20年以上先です。仮の日付でないか確認してください"),
                    format!("the end of support of {name}, {end}, is more than 20 years after the review date {today}; check that it is not a placeholder"),
                ),
            )),
            Some(_) => {}
        }
        let firmware = d.firmware.parse().ok();
        let product = Product {
            vendor: &d.maker,
            name: &d.model,
            version: firmware.as_ref(),
        };
        for m in matches(advisories, &product) {
            let a = m.advisory;
            let (source, id) = (a.source.name(), &a.id);
            let (ransomware_ja, ransomware_en) = if a.ransomware {
                (
                    "、ランサムウェアでの悪用あり",
                    "; used in ransomware campaigns",
                )
            } else {
                ("", "")
            };
            let at = at(&["devices", &index, "firmware"]);
            let text = match &m.why {
                Why::InRange(range) => Text::new(
                    format!(
                        "{name}: ファームウェア {} は {source} {id} の対象です(影響範囲 {range}{ransomware_ja}): {}",
                        d.firmware, a.summary
                    ),
                    format!(
                        "{name}: firmware {} is affected by {source} {id} (affected {range}{ransomware_en}): {}",
                        d.firmware, a.summary
                    ),
                ),
                Why::Listed(version) => Text::new(
                    format!(
                        "{name}: ファームウェア {} は {source} {id} の対象です(記載のバージョン {version}{ransomware_ja}): {}",
                        d.firmware, a.summary
                    ),
                    format!(
                        "{name}: firmware {} is affected by {source} {id} (listed version {version}{ransomware_en}): {}",
                        d.firmware, a.summary
                    ),
                ),
                Why::VersionsNotStated => Text::new(
                    format!(
                        "{name}: 製品が {source} {id} に載っています(対象バージョンの記載なし。ベンダーの告知で確認してください{ransomware_ja})"
                    ),
                    format!(
                        "{name}: the product is listed in {source} {id} (no versions stated; check the vendor's advisory{ransomware_en})"
                    ),
                ),
                // The firmware version is blank, so the advisory's versions cannot be compared.
                _ => Text::new(
                    format!(
                        "{name}: 製品が {source} {id} に載っています(ファームウェアのバージョンが未記入のため対象か判断できません{ransomware_ja})"
                    ),
                    format!(
                        "{name}: the product is listed in {source} {id} (the firmware version is blank, so whether it is affected is unknown{ransomware_en})"
                    ),
                ),
            };
            let mut f = Finding::new(Code::RssKnownVulnerable, at, text);
            if !m.is_affected() {
                f.severity = crate::Severity::Warning;
            }
            out.push(f);
        }
    }
    out
}
