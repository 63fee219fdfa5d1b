//! The human-readable formats: an aligned table (comfy-table) and a Markdown table. Values are
//! shown plainly: literals by their text, IRIs shortened by the well-known prefixes.

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table as Grid, presets};
use oxigraph::model::Term;

use crate::results::Answer;
use crate::vocab;

/// A term as a person reads it: the text of a literal, a prefixed name or the IRI of a resource.
pub fn display_term(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => {
            vocab::compact(node.as_str()).unwrap_or_else(|| node.as_str().to_owned())
        }
        Term::BlankNode(node) => format!("_:{}", node.as_str()),
        Term::Literal(literal) => literal.value().to_owned(),
    }
}

fn cells(row: &[Option<Term>]) -> impl Iterator<Item = String> + '_ {
    row.iter()
        .map(|cell| cell.as_ref().map(display_term).unwrap_or_default())
}

/// An aligned table; `total` is the number of rows of the whole answer when only the first of
/// them are shown.
pub fn table(answer: &Answer, total: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
    let table = match answer {
        Answer::Boolean(value) => return writeln!(out, "{value}"),
        Answer::Table(table) => table,
    };
    let mut grid = Grid::new();
    grid.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(table.columns.iter());
    if grid.width() == Some(0) {
        // A terminal that does not know its width (a fresh pseudo-terminal reports zero
        // columns) would squeeze every column to one character: do not wrap at all.
        grid.set_content_arrangement(ContentArrangement::Disabled);
    }
    for row in &table.rows {
        grid.add_row(cells(row));
    }
    writeln!(out, "{grid}")?;
    let n = table.rows.len();
    match total {
        Some(total) if total > n => writeln!(out, "{n} of {total} rows"),
        _ => writeln!(out, "{n} row{}", if n == 1 { "" } else { "s" }),
    }
}

pub fn markdown(answer: &Answer, out: &mut dyn Write) -> io::Result<()> {
    let table = match answer {
        Answer::Boolean(value) => return writeln!(out, "{value}"),
        Answer::Table(table) => table,
    };
    let escape = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let header: Vec<String> = table.columns.iter().map(|c| escape(c)).collect();
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(table.columns.len()))?;
    for row in &table.rows {
        let row: Vec<String> = cells(row).map(|c| escape(&c)).collect();
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    Ok(())
}
