//! The Kaplan-Meier estimator with Greenwood's variance, a log(-log) confidence band and the
//! median with its interval, computed as lifelines 0.30 computes them (checked in
//! tests/analysis.rs).

use super::{Observation, sorted};
use crate::analysis::{Error, z};

/// One row of the step table: what happened at one distinct time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The time (years) of the events and censorings in this row.
    pub time: f64,
    /// Subjects at risk just before `time`: those whose time is `time` or later.
    pub at_risk: usize,
    /// Events at `time`.
    pub events: usize,
    /// Censorings at `time` (counted as at risk for the events at the same time).
    pub censored: usize,
    /// The estimated probability of no event up to and including `time`.
    pub survival: f64,
    /// Lower end of the pointwise 95% interval of `survival`.
    pub lower: f64,
    /// Upper end of the pointwise 95% interval of `survival`.
    pub upper: f64,
}

/// The median survival time and its 95% interval; `None` where the curve (or band) never falls
/// to one half within the data, i.e. the value is beyond the longest follow-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Median {
    /// The first time at which the estimated survival is at most 0.5.
    pub time: Option<f64>,
    /// The first time at which the lower band is at most 0.5.
    pub lower: Option<f64>,
    /// The first time at which the upper band is at most 0.5.
    pub upper: Option<f64>,
}

/// A fitted Kaplan-Meier curve.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    /// One row per distinct time, in increasing order of time. Before the first row the
    /// survival is 1.
    pub steps: Vec<Step>,
    /// The median survival time with its interval.
    pub median: Median,
    /// Number of observations.
    pub observations: usize,
    /// Number of events.
    pub events: usize,
}

/// Fits the Kaplan-Meier estimator to right-censored observations.
///
/// At each distinct time t with n subjects at risk and d events, the survival is multiplied by
/// 1 - d/n. Censorings at t count as at risk at t (events are taken to come first), the usual
/// convention. The band is the log(-log) ("exponential Greenwood") interval: with
/// V = Σ d/(n(n-d)) (Greenwood) and σ = √V / |ln S|, the bounds are S^exp(zσ) and S^exp(-zσ).
/// Before any event the band is [1, 1]; where S falls to 0 it is [0, 0] (the transform is
/// undefined there; lifelines reports the same, R reports it as missing).
///
/// Errors: no observations; a time that is NaN, infinite or negative.
///
/// ```
/// use treaty::analysis::survival::{kaplan_meier, Observation};
/// // Four peaces: war again after 2 and 5 years, one still holding after 3, one after 8.
/// let peaces = [
///     Observation::event(2.0),
///     Observation::censored(3.0),
///     Observation::event(5.0),
///     Observation::censored(8.0),
/// ];
/// let km = kaplan_meier(&peaces)?;
/// assert_eq!(km.steps[0].survival, 0.75); // 1 - 1/4
/// assert_eq!(km.steps[2].at_risk, 2);
/// assert_eq!(km.steps[2].survival, 0.375); // 0.75 × (1 - 1/2)
/// assert_eq!(km.median.time, Some(5.0));
/// # Ok::<_, treaty::analysis::Error>(())
/// ```
pub fn kaplan_meier(observations: &[Observation]) -> Result<KaplanMeier, Error> {
    let sorted = sorted(observations)?;
    let z = z();
    let mut steps = Vec::new();
    let mut at_risk = sorted.len();
    let mut survival = 1.0_f64;
    let mut greenwood = 0.0_f64;
    let mut events_so_far = 0;
    for tied in sorted.chunk_by(|a, b| a.time == b.time) {
        let events = tied.iter().filter(|o| o.event).count();
        let censored = tied.len() - events;
        if events > 0 {
            let (n, d) = (at_risk as f64, events as f64);
            survival *= 1.0 - d / n;
            // When every subject at risk has the event, S is 0 and this term is infinite; no
            // row follows (nobody is left), and the band is [0, 0] below.
            if events < at_risk {
                greenwood += d / (n * (n - d));
            }
            events_so_far += events;
        }
        let (lower, upper) = band(survival, greenwood, events_so_far, z);
        steps.push(Step {
            time: tied[0].time,
            at_risk,
            events,
            censored,
            survival,
            lower,
            upper,
        });
        at_risk -= tied.len();
    }
    let median = Median {
        time: first_at_or_below_half(&steps, |s| s.survival),
        lower: first_at_or_below_half(&steps, |s| s.lower),
        upper: first_at_or_below_half(&steps, |s| s.upper),
    };
    Ok(KaplanMeier {
        steps,
        median,
        observations: sorted.len(),
        events: events_so_far,
    })
}

/// The log(-log) interval of `survival`, given Greenwood's sum.
fn band(survival: f64, greenwood: f64, events_so_far: usize, z: f64) -> (f64, f64) {
    if events_so_far == 0 {
        return (1.0, 1.0);
    }
    if survival <= 0.0 {
        return (0.0, 0.0);
    }
    let log_s = survival.ln(); // < 0 after an event
    let sigma = greenwood.sqrt() / -log_s;
    (
        survival.powf((z * sigma).exp()),
        survival.powf((-z * sigma).exp()),
    )
}

/// The first time whose value is at most one half. A linear scan, because the bands need not
/// be monotone; lifelines finds the same time with a binary search where they are.
fn first_at_or_below_half(steps: &[Step], value: impl Fn(&Step) -> f64) -> Option<f64> {
    steps.iter().find(|s| value(s) <= 0.5).map(|s| s.time)
}
