//! The store from the outside: seeding, stats, locking, raw SPARQL and its errors.

mod common;

use std::process::Command;

use common::{TestStore, stdout, treaty};
use predicates::prelude::*;

#[test]
fn a_fresh_store_is_seeded_with_at_least_forty_settlements() {
    let store = TestStore::new();
    store
        .cmd(&["stats", "--format", "csv"])
        .assert()
        .success()
        .stderr(predicate::str::contains("created the store"));
    let out = stdout(&mut store.cmd(&["stats", "--format", "csv"]));
    let settlements: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("settlements,"))
        .expect("a settlements line")
        .parse()
        .unwrap();
    assert!(settlements >= 40, "only {settlements} settlements:\n{out}");
    assert!(
        out.contains("triples in https://w3id.org/treaty/graph/bundled,"),
        "{out}"
    );
}

#[test]
fn the_memory_store_is_seeded_too() {
    let out = stdout(treaty().args(["--memory", "stats", "--format", "csv"]));
    for set in ["settlements", "guarantees", "conflicts", "actors"] {
        let n: u64 = out
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{set},")))
            .unwrap_or_else(|| panic!("no {set} line in {out}"))
            .parse()
            .unwrap();
        assert!(n > 0, "{set}: {n}");
    }
}

#[test]
fn sparql_answers_who_guaranteed_belgian_neutrality_in_1839() {
    let out = stdout(treaty().args([
        "--memory",
        "sparql",
        "--format",
        "csv",
        "SELECT DISTINCT ?name WHERE { ?treaty rdfs:label \"Treaty of London (1839)\"@en ; \
         tr:guarantee/tr:guarantor/rdfs:label ?name } ORDER BY ?name",
    ]));
    let names: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(
        names,
        [
            "Austrian Empire",
            "France",
            "Prussia",
            "Russian Empire",
            "United Kingdom"
        ]
    );
}

#[test]
fn sparql_formats() {
    let q = "SELECT ?label WHERE { tm:neutrality rdfs:label ?label }";
    let csv = stdout(treaty().args(["--memory", "sparql", "--format", "csv", q]));
    assert_eq!(csv, "label\r\nneutrality\r\n");
    let tsv = stdout(treaty().args(["--memory", "sparql", "--format", "tsv", q]));
    assert_eq!(tsv, "?label\n\"neutrality\"@en\n");
    let json = stdout(treaty().args(["--memory", "sparql", "--format", "json", q]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["results"]["bindings"][0]["label"]["value"],
        "neutrality"
    );
    let md = stdout(treaty().args(["--memory", "sparql", "--format", "md", q]));
    assert_eq!(md, "| label |\n|---|\n| neutrality |\n");
    let table = stdout(treaty().args(["--memory", "sparql", "--format", "table", q]));
    assert!(
        table.contains("neutrality") && table.contains("1 row"),
        "{table}"
    );
    let ask = stdout(treaty().args([
        "--memory",
        "sparql",
        "--format",
        "csv",
        "ASK { tm:neutrality a skos:Concept }",
    ]));
    assert_eq!(ask.trim(), "true");
}

#[test]
fn sparql_reads_a_file_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.rq");
    std::fs::write(&file, "SELECT ?l WHERE { to:violated rdfs:label ?l }").unwrap();
    let out = stdout(treaty().args([
        "--memory",
        "sparql",
        "--format",
        "csv",
        "-f",
        file.to_str().unwrap(),
    ]));
    assert_eq!(out, "l\r\nviolated\r\n");
    let out = stdout(
        treaty()
            .args(["--memory", "sparql", "--format", "csv", "-"])
            .write_stdin("SELECT ?l WHERE { to:honoured rdfs:label ?l }"),
    );
    assert_eq!(out, "l\r\nhonoured\r\n");
}

#[test]
fn a_bad_sparql_query_shows_where_with_a_caret() {
    treaty()
        .args([
            "--memory",
            "sparql",
            "SELECT ?x WHERE {\n  ?x rdfs:label ?l\n  FILTER(\n}",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "SPARQL syntax error at line 4, column 2",
        ))
        .stderr(predicate::str::contains("4 | }\n  |  ^"));
}

#[test]
fn an_update_is_refused_without_touching_the_store() {
    let store = TestStore::new();
    let before = store.quads();
    store
        .cmd(&["sparql", "DELETE WHERE { ?s ?p ?o }"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("queries only"));
    assert_eq!(store.quads(), before);
}

#[test]
fn usage_errors_exit_with_1_and_help_with_0() {
    treaty().arg("frobnicate").assert().code(1);
    treaty()
        .args(["--memory", "sparql", "--format", "xml", "ASK {}"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("expected one of: table, csv"));
    treaty()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
    treaty().arg("load").assert().code(1);
}

#[test]
fn a_directory_that_is_not_a_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
    treaty()
        .arg("--store")
        .arg(dir.path())
        .arg("stats")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a treaty store"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn the_store_comes_from_treaty_store_when_not_given() {
    let store = TestStore::new();
    treaty()
        .env("TREATY_STORE", &store.path)
        .args(["stats"])
        .assert()
        .success();
    assert!(store.path.join("treaty.lock").is_file());
}

/// A developer may export TREATY_ENDPOINT and the rest (docs/scale.md suggests it): every test
/// that runs the binary goes through `common::clean_env`, which takes them out.
#[test]
fn the_tests_do_not_see_the_developers_treaty_environment() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_treaty"));
    for name in common::TREATY_ENV {
        cmd.env(name, "http://127.0.0.1:9/sparql");
    }
    common::clean_env(&mut cmd).args(["--memory", "query", "count settlements"]);
    for name in common::TREATY_ENV {
        assert!(
            cmd.get_envs()
                .any(|(key, value)| key == name && value.is_none()),
            "{name} is passed on"
        );
    }
    // With the endpoint variable set and not cleaned, --memory would be refused.
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
