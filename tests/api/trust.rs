//! Issue 16, the holes found in review: each test here failed before its fix (docs/RELIABILITY.md).

use achat_ouvert::domain::users::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::evaluation::{organisation_of, user_id};
use crate::helpers::{Browser, PASSWORD, TestApp, api_token, criterion, published, spawn_app};
use crate::proposals::{COMPLETE, deposited, start};

async fn call(app: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = reqwest::Client::new().request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The audit log's actions, oldest first.
pub async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::audit_log;
        use diesel::prelude::*;
        audit_log::table
            .order(audit_log::id.asc())
            .select((audit_log::action, audit_log::details))
            .load::<(String, String)>(conn)
            .unwrap()
    })
    .await
}

/// The "Proposition N" labels on a page, in order.
fn labels(page: &str) -> Vec<u32> {
    let mut out: Vec<u32> = page
        .split("Proposition ")
        .skip(1)
        .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

both_backends! {
    async fn a_declared_conflict_is_one_way_hides_no_number_and_only_an_agent_lifts_it(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Évaluation à l’aveugle, trois offres").await;
        let mut suppliers: Vec<Browser> = Vec::new();
        for (email, n) in [("owner@alpha.example", 721u64), ("owner@beta.example", 722), ("owner@gamma.example", 723)] {
            let s = app.supplier_owner(email, n).await;
            let p = start(&s, objective, &COMPLETE).await;
            deposited(&s, p).await;
            suppliers.push(s);
        }
        let member = app.staff("m@region.example", &[Role::Committee]).await;
        let later_admin = app.staff("later@region.example", &[Role::Committee]).await;
        app.create_staff("both@region.example", &[Role::Committee, Role::Admin]).await;
        let committee = format!("/objectives/{objective}/committee");
        assert_eq!(agent.submit(&committee, &format!("{committee}/settings"), &[("blind", "true"), ("aggregation", "mean")]).await.status(), 303);
        for email in ["m@region.example", "later@region.example"] {
            let id = user_id(&app, email).await.to_string();
            assert_eq!(agent.submit(&committee, &committee, &[("user", &id)]).await.status(), 303);
        }
        // An administrator (who reads the audit log) is not appointed, nor offered.
        let both = user_id(&app, "both@region.example").await.to_string();
        let r = agent.submit(&committee, &committee, &[("user", &both)]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("journal d’audit"));
        assert!(!agent.text(&committee).await.contains("both@region.example"), "not a candidate");

        app.clock.advance(chrono::Duration::days(31));
        for (b, e) in [(&agent, "agent@region.example"), (&member, "m@region.example"), (&later_admin, "later@region.example")] {
            assert_eq!(b.sign_in(e, PASSWORD).await.status(), 303);
        }
        agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await;
        let workspace = format!("/objectives/{objective}/evaluation");
        let orgs = [
            organisation_of(&app, "owner@alpha.example").await,
            organisation_of(&app, "owner@beta.example").await,
            organisation_of(&app, "owner@gamma.example").await,
        ];
        let declarations = format!("{workspace}/declarations");
        // The member declares a conflict with the first depositor.
        let (f0, f1, f2, n0) = (format!("org_{}", orgs[0]), format!("org_{}", orgs[1]), format!("org_{}", orgs[2]), format!("note_{}", orgs[0]));
        let r = member.submit(&workspace, &declarations, &[(&f0, "conflict"), (&n0, "Ancien employeur"), (&f1, "none"), (&f2, "none")]).await;
        assert_eq!(r.status(), 303);
        // Blind labels: two proposals, numbered 1 and 2; no gap tells which one is hidden.
        let page = member.text(&workspace).await;
        assert_eq!(labels(&page), vec![1, 2], "{page}");
        assert!(page.contains("ne peut pas être retiré"));

        // The member cannot withdraw the conflict, on the page or in the API.
        let r = member.submit(&workspace, &declarations, &[(&f0, "none"), (&n0, ""), (&f1, "none"), (&f2, "none")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("ne peut pas être retiré"));
        let token = api_token(&member).await;
        let body = json!({ "declarations": orgs.iter().map(|o| json!({ "organisation_id": o, "conflict": false })).collect::<Vec<_>>() });
        let (status, err) = call(&app, &token, reqwest::Method::PUT, &format!("/api/v1{workspace}/declarations"), Some(body)).await;
        assert_eq!(status, 409, "{err}");
        assert_eq!(err["error"]["code"], "conflict_is_final");
        assert_eq!(labels(&member.text(&workspace).await), vec![1, 2], "still hidden");
        let (_, w) = call(&app, &token, reqwest::Method::GET, &format!("/api/v1{workspace}"), None).await;
        assert_eq!(w["proposals"].as_array().unwrap().len(), 2);

        // Only an agent lifts it, with a reason, audited.
        let m = user_id(&app, "m@region.example").await.to_string();
        let org0 = orgs[0].to_string();
        let lift = format!("{committee}/conflicts/lift");
        assert_eq!(member.submit(&workspace, &lift, &[("user", &m), ("organisation", &org0), ("reason", "Je me suis trompé de ligne")]).await.status(), 403);
        assert_eq!(agent.submit(&committee, &lift, &[("user", &m), ("organisation", &org0), ("reason", "court")]).await.status(), 409);
        assert!(!audit_actions(&app).await.iter().any(|(a, _)| a == "evaluation.conflict_lifted"), "a refusal changes nothing");
        assert!(agent.text(&committee).await.contains("Ancien employeur"));
        let r = agent.submit(&committee, &lift, &[("user", &m), ("organisation", &org0), ("reason", "Déclaré par erreur : confusion de raison sociale")]).await;
        assert_eq!(r.status(), 303);
        let lifted: Vec<(String, String)> = audit_actions(&app).await.into_iter().filter(|(a, _)| a == "evaluation.conflict_lifted").collect();
        assert_eq!(lifted.len(), 1);
        assert!(lifted[0].1.contains("confusion de raison sociale"));
        assert_eq!(labels(&member.text(&workspace).await), vec![1, 2, 3]);
        let agent_token = api_token(&agent).await;
        let (status, _) = call(&app, &agent_token, reqwest::Method::POST, &format!("/api/v1{committee}/conflicts/lift"), Some(json!({ "user_id": m.parse::<i64>().unwrap(), "organisation_id": orgs[0], "reason": "Encore une fois, par erreur" }))).await;
        assert_eq!(status, 404, "nothing left to lift");

        // A member who becomes an administrator after the appointment no longer sits.
        assert_eq!(later_admin.get(&workspace).await.status(), 200);
        let later = achat_ouvert::db::ids::UserId(user_id(&app, "later@region.example").await);
        let now = chrono::Utc::now().naive_utc();
        app.with_db(move |conn| achat_ouvert::domain::users::set_roles(conn, later, &[Role::Committee, Role::Admin], now).unwrap()).await;
        assert_eq!(later_admin.get(&workspace).await.status(), 403);
        app.stop().await;
    }
}

both_backends! {
    async fn inviting_an_address_with_an_account_answers_as_a_new_one_and_invitations_are_limited(backend) {
        let app = spawn_app(backend).await;
        let alpha = app.supplier_owner("owner@alpha.example", 731).await;
        let _beta = app.supplier_owner("owner@beta.example", 732).await;
        let token = api_token(&alpha).await;
        let invite = |email: &str| json!({ "email": email });
        // Page: the same redirect for an address with an account and for a new one.
        let known = alpha.submit("/organisation", "/organisation/invitations", &[("email", "owner@beta.example")]).await;
        let fresh = alpha.submit("/organisation", "/organisation/invitations", &[("email", "new@alpha.example")]).await;
        assert_eq!(known.status(), 303);
        assert_eq!(fresh.status(), 303);
        assert_eq!(known.headers()["location"], fresh.headers()["location"]);
        // API: the same 201 and the same (empty) body.
        let (s1, b1) = call(&app, &token, reqwest::Method::POST, "/api/v1/organisation/invitations", Some(invite("owner@beta.example"))).await;
        let (s2, b2) = call(&app, &token, reqwest::Method::POST, "/api/v1/organisation/invitations", Some(invite("other@alpha.example"))).await;
        assert_eq!((s1, &b1), (201, &b2));
        assert_eq!(s2, 201);
        // Both show as pending invitations, alike.
        let page = alpha.text("/organisation").await;
        assert!(page.contains("owner@beta.example") && page.contains("new@alpha.example"));
        // The new address gets a link to accept; the account's owner a mail saying what happened.
        assert!(app.last_mail_to("new@alpha.example").await.body_text.contains("/invitations/accept"));
        let told = app.last_mail_to("owner@beta.example").await;
        assert!(told.subject.contains("Entreprise 731"), "{}", told.subject);
        assert!(told.body_text.contains("déjà un compte") && !told.body_text.contains("/invitations/accept"));
        // 20 invitations an hour per organisation: 4 sent, 16 more, then a clear refusal.
        for i in 0..16 {
            let (s, _) = call(&app, &token, reqwest::Method::POST, "/api/v1/organisation/invitations", Some(invite(&format!("n{i}@alpha.example")))).await;
            assert_eq!(s, 201, "invitation {i}");
        }
        let mails = app.outbox().await.len();
        let r = reqwest::Client::new().post(app.url("/api/v1/organisation/invitations")).bearer_auth(&token).json(&invite("late@alpha.example")).send().await.unwrap();
        assert_eq!(r.status(), 429);
        assert!(r.headers().contains_key("retry-after"));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "too_many_requests");
        let page = alpha.submit("/organisation", "/organisation/invitations", &[("email", "late@alpha.example")]).await;
        assert_eq!(page.status(), 429);
        assert!(page.text().await.unwrap().contains("Trop de"));
        assert_eq!(app.outbox().await.len(), mails, "nothing sent once refused");
        // An hour later, invitations go again.
        app.clock.advance(chrono::Duration::minutes(61));
        let (s, _) = call(&app, &token, reqwest::Method::POST, "/api/v1/organisation/invitations", Some(invite("late@alpha.example"))).await;
        assert_eq!(s, 201);
        app.stop().await;
    }
}

both_backends! {
    async fn an_invited_consortium_member_sees_only_the_invitation_until_it_confirms(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Rénovation des internats").await;
        let lead = app.supplier_owner("owner@lead.example", 741).await;
        let member = app.supplier_owner("owner@member.example", 742).await;
        let proposal = start(&lead, objective, &COMPLETE).await;
        crate::proposals::attach(&lead, proposal, &[("Offre.pdf", crate::proposals::PDF.to_vec())]).await;
        let receipt = deposited(&lead, proposal).await;
        let lead_page = lead.text(&format!("/proposals/{proposal}")).await;
        let marker = format!("/proposals/{proposal}/attachments/");
        let start_at = lead_page.find(&marker).expect("an attachment link") + marker.len();
        let attachment: String = lead_page[start_at..].chars().take_while(char::is_ascii_digit).collect();
        let added = lead.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/consortium"), &[
            ("identifier_type", "siret"), ("identifier", &crate::helpers::siret(742)), ("role", "Maîtrise d’œuvre"), ("consortium_type", "solidaire"),
        ]).await;
        assert_eq!(added.status(), 303);

        // Invited, not confirmed: the invitation, and nothing of the proposal.
        let page = member.text(&format!("/proposals/{proposal}")).await;
        assert!(page.contains("Maîtrise d’œuvre") && page.contains("Entreprise 741"), "{page}");
        assert!(!page.contains("Chaufferies bois") && !page.contains("Offre.pdf"), "{page}");
        assert_eq!(member.get(&format!("/proposals/{proposal}/attachments/{attachment}")).await.status(), 403);
        assert_eq!(member.get(&format!("/receipts/{receipt}")).await.status(), 403);
        let token = api_token(&member).await;
        let (status, _) = call(&app, &token, reqwest::Method::GET, &format!("/api/v1/proposals/{proposal}"), None).await;
        assert_eq!(status, 403);
        let (_, list) = call(&app, &token, reqwest::Method::GET, "/api/v1/proposals", None).await;
        let row = list.as_array().unwrap().iter().find(|p| p["id"] == proposal).unwrap().clone();
        assert_eq!(row["title"], "");
        assert_eq!(row["deposits"].as_array().unwrap().len(), 0);
        assert!(!member.text("/proposals").await.contains("Chaufferies bois"));

        // Its owner confirms from the invitation: now the organisation reads it.
        let terms = row["terms_version"].as_i64().unwrap().to_string();
        let r = member.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/consortium/confirm"), &[("terms", &terms)]).await;
        assert_eq!(r.status(), 303);
        assert!(member.text(&format!("/proposals/{proposal}")).await.contains("Chaufferies bois"));
        assert_eq!(member.get(&format!("/proposals/{proposal}/attachments/{attachment}")).await.status(), 200);
        assert_eq!(member.get(&format!("/receipts/{receipt}")).await.status(), 200);
        let (status, _) = call(&app, &token, reqwest::Method::GET, &format!("/api/v1/proposals/{proposal}"), None).await;
        assert_eq!(status, 200);
        app.stop().await;
    }
}

/// Posts a deposit through the API while another transaction holds the objective's lock (and, on
/// SQLite, the writer's turn): the request arrives, the clock moves by `wait`, the lock is let go.
async fn deposit_while_locked(
    app: &TestApp,
    token: &str,
    objective: i64,
    proposal: i64,
    wait: chrono::Duration,
) -> (u16, Value) {
    let (locked_tx, locked_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let mut conn = app.database.connect();
    let holder = std::thread::spawn(move || {
        achat_ouvert::db::write_tx(&mut conn, |c| {
            let key = achat_ouvert::db::locks::objective_lock_key(achat_ouvert::db::ids::ObjectiveId(objective));
            achat_ouvert::db::serialize(c, key)?;
            locked_tx.send(()).unwrap();
            release_rx.recv().unwrap();
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    });
    locked_rx.recv().unwrap();
    let request = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/proposals/{proposal}/deposits")))
        .bearer_auth(token)
        .json(&json!({}))
        .send();
    let request = actix_web::rt::spawn(request);
    // The request has arrived and waits (for the token's last-use write or the deposit's lock).
    actix_web::rt::time::sleep(std::time::Duration::from_millis(700)).await;
    app.clock.advance(wait);
    release_tx.send(()).unwrap();
    let r = request.await.unwrap().unwrap();
    holder.join().unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

both_backends! {
    async fn a_deposit_that_arrives_in_time_stands_however_long_it_waits_for_the_lock(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Dépôt à la dernière seconde").await;
        let supplier = app.supplier_owner("owner@alpha.example", 751).await;
        let proposal = start(&supplier, objective, &COMPLETE).await;
        let deadline = app.with_db(move |conn| {
            achat_ouvert::domain::objectives::load(conn, achat_ouvert::db::ids::ObjectiveId(objective)).unwrap().unwrap().objective.deadline_at.unwrap()
        }).await;
        let before = |s: i64| (deadline - chrono::Duration::seconds(s)).and_utc();
        app.clock.set(before(30));
        assert_eq!(supplier.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        assert_eq!(agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        let (token, agent_token) = (api_token(&supplier).await, api_token(&agent).await);

        // Sent 1 s before the deadline, it waits 3 s for the lock: it stands, not late.
        app.clock.set(before(1));
        let (status, receipt) = deposit_while_locked(&app, &token, objective, proposal, chrono::Duration::seconds(3)).await;
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(receipt["late"], false, "{receipt}");
        let deadline_text = deadline.format("%Y-%m-%dT%H:%M:%S").to_string();
        assert!(receipt["upload_started_at"].as_str().unwrap() < deadline_text.as_str(), "{receipt}");
        assert!(receipt["deposited_at"].as_str().unwrap() > deadline_text.as_str(), "committed after the deadline: {receipt}");
        // The opening waits the grace, so nothing arrived in time is left behind it.
        let (status, _) = call(&app, &agent_token, reqwest::Method::POST, &format!("/api/v1/objectives/{objective}/opening"), None).await;
        assert_eq!(status, 409, "not before the grace has passed");

        // Bounded: one that arrived in time but commits more than 60 s after the deadline is kept,
        // marked late, and the earlier one stands.
        app.clock.set(before(1));
        let (status, late) = deposit_while_locked(&app, &token, objective, proposal, chrono::Duration::seconds(62)).await;
        assert_eq!(status, 201, "{late}");
        assert_eq!(late["late"], true, "{late}");
        // Sent after the deadline: refused outright.
        let (status, refused) = call(&app, &token, reqwest::Method::POST, &format!("/api/v1/proposals/{proposal}/deposits"), Some(json!({}))).await;
        assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("closed")));

        let (status, opened) = call(&app, &agent_token, reqwest::Method::POST, &format!("/api/v1/objectives/{objective}/opening"), None).await;
        assert!(status < 300, "{status} {opened}");
        let standing: Vec<(bool, bool)> = app.with_db(move |conn| {
            use achat_ouvert::db::schema::deposits;
            use diesel::prelude::*;
            deposits::table
                .filter(deposits::proposal_id.eq(proposal))
                .order(deposits::id.asc())
                .select((deposits::late, deposits::opened_at.is_not_null()))
                .load(conn)
                .unwrap()
        }).await;
        assert_eq!(standing, vec![(false, true), (true, false)], "the on-time one is opened, the late one not");
        app.stop().await;
    }
}

both_backends! {
    async fn smaller_holes_bids_bulk_ocds_login_key_practice_file_names_head_and_receipt_numbers(backend) {
        use achat_ouvert::domain::proposals::deposits;
        let app = spawn_app(backend).await;
        let anonymous = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

        // The bulk OCDS package with nothing published: a clear 404 JSON body, not an invalid
        // package (the schema wants at least one release).
        let r = anonymous.get(app.url("/api/v1/ocds/objectives.json")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "no_published_objective", "{body}");

        // HEAD answers like GET, on every kind of GET route.
        for path in ["/", "/objectives", "/login", "/register", "/health", "/directory", "/practices", "/feeds/objectives.atom", "/api/v1/objectives", "/api/v1/openapi.json", "/receipts/verify", "/account", "/nowhere"] {
            let get = anonymous.get(app.url(path)).send().await.unwrap();
            let head = anonymous.head(app.url(path)).send().await.unwrap();
            assert_eq!(head.status(), get.status(), "HEAD {path}");
            assert!(head.bytes().await.unwrap().is_empty(), "no body for HEAD {path}");
        }
        assert_eq!(anonymous.head(app.url("/")).send().await.unwrap().status(), 200);

        // GET /practice changes nothing; its button does.
        let supplier = app.supplier_owner("owner@alpha.example", 761).await;
        let objectives = || app.with_db(|conn| {
            use achat_ouvert::db::schema::objectives;
            use diesel::prelude::*;
            objectives::table.count().get_result::<i64>(conn).unwrap()
        });
        let before = objectives().await;
        assert_eq!(supplier.get("/practice").await.status(), 200);
        assert_eq!(objectives().await, before, "a GET created nothing");
        assert_eq!(supplier.submit("/practice", "/practice", &[]).await.status(), 303);
        assert_eq!(objectives().await, before + 1);
        assert_eq!(supplier.get("/practice").await.status(), 303, "then straight to it");

        // File names lose their bidirectional and zero-width characters.
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Comptage des offres").await;
        let proposal = start(&supplier, objective, &COMPLETE).await;
        let token = api_token(&supplier).await;
        let form = reqwest::multipart::Form::new().percent_encode_noop().part("file", reqwest::multipart::Part::bytes(crate::proposals::PDF.to_vec()).file_name("facture\u{202E}fdp.exe\u{2066}.pdf"));
        let r = anonymous.post(app.url(&format!("/api/v1/proposals/{proposal}/attachments"))).bearer_auth(&token).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let with_file: Value = r.json().await.unwrap();
        let name = with_file["attachments"][0]["name"].as_str().unwrap().to_owned();
        assert_eq!(name, "facturefdp.exe.pdf");

        // The login's rate-limit key is bounded whatever is typed.
        let huge = format!("{}@example.org", "a".repeat(300_000));
        let r = app.browser().submit("/login", "/login", &[("email", &huge), ("password", "nope")]).await;
        assert!(!r.status().is_server_error(), "{}", r.status());
        let longest = app.with_db(|conn| {
            use achat_ouvert::db::schema::rate_limits;
            use diesel::prelude::*;
            rate_limits::table.select(rate_limits::bucket).load::<String>(conn).unwrap().into_iter().map(|b| b.len()).max().unwrap_or(0)
        }).await;
        assert!(longest <= 100, "a bucket of {longest} bytes");
        let longest_actor = app.with_db(|conn| {
            use achat_ouvert::db::schema::audit_log;
            use diesel::prelude::*;
            audit_log::table.select(audit_log::actor).load::<String>(conn).unwrap().into_iter().map(|a| a.chars().count()).max().unwrap_or(0)
        }).await;
        assert!(longest_actor <= 300, "an audit actor of {longest_actor} characters");

        // A receipt number already taken is drawn again, never failing the deposit.
        let first = deposited(&supplier, proposal).await;
        let taken: String = supplier.get(&format!("/receipts/{first}/json")).await.json::<Value>().await.unwrap()["receipt_number"].as_str().unwrap().to_owned();
        let fresh = "AO-TEST-FREE-0001".to_owned();
        let mut draws = vec![fresh.clone(), taken.clone(), taken.clone()];
        let got = app.with_db(move |conn| deposits::unused_receipt_number(conn, &mut || draws.pop().unwrap()).unwrap()).await;
        assert_eq!(got, fresh);

        // The public bid count counts only the deposits standing at the deadline: not a late one,
        // nor a withdrawn one.
        let late_supplier = app.supplier_owner("owner@late.example", 762).await;
        let late_proposal = start(&late_supplier, objective, &COMPLETE).await;
        let gone_supplier = app.supplier_owner("owner@gone.example", 763).await;
        let gone = start(&gone_supplier, objective, &COMPLETE).await;
        deposited(&gone_supplier, gone).await;
        let w = gone_supplier.submit(&format!("/proposals/{gone}/withdraw"), &format!("/proposals/{gone}/withdraw"), &[("confirm", "true")]).await;
        assert_eq!(w.status(), 303);
        let late_user = user_id(&app, "owner@late.example").await;
        app.with_db(move |conn| {
            use achat_ouvert::db::ids::{ObjectiveId, ProposalId, UserId};
            let deadline = achat_ouvert::domain::objectives::load(conn, ObjectiveId(objective)).unwrap().unwrap().objective.deadline_at.unwrap();
            let link = |d: achat_ouvert::db::ids::DepositId| format!("http://x/receipts/{d}");
            let depositor = deposits::Depositor { user: UserId(late_user), buyer: "Région", receipt_link: &link, reviewed: None };
            let started = deadline - chrono::Duration::seconds(2);
            deposits::deposit(conn, ProposalId(late_proposal), deposits::Kind::Deposit, &depositor, started, &|| deadline + deposits::DEPOSIT_GRACE + chrono::Duration::seconds(1)).unwrap();
        }).await;
        app.clock.advance(chrono::Duration::days(31));
        let release: Value = anonymous.get(app.url(&format!("/api/v1/objectives/{objective}/ocds.json"))).send().await.unwrap().json().await.unwrap();
        let bids = &release["releases"][0]["bids"]["statistics"][0];
        assert_eq!((bids["measure"].as_str(), bids["value"].as_i64()), (Some("bids"), Some(1)), "{release}");
        let all = anonymous.get(app.url("/api/v1/ocds/objectives.json")).send().await.unwrap();
        assert_eq!(all.status(), 200, "once something is published, the package is given");
        app.stop().await;
    }
}

both_backends! {
    async fn the_chair_releases_the_seat_of_a_member_disabled_mid_draft_and_the_committee_decides(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let admin = app.staff("admin@region.example", &[Role::Admin]).await;
        let objective = published(&app, &agent, "Un membre part en cours d’évaluation").await;
        let (climate, support) = (criterion(&app, "env-climate").await, criterion(&app, "change-support").await);
        let mut proposals = Vec::new();
        let supplier = app.supplier_owner("owner@alpha.example", 731).await;
        for (s, email, n) in [(None, "", 0u64), (Some(()), "owner@beta.example", 732)] {
            let s = if s.is_none() { supplier.clone() } else { app.supplier_owner(email, n).await };
            let p = start(&s, objective, &COMPLETE).await;
            deposited(&s, p).await;
            proposals.push(p);
        }
        let chair = app.staff("chair@region.example", &[Role::Committee]).await;
        let other = app.staff("other@region.example", &[Role::Committee]).await;
        let leaving = app.staff("leaving@region.example", &[Role::Committee]).await;
        let committee = format!("/objectives/{objective}/committee");
        for (email, is_chair) in [("chair@region.example", "true"), ("other@region.example", "false"), ("leaving@region.example", "false")] {
            let id = user_id(&app, email).await.to_string();
            assert_eq!(agent.submit(&committee, &committee, &[("user", &id), ("chair", is_chair)]).await.status(), 303);
        }
        app.clock.advance(chrono::Duration::days(31));
        for (b, e) in [(&agent, "agent@region.example"), (&admin, "admin@region.example"), (&chair, "chair@region.example"), (&other, "other@region.example"), (&leaving, "leaving@region.example"), (&supplier, "owner@alpha.example")] {
            assert_eq!(b.sign_in(e, PASSWORD).await.status(), 303);
        }
        let proposals_page = format!("/objectives/{objective}/proposals");
        assert_eq!(agent.submit(&proposals_page, &format!("{proposals_page}/open"), &[]).await.status(), 303);
        let workspace = format!("/objectives/{objective}/evaluation");
        let orgs = [organisation_of(&app, "owner@alpha.example").await, organisation_of(&app, "owner@beta.example").await];
        let declarations: Vec<(String, String)> = orgs.iter().map(|o| (format!("org_{o}"), "none".to_owned())).collect();
        let refs: Vec<(&str, &str)> = declarations.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        for b in [&chair, &other, &leaving] {
            assert_eq!(b.submit(&workspace, &format!("{workspace}/declarations"), &refs).await.status(), 303);
        }
        let (sc, ss, jc, js) = (format!("score_{climate}"), format!("score_{support}"), format!("just_{climate}"), format!("just_{support}"));
        let why = "Une justification assez longue pour être acceptée par le comité.";
        for b in [&chair, &other] {
            for p in &proposals {
                let page = format!("{workspace}/{p}");
                let r = b.submit(&page, &page, &[("action", "submit"), (&sc, "4"), (&jc, why), (&ss, "3"), (&js, why)]).await;
                assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
            }
        }
        // The leaving member saves a draft on the first proposal only.
        let page = format!("{workspace}/{}", proposals[0]);
        assert_eq!(leaving.submit(&page, &page, &[("action", "save"), (&sc, "2"), (&jc, why)]).await.status(), 303);
        let decision = format!("{workspace}/decision");
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &decision, &[]).await.status(), 409, "two evaluations awaited");

        // While the account is active, the seat is not released: no link, refused on the page and its form.
        let leaving_id = user_id(&app, "leaving@region.example").await;
        let release = format!("{workspace}/members/{leaving_id}/release");
        assert!(!chair.text(&format!("{workspace}/progress")).await.contains(&release));
        assert_eq!(chair.get(&release).await.status(), 409);
        let r = chair.submit(&format!("{workspace}/progress"), &release, &[("reason", "Le membre ne répond plus du tout")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("peut encore terminer"));

        // The administrator disables the account: the chair is offered the release.
        let disable = format!("/admin/users/{leaving_id}/disable");
        assert_eq!(admin.submit(&disable, &disable, &[]).await.status(), 303);
        let progress = chair.text(&format!("{workspace}/progress")).await;
        assert!(progress.contains(&format!("href=\"{release}\"")) && progress.contains("compte désactivé"), "{progress}");
        let confirm = chair.text(&release).await;
        assert!(confirm.contains("Libérer le siège") && confirm.contains("Les 2 évaluations que ce membre n’a pas soumises"), "{confirm}");
        // Nobody but the chair releases; a reason is needed; a refusal writes nothing.
        assert_eq!(other.get(&release).await.status(), 403);
        assert_eq!(other.submit(&workspace, &release, &[("reason", "Je ne suis pas président")]).await.status(), 403);
        assert_eq!(agent.submit(&committee, &release, &[("reason", "Les agents ne siègent pas")]).await.status(), 403);
        assert!(matches!(supplier.submit("/work", &release, &[("reason", "Je ne siège pas ici")]).await.status().as_u16(), 403 | 404));
        let r = chair.submit(&release, &release, &[("reason", "court")]).await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("href=\"#reason\"") && body.contains(">court</textarea>"), "{body}");
        assert!(!audit_actions(&app).await.iter().any(|(a, _)| a == "evaluation.seat_released"), "refusals change nothing");
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &decision, &[]).await.status(), 409, "still awaited");

        // Released with a reason, audited; the committee decides without the unsubmitted work.
        let r = chair.submit(&release, &release, &[("reason", "A quitté la région, compte désactivé")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], format!("{workspace}/progress?done=released"));
        let released: Vec<(String, String)> = audit_actions(&app).await.into_iter().filter(|(a, _)| a == "evaluation.seat_released").collect();
        assert_eq!(released.len(), 1);
        assert!(released[0].1.contains("A quitté la région"));
        let progress = chair.text(&format!("{workspace}/progress?done=released")).await;
        assert!(progress.contains("Siège libéré") && progress.contains("Le siège est libéré") && !progress.contains(&format!("href=\"{release}\"")), "{progress}");
        let token = api_token(&chair).await;
        let (status, err) = call(&app, &token, reqwest::Method::POST, &format!("/api/v1{release}"), Some(json!({ "reason": "Encore une fois pour voir" }))).await;
        assert_eq!((status, err["error"]["code"].as_str()), (409, Some("seat_released")), "{err}");
        let (status, _) = call(&app, &token, reqwest::Method::POST, &format!("/api/v1{release}"), Some(json!({ "raison": 1 }))).await;
        assert_eq!(status, 400, "a body without its reason");
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &decision, &[]).await.status(), 303);
        app.stop().await;
    }
}

/// The hex SHA-256 of some bytes, as the platform records it.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

both_backends! {
    /// Opening and downloads check stored files against the hashes recorded when they were
    /// received (a deposit's receipt names them): an altered or missing file is never served, the
    /// mismatch goes to the audit log, the objective's proposals page and the agents' work list;
    /// an intact file is served whole, with its length.
    async fn altered_or_missing_files_are_never_served_and_the_agents_are_told(backend) {
        use crate::proposals::{PDF, attach};
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let token = api_token(&agent).await;
        let objective = published(&app, &agent, "Empreintes des fichiers").await;
        let notice = crate::documents::upload(&agent, objective, &[("reglement.pdf", PDF.to_vec())], Some("Le règlement de la consultation")).await;
        assert_eq!(notice.status(), 303);
        let mut deposits = Vec::new();
        for (n, email) in [(781, "owner@alpha.example"), (782, "owner@beta.example"), (783, "owner@gamma.example")] {
            let supplier = app.supplier_owner(email, n).await;
            let proposal = start(&supplier, objective, &COMPLETE).await;
            assert_eq!(attach(&supplier, proposal, &[("mémoire.pdf", PDF.to_vec())]).await.status(), 303);
            let deposit = deposited(&supplier, proposal).await;
            deposits.push((supplier, deposit));
        }
        let (da, db, dc) = (deposits[0].1, deposits[1].1, deposits[2].1);

        // Someone with access to the disk changes alpha's deposited file, deletes beta's and
        // changes the objective's public document; gamma's is left alone.
        let keys = app.with_db(move |conn| {
            use achat_ouvert::db::schema::{deposit_documents, objective_documents};
            use diesel::prelude::*;
            let of = |conn: &mut achat_ouvert::db::DbConnection, d: i64| deposit_documents::table.filter(deposit_documents::deposit_id.eq(d)).select(deposit_documents::storage_key).first::<String>(conn).unwrap();
            let doc: (i64, String) = objective_documents::table.select((objective_documents::id, objective_documents::storage_key)).first(conn).unwrap();
            (of(conn, da), of(conn, db), of(conn, dc), doc)
        }).await;
        let (key_a, key_b, key_c, (document, key_doc)) = keys;
        assert!(key_c != key_a && key_c != key_b, "each deposit has its own file");
        let uploads = app.database.data_dir.path().join("uploads");
        let altered = b"%PDF-1.4 altered after the deposit".to_vec();
        std::fs::write(uploads.join(&key_a), &altered).unwrap();
        std::fs::remove_file(uploads.join(&key_b)).unwrap();
        std::fs::write(uploads.join(&key_doc), b"%PDF-1.4 another rule").unwrap();
        let integrity = || async {
            audit_actions(&app).await.into_iter().filter(|(a, _)| a == "storage.integrity_failed").map(|(_, d)| serde_json::from_str::<Value>(&d).unwrap()).collect::<Vec<_>>()
        };

        // The author's own download is refused in words, and recorded; nothing of the file goes out.
        let alpha = &deposits[0].0;
        let r = alpha.get(&format!("/deposits/{da}/documents/0")).await;
        assert_eq!(r.status(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("ne correspond plus à l’empreinte enregistrée"), "{page}");
        assert!(!page.contains("altered after"), "{page}");
        // A visitor's download of the altered public document too; recorded without a user.
        let r = reqwest::get(app.url(&format!("/objectives/{objective}/documents/{document}"))).await.unwrap();
        assert_eq!(r.status(), 409);
        let found = integrity().await;
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0]["during"], "download");
        assert_eq!(found[0]["deposit"], da);
        assert_eq!(found[0]["expected_sha256"], sha256_hex(PDF));
        assert_eq!(found[0]["found_sha256"], sha256_hex(&altered));
        assert!(found[0].get("file").is_none(), "a proposal's file name stays out of the audit log: {found:?}");
        assert_eq!(found[1]["deposit"], Value::Null);
        assert_eq!(found[1]["file"], "reglement.pdf", "a public document is named");
        // Gamma's intact file is served, whole, with its length.
        let gamma = &deposits[2].0;
        let r = gamma.get(&format!("/deposits/{dc}/documents/0")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-length"].to_str().unwrap(), PDF.len().to_string());
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

        // The opening, after the deadline, checks every opened deposit's files: alpha's and beta's
        // are named (beta's as missing), gamma's is not.
        app.clock.advance(chrono::Duration::days(31));
        let (status, body) = call(&app, &token, reqwest::Method::POST, &format!("/api/v1/objectives/{objective}/opening"), None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["opened"], 3, "{body}");
        let named: Vec<(i64, Value)> = body["altered"].as_array().unwrap().iter().map(|m| (m["deposit"].as_i64().unwrap(), m["found_sha256"].clone())).collect();
        assert_eq!(named, vec![(da, json!(sha256_hex(&altered))), (db, Value::Null)], "{body}");
        assert!(body["altered"][0].get("storage_key").is_none(), "the storage key stays inside");
        let found = integrity().await;
        assert_eq!(found.len(), 4);
        assert!(found[2..].iter().all(|m| m["during"] == "opening"));

        // The agent reads them on the objective's proposals page and in the work list.
        assert_eq!(agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        let list = agent.text(&format!("/objectives/{objective}/proposals")).await;
        assert!(list.contains("Fichiers altérés"), "{list}");
        assert_eq!(list.matches("constaté à l’ouverture").count(), 2, "{list}");
        assert_eq!(list.matches("constaté au téléchargement").count(), 2, "{list}");
        assert!(list.contains(&format!("document 1 du dépôt n° {da}")) && list.contains("reglement.pdf"), "{list}");
        let work = agent.text("/work").await;
        assert!(work.contains(&format!("Fichier altéré : « document 1 du dépôt n° {db} » (Empreintes des fichiers), constaté le")), "{work}");
        assert!(!work.contains("mémoire"), "{work}");
        // The agent's own download of the altered file is refused too; gamma's opened one is served.
        assert_eq!(agent.get(&format!("/deposits/{da}/documents/0")).await.status(), 409);
        assert_eq!(agent.get(&format!("/deposits/{db}/documents/0")).await.status(), 409);
        let r = agent.get(&format!("/deposits/{dc}/documents/0")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
        app.stop().await;
    }
}
