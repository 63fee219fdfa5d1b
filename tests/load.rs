//! `treaty load` end to end: every format, atomicity, idempotence, errors that say where.

mod common;

use common::{TestStore, fixture, stdout};
use predicates::prelude::*;

const LABELS: &str = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } FILTER(STRSTARTS(STR(?s), 'http://example.org/')) }";

#[test]
fn every_rdf_format_loads() {
    let cases = [
        ("sample.ttl", "Sample B"),
        ("sample.nt", "N-Triples two"),
        ("sample.nq", "N-Quads one"),
        ("sample.trig", "TriG one"),
        ("sample.rdf", "RDF/XML one"),
        ("sample.jsonld", "JSON-LD one"),
        ("sample.n3", "N3 one"),
        ("sample-gz.nt.gz", "N-Triples one"),
    ];
    let store = TestStore::new();
    for (file, label) in cases {
        store
            .cmd(&["load", fixture(file).to_str().unwrap()])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!(
                "loaded {}",
                fixture(file).display()
            )));
        let found = store.count(&format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ ?s rdfs:label ?l FILTER(STR(?l) = \"{label}\") }}"
        ));
        assert!(found >= 1, "{file}: label {label:?} not found after load");
    }
}

#[test]
fn standard_input_loads_with_an_explicit_format_and_graph() {
    let store = TestStore::new();
    store
        .cmd(&[
            "load",
            "-",
            "--format",
            "ntriples",
            "--graph",
            "http://example.org/g/stdin",
        ])
        .write_stdin("<http://example.org/s> <http://example.org/p> \"from stdin\" .\n")
        .assert()
        .success();
    let n = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/g/stdin> { ?s ?p \"from stdin\" } }",
    );
    assert_eq!(n, 1);
}

#[test]
fn standard_input_without_a_format_is_a_clear_error() {
    let store = TestStore::new();
    store
        .cmd(&["load", "-"])
        .write_stdin("<http://example.org/s> <http://example.org/p> 1 .\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "<stdin>: cannot tell the RDF format",
        ));
}

#[test]
fn a_malformed_file_names_its_line_and_changes_nothing() {
    let store = TestStore::new();
    let before = store.quads();
    let bad = fixture("malformed.ttl");
    store
        .cmd(&["load", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:5:", bad.display())));
    assert_eq!(store.quads(), before);
}

#[test]
fn a_load_is_atomic_across_files() {
    let store = TestStore::new();
    let before = store.quads();
    store
        .cmd(&[
            "load",
            fixture("sample.ttl").to_str().unwrap(),
            fixture("malformed.ttl").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("malformed.ttl:5:"));
    assert_eq!(
        store.quads(),
        before,
        "the good file must not be kept either"
    );
    assert_eq!(store.count(LABELS), 0);
}

#[test]
fn loading_the_same_file_twice_adds_nothing() {
    let store = TestStore::new();
    let file = fixture("sample.ttl");
    store
        .cmd(&["load", file.to_str().unwrap()])
        .assert()
        .success();
    let once = store.quads();
    store
        .cmd(&["load", file.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(store.quads(), once, "blank nodes included");
    let nt = fixture("sample.nt");
    store
        .cmd(&["load", nt.to_str().unwrap()])
        .assert()
        .success();
    let with_nt = store.quads();
    store
        .cmd(&["load", nt.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(store.quads(), with_nt);
}

#[test]
fn each_file_gets_its_own_graph() {
    let store = TestStore::new();
    let file = fixture("sample.ttl");
    store
        .cmd(&["load", file.to_str().unwrap()])
        .assert()
        .success();
    let graph = format!("file://{}", file.display());
    let n = store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    ));
    assert_eq!(n, 4);
}

#[test]
fn a_missing_file_and_an_unknown_extension_are_clear_errors() {
    let store = TestStore::new();
    store
        .cmd(&["load", "/nonexistent/treaties.ttl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/treaties.ttl"));
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("data.csv");
    std::fs::write(&odd, "a,b\n").unwrap();
    store
        .cmd(&["load", odd.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --format"));
}

#[test]
fn export_then_load_into_a_fresh_store_gives_the_same_count() {
    let store = TestStore::new();
    store
        .cmd(&[
            "load",
            fixture("sample.trig").to_str().unwrap(),
            fixture("sample.ttl").to_str().unwrap(),
        ])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.nq");
    store
        .cmd(&["export", "-o", dump.to_str().unwrap()])
        .assert()
        .success();
    let fresh = TestStore::new();
    fresh
        .cmd(&["load", dump.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(fresh.quads(), store.quads());
}

#[test]
fn non_ascii_labels_survive_a_round_trip() {
    let store = TestStore::new();
    store
        .cmd(&["load", fixture("non-ascii.ttl").to_str().unwrap()])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("round.trig");
    store
        .cmd(&["export", "-o", dump.to_str().unwrap()])
        .assert()
        .success();
    let fresh = TestStore::new();
    fresh
        .cmd(&["load", dump.to_str().unwrap()])
        .assert()
        .success();
    let out = stdout(&mut fresh.cmd(&[
        "sparql",
        "--format",
        "csv",
        "SELECT ?l WHERE { <http://example.org/osnabrueck> rdfs:label|skos:altLabel ?l } ORDER BY ?l",
    ]));
    for label in [
        "Traité d'Osnabrück",
        "Вестфальский мир",
        "ヴェストファーレン条約",
        "Friede von Münster – 1648",
    ] {
        assert!(out.contains(label), "{label} lost in {out}");
    }
}

#[test]
fn export_of_turtle_needs_a_graph() {
    let store = TestStore::new();
    store
        .cmd(&["export", "--format", "turtle"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--graph"));
    let out = stdout(&mut store.cmd(&[
        "export",
        "--format",
        "turtle",
        "--graph",
        "https://w3id.org/treaty/graph/bundled",
    ]));
    assert!(
        out.contains("tr:Settlement"),
        "prefixes are used in Turtle output"
    );
}

#[test]
fn a_read_only_store_refuses_to_load() {
    let store = TestStore::new();
    store.cmd(&["stats"]).assert().success();
    store
        .cmd(&[
            "--read-only",
            "load",
            fixture("sample.ttl").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--read-only"));
}
