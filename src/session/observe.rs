//! From fetched rows to survival observations: which date starts a peace or a guarantee, which
//! coded ending is the event and which censors it, and which rows cannot be used (each left
//! out with its reason, never silently). The rules are docs/analysis.md's "From the data to
//! observations"; the columns are those src/compile/analysis.rs fetches.

use std::collections::{HashMap, HashSet};

use oxigraph::model::Term;

use super::analysis::term_key;
use crate::analysis::survival::Observation;
use crate::compile::ENTITY_COLUMN;
use crate::compile::analysis::Subject;
use crate::results::Table;

/// Days in a year, for durations in years (docs/analysis.md: days / 365.25).
const DAYS_PER_YEAR: f64 = 365.25;

/// The observations made from the rows, with the rows left out and why.
#[derive(Debug, Default)]
pub(crate) struct Observed {
    /// (row index, observation) for every usable row.
    pub observations: Vec<(usize, Observation)>,
    /// Each reason a row was left out, with the names of the rows it left out, in the order
    /// met.
    pub excluded: Vec<(String, Vec<String>)>,
    /// How many observations involve a date known only to the month or year.
    pub imprecise: usize,
    /// How many of those ended before they started only because of that, counted as 0 years.
    pub clamped: usize,
    /// What an observation is: "settlements", "guarantees".
    pub plural: &'static str,
}

impl Observed {
    fn exclude(&mut self, reason: &str, name: String) {
        match self.excluded.iter_mut().find(|(r, _)| r == reason) {
            Some((_, names)) => names.push(name),
            None => self.excluded.push((reason.to_owned(), vec![name])),
        }
    }

    /// The notes a reader needs beside the numbers: what was left out and why, and how many
    /// durations rest on imprecise dates.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .excluded
            .iter()
            .map(|(reason, names)| {
                let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
                let more = if names.len() > 5 {
                    format!(" and {} more", names.len() - 5)
                } else {
                    String::new()
                };
                format!(
                    "left out {} {} {reason}: {}{more}",
                    names.len(),
                    self.plural,
                    shown.join("; ")
                )
            })
            .collect();
        if self.imprecise > 0 {
            notes.push(format!(
                "{} of the {} durations involve a date known only to the month or year \
                 (stored as its first day)",
                self.imprecise,
                self.observations.len()
            ));
        }
        if self.clamped > 0 {
            notes.push(format!(
                "{} of them end before they start only because a date known to the month or \
                 year is stored as its first day: counted as 0 years",
                self.clamped
            ));
        }
        notes
    }
}

/// Turns fetched rows into observations. With `meeting` (a rate `within` a horizon), the event
/// is "meets the condition" at the observation's end instead of the coded event.
pub(crate) fn observe(
    rows: &Table,
    subject: Subject,
    observed: &HashMap<String, String>,
    meeting: Option<&HashSet<String>>,
) -> Observed {
    let mut out = Observed {
        plural: subject.plural(),
        ..Observed::default()
    };
    for i in 0..rows.rows.len() {
        let text = |column: &str| rows.get(i, column).map(crate::output::display_term);
        let entity = rows.get(i, ENTITY_COLUMN).map(term_key).unwrap_or_default();
        let name = text("name")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| entity.clone());
        let ending = rows.get(i, "ending").map(concept_key);
        let Some(start) = text("start").as_deref().and_then(first_day) else {
            out.exclude("without a start date", name);
            continue;
        };
        let observation_date = || observed.get(&entity).and_then(|d| first_day(d));
        // (the end's day, whether it is the event, the precision column of its date)
        let end: Result<(i64, bool, Option<&str>), &str> = match (subject, ending.as_deref()) {
            (_, None) => Err(match subject {
                Subject::Settlements => "without a coded peace ending",
                Subject::Guarantees => "without a recorded outcome",
            }),
            (Subject::Settlements, Some("war-resumed")) => day(&text("event_on"))
                .map(|d| (d, true, Some("event_precision")))
                .ok_or("coded war resumed without the date (peace held until)"),
            (Subject::Settlements, Some("lapsed" | "superseded" | "ended-without-war")) => {
                day(&text("censored_on"))
                    .map(|d| (d, false, Some("censored_precision")))
                    .ok_or("ended without war, without the date (peace ended on)")
            }
            (Subject::Guarantees, Some("violated")) => day(&text("event_on"))
                .map(|d| (d, true, Some("event_precision")))
                .ok_or("violated, without the date of the first violation (outcome date)"),
            (Subject::Guarantees, Some("lapsed" | "superseded")) => day(&text("event_on"))
                .map(|d| (d, false, Some("event_precision")))
                .ok_or("lapsed or superseded, without the date (outcome date)"),
            (_, Some("never-in-force")) => Err("never in force (no peace or guarantee to follow)"),
            (Subject::Settlements, Some("holding"))
            | (Subject::Guarantees, Some("honoured" | "untested")) => observation_date()
                .map(|d| (d, false, None))
                .ok_or("still holding, in a graph without an observation date (tr:observedOn)"),
            (_, Some(_)) => Err("with an ending the analysis does not know"),
        };
        let (end, event, precision) = match end {
            Ok(end) => end,
            Err(reason) => {
                out.exclude(reason, name);
                continue;
            }
        };
        let imprecise = |column: &str| {
            text(column)
                .is_some_and(|p| p.split("; ").any(|p| !p.is_empty() && !p.ends_with("day")))
        };
        let vague = imprecise("start_precision") || precision.is_some_and(imprecise);
        if vague {
            out.imprecise += 1;
        }
        // A violation dated only to its month (stored as the 1st) can fall before a signing
        // later that month: that is a duration of zero, not an error. Otherwise it is one.
        let end = if end < start && vague {
            out.clamped += 1;
            start
        } else if end < start {
            out.exclude("whose end comes before its start", name);
            continue;
        } else {
            end
        };
        let event = match meeting {
            Some(set) => set.contains(&entity),
            None => event,
        };
        let time = (end - start) as f64 / DAYS_PER_YEAR;
        out.observations.push((i, Observation { time, event }));
    }
    out
}

/// A concept's key: the last segment of its IRI (`war-resumed`), or a label in lower case with
/// hyphens for spaces.
fn concept_key(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => node
            .as_str()
            .rsplit(['/', '#'])
            .next()
            .unwrap_or_default()
            .to_owned(),
        other => crate::output::display_term(other)
            .to_lowercase()
            .replace(' ', "-"),
    }
}

fn day(text: &Option<String>) -> Option<i64> {
    text.as_deref().and_then(first_day)
}

/// The day number of the earliest date in a cell (a list cell holds several, sorted, so the
/// first is the earliest): days since 1970-01-01 of `YYYY-MM-DD`.
pub(crate) fn first_day(cell: &str) -> Option<i64> {
    let date = cell.split("; ").next()?.trim();
    let mut parts = date.get(..10)?.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(crate::lang::date::days_from_civil(year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_leap_years_and_centuries() {
        assert_eq!(first_day("1970-01-01"), Some(0));
        assert_eq!(first_day("2000-03-01"), Some(11_017));
        // 1900 is not a leap year, 2000 is.
        assert_eq!(
            first_day("1900-03-01").unwrap() - first_day("1900-02-28").unwrap(),
            1
        );
        assert_eq!(
            first_day("2000-03-01").unwrap() - first_day("2000-02-28").unwrap(),
            2
        );
        assert_eq!(
            first_day("1815-11-20").unwrap() - first_day("1815-06-09").unwrap(),
            164
        );
        // A list cell: the earliest date is first.
        assert_eq!(first_day("1815-06-09; 1815-11-20"), first_day("1815-06-09"));
        assert_eq!(first_day("not a date"), None);
    }
}
