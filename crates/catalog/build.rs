//! Compiles the catalogs in `catalogs/` into the binary as JSON: YAML is for people, JSON reads
//! several times faster, and a catalog that does not parse fails the build with its file and line.

use std::{fmt::Write as _, io::Write as _, path::Path};

/// A line to cargo (build scripts talk to cargo on stdout).
fn cargo(line: &str) {
    std::io::stdout()
        .write_all(format!("cargo::{line}\n").as_bytes())
        .expect("cargo reads the build script's stdout");
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalogs");
    cargo(&format!("rerun-if-changed={}", dir.display()));
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("catalogs/ exists")
        .map(|e| {
            e.expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut list = String::from(
        "/// `(file name, kind, catalog as JSON)` of every shipped catalog.\npub const BUILTIN: &[(&str, &str, &str)] = &[\n",
    );
    for name in names {
        let path = dir.join(&name);
        cargo(&format!("rerun-if-changed={}", path.display()));
        let yaml = std::fs::read_to_string(&path).expect("readable catalog");
        let value: serde_json::Value =
            serde_yaml_ng::from_str(&yaml).unwrap_or_else(|e| panic!("catalogs/{name}: {e}"));
        let json = serde_json::to_string(&value).expect("JSON of a YAML value");
        std::fs::write(Path::new(&out_dir).join(format!("{name}.json")), json)
            .expect("OUT_DIR is writable");
        let kind = value["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("catalogs/{name}: no kind"));
        writeln!(
            list,
            "    ({name:?}, {kind:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}.json\"))),"
        )
        .expect("write to String");
    }
    list.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("builtin.rs"), list).expect("OUT_DIR is writable");
}
