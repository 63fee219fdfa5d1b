//! What running a statement gives: an [`Outcome`] (where the statement is, its text, the
//! time it took) holding what it [`Done`] or why it failed, with the accessors the command
//! line, the shell, reports and the server read it through (tables, notes, SPARQL, heading).

use std::time::Duration;

use crate::error::Result;
use crate::lang::ast::Span;
use crate::results::Answer;
use crate::sparql;

/// One statement of a script after the runner reached it.
#[derive(Debug)]
pub struct Outcome {
    /// The statement's place among the script's statements, from 0.
    pub index: usize,
    /// Where the statement is written.
    pub span: Span,
    /// The statement as written.
    pub text: String,
    /// What it gave, or why it failed (as a TQL error, a query error...).
    pub result: Result<Done>,
    /// Time spent compiling and running it.
    pub elapsed: Duration,
    /// True for a raw `sparql "..."` statement.
    pub(super) raw: bool,
}

/// What a statement that did not fail gave.
#[derive(Debug)]
pub enum Done {
    /// A `let`: the name it defined, and the entity set (or earlier `let`) it draws on.
    Defined { name: String, source: String },
    /// A query, and its rows unless the script was only compiled (`explain`).
    Query {
        query: Query,
        answer: Option<Answer>,
        /// What a reader should know about the answer (aggregates that left entities out).
        notes: Vec<String>,
    },
    /// A `survival` or `rate` statement: its fetch queries and the tables it computed.
    Analysis(Box<Analysed>),
}

/// What a `survival` or `rate` statement did: the queries that fetched its rows, the
/// statistical step that followed, and its result tables (none when only compiled).
#[derive(Debug)]
pub struct Analysed {
    /// Each fetch query with what it fetches.
    pub fetches: Vec<(String, Query)>,
    /// The statistical step, with the module that computes it.
    pub step: String,
    /// The result tables, in order (for survival: steps, summary, log-rank test).
    pub tables: Vec<Titled>,
    /// What a reader should know: entities left out and why, imprecise dates.
    pub notes: Vec<String>,
}

/// A result table with its title.
#[derive(Debug, Clone)]
pub struct Titled {
    /// What the table is (`survival`, `summary`, `log-rank test`, `rate`).
    pub title: String,
    pub answer: Answer,
}

/// A compiled query, printed as SPARQL only when someone asks.
#[derive(Debug)]
pub enum Query {
    /// Built by the compiler as algebra.
    Algebra(Box<spargebra::Query>),
    /// Raw SPARQL from a `sparql "..."` statement, as written.
    Text(String),
}

impl Query {
    /// The query as SPARQL text.
    pub fn sparql(&self) -> String {
        match self {
            Query::Algebra(query) => sparql::to_sparql(query),
            Query::Text(text) => text.clone(),
        }
    }

    /// The query as a person reads it (`explain`): a compiled query on several lines with its
    /// `PREFIX` declarations, raw SPARQL as written.
    pub fn explain(&self) -> String {
        match self {
            Query::Algebra(query) => sparql::pretty(query, crate::vocab::PREFIXES),
            Query::Text(text) => text.clone(),
        }
    }
}

impl Outcome {
    /// The rows the statement gave (none for a `let`, a failure, or an `explain`); for a
    /// `survival` or `rate` statement its first table ([`Outcome::tables`] gives them all).
    pub fn answer(&self) -> Option<&Answer> {
        match &self.result {
            Ok(Done::Query { answer, .. }) => answer.as_ref(),
            Ok(Done::Analysis(analysed)) => analysed.tables.first().map(|t| &t.answer),
            _ => None,
        }
    }

    /// Every result table of the statement with its title: one untitled table for a query,
    /// several titled ones for `survival`.
    pub fn tables(&self) -> Vec<(Option<&str>, &Answer)> {
        match &self.result {
            Ok(Done::Query {
                answer: Some(answer),
                ..
            }) => vec![(None, answer)],
            Ok(Done::Analysis(analysed)) => analysed
                .tables
                .iter()
                .map(|t| (Some(t.title.as_str()), &t.answer))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// What a reader should know about the answer, to be shown beside it (never in it).
    pub fn notes(&self) -> &[String] {
        match &self.result {
            Ok(Done::Query { notes, .. }) => notes,
            Ok(Done::Analysis(analysed)) => &analysed.notes,
            _ => &[],
        }
    }

    /// The SPARQL the statement ran as (none for a `let` or a failure); for `survival` and
    /// `rate`, each fetch query after a comment saying what it fetches.
    pub fn sparql(&self) -> Option<String> {
        match &self.result {
            Ok(Done::Query { query, .. }) => Some(query.sparql()),
            Ok(Done::Analysis(analysed)) => Some(analysed.describe(Query::sparql)),
            _ => None,
        }
    }

    /// The SPARQL as `explain` shows it (none for a `let` or a failure); for `survival` and
    /// `rate`, the fetch queries and then the statistical step.
    pub fn explain(&self) -> Option<String> {
        match &self.result {
            Ok(Done::Query { query, .. }) => Some(query.explain()),
            Ok(Done::Analysis(analysed)) => Some(analysed.describe(Query::explain)),
            _ => None,
        }
    }

    /// The name a `let` defined.
    pub fn defined(&self) -> Option<&str> {
        match &self.result {
            Ok(Done::Defined { name, .. }) => Some(name),
            _ => None,
        }
    }

    /// The statement in one line, for a heading over its results: its first line, or for a
    /// raw SPARQL statement the first line that holds some SPARQL (a `sparql """` line holds
    /// none), without the keyword.
    pub fn heading(&self) -> &str {
        let mut lines = self.text.lines().map(str::trim);
        let first = lines.next().unwrap_or_default();
        if !self.raw {
            return first;
        }
        // The keyword opens the statement's first line, which the text starts with.
        let first = first.get(6..).map_or("", str::trim_start);
        std::iter::once(first)
            .chain(lines)
            .find(|line| {
                !line
                    .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                    .is_empty()
            })
            .unwrap_or("sparql")
    }
}

impl Analysed {
    /// The fetch queries, each printed by `print` under a comment naming what it fetches,
    /// then the statistical step.
    fn describe(&self, print: fn(&Query) -> String) -> String {
        let mut out = String::new();
        for (i, (what, query)) in self.fetches.iter().enumerate() {
            out.push_str(&format!(
                "# fetch {} of {}: {what}\n{}\n\n",
                i + 1,
                self.fetches.len(),
                print(query).trim_end()
            ));
        }
        out.push_str(&format!("# then: {}\n", self.step));
        out
    }
}
