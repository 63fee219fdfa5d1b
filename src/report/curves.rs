//! The charts of the statistics (chart.rs chooses them): Kaplan-Meier curves as step lines with
//! shaded 95% bands and censoring ticks, one colour per group, and shares as bars with their
//! Wilson interval as whiskers. The curves are the SVG's only `polyline` elements that are not
//! axes, and the bars its only `rect` elements of their colour, so a reader can count them.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{DrawResult, FONT, PALETTE, WIDTH, label_width, shorten};
use crate::output::display_term;
use crate::results::Table;

/// One group's curve: (time, survival, lower, upper, censored) per step.
type Curve = Vec<(f64, f64, f64, f64, usize)>;

fn column(table: &Table, name: &str) -> Option<usize> {
    table.columns.iter().position(|c| c == name)
}

fn number_at(row: &[Option<oxigraph::model::Term>], column: Option<usize>) -> Option<f64> {
    row.get(column?)?.as_ref().and_then(super::number)
}

/// The curves of a step table, by group label in the table's order.
pub fn groups(table: &Table, group: Option<usize>) -> Vec<(String, Curve)> {
    let [time, survival, lower, upper, censored] =
        ["time", "survival", "lower", "upper", "censored"].map(|c| column(table, c));
    let mut out: Vec<(String, Curve)> = Vec::new();
    for row in &table.rows {
        let label = group
            .and_then(|g| row[g].as_ref().map(display_term))
            .unwrap_or_else(|| "all".to_owned());
        let (Some(t), Some(s)) = (number_at(row, time), number_at(row, survival)) else {
            continue;
        };
        let step = (
            t,
            s,
            number_at(row, lower).unwrap_or(s),
            number_at(row, upper).unwrap_or(s),
            number_at(row, censored).unwrap_or(0.0) as usize,
        );
        match out.iter_mut().find(|(l, _)| *l == label) {
            Some((_, curve)) => curve.push(step),
            None => out.push((label, vec![step])),
        }
    }
    out
}

/// The rows of a rate table with a share: (label, share, lower, upper).
pub(crate) fn rate_rows(table: &Table) -> Vec<(String, f64, f64, f64)> {
    let [share, lower, upper] = ["share", "lower", "upper"].map(|c| column(table, c));
    let labels: Vec<usize> = (0..table.columns.len())
        .take_while(|&c| table.columns[c] != "count")
        .collect();
    table
        .rows
        .iter()
        .filter_map(|row| {
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
            Some((
                label,
                p,
                number_at(row, lower).unwrap_or(p),
                number_at(row, upper).unwrap_or(p),
            ))
        })
        .collect()
}

/// The points of a step line through `steps` from (0, 1), picking a value of each step with
/// `value`, and running on to `end`.
fn staircase(
    curve: &Curve,
    value: impl Fn(&(f64, f64, f64, f64, usize)) -> f64,
    end: f64,
) -> Vec<(f64, f64)> {
    let mut points = vec![(0.0, 1.0)];
    let mut level = 1.0;
    for step in curve {
        points.push((step.0, level));
        level = value(step);
        points.push((step.0, level));
    }
    points.push((end, level));
    points
}

/// Kaplan-Meier curves with their bands and censoring ticks.
pub fn survival(out: &mut String, table: &Table, group: Option<usize>) -> DrawResult {
    let curves = groups(table, group);
    let end = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|s| s.0))
        .fold(1.0_f64, f64::max)
        * 1.02;
    let legend = 24 * curves.len() as u32;
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
    for (i, (label, curve)) in curves.iter().enumerate() {
        let colour = PALETTE[(i + 3) % PALETTE.len()];
        // The band: the upper staircase forwards, the lower one back.
        let mut band = staircase(curve, |s| s.3, end);
        let lower = staircase(curve, |s| s.2, end);
        band.extend(lower.into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            colour.mix(0.15).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            staircase(curve, |s| s.1, end),
            colour.stroke_width(2),
        )))?;
        // A tick (a thin upright bar) where observations were censored.
        let ticks = curve.iter().filter(|s| s.4 > 0).map(|s| {
            Rectangle::new(
                [(s.0, s.1 - 0.012), (s.0 + end * 0.0015, s.1 + 0.012)],
                colour.filled(),
            )
        });
        chart.draw_series(ticks)?;
        let y = 12 + 24 * i as i32;
        key.draw(&PathElement::new(
            vec![(70, y), (100, y)],
            colour.stroke_width(3),
        ))?;
        key.draw(&Text::new(
            shorten(label, 80),
            (108, y),
            (FONT, 14)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// Shares as bars with their 95% interval as whiskers.
pub fn rates(out: &mut String, table: &Table, _label: &[usize]) -> DrawResult {
    let rows = rate_rows(table);
    let n = rows.len().max(1);
    let height = 70 + 30 * n as u32;
    let label_area = label_width(rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0));
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
    for (i, (name, share, lower, upper)) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.3), (*share, y + 0.3)],
            colour.filled(),
        )))?;
        // The whisker: a line across the interval with short ends.
        let black = RGBColor(0x22, 0x22, 0x22).stroke_width(2);
        chart.draw_series([
            PathElement::new(vec![(*lower, y), (*upper, y)], black),
            PathElement::new(vec![(*lower, y - 0.15), (*lower, y + 0.15)], black),
            PathElement::new(vec![(*upper, y - 0.15), (*upper, y + 0.15)], black),
        ])?;
        let (px, py) = chart.backend_coord(&(0.0, y));
        root.draw(&Text::new(
            shorten(name, 48),
            (px - 8, py),
            (FONT, 14)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        let (ex, ey) = chart.backend_coord(&(*upper, y));
        root.draw(&Text::new(
            format!(
                "{:.0}% ({:.0}–{:.0}%)",
                share * 100.0,
                lower * 100.0,
                upper * 100.0
            ),
            (ex + 8, ey),
            (FONT, 13)
                .into_font()
                .color(&RGBColor(0x33, 0x33, 0x33))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    root.present()?;
    Ok(())
}
