//! The checked-in JSON Schema must equal what the model generates today.

#[test]
fn checked_in_schema_is_current() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schemas/disclosure.schema.json"
    );
    let generated = kaiji_model::disclosure_schema();
    if std::env::var_os("KAIJI_BLESS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schemas/disclosure.schema.json is stale: run `KAIJI_BLESS=1 cargo test -p kaiji-model --test schema`"
    );
}
