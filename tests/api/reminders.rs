//! Indicator report reminders sent by the scheduler inside the server (issue 17, step 6): before
//! a report is due and when it is late (then at most weekly), none once it is reported, and
//! exactly one mail per reminder when two servers on one database tick at the same moment.

use achat_ouvert::clock::Clock;
use achat_ouvert::scheduler::{self, JOBS};
use chrono::{Datelike, Months, NaiveDate, TimeZone};
use diesel::prelude::*;

use crate::award::{REASONS, results_published};
use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, Peer, TestApp, paris_in, spawn_app_with};

/// Both servers tick at once, each on its own thread with its own pool, as two machines would;
/// returns how many reminders they sent together.
async fn tick_both(app: &TestApp, peer: &Peer) -> usize {
    let now = app.clock.now_naive();
    let servers = [(app.state.clone(), "server-a"), (peer.state.clone(), "server-b")];
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let threads: Vec<_> = servers
        .into_iter()
        .map(|(state, holder)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                scheduler::tick(&state.db, JOBS, &state.settings, holder, now).unwrap()
            })
        })
        .collect();
    let mut sent = 0;
    for t in threads {
        for (job, outcome) in t.join().unwrap() {
            // Other jobs (the audit checkpoint) run on the same tick: only the reminders count here.
            let done = outcome.unwrap();
            if job == "indicator-reminders" {
                sent += done;
            }
        }
    }
    sent
}

/// The reminders queued for `to`: (subject, text), oldest first.
async fn reminders_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    app.outbox()
        .await
        .into_iter()
        .filter(|m| {
            m.to_address == to
                && (m.subject.starts_with("Rapport à déposer") || m.subject.starts_with("Rapport en retard"))
        })
        .map(|m| (m.subject, m.body_text))
        .collect()
}

async fn reminder_rows(app: &TestApp) -> Vec<(i32, String)> {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::indicator_reminders::dsl::*;
        indicator_reminders.order(id.asc()).select((period, kind)).load::<(i32, String)>(conn).unwrap()
    })
    .await
}

/// Moves the clock to noon UTC on `day` (Paris is then on the same day whatever the season).
fn at_noon(app: &TestApp, day: NaiveDate) {
    app.clock.set(chrono::Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap()));
}

async fn report(b: &Browser, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf_token", b.csrf(page).await);
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    b.client.post(b.url(action)).multipart(form).send().await.unwrap()
}

both_backends! {
    async fn reminders_go_once_before_the_due_date_and_when_late_even_with_two_servers(backend) {
        // A long tick: the background loops only tick at start; the test ticks by hand.
        let app = spawn_app_with(backend, &[("SCHEDULER_TICK", "3600")]).await;
        let start = app.clock.now_naive().date();
        at_noon(&app, start);
        let s = results_published(&app, "Chaleur des lycées").await;
        let (o, p1) = (s.objective, s.proposals[0]);
        let award = format!("/objectives/{o}/award");
        let contract = format!("/objectives/{o}/contract");
        let manage = format!("/objectives/{o}/indicators");
        let holder = &s.suppliers[0];
        assert_eq!(s.agent.submit(&award, &award, &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await.status(), 303);
        app.clock.advance(chrono::Duration::days(12));
        assert_eq!(s.agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        let day = paris_in(&app, 0)[..10].to_owned();
        let signature = [
            ("object", "Chaleur renouvelable des lycées"), ("signed_on", day.as_str()), ("notified_on", day.as_str()),
            ("amount", "125000"), ("duration_months", "48"), ("cpv", "09323000"), ("place_kind", "region"),
            ("place_code", "84"), ("price_form", "firm"), ("price_basis", "lump_sum"), ("subcontracting", "no"),
        ];
        assert_eq!(s.agent.submit(&contract, &contract, &signature).await.status(), 303);
        let indicator = [("name", "Part de chaleur renouvelable"), ("unit", "%"), ("baseline", "12,5"), ("target_5", "40"), ("period_months", "12")];
        assert_eq!(s.agent.submit(&manage, &manage, &indicator).await.status(), 303);
        let id = app.with_db(|conn| achat_ouvert::db::schema::indicators::table.select(achat_ouvert::db::schema::indicators::id).first::<i64>(conn).unwrap()).await;

        let peer = app.peer(&[("SCHEDULER_TICK", "3600")]).await;
        let signed_on = NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap();
        // Period 1 ends a year after the signature: its report is due the day before.
        let due = signed_on.checked_add_months(Months::new(12)).unwrap().pred_opt().unwrap();
        let holder_mail = "owner@alpha.example";

        // A year before: nothing.
        at_noon(&app, signed_on);
        assert_eq!(tick_both(&app, &peer).await, 0);
        // Fifteen days before: still nothing (14 by default).
        at_noon(&app, due - chrono::Duration::days(15));
        assert_eq!(tick_both(&app, &peer).await, 0);
        assert!(reminders_to(&app, holder_mail).await.is_empty());

        // Ten days before: one reminder, one mail, although both servers ticked at once.
        at_noon(&app, due - chrono::Duration::days(10));
        assert_eq!(tick_both(&app, &peer).await, 1);
        let mails = reminders_to(&app, holder_mail).await;
        assert_eq!(mails.len(), 1, "{mails:?}");
        let date = format!("{:02}/{:02}/{}", due.day(), due.month(), due.year());
        assert_eq!(mails[0].0, format!("Rapport à déposer avant le {date} : Part de chaleur renouvelable"));
        assert!(mails[0].1.contains("période 1") && mails[0].1.contains(&format!("/objectives/{o}/indicators")), "{}", mails[0].1);
        // The job ran: within the hour, neither server runs it again; later, the reminder is not sent twice.
        app.clock.advance(chrono::Duration::minutes(30));
        assert_eq!(tick_both(&app, &peer).await, 0);
        app.clock.advance(chrono::Duration::days(2));
        assert_eq!(tick_both(&app, &peer).await, 0);
        assert_eq!(reminders_to(&app, holder_mail).await.len(), 1);
        // Other organisations get nothing.
        assert!(reminders_to(&app, "owner@beta.example").await.is_empty());

        // The day after the due date: late, once; three days later nothing more; a week later again.
        at_noon(&app, due + chrono::Duration::days(1));
        assert_eq!(tick_both(&app, &peer).await, 1);
        at_noon(&app, due + chrono::Duration::days(4));
        assert_eq!(tick_both(&app, &peer).await, 0);
        at_noon(&app, due + chrono::Duration::days(8));
        assert_eq!(tick_both(&app, &peer).await, 1);
        let mails = reminders_to(&app, holder_mail).await;
        assert_eq!(mails.len(), 3, "{mails:?}");
        assert_eq!(mails[1].0, "Rapport en retard : Part de chaleur renouvelable");
        assert!(mails[1].1.contains(&format!("au plus tard le {date}")), "{}", mails[1].1);
        assert_eq!(reminder_rows(&app).await, vec![(1, "due_soon".to_owned()), (1, "late_1".to_owned()), (1, "late_2".to_owned())]);

        // The holder reports period 1: no more reminders for it (period 2 is a year away).
        assert_eq!(holder.sign_in(holder_mail, PASSWORD).await.status(), 303);
        let action = format!("/indicators/{id}/reports");
        assert_eq!(report(holder, &manage, &action, &[("period", "1"), ("value", "20")]).await.status(), 303);
        at_noon(&app, due + chrono::Duration::days(30));
        assert_eq!(tick_both(&app, &peer).await, 0);
        assert_eq!(reminders_to(&app, holder_mail).await.len(), 3);

        // Restarting changes nothing: a new server with a fresh memory sends nothing already sent.
        peer.stop().await;
        let again = app.peer(&[("SCHEDULER_TICK", "3600")]).await;
        app.clock.advance(chrono::Duration::hours(2));
        assert_eq!(tick_both(&app, &again).await, 0);
        assert_eq!(reminders_to(&app, holder_mail).await.len(), 3);
        again.stop().await;
        app.stop().await;
    }
}

both_backends! {
    async fn a_job_lease_is_taken_by_one_server_only_and_freed_after_its_run(backend) {
        let app = spawn_app_with(backend, &[("SCHEDULER_TICK", "3600")]).await;
        let job = JOBS[0];
        let now = app.clock.now_naive() + chrono::Duration::days(1);
        let (first, second, third, later) = app
            .with_db(move |conn| {
                let first = scheduler::claim(conn, &job, "a", now).unwrap();
                // Held: the other server cannot take it.
                let second = scheduler::claim(conn, &job, "b", now).unwrap();
                scheduler::release(conn, &job, "a", now, true).unwrap();
                // Freed, but the job ran less than a period ago.
                let third = scheduler::claim(conn, &job, "b", now + chrono::Duration::minutes(59)).unwrap();
                let later = scheduler::claim(conn, &job, "b", now + chrono::Duration::minutes(61)).unwrap();
                (first, second, third, later)
            })
            .await;
        assert!(first && !second && !third && later, "{first} {second} {third} {later}");
        // "b" holds the lease and dies without releasing it: held until its lease expires.
        let (held, expired) = app
            .with_db(move |conn| {
                let taken = now + chrono::Duration::minutes(61);
                let held = scheduler::claim(conn, &job, "c", taken + chrono::Duration::minutes(5)).unwrap();
                (held, scheduler::claim(conn, &job, "c", taken + scheduler::LEASE + chrono::Duration::minutes(1)).unwrap())
            })
            .await;
        assert!(!held && expired, "{held} {expired}");
        app.stop().await;
    }
}
