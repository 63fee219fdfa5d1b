//! `/sparql`: the SPARQL 1.1 Protocol, read-only. GET with `?query=`, POST form-encoded or as
//! `application/sparql-query`; results in the format the `Accept` header prefers; updates are
//! refused with 403, whichever way they come.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State as Shared};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{NamedOrBlankNode, Term, Triple, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

use super::cache::{Reply, Request};
use super::{State, negotiate, problem, status_of, work};
use crate::results::{Answer, Table};
use crate::vocab;

const UPDATE_REFUSED: &str = "this server is read-only: SPARQL updates are refused (data changes \
                              go through `treaty load`, `import` and `remove`)";

/// `GET /sparql?query=...`
pub async fn get(
    Shared(state): Shared<Arc<State>>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    run_params(state, params, &headers).await
}

/// `POST /sparql`, form-encoded (`query=...`) or with the query as the body.
pub async fn post(Shared(state): Shared<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "application/x-www-form-urlencoded" => {
            match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) {
                Ok(params) => run_params(state, params, &headers).await,
                Err(e) => problem(
                    StatusCode::BAD_REQUEST,
                    format!("the form in the request body cannot be read: {e}"),
                ),
            }
        }
        "application/sparql-query" => match String::from_utf8(body.to_vec()) {
            Ok(query) => run(state, query, &headers).await,
            Err(_) => problem(
                StatusCode::BAD_REQUEST,
                "the request body is not valid UTF-8",
            ),
        },
        "application/sparql-update" => problem(StatusCode::FORBIDDEN, UPDATE_REFUSED),
        other => problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "a query is sent as application/x-www-form-urlencoded (query=...) or as \
                 application/sparql-query, not as {}",
                if other.is_empty() {
                    "a body without a type"
                } else {
                    other
                }
            ),
        ),
    }
}

/// The protocol's parameters: one `query` (or an `update`, refused); no dataset parameters.
async fn run_params(
    state: Arc<State>,
    params: Vec<(String, String)>,
    headers: &HeaderMap,
) -> Response {
    let mut query = None;
    for (name, value) in params {
        match name.as_str() {
            "query" if query.is_some() => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "give one `query` parameter, not several",
                );
            }
            "query" => query = Some(value),
            "update" => return problem(StatusCode::FORBIDDEN, UPDATE_REFUSED),
            "default-graph-uri" | "named-graph-uri" => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "default-graph-uri and named-graph-uri are not supported: queries run over \
                     the union of all graphs; name graphs inside the query (FROM, GRAPH)",
                );
            }
            // Other parameters (a client's own, such as a cache buster) are left alone.
            _ => {}
        }
    }
    match query {
        Some(query) => run(state, query, headers).await,
        None => problem(
            StatusCode::BAD_REQUEST,
            "no query: send ?query=... (GET), a form with query=... or an \
             application/sparql-query body (POST)",
        ),
    }
}

/// Checks the query and the `Accept` header, runs the query under the deadline and writes
/// the answer.
async fn run(state: Arc<State>, query: String, headers: &HeaderMap) -> Response {
    let graph = match parse(&query) {
        Ok(graph) => graph,
        Err(response) => return response,
    };
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = if graph {
        negotiate::graph_format(accept).map(Format::Graph)
    } else {
        negotiate::results_format(accept).map(Format::Results)
    };
    let Some(format) = format else {
        return problem(
            StatusCode::NOT_ACCEPTABLE,
            if graph {
                "this query gives a graph: accept text/turtle, application/n-triples, \
                 application/ld+json, application/rdf+xml, application/n-quads or application/trig"
            } else {
                "this query gives results: accept application/sparql-results+json, \
                 application/sparql-results+xml, text/csv or text/tab-separated-values"
            },
        );
    };
    let media_type = match format {
        Format::Results(format) => format.media_type(),
        Format::Graph(format) => format.media_type(),
    };
    let request = Request::Sparql {
        query: query.clone(),
        media_type,
    };
    let done = work::run(&state, move |state, token| {
        state.cache().answer(state, token, request, || {
            let answer = state.with_backend(token, |backend| backend.query(&query));
            answer_in(answer, format, state.options().row_cap)
        })
    })
    .await;
    match done {
        Ok((answer, served)) => answer.into_response(served),
        Err(stopped) => problem(StatusCode::SERVICE_UNAVAILABLE, stopped.message()),
    }
}

/// The answer written in `format`, cut at `row_cap` rows (and saying so), or the error.
fn answer_in(answer: Result<Answer, crate::store::Error>, format: Format, row_cap: usize) -> Reply {
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            let error = crate::Error::from(error);
            return Reply::problem(status_of(&error), error.to_string());
        }
    };
    let (answer, total) = cap(answer, row_cap);
    let written = match format {
        Format::Results(format) => write_results(&answer, format).map(|b| (b, format.media_type())),
        Format::Graph(format) => write_graph(&answer, format).map(|b| (b, format.media_type())),
    };
    match written {
        Ok((body, media_type)) => Reply {
            status: StatusCode::OK,
            content_type: HeaderValue::from_static(media_type),
            truncated: total.and_then(|total| {
                let note = format!("{row_cap} of {total} rows (this server's --row-cap)");
                HeaderValue::from_str(&note).ok()
            }),
            body: Bytes::from(body),
        },
        Err(e) => Reply::problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the answer: {e}"),
        ),
    }
}

#[derive(Clone, Copy)]
enum Format {
    Results(QueryResultsFormat),
    Graph(RdfFormat),
}

/// True for a CONSTRUCT or DESCRIBE; a response for an update or a query that does not parse.
#[allow(clippy::result_large_err)]
fn parse(query: &str) -> Result<bool, Response> {
    let mut parser = spargebra::SparqlParser::new();
    for (prefix, namespace) in vocab::PREFIXES {
        parser = parser
            .with_prefix(*prefix, *namespace)
            .expect("the built-in prefixes are valid");
    }
    match parser.clone().parse_query(query) {
        Ok(spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. }) => Ok(true),
        Ok(_) => Ok(false),
        Err(_) if parser.clone().parse_update(query).is_ok() => {
            Err(problem(StatusCode::FORBIDDEN, UPDATE_REFUSED))
        }
        Err(e) => Err(problem(
            StatusCode::BAD_REQUEST,
            format!("the query does not parse: {e}"),
        )),
    }
}

/// The answer with at most `cap` rows, and the number it had when it had more.
pub(super) fn cap(answer: Answer, cap: usize) -> (Answer, Option<usize>) {
    match answer {
        Answer::Table(mut table) if table.rows.len() > cap => {
            let total = table.rows.len();
            table.rows.truncate(cap);
            (Answer::Table(table), Some(total))
        }
        answer => (answer, None),
    }
}

fn write_results(answer: &Answer, format: QueryResultsFormat) -> std::io::Result<Vec<u8>> {
    let serializer = QueryResultsSerializer::from_format(format);
    let mut out = Vec::new();
    match answer {
        Answer::Boolean(value) => {
            serializer.serialize_boolean_to_writer(&mut out, *value)?;
        }
        Answer::Table(table) => {
            let variables: Vec<Variable> = table
                .columns
                .iter()
                .map(|c| Variable::new_unchecked(c.clone()))
                .collect();
            let mut writer =
                serializer.serialize_solutions_to_writer(&mut out, variables.clone())?;
            for row in &table.rows {
                writer.serialize(
                    variables
                        .iter()
                        .zip(row)
                        .filter_map(|(v, term)| Some((v.as_ref(), term.as_ref()?.as_ref()))),
                )?;
            }
            writer.finish()?;
        }
    }
    Ok(out)
}

/// A graph answer (subject, predicate, object rows) in an RDF format.
fn write_graph(answer: &Answer, format: RdfFormat) -> std::io::Result<Vec<u8>> {
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, namespace) in vocab::PREFIXES {
        serializer = serializer
            .with_prefix(*prefix, *namespace)
            .expect("the built-in prefixes are valid");
    }
    let mut writer = serializer.for_writer(Vec::new());
    if let Answer::Table(Table { rows, .. }) = answer {
        for row in rows {
            if let Some(triple) = triple(row) {
                writer.serialize_triple(&triple)?;
            }
        }
    }
    writer.finish()
}

fn triple(row: &[Option<Term>]) -> Option<Triple> {
    let [
        Some(subject),
        Some(Term::NamedNode(predicate)),
        Some(object),
    ] = row
    else {
        return None;
    };
    let subject = match subject {
        Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
        Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
        _ => return None,
    };
    Some(Triple::new(subject, predicate.clone(), object.clone()))
}
