//! Telling the RDF format of an input: from a `--format` name, or from the file name (a `.gz`
//! suffix is looked through; gzip itself is detected from the content).

use oxigraph::io::{JsonLdProfileSet, RdfFormat};

use crate::error::{Error, Result};

/// The names `--format` accepts, as shown in messages.
pub(crate) const FORMAT_NAMES: &str = "turtle, ntriples, nquads, trig, rdfxml, jsonld, n3";

/// The format of `treaty export`: the one named, else the output file's extension, else
/// N-Quads (every graph, in a format that keeps them apart).
pub fn for_export(name: Option<&str>, output: Option<&std::path::Path>) -> Result<RdfFormat> {
    Ok(match (name, output) {
        (Some(name), _) => from_name(name)?,
        (None, Some(path)) => from_file_name(&path.to_string_lossy()).unwrap_or(RdfFormat::NQuads),
        (None, None) => RdfFormat::NQuads,
    })
}

/// The RDF format a `--format` name stands for (the name or the usual file extension).
pub(crate) fn from_name(name: &str) -> Result<RdfFormat> {
    let format = match name.to_ascii_lowercase().as_str() {
        "turtle" | "ttl" => RdfFormat::Turtle,
        "ntriples" | "n-triples" | "nt" => RdfFormat::NTriples,
        "nquads" | "n-quads" | "nq" => RdfFormat::NQuads,
        "trig" => RdfFormat::TriG,
        "rdfxml" | "rdf/xml" | "rdf" | "xml" | "owl" => RdfFormat::RdfXml,
        "jsonld" | "json-ld" | "json" => RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
        "n3" => RdfFormat::N3,
        _ => {
            return Err(Error::BadFormatName {
                name: name.to_owned(),
                expected: FORMAT_NAMES,
            });
        }
    };
    Ok(format)
}

/// The RDF format of a file, from its name (`data.ttl`, `dump.nq.gz`, `onto.owl`).
pub(crate) fn from_file_name(name: &str) -> Option<RdfFormat> {
    let name = name.strip_suffix(".gz").unwrap_or(name);
    let (_, extension) = name.rsplit_once('.')?;
    if extension.eq_ignore_ascii_case("owl") {
        return Some(RdfFormat::RdfXml);
    }
    RdfFormat::from_extension(extension)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_formats_from_names_and_extensions() {
        assert_eq!(from_name("Turtle").unwrap(), RdfFormat::Turtle);
        assert_eq!(from_name("nq").unwrap(), RdfFormat::NQuads);
        assert!(from_name("csv").unwrap_err().to_string().contains("turtle"));
        assert_eq!(from_file_name("a/b.trig"), Some(RdfFormat::TriG));
        assert_eq!(from_file_name("dump.nt.gz"), Some(RdfFormat::NTriples));
        assert_eq!(from_file_name("onto.owl"), Some(RdfFormat::RdfXml));
        assert_eq!(from_file_name("README"), None);
        assert_eq!(from_file_name("data.csv"), None);
    }
}
