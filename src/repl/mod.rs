//! The interactive shell, `treaty repl`: questions in TQL, one after the other, in a session
//! that keeps `let` definitions and parameters, with dot commands (`meta.rs`), completion that
//! knows the cursor's context (`complete/`), highlighting (`highlight.rs`) and multi-line
//! input (`helper.rs`), on rustyline.
//!
//! This is the one library module that talks to the terminal: it reads the keyboard and writes
//! results, notes and errors to standard output and standard error. Errors never end the
//! session. Ctrl-C abandons the input being typed, or stops the running query through the
//! store's cancellation token; Ctrl-D (or `.quit`) leaves.

pub(crate) mod complete;
mod helper;
mod highlight;
mod lex;
mod meta;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use rustyline::config::{ColorMode, CompletionType, Config, EditMode};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{Editor, EventHandler, KeyCode, KeyEvent, Modifiers};

use crate::error::{Error, Result};
use crate::output::{self, Format};
use crate::results::Answer;
use crate::session::{Done, Session};
use crate::store::{CancellationToken, Target};
use helper::Helper;
use highlight::PROMPT;

/// How the shell starts.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format of results (`.mode` changes it).
    pub format: Format,
    /// Parameters bound from the start (`.set` adds more).
    pub params: Vec<(String, String)>,
    /// Where the history is kept; none keeps it for the session only.
    pub history: Option<PathBuf>,
    /// Whether to colour the input, prompts and error reports.
    pub color: bool,
}

/// The history file in the user's data directory (`~/.local/share/treaty/history` on Linux).
pub fn default_history() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "treaty").map(|dirs| dirs.data_dir().join("history"))
}

/// Rows shown on the screen at most, unless `.rows` says otherwise.
const DEFAULT_ROWS: usize = 50;

/// Runs the shell on `target` until the user leaves.
pub fn run(target: &Target, options: Options) -> Result<()> {
    let mut shell = Shell::new(target, &options)?;
    // Rustyline highlights only with colours on; but the highlighter also draws the
    // continuation prompt, so it runs on any terminal and adds colours itself unless NO_COLOR.
    let colors = if io::stdout().is_terminal() {
        ColorMode::Forced
    } else {
        ColorMode::Disabled
    };
    let config = Config::builder()
        .color_mode(colors)
        .edit_mode(EditMode::Emacs)
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_space(true)
        .max_history_size(2000)
        .map_err(terminal)?
        .build();
    let mut editor: Editor<Helper, FileHistory> = Editor::with_config(config).map_err(terminal)?;
    editor.set_helper(Some(Helper::new(
        shell.session.schema().clone(),
        target.backend(),
        options.color,
    )));
    for key in [
        KeyEvent(KeyCode::Enter, Modifiers::NONE),
        KeyEvent::ctrl('J'),
    ] {
        editor.bind_sequence(
            key,
            EventHandler::Conditional(Box::new(helper::ContinueLine)),
        );
    }
    let mut history = options.history.as_ref().and_then(|path| {
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!(
                "note: cannot create {}: {e}; the history is kept for this session only",
                dir.display()
            );
            return None;
        }
        match editor.load_history(path) {
            Ok(()) => Some(path),
            Err(ReadlineError::Io(e)) if e.kind() == io::ErrorKind::NotFound => Some(path),
            Err(e) => {
                eprintln!(
                    "note: cannot read the history {}: {e}; it is kept for this session only",
                    path.display()
                );
                None
            }
        }
    });
    install_interrupt_handler();
    shell.greet();
    loop {
        match editor.readline(PROMPT) {
            Ok(raw) => {
                let input = helper::strip_continuations(&raw);
                if input.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(raw.as_str());
                if let Some(path) = history
                    && let Err(e) = editor.append_history(path)
                {
                    eprintln!(
                        "note: cannot save the history {}: {e}; it is kept for this session only",
                        path.display()
                    );
                    history = None;
                }
                let go_on = {
                    let _running = Running::start(target);
                    shell.handle(&input)
                };
                if let Some(helper) = editor.helper_mut() {
                    shell.update(helper);
                }
                if !go_on {
                    break;
                }
            }
            // Ctrl-C: the input is abandoned; a fresh prompt follows.
            Err(ReadlineError::Interrupted) => {}
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(terminal(e)),
        }
    }
    shell.close_output();
    Ok(())
}

fn terminal(error: ReadlineError) -> Error {
    Error::Terminal(error.to_string())
}

/// What the shell is doing between two prompts: an input being carried out, with the token
/// that Ctrl-C cancels.
struct Busy {
    id: u64,
    token: CancellationToken,
    interrupted: bool,
}

static BUSY: Mutex<Option<Busy>> = Mutex::new(None);
static INPUTS: AtomicU64 = AtomicU64::new(0);

fn busy() -> std::sync::MutexGuard<'static, Option<Busy>> {
    BUSY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Catches Ctrl-C while an input is carried out (outside line editing, where the terminal
/// turns Ctrl-C into a signal). The first stops the running query through its cancellation
/// token. Should the query not notice (a few operations, such as a load, cannot stop halfway),
/// a second Ctrl-C leaves treaty, so that the user is never stuck; a load left that way keeps
/// nothing.
fn install_interrupt_handler() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            let mut state = busy();
            let Some(current) = state.as_mut() else {
                return;
            };
            if current.interrupted {
                eprintln!("\nleaving treaty");
                std::process::exit(130);
            }
            current.interrupted = true;
            current.token.cancel();
            let id = current.id;
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(1500));
                if busy().as_ref().is_some_and(|b| b.id == id) {
                    eprintln!("\nstill stopping... (Ctrl-C again leaves treaty)");
                }
            });
        });
        if let Err(e) = installed {
            eprintln!("note: Ctrl-C cannot stop a running query here ({e})");
        }
    });
}

/// An input being carried out: every query watches a fresh cancellation token until this is
/// dropped.
struct Running<'s> {
    target: &'s Target,
}

impl<'s> Running<'s> {
    fn start(target: &'s Target) -> Self {
        let token = CancellationToken::new();
        // An endpoint's request cannot be stopped half-way; its timeout bounds it instead.
        if let Some(store) = target.store() {
            store.set_cancellation(Some(token.clone()));
        }
        *busy() = Some(Busy {
            id: INPUTS.fetch_add(1, Ordering::Relaxed),
            token,
            interrupted: false,
        });
        Running { target }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *busy() = None;
        if let Some(store) = self.target.store() {
            store.set_cancellation(None);
        }
    }
}

/// Where results go.
enum Output {
    Screen,
    File { path: PathBuf, out: BufWriter<File> },
}

/// The state of a session.
struct Shell<'s> {
    target: &'s Target,
    session: Session<'s>,
    format: Format,
    /// Show the SPARQL of each query before its results.
    sparql: bool,
    /// Show how long each statement took.
    timer: bool,
    /// Rows shown on the screen at most (`None`: all).
    rows: Option<usize>,
    output: Output,
    color: bool,
    /// `let` names with the plural of their entity set, for completion and `.schema`.
    lets: Vec<(String, String)>,
    /// True when the schema or the names changed (after `.load`).
    reloaded: bool,
}

impl<'s> Shell<'s> {
    fn new(target: &'s Target, options: &Options) -> Result<Self> {
        let mut session = Session::new(target.backend())?;
        session.bind(&options.params);
        Ok(Shell {
            target,
            session,
            format: options.format,
            sparql: false,
            timer: false,
            rows: Some(DEFAULT_ROWS),
            output: Output::Screen,
            color: options.color,
            lets: Vec::new(),
            reloaded: false,
        })
    }

    /// Two lines: what the store holds, and how to get help.
    fn greet(&self) {
        let holds = match crate::stats::collect(self.target.backend()) {
            Ok(stats) => {
                let parts: Vec<String> = stats
                    .entities
                    .iter()
                    .map(|(name, n)| format!("{n} {name}"))
                    .collect();
                format!("holds {}", join_and(&parts))
            }
            Err(e) => format!("cannot be counted ({e})"),
        };
        println!(
            "treaty {}: {} {holds}.",
            env!("CARGO_PKG_VERSION"),
            self.target.backend().describe()
        );
        println!(
            "Ask in TQL, e.g. `guarantees where guarantor = Britain`; Tab completes, \
             .help shows commands and examples, Ctrl-D leaves."
        );
    }

    /// Hands what completion needs to the helper.
    fn update(&mut self, helper: &mut Helper) {
        helper.lets.clone_from(&self.lets);
        let mut params: Vec<String> = self.session.compiler().params().keys().cloned().collect();
        params.sort();
        helper.params = params;
        if self.reloaded {
            helper.schema = self.session.schema().clone();
            helper.forget_names();
            self.reloaded = false;
        }
    }

    /// Runs one input: a dot command or TQL. Returns false when the user asked to leave.
    fn handle(&mut self, input: &str) -> bool {
        self.follow_writers();
        let trimmed = input.trim();
        if trimmed.starts_with('.') {
            return match meta::parse(trimmed) {
                Ok(command) => self.meta(command),
                Err(message) => {
                    self.error_note(&message);
                    true
                }
            };
        }
        self.run_tql("input", input);
        true
    }

    /// Moves to the data another process loaded since the last input, if any: the shell reads
    /// a snapshot of the store, so it sees a load only once it has finished, all of it at once.
    fn follow_writers(&mut self) {
        let Some(store) = self.target.store() else {
            return;
        };
        match store.refresh() {
            Ok(false) => {}
            Ok(true) => match self.session.reload() {
                Ok(()) => {
                    self.reloaded = true;
                    self.note("note: the store changed (another process wrote to it); reading its new contents");
                }
                Err(e) => self.report(&e),
            },
            Err(e) => self.report(&e.into()),
        }
    }

    /// Runs every statement of `text` in order, showing each result; stops at the first error.
    fn run_tql(&mut self, name: &str, text: &str) {
        let mut statements = match self.session.parse(name, text) {
            Ok(statements) => statements,
            Err(e) => return self.report(&e),
        };
        let headed =
            statements.results() > 1 && matches!(self.format, Format::Table | Format::Markdown);
        while let Some(outcome) = self.session.run_next(&mut statements) {
            let done = match &outcome.result {
                Ok(done) => done,
                Err(e) => return self.report(e),
            };
            if let Done::Defined { name, source } = done {
                self.define(name, source);
                self.note(&format!(
                    "`{name}` is defined: use it like an entity set (`{name} show name`)"
                ));
            }
            if self.sparql
                && let Some(sparql) = outcome.sparql()
            {
                self.note(sparql.trim_end());
            }
            let tables = outcome.tables();
            if !tables.is_empty() {
                // A statement with several tables (survival) heads each with its title.
                let several = tables.len() > 1;
                for (title, answer) in tables {
                    match title {
                        Some(title) if headed || several => {
                            self.write_result(&format!("-- {}: {title}\n", outcome.heading()))
                        }
                        _ if headed => self.write_result(&format!("-- {}\n", outcome.heading())),
                        _ => {}
                    }
                    self.show(answer);
                }
                for note in outcome.notes() {
                    self.note(&format!("note: {note}"));
                }
            }
            if self.timer {
                self.note(&format!("time: {}", duration(outcome.elapsed)));
            }
        }
    }

    /// Remembers a `let` name and the entity set it draws on.
    fn define(&mut self, name: &str, source: &str) {
        let plural = match self.session.schema().set(source) {
            Some(set) => set.plural.clone(),
            None => self
                .lets
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(source))
                .map(|(_, p)| p.clone())
                .unwrap_or_default(),
        };
        self.lets.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.lets.push((name.to_owned(), plural));
    }

    /// Writes an answer where results go: on the screen at most `rows` rows, with a note on
    /// the rest; into the output file, all of them.
    fn show(&mut self, answer: &Answer) {
        let format = self.format;
        let written = match &mut self.output {
            Output::Screen => {
                let mut out = io::stdout().lock();
                let written = match self.rows {
                    Some(rows) => output::write_limited(answer, format, rows, &mut out),
                    None => output::write(answer, format, &mut out).map(|()| 0),
                };
                let _ = out.flush();
                written
            }
            Output::File { out, .. } => output::write(answer, format, out)
                .and_then(|()| out.flush())
                .map(|()| 0),
        };
        match written {
            Ok(0) => {}
            Ok(left) => self.note(&format!(
                "({left} more row{} not shown: `.rows all` shows every row, `.output FILE` \
                 writes them to a file, `limit`/`offset` page through them)",
                if left == 1 { "" } else { "s" }
            )),
            Err(e) => self.error_note(&format!("cannot write the results: {e}")),
        }
        for note in self.target.backend().take_notes() {
            self.note(&format!("warning: {note}"));
        }
    }

    /// Writes text where results go.
    fn write_result(&mut self, text: &str) {
        let written = match &mut self.output {
            Output::Screen => {
                let mut out = io::stdout().lock();
                out.write_all(text.as_bytes()).and_then(|()| out.flush())
            }
            Output::File { out, .. } => out.write_all(text.as_bytes()),
        };
        if let Err(e) = written {
            self.error_note(&format!("cannot write the results: {e}"));
        }
    }

    /// A note for the user, on the screen whatever `.output` says.
    fn note(&self, text: &str) {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    /// A short error message on standard error.
    fn error_note(&self, text: &str) {
        let _ = io::stdout().flush();
        if self.color {
            eprintln!("{}: {text}", highlight::paint("error", "1;31"));
        } else {
            eprintln!("error: {text}");
        }
    }

    /// Shows an error the way the command line does: with a caret under the fault.
    fn report(&self, error: &Error) {
        let _ = io::stdout().flush();
        eprint!("{}", render_error(error, self.color));
    }

    /// Closes the output file, if results go to one.
    fn close_output(&mut self) {
        if let Output::File { path, mut out } = std::mem::replace(&mut self.output, Output::Screen)
            && let Err(e) = out.flush()
        {
            self.error_note(&format!("cannot write {}: {e}", path.display()));
        }
    }
}

/// An error as the user should read it, ending with a line break.
fn render_error(error: &Error, color: bool) -> String {
    if error.is_cancelled() {
        // After the `^C` the terminal echoed.
        "\nstopped: the query was interrupted (Ctrl-C)\n".to_owned()
    } else {
        error.render(color)
    }
}

/// `a`, `a and b`, `a, b and c`
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A duration for people: milliseconds below ten seconds, else seconds.
fn duration(elapsed: Duration) -> String {
    if elapsed < Duration::from_secs(10) {
        format!("{:.1} ms", elapsed.as_secs_f64() * 1000.0)
    } else {
        format!("{:.1} s", elapsed.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_like_the_command_line() {
        let sparql = Error::Store(crate::store::Error::QuerySyntax {
            query: "SELECT ?x\nWHERE { ?x ?y }".into(),
            line: Some(2),
            column: Some(15),
            message: "error at 2:15: expected a term".into(),
        });
        let text = render_error(&sparql, false);
        assert!(
            text.starts_with("error: SPARQL syntax error at line 2, column 15: expected a term"),
            "{text}"
        );
        assert!(
            text.contains("2 | WHERE { ?x ?y }\n  |               ^\n"),
            "{text}"
        );
        assert!(render_error(&crate::store::Error::Cancelled.into(), false).contains("Ctrl-C"));
    }

    #[test]
    fn lists_read_as_english() {
        let parts: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(join_and(&parts), "a, b and c");
        assert_eq!(join_and(&parts[..1]), "a");
    }
}
