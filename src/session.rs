//! A TQL session: the schema and names read once from a backend, parameters and `let`
//! definitions that last from one statement to the next, and the whole pipeline
//! text -> AST -> resolved query -> algebra -> rows for each statement.

use crate::compile::{Compiled, Compiler, sparql};
use crate::error::{Error, Result};
use crate::lang;
use crate::results::Answer;
use crate::schema::{NameIndex, Schema};
use crate::store::Backend;

/// What running one statement gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The statement's text as written.
    pub text: String,
    /// The SPARQL it ran as (absent for a `let`).
    pub sparql: Option<String>,
    /// Its rows (absent for a `let`).
    pub answer: Option<Answer>,
    /// The name a `let` defined.
    pub defined: Option<String>,
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

    /// Parses and compiles every statement of `text`, without running any.
    /// Returns each statement's text with its SPARQL (`None` for a `let`).
    pub fn explain(&mut self, name: &str, text: &str) -> Result<Vec<(String, Option<String>)>> {
        let script = parse(name, text)?;
        let mut out = Vec::new();
        for statement in &script.statements {
            let compiled = self.compile(name, text, statement)?;
            out.push((statement_text(text, statement), compiled.explain()));
        }
        Ok(out)
    }

    /// Runs one parsed statement of `text`.
    pub fn run_statement(
        &mut self,
        name: &str,
        text: &str,
        statement: &lang::ast::Statement,
    ) -> Result<Outcome> {
        let compiled = self.compile(name, text, statement)?;
        let sparql = sparql_of(&compiled);
        let answer = match &compiled {
            Compiled::Select { query, lists } => Some(crate::compile::tidy_lists(
                self.backend.evaluate(query)?,
                lists,
            )),
            Compiled::Sparql(raw) => Some(self.backend.query(raw)?),
            Compiled::Defined(_) => None,
        };
        Ok(Outcome {
            text: statement_text(text, statement),
            sparql,
            answer,
            defined: match compiled {
                Compiled::Defined(n) => Some(n),
                _ => None,
            },
        })
    }

    /// Compiles a statement, reading the names it uses from the backend as the compiler
    /// misses them (one query per round, a round per name at most). An error about a name the
    /// store does not have is compiled once more against every name of the store, so that it
    /// suggests near names.
    fn compile(
        &mut self,
        name: &str,
        text: &str,
        statement: &lang::ast::Statement,
    ) -> Result<Compiled> {
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

/// Parses `text`, turning a syntax error into an `Error` that carries the text.
pub fn parse(name: &str, text: &str) -> Result<lang::ast::Script> {
    lang::parse(text).map_err(|diagnostic| Error::Tql {
        name: name.to_owned(),
        text: text.to_owned(),
        diagnostic: Box::new(diagnostic),
    })
}

fn sparql_of(compiled: &Compiled) -> Option<String> {
    match compiled {
        Compiled::Select { query, .. } => Some(sparql::to_sparql(query)),
        Compiled::Sparql(raw) => Some(raw.clone()),
        Compiled::Defined(_) => None,
    }
}

/// The source text of a statement.
fn statement_text(text: &str, statement: &lang::ast::Statement) -> String {
    use lang::ast::Statement;
    let span = match statement {
        Statement::Let { span, .. } => *span,
        Statement::Query(q) => q.span,
        Statement::Sparql(s) => s.span,
    };
    text.get(span.start..span.end)
        .unwrap_or_default()
        .trim()
        .to_owned()
}
