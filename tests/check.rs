//! `treaty check` end to end: the bundled data passes every rule; each rule has a small file
//! that breaks it (and only it); users can add rules of their own.

mod common;

use common::{fixture, treaty};
use predicates::prelude::*;

#[test]
fn the_bundled_data_passes_every_rule() {
    treaty()
        .args(["--memory", "check"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no violations"));
}

#[test]
fn each_rule_has_a_file_that_breaks_it_and_only_it() {
    let rules: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/data/rules"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(rules.len() >= 10);
    for rule in rules {
        let file = fixture(&format!("check/{rule}.ttl"));
        assert!(file.is_file(), "no file breaks rule {rule}");
        let out = treaty()
            .args([
                "--memory",
                "check",
                "--format",
                "csv",
                file.to_str().unwrap(),
            ])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let csv = String::from_utf8(out.stdout).unwrap();
        let broken: Vec<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert!(!broken.is_empty(), "{rule}: nothing reported");
        assert!(broken.iter().all(|r| *r == rule), "{rule}: {csv}");
        assert!(csv.contains("check/"), "{rule}: the entity is named: {csv}");
    }
}

#[test]
fn checking_files_changes_no_store() {
    let store = common::TestStore::new();
    let before = store.quads();
    store
        .cmd(&[
            "check",
            fixture("check/settlement-source.ttl").to_str().unwrap(),
        ])
        .assert()
        .code(2);
    assert_eq!(store.quads(), before);
}

#[test]
fn users_add_rules_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("no-armistice.rq"),
        "# rule: this project records no armistices\n# fix: remove it\n\
         SELECT ?entity WHERE { ?entity tr:kind tk:armistice }",
    )
    .unwrap();
    treaty()
        .args(["--memory", "check", "--format", "csv", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "no-armistice,ts:korean-armistice-agreement-1953",
        ));
    std::fs::write(dir.path().join("bad.rq"), "SELECT ?entity WHERE { }").unwrap();
    treaty()
        .args(["--memory", "check", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.rq:1:1: a rule starts with a `# rule:",
        ));
}

#[test]
fn checking_files_needs_no_store_of_ones_own() {
    // A --store that could not be opened does not stop a check of files.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a store").unwrap();
    treaty()
        .arg("--store")
        .arg(dir.path())
        .args(["check", "--format", "csv"])
        .arg(fixture("check/settlement-party.ttl"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("settlement-party,"));
}

#[test]
fn an_existence_exception_excuses_only_the_actor_it_names() {
    // The fixture's guarantee names the Soviet Union (1922-1991) as beneficiary in 1900 with an
    // existence exception; Russia (from 1991) and the Dutch Republic (to 1795) have none.
    let out = treaty()
        .args(["--memory", "check", "--format", "csv"])
        .arg(fixture("check/actor-exists-when-used.ttl"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.contains("party Russia (existed 1991-) in 1900"),
        "{csv}"
    );
    assert!(
        csv.contains("guarantor Dutch Republic (existed 1581-1795) in 1900"),
        "{csv}"
    );
    assert!(!csv.contains("Soviet Union"), "{csv}");
}

/// The `--format csv` report of checking one fixture file (exit code 2: it breaks its rule).
fn check_fixture(rule: &str) -> String {
    let out = treaty()
        .args(["--memory", "check", "--format", "csv"])
        .arg(fixture(&format!("check/{rule}.ttl")))
        .assert()
        .code(2)
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_note_that_calls_a_modelled_actor_unmodelled_is_caught() {
    // Issue 15: the Charter of Paris said Iceland was "not yet modelled" when it was.
    let csv = check_fixture("signatory-linked");
    assert!(csv.contains("check/s") && csv.contains("Italy"), "{csv}");
    assert!(csv.contains("check/t") && csv.contains("Iceland"), "{csv}");
    // Other instruments not modelled are no claim about Poland or Czechoslovakia.
    assert!(!csv.contains("check/u"), "{csv}");
    assert_eq!(csv.lines().count(), 3, "a header and two findings: {csv}");
}

#[test]
fn a_violated_guarantee_needs_a_violator_or_a_note_saying_none_is_recorded() {
    // A note that names the violator in words is not a reason for leaving tr:violatedBy empty.
    let csv = check_fixture("violated-has-violator");
    assert!(csv.contains("check/g"), "{csv}");
    assert!(csv.contains("check/h"), "{csv}");
    assert!(!csv.contains("check/i"), "{csv}");
}
