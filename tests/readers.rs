//! Many readers, one writer (issue 17, docs/concurrency.md): a shell, queries, reports and the
//! server read one store at once, a load goes on beside them, and no reader ever sees half of
//! it. Each process here is a real `treaty` on a store in a temporary directory.

#![cfg(unix)]

mod common;
#[path = "common/server.rs"]
mod server;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::TestStore;
use rexpect::session::{PtySession, spawn_command};

const TIMEOUT_MS: u64 = 15_000;

/// `treaty --store DIR repl` in a pseudo-terminal, once it greets.
fn shell(store: &TestStore, home: &std::path::Path) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_treaty"));
    common::clean_env(&mut command)
        .arg("--store")
        .arg(&store.path)
        .arg("repl")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "xterm");
    let mut pty = spawn_command(command, Some(TIMEOUT_MS)).unwrap();
    pty.exp_string("Ctrl-D leaves.").unwrap();
    pty.exp_string("treaty> ").unwrap();
    pty
}

fn write_ntriples(path: &std::path::Path, subjects: usize, value: &str) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..subjects {
        writeln!(
            file,
            "<http://example.org/s{i}> <http://example.org/{value}> \"{value} {i}\" ."
        )
        .unwrap();
    }
}

fn count(store: &TestStore, property: &str) -> u64 {
    store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ ?s <http://example.org/{property}> ?o }}"
    ))
}

#[test]
fn queries_reports_a_server_and_a_load_run_while_a_shell_is_open() {
    let store = TestStore::new();
    store.cmd(&["stats"]).assert().success();
    let home = tempfile::tempdir().unwrap();
    let mut pty = shell(&store, home.path());

    // Readers beside the shell: a query, a report, the read-only flag, the server.
    store
        .cmd(&["query", "--format", "csv", "count settlements"])
        .assert()
        .success();
    let report = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/queries/reports/01-outcomes-by-mechanism.tq"
    );
    let out = tempfile::tempdir().unwrap();
    store
        .cmd(&["run", report, "-o"])
        .arg(out.path().join("report.html"))
        .assert()
        .success();
    store
        .cmd(&["--read-only", "query", "count guarantees"])
        .assert()
        .success();
    let path = store.path.to_str().unwrap().to_owned();
    let server = server::Server::start(&["--store", &path], &[]);
    let ask = "ASK { ?s <http://example.org/added> ?o }";
    assert!(server.sparql(ask, "").body.contains("false"));

    // A load while all of them are open: the writer does not wait for the readers.
    let file = home.path().join("added.nt");
    write_ntriples(&file, 10, "added");
    store.cmd(&["load"]).arg(&file).assert().success();
    assert_eq!(
        count(&store, "added"),
        10,
        "a reader opened after the load sees it"
    );
    assert!(
        server.sparql(ask, "").body.contains("true"),
        "the server moves on"
    );

    // The shell sees the load at its next input, and says why the data changed.
    pty.send_line("sparql \"SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/added> ?o }\"")
        .unwrap();
    pty.exp_string("the store changed").unwrap();
    pty.exp_string("10").unwrap();
    pty.exp_string("treaty> ").unwrap();

    // The shell's own .load takes the write lock only while it runs; readers go on.
    let more = home.path().join("more.nt");
    write_ntriples(&more, 7, "more");
    pty.send_line(&format!(".load {}", more.display())).unwrap();
    let said = pty.exp_regex("committed|error").unwrap();
    pty.exp_string("treaty> ").unwrap();
    assert_eq!(count(&store, "more"), 7, "{said:?}");
    let more_ask = "ASK { ?s <http://example.org/more> ?o }";
    assert!(server.sparql(more_ask, "").body.contains("true"));
    // ...and the lock is free again for the next writer.
    let third = home.path().join("third.nt");
    write_ntriples(&third, 3, "third");
    store.cmd(&["load"]).arg(&third).assert().success();
    pty.send_line("quit").ok();
    let _ = pty.process_mut().exit();
}

#[test]
fn readers_during_a_load_see_all_of_it_or_none_of_it() {
    let store = TestStore::new();
    store.cmd(&["stats"]).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.nt");
    let triples = 300_000;
    write_ntriples(&file, triples, "big");
    let mut loader = Command::new(env!("CARGO_BIN_EXE_treaty"));
    common::clean_env(&mut loader)
        .arg("--store")
        .arg(&store.path)
        .arg("load")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut loader = loader.spawn().unwrap();
    let mut during = 0;
    let mut seen = Vec::new();
    loop {
        let running = loader.try_wait().unwrap().is_none();
        let n = count(&store, "big");
        seen.push(n);
        if running && loader.try_wait().unwrap().is_none() {
            during += 1;
        }
        if !running {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(loader.wait().unwrap().success());
    assert!(
        seen.iter().all(|&n| n == 0 || n == triples as u64),
        "a reader saw part of a load: {seen:?}"
    );
    assert!(during > 0, "no reader ran while the load did");
    assert_eq!(*seen.last().unwrap(), triples as u64);
}

#[test]
fn a_second_writer_is_refused_while_readers_go_on() {
    let store = TestStore::new();
    store.cmd(&["stats"]).assert().success();
    // A load from standard input holds the write lock while it waits for its input.
    let mut holder = Command::new(env!("CARGO_BIN_EXE_treaty"));
    common::clean_env(&mut holder)
        .arg("--store")
        .arg(&store.path)
        .args(["load", "-", "--format", "ntriples"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut holder = holder.spawn().unwrap();
    let lock = std::fs::File::open(store.path.join("treaty.lock")).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match lock.try_lock_shared() {
            Err(std::fs::TryLockError::WouldBlock) => break,
            Ok(()) => lock.unlock().unwrap(),
            Err(e) => panic!("{e:?}"),
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the holder never took the lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Readers go on.
    store.cmd(&["stats"]).assert().success();
    assert_eq!(count(&store, "p"), 0);
    // A second writer gets one line and exit 2.
    let file = tempfile::NamedTempFile::with_suffix(".nt").unwrap();
    std::fs::write(
        file.path(),
        "<http://example.org/a> <http://example.org/b> \"c\" .\n",
    )
    .unwrap();
    let out = store.cmd(&["load"]).arg(file.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8(out.stderr).unwrap();
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("in use by another treaty process that writes"),
        "{message}"
    );
    assert!(
        message.contains(&store.path.display().to_string()),
        "{message}"
    );

    let mut stdin = holder.stdin.take().unwrap();
    stdin
        .write_all(b"<http://example.org/s> <http://example.org/p> \"held\" .\n")
        .unwrap();
    drop(stdin);
    assert!(holder.wait().unwrap().success());
    assert_eq!(count(&store, "p"), 1);
}

#[test]
fn read_only_never_creates_a_store() {
    let store = TestStore::new();
    let out = store.cmd(&["--read-only", "stats"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!store.path.exists());
    let out = store
        .cmd(&["--read-only", "load", "x.ttl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--read-only"));
}
