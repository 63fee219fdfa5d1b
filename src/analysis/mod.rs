//! The statistics behind applied-history questions (issue 14): how long peace held after
//! settlements ([`survival`]), how often something happened with an interval ([`rate`]), and which
//! past guarantees resemble a proposed one ([`similar`]).
//!
//! Everything here works on plain values: observations that compiled SPARQL fetched elsewhere
//! are converted to [`survival::Observation`]s or [`similar::Candidate`]s by the caller. This
//! module never touches a store and never prints, so the numbers are the same on every backend
//! and can be tested against reference implementations (tests/analysis.rs, against lifelines and
//! statsmodels). The measures, their assumptions and a worked example are in docs/analysis.md.
//!
//! All intervals are 95% intervals; the normal quantile comes from `statrs`, not a constant.
//!
//! ```
//! use treaty::analysis::{rate, survival::{kaplan_meier, Observation}};
//! let peaces = [Observation::event(3.0), Observation::censored(10.0), Observation::event(12.0)];
//! let km = kaplan_meier(&peaces)?;
//! assert_eq!(km.steps.len(), 3);
//! let share = rate::base_rate(6, 12)?;
//! assert!((share.lower - 0.2538).abs() < 1e-4 && (share.upper - 0.7462).abs() < 1e-4);
//! # Ok::<_, treaty::analysis::Error>(())
//! ```

pub mod rate;
pub mod similar;
pub mod survival;

use statrs::distribution::{ContinuousCDF, Normal};

/// The confidence level of every interval this module reports.
pub(crate) const LEVEL: f64 = 0.95;

/// What can be wrong with the input of an analysis. Each message names the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Nothing to estimate from.
    #[error("no observations to analyse")]
    Empty,

    /// A time that is NaN, infinite or negative (times are years since the start, e.g. signing).
    #[error("observation {index}: the time {time} is not a number of years >= 0")]
    BadTime { index: usize, time: f64 },

    /// The same, inside one group of a comparison.
    #[error("group {group}, observation {index}: the time {time} is not a number of years >= 0")]
    BadTimeInGroup {
        group: usize,
        index: usize,
        time: f64,
    },

    /// A share of more than the whole.
    #[error("{count} of {total}: the count is larger than the total")]
    CountExceedsTotal { count: usize, total: usize },

    /// A horizon that is NaN, infinite or negative.
    #[error("the horizon {0} is not a number of years >= 0")]
    BadHorizon(f64),

    /// Every observation was censored before the horizon, so none says what happened within it.
    #[error(
        "none of the {excluded} observations is followed for {horizon} years: each was censored earlier"
    )]
    NothingWithinHorizon { horizon: f64, excluded: usize },

    /// A comparison needs at least two groups.
    #[error("the log-rank test compares at least two groups; got {0}")]
    TooFewGroups(usize),

    /// A group without observations cannot be compared.
    #[error("group {0} has no observations")]
    EmptyGroup(usize),

    /// The test statistic does not exist for these data (its variance matrix is singular).
    #[error("the log-rank test is undefined here: {0}")]
    LogRankUndefined(&'static str),

    /// A similarity weight that is NaN, infinite or negative.
    #[error("the weight {weight} of the feature '{name}' is not a number >= 0")]
    BadWeight { name: String, weight: f64 },
}

/// The two-sided normal quantile for [`LEVEL`]: z = Φ⁻¹(0.975) ≈ 1.959964.
pub(crate) fn z() -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - LEVEL) / 2.0)
}
