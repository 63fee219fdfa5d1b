//! Tab completion that knows where the cursor is: a pure function of the text, the cursor, the
//! schema and the names (plus the session's `let` names and parameters), so that every context
//! is unit-tested without a terminal.
//!
//! It reads the text with the forgiving tokenizer of `lex.rs`, not the parser, because the text
//! being completed is unfinished by nature. The contexts:
//!
//! - the start of a statement: `count`, `let`, `sparql`, entity sets and `let` names;
//! - after `where`, `and`, `show`, `by`, `order by`, `with`... : the fields of the entity set at
//!   hand, and after `field.` the fields of what `field` leads to;
//! - after `=`, `!=`, `in (`: the names of the entities or concepts the field holds, quoted
//!   when they are not single words; after `is`: concept names;
//! - after a field in a condition: operators; after a value: `and`, `or` and clauses;
//! - a line starting with `.`: meta commands, and their arguments (entity sets for `.schema`,
//!   formats for `.mode`, file paths for `.load`, `.read` and `.output`...).
//!
//! This file holds the entry point, the candidates and their filtering; `context.rs` reads the
//! TQL contexts, `commands.rs` the dot commands.

use std::path::Path;

use oxigraph::model::NamedNode;

use super::lex::{self, Kind, Token};
use super::meta;
use crate::lang::grammar::{self, CLAUSES, FUNCTIONS, ONCE, WORD_OPERATORS, is_keyword};
use crate::output::Format;
use crate::schema::{EntitySet, Field, NameIndex, Schema, ValueKind};
use crate::vocab::SKOS_CONCEPT;
use commands::*;
use context::*;

mod commands;
mod context;
#[cfg(test)]
mod tests;

/// What completion may draw on.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    /// Entity sets and their fields.
    pub schema: &'a Schema,
    /// Names of entities and concepts.
    pub names: &'a NameIndex,
    /// The session's `let` definitions: each name with the plural of the entity set it draws on.
    pub lets: &'a [(String, String)],
    /// The names of the bound parameters, without `$`.
    pub params: &'a [String],
}

/// One proposal: what to list, and what replaces the text from `Completion::start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What the list of candidates shows.
    pub display: String,
    /// What replaces the word being completed.
    pub replacement: String,
}

/// The proposals for a cursor position.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// Byte offset where the word being completed starts.
    pub start: usize,
    /// The proposals, best first.
    pub candidates: Vec<Candidate>,
}

#[cfg(test)]
impl Completion {
    /// The replacements, for tests.
    pub fn replacements(&self) -> Vec<&str> {
        self.candidates
            .iter()
            .map(|c| c.replacement.as_str())
            .collect()
    }
}

/// Completes `line` at byte offset `cursor`.
pub fn complete(line: &str, cursor: usize, known: &Known) -> Completion {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &line[..cursor];
    let indent = before.len() - before.trim_start().len();
    if before[indent..].starts_with('.') {
        return complete_meta(before, indent, known);
    }
    complete_tql(before, 0, known)
}

/// Completes a TQL text that ends at the cursor; `offset` is where it starts in the whole line.
fn complete_tql(before: &str, offset: usize, known: &Known) -> Completion {
    let all = lex::tokens(before);
    let (start, partial, tokens) = match all.last() {
        Some(t) if t.end == before.len() && t.kind == Kind::Comment => {
            return Completion::default();
        }
        Some(t) if t.end == before.len() && t.kind == (Kind::Text { closed: false }) => {
            (t.start, t.text(before), &all[..all.len() - 1])
        }
        Some(t)
            if t.end == before.len()
                && matches!(t.kind, Kind::Word | Kind::Param | Kind::Number) =>
        {
            (t.start, t.text(before), &all[..all.len() - 1])
        }
        _ => (before.len(), "", &all[..]),
    };
    let statement = match tokens
        .iter()
        .rposition(|t| t.kind == Kind::Symbol && t.text(before) == ";")
    {
        Some(i) => &tokens[i + 1..],
        None => tokens,
    };
    let context = Context {
        text: before,
        tokens: statement
            .iter()
            .filter(|t| t.kind != Kind::Comment)
            .copied()
            .collect(),
        known,
    };
    let proposals = if partial.starts_with('$') {
        Proposals::Values(params(known))
    } else if partial.starts_with(['"', '\'']) {
        // Inside an unfinished text: only names are worth proposing.
        match context.proposals() {
            Proposals::Values(values) => Proposals::Values(values),
            _ => Proposals::None,
        }
    } else {
        context.proposals()
    };
    Completion {
        start: offset + start,
        candidates: proposals.filter(partial),
    }
}

/// Kinds of proposals, each filtered by the word typed so far in its own way.
enum Proposals {
    None,
    /// Keywords (matched case-insensitively, written in the case the user started with).
    Words(Vec<String>),
    /// Entity-set, field and `let` names, and keywords among them.
    Mixed {
        words: Vec<String>,
        names: Vec<String>,
    },
    /// Values: entity or concept names (quoted where needed), `true`/`false`, parameters.
    Values(Vec<String>),
}

impl Proposals {
    fn filter(self, partial: &str) -> Vec<Candidate> {
        let matches = |s: &str| starts_with_ignore_case(s, partial);
        let upper = !partial.is_empty()
            && partial
                .chars()
                .all(|c| !c.is_alphabetic() || c.is_uppercase())
            && partial.chars().any(char::is_alphabetic);
        let keyword = |w: &String| {
            let w = if upper { w.to_uppercase() } else { w.clone() };
            Candidate {
                // A keyword is always followed by something: save the space.
                replacement: format!("{w} "),
                display: w,
            }
        };
        let name = |n: &String| Candidate {
            display: n.clone(),
            replacement: n.clone(),
        };
        let mut out: Vec<Candidate> = match self {
            Proposals::None => Vec::new(),
            Proposals::Words(words) => words.iter().filter(|w| matches(w)).map(keyword).collect(),
            Proposals::Mixed { words, names } => names
                .iter()
                .filter(|n| matches(n))
                .map(name)
                .chain(words.iter().filter(|w| matches(w)).map(keyword))
                .collect(),
            Proposals::Values(values) => {
                let quote = partial.chars().next().filter(|c| *c == '"' || *c == '\'');
                let bare = partial.trim_start_matches(['"', '\'']);
                values
                    .iter()
                    .filter(|v| {
                        let unquoted = v.trim_start_matches(['"', '$']);
                        starts_with_ignore_case(unquoted, bare)
                            || (v.starts_with('$') && starts_with_ignore_case(v, partial))
                    })
                    .map(|v| match quote {
                        Some(q) if !v.starts_with('$') => Candidate {
                            display: unquote(v),
                            replacement: quoted(&unquote(v), q),
                        },
                        _ => name(v),
                    })
                    .collect()
            }
        };
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(c.replacement.clone()));
        out
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.to_lowercase().starts_with(&prefix.to_lowercase())
}

fn params(known: &Known) -> Vec<String> {
    known.params.iter().map(|p| format!("${p}")).collect()
}

/// A name as TQL reads it: bare when it is one word that is not a keyword, else in quotes.
pub(crate) fn quote_if_needed(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name);
    if bare {
        name.to_owned()
    } else {
        quoted(name, '"')
    }
}

fn quoted(name: &str, quote: char) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push(quote);
    for c in name.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
    out
}

/// The name inside a quoted value, as `quote_if_needed` wrote it.
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_owned();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}
