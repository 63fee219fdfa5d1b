//! The `treaty` binary: parses arguments, calls the library, prints, and turns errors into
//! messages and exit codes (one mapping: `treaty::Error::exit_code`). Everything that knows
//! about the terminal lives here, in `cli.rs` and `progress.rs`, except the interactive shell
//! (`treaty::repl`).

mod cli;
mod progress;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command, ReplArgs};
use progress::Bar;
use treaty::output::{self, Format};
use treaty::results::Answer;
use treaty::session::Session;
use treaty::store::Target;
use treaty::{Backend, check, import, load, repl, report, stats};

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
    let opened = Target::open(&cli.store.open_options(&command))?;
    for notice in &opened.notices {
        eprintln!("treaty: {notice}");
    }
    let target = opened.target;
    let backend = target.backend();
    match command {
        Command::Repl(args) => repl::run(&target, args.options()?)?,
        Command::Query(args) => {
            let text = cli::text_arg(&args.text)?;
            run_tql(
                backend,
                "query",
                &text,
                &args.params,
                args.format.as_deref(),
            )?;
        }
        Command::Explain(args) => {
            let text = cli::text_arg(&args.text)?;
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
            let (name, text) = args.source()?;
            if report::is_report_run(&text, args.format.as_deref(), args.output.is_some()) {
                return run_report(backend, &name, &text, &args);
            }
            run_tql(backend, &name, &text, &args.params, args.format.as_deref())?;
        }
        Command::Sparql(args) => {
            let query = args.text()?;
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
            let options = args.options()?;
            let inputs = load::inputs(&args.files);
            eprintln!(
                "{}",
                load::load_to(&target, &inputs, &options, &Bar::new())?
            );
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
            let options = args.options();
            if let Some(path) = &args.report {
                import::report::check_path(path)?;
            }
            let summary = import::import(
                &target,
                &args.files,
                &args.mapping,
                options,
                args.matches.as_deref(),
                &Bar::new(),
            )?;
            print_notes(backend);
            eprintln!("{summary}");
            if let Some(path) = &args.report {
                import::report::write(&summary, path)?;
                eprintln!("report written to {}", path.display());
            }
            if target.is_memory() && !args.dry_run {
                eprintln!("note: --memory: the imported data is gone when treaty exits");
            }
        }
        Command::Export(args) => {
            let store = target.store_to_export()?;
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
        Command::Serve(args) => {
            let options = args.options()?;
            let describe = backend.describe();
            let started = move |address| {
                eprintln!("treaty: serving {describe} at http://{address}/ (Ctrl-C stops)");
            };
            // Runs until Ctrl-C (or SIGTERM), then answers the requests in flight.
            treaty::serve::serve(target, options, started, treaty::serve::stop_signal())?;
            eprintln!("treaty: stopped");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `treaty check`: the rules against the store, or (without one) against the files in a
/// throw-away store seeded with the bundled data. Exit 2 when a rule is broken.
fn check(backend: Option<&dyn Backend>, args: &cli::CheckArgs) -> anyhow::Result<ExitCode> {
    let format = output_format(args.format.as_deref())?;
    let checked = check::run(args.subject(backend), args.rules.as_deref(), &Bar::new())?;
    if let Some(backend) = backend {
        print_notes(backend);
    }
    if !checked.passed() {
        print_answer(None, &checked.to_answer(), format)?;
    }
    eprintln!("{checked}");
    Ok(if checked.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// Writes one answer to standard output, and the backend's notes about it to standard error.
fn print_answer(
    backend: Option<&dyn Backend>,
    answer: &Answer,
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
/// `output::for_results` says how several result sets are printed.
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
            match title {
                Some(title) if headed => writeln!(out, "\n-- {}: {title}", outcome.heading())?,
                None if headed => writeln!(out, "\n-- {}", outcome.heading())?,
                _ => {}
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
            let mut out = BufWriter::new(io::stdout().lock());
            report::write_plain(&run, output_format(args.format.as_deref())?, &mut out)?;
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

/// Prints an error the way a user should see it (`treaty::Error::render`; a malformed data
/// file's line with a caret under the fault) and picks the exit code: the library's errors
/// carry their own (`treaty::Error::exit_code`); anything else is 2. A closed pipe is no error.
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
    let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", error.render(color));
    if let treaty::Error::Syntax {
        file, line, column, ..
    } = error
        && let Some(excerpt) = treaty::error::source_excerpt(Path::new(file), *line, *column)
    {
        eprint!("{excerpt}");
    }
    ExitCode::from(error.exit_code() as u8)
}
