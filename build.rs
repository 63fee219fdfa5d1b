// Compiles the bundled dataset into the binary: every `data/bundled/*.ttl` file, in name order,
// becomes an entry of `BUNDLED_FILES`, so an installed `treaty` needs no data folder and a new
// data file cannot be forgotten.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("data/bundled");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("data/bundled must exist")
        .map(|entry| entry.expect("readable data/bundled").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ttl"))
        .collect();
    files.sort();
    let mut code = String::from(
        "/// The bundled Turtle files: (file name, contents).\npub const BUNDLED_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("bundled.rs");
    fs::write(out, std::mem::take(&mut code)).expect("writable OUT_DIR");

    // The data checks of `treaty check`: every `data/rules/*.rq`, in name order.
    let rules_dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("data/rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut rules: Vec<_> = fs::read_dir(&rules_dir)
        .expect("data/rules must exist")
        .map(|entry| entry.expect("readable data/rules").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rq"))
        .collect();
    rules.sort();
    code.push_str("/// The bundled data checks: (file name, SPARQL).\npub const BUNDLED_RULES: &[(&str, &str)] = &[\n");
    for path in &rules {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("bundled_rules.rs");
    fs::write(out, code).expect("writable OUT_DIR");
}
