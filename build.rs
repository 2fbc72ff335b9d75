//! Build script: rebuilds when migrations or catalogues change (they are embedded), and turns on
//! the PostgreSQL variants of the integration tests when `TEST_POSTGRES_URL` is set, and the
//! browser journeys when Chromium, chromedriver and axe-core are installed, so that without them
//! they are reported as ignored rather than silently passing.

fn main() {
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=assets");
    println!("cargo::rerun-if-env-changed=TEST_POSTGRES_URL");
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    // The browser journeys need Debian's Chromium, its driver and axe-core from `npm ci`.
    // (Watching a path that does not exist would rerun this script on every build: only present
    // paths are watched; after installing them, `touch build.rs`. CI installs them first.)
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    println!("cargo::rerun-if-changed=package-lock.json");
    println!("cargo::rerun-if-env-changed=REQUIRE_BROWSER");
    let needed = ["/usr/bin/chromium", "/usr/bin/chromedriver", "node_modules/axe-core/axe.min.js"];
    for path in needed.iter().filter(|p| std::path::Path::new(p).exists()) {
        println!("cargo::rerun-if-changed={path}");
    }
    if needed.iter().all(|p| std::path::Path::new(p).exists()) {
        println!("cargo::rustc-cfg=browser_tests");
    }
    if std::env::var("TEST_POSTGRES_URL").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
