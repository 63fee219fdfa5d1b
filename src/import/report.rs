//! The import report (`treaty import --report FILE`): what an import linked, created, matched
//! and skipped, as tables a user can read and correct (a Markdown file, or one CSV table).
//!
//! Each table answers a question a user correcting an import asks: which cell went to which
//! actor, and by which key (to spot a wrong link and add an alias or a decision); which actors
//! were made (to spot a name the store knows under another spelling); which rows were matched
//! to settlements already there, with the score (to reject or pair with `--matches FILE`);
//! which rows were left out and why (to fix the file).

use std::fmt::Write as _;
use std::path::Path;

use super::{FileImported, ImportSummary};
use crate::error::{Error, Result};
use crate::vocab;

/// Cells that went to one actor the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellLink {
    /// The cell's value (for free text, the name found in it).
    pub value: String,
    /// The actor's IRI.
    pub actor: String,
    /// How: "COW code", "GW code", "name", "created from a state list", ...
    pub how: String,
    /// How many cells.
    pub cells: u64,
}

/// An actor the import made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub actor: String,
    pub name: String,
    pub cow: Option<i64>,
    pub gw: Option<i64>,
    pub from: Option<i64>,
    pub until: Option<i64>,
}

/// The report's format, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Markdown,
    Csv,
}

fn format_of(path: &Path) -> Result<Format> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("md" | "markdown") => Ok(Format::Markdown),
        Some("csv") => Ok(Format::Csv),
        _ => Err(Error::Usage(format!(
            "--report {}: the report is Markdown (.md) or CSV (.csv); name the file with one of these extensions",
            path.display()
        ))),
    }
}

/// Checks that a report can be written to `path` (its extension), before anything is imported.
pub fn check_path(path: &Path) -> Result<()> {
    format_of(path).map(|_| ())
}

/// Writes the report of `summary` to `path`, Markdown or CSV by its extension.
pub fn write(summary: &ImportSummary, path: &Path) -> Result<()> {
    let text = match format_of(path)? {
        Format::Markdown => markdown(summary),
        Format::Csv => csv_table(summary)?,
    };
    std::fs::write(path, text).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn shown(iri: &str) -> String {
    vocab::compact(iri).unwrap_or_else(|| format!("<{iri}>"))
}

/// A cell for a Markdown table: one line (line breaks as spaces), pipes escaped, nothing cut.
fn md(text: &str) -> String {
    text.replace(['\r', '\n'], " ").replace('|', "\\|")
}

fn years(c: &Created) -> String {
    match (c.from, c.until) {
        (Some(f), Some(u)) => format!("{f}-{u}"),
        (Some(f), None) => format!("{f}-"),
        (None, Some(u)) => format!("-{u}"),
        (None, None) => String::new(),
    }
}

fn code(c: Option<i64>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

/// The report as Markdown: per file, a summary line and four tables.
pub fn markdown(summary: &ImportSummary) -> String {
    let mut out = String::from("# Import report\n");
    for f in &summary.files {
        file_markdown(&mut out, f, summary.dry_run);
    }
    out
}

fn file_markdown(out: &mut String, f: &FileImported, dry_run: bool) {
    let verb = if dry_run {
        "converted (dry run)"
    } else {
        "imported"
    };
    let _ = writeln!(
        out,
        "\n## {} (mapping {})\n\n{} of {} rows {verb} into <{}>.",
        md(&f.file),
        md(&f.mapping),
        f.imported,
        f.rows,
        f.graph.as_str()
    );
    let linked: Vec<&CellLink> = f
        .cells
        .iter()
        .filter(|c| !c.how.starts_with("created"))
        .collect();
    let _ = writeln!(
        out,
        "\n### Linked to actors in the store ({} distinct values)\n",
        linked.len()
    );
    if linked.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| cell value | actor | by | cells |\n|---|---|---|---|\n");
        for c in linked {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&c.value),
                md(&shown(&c.actor)),
                c.how,
                c.cells
            );
        }
    }
    let _ = writeln!(out, "\n### Created ({} actors)\n", f.created.len());
    if f.created.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str(
            "| actor | name | COW | GW | years | from cell values |\n|---|---|---|---|---|---|\n",
        );
        for c in &f.created {
            let values: Vec<String> = f
                .cells
                .iter()
                .filter(|l| l.actor == c.actor)
                .map(|l| format!("{} ({})", l.value, l.how))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                md(&shown(&c.actor)),
                md(&c.name),
                code(c.cow),
                code(c.gw),
                years(c),
                md(&values.join("; "))
            );
        }
    }
    let _ = writeln!(
        out,
        "\n### Matched to settlements already in the store ({} proposals, {} taken)\n",
        f.matches.len(),
        f.matches.iter().filter(|m| m.taken()).count()
    );
    if f.matches.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str(
            "| row id | row name | settlement | score | decision | evidence |\n|---|---|---|---|---|---|\n",
        );
        for m in &f.matches {
            let _ = writeln!(
                out,
                "| {} | {} | {} \"{}\" | {:.2} | {} | {} |",
                md(&m.id),
                md(&m.name),
                md(&shown(&m.settlement)),
                md(&m.settlement_name),
                m.score,
                m.decision,
                md(&m.evidence)
            );
        }
    }
    let _ = writeln!(out, "\n### Skipped ({} rows)\n", f.skipped.len());
    if f.skipped.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| row | column | value | why |\n|---|---|---|---|\n");
        for b in &f.skipped {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                b.row,
                md(&b.column),
                md(&b.value),
                md(&b.message)
            );
        }
    }
}

/// The report as one CSV table: a line per linked value, created actor, proposed match and
/// skipped row, the `section` column saying which.
fn csv_table(summary: &ImportSummary) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let bad = |e: csv::Error| Error::Unsupported(format!("writing the CSV report: {e}"));
    w.write_record([
        "file", "section", "row", "value", "actor", "how", "cells", "score", "detail",
    ])
    .map_err(bad)?;
    for f in &summary.files {
        for c in &f.cells {
            let section = if c.how.starts_with("created") {
                "created"
            } else {
                "linked"
            };
            w.write_record([
                f.file.as_str(),
                section,
                "",
                &c.value,
                &shown(&c.actor),
                &c.how,
                &c.cells.to_string(),
                "",
                "",
            ])
            .map_err(bad)?;
        }
        for m in &f.matches {
            w.write_record([
                f.file.as_str(),
                "matched",
                &m.id,
                &m.name,
                &shown(&m.settlement),
                m.decision,
                "",
                &format!("{:.2}", m.score),
                &m.evidence,
            ])
            .map_err(bad)?;
        }
        for b in &f.skipped {
            w.write_record([
                f.file.as_str(),
                "skipped",
                &b.row.to_string(),
                &b.value,
                "",
                &b.column,
                "",
                "",
                &b.message,
            ])
            .map_err(bad)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Unsupported(format!("writing the CSV report: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_the_extension_and_anything_else_is_a_usage_error() {
        assert_eq!(format_of(Path::new("r.md")).unwrap(), Format::Markdown);
        assert_eq!(format_of(Path::new("R.CSV")).unwrap(), Format::Csv);
        let err = format_of(Path::new("r.txt")).unwrap_err().to_string();
        assert!(err.contains("Markdown (.md) or CSV (.csv)"), "{err}");
    }

    #[test]
    fn markdown_cells_stay_on_one_line_and_keep_pipes_as_text() {
        assert_eq!(md("a|b\nc"), "a\\|b c");
    }
}
