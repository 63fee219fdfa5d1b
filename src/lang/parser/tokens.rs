//! Tokens: whitespace and comments, keywords and symbols, names, strings, numbers and dates.
//! Each token parser skips the whitespace before it and notes what it expected.

use nom::Input;
use nom::Parser;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::sequence::preceded;

use super::*;

/// Skips whitespace and comments (`--` or `#` to the end of the line).
pub(super) fn skip_ws(i: In) -> In {
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
pub(super) fn next_word<'a>(i: In<'a>) -> (In<'a>, &'a str, In<'a>) {
    let at = skip_ws(i);
    let fragment: &str = at.fragment();
    let word = &fragment[..word_len(fragment)];
    (at, word, at.take_from(word.len()))
}

/// The keyword `k`, noting `noted` as expected when it is absent.
pub(super) fn keyword_noting<'a>(
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
pub(super) fn keyword<'a>(k: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    keyword_noting(k, Some(Expected::Keyword(k)))
}

/// The keyword `k`, optional and not worth naming in errors.
pub(super) fn keyword_quiet<'a>(k: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    keyword_noting(k, None)
}

/// The punctuation `s`, noted as expected when absent if `noted`.
pub(super) fn symbol_noting<'a>(
    s: &'static str,
    noted: bool,
) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
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

pub(super) fn symbol<'a>(s: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    symbol_noting(s, true)
}

pub(super) fn symbol_quiet<'a>(s: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    symbol_noting(s, false)
}

/// A name (a field, an entity set, an alias...): a word that is not reserved.
pub(super) fn name<'a>(what: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Spanned<String>> {
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
pub(super) fn string(i: In) -> PResult<Spanned<String>> {
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
    // A quote that one line does not close is an error at once, even at the end of the
    // input: the next line cannot close it (only a triple-quoted string spans lines), so
    // the shell must not ask for one.
    let unclosed = || {
        fatal(
            Diagnostic::new(span_len(&i, 1), "unclosed string")
                .with_label("this string is never closed")
                .with_help(format!(
                    "add the closing {quote} on the same line; a string of several lines is written {triple}...{triple}"
                )),
            false,
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
            '\n' | '\r' => return unclosed(),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, c @ ('\\' | '"' | '\''))) => value.push(c),
                Some((_, '\n' | '\r')) => return unclosed(),
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
                None => return unclosed(),
            },
            c => value.push(c),
        }
    }
    unclosed()
}

/// A number or date at `i` (no whitespace skipped): `1815`, `2.5`, `1914-07` or `1914-07-28`.
pub(super) fn number(i: In) -> PResult<Expr> {
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

pub(super) fn too_large(span: Span, digits: &str) -> Diagnostic {
    Diagnostic::new(span, format!("{digits} is too large a number")).with_label("too large")
}

/// Reads `YYYY-MM` or `YYYY-MM-DD`; on error, the reason and perhaps a hint.
pub(super) fn date(written: &str) -> Result<DateLit, (String, Option<String>)> {
    if !date::is_iso_layout(written) {
        return Err(layout());
    }
    date::parse(written).map_err(|invalid| match invalid {
        date::Invalid::Layout => layout(),
        other => (other.to_string(), None),
    })
}

pub(super) fn layout() -> (String, Option<String>) {
    (
        "write dates as YYYY-MM or YYYY-MM-DD".to_string(),
        Some("for example 1914-07 or 1914-07-28; a year alone is a plain number: 1914".to_string()),
    )
}

/// A whole number (for `limit` and `offset`).
pub(super) fn whole_number(i: In) -> PResult<Spanned<u64>> {
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
