//! The TQL parser: text in, `ast::Script` out, every node carrying the span it was written at.
//!
//! Written with nom over `nom_locate` spans, without a separate lexer: each token parser skips
//! the whitespace and comments before it. The grammar (docs/language.md) is LL(1) apart from
//! one-token look-ahead, so every construct is chosen by its first token and then committed to
//! with `cut`: the parser never backtracks over more than a token, and errors point at the
//! real fault.
//!
//! Error messages come from a `Tracker` carried in the span: each token parser that is tried
//! notes what it would have accepted at its position, and a syntax error reports the furthest
//! position reached with everything that was expected there. Faults that are not about what
//! comes next (a bad date, an unclosed string, too deep nesting) fail at once with their own
//! diagnostic.
//!
//! Recursion is bounded: only parentheses (in conditions, calls and `in` lists) and `not`
//! recurse, and their depth is checked before recursing. Chains of `and`/`or` are built as
//! balanced trees, so no later stage has to recurse deeper than a few dozen levels either.
//!
//! This file holds the entry point, the input type, errors and the tracker; `tokens.rs`,
//! `statements.rs` (scripts, queries, clauses) and `conditions.rs` (conditions and expressions)
//! hold the grammar's rules.

use std::cell::{Cell, RefCell};
use std::fmt;

use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Input};
use nom_locate::LocatedSpan;

use super::ast::{
    Analysis, AnalysisKind, Clause, Condition, DateLit, Expr, Grouping, Item, OrderKey, Path,
    Query, Repeat, Script, Span, Spanned, Statement, Step, Target,
};
use super::date;
use super::diagnostic::Diagnostic;
use super::grammar::{COMPARISONS, is_keyword, is_word_start, word_len};
use conditions::*;
use statements::*;
use tokens::*;

/// Deepest nesting of parentheses (and `not`) accepted.
const MAX_DEPTH: usize = 64;

/// What the grammar allows where a query's clauses may continue.
const CLAUSE: Expected = Expected::Thing("a clause (`where`, `show`, `order by`...)");
/// What may follow an expression in a condition.
const OPERATOR: Expected =
    Expected::Thing("an operator (`=`, `<`, `between`, `in`, `contains`, `is`...)");
const FIELD_TEXT: &str = "a field name";
const FIELD: Expected = Expected::Name(FIELD_TEXT);
const VALUE: Expected = Expected::Thing("a value");
const ENTITY_SET_TEXT: &str = "an entity set (such as `settlements`)";
const ENTITY_SET: Expected = Expected::Name(ENTITY_SET_TEXT);

/// Whether `word` may not be used as a name. `count` is a keyword only at the start of a
/// query, so it stays free for the function `count(...)`.
fn is_reserved(word: &str) -> bool {
    is_keyword(word) && !word.eq_ignore_ascii_case("count")
}

/// A parse that failed, with whether more text could still make it succeed (the error is at
/// the end of the text, or a string runs to the end).
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) diagnostic: Diagnostic,
    pub(super) needs_more_input: bool,
}

/// Parses a whole TQL text.
pub(super) fn parse_script(text: &str) -> Result<Script, Failure> {
    let tracker = Tracker::new(text);
    let input = In::new_extra(text, &tracker);
    match script(input) {
        Ok((_, statements)) => Ok(Script { statements }),
        Err(nom::Err::Error(PError::Fatal {
            diagnostic,
            needs_more_input,
        }))
        | Err(nom::Err::Failure(PError::Fatal {
            diagnostic,
            needs_more_input,
        })) => Err(Failure {
            diagnostic: *diagnostic,
            needs_more_input,
        }),
        Err(_) => Err(tracker.failure()),
    }
}

// ---------------------------------------------------------------------------------------------
// Input, errors and the tracker of expectations

type In<'a> = LocatedSpan<&'a str, &'a Tracker<'a>>;
type PResult<'a, T> = IResult<In<'a>, T, PError>;

/// The parser's error. `Backtrack` carries nothing: what was expected is in the tracker.
#[derive(Debug)]
enum PError {
    Backtrack,
    Fatal {
        diagnostic: Box<Diagnostic>,
        needs_more_input: bool,
    },
}

impl<'a> ParseError<In<'a>> for PError {
    fn from_error_kind(_: In<'a>, _: ErrorKind) -> Self {
        PError::Backtrack
    }

    fn append(_: In<'a>, _: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        match self {
            PError::Fatal { .. } => self,
            PError::Backtrack => other,
        }
    }
}

/// Something the parser would have accepted, as the error message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// A keyword, shown in backticks.
    Keyword(&'static str),
    /// Punctuation, shown in backticks.
    Symbol(&'static str),
    /// A place for a name (field, entity set...): finding a keyword there earns a hint.
    Name(&'static str),
    /// Anything else, in words.
    Thing(&'static str),
    End,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Keyword(s) | Expected::Symbol(s) => write!(f, "`{s}`"),
            Expected::Name(s) | Expected::Thing(s) => f.write_str(s),
            Expected::End => f.write_str("end of input"),
        }
    }
}

/// State shared by the whole parse: the furthest position any token parser was tried at with
/// what was expected there, and the last column computed.
struct Tracker<'a> {
    text: &'a str,
    furthest: RefCell<(usize, Vec<Expected>)>,
    /// A byte offset and its column. Columns are counted from here rather than from the start
    /// of the line, so that a query written on one very long line still parses in linear time.
    column: Cell<(usize, usize)>,
}

impl<'a> Tracker<'a> {
    fn new(text: &'a str) -> Self {
        Tracker {
            text,
            furthest: RefCell::new((0, Vec::new())),
            column: Cell::new((0, 1)),
        }
    }

    /// The column (in characters, from 1) of the byte offset `at`.
    fn column(&self, at: usize) -> usize {
        let (known, known_column) = self.column.get();
        let column = if known <= at {
            let between = &self.text[known..at];
            match between.rfind('\n') {
                Some(n) => between[n + 1..].chars().count() + 1,
                None => known_column + between.chars().count(),
            }
        } else {
            let between = &self.text[at..known];
            if between.contains('\n') {
                let before = &self.text[..at];
                let line_start = before.rfind('\n').map_or(0, |n| n + 1);
                before[line_start..].chars().count() + 1
            } else {
                known_column - between.chars().count()
            }
        };
        if known <= at {
            self.column.set((at, column));
        }
        column
    }

    fn expect(&self, at: usize, what: Expected) {
        let mut furthest = self.furthest.borrow_mut();
        if at > furthest.0 {
            furthest.0 = at;
            furthest.1.clear();
        }
        if at == furthest.0 && !furthest.1.contains(&what) {
            furthest.1.push(what);
        }
    }

    /// The syntax error: "expected A, B or C, found X" at the furthest position.
    fn failure(&self) -> Failure {
        let text = self.text;
        let (at, expected) = self.furthest.take();
        let (found, end) = describe_token(text, at);
        let span = span_at(text, at, end);
        let at_end = at >= text.len();
        let message = match expected.as_slice() {
            [] => format!("unexpected {found}"),
            [one] => format!("expected {one}, found {found}"),
            [init @ .., last] => {
                let init: Vec<String> = init.iter().map(ToString::to_string).collect();
                format!("expected {} or {last}, found {found}", init.join(", "))
            }
        };
        let label = if at_end {
            "the text ends here".to_string()
        } else {
            format!("unexpected {found}")
        };
        let mut diagnostic = Diagnostic::new(span, message).with_label(label);
        let word = &text[at..at + word_len(&text[at..])];
        if is_reserved(word)
            && let Some(Expected::Name(what)) =
                expected.iter().find(|e| matches!(e, Expected::Name(_)))
        {
            diagnostic = diagnostic.with_help(format!(
                "`{word}` is a reserved word in TQL and cannot be used as {what}"
            ));
        }
        Failure {
            diagnostic,
            needs_more_input: at_end,
        }
    }
}

/// Notes that `what` would have been accepted at `i`.
fn expect(i: &In, what: Expected) {
    i.extra.expect(i.location_offset(), what);
}

fn backtrack<'a, T>() -> PResult<'a, T> {
    Err(nom::Err::Error(PError::Backtrack))
}

/// A failure that no alternative can repair.
fn fatal<'a, T>(diagnostic: Diagnostic, needs_more_input: bool) -> PResult<'a, T> {
    Err(nom::Err::Failure(PError::Fatal {
        diagnostic: Box::new(diagnostic),
        needs_more_input,
    }))
}

/// The span from `start` up to where `end` begins.
fn span(start: &In, end: &In) -> Span {
    Span {
        start: start.location_offset(),
        end: end.location_offset(),
        line: start.location_line(),
        column: u32::try_from(start.extra.column(start.location_offset())).unwrap_or(u32::MAX),
    }
}

/// The span of the first `len` bytes of `i`.
fn span_len(i: &In, len: usize) -> Span {
    span(i, &i.take_from(len))
}

/// A span computed from byte offsets into `text`.
fn span_at(text: &str, start: usize, end: usize) -> Span {
    let before = &text[..start];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span {
        start,
        end,
        line: to_u32(before.matches('\n').count() + 1),
        column: to_u32(before[line_start..].chars().count() + 1),
    }
}

/// The token at `at`, as an error message names it, and where it ends.
fn describe_token(text: &str, at: usize) -> (String, usize) {
    let rest = &text[at..];
    let Some(first) = rest.chars().next() else {
        return ("end of input".to_string(), at);
    };
    let len = match first {
        c if is_word_start(c) => word_len(rest),
        c if c.is_ascii_digit() => rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(rest.len()),
        '"' | '\'' => rest[1..]
            .find([first, '\n'])
            .map_or(rest.len(), |n| (n + 2).min(rest.len())),
        '$' => 1 + word_len(&rest[1..]),
        _ if ["<=", ">=", "<>", "!="]
            .iter()
            .any(|op| rest.starts_with(op)) =>
        {
            2
        }
        c => c.len_utf8(),
    };
    let len = (1..=len)
        .rev()
        .find(|&n| rest.is_char_boundary(n))
        .unwrap_or(first.len_utf8());
    let token = &rest[..len];
    let shown = if token.chars().count() > 30 {
        let cut: String = token.chars().take(29).collect();
        format!("{cut}…")
    } else {
        token.to_string()
    };
    (format!("`{shown}`"), at + len)
}

mod conditions;
mod statements;
mod tokens;

#[cfg(test)]
mod tests;
