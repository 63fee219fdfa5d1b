//! The IRIs of the data model, defined once: the ontology and data namespaces, the named graph of
//! the bundled dataset, and the prefixes used to shorten IRIs for display.

/// Namespace of the ontology (classes and properties).
pub(crate) const ONTOLOGY: &str = "https://w3id.org/treaty/ontology#";
/// Namespace under which every entity of the data lives (`id/settlement/...`, `id/actor/...`).
pub const DATA: &str = "https://w3id.org/treaty/id/";
/// The named graph that holds the dataset compiled into the binary.
pub const BUNDLED_GRAPH: &str = "https://w3id.org/treaty/graph/bundled";
/// The named graph that receives data read from standard input when no `--graph` is given.
pub(crate) const STDIN_GRAPH: &str = "https://w3id.org/treaty/graph/stdin";
/// Property of the bundled graph recording the fingerprint of the data it was seeded from.
pub(crate) const FINGERPRINT: &str = "https://w3id.org/treaty/ontology#fingerprint";

/// Namespace of the XML Schema datatypes (`xsd:date`...): literals' datatypes start with it.
pub(crate) const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// Namespace of SKOS, the vocabulary of the concept schemes.
pub(crate) const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
/// `skos:Concept`, the class of every concept (kinds, outcomes, mechanisms...).
pub const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// Namespace of Dublin Core terms (`dct:source`...).
pub const DCT: &str = "http://purl.org/dc/terms/";
/// `dct:source`: a source of an entity (an IRI).
pub const DCT_SOURCE: &str = "http://purl.org/dc/terms/source";
/// `dct:bibliographicCitation`: a source cited as text.
pub const DCT_CITATION: &str = "http://purl.org/dc/terms/bibliographicCitation";

/// A date known to the year only (the value of a `tr:...Precision` property).
pub(crate) const PRECISION_YEAR: &str = "https://w3id.org/treaty/ontology#year";

/// A date known to the month only.
pub(crate) const PRECISION_MONTH: &str = "https://w3id.org/treaty/ontology#month";

/// Well-known prefixes, used to shorten IRIs in tables and in SPARQL sent by the tool.
pub const PREFIXES: &[(&str, &str)] = &[
    ("tr", ONTOLOGY),
    ("ts", "https://w3id.org/treaty/id/settlement/"),
    ("tg", "https://w3id.org/treaty/id/guarantee/"),
    ("tc", "https://w3id.org/treaty/id/conflict/"),
    ("ta", "https://w3id.org/treaty/id/actor/"),
    ("tsrc", "https://w3id.org/treaty/id/source/"),
    ("tm", "https://w3id.org/treaty/id/mechanism/"),
    ("to", "https://w3id.org/treaty/id/outcome/"),
    ("tk", "https://w3id.org/treaty/id/kind/"),
    ("tst", "https://w3id.org/treaty/id/status/"),
    ("tck", "https://w3id.org/treaty/id/conflict-kind/"),
    ("tak", "https://w3id.org/treaty/id/actor-kind/"),
    ("tpe", "https://w3id.org/treaty/id/peace-ending/"),
    ("rg", "https://w3id.org/treaty/id/region/"),
    ("wd", "http://www.wikidata.org/entity/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", XSD),
    ("skos", SKOS),
    ("dct", DCT),
];

/// Shortens an IRI to `prefix:local` when a known prefix covers it and the rest is a plain name.
pub(crate) fn compact(iri: &str) -> Option<String> {
    PREFIXES.iter().find_map(|(prefix, ns)| {
        let local = iri.strip_prefix(ns)?;
        let plain = !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
            && !local.ends_with('.');
        plain.then(|| format!("{prefix}:{local}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skos_concept_is_in_the_skos_namespace() {
        assert_eq!(SKOS_CONCEPT.strip_prefix(SKOS), Some("Concept"));
        assert_eq!(DCT_SOURCE.strip_prefix(DCT), Some("source"));
        assert_eq!(
            DCT_CITATION.strip_prefix(DCT),
            Some("bibliographicCitation")
        );
        assert_eq!(
            oxigraph::model::vocab::xsd::DATE.as_str().strip_prefix(XSD),
            Some("date")
        );
    }

    #[test]
    fn compacts_known_namespaces_only() {
        assert_eq!(
            compact("https://w3id.org/treaty/id/actor/united-kingdom").as_deref(),
            Some("ta:united-kingdom")
        );
        assert_eq!(compact("http://example.org/x"), None);
        // A local part with a slash or a trailing dot is not a valid prefixed name.
        assert_eq!(compact("https://w3id.org/treaty/id/actor/a/b"), None);
        assert_eq!(compact("https://w3id.org/treaty/id/actor/"), None);
    }
}
