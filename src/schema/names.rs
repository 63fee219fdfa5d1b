//! Entity names: every `rdfs:label` and `skos:altLabel` in the store, indexed case-insensitively,
//! with each entity's types and schemes, so that `Britain` or `"Soviet Union"` resolve to IRIs
//! and an unknown name gets near matches. Built once per session.

use std::collections::HashMap;

use oxigraph::model::{NamedNode, Term};

use crate::error::Result;
use crate::results::Answer;
use crate::store::Backend;

/// An entity a name may stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub iri: NamedNode,
    /// Its preferred label, for messages.
    pub label: String,
    /// Its classes and concept schemes.
    pub types: Vec<NamedNode>,
}

/// Names to entities.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    by_name: HashMap<String, Vec<usize>>,
    entities: Vec<Candidate>,
    /// Each name of `by_name` as first written in the data (for completion).
    spelling: HashMap<String, String>,
}

impl NameIndex {
    /// Reads every labelled, typed entity of `backend`.
    pub fn load(backend: &dyn Backend) -> Result<Self> {
        let answer = backend.query(
            "SELECT ?e ?name ?pref ?type WHERE { \
               ?e rdfs:label|skos:altLabel ?name . \
               { ?e a ?type } UNION { ?e skos:inScheme ?type } \
               OPTIONAL { ?e rdfs:label ?pref } \
               FILTER(isIRI(?e)) \
             }",
        )?;
        let Answer::Table(table) = answer else {
            return Ok(Self::default());
        };
        let mut index = NameIndex::default();
        let mut position: HashMap<NamedNode, usize> = HashMap::new();
        for row in 0..table.rows.len() {
            let (Some(Term::NamedNode(e)), Some(Term::Literal(name))) =
                (table.get(row, "e"), table.get(row, "name"))
            else {
                continue;
            };
            let i = *position.entry(e.clone()).or_insert_with(|| {
                index.entities.push(Candidate {
                    iri: e.clone(),
                    label: String::new(),
                    types: Vec::new(),
                });
                index.entities.len() - 1
            });
            let entity = &mut index.entities[i];
            if let Some(Term::NamedNode(t)) = table.get(row, "type")
                && !entity.types.contains(t)
            {
                entity.types.push(t.clone());
            }
            if entity.label.is_empty()
                && let Some(Term::Literal(pref)) = table.get(row, "pref")
            {
                entity.label = pref.value().to_owned();
            }
            let key = normalise(name.value());
            index
                .spelling
                .entry(key.clone())
                .or_insert_with(|| name.value().to_owned());
            let ids = index.by_name.entry(key).or_default();
            if !ids.contains(&i) {
                ids.push(i);
            }
        }
        for entity in &mut index.entities {
            if entity.label.is_empty() {
                entity.label = entity.iri.as_str().to_owned();
            }
        }
        Ok(index)
    }

    /// The entities called `name` (case-insensitively) that have one of `types`
    /// (any type when `types` is empty), in label order.
    pub fn lookup(&self, name: &str, types: &[NamedNode]) -> Vec<&Candidate> {
        let mut found: Vec<&Candidate> = self
            .by_name
            .get(&normalise(name))
            .into_iter()
            .flatten()
            .map(|&i| &self.entities[i])
            .filter(|c| types.is_empty() || c.types.iter().any(|t| types.contains(t)))
            .collect();
        found.sort_by(|a, b| {
            a.label
                .cmp(&b.label)
                .then(a.iri.as_str().cmp(b.iri.as_str()))
        });
        found
    }

    /// Up to `n` names of entities of `types` that are closest to `name`.
    pub fn nearest(&self, name: &str, types: &[NamedNode], n: usize) -> Vec<String> {
        let wanted = normalise(name);
        let mut scored: Vec<(f64, String)> = Vec::new();
        for (key, ids) in &self.by_name {
            let fits = ids.iter().any(|&i| {
                types.is_empty() || self.entities[i].types.iter().any(|t| types.contains(t))
            });
            if !fits {
                continue;
            }
            let mut score = strsim::jaro_winkler(&wanted, key);
            if key.contains(&wanted) || wanted.contains(key.as_str()) {
                score += 0.2;
            }
            if score > 0.8 {
                // Show the entity's own label when the key is it, else the key as typed.
                let label = &self.entities[ids[0]].label;
                let shown = if normalise(label) == *key {
                    label.clone()
                } else {
                    key.clone()
                };
                scored.push((score, shown));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(n).map(|(_, s)| s).collect()
    }

    /// Every name and alternative name of entities of `types` (any type when `types` is
    /// empty), as written in the data, in order: what a user may type, for completion.
    pub fn all_names(&self, types: &[NamedNode]) -> Vec<String> {
        let mut names: Vec<String> = self
            .by_name
            .iter()
            .filter(|(_, ids)| {
                ids.iter().any(|&i| {
                    types.is_empty() || self.entities[i].types.iter().any(|t| types.contains(t))
                })
            })
            .map(|(key, _)| self.spelling.get(key).unwrap_or(key).clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Location, Store};

    fn index() -> NameIndex {
        let store = Store::open(&Location::Memory, false).unwrap();
        NameIndex::load(&store).unwrap()
    }

    #[test]
    fn names_resolve_case_insensitively_through_alternative_labels() {
        let index = index();
        let actor = NamedNode::new_unchecked("https://w3id.org/treaty/ontology#Actor");
        let britain = index.lookup("britain", std::slice::from_ref(&actor));
        assert_eq!(britain.len(), 1);
        assert_eq!(britain[0].label, "United Kingdom");
        assert_eq!(
            index.lookup("  Soviet   UNION ", std::slice::from_ref(&actor))[0].label,
            "Soviet Union"
        );
        assert!(index.lookup("Atlantis", &[actor]).is_empty());
    }

    #[test]
    fn all_names_include_alternative_names_as_written() {
        let index = index();
        let actor = NamedNode::new_unchecked("https://w3id.org/treaty/ontology#Actor");
        let names = index.all_names(&[actor]);
        for name in ["United Kingdom", "Britain", "Soviet Union", "USSR"] {
            assert!(names.iter().any(|n| n == name), "{name}");
        }
        assert!(!names.iter().any(|n| n == "neutrality"));
    }

    #[test]
    fn near_names_are_suggested() {
        let index = index();
        let actor = NamedNode::new_unchecked("https://w3id.org/treaty/ontology#Actor");
        let near = index.nearest("Rusia", &[actor], 3);
        assert!(near.iter().any(|n| n == "Russia"), "{near:?}");
    }
}
