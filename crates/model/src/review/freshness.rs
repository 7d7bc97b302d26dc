//! Whether a disclosure a hospital holds is still current: reviewed by its vendor in time, young
//! enough for the hospital's policy, and for the product version the hospital runs.
//!
//! Three states, from the values a caller passes (the library never reads the clock):
//! - **expired**: the policy has an age rule (`max_age_days`) and the disclosure is older than it
//!   (counted from the disclosure's date, as the reviewer's `stale-disclosure` finding counts; from
//!   the publication's effective date when the document states no date);
//! - **review due**: the next-review date the vendor published it with has come (today or before);
//! - **current**: neither.
//!
//! Apart from the state, the systems of the hospital's inventory that run a newer version of the
//! product than the one disclosed are listed: the disclosure may not describe what the hospital runs.

use jiff::civil::Date;
use kaiji_catalog::Text;
use serde::Serialize;

use crate::mhlw::{Inventory, inventory::same_name};
use crate::{Disclosure, IsoDate};

/// The state of a held disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FreshnessState {
    Current,
    ReviewDue,
    Expired,
}

impl FreshnessState {
    /// The state as people read it.
    pub fn label(self) -> Text {
        match self {
            Self::Current => Text::new("最新", "current"),
            Self::ReviewDue => Text::new("見直し時期", "review due"),
            Self::Expired => Text::new("期限切れ", "expired"),
        }
    }
}

/// A system of the inventory that runs a newer version of the disclosed product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NewerInInventory {
    /// The system's name in the inventory.
    pub system: String,
    /// The version it runs.
    pub version: String,
}

/// What a held disclosure is, for its freshness: the subject it discloses and the dates it was
/// published with.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    pub organisation: &'a str,
    pub product: &'a str,
    pub version: &'a str,
    /// The disclosure's own date (作成日), if it states one.
    pub date: Option<Date>,
    /// The publication's effective date.
    pub effective_date: Date,
    /// The publication's next-review date.
    pub next_review_date: Date,
}

impl<'a> Held<'a> {
    /// A published disclosure with its effective and next-review dates.
    pub fn of(document: &'a Disclosure, effective_date: Date, next_review_date: Date) -> Self {
        Self {
            organisation: &document.subject.organisation,
            product: &document.subject.product,
            version: &document.subject.version,
            date: document.subject.date.map(IsoDate::date),
            effective_date,
            next_review_date,
        }
    }
}

/// The freshness of a held disclosure, and why (its schema describes the server's inbox freshness answer).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Freshness {
    pub state: FreshnessState,
    /// The state as people read it.
    pub label: Text,
    /// Days from the disclosure's date (or the effective date) to today.
    pub age_days: i32,
    /// The policy's age rule, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    pub next_review_date: IsoDate,
    /// Systems of the inventory running a newer version of the product than the one disclosed.
    pub newer_in_inventory: Vec<NewerInInventory>,
    /// Why the state is what it is (and each newer version), one sentence each.
    pub reasons: Vec<Text>,
}

/// The freshness of `held` on `today`, under a policy's age rule (`max_age_days`, `None` when the
/// policy has none or there is no policy) and against the hospital's inventory (if it keeps one).
pub fn freshness(
    held: &Held<'_>,
    max_age_days: Option<u32>,
    inventory: Option<&Inventory>,
    today: Date,
) -> Freshness {
    let dated = held.date.unwrap_or(held.effective_date);
    let age_days = dated.until(today).map_or(0, |span| span.get_days());
    let mut reasons = Vec::new();
    let expired = max_age_days.filter(|max| age_days > i32::try_from(*max).unwrap_or(i32::MAX));
    let review_due = today >= held.next_review_date;
    let state = if let Some(max) = expired {
        reasons.push(Text::new(
            format!("{dated} から {age_days} 日が経ち、方針の上限 {max} 日を超えています"),
            format!("dated {dated}, {age_days} days ago: older than the policy's {max} days"),
        ));
        FreshnessState::Expired
    } else if review_due {
        FreshnessState::ReviewDue
    } else {
        FreshnessState::Current
    };
    if review_due {
        let next = held.next_review_date;
        reasons.push(Text::new(
            format!("次回見直し日 {next} を迎えています。事業者に現行版を確認してください"),
            format!("its next review date {next} has come; ask the vendor for the current version"),
        ));
    }
    let newer_in_inventory = newer_in_inventory(held, inventory);
    for n in &newer_in_inventory {
        reasons.push(Text::new(
            format!(
                "台帳の {} はバージョン {} で、開示書の {} より新しいバージョンです",
                n.system, n.version, held.version
            ),
            format!(
                "the inventory's {} runs version {}, newer than the {} disclosed",
                n.system, n.version, held.version
            ),
        ));
    }
    Freshness {
        state,
        label: state.label(),
        age_days,
        max_age_days,
        next_review_date: IsoDate::new(held.next_review_date),
        newer_in_inventory,
        reasons,
    }
}

/// The systems of the inventory with the disclosure's vendor and product and a newer version.
fn newer_in_inventory(held: &Held<'_>, inventory: Option<&Inventory>) -> Vec<NewerInInventory> {
    let Some(inventory) = inventory else {
        return Vec::new();
    };
    inventory
        .systems
        .iter()
        .filter(|s| {
            same_name(&s.vendor, held.organisation)
                && same_name(&s.product, held.product)
                && !s.version.is_empty()
                && kaiji_catalog::compare_versions(&s.version, held.version).is_gt()
        })
        .map(|s| NewerInInventory {
            system: s.system.clone(),
            version: s.version.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn held(version: &str) -> Held<'_> {
        Held {
            organisation: "株式会社サンプルメディカルイメージング",
            product: "SampleView PACS",
            version,
            date: Some(date(2026, 1, 10)),
            effective_date: date(2026, 2, 1),
            next_review_date: date(2027, 2, 1),
        }
    }

    fn inventory() -> Inventory {
        Inventory::parse(
            "inventory.yaml",
            "facility: 病院\nsystems:\n  - system: PACS\n    vendor: サンプルメディカルイメージング\n    product: SampleView PACS\n    version: \"9.10.0\"\n",
        )
        .unwrap()
    }

    #[test]
    fn current_until_the_next_review_date() {
        let f = freshness(&held("9.10.0"), Some(730), None, date(2027, 1, 31));
        assert_eq!(f.state, FreshnessState::Current);
        assert_eq!(f.age_days, 386);
        assert!(f.reasons.is_empty());
        let f = freshness(&held("9.10.0"), Some(730), None, date(2027, 2, 1));
        assert_eq!(f.state, FreshnessState::ReviewDue);
        assert_eq!(f.reasons.len(), 1);
    }

    #[test]
    fn older_than_the_policy_allows_is_expired_without_a_rule_never() {
        let f = freshness(&held("9.10.0"), Some(365), None, date(2027, 1, 11));
        assert_eq!(f.state, FreshnessState::Expired);
        assert!(f.reasons[0].en.contains("366 days ago"), "{:?}", f.reasons);
        let f = freshness(&held("9.10.0"), None, None, date(2026, 12, 1));
        assert_eq!(f.state, FreshnessState::Current);
        // Without a date of its own, the age counts from the effective date.
        let mut undated = held("9.10.0");
        undated.date = None;
        let f = freshness(&undated, Some(365), None, date(2027, 1, 11));
        assert_eq!((f.state, f.age_days), (FreshnessState::Current, 344));
    }

    #[test]
    fn a_newer_version_in_the_inventory_is_named() {
        let inventory = inventory();
        // 9.10.0 is newer than 9.2.0 (numbers compare as numbers).
        let f = freshness(&held("9.2.0"), None, Some(&inventory), date(2026, 6, 1));
        assert_eq!(f.state, FreshnessState::Current);
        assert_eq!(
            f.newer_in_inventory,
            vec![NewerInInventory {
                system: "PACS".into(),
                version: "9.10.0".into()
            }]
        );
        assert!(
            freshness(&held("9.10.0"), None, Some(&inventory), date(2026, 6, 1))
                .newer_in_inventory
                .is_empty()
        );
        let mut other = held("1.0");
        other.product = "SampleChart";
        assert!(
            freshness(&other, None, Some(&inventory), date(2026, 6, 1))
                .newer_in_inventory
                .is_empty()
        );
    }
}
