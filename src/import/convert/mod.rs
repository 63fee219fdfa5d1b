//! Rows to quads: a mapping compiled against a file's header (`Plan`), then each row turned into
//! the triples of its entities, in the import's graph. Nothing here touches the store: actors
//! and date-precision properties come from a `Lookup` read beforehand, so the same quads can go
//! to the embedded store or elsewhere.
//!
//! `lookup.rs` reads what the store knows, `plan.rs` compiles the mapping, this file converts
//! the rows; `import::cell` reads the cells.

mod lookup;
mod plan;
mod recognise;

use std::collections::BTreeMap;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};

use lookup::Resolved;
pub(crate) use lookup::{How, Lookup, states_namespace};
pub use plan::namespace;

use super::cell::{self, Date, literal, parse_date, parse_integer, same_value, scientific_integer};
use super::mapping::{self, EntitySpec, FieldSpec, Kind, Loaded, MatchBy, Part, Unmatched};
use super::states::ListedState;
use crate::error::{Error, Result};
use crate::vocab;

fn tr(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}{local}", vocab::ONTOLOGY))
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
    /// Names to find in free text, when a field reads actors from it.
    recogniser: Option<recognise::Recogniser>,
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
    aliases: BTreeMap<String, String>,
    parenthesised: Option<NamedNode>,
    recognise: bool,
    /// Words of free text (lower case) and the role property of the actors named after them.
    roles: Vec<(String, NamedNode)>,
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
    /// The same cells by how they were linked.
    pub linked_by: BTreeMap<How, u64>,
    /// Actors minted because nothing in the store matched: IRI to what it is.
    pub minted: BTreeMap<String, Minted>,
    /// Free-text cells read for actor names, those naming at least one, and the names found.
    pub texts: u64,
    pub texts_recognised: u64,
    pub recognised: u64,
    /// Every distinct (cell value, actor IRI, how) and how many cells: for the import report.
    pub cells: BTreeMap<(String, String, &'static str), u64>,
}

/// How the report says a cell became an actor it created.
pub(crate) const CREATED_FROM_LIST: &str = "created from a state list";
pub(crate) const CREATED_FROM_NAME: &str = "created from the cell";
pub(crate) const IN_FREE_TEXT: &str = "name in free text";

/// An actor an import makes: from a state list (names, codes, years) or from a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minted {
    pub name: String,
    pub other_name: Option<String>,
    pub cow: Option<i64>,
    pub gw: Option<i64>,
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Its actor kind (`tak:state` for the lists' states).
    pub kind: Option<NamedNode>,
}

/// What one row adds to the tally, kept apart until the row is known to be good.
#[derive(Default)]
struct RowTally {
    minted: BTreeMap<String, Minted>,
    linked_by: BTreeMap<How, u64>,
    texts: u64,
    texts_recognised: u64,
    recognised: u64,
    cells: BTreeMap<(String, String, &'static str), u64>,
}

impl RowTally {
    fn cell(&mut self, value: &str, actor: &NamedNode, how: &'static str) {
        *self
            .cells
            .entry((value.to_owned(), actor.as_str().to_owned(), how))
            .or_default() += 1;
    }
}

impl Plan {
    /// The triples describing the dataset the mapping cites (or, without `[source]`, the file).
    pub(crate) fn source_quads(&self, loaded: &Loaded, file: &str) -> Vec<Quad> {
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
                &NamedNode::new_unchecked(vocab::DCT_CITATION),
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
    pub(crate) fn minted_quads(&self, tally: &Tally) -> Vec<Quad> {
        let mut out = Vec::new();
        let integer = |n: i64| Term::from(Literal::new_typed_literal(n.to_string(), xsd::INTEGER));
        let year = |y: i64| {
            Term::from(Literal::new_typed_literal(
                format!("{y:04}"),
                NamedNode::new_unchecked(format!("{}gYear", vocab::XSD)),
            ))
        };
        for (iri, m) in &tally.minted {
            let s = NamedNode::new_unchecked(iri.clone());
            self.quad(&mut out, &s, &rdf::TYPE.into_owned(), tr("Actor").into());
            self.quad(&mut out, &s, &rdfs::LABEL.into_owned(), en(&m.name).into());
            if let Some(other) = &m.other_name {
                self.quad(&mut out, &s, &skos("altLabel"), en(other).into());
            }
            if let Some(code) = m.cow {
                self.quad(&mut out, &s, &tr("cowCode"), integer(code));
            }
            if let Some(code) = m.gw {
                self.quad(&mut out, &s, &tr("gwCode"), integer(code));
            }
            if let Some(y) = m.from {
                self.quad(&mut out, &s, &tr("existedFrom"), year(y));
            }
            if let Some(y) = m.until {
                self.quad(&mut out, &s, &tr("existedUntil"), year(y));
            }
            if let Some(kind) = &m.kind {
                self.quad(&mut out, &s, &tr("actorKind"), kind.clone().into());
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
        let mut row = RowTally::default();
        let result = self.row_inner(cells, lookup, out, &mut row);
        match result {
            Ok(()) => {
                for (how, n) in row.linked_by {
                    tally.linked += n;
                    *tally.linked_by.entry(how).or_default() += n;
                }
                for (iri, m) in row.minted {
                    merge_minted(&mut tally.minted, iri, m);
                }
                tally.texts += row.texts;
                tally.texts_recognised += row.texts_recognised;
                tally.recognised += row.recognised;
                for (key, n) in row.cells {
                    *tally.cells.entry(key).or_default() += n;
                }
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
        tally: &mut RowTally,
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
                    &NamedNode::new_unchecked(vocab::DCT_SOURCE),
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
                self.field(field, cells, &subject, lookup, out, tally, &mut year)?;
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
        tally: &mut RowTally,
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
        if field.recognise {
            for column in columns {
                let text = cells[column].trim();
                if !unknown(text) {
                    self.recognised(field, text, subject, lookup, out, tally, *year);
                }
            }
            return Ok(());
        }
        for column in columns {
            let cell = cells[column].as_str();
            let pieces: Vec<&str> = match &field.split {
                Some(sep) => split_outside_parentheses(cell, sep),
                None => vec![cell.trim()],
            };
            for raw in pieces {
                if unknown(raw) {
                    continue;
                }
                let raw = field.aliases.get(raw).map_or(raw, String::as_str);
                // "(Abkhazia)": a territory or non-state entity, named without the parentheses.
                let (raw, kind) = match (&field.parenthesised, raw.strip_prefix('(')) {
                    (Some(kind), Some(rest)) if rest.ends_with(')') => {
                        (rest[..rest.len() - 1].trim(), Some(kind))
                    }
                    _ => (raw, None),
                };
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
                        Some(Resolved::Known(iri, how)) => {
                            *tally.linked_by.entry(how).or_default() += 1;
                            tally.cell(value, iri, how.describe());
                            iri.clone().into()
                        }
                        Some(Resolved::Listed(state)) => {
                            let iri = mint_listed(state, &mut tally.minted);
                            tally.cell(value, &iri, CREATED_FROM_LIST);
                            iri.into()
                        }
                        None => {
                            let iri = self
                                .mint(value, &field.match_by, kind, &mut tally.minted)
                                .map_err(|why| self.bad(column, raw, &why))?;
                            tally.cell(value, &iri, CREATED_FROM_NAME);
                            iri.into()
                        }
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

    /// An actor for a name nothing in the store or the state lists matched, under the
    /// mapping's namespace. A code is never a name: a code the lists lack is a bad cell.
    fn mint(
        &self,
        value: &str,
        by: &[MatchBy],
        kind: Option<&NamedNode>,
        minted: &mut BTreeMap<String, Minted>,
    ) -> std::result::Result<NamedNode, String> {
        let codes = by.iter().any(|m| matches!(m, MatchBy::Cow | MatchBy::Gw));
        if codes && parse_integer(value).is_ok() {
            let lists: Vec<&str> = by
                .iter()
                .filter_map(|m| match m {
                    MatchBy::Cow => Some("the COW state list (v2016)"),
                    MatchBy::Gw => Some("the Gleditsch-Ward list"),
                    _ => None,
                })
                .collect();
            return Err(format!(
                "no actor carries this code and {} has no state numbered {value}",
                lists.join(" or ")
            ));
        }
        let iri = format!("{}actor/{}", self.namespace, iri_segment(value));
        merge_minted(
            minted,
            iri.clone(),
            Minted {
                name: value.to_owned(),
                other_name: None,
                cow: None,
                gw: None,
                from: None,
                until: None,
                kind: kind.cloned(),
            },
        );
        Ok(NamedNode::new_unchecked(iri))
    }

    /// The actors named in a free-text cell: each linked once with the field's property, and
    /// with a role property when the line it is on, or a line above, has the role's word.
    /// Nothing is minted from free text.
    #[allow(clippy::too_many_arguments)]
    fn recognised(
        &self,
        field: &FieldPlan,
        text: &str,
        subject: &NamedNode,
        lookup: &Lookup,
        out: &mut Vec<Quad>,
        tally: &mut RowTally,
        year: Option<i64>,
    ) {
        let Some(recogniser) = &self.recogniser else {
            return;
        };
        tally.texts += 1;
        let roles = recognise::roles_by_line(text, &field.roles);
        let mut seen = std::collections::HashSet::new();
        for found in recogniser.find(text) {
            let iri = match lookup.actor(found.name, &[MatchBy::Name], year) {
                Some(Resolved::Known(iri, _)) => iri.clone(),
                Some(Resolved::Listed(state)) => mint_listed(state, &mut tally.minted),
                None => continue,
            };
            if !seen.insert(iri.clone()) {
                continue;
            }
            tally.cell(found.name, &iri, IN_FREE_TEXT);
            tally.recognised += 1;
            self.quad(out, subject, &field.property, iri.clone().into());
            if let Some(Some(role)) = roles.get(found.line) {
                self.quad(out, subject, role, iri.into());
            }
        }
        if !seen.is_empty() {
            tally.texts_recognised += 1;
        }
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

/// Adds a minted actor, keeping the kind a later mention gives one minted without it.
fn merge_minted(minted: &mut BTreeMap<String, Minted>, iri: String, m: Minted) {
    let entry = minted.entry(iri).or_insert_with(|| m.clone());
    if entry.kind.is_none() {
        entry.kind = m.kind;
    }
}

/// Splits a cell at `sep`, except inside parentheses: "Philippines/RPMP (RPMP/RPA/ABB)" is two
/// values.
fn split_outside_parentheses<'c>(cell: &'c str, sep: &str) -> Vec<&'c str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    let mut i = 0;
    while i < cell.len() {
        let rest = &cell[i..];
        if rest.starts_with('(') {
            depth += 1;
        } else if rest.starts_with(')') {
            depth -= 1;
        } else if depth <= 0 && !sep.is_empty() && rest.starts_with(sep) {
            out.push(cell[start..i].trim());
            i += sep.len();
            start = i;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out.push(cell[start..].trim());
    out
}

/// A state of the lists as an actor, under the namespace every import shares, so that ATOP
/// and UCDP rows naming the same unlisted state name the same actor.
fn mint_listed(state: &ListedState, minted: &mut BTreeMap<String, Minted>) -> NamedNode {
    let iri = format!("{}{}", states_namespace(), encode(&state.key));
    minted.entry(iri.clone()).or_insert_with(|| Minted {
        name: state.name.clone(),
        other_name: state.other_name.clone(),
        cow: state.cow,
        gw: state.gw,
        from: Some(state.from),
        until: state.until,
        kind: Some(NamedNode::new_unchecked(format!(
            "{}actor-kind/state",
            vocab::DATA
        ))),
    });
    NamedNode::new_unchecked(iri)
}

fn skos(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}{local}", vocab::SKOS))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_split_outside_parentheses() {
        assert_eq!(
            split_outside_parentheses("Philippines/RPMP (RPMP/RPA/ABB)", "/"),
            ["Philippines", "RPMP (RPMP/RPA/ABB)"]
        );
        assert_eq!(
            split_outside_parentheses("Georgia/(Abkhazia)/(Ossetia)", "/"),
            ["Georgia", "(Abkhazia)", "(Ossetia)"]
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
}
