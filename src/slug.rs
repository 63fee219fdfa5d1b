//! Names as slugs, one rule for every place a name becomes part of an identifier: the IRIs an
//! import mints (`id/actor/bosnia-and-herzegovina`) and the file names and anchors of a report.

/// Lower case, letters and digits of any script kept, every run of anything else as one `-`,
/// none at either end; empty when the text has no letter or digit.
///
/// ```
/// assert_eq!(treaty::slug::slug("Guarantees by mechanism (1815–2022)"), "guarantees-by-mechanism-1815-2022");
/// assert_eq!(treaty::slug::slug("Traité de Brest-Litovsk"), "traité-de-brest-litovsk");
/// assert_eq!(treaty::slug::slug("!!"), "");
/// ```
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    // Lower case first: what counts is the character that ends up in the slug.
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.truncate(out.trim_end_matches('-').len());
    out
}
