//! The remote service profile and the risk register: parsing errors, the facts a profile gives,
//! threat selection for two contrasting services, values under both formulas.

use jiff::civil::date;
use kaiji_model::rss::{
    ConnectMode, Formula, Profile, RiskSettings, Treatment, VpnType, register, threats, value,
};

const EXAMPLE: &str = include_str!("../../../examples/rss/pacs-remote-service.yaml");
/// The shipped threat catalogue as a file, to mangle.
const THREATS_YAML: &str = include_str!("../../../catalogs/threats-rss.yaml");

fn example() -> Profile {
    Profile::parse("pacs-remote-service.yaml", EXAMPLE).unwrap()
}

/// The contrasting service: an always-on SSL-VPN without MFA, shared accounts, unreviewed logs,
/// a router past its support end.
fn risky() -> Profile {
    let mut p = example();
    p.connection.vpn = VpnType::Ssl;
    p.connection.mode = ConnectMode::AlwaysOn;
    p.connection.authentication.mfa = false;
    p.accounts.shared = true;
    p.logging.reviewed = kaiji_model::rss::ReviewCadence::Never;
    p.devices[0].support_end = Some("2025-09-30".parse().unwrap());
    p
}

fn ids(p: &Profile) -> Vec<String> {
    let all = threats().unwrap();
    register(p, &all, RiskSettings::default(), date(2026, 11, 27))
        .risks
        .iter()
        .map(|r| r.threat.id.clone())
        .collect()
}

#[test]
fn the_shipped_catalogue_has_enough_threats_with_known_controls() {
    let all = threats().unwrap();
    assert!(all.len() >= 25, "{}", all.len());
    let registry = kaiji_catalog::Registry::builtin().unwrap();
    let iso = registry
        .resolve(&"iso27001-annex-a".parse().unwrap())
        .unwrap();
    for t in &all {
        for c in &t.controls {
            assert!(
                iso.has_entry(c),
                "{}: Annex A {c} is not in the catalogue",
                t.id
            );
        }
    }
}

/// `kaiji catalog check`'s domain half: every problem of a user's threat catalogue that replaced
/// the shipped one, each with its place; the shipped catalogues and policies are clean.
#[test]
fn the_data_check_finds_every_problem_of_a_threat_catalogue() {
    let mut registry = kaiji_catalog::Registry::builtin().unwrap();
    assert_eq!(
        kaiji_model::data::check(&registry, None, date(2026, 11, 27)).unwrap(),
        []
    );
    let yaml = THREATS_YAML
        .replacen(
            r#"controls: ["8.8", "5.22", "8.20"]"#,
            r#"controls: ["8.8", "9.99"]"#,
            1,
        )
        .replacen("response: avoid", "response: accept", 1)
        .replacen("weakness: 2", "weakness: 4", 1)
        .replacen(r#"controls: ["8.8", "5.22", "8.32"]"#, "controls: []", 1);
    registry
        .add(kaiji_catalog::parse("mine.yaml", &yaml).unwrap())
        .unwrap();
    assert_eq!(registry.of_kind(kaiji_catalog::Kind::Threats).count(), 1);
    let found: Vec<(String, String, String, String)> =
        kaiji_model::data::check(&registry, None, date(2026, 11, 27))
            .unwrap()
            .into_iter()
            .map(|f| {
                (
                    f.origin,
                    f.catalog,
                    f.finding.code.to_string(),
                    f.finding.location.to_string(),
                )
            })
            .collect();
    let expected = [
        ("threat-bad-response", "/threats/0/response"),
        ("threat-unknown-control", "/threats/0/controls/1"),
        ("threat-bad-scale", "/threats/1/weakness"),
        ("threat-no-control", "/threats/2/controls"),
    ]
    .map(|(c, l)| {
        (
            "mine.yaml".into(),
            "rss-threats@1".into(),
            c.into(),
            l.into(),
        )
    });
    assert_eq!(found, expected);
    // The register does not use a catalogue with such problems.
    let e = kaiji_model::rss::threats_in(&registry)
        .unwrap_err()
        .message(kaiji_catalog::Lang::En);
    assert!(
        e.starts_with("mine.yaml: threats[0] (RSS-T01)") && e.contains("not accept"),
        "{e}"
    );
    // Every problem of the catalogue, one a line.
    assert_eq!(e.lines().count(), 3, "{e}");
}

#[test]
fn threats_follow_the_profile() {
    let calm = ids(&example());
    let risky_ids = ids(&risky());
    // Only the risky service gets these.
    for id in [
        "RSS-T01", "RSS-T04", "RSS-T05", "RSS-T06", "RSS-T11", "RSS-T18",
    ] {
        assert!(
            risky_ids.contains(&id.to_owned()),
            "{id} missing for the risky profile"
        );
        assert!(
            !calm.contains(&id.to_owned()),
            "{id} should not apply to the on-demand IPsec service"
        );
    }
    // Both get the threats that always apply, and the internet-VPN ones.
    for id in ["RSS-T03", "RSS-T07", "RSS-T14", "RSS-T19", "RSS-T23"] {
        assert!(
            calm.contains(&id.to_owned()) && risky_ids.contains(&id.to_owned()),
            "{id}"
        );
    }
    let facts = risky().facts(date(2026, 11, 27));
    for f in [
        "vpn:ssl",
        "mode:always-on",
        "mfa:no",
        "accounts:shared",
        "logs:never-reviewed",
        "device:past-support",
    ] {
        assert!(facts.contains(f), "{f}");
    }
}

#[test]
fn values_under_both_formulas() {
    let all = threats().unwrap();
    let t01 = all.iter().find(|t| t.id == "RSS-T01").unwrap();
    // max(C,I,A) 3 × threat 3 × weakness 3; residual with weakness 1.
    assert_eq!(value(t01, Formula::AssetThreatVulnerability), (27, 9));
    // impact 5 × likelihood 5; residual with likelihood 1.
    assert_eq!(value(t01, Formula::ImpactLikelihood), (25, 5));
    let t12 = all.iter().find(|t| t.id == "RSS-T12").unwrap();
    assert_eq!(value(t12, Formula::AssetThreatVulnerability), (12, 6));
    assert_eq!(value(t12, Formula::ImpactLikelihood), (9, 3));

    let reg = register(&risky(), &all, RiskSettings::default(), date(2026, 11, 27));
    // Above the threshold first, by value; an unsupported VPN device is avoided (replaced),
    // missing MFA reduced.
    let first = &reg.risks[0];
    assert_eq!(
        (first.threat.id.as_str(), first.value, first.treatment),
        ("RSS-T01", 27, Treatment::Avoid)
    );
    let mfa = reg.risks.iter().find(|r| r.threat.id == "RSS-T04").unwrap();
    assert_eq!(
        (mfa.value, mfa.treatment, mfa.residual),
        (27, Treatment::Reduce, 9)
    );
    let split = reg
        .risks
        .iter()
        .position(|r| r.treatment == Treatment::Accept)
        .unwrap();
    assert!(reg.risks[..split].iter().all(|r| r.value >= 18));
    assert!(
        reg.risks[split..]
            .iter()
            .all(|r| r.value < 18 && r.residual == r.value)
    );
    assert_eq!(reg.above_threshold(), split);
    let by_impact = register(
        &risky(),
        &all,
        RiskSettings {
            formula: Formula::ImpactLikelihood,
            threshold: 15,
        },
        date(2026, 11, 27),
    );
    assert!(
        by_impact
            .risks
            .iter()
            .all(|r| (r.value >= 15) == (r.treatment != Treatment::Accept))
    );
}

#[test]
fn bad_profiles_name_field_and_line() {
    let bad_enum = EXAMPLE.replace("vpn: ipsec", "vpn: wireguard");
    let e = Profile::parse("p.yaml", &bad_enum).unwrap_err().to_string();
    assert!(
        e.starts_with("p.yaml ") && e.contains("connection.vpn") && e.contains("wireguard"),
        "{e}"
    );
    let bad_date = EXAMPLE.replace("support_end: 2030-03-31", "support_end: 2030/03/31");
    let e = Profile::parse("p.yaml", &bad_date).unwrap_err().to_string();
    assert!(e.contains("devices[0]") && e.contains("2030/03/31"), "{e}");
    let negative = EXAMPLE.replace("retained_days: 365", "retained_days: -1");
    let e = Profile::parse("p.yaml", &negative).unwrap_err().to_string();
    assert!(e.contains("logging.retained_days"), "{e}");
    let accept = THREATS_YAML.replacen("response: avoid", "response: accept", 1);
    let e = kaiji_model::rss::threats_from("t.yaml", &accept)
        .unwrap_err()
        .message(kaiji_catalog::Lang::En);
    assert!(e.contains("not accept"), "{e}");
    let bad_scale = THREATS_YAML.replacen("weakness: 3", "weakness: -2", 1);
    assert!(kaiji_model::rss::threats_from("t.yaml", &bad_scale).is_err());
    let zero_scale = THREATS_YAML.replacen("weakness: 3", "weakness: 0", 1);
    let e = kaiji_model::rss::threats_from("t.yaml", &zero_scale)
        .unwrap_err()
        .message(kaiji_catalog::Lang::En);
    assert!(e.contains("out of range"), "{e}");
}

fn advisories() -> Vec<kaiji_sbom::Advisory> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/rss/advisories/"
    );
    let mut all = Vec::new();
    for f in ["kev-sample.json", "osv-sample.json"] {
        let bytes = std::fs::read(format!("{dir}{f}")).unwrap();
        all.extend(kaiji_sbom::advisory::parse(f, &bytes).unwrap());
    }
    all
}

/// A finding from an advisory says why: the range that holds the firmware, the exploitation.
#[test]
fn advisory_findings_name_the_range() {
    let found = kaiji_model::rss::check_profile(&example(), &advisories(), date(2026, 11, 27));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, kaiji_model::Severity::Error);
    let (ja, en) = (&found[0].message.ja, &found[0].message.en);
    assert!(
        en.contains("affected by KEV CVE-2099-0001 (affected >=4.0.0, <=4.2.1; used in ransomware campaigns)"),
        "{en}"
    );
    assert!(
        ja.contains(
            "KEV CVE-2099-0001 の対象です(影響範囲 >=4.0.0, <=4.2.1、ランサムウェアでの悪用あり)"
        ),
        "{ja}"
    );
    // A blank firmware version cannot be compared: a warning that says so, not silence.
    let mut blank = example();
    blank.devices[0].firmware = " ".into();
    let found = kaiji_model::rss::check_profile(&blank, &advisories(), date(2026, 11, 27));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, kaiji_model::Severity::Warning);
    assert!(
        found[0].message.en.contains("firmware version is blank"),
        "{:?}",
        found[0].message
    );
}

fn codes(p: &Profile) -> Vec<(kaiji_model::Code, String)> {
    kaiji_model::rss::check_profile(p, &advisories(), date(2026, 11, 27))
        .into_iter()
        .map(|f| (f.code, f.location.pointer.unwrap_or_default()))
        .collect()
}

#[test]
fn connection_points_are_checked_against_support_ends_and_advisories() {
    use kaiji_model::Code;
    // The example router runs 4.2.1, inside the KEV range 4.0.0 through 4.2.1.
    assert_eq!(
        codes(&example()),
        [(Code::RssKnownVulnerable, "/devices/0/firmware".to_owned())]
    );
    let mut patched = example();
    patched.devices[0].firmware = "4.2.2".into();
    assert_eq!(codes(&patched), [], "4.2.2 is outside the advisory range");
    // The risky service: every connection check fires; its router is also past support end.
    let got = codes(&risky());
    for expected in [
        (Code::RssNoMfa, "/connection/authentication/mfa"),
        (Code::RssAlwaysOn, "/connection/mode"),
        (Code::RssSharedAccounts, "/accounts/shared"),
        (Code::RssLogsUnreviewed, "/logging/reviewed"),
        (Code::RssDeviceUnsupported, "/devices/0/support_end"),
        (Code::RssKnownVulnerable, "/devices/0/firmware"),
    ] {
        assert!(
            got.contains(&(expected.0, expected.1.to_owned())),
            "{expected:?} in {got:?}"
        );
    }
    // OSV ranges, and a KEV entry without versions (a warning), on other devices.
    let mut other = example();
    other.devices[0].maker = "Example Gateways".into();
    other.devices[0].model = "EG-RemoteGate".into();
    other.devices[0].firmware = "9.0.3".into();
    let found = kaiji_model::rss::check_profile(&other, &advisories(), date(2026, 11, 27));
    let ids: Vec<&str> = found.iter().map(|f| f.message.en.as_str()).collect();
    assert_eq!(found.len(), 2, "{ids:?}");
    assert!(
        ids[0].contains("CVE-2099-0002") && ids[1].contains("KAIJI-SAMPLE-2026-0001"),
        "{ids:?}"
    );
    other.devices[0].model = "EG-Mini".into();
    let found = kaiji_model::rss::check_profile(&other, &advisories(), date(2026, 11, 27));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, kaiji_model::Severity::Warning);
    other.devices[0].support_end = None;
    other.logging.collected = false;
    let got = codes(&other);
    assert!(got.contains(&(
        Code::RssDeviceSupportUnknown,
        "/devices/0/support_end".to_owned()
    )));
    assert!(got.contains(&(Code::RssLogsUnreviewed, "/logging/collected".to_owned())));
}

proptest::proptest! {
    /// A span of the example profile cut or overwritten: an error naming the file, or a profile
    /// whose facts, register, checks and RSS SDS all compute.
    #[test]
    fn mangled_profiles_never_panic(
        start in 0usize..2500,
        len in 0usize..60,
        insert in proptest::prop_oneof![
            proptest::strategy::Just(String::new()),
            "[\\-:{}\\[\\] a-z0-9\n]{0,20}",
            "\\PC{0,30}",
        ],
    ) {
        let start = (0..=start.min(EXAMPLE.len())).rev().find(|i| EXAMPLE.is_char_boundary(*i)).unwrap_or(0);
        let mut end = (start + len).min(EXAMPLE.len());
        while !EXAMPLE.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{}{}", &EXAMPLE[..start], insert, &EXAMPLE[end..]);
        match Profile::parse("p.yaml", &text) {
            Ok(p) => {
                let all = threats().unwrap();
                let reg = register(&p, &all, RiskSettings::default(), date(2026, 11, 27));
                proptest::prop_assert!(reg.risks.iter().all(|r| r.residual <= r.value));
                let _ = kaiji_model::rss::check_profile(&p, &advisories(), date(2026, 11, 27));
                let registry = kaiji_catalog::Registry::builtin().unwrap();
                let catalog = registry.resolve(&"jahis-mds-sds@5.0h".parse().unwrap()).unwrap();
                let sds = kaiji_model::rss::rss_sds(&p, catalog, &registry, date(2026, 11, 27)).unwrap();
                proptest::prop_assert!(kaiji_model::disclosure::validate_rss(&sds.document, &registry).is_empty());
            }
            Err(e) => proptest::prop_assert!(e.to_string().starts_with("p.yaml")),
        }
    }
}

#[test]
fn the_sla_uses_the_terms_and_reports_what_is_missing() {
    let terms_yaml = include_str!("../../../examples/rss/sla-terms.yaml");
    let terms = kaiji_model::rss::Terms::parse("t.yaml", terms_yaml).unwrap();
    let reg = register(
        &example(),
        &threats().unwrap(),
        RiskSettings::default(),
        date(2026, 11, 27),
    );
    let sla = kaiji_model::rss::sla(&example(), &terms, &reg);
    assert_eq!(sla.missing, ["period"]);
    let text: Vec<&str> = sla
        .sections
        .iter()
        .flat_map(|s| &s.clauses)
        .map(|c| c.ja.as_str())
        .collect();
    let all = text.join("\n");
    assert!(all.contains("30 分以内に初動対応") && all.contains("8 時間以内の復旧"));
    assert!(all.contains("緊急の修正を 14 日以内、その他の更新を 90 日以内"));
    assert!(
        all.contains("契約期間: (未定:要合意)"),
        "a missing term is never invented"
    );
    assert!(all.contains("事後の承認は障害対応と緊急の修正に限る"));
    assert_eq!(sla.sections.len(), 9);
    // One responsibility row per risk, drawn from its owner.
    assert_eq!(sla.raci.len(), reg.risks.len());
    for (row, risk) in sla.raci.iter().zip(&reg.risks) {
        let expected = match risk.threat.owner {
            kaiji_model::rss::Party::Vendor => ("R/A", "I"),
            kaiji_model::rss::Party::Hospital => ("C", "R/A"),
            kaiji_model::rss::Party::Both => ("R", "A"),
        };
        assert_eq!((row.vendor, row.hospital), expected);
    }
    // Without terms every term is missing, and nothing is made up.
    let bare = kaiji_model::rss::sla(&example(), &kaiji_model::rss::Terms::default(), &reg);
    assert_eq!(bare.missing.len(), 9);
    let e = kaiji_model::rss::Terms::parse("t.yaml", "restore_hours: -3\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("restore_hours"), "{e}");
}

const KEV: &str = include_str!("../../../examples/rss/advisories/kev-sample.json");
const TERMS: &str = include_str!("../../../examples/rss/sla-terms.yaml");

/// Cuts `len` bytes from `start` of `text` (at character boundaries) and puts `insert` there.
fn mangle(text: &str, start: usize, len: usize, insert: &str) -> String {
    let start = (0..=start.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{}{}", &text[..start], insert, &text[end..])
}

proptest::proptest! {
    /// Advisory files cut or overwritten anywhere: an error naming the file, or advisories the
    /// connection checks use.
    #[test]
    fn mangled_advisories_never_panic(
        start in 0usize..3000,
        len in 0usize..40,
        insert in proptest::prop_oneof![
            proptest::strategy::Just(String::new()),
            "[\\[\\]{}\",:0-9a-z. ]{0,20}",
        ],
    ) {
        let text = mangle(KEV, start, len, &insert);
        match kaiji_sbom::advisory::parse("kev.json", text.as_bytes()) {
            Ok(all) => {
                let _ = kaiji_model::rss::check_profile(&example(), &all, date(2026, 11, 27));
            }
            Err(e) => proptest::prop_assert!(e.to_string().starts_with("kev.json")),
        }
    }

    /// SLA terms cut or overwritten: an error naming the file, or an SLA that lists exactly the
    /// terms it does not have.
    #[test]
    fn mangled_terms_never_panic(
        start in 0usize..800,
        len in 0usize..40,
        insert in proptest::prop_oneof![
            proptest::strategy::Just(String::new()),
            "[\\-:{} a-z0-9\n]{0,20}",
        ],
    ) {
        let text = mangle(TERMS, start, len, &insert);
        match kaiji_model::rss::Terms::parse("t.yaml", &text) {
            Ok(terms) => {
                let reg = register(&example(), &threats().unwrap(), RiskSettings::default(), date(2026, 11, 27));
                let sla = kaiji_model::rss::sla(&example(), &terms, &reg);
                proptest::prop_assert_eq!(sla.missing.contains(&"restore_hours"), terms.restore_hours.is_none());
            }
            Err(e) => proptest::prop_assert!(e.to_string().starts_with("t.yaml")),
        }
    }
}

#[test]
fn a_threshold_off_the_scale_is_warned_about() {
    let at = |formula: Formula, threshold| RiskSettings { formula, threshold }.threshold_warning();
    for formula in [Formula::AssetThreatVulnerability, Formula::ImpactLikelihood] {
        assert_eq!(at(formula, formula.default_threshold()), None);
        assert_eq!(at(formula, 1), None);
        assert_eq!(at(formula, formula.max()), None);
        let above = at(formula, formula.max() + 1).expect("above the scale");
        assert!(above.en.contains("no risk can reach it"), "{above:?}");
        assert!(above.ja.contains(&formula.max().to_string()), "{above:?}");
        let below = at(formula, 0).expect("below the scale");
        assert!(below.en.contains("none is accepted"), "{below:?}");
    }
    // And it is true: above the scale every risk of the register is accepted.
    let settings = RiskSettings {
        formula: Formula::AssetThreatVulnerability,
        threshold: 999,
    };
    let reg = register(&risky(), &threats().unwrap(), settings, date(2026, 11, 27));
    assert!(!reg.risks.is_empty());
    assert_eq!(reg.above_threshold(), 0);
}

#[test]
fn an_end_of_support_decades_ahead_is_a_warning() {
    let mut p = example();
    p.devices[0].support_end = Some("9999-12-31".parse().unwrap());
    let found = codes(&p);
    assert!(
        found.contains(&(
            kaiji_model::Code::FutureDate,
            "/devices/0/support_end".to_owned()
        )),
        "{found:?}"
    );
    // The example's 2030-03-31 is a plan, not a placeholder.
    assert!(
        !codes(&example())
            .iter()
            .any(|(c, _)| *c == kaiji_model::Code::FutureDate)
    );
}
