//! The chart of a result on the page: the one an HTML report would draw for the same table
//! (`report::chart` chooses and draws it, as SVG text), with each mark linked to the entity
//! page of the cell that names it. The page shows the SVG as it comes; it draws nothing itself.

use oxigraph::model::Term;
use serde_json::{Value, json};

use super::entity;
use crate::report::chart::{self, Plan};
use crate::results::Table;
use crate::schema::NameIndex;

/// More marks than this make an SVG of megabytes that nobody can read: the table is left to
/// show such a result, and the answer says why there is no chart.
pub(crate) const MAX_MARKS: usize = 2000;

/// The chart of `table`, the first table of a statement (`title` names it for `survival` and
/// `rate`, whose charts are the curves and the interval bars), over the rows the answer shows
/// (the first `row_cap`), or `None` when its shape makes none: `{kind, caption, marks, svg}`,
/// or `{kind, caption, marks, omitted}` with the reason when it is not drawn: past
/// [`MAX_MARKS`], or statistics cut by the row cap (part of a step table would draw a
/// wrong curve, where part of a list draws the part shown).
pub(crate) fn json(
    title: Option<&str>,
    table: &Table,
    row_cap: usize,
    names: &NameIndex,
) -> Option<Value> {
    let cut;
    let (table, truncated) = if table.rows.len() > row_cap {
        cut = Table {
            columns: table.columns.clone(),
            rows: table.rows[..row_cap].to_vec(),
        };
        (&cut, true)
    } else {
        (table, false)
    };
    let plan = match title {
        Some(title) => chart::for_analysis(title, table)?,
        None => chart::choose(None, table).ok()??,
    };
    let marks = plan.marks(table);
    let caption = plan.caption(table);
    let mut value = json!({ "kind": plan.kind(), "caption": caption, "marks": marks });
    if truncated && title.is_some() {
        value["omitted"] = json!(format!(
            "the server's row cap ({row_cap}) cut the {} table, and part of it would draw a \
             wrong chart",
            plan.kind()
        ));
    } else if marks > MAX_MARKS {
        value["omitted"] = json!(format!(
            "{marks} marks are too many for a readable chart (at most {MAX_MARKS}): see the table"
        ));
    } else {
        match svg(&plan, table, names) {
            Ok(svg) => value["svg"] = json!(svg),
            Err(message) => value["omitted"] = json!(message),
        }
    }
    Some(value)
}

/// The SVG of `plan`, its marks linked to entity pages, tagged for the page's style sheet.
fn svg(plan: &Plan, table: &Table, names: &NameIndex) -> Result<String, String> {
    let links = |term: &Term| link(term, names);
    let svg = chart::svg(plan, table, &links)?;
    Ok(svg.replacen(
        "<svg ",
        &format!(
            "<svg class=\"chart chart-{}\" data-marks=\"{}\" ",
            plan.kind(),
            plan.marks(table)
        ),
        1,
    ))
}

/// The page of the entity a cell names: an IRI's own page (or the IRI, outside the data), a
/// name's page when the name is one entity's.
pub(crate) fn link(term: &Term, names: &NameIndex) -> Option<String> {
    match term {
        Term::NamedNode(node) => Some(entity::href(node.as_str())),
        Term::Literal(literal) => match &names.lookup(literal.value(), &[])[..] {
            [one] => entity::page(one.iri.as_str()),
            _ => None,
        },
        _ => None,
    }
}
