//! Sensitivity of the shortlist to the weights: a pure, seeded Monte Carlo.
//!
//! In each sample every weight is multiplied by a factor drawn uniformly in [0.8, 1.2], the
//! weights are renormalised to 100, the totals recomputed from the committee's values, and the
//! shortlist rule applied again (same tie-breakers as the ranking; excluded proposals stay out).
//! A proposal is **robust** when its status (shortlisted or not) is the same as with the
//! published weights in at least 95% of the samples, **fragile** otherwise.
//!
//! The generator is SplitMix64, written here, so a seed gives the same result on every platform
//! and every version of the dependencies.

use super::aggregate::{CriterionSpec, ProposalResult, ShortlistRule, shortlist};
use crate::db::ids::ProposalId;

pub const DEFAULT_SAMPLES: usize = 10_000;
pub const LOW: f64 = 0.8;
pub const HIGH: f64 = 1.2;
/// The share of samples a status must hold in to be robust.
pub const ROBUST: f64 = 0.95;

/// SplitMix64 (Steele, Lea and Flood, 2014).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1), 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub proposal: ProposalId,
    /// Retained with the published weights.
    pub shortlisted: bool,
    /// The share of samples in which it is retained.
    pub share_shortlisted: f64,
    /// The share of samples in which its status is the published one.
    pub stability: f64,
    pub robust: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub samples: usize,
    pub seed: u64,
    /// In the ranking's order.
    pub rows: Vec<Row>,
}

/// Runs `samples` perturbations of the weights with `seed`.
pub fn analyse(
    criteria: &[CriterionSpec],
    results: &[ProposalResult],
    rule: ShortlistRule,
    samples: usize,
    seed: u64,
) -> Sensitivity {
    let baseline: Vec<ProposalId> = shortlist(results, rule);
    let eligible: Vec<usize> = (0..results.len()).filter(|i| results[*i].excluded.is_none()).collect();
    let n_criteria = criteria.len();
    // Values row by row (eligible proposals only), 0 where nothing was scored.
    let values: Vec<f64> = eligible
        .iter()
        .flat_map(|i| results[*i].criteria.iter().map(|c| c.value.map_or(0.0, |v| v.as_f64())))
        .collect();
    let mut counts = vec![0u32; eligible.len()];
    let mut rng = SplitMix64::new(seed);
    let mut weights = vec![0.0f64; n_criteria];
    let mut totals = vec![0.0f64; eligible.len()];
    let mut environmental = vec![0.0f64; eligible.len()];
    let mut order: Vec<usize> = (0..eligible.len()).collect();
    for _ in 0..samples {
        let mut sum = 0.0;
        for (w, c) in weights.iter_mut().zip(criteria) {
            *w = f64::from(c.weight) * (LOW + (HIGH - LOW) * rng.next_f64());
            sum += *w;
        }
        let scale = if sum > 0.0 { 100.0 / sum / 5.0 } else { 0.0 };
        for (k, row) in values.chunks(n_criteria.max(1)).enumerate() {
            let (mut t, mut e) = (0.0, 0.0);
            for ((v, w), c) in row.iter().zip(&weights).zip(criteria) {
                let x = v * w;
                t += x;
                if c.environmental {
                    e += x;
                }
            }
            totals[k] = t * scale;
            environmental[k] = e * scale;
        }
        match rule {
            ShortlistRule::AtLeast(min) => {
                for (k, t) in totals.iter().enumerate() {
                    if *t + 1e-9 >= f64::from(min) {
                        counts[k] += 1;
                    }
                }
            }
            ShortlistRule::Top(n) => {
                let n = (n as usize).min(order.len());
                if n == 0 {
                    continue;
                }
                let better = |a: &usize, b: &usize| {
                    totals[*b]
                        .total_cmp(&totals[*a])
                        .then(environmental[*b].total_cmp(&environmental[*a]))
                        .then(results[eligible[*a]].deposited_at.cmp(&results[eligible[*b]].deposited_at))
                        .then(results[eligible[*a]].proposal.cmp(&results[eligible[*b]].proposal))
                };
                if n < order.len() {
                    order.select_nth_unstable_by(n - 1, better);
                }
                for k in &order[..n] {
                    counts[*k] += 1;
                }
            }
        }
    }
    let rows = results
        .iter()
        .map(|r| {
            let shortlisted = baseline.contains(&r.proposal);
            let share = match eligible.iter().position(|i| results[*i].proposal == r.proposal) {
                Some(k) if samples > 0 => f64::from(counts[k]) / samples as f64,
                _ => 0.0,
            };
            let stability = if shortlisted { share } else { 1.0 - share };
            Row { proposal: r.proposal, shortlisted, share_shortlisted: share, stability, robust: stability >= ROBUST }
        })
        .collect();
    Sensitivity { samples, seed, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::ids::CriterionId;
    use crate::domain::evaluation::aggregate::{CriterionInput, Method, ProposalInput, aggregate};

    fn case(scores: &[[u8; 2]]) -> (Vec<CriterionSpec>, Vec<ProposalResult>) {
        let criteria = vec![
            CriterionSpec { id: CriterionId(1), weight: 50, environmental: true, minimum: None },
            CriterionSpec { id: CriterionId(2), weight: 50, environmental: false, minimum: None },
        ];
        let t0 = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let proposals: Vec<ProposalInput> = scores
            .iter()
            .enumerate()
            .map(|(i, s)| ProposalInput {
                proposal: ProposalId(i as i64 + 1),
                deposited_at: t0 + chrono::Duration::minutes(i as i64),
                criteria: vec![
                    CriterionInput { criterion: CriterionId(1), scores: vec![s[0]], consensus: None },
                    CriterionInput { criterion: CriterionId(2), scores: vec![s[1]], consensus: None },
                ],
            })
            .collect();
        let results = aggregate(&criteria, &proposals, Method::Mean);
        (criteria, results)
    }

    #[test]
    fn the_generator_is_reproducible_and_uniform_enough() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        let xs: Vec<f64> = (0..10_000).map(|_| a.next_f64()).collect();
        assert!(xs.iter().zip((0..10_000).map(|_| b.next_f64())).all(|(x, y)| *x == y));
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        // The reference value of SplitMix64 for seed 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn clear_winners_are_robust_and_near_ties_fragile() {
        // 1 leads far ahead; 2 and 3 are close, one strong on each criterion: the second place
        // depends on the weights.
        let (criteria, results) = case(&[[5, 5], [4, 2], [2, 4], [0, 1]]);
        let s = analyse(&criteria, &results, ShortlistRule::Top(2), DEFAULT_SAMPLES, 7);
        let row = |id: i64| s.rows.iter().find(|r| r.proposal == ProposalId(id)).unwrap().clone();
        assert!(row(1).shortlisted && row(1).robust && row(1).share_shortlisted == 1.0);
        assert!(row(4).robust && !row(4).shortlisted);
        // 2 wins the published tie on the environmental sub-total, but loses whenever the
        // second criterion weighs more: about half the samples.
        assert!(row(2).shortlisted && !row(2).robust, "{:?}", row(2));
        assert!(!row(3).shortlisted && !row(3).robust);
        assert!((row(2).share_shortlisted + row(3).share_shortlisted - 1.0).abs() < 1e-9);
        assert!((0.4..0.6).contains(&row(2).share_shortlisted), "{:?}", row(2));
        // Same seed, same result; the threshold rule too.
        assert_eq!(s, analyse(&criteria, &results, ShortlistRule::Top(2), DEFAULT_SAMPLES, 7));
        let t = analyse(&criteria, &results, ShortlistRule::AtLeast(60), 2_000, 7);
        assert!(t.rows.iter().find(|r| r.proposal == ProposalId(1)).unwrap().robust);
    }
}
