//! Runs `analogues of ...`: codes each fetched guarantee's features, ranks the candidates by
//! weighted Jaccard similarity to the target (`analysis::similar`), and gives the top ones
//! with the features they share and what became of them, then the outcomes' base rates.

use std::collections::HashSet;

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

/// The features of the guarantee in `row` (columns of src/compile/analogues.rs).
pub fn features(table: &Table, row: usize) -> Vec<Feature> {
    let mut out = Vec::new();
    for mechanism in values(table, row, "mechanism") {
        out.push(Feature::new("mechanism", normal(&mechanism)));
    }
    let guarantors = values(table, row, "guarantor");
    out.push(Feature::new(
        "guarantor_count",
        count_bucket(guarantors.len()),
    ));
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
) -> Result<(Vec<Titled>, Vec<String>), String> {
    let (goal, exclude) = match target {
        Some((table, row)) => (
            features(table, row),
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
                features: features(candidates, i),
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
