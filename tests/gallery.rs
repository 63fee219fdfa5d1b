//! Every `queries/*.tq` file, as data: its syntax tree (as an s-expression), the SPARQL it
//! compiles to (as `explain` prints it) and the rows it gives on the bundled data are snapshots
//! (insta); each compiled query, printed on one line or on several, parses back to the same
//! algebra; and each runs through the real binary.

mod common;

use std::path::PathBuf;

use common::treaty;
use treaty::compile::{Compiled, Compiler};
use treaty::lang::{self, ast::Statement};
use treaty::schema::{NameIndex, Schema};
use treaty::sparql;
use treaty::store::{Location, Store};

fn gallery() -> Vec<PathBuf> {
    common::tq_files("queries")
}

fn name(path: &std::path::Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn the_gallery_has_fifteen_questions_each_stated_in_a_comment() {
    let files = gallery();
    assert!(files.len() >= 15, "only {} gallery files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("-- ") && text.lines().next().unwrap().len() > 20,
            "{} does not open with its question",
            file.display()
        );
    }
}

#[test]
fn gallery_syntax_and_sparql_snapshots_and_round_trip() {
    let store = Store::open(&Location::Memory, false).unwrap();
    let schema = Schema::load(&store).unwrap();
    let names = NameIndex::load(&store).unwrap();
    for file in gallery() {
        let text = std::fs::read_to_string(&file).unwrap();
        let script = lang::parse(&text)
            .unwrap_or_else(|d| panic!("{}", d.render(&file.display().to_string(), &text, false)));
        insta::assert_snapshot!(format!("{}__ast", name(&file)), lang::sexp::script(&script));
        let mut compiler = Compiler::new();
        compiler.set_param("country", "Ukraine");
        let mut printed = Vec::new();
        for statement in &script.statements {
            let compiled = compiler
                .compile(&schema, &names, statement)
                .unwrap_or_else(|d| {
                    panic!("{}", d.render(&file.display().to_string(), &text, false))
                });
            match compiled {
                Compiled::Select { query, .. } => {
                    let pretty = sparql::pretty(&query, treaty::vocab::PREFIXES);
                    for text in [sparql::to_sparql(&query), pretty.clone()] {
                        let again = spargebra::SparqlParser::new()
                            .parse_query(&text)
                            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", file.display()));
                        assert_eq!(
                            sparql::canonical_sse(&query),
                            sparql::canonical_sse(&again),
                            "{}: the SPARQL does not parse back to the same algebra:\n{text}",
                            file.display()
                        );
                    }
                    printed.push(pretty);
                }
                Compiled::Analysis(plan) => {
                    for (what, query) in plan.fetches() {
                        let pretty = sparql::pretty(query, treaty::vocab::PREFIXES);
                        let again = spargebra::SparqlParser::new()
                            .parse_query(&pretty)
                            .unwrap_or_else(|e| panic!("{}: {e}\n{pretty}", file.display()));
                        assert_eq!(
                            sparql::canonical_sse(query),
                            sparql::canonical_sse(&again),
                            "{}: the SPARQL does not parse back to the same algebra:\n{pretty}",
                            file.display()
                        );
                        printed.push(format!("# fetch: {what}\n{pretty}"));
                    }
                    printed.push(format!("# then: {}", plan.step()));
                }
                Compiled::Sparql(raw) => {
                    assert!(matches!(statement, Statement::Sparql { .. }));
                    printed.push(raw);
                }
                Compiled::Defined(n) => printed.push(format!("(let {n})")),
            }
        }
        insta::assert_snapshot!(format!("{}__sparql", name(&file)), printed.join("\n\n"));
    }
}

/// Each gallery file run as a user would, its result sets written one CSV file per statement
/// (`-o DIR`: several result sets never go to standard output as one CSV), the files in order.
#[test]
fn gallery_rows_through_the_binary() {
    for file in gallery() {
        let dir = tempfile::tempdir().unwrap();
        treaty()
            .args([
                "--memory",
                "run",
                file.to_str().unwrap(),
                "--param",
                "country=Ukraine",
                "--format",
                "csv",
                "-o",
            ])
            .arg(dir.path())
            .assert()
            .success();
        let mut csv: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        csv.sort();
        let out: String = csv
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        insta::assert_snapshot!(format!("{}__rows", name(&file)), out);
    }
}

#[test]
fn every_example_in_the_language_reference_compiles_against_the_bundled_schema() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md")).unwrap();
    let store = Store::open(&Location::Memory, false).unwrap();
    let schema = Schema::load(&store).unwrap();
    let names = NameIndex::load(&store).unwrap();
    // One compiler for the whole page, so a `let` shown once can be used by later examples.
    let mut compiler = Compiler::new();
    compiler.set_param("country", "Ukraine");
    compiler.set_param("from", "1815");
    let mut examples = 0;
    let mut blocks = doc.split("```tql\n").skip(1);
    let mut failures = Vec::new();
    for block in blocks.by_ref() {
        let text = block.split("```").next().unwrap();
        let script = lang::parse(text)
            .unwrap_or_else(|d| panic!("{}", d.render("docs/language.md", text, false)));
        for statement in &script.statements {
            examples += 1;
            if let Err(d) = compiler.compile(&schema, &names, statement) {
                failures.push(d.render("example", text, false));
            }
        }
    }
    assert!(examples > 20, "only {examples} examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The examples of docs/language.md that give no rows on the bundled data, each for a reason a
/// reader can see in the text around it. Every other example must find something: an example
/// that silently matches nothing teaches the wrong thing (as `iso_code in ('RU', ...)` did when
/// the data holds three-letter codes).
const EMPTY_EXAMPLES: &[&str] = &[
    // Every bundled guarantee has a recorded outcome today; imported ones may not.
    "guarantees without outcome",
    // Shown as a data check: "data errors, if any".
    "conflicts where end < start",
];

#[test]
fn every_example_in_the_language_reference_runs_and_finds_something() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md")).unwrap();
    let store = Store::open(&Location::Memory, false).unwrap();
    let mut session = treaty::session::Session::new(&store).unwrap();
    session.bind(&[
        ("country".to_owned(), "Ukraine".to_owned()),
        ("from".to_owned(), "1815".to_owned()),
    ]);
    let mut ran = 0;
    let mut failures = Vec::new();
    for block in doc.split("```tql\n").skip(1) {
        let text = block.split("```").next().unwrap();
        for outcome in session.run_script("docs/language.md", text).unwrap() {
            let statement = outcome.text.trim().to_owned();
            let rows = match &outcome.result {
                Err(error) => {
                    failures.push(format!("{statement}\n  fails: {error}"));
                    continue;
                }
                Ok(_) => match outcome.answer() {
                    None => continue,
                    Some(treaty::results::Answer::Boolean(_)) => 1,
                    Some(treaty::results::Answer::Table(table)) => table.rows.len(),
                },
            };
            ran += 1;
            if rows == 0 && !EMPTY_EXAMPLES.contains(&statement.as_str()) {
                failures.push(format!("{statement}\n  finds nothing on the bundled data"));
            }
        }
    }
    assert!(ran > 20, "only {ran} examples ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
