//! Replacing named graphs without holding them in memory.
//!
//! A file loaded or imported again replaces its graph. The new contents arrive in chunks and
//! go first to a scratch database through its bulk loader (on disk in the store's `scratch/`
//! folder, deleted when done; in memory for a store in memory). Then one transaction writes
//! the difference: each old quad is looked up in the scratch database and removed if it is
//! not there, each new quad is looked up in the store and inserted if it is not there. Memory
//! holds one chunk, the bulk loader's batch and the difference (which is small when a file
//! changed a little), never the old or the new contents whole. Nothing is visible before the
//! transaction commits, so an error or a crash before then leaves the store as it was.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use oxigraph::model::{GraphName, GraphNameRef, NamedNode, Quad};

use super::error::{Error, Result};
use super::{BULK_LOAD_MEGABYTES, Location, Store};

/// The folder of scratch databases inside a store directory.
const DIR: &str = "scratch";

/// Quads handed on at a time: read from a file, copied from the scratch database to the
/// store's bulk loader, or cut from a slice (`Store::replace_graphs`).
pub(crate) const CHUNK: usize = 10_000;

/// A throw-away database for the new contents of the graphs being replaced.
struct Scratch {
    // Dropped before the folder it lives in (fields drop in order).
    db: oxigraph::store::Store,
    _dir: Option<tempfile::TempDir>,
}

impl Scratch {
    /// A scratch database for a store at `location`. Only a writer calls this, under the
    /// store's write lock, so any scratch folder already there was left by a writer that
    /// stopped half-way, and is deleted.
    fn new(location: &Location) -> Result<Self> {
        let store_dir = match location {
            Location::Memory => {
                return Ok(Self {
                    db: oxigraph::store::Store::new()?,
                    _dir: None,
                });
            }
            Location::Dir(path) => path,
        };
        let parent = store_dir.join(DIR);
        remove_stale(&parent)?;
        fs::create_dir_all(&parent).map_err(|source| Error::Io {
            path: parent.clone(),
            source,
        })?;
        let dir = tempfile::Builder::new()
            .prefix("replace-")
            .tempdir_in(&parent)
            .map_err(|source| Error::Io {
                path: parent.clone(),
                source,
            })?;
        let db = oxigraph::store::Store::open(dir.path())?;
        Ok(Self {
            db,
            _dir: Some(dir),
        })
    }
}

/// Deletes what a writer that was killed left in `parent`.
fn remove_stale(parent: &Path) -> Result<()> {
    let entries = match fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(Error::Io {
                path: parent.to_owned(),
                source,
            });
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        fs::remove_dir_all(&path).map_err(|source| Error::Io { path, source })?;
    }
    Ok(())
}

impl Store {
    /// Replaces the contents of the named graphs `graphs`, and of every other graph the
    /// quads go to, with the quads that `fill` gives to its sink, atomically: every graph
    /// changes, or none does. A graph of `graphs` that receives no quad is emptied. Every quad
    /// must be in a named graph.
    ///
    /// When none of these graphs held anything, the quads are copied to the store's bulk
    /// loader (fast, committed at once, followed by a compaction when large); otherwise one
    /// transaction applies the difference. Either way memory stays bounded by the size of a
    /// chunk and of the difference (see the module's documentation). Returns the graphs that
    /// held something before, in order.
    pub(crate) fn replace_graphs_streamed<E: From<Error>>(
        &self,
        graphs: &[NamedNode],
        fill: impl FnOnce(&mut dyn FnMut(Vec<Quad>) -> Result<()>) -> std::result::Result<(), E>,
    ) -> std::result::Result<Vec<NamedNode>, E> {
        let db = self.writable_db()?;
        let scratch = Scratch::new(self.location())?;
        let mut targets: BTreeSet<NamedNode> = graphs.iter().cloned().collect();
        // When a graph is known to hold data already, the quads the store lacks go to the
        // transaction as they arrive; afterwards only the old quads are read back, to find
        // those the new contents lack. (Reading a graph decodes every term: 40 % of the time
        // of a re-import was that.)
        let mut transaction = None;
        for graph in graphs {
            if self.holds_graph(graph)? {
                transaction = Some(db.start_transaction().map_err(Error::from)?);
                break;
            }
        }
        {
            let mut loader = scratch
                .db
                .bulk_loader()
                .with_max_memory_size_in_megabytes(BULK_LOAD_MEGABYTES);
            fill(&mut |chunk| {
                for quad in &chunk {
                    match &quad.graph_name {
                        GraphName::NamedNode(graph) => {
                            if !targets.contains(graph) {
                                targets.insert(graph.clone());
                            }
                        }
                        other => {
                            return Err(Error::Unsupported(format!(
                                "only named graphs can be replaced, not {other}"
                            )));
                        }
                    }
                    if let Some(transaction) = &mut transaction
                        && !db.contains(quad).map_err(Error::from)?
                    {
                        transaction.insert(quad);
                    }
                }
                loader.load_quads(chunk).map_err(Error::from)
            })?;
            loader.commit().map_err(Error::from)?;
        }
        let mut replaced = Vec::new();
        for graph in &targets {
            if self.holds_graph(graph)? {
                replaced.push(graph.clone());
            }
        }
        if replaced.is_empty() {
            // Nothing to replace: the new contents go to the store's bulk loader as they are.
            self.bulk_load(|sink| {
                for graph in &targets {
                    let mut chunk = Vec::with_capacity(CHUNK);
                    for quad in scratch
                        .db
                        .quads_for_pattern(None, None, None, Some(named(graph)))
                    {
                        chunk.push(quad.map_err(Error::from)?);
                        if chunk.len() == CHUNK {
                            sink(std::mem::take(&mut chunk))?;
                        }
                    }
                    sink(chunk)?;
                }
                Ok::<(), Error>(())
            })?;
            return Ok(replaced);
        }
        let inserted = transaction.is_some();
        let mut transaction = match transaction {
            Some(transaction) => transaction,
            None => db.start_transaction().map_err(Error::from)?,
        };
        for graph in &targets {
            for old in db.quads_for_pattern(None, None, None, Some(named(graph))) {
                let old = old.map_err(Error::from)?;
                if !scratch.db.contains(&old).map_err(Error::from)? {
                    transaction.remove(&old);
                }
            }
            // Only when no graph named by the caller held data, but one the quads named
            // themselves did (a dataset file): the new quads were not compared yet.
            if !inserted {
                for new in scratch
                    .db
                    .quads_for_pattern(None, None, None, Some(named(graph)))
                {
                    let new = new.map_err(Error::from)?;
                    if !db.contains(&new).map_err(Error::from)? {
                        transaction.insert(&new);
                    }
                }
            }
        }
        transaction.commit().map_err(Error::from)?;
        self.committed()?;
        Ok(replaced)
    }
}

fn named(graph: &NamedNode) -> GraphNameRef<'_> {
    GraphNameRef::NamedNode(graph.as_ref())
}

#[cfg(test)]
mod tests {
    use oxigraph::model::{Literal, NamedNode, Quad};

    use super::*;

    fn quad(s: &str, o: &str, g: &NamedNode) -> Quad {
        Quad::new(
            NamedNode::new_unchecked(format!("http://example.org/{s}")),
            NamedNode::new_unchecked("http://example.org/p"),
            Literal::new_simple_literal(o),
            g.clone(),
        )
    }

    fn graph_quads(store: &Store, g: &NamedNode) -> BTreeSet<String> {
        store
            .data()
            .db
            .quads_for_pattern(None, None, None, Some(named(g)))
            .map(|q| q.unwrap().to_string())
            .collect()
    }

    /// Replaces the graphs with `quads`, given in chunks of two.
    fn replace(store: &Store, graphs: &[NamedNode], quads: &[Quad]) -> Vec<NamedNode> {
        store
            .replace_graphs_streamed::<Error>(graphs, |sink| {
                for chunk in quads.chunks(2) {
                    sink(chunk.to_vec())?;
                }
                Ok(())
            })
            .unwrap()
    }

    #[test]
    fn a_graph_loaded_again_holds_only_its_new_contents() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Location::Dir(dir.path().join("store")), false).unwrap();
        let g = NamedNode::new_unchecked("http://example.org/g");
        let h = NamedNode::new_unchecked("http://example.org/h");
        let first = [quad("a", "1", &g), quad("b", "2", &g), quad("c", "3", &g)];
        let replaced = replace(&store, std::slice::from_ref(&g), &first);
        assert!(replaced.is_empty());
        assert_eq!(graph_quads(&store, &g).len(), 3);
        // b changes, c goes, d comes, and a graph the quads name themselves is created.
        let second = [
            quad("a", "1", &g),
            quad("b", "two", &g),
            quad("d", "4", &g),
            quad("x", "9", &h),
        ];
        let replaced = replace(&store, std::slice::from_ref(&g), &second);
        assert_eq!(replaced, vec![g.clone()]);
        let expected: BTreeSet<String> = second[..3].iter().map(Quad::to_string).collect();
        assert_eq!(graph_quads(&store, &g), expected);
        assert_eq!(graph_quads(&store, &h).len(), 1);
        // Nothing is left in the scratch folder.
        let scratch = dir.path().join("store").join(DIR);
        assert_eq!(fs::read_dir(scratch).unwrap().count(), 0);
        // A graph named but given nothing is emptied.
        let replaced = replace(&store, std::slice::from_ref(&g), &[]);
        assert_eq!(replaced, vec![g.clone()]);
        assert!(graph_quads(&store, &g).is_empty());
        assert_eq!(graph_quads(&store, &h).len(), 1);
    }

    #[test]
    fn an_error_while_filling_changes_nothing_and_stale_scratch_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let store = Store::open(&Location::Dir(path.clone()), false).unwrap();
        let g = NamedNode::new_unchecked("http://example.org/g");
        replace(&store, std::slice::from_ref(&g), &[quad("a", "1", &g)]);
        // What a killed writer leaves behind.
        fs::create_dir_all(path.join(DIR).join("replace-stale")).unwrap();
        let failed = store.replace_graphs_streamed::<Error>(std::slice::from_ref(&g), |sink| {
            sink(vec![quad("b", "2", &g)])?;
            Err(Error::Unsupported("bad row".into()))
        });
        assert!(matches!(failed, Err(Error::Unsupported(_))));
        assert_eq!(
            graph_quads(&store, &g),
            BTreeSet::from([quad("a", "1", &g).to_string()])
        );
        assert_eq!(fs::read_dir(path.join(DIR)).unwrap().count(), 0);
    }

    #[test]
    fn a_graph_the_quads_name_themselves_is_replaced_too() {
        // As a TriG file does: the caller names a new graph, the quads also go to one that
        // holds data.
        let store = Store::open(&Location::Memory, false).unwrap();
        let g = NamedNode::new_unchecked("http://example.org/g");
        let h = NamedNode::new_unchecked("http://example.org/h");
        replace(
            &store,
            std::slice::from_ref(&h),
            &[quad("x", "1", &h), quad("y", "2", &h)],
        );
        let replaced = replace(
            &store,
            std::slice::from_ref(&g),
            &[quad("a", "1", &g), quad("x", "1", &h), quad("z", "3", &h)],
        );
        assert_eq!(replaced, vec![h.clone()]);
        assert_eq!(graph_quads(&store, &g).len(), 1);
        assert_eq!(
            graph_quads(&store, &h),
            BTreeSet::from([
                quad("x", "1", &h).to_string(),
                quad("z", "3", &h).to_string()
            ])
        );
    }

    #[test]
    fn a_store_in_memory_replaces_the_same_way() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let g = NamedNode::new_unchecked("http://example.org/g");
        replace(&store, std::slice::from_ref(&g), &[quad("a", "1", &g)]);
        replace(&store, std::slice::from_ref(&g), &[quad("a", "2", &g)]);
        assert_eq!(
            graph_quads(&store, &g),
            BTreeSet::from([quad("a", "2", &g).to_string()])
        );
    }
}
