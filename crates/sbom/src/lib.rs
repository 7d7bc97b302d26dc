//! kaiji-sbom: supply-chain data read from disk (advisories today; SBOMs and VEX later), with
//! version ordering, ranges and matching; no kaiji dependencies, so the CLI, the model and the
//! server share it.
//!
//! - [`version`]: [`Version`] (built through `FromStr`) and affected [`Range`]s.
//! - [`advisory`]: the advisory formats (CISA KEV JSON; OSV as one record, an array or
//!   `{"vulns": […]}`), format detection, [`advisory::parse`].
//! - [`matching`]: which advisories name a product and version, and why.
//!
//! Library crate: it decides, it never prints, exits or reads the environment.

pub mod advisory;
mod error;
pub mod matching;
pub mod version;

pub use advisory::Advisory;
pub use error::{Error, ErrorKind, Expected};
pub use version::{Range, Version};
