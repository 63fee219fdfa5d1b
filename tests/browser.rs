//! The page in a real browser (headless Chromium through the DevTools protocol), as a reader
//! uses it: type a query and run it, see the rows; a bad query shows its diagnostic; click
//! through to an entity page; a bookmarked URL gives the same answer; completion offers a name
//! from the data; the gallery runs an example; a chart's mark names its entity and opens its
//! page.
//!
//! CI installs Chromium (.ci/run) and runs these; without it, locally, each test says so and
//! passes (under CI a missing Chromium fails them).

#![cfg(unix)]

#[path = "common/cdp.rs"]
mod cdp;
mod common;
#[path = "common/server.rs"]
mod server;

use cdp::Browser;
use server::Server;

const QUERY: &str =
    "guarantees where settlement = \"Treaty of London (1839)\" show settlement, guarantor, outcome";

/// One browser and server at a time: four at once on two cores starve the page's requests and
/// completion, and the tests time out.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A server on the bundled data and a browser, or `None` (with a note) without Chromium.
fn setup() -> Option<(Server, Browser)> {
    let Some(binary) = cdp::chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium (apt-get install chromium)"
        );
        eprintln!(
            "note: no Chromium here (apt-get install chromium); the browser tests did not run"
        );
        return None;
    };
    Some((Server::start(&["--memory"], &[]), Browser::start(&binary)))
}

fn rows(browser: &mut Browser) -> Vec<Vec<String>> {
    let value = browser.eval(
        "[...document.querySelectorAll('table.rows tbody tr')].map(tr => \
         [...tr.children].map(td => td.textContent))",
    );
    serde_json::from_value(value).unwrap()
}

#[test]
fn typing_a_query_and_ctrl_enter_shows_its_rows_and_the_url_keeps_it() {
    let _one_at_a_time = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some((server, mut browser)) = setup() else {
        return;
    };
    browser.navigate(&format!("{}/", server.base));
    browser.click("#query");
    browser.type_text(QUERY);
    browser.press("Enter", 13, 2);
    browser.wait_for("document.querySelectorAll('table.rows tbody tr').length > 0");
    let shown = rows(&mut browser);
    let (_, json) = server.tql(QUERY);
    let expected: Vec<Vec<String>> = json["results"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c["text"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .collect();
    assert_eq!(shown, expected);
    assert_eq!(shown[0][2], "violated");

    // The address bar holds the query: opening it again (a bookmark) gives the same rows.
    let url = browser.eval("location.href").as_str().unwrap().to_owned();
    assert!(url.contains("?q="), "{url}");
    browser.navigate(&format!("{}/", server.base));
    browser.navigate(&url);
    browser.wait_for("document.querySelectorAll('table.rows tbody tr').length > 0");
    assert_eq!(rows(&mut browser), expected);
    assert_eq!(
        browser.eval("document.getElementById('query').value"),
        serde_json::json!(QUERY)
    );
    // The compiled SPARQL is there on demand, and a click on a header sorts.
    browser.click("details.sparql summary");
    let sparql = browser.eval("document.querySelector('details.sparql pre').textContent");
    assert!(sparql.as_str().unwrap().contains("SELECT"), "{sparql}");
}

#[test]
fn a_bad_query_shows_the_diagnostic_with_the_fault_marked() {
    let _one_at_a_time = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some((server, mut browser)) = setup() else {
        return;
    };
    browser.navigate(&format!("{}/", server.base));
    browser.click("#query");
    browser.type_text("settlements where signed between 1914 1918");
    browser.click("#run");
    browser.wait_for("!document.getElementById('diagnostic').hidden");
    let message = browser.eval("document.querySelector('#diagnostic .message').textContent");
    assert!(
        message.as_str().unwrap().contains("expected `and`"),
        "{message}"
    );
    let marked = browser.eval("document.querySelector('#diagnostic mark.fault').textContent");
    assert_eq!(marked, "1918");
    // The editor underlines the same word.
    let underlined = browser.eval("document.querySelector('#highlight .tok-fault').textContent");
    assert_eq!(underlined, "1918");
}

#[test]
fn a_click_on_a_name_opens_its_entity_page_with_its_own_url() {
    let _one_at_a_time = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some((server, mut browser)) = setup() else {
        return;
    };
    browser.navigate(&format!("{}/?q={}", server.base, server::encode(QUERY)));
    browser.click("table.rows tbody a[href='/entity/settlement/treaty-of-london-1839']");
    browser.wait_for("location.pathname === '/entity/settlement/treaty-of-london-1839'");
    let title = browser.wait_for("document.querySelector('#entity-view h1')?.textContent");
    assert_eq!(title, "Treaty of London (1839)");
    let outcome = browser.wait_for("document.querySelector('#entity-view .outcome')?.textContent");
    assert_eq!(outcome, "violated");
    let text = browser.eval("document.getElementById('entity-view').textContent");
    for expected in ["Prussia", "Belgian Revolution", "1839-04-19"] {
        assert!(
            text.as_str().unwrap().contains(expected),
            "{expected} in {text}"
        );
    }
    // On to the guarantee's own page.
    browser.click("#entity-view a[href='/entity/guarantee/belgian-neutrality-1839']");
    browser.wait_for("location.pathname === '/entity/guarantee/belgian-neutrality-1839'");
    browser.wait_for("document.querySelector('#entity-view h1')?.textContent");
}

#[test]
fn a_chart_shows_above_the_table_and_a_click_on_a_mark_opens_its_entity_page() {
    let _one_at_a_time = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some((server, mut browser)) = setup() else {
        return;
    };
    let query = "guarantees where outcome is violated show guarantor, count(*) as n \
                 order by n desc, guarantor limit 3";
    browser.navigate(&format!("{}/?q={}", server.base, server::encode(query)));
    browser.wait_for("document.querySelectorAll('figure.chart svg.chart-bars .mark').length === 3");
    // The chart comes before the table, and each bar's title names the guarantor of its row
    // and its count.
    let before = browser.eval(
        "!!(document.querySelector('figure.chart').compareDocumentPosition(\
         document.querySelector('table.rows')) & Node.DOCUMENT_POSITION_FOLLOWING)",
    );
    assert_eq!(before, true);
    let first = rows(&mut browser)[0].clone();
    let title = browser.eval("document.querySelector('svg.chart .mark title').textContent");
    assert_eq!(title, format!("{}\nn: {}", first[0], first[1]));
    // The bar links where the guarantor's name in the table links, and a click opens it.
    let href = browser.eval("document.querySelector('svg.chart .mark').getAttribute('href')");
    let cell = browser.eval("document.querySelector('table.rows tbody a').getAttribute('href')");
    assert_eq!(href, cell);
    let href = href.as_str().unwrap().to_owned();
    assert!(href.starts_with("/entity/actor/"), "{href}");
    browser.click(&format!("svg.chart a.mark[href='{href}']"));
    browser.wait_for(&format!("location.pathname === '{href}'"));
    let heading = browser.wait_for("document.querySelector('#entity-view h1')?.textContent");
    assert_eq!(heading, first[0].as_str());

    // Back on the answer, the toggle hides the chart and shows it again.
    browser.navigate(&format!("{}/?q={}", server.base, server::encode(query)));
    browser.wait_for("document.querySelector('figure.chart svg')");
    browser.click(".view-toggle [data-view=chart]");
    browser.wait_for("document.querySelector('figure.chart').hidden");
    assert_eq!(
        browser.eval("document.querySelector('table.rows').hidden"),
        false
    );
    browser.click(".view-toggle [data-view=chart]");
    browser.wait_for("!document.querySelector('figure.chart').hidden");
}

#[test]
fn completion_offers_a_name_from_the_data_and_the_gallery_runs_an_example() {
    let _one_at_a_time = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some((server, mut browser)) = setup() else {
        return;
    };
    browser.navigate(&format!("{}/", server.base));
    browser.click("#query");
    browser.type_text("guarantees where guarantor = Pruss");
    browser.press("Tab", 9, 0);
    browser.wait_for("document.getElementById('query').value.endsWith('= Prussia')");

    browser.wait_for("document.querySelectorAll('#gallery-list a').length > 0");
    browser.click("#gallery-list a");
    browser.wait_for("document.querySelectorAll('table.rows tbody tr').length > 0");
    let query = browser.eval("document.getElementById('query').value");
    assert!(
        query.as_str().unwrap().contains("guarantor powers"),
        "{query}"
    );
}

#[test]
fn a_report_opens_with_the_parameters_of_its_form() {
    let _one_at_a_time = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some((server, mut browser)) = setup() else {
        return;
    };
    browser.navigate(&format!("{}/", server.base));
    browser.click("#report-02-country-dossier-country");
    browser.type_text("Ukraine");
    browser.click("#report-02-country-dossier button");
    browser.wait_for("location.pathname === '/api/report/02-country-dossier'");
    let title = browser.wait_for("document.querySelector('h1')?.textContent");
    assert_eq!(title, "Country dossier: Ukraine");
    let address = browser.eval("location.search");
    assert!(
        address.as_str().unwrap().contains("%24country=Ukraine"),
        "{address}"
    );
}

/// Writes the screenshots of docs/screenshots/ (the page with an answer, a diagnostic, an
/// entity page, survival curves): `cargo test --test browser -- --ignored screenshots`.
#[test]
#[ignore = "writes docs/screenshots/; run by hand when the page changes"]
fn screenshots() {
    let binary = cdp::chromium().expect("Chromium");
    let server = Server::start(&["--memory"], &[]);
    let mut browser = Browser::start(&binary);
    // A window the size of a laptop's, at one pixel per CSS pixel: small files that stay
    // readable at the width of a README.
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 1100, "height": 720, "deviceScaleFactor": 1, "mobile": false }),
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let shoot = |browser: &mut Browser, name: &str| {
        let png = decode_base64(&browser.screenshot());
        std::fs::write(dir.join(name), png).unwrap();
    };
    let first = "guarantees\n  where settlement.signed >= 1815 and mechanism is \"guarantor powers\"\n  show settlement.name as settlement, settlement.signed as signed, guarantor, outcome\n  order by signed, settlement";
    browser.navigate(&format!("{}/?q={}", server.base, server::encode(first)));
    browser.wait_for("document.querySelectorAll('table.rows tbody tr').length > 0");
    shoot(&mut browser, "query.png");
    browser.navigate(&format!(
        "{}/?q={}",
        server.base,
        server::encode("guarantees where guarantor = Brittany and outcome is violated")
    ));
    browser.wait_for("!document.getElementById('diagnostic').hidden");
    shoot(&mut browser, "diagnostic.png");
    browser.navigate(&format!(
        "{}/entity/settlement/treaty-of-london-1839",
        server.base
    ));
    browser.wait_for("document.querySelector('#entity-view h1')?.textContent");
    shoot(&mut browser, "entity.png");
    // A chart needs more height: the survival curves of gallery query 03, question to legend.
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 1100, "height": 960, "deviceScaleFactor": 1, "mobile": false }),
    );
    let survival = "survival of settlements by whether guarantee.mechanism is peacekeeping";
    browser.navigate(&format!("{}/?q={}", server.base, server::encode(survival)));
    browser.wait_for("document.querySelector('figure.chart svg.chart-survival')");
    shoot(&mut browser, "chart.png");
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n: u32 = 0;
        for (i, &c) in chunk.iter().enumerate() {
            n |= u32::from(value(c)) << (18 - 6 * i);
        }
        let keep = chunk.len() - 1;
        out.extend_from_slice(&n.to_be_bytes()[1..=keep]);
    }
    out
}
