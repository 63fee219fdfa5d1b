//! The parser's tests: what each construct parses to, and every syntax error with its span.

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
    let q = query("Settlements WHERE Signed BETWEEN 1814 AND 1815 Order By signed DESC LIMIT 3");
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
    let q =
        query("settlements with guarantee.tested_by without superseded_by where kind = armistice");
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
    let c = condition("settlements where signed not between 1914 and 1918 and kind = armistice");
    let Condition::And(left, _) = c else {
        panic!("{c:?}")
    };
    assert!(matches!(*left, Condition::Not(ref b, _) if matches!(**b, Condition::Between { .. })));
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
    assert!(matches!(c, Condition::Contains { text: Expr::Text(t), .. } if t.node == "neutral"));
    let c = condition("settlements where name not contains 'Paris'");
    assert!(matches!(c, Condition::Not(inner, _) if matches!(*inner, Condition::Contains { .. })));
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
    let text = "settlements where without guarantee or (with ends and not with guarantee.outcome)";
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
    assert_eq!(
        d.help.as_deref(),
        Some(
            "add the closing \" on the same line; a string of several lines is written \"\"\"...\"\"\""
        )
    );
    // At the end of the input too: a shell must not wait for a next line that cannot close
    // it (`is_complete` says no more input could help).
    assert!(crate::lang::is_complete(
        "settlements where name = \"Treaty of"
    ));
    assert!(!crate::lang::is_complete("sparql \"\"\"SELECT"));
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
    assert!(
        report
            .starts_with("Error: expected `and` between the two bounds of `between`, found `1918`")
    );
    assert!(report.contains("query.tq:2:29"), "{report}");
    assert!(report.contains("  where signed between 1914 1918"));
    assert!(report.contains("unexpected `1918`"));
}

#[test]
fn every_example_in_the_language_reference_parses() {
    let doc = include_str!("../../../docs/language.md");
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
        "settlements where name = \"Par", // nor can the next line close it
        "settlements where signed > 2014-13-05",
        "settlements show count(*)",
        "guarantees where guarantor = Russia including predecessors",
    ];
    let incomplete = [
        "settlements where",
        "settlements where signed <",
        "settlements where (kind = armistice",
        "settlements where (kind = armistice or",
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

// --- Statistics: survival and rate -----------------------------------------------------------

#[test]
fn survival_and_rate_parse_with_filters_groups_and_horizons() {
    let sexp = |text: &str| {
        // On one line, however long.
        crate::lang::sexp::script(&parse(text))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(sexp("survival of settlements"), "(survival settlements)");
    assert_eq!(
        sexp("SURVIVAL OF settlements where signed >= 1815 with guarantee by century(signed)"),
        "(survival settlements (where (>= signed 1815)) (with guarantee) (by (century signed)))"
    );
    assert_eq!(
        sexp(
            "survival of guarantees by whether mechanism is peacekeeping or mechanism is neutrality"
        ),
        "(survival guarantees (by-whether (or (is mechanism peacekeeping) (is mechanism neutrality))))"
    );
    assert_eq!(
        sexp(
            "rate of guarantees where mechanism is neutrality meeting outcome is violated within 10 years"
        ),
        "(rate guarantees (where (is mechanism neutrality)) (meeting (is outcome violated)) (within 10))"
    );
    assert_eq!(
        sexp("rate of g meeting outcome is violated within 2.5 year by guarantor"),
        "(rate g (meeting (is outcome violated)) (within 2.5) (by guarantor))"
    );
    // `survival` and `rate` are names anywhere else.
    assert_eq!(sexp("rate show name"), "(query rate (show name))");
    assert_eq!(sexp("survival"), "(query survival)");
    // The statement's span runs from its first word to its last.
    let text = "  survival of settlements by kind ; count settlements";
    let script = parse(text);
    assert_eq!(
        text_of(text, script.statements[0].span()),
        "survival of settlements by kind"
    );
}

#[test]
fn survival_and_rate_errors_say_what_was_expected() {
    let e = error("rate of guarantees where outcome is violated");
    assert!(e.message.contains("or `meeting`"), "{}", e.message);
    let e = error("rate of guarantees meeting outcome is violated within ten years");
    assert!(e.message.contains("a number of years"), "{}", e.message);
    let e = error("rate of guarantees meeting outcome is violated within 10 decades");
    assert!(e.message.contains("`years`"), "{}", e.message);
    let e = error("survival of settlements show name");
    assert!(e.message.contains("`by`"), "{}", e.message);
    let e = error("survival of");
    assert!(e.message.contains("an entity set"), "{}", e.message);
}
