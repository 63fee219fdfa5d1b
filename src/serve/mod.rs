//! `treaty serve`: a read-only HTTP server over a store or an endpoint (docs/serve.md).
//!
//! - `/sparql`: the SPARQL 1.1 Protocol (`sparql.rs`, with content negotiation in
//!   `negotiate.rs`); updates are refused.
//! - `/api/...`: TQL in, JSON out; completion, the schema, entity dossiers, the gallery
//!   (`api.rs`, `entity.rs`); reports with parameters (`report.rs`); on request, each
//!   result's chart as SVG with its marks linked to entity pages (`chart.rs`).
//! - `/` and `/entity/...`: the page, whose files are compiled into the binary (`page.rs`).
//!
//! The HTTP stack is axum on tokio. Queries are blocking work (Oxigraph evaluates on the
//! calling thread), so each runs on tokio's blocking pool under a deadline (`work.rs`): at the
//! deadline its cancellation token is cancelled, the client hears so, and other clients are
//! not held up. A store is read through its snapshots (`store::Access::Read`), so loads by
//! other processes never block the server; it moves to a new snapshot between requests.
//! Answers are kept in a cache keyed by the request and the snapshot (`cache.rs`).

mod api;
mod cache;
mod chart;
mod entity;
mod negotiate;
mod page;
mod report;
mod sparql;
mod state;
mod work;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::{Error, Result};
use crate::store::Target;
pub(crate) use state::State;

/// How the server runs; the defaults are those of `treaty serve` without options.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// How long one request's queries may run before they are stopped.
    pub timeout: Duration,
    /// At most this many rows per result; the answer says when it was cut.
    pub row_cap: usize,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Answer cross-origin requests from any page (`Access-Control-Allow-Origin: *`).
    pub cors: bool,
    /// Report files offered besides the bundled examples, as (file name, text): the caller
    /// reads them, and requests name them by file name without `.tq`, never by path.
    pub reports: Vec<(String, String)>,
    /// At most this many bytes of answers are kept in the answer cache; 0 turns it off (it is
    /// always off in front of an endpoint).
    pub cache_bytes: usize,
}

/// The answer cache's default bound, in megabytes.
pub const DEFAULT_CACHE_MB: usize = 64;

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 7878,
            timeout: Duration::from_secs(10),
            row_cap: 10_000,
            body_limit: 256 * 1024,
            cors: false,
            reports: Vec::new(),
            cache_bytes: DEFAULT_CACHE_MB << 20,
        }
    }
}

/// Serves `target` until `shutdown` completes (Ctrl-C for the command line), then lets the
/// requests in flight finish. `ready` hears the address once the server listens; the library
/// prints nothing itself.
pub fn serve(
    target: Target,
    options: Options,
    ready: impl FnOnce(SocketAddr) + Send + 'static,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        // Queries run here; a bound keeps a flood of slow queries from starting a thread each.
        .max_blocking_threads(64)
        .build()
        .map_err(|e| server_error(format!("cannot start the server's runtime: {e}")))?;
    runtime.block_on(async move {
        let address = SocketAddr::new(options.bind, options.port);
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| server_error(format!("cannot listen on {address}: {e}")))?;
        let local = listener
            .local_addr()
            .map_err(|e| server_error(format!("cannot listen on {address}: {e}")))?;
        let state = Arc::new(State::new(target, options).await?);
        // Signal handlers are installed when the shutdown future is first polled: poll it once
        // before telling anyone that the server listens, or a Ctrl-C soon after would find the
        // default handler and kill the process instead of stopping it.
        let mut shutdown = Box::pin(shutdown);
        let stopped = std::future::poll_fn(|cx| {
            std::task::Poll::Ready(shutdown.as_mut().poll(cx).is_ready())
        })
        .await;
        ready(local);
        let shutdown = async move {
            if !stopped {
                shutdown.await;
            }
        };
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| server_error(format!("the server stopped: {e}")))
    })
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what service managers send).
pub async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    // Whichever comes first (tokio's `select!` would need its macros for this one place).
    let (mut interrupt, mut terminate) = (std::pin::pin!(interrupt), std::pin::pin!(terminate));
    std::future::poll_fn(|cx| {
        if interrupt.as_mut().poll(cx).is_ready() || terminate.as_mut().poll(cx).is_ready() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}

/// Every route, with the limits and the CORS policy of `state`'s options.
pub(crate) fn router(state: Arc<State>) -> Router {
    let cors = state.options().cors;
    let body_limit = state.options().body_limit;
    let router = Router::new()
        .route("/", get(page::index))
        .route("/entity/{*path}", get(page::index))
        .route("/assets/{file}", get(page::asset))
        .route("/sparql", get(sparql::get).post(sparql::post))
        .route("/api/query", get(api::query_get).post(api::query_post))
        .route("/api/complete", get(api::complete))
        .route("/api/schema", get(api::schema))
        .route("/api/gallery", get(api::gallery))
        .route("/api/reports", get(report::list))
        .route("/api/report/{id}", get(report::run))
        .route("/api/entity", get(entity::by_iri))
        .route("/api/entity/{*path}", get(entity::by_path))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state);
    if cors {
        router.layer(axum::middleware::map_response(allow_any_origin))
    } else {
        router
    }
}

/// `--cors`: every answer may be read by a page from another origin. Preflight requests
/// need no answer of their own: the routes accept only simple methods and headers.
async fn allow_any_origin(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    response
}

async fn not_found(method: Method) -> Response {
    let message = if method == Method::GET || method == Method::POST {
        "no such page; the page is at /, the SPARQL endpoint at /sparql, the JSON API under /api/"
    } else {
        "this server answers GET and POST only"
    };
    problem(StatusCode::NOT_FOUND, message)
}

/// A plain-text answer to a request that cannot be served.
pub(crate) fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    let mut text = message.into();
    text.push('\n');
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn server_error(message: String) -> Error {
    Error::Unsupported(message)
}

/// The HTTP status for an error: the client's fault (4xx) for a query that does not parse or
/// compile, an update, a bad parameter; a bad gateway for an endpoint that failed; else 500.
pub(crate) fn status_of(error: &Error) -> StatusCode {
    use crate::store::Error as Store;
    match error {
        Error::Tql { .. } | Error::Usage(_) | Error::Report { .. } => StatusCode::BAD_REQUEST,
        Error::Store(Store::QuerySyntax { .. } | Store::EndpointQuery { .. }) => {
            StatusCode::BAD_REQUEST
        }
        Error::Store(Store::UpdateRefused) => StatusCode::FORBIDDEN,
        Error::Store(Store::Cancelled) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Store(Store::Endpoint { .. }) => StatusCode::BAD_GATEWAY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
