//! Random TQL queries over a store's schema, with names and values drawn from its data so that
//! answers are often non-empty; and the differential check of one query (the compiler on a
//! backend against `compile::reference`). Shared by tests/reference.rs and tests/virtuoso.rs.
//!
//! A query is built from a list of numbers (`Choices`): each decision takes the next one, and
//! 0 always means the simplest option. proptest shrinks the numbers towards 0, so a failing
//! query shrinks towards a short one, and the numbers are what its regressions file keeps.

#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use oxigraph::model::{NamedNode, Term};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use treaty::Backend;
use treaty::compile::reference::{Expected, Known, Reference};
use treaty::schema::{EntitySet, Field, Schema, ValueKind};
use treaty::session::{Outcome, Session};

const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// The numbers a query is built from.
pub fn choices() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::vec(any::<u32>(), 160)
}

/// Reads decisions off a list of numbers; past its end every decision is 0.
pub struct Choices<'a> {
    numbers: &'a [u32],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(numbers: &'a [u32]) -> Self {
        Self { numbers, at: 0 }
    }

    fn next(&mut self) -> u32 {
        let n = self.numbers.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        n
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        let x = self.next() as usize;
        if n == 0 { 0 } else { x % n }
    }

    /// True `percent` times in a hundred; false for 0 (the simpler query).
    fn maybe(&mut self, percent: u32) -> bool {
        self.next() % 100 >= 100 - percent
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> Option<&'t T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

/// A path from an entity set, with what it reaches in the data.
#[derive(Debug, Clone)]
struct PathInfo {
    /// As written: `settlement.signed`, `supersedes+.name`.
    text: String,
    /// The first step as written, to find paths that share a prefix.
    first: String,
    steps: usize,
    kind: ValueKind,
    /// Names of the entities or concepts it reaches that resolve to exactly those.
    names: Vec<String>,
    /// Readable values (labels for entities and concepts), as text.
    texts: Vec<String>,
    repeated: bool,
}

#[derive(Debug, Clone)]
struct SetInfo {
    noun: String,
    /// Paths by number of steps (index 0: one step).
    paths: [Vec<PathInfo>; 3],
    /// True when the set's class is the actors' (for `including predecessors`).
    actors: bool,
}

/// Generates queries for one store.
pub struct Generator {
    sets: Vec<SetInfo>,
}

#[derive(Clone, Copy)]
enum Context<'a> {
    Set(&'a EntitySet),
    Concept,
    Other,
}

impl Generator {
    /// Reads the schema and draws paths and values from the reference's data.
    pub fn new(reference: &Reference) -> Self {
        let schema = reference.schema();
        let mut sets = Vec::new();
        for set in &schema.sets {
            let entities = reference.data().instances(&set.class);
            if entities.is_empty() {
                continue;
            }
            let mut info = SetInfo {
                noun: set.plural.clone(),
                paths: [Vec::new(), Vec::new(), Vec::new()],
                actors: set.class.as_str().ends_with("#Actor"),
            };
            let mut walk: Vec<(String, String, Context<'_>, Vec<Term>, bool)> = vec![(
                String::new(),
                String::new(),
                Context::Set(set),
                entities,
                false,
            )];
            for depth in 0..3 {
                let mut next_walk = Vec::new();
                for (text, first, context, nodes, repeated) in &walk {
                    for field in fields(schema, *context) {
                        let entity_like =
                            matches!(field.kind, ValueKind::Entity(_) | ValueKind::Concept(_));
                        // `+` and `*` only on a first step, and on fields that lead back
                        // to their own kind (supersedes, predecessor): elsewhere they add
                        // nothing, and after a first step Oxigraph walks them from every
                        // node of the store (`party.predecessor*.existed_from` takes 40 s
                        // on the bundled data in a debug build).
                        let recursive = match (&field.kind, context) {
                            (ValueKind::Entity(class), Context::Set(s)) => {
                                &s.class == class || s.superclasses.contains(class)
                            }
                            (ValueKind::Concept(_), Context::Concept) => true,
                            _ => false,
                        };
                        let mut marks = vec![""];
                        if recursive && depth == 0 {
                            marks.extend(["*", "+"]);
                        }
                        for mark in marks {
                            let step = format!("{}{mark}", field.name);
                            let text = if text.is_empty() {
                                step.clone()
                            } else {
                                format!("{text}.{step}")
                            };
                            let first = if first.is_empty() {
                                step
                            } else {
                                first.clone()
                            };
                            let reached = follow(reference, nodes, field, mark);
                            let path = describe(
                                reference,
                                &text,
                                &first,
                                depth + 1,
                                field,
                                &reached,
                                *repeated || !mark.is_empty(),
                            );
                            // Paths that reach nothing are kept only at the first step
                            // (`without`, empty cells); deeper ones would be noise.
                            if depth == 0 || !reached.is_empty() {
                                info.paths[depth].push(path);
                            }
                            if entity_like && depth < 2 && !reached.is_empty() {
                                let context = match &field.kind {
                                    ValueKind::Entity(class) => match schema.set_of_class(class) {
                                        Some(s) => Context::Set(s),
                                        None => Context::Other,
                                    },
                                    _ => Context::Concept,
                                };
                                next_walk.push((
                                    text.clone(),
                                    first.clone(),
                                    context,
                                    reached,
                                    *repeated || !mark.is_empty(),
                                ));
                            }
                        }
                    }
                }
                walk = next_walk;
            }
            sets.push(info);
        }
        Self { sets }
    }

    /// One query, read off `numbers`.
    pub fn query(&self, numbers: &[u32]) -> String {
        let mut c = Choices::new(numbers);
        // Settlements and guarantees first: they have the richest paths.
        let order: Vec<&SetInfo> = {
            let mut v: Vec<&SetInfo> = self.sets.iter().collect();
            v.sort_by_key(|s| match s.noun.as_str() {
                "settlements" => 0,
                "guarantees" => 1,
                "conflicts" => 2,
                "actors" => 3,
                _ => 4,
            });
            v
        };
        let set = if c.maybe(70) {
            order[c.below(order.len().min(4))]
        } else {
            order[c.below(2.min(order.len()))]
        };
        let q = QueryGen {
            set,
            c: RefCell::new(c),
        };
        q.query()
    }
}

fn fields<'a>(schema: &'a Schema, context: Context<'a>) -> Vec<&'a Field> {
    let candidates: Vec<&Field> = match context {
        Context::Set(set) => schema.fields_of(set).collect(),
        Context::Concept => schema
            .fields
            .iter()
            .filter(|f| f.domain.as_ref().is_none_or(|d| d.as_str() == SKOS_CONCEPT))
            .collect(),
        Context::Other => schema
            .fields
            .iter()
            .filter(|f| f.domain.is_none())
            .collect(),
    };
    // The resolver takes the first field of a name; so do we.
    let mut seen = Vec::new();
    candidates
        .into_iter()
        .filter(|f| {
            let fresh = !seen.contains(&f.name.to_lowercase());
            seen.push(f.name.to_lowercase());
            fresh
        })
        .collect()
}

/// The nodes one step reaches from `nodes`.
fn follow(reference: &Reference, nodes: &[Term], field: &Field, mark: &str) -> Vec<Term> {
    let data = reference.data();
    let once = |n: &Term| data.objects(n, &field.predicate, field.inverse).to_vec();
    let mut out: Vec<Term> = Vec::new();
    for node in nodes {
        let mut reached: Vec<Term> = if mark == "*" {
            vec![node.clone()]
        } else {
            Vec::new()
        };
        let mut frontier = vec![node.clone()];
        while let Some(n) = frontier.pop() {
            for m in once(&n) {
                if !reached.contains(&m) {
                    reached.push(m.clone());
                    if !mark.is_empty() {
                        frontier.push(m);
                    }
                }
            }
        }
        for r in reached {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

fn describe(
    reference: &Reference,
    text: &str,
    first: &str,
    steps: usize,
    field: &Field,
    reached: &[Term],
    repeated: bool,
) -> PathInfo {
    let data = reference.data();
    let entity_like = matches!(field.kind, ValueKind::Entity(_) | ValueKind::Concept(_));
    let mut texts: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let types: Vec<NamedNode> = match &field.kind {
        ValueKind::Entity(class) => vec![class.clone()],
        ValueKind::Concept(Some(scheme)) => vec![scheme.clone()],
        _ => Vec::new(),
    };
    for node in reached.iter().take(400) {
        if entity_like {
            for label in data.labels(node) {
                let Term::Literal(l) = label else { continue };
                texts.push(l.value().to_owned());
                let found = reference.names().lookup(l.value(), &types);
                if let [one] = found.as_slice()
                    && Term::from(one.iri.clone()) == *node
                {
                    names.push(l.value().to_owned());
                }
            }
        } else if let Term::Literal(l) = node {
            texts.push(l.value().to_owned());
        }
    }
    texts.sort();
    texts.dedup();
    names.sort();
    names.dedup();
    PathInfo {
        text: text.to_owned(),
        first: first.to_owned(),
        steps,
        kind: field.kind.clone(),
        names,
        texts,
        repeated,
    }
}

/// A TQL string literal.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct QueryGen<'g, 'c> {
    set: &'g SetInfo,
    c: RefCell<Choices<'c>>,
}

/// What a shown item is, for grouping and ordering.
struct Item {
    text: String,
    aggregate: bool,
}

impl<'g> QueryGen<'g, '_> {
    fn below(&self, n: usize) -> usize {
        self.c.borrow_mut().below(n)
    }

    fn maybe(&self, percent: u32) -> bool {
        self.c.borrow_mut().maybe(percent)
    }

    fn pick<'t, T>(&self, items: &'t [T]) -> Option<&'t T> {
        self.c.borrow_mut().pick(items)
    }

    /// A path: one step most often, repeated steps sometimes.
    fn path(&self, wanted: &dyn Fn(&PathInfo) -> bool) -> Option<&'g PathInfo> {
        let depth = if self.maybe(50) {
            if self.maybe(35) { 2 } else { 1 }
        } else {
            0
        };
        let repeated = self.maybe(20);
        for d in (0..=depth).rev() {
            let fit: Vec<&PathInfo> = self.set.paths[d]
                .iter()
                .filter(|p| wanted(p) && p.repeated == repeated)
                .collect();
            if let Some(p) = self.pick(&fit) {
                return Some(*p);
            }
        }
        let fit: Vec<&PathInfo> = self.set.paths[0].iter().filter(|p| wanted(p)).collect();
        self.pick(&fit).copied()
    }

    fn any_path(&self) -> &'g PathInfo {
        self.path(&|_| true).expect("a set has fields")
    }

    fn date_path(&self) -> Option<&'g PathInfo> {
        self.path(&|p| p.kind == ValueKind::Date && !p.texts.is_empty())
    }

    /// A second date path, sharing the first step of `first` when there is one.
    fn date_path_near(&self, first: &PathInfo) -> Option<&'g PathInfo> {
        if self.maybe(60) {
            let near: Vec<&PathInfo> = self
                .set
                .paths
                .iter()
                .flatten()
                .filter(|p| {
                    p.kind == ValueKind::Date
                        && p.steps == first.steps
                        && p.first == first.first
                        && !p.texts.is_empty()
                })
                .collect();
            if let Some(p) = self.pick(&near) {
                return Some(*p);
            }
        }
        self.date_path()
    }

    fn query(&self) -> String {
        let mut out = String::new();
        let counted = self.maybe(15);
        if counted {
            out.push_str("count ");
        }
        out.push_str(&self.set.noun);
        // Conditions: `where` (once or twice), `with`, `without`.
        let clauses = self.below(4);
        for _ in 0..clauses {
            match self.below(6) {
                0..=3 => out.push_str(&format!(" where {}", self.condition(0))),
                4 => out.push_str(&format!(" with {}", self.any_path().text)),
                _ => out.push_str(&format!(" without {}", self.any_path().text)),
            }
        }
        let items: Vec<Item> = if counted {
            match self.below(2) {
                0 => Vec::new(),
                _ => {
                    let key = self.key();
                    out.push_str(&format!(" by {key}"));
                    // `count SET` names its column `count`.
                    vec![
                        Item {
                            text: key,
                            aggregate: false,
                        },
                        Item {
                            text: "count".into(),
                            aggregate: true,
                        },
                    ]
                }
            }
        } else {
            match self.below(4) {
                0 => Vec::new(),
                1 => self.show(&mut out, false),
                2 => self.show(&mut out, true),
                _ => self.grouped(&mut out),
            }
        };
        let grouped = counted || items.iter().any(|i| i.aggregate);
        if grouped && self.maybe(25) {
            // Numbers only: `having` compares with a number (`min` of a text or a date
            // compared with a number is a type error that the resolver lets through).
            let aggregates: Vec<&Item> = items
                .iter()
                .filter(|i| i.aggregate && !i.text.starts_with("min") && !i.text.starts_with("max"))
                .collect();
            if let Some(item) = self.pick(&aggregates) {
                let op = self.pick(&[">", ">=", "<", "<=", "=", "!="]).unwrap();
                out.push_str(&format!(" having {} {op} {}", item.text, self.below(4)));
            }
        }
        if !items.is_empty() && self.maybe(50) {
            let mut keys = Vec::new();
            for _ in 0..1 + self.below(2) {
                let item = self.pick(&items).unwrap();
                let direction = self.pick(&["", " asc", " desc"]).unwrap();
                keys.push(format!("{}{direction}", item.text));
            }
            out.push_str(&format!(" order by {}", keys.join(", ")));
        }
        if self.maybe(40) {
            out.push_str(&format!(" limit {}", 1 + self.below(12)));
            if self.maybe(20) {
                out.push_str(&format!(" offset {}", self.below(5)));
            }
        }
        out
    }

    /// `show` with values (one row per entity, or `distinct`).
    fn show(&self, out: &mut String, distinct: bool) -> Vec<Item> {
        let n = 1 + self.below(if distinct { 2 } else { 3 });
        let items: Vec<Item> = (0..n)
            .map(|_| Item {
                text: self.value(),
                aggregate: false,
            })
            .collect();
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        out.push_str(&format!(
            " show {}{}",
            if distinct { "distinct " } else { "" },
            texts.join(", ")
        ));
        items
    }

    /// `by` keys and aggregates.
    fn grouped(&self, out: &mut String) -> Vec<Item> {
        let mut items = Vec::new();
        let keys = self.below(3);
        for _ in 0..keys {
            items.push(Item {
                text: self.key(),
                aggregate: false,
            });
        }
        for _ in 0..1 + self.below(2) {
            items.push(Item {
                text: self.aggregate(),
                aggregate: true,
            });
        }
        let key_texts: Vec<&str> = items
            .iter()
            .filter(|i| !i.aggregate)
            .map(|i| i.text.as_str())
            .collect();
        if !key_texts.is_empty() {
            out.push_str(&format!(" by {}", key_texts.join(", ")));
        }
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        out.push_str(&format!(" show {}", texts.join(", ")));
        items
    }

    /// A shown value: a path, or a function of dates.
    fn value(&self) -> String {
        if self.maybe(30)
            && let Some(date) = self.date_path()
        {
            return match self.below(4) {
                0 => format!("year({})", date.text),
                1 => format!("decade({})", date.text),
                2 => format!("century({})", date.text),
                _ => {
                    let other = self.date_path_near(date).unwrap_or(date);
                    format!("years({}, {})", date.text, other.text)
                }
            };
        }
        self.any_path().text.clone()
    }

    /// A group key: a concept, an entity, a boolean, or the century or decade of a date.
    fn key(&self) -> String {
        if self.maybe(30)
            && let Some(date) = self.date_path()
        {
            return match self.below(3) {
                0 => format!("century({})", date.text),
                1 => format!("decade({})", date.text),
                _ => format!("year({})", date.text),
            };
        }
        match self.path(&|p| {
            matches!(
                p.kind,
                ValueKind::Concept(_) | ValueKind::Entity(_) | ValueKind::Boolean
            )
        }) {
            Some(p) => p.text.clone(),
            None => self.any_path().text.clone(),
        }
    }

    fn number(&self) -> Option<String> {
        if self.maybe(40)
            && let Some(p) = self.path(&|p| p.kind == ValueKind::Number && !p.texts.is_empty())
        {
            return Some(p.text.clone());
        }
        let date = self.date_path()?;
        Some(match self.below(3) {
            0 => {
                let other = self.date_path_near(date).unwrap_or(date);
                format!("years({}, {})", date.text, other.text)
            }
            1 => format!("year({})", date.text),
            _ => format!("century({})", date.text),
        })
    }

    fn aggregate(&self) -> String {
        match self.below(6) {
            0 => "count(*)".into(),
            1 => format!("count({})", self.any_path().text),
            2 => format!("count(distinct {})", self.any_path().text),
            3 => {
                let f = self.pick(&["min", "max"]).unwrap();
                let p = self
                    .path(&|p| {
                        matches!(
                            p.kind,
                            ValueKind::Date | ValueKind::Number | ValueKind::Text
                        ) && !p.texts.is_empty()
                    })
                    .unwrap_or_else(|| self.any_path());
                format!("{f}({})", p.text)
            }
            _ => match self.number() {
                Some(n) => format!("{}({n})", self.pick(&["sum", "avg"]).unwrap()),
                None => "count(*)".into(),
            },
        }
    }

    fn condition(&self, depth: usize) -> String {
        if depth < 3 {
            match self.below(8) {
                5 => {
                    return format!(
                        "{} and {}",
                        self.condition(depth + 1),
                        self.condition(depth + 1)
                    );
                }
                6 => {
                    return format!(
                        "({} or {})",
                        self.condition(depth + 1),
                        self.condition(depth + 1)
                    );
                }
                7 => return format!("not ({})", self.condition(depth + 1)),
                _ => {}
            }
        }
        self.atom()
    }

    fn atom(&self) -> String {
        let p = self.any_path();
        if self.maybe(10) {
            return format!(
                "{} {}",
                if self.maybe(50) { "without" } else { "with" },
                p.text
            );
        }
        if p.kind != ValueKind::Date
            && self.maybe(8)
            && let Some(atom) = self.paths_atom(p)
        {
            return atom;
        }
        match &p.kind {
            ValueKind::Date => self.date_atom(p),
            ValueKind::Number => {
                let n = self.number_value(p);
                match self.below(5) {
                    0 => format!("{} > {n}", p.text),
                    1 => format!("{} = {n}", p.text),
                    2 => format!("{} != {n}", p.text),
                    3 => format!("{} between {} and {n}", p.text, self.number_value(p)),
                    _ => format!("{} in ({n}, {})", p.text, self.number_value(p)),
                }
            }
            ValueKind::Boolean => {
                let b = self.pick(&["true", "false"]).unwrap();
                let op = self.pick(&["=", "!="]).unwrap();
                format!("{} {op} {b}", p.text)
            }
            ValueKind::Entity(_) | ValueKind::Concept(_) if !p.names.is_empty() => {
                let name = quoted(self.pick(&p.names).unwrap());
                let concept = matches!(p.kind, ValueKind::Concept(_));
                let predecessors = self.set_is_actor_path(p) && self.maybe(30);
                let name = if predecessors {
                    format!("{name} including predecessors")
                } else {
                    name
                };
                match self.below(6) {
                    0 if concept => format!("{} is {name}", p.text),
                    1 if concept => format!("{} is not {name}", p.text),
                    0 | 1 => format!("{} = {name}", p.text),
                    2 => format!("{} != {name}", p.text),
                    3 => format!(
                        "{} in ({name}, {})",
                        p.text,
                        quoted(self.pick(&p.names).unwrap())
                    ),
                    4 => format!("{} not in ({name})", p.text),
                    _ => self.text_atom(p),
                }
            }
            _ => self.text_atom(p),
        }
    }

    /// A comparison of `p` with another path of the same kind (R9), sharing its first step
    /// when there is one: `guarantor != settlement.party`, `name = supersedes.name`.
    fn paths_atom(&self, p: &PathInfo) -> Option<String> {
        let all: Vec<&PathInfo> = self
            .set
            .paths
            .iter()
            .flatten()
            .filter(|q| q.kind == p.kind && q.text != p.text && !q.texts.is_empty())
            .collect();
        let near: Vec<&PathInfo> = all
            .iter()
            .copied()
            .filter(|q| q.first == p.first && q.steps > 1 && p.steps > 1)
            .collect();
        let other = if self.maybe(50) && !near.is_empty() {
            self.pick(&near)?
        } else {
            self.pick(&all)?
        };
        let ops: &[&str] = match p.kind {
            ValueKind::Entity(_) | ValueKind::Concept(_) | ValueKind::Boolean => &["=", "!="],
            _ => &["=", "!=", "<", ">="],
        };
        let op = self.pick(ops).unwrap();
        Some(format!("{} {op} {}", p.text, other.text))
    }

    fn set_is_actor_path(&self, p: &PathInfo) -> bool {
        matches!(&p.kind, ValueKind::Entity(class) if class.as_str().ends_with("#Actor"))
    }

    fn number_value(&self, p: &PathInfo) -> String {
        match self.pick(&p.texts) {
            Some(t) if self.maybe(80) => t.clone(),
            _ => self.below(400).to_string(),
        }
    }

    fn year(&self, p: &PathInfo) -> i64 {
        self.pick(&p.texts)
            .and_then(|t| t.get(..4))
            .and_then(|y| y.parse().ok())
            .unwrap_or(1900)
            + self.below(3) as i64
            - 1
    }

    /// A year, a year and month, or a whole date, drawn from the path's values.
    fn date_value(&self, p: &PathInfo) -> String {
        let base = self.pick(&p.texts).cloned().unwrap_or("1900-01-01".into());
        match self.below(3) {
            0 => self.year(p).to_string(),
            1 => base.get(..7).unwrap_or("1900-01").to_owned(),
            _ => base.get(..10).unwrap_or("1900-01-01").to_owned(),
        }
    }

    fn date_atom(&self, p: &PathInfo) -> String {
        match self.below(9) {
            0 => format!("{} < {}", p.text, self.date_value(p)),
            1 => format!("{} >= {}", p.text, self.date_value(p)),
            2 => format!("{} = {}", p.text, self.date_value(p)),
            3 => format!("{} != {}", p.text, self.date_value(p)),
            4 => {
                let (a, b) = (self.year(p), self.year(p) + self.below(60) as i64);
                let not = if self.maybe(30) { "not " } else { "" };
                format!("{} {not}between {a} and {b}", p.text)
            }
            5 => format!("{} <= {}", p.text, self.date_value(p)),
            6 => {
                let other = self.date_path_near(p).unwrap_or(p);
                let op = self.pick(&["<", "<=", ">", ">=", "=", "!="]).unwrap();
                format!("{} {op} {}", p.text, other.text)
            }
            7 => {
                let other = self.date_path_near(p).unwrap_or(p);
                let op = self.pick(&[">", ">=", "<", "="]).unwrap();
                format!("years({}, {}) {op} {}", p.text, other.text, self.below(40))
            }
            _ => {
                let f = self.pick(&["year", "decade", "century"]).unwrap();
                let y = self.year(p);
                let v = match *f {
                    "year" => y,
                    "decade" => y / 10 * 10,
                    _ => (y - 1) / 100 + 1,
                };
                let op = self.pick(&["=", ">", "<=", "!="]).unwrap();
                format!("{f}({}) {op} {v}", p.text)
            }
        }
    }

    fn text_atom(&self, p: &PathInfo) -> String {
        let value = self
            .pick(&p.texts)
            .cloned()
            .unwrap_or_else(|| "zeta".into());
        let chars: Vec<char> = value.chars().collect();
        // Entities and concepts compare by name, not as text: only `contains` and `matches`
        // read their labels.
        let choice = match p.kind {
            ValueKind::Entity(_) | ValueKind::Concept(_) => [0, 3][self.below(2)],
            _ => self.below(6),
        };
        match choice {
            0 => {
                let start = self.below(chars.len().max(1));
                let len = 2 + self.below(5);
                let piece: String = chars.iter().skip(start).take(len).collect();
                let not = if self.maybe(25) { "not " } else { "" };
                format!("{} {not}contains {}", p.text, quoted(&piece))
            }
            1 => format!("{} = {}", p.text, quoted(&value.to_lowercase())),
            2 => format!("{} != {}", p.text, quoted(&value)),
            3 => {
                let letters: String = chars
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == ' ')
                    .take(4)
                    .collect();
                format!("{} matches {}", p.text, quoted(&format!("^{letters}")))
            }
            4 => {
                let other = self.pick(&p.texts).cloned().unwrap_or_default();
                format!("{} in ({}, {})", p.text, quoted(&value), quoted(&other))
            }
            _ => {
                let op = self.pick(&["<", ">=", ">"]).unwrap();
                let piece: String = chars.iter().take(1 + self.below(3)).collect();
                format!("{} {op} {}", p.text, quoted(&piece))
            }
        }
    }
}

/// Counts of what a differential run saw.
#[derive(Debug, Default)]
pub struct Stats {
    pub queries: usize,
    /// Queries the compiler refused (an ambiguous name, a type error): not compared.
    pub refused: usize,
    /// Compared queries that gave at least one row.
    pub non_empty: usize,
    pub agreed: usize,
    /// Disagreements in known classes, tolerated unless strict; by class, with an example.
    pub known: BTreeMap<Known, (usize, String)>,
    /// Time spent in the compiler and the backend, and in the reference.
    pub compiled: Duration,
    pub referenced: Duration,
    /// The slowest query (compiler, backend and reference together).
    pub slowest: (Duration, String),
    /// Queries a backend refused for a reason in `KNOWN_FAILURES`: how many, and the
    /// shortest.
    pub failed: BTreeMap<&'static str, (usize, String)>,
    /// Queries that took more than a second, to keep the test's time in check.
    pub slow: Vec<(Duration, String)>,
}

impl Stats {
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} queries: {} refused by the compiler, {} compared ({} with rows), {} agreed",
            self.queries,
            self.refused,
            self.queries - self.refused,
            self.non_empty,
            self.agreed
        );
        out.push_str(&format!(
            "; {:.1?} in the compiler and backend, {:.1?} in the reference; slowest {:.1?}: {}",
            self.compiled, self.referenced, self.slowest.0, self.slowest.1
        ));
        for (took, tql) in &self.slow {
            out.push_str(&format!("\n  slow ({took:.1?}): {tql}"));
        }
        for (why, (n, example)) in &self.failed {
            out.push_str(&format!("\n  {n} known failures ({why}), e.g. {example}"));
        }
        for (known, (n, example)) in &self.known {
            out.push_str(&format!(
                "\n  {n} known disagreements ({known}), e.g. {example}"
            ));
        }
        out
    }
}

/// True when every disagreement fails the test, known or not.
pub fn strict() -> bool {
    std::env::var_os("TREATY_REFERENCE_STRICT").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Queries the compiler makes that a backend refuses, known and not fixed yet: a fragment of
/// the error, and what is wrong. Tolerated unless the run is strict; tests/virtuoso.rs pins
/// each with a minimal query that fails once the compiler is fixed.
pub const KNOWN_FAILURES: &[(&str, &str)] = &[
    (
        "Bad dfe in sqlo_place_exp",
        "`having` in a grouped query whose aggregates run in sub-selects (R6) is a FILTER over \
         their join; Virtuoso's SQL compiler fails on any FILTER there (error SQ156), unless the \
         join is wrapped in a sub-select with a LIMIT, which keeps Virtuoso from flattening it \
         (tried by hand on 7.2; not done in the compiler yet)",
    ),
    (
        "No column s_",
        "a `+` step read backwards (`superseded_by+`) in an OPTIONAL after a BIND makes Virtuoso's \
         SQL compiler lose a column (error SQ200); found by the generator on the data with peace \
         endings, not pinned by a minimal query yet",
    ),
    (
        "transitive start not given",
        "a `*` step whose start Virtuoso does not see bound (`supersedes* in (...)` beside \
         other patterns) fails the query on Virtuoso",
    ),
];

/// Runs `tql` through the session's compiler and backend and through the reference, and
/// compares the rows. A disagreement fails unless the query is in a known class (and the run
/// is not strict).
pub fn check(
    session: &mut Session<'_>,
    reference: &Reference,
    tql: &str,
    stats: &mut Stats,
    virtuoso: bool,
) -> Result<(), String> {
    stats.queries += 1;
    let started = Instant::now();
    let evaluated = reference.evaluate(tql);
    let referenced = started.elapsed();
    stats.referenced += referenced;
    let expected: Expected = match evaluated {
        Ok(expected) => expected,
        Err(_) => {
            stats.refused += 1;
            return Ok(());
        }
    };
    let outcome = match run(session, tql) {
        Ok(outcome) => outcome,
        Err(failure) if !strict() => {
            let Some((_, why)) = KNOWN_FAILURES
                .iter()
                .find(|(message, _)| failure.contains(message))
            else {
                return Err(failure);
            };
            let entry = stats.failed.entry(why).or_insert((0, tql.to_owned()));
            entry.0 += 1;
            if tql.len() < entry.1.len() {
                entry.1 = tql.to_owned();
            }
            return Ok(());
        }
        Err(failure) => return Err(failure),
    };
    let answer = outcome.answer().expect("a query has an answer");
    let compiled = started.elapsed() - referenced;
    stats.compiled += compiled;
    if compiled + referenced > stats.slowest.0 {
        stats.slowest = (compiled + referenced, tql.to_owned());
    }
    if compiled + referenced > Duration::from_secs(1) {
        stats.slow.push((compiled + referenced, tql.to_owned()));
    }
    if !expected.rows.is_empty() {
        stats.non_empty += 1;
    }
    // Classes one engine shows are tolerated on that engine only.
    let tolerated = expected
        .known
        .iter()
        .copied()
        .find(|k| virtuoso || !k.virtuoso_only());
    match expected.check(answer) {
        Ok(()) => {
            stats.agreed += 1;
            Ok(())
        }
        Err(diff) if tolerated.is_some() && !strict() => {
            let entry = stats
                .known
                .entry(tolerated.unwrap())
                .or_insert((0, tql.to_owned()));
            entry.0 += 1;
            if tql.len() < entry.1.len() {
                entry.1 = tql.to_owned();
            }
            let _ = diff;
            Ok(())
        }
        Err(diff) => Err(format!(
            "{tql}\nknown classes: {:?}\nSPARQL:\n{}\n{diff}",
            expected.known,
            outcome.sparql().unwrap_or_default()
        )),
    }
}

/// Runs the one statement of `tql` through the session: its outcome, or why it failed.
pub fn run(session: &mut Session<'_>, tql: &str) -> Result<Outcome, String> {
    let outcome = session
        .run_script("q", tql)
        .map_err(|e| format!("{tql}\n{e}"))?
        .next()
        .ok_or_else(|| format!("{tql}\nno statement"))?;
    if let Err(e) = &outcome.result {
        return Err(format!("{tql}\nthe compiler's query failed: {e}"));
    }
    Ok(outcome)
}

/// Runs `cases` random queries through the compiler on `backend` and through the reference
/// (read from a store holding the same data), and panics on the first disagreement outside
/// the known classes, after proptest has shrunk it. Failing cases are kept in the
/// regressions file next to `source_file` (the caller's `file!()`). `virtuoso` tolerates the
/// known classes only Virtuoso shows.
pub fn differential(
    backend: &dyn Backend,
    reference: &Reference,
    cases: u32,
    source_file: &'static str,
    virtuoso: bool,
) -> Stats {
    let started = Instant::now();
    let generator = Generator::new(reference);
    let session = RefCell::new(Session::new(backend).unwrap());
    let stats = RefCell::new(Stats::default());
    // The same queries on every run, so that CI is not at the mercy of a new random draw;
    // TREATY_REFERENCE_RANDOM=1 draws new ones to explore (failures are kept either way).
    let rng = if std::env::var_os("TREATY_REFERENCE_RANDOM").is_some() {
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or([7; 32], |d| {
                    let mut seed = [0u8; 32];
                    seed[..16].copy_from_slice(&d.as_nanos().to_le_bytes());
                    seed
                }),
        )
    } else {
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        )
    };
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            source_file: Some(source_file),
            failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
                "proptest-regressions",
            ))),
            // Every case runs a query; shrinking a failure further than this takes minutes.
            max_shrink_iters: 300,
            ..Config::default()
        },
        rng,
    );
    let result = runner.run(&choices(), |numbers| {
        let tql = generator.query(&numbers);
        check(
            &mut session.borrow_mut(),
            reference,
            &tql,
            &mut stats.borrow_mut(),
            virtuoso,
        )
        .map_err(TestCaseError::fail)
    });
    let stats = stats.into_inner();
    eprintln!(
        "{} in {:.1?} on {}",
        stats.summary(),
        started.elapsed(),
        backend.describe()
    );
    if let Err(e) = result {
        panic!("{e}\n{}", stats.summary());
    }
    stats
}

/// The number of random queries to run: `TREATY_REFERENCE_CASES`, else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("TREATY_REFERENCE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}
