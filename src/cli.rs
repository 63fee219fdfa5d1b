//! The command line: clap definitions, and the arguments turned into what the library takes
//! (store options, server options, the text an argument names). `main.rs` calls the library.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Without a command, on a terminal, treaty opens the interactive shell (treaty repl).

Examples:
  treaty --memory stats                      what the bundled dataset holds
  treaty sparql 'SELECT ?name WHERE { ?s a tr:Settlement ; rdfs:label ?name } LIMIT 5'
  treaty load my-treaties.ttl archive.nq.gz  load RDF files (atomically) into the store
  treaty export -o backup.nq                 write every graph as N-Quads
  treaty --endpoint http://127.0.0.1:8890/sparql load --bundled
                                             put the bundled data on a SPARQL server...
  treaty --endpoint http://127.0.0.1:8890/sparql query 'guarantees where outcome is violated'
                                             ...and ask it in TQL (see docs/scale.md)

Exit codes: 0 success, 1 usage error, 2 data, store or load error, 3 query error.";

/// A knowledge base of peace settlements and their security guarantees.
///
/// The data lives in a local store seeded from a curated dataset that ships inside the binary,
/// so a fresh install answers questions at once.
#[derive(Debug, Parser)]
#[command(name = "treaty", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,

    /// The command; without one, the interactive shell opens when standard input is a terminal
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the data lives.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The store directory [default: $TREATY_STORE, else the platform data directory]
    #[arg(long, global = true, value_name = "DIR", env = "TREATY_STORE")]
    pub store: Option<PathBuf>,

    /// Use a throw-away in-memory store seeded from the bundled data (wins over --store)
    #[arg(long, global = true)]
    pub memory: bool,

    /// Never create or change the store, not even to update its bundled data (every command
    /// but load, import and remove reads anyway, beside any number of other readers)
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Ask this SPARQL 1.1 endpoint (e.g. Virtuoso's http://HOST:8890/sparql) instead of the
    /// local store; loads go to it through the Graph Store Protocol. Writes use the user and
    /// password in TREATY_ENDPOINT_USER and TREATY_ENDPOINT_PASSWORD
    #[arg(long, global = true, value_name = "URL", env = "TREATY_ENDPOINT")]
    pub endpoint: Option<String>,

    /// Where the endpoint takes writes (Graph Store Protocol) [default: URL with
    /// /sparql-graph-crud-auth in place of /sparql, as Virtuoso has it; else URL/data]
    #[arg(long, global = true, value_name = "URL", env = "TREATY_GRAPH_STORE")]
    pub graph_store: Option<String>,

    /// Seconds one request to the endpoint may take, answer included
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

impl StoreArgs {
    /// The options to open the store or endpoint that `command` works on.
    pub fn open_options(&self, command: &Command) -> treaty::store::OpenOptions {
        treaty::store::OpenOptions {
            endpoint: self.endpoint.clone(),
            memory: self.memory,
            store: self.store.clone(),
            read_only: self.read_only,
            timeout: std::time::Duration::from_secs(self.timeout),
            graph_store: self.graph_store.clone(),
            writes: matches!(
                command,
                Command::Load(_) | Command::Import(_) | Command::Remove(_)
            ),
            seeds_endpoint: matches!(command, Command::Load(_)),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask questions interactively: TQL with completion, history and dot commands (.help)
    #[command(after_help = "\
Type a TQL statement and press Enter; an unfinished statement goes on to the next line.
Tab completes, Ctrl-R searches the history, Ctrl-C abandons the input or stops a running
query, Ctrl-D leaves. .help lists the dot commands (.schema, .mode, .set, .load, .read...).

The history is kept in the platform data directory (~/.local/share/treaty/history on Linux).
NO_COLOR turns colours off.")]
    Repl(ReplArgs),

    /// Ask a question in TQL, the treaty query language (see docs/language.md)
    #[command(after_help = "\
Examples:
  treaty query 'settlements where signed between 1815 and 1914 show name, signed'
  treaty query 'guarantees where guarantor = Britain and outcome is violated'
  treaty query 'count guarantees by mechanism, outcome'
  treaty query 'guarantees where guarantor = $country including predecessors' --param country=Russia")]
    Query(TqlArgs),

    /// Show the SPARQL a TQL text compiles to, without running it
    Explain(TqlArgs),

    /// Run every statement of a .tq file in order, or a report into Markdown, HTML, CSV or JSON
    #[command(after_help = "\
A report is a .tq file with `## Heading`, `#' prose` and `#@` directives in comment lines
(docs/reports.md). It runs as a report with --format md or html, with -o, or when the file
has report lines. Exit codes: 3 when a statement failed, 2 when an #@assert check failed.")]
    Run(RunArgs),

    /// Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over all graphs
    #[command(after_help = "\
The prefixes tr: (ontology), ts: (settlements), tg: (guarantees), tc: (conflicts),
ta: (actors), tm: (mechanisms), to: (outcomes), rdfs:, skos:, owl:, xsd: and dct:
are predeclared.

Example:
  treaty sparql 'SELECT ?guarantor WHERE {
    ts:treaty-of-london-1839 tr:guarantee/tr:guarantor/rdfs:label ?guarantor }'")]
    Sparql(SparqlArgs),

    /// Load RDF files into the store, atomically: all of them or none
    #[command(after_help = "\
Formats are told from the file extension (.ttl .nt .nq .trig .rdf .owl .xml .jsonld .n3,
each optionally .gz); gzip is also recognised from the content. Each file goes into a
named graph of its own (its file:// IRI) unless --graph is given; quads in N-Quads or
TriG keep their graphs. Loading a file again replaces what its graph held, so an edited
file leaves no stale triple behind; --add adds to the graph instead. `treaty remove FILE`
takes a loaded file out again.

With --endpoint, every file is read and checked first, then each graph is sent to the
server in one Graph Store Protocol request (HTTP PUT, which replaces; POST with --add), as the user in TREATY_ENDPOINT_USER
with the password in TREATY_ENDPOINT_PASSWORD. For millions of triples, use the server's own
bulk loader on the output of `treaty export` (docs/scale.md).")]
    Load(LoadArgs),

    /// Take loaded files or imports out of the store: their graphs, all of them or none
    #[command(after_help = "\
Each argument is a graph IRI, as `treaty stats` lists them (an import's graph is
https://w3id.org/treaty/graph/import/MAPPING/FILE-STEM), or the path of a file loaded earlier,
which names its file:// graph. A graph that holds nothing is an error and nothing is removed.
The bundled dataset cannot be removed.

Examples:
  treaty remove my-settlements.ttl
  treaty remove https://w3id.org/treaty/graph/import/pax/pax_all_agreements_data")]
    Remove(RemoveArgs),

    /// Import CSV or TSV tables through a mapping (PA-X, ATOP, or your own), atomically
    #[command(after_help = "\
A mapping (a TOML file; docs/import.md describes the format) says which column becomes which
field, how identifiers are built, which date formats and codes to expect. Built-in mappings:
pax (PA-X peace agreements, agreement-level CSV) and atop (ATOP alliance-level file).

Each file goes into its own named graph, https://w3id.org/treaty/graph/import/MAPPING/FILE-STEM,
with a description of the import (file, mapping, time, rows); importing the same file again
replaces that graph. Actors are linked to the bundled ones by COW code, ISO code or name, so one
query spans both; unmatched ones are created and counted. A bad row stops the import and keeps
nothing (exit code 2), unless --skip-bad-rows is given.

Examples:
  treaty import --mapping pax pax-agreements.csv
  treaty import --mapping atop atop-alliances.csv --skip-bad-rows
  treaty import --mapping my-mapping.toml treaties.tsv --dry-run
  treaty query 'settlements where party = Ukraine show name, signed'")]
    Import(ImportArgs),

    /// Write the store's data as N-Quads, TriG, Turtle or N-Triples
    Export(ExportArgs),

    /// Show what the store holds: entities and triples per graph
    Stats(StatsArgs),

    /// Serve the data over HTTP, read-only: a page for people, SPARQL and JSON for programs
    #[command(after_help = "\
The page is at http://127.0.0.1:7878/ (queries are kept in its URL, so links can be shared and
bookmarked); the SPARQL 1.1 Protocol at /sparql; TQL as JSON at /api/query (docs/serve.md).
The server reads a snapshot of the store: loads by other processes go on, and show from the
next request after they finish. Ctrl-C stops it once the requests in flight are answered.

Examples:
  treaty serve
  treaty --memory serve --port 8080
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a tr:Settlement } LIMIT 3' \\
       http://127.0.0.1:7878/sparql")]
    Serve(ServeArgs),

    /// Check data against the model's rules: the store, or the given files before loading them
    #[command(after_help = "\
The rules are SPARQL queries in data/rules/ (built in) and, with --rules DIR, your own .rq
files: each starts with `# rule: what it requires` and `# fix: how to mend it`, and every row it
returns (?entity, optionally ?detail) is a violation. Files are checked together with the
bundled data in a throw-away store; the store is not changed. Exit code 2 when a rule is broken.")]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct TqlArgs {
    /// The TQL text (one or more statements separated by `;`), or - to read standard input
    #[arg(value_name = "TQL", allow_hyphen_values = true)]
    pub text: String,

    /// Bind a parameter used as $NAME in the text (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// Output format: table, csv, tsv, json or md [default: table on a terminal, else csv]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct ReplArgs {
    /// Bind a parameter used as $NAME in queries (repeatable; .set binds more)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// Output format: table, csv, tsv, json or md [default: table; .mode changes it]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The .tq file to run, or - to read standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Bind a parameter used as $NAME in the file (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// Output format: table, csv, tsv, json, md or html [default: from -o's extension, else
    /// table on a terminal, else csv]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Write the report to PATH (.md, .html, .json; for CSV a folder, or a .csv file when there
    /// is one result)
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Stop at the first statement that fails or whose #@assert check fails
    #[arg(long)]
    pub bail: bool,
}

impl ReplArgs {
    /// The shell's options: tables unless told otherwise (it is on a terminal), colours unless
    /// `NO_COLOR` is set or standard output is no terminal.
    pub fn options(self) -> anyhow::Result<treaty::repl::Options> {
        Ok(treaty::repl::Options {
            format: treaty::output::choose(self.format.as_deref(), true)?,
            params: self.params,
            history: treaty::repl::default_history(),
            color: std::io::IsTerminal::is_terminal(&std::io::stdout())
                && std::env::var_os("NO_COLOR").is_none(),
        })
    }
}

impl RunArgs {
    /// The file's name for messages and its text (`<stdin>` for `-`).
    pub fn source(&self) -> anyhow::Result<(String, String)> {
        if self.file.as_os_str() == "-" {
            Ok(("<stdin>".to_owned(), read_stdin()?))
        } else {
            Ok((self.file.display().to_string(), read_file(&self.file)?))
        }
    }
}

/// `name=value`, the name without a leading `$`.
fn parse_param(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, found `{text}`"))?;
    let name = name.trim().trim_start_matches('$');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!("`{name}` is not a parameter name"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

#[derive(Debug, Args)]
pub struct SparqlArgs {
    /// The query text, or - to read it from standard input
    #[arg(
        value_name = "QUERY",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub query: Option<String>,

    /// Read the query from this file
    #[arg(short, long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Output format: table, csv, tsv, json or md; turtle or ntriples for the triples of
    /// CONSTRUCT and DESCRIBE [default: table on a terminal, else csv]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

impl SparqlArgs {
    /// The query: from `--file`, the argument, or standard input for `-`.
    pub fn text(&self) -> anyhow::Result<String> {
        match (&self.query, &self.file) {
            (_, Some(path)) => read_file(path),
            (Some(query), None) => text_arg(query),
            (None, None) => unreachable!("clap requires QUERY or --file"),
        }
    }
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// RDF files to load; - reads standard input (then --format is needed)
    #[arg(value_name = "FILE", required_unless_present = "bundled")]
    pub files: Vec<String>,

    /// Put this version's bundled dataset (ontology and curated data) into its graph on the
    /// --endpoint, replacing what the graph held. A local store gets it automatically
    #[arg(long)]
    pub bundled: bool,

    /// Format of every input: turtle, ntriples, nquads, trig, rdfxml, jsonld, n3
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Load every triple into this named graph instead of one graph per file
    #[arg(long, value_name = "IRI")]
    pub graph: Option<String>,

    /// Add to what the graphs hold instead of replacing it
    #[arg(long)]
    pub add: bool,
}

impl LoadArgs {
    /// The loader's options: the format and graph named, and whether to add or replace.
    pub fn options(&self) -> treaty::Result<treaty::load::Options> {
        Ok(treaty::load::Options {
            add: self.add,
            ..treaty::load::Options::from_names(self.format.as_deref(), self.graph.as_deref())?
        })
    }
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Graph IRIs (as `treaty stats` lists them), or paths of files loaded earlier
    #[arg(value_name = "GRAPH|FILE", required = true)]
    pub graphs: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A built-in mapping (pax, atop, ucdp) or the path of a mapping file (.toml)
    #[arg(long, short, value_name = "NAME|FILE")]
    pub mapping: String,

    /// CSV or TSV files (.tsv and .tab are read as tab-separated; otherwise the header decides)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<std::path::PathBuf>,

    /// Keep the good rows when some are bad, and list the bad ones, instead of importing nothing
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// Read and convert the files and print the summary, but write nothing (to try a mapping);
    /// lists every proposed match with its score
    #[arg(long)]
    pub dry_run: bool,

    /// Decisions on matches: pairs to make, pairs to reject, a threshold (docs/import.md)
    #[arg(long, value_name = "FILE")]
    pub matches: Option<PathBuf>,

    /// Match no row to a settlement already in the store
    #[arg(long)]
    pub no_match: bool,

    /// Also write what the import linked (and by which key), created, matched (with scores) and
    /// skipped (with the row and why) as tables: Markdown (.md) or CSV (.csv)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

impl ImportArgs {
    /// The importer's options.
    pub fn options(&self) -> treaty::import::Options {
        treaty::import::Options {
            skip_bad_rows: self.skip_bad_rows,
            dry_run: self.dry_run,
            no_match: self.no_match,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of standard output (replaced only once complete)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// nquads, trig, turtle or ntriples [default: from the file extension, else nquads]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Export only this named graph (needed for turtle and ntriples)
    #[arg(long, value_name = "IRI")]
    pub graph: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// RDF files to check before loading them (default: check the store itself)
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,

    /// Also run the rules (.rq files) in this folder
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Format of the files: turtle, ntriples, nquads, trig, rdfxml, jsonld, n3
    #[arg(long = "input-format", value_name = "FORMAT")]
    pub input_format: Option<String>,

    /// Output format: table, csv, tsv, json or md [default: table on a terminal, else csv]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

impl CheckArgs {
    /// What to check: the files given, else the store (`backend`).
    pub fn subject<'a>(
        &'a self,
        backend: Option<&'a dyn treaty::Backend>,
    ) -> treaty::check::Subject<'a> {
        match backend {
            Some(backend) => treaty::check::Subject::Store(backend),
            None => treaty::check::Subject::Files {
                files: &self.files,
                format: self.input_format.as_deref(),
            },
        }
    }
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Output format: table, csv, tsv, json or md [default: table on a terminal, else csv]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (0.0.0.0 for every interface: anyone who can reach it can read
    /// the data)
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// The port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 7878)]
    pub port: u16,

    /// Stop a request's queries after this many seconds (the answer says so)
    #[arg(long = "query-timeout", value_name = "SECONDS", default_value_t = 10.0)]
    pub query_timeout: f64,

    /// At most this many rows per result (the answer says when it was cut)
    #[arg(long, value_name = "ROWS", default_value_t = 10_000)]
    pub row_cap: usize,

    /// The largest request body accepted, in kilobytes
    #[arg(long, value_name = "KB", default_value_t = 256)]
    pub max_body: usize,

    /// Let pages from any other origin read the answers (Access-Control-Allow-Origin: *)
    #[arg(long)]
    pub cors: bool,

    /// A report file to offer at /api/report/NAME (NAME: the file name without .tq), besides
    /// the bundled examples; may be repeated. Read once, at start-up
    #[arg(long = "report", value_name = "FILE")]
    pub reports: Vec<PathBuf>,

    /// Keep up to this many megabytes of answers, so that a question asked again on the same
    /// data is answered at once (0: no cache; always off with --endpoint)
    #[arg(long = "cache-mb", value_name = "MB", default_value_t = treaty::serve::DEFAULT_CACHE_MB)]
    pub cache_mb: usize,
}

impl ServeArgs {
    /// The server's options; the query timeout must be a number of seconds above 0.
    pub fn options(&self) -> anyhow::Result<treaty::serve::Options> {
        if !(self.query_timeout.is_finite() && self.query_timeout > 0.0) {
            bail!("--query-timeout takes a number of seconds above 0");
        }
        Ok(treaty::serve::Options {
            bind: self.bind,
            port: self.port,
            timeout: std::time::Duration::from_secs_f64(self.query_timeout),
            row_cap: self.row_cap,
            body_limit: self.max_body.saturating_mul(1024),
            cors: self.cors,
            cache_bytes: self.cache_mb.saturating_mul(1 << 20),
            reports: self
                .reports
                .iter()
                .map(|path| Ok((path.display().to_string(), read_file(path)?)))
                .collect::<anyhow::Result<_>>()?,
        })
    }
}

/// The text of a QUERY or TQL argument: the argument itself, or standard input for `-`.
pub fn text_arg(arg: &str) -> anyhow::Result<String> {
    if arg == "-" {
        read_stdin()
    } else {
        Ok(arg.to_owned())
    }
}

/// The text of a file argument.
pub fn read_file(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Standard input, which must hold something.
pub fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read standard input")?;
    if text.trim().is_empty() {
        bail!("standard input is empty; expected a query");
    }
    Ok(text)
}
