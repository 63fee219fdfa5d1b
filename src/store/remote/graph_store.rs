//! Writes to an endpoint through the SPARQL 1.1 Graph Store HTTP Protocol: add triples to a
//! named graph (`POST`), replace a graph (`PUT`), drop one (`DELETE`). The triples travel as
//! N-Triples, one request per graph, so the blank nodes of a graph stay one set of nodes.

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{NamedNode, Triple};

use super::Endpoint;
use crate::store::error::{Error, Result};

/// How a write treats what the graph already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Add to the graph (HTTP POST).
    Add,
    /// Replace the graph's content (HTTP PUT).
    Replace,
}

impl Endpoint {
    /// Sends `triples` to the named graph `graph`.
    pub(crate) fn write_graph(
        &self,
        graph: &NamedNode,
        triples: &[Triple],
        mode: Write,
    ) -> Result<()> {
        let mut body = Vec::with_capacity(triples.len() * 120);
        let mut serializer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(&mut body);
        for triple in triples {
            serializer
                .serialize_triple(triple)
                .map_err(|e| Error::Endpoint {
                    endpoint: self.graph_store.clone(),
                    message: format!("cannot write the triples: {e}"),
                })?;
        }
        serializer.finish().map_err(|e| Error::Endpoint {
            endpoint: self.graph_store.clone(),
            message: format!("cannot write the triples: {e}"),
        })?;
        let method = match mode {
            Write::Add => "POST",
            Write::Replace => "PUT",
        };
        self.client.write(
            method,
            &self.graph_url(graph),
            "application/n-triples",
            Some(&body),
        )
    }

    /// Sends several graphs, one request each. A failure after the first names the graphs the
    /// server already has: a write to an endpoint is atomic per graph, not across graphs.
    pub(crate) fn write_graphs<'a>(
        &self,
        graphs: impl IntoIterator<Item = (&'a NamedNode, &'a [Triple])>,
        mode: Write,
    ) -> Result<()> {
        let mut sent: Vec<String> = Vec::new();
        for (graph, triples) in graphs {
            if let Err(e) = self.write_graph(graph, triples, mode) {
                if sent.is_empty() {
                    return Err(e);
                }
                return Err(Error::Endpoint {
                    endpoint: self.graph_store.clone(),
                    message: format!(
                        "{e}; the graphs sent before it are on the server: {}",
                        sent.join(", ")
                    ),
                });
            }
            sent.push(format!("<{}>", graph.as_str()));
        }
        Ok(())
    }

    /// Drops the named graph `graph`.
    pub fn drop_graph(&self, graph: &NamedNode) -> Result<()> {
        self.client
            .write("DELETE", &self.graph_url(graph), "text/plain", None)
    }

    /// The Graph Store URL of `graph`. The protocol names the parameter `graph`; Virtuoso's
    /// authenticated endpoint wants `graph-uri`.
    fn graph_url(&self, graph: &NamedNode) -> String {
        let parameter = if self.graph_store.contains("sparql-graph-crud") {
            "graph-uri"
        } else {
            "graph"
        };
        let separator = if self.graph_store.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}{parameter}={}",
            self.graph_store,
            percent_encode(graph.as_str())
        )
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_iris_are_percent_encoded() {
        assert_eq!(
            percent_encode(crate::vocab::BUNDLED_GRAPH),
            "https%3A%2F%2Fw3id.org%2Ftreaty%2Fgraph%2Fbundled"
        );
        assert_eq!(percent_encode("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
