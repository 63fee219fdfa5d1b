//! The time of day, for the records that imports and reports keep: UTC as an `xsd:dateTime`,
//! to the second. The standard library has no calendar: the day comes from `lang::date`.

/// The current time in UTC as an `xsd:dateTime` (`2026-11-26T08:43:36Z`).
pub fn utc_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_date_time(seconds)
}

/// Seconds since 1970 as a UTC date-time.
fn utc_date_time(seconds: u64) -> String {
    let (year, month, day) = crate::lang::date::civil_from_days((seconds / 86_400) as i64);
    let rest = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_utc() {
        assert_eq!(utc_date_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_date_time(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_date_time(1_795_682_616), "2026-11-26T08:43:36Z");
    }

    #[test]
    fn now_is_an_xsd_date_time() {
        let now = utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
    }
}
