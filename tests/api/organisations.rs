//! Organisation members: invitations, joining, removal, ownership.

use crate::both_backends;
use crate::helpers::{PASSWORD, link_to, spawn_app};

both_backends! {
    async fn the_owner_invites_a_colleague_who_joins_then_hands_over_ownership(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 31).await;
        assert_eq!(owner.submit("/organisation", "/organisation/invitations", &[("email", "Colleague@Alpha.example")]).await.status(), 303);
        let page = owner.text("/organisation?done=invited").await;
        assert!(page.contains("Invitation envoyée") && page.contains("colleague@alpha.example"));

        let mail = app.last_mail_to("colleague@alpha.example").await;
        assert_eq!(mail.subject, "Invitation à rejoindre Entreprise 31");
        let link = link_to(&mail.body_text, "/invitations/accept");
        let token = url::Url::parse(&format!("http://x{link}")).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
        let colleague = app.browser();
        assert!(colleague.text(&link).await.contains("Rejoindre Entreprise 31"));
        let short = colleague.submit(&link, "/invitations/accept", &[("token", &token), ("name", "Dominique"), ("password", "short"), ("password_confirm", "short")]).await;
        assert_eq!(short.status(), 422);
        let joined = colleague.submit(&link, "/invitations/accept", &[("token", &token), ("name", "Dominique"), ("password", PASSWORD), ("password_confirm", PASSWORD)]).await;
        assert_eq!(joined.status(), 200);
        assert_eq!(colleague.get(&link).await.status(), 410, "an invitation works once");
        assert_eq!(colleague.sign_in("colleague@alpha.example", PASSWORD).await.status(), 303);

        // A member sees the organisation but cannot manage it.
        let seen = colleague.text("/organisation").await;
        assert!(seen.contains("Dominique") && !seen.contains("Inviter un collègue"));
        assert_eq!(colleague.submit("/organisation", "/organisation/invitations", &[("email", "x@alpha.example")]).await.status(), 403);

        // Ownership moves; the former owner can no longer invite.
        let id = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("colleague@alpha.example").unwrap()).unwrap().unwrap().id.0
        }).await;
        let moved = owner.submit("/organisation", "/organisation/owner", &[("member_id", &id.to_string())]).await;
        assert_eq!(moved.status(), 303);
        assert_eq!(owner.submit("/organisation", "/organisation/invitations", &[("email", "y@alpha.example")]).await.status(), 403);
        assert_eq!(colleague.submit("/organisation", "/organisation/invitations", &[("email", "y@alpha.example")]).await.status(), 303);
        app.stop().await;
    }
}

both_backends! {
    async fn a_removed_member_is_signed_out_and_loses_the_organisation(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 32).await;
        owner.submit("/organisation", "/organisation/invitations", &[("email", "member@alpha.example")]).await;
        let link = link_to(&app.last_mail_to("member@alpha.example").await.body_text, "/invitations/accept");
        let token = url::Url::parse(&format!("http://x{link}")).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
        let member = app.browser();
        member.submit(&link, "/invitations/accept", &[("token", &token), ("name", "M"), ("password", PASSWORD), ("password_confirm", PASSWORD)]).await;
        assert_eq!(member.sign_in("member@alpha.example", PASSWORD).await.status(), 303);
        assert_eq!(member.get("/organisation").await.status(), 200);

        let id = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("member@alpha.example").unwrap()).unwrap().unwrap().id.0
        }).await;
        // The owner cannot remove themself; removing the member signs them out.
        let owner_id = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("owner@alpha.example").unwrap()).unwrap().unwrap().id.0
        }).await;
        assert_eq!(owner.submit("/organisation", &format!("/organisation/members/{owner_id}/remove"), &[]).await.status(), 409);
        assert_eq!(owner.submit("/organisation", &format!("/organisation/members/{id}/remove"), &[]).await.status(), 303);
        assert_eq!(member.get("/account").await.status(), 303);
        assert_eq!(member.sign_in("member@alpha.example", PASSWORD).await.status(), 303);
        assert_eq!(member.get("/organisation").await.status(), 403);
        app.stop().await;
    }
}

both_backends! {
    async fn an_owner_cannot_touch_another_organisation(backend) {
        let app = spawn_app(backend).await;
        let alpha = app.supplier_owner("owner@alpha.example", 33).await;
        let _beta = app.supplier_owner("owner@beta.example", 34).await;
        let beta_owner = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("owner@beta.example").unwrap()).unwrap().unwrap().id.0
        }).await;
        // Alpha's owner names Beta's owner: refused as not a member of Alpha.
        assert_eq!(alpha.submit("/organisation", &format!("/organisation/members/{beta_owner}/remove"), &[]).await.status(), 409);
        assert_eq!(alpha.submit("/organisation", "/organisation/owner", &[("member_id", &beta_owner.to_string())]).await.status(), 409);
        let beta_org = app.with_db(move |conn| {
            achat_ouvert::domain::users::find(conn, achat_ouvert::db::ids::UserId(beta_owner)).unwrap().unwrap().organisation_id
        }).await;
        assert!(beta_org.is_some(), "Beta's owner is still in Beta");
        // An invitation to an address that already has an account is answered as any other
        // (the owner does not learn who has an account); Beta's owner is told by mail
        // (tests/api/trust.rs checks the rest).
        let r = alpha.submit("/organisation", "/organisation/invitations", &[("email", "owner@beta.example")]).await;
        assert_eq!(r.status(), 303);
        assert!(!app.last_mail_to("owner@beta.example").await.body_text.contains("/invitations/accept"));
        app.stop().await;
    }
}
