//! API parity (issue 18, item 6): every action a page offers (a POST route of `pages` in
//! `src/web/routes.rs`) is listed in `tests/api/api_parity.txt`, either with the `/api/v1`
//! operation that does the same with a token, or with the reason it has none (a step of the
//! browser only, or not an agent's or administrator's action), or marked `PENDING` with the
//! operation still to build. The test fails on a page action missing from the table, on a table
//! entry that is no longer a page action, on an API operation the served OpenAPI document does not
//! describe, and on a `PENDING` operation the document now describes (its line must say so).
//!
//! Actix cannot list the routes of a running application, so the page actions are read from
//! the source of `src/web/routes.rs` (every `configure` function but the API's and the feeds').

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::both_backends;
use crate::helpers::spawn_app;

const ROUTES: &str = include_str!("../../src/web/routes.rs");
const TABLE: &str = include_str!("api_parity.txt");

/// The body of each `fn name(cfg: &mut web::ServiceConfig)` of routes.rs, by name.
fn functions(source: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = source;
    while let Some(at) = rest.find("fn ") {
        let after = &rest[at + 3..];
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let Some(open) = after.find('{') else { break };
        let mut depth = 0usize;
        let mut end = open;
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.insert(name, after[open..=end].to_owned());
        rest = &after[end..];
    }
    out
}

/// The (method, path) pairs registered in one function's body, in order: a path opens with
/// `route("…"` or `resource("…"`, and each method after it (until the next path) is one route.
fn routes_in(body: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut path: Option<String> = None;
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        if let Some(after) = rest.strip_prefix("route(\"").or_else(|| rest.strip_prefix("resource(\"")) {
            let end = after.find('"').expect("closing quote");
            path = Some(after[..end].to_owned());
            i += rest.len() - after.len() + end;
            continue;
        }
        for method in ["get", "post", "put", "delete"] {
            let web_form = format!("web::{method}()");
            // `.post(handlers::x::y)` or, with an alias, `.post(c::y)`.
            let chained = format!(".{method}(");
            if (rest.starts_with(&web_form) || rest.starts_with(&chained))
                && let Some(p) = &path
            {
                found.push((method.to_uppercase(), p.clone()));
            }
        }
        i += 1;
        while i < body.len() && !body.is_char_boundary(i) {
            i += 1;
        }
    }
    found
}

/// Every page action: the POST routes of the page areas.
fn page_actions() -> BTreeSet<String> {
    let fns = functions(ROUTES);
    let pages = fns.get("pages").expect("routes.rs has `pages`");
    let areas: Vec<String> = fns.keys().filter(|name| pages.contains(&format!("{name}(cfg)"))).cloned().collect();
    assert!(areas.len() >= 8, "the page areas of routes.rs: {areas:?}");
    let mut actions = BTreeSet::new();
    for area in &areas {
        let body = &fns[area];
        // An area may hand over to another, which may hand over again (award → indicators →
        // change support).
        let mut bodies = vec![body.clone()];
        let mut seen = BTreeSet::from([area.clone()]);
        let mut i = 0;
        while i < bodies.len() {
            let current = bodies[i].clone();
            for (name, other) in &fns {
                if !seen.contains(name) && current.contains(&format!("{name}(cfg);")) {
                    seen.insert(name.clone());
                    bodies.push(other.clone());
                }
            }
            i += 1;
        }
        for b in bodies {
            for (method, path) in routes_in(&b) {
                if method == "POST" {
                    actions.insert(format!("POST {path}"));
                }
            }
        }
    }
    actions
}

/// One line of the table: the page action and what it maps to.
#[derive(Debug)]
enum Equivalent {
    /// `METHOD /api/v1/...`
    Api(String, String),
    /// `- reason` (the reason is checked when the table is read).
    None,
    /// `PENDING METHOD /api/v1/...`: not built yet.
    Pending(String, String),
}

fn table() -> BTreeMap<String, Equivalent> {
    let mut out = BTreeMap::new();
    for (n, line) in TABLE.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (page, api) = line.split_once("->").unwrap_or_else(|| panic!("line {}: `page -> api`: {line}", n + 1));
        let (page, api) = (page.trim().to_owned(), api.trim());
        let operation = |text: &str| {
            let (method, path) = text.split_once(' ').unwrap_or_else(|| panic!("line {}: `METHOD /api/v1/…`", n + 1));
            assert!(path.starts_with("/api/v1/"), "line {}: {path}", n + 1);
            (method.to_lowercase(), path.trim().to_owned())
        };
        let equivalent = if let Some(reason) = api.strip_prefix('-') {
            assert!(reason.trim().len() > 10, "line {}: say why there is no API operation", n + 1);
            Equivalent::None
        } else if let Some(planned) = api.strip_prefix("PENDING ") {
            let (method, path) = operation(planned.trim());
            Equivalent::Pending(method, path)
        } else {
            let (method, path) = operation(api);
            Equivalent::Api(method, path)
        };
        assert!(out.insert(page.clone(), equivalent).is_none(), "line {}: {page} twice", n + 1);
    }
    out
}

#[test]
fn the_route_reader_sees_both_forms_of_registration() {
    let body = r#"cfg.service(web::resource("/a").get(handlers::x::a).post(handlers::x::b))
        .route("/b/{id}", web::post().to(handlers::x::c))
        .route("/c", web::get().to(handlers::x::d))
        .service(web::resource("/d").get(c::e).post(c::f));"#;
    assert_eq!(
        routes_in(body),
        vec![
            ("GET".into(), "/a".into()),
            ("POST".into(), "/a".into()),
            ("POST".into(), "/b/{id}".into()),
            ("GET".into(), "/c".into()),
            ("GET".into(), "/d".into()),
            ("POST".into(), "/d".into())
        ]
    );
    let actions = page_actions();
    for known in [
        "POST /objectives",
        "POST /objectives/{id}/publish",
        "POST /admin/criteria",
        "POST /login",
        "POST /support-actions/{id}/rating",
        "POST /consultations/{id}/open-call",
    ] {
        assert!(actions.contains(known), "{known} not read from routes.rs: {actions:?}");
    }
    assert!(!actions.iter().any(|a| a.contains("/api/v1") || a.starts_with("GET ")));
}

both_backends! {
    async fn every_page_action_has_its_api_operation_in_the_openapi_document(backend) {
        let app = spawn_app(backend).await;
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        let actions = page_actions();
        let table = table();
        let missing: Vec<&String> = actions.iter().filter(|a| !table.contains_key(*a)).collect();
        assert!(missing.is_empty(), "page actions absent from tests/api/api_parity.txt: {missing:#?}");
        let stale: Vec<&String> = table.keys().filter(|k| !actions.contains(*k)).collect();
        assert!(stale.is_empty(), "table entries that are no longer page actions: {stale:#?}");
        let mut undocumented = Vec::new();
        let mut pending = Vec::new();
        for (page, equivalent) in &table {
            match equivalent {
                Equivalent::Api(method, path) => {
                    let operation = &doc["paths"][path][method];
                    if !operation.is_object() {
                        undocumented.push(format!("{page} -> {method} {path}"));
                    } else {
                        assert!(operation["responses"].is_object(), "{path} has responses");
                    }
                }
                Equivalent::Pending(method, path) => {
                    assert!(
                        !doc["paths"][path][method].is_object(),
                        "{page}: {method} {path} is documented now: drop PENDING from its line"
                    );
                    pending.push(format!("{page} -> {method} {path}"));
                }
                Equivalent::None => {}
            }
        }
        assert!(undocumented.is_empty(), "API operations absent from the OpenAPI document: {undocumented:#?}");
        // Said on every run, so the gap stays visible until it is closed.
        eprintln!("page actions whose API operation is still to build ({}): {pending:#?}", pending.len());
        app.stop().await;
    }
}
