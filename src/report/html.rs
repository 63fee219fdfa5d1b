//! A report as one self-contained HTML file: inline CSS, inline SVG charts, no scripts, fonts
//! or links to fetch, so it opens offline and can be mailed as it is. Every text from the data
//! or the report file is escaped.

use std::fmt::Write;

use super::marks::{self, Links};
use super::{BlockOut, ResultSet, Run, chart, markdown};
use oxigraph::model::Term;

use crate::output::display_term;
use crate::results::{Answer, Table};

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;\
color:#222;background:#fff;max-width:1000px;margin:2em auto;padding:0 1em;line-height:1.45}\
h1{font-size:1.8em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
.meta{color:#555;font-size:.92em}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}\
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f4f4f4}tr:nth-child(even) td{background:#fafafa}\
td.num{text-align:right;font-variant-numeric:tabular-nums}td.date{white-space:nowrap}\
figure{margin:1em 0}figcaption{color:#555;font-size:.9em}\
svg.chart{max-width:100%;height:auto;background:#fff}\
.count{color:#555;font-size:.9em}.note{color:#555;font-size:.9em;font-style:italic}\
.check{padding:.3em .6em;margin:.3em 0;border-left:4px solid}\
.pass{border-color:#59a14f;background:#f1f8ef}.fail{border-color:#e15759;background:#fdf0f0}\
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:.85em}\
details{margin:.5em 0}summary{cursor:pointer;color:#555}\
nav ol{columns:2;font-size:.95em;color:#555}nav a{color:#2a5d9f;text-decoration:none}";

/// The whole report as an HTML document; its charts' marks are titled, not linked.
pub fn render(run: &Run) -> String {
    render_linked(run, &marks::no_links)
}

/// The whole report as an HTML document, its charts' marks linked where `links` finds a page
/// (the server's reports link to its entity pages).
pub fn render_linked(run: &Run, links: Links) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"{}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&run.tool),
        escape(&run.title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&run.title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">{}</p>",
        inline(&markdown::summary(run))
    );
    let headings: Vec<(usize, &str)> = run
        .sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i, s.heading.as_deref()?)))
        .collect();
    if headings.len() > 2 {
        out.push_str("<nav><ol>\n");
        for (i, heading) in &headings {
            let _ = writeln!(
                out,
                "<li><a href=\"#section-{}\">{}</a></li>",
                i + 1,
                escape(heading)
            );
        }
        out.push_str("<li><a href=\"#reproducibility\">Reproducibility</a></li>\n</ol></nav>\n");
    }
    for (i, section) in run.sections.iter().enumerate() {
        let _ = writeln!(out, "<section id=\"section-{}\">", i + 1);
        if let Some(heading) = &section.heading {
            let _ = writeln!(out, "<h2>{}</h2>", escape(heading));
        }
        for block in &section.blocks {
            match block {
                BlockOut::Prose(text) => {
                    let _ = writeln!(out, "<p>{}</p>", inline(text));
                }
                BlockOut::Result(result) => {
                    if section.heading.is_none() && result.defined.is_none() {
                        // Nothing else says what the table answers.
                        let _ = writeln!(
                            out,
                            "<pre class=\"tql\">{}</pre>",
                            escape(&result.statement)
                        );
                    }
                    result_html(&mut out, result, links)
                }
            }
        }
        let _ = writeln!(out, "</section>");
    }
    if run.stopped {
        let _ = writeln!(
            out,
            "<p class=\"check fail\">The run stopped at the first failure (--bail): the statements after it did not run.</p>"
        );
    }
    record(&mut out, run);
    out.push_str("</body>\n</html>\n");
    out
}

fn result_html(out: &mut String, result: &ResultSet, links: Links) {
    if result.defined.is_some() {
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"result\" id=\"result-{}\">",
        escape(&result.name)
    );
    if let Some(error) = &result.error {
        let _ = writeln!(
            out,
            "<div class=\"check fail\">Statement failed (line {}):<pre>{}</pre></div>",
            result.line,
            escape(error.trim_end())
        );
    }
    if let Some(title) = &result.title {
        let _ = writeln!(
            out,
            "<p class=\"title\"><strong>{}</strong></p>",
            escape(title)
        );
    }
    if let (Some(plan), Some(table)) = (&result.chart, result.table()) {
        match chart::svg(plan, table, links) {
            Ok(svg) => {
                let caption = plan.caption(table);
                let tagged = svg.replacen(
                    "<svg ",
                    &format!(
                        "<svg class=\"chart chart-{}\" data-marks=\"{}\" data-column=\"{}\" role=\"img\" aria-label=\"{}\" ",
                        plan.kind(),
                        plan.marks(table),
                        escape(plan.column(table)),
                        escape(&caption)
                    ),
                    1,
                );
                let _ = writeln!(
                    out,
                    "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    tagged.trim_end(),
                    escape(&caption)
                );
            }
            Err(message) => {
                let _ = writeln!(out, "<p class=\"check fail\">{}</p>", escape(&message));
            }
        }
    }
    match &result.answer {
        Some(Answer::Table(table)) => {
            match step_groups(table) {
                // A survival step table runs to hundreds of rows: each group folds away.
                Some(groups) => {
                    for (label, rows) in groups {
                        let n = rows.len();
                        let _ = writeln!(
                            out,
                            "<details class=\"steps\"><summary>Step table, {}: {n} row{}</summary>",
                            escape(&label),
                            if n == 1 { "" } else { "s" }
                        );
                        table_html(out, &table.columns, rows);
                        out.push_str("</details>\n");
                    }
                }
                None => table_html(out, &table.columns, &table.rows),
            }
            let n = table.rows.len();
            let _ = writeln!(
                out,
                "<p class=\"count\">{n} row{}</p>",
                if n == 1 { "" } else { "s" }
            );
        }
        Some(Answer::Boolean(value)) => {
            let _ = writeln!(out, "<p><strong>{value}</strong></p>");
        }
        None => {}
    }
    for note in &result.notes {
        let _ = writeln!(out, "<p class=\"note\">Note: {}</p>", escape(note));
    }
    for check in &result.checks {
        let _ = writeln!(
            out,
            "<p class=\"check {}\">{} <code>{}</code> (found {})</p>",
            if check.passed { "pass" } else { "fail" },
            if check.passed {
                "Check held:"
            } else {
                "Check FAILED:"
            },
            escape(&check.text),
            escape(&check.found)
        );
    }
    let _ = writeln!(
        out,
        "<details><summary>Statement and SPARQL</summary>\n<pre class=\"tql\">{}</pre>",
        escape(&result.statement)
    );
    if let Some(sparql) = &result.sparql {
        let _ = writeln!(
            out,
            "<pre class=\"sparql\">{}</pre>",
            escape(sparql.trim_end())
        );
    }
    let _ = writeln!(out, "</details>\n</div>");
}

/// The columns of a survival step table (src/session/tables.rs), after the group column if any.
const STEP_COLUMNS: [&str; 7] = [
    "time", "at_risk", "events", "censored", "survival", "lower", "upper",
];

/// A row of a result table.
type Row = Vec<Option<Term>>;

/// A survival step table's rows split by group (consecutive rows with the same first cell when
/// it has a group column), each with its label: `all` without one, else `COLUMN = VALUE`.
/// `None` for any other table.
fn step_groups(table: &Table) -> Option<Vec<(String, &[Row])>> {
    let grouped = match table.columns.len() {
        7 => false,
        8 => true,
        _ => return None,
    };
    if table.columns[usize::from(grouped)..] != STEP_COLUMNS {
        return None;
    }
    if !grouped {
        return Some(vec![("all".to_owned(), &table.rows[..])]);
    }
    let label = |row: &Row| row[0].as_ref().map(display_term).unwrap_or_default();
    let mut groups = Vec::new();
    let mut start = 0;
    for end in 1..=table.rows.len() {
        if end == table.rows.len() || label(&table.rows[end]) != label(&table.rows[start]) {
            let value = label(&table.rows[start]);
            groups.push((
                format!("{} = {value}", table.columns[0]),
                &table.rows[start..end],
            ));
            start = end;
        }
    }
    Some(groups)
}

/// A `<table>` of `rows` under `columns`, numbers right-aligned and dates kept on one line.
fn table_html(out: &mut String, columns: &[String], rows: &[Row]) {
    let _ = writeln!(out, "<table>\n<thead><tr>");
    for column in columns {
        let _ = write!(out, "<th>{}</th>", escape(column));
    }
    let _ = writeln!(out, "</tr></thead>\n<tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let text = cell.as_ref().map(display_term).unwrap_or_default();
            let class = match cell {
                Some(term) if super::number(term).is_some() => " class=\"num\"",
                Some(term) if chart::year(term).is_some() => " class=\"date\"",
                _ => "",
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&text));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn record(out: &mut String, run: &Run) {
    let _ = writeln!(
        out,
        "<section id=\"reproducibility\">\n<h2>Reproducibility</h2>\n<ul>"
    );
    let _ = writeln!(out, "<li>Report: <code>{}</code></li>", escape(&run.source));
    let _ = writeln!(out, "<li>Tool: {}</li>", escape(&run.tool));
    let _ = writeln!(out, "<li>Run date: {}</li>", escape(&run.run_date));
    let params = if run.params.is_empty() {
        "none".to_owned()
    } else {
        markdown::params(run)
    };
    let _ = writeln!(out, "<li>Parameters: {}</li>", escape(&params));
    let _ = writeln!(out, "<li>Data: {}</li>\n</ul>", escape(&run.data.backend));
    let _ = writeln!(
        out,
        "<table class=\"data\">\n<thead><tr><th>graph</th><th>triples</th></tr></thead>\n<tbody>"
    );
    for (graph, n) in &run.data.graphs {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{n}</td></tr>",
            escape(graph)
        );
    }
    let _ = writeln!(
        out,
        "<tr><td>all graphs</td><td class=\"num\">{}</td></tr>\n</tbody>\n</table>",
        run.data.triples()
    );
    let _ = writeln!(out, "<h3>Statements</h3>");
    for result in run.results() {
        let _ = writeln!(
            out,
            "<p><code>{}</code> (line {})</p>\n<pre class=\"tql\">{}</pre>",
            escape(&result.name),
            result.line,
            escape(&result.statement)
        );
        if let Some(sparql) = &result.sparql {
            let _ = writeln!(
                out,
                "<pre class=\"sparql\">{}</pre>",
                escape(sparql.trim_end())
            );
        }
    }
    let _ = writeln!(out, "</section>");
}

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Prose with the inline Markdown a report needs: `code`, **strong** and *emphasis*. The text
/// is escaped first, so nothing written in a report becomes markup by accident.
fn inline(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::new();
    let mut rest = escaped.as_str();
    let mut strong = false;
    let mut em = false;
    while let Some(c) = rest.chars().next() {
        if c == '`'
            && let Some(end) = rest[1..].find('`')
        {
            let _ = write!(out, "<code>{}</code>", &rest[1..1 + end]);
            rest = &rest[end + 2..];
        } else if rest.starts_with("**") && (strong || rest[2..].contains("**")) {
            out.push_str(if strong { "</strong>" } else { "<strong>" });
            strong = !strong;
            rest = &rest[2..];
        } else if c == '*' && (em || rest[1..].contains('*')) {
            out.push_str(if em { "</em>" } else { "<em>" });
            em = !em;
            rest = &rest[1..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if strong {
        out.push_str("</strong>");
    }
    if em {
        out.push_str("</em>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_inline_markup() {
        assert_eq!(escape("A & \"B\" <c>"), "A &amp; &quot;B&quot; &lt;c&gt;");
        assert_eq!(
            inline("a `x<y` **b** *c* <script>"),
            "a <code>x&lt;y</code> <strong>b</strong> <em>c</em> &lt;script&gt;"
        );
        assert_eq!(inline("2 * 3"), "2 * 3");
    }
}
