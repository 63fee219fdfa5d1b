//! Batch reports: a `.tq` file with headings, prose and directives in comment lines
//! ([`syntax`]) runs statement by statement against any [`Backend`] into a [`Run`], which the
//! writers turn into Markdown, one self-contained HTML file with SVG charts, CSV files or JSON.
//! Every run records what is needed to reproduce it: the statements and their SPARQL, the
//! parameters, the tool version, the run date and the graphs with their triple counts.
//!
//! ```
//! use treaty::report::{self, Options};
//! use treaty::store::{Location, Store};
//! let store = Store::open(&Location::Memory, false)?;
//! let text = "## Armistices\n#@assert rows > 5\nsettlements where kind is armistice show name, signed";
//! let report = report::syntax::parse("armistices.tq", text)?;
//! let run = report::run(&store, &report, &Options::default())?;
//! assert_eq!(run.exit_code(), None);
//! let markdown = report::render(&run, report::Format::Markdown)?;
//! assert!(markdown.contains("## Armistices"));
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod chart;
mod curves;
mod html;
mod json;
mod markdown;
mod marks;
pub mod syntax;
mod write;

use oxigraph::model::Term;

use crate::error::{Error, Result};
use crate::output;
use crate::results::{Answer, Table};
use crate::session::{Done, Outcome, Session, Statements};
use crate::store::Backend;
use syntax::{Block, Check, Report};
pub use write::{Format, is_report_run, render, write, write_plain};

/// `run` as an HTML document whose charts link each mark to the page `links` finds for the
/// cell that names it (a report file links nowhere: [`render`] gives that one).
pub fn render_html_linked(run: &Run, links: &dyn Fn(&Term) -> Option<String>) -> String {
    html::render_linked(run, links)
}

/// How to run a report.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--param NAME=VALUE` values; they win over the file's defaults.
    pub params: Vec<(String, String)>,
    /// Stop at the first statement that fails or whose check fails.
    pub bail: bool,
    /// When the report runs, as written into it (the caller reads the clock, so tests can fix it).
    pub run_date: String,
}

/// A report after running.
#[derive(Debug, Clone)]
pub struct Run {
    pub title: String,
    /// The report file's name.
    pub source: String,
    /// Every parameter bound, with where its value came from.
    pub params: Vec<ParamValue>,
    pub sections: Vec<SectionOut>,
    pub data: Fingerprint,
    /// `treaty X.Y.Z`.
    pub tool: String,
    pub run_date: String,
    /// Set when `--bail` stopped the run: the statements after the failing one did not run.
    pub stopped: bool,
}

/// A parameter's value.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamValue {
    pub name: String,
    pub value: String,
    /// `true` when the value is the file's default.
    pub default: bool,
}

/// The data a report ran against: the backend and its named graphs with their triple counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    pub backend: String,
    pub graphs: Vec<(String, u64)>,
}

impl Fingerprint {
    /// Triples in all graphs.
    pub fn triples(&self) -> u64 {
        self.graphs.iter().map(|(_, n)| n).sum()
    }
}

/// A section after running.
#[derive(Debug, Clone)]
pub struct SectionOut {
    pub heading: Option<String>,
    pub blocks: Vec<BlockOut>,
}

/// Prose or a statement's result, in the order written.
#[derive(Debug, Clone)]
pub enum BlockOut {
    Prose(String),
    Result(Box<ResultSet>),
}

/// What one statement gave.
#[derive(Debug, Clone)]
pub struct ResultSet {
    /// Unique in the report: `#@name`, else the section heading made into a file name.
    pub name: String,
    /// The line where the statement starts.
    pub line: usize,
    pub statement: String,
    pub sparql: Option<String>,
    /// The rows, unless the statement failed, did not run, or is a `let`.
    pub answer: Option<Answer>,
    /// The name a `let` defined: such a statement has no result to show.
    pub defined: Option<String>,
    /// The error of a failed statement, as the user reads it.
    pub error: Option<String>,
    pub checks: Vec<CheckOutcome>,
    /// The chart to draw, when the result has one.
    pub chart: Option<chart::Plan>,
    /// For one of several tables of a statement (`survival`), which one it is.
    pub title: Option<String>,
    /// What a reader should know about the result (rows left out and why, imprecise dates).
    pub notes: Vec<String>,
}

impl ResultSet {
    /// The rows of a result that has a table.
    pub fn table(&self) -> Option<&Table> {
        match &self.answer {
            Some(Answer::Table(table)) => Some(table),
            _ => None,
        }
    }
}

/// An `#@assert` and whether it held.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    pub text: String,
    pub line: usize,
    pub passed: bool,
    /// What was found (`0 rows`, `n = 3 in row 2`).
    pub found: String,
}

impl Run {
    /// Every result set, in order.
    pub fn results(&self) -> impl Iterator<Item = &ResultSet> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                BlockOut::Result(r) => Some(&**r),
                BlockOut::Prose(_) => None,
            })
        })
    }

    /// The results that show rows (not `let` definitions).
    pub fn shown(&self) -> impl Iterator<Item = &ResultSet> {
        self.results().filter(|r| r.defined.is_none())
    }

    /// One line per failed statement and per failed check, naming file, line and section.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        for section in &self.sections {
            let place = section
                .heading
                .as_deref()
                .map(|h| format!(" in \"{h}\""))
                .unwrap_or_default();
            for block in &section.blocks {
                let BlockOut::Result(result) = block else {
                    continue;
                };
                if let Some(error) = &result.error {
                    let first = error.lines().next().unwrap_or_default();
                    let first = ["error: ", "Error: "]
                        .iter()
                        .find_map(|p| first.strip_prefix(p))
                        .unwrap_or(first);
                    out.push(format!(
                        "{}:{}: statement failed{place}: {first}",
                        self.source, result.line
                    ));
                }
                for check in result.checks.iter().filter(|c| !c.passed) {
                    out.push(format!(
                        "{}:{}: check failed{place}: {} (found {})",
                        self.source, check.line, check.text, check.found
                    ));
                }
            }
        }
        out
    }

    /// `None` when every statement ran and every check held; else 3 when a statement failed
    /// (a query error), or 2 when only checks failed (the data is not as the report expects).
    pub fn exit_code(&self) -> Option<u8> {
        if self.results().any(|r| r.error.is_some()) {
            Some(3)
        } else if self.results().any(|r| r.checks.iter().any(|c| !c.passed)) {
            Some(2)
        } else {
            None
        }
    }
}

/// Runs every statement of `report` against `backend`, in order.
///
/// Errors that make the whole report unusable (a parameter without value) are returned; a
/// statement that fails is recorded in its result set, and with `options.bail` ends the run.
pub fn run(backend: &dyn Backend, report: &Report, options: &Options) -> Result<Run> {
    let params = bind_params(report, options)?;
    let mut session = Session::new(backend)?;
    for param in &params {
        session.compiler().set_param(&param.name, &param.value);
    }
    let data = fingerprint(backend)?;
    let mut statements = Statements::parsed(&report.name, &report.text, report.script.clone());
    let mut names = Names::default();
    let mut stopped = false;
    let mut sections = Vec::new();
    for (number, section) in report.sections.iter().enumerate() {
        let mut blocks = Vec::new();
        for block in &section.blocks {
            if stopped {
                break;
            }
            match block {
                Block::Prose(text) => blocks.push(BlockOut::Prose(substitute(text, &params))),
                Block::Statement(item) => {
                    let base = item.name.clone().unwrap_or_else(|| {
                        section
                            .heading
                            .as_deref()
                            .map(slug)
                            .filter(|s| !s.is_empty())
                            .unwrap_or_else(|| format!("section-{}", number + 1))
                    });
                    // Items are the script's statements, in order: the next one is this.
                    let Some(outcome) = session.run_next(&mut statements) else {
                        break;
                    };
                    debug_assert_eq!(outcome.index, item.index);
                    let mut failed = false;
                    for result in result_sets(outcome, report, item, &mut names, &base) {
                        failed |= result.error.is_some() || result.checks.iter().any(|c| !c.passed);
                        blocks.push(BlockOut::Result(Box::new(result)));
                    }
                    stopped = failed && options.bail;
                }
            }
        }
        sections.push(SectionOut {
            heading: section.heading.as_deref().map(|h| substitute(h, &params)),
            blocks,
        });
        if stopped {
            break;
        }
    }
    Ok(Run {
        title: substitute(&report.title, &params),
        source: report.name.clone(),
        params,
        sections,
        data,
        tool: format!("treaty {}", env!("CARGO_PKG_VERSION")),
        run_date: options.run_date.clone(),
        stopped,
    })
}

/// `$name` in prose, headings and the title replaced by the parameter's value, so that a
/// dossier's heading can name its country. Longer names first: `$from_year` before `$from`.
fn substitute(text: &str, params: &[ParamValue]) -> String {
    if !text.contains('$') {
        return text.to_owned();
    }
    let mut sorted: Vec<&ParamValue> = params.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.name.len()));
    let mut out = text.to_owned();
    for param in sorted {
        out = out.replace(&format!("${}", param.name), &param.value);
    }
    out
}

fn bind_params(report: &Report, options: &Options) -> Result<Vec<ParamValue>> {
    let mut params = Vec::new();
    for declared in &report.params {
        let given = options
            .params
            .iter()
            .rev()
            .find(|(n, _)| *n == declared.name);
        let (value, default) = match (given, &declared.default) {
            (Some((_, v)), _) => (v.clone(), false),
            (None, Some(d)) => (d.clone(), true),
            (None, None) => {
                return Err(Error::Report {
                    file: report.name.clone(),
                    line: declared.line,
                    message: format!(
                        "the parameter `{0}` has no value and no default: pass --param {0}=VALUE",
                        declared.name
                    ),
                });
            }
        };
        params.push(ParamValue {
            name: declared.name.clone(),
            value,
            default,
        });
    }
    for (name, value) in &options.params {
        if !params.iter().any(|p| p.name == *name) {
            params.push(ParamValue {
                name: name.clone(),
                value: value.clone(),
                default: false,
            });
        }
    }
    Ok(params)
}

/// A statement's outcome as result sets: one for a query, one per table for `survival`
/// (named after the first, with the table's title added), with the report's checks (on the
/// first table) and charts.
fn result_sets(
    outcome: Outcome,
    report: &Report,
    item: &syntax::Item,
    names: &mut Names,
    base: &str,
) -> Vec<ResultSet> {
    let notes = outcome.notes().to_vec();
    let empty = ResultSet {
        name: names.unique(base),
        line: item.line,
        sparql: outcome.sparql(),
        notes: outcome.notes().to_vec(),
        defined: outcome.defined().map(str::to_owned),
        statement: outcome.text.clone(),
        answer: None,
        error: None,
        checks: Vec::new(),
        chart: None,
        title: None,
    };
    if !matches!(outcome.result, Ok(Done::Analysis(_))) {
        return vec![result_set(outcome, report, item, empty)];
    }
    let Ok(Done::Analysis(analysed)) = outcome.result else {
        return Vec::new();
    };
    let tables = analysed.tables;
    let count = tables.len();
    let mut results = Vec::new();
    for (i, table) in tables.into_iter().enumerate() {
        let name = if i == 0 {
            empty.name.clone()
        } else {
            names.unique(&format!("{base}-{}", slug(&table.title)))
        };
        let mut result = ResultSet {
            name,
            title: Some(table.title.clone()),
            answer: Some(table.answer),
            ..empty.clone()
        };
        if i == 0 {
            result.checks = item
                .checks
                .iter()
                .map(|c| check(c, result.answer.as_ref().expect("set above")))
                .collect();
        }
        if let Some(Answer::Table(t)) = &result.answer {
            result.chart = match item.chart.as_ref().filter(|_| i == 0) {
                Some(_) => chart::choose(item.chart.as_ref(), t).unwrap_or(None),
                None => chart::for_analysis(&table.title, t),
            };
        }
        if i + 1 == count {
            result.notes = notes.clone();
        }
        results.push(result);
    }
    results
}

/// A statement's outcome with the report's checks and chart.
fn result_set(
    outcome: Outcome,
    report: &Report,
    item: &syntax::Item,
    mut result: ResultSet,
) -> ResultSet {
    match outcome.result {
        Ok(Done::Query { answer, .. }) => result.answer = answer,
        Ok(Done::Defined { .. }) | Ok(Done::Analysis(_)) => {}
        Err(error) => {
            result.error = Some(error.render(false));
            return result;
        }
    }
    if let Some(answer) = &result.answer {
        result.checks = item.checks.iter().map(|c| check(c, answer)).collect();
        if let Answer::Table(table) = answer {
            match chart::choose(item.chart.as_ref(), table) {
                Ok(plan) => result.chart = plan,
                Err(message) => {
                    let line = item.chart.as_ref().map_or(item.line, |c| c.line);
                    result.error = Some(format!("{}:{line}: {message}", report.name));
                }
            }
        }
    }
    result
}

fn check(check: &Check, answer: &Answer) -> CheckOutcome {
    let (passed, found) = match answer {
        Answer::Boolean(b) => (false, format!("a yes/no answer ({b}), not rows")),
        Answer::Table(table) if check.subject == "rows" => {
            let n = table.rows.len();
            (
                check.op.holds(n as f64, check.bound),
                format!("{n} row{}", if n == 1 { "" } else { "s" }),
            )
        }
        Answer::Table(table) => check_column(check, table),
    };
    CheckOutcome {
        text: check.text.clone(),
        line: check.line,
        passed,
        found,
    }
}

/// A column check holds when the result has rows and every row's value satisfies it.
fn check_column(check: &Check, table: &Table) -> (bool, String) {
    let Some(column) = table.columns.iter().position(|c| *c == check.subject) else {
        return (
            false,
            format!(
                "no column `{}`; the columns are {}",
                check.subject,
                table.columns.join(", ")
            ),
        );
    };
    if table.rows.is_empty() {
        return (false, "no rows".into());
    }
    for (i, row) in table.rows.iter().enumerate() {
        match row[column].as_ref().and_then(number) {
            Some(value) if check.op.holds(value, check.bound) => {}
            Some(value) => {
                return (
                    false,
                    format!(
                        "{} = {} in row {}",
                        check.subject,
                        trim_number(value),
                        i + 1
                    ),
                );
            }
            None => {
                let shown = row[column]
                    .as_ref()
                    .map(output::display_term)
                    .unwrap_or_else(|| "nothing".into());
                return (
                    false,
                    format!("{} = {shown} in row {}, not a number", check.subject, i + 1),
                );
            }
        }
    }
    let n = table.rows.len();
    (
        true,
        format!("all {n} row{}", if n == 1 { "" } else { "s" }),
    )
}

fn trim_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

/// The value of a numeric literal.
pub fn number(term: &Term) -> Option<f64> {
    let Term::Literal(literal) = term else {
        return None;
    };
    let datatype = literal.datatype().as_str();
    let numeric = datatype.strip_prefix(crate::vocab::XSD)?;
    matches!(
        numeric,
        "integer"
            | "decimal"
            | "double"
            | "float"
            | "int"
            | "long"
            | "short"
            | "nonNegativeInteger"
            | "positiveInteger"
            | "unsignedInt"
            | "unsignedLong"
    )
    .then(|| literal.value().parse().ok())
    .flatten()
}

fn fingerprint(backend: &dyn Backend) -> Result<Fingerprint> {
    let mut graphs = crate::stats::graphs(backend)?;
    // In IRI order, each named as tables name it.
    graphs.sort();
    let graphs = graphs
        .into_iter()
        .map(|(iri, n)| (crate::vocab::compact(&iri).unwrap_or(iri), n))
        .collect();
    Ok(Fingerprint {
        backend: backend.describe(),
        graphs,
    })
}

#[derive(Default)]
struct Names(Vec<String>);

impl Names {
    fn unique(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 1;
        while self.0.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        self.0.push(name.clone());
        name
    }
}

/// A heading as a file name: lower-case letters and digits joined by `-`, at most 60 of them.
pub fn slug(text: &str) -> String {
    crate::slug::slug(text).chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_crate_slugs_cut_to_60_characters() {
        assert_eq!(slug("Traité de Brest-Litovsk"), "traité-de-brest-litovsk");
        let long = "word ".repeat(20);
        assert_eq!(slug(&long).chars().count(), 60);
        assert!(crate::slug::slug(&long).starts_with(&slug(&long)));
    }

    #[test]
    fn unique_names() {
        let mut names = Names::default();
        assert_eq!(names.unique("a"), "a");
        assert_eq!(names.unique("a"), "a-2");
        assert_eq!(names.unique("a"), "a-3");
    }
}
