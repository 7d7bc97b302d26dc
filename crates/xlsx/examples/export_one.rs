fn main() {
    let args: Vec<String> = std::env::args().collect();
    let doc =
        kaiji_model::Disclosure::from_json(&std::fs::read_to_string(&args[1]).unwrap()).unwrap();
    let reg = kaiji_catalog::Registry::builtin().unwrap();
    let bytes = kaiji_xlsx::export(&doc, &reg, kaiji_catalog::Lang::Ja).unwrap();
    std::fs::write(&args[2], bytes).unwrap();
}
