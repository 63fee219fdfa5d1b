//! Entity names: `rdfs:label` and `skos:altLabel`, indexed case-insensitively, with each
//! entity's types and schemes, so that `Britain` or `"Soviet Union"` resolve to IRIs and an
//! unknown name gets near matches.
//!
//! The index is either complete (every name in the store: what completion and suggestions
//! need, read once per shell session) or filled on demand: a lookup of a name it has not seen
//! is recorded as a miss, and `fetch` asks the store for those names only. A store of millions
//! of entities is then never read whole to answer a query that names two of them.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use oxigraph::model::{Literal, NamedNode, Term};

use crate::error::Result;
use crate::results::Answer;
use crate::store::Backend;
use crate::suggest;

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
    position: HashMap<NamedNode, usize>,
    /// Each name of `by_name` as first written in the data (for completion).
    spelling: HashMap<String, String>,
    /// Every name of the store is here.
    complete: bool,
    /// Names asked of the store on demand (found or not).
    fetched: HashSet<String>,
    /// Names looked up that were neither here nor asked for yet.
    misses: Misses,
    /// Some name asked for on demand is not in the store.
    unknown: bool,
    /// Classes and schemes whose every name is here (read by `load_sets`).
    sets: HashSet<NamedNode>,
    /// Classes and schemes whose names `all_names` was asked for before they were read.
    wanted: Wanted,
}

/// The sets asked for and not read yet; `None` stands for every set (`all_names(&[])`).
#[derive(Debug, Default)]
struct Wanted(Mutex<Vec<Option<NamedNode>>>);

impl Wanted {
    fn push(&self, set: Option<NamedNode>) {
        let mut wanted = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !wanted.contains(&set) {
            wanted.push(set);
        }
    }

    fn take(&self) -> Vec<Option<NamedNode>> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl Clone for Wanted {
    fn clone(&self) -> Self {
        Self(Mutex::new(
            self.0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
        ))
    }
}

/// The names missed, behind a lock so that an index can be shared between threads.
#[derive(Debug, Default)]
struct Misses(Mutex<Vec<String>>);

impl Misses {
    fn push(&self, key: String) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(key);
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl Clone for Misses {
    fn clone(&self) -> Self {
        Self(Mutex::new(
            self.0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
        ))
    }
}

/// Every name: one row per (entity, name, type).
const NAMES_QUERY: &str = "SELECT ?e ?name ?pref ?type WHERE { \
       ?e rdfs:label|skos:altLabel ?name . \
       { ?e a ?type } UNION { ?e skos:inScheme ?type } \
       OPTIONAL { ?e rdfs:label ?pref } \
       FILTER(isIRI(?e)) \
     }";

/// Every name of the members of the sets bound to `?set` by the `VALUES` clause put in `{}`:
/// the same rows as `NAMES_QUERY`, for these entities only.
fn names_of_sets_query(values: &str) -> String {
    format!(
        "SELECT ?e ?name ?pref ?type WHERE {{ \
           {{ SELECT DISTINCT ?e WHERE {{ {values} {{ ?e a ?set }} UNION {{ ?e skos:inScheme ?set }} }} }} \
           ?e rdfs:label|skos:altLabel ?name . \
           {{ ?e a ?type }} UNION {{ ?e skos:inScheme ?type }} \
           OPTIONAL {{ ?e rdfs:label ?pref }} \
           FILTER(isIRI(?e)) \
         }}"
    )
}

impl NameIndex {
    /// Reads every labelled, typed entity of `backend`: a complete index.
    pub fn load(backend: &dyn Backend) -> Result<Self> {
        let mut index = NameIndex::default();
        index.absorb(backend.query(NAMES_QUERY)?);
        index.complete = true;
        Ok(index)
    }

    /// An index that reads names from the store only when they are looked up and missed
    /// (`take_misses`, then `fetch`).
    pub(crate) fn on_demand() -> Self {
        Self::default()
    }

    /// True when a name asked for on demand is not in the store at all: only then does an
    /// error need every name, to suggest the nearest.
    pub(crate) fn met_an_unknown_name(&self) -> bool {
        self.unknown
    }

    /// True when every name of the store is in the index.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The classes and schemes (`None`: every one) whose names `all_names` was asked for
    /// since the last call and that are not read yet, for `load_sets`.
    pub(crate) fn take_wanted_sets(&self) -> Vec<Option<NamedNode>> {
        self.wanted.take()
    }

    /// Reads every name of the members of these classes and schemes (`None`: of the whole
    /// store), so that `all_names` gives them all. What the shell's completion does on first
    /// use of a set, instead of reading a store of millions of entities whole at start.
    pub(crate) fn load_sets(
        &mut self,
        backend: &dyn Backend,
        sets: &[Option<NamedNode>],
    ) -> Result<()> {
        if self.complete {
            return Ok(());
        }
        if sets.iter().any(Option::is_none) {
            self.absorb(backend.query(NAMES_QUERY)?);
            self.complete = true;
            return Ok(());
        }
        let new: Vec<&NamedNode> = sets
            .iter()
            .flatten()
            .filter(|set| !self.sets.contains(*set))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let values = new.iter().map(|set| set.to_string()).collect::<Vec<_>>();
        self.absorb(backend.query(&names_of_sets_query(&format!(
            "VALUES ?set {{ {} }}",
            values.join(" ")
        )))?);
        self.sets.extend(new.into_iter().cloned());
        Ok(())
    }

    /// The names looked up and missed since the last call, as written, for `fetch`.
    pub(crate) fn take_misses(&self) -> Vec<String> {
        let mut misses = self.misses.take();
        misses.sort();
        misses.dedup();
        misses
    }

    /// Reads the entities called by these names (case-insensitively) from `backend`.
    ///
    /// First by exact spellings (as written, in lower case, with capitals; in English or
    /// untagged), which the store finds through its indexes; only names still not found are
    /// looked for case-insensitively, which reads every label of the store.
    pub fn fetch(&mut self, backend: &dyn Backend, names: &[String]) -> Result<()> {
        if self.complete {
            return Ok(());
        }
        let mut wanted: Vec<(String, String)> = Vec::new();
        for name in names {
            let written = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let key = normalise(name);
            if !self.fetched.contains(&key) && !wanted.iter().any(|(k, _)| *k == key) {
                wanted.push((key, written));
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        // The names are the user's words: they go in as literals written by Oxigraph's
        // serializer, which escapes quotes, backslashes and line breaks.
        let mut spellings: Vec<String> = Vec::new();
        for (key, written) in &wanted {
            for spelling in [written.clone(), key.clone(), capitalised(key)] {
                for literal in [
                    Literal::new_simple_literal(&spelling),
                    Literal::new_language_tagged_literal_unchecked(&spelling, "en"),
                ] {
                    let text = literal.to_string();
                    if !spellings.contains(&text) {
                        spellings.push(text);
                    }
                }
            }
        }
        let mut found = find(
            backend,
            &format!("VALUES ?name {{ {} }}", spellings.join(" ")),
            "",
        )?;
        let missing: Vec<String> = wanted
            .iter()
            .filter(|(key, _)| {
                !found
                    .iter()
                    .any(|(_, name)| normalise(name.value()) == *key)
            })
            .map(|(key, _)| Literal::new_simple_literal(key).to_string())
            .collect();
        if !missing.is_empty() {
            found.extend(find(
                backend,
                &format!("VALUES ?key {{ {} }}", missing.join(" ")),
                " && LCASE(STR(?name)) = ?key",
            )?);
        }
        if !found.is_empty() {
            let rows: Vec<String> = found
                .iter()
                .map(|(entity, name)| format!("({entity} {name})"))
                .collect();
            self.absorb(backend.query(&format!(
                "SELECT ?e ?name ?pref ?type WHERE {{ VALUES (?e ?name) {{ {} }} \
                   {{ ?e a ?type }} UNION {{ ?e skos:inScheme ?type }} \
                   OPTIONAL {{ ?e rdfs:label ?pref }} }}",
                rows.join(" ")
            ))?);
        }
        for (key, _) in wanted {
            self.unknown |= !self.by_name.contains_key(&key);
            self.fetched.insert(key);
        }
        Ok(())
    }

    /// Adds the rows of a names query.
    fn absorb(&mut self, answer: Answer) {
        let Answer::Table(table) = answer else {
            return;
        };
        let index = self;
        let position = &mut index.position;
        for row in 0..table.rows.len() {
            let (Some(Term::NamedNode(e)), Some(Term::Literal(name))) =
                (table.get(row, "e"), table.get(row, "name"))
            else {
                continue;
            };
            let entities = &mut index.entities;
            let i = *position.entry(e.clone()).or_insert_with(|| {
                entities.push(Candidate {
                    iri: e.clone(),
                    label: String::new(),
                    types: Vec::new(),
                });
                entities.len() - 1
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
    }

    /// The entities called `name` (case-insensitively) that have one of `types`
    /// (any type when `types` is empty), in label order.
    pub fn lookup(&self, name: &str, types: &[NamedNode]) -> Vec<&Candidate> {
        let key = normalise(name);
        if !self.complete && !self.fetched.contains(&key) {
            // As written, not as the key: `fetch` tries the spelling the user wrote first, and
            // the lower-case key alone ("treaty of london (1839)") would miss it and read
            // every label of the store (0.5 s at a million triples) to find it.
            self.misses.push(name.to_owned());
        }
        let mut found: Vec<&Candidate> = self
            .by_name
            .get(&key)
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
            let mut score = suggest::similarity(&wanted, key);
            if key.contains(&wanted) || wanted.contains(key.as_str()) {
                score += 0.2;
            }
            if score > suggest::LIKELY {
                // Show the entity's own label when the key is it, else the name as the data
                // writes it (`Britain`, not the lower-case key).
                let label = &self.entities[ids[0]].label;
                let shown = if normalise(label) == *key {
                    label.clone()
                } else {
                    self.spelling.get(key).unwrap_or(key).clone()
                };
                scored.push((score, shown));
            }
        }
        suggest::best(scored, suggest::LIKELY, n)
    }

    /// Every name and alternative name of entities of `types` (any type when `types` is
    /// empty), as written in the data, in order: what a user may type, for completion.
    ///
    /// An index that is not complete gives the names read so far, and records the sets not
    /// read yet for `take_wanted_sets`.
    pub(crate) fn all_names(&self, types: &[NamedNode]) -> Vec<String> {
        if !self.complete {
            if types.is_empty() {
                self.wanted.push(None);
            }
            for set in types.iter().filter(|set| !self.sets.contains(*set)) {
                self.wanted.push(Some(set.clone()));
            }
        }
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

/// The entities (IRIs only) with a label or alternative label bound by `values` and passing
/// `filter`.
fn find(backend: &dyn Backend, values: &str, filter: &str) -> Result<Vec<(NamedNode, Literal)>> {
    let answer = backend.query(&format!(
        "SELECT DISTINCT ?e ?name WHERE {{ {values} ?e rdfs:label|skos:altLabel ?name . \
           FILTER(isIRI(?e){filter}) }}"
    ))?;
    let mut found = Vec::new();
    if let Answer::Table(table) = answer {
        for row in 0..table.rows.len() {
            if let (Some(Term::NamedNode(e)), Some(Term::Literal(name))) =
                (table.get(row, "e"), table.get(row, "name"))
            {
                found.push((e.clone(), name.clone()));
            }
        }
    }
    Ok(found)
}

/// Each word with a capital: "soviet union" -> "Soviet Union".
fn capitalised(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
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
        let actor = NamedNode::new_unchecked(format!("{}Actor", crate::vocab::ONTOLOGY));
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
        let actor = NamedNode::new_unchecked(format!("{}Actor", crate::vocab::ONTOLOGY));
        let names = index.all_names(&[actor]);
        for name in ["United Kingdom", "Britain", "Soviet Union", "USSR"] {
            assert!(names.iter().any(|n| n == name), "{name}");
        }
        assert!(!names.iter().any(|n| n == "neutrality"));
    }

    #[test]
    fn an_index_on_demand_reads_only_the_names_it_missed() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let actor = NamedNode::new_unchecked(format!("{}Actor", crate::vocab::ONTOLOGY));
        let mut index = NameIndex::on_demand();
        assert!(
            index
                .lookup("Britain", std::slice::from_ref(&actor))
                .is_empty()
        );
        assert!(index.lookup("a \"quoted\" \\ name", &[]).is_empty());
        let misses = index.take_misses();
        assert_eq!(misses, ["Britain", "a \"quoted\" \\ name"]);
        index.fetch(&store, &misses).unwrap();
        let britain = index.lookup("BRITAIN", std::slice::from_ref(&actor));
        assert_eq!(britain.len(), 1);
        assert_eq!(britain[0].label, "United Kingdom");
        assert!(
            index.take_misses().is_empty(),
            "fetched names are not missed again"
        );
        assert!(index.all_names(&[actor]).len() < 5, "only what was fetched");
    }

    /// Records the queries a backend is asked.
    struct Recording<'a> {
        store: &'a Store,
        queries: Mutex<Vec<String>>,
    }

    impl Backend for Recording<'_> {
        fn query(&self, sparql: &str) -> crate::store::error::Result<Answer> {
            self.queries.lock().unwrap().push(sparql.to_owned());
            self.store.query(sparql)
        }

        fn describe(&self) -> String {
            self.store.describe()
        }
    }

    #[test]
    fn a_name_written_as_the_data_spells_it_is_found_without_reading_every_label() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let recording = Recording {
            store: &store,
            queries: Mutex::new(Vec::new()),
        };
        let settlement = NamedNode::new_unchecked(format!("{}Settlement", crate::vocab::ONTOLOGY));
        let mut index = NameIndex::on_demand();
        // Neither all in small letters nor each word with a capital, as the data writes it.
        let name = "Treaty of London (1839)";
        assert!(
            index
                .lookup(name, std::slice::from_ref(&settlement))
                .is_empty()
        );
        let misses = index.take_misses();
        index.fetch(&recording, &misses).unwrap();
        let found = index.lookup(name, std::slice::from_ref(&settlement));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, name);
        let queries = recording.queries.lock().unwrap();
        assert!(
            !queries.iter().any(|q| q.contains("LCASE")),
            "the exact spelling is found through the index: {queries:?}"
        );
    }

    #[test]
    fn completion_reads_the_names_of_one_set_on_first_use() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let actor = NamedNode::new_unchecked(format!("{}Actor", crate::vocab::ONTOLOGY));
        let settlement = NamedNode::new_unchecked(format!("{}Settlement", crate::vocab::ONTOLOGY));
        let mut index = NameIndex::on_demand();
        assert!(index.all_names(std::slice::from_ref(&actor)).is_empty());
        let wanted = index.take_wanted_sets();
        assert_eq!(wanted, [Some(actor.clone())]);
        index.load_sets(&store, &wanted).unwrap();
        let actors = index.all_names(std::slice::from_ref(&actor));
        assert!(
            index.take_wanted_sets().is_empty(),
            "a set read is not wanted again"
        );
        // Every actor name, as the complete index gives them, and nothing of other sets.
        assert_eq!(
            actors,
            self::index().all_names(std::slice::from_ref(&actor))
        );
        assert!(
            index
                .all_names(std::slice::from_ref(&settlement))
                .is_empty()
        );
        assert_eq!(index.take_wanted_sets(), [Some(settlement)]);
        assert!(!index.is_complete());
        // Asking for every set reads the whole store once.
        assert!(!index.all_names(&[]).is_empty());
        let wanted = index.take_wanted_sets();
        assert_eq!(wanted, [None]);
        index.load_sets(&store, &wanted).unwrap();
        assert!(index.is_complete());
    }

    #[test]
    fn near_names_are_suggested() {
        let index = index();
        let actor = NamedNode::new_unchecked(format!("{}Actor", crate::vocab::ONTOLOGY));
        let near = index.nearest("Rusia", &[actor], 3);
        assert!(near.iter().any(|n| n == "Russia"), "{near:?}");
    }
}
