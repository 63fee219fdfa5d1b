//! What an import links to, read from the store before any row is converted: actors by COW
//! code, ISO code and name with the years they existed, the precision property of each date
//! property, and every concept.

use std::collections::HashMap;

use oxigraph::model::{NamedNode, Term};

use super::super::cell::parse_integer;
use super::super::mapping::MatchBy;
use super::super::states::{self, List, ListedState};
use crate::error::Result;
use crate::{Backend, suggest, vocab};

/// What the store already knows that an import links to: actors (by COW code, ISO code and
/// name, with the years they existed) and the precision property of each date property.
#[derive(Debug, Default)]
pub struct Lookup {
    actors: Vec<Actor>,
    cow: HashMap<i64, Vec<usize>>,
    gw: HashMap<i64, Vec<usize>>,
    iso: HashMap<String, Vec<usize>>,
    names: HashMap<String, Vec<usize>>,
    /// The names as written (the keys of `names` are lower case), for finding them in text.
    spellings: Vec<String>,
    pub(super) precision: HashMap<String, NamedNode>,
    /// Every concept in the store, so that a misspelt concept in a mapping is caught.
    concepts: std::collections::HashSet<String>,
}

#[derive(Debug)]
struct Actor {
    iri: NamedNode,
    from: Option<i64>,
    until: Option<i64>,
}

impl Lookup {
    /// Reads actors and date-precision properties through `backend`. Actors minted earlier by
    /// the same mapping (IRIs under `skip_namespace`) are left out: a new import mints them again
    /// in its own graph, which may replace the graph that described them. So are the states of
    /// the state lists that imports mint (`import/state/`): every import that uses one describes
    /// it again from the lists compiled in.
    pub fn read(backend: &dyn Backend, skip_namespace: &str) -> Result<Self> {
        let listed = states_namespace();
        let mut lookup = Lookup::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let rows = backend.query(
            "SELECT ?a ?cow ?iso ?from ?until ?gw WHERE { ?a a tr:Actor .
               OPTIONAL { ?a tr:cowCode ?cow } OPTIONAL { ?a tr:isoCode ?iso } OPTIONAL { ?a tr:gwCode ?gw }
               OPTIONAL { ?a tr:existedFrom ?from } OPTIONAL { ?a tr:existedUntil ?until } }",
        )?.into_rows();
        for row in rows {
            let Some(Term::NamedNode(iri)) = &row[0] else {
                continue;
            };
            if iri.as_str().starts_with(skip_namespace) || iri.as_str().starts_with(&listed) {
                continue;
            }
            let year = |t: &Option<Term>| match t {
                Some(Term::Literal(l)) => l.value().get(..4).and_then(|y| y.parse().ok()),
                _ => None,
            };
            let i = *index.entry(iri.as_str().to_owned()).or_insert_with(|| {
                lookup.actors.push(Actor {
                    iri: iri.clone(),
                    from: year(&row[3]),
                    until: year(&row[4]),
                });
                lookup.actors.len() - 1
            });
            if let Some(Term::Literal(l)) = &row[1]
                && let Ok(code) = parse_integer(l.value())
            {
                push(lookup.cow.entry(code).or_default(), i);
            }
            if let Some(Term::Literal(l)) = &row[5]
                && let Ok(code) = parse_integer(l.value())
            {
                push(lookup.gw.entry(code).or_default(), i);
            }
            if let Some(Term::Literal(l)) = &row[2] {
                push(lookup.iso.entry(l.value().to_uppercase()).or_default(), i);
            }
        }
        let rows = backend
            .query("SELECT ?a ?name WHERE { ?a a tr:Actor ; rdfs:label|skos:altLabel ?name }")?
            .into_rows();
        for row in rows {
            if let (Some(Term::NamedNode(iri)), Some(Term::Literal(name))) = (&row[0], &row[1])
                && let Some(i) = index.get(iri.as_str())
            {
                push(
                    lookup.names.entry(name.value().to_lowercase()).or_default(),
                    *i,
                );
                lookup.spellings.push(name.value().to_owned());
            }
        }
        let rows = backend
            .query("SELECT DISTINCT ?c WHERE { ?c a skos:Concept }")?
            .into_rows();
        for row in rows {
            if let Some(Term::NamedNode(c)) = &row[0] {
                lookup.concepts.insert(c.as_str().to_owned());
            }
        }
        let rows = backend
            .query("SELECT ?p ?pp WHERE { ?p tr:datePrecision ?pp }")?
            .into_rows();
        for row in rows {
            if let (Some(Term::NamedNode(p)), Some(Term::NamedNode(pp))) = (&row[0], &row[1]) {
                lookup.precision.insert(p.as_str().to_owned(), pp.clone());
            }
        }
        Ok(lookup)
    }

    /// The actor a cell names, chosen among those sharing a code or name by the year of the
    /// row (the actor that existed then, else the nearest in time, else the present-day one).
    ///
    /// A COW or GW code no actor carries is read in its state list: the state it stands for in
    /// that year is linked to the actor carrying its code in the other list (COW 260, the
    /// Federal Republic, is the actor with GW 260) or its name, else it is a state to mint. A
    /// name nothing carries is looked up in the lists the same way.
    pub(super) fn actor(
        &self,
        value: &str,
        by: &[MatchBy],
        year: Option<i64>,
    ) -> Option<Resolved<'_>> {
        for method in by {
            match method {
                MatchBy::Cow | MatchBy::Gw => {
                    let Ok(code) = parse_integer(value) else {
                        continue;
                    };
                    let (list, own, how) = match method {
                        MatchBy::Cow => (List::Cow, &self.cow, How::Cow),
                        _ => (List::Gw, &self.gw, How::Gw),
                    };
                    if let Some(found) = own.get(&code).and_then(|c| self.pick(c, year)) {
                        return Some(Resolved::Known(found, how));
                    }
                    if let Some(state) = states::lists().by_code(list, code, year) {
                        return Some(self.listed(state, year));
                    }
                }
                MatchBy::Iso => {
                    if let Some(found) = self
                        .iso
                        .get(&value.to_uppercase())
                        .and_then(|c| self.pick(c, year))
                    {
                        return Some(Resolved::Known(found, How::Iso));
                    }
                }
                MatchBy::Name => {
                    if let Some(found) = self.by_name(value, year) {
                        return Some(Resolved::Known(found, How::Name));
                    }
                    if let Some(state) = states::lists().by_name(value, year) {
                        return Some(self.listed(state, year));
                    }
                }
            }
        }
        None
    }

    /// The actor for a state of the lists: the one carrying either of its codes and existing
    /// in the year, else the one carrying one of its names, else the state itself (to mint).
    fn listed(&self, state: &'static ListedState, year: Option<i64>) -> Resolved<'_> {
        let existing = |codes: &HashMap<i64, Vec<usize>>, code: Option<i64>| {
            let candidates = codes.get(&code?)?;
            candidates
                .iter()
                .map(|i| &self.actors[*i])
                .filter(|a| distance(a, year) == 0)
                .min_by_key(|a| (a.until.is_some(), a.iri.as_str()))
                .map(|a| &a.iri)
        };
        if let Some(found) = existing(&self.cow, state.cow) {
            return Resolved::Known(found, How::ListCode);
        }
        if let Some(found) = existing(&self.gw, state.gw) {
            return Resolved::Known(found, How::ListCode);
        }
        for name in std::iter::once(&state.name).chain(&state.other_name) {
            let short = name.split(" (").next().unwrap_or(name);
            if let Some(found) = self
                .by_name(name, year)
                .or_else(|| self.by_name(short, year))
            {
                return Resolved::Known(found, How::ListName);
            }
        }
        Resolved::Listed(state)
    }

    fn by_name(&self, name: &str, year: Option<i64>) -> Option<&NamedNode> {
        self.names
            .get(&name.trim().to_lowercase())
            .and_then(|c| self.pick(c, year))
    }

    fn pick(&self, candidates: &[usize], year: Option<i64>) -> Option<&NamedNode> {
        candidates
            .iter()
            .map(|i| &self.actors[*i])
            .min_by_key(|a| (distance(a, year), a.until.is_some(), a.iri.as_str()))
            .map(|a| &a.iri)
    }

    /// Every English name and other name of the actors, as written: what free text is
    /// searched for.
    pub(super) fn spellings(&self) -> impl Iterator<Item = &str> {
        self.spellings.iter().map(String::as_str)
    }
}

/// What a cell resolved to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Resolved<'a> {
    /// An actor in the store, and how it was found.
    Known(&'a NamedNode, How),
    /// A state of the state lists that no actor in the store stands for: minted.
    Listed(&'static ListedState),
}

/// How a cell was linked to an actor in the store, for the import summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// Its COW code.
    Cow,
    /// Its Gleditsch-Ward code.
    Gw,
    /// Its ISO code.
    Iso,
    /// Its name.
    Name,
    /// The state the code or name stands for in a state list carries the other list's code.
    ListCode,
    /// The state the code stands for in a state list carries the actor's name.
    ListName,
}

impl How {
    /// The words the summary uses.
    pub fn describe(self) -> &'static str {
        match self {
            How::Cow => "COW code",
            How::Gw => "GW code",
            How::Iso => "ISO code",
            How::Name => "name",
            How::ListCode => "state list, other list's code",
            How::ListName => "state list, name",
        }
    }
}

/// The namespace of the states imports mint from the state lists, shared by every mapping.
pub fn states_namespace() -> String {
    format!("{}import/state/", vocab::DATA)
}

impl Lookup {
    /// Why `iri` cannot be a concept value: an IRI in the treaty namespace that the store does
    /// not describe as a concept (a typo, most likely), with the nearest one. IRIs elsewhere are
    /// the user's business.
    pub(super) fn unknown_concept(&self, iri: &NamedNode) -> Option<String> {
        if !iri.as_str().starts_with(vocab::DATA) || self.concepts.contains(iri.as_str()) {
            return None;
        }
        let show = |i: &str| vocab::compact(i).unwrap_or_else(|| i.to_owned());
        // IRIs share their namespace, so only a close one is a likely typo.
        let nearest = suggest::nearest(iri.as_str(), self.concepts.iter().map(String::as_str), 0.9)
            .map(|c| format!("; did you mean {}?", show(c)))
            .unwrap_or_default();
        Some(format!(
            "{} is not a concept of the store's schemes{nearest}",
            show(iri.as_str())
        ))
    }
}

/// How far `year` lies outside the years an actor existed (0 inside); without a year, 0.
fn distance(actor: &Actor, year: Option<i64>) -> i64 {
    let Some(year) = year else { return 0 };
    let before = actor.from.map_or(0, |from| (from - year).max(0));
    let after = actor.until.map_or(0, |until| (year - until).max(0));
    before + after
}

fn push(list: &mut Vec<usize>, i: usize) {
    if !list.contains(&i) {
        list.push(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_sharing_a_code_are_told_apart_by_year() {
        let mut lookup = Lookup::default();
        for (iri, from, until) in [
            ("a:empire", Some(1721), Some(1917)),
            ("a:ussr", Some(1922), Some(1991)),
            ("a:russia", Some(1991), None),
        ] {
            lookup.actors.push(Actor {
                iri: NamedNode::new_unchecked(iri),
                from,
                until,
            });
        }
        lookup.cow.insert(365, vec![0, 1, 2]);
        let pick = |y| match lookup.actor("365", &[MatchBy::Cow], y) {
            Some(Resolved::Known(iri, How::Cow)) => iri.as_str().to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(pick(Some(1850)), "a:empire");
        assert_eq!(pick(Some(1950)), "a:ussr");
        assert_eq!(pick(Some(2005)), "a:russia");
        assert_eq!(
            pick(None),
            "a:russia",
            "without a year, the present-day state"
        );
    }
}
