//! Resolution: every word of a query is checked against the schema and the store's names, and
//! the query becomes an [`ir::Query`]. Fields become predicates (`paths.rs`), names become
//! IRIs and years and dates typed bounds (`values.rs`), conditions are typed by what they
//! compare (`conditions.rs`); this file forms the columns, groups, `having` and the order.
//! Errors point at the word and suggest the nearest names.

mod conditions;
mod paths;
mod values;

use std::collections::HashMap;

use oxigraph::model::Literal;
use oxigraph::model::vocab::xsd;

use super::ir::{self, Agg, Arg, Column, ColumnValue, Condition, Having, Operand, Order, Shape};
use crate::lang::ast::{self, Clause, Expr, Repeat, Span};
use crate::lang::diagnostic::Diagnostic;
use crate::schema::{EntitySet, NameIndex, Schema};

/// Resolves one query (with any `let` it names already expanded) against the schema, the
/// store's names and the bound parameters.
pub fn resolve(
    query: &ast::Query,
    schema: &Schema,
    names: &NameIndex,
    params: &HashMap<String, String>,
    today: &str,
) -> Result<ir::Query, Diagnostic> {
    let set = schema.set(&query.source.node).ok_or_else(|| {
        let nouns = schema.nouns();
        let d = Diagnostic::new(
            query.source.span,
            format!("there is no entity set called `{}`", query.source.node),
        )
        .with_label("unknown entity set");
        match nearest(&query.source.node, &nouns) {
            Some(n) => d.with_help(format!("did you mean `{n}`?")),
            None => d.with_help(format!("the entity sets are: {}", nouns.join(", "))),
        }
    })?;
    Resolver {
        schema,
        names,
        params,
        today,
        set,
    }
    .query(query)
}

/// What one query is resolved against.
struct Resolver<'a> {
    schema: &'a Schema,
    names: &'a NameIndex,
    params: &'a HashMap<String, String>,
    /// The date `today()` stands for (`YYYY-MM-DD`).
    today: &'a str,
    /// The entity set the query is about: paths start from it.
    set: &'a EntitySet,
}

/// The `show` clause: `distinct`, and its items.
type Show<'q> = Option<(bool, &'q Vec<ast::Item>)>;

impl Resolver<'_> {
    fn query(&self, query: &ast::Query) -> Result<ir::Query, Diagnostic> {
        let set = self.set;
        let mut conditions = Vec::new();
        let mut show: Show<'_> = None;
        let mut by: Option<&Vec<Expr>> = None;
        let mut having_ast = Vec::new();
        let mut order_ast: Option<&Vec<ast::OrderKey>> = None;
        let (mut limit, mut offset) = (None, None);
        for clause in &query.clauses {
            match clause {
                Clause::Where(c) => conditions.push(self.condition(c)?),
                Clause::With(p) => conditions.push(Condition::Exists {
                    path: self.path(p)?,
                }),
                Clause::Without(p) => {
                    conditions.push(Condition::Not(Box::new(Condition::Exists {
                        path: self.path(p)?,
                    })))
                }
                Clause::Show {
                    distinct, items, ..
                } => show = Some((*distinct, items)),
                Clause::By { keys, .. } => by = Some(keys),
                Clause::Having(c) => having_ast.push(c),
                Clause::OrderBy { keys, .. } => order_ast = Some(keys),
                Clause::Limit(n) => limit = Some(n.node),
                Clause::Offset(n) => offset = Some(n.node),
            }
        }

        let grouped = query.count.is_some()
            || by.is_some()
            || show.is_some_and(|(_, items)| items.iter().any(|i| is_aggregate(&i.expr)));
        let (mut columns, shape) = if grouped {
            self.grouped_columns(query, show, by)?
        } else {
            self.columns(query, show)?
        };
        dedupe_names(&mut columns);

        let mut having = Vec::new();
        for condition in having_ast {
            having.push(self.having(condition, &columns, show)?);
        }
        let mut order = Vec::new();
        match order_ast {
            Some(keys) => {
                for key in keys {
                    let column = self.column_of(&key.expr, &columns, show)?;
                    // A column sorted again later cannot change the order: keep the first
                    // (Virtuoso repeats groups when a sort key is repeated under `limit`).
                    if !order.iter().any(|o: &Order| o.column == column) {
                        order.push(Order {
                            column,
                            descending: key.descending,
                        });
                    }
                }
            }
            None => {
                if shape == Shape::Entities
                    && let Some(field) = &set.default_order
                    && let Some(i) = columns.iter().position(|c| &c.name == field)
                {
                    order.push(Order {
                        column: i,
                        descending: false,
                    });
                }
            }
        }
        // Every other column breaks ties, so the order is always the same.
        for i in 0..columns.len() {
            if !order.iter().any(|o| o.column == i) {
                order.push(Order {
                    column: i,
                    descending: false,
                });
            }
        }
        Ok(ir::Query {
            class: set.class.clone(),
            conditions,
            shape,
            columns,
            having,
            order,
            limit,
            offset,
        })
    }

    /// The columns of a query with one row per group: the keys (`by`, else the shown items
    /// that are not aggregates), then the aggregates (`count`'s own, or the shown ones).
    fn grouped_columns(
        &self,
        query: &ast::Query,
        show: Show<'_>,
        by: Option<&Vec<Expr>>,
    ) -> Result<(Vec<Column>, Shape), Diagnostic> {
        let mut columns = Vec::new();
        let keys: Vec<&Expr> = match (by, show) {
            (Some(keys), _) => keys.iter().collect(),
            (None, Some((_, items))) => items
                .iter()
                .map(|i| &i.expr)
                .filter(|e| !is_aggregate(e))
                .collect(),
            (None, None) => Vec::new(),
        };
        for key in &keys {
            let value = self.operand(key)?;
            columns.push(Column {
                name: alias_of(show, key).unwrap_or_else(|| operand_name(&value)),
                value: ColumnValue::Value(value),
            });
        }
        let shape = Shape::Grouped { keys: keys.len() };
        // `count` adds its column unless `show` names the aggregates itself.
        let show_has_aggregates =
            show.is_some_and(|(_, items)| items.iter().any(|i| is_aggregate(&i.expr)));
        if query.count.is_some() && !show_has_aggregates {
            columns.push(Column {
                name: "count".into(),
                value: ColumnValue::Aggregate {
                    agg: Agg::Count,
                    distinct: true,
                    arg: None,
                },
            });
        }
        if let Some((_, items)) = show {
            for item in items.iter().filter(|i| is_aggregate(&i.expr)) {
                let value = self.aggregate(&item.expr)?;
                let name = match &item.alias {
                    Some(a) => alias(a)?,
                    None => aggregate_name(&item.expr),
                };
                columns.push(Column { name, value });
            }
            // Items that are neither keys nor aggregates cannot be shown per group.
            if let Some(keys) = by {
                for item in items.iter().filter(|i| !is_aggregate(&i.expr)) {
                    if !keys.iter().any(|k| same_expr(k, &item.expr)) {
                        return Err(Diagnostic::new(
                            item.expr.span(),
                            "this column is neither a group key nor an aggregate",
                        )
                        .with_label("not grouped")
                        .with_help(
                            "add it to `by`, or wrap it in count(...), min(...) or max(...)",
                        ));
                    }
                }
            }
        }
        Ok((columns, shape))
    }

    /// The columns of a query with one row per entity (or per distinct combination): the
    /// shown items, else the set's default fields.
    fn columns(
        &self,
        query: &ast::Query,
        show: Show<'_>,
    ) -> Result<(Vec<Column>, Shape), Diagnostic> {
        type Items<'i> = Vec<(Expr, Option<&'i ast::Spanned<String>>)>;
        let (distinct, items): (bool, Items<'_>) = match show {
            Some((distinct, items)) => (
                distinct,
                items
                    .iter()
                    .map(|i| (i.expr.clone(), i.alias.as_ref()))
                    .collect(),
            ),
            None => (
                false,
                self.set
                    .default_fields
                    .iter()
                    .map(|f| (field_expr(f, query.source.span), None))
                    .collect(),
            ),
        };
        let mut columns = Vec::new();
        for (expr, alias_name) in &items {
            let value = self.operand(expr)?;
            let name = match alias_name {
                Some(a) => alias(a)?,
                None => operand_name(&value),
            };
            columns.push(Column {
                name,
                value: ColumnValue::Value(value),
            });
        }
        let shape = if distinct {
            Shape::Distinct
        } else {
            Shape::Entities
        };
        Ok((columns, shape))
    }

    /// The column an `order by` or `having` key refers to: a shown column's name, alias or
    /// expression.
    fn column_of(
        &self,
        expr: &Expr,
        columns: &[Column],
        show: Show<'_>,
    ) -> Result<usize, Diagnostic> {
        let text = expr_text(expr);
        if let Some(i) = columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(&text))
        {
            return Ok(i);
        }
        if let Some((_, items)) = show
            && let Some(i) = items.iter().position(|item| same_expr(&item.expr, expr))
        {
            // Aggregates come after the keys in grouped queries; find by name instead.
            let name = match &items[i].alias {
                Some(a) => a.node.clone(),
                None if is_aggregate(&items[i].expr) => aggregate_name(&items[i].expr),
                None => text.clone(),
            };
            if let Some(j) = columns.iter().position(|c| c.name == name) {
                return Ok(j);
            }
        }
        let shown: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        Err(
            Diagnostic::new(expr.span(), format!("`{text}` is not a shown column"))
                .with_label("order and having refer to shown columns")
                .with_help(format!("the columns are: {}", shown.join(", "))),
        )
    }

    fn having(
        &self,
        condition: &ast::Condition,
        columns: &[Column],
        show: Show<'_>,
    ) -> Result<Having, Diagnostic> {
        let ast::Condition::Compare { left, op, right } = condition else {
            return Err(Diagnostic::new(
                condition.span(),
                "`having` takes one comparison of a column with a number",
            )
            .with_help("for example: having count > 3"));
        };
        let column = self.column_of(left, columns, show)?;
        let value = match right {
            Expr::Integer(n) => Literal::from(n.node),
            Expr::Decimal(d) => Literal::new_typed_literal(d.node.clone(), xsd::DECIMAL),
            other => {
                return Err(Diagnostic::new(other.span(), "expected a number")
                    .with_label("`having` compares a column with a number"));
            }
        };
        Ok(Having {
            column,
            op: op.node,
            value,
        })
    }
}

fn alias_of(show: Show<'_>, key: &Expr) -> Option<String> {
    let (_, items) = show?;
    items
        .iter()
        .find(|i| same_expr(&i.expr, key))
        .and_then(|i| i.alias.as_ref())
        .map(|a| a.node.clone())
}

fn alias(alias: &ast::Spanned<String>) -> Result<String, Diagnostic> {
    if alias.node.starts_with('_') {
        return Err(
            Diagnostic::new(alias.span, "a column name may not start with `_`")
                .with_label("reserved"),
        );
    }
    Ok(alias.node.clone())
}

fn agg_of(name: &str) -> Option<Agg> {
    Some(match name {
        "count" => Agg::Count,
        "min" => Agg::Min,
        "max" => Agg::Max,
        "sum" => Agg::Sum,
        "avg" => Agg::Avg,
        _ => return None,
    })
}

fn is_aggregate(expr: &Expr) -> bool {
    matches!(expr, Expr::Call { function, .. } if agg_of(&function.node.to_lowercase()).is_some())
}

fn field_expr(name: &str, span: Span) -> Expr {
    Expr::Path(ast::Path {
        steps: vec![ast::Step {
            field: ast::Spanned::new(name.to_owned(), span),
            repeat: Repeat::Once,
        }],
        span,
    })
}

/// How an expression reads, for matching `order by` keys with columns.
fn expr_text(expr: &Expr) -> String {
    match expr {
        Expr::Path(p) => p
            .steps
            .iter()
            .map(|s| s.field.node.to_lowercase())
            .collect::<Vec<_>>()
            .join("_"),
        Expr::Call {
            function,
            args,
            star,
            ..
        } => {
            let inner: Vec<String> = args.iter().map(expr_text).collect();
            let inner = if *star {
                "*".to_owned()
            } else {
                inner.join("_")
            };
            format!("{}_{inner}", function.node.to_lowercase())
        }
        Expr::Text(t) => t.node.clone(),
        Expr::Param(p) => p.node.clone(),
        other => format!("{:?}", other.span()),
    }
}

fn same_expr(a: &Expr, b: &Expr) -> bool {
    expr_text(a) == expr_text(b)
}

pub(super) fn operand_name(operand: &Operand) -> String {
    match operand {
        Operand::Path(p) => p.name.clone(),
        Operand::Call(func, args) => {
            let args: Vec<String> = args.iter().map(Arg::name).collect();
            format!("{}_{}", func.name(), args.join("_"))
        }
    }
}

fn aggregate_name(expr: &Expr) -> String {
    match expr {
        Expr::Call {
            function,
            star: true,
            ..
        } => function.node.to_lowercase(),
        Expr::Call { args, .. } if args.is_empty() => "count".into(),
        other => expr_text(other),
    }
}

/// Column names must be unique: `name`, `name_2`...
fn dedupe_names(columns: &mut [Column]) {
    for i in 1..columns.len() {
        let mut n = 2;
        let base = columns[i].name.clone();
        while columns[..i].iter().any(|c| c.name == columns[i].name) {
            columns[i].name = format!("{base}_{n}");
            n += 1;
        }
    }
}

/// The closest of `options` to `word`, if close enough to be a likely typo.
fn nearest<'o>(word: &str, options: &'o [String]) -> Option<&'o str> {
    crate::suggest::nearest(
        word,
        options.iter().map(String::as_str),
        crate::suggest::LIKELY,
    )
}
