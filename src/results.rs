//! The answer to a query, in memory and independent of the backend that produced it: a table of
//! solutions (graph results become subject/predicate/object rows) or a boolean.

use oxigraph::model::Term;

/// What a query returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Rows of a SELECT (or the triples of a CONSTRUCT/DESCRIBE as subject, predicate, object).
    Table(Table),
    /// The answer to an ASK query.
    Boolean(bool),
}

impl Answer {
    /// The rows of a table; none for an ASK answer.
    pub fn into_rows(self) -> Vec<Vec<Option<Term>>> {
        match self {
            Answer::Table(table) => table.rows,
            Answer::Boolean(_) => Vec::new(),
        }
    }
}

/// Solutions: the column names and, for each row, a value or nothing for each column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column names, without the `?`.
    pub columns: Vec<String>,
    /// One entry per row, with one cell per column; `None` where the variable is unbound.
    pub rows: Vec<Vec<Option<Term>>>,
}

impl Table {
    /// The cell at `row`, `column`, if the column exists and is bound.
    pub fn get(&self, row: usize, column: &str) -> Option<&Term> {
        let index = self.columns.iter().position(|c| c == column)?;
        self.rows.get(row)?.get(index)?.as_ref()
    }
}
