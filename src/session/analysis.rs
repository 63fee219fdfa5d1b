//! Runs a compiled `survival` or `rate` statement ([`Plan`]): its fetch queries on the
//! backend like any query (so it works over an endpoint too), the rows turned into
//! observations (observe.rs), the statistic computed by `analysis` and returned as tables
//! (tables.rs).

use std::collections::{BTreeMap, HashMap, HashSet};

use oxigraph::model::Term;

use super::tables::{self, Groups};
use super::{Analysed, Fetched, Query as Fetch, Session, observe};
use crate::compile::analysis::{GROUP_COLUMN, Plan};
use crate::compile::{ENTITY_COLUMN, Rows, tidy_lists};
use crate::error::{Error, Result};
use crate::lang::ast::{AnalysisKind, Grouping, Target};
use crate::lang::diagnostic::Diagnostic;
use crate::results::{Answer, Table};

impl Session<'_> {
    /// The fetch queries of `plan` and, when `execute`, the statistic's tables.
    pub(super) fn run_plan(
        &mut self,
        name: &str,
        text: &str,
        plan: &Plan,
        execute: bool,
        fetched: &mut Fetched,
    ) -> Result<Analysed> {
        let fetches = plan
            .fetches()
            .into_iter()
            .map(|(what, query)| (what.to_owned(), Fetch::Algebra(Box::new(query.clone()))))
            .collect();
        let step = plan.step();
        if !execute {
            return Ok(Analysed {
                fetches,
                step,
                tables: Vec::new(),
                notes: Vec::new(),
            });
        }
        let analysis = &plan.analysis;
        let fail = |message: String| Error::Tql {
            name: name.to_owned(),
            text: text.to_owned(),
            diagnostic: Box::new(Diagnostic::new(analysis.span, message)),
        };
        let rows = self.rows(&plan.rows, fetched)?;
        if let AnalysisKind::Analogues { target, .. } = &analysis.kind {
            let named = plan
                .target
                .as_ref()
                .map(|r| self.rows(r, fetched))
                .transpose()?;
            if let (Some(found), Target::Named(written)) = (&named, target)
                && found.rows.len() != 1
            {
                let written_text = text
                    .get(written.span().start..written.span().end)
                    .unwrap_or_default();
                let message = if found.rows.is_empty() {
                    format!("no guarantee is named {written_text}")
                } else {
                    format!("{} guarantees are named {written_text}", found.rows.len())
                };
                return Err(Error::Tql {
                        name: name.to_owned(),
                        text: text.to_owned(),
                        diagnostic: Box::new(
                            Diagnostic::new(written.span(), message)
                                .with_label("the guarantee to compare with")
                                .with_help("`guarantees where name contains \"...\" show name` lists the names"),
                        ),
                    });
            }
            let powers = match &plan.great_powers {
                Some(query) => {
                    super::analogues::GreatPowers::from_answer(self.backend.evaluate(query)?)
                }
                None => super::analogues::GreatPowers::default(),
            };
            let (tables, notes) =
                super::analogues::analogues(plan, &rows, named.as_ref().map(|t| (t, 0)), &powers)
                    .map_err(fail)?;
            return Ok(Analysed {
                fetches,
                step,
                tables,
                notes,
            });
        }
        let whether = plan
            .whether
            .as_ref()
            .map(|r| self.entities(r, fetched))
            .transpose()?;
        let meeting = plan
            .meeting
            .as_ref()
            .map(|r| self.entities(r, fetched))
            .transpose()?;
        let dates = match &plan.observed {
            Some(query) => observation_dates(fetched.evaluate(self.backend, query)?),
            None => HashMap::new(),
        };
        // The group column is headed by the key or condition as written.
        let title = analysis.group.as_ref().map(|group| {
            let span = match group {
                Grouping::Value(key) => key.span(),
                Grouping::Whether(condition) => condition.span(),
            };
            text.get(span.start..span.end)
                .unwrap_or("group")
                .trim()
                .to_owned()
        });
        let groups = Groups {
            title,
            labels: group_labels(&rows, plan, whether.as_ref()),
        };
        let (tables, notes) = match (&analysis.kind, plan.subject) {
            (AnalysisKind::Survival, Some(subject)) => {
                let observed = observe::observe(&rows, subject, &dates, None);
                tables::survival(&observed, &groups, analysis.group.is_some()).map_err(fail)?
            }
            (
                AnalysisKind::Rate {
                    within: Some(years),
                    ..
                },
                Some(subject),
            ) => {
                let meeting = meeting.unwrap_or_default();
                let observed = observe::observe(&rows, subject, &dates, Some(&meeting));
                tables::within(&observed, &groups, years.node).map_err(fail)?
            }
            (AnalysisKind::Rate { .. }, _) => {
                tables::rate(&rows, &groups, &meeting.unwrap_or_default()).map_err(fail)?
            }
            (AnalysisKind::Survival, None) | (AnalysisKind::Analogues { .. }, _) => {
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

    /// Runs a fetch and returns its rows with list cells tidied, sorted by their first shown
    /// column (the name) and the entity: the fetch leaves the order to the session
    /// (`Compiler::compile_rows`). A fetch with a limit comes sorted, and stays so.
    fn rows(&self, rows: &Rows, fetched: &mut Fetched) -> Result<Table> {
        let answer = fetched.evaluate(self.backend, &rows.query)?;
        let mut table = match tidy_lists(answer, &rows.lists) {
            Answer::Table(table) => table,
            Answer::Boolean(_) => return Ok(Table::default()),
        };
        if !rows.ordered {
            let entity = table.columns.iter().position(|c| c == ENTITY_COLUMN);
            let name = table.columns.iter().position(|c| c != ENTITY_COLUMN);
            let key = |row: &Vec<Option<Term>>, column: Option<usize>| {
                column
                    .and_then(|c| row.get(c)?.as_ref())
                    .map(|term| match term {
                        Term::Literal(literal) => literal.value().to_owned(),
                        other => term_key(other),
                    })
            };
            table
                .rows
                .sort_by_cached_key(|row| (key(row, name), key(row, entity)));
        }
        Ok(table)
    }

    /// The entities a fetch returns.
    fn entities(&self, rows: &Rows, fetched: &mut Fetched) -> Result<HashSet<String>> {
        let table = self.rows(rows, fetched)?;
        Ok((0..table.rows.len())
            .filter_map(|i| table.get(i, ENTITY_COLUMN).map(term_key))
            .collect())
    }
}

/// An entity's key: its IRI.
pub(super) fn term_key(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => node.as_str().to_owned(),
        other => other.to_string(),
    }
}

/// Each row's group label: the key's value as shown (`(none)` without one), `yes` or `no`
/// for `by whether`, `all` without `by`.
fn group_labels(rows: &Table, plan: &Plan, whether: Option<&HashSet<String>>) -> Vec<String> {
    (0..rows.rows.len())
        .map(|i| match &plan.analysis.group {
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
