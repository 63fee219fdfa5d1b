//! Cells as values: whole numbers the way spreadsheets write them, literals of a field's kind,
//! and dates in a mapping's formats (`dd/mm/yyyy`), checked by `lang::date`. A leaf of the
//! import: the mapping checks its constants with it (and names cell kinds by [`Kind`]), the
//! conversion reads every cell with it.

use oxigraph::model::Literal;
use oxigraph::model::vocab::xsd;
use serde::Deserialize;

use crate::lang::date;

/// What a cell holds, and so what it becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A string (`xsd:string`, or a language-tagged string with `lang`).
    #[default]
    Text,
    /// An `xsd:integer`; `3.45E+12` and `12.0` are read as the integers they denote.
    Integer,
    /// An `xsd:decimal`.
    Decimal,
    /// An `xsd:boolean`: 1/0, true/false, yes/no, y/n.
    Boolean,
    /// An `xsd:date`, with the date-precision property where only the month or year is known.
    Date,
    /// A concept (or any IRI): the cell, after the value table, is a prefixed name or an IRI.
    Concept,
    /// An actor: linked to a bundled actor by COW code, ISO code or name, else minted.
    Actor,
}

/// The date formats tried when a field names none.
pub(super) const DEFAULT_FORMATS: &[&str] = &["yyyy-mm-dd", "dd/mm/yyyy", "yyyy"];

/// Two cell values that mean the same: equal ignoring case, or the same whole number however a
/// spreadsheet wrote it (`1`, `1.0`, `1E+00`).
pub(super) fn same_value(a: &str, b: &str) -> bool {
    let numeric = |s: &str| s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
    a.eq_ignore_ascii_case(b)
        || (numeric(a)
            && numeric(b)
            && matches!((parse_integer(a), parse_integer(b)), (Ok(x), Ok(y)) if x == y))
}

/// A whole number written the way spreadsheets write them: `42`, `42.0`, `3.45E+12`.
pub(crate) fn parse_integer(text: &str) -> std::result::Result<i64, String> {
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
pub(super) fn scientific_integer(t: &str) -> Option<i64> {
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

    pub(super) fn literal(&self) -> Literal {
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
    pub(super) fn precision(&self) -> Option<&'static str> {
        match (self.month, self.day) {
            (Some(_), Some(_)) => None,
            (Some(_), None) => Some("month"),
            (None, _) => Some("year"),
        }
    }
}

/// Checks a date format: `yyyy`, `mm` and `dd` with separators among `-/. `.
pub(crate) fn check_date_format(format: &str) -> std::result::Result<(), String> {
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
pub(crate) fn parse_date(text: &str, formats: &[String]) -> std::result::Result<Date, String> {
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
}
