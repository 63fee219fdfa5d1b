//! Content negotiation for `/sparql`: the `Accept` header, read with its quality values,
//! against the formats Oxigraph's serializers write.

use oxigraph::io::RdfFormat;
use sparesults::QueryResultsFormat;

/// The result format for a SELECT or ASK: the most preferred one Oxigraph writes (JSON, XML,
/// CSV, TSV); JSON for no header or `*/*`; `None` when the client accepts none of them.
pub(crate) fn results_format(accept: Option<&str>) -> Option<QueryResultsFormat> {
    choose(accept, QueryResultsFormat::Json, |media| {
        QueryResultsFormat::from_media_type(media)
    })
}

/// The format for a CONSTRUCT or DESCRIBE graph: Turtle for no header or `*/*`; otherwise the
/// most preferred of Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads, TriG and N3.
pub(crate) fn graph_format(accept: Option<&str>) -> Option<RdfFormat> {
    choose(accept, RdfFormat::Turtle, RdfFormat::from_media_type)
}

fn choose<F: Copy>(
    accept: Option<&str>,
    default: F,
    known: impl Fn(&str) -> Option<F>,
) -> Option<F> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(default);
    };
    let mut ranges: Vec<(f32, usize, &str)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(order, range)| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (quality > 0.0 && !media.is_empty()).then_some((quality, order, media))
        })
        .collect();
    // Most preferred first; among equals, the order the client wrote.
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().find_map(|(_, _, media)| {
        if media == "*/*" || media == "application/*" || media == "text/*" {
            Some(default)
        } else {
            known(media)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_preferences_with_quality_values() {
        assert_eq!(results_format(None), Some(QueryResultsFormat::Json));
        assert_eq!(
            results_format(Some("text/csv")),
            Some(QueryResultsFormat::Csv)
        );
        assert_eq!(
            results_format(Some(
                "application/sparql-results+json;q=0.5, application/sparql-results+xml"
            )),
            Some(QueryResultsFormat::Xml)
        );
        assert_eq!(
            results_format(Some("text/html, text/tab-separated-values;q=0.9")),
            Some(QueryResultsFormat::Tsv)
        );
        assert_eq!(results_format(Some("image/png")), None);
        assert_eq!(results_format(Some("text/csv;q=0")), None);
        assert_eq!(
            graph_format(Some("application/n-triples")),
            Some(RdfFormat::NTriples)
        );
        assert_eq!(graph_format(Some("*/*")), Some(RdfFormat::Turtle));
        assert!(matches!(
            graph_format(Some("application/ld+json")),
            Some(RdfFormat::JsonLd { .. })
        ));
    }
}
