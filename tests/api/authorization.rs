//! The authorization table, over HTTP: every role against the actions of the accounts and objectives issues,
//! refusals as well as grants. Later issues add rows and columns.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, link_to, spawn_app};

/// One request a person might try.
#[derive(Clone, Copy, Debug)]
enum Try {
    Get(&'static str),
    /// A form post from a page of the site (with that page's CSRF token).
    Post(&'static str, &'static str, &'static [(&'static str, &'static str)]),
}

const ACTIONS: [(&str, Try); 12] = [
    ("view own account", Try::Get("/account")),
    ("view own organisation", Try::Get("/organisation")),
    ("invite into own organisation", Try::Post("/", "/organisation/invitations", &[("email", "fresh@new.example")])),
    ("list users", Try::Get("/admin/users")),
    ("read the audit log", Try::Get("/admin/audit")),
    (
        "invite staff",
        Try::Post("/", "/admin/users", &[("email", "staff@new.example"), ("name", "New"), ("agent", "true")]),
    ),
    ("own API tokens", Try::Get("/account/tokens")),
    ("the API as oneself", Try::Get("/api/v1/me")),
    ("draft an objective", Try::Get("/objectives/new")),
    ("follow themes", Try::Get("/account/subscriptions")),
    ("manage criteria", Try::Get("/admin/criteria")),
    ("ask a question", Try::Post("/", "/objectives/1/questions", &[("question", "Les groupements sont-ils admis ?")])),
];

async fn attempt(browser: &Browser, action: Try) -> u16 {
    match action {
        Try::Get(path) => browser.get(path).await.status().as_u16(),
        Try::Post(page, path, fields) => {
            // A page with a form: the account page for signed-in users, the login page otherwise.
            let token = {
                let account = browser.get("/account").await;
                let html =
                    if account.status() == 200 { account.text().await.unwrap() } else { browser.text("/login").await };
                crate::helpers::csrf_in(&html)
            };
            let _ = page;
            let mut form: Vec<(&str, &str)> = fields.to_vec();
            form.push(("csrf_token", &token));
            browser.client.post(browser.url(path)).form(&form).send().await.unwrap().status().as_u16()
        }
    }
}

both_backends! {
    async fn every_role_against_every_account_action(backend) {
        let app = spawn_app(backend).await;
        let anonymous = app.browser();
        let owner = app.supplier_owner("owner@alpha.example", 51).await;
        // A member of Alpha, through an invitation.
        owner.submit("/organisation", "/organisation/invitations", &[("email", "member@alpha.example")]).await;
        let link = link_to(&app.last_mail_to("member@alpha.example").await.body_text, "/invitations/accept");
        let token = url::Url::parse(&format!("http://x{link}")).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
        let member = app.browser();
        member.submit(&link, "/invitations/accept", &[("token", &token), ("name", "M"), ("password", PASSWORD), ("password_confirm", PASSWORD)]).await;
        assert_eq!(member.sign_in("member@alpha.example", PASSWORD).await.status(), 303);
        let other = app.supplier_owner("owner@beta.example", 52).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let committee = app.staff("committee@region.example", &[Role::Committee]).await;
        let admin = app.admin("admin@region.example").await;
        let disabled = app.staff("gone@region.example", &[Role::Agent]).await;
        let gone = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("gone@region.example").unwrap()).unwrap().unwrap().id.0
        }).await;
        assert_eq!(admin.submit(&format!("/admin/users/{gone}"), &format!("/admin/users/{gone}/disable"), &[]).await.status(), 303);

        // A published objective (id 1) to ask about.
        let agent_id = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("agent@region.example").unwrap()).unwrap().unwrap().id
        }).await;
        app.with_db(move |conn| {
            use diesel::prelude::*;
            use achat_ouvert::domain::objectives::{Horizon, ObjectiveDraft};
            let now = chrono::Utc::now().naive_utc();
            let draft = ObjectiveDraft {
                title: "Objectif".into(), need: "Besoin".into(), political_objective: "P".into(), deliberation_ref: "R".into(),
                deliberation_date: None, deliberation_url: None, themes: vec!["energie".into()], horizon: Horizon::Ten, budget_euros: None,
                place: "Ici".into(), contact: "c@region.example".into(), deadline_at: Some(now + chrono::Duration::days(30)),
                shortlist_rule: "top".into(), shortlist_value: 3, criteria: vec![], milestones: vec![],
            };
            let actor = achat_ouvert::domain::audit::AuditActor::System("test".into());
            let id = achat_ouvert::domain::objectives::create(conn, &draft, agent_id, &actor, now).unwrap();
            assert_eq!(id.0, 1);
            diesel::update(achat_ouvert::db::schema::objectives::table.find(id))
                .set((achat_ouvert::db::schema::objectives::status.eq("published"), achat_ouvert::db::schema::objectives::published_at.eq(Some(now))))
                .execute(conn).unwrap();
        }).await;

        // Expected status per action, in the order of ACTIONS. 303 on a page is either the
        // sign-in redirect (anonymous, disabled) or the success redirect of a form.
        let table: Vec<(&str, &Browser, [u16; 12])> = vec![
            ("anonymous",       &anonymous, [303, 303, 303, 303, 303, 303, 303, 401, 303, 303, 303, 303]),
            ("supplier owner",  &owner,     [200, 200, 303, 403, 403, 403, 200, 200, 403, 200, 403, 303]),
            ("supplier member", &member,    [200, 200, 403, 403, 403, 403, 200, 200, 403, 200, 403, 303]),
            ("other org owner", &other,     [200, 200, 303, 403, 403, 403, 200, 200, 403, 200, 403, 303]),
            ("agent",           &agent,     [200, 403, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403]),
            ("committee",       &committee, [200, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403, 403]),
            ("administrator",   &admin,     [200, 403, 403, 200, 200, 303, 200, 200, 403, 200, 200, 403]),
            ("disabled user",   &disabled,  [303, 303, 303, 303, 303, 303, 303, 401, 303, 303, 303, 303]),
        ];
        let mut failures = Vec::new();
        for (role, browser, expected) in &table {
            for ((name, action), want) in ACTIONS.iter().zip(expected) {
                let got = attempt(browser, *action).await;
                if got != *want {
                    failures.push(format!("{role} / {name}: expected {want}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "authorization table mismatches:\n{}", failures.join("\n"));
        app.stop().await;
    }
}
