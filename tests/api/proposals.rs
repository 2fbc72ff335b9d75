//! Proposals: drafts, attachments, consortia, deposits and receipts, sealing until the deadline,
//! several deposits, withdrawal, reconfirmation, the practice objective, concurrency.

use achat_ouvert::clock::Clock;
use achat_ouvert::domain::users::Role;
use serde_json::Value;
use sha2::Digest;

use crate::both_backends;
use crate::helpers::{
    Browser, TestApp, complete_form, paris_in, post_pairs, published, siret, spawn_app, spawn_app_with,
};

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The id after `prefix` in a redirect's location.
fn id_after(response: &reqwest::Response, prefix: &str) -> i64 {
    let location = response.headers()["location"].to_str().unwrap();
    location
        .trim_start_matches(prefix)
        .split(['?', '#', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{location}"))
}

/// Starts a draft for the supplier's organisation; returns the proposal id.
pub async fn start(supplier: &Browser, objective: i64, fields: &[(&str, &str)]) -> i64 {
    let page = format!("/objectives/{objective}/proposal");
    let r = supplier.submit(&page, &page, fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    id_after(&r, "/proposals/")
}

pub const COMPLETE: [(&str, &str); 6] = [
    ("title", "Chaufferies bois en circuit court"),
    ("summary", "Remplacer les chaudières fioul par du bois local."),
    ("solution", "## Principe\n\nDes chaudières à plaquettes **locales**.\n\n<script>alert(1)</script>"),
    ("change_support", "Formation des agents de maintenance, six demi-journées."),
    ("cost_euros", "250 000"),
    ("duration_months", "18"),
];

/// Saves the draft's form with the version read from the edit page.
pub async fn save(supplier: &Browser, proposal: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    let edit = supplier.text(&format!("/proposals/{proposal}/edit")).await;
    let version = version_in(&edit);
    let mut all = fields.to_vec();
    all.push(("version", &version));
    supplier.submit(&format!("/proposals/{proposal}/edit"), &format!("/proposals/{proposal}"), &all).await
}

fn version_in(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html.find(marker).expect("a version field") + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

pub async fn attach(supplier: &Browser, proposal: i64, files: &[(&str, Vec<u8>)]) -> reqwest::Response {
    let token = supplier.csrf(&format!("/proposals/{proposal}")).await;
    // The token is the form's first part, as the page's upload form sends it: never in the address.
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (name, bytes) in files {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.clone()).file_name((*name).to_owned()));
    }
    supplier
        .client
        .post(supplier.url(&format!("/proposals/{proposal}/attachments")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Deposits; returns the response (303 to the receipt on success).
pub async fn deposit(supplier: &Browser, proposal: i64) -> reqwest::Response {
    supplier
        .submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/deposit"), &[("confirm", "true")])
        .await
}

pub async fn deposited(supplier: &Browser, proposal: i64) -> i64 {
    let r = deposit(supplier, proposal).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    id_after(&r, "/receipts/")
}

/// JSON with sorted keys and no spaces, written independently of the platform's own code.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.iter().map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&m[*k]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// The terms version in a page's consortium confirmation form.
pub fn terms_in(html: &str) -> String {
    let marker = "name=\"terms\" value=\"";
    let start = html.find(marker).expect("a confirmation form") + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// The rows `opened_organisations` holds for an objective: (deposit, proposal, organisation,
/// role, position), in order.
pub async fn opened_organisations(app: &TestApp, objective: i64) -> Vec<(i64, i64, i64, String, i32)> {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::opened_organisations as o;
        use diesel::prelude::*;
        o::table
            .filter(o::objective_id.eq(objective))
            .order((o::proposal_id, o::position))
            .select((o::deposit_id, o::proposal_id, o::organisation_id, o::role, o::position))
            .load(conn)
            .unwrap()
    })
    .await
}

/// Empties `opened_organisations` and fills it again with the statements of the migration that
/// created it (for the deposits opened before it existed), read from the backend's file.
pub async fn refill_opened_organisations(app: &TestApp, backend: crate::helpers::Backend) {
    let up = std::fs::read_to_string(format!(
        "{}/migrations/{}/2026-12-07-000031_opened_organisations/up.sql",
        env!("CARGO_MANIFEST_DIR"),
        backend.label()
    ))
    .unwrap();
    let fill = up.split("-- Deposits opened before this table existed").nth(1).unwrap();
    let fill = fill.split("-- The table it replaces").next().unwrap().to_owned();
    app.with_db(move |conn| {
        use diesel::connection::SimpleConnection;
        use diesel::prelude::*;
        diesel::delete(achat_ouvert::db::schema::opened_organisations::table).execute(conn).unwrap();
        conn.batch_execute(&format!("-- {fill}")).unwrap();
    })
    .await;
}

/// After the test clock jumps past the deadline, sessions have expired: sign in again.
async fn signed_in_again(people: &[(&Browser, &str)]) {
    for (browser, email) in people {
        assert_eq!(browser.sign_in(email, crate::helpers::PASSWORD).await.status(), 303);
    }
}

/// The audit entries about proposals: (action, actor, details).
async fn proposal_audit(app: &TestApp) -> Vec<(String, String, String)> {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::audit_log;
        use diesel::prelude::*;
        audit_log::table
            .filter(audit_log::object_type.eq("proposal"))
            .select((audit_log::action, audit_log::actor, audit_log::details))
            .load(conn)
            .unwrap()
    })
    .await
}

/// Every file under the uploads directory (temporary ones included).
/// The files under DATA_DIR/uploads, to prove a refusal left none behind.
pub fn stored_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
            .unwrap_or(0)
    }
    walk(&app.database.data_dir.path().join("uploads"))
}

both_backends! {
    async fn a_supplier_drafts_attaches_deposits_and_gets_a_receipt_anyone_can_check(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Chaleur renouvelable des lycées").await;
        let supplier = app.supplier_owner("owner@alpha.example", 501).await;

        // The objective page invites the supplier to answer; a draft saves while incomplete.
        assert!(supplier.text(&format!("/objectives/{objective}")).await.contains(&format!("/objectives/{objective}/proposal")));
        let proposal = start(&supplier, objective, &[("title", "Brouillon")]).await;
        assert_eq!(deposit(&supplier, proposal).await.status(), 409, "incomplete: no deposit");
        let page = supplier.text(&format!("/proposals/{proposal}")).await;
        assert!(page.contains("Brouillon") && page.contains("Ce champ est obligatoire pour déposer"));

        // Too long, or a cost that is not a number: refused, nothing changed.
        let long = "x".repeat(601);
        let r = save(&supplier, proposal, &[("title", "Autre"), ("summary", &long), ("cost_euros", "beaucoup")]).await;
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        assert!(text.contains("600") && text.contains("nombre entier d’euros"));
        assert!(supplier.text(&format!("/proposals/{proposal}")).await.contains("Brouillon"));

        assert_eq!(save(&supplier, proposal, &COMPLETE).await.status(), 303);
        let page = supplier.text(&format!("/proposals/{proposal}")).await;
        assert!(page.contains("<strong>locales</strong>") && !page.contains("<script>alert"), "Markdown rendered and sanitised");
        assert_eq!(attach(&supplier, proposal, &[("../../Mémoire technique.pdf", PDF.to_vec())]).await.status(), 303);
        let page = supplier.text(&format!("/proposals/{proposal}")).await;
        assert!(page.contains("Mémoire technique.pdf") && !page.contains("../"));

        let started = app.clock.now().naive_utc();
        let receipt_id = deposited(&supplier, proposal).await;
        let receipt_page = supplier.text(&format!("/receipts/{receipt_id}?done=deposited")).await;
        assert!(receipt_page.contains("Votre proposition est déposée"));
        assert!(receipt_page.contains("Chaleur renouvelable des lycées") && receipt_page.contains("Entreprise 501"));

        // The JSON receipt: its hash is the SHA-256 of its other fields' canonical JSON.
        let r = supplier.get(&format!("/receipts/{receipt_id}/json")).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let mut json: Value = r.json().await.unwrap();
        let hash = json["deposit_hash"].as_str().unwrap().to_owned();
        json.as_object_mut().unwrap().remove("deposit_hash");
        assert_eq!(hex::encode(sha2::Sha256::digest(canonical(&json).as_bytes())), hash);
        let number = json["receipt_number"].as_str().unwrap().to_owned();
        assert_eq!(json["kind"], "deposit");
        assert_eq!(json["buyer"], "Région");
        assert_eq!(json["late"], false);
        assert_eq!(json["depositor"]["organisation"]["identifier"], siret(501));
        assert_eq!(json["documents"][0]["name"], "Mémoire technique.pdf");
        assert_eq!(json["documents"][0]["sha256"], hex::encode(sha2::Sha256::digest(PDF)));
        let at = chrono::NaiveDateTime::parse_from_str(json["deposited_at"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%.fZ").unwrap();
        assert!(at >= started - chrono::Duration::seconds(1));

        // The receipt was mailed through the outbox, with its number and hash.
        let mail = app.last_mail_to("owner@alpha.example").await;
        assert!(mail.subject.contains(&number) && mail.body_text.contains(&hash));

        // Anyone checks a receipt: valid or not, nothing else.
        let visitor = app.browser();
        let ok = visitor.text(&format!("/receipts/verify?number={number}&hash={hash}")).await;
        assert!(ok.contains("Authentique") && !ok.contains("Chaleur renouvelable"));
        let wrong = visitor.text(&format!("/receipts/verify?number={number}&hash={}", "0".repeat(64))).await;
        assert!(wrong.contains("Non reconnu"));
        let api: Value = visitor.get(&format!("/api/v1/receipts/verify?number={}&hash={hash}", number.to_lowercase())).await.json().await.unwrap();
        assert_eq!(api, serde_json::json!({ "valid": true }));
        let api: Value = visitor.get("/api/v1/receipts/verify?number=AO-0000-0000-0000&hash=abc").await.json().await.unwrap();
        assert_eq!(api, serde_json::json!({ "valid": false }));

        // The dashboard lists it with its receipt.
        let dashboard = supplier.text("/proposals").await;
        assert!(dashboard.contains("Déposée") && dashboard.contains(&number));
        app.stop().await;
    }
}

both_backends! {
    async fn nothing_of_a_proposal_shows_to_anyone_else_before_the_deadline_and_agents_open_after(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Mobilité des apprentis").await;
        let supplier = app.supplier_owner("owner@alpha.example", 502).await;
        let proposal = start(&supplier, objective, &COMPLETE).await;
        assert_eq!(attach(&supplier, proposal, &[("annexe.pdf", PDF.to_vec())]).await.status(), 303);
        let receipt = deposited(&supplier, proposal).await;
        let page = supplier.text(&format!("/proposals/{proposal}")).await;
        let attachment: i64 = page.split(&format!("/proposals/{proposal}/attachments/")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();

        let admin = app.staff("admin@region.example", &[Role::Admin]).await;
        let committee = app.staff("jury@region.example", &[Role::Committee]).await;
        let other = app.supplier_owner("owner@beta.example", 503).await;
        let sealed = [
            format!("/proposals/{proposal}"),
            format!("/proposals/{proposal}/edit"),
            format!("/proposals/{proposal}/deposit"),
            format!("/proposals/{proposal}/attachments/{attachment}"),
            format!("/receipts/{receipt}"),
            format!("/receipts/{receipt}/json"),
            format!("/receipts/{receipt}/pdf"),
            format!("/deposits/{receipt}/documents/0"),
            format!("/objectives/{objective}/proposals/{proposal}"),
        ];
        for who in [&agent, &admin, &committee, &other] {
            for path in &sealed {
                let r = who.get(path).await;
                assert!(matches!(r.status().as_u16(), 403 | 404), "{path}: {}", r.status());
                assert!(!r.text().await.unwrap().contains("Chaufferies bois"), "{path}");
            }
        }
        for path in &sealed {
            assert_eq!(app.browser().get(path).await.status(), 303, "{path}: visitors are sent to sign in");
        }
        // Nor can they act on it.
        for action in ["deposit", "withdraw", "reconfirm", "consortium/confirm"] {
            let r = other.submit("/proposals", &format!("/proposals/{proposal}/{action}"), &[("confirm", "true")]).await;
            assert_eq!(r.status(), 404, "{action}");
        }
        assert_eq!(other.get(&format!("/proposals/{proposal}/withdraw")).await.status(), 404, "nor see its withdrawal page");
        // Agents see a number, nothing more; the proposals' list stays closed.
        let list = agent.text(&format!("/objectives/{objective}/proposals")).await;
        assert!(list.contains("Une organisation a déposé") && !list.contains("Entreprise 502") && !list.contains("Chaufferies"));
        assert!(agent.text(&format!("/objectives/{objective}")).await.contains("Une organisation a déposé"));
        let early = agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await;
        assert_eq!(early.status(), 409);
        // The audit log carries ids only; no mail to anyone else names the proposal.
        let entries = proposal_audit(&app).await;
        assert!(entries.iter().any(|(action, _, _)| action == "proposal.deposited"));
        for (action, actor, details) in &entries {
            assert!(actor.starts_with("user:"), "{action}: {actor}");
            assert!(!details.contains("Chaufferies") && !details.contains("annexe") && !details.contains("Entreprise"), "{details}");
        }
        for mail in app.outbox().await {
            if mail.to_address != "owner@alpha.example" {
                assert!(!mail.body_text.contains("Chaufferies"), "{}", mail.to_address);
            }
        }

        // After the deadline the agent opens: one audit entry per opening.
        app.clock.advance(chrono::Duration::days(31));
        signed_in_again(&[(&agent, "agent@region.example"), (&admin, "admin@region.example"), (&committee, "jury@region.example"), (&other, "owner@beta.example"), (&supplier, "owner@alpha.example")]).await;
        // Its author reads where it stands, never that it can still be changed.
        let sealed = supplier.text(&format!("/proposals/{proposal}")).await;
        assert!(sealed.contains("votre dernier dépôt est scellé"), "{sealed}");
        assert!(!sealed.contains("Vous pouvez encore le modifier") && !sealed.contains(&format!("/proposals/{proposal}/edit")));
        assert_eq!(agent.get(&format!("/objectives/{objective}/proposals/{proposal}")).await.status(), 404, "not opened yet");
        let open = agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await;
        assert_eq!(open.status(), 303);
        let list = agent.text(&format!("/objectives/{objective}/proposals")).await;
        assert!(list.contains("Entreprise 502"));
        let opened = agent.text(&format!("/objectives/{objective}/proposals/{proposal}")).await;
        assert!(opened.contains("Chaufferies bois en circuit court") && opened.contains("annexe.pdf"));
        assert!(supplier.text(&format!("/proposals/{proposal}")).await.contains("le comité l’évalue"));
        let doc = agent.get(&format!("/deposits/{receipt}/documents/0")).await;
        assert_eq!(doc.status(), 200);
        assert_eq!(doc.bytes().await.unwrap().as_ref(), PDF);
        // Opening twice opens nothing more.
        agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await;
        let openings = proposal_audit(&app).await.into_iter().filter(|(a, _, _)| a == "proposal.opened").count();
        assert_eq!(openings, 1);
        // Still closed to everyone else.
        for who in [&admin, &committee, &other] {
            let r = who.get(&format!("/objectives/{objective}/proposals/{proposal}")).await;
            assert!(matches!(r.status().as_u16(), 403 | 404));
            assert_eq!(who.get(&format!("/deposits/{receipt}/documents/0")).await.status(), 404);
        }
        app.stop().await;
    }
}

both_backends! {
    async fn the_last_deposit_before_the_deadline_counts_withdrawals_and_reconfirmations_included(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Cantines locales").await;
        let supplier = app.supplier_owner("owner@alpha.example", 504).await;
        let proposal = start(&supplier, objective, &COMPLETE).await;
        let first = deposited(&supplier, proposal).await;
        let mut second_fields = COMPLETE.to_vec();
        second_fields[0] = ("title", "Deuxième version");
        assert_eq!(save(&supplier, proposal, &second_fields).await.status(), 303);
        let second = deposited(&supplier, proposal).await;
        assert_ne!(first, second);

        // Withdrawal needs a confirmation on its own page, and gets its own receipt.
        let page = supplier.text(&format!("/proposals/{proposal}")).await;
        assert!(page.contains(&format!("href=\"/proposals/{proposal}/withdraw\"")) && !page.contains(&format!("action=\"/proposals/{proposal}/withdraw\"")));
        let confirm = supplier.text(&format!("/proposals/{proposal}/withdraw")).await;
        assert!(confirm.contains("Retirer votre proposition ?") && confirm.contains("heure de Paris") && confirm.contains("name=\"confirm\" value=\"true\""));
        assert_eq!(app.browser().get(&format!("/proposals/{proposal}/withdraw")).await.status(), 303, "visitors are sent to sign in");
        let refused = supplier.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/withdraw"), &[]).await;
        assert_eq!(refused.status(), 409);
        let r = supplier.submit(&format!("/proposals/{proposal}/withdraw"), &format!("/proposals/{proposal}/withdraw"), &[("confirm", "true")]).await;
        assert_eq!(r.status(), 303);
        let withdrawal = supplier.text(r.headers()["location"].to_str().unwrap()).await;
        assert!(withdrawal.contains("du retrait"));
        assert!(supplier.text("/proposals").await.contains("Retirée"));
        let again = supplier.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/withdraw"), &[("confirm", "true")]).await;
        assert_eq!(again.status(), 409, "nothing left to withdraw");
        let third = deposited(&supplier, proposal).await;

        // An essential amendment: the depositor is told, and must reconfirm.
        app.clock.advance(chrono::Duration::minutes(1));
        let edit = format!("/objectives/{objective}/edit");
        let mut later = complete_form(&app, "Cantines locales", &paris_in(&app, 40)).await;
        later.push(("reason".into(), "Plus de temps".into()));
        assert_eq!(post_pairs(&agent, &edit, &format!("/objectives/{objective}"), &later).await.status(), 303);
        let mail = app.last_mail_to("owner@alpha.example").await;
        assert!(mail.subject.contains("À reconfirmer"), "{}", mail.subject);
        let page = supplier.text(&format!("/proposals/{proposal}")).await;
        assert!(page.contains("À reconfirmer") && page.contains("Reconfirmez-le"));
        app.clock.advance(chrono::Duration::minutes(1));
        let r = supplier.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/reconfirm"), &[]).await;
        assert_eq!(r.status(), 303);
        let reconfirmation = r.headers()["location"].to_str().unwrap().trim_start_matches("/receipts/").split('?').next().unwrap().parse::<i64>().unwrap();
        assert!(supplier.text(&format!("/receipts/{reconfirmation}")).await.contains("reconfirmation de votre dépôt"));
        assert!(supplier.text(&format!("/proposals/{proposal}")).await.contains("Déposée"));

        // Every deposit keeps its own receipt.
        for receipt in [first, second, third, reconfirmation] {
            assert_eq!(supplier.get(&format!("/receipts/{receipt}")).await.status(), 200);
        }

        // A deposit that arrived in time but commits later than the grace after the deadline is
        // kept, marked late, never opened (tests/api/trust.rs: within the grace it stands).
        let late_supplier = app.supplier_owner("owner@late.example", 505).await;
        let late_proposal = start(&late_supplier, objective, &COMPLETE).await;
        let deadline = app.with_db(move |conn| {
            achat_ouvert::domain::objectives::load(conn, achat_ouvert::db::ids::ObjectiveId(objective)).unwrap().unwrap().objective.deadline_at.unwrap()
        }).await;
        let user = app.with_db(|conn| {
            use diesel::prelude::*;
            achat_ouvert::db::schema::users::table.filter(achat_ouvert::db::schema::users::email.eq("owner@late.example")).select(achat_ouvert::db::schema::users::id).first::<achat_ouvert::db::ids::UserId>(conn).unwrap()
        }).await;
        let late = app.with_db(move |conn| {
            use achat_ouvert::domain::proposals::deposits::{self, Depositor, Kind};
            let link = |d: achat_ouvert::db::ids::DepositId| format!("http://x/receipts/{d}");
            let depositor = Depositor { user, buyer: "Région", receipt_link: &link, reviewed: None };
            let started = deadline - chrono::Duration::seconds(2);
            deposits::deposit(conn, achat_ouvert::db::ids::ProposalId(late_proposal), Kind::Deposit, &depositor, started, &|| deadline + deposits::DEPOSIT_GRACE + chrono::Duration::milliseconds(10)).unwrap()
        }).await;
        let page = late_supplier.text(&format!("/receipts/{late}")).await;
        assert!(page.contains("après la date limite"));
        assert!(late_supplier.text(&format!("/proposals/{late_proposal}")).await.contains("ne sera jamais ouvert"));
        // A deposit asked for after the deadline is refused outright.
        app.clock.advance(chrono::Duration::days(41));
        signed_in_again(&[(&agent, "agent@region.example"), (&supplier, "owner@alpha.example")]).await;
        assert_eq!(deposit(&supplier, proposal).await.status(), 409, "past the deadline");

        // At the opening, the reconfirmation counts; the late one is listed as late.
        agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await;
        let list = agent.text(&format!("/objectives/{objective}/proposals")).await;
        assert!(list.contains("Entreprise 504") && list.contains("Hors délai"));
        let opened = agent.text(&format!("/objectives/{objective}/proposals/{proposal}")).await;
        assert!(opened.contains("Deuxième version"), "the third deposit's content, reconfirmed");
        app.stop().await;
    }
}

both_backends! {
    async fn a_consortium_needs_every_member_to_confirm_before_depositing(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Rénovation des gymnases").await;
        let lead = app.supplier_owner("owner@lead.example", 506).await;
        let member = app.supplier_owner("owner@member.example", 507).await;
        let stranger = app.supplier_owner("owner@stranger.example", 508).await;
        let proposal = start(&lead, objective, &COMPLETE).await;

        let add = |identifier: String| {
            let lead = lead.clone();
            async move {
                lead.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/consortium"), &[
                    ("identifier_type", "siret"), ("identifier", &identifier), ("role", "Bureau d’études thermiques"), ("consortium_type", "solidaire"),
                ]).await
            }
        };
        assert_eq!(add("12345678901234".into()).await.status(), 409, "a SIRET failing its check");
        assert_eq!(add(siret(999)).await.status(), 409, "not registered");
        assert_eq!(add(siret(506)).await.status(), 409, "not one's own organisation");
        assert_eq!(add(siret(507)).await.status(), 303);
        let invitation = app.last_mail_to("owner@member.example").await;
        assert!(invitation.subject.contains("Entreprise 506"));

        let refused = deposit(&lead, proposal).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("doit avoir confirmé"));
        // The invited member sees the invitation, not the proposal, until it confirms (issue 16);
        // a stranger neither reads nor confirms.
        assert!(member.text("/proposals").await.contains("vous invite dans son consortium"));
        let invited = member.text(&format!("/proposals/{proposal}")).await;
        assert!(invited.contains("Bureau d’études thermiques") && !invited.contains("Chaufferies bois"), "{invited}");
        assert_eq!(stranger.get(&format!("/proposals/{proposal}")).await.status(), 404);
        let r = stranger.submit("/proposals", &format!("/proposals/{proposal}/consortium/confirm"), &[]).await;
        assert_eq!(r.status(), 404);
        // The member writes nothing.
        assert_eq!(member.get(&format!("/proposals/{proposal}/edit")).await.status(), 403);
        assert_eq!(deposit(&member, proposal).await.status(), 403);

        // The confirmation names the terms read; without them nothing is confirmed.
        let confirm = format!("/proposals/{proposal}/consortium/confirm");
        assert_eq!(member.submit(&format!("/proposals/{proposal}"), &confirm, &[]).await.status(), 409);
        let page = member.text(&format!("/proposals/{proposal}")).await;
        let stale = terms_in(&page);
        assert_eq!(member.submit(&format!("/proposals/{proposal}"), &confirm, &[("terms", &stale)]).await.status(), 303);
        assert!(member.text(&format!("/proposals/{proposal}")).await.contains("Chaufferies bois"), "confirmed: it reads");
        // Another kind of consortium commits the member differently: it confirms again, and a
        // confirmation of the old terms (a page read before the change) is refused.
        let conjoint = [("identifier_type", "siret"), ("identifier", siret(507).leak() as &str), ("role", "Bureau d’études thermiques"), ("consortium_type", "conjoint")];
        assert_eq!(lead.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/consortium"), &conjoint).await.status(), 303);
        assert_eq!(deposit(&lead, proposal).await.status(), 409);
        let r = member.submit(&format!("/proposals/{proposal}"), &confirm, &[("terms", &stale)]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("a changé depuis que vous avez lu"));
        let fresh = terms_in(&member.text(&format!("/proposals/{proposal}")).await);
        assert_eq!(member.submit(&format!("/proposals/{proposal}"), &confirm, &[("terms", &fresh)]).await.status(), 303);
        let receipt = deposited(&lead, proposal).await;
        let json: Value = member.get(&format!("/receipts/{receipt}/json")).await.json().await.unwrap();
        assert_eq!(json["consortium"]["type"], "conjoint");
        assert_eq!(json["consortium"]["members"][0]["identifier"], siret(507));
        assert_eq!(json["consortium"]["members"][0]["role"], "Bureau d’études thermiques");
        assert_eq!(stranger.get(&format!("/receipts/{receipt}")).await.status(), 404);
        // Who the proposal belongs to is recorded at the opening, not before: after the deposit
        // nothing is written; the agent opens after the deadline and the lead (position 0) and
        // the confirmed member (1) are recorded with their roles, not the stranger.
        let (lead_org, member_org) = (crate::evaluation::organisation_of(&app, "owner@lead.example").await, crate::evaluation::organisation_of(&app, "owner@member.example").await);
        assert_eq!(opened_organisations(&app, objective).await, Vec::new(), "nothing before the opening");
        app.clock.advance(chrono::Duration::days(31));
        signed_in_again(&[(&agent, "agent@region.example")]).await;
        let open = format!("/objectives/{objective}/proposals/open");
        assert_eq!(agent.submit(&format!("/objectives/{objective}/proposals"), &open, &[]).await.status(), 303);
        let expected = vec![
            (receipt, proposal, lead_org, "lead".to_owned(), 0),
            (receipt, proposal, member_org, "member".to_owned(), 1),
        ];
        assert_eq!(opened_organisations(&app, objective).await, expected);
        // Opening again writes nothing more.
        assert_eq!(agent.submit(&format!("/objectives/{objective}/proposals"), &open, &[]).await.status(), 303);
        assert_eq!(opened_organisations(&app, objective).await, expected);
        // Deposits opened before the table existed: the migration's own statements, read from
        // its file, record the same rows from the snapshots.
        refill_opened_organisations(&app, backend).await;
        assert_eq!(opened_organisations(&app, objective).await, expected);
        app.stop().await;
    }
}

both_backends! {
    async fn two_people_editing_one_draft_never_overwrite_each_other_silently(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Éclairage sobre").await;
        let first = app.supplier_owner("owner@alpha.example", 509).await;
        let second = app.browser();
        assert_eq!(second.sign_in("owner@alpha.example", crate::helpers::PASSWORD).await.status(), 303);
        let proposal = start(&first, objective, &[("title", "Version initiale")]).await;

        let edit = format!("/proposals/{proposal}/edit");
        let version = version_in(&first.text(&edit).await);
        let v2 = version_in(&second.text(&edit).await);
        assert_eq!(version, v2);
        let r = first.submit(&edit, &format!("/proposals/{proposal}"), &[("title", "Par la première"), ("version", &version)]).await;
        assert_eq!(r.status(), 303);
        let r = second.submit(&edit, &format!("/proposals/{proposal}"), &[("title", "Par la seconde"), ("version", &v2)]).await;
        assert_eq!(r.status(), 409);
        let text = r.text().await.unwrap();
        assert!(text.contains("pendant que vous le modifiiez") && text.contains("Par la seconde"), "their text is kept");
        assert!(first.text(&format!("/proposals/{proposal}")).await.contains("Par la première"));
        app.stop().await;
    }
}

both_backends! {
    async fn bad_files_and_bad_moments_are_refused_and_leave_nothing_behind(backend) {
        let app = spawn_app_with(backend, &[("MAX_FILE_SIZE", "4096"), ("MAX_TOTAL_SIZE", "6000")]).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Achats textiles").await;
        let supplier = app.supplier_owner("owner@alpha.example", 510).await;
        let proposal = start(&supplier, objective, &COMPLETE).await;

        let exe = attach(&supplier, proposal, &[("offre.pdf", b"MZ\x90\x00\x03\x00\x00\x00".to_vec())]).await;
        assert_eq!(exe.status(), 415);
        let page = exe.text().await.unwrap();
        assert!(page.contains("Ce type de fichier n’est pas accepté"));
        assert!(page.contains("aria-describedby=\"file-hint file-error\"") && page.contains(&format!("/proposals/{proposal}/attachments")), "the proposal's page again, the reason by the file field");
        assert_eq!(attach(&supplier, proposal, &[("vide.pdf", Vec::new())]).await.status(), 422);
        let mut big = PDF.to_vec();
        big.extend(std::iter::repeat_n(b' ', 5000));
        assert_eq!(attach(&supplier, proposal, &[("gros.pdf", big)]).await.status(), 413);
        let mut medium = PDF.to_vec();
        medium.extend(std::iter::repeat_n(b' ', 3500));
        assert_eq!(attach(&supplier, proposal, &[("a.pdf", medium.clone()), ("b.pdf", medium.clone())]).await.status(), 413);
        assert_eq!(stored_files(&app), 0, "no orphan or temporary file");
        // Over the proposal's total across two uploads: the second is refused, the first kept.
        assert_eq!(attach(&supplier, proposal, &[("a.pdf", medium.clone())]).await.status(), 303);
        assert_eq!(attach(&supplier, proposal, &[("b.pdf", medium)]).await.status(), 413);
        assert_eq!(stored_files(&app), 1);
        // A deposit names what was reviewed: a colleague's save in between refuses it.
        let form = supplier.text(&format!("/proposals/{proposal}/deposit")).await;
        let reviewed_version = version_in(&form);
        assert_eq!(save(&supplier, proposal, &COMPLETE).await.status(), 303);
        let token = crate::helpers::csrf_in(&form);
        let stale = supplier.post_raw(&format!("/proposals/{proposal}/deposit"), &[("confirm", "true"), ("version", &reviewed_version), ("attachments", ""), ("csrf_token", &token)]).await;
        assert_eq!(stale.status(), 409);
        assert!(stale.text().await.unwrap().contains("a changé depuis que vous l’avez relu"));
        // A removed draft attachment goes, file and all; once deposited, the file stays.
        let page = supplier.text(&format!("/proposals/{proposal}")).await;
        let attachment: i64 = page.split(&format!("/proposals/{proposal}/attachments/")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        deposited(&supplier, proposal).await;
        let r = supplier.submit(&format!("/proposals/{proposal}"), &format!("/proposals/{proposal}/attachments/{attachment}/delete"), &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(stored_files(&app), 1, "the deposit still holds the file");

        // An unverified user, a draft objective, a supplier-less account: refused.
        let unverified = app.browser();
        let r = unverified.submit("/register", "/register", &crate::helpers::registration("Gamma", &siret(511), "Gamma", "owner@gamma.example")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(unverified.sign_in("owner@gamma.example", crate::helpers::PASSWORD).await.status(), 303);
        assert_eq!(unverified.get(&format!("/objectives/{objective}/proposal")).await.status(), 403);
        let draft = agent.submit("/objectives/new", "/objectives", &[("title", "Pas encore publié")]).await;
        let draft_id = id_after(&draft, "/objectives/");
        assert_eq!(supplier.get(&format!("/objectives/{draft_id}/proposal")).await.status(), 404);
        assert_eq!(agent.get(&format!("/objectives/{objective}/proposal")).await.status(), 403, "staff have no organisation");
        // After the deadline: no new draft, no edit, no deposit.
        app.clock.advance(chrono::Duration::days(31));
        signed_in_again(&[(&supplier, "owner@alpha.example")]).await;
        let other = app.supplier_owner("owner@late.example", 512).await;
        assert_eq!(other.get(&format!("/objectives/{objective}/proposal")).await.status(), 409);
        assert_eq!(supplier.get(&format!("/proposals/{proposal}/edit")).await.status(), 409);
        let r = supplier.post_raw(&format!("/proposals/{proposal}/deposit"), &[("confirm", "true"), ("csrf_token", &supplier.csrf(&format!("/proposals/{proposal}")).await)]).await;
        assert_eq!(r.status(), 409);
        app.stop().await;
    }
}

both_backends! {
    async fn the_practice_objective_rehearses_a_deposit_that_counts_nowhere(backend) {
        let app = spawn_app(backend).await;
        let supplier = app.supplier_owner("owner@alpha.example", 513).await;
        // A GET changes nothing: the page's button creates the practice objective.
        let page = supplier.get("/practice").await;
        assert_eq!(page.status(), 200);
        let r = supplier.submit("/practice", "/practice", &[]).await;
        assert_eq!(r.status(), 303);
        let practice = id_after(&r, "/objectives/");
        let proposal = start(&supplier, practice, &COMPLETE).await;
        assert_eq!(attach(&supplier, proposal, &[("essai.pdf", PDF.to_vec())]).await.status(), 303);
        let receipt = deposited(&supplier, proposal).await;
        let json: Value = supplier.get(&format!("/receipts/{receipt}/json")).await.json().await.unwrap();
        assert_eq!(json["practice"], true);
        let (number, hash) = (json["receipt_number"].as_str().unwrap().to_owned(), json["deposit_hash"].as_str().unwrap().to_owned());
        assert!(app.browser().text(&format!("/receipts/verify?number={number}&hash={hash}")).await.contains("Authentique"));
        // Listed nowhere public, and a second supplier shares the same practice objective.
        assert!(!app.browser().text("/objectives").await.contains("entraînement"));
        assert_eq!(app.browser().get(&format!("/api/v1/objectives/{practice}")).await.status(), 404);
        let other = app.supplier_owner("owner@beta.example", 514).await;
        assert_eq!(id_after(&other.get("/practice").await, "/objectives/"), practice);
        // Agents cannot open it, cancel it or amend it.
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        assert_eq!(agent.get(&format!("/objectives/{practice}/proposals")).await.status(), 404);
        let cancel = agent.submit(&format!("/objectives/{practice}"), &format!("/objectives/{practice}/cancel"), &[("reason", "non")]).await;
        assert_eq!(cancel.status(), 409);
        app.stop().await;
    }
}

both_backends! {
    async fn two_hundred_concurrent_deposits_each_get_a_receipt_matching_its_stored_deposit(backend) {
        use futures_util::StreamExt;
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Charge concurrente").await;
        let mut suppliers = Vec::new();
        for n in 0..5u64 {
            let s = app.supplier_owner(&format!("owner{n}@load.example"), 520 + n).await;
            let p = start(&s, objective, &COMPLETE).await;
            assert_eq!(attach(&s, p, &[("piece.pdf", PDF.to_vec())]).await.status(), 303);
            let token = s.csrf(&format!("/proposals/{p}")).await;
            suppliers.push((s, p, token));
        }
        let jobs: Vec<_> = (0..200).map(|i| suppliers[i % suppliers.len()].clone()).collect();
        let receipts: Vec<i64> = futures_util::stream::iter(jobs)
            .map(|(s, p, token)| async move {
                let r = s.client.post(s.url(&format!("/proposals/{p}/deposit"))).form(&[("confirm", "true"), ("csrf_token", token.as_str())]).send().await.unwrap();
                assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
                id_after(&r, "/receipts/")
            })
            .buffer_unordered(16)
            .collect()
            .await;
        assert_eq!(receipts.len(), 200);
        let unique: std::collections::BTreeSet<i64> = receipts.iter().copied().collect();
        assert_eq!(unique.len(), 200);
        // Every receipt matches, by hash, its stored deposit and the documents stored with it.
        let rows = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::deposits;
            deposits::table.select((deposits::id, deposits::receipt, deposits::deposit_hash, deposits::snapshot)).load::<(i64, String, String, String)>(conn).unwrap()
        }).await;
        assert_eq!(rows.len(), 200);
        for (id, receipt, hash, snapshot) in rows {
            assert!(unique.contains(&id));
            let json: Value = serde_json::from_str(&receipt).unwrap();
            assert_eq!(hex::encode(sha2::Sha256::digest(canonical(&json).as_bytes())), hash);
            let content: Value = serde_json::from_str(&snapshot).unwrap();
            assert_eq!(json["content_sha256"], hex::encode(sha2::Sha256::digest(canonical(&content).as_bytes())));
            assert_eq!(json["documents"][0]["sha256"], hex::encode(sha2::Sha256::digest(PDF)));
        }
        app.stop().await;
    }
}
