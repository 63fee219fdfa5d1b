//! SPARQL text for a compiled query, for `explain` and for remote endpoints. spargebra prints a
//! grouped query as a sub-select, which does not parse back to the same algebra; this printer
//! writes the standard `SELECT ... GROUP BY ... HAVING ... ORDER BY` form instead, so that the
//! text parses back to the algebra the compiler built (up to the names of aggregate variables).

use std::collections::HashMap;
use std::fmt::Write;

use spargebra::Query;
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::Variable;

/// The SPARQL text of `query`.
pub fn to_sparql(query: &Query) -> String {
    let Query::Select { pattern, .. } = query else {
        return query.to_string();
    };
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
        return query.to_string();
    };
    node = inner;
    let mut order: Option<&Vec<OrderExpression>> = None;
    if let GraphPattern::OrderBy { inner, expression } = node {
        order = Some(expression);
        node = inner;
    }
    let mut selected: HashMap<&Variable, &Expression> = HashMap::new();
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
    let mut aggregates: Vec<(String, String)> = Vec::new();
    let mut group_by: Option<&Vec<Variable>> = None;
    if let GraphPattern::Group {
        inner,
        variables,
        aggregates: aggs,
    } = node
    {
        group_by = Some(variables);
        aggregates = aggs
            .iter()
            .map(|(v, a)| (v.to_string(), aggregate_text(a)))
            .collect();
        node = inner;
    }
    let expand = |text: String| substitute(&text, &aggregates);

    let mut out = String::from("SELECT");
    if distinct {
        out.push_str(" DISTINCT");
    }
    for variable in variables {
        match selected.get(variable) {
            Some(expression) => {
                let _ = write!(out, " ({} AS {variable})", expand(expression.to_string()));
            }
            None => {
                let _ = write!(out, " {variable}");
            }
        }
    }
    let _ = write!(out, " WHERE {{ {node} }}");
    if let Some(keys) = group_by.filter(|k| !k.is_empty()) {
        out.push_str(" GROUP BY");
        for key in keys {
            let _ = write!(out, " {key}");
        }
    }
    if let Some(expr) = having {
        let _ = write!(out, " HAVING ({})", expand(expr.to_string()));
    }
    if let Some(order) = order {
        out.push_str(" ORDER BY");
        for key in order {
            let _ = write!(out, " {}", expand(key.to_string()));
        }
    }
    if start > 0 {
        let _ = write!(out, " OFFSET {start}");
    }
    if let Some(length) = length {
        let _ = write!(out, " LIMIT {length}");
    }
    out
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

fn aggregate_text(aggregate: &AggregateExpression) -> String {
    aggregate.to_string()
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

fn collect_aggregates(pattern: &GraphPattern, names: &mut Vec<Variable>) {
    match pattern {
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
}
