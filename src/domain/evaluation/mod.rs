//! Evaluation: committees score opened proposals against the objective's criteria. The maths is
//! pure and lives in [`aggregate`] (values, totals, exclusions, ranking, shortlist) and
//! [`sensitivity`] (how the shortlist holds when the weights move).

pub mod aggregate;
pub mod sensitivity;
