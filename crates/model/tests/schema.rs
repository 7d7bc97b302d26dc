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
