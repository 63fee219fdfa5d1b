//! Formatting answers for people and programs: an aligned table for the terminal, Markdown, and
//! the W3C SPARQL results formats (CSV, TSV, JSON) written by Oxigraph's own serializer.

mod text;

use std::io::{self, Write};

use std::borrow::Cow;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedOrBlankNode, Term, Triple, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

use crate::results::Answer;
pub use text::display_term;

/// An output format for query answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table, for a terminal.
    Table,
    /// W3C SPARQL 1.1 Query Results CSV.
    Csv,
    /// W3C SPARQL 1.1 Query Results TSV (terms in N-Triples syntax).
    Tsv,
    /// W3C SPARQL 1.1 Query Results JSON.
    Json,
    /// A GitHub-flavoured Markdown table.
    Markdown,
    /// Turtle, for the triples of a CONSTRUCT or DESCRIBE answer.
    Turtle,
    /// N-Triples, likewise.
    NTriples,
}

impl Format {
    /// The names accepted on the command line.
    pub(crate) const NAMES: &'static [&'static str] =
        &["table", "csv", "tsv", "json", "md", "turtle", "ntriples"];

    /// The format a name stands for.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "table" => Format::Table,
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            "json" => Format::Json,
            "md" | "markdown" => Format::Markdown,
            "turtle" | "ttl" => Format::Turtle,
            "ntriples" | "n-triples" | "nt" => Format::NTriples,
            _ => return None,
        })
    }
}

/// The format to print in: the one named (any case), else an aligned table on a terminal and
/// CSV elsewhere.
pub fn choose(name: Option<&str>, terminal: bool) -> crate::Result<Format> {
    match name {
        Some(name) => Format::from_name(name).ok_or_else(|| {
            crate::Error::Usage(format!(
                "unknown output format '{name}'; expected one of: {}",
                Format::NAMES.join(", ")
            ))
        }),
        None if terminal => Ok(Format::Table),
        None => Ok(Format::Csv),
    }
}

/// The format for a script that gives `results` result sets, printed one after the other on
/// standard output in `format` (`named` when the user asked for it), with a note to show
/// when it differs. CSV, TSV and JSON hold one result set: several are refused when one of
/// them was named (they could not be read back), and printed as Markdown tables under their
/// statements when the format was only the default.
pub fn for_results(
    name: &str,
    results: usize,
    format: Format,
    named: bool,
) -> crate::Result<(Format, Option<String>)> {
    let one_set = !matches!(format, Format::Table | Format::Markdown);
    if results <= 1 || !one_set {
        return Ok((format, None));
    }
    if !named {
        let note = format!(
            "{name} gives {results} result sets, printed as Markdown tables; \
             `treaty run FILE -o DIR` writes one CSV file per statement"
        );
        return Ok((Format::Markdown, Some(note)));
    }
    let (kind, advice) = match format {
        Format::Json => (
            "JSON",
            "write them into one JSON document with `treaty run FILE -o OUT.json`",
        ),
        Format::Tsv => (
            "TSV",
            "write one CSV file per statement with `treaty run FILE -o DIR`",
        ),
        Format::Turtle | Format::NTriples => {
            ("RDF", "run one CONSTRUCT or DESCRIBE statement at a time")
        }
        _ => (
            "CSV",
            "write one CSV file per statement with `treaty run FILE -o DIR`",
        ),
    };
    Err(crate::Error::Usage(format!(
        "{name} gives {results} result sets, and {kind} on standard output holds one: \
         {advice}, or print them all with --format table or md"
    )))
}

/// Writes `answer` to `out` in `format`.
pub fn write(answer: &Answer, format: Format, out: &mut dyn Write) -> io::Result<()> {
    write_answer(answer, format, None, out)
}

/// Writes at most `max_rows` rows of `answer` (for a screen), and returns how many rows were
/// left out. A table's footer then says how many were shown of how many.
///
/// ```
/// use treaty::{Backend, output::{self, Format}, store::{Location, Store}};
/// let store = Store::open(&Location::Memory, false)?;
/// let answer = store.query("SELECT ?s WHERE { ?s a tr:Settlement }")?;
/// let mut out = Vec::new();
/// let left_out = output::write_limited(&answer, Format::Table, 3, &mut out)?;
/// assert!(left_out > 0);
/// assert!(String::from_utf8(out)?.contains(&format!("3 of {} rows", left_out + 3)));
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
pub fn write_limited(
    answer: &Answer,
    format: Format,
    max_rows: usize,
    out: &mut dyn Write,
) -> io::Result<usize> {
    match answer {
        Answer::Table(table) if table.rows.len() > max_rows => {
            let shown = Answer::Table(crate::results::Table {
                columns: table.columns.clone(),
                rows: table.rows[..max_rows].to_vec(),
            });
            write_answer(&shown, format, Some(table.rows.len()), out)?;
            Ok(table.rows.len() - max_rows)
        }
        _ => write_answer(answer, format, None, out).map(|()| 0),
    }
}

/// Writes `answer`; `total` is the number of rows of the whole answer when `answer` holds only
/// the first of them.
fn write_answer(
    answer: &Answer,
    format: Format,
    total: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => text::table(answer, total, out),
        Format::Markdown => text::markdown(answer, out),
        Format::Csv => w3c(answer, QueryResultsFormat::Csv, out),
        Format::Tsv => w3c(answer, QueryResultsFormat::Tsv, out),
        Format::Json => {
            w3c(answer, QueryResultsFormat::Json, out)?;
            writeln!(out)
        }
        Format::Turtle => graph(answer, RdfFormat::Turtle, out),
        Format::NTriples => graph(answer, RdfFormat::NTriples, out),
    }
}

/// The columns of the triples of a CONSTRUCT or DESCRIBE answer.
const TRIPLE_COLUMNS: [&str; 3] = ["subject", "predicate", "object"];

/// Whether `answer` can be written in `format`: Turtle and N-Triples hold triples, the answer
/// of a CONSTRUCT or DESCRIBE query, and nothing else.
pub fn check_fits(answer: &Answer, format: Format) -> crate::Result<()> {
    let graph = matches!(answer, Answer::Table(t) if t.columns == TRIPLE_COLUMNS);
    if matches!(format, Format::Turtle | Format::NTriples) && !graph {
        return Err(crate::Error::Usage(
            "turtle and ntriples write the triples of a CONSTRUCT or DESCRIBE query; \
             for rows use table, csv, tsv, json or md"
                .into(),
        ));
    }
    Ok(())
}

/// The triples of a CONSTRUCT or DESCRIBE answer in an RDF format, Turtle with the display
/// prefixes.
fn graph(answer: &Answer, format: RdfFormat, out: &mut dyn Write) -> io::Result<()> {
    let triples = match answer {
        Answer::Table(table) if table.columns == TRIPLE_COLUMNS => table.rows.iter().map(|row| {
            let [
                Some(subject),
                Some(Term::NamedNode(predicate)),
                Some(object),
            ] = &row[..]
            else {
                return None;
            };
            let subject = match subject {
                Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
                Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
                Term::Literal(_) => return None,
            };
            Some(Triple::new(subject, predicate.clone(), object.clone()))
        }),
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "only the triples of a CONSTRUCT or DESCRIBE answer can be written as RDF",
            ));
        }
    };
    let mut serializer = RdfSerializer::from_format(format);
    if format == RdfFormat::Turtle {
        for (prefix, iri) in crate::vocab::PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *iri)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        }
    }
    let mut writer = serializer.for_writer(out);
    for triple in triples.flatten() {
        writer.serialize_triple(&triple)?;
    }
    writer.finish()?;
    Ok(())
}

/// The date as stored for a date shown at its precision (`1673`^^xsd:gYear is stored as
/// 1673-01-01, `1914-07`^^xsd:gYearMonth as 1914-07-01: docs/data.md); any other term as it
/// is. JSON and TSV, whose typed values programs read, carry the stored date.
pub(crate) fn stored_date(term: &Term) -> Cow<'_, Term> {
    match term {
        Term::Literal(l) if l.datatype() == xsd::G_YEAR => {
            Cow::Owned(Literal::new_typed_literal(format!("{}-01-01", l.value()), xsd::DATE).into())
        }
        Term::Literal(l) if l.datatype() == xsd::G_YEAR_MONTH => {
            Cow::Owned(Literal::new_typed_literal(format!("{}-01", l.value()), xsd::DATE).into())
        }
        _ => Cow::Borrowed(term),
    }
}

fn w3c(answer: &Answer, format: QueryResultsFormat, out: &mut dyn Write) -> io::Result<()> {
    let serializer = QueryResultsSerializer::from_format(format);
    match answer {
        Answer::Boolean(value) => {
            serializer.serialize_boolean_to_writer(out, *value)?;
        }
        Answer::Table(table) => {
            let variables: Vec<Variable> = table
                .columns
                .iter()
                .map(|c| Variable::new_unchecked(c.clone()))
                .collect();
            let mut writer = serializer.serialize_solutions_to_writer(out, variables.clone())?;
            let machine = matches!(format, QueryResultsFormat::Json | QueryResultsFormat::Tsv);
            for row in &table.rows {
                let terms: Vec<Option<Cow<'_, Term>>> = row
                    .iter()
                    .map(|term| {
                        let term = term.as_ref()?;
                        Some(if machine {
                            stored_date(term)
                        } else {
                            Cow::Borrowed(term)
                        })
                    })
                    .collect();
                writer.serialize(variables.iter().zip(&terms).filter_map(|(v, term)| {
                    Some((v.as_ref(), term.as_ref()?.as_ref().as_ref()))
                }))?;
            }
            writer.finish()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Table;
    use oxigraph::model::{Literal, NamedNode, Term};

    fn sample() -> Answer {
        Answer::Table(Table {
            columns: vec!["name".into(), "actor".into()],
            rows: vec![
                vec![
                    Some(Term::from(Literal::new_language_tagged_literal_unchecked(
                        "Traité | de Paris",
                        "fr",
                    ))),
                    Some(Term::from(NamedNode::new_unchecked(
                        "https://w3id.org/treaty/id/actor/france",
                    ))),
                ],
                vec![None, None],
            ],
        })
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        write(&sample(), format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_is_the_w3c_format() {
        let csv = render(Format::Csv);
        assert_eq!(
            csv,
            "name,actor\r\nTraité | de Paris,https://w3id.org/treaty/id/actor/france\r\n,\r\n"
        );
    }

    #[test]
    fn json_is_the_w3c_format() {
        let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(json["head"]["vars"][1], "actor");
        assert_eq!(json["results"]["bindings"][0]["name"]["xml:lang"], "fr");
        assert_eq!(json["results"]["bindings"][1], serde_json::json!({}));
    }

    #[test]
    fn markdown_escapes_pipes_and_compacts_iris() {
        let md = render(Format::Markdown);
        assert!(md.starts_with("| name | actor |\n|---|---|\n"), "{md}");
        assert!(md.contains("Traité \\| de Paris | ta:france |"), "{md}");
    }

    #[test]
    fn table_shows_values_and_blanks() {
        let table = render(Format::Table);
        assert!(table.contains("ta:france"), "{table}");
        assert!(table.contains("Traité | de Paris"), "{table}");
        assert!(table.contains("2 rows"), "{table}");
    }

    #[test]
    fn booleans() {
        let mut out = Vec::new();
        write(&Answer::Boolean(true), Format::Table, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "true\n");
        let mut out = Vec::new();
        write(&Answer::Boolean(false), Format::Json, &mut out).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .contains("\"boolean\":false")
        );
    }
}
