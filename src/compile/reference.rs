//! A reference evaluator of TQL's resolved form. **For tests only**: nothing in the binary
//! uses it.
//!
//! It reads every triple of a backend into plain maps and evaluates a resolved query by the
//! rules of TQL's meaning (R1-R9 below name them) directly, with nested
//! loops: backtracking over the nodes the paths of a conjunction share, fixpoints for `+` and
//! `*`, groups as maps. It is slow and obvious on purpose. The differential tests
//! (tests/reference.rs, tests/virtuoso.rs) run random queries through the compiler and a
//! backend and compare the rows with what this module computes.
//!
//! The rules (R1-R9, the meaning issue 13 settles for docs/language.md), in short:
//! - R1: the conditions of a conjunction are tested on one assignment of nodes to the prefixes
//!   (all steps but the last) their paths share; last steps are each path's own. Each clause
//!   (`where`, `with`, `without`) is a conjunction of its own: clauses share nothing.
//! - R2: each operand of `or`, and the operand of `not`, is its own existential test.
//! - R3: the paths of one atom (a comparison, a function call) that share a prefix denote the
//!   same node for it.
//! - R4: a shown path lists all its values, uncorrelated; a shown expression its values over
//!   the correlated bindings of its own paths.
//! - R5: `show distinct` is a cross product per entity; a missing value is an empty cell.
//! - R6: groups by the cross product of key values; `count(*)` counts entities; `count(X)`
//!   counts (entity, binding) pairs; `count(distinct X)` distinct values; `sum`/`avg`/`min`/
//!   `max` run over one value per (entity, binding), missing values skipped; `avg` to two
//!   places; over no values only `count` has a value (0).
//! - R7: order by the query's keys, then the rest of the columns, then the entity.
//! - R8: names are IRIs; the resolver lists narrower concepts and predecessors.
//! - R9: `X = Y`: some value of X among Y's; `X != Y`: some value of X not among Y's (Y's
//!   last step read universally); order operators: some pair in that order. Entities by IRI
//!   with `=`/`!=`, by label (as text) otherwise.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::ControlFlow;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, Term};

use crate::error::{Error, Result};
use crate::lang::ast::{self, CompareOp, Repeat, Statement};
use crate::results::Answer;
use crate::schema::{NameIndex, Schema, ValueKind};
use crate::store::Backend;
use crate::vocab::XSD;

// The adapter: the only lines that name the compiler's resolved form, so that moving or
// renaming it touches these and nothing else.
use super::ir::{
    Agg, Arg, ColumnValue, Condition as Cond, Func, Operand, Path, Query as Resolved, Shape, Step,
};

fn resolve(
    schema: &Schema,
    names: &NameIndex,
    query: &ast::Query,
) -> std::result::Result<Resolved, String> {
    super::resolve(query, schema, names, &HashMap::new(), "2026-12-02").map_err(|d| d.message)
}

/// Every triple of a store (the union of its graphs), indexed both ways.
pub struct Data {
    forward: HashMap<(Term, NamedNode), Vec<Term>>,
    backward: HashMap<(Term, NamedNode), Vec<Term>>,
    triples: usize,
}

impl Data {
    /// Reads every triple `backend` holds.
    pub fn read(backend: &dyn Backend) -> Result<Self> {
        let Answer::Table(table) = backend.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")?
        else {
            return Err(Error::Store(crate::store::Error::QueryEvaluation(
                "CONSTRUCT gave a boolean".into(),
            )));
        };
        let mut seen = HashSet::new();
        let mut data = Data {
            forward: HashMap::new(),
            backward: HashMap::new(),
            triples: 0,
        };
        for row in table.rows {
            let [Some(s), Some(Term::NamedNode(p)), Some(o)] =
                <[_; 3]>::try_from(row).map_err(|_| {
                    Error::Store(crate::store::Error::QueryEvaluation(
                        "a triple of three terms".into(),
                    ))
                })?
            else {
                continue;
            };
            if !seen.insert((s.clone(), p.clone(), o.clone())) {
                continue;
            }
            data.triples += 1;
            data.forward
                .entry((s.clone(), p.clone()))
                .or_default()
                .push(o.clone());
            data.backward.entry((o, p)).or_default().push(s);
        }
        Ok(data)
    }

    /// How many distinct triples were read.
    pub fn len(&self) -> usize {
        self.triples
    }

    /// True when the store held nothing.
    pub fn is_empty(&self) -> bool {
        self.triples == 0
    }

    /// The objects of `node`'s `predicate` triples, or with `inverse` the subjects of the
    /// triples whose object is `node`.
    pub fn objects(&self, node: &Term, predicate: &NamedNode, inverse: bool) -> &[Term] {
        let map = if inverse {
            &self.backward
        } else {
            &self.forward
        };
        map.get(&(node.clone(), predicate.clone()))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The members of `class` (`rdf:type`), in IRI order.
    pub fn instances(&self, class: &NamedNode) -> Vec<Term> {
        let mut all = self
            .objects(&class.clone().into(), &rdf::TYPE.into_owned(), true)
            .to_vec();
        all.sort_by(|a, b| order(Some(a), Some(b)));
        all
    }

    /// The `rdfs:label`s of `node`.
    pub fn labels(&self, node: &Term) -> &[Term] {
        self.objects(node, &rdfs::LABEL.into_owned(), false)
    }
}

/// A disagreement between the compiler and the rules that is known and not fixed yet. A
/// query in one of these classes may disagree without failing the differential test (unless
/// `TREATY_REFERENCE_STRICT` is set); each has a test in tests/reference.rs with a minimal
/// example, which fails once the compiler agrees, so that the class is then removed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Known {
    /// R3/R4: the arguments of a shown expression (a column, a group key, an aggregate's
    /// argument) that share a prefix each walk to a node of their own.
    UncorrelatedExpression,
    /// R1 inside R2: under `or` or `not`, the atoms of a conjunction, and the paths of one
    /// atom, do not share their prefixes.
    UncorrelatedUnderOrNot,
    /// R6: `sum` and `avg` run over rows that multiply along other multi-valued paths.
    MultipliedAggregate,
    /// R6: `sum`/`avg`/`min`/`max` are empty for a group where some entity has no value
    /// (they should skip it), and `sum`/`avg` of no entities are 0 (they should be empty).
    AggregateOverMissing,
    /// R1: the atoms of different clauses (two `where`s, a `where` and a `with`) that share
    /// a prefix walk to the same node, where each clause should be a test of its own.
    CorrelatedAcrossClauses,
    /// R9: `X != Y` holds when some value of X differs from some value of Y, where it
    /// should hold when some value of X is not among the values of Y.
    NotEqualAsSomePairDiffers,
    /// Virtuoso only (R5, R6, R7): with `limit`, a grouped query loses the group whose key
    /// is empty, and `show distinct` sorts an empty value last; `show distinct` with an empty
    /// cell can repeat a row.
    VirtuosoEmptyKey,
    /// Virtuoso only (R7): `order by x, x` repeats the sort key in the SPARQL, and Virtuoso
    /// with `limit` then gives wrong rows (groups repeated, counts shifted).
    VirtuosoRepeatedOrderKey,
    /// Virtuoso only: a text compared with `<`, `<=`, `>`, `>=` is compiled to
    /// `LCASE(STR(?v)) < "text"`, which Virtuoso holds for no value (`STR(LCASE(...))` works).
    VirtuosoLowerCaseOrder,
    /// Virtuoso only (R7): the least of several texts (a list column's sort key,
    /// `STR(MIN(?label))`, and `min`/`max` of text) is not the least by code point when a text
    /// is long: "Provisional Revolutionary Government of the Republic of South Vietnam" comes
    /// before "North Vietnam". `MIN(STR(?label))` gives the right one.
    VirtuosoMinOfLongText,
}

impl Known {
    /// Every class, for reports.
    pub const ALL: [Known; 10] = [
        Known::UncorrelatedExpression,
        Known::UncorrelatedUnderOrNot,
        Known::MultipliedAggregate,
        Known::AggregateOverMissing,
        Known::CorrelatedAcrossClauses,
        Known::NotEqualAsSomePairDiffers,
        Known::VirtuosoEmptyKey,
        Known::VirtuosoRepeatedOrderKey,
        Known::VirtuosoLowerCaseOrder,
        Known::VirtuosoMinOfLongText,
    ];

    /// True for the classes only one engine shows (the compiler's SPARQL means the right
    /// thing, the engine answers it wrongly): tolerated only on that engine.
    pub fn virtuoso_only(self) -> bool {
        matches!(
            self,
            Known::VirtuosoEmptyKey
                | Known::VirtuosoRepeatedOrderKey
                | Known::VirtuosoLowerCaseOrder
                | Known::VirtuosoMinOfLongText
        )
    }
}

impl fmt::Display for Known {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Known::UncorrelatedExpression => {
                "R3/R4: arguments of a shown expression sharing a prefix are not correlated"
            }
            Known::UncorrelatedUnderOrNot => {
                "R1 in R2: paths sharing a prefix under `or`/`not` are not correlated"
            }
            Known::MultipliedAggregate => "R6: sum/avg over rows multiplied by other paths",
            Known::AggregateOverMissing => {
                "R6: an aggregate is empty when an entity of the group has no value, 0 over none"
            }
            Known::CorrelatedAcrossClauses => {
                "R1: paths sharing a prefix in different clauses are correlated"
            }
            Known::VirtuosoEmptyKey => {
                "Virtuoso: an empty key is lost or sorted last with `limit`, or repeats a distinct row"
            }
            Known::VirtuosoMinOfLongText => {
                "Virtuoso: the least of several texts is wrong when one is long"
            }
            Known::VirtuosoLowerCaseOrder => "Virtuoso: LCASE(text) < \"text\" holds for nothing",
            Known::VirtuosoRepeatedOrderKey => {
                "Virtuoso: a sort key repeated, with `limit`, gives wrong rows"
            }
            Known::NotEqualAsSomePairDiffers => {
                "R9: X != Y is \"some pair differs\", not \"some X not among Y\""
            }
        })
    }
}

/// The rows a query should give, by the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub columns: Vec<String>,
    /// Each cell as text: a literal's lexical form, an IRI; `None` when empty. A list cell
    /// holds its distinct values sorted by code point and joined with "; ".
    pub rows: Vec<Vec<Option<String>>>,
    /// How far a number may be from the exact value, per column (averages are rounded to two
    /// places by the compiler; the reference keeps them exact).
    pub tolerance: Vec<f64>,
    /// The known disagreements this query falls in.
    pub known: Vec<Known>,
}

impl Expected {
    /// Compares an answer (tidied by `tidy_lists`, from any backend) with these rows, in
    /// order. Numbers compare by value.
    pub fn check(&self, answer: &Answer) -> std::result::Result<(), String> {
        let Answer::Table(table) = answer else {
            return Err("the answer is a boolean, not rows".into());
        };
        if table.columns != self.columns {
            return Err(format!(
                "columns differ: expected {:?}, got {:?}",
                self.columns, table.columns
            ));
        }
        let got = cells(answer);
        let same_row = |a: &[Option<String>], b: &[Option<String>]| {
            a.iter()
                .zip(b)
                .zip(&self.tolerance)
                .all(|((a, b), tolerance)| same_cell(a.as_deref(), b.as_deref(), *tolerance))
        };
        let differs = got.len() != self.rows.len()
            || got
                .iter()
                .zip(&self.rows)
                .any(|(g, e)| !same_row(g.as_slice(), e.as_slice()));
        if !differs {
            return Ok(());
        }
        let first = got
            .iter()
            .zip(&self.rows)
            .position(|(g, e)| !same_row(g, e))
            .unwrap_or(got.len().min(self.rows.len()));
        Err(format!(
            "{} rows expected, {} given; first difference at row {first}\nexpected:\n{}given:\n{}",
            self.rows.len(),
            got.len(),
            show_rows(&self.rows, first),
            show_rows(&got, first)
        ))
    }
}

/// The cells of an answer as text (`None` for an unbound or empty cell).
pub fn cells(answer: &Answer) -> Vec<Vec<Option<String>>> {
    match answer {
        Answer::Table(table) => table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| cell.as_ref().map(lexical).filter(|s| !s.is_empty()))
                    .collect()
            })
            .collect(),
        Answer::Boolean(b) => vec![vec![Some(b.to_string())]],
    }
}

fn show_rows(rows: &[Vec<Option<String>>], around: usize) -> String {
    let mut out = String::new();
    let start = around.saturating_sub(3);
    for (i, row) in rows.iter().enumerate().skip(start).take(8) {
        let cells: Vec<&str> = row.iter().map(|c| c.as_deref().unwrap_or("∅")).collect();
        out.push_str(&format!("  {i:>3}: {}\n", cells.join(" | ")));
    }
    if rows.len() > start + 8 {
        out.push_str(&format!("  ... {} rows in all\n", rows.len()));
    }
    out
}

fn same_cell(a: Option<&str>, b: Option<&str>, tolerance: f64) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a == b
                || match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= tolerance + 1e-9 * x.abs().max(1.0),
                    _ => false,
                }
        }
        _ => false,
    }
}

/// A term as text: a literal's lexical form, an IRI.
fn lexical(term: &Term) -> String {
    match term {
        Term::Literal(l) => l.value().to_owned(),
        Term::NamedNode(n) => n.as_str().to_owned(),
        other => other.to_string(),
    }
}

/// The data, the schema and the names of one store, ready to evaluate queries.
pub struct Reference {
    data: Data,
    schema: Schema,
    names: NameIndex,
}

impl Reference {
    /// Reads everything `backend` holds.
    pub fn read(backend: &dyn Backend) -> Result<Self> {
        Ok(Self {
            data: Data::read(backend)?,
            schema: Schema::load(backend)?,
            names: NameIndex::load(backend)?,
        })
    }

    /// The triples read.
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The schema of the store.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Every name of the store.
    pub fn names(&self) -> &NameIndex {
        &self.names
    }

    /// The rows the one query of `tql` should give. Errors are the compiler's own (a name it
    /// does not know, a field of another set) as text.
    pub fn evaluate(&self, tql: &str) -> std::result::Result<Expected, String> {
        let script = crate::lang::parse(tql).map_err(|d| d.message)?;
        let [Statement::Query(query)] = script.statements.as_slice() else {
            return Err("the reference evaluates one query".into());
        };
        let resolved = resolve(&self.schema, &self.names, query)?;
        Ok(Eval::new(&self.data).query(&resolved))
    }
}

/// Nodes assigned to the prefixes of some paths, for one entity.
struct Binding<'p> {
    this: Term,
    /// Distinct prefixes, shorter first (so a prefix's parent comes before it).
    prefixes: Vec<&'p [Step]>,
    /// The node of each prefix assigned so far.
    nodes: Vec<Term>,
}

impl Binding<'_> {
    fn node(&self, prefix: &[Step]) -> &Term {
        if prefix.is_empty() {
            return &self.this;
        }
        let i = self.prefixes[..self.nodes.len()]
            .iter()
            .position(|p| *p == prefix)
            .expect("a prefix is assigned after its parent");
        &self.nodes[i]
    }
}

/// Every prefix (all steps but the last, and their beginnings) of `paths`, shorter first.
fn prefixes<'p>(paths: &[&'p Path]) -> Vec<&'p [Step]> {
    let mut out: Vec<&'p [Step]> = Vec::new();
    for path in paths {
        for k in 1..path.steps.len() {
            let prefix = &path.steps[..k];
            if !out.contains(&prefix) {
                out.push(prefix);
            }
        }
    }
    out.sort_by_key(|p| p.len());
    out
}

fn operand_paths(operand: &Operand) -> Vec<&Path> {
    operand.paths()
}

/// The paths an atom walks (none for `and`/`or`/`not`, which are not atoms).
fn atom_paths(atom: &Cond) -> Vec<&Path> {
    match atom {
        Cond::OneOf { path, .. }
        | Cond::Contains { path, .. }
        | Cond::Matches { path, .. }
        | Cond::Exists { path } => vec![path],
        Cond::Compare { left, .. } | Cond::Range { left, .. } => operand_paths(left),
        Cond::CompareValues { left, right, .. } => {
            let mut paths = operand_paths(left);
            paths.extend(operand_paths(right));
            paths
        }
        Cond::And(_) | Cond::Or(_) | Cond::Not(_) => Vec::new(),
    }
}

/// Splits a conjunction into its atoms and its `or`/`not` tests (R1: nested `and`s join it).
fn flatten<'c>(conds: &[&'c Cond], atoms: &mut Vec<&'c Cond>, tests: &mut Vec<&'c Cond>) {
    for cond in conds {
        match cond {
            Cond::And(parts) => flatten(&parts.iter().collect::<Vec<_>>(), atoms, tests),
            Cond::Or(_) | Cond::Not(_) => tests.push(cond),
            atom => atoms.push(atom),
        }
    }
}

fn is_entity(operand: &Operand) -> bool {
    matches!(
        operand,
        Operand::Path(Path {
            kind: ValueKind::Entity(_) | ValueKind::Concept(_) | ValueKind::Resource,
            ..
        })
    )
}

/// One row under construction: what it shows, and what it sorts and filters by.
struct Row {
    shown: Vec<Option<String>>,
    keys: Vec<Option<Term>>,
    /// The entity, for one-row-per-entity queries (R7's last key).
    entity: Option<Term>,
}

struct Eval<'d> {
    data: &'d Data,
    /// An aggregate met a group where some entities had a value and others none.
    missing: Cell<bool>,
}

impl<'d> Eval<'d> {
    fn new(data: &'d Data) -> Self {
        Self {
            data,
            missing: Cell::new(false),
        }
    }

    // ---- Paths ---------------------------------------------------------------------------

    /// The nodes one step leads to from `node`: once, or by fixpoint for `+` and `*`.
    fn step(&self, node: &Term, step: &Step) -> Vec<Term> {
        let once = |n: &Term| self.data.objects(n, &step.predicate, step.inverse);
        match step.repeat {
            Repeat::Once => once(node).to_vec(),
            Repeat::OneOrMore | Repeat::ZeroOrMore => {
                let mut reached: Vec<Term> = Vec::new();
                if step.repeat == Repeat::ZeroOrMore {
                    reached.push(node.clone());
                }
                let mut frontier = vec![node.clone()];
                while let Some(n) = frontier.pop() {
                    for next in once(&n) {
                        if !reached.contains(next) {
                            reached.push(next.clone());
                            frontier.push(next.clone());
                        }
                    }
                }
                reached
            }
        }
    }

    /// The ends of `path` from the node the binding gives its prefix.
    fn ends(&self, binding: &Binding<'_>, path: &Path) -> Vec<Term> {
        let (last, prefix) = path.steps.split_last().expect("a path has a step");
        self.step(binding.node(prefix), last)
    }

    /// What a person reads for a node: its labels for an entity or concept, else itself.
    fn readable(&self, path: &Path, node: &Term) -> Vec<Term> {
        match path.kind {
            ValueKind::Entity(_) | ValueKind::Concept(_) => self.data.labels(node).to_vec(),
            _ => vec![node.clone()],
        }
    }

    /// Calls `f` with every assignment of nodes to the prefixes of `paths` from `this`, until
    /// it breaks.
    fn each_binding<'p>(
        &self,
        this: &Term,
        paths: &[&'p Path],
        f: &mut dyn FnMut(&Binding<'p>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let mut binding = Binding {
            this: this.clone(),
            prefixes: prefixes(paths),
            nodes: Vec::new(),
        };
        self.extend(&mut binding, f)
    }

    fn extend<'p>(
        &self,
        binding: &mut Binding<'p>,
        f: &mut dyn FnMut(&Binding<'p>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let i = binding.nodes.len();
        if i == binding.prefixes.len() {
            return f(binding);
        }
        let prefix: &'p [Step] = binding.prefixes[i];
        let (last, parent) = prefix.split_last().expect("non-empty prefix");
        for next in self.step(binding.node(parent), last) {
            binding.nodes.push(next);
            let flow = self.extend(binding, f);
            binding.nodes.pop();
            flow?;
        }
        ControlFlow::Continue(())
    }

    /// An operand's values under one binding of its prefixes, each with the nodes it was
    /// found through (its own binding: R6 counts these). With `raw`, a path's value is the
    /// node it reaches, not its label (what `count` counts).
    fn tuples(
        &self,
        binding: &Binding<'_>,
        operand: &Operand,
        raw: bool,
    ) -> Vec<(Vec<Term>, Term)> {
        match operand {
            Operand::Path(path) => {
                let mut out = Vec::new();
                for end in self.ends(binding, path) {
                    let values = if raw {
                        vec![end.clone()]
                    } else {
                        self.readable(path, &end)
                    };
                    for value in values {
                        out.push((vec![end.clone(), value.clone()], value));
                    }
                }
                out
            }
            Operand::Call(func, args) => {
                // Every combination of the arguments' values (R3: their shared prefixes are
                // fixed by the binding).
                let mut combos: Vec<(Vec<Term>, Vec<Term>)> = vec![(Vec::new(), Vec::new())];
                for arg in args {
                    let mut next = Vec::new();
                    let arg = match arg {
                        Arg::Path(path) => path,
                        Arg::Date { date, .. } => {
                            for (_, values) in &mut combos {
                                values.push(date.clone().into());
                            }
                            continue;
                        }
                    };
                    for end in self.ends(binding, arg) {
                        for value in self.readable(arg, &end) {
                            for (nodes, values) in &combos {
                                let mut nodes = nodes.clone();
                                nodes.extend([end.clone(), value.clone()]);
                                let mut values = values.clone();
                                values.push(value.clone());
                                next.push((nodes, values));
                            }
                        }
                    }
                    combos = next;
                }
                combos
                    .into_iter()
                    .filter_map(|(nodes, values)| Some((nodes, call(*func, &values)?)))
                    .collect()
            }
        }
    }

    fn values(&self, binding: &Binding<'_>, operand: &Operand) -> Vec<Term> {
        self.tuples(binding, operand, false)
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    }

    /// The dates a shown date path reaches from `this`, as text at the precision their
    /// subject gives for them: `1673` for a year, `1914-07` for a month.
    fn dated_texts(&self, this: &Term, path: &Path) -> Vec<String> {
        let (last, prefix) = path.steps.split_last().expect("a path has a step");
        let Some(property) = &path.precision else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let _ = self.each_binding(this, &[path], &mut |binding| {
            let subject = binding.node(prefix);
            let unit = self
                .data
                .objects(subject, property, false)
                .first()
                .map(lexical);
            for end in self.step(subject, last) {
                let text = lexical(&end);
                let keep = match unit.as_deref() {
                    Some(crate::vocab::PRECISION_YEAR) => 4,
                    Some(crate::vocab::PRECISION_MONTH) => 7,
                    _ => text.len(),
                };
                out.push(text.get(..keep).unwrap_or(&text).to_owned());
            }
            ControlFlow::Continue(())
        });
        out
    }

    /// The distinct values of a shown operand for `this` (R4: over the bindings of its own
    /// paths only).
    fn column_values(&self, this: &Term, operand: &Operand) -> Vec<Term> {
        let mut out: Vec<Term> = Vec::new();
        let _ = self.each_binding(this, &operand_paths(operand), &mut |binding| {
            for value in self.values(binding, operand) {
                if !out.contains(&value) {
                    out.push(value);
                }
            }
            ControlFlow::Continue(())
        });
        out
    }

    // ---- Conditions (R1, R2, R3) ---------------------------------------------------------

    /// Whether the conjunction `conds` holds for `this`.
    fn holds(&self, this: &Term, conds: &[&Cond]) -> bool {
        let (mut atoms, mut tests) = (Vec::new(), Vec::new());
        flatten(conds, &mut atoms, &mut tests);
        // R2: `or` and `not` are tests of their own, sharing nothing with the atoms.
        for test in tests {
            let holds = match test {
                Cond::Not(inner) => !self.holds(this, &[inner.as_ref()]),
                Cond::Or(alternatives) => alternatives.iter().any(|a| self.holds(this, &[a])),
                _ => unreachable!("flatten puts only `or` and `not` here"),
            };
            if !holds {
                return false;
            }
        }
        // R1: one assignment of the shared prefixes makes every atom true.
        let paths: Vec<&Path> = atoms.iter().flat_map(|a| atom_paths(a)).collect();
        self.each_binding(this, &paths, &mut |binding| {
            if atoms.iter().all(|atom| self.atom(binding, atom)) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .is_break()
    }

    fn atom(&self, binding: &Binding<'_>, atom: &Cond) -> bool {
        match atom {
            Cond::OneOf { path, iris } => self
                .ends(binding, path)
                .iter()
                .any(|end| matches!(end, Term::NamedNode(n) if iris.contains(n))),
            Cond::Exists { path } => !self.ends(binding, path).is_empty(),
            Cond::Compare {
                left,
                op,
                right,
                text,
            } => self.values(binding, left).iter().any(|value| {
                if *text {
                    let value = lexical(value).to_lowercase();
                    test(*op, Some(value.as_str().cmp(right.value())))
                } else {
                    test(*op, compare(value, &right.clone().into()))
                }
            }),
            Cond::Range {
                left,
                low,
                high,
                text,
            } => self.values(binding, left).iter().any(|value| {
                // One value in the range: both bounds hold for the same value.
                if *text {
                    let value = lexical(value).to_lowercase();
                    value.as_str() >= low.value() && value.as_str() <= high.value()
                } else {
                    test(CompareOp::Ge, compare(value, &low.clone().into()))
                        && test(CompareOp::Le, compare(value, &high.clone().into()))
                }
            }),
            Cond::CompareValues {
                left,
                op,
                right,
                text,
            } => {
                // R9: entities (and concepts) are the same or not by IRI; ordered, or
                // against text, they compare by label, as lower-case text (the resolved
                // form says which: `text`).
                let by_iri = !*text
                    && matches!(op, CompareOp::Eq | CompareOp::Ne)
                    && is_entity(left)
                    && is_entity(right);
                let textual = !by_iri && (*text || left.shows_text() || right.shows_text());
                let side = |operand: &Operand| -> Vec<Term> {
                    let values = if by_iri {
                        self.tuples(binding, operand, true)
                            .into_iter()
                            .map(|(_, v)| v)
                            .collect()
                    } else {
                        self.values(binding, operand)
                    };
                    if textual {
                        values
                            .iter()
                            .map(|v| {
                                let v = lexical(v);
                                Literal::new_simple_literal(if *text {
                                    v.to_lowercase()
                                } else {
                                    v
                                })
                                .into()
                            })
                            .collect()
                    } else {
                        values
                    }
                };
                let (lefts, rights) = (side(left), side(right));
                match op {
                    // Some value of X is not among the values of Y (R9): Y's last step is
                    // read universally, its prefix as the binding chose it.
                    CompareOp::Ne => lefts.iter().any(|l| {
                        !rights
                            .iter()
                            .any(|r| compare(l, r) == Some(Ordering::Equal))
                    }),
                    _ => lefts
                        .iter()
                        .any(|l| rights.iter().any(|r| test(*op, compare(l, r)))),
                }
            }
            Cond::Contains { path, text } => {
                let text = text.to_lowercase();
                self.path_texts(binding, path)
                    .iter()
                    .any(|v| v.to_lowercase().contains(&text))
            }
            Cond::Matches { path, pattern } => {
                let Ok(regex) = regex::RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                else {
                    return false;
                };
                self.path_texts(binding, path)
                    .iter()
                    .any(|v| regex.is_match(v))
            }
            Cond::And(_) | Cond::Or(_) | Cond::Not(_) => {
                unreachable!("flatten keeps these out of atoms")
            }
        }
    }

    fn path_texts(&self, binding: &Binding<'_>, path: &Path) -> Vec<String> {
        self.ends(binding, path)
            .iter()
            .flat_map(|end| self.readable(path, end))
            .map(|v| lexical(&v))
            .collect()
    }

    // ---- Queries (R4-R7) -----------------------------------------------------------------

    fn query(&self, q: &Resolved) -> Expected {
        // R1: each clause is a conjunction of its own; clauses share no nodes.
        let entities: Vec<Term> = self
            .data
            .instances(&q.class)
            .into_iter()
            .filter(|e| q.conditions.iter().all(|c| self.holds(e, &[c])))
            .collect();
        let mut tolerance = vec![0.0; q.columns.len()];
        let mut rows = match q.shape {
            Shape::Entities => self.entity_rows(q, &entities),
            Shape::Distinct => self.distinct_rows(q, &entities),
            Shape::Grouped { keys } => {
                for (i, column) in q.columns.iter().enumerate() {
                    if matches!(column.value, ColumnValue::Aggregate { agg: Agg::Avg, .. }) {
                        tolerance[i] = 0.005;
                    }
                }
                self.group_rows(q, keys, &entities)
            }
        };
        // R7: the keys in order, then (for entities) the entity itself.
        rows.sort_by(|a, b| {
            for key in &q.order {
                let o = order(a.keys[key.column].as_ref(), b.keys[key.column].as_ref());
                let o = if key.descending { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            order(a.entity.as_ref(), b.entity.as_ref())
        });
        let offset = q.offset.unwrap_or(0) as usize;
        let limit = q.limit.map_or(usize::MAX, |l| l as usize);
        let mut known = classify(q);
        if self.missing.get() {
            known.push(Known::AggregateOverMissing);
        }
        Expected {
            columns: q.columns.iter().map(|c| c.name.clone()).collect(),
            rows: rows
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|r| r.shown)
                .collect(),
            tolerance,
            known,
        }
    }

    /// R4: one row per entity; each column lists its values.
    fn entity_rows(&self, q: &Resolved, entities: &[Term]) -> Vec<Row> {
        let mut rows = Vec::new();
        for e in entities {
            let mut row = Row {
                shown: Vec::new(),
                keys: Vec::new(),
                entity: Some(e.clone()),
            };
            for column in &q.columns {
                let ColumnValue::Value(operand) = &column.value else {
                    unreachable!("aggregates make groups")
                };
                let values = self.column_values(e, operand);
                let mut texts: Vec<String> = match operand {
                    Operand::Path(path) if path.precision.is_some() => self.dated_texts(e, path),
                    _ => values.iter().map(lexical).collect(),
                };
                texts.sort();
                texts.dedup();
                row.shown
                    .push((!texts.is_empty()).then(|| texts.join("; ")));
                // A list sorts by its least value; text by its characters.
                let least = values
                    .iter()
                    .min_by(|a, b| order(Some(a), Some(b)))
                    .cloned();
                row.keys.push(match least {
                    Some(v) if operand.shows_text() => {
                        Some(Literal::new_simple_literal(lexical(&v)).into())
                    }
                    other => other,
                });
            }
            rows.push(row);
        }
        rows
    }

    /// R5: the distinct combinations of the columns' values, a cross product per entity.
    fn distinct_rows(&self, q: &Resolved, entities: &[Term]) -> Vec<Row> {
        let mut seen: HashSet<Vec<Option<Term>>> = HashSet::new();
        let mut rows = Vec::new();
        for e in entities {
            for combination in self.combinations(e, q.columns.len(), q) {
                if seen.insert(combination.clone()) {
                    rows.push(Row {
                        shown: combination
                            .iter()
                            .map(|c| c.as_ref().map(lexical))
                            .collect(),
                        keys: combination,
                        entity: None,
                    });
                }
            }
        }
        rows
    }

    /// The cross product of the values of the first `n` columns for `e`, with `None` for a
    /// column without values.
    fn combinations(&self, e: &Term, n: usize, q: &Resolved) -> Vec<Vec<Option<Term>>> {
        let mut out: Vec<Vec<Option<Term>>> = vec![Vec::new()];
        for column in &q.columns[..n] {
            let ColumnValue::Value(operand) = &column.value else {
                unreachable!("keys come first")
            };
            let values: Vec<Option<Term>> = match self.column_values(e, operand) {
                v if v.is_empty() => vec![None],
                v => v.into_iter().map(Some).collect(),
            };
            out = out
                .into_iter()
                .flat_map(|prefix| {
                    values.iter().map(move |v| {
                        let mut row = prefix.clone();
                        row.push(v.clone());
                        row
                    })
                })
                .collect();
        }
        out
    }

    /// R6: groups by the keys' values, aggregates per group, then `having`.
    fn group_rows(&self, q: &Resolved, keys: usize, entities: &[Term]) -> Vec<Row> {
        let mut groups: Vec<(Vec<Option<Term>>, Vec<Term>)> = Vec::new();
        for e in entities {
            for key in self.combinations(e, keys, q) {
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, members)) => {
                        if !members.contains(e) {
                            members.push(e.clone());
                        }
                    }
                    None => groups.push((key, vec![e.clone()])),
                }
            }
        }
        // Without keys there is one group, even of no entities.
        if keys == 0 && groups.is_empty() {
            groups.push((Vec::new(), Vec::new()));
        }
        let mut rows = Vec::new();
        'group: for (key, members) in groups {
            let mut row = Row {
                shown: key.iter().map(|c| c.as_ref().map(lexical)).collect(),
                keys: key,
                entity: None,
            };
            for column in &q.columns[keys..] {
                let ColumnValue::Aggregate { agg, distinct, arg } = &column.value else {
                    unreachable!("values are keys, before the aggregates")
                };
                let (shown, key) = self.aggregate(*agg, *distinct, arg.as_ref(), &members);
                row.shown.push(shown.as_ref().map(lexical));
                row.keys.push(key);
            }
            for having in &q.having {
                let cell = row.keys[having.column].as_ref();
                let value = having.value.clone().into();
                if !cell.is_some_and(|c| test(having.op, compare(c, &value))) {
                    continue 'group;
                }
            }
            rows.push(row);
        }
        rows
    }

    /// An aggregate over the members of a group: what it shows, and what it sorts and filters
    /// by (the same, except for `avg`, shown exact and sorted rounded to two places).
    fn aggregate(
        &self,
        agg: Agg,
        distinct: bool,
        arg: Option<&Operand>,
        members: &[Term],
    ) -> (Option<Term>, Option<Term>) {
        let Some(operand) = arg else {
            let n = Some(Term::from(Literal::from(members.len() as i64)));
            return (n.clone(), n);
        };
        let raw = agg == Agg::Count && matches!(operand, Operand::Path(_));
        // One value per (entity, binding of the argument's paths).
        let mut values: Vec<Term> = Vec::new();
        let (mut with, mut without) = (false, false);
        for e in members {
            let mut own: Vec<(Vec<Term>, Term)> = Vec::new();
            let _ = self.each_binding(e, &operand_paths(operand), &mut |binding| {
                for (nodes, value) in self.tuples(binding, operand, raw) {
                    let mut key = binding.nodes.clone();
                    key.extend(nodes);
                    if !own.iter().any(|(k, _)| *k == key) {
                        own.push((key, value));
                    }
                }
                ControlFlow::Continue(())
            });
            if own.is_empty() {
                without = true;
            } else {
                with = true;
            }
            values.extend(own.into_iter().map(|(_, v)| v));
        }
        // Where the compiler is known to differ: some entities with a value and some
        // without (it gives nothing), or no entity at all (it gives 0 for sum and avg).
        if agg != Agg::Count
            && ((with && without) || (members.is_empty() && matches!(agg, Agg::Sum | Agg::Avg)))
        {
            self.missing.set(true);
        }
        let same = |t: Option<Term>| (t.clone(), t);
        match agg {
            Agg::Count if distinct => {
                let mut seen: Vec<&Term> = Vec::new();
                for v in &values {
                    if !seen.contains(&v) {
                        seen.push(v);
                    }
                }
                same(Some(Literal::from(seen.len() as i64).into()))
            }
            Agg::Count => same(Some(Literal::from(values.len() as i64).into())),
            Agg::Min => same(
                values
                    .iter()
                    .min_by(|a, b| order(Some(a), Some(b)))
                    .cloned(),
            ),
            Agg::Max => same(
                values
                    .iter()
                    .max_by(|a, b| order(Some(a), Some(b)))
                    .cloned(),
            ),
            Agg::Sum | Agg::Avg if values.is_empty() => (None, None),
            Agg::Sum | Agg::Avg => {
                let numbers: Option<Vec<Number>> = values.iter().map(number).collect();
                let Some(numbers) = numbers else {
                    return (None, None);
                };
                if agg == Agg::Sum {
                    return same(Some(sum(&numbers).term()));
                }
                let n = numbers.len() as i128;
                match sum(&numbers) {
                    Number::Integer(total) => {
                        // Exact, and rounded half up to two places as SPARQL's ROUND does.
                        let exact = total as f64 / n as f64;
                        let hundredths = (200 * total + n).div_euclid(2 * n);
                        (
                            Some(decimal(exact)),
                            Some(decimal(hundredths as f64 / 100.0)),
                        )
                    }
                    Number::Float(total) => {
                        let exact = total / n as f64;
                        (
                            Some(decimal(exact)),
                            Some(decimal((exact * 100.0 + 0.5).floor() / 100.0)),
                        )
                    }
                }
            }
        }
    }
}

/// What `op` says of an ordering. Values that do not compare (of different kinds) are
/// unequal, and neither less nor greater.
fn test(op: CompareOp, ordering: Option<Ordering>) -> bool {
    let Some(o) = ordering else {
        return op == CompareOp::Ne;
    };
    match op {
        CompareOp::Eq => o == Ordering::Equal,
        CompareOp::Ne => o != Ordering::Equal,
        CompareOp::Lt => o == Ordering::Less,
        CompareOp::Le => o != Ordering::Greater,
        CompareOp::Gt => o == Ordering::Greater,
        CompareOp::Ge => o != Ordering::Less,
    }
}

/// SPARQL's comparison of two values: numbers by value, dates by date, strings by code point,
/// booleans false before true; anything else does not compare (an error in SPARQL).
fn compare(a: &Term, b: &Term) -> Option<Ordering> {
    let (Term::Literal(a), Term::Literal(b)) = (a, b) else {
        return (a == b).then_some(Ordering::Equal);
    };
    if let (Some(x), Some(y)) = (number_of(a), number_of(b)) {
        return x.as_f64().partial_cmp(&y.as_f64());
    }
    let kind = |l: &Literal| l.datatype().as_str().strip_prefix(XSD).map(str::to_owned);
    match (kind(a).as_deref(), kind(b).as_deref()) {
        (Some("date"), Some("date")) => Some(date(a.value())?.cmp(&date(b.value())?)),
        (Some("string"), Some("string")) => Some(a.value().cmp(b.value())),
        (Some("boolean"), Some("boolean")) => Some(boolean(a.value())?.cmp(&boolean(b.value())?)),
        _ if a.language().is_some() && a.language() == b.language() => {
            // Language-tagged strings compare within one language.
            Some(a.value().cmp(b.value()))
        }
        _ => None,
    }
}

/// The order of R7 and of SPARQL's ORDER BY: empty first, then IRIs by their text, then
/// literals by value where they compare (numbers, dates, strings), else by their text.
fn order(a: Option<&Term>, b: Option<&Term>) -> Ordering {
    let rank = |t: Option<&Term>| match t {
        None => 0,
        Some(Term::BlankNode(_)) => 1,
        Some(Term::NamedNode(_)) => 2,
        Some(_) => 3,
    };
    match (a, b) {
        (Some(Term::NamedNode(x)), Some(Term::NamedNode(y))) => x.as_str().cmp(y.as_str()),
        (Some(Term::Literal(x)), Some(Term::Literal(y))) => {
            compare(&x.clone().into(), &y.clone().into()).unwrap_or_else(|| {
                (x.value(), x.datatype(), x.language()).cmp(&(
                    y.value(),
                    y.datatype(),
                    y.language(),
                ))
            })
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// `YYYY-MM-DD` (a time zone, if any, ignored) as numbers.
fn date(text: &str) -> Option<(i64, u32, u32)> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut parts = text.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.get(..2)?.parse().ok()?;
    Some((if negative { -year } else { year }, month, day))
}

/// A number, kept whole where it is.
#[derive(Debug, Clone, Copy)]
enum Number {
    Integer(i128),
    Float(f64),
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Integer(n) => n as f64,
            Number::Float(x) => x,
        }
    }

    fn term(self) -> Term {
        match self {
            Number::Integer(n) => Literal::from(n as i64).into(),
            Number::Float(x) => decimal(x),
        }
    }
}

fn number(term: &Term) -> Option<Number> {
    match term {
        Term::Literal(l) => number_of(l),
        _ => None,
    }
}

fn number_of(literal: &Literal) -> Option<Number> {
    let local = literal.datatype().as_str().strip_prefix(XSD)?;
    let integer = [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ];
    if integer.contains(&local) {
        return literal.value().parse().ok().map(Number::Integer);
    }
    if ["decimal", "double", "float"].contains(&local) {
        return literal.value().parse().ok().map(Number::Float);
    }
    None
}

fn sum(numbers: &[Number]) -> Number {
    if numbers.iter().all(|n| matches!(n, Number::Integer(_))) {
        Number::Integer(
            numbers
                .iter()
                .map(|n| match n {
                    Number::Integer(i) => *i,
                    Number::Float(_) => 0,
                })
                .sum(),
        )
    } else {
        Number::Float(numbers.iter().map(|n| n.as_f64()).sum())
    }
}

fn decimal(x: f64) -> Term {
    Literal::new_typed_literal(format!("{x:.6}"), xsd::DECIMAL).into()
}

/// The derived values (docs/language.md, Functions): `year`, `decade` (1815 -> 1810),
/// `century` (1815 -> 19, 1900 -> 19, 1901 -> 20) and `years`, the whole years from the
/// first date to the second: the difference of the years, less one when the second date's
/// day of the year comes before the first's (the anniversary not reached yet).
fn call(func: Func, args: &[Term]) -> Option<Term> {
    let dates: Vec<(i64, u32, u32)> = args
        .iter()
        .map(|a| match a {
            Term::Literal(l) if l.datatype() == xsd::DATE => date(l.value()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (year, month, day) = *dates.first()?;
    let value = match func {
        Func::Year => year,
        Func::Decade => year.div_euclid(10) * 10,
        Func::Century => (year - 1).div_euclid(100) + 1,
        Func::Years => {
            let (to_year, to_month, to_day) = *dates.get(1)?;
            to_year - year - i64::from((to_month, to_day) < (month, day))
        }
    };
    Some(Literal::from(value).into())
}

/// The known disagreements a query falls in by its form (the one found while evaluating,
/// `AggregateOverMissing`, is added by the evaluator).
fn classify(q: &Resolved) -> Vec<Known> {
    let mut known = Vec::new();
    let shares =
        |a: &Path, b: &Path| a.steps.len() > 1 && b.steps.len() > 1 && a.steps[0] == b.steps[0];
    let correlated_args = |operand: &Operand| match operand {
        Operand::Call(..) => {
            let paths = operand.paths();
            paths
                .iter()
                .enumerate()
                .any(|(i, a)| paths[i + 1..].iter().any(|b| shares(a, b)))
        }
        Operand::Path(_) => false,
    };
    if q.columns.iter().any(|c| match &c.value {
        ColumnValue::Value(operand) => correlated_args(operand),
        ColumnValue::Aggregate { arg, .. } => arg.as_ref().is_some_and(correlated_args),
    }) {
        known.push(Known::UncorrelatedExpression);
    }
    fn under(cond: &Cond, shares: &dyn Fn(&Path, &Path) -> bool, negated: bool) -> bool {
        let (mut atoms, mut tests) = (Vec::new(), Vec::new());
        flatten(&[cond], &mut atoms, &mut tests);
        let paths: Vec<&Path> = atoms.iter().flat_map(|a| atom_paths(a)).collect();
        let correlated = paths
            .iter()
            .enumerate()
            .any(|(i, a)| paths[i + 1..].iter().any(|b| shares(a, b)));
        (negated && correlated)
            || tests.iter().any(|t| match t {
                Cond::Not(inner) => under(inner, shares, true),
                Cond::Or(alternatives) => alternatives.iter().any(|a| under(a, shares, true)),
                _ => false,
            })
    }
    if q.conditions.iter().any(|c| under(c, &shares, false)) {
        known.push(Known::UncorrelatedUnderOrNot);
    }
    // The compiler puts the atoms at the top of every clause in one pattern.
    let tops: Vec<Vec<&Path>> = q
        .conditions
        .iter()
        .map(|c| {
            let (mut atoms, mut tests) = (Vec::new(), Vec::new());
            flatten(&[c], &mut atoms, &mut tests);
            atoms.iter().flat_map(|a| atom_paths(a)).collect()
        })
        .collect();
    let across = tops.iter().enumerate().any(|(i, a)| {
        tops[i + 1..]
            .iter()
            .any(|b| a.iter().any(|x| b.iter().any(|y| shares(x, y))))
    });
    if across {
        known.push(Known::CorrelatedAcrossClauses);
    }
    fn unequal(cond: &Cond) -> bool {
        match cond {
            Cond::CompareValues {
                op: CompareOp::Ne, ..
            } => true,
            Cond::And(parts) | Cond::Or(parts) => parts.iter().any(unequal),
            Cond::Not(inner) => unequal(inner),
            _ => false,
        }
    }
    if q.conditions.iter().any(unequal) {
        known.push(Known::NotEqualAsSomePairDiffers);
    }
    fn text_order(cond: &Cond) -> bool {
        match cond {
            Cond::Compare {
                op: CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge,
                text: true,
                ..
            } => true,
            Cond::And(parts) | Cond::Or(parts) => parts.iter().any(text_order),
            Cond::Not(inner) => text_order(inner),
            _ => false,
        }
    }
    let text_list = |c: &super::ir::Column| match &c.value {
        ColumnValue::Value(operand) => {
            q.shape == Shape::Entities && !operand.single() && operand.shows_text()
        }
        ColumnValue::Aggregate {
            agg: Agg::Min | Agg::Max,
            arg: Some(operand),
            ..
        } => operand.shows_text(),
        _ => false,
    };
    if q.columns.iter().any(text_list) {
        known.push(Known::VirtuosoMinOfLongText);
    }
    if q.conditions.iter().any(text_order) {
        known.push(Known::VirtuosoLowerCaseOrder);
    }
    let grouped_with_limit =
        q.limit.is_some() && matches!(q.shape, Shape::Grouped { keys } if keys > 0);
    if grouped_with_limit || q.shape == Shape::Distinct {
        known.push(Known::VirtuosoEmptyKey);
    }
    if q.limit.is_some() {
        let repeated = q
            .order
            .iter()
            .enumerate()
            .any(|(i, o)| q.order[..i].iter().any(|p| p.column == o.column));
        if repeated {
            known.push(Known::VirtuosoRepeatedOrderKey);
        }
    }
    if let Shape::Grouped { keys } = q.shape {
        // Rows multiply along every path the main pattern walks that is not single: the
        // atoms at the top of the `where` clause, the keys, and the aggregates' arguments.
        let (mut atoms, mut tests) = (Vec::new(), Vec::new());
        flatten(
            &q.conditions.iter().collect::<Vec<_>>(),
            &mut atoms,
            &mut tests,
        );
        let multi = |paths: &[&Path]| paths.iter().filter(|p| !p.single).count();
        let top = multi(&atoms.iter().flat_map(|a| atom_paths(a)).collect::<Vec<_>>());
        let column_paths: Vec<Vec<&Path>> = q
            .columns
            .iter()
            .map(|c| match &c.value {
                ColumnValue::Value(operand) => operand_paths(operand),
                ColumnValue::Aggregate { arg, .. } => {
                    arg.as_ref().map(operand_paths).unwrap_or_default()
                }
            })
            .collect();
        let multiplied = q.columns[keys..].iter().enumerate().any(|(i, c)| {
            let i = i + keys;
            let summed = matches!(
                c.value,
                ColumnValue::Aggregate {
                    agg: Agg::Sum | Agg::Avg,
                    ..
                }
            );
            let others: usize = column_paths
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, paths)| multi(paths))
                .sum();
            summed && (top + others > 0 || multi(&column_paths[i]) > 1)
        });
        if multiplied {
            known.push(Known::MultipliedAggregate);
        }
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Term {
        Literal::new_typed_literal(text, xsd::DATE).into()
    }

    #[test]
    fn functions_follow_their_documented_examples() {
        let year = |f, text| call(f, &[d(text)]).map(|t| lexical(&t));
        assert_eq!(year(Func::Decade, "1815-06-09").as_deref(), Some("1810"));
        assert_eq!(year(Func::Century, "1815-06-09").as_deref(), Some("19"));
        assert_eq!(year(Func::Century, "1900-12-31").as_deref(), Some("19"));
        assert_eq!(year(Func::Century, "1901-01-01").as_deref(), Some("20"));
        let years = |a, b| call(Func::Years, &[d(a), d(b)]).map(|t| lexical(&t));
        assert_eq!(years("1713-04-11", "1740-12-16").as_deref(), Some("27"));
        assert_eq!(years("1900-05-10", "1910-05-09").as_deref(), Some("9"));
        assert_eq!(years("1900-05-10", "1910-05-10").as_deref(), Some("10"));
        // Backwards: the largest whole number of years n with first + n years <= second.
        assert_eq!(years("1763-02-10", "1748-10-18").as_deref(), Some("-15"));
    }

    #[test]
    fn values_compare_as_sparql_says() {
        let int = |n: i64| Term::from(Literal::from(n));
        assert_eq!(compare(&int(9), &int(10)), Some(Ordering::Less));
        assert_eq!(
            compare(&d("1900-01-01"), &d("1899-12-31")),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&d("1900-01-01"), &int(1900)), None);
        assert_eq!(order(None, Some(&int(1))), Ordering::Less);
        let s = |t: &str| Term::from(Literal::new_simple_literal(t));
        assert_eq!(order(Some(&s("Zeta")), Some(&s("alpha"))), Ordering::Less);
    }
}
