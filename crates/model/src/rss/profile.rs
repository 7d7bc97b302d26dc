//! The remote service profile: one description of a vendor's remote maintenance service (its
//! remote service centre, how it connects, the devices at the connection points, accounts,
//! logging, data handling, subcontractors, approval), from which kaiji derives the facts its
//! risk register and connection checks use.

use std::collections::BTreeSet;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Error, IsoDate};

/// A remote maintenance service (YAML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kaiji remote service profile")]
pub struct Profile {
    pub service: Service,
    /// The remote service centre (RSC) and the controls it applies.
    pub rsc: Rsc,
    pub connection: Connection,
    /// Devices at the connection points (VPN routers, gateways).
    #[serde(default)]
    pub devices: Vec<Device>,
    pub accounts: Accounts,
    pub logging: Logging,
    pub data_handling: DataHandling,
    #[serde(default)]
    pub subcontractors: Vec<Subcontractor>,
    pub approval: Approval,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The remote service's name (the RSS SDS's service name).
    pub name: String,
    pub vendor: String,
    /// The product maintained.
    #[serde(default)]
    pub product: String,
    /// The service's version or edition (the RSS SDS's version).
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rsc {
    pub name: String,
    #[serde(default)]
    pub location: String,
    /// Certifications held (ISO/IEC 27001, ISMS-AC …).
    #[serde(default)]
    pub certifications: Vec<String>,
    /// The concrete controls applied at the RSC, each with the checklist sections or items it
    /// answers (used for the remarks of the RSS SDS).
    #[serde(default)]
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub text: String,
    /// Checklist sections (C10 …) or item ids this control answers.
    #[serde(default)]
    pub answers: Vec<String>,
}

/// How the RSC reaches the facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub line: LineType,
    /// VPN protocol (`none` on a closed network without VPN).
    pub vpn: VpnType,
    pub mode: ConnectMode,
    /// Who starts a session.
    pub initiated_by: Party,
    pub authentication: Authentication,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LineType {
    /// 閉域網(専用線等)
    ClosedNetwork,
    IpVpn,
    InternetVpn,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum VpnType {
    Ipsec,
    Ssl,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectMode {
    /// Connected only for a maintenance session (オンデマンド).
    OnDemand,
    /// Tunnel up all the time (常時接続).
    AlwaysOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    Vendor,
    Hospital,
    Both,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authentication {
    /// Multi-factor authentication for maintenance sessions.
    pub mfa: bool,
    /// How sessions authenticate (certificate, password, one-time password …).
    #[serde(default)]
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// What the device does (VPN router, remote gateway …).
    pub role: String,
    pub maker: String,
    pub model: String,
    pub firmware: String,
    /// The maker's end of support (security updates) for this model or firmware line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_end: Option<IsoDate>,
    /// Who owns and patches it.
    pub owner: Party,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// Each maintenance engineer has an account of their own.
    pub dedicated: bool,
    /// Accounts are shared among engineers (or across facilities).
    pub shared: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    /// Session logs are collected.
    pub collected: bool,
    /// How often someone reviews them.
    pub reviewed: ReviewCadence,
    /// How long logs are kept, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retained_days: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewCadence {
    Never,
    PerSession,
    Weekly,
    Monthly,
    Yearly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataHandling {
    /// Patient or facility data may leave the facility (carried out to the RSC).
    pub carry_out: bool,
    /// Test and analysis data are deleted after use.
    pub test_data_deleted: bool,
    /// Files sent to the facility are scanned and sanitised first.
    pub files_sanitised: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subcontractor {
    pub name: String,
    /// The subcontractor connects to facilities itself.
    pub remote_access: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Each session is applied for and approved by the facility beforehand.
    pub prior: bool,
    /// After-the-fact approval only for failures and urgent fixes.
    #[serde(default)]
    pub after_the_fact_for_emergencies: bool,
}

impl Profile {
    /// Reads a profile; errors name the file, line, column and field.
    pub fn parse(origin: &str, yaml: &str) -> Result<Self, Error> {
        crate::error::parse_config(crate::error::ConfigFile::Profile, origin, yaml)
    }

    /// What the profile says, as the facts threat entries select on (`mfa:no`,
    /// `mode:always-on`, `device:past-support` …). `today` decides support ends.
    pub fn facts(&self, today: Date) -> BTreeSet<String> {
        let c = &self.connection;
        let mut f = BTreeSet::new();
        let mut add = |s: &str| {
            f.insert(s.to_owned());
        };
        add(match c.line {
            LineType::ClosedNetwork => "line:closed-network",
            LineType::IpVpn => "line:ip-vpn",
            LineType::InternetVpn => "line:internet-vpn",
            LineType::Other => "line:other",
        });
        add(match c.vpn {
            VpnType::Ipsec => "vpn:ipsec",
            VpnType::Ssl => "vpn:ssl",
            VpnType::None => "vpn:none",
        });
        add(match c.mode {
            ConnectMode::OnDemand => "mode:on-demand",
            ConnectMode::AlwaysOn => "mode:always-on",
        });
        add(match c.initiated_by {
            Party::Vendor => "initiated:vendor",
            Party::Hospital => "initiated:hospital",
            Party::Both => "initiated:both",
        });
        add(if c.authentication.mfa {
            "mfa:yes"
        } else {
            "mfa:no"
        });
        add("remote-maintenance");
        if self.devices.is_empty() {
            add("device:none-listed");
        }
        for d in &self.devices {
            match d.support_end {
                Some(end) if end.date() < today => add("device:past-support"),
                None => add("device:support-unknown"),
                Some(_) => {}
            }
            if d.owner == Party::Hospital {
                add("device:hospital-owned");
            }
        }
        if self.accounts.shared {
            add("accounts:shared");
        }
        if !self.accounts.dedicated {
            add("accounts:not-dedicated");
        }
        if !self.logging.collected {
            add("logs:not-collected");
        }
        if self.logging.reviewed == ReviewCadence::Never {
            add("logs:never-reviewed");
        }
        if matches!(self.logging.reviewed, ReviewCadence::Yearly) {
            add("logs:reviewed-rarely");
        }
        if self.data_handling.carry_out {
            add("data:carried-out");
        }
        if !self.data_handling.test_data_deleted {
            add("data:test-data-kept");
        }
        if !self.data_handling.files_sanitised {
            add("files:not-sanitised");
        }
        if self.subcontractors.iter().any(|s| s.remote_access) {
            add("subcontractor:remote-access");
        }
        if !self.approval.prior {
            add("approval:no-prior");
        }
        if self.rsc.certifications.is_empty() {
            add("rsc:no-certification");
        }
        f
    }
}

/// The profile format as a JSON Schema.
pub fn profile_schema() -> String {
    let schema = schemars::schema_for!(Profile);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    s.push('\n');
    s
}
