//! Base rates: the share of a group meeting a condition, with its Wilson score interval, and the
//! share with an event within a horizon.

use super::survival::{Observation, first_bad_time};
use super::{Error, z};

/// A share with its count and 95% Wilson score interval: "6 of 12 (50%, 25-75%)".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// How many meet the condition.
    pub count: usize,
    /// How many there are.
    pub total: usize,
    /// count / total.
    pub share: f64,
    /// Lower end of the 95% Wilson score interval.
    pub lower: f64,
    /// Upper end of the 95% Wilson score interval.
    pub upper: f64,
}

/// The share `count` of `total`, with its 95% Wilson score interval (Wilson 1927).
///
/// With p = count/total, n = total and z = Φ⁻¹(0.975):
/// (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n). Unlike the textbook p ± z√(p(1-p)/n),
/// it stays inside [0, 1] and is not zero-width at 0 or n, which matters for the small groups
/// the treaty data has (Newcombe 1998 compares seven intervals; this is his method 3).
///
/// Errors: `total` is 0; `count` > `total`.
///
/// ```
/// use treaty::analysis::rate::base_rate;
/// // Newcombe (1998), table I: 81 of 263 gives 0.2553 to 0.3662.
/// let r = base_rate(81, 263)?;
/// assert!((r.lower - 0.2553).abs() < 5e-5 && (r.upper - 0.3662).abs() < 5e-5);
/// # Ok::<_, treaty::analysis::Error>(())
/// ```
pub fn base_rate(count: usize, total: usize) -> Result<Rate, Error> {
    if total == 0 {
        return Err(Error::Empty);
    }
    if count > total {
        return Err(Error::CountExceedsTotal { count, total });
    }
    let (k, n) = (count as f64, total as f64);
    let p = k / n;
    let z = z();
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At count = 0 (or total) the lower (upper) end is 0 (1) exactly; rounding can leave a
    // hair either side, so clamp and pin them.
    let lower = if count == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let upper = if count == total {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Ok(Rate {
        count,
        total,
        share: p,
        lower,
        upper,
    })
}

/// The share with an event within a horizon, and how many observations could not say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HorizonRate {
    /// Events within the horizon, of the observations followed that long (or ending in an event
    /// within it).
    pub rate: Rate,
    /// Observations censored before the horizon without an event: left out of the denominator.
    pub excluded: usize,
}

/// The share of observations with an event within `horizon` years ("violated within 10 years
/// of signing"), with its Wilson interval.
///
/// The rule: an event at or before the horizon counts as an event; an event after it, or a
/// censoring at or after it, counts as "no event within the horizon" (the subject was seen to
/// get through it); a censoring before the horizon is left out, since we do not know what
/// happened in the rest of the window, and is reported in [`HorizonRate::excluded`]. Leaving
/// them out biases the share upwards when many are censored early (those that did get through
/// are dropped too); the Kaplan-Meier estimate 1 - S(horizon) uses them properly, and the two
/// agree when nothing is censored before the horizon.
///
/// Errors: a bad time or horizon; no observations; all of them censored before the horizon.
///
/// ```
/// use treaty::analysis::{rate::within_horizon, survival::Observation};
/// let guarantees = [
///     Observation::event(3.0),     // violated after 3 years: within 10
///     Observation::event(14.0),    // violated after 14: not within 10
///     Observation::censored(25.0), // lapsed after 25, never violated: not within 10
///     Observation::censored(4.0),  // superseded after 4: unknown, left out
/// ];
/// let h = within_horizon(&guarantees, 10.0)?;
/// assert_eq!((h.rate.count, h.rate.total, h.excluded), (1, 3, 1));
/// # Ok::<_, treaty::analysis::Error>(())
/// ```
pub fn within_horizon(observations: &[Observation], horizon: f64) -> Result<HorizonRate, Error> {
    if !(horizon.is_finite() && horizon >= 0.0) {
        return Err(Error::BadHorizon(horizon));
    }
    if observations.is_empty() {
        return Err(Error::Empty);
    }
    if let Some((index, time)) = first_bad_time(observations) {
        return Err(Error::BadTime { index, time });
    }
    let excluded = observations
        .iter()
        .filter(|o| !o.event && o.time < horizon)
        .count();
    let count = observations
        .iter()
        .filter(|o| o.event && o.time <= horizon)
        .count();
    let total = observations.len() - excluded;
    if total == 0 {
        return Err(Error::NothingWithinHorizon { horizon, excluded });
    }
    Ok(HorizonRate {
        rate: base_rate(count, total)?,
        excluded,
    })
}
