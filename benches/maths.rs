//! Micro-benchmarks of the evaluation maths and the Markdown rendering (criterion).
//! Run with `cargo bench --bench maths`; docs/PERFORMANCE.md records the results.
#![allow(clippy::unwrap_used)]

use achat_ouvert::db::ids::{CriterionId, ProposalId};
use achat_ouvert::domain::evaluation::aggregate::{
    CriterionInput, CriterionSpec, Method, ProposalInput, ShortlistRule, aggregate,
};
use achat_ouvert::domain::evaluation::sensitivity::{self, SplitMix64};
use criterion::{Criterion, criterion_group, criterion_main};

const WEIGHTS: [u32; 8] = [20, 15, 15, 10, 10, 10, 10, 10];

fn case(proposals: usize, members: usize) -> (Vec<CriterionSpec>, Vec<ProposalInput>) {
    let criteria: Vec<CriterionSpec> = WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| CriterionSpec {
            id: CriterionId(i as i64 + 1),
            weight: *w,
            environmental: i < 3,
            minimum: (i == 0).then_some(1),
        })
        .collect();
    let mut rng = SplitMix64::new(42);
    let t0 = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let inputs = (0..proposals)
        .map(|p| ProposalInput {
            proposal: ProposalId(p as i64 + 1),
            deposited_at: t0 + chrono::Duration::seconds(p as i64),
            criteria: criteria
                .iter()
                .map(|c| CriterionInput {
                    criterion: c.id,
                    scores: (0..members).map(|_| (rng.next_u64() % 6) as u8).collect(),
                    consensus: None,
                })
                .collect(),
        })
        .collect();
    (criteria, inputs)
}

fn maths(c: &mut Criterion) {
    let (criteria, inputs) = case(10_000, 5);
    c.bench_function("aggregate and rank 10,000 proposals × 8 criteria × 5 members", |b| {
        b.iter(|| aggregate(&criteria, &inputs, Method::Mean))
    });
    c.bench_function("aggregate (median) 10,000 × 8 × 5", |b| {
        b.iter(|| aggregate(&criteria, &inputs, Method::Median))
    });
    let (criteria, inputs) = case(500, 5);
    let results = aggregate(&criteria, &inputs, Method::Mean);
    let mut group = c.benchmark_group("sensitivity");
    group.sample_size(10);
    group.bench_function("10,000 samples on 500 proposals, top 20", |b| {
        b.iter(|| sensitivity::analyse(&criteria, &results, ShortlistRule::Top(20), 10_000, 7))
    });
    group.bench_function("10,000 samples on 500 proposals, at least 60/100", |b| {
        b.iter(|| sensitivity::analyse(&criteria, &results, ShortlistRule::AtLeast(60), 10_000, 7))
    });
    group.finish();
}

fn markdown(c: &mut Criterion) {
    let paragraph = "Une **solution** locale, avec [un lien](https://region.example/plan) et du `code`.\n\n";
    let list = "- un point\n- un autre point, *plus long*\n\n";
    let text = format!("## Titre\n\n{}{}", paragraph.repeat(40), list.repeat(40));
    c.bench_function(&format!("render and sanitise {} bytes of Markdown", text.len()), |b| {
        b.iter(|| achat_ouvert::domain::markdown::render(&text))
    });
}

criterion_group!(benches, maths, markdown);
criterion_main!(benches);
