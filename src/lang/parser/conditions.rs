//! Conditions and expressions: `and`/`or` built as balanced trees, `not`, parentheses with
//! their depth checked, comparisons and the word operators, then values, calls and paths.

use nom::Parser;
use nom::combinator::{cut, opt};
use nom::sequence::preceded;

use super::*;

/// `condition = conj { "or" conj }`
///
/// The parsers of conditions pass boxes, and those that recurse (this one, `conjunction`,
/// `negation`, `primary`, `call`) are plain loops rather than nom combinators: each level of
/// parentheses then takes a small stack frame, even in unoptimised builds.
pub(super) fn condition(i: In, depth: usize) -> PResult<Box<Condition>> {
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
pub(super) fn conjunction(i: In, depth: usize) -> PResult<Box<Condition>> {
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
pub(super) fn commit<T>(result: PResult<T>) -> PResult<T> {
    result.map_err(|error| match error {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    })
}

/// Joins `first` and `others` with `join` as a balanced tree, so that a long chain of `and`s
/// is a shallow tree (depth log n) that no later recursion can overflow on.
#[allow(clippy::vec_box)] // the terms arrive boxed and are linked as they are, without moves
pub(super) fn balanced(
    first: Box<Condition>,
    others: Vec<Box<Condition>>,
    join: Join,
) -> Box<Condition> {
    let n = others.len() + 1;
    build(first, &mut others.into_iter(), n, join)
}

pub(super) type Join = fn(Box<Condition>, Box<Condition>) -> Condition;

/// The balanced tree of `first` and the next `n - 1` terms of `rest`.
pub(super) fn build(
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
pub(super) enum Nesting {
    Paren,
    Not,
}

/// One level deeper than `depth`, or the error when that is too deep. Called before recursing,
/// so that even 100,000 opening parentheses cost 64 levels of stack.
pub(super) fn nest(
    at: &In,
    len: usize,
    depth: usize,
    by: Nesting,
) -> Result<usize, nom::Err<PError>> {
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
pub(super) fn negation(i: In, depth: usize) -> PResult<Box<Condition>> {
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
pub(super) fn primary(i: In, depth: usize) -> PResult<Box<Condition>> {
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
pub(super) fn exists<'a>(
    start: &In<'a>,
    rest: In<'a>,
    negated: bool,
) -> PResult<'a, Box<Condition>> {
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
pub(super) fn operation(i: In, depth: usize) -> PResult<Condition> {
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
pub(super) fn expr(i: In, depth: usize) -> PResult<Expr> {
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
pub(super) fn atom(i: In, depth: usize) -> PResult<Expr> {
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

/// `IDENT "(" [ "distinct" ] [ "*" | expr { "," expr } ] ")"`, from the `(` on.
pub(super) fn call<'a>(
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
        // No argument, for a function that takes none: `today()`.
        Err(nom::Err::Error(_))
            if symbol(")")(rest).is_ok()
                && crate::lang::grammar::function(&function.node.to_lowercase())
                    .is_some_and(|f| f.arity == 0) =>
        {
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
pub(super) fn path(i: In) -> PResult<Path> {
    let at = skip_ws(i);
    let (rest, first) = name(FIELD_TEXT).parse(at)?;
    path_from(first, &at, rest)
}

/// The rest of a path whose first field, starting at `start`, has been read.
pub(super) fn path_from<'a>(
    first: Spanned<String>,
    start: &In<'a>,
    rest: In<'a>,
) -> PResult<'a, Path> {
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
pub(super) fn repetition(i: In) -> PResult<Repeat> {
    let (rest, repeat) = opt(symbol_quiet("+")
        .map(|_| Repeat::OneOrMore)
        .or(symbol_quiet("*").map(|_| Repeat::ZeroOrMore)))
    .parse(i)?;
    Ok((rest, repeat.unwrap_or(Repeat::Once)))
}
