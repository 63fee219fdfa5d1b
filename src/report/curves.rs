//! The charts of the statistics (chart.rs chooses them): Kaplan-Meier curves as step lines with
//! shaded 95% bands and censoring ticks, one colour per group, and shares as bars with their
//! Wilson interval as whiskers. Each group's band is one `polygon`, the SVG's only ones, and
//! the bars of shares its only `rect` elements, so a reader can count them. The steps, ticks
//! and bars are marks (`marks.rs`): titled, and linked where the group is an entity.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use oxigraph::model::Term;

use super::chart::{DrawResult, FONT, PALETTE, WIDTH, label_width, shorten};
use super::marks::{self, Links, Marks};
use crate::output::display_term;
use crate::results::Table;

/// One step of a curve: a row of the step table.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    time: f64,
    survival: f64,
    lower: f64,
    upper: f64,
    at_risk: Option<f64>,
    events: Option<f64>,
    censored: usize,
}

/// One group's curve: its label, the cell that names it (for a link), its steps.
pub struct Curve {
    pub label: String,
    term: Option<Term>,
    steps: Vec<Step>,
}

fn column(table: &Table, name: &str) -> Option<usize> {
    table.columns.iter().position(|c| c == name)
}

fn number_at(row: &[Option<Term>], column: Option<usize>) -> Option<f64> {
    row.get(column?)?.as_ref().and_then(super::number)
}

/// The curves of a step table, by group label in the table's order.
pub fn groups(table: &Table, group: Option<usize>) -> Vec<Curve> {
    let [time, survival, lower, upper, at_risk, events, censored] = [
        "time", "survival", "lower", "upper", "at_risk", "events", "censored",
    ]
    .map(|c| column(table, c));
    let mut out: Vec<Curve> = Vec::new();
    for row in &table.rows {
        let term = group.and_then(|g| row[g].clone());
        let label = term
            .as_ref()
            .map(display_term)
            .unwrap_or_else(|| "all".to_owned());
        let (Some(t), Some(s)) = (number_at(row, time), number_at(row, survival)) else {
            continue;
        };
        let step = Step {
            time: t,
            survival: s,
            lower: number_at(row, lower).unwrap_or(s),
            upper: number_at(row, upper).unwrap_or(s),
            at_risk: number_at(row, at_risk),
            events: number_at(row, events),
            censored: number_at(row, censored).unwrap_or(0.0) as usize,
        };
        match out.iter_mut().find(|c| c.label == label) {
            Some(curve) => curve.steps.push(step),
            None => out.push(Curve {
                label,
                term,
                steps: vec![step],
            }),
        }
    }
    out
}

/// A row of a rate table with a share.
pub(crate) struct Rate {
    label: String,
    share: f64,
    lower: f64,
    upper: f64,
    /// The row in the table.
    row: usize,
}

/// The rows of a rate table with a share.
pub(crate) fn rate_rows(table: &Table) -> Vec<Rate> {
    let [share, lower, upper] = ["share", "lower", "upper"].map(|c| column(table, c));
    let labels = label_columns(table);
    table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let p = number_at(row, share)?;
            let label = if labels.is_empty() {
                "all".to_owned()
            } else {
                labels
                    .iter()
                    .map(|&c| row[c].as_ref().map(display_term).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(" · ")
            };
            Some(Rate {
                label,
                share: p,
                lower: number_at(row, lower).unwrap_or(p),
                upper: number_at(row, upper).unwrap_or(p),
                row: i,
            })
        })
        .collect()
}

/// The columns that name a rate table's groups: those before `count`.
fn label_columns(table: &Table) -> Vec<usize> {
    (0..table.columns.len())
        .take_while(|&c| table.columns[c] != "count")
        .collect()
}

/// The points of a step line through `steps` from (0, 1), picking a value of each step with
/// `value`, and running on to `end`.
fn staircase(steps: &[Step], value: impl Fn(&Step) -> f64, end: f64) -> Vec<(f64, f64)> {
    let mut points = vec![(0.0, 1.0)];
    let mut level = 1.0;
    for step in steps {
        points.push((step.time, level));
        level = value(step);
        points.push((step.time, level));
    }
    points.push((end, level));
    points
}

/// A number of subjects as the tables print it.
fn count(n: Option<f64>) -> String {
    n.map_or_else(|| "?".to_owned(), super::trim_number)
}

/// Kaplan-Meier curves with their bands and censoring ticks. Each step of a curve is a mark
/// (titled with the group, the time, the survival and its interval, the numbers at risk), and
/// so is each tick; they link to the group's page where it is an entity.
pub fn survival(out: &mut String, table: &Table, group: Option<usize>, links: Links) -> DrawResult {
    let curves = groups(table, group);
    let end = curves
        .iter()
        .flat_map(|c| c.steps.iter().map(|s| s.time))
        .fold(1.0_f64, f64::max)
        * 1.02;
    let legend = 24 * curves.len() as u32;
    let mut marks = Marks::default();
    let root = SVGBackend::with_string(out, (WIDTH, 420 + legend)).into_drawing_area();
    let (plot, key) = root.split_vertically(420);
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..end, 0.0..1.02)?;
    chart
        .configure_mesh()
        .x_desc("years since the start")
        .y_desc("share without the event")
        .light_line_style(RGBColor(0xf0, 0xf0, 0xf0))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x88, 0x88, 0x88))
        .label_style((FONT, 13))
        .draw()?;
    for (i, curve) in curves.iter().enumerate() {
        let colour = PALETTE[(i + 3) % PALETTE.len()];
        // The band: the upper staircase forwards, the lower one back.
        let mut band = staircase(&curve.steps, |s| s.upper, end);
        let lower = staircase(&curve.steps, |s| s.lower, end);
        band.extend(lower.into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            colour.mix(0.15).filled(),
        )))?;
        let href = curve.term.as_ref().and_then(links);
        let href = href.as_deref();
        // The group with what it groups by: `mechanism: neutrality`, `whether ...: yes`.
        let name = match group {
            Some(g) => format!("{}: {}", table.columns[g], curve.label),
            None => curve.label.clone(),
        };
        let at = |x: f64, y: f64| chart.backend_coord(&(x, y));
        // The line as one mark per step: the drop at its time and the run to the next.
        let first = curve.steps.first().map_or(end, |s| s.time);
        marks.add(
            &format!(
                "{name}\nsurvival 1 until {} years",
                super::trim_number(first)
            ),
            href,
            &marks::polyline(&[at(0.0, 1.0), at(first, 1.0)], colour, 2),
        );
        let mut level = 1.0;
        for (k, step) in curve.steps.iter().enumerate() {
            let next = curve.steps.get(k + 1).map_or(end, |s| s.time);
            let title = format!(
                "{name}\nfrom {} years: survival {:.3} (95% {:.3}–{:.3})\nat risk {}, events {}, censored {}",
                super::trim_number(step.time),
                step.survival,
                step.lower,
                step.upper,
                count(step.at_risk),
                count(step.events),
                step.censored
            );
            let points = [
                at(step.time, level),
                at(step.time, step.survival),
                at(next, step.survival),
            ];
            marks.add(&title, href, &marks::polyline(&points, colour, 2));
            level = step.survival;
        }
        // A tick (a short upright bar) where observations were censored.
        for step in curve.steps.iter().filter(|s| s.censored > 0) {
            let (x, y) = at(step.time, step.survival);
            let title = format!(
                "{name}\n{} censored at {} years (survival {:.3})",
                step.censored,
                super::trim_number(step.time),
                step.survival
            );
            marks.add(
                &title,
                href,
                &marks::rect((x - 1, y - 5), (x + 1, y + 5), colour),
            );
        }
        let y = 12 + 24 * i as i32;
        key.draw(&PathElement::new(
            vec![(70, y), (100, y)],
            colour.stroke_width(3),
        ))?;
        key.draw(&Text::new(
            shorten(&name, 100),
            (108, y),
            (FONT, 14)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    root.present()?;
    Ok(marks)
}

/// Shares as bars with their 95% interval as whiskers; a bar and its whisker are one mark,
/// linked to the group's page where the group is an entity.
pub fn rates(out: &mut String, table: &Table, _label: &[usize], links: Links) -> DrawResult {
    let rows = rate_rows(table);
    let [count_column, total_column] = ["count", "total"].map(|c| column(table, c));
    let labels = label_columns(table);
    let n = rows.len().max(1);
    let height = 70 + 30 * n as u32;
    let label_area = label_width(
        rows.iter()
            .map(|r| r.label.chars().count().min(48))
            .max()
            .unwrap_or(0),
    );
    let mut marks = Marks::default();
    let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(label_area)
        .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(11)
        .x_desc("share (95% interval)")
        .x_label_formatter(&|x| format!("{:.0}%", x * 100.0))
        .light_line_style(RGBColor(0xf0, 0xf0, 0xf0))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x88, 0x88, 0x88))
        .label_style((FONT, 13))
        .draw()?;
    let colour = RGBColor(0x4e, 0x79, 0xa7);
    let black = RGBColor(0x22, 0x22, 0x22);
    for (i, rate) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let at = |x: f64, y: f64| chart.backend_coord(&(x, y));
        // The bar, then the whisker: a line across the interval with short ends.
        let shapes = [
            marks::rect(at(0.0, y - 0.3), at(rate.share, y + 0.3), colour),
            marks::polyline(&[at(rate.lower, y), at(rate.upper, y)], black, 2),
            marks::polyline(
                &[at(rate.lower, y - 0.15), at(rate.lower, y + 0.15)],
                black,
                2,
            ),
            marks::polyline(
                &[at(rate.upper, y - 0.15), at(rate.upper, y + 0.15)],
                black,
                2,
            ),
        ]
        .concat();
        let row = &table.rows[rate.row];
        let interval = format!(
            "{:.0}% ({:.0}–{:.0}%)",
            rate.share * 100.0,
            rate.lower * 100.0,
            rate.upper * 100.0
        );
        let mut title = format!("{}\nshare {interval}", rate.label);
        if let (Some(k), Some(t)) = (number_at(row, count_column), number_at(row, total_column)) {
            title.push_str(&format!(
                ", {} of {}",
                super::trim_number(k),
                super::trim_number(t)
            ));
        }
        let href = marks::first_link(links, labels.iter().map(|&c| row[c].as_ref()));
        marks.add(&title, href.as_deref(), &shapes);
        let (px, py) = at(0.0, y);
        root.draw(&Text::new(
            shorten(&rate.label, 48),
            (px - 8, py),
            (FONT, 14)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        let (ex, ey) = at(rate.upper, y);
        root.draw(&Text::new(
            interval,
            (ex + 8, ey),
            (FONT, 13)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    root.present()?;
    Ok(marks)
}
