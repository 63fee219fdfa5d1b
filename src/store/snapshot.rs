//! Snapshots: how many processes read a store while one writes it.
//!
//! Oxigraph (like RocksDB below it) allows one read-write instance of a database, and calls a
//! read-only instance opened while another process writes "undefined behaviour". So readers
//! never open the database a writer works on. After each committed change, the writer
//! publishes a snapshot: a RocksDB checkpoint (`Store::backup`, hard links to the immutable
//! table files, so it costs little time or disk) in `snapshots/<generation>/`, named by the
//! file `snapshots/CURRENT`, which is replaced by a rename. Readers open the current snapshot
//! read-only; nothing ever writes to it, so a reader sees one committed state, never half a
//! load, until it opens the next one.
//!
//! Each reader holds a shared lock on `snapshots/<generation>.lease` while it uses that
//! snapshot. Old snapshots are deleted by whoever can take that lock exclusively (a writer
//! after publishing, a reader after opening), so a snapshot in use is never deleted.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::store::error::{Error, Result};

/// The folder of snapshots inside a store directory.
const DIR: &str = "snapshots";
/// The file inside [`DIR`] that names the current snapshot.
const CURRENT: &str = "CURRENT";

/// An open snapshot: the read-only database and the lease that keeps it from being deleted.
pub(super) struct Opened {
    pub db: oxigraph::store::Store,
    pub generation: u64,
    // Held while the snapshot is in use; released when the last query using it is done.
    pub lease: File,
}

/// The generation that `snapshots/CURRENT` names, if any snapshot was ever published.
pub(super) fn current(store_dir: &Path) -> Result<Option<u64>> {
    let path = store_dir.join(DIR).join(CURRENT);
    match fs::read_to_string(&path) {
        Ok(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| io_error(&path, "does not name a snapshot")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// Publishes what `db` holds now as the next snapshot and deletes the snapshots no reader
/// uses. Only a writer calls this, under the store's write lock.
pub(super) fn publish(db: &oxigraph::store::Store, store_dir: &Path) -> Result<u64> {
    let dir = store_dir.join(DIR);
    fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    let generation = current(store_dir)?.unwrap_or(0) + 1;
    let partial = dir.join(format!("{generation}.partial"));
    if partial.exists() {
        // Left by a writer that stopped half-way; the write lock says it is gone.
        remove_dir(&partial)?;
    }
    db.backup(&partial)?;
    let target = snapshot_dir(store_dir, generation);
    if target.exists() {
        remove_dir(&target)?;
    }
    rename(&partial, &target)?;
    let pointer = dir.join(format!("{CURRENT}.partial"));
    fs::write(&pointer, format!("{generation}\n")).map_err(|source| Error::Io {
        path: pointer.clone(),
        source,
    })?;
    rename(&pointer, &dir.join(CURRENT))?;
    collect_garbage(store_dir, generation);
    Ok(generation)
}

/// Opens the current snapshot for reading, or `None` when none was ever published.
pub(super) fn open_current(store_dir: &Path) -> Result<Option<Opened>> {
    // A writer may publish and delete the snapshot just named between reading the name and
    // taking the lease: then the name is read again.
    for _ in 0..100 {
        let Some(generation) = current(store_dir)? else {
            return Ok(None);
        };
        let lease_path = lease_path(store_dir, generation);
        let lease = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lease_path)
            .map_err(|source| Error::Io {
                path: lease_path.clone(),
                source,
            })?;
        match lease.try_lock_shared() {
            Ok(()) => {}
            // Someone is deleting it this instant.
            Err(TryLockError::WouldBlock) => {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
            Err(TryLockError::Error(source)) => {
                return Err(Error::Io {
                    path: lease_path,
                    source,
                });
            }
        }
        let dir = snapshot_dir(store_dir, generation);
        if !dir.is_dir() {
            continue;
        }
        let db = oxigraph::store::Store::open_read_only(&dir)
            .map_err(|source| Error::StoreOpen { path: dir, source })?;
        collect_garbage(store_dir, generation);
        return Ok(Some(Opened {
            db,
            generation,
            lease,
        }));
    }
    Err(io_error(
        &store_dir.join(DIR),
        "the current snapshot kept changing while it was being opened",
    ))
}

/// Deletes the snapshots older than the current one, but `keep`, that no reader holds.
/// Failures are left for next time: an old snapshot costs disk, not correctness.
fn collect_garbage(store_dir: &Path, keep: u64) {
    // Only generations below the current one: `keep` may be older than a snapshot a writer has
    // just published, which no reader may hold yet but which must stay.
    let Ok(Some(current)) = current(store_dir) else {
        return;
    };
    let dir = store_dir.join(DIR);
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(generation) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".lease").or(Some(n)))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        if generation == keep || generation >= current {
            continue;
        }
        let Ok(lease) = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lease_path(store_dir, generation))
        else {
            continue;
        };
        if lease.try_lock().is_ok() {
            let _ = remove_dir(&snapshot_dir(store_dir, generation));
            let _ = fs::remove_file(lease_path(store_dir, generation));
        }
    }
}

fn snapshot_dir(store_dir: &Path, generation: u64) -> PathBuf {
    store_dir.join(DIR).join(generation.to_string())
}

fn lease_path(store_dir: &Path, generation: u64) -> PathBuf {
    store_dir.join(DIR).join(format!("{generation}.lease"))
}

fn remove_dir(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io {
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(|source| Error::Io {
        path: to.to_owned(),
        source,
    })
}

fn io_error(path: &Path, message: &str) -> Error {
    Error::Io {
        path: path.to_owned(),
        source: std::io::Error::other(message.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphNameRef, Literal, NamedNodeRef, QuadRef};

    fn insert(db: &oxigraph::store::Store, value: &str) {
        let ex = NamedNodeRef::new_unchecked("http://example.org/x");
        db.insert(QuadRef::new(
            ex,
            ex,
            &Literal::new_simple_literal(value),
            GraphNameRef::DefaultGraph,
        ))
        .unwrap();
    }

    #[test]
    fn a_reader_keeps_its_snapshot_and_the_next_reader_sees_the_change() {
        let dir = tempfile::tempdir().unwrap();
        let primary = oxigraph::store::Store::open(dir.path()).unwrap();
        assert!(open_current(dir.path()).unwrap().is_none());
        insert(&primary, "one");
        assert_eq!(publish(&primary, dir.path()).unwrap(), 1);
        let first = open_current(dir.path()).unwrap().unwrap();
        insert(&primary, "two");
        assert_eq!(first.db.len().unwrap(), 1, "unpublished writes are unseen");
        assert_eq!(publish(&primary, dir.path()).unwrap(), 2);
        assert_eq!(
            first.db.len().unwrap(),
            1,
            "an open reader keeps its snapshot"
        );
        assert!(
            snapshot_dir(dir.path(), 1).is_dir(),
            "a held snapshot stays"
        );
        let second = open_current(dir.path()).unwrap().unwrap();
        assert_eq!((second.generation, second.db.len().unwrap()), (2, 2));
        drop(first);
        insert(&primary, "three");
        publish(&primary, dir.path()).unwrap();
        assert!(!snapshot_dir(dir.path(), 1).exists(), "a released one goes");
        assert!(snapshot_dir(dir.path(), 2).is_dir(), "a held one stays");
        // A reader holding an older snapshot never deletes a newer one nobody holds yet.
        drop(second);
        let newest = publish(&primary, dir.path()).unwrap();
        collect_garbage(dir.path(), 2);
        assert!(snapshot_dir(dir.path(), newest).is_dir());
    }
}
