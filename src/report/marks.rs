//! The marks of a chart as SVG elements of our own, each with a `<title>` naming what it
//! stands for (a browser shows it on hover, a screen reader reads it) and, where the caller
//! knows a page for that entity, a link to it. Plotters draws the axes and labels and has no
//! notion of either, so the charts draw their marks with these and [`append`] them to its SVG.
//! Every text from the data is escaped here.

use oxigraph::model::Term;
use plotters::style::RGBColor;
use std::fmt::Write;

use super::html::escape;

/// Where a mark links: the address of the page of the entity a table cell names, if there is
/// one. The server's page links to its entity pages; a report file links nowhere (see
/// docs/reports.md).
pub type Links<'a> = &'a dyn Fn(&Term) -> Option<String>;

/// A linker that links nothing.
pub fn no_links(_: &Term) -> Option<String> {
    None
}

/// The marks of one chart, as SVG text.
#[derive(Default)]
pub(super) struct Marks(String);

impl Marks {
    /// Adds a mark drawn by `shapes` (SVG elements), titled `title`, linked to `href`.
    pub(super) fn add(&mut self, title: &str, href: Option<&str>, shapes: &str) {
        let out = &mut self.0;
        match href {
            Some(href) => {
                let _ = write!(out, "<a class=\"mark\" href=\"{}\">", escape(href));
            }
            None => out.push_str("<g class=\"mark\">"),
        }
        let _ = write!(out, "<title>{}</title>{shapes}", escape(title));
        out.push_str(if href.is_some() { "</a>\n" } else { "</g>\n" });
    }

    /// Puts the marks at the end of `svg`, over what plotters drew.
    pub(super) fn append(self, svg: &mut String) {
        let at = svg.rfind("</svg>").unwrap_or(svg.len());
        svg.insert_str(at, &self.0);
    }
}

/// The first link `links` finds for the cells in `cells`, in order.
pub(super) fn first_link<'t>(
    links: Links,
    cells: impl IntoIterator<Item = Option<&'t Term>>,
) -> Option<String> {
    cells.into_iter().flatten().find_map(links)
}

pub(super) fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

pub(super) fn circle(cx: i32, cy: i32, r: u32, fill: RGBColor, opacity: f64) -> String {
    format!(
        "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"{}\" fill-opacity=\"{opacity}\"/>",
        hex(fill)
    )
}

/// A rectangle between two corners, in either order.
pub(super) fn rect(a: (i32, i32), b: (i32, i32), fill: RGBColor) -> String {
    let (x, y) = (a.0.min(b.0), a.1.min(b.1));
    let (w, h) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
    format!(
        "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{}\"/>",
        hex(fill)
    )
}

/// A line through `points`, and a wider invisible one over it so a pointer finds it easily.
pub(super) fn polyline(points: &[(i32, i32)], stroke: RGBColor, width: u32) -> String {
    let points: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let points = points.join(" ");
    format!(
        "<polyline points=\"{points}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"/>\
         <polyline points=\"{points}\" fill=\"none\" stroke=\"transparent\" stroke-width=\"10\"/>",
        hex(stroke)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_links_are_escaped() {
        let mut marks = Marks::default();
        marks.add("A & <B>", Some("/entity/x?a=1&b=\"2\""), "<circle/>");
        marks.add("C", None, "<rect/>");
        let mut svg = "<svg>\n<line/>\n</svg>\n".to_owned();
        marks.append(&mut svg);
        assert_eq!(
            svg,
            "<svg>\n<line/>\n<a class=\"mark\" href=\"/entity/x?a=1&amp;b=&quot;2&quot;\">\
             <title>A &amp; &lt;B&gt;</title><circle/></a>\n\
             <g class=\"mark\"><title>C</title><rect/></g>\n</svg>\n"
        );
    }
}
