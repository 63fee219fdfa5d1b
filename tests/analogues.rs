//! `analogues of` as a user runs it on the bundled data, for the feature read from the great
//! power lists (`great_power_guarantor`, docs/analysis.md): checked against hand-written SPARQL
//! over the same spells, and against similarities worked out by hand from the data.

mod common;

use common::{stdout, treaty};
use predicates::prelude::*;

/// `(stdout, stderr)` of a successful `treaty --memory query --format md`.
fn query_md(text: &str) -> (String, String) {
    let output = treaty()
        .args(["--memory", "query", "--format", "md", text])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The rows of the `analogues` table: (analogue, similarity).
fn analogues(text: &str) -> Vec<(String, f64)> {
    let (md, _) = query_md(text);
    md.split("-- ")
        .find(|part| part.contains(": analogues\n"))
        .unwrap_or_else(|| panic!("no analogues table in {md}"))
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| rank"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            (cells[1].trim().to_owned(), cells[2].trim().parse().unwrap())
        })
        .collect()
}

/// The feature list the note gives for a named target.
fn target_features(name: &str) -> String {
    let (_, notes) = query_md(&format!("analogues of \"{name}\" top 1"));
    notes
        .lines()
        .find_map(|l| l.strip_prefix("note: the target's features: "))
        .unwrap_or_else(|| panic!("no feature note in {notes}"))
        .to_owned()
}

/// Guarantee names coded `great_power_guarantor = VALUE` by hand-written SPARQL: the earliest
/// year any of its settlements was signed, a guarantor with a great power spell covering it
/// (true), or a year some list codes with no guarantor's spell, nor span of unknown status,
/// covering it (false).
fn hand_coded(value: &str) -> Vec<String> {
    let query = r#"PREFIX tr: <https://w3id.org/treaty/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?name ?coded WHERE {
  { SELECT ?g (MIN(YEAR(?d)) AS ?year) WHERE { ?s tr:guarantee ?g ; tr:signed ?d } GROUP BY ?g }
  ?g rdfs:label ?name .
  BIND(EXISTS { ?g tr:guarantor ?a . ?a tr:greatPowerSpell ?p . ?p tr:spellFrom ?f ; tr:spellUntil ?u
                FILTER(xsd:integer(STR(?f)) <= ?year && ?year <= xsd:integer(STR(?u))) } AS ?great)
  BIND(EXISTS { ?g tr:guarantor ?a . ?a tr:greatPowerUnknown ?p . ?p tr:spellFrom ?f ; tr:spellUntil ?u
                FILTER(xsd:integer(STR(?f)) <= ?year && ?year <= xsd:integer(STR(?u))) } AS ?unknown)
  BIND(EXISTS { ?l tr:greatPowersFrom ?f ; tr:greatPowersUntil ?u
                FILTER(xsd:integer(STR(?f)) <= ?year && ?year <= xsd:integer(STR(?u))) } AS ?listed)
  BIND(IF(?listed && ?great, "true", IF(?listed && !?unknown, "false", "absent")) AS ?coded)
}"#;
    let out = stdout(treaty().args(["--memory", "sparql", "--format", "json", query]));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut names: Vec<String> = json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["coded"]["value"] == value)
        .map(|b| b["name"]["value"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn great_power_guarantor_is_coded_as_hand_written_sparql_codes_it() {
    // A target with that one feature: exactly the guarantees coded with the same value share
    // it (similarity > 0); every other one shares nothing and is left out.
    for value in ["true", "false"] {
        let mut found: Vec<String> = analogues(&format!(
            "analogues of (great_power_guarantor {value}) top 1000"
        ))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
        found.sort();
        assert_eq!(found, hand_coded(value), "great_power_guarantor = {value}");
    }
    // On the bundled data: 118 true, 107 false, and 12 guarantees of 2018-2022 absent (the
    // Correlates of War list ends in 2016).
    assert_eq!(hand_coded("true").len(), 118);
    assert_eq!(hand_coded("false").len(), 107);
    let absent = hand_coded("absent");
    assert_eq!(absent.len(), 12);
    assert!(absent.contains(
        &"Proposed multilateral security guarantee for a neutral Ukraine (Istanbul, 2022)".into()
    ));
}

#[test]
fn named_targets_get_the_feature_from_the_year_of_signing() {
    // Belgium, 1839: Britain, France, Prussia, Austria and Russia guaranteed it, each a COW
    // major power in 1839.
    assert!(
        target_features("Guarantee of Belgian neutrality (1839)")
            .contains("great_power_guarantor = true")
    );
    // Saadabad, 1937: Turkey, Iran, Iraq and Afghanistan, none on the COW list in 1937.
    assert!(
        target_features("Mutual non-aggression and non-interference (Saadabad Pact, 1937)")
            .contains("great_power_guarantor = false")
    );
    // Westphalia, 1648: France (Levy) with Sweden (left unknown): one great power suffices.
    let westphalia: Vec<String> = stdout(treaty().args([
        "--memory",
        "query",
        "--format",
        "csv",
        "guarantees where settlement = \"Peace of Westphalia\" show name",
    ]))
    .lines()
    .skip(1)
    .map(|l| l.trim_matches('"').to_owned())
    .collect();
    assert!(!westphalia.is_empty());
    for name in &westphalia {
        assert!(
            target_features(name).contains("great_power_guarantor = true"),
            "{name}"
        );
    }
    // Istanbul, 2022: after the COW list ends, so the feature is absent, not false.
    assert!(
        !target_features(
            "Proposed multilateral security guarantee for a neutral Ukraine (Istanbul, 2022)"
        )
        .contains("great_power_guarantor")
    );
}

#[test]
fn an_inline_target_with_great_power_guarantor_ranks_as_the_formula_says() {
    // Belgium 1839's features, read from the data by hand (docs/analysis.md's weights):
    // mechanism guarantor powers (3) and neutrality (3), guarantor_count 5+ (1),
    // great_power_guarantor true (2), former_belligerent_guarantor true (2: France fought in
    // the Belgian revolution), reciprocal, legally_binding (true), secret (false), era 19,
    // region europe (1 each): 16 in all.
    let belgium = |text: &str| {
        analogues(text)
            .into_iter()
            .find(|(name, _)| name == "Guarantee of Belgian neutrality (1839)")
            .unwrap_or_else(|| panic!("Belgium 1839 is not among the analogues of {text}"))
            .1
    };
    // Shares neutrality (3) and the great power (2): 5/16.
    let with = belgium("analogues of (mechanism neutrality, great_power_guarantor true) top 1000");
    assert!((with - 5.0 / 16.0).abs() < 1e-4, "{with}");
    // Shares only neutrality; the target's `false` adds 2 to the union: 3/18.
    let against =
        belgium("analogues of (mechanism neutrality, great_power_guarantor false) top 1000");
    assert!((against - 3.0 / 18.0).abs() < 1e-4, "{against}");
    // Weighted 0, the feature counts on neither side: 3/14.
    let ignored = belgium(
        "analogues of (mechanism neutrality, great_power_guarantor true) top 1000 \
         weights (great_power_guarantor 0)",
    );
    assert!((ignored - 3.0 / 14.0).abs() < 1e-4, "{ignored}");
}

#[test]
fn a_wrong_value_is_an_error_at_the_value() {
    treaty()
        .args([
            "--memory",
            "query",
            "analogues of (great_power_guarantor \"yes\")",
        ])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("`great_power_guarantor` takes true or false")
                .and(predicate::str::contains("not a value of this feature")),
        );
}

#[test]
fn explain_names_the_great_powers_fetch() {
    treaty()
        .args([
            "--memory",
            "explain",
            "analogues of (great_power_guarantor true)",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("the great power years of each guarantor")
                .and(predicate::str::contains("greatPowerSpell")),
        );
}
