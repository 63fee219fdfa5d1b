//! From TQL syntax to SPARQL algebra, one function a stage:
//!
//! | stage | function | from | to |
//! |---|---|---|---|
//! | expand | [`expand`] | a query whose source is a `let` name | the query with the definition's clauses in front |
//! | resolve | [`resolve`] (`resolve/`) | [`Query`](crate::lang::ast::Query), a schema, names, parameters | [`ir::Query`]: predicates, IRIs, typed literals, columns, order |
//! | lower | [`lower`] (`lower.rs`) | [`ir::Query`] | `spargebra::Query`, in the shape the SPARQL parser builds |
//! | print | [`crate::sparql::to_sparql`], [`crate::sparql::pretty`] (a leaf module of its own) | `spargebra::Query` | SPARQL text, on one line or on several |
//!
//! [`Compiler::compile`] chains them for one statement, and remembers parameters and `let`
//! definitions between statements. User text never becomes query text: names become IRIs,
//! values become literals, both as terms.

mod analogues;
pub mod analysis;

pub(crate) use analogues::normal as analogues_normal;
pub mod ir;
mod lower;
#[cfg(feature = "testing")]
pub mod reference;
mod resolve;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, Term};

pub use lower::lower;
pub use resolve::resolve;

use crate::lang::ast::{Clause, Query, Statement};
use crate::lang::diagnostic::Diagnostic;
use crate::results::Answer;
use crate::schema::{EntitySet, NameIndex, Schema};
use crate::sparql;

/// What one statement compiled to.
#[derive(Debug, Clone, PartialEq)]
pub enum Compiled {
    /// A query built as algebra (its projection names the columns, in order). `lists` names
    /// the columns that hold several values each, to be tidied with [`tidy_lists`].
    Select {
        query: Box<spargebra::Query>,
        lists: Vec<String>,
        /// Hidden columns that count the entities an aggregate left out for want of a
        /// value, with the aggregate's column and the entity set's plural: see
        /// [`take_skipped`].
        skipped: Skipped,
        /// Hidden columns with the precision of a date column: see [`take_precision`].
        dated: Vec<(String, String)>,
    },
    /// Raw SPARQL from a `sparql "..."` statement, passed through untouched.
    Sparql(String),
    /// A `survival` or `rate` statement: the queries that fetch its rows.
    Analysis(Box<analysis::Plan>),
    /// A `let` definition: nothing to run.
    Defined(String),
}

impl Compiled {
    /// The SPARQL to show a person (`explain`): a compiled query on several lines with its
    /// `PREFIX` declarations, raw SPARQL as written; nothing for a definition.
    pub fn explain(&self) -> Option<String> {
        match self {
            Compiled::Select { query, .. } => Some(sparql::pretty(query, crate::vocab::PREFIXES)),
            Compiled::Sparql(raw) => Some(raw.clone()),
            Compiled::Analysis(plan) => Some(
                plan.fetches()
                    .iter()
                    .map(|(what, query)| {
                        format!(
                            "# fetch: {what}\n{}",
                            sparql::pretty(query, crate::vocab::PREFIXES)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
                    + &format!("# then: {}\n", plan.step()),
            ),
            Compiled::Defined(_) => None,
        }
    }
}

/// Sorts the values of each list column's cells and joins them with "; ", so that a cell
/// reads the same whatever engine made it (SPARQL leaves the order of `GROUP_CONCAT` open).
pub(crate) fn tidy_lists(answer: Answer, lists: &[String]) -> Answer {
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

/// The hidden columns of a grouped query that count, per group, the entities an aggregate
/// left out because it has no value for them (SEMANTICS.md R6: aggregates skip missing
/// values, and the answer says how many).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Skipped {
    /// (hidden column, shown column) pairs.
    pub columns: Vec<(String, String)>,
    /// The plural of the entity set, for the note.
    pub plural: String,
}

/// Takes the hidden columns [`Skipped`] names out of `answer` and says in a note, for each
/// aggregate that left entities out, how many (summed over the groups): the table, CSV and
/// JSON keep only the columns asked for.
pub(crate) fn take_skipped(answer: Answer, skipped: &Skipped) -> (Answer, Vec<String>) {
    let Answer::Table(mut table) = answer else {
        return (answer, Vec::new());
    };
    let mut notes = Vec::new();
    for (hidden, shown) in &skipped.columns {
        let Some(index) = table.columns.iter().position(|c| c == hidden) else {
            continue;
        };
        let left_out: i64 = table
            .rows
            .iter()
            .filter_map(|row| match row.get(index) {
                Some(Some(Term::Literal(n))) => n.value().parse::<i64>().ok(),
                _ => None,
            })
            .sum();
        if left_out > 0 {
            let groups = if table.rows.len() > 1 {
                " (summed over the groups)"
            } else {
                ""
            };
            notes.push(format!(
                "`{shown}` left out {left_out} {} without a value{groups}",
                skipped.plural
            ));
        }
        table.columns.remove(index);
        for row in &mut table.rows {
            if index < row.len() {
                row.remove(index);
            }
        }
    }
    (Answer::Table(table), notes)
}

/// Shows each date of a `dated` column at the precision its hidden column gives: a date known
/// to the year becomes an `xsd:gYear` (`1673`), one known to the month an `xsd:gYearMonth`
/// (`1914-07`); the hidden columns are taken out. Machine-read formats turn them back into
/// the stored date ([`crate::output::stored_date`]).
pub(crate) fn take_precision(answer: Answer, dated: &[(String, String)]) -> Answer {
    let Answer::Table(mut table) = answer else {
        return answer;
    };
    for (hidden, shown) in dated {
        let (Some(hidden), Some(shown)) = (
            table.columns.iter().position(|c| c == hidden),
            table.columns.iter().position(|c| c == shown),
        ) else {
            continue;
        };
        for row in &mut table.rows {
            let precision = match row.get(hidden) {
                Some(Some(Term::NamedNode(unit))) => unit.as_str(),
                _ => "",
            };
            let (length, datatype) = match precision {
                crate::vocab::PRECISION_YEAR => (4, xsd::G_YEAR),
                crate::vocab::PRECISION_MONTH => (7, xsd::G_YEAR_MONTH),
                _ => continue,
            };
            if let Some(Some(Term::Literal(date))) = row.get(shown)
                && date.datatype() == xsd::DATE
                && let Some(prefix) = date.value().get(..length)
            {
                row[shown] = Some(Literal::new_typed_literal(prefix, datatype).into());
            }
        }
        table.columns.remove(hidden);
        for row in &mut table.rows {
            if hidden < row.len() {
                row.remove(hidden);
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
    /// The date `today()` stands for; the UTC date at compile time when not set.
    today: Option<String>,
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

    /// Makes `today()` stand for `date` (`YYYY-MM-DD`) rather than the date the statement
    /// is compiled on, so that an answer can be reproduced.
    pub fn set_today(&mut self, date: &str) {
        self.today = Some(date.to_owned());
    }

    /// Expands and resolves `query` with this compiler's `let`s, parameters and date.
    fn resolve(
        &self,
        schema: &Schema,
        names: &NameIndex,
        query: &Query,
    ) -> Result<ir::Query, Diagnostic> {
        resolve(
            &expand(query, &self.lets),
            schema,
            names,
            &self.params,
            &self.today(),
        )
    }

    /// The date `today()` stands for.
    fn today(&self) -> String {
        self.today
            .clone()
            .unwrap_or_else(|| crate::clock::utc_now()[..10].to_owned())
    }

    /// Forgets a parameter.
    pub(crate) fn unset_param(&mut self, name: &str) {
        self.params.remove(name.trim_start_matches('$'));
    }

    /// The bound parameters, by name.
    pub fn params(&self) -> &HashMap<String, String> {
        &self.params
    }

    /// Compiles one statement: expand, resolve, lower. A `let` is resolved (so that its
    /// errors point at the definition) and remembered for the statements after it.
    pub fn compile(
        &mut self,
        schema: &Schema,
        names: &NameIndex,
        statement: &Statement,
    ) -> Result<Compiled, Diagnostic> {
        match statement {
            Statement::Sparql { text, .. } => Ok(Compiled::Sparql(text.node.clone())),
            Statement::Analysis(analysis) => Ok(Compiled::Analysis(Box::new(
                self.compile_analysis(schema, names, analysis)?,
            ))),
            Statement::Let { name, query, .. } => {
                if schema.set(&name.node).is_some() {
                    return Err(Diagnostic::new(
                        name.span,
                        format!("`{}` is already the name of an entity set", name.node),
                    )
                    .with_label("choose another name"));
                }
                let expanded = expand(query, &self.lets);
                resolve(&expanded, schema, names, &self.params, &self.today())?;
                self.lets.insert(name.node.to_lowercase(), expanded);
                Ok(Compiled::Defined(name.node.clone()))
            }
            Statement::Query(query) => {
                let resolved = self.resolve(schema, names, query)?;
                let plural = schema
                    .set_of_class(&resolved.class)
                    .map_or_else(|| "entities".to_owned(), |s| s.plural.clone());
                Ok(Compiled::Select {
                    query: Box::new(lower(&resolved)),
                    lists: resolved.lists(),
                    skipped: Skipped {
                        columns: resolved.skipped(),
                        plural,
                    },
                    dated: resolved.dated(),
                })
            }
        }
    }
}

/// A query compiled to one row per entity, with the entity itself as an extra column
/// [`ENTITY_COLUMN`]: what the statistics of `survival` and `rate` fetch (src/session/analysis.rs).
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub query: Box<spargebra::Query>,
    /// The columns that hold several values each, to be tidied with [`tidy_lists`].
    pub lists: Vec<String>,
    /// The class of the entities.
    pub class: oxigraph::model::NamedNode,
    /// Whether the query sorts its rows (when a limit makes the order matter); otherwise the
    /// session sorts them.
    pub ordered: bool,
}

/// The column of [`Rows`] that holds each row's entity.
pub(crate) const ENTITY_COLUMN: &str = "__this";

impl Compiler {
    /// Compiles `query` to [`Rows`]: its `show` items as columns and the entity as one more.
    /// A query (or the `let` it names) that counts or groups gives no row per entity: that
    /// is an error at its source.
    pub(crate) fn compile_rows(
        &mut self,
        schema: &Schema,
        names: &NameIndex,
        query: &Query,
    ) -> Result<Rows, Diagnostic> {
        let resolved = self.resolve(schema, names, query)?;
        if resolved.shape != ir::Shape::Entities {
            return Err(Diagnostic::new(
                query.source.span,
                format!(
                    "`{}` counts or groups its rows, so it has no row per entity to analyse",
                    query.source.node
                ),
            )
            .with_label("a counted or grouped query")
            .with_help("use a `let` that only chooses entities (`where`, `with`, `without`)"));
        }
        // The rows are read by the session, never shown as they come: a date's precision is
        // fetched as a column of its own where the statistic needs it, and the session sorts
        // the rows (by name and entity) unless a limit makes the order part of the answer.
        // Oxigraph decodes both terms at every comparison of a sort, so sorting 77,000
        // settlements took 15 s of a 21 s fetch at a million triples (docs/scale.md).
        let mut resolved = resolved;
        for column in &mut resolved.columns {
            if let ir::ColumnValue::Value(ir::Operand::Path(path)) = &mut column.value {
                path.precision = None;
            }
        }
        let unordered = resolved.limit.is_none() && resolved.offset.is_none();
        let mut lowered = lower(&resolved);
        if let spargebra::Query::Select { pattern, .. } = &mut lowered {
            project_entity(pattern, unordered);
        }
        Ok(Rows {
            query: Box::new(lowered),
            lists: resolved.lists(),
            class: resolved.class.clone(),
            ordered: !unordered,
        })
    }

    /// The entity set a source names: itself, or the set the `let` it names draws on.
    pub(crate) fn source_set<'s>(&self, schema: &'s Schema, source: &str) -> Option<&'s EntitySet> {
        let mut name = source.to_lowercase();
        for _ in 0..=self.lets.len() {
            if let Some(set) = schema.set(&name) {
                return Some(set);
            }
            name = self.lets.get(&name)?.source.node.to_lowercase();
        }
        None
    }
}

/// Adds the entity variable to the projection of a one-row-per-entity query (grouped by it),
/// and drops its `ORDER BY` when `unordered`.
fn project_entity(pattern: &mut spargebra::algebra::GraphPattern, unordered: bool) {
    use spargebra::algebra::GraphPattern;
    match pattern {
        GraphPattern::Project { variables, inner } => {
            variables.insert(0, spargebra::term::Variable::new_unchecked(ENTITY_COLUMN));
            if let (true, GraphPattern::OrderBy { inner: sorted, .. }) = (unordered, &mut **inner) {
                let sorted = std::mem::take(&mut **sorted);
                **inner = sorted;
            }
        }
        GraphPattern::Slice { inner, .. } | GraphPattern::Distinct { inner } => {
            project_entity(inner, unordered)
        }
        _ => {}
    }
}

/// A query whose source is a `let` name (any case), with the definition's clauses put in
/// front: `where`, `with`, `without` and `having` add to the definition's, the other clauses
/// replace theirs. Any other query comes back as it is.
pub fn expand(query: &Query, lets: &HashMap<String, Query>) -> Query {
    let Some(base) = lets.get(&query.source.node.to_lowercase()) else {
        return query.clone();
    };
    let mut merged = base.clone();
    merged.count = query.count.or(base.count);
    merged.span = query.span;
    for clause in &query.clauses {
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
    merged
}
