//! The GL 7.0 保守委託機関編【別紙】 check on the examples (issue 11 acceptance): a vendor answering
//! はい/該当なし to every line passes; one with two いいえ gets exactly those two lines; a risk
//! record covering one leaves the other; an expired review date is a finding. And the risk
//! record: its parser (positions, scales, template), its values (the RSS register's formulas),
//! and every `betsushi-*` code.

use std::sync::LazyLock;

use kaiji_catalog::{Confidence, Registry};
use kaiji_model::betsushi::{self, Input, LineAnswer, Outcome, RecordInput, RiskRecord, Verdict};
use kaiji_model::rss::risk::{Formula, Scores};
use kaiji_model::{Code, Disclosure, Error, Severity};
use proptest::prelude::*;
use strum::IntoEnumIterator;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::builtin().unwrap());

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/betsushi");
const TODAY: jiff::civil::Date = jiff::civil::date(2026, 12, 1);

fn example(name: &str) -> Disclosure {
    Disclosure::from_json(&std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()).unwrap()
}

fn example_record() -> RiskRecord {
    let text = std::fs::read_to_string(format!("{DIR}/risk-record.yaml")).unwrap();
    RiskRecord::parse("risk-record.yaml", &text).unwrap()
}

fn run(docs: &[&Disclosure], record: Option<&RiskRecord>, today: jiff::civil::Date) -> Outcome {
    let inputs: Vec<Input<'_>> = docs
        .iter()
        .map(|document| Input {
            file: "doc.kaiji.json",
            document,
        })
        .collect();
    betsushi::check(
        &REGISTRY,
        &inputs,
        record.map(|record| RecordInput {
            file: "risk-record.yaml",
            record,
        }),
        today,
    )
    .unwrap()
}

fn codes(outcome: &Outcome) -> Vec<(Code, String)> {
    outcome
        .all_findings()
        .map(|f| (f.code, f.item.clone().unwrap_or_default()))
        .collect()
}

fn unassessed(outcome: &Outcome) -> Vec<String> {
    outcome
        .all_findings()
        .filter(|f| f.code == Code::BetsushiUnassessed)
        .filter_map(|f| f.item.clone())
        .collect()
}

#[test]
fn the_betsushi_has_41_mds_and_58_sds_lines_each_answered_or_marked() {
    let catalog = betsushi::betsushi_catalog(&REGISTRY).unwrap();
    let lines = catalog.as_checklist().unwrap();
    let count = |form| lines.items_for(form).count();
    assert_eq!(
        (
            count(kaiji_catalog::Form::Mds),
            count(kaiji_catalog::Form::Sds)
        ),
        (41, 58)
    );
    // Every line says how sure it is and where it comes from; none claims to be verified.
    for item in lines.items() {
        assert!(
            item.source.as_deref().is_some_and(|s| !s.is_empty()),
            "{}",
            item.id
        );
        assert!(
            matches!(item.confidence, Confidence::I | Confidence::U),
            "{}",
            item.id
        );
    }
    assert!(kaiji_catalog::check(&REGISTRY, None).is_empty());
}

#[test]
fn a_vendor_answering_yes_or_na_everywhere_passes() {
    let doc = example("pacs-mds-9.3.kaiji.json");
    let outcome = run(&[&doc], None, TODAY);
    let d = &outcome.disclosures[0];
    assert_eq!(d.verdict, Verdict::AllYesOrNa);
    assert_eq!(d.lines.len(), 41);
    assert!(d.needs_assessment.is_empty() && d.no_item.is_empty());
    assert!(
        d.lines
            .iter()
            .all(|l| matches!(l.answer, LineAnswer::Yes | LineAnswer::Na))
    );
    assert_eq!(codes(&outcome), []);
}

#[test]
fn two_noes_need_exactly_two_assessments_and_a_record_leaves_one() {
    let doc = example("cloud-share-sds.kaiji.json");
    let outcome = run(&[&doc], None, TODAY);
    let d = &outcome.disclosures[0];
    assert_eq!(d.verdict, Verdict::NeedsAssessment);
    assert_eq!(d.lines.len(), 58);
    assert_eq!(d.needs_assessment, ["BS-SDS-13", "BS-SDS-26"]);
    assert_eq!(unassessed(&outcome), ["BS-SDS-13", "BS-SDS-26"]);
    let by_line = |id: &str| d.lines.iter().find(|l| l.line == id).unwrap();
    assert_eq!(by_line("BS-SDS-13").items, ["SDS-C07-02"]);
    assert_eq!(by_line("BS-SDS-26").answer, LineAnswer::No);
    // The three lines no 5.0h item answers are shown, as warnings, not as assessments.
    assert_eq!(d.no_item, ["BS-SDS-56", "BS-SDS-57", "BS-SDS-58"]);
    assert!(
        d.findings
            .iter()
            .filter(|f| f.code == Code::BetsushiNoItem)
            .all(|f| f.severity == Severity::Warning)
    );

    let record = example_record();
    let covered = run(&[&doc], Some(&record), TODAY);
    assert_eq!(unassessed(&covered), ["BS-SDS-26"]);
    let assessed = covered.disclosures[0]
        .lines
        .iter()
        .find(|l| l.line == "BS-SDS-13")
        .and_then(|l| l.assessment.as_ref())
        .unwrap();
    // impact 3 × likelihood 2, the RSS register's impact-likelihood formula.
    assert_eq!((assessed.value, assessed.residual), (6, 3));
    assert!(!assessed.above_threshold && !assessed.review_expired);
    assert!(
        codes(&covered)
            .iter()
            .all(|(c, _)| matches!(c, Code::BetsushiUnassessed | Code::BetsushiNoItem))
    );
}

#[test]
fn an_expired_review_date_is_a_finding() {
    let doc = example("cloud-share-sds.kaiji.json");
    let record = example_record();
    let late = run(&[&doc], Some(&record), jiff::civil::date(2027, 7, 1));
    let expired: Vec<_> = late
        .all_findings()
        .filter(|f| f.code == Code::BetsushiReviewExpired)
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].severity, Severity::Error);
    assert_eq!(expired[0].item.as_deref(), Some("BS-SDS-13"));
    assert_eq!(
        expired[0].location.to_string(),
        "risk-record.yaml: /assessments/0/review"
    );
    // A review date decades ahead is a placeholder, not a plan: future-date.
    let never = RiskRecord::parse(
        "r.yaml",
        &std::fs::read_to_string(format!("{DIR}/risk-record.yaml"))
            .unwrap()
            .replace("review: 2027-06-30", "review: 9999-12-31"),
    )
    .unwrap();
    let far = run(&[&doc], Some(&never), TODAY);
    assert!(
        codes(&far)
            .iter()
            .any(|(c, l)| *c == Code::FutureDate && l == "BS-SDS-13")
    );
    // On the review day itself the record still holds.
    let on_the_day = run(&[&doc], Some(&record), jiff::civil::date(2027, 6, 30));
    assert!(
        !codes(&on_the_day)
            .iter()
            .any(|(c, _)| *c == Code::BetsushiReviewExpired)
    );
}

fn record_yaml(assessments: &str) -> String {
    format!("facility: サンプル総合病院\nassessments:\n{assessments}")
}

fn assessment(vendor: &str, line: &str, likelihood: u32, treatment: &str) -> String {
    format!(
        "  - vendor: {vendor}\n    product: SampleShare 画像連携クラウド\n    line: {line}\n    likelihood: {likelihood}\n    impact: 5\n    treatment: {treatment}\n    measures: 補完策\n    owner: 情報システム課\n    due: 2027-03-31\n    review: 2027-06-30\n"
    )
}

#[test]
fn records_that_are_not_needed_or_accept_a_high_risk_are_warnings() {
    let doc = example("cloud-share-sds.kaiji.json");
    let text = record_yaml(
        &[
            // Answered はい by the vendor: no assessment needed.
            assessment("サンプルクラウドヘルス株式会社", "BS-SDS-01", 1, "accept"),
            // Another vendor, not among the disclosures checked.
            assessment("別の事業者", "BS-SDS-13", 1, "accept"),
            // 5 × 4 = 20, at or above the default threshold 15, accepted.
            assessment("サンプルクラウドヘルス", "BS-SDS-26", 4, "accept"),
            // A line no item answers: the record is how the facility handled it.
            assessment("サンプルクラウドヘルス株式会社", "BS-SDS-56", 1, "accept"),
        ]
        .concat(),
    );
    let record = RiskRecord::parse("r.yaml", &text).unwrap();
    let outcome = run(&[&doc], Some(&record), TODAY);
    let mut got = codes(&outcome);
    got.sort();
    let want = vec![
        (Code::BetsushiUnassessed, "BS-SDS-13".to_owned()),
        (Code::BetsushiRecordNotNeeded, "BS-SDS-01".to_owned()),
        (Code::BetsushiRecordNotNeeded, "BS-SDS-13".to_owned()),
        (Code::BetsushiNoItem, "BS-SDS-57".to_owned()),
        (Code::BetsushiNoItem, "BS-SDS-58".to_owned()),
        (Code::BetsushiAcceptedAboveThreshold, "BS-SDS-26".to_owned()),
    ];
    let mut want = want;
    want.sort();
    assert_eq!(got, want);
    for (code, _) in &got {
        let expected = if *code == Code::BetsushiUnassessed {
            Severity::Error
        } else {
            Severity::Warning
        };
        assert_eq!(code.severity(), expected, "{code}");
    }
    // Every betsushi code is provoked by the tests of this file.
    let provoked: Vec<Code> = got
        .iter()
        .map(|(c, _)| *c)
        .chain([Code::BetsushiReviewExpired])
        .collect();
    for code in Code::iter().filter(|c| c.as_str().starts_with("betsushi-")) {
        assert!(provoked.contains(&code), "{code}");
    }
}

#[test]
fn risk_values_use_the_rss_register_formulas() {
    let text = "facility: F\nformula: asset-threat-vulnerability\nassessments:\n  - {vendor: サンプルクラウドヘルス株式会社, product: SampleShare 画像連携クラウド, line: BS-SDS-26, likelihood: 3, impact: 4, asset: 3, threat: 2, weakness: 3, treatment: reduce, measures: m, owner: o, due: 2027-01-31, review: 2027-06-30}\n";
    let record = RiskRecord::parse("r.yaml", text).unwrap();
    let doc = example("cloud-share-sds.kaiji.json");
    let outcome = run(&[&doc], Some(&record), TODAY);
    let a = outcome.disclosures[0]
        .lines
        .iter()
        .find_map(|l| l.assessment.as_ref())
        .unwrap();
    let scores = Scores {
        asset: 3,
        threat: 2,
        weakness: 3,
        impact: 4,
        likelihood: 3,
    };
    assert_eq!(
        (a.value, a.residual),
        Formula::AssetThreatVulnerability.value(&scores)
    );
    assert_eq!((a.value, a.residual), (18, 6));
    // 18 is the formula's default threshold: at it, the risk is above.
    assert!(a.above_threshold);
    assert_eq!(outcome.settings.unwrap().threshold, 18);
}

fn problem_text(e: &Error) -> String {
    e.text().en
}

#[test]
fn bad_records_name_the_place() {
    // Syntax and type errors: line and column.
    let err =
        RiskRecord::parse("r.yaml", "facility: F\nassessments:\n  - vendor: [\n").unwrap_err();
    assert!(
        problem_text(&err).starts_with("r.yaml line 3"),
        "{}",
        problem_text(&err)
    );
    let err = RiskRecord::parse(
        "r.yaml",
        &record_yaml(&assessment("V", "BS-SDS-13", 1, "maybe")),
    )
    .unwrap_err();
    assert!(
        problem_text(&err).contains("line 8"),
        "{}",
        problem_text(&err)
    );
    // Scales and duplicates: the field.
    let err = RiskRecord::parse(
        "r.yaml",
        &record_yaml(&assessment("V", "BS-SDS-13", 6, "reduce")),
    )
    .unwrap_err();
    assert!(
        problem_text(&err).contains("assessments[0].likelihood"),
        "{}",
        problem_text(&err)
    );
    let twice = [
        assessment("V株式会社", "BS-SDS-13", 1, "reduce"),
        assessment("V", "BS-SDS-13", 2, "reduce"),
    ]
    .concat();
    let err = RiskRecord::parse("r.yaml", &record_yaml(&twice)).unwrap_err();
    assert!(
        problem_text(&err).contains("assessments[1].line"),
        "{}",
        problem_text(&err)
    );
    let atv = "facility: F\nformula: asset-threat-vulnerability\nassessments:\n".to_owned()
        + &assessment("V", "BS-SDS-13", 1, "reduce");
    let err = RiskRecord::parse("r.yaml", &atv).unwrap_err();
    assert!(
        problem_text(&err).contains("assessments[0].asset"),
        "{}",
        problem_text(&err)
    );
    // A threshold off the formula's scale: no risk could reach it.
    let off = "facility: F\nthreshold: 26\nassessments: []\n";
    let err = RiskRecord::parse("r.yaml", off).unwrap_err();
    assert!(
        problem_text(&err).contains("threshold"),
        "{}",
        problem_text(&err)
    );
    // A line the 別紙 does not have: the record is not used.
    let record = RiskRecord::parse(
        "r.yaml",
        &record_yaml(&assessment("V", "BS-SDS-99", 1, "reduce")),
    )
    .unwrap();
    let doc = example("cloud-share-sds.kaiji.json");
    let err = betsushi::check(
        &REGISTRY,
        &[Input {
            file: "d",
            document: &doc,
        }],
        Some(RecordInput {
            file: "r.yaml",
            record: &record,
        }),
        TODAY,
    )
    .unwrap_err();
    assert_eq!(err.kind(), kaiji_catalog::ErrorKind::BadInput);
    assert!(
        problem_text(&err).contains("BS-SDS-99"),
        "{}",
        problem_text(&err)
    );
}

#[test]
fn a_disclosure_without_a_mapping_to_the_betsushi_is_an_error() {
    let doc = Disclosure::from_json(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/pacs-mds-4.1.kaiji.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let err = betsushi::check(
        &REGISTRY,
        &[Input {
            file: "d",
            document: &doc,
        }],
        None,
        TODAY,
    )
    .unwrap_err();
    assert!(matches!(err, Error::NoMapping { .. }), "{err:?}");
}

#[test]
fn the_template_lists_the_open_lines_and_reads_back_once_filled_in() {
    let doc = example("cloud-share-sds.kaiji.json");
    let outcome = run(&[&doc], None, TODAY);
    let template = betsushi::template(&outcome, "サンプル総合病院");
    assert_eq!(template.matches("  - vendor:").count(), 2);
    // Unfilled, it is not a record: the error names the first empty field.
    let err = RiskRecord::parse("t.yaml", &template).unwrap_err();
    assert!(
        problem_text(&err).contains("assessments[0].likelihood"),
        "{}",
        problem_text(&err)
    );
    let filled = template
        .replace("likelihood: ~", "likelihood: 2")
        .replace("impact: ~", "impact: 2")
        .replace("treatment: ~", "treatment: reduce")
        .replace("owner: \"\"", "owner: 情報システム課")
        .replace("due: ~", "due: 2027-03-31")
        .replace("review: ~", "review: 2027-09-30");
    let record = RiskRecord::parse("t.yaml", &filled).unwrap();
    assert_eq!(record.facility, "サンプル総合病院");
    let covered = run(&[&doc], Some(&record), TODAY);
    assert_eq!(unassessed(&covered), Vec::<String>::new());
    assert_eq!(covered.disclosures[0].verdict, Verdict::NeedsAssessment);
    // Nothing left to assess: an empty list that still reads.
    let none = betsushi::template(&covered, "F");
    assert!(
        RiskRecord::parse("t.yaml", &none)
            .unwrap()
            .assessments
            .is_empty()
    );
}

#[test]
fn the_policy_flag_selects_the_items_answering_betsushi_lines() {
    let policy = kaiji_model::review::Policy::builtin("gl7-betsushi").unwrap();
    let guideline = kaiji_model::review::Guideline::default_in(&REGISTRY).unwrap();
    assert!(policy.check(&REGISTRY, &guideline, TODAY).is_empty());
    let doc = example("cloud-share-sds.kaiji.json");
    let options = kaiji_model::review::ReviewOptions {
        today: TODAY,
        max_age_days: None,
    };
    let review = kaiji_model::review::review(&doc, &REGISTRY, &policy, &guideline, options);
    let departures: Vec<&str> = review
        .findings
        .iter()
        .filter(|f| f.code == Code::PolicyViolation)
        .filter_map(|f| f.item.as_deref())
        .collect();
    assert_eq!(departures, ["SDS-C07-02", "SDS-C11-02"]);
    let pass = example("pacs-mds-9.3.kaiji.json");
    let review = kaiji_model::review::review(&pass, &REGISTRY, &policy, &guideline, options);
    assert!(
        review
            .findings
            .iter()
            .all(|f| f.code != Code::PolicyViolation)
    );
}

proptest! {
    /// Any text is a risk record or an error, never a panic.
    #[test]
    fn any_text_is_a_record_or_an_error(text in ".{0,400}") {
        let _ = RiskRecord::parse("r.yaml", &text);
    }

    /// A mangled example record never panics the parser or the check.
    #[test]
    fn mangled_records_never_panic(cut in 0usize..2000, insert in "[ -~\n:\\-]{0,12}") {
        let text = std::fs::read_to_string(format!("{DIR}/risk-record.yaml")).unwrap();
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mangled = format!("{}{insert}{}", &text[..at], &text[at..]);
        if let Ok(record) = RiskRecord::parse("r.yaml", &mangled) {
            let doc = example("cloud-share-sds.kaiji.json");
            let _ = betsushi::check(
                &REGISTRY,
                &[Input { file: "d", document: &doc }],
                Some(RecordInput { file: "r.yaml", record: &record }),
                TODAY,
            );
        }
    }

    /// Every record that parses serialises and reads back the same.
    #[test]
    fn records_round_trip(likelihood in 1u32..=5, impact in 1u32..=5, day in 1i8..=28) {
        let text = format!(
            "facility: F\nassessments:\n  - {{vendor: V, product: P, line: BS-SDS-13, likelihood: {likelihood}, impact: {impact}, treatment: transfer, measures: m, owner: o, due: 2027-01-{day:02}, review: 2027-02-{day:02}}}\n"
        );
        let record = RiskRecord::parse("r.yaml", &text).unwrap();
        let again = RiskRecord::parse("r.yaml", &serde_yaml_ng::to_string(&record).unwrap()).unwrap();
        prop_assert_eq!(record, again);
    }
}
