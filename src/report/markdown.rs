//! A report as Markdown: the title, each section's heading, prose and tables (GitHub-flavoured),
//! the checks, and at the end the record of the run (statements, SPARQL, parameters, version,
//! date, data). Charts are left to the HTML format: Markdown viewers do not agree on inline SVG.

use std::fmt::Write;

use super::{BlockOut, ResultSet, Run};
use crate::output;

/// The whole report as Markdown text.
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", one_line(&run.title));
    let _ = writeln!(out, "{}\n", summary(run));
    for section in &run.sections {
        if let Some(heading) = &section.heading {
            let _ = writeln!(out, "## {}\n", one_line(heading));
        }
        for block in &section.blocks {
            match block {
                BlockOut::Prose(text) => {
                    let _ = writeln!(out, "{text}\n");
                }
                BlockOut::Result(result) => {
                    if section.heading.is_none() && result.defined.is_none() {
                        // Nothing else says what the table answers.
                        let _ = writeln!(out, "```tql\n{}\n```\n", result.statement);
                    }
                    result_md(&mut out, result)
                }
            }
        }
    }
    if run.stopped {
        let _ = writeln!(
            out,
            "**The run stopped at the first failure (--bail): the statements after it did not run.**\n"
        );
    }
    record(&mut out, run);
    out
}

/// One sentence on how the report was made, shared by the formats.
pub(super) fn summary(run: &Run) -> String {
    let mut text = format!(
        "Report `{}`, run {} with {} on {} ({} triples in {} graph{}).",
        run.source,
        run.run_date,
        run.tool,
        run.data.backend,
        run.data.triples(),
        run.data.graphs.len(),
        if run.data.graphs.len() == 1 { "" } else { "s" }
    );
    if !run.params.is_empty() {
        text.push_str(" Parameters: ");
        text.push_str(&params(run));
        text.push('.');
    }
    text
}

pub(super) fn params(run: &Run) -> String {
    run.params
        .iter()
        .map(|p| {
            format!(
                "{} = {}{}",
                p.name,
                p.value,
                if p.default { " (default)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

fn result_md(out: &mut String, result: &ResultSet) {
    if result.defined.is_some() {
        return;
    }
    if let Some(error) = &result.error {
        let _ = writeln!(out, "**Statement failed** (line {}):\n", result.line);
        let _ = writeln!(out, "```text\n{}\n```\n", error.trim_end());
    }
    if let Some(title) = &result.title {
        let _ = writeln!(out, "**{}**\n", one_line(title));
    }
    if let Some(answer) = &result.answer {
        let mut bytes = Vec::new();
        if output::write(answer, output::Format::Markdown, &mut bytes).is_ok() {
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
        if let Some(table) = result.table() {
            let n = table.rows.len();
            let _ = writeln!(out, "\n_{n} row{}._\n", if n == 1 { "" } else { "s" });
        } else {
            out.push('\n');
        }
    }
    for note in &result.notes {
        let _ = writeln!(out, "_Note: {}_\n", one_line(note).replace('_', "\\_"));
    }
    for check in &result.checks {
        let _ = writeln!(
            out,
            "- {} `{}` (found {})",
            if check.passed {
                "Check held:"
            } else {
                "**Check FAILED:**"
            },
            check.text,
            check.found
        );
    }
    if !result.checks.is_empty() {
        out.push('\n');
    }
}

fn record(out: &mut String, run: &Run) {
    let _ = writeln!(out, "## Reproducibility\n");
    let _ = writeln!(out, "- Report: `{}`", run.source);
    let _ = writeln!(out, "- Tool: {}", run.tool);
    let _ = writeln!(out, "- Run date: {}", run.run_date);
    let _ = writeln!(
        out,
        "- Parameters: {}",
        if run.params.is_empty() {
            "none".to_owned()
        } else {
            params(run)
        }
    );
    let _ = writeln!(out, "- Data: {}\n", run.data.backend);
    let _ = writeln!(out, "| graph | triples |\n|---|---|");
    for (graph, n) in &run.data.graphs {
        let _ = writeln!(out, "| {} | {n} |", graph.replace('|', "\\|"));
    }
    let _ = writeln!(out, "| all graphs | {} |\n", run.data.triples());
    let _ = writeln!(out, "### Statements\n");
    for result in run.results() {
        let _ = writeln!(out, "`{}` (line {}):\n", result.name, result.line);
        let _ = writeln!(out, "```tql\n{}\n```\n", result.statement);
        if let Some(sparql) = &result.sparql {
            let _ = writeln!(out, "```sparql\n{}\n```\n", sparql.trim_end());
        }
    }
}
