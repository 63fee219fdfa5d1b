//! The advisory lock that keeps two processes from writing one store. RocksDB has a lock of its
//! own, but its failure is a raw I/O message; ours names the store and happens before RocksDB
//! is touched, and it also refuses to turn an unrelated non-empty directory into a store.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::Path;

use crate::store::error::{Error, Result};

/// The lock file's name inside a store directory.
pub const LOCK_FILE: &str = "treaty.lock";

/// Creates the directory if needed and locks it: exclusively to write, shared to read.
pub fn acquire(dir: &Path, read_only: bool) -> Result<File> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let lock_path = dir.join(LOCK_FILE);
    if !lock_path.exists() {
        if read_only {
            return Err(Error::NoSuchStore {
                path: dir.to_path_buf(),
            });
        }
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
    let locked = if read_only {
        file.try_lock_shared()
    } else {
        file.try_lock()
    };
    match locked {
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
    fn a_second_writer_is_refused_and_a_reader_waits_for_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s");
        let _first = acquire(&store, false).unwrap();
        assert!(matches!(
            acquire(&store, false),
            Err(Error::StoreLocked { .. })
        ));
        assert!(matches!(
            acquire(&store, true),
            Err(Error::StoreLocked { .. })
        ));
    }

    #[test]
    fn readers_share_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s");
        drop(acquire(&store, false).unwrap());
        let _a = acquire(&store, true).unwrap();
        let _b = acquire(&store, true).unwrap();
    }

    #[test]
    fn refuses_a_foreign_non_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), "precious").unwrap();
        assert!(matches!(
            acquire(dir.path(), false),
            Err(Error::NotAStore { .. })
        ));
    }

    #[test]
    fn read_only_needs_an_existing_store() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            acquire(&dir.path().join("nope"), true),
            Err(Error::NoSuchStore { .. })
        ));
    }
}
