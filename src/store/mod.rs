//! The store: where the triples live. `Backend` is the seam every command queries through;
//! `Store` is its embedded implementation on Oxigraph (RocksDB on disk, or in memory), which
//! handles opening, the single-writer lock, snapshots for readers and seeding from the bundled
//! data.

mod backend;
pub mod error;
mod lock;
pub mod remote;
pub(crate) mod seed;
mod snapshot;
mod target;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

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

/// How a command uses a store on disk (a store in memory belongs to one process and is
/// always written directly, unless it is [`Access::ReadOnly`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Load, import, remove: the write lock (one writer at a time, readers unaffected) and the
    /// database itself. Each committed change is published as a snapshot for readers.
    Write,
    /// Every other command: the latest published snapshot, which no one writes, so any
    /// number of readers run beside one writer. A new store is created and seeded first, and
    /// an older bundled dataset updated, under the write lock for that moment if it is free.
    /// [`Store::for_writing`] writes through a writer of its own (the shell's `.load`).
    Read,
    /// `--read-only`: the latest snapshot; nothing is created or changed.
    ReadOnly,
}

/// The embedded Oxigraph store.
pub struct Store {
    location: Location,
    access: Access,
    seed: SeedOutcome,
    // Checked by every evaluation while set, so that the interactive shell can stop a query.
    cancellation: Mutex<Option<CancellationToken>>,
    // The database this store reads, swapped by `refresh` when a reader moves to a newer
    // snapshot. Queries hold their own `Arc`, so a snapshot stays leased until they finish.
    data: RwLock<Arc<Data>>,
}

/// A database and what keeps it valid: the write lock of a writer, the snapshot lease of a
/// reader.
struct Data {
    db: oxigraph::store::Store,
    /// The snapshot a reader reads.
    generation: Option<u64>,
    _lock: Option<File>,
}

impl Store {
    /// Opens the store at `location`: for writing (creating and seeding it if needed), or
    /// with `read_only` as `--read-only` does ([`Access::ReadOnly`]).
    ///
    /// ```
    /// use treaty::store::{Location, Store, SeedOutcome};
    /// let store = Store::open(&Location::Memory, false)?;
    /// assert_eq!(store.seed_outcome(), SeedOutcome::Seeded);
    /// # Ok::<_, treaty::Error>(())
    /// ```
    pub fn open(location: &Location, read_only: bool) -> Result<Self> {
        let access = if read_only {
            Access::ReadOnly
        } else {
            Access::Write
        };
        Self::open_with(location, access)
    }

    /// Opens the store at `location` for `access`. Writers exclude each other (a second one
    /// gets [`Error::StoreLocked`]); readers exclude no one.
    pub(crate) fn open_with(location: &Location, access: Access) -> Result<Self> {
        let (data, seed) = match (location, access) {
            (Location::Memory, _) => {
                let db = oxigraph::store::Store::new()?;
                let seed = seed::seed(&db)?;
                (Data::owned(db, None), seed)
            }
            (Location::Dir(path), Access::Write) => open_writer(path, false)?,
            (Location::Dir(path), Access::Read) => open_reader(path)?,
            (Location::Dir(path), Access::ReadOnly) => {
                if !is_store(path) {
                    return Err(Error::NoSuchStore { path: path.clone() });
                }
                let opened = snapshot::open_current(path)?
                    .ok_or_else(|| Error::NoSnapshot { path: path.clone() })?;
                (Data::snapshot(opened), SeedOutcome::Unchecked)
            }
        };
        Ok(Self {
            location: location.clone(),
            access,
            seed,
            cancellation: Mutex::new(None),
            data: RwLock::new(Arc::new(data)),
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
}

/// A SPARQL evaluator that watches `token`, if there is one.
fn evaluator_watching(token: Option<CancellationToken>) -> SparqlEvaluator {
    match token {
        Some(token) => SparqlEvaluator::new().with_cancellation_token(token),
        None => SparqlEvaluator::new(),
    }
}

impl Store {
    /// The database in use now, held for as long as the caller keeps it.
    fn data(&self) -> Arc<Data> {
        self.data
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// What opening did to the bundled graph.
    pub fn seed_outcome(&self) -> SeedOutcome {
        self.seed
    }

    /// Where this store lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// How this store was opened.
    pub fn access(&self) -> Access {
        self.access
    }

    /// The number of quads in all graphs.
    pub fn len(&self) -> Result<usize> {
        Ok(self.data().db.len()?)
    }

    /// True when the store holds no quad at all.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.data().db.is_empty()?)
    }

    /// Moves a reader to the latest published snapshot, if a writer published one since it
    /// opened; true when it moved. Queries already running finish on the snapshot they
    /// started on. Writers and stores in memory always see their own data: false.
    pub(crate) fn refresh(&self) -> Result<bool> {
        let Location::Dir(path) = &self.location else {
            return Ok(false);
        };
        let held = self.data().generation;
        if held.is_none() || snapshot::current(path)? == held {
            return Ok(false);
        }
        let Some(opened) = snapshot::open_current(path)? else {
            return Ok(false);
        };
        *self
            .data
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(Data::snapshot(opened));
        Ok(true)
    }

    /// This store, ready to write: itself when it is a writer or in memory; for a reader, a
    /// writer opened beside it (taking the write lock, so this fails with
    /// [`Error::StoreLocked`] while another process writes), which is closed when the
    /// returned value is dropped, and the reader then moves to what was written.
    pub(crate) fn for_writing(&self) -> Result<Writing<'_>> {
        let writer = match (&self.location, self.access) {
            (_, Access::ReadOnly) => return Err(Error::ReadOnly),
            (Location::Dir(path), Access::Read) => Some(Store::open_with(
                &Location::Dir(path.clone()),
                Access::Write,
            )?),
            _ => None,
        };
        Ok(Writing {
            writer,
            reader: self,
        })
    }

    /// The Oxigraph store, for the loader; fails unless this store writes (see
    /// [`Store::for_writing`]). The loader calls [`Store::committed`] when it is done.
    pub(crate) fn writable_db(&self) -> Result<oxigraph::store::Store> {
        // A store in memory is its own writer; a reader on disk writes through `for_writing`.
        let direct = match (&self.location, self.access) {
            (_, Access::ReadOnly) => false,
            (Location::Memory, _) => true,
            (Location::Dir(_), access) => access == Access::Write,
        };
        if !direct {
            return Err(Error::ReadOnly);
        }
        Ok(self.data().db.clone())
    }

    /// Fails with [`Error::ReadOnly`] on a `--read-only` store, before any work is done.
    pub(crate) fn writable(&self) -> Result<()> {
        match self.access {
            Access::ReadOnly => Err(Error::ReadOnly),
            _ => Ok(()),
        }
    }

    /// Publishes what was committed for readers (a writer on disk; nothing to do in memory).
    pub(crate) fn committed(&self) -> Result<()> {
        if let (Location::Dir(path), Access::Write) = (&self.location, self.access) {
            snapshot::publish(&self.data().db, path)?;
        }
        Ok(())
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
            return self.committed();
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
        transaction.commit()?;
        self.committed()
    }

    /// True when the named graph `graph` holds at least one triple.
    pub(crate) fn holds_graph(&self, graph: &NamedNode) -> Result<bool> {
        let pattern = Some(GraphNameRef::NamedNode(graph.as_ref()));
        Ok(self
            .data()
            .db
            .quads_for_pattern(None, None, None, pattern)
            .next()
            .transpose()?
            .is_some())
    }

    /// Removes the named graphs, all in one transaction. Every graph must hold something: a
    /// graph that does not is an error that names it, and nothing is removed.
    pub(crate) fn remove_graphs(&self, graphs: &[NamedNode]) -> Result<()> {
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
        transaction.commit()?;
        self.committed()
    }

    /// Compacts the store after a bulk load, which makes the following queries faster.
    pub(crate) fn optimize(&self) -> Result<()> {
        Ok(self.data().db.optimize()?)
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
        let data = self.data();
        let written = match graph {
            Some(graph) => data.db.dump_graph_to_writer(
                GraphNameRef::NamedNode(graph.as_ref()),
                serializer,
                writer,
            ),
            None if format.supports_datasets() => data.db.dump_to_writer(serializer, writer),
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

/// A store opened for writing by [`Store::for_writing`]: it derefs to the writing store.
pub struct Writing<'a> {
    writer: Option<Store>,
    reader: &'a Store,
}

impl std::ops::Deref for Writing<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.writer.as_ref().unwrap_or(self.reader)
    }
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        // Close the writer (its lock goes with it), then let the reader see what it wrote. A
        // failure to move leaves the reader on its snapshot, which is still valid.
        if self.writer.take().is_some() {
            let _ = self.reader.refresh();
        }
    }
}

impl Data {
    fn owned(db: oxigraph::store::Store, lock: Option<File>) -> Self {
        Data {
            db,
            generation: None,
            _lock: lock,
        }
    }

    fn snapshot(opened: snapshot::Opened) -> Self {
        Data {
            generation: Some(opened.generation),
            db: opened.db,
            _lock: Some(opened.lease),
        }
    }
}

/// Takes the write lock, opens the database, brings the bundled data up to date, and makes
/// sure readers have a snapshot of it.
/// `republish` makes a snapshot even when the bundled data was current, for a reader that
/// found its snapshot out of date.
fn open_writer(path: &Path, republish: bool) -> Result<(Data, SeedOutcome)> {
    let lock = lock::acquire(path)?;
    let db = oxigraph::store::Store::open(path).map_err(|source| Error::StoreOpen {
        path: path.to_owned(),
        source,
    })?;
    let seed = seed::seed(&db)?;
    if republish || seed != SeedOutcome::Current || snapshot::current(path)?.is_none() {
        snapshot::publish(&db, path)?;
    }
    Ok((Data::owned(db, Some(lock)), seed))
}

/// Opens the latest snapshot; creates the store, or updates its bundled data, first when
/// that is needed and no one is writing (else a reader reads the older bundled data).
fn open_reader(path: &Path) -> Result<(Data, SeedOutcome)> {
    let mut seed = SeedOutcome::Current;
    let mut opened = if is_store(path) {
        snapshot::open_current(path)?
    } else {
        None
    };
    let stale = match &opened {
        Some(opened) => !seed::is_current(&opened.db)?,
        None => true,
    };
    if stale {
        match open_writer(path, true) {
            Ok((writer, outcome)) => {
                seed = outcome;
                drop(writer);
                opened = snapshot::open_current(path)?;
            }
            // Someone is writing: read what was there, if anything.
            Err(Error::StoreLocked { .. }) if opened.is_some() => seed = SeedOutcome::Unchecked,
            Err(e) => return Err(e),
        }
    }
    let opened = opened.ok_or_else(|| Error::NoSnapshot {
        path: path.to_owned(),
    })?;
    Ok((Data::snapshot(opened), seed))
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
pub(crate) fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "treaty").map(|dirs| dirs.data_dir().join("store"))
}

/// True when `path` looks like a store this tool created (it has our lock file).
pub(crate) fn is_store(path: &Path) -> bool {
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
        assert!(!store.data().db.contains(&q("a")).unwrap());
        assert!(store.data().db.contains(&q("c")).unwrap());
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
