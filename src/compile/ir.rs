//! The resolved query: what `resolve` makes of a TQL query and what `lower` turns into SPARQL
//! algebra. Nothing here refers to the text any more: fields are predicates, names are IRIs,
//! values are typed literals, every column has its final name and the order is complete.
//!
//! `Display` prints a query compactly, one clause a line, IRIs with the display prefixes:
//!
//! ```text
//! from tr:Guarantee
//! where tr:guarantor = ta:united-kingdom
//!   and ^tr:guarantee/tr:signed >= 1815-01-01
//! show name = rdfs:label
//!      guarantor = tr:guarantor (list)
//! order by name, guarantor
//! ```
//!
//! Paths read like SPARQL property paths, from the entity the query is about: `/` between
//! steps, `^` for a field that is the inverse of a property, `+` and `*` for repeated steps.

use std::fmt;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode};

use crate::lang::ast::{CompareOp, Repeat};
use crate::schema::ValueKind;

/// A query with every name resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The class of the entities the query is about.
    pub class: NamedNode,
    /// Conditions that all must hold.
    pub conditions: Vec<Condition>,
    /// How rows are formed.
    pub shape: Shape,
    /// The columns, in order; in a grouped query the keys come first.
    pub columns: Vec<Column>,
    /// Conditions on aggregate columns.
    pub having: Vec<Having>,
    /// The sort keys: the ones asked for, then every other column, so the order is total.
    pub order: Vec<Order>,
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

/// A path of fields from the query's entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub steps: Vec<Step>,
    /// The kind of the last step's values.
    pub kind: ValueKind,
    /// For a date, the property of the last step's subject that says to what precision the
    /// date is known: shown columns show the date at that precision (`1673`, `1914-07`).
    pub precision: Option<NamedNode>,
    /// True when every step is single-valued and followed once.
    pub single: bool,
    /// The path as the user wrote it, with `_` for `.`: a column name.
    pub name: String,
}

/// One step of a path: a property, followed forwards or backwards, once or repeatedly.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub predicate: NamedNode,
    /// Followed from object to subject (the field is the inverse of `predicate`).
    pub inverse: bool,
    pub repeat: Repeat,
}

/// A condition on the query's entity.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// The path reaches one of these entities (or concepts).
    OneOf {
        path: Path,
        iris: Vec<NamedNode>,
    },
    /// A comparison of two values of the same entity (`end < start`, `guarantor !=
    /// settlement.party`; SEMANTICS.md R9). Entities and concepts compare as IRIs with `=`
    /// and `!=`, by label otherwise; `=` means "some value is among the right side's values",
    /// `!=` "some value is not among them".
    CompareValues {
        left: Operand,
        op: CompareOp,
        right: Operand,
        /// Compare as lower-case text (labels for entities and concepts).
        text: bool,
    },
    /// A comparison of the operand's value (its label for entities) with a literal.
    Compare {
        left: Operand,
        op: CompareOp,
        right: Literal,
        /// Compare as lower-case text.
        text: bool,
    },
    /// A value of the operand from `low` to `high`, both included: one value in the range
    /// (`between`, a date equal to a year), where two comparisons joined by `and` could each
    /// hold for a different value.
    Range {
        left: Operand,
        low: Literal,
        high: Literal,
        /// Compare as lower-case text.
        text: bool,
    },
    /// Case-insensitive substring test on the value (the label for entities).
    Contains {
        path: Path,
        text: String,
    },
    /// Case-insensitive regular expression test on the value (the label for entities).
    Matches {
        path: Path,
        pattern: String,
    },
    /// The path has a value.
    Exists {
        path: Path,
    },
}

/// A value in a condition or a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(Path),
    Call(Func, Vec<Arg>),
}

/// An argument of a function of dates: a date field, or a date written in the query
/// (`1914-07-28`, or `today()`, which the resolver turns into the date it compiles on).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Path(Path),
    Date {
        date: Literal,
        /// As written: `1914-07-28` or `today()`.
        written: String,
    },
}

impl Arg {
    /// The argument's path, if it is a field.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Arg::Path(path) => Some(path),
            Arg::Date { .. } => None,
        }
    }

    /// The argument's part of a column name: the path's, `today`, `1914_07_28`.
    pub fn name(&self) -> String {
        match self {
            Arg::Path(path) => path.name.clone(),
            Arg::Date { written, .. } => written
                .trim_end_matches("()")
                .replace('-', "_")
                .to_lowercase(),
        }
    }
}

/// Values derived from dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Year,
    Decade,
    Century,
    /// Whole years from the first date to the second.
    Years,
}

/// Aggregates over the rows of a group.
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
    /// An aggregate over the rows of a group; without an argument it counts entities.
    Aggregate {
        agg: Agg,
        distinct: bool,
        arg: Option<Operand>,
    },
}

/// `having`: an aggregate column compared with a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Having {
    /// Index into [`Query::columns`].
    pub column: usize,
    pub op: CompareOp,
    pub value: Literal,
}

/// One sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// Index into [`Query::columns`].
    pub column: usize,
    pub descending: bool,
}

impl Query {
    /// The columns that list several values in one cell: multi-valued columns of a query
    /// with one row per entity.
    pub fn lists(&self) -> Vec<String> {
        if self.shape != Shape::Entities {
            return Vec::new();
        }
        self.columns
            .iter()
            .filter(|c| matches!(&c.value, ColumnValue::Value(operand) if !operand.single()))
            .map(|c| c.name.clone())
            .collect()
    }
}

impl Query {
    /// For each aggregate that skips missing values (`sum`, `avg`, `min`, `max` of a grouped
    /// query), the hidden column that counts the entities it left out, and the column's name.
    /// `lower` projects these columns after the shown ones; the session takes them out of the
    /// answer and says what they count in a note (`super::take_skipped`).
    pub fn dated(&self) -> Vec<(String, String)> {
        self.dated_columns()
            .map(|(i, _)| {
                (
                    super::lower::precision_column(i),
                    self.columns[i].name.clone(),
                )
            })
            .collect()
    }

    /// The single-valued date columns of a query with one row per entity whose dates may be
    /// known to the year or month only: (index, path).
    pub(super) fn dated_columns(&self) -> impl Iterator<Item = (usize, &Path)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|_| self.shape == Shape::Entities)
            .filter_map(|(i, c)| match &c.value {
                ColumnValue::Value(Operand::Path(path))
                    if path.single && path.precision.is_some() =>
                {
                    Some((i, path))
                }
                _ => None,
            })
    }

    /// For each aggregate that skips missing values (every one but `count`, in a grouped
    /// query), the hidden column that counts the entities it left out, and the column's name.
    /// `lower` projects these columns after the shown ones; the session takes them out of the
    /// answer and says what they count in a note (`super::take_skipped`).
    pub fn skipped(&self) -> Vec<(String, String)> {
        if !matches!(self.shape, Shape::Grouped { .. }) {
            return Vec::new();
        }
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                matches!(&c.value, ColumnValue::Aggregate { agg, arg: Some(_), .. } if *agg != Agg::Count)
            })
            .map(|(i, c)| (super::lower::skipped_column(i), c.name.clone()))
            .collect()
    }
}

impl Operand {
    /// True when the operand's values show as text: texts, and entities and concepts by their
    /// labels.
    pub fn shows_text(&self) -> bool {
        matches!(
            self,
            Operand::Path(Path {
                kind: ValueKind::Text
                    | ValueKind::Entity(_)
                    | ValueKind::Concept(_)
                    | ValueKind::Resource,
                ..
            })
        )
    }

    /// True when the operand has at most one value per entity.
    pub fn single(&self) -> bool {
        match self {
            Operand::Path(path) => path.single,
            Operand::Call(_, args) => args.iter().filter_map(Arg::path).all(|a| a.single),
        }
    }

    /// The paths the operand walks, in the order written.
    pub fn paths(&self) -> Vec<&Path> {
        match self {
            Operand::Path(path) => vec![path],
            Operand::Call(_, args) => args.iter().filter_map(Arg::path).collect(),
        }
    }
}

impl Func {
    /// The function's name in TQL.
    pub fn name(self) -> &'static str {
        match self {
            Func::Year => "year",
            Func::Decade => "decade",
            Func::Century => "century",
            Func::Years => "years",
        }
    }
}

impl Agg {
    /// The aggregate's name in TQL.
    pub fn name(self) -> &'static str {
        match self {
            Agg::Count => "count",
            Agg::Min => "min",
            Agg::Max => "max",
            Agg::Sum => "sum",
            Agg::Avg => "avg",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Printing

/// An IRI with a display prefix when one covers it, else in angle brackets.
struct Iri<'a>(&'a NamedNode);

impl fmt::Display for Iri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::vocab::compact(self.0.as_str()) {
            Some(short) => f.write_str(&short),
            None => write!(f, "{}", self.0),
        }
    }
}

/// A literal as a reader writes it: numbers, dates and booleans bare, text in quotes.
struct Value<'a>(&'a Literal);

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let literal = self.0;
        let bare =
            [xsd::DATE, xsd::INTEGER, xsd::DECIMAL, xsd::BOOLEAN].contains(&literal.datatype());
        if bare {
            f.write_str(literal.value())
        } else if literal.datatype() == xsd::STRING || literal.language().is_some() {
            write!(f, "{literal}")
        } else {
            write!(
                f,
                "{}^^{}",
                Literal::new_simple_literal(literal.value()),
                Iri(&literal.datatype().into_owned())
            )
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return f.write_str("this");
        }
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            if step.inverse {
                f.write_str("^")?;
            }
            write!(f, "{}", Iri(&step.predicate))?;
            f.write_str(match step.repeat {
                Repeat::Once => "",
                Repeat::OneOrMore => "+",
                Repeat::ZeroOrMore => "*",
            })?;
        }
        Ok(())
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Path(path) => write!(f, "{path}"),
            Arg::Date { date, written } if written.ends_with("()") => {
                write!(f, "{written} = {}", date.value())
            }
            Arg::Date { date, .. } => f.write_str(date.value()),
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Path(path) => write!(f, "{path}"),
            Operand::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined = |f: &mut fmt::Formatter<'_>, parts: Vec<&Condition>, word: &str| {
            f.write_str("(")?;
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    write!(f, " {word} ")?;
                }
                write!(f, "{part}")?;
            }
            f.write_str(")")
        };
        match self {
            Condition::And(_) => joined(f, self.conjuncts(), "and"),
            Condition::Or(parts) => joined(f, parts.iter().collect(), "or"),
            Condition::Not(inner) => match inner.as_ref() {
                Condition::And(_) | Condition::Or(_) | Condition::Not(_) => {
                    write!(f, "not {inner}")
                }
                atom => write!(f, "not ({atom})"),
            },
            Condition::OneOf { path, iris } => match iris.as_slice() {
                [one] => write!(f, "{path} = {}", Iri(one)),
                many => {
                    write!(f, "{path} in (")?;
                    for (i, iri) in many.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{}", Iri(iri))?;
                    }
                    f.write_str(")")
                }
            },
            Condition::CompareValues {
                left,
                op,
                right,
                text: true,
            } => write!(f, "lcase({left}) {op} lcase({right})"),
            Condition::CompareValues {
                left, op, right, ..
            } => write!(f, "{left} {op} {right}"),
            Condition::Compare {
                left,
                op,
                right,
                text: true,
            } => write!(f, "lcase({left}) {op} {}", Value(right)),
            Condition::Compare {
                left, op, right, ..
            } => write!(f, "{left} {op} {}", Value(right)),
            Condition::Range {
                left,
                low,
                high,
                text,
            } => {
                if *text {
                    write!(f, "lcase({left})")?;
                } else {
                    write!(f, "{left}")?;
                }
                write!(f, " between {} and {}", Value(low), Value(high))
            }
            Condition::Contains { path, text } => {
                write!(f, "{path} contains {}", Literal::new_simple_literal(text))
            }
            Condition::Matches { path, pattern } => {
                write!(f, "{path} matches {}", Literal::new_simple_literal(pattern))
            }
            Condition::Exists { path } => write!(f, "exists {path}"),
        }
    }
}

impl Condition {
    /// The conditions that must all hold for this one to hold: the parts of nested `And`s,
    /// in order, or the condition itself.
    fn conjuncts(&self) -> Vec<&Condition> {
        match self {
            Condition::And(parts) => parts.iter().flat_map(Condition::conjuncts).collect(),
            other => vec![other],
        }
    }
}

impl fmt::Display for ColumnValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnValue::Value(operand) => write!(f, "{operand}"),
            ColumnValue::Aggregate { agg, distinct, arg } => {
                write!(f, "{}(", agg.name())?;
                if *distinct {
                    f.write_str("distinct ")?;
                }
                match arg {
                    Some(arg) => write!(f, "{arg})"),
                    None => f.write_str("this)"),
                }
            }
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "from {}", Iri(&self.class))?;
        // Conditions joined by `and` at the top are one list to `lower` (they share paths),
        // so they are printed as one: a line each.
        let conditions = self.conditions.iter().flat_map(Condition::conjuncts);
        for (i, condition) in conditions.enumerate() {
            let word = if i == 0 { "where" } else { "  and" };
            writeln!(f, "{word} {condition}")?;
        }
        // Columns one a line, under the first: `show a = ...` then `     b = ...`.
        let column = |f: &mut fmt::Formatter<'_>, head: &str, first: bool, c: &Column| {
            let lead = if first {
                head.to_owned()
            } else {
                " ".repeat(head.len())
            };
            let list = self.shape == Shape::Entities
                && matches!(&c.value, ColumnValue::Value(v) if !v.single());
            let list = if list { " (list)" } else { "" };
            writeln!(f, "{lead} {} = {}{list}", c.name, c.value)
        };
        let keys = match self.shape {
            Shape::Grouped { keys } => keys.min(self.columns.len()),
            _ => 0,
        };
        for (i, c) in self.columns[..keys].iter().enumerate() {
            column(f, "group by", i == 0, c)?;
        }
        let head = match self.shape {
            Shape::Distinct => "show distinct",
            _ => "show",
        };
        for (i, c) in self.columns[keys..].iter().enumerate() {
            column(f, head, i == 0, c)?;
        }
        for having in &self.having {
            let name = self
                .columns
                .get(having.column)
                .map_or("?", |c| c.name.as_str());
            writeln!(f, "having {name} {} {}", having.op, Value(&having.value))?;
        }
        if !self.order.is_empty() {
            let keys: Vec<String> = self
                .order
                .iter()
                .map(|o| {
                    let name = self.columns.get(o.column).map_or("?", |c| c.name.as_str());
                    if o.descending {
                        format!("{name} desc")
                    } else {
                        name.to_owned()
                    }
                })
                .collect();
            writeln!(f, "order by {}", keys.join(", "))?;
        }
        if let Some(limit) = self.limit {
            writeln!(f, "limit {limit}")?;
        }
        if let Some(offset) = self.offset {
            writeln!(f, "offset {offset}")?;
        }
        Ok(())
    }
}
