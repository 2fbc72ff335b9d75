//! Each person's home after sign-in (`/work`): what waits for them, by role, linking to the work.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::evaluation::user_id;
use crate::helpers::{PASSWORD, published, spawn_app};
use crate::proposals::{COMPLETE, deposited, start};

both_backends! {
    async fn each_role_lands_on_what_waits_for_it(backend) {
        let app = spawn_app(backend).await;
        // Visitors are sent to sign in; signing in lands on the home, not on the account form.
        let visitor = app.browser();
        let r = visitor.get("/work").await;
        assert_eq!(r.status(), 303, "{:?}", r.text().await);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));

        app.create_staff("agent@region.example", &[Role::Agent]).await;
        let agent = app.browser();
        let signed = agent.sign_in("agent@region.example", PASSWORD).await;
        assert_eq!(signed.headers()["location"], "/work");
        assert_eq!(agent.get("/login").await.headers()["location"], "/work", "a signed-in person asking to sign in goes home");
        let empty = agent.text("/work").await;
        assert!(empty.contains("Aucune action d’agent n’est en attente") && empty.contains("href=\"/objectives/new\""), "{empty}");

        let heat = published(&app, &agent, "Chaleur des lycées").await;
        let bikes = published(&app, &agent, "Vélos de service").await;

        // A supplier: a draft not deposited, a deposit waiting for the deadline.
        let supplier = app.supplier_owner("owner@alpha.example", 801).await;
        let draft = start(&supplier, heat, &COMPLETE).await;
        let other = start(&supplier, bikes, &COMPLETE).await;
        deposited(&supplier, other).await;
        let home = supplier.text("/work").await;
        assert!(home.contains("Vos propositions"), "{home}");
        assert!(home.contains(&format!("href=\"/proposals/{draft}\"")) && home.contains("n’est pas encore déposée"), "the draft to deposit, linked");
        assert!(home.contains("Une proposition déposée attend la date limite."), "plural rules, not (s)");
        assert!(!home.contains("Vos objectifs") && !home.contains("Vos évaluations") && !home.contains("Administration</h2>"), "only the supplier's part");

        // A question waits for an agent's answer.
        let page = format!("/objectives/{heat}");
        assert_eq!(supplier.submit(&page, &format!("{page}/questions"), &[("question", "Un groupement conjoint peut-il répondre ?")]).await.status(), 303);
        let home = agent.text("/work").await;
        assert!(home.contains("Un groupement conjoint peut-il répondre ?") && home.contains(&format!("href=\"/objectives/{heat}#qa\"")), "{home}");
        assert!(home.contains("Ouvert aux propositions") && home.contains("href=\"/objectives?status=open\""), "objectives by stage");
        assert!(!home.contains("Vos propositions"));

        // A committee member sees their seat; nothing is opened yet.
        app.staff("jury@region.example", &[Role::Committee]).await;
        let jury = app.browser();
        jury.sign_in("jury@region.example", PASSWORD).await;
        let id = user_id(&app, "jury@region.example").await.to_string();
        let committee = format!("/objectives/{heat}/committee");
        assert_eq!(agent.submit(&committee, &committee, &[("user", &id), ("chair", "true")]).await.status(), 303);
        let home = jury.text("/work").await;
        assert!(home.contains("Vos évaluations") && home.contains("les propositions ne sont pas encore ouvertes") && home.contains("vous présidez"), "{home}");
        assert!(!home.contains("Chaufferies bois"), "nothing of a sealed proposal");

        // After the deadline: the agent is told to open, the supplier no longer to deposit.
        app.clock.advance(chrono::Duration::days(31));
        for (b, email) in [(&agent, "agent@region.example"), (&supplier, "owner@alpha.example"), (&jury, "jury@region.example")] {
            b.sign_in(email, PASSWORD).await;
        }
        let home = agent.text("/work").await;
        assert!(home.contains("« Chaleur des lycées » est clos : ouvrez les propositions reçues.") && home.contains(&format!("href=\"/objectives/{heat}/proposals\"")), "{home}");
        let home = supplier.text("/work").await;
        assert!(!home.contains("n’est pas encore déposée"), "no invitation to do what can no longer be done");
        assert!(home.contains("Une proposition déposée est scellée ou en cours d’évaluation."), "{home}");
        let opened = agent.submit(&format!("/objectives/{bikes}/proposals"), &format!("/objectives/{bikes}/proposals/open"), &[]).await;
        assert_eq!(opened.status(), 303);

        // An administrator's queue.
        let admin = app.admin("admin@region.example").await;
        let home = admin.text("/work").await;
        assert!(home.contains("Administration") && home.contains("Aucun signalement en attente.") && home.contains("href=\"/admin/users\""), "{home}");
        assert!(!home.contains("Vos objectifs"));

        // In English too.
        supplier.get("/lang/en?next=/work").await;
        let english = supplier.text("/work").await;
        assert!(english.contains("My work") && english.contains("Your proposals") && english.contains("One deposited proposal is sealed or under evaluation."), "{english}");
        app.stop().await;
    }
}
