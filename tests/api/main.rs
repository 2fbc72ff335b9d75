//! Black-box tests of the real server: one binary, every test on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod account;
mod admin;
mod api_parity;
mod audit;
mod authorization;
mod award;
mod award_api;
mod backup;
mod browser;
mod change_support;
mod checkpoints;
mod cli;
mod consultation;
mod contracts;
mod crash;
mod criteria;
mod csrf;
mod dashboard;
mod deployment;
mod documents;
mod evaluation;
mod evaluation_api;
mod headers;
mod health;
mod i18n;
mod indicators;
mod journeys;
mod mail;
mod matrix;
mod network;
mod objectives;
mod open_data;
mod openapi;
mod organisations;
mod pages;
mod parity_api;
mod partners;
mod passwords;
mod pdf;
mod personal_data;
mod practices;
mod proposals;
mod proposals_api;
mod queries;
mod registration;
mod reminders;
mod retention;
mod schema;
mod site;
mod tokens;
mod trust;
mod words;
mod work;

/// With `REQUIRE_BROWSER=1` (CI), a run without the browser journeys fails instead of skipping them.
#[test]
fn browser_runs_happen_when_required() {
    if std::env::var("REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        assert!(
            std::hint::black_box(cfg!(browser_tests)),
            "REQUIRE_BROWSER=1 but Chromium, chromedriver or node_modules/axe-core was missing at build time \
             (apt-get install chromium chromium-driver; npm ci; touch build.rs)"
        );
    }
}

/// With `REQUIRE_POSTGRES=1`, a run without PostgreSQL fails instead of skipping those variants.
#[test]
fn postgres_runs_happen_when_required() {
    if std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
        assert!(
            cfg!(postgres_tests) && std::env::var("TEST_POSTGRES_URL").is_ok_and(|v| !v.trim().is_empty()),
            "REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set: the PostgreSQL runs would be skipped"
        );
    }
}
