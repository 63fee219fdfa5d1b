//! Reports (`treaty run FILE.tq --format md|html|csv|json -o PATH`): every example report in
//! `queries/reports/` runs in every format through the binary, and the tests read the files
//! back: Markdown tables, HTML parsed with scraper (one SVG mark per data point), CSV files
//! with their headers, JSON result sets. Failing checks, `--bail`, failed statements and
//! missing parameters give the documented exit codes and messages.

mod common;

use std::path::{Path, PathBuf};

use common::{stdout, treaty};
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use treaty::report::{self, Options};
use treaty::session::Session;
use treaty::store::{Location, Store};

const FORMATS: &[&str] = &["md", "html", "csv", "json"];

fn reports() -> Vec<PathBuf> {
    common::tq_files("queries/reports")
}

fn example(name: &str) -> PathBuf {
    reports()
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().contains(name))
        .unwrap_or_else(|| panic!("no example report named {name}"))
}

/// Runs `report` into `dir/<stem>.<format>` (a folder for CSV) and returns that path.
fn run_into(dir: &Path, report: &Path, format: &str, params: &[&str]) -> PathBuf {
    let stem = report.file_stem().unwrap().to_string_lossy();
    let out = if format == "csv" {
        dir.join(format!("{stem}-csv"))
    } else {
        dir.join(format!("{stem}.{format}"))
    };
    let mut cmd = treaty();
    cmd.args(["--memory", "run"])
        .arg(report)
        .args(["--format", format, "-o"])
        .arg(&out);
    for p in params {
        cmd.args(["--param", p]);
    }
    cmd.assert().success();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_of(dir: &Path, report: &Path, params: &[&str]) -> Value {
    serde_json::from_str(&read(&run_into(dir, report, "json", params))).unwrap()
}

/// The rows of each Markdown table in `md`, as lists of cells.
fn markdown_tables(md: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut current: Vec<Vec<String>> = Vec::new();
    for line in md.lines() {
        if line.starts_with('|') {
            if line.starts_with("|---") {
                continue;
            }
            current.push(
                line.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().to_owned())
                    .collect(),
            );
        } else if !current.is_empty() {
            tables.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tables.push(current);
    }
    tables
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && text.replace('-', "").parse::<u32>().is_ok()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// For every chart in the HTML: (kind, marks drawn, data points in the table under it).
fn charts(html: &Html) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for result in html.select(&sel("div.result")) {
        let Some(svg) = result.select(&sel("svg.chart")).next() else {
            continue;
        };
        let class = svg.value().attr("class").unwrap();
        let column = svg.value().attr("data-column").unwrap();
        let table = result
            .select(&sel("table"))
            .next()
            .expect("a chart has its table");
        let headers: Vec<String> = table
            .select(&sel("th"))
            .map(|th| th.text().collect())
            .collect();
        let index = headers.iter().position(|h| h == column).unwrap();
        // A survival step table is folded into one table per group: read them all.
        let cells: Vec<String> = result
            .select(&sel("table tbody tr"))
            .map(|tr| {
                let tds: Vec<ElementRef> = tr.select(&sel("td")).collect();
                tds[index].text().collect()
            })
            .collect();
        let (kind, marks, points) = if class.contains("chart-timeline") {
            (
                "timeline",
                svg.select(&sel("circle")).count(),
                cells.iter().filter(|c| is_date(c)).count(),
            )
        } else if class.contains("chart-survival") {
            // One shaded band per group; the groups are the first column's values, or one.
            let mut groups: Vec<String> = if headers[0] == "time" {
                vec!["all".to_owned()]
            } else {
                result
                    .select(&sel("table tbody tr"))
                    .map(|tr| tr.select(&sel("td")).next().unwrap().text().collect())
                    .collect()
            };
            groups.sort();
            groups.dedup();
            (
                "survival",
                svg.select(&sel("polygon")).count(),
                groups.len(),
            )
        } else if class.contains("chart-rates") {
            (
                "rates",
                svg.select(&sel("rect")).count(),
                cells.iter().filter(|c| c.parse::<f64>().is_ok()).count(),
            )
        } else {
            assert!(class.contains("chart-bars"), "{class}");
            (
                "bars",
                svg.select(&sel("rect")).count(),
                cells.iter().filter(|c| c.parse::<f64>().is_ok()).count(),
            )
        };
        out.push((kind.to_owned(), marks, points));
    }
    out
}

#[test]
fn there_are_four_example_reports_and_each_compiles() {
    let files = reports();
    assert_eq!(files.len(), 4, "{files:?}");
    let store = Store::open(&Location::Memory, false).unwrap();
    for file in files {
        let text = read(&file);
        let parsed = report::syntax::parse(&file.display().to_string(), &text).unwrap();
        assert!(!parsed.sections.is_empty());
        let mut session = Session::new(&store).unwrap();
        for param in &parsed.params {
            let value = param.default.as_deref().unwrap_or("Ukraine");
            session.compiler().set_param(&param.name, value);
        }
        let explained = session
            .explain(&file.display().to_string(), &text)
            .unwrap_or_else(|e| panic!("{}: {}", file.display(), e.render(false)));
        for outcome in explained {
            let statement = &outcome.text;
            let sparql = outcome
                .sparql()
                .unwrap_or_else(|| panic!("{statement}: no SPARQL"));
            // A statistics statement runs several queries, each after a `# fetch` comment.
            for query in sparql.split("\n\n").filter(|q| q.contains("SELECT")) {
                spargebra::SparqlParser::new()
                    .parse_query(query)
                    .unwrap_or_else(|e| panic!("{statement}: {e}\n{query}"));
            }
        }
    }
}

#[test]
fn every_example_report_runs_in_every_format_and_the_outputs_agree() {
    let dir = tempfile::tempdir().unwrap();
    for file in reports() {
        let params = ["country=Ukraine"];
        let json = json_of(dir.path(), &file, &params);
        let results = json["results"].as_array().unwrap();
        assert!(results.len() >= 3, "{}", file.display());
        let names: Vec<&str> = results
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "result names repeat: {names:?}");
        for result in results {
            assert!(result["error"].is_null(), "{result}");
            assert_eq!(
                result["rows"].as_array().unwrap().len() as u64,
                result["row_count"].as_u64().unwrap()
            );
            assert!(result["sparql"].as_str().unwrap().contains("SELECT"));
        }
        let record = &json["report"];
        assert_eq!(
            record["tool"],
            format!("treaty {}", env!("CARGO_PKG_VERSION"))
        );
        assert!(record["data"]["triples"].as_u64().unwrap() > 1000);
        assert!(
            record["data"]["graphs"][0]["graph"]
                .as_str()
                .unwrap()
                .contains("graph/bundled")
        );

        for format in FORMATS {
            let out = run_into(dir.path(), &file, format, &params);
            match *format {
                "md" => {
                    let md = read(&out);
                    let tables = markdown_tables(&md);
                    // One table per result, then the data fingerprint.
                    assert_eq!(tables.len(), results.len() + 1, "{md}");
                    for (table, result) in tables.iter().zip(results) {
                        let columns: Vec<&str> = result["columns"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|c| c.as_str().unwrap())
                            .collect();
                        assert_eq!(table[0], columns, "{}", file.display());
                        assert_eq!(table.len() - 1, result["rows"].as_array().unwrap().len());
                    }
                    assert!(md.contains("## Reproducibility"));
                    assert!(md.contains("```sparql\n"));
                    assert!(md.contains("SELECT"));
                }
                "html" => {
                    let text = read(&out);
                    let html = Html::parse_document(&text);
                    assert_eq!(html.select(&sel("div.result")).count(), results.len());
                    for tag in ["script", "link", "img", "iframe"] {
                        assert_eq!(
                            html.select(&sel(tag)).count(),
                            0,
                            "{tag} in {}",
                            out.display()
                        );
                    }
                    assert!(!text.contains("url("), "a style fetches something");
                    let charts = charts(&html);
                    assert!(!charts.is_empty(), "{}: no chart", file.display());
                    for (kind, marks, points) in charts {
                        assert!(points > 0);
                        assert_eq!(marks, points, "{}: a {kind} chart", file.display());
                    }
                }
                "csv" => {
                    let manifest: Value =
                        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
                    let listed = manifest["results"].as_array().unwrap();
                    assert_eq!(listed.len(), results.len());
                    for (entry, result) in listed.iter().zip(results) {
                        assert!(entry.get("rows").is_none(), "the manifest holds no rows");
                        let path = out.join(entry["file"].as_str().unwrap());
                        let mut reader = csv::Reader::from_path(&path).unwrap();
                        let headers: Vec<String> = reader
                            .headers()
                            .unwrap()
                            .iter()
                            .map(str::to_owned)
                            .collect();
                        assert_eq!(Value::from(headers), result["columns"]);
                        let records = reader.records().map(Result::unwrap).count();
                        assert_eq!(records as u64, result["row_count"].as_u64().unwrap());
                    }
                    let files = std::fs::read_dir(&out).unwrap().count();
                    assert_eq!(files, results.len() + 1);
                }
                _ => {
                    let again: Value = serde_json::from_str(&read(&out)).unwrap();
                    assert_eq!(again["results"], json["results"]);
                }
            }
        }
    }
}

/// The rows of the Markdown table under `## heading`.
fn section_table(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading}"));
    let rest = &md[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    markdown_tables(&rest[..end])
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no table under {heading}"))
}

#[test]
fn the_ukraine_dossier_holds_budapest_minsk_and_istanbul() {
    let dir = tempfile::tempdir().unwrap();
    let file = example("dossier");
    let md = read(&run_into(dir.path(), &file, "md", &["country=Ukraine"]));
    assert!(md.starts_with("# Country dossier: Ukraine\n"), "{md}");
    let settlements = section_table(&md, "Settlements");
    assert_eq!(settlements[0], ["signed", "name", "kind", "status"]);
    for (date, name) in [
        ("1994-12-05", "Budapest Memorandum on Security Assurances"),
        ("2014-09-05", "Minsk Protocol"),
        ("2015-02-12", "Minsk II"),
        ("2022-03-29", "Istanbul Communiqué"),
    ] {
        assert!(
            settlements.iter().any(|r| r[0] == date && r[1] == name),
            "{name} ({date}) missing: {settlements:?}"
        );
    }
    let received = section_table(&md, "Guarantees it received");
    let budapest = received
        .iter()
        .find(|r| r[1] == "Budapest Memorandum on Security Assurances")
        .unwrap();
    assert_eq!(budapest.last().unwrap(), "violated");

    // Another country, same report: the parameter reaches every statement and the title.
    let other = dir.path().join("belgium");
    std::fs::create_dir(&other).unwrap();
    let md = read(&run_into(&other, &file, "md", &["country=Belgium"]));
    assert!(md.starts_with("# Country dossier: Belgium\n"));
    let settlements = section_table(&md, "Settlements");
    assert!(
        settlements
            .iter()
            .any(|r| r[0] == "1839-04-19" && r[1] == "Treaty of London (1839)")
    );
    assert!(!md.contains("Minsk"));

    // The timeline of settlements has a dot for each of them.
    let html = Html::parse_document(&read(&run_into(
        dir.path(),
        &file,
        "html",
        &["country=Ukraine"],
    )));
    let first = charts(&html)[0].clone();
    assert_eq!(
        first,
        (
            "timeline".to_owned(),
            settlements_count(&dir, &file),
            settlements_count(&dir, &file)
        )
    );
    // Each dot is titled with its settlement and date; a report file links nowhere.
    let svg = html.select(&sel("svg.chart-timeline")).next().unwrap();
    let titles: Vec<String> = svg
        .select(&sel(".mark > title"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(titles.len(), first.1);
    assert!(
        titles.iter().any(
            |t| t.starts_with("Budapest Memorandum on Security Assurances\nsigned: 1994-12-05")
        ),
        "{titles:?}"
    );
    assert_eq!(svg.select(&sel("a")).count(), 0);
}

fn settlements_count(dir: &tempfile::TempDir, file: &Path) -> usize {
    let json = json_of(dir.path(), file, &["country=Ukraine"]);
    json["results"][0]["row_count"].as_u64().unwrap() as usize
}

#[test]
fn reciprocal_guarantees_include_the_cuban_missile_crisis() {
    let dir = tempfile::tempdir().unwrap();
    let file = example("reciprocal");
    let md = read(&run_into(dir.path(), &file, "md", &[]));
    let cuba = section_table(&md, "The Cuban missile crisis (1962)");
    assert_eq!(cuba.len(), 4, "{cuba:?}");
    let names: Vec<&str> = cuba[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        [
            "Secret US undertaking to remove the Jupiter missiles from Turkey (1962)",
            "Soviet withdrawal of offensive missiles from Cuba (1962)",
            "US assurance against an invasion of Cuba (1962)",
        ]
    );
    let along = section_table(&md, "Along the years");
    assert!(along[1..].iter().all(|r| r[0].as_str() >= "1815"));
    assert_eq!(
        along
            .iter()
            .filter(|r| r[1] == "Kennedy-Khrushchev understanding on Cuba (1962)")
            .count(),
        3
    );
    assert!(md.contains("Check held: `rows = 3`"));
}

#[test]
fn outcome_counts_match_a_hand_written_sparql_query() {
    let dir = tempfile::tempdir().unwrap();
    let md = read(&run_into(dir.path(), &example("outcomes"), "md", &[]));
    let table = section_table(&md, "Outcomes");
    let sparql = stdout(treaty().args([
        "--memory",
        "sparql",
        "--format",
        "csv",
        r#"SELECT ?outcome (COUNT(DISTINCT ?g) AS ?n) WHERE {
             ?s tr:guarantee ?g ; tr:signed ?d . ?g tr:outcome/rdfs:label ?outcome .
             FILTER(?d >= "1815-01-01"^^xsd:date) } GROUP BY ?outcome"#,
    ]));
    let mut expected: Vec<(String, String)> = sparql
        .lines()
        .skip(1)
        .map(|l| {
            let (o, n) = l.rsplit_once(',').unwrap();
            (o.to_owned(), n.trim().to_owned())
        })
        .collect();
    let mut found: Vec<(String, String)> = table[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    expected.sort();
    found.sort();
    assert!(expected.len() >= 4);
    assert_eq!(found, expected);
}

/// Writes a report into a temporary folder and runs it to Markdown.
fn run_text(text: &str, extra: &[&str]) -> (tempfile::TempDir, assert_cmd::assert::Assert) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("check.tq");
    std::fs::write(&file, text).unwrap();
    let mut cmd = treaty();
    cmd.current_dir(dir.path())
        .args([
            "--memory", "run", "check.tq", "--format", "md", "-o", "out.md",
        ])
        .args(extra);
    let assert = cmd.assert();
    (dir, assert)
}

const FAILING: &str = "\
## Enough armistices
#@assert rows > 1000
settlements where kind is armistice show name;

## A count
#@assert n < 1
count settlements;

## Still here
settlements where name = \"Minsk II\" show name
";

#[test]
fn a_failing_check_exits_2_names_the_check_and_the_report_goes_on() {
    let (dir, assert) = run_text(FAILING, &[]);
    let assert = assert.code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("check.tq:2: check failed in \"Enough armistices\": rows > 1000 (found"),
        "{err}"
    );
    assert!(
        err.contains("check.tq:6: check failed in \"A count\": n < 1"),
        "{err}"
    );
    let md = read(&dir.path().join("out.md"));
    assert!(md.contains("**Check FAILED:** `rows > 1000`"), "{md}");
    assert!(md.contains("| Minsk II |"), "the run went on: {md}");
}

#[test]
fn bail_stops_at_the_first_failure() {
    let (dir, assert) = run_text(FAILING, &["--bail"]);
    let assert = assert.code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("rows > 1000"), "{err}");
    assert!(!err.contains("n < 1"), "{err}");
    let md = read(&dir.path().join("out.md"));
    assert!(md.contains("--bail"));
    assert!(!md.contains("## Still here"));
}

#[test]
fn a_failed_statement_is_noted_exits_3_and_the_run_goes_on() {
    let text = "## Broken\nsettlements where party = Atlantis;\n## Fine\ncount settlements\n";
    let (dir, assert) = run_text(text, &[]);
    let assert = assert.code(3);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("check.tq:2: statement failed in \"Broken\""),
        "{err}"
    );
    assert!(err.contains("Atlantis"), "{err}");
    let md = read(&dir.path().join("out.md"));
    assert!(md.contains("**Statement failed** (line 2)"));
    assert!(md.contains("## Fine"));
}

#[test]
fn a_missing_parameter_is_a_clear_error() {
    let file = example("dossier");
    let assert = treaty()
        .args(["--memory", "run"])
        .arg(&file)
        .args(["--format", "md"])
        .assert()
        .code(3);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("02-country-dossier.tq:3: the parameter `country` has no value and no default: pass --param country=VALUE"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_bad_directive_names_its_line() {
    let (_dir, assert) = run_text("settlements;\n#@chart pie\ncount settlements\n", &[]);
    let err = String::from_utf8_lossy(&assert.code(3).get_output().stderr).into_owned();
    assert!(
        err.starts_with("error: check.tq:2: expected `#@chart"),
        "{err}"
    );
}

#[test]
fn html_escapes_what_the_report_and_the_data_say() {
    let text = "#@title Brest-Litovsk & \"Nanking\" <1918>\n\
                #' Prose with <b>tags</b> & `code <x>`.\n\
                ## Names with & and quotes\n\
                settlements where name contains \"Brest\" show name, signed\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.tq"), text).unwrap();
    treaty()
        .current_dir(dir.path())
        .args(["--memory", "run", "e.tq", "-o", "e.html"])
        .assert()
        .success();
    let raw = read(&dir.path().join("e.html"));
    assert!(!raw.contains("<b>tags</b>"));
    let html = Html::parse_document(&raw);
    let h1: String = html.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1, "Brest-Litovsk & \"Nanking\" <1918>");
    let code: String = html
        .select(&sel("section p code"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(code, "code <x>");
    let cells: Vec<String> = html
        .select(&sel("td"))
        .map(|t| t.text().collect())
        .collect();
    assert!(
        cells.iter().any(|c| c.contains("Brest-Litovsk")),
        "{cells:?}"
    );
}

#[test]
fn csv_to_a_file_for_one_result_and_plain_files_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.tq");
    std::fs::write(&one, "count settlements by kind\n").unwrap();
    let out = dir.path().join("kinds.csv");
    treaty()
        .args(["--memory", "run"])
        .arg(&one)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["kind", "count"]
    );
    assert!(reader.records().count() > 3);

    // Without -o and without md/html, a plain file prints as before: CSV on a pipe.
    let plain = stdout(treaty().args(["--memory", "run"]).arg(&one));
    assert!(plain.starts_with("kind,count\r\n"), "{plain}");

    // Several results do not fit one CSV file.
    let many = example("reciprocal");
    treaty()
        .args(["--memory", "run"])
        .arg(&many)
        .arg("-o")
        .arg(dir.path().join("many.csv"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs a folder"));
}

#[test]
fn the_library_runs_a_report_against_any_backend() {
    let store = Store::open(&Location::Memory, false).unwrap();
    let text = read(&example("reciprocal"));
    let parsed = report::syntax::parse("r.tq", &text).unwrap();
    let run = report::run(
        &store,
        &parsed,
        &Options {
            params: vec![("from".into(), "1945".into())],
            bail: false,
            run_date: "2000-01-01T00:00:00Z".into(),
        },
    )
    .unwrap();
    assert_eq!(run.exit_code(), None, "{:?}", run.failures());
    assert_eq!(run.params[0].value, "1945");
    assert!(!run.params[0].default);
    let first = run.shown().next().unwrap().table().unwrap();
    assert!(first.rows.iter().all(|r| {
        let signed = treaty::output::display_term(r[0].as_ref().unwrap());
        signed.as_str() >= "1945"
    }));
    let md = report::render(&run, report::Format::Markdown).unwrap();
    assert!(md.contains("Run date: 2000-01-01T00:00:00Z"));
    assert!(md.contains("from = 1945"));
}

#[test]
fn the_examples_in_docs_reports_md_run_cleanly() {
    let doc = read(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/reports.md"
    )));
    let blocks: Vec<&str> = doc
        .split("```tql\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 2);
    for block in blocks {
        let (_dir, assert) = run_text(block, &[]);
        assert.success();
    }
}

#[test]
fn a_report_stays_a_tql_script_and_runs_without_a_format() {
    let file = example("dossier");
    let text = read(&file);
    // `treaty explain` reads it as plain TQL: the report lines are comments.
    let explained = stdout(
        treaty()
            .args(["--memory", "explain", "-", "--param", "country=Ukraine"])
            .write_stdin(text),
    );
    // One query per statement, each with its prefixes (a query may hold sub-selects).
    assert_eq!(explained.matches("PREFIX tr:").count(), 5, "{explained}");

    // Piped without --format: CSV, with the file's defaults applied.
    let reciprocal = stdout(
        treaty()
            .args(["--memory", "run"])
            .arg(example("reciprocal")),
    );
    assert!(
        reciprocal.starts_with("signed,settlement,name,secret,outcome\r\n1815-"),
        "{reciprocal}"
    );
}

/// `--format HTML` and `--format CSV` in capitals, as `query` takes them.
#[test]
fn run_takes_format_names_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("two.tq"),
        "settlements where name contains \"Utrecht\" show name;\n",
    )
    .unwrap();
    let html = treaty()
        .current_dir(dir.path())
        .args(["--memory", "run", "two.tq", "--format", "HTML"])
        .output()
        .unwrap();
    assert!(
        html.status.success(),
        "{}",
        String::from_utf8_lossy(&html.stderr)
    );
    assert!(String::from_utf8_lossy(&html.stdout).contains("<html"));
    let csv = treaty()
        .current_dir(dir.path())
        .args(["--memory", "run", "two.tq", "--format", "CSV"])
        .output()
        .unwrap();
    assert!(
        csv.status.success(),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    let text = String::from_utf8_lossy(&csv.stdout);
    assert_eq!(text.lines().next(), Some("name"), "{text}");
    assert!(
        text.contains("Peace of Utrecht") || text.contains("Utrecht"),
        "{text}"
    );
}

/// Several result sets are no CSV (or TSV or JSON) a reader can use: asked for, the run is
/// refused with advice; by default on a pipe, they come as Markdown tables with a note.
#[test]
fn several_result_sets_are_never_concatenated_csv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("two.tq"),
        "settlements where name contains \"Utrecht\" show name;\n\
         count guarantees where mechanism is demilitarisation;\n",
    )
    .unwrap();
    for format in ["csv", "tsv", "json"] {
        let out = treaty()
            .current_dir(dir.path())
            .args(["--memory", "run", "two.tq", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}: nothing is printed");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("two.tq gives 2 result sets"), "{err}");
        assert!(err.contains("-o"), "{err}");
    }
    let out = treaty()
        .current_dir(dir.path())
        .args(["--memory", "run", "two.tq"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("\n-- ").count(), 2, "{text}");
    assert!(text.contains("| name"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Markdown"));
}

#[test]
fn an_aggregate_that_skipped_entities_says_so_in_every_report_format() {
    // The bundled settlements; avg over years(signed, peace_held_until) leaves out those whose peace
    // did not end in war (no peace_held_until): the report must say how many.
    let text = "#@title Peace\n## Average\nsettlements show avg(years(signed, peace_held_until)) as years;\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("peace.tq");
    std::fs::write(&file, text).unwrap();
    let missing = stdout(treaty().args([
        "--memory",
        "query",
        "count settlements without peace_held_until",
        "--format",
        "csv",
    ]));
    let missing: usize = missing.lines().nth(1).unwrap().trim().parse().unwrap();
    assert!(missing > 0);
    let note = format!("`years` left out {missing} settlements without a value");
    let md = read(&run_into(dir.path(), &file, "md", &[]));
    assert!(md.contains(&format!("_Note: {note}_")), "{md}");
    let html = read(&run_into(dir.path(), &file, "html", &[]));
    let page = Html::parse_document(&html);
    let notes: Vec<String> = page
        .select(&sel("p.note"))
        .map(|p| p.text().collect())
        .collect();
    assert_eq!(notes, [format!("Note: {note}")], "{html}");
    let json = json_of(dir.path(), &file, &[]);
    assert_eq!(json["results"][0]["notes"][0], note.as_str(), "{json}");
}

#[test]
fn survival_step_tables_fold_into_closed_details_per_group_in_html_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = example("04-proposal-brief");
    let json = json_of(dir.path(), &file, &[]);
    let html = Html::parse_document(&read(&run_into(dir.path(), &file, "html", &[])));
    let md = read(&run_into(dir.path(), &file, "md", &[]));
    let mut folded = 0;
    for result in json["results"].as_array().unwrap() {
        let columns = result["columns"].as_array().unwrap();
        if !columns.iter().any(|c| c == "at_risk") {
            continue;
        }
        let name = result["name"].as_str().unwrap();
        let rows = result["rows"].as_array().unwrap();
        let div = html
            .select(&sel(&format!("div.result#result-{name}")))
            .next()
            .unwrap_or_else(|| panic!("no result {name} in the HTML"));
        let details: Vec<ElementRef> = div.select(&sel("details.steps")).collect();
        // One fold per group, in the order of the rows, each closed, its summary naming the
        // group and counting the rows it holds.
        let mut groups: Vec<(String, usize)> = Vec::new();
        for row in rows {
            let label = row[columns[0].as_str().unwrap()]
                .as_str()
                .unwrap()
                .to_owned();
            match groups.last_mut() {
                Some((last, n)) if *last == label => *n += 1,
                _ => groups.push((label, 1)),
            }
        }
        assert_eq!(details.len(), groups.len(), "{name}");
        for (fold, (label, n)) in details.iter().zip(&groups) {
            assert!(fold.value().attr("open").is_none(), "{name}: open");
            let summary: String = fold
                .select(&sel("summary"))
                .next()
                .unwrap()
                .text()
                .collect();
            let group = columns[0].as_str().unwrap();
            assert_eq!(
                summary,
                format!(
                    "Step table, {group} = {label}: {n} row{}",
                    if *n == 1 { "" } else { "s" }
                ),
                "{name}"
            );
            assert_eq!(fold.select(&sel("tbody tr")).count(), *n, "{name}");
        }
        assert!(
            rows.len() > 100,
            "{name}: {} rows is no long table",
            rows.len()
        );
        folded += 1;
        // Markdown keeps the whole table (its rows are counted by the test of every format).
        assert!(md.contains(&format!(
            "| {} | time | at_risk |",
            columns[0].as_str().unwrap()
        )));
    }
    assert_eq!(folded, 3, "the brief has three survival statements");
    // Other tables stay open.
    assert!(
        html.select(&sel("div.result#result-analogues > table"))
            .next()
            .is_some()
    );
}
