//! Fields and paths: each step's field found in the schema for what the step before leads to
//! (an entity set, a concept, any other value), and the values shown or compared: paths,
//! functions of dates (`year(signed)`), aggregates (`count(...)`).

use super::{Resolver, agg_of, nearest};
use oxigraph::model::Literal;
use oxigraph::model::vocab::xsd;

use crate::compile::ir::{Agg, Arg, ColumnValue, Func, Operand, Path, Step};
use crate::lang::ast::{self, Expr, Repeat};
use crate::lang::diagnostic::Diagnostic;
use crate::lang::grammar;
use crate::schema::{EntitySet, Field, ValueKind};
use crate::vocab::SKOS_CONCEPT;

/// What a path step leads to: the fields available next.
#[derive(Clone, Copy)]
enum Context<'a> {
    Set(&'a EntitySet),
    Concept,
    Other,
}

impl<'a> Resolver<'a> {
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

    /// A path from the query's entity set.
    pub(super) fn path(&self, path: &ast::Path) -> Result<Path, Diagnostic> {
        let mut context = Context::Set(self.set);
        let mut steps = Vec::new();
        let mut single = true;
        let mut kind = ValueKind::Resource;
        let mut names = Vec::new();
        let mut precision = None;
        for step in &path.steps {
            let field = self.field(context, &step.field)?;
            precision = field.precision.clone();
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
            steps.push(Step {
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
        Ok(Path {
            steps,
            kind,
            precision,
            single,
            name: names.join("_"),
        })
    }

    /// A value of the query's entity: a path, or a function of date paths.
    pub(super) fn operand(&self, expr: &Expr) -> Result<Operand, Diagnostic> {
        match expr {
            Expr::Path(p) => Ok(Operand::Path(self.path(p)?)),
            Expr::Call { function, args, .. } => {
                let func = match function.node.to_lowercase().as_str() {
                    "year" => Func::Year,
                    "decade" => Func::Decade,
                    "century" => Func::Century,
                    "years" => Func::Years,
                    "today" => {
                        return Err(Diagnostic::new(
                            function.span,
                            "`today()` is a date, not a value of the entity",
                        )
                        .with_help(
                            "use it where a date goes: `years(signed, today())`, `signed > today()`",
                        ));
                    }
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
                        .with_help(format!("the functions are {}", function_list())));
                    }
                };
                let arity = grammar::function(&function.node.to_lowercase()).map_or(1, |f| f.arity);
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
                let args = args
                    .iter()
                    .map(|arg| self.date_arg(arg))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Operand::Call(func, args))
            }
            other => Err(Diagnostic::new(other.span(), "expected a field")
                .with_label("a field such as `name` or `signed`")),
        }
    }

    /// An argument of a function of dates: a date field, a date written out, or `today()`.
    fn date_arg(&self, arg: &Expr) -> Result<Arg, Diagnostic> {
        let expected = || {
            Diagnostic::new(arg.span(), "expected a date").with_label(
                "a date field such as `signed`, a date such as `1914-07-28`, or `today()`",
            )
        };
        match arg {
            Expr::Path(p) => {
                let path = self.path(p)?;
                if path.kind != ValueKind::Date {
                    return Err(
                        Diagnostic::new(p.span, format!("`{}` is not a date", path.name))
                            .with_label("expected a date field"),
                    );
                }
                Ok(Arg::Path(path))
            }
            Expr::Date(date) => match (date.node.month, date.node.day) {
                (Some(_), Some(_)) => {
                    let text = crate::lang::date::bounds(date.node).0;
                    Ok(Arg::Date {
                        date: Literal::new_typed_literal(text.clone(), xsd::DATE),
                        written: text,
                    })
                }
                _ => Err(Diagnostic::new(date.span, "a date here needs its day")
                    .with_label("a month is not a day")
                    .with_help("write the full date, such as `1914-07-28`")),
            },
            Expr::Integer(year) => Err(Diagnostic::new(year.span, "a year is not a date here")
                .with_label("which day of the year?")
                .with_help(format!(
                    "write the full date, such as `{}-01-01`",
                    year.node
                ))),
            Expr::Call { function, args, .. } if function.node.eq_ignore_ascii_case("today") => {
                if let Some(extra) = args.first() {
                    return Err(Diagnostic::new(extra.span(), "`today()` takes no argument"));
                }
                Ok(Arg::Date {
                    date: Literal::new_typed_literal(self.today, xsd::DATE),
                    written: "today()".into(),
                })
            }
            _ => Err(expected()),
        }
    }

    /// A shown aggregate, `count(*)` or `name(distinct? operand)`. Only called on expressions
    /// `is_aggregate` accepts.
    pub(super) fn aggregate(&self, expr: &Expr) -> Result<ColumnValue, Diagnostic> {
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
        let arg = self.operand(&args[0])?;
        Ok(ColumnValue::Aggregate {
            agg,
            // `count(x)` counts each entity's values (R6); `count(distinct x)` distinct ones.
            distinct: *distinct,
            arg: Some(arg),
        })
    }
}

/// The functions' names, those of dates first, as the error for an unknown one lists them.
fn function_list() -> String {
    let (aggregates, of_dates): (Vec<&grammar::Function>, Vec<_>) =
        grammar::FUNCTIONS.iter().partition(|f| f.aggregate);
    let names: Vec<&str> = of_dates.iter().chain(&aggregates).map(|f| f.name).collect();
    names.join(", ")
}
