//! `/api/reports` and `/api/report/ID`: the reports this server was started with, run with
//! parameters from the request. The example reports of `queries/reports/` are compiled into
//! the binary; `treaty serve --report FILE` adds files, read once at start-up. A request names
//! a report by its ID (the file name without `.tq`) and never by a path, so no file name from
//! a request reaches the file system.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Shared};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::cache::{Reply, Request};
use super::{State, api::error_json, problem, status_of, work};
use crate::error::{Error, Result};
use crate::report::{self, Format, syntax::Report};

include!(concat!(env!("OUT_DIR"), "/reports.rs"));

/// A report the server offers.
pub(crate) struct Served {
    /// What requests call it: the file name without `.tq`.
    pub id: String,
    pub report: Arc<Report>,
}

/// The bundled reports, then `files` (file name, text) in the order given; a file that does
/// not parse, or two reports with one ID, stop the server from starting.
pub(crate) fn catalogue(files: &[(String, String)]) -> Result<Vec<Served>> {
    let bundled = REPORTS
        .iter()
        .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()));
    let mut served: Vec<Served> = Vec::new();
    for (file, text) in bundled.chain(files.iter().cloned()) {
        let name = std::path::Path::new(&file);
        let id = name
            .file_stem()
            .map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned());
        if served.iter().any(|s| s.id == id) {
            return Err(Error::Usage(format!(
                "two reports are called `{id}` (the example reports of the binary and the \
                 --report files must have different file names)"
            )));
        }
        let report = report::syntax::parse(&file, &text)?;
        served.push(Served {
            id,
            report: Arc::new(report),
        });
    }
    Ok(served)
}

/// `GET /api/reports`: each report's ID, title and parameters (with their defaults).
pub async fn list(Shared(state): Shared<Arc<State>>) -> Response {
    let reports: Vec<Value> = state
        .reports()
        .iter()
        .map(|served| {
            let params: Vec<Value> = served
                .report
                .params
                .iter()
                .map(|p| json!({ "name": p.name, "default": p.default }))
                .collect();
            json!({
                "id": served.id,
                "title": served.report.title,
                "params": params,
                "href": format!("/api/report/{}", served.id),
            })
        })
        .collect();
    Json(json!({ "reports": reports })).into_response()
}

/// `GET /api/report/ID?$NAME=VALUE&format=FORMAT`: runs the report with these parameters
/// (the others keep their defaults) and answers with it as JSON (the default), HTML or
/// Markdown, as `treaty run --format` writes it.
pub async fn run(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(served) = state.reports().iter().find(|s| s.id == id) else {
        let known: Vec<&str> = state.reports().iter().map(|s| s.id.as_str()).collect();
        return problem(
            StatusCode::NOT_FOUND,
            format!(
                "no report is called `{id}`; this server has: {}",
                known.join(", ")
            ),
        );
    };
    let report = served.report.clone();
    let (format, media, format_name) = match query.get("format").map(String::as_str) {
        None | Some("json") => (Format::Json, "application/json", "json"),
        Some("html") => (Format::Html, "text/html; charset=utf-8", "html"),
        Some("md" | "markdown") => (Format::Markdown, "text/markdown; charset=utf-8", "md"),
        Some(other) => {
            return problem(
                StatusCode::BAD_REQUEST,
                format!("unknown report format `{other}`: use json, html or md"),
            );
        }
    };
    let mut params = Vec::new();
    for (key, value) in &query {
        let Some(name) = key.strip_prefix('$') else {
            if key == "format" {
                continue;
            }
            return problem(
                StatusCode::BAD_REQUEST,
                format!("unknown request parameter `{key}`: report parameters are `$NAME=VALUE`"),
            );
        };
        if !report.params.iter().any(|p| p.name == name) {
            let declared: Vec<String> = report
                .params
                .iter()
                .map(|p| format!("${}", p.name))
                .collect();
            return problem(
                StatusCode::BAD_REQUEST,
                format!(
                    "the report `{id}` has no parameter `{name}`; it has: {}",
                    if declared.is_empty() {
                        "none".to_owned()
                    } else {
                        declared.join(", ")
                    }
                ),
            );
        }
        // An empty form field means "the default", as a browser sends every field.
        if !value.trim().is_empty() {
            params.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    if let Some(missing) = report
        .params
        .iter()
        .find(|p| p.default.is_none() && !params.iter().any(|(n, _)| *n == p.name))
    {
        return problem(
            StatusCode::BAD_REQUEST,
            format!(
                "the report `{id}` needs a value for `{0}` (`${0}=VALUE`)",
                missing.name
            ),
        );
    }
    let options = report::Options {
        params,
        bail: false,
        run_date: crate::clock::utc_now(),
    };
    let request = Request::Report {
        id,
        params: options.params.clone(),
        format: format_name,
    };
    let done = work::run(&state, move |state, token| {
        state.cache().answer(state, token, request, || {
            let rendered = state
                .with_backend(token, |backend| report::run(backend, &report, &options))
                .and_then(|run| {
                    if format == Format::Html {
                        // Served here, a chart's marks can link to this server's entity pages.
                        let known = state.known()?;
                        let links = |term: &_| super::chart::link(term, &known.names);
                        return Ok(report::render_html_linked(&run, &links));
                    }
                    report::render(&run, format)
                });
            match rendered {
                Ok(text) => Reply {
                    status: StatusCode::OK,
                    content_type: HeaderValue::from_static(media),
                    truncated: None,
                    body: Bytes::from(text),
                },
                Err(error) => {
                    Reply::json(status_of(&error), &json!({ "error": error_json(&error) }))
                }
            }
        })
    })
    .await;
    match done {
        Ok((answer, served)) => answer.into_response(served),
        Err(stopped) => problem(StatusCode::SERVICE_UNAVAILABLE, stopped.message()),
    }
}
