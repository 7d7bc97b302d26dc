//! The catalogs whose fields are the domain's: threat catalogues (kind `threats`) and review
//! policies (kind `policy`).
//!
//! The catalog registry (kaiji-catalog) loads them like every catalog: it reads and checks the
//! common header, lists and counts them, and lets a user's file with the same id replace the
//! shipped one. What their fields mean is decided here, because the arrows run catalog ← model:
//! [`crate::rss::threats_of`] and [`crate::review::Policy::from_catalog`] read them into typed
//! values, and [`check`] is the domain half of `kaiji catalog check`.

use kaiji_catalog::{CatalogRef, Kind, Registry, Text};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{ConfigFile, Problem};
use crate::{Error, Finding};

/// One finding of [`check`], with the catalog it is in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataFinding {
    /// Where the catalog came from (path or `builtin:FILE`).
    pub origin: String,
    /// `id@revision` of the catalog.
    pub catalog: String,
    pub finding: Finding,
}

/// Checks the threat catalogues and policies of `registry` whose keys are in `only` (all when
/// `None`): a threat's scales and controls (each an entry of the Annex A control list), what
/// [`crate::review::Policy::check`] finds in a policy (citing the default GL edition). A catalog whose fields do not read as its
/// kind is an error, as a catalog file that does not parse is.
pub fn check(
    registry: &Registry,
    only: Option<&[String]>,
    today: jiff::civil::Date,
) -> Result<Vec<DataFinding>, Error> {
    let annex_a = CatalogRef::new(crate::rss::ANNEX_A_ID.to_owned(), None)
        .ok()
        .and_then(|r| registry.resolve(&r));
    let mut all = Vec::new();
    for catalog in registry.catalogs() {
        if only.is_some_and(|keys| !keys.contains(&catalog.key())) {
            continue;
        }
        let findings = match catalog.kind() {
            Kind::Threats => {
                crate::rss::threat_findings(&crate::rss::read_threats(catalog)?, annex_a)
            }
            Kind::Policy => {
                let cited = crate::review::Guideline::default_in(registry)?;
                crate::review::Policy::from_catalog(catalog)?.check(registry, &cited, today)
            }
            _ => continue,
        };
        all.extend(findings.into_iter().map(|finding| DataFinding {
            origin: catalog.origin.clone(),
            catalog: catalog.key(),
            finding,
        }));
    }
    Ok(all)
}

/// Whether a YAML text is a catalog file (it has a top-level `kind`) rather than the plain form
/// of a policy or threat catalogue.
pub(crate) fn is_catalog(yaml: &str) -> bool {
    #[derive(Deserialize)]
    struct Peek {
        #[serde(default)]
        kind: Option<serde_yaml_ng::Value>,
    }
    serde_yaml_ng::from_str::<Peek>(yaml).is_ok_and(|p| p.kind.is_some())
}

/// Reads a data catalog's fields into `T` (which rejects unknown fields). The fields are read
/// back through YAML so that the message names the field (`rules[0].require[0]: unknown
/// variant …`); its line would be that of the re-written text, so none is given.
pub(crate) fn fields<T: DeserializeOwned>(
    file: ConfigFile,
    origin: &str,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<T, Error> {
    let yaml = serde_yaml_ng::to_string(fields).map_err(|e| {
        Error::config(
            file,
            origin,
            Problem::new(Text::new(
                format!("フィールドを読み直せません: {e}"),
                format!("cannot re-read the fields: {e}"),
            )),
        )
    })?;
    kaiji_catalog::parse_yaml(&yaml)
        .map_err(|e| Error::config(file, origin, Problem::new(e.message)))
}

/// A catalog error (the header of a catalog-form file) as the model's error of that file.
pub(crate) fn catalog_error(file: ConfigFile, origin: &str, e: &kaiji_catalog::Error) -> Error {
    match e {
        kaiji_catalog::Error::Syntax { origin, error } => {
            Error::config(file, origin.clone(), error.clone().into())
        }
        kaiji_catalog::Error::Invalid { origin, message } => {
            Error::config(file, origin.clone(), Problem::new(message.clone()))
        }
        other => Error::config(file, origin, Problem::new(other.text())),
    }
}
