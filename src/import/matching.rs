//! One agreement, one settlement (docs/import.md, "Matching agreements"): an imported
//! settlement signed within a day of a settlement already in the store (bundled, or from
//! another import), with overlapping parties and, where the mapping compares them, similar
//! names, is the same agreement. The row then describes that settlement instead of minting a
//! second one: its facts are written about the settlement's IRI, in the import's graph, except
//! where the settlement already states the property (its date, kind, parties, status stay as
//! they are); the row's own identity is kept as a `tr:Record` that the settlement
//! `skos:exactMatch`es, carrying the score and the evidence. So every TQL answer counts the
//! agreement once, with the imported facts reachable from it, and replacing or removing the
//! import's graph undoes the match.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::{Backend, suggest, vocab};

const DCT_SOURCE: &str = "http://purl.org/dc/terms/source";

fn tr(local: &str) -> String {
    format!("{}{local}", vocab::ONTOLOGY)
}

/// How matches are made: the mapping's `[matching]` table, and a user's file of decisions.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MatchSpec {
    /// The score from which a proposal is taken (default 0.9).
    pub threshold: Option<f64>,
    /// Whether names are compared (ATOP's names are "ATOP alliance N": not worth comparing).
    pub names: Option<bool>,
}

/// A user's decisions (`--matches FILE`): pairs to make whatever the score, pairs never to
/// make, and a threshold that replaces the mapping's.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    pub threshold: Option<f64>,
    #[serde(default, rename = "pair")]
    pub pairs: Vec<Decision>,
    #[serde(default, rename = "reject")]
    pub rejects: Vec<Decision>,
}

/// One decision: the row's identifier (as the mapping's `id` makes it) and the settlement, a
/// prefixed name or IRI; a rejection without a settlement keeps the row from any match.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub id: String,
    pub settlement: Option<String>,
}

impl Decisions {
    /// Reads a decisions file; a mistake names the file, line and column.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let decisions: Decisions = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| {
                    let before = &text[..s.start];
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    (line as u64, column as u64)
                })
                .unzip();
            Error::Syntax {
                file: path.display().to_string(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        for d in decisions.pairs.iter().chain(&decisions.rejects) {
            if let Some(s) = &d.settlement {
                super::mapping::expand(s).map_err(|why| Error::Syntax {
                    file: path.display().to_string(),
                    line: None,
                    column: None,
                    message: format!("settlement \"{s}\" of id \"{}\": {why}", d.id),
                })?;
            }
        }
        Ok(decisions)
    }
}

/// A settlement in the store a row may be matched to.
#[derive(Debug)]
struct Candidate {
    iri: NamedNode,
    label: Option<String>,
    /// Its English name and other names, lower case, for comparing names.
    names: Vec<String>,
    parties: HashSet<String>,
    /// Properties it states (kept as they are when a row is matched to it).
    stated: HashSet<String>,
}

/// The settlements in the store, by the day they were signed (day precision only).
#[derive(Debug, Default)]
pub struct Candidates {
    items: Vec<Candidate>,
    by_day: HashMap<i64, Vec<usize>>,
    by_iri: HashMap<String, usize>,
}

impl Candidates {
    /// Reads every settlement signed on a known day, but those minted by `own` (the
    /// importing mapping's namespace, whose graph the import replaces).
    pub fn read(backend: &dyn Backend, own: &str) -> Result<Self> {
        let mut c = Candidates::default();
        // The engine leaves out the settlements of `own`: a file imported again would
        // otherwise bring its own rows back as answers (on a 100,000-row PA-X file, 16 s and
        // 340 MB of a re-import went to reading them only to drop them).
        let not_own = format!(
            "FILTER(!STRSTARTS(STR(?s), {}))",
            oxigraph::model::Literal::new_simple_literal(own)
        );
        let rows = backend
            .query(&format!(
                "SELECT ?s ?signed ?label WHERE {{ ?s a tr:Settlement ; tr:signed ?signed {not_own}
               FILTER NOT EXISTS {{ ?s tr:signedPrecision ?p FILTER(?p != tr:day) }}
               OPTIONAL {{ ?s rdfs:label ?label }} }}"
            ))?
            .into_rows();
        for row in rows {
            let (Some(Term::NamedNode(s)), Some(Term::Literal(d))) = (&row[0], &row[1]) else {
                continue;
            };
            if s.as_str().starts_with(own) || c.by_iri.contains_key(s.as_str()) {
                continue;
            }
            let Some(day) = day_number(d.value()) else {
                continue;
            };
            let label = match &row[2] {
                Some(Term::Literal(l)) => Some(l.value().to_owned()),
                _ => None,
            };
            c.by_iri.insert(s.as_str().to_owned(), c.items.len());
            c.by_day.entry(day).or_default().push(c.items.len());
            c.items.push(Candidate {
                iri: s.clone(),
                names: label.iter().map(|l| l.to_lowercase()).collect(),
                label,
                parties: HashSet::new(),
                stated: HashSet::new(),
            });
        }
        for row in backend
            .query(&format!(
                "SELECT ?s ?p ?o WHERE {{ ?s a tr:Settlement ; tr:signed ?d {not_own} ?s ?p ?o }}"
            ))?
            .into_rows()
        {
            let (Some(Term::NamedNode(s)), Some(Term::NamedNode(p))) = (&row[0], &row[1]) else {
                continue;
            };
            let Some(i) = c.by_iri.get(s.as_str()) else {
                continue;
            };
            let item = &mut c.items[*i];
            item.stated.insert(p.as_str().to_owned());
            if p.as_str() == tr("party")
                && let Some(Term::NamedNode(o)) = &row[2]
            {
                item.parties.insert(o.as_str().to_owned());
            }
        }
        for row in backend
            .query(&format!(
                "SELECT ?s ?name WHERE {{ ?s a tr:Settlement ; tr:signed ?d {not_own} ?s skos:altLabel ?name }}"
            ))?
            .into_rows()
        {
            if let (Some(Term::NamedNode(s)), Some(Term::Literal(name))) = (&row[0], &row[1])
                && let Some(i) = c.by_iri.get(s.as_str())
            {
                c.items[*i].names.push(name.value().to_lowercase());
            }
        }
        Ok(c)
    }
}

/// A proposed match, taken or not.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The row's identifier and name.
    pub id: String,
    pub name: String,
    /// The settlement and its name.
    pub settlement: String,
    pub settlement_name: String,
    pub score: f64,
    pub evidence: String,
    /// Why it was taken or not: "score", "pair" (the decisions file), "below threshold",
    /// "rejected", "ambiguous".
    pub decision: &'static str,
}

impl Proposal {
    /// Whether the row was matched.
    pub fn taken(&self) -> bool {
        matches!(self.decision, "score" | "pair")
    }
}

/// The rows of one converted file that are settlements, with what matching compares.
struct Row {
    iri: NamedNode,
    id: String,
    label: Option<String>,
    day: Option<i64>,
    parties: HashSet<String>,
}

/// Matches the settlements of `quads` (minted under `namespace`) against `candidates`, and
/// rewrites the quads of every taken match. Returns the proposals, taken or not, best first.
pub fn link(
    quads: &mut Vec<Quad>,
    namespace: &str,
    candidates: &Candidates,
    spec: &MatchSpec,
    decisions: &Decisions,
) -> Vec<Proposal> {
    let threshold = decisions.threshold.or(spec.threshold).unwrap_or(0.9);
    let names = spec.names.unwrap_or(true);
    let rows = rows(quads, &format!("{namespace}settlement/"));
    let mut proposals = Vec::new();
    let mut taken: HashMap<String, (NamedNode, f64, String)> = HashMap::new();
    for row in &rows {
        let rejected_all = decisions
            .rejects
            .iter()
            .any(|d| d.id == row.id && d.settlement.is_none());
        let rejected = |iri: &str| {
            decisions.rejects.iter().any(|d| {
                d.id == row.id && d.settlement.as_deref().and_then(expand) == Some(iri.into())
            })
        };
        let pair = decisions
            .pairs
            .iter()
            .find(|d| d.id == row.id)
            .and_then(|d| d.settlement.as_deref().and_then(expand));
        let mut scored: Vec<(f64, String, &Candidate)> = Vec::new();
        if let Some(day) = row.day {
            for d in [day - 1, day, day + 1] {
                for i in candidates.by_day.get(&d).into_iter().flatten() {
                    let c = &candidates.items[*i];
                    if let Some((score, evidence)) = score(row, c, d == day, names) {
                        scored.push((score, evidence, c));
                    }
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.iri.cmp(&b.2.iri)));
        let name = row.label.clone().unwrap_or_default();
        if let Some(pair) = &pair {
            let target = candidates.by_iri.get(pair).map(|i| &candidates.items[*i]);
            let (score, evidence) = target
                .and_then(|c| scored.iter().find(|s| s.2.iri == c.iri))
                .map_or((0.0, "paired by the decisions file".to_owned()), |s| {
                    (s.0, format!("{}; paired by the decisions file", s.1))
                });
            proposals.push(Proposal {
                id: row.id.clone(),
                name: name.clone(),
                settlement: pair.clone(),
                settlement_name: target.and_then(|c| c.label.clone()).unwrap_or_default(),
                score,
                evidence: evidence.clone(),
                decision: "pair",
            });
            taken.insert(
                row.iri.as_str().to_owned(),
                (NamedNode::new_unchecked(pair.clone()), score, evidence),
            );
            continue;
        }
        let best = scored.first().map(|s| s.0);
        let ties = scored.iter().filter(|s| Some(s.0) == best).count();
        for (k, (score, evidence, c)) in scored.iter().enumerate() {
            let decision = if rejected_all || rejected(c.iri.as_str()) {
                "rejected"
            } else if *score < threshold {
                "below threshold"
            } else if k > 0 {
                "not the best"
            } else if ties > 1 {
                "ambiguous"
            } else {
                "score"
            };
            if decision == "score" {
                taken.insert(
                    row.iri.as_str().to_owned(),
                    (c.iri.clone(), *score, evidence.clone()),
                );
            }
            proposals.push(Proposal {
                id: row.id.clone(),
                name: name.clone(),
                settlement: c.iri.as_str().to_owned(),
                settlement_name: c.label.clone().unwrap_or_default(),
                score: *score,
                evidence: evidence.clone(),
                decision,
            });
        }
    }
    if !taken.is_empty() {
        rewrite(quads, &taken, candidates);
    }
    proposals
}

/// How alike a row and a settlement signed within a day of it are, from 0 to 1: the weighted
/// mean of the date (1 on the same day, 0.5 a day apart; weight 1), the parties (shared over
/// the smaller list; weight 2) and, where both have names and the mapping compares them, the
/// names (Jaro-Winkler, ignoring case, against the settlement's best-matching English or other
/// name; weight 2). Parties both sides list but none in common rule it out.
fn score(row: &Row, c: &Candidate, same_day: bool, names: bool) -> Option<(f64, String)> {
    let date = if same_day { 1.0 } else { 0.5 };
    let mut parts = vec![(date, 1.0)];
    let mut evidence = vec![if same_day {
        "signed the same day".to_owned()
    } else {
        "signed a day apart".to_owned()
    }];
    if !row.parties.is_empty() && !c.parties.is_empty() {
        let shared = row.parties.intersection(&c.parties).count();
        if shared == 0 {
            return None;
        }
        let smaller = row.parties.len().min(c.parties.len());
        parts.push((shared as f64 / smaller as f64, 2.0));
        evidence.push(format!(
            "{shared} parties shared ({} in the row, {} in the settlement)",
            row.parties.len(),
            c.parties.len()
        ));
    } else {
        evidence.push("parties not compared (one side lists none)".to_owned());
    }
    match (&row.label, c.names.is_empty(), names) {
        (Some(a), false, true) => {
            let a = a.to_lowercase();
            let s = c
                .names
                .iter()
                .map(|b| suggest::similarity(&a, b))
                .fold(0.0, f64::max);
            parts.push((s, 2.0));
            evidence.push(format!("names {s:.2} alike"));
        }
        _ => evidence.push("names not compared".to_owned()),
    }
    let weight: f64 = parts.iter().map(|p| p.1).sum();
    let score = parts.iter().map(|p| p.0 * p.1).sum::<f64>() / weight;
    Some(((score * 100.0).round() / 100.0, evidence.join("; ")))
}

fn rows(quads: &[Quad], prefix: &str) -> Vec<Row> {
    let settlement = tr("Settlement");
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for q in quads {
        let NamedOrBlankNode::NamedNode(s) = &q.subject else {
            continue;
        };
        if q.predicate == rdf::TYPE
            && matches!(&q.object, Term::NamedNode(o) if o.as_str() == settlement)
            && let Some(id) = s.as_str().strip_prefix(prefix)
        {
            rows.entry(s.as_str().to_owned()).or_insert_with(|| Row {
                iri: s.clone(),
                id: decode(id),
                label: None,
                day: None,
                parties: HashSet::new(),
            });
        }
    }
    let (signed, precision, party) = (tr("signed"), tr("signedPrecision"), tr("party"));
    let mut imprecise = HashSet::new();
    for q in quads {
        let NamedOrBlankNode::NamedNode(s) = &q.subject else {
            continue;
        };
        let Some(row) = rows.get_mut(s.as_str()) else {
            continue;
        };
        match (q.predicate.as_str(), &q.object) {
            (p, Term::Literal(l)) if p == rdfs::LABEL.as_str() => {
                row.label = Some(l.value().to_owned())
            }
            (p, Term::Literal(l)) if p == signed => row.day = day_number(l.value()),
            (p, Term::NamedNode(o)) if p == precision && o.as_str() != tr("day") => {
                imprecise.insert(s.as_str().to_owned());
            }
            (p, Term::NamedNode(o)) if p == party => {
                row.parties.insert(o.as_str().to_owned());
            }
            _ => {}
        }
    }
    rows.into_values()
        .map(|mut r| {
            // A date known only to the month or year cannot be within a day of anything.
            if imprecise.contains(r.iri.as_str()) {
                r.day = None;
            }
            r
        })
        .collect()
}

/// Writes each matched row about its settlement: what the settlement already states is left
/// out (but links to the row's related entities and sources, which add to it), the row's
/// type and name go to its record.
fn rewrite(
    quads: &mut Vec<Quad>,
    taken: &HashMap<String, (NamedNode, f64, String)>,
    candidates: &Candidates,
) {
    let exact = NamedNode::new_unchecked(format!("{}exactMatch", vocab::SKOS));
    let record = NamedNode::new_unchecked(tr("Record"));
    let always = [tr("guarantee"), DCT_SOURCE.to_owned()];
    let mut out = Vec::with_capacity(quads.len());
    let mut graph = None;
    for q in quads.drain(..) {
        graph.get_or_insert_with(|| q.graph_name.clone());
        let subject = match &q.subject {
            NamedOrBlankNode::NamedNode(s) => taken.get(s.as_str()).map(|t| (s.clone(), t)),
            _ => None,
        };
        let Some((own, (target, _, _))) = subject else {
            out.push(q);
            continue;
        };
        if q.predicate == rdf::TYPE {
            out.push(Quad::new(own, rdf::TYPE, record.clone(), q.graph_name));
            continue;
        }
        if q.predicate == rdfs::LABEL {
            out.push(q);
            continue;
        }
        let stated = candidates
            .by_iri
            .get(target.as_str())
            .is_some_and(|i| candidates.items[*i].stated.contains(q.predicate.as_str()));
        if stated && !always.iter().any(|a| a == q.predicate.as_str()) {
            continue;
        }
        if q.predicate.as_str() == DCT_SOURCE {
            // The record cites the dataset too, so it is described like any imported row.
            out.push(q.clone());
        }
        out.push(Quad::new(
            target.clone(),
            q.predicate,
            q.object,
            q.graph_name,
        ));
    }
    if let Some(graph) = graph {
        let mut taken: Vec<_> = taken.iter().collect();
        taken.sort_by(|a, b| a.0.cmp(b.0));
        for (own, (target, score, evidence)) in taken {
            let own = NamedNode::new_unchecked(own.clone());
            out.push(Quad::new(
                target.clone(),
                exact.clone(),
                own.clone(),
                graph.clone(),
            ));
            out.push(Quad::new(
                own.clone(),
                NamedNode::new_unchecked(tr("matchScore")),
                Literal::new_typed_literal(format!("{score:.2}"), xsd::DECIMAL),
                graph.clone(),
            ));
            out.push(Quad::new(
                own,
                NamedNode::new_unchecked(tr("matchEvidence")),
                Literal::new_simple_literal(evidence),
                graph.clone(),
            ));
        }
    }
    *quads = out;
}

fn expand(text: &str) -> Option<String> {
    super::mapping::expand(text)
        .ok()
        .map(|n| n.as_str().to_owned())
}

/// Undoes the percent-encoding of an identifier in an IRI.
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = segment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Days since 1970-01-01 of a `yyyy-mm-dd` date (proleptic Gregorian).
fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.get(..10)?.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    Some(crate::lang::date::days_from_civil(y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_counted_across_months_and_leap_years() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(
            day_number("1949-04-04")
                .zip(day_number("1949-04-05"))
                .map(|(a, b)| b - a),
            Some(1)
        );
        assert_eq!(
            day_number("2000-03-01")
                .zip(day_number("2000-02-29"))
                .map(|(a, b)| a - b),
            Some(1)
        );
        assert_eq!(
            day_number("1949-12-31")
                .zip(day_number("1950-01-01"))
                .map(|(a, b)| b - a),
            Some(1)
        );
    }

    #[test]
    fn identifiers_are_read_back_from_iris() {
        assert_eq!(decode("a%20b%2Fc"), "a b/c");
        assert_eq!(decode("3180"), "3180");
    }

    #[test]
    fn parties_in_common_are_needed_and_weigh_twice() {
        let row = Row {
            iri: NamedNode::new_unchecked("x:r"),
            id: "1".into(),
            label: Some("ATOP alliance 1".into()),
            day: Some(0),
            parties: ["a", "b", "c"].iter().map(|s| s.to_string()).collect(),
        };
        let mut c = Candidate {
            iri: NamedNode::new_unchecked("x:c"),
            label: Some("Treaty".into()),
            names: vec!["treaty".into()],
            parties: ["a", "b"].iter().map(|s| s.to_string()).collect(),
            stated: HashSet::new(),
        };
        let (s, e) = score(&row, &c, true, false).unwrap();
        assert_eq!(s, 1.0, "{e}");
        assert_eq!(score(&row, &c, false, false).unwrap().0, 0.83);
        c.parties = ["z"].iter().map(|s| s.to_string()).collect();
        assert!(score(&row, &c, true, false).is_none());
    }
}
