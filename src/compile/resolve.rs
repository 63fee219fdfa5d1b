//! Resolution: every word of a query is checked against the schema and the store's names.
//! Fields become predicates, entity names become IRIs, years and dates become typed date
//! bounds, parameters become values. Errors point at the word and suggest the nearest names.

use std::collections::HashMap;

use oxigraph::model::{Literal, NamedNode};

use crate::lang::ast::{self, Clause, CompareOp, Condition, DateLit, Expr, Repeat, Span};
use crate::lang::diagnostic::Diagnostic;
use crate::schema::{EntitySet, Field, NameIndex, Schema, ValueKind};

const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";
const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// A query with every name resolved.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub class: NamedNode,
    /// Conditions that all must hold.
    pub conditions: Vec<Cond>,
    pub shape: Shape,
    pub columns: Vec<Column>,
    /// Conditions on aggregate columns (column index, operator, value).
    pub having: Vec<(usize, CompareOp, Literal)>,
    /// Column index and descending?
    pub order: Vec<(usize, bool)>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// How rows are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One row per entity; multi-valued columns list their values.
    Entities,
    /// One row per distinct combination of values.
    Distinct,
    /// One row per group; the first `keys` columns are the group keys.
    Grouped { keys: usize },
}

/// A path of fields, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RPath {
    pub steps: Vec<RStep>,
    /// The kind of the last step's values.
    pub kind: ValueKind,
    /// True when every step is single-valued and followed once.
    pub single: bool,
    /// The path as the user wrote it, with `_` for `.`: a column name.
    pub name: String,
}

/// One resolved step.
#[derive(Debug, Clone, PartialEq)]
pub struct RStep {
    pub predicate: NamedNode,
    pub inverse: bool,
    pub repeat: Repeat,
}

/// A resolved condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// The path reaches one of these entities (or concepts).
    OneOf {
        path: RPath,
        iris: Vec<NamedNode>,
    },
    /// A comparison of two values of the same entity (`end < start`).
    CompareValues {
        left: Operand,
        op: CompareOp,
        right: Operand,
    },
    /// A comparison of the path's value (its label for entities) with a literal.
    Compare {
        left: Operand,
        op: CompareOp,
        right: Literal,
        /// Compare as lower-case text.
        text: bool,
    },
    /// Case-insensitive substring or regular expression on the value (label for entities).
    Contains {
        path: RPath,
        text: String,
    },
    Matches {
        path: RPath,
        pattern: String,
    },
    /// The path has a value.
    Exists {
        path: RPath,
    },
}

/// A value in a condition or a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(RPath),
    Call(Func, Vec<RPath>),
}

/// Derived values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Year,
    Decade,
    Century,
    /// Whole years from the first date to the second.
    Years,
}

/// Aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    Count,
    Min,
    Max,
    Sum,
    Avg,
}

/// A shown column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub value: ColumnValue,
}

/// What a column shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValue {
    Value(Operand),
    /// An aggregate over the rows of a group; `None` counts entities.
    Aggregate {
        agg: Agg,
        distinct: bool,
        arg: Option<Operand>,
    },
}

/// Resolves one query.
pub struct Resolver<'a> {
    schema: &'a Schema,
    names: &'a NameIndex,
    params: &'a HashMap<String, String>,
    /// The entity set of the query being resolved, for field-to-field comparisons.
    current: std::cell::Cell<Option<&'a EntitySet>>,
}

/// What a path step leads to: the fields available next.
#[derive(Clone, Copy)]
enum Context<'a> {
    Set(&'a EntitySet),
    Concept,
    Other,
}

impl<'a> Resolver<'a> {
    pub fn new(
        schema: &'a Schema,
        names: &'a NameIndex,
        params: &'a HashMap<String, String>,
    ) -> Self {
        Self {
            schema,
            names,
            params,
            current: std::cell::Cell::new(None),
        }
    }

    pub fn resolve(&self, query: &ast::Query) -> Result<Resolved, Diagnostic> {
        let set = self.schema.set(&query.source.node).ok_or_else(|| {
            let nouns = self.schema.nouns();
            let mut d = Diagnostic::new(
                query.source.span,
                format!("there is no entity set called `{}`", query.source.node),
            )
            .with_label("unknown entity set");
            d = match nearest(&query.source.node, &nouns) {
                Some(n) => d.with_help(format!("did you mean `{n}`?")),
                None => d.with_help(format!("the entity sets are: {}", nouns.join(", "))),
            };
            d
        })?;
        self.current.set(Some(set));
        let mut conditions = Vec::new();
        let mut show: Option<(bool, &Vec<ast::Item>)> = None;
        let mut by: Option<&Vec<Expr>> = None;
        let mut having_ast = Vec::new();
        let mut order_ast: Option<&Vec<ast::OrderKey>> = None;
        let (mut limit, mut offset) = (None, None);
        for clause in &query.clauses {
            match clause {
                Clause::Where(c) => conditions.push(self.condition(set, c)?),
                Clause::With(p) => conditions.push(Cond::Exists {
                    path: self.path(set, p)?,
                }),
                Clause::Without(p) => conditions.push(Cond::Not(Box::new(Cond::Exists {
                    path: self.path(set, p)?,
                }))),
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

        let mut columns = Vec::new();
        let shape;
        let grouped = query.count.is_some()
            || by.is_some()
            || show.is_some_and(|(_, items)| items.iter().any(|i| is_aggregate(&i.expr)));
        if grouped {
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
                let value = self.operand(set, key)?;
                columns.push(Column {
                    name: self
                        .alias_of(show, key)
                        .unwrap_or_else(|| operand_name(&value)),
                    value: ColumnValue::Value(value),
                });
            }
            shape = Shape::Grouped { keys: keys.len() };
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
                    let value = self.aggregate(set, &item.expr)?;
                    let name = match &item.alias {
                        Some(a) => self.alias(a)?,
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
        } else {
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
                    set.default_fields
                        .iter()
                        .map(|f| (field_expr(f, query.source.span), None))
                        .collect(),
                ),
            };
            for (expr, alias) in &items {
                let value = self.operand(set, expr)?;
                let name = match alias {
                    Some(a) => self.alias(a)?,
                    None => operand_name(&value),
                };
                columns.push(Column {
                    name,
                    value: ColumnValue::Value(value),
                });
            }
            shape = if distinct {
                Shape::Distinct
            } else {
                Shape::Entities
            };
        }
        dedupe_names(&mut columns);

        let mut having = Vec::new();
        for condition in having_ast {
            having.push(self.having(condition, &columns, show)?);
        }
        let mut order = Vec::new();
        match order_ast {
            Some(keys) => {
                for key in keys {
                    let index = self.column_of(&key.expr, &columns, show)?;
                    order.push((index, key.descending));
                }
            }
            None => {
                if shape == Shape::Entities
                    && let Some(field) = &set.default_order
                    && let Some(i) = columns.iter().position(|c| &c.name == field)
                {
                    order.push((i, false));
                }
            }
        }
        // Every other column breaks ties, so the order is always the same.
        for i in 0..columns.len() {
            if !order.iter().any(|(j, _)| *j == i) {
                order.push((i, false));
            }
        }
        Ok(Resolved {
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

    fn alias_of(&self, show: Option<(bool, &Vec<ast::Item>)>, key: &Expr) -> Option<String> {
        let (_, items) = show?;
        items
            .iter()
            .find(|i| same_expr(&i.expr, key))
            .and_then(|i| i.alias.as_ref())
            .map(|a| a.node.clone())
    }

    fn alias(&self, alias: &ast::Spanned<String>) -> Result<String, Diagnostic> {
        if alias.node.starts_with('_') {
            return Err(
                Diagnostic::new(alias.span, "a column name may not start with `_`")
                    .with_label("reserved"),
            );
        }
        Ok(alias.node.clone())
    }

    /// The column an `order by` or `having` key refers to: a shown column's name, alias or
    /// expression.
    fn column_of(
        &self,
        expr: &Expr,
        columns: &[Column],
        show: Option<(bool, &Vec<ast::Item>)>,
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
        condition: &Condition,
        columns: &[Column],
        show: Option<(bool, &Vec<ast::Item>)>,
    ) -> Result<(usize, CompareOp, Literal), Diagnostic> {
        let Condition::Compare { left, op, right } = condition else {
            return Err(Diagnostic::new(
                condition_span(condition),
                "`having` takes one comparison of a column with a number",
            )
            .with_help("for example: having count > 3"));
        };
        let index = self.column_of(left, columns, show)?;
        let value = match right {
            Expr::Integer(n) => Literal::from(n.node),
            Expr::Decimal(d) => Literal::new_typed_literal(
                d.node.clone(),
                NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#decimal"),
            ),
            other => {
                return Err(Diagnostic::new(other.span(), "expected a number")
                    .with_label("`having` compares a column with a number"));
            }
        };
        Ok((index, op.node, value))
    }

    fn field(
        &self,
        context: Context<'a>,
        name: &ast::Spanned<String>,
    ) -> Result<&'a Field, Diagnostic> {
        let found = match context {
            Context::Set(set) => self.schema.field(set, &name.node),
            Context::Concept => self.schema.fields.iter().find(|f| {
                f.name.eq_ignore_ascii_case(&name.node)
                    && f.domain.as_ref().is_none_or(|d| d.as_str() == SKOS_CONCEPT)
            }),
            Context::Other => self.schema.generic_field(&name.node),
        };
        found.ok_or_else(|| {
            let (available, what): (Vec<String>, String) = match context {
                Context::Set(set) => (
                    self.schema.fields_of(set).map(|f| f.name.clone()).collect(),
                    set.plural.clone(),
                ),
                _ => (
                    self.schema
                        .fields
                        .iter()
                        .filter(|f| f.domain.is_none())
                        .map(|f| f.name.clone())
                        .collect(),
                    "this value".into(),
                ),
            };
            let d = Diagnostic::new(name.span, format!("{what} have no field `{}`", name.node))
                .with_label("unknown field");
            match nearest(&name.node, &available) {
                Some(n) => d.with_help(format!("did you mean `{n}`?")),
                None => d.with_help(format!("the fields are: {}", available.join(", "))),
            }
        })
    }

    fn path(&self, set: &'a EntitySet, path: &ast::Path) -> Result<RPath, Diagnostic> {
        let mut context = Context::Set(set);
        let mut steps = Vec::new();
        let mut single = true;
        let mut kind = ValueKind::Resource;
        let mut names = Vec::new();
        for step in &path.steps {
            let field = self.field(context, &step.field)?;
            if step.repeat != Repeat::Once
                && !matches!(field.kind, ValueKind::Entity(_) | ValueKind::Concept(_))
            {
                return Err(Diagnostic::new(
                    step.field.span,
                    format!("`{}` cannot be repeated with + or *", field.name),
                )
                .with_label("its values are not entities"));
            }
            single &= field.single && step.repeat == Repeat::Once;
            steps.push(RStep {
                predicate: field.predicate.clone(),
                inverse: field.inverse,
                repeat: step.repeat,
            });
            names.push(field.name.clone());
            kind = field.kind.clone();
            context = match &field.kind {
                ValueKind::Entity(class) => match self.schema.set_of_class(class) {
                    Some(s) => Context::Set(s),
                    None => Context::Other,
                },
                ValueKind::Concept(_) => Context::Concept,
                _ => Context::Other,
            };
        }
        Ok(RPath {
            steps,
            kind,
            single,
            name: names.join("_"),
        })
    }

    fn operand(&self, set: &'a EntitySet, expr: &Expr) -> Result<Operand, Diagnostic> {
        match expr {
            Expr::Path(p) => Ok(Operand::Path(self.path(set, p)?)),
            Expr::Call { function, args, .. } => {
                let func = match function.node.to_lowercase().as_str() {
                    "year" => Func::Year,
                    "decade" => Func::Decade,
                    "century" => Func::Century,
                    "years" => Func::Years,
                    other if agg_of(other).is_some() => {
                        return Err(Diagnostic::new(
                            function.span,
                            format!("`{other}(...)` is an aggregate and cannot be used here"),
                        )
                        .with_help("use aggregates in `show`, with `by` for groups"));
                    }
                    other => {
                        return Err(Diagnostic::new(
                            function.span,
                            format!("there is no function `{other}`"),
                        )
                        .with_label("unknown function")
                        .with_help(
                            "the functions are year, decade, century, years, count, min, max, sum, avg",
                        ));
                    }
                };
                let arity = if func == Func::Years { 2 } else { 1 };
                if args.len() != arity {
                    return Err(Diagnostic::new(
                        function.span,
                        format!(
                            "`{}` takes {arity} date{}",
                            function.node,
                            if arity == 1 { "" } else { "s" }
                        ),
                    ));
                }
                let mut paths = Vec::new();
                for arg in args {
                    let Expr::Path(p) = arg else {
                        return Err(Diagnostic::new(arg.span(), "expected a date field")
                            .with_label("a field such as `signed`"));
                    };
                    let path = self.path(set, p)?;
                    if path.kind != ValueKind::Date {
                        return Err(Diagnostic::new(
                            p.span,
                            format!("`{}` is not a date", path.name),
                        )
                        .with_label("expected a date field"));
                    }
                    paths.push(path);
                }
                Ok(Operand::Call(func, paths))
            }
            other => Err(Diagnostic::new(other.span(), "expected a field")
                .with_label("a field such as `name` or `signed`")),
        }
    }

    fn aggregate(&self, set: &'a EntitySet, expr: &Expr) -> Result<ColumnValue, Diagnostic> {
        let Expr::Call {
            function,
            distinct,
            args,
            star,
            ..
        } = expr
        else {
            unreachable!("only called on aggregates");
        };
        let agg = agg_of(&function.node.to_lowercase()).expect("checked by is_aggregate");
        if *star || args.is_empty() {
            if agg != Agg::Count {
                return Err(Diagnostic::new(function.span, "only count takes `*`"));
            }
            return Ok(ColumnValue::Aggregate {
                agg,
                distinct: true,
                arg: None,
            });
        }
        if args.len() != 1 {
            return Err(Diagnostic::new(
                function.span,
                format!("`{}` takes one field", function.node),
            ));
        }
        let arg = self.operand(set, &args[0])?;
        Ok(ColumnValue::Aggregate {
            agg,
            // Rows multiply along multi-valued paths, so count distinct values.
            distinct: *distinct || agg == Agg::Count,
            arg: Some(arg),
        })
    }

    fn condition(&self, set: &'a EntitySet, condition: &Condition) -> Result<Cond, Diagnostic> {
        Ok(match condition {
            Condition::And(a, b) => {
                Cond::And(vec![self.condition(set, a)?, self.condition(set, b)?])
            }
            Condition::Or(a, b) => any(vec![self.condition(set, a)?, self.condition(set, b)?]),
            Condition::Not(c, _) => Cond::Not(Box::new(self.condition(set, c)?)),
            Condition::Exists { path, negated, .. } => {
                let exists = Cond::Exists {
                    path: self.path(set, path)?,
                };
                if *negated {
                    Cond::Not(Box::new(exists))
                } else {
                    exists
                }
            }
            Condition::Compare { left, op, right } => {
                let operand = self.operand(set, left)?;
                self.compare(operand, op.node, right)?
            }
            Condition::Between {
                expr, low, high, ..
            } => {
                let operand = self.operand(set, expr)?;
                Cond::And(vec![
                    self.compare(operand.clone(), CompareOp::Ge, low)?,
                    self.compare(operand, CompareOp::Le, high)?,
                ])
            }
            Condition::In { expr, values, .. } => {
                let operand = self.operand(set, expr)?;
                let mut alternatives = Vec::new();
                for value in values {
                    alternatives.push(self.compare(operand.clone(), CompareOp::Eq, value)?);
                }
                any(alternatives)
            }
            Condition::Contains { expr, text, .. } => Cond::Contains {
                path: self.text_path(set, expr)?,
                text: self.text_value(text)?,
            },
            Condition::Matches { expr, pattern, .. } => Cond::Matches {
                path: self.text_path(set, expr)?,
                pattern: self.text_value(pattern)?,
            },
            Condition::Is { path, concept, .. } => {
                let path = self.path(set, path)?;
                self.compare(Operand::Path(path), CompareOp::Eq, concept)?
            }
        })
    }

    fn text_path(&self, set: &'a EntitySet, expr: &Expr) -> Result<RPath, Diagnostic> {
        match self.operand(set, expr)? {
            Operand::Path(p) => Ok(p),
            Operand::Call(..) => Err(Diagnostic::new(expr.span(), "expected a field with text")),
        }
    }

    /// The text of a string or parameter.
    fn text_value(&self, expr: &Expr) -> Result<String, Diagnostic> {
        match expr {
            Expr::Text(t) => Ok(t.node.clone()),
            Expr::Param(p) => self.param(p),
            other => Err(Diagnostic::new(other.span(), "expected text in quotes")
                .with_label("for example \"London\"")),
        }
    }

    fn param(&self, p: &ast::Spanned<String>) -> Result<String, Diagnostic> {
        self.params.get(&p.node).cloned().ok_or_else(|| {
            Diagnostic::new(p.span, format!("no value for the parameter `${}`", p.node))
                .with_label("unbound parameter")
                .with_help(format!("pass --param {}=VALUE", p.node))
        })
    }

    /// `operand op value`, typed by the operand's kind.
    fn compare(&self, left: Operand, op: CompareOp, value: &Expr) -> Result<Cond, Diagnostic> {
        let kind = match &left {
            Operand::Path(p) => p.kind.clone(),
            Operand::Call(..) => ValueKind::Number,
        };
        match kind {
            ValueKind::Entity(_) | ValueKind::Concept(_) => {
                let Operand::Path(path) = left else {
                    unreachable!("calls are numbers")
                };
                self.compare_entity(path, op, value)
            }
            ValueKind::Date => self.compare_date(left, op, value),
            ValueKind::Number => {
                let literal = match value {
                    Expr::Integer(n) => Literal::from(n.node),
                    Expr::Decimal(d) => Literal::new_typed_literal(
                        d.node.clone(),
                        NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#decimal"),
                    ),
                    Expr::Param(p) => {
                        let text = self.param(p)?;
                        let n: i64 = text.parse().map_err(|_| {
                            Diagnostic::new(
                                p.span,
                                format!("`${}` is `{text}`, not a number", p.node),
                            )
                        })?;
                        Literal::from(n)
                    }
                    other => {
                        return Err(Diagnostic::new(other.span(), "expected a number"));
                    }
                };
                Ok(Cond::Compare {
                    left,
                    op,
                    right: literal,
                    text: false,
                })
            }
            ValueKind::Boolean => {
                let b = match value {
                    Expr::Boolean(b) => b.node,
                    other => {
                        return Err(Diagnostic::new(other.span(), "expected true or false"));
                    }
                };
                Ok(Cond::Compare {
                    left,
                    op,
                    right: Literal::from(b),
                    text: false,
                })
            }
            ValueKind::Text | ValueKind::Resource => {
                let text = match value {
                    Expr::Text(t) => t.node.clone(),
                    Expr::Param(p) => self.param(p)?,
                    Expr::Integer(n) => n.node.to_string(),
                    // A bare word where text is expected is that text (`name = Russia`).
                    Expr::Path(p) if p.steps.len() == 1 && p.steps[0].repeat == Repeat::Once => {
                        p.steps[0].field.node.clone()
                    }
                    other => {
                        return Err(Diagnostic::new(other.span(), "expected text in quotes")
                            .with_label("for example \"Vienna\""));
                    }
                };
                Ok(Cond::Compare {
                    left,
                    op,
                    right: Literal::new_simple_literal(text.to_lowercase()),
                    text: true,
                })
            }
        }
    }

    /// The other side of a field-to-field comparison, a field of the same entity set.
    fn value_operand(&self, value: &Expr) -> Result<Operand, Diagnostic> {
        let set = self
            .current
            .get()
            .ok_or_else(|| Diagnostic::new(value.span(), "expected a value"))?;
        let operand = self.operand(set, value)?;
        if let Operand::Path(p) = &operand
            && p.kind != ValueKind::Date
        {
            return Err(
                Diagnostic::new(value.span(), format!("`{}` is not a date", p.name))
                    .with_label("dates compare with dates"),
            );
        }
        Ok(operand)
    }

    fn compare_entity(&self, path: RPath, op: CompareOp, value: &Expr) -> Result<Cond, Diagnostic> {
        let (types, what, whats): (Vec<NamedNode>, String, String) = match &path.kind {
            ValueKind::Entity(class) => match self.schema.set_of_class(class) {
                Some(set) => (
                    vec![class.clone()],
                    set.singular.clone(),
                    set.plural.clone(),
                ),
                None => (vec![class.clone()], "entity".into(), "entities".into()),
            },
            ValueKind::Concept(Some(scheme)) => {
                (vec![scheme.clone()], "concept".into(), "concepts".into())
            }
            _ => (Vec::new(), "concept".into(), "concepts".into()),
        };
        let (inner, predecessors) = match value {
            Expr::WithPredecessors(inner, _) => (inner.as_ref(), true),
            other => (other, false),
        };
        let (name, span) = match inner {
            Expr::Text(t) => (t.node.clone(), t.span),
            Expr::Path(p) if p.steps.len() == 1 && p.steps[0].repeat == Repeat::Once => {
                (p.steps[0].field.node.clone(), p.span)
            }
            Expr::Param(p) => (self.param(p)?, p.span),
            other => {
                return Err(Diagnostic::new(
                    other.span(),
                    format!("expected the name of an {what}"),
                )
                .with_label("a name, in quotes if it has spaces"));
            }
        };
        let candidates = self.names.lookup(&name, &types);
        let iri = match candidates.as_slice() {
            [one] => one.iri.clone(),
            [] => {
                let near = self.names.nearest(&name, &types, 3);
                let d = Diagnostic::new(span, format!("no {what} is called `{name}`"))
                    .with_label(format!("unknown {what}"));
                return Err(if near.is_empty() {
                    d
                } else {
                    d.with_help(format!(
                        "did you mean {}?",
                        near.iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ))
                });
            }
            many => {
                let listed: Vec<String> = many
                    .iter()
                    .map(|c| format!("`{}` ({})", c.label, short_iri(&c.iri)))
                    .collect();
                return Err(Diagnostic::new(span, format!("`{name}` is ambiguous"))
                    .with_label(format!("{} {whats} have this name", many.len()))
                    .with_help(format!("write one of: {}", listed.join(", "))));
            }
        };
        let positive = if predecessors {
            self.predecessor_field(span)?;
            Cond::OneOf {
                path,
                iris: self.schema.with_predecessors(&iri),
            }
        } else if matches!(op, CompareOp::Eq | CompareOp::Ne)
            && matches!(path.kind, ValueKind::Concept(_))
        {
            Cond::OneOf {
                path,
                iris: self.schema.with_narrower(&iri),
            }
        } else {
            Cond::OneOf {
                path,
                iris: vec![iri],
            }
        };
        match op {
            CompareOp::Eq => Ok(positive),
            CompareOp::Ne => Ok(Cond::Not(Box::new(positive))),
            other => Err(
                Diagnostic::new(span, format!("`{other}` does not apply to names"))
                    .with_help("compare names with = or !="),
            ),
        }
    }

    fn predecessor_field(&self, span: Span) -> Result<NamedNode, Diagnostic> {
        self.schema
            .fields
            .iter()
            .find(|f| f.name == crate::schema::PREDECESSOR && !f.inverse)
            .map(|f| f.predicate.clone())
            .ok_or_else(|| Diagnostic::new(span, "this dataset has no `predecessor` field"))
    }

    fn compare_date(&self, left: Operand, op: CompareOp, value: &Expr) -> Result<Cond, Diagnostic> {
        if let Expr::Path(_) = value {
            return Ok(Cond::CompareValues {
                left,
                op,
                right: self.value_operand(value)?,
            });
        }
        let (low, high) = match value {
            Expr::Integer(n) => year_range(n.node, n.span)?,
            Expr::Date(d) => date_range(d.node),
            Expr::Param(p) => {
                let text = self.param(p)?;
                parse_date_text(&text).ok_or_else(|| {
                    Diagnostic::new(
                        p.span,
                        format!("`${}` is `{text}`, not a year or date", p.node),
                    )
                })?
            }
            other => {
                return Err(Diagnostic::new(other.span(), "expected a year or a date")
                    .with_label("for example 1815, 1815-06 or 1815-06-09"));
            }
        };
        let date = |d: String| Literal::new_typed_literal(d, NamedNode::new_unchecked(XSD_DATE));
        let cmp = |op, d: String| Cond::Compare {
            left: left.clone(),
            op,
            right: date(d),
            text: false,
        };
        Ok(match op {
            CompareOp::Lt => cmp(CompareOp::Lt, low),
            CompareOp::Le => cmp(CompareOp::Le, high),
            CompareOp::Gt => cmp(CompareOp::Gt, high),
            CompareOp::Ge => cmp(CompareOp::Ge, low),
            CompareOp::Eq => Cond::And(vec![cmp(CompareOp::Ge, low), cmp(CompareOp::Le, high)]),
            CompareOp::Ne => Cond::Not(Box::new(Cond::And(vec![
                cmp(CompareOp::Ge, low),
                cmp(CompareOp::Le, high),
            ]))),
        })
    }
}

fn year_range(year: i64, span: Span) -> Result<(String, String), Diagnostic> {
    if !(1..=9999).contains(&year) {
        return Err(Diagnostic::new(
            span,
            format!("{year} is not a year we can compare dates with"),
        )
        .with_help("write a year from 1 to 9999"));
    }
    Ok((format!("{year:04}-01-01"), format!("{year:04}-12-31")))
}

/// The first and last day a written date stands for.
fn date_range(d: DateLit) -> (String, String) {
    match (d.month, d.day) {
        (Some(m), Some(day)) => {
            let s = format!("{:04}-{m:02}-{day:02}", d.year);
            (s.clone(), s)
        }
        (Some(m), None) => (
            format!("{:04}-{m:02}-01", d.year),
            format!("{:04}-{m:02}-{:02}", d.year, days_in_month(d.year, m)),
        ),
        _ => (
            format!("{:04}-01-01", d.year),
            format!("{:04}-12-31", d.year),
        ),
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A parameter's text as a date: `1815`, `1815-06` or `1815-06-09`.
fn parse_date_text(text: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let year: i32 = parts.first()?.parse().ok()?;
    if !(1..=9999).contains(&year) {
        return None;
    }
    let month: Option<u8> = match parts.get(1) {
        Some(m) => Some(m.parse().ok().filter(|m| (1..=12).contains(m))?),
        None => None,
    };
    let day: Option<u8> = match (parts.get(2), month) {
        (Some(d), Some(m)) => Some(
            d.parse()
                .ok()
                .filter(|d| *d >= 1 && *d <= days_in_month(year, m))?,
        ),
        (Some(_), None) => return None,
        (None, _) => None,
    };
    if parts.len() > 3 {
        return None;
    }
    Some(date_range(DateLit { year, month, day }))
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

fn operand_name(operand: &Operand) -> String {
    match operand {
        Operand::Path(p) => p.name.clone(),
        Operand::Call(func, args) => {
            let f = match func {
                Func::Year => "year",
                Func::Decade => "decade",
                Func::Century => "century",
                Func::Years => "years",
            };
            let args: Vec<&str> = args.iter().map(|a| a.name.as_str()).collect();
            format!("{f}_{}", args.join("_"))
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

fn condition_span(condition: &Condition) -> Span {
    match condition {
        Condition::And(a, b) | Condition::Or(a, b) => condition_span(a).to(condition_span(b)),
        Condition::Not(_, span)
        | Condition::Between { span, .. }
        | Condition::In { span, .. }
        | Condition::Contains { span, .. }
        | Condition::Matches { span, .. }
        | Condition::Is { span, .. }
        | Condition::Exists { span, .. } => *span,
        Condition::Compare { left, right, .. } => left.span().to(right.span()),
    }
}

fn short_iri(iri: &NamedNode) -> String {
    crate::vocab::compact(iri.as_str()).unwrap_or_else(|| iri.as_str().to_owned())
}

/// The closest of `options` to `word`, if close enough to be a likely typo.
pub fn nearest(word: &str, options: &[String]) -> Option<String> {
    let word = word.to_lowercase();
    options
        .iter()
        .map(|o| (strsim::jaro_winkler(&word, &o.to_lowercase()), o))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o.clone())
}

/// Alternatives, flattened, with the tests of one path merged into one test of several
/// values (`outcome in (violated, lapsed)`, `mechanism is a or mechanism is b`, `guarantor =
/// Russia including predecessors or guarantor = Britain`): one test instead of an `||` of
/// `EXISTS`, which Virtuoso 7 sometimes evaluates wrongly.
fn any(alternatives: Vec<Cond>) -> Cond {
    let mut merged: Vec<Cond> = Vec::new();
    for alternative in alternatives {
        let parts = match alternative {
            Cond::Or(parts) => parts,
            other => vec![other],
        };
        for part in parts {
            if let Cond::OneOf { path, iris } = &part
                && let Some(Cond::OneOf { iris: existing, .. }) = merged
                    .iter_mut()
                    .find(|m| matches!(m, Cond::OneOf { path: p, .. } if p == path))
            {
                for iri in iris {
                    if !existing.contains(iri) {
                        existing.push(iri.clone());
                    }
                }
                continue;
            }
            merged.push(part);
        }
    }
    // Even when everything merged into one test, it stays an alternative: a filter of its
    // own (`EXISTS`), as an `or` always is, not a pattern that shares its path with the other
    // conditions (which would change the meaning, and multiply rows).
    Cond::Or(merged)
}
