//! From TQL syntax to SPARQL algebra: names are resolved against the schema and the store's
//! labels (`resolve.rs`), and the resolved query is lowered to a `spargebra::Query` (`lower.rs`).
//! User text never becomes query text: names become IRIs, values become literals, both as terms.
//! `sparql.rs` prints the algebra for `explain` and for remote endpoints.

mod lower;
mod resolve;
pub mod sparql;

use std::collections::HashMap;

use oxigraph::model::{Literal, Term};

use crate::lang::ast::{Query, Statement};
use crate::lang::diagnostic::Diagnostic;
use crate::results::Answer;
use crate::schema::{NameIndex, Schema};

/// What one statement compiled to.
#[derive(Debug, Clone, PartialEq)]
pub enum Compiled {
    /// A query built as algebra (its projection names the columns, in order). `lists` names
    /// the columns that hold several values each, to be tidied with [`tidy_lists`].
    Select {
        query: Box<spargebra::Query>,
        lists: Vec<String>,
    },
    /// Raw SPARQL from a `sparql "..."` statement, passed through untouched.
    Sparql(String),
    /// A `let` definition: nothing to run.
    Defined(String),
}

/// Sorts the values of each list column's cells and joins them with "; ", so that a cell
/// reads the same whatever engine made it (SPARQL leaves the order of `GROUP_CONCAT` open).
pub fn tidy_lists(answer: Answer, lists: &[String]) -> Answer {
    let Answer::Table(mut table) = answer else {
        return answer;
    };
    let columns: Vec<usize> = lists
        .iter()
        .filter_map(|name| table.columns.iter().position(|c| c == name))
        .collect();
    for row in &mut table.rows {
        for &column in &columns {
            if let Some(Some(Term::Literal(cell))) = row.get(column) {
                let mut values: Vec<&str> = cell
                    .value()
                    .split(lower::LIST_SEPARATOR)
                    .filter(|v| !v.is_empty())
                    .collect();
                values.sort_unstable();
                values.dedup();
                row[column] = (!values.is_empty())
                    .then(|| Literal::new_simple_literal(values.join("; ")).into());
            }
        }
    }
    Answer::Table(table)
}

/// Compiles statements against a schema and a name index, remembering parameters and `let`
/// definitions from one statement to the next.
#[derive(Debug, Default)]
pub struct Compiler {
    params: HashMap<String, String>,
    lets: HashMap<String, Query>,
}

impl Compiler {
    /// A compiler with no parameters and no definitions yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds `$name` to `value` for the following statements.
    pub fn set_param(&mut self, name: &str, value: &str) {
        self.params
            .insert(name.trim_start_matches('$').to_owned(), value.to_owned());
    }

    /// Forgets a parameter.
    pub fn unset_param(&mut self, name: &str) {
        self.params.remove(name.trim_start_matches('$'));
    }

    /// The bound parameters, by name.
    pub fn params(&self) -> &HashMap<String, String> {
        &self.params
    }

    /// Compiles one statement. A `let` is remembered for the statements after it.
    pub fn compile(
        &mut self,
        schema: &Schema,
        names: &NameIndex,
        statement: &Statement,
    ) -> Result<Compiled, Diagnostic> {
        match statement {
            Statement::Sparql { text, .. } => Ok(Compiled::Sparql(text.node.clone())),
            Statement::Let { name, query, .. } => {
                if schema.set(&name.node).is_some() {
                    return Err(Diagnostic::new(
                        name.span,
                        format!("`{}` is already the name of an entity set", name.node),
                    )
                    .with_label("choose another name"));
                }
                // Check the definition now, so its errors point at the `let`.
                let merged = self.expand(query)?;
                resolve::Resolver::new(schema, names, &self.params).resolve(&merged)?;
                self.lets.insert(name.node.to_lowercase(), merged);
                Ok(Compiled::Defined(name.node.clone()))
            }
            Statement::Query(query) => {
                let merged = self.expand(query)?;
                let resolved =
                    resolve::Resolver::new(schema, names, &self.params).resolve(&merged)?;
                let (query, lists) = lower::lower(&resolved);
                Ok(Compiled::Select {
                    query: Box::new(query),
                    lists,
                })
            }
        }
    }

    /// A query whose source is a `let` name, with the definition's clauses put in front.
    fn expand(&self, query: &Query) -> Result<Query, Diagnostic> {
        let Some(base) = self.lets.get(&query.source.node.to_lowercase()) else {
            return Ok(query.clone());
        };
        let mut merged = base.clone();
        merged.count = query.count.or(base.count);
        merged.span = query.span;
        for clause in &query.clauses {
            use crate::lang::ast::Clause;
            let replaces = |c: &Clause| {
                std::mem::discriminant(c) == std::mem::discriminant(clause)
                    && !matches!(
                        clause,
                        Clause::Where(_) | Clause::With(_) | Clause::Without(_) | Clause::Having(_)
                    )
            };
            merged.clauses.retain(|c| !replaces(c));
            merged.clauses.push(clause.clone());
        }
        Ok(merged)
    }
}
