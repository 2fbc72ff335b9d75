//! Aggregation and ranking: pure functions of the submitted scores, no web or database code.
//!
//! Per criterion, the committee's value is the mean of the submitted members' scores (or their
//! median, if the objective says so), unless the chair recorded a consensus score. The total on
//! 0–100 is Σ weight × value / 5 (weights sum to 100). A criterion whose scores spread by 2 or more
//! is flagged to the chair. A proposal below an eliminatory criterion's minimum is excluded. The
//! ranking is by total, then by the environmental sub-total, then by the earlier deposit.
//!
//! Values are exact: each is kept as an integer over a common denominator, so equal totals compare
//! equal and ties are broken by the stated rules, never by rounding noise.

use std::cmp::Ordering;

use chrono::NaiveDateTime;

use crate::db::ids::{CriterionId, ProposalId};

pub const MAX_SCORE: u8 = 5;
/// A spread of this much or more between members on a criterion is a disagreement.
pub const DISAGREEMENT: u8 = 2;

/// How members' scores on a criterion combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    #[default]
    Mean,
    Median,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Mean => "mean",
            Method::Median => "median",
        }
    }
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "mean" => Some(Method::Mean),
            "median" => Some(Method::Median),
            _ => None,
        }
    }
}

/// A criterion of the objective as the maths needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionSpec {
    pub id: CriterionId,
    /// Percent; the weights of an objective sum to 100.
    pub weight: u32,
    /// Counts in the environmental sub-total (the first tie-breaker).
    pub environmental: bool,
    /// Eliminatory: a value below this minimum excludes the proposal.
    pub minimum: Option<u8>,
}

/// What the committee gave one proposal on one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionInput {
    pub criterion: CriterionId,
    /// The submitted members' scores, 0 to 5.
    pub scores: Vec<u8>,
    /// The chair's consensus score, which replaces the members' aggregate.
    pub consensus: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalInput {
    pub proposal: ProposalId,
    /// The deposit's time: the last tie-breaker, earlier first.
    pub deposited_at: NaiveDateTime,
    pub criteria: Vec<CriterionInput>,
}

/// An exact value on 0–5 as `numerator / denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    pub numerator: u32,
    pub denominator: u32,
}

impl Value {
    pub fn as_f64(self) -> f64 {
        if self.denominator == 0 { 0.0 } else { f64::from(self.numerator) / f64::from(self.denominator) }
    }
    /// `self < n`, exactly.
    fn below(self, n: u8) -> bool {
        self.numerator < u32::from(n) * self.denominator
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    pub criterion: CriterionId,
    /// `None` when nobody scored it (and no consensus): counts as 0.
    pub value: Option<Value>,
    pub from_consensus: bool,
    /// max − min of the members' scores ≥ 2.
    pub disagreement: bool,
    pub min: Option<u8>,
    pub max: Option<u8>,
    pub count: usize,
}

/// Why a proposal is out of the ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exclusion {
    pub criterion: CriterionId,
    pub value: f64,
    pub minimum: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProposalResult {
    pub proposal: ProposalId,
    pub deposited_at: NaiveDateTime,
    pub criteria: Vec<CriterionResult>,
    /// 0–100.
    pub total: f64,
    /// The environmental criteria's share of the total.
    pub environmental: f64,
    pub excluded: Option<Exclusion>,
    /// 1-based, for proposals not excluded.
    pub rank: Option<usize>,
    /// Exact total × 5 × the common denominator: what the ranking compares.
    total_key: u128,
    environmental_key: u128,
}

/// The committee's value on one criterion.
pub fn combine(scores: &[u8], method: Method) -> Option<Value> {
    if scores.is_empty() {
        return None;
    }
    match method {
        Method::Mean => {
            Some(Value { numerator: scores.iter().map(|s| u32::from(*s)).sum(), denominator: scores.len() as u32 })
        }
        Method::Median => {
            let mut sorted = scores.to_vec();
            sorted.sort_unstable();
            let n = sorted.len();
            if n % 2 == 1 {
                Some(Value { numerator: u32::from(sorted[n / 2]), denominator: 1 })
            } else {
                Some(Value { numerator: u32::from(sorted[n / 2 - 1]) + u32::from(sorted[n / 2]), denominator: 2 })
            }
        }
    }
}

fn criterion_result(input: Option<&CriterionInput>, id: CriterionId, method: Method) -> CriterionResult {
    let empty = CriterionInput { criterion: id, scores: Vec::new(), consensus: None };
    let input = input.unwrap_or(&empty);
    let min = input.scores.iter().min().copied();
    let max = input.scores.iter().max().copied();
    let disagreement = matches!((min, max), (Some(lo), Some(hi)) if hi - lo >= DISAGREEMENT);
    let (value, from_consensus) = match input.consensus {
        Some(c) => (Some(Value { numerator: u32::from(c), denominator: 1 }), true),
        None => (combine(&input.scores, method), false),
    };
    CriterionResult { criterion: id, value, from_consensus, disagreement, min, max, count: input.scores.len() }
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Aggregates every proposal and ranks those not excluded.
pub fn aggregate(criteria: &[CriterionSpec], proposals: &[ProposalInput], method: Method) -> Vec<ProposalResult> {
    let mut results: Vec<ProposalResult> = proposals
        .iter()
        .map(|p| {
            let criteria_results: Vec<CriterionResult> = criteria
                .iter()
                .map(|c| criterion_result(p.criteria.iter().find(|i| i.criterion == c.id), c.id, method))
                .collect();
            ProposalResult {
                proposal: p.proposal,
                deposited_at: p.deposited_at,
                criteria: criteria_results,
                total: 0.0,
                environmental: 0.0,
                excluded: None,
                rank: None,
                total_key: 0,
                environmental_key: 0,
            }
        })
        .collect();
    // One common denominator for every value: the lcm of their denominators.
    let common = results
        .iter()
        .flat_map(|r| r.criteria.iter().filter_map(|c| c.value.map(|v| u128::from(v.denominator.max(1)))))
        .fold(1u128, |acc, d| acc / gcd(acc, d) * d);
    for r in &mut results {
        let mut total: u128 = 0;
        let mut environmental: u128 = 0;
        for (spec, c) in criteria.iter().zip(&r.criteria) {
            let scaled = c.value.map_or(0, |v| u128::from(v.numerator) * (common / u128::from(v.denominator.max(1))));
            let weighted = u128::from(spec.weight) * scaled;
            total += weighted;
            if spec.environmental {
                environmental += weighted;
            }
            if r.excluded.is_none()
                && let Some(minimum) = spec.minimum
                && c.value.is_none_or(|v| v.below(minimum))
            {
                r.excluded = Some(Exclusion { criterion: spec.id, value: c.value.map_or(0.0, Value::as_f64), minimum });
            }
        }
        let scale = 5.0 * common as f64;
        r.total = total as f64 / scale;
        r.environmental = environmental as f64 / scale;
        r.total_key = total;
        r.environmental_key = environmental;
    }
    results.sort_by(ranking_order);
    let mut rank = 0;
    for r in &mut results {
        if r.excluded.is_none() {
            rank += 1;
            r.rank = Some(rank);
        }
    }
    results
}

/// Ranked ones first in rank order (total, environmental sub-total, earlier deposit, then id for
/// a stable order), the excluded after them in the same order.
fn ranking_order(a: &ProposalResult, b: &ProposalResult) -> Ordering {
    a.excluded
        .is_some()
        .cmp(&b.excluded.is_some())
        .then(b.total_key.cmp(&a.total_key))
        .then(b.environmental_key.cmp(&a.environmental_key))
        .then(a.deposited_at.cmp(&b.deposited_at))
        .then(a.proposal.cmp(&b.proposal))
}

/// Per criterion (in the objective's order), the average of the committee's values over the
/// proposals (an unscored value counts 0): what each proposal's chart is drawn against.
pub fn averages(results: &[ProposalResult], criteria: usize) -> Vec<f64> {
    (0..criteria)
        .map(|i| {
            let values: Vec<f64> =
                results.iter().filter_map(|r| r.criteria.get(i)).map(|c| c.value.map_or(0.0, Value::as_f64)).collect();
            if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
        })
        .collect()
}

/// Which proposals the rule retains: the `n` best, or those whose total reaches `n`/100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortlistRule {
    Top(u32),
    AtLeast(u32),
}

impl ShortlistRule {
    pub fn from_stored(rule: &str, value: i32) -> ShortlistRule {
        let v = value.max(0) as u32;
        if rule == "min" { ShortlistRule::AtLeast(v) } else { ShortlistRule::Top(v) }
    }
    /// Whether a ranked proposal (rank from 1) with this total is retained.
    pub fn retains(self, rank: usize, total: f64) -> bool {
        match self {
            ShortlistRule::Top(n) => rank <= n as usize,
            // A small tolerance: 70 typed as the threshold retains a total computed as 69.999…
            ShortlistRule::AtLeast(min) => total + 1e-9 >= f64::from(min),
        }
    }
}

/// The proposals the rule retains from an aggregated ranking.
pub fn shortlist(results: &[ProposalResult], rule: ShortlistRule) -> Vec<ProposalId> {
    results.iter().filter(|r| r.rank.is_some_and(|rank| rule.retains(rank, r.total))).map(|r| r.proposal).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(10, minute, 0).unwrap()
    }

    fn spec(id: i64, weight: u32, environmental: bool, minimum: Option<u8>) -> CriterionSpec {
        CriterionSpec { id: CriterionId(id), weight, environmental, minimum }
    }

    fn input(id: i64, minute: u32, scores: &[(i64, &[u8])]) -> ProposalInput {
        ProposalInput {
            proposal: ProposalId(id),
            deposited_at: t(minute),
            criteria: scores
                .iter()
                .map(|(c, s)| CriterionInput { criterion: CriterionId(*c), scores: s.to_vec(), consensus: None })
                .collect(),
        }
    }

    #[test]
    fn totals_means_medians_disagreements_and_exclusions() {
        let criteria = [spec(1, 60, true, Some(2)), spec(2, 40, false, None)];
        let proposals =
            [input(10, 0, &[(1, &[4, 5, 3]), (2, &[2, 2, 5])]), input(11, 1, &[(1, &[1, 2, 1]), (2, &[5, 5, 5])])];
        let r = aggregate(&criteria, &proposals, Method::Mean);
        // 60 × 4/5 + 40 × 3/5 = 48 + 24 = 72.
        assert_eq!(r[0].proposal, ProposalId(10));
        assert!((r[0].total - 72.0).abs() < 1e-9);
        assert!((r[0].environmental - 48.0).abs() < 1e-9);
        assert_eq!(r[0].rank, Some(1));
        assert!(r[0].criteria[0].disagreement && r[0].criteria[1].disagreement);
        // Mean 4/3 < 2 on the eliminatory criterion: excluded, with the reason.
        assert_eq!(r[1].rank, None);
        let e = r[1].excluded.unwrap();
        assert_eq!((e.criterion, e.minimum), (CriterionId(1), 2));
        assert!((e.value - 4.0 / 3.0).abs() < 1e-9);

        let m = aggregate(&criteria, &proposals, Method::Median);
        // Medians 4 and 2: 48 + 16 = 64; the second has median 1 < 2.
        assert!((m[0].total - 64.0).abs() < 1e-9);
        assert!(m[1].excluded.is_some());
    }

    #[test]
    fn a_consensus_replaces_the_members_aggregate() {
        let criteria = [spec(1, 100, false, None)];
        let mut p = input(1, 0, &[(1, &[1, 4])]);
        p.criteria[0].consensus = Some(3);
        let r = aggregate(&criteria, &[p], Method::Mean);
        assert!((r[0].total - 60.0).abs() < 1e-9);
        assert!(r[0].criteria[0].from_consensus && r[0].criteria[0].disagreement);
    }

    #[test]
    fn ties_go_to_the_environmental_sub_total_then_the_earlier_deposit() {
        let criteria = [spec(1, 50, true, None), spec(2, 50, false, None)];
        // Same totals (exactly, though 1/3 and 2/3 are not exact in floating point).
        let a = input(1, 5, &[(1, &[3, 3, 4]), (2, &[3, 3, 3])]);
        let b = input(2, 1, &[(1, &[3, 3, 3]), (2, &[3, 3, 4])]);
        let c = input(3, 9, &[(1, &[3, 3, 4]), (2, &[3, 3, 3])]);
        let r = aggregate(&criteria, &[c, b, a], Method::Mean);
        let order: Vec<i64> = r.iter().map(|x| x.proposal.0).collect();
        // a and c lead on the environmental criterion; a deposited earlier than c.
        assert_eq!(order, vec![1, 3, 2]);
        assert_eq!(r.iter().map(|x| x.rank.unwrap()).collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn the_shortlist_follows_the_rule() {
        let criteria = [spec(1, 100, false, None)];
        let ps = [input(1, 0, &[(1, &[5])]), input(2, 1, &[(1, &[4])]), input(3, 2, &[(1, &[2])])];
        let r = aggregate(&criteria, &ps, Method::Mean);
        assert_eq!(shortlist(&r, ShortlistRule::Top(2)), vec![ProposalId(1), ProposalId(2)]);
        assert_eq!(shortlist(&r, ShortlistRule::AtLeast(80)), vec![ProposalId(1), ProposalId(2)]);
        assert_eq!(shortlist(&r, ShortlistRule::AtLeast(81)), vec![ProposalId(1)]);
    }

    /// The worked example of docs/EVALUATION.md, every figure.
    #[test]
    fn the_documented_worked_example() {
        let criteria = [spec(1, 60, true, Some(2)), spec(2, 40, false, None)];
        let p1 = input(1, 0, &[(1, &[4, 5, 3]), (2, &[3, 3, 4])]);
        let mut p2 = input(2, 1, &[(1, &[2, 4, 2]), (2, &[5, 4, 5])]);
        let p3 = input(3, 2, &[(1, &[1, 2]), (2, &[5, 5])]);
        let close = |a: f64, b: f64| (a - b).abs() < 0.005;
        let before = aggregate(&criteria, &[p1.clone(), p2.clone(), p3.clone()], Method::Mean);
        let get = |r: &[ProposalResult], id: i64| r.iter().find(|x| x.proposal == ProposalId(id)).unwrap().clone();
        assert!(close(get(&before, 2).total, 69.33) && close(get(&before, 2).environmental, 32.0));
        assert!(get(&before, 1).criteria[0].disagreement && get(&before, 2).criteria[0].disagreement);
        p2.criteria[0].consensus = Some(3);
        let r = aggregate(&criteria, &[p1, p2, p3], Method::Mean);
        assert!(close(get(&r, 1).total, 74.67) && close(get(&r, 1).environmental, 48.0));
        assert!(close(get(&r, 2).total, 73.33) && close(get(&r, 2).environmental, 36.0));
        let p3r = get(&r, 3);
        assert!(close(p3r.total, 58.0) && close(p3r.environmental, 18.0));
        assert_eq!(p3r.excluded.map(|e| (e.criterion, e.minimum)), Some((CriterionId(1), 2)));
        assert_eq!(
            r.iter().map(|x| (x.proposal.0, x.rank)).collect::<Vec<_>>(),
            vec![(1, Some(1)), (2, Some(2)), (3, None)]
        );
        // The feedback chart's averages over the opened proposals.
        let avg = |i: usize| r.iter().map(|x| x.criteria[i].value.unwrap().as_f64()).sum::<f64>() / 3.0;
        assert!(close(avg(0), 2.83) && close(avg(1), 4.33));
        assert!(averages(&r, 2).iter().zip([avg(0), avg(1)]).all(|(a, b)| close(*a, b)));
        assert_eq!(shortlist(&r, ShortlistRule::Top(3)), vec![ProposalId(1), ProposalId(2)]);
    }

    fn arbitrary_case() -> impl Strategy<Value = (Vec<CriterionSpec>, Vec<ProposalInput>)> {
        (1usize..6, 1usize..12, 1usize..6).prop_flat_map(|(n_criteria, n_proposals, n_members)| {
            let weights = proptest::collection::vec(1u32..50, n_criteria);
            let flags = proptest::collection::vec((any::<bool>(), proptest::option::of(0u8..=5)), n_criteria);
            let scores = proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(0u8..=5, n_members), n_criteria),
                n_proposals,
            );
            (weights, flags, scores).prop_map(move |(weights, flags, scores)| {
                // Weights normalised to sum exactly to 100.
                let sum: u32 = weights.iter().sum();
                let mut w: Vec<u32> = weights.iter().map(|x| x * 100 / sum).collect();
                let diff = 100 - w.iter().sum::<u32>();
                w[0] += diff;
                let criteria: Vec<CriterionSpec> =
                    (0..n_criteria).map(|i| spec(i as i64 + 1, w[i], flags[i].0, flags[i].1)).collect();
                let proposals = scores
                    .into_iter()
                    .enumerate()
                    .map(|(p, per_criterion)| ProposalInput {
                        proposal: ProposalId(p as i64 + 1),
                        deposited_at: t(p as u32),
                        criteria: per_criterion
                            .into_iter()
                            .enumerate()
                            .map(|(c, s)| CriterionInput {
                                criterion: CriterionId(c as i64 + 1),
                                scores: s,
                                consensus: None,
                            })
                            .collect(),
                    })
                    .collect();
                (criteria, proposals)
            })
        })
    }

    proptest! {
        #[test]
        fn totals_stay_within_0_and_100_and_the_ranking_is_consistent((criteria, proposals) in arbitrary_case(), median in any::<bool>()) {
            let method = if median { Method::Median } else { Method::Mean };
            let r = aggregate(&criteria, &proposals, method);
            prop_assert_eq!(r.len(), proposals.len());
            for x in &r {
                prop_assert!(x.total >= -1e-9 && x.total <= 100.0 + 1e-9);
                prop_assert!(x.environmental <= x.total + 1e-9);
                // Excluded exactly when some eliminatory value is below its minimum.
                let below = criteria.iter().zip(&x.criteria).any(|(s, c)| s.minimum.is_some_and(|m| c.value.is_none_or(|v| v.as_f64() < f64::from(m) - 1e-12)));
                prop_assert_eq!(x.excluded.is_some(), below);
                prop_assert_eq!(x.rank.is_some(), x.excluded.is_none());
            }
            // Ranks are 1..=k in order, totals never increase down the ranking.
            let ranked: Vec<&ProposalResult> = r.iter().filter(|x| x.rank.is_some()).collect();
            for (i, x) in ranked.iter().enumerate() {
                prop_assert_eq!(x.rank, Some(i + 1));
                if i > 0 {
                    prop_assert!(ranked[i - 1].total >= x.total - 1e-9);
                }
            }
            // Every score at 5 gives 100; raising one score never lowers a total.
            let mut raised = proposals.clone();
            if let Some(first) = raised.first_mut().and_then(|p| p.criteria.first_mut()).and_then(|c| c.scores.first_mut())
                && *first < 5
            {
                *first += 1;
            }
            let after = aggregate(&criteria, &raised, method);
            let before_total = r.iter().find(|x| x.proposal == ProposalId(1)).unwrap().total;
            let after_total = after.iter().find(|x| x.proposal == ProposalId(1)).unwrap().total;
            prop_assert!(after_total >= before_total - 1e-9);
        }

        #[test]
        fn the_input_order_does_not_change_the_result((criteria, proposals) in arbitrary_case()) {
            let forward = aggregate(&criteria, &proposals, Method::Mean);
            let mut reversed_input = proposals.clone();
            reversed_input.reverse();
            let backward = aggregate(&criteria, &reversed_input, Method::Mean);
            let ids = |r: &[ProposalResult]| r.iter().map(|x| (x.proposal, x.rank)).collect::<Vec<_>>();
            prop_assert_eq!(ids(&forward), ids(&backward));
        }
    }
}
