//! `/api/...`: TQL in, JSON out (`query`), completion at a cursor (`complete`), the schema
//! and the example gallery. Entity dossiers are in `entity.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use oxigraph::model::Term;
use serde::Deserialize;
use serde_json::{Value, json};

use super::cache::{Reply, Request};
use super::{State, entity, status_of, work};
use crate::error::Error;
use crate::lang::ast::Span;
use crate::repl::complete::{self, Known};
use crate::results::Answer;
use crate::schema::{NameIndex, ValueKind};
use crate::session::{Outcome, Session};
use crate::store::CancellationToken;

include!(concat!(env!("OUT_DIR"), "/gallery.rs"));

/// `GET /api/query?q=TQL` (parameters as `$NAME=VALUE`; `chart=1` adds the charts).
#[derive(Deserialize)]
pub(crate) struct QueryParams {
    q: String,
    chart: Option<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

/// `POST /api/query` with `{"query": "...", "params": {"NAME": "VALUE"}, "chart": true}`.
#[derive(Deserialize)]
pub(crate) struct QueryBody {
    query: String,
    #[serde(default)]
    params: BTreeMap<String, String>,
    /// Add to each result the chart an HTML report would draw for it, as SVG (`chart.rs`).
    #[serde(default)]
    chart: bool,
}

pub(crate) async fn query_get(
    Shared(state): Shared<Arc<State>>,
    Query(params): Query<QueryParams>,
) -> Response {
    let bound = params
        .rest
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix('$')?.to_owned(), v)))
        .collect();
    let chart = params
        .chart
        .is_some_and(|c| matches!(c.as_str(), "1" | "true" | "yes"));
    run_tql(state, params.q, bound, chart).await
}

pub(crate) async fn query_post(
    Shared(state): Shared<Arc<State>>,
    Json(body): Json<QueryBody>,
) -> Response {
    run_tql(
        state,
        body.query,
        body.params.into_iter().collect(),
        body.chart,
    )
    .await
}

/// The results of the statements that ran, and the error that stopped them with its status.
type Ran = (Vec<Value>, Option<Value>, Option<StatusCode>);

/// Runs every statement of `text`, stopping at the first that fails, and answers with the
/// results so far and the error (with its span, so the page can underline it).
async fn run_tql(
    state: Arc<State>,
    text: String,
    mut params: Vec<(String, String)>,
    chart: bool,
) -> Response {
    params.sort();
    let request = Request::Tql {
        text: text.clone(),
        params: params.clone(),
        chart,
    };
    let done = work::run(&state, move |state, token| {
        state.cache().answer(state, token, request, || {
            tql_answer(state, token, &text, &params, chart)
        })
    })
    .await;
    match done {
        Ok((answer, served)) => answer.into_response(served),
        Err(stopped) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "results": [], "error": { "message": stopped.message() } })),
        )
            .into_response(),
    }
}

/// The answer to `/api/query`: every statement's result up to the first error.
fn tql_answer(
    state: &State,
    token: &CancellationToken,
    text: &str,
    params: &[(String, String)],
    chart: bool,
) -> Reply {
    let row_cap = state.options().row_cap;
    let ran = (|| -> Result<Ran, Error> {
        let known = state.known()?;
        state.with_backend(token, |backend| {
            let mut session =
                Session::with_known(backend, known.schema.clone(), known.names.clone());
            session.bind(params);
            let mut results = Vec::new();
            let runner = match session.run_script("query", text) {
                Ok(runner) => runner,
                Err(error) => {
                    return Ok((results, Some(error_json(&error)), Some(status_of(&error))));
                }
            };
            for outcome in runner {
                if let Err(error) = &outcome.result {
                    let status = status_of(error);
                    return Ok((results, Some(error_json(error)), Some(status)));
                }
                let mut result = outcome_json(&outcome, text, &known.names, row_cap);
                if chart {
                    add_chart(&mut result, &outcome, &known.names, row_cap);
                }
                results.push(result);
            }
            Ok((results, None, None))
        })
    })();
    match ran {
        Ok((results, error, status)) => Reply::json(
            status.unwrap_or(StatusCode::OK),
            &object([
                ("results", Value::Array(results)),
                ("error", error.unwrap_or(Value::Null)),
            ]),
        ),
        Err(error) => Reply::json(
            status_of(&error),
            &json!({ "results": [], "error": error_json(&error) }),
        ),
    }
}

/// One statement's result: what it was, its columns and rows (capped), the SPARQL it ran as,
/// notes about the answer.
fn outcome_json(outcome: &Outcome, text: &str, names: &NameIndex, row_cap: usize) -> Value {
    let mut value = json!({
        "statement": outcome.text,
        "heading": outcome.heading(),
        "span": span_json(&outcome.span, text),
        "sparql": outcome.explain(),
        "notes": outcome.notes(),
        "elapsed_ms": outcome.elapsed.as_secs_f64() * 1000.0,
    });
    if let Some(name) = outcome.defined() {
        value["defined"] = json!(name);
    }
    match outcome.answer() {
        Some(Answer::Boolean(b)) => value["boolean"] = json!(b),
        Some(Answer::Table(table)) => {
            let total = table.rows.len();
            let rows: Vec<Value> = table
                .rows
                .iter()
                .take(row_cap)
                .map(|row| Value::Array(row.iter().map(|c| cell_json(c.as_ref(), names)).collect()))
                .collect();
            value["columns"] = json!(table.columns);
            value["rows"] = Value::Array(rows);
            value["total_rows"] = json!(total);
            value["truncated"] = json!(total > row_cap);
        }
        None => {}
    }
    value
}

/// `result["chart"]`: the chart of the outcome's first table (see `chart.rs`).
fn add_chart(result: &mut Value, outcome: &Outcome, names: &NameIndex, row_cap: usize) {
    if let Some((title, Answer::Table(table))) = outcome.tables().first().copied()
        && let Some(chart) = super::chart::json(title, table, row_cap, names)
    {
        result["chart"] = chart;
    }
}

/// A cell: its text, the kind of value (for sorting), and links to the entity pages of the
/// names it holds (a list cell's names are separated by `; `).
fn cell_json(term: Option<&Term>, names: &NameIndex) -> Value {
    let Some(term) = term else {
        return Value::Null;
    };
    let (text, kind) = match term {
        Term::NamedNode(n) => (n.as_str().to_owned(), "iri"),
        Term::BlankNode(b) => (b.to_string(), "text"),
        Term::Literal(l) => {
            let datatype = l.datatype().as_str();
            let kind = match datatype.strip_prefix(crate::vocab::XSD) {
                Some("integer" | "decimal" | "double" | "float" | "int" | "long") => "number",
                Some("date" | "dateTime" | "gYear") => "date",
                Some("boolean") => "boolean",
                _ => "text",
            };
            (l.value().to_owned(), kind)
        }
    };
    let mut links = Vec::new();
    if let Term::NamedNode(n) = term {
        links.push(json!({ "label": n.as_str(), "href": entity::href(n.as_str()) }));
    } else if kind == "text" {
        let whole = [text.as_str()];
        let parts: Vec<&str> = if text.contains("; ") && names.lookup(&text, &[]).is_empty() {
            text.split("; ").collect()
        } else {
            whole.to_vec()
        };
        for part in parts {
            if let [one] = &names.lookup(part, &[])[..]
                && let Some(href) = entity::page(one.iri.as_str())
            {
                links.push(json!({ "label": part, "href": href }));
            }
        }
    }
    object([
        ("text", Value::String(text)),
        ("kind", Value::from(kind)),
        ("links", Value::Array(links)),
    ])
}

/// A JSON object of values moved in. (`json!` would copy each value it is given: the rows of
/// an answer, once more for each level of the answer they sit in.)
pub(super) fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// An error as the page shows it: the message, and for a TQL error its span (bytes and UTF-16
/// units, for JavaScript), the label at the caret, the help, and the plain-text rendering.
pub(super) fn error_json(error: &Error) -> Value {
    match error {
        Error::Tql {
            diagnostic,
            text: source,
            ..
        } => json!({
            "message": diagnostic.message,
            "label": diagnostic.label,
            "help": diagnostic.help,
            "span": span_json(&diagnostic.span, source),
            "rendered": error.render(false),
        }),
        other => json!({ "message": other.to_string() }),
    }
}

fn span_json(span: &Span, text: &str) -> Value {
    let utf16 = |byte: usize| {
        text.get(..byte.min(text.len()))
            .map_or(0, |prefix| prefix.encode_utf16().count())
    };
    json!({
        "start": span.start,
        "end": span.end,
        "line": span.line,
        "column": span.column,
        "start_utf16": utf16(span.start),
        "end_utf16": utf16(span.end),
    })
}

/// `GET /api/complete?q=TEXT&cursor=N`, the cursor in UTF-16 units as a browser counts.
#[derive(Deserialize)]
pub(crate) struct CompleteParams {
    q: String,
    cursor: Option<usize>,
}

pub async fn complete(
    Shared(state): Shared<Arc<State>>,
    Query(params): Query<CompleteParams>,
) -> Response {
    let done = work::run(&state, move |state, _| {
        let known = state.known()?;
        let text = params.q;
        // From UTF-16 units to a byte offset on a character boundary.
        let cursor = params.cursor.map_or(text.len(), |units| {
            let mut seen = 0;
            text.char_indices()
                .find(|(_, c)| {
                    let here = seen >= units;
                    seen += c.len_utf16();
                    here
                })
                .map_or(text.len(), |(i, _)| i)
        });
        let completion = complete::complete(
            &text,
            cursor,
            &Known {
                schema: &known.schema,
                names: &known.names,
                lets: &[],
                params: &[],
            },
        );
        let start = text[..completion.start.min(text.len())]
            .encode_utf16()
            .count();
        let candidates: Vec<Value> = completion
            .candidates
            .iter()
            .take(200)
            .map(|c| json!({ "display": c.display, "replacement": c.replacement }))
            .collect();
        Ok::<_, Error>(json!({ "start_utf16": start, "candidates": candidates }))
    })
    .await;
    json_or_error(done)
}

/// `GET /api/schema`: the entity sets, each with its fields.
pub async fn schema(Shared(state): Shared<Arc<State>>) -> Response {
    let done = work::run(&state, |state, _| {
        let known = state.known()?;
        let schema = &known.schema;
        let sets: Vec<Value> = schema
            .sets
            .iter()
            .map(|set| {
                let fields: Vec<Value> = schema
                    .fields_of(set)
                    .map(|f| {
                        json!({
                            "name": f.name,
                            "kind": kind_name(&f.kind),
                            "single": f.single,
                            "description": f.description,
                        })
                    })
                    .collect();
                json!({
                    "plural": set.plural,
                    "singular": set.singular,
                    "description": set.description,
                    "default_fields": set.default_fields,
                    "fields": fields,
                })
            })
            .collect();
        Ok::<_, Error>(json!({ "sets": sets, "keywords": crate::lang::grammar::KEYWORDS }))
    })
    .await;
    json_or_error(done)
}

fn kind_name(kind: &ValueKind) -> &'static str {
    match kind {
        ValueKind::Date => "date",
        ValueKind::Text => "text",
        ValueKind::Boolean => "boolean",
        ValueKind::Number => "number",
        ValueKind::Entity(_) => "entity",
        ValueKind::Concept(_) => "concept",
        ValueKind::Resource => "resource",
    }
}

/// `GET /api/gallery`: the example queries of `queries/`, compiled into the binary.
pub async fn gallery() -> Response {
    let entries: Vec<Value> = GALLERY
        .iter()
        .map(|(file, text)| {
            // The first comment lines say what the query asks.
            let title: Vec<&str> = text
                .lines()
                .map_while(|l| l.strip_prefix("--"))
                .map(str::trim)
                .collect();
            json!({ "file": file, "title": title.join(" "), "text": text })
        })
        .collect();
    Json(json!({ "queries": entries })).into_response()
}

/// A JSON value, or the error that stopped it, as an answer (without the deadline's case).
pub(super) fn json_answer(done: Result<Value, Error>) -> Reply {
    match done {
        Ok(value) => Reply::json(StatusCode::OK, &value),
        Err(error) => Reply::json(status_of(&error), &json!({ "error": error_json(&error) })),
    }
}

pub(super) fn json_or_error(done: Result<Result<Value, Error>, super::work::Stopped>) -> Response {
    match done {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(error)) => (
            status_of(&error),
            Json(json!({ "error": error_json(&error) })),
        )
            .into_response(),
        Err(stopped) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "error": { "message": stopped.message() } })),
        )
            .into_response(),
    }
}
