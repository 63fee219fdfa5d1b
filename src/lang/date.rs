//! Calendar facts, defined once: leap years, the length of a month, days counted from
//! 1970-01-01 and back (the clock, survival times), and dates written at year,
//! month or day precision (`1815`, `1815-06`, `1815-06-09`), checked and read as the first and
//! last day they stand for. A leaf: the parser reads date literals with it, the resolver reads
//! parameters and bounds, the importer checks the dates of its cells.

/// A date written at year, month or day precision; `month` and `day` are absent when not
/// written. Only [`parse`] and the parser make them, so the parts name a day that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateLit {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// The years a date may have where it becomes an `xsd:date` of four digits.
pub(crate) const YEARS: std::ops::RangeInclusive<i64> = 1..=9999;

/// The months' English names, January first.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Whether `year` has a 29 February in the Gregorian calendar.
///
/// ```
/// use treaty::lang::date::is_leap_year;
/// assert!(is_leap_year(1904) && is_leap_year(2000));
/// assert!(!is_leap_year(1900) && !is_leap_year(1815));
/// ```
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in `month` (1 to 12) of `year`.
///
/// ```
/// use treaty::lang::date::days_in_month;
/// assert_eq!(days_in_month(1900, 2), 28);
/// assert_eq!(days_in_month(1914, 6), 30);
/// ```
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a day of the proleptic Gregorian calendar, the one `xsd:date`
/// uses (H. Hinnant's algorithm, exact for every year; the month counts from 1).
///
/// ```
/// use treaty::lang::date::{civil_from_days, days_from_civil};
/// assert_eq!(days_from_civil(1970, 1, 1), 0);
/// assert_eq!(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
/// assert_eq!(civil_from_days(days_from_civil(1815, 6, 9)), (1815, 6, 9));
/// ```
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year, month and day of a day counted from 1970-01-01: the inverse of
/// [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Why a text or a date's parts name no day of the calendar. Each caller words it for its
/// readers: the parser with a caret under the literal, the importer with the cell's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// Not numbers joined by `-`, or more than three of them.
    Layout,
    /// A month that is not 1 to 12.
    Month(u32),
    /// A day that is 0 or past the end of its month.
    Day { year: i64, month: u32, day: u32 },
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Invalid::Layout => write!(f, "write dates as YYYY, YYYY-MM or YYYY-MM-DD"),
            Invalid::Month(month) => write!(f, "there is no month {month}"),
            Invalid::Day { day: 0, .. } => write!(f, "there is no day 0"),
            Invalid::Day { year, month, .. } => {
                let name = MONTHS[month as usize - 1];
                let last = days_in_month(year, month);
                write!(f, "{name} {year} has only {last} days")
            }
        }
    }
}

impl std::error::Error for Invalid {}

/// Checks that the month and day exist (the year is the caller's to bound: see [`YEARS`]).
pub(crate) fn validate(year: i64, month: Option<u32>, day: Option<u32>) -> Result<(), Invalid> {
    let Some(month) = month else {
        return Ok(());
    };
    if !(1..=12).contains(&month) {
        return Err(Invalid::Month(month));
    }
    match day {
        Some(day) if day == 0 || day > days_in_month(year, month) => {
            Err(Invalid::Day { year, month, day })
        }
        _ => Ok(()),
    }
}

/// Whether `text` is laid out as ISO 8601 writes a date: four digits of year, then two of month
/// and two of day. TQL literals must be; [`parse`] also takes `1815-6-9`.
pub(crate) fn is_iso_layout(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() <= 3
        && parts[0].len() == 4
        && parts[1..].iter().all(|p| p.len() == 2)
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (digits only, any count), checking that the month
/// and day exist.
///
/// ```
/// use treaty::lang::date::{parse, DateLit, Invalid};
/// assert_eq!(parse("1815-06"), Ok(DateLit { year: 1815, month: Some(6), day: None }));
/// assert_eq!(parse("1900-02-29"), Err(Invalid::Day { year: 1900, month: 2, day: 29 }));
/// assert_eq!(parse("soon"), Err(Invalid::Layout));
/// ```
pub fn parse(text: &str) -> Result<DateLit, Invalid> {
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() > 3 {
        return Err(Invalid::Layout);
    }
    fn number<T: std::str::FromStr>(part: &str) -> Result<T, Invalid> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::Layout);
        }
        part.parse().map_err(|_| Invalid::Layout)
    }
    let year: i32 = number(parts[0])?;
    let month: Option<u8> = parts.get(1).map(|m| number(m)).transpose()?;
    let day: Option<u8> = parts.get(2).map(|d| number(d)).transpose()?;
    validate(i64::from(year), month.map(u32::from), day.map(u32::from))?;
    Ok(DateLit { year, month, day })
}

/// The first and last day a date stands for, as `xsd:date` text: a year from 1 January to
/// 31 December, a month from its first day to its last.
///
/// ```
/// use treaty::lang::date::{bounds, parse};
/// let feb = parse("1904-02").unwrap();
/// assert_eq!(bounds(feb), ("1904-02-01".to_string(), "1904-02-29".to_string()));
/// ```
pub fn bounds(d: DateLit) -> (String, String) {
    match (d.month, d.day) {
        (Some(m), Some(day)) => {
            let s = format!("{:04}-{m:02}-{day:02}", d.year);
            (s.clone(), s)
        }
        (Some(m), None) => (
            format!("{:04}-{m:02}-01", d.year),
            format!(
                "{:04}-{m:02}-{:02}",
                d.year,
                days_in_month(i64::from(d.year), u32::from(m))
            ),
        ),
        _ => (
            format!("{:04}-01-01", d.year),
            format!("{:04}-12-31", d.year),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        let leap: Vec<i64> = (1896..=1912).filter(|y| is_leap_year(*y)).collect();
        assert_eq!(leap, [1896, 1904, 1908, 1912]);
        assert!(is_leap_year(1600) && !is_leap_year(1700));
        let lengths: Vec<u32> = (1..=12).map(|m| days_in_month(1815, m)).collect();
        assert_eq!(lengths, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
        assert_eq!(days_in_month(2000, 2), 29);
    }

    #[test]
    fn parts_that_name_no_day() {
        assert_eq!(validate(1815, Some(13), None), Err(Invalid::Month(13)));
        assert_eq!(validate(1815, Some(0), Some(1)), Err(Invalid::Month(0)));
        let day = |day| Invalid::Day {
            year: 1914,
            month: 6,
            day,
        };
        assert_eq!(validate(1914, Some(6), Some(0)), Err(day(0)));
        assert_eq!(validate(1914, Some(6), Some(31)), Err(day(31)));
        assert_eq!(validate(1914, Some(6), Some(30)), Ok(()));
        assert_eq!(
            validate(1914, None, Some(40)),
            Ok(()),
            "a day without a month is not read"
        );
        let words = |invalid: Invalid| invalid.to_string();
        assert_eq!(words(Invalid::Month(13)), "there is no month 13");
        assert_eq!(words(day(0)), "there is no day 0");
        assert_eq!(words(day(31)), "June 1914 has only 30 days");
    }

    #[test]
    fn written_dates() {
        let d = |year, month, day| Ok(DateLit { year, month, day });
        assert_eq!(parse("1815"), d(1815, None, None));
        assert_eq!(parse("1815-6-9"), d(1815, Some(6), Some(9)));
        assert_eq!(parse("1815-06-09"), d(1815, Some(6), Some(9)));
        for bad in [
            "",
            "1815-",
            "1815--09",
            "+1815",
            "1815-06-09-01",
            "1815-x",
            "99999999999",
        ] {
            assert_eq!(parse(bad), Err(Invalid::Layout), "{bad}");
        }
        assert!(is_iso_layout("1815-06-09") && is_iso_layout("1815-06") && is_iso_layout("1815"));
        assert!(
            !is_iso_layout("1815-6-09") && !is_iso_layout("815-06") && !is_iso_layout("1-2-3-4")
        );
    }
}
