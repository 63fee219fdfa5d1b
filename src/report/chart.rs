//! Charts for report results, drawn with plotters into SVG text: a timeline (one dot per row
//! with a date, one lane per category, coloured by it) and horizontal bars (one bar per row of
//! a grouped count). The chart is chosen from the result's shape unless `#@chart` says which.
//! The marks are the only `circle` (timeline) or `rect` (bars) elements of the SVG, so a reader
//! of the file can count them; each has a `<title>` naming its row's entity and value, and a
//! link to the entity's page where the caller has pages (`marks.rs`).

use oxigraph::model::Term;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::marks::{self, Links, Marks};
use super::syntax::{ChartKind, ChartSpec};
use crate::output::display_term;
use crate::results::Table;

/// A chart to draw, with the columns it uses (by index into the table's columns).
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Dots along the years: `date` places them, `color` gives their lane and colour.
    Timeline { date: usize, color: Option<usize> },
    /// One bar per row: `label` columns name it, `value` sizes it.
    Bars { label: Vec<usize>, value: usize },
    /// Kaplan-Meier curves from a `survival` step table: one step line per group (the
    /// `group` column), its 95% band shaded, a tick where peaces were censored.
    Survival { group: Option<usize> },
    /// Shares from a `rate` table: one bar per group with its 95% interval as a whisker.
    Rates { label: Vec<usize> },
}

impl Plan {
    /// A sentence on what the chart shows.
    pub(crate) fn caption(&self, table: &Table) -> String {
        match self {
            Plan::Timeline { date, color } => {
                let mut text = format!("Timeline of {}", table.columns[*date]);
                if let Some(c) = color {
                    text.push_str(&format!(", one lane and colour per {}", table.columns[*c]));
                }
                text.push_str(&format!(": {} dots.", self.marks(table)));
                text
            }
            Plan::Survival { group } => format!(
                "Share still at peace (without the event) against years since the start, with \
                 95% bands{}; a tick marks a censored observation: {} curve{}.",
                group.map_or(String::new(), |g| format!(
                    ", one curve per {}",
                    table.columns[g]
                )),
                self.marks(table),
                if self.marks(table) == 1 { "" } else { "s" }
            ),
            Plan::Rates { .. } => format!(
                "Share per group with its 95% Wilson interval: {} bars.",
                self.marks(table)
            ),
            Plan::Bars { label, value } => format!(
                "{} by {}: {} bars.",
                capitalised(&table.columns[*value]),
                label
                    .iter()
                    .map(|&i| table.columns[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" and "),
                self.marks(table)
            ),
        }
    }

    /// How many marks the chart draws: rows with a date, or rows with a number.
    pub fn marks(&self, table: &Table) -> usize {
        let column = match self {
            Plan::Timeline { date, .. } => *date,
            Plan::Bars { value, .. } => *value,
            Plan::Survival { group } => return super::curves::groups(table, *group).len(),
            Plan::Rates { .. } => return super::curves::rate_rows(table).len(),
        };
        table
            .rows
            .iter()
            .filter(|row| match self {
                Plan::Timeline { .. } => row[column].as_ref().and_then(year).is_some(),
                _ => row[column].as_ref().and_then(super::number).is_some(),
            })
            .count()
    }

    /// The column whose values make the marks: the dates of a timeline, the numbers of bars.
    pub fn column<'t>(&self, table: &'t Table) -> &'t str {
        match self {
            Plan::Timeline { date, .. } => &table.columns[*date],
            Plan::Bars { value, .. } => &table.columns[*value],
            Plan::Survival { .. } => "survival",
            Plan::Rates { .. } => "share",
        }
    }

    /// The kind, as `#@chart` names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Plan::Timeline { .. } => "timeline",
            Plan::Bars { .. } => "bars",
            Plan::Survival { .. } => "survival",
            Plan::Rates { .. } => "rates",
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Columns whose lane a timeline prefers, in this order, when `#@chart` names none.
const PREFERRED_COLOURS: &[&str] = &["outcome", "mechanism", "status", "kind"];
/// More categories than this make an unreadable timeline: it is then drawn in one lane.
const MAX_LANES: usize = 14;
/// Bar charts with more rows than this are left to the table.
const MAX_BARS: usize = 60;

/// The chart of a `survival` or `rate` table (by its title), if it has rows to draw.
pub(crate) fn for_analysis(title: &str, table: &Table) -> Option<Plan> {
    let has = |name: &str| table.columns.iter().any(|c| c == name);
    let plan = match title {
        "survival" if has("time") && has("survival") => Plan::Survival {
            group: (table.columns[0] != "time").then_some(0),
        },
        "rate" if has("share") && has("lower") && has("upper") => Plan::Rates {
            label: (0..table.columns.len())
                .take_while(|&c| table.columns[c] != "count")
                .collect(),
        },
        _ => return None,
    };
    (plan.marks(table) > 0).then_some(plan)
}

/// The chart for `table`: the one `spec` asks for, else the one its shape suggests (a timeline
/// when a column holds dates, bars when rows pair names with a number), else none. An error
/// names a column that `spec` asks for and the table lacks, or a chart the data cannot make.
pub fn choose(spec: Option<&ChartSpec>, table: &Table) -> Result<Option<Plan>, String> {
    let kind = spec.map_or(ChartKind::Auto, |s| s.kind);
    let option = |key: &str| -> Result<Option<usize>, String> {
        let Some(spec) = spec else { return Ok(None) };
        match spec.options.iter().find(|(k, _)| k == key) {
            None => Ok(None),
            Some((_, name)) => table
                .columns
                .iter()
                .position(|c| c == name)
                .map(Some)
                .ok_or_else(|| {
                    format!(
                        "#@chart {key}={name}: the result has no column `{name}`; its columns are {}",
                        table.columns.join(", ")
                    )
                }),
        }
    };
    let plan = choose_plan(kind, &option, table)?;
    if let Some(plan) = &plan
        && kind != ChartKind::Auto
        && plan.marks(table) == 0
        && !table.rows.is_empty()
    {
        return Err(match plan {
            Plan::Timeline { date, .. } => format!(
                "#@chart timeline: the column `{}` holds no dates",
                table.columns[*date]
            ),
            Plan::Bars { value, .. } => format!(
                "#@chart bars: the column `{}` holds no numbers",
                table.columns[*value]
            ),
            Plan::Survival { .. } | Plan::Rates { .. } => "nothing to draw".to_owned(),
        });
    }
    Ok(plan)
}

fn choose_plan(
    kind: ChartKind,
    option: &dyn Fn(&str) -> Result<Option<usize>, String>,
    table: &Table,
) -> Result<Option<Plan>, String> {
    let dates = (0..table.columns.len()).find(|&c| is_date_column(table, c));
    let numbers = (0..table.columns.len()).find(|&c| is_number_column(table, c));
    match kind {
        ChartKind::None => Ok(None),
        ChartKind::Timeline => {
            let date = option("date")?
                .or(dates)
                .ok_or_else(|| "#@chart timeline: the result has no column of dates".to_owned())?;
            let color = match option("color")? {
                Some(c) => Some(c),
                None => colour_column(table, date),
            };
            Ok(Some(Plan::Timeline { date, color }))
        }
        ChartKind::Bars => {
            let value = option("value")?
                .or(numbers)
                .ok_or_else(|| "#@chart bars: the result has no column of numbers".to_owned())?;
            let label = match option("label")? {
                Some(c) => vec![c],
                None => label_columns(table, value),
            };
            if label.is_empty() {
                return Err("#@chart bars: the result has no column to name the bars".into());
            }
            Ok(Some(Plan::Bars { label, value }))
        }
        ChartKind::Auto => {
            if table.rows.len() < 2 {
                return Ok(None);
            }
            if let Some(date) = dates {
                return Ok(Some(Plan::Timeline {
                    date,
                    color: colour_column(table, date),
                }));
            }
            if let Some(value) = numbers {
                let label = label_columns(table, value);
                if !label.is_empty() && table.rows.len() <= MAX_BARS {
                    return Ok(Some(Plan::Bars { label, value }));
                }
            }
            Ok(None)
        }
    }
}

fn is_date_column(table: &Table, column: usize) -> bool {
    let mut any = false;
    for row in &table.rows {
        match &row[column] {
            Some(term) if year(term).is_some() => any = true,
            Some(_) => return false,
            None => {}
        }
    }
    any
}

fn is_number_column(table: &Table, column: usize) -> bool {
    let mut any = false;
    for row in &table.rows {
        match &row[column] {
            Some(term) if super::number(term).is_some() => any = true,
            Some(_) => return false,
            None => {}
        }
    }
    any
}

fn distinct(table: &Table, column: usize) -> usize {
    let mut seen: Vec<Option<String>> = table
        .rows
        .iter()
        .map(|r| r[column].as_ref().map(display_term))
        .collect();
    seen.sort();
    seen.dedup();
    seen.len()
}

fn colour_column(table: &Table, date: usize) -> Option<usize> {
    let usable = |c: usize| {
        c != date
            && !is_date_column(table, c)
            && !is_number_column(table, c)
            && distinct(table, c) <= MAX_LANES
    };
    PREFERRED_COLOURS
        .iter()
        .filter_map(|name| table.columns.iter().position(|c| c == name))
        .find(|&c| usable(c))
        .or_else(|| {
            (0..table.columns.len()).find(|&c| {
                usable(c) && distinct(table, c) >= 2 && distinct(table, c) < table.rows.len()
            })
        })
}

fn label_columns(table: &Table, value: usize) -> Vec<usize> {
    (0..table.columns.len())
        .filter(|&c| c != value && !is_number_column(table, c))
        .collect()
}

/// A date, date-time or year literal as a fractional year (1815-06-09 is about 1815.44).
/// Plain text in the form `YYYY-MM-DD` counts too, because a field shown through a
/// multi-valued path comes back as text (TQL lists such values in one cell).
pub fn year(term: &Term) -> Option<f64> {
    let Term::Literal(literal) = term else {
        return None;
    };
    let kind = literal
        .datatype()
        .as_str()
        .strip_prefix(crate::vocab::XSD)?;
    let text = literal.value();
    let typed = matches!(kind, "date" | "dateTime" | "gYear" | "gYearMonth");
    let plain_date = kind == "string" && looks_like_date(text);
    if !(typed || plain_date) {
        return None;
    }
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut parts = text.splitn(3, '-');
    let y: f64 = parts.next()?.parse().ok()?;
    let m: f64 = parts.next().map_or(Some(1.0), |m| m.parse().ok())?;
    let d: f64 = parts
        .next()
        .map_or(Some(1.0), |d| d.get(..2).and_then(|d| d.parse().ok()))?;
    let y = if negative { -y } else { y };
    Some(y + ((m - 1.0) * 30.44 + (d - 1.0)) / 365.25)
}

fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Colours for categories without one of their own; none of them is a colour of
/// [`known_colour`], so two lanes never share a colour.
pub(super) const PALETTE: &[RGBColor] = &[
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x2f, 0x4b, 0x7c),
    RGBColor(0x8c, 0xd1, 0x7d),
    RGBColor(0xd3, 0x72, 0x95),
];

/// Outcomes read best in the colours people expect of them.
fn known_colour(category: &str) -> Option<RGBColor> {
    Some(match category {
        "honoured" => RGBColor(0x59, 0xa1, 0x4f),
        "violated" => RGBColor(0xe1, 0x57, 0x59),
        "lapsed" => RGBColor(0x9a, 0x9a, 0x9a),
        "superseded" => RGBColor(0x4e, 0x79, 0xa7),
        "untested" => RGBColor(0xed, 0xc9, 0x48),
        "never in force" => RGBColor(0xb0, 0x7a, 0xa1),
        "in force" => RGBColor(0x76, 0xb7, 0xb2),
        _ => return None,
    })
}

pub(super) const WIDTH: u32 = 960;
pub(super) const FONT: &str = "sans-serif";

/// Draws `plan` over `table` as an SVG document. Every mark (a dot, a bar, a step of a curve,
/// a censoring tick) has a `<title>` naming its entity and value, and links where `links`
/// finds a page for the cell that names it ([`marks::no_links`] for a report file).
pub fn svg(plan: &Plan, table: &Table, links: Links) -> Result<String, String> {
    if plan.marks(table) == 0 {
        // An empty range would leave plotters nothing to scale the axis by.
        return Err(match plan {
            Plan::Timeline { date, .. } => {
                format!("no dates in `{}` to draw", table.columns[*date])
            }
            Plan::Bars { value, .. } => {
                format!("no numbers in `{}` to draw", table.columns[*value])
            }
            Plan::Survival { .. } | Plan::Rates { .. } => "nothing to draw".to_owned(),
        });
    }
    let mut out = String::new();
    let marks = match plan {
        Plan::Timeline { date, color } => timeline(&mut out, table, *date, *color, links),
        Plan::Bars { label, value } => bars(&mut out, table, label, *value, links),
        Plan::Survival { group } => super::curves::survival(&mut out, table, *group, links),
        Plan::Rates { label } => super::curves::rates(&mut out, table, label, links),
    }
    .map_err(|e| format!("cannot draw the chart: {e}"))?;
    marks.append(&mut out);
    Ok(out)
}

/// The column that names a row's entity in its mark's title: `name` if there is one, else
/// the first column of text or entities that is not one of `taken`.
fn name_column(table: &Table, taken: &[usize]) -> Option<usize> {
    table.columns.iter().position(|c| c == "name").or_else(|| {
        (0..table.columns.len()).find(|&c| {
            !taken.contains(&c) && !is_date_column(table, c) && !is_number_column(table, c)
        })
    })
}

fn cell_text(row: &[Option<Term>], column: usize) -> String {
    row[column].as_ref().map(display_term).unwrap_or_default()
}

/// The marks to put over what plotters drew, or why it could not draw.
pub(super) type DrawResult = Result<Marks, Box<dyn std::error::Error>>;

/// Room for labels of `chars` characters at 12 px.
pub(super) fn label_width(chars: usize) -> u32 {
    (chars as u32 * 7 + 16).clamp(60, 300)
}

pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

fn timeline(
    out: &mut String,
    table: &Table,
    date: usize,
    color: Option<usize>,
    links: Links,
) -> DrawResult {
    let lane_of = |row: &[Option<Term>]| -> String {
        color
            .and_then(|c| row[c].as_ref().map(display_term))
            .unwrap_or_else(|| {
                if color.is_some() {
                    "(none)".into()
                } else {
                    String::new()
                }
            })
    };
    // (year, lane, row)
    let points: Vec<(f64, String, usize)> = table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| Some((row[date].as_ref().and_then(year)?, lane_of(row), i)))
        .collect();
    let mut lanes: Vec<String> = points.iter().map(|(_, l, _)| l.clone()).collect();
    lanes.sort();
    lanes.dedup();
    let lanes: Vec<String> = lanes.into_iter().map(|l| shorten(&l, 40)).collect();
    let n = lanes.len().max(1);
    let height = 70 + 44 * n as u32;
    let label_area = label_width(lanes.iter().map(|l| l.chars().count()).max().unwrap_or(0));
    let (lo, hi) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (x, _, _)| {
            (lo.min(*x), hi.max(*x))
        });
    let pad = ((hi - lo) * 0.03).max(1.0);
    let (x0, x1) = (lo.floor() - pad, hi.ceil() + pad);
    let name = name_column(table, &[date, color.unwrap_or(date)]);
    let mut marks = Marks::default();

    let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x0..x1, -0.5..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(12)
        .x_max_light_lines(2)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x88, 0x88, 0x88))
        .label_style((FONT, 13))
        .draw()?;
    let lane_index = |name: &str| {
        let short = shorten(name, 40);
        // The first category is drawn at the top.
        n - 1 - lanes.iter().position(|l| *l == short).unwrap_or(0)
    };
    let colours = lane_colours(&lanes);
    for (i, lane) in lanes.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        chart.draw_series(LineSeries::new(
            [(x0, y), (x1, y)],
            RGBColor(0xe4, 0xe4, 0xe4).stroke_width(1),
        ))?;
        let (px, py) = chart.backend_coord(&(x0, y));
        root.draw(&Text::new(
            lane.clone(),
            (px - 8, py),
            (FONT, 14)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    // Dots closer than a dot's width on the same lane are spread above and below it.
    let plot_width = (WIDTH - label_area - 24) as f64;
    let min_gap = 11.0 * (x1 - x0) / plot_width;
    let mut placed: Vec<Vec<(f64, i32)>> = vec![Vec::new(); n];
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].0.total_cmp(&points[b].0));
    for i in order {
        let (x, lane, row) = &points[i];
        let li = lane_index(lane);
        let level = [0, 1, -1, 2, -2, 3, -3]
            .into_iter()
            .find(|&k| {
                !placed[li]
                    .iter()
                    .any(|&(px, pk)| pk == k && (px - x).abs() < min_gap)
            })
            .unwrap_or(0);
        placed[li].push((*x, level));
        let colour = colours[n - 1 - li];
        let (cx, cy) = chart.backend_coord(&(*x, li as f64 + level as f64 * 0.13));
        let cells = &table.rows[*row];
        let mut title = String::new();
        if let Some(c) = name {
            title.push_str(&cell_text(cells, c));
            title.push('\n');
        }
        title.push_str(&format!(
            "{}: {}",
            table.columns[date],
            cell_text(cells, date)
        ));
        if let Some(c) = color {
            title.push_str(&format!("\n{}: {lane}", table.columns[c]));
        }
        let href = marks::first_link(links, name.map(|c| cells[c].as_ref()));
        marks.add(
            &title,
            href.as_deref(),
            &marks::circle(cx, cy, 6, colour, 0.85),
        );
    }
    root.present()?;
    Ok(marks)
}

fn lane_colours(lanes: &[String]) -> Vec<RGBColor> {
    let mut next = 0;
    lanes
        .iter()
        .map(|l| {
            known_colour(l).unwrap_or_else(|| {
                let c = PALETTE[next % PALETTE.len()];
                next += 1;
                c
            })
        })
        .collect()
}

fn bars(
    out: &mut String,
    table: &Table,
    label: &[usize],
    value: usize,
    links: Links,
) -> DrawResult {
    // (name, value, row)
    let rows: Vec<(String, f64, usize)> = table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let v = row[value].as_ref().and_then(super::number)?;
            let name = label
                .iter()
                .map(|&c| cell_text(row, c))
                .collect::<Vec<_>>()
                .join(" · ");
            Some((name, v, i))
        })
        .collect();
    let n = rows.len().max(1);
    let height = 60 + 28 * n as u32;
    let label_area = label_width(
        rows.iter()
            .map(|(l, _, _)| l.chars().count().min(48))
            .max()
            .unwrap_or(0),
    );
    let max = rows.iter().map(|(_, v, _)| *v).fold(0.0_f64, f64::max);
    let min = rows.iter().map(|(_, v, _)| *v).fold(0.0_f64, f64::min);
    let span = (max - min).max(1.0);
    let (x0, x1) = (
        min - if min < 0.0 { span * 0.05 } else { 0.0 },
        max + span * 0.12,
    );
    let mut marks = Marks::default();

    let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x0..x1, -0.5..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_max_light_lines(2)
        .x_label_formatter(&|x| super::trim_number(*x))
        .light_line_style(RGBColor(0xf0, 0xf0, 0xf0))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x88, 0x88, 0x88))
        .label_style((FONT, 13))
        .draw()?;
    let colour = RGBColor(0x4e, 0x79, 0xa7);
    for (i, (name, v, row)) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let bar = marks::rect(
            chart.backend_coord(&(0.0, y - 0.36)),
            chart.backend_coord(&(*v, y + 0.36)),
            colour,
        );
        let title = format!(
            "{name}\n{}: {}",
            table.columns[value],
            super::trim_number(*v)
        );
        let cells = &table.rows[*row];
        let href = marks::first_link(links, label.iter().map(|&c| cells[c].as_ref()));
        marks.add(&title, href.as_deref(), &bar);
        let (px, py) = chart.backend_coord(&(x0, y));
        root.draw(&Text::new(
            shorten(name, 48),
            (px - 8, py),
            (FONT, 14)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        let (ex, ey) = chart.backend_coord(&(v.max(0.0), y));
        root.draw(&Text::new(
            super::trim_number(*v),
            (ex + 6, ey),
            (FONT, 13)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    root.present()?;
    Ok(marks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::Literal;
    use oxigraph::model::vocab::xsd;

    fn date(text: &str) -> Option<Term> {
        Some(Literal::new_typed_literal(text, xsd::DATE.into_owned()).into())
    }

    fn text(s: &str) -> Option<Term> {
        Some(Literal::new_simple_literal(s).into())
    }

    fn int(n: i64) -> Option<Term> {
        Some(Literal::from(n).into())
    }

    #[test]
    fn shapes_choose_charts() {
        let dated = Table {
            columns: vec!["name".into(), "signed".into(), "outcome".into()],
            rows: vec![
                vec![text("A & B"), date("1815-06-09"), text("violated")],
                vec![text("C"), date("1962-10-28"), text("honoured")],
                vec![text("D"), None, text("honoured")],
            ],
        };
        let plan = choose(None, &dated).unwrap().unwrap();
        assert_eq!(
            plan,
            Plan::Timeline {
                date: 1,
                color: Some(2)
            }
        );
        assert_eq!(plan.marks(&dated), 2);
        let drawn = svg(&plan, &dated, &marks::no_links).unwrap();
        assert_eq!(drawn.matches("<circle").count(), 2, "{drawn}");
        assert_eq!(drawn.matches("<rect").count(), 0, "{drawn}");

        let counts = Table {
            columns: vec!["mechanism".into(), "n".into()],
            rows: vec![
                vec![text("neutrality"), int(3)],
                vec![text("peacekeeping"), int(8)],
            ],
        };
        let plan = choose(None, &counts).unwrap().unwrap();
        assert_eq!(
            plan,
            Plan::Bars {
                label: vec![0],
                value: 1
            }
        );
        let drawn = svg(&plan, &counts, &marks::no_links).unwrap();
        assert_eq!(drawn.matches("<rect").count(), 2, "{drawn}");

        let one = Table {
            columns: vec!["n".into()],
            rows: vec![vec![int(3)]],
        };
        assert_eq!(choose(None, &one).unwrap(), None);
    }

    #[test]
    fn directives_override_and_name_missing_columns() {
        let counts = Table {
            columns: vec!["mechanism".into(), "n".into()],
            rows: vec![vec![text("neutrality"), int(3)]],
        };
        let spec = |kind, options: &[(&str, &str)]| ChartSpec {
            kind,
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            line: 1,
        };
        assert_eq!(
            choose(Some(&spec(ChartKind::None, &[])), &counts).unwrap(),
            None
        );
        assert!(
            choose(Some(&spec(ChartKind::Bars, &[])), &counts)
                .unwrap()
                .is_some()
        );
        let e = choose(Some(&spec(ChartKind::Bars, &[("value", "count")])), &counts).unwrap_err();
        assert!(e.contains("no column `count`"), "{e}");
        let e = choose(Some(&spec(ChartKind::Timeline, &[])), &counts).unwrap_err();
        assert!(e.contains("no column of dates"), "{e}");
    }

    /// The marks of an SVG: (title, link) in drawing order.
    fn marks_of(svg: &str) -> Vec<(String, Option<String>)> {
        svg.split("class=\"mark\"")
            .skip(1)
            .map(|rest| {
                let href = rest
                    .strip_prefix(" href=\"")
                    .and_then(|h| h.split('"').next())
                    .map(str::to_owned);
                let title = rest
                    .split("<title>")
                    .nth(1)
                    .and_then(|t| t.split("</title>").next())
                    .unwrap_or_default()
                    .to_owned();
                (title, href)
            })
            .collect()
    }

    /// Links names beginning with `A` to a page of their own, as the server links names.
    fn link_a(term: &Term) -> Option<String> {
        let text = display_term(term);
        text.starts_with('A')
            .then(|| format!("/entity/x/{}", text.replace(' ', "-")))
    }

    #[test]
    fn timeline_marks_name_their_row_escaped_and_link_where_the_linker_can() {
        let dated = Table {
            columns: vec!["name".into(), "signed".into(), "outcome".into()],
            rows: vec![
                vec![text("A & <B>"), date("1815-06-09"), text("violated")],
                vec![text("C \"quoted\""), date("1962-10-28"), text("honoured")],
                vec![text("A2"), None, text("honoured")],
            ],
        };
        let plan = choose(None, &dated).unwrap().unwrap();
        let drawn = svg(&plan, &dated, &link_a).unwrap();
        let mut marks = marks_of(&drawn);
        marks.sort();
        assert_eq!(
            marks,
            vec![
                (
                    "A &amp; &lt;B&gt;\nsigned: 1815-06-09\noutcome: violated".to_owned(),
                    Some("/entity/x/A-&amp;-&lt;B&gt;".to_owned())
                ),
                (
                    "C &quot;quoted&quot;\nsigned: 1962-10-28\noutcome: honoured".to_owned(),
                    None
                ),
            ]
        );
        // No raw text from the data anywhere in the SVG, lane labels included.
        assert!(
            !drawn.contains("<B>") && !drawn.contains("\"quoted"),
            "{drawn}"
        );
        // Still one circle per dated row, and a report (no linker) links nothing.
        assert_eq!(drawn.matches("<circle").count(), 2);
        let plain = svg(&plan, &dated, &marks::no_links).unwrap();
        assert_eq!(marks_of(&plain).len(), 2);
        assert!(marks_of(&plain).iter().all(|(_, href)| href.is_none()));
        assert!(!plain.contains("<a "), "{plain}");
    }

    #[test]
    fn bars_are_titled_with_label_and_value_and_link_by_their_label() {
        let counts = Table {
            columns: vec!["guarantor".into(), "n".into()],
            rows: vec![
                vec![text("Austria <1815>"), int(3)],
                vec![text("Britain"), int(8)],
            ],
        };
        let plan = choose(None, &counts).unwrap().unwrap();
        let drawn = svg(&plan, &counts, &link_a).unwrap();
        assert_eq!(
            marks_of(&drawn),
            vec![
                (
                    "Austria &lt;1815&gt;\nn: 3".to_owned(),
                    Some("/entity/x/Austria-&lt;1815&gt;".to_owned())
                ),
                ("Britain\nn: 8".to_owned(), None),
            ]
        );
        assert_eq!(drawn.matches("<rect").count(), 2, "{drawn}");
        // The label plotters writes beside the bar is escaped too.
        assert!(!drawn.contains("<1815>"), "{drawn}");
    }

    fn number(n: f64) -> Option<Term> {
        Some(Literal::new_typed_literal(n.to_string(), xsd::DECIMAL.into_owned()).into())
    }

    #[test]
    fn survival_steps_and_ticks_name_their_group_and_link_to_it() {
        let columns = [
            "mechanism",
            "time",
            "at_risk",
            "events",
            "censored",
            "survival",
        ];
        let step = |group: &str, t: f64, n: f64, e: f64, c: f64, s: f64| {
            vec![
                text(group),
                number(t),
                number(n),
                number(e),
                number(c),
                number(s),
            ]
        };
        let table = Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: vec![
                step("Arbitration", 2.0, 4.0, 1.0, 0.0, 0.75),
                step("Arbitration", 5.0, 3.0, 1.0, 1.0, 0.5),
                step("neutrality", 1.0, 2.0, 1.0, 0.0, 0.5),
            ],
        };
        let plan = for_analysis("survival", &table).unwrap();
        let drawn = svg(&plan, &table, &link_a).unwrap();
        let marks = marks_of(&drawn);
        // Per curve: the run before the first step, each step, each censoring tick.
        assert_eq!(marks.len(), (1 + 2 + 1) + (1 + 1), "{marks:?}");
        assert_eq!(
            marks[2],
            (
                "mechanism: Arbitration\nfrom 5 years: survival 0.500 (95% 0.500–0.500)\n\
                 at risk 3, events 1, censored 1"
                    .to_owned(),
                Some("/entity/x/Arbitration".to_owned())
            )
        );
        assert_eq!(
            marks[3].0,
            "mechanism: Arbitration\n1 censored at 5 years (survival 0.500)"
        );
        assert_eq!(marks[4].1, None, "neutrality has no page");
        assert_eq!(drawn.matches("<polygon").count(), 2, "one band per group");
    }

    #[test]
    fn rate_bars_give_share_interval_and_counts() {
        let columns = ["guarantor", "count", "total", "share", "lower", "upper"];
        let table = Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: vec![vec![
                text("Austria"),
                int(6),
                int(12),
                number(0.5),
                number(0.2538),
                number(0.7462),
            ]],
        };
        let plan = for_analysis("rate", &table).unwrap();
        let drawn = svg(&plan, &table, &link_a).unwrap();
        assert_eq!(
            marks_of(&drawn),
            vec![(
                "Austria\nshare 50% (25–75%), 6 of 12".to_owned(),
                Some("/entity/x/Austria".to_owned())
            )]
        );
        assert_eq!(drawn.matches("<rect").count(), 1, "{drawn}");
    }

    #[test]
    fn years() {
        let y = year(&date("1815-06-09").unwrap()).unwrap();
        assert!((1815.4..1815.5).contains(&y), "{y}");
        assert_eq!(year(&text("1815").unwrap()), None);
        assert!(year(&text("1815-06-09").unwrap()).is_some());
        assert_eq!(year(&text("1815-06-09; 1816-01-01").unwrap()), None);
    }
}
