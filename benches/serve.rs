//! Load on `treaty serve`: 50 clients, each on its own kept-alive connection, send a mix of
//! the gallery's TQL queries and entity pages for a fixed time, then the bench prints requests
//! per second and latency percentiles, for the TQL requests and for all of them.
//!
//! `cargo test --bench serve` (one build profile, as for the other benches; the server is the built binary on the bundled data, in memory;
//! clients and server share the machine). `TREATY_BENCH_SECONDS` and `TREATY_BENCH_CLIENTS`
//! change the duration (10 s) and the number of clients (50); `TREATY_BENCH_CACHE_MB` is the
//! server's `--cache-mb` (its default when unset; 0 turns the answer cache off). The clients
//! repeat the same few questions, so with the cache on nearly every answer is a hit: that
//! figure measures repeated queries, the one with the cache off measures answering them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let seconds: u64 = env_number("TREATY_BENCH_SECONDS", 10);
    let clients: usize = env_number("TREATY_BENCH_CLIENTS", 50);
    let cache_mb = std::env::var("TREATY_BENCH_CACHE_MB").ok();
    let mut server = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["--memory", "serve", "--port", "0"])
        .args(cache_mb.iter().flat_map(|mb| ["--cache-mb", mb.as_str()]))
        .env_remove("TREATY_STORE")
        .env_remove("TREATY_ENDPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("treaty serve starts");
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("the server starts").unwrap();
        if let Some(rest) = line.split(" at http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };

    // The gallery's single-statement queries (a multi-statement file is one request too).
    let gallery = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tq"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>();
    let entities = [
        "/api/entity/settlement/treaty-of-london-1839",
        "/api/entity/guarantee/belgian-neutrality-1839",
        "/api/entity/actor/united-kingdom",
        "/api/entity/settlement/peace-of-westphalia-1648",
    ];
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> =
        (0..clients)
            .map(|client| {
                let (base, gallery, stop) = (base.clone(), gallery.clone(), stop.clone());
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    let mut tql = Vec::new();
                    let mut pages = Vec::new();
                    let mut failures = 0;
                    let mut hits = 0;
                    let mut i = client;
                    while !stop.load(Ordering::Relaxed) {
                        let begin = Instant::now();
                        // Three TQL requests for each entity page.
                        let ok =
                            if i % 4 == 3 {
                                let path = entities[(i / 4) % entities.len()];
                                let ok = agent.get(format!("{base}{path}")).call().ok().and_then(
                                    |mut r| {
                                        let ok = r.status() == 200;
                                        hits += usize::from(is_hit(&r));
                                        r.body_mut().read_to_string().ok().map(|_| ok)
                                    },
                                );
                                pages.push(begin.elapsed());
                                ok
                            } else {
                                let query = &gallery[i % gallery.len()];
                                // queries/18 asks for a country, as `--param` gives it.
                                let body = serde_json::json!({
                                    "query": query,
                                    "params": { "country": "Ukraine" },
                                })
                                .to_string();
                                let ok = agent
                                    .post(format!("{base}/api/query"))
                                    .header("Content-Type", "application/json")
                                    .send(body.as_bytes())
                                    .ok()
                                    .and_then(|mut r| {
                                        let ok = r.status() == 200;
                                        hits += usize::from(is_hit(&r));
                                        r.body_mut().read_to_string().ok().map(|_| ok)
                                    });
                                tql.push(begin.elapsed());
                                ok
                            };
                        if ok != Some(true) {
                            failures += 1;
                        }
                        i += clients;
                    }
                    (tql, pages, failures, hits)
                })
            })
            .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut tql = Vec::new();
    let mut all = Vec::new();
    let mut failures = 0;
    let mut hits = 0;
    for worker in workers {
        let (t, p, f, h) = worker.join().unwrap();
        hits += h;
        all.extend(&t);
        all.extend(&p);
        tql.extend(t);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    // The server's processor time is the figure that holds on a busy machine, where requests
    // per second also measure whatever else runs.
    let cpu = cpu_seconds(server.id());
    let _ = server.kill();
    let _ = server.wait();
    println!(
        "treaty serve, {clients} clients, {elapsed:.1} s, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    report("TQL (/api/query, gallery)", &mut tql, elapsed);
    report("all (TQL and entity pages)", &mut all, elapsed);
    println!("failed requests: {failures}");
    println!(
        "answered from the server's cache: {hits} of {} (--cache-mb {})",
        all.len(),
        cache_mb.as_deref().unwrap_or("default")
    );
    if let Some(cpu) = cpu {
        println!(
            "server processor time: {cpu:.1} s, {:.2} ms per request",
            cpu * 1000.0 / all.len().max(1) as f64
        );
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average (1, 5, 15 min): {}", load.join(" "));
    }
}

/// True when the server answered from its cache (`X-Treaty-Cache: hit`).
fn is_hit(response: &ureq::http::Response<ureq::Body>) -> bool {
    response
        .headers()
        .get("x-treaty-cache")
        .is_some_and(|v| v.as_bytes() == b"hit")
}

/// User and system time of a process so far (Linux: /proc/PID/stat, in clock ticks, which
/// are 1/100 s on every Linux platform Rust supports).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

fn report(name: &str, latencies: &mut [Duration], elapsed: f64) {
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{name}: {} requests, {:.0} requests/s, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
    );
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
