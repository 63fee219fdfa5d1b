// Compiles the bundled data into the binary, so an installed `treaty` needs no data folder and a
// new file cannot be forgotten: every `data/bundled/*.ttl` becomes an entry of `BUNDLED_FILES`
// (bundled.rs), every `data/rules/*.rq` an entry of `BUNDLED_RULES` (bundled_rules.rs), every
// `data/mappings/*.toml` an entry of `BUNDLED_MAPPINGS` (bundled_mappings.rs), every
// `queries/*.tq` an entry of `GALLERY` (gallery.rs, for the server's page), every
// `queries/reports/*.tq` an entry of `REPORTS` (reports.rs, for the server too), in name order.

use std::{env, fs, path::Path};

fn main() {
    embed(
        "data/bundled",
        "ttl",
        "The bundled Turtle files: (file name, contents).",
        "BUNDLED_FILES",
        "bundled.rs",
    );
    embed(
        "data/rules",
        "rq",
        "The bundled data checks: (file name, SPARQL).",
        "BUNDLED_RULES",
        "bundled_rules.rs",
    );
    embed(
        "data/mappings",
        "toml",
        "The built-in import mappings: (file name, TOML).",
        "BUNDLED_MAPPINGS",
        "bundled_mappings.rs",
    );
    embed(
        "queries",
        "tq",
        "The example gallery: (file name, TQL).",
        "GALLERY",
        "gallery.rs",
    );
    embed(
        "queries/reports",
        "tq",
        "The example reports: (file name, report).",
        "REPORTS",
        "reports.rs",
    );
}

/// Writes `OUT_DIR/out` declaring `name`, a list of (file name, `include_str!`) for every
/// `*.extension` file of `dir`.
fn embed(dir: &str, extension: &str, doc: &str, name: &str, out: &str) {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join(dir);
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    let mut code = format!("/// {doc}\npub const {name}: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let file = path.file_name().unwrap().to_string_lossy();
        code.push_str(&format!(
            "    ({file:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join(out);
    fs::write(out, code).expect("writable OUT_DIR");
}
