//! The page: one HTML file, its script and its style sheet, compiled into the binary (no
//! file is read at run time, and no request names a file: assets are looked up by name in a
//! fixed table). `/entity/...` serves the same page, which reads its path and shows the
//! dossier.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::problem;

const INDEX: &str = include_str!("assets/index.html");

/// The assets by name, with their media types.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("assets/style.css"),
    ),
];

/// `/` and `/entity/...`: the page.
pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// `/assets/NAME`
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, media_type, body)) => (
            [
                (header::CONTENT_TYPE, *media_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *body,
        )
            .into_response(),
        None => problem(StatusCode::NOT_FOUND, format!("no asset named {name}")),
    }
}
