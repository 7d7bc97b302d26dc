//! Remote maintenance (RSS): the vendor's remote service profile, its connection checks against
//! advisories, the risk register, the SLA and the RSS SDS generated from the profile.

pub mod checks;
pub mod profile;
pub mod risk;
pub mod sds;
pub mod sla;

pub use checks::check_profile;
pub use profile::{
    Accounts, Approval, Authentication, ConnectMode, Connection, Control, DataHandling, Device,
    LineType, Logging, Party, Profile, ReviewCadence, Rsc, Service, Subcontractor, VpnType,
    profile_schema,
};
pub use risk::{
    ANNEX_A_ID, Asset, Formula, Register, Risk, RiskSettings, THREATS_ID, Threat, Treatment,
    read_threats, register, threat_findings, threats, threats_from, threats_in, threats_of, value,
};
pub use sds::{RssSds, rss_sds};
pub use sla::{
    RaciRow, Sla, SlaSection, SlaTemplate, Terms, fill, sla, sla_with, term_label, terms_schema,
};
