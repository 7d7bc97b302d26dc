//! Which advisories name a product and version, and why: the range or listed version that
//! contains it, or that the advisory states no versions at all. Matching is by vendor and
//! product name today (devices at connection points); by PURL and CPE when SBOMs arrive.

use crate::{Advisory, Range, Version};

/// What is looked up: a maker's product at one version (`None` when the version is not known).
#[derive(Debug, Clone, Copy)]
pub struct Product<'a> {
    pub vendor: &'a str,
    pub name: &'a str,
    pub version: Option<&'a Version>,
}

/// Why an advisory matched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Why<'a> {
    /// The version is listed one by one (OSV `versions`).
    Listed(&'a Version),
    /// The version lies in this affected range.
    InRange(&'a Range),
    /// The advisory names the product but states no versions: check the vendor's notice.
    VersionsNotStated,
    /// The advisory states versions but the product's version is not known.
    VersionUnknown,
}

/// One advisory that names the product, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'a> {
    pub advisory: &'a Advisory,
    pub why: Why<'a>,
}

impl Match<'_> {
    /// Whether the version is known to be affected (a listed version or a range), rather than
    /// only the product named.
    pub fn is_affected(&self) -> bool {
        matches!(self.why, Why::Listed(_) | Why::InRange(_))
    }

    /// Known to be exploited in the wild (KEV).
    pub fn is_exploited(&self) -> bool {
        self.advisory.exploited
    }

    /// The range or version that matched, as text (`>=4.0.0, <=4.2.1`, `3.9.9`).
    pub fn range_text(&self) -> Option<String> {
        match self.why {
            Why::Listed(v) => Some(v.to_string()),
            Why::InRange(r) => Some(r.to_string()),
            Why::VersionsNotStated | Why::VersionUnknown => None,
        }
    }
}

impl Advisory {
    /// Whether the advisory is about this product: maker and product compared without case,
    /// spaces or punctuation, either containing the other; an advisory without a vendor (OSV)
    /// matches any maker.
    pub fn names(&self, vendor: &str, product: &str) -> bool {
        let norm = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let (maker, model) = (norm(vendor), norm(product));
        let (vendor, product) = (norm(&self.vendor), norm(&self.product));
        if product.is_empty() || model.is_empty() {
            return false;
        }
        let product_matches = model.contains(&product) || product.contains(&model);
        let vendor_matches =
            vendor.is_empty() || maker.contains(&vendor) || vendor.contains(&maker);
        product_matches && vendor_matches
    }

    /// Why this advisory affects `version`, or `None` when the version lies outside every
    /// range and list it states.
    pub fn affects(&self, version: Option<&Version>) -> Option<Why<'_>> {
        if !self.has_versions() {
            return Some(Why::VersionsNotStated);
        }
        let Some(version) = version else {
            return Some(Why::VersionUnknown);
        };
        self.versions
            .iter()
            .find(|v| *v == version)
            .map(Why::Listed)
            .or_else(|| {
                self.ranges
                    .iter()
                    .find(|r| r.contains(version))
                    .map(Why::InRange)
            })
    }
}

/// The advisories that name `product` and do not exclude its version, in the order given.
pub fn matches<'a>(advisories: &'a [Advisory], product: &Product<'_>) -> Vec<Match<'a>> {
    advisories
        .iter()
        .filter(|a| a.names(product.vendor, product.name))
        .filter_map(|advisory| {
            advisory
                .affects(product.version)
                .map(|why| Match { advisory, why })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisory::parse;

    const KEV: &str = r#"{"vulnerabilities": [
        {"cveID": "CVE-1", "vendorProject": "Sample Networks", "product": "SN-VPN 200",
         "shortDescription": "SN-VPN 200 firmware versions 4.0.0 through 4.2.1 contain a flaw.",
         "knownRansomwareCampaignUse": "Known"},
        {"cveID": "CVE-2", "vendorProject": "Sample Networks", "product": "SN-VPN 200",
         "shortDescription": "A flaw with no versions stated."},
        {"cveID": "CVE-3", "vendorProject": "Other", "product": "SN-VPN 200",
         "shortDescription": "before 9.0"}]}"#;

    #[test]
    fn matches_say_why() {
        let all = parse("kev.json", KEV.as_bytes()).unwrap();
        let version: Version = "4.2.1".parse().unwrap();
        let product = Product {
            vendor: "Sample Networks",
            name: "SN-VPN200",
            version: Some(&version),
        };
        let found = matches(&all, &product);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].advisory.id, "CVE-1");
        assert!(found[0].is_affected() && found[0].is_exploited());
        assert_eq!(found[0].range_text().as_deref(), Some(">=4.0.0, <=4.2.1"));
        assert_eq!(found[1].advisory.id, "CVE-2");
        assert_eq!(found[1].why, Why::VersionsNotStated);
        assert!(!found[1].is_affected() && found[1].range_text().is_none());

        let fixed: Version = "4.2.2".parse().unwrap();
        let later = Product {
            version: Some(&fixed),
            ..product
        };
        assert_eq!(matches(&all, &later).len(), 1);
        let unknown = Product {
            version: None,
            ..product
        };
        assert_eq!(matches(&all, &unknown)[0].why, Why::VersionUnknown);
        let other = Product {
            name: "SN-RT 100",
            ..product
        };
        assert!(matches(&all, &other).is_empty());
    }
}
