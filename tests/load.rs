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

/// The user's story of issue 16: a guarantee's outcome edited in the file, the file loaded
/// again; the guarantee must have the new outcome only. `--add` keeps the old behaviour.
#[test]
fn loading_an_edited_file_again_replaces_its_graph() {
    let store = TestStore::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edited.ttl");
    let write = |outcome: &str| {
        std::fs::write(
            &file,
            format!("<http://example.org/g1> <http://example.org/outcome> <http://example.org/{outcome}> .\n<http://example.org/g1> <http://example.org/kept> \"same\" .\n"),
        )
        .unwrap()
    };
    let outcomes =
        "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/g1> <http://example.org/outcome> ?o }";
    let honoured = "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/g1> <http://example.org/outcome> <http://example.org/honoured> }";
    write("untested");
    store
        .cmd(&["load", file.to_str().unwrap()])
        .assert()
        .success();
    let before = store.count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }");
    write("honoured");
    store
        .cmd(&["load", file.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("replaced what <file://"));
    assert_eq!(store.count(outcomes), 1, "the old outcome is gone");
    assert_eq!(store.count(honoured), 1);
    assert_eq!(
        store.count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        before,
        "one triple changed, none added"
    );
    write("violated");
    store
        .cmd(&["load", "--add", file.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("replaced").not());
    assert_eq!(store.count(outcomes), 2, "--add keeps what the graph held");
}

#[test]
fn remove_takes_a_loaded_file_out_all_or_nothing() {
    let store = TestStore::new();
    let sample = fixture("sample.ttl");
    let sample = sample.to_str().unwrap();
    let ours = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'file:')) }";
    store.cmd(&["load", sample]).assert().success();
    assert!(store.count(ours) > 0);
    // One graph that holds nothing: an error that names it, and nothing is removed.
    store
        .cmd(&["remove", sample, "http://example.org/no-such-graph"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no graph <http://example.org/no-such-graph>",
        ));
    assert!(store.count(ours) > 0, "nothing was removed");
    store
        .cmd(&["remove", sample])
        .assert()
        .success()
        .stderr(predicate::str::contains("removed <file://"));
    assert_eq!(store.count(ours), 0);
    store
        .cmd(&["remove", "https://w3id.org/treaty/graph/bundled"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be removed"));
    store
        .cmd(&["--read-only", "remove", sample])
        .assert()
        .code(2);
}

/// SPARQL updates are refused as a query error (exit 3, as the README says), with the command
/// that makes the change.
#[test]
fn a_sparql_update_is_a_query_error_that_names_load_and_remove() {
    let store = TestStore::new();
    store
        .cmd(&["sparql", "DROP GRAPH <http://example.org/g>"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("treaty remove"));
}
