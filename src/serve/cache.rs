//! The answer cache: the bodies of `/api/query`, `/api/entity/...`, `/api/report/...` and
//! `/sparql` answers, kept so that a question asked again is answered without running it.
//!
//! An answer is kept under everything that can change it: the request itself (its text,
//! parameters and format), the *version* of the data it was computed from (a store's snapshot
//! generation; a store in memory never changes under the server) and the UTC day (TQL's
//! `today()`, a report's dates). The server's own options (row cap, timeout) are fixed for the
//! life of the cache, so they need no place in the key. A request first moves the store to its
//! latest snapshot, so a load that has finished is never answered from before it: the new
//! generation makes a new key. An answer is kept only when it succeeded, was not stopped by
//! the deadline, and the data's version and the day were the same after it as before (so it
//! was computed from the version its key names). Requests whose answer may differ from one run
//! to the next (SPARQL's `NOW()`, `RAND()`, `UUID()`, `BNODE()`, `SERVICE`) are never kept.
//! With `--endpoint` the cache is off: the data on the other server can change with no sign.
//!
//! Concurrent identical misses are computed once: quick_cache hands the first a guard and the
//! others wait for its value (or, if it fails, one of them computes in its turn).

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_cache::sync::GuardResult;
use quick_cache::{Weighter, sync};

use super::State;
use crate::store::CancellationToken;

/// The response header that says whether an answer came from the cache.
pub const HEADER: &str = "x-treaty-cache";

/// What a request asks, as far as its answer depends on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Request {
    /// `/api/query`: the TQL text, its parameters (sorted by name), and whether the answer
    /// carries charts.
    Tql {
        text: String,
        params: Vec<(String, String)>,
        chart: bool,
    },
    /// `/api/entity/...`: the entity's IRI.
    Entity { iri: String },
    /// `/api/report/ID`: the report, its parameters (sorted) and the output format.
    Report {
        id: String,
        params: Vec<(String, String)>,
        format: &'static str,
    },
    /// `/sparql`: the query text and the negotiated media type.
    Sparql {
        query: String,
        media_type: &'static str,
    },
}

impl Request {
    /// Roughly the bytes the key holds, for the cache's bound.
    fn size(&self) -> usize {
        let pairs = |params: &[(String, String)]| -> usize {
            params.iter().map(|(k, v)| k.len() + v.len() + 48).sum()
        };
        match self {
            Request::Tql { text, params, .. } => text.len() + pairs(params),
            Request::Entity { iri } => iri.len(),
            Request::Report { id, params, .. } => id.len() + pairs(params),
            Request::Sparql { query, .. } => query.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    /// The version of the data (see [`State::version`]).
    version: u64,
    /// The UTC day, `YYYY-MM-DD`.
    day: String,
    request: Request,
}

/// A finished answer: what the client receives, without the cache header.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub content_type: HeaderValue,
    /// `treaty-truncated`, when a `/sparql` result was cut at the row cap.
    pub truncated: Option<HeaderValue>,
    pub body: Bytes,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: StatusCode, value: &serde_json::Value) -> Reply {
        Reply {
            status,
            content_type: HeaderValue::from_static("application/json"),
            truncated: None,
            // Serialising a `Value` cannot fail: its keys are strings.
            body: Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
        }
    }

    /// A plain-text answer to a request that cannot be served, as [`super::problem`] writes.
    pub fn problem(status: StatusCode, message: impl Into<String>) -> Reply {
        let mut text = message.into();
        text.push('\n');
        Reply {
            status,
            content_type: HeaderValue::from_static("text/plain; charset=utf-8"),
            truncated: None,
            body: Bytes::from(text),
        }
    }

    /// The response, saying how it was `served`.
    pub fn into_response(self, served: Served) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, self.content_type)],
            self.body,
        )
            .into_response();
        let headers = response.headers_mut();
        if let Some(truncated) = self.truncated {
            headers.insert("treaty-truncated", truncated);
        }
        headers.insert(HEADER, HeaderValue::from_static(served.as_str()));
        response
    }
}

/// How an answer was served, for the `X-Treaty-Cache` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Served {
    /// From the cache.
    Hit,
    /// Computed for this request (and kept, if it could be).
    Miss,
    /// Computed: this server has no cache (`--cache-mb 0`, or `--endpoint`).
    Off,
}

impl Served {
    fn as_str(self) -> &'static str {
        match self {
            Served::Hit => "hit",
            Served::Miss => "miss",
            Served::Off => "off",
        }
    }
}

/// Weighs an entry by the bytes it holds.
#[derive(Clone)]
struct Bytesize;

impl Weighter<Key, Reply> for Bytesize {
    fn weight(&self, key: &Key, answer: &Reply) -> u64 {
        // The rest: the key's and the entry's own structures, the cache's bookkeeping.
        (key.request.size() + answer.body.len() + 256) as u64
    }
}

/// The cache, or nothing when it is off.
pub(crate) struct Cache {
    entries: Option<sync::Cache<Key, Reply, Bytesize>>,
}

impl Cache {
    /// A cache holding at most about `bytes` bytes of answers; none for 0.
    pub fn new(bytes: usize) -> Cache {
        let entries = (bytes > 0).then(|| {
            // An estimate for the cache's tables: answers are a few kilobytes.
            let items = (bytes / 4096).clamp(16, 1 << 20);
            sync::Cache::with_weighter(items, bytes as u64, Bytesize)
        });
        Cache { entries }
    }

    /// Off: every answer is computed.
    pub fn off() -> Cache {
        Cache { entries: None }
    }

    /// The answer to `request`: the kept one, or `compute`'s, kept when it may be. Blocking
    /// (it may wait for an identical request that is being computed); runs on the blocking
    /// pool, under `token`, the request's deadline.
    pub fn answer(
        &self,
        state: &State,
        token: &CancellationToken,
        request: Request,
        compute: impl FnOnce() -> Reply,
    ) -> (Reply, Served) {
        let Some(entries) = &self.entries else {
            return (compute(), Served::Off);
        };
        // Move to the store's latest snapshot first: a load that has finished is seen.
        state.refresh_quietly();
        let Some(version) = state.version() else {
            return (compute(), Served::Off);
        };
        if is_volatile(&request, state) {
            return (compute(), Served::Miss);
        }
        let key = Key {
            version,
            day: today(),
            request,
        };
        let unchanged = |key: &Key| state.version() == Some(key.version) && today() == key.day;
        // Wait for an identical request being computed no longer than a request may run.
        let wait = state.options().timeout;
        kept_or_computed(entries, key, wait, token, unchanged, compute)
    }

    /// The number of answers kept (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.as_ref().map_or(0, sync::Cache::len)
    }
}

/// The answer kept under `key`, else `compute`'s, kept when it succeeded, `token` was not
/// cancelled and the data is still what `key` names (`unchanged`). Identical requests that
/// arrive meanwhile wait up to `wait` for it.
fn kept_or_computed(
    entries: &sync::Cache<Key, Reply, Bytesize>,
    key: Key,
    wait: Duration,
    token: &CancellationToken,
    unchanged: impl FnOnce(&Key) -> bool,
    compute: impl FnOnce() -> Reply,
) -> (Reply, Served) {
    match entries.get_value_or_guard(&key, Some(wait)) {
        GuardResult::Value(reply) => (reply, Served::Hit),
        GuardResult::Guard(guard) => {
            let reply = compute();
            // Dropping the guard without a value lets a waiting request compute instead.
            if reply.status == StatusCode::OK && !token.is_cancelled() && unchanged(&key) {
                let _ = guard.insert(reply.clone());
            }
            (reply, Served::Miss)
        }
        GuardResult::Timeout => (compute(), Served::Miss),
    }
}

/// The UTC day, as `today()` reads it.
fn today() -> String {
    crate::clock::utc_now()[..10].to_owned()
}

/// True when the answer to `request` may differ from one run to the next on the same data.
fn is_volatile(request: &Request, state: &State) -> bool {
    match request {
        // TQL can hold raw SPARQL (`sparql "..."`), a report TQL.
        Request::Tql { text, .. } => has_volatile_sparql(text),
        Request::Sparql { query, .. } => has_volatile_sparql(query),
        Request::Report { id, .. } => state
            .reports()
            .iter()
            .find(|served| served.id == *id)
            .is_none_or(|served| has_volatile_sparql(&served.report.text)),
        Request::Entity { .. } => false,
    }
}

/// True when `text` calls a SPARQL function whose value changes from one evaluation to the
/// next, or names a `SERVICE` (another server's data). A word in a string or a comment counts
/// too: the answer is then not kept, which costs time, never correctness.
fn has_volatile_sparql(text: &str) -> bool {
    const CALLS: [&str; 5] = ["NOW", "RAND", "UUID", "STRUUID", "BNODE"];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        // Part of a prefixed name or a variable (`ex:now`, `?rand`) is not a call.
        if start > 0 && matches!(bytes[start - 1], b':' | b'?' | b'$') {
            continue;
        }
        let word = &text[start..i];
        if word.eq_ignore_ascii_case("SERVICE") {
            return true;
        }
        let called = text[i..].trim_start().starts_with('(');
        if called && CALLS.iter().any(|c| word.eq_ignore_ascii_case(c)) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_sparql_is_recognised_and_lookalikes_are_not() {
        for text in [
            "SELECT (NOW() AS ?t) WHERE {}",
            "select (rand () as ?r) {}",
            "SELECT ?s WHERE { BIND(STRUUID() AS ?u) }",
            "CONSTRUCT { ?s ex:p ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }",
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            "sparql \"SELECT (uuid() AS ?u) {}\"",
        ] {
            assert!(has_volatile_sparql(text), "{text}");
        }
        for text in [
            "SELECT ?now WHERE { ?s ex:rand ?now }",
            "settlements where signed > today()",
            "count guarantees by outcome",
            "SELECT ?s WHERE { ?s rdfs:label \"Nowhere\" }",
        ] {
            assert!(!has_volatile_sparql(text), "{text}");
        }
    }

    fn key(text: &str) -> Key {
        Key {
            version: 1,
            day: "2026-12-02".into(),
            request: Request::Tql {
                text: text.into(),
                params: Vec::new(),
                chart: false,
            },
        }
    }

    fn ok(body: &'static str) -> Reply {
        Reply {
            status: StatusCode::OK,
            content_type: HeaderValue::from_static("text/plain"),
            truncated: None,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn concurrent_identical_misses_are_computed_once() {
        let cache = Cache::new(1 << 20);
        let entries = cache.entries.as_ref().unwrap();
        let computed = std::sync::atomic::AtomicUsize::new(0);
        let token = CancellationToken::new();
        let served: Vec<(Reply, Served)> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        let wait = Duration::from_secs(10);
                        kept_or_computed(
                            entries,
                            key("q"),
                            wait,
                            &token,
                            |_| true,
                            || {
                                computed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(200));
                                ok("answer")
                            },
                        )
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert_eq!(computed.into_inner(), 1);
        assert_eq!(served.iter().filter(|(_, s)| *s == Served::Miss).count(), 1);
        assert!(served.iter().all(|(r, _)| r.body == "answer"));
    }

    #[test]
    fn failures_cancelled_work_and_answers_from_changed_data_are_not_kept() {
        let cache = Cache::new(1 << 20);
        let entries = cache.entries.as_ref().unwrap();
        let wait = Duration::from_secs(1);
        let live = CancellationToken::new();
        let failed = || Reply::problem(StatusCode::BAD_REQUEST, "no");
        kept_or_computed(entries, key("bad"), wait, &live, |_| true, failed);
        let cancelled = CancellationToken::new();
        cancelled.cancel();
        kept_or_computed(entries, key("late"), wait, &cancelled, |_| true, || ok("x"));
        kept_or_computed(entries, key("moved"), wait, &live, |_| false, || ok("x"));
        assert_eq!(cache.len(), 0);
        for text in ["bad", "late", "moved"] {
            let (_, served) =
                kept_or_computed(entries, key(text), wait, &live, |_| true, || ok("y"));
            assert_eq!(served, Served::Miss, "{text}");
        }
        let (reply, served) =
            kept_or_computed(entries, key("moved"), wait, &live, |_| true, || ok("z"));
        assert_eq!(
            (reply.body, served),
            (Bytes::from_static(b"y"), Served::Hit)
        );
    }

    #[test]
    fn a_zero_bound_is_no_cache() {
        assert!(Cache::new(0).entries.is_none());
        assert_eq!(Cache::new(1 << 20).len(), 0);
    }
}
