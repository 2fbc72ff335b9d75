//! A person's own data (issue 18, item 5): the export covers each category of the privacy notice
//! for the person and nothing of another; the erasure keeps what the law requires (deposits and
//! their receipts, letters, the audit log, which still verify) under a pseudonym, deletes the
//! rest and signs out everywhere; its refusals (last owner, sitting member, last administrator,
//! wrong password, bad JSON) change nothing.

use achat_ouvert::db::schema::{
    api_tokens, audit_log, deposits, letters, messages, organisation_profiles, practices, questions, sessions,
    subscriptions, users,
};
use achat_ouvert::domain::users::Role;
use diesel::prelude::*;
use serde_json::Value;

use crate::award::{REASONS, results_published};
use crate::both_backends;
use crate::evaluation::{organisation_of, user_id};
use crate::helpers::{Browser, PASSWORD, TestApp, api_token, org_member, published, registration, siret, spawn_app};

/// Rows the test writes directly for categories no helper fills: a subscription, a question, a
/// message, a practice and a directory profile, each with the person's own words in it.
async fn own_rows(app: &TestApp, email: &'static str, other_email: &'static str, objective: i64, words: &'static str) {
    let (user, org, other_org) =
        (user_id(app, email).await, organisation_of(app, email).await, organisation_of(app, other_email).await);
    app.with_db(move |conn| {
        let now = chrono::Utc::now().naive_utc();
        diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::user_id.eq(user),
                subscriptions::theme.eq(Some("energie")),
                subscriptions::created_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(questions::table)
            .values((
                questions::objective_id.eq(objective),
                questions::asked_by.eq(Some(user)),
                questions::question.eq(format!("Question {words} ?")),
                questions::asked_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(messages::table)
            .values((
                messages::sender_organisation_id.eq(org),
                messages::sender_user_id.eq(user),
                messages::recipient_organisation_id.eq(other_org),
                messages::body.eq(format!("Message {words}")),
                messages::sent_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(practices::table)
            .values((
                practices::organisation_id.eq(org),
                practices::title.eq(format!("Pratique {words}")),
                practices::body.eq("Un texte."),
                practices::themes.eq("[\"energie\"]"),
                practices::status.eq("submitted"),
                practices::featured.eq(false),
                practices::submitted_by.eq(user),
                practices::submitted_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::delete(organisation_profiles::table.filter(organisation_profiles::organisation_id.eq(org)))
            .execute(conn)
            .unwrap();
        diesel::insert_into(organisation_profiles::table)
            .values((
                organisation_profiles::organisation_id.eq(org),
                organisation_profiles::listed.eq(false),
                organisation_profiles::presentation.eq(format!("Présentation {words}")),
                organisation_profiles::departments.eq(""),
                organisation_profiles::commitments.eq(""),
                organisation_profiles::search_text.eq(""),
                organisation_profiles::sectors_key.eq(""),
                organisation_profiles::sort_name.eq(""),
                organisation_profiles::updated_by.eq(user),
                organisation_profiles::updated_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
}

fn non_empty(export: &Value, key: &str) -> Vec<Value> {
    let list = export[key].as_array().unwrap_or_else(|| panic!("{key} is a list: {export}")).clone();
    assert!(!list.is_empty(), "{key} is empty: {export}");
    list
}

async fn audit_count(app: &TestApp) -> i64 {
    app.with_db(|conn| audit_log::table.count().get_result::<i64>(conn).unwrap()).await
}

/// The user row (email, name, password hash, disabled) and the counts of their sessions and tokens.
async fn state_of(app: &TestApp, id: i64) -> (String, String, Option<String>, bool, i64, i64) {
    app.with_db(move |conn| {
        let (email, name, hash, disabled) = users::table
            .find(id)
            .select((users::email, users::display_name, users::password_hash, users::disabled_at))
            .first::<(String, String, Option<String>, Option<chrono::NaiveDateTime>)>(conn)
            .unwrap();
        let s = sessions::table.filter(sessions::user_id.eq(id)).count().get_result::<i64>(conn).unwrap();
        let t = api_tokens::table.filter(api_tokens::user_id.eq(id)).count().get_result::<i64>(conn).unwrap();
        (email, name, hash, disabled.is_some(), s, t)
    })
    .await
}

async fn erase_api(app: &TestApp, token: &str, body: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/me/erasure"))
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn download(browser: &Browser) -> Value {
    let r = browser.get("/account/data.json").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    r.json().await.unwrap()
}

both_backends! {
    async fn the_export_holds_each_category_for_the_person_and_nothing_of_another(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Chaleur des lycées").await;
        let alpha = &s.suppliers[0];
        let secret = api_token(alpha).await;
        org_member(&app, alpha, "colleague@alpha.example").await;
        own_rows(&app, "owner@alpha.example", "owner@beta.example", s.objective, "d’Alpha").await;
        own_rows(&app, "owner@beta.example", "owner@alpha.example", s.objective, "de Beta").await;

        // The page says what the download holds and leads to it and to the erasure.
        let page = alpha.text("/account/data").await;
        assert!(page.contains("/account/data.json") && page.contains("Mes données"), "{page}");

        let export = download(alpha).await;
        let text = export.to_string();
        assert_eq!(export["account"]["email"], "owner@alpha.example");
        assert_eq!(export["organisation"]["role"], "owner");
        assert!(non_empty(&export, "sessions").iter().all(|s| s.get("user_agent").is_some()));
        assert_eq!(non_empty(&export, "api_tokens")[0]["name"], "tests");
        assert!(non_empty(&export, "invitations_sent").iter().any(|i| i["email"] == "colleague@alpha.example"));
        assert!(non_empty(&export, "profiles_edited")[0]["presentation"].as_str().unwrap().contains("d’Alpha"));
        non_empty(&export, "proposals");
        assert!(non_empty(&export, "deposits").iter().all(|d| d["receipt_number"].is_string()));
        assert!(non_empty(&export, "questions").iter().any(|q| q["question"] == "Question d’Alpha ?"));
        assert!(non_empty(&export, "messages_sent").iter().any(|m| m["body"] == "Message d’Alpha"));
        assert!(non_empty(&export, "practices").iter().any(|p| p["title"] == "Pratique d’Alpha"));
        assert_eq!(non_empty(&export, "subscriptions")[0]["theme"], "energie");
        let entries = non_empty(&export, "audit_entries");
        let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.contains(&"organisation.registered") && actions.contains(&"proposal.deposited"), "{actions:?}");
        assert!(non_empty(&export, "mails").iter().all(|m| m["subject"].is_string() && m.get("body_text").is_none()));

        // No secret: no hash of the password, of a token or of a session, no token, no mail body.
        let (hash, session_hashes): (String, Vec<String>) = app.with_db(|conn| {
            let hash = users::table.filter(users::email.eq("owner@alpha.example")).select(users::password_hash).first::<Option<String>>(conn).unwrap().unwrap();
            let ids = sessions::table.select(sessions::id_hash).load::<String>(conn).unwrap();
            (hash, ids)
        }).await;
        assert!(!text.contains(&hash) && !text.contains(&secret));
        assert!(session_hashes.iter().all(|h| !text.contains(h.as_str())));
        for key in ["password_hash", "token_hash", "id_hash", "csrf_token", "body_html", "prefix"] {
            assert!(!text.contains(&format!("\"{key}\"")), "{key} in {text}");
        }
        assert!(!text.contains("token="), "no link of a mail");
        // Nothing of another person.
        for theirs in ["owner@beta.example", "de Beta", "Entreprise 702", "owner@gamma.example", "agent@region.example"] {
            assert!(!text.contains(theirs), "{theirs} in {text}");
        }

        // The same through the API with a token; nothing without one.
        let api: Value = reqwest::Client::new().get(app.url("/api/v1/me/export")).bearer_auth(&secret).send().await.unwrap().json().await.unwrap();
        assert_eq!(api["account"], export["account"]);
        assert_eq!(api["deposits"], export["deposits"]);
        let anonymous = reqwest::Client::new().get(app.url("/api/v1/me/export")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        assert!(anonymous.json::<Value>().await.unwrap()["error"]["code"].is_string());
        assert_eq!(app.browser().get("/account/data.json").await.status(), 303, "pages send to sign-in");

        // A committee member's seats, declarations and own scores.
        let chair = download(&s.chair).await;
        assert!(non_empty(&chair, "committee_seats")[0]["chair"].as_bool().unwrap());
        non_empty(&chair, "conflict_declarations");
        let evaluations = non_empty(&chair, "evaluations");
        assert!(evaluations.iter().all(|e| !e["scores"].as_array().unwrap().is_empty()));
        assert!(chair["organisation"].is_null());
        // An agent's objectives.
        assert!(non_empty(&download(&s.agent).await, "objectives_created").iter().any(|o| o["title"] == "Chaleur des lycées"));
        app.stop().await;
    }
}

both_backends! {
    async fn erasing_a_supplier_keeps_what_the_law_requires_under_a_pseudonym(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Chaleur des lycées").await;
        let (o, p1) = (s.objective, s.proposals[0]);
        let award = format!("/objectives/{o}/award");
        let r = s.agent.submit(&award, &award, &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(r.status(), 303);
        let alpha = &s.suppliers[0];
        let id = user_id(&app, "owner@alpha.example").await;
        let secret = api_token(alpha).await;
        own_rows(&app, "owner@alpha.example", "owner@beta.example", o, "d’Alpha").await;
        let colleague = org_member(&app, alpha, "colleague@alpha.example").await;
        let colleague_id = user_id(&app, "colleague@alpha.example").await;
        let elsewhere = app.browser();
        assert_eq!(elsewhere.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);

        // The owner of an organisation with another member is refused, with the way out; nothing changes.
        let before = state_of(&app, id).await;
        let audit_before = audit_count(&app).await;
        let page = alpha.text("/account/erase").await;
        assert!(page.contains("propriétaire") && page.contains("href=\"/organisation\""), "{page}");
        assert!(!page.contains("name=\"password\""), "no form while refused");
        let refused = alpha.submit("/account", "/account/erase", &[("password", PASSWORD)]).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("Transférer la propriété"));
        let api = erase_api(&app, &secret, &format!("{{\"password\":\"{PASSWORD}\"}}")).await;
        assert_eq!(api.status(), 409);
        assert_eq!(api.json::<Value>().await.unwrap()["error"]["code"], "erasure_refused");
        assert_eq!(state_of(&app, id).await, before);
        assert_eq!(audit_count(&app).await, audit_before);

        // Handed over, the erasure is offered; a wrong password and a bad body change nothing.
        let moved = alpha.submit("/organisation", "/organisation/owner", &[("member_id", &colleague_id.to_string())]).await;
        assert_eq!(moved.status(), 303);
        let page = alpha.text("/account/erase").await;
        assert!(page.contains("name=\"password\"") && page.contains("définitive"), "{page}");
        let audit_before = audit_count(&app).await;
        let wrong = alpha.submit("/account", "/account/erase", &[("password", "pas le bon mot de passe")]).await;
        assert_eq!(wrong.status(), 422);
        let body = wrong.text().await.unwrap();
        assert!(body.contains("href=\"#password\"") && body.contains("aria-invalid=\"true\""), "{body}");
        let wrong = erase_api(&app, &secret, "{\"password\":\"pas le bon mot de passe\"}").await;
        assert_eq!(wrong.status(), 422);
        assert_eq!(wrong.json::<Value>().await.unwrap()["error"]["code"], "wrong_password");
        let bad = erase_api(&app, &secret, "{\"pass\":").await;
        assert_eq!(bad.status(), 400);
        assert!(bad.json::<Value>().await.unwrap()["error"]["message"].is_string());
        assert_eq!(state_of(&app, id).await, before);
        assert_eq!(audit_count(&app).await, audit_before);

        // What the law keeps, before.
        type Receipt = (String, String);
        let (receipts, letters_before): (Vec<Receipt>, i64) = app.with_db(move |conn| {
            let r = deposits::table.filter(deposits::depositor_id.eq(id)).select((deposits::receipt_number, deposits::deposit_hash)).load::<Receipt>(conn).unwrap();
            (r, letters::table.count().get_result(conn).unwrap())
        }).await;
        assert!(!receipts.is_empty());

        let done = alpha.submit("/account", "/account/erase", &[("password", PASSWORD)]).await;
        assert_eq!(done.status(), 303);
        assert_eq!(done.headers()["location"], "/account/erased");
        assert!(app.browser().text("/account/erased").await.contains("Compte effacé"));

        // The pseudonym; no password, disabled; no session, no token anywhere.
        let (email, name, hash, disabled, live_sessions, tokens) = state_of(&app, id).await;
        assert_eq!(email, format!("user-{id}@erased.invalid"));
        assert_eq!(name, format!("Compte supprimé n° {id}"));
        assert!(hash.is_none() && disabled);
        assert_eq!((live_sessions, tokens), (0, 0));
        assert_eq!(alpha.get("/account").await.status(), 303);
        assert_eq!(elsewhere.get("/account").await.status(), 303);
        let me = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(me.status(), 401);
        assert_ne!(alpha.sign_in("owner@alpha.example", PASSWORD).await.status(), 303, "the old sign-in fails");

        // Deposits, receipts (still valid), letters and the audit log stay; the chain verifies.
        let (kept, letters_after, verified, last, rest) = app.with_db(move |conn| {
            let kept = deposits::table.filter(deposits::depositor_id.eq(id)).select((deposits::receipt_number, deposits::deposit_hash)).load::<Receipt>(conn).unwrap();
            let letters_after: i64 = letters::table.count().get_result(conn).unwrap();
            let verified = achat_ouvert::domain::audit::verify(conn).unwrap();
            let last = audit_log::table.filter(audit_log::action.eq("user.erased")).select((audit_log::action, audit_log::actor, audit_log::actor_user_id)).first::<(String, String, Option<i64>)>(conn).unwrap();
            let subs: i64 = subscriptions::table.filter(subscriptions::user_id.eq(id)).count().get_result(conn).unwrap();
            let asked: i64 = questions::table.filter(questions::asked_by.eq(Some(id))).count().get_result(conn).unwrap();
            let sent: i64 = messages::table.filter(messages::sender_user_id.eq(id)).count().get_result(conn).unwrap();
            (kept, letters_after, verified, last, (subs, asked, sent))
        }).await;
        assert_eq!(kept, receipts);
        assert_eq!(letters_after, letters_before);
        assert!(verified.is_ok(), "{verified:?}");
        assert_eq!(last, ("user.erased".to_owned(), format!("user:{id}"), Some(id)));
        assert_eq!(rest, (0, 0, 1), "subscriptions and the question's author go; the organisation's message stays");
        for (number, hash) in &receipts {
            let check: Value = reqwest::Client::new()
                .get(app.url("/api/v1/receipts/verify"))
                .query(&[("number", number.as_str()), ("hash", hash.as_str())])
                .send().await.unwrap().json().await.unwrap();
            assert_eq!(check["valid"], true, "{number}");
        }
        // The administrators' audit page and API show the pseudonym for the entries written
        // before the erasure (stored as written: the chain above still verifies).
        let admin = app.admin("auditor@region.example").await;
        let page = admin.text("/admin/audit?action=auth.sign_in").await;
        assert!(page.contains(&format!("Compte supprimé n° {id}")), "{page}");
        // (A failed sign-in typed with the address after the erasure is someone else's attempt,
        // stored as typed: `anonymous:owner@alpha.example`.)
        assert!(!page.contains("<td>owner@alpha.example</td>"), "{page}");
        let admin_token = api_token(&admin).await;
        let listed = reqwest::Client::new().get(app.url("/api/v1/admin/audit?action=auth.sign_in")).bearer_auth(&admin_token).send().await.unwrap().text().await.unwrap();
        assert!(listed.contains(&format!("Compte supprimé n° {id}")) && !listed.contains("\"owner@alpha.example\""), "{listed}");
        // The organisation goes on with its new owner, and still reads its letter.
        assert_eq!(colleague.get("/organisation/letters").await.status(), 200);

        // The address can register again: a new account, another id.
        let again = app.browser().submit("/register", "/register", &registration("Entreprise 799", &siret(799), "Owner", "owner@alpha.example")).await;
        assert_eq!(again.status(), 200);
        let new_id = user_id(&app, "owner@alpha.example").await;
        assert_ne!(new_id, id);
        app.stop().await;
    }
}

both_backends! {
    async fn a_sitting_member_and_the_last_administrator_are_refused_and_nothing_changes(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Isolation des gymnases").await;
        let member = app.staff("member@region.example", &[Role::Committee]).await;
        let member_id = user_id(&app, "member@region.example").await;
        let committee = format!("/objectives/{objective}/committee");
        assert_eq!(agent.submit(&committee, &committee, &[("user", &member_id.to_string())]).await.status(), 303);
        let secret = api_token(&member).await;

        let before = state_of(&app, member_id).await;
        let audit_before = audit_count(&app).await;
        let page = member.text("/account/erase").await;
        assert!(page.contains("Isolation des gymnases") && page.contains("pas décidée"), "{page}");
        let refused = member.submit("/account", "/account/erase", &[("password", PASSWORD)]).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("comité"));
        let api = erase_api(&app, &secret, &format!("{{\"password\":\"{PASSWORD}\"}}")).await;
        assert_eq!(api.status(), 409);
        let body: Value = api.json().await.unwrap();
        assert_eq!(body["error"]["code"], "erasure_refused");
        assert!(body["error"]["message"].as_str().unwrap().contains("Isolation des gymnases"), "{body}");
        assert_eq!(state_of(&app, member_id).await, before);
        assert_eq!(audit_count(&app).await, audit_before);

        // The last administrator names another first.
        let admin = app.admin("admin@region.example").await;
        let admin_id = user_id(&app, "admin@region.example").await;
        let before = state_of(&app, admin_id).await;
        let audit_before = audit_count(&app).await;
        let refused = admin.submit("/account", "/account/erase", &[("password", PASSWORD)]).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("dernier administrateur"));
        assert_eq!(state_of(&app, admin_id).await, before);
        assert_eq!(audit_count(&app).await, audit_before);

        // Without a CSRF token, a form post is refused before anything.
        assert_eq!(agent.post_raw("/account/erase", &[("password", PASSWORD)]).await.status(), 403);
        assert!(state_of(&app, user_id(&app, "agent@region.example").await).await.4 > 0);
        app.stop().await;
    }
}

both_backends! {
    async fn the_export_reads_long_lists_a_page_at_a_time_without_losing_or_repeating_a_row(backend) {
        // More rows than two pages of the export (500 a page): 1,201 mails to the person, 3 to
        // someone else; each must appear once, in order, and the document must be one valid JSON.
        let app = spawn_app(backend).await;
        let alpha = app.supplier_owner("owner@alpha.example", 51).await;
        app.with_db(|conn| {
            let now = chrono::Utc::now().naive_utc();
            for n in 0..1204 {
                let to = if n % 400 == 399 { "other@beta.example" } else { "owner@alpha.example" };
                let mail = achat_ouvert::mail::OutgoingMail {
                    to: to.to_owned(),
                    subject: format!("Courrier {n:04}"),
                    text: String::new(),
                    html: String::new(),
                };
                achat_ouvert::mail::outbox::enqueue(conn, &mail, now).unwrap();
            }
        })
        .await;
        let export = download(&alpha).await;
        let numbered: Vec<u32> = export["mails"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["subject"].as_str().unwrap().strip_prefix("Courrier ").map(|n| n.parse().unwrap()))
            .collect();
        let expected: Vec<u32> = (0..1204).filter(|n| n % 400 != 399).collect();
        assert_eq!(numbered.len(), 1201);
        assert_eq!(numbered, expected);
        // The API streams the same document.
        let secret = api_token(&alpha).await;
        let api: Value = reqwest::Client::new()
            .get(app.url("/api/v1/me/export"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // (The outbox worker may send some of the queued mails between the two downloads: compare
        // what does not change, each mail's subject and creation time.)
        let stable = |v: &Value| -> Vec<(Value, Value)> {
            v.as_array().unwrap().iter().map(|m| (m["subject"].clone(), m["created_at"].clone())).collect()
        };
        assert_eq!(stable(&api["mails"]), stable(&export["mails"]));
        // Nothing is left in the spool directory.
        let spool = app.state.settings.data_dir.join("exports");
        let left = std::fs::read_dir(&spool).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "spool files left in {}", spool.display());
        app.stop().await;
    }
}
