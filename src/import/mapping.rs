//! The mapping file: a TOML description of how the columns of a CSV file become RDF (serde
//! types), the built-in mappings compiled into the binary, and the checks that can be made
//! before any data file is read. Every error names the mapping file's line and column.

use std::collections::BTreeMap;
use std::path::Path;

use oxigraph::model::NamedNode;
use serde::Deserialize;
use toml::Spanned;

pub(crate) use super::cell::Kind;
use crate::error::{Error, Result};
use crate::vocab;

include!(concat!(env!("OUT_DIR"), "/bundled_mappings.rs"));

/// A mapping file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The mapping's name: part of the import's graph IRI and of the IRIs it mints.
    /// Defaults to the file name without its extension.
    pub name: Option<Spanned<String>>,
    /// One line on what the mapping reads.
    pub description: Option<String>,
    /// The field separator: one character, or `"\t"`. Defaults to tab for `.tsv`/`.tab`
    /// files and otherwise to what the header line uses most (comma, semicolon or tab).
    pub delimiter: Option<Spanned<String>>,
    /// Cell values that mean "no value" in every column (a field's own `unknown` replaces it).
    #[serde(default = "default_unknown")]
    pub unknown: Vec<String>,
    /// The dataset the rows come from: every main entity cites it (`dct:source`).
    pub source: Option<SourceSpec>,
    /// The entity each row describes.
    pub entity: EntitySpec,
    /// Further entities a row may describe, linked from the main one.
    #[serde(default)]
    pub related: Vec<EntitySpec>,
    /// How rows are matched to settlements already in the store (`threshold`, `names`).
    pub matching: Option<super::matching::MatchSpec>,
    /// The date up to which the dataset observed its rows (yyyy-mm-dd), written as the
    /// import graph's `tr:observedOn`: the survival analysis censors a peace coded holding
    /// there.
    pub observed_on: Option<Spanned<String>>,
}

fn default_unknown() -> Vec<String> {
    vec![String::new(), "NA".to_owned(), "N/A".to_owned()]
}

/// The dataset cited by the imported entities.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    pub label: String,
    pub(crate) citation: Option<String>,
    pub url: Option<String>,
}

/// An entity made from a row.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySpec {
    /// Related entities only: the property from the main entity to this one.
    pub link: Option<Spanned<String>>,
    /// Related entities only: made only when a column holds one of some values.
    pub when: Option<When>,
    /// Its class (`tr:Settlement`, or an IRI).
    pub class: Spanned<String>,
    /// A template for its identifier: text with `{column}` placeholders.
    pub id: Spanned<String>,
    /// A template for its English name (`rdfs:label`).
    pub label: Option<Spanned<String>>,
    /// Columns that must hold a value; a row without one is a bad row.
    #[serde(default)]
    pub required: Vec<Spanned<String>>,
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldSpec>,
    #[serde(default, rename = "constant")]
    pub constants: Vec<ConstantSpec>,
}

/// The condition of a related entity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub column: Spanned<String>,
    pub equals: Vec<String>,
}

/// What to do with a cell that the value table does not list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unmatched {
    /// The row is bad.
    #[default]
    Error,
    /// No value for this field.
    Skip,
    /// The cell's own value is used.
    Keep,
}

/// How actors are looked up in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchBy {
    /// Correlates of War state number (`tr:cowCode`), else the COW state list.
    Cow,
    /// Gleditsch-Ward state number (`tr:gwCode`), else the Gleditsch-Ward list.
    Gw,
    /// ISO 3166-1 alpha-3 code (`tr:isoCode`).
    Iso,
    /// English name or other name (`rdfs:label`, `skos:altLabel`), ignoring case.
    Name,
}

/// One field: where its values come from and which property they fill.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// One column.
    pub column: Option<Spanned<String>>,
    /// A wide column group: `mem*` is every column named `mem` followed by a number, in
    /// numeric order.
    pub columns: Option<Spanned<String>>,
    /// A date from three columns (dates only): the year, month and day columns.
    pub year: Option<Spanned<String>>,
    pub month: Option<Spanned<String>>,
    pub day: Option<Spanned<String>>,
    /// The property the values fill (`tr:signed`, or an IRI).
    pub property: Spanned<String>,
    #[serde(default, rename = "type")]
    pub kind: Kind,
    /// Several values in one cell, separated by this text.
    pub split: Option<String>,
    /// Cell values that mean "no value" here (replaces the mapping's list).
    pub unknown: Option<Vec<String>>,
    /// Date formats tried in order: `yyyy-mm-dd`, `dd/mm/yyyy`, `mm/dd/yyyy`, `yyyy`...
    pub formats: Option<Vec<Spanned<String>>>,
    /// A value table: cell value (exact, else ignoring case) to value.
    pub values: Option<BTreeMap<String, Spanned<String>>>,
    /// What to do with a cell the value table does not list.
    #[serde(default)]
    pub unmatched: Unmatched,
    /// Actors: how to look them up, in order (default: cow, iso, name).
    #[serde(rename = "match")]
    pub(crate) match_by: Option<Vec<MatchBy>>,
    /// Text: a language tag, such as `en`.
    pub lang: Option<String>,
    /// Actors: other spellings of names, read before the lookup (`"Yugoslavia (former)" =
    /// "Yugoslavia"`).
    pub aliases: Option<BTreeMap<String, String>>,
    /// Actors: a value written in parentheses, `(Abkhazia)`, is a territory or non-state
    /// entity: the parentheses are dropped and a new actor gets this kind (a concept).
    pub parenthesised: Option<Spanned<String>>,
    /// Actors: the cell is free text; the actors it names are linked and nothing is made.
    #[serde(default)]
    pub recognise: bool,
    /// Actors in free text: a word (`guarant`, `witness`) and the property the actors named
    /// from a line with it onwards also get, as roles.
    pub roles: Option<BTreeMap<String, Spanned<String>>>,
    /// A file without the field's column is read without the field (versions of a dataset
    /// differ), instead of being refused.
    #[serde(default)]
    pub optional: bool,
}

/// A value every entity gets.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstantSpec {
    pub property: Spanned<String>,
    #[serde(default, rename = "type")]
    pub kind: Kind,
    pub value: Spanned<String>,
}

/// A parsed mapping and what it is called in messages.
#[derive(Debug)]
pub struct Loaded {
    /// The mapping itself.
    pub mapping: Mapping,
    /// The mapping's name (from the file, else its file stem).
    pub name: String,
    /// The file name used in messages (`data/mappings/pax.toml` for a built-in one).
    pub file: String,
    /// The mapping's text, to turn spans into line and column.
    pub text: String,
}

impl Loaded {
    /// `file:line:column: message` for a span of the mapping text.
    pub fn error(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Error {
        let (line, column) = line_column(&self.text, span.start);
        Error::Syntax {
            file: self.file.clone(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }
}

/// The names of the built-in mappings.
pub(crate) fn builtin_names() -> Vec<&'static str> {
    BUNDLED_MAPPINGS
        .iter()
        .map(|(file, _)| file.trim_end_matches(".toml"))
        .collect()
}

/// Reads a mapping: a built-in one by name (`pax`, `atop`), else a file.
pub fn load(name_or_path: &str) -> Result<Loaded> {
    if let Some((file, text)) = BUNDLED_MAPPINGS
        .iter()
        .find(|(file, _)| file.trim_end_matches(".toml") == name_or_path)
    {
        return parse(&format!("data/mappings/{file}"), name_or_path, text);
    }
    let path = Path::new(name_or_path);
    if !path.exists() && !name_or_path.contains(['/', '.', '\\']) {
        return Err(Error::UnknownMapping {
            name: name_or_path.to_owned(),
            available: builtin_names().join(", "),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mapping".to_owned());
    parse(name_or_path, &stem, &text)
}

/// Parses and checks a mapping text. `file` names it in messages; `stem` is the default name.
pub fn parse(file: &str, stem: &str, text: &str) -> Result<Loaded> {
    let mapping: Mapping = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|span| line_column(text, span.start)).unzip();
        Error::Syntax {
            file: file.to_owned(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })?;
    let name = mapping
        .name
        .as_ref()
        .map(|n| n.get_ref().clone())
        .unwrap_or_else(|| stem.to_owned());
    // The name goes into graph and entity IRIs: a file name used as the name must be as plain
    // as a declared one.
    if mapping.name.is_none() && !valid_name(&name) {
        return Err(Error::Syntax {
            file: file.to_owned(),
            line: None,
            column: None,
            message: format!(
                "the mapping has no `name` and its file name `{name}` cannot serve as one \
                 (letters, digits, '-' and '_' only): add `name = \"...\"`"
            ),
        });
    }
    let loaded = Loaded {
        mapping,
        name,
        file: file.to_owned(),
        text: text.to_owned(),
    };
    check(&loaded)?;
    Ok(loaded)
}

/// A mapping name, which goes into IRIs: letters, digits, '-' and '_'.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The observation date of a mapping: a whole day, yyyy-mm-dd.
pub(crate) fn observed_on(text: &str) -> std::result::Result<super::cell::Date, String> {
    let date = super::cell::parse_date(text, &["yyyy-mm-dd".to_owned()])
        .map_err(|why| format!("observed_on: {why}"))?;
    if date.precision().is_some() {
        return Err("observed_on must be a whole day, yyyy-mm-dd".to_owned());
    }
    Ok(date)
}

/// The checks that need no data file: names, prefixes, formats, and options that fit the type.
fn check(loaded: &Loaded) -> Result<()> {
    let m = &loaded.mapping;
    if let Some(name) = &m.name
        && !valid_name(name.get_ref())
    {
        return Err(loaded.error(
            name.span(),
            "a mapping name uses only letters, digits, '-' and '_'",
        ));
    }
    if let Some(d) = &m.delimiter {
        delimiter_byte(d.get_ref())
            .ok_or_else(|| loaded.error(d.span(), "the delimiter must be one ASCII character"))?;
    }
    if let Some(date) = &m.observed_on {
        observed_on(date.get_ref()).map_err(|why| loaded.error(date.span(), why))?;
    }
    check_entity(loaded, &m.entity, true)?;
    for related in &m.related {
        check_entity(loaded, related, false)?;
    }
    Ok(())
}

fn check_entity(loaded: &Loaded, entity: &EntitySpec, main: bool) -> Result<()> {
    match (&entity.link, main) {
        (Some(link), true) => {
            return Err(loaded.error(
                link.span(),
                "`link` belongs to [[related]] entities; the main [entity] is what they link from",
            ));
        }
        (None, false) => {
            return Err(loaded.error(
                entity.class.span(),
                "a [[related]] entity needs `link`, the property that links the main entity to it",
            ));
        }
        (Some(link), false) => {
            iri(loaded, link)?;
        }
        (None, true) => {}
    }
    if main && entity.when.is_some() {
        return Err(loaded.error(
            entity.class.span(),
            "`when` belongs to [[related]] entities; every row makes a main entity",
        ));
    }
    iri(loaded, &entity.class)?;
    template_columns(loaded, &entity.id)?;
    if let Some(label) = &entity.label {
        template_columns(loaded, label)?;
    }
    for field in &entity.fields {
        check_field(loaded, field)?;
    }
    for constant in &entity.constants {
        iri(loaded, &constant.property)?;
        match constant.kind {
            Kind::Concept => {
                iri(loaded, &constant.value)?;
            }
            Kind::Actor | Kind::Date => {
                return Err(loaded.error(
                    constant.value.span(),
                    "a constant is text, integer, decimal, boolean or concept",
                ));
            }
            kind => {
                crate::import::cell::literal(constant.value.get_ref(), kind, None)
                    .map_err(|why| loaded.error(constant.value.span(), why))?;
            }
        }
    }
    Ok(())
}

fn check_field(loaded: &Loaded, field: &FieldSpec) -> Result<()> {
    let property = iri(loaded, &field.property)?;
    let sources = [
        field.column.is_some(),
        field.columns.is_some(),
        field.year.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if sources != 1 {
        return Err(loaded.error(
            field.property.span(),
            format!(
                "the field for {} needs exactly one of `column`, `columns` (a group such as \"mem*\") or `year` (with `month` and `day`)",
                property.as_str()
            ),
        ));
    }
    if let Some(group) = &field.columns
        && !group.get_ref().ends_with('*')
    {
        return Err(loaded.error(
            group.span(),
            "a column group is a prefix followed by `*`, such as \"mem*\"",
        ));
    }
    if field.year.is_some() && field.kind != Kind::Date {
        return Err(loaded.error(
            field.property.span(),
            "`year`, `month` and `day` make a date: add type = \"date\"",
        ));
    }
    if (field.month.is_some() || field.day.is_some()) && field.year.is_none() {
        return Err(loaded.error(field.property.span(), "`month` and `day` need `year`"));
    }
    if let Some(formats) = &field.formats {
        if field.kind != Kind::Date {
            return Err(loaded.error(
                formats[0].span(),
                "`formats` is for dates: add type = \"date\"",
            ));
        }
        for format in formats {
            crate::import::cell::check_date_format(format.get_ref())
                .map_err(|why| loaded.error(format.span(), why))?;
        }
    }
    if field.match_by.is_some() && field.kind != Kind::Actor {
        return Err(loaded.error(
            field.property.span(),
            "`match` is for actors: add type = \"actor\"",
        ));
    }
    let actor_only = field.aliases.is_some()
        || field.parenthesised.is_some()
        || field.recognise
        || field.roles.is_some();
    if actor_only && field.kind != Kind::Actor {
        return Err(loaded.error(
            field.property.span(),
            "`aliases`, `parenthesised`, `recognise` and `roles` are for actors: add type = \"actor\"",
        ));
    }
    if field.roles.is_some() && !field.recognise {
        return Err(loaded.error(
            field.property.span(),
            "`roles` are read from free text: add recognise = true",
        ));
    }
    if let Some(kind) = &field.parenthesised {
        iri(loaded, kind)?;
    }
    for property in field.roles.iter().flat_map(|r| r.values()) {
        iri(loaded, property)?;
    }
    if field.lang.is_some() && field.kind != Kind::Text {
        return Err(loaded.error(field.property.span(), "`lang` is for text"));
    }
    if let Some(values) = &field.values {
        for value in values.values() {
            match field.kind {
                Kind::Concept => {
                    iri(loaded, value)?;
                }
                Kind::Actor | Kind::Date | Kind::Text => {}
                kind => {
                    crate::import::cell::literal(value.get_ref(), kind, None)
                        .map_err(|why| loaded.error(value.span(), why))?;
                }
            }
        }
    }
    Ok(())
}

/// The columns a template's `{...}` placeholders name, checking its braces.
pub(crate) fn template_columns(loaded: &Loaded, template: &Spanned<String>) -> Result<Vec<String>> {
    parse_template(template.get_ref())
        .map(|parts| {
            parts
                .into_iter()
                .filter_map(|p| match p {
                    Part::Column(c) => Some(c),
                    Part::Text(_) => None,
                })
                .collect()
        })
        .map_err(|why| loaded.error(template.span(), why))
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Text(String),
    Column(String),
}

/// Splits `text {column} more` into text and placeholders.
pub(crate) fn parse_template(template: &str) -> std::result::Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_owned()));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed '{{' in the template \"{template}\""))?;
        let column = after[..close].trim();
        if column.is_empty() {
            return Err(format!("an empty {{}} in the template \"{template}\""));
        }
        parts.push(Part::Column(column.to_owned()));
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!(
            "a '}}' without '{{' in the template \"{template}\""
        ));
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_owned()));
    }
    if !parts.iter().any(|p| matches!(p, Part::Column(_))) {
        return Err(format!(
            "the template \"{template}\" names no column; write columns as {{name}}"
        ));
    }
    Ok(parts)
}

/// A prefixed name (`tr:signed`) or an absolute IRI, as a named node.
pub(crate) fn iri(loaded: &Loaded, text: &Spanned<String>) -> Result<NamedNode> {
    expand(text.get_ref()).map_err(|why| loaded.error(text.span(), why))
}

/// Expands a prefixed name with the well-known prefixes, or checks an absolute IRI.
pub(crate) fn expand(text: &str) -> std::result::Result<NamedNode, String> {
    let text = text.trim();
    let text = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(text);
    if text.contains("://") || text.starts_with("urn:") {
        return NamedNode::new(text).map_err(|e| format!("\"{text}\" is not a valid IRI: {e}"));
    }
    let (prefix, local) = text
        .split_once(':')
        .ok_or_else(|| format!("\"{text}\" is neither a prefixed name (tr:signed) nor an IRI"))?;
    let namespace = vocab::PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, ns)| *ns)
        .ok_or_else(|| {
            let known: Vec<&str> = vocab::PREFIXES.iter().map(|(p, _)| *p).collect();
            format!(
                "unknown prefix \"{prefix}:\"; known prefixes: {}",
                known.join(", ")
            )
        })?;
    NamedNode::new(format!("{namespace}{local}"))
        .map_err(|e| format!("\"{text}\" does not make a valid IRI: {e}"))
}

/// The byte of a delimiter option.
pub(crate) fn delimiter_byte(text: &str) -> Option<u8> {
    match text {
        "\\t" | "\t" | "tab" => Some(b'\t'),
        t if t.len() == 1 && t.is_ascii() => Some(t.as_bytes()[0]),
        _ => None,
    }
}

/// Line and column (from 1, columns in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_mappings_parse() {
        for name in builtin_names() {
            let loaded = load(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(loaded.name, name);
        }
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let text = "[entity]\nclass = \"tr:Settlement\"\nid = \"{x}\"\n[[entity.field]]\ncolumn = \"a\"\nproperty = \"zz:nope\"\n";
        let err = parse("m.toml", "m", text).unwrap_err().to_string();
        assert!(err.starts_with("m.toml:6:12: unknown prefix"), "{err}");
        let err = parse("m.toml", "m", "[entity]\nclass = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("m.toml:2:9:"), "{err}");
    }

    #[test]
    fn options_that_do_not_fit_are_refused_at_their_line() {
        let base = "[entity]\nclass = \"tr:Settlement\"\nid = \"{x}\"\n";
        let cases = [
            ("link = \"tr:guarantee\"\n", "belongs to [[related]]"),
            (
                "[[entity.field]]\ncolumn = \"d\"\nproperty = \"tr:note\"\nformats = [\"yyyy\"]\n",
                "`formats` is for dates",
            ),
            (
                "[[entity.field]]\ncolumns = \"mem\"\nproperty = \"tr:party\"\ntype = \"actor\"\n",
                "a column group is a prefix followed by `*`",
            ),
            (
                "[[entity.field]]\ncolumn = \"d\"\nproperty = \"tr:signed\"\ntype = \"date\"\nformats = [\"dd/mm\"]\n",
                "has no yyyy",
            ),
            (
                "[[entity.field]]\ncolumn = \"d\"\nproperty = \"tr:reciprocal\"\ntype = \"boolean\"\nvalues = { Y = \"maybe\" }\n",
                "expected a yes/no value",
            ),
            ("colour = \"red\"\n", "unknown field `colour`"),
        ];
        for (extra, expected) in cases {
            // A top-level key must come before [entity]; the rest extends it.
            let text = if extra.starts_with("colour") {
                format!("{extra}{base}")
            } else {
                format!("{base}{extra}")
            };
            let err = parse("m.toml", "m", &text).unwrap_err().to_string();
            assert!(err.starts_with("m.toml:"), "{err}");
            assert!(err.contains(expected), "{expected:?} not in {err}");
        }
    }

    #[test]
    fn templates_split_into_text_and_columns() {
        assert_eq!(
            parse_template("ATOP {atopid}").unwrap(),
            vec![Part::Text("ATOP ".into()), Part::Column("atopid".into())]
        );
        assert!(parse_template("no columns").is_err());
        assert!(parse_template("{open").is_err());
    }
}
