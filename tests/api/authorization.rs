//! The authorization table, over HTTP: every role against the actions of the accounts and objectives issues,
//! refusals as well as grants. Later issues add rows and columns.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, spawn_app};

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
        let member = crate::helpers::org_member(&app, &owner, "member@alpha.example").await;
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

/// A request on proposals, with paths built from the ids of the test's proposal.
enum Step {
    Get(String),
    Post(String, Vec<(&'static str, &'static str)>),
}

async fn attempt_step(browser: &Browser, step: &Step) -> u16 {
    match step {
        Step::Get(path) => browser.get(path).await.status().as_u16(),
        Step::Post(path, fields) => {
            let account = browser.get("/account").await;
            let html =
                if account.status() == 200 { account.text().await.unwrap() } else { browser.text("/login").await };
            let token = crate::helpers::csrf_in(&html);
            let mut form = fields.clone();
            form.push(("csrf_token", &token));
            browser.client.post(browser.url(path)).form(&form).send().await.unwrap().status().as_u16()
        }
    }
}

both_backends! {
    async fn every_role_against_every_proposal_action_before_and_after_the_deadline(backend) {
        use crate::proposals::{COMPLETE, PDF, attach, deposited, start};
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = crate::helpers::published(&app, &agent, "Objectif scellé").await;
        let lead = app.supplier_owner("owner@lead.example", 71).await;
        let colleague = crate::helpers::org_member(&app, &lead, "member@lead.example").await;
        let partner = app.supplier_owner("owner@partner.example", 72).await;
        let other = app.supplier_owner("owner@other.example", 73).await;
        let committee = app.staff("committee@region.example", &[Role::Committee]).await;
        let admin = app.admin("admin@region.example").await;
        let anonymous = app.browser();

        let p = start(&lead, objective, &COMPLETE).await;
        assert_eq!(attach(&lead, p, &[("piece.pdf", PDF.to_vec())]).await.status(), 303);
        let add = [("identifier_type", "siret"), ("identifier", crate::helpers::siret(72).leak() as &str), ("role", "Pose"), ("consortium_type", "conjoint")];
        assert_eq!(lead.submit(&format!("/proposals/{p}"), &format!("/proposals/{p}/consortium"), &add).await.status(), 303);
        assert_eq!(partner.submit(&format!("/proposals/{p}"), &format!("/proposals/{p}/consortium/confirm"), &[("terms", "1")]).await.status(), 303);
        let d = deposited(&lead, p).await;
        let page = lead.text(&format!("/proposals/{p}")).await;
        let a: i64 = page.split(&format!("/proposals/{p}/attachments/")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();

        let steps = |d: i64| vec![
            ("read the proposal", Step::Get(format!("/proposals/{p}"))),
            ("edit the draft", Step::Get(format!("/proposals/{p}/edit"))),
            ("download an attachment", Step::Get(format!("/proposals/{p}/attachments/{a}"))),
            ("read a receipt", Step::Get(format!("/receipts/{d}"))),
            ("download a deposited document", Step::Get(format!("/deposits/{d}/documents/0"))),
            ("deposit", Step::Post(format!("/proposals/{p}/deposit"), vec![("confirm", "true")])),
            ("confirm the consortium", Step::Post(format!("/proposals/{p}/consortium/confirm"), vec![("terms", "1")])),
            ("count the deposits", Step::Get(format!("/objectives/{objective}/proposals"))),
            ("read the opened proposal", Step::Get(format!("/objectives/{objective}/proposals/{p}"))),
            ("open the proposals", Step::Post(format!("/objectives/{objective}/proposals/open"), vec![])),
            ("check a receipt", Step::Get("/receipts/verify?number=AO-0000-0000-0000&hash=00".into())),
            ("the dashboard", Step::Get("/proposals".into())),
        ];
        let people: Vec<(&str, &Browser)> = vec![
            ("anonymous", &anonymous), ("lead owner", &lead), ("lead member", &colleague), ("consortium member", &partner),
            ("other supplier", &other), ("agent", &agent), ("committee", &committee), ("administrator", &admin),
        ];
        let before: [[u16; 12]; 8] = [
            [303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 200, 303],
            [200, 200, 200, 200, 200, 303, 403, 403, 403, 403, 200, 200],
            [200, 200, 200, 200, 200, 303, 403, 403, 403, 403, 200, 200],
            [200, 403, 200, 200, 200, 403, 303, 403, 403, 403, 200, 200],
            [404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 200, 200],
            [404, 404, 404, 404, 404, 404, 404, 200, 404, 409, 200, 403],
            [404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 200, 403],
            [404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 200, 403],
        ];
        let mut failures = Vec::new();
        for ((role, browser), expected) in people.iter().zip(before) {
            for ((name, step), want) in steps(d).iter().zip(expected) {
                let got = attempt_step(browser, step).await;
                if got != want {
                    failures.push(format!("before the deadline, {role} / {name}: expected {want}, got {got}"));
                }
            }
        }

        // Past the deadline (sessions have expired: everyone signs in again); the agent opens.
        app.clock.advance(chrono::Duration::days(31));
        for (browser, email) in [(&lead, "owner@lead.example"), (&colleague, "member@lead.example"), (&partner, "owner@partner.example"), (&other, "owner@other.example"), (&agent, "agent@region.example"), (&committee, "committee@region.example"), (&admin, "admin@region.example")] {
            assert_eq!(browser.sign_in(email, PASSWORD).await.status(), 303, "{email}");
        }
        assert_eq!(agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await.status(), 303);
        let opened = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::deposits;
            deposits::table.filter(deposits::opened_at.is_not_null()).select(deposits::id).first::<i64>(conn).unwrap()
        }).await;
        let after: [[u16; 12]; 8] = [
            [303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 200, 303],
            [200, 409, 200, 200, 200, 409, 403, 403, 403, 403, 200, 200],
            [200, 409, 200, 200, 200, 409, 403, 403, 403, 403, 200, 200],
            [200, 403, 200, 200, 200, 403, 409, 403, 403, 403, 200, 200],
            [404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 200, 200],
            [404, 404, 404, 404, 200, 404, 404, 200, 200, 303, 200, 403],
            [404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 200, 403],
            [404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 200, 403],
        ];
        for ((role, browser), expected) in people.iter().zip(after) {
            for ((name, step), want) in steps(opened).iter().zip(expected) {
                let got = attempt_step(browser, step).await;
                if got != want {
                    failures.push(format!("after the deadline, {role} / {name}: expected {want}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "authorization table mismatches:\n{}", failures.join("\n"));
        app.stop().await;
    }
}

both_backends! {
    async fn every_role_against_every_evaluation_action(backend) {
        use crate::proposals::{COMPLETE, deposited, start};
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let o = crate::helpers::published(&app, &agent, "Objectif évalué").await;
        let supplier = app.supplier_owner("owner@lead.example", 81).await;
        let p = start(&supplier, o, &COMPLETE).await;
        deposited(&supplier, p).await;
        let chair = app.staff("chair@region.example", &[Role::Committee]).await;
        let conflicted = app.staff("m1@region.example", &[Role::Committee]).await;
        let member = app.staff("m2@region.example", &[Role::Committee]).await;
        let outsider = app.staff("other@region.example", &[Role::Committee]).await;
        let admin = app.admin("admin@region.example").await;
        let anonymous = app.browser();
        let ids = app.with_db(|conn| {
            ["chair@region.example", "m1@region.example", "m2@region.example"].map(|e| {
                achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse(e).unwrap()).unwrap().unwrap().id.0
            })
        }).await;
        let committee = format!("/objectives/{o}/committee");
        for (id, is_chair) in [(ids[0], "true"), (ids[1], "false"), (ids[2], "false")] {
            assert_eq!(agent.submit(&committee, &committee, &[("user", &id.to_string()), ("chair", is_chair)]).await.status(), 303);
        }
        app.clock.advance(chrono::Duration::days(31));
        for (b, e) in [(&agent, "agent@region.example"), (&chair, "chair@region.example"), (&conflicted, "m1@region.example"), (&member, "m2@region.example"), (&outsider, "other@region.example"), (&admin, "admin@region.example"), (&supplier, "owner@lead.example")] {
            assert_eq!(b.sign_in(e, PASSWORD).await.status(), 303, "{e}");
        }
        assert_eq!(agent.submit(&format!("/objectives/{o}/proposals"), &format!("/objectives/{o}/proposals/open"), &[]).await.status(), 303);
        let org = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("owner@lead.example").unwrap()).unwrap().unwrap().organisation_id.unwrap().0
        }).await;
        let ws = format!("/objectives/{o}/evaluation");
        let field = format!("org_{org}");
        let note = format!("note_{org}");
        assert_eq!(conflicted.submit(&ws, &format!("{ws}/declarations"), &[(&field, "conflict"), (&note, "Associé")]).await.status(), 303);
        for b in [&member, &chair] {
            assert_eq!(b.submit(&ws, &format!("{ws}/declarations"), &[(&field, "none")]).await.status(), 303);
        }

        let m2 = ids[2].to_string();
        let steps: Vec<(&str, Step)> = vec![
            ("the committee page", Step::Get(committee.clone())),
            ("appoint", Step::Post(committee.clone(), vec![("user", m2.clone().leak() as &str), ("chair", "false")])),
            ("the workspace", Step::Get(ws.clone())),
            ("read a proposal", Step::Get(format!("{ws}/{p}"))),
            ("score it", Step::Post(format!("{ws}/{p}"), vec![("action", "save")])),
            ("the progress matrix", Step::Get(format!("{ws}/progress"))),
            ("the ranking", Step::Get(format!("{ws}/ranking"))),
            ("the CSV export", Step::Get(format!("{ws}/report.csv"))),
            ("decide", Step::Post(format!("{ws}/decision"), vec![])),
            ("publish the results", Step::Post(format!("/objectives/{o}/results"), vec![])),
            ("my evaluations", Step::Get("/evaluations".into())),
        ];
        let table: Vec<(&str, &Browser, [u16; 11])> = vec![
            ("anonymous",          &anonymous,  [303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303]),
            ("supplier",           &supplier,   [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
            ("agent",              &agent,      [200, 303, 403, 403, 403, 403, 403, 403, 403, 409, 403]),
            ("committee, not on this one", &outsider, [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
            ("member",             &member,     [403, 403, 200, 200, 303, 403, 403, 403, 403, 403, 200]),
            ("conflicted member",  &conflicted, [403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 200]),
            ("chair",              &chair,      [403, 403, 200, 200, 303, 200, 200, 200, 409, 403, 200]),
            ("administrator",      &admin,      [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ];
        let mut failures = Vec::new();
        for (role, browser, expected) in &table {
            for ((name, step), want) in steps.iter().zip(expected) {
                let got = attempt_step(browser, step).await;
                if got != *want {
                    failures.push(format!("{role} / {name}: expected {want}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "authorization table mismatches:\n{}", failures.join("\n"));
        app.stop().await;
    }
}

const NETWORK_ACTIONS: [(&str, Try); 12] = [
    ("open own profile", Try::Get("/organisation/profile")),
    ("save own profile", Try::Post("/", "/organisation/profile", &[("sectors", "Énergie"), ("size", "sme")])),
    ("list own profile", Try::Post("/", "/organisation/profile/listing", &[("listed", "true")])),
    ("export own organisation", Try::Get("/organisation/export.json")),
    ("read the credentials catalogue", Try::Get("/admin/credentials")),
    (
        "add to the credentials catalogue",
        Try::Post("/", "/admin/credentials", &[("code", "table-test"), ("name_fr", "Test"), ("name_en", "Test")]),
    ),
    ("read the directory", Try::Get("/directory")),
    ("read the directory's API", Try::Get("/api/v1/directory")),
    ("read own organisation's messages", Try::Get("/messages")),
    ("moderate abuse reports", Try::Get("/admin/reports")),
    ("submit a good practice", Try::Get("/practices/new")),
    ("review good practices", Try::Get("/practices/review")),
];

both_backends! {
    async fn every_role_against_every_network_action(backend) {
        let app = spawn_app(backend).await;
        let anonymous = app.browser();
        let owner = app.supplier_owner("owner@alpha.example", 61).await;
        let member = crate::helpers::org_member(&app, &owner, "member@alpha.example").await;
        let unverified = app.browser();
        let siret = crate::helpers::siret(62);
        unverified.submit("/register", "/register", &crate::helpers::registration("Beta", &siret, "B", "owner@beta.example")).await;
        assert_eq!(unverified.sign_in("owner@beta.example", PASSWORD).await.status(), 303);
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let committee = app.staff("committee@region.example", &[Role::Committee]).await;
        let admin = app.admin("admin@region.example").await;
        let disabled = app.supplier_owner("owner@gone.example", 63).await;
        let gone = crate::evaluation::user_id(&app, "owner@gone.example").await;
        assert_eq!(admin.submit(&format!("/admin/users/{gone}"), &format!("/admin/users/{gone}/disable"), &[]).await.status(), 303);

        // 303 on a page is the sign-in redirect (anonymous, disabled) or a form's success redirect.
        let table: Vec<(&str, &Browser, [u16; 12])> = vec![
            ("anonymous",         &anonymous,  [303, 303, 303, 303, 303, 303, 200, 200, 303, 303, 303, 303]),
            ("supplier owner",    &owner,      [200, 303, 303, 200, 403, 403, 200, 200, 200, 403, 200, 403]),
            ("supplier member",   &member,     [200, 303, 303, 200, 403, 403, 200, 200, 200, 403, 200, 403]),
            ("unverified owner",  &unverified, [403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
            ("agent",             &agent,      [403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 200]),
            ("committee",         &committee,  [403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
            ("administrator",     &admin,      [403, 403, 403, 403, 200, 303, 200, 200, 403, 200, 403, 403]),
            ("disabled supplier", &disabled,   [303, 303, 303, 303, 303, 303, 200, 200, 303, 303, 303, 303]),
        ];
        let mut failures = Vec::new();
        for (role, browser, expected) in &table {
            for ((name, action), want) in NETWORK_ACTIONS.iter().zip(expected) {
                let got = attempt(browser, *action).await;
                if got != *want {
                    failures.push(format!("{role} / {name}: expected {want}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "network authorization mismatches:\n{}", failures.join("\n"));
        app.stop().await;
    }
}

/// A well-formed contract form (refused by the stage in the table below).
const CONTRACT: [(&str, &str); 11] = [
    ("object", "Objet du contrat"),
    ("signed_on", "2026-12-01"),
    ("notified_on", "2026-12-01"),
    ("amount", "1000"),
    ("duration_months", "12"),
    ("cpv", "09323000"),
    ("place_kind", "region"),
    ("place_code", "84"),
    ("price_form", "firm"),
    ("price_basis", "unit"),
    ("subcontracting", "no"),
];

both_backends! {
    async fn every_role_against_every_award_action(backend) {
        use crate::award::{REASONS, letter_of, results_published};
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Objectif attribué").await;
        let (o, p1) = (s.objective, s.proposals[0]);
        let award = format!("/objectives/{o}/award");
        let winner = p1.to_string().leak() as &str;
        assert_eq!(s.agent.submit(&award, &award, &[("winner", winner), ("reasons", REASONS), ("standstill_days", "11")]).await.status(), 303);
        let letter = letter_of(&app, "owner@beta.example").await;
        let anonymous = app.browser();
        let steps: Vec<(&str, Step)> = vec![
            ("the award page", Step::Get(award.clone())),
            ("confirm an award", Step::Post(format!("{award}/confirm"), vec![("winner", winner), ("reasons", REASONS), ("standstill_days", "11")])),
            ("record a challenge", Step::Post(format!("/objectives/{o}/challenges"), vec![("lodged_on", "2026-12-01"), ("lodged_by", "Entreprise 702"), ("summary", "Notation contestée")])),
            ("declare not awarded", Step::Post(format!("/objectives/{o}/not-awarded"), vec![("reason", REASONS)])),
            ("the organisation's letters", Step::Get("/organisation/letters".into())),
            ("read a letter", Step::Get(format!("/organisation/letters/{letter}"))),
            ("the award's API", Step::Get(format!("/api/v1/objectives/{o}/award"))),
            ("the contract page", Step::Get(format!("/objectives/{o}/contract"))),
            ("confirm a contract", Step::Post(format!("/objectives/{o}/contract/confirm"), CONTRACT.to_vec())),
            ("sign a contract", Step::Post(format!("/objectives/{o}/contract"), CONTRACT.to_vec())),
            ("record a modification", Step::Post(format!("/objectives/{o}/contract/modifications"), vec![("mod_notified_on", "2026-12-01"), ("mod_reason", "Avenant de test"), ("mod_duration_months", "12")])),
            ("the contract's API", Step::Get(format!("/api/v1/objectives/{o}/contract"))),
        ];
        // The agent's signature and modification are refused by the stage (a challenge is pending
        // and the standstill runs; nothing is in execution); nothing is signed, so the API is 404.
        // The winner (the future holder) may not record its own contract.
        let table: Vec<(&str, &Browser, [u16; 12])> = vec![
            ("anonymous",          &anonymous,       [303, 303, 303, 303, 303, 404, 200, 303, 303, 303, 303, 404]),
            ("the addressee",      &s.suppliers[1],  [403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403, 404]),
            ("the winner",         &s.suppliers[0],  [403, 403, 403, 403, 200, 404, 200, 403, 403, 403, 403, 404]),
            ("agent",              &s.agent,         [200, 409, 303, 409, 403, 200, 200, 200, 409, 409, 409, 404]),
            ("committee chair",    &s.chair,         [403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 403, 404]),
            ("administrator",      &s.admin,         [403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 403, 404]),
        ];
        let mut failures = Vec::new();
        for (role, browser, expected) in &table {
            for ((name, step), want) in steps.iter().zip(expected) {
                let got = attempt_step(browser, step).await;
                if got != *want {
                    failures.push(format!("{role} / {name}: expected {want}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "authorization table mismatches:\n{}", failures.join("\n"));
        app.stop().await;
    }
}
