//! Seeding: the dataset compiled into the binary is written into its own named graph when a
//! store is created, and replaced when the binary carries a different version of it.

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, Literal, NamedNodeRef, QuadRef, Triple};

use crate::store::error::{Error, Result};
use crate::vocab;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// What opening a store did to the bundled graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The store was new (or empty) and has been seeded.
    Seeded,
    /// The store held an older bundled dataset, which has been replaced.
    Updated,
    /// The store already held this binary's bundled dataset.
    Current,
    /// The store was opened read-only, so the bundled graph was not checked or changed.
    Unchecked,
}

/// A stable fingerprint (FNV-1a, 64 bits) of the bundled files' names and contents.
pub fn fingerprint() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, text) in BUNDLED_FILES {
        for byte in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Makes the bundled graph of `db` hold exactly the bundled dataset, in one transaction.
pub(super) fn seed(db: &oxigraph::store::Store) -> Result<SeedOutcome> {
    let graph = NamedNodeRef::new_unchecked(vocab::BUNDLED_GRAPH);
    let property = NamedNodeRef::new_unchecked(vocab::FINGERPRINT);
    let wanted = fingerprint();
    let outcome = match stored_fingerprint(db)? {
        Some(oxigraph::model::Term::Literal(l)) if l.value() == wanted => {
            return Ok(SeedOutcome::Current);
        }
        Some(_) => SeedOutcome::Updated,
        None if db.contains_named_graph(graph)? => SeedOutcome::Updated,
        None => SeedOutcome::Seeded,
    };
    let mut transaction = db.start_transaction()?;
    transaction.clear_graph(GraphNameRef::NamedNode(graph))?;
    for (name, text) in BUNDLED_FILES {
        let parser = RdfParser::from_format(RdfFormat::Turtle).with_default_graph(graph);
        transaction
            .load_from_slice(parser, text.as_bytes())
            .map_err(|e| Error::Bundled {
                file: (*name).to_owned(),
                message: e.to_string(),
            })?;
    }
    let fingerprint = Literal::new_simple_literal(wanted);
    transaction.insert(QuadRef::new(graph, property, &fingerprint, graph));
    transaction.commit()?;
    Ok(outcome)
}

/// True when `db` holds this binary's version of the bundled dataset.
pub(super) fn is_current(db: &oxigraph::store::Store) -> Result<bool> {
    Ok(matches!(
        stored_fingerprint(db)?,
        Some(oxigraph::model::Term::Literal(l)) if l.value() == fingerprint()
    ))
}

/// The fingerprint statement's value in the bundled graph, if there is one.
fn stored_fingerprint(db: &oxigraph::store::Store) -> Result<Option<oxigraph::model::Term>> {
    let graph = NamedNodeRef::new_unchecked(vocab::BUNDLED_GRAPH);
    let property = NamedNodeRef::new_unchecked(vocab::FINGERPRINT);
    Ok(db
        .quads_for_pattern(Some(graph.into()), Some(property), None, Some(graph.into()))
        .next()
        .transpose()?
        .map(|quad| quad.object))
}

/// The bundled dataset as triples, with the fingerprint statement that tells which version it
/// is: what a remote endpoint's bundled graph must hold.
pub(crate) fn bundled_triples() -> Result<Vec<Triple>> {
    let graph = NamedNodeRef::new_unchecked(vocab::BUNDLED_GRAPH);
    let mut triples = Vec::new();
    for (name, text) in BUNDLED_FILES {
        for triple in RdfParser::from_format(RdfFormat::Turtle).for_slice(text.as_bytes()) {
            triples.push(
                triple
                    .map_err(|e| Error::Bundled {
                        file: (*name).to_owned(),
                        message: e.to_string(),
                    })?
                    .into(),
            );
        }
    }
    triples.push(Triple::new(
        graph,
        NamedNodeRef::new_unchecked(vocab::FINGERPRINT),
        Literal::new_simple_literal(fingerprint()),
    ));
    Ok(triples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_files_are_present_and_parse() {
        assert!(
            BUNDLED_FILES
                .iter()
                .any(|(name, _)| *name == "ontology.ttl")
        );
        for (name, text) in BUNDLED_FILES {
            let mut count = 0;
            for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(text.as_bytes()) {
                quad.unwrap_or_else(|e| panic!("{name}: {e}"));
                count += 1;
            }
            assert!(count > 0, "{name} holds no triples");
        }
    }

    #[test]
    fn fingerprint_is_stable_and_hex() {
        assert_eq!(fingerprint(), fingerprint());
        assert_eq!(fingerprint().len(), 16);
    }
}
