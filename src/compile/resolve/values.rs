//! The values written in a query, read for what they are compared with: parameters, names of
//! entities and concepts (looked up in the store's names, with suggestions), years and dates
//! (the first and last day they stand for), numbers, booleans and text.

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode};

use super::Resolver;
use crate::lang::ast::{self, Expr, Repeat, Span};
use crate::lang::date;
use crate::lang::diagnostic::Diagnostic;
use crate::schema::ValueKind;

/// An entity or concept named in a query.
pub(super) struct Named {
    pub(super) iri: NamedNode,
    /// Where the name was written.
    pub(super) span: Span,
    /// `NAME including predecessors`.
    pub(super) predecessors: bool,
}

impl Resolver<'_> {
    /// A parameter's value.
    pub(super) fn param(&self, p: &ast::Spanned<String>) -> Result<String, Diagnostic> {
        self.params.get(&p.node).cloned().ok_or_else(|| {
            Diagnostic::new(p.span, format!("no value for the parameter `${}`", p.node))
                .with_label("unbound parameter")
                .with_help(format!("pass --param {}=VALUE", p.node))
        })
    }

    /// The text of a string or parameter (for `contains` and `matches`).
    pub(super) fn text_value(&self, expr: &Expr) -> Result<String, Diagnostic> {
        match expr {
            Expr::Text(t) => Ok(t.node.clone()),
            Expr::Param(p) => self.param(p),
            other => Err(Diagnostic::new(other.span(), "expected text in quotes")
                .with_label("for example \"London\"")),
        }
    }

    /// The text a text field is compared with. A bare word is that text (`name = Russia`).
    pub(super) fn text(&self, value: &Expr) -> Result<String, Diagnostic> {
        match value {
            Expr::Text(t) => Ok(t.node.clone()),
            Expr::Param(p) => self.param(p),
            Expr::Integer(n) => Ok(n.node.to_string()),
            Expr::Path(p) if p.steps.len() == 1 && p.steps[0].repeat == Repeat::Once => {
                Ok(p.steps[0].field.node.clone())
            }
            other => Err(Diagnostic::new(other.span(), "expected text in quotes")
                .with_label("for example \"Vienna\"")),
        }
    }

    /// The number a numeric field or function is compared with.
    pub(super) fn number(&self, value: &Expr) -> Result<Literal, Diagnostic> {
        match value {
            Expr::Integer(n) => Ok(Literal::from(n.node)),
            Expr::Decimal(d) => Ok(Literal::new_typed_literal(d.node.clone(), xsd::DECIMAL)),
            Expr::Param(p) => {
                let text = self.param(p)?;
                let n: i64 = text.parse().map_err(|_| {
                    Diagnostic::new(p.span, format!("`${}` is `{text}`, not a number", p.node))
                })?;
                Ok(Literal::from(n))
            }
            other => Err(Diagnostic::new(other.span(), "expected a number")),
        }
    }

    /// The first and last day a year, a date or a parameter stands for.
    pub(super) fn date_bounds(&self, value: &Expr) -> Result<(String, String), Diagnostic> {
        match value {
            Expr::Integer(n) => year_range(n.node, n.span),
            Expr::Date(d) => Ok(date::bounds(d.node)),
            Expr::Call { function, args, .. } if function.node.eq_ignore_ascii_case("today") => {
                if let Some(extra) = args.first() {
                    return Err(Diagnostic::new(extra.span(), "`today()` takes no argument"));
                }
                Ok((self.today.to_owned(), self.today.to_owned()))
            }
            Expr::Param(p) => {
                let text = self.param(p)?;
                parse_date_text(&text).ok_or_else(|| {
                    Diagnostic::new(
                        p.span,
                        format!("`${}` is `{text}`, not a year or date", p.node),
                    )
                })
            }
            other => Err(Diagnostic::new(other.span(), "expected a year or a date")
                .with_label("for example 1815, 1815-06, 1815-06-09 or today()")),
        }
    }

    /// The entity or concept a name stands for, among the values a path of this `kind` can
    /// reach: exactly one, or an error that suggests near names or lists the namesakes.
    pub(super) fn named(&self, kind: &ValueKind, value: &Expr) -> Result<Named, Diagnostic> {
        let (types, what, whats): (Vec<NamedNode>, String, String) = match kind {
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
        Ok(Named {
            iri,
            span,
            predecessors,
        })
    }
}

fn short_iri(iri: &NamedNode) -> String {
    crate::vocab::compact(iri.as_str()).unwrap_or_else(|| iri.as_str().to_owned())
}

fn year_range(year: i64, span: Span) -> Result<(String, String), Diagnostic> {
    if !date::YEARS.contains(&year) {
        return Err(Diagnostic::new(
            span,
            format!("{year} is not a year we can compare dates with"),
        )
        .with_help("write a year from 1 to 9999"));
    }
    Ok((format!("{year:04}-01-01"), format!("{year:04}-12-31")))
}

/// A parameter's text as a date: `1815`, `1815-06` or `1815-06-09`.
fn parse_date_text(text: &str) -> Option<(String, String)> {
    let d = date::parse(text.trim()).ok()?;
    date::YEARS
        .contains(&i64::from(d.year))
        .then(|| date::bounds(d))
}
