//! The journeys in a real browser (issue 9): people click through the real server's pages in
//! Debian's headless Chromium, on SQLite and on PostgreSQL. The first journey goes from the
//! administrator's invitations to a checked receipt (steps a to d); the second from the deadline
//! to the public result and its open data (steps e to g). Every page visited with JavaScript on
//! is checked by axe-core (no serious or critical violation); the deposit and the scoring are also
//! done with JavaScript off; screenshots of the main pages at 360 and 1440 px go to
//! `target/screenshots/<backend>/`. Each step also tries a refusal a user could meet.
//!
//! Without Chromium, chromedriver and `node_modules/axe-core` at build time, `build.rs` leaves the
//! `browser_tests` cfg off and these tests are reported as ignored; with `REQUIRE_BROWSER=1` (CI)
//! that is a failure (`browser_runs_happen_when_required` in main.rs).

use achat_ouvert::domain::users::Role;

use crate::browser::{Driver, Page, Violation};
use crate::helpers::{PASSWORD, TestApp, complete_form, link_to, paris_in, published, siret, spawn_app};
use crate::proposals::COMPLETE;

/// A page plus what axe found on the pages it visited.
struct Person {
    page: Page,
    found: Vec<Violation>,
}

impl Person {
    async fn new(driver: &Driver, app: &TestApp, javascript: bool) -> Person {
        Person { page: driver.open(&app.address, javascript).await, found: Vec::new() }
    }
    /// Opens a page and checks it.
    async fn visit(&mut self, path: &str) -> String {
        self.page.goto(path).await;
        self.check().await
    }
    /// Fills a form (`form` is a CSS selector), presses its button, checks the page reached.
    async fn send(&mut self, form: &str, pairs: &[(&str, &str)], button: &str) -> String {
        self.page.submit(form, pairs, button).await;
        self.check().await
    }
    async fn check(&mut self) -> String {
        let found = self.page.axe().await;
        self.found.extend(found);
        self.page.text().await
    }
    async fn sign_in(&mut self, email: &str, password: &str) {
        self.visit("/login").await;
        let text = self
            .send("form[method=post][action=\"/login\"]", &[("email", email), ("password", password)], "button")
            .await;
        assert!(!text.contains("Adresse ou mot de passe incorrect"), "{email} could not sign in: {text}");
    }
}

/// The link to `path` in the newest mail to `to`, as the person would follow it.
async fn mailed_link(app: &TestApp, to: &str, path: &str) -> String {
    link_to(&app.last_mail_to(to).await.body_text, path)
}

fn id_in(path: &str, prefix: &str) -> i64 {
    path.trim_start_matches(prefix)
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {path}"))
}

/// `both_backends!` for the browser: ignored without a browser at build time.
macro_rules! in_the_browser {
    (async fn $name:ident($backend:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($backend: $crate::helpers::Backend) $body

            #[actix_web::test]
            #[cfg_attr(not(browser_tests), ignore = "Chromium, chromedriver or node_modules/axe-core is missing")]
            async fn sqlite() {
                run($crate::helpers::Backend::Sqlite).await
            }

            #[actix_web::test]
            #[cfg_attr(not(all(browser_tests, postgres_tests)), ignore = "no browser or TEST_POSTGRES_URL is not set")]
            async fn postgres() {
                run($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

in_the_browser! {
    async fn from_invitations_to_a_checked_receipt_in_a_real_browser(backend) {
        let app = spawn_app(backend).await;
        let driver = Driver::start(backend.label()).await;

        // a. An administrator invites an agent and three committee members; each sets a password
        //    from the mail the platform sent.
        app.create_staff("admin@region.example", &[Role::Admin]).await;
        let mut admin = Person::new(&driver, &app, true).await;
        admin.sign_in("admin@region.example", PASSWORD).await;
        admin.visit("/admin/users").await;
        admin.page.screenshot("admin-users").await;
        let invite = "form[method=post][action=\"/admin/users\"]";
        // Refused: no role chosen; the error is tied to its field.
        let refused = admin.send(invite, &[("email", "agent@region.example"), ("name", "Agnès Agent")], "button").await;
        assert!(refused.contains("Choisissez au moins un rôle"), "{refused}");
        let people = [
            ("agent@region.example", "Agnès Agent", "agent"),
            ("chair@region.example", "Claire Présidente", "committee"),
            ("m1@region.example", "Marc Membre", "committee"),
            ("m2@region.example", "Mona Membre", "committee"),
        ];
        for (email, name, role) in people {
            admin.visit("/admin/users").await;
            admin.send(invite, &[("email", email), ("name", name), (role, "true")], "button").await;
            let link = mailed_link(&app, email, "/account/set-password").await;
            let mut invited = Person::new(&driver, &app, true).await;
            invited.visit(&link).await;
            let done = invited.send("form[method=post][action=\"/account/set-password\"]", &[("password", PASSWORD), ("password_confirm", PASSWORD)], "button").await;
            assert!(!done.contains("erreur"), "{done}");
            invited.page.close().await;
        }

        // b. The agent drafts and publishes an objective with criteria and weights.
        let mut agent = Person::new(&driver, &app, true).await;
        agent.sign_in("agent@region.example", PASSWORD).await;
        agent.visit("/objectives/new").await;
        agent.page.screenshot("objective-form").await;
        let form = complete_form(&app, "Chaleur renouvelable des lycées", &paris_in(&app, 30)).await;
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        agent.send("form[method=post][action=\"/objectives\"]", &pairs, "button[type=submit]").await;
        let objective = id_in(&agent.page.path().await, "/objectives/");
        let page = format!("/objectives/{objective}");
        agent.send(&format!("form[method=post][action=\"{page}/publish\"]"), &[], "button").await;
        let mut visitor = Person::new(&driver, &app, true).await;
        let public = visitor.visit(&page).await;
        assert!(public.contains("Chaleur renouvelable des lycées"), "{public}");
        visitor.page.screenshot("objective").await;
        // Refused: a committee member cannot write objectives.
        let mut m1 = Person::new(&driver, &app, true).await;
        m1.sign_in("m1@region.example", PASSWORD).await;
        assert!(m1.visit("/objectives/new").await.contains("Accès refusé"));

        // c. Two suppliers register and verify their address from the mail; one asks a question,
        //    the agent answers it.
        let mut lead = Person::new(&driver, &app, true).await;
        // The second supplier works without JavaScript.
        let mut partner = Person::new(&driver, &app, false).await;
        for (who, legal, n, email) in [(&mut lead, "Chaleur Locale SAS", 801u64, "owner@chaleur.example"), (&mut partner, "Bois du Pays SCOP", 802, "owner@bois.example")] {
            who.visit("/register").await;
            let siret = siret(n);
            let fields = crate::helpers::registration(legal, &siret, "Responsable", email);
            let sent = who.send("form[method=post][action=\"/register\"]", &fields, "button[type=submit]").await;
            assert!(sent.contains("Vérifiez votre messagerie"), "{sent}");
            let link = mailed_link(&app, email, "/verify").await;
            who.visit(&link).await;
            who.send("form[method=post][action=\"/verify\"]", &[], "button").await;
            who.sign_in(email, PASSWORD).await;
        }
        // Refused: the same SIRET twice.
        let mut late = Person::new(&driver, &app, true).await;
        late.visit("/register").await;
        let again = siret(801);
        let twice = late.send("form[method=post][action=\"/register\"]", &crate::helpers::registration("Copie", &again, "X", "x@copie.example"), "button[type=submit]").await;
        assert!(twice.contains("déjà"), "{twice}");
        lead.visit(&page).await;
        let short = lead.send(&format!("form[method=post][action=\"{page}/questions\"]"), &[("question", "Quoi ?")], "button").await;
        assert!(short.contains("caractères"), "a question too short is refused: {short}");
        assert!(lead.page.try_find("#question[aria-invalid=true][aria-describedby=\"question-hint question-error\"]").await.is_some(), "the error is tied to the field, the form is there again");
        lead.visit(&page).await;
        lead.send(&format!("form[method=post][action=\"{page}/questions\"]"), &[("question", "Un groupement conjoint peut-il répondre ?")], "button").await;
        agent.visit(&page).await;
        agent.send("form[method=post][action$=\"/answer\"]", &[("answer", "Oui : conjoint ou solidaire, avec un mandataire.")], "button").await;
        assert!(visitor.visit(&page).await.contains("avec un mandataire"));

        // c (cont.) and d. The lead drafts, invites the partner into a consortium, attaches a
        //    file; the partner confirms without JavaScript; the lead deposits and gets a receipt.
        lead.visit(&format!("{page}/proposal")).await;
        lead.send(&format!("form[method=post][action=\"{page}/proposal\"]"), &COMPLETE, "button[type=submit]").await;
        let proposal = id_in(&lead.page.path().await, "/proposals/");
        let mine = format!("/proposals/{proposal}");
        lead.visit(&mine).await;
        lead.page.screenshot("proposal").await;
        let partner_siret = siret(802);
        lead.send(&format!("form[method=post][action=\"{mine}/consortium\"]"), &[("identifier_type", "siret"), ("identifier", &partner_siret), ("role", "Fourniture du bois"), ("consortium_type", "solidaire")], "button").await;
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("offre.pdf");
        std::fs::write(&bad, b"MZ\x90\x00 this is a program, not a PDF").unwrap();
        let refused = lead.send(&format!("form[method=post][action^=\"{mine}/attachments\"]"), &[("file", bad.to_str().unwrap())], "button").await;
        assert!(refused.contains("n’est pas accepté") && refused.contains("Rien n’a été enregistré"), "a program named .pdf is refused: {refused}");
        assert!(lead.page.try_find("#file[aria-invalid=true][aria-describedby=\"file-hint file-error\"]").await.is_some(), "the proposal's page again, the reason by the file field");
        let good = dir.path().join("memoire-technique.pdf");
        std::fs::write(&good, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
        lead.visit(&mine).await;
        let attached = lead.send(&format!("form[method=post][action^=\"{mine}/attachments\"]"), &[("file", good.to_str().unwrap())], "button").await;
        assert!(attached.contains("memoire-technique.pdf"), "{attached}");
        // Refused: no deposit before the partner confirms.
        let early = lead.visit(&format!("{mine}/deposit")).await;
        assert!(early.contains("doit avoir confirmé") && lead.page.try_find(&format!("form[action=\"{mine}/deposit\"]")).await.is_none(), "{early}");
        partner.visit(&mine).await;
        partner.send(&format!("form[method=post][action=\"{mine}/consortium/confirm\"]"), &[], "button").await;
        lead.visit(&format!("{mine}/deposit")).await;
        lead.page.screenshot("deposit").await;
        let receipt = lead.send(&format!("form[method=post][action=\"{mine}/deposit\"]"), &[("confirm", "true")], "button").await;
        assert!(receipt.contains("Accusé de réception"), "{receipt}");
        lead.page.screenshot("receipt").await;
        let number = receipt.split_whitespace().find(|w| w.starts_with("AO-")).expect("a receipt number").to_owned();
        let hash: String = {
            let number = number.clone();
            app.with_db(move |conn| {
                use achat_ouvert::db::schema::deposits;
                use diesel::prelude::*;
                deposits::table.filter(deposits::receipt_number.eq(number)).select(deposits::deposit_hash).first(conn).unwrap()
            })
            .await
        };
        // The partner's own proposal, deposited with JavaScript off.
        partner.visit(&format!("{page}/proposal")).await;
        partner.send(&format!("form[method=post][action=\"{page}/proposal\"]"), &COMPLETE, "button[type=submit]").await;
        let second = id_in(&partner.page.path().await, "/proposals/");
        partner.visit(&format!("/proposals/{second}/deposit")).await;
        let no_js = partner.send(&format!("form[method=post][action=\"/proposals/{second}/deposit\"]"), &[("confirm", "true")], "button").await;
        assert!(no_js.contains("Accusé de réception"), "deposit without JavaScript: {no_js}");
        // Anyone checks a receipt on the public page.
        visitor.visit("/receipts/verify").await;
        let checked = visitor.send("form[action=\"/receipts/verify\"]", &[("number", &number), ("hash", &hash)], "button").await;
        assert!(checked.contains("Authentique"), "{checked}");
        let forged = visitor.send("form[action=\"/receipts/verify\"]", &[("number", &number), ("hash", "00")], "button").await;
        assert!(!forged.contains("Authentique"), "{forged}");

        // Keyboard: the first Tab reaches the skip link, with a visible focus; pages declare
        // their language.
        visitor.visit("/").await;
        let (tag, text, visible) = visitor.page.tab(1).await;
        assert!(tag == "a" && text.contains("contenu") && visible, "first Tab: {tag} {text} {visible}");
        assert!(visitor.page.source().await.contains("<html lang=\"fr\""));
        visitor.page.screenshot("home").await;

        let all: Vec<&Violation> = [&admin, &agent, &visitor, &m1, &lead, &partner, &late].iter().flat_map(|p| p.found.iter()).collect();
        assert!(all.is_empty(), "axe found serious or critical violations: {all:#?}");
        let checked: usize = [&admin, &agent, &visitor, &m1, &lead, &partner, &late].iter().map(|p| p.page.checked()).sum();
        assert!(checked >= 15, "axe checked only {checked} pages");
        for p in [admin, agent, visitor, m1, lead, partner, late] {
            p.page.close().await;
        }
        app.stop().await;
    }
}

in_the_browser! {
    async fn from_the_deadline_to_the_public_result_in_a_real_browser(backend) {
        // Steps a to d are walked in the browser by the journey above; here they are set up over
        // HTTP (an objective, two deposited proposals, a draft left undeposited) so that this
        // journey starts where the other ends.
        let app = spawn_app(backend).await;
        let driver = Driver::start(backend.label()).await;
        let agent_http = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent_http, "Mobilité douce des agents").await;
        let page = format!("/objectives/{objective}");
        let mut deposited_ids = Vec::new();
        for (email, n) in [("owner@alpha.example", 901u64), ("owner@beta.example", 902)] {
            let s = app.supplier_owner(email, n).await;
            let p = crate::proposals::start(&s, objective, &COMPLETE).await;
            crate::proposals::deposited(&s, p).await;
            deposited_ids.push(p);
        }
        let (p1, p2) = (deposited_ids[0], deposited_ids[1]);
        let late_http = app.supplier_owner("owner@late.example", 903).await;
        let undeposited = crate::proposals::start(&late_http, objective, &COMPLETE).await;
        for (email, roles) in [("chair@region.example", Role::Committee), ("m1@region.example", Role::Committee), ("m2@region.example", Role::Committee)] {
            app.create_staff(email, &[roles]).await;
        }

        // The agent appoints the committee in the browser before the deadline; a member may not.
        let mut agent = Person::new(&driver, &app, true).await;
        agent.sign_in("agent@region.example", PASSWORD).await;
        let committee = format!("{page}/committee");
        let appoint = format!("form[method=post][action=\"{committee}\"]:not(.inline-form)");
        for (email, chair) in [("chair@region.example", true), ("m1@region.example", false), ("m2@region.example", false)] {
            agent.visit(&committee).await;
            let id = crate::evaluation::user_id(&app, email).await.to_string();
            let mut pairs = vec![("user", id.as_str())];
            if chair {
                pairs.push(("chair", "true"));
            }
            let done = agent.send(&appoint, &pairs, "button[type=submit]").await;
            assert!(done.contains("Le membre est nommé"), "{done}");
        }
        agent.page.screenshot("committee").await;
        let mut m1 = Person::new(&driver, &app, false).await; // m1 scores without JavaScript
        m1.sign_in("m1@region.example", PASSWORD).await;
        assert!(m1.visit(&committee).await.contains("Accès refusé"), "members do not appoint");

        // e. The deadline passes (the test's clock jumps past it); everyone signs in again.
        app.clock.advance(chrono::Duration::days(31));
        let mut chair = Person::new(&driver, &app, true).await;
        let mut m2 = Person::new(&driver, &app, true).await;
        let mut lead = Person::new(&driver, &app, true).await;
        let mut late = Person::new(&driver, &app, true).await;
        for (who, email) in [(&mut agent, "agent@region.example"), (&mut chair, "chair@region.example"), (&mut m1, "m1@region.example"), (&mut m2, "m2@region.example"), (&mut lead, "owner@alpha.example"), (&mut late, "owner@late.example")] {
            who.sign_in(email, PASSWORD).await;
        }
        // Refused: a deposit after the deadline.
        let too_late = late.visit(&format!("/proposals/{undeposited}/deposit")).await;
        assert!(too_late.contains("date limite passée") && late.page.try_find(&format!("form[action=\"/proposals/{undeposited}/deposit\"]")).await.is_none(), "{too_late}");

        // f. The agent opens the proposals; the committee declares and scores.
        agent.visit(&format!("{page}/proposals")).await;
        let opened = agent.send(&format!("form[method=post][action=\"{page}/proposals/open\"]"), &[], "button").await;
        assert!(opened.contains("Entreprise 901") && opened.contains("Entreprise 902"), "{opened}");
        let workspace = format!("{page}/evaluation");
        let declarations = format!("form[method=post][action=\"{workspace}/declarations\"]");
        let (o1, o2) = (crate::evaluation::organisation_of(&app, "owner@alpha.example").await, crate::evaluation::organisation_of(&app, "owner@beta.example").await);
        let (f1, f2, n2) = (format!("org_{o1}"), format!("org_{o2}"), format!("note_{o2}"));
        // Refused: a conflict without saying what it is; the error is tied to its field.
        m2.visit(&workspace).await;
        let refused = m2.send(&declarations, &[(&f1, "none"), (&f2, "conflict")], "button[type=submit]").await;
        assert!(refused.contains("Précisez la nature du conflit"), "{refused}");
        assert!(m2.page.try_find(&format!("#{n2}[aria-invalid=true][aria-describedby=\"{n2}-error\"]")).await.is_some(), "the error is tied to its field");
        for who in [&mut chair, &mut m1, &mut m2] {
            who.visit(&workspace).await;
            let done = who.send(&declarations, &[(&f1, "none"), (&f2, "none")], "button[type=submit]").await;
            assert!(done.contains("Vos déclarations sont enregistrées"), "{done}");
        }
        chair.page.screenshot("evaluation").await;
        let (climate, support) = (crate::helpers::criterion(&app, "env-climate").await, crate::helpers::criterion(&app, "change-support").await);
        let (sc, jc, ss, js) = (format!("score_{climate}"), format!("just_{climate}"), format!("score_{support}"), format!("just_{support}"));
        const WHY: &str = "Une justification détaillée, argumentée et assez longue.";
        // p2's climate score splits the committee (2, 4, 2): a disagreement for the chair.
        for (who, scores) in [(&mut m1, [(p1, "4", "3"), (p2, "2", "5")]), (&mut m2, [(p1, "5", "3"), (p2, "4", "4")]), (&mut chair, [(p1, "3", "4"), (p2, "2", "5")])] {
            for (p, c, s) in scores {
                let form = format!("form[method=post][action=\"{workspace}/{p}\"]");
                who.visit(&format!("{workspace}/{p}")).await;
                if p == p1 && !who.page.javascript() {
                    // Refused: a justification too short to submit; nothing is locked.
                    let short = who.send(&form, &[(&sc, c), (&jc, "bien"), (&ss, s), (&js, WHY)], "button[value=submit]").await;
                    assert!(short.contains("au moins 30 caractères"), "{short}");
                } else if p == p1 {
                    who.page.screenshot("scoring").await;
                }
                let done = who.send(&form, &[(&sc, c), (&jc, WHY), (&ss, s), (&js, WHY)], "button[value=submit]").await;
                assert!(done.contains("Votre évaluation est soumise"), "scoring (JavaScript: {}): {done}", who.page.javascript());
            }
        }
        // Refused: members do not read the ranking.
        assert!(m1.visit(&format!("{workspace}/ranking")).await.contains("Accès refusé"));
        // The chair settles the disagreement, removes p2 from the shortlist with a reason (refused
        // without one), and records the decision.
        let ranking = format!("{workspace}/ranking");
        let board = chair.visit(&ranking).await;
        assert!(board.contains("Désaccord"), "{board}");
        chair.page.screenshot("ranking").await;
        let settled = chair.send(&format!("form[method=post][action=\"{workspace}/consensus\"]"), &[("score", "3"), ("justification", WHY)], "button").await;
        assert!(settled.contains("Le consensus est enregistré"), "{settled}");
        let remove = format!("form[method=post][action=\"{workspace}/shortlist\"]:has(input[name=proposal][value=\"{p2}\"])");
        chair.visit(&ranking).await;
        let refused = chair.send(&remove, &[], "button").await;
        assert!(refused.contains("demande un motif écrit"), "{refused}");
        chair.visit(&ranking).await;
        let removed = chair.send(&remove, &[("reason", "Budget suffisant pour un seul lauréat")], "button").await;
        assert!(removed.contains("La présélection est modifiée"), "{removed}");
        // The decision is confirmed on a page of its own, which names what it freezes.
        let confirm = chair.visit(&format!("{workspace}/decision")).await;
        assert!(confirm.contains("Enregistrer la décision du comité") && confirm.contains("ne peut plus changer"), "{confirm}");
        // One disagreement is left open (P2's climate, 2 to 4): the chair writes why.
        assert!(confirm.contains("Un désaccord reste ouvert") && confirm.contains("ce désaccord"), "{confirm}");
        let why = [("reason", "Écart discuté en séance : le comité retient la médiane.")];
        let decided = chair.send(&format!("form[method=post][action=\"{workspace}/decision\"]"), &why, "button[type=submit]").await;
        assert!(decided.contains("La décision du comité est enregistrée"), "{decided}");
        // The agent publishes the results with the scores per criterion.
        agent.visit(&format!("{page}/results/publish")).await;
        agent.send(&format!("form[method=post][action=\"{page}/results\"]"), &[("per_criterion", "true")], "button[type=submit]").await;

        // g. The suppliers read their feedback; a supplier may not enter the committee's pages.
        let feedback = lead.visit(&format!("/proposals/{p1}")).await;
        assert!(feedback.contains("Présélectionnée") && feedback.contains("Membre A") && feedback.contains(WHY), "{feedback}");
        assert!(!feedback.contains("m1@region.example"), "members are not named");
        lead.page.screenshot("feedback").await;
        assert!(lead.visit(&workspace).await.contains("Accès refusé"));

        // The network: the lead writes its public profile, adds a credential with its evidence
        // (a past expiry date is refused), and chooses to appear in the directory; an agent has
        // no profile to edit.
        let profile = "form[method=post][action=\"/organisation/profile\"]";
        lead.visit("/organisation/profile").await;
        let saved = lead.send(profile, &[("presentation", "Vélos de service et **ateliers** de réparation."), ("sectors", "Mobilité, Vélo"), ("size", "sme"), ("departments", "69"), ("commit_climate", "Zéro livraison motorisée en ville.")], "button[type=submit]").await;
        assert!(saved.contains("Le profil est enregistré"), "{saved}");
        let iso = crate::network::catalogue_id(&app, "iso-14001").await;
        let credential = "form[method=post][action^=\"/organisation/profile/credentials\"]";
        let past = crate::network::today_plus(&app, -1);
        let refused = lead.send(credential, &[("credential", &iso), ("expires_on", &past)], "button[type=submit]").await;
        assert!(refused.contains("La date d’expiration est déjà passée"), "{refused}");
        let evidence = tempfile::tempdir().unwrap();
        let certificate = evidence.path().join("certificat-iso.pdf");
        std::fs::write(&certificate, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
        lead.visit("/organisation/profile").await;
        let future = crate::network::today_plus(&app, 400);
        let added = lead.send(credential, &[("credential", &iso), ("expires_on", &future), ("file", certificate.to_str().unwrap())], "button[type=submit]").await;
        assert!(added.contains("Le label est ajouté") && added.contains("certificat-iso.pdf"), "{added}");
        let listed = lead.send("form[method=post][action=\"/organisation/profile/listing\"]", &[], "button").await;
        assert!(listed.contains("apparaît dans l’annuaire"), "{listed}");
        lead.page.screenshot("profile-edit").await;
        assert!(agent.visit("/organisation/profile").await.contains("Accès refusé"));
        // A visitor reads the public result and the open data.
        let mut visitor = Person::new(&driver, &app, true).await;
        let public = visitor.visit(&page).await;
        assert!(public.contains("Résultats") && public.contains("Entreprise 901") && !public.contains("Entreprise 902"), "{public}");
        visitor.page.screenshot("results").await;
        // The directory finds the lead by its words and its credential, with its result.
        let found = visitor.visit("/directory?q=ateliers+velo").await;
        assert!(found.contains("Entreprise 901") && !found.contains("Entreprise 902"), "{found}");
        visitor.page.screenshot("directory").await;
        let card = visitor.visit(&format!("/directory/{o1}")).await;
        assert!(card.contains("ISO 14001") && card.contains("Mobilité douce des agents") && card.contains("Zéro livraison motorisée"), "{card}");
        visitor.page.screenshot("directory-profile").await;
        // The OCDS package is data, not a page: read, not checked by axe.
        visitor.page.goto(&format!("/api/v1/objectives/{objective}/ocds.json")).await;
        let package: serde_json::Value = serde_json::from_str(&visitor.page.text().await).expect("OCDS JSON in the browser");
        crate::open_data::validate_package(&package);
        let bids = package["releases"][0]["bids"]["details"].as_array().unwrap().clone();
        assert!(bids.iter().any(|b| b["id"] == format!("proposal-{p1}") && b["shortlisted"] == true), "{bids:?}");
        // Refused: the committee's report is not public.
        let report = visitor.visit(&format!("{workspace}/report")).await;
        assert!(!report.contains("Rapport d’évaluation") && !report.contains(WHY), "{report}");

        let people = [agent, chair, m1, m2, lead, late, visitor];
        let all: Vec<&Violation> = people.iter().flat_map(|p| p.found.iter()).collect();
        assert!(all.is_empty(), "axe found serious or critical violations: {all:#?}");
        let checked: usize = people.iter().map(|p| p.page.checked()).sum();
        assert!(checked >= 12, "axe checked only {checked} pages");
        for p in people {
            p.page.close().await;
        }
        app.stop().await;
    }
}

in_the_browser! {
    async fn the_network_partners_messages_practices_and_moderation_in_a_real_browser(backend) {
        // Accounts and an open objective over HTTP; everything else in the browser.
        let app = spawn_app(backend).await;
        let driver = Driver::start(backend.label()).await;
        let agent_http = app.staff("agent@region.example", &[Role::Agent]).await;
        app.create_staff("admin@region.example", &[Role::Admin]).await;
        let objective = published(&app, &agent_http, "Restauration scolaire durable").await;
        let page = format!("/objectives/{objective}");
        let alpha_http = app.supplier_owner("owner@alpha.example", 951).await;
        app.supplier_owner("owner@beta.example", 952).await;
        let (a, b) = (crate::evaluation::organisation_of(&app, "owner@alpha.example").await, crate::evaluation::organisation_of(&app, "owner@beta.example").await);
        let mut alpha = Person::new(&driver, &app, true).await;
        alpha.sign_in("owner@alpha.example", PASSWORD).await;
        // Beta works without JavaScript.
        let mut beta = Person::new(&driver, &app, false).await;
        beta.sign_in("owner@beta.example", PASSWORD).await;

        // Alpha looks for partners on the objective (too short a description is refused first).
        let seek = format!("form[method=post][action=\"{page}/partners\"]");
        alpha.visit(&page).await;
        let short = alpha.send(&seek, &[("skills", "Bio")], "button[type=submit]").await;
        assert!(short.contains("10 caractères au moins"), "{short}");
        assert!(alpha.page.try_find("#skills[aria-invalid=true][aria-describedby=\"skills-hint skills-error\"]").await.is_some(), "the error is tied to the field");
        alpha.visit(&page).await;
        let sought = alpha.send(&seek, &[("skills", "Une légumerie locale et un transporteur frigorifique électrique.")], "button[type=submit]").await;
        assert!(sought.contains("Votre recherche de partenaires est publiée"), "{sought}");

        // Beta finds it and writes through the platform (an empty message is refused).
        let on_objective = beta.visit(&page).await;
        assert!(on_objective.contains("Une légumerie locale") && !on_objective.contains("owner@alpha.example"), "{on_objective}");
        assert!(beta.page.try_find(&format!("a[href=\"/messages/{a}?objective={objective}\"]")).await.is_some(), "a contact link");
        let thread = format!("/messages/{a}?objective={objective}");
        let write = format!("form[method=post][action=\"/messages/{a}\"]");
        beta.visit(&thread).await;
        let empty = beta.send(&write, &[("body", " ")], "button[type=submit]").await;
        assert!(empty.contains("de 1 à 2 000 caractères"), "{empty}");
        beta.visit(&thread).await;
        let sent = beta.send(&write, &[("body", "Bonjour ! Notre légumerie est à 20 km des lycées : répondons ensemble.")], "button[type=submit]").await;
        assert!(sent.contains("Message envoyé") && sent.contains("Restauration scolaire durable"), "{sent}");
        assert!(app.last_mail_to("owner@alpha.example").await.subject.contains("Entreprise 952"));

        // Alpha reads it, and invites Beta into its proposal from the conversation.
        crate::proposals::start(&alpha_http, objective, &COMPLETE).await;
        let inbox = alpha.visit("/messages").await;
        assert!(inbox.contains("Entreprise 952"), "{inbox}");
        let conversation = alpha.visit(&format!("/messages/{b}")).await;
        assert!(conversation.contains("Notre légumerie"), "{conversation}");
        alpha.page.screenshot("messages").await;
        let invited = alpha.send(&format!("form[method=post][action=\"/messages/{b}/invite\"]"), &[("role", "Légumerie"), ("consortium_type", "solidaire")], "button[type=submit]").await;
        assert!(invited.contains("Entreprise 952") && invited.contains("Légumerie"), "{invited}");

        // Beta shares a good practice with a picture; an agent refuses without a reason (refused),
        // then publishes it; the visitor reads it on the home page and in the list.
        let picture = tempfile::tempdir().unwrap();
        let png = picture.path().join("legumerie.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00").unwrap();
        beta.visit("/practices/new").await;
        let text = "Nous épluchons et découpons les légumes des producteurs voisins le matin même : les cantines cuisinent du frais sans matériel supplémentaire.";
        let submitted = beta.send("form[method=post][action^=\"/practices\"]", &[("title", "Une légumerie partagée"), ("body", text), ("themes", "alimentation"), ("file", png.to_str().unwrap())], "button[type=submit]").await;
        assert!(submitted.contains("envoyée en relecture"), "{submitted}");
        let practice = id_in(&beta.page.path().await, "/practices/");
        let mut agent = Person::new(&driver, &app, true).await;
        agent.sign_in("agent@region.example", PASSWORD).await;
        assert!(agent.visit("/practices/review").await.contains("Une légumerie partagée"));
        let review = format!("/practices/{practice}/review");
        agent.visit(&format!("/practices/{practice}")).await;
        let refused = agent.send(&format!("form.form[method=post][action=\"{review}\"]"), &[("reason", "")], "button[type=submit]").await;
        assert!(refused.contains("10 caractères au moins"), "{refused}");
        let published_note = agent.send(&format!("form.inline-form[method=post][action=\"{review}\"]"), &[], "button[type=submit]").await;
        assert!(published_note.contains("La fiche est publiée"), "{published_note}");
        let mut visitor = Person::new(&driver, &app, true).await;
        assert!(visitor.visit("/").await.contains("Une légumerie partagée"), "featured by default: the newest");
        assert!(visitor.visit("/practices").await.contains("Une légumerie partagée"));
        visitor.page.screenshot("practices").await;
        visitor.visit(&format!("/practices/{practice}")).await;
        assert!(visitor.page.try_find(&format!("img[src=\"/practices/{practice}/picture\"][alt]")).await.is_some(), "the picture, described");
        visitor.page.screenshot("practice").await;

        // Alpha reports a message; the administrator suspends Beta's messaging, who is told.
        let mut second = Person::new(&driver, &app, true).await;
        second.sign_in("owner@beta.example", PASSWORD).await;
        second.visit(&format!("/messages/{a}")).await;
        second.send(&write, &[("body", "Achetez nos abonnements publicitaires, offre limitée !")], "button[type=submit]").await;
        alpha.visit(&format!("/messages/{b}")).await;
        let source = alpha.page.source().await;
        let last = source.rsplit("/messages/report/").next().unwrap().split('"').next().unwrap().to_owned();
        alpha.page.click(&format!("form[action=\"/messages/report/{last}\"] ~ summary, details:has(form[action=\"/messages/report/{last}\"]) summary")).await;
        let reported = alpha.send(&format!("form[method=post][action=\"/messages/report/{last}\"]"), &[("reason", "Publicité sans rapport avec l’objectif")], "button[type=submit]").await;
        assert!(reported.contains("Le message est signalé"), "{reported}");
        let mut admin = Person::new(&driver, &app, true).await;
        admin.sign_in("admin@region.example", PASSWORD).await;
        let reports = admin.visit("/admin/reports").await;
        assert!(reports.contains("Achetez nos abonnements"), "{reports}");
        admin.page.screenshot("reports").await;
        let suspended = admin.send("form.inline-form[method=post][action^=\"/admin/reports/\"]:has(input[value=suspend])", &[], "button[type=submit]").await;
        assert!(suspended.contains("La messagerie de l’expéditeur est suspendue"), "{suspended}");
        let blocked = beta.visit(&format!("/messages/{a}")).await;
        assert!(blocked.contains("suspendue") && beta.page.try_find(&write).await.is_none(), "{blocked}");
        // In English: the visitor switches language; the network's pages follow, and declare it.
        let english = visitor.visit("/lang/en?next=/directory").await;
        assert!(english.contains("Directory of committed suppliers") && !english.contains("Annuaire"), "{english}");
        assert!(visitor.page.source().await.contains("<html lang=\"en\""));
        let english = visitor.visit(&format!("/practices/{practice}")).await;
        assert!(english.contains("Published on") && english.contains("Good practices"), "{english}");
        visitor.visit("/lang/fr?next=/").await;
        // Refused: an agent has no messages; a supplier no moderation.
        assert!(agent.visit("/messages").await.contains("Accès refusé"));
        assert!(alpha.visit("/admin/reports").await.contains("Accès refusé"));

        let people = [alpha, beta, agent, visitor, second, admin];
        let all: Vec<&Violation> = people.iter().flat_map(|p| p.found.iter()).collect();
        assert!(all.is_empty(), "axe found serious or critical violations: {all:#?}");
        let checked: usize = people.iter().map(|p| p.page.checked()).sum();
        assert!(checked >= 12, "axe checked only {checked} pages");
        for p in people {
            p.page.close().await;
        }
        app.stop().await;
    }
}

in_the_browser! {
    async fn the_public_statements_and_the_help_from_the_footer_in_a_real_browser(backend) {
        let app = spawn_app(backend).await;
        let driver = Driver::start(backend.label()).await;
        let mut visitor = Person::new(&driver, &app, true).await;
        visitor.visit("/").await;
        for (path, words) in [
            ("/accessibilite", "partiellement conforme"),
            ("/mentions-legales", "Directeur de la publication"),
            ("/donnees-personnelles", "strictement nécessaires"),
            ("/plan-du-site", "Données ouvertes"),
            ("/aide/repondre", "Groupement solidaire"),
            ("/aide/glossaire", "SIRET"),
        ] {
            // Reached by the footer's link, as a person would.
            visitor.page.click(&format!("footer a[href=\"{path}\"]")).await;
            assert_eq!(visitor.page.path().await, path);
            let text = visitor.check().await;
            assert!(text.contains(words), "{path}: {text}");
        }
        visitor.page.width(360).await;
        visitor.visit("/aide/repondre").await;
        visitor.page.screenshot("guide-360").await;
        visitor.page.width(1440).await;
        visitor.visit("/lang/en?next=/accessibilite").await;
        let english = visitor.page.text().await;
        assert!(english.contains("partially compliant"), "{english}");
        visitor.visit("/donnees-personnelles").await;
        visitor.visit("/aide/glossaire").await;

        let found = &visitor.found;
        assert!(found.is_empty(), "axe found serious or critical violations: {found:#?}");
        assert!(visitor.page.checked() >= 7, "axe checked only {} pages", visitor.page.checked());
        visitor.page.close().await;
        app.stop().await;
    }
}

in_the_browser! {
    async fn from_the_published_results_to_a_validated_report_and_the_public_chart_in_a_real_browser(backend) {
        // The decision and the publication of the results are walked in the browser by the
        // journey above; here they are set up over HTTP (`award::results_published`: three
        // proposals scored and decided, a late deposit never opened), so that this journey
        // starts where that one ends and goes on to the contract's follow-up (issue 17).
        let app = spawn_app(backend).await;
        let driver = Driver::start(backend.label()).await;
        let s = crate::award::results_published(&app, "Chaleur renouvelable des lycées").await;
        let (o, winner) = (s.objective, s.proposals[0]);
        let base = format!("/objectives/{o}");
        let mut agent = Person::new(&driver, &app, true).await;
        agent.sign_in("agent@region.example", PASSWORD).await;
        let mut lead = Person::new(&driver, &app, true).await;
        lead.sign_in("owner@alpha.example", PASSWORD).await;
        let mut visitor = Person::new(&driver, &app, true).await;

        // The award: refused with reasons too short, then confirmed on its own page, with no
        // standstill period (0 days, stated as such).
        let award = format!("{base}/award");
        agent.visit(&award).await;
        let form = format!("form[method=post][action=\"{award}/confirm\"]");
        let winner_id = winner.to_string();
        let refused = agent.send(&form, &[("winner", &winner_id), ("reasons", "Trop court."), ("standstill_days", "0")], "button[type=submit]").await;
        assert!(agent.page.try_find(".alert-error").await.is_some(), "a refusal above the form: {refused}");
        let confirm = agent.send(&form, &[("winner", &winner_id), ("reasons", crate::award::REASONS), ("standstill_days", "0")], "button[type=submit]").await;
        assert!(confirm.contains("Entreprise 701") && confirm.contains(crate::award::REASONS), "{confirm}");
        agent.page.screenshot("award-confirm").await;
        agent.send(&format!("form[method=post][action=\"{award}\"]"), &[], "button[type=submit]").await;
        assert!(agent.page.path().await.starts_with(&format!("{award}?done=awarded")), "{}", agent.page.path().await);
        // A supplier may not award; the winner reads its letter.
        assert!(lead.visit(&award).await.contains("Accès refusé"));
        let letters = lead.visit("/organisation/letters").await;
        assert!(letters.contains("Chaleur renouvelable des lycées"), "{letters}");

        // The contract: a refused amount first, then its confirmation page, then signed. (The
        // test clock stands still: a minute passes, or signing would be at the award's instant,
        // which `standstill::may_sign` refuses even with no standstill period.)
        app.clock.advance(chrono::Duration::minutes(1));
        let contract = format!("{base}/contract");
        agent.visit(&contract).await;
        let day = paris_in(&app, 0)[..10].to_owned();
        let sign = format!("form[method=post][action=\"{contract}/confirm\"]");
        let mut terms = vec![
            ("object", "Chaleur renouvelable des lycées"),
            ("signed_on", day.as_str()),
            ("notified_on", day.as_str()),
            ("amount", "beaucoup"),
            ("duration_months", "48"),
            ("cpv", "09323000"),
            ("place_kind", "region"),
            ("place_code", "84"),
            ("price_form", "firm"),
            ("price_basis", "lump_sum"),
            ("subcontracting", "no"),
        ];
        agent.send(&sign, &terms, "button[type=submit]").await;
        assert!(agent.page.try_find("#amount[aria-invalid=true]").await.is_some(), "the refused amount is tied to its field");
        terms[3] = ("amount", "125000");
        let confirm = agent.send(&sign, &terms, "button[type=submit]").await;
        assert!(agent.page.try_find(&format!("form[method=post][action=\"{contract}\"]")).await.is_some(), "the confirmation page: {confirm}");
        agent.send(&format!("form[method=post][action=\"{contract}\"]"), &[], "button[type=submit]").await;
        assert!(agent.page.path().await.starts_with(&format!("{contract}?done=signed")), "{}", agent.page.path().await);
        agent.page.screenshot("contract").await;

        // An indicator of the contract, its target at five years.
        let indicators = format!("{base}/indicators");
        agent.visit(&indicators).await;
        let set = format!("form[method=post][action=\"{indicators}\"]");
        let done = agent.send(&set, &[("name", "Part de chaleur renouvelable"), ("unit", "%"), ("baseline", "12,5"), ("target_5", "40")], "button[type=submit]").await;
        assert!(done.contains("Part de chaleur renouvelable"), "{done}");
        let indicator = app.with_db(move |conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::indicators;
            indicators::table.filter(indicators::objective_id.eq(o)).select(indicators::id).first::<i64>(conn).unwrap()
        }).await;

        // The holder reports the first period: a value that is not a number is refused.
        lead.visit(&indicators).await;
        let report = format!("form[method=post][action=\"/indicators/{indicator}/reports\"]");
        lead.send(&report, &[("period", "1"), ("value", "beaucoup")], "button[type=submit]").await;
        assert!(lead.page.try_find("[aria-invalid=true]").await.is_some(), "the refused value is tied to its field");
        lead.visit(&indicators).await;
        lead.send(&report, &[("period", "1"), ("value", "18,5"), ("comment", "Relevé des compteurs")], "button[type=submit]").await;
        lead.page.screenshot("indicator-report").await;
        // Not public until validated.
        assert!(!visitor.visit(&format!("{base}/follow-up")).await.contains("18,5"));

        // The agent validates it on its confirmation page.
        let reported = app.with_db(move |conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::indicator_reports;
            indicator_reports::table.filter(indicator_reports::indicator_id.eq(indicator)).select(indicator_reports::id).first::<i64>(conn).unwrap()
        }).await;
        agent.visit(&indicators).await;
        let confirm = agent.send(&format!("form[method=post][action=\"/indicator-reports/{reported}/validation/confirm\"]"), &[], "button[type=submit]").await;
        assert!(confirm.contains("18,5"), "{confirm}");
        agent.page.screenshot("indicator-validation").await;
        agent.send(&format!("form[method=post][action=\"/indicator-reports/{reported}/validation\"]"), &[], "button[type=submit]").await;
        assert!(agent.page.path().await.starts_with(&indicators), "{}", agent.page.path().await);
        // A supplier may not validate.
        assert!(lead.visit(&format!("{base}/award")).await.contains("Accès refusé"));

        // Everyone reads the follow-up: the chart (an accessible SVG) and its table.
        let follow_up = visitor.visit(&format!("{base}/follow-up")).await;
        assert!(follow_up.contains("18,5") && follow_up.contains("12,5") && follow_up.contains("40"), "{follow_up}");
        assert!(visitor.page.try_find("svg[role=img] title").await.is_some(), "the chart");
        assert!(visitor.page.try_find("table").await.is_some(), "the chart's figures as a table");
        visitor.page.screenshot("follow-up").await;
        let public = visitor.visit(&base).await;
        assert!(public.contains("Entreprise 701") && public.contains("18,5"), "{public}");

        // The contract ends: completed, then the objective archived, each confirmed on its own page
        // that says what cannot be undone; the public timeline shows both stages.
        let later = format!("form[method=post][action=\"{base}/stage/confirm\"]");
        let stage = format!("form[method=post][action=\"{base}/stage\"]");
        agent.visit(&award).await;
        let confirm = agent.send(&later, &[], "button[type=submit]").await;
        assert!(confirm.contains("ne peut pas revenir en exécution"), "{confirm}");
        agent.page.screenshot("complete-confirm").await;
        agent.send(&stage, &[], "button[type=submit]").await;
        assert!(agent.page.path().await.starts_with(&format!("{base}?done=stage")), "{}", agent.page.path().await);
        agent.visit(&award).await;
        let confirm = agent.send(&later, &[], "button[type=submit]").await;
        assert!(confirm.contains("Un objectif archivé ne peut revenir"), "{confirm}");
        agent.page.screenshot("archive-confirm").await;
        agent.send(&stage, &[], "button[type=submit]").await;
        assert!(agent.page.path().await.starts_with(&format!("{base}?done=stage")), "{}", agent.page.path().await);
        let archived = visitor.visit(&base).await;
        assert!(archived.contains("Archivé") && archived.contains("Terminé") && archived.contains("Entreprise 701"), "{archived}");
        visitor.page.screenshot("archived").await;

        let people = [agent, lead, visitor];
        let all: Vec<&Violation> = people.iter().flat_map(|p| p.found.iter()).collect();
        assert!(all.is_empty(), "axe found serious or critical violations: {all:#?}");
        let checked: usize = people.iter().map(|p| p.page.checked()).sum();
        assert!(checked >= 10, "axe checked only {checked} pages");
        for p in people {
            p.page.close().await;
        }
        app.stop().await;
    }
}

in_the_browser! {
    async fn from_a_market_consultation_to_the_open_call_and_the_citizens_figures_in_a_real_browser(backend) {
        // Sessions outlive the week the journey skips (the consultation's closing date).
        let app = crate::helpers::spawn_app_with(backend, &[("SESSION_IDLE_TIMEOUT", "2592000"), ("SESSION_MAX_AGE", "2592000")]).await;
        let driver = Driver::start(backend.label()).await;
        let staff = app.staff("agent@region.example", &[Role::Agent]).await;
        let form = complete_form(&app, "Rénovation énergétique des lycées", &paris_in(&app, 30)).await;
        let created = crate::helpers::post_pairs(&staff, "/objectives/new", "/objectives", &form).await;
        let objective = crate::helpers::id_from(created.headers()["location"].to_str().unwrap());
        app.supplier_owner("owner@alpha.example", 931).await;
        let mut agent = Person::new(&driver, &app, true).await;
        agent.sign_in("agent@region.example", PASSWORD).await;
        // The supplier walks without JavaScript: every step is a plain form.
        let mut supplier = Person::new(&driver, &app, false).await;
        supplier.sign_in("owner@alpha.example", PASSWORD).await;
        let mut visitor = Person::new(&driver, &app, true).await;

        // The agent puts the draft in consultation from its page; a form with no question is
        // refused with its error summary first.
        agent.visit(&format!("/objectives/{objective}")).await;
        agent.page.click(&format!("a[href=\"/objectives/{objective}/consultation\"]")).await;
        let new = format!("form[method=post][action=\"/objectives/{objective}/consultation\"]");
        let closes = paris_in(&app, 5);
        let refused = agent.send(&new, &[("need", "Réduire de moitié l’énergie des lycées."), ("questions", ""), ("closes_at", &closes)], "button[type=submit]").await;
        assert!(agent.page.try_find("#error-summary").await.is_some(), "{refused}");
        let opened = agent
            .send(&new, &[("questions", "Quelle durée de chantier ?\nQuels matériaux biosourcés ?")], "button[type=submit]")
            .await;
        assert!(opened.contains("La consultation est ouverte."), "{opened}");
        // It lands on the consultation's management page: a sourcing meeting of ten seats in three days.
        let path = agent.page.path().await;
        let id = id_in(&path, "/consultations/");
        assert!(path.starts_with(&format!("/consultations/{id}/manage")), "{path}");
        let meetings = format!("form[method=post][action=\"/consultations/{id}/meetings\"]");
        agent.send(&meetings, &[("starts_at", &paris_in(&app, 3)), ("place", "Hôtel de Région, salle 2"), ("capacity", "10")], "button[type=submit]").await;

        // A visitor finds it from the list of consultations; the objective itself is still a draft.
        visitor.visit("/").await;
        visitor.visit("/consultations").await;
        visitor.page.click(&format!("a[href=\"/consultations/{id}\"]")).await;
        let public = visitor.check().await;
        assert!(public.contains("Quelle durée de chantier ?") && public.contains("Hôtel de Région, salle 2"), "{public}");

        // The supplier contributes (confidentially) and takes a seat.
        supplier.visit("/consultations").await;
        supplier.visit(&format!("/consultations/{id}")).await;
        let contribution = format!("form[method=post][action=\"/consultations/{id}/contributions\"]");
        let sent = supplier.send(&contribution, &[("body", "Huit mois de chantier, en deux étés ; chanvre à 12 € le m²."), ("confidential", "true")], "button[type=submit]").await;
        assert!(sent.contains("Huit mois de chantier"), "{sent}");
        let meeting = {
            let source = supplier.page.source().await;
            let at = source.find(&format!("/consultations/{id}/meetings/")).expect("a meeting to register for");
            source[at..].trim_start_matches(&format!("/consultations/{id}/meetings/")).split('/').next().unwrap().parse::<i64>().unwrap()
        };
        let registered = supplier.send(&format!("form[method=post][action=\"/consultations/{id}/meetings/{meeting}/register\"]"), &[], "button[type=submit]").await;
        assert!(registered.contains("Vous êtes inscrit à cette réunion"), "{registered}");
        // The confidential contribution stays out of the visitor's view.
        let public = visitor.visit(&format!("/consultations/{id}")).await;
        assert!(!public.contains("12 € le m²"), "{public}");

        // After the closing date the agent publishes the minutes and the synthesis, then opens the
        // call on its confirmation page with the note of what changed.
        app.clock.advance(chrono::Duration::days(6));
        agent.visit(&format!("/consultations/{id}/manage")).await;
        agent.send(&format!("form[method=post][action=\"/consultations/{id}/meetings/{meeting}/minutes\"]"), &[("minutes", "Les entreprises demandent un chantier en deux étés.")], "button[type=submit]").await;
        agent.send(&format!("form[method=post][action=\"/consultations/{id}/synthesis\"]"), &[("synthesis", "Le marché propose des chantiers d’été et des isolants biosourcés.")], "button[type=submit]").await;
        agent.page.click(&format!("a[href=\"/consultations/{id}/open-call\"]")).await;
        let confirm = agent.check().await;
        assert!(confirm.contains("Rénovation énergétique des lycées"), "{confirm}");
        agent.page.screenshot("consultation-open-call").await;
        let call = agent.send(&format!("form[method=post][action=\"/consultations/{id}/open-call\"]"), &[("note", "Durée ramenée à huit mois, en deux étés.")], "button[type=submit]").await;
        assert!(call.contains("Ouvert aux propositions"), "{call}");
        let page = visitor.visit(&format!("/objectives/{objective}")).await;
        for expected in ["Consultation du marché avant l’appel", "Les entreprises demandent un chantier en deux étés.", "isolants biosourcés", "Durée ramenée à huit mois"] {
            assert!(page.contains(expected), "{expected} missing: {page}");
        }
        assert!(app.last_mail_to("owner@alpha.example").await.body_text.contains(&format!("/objectives/{objective}")), "the participant is told");

        // The citizens' figures, filtered by year, in English too.
        let figures = visitor.visit("/chiffres").await;
        assert!(figures.contains("Objectifs publiés par thème et par année") && figures.contains("Indicateurs des marchés en bonne voie"), "{figures}");
        let year = paris_in(&app, 0)[..4].to_owned();
        let filtered = visitor.send("form[method=get][action=\"/chiffres\"]", &[("year", &year)], "button[type=submit]").await;
        assert!(visitor.page.path().await.ends_with(&format!("/chiffres?year={year}")), "{filtered}");
        visitor.page.width(360).await;
        visitor.page.screenshot("dashboard").await;
        visitor.page.width(1440).await;
        visitor.visit("/lang/en?next=/chiffres").await;
        assert!(visitor.page.text().await.contains("Contract indicators on track"));

        for person in [&agent, &supplier, &visitor] {
            assert!(person.found.is_empty(), "axe found serious or critical violations: {:#?}", person.found);
        }
        assert!(agent.page.checked() + visitor.page.checked() >= 10, "axe checked only {} pages", agent.page.checked() + visitor.page.checked());
        for person in [agent, supplier, visitor] {
            person.page.close().await;
        }
        app.stop().await;
    }
}

/// Every page of a kind reachable by links from `start`, as `person` sees them at 390 px: the
/// pages wider than the window, with the elements sticking out.
async fn overflowing(
    http: &crate::helpers::Browser,
    page: &Page,
    start: &[&str],
    seen: &mut std::collections::BTreeSet<String>,
) -> (usize, Vec<String>) {
    use crate::headers::{links, shape};
    let mut queue: std::collections::VecDeque<String> = start.iter().map(|s| (*s).to_owned()).collect();
    let (mut visited, mut wide) = (0, Vec::new());
    while let Some(path) = queue.pop_front() {
        if path.starts_with("/lang/")
            || path.starts_with("/logout")
            || path.starts_with("/api/")
            || path.starts_with("/feeds/")
            || path.ends_with(".csv")
            || path.ends_with(".json")
            || path.ends_with(".xml")
            || path.ends_with(".txt")
            || path.contains("/documents/")
            || path.contains("/attachments/")
            || path.contains("/materials/")
            || path.contains("/evidence")
            || !seen.insert(shape(&path))
            || visited >= 250
        {
            continue;
        }
        let response = http.get(&path).await;
        let html = response.headers().get("content-type").is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
        if !html {
            continue;
        }
        let body = response.text().await.unwrap();
        queue.extend(links(&body));
        visited += 1;
        page.goto(&path).await;
        let (over, culprits) = page.overflow().await;
        if over > 0 {
            wide.push(format!("{path}: {over} px too wide ({})", culprits.join(", ")));
        }
    }
    (visited, wide)
}

in_the_browser! {
    async fn no_page_overflows_at_390_pixels_for_any_demo_account(backend) {
        let (app, accounts) = crate::headers::demo_app(backend).await;
        let driver = Driver::start(backend.label()).await;
        let (mut total, mut wide) = (0, Vec::new());
        // A visitor, then each account: one page of each kind, in the browser at 390 px (the
        // links are read over HTTP with the same person's cookies).
        let mut people = vec![(None, app.browser())];
        for (email, password) in &accounts {
            let http = app.browser();
            assert_eq!(http.sign_in(email, password).await.status(), 303, "{email}");
            people.push((Some((email.clone(), password.clone())), http));
        }
        for (account, http) in &people {
            let mut person = Person::new(&driver, &app, false).await;
            if let Some((email, password)) = account {
                person.sign_in(email, password).await;
            }
            person.page.width(390).await;
            let mut seen = std::collections::BTreeSet::new();
            let start: &[&str] = if account.is_some() { &["/work", "/account", "/"] } else { &["/", "/receipts/verify", "/register", "/chiffres", "/consultations"] };
            let (visited, found) = overflowing(http, &person.page, start, &mut seen).await;
            total += visited;
            wide.extend(found.into_iter().map(|w| format!("{}: {w}", account.as_ref().map_or("visitor", |a| a.0.as_str()))));
            person.page.close().await;
        }
        eprintln!("390 px walk: {total} pages, {} too wide", wide.len());
        assert!(wide.is_empty(), "{} pages overflow at 390 px:\n{}", wide.len(), wide.join("\n"));
        assert!(total > 100, "only {total} pages visited");
        app.stop().await;
    }
}
