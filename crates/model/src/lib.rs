//! kaiji-model: the domain of security disclosures, as public module trees by domain.
//!
//! - [`diag`]: finding codes, findings and their locations.
//! - [`disclosure`]: the disclosure document, its validation, skeletons, diff and migration.
//! - [`review`]: hospital policies, the review against them, and the comparison of vendors.
//! - [`mhlw`]: a hospital's system inventory and the MHLW checklist lines it evidences.
//! - [`rss`]: remote service profiles, their checks, risk register, SLA and the RSS SDS.
//! - [`betsushi`]: the GL 7.0 保守委託機関編【別紙】 check of vendors' disclosures and the
//!   facility's risk record.
//! - [`api`]: the output shapes the CLI prints as JSON and the REST API returns, with their JSON
//!   Schemas.
//!
//! Library crate: it decides, it never prints, exits or reads the environment. The CLI and the
//! server present what it returns.

pub mod api;
pub mod betsushi;
pub mod data;
pub mod diag;
pub mod disclosure;
mod error;
pub mod mhlw;
pub mod review;
pub mod rss;

pub use diag::{Code, Finding, Location, Severity};
pub use disclosure::{CatalogId, Disclosure, DocKind, IsoDate};
pub use error::{ConfigFile, Error, Problem};
