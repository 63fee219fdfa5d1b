//! Loading RDF files into the store. A load is atomic: every input of one call goes through a
//! single bulk loader that is committed only when all of them have parsed, so a malformed file
//! leaves the store exactly as it was. Each file goes into a named graph of its own, and blank
//! nodes get names derived from the graph and their order of appearance, so loading the same
//! file twice adds nothing.

pub mod format;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flate2::read::MultiGzDecoder;
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{BlankNode, GraphName, NamedNode, NamedOrBlankNode, Quad, Term};

use crate::error::{Error, Result};
use crate::store::remote::{Endpoint, Spool, Write};
use crate::store::{CHUNK, Store, Target};
use crate::vocab;

/// One thing to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file on disk.
    File(PathBuf),
}

impl Input {
    /// `-` means standard input; anything else is a path.
    pub(crate) fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(arg))
        }
    }

    /// The name used in messages.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_owned(),
            Input::File(path) => path.display().to_string(),
        }
    }
}

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The format of every input; by default told from each file's name.
    pub format: Option<RdfFormat>,
    /// The graph for every input's triples; by default one graph per file.
    pub graph: Option<NamedNode>,
    /// Add to the graphs the inputs go to, instead of replacing what they held.
    pub add: bool,
}

impl Options {
    /// Options from the names a user typed: `--format NAME` and `--graph IRI`.
    pub fn from_names(format: Option<&str>, graph: Option<&str>) -> Result<Self> {
        Ok(Self {
            format: format.map(format::from_name).transpose()?,
            graph: graph.map(parse_iri).transpose()?,
            add: false,
        })
    }
}

/// An IRI a user typed (`--graph`), checked.
pub fn parse_iri(iri: &str) -> Result<NamedNode> {
    NamedNode::new(iri).map_err(|e| Error::BadIri {
        iri: iri.to_owned(),
        message: e.to_string(),
    })
}

/// `FILE...` arguments as inputs (`-` is standard input).
pub fn inputs(files: &[String]) -> Vec<Input> {
    files.iter().map(|f| Input::from_arg(f)).collect()
}

/// Told about the progress of a load, to draw a progress bar. The library draws nothing itself.
pub trait Progress {
    /// An input is about to be read; `bytes` is its size when known.
    fn start(&self, name: &str, bytes: Option<u64>);
    /// `bytes` more bytes of the current input have been read.
    fn advance(&self, bytes: u64);
    /// The current input has been read completely.
    fn finish(&self);
}

/// A `Progress` that ignores everything.
pub(crate) struct Silent;

impl Progress for Silent {
    fn start(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// What was read from one input.
#[derive(Debug, Clone)]
pub struct FileLoaded {
    /// The input's name.
    pub name: String,
    /// The graph its triples went to (quads that name their own graph keep it).
    pub graph: NamedNode,
    /// How many triples or quads it held.
    pub triples: u64,
    /// How long it took to read.
    pub elapsed: Duration,
}

/// What a whole load did. Its `Display` is the summary the command line and the shell print:
/// a line per input, then the total.
#[derive(Debug, Clone)]
pub struct LoadSummary {
    /// One entry per input, in order.
    pub files: Vec<FileLoaded>,
    /// Time spent committing (and compacting) after reading.
    pub(crate) commit: Duration,
    /// The Graph Store Protocol URL the triples went to, when the target is an endpoint.
    pub(crate) sent_to: Option<String>,
    /// Graphs of the local store that held triples before and whose content the load replaced
    /// (none with `add`; empty on an endpoint, where every graph sent replaces what it held).
    pub replaced: Vec<NamedNode>,
}

impl std::fmt::Display for FileLoaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "loaded {}: {} triples in {:.2} s into <{}>",
            self.name,
            self.triples,
            self.elapsed.as_secs_f64(),
            self.graph.as_str()
        )
    }
}

impl std::fmt::Display for LoadSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for file in &self.files {
            writeln!(f, "{file}")?;
        }
        let total: u64 = self.files.iter().map(|f| f.triples).sum();
        let seconds = self.commit.as_secs_f64();
        match &self.sent_to {
            None => write!(
                f,
                "committed {total} triples in {seconds:.2} s (triples already in the store are not added twice)"
            )?,
            Some(url) => write!(f, "sent {total} triples to {url} in {seconds:.2} s")?,
        }
        for graph in &self.replaced {
            write!(
                f,
                "\nreplaced what <{}> held before (--add keeps it and adds)",
                graph.as_str()
            )?;
        }
        Ok(())
    }
}

/// `treaty load --bundled`: puts the bundled dataset into an endpoint's bundled graph (the
/// embedded store holds it already: it is seeded when created and updated when treaty is).
/// Returns the line to show.
pub fn load_bundled(target: &Target) -> Result<String> {
    Ok(match target {
        Target::Endpoint(endpoint) => {
            let started = Instant::now();
            let triples = endpoint.seed()?;
            format!(
                "put the bundled dataset ({triples} triples) into <{}> on {} in {:.2} s",
                vocab::BUNDLED_GRAPH,
                endpoint.url(),
                started.elapsed().as_secs_f64()
            )
        }
        Target::Store(_) => "note: the local store holds the bundled dataset already (it is \
                             seeded when created, and updated when treaty is)"
            .to_owned(),
    })
}

/// Loads every input into the target: the embedded store (atomically) or an endpoint.
pub fn load_to(
    target: &Target,
    inputs: &[Input],
    options: &Options,
    progress: &dyn Progress,
) -> Result<LoadSummary> {
    match target {
        Target::Store(store) => load(store, inputs, options, progress),
        Target::Endpoint(endpoint) => load_remote(endpoint, inputs, options, progress),
    }
}

/// Loads every input into `store` in one atomic step. Unless `options.add`, what a graph held
/// before is replaced by what the inputs put there (a file loaded again after an edit keeps no
/// stale triple). Inputs whose graphs are all new stream through the bulk loader; otherwise
/// the inputs go in chunks to a scratch database and one transaction applies the difference.
pub fn load(
    store: &Store,
    inputs: &[Input],
    options: &Options,
    progress: &dyn Progress,
) -> Result<LoadSummary> {
    // A reader (the shell) writes through a writer of its own, for this load only.
    let writing = store.for_writing()?;
    let store = &*writing;
    let db = store.writable_db()?;
    let mut streamable = true;
    if !options.add {
        for input in inputs {
            // A dataset format may name graphs of its own, known only once read.
            if format_of(input, options)?.supports_datasets()
                || store.holds_graph(&graph_of(input, options)?)?
            {
                streamable = false;
            }
        }
    }
    if !streamable {
        return replace(store, inputs, options, progress);
    }
    let mut loader = db.bulk_loader();
    let mut files = Vec::with_capacity(inputs.len());
    for input in inputs {
        files.push(read(input, options, progress, &mut |quads| {
            loader.load_ok_quads::<Error, Error>(quads)
        })?);
    }
    let started = Instant::now();
    loader.commit()?;
    let total: u64 = files.iter().map(|f| f.triples).sum();
    if total >= crate::store::OPTIMIZE_AFTER {
        store.optimize()?;
    }
    store.committed()?;
    Ok(LoadSummary {
        files,
        commit: started.elapsed(),
        sent_to: None,
        replaced: Vec::new(),
    })
}

/// Replaces the graphs the inputs go to with what the inputs hold, atomically: the quads are
/// read in chunks into a scratch database, then one transaction writes the difference
/// ([`Store::replace_graphs_streamed`]), so memory holds neither the old nor the new contents.
fn replace(
    store: &Store,
    inputs: &[Input],
    options: &Options,
    progress: &dyn Progress,
) -> Result<LoadSummary> {
    // A file's own graph is replaced even when the file is now empty.
    let own = inputs
        .iter()
        .map(|input| graph_of(input, options))
        .collect::<Result<Vec<_>>>()?;
    let mut files = Vec::with_capacity(inputs.len());
    let started = Instant::now();
    let replaced = store.replace_graphs_streamed(&own, |sink| {
        for input in inputs {
            files.push(read(input, options, progress, &mut |quads| {
                let mut chunk = Vec::with_capacity(CHUNK);
                for quad in quads {
                    let quad = quad?;
                    if let GraphName::BlankNode(_) = quad.graph_name {
                        // Blank-node graph names cannot be named again by a later load.
                        return Err(Error::Unsupported(format!(
                            "{}: a graph named by a blank node cannot be replaced; load it with --add",
                            input.name()
                        )));
                    }
                    chunk.push(quad);
                    if chunk.len() == CHUNK {
                        sink(std::mem::take(&mut chunk))?;
                    }
                }
                Ok(sink(chunk)?)
            })?);
        }
        Ok::<(), Error>(())
    })?;
    // The reading's time is in each file's `elapsed`; the rest is the writing.
    let reading: Duration = files.iter().map(|f| f.elapsed).sum();
    Ok(LoadSummary {
        files,
        commit: started.elapsed().saturating_sub(reading),
        sent_to: None,
        replaced,
    })
}

/// Loads every input into the named graphs of a SPARQL endpoint, through the Graph Store
/// Protocol. Every input is read and checked before anything is sent, so a malformed file
/// sends nothing: each graph's triples are spooled to a temporary file as they are read, then
/// each graph goes in one request (PUT replaces what it held, POST with `--add` adds to it).
/// A server that fails half-way keeps the graphs sent before: the error names them.
pub(crate) fn load_remote(
    endpoint: &Endpoint,
    inputs: &[Input],
    options: &Options,
    progress: &dyn Progress,
) -> Result<LoadSummary> {
    // Each graph's triples go to a temporary file as they are read, and are sent from it.
    let mut spool = Spool::new();
    let mut files = Vec::with_capacity(inputs.len());
    for input in inputs {
        files.push(read(input, options, progress, &mut |quads| {
            for quad in quads {
                let quad = quad?;
                let graph = match &quad.graph_name {
                    GraphName::NamedNode(graph) => graph,
                    // Blank-node graph names cannot be addressed over the protocol.
                    GraphName::BlankNode(_) => {
                        return Err(Error::Unsupported(format!(
                            "{}: a graph named by a blank node cannot be sent to an endpoint",
                            input.name()
                        )));
                    }
                    GraphName::DefaultGraph => unreachable!("every input has a default graph"),
                };
                spool.write(graph, quad.as_ref().into())?;
            }
            Ok(())
        })?);
    }
    let started = Instant::now();
    spool.send(
        endpoint,
        if options.add {
            Write::Add
        } else {
            Write::Replace
        },
    )?;
    Ok(LoadSummary {
        files,
        commit: started.elapsed(),
        sent_to: Some(endpoint.graph_store_url().to_owned()),
        replaced: Vec::new(),
    })
}

/// Where `read` hands the quads of an input: the bulk loader, or the graphs for an endpoint.
type Sink<'a> = dyn FnMut(&mut dyn Iterator<Item = Result<Quad>>) -> Result<()> + 'a;

/// Reads one input and hands its quads (every one in a named graph, blank nodes renamed) to
/// `sink`.
fn read(
    input: &Input,
    options: &Options,
    progress: &dyn Progress,
    sink: &mut Sink<'_>,
) -> Result<FileLoaded> {
    let name = input.name();
    let format = format_of(input, options)?;
    let graph = graph_of(input, options)?;
    let (reader, size) = open(input)?;
    progress.start(&name, size);
    let reader = decompress(Counting {
        inner: reader,
        progress,
    })
    .map_err(|source| io_error(input, source))?;
    let parser = RdfParser::from_format(format).with_default_graph(graph.clone());
    let mut names = BlankNames::new(&graph);
    let mut triples = 0;
    let started = Instant::now();
    let mut quads = parser.for_reader(reader).map(|quad| {
        let quad = quad.map_err(|e| parse_error(input, e))?;
        triples += 1;
        Ok::<_, Error>(names.rename(quad))
    });
    let loaded = sink(&mut quads);
    drop(quads);
    progress.finish();
    loaded?;
    Ok(FileLoaded {
        name,
        graph,
        triples,
        elapsed: started.elapsed(),
    })
}

/// The RDF format of an input: `--format`, else told from its name.
fn format_of(input: &Input, options: &Options) -> Result<RdfFormat> {
    match (options.format, input) {
        (Some(format), _) => Ok(format),
        (None, Input::File(path)) => format::from_file_name(&path.to_string_lossy())
            .ok_or_else(|| Error::UnknownFormat { file: input.name() }),
        (None, Input::Stdin) => Err(Error::UnknownFormat { file: input.name() }),
    }
}

/// The graph an input's triples go to: `--graph`, else the file's own graph.
fn graph_of(input: &Input, options: &Options) -> Result<NamedNode> {
    match (&options.graph, input) {
        (Some(graph), _) => Ok(graph.clone()),
        (None, Input::File(path)) => file_graph(path),
        (None, Input::Stdin) => Ok(NamedNode::new_unchecked(vocab::STDIN_GRAPH)),
    }
}

/// Takes graphs out of the target in one step: each `name` is a graph IRI, or the path of a
/// file loaded earlier (its `file://` graph). The bundled graph cannot be removed (the store
/// puts it back at the next start). Returns the graphs removed.
pub fn remove(target: &Target, names: &[String]) -> Result<Vec<NamedNode>> {
    let mut graphs = Vec::with_capacity(names.len());
    for name in names {
        let graph = if looks_like_iri(name) {
            parse_iri(name)?
        } else {
            file_graph(Path::new(name))?
        };
        if graph.as_str() == vocab::BUNDLED_GRAPH {
            return Err(Error::Unsupported(format!(
                "<{}> is the bundled dataset, which every store holds; it cannot be removed",
                vocab::BUNDLED_GRAPH
            )));
        }
        graphs.push(graph);
    }
    match target {
        Target::Store(store) => store.for_writing()?.remove_graphs(&graphs)?,
        Target::Endpoint(endpoint) => {
            for graph in &graphs {
                endpoint.drop_graph(graph)?;
            }
        }
    }
    Ok(graphs)
}

/// True for `scheme:...` with a scheme of two letters or more (so `C:\data.ttl` is a path).
fn looks_like_iri(name: &str) -> bool {
    name.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The graph of a file: its absolute `file://` IRI.
pub fn file_graph(path: &Path) -> Result<NamedNode> {
    let absolute = std::path::absolute(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut iri = String::from("file://");
    for c in absolute.to_string_lossy().chars() {
        match c {
            ' ' | '"' | '<' | '>' | '{' | '}' | '|' | '\\' | '^' | '`' | '%' | '#' | '?' => {
                let mut buf = [0; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    iri.push_str(&format!("%{byte:02X}"));
                }
            }
            c if c.is_control() => iri.push_str(&format!("%{:02X}", c as u32)),
            c => iri.push(c),
        }
    }
    NamedNode::new(&iri).map_err(|e| Error::BadIri {
        iri,
        message: e.to_string(),
    })
}

fn open(input: &Input) -> Result<(Box<dyn Read + '_>, Option<u64>)> {
    match input {
        Input::Stdin => Ok((Box::new(io::stdin().lock()), None)),
        Input::File(path) => {
            let file = File::open(path).map_err(|source| io_error(input, source))?;
            let size = file.metadata().ok().map(|m| m.len());
            Ok((Box::new(file), size))
        }
    }
}

/// Wraps `reader` in a gzip decoder when its first bytes are the gzip magic number.
fn decompress<'a>(reader: impl Read + 'a) -> io::Result<Box<dyn Read + 'a>> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let gzip = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    })
}

/// Counts the bytes read from the raw input, for the progress bar.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// Gives blank nodes stable names: the same file loaded into the same graph twice yields the
/// same blank nodes, so the second load adds nothing.
struct BlankNames {
    seed: u64,
    names: HashMap<BlankNode, BlankNode>,
}

impl BlankNames {
    fn new(graph: &NamedNode) -> Self {
        Self {
            seed: fnv1a(graph.as_str().as_bytes(), 0xcbf2_9ce4_8422_2325),
            names: HashMap::new(),
        }
    }

    fn name(&mut self, node: BlankNode) -> BlankNode {
        let next = self.names.len() as u64;
        let seed = self.seed;
        self.names
            .entry(node)
            .or_insert_with(|| {
                let hash = fnv1a(&next.to_le_bytes(), seed);
                BlankNode::new_unchecked(format!("b{hash:016x}"))
            })
            .clone()
    }

    fn rename(&mut self, quad: Quad) -> Quad {
        let subject = match quad.subject {
            NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::BlankNode(self.name(b)),
            other => other,
        };
        let object = match quad.object {
            Term::BlankNode(b) => Term::BlankNode(self.name(b)),
            other => other,
        };
        let graph_name = match quad.graph_name {
            GraphName::BlankNode(b) => GraphName::BlankNode(self.name(b)),
            other => other,
        };
        Quad::new(subject, quad.predicate, object, graph_name)
    }
}

fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn io_error(input: &Input, source: io::Error) -> Error {
    Error::Io {
        path: PathBuf::from(input.name()),
        source,
    }
}

fn parse_error(input: &Input, error: RdfParseError) -> Error {
    match error {
        RdfParseError::Io(source) => io_error(input, source),
        RdfParseError::Syntax(e) => {
            let start = e.location().map(|range| range.start);
            let full = e.to_string();
            // The Turtle-family parsers repeat the position in the text; we give it once.
            let message = match (start, full.split_once(": ")) {
                (Some(_), Some((head, rest))) if head.starts_with("Parser error ") => rest,
                _ => full.as_str(),
            };
            Error::Syntax {
                file: input.name(),
                line: start.map(|p| p.line + 1),
                column: start.map(|p| p.column + 1),
                message: message.to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_nodes_are_named_by_graph_and_order() {
        let g = NamedNode::new_unchecked("file:///a.ttl");
        let (x, y) = (BlankNode::default(), BlankNode::default());
        let mut first = BlankNames::new(&g);
        let (fx, fy) = (first.name(x.clone()), first.name(y));
        assert_eq!(first.name(x), fx, "a node keeps its name");
        assert_ne!(fx, fy, "two nodes get two names");
        // A second parse of the same file gives other random nodes, in the same order.
        let mut second = BlankNames::new(&g);
        assert_eq!(second.name(BlankNode::default()), fx);
        assert_eq!(second.name(BlankNode::default()), fy);
        // Another graph gives other names.
        let mut other = BlankNames::new(&NamedNode::new_unchecked("file:///b.ttl"));
        assert_ne!(other.name(BlankNode::default()), fx);
    }

    #[test]
    fn file_graphs_are_absolute_file_iris_with_escapes() {
        let graph = file_graph(Path::new("/data/my file#1.ttl")).unwrap();
        assert_eq!(graph.as_str(), "file:///data/my%20file%231.ttl");
        let relative = file_graph(Path::new("x.ttl")).unwrap();
        assert!(relative.as_str().starts_with("file:///"));
    }
}
