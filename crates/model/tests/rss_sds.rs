//! The RSS SDS generated from the example profile follows the four RSS rules, item by item, and
//! the RSS checks catch each rule broken.

use jiff::civil::date;
use kaiji_catalog::{Answer, Registry};
use kaiji_model::{
    Code,
    disclosure::validate_rss,
    rss::{ConnectMode, LineType, Party, Profile, rss_sds},
};

const EXAMPLE: &str = include_str!("../../../examples/rss/pacs-remote-service.yaml");

fn generate(p: &Profile) -> kaiji_model::rss::RssSds {
    let registry = Registry::builtin().unwrap();
    let catalog = registry
        .resolve(&"jahis-mds-sds@5.0h".parse().unwrap())
        .unwrap();
    rss_sds(p, catalog, &registry, date(2026, 11, 27)).unwrap()
}

#[test]
fn the_four_rss_rules_item_by_item() {
    let registry = Registry::builtin().unwrap();
    let profile = Profile::parse("p.yaml", EXAMPLE).unwrap();
    let sds = generate(&profile);
    let doc = &sds.document;
    // Rule 1: the service name is the remote service's name.
    assert_eq!(doc.subject.product, "SampleView リモート保守サービス");
    assert_eq!(
        doc.subject.organisation,
        "株式会社サンプルメディカルイメージング"
    );
    let catalog = registry
        .resolve(&"jahis-mds-sds@5.0h".parse().unwrap())
        .unwrap();
    let overlay = registry.overlay_for(catalog).unwrap().as_overlay().unwrap();
    let (mut unrelated, mut relevant) = (0, 0);
    for (id, entry) in &doc.answers {
        let mark = overlay.item(id).filter(|m| m.rss_relevant);
        match mark {
            // Rule 2: everything unrelated is 該当なし, with no remark invented.
            None => {
                unrelated += 1;
                assert_eq!(entry.answer, Some(Answer::Na), "{id}");
                assert!(entry.remark.is_empty(), "{id}");
            }
            Some(m) if m.communication_method => {
                // Rule 4: answered from the profile, the remark says what applies.
                assert!(entry.answer.is_some(), "{id}");
                assert!(
                    entry
                        .remark
                        .contains("回線: インターネットVPN / VPN: IPsec / 接続: オンデマンド"),
                    "{id}: {}",
                    entry.remark
                );
            }
            Some(_) => {
                relevant += 1;
                // Rule 3: left for the vendor to answer, with the RSC's controls as the remark.
                assert_eq!(entry.answer, None, "{id}");
                assert!(sds.to_answer.contains(id), "{id}");
            }
        }
    }
    assert!(
        unrelated >= 5 && relevant > 10,
        "{unrelated} unrelated, {relevant} relevant"
    );
    let remark = |id: &str| doc.answers[id].remark.as_str();
    assert!(remark("SDS-C10-01").contains("保守端末は RSC 内の専用端末に限り"));
    assert!(remark("SDS-C14-01").contains("保守員ごとに専用アカウントを発行"));
    assert!(remark("SDS-C12-01").is_empty() || remark("SDS-C12-01").contains("入室"));
    let answer = |d: &kaiji_model::Disclosure, id: &str| d.answers[id].answer;
    for id in [
        "SDS-C13-01",
        "SDS-C13-02",
        "SDS-C13-03",
        "SDS-C13-04",
        "SDS-C13-05",
    ] {
        assert_eq!(answer(doc, id), Some(Answer::Yes), "{id}");
    }
    // The generated document breaks no RSS rule.
    assert_eq!(validate_rss(doc, &registry), []);

    // A contrasting service: always on, started by the vendor, over a closed network.
    let mut other = profile;
    other.connection.mode = ConnectMode::AlwaysOn;
    other.connection.initiated_by = Party::Vendor;
    other.connection.line = LineType::ClosedNetwork;
    let other = generate(&other).document;
    assert_eq!(answer(&other, "SDS-C13-04"), Some(Answer::No));
    assert_eq!(answer(&other, "SDS-C13-05"), Some(Answer::No));
    assert_eq!(
        answer(&other, "SDS-C13-03"),
        Some(Answer::Na),
        "no internet VPN"
    );
    assert_eq!(answer(&other, "SDS-C13-02"), Some(Answer::Yes));
}

#[test]
fn each_rss_rule_broken_is_found() {
    let registry = Registry::builtin().unwrap();
    let profile = Profile::parse("p.yaml", EXAMPLE).unwrap();
    let mut doc = generate(&profile).document;
    let set = |doc: &mut kaiji_model::Disclosure, id: &str, a: Option<Answer>, remark: &str| {
        let e = doc.answers.get_mut(id).unwrap();
        e.answer = a;
        e.remark = remark.into();
    };
    set(&mut doc, "SDS-C10-01", Some(Answer::Na), "");
    set(&mut doc, "SDS-C10-02", Some(Answer::Yes), "");
    set(&mut doc, "SDS-C13-04", None, "");
    let unrelated = doc
        .answers
        .iter()
        .find(|(_, e)| e.answer == Some(Answer::Na) && e.remark.is_empty())
        .map(|(id, _)| id.clone())
        .filter(|id| id != "SDS-C10-01")
        .unwrap();
    set(&mut doc, &unrelated, Some(Answer::Yes), "");
    let mut found: Vec<(Code, String)> = validate_rss(&doc, &registry)
        .into_iter()
        .map(|f| (f.code, f.item.unwrap()))
        .collect();
    found.sort();
    let mut expected = vec![
        (Code::RssRelevantNa, "SDS-C10-01".to_owned()),
        (Code::RssRemarkWithoutControl, "SDS-C10-02".to_owned()),
        (Code::RssCommunicationMethod, "SDS-C13-04".to_owned()),
        (Code::RssUnrelatedAnswered, unrelated),
    ];
    expected.sort();
    assert_eq!(found, expected);
}
