//! `analogues of ...`: the columns fetched to code a guarantee's features, the query for a
//! guarantee named as the target, the query for its guarantors' great power years, and a target
//! described inline, checked feature by feature. The features and their default weights are
//! docs/analysis.md's "Analogues".

use std::collections::BTreeMap;

use super::ENTITY_COLUMN;
use super::analysis::item;
use crate::analysis::similar::{Feature, count_bucket, default_weights};
use crate::lang::ast::{
    Clause, CompareOp, Condition, Expr, Item, Path, Query, Repeat, Span, Spanned, Step,
};
use crate::lang::diagnostic::Diagnostic;
use crate::vocab::ONTOLOGY;

/// The features a guarantee is coded by, with what a described target gives for each.
pub(crate) const FEATURES: &[(&str, &str)] = &[
    (
        "mechanism",
        "a mechanism, such as neutrality (several allowed)",
    ),
    (
        "guarantor_count",
        "a number of guarantors (compared as 0, 1, 2, 3-4, 5+)",
    ),
    (
        "great_power_guarantor",
        "true or false: a guarantor was a great power in the year of signing",
    ),
    (
        "former_belligerent_guarantor",
        "true or false: a guarantor fought in the war the settlement ended",
    ),
    ("reciprocal", "true or false"),
    ("legally_binding", "true or false"),
    ("secret", "true or false"),
    ("era", "the century of signing, such as 20"),
    ("region", "a region, such as europe (several allowed)"),
];

/// The columns a candidate's features are coded from (src/session/analogues.rs reads them).
pub fn columns(span: Span) -> Vec<Item> {
    [
        (&["name"][..], "name"),
        (&["mechanism"], "mechanism"),
        (&["guarantor"], "guarantor"),
        (&["settlement", "ends", "belligerent"], "belligerent"),
        (&["reciprocal"], "reciprocal"),
        (&["legally_binding"], "legally_binding"),
        (&["secret"], "secret"),
        (&["settlement", "signed"], "signed"),
        (&["settlement", "region"], "region"),
        (&["outcome"], "outcome"),
    ]
    .iter()
    .map(|(path, alias)| item(path, alias, span))
    .collect()
}

/// The guarantee called `name`, with `items` as columns, whatever the statement's filters.
pub fn named(source: &Spanned<String>, name: &Expr, items: Vec<Item>, span: Span) -> Query {
    let name_path = Expr::Path(Path {
        steps: vec![Step {
            field: Spanned::new("name".to_owned(), name.span()),
            repeat: Repeat::Once,
        }],
        span: name.span(),
    });
    Query {
        count: None,
        source: source.clone(),
        clauses: vec![
            Clause::Where(Condition::Compare {
                left: name_path,
                op: Spanned::new(CompareOp::Eq, name.span()),
                right: name.clone(),
            }),
            Clause::Show {
                distinct: false,
                items,
                span: source.span,
            },
        ],
        span,
    }
}

/// A value as features compare it: in lower case, with `_` and `-` read as spaces, and an
/// IRI by its last segment (`.../mechanism/guarantor-powers` is `guarantor powers`).
pub(crate) fn normal(text: &str) -> String {
    let text = if text.contains("://") {
        text.rsplit(['/', '#']).next().unwrap_or(text)
    } else {
        text
    };
    text.trim().to_lowercase().replace(['_', '-'], " ")
}

/// The features of a target described inline; an unknown feature or a value of the wrong
/// kind is an error at the word.
pub(crate) fn described(features: &[(Spanned<String>, Expr)]) -> Result<Vec<Feature>, Diagnostic> {
    let mut out = Vec::new();
    for (name, value) in features {
        let key = name.node.to_lowercase();
        let Some((key, what)) = FEATURES.iter().find(|(k, _)| *k == key) else {
            return Err(unknown_feature(name));
        };
        let wrong = || {
            Diagnostic::new(value.span(), format!("`{key}` takes {what}"))
                .with_label("not a value of this feature")
        };
        let value = match (*key, value) {
            ("guarantor_count", Expr::Integer(n)) if n.node >= 0 => {
                count_bucket(n.node as usize).to_owned()
            }
            ("era", Expr::Integer(n)) => n.node.to_string(),
            (
                "great_power_guarantor"
                | "former_belligerent_guarantor"
                | "reciprocal"
                | "legally_binding"
                | "secret",
                Expr::Boolean(b),
            ) => b.node.to_string(),
            ("mechanism" | "region", Expr::Text(t)) => normal(&t.node),
            ("mechanism" | "region", Expr::Path(p)) if p.steps.len() == 1 => {
                normal(&p.steps[0].field.node)
            }
            _ => return Err(wrong()),
        };
        out.push(Feature::new(*key, value));
    }
    Ok(out)
}

/// The default weights with the statement's on top; an unknown feature or a negative weight
/// is an error at the word.
pub fn weights(
    given: &[(Spanned<String>, Spanned<f64>)],
) -> Result<BTreeMap<String, f64>, Diagnostic> {
    let mut weights = default_weights();
    for (name, weight) in given {
        let key = name.node.to_lowercase();
        if !FEATURES.iter().any(|(k, _)| *k == key) {
            return Err(unknown_feature(name));
        }
        weights.insert(key, weight.node);
    }
    Ok(weights)
}

/// `no feature NAME`, at the word, with the features there are.
fn unknown_feature(name: &Spanned<String>) -> Diagnostic {
    Diagnostic::new(name.span, format!("no feature `{}`", name.node))
        .with_label("not a feature of guarantees")
        .with_help(format!(
            "the features are {}",
            FEATURES
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        ))
}

/// Every guarantee with the great power years of each guarantor (`status` `great power`, or
/// `unknown` where the list leaves it open), and every list with the years the data codes
/// from it (`status` `list`): the session reads `great_power_guarantor` from them
/// (docs/data.md, "Great powers"). A guarantor without a row was not a great power in a year a
/// list covers. The text is ours: no user text goes into it.
pub(crate) fn great_powers_query() -> spargebra::Query {
    let text = format!(
        "SELECT ?{ENTITY_COLUMN} ?guarantor ?status ?from ?until WHERE {{ \
         {{ ?{ENTITY_COLUMN} a <{ONTOLOGY}Guarantee> ; <{ONTOLOGY}guarantor> ?guarantor . \
            {{ ?guarantor <{ONTOLOGY}greatPowerSpell> ?spell BIND(\"great power\" AS ?status) }} \
            UNION {{ ?guarantor <{ONTOLOGY}greatPowerUnknown> ?spell BIND(\"unknown\" AS ?status) }} \
            ?spell <{ONTOLOGY}spellFrom> ?from ; <{ONTOLOGY}spellUntil> ?until }} \
         UNION {{ ?{ENTITY_COLUMN} <{ONTOLOGY}greatPowersFrom> ?from ; <{ONTOLOGY}greatPowersUntil> ?until \
            BIND(\"list\" AS ?status) }} }}"
    );
    spargebra::SparqlParser::new()
        .parse_query(&text)
        .expect("the great powers query is valid SPARQL")
}
