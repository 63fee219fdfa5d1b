//! Rows to quads: a mapping compiled against a file's header (`Plan`), then each row turned into
//! the triples of its entities, in the import's graph. Nothing here touches the store: actors
//! and date-precision properties come from a `Lookup` read beforehand, so the same quads can go
//! to the embedded store or elsewhere.

use std::collections::{BTreeMap, HashMap};

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};

use super::mapping::{self, EntitySpec, FieldSpec, Kind, Loaded, MatchBy, Part, Unmatched};
use crate::error::{Error, Result};
use crate::lang::date;
use crate::results::Answer;
use crate::{Backend, suggest, vocab};

const DCT_SOURCE: &str = "http://purl.org/dc/terms/source";
const DCT_CITATION: &str = "http://purl.org/dc/terms/bibliographicCitation";

fn tr(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}{local}", vocab::ONTOLOGY))
}

/// What the store already knows that an import links to: actors (by COW code, ISO code and
/// name, with the years they existed) and the precision property of each date property.
#[derive(Debug, Default)]
pub struct Lookup {
    actors: Vec<Actor>,
    cow: HashMap<i64, Vec<usize>>,
    iso: HashMap<String, Vec<usize>>,
    names: HashMap<String, Vec<usize>>,
    precision: HashMap<String, NamedNode>,
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
    /// in its own graph, which may replace the graph that described them.
    pub fn read(backend: &dyn Backend, skip_namespace: &str) -> Result<Self> {
        let mut lookup = Lookup::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let rows = table(backend.query(
            "SELECT ?a ?cow ?iso ?from ?until WHERE { ?a a tr:Actor .
               OPTIONAL { ?a tr:cowCode ?cow } OPTIONAL { ?a tr:isoCode ?iso }
               OPTIONAL { ?a tr:existedFrom ?from } OPTIONAL { ?a tr:existedUntil ?until } }",
        )?);
        for row in rows {
            let Some(Term::NamedNode(iri)) = &row[0] else {
                continue;
            };
            if iri.as_str().starts_with(skip_namespace) {
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
            if let Some(Term::Literal(l)) = &row[2] {
                push(lookup.iso.entry(l.value().to_uppercase()).or_default(), i);
            }
        }
        let rows =
            table(backend.query(
                "SELECT ?a ?name WHERE { ?a a tr:Actor ; rdfs:label|skos:altLabel ?name }",
            )?);
        for row in rows {
            if let (Some(Term::NamedNode(iri)), Some(Term::Literal(name))) = (&row[0], &row[1])
                && let Some(i) = index.get(iri.as_str())
            {
                push(
                    lookup.names.entry(name.value().to_lowercase()).or_default(),
                    *i,
                );
            }
        }
        let rows = table(backend.query("SELECT DISTINCT ?c WHERE { ?c a skos:Concept }")?);
        for row in rows {
            if let Some(Term::NamedNode(c)) = &row[0] {
                lookup.concepts.insert(c.as_str().to_owned());
            }
        }
        let rows = table(backend.query("SELECT ?p ?pp WHERE { ?p tr:datePrecision ?pp }")?);
        for row in rows {
            if let (Some(Term::NamedNode(p)), Some(Term::NamedNode(pp))) = (&row[0], &row[1]) {
                lookup.precision.insert(p.as_str().to_owned(), pp.clone());
            }
        }
        Ok(lookup)
    }

    /// The actor a cell names, chosen among those sharing a code or name by the year of the
    /// row (the actor that existed then, else the nearest in time, else the present-day one).
    fn actor(&self, value: &str, by: &[MatchBy], year: Option<i64>) -> Option<&NamedNode> {
        for method in by {
            let candidates = match method {
                MatchBy::Cow => parse_integer(value).ok().and_then(|c| self.cow.get(&c)),
                MatchBy::Iso => self.iso.get(&value.to_uppercase()),
                MatchBy::Name => self.names.get(&value.to_lowercase()),
            };
            if let Some(candidates) = candidates {
                return candidates
                    .iter()
                    .map(|i| &self.actors[*i])
                    .min_by_key(|a| (distance(a, year), a.until.is_some(), a.iri.as_str()))
                    .map(|a| &a.iri);
            }
        }
        None
    }
}

impl Lookup {
    /// Why `iri` cannot be a concept value: an IRI in the treaty namespace that the store does
    /// not describe as a concept (a typo, most likely), with the nearest one. IRIs elsewhere are
    /// the user's business.
    fn unknown_concept(&self, iri: &NamedNode) -> Option<String> {
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

fn table(answer: Answer) -> Vec<Vec<Option<Term>>> {
    match answer {
        Answer::Table(t) => t.rows,
        Answer::Boolean(_) => Vec::new(),
    }
}

/// A bad cell: which column, what it held, why it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCell {
    pub column: String,
    pub value: String,
    pub message: String,
}

/// A mapping compiled against one file's header.
pub struct Plan {
    namespace: String,
    /// The mapping's "no value" cells, which identifiers, names and required columns refuse.
    unknown: Vec<String>,
    graph: GraphName,
    source: NamedNode,
    entities: Vec<EntityPlan>,
    header: Vec<String>,
}

struct EntityPlan {
    link: Option<NamedNode>,
    when: Option<(usize, Vec<String>)>,
    class: NamedNode,
    segment: String,
    id: Vec<Piece>,
    label: Option<Vec<Piece>>,
    required: Vec<usize>,
    fields: Vec<FieldPlan>,
    constants: Vec<(NamedNode, Term)>,
}

enum Piece {
    Text(String),
    Column(usize),
}

struct FieldPlan {
    property: NamedNode,
    kind: Kind,
    from: From,
    split: Option<String>,
    unknown: Vec<String>,
    formats: Vec<String>,
    values: Option<BTreeMap<String, String>>,
    unmatched: Unmatched,
    match_by: Vec<MatchBy>,
    lang: Option<String>,
    precision: Option<NamedNode>,
}

enum From {
    Column(usize),
    Group(Vec<usize>),
    Parts {
        year: usize,
        month: Option<usize>,
        day: Option<usize>,
    },
}

/// What converting the rows found beyond the quads.
#[derive(Debug, Default)]
pub struct Tally {
    /// Actor cells linked to an actor already in the store.
    pub linked: u64,
    /// Actors minted because nothing in the store matched: IRI to (name, COW code).
    pub minted: BTreeMap<String, (String, Option<i64>)>,
}

impl Plan {
    /// Compiles `loaded` against `header`; a column the mapping names and the file lacks is an
    /// error at the mapping's line. `graph` receives every quad; `file` names the data file in
    /// messages.
    pub fn new(
        loaded: &Loaded,
        header: &[String],
        file: &str,
        graph: &NamedNode,
        lookup: &Lookup,
    ) -> Result<Self> {
        let namespace = namespace(&loaded.name);
        let m = &loaded.mapping;
        let mut entities = Vec::new();
        for spec in std::iter::once(&m.entity).chain(&m.related) {
            entities.push(entity_plan(loaded, spec, header, file, lookup)?);
        }
        // A dataset named in the mapping is one source for every file read with it; without
        // one, each file is its own source (one name per IRI, whichever graphs hold it).
        let source = match &m.source {
            Some(_) => format!("{namespace}source"),
            None => format!(
                "{namespace}source/{}",
                graph.as_str().rsplit('/').next().unwrap_or("file")
            ),
        };
        Ok(Self {
            unknown: m.unknown.clone(),
            source: NamedNode::new_unchecked(source),
            namespace,
            graph: GraphName::NamedNode(graph.clone()),
            entities,
            header: header.to_vec(),
        })
    }

    /// The triples describing the dataset the mapping cites (or, without `[source]`, the file).
    pub fn source_quads(&self, loaded: &Loaded, file: &str) -> Vec<Quad> {
        let mut out = Vec::new();
        let s = &self.source;
        let (label, citation, url) = match &loaded.mapping.source {
            Some(src) => (src.label.clone(), src.citation.clone(), src.url.clone()),
            None => (
                format!(
                    "{} (imported with mapping {})",
                    std::path::Path::new(file)
                        .file_name()
                        .map_or_else(|| file.into(), |n| n.to_string_lossy()),
                    loaded.name
                ),
                None,
                None,
            ),
        };
        self.quad(&mut out, s, &rdf::TYPE.into_owned(), tr("Source").into());
        self.quad(&mut out, s, &rdfs::LABEL.into_owned(), en(&label).into());
        if let Some(c) = citation {
            self.quad(
                &mut out,
                s,
                &NamedNode::new_unchecked(DCT_CITATION),
                Literal::new_simple_literal(c).into(),
            );
        }
        if let Some(u) = url {
            self.quad(
                &mut out,
                s,
                &tr("url"),
                Literal::new_typed_literal(u, xsd::ANY_URI).into(),
            );
        }
        out
    }

    /// The triples for the actors minted during the conversion.
    pub fn minted_quads(&self, tally: &Tally) -> Vec<Quad> {
        let mut out = Vec::new();
        for (iri, (name, cow)) in &tally.minted {
            let s = NamedNode::new_unchecked(iri.clone());
            self.quad(&mut out, &s, &rdf::TYPE.into_owned(), tr("Actor").into());
            self.quad(&mut out, &s, &rdfs::LABEL.into_owned(), en(name).into());
            if let Some(code) = cow {
                self.quad(
                    &mut out,
                    &s,
                    &tr("cowCode"),
                    Literal::new_typed_literal(code.to_string(), xsd::INTEGER).into(),
                );
            }
        }
        out
    }

    /// Appends the quads of one row to `out`, or leaves `out` and `tally` as they were and says
    /// which cell is bad.
    pub fn row(
        &self,
        cells: &[String],
        lookup: &Lookup,
        out: &mut Vec<Quad>,
        tally: &mut Tally,
    ) -> std::result::Result<(), BadCell> {
        let mark = out.len();
        let mut minted = BTreeMap::new();
        let mut linked = 0;
        let result = self.row_inner(cells, lookup, out, &mut minted, &mut linked);
        match result {
            Ok(()) => {
                tally.linked += linked;
                tally.minted.extend(minted);
                Ok(())
            }
            Err(e) => {
                out.truncate(mark);
                Err(e)
            }
        }
    }

    fn row_inner(
        &self,
        cells: &[String],
        lookup: &Lookup,
        out: &mut Vec<Quad>,
        minted: &mut BTreeMap<String, (String, Option<i64>)>,
        linked: &mut u64,
    ) -> std::result::Result<(), BadCell> {
        let mut main: Option<NamedNode> = None;
        let mut year = None;
        for entity in &self.entities {
            if let Some((column, equals)) = &entity.when {
                let cell = cells[*column].trim();
                if !equals.iter().any(|e| same_value(e, cell)) {
                    continue;
                }
            }
            for column in &entity.required {
                if self.is_unknown(&cells[*column]) {
                    return Err(self.bad(*column, &cells[*column], "a value is required here"));
                }
            }
            let id = self.render(&entity.id, cells)?;
            let subject = NamedNode::new_unchecked(format!(
                "{}{}/{}",
                self.namespace,
                entity.segment,
                encode(&id)
            ));
            self.quad(
                out,
                &subject,
                &rdf::TYPE.into_owned(),
                entity.class.clone().into(),
            );
            if let Some(label) = &entity.label {
                let label = self.render(label, cells)?;
                self.quad(out, &subject, &rdfs::LABEL.into_owned(), en(&label).into());
            }
            match (&entity.link, &main) {
                (Some(link), Some(main)) => self.quad(out, main, link, subject.clone().into()),
                _ => self.quad(
                    out,
                    &subject,
                    &NamedNode::new_unchecked(DCT_SOURCE),
                    self.source.clone().into(),
                ),
            }
            for (property, value) in &entity.constants {
                self.quad(out, &subject, property, value.clone());
            }
            // Dates first: their year chooses among actors that share a code or a name.
            let (dates, others): (Vec<&FieldPlan>, Vec<&FieldPlan>) =
                entity.fields.iter().partition(|f| f.kind == Kind::Date);
            for field in dates.into_iter().chain(others) {
                self.field(
                    field, cells, &subject, lookup, out, minted, linked, &mut year,
                )?;
            }
            if main.is_none() {
                main = Some(subject);
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &self,
        field: &FieldPlan,
        cells: &[String],
        subject: &NamedNode,
        lookup: &Lookup,
        out: &mut Vec<Quad>,
        minted: &mut BTreeMap<String, (String, Option<i64>)>,
        linked: &mut u64,
        year: &mut Option<i64>,
    ) -> std::result::Result<(), BadCell> {
        let unknown = |v: &str| field.unknown.iter().any(|u| same_value(u, v));
        if let From::Parts {
            year: y,
            month,
            day,
        } = &field.from
        {
            let part = |c: Option<usize>| -> std::result::Result<Option<u32>, BadCell> {
                let Some(c) = c else { return Ok(None) };
                let v = cells[c].trim();
                if unknown(v) {
                    return Ok(None);
                }
                parse_integer(v)
                    .ok()
                    .and_then(|n| u32::try_from(n).ok())
                    .map(Some)
                    .ok_or_else(|| self.bad(c, v, "expected a whole number"))
            };
            let Some(y_value) = part(Some(*y))? else {
                return Ok(());
            };
            let date = Date::new(y_value as i64, part(*month)?, part(*day)?)
                .map_err(|why| self.bad(month.or(*day).unwrap_or(*y), &cells[*y], &why))?;
            year.get_or_insert(date.year);
            self.date(field, subject, &date, out);
            return Ok(());
        }
        let columns: Vec<usize> = match &field.from {
            From::Column(c) => vec![*c],
            From::Group(cs) => cs.clone(),
            From::Parts { .. } => unreachable!("handled above"),
        };
        for column in columns {
            let cell = cells[column].as_str();
            let pieces: Vec<&str> = match &field.split {
                Some(sep) => cell.split(sep.as_str()).map(str::trim).collect(),
                None => vec![cell.trim()],
            };
            for raw in pieces {
                if unknown(raw) {
                    continue;
                }
                let value = match &field.values {
                    Some(table) => {
                        let found = table.get(raw).or_else(|| {
                            table
                                .iter()
                                .find(|(k, _)| same_value(k, raw))
                                .map(|(_, v)| v)
                        });
                        match (found, field.unmatched) {
                            (Some(v), _) => v.as_str(),
                            (None, Unmatched::Skip) => continue,
                            (None, Unmatched::Keep) => raw,
                            (None, Unmatched::Error) => {
                                let known: Vec<&str> = table.keys().map(String::as_str).collect();
                                return Err(self.bad(
                                    column,
                                    raw,
                                    &format!(
                                        "not in the mapping's value table ({})",
                                        known.join(", ")
                                    ),
                                ));
                            }
                        }
                    }
                    None => raw,
                };
                let object: Term = match field.kind {
                    Kind::Date => {
                        let date = parse_date(value, &field.formats)
                            .map_err(|why| self.bad(column, raw, &why))?;
                        year.get_or_insert(date.year);
                        self.date(field, subject, &date, out);
                        continue;
                    }
                    Kind::Concept => {
                        let iri =
                            mapping::expand(value).map_err(|why| self.bad(column, raw, &why))?;
                        if let Some(why) = lookup.unknown_concept(&iri) {
                            return Err(self.bad(column, raw, &why));
                        }
                        iri.into()
                    }
                    Kind::Actor => match lookup.actor(value, &field.match_by, *year) {
                        Some(iri) => {
                            *linked += 1;
                            iri.clone().into()
                        }
                        None => self.mint(value, &field.match_by, minted).into(),
                    },
                    kind => literal(value, kind, field.lang.as_deref())
                        .map_err(|why| self.bad(column, raw, &why))?
                        .into(),
                };
                self.quad(out, subject, &field.property, object);
            }
        }
        Ok(())
    }

    fn date(&self, field: &FieldPlan, subject: &NamedNode, date: &Date, out: &mut Vec<Quad>) {
        self.quad(out, subject, &field.property, date.literal().into());
        if let (Some(precision), Some(level)) = (&field.precision, date.precision()) {
            self.quad(out, subject, precision, tr(level).into());
        }
    }

    /// An actor for a name or code nothing in the store matched, under the mapping's namespace.
    fn mint(
        &self,
        value: &str,
        by: &[MatchBy],
        minted: &mut BTreeMap<String, (String, Option<i64>)>,
    ) -> NamedNode {
        let cow = by
            .contains(&MatchBy::Cow)
            .then(|| parse_integer(value).ok())
            .flatten();
        let (local, name) = match cow {
            Some(code) => (format!("cow-{code}"), format!("COW state {code}")),
            None => (iri_segment(value), value.to_owned()),
        };
        let iri = format!("{}actor/{local}", self.namespace);
        minted.entry(iri.clone()).or_insert((name, cow));
        NamedNode::new_unchecked(iri)
    }

    /// A template with the row's values; a placeholder without a value is a bad cell.
    fn render(&self, pieces: &[Piece], cells: &[String]) -> std::result::Result<String, BadCell> {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Column(c) => {
                    let v = cells[*c].trim();
                    if self.is_unknown(v) {
                        return Err(self.bad(*c, v, "the identifier or name needs a value here"));
                    }
                    // A spreadsheet writes long identifiers as 3.45E+12: use the number itself.
                    match scientific_integer(v) {
                        Some(n) => out.push_str(&n.to_string()),
                        None => out.push_str(v),
                    }
                }
            }
        }
        Ok(out)
    }

    fn is_unknown(&self, cell: &str) -> bool {
        let cell = cell.trim();
        cell.is_empty() || self.unknown.iter().any(|u| same_value(u, cell))
    }

    fn quad(&self, out: &mut Vec<Quad>, s: &NamedNode, p: &NamedNode, o: Term) {
        out.push(Quad::new(s.clone(), p.clone(), o, self.graph.clone()));
    }

    fn bad(&self, column: usize, value: &str, message: &str) -> BadCell {
        BadCell {
            column: self.header[column].clone(),
            value: value.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// The namespace of the IRIs an import with mapping `name` mints.
pub fn namespace(name: &str) -> String {
    format!("{}import/{name}/", vocab::DATA)
}

fn entity_plan(
    loaded: &Loaded,
    spec: &EntitySpec,
    header: &[String],
    file: &str,
    lookup: &Lookup,
) -> Result<EntityPlan> {
    let col = |name: &toml::Spanned<String>| column(loaded, header, file, name);
    let class = mapping::iri(loaded, &spec.class)?;
    let segment = iri_segment(class.as_str().rsplit(['#', '/']).next().unwrap_or("entity"));
    let pieces = |t: &toml::Spanned<String>| -> Result<Vec<Piece>> {
        let parts =
            mapping::parse_template(t.get_ref()).map_err(|why| loaded.error(t.span(), why))?;
        parts
            .into_iter()
            .map(|p| match p {
                Part::Text(s) => Ok(Piece::Text(s)),
                Part::Column(c) => {
                    let spanned = toml::Spanned::new(t.span(), c);
                    Ok(Piece::Column(col(&spanned)?))
                }
            })
            .collect()
    };
    // Columns are checked in the order the mapping names them: identifier and name first.
    let id = pieces(&spec.id)?;
    let label = spec.label.as_ref().map(pieces).transpose()?;
    let mut fields = Vec::new();
    for f in &spec.fields {
        fields.push(field_plan(loaded, f, header, file, lookup)?);
    }
    let mut constants = Vec::new();
    for c in &spec.constants {
        let property = mapping::iri(loaded, &c.property)?;
        let value: Term = match c.kind {
            Kind::Concept => concept(loaded, lookup, &c.value)?.into(),
            kind => literal(c.value.get_ref(), kind, None)
                .map_err(|why| loaded.error(c.value.span(), why))?
                .into(),
        };
        constants.push((property, value));
    }
    Ok(EntityPlan {
        link: spec
            .link
            .as_ref()
            .map(|l| mapping::iri(loaded, l))
            .transpose()?,
        when: spec
            .when
            .as_ref()
            .map(|w| Ok::<_, Error>((col(&w.column)?, w.equals.clone())))
            .transpose()?,
        class,
        segment,
        id,
        label,
        required: spec.required.iter().map(col).collect::<Result<_>>()?,
        fields,
        constants,
    })
}

fn field_plan(
    loaded: &Loaded,
    f: &FieldSpec,
    header: &[String],
    file: &str,
    lookup: &Lookup,
) -> Result<FieldPlan> {
    let col = |name: &toml::Spanned<String>| column(loaded, header, file, name);
    let from = if let Some(c) = &f.column {
        From::Column(col(c)?)
    } else if let Some(g) = &f.columns {
        From::Group(group(loaded, header, file, g)?)
    } else if let Some(y) = &f.year {
        From::Parts {
            year: col(y)?,
            month: f.month.as_ref().map(col).transpose()?,
            day: f.day.as_ref().map(col).transpose()?,
        }
    } else {
        unreachable!("mapping::check requires one source per field")
    };
    let property = mapping::iri(loaded, &f.property)?;
    if f.kind == Kind::Concept {
        for value in f.values.iter().flat_map(|v| v.values()) {
            concept(loaded, lookup, value)?;
        }
    }
    Ok(FieldPlan {
        precision: lookup.precision.get(property.as_str()).cloned(),
        property,
        kind: f.kind,
        from,
        split: f.split.clone(),
        unknown: f
            .unknown
            .clone()
            .unwrap_or_else(|| loaded.mapping.unknown.clone()),
        formats: f
            .formats
            .as_ref()
            .map(|fs| fs.iter().map(|s| s.get_ref().clone()).collect())
            .unwrap_or_else(|| DEFAULT_FORMATS.iter().map(|s| s.to_string()).collect()),
        values: f.values.as_ref().map(|v| {
            v.iter()
                .map(|(k, v)| (k.clone(), v.get_ref().clone()))
                .collect()
        }),
        unmatched: f.unmatched,
        match_by: f
            .match_by
            .clone()
            .unwrap_or_else(|| vec![MatchBy::Cow, MatchBy::Iso, MatchBy::Name]),
        lang: f.lang.clone(),
    })
}

/// A concept named in the mapping, which must exist if it is in the treaty namespace.
fn concept(loaded: &Loaded, lookup: &Lookup, text: &toml::Spanned<String>) -> Result<NamedNode> {
    let iri = mapping::iri(loaded, text)?;
    match lookup.unknown_concept(&iri) {
        Some(why) => Err(loaded.error(text.span(), why)),
        None => Ok(iri),
    }
}

/// The date formats tried when a field names none.
const DEFAULT_FORMATS: &[&str] = &["yyyy-mm-dd", "dd/mm/yyyy", "yyyy"];

/// The index of a column: its exact name, else the same name ignoring case and spacing.
fn column(
    loaded: &Loaded,
    header: &[String],
    file: &str,
    name: &toml::Spanned<String>,
) -> Result<usize> {
    let wanted = name
        .get_ref()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    header
        .iter()
        .position(|h| *h == wanted)
        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(&wanted)))
        .ok_or_else(|| {
            loaded.error(
                name.span(),
                format!(
                    "{file} has no column \"{wanted}\"; its columns are: {}",
                    list(header)
                ),
            )
        })
}

/// The columns of a group `prefix*`: the prefix followed by digits, in numeric order.
fn group(
    loaded: &Loaded,
    header: &[String],
    file: &str,
    pattern: &toml::Spanned<String>,
) -> Result<Vec<usize>> {
    let prefix = pattern.get_ref().trim_end_matches('*');
    let mut found: Vec<(u64, usize)> = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            h.get(..prefix.len())
                .filter(|p| p.eq_ignore_ascii_case(prefix))?;
            h[prefix.len()..].parse::<u64>().ok().map(|n| (n, i))
        })
        .collect();
    if found.is_empty() {
        return Err(loaded.error(
            pattern.span(),
            format!(
                "{file} has no column named {prefix} followed by a number; its columns are: {}",
                list(header)
            ),
        ));
    }
    found.sort();
    Ok(found.into_iter().map(|(_, i)| i).collect())
}

fn list(header: &[String]) -> String {
    let shown: Vec<&str> = header.iter().take(30).map(String::as_str).collect();
    let more = header.len().saturating_sub(30);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn en(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "en")
}

/// Percent-encodes everything but unreserved characters, so distinct identifiers stay distinct.
fn encode(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A name as an IRI segment: its slug, percent-encoded.
fn iri_segment(text: &str) -> String {
    let out = crate::slug::slug(text);
    if out.is_empty() {
        "unnamed".to_owned()
    } else {
        encode(&out)
    }
}

/// Two cell values that mean the same: equal ignoring case, or the same whole number however a
/// spreadsheet wrote it (`1`, `1.0`, `1E+00`).
fn same_value(a: &str, b: &str) -> bool {
    let numeric = |s: &str| s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
    a.eq_ignore_ascii_case(b)
        || (numeric(a)
            && numeric(b)
            && matches!((parse_integer(a), parse_integer(b)), (Ok(x), Ok(y)) if x == y))
}

/// A whole number written the way spreadsheets write them: `42`, `42.0`, `3.45E+12`.
pub fn parse_integer(text: &str) -> std::result::Result<i64, String> {
    let t = text.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    scientific_integer(t)
        .or_else(|| {
            let f: f64 = t.parse().ok()?;
            (f.is_finite()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
                && !t.contains(['i', 'n', 'I', 'N']))
            .then_some(f as i64)
        })
        .ok_or_else(|| "expected a whole number".to_owned())
}

/// `3.45E+12` as the integer it denotes, when it denotes one.
fn scientific_integer(t: &str) -> Option<i64> {
    let (mantissa, exponent) = t.split_once(['e', 'E'])?;
    if !mantissa
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    let exponent: i32 = exponent.trim_start_matches('+').parse().ok()?;
    let f: f64 = format!("{mantissa}e{exponent}").parse().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// A literal of a simple kind, or why the text is not one.
pub fn literal(text: &str, kind: Kind, lang: Option<&str>) -> std::result::Result<Literal, String> {
    let t = text.trim();
    Ok(match kind {
        Kind::Text => match lang {
            Some(lang) => Literal::new_language_tagged_literal(t, lang)
                .map_err(|e| format!("bad language tag: {e}"))?,
            None => Literal::new_simple_literal(t),
        },
        Kind::Integer => Literal::new_typed_literal(parse_integer(t)?.to_string(), xsd::INTEGER),
        Kind::Decimal => {
            let plain = t.strip_prefix('-').unwrap_or(t);
            let is_plain = !plain.is_empty()
                && plain.chars().all(|c| c.is_ascii_digit() || c == '.')
                && plain.matches('.').count() <= 1
                && plain != ".";
            let lexical = if is_plain {
                t.to_owned()
            } else {
                let f: f64 = t
                    .parse()
                    .ok()
                    .filter(|f: &f64| f.is_finite())
                    .ok_or_else(|| "expected a number".to_owned())?;
                f.to_string()
            };
            Literal::new_typed_literal(lexical, xsd::DECIMAL)
        }
        Kind::Boolean => {
            let value = match t.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "y" | "t" => "true",
                "0" | "false" | "no" | "n" | "f" => "false",
                _ => return Err("expected a yes/no value (1/0, true/false, yes/no)".to_owned()),
            };
            Literal::new_typed_literal(value, xsd::BOOLEAN)
        }
        Kind::Date | Kind::Concept | Kind::Actor => {
            return Err("not a simple literal".to_owned());
        }
    })
}

/// A date, possibly known only to the month or the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    pub year: i64,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl Date {
    /// Checks the parts; a day without a month counts as the year alone.
    pub fn new(
        year: i64,
        month: Option<u32>,
        day: Option<u32>,
    ) -> std::result::Result<Self, String> {
        let month = month.filter(|m| *m != 0);
        let day = day.filter(|d| *d != 0).filter(|_| month.is_some());
        if !date::YEARS.contains(&year) {
            return Err(format!("the year {year} is out of range"));
        }
        date::validate(year, month, day).map_err(|invalid| match invalid {
            date::Invalid::Day { year, month, day } => {
                format!("month {month} of {year} has no day {day}")
            }
            other => other.to_string(),
        })?;
        Ok(Self { year, month, day })
    }

    fn literal(&self) -> Literal {
        Literal::new_typed_literal(
            format!(
                "{:04}-{:02}-{:02}",
                self.year,
                self.month.unwrap_or(1),
                self.day.unwrap_or(1)
            ),
            xsd::DATE,
        )
    }

    /// The precision concept's local name when the date is not known to the day.
    fn precision(&self) -> Option<&'static str> {
        match (self.month, self.day) {
            (Some(_), Some(_)) => None,
            (Some(_), None) => Some("month"),
            (None, _) => Some("year"),
        }
    }
}

/// Checks a date format: `yyyy`, `mm` and `dd` with separators among `-/. `.
pub fn check_date_format(format: &str) -> std::result::Result<(), String> {
    let mut rest = format;
    let mut has_year = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("yyyy") {
            has_year = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("mm").or_else(|| rest.strip_prefix("dd")) {
            rest = r;
        } else if rest.starts_with(['-', '/', '.', ' ']) {
            rest = &rest[1..];
        } else {
            return Err(format!(
                "bad date format \"{format}\": use yyyy, mm and dd with - / . or space between them"
            ));
        }
    }
    if !has_year {
        return Err(format!("the date format \"{format}\" has no yyyy"));
    }
    Ok(())
}

/// Reads a date in the first of `formats` that fits. A day or month left blank or 0 is unknown.
pub fn parse_date(text: &str, formats: &[String]) -> std::result::Result<Date, String> {
    let text = without_midnight(text.trim());
    let mut last_error = None;
    for format in formats {
        match parse_with(text, format) {
            Some(Ok(date)) => return Ok(date),
            Some(Err(why)) => last_error = Some(why),
            None => {}
        }
    }
    Err(last_error.unwrap_or_else(|| {
        format!(
            "not a date in any of the mapping's formats ({})",
            formats.join(", ")
        )
    }))
}

/// A date without the time of midnight a spreadsheet may add (`1995-11-21 00:00:00`); any other
/// time stays, so that the date does not parse and the row is reported.
fn without_midnight(text: &str) -> &str {
    match text.split_once([' ', 'T']) {
        Some((date, time)) if matches!(time.trim(), "00:00" | "00:00:00" | "0:00" | "0:00:00") => {
            date
        }
        _ => text,
    }
}

/// `None` when the text does not have the format's shape; an error when it does but the date
/// does not exist.
fn parse_with(text: &str, format: &str) -> Option<std::result::Result<Date, String>> {
    let (mut year, mut month, mut day) = (None, None, None);
    let mut rest = text;
    let mut f = format;
    let digits = |s: &str, max: usize| -> (String, usize) {
        let n = s.chars().take(max).take_while(char::is_ascii_digit).count();
        (s[..n].to_owned(), n)
    };
    while !f.is_empty() {
        if let Some(r) = f.strip_prefix("yyyy") {
            let (d, n) = digits(rest, 4);
            if n == 0 {
                return None;
            }
            year = d.parse::<i64>().ok();
            rest = &rest[n..];
            f = r;
        } else if let Some(r) = f.strip_prefix("mm") {
            let (d, n) = digits(rest, 2);
            month = d.parse::<u32>().ok();
            rest = &rest[n..];
            f = r;
        } else if let Some(r) = f.strip_prefix("dd") {
            let (d, n) = digits(rest, 2);
            day = d.parse::<u32>().ok();
            rest = &rest[n..];
            f = r;
        } else {
            let sep = f.chars().next()?;
            rest = rest.strip_prefix(sep)?;
            f = &f[sep.len_utf8()..];
        }
    }
    if !rest.is_empty() {
        return None;
    }
    Some(Date::new(year?, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formats() -> Vec<String> {
        DEFAULT_FORMATS.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dates_in_every_format_with_blank_parts() {
        let d = |y, m, d| Date {
            year: y,
            month: m,
            day: d,
        };
        assert_eq!(
            parse_date("1995-11-21", &formats()),
            Ok(d(1995, Some(11), Some(21)))
        );
        assert_eq!(
            parse_date("21/11/1995", &formats()),
            Ok(d(1995, Some(11), Some(21)))
        );
        assert_eq!(
            parse_date("/11/1995", &formats()),
            Ok(d(1995, Some(11), None))
        );
        assert_eq!(
            parse_date("00/00/1995", &formats()),
            Ok(d(1995, None, None))
        );
        assert_eq!(parse_date("1995", &formats()), Ok(d(1995, None, None)));
        assert!(
            parse_date("31/02/1995", &formats())
                .unwrap_err()
                .contains("no day 31")
        );
        assert!(parse_date("soon", &formats()).is_err());
        assert_eq!(
            parse_date("21/11/1995 00:00:00", &formats()),
            Ok(d(1995, Some(11), Some(21)))
        );
        assert!(parse_date("21/11/1995 13:45", &formats()).is_err());
        assert!(same_value("1", "1.0") && same_value("na", "NA") && !same_value("1", "2"));
        assert!(check_date_format("yyyy-qq").is_err());
    }

    #[test]
    fn spreadsheet_numbers_are_read_as_integers() {
        assert_eq!(parse_integer("3.45E+12"), Ok(3_450_000_000_000));
        assert_eq!(parse_integer("2.00E+02"), Ok(200));
        assert_eq!(parse_integer("365.0"), Ok(365));
        assert!(parse_integer("3.5").is_err());
        assert!(parse_integer("NaN").is_err());
        assert_eq!(
            literal("1.5E+3", Kind::Decimal, None).unwrap().value(),
            "1500"
        );
    }

    #[test]
    fn identifiers_stay_distinct_and_valid() {
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(
            iri_segment("Bosnia and Herzegovina"),
            "bosnia-and-herzegovina"
        );
        assert_eq!(iri_segment("  "), "unnamed");
    }

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
        let pick = |y| {
            lookup
                .actor("365", &[MatchBy::Cow], y)
                .unwrap()
                .as_str()
                .to_owned()
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
