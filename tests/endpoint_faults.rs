//! `--endpoint` against a server that fails: refused connections, HTTP errors, slow answers,
//! garbage, cut results, and a server that goes away in the middle of a shell session. The
//! server is the fake in `common/fake_endpoint.rs`; the real one (Virtuoso) is in
//! `tests/virtuoso.rs`.

mod common;
#[path = "common/fake_endpoint.rs"]
mod fake_endpoint;
#[path = "common/server.rs"]
mod server;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::treaty;
use fake_endpoint::{FakeEndpoint, Reply};
use predicates::prelude::*;

const QUERY: &str = "guarantees where guarantor = Britain show name, outcome";

/// `treaty --endpoint URL sparql` listing the settlements, which must succeed.
fn settlements(url: &str) -> std::process::Output {
    treaty()
        .args([
            "--endpoint",
            url,
            "sparql",
            "SELECT ?s WHERE { ?s a tr:Settlement }",
        ])
        .assert()
        .success()
        .get_output()
        .clone()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_query_through_an_endpoint_gives_what_the_embedded_store_gives() {
    let server = FakeEndpoint::start();
    let local = treaty()
        .args(["--memory", "query", "--format", "csv", QUERY])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let remote = treaty()
        .args(["--endpoint", &server.url, "query", "--format", "csv", QUERY])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&local).lines().count() > 5);
    assert_eq!(
        String::from_utf8_lossy(&remote),
        String::from_utf8_lossy(&local)
    );
}

#[test]
fn the_endpoint_can_come_from_the_environment() {
    let server = FakeEndpoint::start();
    treaty()
        .env("TREATY_ENDPOINT", &server.url)
        .args(["stats", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("settlements,"));
}

#[test]
fn a_refused_connection_is_one_line_naming_the_endpoint() {
    let mut server = FakeEndpoint::start();
    let url = server.url.clone();
    server.stop();
    let output = treaty()
        .args(["--endpoint", &url, "query", QUERY])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&url), "{stderr}");
    assert!(stderr.contains("connection refused"), "{stderr}");
}

#[test]
fn a_server_error_shows_the_servers_message_and_exits_2() {
    let server = FakeEndpoint::start();
    server.always(Reply::Status(
        500,
        "Virtuoso 42000 Error SR483: Stored procedure failed",
    ));
    let output = treaty()
        .args(["--endpoint", &server.url, "query", QUERY])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    assert!(
        stderr.contains("SR483: Stored procedure failed"),
        "{stderr}"
    );
    assert!(stderr.contains(&server.url), "{stderr}");
}

#[test]
fn a_refused_query_exits_3_with_the_servers_words() {
    let server = FakeEndpoint::start();
    // The start-up check and the schema are answered; the question itself is refused.
    server.when(
        "ontology#guarantor>",
        Reply::Status(400, "SP030: SPARQL compiler, line 3: syntax error"),
    );
    let output = treaty()
        .args(["--endpoint", &server.url, "query", QUERY])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("refused the query"), "{stderr}");
    assert!(stderr.contains("SP030"), "{stderr}");
}

#[test]
fn a_slow_answer_times_out_with_advice_and_is_not_retried() {
    use std::sync::atomic::Ordering;
    let server = FakeEndpoint::start();
    let args = ["--endpoint", &server.url, "--timeout", "1", "query", QUERY];
    treaty().args(args).assert().success();
    let requests = server.requests.load(Ordering::SeqCst);
    // The start-up check, the schema and the names come at once; the question itself is slow.
    server.when("ontology#guarantor>", Reply::Slow(Duration::from_secs(3)));
    let output = treaty().args(args).assert().code(2).get_output().clone();
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no complete answer within 1 s"), "{stderr}");
    assert!(stderr.contains("--timeout"), "{stderr}");
    assert_eq!(
        server.requests.load(Ordering::SeqCst) - requests,
        requests,
        "the run that timed out made as many requests as the one that did not: no retry"
    );
}

#[test]
fn garbage_in_place_of_json_is_a_malformed_answer() {
    let server = FakeEndpoint::start();
    server.always(Reply::Garbage);
    let output = treaty()
        .args(["--endpoint", &server.url, "query", QUERY])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a SPARQL result"), "{stderr}");
}

#[test]
fn an_answer_cut_off_mid_way_is_an_error_not_fewer_rows() {
    let server = FakeEndpoint::start();
    let output = treaty()
        .args(["--endpoint", &server.url, "query", "--format", "csv", QUERY])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(!output.stdout.is_empty());
    server.always(Reply::Cut);
    let output = treaty()
        .args([
            "--endpoint",
            &server.url,
            "sparql",
            "SELECT * WHERE { ?s ?p ?o }",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(output.stdout.is_empty(), "no partial table is printed");
    assert_eq!(
        stderr_of(&output).lines().count(),
        1,
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn a_busy_server_is_tried_again() {
    let server = FakeEndpoint::start();
    server.once(Reply::Status(503, "busy"));
    server.once(Reply::Status(503, "busy"));
    treaty()
        .args(["--endpoint", &server.url, "stats", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("settlements,323"));
}

#[test]
fn a_result_the_server_cut_short_gets_a_warning() {
    let server = FakeEndpoint::start();
    // The two start-up checks, then the schema and names queries are answered in full ...
    let output = settlements(&server.url);
    assert!(stderr_of(&output).is_empty(), "{}", stderr_of(&output));
    // A server whose limit is above the result's size: nothing was cut, nothing to say.
    server.always(Reply::MaxRows(10000));
    let output = settlements(&server.url);
    assert!(stderr_of(&output).is_empty(), "{}", stderr_of(&output));
    // A result that reaches the limit the server says it applies may have been cut.
    server.always(Reply::MaxRows(323));
    let output = settlements(&server.url);
    let stderr = stderr_of(&output);
    assert!(stderr.contains("warning:"), "{stderr}");
    assert!(
        stderr.contains("stops every result at 323 rows"),
        "{stderr}"
    );
    assert!(stderr.contains("may be incomplete"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).lines().count(),
        324,
        "the rows are still shown"
    );
}

#[test]
fn an_endpoint_without_the_ontology_is_named_with_the_fix() {
    let server = FakeEndpoint::start();
    // A server that holds none of it answers `false` to the start-up check.
    server.always(Reply::Status(200, r#"{"head":{},"boolean":false}"#));
    let output = treaty()
        .args(["--endpoint", &server.url, "query", QUERY])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = stderr_of(&output);
    assert!(stderr.contains("load --bundled"), "{stderr}");
}

#[test]
fn a_redirect_is_not_followed_and_names_the_new_address() {
    let server = FakeEndpoint::start();
    server.always(Reply::Redirect("https://sparql.example.org/sparql"));
    let output = treaty()
        .args(["--endpoint", &server.url, "stats"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("HTTP 301"), "{stderr}");
    assert!(
        stderr.contains("https://sparql.example.org/sparql; use that URL"),
        "{stderr}"
    );
}

#[test]
fn read_only_refuses_loads_to_an_endpoint_before_sending_anything() {
    let server = FakeEndpoint::start();
    treaty()
        .args([
            "--endpoint",
            &server.url,
            "--read-only",
            "load",
            "--bundled",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--read-only"));
    assert_eq!(
        server.requests.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing reached the server"
    );
}

#[test]
fn load_bundled_on_a_local_store_says_it_is_already_there() {
    treaty()
        .args(["--memory", "load", "--bundled"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "holds the bundled dataset already",
        ));
}

#[test]
fn endpoint_and_memory_exclude_each_other() {
    treaty()
        .args([
            "--memory",
            "--endpoint",
            "http://127.0.0.1:1/sparql",
            "stats",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("exclude each other"));
}

#[test]
fn a_bad_url_is_refused_before_anything_is_sent() {
    treaty()
        .args(["--endpoint", "localhost:8890/sparql", "stats"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an http:// or https:// URL"));
}

#[test]
fn export_from_an_endpoint_says_what_to_use_instead() {
    let server = FakeEndpoint::start();
    treaty()
        .args(["--endpoint", &server.url, "export"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dump tools"));
}

#[cfg(unix)]
#[test]
fn the_shell_survives_a_server_that_stops_mid_session() {
    let mut server = FakeEndpoint::start();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treaty"));
    common::clean_env(&mut cmd)
        .env("XDG_DATA_HOME", tempfile::tempdir().unwrap().keep())
        .args(["--endpoint", &server.url, "repl"]);
    let mut shell = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    shell.exp_string("SPARQL endpoint").unwrap();
    shell.exp_string("treaty> ").unwrap();
    shell
        .send_line("settlements where name contains \"Budapest\" show name;")
        .unwrap();
    shell.exp_string("Budapest Memorandum").unwrap();
    shell.exp_string("treaty> ").unwrap();
    server.stop();
    shell
        .send_line("settlements where name contains \"Minsk\" show name;")
        .unwrap();
    shell.exp_string("connection refused").unwrap();
    shell.exp_string("treaty> ").unwrap();
    shell.send_line(".quit").unwrap();
    shell.exp_eof().unwrap();
}

#[test]
fn a_server_in_front_of_an_endpoint_keeps_no_answers_and_asks_it_every_time() {
    let endpoint = FakeEndpoint::start();
    let server = server::Server::start(&["--endpoint", &endpoint.url], &[]);
    let sparql = "SELECT ?s WHERE { ?s a tr:Settlement }";
    let first = server.sparql(sparql, "text/csv");
    for _ in 0..2 {
        let before = endpoint.requests.load(Ordering::SeqCst);
        let reply = server.sparql(sparql, "text/csv");
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.headers["x-treaty-cache"], "off");
        assert_eq!(reply.body, first.body);
        assert!(
            endpoint.requests.load(Ordering::SeqCst) > before,
            "the endpoint is asked again"
        );
        let (status, json) = server.tql(QUERY);
        assert_eq!(status, 200, "{json}");
    }
}
