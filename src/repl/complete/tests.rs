//! Completion in every context, against the bundled schema and names.

use std::sync::OnceLock;

use super::*;
use crate::repl::highlight::INDENT;
use crate::store::{Location, Store};

/// The bundled schema and names, read once for all tests.
fn vocabulary() -> &'static (Schema, NameIndex) {
    static VOCABULARY: OnceLock<(Schema, NameIndex)> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let store = Store::open(&Location::Memory, false).unwrap();
        (
            Schema::load(&store).unwrap(),
            NameIndex::load(&store).unwrap(),
        )
    })
}

/// Completes at the end of `line` in a session with one `let` and one parameter.
fn at_end(line: &str) -> Completion {
    let (schema, names) = vocabulary();
    let lets = [("cold_war".to_owned(), "settlements".to_owned())];
    let params = ["country".to_owned()];
    let known = Known {
        schema,
        names,
        lets: &lets,
        params: &params,
    };
    complete(line, line.len(), &known)
}

fn offered(line: &str) -> Vec<String> {
    at_end(line)
        .replacements()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[track_caller]
fn has(line: &str, wanted: &[&str]) {
    let got = offered(line);
    for w in wanted {
        assert!(got.iter().any(|g| g == w), "{line:?}: {w:?} not in {got:?}");
    }
}

#[track_caller]
fn lacks(line: &str, unwanted: &[&str]) {
    let got = offered(line);
    for w in unwanted {
        assert!(!got.iter().any(|g| g == w), "{line:?}: {w:?} in {got:?}");
    }
}

#[test]
fn keywords_at_the_start_and_after_the_entity_set() {
    has(
        "",
        &["count ", "let ", "sparql ", "settlements", "cold_war"],
    );
    assert_eq!(offered("cou"), ["count "]);
    assert_eq!(offered("settlements wh"), ["where "]);
    assert_eq!(offered("settlements WH"), ["WHERE "]);
    has("settlements ", &["where ", "show ", "order by ", "limit "]);
    // Clauses given once are not offered again.
    lacks("settlements show name ", &["show "]);
    has("settlements show name ", &["as ", "where ", "order by "]);
    has("settlements order by signed ", &["asc ", "desc ", "limit "]);
}

#[test]
fn entity_sets_where_a_query_starts() {
    assert_eq!(offered("guar"), ["guarantees"]);
    assert_eq!(offered("count sett"), ["settlements"]);
    has("let recent = conf", &["conflicts"]);
    has("settlements; con", &["conflicts"]);
    assert_eq!(offered("cold"), ["cold_war"]);
    assert!(offered("let ").is_empty(), "a new name is not completed");
}

#[test]
fn fields_of_the_entity_set_at_hand() {
    has("settlements where sig", &["signed", "signed_at"]);
    lacks("settlements where sig", &["start", "name"]);
    has("settlements where st", &["status"]);
    lacks("settlements where st", &["start"]);
    has("conflicts where st", &["start"]);
    lacks("conflicts where st", &["status"]);
    has("guarantees show out", &["outcome", "outcome_note"]);
    has("guarantees show ", &["distinct ", "count(", "name"]);
    has("count settlements by ", &["kind", "century("]);
    has("guarantees order by ", &["name", "settlement"]);
    has("settlements with ", &["guarantee", "peace_held_until"]);
    has("settlements where not ", &["with ", "signed"]);
    // A `let` name has the fields of the set it draws on.
    has("cold_war where sig", &["signed"]);
}

#[test]
fn fields_along_a_path() {
    has("guarantees where settlement.sig", &["signed", "signed_at"]);
    has(
        "settlements show guarantee.guarantor.",
        &["iso_code", "predecessor"],
    );
    has("settlements show supersedes+.", &["signed"]);
    has("guarantees where mechanism.", &["definition"]);
    assert!(offered("settlements where nothing.").is_empty());
}

#[test]
fn entity_names_after_comparisons_quoted_where_needed() {
    has(
        "guarantees where guarantor = Uni",
        &["\"United Kingdom\"", "\"United States\""],
    );
    has(
        "guarantees where guarantor = ",
        &["Russia", "Britain", "\"Soviet Union\"", "$country"],
    );
    // Names of the field's class only.
    lacks("guarantees where guarantor = ", &["neutrality"]);
    has("guarantees where guarantor = Brit", &["Britain"]);
    // Inside an unfinished quote, the quote is kept.
    let completion = at_end("guarantees where guarantor = \"Sov");
    assert_eq!(completion.start, "guarantees where guarantor = ".len());
    has("guarantees where guarantor = \"Sov", &["\"Soviet Union\""]);
    assert!(
        completion
            .replacements()
            .iter()
            .all(|r| r.starts_with("\"Soviet "))
    );
    has("guarantees where guarantor = 'uni", &["'United Kingdom'"]);
    has("guarantees where guarantor in (France, Rus", &["Russia"]);
    has("guarantees where guarantor not in (Rus", &["Russia"]);
    has("guarantees where guarantor != ", &["France"]);
    has("settlements where party = Fr", &["France"]);
    has("guarantees where secret = ", &["true", "false"]);
    assert_eq!(offered("guarantees where guarantor = $c"), ["$country"]);
}

#[test]
fn concept_names_after_is() {
    has("guarantees where mechanism is neut", &["neutrality"]);
    lacks("guarantees where mechanism is neut", &["not"]);
    has(
        "guarantees where outcome is ",
        &["violated", "honoured", "\"never in force\"", "not"],
    );
    lacks("guarantees where outcome is ", &["armistice", "France"]);
    has("guarantees where outcome is not ", &["violated"]);
    lacks("guarantees where outcome is not ", &["not"]);
    has("settlements where kind is armi", &["armistice"]);
    has(
        "settlements where guarantee.mechanism is peace",
        &["peacekeeping"],
    );
    has("settlements where status is ", &["\"in force\""]);
}

#[test]
fn operators_after_a_field_and_connectives_after_a_value() {
    has(
        "settlements where signed ",
        &["between ", "in ", "is ", "not ", "contains "],
    );
    has("settlements where signed not ", &["between ", "in "]);
    has("settlements where signed between 1914 ", &["and "]);
    lacks("settlements where signed between 1914 ", &["or "]);
    has(
        "settlements where signed between 1914 and 1918 ",
        &["and ", "or ", "show ", "order by "],
    );
    has(
        "settlements where kind is armistice ",
        &["and ", "or ", "show "],
    );
    has(
        "guarantees where guarantor = Russia ",
        &["including ", "and "],
    );
    has(
        "guarantees where guarantor = Russia including ",
        &["predecessors "],
    );
    lacks("settlements where signed < 1900 ", &["including "]);
    assert_eq!(offered("settlements order "), ["by "]);
}

#[test]
fn completion_works_on_unfinished_input() {
    // Open parenthesis, several lines with continuation indents, a comment before.
    has("settlements where (kind is armi", &["armistice"]);
    has("settlements where (sig", &["signed"]);
    has(&format!("settlements\n{INDENT}where sig"), &["signed"]);
    has(
        &format!("-- a question\nguarantees where\n{INDENT}outcome is vio"),
        &["violated"],
    );
    has("settlements where name contains \"x\" and sig", &["signed"]);
    // Nothing inside a comment or a closed text.
    assert!(offered("settlements -- sig").is_empty());
    // In the middle of a line: only the text before the cursor counts.
    let (schema, names) = vocabulary();
    let known = Known {
        schema,
        names,
        lets: &[],
        params: &[],
    };
    let line = "settlements where sig and kind is armistice";
    let completion = complete(line, "settlements where sig".len(), &known);
    assert_eq!(completion.start, "settlements where ".len());
    assert!(completion.replacements().contains(&"signed"));
    assert!(!completion.replacements().contains(&"kind"));
}

#[test]
fn meta_commands_and_their_arguments() {
    assert_eq!(offered(".mo"), [".mode "]);
    has(".", &[".help ", ".schema ", ".quit", ".stats"]);
    assert_eq!(offered(".mode c"), ["csv"]);
    assert_eq!(offered(".schema gu"), ["guarantees"]);
    has(".schema ", &["settlements", "cold_war"]);
    assert_eq!(offered(".sparql o"), ["on", "off"]);
    assert_eq!(offered(".timer of"), ["off"]);
    assert_eq!(offered(".unset c"), ["country"]);
    assert_eq!(offered(".help mo"), ["mode"]);
    // `.explain` completes its query.
    let completion = at_end(".explain guarantees where out");
    assert_eq!(completion.start, ".explain guarantees where ".len());
    assert_eq!(
        completion.replacements(),
        [
            "outcome",
            "outcome_date",
            "outcome_date_precision",
            "outcome_note",
            "outcome_source"
        ]
    );
}

#[test]
fn file_paths_after_load_read_and_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cold-war.tq"), "settlements").unwrap();
    std::fs::write(dir.path().join("extra.ttl"), "").unwrap();
    std::fs::write(dir.path().join(".hidden.tq"), "").unwrap();
    std::fs::create_dir(dir.path().join("more")).unwrap();
    let base = format!("{}/", dir.path().display());
    let read = offered(&format!(".read {base}"));
    assert_eq!(read, [format!("{base}cold-war.tq"), format!("{base}more/")]);
    let load = offered(&format!(".load {base}ex"));
    assert_eq!(load, [format!("{base}extra.ttl")]);
    // `.load` takes several files: the last one is completed.
    let load = offered(&format!(".load a.ttl {base}c"));
    assert_eq!(load, [format!("{base}cold-war.tq")]);
    let output = at_end(&format!(".output {base}m"));
    assert_eq!(output.start, ".output ".len());
    assert_eq!(output.candidates[0].display, "more/");
    has(&format!(".read {base}."), &[&format!("{base}.hidden.tq")]);
}

#[test]
fn names_are_quoted_when_they_are_not_single_words() {
    assert_eq!(quote_if_needed("Russia"), "Russia");
    assert_eq!(quote_if_needed("United Kingdom"), "\"United Kingdom\"");
    assert_eq!(quote_if_needed("non-aggression"), "\"non-aggression\"");
    assert_eq!(quote_if_needed("in"), "\"in\"");
    assert_eq!(quote_if_needed("Côte d'Ivoire"), "\"Côte d'Ivoire\"");
    assert_eq!(quote_if_needed("say \"hi\""), "\"say \\\"hi\\\"\"");
    assert_eq!(unquote("\"say \\\"hi\\\"\""), "say \"hi\"");
}
