//! The syntax tree as an s-expression, without spans: what the parser understood, compact
//! enough to read in a snapshot or a test.
//!
//! ```
//! let script = treaty::lang::parse("count guarantees where outcome is violated by guarantor")?;
//! assert_eq!(
//!     treaty::lang::sexp::script(&script),
//!     "(count guarantees (where (is outcome violated)) (by guarantor))\n"
//! );
//! # Ok::<_, treaty::lang::diagnostic::Diagnostic>(())
//! ```
//!
//! A list that does not fit on a line of 80 characters puts its head and first item on the
//! first line and each other item on a line of its own, indented. `and` and `or` chains are
//! flattened (`(and a b c)`), since both are associative.

use super::ast::{
    Analysis, AnalysisKind, Clause, Condition, DateLit, Expr, Grouping, Item, OrderKey, Path,
    Query, Repeat, Script, Statement, Target,
};

/// Every statement of a script, one after the other, separated by blank lines.
pub fn script(script: &Script) -> String {
    let statements: Vec<String> = script.statements.iter().map(statement).collect();
    statements.join("\n")
}

/// One statement, ending in a line break.
pub fn statement(statement: &Statement) -> String {
    let mut out = String::new();
    match statement {
        // Raw SPARQL keeps its lines.
        Statement::Sparql { text, .. } => {
            out.push_str("(sparql \"\"\"\n");
            out.push_str(text.node.trim_matches('\n'));
            out.push_str("\n\"\"\")");
        }
        Statement::Let { name, query: q, .. } => render(
            &Sexp::Statement(vec![Sexp::atom("let"), Sexp::atom(&name.node), query(q)]),
            0,
            &mut out,
        ),
        Statement::Query(q) => render(&query(q), 0, &mut out),
        Statement::Analysis(a) => render(&analysis(a), 0, &mut out),
    }
    out.push('\n');
    out
}

/// An atom or a parenthesised list. A list that breaks puts its items under its first
/// argument, except a statement's, whose clauses go two spaces in.
enum Sexp {
    Atom(String),
    List(Vec<Sexp>),
    Statement(Vec<Sexp>),
}

impl Sexp {
    fn atom(text: impl Into<String>) -> Self {
        Sexp::Atom(text.into())
    }

    fn list(head: &str, items: impl IntoIterator<Item = Sexp>) -> Self {
        let mut list = vec![Sexp::atom(head)];
        list.extend(items);
        Sexp::List(list)
    }

    fn flat(&self) -> String {
        match self {
            Sexp::Atom(text) => text.clone(),
            Sexp::List(items) | Sexp::Statement(items) => {
                let items: Vec<String> = items.iter().map(Sexp::flat).collect();
                format!("({})", items.join(" "))
            }
        }
    }
}

const WIDTH: usize = 80;

fn render(sexp: &Sexp, indent: usize, out: &mut String) {
    let flat = sexp.flat();
    let (items, step) = match sexp {
        Sexp::Atom(_) => {
            out.push_str(&flat);
            return;
        }
        Sexp::List(items) => (items, None),
        Sexp::Statement(items) => (items, Some(2)),
    };
    if indent + flat.len() <= WIDTH || items.len() < 2 {
        out.push_str(&flat);
        return;
    }
    let head = items[0].flat();
    let first = indent + 2 + head.len();
    let rest = step.map_or(first, |step| indent + step);
    out.push('(');
    out.push_str(&head);
    out.push(' ');
    render(&items[1], first, out);
    for item in &items[2..] {
        out.push('\n');
        out.push_str(&" ".repeat(rest));
        render(item, rest, out);
    }
    out.push(')');
}

fn query(query: &Query) -> Sexp {
    let head = if query.count.is_some() {
        "count"
    } else {
        "query"
    };
    let mut items = vec![Sexp::atom(head), Sexp::atom(&query.source.node)];
    items.extend(query.clauses.iter().map(clause));
    Sexp::Statement(items)
}

fn analysis(a: &Analysis) -> Sexp {
    let mut items = vec![Sexp::atom(match a.kind {
        AnalysisKind::Survival => "survival",
        AnalysisKind::Rate { .. } => "rate",
        AnalysisKind::Analogues { .. } => "analogues",
    })];
    if let AnalysisKind::Analogues {
        target,
        top,
        weights,
    } = &a.kind
    {
        items.push(match target {
            Target::Named(name) => expr(name),
            Target::Described(features) => Sexp::list(
                "like",
                features.iter().map(|(n, v)| Sexp::list(&n.node, [expr(v)])),
            ),
        });
        items.extend(a.filters.iter().map(clause));
        if let Some(k) = top {
            items.push(Sexp::list("top", [Sexp::atom(k.node.to_string())]));
        }
        if !weights.is_empty() {
            items.push(Sexp::list(
                "weights",
                weights
                    .iter()
                    .map(|(n, w)| Sexp::list(&n.node, [Sexp::atom(w.node.to_string())])),
            ));
        }
        return Sexp::Statement(items);
    }
    items.push(Sexp::atom(&a.source.node));
    items.extend(a.filters.iter().map(clause));
    if let AnalysisKind::Rate { meeting, within } = &a.kind {
        items.push(Sexp::list("meeting", [condition(meeting)]));
        if let Some(years) = within {
            items.push(Sexp::list("within", [Sexp::atom(years.node.to_string())]));
        }
    }
    match &a.group {
        Some(Grouping::Value(key)) => items.push(Sexp::list("by", [expr(key)])),
        Some(Grouping::Whether(c)) => items.push(Sexp::list("by-whether", [condition(c)])),
        None => {}
    }
    Sexp::Statement(items)
}

fn clause(clause: &Clause) -> Sexp {
    match clause {
        Clause::Where(c) => Sexp::list("where", [condition(c)]),
        Clause::With(p) => Sexp::list("with", [path(p)]),
        Clause::Without(p) => Sexp::list("without", [path(p)]),
        Clause::Show {
            distinct, items, ..
        } => Sexp::list(
            if *distinct { "show-distinct" } else { "show" },
            items.iter().map(item),
        ),
        Clause::By { keys, .. } => Sexp::list("by", keys.iter().map(expr)),
        Clause::Having(c) => Sexp::list("having", [condition(c)]),
        Clause::OrderBy { keys, .. } => Sexp::list("order-by", keys.iter().map(order_key)),
        Clause::Limit(n) => Sexp::list("limit", [Sexp::atom(n.node.to_string())]),
        Clause::Offset(n) => Sexp::list("offset", [Sexp::atom(n.node.to_string())]),
    }
}

fn item(item: &Item) -> Sexp {
    match &item.alias {
        Some(alias) => Sexp::list("as", [expr(&item.expr), Sexp::atom(&alias.node)]),
        None => expr(&item.expr),
    }
}

fn order_key(key: &OrderKey) -> Sexp {
    if key.descending {
        Sexp::list("desc", [expr(&key.expr)])
    } else {
        expr(&key.expr)
    }
}

fn condition(c: &Condition) -> Sexp {
    match c {
        Condition::And(..) => Sexp::list("and", chain(c, true).into_iter().map(condition)),
        Condition::Or(..) => Sexp::list("or", chain(c, false).into_iter().map(condition)),
        Condition::Not(inner, _) => Sexp::list("not", [condition(inner)]),
        Condition::Compare { left, op, right } => {
            Sexp::list(&op.node.to_string(), [expr(left), expr(right)])
        }
        Condition::Between {
            expr: e, low, high, ..
        } => Sexp::list("between", [expr(e), expr(low), expr(high)]),
        Condition::In {
            expr: e, values, ..
        } => Sexp::list(
            "in",
            std::iter::once(expr(e)).chain(values.iter().map(expr)),
        ),
        Condition::Contains { expr: e, text, .. } => Sexp::list("contains", [expr(e), expr(text)]),
        Condition::Matches {
            expr: e, pattern, ..
        } => Sexp::list("matches", [expr(e), expr(pattern)]),
        Condition::Is {
            path: p, concept, ..
        } => Sexp::list("is", [path(p), expr(concept)]),
        Condition::Exists {
            path: p, negated, ..
        } => Sexp::list(if *negated { "without" } else { "with" }, [path(p)]),
    }
}

/// The operands of a chain of `and` (or of `or`), in order.
fn chain(c: &Condition, and: bool) -> Vec<&Condition> {
    match c {
        Condition::And(a, b) if and => [chain(a, and), chain(b, and)].concat(),
        Condition::Or(a, b) if !and => [chain(a, and), chain(b, and)].concat(),
        other => vec![other],
    }
}

fn expr(e: &Expr) -> Sexp {
    match e {
        Expr::Path(p) => path(p),
        Expr::Text(t) => Sexp::atom(format!("{:?}", t.node)),
        Expr::Integer(n) => Sexp::atom(n.node.to_string()),
        Expr::Decimal(d) => Sexp::atom(&d.node),
        Expr::Date(d) => Sexp::atom(date(d.node)),
        Expr::Boolean(b) => Sexp::atom(b.node.to_string()),
        Expr::Param(p) => Sexp::atom(format!("${}", p.node)),
        Expr::WithPredecessors(inner, _) => Sexp::list("including-predecessors", [expr(inner)]),
        Expr::Call {
            function,
            distinct,
            args,
            star,
            ..
        } => {
            let mut items = Vec::new();
            if *distinct {
                items.push(Sexp::atom("distinct"));
            }
            if *star {
                items.push(Sexp::atom("*"));
            }
            items.extend(args.iter().map(expr));
            Sexp::list(&function.node, items)
        }
    }
}

fn date(d: DateLit) -> String {
    let mut text = format!("{:04}", d.year);
    if let Some(month) = d.month {
        text.push_str(&format!("-{month:02}"));
    }
    if let Some(day) = d.day {
        text.push_str(&format!("-{day:02}"));
    }
    text
}

fn path(p: &Path) -> Sexp {
    let steps: Vec<String> = p
        .steps
        .iter()
        .map(|s| {
            let repeat = match s.repeat {
                Repeat::Once => "",
                Repeat::OneOrMore => "+",
                Repeat::ZeroOrMore => "*",
            };
            format!("{}{repeat}", s.field.node)
        })
        .collect();
    Sexp::atom(steps.join("."))
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        expect.assert_eq(&super::script(&crate::lang::parse(text).unwrap()));
    }

    #[test]
    fn prints_each_kind_of_clause_and_condition() {
        check(
            "count settlements where (signed between 1814 and 1815-06 or not kind in (a, \"b c\")) \
             and party = Russia including predecessors and name matches $re \
             show distinct kind as k, count(distinct guarantor), count(*) by kind \
             having count > 2 order by k desc, signed limit 5 offset 1",
            expect![[r#"
                (count settlements
                  (where (and (or (between signed 1814 1815-06) (not (in kind a "b c")))
                              (= party (including-predecessors Russia))
                              (matches name $re)))
                  (show-distinct (as kind k) (count distinct guarantor) (count *))
                  (by kind)
                  (having (> count 2))
                  (order-by (desc k) signed)
                  (limit 5)
                  (offset 1))
            "#]],
        );
    }

    #[test]
    fn prints_definitions_paths_and_raw_sparql() {
        check(
            "let x = settlements with guarantee.guarantor without supersedes+ where signed = 1815-06-09; \
             sparql \"\"\"\nASK {}\n\"\"\"",
            expect![[r#"
                (let x
                  (query settlements
                    (with guarantee.guarantor)
                    (without supersedes+)
                    (where (= signed 1815-06-09))))

                (sparql """
                ASK {}
                """)
            "#]],
        );
    }
}
