//! `treaty import`: CSV and TSV tables into RDF through declarative mappings (docs/import.md).
//!
//! Two steps, kept apart so that the same quads can go to the embedded store or an endpoint:
//! `convert_in_chunks` reads a file through a mapping into the quads of one named graph, a
//! chunk of rows at a time, and a summary (nothing is written). [`import`] gives the chunks to
//! the embedded store (its bulk loader, or a scratch database when a graph is replaced) or to
//! an endpoint (spooled to a file per graph, then sent), and returns an [`ImportSummary`].

pub mod cell;
pub(crate) mod convert;
pub(crate) mod mapping;
pub mod matching;
pub(crate) mod read;
pub mod report;
pub(crate) mod states;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};

pub(crate) use convert::Lookup;
pub use mapping::Loaded;

use crate::error::{Error, Result};
use crate::load::Progress;
use crate::store::remote::{Spool, Write};
use crate::store::{Store, Target};
use crate::vocab;

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Keep the good rows of a file with bad ones (and report the bad ones), instead of failing.
    pub skip_bad_rows: bool,
    /// Convert and report, but write nothing: for trying a mapping on a file.
    pub dry_run: bool,
    /// Make no match with settlements already in the store: every row is a settlement of
    /// its own.
    pub no_match: bool,
}

/// A row left out: where, what, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: u64,
    pub column: String,
    pub value: String,
    pub message: String,
}

/// What converting one file did.
#[derive(Debug, Clone)]
pub struct FileImported {
    /// The file's name as given.
    pub file: String,
    /// The mapping's name.
    pub mapping: String,
    /// The graph its triples go to.
    pub graph: NamedNode,
    /// Data rows read (blank lines are not rows).
    pub rows: u64,
    /// Rows converted.
    pub imported: u64,
    /// Rows left out (only with `skip_bad_rows`).
    pub skipped: Vec<BadRow>,
    /// Triples produced, provenance included.
    pub triples: u64,
    /// Actor cells linked to actors already in the store.
    pub linked: u64,
    /// The same cells by how they were linked (COW code, name...).
    pub linked_by: Vec<(String, u64)>,
    /// Names of the actors minted because nothing in the store matched them.
    pub minted: Vec<String>,
    /// Free-text cells read for actor names (`recognise`), those naming at least one known
    /// actor, and the actors found.
    pub texts: u64,
    pub texts_recognised: u64,
    pub recognised: u64,
    /// Cells that were not UTF-8 and were read as Latin-1.
    pub(crate) latin1_cells: u64,
    /// Matches proposed with settlements already in the store, taken or not.
    pub matches: Vec<matching::Proposal>,
    /// Every distinct cell value linked to or creating an actor, for the report.
    pub cells: Vec<report::CellLink>,
    /// The actors created, for the report.
    pub created: Vec<report::Created>,
    /// Time spent reading and converting.
    pub elapsed: Duration,
}

/// The graph of a file imported with `mapping`:
/// `https://w3id.org/treaty/graph/import/<mapping>/<file name without extension>`.
pub(crate) fn graph_for(mapping: &str, path: &Path) -> NamedNode {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".to_owned());
    let mut local = String::new();
    for b in stem.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            local.push(b as char);
        } else {
            local.push_str(&format!("%{b:02X}"));
        }
    }
    NamedNode::new_unchecked(format!("{}/import/{mapping}/{local}", graph_base()))
}

fn graph_base() -> &'static str {
    vocab::BUNDLED_GRAPH.trim_end_matches("/bundled")
}

/// Rows converted before their quads go on (to the store, or to be counted): the conversion
/// holds at most this many rows' quads at a time.
const CHUNK_ROWS: usize = 5_000;

/// What matching needs: the settlements already in the store and the user's decisions.
pub(crate) struct Matcher {
    namespace: String,
    candidates: matching::Candidates,
    spec: matching::MatchSpec,
    decisions: matching::Decisions,
}

/// Reads `path` through `mapping` and gives the quads of its graph to `sink`, a chunk of
/// [`CHUNK_ROWS`] rows at a time, each matched (with `matcher`) before it goes: memory holds
/// one chunk, the actors minted so far and the summary, whatever the file's size. The first
/// chunk starts with the source's description; the last holds the minted actors and the
/// import's provenance. An error may come after some chunks went to `sink`: the caller must
/// make sure that what it did with them is undone (the bulk loader commits nothing then).
fn convert_in_chunks(
    path: &Path,
    mapping: &Loaded,
    lookup: &Lookup,
    options: Options,
    progress: &dyn Progress,
    matcher: Option<&Matcher>,
    sink: &mut dyn FnMut(Vec<Quad>) -> Result<()>,
) -> Result<FileImported> {
    let started = Instant::now();
    let file = path.display().to_string();
    let handle = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let size = handle.metadata().ok().map(|m| m.len());
    progress.start(&file, size);
    let counting = Counting {
        inner: handle,
        progress,
    };
    let delimiter = mapping
        .mapping
        .delimiter
        .as_ref()
        .and_then(|d| mapping::delimiter_byte(d.get_ref()));
    let mut table = read::Table::new(counting, &file, delimiter)?;
    let graph = graph_for(&mapping.name, path);
    let plan = convert::Plan::new(mapping, &table.header, &file, &graph, lookup)?;
    let mut quads = plan.source_quads(mapping, &file);
    let mut tally = convert::Tally::default();
    let (mut rows, mut imported, mut skipped) = (0, 0, Vec::new());
    let (mut triples, mut matches) = (0u64, Vec::new());
    let mut pass_on = |mut quads: Vec<Quad>, matches: &mut Vec<matching::Proposal>| {
        if let Some(m) = matcher {
            matches.extend(matching::link(
                &mut quads,
                &m.namespace,
                &m.candidates,
                &m.spec,
                &m.decisions,
            ));
        }
        triples += quads.len() as u64;
        sink(quads)
    };
    let mut in_chunk = 0;
    while let Some(row) = table.next_row()? {
        rows += 1;
        let converted = if let Some((position, value)) = row.extra {
            Err(convert::BadCell {
                column: format!("column_{position}"),
                value,
                message: format!(
                    "the header has only {} columns; a value beyond them is probably a stray delimiter",
                    table.header.len()
                ),
            })
        } else {
            plan.row(&row.cells, lookup, &mut quads, &mut tally)
        };
        match converted {
            Ok(()) => imported += 1,
            Err(bad) if options.skip_bad_rows => skipped.push(BadRow {
                row: row.number,
                column: bad.column,
                value: bad.value,
                message: bad.message,
            }),
            Err(bad) => {
                progress.finish();
                return Err(Error::BadRow {
                    file,
                    row: row.number,
                    column: bad.column,
                    value: bad.value,
                    message: bad.message,
                });
            }
        }
        in_chunk += 1;
        if in_chunk == CHUNK_ROWS {
            in_chunk = 0;
            if let Err(e) = pass_on(std::mem::take(&mut quads), &mut matches) {
                progress.finish();
                return Err(e);
            }
        }
    }
    progress.finish();
    quads.extend(plan.minted_quads(&tally));
    let observed = mapping
        .mapping
        .observed_on
        .as_ref()
        .and_then(|d| mapping::observed_on(d.get_ref()).ok());
    provenance(
        &mut quads,
        &graph,
        &file,
        &mapping.name,
        observed.map(|d| d.literal()),
        (imported, skipped.len()),
    );
    pass_on(quads, &mut matches)?;
    Ok(FileImported {
        file,
        mapping: mapping.name.clone(),
        graph,
        rows,
        imported,
        skipped,
        triples,
        linked: tally.linked,
        linked_by: tally
            .linked_by
            .iter()
            .map(|(how, n)| (how.describe().to_owned(), *n))
            .collect(),
        minted: tally.minted.values().map(|m| m.name.clone()).collect(),
        cells: tally
            .cells
            .iter()
            .map(|((value, actor, how), n)| report::CellLink {
                value: value.clone(),
                actor: actor.clone(),
                how: (*how).to_owned(),
                cells: *n,
            })
            .collect(),
        created: tally
            .minted
            .iter()
            .map(|(iri, m)| report::Created {
                actor: iri.clone(),
                name: m.name.clone(),
                cow: m.cow,
                gw: m.gw,
                from: m.from,
                until: m.until,
            })
            .collect(),
        texts: tally.texts,
        texts_recognised: tally.texts_recognised,
        recognised: tally.recognised,
        latin1_cells: table.latin1_cells,
        matches,
        elapsed: started.elapsed(),
    })
}

/// Describes the import in its own graph, so that replacing the graph replaces the description.
/// `observed` is the mapping's observation date: the survival analysis reads it from the graph
/// to censor the imported peaces coded holding.
fn provenance(
    quads: &mut Vec<Quad>,
    graph: &NamedNode,
    file: &str,
    mapping: &str,
    observed: Option<Literal>,
    (rows, skipped): (u64, usize),
) {
    let tr = |local: &str| NamedNode::new_unchecked(format!("{}{local}", vocab::ONTOLOGY));
    let name = Path::new(file)
        .file_name()
        .map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned());
    let g = GraphName::NamedNode(graph.clone());
    let mut add = |p: NamedNode, o: Term| quads.push(Quad::new(graph.clone(), p, o, g.clone()));
    add(rdf::TYPE.into_owned(), tr("Import").into());
    add(
        rdfs::LABEL.into_owned(),
        Literal::new_language_tagged_literal_unchecked(
            format!("{name} imported with mapping {mapping}"),
            "en",
        )
        .into(),
    );
    add(tr("importedFrom"), Literal::new_simple_literal(name).into());
    add(tr("mapping"), Literal::new_simple_literal(mapping).into());
    add(
        tr("importedAt"),
        Literal::new_typed_literal(crate::clock::utc_now(), xsd::DATE_TIME).into(),
    );
    add(
        tr("rowCount"),
        Literal::new_typed_literal(rows.to_string(), xsd::INTEGER).into(),
    );
    add(
        tr("skippedRows"),
        Literal::new_typed_literal(skipped.to_string(), xsd::INTEGER).into(),
    );
    if let Some(date) = observed {
        add(tr("observedOn"), date.into());
    }
}

/// Converts every file with the mapping `name_or_path`, then stores them all (unless
/// `dry_run`): at once in the local store, graph by graph on an endpoint.
pub fn import(
    target: &Target,
    files: &[PathBuf],
    name_or_path: &str,
    options: Options,
    decisions: Option<&Path>,
    progress: &dyn Progress,
) -> Result<ImportSummary> {
    let mapping = mapping::load(name_or_path)?;
    let decisions = decisions
        .map(matching::Decisions::read)
        .transpose()?
        .unwrap_or_default();
    if !options.dry_run
        && let Some(store) = target.store()
    {
        store.writable()?;
    }
    let mut graphs = std::collections::HashMap::new();
    for file in files {
        let graph = graph_for(&mapping.name, file);
        if let Some(other) = graphs.insert(graph.clone(), file) {
            return Err(Error::Unsupported(format!(
                "{} and {} would both go to the graph <{}>; import them in separate commands or rename one",
                other.display(),
                file.display(),
                graph.as_str()
            )));
        }
    }
    let lookup = Lookup::read(target.backend(), &convert::namespace(&mapping.name))?;
    let matcher = if options.no_match {
        None
    } else {
        let namespace = convert::namespace(&mapping.name);
        Some(Matcher {
            candidates: matching::Candidates::read(target.backend(), &namespace)?,
            namespace,
            spec: mapping.mapping.matching.clone().unwrap_or_default(),
            decisions,
        })
    };
    let each_file = |sink: &mut dyn FnMut(Vec<Quad>) -> Result<()>| -> Result<Vec<FileImported>> {
        files
            .iter()
            .map(|file| {
                convert_in_chunks(
                    file,
                    &mapping,
                    &lookup,
                    options,
                    progress,
                    matcher.as_ref(),
                    sink,
                )
            })
            .collect()
    };
    let (summaries, commit) = match target {
        _ if options.dry_run => (each_file(&mut |_| Ok(()))?, Duration::ZERO),
        // Graphs that hold nothing yet stream into the bulk loader, which commits them all
        // at once at the end: bounded memory, and an error leaves the store as it was.
        Target::Store(local) if !holds_any(local, files, &mapping.name)? => {
            let writing = local.for_writing()?;
            let mut summaries = Vec::new();
            let started = Instant::now();
            writing.bulk_load(|sink| {
                summaries = each_file(&mut |chunk| sink(chunk).map_err(Error::from))?;
                Ok::<(), Error>(())
            })?;
            let commit = started.elapsed();
            // The conversion's time is in each file's `elapsed`; the rest is the commit.
            let converting: Duration = summaries.iter().map(|s| s.elapsed).sum();
            (summaries, commit.saturating_sub(converting))
        }
        // Importing again: the new contents go to a scratch database in chunks, and one
        // transaction writes the difference from the old ones (docs/import.md, Memory).
        Target::Store(local) => {
            let graphs: Vec<NamedNode> = files
                .iter()
                .map(|file| graph_for(&mapping.name, file))
                .collect();
            let writing = local.for_writing()?;
            let mut summaries = Vec::new();
            let started = Instant::now();
            writing.replace_graphs_streamed(&graphs, |sink| {
                summaries = each_file(&mut |chunk| sink(chunk).map_err(Error::from))?;
                Ok::<(), Error>(())
            })?;
            let converting: Duration = summaries.iter().map(|s| s.elapsed).sum();
            (summaries, started.elapsed().saturating_sub(converting))
        }
        // To an endpoint: each graph is spooled to a temporary file as its chunks come, then
        // sent from it, one request per graph (docs/import.md, Memory).
        Target::Endpoint(endpoint) => {
            let mut spool = Spool::new();
            for file in files {
                spool.add_graph(&graph_for(&mapping.name, file))?;
            }
            let summaries = each_file(&mut |chunk| {
                for quad in &chunk {
                    if let GraphName::NamedNode(graph) = &quad.graph_name {
                        spool.write(graph, quad.as_ref().into())?;
                    }
                }
                Ok(())
            })?;
            let started = Instant::now();
            spool.send(endpoint, Write::Replace)?;
            (summaries, started.elapsed())
        }
    };
    Ok(ImportSummary {
        files: summaries,
        commit,
        sent_to: match target {
            Target::Endpoint(endpoint) => Some(endpoint.graph_store_url().to_owned()),
            Target::Store(_) => None,
        },
        dry_run: options.dry_run,
    })
}

/// True when one of the graphs the files go to already holds something in `store`.
fn holds_any(store: &Store, files: &[PathBuf], mapping: &str) -> Result<bool> {
    for file in files {
        if store.holds_graph(&graph_for(mapping, file))? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// What a whole import did. Its `Display` is the summary the command line prints: per file the
/// rows and triples, the actors linked and minted, cells read as Latin-1 and rows skipped; then
/// where it all went.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// One entry per file, in order.
    pub files: Vec<FileImported>,
    /// Time spent storing (zero for a dry run).
    pub(crate) commit: Duration,
    /// The Graph Store Protocol URL the graphs went to, when the target is an endpoint.
    pub(crate) sent_to: Option<String>,
    /// Converted only: nothing was written.
    pub dry_run: bool,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.dry_run {
            "converted"
        } else {
            "imported"
        };
        for r in &self.files {
            let seconds = r.elapsed.as_secs_f64();
            writeln!(
                f,
                "{verb} {}: {} of {} rows, {} triples in {seconds:.2} s ({:.0} rows/s) into <{}>",
                r.file,
                r.imported,
                r.rows,
                r.triples,
                r.rows as f64 / seconds.max(1e-9),
                r.graph.as_str()
            )?;
            write!(
                f,
                "  actors: {} cell{} linked to known actors",
                r.linked,
                plural(r.linked as usize),
            )?;
            if !r.linked_by.is_empty() {
                let by: Vec<String> = r
                    .linked_by
                    .iter()
                    .map(|(how, n)| format!("{n} by {how}"))
                    .collect();
                write!(f, " ({})", by.join(", "))?;
            }
            write!(
                f,
                ", {} new actor{}",
                r.minted.len(),
                plural(r.minted.len())
            )?;
            if !r.minted.is_empty() {
                let shown: Vec<&str> = r.minted.iter().take(8).map(String::as_str).collect();
                write!(f, " ({}", shown.join(", "))?;
                let more = r.minted.len().saturating_sub(8);
                if more > 0 {
                    write!(f, ", and {more} more")?;
                }
                write!(f, ")")?;
            }
            writeln!(f)?;
            if r.texts > 0 {
                writeln!(
                    f,
                    "  free text: {} of {} cell{} name a known actor ({} actor{} recognised)",
                    r.texts_recognised,
                    r.texts,
                    plural(r.texts as usize),
                    r.recognised,
                    plural(r.recognised as usize)
                )?;
            }
            write_matches(f, r, self.dry_run)?;
            if r.latin1_cells > 0 {
                writeln!(
                    f,
                    "  note: {} cell(s) were not UTF-8 and were read as Latin-1",
                    r.latin1_cells
                )?;
            }
            if !r.skipped.is_empty() {
                writeln!(f, "  skipped {} bad rows:", r.skipped.len())?;
                for bad in &r.skipped {
                    writeln!(
                        f,
                        "    {}:{}: column \"{}\": value \"{}\": {}",
                        r.file,
                        bad.row,
                        crate::error::one_line(&bad.column),
                        crate::error::one_line(&bad.value),
                        bad.message
                    )?;
                }
            }
        }
        let seconds = self.commit.as_secs_f64();
        match (&self.sent_to, self.dry_run) {
            (_, true) => write!(f, "dry run: nothing was written"),
            (None, false) => write!(f, "committed in {seconds:.2} s"),
            (Some(url), false) => write!(f, "sent to {url} in {seconds:.2} s"),
        }
    }
}

/// The matches of one file: the taken ones always, every proposal in a dry run.
fn write_matches(
    f: &mut std::fmt::Formatter<'_>,
    r: &FileImported,
    dry_run: bool,
) -> std::fmt::Result {
    let taken = r.matches.iter().filter(|m| m.taken()).count();
    if r.matches.is_empty() {
        return Ok(());
    }
    writeln!(
        f,
        "  matches: {taken} row{} matched to settlements in the store, {} other proposal{}",
        plural(taken),
        r.matches.len() - taken,
        plural(r.matches.len() - taken)
    )?;
    for m in r.matches.iter().filter(|m| dry_run || m.taken()) {
        let shown = vocab::compact(&m.settlement).unwrap_or_else(|| format!("<{}>", m.settlement));
        writeln!(
            f,
            "    {:.2} {} \"{}\" = {} \"{}\" [{}] ({})",
            m.score,
            m.id,
            crate::error::one_line(&m.name),
            shown,
            crate::error::one_line(&m.settlement_name),
            m.decision,
            m.evidence
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Counts the bytes read, for the progress bar.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphs_are_named_by_mapping_and_file_stem() {
        assert_eq!(
            graph_for("pax", Path::new("/data/PA-X v8.csv")).as_str(),
            "https://w3id.org/treaty/graph/import/pax/PA-X%20v8"
        );
    }
}
