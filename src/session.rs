//! A TQL session: the schema and names read once from a backend, parameters and `let`
//! definitions that last from one statement to the next, and the one statement runner that
//! the command line, the shell and reports all use: a script goes in, one [`Outcome`] per
//! statement comes out, in order, each run only when it is asked for.
//!
//! ```
//! use treaty::session::Session;
//! use treaty::store::{Location, Store};
//! let store = Store::open(&Location::Memory, false)?;
//! let mut session = Session::new(&store)?;
//! let text = "let old = settlements where signed < 1800;\ncount old";
//! let outcomes: Vec<_> = session.run_script("example.tq", text)?.collect();
//! assert_eq!(outcomes[0].defined(), Some("old"));
//! assert_eq!(outcomes[1].text, "count old");
//! assert!(outcomes[1].answer().is_some());
//! # Ok::<_, treaty::Error>(())
//! ```

use std::time::{Duration, Instant};

use crate::compile::{Compiled, Compiler, sparql};
use crate::error::{Error, Result};
use crate::lang::{
    self,
    ast::{Script, Span, Statement},
};
use crate::results::Answer;
use crate::schema::{NameIndex, Schema};
use crate::store::Backend;

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
    raw: bool,
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
    /// The rows the statement gave (none for a `let`, a failure, or an `explain`).
    pub fn answer(&self) -> Option<&Answer> {
        match &self.result {
            Ok(Done::Query { answer, .. }) => answer.as_ref(),
            _ => None,
        }
    }

    /// What a reader should know about the answer, to be shown beside it (never in it).
    pub fn notes(&self) -> &[String] {
        match &self.result {
            Ok(Done::Query { notes, .. }) => notes,
            _ => &[],
        }
    }

    /// The SPARQL the statement ran as (none for a `let` or a failure).
    pub fn sparql(&self) -> Option<String> {
        match &self.result {
            Ok(Done::Query { query, .. }) => Some(query.sparql()),
            _ => None,
        }
    }

    /// The SPARQL as `explain` shows it (none for a `let` or a failure).
    pub fn explain(&self) -> Option<String> {
        match &self.result {
            Ok(Done::Query { query, .. }) => Some(query.explain()),
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

/// Runs TQL against a backend.
pub struct Session<'b> {
    backend: &'b dyn Backend,
    schema: Schema,
    names: NameIndex,
    compiler: Compiler,
}

impl<'b> Session<'b> {
    /// Reads the schema from `backend`; names are read as statements use them.
    pub fn new(backend: &'b dyn Backend) -> Result<Self> {
        Ok(Self {
            schema: Schema::load(backend)?,
            names: NameIndex::on_demand(),
            backend,
            compiler: Compiler::new(),
        })
    }

    /// A session on a schema and names read before (a server reads them once, not per
    /// request).
    pub fn with_known(backend: &'b dyn Backend, schema: Schema, names: NameIndex) -> Self {
        Self {
            schema,
            names,
            backend,
            compiler: Compiler::new(),
        }
    }

    /// Reads every name of the store now (for completion in the shell), instead of the ones
    /// statements use as they come.
    pub fn load_all_names(&mut self) -> Result<()> {
        self.names = NameIndex::load(self.backend)?;
        Ok(())
    }

    /// The schema in use.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The entity names in use.
    pub fn names(&self) -> &NameIndex {
        &self.names
    }

    /// Reads the schema and the names again (after a load added data); parameters and `let`
    /// definitions are kept.
    pub fn reload(&mut self) -> Result<()> {
        self.schema = Schema::load(self.backend)?;
        self.names = if self.names.is_complete() {
            NameIndex::load(self.backend)?
        } else {
            NameIndex::on_demand()
        };
        Ok(())
    }

    /// The compiler, for parameters.
    pub fn compiler(&mut self) -> &mut Compiler {
        &mut self.compiler
    }

    /// Binds parameters (`--param NAME=VALUE`) for the statements that follow.
    pub fn bind(&mut self, params: &[(String, String)]) {
        for (name, value) in params {
            self.compiler.set_param(name, value);
        }
    }

    /// Parses `text` (called `name` in messages) and returns its statements, to run one by
    /// one as the caller takes them. A syntax error anywhere fails the whole text before any
    /// statement runs; a statement that fails is an outcome with an error, and the statements
    /// after it still run if the caller goes on.
    pub fn run_script<'r>(&'r mut self, name: &str, text: &str) -> Result<Runner<'r, 'b>> {
        Ok(Runner {
            statements: Statements::parse(name, text)?,
            session: self,
        })
    }

    /// Compiles and runs the next statement, or returns `None` when none is left. This is
    /// what [`Runner`] does; callers that need the session between two statements (the
    /// shell) call it themselves.
    pub fn run_next(&mut self, statements: &mut Statements) -> Option<Outcome> {
        let (index, statement) = statements.statements.next()?;
        let started = Instant::now();
        let result = self.run_statement(
            &statements.name,
            &statements.text,
            &statement,
            statements.execute,
        );
        Some(Outcome {
            index,
            span: statement.span(),
            text: statement.source(&statements.text).to_owned(),
            result,
            elapsed: started.elapsed(),
            raw: matches!(statement, Statement::Sparql { .. }),
        })
    }

    /// Parses and compiles every statement of `text`, without running any: the outcomes carry
    /// the SPARQL but no rows. Fails at the first statement that does not compile.
    pub fn explain(&mut self, name: &str, text: &str) -> Result<Vec<Outcome>> {
        let mut statements = Statements::parse(name, text)?;
        statements.execute = false;
        let mut outcomes = Vec::new();
        while let Some(outcome) = self.run_next(&mut statements) {
            match outcome.result {
                Ok(done) => outcomes.push(Outcome {
                    result: Ok(done),
                    ..outcome
                }),
                Err(error) => return Err(error),
            }
        }
        Ok(outcomes)
    }

    /// Compiles one statement and, when `execute`, runs it.
    fn run_statement(
        &mut self,
        name: &str,
        text: &str,
        statement: &Statement,
        execute: bool,
    ) -> Result<Done> {
        let compiled = self.compile(name, text, statement)?;
        let mut notes = Vec::new();
        let (query, answer) = match compiled {
            Compiled::Defined(name) => {
                let source = match statement {
                    Statement::Let { query, .. } => query.source.node.clone(),
                    _ => String::new(),
                };
                return Ok(Done::Defined { name, source });
            }
            Compiled::Select {
                query,
                lists,
                skipped,
            } => {
                let answer = if execute {
                    let answer = self.backend.evaluate(&query)?;
                    let (answer, skipped) = crate::compile::take_skipped(answer, &skipped);
                    notes = skipped;
                    Some(crate::compile::tidy_lists(answer, &lists))
                } else {
                    None
                };
                (Query::Algebra(query), answer)
            }
            Compiled::Sparql(raw) => {
                let answer = if execute {
                    Some(self.backend.query(&raw)?)
                } else {
                    None
                };
                (Query::Text(raw), answer)
            }
        };
        Ok(Done::Query {
            query,
            answer,
            notes,
        })
    }

    /// Compiles a statement, reading the names it uses from the backend as the compiler
    /// misses them (one query per round, a round per name at most). An error about a name the
    /// store does not have is compiled once more against every name of the store, so that it
    /// suggests near names.
    fn compile(&mut self, name: &str, text: &str, statement: &Statement) -> Result<Compiled> {
        let diagnostic = loop {
            match self.compiler.compile(&self.schema, &self.names, statement) {
                Ok(compiled) => {
                    self.names.take_misses();
                    return Ok(compiled);
                }
                Err(diagnostic) => {
                    let misses = self.names.take_misses();
                    if misses.is_empty() {
                        break diagnostic;
                    }
                    self.names.fetch(self.backend, &misses)?;
                }
            }
        };
        let diagnostic = if self.names.is_complete() || !self.names.met_an_unknown_name() {
            diagnostic
        } else {
            self.names = NameIndex::load(self.backend)?;
            match self.compiler.compile(&self.schema, &self.names, statement) {
                Ok(compiled) => return Ok(compiled),
                Err(diagnostic) => diagnostic,
            }
        };
        Err(Error::Tql {
            name: name.to_owned(),
            text: text.to_owned(),
            diagnostic: Box::new(diagnostic),
        })
    }
}

/// The statements of a script that have not run yet, with the text they come from.
pub struct Statements {
    name: String,
    text: String,
    statements: std::iter::Enumerate<std::vec::IntoIter<Statement>>,
    results: usize,
    execute: bool,
}

impl Statements {
    /// Parses `text`, called `name` in messages.
    pub fn parse(name: &str, text: &str) -> Result<Self> {
        Ok(Self::parsed(name, text, parse(name, text)?))
    }

    /// The statements of `script`, parsed from `text`.
    pub fn parsed(name: &str, text: &str, script: Script) -> Self {
        let results = script
            .statements
            .iter()
            .filter(|s| !matches!(s, Statement::Let { .. }))
            .count();
        Self {
            name: name.to_owned(),
            text: text.to_owned(),
            statements: script.statements.into_iter().enumerate(),
            results,
            execute: true,
        }
    }

    /// How many statements of the whole script give rows (every one but the `let`s): with more
    /// than one, a table or Markdown output heads each result with its statement.
    pub fn results(&self) -> usize {
        self.results
    }
}

/// A script's statements run one after the other as the iterator reaches them, in order.
/// A `let` lasts for the statements after it, in this script and in the session's next ones.
pub struct Runner<'r, 'b> {
    session: &'r mut Session<'b>,
    statements: Statements,
}

impl Runner<'_, '_> {
    /// See [`Statements::results`].
    pub fn results(&self) -> usize {
        self.statements.results()
    }
}

impl Iterator for Runner<'_, '_> {
    type Item = Outcome;

    fn next(&mut self) -> Option<Outcome> {
        self.session.run_next(&mut self.statements)
    }
}

/// Parses `text`, turning a syntax error into an `Error` that carries the text.
pub fn parse(name: &str, text: &str) -> Result<Script> {
    lang::parse(text).map_err(|diagnostic| Error::Tql {
        name: name.to_owned(),
        text: text.to_owned(),
        diagnostic: Box::new(diagnostic),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(text: &str, raw: bool) -> Outcome {
        Outcome {
            index: 0,
            span: Span::default(),
            text: text.to_owned(),
            result: Ok(Done::Defined {
                name: String::new(),
                source: String::new(),
            }),
            elapsed: Duration::ZERO,
            raw,
        }
    }

    #[test]
    fn headings_name_the_statement_in_one_line() {
        assert_eq!(
            outcome("settlements\n  where signed > 1900", false).heading(),
            "settlements"
        );
        // A raw SPARQL statement is named by its SPARQL, not by the line that opens the string.
        assert_eq!(
            outcome("sparql \"\"\"\nSELECT ?s WHERE {\n}\n\"\"\"", true).heading(),
            "SELECT ?s WHERE {"
        );
        assert_eq!(
            outcome("SPARQL \"ASK { ?s ?p ?o }\"", true).heading(),
            "\"ASK { ?s ?p ?o }\""
        );
        assert_eq!(outcome("sparql \"\"", true).heading(), "sparql");
    }
}
