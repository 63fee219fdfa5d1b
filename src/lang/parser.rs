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

use std::cell::{Cell, RefCell};
use std::fmt;

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::combinator::{cut, opt};
use nom::error::{ErrorKind, ParseError};
use nom::multi::separated_list1;
use nom::sequence::preceded;
use nom::{IResult, Input, Parser};
use nom_locate::LocatedSpan;

use super::ast::{
    Clause, Condition, DateLit, Expr, Item, OrderKey, Path, Query, Repeat, Script, Span, Spanned,
    Statement, Step,
};
use super::date;
use super::diagnostic::Diagnostic;
use super::grammar::{COMPARISONS, is_keyword, is_word_start, word_len};

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

// ---------------------------------------------------------------------------------------------
// Tokens

/// Skips whitespace and comments (`--` or `#` to the end of the line).
fn skip_ws(i: In) -> In {
    let mut i = i;
    loop {
        let spaces: PResult<In> = take_while(char::is_whitespace).parse(i);
        if let Ok((rest, _)) = spaces {
            i = rest;
        }
        let comment: PResult<In> =
            preceded(tag("--").or(tag("#")), take_while(|c| c != '\n')).parse(i);
        match comment {
            Ok((rest, _)) => i = rest,
            Err(_) => return i,
        }
    }
}

/// The word at `i` (after whitespace), with the input after it.
fn next_word<'a>(i: In<'a>) -> (In<'a>, &'a str, In<'a>) {
    let at = skip_ws(i);
    let fragment: &str = at.fragment();
    let word = &fragment[..word_len(fragment)];
    (at, word, at.take_from(word.len()))
}

/// The keyword `k`, noting `noted` as expected when it is absent.
fn keyword_noting<'a>(
    k: &'static str,
    noted: Option<Expected>,
) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    move |i| {
        let (at, word, rest) = next_word(i);
        if word.eq_ignore_ascii_case(k) {
            Ok((rest, span(&at, &rest)))
        } else {
            if let Some(what) = noted {
                expect(&at, what);
            }
            backtrack()
        }
    }
}

/// The keyword `k`; names it in errors when it is absent.
fn keyword<'a>(k: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    keyword_noting(k, Some(Expected::Keyword(k)))
}

/// The keyword `k`, optional and not worth naming in errors.
fn keyword_quiet<'a>(k: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    keyword_noting(k, None)
}

/// The punctuation `s`, noted as expected when absent if `noted`.
fn symbol_noting<'a>(s: &'static str, noted: bool) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    move |i| {
        let at = skip_ws(i);
        let found: PResult<In> = tag(s).parse(at);
        match found {
            Ok((rest, _)) => Ok((rest, span(&at, &rest))),
            Err(_) => {
                if noted {
                    expect(&at, Expected::Symbol(s));
                }
                backtrack()
            }
        }
    }
}

fn symbol<'a>(s: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    symbol_noting(s, true)
}

fn symbol_quiet<'a>(s: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    symbol_noting(s, false)
}

/// A name (a field, an entity set, an alias...): a word that is not reserved.
fn name<'a>(what: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Spanned<String>> {
    move |i| {
        let (at, word, rest) = next_word(i);
        if word.is_empty() || is_reserved(word) {
            expect(&at, Expected::Name(what));
            return backtrack();
        }
        Ok((rest, Spanned::new(word.to_string(), span(&at, &rest))))
    }
}

/// A quoted string at `i` (no whitespace skipped). `"..."` and `'...'` stay on one line and
/// know the escapes `\" \' \\ \n \t`; `"""..."""` and `'''...'''` may span lines and keep
/// their text exactly as written (backslashes included), for SPARQL and regular expressions.
fn string(i: In) -> PResult<Spanned<String>> {
    let text: &str = i.fragment();
    let quote = match text.chars().next() {
        Some(c @ ('"' | '\'')) => c,
        _ => return backtrack(),
    };
    let triple = if quote == '"' { "\"\"\"" } else { "'''" };
    if let Some(body) = text.strip_prefix(triple) {
        return match body.find(triple) {
            Some(n) => {
                let rest = i.take_from(n + 6);
                Ok((rest, Spanned::new(body[..n].to_string(), span(&i, &rest))))
            }
            None => fatal(
                Diagnostic::new(span_len(&i, 3), "unclosed string")
                    .with_label("this string is never closed")
                    .with_help(format!("add the closing {triple}")),
                true,
            ),
        };
    }
    let unclosed = |runs_to_end: bool| {
        fatal(
            Diagnostic::new(span_len(&i, 1), "unclosed string")
                .with_label("this string is never closed")
                .with_help("add the closing quote"),
            runs_to_end,
        )
    };
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((at, c)) = chars.next() {
        match c {
            c if c == quote => {
                let rest = i.take_from(at + 1);
                return Ok((rest, Spanned::new(value, span(&i, &rest))));
            }
            '\n' | '\r' => return unclosed(false),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, c @ ('\\' | '"' | '\''))) => value.push(c),
                Some((_, '\n' | '\r')) => return unclosed(false),
                Some((next, c)) => {
                    let escape = i.take_from(at);
                    return fatal(
                        Diagnostic::new(
                            span_len(&escape, next - at + c.len_utf8()),
                            format!("unknown escape `\\{c}` in a string"),
                        )
                        .with_label("unknown escape")
                        .with_help(
                            "the escapes are \\\" \\' \\\\ \\n and \\t; for text with many \
                             backslashes use a triple-quoted string \"\"\"...\"\"\", which keeps \
                             them as written",
                        ),
                        false,
                    );
                }
                None => return unclosed(true),
            },
            c => value.push(c),
        }
    }
    unclosed(true)
}

/// A number or date at `i` (no whitespace skipped): `1815`, `2.5`, `1914-07` or `1914-07-28`.
fn number(i: In) -> PResult<Expr> {
    let (after_digits, digits) = take_while1(|c: char| c.is_ascii_digit()).parse(i)?;
    let rest: &str = after_digits.fragment();
    let digit_after = |prefix: char| {
        rest.strip_prefix(prefix)
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    if digit_after('.') {
        let fraction = 1 + rest[1..].bytes().take_while(u8::is_ascii_digit).count();
        let end = after_digits.take_from(fraction);
        let text = i.fragment()[..digits.len() + fraction].to_string();
        return Ok((end, Expr::Decimal(Spanned::new(text, span(&i, &end)))));
    }
    if digit_after('-') {
        let mut len = digits.len();
        let text: &str = i.fragment();
        while text[len..].starts_with('-')
            && text[len + 1..].starts_with(|c: char| c.is_ascii_digit())
        {
            len += 1 + text[len + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
        }
        let end = i.take_from(len);
        let written = &text[..len];
        let span = span(&i, &end);
        return match date(written) {
            Ok(date) => Ok((end, Expr::Date(Spanned::new(date, span)))),
            Err((reason, help)) => {
                let mut d = Diagnostic::new(span, format!("{written} is not a date: {reason}"))
                    .with_label(reason);
                if let Some(help) = help {
                    d = d.with_help(help);
                }
                fatal(d, false)
            }
        };
    }
    let span = span(&i, &after_digits);
    match digits.fragment().parse::<i64>() {
        Ok(n) => Ok((after_digits, Expr::Integer(Spanned::new(n, span)))),
        Err(_) => fatal(too_large(span, digits.fragment()), false),
    }
}

fn too_large(span: Span, digits: &str) -> Diagnostic {
    Diagnostic::new(span, format!("{digits} is too large a number")).with_label("too large")
}

/// Reads `YYYY-MM` or `YYYY-MM-DD`; on error, the reason and perhaps a hint.
fn date(written: &str) -> Result<DateLit, (String, Option<String>)> {
    if !date::is_iso_layout(written) {
        return Err(layout());
    }
    date::parse(written).map_err(|invalid| match invalid {
        date::Invalid::Layout => layout(),
        other => (other.to_string(), None),
    })
}

fn layout() -> (String, Option<String>) {
    (
        "write dates as YYYY-MM or YYYY-MM-DD".to_string(),
        Some("for example 1914-07 or 1914-07-28; a year alone is a plain number: 1914".to_string()),
    )
}

/// A whole number (for `limit` and `offset`).
fn whole_number(i: In) -> PResult<Spanned<u64>> {
    let at = skip_ws(i);
    expect(&at, Expected::Thing("a whole number"));
    match number(at)? {
        (rest, Expr::Integer(n)) => match u64::try_from(n.node) {
            Ok(value) => Ok((rest, Spanned::new(value, n.span))),
            Err(_) => backtrack(),
        },
        _ => backtrack(),
    }
}

// ---------------------------------------------------------------------------------------------
// Statements and clauses

/// `script = [ statement { ";" statement } ] [ ";" ] EOF`
fn script(i: In) -> PResult<Vec<Statement>> {
    let mut statements = Vec::new();
    let mut i = skip_ws(i);
    if i.fragment().is_empty() {
        return Ok((i, statements));
    }
    if let Ok((after, _)) = symbol_quiet(";")(i)
        && skip_ws(after).fragment().is_empty()
    {
        return Ok((skip_ws(after), statements));
    }
    loop {
        let (rest, statement) = match statement(i) {
            Ok(parsed) => parsed,
            Err(error) => {
                if !statements.is_empty() {
                    // After a `;`, the text may also just end.
                    expect(&i, Expected::End);
                }
                return Err(error);
            }
        };
        statements.push(statement);
        let at = skip_ws(rest);
        let (after, semicolon) = opt(symbol(";")).parse(at)?;
        let next = skip_ws(after);
        if next.fragment().is_empty() {
            return Ok((next, statements));
        }
        if semicolon.is_none() {
            expect(&next, Expected::End);
            return backtrack();
        }
        i = next;
    }
}

/// `statement = "let" IDENT "=" query | "sparql" STRING | query`
fn statement(i: In) -> PResult<Statement> {
    let start = skip_ws(i);
    expect(&start, ENTITY_SET);
    expect(&start, Expected::Keyword("let"));
    expect(&start, Expected::Keyword("sparql"));
    if let Ok((rest, _)) = keyword_quiet("let")(start) {
        let (rest, name) = cut(name("a name for the query")).parse(rest)?;
        let (rest, _) = cut(symbol("=")).parse(rest)?;
        let (rest, query) = cut(query).parse(rest)?;
        let span = span(&start, &rest);
        return Ok((rest, Statement::Let { name, query, span }));
    }
    if let Ok((rest, _)) = keyword_quiet("sparql")(start) {
        let text = |i| {
            let at = skip_ws(i);
            expect(
                &at,
                Expected::Thing("the SPARQL query as a string, such as \"\"\"SELECT ...\"\"\""),
            );
            string(at)
        };
        let (rest, text) = cut(text).parse(rest)?;
        let span = span(&start, &rest);
        return Ok((rest, Statement::Sparql { text, span }));
    }
    query.map(Statement::Query).parse(start)
}

/// `query = [ "count" ] IDENT { clause }`
fn query(i: In) -> PResult<Query> {
    let start = skip_ws(i);
    let (rest, count) = opt(keyword_quiet("count")).parse(start)?;
    let (rest, source) = if count.is_some() {
        cut(name(ENTITY_SET_TEXT)).parse(rest)?
    } else {
        name(ENTITY_SET_TEXT).parse(rest)?
    };
    let mut rest = rest;
    let mut clauses = Vec::new();
    let mut seen: Vec<(&str, Span)> = Vec::new();
    loop {
        let (at, word, _) = next_word(rest);
        let (after, clause) = match clause(rest) {
            Ok(parsed) => parsed,
            Err(nom::Err::Error(_)) => break,
            Err(error) => return Err(error),
        };
        let keyword = span(&at, &at.take_from(word.len()));
        if let Some(name) = once_only(&clause) {
            if let Some((_, first)) = seen.iter().find(|(seen, _)| *seen == name) {
                return fatal(repeated_clause(name, keyword, *first), false);
            }
            seen.push((name, keyword));
        }
        clauses.push(clause);
        rest = after;
    }
    let span = span(&start, &rest);
    Ok((
        rest,
        Query {
            count,
            source,
            clauses,
            span,
        },
    ))
}

/// The name of a clause that a query may have only once (all but `where`, `with`, `without`).
fn once_only(clause: &Clause) -> Option<&'static str> {
    match clause {
        Clause::Where(_) | Clause::With(_) | Clause::Without(_) => None,
        Clause::Show { .. } => Some("show"),
        Clause::By { .. } => Some("by"),
        Clause::Having(_) => Some("having"),
        Clause::OrderBy { .. } => Some("order by"),
        Clause::Limit(_) => Some("limit"),
        Clause::Offset(_) => Some("offset"),
    }
}

fn repeated_clause(name: &str, second: Span, first: Span) -> Diagnostic {
    let help = match name {
        "show" => "list all the columns in one `show`, separated by commas".to_string(),
        "by" | "order by" => format!("list all the keys in one `{name}`, separated by commas"),
        "having" => "join the conditions with `and` in one `having`".to_string(),
        _ => format!("keep one `{name}`"),
    };
    Diagnostic::new(
        second,
        format!("a query takes one `{name}` clause, and this is a second"),
    )
    .with_label(format!("the first is on line {}", first.line))
    .with_help(help)
}

/// One clause, chosen by its keyword.
fn clause(i: In) -> PResult<Clause> {
    let (at, word, rest) = next_word(i);
    expect(&at, CLAUSE);
    let clause = match word.to_ascii_lowercase().as_str() {
        "where" => {
            let (rest, condition) = cut(|i| condition(i, 0)).parse(rest)?;
            (rest, Clause::Where(*condition))
        }
        "having" => {
            let (rest, condition) = cut(|i| condition(i, 0)).parse(rest)?;
            (rest, Clause::Having(*condition))
        }
        "with" => {
            let (rest, path) = cut(path).parse(rest)?;
            (rest, Clause::With(path))
        }
        "without" => {
            let (rest, path) = cut(path).parse(rest)?;
            (rest, Clause::Without(path))
        }
        "show" => {
            let (rest, distinct) = opt(keyword_quiet("distinct")).parse(rest)?;
            let (rest, items) = cut(list(item)).parse(rest)?;
            let span = span(&at, &rest);
            let distinct = distinct.is_some();
            (
                rest,
                Clause::Show {
                    distinct,
                    items,
                    span,
                },
            )
        }
        "by" => {
            let (rest, keys) = cut(list(|i| expr(i, 0))).parse(rest)?;
            let span = span(&at, &rest);
            (rest, Clause::By { keys, span })
        }
        "order" => {
            let (rest, _) = cut(keyword("by")).parse(rest)?;
            let (rest, keys) = cut(list(order_key)).parse(rest)?;
            let span = span(&at, &rest);
            (rest, Clause::OrderBy { keys, span })
        }
        "limit" => {
            let (rest, n) = cut(whole_number).parse(rest)?;
            (rest, Clause::Limit(n))
        }
        "offset" => {
            let (rest, n) = cut(whole_number).parse(rest)?;
            (rest, Clause::Offset(n))
        }
        _ => return backtrack(),
    };
    Ok(clause)
}

/// One or more `element`s separated by commas; an element is required after each comma.
fn list<'a, T>(
    element: impl Parser<In<'a>, Output = T, Error = PError>,
) -> impl Parser<In<'a>, Output = Vec<T>, Error = PError> {
    separated_list1(symbol(","), cut(element))
}

/// `item = expr [ "as" IDENT ]`
fn item(i: In) -> PResult<Item> {
    let (rest, expr) = expr(i, 0)?;
    let (rest, alias) =
        opt(preceded(keyword_quiet("as"), cut(name("a column name")))).parse(rest)?;
    Ok((rest, Item { expr, alias }))
}

/// `orderkey = expr [ "asc" | "desc" ]`
fn order_key(i: In) -> PResult<OrderKey> {
    let (rest, expr) = expr(i, 0)?;
    let (rest, descending) = opt(keyword_quiet("asc")
        .map(|_| false)
        .or(keyword_quiet("desc").map(|_| true)))
    .parse(rest)?;
    let descending = descending.unwrap_or(false);
    Ok((rest, OrderKey { expr, descending }))
}

// ---------------------------------------------------------------------------------------------
// Conditions

/// `condition = conj { "or" conj }`
///
/// The parsers of conditions pass boxes, and those that recurse (this one, `conjunction`,
/// `negation`, `primary`, `call`) are plain loops rather than nom combinators: each level of
/// parentheses then takes a small stack frame, even in unoptimised builds.
fn condition(i: In, depth: usize) -> PResult<Box<Condition>> {
    let (mut rest, first) = conjunction(i, depth)?;
    let mut others = Vec::new();
    while let Ok((after, _)) = keyword("or")(rest) {
        let (after, next) = commit(conjunction(after, depth))?;
        others.push(next);
        rest = after;
    }
    Ok((rest, balanced(first, others, Condition::Or)))
}

/// `conj = neg { "and" neg }`
fn conjunction(i: In, depth: usize) -> PResult<Box<Condition>> {
    let (mut rest, first) = negation(i, depth)?;
    let mut others = Vec::new();
    while let Ok((after, _)) = keyword("and")(rest) {
        let (after, next) = commit(negation(after, depth))?;
        others.push(next);
        rest = after;
    }
    Ok((rest, balanced(first, others, Condition::And)))
}

/// What `cut` does, for the recursive parsers: after this point, failing is an error.
fn commit<T>(result: PResult<T>) -> PResult<T> {
    result.map_err(|error| match error {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    })
}

/// Joins `first` and `others` with `join` as a balanced tree, so that a long chain of `and`s
/// is a shallow tree (depth log n) that no later recursion can overflow on.
#[allow(clippy::vec_box)] // the terms arrive boxed and are linked as they are, without moves
fn balanced(first: Box<Condition>, others: Vec<Box<Condition>>, join: Join) -> Box<Condition> {
    let n = others.len() + 1;
    build(first, &mut others.into_iter(), n, join)
}

type Join = fn(Box<Condition>, Box<Condition>) -> Condition;

/// The balanced tree of `first` and the next `n - 1` terms of `rest`.
fn build(
    first: Box<Condition>,
    rest: &mut std::vec::IntoIter<Box<Condition>>,
    n: usize,
    join: Join,
) -> Box<Condition> {
    if n <= 1 {
        return first;
    }
    let left_n = n.div_ceil(2);
    let left = build(first, rest, left_n, join);
    match rest.next() {
        Some(right_first) => {
            let right = build(right_first, rest, n - left_n, join);
            Box::new(join(left, right))
        }
        None => left,
    }
}

/// What a level of nesting was opened by, for the error message.
#[derive(Clone, Copy)]
enum Nesting {
    Paren,
    Not,
}

/// One level deeper than `depth`, or the error when that is too deep. Called before recursing,
/// so that even 100,000 opening parentheses cost 64 levels of stack.
fn nest(at: &In, len: usize, depth: usize, by: Nesting) -> Result<usize, nom::Err<PError>> {
    if depth < MAX_DEPTH {
        return Ok(depth + 1);
    }
    let (message, label) = match by {
        Nesting::Paren => (
            format!("too deeply nested: more than {MAX_DEPTH} levels of parentheses"),
            format!("this `(` opens level {}", MAX_DEPTH + 1),
        ),
        Nesting::Not => (
            format!("too deeply nested: more than {MAX_DEPTH} levels of `not` and parentheses"),
            format!("this `not` opens level {}", MAX_DEPTH + 1),
        ),
    };
    let diagnostic = Diagnostic::new(span_len(at, len), message)
        .with_label(label)
        .with_help("split the query into simpler conditions");
    Err(nom::Err::Failure(PError::Fatal {
        diagnostic: Box::new(diagnostic),
        needs_more_input: false,
    }))
}

/// `neg = "not" neg | primary`, read as a loop so that a long run of `not`s costs no stack.
fn negation(i: In, depth: usize) -> PResult<Box<Condition>> {
    let mut nots = Vec::new();
    let mut depth = depth;
    let mut i = i;
    loop {
        let (at, word, rest) = next_word(i);
        if !word.eq_ignore_ascii_case("not") {
            break;
        }
        depth = nest(&at, word.len(), depth, Nesting::Not)?;
        nots.push(span(&at, &rest));
        i = rest;
    }
    let (rest, mut condition) = if nots.is_empty() {
        primary(i, depth)?
    } else {
        commit(primary(i, depth))?
    };
    for not in nots.into_iter().rev() {
        let span = Span {
            end: rest.location_offset(),
            ..not
        };
        condition = Box::new(Condition::Not(condition, span));
    }
    Ok((rest, condition))
}

/// `primary = "(" condition ")" | "with" path | "without" path | expr OPERATOR ...`
fn primary(i: In, depth: usize) -> PResult<Box<Condition>> {
    let (at, word, rest) = next_word(i);
    let negated = word.eq_ignore_ascii_case("without");
    if negated || word.eq_ignore_ascii_case("with") {
        return exists(&at, rest, negated);
    }
    expect(&at, FIELD);
    expect(&at, Expected::Symbol("("));
    if at.fragment().starts_with('(') {
        let depth = nest(&at, 1, depth, Nesting::Paren)?;
        let (rest, condition) = commit(condition(at.take_from(1), depth))?;
        let (rest, _) = commit(symbol(")")(rest))?;
        return Ok((rest, condition));
    }
    let (rest, condition) = operation(at, depth)?;
    Ok((rest, Box::new(condition)))
}

/// `with PATH` or `without PATH` in a condition, from after the keyword at `start`.
fn exists<'a>(start: &In<'a>, rest: In<'a>, negated: bool) -> PResult<'a, Box<Condition>> {
    let (rest, path) = cut(path).parse(rest)?;
    let span = span(start, &rest);
    let exists = Condition::Exists {
        path,
        negated,
        span,
    };
    Ok((rest, Box::new(exists)))
}

/// An expression and what follows it: a comparison, `[not] between`, `[not] in`,
/// `[not] contains`, `[not] matches` or `is [not]`.
fn operation(i: In, depth: usize) -> PResult<Condition> {
    let (i, left) = expr(i, depth)?;
    let at = skip_ws(i);
    expect(&at, OPERATOR);
    if let Some((text, op)) = COMPARISONS
        .iter()
        .find(|(text, _)| at.fragment().starts_with(text))
    {
        let after = at.take_from(text.len());
        let op = Spanned::new(*op, span(&at, &after));
        let (rest, right) = cut(|i| expr(i, depth)).parse(after)?;
        return Ok((rest, Condition::Compare { left, op, right }));
    }
    let (_, first, after_first) = next_word(at);
    let negated = first.eq_ignore_ascii_case("not");
    let (op_at, word, after) = if negated {
        next_word(after_first)
    } else {
        (at, first, after_first)
    };
    let start = left.span();
    let (rest, condition) = match word.to_ascii_lowercase().as_str() {
        "between" => {
            let (rest, low) = cut(|i| expr(i, depth)).parse(after)?;
            let and_between = Expected::Thing("`and` between the two bounds of `between`");
            let (rest, _) = cut(keyword_noting("and", Some(and_between))).parse(rest)?;
            let (rest, high) = cut(|i| expr(i, depth)).parse(rest)?;
            let span = start.to(high.span());
            let expr = left;
            (
                rest,
                Condition::Between {
                    expr,
                    low,
                    high,
                    span,
                },
            )
        }
        "in" => {
            let (open, _) = cut(symbol("(")).parse(after)?;
            let open_at = skip_ws(after);
            let depth = nest(&open_at, 1, depth, Nesting::Paren)?;
            let (rest, values) = cut(list(|i| expr(i, depth))).parse(open)?;
            let (rest, close) = cut(symbol(")")).parse(rest)?;
            let span = start.to(close);
            let expr = left;
            (rest, Condition::In { expr, values, span })
        }
        "contains" => {
            let (rest, text) = cut(|i| expr(i, depth)).parse(after)?;
            let span = start.to(text.span());
            let expr = left;
            (rest, Condition::Contains { expr, text, span })
        }
        "matches" => {
            let (rest, pattern) = cut(|i| expr(i, depth)).parse(after)?;
            let span = start.to(pattern.span());
            let expr = left;
            (
                rest,
                Condition::Matches {
                    expr,
                    pattern,
                    span,
                },
            )
        }
        "is" if !negated => {
            let Expr::Path(path) = left else {
                return fatal(
                    Diagnostic::new(start, "only a field can be tested with `is`")
                        .with_label("this is not a field")
                        .with_help("write a field before `is`, as in `mechanism is neutrality`"),
                    false,
                );
            };
            let (rest, not) = opt(keyword_quiet("not")).parse(after)?;
            let (rest, concept) = cut(|i| expr(i, depth)).parse(rest)?;
            let span = start.to(concept.span());
            let is = Condition::Is {
                path,
                concept,
                span,
            };
            let condition = match not {
                Some(_) => Condition::Not(Box::new(is), span),
                None => is,
            };
            return Ok((rest, condition));
        }
        _ if negated => {
            expect(
                &op_at,
                Expected::Thing("`between`, `in`, `contains` or `matches` after `not`"),
            );
            return Err(nom::Err::Failure(PError::Backtrack));
        }
        _ => return backtrack(),
    };
    let condition = if negated {
        let span = condition.span();
        Condition::Not(Box::new(condition), span)
    } else {
        condition
    };
    Ok((rest, condition))
}

// ---------------------------------------------------------------------------------------------
// Expressions

/// `expr = atom [ "including" "predecessors" ]`
fn expr(i: In, depth: usize) -> PResult<Expr> {
    let (rest, atom) = atom(i, depth)?;
    let (rest, including) = opt(preceded(
        keyword_quiet("including"),
        cut(keyword("predecessors")),
    ))
    .parse(rest)?;
    Ok(match including {
        Some(end) => {
            let span = atom.span().to(end);
            (rest, Expr::WithPredecessors(Box::new(atom), span))
        }
        None => (rest, atom),
    })
}

/// A value, a field path or a function call.
fn atom(i: In, depth: usize) -> PResult<Expr> {
    let at = skip_ws(i);
    expect(&at, FIELD);
    expect(&at, VALUE);
    let text: &str = at.fragment();
    match text.chars().next() {
        Some('"' | '\'') => string(at).map(|(rest, s)| (rest, Expr::Text(s))),
        Some(c) if c.is_ascii_digit() => number(at),
        Some('$') => {
            let after = at.take_from(1);
            let len = word_len(after.fragment());
            if len == 0 {
                return fatal(
                    Diagnostic::new(
                        span_len(&at, 1),
                        "expected a parameter name right after `$`",
                    )
                    .with_label("a parameter needs a name")
                    .with_help("write parameters as `$country`, with no space after `$`"),
                    false,
                );
            }
            let rest = after.take_from(len);
            let name = after.fragment()[..len].to_string();
            Ok((rest, Expr::Param(Spanned::new(name, span(&at, &rest)))))
        }
        _ => {
            let (_, word, rest) = next_word(at);
            if word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false") {
                let value = word.eq_ignore_ascii_case("true");
                return Ok((rest, Expr::Boolean(Spanned::new(value, span(&at, &rest)))));
            }
            if word.is_empty() || is_reserved(word) {
                return backtrack();
            }
            let first = Spanned::new(word.to_string(), span(&at, &rest));
            let open = skip_ws(rest);
            if open.fragment().starts_with('(') {
                return call(first, &at, open, depth);
            }
            path_from(first, &at, rest).map(|(rest, path)| (rest, Expr::Path(path)))
        }
    }
}

/// `IDENT "(" [ "distinct" ] ( "*" | expr { "," expr } ) ")"`, from the `(` on.
fn call<'a>(
    function: Spanned<String>,
    start: &In<'a>,
    open: In<'a>,
    depth: usize,
) -> PResult<'a, Expr> {
    let depth = nest(&open, 1, depth, Nesting::Paren)?;
    let mut rest = open.take_from(1);
    let distinct = match keyword_quiet("distinct")(rest) {
        Ok((after, _)) => {
            rest = after;
            true
        }
        Err(_) => false,
    };
    let mut args = Vec::new();
    let star = match expr(rest, depth) {
        Ok((after, first)) => {
            args.push(first);
            rest = after;
            while let Ok((after, _)) = symbol(",")(rest) {
                let (after, arg) = commit(expr(after, depth))?;
                args.push(arg);
                rest = after;
            }
            false
        }
        Err(nom::Err::Error(_)) => {
            let (after, _) = commit(symbol("*")(rest))?;
            rest = after;
            true
        }
        Err(error) => return Err(error),
    };
    let (rest, _) = commit(symbol(")")(rest))?;
    let span = span(start, &rest);
    Ok((
        rest,
        Expr::Call {
            function,
            distinct,
            args,
            star,
            span,
        },
    ))
}

/// `path = step { "." step }`
fn path(i: In) -> PResult<Path> {
    let at = skip_ws(i);
    let (rest, first) = name(FIELD_TEXT).parse(at)?;
    path_from(first, &at, rest)
}

/// The rest of a path whose first field, starting at `start`, has been read.
fn path_from<'a>(first: Spanned<String>, start: &In<'a>, rest: In<'a>) -> PResult<'a, Path> {
    let (mut rest, repeat) = repetition(rest)?;
    let mut steps = vec![Step {
        field: first,
        repeat,
    }];
    while let (after, Some(_)) = opt(symbol_quiet(".")).parse(rest)? {
        let (after, field) = cut(name(FIELD_TEXT)).parse(after)?;
        let (after, repeat) = repetition(after)?;
        steps.push(Step { field, repeat });
        rest = after;
    }
    let span = span(start, &rest);
    Ok((rest, Path { steps, span }))
}

/// `[ "+" | "*" ]` after a step.
fn repetition(i: In) -> PResult<Repeat> {
    let (rest, repeat) = opt(symbol_quiet("+")
        .map(|_| Repeat::OneOrMore)
        .or(symbol_quiet("*").map(|_| Repeat::ZeroOrMore)))
    .parse(i)?;
    Ok((rest, repeat.unwrap_or(Repeat::Once)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Script {
        match parse_script(text) {
            Ok(script) => script,
            Err(failure) => panic!("{}", failure.diagnostic.render("test", text, false)),
        }
    }

    fn error(text: &str) -> Diagnostic {
        match parse_script(text) {
            Ok(script) => panic!("{text:?} parsed: {script:?}"),
            Err(failure) => failure.diagnostic,
        }
    }

    /// The single query of `text`.
    fn query(text: &str) -> Query {
        match parse(text).statements.as_slice() {
            [Statement::Query(query)] => query.clone(),
            other => panic!("expected one query, got {other:?}"),
        }
    }

    /// The condition of the single `where` clause of `text`.
    fn condition(text: &str) -> Condition {
        match query(text).clauses.as_slice() {
            [Clause::Where(condition)] => condition.clone(),
            other => panic!("expected one where clause, got {other:?}"),
        }
    }

    /// The text a span covers.
    fn text_of(source: &str, span: Span) -> &str {
        &source[span.start..span.end]
    }

    fn field_names(path: &Path) -> Vec<&str> {
        path.steps.iter().map(|s| s.field.node.as_str()).collect()
    }

    fn as_path(expr: &Expr) -> &Path {
        match expr {
            Expr::Path(path) => path,
            other => panic!("expected a path, got {other:?}"),
        }
    }

    // --- Statements ------------------------------------------------------------------------

    #[test]
    fn empty_script_has_no_statements() {
        for text in [
            "",
            "   \n\t ",
            "-- only a comment",
            "# another\n-- and another\n",
            ";",
        ] {
            assert_eq!(parse(text).statements, Vec::new(), "{text:?}");
        }
    }

    #[test]
    fn several_statements_with_comments() {
        let text = "-- settlements first\n\
                    settlements where kind = armistice; # trailing comment\n\
                    conflicts -- no clause\n\
                    ;\n\
                    guarantees where outcome is violated;";
        let script = parse(text);
        let sources: Vec<String> = script
            .statements
            .iter()
            .map(|s| match s {
                Statement::Query(q) => q.source.node.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(sources, ["settlements", "conflicts", "guarantees"]);
    }

    #[test]
    fn let_names_a_query() {
        let text = "let guaranteed = settlements with guarantee;\ncount guaranteed";
        let script = parse(text);
        let Statement::Let { name, query, span } = &script.statements[0] else {
            panic!("{script:?}");
        };
        assert_eq!(name.node, "guaranteed");
        assert_eq!(query.source.node, "settlements");
        assert_eq!(
            text_of(text, *span),
            "let guaranteed = settlements with guarantee"
        );
        let Statement::Query(second) = &script.statements[1] else {
            panic!("{script:?}");
        };
        assert!(second.count.is_some());
        assert_eq!(second.source.node, "guaranteed");
        assert_eq!(second.span.line, 2);
    }

    #[test]
    fn sparql_with_triple_quoted_text() {
        let text = "sparql \"\"\"\nSELECT ?s WHERE {\n  ?s a tr:Settlement . FILTER(regex(?l, \"\\\\d\"))\n}\"\"\";\n\
                    sparql 'ASK { ?s ?p ?o }'";
        let script = parse(text);
        let Statement::Sparql { text: first, span } = &script.statements[0] else {
            panic!("{script:?}");
        };
        assert_eq!(
            first.node,
            "\nSELECT ?s WHERE {\n  ?s a tr:Settlement . FILTER(regex(?l, \"\\\\d\"))\n}"
        );
        assert!(text_of(text, first.span).starts_with("\"\"\"\nSELECT"));
        assert!(text_of(text, first.span).ends_with("}\"\"\""));
        assert!(text_of(text, *span).starts_with("sparql \"\"\"\nSELECT"));
        assert_eq!(script.statements[0].source(text), text_of(text, *span));
        let Statement::Sparql { text: second, .. } = &script.statements[1] else {
            panic!("{script:?}");
        };
        assert_eq!(second.node, "ASK { ?s ?p ?o }");
        assert_eq!(
            script.statements[1].source(text),
            "sparql 'ASK { ?s ?p ?o }'"
        );
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let q =
            query("Settlements WHERE Signed BETWEEN 1814 AND 1815 Order By signed DESC LIMIT 3");
        assert_eq!(q.source.node, "Settlements");
        assert!(matches!(
            q.clauses[0],
            Clause::Where(Condition::Between { .. })
        ));
        assert!(matches!(&q.clauses[1], Clause::OrderBy { keys, .. } if keys[0].descending));
        assert!(matches!(&q.clauses[2], Clause::Limit(n) if n.node == 3));
        assert!(query("COUNT settlements").count.is_some());
    }

    // --- Clauses ---------------------------------------------------------------------------

    #[test]
    fn count_with_group_by() {
        let text = "count guarantees by mechanism, century(settlement.signed)";
        let q = query(text);
        let count = q.count.expect("count");
        assert_eq!(text_of(text, count), "count");
        let [Clause::By { keys, span }] = q.clauses.as_slice() else {
            panic!("{q:?}");
        };
        assert_eq!(
            text_of(text, *span),
            "by mechanism, century(settlement.signed)"
        );
        assert_eq!(field_names(as_path(&keys[0])), ["mechanism"]);
        let Expr::Call { function, args, .. } = &keys[1] else {
            panic!("{keys:?}");
        };
        assert_eq!(function.node, "century");
        assert_eq!(field_names(as_path(&args[0])), ["settlement", "signed"]);
        assert_eq!(
            q.span,
            Span {
                start: 0,
                end: text.len(),
                line: 1,
                column: 1
            }
        );
    }

    #[test]
    fn show_with_aliases_and_aggregates() {
        let text = "settlements by kind having count(*) > 2 \
                    show distinct kind as type, count(*) as n, count(distinct party) as parties, \
                    min(signed), avg(years(signed, peace_held_until)) as peace";
        let q = query(text);
        assert!(matches!(
            &q.clauses[1],
            Clause::Having(Condition::Compare { .. })
        ));
        let Clause::Show {
            distinct,
            items,
            span,
        } = &q.clauses[2]
        else {
            panic!("{q:?}");
        };
        assert!(distinct);
        assert!(text_of(text, *span).starts_with("show distinct kind as type"));
        let aliases: Vec<Option<&str>> = items
            .iter()
            .map(|i| i.alias.as_ref().map(|a| a.node.as_str()))
            .collect();
        assert_eq!(
            aliases,
            [
                Some("type"),
                Some("n"),
                Some("parties"),
                None,
                Some("peace")
            ]
        );
        assert!(
            matches!(&items[1].expr, Expr::Call { function, star: true, distinct: false, args, .. }
            if function.node == "count" && args.is_empty())
        );
        assert!(
            matches!(&items[2].expr, Expr::Call { distinct: true, star: false, args, .. }
            if field_names(as_path(&args[0])) == ["party"])
        );
        let Expr::Call { args, span, .. } = &items[4].expr else {
            panic!("{items:?}");
        };
        assert_eq!(text_of(text, *span), "avg(years(signed, peace_held_until))");
        assert!(matches!(&args[0], Expr::Call { args, .. } if args.len() == 2));
    }

    #[test]
    fn order_by_limit_offset() {
        let q = query("conflicts order by end desc, name, start asc limit 10 offset 20");
        let [
            Clause::OrderBy { keys, .. },
            Clause::Limit(limit),
            Clause::Offset(offset),
        ] = q.clauses.as_slice()
        else {
            panic!("{q:?}");
        };
        let directions: Vec<bool> = keys.iter().map(|k| k.descending).collect();
        assert_eq!(directions, [true, false, false]);
        assert_eq!(field_names(as_path(&keys[0].expr)), ["end"]);
        assert_eq!((limit.node, offset.node), (10, 20));
    }

    #[test]
    fn with_and_without_clauses() {
        let q = query(
            "settlements with guarantee.tested_by without superseded_by where kind = armistice",
        );
        let [
            Clause::With(with),
            Clause::Without(without),
            Clause::Where(_),
        ] = q.clauses.as_slice()
        else {
            panic!("{q:?}");
        };
        assert_eq!(field_names(with), ["guarantee", "tested_by"]);
        assert_eq!(field_names(without), ["superseded_by"]);
    }

    #[test]
    fn several_where_clauses() {
        let q = query("guarantees where secret = true where legally_binding = false");
        assert_eq!(q.clauses.len(), 2);
    }

    #[test]
    fn field_names_that_look_like_words() {
        let q = query("conflicts show name, start, end, count(belligerent), conflict_kind");
        let Clause::Show { items, .. } = &q.clauses[0] else {
            panic!("{q:?}");
        };
        assert_eq!(items.len(), 5);
        // `count` is a keyword only at the start of a query.
        let q = query("settlements show count");
        assert!(q.count.is_none());
    }

    // --- Conditions ------------------------------------------------------------------------

    #[test]
    fn comparisons() {
        let ops: Vec<crate::lang::ast::CompareOp> = ["=", "!=", "<>", "<", "<=", ">", ">="]
            .iter()
            .map(
                |op| match condition(&format!("settlements where signed {op} 1815")) {
                    Condition::Compare { op, .. } => op.node,
                    other => panic!("{other:?}"),
                },
            )
            .collect();
        use crate::lang::ast::CompareOp::*;
        assert_eq!(ops, [Eq, Ne, Ne, Lt, Le, Gt, Ge]);
        let text = "guarantees where guarantor = Britain";
        let Condition::Compare { left, op, right } = condition(text) else {
            panic!()
        };
        assert_eq!(field_names(as_path(&left)), ["guarantor"]);
        assert_eq!(text_of(text, op.span), "=");
        assert_eq!(field_names(as_path(&right)), ["Britain"]);
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        let c = condition("settlements where a = 1 or b = 2 and c = 3");
        let Condition::Or(_, right) = c else {
            panic!("{c:?}")
        };
        assert!(matches!(*right, Condition::And(..)));
        let c = condition("settlements where (a = 1 or b = 2) and c = 3");
        let Condition::And(left, _) = c else {
            panic!("{c:?}")
        };
        assert!(matches!(*left, Condition::Or(..)));
    }

    #[test]
    fn chains_are_left_to_right_for_three_terms() {
        let c = condition("settlements where a = 1 and b = 2 and c = 3");
        let Condition::And(left, right) = c else {
            panic!("{c:?}")
        };
        assert!(matches!(*left, Condition::And(..)));
        assert!(matches!(*right, Condition::Compare { .. }));
    }

    #[test]
    fn not_wraps_with_its_span() {
        let text = "settlements where not not kind = armistice";
        let Condition::Not(inner, span) = condition(text) else {
            panic!()
        };
        assert_eq!(text_of(text, span), "not not kind = armistice");
        let Condition::Not(inner, span) = *inner else {
            panic!()
        };
        assert_eq!(text_of(text, span), "not kind = armistice");
        assert!(matches!(*inner, Condition::Compare { .. }));
    }

    #[test]
    fn between_and_not_between() {
        let text = "settlements where signed between 1914-07 and 1918-11-11";
        let Condition::Between {
            expr,
            low,
            high,
            span,
        } = condition(text)
        else {
            panic!()
        };
        assert_eq!(field_names(as_path(&expr)), ["signed"]);
        assert!(
            matches!(low, Expr::Date(d) if d.node == DateLit { year: 1914, month: Some(7), day: None })
        );
        assert!(
            matches!(high, Expr::Date(d) if d.node == DateLit { year: 1918, month: Some(11), day: Some(11) })
        );
        assert_eq!(text_of(text, span), "signed between 1914-07 and 1918-11-11");
        // The `and` of `between` does not end the condition's own `and`s.
        let c =
            condition("settlements where signed not between 1914 and 1918 and kind = armistice");
        let Condition::And(left, _) = c else {
            panic!("{c:?}")
        };
        assert!(
            matches!(*left, Condition::Not(ref b, _) if matches!(**b, Condition::Between { .. }))
        );
    }

    #[test]
    fn in_lists() {
        let text = "settlements where kind in (armistice, \"peace treaty\", $kind)";
        let Condition::In { values, span, .. } = condition(text) else {
            panic!()
        };
        assert_eq!(values.len(), 3);
        assert!(matches!(&values[1], Expr::Text(t) if t.node == "peace treaty"));
        assert!(matches!(&values[2], Expr::Param(p) if p.node == "kind"));
        assert_eq!(
            text_of(text, span),
            "kind in (armistice, \"peace treaty\", $kind)"
        );
        let text = "actors where iso_code not in ('RU', 'UA')";
        let Condition::Not(inner, span) = condition(text) else {
            panic!()
        };
        assert!(matches!(*inner, Condition::In { .. }));
        assert_eq!(text_of(text, span), "iso_code not in ('RU', 'UA')");
    }

    #[test]
    fn contains_and_matches() {
        let c = condition("settlements where summary contains \"neutral\"");
        assert!(
            matches!(c, Condition::Contains { text: Expr::Text(t), .. } if t.node == "neutral")
        );
        let c = condition("settlements where name not contains 'Paris'");
        assert!(
            matches!(c, Condition::Not(inner, _) if matches!(*inner, Condition::Contains { .. }))
        );
        let c = condition("settlements where name matches \"^Treaty of (Paris|London)\"");
        assert!(
            matches!(c, Condition::Matches { pattern: Expr::Text(t), .. } if t.node.starts_with("^Treaty"))
        );
        let c = condition(r#"settlements where name not matches """\d{4}""""#);
        let Condition::Not(inner, _) = c else {
            panic!()
        };
        assert!(
            matches!(*inner, Condition::Matches { pattern: Expr::Text(t), .. } if t.node == r"\d{4}")
        );
    }

    #[test]
    fn is_and_is_not() {
        let text = "guarantees where mechanism is \"guarantor powers\" and outcome is not honoured";
        let Condition::And(left, right) = condition(text) else {
            panic!()
        };
        let Condition::Is {
            path,
            concept,
            span,
        } = *left
        else {
            panic!()
        };
        assert_eq!(field_names(&path), ["mechanism"]);
        assert!(matches!(concept, Expr::Text(t) if t.node == "guarantor powers"));
        assert_eq!(text_of(text, span), "mechanism is \"guarantor powers\"");
        let Condition::Not(inner, span) = *right else {
            panic!()
        };
        assert_eq!(text_of(text, span), "outcome is not honoured");
        assert!(
            matches!(*inner, Condition::Is { concept: Expr::Path(ref p), .. } if field_names(p) == ["honoured"])
        );
        let c = condition("settlements where guarantee.mechanism is neutrality");
        assert!(
            matches!(c, Condition::Is { ref path, .. } if field_names(path) == ["guarantee", "mechanism"])
        );
    }

    #[test]
    fn with_and_without_inside_conditions() {
        let text =
            "settlements where without guarantee or (with ends and not with guarantee.outcome)";
        let Condition::Or(left, right) = condition(text) else {
            panic!()
        };
        let Condition::Exists {
            path,
            negated,
            span,
        } = *left
        else {
            panic!()
        };
        assert!(negated);
        assert_eq!(field_names(&path), ["guarantee"]);
        assert_eq!(text_of(text, span), "without guarantee");
        let Condition::And(_, not) = *right else {
            panic!()
        };
        assert!(matches!(*not, Condition::Not(ref e, _)
            if matches!(**e, Condition::Exists { negated: false, .. })));
    }

    // --- Expressions -----------------------------------------------------------------------

    #[test]
    fn including_predecessors() {
        let text = "guarantees where guarantor = Russia including predecessors";
        let Condition::Compare { right, .. } = condition(text) else {
            panic!()
        };
        let Expr::WithPredecessors(inner, span) = right else {
            panic!("{right:?}")
        };
        assert_eq!(field_names(as_path(&inner)), ["Russia"]);
        assert_eq!(text_of(text, span), "Russia including predecessors");
        let c = condition(
            "guarantees where violated_by in (\"Soviet Union\" including predecessors, Germany)",
        );
        assert!(
            matches!(c, Condition::In { ref values, .. } if matches!(values[0], Expr::WithPredecessors(..)))
        );
    }

    #[test]
    fn parameters() {
        let text = "guarantees where guarantor = $country and settlement.signed >= $since";
        let Condition::And(left, right) = condition(text) else {
            panic!()
        };
        let Condition::Compare { right: country, .. } = *left else {
            panic!()
        };
        let Expr::Param(p) = country else { panic!() };
        assert_eq!(p.node, "country");
        assert_eq!(text_of(text, p.span), "$country");
        assert!(
            matches!(*right, Condition::Compare { right: Expr::Param(ref p), .. } if p.node == "since")
        );
    }

    #[test]
    fn literals() {
        let cases: Vec<(&str, Expr)> = [
            "1815",
            "2.5",
            "1815-06",
            "1815-06-09",
            "2000-02-29",
            "true",
            "FALSE",
            "'it\\'s'",
            r#""a\"b\\c\nd\te""#,
        ]
        .iter()
        .map(|v| {
            let c = condition(&format!("settlements where x = {v}"));
            let Condition::Compare { right, .. } = c else {
                panic!()
            };
            (*v, right)
        })
        .collect();
        assert!(matches!(&cases[0].1, Expr::Integer(n) if n.node == 1815));
        assert!(matches!(&cases[1].1, Expr::Decimal(d) if d.node == "2.5"));
        assert!(
            matches!(&cases[2].1, Expr::Date(d) if d.node == DateLit { year: 1815, month: Some(6), day: None })
        );
        assert!(
            matches!(&cases[3].1, Expr::Date(d) if d.node == DateLit { year: 1815, month: Some(6), day: Some(9) })
        );
        assert!(matches!(&cases[4].1, Expr::Date(d) if d.node.day == Some(29)));
        assert!(matches!(&cases[5].1, Expr::Boolean(b) if b.node));
        assert!(matches!(&cases[6].1, Expr::Boolean(b) if !b.node));
        assert!(matches!(&cases[7].1, Expr::Text(t) if t.node == "it's"));
        assert!(matches!(&cases[8].1, Expr::Text(t) if t.node == "a\"b\\c\nd\te"));
    }

    #[test]
    fn transitive_paths() {
        let text = "settlements show supersedes+.name, party.predecessor*.name";
        let q = query(text);
        let Clause::Show { items, .. } = &q.clauses[0] else {
            panic!()
        };
        let repeats: Vec<Vec<Repeat>> = items
            .iter()
            .map(|i| as_path(&i.expr).steps.iter().map(|s| s.repeat).collect())
            .collect();
        use Repeat::*;
        assert_eq!(
            repeats,
            [vec![OneOrMore, Once], vec![Once, ZeroOrMore, Once]]
        );
        assert_eq!(
            text_of(text, items[1].expr.span()),
            "party.predecessor*.name"
        );
    }

    #[test]
    fn spans_on_a_multi_line_query() {
        let text = "-- Neutrality, 19th century\n\
                    guarantees\n\
                    \x20 where mechanism is neutrality\n\
                    \x20   and settlement.signed < 1900\n\
                    \x20 show name, outcome  -- and what became of it\n";
        let q = query(text);
        assert_eq!((q.span.line, q.span.column, q.span.start), (2, 1, 28));
        assert_eq!(
            text_of(text, q.span).lines().last(),
            Some("  show name, outcome")
        );
        let Clause::Where(Condition::And(is, compare)) = &q.clauses[0] else {
            panic!()
        };
        let Condition::Is {
            path,
            concept,
            span,
        } = &**is
        else {
            panic!()
        };
        assert_eq!((span.line, span.column), (3, 9));
        assert_eq!(text_of(text, *span), "mechanism is neutrality");
        assert_eq!((concept.span().line, concept.span().column), (3, 22));
        assert_eq!(path.span, path.steps[0].field.span);
        let Condition::Compare { left, op, right } = &**compare else {
            panic!()
        };
        let left = as_path(left);
        assert_eq!((left.span.line, left.span.column), (4, 9));
        assert_eq!(text_of(text, left.span), "settlement.signed");
        let signed = &left.steps[1].field.span;
        assert_eq!(
            (signed.line, signed.column, text_of(text, *signed)),
            (4, 20, "signed")
        );
        assert_eq!((op.span.line, op.span.column), (4, 27));
        assert_eq!((right.span().line, right.span().column), (4, 29));
        let Clause::Show { items, span, .. } = &q.clauses[1] else {
            panic!()
        };
        assert_eq!((span.line, span.column), (5, 3));
        assert_eq!(text_of(text, items[1].expr.span()), "outcome");
        assert_eq!(items[1].expr.span().column, 14);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "actors where name = \"Münster\" and iso_code = 'DE'";
        let Condition::And(_, right) = condition(text) else {
            panic!()
        };
        let Condition::Compare { left, .. } = *right else {
            panic!()
        };
        assert_eq!(left.span().column, 35);
        assert_eq!(left.span().start, 35); // `ü` takes two bytes
        let text = "actors where name = \"Münster\" foo";
        let d = error(text);
        assert_eq!((d.span.column, d.span.start), (31, 31));
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let text = format!(
            "settlements where {}",
            vec!["signed > 1800"; 100_000].join(" and ")
        );
        let c = condition(&text);
        fn depth(c: &Condition) -> usize {
            match c {
                Condition::And(a, b) | Condition::Or(a, b) => 1 + depth(a).max(depth(b)),
                Condition::Not(a, _) => 1 + depth(a),
                _ => 1,
            }
        }
        assert!(depth(&c) <= 18, "{}", depth(&c));
    }

    #[test]
    fn sixty_four_levels_are_fine() {
        let text = format!(
            "settlements where {}x = 1{}",
            "(".repeat(64),
            ")".repeat(64)
        );
        assert!(matches!(condition(&text), Condition::Compare { .. }));
        let text = format!("settlements show {}x{}", "year(".repeat(64), ")".repeat(64));
        query(&text);
        let text = format!("settlements where {}x = 1", "not ".repeat(64));
        query(&text);
    }

    // --- Errors ----------------------------------------------------------------------------

    #[test]
    fn missing_and_in_between() {
        let text = "settlements where signed between 1914 1918";
        let d = error(text);
        assert_eq!(
            d.message,
            "expected `and` between the two bounds of `between`, found `1918`"
        );
        assert_eq!(text_of(text, d.span), "1918");
        assert_eq!((d.span.line, d.span.column), (1, 39));
    }

    #[test]
    fn unclosed_string() {
        let text = "settlements\nwhere name = \"Treaty of London\nshow name";
        let d = error(text);
        assert_eq!(d.message, "unclosed string");
        assert_eq!(d.help.as_deref(), Some("add the closing quote"));
        assert_eq!(
            (d.span.line, d.span.column, text_of(text, d.span)),
            (2, 14, "\"")
        );
        let d = error("sparql \"\"\"SELECT * WHERE { ?s ?p ?o }");
        assert_eq!(d.message, "unclosed string");
        assert_eq!(d.help.as_deref(), Some("add the closing \"\"\""));
        assert_eq!((d.span.start, d.span.end), (7, 10));
    }

    #[test]
    fn unknown_escape() {
        let d = error(r#"settlements where name matches "\d+""#);
        assert_eq!(d.message, "unknown escape `\\d` in a string");
        assert_eq!((d.span.start, d.span.end), (32, 34));
    }

    #[test]
    fn bad_dates() {
        let cases = [
            (
                "2014-13-05",
                "2014-13-05 is not a date: there is no month 13",
            ),
            ("2014-00", "2014-00 is not a date: there is no month 0"),
            (
                "1900-02-29",
                "1900-02-29 is not a date: February 1900 has only 28 days",
            ),
            (
                "1914-06-31",
                "1914-06-31 is not a date: June 1914 has only 30 days",
            ),
            ("1914-06-00", "1914-06-00 is not a date: there is no day 0"),
            (
                "1914-7-28",
                "1914-7-28 is not a date: write dates as YYYY-MM or YYYY-MM-DD",
            ),
            (
                "814-07-28",
                "814-07-28 is not a date: write dates as YYYY-MM or YYYY-MM-DD",
            ),
            (
                "1914-07-28-01",
                "1914-07-28-01 is not a date: write dates as YYYY-MM or YYYY-MM-DD",
            ),
        ];
        for (date, message) in cases {
            let text = format!("settlements where signed > {date} show name");
            let d = error(&text);
            assert_eq!(d.message, message);
            assert_eq!(text_of(&text, d.span), date);
        }
        // A comment right after a year is not a date.
        query("settlements where signed > 1914-- the war\nshow name");
    }

    #[test]
    fn keyword_where_a_field_is_expected() {
        let text = "settlements show name, order";
        let d = error(text);
        assert_eq!(d.message, "expected a field name or a value, found `order`");
        assert_eq!(text_of(text, d.span), "order");
        assert_eq!(
            d.help.as_deref(),
            Some("`order` is a reserved word in TQL and cannot be used as a field name")
        );
        let d = error("settlements where in = 3");
        assert_eq!(
            d.message,
            "expected a field name, `(` or a value, found `in`"
        );
        let d = error("settlements with by");
        assert_eq!(d.message, "expected a field name, found `by`");
    }

    #[test]
    fn trailing_garbage() {
        let text = "settlements where kind = armistice foo";
        let d = error(text);
        assert_eq!(
            d.message,
            "expected `and`, `or`, a clause (`where`, `show`, `order by`...), `;` or end of input, \
             found `foo`"
        );
        assert_eq!(text_of(text, d.span), "foo");
        let d = error("settlements show name kind");
        assert_eq!(
            d.message,
            "expected `,`, a clause (`where`, `show`, `order by`...), `;` or end of input, \
             found `kind`"
        );
        let d = error("conflicts; ;");
        assert_eq!(
            d.message,
            "expected an entity set (such as `settlements`), `let`, `sparql` or end of input, \
             found `;`"
        );
        let d = error("settlements limit 5 )");
        assert_eq!(
            d.message,
            "expected a clause (`where`, `show`, `order by`...), `;` or end of input, found `)`"
        );
    }

    #[test]
    fn what_is_expected_at_the_end() {
        let cases = [
            (
                "settlements where",
                "expected a field name, `(` or a value, found end of input",
            ),
            (
                "settlements where signed",
                "expected an operator (`=`, `<`, `between`, `in`, `contains`, `is`...), found end of input",
            ),
            (
                "settlements where kind in (armistice",
                "expected `,` or `)`, found end of input",
            ),
            ("settlements order", "expected `by`, found end of input"),
            (
                "settlements limit",
                "expected a whole number, found end of input",
            ),
            (
                "count",
                "expected an entity set (such as `settlements`), found end of input",
            ),
            (
                "let x =",
                "expected an entity set (such as `settlements`), found end of input",
            ),
            (
                "sparql",
                "expected the SPARQL query as a string, such as \"\"\"SELECT ...\"\"\", found end of input",
            ),
            (
                "settlements show name as",
                "expected a column name, found end of input",
            ),
            (
                "settlements where x = Russia including",
                "expected `predecessors`, found end of input",
            ),
        ];
        for (text, message) in cases {
            let d = error(text);
            assert_eq!(d.message, message, "{text}");
            assert_eq!(
                (d.span.start, d.span.end),
                (text.len(), text.len()),
                "{text}"
            );
        }
    }

    #[test]
    fn other_errors() {
        let cases = [
            (
                "settlements where kind not is armistice",
                "expected `between`, `in`, `contains` or `matches` after `not`, found `is`",
            ),
            (
                "settlements where count(*) is armistice",
                "only a field can be tested with `is`",
            ),
            (
                "settlements limit 2.5",
                "expected a whole number, found `2.5`",
            ),
            (
                "settlements limit 99999999999999999999",
                "99999999999999999999 is too large a number",
            ),
            (
                "settlements where x = $ y",
                "expected a parameter name right after `$`",
            ),
            (
                "settlements show count()",
                "expected a field name, a value or `*`, found `)`",
            ),
            (
                "settlements show name, ",
                "expected a field name or a value, found end of input",
            ),
            (
                "settlements where x == 1",
                "expected a field name or a value, found `=`",
            ),
            (
                "settlements where x = 1 and and",
                "expected a field name, `(` or a value, found `and`",
            ),
            (
                "where x = 1",
                "expected an entity set (such as `settlements`), `let` or `sparql`, found `where`",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(error(text).message, message, "{text}");
        }
    }

    #[test]
    fn clauses_that_come_once() {
        let text = "settlements show name\nwhere kind = armistice\nshow signed";
        let d = error(text);
        assert_eq!(
            d.message,
            "a query takes one `show` clause, and this is a second"
        );
        assert_eq!(
            (d.span.line, d.span.column, text_of(text, d.span)),
            (3, 1, "show")
        );
        assert_eq!(d.label, "the first is on line 1");
        let d = error("settlements order by name limit 3 order by signed");
        assert_eq!(
            d.message,
            "a query takes one `order by` clause, and this is a second"
        );
        assert_eq!(d.span.column, 35);
        query("settlements where a = 1 with b where c = 2 without d with e");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("settlements where {}", "(".repeat(100_000));
        let d = error(&text);
        assert_eq!(
            d.message,
            "too deeply nested: more than 64 levels of parentheses"
        );
        // At the 65th `(`.
        let at = "settlements where ".len() + 64;
        assert_eq!(
            (d.span.start, d.span.end, d.span.column),
            (at, at + 1, at as u32 + 1)
        );

        let text = format!("settlements show {}", "year(".repeat(100_000));
        let d = error(&text);
        assert_eq!(
            d.message,
            "too deeply nested: more than 64 levels of parentheses"
        );

        let text = format!("settlements where {}", "not ".repeat(100_000));
        let d = error(&text);
        assert_eq!(
            d.message,
            "too deeply nested: more than 64 levels of `not` and parentheses"
        );
    }

    #[test]
    fn errors_render_with_a_caret() {
        let text = "settlements\n  where signed between 1914 1918";
        let report = error(text).render("query.tq", text, false);
        assert!(!report.contains('\x1b'));
        assert!(report.starts_with(
            "Error: expected `and` between the two bounds of `between`, found `1918`"
        ));
        assert!(report.contains("query.tq:2:29"), "{report}");
        assert!(report.contains("  where signed between 1914 1918"));
        assert!(report.contains("unexpected `1918`"));
    }

    #[test]
    fn every_example_in_the_language_reference_parses() {
        let doc = include_str!("../../docs/language.md");
        let mut examples = 0;
        for block in doc.split("```tql\n").skip(1) {
            let Some((example, _)) = block.split_once("```") else {
                panic!("unterminated example: {block}");
            };
            parse(example);
            examples += 1;
        }
        assert!(examples > 30, "{examples}");
    }

    // --- is_complete -----------------------------------------------------------------------

    #[test]
    fn completeness() {
        let complete = [
            "",
            "-- just a comment",
            "settlements",
            "settlements where signed < 1900",
            "settlements;",
            "settlements where name = \"Paris\"",
            "settlements where x = 1 foo", // an error, shown when run
            "settlements where name = \"Paris\nshow", // the string cannot span lines
            "settlements where signed > 2014-13-05",
            "settlements show count(*)",
            "guarantees where guarantor = Russia including predecessors",
        ];
        let incomplete = [
            "settlements where",
            "settlements where signed <",
            "settlements where (kind = armistice",
            "settlements where (kind = armistice or",
            "settlements where name = \"Par",
            "sparql \"\"\"SELECT *\nWHERE {",
            "settlements show name,",
            "settlements order",
            "settlements order by",
            "settlements where signed between 1914",
            "settlements where signed between 1914 and",
            "count",
            "let x",
            "let x =",
            "settlements where x = Russia including",
            "settlements where x = 1 and -- more to come",
            "settlements show count(distinct",
        ];
        for text in complete {
            assert!(
                super::super::is_complete(text),
                "{text:?} should be complete"
            );
        }
        for text in incomplete {
            assert!(
                !super::super::is_complete(text),
                "{text:?} should be incomplete"
            );
        }
    }

    // --- No panics ---------------------------------------------------------------------------

    /// Pieces of TQL, right and wrong, for the random texts below.
    fn fragments() -> Vec<&'static str> {
        let mut pieces = crate::lang::grammar::KEYWORDS.to_vec();
        pieces.extend([
            "(",
            ")",
            ",",
            ";",
            ".",
            "+",
            "*",
            "=",
            "<=",
            "<>",
            "!=",
            "$",
            "$x",
            "\"",
            "'",
            "\"\"\"",
            "\"a\\",
            "--",
            "#",
            "\n",
            "1914",
            "1914-07",
            "1914-13-01",
            "2.5",
            "name",
            "signed",
            "guarantee",
            "settlements",
            "count(",
            "ü",
            "\t",
        ]);
        pieces
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
            let _ = parse_script(&text);
        }

        #[test]
        fn tql_like_text_never_panics(
            words in proptest::collection::vec(proptest::sample::select(fragments()), 0..40)
        ) {
            let text = words.join(" ");
            if let Err(failure) = parse_script(&text) {
                let d = failure.diagnostic;
                proptest::prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(d.span.start));
                let _ = d.render("q", &text, false);
            }
        }
    }
}
