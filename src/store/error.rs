//! The store layer's errors: opening and locking a store, reading and writing it, running a
//! query on it or on an endpoint. The layers above wrap them in [`crate::Error`], which also
//! maps every kind to its exit code; nothing here knows about TQL.

use std::path::PathBuf;

/// Everything that can go wrong in the store layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process is writing to the store (readers never hold it).
    #[error(
        "the store {} is in use by another treaty process that writes to it (a load, import or \
         remove); try again when it has finished, or use --memory or another --store",
        path.display()
    )]
    StoreLocked { path: PathBuf },

    /// The directory exists but is not a treaty store, so we refuse to write into it.
    #[error(
        "{} is not a treaty store (it is not empty and has no treaty.lock); choose an empty or new directory",
        path.display()
    )]
    NotAStore { path: PathBuf },

    /// A read-only open of a store that was never created.
    #[error("the store {} does not exist yet; run once without --read-only to create it", path.display())]
    NoSuchStore { path: PathBuf },

    /// A read-only open of a store that has no snapshot for readers yet (a store made by a
    /// treaty from before snapshots, never opened since).
    #[error(
        "the store {} has no snapshot for readers yet; run once without --read-only to make one",
        path.display()
    )]
    NoSnapshot { path: PathBuf },

    /// The storage engine failed to open the store.
    #[error("cannot open the store {}: {source}", path.display())]
    StoreOpen {
        path: PathBuf,
        source: oxigraph::store::StorageError,
    },

    /// The storage engine failed while reading or writing.
    #[error("storage error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),

    /// The store was opened read-only and the command needs to write.
    #[error("the store was opened with --read-only; this command writes to it")]
    ReadOnly,

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A graph named for removal that holds nothing.
    #[error("the store holds no graph <{graph}>; `treaty stats` lists the graphs it holds")]
    NoSuchGraph { graph: String },

    /// The data compiled into the binary does not parse: a build that should not have passed.
    #[error("bundled data {file}: {message}")]
    Bundled { file: String, message: String },

    /// A SPARQL query that does not parse. Line and column count from 1.
    #[error("{message}")]
    QuerySyntax {
        query: String,
        line: Option<u64>,
        column: Option<u64>,
        message: String,
    },

    /// A SPARQL update (INSERT, DELETE, DROP...) where only queries run: a query error, with
    /// advice on the command that makes the change.
    #[error(
        "this is a SPARQL update; treaty runs queries only (SELECT, ASK, CONSTRUCT, DESCRIBE). To add \
         data, use `treaty load`; to take a loaded file or an import out, `treaty remove`"
    )]
    UpdateRefused,

    /// A SPARQL query that failed while running.
    #[error("query failed: {0}")]
    QueryEvaluation(String),

    /// A query stopped before its end because its cancellation token was cancelled (Ctrl-C in
    /// the interactive shell).
    #[error("the query was stopped")]
    Cancelled,

    /// The user asked for something the store cannot do (an update, a one-graph format for
    /// several graphs...).
    #[error("{0}")]
    Unsupported(String),

    /// Options that cannot go together, or a setting given half (exit 1, like a usage error).
    #[error("{0}")]
    Options(String),

    /// A SPARQL endpoint could not be reached, timed out, failed, or sent something that is
    /// not a SPARQL result. `message` says which, with the server's own words when it sent any.
    #[error("SPARQL endpoint {endpoint}: {message}")]
    Endpoint { endpoint: String, message: String },

    /// A SPARQL endpoint refused a query as malformed or unsupported (HTTP 400): a query error.
    #[error("SPARQL endpoint {endpoint} refused the query: {message}")]
    EndpointQuery { endpoint: String, message: String },
}

/// The store layer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
