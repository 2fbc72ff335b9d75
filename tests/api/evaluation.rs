//! Evaluation: the committee declares conflicts and scores, the chair settles and decides, the
//! agent publishes; the suppliers read their feedback. Every refusal on the way.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, criterion, published, spawn_app};
use crate::proposals::{COMPLETE, deposited, start};

pub async fn user_id(app: &TestApp, email: &'static str) -> i64 {
    app.with_db(move |conn| {
        achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse(email).unwrap())
            .unwrap()
            .unwrap()
            .id
            .0
    })
    .await
}

pub async fn organisation_of(app: &TestApp, email: &'static str) -> i64 {
    app.with_db(move |conn| {
        achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse(email).unwrap())
            .unwrap()
            .unwrap()
            .organisation_id
            .unwrap()
            .0
    })
    .await
}

/// Posts a member's scores on a proposal: (criterion id, score, justification) per criterion.
async fn score(
    member: &Browser,
    objective: i64,
    proposal: i64,
    scores: &[(i64, &str, &str)],
    action: &str,
) -> reqwest::Response {
    let page = format!("/objectives/{objective}/evaluation/{proposal}");
    let mut fields: Vec<(String, String)> = vec![("action".into(), action.into())];
    for (c, s, j) in scores {
        fields.push((format!("score_{c}"), (*s).into()));
        fields.push((format!("just_{c}"), (*j).into()));
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    member.submit(&page, &page, &refs).await
}

const LONG: &str = "Une justification détaillée, argumentée et assez longue.";
/// A justification a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\";\"cliquez ici pour voir\")";
/// The same with a full-width equals sign, which some spreadsheets also read as a formula.
const FULL_WIDTH_FORMULA: &str = "＝HYPERLINK(\"http://evil.example\";\"cliquez ici pour voir\")";

both_backends! {
    async fn a_committee_declares_scores_settles_decides_and_the_suppliers_read_their_feedback(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Chaleur des lycées").await;
        let (climate, support) = (criterion(&app, "env-climate").await, criterion(&app, "change-support").await);
        let suppliers = [("owner@alpha.example", 701u64), ("owner@beta.example", 702), ("owner@gamma.example", 703)];
        let mut browsers = Vec::new();
        let mut proposals = Vec::new();
        for (email, n) in suppliers {
            let s = app.supplier_owner(email, n).await;
            let p = start(&s, objective, &COMPLETE).await;
            deposited(&s, p).await;
            browsers.push(s);
            proposals.push(p);
        }
        let chair = app.staff("chair@region.example", &[Role::Committee]).await;
        let m1 = app.staff("m1@alpha.example", &[Role::Committee]).await;
        let m2 = app.staff("m2@region.example", &[Role::Committee]).await;
        let outsider = app.staff("other@region.example", &[Role::Committee]).await;
        let admin = app.staff("admin@region.example", &[Role::Admin]).await;

        // The agent appoints the committee before the deadline; only committee accounts qualify.
        let committee = format!("/objectives/{objective}/committee");
        for (email, is_chair) in [("chair@region.example", "true"), ("m1@alpha.example", "false"), ("m2@region.example", "false")] {
            let id = user_id(&app, Box::leak(email.to_owned().into_boxed_str())).await.to_string();
            assert_eq!(agent.submit(&committee, &committee, &[("user", &id), ("chair", is_chair)]).await.status(), 303);
        }
        assert!(app.last_mail_to("chair@region.example").await.subject.contains("Chaleur des lycées"));
        let admin_id = user_id(&app, "admin@region.example").await.to_string();
        assert_eq!(agent.submit(&committee, &committee, &[("user", &admin_id)]).await.status(), 409, "not a committee account");
        app.create_staff("both@region.example", &[Role::Agent, Role::Committee]).await;
        let both = user_id(&app, "both@region.example").await.to_string();
        let r = agent.submit(&committee, &committee, &[("user", &both)]).await;
        assert_eq!(r.status(), 409, "agents do not sit on committees");
        assert!(r.text().await.unwrap().contains("séparation des fonctions"));
        assert_eq!(m1.get(&committee).await.status(), 403, "members do not appoint");

        // Before the opening members see no proposal.
        assert!(m1.text(&format!("/objectives/{objective}/evaluation")).await.contains("pas encore ouvertes"));

        // The deadline passes; the agent opens.
        app.clock.advance(chrono::Duration::days(31));
        for (b, e) in [(&agent, "agent@region.example"), (&chair, "chair@region.example"), (&m1, "m1@alpha.example"), (&m2, "m2@region.example"), (&outsider, "other@region.example"), (&admin, "admin@region.example")] {
            assert_eq!(b.sign_in(e, PASSWORD).await.status(), 303);
        }
        for (b, (e, _)) in browsers.iter().zip(suppliers) {
            assert_eq!(b.sign_in(e, PASSWORD).await.status(), 303);
        }
        assert_eq!(agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await.status(), 303);

        // Who may enter the workspace.
        let workspace = format!("/objectives/{objective}/evaluation");
        for who in [&agent, &outsider, &admin, &browsers[0]] {
            assert_eq!(who.get(&workspace).await.status(), 403);
        }
        // Nothing to read before declaring; the domain warning shows (m1 is @alpha.example).
        let (p1, p2, p3) = (proposals[0], proposals[1], proposals[2]);
        let early = m1.get(&format!("{workspace}/{p1}")).await;
        assert_eq!(early.status(), 409);
        assert!(early.text().await.unwrap().contains("Déclarez d’abord"));
        let page = m1.text(&workspace).await;
        assert!(page.contains("Entreprise 701") && page.contains("même domaine"));
        let (o1, o2, o3) = (organisation_of(&app, "owner@alpha.example").await, organisation_of(&app, "owner@beta.example").await, organisation_of(&app, "owner@gamma.example").await);
        let declarations = format!("{workspace}/declarations");
        let (f1, f2, f3) = (format!("org_{o1}"), format!("org_{o2}"), format!("org_{o3}"));
        let n3 = format!("note_{o3}");
        // A conflict without a note is refused, nothing recorded.
        let r = m1.submit(&workspace, &declarations, &[(&f1, "none"), (&f2, "none"), (&f3, "conflict")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Précisez la nature du conflit"));
        assert_eq!(m1.get(&format!("{workspace}/{p1}")).await.status(), 409, "nothing was recorded");
        let r = m1.submit(&workspace, &declarations, &[(&f1, "none"), (&f2, "none"), (&f3, "conflict"), (&n3, "Ancien employeur")]).await;
        assert_eq!(r.status(), 303);
        for m in [&chair, &m2] {
            assert_eq!(m.submit(&workspace, &declarations, &[(&f1, "none"), (&f2, "none"), (&f3, "none")]).await.status(), 303);
        }
        // The conflicted member neither sees nor scores that proposal.
        assert_eq!(m1.get(&format!("{workspace}/{p3}")).await.status(), 404);
        assert_eq!(score(&m1, objective, p3, &[(climate, "5", LONG), (support, "5", LONG)], "submit").await.status(), 404);

        // Bad scores: out of range, a short justification; nothing changes.
        let r = score(&m1, objective, p1, &[(climate, "7", LONG), (support, "3", LONG)], "submit").await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("La note va de 0 à 5"));
        let r = score(&m1, objective, p1, &[(climate, "4", "trop court"), (support, "3", LONG)], "submit").await;
        assert_eq!(r.status(), 422);
        // A draft may be partial; the submission locks.
        assert_eq!(score(&m1, objective, p1, &[(climate, "4", "")], "save").await.status(), 303);
        let draft = m1.text(&format!("{workspace}/{p1}")).await;
        assert!(draft.contains("value=\"4\" checked"));
        let grid: [(&Browser, i64, &str, &str); 8] = [
            (&m1, p1, "4", "3"), (&m2, p1, "5", "3"), (&chair, p1, "3", "4"),
            (&m1, p2, "2", "5"), (&m2, p2, "4", "4"), (&chair, p2, "2", "5"),
            (&m2, p3, "1", "5"), (&chair, p3, "2", "5"),
        ];
        // Others' scores show only once one's own is submitted.
        assert_eq!(score(&m2, objective, p1, &[(climate, "5", FULL_WIDTH_FORMULA), (support, "3", FORMULA)], "submit").await.status(), 303);
        assert!(!m1.text(&format!("{workspace}/{p1}")).await.contains("Notes des autres membres"));
        for (who, p, c, s) in grid {
            if std::ptr::eq(who, &m2) && p == p1 {
                continue;
            }
            let r = score(who, objective, p, &[(climate, c, LONG), (support, s, LONG)], "submit").await;
            assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        }
        assert!(m1.text(&format!("{workspace}/{p1}")).await.contains("Notes des autres membres"));
        assert_eq!(score(&m1, objective, p1, &[(climate, "5", LONG), (support, "5", LONG)], "submit").await.status(), 409, "submitted: locked");

        // The chair's progress matrix and ranking; members do not see the ranking.
        let progress = chair.text(&format!("{workspace}/progress")).await;
        assert!(progress.contains("Conflit") && progress.contains("Soumise"));
        assert_eq!(m1.get(&format!("{workspace}/ranking")).await.status(), 403);
        let ranking = chair.text(&format!("{workspace}/ranking")).await;
        // p1: 60 × 4/5 + 40 × (10/3)/5 = 74.67; p3 excluded (climate 1.5 < 2); p2 disagreement.
        assert!(ranking.contains("74,67") && ranking.contains("Exclue") && ranking.contains("Désaccord"), "{ranking}");
        assert!(ranking.contains("Robuste") || ranking.contains("Fragile"));
        // Deciding while a disagreement is open needs the chair's written reason: the confirmation
        // page comes back with the error at the top, linked to the field, and nothing is decided.
        let decision = format!("{workspace}/decision");
        let confirm = chair.text(&decision).await;
        assert!(confirm.contains("Enregistrer la décision du comité") && confirm.contains("2 désaccords restent ouverts"), "{confirm}");
        assert_eq!(m1.get(&decision).await.status(), 403, "members do not decide");
        let refused = chair.submit(&decision, &decision, &[("reason", "court")]).await;
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.unwrap();
        assert!(refused.contains("href=\"#reason\"") && refused.contains("2 désaccords restent ouverts : écrivez pourquoi"), "{refused}");
        assert!(refused.contains(">court</textarea>"), "what was typed is kept");
        assert!(chair.text(&format!("{workspace}/ranking")).await.contains("Désaccords à trancher"), "not decided");
        // The chair settles p2's climate disagreement by consensus (3): 36 + 37.33 = 73.33.
        let consensus = format!("{workspace}/consensus");
        let (ps, cs) = (p2.to_string(), climate.to_string());
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &consensus, &[("proposal", &ps), ("criterion", &cs), ("score", "3"), ("justification", "court")]).await.status(), 422);
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &consensus, &[("proposal", &ps), ("criterion", &cs), ("score", "3"), ("justification", LONG)]).await.status(), 303);
        // No consensus where the members agree (P1's change support: 3, 3, 4).
        let agreed = chair.submit(&format!("{workspace}/ranking"), &consensus, &[("proposal", &p1.to_string()), ("criterion", &support.to_string()), ("score", "5"), ("justification", LONG)]).await;
        assert_eq!(agreed.status(), 409);
        assert!(chair.text(&format!("{workspace}/ranking")).await.contains("73,33"));
        // A departure from the rule needs a reason; an excluded proposal cannot be shortlisted.
        let shortlist = format!("{workspace}/shortlist");
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &shortlist, &[("proposal", &ps), ("shortlisted", "false"), ("reason", "")]).await.status(), 409);
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &shortlist, &[("proposal", &ps), ("shortlisted", "false"), ("reason", "Budget insuffisant pour deux lauréats")]).await.status(), 303);
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &shortlist, &[("proposal", &p3.to_string()), ("shortlisted", "true"), ("reason", "Pourtant intéressante")]).await.status(), 409);
        assert_eq!(m1.submit(&workspace, &shortlist, &[("proposal", &ps), ("shortlisted", "true"), ("reason", "Je ne suis pas président")]).await.status(), 403);

        // The decision freezes everything; the agent publishes.
        assert_eq!(agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/results"), &[]).await.status(), 409, "not decided yet");
        assert_eq!(agent.get(&format!("/objectives/{objective}/results/publish")).await.status(), 409, "not decided yet");
        // One settled, one left open: the chair writes why the committee decides anyway.
        assert!(chair.text(&decision).await.contains("Un désaccord reste ouvert"));
        assert_eq!(chair.submit(&decision, &decision, &[]).await.status(), 422);
        assert_eq!(chair.submit(&decision, &decision, &[("reason", "Écart discuté en séance, le comité retient la médiane")]).await.status(), 303);
        assert!(chair.text(&format!("{workspace}/ranking")).await.contains("Écart discuté en séance"), "the reason stays with the decision");
        assert_eq!(chair.get(&decision).await.status(), 409, "decided once");
        assert_eq!(chair.submit(&format!("{workspace}/ranking"), &consensus, &[("proposal", &ps), ("criterion", &cs), ("score", "4"), ("justification", LONG)]).await.status(), 409, "decided");
        assert_eq!(m1.get(&format!("/objectives/{objective}/committee")).await.status(), 403);
        assert!(agent.text(&format!("{workspace}/ranking")).await.contains("74,67"), "agents read the decided ranking");
        // The printable report and the CSV exports, formulas neutralised.
        let report = chair.text(&format!("{workspace}/report")).await;
        assert!(report.contains("Ancien employeur") && report.contains(LONG) && report.contains("Budget insuffisant"));
        // The committee reads "this proposal" in the charts, never the depositor's "your proposal".
        assert!(report.contains("Cette proposition") && !report.contains("Votre proposition"), "{report}");
        assert_eq!(m1.get(&format!("{workspace}/report")).await.status(), 403);
        let csv = agent.get(&format!("{workspace}/report.csv")).await;
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = csv.text().await.unwrap();
        assert!(csv.contains("\"74.67\"") && csv.contains("Budget insuffisant"), "{csv}");
        let scores_csv = chair.text(&format!("{workspace}/scores.csv")).await;
        assert!(scores_csv.contains("\"'=HYPERLINK(") && !scores_csv.contains(",\"=HYPERLINK"), "{scores_csv}");
        assert!(scores_csv.contains("\"'＝HYPERLINK(") && !scores_csv.contains(",\"＝HYPERLINK"), "{scores_csv}");
        assert_eq!(browsers[0].submit(&format!("/proposals/{p1}"), &format!("/objectives/{objective}/results"), &[]).await.status(), 403);
        // Publishing is confirmed on a page of its own, refused to others than agents.
        let publish = format!("/objectives/{objective}/results/publish");
        let confirm = agent.text(&publish).await;
        assert!(confirm.contains("ne peuvent plus être retirés") && confirm.contains("per_criterion"), "{confirm}");
        assert_eq!(chair.get(&publish).await.status(), 403);
        assert_eq!(browsers[0].get(&publish).await.status(), 403);
        assert_eq!(agent.submit(&publish, &format!("/objectives/{objective}/results"), &[("per_criterion", "true")]).await.status(), 303);
        assert_eq!(agent.get(&publish).await.status(), 409, "published once");

        // The public page shows the shortlist; every depositor is told and reads its feedback.
        let public = app.browser().text(&format!("/objectives/{objective}")).await;
        assert!(public.contains("Résultats") && public.contains("Entreprise 701") && public.contains("74,67"));
        assert!(!public.contains("Entreprise 702"), "removed from the shortlist with a reason");
        for (email, _) in suppliers {
            assert!(app.last_mail_to(email).await.subject.contains("Résultats"));
        }
        let feedback = browsers[0].text(&format!("/proposals/{p1}")).await;
        assert!(feedback.contains("Présélectionnée") && feedback.contains("Membre A") && feedback.contains(LONG));
        assert!(!feedback.contains("m1@alpha.example") && !feedback.contains("chair@region.example"), "members are not named");
        assert!(feedback.contains("<svg") && feedback.contains("Votre proposition"), "the depositor reads its own");
        assert!(browsers[0].text("/proposals").await.contains("Présélectionnée"), "the dashboard shows the result");
        let excluded = browsers[2].text(&format!("/proposals/{p3}")).await;
        assert!(excluded.contains("Exclue"));
        // The directory shows each listed organisation's shortlisted results, and only those.
        for b in [&browsers[0], &browsers[1]] {
            assert_eq!(b.submit("/organisation/profile", "/organisation/profile/listing", &[("listed", "true")]).await.status(), 303);
        }
        let alpha = app.browser().text(&format!("/directory/{o1}")).await;
        assert!(alpha.contains("Chaleur des lycées") && alpha.contains("Chaufferies bois en circuit court"), "{alpha}");
        let beta = app.browser().text(&format!("/directory/{o2}")).await;
        assert!(!beta.contains("Chaleur des lycées") && beta.contains("Aucune proposition présélectionnée"), "{beta}");
        // The profile finds them through the rows the opening recorded (`opened_organisations`):
        // without them it shows none; the migration's statements record them again from the
        // opened snapshots, for objectives opened before the table existed.
        let recorded = crate::proposals::opened_organisations(&app, objective).await;
        assert_eq!(recorded.iter().map(|r| (r.1, r.2, r.3.as_str())).collect::<Vec<_>>(), vec![(p1, o1, "lead"), (p2, o2, "lead"), (p3, o3, "lead")]);
        app.with_db(|conn| {
            use diesel::prelude::*;
            diesel::delete(achat_ouvert::db::schema::opened_organisations::table).execute(conn).unwrap();
        })
        .await;
        assert!(!app.browser().text(&format!("/directory/{o1}")).await.contains("Chaleur des lycées"));
        crate::proposals::refill_opened_organisations(&app, backend).await;
        assert_eq!(crate::proposals::opened_organisations(&app, objective).await, recorded);
        assert!(app.browser().text(&format!("/directory/{o1}")).await.contains("Chaufferies bois en circuit court"));

        // Open data: the bid statistics and the shortlist, valid with the bid extension applied.
        let package: serde_json::Value = app.get(&format!("/api/v1/objectives/{objective}/ocds.json")).await.json().await.unwrap();
        crate::open_data::validate_package(&package);
        let bids = &package["releases"][0]["bids"];
        assert_eq!(bids["statistics"][0]["value"], 3);
        let details = bids["details"].as_array().unwrap();
        let bid = |p: i64| details.iter().find(|d| d["id"] == format!("proposal-{p}")).unwrap().clone();
        assert_eq!((bid(p1)["status"].as_str(), bid(p1)["rank"].as_i64(), bid(p1)["shortlisted"].as_bool()), (Some("valid"), Some(1), Some(true)));
        assert_eq!(bid(p1)["tenderers"][0]["name"], "Entreprise 701");
        assert_eq!((bid(p2)["status"].as_str(), bid(p2)["shortlisted"].as_bool()), (Some("valid"), Some(false)));
        assert!(bid(p2).get("tenderers").is_none(), "only the shortlisted are named");
        assert_eq!(bid(p3)["status"], "disqualified");
        app.stop().await;
    }
}

both_backends! {
    async fn blind_members_see_numbers_not_names(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Évaluation à l’aveugle").await;
        let supplier = app.supplier_owner("owner@alpha.example", 711).await;
        let p = start(&supplier, objective, &COMPLETE).await;
        crate::proposals::attach(&supplier, p, &[("Offre Alpha.pdf", crate::proposals::PDF.to_vec())]).await;
        let receipt = deposited(&supplier, p).await;
        let member = app.staff("m@region.example", &[Role::Committee]).await;
        let committee = format!("/objectives/{objective}/committee");
        assert_eq!(agent.submit(&committee, &format!("{committee}/settings"), &[("blind", "true"), ("aggregation", "median")]).await.status(), 303);
        let id = user_id(&app, "m@region.example").await.to_string();
        assert_eq!(agent.submit(&committee, &committee, &[("user", &id)]).await.status(), 303);
        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        assert_eq!(member.sign_in("m@region.example", PASSWORD).await.status(), 303);
        // Settings are fixed once the deadline passed.
        assert_eq!(agent.submit(&committee, &format!("{committee}/settings"), &[("aggregation", "mean")]).await.status(), 409);
        agent.submit(&format!("/objectives/{objective}/proposals"), &format!("/objectives/{objective}/proposals/open"), &[]).await;
        let workspace = format!("/objectives/{objective}/evaluation");
        let org = organisation_of(&app, "owner@alpha.example").await;
        assert_eq!(member.submit(&workspace, &format!("{workspace}/declarations"), &[(&format!("org_{org}"), "none")]).await.status(), 303);
        let list = member.text(&workspace).await;
        assert!(list.contains("Proposition 1"));
        let page = member.text(&format!("{workspace}/{p}")).await;
        assert!(page.contains("Proposition 1") && page.contains("Document 1"));
        assert!(!page.contains("Entreprise 711") && !page.contains("Offre Alpha"), "no organisation, no original file name");
        // A draft keeps a justification written before its score is chosen.
        let climate = criterion(&app, "env-climate").await;
        let score_page = format!("{workspace}/{p}");
        let just = format!("just_{climate}");
        assert_eq!(member.submit(&score_page, &score_page, &[("action", "save"), (&just, "Première impression à confirmer")]).await.status(), 303);
        assert!(member.text(&score_page).await.contains("Première impression à confirmer"));
        let doc = member.get(&format!("/deposits/{receipt}/documents/0")).await;
        assert_eq!(doc.status(), 200);
        assert!(doc.headers()["content-disposition"].to_str().unwrap().contains("document-1.pdf"));
        app.stop().await;
    }
}
