//! `treaty`: a knowledge base of peace settlements, the conflicts they ended, and the security
//! guarantees they carried, with what became of each guarantee.
//!
//! The data lives in an embedded Oxigraph store seeded from a curated dataset compiled into the
//! binary. The pipeline, one module per stage:
//!
//! ```text
//! TQL text --lang::parse--> AST --compile::resolve--> compile::ir --compile::lower--> SPARQL algebra
//! RDF files --load--> store <--Backend (embedded Store or remote Endpoint)-- algebra or SPARQL text
//! store --> results::Answer --output / report--> table / CSV / TSV / JSON / Markdown / HTML
//! ```
//!
//! `session::Session` strings the stages together statement by statement; ARCHITECTURE.md
//! in the repository has the map.
//!
//! ```
//! use treaty::{Backend, results::Answer, store::{Location, Store}};
//! let store = Store::open(&Location::Memory, false)?;
//! let answer = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a tr:Settlement }")?;
//! assert!(matches!(answer, Answer::Table(_)));
//! # Ok::<_, treaty::Error>(())
//! ```

pub mod analysis;
pub mod check;
pub mod clock;
pub mod compile;
pub mod error;
pub mod import;
pub mod lang;
pub mod load;
pub mod output;
pub mod repl;
pub mod report;
pub mod results;
pub mod schema;
pub mod serve;
pub mod session;
pub mod slug;
pub mod sparql;
pub mod stats;
pub mod store;
pub mod suggest;
pub mod vocab;

pub use error::{Error, Result};
pub use store::Backend;
