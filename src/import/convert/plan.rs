//! A mapping compiled against one file's header: each entity's identifier and label pieces,
//! each field's column (or group of columns, or date parts), formats, value map and the
//! precision property its dates need. Columns the mapping names and the file lacks are errors
//! at the mapping's line.

use oxigraph::model::{GraphName, NamedNode};

use super::*;

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
        let reads_text = entities
            .iter()
            .any(|e: &EntityPlan| e.fields.iter().any(|f| f.recognise));
        Ok(Self {
            recogniser: reads_text.then(|| recognise::Recogniser::new(lookup)),
            unknown: m.unknown.clone(),
            source: NamedNode::new_unchecked(source),
            namespace,
            graph: GraphName::NamedNode(graph.clone()),
            entities,
            header: header.to_vec(),
        })
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
        if let Some(field) = field_plan(loaded, f, header, file, lookup)? {
            fields.push(field);
        }
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
) -> Result<Option<FieldPlan>> {
    let col = |name: &toml::Spanned<String>| column(loaded, header, file, name);
    let from = if let Some(c) = &f.column {
        match col(c) {
            Ok(c) => From::Column(c),
            Err(_) if f.optional => return Ok(None),
            Err(e) => return Err(e),
        }
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
    Ok(Some(FieldPlan {
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
            .unwrap_or_else(|| {
                cell::DEFAULT_FORMATS
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            }),
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
        aliases: f.aliases.clone().unwrap_or_default(),
        parenthesised: f
            .parenthesised
            .as_ref()
            .map(|k| concept(loaded, lookup, k))
            .transpose()?,
        recognise: f.recognise,
        roles: f
            .roles
            .iter()
            .flatten()
            .map(|(word, p)| Ok((word.to_lowercase(), mapping::iri(loaded, p)?)))
            .collect::<Result<_>>()?,
    }))
}

/// A concept named in the mapping, which must exist if it is in the treaty namespace.
fn concept(loaded: &Loaded, lookup: &Lookup, text: &toml::Spanned<String>) -> Result<NamedNode> {
    let iri = mapping::iri(loaded, text)?;
    match lookup.unknown_concept(&iri) {
        Some(why) => Err(loaded.error(text.span(), why)),
        None => Ok(iri),
    }
}

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
