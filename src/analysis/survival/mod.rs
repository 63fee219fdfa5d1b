//! Survival of peace: how long something lasted when some of it is still lasting.
//!
//! An [`Observation`] is one peace (or guarantee): the years from its start to the end of its
//! follow-up, and whether that end was the event (war resumed, the guarantee was violated) or a
//! censoring (still holding at the observation date, or ended without war: lapsed, superseded).
//! [`kaplan_meier`] estimates the survival curve with its 95% band and median; [`log_rank`]
//! tests whether groups' curves differ. Both assume censoring is independent of the risk of the
//! event (docs/analysis.md says what that means for treaties).

mod km;
mod logrank;

pub use km::{KaplanMeier, Median, Step, kaplan_meier};
pub use logrank::{GroupSummary, LogRank, log_rank};

use super::Error;

/// One subject's follow-up: `time` years until the event or the censoring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Years from the start (e.g. signing) to the event or the censoring; finite and >= 0.
    pub time: f64,
    /// `true`: the event happened at `time` (war resumed); `false`: censored at `time`.
    pub event: bool,
}

impl Observation {
    /// An observation that ended with the event after `time` years.
    ///
    /// ```
    /// use treaty::analysis::survival::Observation;
    /// assert!(Observation::event(4.5).event);
    /// ```
    pub fn event(time: f64) -> Self {
        Observation { time, event: true }
    }

    /// An observation censored after `time` years (still holding, or ended without the event).
    ///
    /// ```
    /// use treaty::analysis::survival::Observation;
    /// assert!(!Observation::censored(20.0).event);
    /// ```
    pub fn censored(time: f64) -> Self {
        Observation { time, event: false }
    }
}

/// The index and time of the first observation whose time is not finite and >= 0.
pub(crate) fn first_bad_time(observations: &[Observation]) -> Option<(usize, f64)> {
    observations
        .iter()
        .enumerate()
        .find(|(_, o)| !(o.time.is_finite() && o.time >= 0.0))
        .map(|(index, o)| (index, o.time))
}

/// Checks every time, then returns the observations sorted by time (stable, so equal times keep
/// their input order; the estimators group them anyway).
fn sorted(observations: &[Observation]) -> Result<Vec<Observation>, Error> {
    if observations.is_empty() {
        return Err(Error::Empty);
    }
    if let Some((index, time)) = first_bad_time(observations) {
        return Err(Error::BadTime { index, time });
    }
    // Adding 0.0 turns -0.0 into 0.0, so no time is shown as "-0".
    let mut sorted: Vec<Observation> = observations
        .iter()
        .map(|o| Observation {
            time: o.time + 0.0,
            event: o.event,
        })
        .collect();
    sorted.sort_by(|a, b| a.time.total_cmp(&b.time));
    Ok(sorted)
}
