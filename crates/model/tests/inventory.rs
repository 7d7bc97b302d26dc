//! The MHLW checklist lines for the example hospital's inventory of eight systems, and the
//! inventory parser.

use kaiji_catalog::{Registry, Text};
use kaiji_model::{
    Disclosure,
    mhlw::{Collected, Inventory, mhlw_lines},
};
use proptest::prelude::*;

const INVENTORY: &str = include_str!("../../../examples/hospital/inventory.yaml");

fn collected(inventory: &Inventory) -> Vec<Collected> {
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/hospital/");
    inventory
        .systems
        .iter()
        .map(|s| Collected {
            disclosure: s.disclosure.as_deref().map(|rel| {
                std::fs::read_to_string(format!("{base}{rel}"))
                    .map_err(|e| Text::new(e.to_string(), e.to_string()))
                    .and_then(|t| {
                        Disclosure::from_json(&t)
                            .map_err(|e| Text::new(e.to_string(), e.to_string()))
                    })
            }),
            profile_checks: None,
        })
        .collect()
}

#[test]
fn the_example_hospital_gets_two_answered_lines() {
    let registry = Registry::builtin().unwrap();
    let inventory = Inventory::parse("inventory.yaml", INVENTORY).unwrap();
    assert_eq!(inventory.systems.len(), 8);
    let lines = mhlw_lines(
        &inventory,
        &collected(&inventory),
        &registry,
        Some("R7"),
        jiff::civil::date(2026, 11, 27),
    )
    .unwrap()
    .lines;
    let summary: Vec<(&str, bool, Vec<&str>, Vec<&str>)> = lines
        .iter()
        .map(|l| {
            (
                l.number.as_deref().unwrap_or("?"),
                l.yes,
                l.missing.iter().map(|g| g.system.as_str()).collect(),
                l.notes.iter().map(|g| g.system.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            // Remote maintenance: the LIS was never asked; the billing system's vendor never
            // confirmed. The PACS (5.0h and 4.1, through the mapping) and the cloud answer it in
            // their disclosures; the EHR vendor's confirmation is recorded.
            (
                "2-②",
                false,
                vec!["検体検査システム", "医事会計システム"],
                vec![]
            ),
            // MDS/SDS: four systems have none, the nurse call's file is missing; the 4.1 PACS
            // disclosure counts but is noted as outdated.
            (
                "2-③",
                false,
                vec![
                    "電子カルテ",
                    "検体検査システム",
                    "医事会計システム",
                    "給食管理システム",
                    "ナースコール"
                ],
                vec!["PACS(健診センター)"],
            ),
        ]
    );
    assert_eq!(lines[0].id, "hospital:2-②");
    assert_eq!(lines[0].checked.to_string(), "2026-11-27");
    assert!(
        lines[1].missing[4]
            .finding
            .message
            .en
            .contains("cannot be read")
    );
}

/// R8 (the default) answers the same two topics as R7 on the example hospital, by kaiji's stable
/// line names (their numbers are unknown), on the single 医療機関・薬局 form, with the R7 line each
/// takes over; the remote-maintenance line finds the serving MDS/SDS items through R7 → R8.
#[test]
fn the_example_hospital_gets_the_same_answers_in_r8_and_r7() {
    let registry = Registry::builtin().unwrap();
    let inventory = Inventory::parse("inventory.yaml", INVENTORY).unwrap();
    let today = jiff::civil::date(2026, 11, 27);
    let found = collected(&inventory);
    let r8 = mhlw_lines(&inventory, &found, &registry, None, today).unwrap();
    let r7 = mhlw_lines(&inventory, &found, &registry, Some("R7"), today).unwrap();
    assert_eq!(
        (r8.edition.catalog.as_str(), r8.edition.form.as_str()),
        ("mhlw-cyber-checklist@R8", "facility")
    );
    assert_eq!(r8.edition.superseded_by, None);
    assert_eq!(
        r7.edition.superseded_by.as_deref(),
        Some("mhlw-cyber-checklist@R8")
    );
    assert!(
        r7.edition
            .describe()
            .ja
            .contains("令和8年度は mhlw-cyber-checklist@R8 に置き換えられています")
    );
    assert!(
        r7.edition
            .describe()
            .en
            .contains("superseded by mhlw-cyber-checklist@R8 for 令和8年度")
    );
    let ids = |a: &kaiji_model::mhlw::Answered| -> Vec<(String, Option<String>, Vec<String>)> {
        a.lines
            .iter()
            .map(|l| (l.id.clone(), l.number.clone(), l.counterparts.clone()))
            .collect()
    };
    assert_eq!(
        ids(&r8),
        [
            (
                "facility:remote-maintenance".to_owned(),
                None,
                vec!["mhlw-cyber-checklist@R7 hospital:2-②".to_owned()]
            ),
            (
                "facility:disclosure".to_owned(),
                None,
                vec!["mhlw-cyber-checklist@R7 hospital:2-③".to_owned()]
            ),
        ]
    );
    assert_eq!(r7.lines[0].number.as_deref(), Some("2-②"));
    assert_eq!(
        r7.lines[0].counterparts,
        ["mhlw-cyber-checklist@R8 facility:remote-maintenance"]
    );
    // The same systems are missing in both editions: the PACS and the cloud are confirmed by
    // their disclosures' answers in R8 as in R7.
    for (a, b) in r8.lines.iter().zip(&r7.lines) {
        let systems = |l: &kaiji_model::mhlw::ChecklistLine| {
            l.missing
                .iter()
                .chain(&l.notes)
                .map(|g| (g.system.clone(), g.finding.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(systems(a), systems(b), "{}", a.id);
        assert_eq!(a.yes, b.yes);
    }
    assert_eq!(r8.lines[0].missing.len(), 2);
    // A pharmacy answers the same R8 form; in R7 it has its own.
    let mut pharmacy = inventory.clone();
    pharmacy.form = kaiji_model::mhlw::Form::Pharmacy;
    let p8 = mhlw_lines(&pharmacy, &found, &registry, Some("R8"), today).unwrap();
    assert_eq!(p8.edition.form, "facility");
    assert_eq!(
        p8.lines.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["facility:remote-maintenance", "facility:disclosure"]
    );
    assert_eq!(
        p8.lines[0].counterparts,
        ["mhlw-cyber-checklist@R7 pharmacy:2-②"],
        "the counterpart on the pharmacy's own R7 form"
    );
    let p7 = mhlw_lines(&pharmacy, &found, &registry, Some("R7"), today).unwrap();
    assert_eq!(p7.lines[0].id, "pharmacy:2-②");
    assert_eq!(
        p7.lines[0].counterparts,
        ["mhlw-cyber-checklist@R8 facility:remote-maintenance"]
    );
    assert_eq!(
        kaiji_model::mhlw::mhlw_editions(&registry),
        ["R7".to_owned(), "R8".to_owned()]
    );
    assert!(mhlw_lines(&inventory, &found, &registry, Some("R9"), today).is_err());
}

#[test]
fn inconsistencies_between_inventory_and_disclosure_are_missing_evidence() {
    let registry = Registry::builtin().unwrap();
    let mut inventory = Inventory::parse("inventory.yaml", INVENTORY).unwrap();
    inventory.systems.truncate(1);
    inventory.systems[0].remote_maintenance = Some(false);
    let lines = mhlw_lines(
        &inventory,
        &collected(&inventory),
        &registry,
        Some("R7"),
        jiff::civil::date(2026, 11, 27),
    )
    .unwrap()
    .lines;
    assert!(!lines[0].yes);
    assert!(
        lines[0].missing[0]
            .finding
            .message
            .en
            .contains("the disclosure answers that it is provided")
    );
    assert!(lines[1].yes, "{:?}", lines[1].missing);
    // A disclosure by another vendor does not count.
    inventory.systems[0].vendor = "別の事業者株式会社".into();
    let lines = mhlw_lines(
        &inventory,
        &collected(&inventory),
        &registry,
        Some("R7"),
        jiff::civil::date(2026, 11, 27),
    )
    .unwrap()
    .lines;
    assert!(
        lines[1].missing[0]
            .finding
            .message
            .en
            .contains("not by 別の事業者株式会社")
    );
}

#[test]
fn bad_inventories_name_line_and_field() {
    let e = Inventory::parse(
        "inv.yaml",
        "facility: x\nsystems:\n  - system: a\n    vendor: b\n    remote_maintenance: maybe\n",
    )
    .unwrap_err();
    let ja = e.to_string();
    assert!(ja.starts_with("inv.yaml 5行"), "{ja}");
    assert!(ja.contains("systems[0].remote_maintenance"), "{ja}");
    let e = Inventory::parse("inv.yaml", "facility: x\nform: clinic\nsystems: []\n").unwrap_err();
    assert!(e.to_string().contains("form"), "{e}");
    let e = Inventory::parse(
        "inv.yaml",
        "facility: x\nsystems:\n  - {system: a, vendor: b, remote_confirmed: 2026-02-30}\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("2026-02-30"), "{e}");
}

proptest! {
    /// Any text, or the example with a span cut or overwritten: an inventory (whose lines
    /// compute) or an error naming the file.
    #[test]
    fn mangled_inventories_never_panic(
        start in 0usize..2000,
        len in 0usize..60,
        insert in prop_oneof![Just(String::new()), "[\\-:{}\\[\\] a-z0-9\n]{0,20}", "\\PC{0,40}"],
    ) {
        let start = (0..=start.min(INVENTORY.len())).rev().find(|i| INVENTORY.is_char_boundary(*i)).unwrap_or(0);
        let mut end = (start + len).min(INVENTORY.len());
        while !INVENTORY.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{}{}", &INVENTORY[..start], insert, &INVENTORY[end..]);
        match Inventory::parse("inv.yaml", &text) {
            Ok(inventory) => {
                let registry = Registry::builtin().unwrap();
                let none: Vec<Collected> = inventory.systems.iter().map(|_| Collected::default()).collect();
                let lines = mhlw_lines(&inventory, &none, &registry, None, jiff::civil::date(2026, 11, 27)).unwrap().lines;
                for l in lines {
                    prop_assert_eq!(l.yes, l.missing.is_empty());
                }
            }
            Err(e) => prop_assert!(e.to_string().starts_with("inv.yaml")),
        }
    }
}

#[test]
fn remote_service_profiles_confirm_remote_maintenance_and_their_checks_are_noted() {
    let registry = Registry::builtin().unwrap();
    let mut inventory = Inventory::parse("inventory.yaml", INVENTORY).unwrap();
    // The billing system's vendor never confirmed; a profile from it does.
    inventory.systems.retain(|s| s.system == "医事会計システム");
    let finding = kaiji_model::Finding::new(
        kaiji_model::Code::RssNoMfa,
        kaiji_model::Location::pointer(["connection", "authentication", "mfa"]),
        Text::new("多要素認証がありません", "no MFA"),
    );
    let with = |checks| {
        let collected = vec![Collected {
            disclosure: None,
            profile_checks: Some(checks),
        }];
        mhlw_lines(
            &inventory,
            &collected,
            &registry,
            Some("R7"),
            jiff::civil::date(2026, 11, 27),
        )
        .unwrap()
        .lines
    };
    let lines = with(Ok(vec![finding]));
    assert!(lines[0].yes, "{:?}", lines[0].missing);
    assert_eq!(
        lines[0].notes[0].finding.message.en,
        "connection check: no MFA"
    );
    let lines = with(Err(Text::new("読めません", "cannot be read")));
    assert!(!lines[0].yes);
    assert!(
        lines[0].missing[0]
            .finding
            .message
            .en
            .contains("remote service profile cannot be read")
    );
}

/// Every `mhlw-*` code, each provoked by the example hospital's inventory or a variation of it,
/// with its place in the inventory.
#[test]
fn every_mhlw_code_is_provoked_with_its_place() {
    use std::collections::BTreeMap;

    use kaiji_model::Code;
    let registry = Registry::builtin().unwrap();
    let today = jiff::civil::date(2026, 11, 27);
    let mut seen: BTreeMap<Code, String> = BTreeMap::new();
    let mut run = |inventory: &Inventory, collected: &[Collected]| {
        for line in mhlw_lines(inventory, collected, &registry, None, today)
            .unwrap()
            .lines
        {
            for g in line.missing.iter().chain(&line.notes) {
                seen.entry(g.finding.code)
                    .or_insert_with(|| g.finding.location.to_string());
            }
        }
    };
    let example = Inventory::parse("inventory.yaml", INVENTORY).unwrap();
    run(&example, &collected(&example));
    // Remote maintenance not stated, and contradicted by the disclosure.
    let mut varied = example.clone();
    varied.systems.truncate(2);
    varied.systems[0].remote_maintenance = None;
    varied.systems[1].remote_maintenance = Some(false);
    run(&varied, &collected(&varied));
    // Another product, another version; a profile whose checks report an error.
    let mut other = example.clone();
    other.systems.truncate(2);
    other.systems[0].product = "別の製品".into();
    other.systems[1].version = "0.1".into();
    let mut found = collected(&other);
    found[1].profile_checks = Some(Ok(vec![kaiji_model::Finding::new(
        Code::RssNoMfa,
        kaiji_model::Location::pointer(["connection"]),
        Text::new("多要素認証がありません", "no MFA"),
    )]));
    run(&other, &found);
    let empty = Inventory::parse("e.yaml", "facility: x\nform: hospital\nsystems: []\n").unwrap();
    run(&empty, &[]);
    let mhlw: Vec<Code> = <Code as strum::IntoEnumIterator>::iter()
        .filter(|c: &Code| c.as_str().starts_with("mhlw-"))
        .collect();
    for code in &mhlw {
        assert!(seen.contains_key(code), "{code} not provoked: {seen:?}");
    }
    assert_eq!(seen[&Code::MhlwNoSystems], "/systems");
    assert_eq!(
        seen[&Code::MhlwRemoteNotStated],
        "/systems/4/remote_maintenance"
    );
    assert_eq!(seen[&Code::MhlwOtherVersion], "/systems/1/version");
}

/// What was collected must match the inventory system by system: fewer entries are an error,
/// never a line answered without looking at every system.
#[test]
fn collected_entries_must_match_the_systems() {
    let registry = Registry::builtin().unwrap();
    let inventory = Inventory::parse("inventory.yaml", INVENTORY).unwrap();
    let mut found = collected(&inventory);
    found.pop();
    let e = mhlw_lines(
        &inventory,
        &found,
        &registry,
        None,
        jiff::civil::date(2026, 11, 27),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            kaiji_model::Error::CollectedMismatch {
                systems: 8,
                collected: 7
            }
        ),
        "{e}"
    );
}

/// What a server holds, matched to the inventory's systems by vendor and product: the version a system
/// runs when it is held, else the newest; nothing for a system none is held for.
#[test]
fn held_disclosures_are_matched_to_systems_by_vendor_product_and_version() {
    let inventory = Inventory::parse("inventory.yaml", INVENTORY).unwrap();
    let read = |name: &str| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/");
        Disclosure::from_json(&std::fs::read_to_string(format!("{path}{name}")).unwrap()).unwrap()
    };
    let (new, old, cloud) = (
        read("pacs-mds-5.0h.kaiji.json"),
        read("pacs-mds-4.1.kaiji.json"),
        read("cloud-share-sds-5.0h.kaiji.json"),
    );
    let version = |c: &Collected| {
        c.disclosure
            .as_ref()
            .map(|d| d.as_ref().unwrap().subject.version.clone())
    };
    let collected = kaiji_model::mhlw::collect_held(&inventory, &[&old, &cloud, &new]);
    assert_eq!(collected.len(), inventory.systems.len());
    let versions: Vec<Option<String>> = collected.iter().map(version).collect();
    // PACS 9.2.0 and 8.4.2 get their own versions, the cloud its one; the rest none.
    assert_eq!(
        versions[..4],
        [
            Some("9.2.0".into()),
            Some("8.4.2".into()),
            Some("2026.1".into()),
            None
        ]
    );
    assert!(versions[3..].iter().all(Option::is_none), "{versions:?}");
    // Only the old PACS held: the system running 9.2.0 gets the newest held, 8.4.2.
    let collected = kaiji_model::mhlw::collect_held(&inventory, &[&old]);
    assert_eq!(version(&collected[0]), Some("8.4.2".into()));
}
