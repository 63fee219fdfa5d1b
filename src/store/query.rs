//! Queries on the embedded store: parsing with the well-known prefixes, evaluation over the
//! union of the graphs with results read into memory, cancellation (the store's own token or
//! a token per request, `Watched`), and SPARQL syntax errors with their position.

use oxigraph::model::Term;
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};

use super::error::{Error, Result};
use super::{Backend, Location, Store};
use crate::results::{Answer, Table};
use crate::vocab;

impl Store {
    /// Makes every query from now on watch `token` (or none, with `None`): once it is
    /// cancelled, a running query stops with [`Error::Cancelled`]. The interactive shell sets a
    /// fresh token before each statement and cancels it on Ctrl-C.
    ///
    /// ```
    /// use treaty::{Backend, store::{CancellationToken, Error, Location, Store}};
    /// let store = Store::open(&Location::Memory, false)?;
    /// let token = CancellationToken::new();
    /// store.set_cancellation(Some(token.clone()));
    /// token.cancel();
    /// assert!(matches!(store.query("SELECT * WHERE { ?s ?p ?o }"), Err(Error::Cancelled)));
    /// store.set_cancellation(None);
    /// assert!(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1").is_ok());
    /// # Ok::<_, treaty::Error>(())
    /// ```
    pub fn set_cancellation(&self, token: Option<CancellationToken>) {
        *self
            .cancellation
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = token;
    }

    /// This store as a backend whose queries watch `token` rather than the store's own: for a
    /// server, where each request has its own deadline.
    ///
    /// ```
    /// use treaty::{Backend, store::{CancellationToken, Error, Location, Store}};
    /// let store = Store::open(&Location::Memory, false)?;
    /// let token = CancellationToken::new();
    /// let watched = store.watched(token.clone());
    /// token.cancel();
    /// assert!(matches!(watched.query("SELECT * WHERE { ?s ?p ?o }"), Err(Error::Cancelled)));
    /// assert!(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1").is_ok());
    /// # Ok::<_, treaty::Error>(())
    /// ```
    pub fn watched(&self, token: CancellationToken) -> Watched<'_> {
        Watched { store: self, token }
    }

    /// A SPARQL evaluator that watches the cancellation token, if one is set.
    fn evaluator(&self) -> SparqlEvaluator {
        let token = self
            .cancellation
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        evaluator_watching(token)
    }

    /// Parses a SPARQL query with the well-known prefixes predeclared.
    fn prepare(
        &self,
        evaluator: SparqlEvaluator,
        sparql: &str,
    ) -> Result<oxigraph::sparql::PreparedSparqlQuery> {
        let mut evaluator = evaluator;
        for (prefix, namespace) in vocab::PREFIXES {
            evaluator = evaluator
                .with_prefix(*prefix, *namespace)
                .expect("the built-in prefixes are valid");
        }
        evaluator
            .parse_query(sparql)
            .map_err(|e| query_syntax_error(sparql, &e.to_string()))
    }

    /// Runs a prepared query over the union of all graphs (unless it names its own dataset)
    /// and reads all its results into memory.
    fn execute(&self, mut prepared: oxigraph::sparql::PreparedSparqlQuery) -> Result<Answer> {
        if prepared.dataset().is_default_dataset() {
            prepared.dataset_mut().set_default_graph_as_union();
        }
        let evaluation = |e: QueryEvaluationError| match e {
            QueryEvaluationError::Cancelled => Error::Cancelled,
            e => Error::QueryEvaluation(e.to_string()),
        };
        // Held until every row is read: the snapshot must outlive the query.
        let data = self.data();
        match prepared.on_store(&data.db).execute().map_err(evaluation)? {
            QueryResults::Boolean(value) => Ok(Answer::Boolean(value)),
            QueryResults::Solutions(solutions) => {
                let columns = solutions
                    .variables()
                    .iter()
                    .map(|v| v.as_str().to_owned())
                    .collect();
                let mut rows = Vec::new();
                for solution in solutions {
                    let solution = solution.map_err(evaluation)?;
                    rows.push(solution.values().to_vec());
                }
                Ok(Answer::Table(Table { columns, rows }))
            }
            QueryResults::Graph(triples) => {
                let columns = ["subject", "predicate", "object"]
                    .map(String::from)
                    .to_vec();
                let mut rows = Vec::new();
                for triple in triples {
                    let triple = triple.map_err(evaluation)?;
                    rows.push(vec![
                        Some(Term::from(triple.subject)),
                        Some(Term::from(triple.predicate)),
                        Some(triple.object),
                    ]);
                }
                Ok(Answer::Table(Table { columns, rows }))
            }
        }
    }
}

/// A SPARQL evaluator that watches `token`, if there is one.
fn evaluator_watching(token: Option<CancellationToken>) -> SparqlEvaluator {
    match token {
        Some(token) => SparqlEvaluator::new().with_cancellation_token(token),
        None => SparqlEvaluator::new(),
    }
}

impl Backend for Store {
    fn query(&self, sparql: &str) -> Result<Answer> {
        self.execute(self.prepare(self.evaluator(), sparql)?)
    }

    fn evaluate(&self, query: &spargebra::Query) -> Result<Answer> {
        self.execute(self.evaluator().for_query(query.clone()))
    }

    fn describe(&self) -> String {
        match &self.location {
            Location::Memory => "the in-memory store".to_owned(),
            Location::Dir(path) => format!("the store {}", path.display()),
        }
    }
}

/// A store whose queries watch a cancellation token of their own ([`Store::watched`]).
pub struct Watched<'a> {
    store: &'a Store,
    token: CancellationToken,
}

impl Backend for Watched<'_> {
    fn query(&self, sparql: &str) -> Result<Answer> {
        let evaluator = evaluator_watching(Some(self.token.clone()));
        self.store.execute(self.store.prepare(evaluator, sparql)?)
    }

    fn evaluate(&self, query: &spargebra::Query) -> Result<Answer> {
        let evaluator = evaluator_watching(Some(self.token.clone()));
        self.store.execute(evaluator.for_query(query.clone()))
    }

    fn describe(&self) -> String {
        self.store.describe()
    }
}

/// Turns a SPARQL parser message into an error with the position it names, if it names one.
pub(crate) fn query_syntax_error(query: &str, message: &str) -> Error {
    let is_update = oxigraph::sparql::SparqlEvaluator::new()
        .parse_update(query)
        .is_ok();
    if is_update {
        return Error::UpdateRefused;
    }
    let (line, column) = parse_position(message).unzip();
    Error::QuerySyntax {
        query: query.to_owned(),
        line,
        column,
        message: message.to_owned(),
    }
}

/// Reads `error at L:C: ...`, the form of the SPARQL parser's messages.
fn parse_position(message: &str) -> Option<(u64, u64)> {
    let rest = message.strip_prefix("error at ")?;
    let (position, _) = rest.split_once(": ")?;
    let (line, column) = position.split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_position_of_a_sparql_syntax_error() {
        assert_eq!(
            parse_position("error at 2:7: expected one of"),
            Some((2, 7))
        );
        assert_eq!(parse_position("something else"), None);
    }
}
