//! `survival of ...` and `rate of ...`: the statements whose answer is a statistic. Each one
//! is compiled into ordinary TQL queries that fetch one row per entity (the entity, its dates,
//! its coded ending, its group), run on the backend like any query, so they work over an
//! endpoint too; the rows become [`Observation`]s (src/session/observe.rs) and `analysis`
//! computes the numbers, which come back as tables (src/session/tables.rs).

use std::collections::{BTreeMap, HashMap, HashSet};

use oxigraph::model::Term;

use super::observe::{self, Subject};
use super::tables;
use super::{Analysed, Query as Fetch, Session};
use crate::compile::{ENTITY_COLUMN, Rows, tidy_lists};
use crate::error::{Error, Result};
use crate::lang::ast::{
    Analysis, AnalysisKind, Clause, Condition, Expr, Grouping, Item, Path, Query, Repeat, Span,
    Spanned, Step,
};
use crate::lang::diagnostic::Diagnostic;
use crate::results::{Answer, Table};

/// The column holding a `by EXPR` group key in the fetched rows.
const GROUP_COLUMN: &str = "group_key";

/// How many result tables a statement gives: a survival estimate its steps and its summary,
/// and the log-rank test when it compares groups; a rate one table.
pub fn table_count(analysis: &Analysis) -> usize {
    match analysis.kind {
        AnalysisKind::Survival if analysis.group.is_some() => 3,
        AnalysisKind::Survival => 2,
        AnalysisKind::Rate { .. } => 1,
    }
}

/// The queries a statement runs, each with what it fetches.
struct Plan {
    /// One row per entity with the columns the statistic needs.
    rows: Rows,
    /// Settlements or guarantees, for survival and `within`; `None` for a plain rate.
    subject: Option<Subject>,
    /// The entities meeting `by whether CONDITION`.
    whether: Option<Rows>,
    /// The entities meeting a rate's condition.
    meeting: Option<Rows>,
    /// Each entity's observation date, when observations are needed.
    observed: Option<spargebra::Query>,
}

impl Session<'_> {
    /// Compiles an analysis statement into its fetch queries and, when `execute`, runs them
    /// and computes the statistic.
    pub(super) fn run_analysis(
        &mut self,
        name: &str,
        text: &str,
        analysis: &Analysis,
        execute: bool,
    ) -> Result<Analysed> {
        let plan = self.plan(name, text, analysis)?;
        let mut fetches = vec![("the entities".to_owned(), fetch(&plan.rows))];
        if let Some(rows) = &plan.whether {
            fetches.push(("the entities in the first group".to_owned(), fetch(rows)));
        }
        if let Some(rows) = &plan.meeting {
            fetches.push(("the entities meeting the condition".to_owned(), fetch(rows)));
        }
        if let Some(query) = &plan.observed {
            fetches.push((
                "each entity's observation date".to_owned(),
                Fetch::Algebra(Box::new(query.clone())),
            ));
        }
        let step = step(analysis);
        if !execute {
            return Ok(Analysed {
                fetches,
                step,
                tables: Vec::new(),
                notes: Vec::new(),
            });
        }
        let rows = self.rows(&plan.rows)?;
        let whether = plan.whether.as_ref().map(|r| self.entities(r)).transpose()?;
        let meeting = plan.meeting.as_ref().map(|r| self.entities(r)).transpose()?;
        let observed = match &plan.observed {
            Some(query) => observation_dates(self.backend.evaluate(query)?),
            None => HashMap::new(),
        };
        let groups = group_labels(&rows, analysis, whether.as_ref());
        // The group column is headed by the key or condition as written.
        let title = analysis.group.as_ref().map(|group| {
            let span = match group {
                Grouping::Value(key) => key.span(),
                Grouping::Whether(condition) => condition.span(),
            };
            text.get(span.start..span.end).unwrap_or("group").trim().to_owned()
        });
        let groups = tables::Groups {
            title,
            labels: groups,
        };
        let fail = |message: String| Error::Tql {
            name: name.to_owned(),
            text: text.to_owned(),
            diagnostic: Box::new(Diagnostic::new(analysis.span, message)),
        };
        let (tables, notes) = match (&analysis.kind, plan.subject) {
            (AnalysisKind::Survival, Some(subject)) => {
                let observed = observe::observe(&rows, subject, &observed, None);
                tables::survival(&observed, &groups, analysis.group.is_some()).map_err(fail)?
            }
            (AnalysisKind::Rate { within, .. }, subject) => {
                let meeting = meeting.unwrap_or_default();
                match (within, subject) {
                    (Some(years), Some(subject)) => {
                        let observed =
                            observe::observe(&rows, subject, &observed, Some(&meeting));
                        tables::within(&observed, &groups, years.node).map_err(fail)?
                    }
                    _ => tables::rate(&rows, &groups, &meeting).map_err(fail)?,
                }
            }
            (AnalysisKind::Survival, None) => {
                return Err(fail("survival needs settlements or guarantees".into()));
            }
        };
        Ok(Analysed {
            fetches,
            step,
            tables,
            notes,
        })
    }

    /// Builds and compiles the fetch queries.
    fn plan(&mut self, name: &str, text: &str, analysis: &Analysis) -> Result<Plan> {
        let source = &analysis.source;
        let class = self
            .compiler
            .source_set(&self.schema, &source.node)
            .map(|set| set.class.clone());
        let subject = class.as_ref().and_then(observe::subject_of);
        let needs_observations = match &analysis.kind {
            AnalysisKind::Survival => true,
            AnalysisKind::Rate { within, .. } => within.is_some(),
        };
        if class.is_none() {
            // An unknown set: the compiler says so, with the names it knows.
            let probe = Query {
                count: None,
                source: source.clone(),
                clauses: Vec::new(),
                span: analysis.span,
            };
            self.compile_with(name, text, |c, s, n| c.compile_rows(s, n, &probe))?;
        }
        if needs_observations && subject.is_none() {
            let what = match analysis.kind {
                AnalysisKind::Survival => "survival",
                AnalysisKind::Rate { .. } => "a rate `within` a number of years",
            };
            return Err(Error::Tql {
                name: name.to_owned(),
                text: text.to_owned(),
                diagnostic: Box::new(
                    Diagnostic::new(
                        source.span,
                        format!("{what} is measured for settlements and guarantees, not `{}`", source.node),
                    )
                    .with_label("not settlements or guarantees")
                    .with_help("settlements: from signing to the coded peace ending; guarantees: from the settlement's signing to the first violation"),
                ),
            });
        }
        let mut items = if needs_observations {
            subject.map_or_else(Vec::new, |s| observe::columns(s, source.span))
        } else {
            vec![item(&["name"], "name", source.span)]
        };
        if let Some(Grouping::Value(key)) = &analysis.group {
            items.push(Item {
                expr: key.clone(),
                alias: Some(Spanned::new(GROUP_COLUMN.to_owned(), key.span())),
            });
        }
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
        let rows = self.compile_with(name, text, |compiler, schema, names| {
            compiler.compile_rows(schema, names, &query(None, items.clone()))
        })?;
        let names_only = || vec![item(&["name"], "name", source.span)];
        let whether = match &analysis.group {
            Some(Grouping::Whether(condition)) => Some(self.compile_with(name, text, |c, s, n| {
                c.compile_rows(s, n, &query(Some(condition), names_only()))
            })?),
            _ => None,
        };
        let meeting = match &analysis.kind {
            AnalysisKind::Rate { meeting, .. } => Some(self.compile_with(name, text, |c, s, n| {
                c.compile_rows(s, n, &query(Some(meeting), names_only()))
            })?),
            AnalysisKind::Survival => None,
        };
        let observed = if needs_observations {
            Some(observe::observation_query(&rows.class))
        } else {
            None
        };
        Ok(Plan {
            rows,
            subject: subject.filter(|_| needs_observations),
            whether,
            meeting,
            observed,
        })
    }

    /// Runs a fetch and returns its rows with list cells tidied.
    fn rows(&self, rows: &Rows) -> Result<Table> {
        match tidy_lists(self.backend.evaluate(&rows.query)?, &rows.lists) {
            Answer::Table(table) => Ok(table),
            Answer::Boolean(_) => Ok(Table::default()),
        }
    }

    /// The entities a fetch returns.
    fn entities(&self, rows: &Rows) -> Result<HashSet<String>> {
        let table = self.rows(rows)?;
        Ok((0..table.rows.len())
            .filter_map(|i| table.get(i, ENTITY_COLUMN).map(term_key))
            .collect())
    }
}

/// A fetch as the outcome keeps it.
fn fetch(rows: &Rows) -> Fetch {
    Fetch::Algebra(rows.query.clone())
}

/// What the statement does after fetching, as `explain` names it.
fn step(analysis: &Analysis) -> String {
    match &analysis.kind {
        AnalysisKind::Survival if analysis.group.is_some() => "Kaplan-Meier estimate per group (95% log(-log) Greenwood band, median with its interval), log-rank test across groups (src/analysis/survival)".into(),
        AnalysisKind::Survival => "Kaplan-Meier estimate (95% log(-log) Greenwood band, median with its interval) (src/analysis/survival)".into(),
        AnalysisKind::Rate { within: Some(years), .. } => format!(
            "share with the ending meeting the condition within {} years of the start, with its Wilson 95% interval, per group (src/analysis/rate.rs, within_horizon)",
            years.node
        ),
        AnalysisKind::Rate { within: None, .. } => "share meeting the condition, with its Wilson 95% interval, per group (src/analysis/rate.rs, base_rate)".into(),
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

/// An entity's key: its IRI.
pub(super) fn term_key(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => node.as_str().to_owned(),
        other => other.to_string(),
    }
}

/// Each row's group label: the key's value as shown (`(none)` without one), the condition or
/// its negation for `by whether`, or `all` without `by`.
fn group_labels(
    rows: &Table,
    analysis: &Analysis,
    whether: Option<&HashSet<String>>,
) -> Vec<String> {
    (0..rows.rows.len())
        .map(|i| match &analysis.group {
            None => "all".to_owned(),
            Some(Grouping::Value(_)) => rows
                .get(i, GROUP_COLUMN)
                .map(crate::output::display_term)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "(none)".to_owned()),
            Some(Grouping::Whether(_)) => {
                let entity = rows.get(i, ENTITY_COLUMN).map(term_key).unwrap_or_default();
                let yes = whether.is_some_and(|set| set.contains(&entity));
                if yes { "yes" } else { "no" }.to_owned()
            }
        })
        .collect()
}

/// The observation date of each entity, from the observation-date query's rows.
fn observation_dates(answer: Answer) -> HashMap<String, String> {
    let Answer::Table(table) = answer else {
        return HashMap::new();
    };
    let mut dates: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..table.rows.len() {
        if let (Some(entity), Some(Term::Literal(date))) =
            (table.get(i, ENTITY_COLUMN), table.get(i, "observed"))
        {
            // An entity in two graphs with two dates: the earlier one vouches for both.
            let entry = dates
                .entry(term_key(entity))
                .or_insert_with(|| date.value().to_owned());
            if date.value() < entry.as_str() {
                *entry = date.value().to_owned();
            }
        }
    }
    dates.into_iter().collect()
}
