//! Writing a report run: its formats (`Format`, chosen from `--format` or the extension of
//! `-o`), one text (`render`), files (`write`: one file, or a folder of CSV files with a
//! manifest), and the plain results `treaty run` prints when no report format is asked for.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ResultSet, Run, html, json, markdown, syntax};
use crate::error::{Error, Result};
use crate::output;

/// A report's output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    /// W3C CSV, one file per result set.
    Csv,
    Json,
}

impl Format {
    /// The format a file name's extension stands for: `.md`, `.html`/`.htm`, `.json`;
    /// `.csv` or no extension (a folder) for CSV.
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("md" | "markdown") => Some(Format::Markdown),
            Some("html" | "htm") => Some(Format::Html),
            Some("json") => Some(Format::Json),
            Some("csv") | None => Some(Format::Csv),
            Some(_) => None,
        }
    }

    /// The format of a report run: the one `--format` names (any case), else the one the
    /// extension of `-o` stands for. `None` when the run prints plain results instead
    /// (`--format table`, `tsv`... to a terminal or a pipe, or neither option).
    pub fn choose(name: Option<&str>, output: Option<&Path>) -> Result<Option<Self>> {
        let name = name.map(str::to_ascii_lowercase);
        match (name.as_deref(), output) {
            (Some("md" | "markdown"), _) => Ok(Some(Format::Markdown)),
            (Some("html"), _) => Ok(Some(Format::Html)),
            (Some("csv"), _) => Ok(Some(Format::Csv)),
            (Some("json"), _) => Ok(Some(Format::Json)),
            (Some(other), _) if crate::output::Format::from_name(other).is_none() => {
                Err(Error::Usage(format!(
                    "unknown format '{other}'; expected one of: table, csv, tsv, json, md, html"
                )))
            }
            (Some(_), Some(_)) => Err(Error::Usage(
                "-o writes md, html, csv or json; pass one of them with --format".to_owned(),
            )),
            (Some(_), None) => Ok(None),
            (None, Some(path)) => Format::from_path(path).map(Some).ok_or_else(|| {
                Error::Unsupported(format!(
                    "{}: cannot tell the format from the extension; pass --format md, html, csv or json",
                    path.display()
                ))
            }),
            (None, None) => Ok(None),
        }
    }
}

/// True when `treaty run` treats a file as a report rather than a plain list of statements:
/// it has report directives or headings, or the command asks for a report's output (`-o`,
/// `--format md` or `html`).
pub fn is_report_run(text: &str, format: Option<&str>, output: bool) -> bool {
    syntax::is_report(text)
        || output
        || format
            .is_some_and(|f| matches!(f.to_ascii_lowercase().as_str(), "md" | "markdown" | "html"))
}

/// The report as one text (Markdown, HTML or JSON; CSV as the result sets one after the other,
/// each after a `# name` line, for a terminal).
pub fn render(run: &Run, format: Format) -> Result<String> {
    Ok(match format {
        Format::Markdown => markdown::render(run),
        Format::Html => html::render(run),
        Format::Json => json::render(run, true),
        Format::Csv => {
            let mut out = Vec::new();
            let shown: Vec<&ResultSet> = run.shown().collect();
            for (i, result) in shown.iter().enumerate() {
                if shown.len() > 1 {
                    if i > 0 {
                        out.push(b'\n');
                    }
                    let _ = writeln!(out, "# {}", result.name);
                }
                if let Some(answer) = &result.answer {
                    output::write(answer, output::Format::Csv, &mut out).map_err(|e| {
                        Error::Io {
                            path: PathBuf::from("<csv>"),
                            source: e,
                        }
                    })?;
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        }
    })
}

/// The report's results as `treaty run` prints a plain file's (to a terminal or a pipe, in
/// a format that is no report's): each result set in `format`, under a `## name` line in a
/// table or Markdown.
pub fn write_plain(run: &Run, format: output::Format, out: &mut dyn Write) -> std::io::Result<()> {
    for result in run.shown() {
        if matches!(format, output::Format::Table | output::Format::Markdown) {
            writeln!(out, "\n## {}", result.name)?;
        }
        if let Some(answer) = &result.answer {
            output::write(answer, format, out)?;
        }
    }
    Ok(())
}

/// Writes the report to `path`. Markdown, HTML and JSON make one file. CSV makes one file
/// when `path` ends in `.csv` and the report has one result set; otherwise `path` is a folder
/// (created when missing) with `NN-name.csv` per result set and `manifest.json`, the report's
/// record (statements, SPARQL, parameters, version, date, data) without the rows.
/// Returns the files written.
pub fn write(run: &Run, format: Format, path: &Path) -> Result<Vec<PathBuf>> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    if format != Format::Csv {
        std::fs::write(path, render(run, format)?).map_err(io(path))?;
        return Ok(vec![path.to_owned()]);
    }
    let shown: Vec<&ResultSet> = run.shown().collect();
    let is_file = path.extension().is_some_and(|e| e == "csv");
    if is_file {
        if shown.len() != 1 {
            return Err(Error::Unsupported(format!(
                "{}: this report has {} result sets, so CSV output needs a folder (a path without .csv)",
                path.display(),
                shown.len()
            )));
        }
        let mut bytes = Vec::new();
        if let Some(answer) = &shown[0].answer {
            output::write(answer, output::Format::Csv, &mut bytes).map_err(io(path))?;
        }
        std::fs::write(path, bytes).map_err(io(path))?;
        return Ok(vec![path.to_owned()]);
    }
    std::fs::create_dir_all(path).map_err(io(path))?;
    let mut written = Vec::new();
    for (i, result) in shown.iter().enumerate() {
        let file = path.join(csv_file_name(i, result));
        let mut bytes = Vec::new();
        if let Some(answer) = &result.answer {
            output::write(answer, output::Format::Csv, &mut bytes).map_err(io(&file))?;
        }
        std::fs::write(&file, bytes).map_err(io(&file))?;
        written.push(file);
    }
    let manifest = path.join("manifest.json");
    std::fs::write(&manifest, json::render(run, false)).map_err(io(&manifest))?;
    written.push(manifest);
    Ok(written)
}

/// `NN-name.csv`, numbered from 01 in the report's order.
pub(crate) fn csv_file_name(index: usize, result: &ResultSet) -> String {
    format!("{:02}-{}.csv", index + 1, result.name)
}
