//! Statements and clauses: scripts split at `;`, `let`, `sparql`, queries and their clauses
//! (each at most once but `where`, `with` and `without`), `show` items and `order by` keys.

use nom::Parser;
use nom::combinator::{cut, opt};
use nom::multi::separated_list1;
use nom::sequence::preceded;

use super::*;

/// `script = [ statement { ";" statement } ] [ ";" ] EOF`
pub(super) fn script(i: In) -> PResult<Vec<Statement>> {
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
pub(super) fn statement(i: In) -> PResult<Statement> {
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
    if let Some(parsed) = analysis(start)? {
        return Ok(parsed);
    }
    query.map(Statement::Query).parse(start)
}

/// `analysis` of docs/language.md's grammar: `survival of`, `rate of` or `analogues of`;
/// `None` when the statement does not start with one of them (the words are keywords only
/// there, so they stay free as names elsewhere).
fn analysis(start: In) -> Result<Option<(In, Statement)>, nom::Err<PError>> {
    let (at, word, rest) = next_word(start);
    let survival = word.eq_ignore_ascii_case("survival");
    let analogues = word.eq_ignore_ascii_case("analogues");
    if !(survival || analogues || word.eq_ignore_ascii_case("rate")) {
        return Ok(None);
    }
    let Ok((rest, _)) = keyword_quiet("of")(rest) else {
        return Ok(None);
    };
    let (mut rest, source, target) = if analogues {
        let (rest, target) = cut(analogue_target).parse(rest)?;
        let source = Spanned::new(
            "guarantees".to_owned(),
            span(&at, &at.take_from(word.len())),
        );
        (rest, source, Some(target))
    } else {
        let (rest, source) = cut(name(ENTITY_SET_TEXT)).parse(rest)?;
        (rest, source, None)
    };
    let mut filters = Vec::new();
    loop {
        let (word_at, word, _) = next_word(rest);
        expect(&word_at, Expected::Keyword("where"));
        expect(&word_at, Expected::Keyword("with"));
        expect(&word_at, Expected::Keyword("without"));
        if !["where", "with", "without"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            break;
        }
        let (after, filter) = clause(rest)?;
        filters.push(filter);
        rest = after;
    }
    let kind = if let Some(target) = target {
        let (after, top) = match keyword("top")(rest) {
            Ok((after, _)) => {
                let (after, n) = cut(whole_number).parse(after)?;
                (after, Some(n))
            }
            Err(_) => (rest, None),
        };
        let (after, weights) = match keyword("weights")(after) {
            Ok((after, _)) => {
                let (after, _) = cut(symbol("(")).parse(after)?;
                let (after, weights) = cut(list(weight)).parse(after)?;
                let (after, _) = cut(symbol(")")).parse(after)?;
                (after, weights)
            }
            Err(_) => (after, Vec::new()),
        };
        let span = span(&at, &after);
        let analysis = Analysis {
            kind: AnalysisKind::Analogues {
                target,
                top,
                weights,
            },
            source,
            filters,
            group: None,
            span,
        };
        return Ok(Some((after, Statement::Analysis(Box::new(analysis)))));
    } else if survival {
        AnalysisKind::Survival
    } else {
        let (after, _) = cut(keyword("meeting")).parse(rest)?;
        let (after, meeting) = cut(|i| condition(i, 0)).parse(after)?;
        let (after, within) = match keyword("within")(after) {
            Ok((after, _)) => {
                let (after, n) = cut(years_number).parse(after)?;
                let (after, _) = cut(keyword("years").or(keyword_quiet("year"))).parse(after)?;
                (after, Some(n))
            }
            Err(_) => (after, None),
        };
        rest = after;
        AnalysisKind::Rate { meeting, within }
    };
    let (rest, group) = match keyword("by")(rest) {
        Ok((after, _)) => match keyword_quiet("whether")(after) {
            Ok((after, _)) => {
                let (after, condition) = cut(|i| condition(i, 0)).parse(after)?;
                (after, Some(Grouping::Whether(condition)))
            }
            Err(_) => {
                expect(&skip_ws(after), Expected::Keyword("whether"));
                let (after, key) = cut(|i| expr(i, 0)).parse(after)?;
                (after, Some(Grouping::Value(key)))
            }
        },
        Err(_) => (rest, None),
    };
    let span = span(&at, &rest);
    let analysis = Analysis {
        kind,
        source,
        filters,
        group,
        span,
    };
    Ok(Some((rest, Statement::Analysis(Box::new(analysis)))))
}

/// `string | NAME | "(" feature { "," feature } ")"` with `feature = NAME expr`.
fn analogue_target(i: In) -> PResult<Target> {
    let at = skip_ws(i);
    expect(&at, Expected::Thing("the name of a guarantee in quotes"));
    expect(&at, Expected::Symbol("("));
    if let Ok((rest, _)) = symbol_quiet("(")(at) {
        let (rest, features) = cut(list(feature)).parse(rest)?;
        let (rest, _) = cut(symbol(")")).parse(rest)?;
        return Ok((rest, Target::Described(features)));
    }
    if at.fragment().starts_with('$') {
        return expr(at, 0).map(|(rest, param)| (rest, Target::Named(param)));
    }
    string(at).map(|(rest, name)| (rest, Target::Named(Expr::Text(name))))
}

/// `NAME expr`: a feature of a described guarantee.
fn feature(i: In) -> PResult<(Spanned<String>, Expr)> {
    let (rest, name) = name("a feature name (such as `mechanism`)")(i)?;
    let (rest, value) = cut(|i| expr(i, 0)).parse(rest)?;
    Ok((rest, (name, value)))
}

/// `NAME number`: a feature's weight.
fn weight(i: In) -> PResult<(Spanned<String>, Spanned<f64>)> {
    let (rest, name) = name("a feature name (such as `region`)")(i)?;
    let (rest, value) = cut(|i| a_number(i, "a weight (a number)")).parse(rest)?;
    Ok((rest, (name, value)))
}

/// A number of years: a whole or decimal number.
fn years_number(i: In) -> PResult<Spanned<f64>> {
    a_number(i, "a number of years")
}

/// A whole or decimal number, named `what` in errors.
fn a_number<'a>(i: In<'a>, what: &'static str) -> PResult<'a, Spanned<f64>> {
    let at = skip_ws(i);
    expect(&at, Expected::Thing(what));
    let (rest, n) = number(at)?;
    match n {
        Expr::Integer(n) => Ok((rest, Spanned::new(n.node as f64, n.span))),
        Expr::Decimal(d) => match d.node.parse::<f64>() {
            Ok(value) => Ok((rest, Spanned::new(value, d.span))),
            Err(_) => backtrack(),
        },
        _ => backtrack(),
    }
}

/// `query = [ "count" ] IDENT { clause }`
pub(super) fn query(i: In) -> PResult<Query> {
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
pub(super) fn once_only(clause: &Clause) -> Option<&'static str> {
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

pub(super) fn repeated_clause(name: &str, second: Span, first: Span) -> Diagnostic {
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
pub(super) fn clause(i: In) -> PResult<Clause> {
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
pub(super) fn list<'a, T>(
    element: impl Parser<In<'a>, Output = T, Error = PError>,
) -> impl Parser<In<'a>, Output = Vec<T>, Error = PError> {
    separated_list1(symbol(","), cut(element))
}

/// `item = expr [ "as" IDENT ]`
pub(super) fn item(i: In) -> PResult<Item> {
    let (rest, expr) = expr(i, 0)?;
    let (rest, alias) =
        opt(preceded(keyword_quiet("as"), cut(name("a column name")))).parse(rest)?;
    Ok((rest, Item { expr, alias }))
}

/// `orderkey = expr [ "asc" | "desc" ]`
pub(super) fn order_key(i: In) -> PResult<OrderKey> {
    let (rest, expr) = expr(i, 0)?;
    let (rest, descending) = opt(keyword_quiet("asc")
        .map(|_| false)
        .or(keyword_quiet("desc").map(|_| true)))
    .parse(rest)?;
    let descending = descending.unwrap_or(false);
    Ok((rest, OrderKey { expr, descending }))
}
