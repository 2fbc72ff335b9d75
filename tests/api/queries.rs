//! No N+1 queries: the statements a page runs do not grow with what it lists.
//!
//! The seed at scale S gives every objective 10 proposals from 10 organisations, and objective 2
//! a committee of 5 who scored them all. Each page below lists at least 10 things, so one query
//! per listed item would add 10 statements or more; each bound is the page's measured count (the
//! same on both backends) plus 2, far below that. Counts include the session's look-up and the pool's health
//! check of the connection. Pages listing a subset and the whole are also compared directly.

use achat_ouvert::seed::{PASSWORD, Scale};

use crate::both_backends;
use crate::helpers::{Browser, TestApp, spawn_app};

/// The statements one GET runs (the least of three tries: the outbox worker polls in the
/// background), with the page's body.
async fn statements(app: &TestApp, browser: &Browser, path: &str) -> (u64, String) {
    let mut least = u64::MAX;
    let mut body = String::new();
    for _ in 0..3 {
        let before = app.db().statements();
        let response = browser.get(path).await;
        let after = app.db().statements();
        assert_eq!(response.status(), 200, "{path}");
        body = response.text().await.unwrap();
        least = least.min(after - before);
    }
    (least, body)
}

both_backends! {
    async fn pages_run_a_fixed_number_of_queries_whatever_they_list(backend) {
        let app = spawn_app(backend).await;
        let now = chrono::Utc::now().naive_utc();
        app.with_db(move |conn| achat_ouvert::seed::run(conn, Scale::S, now, &mut |_, _, _| {}).unwrap()).await;
        let visitor = app.browser();
        let supplier = app.browser();
        assert_eq!(supplier.sign_in("owner0@entreprise.seed.achat-ouvert.fr", PASSWORD).await.status(), 303);
        let agent = app.browser();
        assert_eq!(agent.sign_in("agent0@seed.achat-ouvert.fr", PASSWORD).await.status(), 303);
        let chair = app.browser();
        assert_eq!(chair.sign_in("committee1@seed.achat-ouvert.fr", PASSWORD).await.status(), 303);

        // The list: 3 open objectives or all 10, the same statements.
        let (open, page) = statements(&app, &visitor, "/objectives?status=open").await;
        assert_eq!(page.matches("class=\"objective-card\"").count(), 3);
        let (all, page) = statements(&app, &visitor, "/objectives").await;
        assert_eq!(page.matches("class=\"objective-card\"").count(), 10);
        assert_eq!(open, all, "the list's statements grow with its cards");

        // (path, who, what the page lists at least 10 of, bound)
        let pages: [(&str, &Browser, &str, u64); 13] = [
            ("/", &visitor, "", 6),
            ("/api/v1/objectives", &visitor, "\"reference\"", 5),
            // One statement more since issue 18: the objective's consultation before the call, if any.
            ("/objectives/2", &visitor, "", 13),
            ("/api/v1/objectives/2/ocds.json", &visitor, "", 13),
            ("/objectives/2/proposals", &agent, "Lire la proposition", 17),
            ("/objectives/2/evaluation", &chair, "href=\"/objectives/2/evaluation/", 23),
            ("/objectives/2/evaluation/progress", &chair, "Soumise", 23),
            ("/objectives/2/evaluation/ranking", &chair, "<tr", 21),
            ("/proposals", &supplier, "", 13),
            ("/directory", &visitor, "class=\"objective-card\"", 7),
            ("/directory?q=iso&social_economy=true", &visitor, "", 7),
            ("/directory/1", &visitor, "", 9),
            ("/practices", &visitor, "class=\"objective-card\"", 4),
        ];
        let mut measured = Vec::new();
        for (path, who, item, bound) in pages {
            let (n, body) = statements(&app, who, path).await;
            if !item.is_empty() {
                assert!(body.matches(item).count() >= 10, "{path} lists fewer than 10 items");
            }
            measured.push((path, n, bound));
        }
        let over: Vec<_> = measured.iter().filter(|(_, n, bound)| n > bound).collect();
        assert!(over.is_empty(), "pages over their bound (path, statements, bound): {over:?}; all: {measured:?}");
        app.stop().await;
    }
}
