//! The Content-Security-Policy on every page: the demo data set loaded, every page reachable by a
//! link is visited as a visitor and as each demo account (administrator, agent, committee members,
//! suppliers), plus the pages no link leads to; each answer carries the strict policy, and no
//! HTML has a `style` attribute, a `<style>` or a `<script>` element (the policy would block them).

use std::collections::{BTreeSet, VecDeque};

use achat_ouvert::web::middleware::CONTENT_SECURITY_POLICY;

use crate::both_backends;
use crate::cli::command;
use crate::helpers::{Browser, TestDatabase, spawn_app_on};

/// At most this many distinct pages per account (the demo has fewer).
const PAGES_PER_ACCOUNT: usize = 400;

/// A path's shape: numbers and long hexadecimal ids stand for any, the query is left out, so one
/// page of each kind is visited (an objective, not all of them).
pub fn shape(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/')
        .map(|part| {
            if !part.is_empty()
                && (part.bytes().all(|b| b.is_ascii_digit())
                    || (part.len() >= 16 && part.bytes().all(|b| b.is_ascii_hexdigit())))
            {
                "#"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The same-site links of a page.
pub fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .collect()
}

/// The app on a database the `demo` command loaded, and the demo accounts it printed (address,
/// password).
pub async fn demo_app(backend: crate::helpers::Backend) -> (crate::helpers::TestApp, Vec<(String, String)>) {
    let database = TestDatabase::new(backend);
    let data = database.data_dir.path().to_str().unwrap().to_owned();
    let out =
        command(&[("DATABASE_URL", database.url.as_str()), ("DATA_DIR", data.as_str())]).arg("demo").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let accounts: Vec<(String, String)> = stdout
        .lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let email = words.iter().find(|w| w.ends_with("@demo.achat-ouvert.fr"))?;
            Some(((*email).to_owned(), (*words.last()?).to_owned()))
        })
        .collect();
    assert!(accounts.len() >= 5, "{stdout}");
    (spawn_app_on(database, &[]).await, accounts)
}

/// Problems of one answer: the policy, and inline style or script in HTML.
async fn check(browser: &Browser, path: &str) -> (Vec<String>, Vec<String>) {
    let response = browser.get(path).await;
    let mut problems = Vec::new();
    let csp = response.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned());
    if csp.as_deref() != Some(CONTENT_SECURITY_POLICY) {
        problems.push(format!("{path}: Content-Security-Policy {csp:?}"));
    }
    let html = response.headers().get("content-type").is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
    if !html {
        return (problems, Vec::new());
    }
    let body = response.text().await.unwrap();
    let lower = body.to_lowercase();
    for needle in [" style=", "<style", "<script", "javascript:", " onclick=", " onload="] {
        if lower.contains(needle) {
            let at = lower.find(needle).unwrap();
            let around: String = body[at.saturating_sub(80)..].chars().take(200).collect();
            problems.push(format!("{path}: `{needle}` in …{around}…"));
        }
    }
    (problems, links(&body))
}

/// Visits every page reachable from `start` by links, one per shape; returns the pages visited.
async fn crawl(browser: &Browser, start: &[&str], problems: &mut Vec<String>) -> usize {
    let mut queue: VecDeque<String> = start.iter().map(|s| (*s).to_owned()).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut visited = 0;
    while let Some(path) = queue.pop_front() {
        // Never follow a link that would end the session or switch the language.
        if path.starts_with("/lang/") || path.starts_with("/logout") || !seen.insert(shape(&path)) {
            continue;
        }
        if visited >= PAGES_PER_ACCOUNT {
            break;
        }
        visited += 1;
        let (found, links) = check(browser, &path).await;
        problems.extend(found);
        queue.extend(links);
    }
    visited
}

both_backends! {
    async fn every_page_sends_the_strict_policy_and_has_no_inline_style_or_script(backend) {
        let (app, accounts) = demo_app(backend).await;
        let mut problems = Vec::new();

        // A visitor: every public page, and those no link leads to.
        let visitor = app.browser();
        let mut total = crawl(&visitor, &["/", "/receipts/verify", "/register", "/forgot-password", "/no-such-page",
            "/audit/checkpoints", "/feeds/objectives.atom", "/api/v1/objectives"], &mut problems).await;
        let english = app.browser();
        english.get("/lang/en?next=/").await;
        total += crawl(&english, &["/"], &mut problems).await;

        // Every demo account.
        for (email, password) in &accounts {
            let person = app.browser();
            assert_eq!(person.sign_in(email, password).await.status(), 303, "{email}");
            total += crawl(&person, &["/work", "/account", "/"], &mut problems).await;
        }
        eprintln!("CSP walk: {total} pages checked as a visitor, in English and as {} accounts", accounts.len());
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
        // The walk did go far: dozens of kinds of pages per account.
        assert!(total > 150, "only {total} pages visited");
        app.stop().await;
    }
}
