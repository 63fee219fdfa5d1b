//! `Backend`, the seam every query goes through: the embedded [`Store`](super::Store) and a
//! remote [`Endpoint`](super::remote::Endpoint) both implement it, and everything above the
//! store layer asks its questions through it.

use crate::results::Answer;
use crate::store::error::Result;

/// Anything that answers SPARQL queries: the embedded store, or a remote SPARQL endpoint
/// ([`Endpoint`](super::remote::Endpoint)).
pub trait Backend {
    /// Runs a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the union of all graphs.
    /// The well-known prefixes of [`vocab::PREFIXES`](crate::vocab::PREFIXES) are predeclared.
    fn query(&self, sparql: &str) -> Result<Answer>;

    /// Runs a query built as algebra. The default prints it as SPARQL text, for backends that
    /// only take text; the embedded store evaluates the algebra directly.
    fn evaluate(&self, query: &spargebra::Query) -> Result<Answer> {
        self.query(&crate::sparql::to_sparql(query))
    }

    /// A short description of where the data lives, for messages.
    fn describe(&self) -> String;

    /// Notes about the answers given since the last call, for the user (for example that a
    /// server cut a result short). The library never prints; whoever shows results does.
    fn take_notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// True for a graph the server keeps for itself (Virtuoso's own schemas and pages), which
    /// `treaty stats` leaves out.
    fn is_internal_graph(&self, _iri: &str) -> bool {
        false
    }
}
