//! The `treaty` binary: parses arguments, calls the library, prints, and turns errors into
//! messages and exit codes (one mapping: `treaty::Error::exit_code`). Everything that knows
//! about the terminal lives here, in `cli.rs` and `progress.rs`, except the interactive shell
//! (`treaty::repl`).

mod cli;
mod progress;

use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{CommandFactory, Parser};

use cli::{Cli, Command, ReplArgs};
use progress::Bar;
use treaty::output::{self, Format};
use treaty::session::Session;
use treaty::store::{OpenOptions, Target};
use treaty::{Backend, load, repl, report, stats};

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
    run(cli).unwrap_or_else(report_error)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli
        .command
        .unwrap_or_else(|| Command::Repl(ReplArgs::default()));
    // Checking files needs no store of the user's: it must work even while one is in use.
    if let Command::Check(args) = &command
        && !args.files.is_empty()
    {
        return check(None, args);
    }
    let opened = Target::open(&OpenOptions {
        endpoint: cli.store.endpoint.clone(),
        memory: cli.store.memory,
        store: cli.store.store.clone(),
        read_only: cli.store.read_only,
        timeout: std::time::Duration::from_secs(cli.store.timeout),
        graph_store: cli.store.graph_store.clone(),
        writes: matches!(
            command,
            Command::Load(_) | Command::Import(_) | Command::Remove(_)
        ),
        seeds_endpoint: matches!(command, Command::Load(_)),
    })?;
    for notice in &opened.notices {
        eprintln!("treaty: {notice}");
    }
    let target = opened.target;
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
            run_tql(
                backend,
                "query",
                &text,
                &args.params,
                args.format.as_deref(),
            )?;
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
            if report::is_report_run(&text, args.format.as_deref(), args.output.is_some()) {
                return run_report(backend, &name, &text, &args);
            }
            run_tql(backend, &name, &text, &args.params, args.format.as_deref())?;
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
                eprintln!("{}", load::load_bundled(&target)?);
                if args.files.is_empty() {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            let options = load::Options {
                add: args.add,
                ..load::Options::from_names(args.format.as_deref(), args.graph.as_deref())?
            };
            let summary =
                load::load_to(&target, &load::inputs(&args.files), &options, &Bar::new())?;
            eprintln!("{summary}");
            if target.is_memory() {
                eprintln!("note: --memory: the loaded data is gone when treaty exits");
            }
        }
        Command::Remove(args) => {
            for graph in load::remove(&target, &args.graphs)? {
                eprintln!("removed <{}>", graph.as_str());
            }
        }
        Command::Import(args) => {
            let options = treaty::import::Options {
                skip_bad_rows: args.skip_bad_rows,
                dry_run: args.dry_run,
                no_match: args.no_match,
            };
            let summary = treaty::import::import(
                &target,
                &args.files,
                &args.mapping,
                options,
                args.matches.as_deref(),
                &Bar::new(),
            )?;
            print_notes(backend);
            eprintln!("{summary}");
            if target.is_memory() && !args.dry_run {
                eprintln!("note: --memory: the imported data is gone when treaty exits");
            }
        }
        Command::Export(args) => {
            let Some(store) = target.store() else {
                bail!(
                    "export reads the local store; to copy data out of a SPARQL server, use the \
                     server's own dump tools"
                );
            };
            let format = load::format::for_export(args.format.as_deref(), args.output.as_deref())?;
            let graph = args.graph.as_deref().map(load::parse_iri).transpose()?;
            match &args.output {
                None => {
                    let mut out = BufWriter::new(io::stdout().lock());
                    store.export(&mut out, format, graph.as_ref())?;
                    out.flush()?;
                }
                Some(path) => {
                    store.export_to_file(path, format, graph.as_ref())?;
                    eprintln!("exported to {}", path.display());
                }
            }
        }
        Command::Check(args) => return check(Some(backend), &args),
        Command::Stats(args) => {
            let format = output_format(args.format.as_deref())?;
            print_answer(Some(backend), &stats::collect(backend)?.to_answer(), format)?;
        }
        Command::Serve(args) => return serve(target, &args),
    }
    Ok(ExitCode::SUCCESS)
}

/// `treaty serve`: runs until Ctrl-C (or SIGTERM), then answers the requests in flight.
fn serve(target: Target, args: &cli::ServeArgs) -> anyhow::Result<ExitCode> {
    if !(args.query_timeout.is_finite() && args.query_timeout > 0.0) {
        bail!("--query-timeout takes a number of seconds above 0");
    }
    let options = treaty::serve::Options {
        bind: args.bind,
        port: args.port,
        timeout: std::time::Duration::from_secs_f64(args.query_timeout),
        row_cap: args.row_cap,
        body_limit: args.max_body.saturating_mul(1024),
        cors: args.cors,
    };
    let describe = target.backend().describe();
    treaty::serve::serve(
        target,
        options,
        move |address| {
            eprintln!("treaty: serving {describe} at http://{address}/ (Ctrl-C stops)");
        },
        treaty::serve::stop_signal(),
    )?;
    eprintln!("treaty: stopped");
    Ok(ExitCode::SUCCESS)
}

/// `treaty check`: the rules against the store, or (without one) against the files in a
/// throw-away store seeded with the bundled data. Exit 2 when a rule is broken.
fn check(backend: Option<&dyn Backend>, args: &cli::CheckArgs) -> anyhow::Result<ExitCode> {
    let format = output_format(args.format.as_deref())?;
    let mut rules = treaty::check::bundled_rules();
    if let Some(dir) = &args.rules {
        rules.extend(treaty::check::rules_in(dir)?);
    }
    let violations = match backend {
        Some(backend) => {
            let violations = treaty::check::check(backend, &rules)?;
            print_notes(backend);
            violations
        }
        None => {
            let options = load::Options::from_names(args.input_format.as_deref(), None)?;
            let inputs = load::inputs(&args.files);
            treaty::check::check_files(&inputs, &options, &rules, &Bar::new())?
        }
    };
    if !violations.is_empty() {
        print_answer(None, &treaty::check::to_answer(&violations), format)?;
    }
    eprintln!("{}", treaty::check::summary(&violations, rules.len()));
    Ok(if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// Writes one answer to standard output, and the backend's notes about it to standard error.
fn print_answer(
    backend: Option<&dyn Backend>,
    answer: &treaty::results::Answer,
    format: Format,
) -> anyhow::Result<()> {
    output::check_fits(answer, format)?;
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
///
/// CSV, TSV and JSON hold one result set: a text with several is refused when one of them was
/// asked for, and printed as Markdown tables under their statements when standard output is
/// no terminal and no format was named (the default there is CSV).
fn run_tql(
    backend: &dyn Backend,
    name: &str,
    text: &str,
    params: &[(String, String)],
    format_name: Option<&str>,
) -> anyhow::Result<()> {
    let format = output_format(format_name)?;
    let mut session = Session::new(backend)?;
    session.bind(params);
    let statements = session.run_script(name, text)?;
    let results = statements.results();
    let (format, note) = output::for_results(name, results, format, format_name.is_some())?;
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    let headed = results > 1 && matches!(format, Format::Table | Format::Markdown);
    let mut out = BufWriter::new(io::stdout().lock());
    for outcome in statements {
        if let Err(error) = outcome.result {
            return Err(error.into());
        }
        let tables = outcome.tables();
        if tables.is_empty() {
            continue;
        }
        for (title, answer) in tables {
            if headed {
                match title {
                    Some(title) => writeln!(out, "\n-- {}: {title}", outcome.heading())?,
                    None => writeln!(out, "\n-- {}", outcome.heading())?,
                }
            }
            output::check_fits(answer, format)?;
            output::write(answer, format, &mut out)?;
        }
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
) -> anyhow::Result<ExitCode> {
    let format = report::Format::choose(args.format.as_deref(), args.output.as_deref())?;
    let parsed = report::syntax::parse(name, text)?;
    let options = report::Options {
        params: args.params.clone(),
        bail: args.bail,
        run_date: treaty::clock::utc_now(),
    };
    let run = report::run(backend, &parsed, &options)?;
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
        (None, _) => {
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
    for failure in &run.failures() {
        eprintln!("error: {failure}");
    }
    Ok(run.exit_code().map_or(ExitCode::SUCCESS, ExitCode::from))
}

fn output_format(name: Option<&str>) -> anyhow::Result<Format> {
    Ok(output::choose(name, io::stdout().is_terminal())?)
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

/// Prints an error the way a user should see it and picks the exit code: the library's
/// errors carry their own (`treaty::Error::exit_code`); anything else is 2.
fn report_error(error: anyhow::Error) -> ExitCode {
    if let Some(io) = error.root_cause().downcast_ref::<io::Error>()
        && io.kind() == io::ErrorKind::BrokenPipe
    {
        return ExitCode::SUCCESS;
    }
    // The store layer's errors are the library's too, whichever of the two came up.
    let error = match error.downcast::<treaty::store::Error>() {
        Ok(store) => anyhow::Error::from(treaty::Error::from(store)),
        Err(other) => other,
    };
    let Some(error) = error.downcast_ref::<treaty::Error>() else {
        eprintln!("error: {error:#}");
        return ExitCode::from(2);
    };
    match error {
        treaty::Error::Store(treaty::store::Error::QuerySyntax { .. })
        | treaty::Error::Tql { .. } => {
            let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", error.render(color));
        }
        treaty::Error::Syntax {
            file, line, column, ..
        } => {
            eprintln!("error: {error}");
            show_source_line(Path::new(file), *line, *column);
        }
        _ => eprintln!("error: {error}"),
    }
    ExitCode::from(error.exit_code() as u8)
}

/// Shows the line of a malformed data file with a caret under the fault, when the file can be
/// read again.
fn show_source_line(path: &Path, line: Option<u64>, column: Option<u64>) {
    if let Some(excerpt) = treaty::error::source_excerpt(path, line, column) {
        eprint!("{excerpt}");
    }
}
