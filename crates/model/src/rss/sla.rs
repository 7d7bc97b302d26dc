//! The remote maintenance SLA: its sections written from the remote service profile and the
//! terms the two parties agree (service hours, response and restore times, notification and
//! patch deadlines …), and the split of responsibilities drawn from the risk owners. A term that
//! is not given is reported and shown as to be agreed, never filled with an invented number.

use kaiji_catalog::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::rss::profile::{ConnectMode, LineType, Party, Profile, ReviewCadence, VpnType};
use crate::rss::risk::Register;

/// The agreed terms (YAML). Every field is optional: what is missing is listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kaiji SLA terms")]
pub struct Terms {
    /// The facility (医療機関等).
    pub hospital: Option<String>,
    /// Service hours (e.g. 平日 9:00〜18:00).
    pub service_hours: Option<String>,
    /// First response after a request, in minutes.
    pub first_response_minutes: Option<u32>,
    /// Restore target after a failure, in hours.
    pub restore_hours: Option<u32>,
    /// Incident notification to the facility, in hours after detection.
    pub incident_notification_hours: Option<u32>,
    /// Days to apply a critical update to a VPN device.
    pub vpn_critical_patch_days: Option<u32>,
    /// Days to apply other updates to a VPN device.
    pub vpn_patch_days: Option<u32>,
    /// Days within which session logs are handed to the facility on request.
    pub log_delivery_days: Option<u32>,
    /// Contract period.
    pub period: Option<String>,
}

impl Terms {
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        crate::error::parse_config(crate::error::ConfigFile::Terms, origin, yaml)
    }
}

/// One section of the SLA.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SlaSection {
    pub title: Text,
    pub clauses: Vec<Text>,
}

/// One row of the split of responsibilities: a measure and who is responsible (R), accountable
/// (A), consulted (C) or informed (I) on each side.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RaciRow {
    pub measure: Text,
    pub vendor: &'static str,
    pub hospital: &'static str,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sla {
    pub service: String,
    pub vendor: String,
    pub hospital: Option<String>,
    pub sections: Vec<SlaSection>,
    pub raci: Vec<RaciRow>,
    /// Terms not given (YAML keys).
    pub missing: Vec<&'static str>,
}

const TBD: (&str, &str) = ("(未定:要合意)", "(to be agreed)");

/// What a term of the terms file (its YAML key) is called, for people: `period` → 契約期間.
pub fn term_label(key: &str) -> Text {
    let (ja, en) = match key {
        "hospital" => ("医療機関名", "the hospital"),
        "service_hours" => ("提供時間", "service hours"),
        "first_response_minutes" => ("初動対応時間(分)", "first response (minutes)"),
        "restore_hours" => ("復旧目標時間(時間)", "restore target (hours)"),
        "incident_notification_hours" => (
            "インシデント通知期限(時間)",
            "incident notification (hours)",
        ),
        "vpn_critical_patch_days" => (
            "VPN 機器の緊急パッチ適用期限(日)",
            "VPN critical patch deadline (days)",
        ),
        "vpn_patch_days" => ("VPN 機器のパッチ適用期限(日)", "VPN patch deadline (days)"),
        "log_delivery_days" => ("ログ提出期限(日)", "log delivery (days)"),
        "period" => ("契約期間", "contract period"),
        other => (other, other),
    };
    Text::new(ja, en)
}

impl Sla {
    /// The terms not yet agreed, as people call them, each with the key to write in the terms
    /// file: `契約期間 (period), …`.
    pub fn missing_text(&self) -> Text {
        let listed = |pick: fn(&Text) -> &str| {
            self.missing
                .iter()
                .map(|key| format!("{} ({key})", pick(&term_label(key))))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Text::new(listed(|t| &t.ja), listed(|t| &t.en))
    }
}

/// Writes the SLA from the profile, the agreed terms and the risk register.
pub fn sla(profile: &Profile, terms: &Terms, register: &Register) -> Sla {
    let mut missing = Vec::new();
    let mut term = |key: &'static str, value: Option<String>| -> (String, String) {
        match value {
            Some(v) => (v.clone(), v),
            None => {
                missing.push(key);
                (TBD.0.to_owned(), TBD.1.to_owned())
            }
        }
    };
    let num = |v: Option<u32>| v.map(|n| n.to_string());
    let hospital = term("hospital", terms.hospital.clone());
    let hours = term("service_hours", terms.service_hours.clone());
    let response = term("first_response_minutes", num(terms.first_response_minutes));
    let restore = term("restore_hours", num(terms.restore_hours));
    let notify = term(
        "incident_notification_hours",
        num(terms.incident_notification_hours),
    );
    let critical = term(
        "vpn_critical_patch_days",
        num(terms.vpn_critical_patch_days),
    );
    let patch = term("vpn_patch_days", num(terms.vpn_patch_days));
    let logs = term("log_delivery_days", num(terms.log_delivery_days));
    let period = term("period", terms.period.clone());
    let s = &profile.service;
    let c = &profile.connection;
    let t = |ja: String, en: String| Text::new(ja, en);
    let line = match c.line {
        LineType::ClosedNetwork => ("閉域網(専用線等)", "a closed network (leased line)"),
        LineType::IpVpn => ("IP-VPN", "IP-VPN"),
        LineType::InternetVpn => ("インターネットVPN", "an internet VPN"),
        LineType::Other => ("その他の回線", "another line"),
    };
    let vpn = match c.vpn {
        VpnType::Ipsec => ("IPsec", "IPsec"),
        VpnType::Ssl => ("SSL/TLS", "SSL/TLS"),
        VpnType::None => ("VPN なし", "no VPN"),
    };
    let mode = match c.mode {
        ConnectMode::OnDemand => (
            "作業時のみ接続するオンデマンド型",
            "on demand, connected only for the work",
        ),
        ConnectMode::AlwaysOn => ("常時接続", "always on"),
    };
    let starter = match c.initiated_by {
        Party::Hospital => ("医療機関等", "the facility"),
        Party::Vendor => ("事業者", "the vendor"),
        Party::Both => ("医療機関等または事業者", "either party"),
    };
    let review = match profile.logging.reviewed {
        ReviewCadence::Never => ("定期的な確認は行っていない", "not reviewed regularly"),
        ReviewCadence::PerSession => ("作業ごとに確認する", "reviewed after each session"),
        ReviewCadence::Weekly => ("週次で確認する", "reviewed weekly"),
        ReviewCadence::Monthly => ("月次で確認する", "reviewed monthly"),
        ReviewCadence::Yearly => ("年次で確認する", "reviewed yearly"),
    };
    let mut sections = vec![
        SlaSection {
            title: Text::new("1. サービスの範囲と提供時間", "1. Scope and service hours"),
            clauses: vec![
                t(
                    format!(
                        "{}(以下「事業者」)は、{}(以下「医療機関等」)に対し、{} の保守を、リモートサービス「{}」により提供する。",
                        s.vendor,
                        hospital.0,
                        if s.product.is_empty() {
                            &s.name
                        } else {
                            &s.product
                        },
                        s.name
                    ),
                    format!(
                        "{} (the vendor) provides {} (the facility) with maintenance of {} through the remote service \"{}\".",
                        s.vendor,
                        hospital.1,
                        if s.product.is_empty() {
                            &s.name
                        } else {
                            &s.product
                        },
                        s.name
                    ),
                ),
                t(
                    format!("提供時間: {}。契約期間: {}。", hours.0, period.0),
                    format!("Service hours: {}. Contract period: {}.", hours.1, period.1),
                ),
            ],
        },
        SlaSection {
            title: Text::new("2. 接続方法と承認手続", "2. Connection and approval"),
            clauses: vec![
                t(
                    format!(
                        "接続は {}({})による{}とし、接続は{}が開始する。認証は{}とする。",
                        line.0,
                        vpn.0,
                        mode.0,
                        starter.0,
                        if c.authentication.mfa {
                            "多要素認証"
                        } else {
                            "多要素認証なし(要改善)"
                        }
                    ),
                    format!(
                        "Connections use {} ({}), {}, started by {}. Authentication: {}.",
                        line.1,
                        vpn.1,
                        mode.1,
                        starter.1,
                        if c.authentication.mfa {
                            "multi-factor"
                        } else {
                            "without multi-factor (to be improved)"
                        }
                    ),
                ),
                if profile.approval.prior {
                    Text::new(
                        "事業者は作業ごとに事前に申請し、医療機関等の承認を得てから接続する。事後の承認は障害対応と緊急の修正に限る。",
                        "The vendor applies before each session and connects only once the facility approves; after-the-fact approval is limited to failures and urgent fixes.",
                    )
                } else {
                    Text::new(
                        "(事前申請・承認の手続が定められていない。作業ごとの事前承認を定めること)",
                        "(No prior application and approval is defined; agree prior approval per session.)",
                    )
                },
            ],
        },
        SlaSection {
            title: Text::new("3. 対応時間と復旧時間", "3. Response and restore times"),
            clauses: vec![t(
                format!(
                    "事業者は依頼を受けてから {} 分以内に初動対応し、障害発生から {} 時間以内の復旧を目標とする。",
                    response.0, restore.0
                ),
                format!(
                    "The vendor responds within {} minutes of a request and aims to restore service within {} hours of a failure.",
                    response.1, restore.1
                ),
            )],
        },
        SlaSection {
            title: Text::new("4. ログの取得と確認", "4. Logs"),
            clauses: vec![t(
                format!(
                    "事業者は接続・操作の記録を{}取得し、{}。医療機関等の求めに応じ {} 日以内に提供する。",
                    if profile.logging.collected {
                        ""
                    } else {
                        "(現在は取得していない)"
                    },
                    review.0,
                    logs.0
                ),
                format!(
                    "The vendor logs connections and actions{}; logs are {}. They are handed to the facility within {} days on request.",
                    if profile.logging.collected {
                        ""
                    } else {
                        " (not logged today)"
                    },
                    review.1,
                    logs.1
                ),
            )],
        },
        SlaSection {
            title: Text::new("5. インシデントの連絡", "5. Incident notification"),
            clauses: vec![t(
                format!(
                    "いずれかの当事者がセキュリティインシデントまたはその疑いを検知した場合、{} 時間以内に相手方に連絡する。",
                    notify.0
                ),
                format!(
                    "A party that detects a security incident, or suspects one, informs the other within {} hours.",
                    notify.1
                ),
            )],
        },
        SlaSection {
            title: Text::new("6. VPN 装置等の更新", "6. Updating VPN devices"),
            clauses: vec![t(
                format!(
                    "接続点の機器の所有者は、緊急の修正を {} 日以内、その他の更新を {} 日以内に適用する。サポート終了前に更新計画を示す。",
                    critical.0, patch.0
                ),
                format!(
                    "The owner of each connection-point device applies critical fixes within {} days and other updates within {} days, and presents a replacement plan before the end of support.",
                    critical.1, patch.1
                ),
            )],
        },
        SlaSection {
            title: Text::new("7. データの取扱い", "7. Data handling"),
            clauses: vec![
                if profile.data_handling.carry_out {
                    Text::new(
                        "医療情報の持ち出しは、医療機関等の承認、暗号化、作業後の消去と消去の報告を条件とする。",
                        "Medical data leaves the facility only with the facility's approval, encrypted, and is deleted after the work with the deletion reported.",
                    )
                } else {
                    Text::new(
                        "事業者は医療情報を医療機関等の外に持ち出さない。",
                        "The vendor does not take medical data out of the facility.",
                    )
                },
                if profile.data_handling.test_data_deleted {
                    Text::new(
                        "試験・解析に用いたデータは作業完了後に消去し、消去日を作業報告書に記載する。",
                        "Test and analysis data are deleted when the work ends, and the date is stated in the work report.",
                    )
                } else {
                    Text::new(
                        "(試験データの消去手順が定められていない。消去と報告を定めること)",
                        "(No deletion of test data is defined; agree deletion and reporting.)",
                    )
                },
            ],
        },
    ];
    let subs: Vec<&str> = profile
        .subcontractors
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    sections.push(SlaSection {
        title: Text::new("8. 再委託", "8. Subcontractors"),
        clauses: vec![if subs.is_empty() {
            Text::new("事業者は本サービスを再委託しない。", "The vendor does not subcontract this service.")
        } else {
            t(
                format!("再委託先: {}。事業者は再委託先に本契約と同等の管理を課し、変更は事前に医療機関等に通知する。", subs.join("、")),
                format!("Subcontractors: {}. The vendor binds them to the same controls and notifies the facility of changes beforehand.", subs.join(", ")),
            )
        }],
    });
    sections.push(SlaSection {
        title: Text::new("9. 責任分界", "9. Split of responsibilities"),
        clauses: vec![Text::new(
            "リスクアセスメントの各対策について、実施責任(R)・説明責任(A)・協議(C)・報告(I)を次の表のとおり分担する。",
            "For each measure of the risk assessment, the parties are responsible (R), accountable (A), consulted (C) or informed (I) as in the table.",
        )],
    });
    let raci = register
        .risks
        .iter()
        .map(|r| {
            let (vendor, hospital) = match r.threat.owner {
                Party::Vendor => ("R/A", "I"),
                Party::Hospital => ("C", "R/A"),
                Party::Both => ("R", "A"),
            };
            RaciRow {
                measure: r.threat.treatment.clone(),
                vendor,
                hospital,
            }
        })
        .collect();
    Sla {
        service: s.name.clone(),
        vendor: s.vendor.clone(),
        hospital: terms.hospital.clone(),
        sections,
        raci,
        missing,
    }
}

/// The terms file format as a JSON Schema.
pub fn terms_schema() -> String {
    let schema = schemars::schema_for!(Terms);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}
