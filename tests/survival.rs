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
        .stderr(predicate::str::contains("`meeting`"));
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
    // A let that counts has no row per entity: an error at the name.
    treaty()
        .args([
            "--memory",
            "query",
            "let n = count settlements by kind; survival of n",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("query:1:48"));
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

/// (time, at risk, events, censored, survival, lower, upper) of one step.
type Step = (f64, u64, u64, u64, f64, f64, f64);

/// The step table of one group, as the `survival` table of `md` gives it.
fn steps(all: &[(String, Vec<Vec<String>>)], group: &str) -> Vec<Step> {
    table(all, "survival")
        .iter()
        .skip(1)
        .filter(|row| row[0] == group)
        .map(|r| {
            (
                num(&r[1]),
                num(&r[2]) as u64,
                num(&r[3]) as u64,
                num(&r[4]) as u64,
                num(&r[5]),
                num(&r[6]),
                num(&r[7]),
            )
        })
        .collect()
}

fn assert_steps(found: &[Step], expected: &[Step], group: &str) {
    assert_eq!(found.len(), expected.len(), "{group}: {found:?}");
    for (f, e) in found.iter().zip(expected) {
        // lifelines' numbers are printed to four places, as treaty's are: they must agree to
        // the last place (5e-5 allows for the two roundings of the same number).
        let close = |a: f64, b: f64| (a - b).abs() <= 5e-5;
        assert!(
            close(f.0, e.0)
                && f.1 == e.1
                && f.2 == e.2
                && f.3 == e.3
                && close(f.4, e.4)
                && close(f.5, e.5)
                && close(f.6, e.6),
            "{group}: treaty {f:?}, lifelines {e:?}"
        );
    }
}

/// lifelines' numbers for the peacekeeping comparison, as printed by
/// `python3 tests/reference/survival_bundled.py $CARGO_TARGET_DIR/debug/treaty` (lifelines
/// 0.30.3), which fetches the settlements with hand-written SPARQL and codes them itself.
const LIFELINES: &str = include_str!("reference/survival_bundled.txt");

/// The step tables lifelines printed, by group.
fn lifelines_steps() -> Vec<(String, Vec<Step>)> {
    let mut out: Vec<(String, Vec<Step>)> = Vec::new();
    for line in LIFELINES.lines() {
        if let Some(rest) = line.strip_prefix("# group ") {
            out.push((rest.split(':').next().unwrap().to_owned(), Vec::new()));
        } else if let Some(tuple) = line.strip_prefix('(') {
            let v: Vec<f64> = tuple
                .trim_end_matches("),")
                .split(", ")
                .map(|x| x.parse().unwrap())
                .collect();
            out.last_mut().unwrap().1.push((
                v[0],
                v[1] as u64,
                v[2] as u64,
                v[3] as u64,
                v[4],
                v[5],
                v[6],
            ));
        }
    }
    out
}

#[test]
fn peacekeeping_or_not_matches_lifelines_on_the_bundled_data() {
    let (md, stderr) = query_md(PEACEKEEPING);
    let all = tables(&md);
    let groups = lifelines_steps();
    assert_eq!(groups.len(), 2);
    for (group, expected) in &groups {
        assert_steps(&steps(&all, group), expected, group);
    }
    // Medians and their intervals: lifelines gives inf where treaty says "not reached".
    // yes: median 20.490075290896645, interval [7.208761122518823, inf]; no:
    // 23.83025325119781, [19.184120465434635, 31.45516769336071].
    let summary = table(&all, "summary");
    assert_eq!(
        summary[0],
        [
            "guarantee.mechanism is peacekeeping",
            "subjects",
            "events",
            "censored",
            "median",
            "median_lower",
            "median_upper",
            "expected_events"
        ]
    );
    assert_eq!(
        summary[1][..7],
        ["yes", "28", "13", "15", "20.4901", "7.2088", "not reached"]
    );
    assert_eq!(
        summary[2][..7],
        ["no", "289", "146", "143", "23.8303", "19.1841", "31.4552"]
    );
    // lifelines: log-rank statistic 0.064327, p 0.799783.
    let test = table(&all, "log-rank test");
    assert_eq!(test[1][..2], ["log-rank", "2"]);
    assert!((num(&test[1][2]) - 0.064327).abs() < 5e-5, "{test:?}");
    assert_eq!(test[1][3], "1");
    assert!((num(&test[1][4]) - 0.799783).abs() < 5e-5, "{test:?}");
    // The six never in force are named on standard error, with the imprecise dates.
    assert!(
        stderr.contains("note: left out 6 settlements never in force")
            && stderr.contains("Istanbul Communiqué"),
        "{stderr}"
    );
    assert!(
        stderr.contains("of the 317 durations involve a date known only"),
        "{stderr}"
    );
}
