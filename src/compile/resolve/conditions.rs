//! Conditions: `and`, `or` and `not` kept as they are written, each comparison typed by what
//! its left side is (an entity or concept is compared by name, a date with the days a year or
//! date stands for, text in lower case), and alternatives on one path merged into one test.

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode};

use super::{Resolver, operand_name};
use crate::compile::ir::{Condition, Operand, Path};
use crate::lang::ast::{self, CompareOp, Expr, Span};
use crate::lang::diagnostic::Diagnostic;
use crate::schema::ValueKind;

impl Resolver<'_> {
    pub(super) fn condition(&self, condition: &ast::Condition) -> Result<Condition, Diagnostic> {
        use ast::Condition as C;
        Ok(match condition {
            C::And(a, b) => Condition::And(vec![self.condition(a)?, self.condition(b)?]),
            C::Or(a, b) => any(vec![self.condition(a)?, self.condition(b)?]),
            C::Not(c, _) => Condition::Not(Box::new(self.condition(c)?)),
            C::Exists { path, negated, .. } => {
                let exists = Condition::Exists {
                    path: self.path(path)?,
                };
                if *negated {
                    Condition::Not(Box::new(exists))
                } else {
                    exists
                }
            }
            C::Compare { left, op, right } => {
                let operand = self.operand(left)?;
                self.compare(operand, op.node, right)?
            }
            C::Between {
                expr, low, high, ..
            } => {
                let operand = self.operand(expr)?;
                range(
                    self.compare(operand.clone(), CompareOp::Ge, low)?,
                    self.compare(operand, CompareOp::Le, high)?,
                )
            }
            C::In { expr, values, .. } => {
                let operand = self.operand(expr)?;
                let mut alternatives = Vec::new();
                for value in values {
                    alternatives.push(self.compare(operand.clone(), CompareOp::Eq, value)?);
                }
                // `x in (a, b)` is one test of one value when its alternatives merge into one
                // (names): an atom that shares its path's beginning with the conjunction
                // around it, like `x = a` (R1).
                match any(alternatives) {
                    Condition::Or(mut parts) if parts.len() == 1 => parts.remove(0),
                    other => other,
                }
            }
            C::Contains { expr, text, .. } => Condition::Contains {
                path: self.text_path(expr)?,
                text: self.text_value(text)?,
            },
            C::Matches { expr, pattern, .. } => Condition::Matches {
                path: self.text_path(expr)?,
                pattern: self.text_value(pattern)?,
            },
            C::Is { path, concept, .. } => {
                let path = self.path(path)?;
                self.compare_value(Operand::Path(path), CompareOp::Eq, concept)?
            }
        })
    }

    fn text_path(&self, expr: &Expr) -> Result<Path, Diagnostic> {
        match self.operand(expr)? {
            Operand::Path(p) => Ok(p),
            Operand::Call(..) => Err(Diagnostic::new(expr.span(), "expected a field with text")),
        }
    }

    /// `operand op value` or `operand op field`.
    fn compare(&self, left: Operand, op: CompareOp, value: &Expr) -> Result<Condition, Diagnostic> {
        match self.field_operand(value)? {
            Some(right) => self.compare_fields(left, op, right, value.span()),
            None => self.compare_value(left, op, value),
        }
    }

    /// The right side of a comparison as a field of the entity set, when it is one: a path of
    /// several steps or with `+`/`*`, a function call, or a single word that names a field of
    /// the set. A single word that is no field stays a value (a name, or text).
    fn field_operand(&self, value: &Expr) -> Result<Option<Operand>, Diagnostic> {
        match value {
            Expr::Path(p)
                if p.steps.len() == 1
                    && p.steps[0].repeat == ast::Repeat::Once
                    && self
                        .schema
                        .field(self.set, &p.steps[0].field.node)
                        .is_none() =>
            {
                Ok(None)
            }
            // `today()` is a value: the date the query is compiled on.
            Expr::Call { function, .. } if function.node.eq_ignore_ascii_case("today") => Ok(None),
            Expr::Path(_) | Expr::Call { .. } => self.operand(value).map(Some),
            _ => Ok(None),
        }
    }

    /// `FIELD op FIELD` of any kind both sides share (an entity or concept also compares with
    /// text, by its label). SEMANTICS.md R9.
    fn compare_fields(
        &self,
        left: Operand,
        op: CompareOp,
        right: Operand,
        span: Span,
    ) -> Result<Condition, Diagnostic> {
        let kind = |o: &Operand| match o {
            Operand::Path(p) => p.kind.clone(),
            Operand::Call(..) => ValueKind::Number,
        };
        let (lk, rk) = (kind(&left), kind(&right));
        let family = |k: &ValueKind| match k {
            ValueKind::Entity(_) | ValueKind::Concept(_) => "entity",
            ValueKind::Text | ValueKind::Resource => "text",
            ValueKind::Number => "number",
            ValueKind::Date => "date",
            ValueKind::Boolean => "true or false",
        };
        let (lf, rf) = (family(&lk), family(&rk));
        let by_label = matches!((lf, rf), ("entity", "text") | ("text", "entity"));
        if lf != rf && !by_label {
            let describe = |o: &Operand, f: &str| format!("`{}` ({f})", operand_name(o));
            return Err(Diagnostic::new(
                span,
                format!(
                    "cannot compare {} with {}",
                    describe(&left, lf),
                    describe(&right, rf)
                ),
            )
            .with_label("a field of another kind"));
        }
        let iris = lf == "entity" && rf == "entity" && matches!(op, CompareOp::Eq | CompareOp::Ne);
        Ok(Condition::CompareValues {
            left,
            op,
            right,
            text: !iris && (lf == "text" || lf == "entity" || rf == "text"),
        })
    }

    /// `operand op value`, typed by the operand's kind.
    fn compare_value(
        &self,
        left: Operand,
        op: CompareOp,
        value: &Expr,
    ) -> Result<Condition, Diagnostic> {
        let kind = match &left {
            Operand::Path(p) => p.kind.clone(),
            Operand::Call(..) => ValueKind::Number,
        };
        // Against a value, `!=` is `not` of `=` for every kind (SEMANTICS.md R2): `name !=
        // "x"` holds when no name is "x" (also when there is none), as `party != Britain`
        // does.
        if op == CompareOp::Ne
            && matches!(
                kind,
                ValueKind::Number | ValueKind::Boolean | ValueKind::Text | ValueKind::Resource
            )
        {
            return Ok(Condition::Not(Box::new(self.compare_value(
                left,
                CompareOp::Eq,
                value,
            )?)));
        }
        match kind {
            ValueKind::Entity(_) | ValueKind::Concept(_) => {
                let Operand::Path(path) = left else {
                    unreachable!("calls are numbers")
                };
                self.compare_entity(path, op, value)
            }
            ValueKind::Date => self.compare_date(left, op, value),
            ValueKind::Number => Ok(Condition::Compare {
                left,
                op,
                right: self.number(value)?,
                text: false,
            }),
            ValueKind::Boolean => {
                let b = match value {
                    Expr::Boolean(b) => b.node,
                    other => {
                        return Err(Diagnostic::new(other.span(), "expected true or false"));
                    }
                };
                Ok(Condition::Compare {
                    left,
                    op,
                    right: Literal::from(b),
                    text: false,
                })
            }
            ValueKind::Text | ValueKind::Resource => Ok(Condition::Compare {
                left,
                op,
                right: Literal::new_simple_literal(self.text(value)?.to_lowercase()),
                text: true,
            }),
        }
    }

    /// A path compared with a name: one of the entities the name stands for (with its
    /// predecessors, or a concept with its narrower concepts).
    fn compare_entity(
        &self,
        path: Path,
        op: CompareOp,
        value: &Expr,
    ) -> Result<Condition, Diagnostic> {
        let named = self.named(&path.kind, value)?;
        let iris = if named.predecessors {
            self.predecessor_field(named.span)?;
            self.schema.with_predecessors(&named.iri)
        } else if matches!(op, CompareOp::Eq | CompareOp::Ne)
            && matches!(path.kind, ValueKind::Concept(_))
        {
            self.schema.with_narrower(&named.iri)
        } else {
            vec![named.iri]
        };
        let positive = Condition::OneOf { path, iris };
        match op {
            CompareOp::Eq => Ok(positive),
            CompareOp::Ne => Ok(Condition::Not(Box::new(positive))),
            other => Err(
                Diagnostic::new(named.span, format!("`{other}` does not apply to names"))
                    .with_help("compare names with = or !="),
            ),
        }
    }

    fn predecessor_field(&self, span: Span) -> Result<NamedNode, Diagnostic> {
        crate::schema::lineage_field(&self.schema.fields)
            .map(|f| f.predicate.clone())
            .ok_or_else(|| {
                Diagnostic::new(
                    span,
                    "this dataset has no `continues` or `predecessor` field",
                )
            })
    }

    /// A date compared with another date field, or with a year or date: `<` before its first
    /// day, `>` after its last, `=` within it.
    fn compare_date(
        &self,
        left: Operand,
        op: CompareOp,
        value: &Expr,
    ) -> Result<Condition, Diagnostic> {
        let (low, high) = self.date_bounds(value)?;
        let cmp = |op, d: String| Condition::Compare {
            left: left.clone(),
            op,
            right: Literal::new_typed_literal(d, xsd::DATE),
            text: false,
        };
        Ok(match op {
            CompareOp::Lt => cmp(CompareOp::Lt, low),
            CompareOp::Le => cmp(CompareOp::Le, high),
            CompareOp::Gt => cmp(CompareOp::Gt, high),
            CompareOp::Ge => cmp(CompareOp::Ge, low),
            CompareOp::Eq => range(cmp(CompareOp::Ge, low), cmp(CompareOp::Le, high)),
            CompareOp::Ne => Condition::Not(Box::new(range(
                cmp(CompareOp::Ge, low),
                cmp(CompareOp::Le, high),
            ))),
        })
    }
}

/// Alternatives, flattened, with the tests of one path merged into one test of several
/// values (`outcome in (violated, lapsed)`, `mechanism is a or mechanism is b`, `guarantor =
/// Russia including predecessors or guarantor = Britain`): one test instead of an `||` of
/// `EXISTS`, which Virtuoso 7 sometimes evaluates wrongly.
fn any(alternatives: Vec<Condition>) -> Condition {
    let mut merged: Vec<Condition> = Vec::new();
    for alternative in alternatives {
        let parts = match alternative {
            Condition::Or(parts) => parts,
            other => vec![other],
        };
        for part in parts {
            if let Condition::OneOf { path, iris } = &part
                && let Some(Condition::OneOf { iris: existing, .. }) = merged
                    .iter_mut()
                    .find(|m| matches!(m, Condition::OneOf { path: p, .. } if p == path))
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
    Condition::Or(merged)
}

/// `low <= x and x <= high` on one operand, as one test of one value (SEMANTICS.md R1: the
/// last step of a path is never shared, so two comparisons could each hold for a different
/// value). Other pairs stay a conjunction.
fn range(low: Condition, high: Condition) -> Condition {
    match (low, high) {
        (
            Condition::Compare {
                left,
                op: CompareOp::Ge,
                right: low,
                text,
            },
            Condition::Compare {
                left: left2,
                op: CompareOp::Le,
                right: high,
                text: text2,
            },
        ) if left == left2 && text == text2 => Condition::Range {
            left,
            low,
            high,
            text,
        },
        (low, high) => Condition::And(vec![low, high]),
    }
}
