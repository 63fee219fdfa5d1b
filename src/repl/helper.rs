//! The rustyline helper: completion (`complete/`), hints, highlighting (`highlight.rs`) and
//! the validator that decides, from the parser, whether a statement needs more lines.

use std::borrow::Cow;
use std::cell::RefCell;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Cmd, ConditionalEventHandler, Context, Event, EventContext, RepeatCount};

use super::complete::{self, Known};
use super::highlight::{self, INDENT};
use super::meta;
use crate::lang;
use crate::schema::{NameIndex, Schema};
use crate::store::Backend;

/// What the helper knows of the session, refreshed after each command.
pub(crate) struct Helper<'t> {
    pub schema: Schema,
    /// The names completion offers, read per entity set or concept scheme on first use (a
    /// store of millions of entities is not read whole when the shell starts).
    names: RefCell<NameIndex>,
    backend: &'t dyn Backend,
    /// `let` names with the plural of their entity set.
    pub lets: Vec<(String, String)>,
    /// Bound parameters, without `$`.
    pub params: Vec<String>,
    color: bool,
    history: HistoryHinter,
}

impl<'t> Helper<'t> {
    pub fn new(schema: Schema, backend: &'t dyn Backend, color: bool) -> Self {
        Self {
            schema,
            names: RefCell::new(NameIndex::on_demand()),
            backend,
            lets: Vec::new(),
            params: Vec::new(),
            color,
            history: HistoryHinter::new(),
        }
    }

    /// Forgets the names read so far (after `.load`: they are read again as they are used).
    pub fn forget_names(&mut self) {
        self.names = RefCell::new(NameIndex::on_demand());
    }

    fn known<'a>(&'a self, names: &'a NameIndex) -> Known<'a> {
        Known {
            schema: &self.schema,
            names,
            lets: &self.lets,
            params: &self.params,
        }
    }

    /// The completion at `pos`. When it needs the names of a set not read yet, the set is
    /// read and the completion made again. A store that cannot be read leaves the names out,
    /// with a note, rather than breaking the line being edited.
    fn completion(&self, line: &str, pos: usize) -> complete::Completion {
        let completion = complete::complete(line, pos, &self.known(&self.names.borrow()));
        let wanted = self.names.borrow().take_wanted_sets();
        if wanted.is_empty() {
            return completion;
        }
        if let Err(e) = self.names.borrow_mut().load_sets(self.backend, &wanted) {
            eprintln!("\nnote: cannot read names for completion: {e}");
            return completion;
        }
        let names = self.names.borrow();
        let again = complete::complete(line, pos, &self.known(&names));
        // Sets still wanted were just read; nothing more to do with them.
        let _ = names.take_wanted_sets();
        again
    }
}

/// The text as typed, without the indents that carry the continuation prompts.
pub(crate) fn strip_continuations(input: &str) -> String {
    input.replace(&format!("\n{INDENT}"), "\n")
}

/// True when `input` is a statement that goes on: the parser says more text could complete
/// it (it ends after `where`, inside parentheses or a string...). Meta commands are one line,
/// except `.explain` followed by an unfinished statement.
pub(crate) fn needs_more(input: &str) -> bool {
    let text = strip_continuations(input);
    let trimmed = text.trim_start();
    if trimmed.starts_with('.') {
        return match trimmed.split_once(char::is_whitespace) {
            Some((command, rest)) if command.eq_ignore_ascii_case(".explain") => {
                !rest.trim().is_empty() && !lang::is_complete(rest)
            }
            _ => false,
        };
    }
    !trimmed.is_empty() && !lang::is_complete(&text)
}

/// Bound to Enter: when the statement goes on, inserts a line break and the indent that shows
/// as the continuation prompt; otherwise lets Enter do its usual work (which asks the
/// validator).
pub(crate) struct ContinueLine;

impl ConditionalEventHandler for ContinueLine {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        let line = ctx.line();
        if ctx.pos() == line.len() && needs_more(line) {
            Some(Cmd::Insert(1, format!("\n{INDENT}")))
        } else {
            None
        }
    }
}

impl Completer for Helper<'_> {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let completion = self.completion(line, pos);
        Ok((
            completion.start,
            completion
                .candidates
                .into_iter()
                .map(|c| Pair {
                    display: c.display,
                    replacement: c.replacement,
                })
                .collect(),
        ))
    }
}

/// A hint: shown dimmed after the cursor; `completion` is what the right arrow inserts.
pub(crate) struct Hint {
    display: String,
    completion: Option<String>,
}

impl rustyline::hint::Hint for Hint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

/// The hint for a meta command being typed: the rest of its name and what it takes.
pub(crate) fn meta_hint(line: &str) -> Option<Hint> {
    let text = line.trim_start();
    if !text.starts_with('.') {
        return None;
    }
    match text.split_once(char::is_whitespace) {
        None => {
            let mut found = meta::COMMANDS.iter().filter(|c| c.name.starts_with(text));
            let command = found.next()?;
            if found.next().is_some() {
                return None;
            }
            let rest = &command.name[text.len()..];
            let display = if command.usage.is_empty() {
                rest.to_owned()
            } else {
                format!("{rest} {}", command.usage)
            };
            Some(Hint {
                display,
                completion: Some(rest.to_owned()).filter(|r| !r.is_empty()),
            })
            .filter(|h| !h.display.is_empty())
        }
        Some((name, rest)) if rest.trim().is_empty() => {
            // The command is typed, and a space after it: what it takes.
            let command = meta::COMMANDS.iter().find(|c| c.name == name)?;
            let usage = command.usage;
            (!usage.is_empty()).then(|| Hint {
                display: usage.to_owned(),
                completion: None,
            })
        }
        Some(_) => None,
    }
}

impl Hinter for Helper<'_> {
    type Hint = Hint;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<Hint> {
        if pos < line.len() {
            return None;
        }
        if let Some(hint) = meta_hint(line) {
            return Some(hint);
        }
        // The rest of an earlier input that starts the same way, when it is one line.
        let earlier = self.history.hint(line, pos, ctx)?;
        (!earlier.contains('\n')).then(|| Hint {
            completion: Some(earlier.clone()),
            display: earlier,
        })
    }
}

impl Highlighter for Helper<'_> {
    fn highlight<'l>(&self, line: &'l str, _: usize) -> Cow<'l, str> {
        let is_source = |word: &str| {
            self.schema.set(word).is_some()
                || self.lets.iter().any(|(n, _)| n.eq_ignore_ascii_case(word))
        };
        Cow::Owned(highlight::highlight(line, is_source, self.color))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, _: bool) -> Cow<'b, str> {
        if self.color {
            Cow::Owned(highlight::paint(prompt, "1;32"))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(highlight::paint(hint, "2"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _: &str, _: usize, _: CmdKind) -> bool {
        // Colours depend on the whole text (a word becomes a keyword, a quote opens a string).
        true
    }
}

impl Validator for Helper<'_> {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if needs_more(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl rustyline::Helper for Helper<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use rustyline::hint::Hint as _;

    #[test]
    fn statements_go_on_until_the_parser_is_satisfied() {
        assert!(needs_more("settlements where"));
        assert!(needs_more(&format!(
            "settlements where\n{INDENT}(kind = armistice"
        )));
        assert!(!needs_more(&format!(
            "settlements where\n{INDENT}(kind = armistice)"
        )));
        assert!(!needs_more("settlements"));
        assert!(!needs_more(""));
        // A quote left open on its line is reported at once: no next line can close it.
        assert!(!needs_more("settlements where name = \"Treaty of"));
        assert!(needs_more("sparql \"\"\"SELECT"));
        // An error before the end is complete: running it shows the error.
        assert!(!needs_more("settlements frobnicate where"));
        assert!(!needs_more(".mode csv"));
        assert!(needs_more(".explain settlements where"));
        assert!(!needs_more(".explain settlements"));
    }

    #[test]
    fn continuation_indents_are_taken_out() {
        assert_eq!(
            strip_continuations(&format!("a where\n{INDENT}b\n{INDENT}  c")),
            "a where\nb\n  c"
        );
    }

    #[test]
    fn meta_commands_are_hinted_with_their_arguments() {
        let hint = meta_hint(".mo").unwrap();
        assert_eq!(hint.display(), "de table|csv|tsv|json|md");
        assert_eq!(hint.completion(), Some("de"));
        let hint = meta_hint(".mode ").unwrap();
        assert_eq!(hint.display(), "table|csv|tsv|json|md");
        assert_eq!(hint.completion(), None);
        assert!(meta_hint(".mode csv").is_none());
        assert!(meta_hint(".s").is_none(), "several commands start with .s");
        assert!(meta_hint("settlements").is_none());
    }
}
