//! Vulnerability advisories read from disk (nothing is fetched): the CISA Known Exploited
//! Vulnerabilities catalogue (KEV JSON) and OSV records, matched against the devices at a
//! remote service's connection points, and the connection checks of a remote service profile.

use jiff::civil::Date;
use kaiji_catalog::{Text, compare_versions};
use serde::Deserialize;
use serde_json::Value;

use crate::rss::profile::{ConnectMode, Profile, ReviewCadence};
use crate::{Code, Error, Finding, Location};

/// One advisory, whatever file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Advisory {
    /// CVE or OSV id.
    pub id: String,
    /// Vendor (KEV `vendorProject`; empty for OSV, whose package name carries it).
    pub vendor: String,
    /// Product (KEV `product`, OSV package name).
    pub product: String,
    pub summary: String,
    /// Affected version ranges; empty when the source names none.
    pub ranges: Vec<Range>,
    /// Versions listed one by one (OSV `versions`).
    pub versions: Vec<String>,
    /// KEV: used in ransomware campaigns.
    pub ransomware: bool,
    /// Where it came from (`KEV`, `OSV`).
    pub source: &'static str,
}

/// `introduced <= v < fixed` (or `<= last_affected`); open ends are unbounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub introduced: Option<String>,
    pub fixed: Option<String>,
    pub last_affected: Option<String>,
}

impl Range {
    pub fn contains(&self, version: &str) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        let after_start = self
            .introduced
            .as_deref()
            .is_none_or(|i| i == "0" || compare_versions(version, i) != Less);
        let before_end = match (&self.fixed, &self.last_affected) {
            (Some(f), _) => compare_versions(version, f) == Less,
            (None, Some(l)) => compare_versions(version, l) != Greater,
            (None, None) => true,
        };
        after_start && before_end
    }
}

impl Advisory {
    /// Whether the advisory names this firmware version: `Some(true)` affected, `Some(false)`
    /// outside its ranges, `None` when it names no versions at all.
    pub fn affects(&self, version: &str) -> Option<bool> {
        if self.ranges.is_empty() && self.versions.is_empty() {
            return None;
        }
        Some(
            self.versions.iter().any(|v| v == version)
                || self.ranges.iter().any(|r| r.contains(version)),
        )
    }

    /// Whether the advisory is about this device (maker and model compared without case,
    /// spaces or punctuation).
    pub fn names(&self, maker: &str, model: &str) -> bool {
        let norm = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let (maker, model) = (norm(maker), norm(model));
        let (vendor, product) = (norm(&self.vendor), norm(&self.product));
        if product.is_empty() || model.is_empty() {
            return false;
        }
        let product_matches = model.contains(&product) || product.contains(&model);
        let vendor_matches =
            vendor.is_empty() || maker.contains(&vendor) || vendor.contains(&maker);
        product_matches && vendor_matches
    }
}

#[derive(Deserialize)]
struct Kev {
    vulnerabilities: Vec<KevEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KevEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vendor_project: String,
    product: String,
    #[serde(default)]
    vulnerability_name: String,
    #[serde(default)]
    short_description: String,
    #[serde(default)]
    known_ransomware_campaign_use: String,
}

/// Reads a KEV catalogue or OSV records (one record, an array, or `{"vulns": [...]}`).
/// `origin` names the file in errors.
pub fn parse_advisories(origin: &str, text: &str) -> Result<Vec<Advisory>, Error> {
    let bad = |message: String| Error::Advisory {
        origin: origin.to_owned(),
        message,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "JSON {}:{}: {}",
            e.line(),
            e.column(),
            crate::strip_position(&e.to_string())
        ))
    })?;
    if value.get("vulnerabilities").is_some() {
        let kev: Kev =
            serde_json::from_value(value).map_err(|e| bad(format!("not a KEV catalogue: {e}")))?;
        return Ok(kev
            .vulnerabilities
            .into_iter()
            .map(|v| Advisory {
                ranges: kev_ranges(&v.short_description),
                id: v.cve_id,
                vendor: v.vendor_project,
                product: v.product,
                summary: if v.vulnerability_name.is_empty() {
                    v.short_description
                } else {
                    v.vulnerability_name
                },
                versions: Vec::new(),
                ransomware: v
                    .known_ransomware_campaign_use
                    .eq_ignore_ascii_case("known"),
                source: "KEV",
            })
            .collect());
    }
    let records: Vec<Value> = match value {
        Value::Array(items) => items,
        Value::Object(ref o) if o.contains_key("vulns") => o["vulns"]
            .as_array()
            .cloned()
            .ok_or_else(|| bad("vulns is not a list".into()))?,
        Value::Object(ref o) if o.contains_key("affected") => vec![value],
        _ => {
            return Err(bad(
                "neither a CISA KEV catalogue (vulnerabilities) nor OSV records (affected)".into(),
            ));
        }
    };
    let mut out = Vec::new();
    for (n, r) in records.iter().enumerate() {
        let id = r["id"]
            .as_str()
            .ok_or_else(|| bad(format!("record {n}: no id")))?
            .to_owned();
        let summary = r["summary"]
            .as_str()
            .or_else(|| r["details"].as_str())
            .unwrap_or_default()
            .to_owned();
        let affected = r["affected"]
            .as_array()
            .ok_or_else(|| bad(format!("record {n} ({id}): no affected list")))?;
        for a in affected {
            let product = a["package"]["name"].as_str().unwrap_or_default().to_owned();
            let mut ranges = Vec::new();
            for range in a["ranges"].as_array().into_iter().flatten() {
                let mut current = Range {
                    introduced: None,
                    fixed: None,
                    last_affected: None,
                };
                for event in range["events"].as_array().into_iter().flatten() {
                    let get = |k: &str| event[k].as_str().map(str::to_owned);
                    if let Some(v) = get("introduced") {
                        if current.introduced.is_some() {
                            ranges.push(current.clone());
                            current.fixed = None;
                            current.last_affected = None;
                        }
                        current.introduced = Some(v);
                    }
                    if let Some(v) = get("fixed") {
                        current.fixed = Some(v);
                    }
                    if let Some(v) = get("last_affected") {
                        current.last_affected = Some(v);
                    }
                }
                ranges.push(current);
            }
            let versions = a["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            out.push(Advisory {
                id: id.clone(),
                vendor: String::new(),
                product,
                summary: summary.clone(),
                ranges,
                versions,
                ransomware: false,
                source: "OSV",
            });
        }
    }
    Ok(out)
}

/// Version ranges stated in a KEV description: "versions 7.0.0 through 7.0.12", "before 9.1.2",
/// "prior to 9.1.2", "9.1.1 and earlier". None when the text states none.
fn kev_ranges(text: &str) -> Vec<Range> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let is_version = |w: &str| {
        let w = w.trim_end_matches('.');
        w.chars().next().is_some_and(|c| c.is_ascii_digit())
            && w.contains('.')
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    let clean = |w: &str| w.trim_end_matches('.').to_owned();
    let mut ranges = Vec::new();
    for i in 0..words.len() {
        let w = words[i];
        let next = words.get(i + 1).copied().unwrap_or_default();
        let after = words.get(i + 2).copied().unwrap_or_default();
        if is_version(w) && next.eq_ignore_ascii_case("through") && is_version(after) {
            ranges.push(Range {
                introduced: Some(clean(w)),
                fixed: None,
                last_affected: Some(clean(after)),
            });
        } else if (w.eq_ignore_ascii_case("before")
            || (w.eq_ignore_ascii_case("prior") && next.eq_ignore_ascii_case("to")))
            && is_version(if w.eq_ignore_ascii_case("before") {
                next
            } else {
                after
            })
        {
            let v = if w.eq_ignore_ascii_case("before") {
                next
            } else {
                after
            };
            ranges.push(Range {
                introduced: None,
                fixed: Some(clean(v)),
                last_affected: None,
            });
        } else if is_version(w)
            && next.eq_ignore_ascii_case("and")
            && (after.eq_ignore_ascii_case("earlier") || after.eq_ignore_ascii_case("prior"))
        {
            ranges.push(Range {
                introduced: None,
                fixed: None,
                last_affected: Some(clean(w)),
            });
        }
    }
    ranges
}

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
            Some(_) => {}
        }
        for a in advisories.iter().filter(|a| a.names(&d.maker, &d.model)) {
            let ransomware = if a.ransomware {
                Text::new(
                    "(ランサムウェアでの悪用あり)",
                    " (used in ransomware campaigns)",
                )
            } else {
                Text::new("", "")
            };
            match a.affects(&d.firmware) {
                Some(false) => {}
                Some(true) => out.push(Finding::new(
                    Code::RssKnownVulnerable,
                    at(&["devices", &index, "firmware"]),
                    Text::new(
                        format!(
                            "{name}: ファームウェア {} は {} {} の対象です{}: {}",
                            d.firmware, a.source, a.id, ransomware.ja, a.summary
                        ),
                        format!(
                            "{name}: firmware {} is affected by {} {}{}: {}",
                            d.firmware, a.source, a.id, ransomware.en, a.summary
                        ),
                    ),
                )),
                None => {
                    let mut f = Finding::new(
                        Code::RssKnownVulnerable,
                        at(&["devices", &index, "firmware"]),
                        Text::new(
                            format!(
                                "{name}: 製品が {} {} に載っています(対象バージョンの記載なし。ベンダーの告知で確認してください){}",
                                a.source, a.id, ransomware.ja
                            ),
                            format!(
                                "{name}: the product is listed in {} {} (no versions stated; check the vendor's advisory){}",
                                a.source, a.id, ransomware.en
                            ),
                        ),
                    );
                    f.severity = crate::Severity::Warning;
                    out.push(f);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_from_kev_descriptions() {
        let r = kev_ranges("Example OS SSL-VPN versions 7.0.0 through 7.0.12 contain a flaw.");
        assert_eq!(r.len(), 1);
        assert!(r[0].contains("7.0.5") && r[0].contains("7.0.12") && !r[0].contains("7.0.13"));
        let r = kev_ranges("A bug in Example VPN before 4.2.1 allows bypass.");
        assert!(r[0].contains("4.1.9") && !r[0].contains("4.2.1"));
        let r = kev_ranges("Devices running firmware 3.1.0 and earlier are affected");
        assert!(r[0].contains("3.1.0") && !r[0].contains("3.1.1"));
        assert!(kev_ranges("No versions are given here.").is_empty());
    }

    #[test]
    fn osv_ranges_and_lists() {
        let osv = r#"{"id":"OSV-1","summary":"x","affected":[{"package":{"ecosystem":"Firmware","name":"SN-VPN 200"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"4.0.0"},{"fixed":"4.2.0"},{"introduced":"5.0.0"},{"last_affected":"5.0.3"}]}],"versions":["3.9.9"]}]}"#;
        let a = &parse_advisories("osv.json", osv).unwrap()[0];
        assert_eq!(a.affects("4.1.7"), Some(true));
        assert_eq!(a.affects("4.2.0"), Some(false));
        assert_eq!(a.affects("5.0.3"), Some(true));
        assert_eq!(a.affects("5.0.4"), Some(false));
        assert_eq!(a.affects("3.9.9"), Some(true));
        assert!(a.names("サンプルネットワークス", "SN-VPN200"));
        assert!(!a.names("サンプルネットワークス", "SN-RT 100"));
    }

    #[test]
    fn wrong_files_are_named() {
        let e = parse_advisories("x.json", r#"{"hello": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.json") && e.contains("KEV"), "{e}");
        let e = parse_advisories("x.json", "{ not json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("JSON 1:3"), "{e}");
        let e = parse_advisories("x.json", r#"{"vulnerabilities": [{"cveID": 3}]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a KEV catalogue"), "{e}");
    }
}
