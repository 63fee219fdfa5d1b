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

mod analogues;
mod analysis;
mod observe;
mod outcome;
mod tables;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::compile::{Compiled, Compiler};
use crate::error::{Error, Result};
use crate::lang::diagnostic::Diagnostic;
use crate::lang::{
    self,
    ast::{Script, Span, Statement},
};
use crate::results::Answer;
use crate::schema::{NameIndex, Schema};
use crate::store::Backend;

pub use outcome::{Analysed, Done, Outcome, Query, Titled};

/// Runs TQL against a backend.
pub struct Session<'b> {
    backend: &'b dyn Backend,
    // Shared, not owned: a server's requests all start from the names and schema it read
    // once, and copying a complete name index per request cost more than running the query.
    schema: Arc<Schema>,
    names: Arc<NameIndex>,
    compiler: Compiler,
}

impl<'b> Session<'b> {
    /// Reads the schema from `backend`; names are read as statements use them.
    pub fn new(backend: &'b dyn Backend) -> Result<Self> {
        Ok(Self {
            schema: Arc::new(Schema::load(backend)?),
            names: Arc::new(NameIndex::on_demand()),
            backend,
            compiler: Compiler::new(),
        })
    }

    /// A session on a schema and names read before (a server reads them once, not per
    /// request). A complete index is never written to, so requests share it as it is.
    pub(crate) fn with_known(
        backend: &'b dyn Backend,
        schema: Arc<Schema>,
        names: Arc<NameIndex>,
    ) -> Self {
        Self {
            schema,
            names,
            backend,
            compiler: Compiler::new(),
        }
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
    pub(crate) fn reload(&mut self) -> Result<()> {
        self.schema = Arc::new(Schema::load(self.backend)?);
        self.names = Arc::new(if self.names.is_complete() {
            NameIndex::load(self.backend)?
        } else {
            NameIndex::on_demand()
        });
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
            statements: self.parse(name, text)?,
            session: self,
        })
    }

    /// Parses `text` (called `name` in messages) into statements to run with [`run_next`].
    /// A syntax error on a word that, with the words around it, makes a name of the data
    /// (`guarantor = United States`) says to quote the name.
    ///
    /// [`run_next`]: Session::run_next
    pub fn parse(&mut self, name: &str, text: &str) -> Result<Statements> {
        match Statements::parse(name, text) {
            Err(Error::Tql {
                name,
                text,
                mut diagnostic,
            }) => {
                if let Some(phrase) = self.name_around(&text, diagnostic.span) {
                    diagnostic.help = Some(format!(
                        "`{phrase}` is a name in the data: put it in quotes, \"{phrase}\""
                    ));
                }
                Err(Error::Tql {
                    name,
                    text,
                    diagnostic,
                })
            }
            other => other,
        }
    }

    /// The longest name of the data made of the word at `at` with up to three words before
    /// it and two after it, all on one line and separated by spaces only.
    fn name_around(&mut self, text: &str, at: Span) -> Option<String> {
        let words = words(text);
        let i = words.iter().position(|w| w.start == at.start)?;
        let joined = |a: usize, b: usize| {
            (a..b).all(|k| {
                text[words[k].end..words[k + 1].start]
                    .chars()
                    .all(|c| c == ' ' || c == '\t')
            })
        };
        let mut phrases: Vec<String> = Vec::new();
        for before in 1..=3.min(i) {
            for after in 0..=2.min(words.len() - 1 - i) {
                let (a, b) = (i - before, i + after);
                if joined(a, b) {
                    let phrase: Vec<&str> = (a..=b).map(|k| &text[words[k].clone()]).collect();
                    phrases.push(phrase.join(" "));
                }
            }
        }
        phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let known = |names: &NameIndex| {
            phrases
                .iter()
                .find(|p| !names.lookup(p, &[]).is_empty())
                .cloned()
        };
        if let Some(found) = known(&self.names) {
            self.names.take_misses();
            return Some(found);
        }
        let misses = self.names.take_misses();
        if misses.is_empty() || self.fetch_names(&misses).is_err() {
            return None;
        }
        let found = known(&self.names);
        self.names.take_misses();
        found
    }

    /// Compiles and runs the next statement, or returns `None` when none is left. This is
    /// what [`Runner`] does; callers that need the session between two statements (the
    /// shell) call it themselves.
    pub(crate) fn run_next(&mut self, statements: &mut Statements) -> Option<Outcome> {
        let (index, statement) = statements.statements.next()?;
        let started = Instant::now();
        let result = self.run_statement(
            &statements.name,
            &statements.text,
            &statement,
            statements.execute,
            &mut statements.fetched,
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
        let mut statements = self.parse(name, text)?;
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
        fetched: &mut Fetched,
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
                dated,
            } => {
                let answer = if execute {
                    let answer = self.backend.evaluate(&query)?;
                    let answer = crate::compile::take_precision(answer, &dated);
                    let (answer, skipped) = crate::compile::take_skipped(answer, &skipped);
                    notes = skipped;
                    Some(crate::compile::tidy_lists(answer, &lists))
                } else {
                    None
                };
                (Query::Algebra(query), answer)
            }
            Compiled::Analysis(plan) => {
                let analysed = self.run_plan(name, text, &plan, execute, fetched)?;
                return Ok(Done::Analysis(Box::new(analysed)));
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
        self.compile_with(name, text, |compiler, schema, names| {
            compiler.compile(schema, names, statement)
        })
    }

    /// Reads `misses` from the store into the names (a complete index has them all: it is
    /// left as it is, and shared).
    fn fetch_names(&mut self, misses: &[String]) -> Result<()> {
        if self.names.is_complete() {
            return Ok(());
        }
        Arc::make_mut(&mut self.names).fetch(self.backend, misses)
    }

    /// [`Session::compile`] for any use of the compiler.
    fn compile_with<T>(
        &mut self,
        name: &str,
        text: &str,
        mut compile: impl FnMut(
            &mut Compiler,
            &Schema,
            &NameIndex,
        ) -> std::result::Result<T, Diagnostic>,
    ) -> Result<T> {
        let diagnostic = loop {
            match compile(&mut self.compiler, &self.schema, &self.names) {
                Ok(compiled) => {
                    self.names.take_misses();
                    return Ok(compiled);
                }
                Err(diagnostic) => {
                    let misses = self.names.take_misses();
                    if misses.is_empty() {
                        break diagnostic;
                    }
                    self.fetch_names(&misses)?;
                }
            }
        };
        let diagnostic = if self.names.is_complete() || !self.names.met_an_unknown_name() {
            diagnostic
        } else {
            self.names = Arc::new(NameIndex::load(self.backend)?);
            match compile(&mut self.compiler, &self.schema, &self.names) {
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
    fetched: Fetched,
}

/// The answers of the analyses' fetch queries run so far in one script, by their SPARQL
/// text. The statements of a script often fetch the same rows (gallery 19's three `survival`
/// statements fetch the same settlements and observation dates), and a script sees one state
/// of the data, so each is asked once. A script is one `run` file, one input of the shell or
/// one request to the server: the next one asks again.
#[derive(Default)]
pub(crate) struct Fetched(HashMap<String, Answer>);

impl Fetched {
    /// The answer of `query`, from `backend` the first time it is asked.
    pub(crate) fn evaluate(
        &mut self,
        backend: &dyn Backend,
        query: &spargebra::Query,
    ) -> Result<Answer> {
        let key = query.to_string();
        if let Some(answer) = self.0.get(&key) {
            return Ok(answer.clone());
        }
        let answer = backend.evaluate(query)?;
        self.0.insert(key, answer.clone());
        Ok(answer)
    }
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
            .map(|s| match s {
                Statement::Let { .. } => 0,
                Statement::Analysis(analysis) => crate::compile::analysis::Plan::tables(analysis),
                _ => 1,
            })
            .sum();
        Self {
            name: name.to_owned(),
            text: text.to_owned(),
            statements: script.statements.into_iter().enumerate(),
            results,
            execute: true,
            fetched: Fetched::default(),
        }
    }

    /// How many result tables the whole script gives (one per statement but the `let`s, and
    /// two or three for `survival`): with more than one, a table or Markdown output heads
    /// each result with its statement.
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

/// The byte ranges of the words of `text`: letters, digits, `'` and `-`.
fn words(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let word = c.is_alphanumeric() || c == '\'' || c == '-';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    out
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
            elapsed: std::time::Duration::ZERO,
            raw,
        }
    }

    /// The store, counting the queries asked of it.
    struct Counting {
        store: crate::store::Store,
        asked: std::cell::RefCell<Vec<String>>,
    }

    impl Backend for Counting {
        fn query(&self, sparql: &str) -> crate::store::error::Result<Answer> {
            self.asked.borrow_mut().push(sparql.to_owned());
            self.store.query(sparql)
        }

        fn evaluate(&self, query: &spargebra::Query) -> crate::store::error::Result<Answer> {
            self.asked.borrow_mut().push(query.to_string());
            self.store.evaluate(query)
        }

        fn describe(&self) -> String {
            "a counted store".into()
        }
    }

    #[test]
    fn a_script_fetches_the_same_rows_once() {
        let backend = Counting {
            store: crate::store::Store::open(&crate::store::Location::Memory, false).unwrap(),
            asked: Default::default(),
        };
        let mut session = Session::new(&backend).unwrap();
        let gallery_19 = include_str!("../../queries/19-peace-by-mechanism.tq");
        let mut run = |text: &str| {
            backend.asked.borrow_mut().clear();
            for outcome in session.run_script("19", text).unwrap() {
                outcome.result.unwrap();
            }
            backend.asked.borrow().clone()
        };
        // The first run also reads the names the statements use; the session keeps them.
        run(gallery_19);
        let asked = run(gallery_19);
        let mut distinct = asked.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            asked.len(),
            distinct.len(),
            "no query is asked twice in one script"
        );
        // The three statements share their fetch of the settlements: alone, each asks for it.
        let statements: Vec<&str> = gallery_19
            .split(';')
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(statements.len(), 3);
        let apart: usize = statements.iter().map(|s| run(s).len()).sum();
        assert!(
            asked.len() < apart,
            "{} queries together, {apart} apart",
            asked.len()
        );
        // The next script asks again: it may see other data.
        assert_eq!(run(gallery_19).len(), asked.len());
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
