//! Writes to an endpoint through the SPARQL 1.1 Graph Store HTTP Protocol: add triples to a
//! named graph (`POST`), replace a graph (`PUT`), drop one (`DELETE`). The triples travel as
//! N-Triples, one request per graph, so the blank nodes of a graph stay one set of nodes.

use std::collections::HashMap;
use std::fs::File;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{NamedNode, Triple, TripleRef};

use super::Endpoint;
use super::http::Payload;
use crate::store::error::{Error, Result};

/// How a write treats what the graph already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Add to the graph (HTTP POST).
    Add,
    /// Replace the graph's content (HTTP PUT).
    Replace,
}

/// What a graph is written from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Contents<'a> {
    /// Triples in memory, serialised as N-Triples for the request.
    Triples(&'a [Triple]),
    /// A file of N-Triples, sent as it is (an import spools its graphs to such files, so that
    /// neither the triples nor the request body are held in memory).
    NTriples(&'a File),
}

impl Endpoint {
    /// Sends `triples` to the named graph `graph`.
    pub(crate) fn write_graph(
        &self,
        graph: &NamedNode,
        triples: &[Triple],
        mode: Write,
    ) -> Result<()> {
        self.write_contents(graph, Contents::Triples(triples), mode)
    }

    fn write_contents(&self, graph: &NamedNode, contents: Contents<'_>, mode: Write) -> Result<()> {
        let method = match mode {
            Write::Add => "POST",
            Write::Replace => "PUT",
        };
        let url = self.graph_url(graph);
        let triples = match contents {
            Contents::NTriples(file) => {
                return self.client.write(
                    method,
                    &url,
                    "application/n-triples",
                    Payload::File(file),
                );
            }
            Contents::Triples(triples) => triples,
        };
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
        self.client
            .write(method, &url, "application/n-triples", Payload::Bytes(&body))
    }

    /// Sends several graphs, one request each. A failure after the first names the graphs the
    /// server already has: a write to an endpoint is atomic per graph, not across graphs.
    pub(crate) fn write_graphs<'a>(
        &self,
        graphs: impl IntoIterator<Item = (&'a NamedNode, Contents<'a>)>,
        mode: Write,
    ) -> Result<()> {
        let mut sent: Vec<String> = Vec::new();
        for (graph, contents) in graphs {
            if let Err(e) = self.write_contents(graph, contents, mode) {
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
        self.client.write(
            "DELETE",
            &self.graph_url(graph),
            "text/plain",
            Payload::Bytes(&[]),
        )
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

/// Graphs to send, written to temporary N-Triples files as their triples arrive (in the
/// system's temporary folder, `TMPDIR`), then sent one request each, from the file: memory
/// holds a write buffer per graph, not the graphs. The files are deleted when dropped.
pub(crate) struct Spool {
    graphs: Vec<(NamedNode, TripleWriter)>,
    // Where each graph is in `graphs`: a dataset file may name thousands.
    index: HashMap<NamedNode, usize>,
}

type TripleWriter = oxigraph::io::WriterQuadSerializer<std::io::BufWriter<File>>;

impl Spool {
    pub(crate) fn new() -> Self {
        Self {
            graphs: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// The writer of `graph`, created (empty) on first use.
    fn writer(&mut self, graph: &NamedNode) -> Result<&mut TripleWriter> {
        let at = match self.index.get(graph) {
            Some(&at) => at,
            None => {
                let file = tempfile::tempfile().map_err(|source| Error::Io {
                    path: std::env::temp_dir(),
                    source,
                })?;
                let writer = RdfSerializer::from_format(RdfFormat::NTriples)
                    .for_writer(std::io::BufWriter::new(file));
                self.graphs.push((graph.clone(), writer));
                self.index.insert(graph.clone(), self.graphs.len() - 1);
                self.graphs.len() - 1
            }
        };
        Ok(&mut self.graphs[at].1)
    }

    /// Makes sure `graph` is sent, even with no triple (which empties it on a replace).
    pub(crate) fn add_graph(&mut self, graph: &NamedNode) -> Result<()> {
        self.writer(graph).map(drop)
    }

    /// Adds `triple` to `graph`.
    pub(crate) fn write(&mut self, graph: &NamedNode, triple: TripleRef<'_>) -> Result<()> {
        self.writer(graph)?
            .serialize_triple(triple)
            .map_err(|source| Error::Io {
                path: std::env::temp_dir(),
                source,
            })
    }

    /// Sends every graph, in the order they first appeared (see [`Endpoint::write_graphs`]).
    pub(crate) fn send(self, endpoint: &Endpoint, mode: Write) -> Result<()> {
        let mut files = Vec::with_capacity(self.graphs.len());
        for (graph, writer) in self.graphs {
            let file = writer
                .finish()
                .and_then(|buffer| buffer.into_inner().map_err(|e| e.into_error()))
                .map_err(|source| Error::Io {
                    path: std::env::temp_dir(),
                    source,
                })?;
            files.push((graph, file));
        }
        endpoint.write_graphs(
            files
                .iter()
                .map(|(graph, file)| (graph, Contents::NTriples(file))),
            mode,
        )
    }
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
