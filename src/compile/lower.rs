//! Lowering: a resolved query becomes a `spargebra::Query`, built in the shape the SPARQL parser
//! itself produces, so that printing it and parsing the text again gives the same algebra.
//!
//! Conditions joined by `and` at the top become triple patterns and filters of the main group
//! (paths with a common beginning share their variables, so `guarantee.mechanism is neutrality
//! and guarantee.outcome is violated` speaks of one guarantee); conditions under `or` and `not`
//! become `EXISTS` tests, except alternatives on one path (`p is A or p is B`, text tests of
//! one path), which become one pattern. The class and the conditions choose the entities in a
//! `SELECT DISTINCT ?__this` sub-select that comes first; shown fields are `OPTIONAL` after it,
//! so a missing value never drops a row.

use std::collections::HashMap;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode};
use spargebra::Query;
use spargebra::algebra::{
    AggregateExpression, AggregateFunction, Expression, Function, GraphPattern, OrderExpression,
    PropertyPathExpression,
};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern, TriplePattern, Variable};

use super::ir::{self, Agg, Arg, ColumnValue, Condition, Func, Operand, Path, Shape};
use crate::lang::ast::{CompareOp, Repeat};
use crate::schema::ValueKind;

/// The nodes a scope (one `where` clause, one operand of `or`/`not`, one shown expression)
/// has reached, by the steps that lead to them: paths that begin alike share them.
type Scope = HashMap<String, Variable>;

/// Separates the values of a multi-valued cell in the query's answer. The session sorts them
/// and joins them with "; " (`super::tidy_lists`), because SPARQL leaves the order of
/// `GROUP_CONCAT` to the engine and engines differ. A control character cannot occur in our
/// data's labels, so splitting on it is safe.
pub(super) const LIST_SEPARATOR: &str = "\u{1f}";

/// Builds the algebra of a resolved query. The columns [`ir::Query::lists`] names come as
/// values joined with [`LIST_SEPARATOR`].
pub fn lower(resolved: &ir::Query) -> Query {
    let over_values = resolved
        .columns
        .iter()
        .any(|c| matches!(c.value, ColumnValue::Aggregate { arg: Some(_), .. }));
    if over_values && matches!(resolved.shape, Shape::Grouped { .. }) {
        return lower_grouped(resolved);
    }
    let mut b = Builder::default();
    let this = Variable::new_unchecked("__this");
    let mut main = Group::default();
    b.select_entities(resolved, &this, &mut main);

    let column_vars: Vec<Variable> = resolved
        .columns
        .iter()
        .map(|c| Variable::new_unchecked(c.name.clone()))
        .collect();
    let mut aggregates: Vec<(Variable, AggregateExpression)> = Vec::new();
    let mut selected: Vec<(Variable, Expression)> = Vec::new();
    let mut group_keys: Vec<Variable> = Vec::new();
    // How columns of one-row-per-entity queries sort. A list sorts by its least value (the
    // order of its text is up to the engine); text sorts as `STR(SAMPLE(?v))`, because
    // Virtuoso does not sort long text through the alias of an aggregate.
    let mut list_keys: Vec<(Variable, AggregateExpression, bool)> = Vec::new();
    // Single date columns and the variable of their precision.
    let mut dated: Vec<(Variable, Variable)> = Vec::new();
    let mut text_keys: HashMap<Variable, Expression> = HashMap::new();

    for (column, var) in resolved.columns.iter().zip(&column_vars) {
        match (&column.value, resolved.shape) {
            (ColumnValue::Value(operand), Shape::Entities) => {
                let (value, precision) = match operand {
                    Operand::Path(path) if path.precision.is_some() => {
                        let (value, precision) = b.optional_dated(path, &this, &mut main);
                        (value, Some(precision))
                    }
                    _ => (b.optional_operand(operand, &this, &mut main), None),
                };
                // One value is shown as it is; several as a list (`ir::Query::lists`).
                let single = operand.single();
                let text = operand.shows_text();
                let aggregate = if single {
                    AggregateExpression::FunctionCall {
                        name: AggregateFunction::Sample,
                        expr: Expression::Variable(value),
                        distinct: false,
                    }
                } else {
                    list_keys.push((
                        var.clone(),
                        AggregateExpression::FunctionCall {
                            name: AggregateFunction::Min,
                            expr: Expression::Variable(value.clone()),
                            distinct: false,
                        },
                        text,
                    ));
                    // An entity without values gets "" from every engine (an unbound value
                    // would make Oxigraph's GROUP_CONCAT unbound and Virtuoso's ""); the
                    // session shows "" as empty.
                    AggregateExpression::FunctionCall {
                        name: AggregateFunction::GroupConcat {
                            separator: Some(LIST_SEPARATOR.into()),
                        },
                        expr: Expression::Coalesce(vec![
                            match &precision {
                                Some(precision) => at_precision(&value, precision),
                                None => Expression::FunctionCall(
                                    Function::Str,
                                    vec![Expression::Variable(value)],
                                ),
                            },
                            Expression::Literal(Literal::new_simple_literal("")),
                        ]),
                        distinct: true,
                    }
                };
                if let (true, Some(precision)) = (single, precision) {
                    dated.push((var.clone(), precision));
                }
                let agg = push_aggregate(&mut aggregates, aggregate);
                if single && text {
                    text_keys.insert(
                        var.clone(),
                        Expression::FunctionCall(
                            Function::Str,
                            vec![Expression::Variable(agg.clone())],
                        ),
                    );
                }
                selected.push((var.clone(), Expression::Variable(agg)));
            }
            (ColumnValue::Value(operand), _) => {
                b.optional_operand_into(operand, &this, &mut main, var.clone());
                group_keys.push(var.clone());
            }
            (ColumnValue::Aggregate { agg, distinct, arg }, _) => {
                let expression = match arg {
                    None => AggregateExpression::FunctionCall {
                        name: AggregateFunction::Count,
                        expr: Expression::Variable(this.clone()),
                        distinct: true,
                    },
                    Some(operand) => {
                        let value = b.optional_aggregated(operand, &this, &mut main, *agg);
                        AggregateExpression::FunctionCall {
                            name: match agg {
                                Agg::Count => AggregateFunction::Count,
                                Agg::Min => AggregateFunction::Min,
                                Agg::Max => AggregateFunction::Max,
                                Agg::Sum => AggregateFunction::Sum,
                                Agg::Avg => AggregateFunction::Avg,
                            },
                            expr: Expression::Variable(value),
                            distinct: *distinct,
                        }
                    }
                };
                let average = *agg == Agg::Avg;
                let agg = push_aggregate(&mut aggregates, expression);
                let value = if average {
                    rounded(Expression::Variable(agg))
                } else {
                    Expression::Variable(agg)
                };
                selected.push((var.clone(), value));
            }
        }
    }
    // The precision of each single date column, in hidden columns after the shown ones
    // (`ir::Query::dated`).
    let mut hidden: Vec<(Variable, Expression)> = Vec::new();
    for ((index, _), (_, precision)) in resolved.dated_columns().zip(&dated) {
        let agg = push_aggregate(
            &mut aggregates,
            AggregateExpression::FunctionCall {
                name: AggregateFunction::Sample,
                expr: Expression::Variable(precision.clone()),
                distinct: false,
            },
        );
        hidden.push((
            Variable::new_unchecked(precision_column(index)),
            Expression::Variable(agg),
        ));
    }
    // After the projection's and HAVING's aggregates, as the SPARQL parser orders them.
    // The ORDER BY's own aggregates come after the projection's and HAVING's, in the order
    // of the keys, as the SPARQL parser collects them.
    let list_keys: HashMap<Variable, (AggregateExpression, bool)> = list_keys
        .into_iter()
        .map(|(column, min, text)| (column, (min, text)))
        .collect();
    let mut order: Vec<OrderExpression> = Vec::new();
    for ir::Order { column, descending } in &resolved.order {
        let shown = &resolved.columns[*column].value;
        let column = &column_vars[*column];
        let key = if let Some((min, text)) = list_keys.get(column) {
            let min = Expression::Variable(push_aggregate(&mut aggregates, min.clone()));
            if *text {
                Expression::FunctionCall(Function::Str, vec![min])
            } else {
                min
            }
        } else if let Some(key) = text_keys.get(column) {
            key.clone()
        } else {
            sort_key(shown, Expression::Variable(column.clone()))
        };
        order.push(if *descending {
            OrderExpression::Desc(key)
        } else {
            OrderExpression::Asc(key)
        });
    }

    if resolved.conditions.is_empty() {
        main.optionals_as_sub_selects();
    }
    let mut pattern = main.build();
    if resolved.shape == Shape::Entities {
        group_keys = vec![this.clone()];
    }
    let grouped = resolved.shape != Shape::Distinct;
    if grouped {
        // `having` over one group, the whole set, is a filter over a sub-select: HAVING
        // without GROUP BY is SPARQL 1.1, but Virtuoso refuses it.
        let one_group = group_keys.is_empty() && !resolved.having.is_empty();
        pattern = GraphPattern::Group {
            inner: Box::new(pattern),
            variables: group_keys,
            aggregates: aggregates.clone(),
        };
        if one_group {
            for var in &column_vars {
                if let Some((_, expression)) = selected.iter().find(|(v, _)| v == var) {
                    pattern = GraphPattern::Extend {
                        inner: Box::new(pattern),
                        variable: var.clone(),
                        expression: expression.clone(),
                    };
                }
            }
            pattern = GraphPattern::Project {
                inner: Box::new(pattern),
                variables: column_vars.clone(),
            };
            // The sub-select's columns are the outer query's values from here on.
            selected.clear();
        }
        let mut having: Option<Expression> = None;
        for ir::Having { column, op, value } in &resolved.having {
            let column = &column_vars[*column];
            let agg_var = selected
                .iter()
                .find(|(v, _)| v == column)
                .map(|(_, e)| e.clone())
                .unwrap_or_else(|| Expression::Variable(column.clone()));
            let test = compare(*op, agg_var, Expression::Literal(value.clone()));
            having = Some(match having {
                Some(h) => Expression::And(Box::new(h), Box::new(test)),
                None => test,
            });
        }
        if let Some(expr) = having {
            pattern = GraphPattern::Filter {
                expr,
                inner: Box::new(pattern),
            };
        }
        // Select expressions are applied in the order of the projection.
        for var in &column_vars {
            if let Some((_, expression)) = selected.iter().find(|(v, _)| v == var) {
                pattern = GraphPattern::Extend {
                    inner: Box::new(pattern),
                    variable: var.clone(),
                    expression: expression.clone(),
                };
            }
        }
        for (variable, expression) in &hidden {
            pattern = GraphPattern::Extend {
                inner: Box::new(pattern),
                variable: variable.clone(),
                expression: expression.clone(),
            };
        }
    }

    if resolved.shape == Shape::Entities {
        order.push(OrderExpression::Asc(Expression::Variable(this.clone())));
    }
    if !order.is_empty() {
        pattern = GraphPattern::OrderBy {
            inner: Box::new(pattern),
            expression: order,
        };
    }
    let mut variables = column_vars;
    variables.extend(hidden.into_iter().map(|(v, _)| v));
    pattern = GraphPattern::Project {
        inner: Box::new(pattern),
        variables,
    };
    if resolved.shape == Shape::Distinct {
        pattern = GraphPattern::Distinct {
            inner: Box::new(pattern),
        };
    }
    select(pattern, resolved)
}

/// The query around a finished pattern: `limit` and `offset` as a slice of it.
fn select(pattern: GraphPattern, resolved: &ir::Query) -> Query {
    let pattern = if resolved.limit.is_some() || resolved.offset.is_some() {
        GraphPattern::Slice {
            inner: Box::new(pattern),
            start: resolved.offset.unwrap_or(0) as usize,
            length: resolved.limit.map(|l| l as usize),
        }
    } else {
        pattern
    };
    Query::Select {
        dataset: None,
        pattern,
        base_iri: None,
    }
}

/// The name of the hidden column that holds the precision of the date in column `index`
/// ([`ir::Query::dated`]).
pub(super) fn precision_column(index: usize) -> String {
    format!("__precision{index}")
}

/// A date as text at its precision: `1673` for a year, `1914-07` for a month, the date itself
/// otherwise (also when the precision is unbound, which makes the tests an error).
fn at_precision(value: &Variable, precision: &Variable) -> Expression {
    let text =
        || Expression::FunctionCall(Function::Str, vec![Expression::Variable(value.clone())]);
    let first =
        |n: i64| Expression::FunctionCall(Function::SubStr, vec![text(), integer(1), integer(n)]);
    let is = |unit: &NamedNode| {
        Box::new(Expression::Equal(
            Box::new(Expression::Variable(precision.clone())),
            Box::new(Expression::NamedNode(unit.clone())),
        ))
    };
    Expression::Coalesce(vec![
        Expression::If(
            is(&NamedNode::new_unchecked(crate::vocab::PRECISION_YEAR)),
            Box::new(first(4)),
            Box::new(Expression::If(
                is(&NamedNode::new_unchecked(crate::vocab::PRECISION_MONTH)),
                Box::new(first(7)),
                Box::new(text()),
            )),
        ),
        text(),
    ])
}

/// The name of the hidden column that counts, for the aggregate in column `index`, the
/// entities of the group without a value ([`ir::Query::skipped`]).
pub(super) fn skipped_column(index: usize) -> String {
    format!("__skipped{index}")
}

/// The entities of the query with their group keys bound to `keys`, and `group_id`, one text
/// that tells the groups apart: always bound, so that patterns can be joined on it, where an
/// unbound key would join with every group.
fn entities_with_keys(
    b: &mut Builder,
    resolved: &ir::Query,
    this: &Variable,
    keys: &[Variable],
    group_id: &Variable,
) -> Group {
    let mut group = Group::default();
    b.select_entities(resolved, this, &mut group);
    for (column, key) in resolved.columns.iter().zip(keys) {
        if let ColumnValue::Value(operand) = &column.value {
            b.optional_operand_into(operand, this, &mut group, key.clone());
        }
    }
    // "+value" for a key with a value, "-" for one without, joined by a control character.
    let mut parts: Vec<Expression> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            parts.push(Expression::Literal(Literal::new_simple_literal(
                LIST_SEPARATOR,
            )));
        }
        parts.push(Expression::If(
            Box::new(Expression::Bound(key.clone())),
            Box::new(Expression::FunctionCall(
                Function::Concat,
                vec![
                    Expression::Literal(Literal::new_simple_literal("+")),
                    Expression::FunctionCall(
                        Function::Str,
                        vec![Expression::Variable(key.clone())],
                    ),
                ],
            )),
            Box::new(Expression::Literal(Literal::new_simple_literal("-"))),
        ));
    }
    let id = match parts.len() {
        0 => Expression::Literal(Literal::new_simple_literal("")),
        1 => parts.remove(0),
        _ => Expression::FunctionCall(Function::Concat, parts),
    };
    group.elements.push(Element::Bind(id, group_id.clone()));
    group
}

/// A grouped query with aggregates over values (SEMANTICS.md R6). Rows multiply along
/// multi-valued paths, so an aggregate cannot run over the rows of the groups: each runs in a
/// sub-select of its own over the distinct (entity, group, bindings of the aggregate's own
/// paths, value), missing values left out, and is joined to its group by `?__g`. The groups
/// themselves and `count(*)` come from one sub-select over the entities. A group without
/// values has no row in an aggregate's sub-select, so its cell is empty (a count is 0).
fn lower_grouped(resolved: &ir::Query) -> Query {
    let keys = match resolved.shape {
        Shape::Grouped { keys } => keys.min(resolved.columns.len()),
        _ => 0,
    };
    let mut b = Builder::default();
    let this = Variable::new_unchecked("__this");
    let group_id = Variable::new_unchecked("__g");
    let entities = Variable::new_unchecked("__n");
    let column_vars: Vec<Variable> = resolved
        .columns
        .iter()
        .map(|c| Variable::new_unchecked(c.name.clone()))
        .collect();
    let key_vars = &column_vars[..keys];

    // The groups: `?__g`, the keys, the number of entities and the `count(*)` columns.
    let groups = entities_with_keys(&mut b, resolved, &this, key_vars, &group_id);
    let count = AggregateExpression::FunctionCall {
        name: AggregateFunction::Count,
        expr: Expression::Variable(this.clone()),
        distinct: true,
    };
    let mut group_vars = Vec::new();
    // Without keys there is one group, also when it has no entity (a count of 0).
    if keys > 0 {
        group_vars.push(group_id.clone());
    }
    group_vars.extend(key_vars.iter().cloned());
    let counted_agg = b.aggregate();
    let mut inner = GraphPattern::Group {
        inner: Box::new(groups.build()),
        variables: group_vars.clone(),
        aggregates: vec![(counted_agg.clone(), count)],
    };
    let mut projected = group_vars;
    let counted = std::iter::once(entities.clone()).chain(
        resolved
            .columns
            .iter()
            .zip(&column_vars)
            .filter(|(c, _)| matches!(c.value, ColumnValue::Aggregate { arg: None, .. }))
            .map(|(_, v)| v.clone()),
    );
    for var in counted {
        inner = GraphPattern::Extend {
            inner: Box::new(inner),
            variable: var.clone(),
            expression: Expression::Variable(counted_agg.clone()),
        };
        projected.push(var);
    }
    let mut pattern = GraphPattern::Project {
        inner: Box::new(inner),
        variables: projected,
    };

    // Each aggregate over values, joined to its group.
    let mut shown: Vec<(Variable, Expression)> = Vec::new();
    for (index, column) in resolved.columns.iter().enumerate() {
        let ColumnValue::Aggregate {
            agg,
            distinct,
            arg: Some(operand),
        } = &column.value
        else {
            continue;
        };
        let value = Variable::new_unchecked(format!("__a{index}"));
        let with_value = Variable::new_unchecked(format!("__h{index}"));
        let sub = aggregate_over_values(
            &mut b,
            resolved,
            &this,
            keys,
            &group_id,
            operand,
            (*agg, *distinct),
            (&value, &with_value),
        );
        pattern = GraphPattern::LeftJoin {
            left: Box::new(pattern),
            right: Box::new(sub),
            expression: None,
        };
        let cell = match agg {
            Agg::Count => Expression::Coalesce(vec![
                Expression::Variable(value),
                Expression::Literal(Literal::from(0)),
            ]),
            Agg::Avg => rounded(Expression::Variable(value)),
            _ => Expression::Variable(value),
        };
        shown.push((column_vars[index].clone(), cell));
        if *agg != Agg::Count {
            // The entities of the group the aggregate left out for want of a value.
            shown.push((
                Variable::new_unchecked(skipped_column(index)),
                Expression::Subtract(
                    Box::new(Expression::Variable(entities.clone())),
                    Box::new(Expression::Coalesce(vec![
                        Expression::Variable(with_value),
                        Expression::Literal(Literal::from(0)),
                    ])),
                ),
            ));
        }
    }
    for (variable, expression) in &shown {
        pattern = GraphPattern::Extend {
            inner: Box::new(pattern),
            variable: variable.clone(),
            expression: expression.clone(),
        };
    }

    let mut having: Option<Expression> = None;
    for ir::Having { column, op, value } in &resolved.having {
        let test = compare(
            *op,
            Expression::Variable(column_vars[*column].clone()),
            Expression::Literal(value.clone()),
        );
        having = Some(match having {
            Some(h) => Expression::And(Box::new(h), Box::new(test)),
            None => test,
        });
    }
    if let Some(expr) = having {
        pattern = GraphPattern::Filter {
            expr,
            inner: Box::new(pattern),
        };
    }
    let order: Vec<OrderExpression> = resolved
        .order
        .iter()
        .map(|o| {
            let key = sort_key(
                &resolved.columns[o.column].value,
                Expression::Variable(column_vars[o.column].clone()),
            );
            if o.descending {
                OrderExpression::Desc(key)
            } else {
                OrderExpression::Asc(key)
            }
        })
        .collect();
    if !order.is_empty() {
        pattern = GraphPattern::OrderBy {
            inner: Box::new(pattern),
            expression: order,
        };
    }
    let mut variables = column_vars.clone();
    variables.extend(
        shown
            .iter()
            .map(|(v, _)| v)
            .filter(|v| !column_vars.contains(v))
            .cloned(),
    );
    pattern = GraphPattern::Project {
        inner: Box::new(pattern),
        variables,
    };
    select(pattern, resolved)
}

/// `{ SELECT ?__g (AGG(?v) AS ?value) (COUNT(DISTINCT ?__this) AS ?with_value) WHERE { SELECT
/// DISTINCT ?__this ?__g <the paths' nodes> ?v WHERE { ... } } GROUP BY ?__g }`: one value per
/// entity and binding of the aggregate's own paths (R3, R6), never multiplied by other paths.
#[allow(clippy::too_many_arguments)]
fn aggregate_over_values(
    b: &mut Builder,
    resolved: &ir::Query,
    this: &Variable,
    keys: usize,
    group_id: &Variable,
    operand: &Operand,
    (agg, distinct): (Agg, bool),
    (value, with_value): (&Variable, &Variable),
) -> GraphPattern {
    // Fresh names for the keys: inside, they are the sub-select's own.
    let key_vars: Vec<Variable> = (0..keys).map(|_| b.fresh()).collect();
    let mut group = entities_with_keys(b, resolved, this, &key_vars, group_id);
    let first = b.next;
    let v = match (operand, agg) {
        // Counting entities counts them, not their names (two may share one).
        (Operand::Path(path), Agg::Count) => {
            match b.walk(path, this, &mut group, &mut Scope::new(), None) {
                TermPattern::Variable(v) => v,
                _ => unreachable!("walk ends in a variable unless given a constant"),
            }
        }
        (operand, _) => b.operand(operand, this, &mut group, &mut Scope::new()),
    };
    // The nodes the operand's paths reached tell its bindings apart.
    let mut variables = vec![this.clone(), group_id.clone()];
    variables.extend(
        (first + 1..=b.next)
            .map(|n| Variable::new_unchecked(format!("__v{n}")))
            .filter(|n| *n != v),
    );
    variables.push(v.clone());
    group.filters.push(Expression::Bound(v.clone()));
    let tuples = GraphPattern::Distinct {
        inner: Box::new(GraphPattern::Project {
            inner: Box::new(group.build()),
            variables,
        }),
    };
    let name = match agg {
        Agg::Count => AggregateFunction::Count,
        Agg::Min => AggregateFunction::Min,
        Agg::Max => AggregateFunction::Max,
        Agg::Sum => AggregateFunction::Sum,
        Agg::Avg => AggregateFunction::Avg,
    };
    // Names of their own in the whole query, as the parser gives them.
    let (agg0, agg1) = (b.aggregate(), b.aggregate());
    // Grouped by `?__g` also without keys (when it is ""), so that no values give no row,
    // and the cell stays empty, where SPARQL's SUM and AVG of nothing are 0.
    let grouped = GraphPattern::Group {
        inner: Box::new(tuples),
        variables: vec![group_id.clone()],
        aggregates: vec![
            (
                agg0.clone(),
                AggregateExpression::FunctionCall {
                    name,
                    expr: Expression::Variable(v),
                    distinct,
                },
            ),
            (
                agg1.clone(),
                AggregateExpression::FunctionCall {
                    name: AggregateFunction::Count,
                    expr: Expression::Variable(this.clone()),
                    distinct: true,
                },
            ),
        ],
    };
    let with_results = GraphPattern::Extend {
        inner: Box::new(GraphPattern::Extend {
            inner: Box::new(grouped),
            variable: value.clone(),
            expression: Expression::Variable(agg0),
        }),
        variable: with_value.clone(),
        expression: Expression::Variable(agg1),
    };
    GraphPattern::Project {
        inner: Box::new(with_results),
        variables: vec![group_id.clone(), value.clone(), with_value.clone()],
    }
}

/// An average to two decimal places. Engines compute averages to different precisions
/// (Oxigraph to 18 decimal places, Virtuoso to about 15 significant digits), so the full
/// value would differ from one backend to another; two places are plenty for years.
fn rounded(average: Expression) -> Expression {
    let hundred = || Expression::Literal(Literal::from(100));
    Expression::Divide(
        Box::new(Expression::FunctionCall(
            Function::Round,
            vec![Expression::Multiply(Box::new(average), Box::new(hundred()))],
        )),
        Box::new(hundred()),
    )
}

fn push_aggregate(
    aggregates: &mut Vec<(Variable, AggregateExpression)>,
    expression: AggregateExpression,
) -> Variable {
    // The parser gives one variable to identical aggregates; so do we.
    if let Some((v, _)) = aggregates.iter().find(|(_, a)| *a == expression) {
        return v.clone();
    }
    let v = Variable::new_unchecked(format!("__agg{}", aggregates.len()));
    aggregates.push((v.clone(), expression));
    v
}

/// One `{ ... }` group under construction, in the order the parser would see it.
#[derive(Default)]
struct Group {
    elements: Vec<Element>,
    filters: Vec<Expression>,
}

enum Element {
    Triple(TriplePattern),
    Path(TermPattern, PropertyPathExpression, TermPattern),
    Optional(GraphPattern),
    Bind(Expression, Variable),
    /// `VALUES ?v { ... }`, before the pattern that reaches `?v`.
    Values(Variable, Vec<NamedNode>),
    /// A sub-select, joined to what comes before it.
    Pattern(GraphPattern),
    /// `MINUS { ... }`: what comes before it, less the solutions this pattern matches.
    Minus(GraphPattern),
}

impl Group {
    fn triple(&mut self, subject: TermPattern, predicate: NamedNode, object: TermPattern) {
        self.elements.push(Element::Triple(TriplePattern {
            subject,
            predicate: NamedNodePattern::NamedNode(predicate),
            object,
        }));
    }

    /// Each OPTIONAL's group as `{ SELECT * WHERE { ... } }`, for a query over every entity
    /// of its class. Oxigraph then reads each field once for all entities and joins by hash,
    /// where it would otherwise look the field up entity by entity: 3x faster for the 77,000
    /// settlements of a million-triple store (docs/scale.md). With conditions the entities
    /// may be few, and looking them up is the faster way, so it is kept.
    fn optionals_as_sub_selects(&mut self) {
        for element in &mut self.elements {
            if let Element::Optional(right) = element {
                let inner = std::mem::take(right);
                let mut variables: Vec<Variable> = Vec::new();
                inner.on_in_scope_variable(|v| {
                    if !variables.contains(v) {
                        variables.push(v.clone());
                    }
                });
                *right = GraphPattern::Project {
                    inner: Box::new(inner),
                    variables,
                };
            }
        }
    }

    /// The group as the parser builds it: triples blocks joined, OPTIONAL as left joins,
    /// BIND as extensions, and all filters applied at the end.
    fn build(self) -> GraphPattern {
        let mut g = GraphPattern::default();
        let mut block: Vec<GraphPattern> = Vec::new();
        let mut bgp: Vec<TriplePattern> = Vec::new();
        fn flush(
            g: GraphPattern,
            block: &mut Vec<GraphPattern>,
            bgp: &mut Vec<TriplePattern>,
        ) -> GraphPattern {
            if !bgp.is_empty() {
                block.push(GraphPattern::Bgp {
                    patterns: std::mem::take(bgp),
                });
            }
            let joined = std::mem::take(block)
                .into_iter()
                .reduce(join)
                .unwrap_or_default();
            join(g, joined)
        }
        for element in self.elements {
            match element {
                Element::Values(variable, iris) => {
                    g = flush(g, &mut block, &mut bgp);
                    g = join(
                        g,
                        GraphPattern::Values {
                            variables: vec![variable],
                            bindings: iris
                                .into_iter()
                                .map(|iri| vec![Some(GroundTerm::NamedNode(iri))])
                                .collect(),
                        },
                    );
                }
                Element::Pattern(pattern) => {
                    g = flush(g, &mut block, &mut bgp);
                    g = join(g, pattern);
                }
                Element::Minus(right) => {
                    g = flush(g, &mut block, &mut bgp);
                    g = GraphPattern::Minus {
                        left: Box::new(g),
                        right: Box::new(right),
                    };
                }
                Element::Triple(t) => bgp.push(t),
                Element::Path(subject, path, object) => {
                    if !bgp.is_empty() {
                        block.push(GraphPattern::Bgp {
                            patterns: std::mem::take(&mut bgp),
                        });
                    }
                    block.push(GraphPattern::Path {
                        subject,
                        path,
                        object,
                    });
                }
                Element::Optional(right) => {
                    g = flush(g, &mut block, &mut bgp);
                    g = GraphPattern::LeftJoin {
                        left: Box::new(g),
                        right: Box::new(right),
                        expression: None,
                    };
                }
                Element::Bind(expression, variable) => {
                    g = flush(g, &mut block, &mut bgp);
                    g = GraphPattern::Extend {
                        inner: Box::new(g),
                        variable,
                        expression,
                    };
                }
            }
        }
        g = flush(g, &mut block, &mut bgp);
        match self
            .filters
            .into_iter()
            .reduce(|a, b| Expression::And(Box::new(a), Box::new(b)))
        {
            Some(expr) => GraphPattern::Filter {
                expr,
                inner: Box::new(g),
            },
            None => g,
        }
    }
}

/// Joins two patterns as the SPARQL parser does (adjacent triple blocks merge).
fn join(left: GraphPattern, right: GraphPattern) -> GraphPattern {
    match (left, right) {
        (GraphPattern::Bgp { patterns }, other) | (other, GraphPattern::Bgp { patterns })
            if patterns.is_empty() =>
        {
            other
        }
        (GraphPattern::Bgp { patterns: mut l }, GraphPattern::Bgp { patterns: r }) => {
            l.extend(r);
            GraphPattern::Bgp { patterns: l }
        }
        (left, right) => GraphPattern::Join {
            left: Box::new(left),
            right: Box::new(right),
        },
    }
}

#[derive(Default)]
struct Builder {
    next: usize,
    /// Aggregate variables made so far (sub-selects each have theirs).
    aggregates: usize,
}

impl Builder {
    fn aggregate(&mut self) -> Variable {
        let v = Variable::new_unchecked(format!("__agg{}", self.aggregates));
        self.aggregates += 1;
        v
    }

    fn fresh(&mut self) -> Variable {
        self.next += 1;
        Variable::new_unchecked(format!("__v{}", self.next))
    }

    /// Adds the steps of `path` from `from` to `group`; returns the variable of the end.
    /// Steps before the last reuse the nodes the scope `shared` reached by the same steps.
    fn walk(
        &mut self,
        path: &Path,
        from: &Variable,
        group: &mut Group,
        shared: &mut Scope,
        end: Option<TermPattern>,
    ) -> TermPattern {
        self.walk_from(path, from, group, shared, end).1
    }

    /// [`Builder::walk`], returning the node the last step starts from as well.
    fn walk_to_last(
        &mut self,
        path: &Path,
        from: &Variable,
        group: &mut Group,
        shared: &mut Scope,
    ) -> (TermPattern, TermPattern) {
        self.walk_from(path, from, group, shared, None)
    }

    fn walk_from(
        &mut self,
        path: &Path,
        from: &Variable,
        group: &mut Group,
        shared: &mut Scope,
        end: Option<TermPattern>,
    ) -> (TermPattern, TermPattern) {
        let mut before_last: TermPattern = from.clone().into();
        let mut current: TermPattern = from.clone().into();
        let mut key = String::new();
        let last = path.steps.len().saturating_sub(1);
        for (i, step) in path.steps.iter().enumerate() {
            key.push_str(&step_key(step));
            // The last step is never shared: `party = A and party = B` are two parties.
            let next: TermPattern = if i == last {
                end.clone().unwrap_or_else(|| self.fresh().into())
            } else if let Some(v) = shared.get(&key) {
                // Reached before in this scope, whose group already holds the step.
                current = v.clone().into();
                continue;
            } else {
                let v = self.fresh();
                shared.insert(key.clone(), v.clone());
                v.into()
            };
            if i == last {
                before_last = current.clone();
            }
            let (subject, object) = if step.inverse {
                (next.clone(), current.clone())
            } else {
                (current.clone(), next.clone())
            };
            match step.repeat {
                Repeat::Once => group.triple(subject, step.predicate.clone(), object),
                Repeat::OneOrMore => group.elements.push(Element::Path(
                    subject,
                    PropertyPathExpression::OneOrMore(Box::new(PropertyPathExpression::NamedNode(
                        step.predicate.clone(),
                    ))),
                    object,
                )),
                Repeat::ZeroOrMore => group.elements.push(Element::Path(
                    subject,
                    PropertyPathExpression::ZeroOrMore(Box::new(
                        PropertyPathExpression::NamedNode(step.predicate.clone()),
                    )),
                    object,
                )),
            }
            current = next;
        }
        (before_last, current)
    }

    /// The variable holding what a person reads for the path's value: the label of an entity
    /// or concept, the value itself otherwise.
    fn readable(&mut self, path: &Path, value: TermPattern, group: &mut Group) -> Variable {
        let TermPattern::Variable(var) = value else {
            unreachable!("walk ends in a variable unless given a constant")
        };
        if matches!(path.kind, ValueKind::Entity(_) | ValueKind::Concept(_)) {
            let label = self.fresh();
            group.triple(var.into(), rdfs::LABEL.into_owned(), label.clone().into());
            label
        } else {
            var
        }
    }

    /// Adds the query's entities to `group`: its class, and when the conditions hold filters,
    /// the entities meeting them as `{ SELECT DISTINCT ?__this WHERE { ... } }`. The engine then
    /// chooses the entities first and fetches the shown fields for those alone: a filter over
    /// the whole group (an `EXISTS`, a comparison) is otherwise applied only after every
    /// OPTIONAL field of every entity of the class has been read (3x slower at a million
    /// triples, docs/scale.md). The answers are the same: every shape lowered with it
    /// groups by the entity, counts distinct entities or keeps distinct rows, and the
    /// conditions' variables are their own (each clause is a scope, SEMANTICS.md R1).
    ///
    /// The class is a pattern, or a test (`FILTER EXISTS { ?__this a C }`) when a condition
    /// leads better than it (see [`leads_the_class`]).
    fn select_entities(&mut self, resolved: &ir::Query, this: &Variable, group: &mut Group) {
        let mut chosen = Group::default();
        let class = TriplePattern {
            subject: this.clone().into(),
            predicate: NamedNodePattern::NamedNode(rdf::TYPE.into_owned()),
            object: resolved.class.clone().into(),
        };
        let class_as_test = resolved.conditions.iter().any(leads_the_class);
        if !class_as_test {
            chosen.elements.push(Element::Triple(class.clone()));
        }
        // `without PATH` as MINUS when no condition names a value, so that many entities are
        // left to test: Oxigraph reads the path once and drops the entities it reaches by
        // hash, where NOT EXISTS looks it up entity by entity (gallery 13's first statement
        // 0.50 s -> 0.14 s, 12 1.33 -> 1.00 at a million triples). After a named value the
        // entities are few and looking them up is faster (`settlements where party = Britain
        // without guarantee`: 0.01 s as NOT EXISTS, 0.12 s as MINUS). The same test: the
        // path's nodes are its own, and `?__this` is bound by the class before it.
        let minus = !class_as_test && !resolved.conditions.iter().any(names_a_value);
        // Each clause is a scope of its own: paths that begin alike share their nodes within
        // a `where` clause, never across clauses (SEMANTICS.md R1).
        for condition in &resolved.conditions {
            let mut shared = Scope::new();
            for part in conjuncts(condition) {
                match part {
                    // A repeated step stays NOT EXISTS: alone in MINUS it would walk the
                    // path from every node of the store.
                    Condition::Not(absent)
                        if minus
                            && matches!(absent.as_ref(), Condition::Exists { path }
                                if path.steps.iter().all(|s| s.repeat == Repeat::Once)) =>
                    {
                        let mut right = Group::default();
                        self.direct(absent, this, &mut right, &mut Scope::new());
                        chosen.elements.push(Element::Minus(right.build()));
                    }
                    part => self.direct(part, this, &mut chosen, &mut shared),
                }
            }
        }
        if class_as_test {
            chosen
                .filters
                .push(Expression::Exists(Box::new(GraphPattern::Bgp {
                    patterns: vec![class],
                })));
        }
        if chosen.filters.is_empty() && resolved.conditions.iter().all(one_row_each) {
            // Patterns that match each entity once: the engine joins them before the fields
            // as it is, and a sub-select would only add its DISTINCT (gallery 14: 1.2 s
            // against 1.0 s at a million triples).
            group.elements.append(&mut chosen.elements);
            return;
        }
        group
            .elements
            .push(Element::Pattern(GraphPattern::Distinct {
                inner: Box::new(GraphPattern::Project {
                    inner: Box::new(chosen.build()),
                    variables: vec![this.clone()],
                }),
            }));
    }

    /// Adds a top-level condition to the main group.
    fn direct(
        &mut self,
        condition: &Condition,
        this: &Variable,
        group: &mut Group,
        shared: &mut Scope,
    ) {
        match condition {
            Condition::And(parts) => {
                for part in parts {
                    self.direct(part, this, group, shared);
                }
            }
            // Alternatives on one path, in a scope of their own as each operand of `or` is
            // (R2): their nodes are not the clause's.
            Condition::Or(parts) => match (
                alternatives_on_one_path(parts),
                text_tests_on_one_path(parts),
            ) {
                (Some(one_of), _) => self.atom(&one_of, this, group, &mut Scope::new()),
                (None, Some(path)) => {
                    let tests: Vec<&Condition> = parts.iter().collect();
                    self.text_tests(path, &tests, this, group, &mut Scope::new());
                }
                (None, None) => {
                    let expression = self.expression(condition, this);
                    group.filters.push(expression);
                }
            },
            Condition::Not(_) => {
                let expression = self.expression(condition, this);
                group.filters.push(expression);
            }
            atom => self.atom(atom, this, group, shared),
        }
    }

    /// A condition as a filter expression. Each operand of `or` and `not` is an `EXISTS` test
    /// of its own (SEMANTICS.md R2); an operand that is a conjunction is one test whose paths
    /// share their beginnings (R1 again), unless it only combines other such tests.
    fn expression(&mut self, condition: &Condition, this: &Variable) -> Expression {
        match condition {
            Condition::And(parts)
                if parts
                    .iter()
                    .all(|p| matches!(p, Condition::Or(_) | Condition::Not(_))) =>
            {
                self.fold(parts, this, Expression::And)
            }
            Condition::Or(parts)
                if alternatives_on_one_path(parts).is_none()
                    && text_tests_on_one_path(parts).is_none() =>
            {
                self.fold(parts, this, Expression::Or)
            }
            // `!!x` is not SPARQL (`!` takes a primary expression): a double negation is
            // dropped instead.
            Condition::Not(inner) => match inner.as_ref() {
                Condition::Not(twice) => self.expression(twice, this),
                inner => Expression::Not(Box::new(self.expression(inner, this))),
            },
            scope => {
                let mut group = Group::default();
                self.direct(scope, this, &mut group, &mut Scope::new());
                Expression::Exists(Box::new(group.build()))
            }
        }
    }

    fn fold(
        &mut self,
        parts: &[Condition],
        this: &Variable,
        combine: fn(Box<Expression>, Box<Expression>) -> Expression,
    ) -> Expression {
        let mut expressions = parts
            .iter()
            .map(|p| self.expression(p, this))
            .collect::<Vec<_>>();
        let first = expressions.remove(0);
        expressions
            .into_iter()
            .fold(first, |a, b| combine(Box::new(a), Box::new(b)))
    }

    fn atom(&mut self, atom: &Condition, this: &Variable, group: &mut Group, shared: &mut Scope) {
        match atom {
            Condition::OneOf { path, iris } if iris.len() == 1 => {
                self.walk(path, this, group, shared, Some(iris[0].clone().into()));
            }
            Condition::OneOf { path, iris } => {
                // The values first, so that the engine starts from the few entities they name
                // rather than from every value of the path.
                let end = self.fresh();
                group
                    .elements
                    .push(Element::Values(end.clone(), iris.clone()));
                self.walk(path, this, group, shared, Some(end.into()));
            }
            Condition::Compare {
                left: Operand::Path(path),
                op: CompareOp::Eq,
                right,
                text: false,
            } if right.datatype() == xsd::BOOLEAN => {
                // `reciprocal = true` as the pattern `?g tr:reciprocal true`, which the engine
                // looks up instead of reading every value and filtering (gallery 02). The same
                // test: Oxigraph keeps a boolean as its value, so "1"^^xsd:boolean is stored
                // as true.
                self.walk(path, this, group, shared, Some(right.clone().into()));
            }
            Condition::Compare {
                left,
                op,
                right,
                text,
            } => {
                let value = self.operand(left, this, group, shared);
                let value = if *text {
                    lower_case(Expression::Variable(value))
                } else {
                    Expression::Variable(value)
                };
                group
                    .filters
                    .push(compare(*op, value, Expression::Literal(right.clone())));
            }
            Condition::CompareValues {
                left,
                op,
                right,
                text,
            } => self.compare_values(left, *op, right, *text, this, group, shared),
            Condition::Range {
                left,
                low,
                high,
                text,
            } => {
                let value = self.operand(left, this, group, shared);
                let value = if *text {
                    lower_case(Expression::Variable(value))
                } else {
                    Expression::Variable(value)
                };
                group.filters.push(Expression::And(
                    Box::new(compare(
                        CompareOp::Ge,
                        value.clone(),
                        Expression::Literal(low.clone()),
                    )),
                    Box::new(compare(
                        CompareOp::Le,
                        value,
                        Expression::Literal(high.clone()),
                    )),
                ));
            }
            Condition::Contains { path, .. } | Condition::Matches { path, .. } => {
                self.text_tests(path, &[atom], this, group, shared);
            }
            Condition::Exists { path } => {
                self.walk(path, this, group, shared, None);
            }
            Condition::And(_) | Condition::Or(_) | Condition::Not(_) => {
                let expression = self.expression(atom, this);
                group.filters.push(expression);
            }
        }
    }

    /// `contains` and `matches` tests of one path, any of which holds: the path walked once,
    /// its readable value tested by each (`tests` holds only such conditions on `path`).
    fn text_tests(
        &mut self,
        path: &Path,
        tests: &[&Condition],
        this: &Variable,
        group: &mut Group,
        shared: &mut Scope,
    ) {
        let end = self.walk(path, this, group, shared, None);
        let value = Expression::Variable(self.readable(path, end, group));
        let test = |condition: &Condition| match condition {
            Condition::Contains { text, .. } => Expression::FunctionCall(
                Function::Contains,
                vec![
                    lower_case(value.clone()),
                    Expression::Literal(Literal::new_simple_literal(text.to_lowercase())),
                ],
            ),
            Condition::Matches { pattern, .. } => Expression::FunctionCall(
                Function::Regex,
                vec![
                    Expression::FunctionCall(Function::Str, vec![value.clone()]),
                    Expression::Literal(Literal::new_simple_literal(pattern.clone())),
                    Expression::Literal(Literal::new_simple_literal("i")),
                ],
            ),
            _ => unreachable!("text_tests takes contains and matches only"),
        };
        if let Some(any) = tests
            .iter()
            .map(|t| test(t))
            .reduce(|a, b| Expression::Or(Box::new(a), Box::new(b)))
        {
            group.filters.push(any);
        }
    }

    /// `left op right` between two fields (SEMANTICS.md R9). Entities and concepts compare
    /// as IRIs unless `text` (then by label, in lower case, like text). `=` joins the two
    /// sides; `!=` against a path reads "not among its values": the right path's beginning
    /// is walked here (shared with the rest of the scope), its last step under `NOT EXISTS`.
    /// Order operators compare some value with some value.
    #[allow(clippy::too_many_arguments)]
    fn compare_values(
        &mut self,
        left: &Operand,
        op: CompareOp,
        right: &Operand,
        text: bool,
        this: &Variable,
        group: &mut Group,
        shared: &mut Scope,
    ) {
        let node = |o: &Operand| {
            !text
                && matches!(
                    o,
                    Operand::Path(Path {
                        kind: ValueKind::Entity(_) | ValueKind::Concept(_),
                        ..
                    })
                )
        };
        let prepared = |v: Variable| {
            if text {
                lower_case(Expression::Variable(v))
            } else {
                Expression::Variable(v)
            }
        };
        let by_iri = node(right);
        let x = match left {
            Operand::Path(path) if node(left) => match self.walk(path, this, group, shared, None) {
                TermPattern::Variable(v) => v,
                _ => unreachable!("walk ends in a variable unless given a constant"),
            },
            other => self.operand(other, this, group, shared),
        };
        match (op, right) {
            (CompareOp::Ne, Operand::Path(path)) if !path.steps.is_empty() => {
                let (last, prefix) = path.steps.split_last().expect("not empty");
                let from = self.walk_prefix(prefix, this, group, shared);
                let mut inner = Group::default();
                let one = Path {
                    steps: vec![last.clone()],
                    ..path.clone()
                };
                if by_iri {
                    self.walk(&one, &from, &mut inner, &mut Scope::new(), Some(x.into()));
                } else {
                    let end = self.walk(&one, &from, &mut inner, &mut Scope::new(), None);
                    let y = self.readable(&one, end, &mut inner);
                    inner.filters.push(Expression::Equal(
                        Box::new(prepared(y)),
                        Box::new(prepared(x)),
                    ));
                }
                group
                    .filters
                    .push(Expression::Not(Box::new(Expression::Exists(Box::new(
                        inner.build(),
                    )))));
            }
            (CompareOp::Eq, Operand::Path(path)) if by_iri => {
                self.walk(path, this, group, shared, Some(x.into()));
            }
            _ => {
                let y = self.operand(right, this, group, shared);
                group.filters.push(compare(op, prepared(x), prepared(y)));
            }
        }
    }

    /// Walks the steps that begin a path, every one shared with the scope (unlike `walk`,
    /// which never shares a path's last step); returns the node reached (`from` for none).
    fn walk_prefix(
        &mut self,
        steps: &[ir::Step],
        from: &Variable,
        group: &mut Group,
        shared: &mut Scope,
    ) -> Variable {
        if steps.is_empty() {
            return from.clone();
        }
        let path = Path {
            steps: steps.to_vec(),
            kind: ValueKind::Resource,
            precision: None,
            single: false,
            name: String::new(),
        };
        // The last of these steps is shared too: walk it as the beginning of a longer path.
        let key: String = steps.iter().map(step_key).collect();
        if let Some(v) = shared.get(&key) {
            // Already reached: the triples that lead to it are in the scope.
            return v.clone();
        }
        let end = self.walk(&path, from, group, shared, None);
        let TermPattern::Variable(v) = end else {
            unreachable!("walk ends in a variable unless given a constant")
        };
        shared.insert(key, v.clone());
        v
    }

    /// The variable of an operand's readable value, added to `group`.
    fn operand(
        &mut self,
        operand: &Operand,
        this: &Variable,
        group: &mut Group,
        shared: &mut Scope,
    ) -> Variable {
        match operand {
            Operand::Path(path) => {
                let end = self.walk(path, this, group, shared, None);
                self.readable(path, end, group)
            }
            Operand::Call(func, args) => {
                let values: Vec<Expression> = args
                    .iter()
                    .map(|a| match a {
                        Arg::Path(a) => {
                            let end = self.walk(a, this, group, shared, None);
                            Expression::Variable(self.readable(a, end, group))
                        }
                        Arg::Date { date, .. } => Expression::Literal(date.clone()),
                    })
                    .collect();
                let result = self.fresh();
                group
                    .elements
                    .push(Element::Bind(call(*func, values), result.clone()));
                result
            }
        }
    }

    /// A shown date inside its own OPTIONAL, with the precision of the date (bound when the
    /// data gives one); returns the variables of both.
    fn optional_dated(
        &mut self,
        path: &Path,
        this: &Variable,
        main: &mut Group,
    ) -> (Variable, Variable) {
        let mut inner = Group::default();
        let (subject, end) = self.walk_to_last(path, this, &mut inner, &mut Scope::new());
        let TermPattern::Variable(value) = end else {
            unreachable!("walk ends in a variable unless given a constant")
        };
        let precision = self.fresh();
        let mut known = Group::default();
        if let Some(property) = &path.precision {
            known.triple(subject, property.clone(), precision.clone().into());
        }
        inner.elements.push(Element::Optional(known.build()));
        main.elements.push(Element::Optional(inner.build()));
        (value, precision)
    }

    /// A shown operand inside its own OPTIONAL; returns its variable.
    fn optional_operand(
        &mut self,
        operand: &Operand,
        this: &Variable,
        main: &mut Group,
    ) -> Variable {
        let mut inner = Group::default();
        let value = match operand {
            Operand::Path(path) => {
                let end = self.walk(path, this, &mut inner, &mut Scope::new(), None);
                self.readable(path, end, &mut inner)
            }
            Operand::Call(func, args) => {
                let value = self.fresh();
                self.optional_call(*func, args, this, main, value.clone());
                return value;
            }
        };
        main.elements.push(Element::Optional(inner.build()));
        value
    }

    /// A function of dates shown or grouped by: its arguments inside one OPTIONAL (they share
    /// the beginnings of their paths, R3), its value bound to `target` after it.
    fn optional_call(
        &mut self,
        func: Func,
        args: &[Arg],
        this: &Variable,
        main: &mut Group,
        target: Variable,
    ) {
        let mut inner = Group::default();
        let mut shared = Scope::new();
        let values: Vec<Expression> = args
            .iter()
            .map(|a| match a {
                Arg::Path(a) => {
                    let end = self.walk(a, this, &mut inner, &mut shared, None);
                    Expression::Variable(self.readable(a, end, &mut inner))
                }
                Arg::Date { date, .. } => Expression::Literal(date.clone()),
            })
            .collect();
        // Virtuoso fails the whole query on YEAR() of an unbound value, where SPARQL leaves
        // the result unbound; it does so for a BIND inside the OPTIONAL too, and in a
        // sub-select. What it answers: the BIND after the OPTIONAL, the function called only
        // on bound dates and otherwise a variable nothing binds (unbound, on every engine).
        let bound = values
            .iter()
            .filter_map(|v| match v {
                Expression::Variable(v) => Some(Expression::Bound(v.clone())),
                _ => None,
            })
            .reduce(|a, b| Expression::And(Box::new(a), Box::new(b)));
        let value = match bound {
            Some(bound) => Expression::If(
                Box::new(bound),
                Box::new(call(func, values)),
                Box::new(Expression::Variable(self.fresh())),
            ),
            None => call(func, values),
        };
        main.elements.push(Element::Optional(inner.build()));
        main.elements.push(Element::Bind(value, target));
    }

    /// A group key: the operand's readable value, bound to `target`.
    fn optional_operand_into(
        &mut self,
        operand: &Operand,
        this: &Variable,
        main: &mut Group,
        target: Variable,
    ) {
        let mut inner = Group::default();
        match operand {
            Operand::Path(path)
                if !matches!(path.kind, ValueKind::Entity(_) | ValueKind::Concept(_)) =>
            {
                self.walk(
                    path,
                    this,
                    &mut inner,
                    &mut Scope::new(),
                    Some(target.into()),
                );
                main.elements.push(Element::Optional(inner.build()));
            }
            Operand::Path(path) => {
                let end = self.walk(path, this, &mut inner, &mut Scope::new(), None);
                let TermPattern::Variable(v) = end else {
                    unreachable!()
                };
                inner.triple(v.into(), rdfs::LABEL.into_owned(), target.into());
                main.elements.push(Element::Optional(inner.build()));
            }
            Operand::Call(func, args) => self.optional_call(*func, args, this, main, target),
        }
    }

    /// The value an aggregate runs over: entities themselves for count, values otherwise.
    fn optional_aggregated(
        &mut self,
        operand: &Operand,
        this: &Variable,
        main: &mut Group,
        agg: Agg,
    ) -> Variable {
        if let (Operand::Path(path), Agg::Count) = (operand, agg) {
            let mut inner = Group::default();
            let end = self.walk(path, this, &mut inner, &mut Scope::new(), None);
            main.elements.push(Element::Optional(inner.build()));
            let TermPattern::Variable(v) = end else {
                unreachable!()
            };
            return v;
        }
        self.optional_operand(operand, this, main)
    }
}

/// `p is A or p is B or ...` on one path as the single condition `p is one of A, B, ...`: one
/// `VALUES` join where each alternative would be an `EXISTS` test run for every entity of the
/// class. They mean the same: some value of `p` is among the alternatives.
fn alternatives_on_one_path(parts: &[Condition]) -> Option<Condition> {
    let mut one_path: Option<&Path> = None;
    let mut all: Vec<NamedNode> = Vec::new();
    for part in parts {
        let Condition::OneOf { path, iris } = part else {
            return None;
        };
        if one_path.is_some_and(|p| p != path) {
            return None;
        }
        one_path = Some(path);
        for iri in iris {
            if !all.contains(iri) {
                all.push(iri.clone());
            }
        }
    }
    Some(Condition::OneOf {
        path: one_path?.clone(),
        iris: all,
    })
}

/// The sort key of a shown column: a value shown as text sorts by its string. Virtuoso sorts
/// stored long labels out of code-point order ("Movement/Army" before
/// "Movement-in-Opposition"), but not their `STR()`.
fn sort_key(shown: &ColumnValue, key: Expression) -> Expression {
    if matches!(shown, ColumnValue::Value(operand) if operand.shows_text()) {
        Expression::FunctionCall(Function::Str, vec![key])
    } else {
        key
    }
}

/// Whether a condition should lead the choice of entities, with the class tested on what it
/// finds: `with P`, a path followed repeatedly to a named end (`supersedes+ = "Minsk
/// Protocol"`), and text tests (`name = "..."`, `contains`, `matches`). Given the pattern
/// `?__this a C`, Oxigraph starts from it (two fixed terms) and looks the condition up entity
/// by entity; led by the condition it reads the condition's values once, in order, and tests
/// the class of the few that pass. CPU time at a million triples (docs/scale.md): gallery 07
/// 0.46 s -> 0.02 s, 08 0.46 -> 0.02, 16 0.98 -> 0.36, 11 (its first statement) 0.78 -> 0.22,
/// 09 2.47 -> 2.19. After comparisons and named values it gained little or lost (gallery 15's
/// count +20 %, 22 +6 %, 06 +4 %), so those keep the class as a pattern.
fn leads_the_class(condition: &Condition) -> bool {
    match condition {
        Condition::And(parts) => parts.iter().any(leads_the_class),
        Condition::Or(parts) => text_tests_on_one_path(parts).is_some(),
        Condition::Exists { .. } | Condition::Contains { .. } | Condition::Matches { .. } => true,
        Condition::OneOf { path, .. } => path.steps.iter().any(|s| s.repeat != Repeat::Once),
        Condition::Compare { text, .. } => *text,
        _ => false,
    }
}

/// The parts of a condition joined by `and` at its top (the condition itself otherwise).
fn conjuncts(condition: &Condition) -> Vec<&Condition> {
    match condition {
        Condition::And(parts) => parts.iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

/// Whether a condition names the values it wants (`guarantor = Britain`, `outcome in (...)`,
/// `reciprocal = true`), which leaves few entities to test.
fn names_a_value(condition: &Condition) -> bool {
    match condition {
        Condition::OneOf { .. } => true,
        Condition::Compare {
            op: CompareOp::Eq,
            right,
            text: false,
            ..
        } => right.datatype() == xsd::BOOLEAN,
        Condition::And(parts) => parts.iter().any(names_a_value),
        _ => false,
    }
}

/// Whether a condition matches each entity at most once: a path to one value that is
/// single-valued or one step (`guarantor = Britain` is one triple pattern with a fixed object,
/// which a graph holds once). Others (`with guarantee`, a path of several steps with several
/// values, `one of`) give a row per match, which the `DISTINCT` of
/// [`Builder::select_entities`] folds before the fields are read.
fn one_row_each(condition: &Condition) -> bool {
    match condition {
        Condition::OneOf { path, iris } => iris.len() == 1 && one_value_once(path),
        Condition::Exists { path } => path.single,
        Condition::Compare {
            left: Operand::Path(path),
            op: CompareOp::Eq,
            right,
            text: false,
        } if right.datatype() == xsd::BOOLEAN => one_value_once(path),
        Condition::And(parts) => parts.iter().all(one_row_each),
        _ => false,
    }
}

/// Whether a path to one fixed value matches each entity at most once: when every step is
/// single-valued, or when it is one step (a triple pattern with a fixed object, which a graph
/// holds once).
fn one_value_once(path: &Path) -> bool {
    path.single || matches!(path.steps.as_slice(), [step] if step.repeat == Repeat::Once)
}

/// The path of `or` operands that are all `contains` or `matches` tests of it: some value
/// passes one of the tests exactly when one value passes some test, so one walk of the path
/// with the tests joined by `||` means what an `EXISTS` test per operand does.
fn text_tests_on_one_path(parts: &[Condition]) -> Option<&Path> {
    let mut one_path: Option<&Path> = None;
    for part in parts {
        let (Condition::Contains { path, .. } | Condition::Matches { path, .. }) = part else {
            return None;
        };
        if one_path.is_some_and(|p| p != path) {
            return None;
        }
        one_path = Some(path);
    }
    one_path
}

/// The key under which a scope shares the node a step reaches (with the steps before it).
fn step_key(step: &ir::Step) -> String {
    format!("{}{}{:?}/", step.predicate, step.inverse, step.repeat)
}

fn lower_case(value: Expression) -> Expression {
    Expression::FunctionCall(
        Function::LCase,
        vec![Expression::FunctionCall(Function::Str, vec![value])],
    )
}

fn compare(op: CompareOp, left: Expression, right: Expression) -> Expression {
    // Virtuoso 7.2 finds nothing for `?d <= "1945-09-02"^^xsd:date` (while `<`, `>`, `>=`
    // and `=` work): say "not after" instead, which is the same test in SPARQL's logic, a
    // type error included (NOT of an error is an error).
    let date = matches!(&right, Expression::Literal(l) if l.datatype() == xsd::DATE);
    if op == CompareOp::Le && date {
        return Expression::Not(Box::new(Expression::Greater(
            Box::new(left),
            Box::new(right),
        )));
    }
    let (l, r) = (Box::new(left), Box::new(right));
    match op {
        CompareOp::Eq => Expression::Equal(l, r),
        CompareOp::Ne => Expression::Not(Box::new(Expression::Equal(l, r))),
        CompareOp::Lt => Expression::Less(l, r),
        CompareOp::Le => Expression::LessOrEqual(l, r),
        CompareOp::Gt => Expression::Greater(l, r),
        CompareOp::Ge => Expression::GreaterOrEqual(l, r),
    }
}

/// `(e)` in the printed SPARQL. spargebra prints arithmetic without parentheses, so an
/// operation nested under one of higher precedence would read differently when printed;
/// a one-argument COALESCE is the identity and prints its argument in parentheses.
fn parenthesised(e: Expression) -> Expression {
    Expression::Coalesce(vec![e])
}

fn integer(n: i64) -> Expression {
    Expression::Literal(Literal::from(n))
}

fn year(e: Expression) -> Expression {
    Expression::FunctionCall(Function::Year, vec![e])
}

/// The derived values, in SPARQL every engine evaluates alike: no date arithmetic, and no
/// division of integers (Virtuoso truncates `7 / 2` to `3` where SPARQL says `3.5`), so
/// years are divided by a decimal and the floor cast back to an integer.
fn call(func: Func, mut args: Vec<Expression>) -> Expression {
    let whole = |e| {
        Expression::FunctionCall(
            Function::Custom(xsd::INTEGER.into_owned()),
            vec![Expression::FunctionCall(Function::Floor, vec![e])],
        )
    };
    let decimal = |text: &str| Expression::Literal(Literal::new_typed_literal(text, xsd::DECIMAL));
    let first = args.remove(0);
    match func {
        Func::Year => year(first),
        Func::Decade => Expression::Multiply(
            Box::new(whole(Expression::Divide(
                Box::new(year(first)),
                Box::new(decimal("10.0")),
            ))),
            Box::new(integer(10)),
        ),
        Func::Century => Expression::Add(
            Box::new(whole(Expression::Divide(
                Box::new(parenthesised(Expression::Subtract(
                    Box::new(year(first)),
                    Box::new(integer(1)),
                ))),
                Box::new(decimal("100.0")),
            ))),
            Box::new(integer(1)),
        ),
        Func::Years => {
            // Whole years: the difference of the years, less one if the anniversary
            // had not come yet.
            let second = args.remove(0);
            let month = |e: &Expression| Expression::FunctionCall(Function::Month, vec![e.clone()]);
            let day = |e: &Expression| Expression::FunctionCall(Function::Day, vec![e.clone()]);
            let before = Expression::Or(
                Box::new(Expression::Less(
                    Box::new(month(&second)),
                    Box::new(month(&first)),
                )),
                Box::new(Expression::And(
                    Box::new(Expression::Equal(
                        Box::new(month(&second)),
                        Box::new(month(&first)),
                    )),
                    Box::new(Expression::Less(
                        Box::new(day(&second)),
                        Box::new(day(&first)),
                    )),
                )),
            );
            Expression::Subtract(
                Box::new(Expression::Subtract(
                    Box::new(year(second.clone())),
                    Box::new(year(first.clone())),
                )),
                Box::new(Expression::If(
                    Box::new(before),
                    Box::new(integer(1)),
                    Box::new(integer(0)),
                )),
            )
        }
    }
}
