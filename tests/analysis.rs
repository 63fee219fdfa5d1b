//! The statistics of `treaty::analysis` checked three ways: against values computed by hand
//! (the arithmetic is in the comments), against lifelines and statsmodels (numbers recorded
//! below with the command that produced them), and against published Wilson intervals.

use std::collections::BTreeMap;

use proptest::prelude::*;
use treaty::analysis::{
    Error,
    rate::{base_rate, within_horizon},
    similar::{Candidate, Feature, count_bucket, default_weights, rank, summarize},
    survival::{KaplanMeier, Median, Observation, kaplan_meier, log_rank},
};

/// (time, at risk, events, censored, survival, lower, upper): one row of a step table.
type Row = (f64, usize, usize, usize, f64, f64, f64);

fn obs(pairs: &[(f64, bool)]) -> Vec<Observation> {
    pairs
        .iter()
        .map(|&(time, event)| Observation { time, event })
        .collect()
}

const E: bool = true;
const C: bool = false;

/// The single-group fixture: ten peaces with tied events (two at 2), an event and a censoring
/// at the same time (2 and 6), and a censored last observation.
fn hand() -> Vec<Observation> {
    obs(&[
        (1.0, E),
        (2.0, E),
        (2.0, E),
        (2.0, C),
        (3.0, C),
        (4.0, E),
        (5.0, C),
        (6.0, E),
        (6.0, C),
        (8.0, C),
    ])
}

fn two_a() -> Vec<Observation> {
    obs(&[(1.0, E), (3.0, E), (3.0, C), (5.0, E)])
}

fn two_b() -> Vec<Observation> {
    obs(&[(2.0, E), (3.0, E), (4.0, C), (6.0, E), (7.0, C)])
}

fn three() -> [Vec<Observation>; 3] {
    [
        obs(&[(1.0, E), (2.0, E), (4.0, C), (4.0, E), (9.0, E)]),
        obs(&[(2.0, E), (3.0, C), (5.0, E), (6.0, E), (6.0, E), (10.0, C)]),
        obs(&[(1.0, C), (4.0, E), (7.0, C), (8.0, E), (12.0, C), (12.0, C)]),
    ]
}

/// Forty made-up peaces in two groups (not historical data): tied events, tied censorings, an
/// event and a censoring at the same time in each group, fractional years.
fn realistic() -> (Vec<Observation>, Vec<Observation>) {
    let group = |events: &[f64], censored: &[f64]| -> Vec<Observation> {
        let mut v: Vec<Observation> = events.iter().map(|&t| Observation::event(t)).collect();
        v.extend(censored.iter().map(|&t| Observation::censored(t)));
        v
    };
    (
        group(
            &[2.0, 5.0, 5.0, 9.0, 14.0, 21.0, 30.0],
            &[
                5.0, 12.5, 18.0, 25.0, 25.0, 33.0, 40.0, 47.0, 52.0, 60.0, 71.0,
            ],
        ),
        group(
            &[
                1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 6.25, 8.0, 8.0, 11.0, 13.0, 17.0, 20.0, 26.0,
            ],
            &[3.0, 7.0, 10.0, 15.0, 22.0, 35.0, 44.0, 58.0],
        ),
    )
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

/// Compares a fitted curve with a reference table: counts exactly, estimates to `tolerance`.
fn assert_table(km: &KaplanMeier, expected: &[Row], tolerance: f64) {
    assert_eq!(km.steps.len(), expected.len(), "{km:#?}");
    for (step, &(time, at_risk, events, censored, survival, lower, upper)) in
        km.steps.iter().zip(expected)
    {
        assert_eq!(
            (step.time, step.at_risk, step.events, step.censored),
            (time, at_risk, events, censored)
        );
        for (got, want, what) in [
            (step.survival, survival, "survival"),
            (step.lower, lower, "lower"),
            (step.upper, upper, "upper"),
        ] {
            assert!(
                close(got, want, tolerance),
                "{what} at {time}: {got} against {want}"
            );
        }
    }
}

/// lifelines writes a median that is not reached as `inf`.
fn median(time: f64, lower: f64, upper: f64) -> Median {
    let finite = |t: f64| t.is_finite().then_some(t);
    Median {
        time: finite(time),
        lower: finite(lower),
        upper: finite(upper),
    }
}

// --- (a) By hand ------------------------------------------------------------------------------

/// Fixture `hand`, z = Φ⁻¹(0.975) = 1.959963984540054. S multiplies (1 - d/n); V adds
/// d/(n(n-d)); σ = √V/|ln S|; the band is [S^exp(zσ), S^exp(-zσ)] (logs and powers by
/// calculator, to 16 digits):
///
/// | t | n | d | c | S               | V                     | σ        | lower     | upper     |
/// |---|---|---|---|-----------------|-----------------------|----------|-----------|-----------|
/// | 1 | 10| 1 | 0 | 9/10 = 0.9      | 1/90                  | 1.000463 | 0.4730093 | 0.9852814 |
/// | 2 | 9 | 2 | 1 | 0.9·7/9 = 0.7   | 1/90+2/63 = 3/70      | 0.580416 | 0.3287166 | 0.8919490 |
/// | 3 | 6 | 0 | 1 | 0.7             | 3/70                  |          | same      | same      |
/// | 4 | 5 | 1 | 0 | 0.7·4/5 = 0.56  | 3/70+1/20 = 13/140    | 0.525552 | 0.1970670 | 0.8130308 |
/// | 5 | 4 | 0 | 1 | 0.56            | 13/140                |          | same      | same      |
/// | 6 | 3 | 1 | 1 | 0.56·2/3 = 28/75| 13/140+1/6 = 109/420  | 0.517044 | 0.0662464 | 0.6993209 |
/// | 8 | 1 | 0 | 1 | 28/75           | 109/420               |          | same      | same      |
///
/// At t = 2 the censored peace is still at risk (n = 9, not 8). Median: S first ≤ 0.5 at 6
/// (0.56 at 4). Its interval: the lower band is ≤ 0.5 already at 1 (0.473); the upper band
/// never falls to 0.5 (0.699 at the end), so the upper limit is not reached.
#[test]
fn kaplan_meier_by_hand() {
    let km = kaplan_meier(&hand()).unwrap();
    let expected: &[Row] = &[
        (1.0, 10, 1, 0, 0.9, 0.4730093, 0.9852814),
        (2.0, 9, 2, 1, 0.7, 0.3287166, 0.8919490),
        (3.0, 6, 0, 1, 0.7, 0.3287166, 0.8919490),
        (4.0, 5, 1, 0, 0.56, 0.1970670, 0.8130308),
        (5.0, 4, 0, 1, 0.56, 0.1970670, 0.8130308),
        (6.0, 3, 1, 1, 28.0 / 75.0, 0.0662464, 0.6993209),
        (8.0, 1, 0, 1, 28.0 / 75.0, 0.0662464, 0.6993209),
    ];
    assert_table(&km, expected, 5e-8);
    assert_eq!(km.median, median(6.0, 1.0, f64::INFINITY));
    assert_eq!((km.observations, km.events), (10, 5));
}

/// Events come before censorings at the same time: had the censoring at 2 been removed first,
/// n would be 8 and S(2) = 0.9·6/8 = 0.675 instead of 0.7.
#[test]
fn censorings_at_an_event_time_are_still_at_risk() {
    let km = kaplan_meier(&hand()).unwrap();
    assert_eq!(km.steps[1].at_risk, 9);
    assert!(close(km.steps[1].survival, 0.7, 1e-15));
}

/// Fixture `two_a`: S = 3/4 at 1, 3/4·2/3 = 1/2 at 3 (n = 3, one event, one censoring), 0 at 5
/// (the one left has the event). S = 0.5 exactly at 3, so the median is 3 (the first time S ≤
/// 0.5, as lifelines; R's print.survfit would say 4, the midpoint of 3 and the next event time 5).
/// At 5, S = 0 and the band is [0, 0]; the upper band first falls to 0.5 there, so the
/// median's interval ends at 5. Before that: V(1) = 1/12, V(3) = 1/12+1/6 = 1/4.
#[test]
fn median_at_exactly_one_half_and_a_curve_that_reaches_zero() {
    let km = kaplan_meier(&two_a()).unwrap();
    let s: Vec<f64> = km.steps.iter().map(|s| s.survival).collect();
    assert!(close(s[0], 0.75, 1e-15) && close(s[1], 0.5, 1e-15) && s[2] == 0.0);
    assert_eq!((km.steps[2].lower, km.steps[2].upper), (0.0, 0.0));
    assert_eq!(km.median, median(3.0, 1.0, 5.0));
}

/// No events: S stays 1 with the band [1, 1] and no median.
#[test]
fn all_censored() {
    let km = kaplan_meier(&obs(&[(4.0, C), (2.0, C), (4.0, C)])).unwrap();
    assert_eq!(km.steps.len(), 2);
    assert!(
        km.steps
            .iter()
            .all(|s| (s.survival, s.lower, s.upper) == (1.0, 1.0, 1.0))
    );
    assert_eq!(km.steps[1].censored, 2);
    assert_eq!(
        km.median,
        median(f64::INFINITY, f64::INFINITY, f64::INFINITY)
    );
    assert_eq!(km.events, 0);
}

/// Fixtures `two_a` against `two_b`. Pooled event times and the risk sets (a, b):
///
/// | t | n_a | n_b | n | d (a, b) | E_a = d·n_a/n | V = d (n_a/n)(n_b/n)(n-d)/(n-1) |
/// |---|-----|-----|---|----------|---------------|---------------------------------|
/// | 1 | 4   | 5   | 9 | 1 (1, 0) | 4/9           | (4/9)(5/9) = 20/81              |
/// | 2 | 3   | 5   | 8 | 1 (0, 1) | 3/8           | (3/8)(5/8) = 15/64              |
/// | 3 | 3   | 4   | 7 | 2 (1, 1) | 6/7           | 2 (3/7)(4/7)(5/6) = 20/49       |
/// | 5 | 1   | 2   | 3 | 1 (1, 0) | 1/3           | (1/3)(2/3) = 2/9                |
/// | 6 | 0   | 2   | 2 | 1 (0, 1) | 0             | 0                               |
///
/// O_a = 3, E_a = 1013/504 ≈ 2.009921, V = 282383/254016 ≈ 1.111674;
/// χ² = (O_a - E_a)²/V = (499/504)²/V = 249001/282383 ≈ 0.8817847, 1 degree of freedom.
/// For one degree of freedom p = 2(1 - Φ(√χ²)) = 2(1 - Φ(0.939034)) ≈ 0.34771.
#[test]
fn log_rank_two_groups_by_hand() {
    let test = log_rank(&[two_a(), two_b()]).unwrap();
    assert_eq!(test.degrees_of_freedom, 1);
    assert_eq!((test.groups[0].observed, test.groups[1].observed), (3, 3));
    assert!(close(test.groups[0].expected, 1013.0 / 504.0, 1e-12));
    assert!(close(test.groups[1].expected, 6.0 - 1013.0 / 504.0, 1e-12));
    assert!(close(test.statistic, 249001.0 / 282383.0, 1e-12));
    assert!(close(test.p_value, 0.34771, 5e-6));
    // The order of the groups does not matter.
    let swapped = log_rank(&[two_b(), two_a()]).unwrap();
    assert!(close(swapped.statistic, test.statistic, 1e-12));
}

/// Fixture `three` (O, E and V in exact fractions, the 2×2 inverse by Cramer's rule):
/// O = (4, 4, 2), E = (1636/765, 530/153, 3364/765) ≈ (2.138562, 3.464052, 4.397386), and over
/// the first two groups V = [[557136737/360498600, -1235891/1802493], [.., 106827461/51499800]];
/// χ² = 7644176940451744/2323695808820283 ≈ 3.2896634, 2 degrees of freedom.
#[test]
fn log_rank_three_groups_by_hand() {
    let test = log_rank(&three()).unwrap();
    assert_eq!(test.degrees_of_freedom, 2);
    let observed: Vec<usize> = test.groups.iter().map(|g| g.observed).collect();
    assert_eq!(observed, [4, 4, 2]);
    for (group, want) in test
        .groups
        .iter()
        .zip([1636.0 / 765.0, 530.0 / 153.0, 3364.0 / 765.0])
    {
        assert!(close(group.expected, want, 1e-12));
    }
    assert!(close(
        test.statistic,
        7644176940451744.0 / 2323695808820283.0,
        1e-12
    ));
    // With two degrees of freedom the chi-squared tail is exp(-x/2).
    assert!(close(test.p_value, (-test.statistic / 2.0).exp(), 1e-12));
}

/// Identical groups: O = E in each, so χ² = 0 and p = 1.
#[test]
fn log_rank_identical_groups() {
    let test = log_rank(&[hand(), hand()]).unwrap();
    assert!(close(test.statistic, 0.0, 1e-12));
    assert!(close(test.p_value, 1.0, 1e-12));
}

// --- (b) Against lifelines --------------------------------------------------------------------
//
// Recorded once from lifelines 0.30.3, statsmodels 0.15.0, numpy 2.4.6 by
//
//     pip install lifelines==0.30.3 statsmodels==0.15.0
//     python3 tests/reference/lifelines_reference.py
//
// (the script writes the fixtures above out again). Compared to 1e-9: the two computations
// differ only in rounding (lifelines sums logs where we multiply), by less than 1e-14 here.

const LIFELINES: f64 = 1e-9;

/// lifelines: `kaplan_meier hand`.
#[rustfmt::skip]
const LIFELINES_HAND: &[Row] = &[
    (1.0, 10, 1, 0, 0.9, 0.47300927136205023, 0.9852813933673431),
    (2.0, 9, 2, 1, 0.6999999999999998, 0.3287165932797347, 0.8919490412248441),
    (3.0, 6, 0, 1, 0.6999999999999998, 0.3287165932797347, 0.8919490412248441),
    (4.0, 5, 1, 0, 0.5599999999999998, 0.19706696112426556, 0.8130308302565812),
    (5.0, 4, 0, 1, 0.5599999999999998, 0.19706696112426556, 0.8130308302565812),
    (6.0, 3, 1, 1, 0.3733333333333332, 0.06624638421790288, 0.6993209424247819),
    (8.0, 1, 0, 1, 0.3733333333333332, 0.06624638421790288, 0.6993209424247819),
];

/// lifelines: `kaplan_meier two/a`.
#[rustfmt::skip]
const LIFELINES_TWO_A: &[Row] = &[
    (1.0, 4, 1, 0, 0.7500000000000001, 0.12794691759514565, 0.9605486422850785),
    (3.0, 3, 1, 1, 0.5, 0.05784708299514455, 0.844861281190374),
    (5.0, 1, 1, 0, 0.0, 0.0, 0.0),
];

/// lifelines: `kaplan_meier two/b`.
#[rustfmt::skip]
const LIFELINES_TWO_B: &[Row] = &[
    (2.0, 5, 1, 0, 0.8, 0.20380926326763904, 0.9691797888667427),
    (3.0, 4, 1, 0, 0.6000000000000001, 0.1257301829944313, 0.8817564073935323),
    (4.0, 3, 0, 1, 0.6000000000000001, 0.1257301829944313, 0.8817564073935323),
    (6.0, 2, 1, 0, 0.30000000000000004, 0.012301529425416074, 0.7192180208104151),
    (7.0, 1, 0, 1, 0.30000000000000004, 0.012301529425416074, 0.7192180208104151),
];

/// lifelines: `kaplan_meier realistic/with`.
#[rustfmt::skip]
const LIFELINES_WITH: &[Row] = &[
    (2.0, 18, 1, 0, 0.9444444444444446, 0.666390168335329, 0.991982923674006),
    (5.0, 17, 2, 1, 0.8333333333333335, 0.5676855186806898, 0.9429797415789366),
    (9.0, 14, 1, 0, 0.7738095238095241, 0.5032715512444363, 0.9086756473742289),
    (12.5, 13, 0, 1, 0.7738095238095241, 0.5032715512444363, 0.9086756473742289),
    (14.0, 12, 1, 0, 0.7093253968253972, 0.43423009048191596, 0.868143544802096),
    (18.0, 11, 0, 1, 0.7093253968253972, 0.43423009048191596, 0.868143544802096),
    (21.0, 10, 1, 0, 0.6383928571428574, 0.36080082011230596, 0.82071134816567),
    (25.0, 9, 0, 2, 0.6383928571428574, 0.36080082011230596, 0.82071134816567),
    (30.0, 7, 1, 0, 0.5471938775510207, 0.26477383602763577, 0.7606535155895113),
    (33.0, 6, 0, 1, 0.5471938775510207, 0.26477383602763577, 0.7606535155895113),
    (40.0, 5, 0, 1, 0.5471938775510207, 0.26477383602763577, 0.7606535155895113),
    (47.0, 4, 0, 1, 0.5471938775510207, 0.26477383602763577, 0.7606535155895113),
    (52.0, 3, 0, 1, 0.5471938775510207, 0.26477383602763577, 0.7606535155895113),
    (60.0, 2, 0, 1, 0.5471938775510207, 0.26477383602763577, 0.7606535155895113),
    (71.0, 1, 0, 1, 0.5471938775510207, 0.26477383602763577, 0.7606535155895113),
];

/// lifelines: `kaplan_meier realistic/without`.
#[rustfmt::skip]
const LIFELINES_WITHOUT: &[Row] = &[
    (1.0, 22, 2, 0, 0.9090909090909087, 0.6829785381023248, 0.9764572092578268),
    (2.0, 20, 1, 0, 0.8636363636363633, 0.6344383153781854, 0.9538633496551592),
    (3.0, 19, 2, 1, 0.7727272727272726, 0.537434030295323, 0.8984760724232392),
    (4.0, 16, 1, 0, 0.7244318181818181, 0.4862068844088477, 0.8657923453051067),
    (6.25, 15, 1, 0, 0.6761363636363634, 0.4374863497408906, 0.8308814008498143),
    (7.0, 14, 0, 1, 0.6761363636363634, 0.4374863497408906, 0.8308814008498143),
    (8.0, 13, 2, 0, 0.5721153846153846, 0.33631256392561343, 0.7511464174024858),
    (10.0, 11, 0, 1, 0.5721153846153846, 0.33631256392561343, 0.7511464174024858),
    (11.0, 10, 1, 0, 0.5149038461538461, 0.28297506685896584, 0.7053813894369231),
    (13.0, 9, 1, 0, 0.45769230769230745, 0.2336250288711186, 0.656984820971349),
    (15.0, 8, 0, 1, 0.45769230769230745, 0.2336250288711186, 0.656984820971349),
    (17.0, 7, 1, 0, 0.39230769230769214, 0.17837572336921947, 0.6017576308062995),
    (20.0, 6, 1, 0, 0.32692307692307676, 0.12952559936858316, 0.5424936411555316),
    (22.0, 5, 0, 1, 0.32692307692307676, 0.12952559936858316, 0.5424936411555316),
    (26.0, 4, 1, 0, 0.2451923076923076, 0.07210862818306622, 0.4716770213390537),
    (35.0, 3, 0, 1, 0.2451923076923076, 0.07210862818306622, 0.4716770213390537),
    (44.0, 2, 0, 1, 0.2451923076923076, 0.07210862818306622, 0.4716770213390537),
    (58.0, 1, 0, 1, 0.2451923076923076, 0.07210862818306622, 0.4716770213390537),
];

/// lifelines: `kaplan_meier realistic/pooled`.
#[rustfmt::skip]
const LIFELINES_POOLED: &[Row] = &[
    (1.0, 40, 2, 0, 0.95, 0.8145461201445269, 0.9872555238603086),
    (2.0, 38, 2, 0, 0.9, 0.7551410544979972, 0.9612451916402065),
    (3.0, 36, 2, 1, 0.8500000000000002, 0.6962362165791645, 0.9296481662866037),
    (4.0, 33, 1, 0, 0.8242424242424244, 0.6662769458723282, 0.9120946721709129),
    (5.0, 32, 2, 1, 0.7727272727272729, 0.6085058946040592, 0.8747458473837817),
    (6.25, 29, 1, 0, 0.7460815047021944, 0.5791231297941468, 0.8546372924675937),
    (7.0, 28, 0, 1, 0.7460815047021944, 0.5791231297941468, 0.8546372924675937),
    (8.0, 27, 2, 0, 0.6908162080575873, 0.5193894312343623, 0.8115239039538618),
    (9.0, 25, 1, 0, 0.663183559735284, 0.49058552558803376, 0.7891060222300176),
    (10.0, 24, 0, 1, 0.663183559735284, 0.49058552558803376, 0.7891060222300176),
    (11.0, 23, 1, 0, 0.6343494919207066, 0.4606826082368657, 0.7654468643216663),
    (12.5, 22, 0, 1, 0.6343494919207066, 0.4606826082368657, 0.7654468643216663),
    (13.0, 21, 1, 0, 0.6041423732578157, 0.4295636694951931, 0.7404103364122663),
    (14.0, 20, 1, 0, 0.5739352545949249, 0.39930135855174387, 0.7147562749811909),
    (15.0, 19, 0, 1, 0.5739352545949249, 0.39930135855174387, 0.7147562749811909),
    (17.0, 18, 1, 0, 0.5420499626729848, 0.367557234502756, 0.6874942027293148),
    (18.0, 17, 0, 1, 0.5420499626729848, 0.367557234502756, 0.6874942027293148),
    (20.0, 16, 1, 0, 0.5081718400059232, 0.3341072095411419, 0.6583675046540918),
    (21.0, 15, 1, 0, 0.4742937173388616, 0.30186012073808427, 0.6284308129804935),
    (22.0, 14, 0, 1, 0.4742937173388616, 0.30186012073808427, 0.6284308129804935),
    (25.0, 13, 0, 2, 0.4742937173388616, 0.30186012073808427, 0.6284308129804935),
    (26.0, 11, 1, 0, 0.43117610667169237, 0.2585064864264662, 0.5926739127090977),
    (30.0, 10, 1, 0, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (33.0, 9, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (35.0, 8, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (40.0, 7, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (44.0, 6, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (47.0, 5, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (52.0, 4, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (58.0, 3, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (60.0, 2, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
    (71.0, 1, 0, 1, 0.38805849600452313, 0.21815061480164863, 0.5551528963962771),
];

/// statsmodels: `proportion_confint(count, total, alpha=0.05, method='wilson')`.
#[rustfmt::skip]
const STATSMODELS_WILSON: &[(usize, usize, f64, f64)] = &[
    (81, 263, 0.2552885198782742, 0.36620957698280004),
    (15, 148, 0.06238639953073628, 0.16048724172330803),
    (0, 20, 0.0, 0.1611251580528194),
    (1, 29, 0.006113214292762667, 0.17175521879320294),
    (6, 12, 0.253781597633706, 0.746218402366294),
    (29, 29, 0.8830302015002592, 1.0),
];

#[test]
fn kaplan_meier_matches_lifelines() {
    let (with, without) = realistic();
    let pooled: Vec<Observation> = with.iter().chain(&without).copied().collect();
    for (observations, table, expected_median) in [
        (hand(), LIFELINES_HAND, median(6.0, 1.0, f64::INFINITY)),
        (two_a(), LIFELINES_TWO_A, median(3.0, 1.0, 5.0)),
        (two_b(), LIFELINES_TWO_B, median(6.0, 2.0, f64::INFINITY)),
        (
            with,
            LIFELINES_WITH,
            median(f64::INFINITY, 14.0, f64::INFINITY),
        ),
        (without, LIFELINES_WITHOUT, median(13.0, 4.0, 26.0)),
        (pooled, LIFELINES_POOLED, median(21.0, 9.0, f64::INFINITY)),
    ] {
        let km = kaplan_meier(&observations).unwrap();
        assert_table(&km, table, LIFELINES);
        assert_eq!(km.median, expected_median);
    }
}

/// lifelines: `log_rank two`, `log_rank three`, `log_rank realistic`
/// (`multivariate_logrank_test`).
#[test]
fn log_rank_matches_lifelines() {
    let (with, without) = realistic();
    for (test, statistic, df, p) in [
        (
            log_rank(&[two_a(), two_b()]),
            0.8817846683405163,
            1,
            0.3477133387002366,
        ),
        (log_rank(&three()), 3.289663350700199, 2, 0.1930450543003044),
        (
            log_rank(&[with, without]),
            3.896006849030616,
            1,
            0.04840101934293828,
        ),
    ] {
        let test = test.unwrap();
        assert!(close(test.statistic, statistic, LIFELINES), "{test:?}");
        assert_eq!(test.degrees_of_freedom, df);
        assert!(close(test.p_value, p, LIFELINES), "{test:?}");
    }
}

// --- (c) Wilson intervals ---------------------------------------------------------------------

/// Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of
/// seven methods", Statistics in Medicine 17, 857-872: the paper's examples with method 3 (the
/// score interval without continuity correction), to the four decimals printed there. The last
/// three are also the published values the R package ratesci tests against
/// (tests/testthat/test3.R, "Single proportion, Newcombe examples").
#[test]
fn wilson_matches_newcombe_1998() {
    for (count, total, lower, upper) in [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ] {
        let r = base_rate(count, total).unwrap();
        assert!(close(r.lower, lower, 5e-5), "{count}/{total}: {r:?}");
        assert!(close(r.upper, upper, 5e-5), "{count}/{total}: {r:?}");
    }
}

/// The same and two more (a half, and all), against statsmodels to 1e-12.
#[test]
fn wilson_matches_statsmodels() {
    for &(count, total, lower, upper) in STATSMODELS_WILSON {
        let r = base_rate(count, total).unwrap();
        assert!(close(r.lower, lower, 1e-12), "{count}/{total}: {r:?}");
        assert!(close(r.upper, upper, 1e-12), "{count}/{total}: {r:?}");
        assert_eq!(r.share, count as f64 / total as f64);
    }
}

/// 6 of 12 by hand: z² = 3.841459, centre (0.5 + z²/24)/(1 + z²/12) = 0.5,
/// half-width z/(1 + z²/12) · √(0.25/12 + z²/576) = 1.484679 · 0.165832 = 0.246218.
#[test]
fn wilson_by_hand() {
    let r = base_rate(6, 12).unwrap();
    assert!(close(r.lower, 0.5 - 0.246218, 1e-6) && close(r.upper, 0.5 + 0.246218, 1e-6));
    let none = base_rate(0, 5).unwrap();
    let all = base_rate(5, 5).unwrap();
    assert_eq!((none.lower, all.upper), (0.0, 1.0));
    assert!(close(none.upper, 1.0 - all.lower, 1e-15));
}

/// The horizon rule at its edges (horizon 10): an event at 10 is within; a censoring at 10 saw
/// the whole window; a censoring at 9.9 did not and is left out; an event at 10.1 is not within.
#[test]
fn within_horizon_rule() {
    let observations = obs(&[
        (10.0, E),
        (10.0, C),
        (9.9, C),
        (10.1, E),
        (0.0, E),
        (50.0, C),
    ]);
    let h = within_horizon(&observations, 10.0).unwrap();
    assert_eq!((h.rate.count, h.rate.total, h.excluded), (2, 5, 1));
    assert_eq!(h.rate, base_rate(2, 5).unwrap());
    // Without censoring before the horizon it is 1 - S(horizon) of Kaplan-Meier.
    let uncensored = obs(&[(1.0, E), (3.0, E), (12.0, E), (20.0, C), (30.0, C)]);
    let h = within_horizon(&uncensored, 10.0).unwrap();
    let km = kaplan_meier(&uncensored).unwrap();
    let s10 = km.steps.iter().rfind(|s| s.time <= 10.0).unwrap().survival;
    assert!(close(h.rate.share, 1.0 - s10, 1e-15));
}

// --- (d) Analogues ----------------------------------------------------------------------------

fn features(pairs: &[(&str, &str)]) -> Vec<Feature> {
    pairs.iter().map(|&(n, v)| Feature::new(n, v)).collect()
}

fn candidate(key: &str, pairs: &[(&str, &str)], outcome: Option<&str>) -> Candidate {
    Candidate {
        key: key.into(),
        features: features(pairs),
        outcome: outcome.map(str::to_owned),
    }
}

/// A made-up proposal and five made-up past guarantees, ranked with the default weights
/// (mechanism 3, great_power_guarantor 2, guarantor_count 1, reciprocal 1, era 1, region 1).
/// The target has mechanism=neutrality (3), great_power_guarantor=true (2),
/// guarantor_count=3-4 (1), reciprocal=false (1), era=21st (1), region=Europe (1): weight 9.
///
/// - `e`: the same six features: 9/9 = 1.
/// - `b`: shares neutrality, great power, 3-4, Europe (3+2+1+1 = 7); its own reciprocal=true
///   and era=19th join the union: 7/(9+2) = 7/11 ≈ 0.636.
/// - `a` and `d`: each shares neutrality, great power, reciprocal=false (6) and adds
///   era=20th, region=Asia (a) or region=Africa, era=20th (d): 6/(9+2) = 6/11; tied, so by key.
/// - `c`: shares only region=Europe (1); adds mechanism=collective_defence (3),
///   great_power_guarantor=false (2): 1/(9+5) = 1/14.
/// - `f`: shares nothing, left out.
#[test]
fn analogues_ranked_by_weighted_jaccard() {
    let target = features(&[
        ("mechanism", "neutrality"),
        ("great_power_guarantor", "true"),
        ("guarantor_count", count_bucket(3)),
        ("reciprocal", "false"),
        ("era", "21st"),
        ("region", "Europe"),
    ]);
    let candidates = [
        candidate(
            "d",
            &[
                ("mechanism", "neutrality"),
                ("great_power_guarantor", "true"),
                ("reciprocal", "false"),
                ("era", "20th"),
                ("region", "Africa"),
            ],
            Some("honoured"),
        ),
        candidate(
            "a",
            &[
                ("mechanism", "neutrality"),
                ("great_power_guarantor", "true"),
                ("reciprocal", "false"),
                ("era", "20th"),
                ("region", "Asia"),
            ],
            Some("violated"),
        ),
        candidate(
            "b",
            &[
                ("mechanism", "neutrality"),
                ("great_power_guarantor", "true"),
                ("guarantor_count", count_bucket(4)),
                ("reciprocal", "true"),
                ("era", "19th"),
                ("region", "Europe"),
            ],
            Some("violated"),
        ),
        candidate(
            "c",
            &[
                ("mechanism", "collective_defence"),
                ("great_power_guarantor", "false"),
                ("region", "Europe"),
            ],
            None,
        ),
        candidate(
            "e",
            &[
                ("region", "Europe"),
                ("era", "21st"),
                ("reciprocal", "false"),
                ("guarantor_count", "3-4"),
                ("great_power_guarantor", "true"),
                ("mechanism", "neutrality"),
                ("mechanism", "neutrality"), // a duplicate counts once
            ],
            Some("violated"),
        ),
        candidate("f", &[("mechanism", "sanctions")], Some("lapsed")),
    ];
    let ranked = rank(&target, &candidates, &default_weights()).unwrap();
    let order: Vec<(&str, f64)> = ranked
        .iter()
        .map(|a| (a.key.as_str(), a.similarity))
        .collect();
    let expected = [
        ("e", 1.0),
        ("b", 7.0 / 11.0),
        ("a", 6.0 / 11.0),
        ("d", 6.0 / 11.0),
        ("c", 1.0 / 14.0),
    ];
    assert_eq!(order.len(), expected.len());
    for ((key, s), (want_key, want)) in order.iter().zip(expected) {
        assert_eq!(*key, want_key);
        assert!(close(*s, want, 1e-15), "{key}: {s}");
    }
    assert_eq!(
        ranked[1].shared,
        features(&[
            ("great_power_guarantor", "true"),
            ("guarantor_count", "3-4"),
            ("mechanism", "neutrality"),
            ("region", "Europe"),
        ])
    );
    assert_eq!(ranked[4].shared, features(&[("region", "Europe")]));

    // Top 4: violated e, b, a; honoured d. 3 of 4 and 1 of 4.
    let summary = summarize(&ranked, 4).unwrap();
    let shares: Vec<(Option<&str>, usize, usize)> = summary
        .iter()
        .map(|s| (s.outcome.as_deref(), s.rate.count, s.rate.total))
        .collect();
    assert_eq!(shares, [(Some("violated"), 3, 4), (Some("honoured"), 1, 4)]);
    assert_eq!(summary[0].rate, base_rate(3, 4).unwrap());
    // All five: the unrecorded outcome of c is counted, and sorts after an equal count.
    let summary = summarize(&ranked, 10).unwrap();
    let outcomes: Vec<Option<&str>> = summary.iter().map(|s| s.outcome.as_deref()).collect();
    assert_eq!(outcomes, [Some("violated"), Some("honoured"), None]);

    // Weights are the caller's: with the mechanism ignored, c (region only) still ranks last,
    // and a and d, still tied, stay in key order.
    let mut weights = default_weights();
    weights.insert("mechanism".into(), 0.0);
    let ranked = rank(&target, &candidates, &weights).unwrap();
    let keys: Vec<&str> = ranked.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["e", "b", "a", "d", "c"]);
    assert!(close(ranked[1].similarity, 4.0 / 8.0, 1e-15));
}

// --- Errors and edges -------------------------------------------------------------------------

#[test]
fn bad_input_is_an_error() {
    assert_eq!(kaplan_meier(&[]), Err(Error::Empty));
    for time in [f64::NAN, -1.0, f64::INFINITY] {
        let err = kaplan_meier(&obs(&[(1.0, E), (time, C)])).unwrap_err();
        assert!(matches!(err, Error::BadTime { index: 1, .. }), "{err}");
        let err = within_horizon(&obs(&[(time, E)]), 5.0).unwrap_err();
        assert!(matches!(err, Error::BadTime { index: 0, .. }), "{err}");
        assert!(matches!(
            log_rank(&[hand(), obs(&[(time, E)])]),
            Err(Error::BadTimeInGroup {
                group: 1,
                index: 0,
                ..
            })
        ));
        assert!(matches!(
            within_horizon(&hand(), time),
            Err(Error::BadHorizon(_))
        ));
    }
    assert_eq!(
        kaplan_meier(&obs(&[(f64::NAN, E)]))
            .unwrap_err()
            .to_string(),
        "observation 0: the time NaN is not a number of years >= 0"
    );
    assert_eq!(base_rate(1, 0), Err(Error::Empty));
    assert_eq!(
        base_rate(5, 3),
        Err(Error::CountExceedsTotal { count: 5, total: 3 })
    );
    assert_eq!(within_horizon(&[], 5.0), Err(Error::Empty));
    assert_eq!(
        within_horizon(&obs(&[(1.0, C), (2.0, C)]), 5.0),
        Err(Error::NothingWithinHorizon {
            horizon: 5.0,
            excluded: 2
        })
    );
    assert_eq!(log_rank(&[hand()]), Err(Error::TooFewGroups(1)));
    assert_eq!(log_rank(&[hand(), vec![]]), Err(Error::EmptyGroup(1)));
    assert!(matches!(
        log_rank(&[obs(&[(1.0, C)]), obs(&[(2.0, C)])]),
        Err(Error::LogRankUndefined(_))
    ));
    // Group 0 is censored before the only event: nobody in it is ever at risk at an event.
    assert!(matches!(
        log_rank(&[obs(&[(1.0, C)]), obs(&[(2.0, E), (3.0, C)])]),
        Err(Error::LogRankUndefined(_))
    ));
    let mut weights = default_weights();
    weights.insert("era".into(), f64::NAN);
    assert!(matches!(
        rank(&[], &[], &weights),
        Err(Error::BadWeight { .. })
    ));
    weights.insert("era".into(), -1.0);
    assert!(matches!(
        rank(&[], &[], &weights),
        Err(Error::BadWeight { .. })
    ));
    assert_eq!(summarize(&[], 3), Err(Error::Empty));
    let one = rank(
        &features(&[("era", "20th")]),
        &[candidate("x", &[("era", "20th")], None)],
        &BTreeMap::new(),
    )
    .unwrap();
    assert_eq!(summarize(&one, 0), Err(Error::Empty));
}

/// An event at time 0 and -0.0 are ordinary times (0 years of peace); -0.0 is shown as 0.
#[test]
fn time_zero() {
    let km = kaplan_meier(&obs(&[(-0.0, E), (0.0, C), (1.0, E)])).unwrap();
    assert_eq!(km.steps.len(), 2);
    assert!(km.steps[0].time.is_sign_positive());
    assert_eq!((km.steps[0].events, km.steps[0].censored), (1, 1));
    assert!(close(km.steps[0].survival, 2.0 / 3.0, 1e-15));
}

proptest! {
    /// Any input: no panic; when it fits, a table whose counts add up, a survival that never
    /// rises, and a band around it.
    #[test]
    fn kaplan_meier_is_well_formed(
        pairs in prop::collection::vec(
            (prop_oneof![0.0..100.0f64, Just(f64::NAN), Just(-1.0), (0u8..5).prop_map(f64::from)],
             any::<bool>()),
            0..60,
        )
    ) {
        let observations = obs(&pairs);
        let Ok(km) = kaplan_meier(&observations) else {
            prop_assert!(observations.is_empty()
                || observations.iter().any(|o| !(o.time >= 0.0 && o.time.is_finite())));
            return Ok(());
        };
        let total: usize = km.steps.iter().map(|s| s.events + s.censored).sum();
        prop_assert_eq!(total, observations.len());
        let mut previous = 1.0;
        for (i, s) in km.steps.iter().enumerate() {
            prop_assert!(s.survival <= previous && s.survival >= 0.0);
            prop_assert!(s.lower <= s.survival + 1e-12 && s.survival <= s.upper + 1e-12);
            prop_assert!(s.lower >= 0.0 && s.upper <= 1.0);
            if let Some(next) = km.steps.get(i + 1) {
                prop_assert_eq!(next.at_risk, s.at_risk - s.events - s.censored);
            }
            previous = s.survival;
        }
        let groups = [observations.clone(), observations.iter().rev().copied().collect()];
        if let Ok(test) = log_rank(&groups) {
            prop_assert!(test.statistic >= 0.0 && (0.0..=1.0).contains(&test.p_value));
        }
        let _ = within_horizon(&observations, 10.0);
    }
}
