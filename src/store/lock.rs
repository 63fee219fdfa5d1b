//! The advisory lock that keeps two processes from writing one store. RocksDB has a lock of its
//! own, but its failure is a raw I/O message; ours names the store and happens before RocksDB
//! is touched, and it also refuses to turn an unrelated non-empty directory into a store.
//! Readers take no part in it: they read snapshots (`snapshot.rs`), never the database a
//! writer works on.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::Path;

use crate::store::error::{Error, Result};

/// The lock file's name inside a store directory.
pub(crate) const LOCK_FILE: &str = "treaty.lock";

/// Creates the directory if needed and takes the write lock on it.
pub(crate) fn acquire(dir: &Path) -> Result<File> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let lock_path = dir.join(LOCK_FILE);
    if !lock_path.exists() {
        if dir.exists() && fs::read_dir(dir).map_err(io)?.next().is_some() {
            return Err(Error::NotAStore {
                path: dir.to_path_buf(),
            });
        }
        fs::create_dir_all(dir).map_err(io)?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(Error::StoreLocked {
            path: dir.to_path_buf(),
        }),
        Err(TryLockError::Error(source)) => Err(io(source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s");
        let first = acquire(&store).unwrap();
        assert!(matches!(acquire(&store), Err(Error::StoreLocked { .. })));
        drop(first);
        acquire(&store).unwrap();
    }

    #[test]
    fn refuses_a_foreign_non_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), "precious").unwrap();
        assert!(matches!(acquire(dir.path()), Err(Error::NotAStore { .. })));
    }
}
