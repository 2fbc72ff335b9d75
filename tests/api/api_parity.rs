//! API parity (issue 18, item 6): every action a page offers (a POST route of `pages` in
//! `src/web/routes.rs`) is listed in `tests/api/api_parity.txt`, either with the `/api/v1`
//! operation that does the same with a token, or with the reason it has none (a step of the
//! browser only, or not an agent's or administrator's action), or marked `PENDING` with the
//! operation still to build. The test fails on a page action missing from the table, on a table
//! entry that is no longer a page action, on an API operation the served OpenAPI document does not
//! describe, and on a `PENDING` operation the document now describes (its line must say so).
//!
//! The page actions are read from the application's own route table
//! (`achat_ouvert::web::route_table`, the list the registration writes as it registers): every
//! POST route outside `/api/v1`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::both_backends;
use crate::helpers::spawn_app;

const TABLE: &str = include_str!("api_parity.txt");

/// Every page action: the POST routes outside the API.
fn page_actions() -> BTreeSet<String> {
    achat_ouvert::web::route_table()
        .into_iter()
        .filter(|r| r.method == "POST" && !r.path.starts_with("/api/"))
        .map(|r| format!("POST {}", r.path))
        .collect()
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
fn the_route_table_lists_the_page_actions() {
    let actions = page_actions();
    for known in [
        "POST /objectives",
        "POST /objectives/{id}/publish",
        "POST /admin/criteria",
        "POST /login",
        "POST /support-actions/{id}/rating",
        "POST /consultations/{id}/open-call",
    ] {
        assert!(actions.contains(known), "{known} not in the route table: {actions:?}");
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
