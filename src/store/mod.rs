//! The store: where the triples live. `Backend` is the seam every command queries through;
//! `Store` is its embedded implementation on Oxigraph (RocksDB on disk, or in memory), which
//! handles opening, the single-writer lock, snapshots for readers and seeding from the bundled
//! data.

mod backend;
pub mod error;
mod export;
mod lock;
mod query;
pub mod remote;
mod replace;
pub(crate) use replace::CHUNK;
pub(crate) mod seed;
mod snapshot;
mod target;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use oxigraph::model::{GraphNameRef, NamedNode};
pub use oxigraph::sparql::CancellationToken;

pub use backend::Backend;
pub use error::Error;
use error::Result;
pub use query::Watched;
pub(crate) use query::query_syntax_error;
pub use seed::SeedOutcome;
pub use target::{OpenOptions, Opened, Target};

/// Bulk loads of at least this many triples are followed by a compaction, which makes the next
/// queries faster (about 1.3x, measured on a million triples) at a small cost to the load.
pub(crate) const OPTIMIZE_AFTER: u64 = 100_000;

/// What the bulk loader may hold in memory while it sorts a batch (its default is 2 GB per
/// thread): an import of any size then runs in bounded memory (docs/import.md, Throughput).
pub(crate) const BULK_LOAD_MEGABYTES: usize = 256;

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

    /// The generation of the snapshot a reader reads now; `None` for a writer or a store in
    /// memory, whose contents have no generation.
    pub(crate) fn generation(&self) -> Option<u64> {
        self.data().generation
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
    /// changes, or none does. The quads must be in their graph. See
    /// [`Store::replace_graphs_streamed`], which this calls with the quads in chunks.
    pub fn replace_graphs<'a>(
        &self,
        graphs: impl IntoIterator<Item = (&'a NamedNode, &'a [oxigraph::model::Quad])>,
    ) -> Result<()> {
        let graphs: Vec<_> = graphs.into_iter().collect();
        let names: Vec<NamedNode> = graphs.iter().map(|(g, _)| (*g).clone()).collect();
        self.replace_graphs_streamed::<Error>(&names, |sink| {
            for (_, quads) in &graphs {
                for chunk in quads.chunks(CHUNK) {
                    sink(chunk.to_vec())?;
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Loads quads that arrive in chunks through the bulk loader, in one atomic step: `fill` is
    /// given a sink for the chunks, and nothing is visible until it returns `Ok`; an error (or a
    /// crash) before then leaves the store as it was. The loader sorts at most
    /// [`BULK_LOAD_MEGABYTES`] of quads in memory at a time, so a large import runs in bounded
    /// memory. For graphs that hold nothing yet (see [`Store::holds_graph`]): nothing already
    /// there is removed. Returns the number of quads loaded.
    pub(crate) fn bulk_load<E: From<Error>>(
        &self,
        fill: impl FnOnce(
            &mut dyn FnMut(Vec<oxigraph::model::Quad>) -> Result<()>,
        ) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let db = self.writable_db()?;
        let mut loader = db
            .bulk_loader()
            .with_max_memory_size_in_megabytes(BULK_LOAD_MEGABYTES);
        let mut total = 0u64;
        fill(&mut |chunk| {
            total += chunk.len() as u64;
            loader.load_quads(chunk).map_err(Error::from)
        })?;
        loader.commit().map_err(Error::from)?;
        if total >= OPTIMIZE_AFTER {
            self.optimize()?;
        }
        self.committed()?;
        Ok(total)
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
    use crate::results::Answer;

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
