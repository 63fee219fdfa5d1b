//! The vocabulary TQL speaks, read from the ontology in the store (never hard-coded): entity sets
//! from classes with a plural label, fields from declared properties with their labels, domains,
//! ranges and annotations. A dataset that adds a labelled property makes it queryable.

mod names;

use std::collections::HashMap;

use oxigraph::model::{NamedNode, Term};

use crate::error::{Error, Result};
use crate::results::Table;
use crate::store::{Backend, Error as StoreError};
use crate::vocab::{self, SKOS_CONCEPT, XSD};
pub use names::{Candidate, NameIndex};

/// What kind of value a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// An `xsd:date`.
    Date,
    /// Text (strings, language-tagged or not).
    Text,
    /// `xsd:boolean`.
    Boolean,
    /// A number.
    Number,
    /// An entity of this class, shown by its label.
    Entity(NamedNode),
    /// A SKOS concept, from this scheme when known, shown by its label.
    Concept(Option<NamedNode>),
    /// Any other resource, shown by its IRI.
    Resource,
}

/// A field of an entity set: one property, or the inverse of one.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name a user types: the label with spaces as underscores (`signed_at`).
    pub name: String,
    /// The property.
    pub predicate: NamedNode,
    /// True when the field follows the property backwards (`settlement` of a guarantee).
    pub inverse: bool,
    /// The class of the entities that have this field; `None` for fields every entity has.
    pub domain: Option<NamedNode>,
    /// What the field's values are.
    pub kind: ValueKind,
    /// One value per entity: shown as is rather than as a list.
    pub single: bool,
    /// For a date, the property that says to what precision it is known (`tr:signedPrecision`:
    /// `tr:year`, `tr:month`; a date without one is known to the day).
    pub precision: Option<NamedNode>,
    /// The description shown by `.schema`.
    pub description: String,
}

/// A set of entities a query can start from: `settlements`, `guarantees`...
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySet {
    pub class: NamedNode,
    pub singular: String,
    pub plural: String,
    pub description: String,
    /// Superclasses, so fields declared on them apply (skos:Concept for mechanisms).
    pub superclasses: Vec<NamedNode>,
    /// The fields shown when a query names none.
    pub(crate) default_fields: Vec<String>,
    /// The field that orders rows when a query gives no order.
    pub(crate) default_order: Option<String>,
}

/// The whole vocabulary.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub sets: Vec<EntitySet>,
    pub fields: Vec<Field>,
    /// For each concept, the concepts directly narrower (`skos:broader` read backwards).
    pub narrower: HashMap<NamedNode, Vec<NamedNode>>,
    /// For each actor, the actors it directly continues (the `continues` field, or
    /// `predecessor` in a dataset without it): what `including predecessors` follows.
    pub predecessors: HashMap<NamedNode, Vec<NamedNode>>,
}

impl Schema {
    /// Reads the schema from the ontology held by `backend`.
    pub fn load(backend: &dyn Backend) -> Result<Self> {
        let classes = table(backend.query(
            "SELECT ?class ?label ?plural ?comment ?fields ?order ?super WHERE { \
               ?class a owl:Class ; rdfs:label ?label ; tr:pluralLabel ?plural . \
               OPTIONAL { ?class rdfs:comment ?comment } \
               OPTIONAL { ?class tr:defaultFields ?fields } \
               OPTIONAL { ?class tr:defaultOrder ?order } \
               OPTIONAL { ?class rdfs:subClassOf ?super } \
             } ORDER BY ?label",
        )?)?;
        let mut sets: Vec<EntitySet> = Vec::new();
        for row in 0..classes.rows.len() {
            let Some(Term::NamedNode(class)) = classes.get(row, "class") else {
                continue;
            };
            let superclass = match classes.get(row, "super") {
                Some(Term::NamedNode(n)) => Some(n.clone()),
                _ => None,
            };
            if let Some(set) = sets.iter_mut().find(|s| &s.class == class) {
                set.superclasses.extend(superclass);
                continue;
            }
            sets.push(EntitySet {
                class: class.clone(),
                singular: text(&classes, row, "label"),
                plural: text(&classes, row, "plural"),
                description: text(&classes, row, "comment"),
                superclasses: superclass.into_iter().collect(),
                default_fields: text(&classes, row, "fields")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                default_order: Some(text(&classes, row, "order")).filter(|s| !s.is_empty()),
            });
        }

        let properties = table(backend.query(
            "SELECT ?p ?label ?comment ?domain ?range ?inverseOf ?functional ?single ?scheme ?precision WHERE { \
               VALUES ?type { owl:ObjectProperty owl:DatatypeProperty rdf:Property } \
               ?p a ?type ; rdfs:label ?label . \
               OPTIONAL { ?p rdfs:comment ?comment } \
               OPTIONAL { ?p rdfs:domain ?domain } \
               OPTIONAL { ?p rdfs:range ?range } \
               OPTIONAL { ?p owl:inverseOf ?inverseOf } \
               OPTIONAL { ?p a owl:FunctionalProperty BIND(true AS ?functional) } \
               OPTIONAL { ?p tr:singleValued ?single } \
               OPTIONAL { ?p tr:scheme ?scheme } \
               OPTIONAL { ?p tr:datePrecision ?precision } \
             } ORDER BY ?label ?p",
        )?)?;
        let class_of_set: HashMap<&NamedNode, ()> = sets.iter().map(|s| (&s.class, ())).collect();
        let mut fields: Vec<Field> = Vec::new();
        for row in 0..properties.rows.len() {
            let Some(Term::NamedNode(p)) = properties.get(row, "p") else {
                continue;
            };
            let name = field_name(&text(&properties, row, "label"));
            if fields.iter().any(|f| f.name == name && &f.predicate == p) {
                continue;
            }
            let node = |column: &str| match properties.get(row, column) {
                Some(Term::NamedNode(n)) => Some(n.clone()),
                _ => None,
            };
            let (predicate, inverse) = match node("inverseOf") {
                Some(of) => (of, true),
                None => (p.clone(), false),
            };
            let kind = match node("range") {
                None if node("scheme").is_some() => ValueKind::Concept(node("scheme")),
                None => ValueKind::Text,
                Some(range) => value_kind(&range, node("scheme"), &class_of_set),
            };
            let single = properties.get(row, "functional").is_some()
                || matches!(properties.get(row, "single"), Some(Term::Literal(l)) if l.value() == "true");
            fields.push(Field {
                name,
                predicate,
                inverse,
                domain: node("domain"),
                kind,
                single,
                precision: node("precision").filter(|_| !inverse),
                description: text(&properties, row, "comment"),
            });
        }
        if sets.is_empty() {
            return Err(Error::Unsupported(format!(
                "{} holds no ontology (no class with a plural label); TQL needs the treaty ontology",
                backend.describe()
            )));
        }
        // The concept hierarchy, so that `is` tests name every narrower concept instead of
        // following `skos:broader*` in the query (Virtuoso 7 evaluates a transitive path
        // under NOT EXISTS wrongly).
        let hierarchy = table(backend.query(
            "SELECT ?narrow ?broad WHERE { ?narrow skos:broader ?broad } ORDER BY ?broad ?narrow",
        )?)?;
        let mut narrower: HashMap<NamedNode, Vec<NamedNode>> = HashMap::new();
        for row in 0..hierarchy.rows.len() {
            if let (Some(Term::NamedNode(narrow)), Some(Term::NamedNode(broad))) =
                (hierarchy.get(row, "narrow"), hierarchy.get(row, "broad"))
            {
                narrower
                    .entry(broad.clone())
                    .or_default()
                    .push(narrow.clone());
            }
        }
        // Predecessors likewise, for `including predecessors`: naming the few actors beats
        // following `continues*` in the query (12 s against 0.04 s at ten million triples).
        let mut predecessors: HashMap<NamedNode, Vec<NamedNode>> = HashMap::new();
        if let Some(field) = lineage_field(&fields) {
            let pairs = table(backend.query(&format!(
                "SELECT ?actor ?predecessor WHERE {{ ?actor <{}> ?predecessor }} \
                 ORDER BY ?actor ?predecessor",
                field.predicate.as_str()
            ))?)?;
            for row in 0..pairs.rows.len() {
                if let (Some(Term::NamedNode(actor)), Some(Term::NamedNode(before))) =
                    (pairs.get(row, "actor"), pairs.get(row, "predecessor"))
                {
                    predecessors
                        .entry(actor.clone())
                        .or_default()
                        .push(before.clone());
                }
            }
        }
        Ok(Schema {
            sets,
            fields,
            narrower,
            predecessors,
        })
    }

    /// `actor` and the actors it continues, and theirs, at any depth: itself first, then the
    /// others in IRI order.
    pub(crate) fn with_predecessors(&self, actor: &NamedNode) -> Vec<NamedNode> {
        closure(&self.predecessors, actor)
    }

    /// `concept` and every concept narrower than it, at any depth: itself first, then the
    /// others in IRI order.
    pub(crate) fn with_narrower(&self, concept: &NamedNode) -> Vec<NamedNode> {
        closure(&self.narrower, concept)
    }

    /// The entity set a noun names, singular or plural, case-insensitively.
    pub fn set(&self, noun: &str) -> Option<&EntitySet> {
        self.sets
            .iter()
            .find(|s| s.plural.eq_ignore_ascii_case(noun) || s.singular.eq_ignore_ascii_case(noun))
    }

    /// The entity set whose class is `class`.
    pub fn set_of_class(&self, class: &NamedNode) -> Option<&EntitySet> {
        self.sets.iter().find(|s| &s.class == class)
    }

    /// The fields that entities of `set` have (those of its class, its superclasses, and
    /// those without a domain), in name order.
    pub fn fields_of<'a>(&'a self, set: &'a EntitySet) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields.iter().filter(move |f| match &f.domain {
            None => true,
            Some(d) => d == &set.class || set.superclasses.contains(d),
        })
    }

    /// The field called `name` on entities of `set`.
    pub fn field<'a>(&'a self, set: &'a EntitySet, name: &str) -> Option<&'a Field> {
        self.fields_of(set)
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The fields of entities whose class is unknown (values of a Resource or Text field).
    pub(crate) fn generic_field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.domain.is_none() && f.name.eq_ignore_ascii_case(name))
    }

    /// All plural nouns, for suggestions and completion.
    pub(crate) fn nouns(&self) -> Vec<String> {
        self.sets.iter().map(|s| s.plural.clone()).collect()
    }
}

/// The names of the fields `including predecessors` may follow, the first the dataset has:
/// continuity of legal personality (Russia, the Soviet Union, the Russian Empire), not
/// succession in the broad sense (`predecessor`, which would hand Ukraine the Russian Empire's
/// treaties), unless the dataset records only succession. The words of the vocabulary the
/// compiler knows.
pub(crate) const LINEAGE: [&str; 2] = ["continues", "predecessor"];

/// The field `including predecessors` follows (see [`LINEAGE`]), if the dataset has one.
pub(crate) fn lineage_field(fields: &[Field]) -> Option<&Field> {
    LINEAGE
        .iter()
        .find_map(|name| fields.iter().find(|f| f.name == *name && !f.inverse))
}

/// `start` and everything reachable from it through `edges`: `start` first, then the others
/// in IRI order. Cycles end the walk.
fn closure(edges: &HashMap<NamedNode, Vec<NamedNode>>, start: &NamedNode) -> Vec<NamedNode> {
    let mut found = vec![start.clone()];
    let mut next = 0;
    while next < found.len() {
        if let Some(targets) = edges.get(&found[next]) {
            for target in targets {
                if !found.contains(target) {
                    found.push(target.clone());
                }
            }
        }
        next += 1;
    }
    found[1..].sort();
    found
}

/// `signed at` -> `signed_at`
pub(crate) fn field_name(label: &str) -> String {
    label.trim().replace([' ', '-'], "_").to_lowercase()
}

fn value_kind(
    range: &NamedNode,
    scheme: Option<NamedNode>,
    sets: &HashMap<&NamedNode, ()>,
) -> ValueKind {
    let iri = range.as_str();
    if let Some(local) = iri.strip_prefix(XSD) {
        return match local {
            "date" => ValueKind::Date,
            "boolean" => ValueKind::Boolean,
            "integer" | "decimal" | "double" | "float" | "int" | "long" => ValueKind::Number,
            _ => ValueKind::Text,
        };
    }
    if iri == SKOS_CONCEPT || scheme.is_some() {
        return ValueKind::Concept(scheme);
    }
    if sets.contains_key(range) || iri.starts_with(vocab::ONTOLOGY) {
        return ValueKind::Entity(range.clone());
    }
    ValueKind::Resource
}

fn table(answer: crate::results::Answer) -> Result<Table> {
    match answer {
        crate::results::Answer::Table(t) => Ok(t),
        crate::results::Answer::Boolean(_) => {
            Err(StoreError::QueryEvaluation("the schema query gave a boolean".into()).into())
        }
    }
}

fn text(table: &Table, row: usize, column: &str) -> String {
    match table.get(row, column) {
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(Term::NamedNode(n)) => n.as_str().to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Location, Store};

    #[test]
    fn the_schema_comes_from_the_bundled_ontology() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let schema = Schema::load(&store).unwrap();
        let settlements = schema.set("settlements").unwrap();
        assert_eq!(schema.set("Settlement").unwrap().class, settlements.class);
        let signed = schema.field(settlements, "signed").unwrap();
        assert_eq!(signed.kind, ValueKind::Date);
        assert!(signed.single);
        let party = schema.field(settlements, "party").unwrap();
        assert!(matches!(party.kind, ValueKind::Entity(_)));
        assert!(!party.single);
        assert!(schema.field(settlements, "signed_at").is_some());
        assert!(schema.field(settlements, "name").is_some());
        let guarantees = schema.set("guarantees").unwrap();
        let settlement = schema.field(guarantees, "settlement").unwrap();
        assert!(settlement.inverse);
        assert!(matches!(
            schema.field(guarantees, "outcome").unwrap().kind,
            ValueKind::Concept(Some(_))
        ));
        // Fields of another class are not offered.
        assert!(schema.field(guarantees, "signed").is_none());
        let mechanisms = schema.set("mechanisms").unwrap();
        assert!(schema.field(mechanisms, "definition").is_some());
        assert_eq!(settlements.default_order.as_deref(), Some("signed"));
    }
}
