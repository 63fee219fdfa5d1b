//! SPARQL text for a compiled query, in two forms that parse back to the same algebra (up to
//! the names of aggregate variables): `to_sparql`, on one line, for endpoints, and `pretty`, on
//! several lines with `PREFIX` declarations, for people (`explain`, snapshots).
//!
//! spargebra prints a grouped query as a sub-select, which does not parse back to the same
//! algebra; both forms write the standard `SELECT ... GROUP BY ... HAVING ... ORDER BY` form
//! instead. A leaf module: it knows spargebra and oxigraph's terms, nothing else of the crate
//! (the prefixes come from the caller).

use std::collections::HashMap;
use std::fmt::Write;

use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode};
use spargebra::Query;
use spargebra::algebra::{
    AggregateExpression, AggregateFunction, Expression, Function, GraphPattern, OrderExpression,
    PropertyPathExpression,
};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern, TriplePattern, Variable};

/// A `SELECT` query taken apart into the clauses it is written with.
struct Select<'a> {
    distinct: bool,
    variables: &'a [Variable],
    /// Projected expressions (`(expr AS ?v)`) by variable.
    selected: HashMap<&'a Variable, &'a Expression>,
    pattern: &'a GraphPattern,
    group_by: Option<&'a [Variable]>,
    aggregates: &'a [(Variable, AggregateExpression)],
    having: Option<&'a Expression>,
    order: Option<&'a [OrderExpression]>,
    start: usize,
    length: Option<usize>,
}

impl<'a> Select<'a> {
    /// The clauses of `query`, when it is a `SELECT` whose algebra has the shape the SPARQL
    /// parser builds (modifiers around a projection around an optional grouping).
    fn of(query: &'a Query) -> Option<Self> {
        let Query::Select { pattern, .. } = query else {
            return None;
        };
        Self::of_pattern(pattern)
    }

    /// The clauses of a query or sub-select whose algebra is `pattern`.
    fn of_pattern(pattern: &'a GraphPattern) -> Option<Self> {
        let mut node = pattern;
        let (mut start, mut length, mut distinct) = (0, None, false);
        if let GraphPattern::Slice {
            inner,
            start: s,
            length: l,
        } = node
        {
            (start, length, node) = (*s, *l, inner);
        }
        if let GraphPattern::Distinct { inner } = node {
            distinct = true;
            node = inner;
        }
        let GraphPattern::Project { inner, variables } = node else {
            return None;
        };
        node = inner;
        let mut order = None;
        if let GraphPattern::OrderBy { inner, expression } = node {
            order = Some(expression.as_slice());
            node = inner;
        }
        let mut selected = HashMap::new();
        while let GraphPattern::Extend {
            inner,
            variable,
            expression,
        } = node
        {
            if !variables.contains(variable) || !is_grouped(inner) {
                break;
            }
            selected.insert(variable, expression);
            node = inner;
        }
        let mut having = None;
        if let GraphPattern::Filter { expr, inner } = node
            && matches!(**inner, GraphPattern::Group { .. })
        {
            having = Some(expr);
            node = inner;
        }
        let (mut group_by, mut aggregates) = (None, &[][..]);
        if let GraphPattern::Group {
            inner,
            variables,
            aggregates: aggs,
        } = node
        {
            group_by = Some(variables.as_slice());
            aggregates = aggs;
            node = inner;
        }
        Some(Select {
            distinct,
            variables,
            selected,
            pattern: node,
            group_by: group_by.filter(|keys| !keys.is_empty()),
            aggregates,
            having,
            order,
            start,
            length,
        })
    }
}

/// The SPARQL text of `query`, on one line.
pub fn to_sparql(query: &Query) -> String {
    let Some(select) = Select::of(query) else {
        return query.to_string();
    };
    // spargebra writes a grouped sub-select as two nested ones, which parse back to another
    // algebra: a query with sub-selects is the multi-line text (full IRIs) on one line.
    if has_subselect(select.pattern) {
        return pretty(query, &[])
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
    }
    let aggregates: Vec<(String, String)> = select
        .aggregates
        .iter()
        .map(|(v, a)| (v.to_string(), a.to_string()))
        .collect();
    let expand = |text: String| substitute(&text, &aggregates);

    let mut out = String::from("SELECT");
    if select.distinct {
        out.push_str(" DISTINCT");
    }
    for variable in select.variables {
        match select.selected.get(variable) {
            Some(expression) => {
                let _ = write!(out, " ({} AS {variable})", expand(expression.to_string()));
            }
            None => {
                let _ = write!(out, " {variable}");
            }
        }
    }
    let _ = write!(out, " WHERE {{ {} }}", select.pattern);
    if let Some(keys) = select.group_by {
        out.push_str(" GROUP BY");
        for key in keys {
            let _ = write!(out, " {key}");
        }
    }
    if let Some(expr) = select.having {
        let _ = write!(out, " HAVING ({})", expand(expr.to_string()));
    }
    if let Some(order) = select.order {
        out.push_str(" ORDER BY");
        for key in order {
            let _ = write!(out, " {}", expand(key.to_string()));
        }
    }
    if select.start > 0 {
        let _ = write!(out, " OFFSET {}", select.start);
    }
    if let Some(length) = select.length {
        let _ = write!(out, " LIMIT {length}");
    }
    out
}

/// The SPARQL text of `query` for people: one clause, triple, `OPTIONAL`, `BIND` or `FILTER`
/// a line, nested groups indented, IRIs shortened with `prefixes` (`(name, namespace)` pairs)
/// and the `PREFIX` lines of the prefixes used in front. Numbers, dates and booleans are
/// written as a person would (`1`, `100.0`, `"1815-01-01"^^xsd:date`, `true`), which the
/// SPARQL parser reads as the same terms. Like [`to_sparql`], the text ends without a line
/// break.
pub fn pretty(query: &Query, prefixes: &[(&str, &str)]) -> String {
    let Some(select) = Select::of(query) else {
        return query.to_string();
    };
    let mut p = Printer {
        prefixes,
        used: vec![false; prefixes.len()],
        aggregates: HashMap::new(),
    };
    let clauses = p.select(&select, 0);
    let mut out = String::new();
    for ((prefix, namespace), used) in prefixes.iter().zip(&p.used) {
        if *used {
            let _ = writeln!(out, "PREFIX {prefix}: <{namespace}>");
        }
    }
    out.push_str(&clauses.join("\n"));
    out
}

/// How wide a clause may be before its items go on lines of their own.
const WIDTH: usize = 100;

/// `keyword item item ...`, on one line if it is short, else one item a line.
fn words(keyword: &str, items: &[String]) -> String {
    let line = format!("{keyword} {}", items.join(" "));
    if line.len() <= WIDTH && !line.contains('\n') {
        return line;
    }
    let mut out = keyword.to_owned();
    for item in items {
        out.push_str("\n  ");
        out.push_str(&item.replace('\n', "\n  "));
    }
    out
}

/// Writes the parts of the algebra as the SPARQL parser reads them back, the way spargebra's
/// own `Display` does, laid out on lines.
struct Printer<'a> {
    prefixes: &'a [(&'a str, &'a str)],
    /// Which of `prefixes` the text uses.
    used: Vec<bool>,
    /// Aggregate variables, written as their aggregates in the head and modifiers.
    aggregates: HashMap<Variable, AggregateExpression>,
}

fn pad(indent: usize) -> String {
    "  ".repeat(indent)
}

impl Printer<'_> {
    /// The clauses of a query or sub-select, its body indented by `indent`.
    fn select(&mut self, select: &Select<'_>, indent: usize) -> Vec<String> {
        let p = self;
        let mut clauses = Vec::new();
        // The head and the modifiers name aggregates by their text, as the parser reads them;
        // the body (with its own sub-selects) does not.
        let outer = std::mem::replace(
            &mut p.aggregates,
            select
                .aggregates
                .iter()
                .map(|(v, a)| (v.clone(), a.clone()))
                .collect(),
        );
        let mut head: Vec<String> = Vec::new();
        for variable in select.variables {
            head.push(match select.selected.get(variable) {
                Some(expression) => format!("({} AS {variable})", p.expression(expression, 0)),
                None => variable.to_string(),
            });
        }
        let group = select.group_by.map(|keys| {
            let keys: Vec<String> = keys.iter().map(Variable::to_string).collect();
            format!("GROUP BY {}", keys.join(" "))
        });
        let having = select
            .having
            .map(|expr| format!("HAVING {}", p.bracketed(expr, 0)));
        let order = select.order.map(|keys| {
            let keys: Vec<String> = keys
                .iter()
                .map(|key| match key {
                    OrderExpression::Asc(e) => format!("ASC({})", p.expression(e, 0)),
                    OrderExpression::Desc(e) => format!("DESC({})", p.expression(e, 0)),
                })
                .collect();
            words("ORDER BY", &keys)
        });
        p.aggregates.clear();
        let body = p.block(select.pattern, indent, false);
        p.aggregates = outer;

        let select_keyword = if select.distinct {
            "SELECT DISTINCT"
        } else {
            "SELECT"
        };
        clauses.push(words(select_keyword, &head));
        clauses.push(format!("WHERE {body}"));
        clauses.extend(group);
        clauses.extend(having);
        clauses.extend(order);
        if select.start > 0 {
            clauses.push(format!("OFFSET {}", select.start));
        }
        if let Some(length) = select.length {
            clauses.push(format!("LIMIT {length}"));
        }
        clauses
    }

    fn iri(&mut self, iri: &NamedNode) -> String {
        for (i, (prefix, namespace)) in self.prefixes.iter().enumerate() {
            if let Some(local) = iri.as_str().strip_prefix(namespace)
                && is_local_name(local)
            {
                self.used[i] = true;
                return format!("{prefix}:{local}");
            }
        }
        iri.to_string()
    }

    fn literal(&mut self, literal: &Literal) -> String {
        let value = literal.value();
        let datatype = literal.datatype();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if literal.datatype() == xsd::STRING || literal.language().is_some() {
            literal.to_string()
        } else if datatype == xsd::INTEGER && digits(value)
            || datatype == xsd::DECIMAL
                && value.split_once('.').is_some_and(|(whole, fraction)| {
                    (whole.is_empty() || digits(whole)) && digits(fraction)
                })
            || datatype == xsd::BOOLEAN && (value == "true" || value == "false")
        {
            value.to_owned()
        } else {
            let datatype = self.iri(&datatype.into_owned());
            format!("{}^^{datatype}", Literal::new_simple_literal(value))
        }
    }

    fn term(&mut self, term: &TermPattern) -> String {
        match term {
            TermPattern::NamedNode(iri) => self.iri(iri),
            TermPattern::Literal(literal) => self.literal(literal),
            other => other.to_string(),
        }
    }

    fn triple(&mut self, triple: &TriplePattern) -> String {
        let predicate = match &triple.predicate {
            NamedNodePattern::NamedNode(p) if *p == rdf::TYPE => "a".to_owned(),
            NamedNodePattern::NamedNode(p) => self.iri(p),
            NamedNodePattern::Variable(v) => v.to_string(),
        };
        format!(
            "{} {predicate} {} .",
            self.term(&triple.subject),
            self.term(&triple.object)
        )
    }

    fn path(&mut self, path: &PropertyPathExpression) -> String {
        match path {
            PropertyPathExpression::NamedNode(p) => self.iri(p),
            PropertyPathExpression::Reverse(p) => format!("^({})", self.path(p)),
            PropertyPathExpression::Sequence(a, b) => {
                format!("({} / {})", self.path(a), self.path(b))
            }
            PropertyPathExpression::Alternative(a, b) => {
                format!("({} | {})", self.path(a), self.path(b))
            }
            PropertyPathExpression::ZeroOrMore(p) => format!("({})*", self.path(p)),
            PropertyPathExpression::OneOrMore(p) => format!("({})+", self.path(p)),
            PropertyPathExpression::ZeroOrOne(p) => format!("({})?", self.path(p)),
            PropertyPathExpression::NegatedPropertySet(ps) => {
                let ps: Vec<String> = ps.iter().map(|p| self.iri(p)).collect();
                format!("!({})", ps.join(" | "))
            }
        }
    }

    /// `{ ... }` around a group: on one line when it holds one short line.
    fn block(&mut self, pattern: &GraphPattern, indent: usize, inline: bool) -> String {
        let mut lines = Vec::new();
        self.pattern(pattern, indent + 1, &mut lines);
        self.braces(lines, indent, inline)
    }

    fn braces(&mut self, lines: Vec<String>, indent: usize, inline: bool) -> String {
        if inline && lines.len() == 1 && !lines[0].contains('\n') && lines[0].len() <= 60 {
            return format!("{{ {} }}", lines[0]);
        }
        let mut out = String::from("{\n");
        for line in lines {
            let _ = writeln!(out, "{}{line}", pad(indent + 1));
        }
        out.push_str(&pad(indent));
        out.push('}');
        out
    }

    /// The lines of a group's content; a line may hold a nested group, already indented.
    fn pattern(&mut self, pattern: &GraphPattern, indent: usize, lines: &mut Vec<String>) {
        match pattern {
            GraphPattern::Bgp { patterns } => {
                for triple in patterns {
                    let line = self.triple(triple);
                    lines.push(line);
                }
            }
            GraphPattern::Path {
                subject,
                path,
                object,
            } => {
                let line = format!(
                    "{} {} {} .",
                    self.term(subject),
                    self.path(path),
                    self.term(object)
                );
                lines.push(line);
            }
            GraphPattern::Join { left, right } => {
                self.pattern(left, indent, lines);
                match right.as_ref() {
                    // As spargebra writes it: a group of its own, or the second part would
                    // read as a modifier of the first.
                    GraphPattern::LeftJoin { .. }
                    | GraphPattern::Minus { .. }
                    | GraphPattern::Extend { .. }
                    | GraphPattern::Filter { .. } => {
                        let block = self.block(right, indent, true);
                        lines.push(block);
                    }
                    right => self.pattern(right, indent, lines),
                }
            }
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => {
                self.pattern(left, indent, lines);
                let mut inner = Vec::new();
                self.pattern(right, indent + 1, &mut inner);
                if let Some(expression) = expression {
                    let filter = format!("FILTER{}", self.bracketed(expression, indent + 1));
                    inner.push(filter);
                }
                let block = self.braces(inner, indent, true);
                lines.push(format!("OPTIONAL {block}"));
            }
            GraphPattern::Filter { expr, inner } => {
                self.pattern(inner, indent, lines);
                let filter = format!("FILTER{}", self.bracketed(expr, indent));
                lines.push(filter);
            }
            GraphPattern::Union { left, right } => {
                let left = self.block(left, indent, true);
                let right = self.block(right, indent, true);
                lines.push(format!("{left} UNION {right}"));
            }
            GraphPattern::Graph { name, inner } => {
                let name = match name {
                    NamedNodePattern::NamedNode(iri) => self.iri(iri),
                    NamedNodePattern::Variable(v) => v.to_string(),
                };
                let block = self.block(inner, indent, true);
                lines.push(format!("GRAPH {name} {block}"));
            }
            GraphPattern::Extend {
                inner,
                variable,
                expression,
            } => {
                self.pattern(inner, indent, lines);
                let bind = format!(
                    "BIND({} AS {variable})",
                    self.expression(expression, indent)
                );
                lines.push(bind);
            }
            GraphPattern::Minus { left, right } => {
                self.pattern(left, indent, lines);
                let block = self.block(right, indent, true);
                lines.push(format!("MINUS {block}"));
            }
            GraphPattern::Values {
                variables,
                bindings,
            } => {
                let mut rows = Vec::new();
                for row in bindings {
                    let row: Vec<String> = row
                        .iter()
                        .map(|value| match value {
                            None => "UNDEF".to_owned(),
                            Some(GroundTerm::NamedNode(iri)) => self.iri(iri),
                            // Quoted triples (with SPARQL 1.2) as spargebra writes them.
                            Some(term) => match term {
                                GroundTerm::Literal(literal) => self.literal(literal),
                                other => other.to_string(),
                            },
                        })
                        .collect();
                    rows.push(row);
                }
                let line = if let [variable] = variables.as_slice() {
                    let values: Vec<String> = rows.into_iter().map(|r| r.join(" ")).collect();
                    format!("VALUES {variable} {{ {} }}", values.join(" "))
                } else {
                    let variables: Vec<String> = variables.iter().map(|v| v.to_string()).collect();
                    let rows: Vec<String> = rows
                        .into_iter()
                        .map(|r| format!("( {} )", r.join(" ")))
                        .collect();
                    format!(
                        "VALUES ( {} ) {{ {} }}",
                        variables.join(" "),
                        rows.join(" ")
                    )
                };
                lines.push(line);
            }
            GraphPattern::Project { .. }
            | GraphPattern::Distinct { .. }
            | GraphPattern::Slice { .. }
                if let Some(select) = Select::of_pattern(pattern) =>
            {
                let clauses = self.select(&select, indent + 1);
                let block = self.braces(clauses, indent, false);
                lines.push(block);
            }
            // Services and the like: spargebra's own text, on one line.
            other => lines.push(other.to_string()),
        }
    }

    /// An expression; `EXISTS` groups are laid out on lines below `indent`.
    fn expression(&mut self, expression: &Expression, indent: usize) -> String {
        let two = |p: &mut Self, a: &Expression, op: &str, b: &Expression, parens: bool| {
            let (a, b) = (p.expression(a, indent), p.expression(b, indent));
            if parens {
                format!("({a} {op} {b})")
            } else {
                format!("{a} {op} {b}")
            }
        };
        match expression {
            Expression::NamedNode(iri) => self.iri(iri),
            Expression::Literal(literal) => self.literal(literal),
            Expression::Variable(v) => match self.aggregates.get(v).cloned() {
                Some(aggregate) => self.aggregate(&aggregate, indent),
                None => v.to_string(),
            },
            Expression::Or(a, b) => two(self, a, "||", b, true),
            Expression::And(a, b) => two(self, a, "&&", b, true),
            Expression::Equal(a, b) => two(self, a, "=", b, true),
            Expression::Greater(a, b) => two(self, a, ">", b, true),
            Expression::GreaterOrEqual(a, b) => two(self, a, ">=", b, true),
            Expression::Less(a, b) => two(self, a, "<", b, true),
            Expression::LessOrEqual(a, b) => two(self, a, "<=", b, true),
            // spargebra writes arithmetic without parentheses; so must we, for the text to
            // read back as the same algebra (lower.rs wraps what needs them in COALESCE).
            Expression::Add(a, b) => two(self, a, "+", b, false),
            Expression::Subtract(a, b) => two(self, a, "-", b, false),
            Expression::Multiply(a, b) => two(self, a, "*", b, false),
            Expression::Divide(a, b) => two(self, a, "/", b, false),
            Expression::SameTerm(a, b) => {
                let (a, b) = (self.expression(a, indent), self.expression(b, indent));
                format!("sameTerm({a}, {b})")
            }
            Expression::In(a, list) => {
                let a = self.expression(a, indent);
                format!("({a} IN {})", self.arguments(list, indent))
            }
            Expression::UnaryPlus(e) => format!("+{}", self.expression(e, indent)),
            Expression::UnaryMinus(e) => format!("-{}", self.expression(e, indent)),
            Expression::Not(e) => match e.as_ref() {
                Expression::Exists(p) => format!("NOT EXISTS {}", self.block(p, indent, true)),
                e => format!("!{}", self.expression(e, indent)),
            },
            Expression::Exists(p) => format!("EXISTS {}", self.block(p, indent, true)),
            Expression::Bound(v) => format!("BOUND({v})"),
            Expression::If(a, b, c) => {
                let (a, b, c) = (
                    self.expression(a, indent),
                    self.expression(b, indent),
                    self.expression(c, indent),
                );
                format!("IF({a}, {b}, {c})")
            }
            Expression::Coalesce(list) => format!("COALESCE{}", self.arguments(list, indent)),
            Expression::FunctionCall(function, list) => {
                let name = match function {
                    Function::Custom(iri) => self.iri(iri),
                    other => other.to_string(),
                };
                format!("{name}{}", self.arguments(list, indent))
            }
        }
    }

    /// An expression in brackets, as `FILTER` and `HAVING` take it: comparisons and logical
    /// operators are written in brackets already.
    fn bracketed(&mut self, expression: &Expression, indent: usize) -> String {
        let text = self.expression(expression, indent);
        match expression {
            Expression::Or(..)
            | Expression::And(..)
            | Expression::Equal(..)
            | Expression::Greater(..)
            | Expression::GreaterOrEqual(..)
            | Expression::Less(..)
            | Expression::LessOrEqual(..)
            | Expression::In(..) => text,
            _ => format!("({text})"),
        }
    }

    fn arguments(&mut self, list: &[Expression], indent: usize) -> String {
        let list: Vec<String> = list.iter().map(|e| self.expression(e, indent)).collect();
        format!("({})", list.join(", "))
    }

    fn aggregate(&mut self, aggregate: &AggregateExpression, indent: usize) -> String {
        match aggregate {
            AggregateExpression::CountSolutions { distinct: true } => "COUNT(DISTINCT *)".into(),
            AggregateExpression::CountSolutions { distinct: false } => "COUNT(*)".into(),
            AggregateExpression::FunctionCall {
                name,
                expr,
                distinct,
            } => {
                let distinct = if *distinct { "DISTINCT " } else { "" };
                let expr = self.expression(expr, indent);
                match name {
                    AggregateFunction::GroupConcat {
                        separator: Some(separator),
                    } => format!(
                        "GROUP_CONCAT({distinct}{expr}; SEPARATOR = {})",
                        Literal::new_simple_literal(separator)
                    ),
                    AggregateFunction::Custom(iri) => {
                        format!("{}({distinct}{expr})", self.iri(iri))
                    }
                    name => format!("{name}({distinct}{expr})"),
                }
            }
        }
    }
}

/// Whether `local` can follow `prefix:` as it is (SPARQL's `PN_LOCAL`, kept to plain ASCII
/// names: letters, digits, `_`, `-` and inner `.`).
fn is_local_name(local: &str) -> bool {
    let mut chars = local.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !local.ends_with('.')
}

fn is_grouped(pattern: &GraphPattern) -> bool {
    match pattern {
        GraphPattern::Group { .. } => true,
        GraphPattern::Extend { inner, .. } | GraphPattern::Filter { inner, .. } => {
            is_grouped(inner)
        }
        _ => false,
    }
}

/// Replaces each aggregate variable (`?__agg0`) with its aggregate's text, whole tokens only.
fn substitute(text: &str, aggregates: &[(String, String)]) -> String {
    let mut out = text.to_owned();
    for (variable, aggregate) in aggregates {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(variable.as_str()) {
            let after = &rest[at + variable.len()..];
            let whole = !after
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            result.push_str(&rest[..at]);
            result.push_str(if whole { aggregate } else { variable });
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// The query's algebra in SSE with aggregate variables renamed by their position, so that a
/// compiled query and its re-parse can be compared (the parser names aggregates at random).
pub fn canonical_sse(query: &Query) -> String {
    let mut names = Vec::new();
    if let Query::Select { pattern, .. } = query {
        collect_aggregates(pattern, &mut names);
    }
    let renamed: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, v)| (v.to_string(), format!("?__agg{i}")))
        .collect();
    substitute(&query.to_sse(), &renamed)
}

/// True when `pattern` holds a sub-select.
fn has_subselect(pattern: &GraphPattern) -> bool {
    match pattern {
        GraphPattern::Project { .. } => true,
        GraphPattern::Join { left, right }
        | GraphPattern::LeftJoin { left, right, .. }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => has_subselect(left) || has_subselect(right),
        GraphPattern::Extend { inner, .. }
        | GraphPattern::Filter { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Group { inner, .. }
        | GraphPattern::OrderBy { inner, .. } => has_subselect(inner),
        _ => false,
    }
}

fn collect_aggregates(pattern: &GraphPattern, names: &mut Vec<Variable>) {
    match pattern {
        GraphPattern::Join { left, right } | GraphPattern::LeftJoin { left, right, .. } => {
            collect_aggregates(left, names);
            collect_aggregates(right, names);
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            names.extend(aggregates.iter().map(|(v, _)| v.clone()));
            collect_aggregates(inner, names);
        }
        GraphPattern::Slice { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::Filter { inner, .. } => collect_aggregates(inner, names),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_whole_variables_only() {
        let aggs = vec![("?__agg1".to_owned(), "COUNT(*)".to_owned())];
        assert_eq!(
            substitute("?__agg1 > ?__agg10", &aggs),
            "COUNT(*) > ?__agg10"
        );
    }

    #[test]
    fn a_grouped_query_prints_in_standard_form_and_reparses_to_the_same_algebra() {
        let text = "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://e/p> ?k . } \
                    GROUP BY ?k HAVING (COUNT(DISTINCT ?s) > 1) ORDER BY DESC(?n) LIMIT 3";
        let query = spargebra::SparqlParser::new().parse_query(text).unwrap();
        let printed = to_sparql(&query);
        assert!(printed.contains("GROUP BY ?k"), "{printed}");
        let again = spargebra::SparqlParser::new()
            .parse_query(&printed)
            .unwrap();
        assert_eq!(canonical_sse(&query), canonical_sse(&again));
    }

    /// Prints `text` with `pretty` and checks that it reads back as the same algebra.
    fn pretty_of(text: &str) -> String {
        let query = spargebra::SparqlParser::new().parse_query(text).unwrap();
        let prefixes = [
            ("e", "http://e/"),
            ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ];
        let printed = pretty(&query, &prefixes);
        let again = spargebra::SparqlParser::new()
            .parse_query(&printed)
            .unwrap_or_else(|e| panic!("{e}\n{printed}"));
        assert_eq!(canonical_sse(&query), canonical_sse(&again), "{printed}");
        printed
    }

    #[test]
    fn pretty_shortens_only_what_reads_back_the_same() {
        expect_test::expect![[r#"
            PREFIX e: <http://e/>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT ?x
            WHERE {
              ?x a e:C .
              ?x e:p "<http://e/p> \"quoted\"" .
              ?x <http://e/a/b> "-3"^^xsd:integer .
              ?x <http://e/-r> 1.5 .
              ?x e:d "1815-06-09"^^xsd:date .
              ?x e:n 7 .
              ?x e:s "x"@en .
              ?x e:b true .
              ?x ((e:p / ^(e:q)))* ?y .
              MINUS { ?y e:p ?z . }
              FILTER((?y IN (e:a, e:b)) || NOT EXISTS { ?y e:p 1 . })
            }"#]]
        .assert_eq(&pretty_of(
            r#"SELECT ?x WHERE {
                ?x a <http://e/C> ; <http://e/p> "<http://e/p> \"quoted\"" ;
                   <http://e/a/b> -3 ; <http://e/-r> 1.5 ;
                   <http://e/d> "1815-06-09"^^<http://www.w3.org/2001/XMLSchema#date> ;
                   <http://e/n> 7 ; <http://e/s> "x"@en ; <http://e/b> true .
                ?x (<http://e/p>/^<http://e/q>)* ?y .
                MINUS { ?y <http://e/p> ?z }
                FILTER(?y IN (<http://e/a>, <http://e/b>) || NOT EXISTS { ?y <http://e/p> 1 })
            }"#,
        ));
    }

    #[test]
    fn pretty_writes_the_clauses_of_a_grouped_query_in_standard_form() {
        expect_test::expect![[r#"
            PREFIX e: <http://e/>
            SELECT DISTINCT ?k (COUNT(DISTINCT ?s) AS ?n)
            WHERE {
              ?s e:p ?k .
            }
            GROUP BY ?k
            HAVING (COUNT(DISTINCT ?s) > 1)
            ORDER BY DESC(?n)
            OFFSET 2
            LIMIT 3"#]]
        .assert_eq(&pretty_of(
            "SELECT DISTINCT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://e/p> ?k . } \
             GROUP BY ?k HAVING (COUNT(DISTINCT ?s) > 1) ORDER BY DESC(?n) LIMIT 3 OFFSET 2",
        ));
    }
}
