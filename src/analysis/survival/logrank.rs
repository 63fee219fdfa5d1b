//! The log-rank test between k >= 2 groups, with the hypergeometric variance for tied events and
//! the chi-squared p-value from `statrs`.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::{Observation, first_bad_time};
use crate::analysis::Error;

/// The log-rank test's result.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRank {
    /// The chi-squared statistic (O - E)ᵀ V⁻¹ (O - E) over the first k - 1 groups.
    pub statistic: f64,
    /// k - 1.
    pub degrees_of_freedom: usize,
    /// P(χ²(k - 1) >= statistic): the chance of curves at least this different if the groups'
    /// hazards were equal.
    pub p_value: f64,
    /// Observed and expected events per group, in the order the groups were given.
    pub groups: Vec<GroupSummary>,
}

/// One group's part of the log-rank test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupSummary {
    /// Number of observations in the group.
    pub observations: usize,
    /// Events observed in the group.
    pub observed: usize,
    /// Events expected in the group if all groups shared one hazard: Σ d · n_group / n over the
    /// distinct event times.
    pub expected: f64,
}

/// Tests whether k >= 2 groups share one survival curve (the log-rank, or Mantel-Cox, test).
///
/// At each distinct event time t, with n at risk overall, n_j in group j and d events overall,
/// group j expects d·n_j/n events, and the (co)variances are
/// V_jl = d (n - d)/(n - 1) · (n_j/n) (δ_jl - n_l/n) (the hypergeometric variance, which is how
/// tied events are handled; a time with n = 1 adds nothing). The statistic is
/// (O - E)ᵀ V⁻¹ (O - E) over the first k - 1 groups (dropping any one gives the same value), and
/// the p-value is the upper tail of the chi-squared distribution with k - 1 degrees of freedom.
/// This is lifelines' `multivariate_logrank_test` and R's `survdiff` (rho = 0).
///
/// Errors: fewer than two groups, an empty group, a bad time, and data for which V is singular:
/// no events at all, or a group with nobody at risk at any event time.
///
/// ```
/// use treaty::analysis::survival::{log_rank, Observation};
/// let with = [Observation::event(1.0), Observation::event(3.0), Observation::censored(3.0), Observation::event(5.0)];
/// let without = [Observation::event(2.0), Observation::event(3.0), Observation::censored(4.0),
///                Observation::event(6.0), Observation::censored(7.0)];
/// let test = log_rank(&[&with[..], &without[..]])?;
/// assert_eq!(test.degrees_of_freedom, 1);
/// assert_eq!(test.groups[0].observed, 3);
/// assert!((test.statistic - 249001.0 / 282383.0).abs() < 1e-12);
/// assert!(test.p_value > 0.3); // no evidence that the curves differ
/// # Ok::<_, treaty::analysis::Error>(())
/// ```
pub fn log_rank<G: AsRef<[Observation]>>(groups: &[G]) -> Result<LogRank, Error> {
    let k = groups.len();
    if k < 2 {
        return Err(Error::TooFewGroups(k));
    }
    let mut pooled = Vec::new();
    for (group, observations) in groups.iter().enumerate() {
        let observations = observations.as_ref();
        if observations.is_empty() {
            return Err(Error::EmptyGroup(group));
        }
        if let Some((index, time)) = first_bad_time(observations) {
            return Err(Error::BadTimeInGroup { group, index, time });
        }
        pooled.extend(observations.iter().map(|o| (o.time, o.event, group)));
    }
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut at_risk: Vec<usize> = groups.iter().map(|g| g.as_ref().len()).collect();
    let mut observed = vec![0usize; k];
    let mut expected = vec![0.0_f64; k];
    let mut variance = vec![vec![0.0_f64; k]; k];
    for tied in pooled.chunk_by(|a, b| a.0 == b.0) {
        let mut events = vec![0usize; k];
        for &(_, event, group) in tied {
            if event {
                events[group] += 1;
            }
        }
        let d: usize = events.iter().sum();
        if d > 0 {
            let n: usize = at_risk.iter().sum();
            let (nf, df) = (n as f64, d as f64);
            let share: Vec<f64> = at_risk.iter().map(|&nj| nj as f64 / nf).collect();
            // With one subject at risk (n = 1) the hypergeometric factor is 0/0; that subject's
            // event carries no information about a difference, so the time adds no variance.
            let factor = if n > 1 {
                df * (nf - df) / (nf - 1.0)
            } else {
                0.0
            };
            for j in 0..k {
                observed[j] += events[j];
                expected[j] += df * share[j];
                for l in 0..k {
                    let delta = if j == l { 1.0 } else { 0.0 };
                    variance[j][l] += factor * share[j] * (delta - share[l]);
                }
            }
        }
        for &(_, _, group) in tied {
            at_risk[group] -= 1;
        }
    }

    let difference: Vec<f64> = (0..k - 1)
        .map(|j| observed[j] as f64 - expected[j])
        .collect();
    let reduced: Vec<Vec<f64>> = variance[..k - 1]
        .iter()
        .map(|row| row[..k - 1].to_vec())
        .collect();
    if observed.iter().sum::<usize>() == 0 {
        return Err(Error::LogRankUndefined("no group has an event"));
    }
    let statistic = quadratic_form(&reduced, &difference).ok_or(Error::LogRankUndefined(
        "its variance is zero in some direction: a group has nobody at risk at any event time, \
         or every event fell where one subject alone was at risk",
    ))?;
    let degrees_of_freedom = k - 1;
    let p_value = ChiSquared::new(degrees_of_freedom as f64)
        .map(|chi2| chi2.sf(statistic))
        .map_err(|_| Error::LogRankUndefined("the chi-squared distribution rejected k - 1"))?;
    let groups = (0..k)
        .map(|j| GroupSummary {
            observations: groups[j].as_ref().len(),
            observed: observed[j],
            expected: expected[j],
        })
        .collect();
    Ok(LogRank {
        statistic,
        degrees_of_freedom,
        p_value,
        groups,
    })
}

/// xᵀ A⁻¹ x for a symmetric positive definite A, through its Cholesky factor L (A = L Lᵀ):
/// solving L y = x gives xᵀ A⁻¹ x = yᵀ y, which is never negative. `None` when A is not
/// positive definite (to rounding), i.e. the test has no variance in some direction.
fn quadratic_form(a: &[Vec<f64>], x: &[f64]) -> Option<f64> {
    let m = x.len();
    let scale = (0..m).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    let tolerance = scale * 1e-12;
    let mut l = vec![vec![0.0_f64; m]; m];
    for i in 0..m {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|p| l[i][p] * l[j][p]).sum();
            if i == j {
                let pivot = a[i][i] - sum;
                // A NaN pivot counts as singular too.
                if pivot.is_nan() || pivot <= tolerance {
                    return None;
                }
                l[i][i] = pivot.sqrt();
            } else {
                l[i][j] = (a[i][j] - sum) / l[j][j];
            }
        }
    }
    let mut y = vec![0.0_f64; m];
    for i in 0..m {
        let sum: f64 = (0..i).map(|p| l[i][p] * y[p]).sum();
        y[i] = (x[i] - sum) / l[i][i];
    }
    let value: f64 = y.iter().map(|v| v * v).sum();
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::quadratic_form;

    #[test]
    fn quadratic_form_inverts_and_refuses_singular_matrices() {
        // A = [[4, 2], [2, 3]], A⁻¹ = [[3, -2], [-2, 4]] / 8; x = (1, 1): xᵀA⁻¹x = 3/8.
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        assert!((quadratic_form(&a, &[1.0, 1.0]).unwrap() - 3.0 / 8.0).abs() < 1e-15);
        assert_eq!(quadratic_form(&[vec![0.0]], &[0.0]), None);
        let singular = vec![vec![1.0, 1.0], vec![1.0, 1.0]];
        assert_eq!(quadratic_form(&singular, &[1.0, 0.0]), None);
        assert_eq!(quadratic_form(&[vec![f64::NAN]], &[1.0]), None);
    }
}
