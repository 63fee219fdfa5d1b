//! `/api/entity/...`: one entity's dossier for its page: its label, classes, every statement
//! about it and every statement that points at it, each value with its label and, for an
//! entity, the link to its own page; linked guarantees carry their outcome, sources their URL.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State as Shared};
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::{NamedNode, Term};
use serde::Deserialize;
use serde_json::{Value, json};

use super::cache::{Reply, Request};
use super::{State, api::json_answer, api::json_or_error, problem, work};
use crate::error::Error;
use crate::results::Answer;
use crate::store::Backend;
use crate::vocab;

/// The page of an entity of the data namespace: `/entity/settlement/...`.
pub fn page(iri: &str) -> Option<String> {
    iri.strip_prefix(vocab::DATA)
        .filter(|rest| !rest.is_empty())
        .map(|rest| format!("/entity/{rest}"))
}

/// Where a link to `iri` goes: its page, or the IRI itself (Wikidata, a source's web page).
pub fn href(iri: &str) -> String {
    page(iri).unwrap_or_else(|| iri.to_owned())
}

/// `GET /api/entity/settlement/treaty-of-london-1839`
pub(crate) async fn by_path(state: Shared<Arc<State>>, Path(path): Path<String>) -> Response {
    dossier(state, format!("{}{path}", vocab::DATA)).await
}

#[derive(Deserialize)]
pub(crate) struct IriParam {
    iri: String,
}

/// `GET /api/entity?iri=...`, for entities outside the data namespace.
pub(crate) async fn by_iri(state: Shared<Arc<State>>, Query(param): Query<IriParam>) -> Response {
    dossier(state, param.iri).await
}

async fn dossier(Shared(state): Shared<Arc<State>>, iri: String) -> Response {
    // A valid IRI cannot hold `>` or spaces, so it can be written into the query as is.
    let Ok(node) = NamedNode::new(&iri) else {
        return problem(StatusCode::BAD_REQUEST, format!("'{iri}' is not an IRI"));
    };
    let request = Request::Entity { iri: iri.clone() };
    let done = work::run(&state, move |state, token| {
        state.cache().answer(state, token, request, || {
            match state.with_backend(token, |backend| read(backend, &node)) {
                Ok(value) if value["statements"].as_array().is_some_and(Vec::is_empty) => {
                    Reply::problem(
                        StatusCode::NOT_FOUND,
                        format!("the store holds nothing about <{iri}>"),
                    )
                }
                done => json_answer(done),
            }
        })
    })
    .await;
    match done {
        Ok((answer, served)) => answer.into_response(served),
        Err(stopped) => json_or_error(Err(stopped)),
    }
}

fn read(backend: &dyn Backend, node: &NamedNode) -> Result<Value, Error> {
    let query = format!(
        "SELECT ?dir ?p ?pl ?o ?ol ?oc ?url WHERE {{
           {{ {node} ?p ?o BIND(\"out\" AS ?dir) }} UNION {{ ?o ?p {node} BIND(\"in\" AS ?dir) }}
           OPTIONAL {{ ?p rdfs:label ?pl }}
           OPTIONAL {{ ?o rdfs:label ?ol }}
           OPTIONAL {{ ?o tr:outcome/rdfs:label ?oc }}
           OPTIONAL {{ ?o tr:url ?url }}
         }} ORDER BY ?dir ?pl ?p ?ol ?o"
    );
    let Answer::Table(table) = backend.query(&query)? else {
        return Ok(json!({ "statements": [] }));
    };
    let text = |row: usize, column: &str| -> Option<String> {
        table.get(row, column).map(|term| match term {
            Term::NamedNode(n) => n.as_str().to_owned(),
            Term::Literal(l) => l.value().to_owned(),
            other => other.to_string(),
        })
    };
    let mut label = None;
    let mut types = Vec::new();
    // Property (with direction) -> values, in the query's order.
    let mut groups: BTreeMap<(String, String, String), Vec<Value>> = BTreeMap::new();
    for row in 0..table.rows.len() {
        let (Some(dir), Some(p)) = (text(row, "dir"), text(row, "p")) else {
            continue;
        };
        let object = table.get(row, "o");
        if dir == "out" && p == oxigraph::model::vocab::rdfs::LABEL.as_str() {
            label = text(row, "o");
        }
        if dir == "out" && p == oxigraph::model::vocab::rdf::TYPE.as_str() {
            types.push(text(row, "ol").or_else(|| text(row, "o")));
            continue;
        }
        let property_label =
            text(row, "pl").unwrap_or_else(|| vocab::compact(&p).unwrap_or_else(|| p.clone()));
        let value = match object {
            Some(Term::NamedNode(n)) => json!({
                "text": text(row, "ol").unwrap_or_else(|| n.as_str().to_owned()),
                "iri": n.as_str(),
                "href": href(n.as_str()),
                "outcome": text(row, "oc"),
                "url": text(row, "url"),
            }),
            Some(Term::Literal(l)) => json!({
                "text": l.value(),
                "language": l.language(),
                "datatype": vocab::compact(l.datatype().as_str()),
            }),
            Some(other) => json!({ "text": other.to_string() }),
            None => continue,
        };
        let values = groups.entry((dir, property_label, p)).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }
    let statements: Vec<Value> = groups
        .into_iter()
        .map(|((dir, label, iri), values)| {
            super::api::object([
                ("direction", Value::from(dir)),
                ("property", Value::String(label)),
                ("property_iri", Value::String(iri)),
                ("values", Value::Array(values)),
            ])
        })
        .collect();
    Ok(super::api::object([
        ("iri", Value::from(node.as_str())),
        ("label", Value::from(label)),
        ("types", Value::from(types)),
        ("statements", Value::Array(statements)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_for_the_data_namespace_only() {
        assert_eq!(
            page("https://w3id.org/treaty/id/settlement/x").as_deref(),
            Some("/entity/settlement/x")
        );
        assert_eq!(page("http://www.wikidata.org/entity/Q1"), None);
        assert_eq!(
            href("http://www.wikidata.org/entity/Q1"),
            "http://www.wikidata.org/entity/Q1"
        );
    }
}
