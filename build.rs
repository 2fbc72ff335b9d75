//! Build script: rebuilds when migrations or catalogues change (they are embedded), and turns on
//! the PostgreSQL variants of the integration tests when `TEST_POSTGRES_URL` is set, so that
//! without it they are reported as ignored rather than silently passing.

fn main() {
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=assets");
    println!("cargo::rerun-if-env-changed=TEST_POSTGRES_URL");
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    if std::env::var("TEST_POSTGRES_URL").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
