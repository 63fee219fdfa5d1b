//! Exporting the embedded store (or one graph of it) as RDF, to a writer or to a file that is
//! replaced only once the export is complete.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedNode};

use super::Store;
use super::error::{Error, Result};
use crate::vocab;

impl Store {
    /// Writes the store (or one graph of it) to the file `path`, through a `.partial` file
    /// beside it that is renamed at the end, so a failed export never clobbers a good file.
    pub fn export_to_file(
        &self,
        path: &Path,
        format: RdfFormat,
        graph: Option<&NamedNode>,
    ) -> Result<()> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        let partial = path.with_file_name(name);
        let io_error = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io { path, source }
        };
        let file = File::create(&partial).map_err(io_error(&partial))?;
        let mut out = std::io::BufWriter::new(file);
        let written = self
            .export(&mut out, format, graph)
            .and_then(|()| out.flush().map_err(io_error(&partial)));
        drop(out);
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        std::fs::rename(&partial, path).map_err(io_error(path))
    }

    /// Writes the store (or one graph of it) to `writer` in `format`.
    ///
    /// N-Quads and TriG carry every graph; Turtle, N-Triples and the other triple formats need
    /// `graph`, since they cannot say which graph a triple is in.
    pub fn export(
        &self,
        writer: impl Write,
        format: RdfFormat,
        graph: Option<&NamedNode>,
    ) -> Result<()> {
        let mut serializer = RdfSerializer::from_format(format);
        for (prefix, namespace) in vocab::PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *namespace)
                .expect("the built-in prefixes are valid");
        }
        let data = self.data();
        let written = match graph {
            Some(graph) => data.db.dump_graph_to_writer(
                GraphNameRef::NamedNode(graph.as_ref()),
                serializer,
                writer,
            ),
            None if format.supports_datasets() => data.db.dump_to_writer(serializer, writer),
            None => {
                return Err(Error::Unsupported(format!(
                    "{} holds a single graph; pass --graph IRI, or export as nquads or trig",
                    format.name()
                )));
            }
        };
        written.map(drop).map_err(|e| match e {
            oxigraph::store::SerializerError::Io(source) => Error::Io {
                path: PathBuf::from("the exported data"),
                source,
            },
            oxigraph::store::SerializerError::Storage(e) => Error::Storage(e),
            other => Error::Unsupported(other.to_string()),
        })
    }
}
