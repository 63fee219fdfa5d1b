//! The TQL syntax tree. Every node carries the `Span` of the text it came from, so that errors
//! found in any later stage point at the user's words.

use std::fmt;

/// A byte range in the source text, with the line and column (from 1) of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// Line of `start`, from 1.
    pub line: u32,
    /// Column of `start` in characters, from 1.
    pub column: u32,
}

impl Span {
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        if other.end <= self.start {
            return other.to(self);
        }
        Span {
            start: self.start,
            end: other.end.max(self.end),
            line: self.line,
            column: self.column,
        }
    }
}

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Self { node, span }
    }
}

/// A whole TQL text: statements separated by `;`.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `let NAME = QUERY`: a named query for later statements.
    Let {
        name: Spanned<String>,
        query: Query,
        span: Span,
    },
    /// A query whose rows are shown.
    Query(Query),
    /// `survival of SET ...` or `rate of SET ...`: a statistic computed from rows that
    /// compiled queries fetch (docs/analysis.md).
    Analysis(Box<Analysis>),
    /// `sparql "..."`: raw SPARQL passed through as it is.
    Sparql {
        /// The SPARQL, with the span of the string that holds it.
        text: Spanned<String>,
        /// The whole statement, from the `sparql` keyword to the closing quote.
        span: Span,
    },
}

impl Statement {
    /// Where the statement is written, from its first word to its last.
    pub fn span(&self) -> Span {
        match self {
            Statement::Let { span, .. } | Statement::Sparql { span, .. } => *span,
            Statement::Query(query) => query.span,
            Statement::Analysis(analysis) => analysis.span,
        }
    }

    /// The statement as written in `source`, the text it was parsed from.
    pub fn source<'t>(&self, source: &'t str) -> &'t str {
        let span = self.span();
        source.get(span.start..span.end).unwrap_or_default().trim()
    }
}

/// `survival of SET [filters] [by GROUP]`,
/// `rate of SET [filters] meeting CONDITION [within N years] [by GROUP]` or
/// `analogues of TARGET [filters] [top K] [weights (...)]` (its set is `guarantees`).
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Which statistic.
    pub kind: AnalysisKind,
    /// The entity set (`settlements`, `guarantees`) or a `let` name.
    pub source: Spanned<String>,
    /// `where`, `with` and `without` clauses choosing the entities.
    pub filters: Vec<Clause>,
    /// How the entities are split into groups, if they are.
    pub group: Option<Grouping>,
    pub span: Span,
}

/// The statistic an [`Analysis`] asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum AnalysisKind {
    /// Kaplan-Meier per group, log-rank test across groups.
    Survival,
    /// The share meeting a condition, with its Wilson interval; with `within`, the share whose
    /// coded ending meets it within that many years of the start.
    Rate {
        meeting: Box<Condition>,
        within: Option<Spanned<f64>>,
    },
    /// Past guarantees ranked by similarity to a target, with the outcomes of the closest.
    Analogues {
        target: Target,
        /// `top K`: how many analogues to show and summarise.
        top: Option<Spanned<u64>>,
        /// `weights (NAME N, ...)`: weights of features, by name.
        weights: Vec<(Spanned<String>, Spanned<f64>)>,
    },
}

/// What `analogues of` compares with: a guarantee by name, or one described feature by feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `analogues of "Name"` or `analogues of $parameter`: a text or a parameter.
    Named(Expr),
    /// `analogues of (mechanism neutrality, guarantor_count 5, ...)`
    Described(Vec<(Spanned<String>, Expr)>),
}

/// `by EXPR` (a group per value) or `by whether CONDITION` (two groups: it holds, or not).
#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    Value(Expr),
    Whether(Box<Condition>),
}

/// `[count] SOURCE clause*`
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// `count settlements ...`: count the rows (per group with `by`).
    pub count: Option<Span>,
    /// The entity set (`settlements`) or a `let` name.
    pub source: Spanned<String>,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

/// The clauses that may follow the source, in any order (each at most once, except `where`,
/// `with` and `without`, which combine with `and`).
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `where CONDITION`
    Where(Condition),
    /// `with PATH`: keep entities that have a value for the path.
    With(Path),
    /// `without PATH`: keep entities that have no value for the path.
    Without(Path),
    /// `show [distinct] ITEM, ...`
    Show {
        distinct: bool,
        items: Vec<Item>,
        span: Span,
    },
    /// `by EXPR, ...` (group by)
    By { keys: Vec<Expr>, span: Span },
    /// `having CONDITION` (filter on groups)
    Having(Condition),
    /// `order by KEY [asc|desc], ...`
    OrderBy { keys: Vec<OrderKey>, span: Span },
    /// `limit N`
    Limit(Spanned<u64>),
    /// `offset N`
    Offset(Spanned<u64>),
}

/// A shown column: an expression and an optional `as NAME`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub expr: Expr,
    pub alias: Option<Spanned<String>>,
}

/// An ordering key.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderKey {
    pub expr: Expr,
    pub descending: bool,
}

/// A boolean condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>, Span),
    /// `EXPR op EXPR`
    Compare {
        left: Expr,
        op: Spanned<CompareOp>,
        right: Expr,
    },
    /// `EXPR between LOW and HIGH` (inclusive)
    Between {
        expr: Expr,
        low: Expr,
        high: Expr,
        span: Span,
    },
    /// `EXPR in (VALUE, ...)`
    In {
        expr: Expr,
        values: Vec<Expr>,
        span: Span,
    },
    /// `EXPR contains "text"` (case-insensitive)
    Contains {
        expr: Expr,
        text: Expr,
        span: Span,
    },
    /// `EXPR matches "regex"` (case-insensitive)
    Matches {
        expr: Expr,
        pattern: Expr,
        span: Span,
    },
    /// `PATH is CONCEPT` (including narrower concepts)
    Is {
        path: Path,
        concept: Expr,
        span: Span,
    },
    /// `with PATH` / `without PATH` inside a condition
    Exists {
        path: Path,
        negated: bool,
        span: Span,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// Whether `left OP right` holds between two numbers (a report's `#@assert` checks).
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CompareOp::Eq => left == right,
            CompareOp::Ne => left != right,
            CompareOp::Lt => left < right,
            CompareOp::Le => left <= right,
            CompareOp::Gt => left > right,
            CompareOp::Ge => left >= right,
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        })
    }
}

/// A value-producing expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A field path (`signed`, `guarantee.outcome`, `supersedes+`). A one-word path on the
    /// value side of a comparison (`guarantor = Britain`) is read as a name by the resolver.
    Path(Path),
    /// A quoted string: text, or the name of an entity where a field expects one.
    Text(Spanned<String>),
    /// An integer (a year, where a date is expected).
    Integer(Spanned<i64>),
    /// A decimal number.
    Decimal(Spanned<String>),
    /// A date written `YYYY-MM` or `YYYY-MM-DD`.
    Date(Spanned<DateLit>),
    /// `true` or `false`
    Boolean(Spanned<bool>),
    /// `$name`: bound from the command line or the REPL.
    Param(Spanned<String>),
    /// `NAME including predecessors`: an actor and every actor it continues.
    WithPredecessors(Box<Expr>, Span),
    /// `name(ARG, ...)`: year, decade, century, years, count, min, max, sum, avg.
    Call {
        function: Spanned<String>,
        distinct: bool,
        args: Vec<Expr>,
        /// `count(*)`
        star: bool,
        span: Span,
    },
}

/// A date literal; `month` and `day` are absent when not written.
pub use super::date::DateLit;

/// A dotted path of fields: `guarantee.guarantor.name`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub steps: Vec<Step>,
    pub span: Span,
}

/// One step of a path, with its repetition: `supersedes+` (one or more), `predecessor*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub field: Spanned<String>,
    pub repeat: Repeat,
}

/// How often a step is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    Once,
    OneOrMore,
    ZeroOrMore,
}

impl Expr {
    /// Where the expression was written.
    pub fn span(&self) -> Span {
        match self {
            Expr::Path(p) => p.span,
            Expr::Text(s) | Expr::Param(s) | Expr::Decimal(s) => s.span,
            Expr::Integer(i) => i.span,
            Expr::Date(d) => d.span,
            Expr::Boolean(b) => b.span,
            Expr::WithPredecessors(_, span) | Expr::Call { span, .. } => *span,
        }
    }
}

impl Condition {
    /// Where the condition was written (from its first word to its last).
    pub fn span(&self) -> Span {
        match self {
            Condition::And(a, b) | Condition::Or(a, b) => a.span().to(b.span()),
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
}
