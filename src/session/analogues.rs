//! Runs `analogues of ...`: codes each fetched guarantee's features, ranks the candidates by
//! weighted Jaccard similarity to the target (`analysis::similar`), and gives the top ones
//! with the features they share and what became of them, then the outcomes' base rates.

use std::collections::{HashMap, HashSet};

use oxigraph::model::{Literal, Term, vocab::xsd};

use super::Titled;
use super::analysis::term_key;
use crate::analysis::similar::{Candidate, Feature, count_bucket, rank, summarize};
use crate::compile::ENTITY_COLUMN;
use crate::compile::analogues_normal as normal;
use crate::compile::analysis::Plan;
use crate::output::display_term;
use crate::results::{Answer, Table};

/// The values of a cell: one, or the items of a list cell.
fn values(table: &Table, row: usize, column: &str) -> Vec<String> {
    table
        .get(row, column)
        .map(display_term)
        .map(|cell| {
            cell.split("; ")
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Who was a great power when, as the great powers query gives it
/// (src/compile/analogues.rs, `great_powers_query`; docs/data.md, "Great powers").
#[derive(Debug, Default)]
pub struct GreatPowers {
    /// The years (inclusive) for which a list codes great powers.
    lists: Vec<(i64, i64)>,
    /// Per guarantee: for each spell of each of its guarantors, whether it is a great power
    /// spell (else a span of unknown status) and its years.
    spells: HashMap<String, Vec<(bool, i64, i64)>>,
}

impl GreatPowers {
    /// Reads the great powers query's answer; rows it cannot read are left out.
    pub fn from_answer(answer: Answer) -> Self {
        let mut out = GreatPowers::default();
        let Answer::Table(table) = answer else {
            return out;
        };
        let year = |i: usize, column: &str| match table.get(i, column) {
            Some(Term::Literal(l)) => year_of(l.value()),
            _ => None,
        };
        for i in 0..table.rows.len() {
            let (Some(entity), Some(Term::Literal(status)), Some(from), Some(until)) = (
                table.get(i, ENTITY_COLUMN).map(term_key),
                table.get(i, "status"),
                year(i, "from"),
                year(i, "until"),
            ) else {
                continue;
            };
            match status.value() {
                "list" => out.lists.push((from, until)),
                other => out.spells.entry(entity).or_default().push((
                    other == "great power",
                    from,
                    until,
                )),
            }
        }
        out
    }

    /// Whether a guarantor of `guarantee` was a great power in `year`: `Some(true)` when one
    /// was; `Some(false)` when a list codes the year and it leaves none of them unknown;
    /// `None` when no list codes the year, or one guarantor's status is unknown then.
    fn guarantor_was_one(&self, guarantee: &str, year: i64) -> Option<bool> {
        if !self
            .lists
            .iter()
            .any(|&(from, until)| (from..=until).contains(&year))
        {
            return None;
        }
        let spells = self.spells.get(guarantee).map_or(&[][..], Vec::as_slice);
        let covering = |great: bool| {
            spells
                .iter()
                .any(|&(g, from, until)| g == great && (from..=until).contains(&year))
        };
        if covering(true) {
            Some(true)
        } else if covering(false) {
            None
        } else {
            Some(false)
        }
    }
}

/// The year of an `xsd:gYear` or `xsd:date` value (`1816`, `1816-01-01`, `-0500`).
fn year_of(value: &str) -> Option<i64> {
    let (sign, digits) = match value.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, value),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse::<i64>().ok().map(|y| sign * y)
}

/// The features of the guarantee in `row` (columns of src/compile/analogues.rs).
/// `great_power_guarantor` is coded for the earliest year of signing of its settlements, and
/// left out when `powers` cannot say (no list covers the year, a guarantor's status is unknown
/// then, or no guarantor is recorded).
pub fn features(table: &Table, row: usize, powers: &GreatPowers) -> Vec<Feature> {
    let mut out = Vec::new();
    for mechanism in values(table, row, "mechanism") {
        out.push(Feature::new("mechanism", normal(&mechanism)));
    }
    let guarantors = values(table, row, "guarantor");
    out.push(Feature::new(
        "guarantor_count",
        count_bucket(guarantors.len()),
    ));
    let first_signed = values(table, row, "signed")
        .iter()
        .filter_map(|d| year_of(d))
        .min();
    if let (Some(key), Some(year), false) = (
        table.get(row, ENTITY_COLUMN).map(term_key),
        first_signed,
        guarantors.is_empty(),
    ) && let Some(great) = powers.guarantor_was_one(&key, year)
    {
        out.push(Feature::new("great_power_guarantor", great.to_string()));
    }
    let belligerents: HashSet<String> = values(table, row, "belligerent").into_iter().collect();
    out.push(Feature::new(
        "former_belligerent_guarantor",
        guarantors
            .iter()
            .any(|g| belligerents.contains(g))
            .to_string(),
    ));
    for flag in ["reciprocal", "legally_binding", "secret"] {
        if let Some(value) = values(table, row, flag).first() {
            out.push(Feature::new(flag, value.to_lowercase()));
        }
    }
    if let Some(year) = values(table, row, "signed")
        .first()
        .and_then(|d| d.get(..4)?.parse::<i64>().ok())
    {
        out.push(Feature::new(
            "era",
            ((year - 1).div_euclid(100) + 1).to_string(),
        ));
    }
    for region in values(table, row, "region") {
        out.push(Feature::new("region", normal(&region)));
    }
    out
}

/// The analogues table and the outcomes' base rates; the notes say what the target was.
pub fn analogues(
    plan: &Plan,
    candidates: &Table,
    target: Option<(&Table, usize)>,
    powers: &GreatPowers,
) -> Result<(Vec<Titled>, Vec<String>), String> {
    let (goal, exclude) = match target {
        Some((table, row)) => (
            features(table, row, powers),
            table.get(row, ENTITY_COLUMN).map(term_key),
        ),
        None => (plan.described.clone(), None),
    };
    let mut names = std::collections::HashMap::new();
    let pool: Vec<Candidate> = (0..candidates.rows.len())
        .filter_map(|i| {
            let key = candidates.get(i, ENTITY_COLUMN).map(term_key)?;
            if exclude.as_ref() == Some(&key) {
                return None;
            }
            names.insert(
                key.clone(),
                values(candidates, i, "name")
                    .first()
                    .cloned()
                    .unwrap_or_default(),
            );
            Some(Candidate {
                key,
                features: features(candidates, i, powers),
                outcome: values(candidates, i, "outcome").first().cloned(),
            })
        })
        .collect();
    let ranked = rank(&goal, &pool, &plan.weights).map_err(|e| e.to_string())?;
    if ranked.is_empty() {
        return Err("no guarantee shares a feature of weight with the target".into());
    }
    let top = &ranked[..plan.top.min(ranked.len())];
    let mut table = Table {
        columns: ["rank", "analogue", "similarity", "shared", "outcome"]
            .map(str::to_owned)
            .to_vec(),
        rows: Vec::new(),
    };
    for (i, analogue) in top.iter().enumerate() {
        let shared: Vec<String> = analogue
            .shared
            .iter()
            .map(|f| format!("{} = {}", f.name, f.value))
            .collect();
        table.rows.push(vec![
            Some(integer(i + 1)),
            Some(text(&names[&analogue.key])),
            Some(decimal(analogue.similarity)),
            Some(text(&shared.join("; "))),
            analogue.outcome.as_deref().map(text),
        ]);
    }
    let mut outcomes = Table {
        columns: ["outcome", "count", "total", "share", "lower", "upper"]
            .map(str::to_owned)
            .to_vec(),
        rows: Vec::new(),
    };
    for share in summarize(&ranked, plan.top).map_err(|e| e.to_string())? {
        let r = share.rate;
        outcomes.rows.push(vec![
            Some(text(share.outcome.as_deref().unwrap_or("(not recorded)"))),
            Some(integer(r.count)),
            Some(integer(r.total)),
            Some(decimal(r.share)),
            Some(decimal(r.lower)),
            Some(decimal(r.upper)),
        ]);
    }
    let coded: Vec<String> = goal
        .iter()
        .map(|f| format!("{} = {}", f.name, f.value))
        .collect();
    let notes = vec![
        format!("the target's features: {}", coded.join("; ")),
        format!(
            "{} of {} candidate guarantees share a feature of weight with it",
            ranked.len(),
            pool.len()
        ),
    ];
    Ok((
        vec![
            Titled {
                title: "analogues".into(),
                answer: Answer::Table(table),
            },
            Titled {
                title: "outcomes".into(),
                answer: Answer::Table(outcomes),
            },
        ],
        notes,
    ))
}

fn text(value: &str) -> Term {
    Literal::new_simple_literal(value).into()
}

fn integer(value: usize) -> Term {
    Literal::new_typed_literal(value.to_string(), xsd::INTEGER).into()
}

fn decimal(value: f64) -> Term {
    Literal::new_typed_literal(format!("{value:.4}"), xsd::DECIMAL).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lists (1648-1815 and 1816-2016); guarantee `g` has a guarantor that was a great
    /// power 1816-1940 and another of unknown status 1648-1815; `h` has no spells at all.
    fn powers() -> GreatPowers {
        GreatPowers {
            lists: vec![(1648, 1815), (1816, 2016)],
            spells: HashMap::from([(
                "g".to_owned(),
                vec![(true, 1816, 1940), (false, 1648, 1815)],
            )]),
        }
    }

    #[test]
    fn a_great_power_in_the_year_settles_it() {
        assert_eq!(powers().guarantor_was_one("g", 1816), Some(true));
        assert_eq!(powers().guarantor_was_one("g", 1940), Some(true));
    }

    #[test]
    fn a_covered_year_without_spells_is_false() {
        assert_eq!(powers().guarantor_was_one("g", 1941), Some(false));
        assert_eq!(powers().guarantor_was_one("h", 1700), Some(false));
    }

    #[test]
    fn unknown_status_or_an_uncovered_year_gives_no_value() {
        assert_eq!(powers().guarantor_was_one("g", 1700), None);
        assert_eq!(powers().guarantor_was_one("h", 2022), None);
        assert_eq!(powers().guarantor_was_one("h", 1600), None);
    }

    #[test]
    fn years_of_dates_and_gyears() {
        assert_eq!(year_of("1839-04-19"), Some(1839));
        assert_eq!(year_of("1816"), Some(1816));
        assert_eq!(year_of("-0500"), Some(-500));
        assert_eq!(year_of("undated"), None);
    }
}
