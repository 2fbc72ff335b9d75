//! After the shortlist: the award with its letters, the acknowledgement of receipt, the
//! standstill and the challenges; the declaration of no award; the later stages. Every refusal.

use achat_ouvert::domain::users::Role;
use diesel::prelude::*;

use crate::both_backends;
use crate::evaluation::{organisation_of, user_id};
use crate::helpers::{Browser, PASSWORD, TestApp, api_token, criterion, published, spawn_app};
use crate::proposals::{COMPLETE, deposited, start};

const LONG: &str = "Une justification détaillée, argumentée et assez longue.";
pub const REASONS: &str = "Chaufferies locales, meilleur bilan carbone et formation complète des agents.";

/// An objective taken to published results: three opened proposals scored by a one-member
/// committee (the third excluded by the climate threshold), a late deposit never opened.
pub struct Published {
    pub agent: Browser,
    pub chair: Browser,
    pub admin: Browser,
    pub suppliers: Vec<Browser>,
    pub late: Browser,
    pub objective: i64,
    pub proposals: Vec<i64>,
}

pub async fn results_published(app: &TestApp, title: &str) -> Published {
    let agent = app.staff("agent@region.example", &[Role::Agent]).await;
    let objective = published(app, &agent, title).await;
    let (climate, support) = (criterion(app, "env-climate").await, criterion(app, "change-support").await);
    let mut suppliers = Vec::new();
    let mut proposals = Vec::new();
    for (email, n) in [("owner@alpha.example", 701u64), ("owner@beta.example", 702), ("owner@gamma.example", 703)] {
        let s = app.supplier_owner(email, n).await;
        let p = start(&s, objective, &COMPLETE).await;
        deposited(&s, p).await;
        suppliers.push(s);
        proposals.push(p);
    }
    // A deposit that ends after the deadline: kept, never opened.
    let late = app.supplier_owner("owner@late.example", 704).await;
    let late_proposal = start(&late, objective, &COMPLETE).await;
    let late_user = user_id(app, "owner@late.example").await;
    app.with_db(move |conn| {
        use achat_ouvert::db::ids::{ObjectiveId, ProposalId, UserId};
        use achat_ouvert::domain::proposals::deposits::{self, Depositor, Kind};
        let deadline = achat_ouvert::domain::objectives::load(conn, ObjectiveId(objective))
            .unwrap()
            .unwrap()
            .objective
            .deadline_at
            .unwrap();
        let link = |d: achat_ouvert::db::ids::DepositId| format!("http://x/receipts/{d}");
        let depositor = Depositor { user: UserId(late_user), buyer: "Région", receipt_link: &link, reviewed: None };
        let started = deadline - chrono::Duration::seconds(2);
        deposits::deposit(conn, ProposalId(late_proposal), Kind::Deposit, &depositor, started, &|| {
            deadline + deposits::DEPOSIT_GRACE + chrono::Duration::milliseconds(10)
        })
        .unwrap();
    })
    .await;
    let chair = app.staff("chair@region.example", &[Role::Committee]).await;
    let admin = app.staff("admin@region.example", &[Role::Admin]).await;
    let committee = format!("/objectives/{objective}/committee");
    let chair_id = user_id(app, "chair@region.example").await.to_string();
    assert_eq!(agent.submit(&committee, &committee, &[("user", &chair_id), ("chair", "true")]).await.status(), 303);

    app.clock.advance(chrono::Duration::days(31));
    for (b, e) in [
        (&agent, "agent@region.example"),
        (&chair, "chair@region.example"),
        (&admin, "admin@region.example"),
        (&late, "owner@late.example"),
    ] {
        assert_eq!(b.sign_in(e, PASSWORD).await.status(), 303);
    }
    for (b, e) in suppliers.iter().zip(["owner@alpha.example", "owner@beta.example", "owner@gamma.example"]) {
        assert_eq!(b.sign_in(e, PASSWORD).await.status(), 303);
    }
    let proposals_page = format!("/objectives/{objective}/proposals");
    assert_eq!(agent.submit(&proposals_page, &format!("{proposals_page}/open"), &[]).await.status(), 303);
    let workspace = format!("/objectives/{objective}/evaluation");
    let mut declarations: Vec<(String, String)> = Vec::new();
    for email in ["owner@alpha.example", "owner@beta.example", "owner@gamma.example"] {
        let org = organisation_of(app, email).await;
        declarations.push((format!("org_{org}"), "none".into()));
    }
    let refs: Vec<(&str, &str)> = declarations.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(chair.submit(&workspace, &format!("{workspace}/declarations"), &refs).await.status(), 303);
    for (p, c, s) in [(proposals[0], "5", "4"), (proposals[1], "4", "3"), (proposals[2], "1", "5")] {
        let page = format!("{workspace}/{p}");
        let (sc, ss, jc, js) = (
            format!("score_{climate}"),
            format!("score_{support}"),
            format!("just_{climate}"),
            format!("just_{support}"),
        );
        let r = chair.submit(&page, &page, &[("action", "submit"), (&sc, c), (&jc, LONG), (&ss, s), (&js, LONG)]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    }
    assert_eq!(
        chair.submit(&format!("{workspace}/ranking"), &format!("{workspace}/decision"), &[]).await.status(),
        303
    );
    assert_eq!(
        agent
            .submit(&proposals_page, &format!("/objectives/{objective}/results"), &[("per_criterion", "true")])
            .await
            .status(),
        303
    );
    Published { agent, chair, admin, suppliers, late, objective, proposals }
}

async fn letters_count(app: &TestApp) -> i64 {
    app.with_db(|conn| achat_ouvert::db::schema::letters::table.count().get_result::<i64>(conn).unwrap()).await
}

/// When a letter was first opened, and by whom.
async fn opened(app: &TestApp, id: i64) -> (Option<chrono::NaiveDateTime>, Option<i64>) {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::letters;
        letters::table
            .find(id)
            .select((letters::first_opened_at, letters::first_opened_by))
            .first::<(Option<chrono::NaiveDateTime>, Option<i64>)>(conn)
            .unwrap()
    })
    .await
}

/// The id of the letter an organisation received (the only one).
pub async fn letter_of(app: &TestApp, email: &'static str) -> i64 {
    let org = organisation_of(app, email).await;
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::letters;
        letters::table.filter(letters::organisation_id.eq(org)).select(letters::id).first::<i64>(conn).unwrap()
    })
    .await
}

both_backends! {
    async fn an_agent_awards_and_every_depositor_reads_its_letter(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Chaleur des lycées").await;
        let (o, p1, p2, p3) = (s.objective, s.proposals[0], s.proposals[1], s.proposals[2]);
        let award = format!("/objectives/{o}/award");

        // Only agents award: suppliers, the committee and administrators are refused; anonymous
        // visitors are sent to sign in.
        for who in [&s.suppliers[0], &s.chair, &s.admin] {
            assert_eq!(who.get(&award).await.status(), 403);
            assert_eq!(who.post_raw(&award, &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await.status(), 403);
        }
        assert_eq!(app.browser().get(&award).await.status(), 303);

        // The form lists the shortlist and is prefilled from the committee's justifications.
        let page = s.agent.text(&award).await;
        assert!(page.contains("Entreprise 701") && page.contains("Entreprise 702") && page.contains(LONG), "{page}");
        assert!(!page.contains(&format!("value=\"{p3}\"")), "an excluded proposal is not a candidate");

        // A proposal that is not shortlisted cannot be awarded; nothing is written.
        let r = s.agent.submit(&award, &format!("{award}/confirm"), &[("winner", &p3.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("présélectionnées"));
        let r = s.agent.submit(&award, &award, &[("winner", &p3.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(r.status(), 422);
        let r = s.agent.submit(&award, &award, &[("winner", &p1.to_string()), ("reasons", "court"), ("standstill_days", "11")]).await;
        assert_eq!(r.status(), 422, "reasons too short");
        // The error in the summary at the top, linked to its field, beside the field, what was typed kept.
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"error-summary\"") && page.contains("href=\"#reasons\""), "{page}");
        assert!(page.contains("id=\"reasons-error\"") && page.contains("aria-invalid=\"true\"") && page.contains(">court</textarea>"), "{page}");
        assert!(page.contains(&format!("value=\"{p1}\" checked")), "the winner chosen is kept: {page}");
        let r = s.agent.submit(&award, &format!("{award}/confirm"), &[("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(r.status(), 422, "no winner");
        assert!(r.text().await.unwrap().contains("href=\"#winners\""));
        let r = s.agent.submit(&award, &award, &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "onze")]).await;
        assert_eq!(r.status(), 422, "standstill not a number");
        assert_eq!(letters_count(&app).await, 0);
        assert!(app.browser().text(&format!("/objectives/{o}")).await.contains("Résultats publiés"));

        // The confirmation shows the standstill's end; the award writes the letters.
        let confirm = s.agent.submit(&award, &format!("{award}/confirm"), &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(confirm.status(), 200);
        let confirm = confirm.text().await.unwrap();
        assert!(confirm.contains("ne peut pas être annulée") && confirm.contains("11 jours"), "{confirm}");
        assert_eq!(letters_count(&app).await, 0, "the confirmation writes nothing");
        let r = s.agent.submit(&award, &award, &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(letters_count(&app).await, 4, "three opened proposals and a late one");
        let again = s.agent.submit(&award, &award, &[("winner", &p2.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(again.status(), 409, "an award is made once");

        // Mails tell each organisation a letter is waiting.
        for email in ["owner@alpha.example", "owner@beta.example", "owner@gamma.example", "owner@late.example"] {
            let mail = app.last_mail_to(email).await;
            assert!(mail.subject.contains("Une lettre vous attend"), "{}", mail.subject);
        }

        // The winner's letter.
        let l1 = letter_of(&app, "owner@alpha.example").await;
        let winner = s.suppliers[0].text(&format!("/organisation/letters/{l1}")).await;
        assert!(winner.contains("votre proposition est retenue") && winner.contains("Prochaines étapes"), "{winner}");
        // A loser's letter: its scores, its rank, the winner, the reasons, the standstill, the remedies.
        let l2 = letter_of(&app, "owner@beta.example").await;
        assert!(s.suppliers[1].text("/organisation/letters").await.contains(&format!("/organisation/letters/{l2}")));
        let loser = s.suppliers[1].text(&format!("/organisation/letters/{l2}")).await;
        for expected in ["n’est pas retenue", "Classement : 2 sur 2", "Entreprise 701", REASONS, "11 jours", "L551-1", "Tribunal administratif de Lyon", "4,00 / 5"] {
            assert!(loser.contains(expected), "{expected}: {loser}");
        }
        // In English for an English reader.
        s.suppliers[1].get("/lang/en").await;
        let english = s.suppliers[1].text(&format!("/organisation/letters/{l2}")).await;
        assert!(english.contains("is not retained") && english.contains("Ranking: 2 of 2"), "{english}");
        // The excluded proposal's letter; the late deposit's letter says why.
        let l3 = letter_of(&app, "owner@gamma.example").await;
        assert!(s.suppliers[2].text(&format!("/organisation/letters/{l3}")).await.contains("critère éliminatoire"));
        let l4 = letter_of(&app, "owner@late.example").await;
        let late = s.late.text(&format!("/organisation/letters/{l4}")).await;
        assert!(late.contains("après la date limite") && late.contains("Entreprise 701"), "{late}");

        // First opened is stored once, by id; nobody else reads a letter.
        let first = opened(&app, l2).await;
        assert!(first.0.is_some());
        assert_eq!(first.1, Some(user_id(&app, "owner@beta.example").await));
        app.clock.advance(chrono::Duration::hours(1));
        assert_eq!(s.suppliers[1].get(&format!("/organisation/letters/{l2}")).await.status(), 200);
        assert_eq!(opened(&app, l2).await, first, "the first opening is kept");
        for who in [&s.suppliers[0], &s.chair, &s.admin, &app.browser()] {
            assert_eq!(who.get(&format!("/organisation/letters/{l2}")).await.status(), 404);
        }
        // The agent reads every letter (without marking it) and sees the acknowledgements.
        assert_eq!(s.agent.get(&format!("/organisation/letters/{l4}")).await.status(), 200);
        assert!(opened(&app, l4).await.0.is_some(), "opened by its addressee above");
        let page = s.agent.text(&award).await;
        assert!(page.contains("Accusés de réception") || page.contains("accusés de réception"));
        assert!(page.contains("Signature impossible avant la fin du délai de suspension"), "{page}");

        // A challenge suspends the signature until its outcome is recorded.
        let r = s.agent.submit(&award, &format!("/objectives/{o}/challenges"), &[("lodged_on", "2026-12-01"), ("lodged_by", "Entreprise 702"), ("summary", "Notation contestée")]).await;
        assert_eq!(r.status(), 303);
        let page = s.agent.text(&award).await;
        assert!(page.contains("Signature suspendue") && page.contains("Notation contestée"), "{page}");
        let challenge = app.with_db(|conn| achat_ouvert::db::schema::challenges::table.select(achat_ouvert::db::schema::challenges::id).first::<i64>(conn).unwrap()).await;
        let outcome = format!("/objectives/{o}/challenges/{challenge}/outcome");
        assert_eq!(s.suppliers[1].post_raw(&outcome, &[("outcome", "upheld"), ("note", "Non")]).await.status(), 403);
        let r = s.agent.submit(&award, &outcome, &[("outcome", "rejected"), ("note", "")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Le champ « Note »"), "the message names the field");
        assert_eq!(s.agent.submit(&award, &outcome, &[("outcome", "rejected"), ("note", "Ordonnance de rejet")]).await.status(), 303);
        assert_eq!(s.agent.submit(&award, &outcome, &[("outcome", "upheld"), ("note", "Encore")]).await.status(), 409);
        assert!(s.agent.text(&award).await.contains("Signature impossible avant la fin"));
        app.clock.advance(chrono::Duration::days(12));
        assert_eq!(s.agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        assert!(s.agent.text(&award).await.contains("le contrat peut être signé"));

        // The public page shows the award, the challenge's outcome and the new stage.
        let public = app.browser().text(&format!("/objectives/{o}")).await;
        for expected in ["Attribution", "Entreprise 701", REASONS, "Attribué", "Rejeté"] {
            assert!(public.contains(expected), "{expected}: {public}");
        }
        // The API: the award is public; nothing before it is decided.
        let json: serde_json::Value = app.get(&format!("/api/v1/objectives/{o}/award")).await.json().await.unwrap();
        assert_eq!(json["status"], "awarded");
        assert_eq!(json["winners"], serde_json::json!(["Entreprise 701"]));
        assert_eq!(json["standstill_days"], 11);
        assert_eq!(json["challenges"][0]["outcome"], "rejected");

        // Wrong states: no second decision, no archive before completion.
        let stage = format!("/objectives/{o}/stage");
        assert_eq!(s.agent.submit(&award, &stage, &[("to", "archived")]).await.status(), 409);
        assert_eq!(s.agent.submit(&award, &stage, &[("to", "completed")]).await.status(), 409);
        assert_eq!(s.agent.submit(&award, &format!("/objectives/{o}/not-awarded"), &[("reason", REASONS)]).await.status(), 409);

        // The open data's tender status and the audit log.
        let package: serde_json::Value = app.get(&format!("/api/v1/objectives/{o}/ocds.json")).await.json().await.unwrap();
        assert_eq!(package["releases"][0]["tender"]["status"], "complete");
        let actions: Vec<String> = app.with_db(|conn| {
            use achat_ouvert::db::schema::audit_log;
            audit_log::table.select(audit_log::action).load(conn).unwrap()
        }).await;
        for a in ["award.awarded", "award.letter_opened", "award.challenge_recorded", "award.challenge_settled"] {
            assert!(actions.iter().any(|x| x == a), "{a}");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn an_objective_declared_not_awarded_tells_every_depositor_then_is_archived(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Cantines locales").await;
        let o = s.objective;
        let award = format!("/objectives/{o}/award");
        let stage = format!("/objectives/{o}/stage");
        assert_eq!(s.agent.submit(&award, &stage, &[("to", "archived")]).await.status(), 409, "results published: not yet");
        assert_eq!(s.suppliers[0].post_raw(&format!("/objectives/{o}/not-awarded"), &[("reason", REASONS)]).await.status(), 403);
        assert_eq!(app.get(&format!("/api/v1/objectives/{o}/award")).await.status(), 404, "nothing decided yet");
        let r = s.agent.submit(&award, &format!("/objectives/{o}/not-awarded/confirm"), &[("reason", "trop court")]).await;
        assert_eq!(r.status(), 422);
        let reason = "Aucune offre ne respecte le budget voté par l’assemblée régionale.";
        let r = s.agent.submit(&award, &format!("/objectives/{o}/not-awarded/confirm"), &[("reason", reason)]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(letters_count(&app).await, 0);
        assert_eq!(s.agent.submit(&award, &format!("/objectives/{o}/not-awarded"), &[("reason", reason)]).await.status(), 303);
        assert_eq!(letters_count(&app).await, 4, "every organisation that deposited");
        // The letters through the API, by bearer token: reading one records the first opening;
        // another organisation's letter is not found.
        let token = api_token(&s.suppliers[0]).await;
        let bearer = format!("Bearer {token}");
        let list: serde_json::Value = app.get_with("/api/v1/organisation/letters", &[("Authorization", &bearer)]).await.json().await.unwrap();
        let mine = list[0]["id"].as_i64().unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["kind"], "not_awarded");
        assert!(list[0]["first_opened_at"].is_null());
        let one: serde_json::Value = app.get_with(&format!("/api/v1/organisation/letters/{mine}"), &[("Authorization", &bearer)]).await.json().await.unwrap();
        assert_eq!(one["facts"]["reasons"], reason);
        assert!(one["first_opened_at"].is_string());
        assert_eq!(opened(&app, mine).await.1, Some(user_id(&app, "owner@alpha.example").await));
        let other = letter_of(&app, "owner@beta.example").await;
        assert_eq!(app.get_with(&format!("/api/v1/organisation/letters/{other}"), &[("Authorization", &bearer)]).await.status(), 404);
        assert_eq!(app.get(&format!("/api/v1/organisation/letters/{other}")).await.status(), 404);
        let l = letter_of(&app, "owner@late.example").await;
        let letter = s.late.text(&format!("/organisation/letters/{l}")).await;
        assert!(letter.contains("sans suite") && letter.contains(reason), "{letter}");
        let package: serde_json::Value = app.get(&format!("/api/v1/objectives/{o}/ocds.json")).await.json().await.unwrap();
        assert_eq!(package["releases"][0]["tender"]["status"], "unsuccessful");
        // Awarding is no longer possible; archiving is.
        assert_eq!(s.agent.submit(&award, &award, &[("winner", &s.proposals[0].to_string()), ("reasons", REASONS), ("standstill_days", "0")]).await.status(), 409);
        // Archiving asks first, on its own page, and the page changes nothing.
        let confirm = s.agent.submit(&award, &format!("{stage}/confirm"), &[("to", "archived")]).await;
        assert_eq!(confirm.status(), 200);
        let text = confirm.text().await.unwrap();
        assert!(text.contains("Un objectif archivé ne peut revenir") && text.contains(&format!("action=\"{stage}\"")), "{text}");
        assert!(!app.browser().text(&format!("/objectives/{o}")).await.contains("Archivé"), "not archived by the confirmation page");
        let unknown = s.agent.submit(&award, &format!("{stage}/confirm"), &[("to", "draft")]).await;
        assert_eq!(unknown.status(), 422);
        let supplier = s.suppliers[0].submit(&format!("/objectives/{o}"), &format!("{stage}/confirm"), &[("to", "archived")]).await;
        assert_eq!(supplier.status(), 403, "a supplier may not archive");
        assert_eq!(s.agent.submit(&award, &stage, &[("to", "archived")]).await.status(), 303);
        // Twice: the award page with the reason in words, no status code shown.
        let again = s.agent.submit(&award, &format!("{stage}/confirm"), &[("to", "archived")]).await;
        assert_eq!(again.status(), 409);
        let text = again.text().await.unwrap();
        assert!(text.contains("alert-error") && !text.contains("409"), "{text}");
        assert_eq!(s.agent.submit(&award, &stage, &[("to", "archived")]).await.status(), 409);
        let public = app.browser().text(&format!("/objectives/{o}")).await;
        assert!(public.contains("Déclaré sans suite") && public.contains("Archivé") && public.contains(reason), "{public}");
        app.stop().await;
    }
}
