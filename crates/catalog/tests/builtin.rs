//! The shipped catalogs: all listed, all loadable, all consistent.

use std::collections::BTreeSet;

use kaiji_catalog::{BUILTIN, Confidence, Kind, MapEntry, Reference, Registry, check, parse};

#[test]
fn every_catalog_file_is_compiled_in_as_it_reads_from_yaml() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalogs");
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    let listed: BTreeSet<String> = BUILTIN.iter().map(|(n, _, _)| (*n).to_owned()).collect();
    assert_eq!(
        on_disk, listed,
        "catalogs/ and the compiled-in list disagree"
    );
    // The build-time JSON holds exactly what the YAML says.
    let registry = Registry::builtin().unwrap();
    for name in on_disk {
        let yaml = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let from_yaml = parse(&format!("builtin:{name}"), &yaml).unwrap();
        let compiled = registry
            .catalogs()
            .iter()
            .find(|c| c.origin == format!("builtin:{name}"))
            .unwrap();
        assert_eq!(&from_yaml, compiled, "{name}");
    }
}

#[test]
fn shipped_catalogs_pass_the_self_check() {
    let registry = Registry::builtin().unwrap();
    let issues = check(&registry, None);
    assert!(issues.is_empty(), "{issues:#?}");
}

#[test]
fn shipped_catalogs_cover_what_the_foundation_promises() {
    let registry = Registry::builtin().unwrap();
    let counts: Vec<(String, Kind, usize)> = registry
        .catalogs()
        .iter()
        .map(|c| (c.key(), c.kind(), c.len()))
        .collect();
    let has = |key: &str| counts.iter().any(|(k, _, _)| k == key);
    for key in [
        "jahis-mds-sds@5.0h",
        "jahis-mds-sds@4.1",
        "jira-rss-sds@4.1-rev1",
        "mhlw-gl@6.0",
        "mhlw-cyber-checklist@R7",
        "mhlw-cyber-checklist@R8",
        "iso27001-annex-a@2022",
    ] {
        assert!(has(key), "{key} missing");
    }
    let iso = registry
        .resolve(&"iso27001-annex-a@2022".parse().unwrap())
        .unwrap()
        .as_reference()
        .unwrap();
    let controls = iso.entries.iter().filter(|e| e.parent.is_some()).count();
    assert_eq!(controls, 93, "ISO/IEC 27001:2022 Annex A has 93 controls");
    let forms: BTreeSet<String> = registry
        .resolve(&"mhlw-cyber-checklist@R7".parse().unwrap())
        .unwrap()
        .as_reference()
        .unwrap()
        .entries
        .iter()
        .filter_map(|e| e.form.clone())
        .collect();
    assert_eq!(
        forms,
        ["hospital", "pharmacy", "vendor"].map(String::from).into()
    );
    insta::assert_yaml_snapshot!("builtin-catalogs", counts);
}

/// Issue 11 item 5: the R7 vendor form carries 1-① and 2-①…⑬ (no pseudo-line), the
/// operational-rules lines have a stable id (the old one still found) and no known number, R7
/// says R8 supersedes it; R8 has two forms, every line unnumbered, and its evidenced lines.
#[test]
fn the_mhlw_checklist_editions_r7_and_r8() {
    let registry = Registry::builtin().unwrap();
    let edition = |rev: &str| {
        registry
            .resolve(&format!("mhlw-cyber-checklist@{rev}").parse().unwrap())
            .unwrap()
    };
    let (r7, r8) = (edition("R7"), edition("R8"));
    assert_eq!(
        registry
            .resolve(&"mhlw-cyber-checklist".parse().unwrap())
            .unwrap()
            .key(),
        "mhlw-cyber-checklist@R8",
        "R8 is the newest edition"
    );
    assert_eq!(
        r7.header.superseded_by.as_ref().map(ToString::to_string),
        Some("mhlw-cyber-checklist@R8".to_owned())
    );
    assert_eq!(r8.header.superseded_by, None);
    let r7 = r7.as_reference().unwrap();
    let vendor: Vec<&str> = r7
        .entries
        .iter()
        .filter(|e| e.form.as_deref() == Some("vendor") && e.id.contains('-'))
        .map(|e| e.id.as_str())
        .collect();
    let mut want = vec!["vendor:1-①".to_owned()];
    want.extend("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬".chars().map(|c| format!("vendor:2-{c}")));
    assert_eq!(vendor, want);
    assert!(r7.entry("vendor:2-⑦/⑧").is_none(), "no pseudo-line");
    for form in ["hospital", "pharmacy"] {
        let rules = r7.entry(&format!("{form}:?-運用管理規程")).unwrap();
        assert_eq!(rules.id, format!("{form}:operational-rules"));
        assert!(rules.unnumbered);
    }
    // No R7 number is raised above D.
    assert!(
        r7.entries
            .iter()
            .filter(|e| e.id.contains('-') && e.parent.is_some())
            .all(|e| e.confidence >= Confidence::D)
    );
    let r8 = r8.as_reference().unwrap();
    let forms: BTreeSet<&str> = r8
        .entries
        .iter()
        .filter_map(|e| e.form.as_deref())
        .collect();
    assert_eq!(forms, ["facility", "vendor"].into());
    assert_eq!(r8.form_for_facility("hospital").unwrap().id, "facility");
    assert_eq!(r8.form_for_facility("pharmacy").unwrap().id, "facility");
    assert_eq!(r7.form_for_facility("pharmacy").unwrap().id, "pharmacy");
    let lines: Vec<&kaiji_catalog::Entry> =
        r8.entries.iter().filter(|e| e.parent.is_some()).collect();
    assert!(lines.iter().all(|e| e.unnumbered), "R8 numbers are unknown");
    assert!(
        lines.iter().all(|e| e.confidence >= Confidence::I),
        "nothing in R8 is V or D"
    );
    let evidenced: Vec<&str> = lines
        .iter()
        .filter(|e| e.evidence.is_some())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        evidenced,
        ["facility:remote-maintenance", "facility:disclosure"]
    );
}

#[test]
fn a_command_can_load_only_the_kinds_it_needs() {
    let registry = Registry::builtin_of(&[Kind::Checklist]).unwrap();
    assert!(
        registry
            .catalogs()
            .iter()
            .all(|c| c.kind() == Kind::Checklist)
    );
    assert_eq!(registry.catalogs().len(), 3);
}

#[test]
fn resolve_by_revision_version_or_newest() {
    let registry = Registry::builtin().unwrap();
    let key = |s: &str| registry.resolve(&s.parse().unwrap()).map(|c| c.key());
    assert_eq!(
        key("jahis-mds-sds@5.0h").as_deref(),
        Some("jahis-mds-sds@5.0h")
    );
    assert_eq!(
        key("jahis-mds-sds@5.0").as_deref(),
        Some("jahis-mds-sds@5.0h")
    );
    assert_eq!(key("jahis-mds-sds").as_deref(), Some("jahis-mds-sds@5.0h"));
    assert_eq!(
        key("jahis-mds-sds@4.1").as_deref(),
        Some("jahis-mds-sds@4.1")
    );
    assert_eq!(key("jahis-mds-sds@3.0"), None);
    let old = registry
        .resolve(&"jahis-mds-sds@4.1".parse().unwrap())
        .unwrap();
    assert_eq!(
        registry.newer_revision(old).map(|c| c.key()).as_deref(),
        Some("jahis-mds-sds@5.0h")
    );
}

#[test]
fn item_view_joins_mappings_and_overlay() {
    let registry = Registry::builtin().unwrap();
    let catalog = registry
        .resolve(&"jahis-mds-sds@5.0h".parse().unwrap())
        .unwrap();
    let view = registry.item_view(catalog, "SDS-C13-01").unwrap();
    assert!(!view.refs_to("mhlw-gl").is_empty());
    let rss = view.rss.unwrap();
    assert!(rss.relevant && rss.communication_method);
    // Every 5.0h item came from somewhere or is new: the migration mapping names it.
    for item in catalog.as_checklist().unwrap().items() {
        let view = registry.item_view(catalog, item.id.as_str()).unwrap();
        assert!(
            view.links
                .iter()
                .any(|l| !l.outgoing && l.mapping.header.id == "jahis-mds-sds-4.1-5.0h"),
            "{} has no migration entry",
            item.id
        );
    }
}

#[test]
fn broken_catalogs_are_reported_in_full() {
    let mut registry = Registry::builtin().unwrap();
    for (name, yaml) in [
        (
            "broken-checklist.yaml",
            include_str!("fixtures/broken-checklist.yaml"),
        ),
        (
            "small-checklist.yaml",
            include_str!("fixtures/small-checklist.yaml"),
        ),
        (
            "broken-mapping.yaml",
            include_str!("fixtures/broken-mapping.yaml"),
        ),
    ] {
        registry.add(parse(name, yaml).unwrap()).unwrap();
    }
    let only = ["broken@1".to_owned(), "broken-map@1".to_owned()];
    let issues = check(&registry, Some(&only));
    let lines: Vec<String> = issues
        .iter()
        .map(|i| format!("{} {}: {}", i.origin, i.place, i.message.en))
        .collect();
    insta::assert_yaml_snapshot!("broken-catalogs", lines);
    assert!(lines.iter().any(|l| l.contains("item B-1 occurs 2 times")));
    assert!(lines.iter().any(|l| l.contains("form sds is not a form")));
    assert!(lines.iter().any(|l| l.contains("unknown item B-404")));
    assert!(lines.iter().any(|l| l.contains("NOPE-1 is not in")));
    assert!(lines.iter().any(|l| l.contains("missing from the mapping")));
}

#[test]
fn a_catalog_cannot_be_loaded_twice() {
    let mut registry = Registry::builtin().unwrap();
    let (name, _, _) = BUILTIN[0];
    let yaml = &std::fs::read_to_string(format!(
        "{}/../../catalogs/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let err = registry
        .add(parse(&format!("builtin:{name}"), yaml).unwrap())
        .unwrap_err();
    assert!(
        matches!(err, kaiji_catalog::Error::Duplicate { .. }),
        "{err:?}"
    );
    // A user's file with the same id@revision replaces the shipped one; a second one is refused.
    registry.add(parse("mine.yaml", yaml).unwrap()).unwrap();
    let key = parse("x", yaml).unwrap().key();
    let origin = &registry.resolve(&key.parse().unwrap()).unwrap().origin;
    assert_eq!(origin, "mine.yaml");
    assert!(registry.add(parse("again.yaml", yaml).unwrap()).is_err());
}

#[test]
fn gl_entries_read_with_an_english_part_name_in_english() {
    let registry = Registry::builtin().unwrap();
    let gl = registry
        .resolve(&"mhlw-gl@6.0".parse().unwrap())
        .unwrap()
        .as_reference()
        .unwrap();
    // Every part has a name, in Japanese its own id, and an English one.
    let parts: Vec<_> = gl.entries.iter().filter(|e| e.parent.is_none()).collect();
    assert_eq!(parts.len(), 4);
    for part in parts {
        let name = part.name.as_ref().expect("a part has a name");
        assert_eq!(name.ja, part.id);
        assert!(name.en.is_ascii() && name.en.ends_with(" part"), "{name:?}");
    }
    let t = gl.id_text("システム運用編 13⑪");
    assert_eq!(
        (t.ja.as_str(), t.en.as_str()),
        ("システム運用編 13⑪", "Control part 13⑪")
    );
    assert_eq!(gl.id_text("経営管理編").en, "Governance part");
    // Only a whole part name is replaced; unknown ids stay as they are.
    assert_eq!(gl.id_text("システム運用編X 1").en, "システム運用編X 1");
}

#[test]
fn gl_7_has_five_parts_the_maintenance_part_and_a_chapter_map_from_6() {
    let registry = Registry::builtin().unwrap();
    let reference = |key: &str| {
        registry
            .resolve(&key.parse().unwrap())
            .unwrap()
            .as_reference()
            .unwrap()
    };
    let (gl6, gl7) = (reference("mhlw-gl@6.0"), reference("mhlw-gl@7.0"));
    // A bare id names the newest edition.
    assert_eq!(
        registry.resolve(&"mhlw-gl".parse().unwrap()).unwrap().key(),
        "mhlw-gl@7.0"
    );
    let parts: Vec<&str> = gl7
        .entries
        .iter()
        .filter(|e| e.parent.is_none())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        parts,
        [
            "概説編",
            "経営管理編",
            "企画管理編",
            "システム運用編",
            "保守委託機関編"
        ]
    );
    for part in gl7.entries.iter().filter(|e| e.parent.is_none()) {
        let name = part.name.as_ref().expect("a part has a name");
        assert_eq!(name.ja, part.id);
        assert!(name.en.is_ascii() && name.en.ends_with(" part"), "{name:?}");
    }
    // The reported 保守委託機関編 chapters and compliance items, below their parents.
    for (id, parent) in [
        ("保守委託機関編 9", "保守委託機関編"),
        ("保守委託機関編 9④", "保守委託機関編 9"),
        ("保守委託機関編 9⑤", "保守委託機関編 9"),
        ("保守委託機関編 10", "保守委託機関編"),
        ("保守委託機関編 別紙", "保守委託機関編"),
    ] {
        let entry = gl7.entry(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(entry.parent.as_deref(), Some(parent), "{id}");
        // Only a secondary source has them: never V.
        assert_eq!(entry.confidence, Confidence::I, "{id}");
        assert!(
            entry
                .source
                .as_deref()
                .is_some_and(|s| s.contains("001716297")),
            "{id}"
        );
    }
    // Nothing in 7.0 is marked verified: none of its PDFs was read.
    assert!(gl7.entries.iter().all(|e| e.confidence != Confidence::V));
    // Every part and chapter of 6.0 has a relation in the 6.0 → 7.0 mapping, and what is new
    // in 7.0 is accounted for too.
    let map = registry
        .catalogs()
        .iter()
        .filter_map(|c| c.as_mapping())
        .find(|m| m.from.to_string() == "mhlw-gl@6.0" && m.to.to_string() == "mhlw-gl@7.0")
        .expect("a mapping from mhlw-gl@6.0 to mhlw-gl@7.0");
    let covered = |side: fn(&MapEntry) -> &Vec<String>| -> BTreeSet<String> {
        map.entries.iter().flat_map(|e| side(e).clone()).collect()
    };
    let (from, to) = (covered(|e| &e.from), covered(|e| &e.to));
    let chapters = |gl: &Reference| -> Vec<String> {
        gl.entries
            .iter()
            .filter(|e| {
                e.parent.is_none()
                    || e.parent
                        .as_deref()
                        .is_some_and(|p| gl.entry(p).is_some_and(|p| p.parent.is_none()))
            })
            .map(|e| e.id.clone())
            .collect()
    };
    for id in chapters(gl6) {
        assert!(from.contains(&id), "GL 6.0 {id} has no relation to 7.0");
    }
    for id in chapters(gl7) {
        assert!(to.contains(&id), "GL 7.0 {id} is not in the mapping");
    }
    assert!(to.contains("保守委託機関編 9④") && to.contains("保守委託機関編 別紙"));
}

/// The GL 6.0 chapters corrected in issue 11 (fidelity review of 2026-12): システム運用編 17 is the
/// audit-trail chapter, 18 external attacks, 16 unknown; 企画管理編 13 is users' authentication and
/// rights, 14 electronic signatures, 15 the management of technical controls.
#[test]
fn gl6_chapters_carry_the_corrected_titles_and_numbers() {
    use kaiji_catalog::Confidence;
    let registry = Registry::builtin().unwrap();
    let gl = registry
        .resolve(&"mhlw-gl@6.0".parse().unwrap())
        .unwrap()
        .as_reference()
        .unwrap();
    let entry = |id: &str| {
        gl.entries
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    for (id, ja, confidence) in [
        (
            "システム運用編 17",
            "証跡のレビュー・システム監査",
            Confidence::V,
        ),
        (
            "システム運用編 18",
            "外部からの攻撃に対する安全管理措置",
            Confidence::V,
        ),
        ("企画管理編 13", "認証と権限", Confidence::V),
        ("企画管理編 14", "電子署名", Confidence::V),
        ("企画管理編 15", "技術的な安全管理対策の管理", Confidence::V),
    ] {
        let e = entry(id);
        assert!(e.title.ja.contains(ja), "{id}: {}", e.title.ja);
        assert_eq!(e.confidence, confidence, "{id}");
        assert!(
            e.source.as_deref().is_some_and(|s| s.contains("https://")),
            "{id} has no source URL"
        );
    }
    assert_eq!(entry("システム運用編 16").confidence, Confidence::U);
    assert!(!entry("システム運用編 16").title.ja.contains("証跡"));
    for id in [
        "企画管理編 13.1",
        "企画管理編 13.1.1",
        "企画管理編 13.1.2",
        "企画管理編 13.1.3",
        "企画管理編 13.2",
        "企画管理編 14.1",
        "企画管理編 14.2",
    ] {
        assert_eq!(entry(id).confidence, Confidence::V, "{id}");
    }
    // The verified compliance items are there, at V.
    for id in [
        "システム運用編 1①",
        "システム運用編 2①",
        "システム運用編 2⑤",
        "システム運用編 10④",
        "システム運用編 14①",
        "システム運用編 14④",
        "システム運用編 17①",
        "システム運用編 17④",
        "システム運用編 18①",
    ] {
        assert_eq!(entry(id).confidence, Confidence::V, "{id}");
    }
}

#[test]
fn mds_sds_5_0h_audit_trail_and_attack_items_serve_gl6_chapters_17_and_18() {
    let registry = Registry::builtin().unwrap();
    let mapping = registry
        .catalogs()
        .iter()
        .find(|c| c.header.id == "jahis-mds-sds-5.0h-gl6")
        .expect("the 5.0h→GL 6.0 mapping is shipped")
        .as_mapping()
        .unwrap();
    let targets = |section: &str| -> BTreeSet<String> {
        mapping
            .entries
            .iter()
            .filter(|e| e.from.iter().any(|f| f[4..].starts_with(section)))
            .flat_map(|e| e.to.iter().cloned())
            .collect()
    };
    assert_eq!(
        targets("C16-"),
        BTreeSet::from(["システム運用編 17".to_owned()])
    );
    assert_eq!(
        targets("C17-"),
        BTreeSet::from(["システム運用編 18".to_owned()])
    );
    for e in &mapping.entries {
        for to in &e.to {
            assert!(
                to != "システム運用編 16" && !to.starts_with("システム運用編 16"),
                "{:?} maps to システム運用編 16, whose title is unknown",
                e.from
            );
        }
    }
}

/// `superseded_by` must name another loaded edition of the same id; a former id (`aliases`)
/// may not clash with an id; a mapping may name an entry by its former id.
#[test]
fn superseding_editions_and_former_ids_are_checked() {
    let mut registry = Registry::builtin().unwrap();
    let header = |rev: &str, extra: &str| {
        format!(
            "id: mhlw-cyber-checklist\nkind: reference\nversion: x\nrevision: {rev}\ntitle: {{ja: t, en: t}}\npublisher: p\nsource: s\nconfidence: U\n{extra}"
        )
    };
    let bad = header(
        "R6-local",
        "superseded_by: mhlw-cyber-checklist@R99\nentries:\n  - {id: a, title: {ja: a, en: a}, confidence: U, aliases: [b]}\n  - {id: b, title: {ja: b, en: b}, confidence: U}\n",
    );
    registry.add(parse("bad.yaml", &bad).unwrap()).unwrap();
    let other = "id: other\nkind: reference\nversion: '1'\nrevision: '1'\ntitle: {ja: t, en: t}\npublisher: p\nsource: s\nconfidence: U\nsuperseded_by: mhlw-gl@7.0\nentries: []\n";
    registry.add(parse("other.yaml", other).unwrap()).unwrap();
    let map = "id: m\nkind: mapping\nversion: '1'\nrevision: '1'\ntitle: {ja: t, en: t}\npublisher: p\nsource: s\nconfidence: U\nfrom: mhlw-cyber-checklist@R7\nto: mhlw-cyber-checklist@R8\nentries:\n  - {from: ['hospital:?-運用管理規程'], to: ['facility:operational-rules'], relation: renamed, confidence: U}\n";
    registry.add(parse("m.yaml", map).unwrap()).unwrap();
    let only = [
        "mhlw-cyber-checklist@R6-local".to_owned(),
        "other@1".to_owned(),
        "m@1".to_owned(),
    ];
    let lines: Vec<String> = check(&registry, Some(&only))
        .iter()
        .map(|i| format!("{} {} {}: {}", i.code, i.origin, i.place, i.message.en))
        .collect();
    assert_eq!(
        lines,
        [
            "unknown-catalog bad.yaml superseded_by: the superseding catalog mhlw-cyber-checklist@R99 is not loaded",
            "duplicate-id bad.yaml b: entry b occurs 2 times",
            "unknown-catalog other.yaml superseded_by: mhlw-gl@7.0 is not another edition of the same id",
        ]
    );
}
