//! `survival of` and `rate of` as a user runs them: `treaty query`, `explain`, `run` with a
//! report, in every output format, and their errors. The numbers on the bundled data are
//! checked against lifelines (tests/reference/survival_bundled.py, which fetches the rows with
//! hand-written SPARQL and codes them itself) and against counts of hand-written SPARQL.

mod common;

use common::{stdout, treaty};
use predicates::prelude::*;

const PEACEKEEPING: &str = "survival of settlements by whether guarantee.mechanism is peacekeeping";

/// The Markdown tables of an output, each under the `-- heading` line before it.
fn tables(md: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    let mut heading = String::new();
    for line in md.lines() {
        if let Some(h) = line.strip_prefix("-- ") {
            heading = h.to_owned();
            out.push((heading.clone(), Vec::new()));
        } else if line.starts_with('|') && !line.starts_with("|--") && !line.starts_with("| --") {
            if out.last().is_none_or(|(h, _)| *h != heading) {
                out.push((heading.clone(), Vec::new()));
            }
            let cells = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            out.last_mut().unwrap().1.push(cells);
        }
    }
    out
}

fn table<'t>(all: &'t [(String, Vec<Vec<String>>)], title: &str) -> &'t [Vec<String>] {
    &all.iter()
        .find(|(h, _)| h.ends_with(&format!(": {title}")))
        .unwrap_or_else(|| panic!("no table `{title}` in {all:?}"))
        .1
}

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

fn num(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("`{cell}` is not a number"))
}

#[test]
fn explain_shows_the_fetch_queries_and_names_the_statistical_step() {
    let out = stdout(treaty().args(["--memory", "explain", PEACEKEEPING]));
    assert!(out.contains("# fetch 1 of 3: the entities"), "{out}");
    assert!(
        out.contains("# fetch 2 of 3: the entities in the first group"),
        "{out}"
    );
    assert!(
        out.contains("# fetch 3 of 3: each entity's observation date"),
        "{out}"
    );
    assert!(out.contains("tr:peaceEnding"), "{out}");
    assert!(out.contains("tr:observedOn"), "{out}");
    assert!(
        out.contains("# then: Kaplan-Meier estimate per group")
            && out.contains("log-rank test across groups (src/analysis/survival)"),
        "{out}"
    );
    // Every fetch is a query the SPARQL parser accepts.
    for block in out.split("# fetch ").skip(1) {
        let sparql: String = block
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("# then"))
            .collect::<Vec<_>>()
            .join("\n");
        spargebra::SparqlParser::new()
            .parse_query(&sparql)
            .unwrap_or_else(|e| panic!("{e}\n{sparql}"));
    }
}

#[test]
fn errors_point_at_the_fault() {
    treaty()
        .args(["--memory", "query", "survival of conflicts"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "survival is measured for settlements and guarantees, not `conflicts`",
        ))
        .stderr(predicate::str::contains("^^^^^^^^^").or(predicate::str::contains("───")));
    treaty()
        .args([
            "--memory",
            "query",
            "rate of guarantees where outcome is violated",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("expected `meeting`"));
    treaty()
        .args([
            "--memory",
            "query",
            "rate of guarantees meeting outcome is violated within ten years",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("a number of years"));
    treaty()
        .args([
            "--memory",
            "query",
            "survival of settlements by whether mechanizm is peacekeeping",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("mechanizm"));
    // A let that counts has no row per entity.
    treaty()
        .args([
            "--memory",
            "query",
            "let n = count settlements by kind; survival of n",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("counts or groups its rows"));
}

#[test]
fn several_tables_are_no_single_csv_but_a_rate_is() {
    treaty()
        .args(["--memory", "query", "--format", "csv", PEACEKEEPING])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("3 result sets"));
    let csv = stdout(treaty().args([
        "--memory",
        "query",
        "--format",
        "csv",
        "rate of guarantees meeting outcome is violated",
    ]));
    assert!(
        csv.starts_with("count,total,share,lower,upper\r\n"),
        "{csv}"
    );
}
