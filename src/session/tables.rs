//! The numbers of `survival` and `rate` as result tables, so that every output (terminal,
//! CSV, TSV, JSON, Markdown, the shell, reports) shows them like any answer. Numbers are
//! `xsd:decimal` literals rounded to four places (years, survival, bounds) or `xsd:integer`
//! counts; a median or bound that the curve never reaches is the text `not reached`.

use std::collections::{BTreeMap, HashSet};

use oxigraph::model::{Literal, Term, vocab::xsd};

use super::Titled;
use super::observe::Observed;
use crate::analysis::rate::{base_rate, within_horizon};
use crate::analysis::survival::{Observation, kaplan_meier, log_rank};
use crate::compile::ENTITY_COLUMN;
use crate::results::{Answer, Table};

/// The group of each fetched row, and what the groups are (the key or condition as written).
pub(crate) struct Groups {
    /// The heading of the group column; `None` without `by` (one group, no column).
    pub title: Option<String>,
    /// One label per fetched row.
    pub labels: Vec<String>,
}

impl Groups {
    /// The groups in order (by label; for `by whether`, `yes` first), each with its rows'
    /// items.
    fn split<T: Clone>(&self, items: &[(usize, T)]) -> Vec<(String, Vec<T>)> {
        let mut groups: BTreeMap<(u8, &str), Vec<T>> = BTreeMap::new();
        for (row, item) in items {
            let label = self.labels[*row].as_str();
            // "yes" before "no", "(none)" last; the rest alphabetically.
            let rank = match label {
                "yes" => 0,
                "no" => 1,
                "(none)" => 3,
                _ => 2,
            };
            groups.entry((rank, label)).or_default().push(item.clone());
        }
        groups
            .into_iter()
            .map(|((_, label), items)| (label.to_owned(), items))
            .collect()
    }

    fn head(&self, columns: &[&str]) -> Vec<String> {
        self.title
            .iter()
            .cloned()
            .chain(columns.iter().map(|c| (*c).to_owned()))
            .collect()
    }

    fn row(&self, label: &str, cells: Vec<Term>) -> Vec<Option<Term>> {
        let group = self
            .title
            .as_ref()
            .map(|_| Literal::new_simple_literal(label).into());
        group.into_iter().chain(cells).map(Some).collect()
    }
}

/// The step table, the summary per group (observations, events, censored, median with its
/// interval; observed and expected events when groups are compared) and the log-rank test.
pub fn survival(
    observed: &Observed,
    groups: &Groups,
    compare: bool,
) -> Result<(Vec<Titled>, Vec<String>), String> {
    let mut notes = observed.notes();
    if observed.observations.is_empty() {
        return Err(format!(
            "no {} left to estimate survival from{}",
            observed.plural,
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join("; "))
            }
        ));
    }
    let split = groups.split(&observed.observations);
    let test = if compare && split.len() >= 2 {
        let samples: Vec<&[Observation]> = split.iter().map(|(_, o)| o.as_slice()).collect();
        match log_rank(&samples) {
            Ok(test) => Some(test),
            Err(error) => {
                notes.push(format!("no log-rank test: {error}"));
                None
            }
        }
    } else {
        if compare {
            notes.push("no log-rank test: the data fall into one group".into());
        }
        None
    };
    let mut steps = Table {
        columns: groups.head(&[
            "time", "at_risk", "events", "censored", "survival", "lower", "upper",
        ]),
        rows: Vec::new(),
    };
    let mut summary_columns = vec![
        "subjects",
        "events",
        "censored",
        "median",
        "median_lower",
        "median_upper",
    ];
    if test.is_some() {
        summary_columns.extend(["expected_events"]);
    }
    let mut summary = Table {
        columns: groups.head(&summary_columns),
        rows: Vec::new(),
    };
    for (index, (label, sample)) in split.iter().enumerate() {
        let km = kaplan_meier(sample).map_err(|e| e.to_string())?;
        for step in &km.steps {
            steps.rows.push(groups.row(
                label,
                vec![
                    decimal(step.time),
                    integer(step.at_risk),
                    integer(step.events),
                    integer(step.censored),
                    decimal(step.survival),
                    decimal(step.lower),
                    decimal(step.upper),
                ],
            ));
        }
        let mut cells = vec![
            integer(km.observations),
            integer(km.events),
            integer(km.observations - km.events),
            reached(km.median.time),
            reached(km.median.lower),
            reached(km.median.upper),
        ];
        if let Some(test) = &test {
            cells.push(decimal(test.groups[index].expected));
        }
        summary.rows.push(groups.row(label, cells));
    }
    let mut tables = vec![
        Titled::new("survival", steps),
        Titled::new("summary", summary),
    ];
    if compare {
        let mut table = Table {
            columns: ["test", "groups", "statistic", "df", "p_value"]
                .map(str::to_owned)
                .to_vec(),
            rows: Vec::new(),
        };
        if let Some(test) = &test {
            table.rows.push(
                [
                    Literal::new_simple_literal("log-rank").into(),
                    integer(split.len()),
                    decimal(test.statistic),
                    integer(test.degrees_of_freedom),
                    decimal(test.p_value),
                ]
                .map(Some)
                .to_vec(),
            );
        }
        tables.push(Titled::new("log-rank test", table));
    }
    Ok((tables, notes))
}

/// The share of each group's entities that meet the condition, with its Wilson interval.
pub fn rate(
    rows: &Table,
    groups: &Groups,
    meeting: &HashSet<String>,
) -> Result<(Vec<Titled>, Vec<String>), String> {
    let items: Vec<(usize, bool)> = (0..rows.rows.len())
        .map(|i| {
            let entity = rows.get(i, ENTITY_COLUMN).map(super::analysis::term_key);
            (i, entity.is_some_and(|e| meeting.contains(&e)))
        })
        .collect();
    if items.is_empty() {
        return Err("no entities to count".into());
    }
    let mut table = Table {
        columns: groups.head(&["count", "total", "share", "lower", "upper"]),
        rows: Vec::new(),
    };
    for (label, meets) in groups.split(&items) {
        let count = meets.iter().filter(|m| **m).count();
        let rate = base_rate(count, meets.len()).map_err(|e| e.to_string())?;
        table.rows.push(groups.row(
            &label,
            vec![
                integer(rate.count),
                integer(rate.total),
                decimal(rate.share),
                decimal(rate.lower),
                decimal(rate.upper),
            ],
        ));
    }
    Ok((vec![Titled::new("rate", table)], Vec::new()))
}

/// The share of each group whose ending meets the condition within `years` of the start.
pub fn within(
    observed: &Observed,
    groups: &Groups,
    years: f64,
) -> Result<(Vec<Titled>, Vec<String>), String> {
    let notes = observed.notes();
    if observed.observations.is_empty() {
        return Err(format!("no {} left to count", observed.plural));
    }
    let mut table = Table {
        columns: groups.head(&["count", "total", "share", "lower", "upper", "excluded"]),
        rows: Vec::new(),
    };
    for (label, sample) in groups.split(&observed.observations) {
        let horizon = within_horizon(&sample, years).map_err(|e| format!("{label}: {e}"))?;
        let rate = horizon.rate;
        table.rows.push(groups.row(
            &label,
            vec![
                integer(rate.count),
                integer(rate.total),
                decimal(rate.share),
                decimal(rate.lower),
                decimal(rate.upper),
                integer(horizon.excluded),
            ],
        ));
    }
    let mut notes = notes;
    notes.push(format!(
        "`excluded` counts the {} followed for less than {years} years without the event \
         (ended without it, or still holding): nobody knows what the rest of their window held",
        observed.plural
    ));
    Ok((vec![Titled::new("rate", table)], notes))
}

/// A number rounded to four decimal places, as `xsd:decimal`.
fn decimal(value: f64) -> Term {
    let text = format!("{value:.4}");
    // -0.0000 reads as a sign error.
    let text = if text == "-0.0000" {
        "0.0000".to_owned()
    } else {
        text
    };
    Literal::new_typed_literal(text, xsd::DECIMAL).into()
}

fn integer(value: usize) -> Term {
    Literal::new_typed_literal(value.to_string(), xsd::INTEGER).into()
}

/// A time, or `not reached` where the curve never falls that far within the data.
fn reached(value: Option<f64>) -> Term {
    match value {
        Some(value) => decimal(value),
        None => Literal::new_simple_literal("not reached").into(),
    }
}

impl Titled {
    fn new(title: &str, table: Table) -> Self {
        Titled {
            title: title.to_owned(),
            answer: Answer::Table(table),
        }
    }
}
