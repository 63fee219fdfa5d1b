//! The report layer of a `.tq` file: headings, prose and directives written in comment lines
//! (`## Heading`, `#' prose`, `#@directive ...`), so that a report stays a valid TQL script.
//! This module splits a file into sections and ties each directive to the statement after it,
//! keeping line numbers for error messages.

use crate::error::{Error, Result};
use crate::lang::ast::{CompareOp, Script, Statement};
use crate::lang::grammar;

/// A report as written: its title, declared parameters and sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What the file is called in messages.
    pub name: String,
    /// The whole text (the TQL statements are spans into it).
    pub text: String,
    /// The parsed TQL script.
    pub script: Script,
    /// `#@title`, else the first `--` comment line of the file, else the file name.
    pub title: String,
    /// `#@param` declarations, in order.
    pub params: Vec<Param>,
    /// The sections; statements before the first heading go into a section without heading.
    pub sections: Vec<Section>,
}

/// A `#@param NAME [= DEFAULT]` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub default: Option<String>,
    pub line: usize,
}

/// A `## Heading` and what follows it up to the next heading.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    pub heading: Option<String>,
    pub blocks: Vec<Block>,
}

/// One piece of a section, in the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of prose (the text of consecutive `#'` lines).
    Prose(String),
    /// A statement of the script, by its index, with the directives written before it.
    Statement(Item),
}

/// A statement and its directives.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Index into `Report::script.statements`.
    pub index: usize,
    /// Line of the statement's first character.
    pub line: usize,
    /// `#@name`, else none (the section heading names it then).
    pub name: Option<String>,
    pub checks: Vec<Check>,
    pub chart: Option<ChartSpec>,
}

/// An `#@assert` directive.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The text as written after `#@assert`.
    pub text: String,
    pub line: usize,
    /// `rows` or a column name.
    pub subject: String,
    pub op: CompareOp,
    pub bound: f64,
}

/// A `#@chart` directive: the kind and the columns to use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartSpec {
    pub kind: ChartKind,
    /// `key=column` options: `date`, `color`, `label`, `value`.
    pub options: Vec<(String, String)>,
    pub line: usize,
}

/// Which chart to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartKind {
    /// Chosen from the result's shape.
    #[default]
    Auto,
    None,
    Bars,
    Timeline,
}

/// Whether `text` uses any report line (`## `, `#'`, `#@`), as opposed to a plain query file.
pub(crate) fn is_report(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .any(|l| l.starts_with("#@") || l.starts_with("#'") || l.starts_with("## ") || l == "##")
}

/// Reads a report: the TQL script, then its report lines.
pub fn parse(name: &str, text: &str) -> Result<Report> {
    let script = crate::session::parse(name, text)?;
    let spans: Vec<(usize, usize)> = script
        .statements
        .iter()
        .map(|s| (s.span().start, s.span().end))
        .collect();
    let error = |line: usize, message: String| Error::Report {
        file: name.to_owned(),
        line,
        message,
    };

    let mut title = None;
    let mut first_comment: Option<String> = None;
    let mut title_done = false;
    let mut params: Vec<Param> = Vec::new();
    let mut sections = vec![Section::default()];
    let mut pending = Pending::default();
    let mut prose: Vec<String> = Vec::new();
    let mut next_statement = 0;
    let mut offset = 0;

    for (number, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = number + 1;
        let start = offset;
        offset += raw.len();
        // Statements that begin before this line come first.
        while next_statement < spans.len() && spans[next_statement].0 < start {
            flush_prose(&mut prose, &mut sections);
            let item = pending.take(next_statement, line_of(text, spans[next_statement].0));
            push_item(&script, item, &mut sections).map_err(|(l, m)| error(l, m))?;
            next_statement += 1;
        }
        // A line inside a statement (a raw SPARQL string may hold `#` comments) is not ours.
        if spans.iter().any(|&(s, e)| start > s && start < e) {
            continue;
        }
        let line = raw.trim();
        // The opening `--` comment lines of the file say what it is about: the default title.
        match (line.strip_prefix("--"), &mut first_comment) {
            (Some(comment), None) if line_no == 1 => {
                first_comment = Some(comment.trim().to_owned())
            }
            (Some(comment), Some(title)) if !title_done => {
                title.push(' ');
                title.push_str(comment.trim());
            }
            _ => title_done = true,
        }
        if let Some(rest) = line.strip_prefix("#'") {
            prose.push(rest.strip_prefix(' ').unwrap_or(rest).trim_end().to_owned());
            continue;
        }
        flush_prose(&mut prose, &mut sections);
        if line == "##" || line.starts_with("## ") {
            if !pending.is_empty() {
                return Err(error(
                    pending.line,
                    "a directive without a query after it in its section".into(),
                ));
            }
            let heading = line[2..].trim();
            if heading.is_empty() {
                return Err(error(
                    line_no,
                    "a heading needs a text: `## Heading`".into(),
                ));
            }
            sections.push(Section {
                heading: Some(heading.to_owned()),
                blocks: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix("#@") {
            let (word, arg) = rest
                .split_once(char::is_whitespace)
                .map_or((rest, ""), |(w, a)| (w, a.trim()));
            match word {
                "title" if !arg.is_empty() => title = Some(arg.to_owned()),
                "param" => {
                    let param = parse_param(arg, line_no).map_err(|m| error(line_no, m))?;
                    if params.iter().any(|p| p.name == param.name) {
                        return Err(error(
                            line_no,
                            format!("the parameter `{}` is declared twice", param.name),
                        ));
                    }
                    params.push(param);
                }
                "assert" => {
                    let check = parse_check(arg, line_no).map_err(|m| error(line_no, m))?;
                    pending.line = pending.line.max(line_no);
                    pending.checks.push(check);
                }
                "chart" => {
                    let chart = parse_chart(arg, line_no).map_err(|m| error(line_no, m))?;
                    if pending.chart.replace(chart).is_some() {
                        return Err(error(line_no, "a second #@chart for the same query".into()));
                    }
                    pending.line = pending.line.max(line_no);
                }
                "name" if is_name(arg) => {
                    pending.name = Some(arg.to_owned());
                    pending.line = pending.line.max(line_no);
                }
                "name" => {
                    return Err(error(
                        line_no,
                        format!("`{arg}` is not a result name: use letters, digits, `-` and `_`"),
                    ));
                }
                "title" => return Err(error(line_no, "#@title needs a text".into())),
                other => {
                    return Err(error(
                        line_no,
                        format!(
                            "unknown directive `#@{other}`; expected #@title, #@param, #@assert, #@chart or #@name"
                        ),
                    ));
                }
            }
        }
    }
    flush_prose(&mut prose, &mut sections);
    while next_statement < spans.len() {
        let item = pending.take(next_statement, line_of(text, spans[next_statement].0));
        push_item(&script, item, &mut sections).map_err(|(l, m)| error(l, m))?;
        next_statement += 1;
    }
    if !pending.is_empty() {
        return Err(error(
            pending.line,
            "a directive without a query after it".into(),
        ));
    }
    if sections[0].heading.is_none() && sections[0].blocks.is_empty() {
        sections.remove(0);
    }
    let title = title.or(first_comment).unwrap_or_else(|| name.to_owned());
    Ok(Report {
        name: name.to_owned(),
        text: text.to_owned(),
        script,
        title,
        params,
        sections,
    })
}

#[derive(Default)]
struct Pending {
    name: Option<String>,
    checks: Vec<Check>,
    chart: Option<ChartSpec>,
    line: usize,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.checks.is_empty() && self.chart.is_none()
    }

    fn take(&mut self, index: usize, line: usize) -> Item {
        let taken = std::mem::take(self);
        Item {
            index,
            line,
            name: taken.name,
            checks: taken.checks,
            chart: taken.chart,
        }
    }
}

/// Adds a statement to the current section; directives before a `let` are an error.
fn push_item(
    script: &Script,
    item: Item,
    sections: &mut [Section],
) -> std::result::Result<(), (usize, String)> {
    if let Statement::Let { .. } = script.statements[item.index]
        && (!item.checks.is_empty() || item.chart.is_some() || item.name.is_some())
    {
        return Err((
            item.line,
            "a `let` gives no result: put #@assert, #@chart and #@name before a query".into(),
        ));
    }
    current(sections).blocks.push(Block::Statement(item));
    Ok(())
}

fn current(sections: &mut [Section]) -> &mut Section {
    sections.last_mut().expect("there is always a section")
}

fn flush_prose(prose: &mut Vec<String>, sections: &mut [Section]) {
    if prose.is_empty() {
        return;
    }
    // Blank `#'` lines separate paragraphs.
    let text = std::mem::take(prose).join("\n");
    for paragraph in text.split("\n\n") {
        let paragraph = paragraph.trim();
        if !paragraph.is_empty() {
            current(sections)
                .blocks
                .push(Block::Prose(paragraph.to_owned()));
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

fn parse_param(arg: &str, line: usize) -> Result<Param, String> {
    let (name, default) = match arg.split_once('=') {
        Some((n, d)) => (n.trim(), Some(d.trim().to_owned())),
        None => (arg.trim(), None),
    };
    let name = name.trim_start_matches('$');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!(
            "expected `#@param NAME` or `#@param NAME = DEFAULT`, found `{arg}`"
        ));
    }
    Ok(Param {
        name: name.to_owned(),
        default,
        line,
    })
}

fn parse_check(arg: &str, line: usize) -> Result<Check, String> {
    let usage = || {
        format!(
            "expected `#@assert rows OP NUMBER` or `#@assert COLUMN OP NUMBER` (OP one of = != < <= > >=), found `{arg}`"
        )
    };
    // TQL's comparison symbols, but `<>`, which checks have never taken.
    let (at, text, op) = grammar::COMPARISONS
        .iter()
        .filter(|(text, _)| *text != "<>")
        .filter_map(|(text, op)| arg.find(text).map(|at| (at, *text, *op)))
        .min_by_key(|(at, text, _)| (*at, usize::MAX - text.len()))
        .ok_or_else(usage)?;
    let subject = arg[..at].trim();
    let bound = arg[at + text.len()..].trim();
    if !is_name(subject) {
        return Err(usage());
    }
    let bound: f64 = bound.parse().map_err(|_| usage())?;
    Ok(Check {
        text: arg.to_owned(),
        line,
        subject: subject.to_owned(),
        op,
        bound,
    })
}

fn parse_chart(arg: &str, line: usize) -> Result<ChartSpec, String> {
    let mut words = arg.split_whitespace();
    let kind = match words.next() {
        Some("auto") => ChartKind::Auto,
        Some("none") => ChartKind::None,
        Some("bars") => ChartKind::Bars,
        Some("timeline") => ChartKind::Timeline,
        other => {
            return Err(format!(
                "expected `#@chart auto|none|bars|timeline [key=column]...`, found `{}`",
                other.unwrap_or("")
            ));
        }
    };
    let allowed: &[&str] = match kind {
        ChartKind::Bars => &["label", "value"],
        ChartKind::Timeline => &["date", "color"],
        _ => &[],
    };
    let mut options = Vec::new();
    for word in words {
        let Some((key, value)) = word.split_once('=') else {
            return Err(format!("expected key=column, found `{word}`"));
        };
        if !allowed.contains(&key) || value.is_empty() {
            return Err(format!(
                "`{key}` is not an option of this chart; it takes: {}",
                if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                }
            ));
        }
        options.push((key.to_owned(), value.to_owned()));
    }
    Ok(ChartSpec {
        kind,
        options,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
-- Outcomes
#@title A report
#@param country = Ukraine
#@param from

#' Some prose
#' on two lines.
#'
#' A second paragraph.
settlements where party = $country show name;

## Counts
#@assert rows >= 2
#@chart bars label=kind value=n
count settlements by kind;
let x = settlements;
sparql \"\"\"
#@assert not a directive
SELECT * WHERE { ?s ?p ?o } LIMIT 1
\"\"\"
";

    #[test]
    fn sections_prose_and_directives() {
        let report = parse("r.tq", REPORT).unwrap();
        assert_eq!(report.title, "A report");
        assert_eq!(report.params.len(), 2);
        assert_eq!(report.params[0].default.as_deref(), Some("Ukraine"));
        assert_eq!(report.params[1].default, None);
        assert_eq!(report.sections.len(), 2);
        let first = &report.sections[0];
        assert_eq!(first.heading, None);
        assert_eq!(
            first.blocks[0],
            Block::Prose("Some prose\non two lines.".into())
        );
        assert_eq!(first.blocks[1], Block::Prose("A second paragraph.".into()));
        let second = &report.sections[1];
        assert_eq!(second.heading.as_deref(), Some("Counts"));
        let Block::Statement(item) = &second.blocks[0] else {
            panic!()
        };
        assert_eq!((item.index, item.line), (1, 15));
        assert_eq!(item.checks[0].op, CompareOp::Ge);
        assert_eq!(item.checks[0].bound, 2.0);
        assert_eq!(item.chart.as_ref().unwrap().kind, ChartKind::Bars);
        // The `#@assert` inside the SPARQL string is part of the query.
        let Block::Statement(last) = &second.blocks[2] else {
            panic!()
        };
        assert!(last.checks.is_empty());
        assert_eq!(second.blocks.len(), 3);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("#@frobnicate\nsettlements", 1, "unknown directive"),
            (
                "settlements;\n#@assert rows >> 3\nsettlements",
                2,
                "expected",
            ),
            ("#@assert rows > 1\n## H\nsettlements", 1, "without a query"),
            ("#@chart pie\nsettlements", 1, "expected"),
            ("#@chart bars date=x\nsettlements", 1, "not an option"),
            ("#@assert rows > 1\nlet x = settlements", 2, "`let`"),
            ("#@param a\n#@param a = 1\nsettlements", 2, "declared twice"),
            ("settlements\n#@assert rows > 1", 2, "without a query"),
        ];
        for (text, line, message) in cases {
            match parse("r.tq", text) {
                Err(Error::Report {
                    line: l,
                    message: m,
                    ..
                }) => {
                    assert_eq!(l, line, "{text}: {m}");
                    assert!(m.contains(message), "{text}: {m}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_opening_comment_is_the_default_title() {
        let report = parse(
            "r.tq",
            "-- How long did peace last,\n-- by mechanism?\nsettlements -- not this\n",
        )
        .unwrap();
        assert_eq!(report.title, "How long did peace last, by mechanism?");
    }

    #[test]
    fn plain_files_are_not_reports() {
        assert!(!is_report("-- a comment\n# another\nsettlements"));
        assert!(is_report("## Heading\nsettlements"));
    }
}
