//! The store: where the triples live. `Backend` is the seam every command queries through;
//! `Store` is its embedded implementation on Oxigraph (RocksDB on disk, or in memory), which
//! handles opening, the single-writer lock, read-only mode and seeding from the bundled data.

mod backend;
pub mod error;
mod lock;
pub mod remote;
pub mod seed;
mod target;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedNode, Term};
pub use oxigraph::sparql::CancellationToken;
use oxigraph::sparql::{QueryEvaluationError, QueryResults, SparqlEvaluator};

use crate::results::{Answer, Table};
use crate::vocab;
pub use backend::Backend;
pub use error::Error;
use error::Result;
pub use seed::SeedOutcome;
pub use target::{OpenOptions, Opened, Target};

/// Bulk loads of at least this many triples are followed by a compaction, which makes the next
/// queries faster (about 1.3x, measured on a million triples) at a small cost to the load.
pub(crate) const OPTIMIZE_AFTER: u64 = 100_000;

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A throw-away store in memory, seeded from the bundled data.
    Memory,
    /// A persistent store in this directory.
    Dir(PathBuf),
}

/// The embedded Oxigraph store.
pub struct Store {
    db: oxigraph::store::Store,
    location: Location,
    read_only: bool,
    seed: SeedOutcome,
    // Checked by every evaluation while set, so that the interactive shell can stop a query.
    cancellation: Mutex<Option<CancellationToken>>,
    // Held for the store's lifetime: the advisory lock that keeps a second process out.
    _lock: Option<File>,
}

impl Store {
    /// Opens (creating and seeding if needed) the store at `location`.
    ///
    /// A read-write open takes an exclusive lock, so a second process gets
    /// [`Error::StoreLocked`]; read-only opens share the lock among themselves.
    ///
    /// ```
    /// use treaty::store::{Location, Store, SeedOutcome};
    /// let store = Store::open(&Location::Memory, false)?;
    /// assert_eq!(store.seed_outcome(), SeedOutcome::Seeded);
    /// # Ok::<_, treaty::Error>(())
    /// ```
    pub fn open(location: &Location, read_only: bool) -> Result<Self> {
        let (db, lock) = match location {
            Location::Memory => (oxigraph::store::Store::new()?, None),
            Location::Dir(path) => {
                let lock = lock::acquire(path, read_only)?;
                let opened = if read_only {
                    oxigraph::store::Store::open_read_only(path)
                } else {
                    oxigraph::store::Store::open(path)
                };
                let db = opened.map_err(|source| Error::StoreOpen {
                    path: path.clone(),
                    source,
                })?;
                (db, Some(lock))
            }
        };
        let seed = if read_only {
            SeedOutcome::Unchecked
        } else {
            seed::seed(&db)?
        };
        Ok(Self {
            db,
            location: location.clone(),
            read_only,
            seed,
            cancellation: Mutex::new(None),
            _lock: lock,
        })
    }

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

    /// A SPARQL evaluator that watches the cancellation token, if one is set.
    fn evaluator(&self) -> SparqlEvaluator {
        let token = self
            .cancellation
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        match token {
            Some(token) => SparqlEvaluator::new().with_cancellation_token(token),
            None => SparqlEvaluator::new(),
        }
    }

    /// What opening did to the bundled graph.
    pub fn seed_outcome(&self) -> SeedOutcome {
        self.seed
    }

    /// Where this store lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The number of quads in all graphs.
    pub fn len(&self) -> Result<usize> {
        Ok(self.db.len()?)
    }

    /// True when the store holds no quad at all.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.db.is_empty()?)
    }

    /// The Oxigraph store, for the loader; fails on a read-only store.
    pub(crate) fn writable_db(&self) -> Result<&oxigraph::store::Store> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        Ok(&self.db)
    }

    /// Fails with [`Error::ReadOnly`] on a read-only store, before any work is done.
    pub fn writable(&self) -> Result<()> {
        self.writable_db().map(drop)
    }

    /// Replaces the contents of each named graph with its quads, atomically: every graph
    /// changes, or none does. The quads must be in their graph.
    ///
    /// When none of the graphs holds anything yet, the quads go through the bulk loader (fast,
    /// committed at once). Otherwise one transaction applies the difference between old and new
    /// contents, which is small when a file is imported again.
    pub fn replace_graphs<'a>(
        &self,
        graphs: impl IntoIterator<Item = (&'a NamedNode, &'a [oxigraph::model::Quad])>,
    ) -> Result<()> {
        let db = self.writable_db()?;
        let graphs: Vec<_> = graphs.into_iter().collect();
        let mut fresh = true;
        for (graph, _) in &graphs {
            let pattern = Some(GraphNameRef::NamedNode(graph.as_ref()));
            if db
                .quads_for_pattern(None, None, None, pattern)
                .next()
                .is_some()
            {
                fresh = false;
            }
        }
        if fresh {
            let mut loader = db.bulk_loader();
            for (_, quads) in &graphs {
                loader.load_quads(quads.iter().cloned())?;
            }
            loader.commit()?;
            let total: usize = graphs.iter().map(|(_, q)| q.len()).sum();
            if total as u64 >= OPTIMIZE_AFTER {
                self.optimize()?;
            }
            return Ok(());
        }
        let mut transaction = db.start_transaction()?;
        for (graph, quads) in &graphs {
            let pattern = Some(GraphNameRef::NamedNode(graph.as_ref()));
            let old = db
                .quads_for_pattern(None, None, None, pattern)
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let old_set: std::collections::HashSet<&oxigraph::model::Quad> = old.iter().collect();
            let new_set: std::collections::HashSet<&oxigraph::model::Quad> = quads.iter().collect();
            for quad in old.iter().filter(|q| !new_set.contains(q)) {
                transaction.remove(quad);
            }
            for quad in quads.iter().filter(|q| !old_set.contains(q)) {
                transaction.insert(quad);
            }
        }
        Ok(transaction.commit()?)
    }

    /// True when the named graph `graph` holds at least one triple.
    pub fn holds_graph(&self, graph: &NamedNode) -> Result<bool> {
        let pattern = Some(GraphNameRef::NamedNode(graph.as_ref()));
        Ok(self
            .db
            .quads_for_pattern(None, None, None, pattern)
            .next()
            .transpose()?
            .is_some())
    }

    /// Removes the named graphs, all in one transaction. Every graph must hold something: a
    /// graph that does not is an error that names it, and nothing is removed.
    pub fn remove_graphs(&self, graphs: &[NamedNode]) -> Result<()> {
        let db = self.writable_db()?;
        for graph in graphs {
            if !self.holds_graph(graph)? {
                return Err(Error::NoSuchGraph {
                    graph: graph.as_str().to_owned(),
                });
            }
        }
        let mut transaction = db.start_transaction()?;
        for graph in graphs {
            transaction.remove_named_graph(graph)?;
        }
        Ok(transaction.commit()?)
    }

    /// Compacts the store after a bulk load, which makes the following queries faster.
    pub(crate) fn optimize(&self) -> Result<()> {
        Ok(self.db.optimize()?)
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
        match prepared.on_store(&self.db).execute().map_err(evaluation)? {
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

    /// Writes the store (or one graph of it) to the file `path`, through a `.partial` file
    /// beside it that is renamed at the end, so a failed export never clobbers a good file.
    pub fn export_to_file(
        &self,
        path: &Path,
        format: RdfFormat,
        graph: Option<&NamedNode>,
    ) -> Result<()> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        let partial = path.with_file_name(name);
        let io_error = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io { path, source }
        };
        let file = File::create(&partial).map_err(io_error(&partial))?;
        let mut out = std::io::BufWriter::new(file);
        let written = self
            .export(&mut out, format, graph)
            .and_then(|()| out.flush().map_err(io_error(&partial)));
        drop(out);
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        std::fs::rename(&partial, path).map_err(io_error(path))
    }

    /// Writes the store (or one graph of it) to `writer` in `format`.
    ///
    /// N-Quads and TriG carry every graph; Turtle, N-Triples and the other triple formats need
    /// `graph`, since they cannot say which graph a triple is in.
    pub fn export(
        &self,
        writer: impl Write,
        format: RdfFormat,
        graph: Option<&NamedNode>,
    ) -> Result<()> {
        let mut serializer = RdfSerializer::from_format(format);
        for (prefix, namespace) in vocab::PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *namespace)
                .expect("the built-in prefixes are valid");
        }
        let written = match graph {
            Some(graph) => self.db.dump_graph_to_writer(
                GraphNameRef::NamedNode(graph.as_ref()),
                serializer,
                writer,
            ),
            None if format.supports_datasets() => self.db.dump_to_writer(serializer, writer),
            None => {
                return Err(Error::Unsupported(format!(
                    "{} holds a single graph; pass --graph IRI, or export as nquads or trig",
                    format.name()
                )));
            }
        };
        written.map(drop).map_err(|e| match e {
            oxigraph::store::SerializerError::Io(source) => Error::Io {
                path: PathBuf::from("the exported data"),
                source,
            },
            oxigraph::store::SerializerError::Storage(e) => Error::Storage(e),
            other => Error::Unsupported(other.to_string()),
        })
    }
}

impl Backend for Store {
    fn query(&self, sparql: &str) -> Result<Answer> {
        let mut evaluator = self.evaluator();
        for (prefix, namespace) in vocab::PREFIXES {
            evaluator = evaluator
                .with_prefix(*prefix, *namespace)
                .expect("the built-in prefixes are valid");
        }
        let prepared = evaluator
            .parse_query(sparql)
            .map_err(|e| query_syntax_error(sparql, &e.to_string()))?;
        self.execute(prepared)
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

/// The platform's data directory for a default store, if the platform has one.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "treaty").map(|dirs| dirs.data_dir().join("store"))
}

/// True when `path` looks like a store this tool created (it has our lock file).
pub fn is_store(path: &Path) -> bool {
    path.join(lock::LOCK_FILE).is_file()
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

    #[test]
    fn a_memory_store_is_seeded_and_answers_over_the_union_of_graphs() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let Answer::Boolean(found) = store.query("ASK { tr:Settlement a owl:Class }").unwrap()
        else {
            panic!("ASK gives a boolean")
        };
        assert!(found);
    }

    #[test]
    fn replacing_graphs_keeps_exactly_the_new_quads_and_leaves_others_alone() {
        use oxigraph::model::{Literal, Quad};
        let store = Store::open(&Location::Memory, false).unwrap();
        let bundled = store.len().unwrap();
        let g = NamedNode::new_unchecked("http://example.org/g");
        let q = |o: &str| {
            Quad::new(
                NamedNode::new_unchecked("http://example.org/s"),
                NamedNode::new_unchecked("http://example.org/p"),
                Literal::new_simple_literal(o),
                g.clone(),
            )
        };
        store.replace_graphs([(&g, &[q("a"), q("b")][..])]).unwrap();
        assert_eq!(store.len().unwrap(), bundled + 2);
        store.replace_graphs([(&g, &[q("b"), q("c")][..])]).unwrap();
        assert_eq!(store.len().unwrap(), bundled + 2);
        assert!(!store.db.contains(&q("a")).unwrap());
        assert!(store.db.contains(&q("c")).unwrap());
    }

    #[test]
    fn an_update_is_refused_with_advice() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let err = store
            .query("INSERT DATA { <a:b> <a:c> <a:d> }")
            .unwrap_err();
        assert!(err.to_string().contains("treaty load"), "{err}");
    }
}
