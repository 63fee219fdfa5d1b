//! TQL from the outside: the commands, their errors as a user sees them, parameters, injection,
//! and a property test that random valid queries compile to SPARQL that parses back.

mod common;

use common::{fixture, stdout, treaty};
use predicates::prelude::*;
use proptest::prelude::*;
use spargebra::algebra::{Expression, GraphPattern};
use treaty::compile::{Compiled, Compiler};
use treaty::lang;
use treaty::schema::{NameIndex, Schema};
use treaty::sparql;
use treaty::store::{Location, Store};

#[test]
fn error_cases_render_with_a_caret_and_exit_3() {
    let mut files: Vec<_> = std::fs::read_dir(fixture("errors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    for file in files {
        let relative = format!(
            "tests/fixtures/errors/{}",
            file.file_name().unwrap().to_string_lossy()
        );
        let out = treaty()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["--memory", "run", &relative])
            .assert()
            .code(3)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains('^') || stderr.contains('─'),
            "no caret in {stderr}"
        );
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("error__{name}"), stderr);
    }
}

#[test]
fn query_reads_standard_input_and_binds_parameters() {
    let out = stdout(
        treaty()
            .args(["--memory", "query", "-", "--format", "csv", "--param", "who=Britain"])
            .write_stdin("guarantees where settlement = \"Treaty of London (1839)\" and guarantor = $who show name"),
    );
    assert_eq!(out, "name\r\nGuarantee of Belgian neutrality (1839)\r\n");
}

#[test]
fn explain_prints_sparql_that_oxigraph_accepts() {
    let out = stdout(treaty().args([
        "--memory",
        "explain",
        "count guarantees where outcome is violated by violated_by",
    ]));
    assert!(out.starts_with("# count guarantees"), "{out}");
    // On several lines, with the prefixes it uses, up to the blank line after it.
    let sparql: String = out
        .lines()
        .skip(1)
        .take_while(|line| !line.is_empty())
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(sparql.starts_with("PREFIX "), "{sparql}");
    assert!(
        sparql.contains("\nSELECT ?violated_by (COUNT(DISTINCT ?__this) AS ?count)\nWHERE {\n"),
        "{sparql}"
    );
    // The printed SPARQL runs through the raw escape hatch and gives the same rows.
    let via_sparql = stdout(treaty().args(["--memory", "sparql", "--format", "csv", &sparql]));
    let via_tql = stdout(treaty().args([
        "--memory",
        "query",
        "--format",
        "csv",
        "count guarantees where outcome is violated by violated_by",
    ]));
    assert_eq!(via_sparql, via_tql);
}

#[test]
fn a_bad_parameter_argument_is_a_usage_error() {
    treaty()
        .args(["--memory", "query", "settlements", "--param", "nonsense"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("NAME=VALUE"));
}

#[test]
fn predecessors_widen_an_actor() {
    let q = |tql: &str| {
        stdout(treaty().args(["--memory", "query", "--format", "csv", tql]))
            .lines()
            .count()
            - 1
    };
    let russia = q("guarantees where guarantor = Russia show name");
    let lineage = q("guarantees where guarantor = Russia including predecessors show name");
    let soviet = q("guarantees where guarantor = \"Soviet Union\" show name");
    let empire = q("guarantees where guarantor = \"Russian Empire\" show name");
    assert!(russia > 0 && soviet > 0 && empire > 0);
    assert!(lineage >= russia.max(soviet).max(empire));
    assert!(lineage <= russia + soviet + empire);
}

/// The kinds of the algebra's nodes, without their terms: what a query does, not what it
/// says.
fn shape(pattern: &GraphPattern, out: &mut String) {
    let expr = |e: &Expression, out: &mut String| expression_shape(e, out);
    match pattern {
        GraphPattern::Bgp { patterns } => out.push_str(&format!("bgp{} ", patterns.len())),
        GraphPattern::Path { .. } => out.push_str("path "),
        GraphPattern::Join { left, right }
        | GraphPattern::LeftJoin { left, right, .. }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            out.push_str(match pattern {
                GraphPattern::Join { .. } => "join(",
                GraphPattern::LeftJoin { .. } => "leftjoin(",
                GraphPattern::Union { .. } => "UNION(",
                _ => "minus(",
            });
            shape(left, out);
            shape(right, out);
            out.push(')');
        }
        GraphPattern::Filter { expr: e, inner } => {
            out.push_str("filter[");
            expr(e, out);
            out.push(']');
            shape(inner, out);
        }
        GraphPattern::Extend { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Group { inner, .. } => {
            out.push_str("node(");
            shape(inner, out);
            out.push(')');
        }
        other => out.push_str(&format!("other:{other:?}")),
    }
}

fn expression_shape(e: &Expression, out: &mut String) {
    match e {
        Expression::Exists(p) => {
            out.push_str("exists(");
            shape(p, out);
            out.push(')');
        }
        Expression::And(a, b) | Expression::Or(a, b) => {
            expression_shape(a, out);
            expression_shape(b, out);
        }
        Expression::Not(a) => expression_shape(a, out),
        _ => out.push('e'),
    }
}

fn compile_one(tql: &str, params: &[(&str, &str)]) -> spargebra::Query {
    let store = Store::open(&Location::Memory, false).unwrap();
    let schema = Schema::load(&store).unwrap();
    let names = NameIndex::load(&store).unwrap();
    let mut compiler = Compiler::new();
    for (k, v) in params {
        compiler.set_param(k, v);
    }
    let script = lang::parse(tql).unwrap_or_else(|d| panic!("{}", d.render("q", tql, false)));
    match compiler.compile(&schema, &names, &script.statements[0]) {
        Ok(Compiled::Select { query, .. }) => *query,
        other => panic!("{other:?}"),
    }
}

fn pattern_shape(query: &spargebra::Query) -> String {
    let spargebra::Query::Select { pattern, .. } = query else {
        panic!("not a SELECT")
    };
    let mut out = String::new();
    shape(pattern, &mut out);
    out
}

#[test]
fn hostile_text_stays_one_literal() {
    let hostile = [
        r#"\"} UNION { ?s ?p ?o } #"#,
        r#"'); DROP ALL; --"#,
        r#"back\\slash and \"quote\" and \n newline"#,
        "DROP ALL",
        r#"?s ?p ?o . } INSERT DATA { <a:b> <a:c> <a:d> } #"#,
    ];
    let benign = compile_one(r#"settlements where name contains "benign""#, &[]);
    for text in hostile {
        let tql = format!("settlements where name contains \"{text}\"");
        let query = compile_one(&tql, &[]);
        assert_eq!(pattern_shape(&query), pattern_shape(&benign), "{tql}");
        let pretty = sparql::pretty(&query, treaty::vocab::PREFIXES);
        for printed in [sparql::to_sparql(&query), pretty] {
            let again = spargebra::SparqlParser::new()
                .parse_query(&printed)
                .unwrap();
            assert_eq!(sparql::canonical_sse(&query), sparql::canonical_sse(&again));
            assert!(
                spargebra::SparqlParser::new()
                    .parse_update(&printed)
                    .is_err()
            );
        }
    }
    // The same text through a parameter.
    for text in hostile {
        let query = compile_one("settlements where name = $x", &[("x", text)]);
        let plain = compile_one("settlements where name = $x", &[("x", "plain")]);
        assert_eq!(pattern_shape(&query), pattern_shape(&plain), "{text}");
    }
}

#[test]
fn hostile_text_finds_nothing_and_changes_nothing() {
    let store = common::TestStore::new();
    let before = store.quads();
    let out = stdout(&mut store.cmd(&[
        "query",
        "--format",
        "csv",
        r#"settlements where name contains "\"} UNION { ?s ?p ?o } #""#,
    ]));
    assert_eq!(out.lines().count(), 1, "only the header: {out}");
    assert_eq!(store.quads(), before);
}

fn atom(set: usize) -> BoxedStrategy<String> {
    let atoms: &[&[&str]] = &[
        &[
            "signed >= 1815",
            "signed between 1900 and 1950-06",
            "name contains \"treaty\"",
            "guarantee.mechanism is neutrality",
            "party = Britain",
            "party = Russia including predecessors",
            "status is \"in force\"",
            "with guarantee",
            "without peace_held_until",
            "supersedes+ = \"Minsk Protocol\"",
            "year(signed) > 1900",
            "kind in (armistice, \"peace treaty\")",
        ],
        &[
            "outcome is violated",
            "reciprocal = true",
            "guarantor = France",
            "settlement.signed < 1945-09-02",
            "mechanism is \"non-aggression\"",
            "with violated_by",
            "pledge matches \"neutral\"",
        ],
        &[
            "start >= 1914",
            "belligerent = Germany",
            "conflict_kind is crisis",
            "name contains \"war\"",
        ],
    ];
    proptest::sample::select(atoms[set].to_vec())
        .prop_map(str::to_owned)
        .boxed()
}

fn condition(set: usize) -> impl Strategy<Value = String> {
    atom(set).prop_recursive(3, 12, 2, move |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn query() -> impl Strategy<Value = String> {
    (0usize..3).prop_flat_map(|set| {
        let noun = ["settlements", "guarantees", "conflicts"][set];
        let shows: &[&[&str]] = &[
            &[
                "",
                " show name, signed",
                " show distinct kind",
                " by kind",
                " by century(signed)",
            ],
            &[
                "",
                " show name, outcome",
                " by outcome",
                " show mechanism, count(*) as n",
            ],
            &["", " show name, start, end", " by conflict_kind"],
        ];
        (
            condition(set),
            proptest::sample::select(shows[set].to_vec()),
            proptest::option::of(0u64..50),
        )
            .prop_map(move |(c, show, limit)| {
                let limit = limit.map(|l| format!(" limit {l}")).unwrap_or_default();
                format!("{noun} where {c}{show}{limit}")
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_valid_queries_compile_to_sparql_that_parses_back(tql in query()) {
        let query = compile_one(&tql, &[]);
        // On one line for endpoints, on several for people: both read back the same.
        for printed in [sparql::to_sparql(&query), sparql::pretty(&query, treaty::vocab::PREFIXES)] {
            let again = spargebra::SparqlParser::new().parse_query(&printed);
            prop_assert!(again.is_ok(), "{tql}\n{printed}");
            prop_assert_eq!(sparql::canonical_sse(&query), sparql::canonical_sse(&again.unwrap()));
        }
    }
}

#[test]
fn run_reads_a_script_from_standard_input() {
    let out = stdout(
        treaty()
            .args(["--memory", "run", "-", "--format", "csv"])
            .write_stdin("let minsk = settlements where name contains \"minsk\";\ncount minsk"),
    );
    assert_eq!(out, "count\r\n3\r\n");
}

#[test]
fn dates_show_at_their_precision_and_json_keeps_the_stored_date() {
    // The Seven Years' War began in 1756; the data knows the year only (tr:startPrecision).
    let tql = "conflicts where name = \"Seven Years' War\" or name = \"Franco-Dutch War\" \
               show name, start order by start";
    let csv = stdout(treaty().args(["--memory", "query", tql, "--format", "csv"]));
    assert_eq!(
        csv,
        "name,start\r\nFranco-Dutch War,1672-04-06\r\nSeven Years' War,1756\r\n"
    );
    let table = stdout(treaty().args(["--memory", "query", tql, "--format", "md"]));
    assert!(table.contains("| Seven Years' War | 1756 |"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&stdout(
        treaty().args(["--memory", "query", tql, "--format", "json"]),
    ))
    .unwrap();
    let start = &json["results"]["bindings"][1]["start"];
    assert_eq!(start["value"], "1756-01-01", "{json}");
    assert_eq!(
        start["datatype"], "http://www.w3.org/2001/XMLSchema#date",
        "{json}"
    );
    // A list of dates shows each at its own precision: the conflicts a settlement ended.
    let list = stdout(treaty().args([
        "--memory",
        "query",
        "settlements where name = \"Treaty of Paris (1763)\" show name, ends.start",
        "--format",
        "csv",
    ]));
    assert!(list.contains(",1756\r\n"), "{list}");
    assert!(!list.contains("1756-01-01"), "{list}");
}

#[test]
fn functions_of_dates_take_written_dates_and_today() {
    // The Treaty of Paris (1856) was signed on 30 March 1856: 57 whole years before 1913-04-01,
    // 56 before 1913-03-29.
    let tql = "settlements where name = \"Treaty of Paris (1856)\" \
               show years(signed, 1913-04-01) as a, years(signed, 1913-03-29) as b";
    assert_eq!(
        stdout(treaty().args(["--memory", "query", tql, "--format", "csv"])),
        "a,b\r\n57,56\r\n"
    );
    // today(): the same number of whole years as the calendar gives from the test's clock.
    let today = stdout(treaty().args([
        "--memory",
        "query",
        "settlements where name = \"Treaty of Paris (1856)\" show years(signed, today()) as y",
        "--format",
        "csv",
    ]));
    let years: i64 = today.lines().nth(1).unwrap().trim().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let year_now = 1970 + now / 31_556_952; // a Gregorian year, to within a day of New Year
    assert!(
        (year_now - 1857..=year_now - 1855).contains(&years),
        "{years} years since 1856"
    );
    // today() where a date goes: nothing was signed after it.
    assert_eq!(
        stdout(treaty().args([
            "--memory",
            "query",
            "count settlements where signed > today()",
            "--format",
            "csv"
        ])),
        "count\r\n0\r\n"
    );
    // A year alone is not a day.
    treaty()
        .args(["--memory", "query", "settlements show years(signed, 1918)"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "write the full date, such as `1918-01-01`",
        ));
}

#[test]
fn an_unquoted_name_of_several_words_is_told_to_be_quoted() {
    treaty()
        .args([
            "--memory",
            "query",
            "guarantees where guarantor = United States",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "`United States` is a name in the data: put it in quotes, \"United States\"",
        ));
    // Words that make no name get the parser's own advice only.
    let out = treaty()
        .args([
            "--memory",
            "query",
            "guarantees where guarantor = Britain Frobnitz",
        ])
        .assert()
        .code(3)
        .get_output()
        .clone();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("is a name in the data"));
}

#[test]
fn construct_and_describe_answers_are_written_as_turtle_or_ntriples() {
    let query = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s tr:signed \"1856-03-30\"^^xsd:date ; rdfs:label ?l }";
    let turtle = stdout(treaty().args(["--memory", "sparql", query, "--format", "turtle"]));
    // Parsed back by Oxigraph's own parser: one triple, the Treaty of Paris (1856) and its label.
    let triples: Vec<_> = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .for_slice(turtle.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}\n{turtle}"));
    assert_eq!(triples.len(), 1, "{turtle}");
    assert!(turtle.contains("@prefix ts:"), "{turtle}");
    assert!(turtle.contains("\"Treaty of Paris (1856)\"@en"), "{turtle}");
    let nt = stdout(treaty().args(["--memory", "sparql", query, "--format", "nt"]));
    assert_eq!(nt.lines().count(), 1, "{nt}");
    assert!(nt.starts_with("<https://w3id.org/treaty/id/settlement/treaty-of-paris-1856> <http://www.w3.org/2000/01/rdf-schema#label> \"Treaty of Paris (1856)\"@en ."), "{nt}");
    // Rows are no triples: a usage error that says what the formats are for.
    treaty()
        .args([
            "--memory",
            "query",
            "settlements limit 1",
            "--format",
            "turtle",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("CONSTRUCT or DESCRIBE"));
}
