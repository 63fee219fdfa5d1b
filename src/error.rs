//! The library's error type. Each variant says where and why; the store layer's errors
//! ([`crate::store::Error`]) come wrapped in [`Error::Store`]. `exit_code` maps every kind to
//! the exit codes (1 for a command line that cannot be carried out, 2 for data, store and load
//! errors, 3 for query errors).

use std::path::PathBuf;

use crate::store::Error as StoreError;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A data file is malformed. Line and column count from 1.
    #[error("{}", located(file, *line, *column, message))]
    Syntax {
        file: String,
        line: Option<u64>,
        column: Option<u64>,
        message: String,
    },

    /// The format of a data file cannot be told from its name.
    #[error(
        "{file}: cannot tell the RDF format from the file name; pass --format (turtle, ntriples, nquads, trig, rdfxml, jsonld, n3)"
    )]
    UnknownFormat { file: String },

    /// A format name that is not one we know.
    #[error("unknown format '{name}'; expected one of: {expected}")]
    BadFormatName {
        name: String,
        expected: &'static str,
    },

    /// An IRI given by the user is not valid.
    #[error("'{iri}' is not a valid IRI: {message}")]
    BadIri { iri: String, message: String },

    /// A TQL text with an error: the diagnostic and the text it points into.
    #[error("{}", diagnostic.message)]
    Tql {
        /// What the text is called in messages (a file name, `query`).
        name: String,
        /// The whole text.
        text: String,
        diagnostic: Box<crate::lang::diagnostic::Diagnostic>,
    },

    /// The terminal could not be read from or written to (interactive shell).
    #[error("terminal: {0}")]
    Terminal(String),

    /// A report file (`#@` directives, headings) that cannot be used, or a parameter it needs
    /// and did not get. Lines count from 1.
    #[error("{file}:{line}: {message}")]
    Report {
        file: String,
        line: usize,
        message: String,
    },

    /// A row of an imported table that the mapping cannot convert. Rows count as in a
    /// spreadsheet: the header is row 1.
    #[error(
        "{file}:{row}: column \"{}\": value \"{}\": {message}",
        one_line(column),
        one_line(value)
    )]
    BadRow {
        file: String,
        row: u64,
        column: String,
        value: String,
        message: String,
    },

    /// `--mapping NAME` names no built-in mapping and no file.
    #[error(
        "no built-in mapping or mapping file named '{name}'; built-in mappings: {available} (or give the path of a .toml file)"
    )]
    UnknownMapping { name: String, available: String },

    /// The user asked for something the command cannot do with this input.
    #[error("{0}")]
    Unsupported(String),

    /// A command line that cannot be carried out as given (exit 1, like clap's own usage
    /// errors).
    #[error("{0}")]
    Usage(String),

    /// The store layer failed: opening, locking, storage, a query, an endpoint.
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}

/// A cell of a table as it can be shown in a one-line message: line breaks, tabs and other
/// control characters written as escapes, and at most 80 characters.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 80 {
            out.push_str("...");
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `file:line:column: message`, with as much of the position as is known.
fn located(file: &str, line: Option<u64>, column: Option<u64>, message: &str) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}: {message}"),
        (Some(l), None) => format!("{file}:{l}: {message}"),
        _ => format!("{file}: {message}"),
    }
}

impl Error {
    /// The error as a user reads it, ending with a line break: a TQL error as a report with
    /// the source line and a caret (coloured when `color`), a SPARQL syntax error with its line
    /// and a caret, anything else as one `error:` line.
    pub fn render(&self, color: bool) -> String {
        match self {
            Error::Tql {
                name,
                text,
                diagnostic,
            } => diagnostic.render(name, text, color),
            Error::Store(StoreError::QuerySyntax {
                query,
                line: Some(line),
                column: Some(column),
                message,
            }) => {
                let reason = message
                    .split_once(": ")
                    .map_or(message.as_str(), |(_, r)| r);
                let mut out = format!(
                    "error: SPARQL syntax error at line {line}, column {column}: {reason}\n"
                );
                if let Some(text) = query.lines().nth(line.saturating_sub(1) as usize) {
                    out.push_str(&caret_lines(text, *line, *column));
                }
                out
            }
            Error::Store(StoreError::QuerySyntax { message, .. }) => {
                format!("error: SPARQL syntax: {message}\n")
            }
            other => format!("error: {other}\n"),
        }
    }

    /// The process exit code for this error: 1 for a command line that cannot be carried out,
    /// 3 for query errors, 2 for everything else (the README lists them: "Exit codes").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Tql { .. }
            | Error::Report { .. }
            | Error::Store(
                StoreError::QuerySyntax { .. }
                | StoreError::QueryEvaluation(_)
                | StoreError::Cancelled
                | StoreError::EndpointQuery { .. }
                | StoreError::UpdateRefused,
            ) => 3,
            Error::Usage(_) | Error::Store(StoreError::Options(_)) => 1,
            _ => 2,
        }
    }

    /// True when a query was stopped (Ctrl-C in the shell).
    pub(crate) fn is_cancelled(&self) -> bool {
        matches!(self, Error::Store(StoreError::Cancelled))
    }
}

impl From<oxigraph::store::StorageError> for Error {
    fn from(error: oxigraph::store::StorageError) -> Self {
        Error::Store(StoreError::Storage(error))
    }
}

/// Line `line` of the file at `path` with a caret under `column`, when the file can be read
/// again: not for standard input, a compressed file, or a line longer than 400 characters.
pub fn source_excerpt(
    path: &std::path::Path,
    line: Option<u64>,
    column: Option<u64>,
) -> Option<String> {
    let (line, column) = (line?, column?);
    if path.extension().is_some_and(|e| e == "gz") {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let text = std::io::BufRead::lines(std::io::BufReader::new(file))
        .nth(line.saturating_sub(1) as usize)?
        .ok()?;
    (text.len() <= 400).then(|| caret_lines(&text, line, column))
}

/// `text` shown as line `line` with a caret under `column` (both counted from 1).
pub(crate) fn caret_lines(text: &str, line: u64, column: u64) -> String {
    let gutter = line.to_string().len();
    let pad: String = text
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!(
        "{:gutter$} |\n{line} | {text}\n{:gutter$} | {pad}^\n",
        "", ""
    )
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_shown_on_one_line() {
        assert_eq!(super::one_line("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(super::one_line(&"x".repeat(100)).len(), 83);
        assert_eq!(super::one_line("Küçük Kaynarca"), "Küçük Kaynarca");
    }
}
