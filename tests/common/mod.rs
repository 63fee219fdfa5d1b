//! Helpers shared by the integration tests: run the real binary against a store of its own.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A store in a temporary directory, removed when dropped.
pub struct TestStore {
    _dir: TempDir,
    pub path: PathBuf,
}

impl TestStore {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        Self { _dir: dir, path }
    }

    /// `treaty --store <this store> ARGS...`
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = treaty();
        cmd.arg("--store").arg(&self.path).args(args);
        cmd
    }

    /// The single number a `SELECT (COUNT(...) AS ?n)` query returns.
    pub fn count(&self, query: &str) -> u64 {
        let out = self
            .cmd(&["sparql", "--format", "csv", query])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        text.lines().nth(1).unwrap().trim().parse().unwrap()
    }

    /// Quads in the whole store.
    pub fn quads(&self) -> u64 {
        self.count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    }
}

/// What the binary reads from the environment (clap's `env = ...` options, the endpoint's
/// credentials, the platform data directory). A developer may have any of them exported, as
/// docs/scale.md suggests; a test must not see them.
pub const TREATY_ENV: [&str; 6] = [
    "TREATY_STORE",
    "TREATY_ENDPOINT",
    "TREATY_GRAPH_STORE",
    "TREATY_ENDPOINT_USER",
    "TREATY_ENDPOINT_PASSWORD",
    "XDG_DATA_HOME",
];

/// Takes everything of [`TREATY_ENV`] out of `cmd`'s environment and turns colours off; a test
/// sets back what it needs afterwards.
pub fn clean_env(cmd: &mut std::process::Command) -> &mut std::process::Command {
    for name in TREATY_ENV {
        cmd.env_remove(name);
    }
    cmd.env("NO_COLOR", "1")
}

/// The `treaty` binary with a clean environment (see [`clean_env`]).
pub fn treaty() -> Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treaty"));
    clean_env(&mut cmd);
    Command::from_std(cmd)
}

/// The `.tq` files of a folder of the project (`queries`, `queries/reports`), in name order.
pub fn tq_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "tq"))
            .collect();
    files.sort();
    files
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Standard output of a successful run, as text.
pub fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}
