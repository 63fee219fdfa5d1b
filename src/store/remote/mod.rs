//! A remote SPARQL 1.1 server (Virtuoso, QLever, Fuseki, GraphDB...) behind the same `Backend`
//! seam as the embedded store. Queries go out through the SPARQL 1.1 Protocol as form-encoded
//! POSTs and come back as SPARQL JSON results, parsed with `sparesults`; writes go through the
//! Graph Store HTTP Protocol (`graph_store.rs`). `http.rs` holds the transport: timeouts,
//! retries, authentication, and the translation of every failure into one `Error`.

pub(crate) mod graph_store;
mod http;

use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Literal, Term};
use sparesults::{QueryResultsFormat, QueryResultsParser, ReaderQueryResultsParserOutput};

use crate::results::{Answer, Table};
use crate::store::error::{Error, Result};
use crate::store::{Backend, seed};
use crate::vocab;
pub(crate) use graph_store::Spool;
pub use graph_store::Write;
pub use http::Credentials;

/// How to talk to an endpoint.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long one request may take, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// Where the Graph Store Protocol accepts writes; by default derived from the query URL
    /// (Virtuoso's convention: `.../sparql` becomes `.../sparql-graph-crud-auth`).
    pub graph_store: Option<String>,
    /// User and password for writes (and for reads, when the server asks for them).
    pub credentials: Option<Credentials>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            graph_store: None,
            credentials: None,
        }
    }
}

/// A SPARQL endpoint.
pub struct Endpoint {
    url: String,
    /// `scheme://host:port/`, the prefix of the graphs a server names after itself.
    origin: String,
    /// The same for the other names of a loopback host (`localhost`, `127.0.0.1`).
    loopback_origins: Vec<String>,
    graph_store: String,
    client: http::Client,
    // Notes for the user about the last answers (a result the server cut short), taken by
    // whoever prints results: the library itself never prints.
    notes: Mutex<Vec<String>>,
}

impl Endpoint {
    /// An endpoint at `url` (the query URL, e.g. `http://127.0.0.1:8890/sparql`). Nothing is
    /// sent until the first query.
    pub fn new(url: &str, options: Options) -> Result<Self> {
        let parsed = url.parse::<ureq::http::Uri>().ok().filter(|uri| {
            matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some()
        });
        if parsed.is_none() {
            return Err(Error::Endpoint {
                endpoint: url.to_owned(),
                message: "not an http:// or https:// URL".to_owned(),
            });
        }
        if parsed
            .as_ref()
            .and_then(|uri| uri.authority())
            .is_some_and(|authority| authority.as_str().contains('@'))
        {
            return Err(Error::Endpoint {
                endpoint: "the --endpoint URL".to_owned(),
                message: "holds a user name or password; give them in TREATY_ENDPOINT_USER and \
                          TREATY_ENDPOINT_PASSWORD instead, where they stay out of messages and \
                          reports"
                    .to_owned(),
            });
        }
        let graph_store = options
            .graph_store
            .clone()
            .unwrap_or_else(|| default_graph_store(url));
        let origin = parsed
            .and_then(|uri| Some(format!("{}://{}/", uri.scheme_str()?, uri.authority()?)))
            .unwrap_or_default();
        const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];
        let mut loopback_origins = Vec::new();
        for host in LOOPBACK {
            if origin.contains(&format!("//{host}")) {
                for other in LOOPBACK {
                    loopback_origins.push(origin.replacen(host, other, 1));
                }
            }
        }
        Ok(Self {
            client: http::Client::new(url, &options),
            url: url.to_owned(),
            origin,
            loopback_origins,
            graph_store,
            notes: Mutex::new(Vec::new()),
        })
    }

    /// The query URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The Graph Store Protocol URL that writes go to.
    pub(crate) fn graph_store_url(&self) -> &str {
        &self.graph_store
    }

    /// Sends `text` (full SPARQL, prefixes included) and reads the answer.
    fn run(&self, text: &str, form: Form) -> Result<Answer> {
        let accept = match form {
            Form::Solutions => "application/sparql-results+json",
            Form::Graph => "application/n-triples, text/turtle;q=0.9",
        };
        let response = self.client.query(text, accept)?;
        let limit = response.row_limit;
        let malformed = |message: String| Error::Endpoint {
            endpoint: self.url.clone(),
            message: format!("sent an answer that is not a SPARQL result: {message}"),
        };
        match form {
            Form::Solutions => {
                let format = response
                    .content_type
                    .as_deref()
                    .and_then(QueryResultsFormat::from_media_type)
                    .unwrap_or(QueryResultsFormat::Json);
                let parsed = QueryResultsParser::from_format(format)
                    .for_reader(response.body)
                    .map_err(|e| self.read_error(e.to_string(), &malformed))?;
                match parsed {
                    ReaderQueryResultsParserOutput::Boolean(value) => Ok(Answer::Boolean(value)),
                    ReaderQueryResultsParserOutput::Solutions(solutions) => {
                        let columns = solutions
                            .variables()
                            .iter()
                            .map(|v| v.as_str().to_owned())
                            .collect::<Vec<_>>();
                        let mut rows = Vec::new();
                        for solution in solutions {
                            let solution =
                                solution.map_err(|e| self.read_error(e.to_string(), &malformed))?;
                            // Servers may order the bindings of a row differently from the
                            // head: read them by name.
                            rows.push(
                                columns
                                    .iter()
                                    .map(|c| solution.get(c.as_str()).cloned().map(canonical))
                                    .collect(),
                            );
                        }
                        // Virtuoso sends its limit whenever a result reaches it, cut or not.
                        if let Some(limit) = limit.filter(|&l| rows.len() as u64 >= l) {
                            self.note(format!(
                                "the SPARQL endpoint {} stops every result at {limit} rows (its \
                                 result-size limit, e.g. Virtuoso's ResultSetMaxRows) and this one \
                                 has {limit}: it may be incomplete. Raise the server's limit, or \
                                 page with `limit`/`offset`",
                                self.url
                            ));
                        }
                        Ok(Answer::Table(Table { columns, rows }))
                    }
                }
            }
            Form::Graph => {
                let format = match response.content_type.as_deref() {
                    Some(t) if t.starts_with("text/turtle") => RdfFormat::Turtle,
                    _ => RdfFormat::NTriples,
                };
                let columns = ["subject", "predicate", "object"]
                    .map(String::from)
                    .to_vec();
                let mut rows = Vec::new();
                for triple in RdfParser::from_format(format).for_reader(response.body) {
                    let triple = triple.map_err(|e| self.read_error(e.to_string(), &malformed))?;
                    rows.push(vec![
                        Some(Term::from(triple.subject)),
                        Some(Term::from(triple.predicate)),
                        Some(triple.object),
                    ]);
                }
                Ok(Answer::Table(Table { columns, rows }))
            }
        }
    }

    /// A failure while reading an answer: the connection dropped, the time ran out, or the
    /// bytes are not what the server said they were.
    fn read_error(&self, message: String, malformed: &dyn Fn(String) -> Error) -> Error {
        let lower = message.to_ascii_lowercase();
        if lower.contains("timed out") || lower.contains("timeout") {
            Error::Endpoint {
                endpoint: self.url.clone(),
                message: format!(
                    "no complete answer within {} s (raise --timeout)",
                    self.client.timeout().as_secs()
                ),
            }
        } else if lower.contains("connection") || lower.contains("unexpected end") {
            Error::Endpoint {
                endpoint: self.url.clone(),
                message: format!("the connection broke while reading the answer: {message}"),
            }
        } else {
            malformed(message)
        }
    }

    /// Whether the endpoint holds this binary's bundled dataset. Nothing is written.
    pub(crate) fn bundled_state(&self) -> Result<Bundled> {
        let ask = |pattern: &str| -> Result<bool> {
            match self.run(
                &format!("ASK {{ GRAPH <{}> {{ {pattern} }} }}", vocab::BUNDLED_GRAPH),
                Form::Solutions,
            )? {
                Answer::Boolean(value) => Ok(value),
                Answer::Table(_) => Err(Error::Endpoint {
                    endpoint: self.url.clone(),
                    message: "answered an ASK query with rows".to_owned(),
                }),
            }
        };
        let graph = vocab::BUNDLED_GRAPH;
        let fingerprint = seed::fingerprint();
        if ask(&format!(
            "<{graph}> <{}> \"{fingerprint}\"",
            vocab::FINGERPRINT
        ))? {
            Ok(Bundled::Current)
        } else if ask(&format!("<{graph}> <{}> ?any", vocab::FINGERPRINT))? {
            Ok(Bundled::Other)
        } else {
            Ok(Bundled::Missing)
        }
    }

    /// Replaces the endpoint's bundled graph with this binary's bundled dataset. Returns the
    /// number of triples sent.
    pub fn seed(&self) -> Result<usize> {
        let triples = seed::bundled_triples()?;
        let graph = oxigraph::model::NamedNode::new_unchecked(vocab::BUNDLED_GRAPH);
        self.write_graph(&graph, &triples, Write::Replace)?;
        Ok(triples.len())
    }

    fn note(&self, note: String) {
        self.notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(note);
    }
}

/// What an endpoint's bundled graph holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bundled {
    /// This binary's bundled dataset.
    Current,
    /// Another version of it.
    Other,
    /// Nothing: the ontology and the curated data are not there.
    Missing,
}

/// What kind of answer a query gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// SELECT and ASK: SPARQL results.
    Solutions,
    /// CONSTRUCT and DESCRIBE: triples.
    Graph,
}

impl Form {
    fn of(query: &spargebra::Query) -> Self {
        match query {
            spargebra::Query::Select { .. } | spargebra::Query::Ask { .. } => Form::Solutions,
            spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. } => Form::Graph,
        }
    }
}

impl Backend for Endpoint {
    fn query(&self, sparql: &str) -> Result<Answer> {
        // Parse here first: syntax errors get a caret, updates are refused, and the server
        // sees only queries. The text is sent as written (with the predeclared prefixes), not
        // reprinted, so that it means on the server what it means here.
        let mut parser = spargebra::SparqlParser::new();
        for (prefix, namespace) in vocab::PREFIXES {
            parser = parser
                .with_prefix(*prefix, *namespace)
                .expect("the built-in prefixes are valid");
        }
        let parsed = parser
            .parse_query(sparql)
            .map_err(|e| super::query_syntax_error(sparql, &e.to_string()))?;
        let mut text = String::new();
        for (prefix, namespace) in vocab::PREFIXES {
            text.push_str(&format!("PREFIX {prefix}: <{namespace}>\n"));
        }
        text.push_str(sparql);
        self.run(&text, Form::of(&parsed))
    }

    fn evaluate(&self, query: &spargebra::Query) -> Result<Answer> {
        self.run(&crate::sparql::to_sparql(query), Form::of(query))
    }

    fn describe(&self) -> String {
        format!("the SPARQL endpoint {}", self.url)
    }

    fn is_internal_graph(&self, iri: &str) -> bool {
        // Virtuoso's: its RDF views schema, the LDP vocabulary it loads, and graphs named
        // after the server's own address (its service description, WebDAV).
        const VIRTUOSO: [&str; 2] = [
            "http://www.openlinksw.com/schemas/virtrdf#",
            "http://www.w3.org/ns/ldp#",
        ];
        VIRTUOSO.contains(&iri)
            || iri.starts_with(&self.origin)
            || self.loopback_origins.iter().any(|o| iri.starts_with(o))
    }

    fn take_notes(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .notes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

/// A term in the form the embedded store gives it. Virtuoso keeps booleans as integers and
/// answers `"1"^^xsd:boolean` for `true`: a valid but not the canonical form, which would
/// show as 1 and 0.
fn canonical(term: Term) -> Term {
    match &term {
        Term::Literal(literal) if literal.datatype() == oxigraph::model::vocab::xsd::BOOLEAN => {
            match literal.value() {
                "1" => Literal::from(true).into(),
                "0" => Literal::from(false).into(),
                _ => term,
            }
        }
        _ => term,
    }
}

/// Virtuoso's convention, the server this is tested on: the Graph Store endpoint that takes
/// authenticated writes sits beside `/sparql`. Other servers need `--graph-store`.
fn default_graph_store(url: &str) -> String {
    match url.strip_suffix("/sparql").or(url.strip_suffix("/sparql/")) {
        Some(base) => format!("{base}/sparql-graph-crud-auth"),
        None => format!("{}/data", url.trim_end_matches('/')),
    }
}

/// Reads everything from `reader` into a string, for error bodies (at most 64 KiB).
fn read_text(reader: impl Read) -> String {
    let mut bytes = Vec::new();
    let _ = reader.take(64 * 1024).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_store_url_follows_virtuosos_convention() {
        assert_eq!(
            default_graph_store("http://127.0.0.1:8890/sparql"),
            "http://127.0.0.1:8890/sparql-graph-crud-auth"
        );
        assert_eq!(
            default_graph_store("http://localhost:3030/ds/"),
            "http://localhost:3030/ds/data"
        );
    }

    #[test]
    fn booleans_come_back_in_canonical_form() {
        let boolean = |text: &str| -> Term {
            Literal::new_typed_literal(text, oxigraph::model::vocab::xsd::BOOLEAN).into()
        };
        assert_eq!(canonical(boolean("1")), Literal::from(true).into());
        assert_eq!(canonical(boolean("0")), Literal::from(false).into());
        assert_eq!(canonical(boolean("true")), boolean("true"));
        let one: Term = Literal::from(1).into();
        assert_eq!(canonical(one.clone()), one);
    }

    #[test]
    fn a_url_that_is_not_http_is_refused() {
        for url in [
            "ftp://example.org/sparql",
            "example.org/sparql",
            "http://",
            "",
        ] {
            let err = Endpoint::new(url, Options::default()).err().unwrap();
            assert!(err.to_string().contains("not an http"), "{url}: {err}");
        }
    }
}
