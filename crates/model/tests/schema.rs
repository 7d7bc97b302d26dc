//! The checked-in JSON Schemas must equal what the model generates today.

fn check(file: &str, generated: &str) {
    let path = format!("{}/../../schemas/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("KAIJI_BLESS").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schemas/{file} is stale: run `KAIJI_BLESS=1 cargo test -p kaiji-model --test schema`"
    );
}

#[test]
fn checked_in_disclosure_schema_is_current() {
    check(
        "disclosure.schema.json",
        &kaiji_model::disclosure::disclosure_schema(),
    );
}

#[test]
fn checked_in_policy_schema_is_current() {
    check("policy.schema.json", &kaiji_model::review::policy_schema());
}

#[test]
fn checked_in_inventory_schema_is_current() {
    check(
        "inventory.schema.json",
        &kaiji_model::mhlw::inventory_schema(),
    );
}

#[test]
fn checked_in_profile_schema_is_current() {
    check("profile.schema.json", &kaiji_model::rss::profile_schema());
}

#[test]
fn checked_in_terms_schema_is_current() {
    check("sla-terms.schema.json", &kaiji_model::rss::terms_schema());
}

#[test]
fn checked_in_risk_record_schema_is_current() {
    check(
        "risk-record.schema.json",
        &kaiji_model::betsushi::risk_record_schema(),
    );
}

#[test]
fn checked_in_api_schemas_are_current() {
    let generated = kaiji_model::api::schemas();
    for (name, schema) in &generated {
        check(&format!("api/{name}.schema.json"), schema);
    }
    // No schema is left behind for an output that no longer exists.
    let dir = format!("{}/../../schemas/api", env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = generated
        .iter()
        .map(|(name, _)| format!("{name}.schema.json"))
        .collect();
    expected.sort();
    assert_eq!(
        on_disk, expected,
        "schemas/api/ holds exactly the api schemas"
    );
}
