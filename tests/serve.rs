//! `treaty serve` as a client sees it: the SPARQL 1.1 Protocol at /sparql, the JSON API, the
//! page, the limits, the faults, Ctrl-C. Answers are checked against `treaty sparql` and
//! `treaty query` on the same data, and the protocol against two Python clients from PyPI
//! (tests/clients/sparql_clients.py).

mod common;
#[path = "common/server.rs"]
mod server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::treaty;
use server::Server;

const GUARANTORS: &str = "SELECT DISTINCT ?name WHERE { ts:treaty-of-london-1839 \
                          tr:guarantee/tr:guarantor/rdfs:label ?name } ORDER BY ?name";

/// What `treaty --memory ARGS` prints.
fn cli(args: &[&str]) -> String {
    let out = treaty()
        .arg("--memory")
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn sparql_get_and_post_answer_as_the_command_line_does_in_every_results_format() {
    let server = Server::start(&["--memory"], &[]);
    for (accept, format) in [
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/sparql-results+json", "json"),
    ] {
        let reply = server.sparql(GUARANTORS, accept);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.content_type.starts_with(accept), "{reply:?}");
        let expected = cli(&["sparql", "--format", format, GUARANTORS]);
        assert_eq!(reply.body.trim(), expected.trim(), "{accept}");
    }
    let xml = server.sparql(GUARANTORS, "application/sparql-results+xml");
    assert_eq!(xml.status, 200);
    assert!(
        xml.body
            .contains("<literal xml:lang=\"en\">Prussia</literal>"),
        "{}",
        xml.body
    );
    // No Accept header: JSON.
    let default = server.sparql(GUARANTORS, "");
    assert!(
        default
            .content_type
            .starts_with("application/sparql-results+json")
    );

    let form = format!("query={}", server::encode(GUARANTORS));
    let posted = server.post(
        "/sparql",
        "application/x-www-form-urlencoded",
        "text/csv",
        form.as_bytes(),
    );
    let direct = server.post(
        "/sparql",
        "application/sparql-query",
        "text/csv",
        GUARANTORS.as_bytes(),
    );
    let expected = cli(&["sparql", "--format", "csv", GUARANTORS]);
    assert_eq!(posted.body.trim(), expected.trim());
    assert_eq!(direct.body.trim(), expected.trim());
    assert_eq!(
        expected.lines().skip(1).collect::<Vec<_>>(),
        [
            "Austrian Empire",
            "France",
            "Prussia",
            "Russian Empire",
            "United Kingdom"
        ]
    );
}

#[test]
fn construct_comes_as_turtle_ntriples_or_json_ld_and_parses_back_to_the_same_triples() {
    let server = Server::start(&["--memory"], &[]);
    let construct = "CONSTRUCT { ?g tr:guarantor ?a } WHERE { ts:treaty-of-london-1839 \
                     tr:guarantee ?g . ?g tr:guarantor ?a }";
    let mut graphs = Vec::new();
    for (accept, format) in [
        ("text/turtle", oxigraph::io::RdfFormat::Turtle),
        ("application/n-triples", oxigraph::io::RdfFormat::NTriples),
        (
            "application/ld+json",
            oxigraph::io::RdfFormat::from_media_type("application/ld+json").unwrap(),
        ),
    ] {
        let reply = server.sparql(construct, accept);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.content_type.starts_with(accept), "{reply:?}");
        let mut triples: Vec<String> = oxigraph::io::RdfParser::from_format(format)
            .for_slice(reply.body.as_bytes())
            .map(|q| q.unwrap().to_string())
            .collect();
        triples.sort();
        graphs.push(triples);
    }
    assert_eq!(graphs[0].len(), 5, "five guarantors: {:?}", graphs[0]);
    assert_eq!(graphs[0], graphs[1]);
    assert_eq!(graphs[0], graphs[2]);
}

#[test]
fn updates_bad_queries_and_unreadable_requests_get_a_clear_4xx() {
    let server = Server::start(&["--memory"], &["--max-body", "4"]);
    let update = "INSERT DATA { <http://example.org/a> <http://example.org/b> \"c\" }";
    for reply in [
        server.sparql(update, ""),
        server.post(
            "/sparql",
            "application/sparql-update",
            "",
            update.as_bytes(),
        ),
        server.post(
            "/sparql",
            "application/x-www-form-urlencoded",
            "",
            format!("update={}", server::encode(update)).as_bytes(),
        ),
        server.post("/sparql", "application/sparql-query", "", update.as_bytes()),
    ] {
        assert_eq!(reply.status, 403, "{reply:?}");
        assert!(reply.body.contains("read-only"), "{}", reply.body);
    }
    // The update changed nothing.
    let ask = server.sparql("ASK { <http://example.org/a> ?p ?o }", "");
    assert!(ask.body.contains("false"), "{}", ask.body);

    let bad = server.sparql("SELECT * WHERE { ?s ?p }", "");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("does not parse"), "{}", bad.body);

    let unacceptable = server.sparql(GUARANTORS, "image/png");
    assert_eq!(unacceptable.status, 406);
    assert!(
        unacceptable.body.contains("text/csv"),
        "{}",
        unacceptable.body
    );

    let none = server.get("/sparql", "");
    assert_eq!(none.status, 400);
    assert!(none.body.contains("no query"), "{}", none.body);

    let huge = format!("query={}", "x".repeat(8 * 1024));
    let reply = server.post(
        "/sparql",
        "application/x-www-form-urlencoded",
        "",
        huge.as_bytes(),
    );
    assert_eq!(reply.status, 413, "{reply:?}");

    let reply = server.post(
        "/sparql",
        "application/sparql-query",
        "",
        b"SELECT * WHERE { ?s ?p \"\xff\xfe\" }",
    );
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("UTF-8"), "{}", reply.body);

    let reply = server.post("/sparql", "text/plain", "", GUARANTORS.as_bytes());
    assert_eq!(reply.status, 415);

    // Malformed HTTP on a raw connection.
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .write_all(b"THIS IS NOT HTTP\r\n\x00\x01\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");

    // No request reaches the file system.
    for path in [
        "/assets/../../../etc/passwd",
        "/assets/%2e%2e%2fCargo.toml",
        "/assets/..%2f..%2fCargo.toml",
    ] {
        let reply = server.get(path, "");
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert!(!reply.body.contains("root:"), "{path}");
    }
}

#[test]
fn tql_comes_back_as_json_with_the_rows_of_the_command_line_and_its_sparql() {
    let server = Server::start(&["--memory"], &[]);
    let query = "guarantees where settlement = \"Treaty of London (1839)\" show guarantor, outcome";
    let (status, json) = server.tql(query);
    assert_eq!(status, 200, "{json}");
    let result = &json["results"][0];
    assert_eq!(
        result["columns"],
        serde_json::json!(["guarantor", "outcome"])
    );
    let csv = cli(&["query", "--format", "csv", query]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let expected: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let rows: Vec<Vec<String>> = result["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|c| c["text"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(rows[0][1], "violated");
    let explain = cli(&["explain", query]);
    assert!(
        explain.contains(result["sparql"].as_str().unwrap().trim()),
        "{explain}\n---\n{}",
        result["sparql"]
    );
    // A list cell links each name with a page of its own.
    let links = result["rows"][0][0]["links"].as_array().unwrap();
    assert!(
        links
            .iter()
            .any(|l| l["label"] == "Prussia" && l["href"] == "/entity/actor/prussia"),
        "{links:?}"
    );
    assert_eq!(json["error"], serde_json::Value::Null);
}

#[test]
fn a_bad_tql_query_gets_its_diagnostic_with_the_span_of_the_fault() {
    let server = Server::start(&["--memory"], &[]);
    let query = "settlements where signed between 1914 1918";
    let (status, json) = server.tql(query);
    assert_eq!(status, 400, "{json}");
    let error = &json["error"];
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("expected `and`"),
        "{error}"
    );
    let start = error["span"]["start"].as_u64().unwrap() as usize;
    assert_eq!(&query[start..start + 4], "1918", "{error}");
    assert_eq!(error["span"]["column"], 39);
    assert!(
        error["rendered"].as_str().unwrap().contains("query:1:39"),
        "{error}"
    );

    let (status, json) = server.tql("guarantees where guarantor = Brittany");
    assert_eq!(status, 400);
    assert!(
        json["error"]["help"]
            .as_str()
            .is_some_and(|h| !h.is_empty())
            || json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Brittany"),
        "{json}"
    );
}

#[test]
fn completion_offers_names_from_the_data_at_the_cursor() {
    let server = Server::start(&["--memory"], &[]);
    let text = "guarantees where guarantor = Pruss";
    let reply = server.get(
        &format!(
            "/api/complete?q={}&cursor={}",
            server::encode(text),
            text.len()
        ),
        "",
    );
    assert_eq!(reply.status, 200);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["start_utf16"], 29);
    let replacements: Vec<&str> = json["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["replacement"].as_str().unwrap())
        .collect();
    assert!(replacements.contains(&"Prussia"), "{replacements:?}");

    let fields = server.get(
        &format!(
            "/api/complete?q={}",
            server::encode("settlements where sig")
        ),
        "",
    );
    assert!(fields.body.contains("\"signed\""), "{}", fields.body);
}

#[test]
fn the_schema_the_gallery_and_an_entity_dossier_are_served() {
    let server = Server::start(&["--memory"], &[]);
    let schema: serde_json::Value =
        serde_json::from_str(&server.get("/api/schema", "").body).unwrap();
    let plurals: Vec<&str> = schema["sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["plural"].as_str().unwrap())
        .collect();
    for set in ["settlements", "guarantees", "conflicts", "actors"] {
        assert!(plurals.contains(&set), "{plurals:?}");
    }
    let gallery: serde_json::Value =
        serde_json::from_str(&server.get("/api/gallery", "").body).unwrap();
    assert_eq!(
        gallery["queries"].as_array().unwrap().len(),
        common::tq_files("queries").len()
    );

    let reply = server.get("/api/entity/settlement/treaty-of-london-1839", "");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let dossier: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(dossier["label"], "Treaty of London (1839)");
    let statement = |property: &str| {
        dossier["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["property"] == property && s["direction"] == "out")
            .unwrap_or_else(|| panic!("no {property} in {dossier}"))
            .clone()
    };
    let guarantee = &statement("guarantee")["values"][0];
    assert_eq!(guarantee["outcome"], "violated");
    assert_eq!(
        guarantee["href"],
        "/entity/guarantee/belgian-neutrality-1839"
    );
    let parties = statement("party");
    assert_eq!(parties["values"].as_array().unwrap().len(), 7);
    assert!(!statement("source")["values"].as_array().unwrap().is_empty());

    let missing = server.get("/api/entity/settlement/no-such-treaty", "");
    assert_eq!(missing.status, 404);

    // The page and its entity URLs are one offline HTML file with its own assets.
    for path in [
        "/",
        "/entity/settlement/treaty-of-london-1839",
        "/?q=count%20settlements",
    ] {
        let page = server.get(path, "");
        assert_eq!(page.status, 200);
        assert!(page.content_type.starts_with("text/html"));
        assert!(page.body.contains("/assets/app.js"));
        assert!(!page.body.contains("http://") && !page.body.contains("https://"));
    }
    let script = server.get("/assets/app.js", "");
    assert!(script.content_type.starts_with("text/javascript"));
    assert!(!script.body.contains("https://"), "no CDN");
}

/// Each `(title, href)` of the marks of a chart's SVG.
fn marks(svg: &str) -> Vec<(String, Option<String>)> {
    let html = scraper::Html::parse_fragment(svg);
    let selector = scraper::Selector::parse(".mark").unwrap();
    let title = scraper::Selector::parse("title").unwrap();
    html.select(&selector)
        .map(|mark| {
            let text = mark.select(&title).next().unwrap().text().collect();
            (text, mark.value().attr("href").map(str::to_owned))
        })
        .collect()
}

#[test]
fn charts_come_on_request_with_every_mark_titled_and_linked_to_its_entity_page() {
    let server = Server::start(&["--memory"], &["--row-cap", "5"]);
    let query = "settlements where signed >= 1990 and signed < 2000 show name, signed, status \
                 order by signed";
    let get = |chart: &str| {
        let reply = server.get(
            &format!("/api/query?q={}{chart}", server::encode(query)),
            "",
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str::<serde_json::Value>(&reply.body).unwrap()
    };
    assert!(
        get("")["results"][0].get("chart").is_none(),
        "no chart unless asked"
    );
    let json = get("&chart=1");
    let result = &json["results"][0];
    let chart = result.get("chart").expect("a chart");
    assert_eq!(chart["kind"], "timeline");
    // Drawn over the rows the answer shows (the row cap cut them to 5): one dot each, titled
    // with the name and date of its row and linked where the row's name links.
    let rows = result["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(chart["marks"], 5);
    let mut expected: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|row| {
            let name = row[0]["text"].as_str().unwrap();
            let signed = row[1]["text"].as_str().unwrap();
            let status = row[2]["text"].as_str().unwrap();
            let href = row[0]["links"][0]["href"].as_str().map(str::to_owned);
            (format!("{name}\nsigned: {signed}\nstatus: {status}"), href)
        })
        .collect();
    let mut found = marks(chart["svg"].as_str().unwrap());
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
    // (A name shared by two entities links nowhere, in the table as on the chart.)
    let linked = found.iter().filter_map(|(_, href)| href.as_deref());
    assert!(linked.clone().count() >= 4, "{found:?}");
    assert!(linked.clone().all(|h| h.starts_with("/entity/settlement/")));

    // Curves from part of a step table would be wrong: the answer says why there are none.
    let survival = "survival of settlements by whether guarantee.mechanism is peacekeeping";
    let (_, json) = server.tql_charted(survival);
    let chart = json["results"][0]
        .get("chart")
        .expect("a chart that is not drawn");
    assert!(chart.get("svg").is_none());
    let why = chart["omitted"].as_str().unwrap();
    assert!(why.contains("row cap (5)"), "{why}");

    // The survival curves of a `survival` statement: each step titled with its group.
    let server = Server::start(&["--memory"], &[]);
    let (_, json) = server.tql_charted(survival);
    let chart = json["results"][0].get("chart").expect("curves");
    assert_eq!(chart["kind"], "survival");
    assert_eq!(chart["marks"], 2);
    let steps = marks(chart["svg"].as_str().unwrap());
    for group in ["yes", "no"] {
        let head = format!("guarantee.mechanism is peacekeeping: {group}\n");
        assert!(steps.iter().any(|(t, _)| t.starts_with(&head)), "{steps:?}");
    }
    // Bars of a count per guarantor link each bar to the guarantor's page.
    let (_, json) = server.tql_charted(
        "guarantees where outcome is violated show guarantor, count(*) as n order by n desc, guarantor limit 3",
    );
    let result = &json["results"][0];
    let chart = result.get("chart").expect("bars");
    assert_eq!(chart["kind"], "bars");
    let bars = marks(chart["svg"].as_str().unwrap());
    let first = &result["rows"][0];
    assert_eq!(
        bars[0],
        (
            format!(
                "{}\nn: {}",
                first[0]["text"].as_str().unwrap(),
                first[1]["text"].as_str().unwrap()
            ),
            first[0]["links"][0]["href"].as_str().map(str::to_owned)
        )
    );
    assert!(bars[0].1.as_deref().unwrap().starts_with("/entity/actor/"));

    // A report served here links its marks too (a report file does not: tests/report.rs).
    let reply = server.get(
        "/api/report/02-country-dossier?%24country=Ukraine&format=html",
        "",
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let start = reply
        .body
        .find("<svg class=\"chart chart-timeline")
        .unwrap();
    let end = start + reply.body[start..].find("</svg>").unwrap() + 6;
    let dots = marks(&reply.body[start..end]);
    let budapest = dots
        .iter()
        .find(|(title, _)| title.starts_with("Budapest Memorandum on Security Assurances\n"))
        .expect("a dot for the Budapest Memorandum");
    assert_eq!(
        budapest.1.as_deref(),
        Some("/entity/settlement/budapest-memorandum-1994")
    );
}

#[test]
fn the_row_cap_and_cors_are_reported_and_off_by_default() {
    let server = Server::start(&["--memory"], &["--row-cap", "3", "--cors"]);
    let all = "SELECT ?s WHERE { ?s a tr:Settlement }";
    let reply = server.sparql(all, "text/csv");
    assert_eq!(reply.body.lines().count(), 4, "a header and three rows");
    let note = reply.headers["treaty-truncated"].to_str().unwrap();
    assert!(note.starts_with("3 of "), "{note}");
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    let (_, json) = server.tql("settlements");
    assert_eq!(json["results"][0]["truncated"], true);
    assert_eq!(json["results"][0]["rows"].as_array().unwrap().len(), 3);
    assert!(json["results"][0]["total_rows"].as_u64().unwrap() > 3);

    let plain = Server::start(&["--memory"], &[]);
    let reply = plain.sparql(all, "text/csv");
    assert!(!reply.headers.contains_key("access-control-allow-origin"));
    assert!(!reply.headers.contains_key("treaty-truncated"));
}

#[test]
fn a_slow_query_hits_the_timeout_without_stalling_other_clients() {
    let server = Server::start(&["--memory"], &["--query-timeout", "1"]);
    // Every triple with every triple with every triple: far more than a second of work.
    let slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    let started = Instant::now();
    let slow_reply = std::thread::scope(|scope| {
        let slow = scope.spawn(|| server.sparql(slow, ""));
        std::thread::sleep(Duration::from_millis(200));
        // Meanwhile another client is answered.
        let quick_started = Instant::now();
        let quick = server.sparql(GUARANTORS, "text/csv");
        assert_eq!(quick.status, 200);
        let quick_took = quick_started.elapsed();
        let slow = slow.join().unwrap();
        assert!(
            quick_took < Duration::from_millis(900),
            "the quick query waited {quick_took:?} for the slow one"
        );
        slow
    });
    assert_eq!(slow_reply.status, 503, "{slow_reply:?}");
    assert!(
        slow_reply.body.contains("limit of 1 s"),
        "{}",
        slow_reply.body
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // The same through the JSON API.
    let (status, json) =
        server.tql("sparql \"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\"");
    assert_eq!(status, 503, "{json}");
    assert!(json["error"]["message"].as_str().unwrap().contains("limit"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut server = Server::start(&["--memory"], &[]);
    assert_eq!(server.sparql(GUARANTORS, "").status, 200);
    assert!(server.interrupt(), "exit status 0 after Ctrl-C");
    let rest: Vec<String> = server.stderr.lock().unwrap().try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}

#[test]
fn python_clients_from_pypi_read_the_endpoint() {
    let available = std::process::Command::new("python3")
        .args(["-c", "import SPARQLWrapper, pyoxigraph"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        // CI installs them (.ci/run); a developer's machine may not have them.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have SPARQLWrapper and pyoxigraph (pip install SPARQLWrapper pyoxigraph)"
        );
        eprintln!(
            "note: python3 with SPARQLWrapper and pyoxigraph not found; \
             `pip install SPARQLWrapper pyoxigraph` runs this test"
        );
        return;
    }
    let server = Server::start(&["--memory"], &[]);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/clients/sparql_clients.py"
    );
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(format!("{}/sparql", server.base))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("all client checks passed"), "{stdout}");
}

#[test]
fn reports_run_with_parameters_from_the_request_as_treaty_run_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("armistices.tq");
    std::fs::write(
        &own,
        "#@title Armistices since $from\n#@param from = 1945\n\
         ## Along the years\nsettlements where kind is armistice and signed >= $from show signed, name\n",
    )
    .unwrap();
    let server = Server::start(&["--memory"], &["--report", own.to_str().unwrap()]);

    // The bundled examples and the file the server was started with, with their parameters.
    let list: serde_json::Value =
        serde_json::from_str(&server.get("/api/reports", "").body).unwrap();
    let ids: Vec<&str> = list["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        common::tq_files("queries/reports").len() + 1,
        "{ids:?}"
    );
    assert!(ids.contains(&"02-country-dossier") && ids.contains(&"armistices"));
    let own_entry = list["reports"].as_array().unwrap().last().unwrap();
    assert_eq!(own_entry["params"][0]["name"], "from");
    assert_eq!(own_entry["params"][0]["default"], "1945");

    // The JSON of a report is what `treaty run --format json` writes, but for the run's date.
    let results = |json: &str| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(json).unwrap()["results"].clone()
    };
    let reply = server.get("/api/report/02-country-dossier?%24country=Ukraine", "");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.content_type.starts_with("application/json"));
    let expected = cli(&[
        "run",
        "queries/reports/02-country-dossier.tq",
        "--param",
        "country=Ukraine",
        "--format",
        "json",
    ]);
    assert_eq!(results(&reply.body), results(&expected));
    assert!(!results(&reply.body).as_array().unwrap().is_empty());

    // A parameter of the started-with file, as HTML and Markdown; an empty field is the default.
    let html = server.get("/api/report/armistices?format=html&%24from=1990", "");
    assert_eq!(html.status, 200, "{}", html.body);
    assert!(html.content_type.starts_with("text/html"));
    assert!(html.body.contains("Armistices since 1990"), "{}", html.body);
    let md = server.get("/api/report/armistices?format=md&%24from=", "");
    assert!(md.body.contains("Armistices since 1945"), "{}", md.body);
    let expected = cli(&["run", own.to_str().unwrap(), "--format", "md"]);
    // The run date (`2026-12-02T17:20:05Z`) differs from one run to the next.
    let without_date = |text: &str| {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("Z") {
            let (before, after) = rest.split_at(at);
            let stamp = before.len() >= 19
                && before.is_char_boundary(before.len() - 19)
                && before[before.len() - 19..].chars().nth(10) == Some('T');
            out.push_str(if stamp {
                &before[..before.len() - 19]
            } else {
                before
            });
            out.push_str(if stamp { "DATE" } else { "Z" });
            rest = &after[1..];
        }
        out + rest
    };
    assert_eq!(without_date(&md.body), without_date(&expected));

    // Faults: a missing required value, an unknown parameter or format, a report the server
    // was not started with, and a path, which never reaches the file system.
    for (path, status, says) in [
        (
            "/api/report/02-country-dossier",
            400,
            "needs a value for `country`",
        ),
        (
            "/api/report/armistices?%24until=2000",
            400,
            "no parameter `until`",
        ),
        (
            "/api/report/armistices?format=pdf",
            400,
            "unknown report format",
        ),
        ("/api/report/armistices?from=1990", 400, "`$NAME=VALUE`"),
        ("/api/report/no-such-report", 404, "no report is called"),
        (
            "/api/report/..%2F..%2F..%2Fetc%2Fpasswd",
            404,
            "no report is called",
        ),
        (
            &format!("/api/report/{}", server::encode(own.to_str().unwrap())),
            404,
            "no report is called",
        ),
    ] {
        let reply = server.get(path, "");
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert!(reply.body.contains(says), "{path}: {}", reply.body);
    }
}

/// The `X-Treaty-Cache` header of a reply: hit, miss or off.
fn cache_of(reply: &server::Reply) -> &str {
    reply
        .headers
        .get("x-treaty-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// `POST /api/query` with TQL and parameters; the whole reply.
fn tql_reply(server: &Server, query: &str, params: serde_json::Value) -> server::Reply {
    let body = serde_json::json!({ "query": query, "params": params }).to_string();
    server.post("/api/query", "application/json", "", body.as_bytes())
}

/// Sends one request, the same each time.
type Sender<'a> = Box<dyn Fn() -> server::Reply + 'a>;

#[test]
fn a_repeated_request_is_a_cache_hit_with_the_same_bytes_on_every_cached_route() {
    let server = Server::start(&["--memory"], &[]);
    let report = "/api/report/02-country-dossier?$country=Ukraine&format=md";
    let requests: Vec<(&str, Sender<'_>)> = vec![
        (
            "TQL by POST",
            Box::new(|| {
                tql_reply(
                    &server,
                    "settlements where party = $country show signed, name",
                    serde_json::json!({ "country": "Ukraine" }),
                )
            }),
        ),
        (
            "TQL by GET",
            Box::new(|| server.get("/api/query?q=count%20guarantees%20by%20outcome", "")),
        ),
        (
            "an entity",
            Box::new(|| server.get("/api/entity/settlement/treaty-of-london-1839", "")),
        ),
        ("a report", Box::new(|| server.get(report, ""))),
        ("SPARQL", Box::new(|| server.sparql(GUARANTORS, "text/csv"))),
    ];
    for (what, send) in &requests {
        let first = send();
        assert_eq!(first.status, 200, "{what}: {}", first.body);
        assert_eq!(cache_of(&first), "miss", "{what}");
        let second = send();
        assert_eq!(cache_of(&second), "hit", "{what}");
        assert_eq!(second.body, first.body, "{what}: the same bytes");
        assert_eq!(second.content_type, first.content_type, "{what}");
    }
    // The answer of a hit is the command line's answer.
    let expected = cli(&["sparql", "--format", "csv", GUARANTORS]);
    assert_eq!(
        server.sparql(GUARANTORS, "text/csv").body.trim(),
        expected.trim()
    );

    // Everything that changes the answer is in the key: the format, the parameters.
    let json = server.sparql(GUARANTORS, "application/sparql-results+json");
    assert_eq!(cache_of(&json), "miss");
    assert!(
        json.content_type
            .starts_with("application/sparql-results+json")
    );
    let party = "settlements where party = $country show signed, name";
    let ukraine = tql_reply(&server, party, serde_json::json!({ "country": "Ukraine" }));
    let other = tql_reply(&server, party, serde_json::json!({ "country": "Belgium" }));
    assert_eq!((other.status, cache_of(&other)), (200, "miss"));
    assert_ne!(other.body, ukraine.body);
    let html = server.get(
        "/api/report/02-country-dossier?$country=Ukraine&format=html",
        "",
    );
    assert_eq!(cache_of(&html), "miss");
    // Asking for the charts is another answer, with the charts in it.
    let counted = "count guarantees by outcome";
    let plain = server.get("/api/query?q=count%20guarantees%20by%20outcome", "");
    assert_eq!(cache_of(&plain), "hit");
    assert!(!plain.body.contains("\"chart\""));
    let body = serde_json::json!({ "query": counted, "chart": true }).to_string();
    for expected in ["miss", "hit"] {
        let charted = server.post("/api/query", "application/json", "", body.as_bytes());
        assert_eq!(cache_of(&charted), expected);
        assert!(charted.body.contains("<svg"), "{}", charted.body);
    }

    // An answer that may change from one run to the next is never kept.
    let now = "SELECT (NOW() AS ?t) WHERE {}";
    assert_eq!(cache_of(&server.sparql(now, "text/csv")), "miss");
    assert_eq!(cache_of(&server.sparql(now, "text/csv")), "miss");
    // Nor is a failure.
    for _ in 0..2 {
        let bad = tql_reply(&server, "settlements where", serde_json::json!({}));
        assert_eq!(bad.status, 400);
        assert_eq!(cache_of(&bad), "miss");
    }
}

#[test]
fn cache_mb_0_turns_the_cache_off() {
    let server = Server::start(&["--memory"], &["--cache-mb", "0"]);
    let first = server.sparql(GUARANTORS, "text/csv");
    for _ in 0..3 {
        let again = server.sparql(GUARANTORS, "text/csv");
        assert_eq!(cache_of(&again), "off");
        assert_eq!(again.body, first.body);
        let tql = tql_reply(
            &server,
            "count guarantees by outcome",
            serde_json::json!({}),
        );
        assert_eq!((tql.status, cache_of(&tql)), (200, "off"));
    }
}

#[test]
fn an_answer_stopped_by_the_timeout_is_not_kept() {
    let server = Server::start(&["--memory"], &["--query-timeout", "1"]);
    let slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    for _ in 0..2 {
        let reply = server.sparql(slow, "");
        assert_eq!(reply.status, 503, "{reply:?}");
        assert_ne!(cache_of(&reply), "hit");
    }
    // Give the stopped evaluations time to notice, then ask once more: still stopped, never
    // an answer completed after the deadline.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.sparql(slow, "").status, 503);
    let tql = format!("sparql \"{slow}\"");
    for _ in 0..2 {
        let reply = tql_reply(&server, &tql, serde_json::json!({}));
        assert_eq!(reply.status, 503, "{}", reply.body);
    }
}

#[test]
fn a_load_into_the_store_between_two_requests_gives_the_new_answer() {
    let store = common::TestStore::new();
    store.cmd(&["stats"]).assert().success();
    let server = Server::start(&["--store", store.path.to_str().unwrap()], &[]);
    let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/added> ?o }";
    let tql = format!("sparql \"{count}\"");
    let entity = "/api/entity?iri=http%3A%2F%2Fexample.org%2Fs0";
    let ask = |expected: &str, cache: &str| {
        let reply = server.sparql(count, "text/csv");
        assert_eq!(reply.body.lines().nth(1), Some(expected), "{reply:?}");
        assert_eq!(cache_of(&reply), cache, "SPARQL");
        let reply = tql_reply(&server, &tql, serde_json::json!({}));
        let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(json["results"][0]["rows"][0][0]["text"], expected, "{json}");
        assert_eq!(cache_of(&reply), cache, "TQL");
    };
    ask("0", "miss");
    ask("0", "hit");
    // Nothing is known about the entity yet: a 404, which is not kept.
    assert_eq!(server.get(entity, "").status, 404);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("added.nt");
    let triples: String = (0..10)
        .map(|i| format!("<http://example.org/s{i}> <http://example.org/added> \"{i}\" .\n"))
        .collect();
    std::fs::write(&file, triples).unwrap();
    store.cmd(&["load"]).arg(&file).assert().success();

    // The next requests see the load: computed again, never the answer from before it.
    ask("10", "miss");
    ask("10", "hit");
    let page = server.get(entity, "");
    assert_eq!(
        (page.status, cache_of(&page)),
        (200, "miss"),
        "{}",
        page.body
    );
    assert_eq!(cache_of(&server.get(entity, "")), "hit");
}
