//! Administrators keep the criteria catalogue; a criterion in use is retired, never deleted.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::spawn_app;

both_backends! {
    async fn administrators_edit_retire_and_restore_criteria_and_no_one_else_can(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin("admin@region.example").await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let list = admin.text("/admin/criteria").await;
        assert_eq!(list.matches("/admin/criteria/").count() - list.matches("/admin/criteria/new").count(), 14, "the seeded catalogue");
        assert!(list.contains("env-climate") && list.contains("environmental.carbonEmissionsReduction"));

        let (climate, innovation) = app.with_db(|conn| {
            let all = achat_ouvert::domain::criteria::list(conn, false).unwrap();
            let find = |code: &str| all.iter().find(|c| c.code == code).unwrap().id.0;
            (find("env-climate"), find("innovation"))
        }).await;

        // Edit: a bad goal is refused next to its field; a good edit shows in the agents' form.
        let page = format!("/admin/criteria/{climate}");
        let mut fields: Vec<(String, String)> = vec![
            ("category".into(), "environmental".into()), ("goal".into(), "climate".into()),
            ("name_fr".into(), "Climat (révisé)".into()), ("name_en".into(), "Climate (revised)".into()),
            ("description_fr".into(), "Desc".into()), ("description_en".into(), "Desc".into()),
        ];
        for i in 0..6 {
            fields.push((format!("level_fr_{i}"), format!("Niveau {i}")));
            fields.push((format!("level_en_{i}"), format!("Level {i}")));
        }
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let bad = admin.submit(&page, &page, &refs).await;
        assert_eq!(bad.status(), 422);
        assert!(bad.text().await.unwrap().contains("id=\"goal-error\""));
        fields[1].1 = "environmental.carbonEmissionsReduction".into();
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(admin.submit(&page, &page, &refs).await.status(), 303);
        assert!(agent.text("/objectives/new").await.contains("Climat (révisé)"));

        // Not for agents, suppliers or visitors.
        assert_eq!(agent.get("/admin/criteria").await.status(), 403);
        assert_eq!(agent.submit("/objectives/new", &format!("/admin/criteria/{innovation}/remove"), &[]).await.status(), 403);

        // Unused: deleted. Used by a published objective: retired, still shown on that objective.
        assert_eq!(admin.submit(&format!("/admin/criteria/{innovation}"), &format!("/admin/criteria/{innovation}/remove"), &[]).await.status(), 303);
        assert!(!admin.text("/admin/criteria").await.contains("/admin/criteria/{innovation}\""));
        let deleted = app.with_db(move |conn| achat_ouvert::domain::criteria::find(conn, achat_ouvert::db::ids::CriterionId(innovation)).unwrap()).await;
        assert!(deleted.is_none());

        use achat_ouvert::clock::Clock;
        let deadline = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &(app.clock.now() + chrono::Duration::days(30)).naive_utc()).format("%Y-%m-%dT%H:%M").to_string();
        let w = format!("w_{climate}");
        let form = [("title", "Objectif"), ("need", "Besoin."), ("political_objective", "Politique."), ("deliberation_ref", "CP-1"), ("deliberation_date", "2026-01-15"), ("themes", "energie"), ("place", "Ici"), ("contact", "c@region.example"), ("deadline", deadline.as_str()), (w.as_str(), "100")];
        let r = agent.submit("/objectives/new", "/objectives", &form).await;
        let id: i64 = r.headers()["location"].to_str().unwrap().trim_start_matches("/objectives/").split('?').next().unwrap().parse().unwrap();
        assert_eq!(agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await.status(), 303);
        // Used by a published objective: its category can no longer change.
        let mut social = fields.clone();
        social[0].1 = "social".into();
        let refs: Vec<(&str, &str)> = social.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let refused = admin.submit(&page, &page, &refs).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("utilisé par un objectif publié"));
        assert_eq!(admin.submit(&page, &format!("/admin/criteria/{climate}/remove"), &[]).await.status(), 303);
        let kept = app.with_db(move |conn| achat_ouvert::domain::criteria::find(conn, achat_ouvert::db::ids::CriterionId(climate)).unwrap().unwrap()).await;
        assert!(kept.retired_at.is_some());
        assert!(!agent.text("/objectives/new").await.contains("Climat (révisé)"), "no longer offered");
        assert!(app.browser().text(&format!("/objectives/{id}")).await.contains("Climate (revised)") || app.browser().text(&format!("/objectives/{id}")).await.contains("Climat (révisé)"));
        assert_eq!(admin.submit(&page, &format!("/admin/criteria/{climate}/restore"), &[]).await.status(), 303);
        assert!(agent.text("/objectives/new").await.contains("Climat (révisé)"));
        app.stop().await;
    }
}
