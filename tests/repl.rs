//! The interactive shell driven through a pseudo-terminal, as a user would: typing, Enter,
//! Tab, Ctrl-C, Ctrl-D. Every expectation has a timeout, and each shell is killed at the end.
//! The shells run on an in-memory store, without colours, with a home directory of their own
//! so the history never touches the real one.

#![cfg(unix)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use predicates::prelude::*;
use rexpect::process::{Signal, WaitStatus};
use rexpect::session::{PtySession, spawn_command};
use tempfile::TempDir;

/// How long any one expectation may wait.
const TIMEOUT_MS: u64 = 8_000;

/// A shell in a pseudo-terminal, killed when dropped.
struct Shell {
    pty: PtySession,
    home: Arc<TempDir>,
}

impl Shell {
    /// `treaty --memory ARGS...` in a fresh home, waiting for the greeting.
    fn start(args: &[&str]) -> Self {
        Self::start_in(Arc::new(tempfile::tempdir().unwrap()), args)
    }

    /// `treaty --memory ARGS...` in `home`, waiting for the greeting.
    fn start_in(home: Arc<TempDir>, args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_treaty"));
        common::clean_env(&mut command)
            .arg("--memory")
            .args(args)
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env_remove("TREATY_STORE");
        let pty = spawn_command(command, Some(TIMEOUT_MS)).unwrap();
        let mut shell = Shell { pty, home };
        shell.expect("Ctrl-D leaves.");
        shell.expect("treaty> ");
        shell
    }

    /// Waits for `text`; returns what came before it.
    #[track_caller]
    fn expect(&mut self, text: &str) -> String {
        match self.pty.exp_string(text) {
            Ok(before) => before,
            Err(e) => panic!("expected {text:?}: {e}"),
        }
    }

    /// Types `text` without pressing Enter.
    fn type_text(&mut self, text: &str) {
        self.pty.send(text).unwrap();
        self.pty.flush().unwrap();
    }

    /// Types `line` and presses Enter.
    fn enter(&mut self, line: &str) {
        self.type_text(&format!("{line}\r"));
    }

    fn history(&self) -> PathBuf {
        self.home.path().join("data/treaty/history")
    }

    /// Waits for the shell to end by itself and returns its exit code.
    fn wait_for_exit(&mut self) -> i32 {
        self.pty.exp_eof().unwrap();
        match self.pty.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("the shell did not exit normally: {other:?}"),
        }
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        if let Some(WaitStatus::StillAlive) = self.pty.process().status() {
            let _ = self.pty.process_mut().kill(Signal::SIGKILL);
        }
    }
}

#[test]
fn a_multi_line_query_shows_a_table() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter("settlements where");
    // The statement is not finished: a continuation prompt asks for more.
    shell.expect("   ...> ");
    shell.enter("signed between 1815-06 and 1815-06");
    shell.expect("Final Act of the Congress of Vienna");
    shell.expect("1815-06-09");
    shell.expect("1 row");
    shell.expect("treaty> ");
    shell.enter(".quit");
    assert_eq!(shell.wait_for_exit(), 0);
}

#[test]
fn an_error_does_not_end_the_session() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter("settlements where signed between 1914 1918");
    shell.expect("expected `and` between the two bounds of `between`, found `1918`");
    // The caret report names the input, line and column.
    shell.expect("input:1:39");
    shell.expect("treaty> ");
    shell.enter("conflicts where name = \"Crimean War\" show name, start");
    shell.expect("Crimean War");
    shell.expect("1853-");
    shell.expect("1 row");
    // A SPARQL error too has its caret, and the session goes on.
    shell.enter("sparql \"SELECT ?x WHERE { ?x }\"");
    shell.expect("SPARQL syntax error");
    shell.expect("treaty> ");
    shell.enter("count actors where name = Russia");
    shell.expect("1 row");
}

#[test]
fn ctrl_c_abandons_the_input_and_stops_a_running_query() {
    let mut shell = Shell::start(&["repl"]);
    shell.type_text("settlements where sig");
    shell.pty.send_control('c').unwrap();
    shell.expect("treaty> ");
    // The abandoned input was not run: the next answer is the first.
    shell.enter("count conflicts where name = \"Crimean War\"");
    let before = shell.expect("1 row");
    assert!(!before.contains("error"), "{before}");

    // Every pair of triples with a test on each runs for hours; Ctrl-C stops it.
    shell.enter(
        "sparql \"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER EXISTS { ?a ?x ?d } }\"",
    );
    std::thread::sleep(Duration::from_millis(1500));
    shell.pty.send_control('c').unwrap();
    shell.expect("stopped: the query was interrupted (Ctrl-C)");
    shell.expect("treaty> ");
    shell.enter("count settlements where name = \"Treaty of Ghent\"");
    shell.expect("1 row");
    // Ctrl-D on an empty line leaves.
    shell.pty.send_control('d').unwrap();
    assert_eq!(shell.wait_for_exit(), 0);
}

#[test]
fn mode_csv_writes_w3c_csv() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter(".mode csv");
    shell.expect("treaty> ");
    shell.enter("conflicts where name = \"Crimean War\" show name, start");
    shell.expect("name,start");
    shell.expect("Crimean War,1853-");
    shell.enter(".mode");
    shell.expect("mode: csv");
}

#[test]
fn parameters_are_set_listed_and_used() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter(".set country \"Soviet Union\"");
    shell.expect("$country = Soviet Union");
    shell.enter(".params");
    shell.expect("$country = Soviet Union");
    shell.enter("actors where name = $country show name, iso_code");
    shell.expect("Soviet Union");
    shell.expect("1 row");
    shell.enter(".set country Atlantis");
    shell.enter("guarantees where guarantor = $country");
    shell.expect("no actor is called `Atlantis`");
    shell.enter(".unset country");
    shell.enter(".params");
    shell.expect("no parameters");
}

#[test]
fn quit_leaves_and_keeps_the_history() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter("count guarantees");
    shell.expect("1 row");
    shell.enter(".quit");
    assert_eq!(shell.wait_for_exit(), 0);
    let history = std::fs::read_to_string(shell.history()).unwrap();
    assert!(history.contains("count guarantees"), "{history}");
    assert!(history.contains(".quit"), "{history}");
}

#[test]
fn the_history_lasts_from_one_session_to_the_next_and_ctrl_r_searches_it() {
    let mut first = Shell::start(&["repl"]);
    first.enter("conflicts where name = \"Crimean War\" show start");
    first.expect("1 row");
    first.enter("count actors");
    first.expect("1 row");
    first.pty.send_control('d').unwrap();
    assert_eq!(first.wait_for_exit(), 0);

    let mut second = Shell::start_in(first.home.clone(), &["repl"]);
    second.pty.send_control('r').unwrap();
    second.type_text("Crimean");
    second.expect("Crimean War");
    second.type_text("\r");
    second.expect("1853-");
    second.expect("1 row");
}

#[test]
fn let_definitions_sparql_timer_and_tab_completion() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter("let cold_war = settlements where signed between 1947 and 1991-12-26");
    shell.expect("`cold_war` is defined");
    shell.enter(".sparql on");
    shell.enter(".timer on");
    shell.enter("count cold_war");
    shell.expect("SELECT");
    shell.expect("1 row");
    shell.expect("time: ");
    shell.enter(".sparql off");
    shell.enter(".timer off");
    // Tab completes a concept name, quoted as it has spaces...
    shell.type_text("guarantees where outcome is \"never in\t");
    shell.expect("\"never in force\"");
    shell.type_text(" show name\r");
    shell.expect("rows");
    // ... and the fields of the set a `let` draws on: the first Tab completes what they have
    // in common, the second lists them.
    shell.type_text("cold_war where sig\t");
    shell.expect("cold_war where signed");
    shell.type_text("\t");
    shell.expect("signed_at");
    shell.pty.send_control('c').unwrap();
    shell.expect("treaty> ");
}

#[test]
fn long_results_are_cut_on_the_screen_with_a_note() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter(".rows 3");
    shell.enter("settlements show name");
    shell.expect("3 of ");
    shell.expect("more rows not shown");
    shell.enter(".rows all");
    shell.enter(".rows");
    shell.expect("every row");
}

#[test]
fn output_read_schema_and_help() {
    let mut shell = Shell::start(&["repl"]);
    let dir = shell.home.path().to_owned();
    std::fs::write(
        dir.join("two.tq"),
        "let old = settlements where signed < 1700;\ncount old",
    )
    .unwrap();
    shell.enter(".output out.csv");
    shell.expect("results go to out.csv");
    shell.enter(".mode csv");
    shell.enter(".read two.tq");
    shell.expect("`old` is defined");
    shell.enter(".output");
    shell.expect("results go to the screen again");
    let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert!(written.starts_with("count\r\n"), "{written}");
    // The file's `let` lasts for the session.
    shell.enter("count old");
    shell.expect("count");
    shell.enter(".schema guarantees");
    // The set's class and each field's IRI, as a Turtle file writes them.
    shell.expect("guarantees (tr:Guarantee)");
    shell.expect("tr:outcomeNote");
    // A field of concepts: the scheme's concepts with their IRIs and broader concepts.
    shell.enter(".schema outcome");
    shell.expect("concepts of <https://w3id.org/treaty/id/outcome/scheme>");
    shell.expect("to:violated");
    // A quote left open on its line is an error at once, not a continuation line.
    shell.enter("settlements where name = \"Treaty of");
    shell.expect("unclosed string");
    shell.enter(".help");
    shell.expect("Questions to start from");
    shell.expect(".quit");
    shell.enter(".nonsense");
    shell.expect("unknown command `.nonsense`");
}

#[test]
fn load_makes_new_names_known_to_queries_and_completion() {
    let mut shell = Shell::start(&["repl"]);
    std::fs::write(
        shell.home.path().join("atlantis.ttl"),
        "@prefix tr: <https://w3id.org/treaty/ontology#> .\n\
         @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
         <https://example.org/atlantis> a tr:Actor ; rdfs:label \"Atlantis\"@en .\n",
    )
    .unwrap();
    std::fs::write(shell.home.path().join("broken.ttl"), "this is not turtle").unwrap();
    shell.enter("guarantees where guarantor = Atlantis");
    shell.expect("no actor is called `Atlantis`");
    shell.enter(".load broken.ttl");
    shell.expect("broken.ttl");
    shell.enter(".load atlantis.ttl");
    shell.expect("loaded atlantis.ttl: 2 triples");
    shell.type_text("guarantees where guarantor = Atl\t");
    shell.expect("guarantees where guarantor = Atlantis");
    shell.type_text("\r");
    shell.expect("0 rows");
}

#[test]
fn without_a_command_a_terminal_gets_the_shell() {
    let mut shell = Shell::start(&[]);
    shell.enter("count settlements");
    shell.expect("1 row");
}

#[test]
fn without_a_command_or_a_terminal_treaty_shows_help() {
    common::treaty()
        .arg("--memory")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Usage:").and(predicate::str::contains("repl")));
}

#[test]
fn survival_shows_each_table_under_its_title_and_the_notes() {
    let mut shell = Shell::start(&["repl"]);
    shell.enter("survival of settlements by whether guarantee.mechanism is peacekeeping");
    shell.expect(
        "-- survival of settlements by whether guarantee.mechanism is peacekeeping: survival",
    );
    shell.expect("at_risk");
    shell.expect(": summary");
    shell.expect("median_lower");
    shell.expect(": log-rank test");
    shell.expect("p_value");
    shell.expect("note: left out");
    shell.expect("never in force");
    shell.expect("treaty> ");
    shell.enter("rate of guarantees where mechanism is neutrality meeting outcome is violated");
    shell.expect("count");
    shell.expect("1 row");
    shell.expect("treaty> ");
    shell.enter(".quit");
    assert_eq!(shell.wait_for_exit(), 0);
}
