//! `treaty stats`: what a store holds: triples per graph, and how many settlements, guarantees,
//! conflicts and actors. Asked through the `Backend` seam, so it works on any backend.

use oxigraph::model::Term;

use crate::error::Result;
use crate::results::{Answer, Table};
use crate::store::{Backend, Error as StoreError};

/// The counts `treaty stats` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// (graph IRI, triple count), largest first.
    pub graphs: Vec<(String, u64)>,
    /// (entity set, count): settlements, guarantees, conflicts, actors.
    pub entities: Vec<(&'static str, u64)>,
}

const ENTITY_SETS: &[(&str, &str)] = &[
    ("settlements", "tr:Settlement"),
    ("guarantees", "tr:Guarantee"),
    ("conflicts", "tr:Conflict"),
    ("actors", "tr:Actor"),
];

/// Counts what `backend` holds.
pub fn collect(backend: &dyn Backend) -> Result<Stats> {
    let graphs = graphs(backend)?;
    let mut entities = Vec::new();
    for (name, class) in ENTITY_SETS {
        let table = expect_table(backend.query(&format!(
            "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a {class} }}"
        ))?)?;
        entities.push((*name, count(&table, 0, "n")));
    }
    Ok(Stats { graphs, entities })
}

/// The named graphs of `backend` with their triple counts, largest first, without the graphs
/// a server keeps for itself (`Backend::is_internal_graph`).
pub fn graphs(backend: &dyn Backend) -> Result<Vec<(String, u64)>> {
    let table = expect_table(backend.query(
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } \
         GROUP BY ?graph ORDER BY DESC(?triples) ?graph",
    )?)?;
    let mut graphs = Vec::new();
    for row in 0..table.rows.len() {
        let graph = match table.get(row, "graph") {
            Some(Term::NamedNode(n)) => n.as_str().to_owned(),
            Some(other) => other.to_string(),
            None => continue,
        };
        if backend.is_internal_graph(&graph) {
            continue;
        }
        graphs.push((graph, count(&table, row, "triples")));
    }
    Ok(graphs)
}

fn expect_table(answer: Answer) -> Result<Table> {
    match answer {
        Answer::Table(table) => Ok(table),
        Answer::Boolean(_) => {
            Err(StoreError::QueryEvaluation("expected solutions, got a boolean".into()).into())
        }
    }
}

fn count(table: &Table, row: usize, column: &str) -> u64 {
    match table.get(row, column) {
        Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
        _ => 0,
    }
}

impl Stats {
    /// The statistics as a two-column answer (what, count), for any output format.
    pub fn to_answer(&self) -> Answer {
        let literal = |n: u64| Some(Term::from(oxigraph::model::Literal::from(n as i64)));
        let text = |s: &str| Some(Term::from(oxigraph::model::Literal::new_simple_literal(s)));
        let mut rows = Vec::new();
        for (name, n) in &self.entities {
            rows.push(vec![text(name), literal(*n)]);
        }
        for (graph, n) in &self.graphs {
            rows.push(vec![text(&format!("triples in {graph}")), literal(*n)]);
        }
        Answer::Table(Table {
            columns: vec!["what".into(), "count".into()],
            rows,
        })
    }
}
