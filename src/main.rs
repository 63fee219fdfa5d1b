//! The `treaty` binary: parses arguments, opens the store, calls the library, and turns errors
//! into messages and exit codes. Everything that knows about the terminal lives here, except
//! the interactive shell (`treaty::repl`).

mod cli;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use clap::{CommandFactory, Parser};
use indicatif::{ProgressBar, ProgressStyle};
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNode;

use cli::{Cli, Command, ReplArgs};
use treaty::output::{self, Format};
use treaty::session::Session;
use treaty::store::remote::{self, Bundled, Credentials, Endpoint};
use treaty::store::{Location, SeedOutcome, Store, Target};
use treaty::{Backend, load, repl, stats};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            return ExitCode::from(code);
        }
    };
    if cli.command.is_none() && !io::stdin().is_terminal() {
        // Nothing to do without a terminal to talk to: show how to use the tool.
        let _ = Cli::command().write_help(&mut io::stderr());
        return ExitCode::from(1);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli
        .command
        .unwrap_or_else(|| Command::Repl(ReplArgs::default()));
    // Checking files needs no store of the user's: it must work even while one is in use.
    let command = match command {
        Command::Check(args) if !args.files.is_empty() => return check(None, args),
        other => other,
    };
    let target = open_target(&cli.store, &command)?;
    let backend = target.backend();
    match command {
        Command::Repl(args) => {
            let format = match args.format.as_deref() {
                Some(name) => output_format(Some(name))?,
                None => Format::Table,
            };
            repl::run(
                &target,
                repl::Options {
                    format,
                    params: args.params,
                    history: repl::default_history(),
                    color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                },
            )?;
        }
        Command::Query(args) => {
            let text = text_arg(&args.text)?;
            let format = output_format(args.format.as_deref())?;
            run_tql(backend, "query", &text, &args.params, format)?;
        }
        Command::Explain(args) => {
            let text = text_arg(&args.text)?;
            let mut session = Session::new(backend)?;
            session.bind(&args.params);
            let mut out = io::stdout().lock();
            for outcome in session.explain("query", &text)? {
                let sparql = outcome.explain();
                let sparql = sparql
                    .as_deref()
                    .unwrap_or("(a definition: nothing to run)");
                writeln!(out, "# {}\n{sparql}\n", outcome.heading())?;
            }
        }
        Command::Run(args) => {
            let (name, text) = if args.file.as_os_str() == "-" {
                ("<stdin>".to_owned(), read_stdin()?)
            } else {
                (args.file.display().to_string(), read_file(&args.file)?)
            };
            let is_report = treaty::report::syntax::is_report(&text)
                || args.output.is_some()
                || matches!(args.format.as_deref(), Some("md" | "markdown" | "html"));
            if is_report {
                run_report(backend, &name, &text, &args)?;
            } else {
                let format = output_format(args.format.as_deref())?;
                run_tql(backend, &name, &text, &args.params, format)?;
            }
        }
        Command::Sparql(args) => {
            let query = match (&args.query, &args.file) {
                (_, Some(path)) => read_file(path)?,
                (Some(q), None) => text_arg(q)?,
                (None, None) => unreachable!("clap requires QUERY or --file"),
            };
            let format = output_format(args.format.as_deref())?;
            print_answer(Some(backend), &backend.query(&query)?, format)?;
        }
        Command::Load(args) => {
            if args.bundled {
                match &target {
                    Target::Endpoint(endpoint) => {
                        let started = std::time::Instant::now();
                        let triples = endpoint.seed()?;
                        eprintln!(
                            "put the bundled dataset ({triples} triples) into <{}> on {} in {:.2} s",
                            treaty::vocab::BUNDLED_GRAPH,
                            endpoint.url(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                    Target::Store(_) => eprintln!(
                        "note: the local store holds the bundled dataset already (it is seeded \
                         when created, and updated when treaty is)"
                    ),
                }
                if args.files.is_empty() {
                    return Ok(());
                }
            }
            let options = load_options(args.format.as_deref(), args.graph.as_deref())?;
            let report = load::load_to(&target, &inputs(&args.files), &options, &Bar::new())?;
            for file in &report.files {
                eprintln!(
                    "loaded {}: {} triples in {:.2} s into <{}>",
                    file.name,
                    file.triples,
                    file.elapsed.as_secs_f64(),
                    file.graph.as_str()
                );
            }
            let total: u64 = report.files.iter().map(|f| f.triples).sum();
            match &target {
                Target::Store(_) => eprintln!(
                    "committed {total} triples in {:.2} s (triples already in the store are not added twice)",
                    report.commit.as_secs_f64()
                ),
                Target::Endpoint(endpoint) => eprintln!(
                    "sent {total} triples to {} in {:.2} s",
                    endpoint.graph_store_url(),
                    report.commit.as_secs_f64()
                ),
            }
            if target.is_memory() {
                eprintln!("note: --memory: the loaded data is gone when treaty exits");
            }
        }
        Command::Import(args) => import(&target, &args)?,
        Command::Export(args) => match target.store() {
            Some(store) => export(store, args)?,
            None => bail!(
                "export reads the local store; to copy data out of a SPARQL server, use the \
                 server's own dump tools"
            ),
        },
        Command::Check(args) => check(Some(backend), args)?,
        Command::Stats(args) => {
            let format = output_format(args.format.as_deref())?;
            print_answer(Some(backend), &stats::collect(backend)?.to_answer(), format)?;
        }
    }
    Ok(())
}

/// `treaty check`: the rules against the store, or (without one) against the files in a
/// throw-away store seeded with the bundled data.
fn check(backend: Option<&dyn Backend>, args: cli::CheckArgs) -> anyhow::Result<()> {
    let format = output_format(args.format.as_deref())?;
    let mut rules = treaty::check::bundled_rules();
    if let Some(dir) = &args.rules {
        rules.extend(treaty::check::rules_in(dir)?);
    }
    let violations = if let Some(backend) = backend {
        treaty::check::check(backend, &rules)?
    } else {
        let scratch = Store::open(&Location::Memory, false)?;
        let options = load_options(args.input_format.as_deref(), None)?;
        load::load(&scratch, &inputs(&args.files), &options, &Bar::new())?;
        treaty::check::check(&scratch, &rules)?
    };
    if let Some(backend) = backend {
        print_notes(backend);
    }
    if violations.is_empty() {
        eprintln!("no violations of {} rules", rules.len());
        return Ok(());
    }
    print_answer(None, &treaty::check::to_answer(&violations), format)?;
    let broken: std::collections::BTreeSet<&str> =
        violations.iter().map(|v| v.rule.as_str()).collect();
    eprintln!(
        "{} violation{} of {} rule{}",
        violations.len(),
        if violations.len() == 1 { "" } else { "s" },
        broken.len(),
        if broken.len() == 1 { "" } else { "s" }
    );
    Err(ChecksFailed.into())
}

/// A command line that cannot be carried out as given: exit 1, like clap's own usage errors.
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// `treaty check` found violations: already reported, exit 2 without another message.
#[derive(Debug)]
struct ChecksFailed;

impl std::fmt::Display for ChecksFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the data breaks some rules")
    }
}

impl std::error::Error for ChecksFailed {}

/// Writes one answer to standard output, and the backend's notes about it to standard error.
fn print_answer(
    backend: Option<&dyn Backend>,
    answer: &treaty::results::Answer,
    format: Format,
) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    output::write(answer, format, &mut out)?;
    out.flush()?;
    if let Some(backend) = backend {
        print_notes(backend);
    }
    Ok(())
}

fn print_notes(backend: &dyn Backend) {
    for note in backend.take_notes() {
        eprintln!("warning: {note}");
    }
}

/// Runs every statement of a TQL text and prints each result; stops at the first error.
fn run_tql(
    backend: &dyn Backend,
    name: &str,
    text: &str,
    params: &[(String, String)],
    format: Format,
) -> anyhow::Result<()> {
    let mut session = Session::new(backend)?;
    session.bind(params);
    let statements = session.run_script(name, text)?;
    let headed = statements.results() > 1 && matches!(format, Format::Table | Format::Markdown);
    let mut out = BufWriter::new(io::stdout().lock());
    for outcome in statements {
        if let Err(error) = outcome.result {
            return Err(error.into());
        }
        let Some(answer) = outcome.answer() else {
            continue;
        };
        if headed {
            writeln!(out, "\n-- {}", outcome.heading())?;
        }
        output::write(answer, format, &mut out)?;
        out.flush()?;
        for note in outcome.notes() {
            eprintln!("note: {note}");
        }
        print_notes(backend);
    }
    Ok(())
}

/// `treaty run` on a report: runs it, writes it to `-o` or standard output, names every failure
/// on standard error, and exits 3 when a statement failed, 2 when only a check failed.
fn run_report(
    backend: &dyn Backend,
    name: &str,
    text: &str,
    args: &cli::RunArgs,
) -> anyhow::Result<()> {
    use treaty::report::{self, Format as R};
    let format = match (args.format.as_deref(), &args.output) {
        (Some("md" | "markdown"), _) => Some(R::Markdown),
        (Some("html"), _) => Some(R::Html),
        (Some("csv"), _) => Some(R::Csv),
        (Some("json"), _) => Some(R::Json),
        (Some(other), _) if Format::from_name(other).is_none() => {
            return Err(Usage(format!(
                "unknown format '{other}'; expected one of: table, csv, tsv, json, md, html"
            ))
            .into());
        }
        (Some(_), _) => None,
        (None, Some(path)) => Some(R::from_path(path).ok_or_else(|| {
            anyhow!("{}: cannot tell the format from the extension; pass --format md, html, csv or json", path.display())
        })?),
        (None, None) => None,
    };
    let report = report::syntax::parse(name, text)?;
    let options = report::Options {
        params: args.params.clone(),
        bail: args.bail,
        run_date: treaty::clock::utc_now(),
    };
    let run = report::run(backend, &report, &options)?;
    print_notes(backend);
    match (format, &args.output) {
        (Some(format), Some(path)) => {
            for file in report::write(&run, format, path)? {
                eprintln!("wrote {}", file.display());
            }
        }
        (Some(format), None) => {
            let mut out = io::stdout().lock();
            out.write_all(report::render(&run, format)?.as_bytes())?;
            out.flush()?;
        }
        (None, Some(_)) => {
            return Err(Usage(
                "-o writes md, html, csv or json; pass one of them with --format".to_owned(),
            )
            .into());
        }
        (None, None) => {
            // A terminal or a pipe: each result as `run` prints a plain file's, under its name.
            let format = output_format(args.format.as_deref())?;
            let mut out = BufWriter::new(io::stdout().lock());
            for result in run.shown() {
                if matches!(format, Format::Table | Format::Markdown) {
                    writeln!(out, "\n## {}", result.name)?;
                }
                if let Some(answer) = &result.answer {
                    output::write(answer, format, &mut out)?;
                }
            }
            out.flush()?;
        }
    }
    let failures = run.failures();
    for failure in &failures {
        eprintln!("error: {failure}");
    }
    match run.exit_code() {
        Some(code) => Err(ReportFailed(code).into()),
        None => Ok(()),
    }
}

/// A report ran with failures, already reported: exit with its code.
#[derive(Debug)]
struct ReportFailed(u8);

impl std::fmt::Display for ReportFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the report has failures")
    }
}

impl std::error::Error for ReportFailed {}

/// The endpoint with `--endpoint` (checked to hold the bundled dataset, unless the command is
/// the load that puts it there), else the local store.
fn open_target(args: &cli::StoreArgs, command: &Command) -> anyhow::Result<Target> {
    let Some(url) = &args.endpoint else {
        let store = Store::open(&location(args)?, args.read_only)?;
        announce_seed(&store);
        return Ok(Target::Store(store));
    };
    if args.memory {
        return Err(Usage(
            "--memory and --endpoint (or TREATY_ENDPOINT) exclude each other: choose the \
             in-memory store or the server"
                .to_owned(),
        )
        .into());
    }
    if args.read_only && matches!(command, Command::Load(_) | Command::Import(_)) {
        return Err(treaty::Error::ReadOnly.into());
    }
    let credentials = match (
        std::env::var("TREATY_ENDPOINT_USER"),
        std::env::var("TREATY_ENDPOINT_PASSWORD"),
    ) {
        (Ok(user), Ok(password)) => Some(Credentials { user, password }),
        (Ok(_), Err(_)) | (Err(_), Ok(_)) => {
            return Err(Usage(
                "set both TREATY_ENDPOINT_USER and TREATY_ENDPOINT_PASSWORD, or neither".to_owned(),
            )
            .into());
        }
        _ => None,
    };
    let endpoint = Endpoint::new(
        url,
        remote::Options {
            timeout: std::time::Duration::from_secs(args.timeout),
            graph_store: args.graph_store.clone(),
            credentials,
        },
    )?;
    if !matches!(command, Command::Load(_)) {
        match endpoint.bundled_state()? {
            Bundled::Current => {}
            Bundled::Other => eprintln!(
                "treaty: note: {url} holds another version of the bundled dataset; \
                 `treaty --endpoint {url} load --bundled` replaces it with this one"
            ),
            Bundled::Missing => bail!(
                "{url} does not hold the treaty ontology and bundled dataset; put them there \
                 with `treaty --endpoint {url} load --bundled`"
            ),
        }
    }
    Ok(Target::Endpoint(endpoint))
}

/// `--memory`, else `--store` (or `TREATY_STORE`), else the platform data directory.
fn location(args: &cli::StoreArgs) -> anyhow::Result<Location> {
    if args.memory {
        return Ok(Location::Memory);
    }
    match &args.store {
        Some(dir) => Ok(Location::Dir(dir.clone())),
        None => treaty::store::default_dir()
            .map(Location::Dir)
            .ok_or_else(|| {
                anyhow!("no data directory on this platform; pass --store DIR or --memory")
            }),
    }
}

fn announce_seed(store: &Store) {
    if let Location::Dir(dir) = store.location() {
        match store.seed_outcome() {
            SeedOutcome::Seeded => eprintln!(
                "treaty: created the store {} with the bundled dataset",
                dir.display()
            ),
            SeedOutcome::Updated => eprintln!(
                "treaty: updated the bundled dataset in {} to this version",
                dir.display()
            ),
            SeedOutcome::Current | SeedOutcome::Unchecked => {}
        }
    }
}

fn output_format(name: Option<&str>) -> anyhow::Result<Format> {
    match name {
        Some(name) => Format::from_name(name).ok_or_else(|| {
            anyhow!(
                "unknown output format '{name}'; expected one of: {}",
                Format::NAMES.join(", ")
            )
        }),
        None if io::stdout().is_terminal() => Ok(Format::Table),
        None => Ok(Format::Csv),
    }
}

fn export(store: &Store, args: cli::ExportArgs) -> anyhow::Result<()> {
    let format = match (&args.format, &args.output) {
        (Some(name), _) => load::format::from_name(name)?,
        (None, Some(path)) => {
            load::format::from_file_name(&path.to_string_lossy()).unwrap_or(RdfFormat::NQuads)
        }
        (None, None) => RdfFormat::NQuads,
    };
    let graph = args.graph.as_deref().map(parse_iri).transpose()?;
    match &args.output {
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            store.export(&mut out, format, graph.as_ref())?;
            out.flush()?;
        }
        Some(path) => {
            // Write beside the target and rename, so a failed export never clobbers a good file.
            let partial = partial_path(path);
            let file = File::create(&partial)
                .with_context(|| format!("cannot create {}", partial.display()))?;
            let mut out = BufWriter::new(file);
            let written = store
                .export(&mut out, format, graph.as_ref())
                .map_err(anyhow::Error::from)
                .and_then(|()| Ok(out.flush()?));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
            drop(out);
            std::fs::rename(&partial, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported to {}", path.display());
        }
    }
    Ok(())
}

/// `treaty import`: converts the files, stores them in one transaction, prints a summary.
fn import(target: &Target, args: &cli::ImportArgs) -> anyhow::Result<()> {
    let options = treaty::import::Options {
        skip_bad_rows: args.skip_bad_rows,
        dry_run: args.dry_run,
    };
    let (reports, commit) =
        treaty::import::import(target, &args.files, &args.mapping, options, &Bar::new())?;
    print_notes(target.backend());
    for r in &reports {
        let seconds = r.elapsed.as_secs_f64();
        eprintln!(
            "{} {}: {} of {} rows, {} triples in {:.2} s ({:.0} rows/s) into <{}>",
            if args.dry_run {
                "converted"
            } else {
                "imported"
            },
            r.file,
            r.imported,
            r.rows,
            r.triples,
            seconds,
            r.rows as f64 / seconds.max(1e-9),
            r.graph.as_str()
        );
        eprintln!(
            "  actors: {} cell{} linked to known actors, {} new actor{}{}",
            r.linked,
            if r.linked == 1 { "" } else { "s" },
            r.minted.len(),
            if r.minted.len() == 1 { "" } else { "s" },
            if r.minted.is_empty() {
                String::new()
            } else {
                let shown: Vec<&str> = r.minted.iter().take(8).map(String::as_str).collect();
                let more = r.minted.len().saturating_sub(8);
                format!(
                    " ({}{})",
                    shown.join(", "),
                    if more > 0 {
                        format!(", and {more} more")
                    } else {
                        String::new()
                    }
                )
            }
        );
        if r.latin1_cells > 0 {
            eprintln!(
                "  note: {} cell(s) were not UTF-8 and were read as Latin-1",
                r.latin1_cells
            );
        }
        if !r.skipped.is_empty() {
            eprintln!("  skipped {} bad rows:", r.skipped.len());
            for bad in &r.skipped {
                eprintln!(
                    "    {}:{}: column \"{}\": value \"{}\": {}",
                    r.file,
                    bad.row,
                    treaty::error::one_line(&bad.column),
                    treaty::error::one_line(&bad.value),
                    bad.message
                );
            }
        }
    }
    if args.dry_run {
        eprintln!("dry run: nothing was written");
        return Ok(());
    }
    match target {
        Target::Store(_) => eprintln!("committed in {:.2} s", commit.as_secs_f64()),
        Target::Endpoint(endpoint) => eprintln!(
            "sent to {} in {:.2} s",
            endpoint.graph_store_url(),
            commit.as_secs_f64()
        ),
    }
    if target.is_memory() {
        eprintln!("note: --memory: the imported data is gone when treaty exits");
    }
    Ok(())
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Load options from `--format` and `--graph` arguments.
fn load_options(format: Option<&str>, graph: Option<&str>) -> anyhow::Result<load::Options> {
    Ok(load::Options {
        format: format.map(load::format::from_name).transpose()?,
        graph: graph.map(parse_iri).transpose()?,
    })
}

/// `FILE...` arguments as load inputs (`-` is standard input).
fn inputs(files: &[String]) -> Vec<load::Input> {
    files.iter().map(|f| load::Input::from_arg(f)).collect()
}

fn parse_iri(iri: &str) -> anyhow::Result<NamedNode> {
    NamedNode::new(iri).map_err(|e| {
        treaty::Error::BadIri {
            iri: iri.to_owned(),
            message: e.to_string(),
        }
        .into()
    })
}

fn read_file(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The text of a QUERY or TQL argument: the argument itself, or standard input for `-`.
fn text_arg(arg: &str) -> anyhow::Result<String> {
    if arg == "-" {
        read_stdin()
    } else {
        Ok(arg.to_owned())
    }
}

fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .context("cannot read standard input")?;
    if text.trim().is_empty() {
        bail!("standard input is empty; expected a query");
    }
    Ok(text)
}

/// A progress bar on standard error for inputs over a megabyte (or of unknown size).
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new() -> Self {
        Self {
            bar: ProgressBar::hidden(),
        }
    }
}

impl load::Progress for Bar {
    fn start(&self, name: &str, bytes: Option<u64>) {
        if !io::stderr().is_terminal() || bytes.is_some_and(|b| b < 1 << 20) {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::hidden());
            return;
        }
        self.bar.reset();
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        match bytes {
            Some(total) => {
                self.bar.set_length(total);
                self.bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({eta})",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
            }
            None => {
                self.bar.unset_length();
                self.bar.set_style(
                    ProgressStyle::with_template("{msg} {spinner} {binary_bytes} read")
                        .expect("valid template"),
                );
            }
        }
        self.bar.set_position(0);
        self.bar.set_message(name.to_owned());
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Prints an error the way a user should see it and picks the exit code.
fn report(error: &anyhow::Error) -> ExitCode {
    if let Some(io) = error.root_cause().downcast_ref::<io::Error>()
        && io.kind() == io::ErrorKind::BrokenPipe
    {
        return ExitCode::SUCCESS;
    }
    if let Some(ReportFailed(code)) = error.downcast_ref::<ReportFailed>() {
        return ExitCode::from(*code);
    }
    if error.downcast_ref::<ChecksFailed>().is_some() {
        return ExitCode::from(2);
    }
    if let Some(usage) = error.downcast_ref::<Usage>() {
        eprintln!("error: {usage}");
        return ExitCode::from(1);
    }
    let code = match error.downcast_ref::<treaty::Error>() {
        Some(e @ (treaty::Error::QuerySyntax { .. } | treaty::Error::Tql { .. })) => {
            let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", e.render(color));
            3
        }
        Some(
            e @ treaty::Error::Syntax {
                file, line, column, ..
            },
        ) => {
            eprintln!("error: {e}");
            show_source_line(Path::new(file), *line, *column);
            e.exit_code()
        }
        Some(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
        None => {
            eprintln!("error: {error:#}");
            2
        }
    };
    ExitCode::from(code as u8)
}

/// Shows the line of a malformed data file with a caret under the fault, when the file can be
/// read again (not for standard input, nor for a compressed file).
fn show_source_line(path: &Path, line: Option<u64>, column: Option<u64>) {
    let (Some(line), Some(column)) = (line, column) else {
        return;
    };
    if path.extension().is_some_and(|e| e == "gz") {
        return;
    }
    let Ok(file) = File::open(path) else { return };
    let text = io::BufRead::lines(io::BufReader::new(file))
        .nth(line.saturating_sub(1) as usize)
        .and_then(Result::ok);
    if let Some(text) = text.filter(|t| t.len() <= 400) {
        eprint!("{}", treaty::error::caret_lines(&text, line, column));
    }
}
