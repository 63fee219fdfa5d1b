//! `survival of ...` and `rate of ...` compiled into the queries that fetch their rows: one row
//! per entity with the columns the statistic needs (its dates, its coded ending, its group),
//! the entities a `by whether` or `meeting` condition holds for, and each entity's observation
//! date. They are ordinary TQL queries built as syntax trees and compiled like any other, so
//! they run on every backend; the session runs them and computes the statistic
//! (src/session/analysis.rs).

use std::collections::BTreeMap;

use oxigraph::model::NamedNode;

use super::{Compiler, ENTITY_COLUMN, Rows};
use crate::analysis::similar::Feature;
use crate::lang::ast::{
    Analysis, AnalysisKind, Clause, Condition, Expr, Grouping, Item, Path, Query, Repeat, Span,
    Spanned, Step, Target,
};
use crate::lang::diagnostic::Diagnostic;
use crate::schema::{NameIndex, Schema};
use crate::vocab::ONTOLOGY;

/// The column holding a `by EXPR` group key in the fetched rows.
pub(crate) const GROUP_COLUMN: &str = "group_key";

/// What a survival statement follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The peace a settlement made: from signing to war resumed (the event) or its end
    /// without war or the observation date (censored).
    Settlements,
    /// A guarantee: from its settlement's signing to its first violation (the event) or its
    /// lapse, supersession or the observation date (censored).
    Guarantees,
}

impl Subject {
    /// The subject measured for entities of `class`.
    pub fn of(class: &NamedNode) -> Option<Subject> {
        match class.as_str().strip_prefix(ONTOLOGY)? {
            "Settlement" => Some(Subject::Settlements),
            "Guarantee" => Some(Subject::Guarantees),
            _ => None,
        }
    }

    /// The plural, for notes.
    pub fn plural(self) -> &'static str {
        match self {
            Subject::Settlements => "settlements",
            Subject::Guarantees => "guarantees",
        }
    }

    /// The columns fetched, with the names the session reads (src/session/observe.rs).
    fn columns(self, span: Span) -> Vec<Item> {
        let fields: &[(&[&str], &str)] = match self {
            Subject::Settlements => &[
                (&["name"], "name"),
                (&["signed"], "start"),
                (&["signed_precision"], "start_precision"),
                (&["peace_ending"], "ending"),
                (&["peace_held_until"], "event_on"),
                (&["peace_held_until_precision"], "event_precision"),
                (&["peace_ended_on"], "censored_on"),
                (&["peace_ended_on_precision"], "censored_precision"),
            ],
            Subject::Guarantees => &[
                (&["name"], "name"),
                (&["settlement", "signed"], "start"),
                (&["settlement", "signed_precision"], "start_precision"),
                (&["outcome"], "ending"),
                (&["outcome_date"], "event_on"),
                (&["outcome_date_precision"], "event_precision"),
            ],
        };
        fields
            .iter()
            .map(|(path, alias)| item(path, alias, span))
            .collect()
    }
}

/// The compiled form of a `survival` or `rate` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The statement.
    pub analysis: Analysis,
    /// One row per entity with the columns the statistic needs.
    pub rows: Rows,
    /// Settlements or guarantees, when the statistic needs times (survival, `within`).
    pub subject: Option<Subject>,
    /// The entities `by whether CONDITION` holds for.
    pub whether: Option<Rows>,
    /// The entities a rate's `meeting` condition holds for.
    pub meeting: Option<Rows>,
    /// Each entity's observation date, when times are needed.
    pub observed: Option<spargebra::Query>,
    /// For `analogues of "Name"`: the named guarantee with the candidates' columns.
    pub target: Option<Rows>,
    /// For `analogues of`: each guarantee's guarantors' great power years and the lists'
    /// years (`great_power_guarantor`).
    pub great_powers: Option<spargebra::Query>,
    /// For `analogues of (...)`: the target's features as described.
    pub described: Vec<Feature>,
    /// The feature weights in use (the defaults with the statement's own on top).
    pub weights: BTreeMap<String, f64>,
    /// How many analogues to show and summarise.
    pub top: usize,
}

impl Plan {
    /// The queries to run, each with what it fetches.
    pub fn fetches(&self) -> Vec<(&'static str, &spargebra::Query)> {
        let mut out = vec![("the entities", &*self.rows.query)];
        if let Some(rows) = &self.target {
            out.push(("the guarantee to compare with", &*rows.query));
        }
        if let Some(rows) = &self.whether {
            out.push(("the entities in the first group", &*rows.query));
        }
        if let Some(rows) = &self.meeting {
            out.push(("the entities meeting the condition", &*rows.query));
        }
        if let Some(query) = &self.observed {
            out.push(("each entity's observation date", query));
        }
        if let Some(query) = &self.great_powers {
            out.push(("the great power years of each guarantor", query));
        }
        out
    }

    /// What is computed from the rows, with the module that does it, as `explain` names it.
    pub fn step(&self) -> String {
        let grouped = self.analysis.group.is_some();
        match &self.analysis.kind {
            AnalysisKind::Survival if grouped => "Kaplan-Meier estimate per group (95% log(-log) \
                Greenwood band, median with its interval), log-rank test across groups \
                (src/analysis/survival)"
                .into(),
            AnalysisKind::Survival => "Kaplan-Meier estimate (95% log(-log) Greenwood band, \
                median with its interval) (src/analysis/survival)"
                .into(),
            AnalysisKind::Rate {
                within: Some(years),
                ..
            } => format!(
                "share whose ending meets the condition within {} years of the start, with \
                 its Wilson 95% interval{} (src/analysis/rate.rs, within_horizon)",
                years.node,
                if grouped { ", per group" } else { "" }
            ),
            AnalysisKind::Rate { within: None, .. } => format!(
                "share meeting the condition, with its Wilson 95% interval{} \
                 (src/analysis/rate.rs, base_rate)",
                if grouped { ", per group" } else { "" }
            ),
            AnalysisKind::Analogues { .. } => format!(
                "features coded from the rows, candidates ranked by weighted Jaccard similarity \
                 (weights: {}), the outcomes of the top {} with Wilson 95% intervals \
                 (src/analysis/similar.rs)",
                self.weights
                    .iter()
                    .map(|(name, w)| format!("{name} {w}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.top
            ),
        }
    }

    /// How many result tables the statement gives: a survival estimate its steps and its
    /// summary, and the log-rank test when it compares groups; a rate one table.
    pub fn tables(analysis: &Analysis) -> usize {
        match analysis.kind {
            AnalysisKind::Survival if analysis.group.is_some() => 3,
            AnalysisKind::Survival => 2,
            AnalysisKind::Rate { .. } => 1,
            AnalysisKind::Analogues { .. } => 2,
        }
    }
}

impl Compiler {
    /// Compiles a `survival` or `rate` statement into its fetch queries.
    pub(crate) fn compile_analysis(
        &mut self,
        schema: &Schema,
        names: &NameIndex,
        analysis: &Analysis,
    ) -> Result<Plan, Diagnostic> {
        let source = &analysis.source;
        let query = |extra: Option<&Condition>, items: Vec<Item>| {
            let mut clauses = analysis.filters.clone();
            if let Some(condition) = extra {
                clauses.push(Clause::Where(condition.clone()));
            }
            clauses.push(Clause::Show {
                distinct: false,
                items,
                span: source.span,
            });
            Query {
                count: None,
                source: source.clone(),
                clauses,
                span: analysis.span,
            }
        };
        let names_only = || vec![item(&["name"], "name", source.span)];
        let Some(set) = self.source_set(schema, &source.node) else {
            // An unknown set: resolving says so, with the names it knows.
            self.compile_rows(schema, names, &query(None, names_only()))?;
            return Err(Diagnostic::new(source.span, "not an entity set"));
        };
        let subject = Subject::of(&set.class);
        let needs_times = match &analysis.kind {
            AnalysisKind::Survival => true,
            AnalysisKind::Rate { within, .. } => within.is_some(),
            AnalysisKind::Analogues { .. } => false,
        };
        let subject = match (needs_times, subject) {
            (false, _) => None,
            (true, Some(subject)) => Some(subject),
            (true, None) => {
                let what = match analysis.kind {
                    AnalysisKind::Rate { .. } => "a rate `within` a number of years",
                    _ => "survival",
                };
                return Err(Diagnostic::new(
                    source.span,
                    format!(
                        "{what} is measured for settlements and guarantees, not `{}`",
                        source.node
                    ),
                )
                .with_label("not settlements or guarantees")
                .with_help(
                    "settlements: from signing to the coded peace ending; guarantees: from \
                     their settlement's signing to the first violation",
                ));
            }
        };
        if let AnalysisKind::Analogues {
            target,
            top,
            weights,
        } = &analysis.kind
        {
            let items = super::analogues::columns(source.span);
            let rows = self.compile_rows(schema, names, &query(None, items.clone()))?;
            let (target, described) = match target {
                Target::Named(name) => {
                    let named = super::analogues::named(source, name, items, analysis.span);
                    (Some(self.compile_rows(schema, names, &named)?), Vec::new())
                }
                Target::Described(features) => (None, super::analogues::described(features)?),
            };
            return Ok(Plan {
                analysis: analysis.clone(),
                rows,
                subject: None,
                whether: None,
                meeting: None,
                observed: None,
                target,
                great_powers: Some(super::analogues::great_powers_query()),
                described,
                weights: super::analogues::weights(weights)?,
                top: top.as_ref().map_or(10, |k| k.node as usize),
            });
        }
        let mut items = subject.map_or_else(names_only, |s| s.columns(source.span));
        if let Some(Grouping::Value(key)) = &analysis.group {
            items.push(Item {
                expr: key.clone(),
                alias: Some(Spanned::new(GROUP_COLUMN.to_owned(), key.span())),
            });
        }
        let rows = self.compile_rows(schema, names, &query(None, items))?;
        let whether = match &analysis.group {
            Some(Grouping::Whether(condition)) => {
                Some(self.compile_rows(schema, names, &query(Some(condition), names_only()))?)
            }
            _ => None,
        };
        let meeting = match &analysis.kind {
            AnalysisKind::Rate { meeting, .. } => {
                Some(self.compile_rows(schema, names, &query(Some(meeting), names_only()))?)
            }
            AnalysisKind::Survival | AnalysisKind::Analogues { .. } => None,
        };
        let observed = subject.map(|_| observation_query(&rows.class));
        Ok(Plan {
            analysis: analysis.clone(),
            rows,
            subject,
            whether,
            meeting,
            observed,
            target: None,
            great_powers: None,
            described: Vec::new(),
            weights: BTreeMap::new(),
            top: 0,
        })
    }
}

/// A shown column `path as alias`, written at `span`.
pub(super) fn item(path: &[&str], alias: &str, span: Span) -> Item {
    Item {
        expr: Expr::Path(Path {
            steps: path
                .iter()
                .map(|field| Step {
                    field: Spanned::new((*field).to_owned(), span),
                    repeat: Repeat::Once,
                })
                .collect(),
            span,
        }),
        alias: Some(Spanned::new(alias.to_owned(), span)),
    }
}

/// Every entity of `class` with the observation date (`tr:observedOn`; the bundled data's is
/// 2024-01-01) of the graph that holds it, and of a graph that states its peace ending: an
/// import matched to a settlement of another import codes the ending in its own graph, under
/// its own observation date. The session takes the earliest date an entity gets. The text is
/// ours: no user text goes into it.
fn observation_query(class: &NamedNode) -> spargebra::Query {
    let text = format!(
        "SELECT ?{ENTITY_COLUMN} ?observed WHERE {{ \
         {{ GRAPH ?graph {{ ?{ENTITY_COLUMN} a <{class}> }} }} \
         UNION {{ GRAPH ?graph {{ ?{ENTITY_COLUMN} <{ONTOLOGY}peaceEnding> ?ending }} ?{ENTITY_COLUMN} a <{class}> }} \
         ?graph <{ONTOLOGY}observedOn> ?observed }}",
        class = class.as_str()
    );
    spargebra::SparqlParser::new()
        .parse_query(&text)
        .expect("the observation-date query is valid SPARQL")
}
