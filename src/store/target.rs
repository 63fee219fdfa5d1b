//! `Target`: what a command works on, the embedded store or a SPARQL endpoint, and the one
//! place that decides which from the command line's options (`Target::open`).

use std::path::PathBuf;
use std::time::Duration;

use super::error::{Error, Result};
use super::remote::{self, Bundled, Credentials, Endpoint};
use super::{Access, Backend, Location, SeedOutcome, Store};

/// Where a command's queries and data go: the embedded store, or a SPARQL endpoint.
pub enum Target {
    /// The embedded Oxigraph store.
    Store(Store),
    /// A remote SPARQL 1.1 server.
    Endpoint(remote::Endpoint),
}

/// What the command line says about the target.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// `--endpoint URL` (or `TREATY_ENDPOINT`): a SPARQL server instead of the local store.
    pub endpoint: Option<String>,
    /// `--memory`: a throw-away store seeded with the bundled data.
    pub memory: bool,
    /// `--store DIR` (or `TREATY_STORE`); the platform's data directory when absent.
    pub store: Option<PathBuf>,
    /// `--read-only`.
    pub read_only: bool,
    /// How long one request to an endpoint may take.
    pub timeout: Duration,
    /// `--graph-store URL`, where an endpoint takes writes.
    pub graph_store: Option<String>,
    /// True when the command writes (load, import): refused with `--read-only`.
    pub writes: bool,
    /// True for the command that puts the bundled dataset on an endpoint (`load`): the
    /// endpoint need not hold it yet.
    pub seeds_endpoint: bool,
}

/// An opened target and what the user should hear about opening it (a store created or
/// updated, an endpoint with another version of the bundled data).
pub struct Opened {
    /// The store or the endpoint.
    pub target: Target,
    /// One line each, for standard error.
    pub notices: Vec<String>,
}

impl Target {
    /// Opens the endpoint named by `options` (checked to hold the bundled dataset, unless the
    /// command is the one that puts it there), else the local store (created and seeded when
    /// new). Endpoint credentials come from `TREATY_ENDPOINT_USER` and
    /// `TREATY_ENDPOINT_PASSWORD`, never from arguments, which other users can read in `ps`.
    pub fn open(options: &OpenOptions) -> Result<Opened> {
        if options.read_only && options.writes {
            return Err(Error::ReadOnly);
        }
        let Some(url) = &options.endpoint else {
            // Only the commands that write take the write lock; every other one reads a
            // snapshot, so readers never wait for a writer nor keep one out.
            let access = match (options.writes, options.read_only) {
                (true, _) => Access::Write,
                (false, true) => Access::ReadOnly,
                (false, false) => Access::Read,
            };
            let store = Store::open_with(&location(options)?, access)?;
            let notices = seed_notice(&store).into_iter().collect();
            return Ok(Opened {
                target: Target::Store(store),
                notices,
            });
        };
        if options.memory {
            return Err(Error::Options(
                "--memory and --endpoint (or TREATY_ENDPOINT) exclude each other: choose the \
                 in-memory store or the server"
                    .to_owned(),
            ));
        }
        let endpoint = Endpoint::new(
            url,
            remote::Options {
                timeout: options.timeout,
                graph_store: options.graph_store.clone(),
                credentials: credentials_from_env()?,
            },
        )?;
        let mut notices = Vec::new();
        if !options.seeds_endpoint {
            match endpoint.bundled_state()? {
                Bundled::Current => {}
                Bundled::Other => notices.push(format!(
                    "note: {url} holds another version of the bundled dataset; \
                     `treaty --endpoint {url} load --bundled` replaces it with this one"
                )),
                Bundled::Missing => {
                    return Err(Error::Unsupported(format!(
                        "{url} does not hold the treaty ontology and bundled dataset; put them \
                         there with `treaty --endpoint {url} load --bundled`"
                    )));
                }
            }
        }
        Ok(Opened {
            target: Target::Endpoint(endpoint),
            notices,
        })
    }

    /// The target as a query backend.
    pub fn backend(&self) -> &dyn Backend {
        match self {
            Target::Store(store) => store,
            Target::Endpoint(endpoint) => endpoint,
        }
    }

    /// The embedded store, when that is the target.
    pub fn store(&self) -> Option<&Store> {
        match self {
            Target::Store(store) => Some(store),
            Target::Endpoint(_) => None,
        }
    }

    /// The embedded store, for `export`: an endpoint is refused, since servers have their
    /// own dump tools.
    pub fn store_to_export(&self) -> Result<&Store> {
        self.store().ok_or_else(|| {
            Error::Unsupported(
                "export reads the local store; to copy data out of a SPARQL server, use the \
                 server's own dump tools"
                    .to_owned(),
            )
        })
    }

    /// True when the target is a throw-away in-memory store.
    pub fn is_memory(&self) -> bool {
        self.store()
            .is_some_and(|store| *store.location() == Location::Memory)
    }
}

/// `--memory`, else `--store` (or `TREATY_STORE`), else the platform data directory.
fn location(options: &OpenOptions) -> Result<Location> {
    if options.memory {
        return Ok(Location::Memory);
    }
    match &options.store {
        Some(dir) => Ok(Location::Dir(dir.clone())),
        None => super::default_dir().map(Location::Dir).ok_or_else(|| {
            Error::Options(
                "no data directory on this platform; pass --store DIR or --memory".into(),
            )
        }),
    }
}

/// Both of `TREATY_ENDPOINT_USER` and `TREATY_ENDPOINT_PASSWORD`, or neither.
fn credentials_from_env() -> Result<Option<Credentials>> {
    match (
        std::env::var("TREATY_ENDPOINT_USER"),
        std::env::var("TREATY_ENDPOINT_PASSWORD"),
    ) {
        (Ok(user), Ok(password)) => Ok(Some(Credentials { user, password })),
        (Ok(_), Err(_)) | (Err(_), Ok(_)) => Err(Error::Options(
            "set both TREATY_ENDPOINT_USER and TREATY_ENDPOINT_PASSWORD, or neither".to_owned(),
        )),
        _ => Ok(None),
    }
}

/// What a user should know about the bundled data of a store on disk just opened.
fn seed_notice(store: &Store) -> Option<String> {
    let Location::Dir(dir) = store.location() else {
        return None;
    };
    match store.seed_outcome() {
        SeedOutcome::Seeded => Some(format!(
            "created the store {} with the bundled dataset",
            dir.display()
        )),
        SeedOutcome::Updated => Some(format!(
            "updated the bundled dataset in {} to this version",
            dir.display()
        )),
        SeedOutcome::Current | SeedOutcome::Unchecked => None,
    }
}
