//! Analogues: past guarantees ranked by weighted Jaccard similarity to a target over coded
//! features, each with the features it shares, and the outcomes of the closest k as base rates.

use std::collections::{BTreeMap, BTreeSet};

use super::Error;
use super::rate::{Rate, base_rate};

/// One coded feature: a name and a value, compared as text ("mechanism" = "neutrality",
/// "great_power_guarantor" = "true"). A multi-valued field is several features with one name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Feature {
    /// The feature's name; weights are given per name.
    pub name: String,
    /// Its value.
    pub value: String,
}

impl Feature {
    /// A feature from its name and value.
    ///
    /// ```
    /// use treaty::analysis::similar::Feature;
    /// let f = Feature::new("mechanism", "neutrality");
    /// assert_eq!((f.name.as_str(), f.value.as_str()), ("mechanism", "neutrality"));
    /// ```
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Feature {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A past case to compare with the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// A stable, unique key (e.g. the entity's IRI): it breaks ties in the ranking.
    pub key: String,
    /// Its coded features.
    pub features: Vec<Feature>,
    /// What became of it ("violated", "honoured"...), if recorded.
    pub outcome: Option<String>,
}

/// A candidate with its similarity to the target and the features they share.
#[derive(Debug, Clone, PartialEq)]
pub struct Analogue {
    /// The candidate's key.
    pub key: String,
    /// Weighted Jaccard similarity, in (0, 1].
    pub similarity: f64,
    /// The features it shares with the target, sorted by name then value.
    pub shared: Vec<Feature>,
    /// The candidate's outcome.
    pub outcome: Option<String>,
}

/// The weight of a feature name that [`default_weights`] does not list and the caller's map
/// does not give.
pub(crate) const DEFAULT_WEIGHT: f64 = 1.0;

/// The documented default weights: the kind of guarantee (its mechanism) counts most, who
/// guarantees next, then the rest equally. Names not listed weigh [`DEFAULT_WEIGHT`].
///
/// | name | weight |
/// |---|---|
/// | `mechanism` | 3 |
/// | `great_power_guarantor` | 2 |
/// | `former_belligerent_guarantor` | 2 |
/// | `guarantor_count` (bucketed with [`count_bucket`]) | 1 |
/// | `reciprocal`, `legally_binding`, `secret` | 1 |
/// | `era`, `region` | 1 |
///
/// ```
/// use treaty::analysis::similar::default_weights;
/// let mut weights = default_weights();
/// assert_eq!(weights["mechanism"], 3.0);
/// weights.insert("region".into(), 0.0); // ignore geography
/// ```
pub fn default_weights() -> BTreeMap<String, f64> {
    [
        ("mechanism", 3.0),
        ("great_power_guarantor", 2.0),
        ("former_belligerent_guarantor", 2.0),
        ("guarantor_count", 1.0),
        ("reciprocal", 1.0),
        ("legally_binding", 1.0),
        ("secret", 1.0),
        ("era", 1.0),
        ("region", 1.0),
    ]
    .into_iter()
    .map(|(name, weight)| (name.to_owned(), weight))
    .collect()
}

/// A count coded as a bucket, so that 3 and 4 guarantors match but 1 and 5 do not:
/// "0", "1", "2", "3-4", "5+".
///
/// ```
/// use treaty::analysis::similar::count_bucket;
/// assert_eq!(count_bucket(4), "3-4");
/// assert_eq!(count_bucket(9), "5+");
/// ```
pub fn count_bucket(count: usize) -> &'static str {
    match count {
        0 => "0",
        1 => "1",
        2 => "2",
        3 | 4 => "3-4",
        _ => "5+",
    }
}

/// Ranks candidates by weighted Jaccard similarity to `target`, most similar first.
///
/// With w(f) the weight of a feature's name (from `weights`, else [`DEFAULT_WEIGHT`]) and
/// features as sets of (name, value) pairs (duplicates count once):
/// similarity = Σ w(f) over features in both / Σ w(f) over features in either. Candidates with
/// similarity 0 (nothing of weight in common) are left out. Ties (similarities equal to 12
/// decimal places) are ordered by key. The target itself, if it is a past case, is not dropped:
/// leave it out of `candidates`.
///
/// Errors: a weight that is NaN, infinite or negative.
///
/// ```
/// use std::collections::BTreeMap;
/// use treaty::analysis::similar::{rank, Candidate, Feature};
/// let target = [Feature::new("mechanism", "neutrality"), Feature::new("reciprocal", "false")];
/// let candidates = [
///     Candidate { key: "a".into(), outcome: Some("violated".into()),
///                 features: vec![Feature::new("mechanism", "neutrality"), Feature::new("reciprocal", "true")] },
///     Candidate { key: "b".into(), outcome: None,
///                 features: vec![Feature::new("mechanism", "neutrality"), Feature::new("reciprocal", "false")] },
/// ];
/// let weights = BTreeMap::from([("mechanism".to_string(), 3.0)]);
/// let ranked = rank(&target, &candidates, &weights)?;
/// assert_eq!(ranked[0].key, "b"); // shares both: 4/4
/// assert_eq!(ranked[1].similarity, 3.0 / 5.0); // shares the mechanism: 3/(3+1+1)
/// # Ok::<_, treaty::analysis::Error>(())
/// ```
pub fn rank(
    target: &[Feature],
    candidates: &[Candidate],
    weights: &BTreeMap<String, f64>,
) -> Result<Vec<Analogue>, Error> {
    if let Some((name, &weight)) = weights.iter().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
        return Err(Error::BadWeight {
            name: name.clone(),
            weight,
        });
    }
    let weight = |f: &Feature| weights.get(&f.name).copied().unwrap_or(DEFAULT_WEIGHT);
    let target: BTreeSet<&Feature> = target.iter().collect();
    let mut ranked: Vec<Analogue> = candidates
        .iter()
        .filter_map(|candidate| {
            let features: BTreeSet<&Feature> = candidate.features.iter().collect();
            let shared: Vec<Feature> = target.intersection(&features).map(|&f| f.clone()).collect();
            let both: f64 = shared.iter().map(weight).sum();
            let either: f64 = target.union(&features).map(|f| weight(f)).sum();
            let similarity = if either > 0.0 { both / either } else { 0.0 };
            (similarity > 0.0).then(|| Analogue {
                key: candidate.key.clone(),
                similarity,
                shared,
                outcome: candidate.outcome.clone(),
            })
        })
        .collect();
    // Sums of the same weights in another order can differ in the last bit; rounding first
    // keeps such ties ties (and the comparison a total order).
    let rounded = |s: f64| (s * 1e12).round();
    ranked.sort_by(|a, b| {
        rounded(b.similarity)
            .total_cmp(&rounded(a.similarity))
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(ranked)
}

/// The share of one outcome among the top analogues.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeShare {
    /// The outcome; `None` for analogues whose outcome is not recorded.
    pub outcome: Option<String>,
    /// How many of the top analogues had it, with the Wilson interval.
    pub rate: Rate,
}

/// The base rate of each outcome among the first `k` analogues (fewer if there are fewer),
/// most frequent first, ties by outcome name, unrecorded outcomes last among equals. The
/// denominator is the number of analogues summarised, unrecorded outcomes included, so the
/// shares add up to one.
///
/// Errors: `k` is 0 or there are no analogues.
///
/// ```
/// use treaty::analysis::similar::{summarize, Analogue};
/// let analogue = |key: &str, outcome: &str| Analogue {
///     key: key.into(), similarity: 0.5, shared: vec![], outcome: Some(outcome.into()),
/// };
/// let top = [analogue("a", "violated"), analogue("b", "honoured"), analogue("c", "violated")];
/// let summary = summarize(&top, 10)?;
/// assert_eq!(summary[0].outcome.as_deref(), Some("violated"));
/// assert_eq!((summary[0].rate.count, summary[0].rate.total), (2, 3));
/// # Ok::<_, treaty::analysis::Error>(())
/// ```
pub fn summarize(analogues: &[Analogue], k: usize) -> Result<Vec<OutcomeShare>, Error> {
    let top = &analogues[..k.min(analogues.len())];
    if top.is_empty() {
        return Err(Error::Empty);
    }
    let mut counts: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for analogue in top {
        *counts.entry(analogue.outcome.as_deref()).or_default() += 1;
    }
    let mut shares = counts
        .into_iter()
        .map(|(outcome, count)| {
            Ok(OutcomeShare {
                outcome: outcome.map(str::to_owned),
                rate: base_rate(count, top.len())?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    shares.sort_by(|a, b| {
        b.rate
            .count
            .cmp(&a.rate.count)
            .then_with(|| a.outcome.is_none().cmp(&b.outcome.is_none()))
            .then_with(|| a.outcome.cmp(&b.outcome))
    });
    Ok(shares)
}
