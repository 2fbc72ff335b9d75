//! The permission matrix (issue 16, item 9). Every route the application registers (read from
//! the application: `achat_ouvert::web::route_table`, the list its registration writes), for
//! every role, in every phase of an objective, is sent once and its answer compared with the
//! expected outcome in `tests/api/permissions.txt` (its header gives the grammar).
//!
//! How an answer is read (the access decision, not the action's success):
//! - **refused**: 401, 403, 404, 410, or a redirect to the sign-in page;
//! - **granted**: any other 2xx or 3xx, and 409, 413, 415 and 422: the handler let the person
//!   through and then found the state or the (deliberately empty) input wrong;
//! - **undecided**: 400 and 429: the body did not parse (actix reads it before the handler
//!   decides access) or a rate limit answered first. Counted and reported, never a grant;
//! - 5xx fails the test whatever the table says.
//!
//! A cell expected `deny` that is granted fails the test (an unexpected grant); a cell expected
//! `ok` that is refused fails it too; `any` checks only the absence of 5xx. A route missing from
//! the table, or a table line naming no route, fails it.
//!
//! The fixture is one application holding one objective in each phase at the same moment (the
//! clock moved past the deadlines of three of them, not of the published one), with the roles'
//! sessions and API tokens made directly in the database. Pages get the session cookie and, on
//! unsafe methods, the session's CSRF token in an url-encoded body; the API gets a bearer token
//! and `{}` (or the table line's `body=`). Reading cells run first (four at a time), then the
//! writing ones, refusals first, then the `last` ones (those that end sessions or change the
//! fixture) in the table's order, each followed by a new session for its role.

use std::collections::{BTreeMap, BTreeSet};

use achat_ouvert::clock::Clock;
use achat_ouvert::db::ids::UserId;
use achat_ouvert::domain::users::Role;
use diesel::prelude::*;
use futures_util::StreamExt;

use crate::both_backends;
use crate::evaluation::{organisation_of, user_id};
use crate::helpers::{
    Browser, PASSWORD, TestApp, complete_form, criterion, csrf_in, id_from, org_member, paris_in, post_pairs,
    published, siret, spawn_app_with,
};
use crate::proposals::{COMPLETE, PDF, attach, deposited, start};

const TABLE: &str = include_str!("permissions.txt");

pub const ROLES: [&str; 11] = [
    "anonymous",
    "owner",
    "member",
    "other",
    "invitee",
    "partner",
    "agent",
    "committee",
    "conflicted",
    "chair",
    "admin",
];
pub const PHASES: [&str; 5] = ["draft", "published", "closed", "evaluation", "results"];

/// The role groups the table may name.
fn roles_of(name: &str) -> Option<Vec<&'static str>> {
    let pick = |names: &[&str]| ROLES.iter().copied().filter(|r| names.contains(r)).collect();
    Some(match name {
        "*" => ROLES.to_vec(),
        "signed" => ROLES[1..].to_vec(),
        "suppliers" => pick(&["owner", "member", "other", "invitee", "partner"]),
        "orgowners" => pick(&["owner", "other", "invitee", "partner"]),
        "lead" => pick(&["owner", "member"]),
        "readers" => pick(&["owner", "member", "partner"]),
        "staff" => pick(&["agent", "committee", "conflicted", "chair", "admin"]),
        "sitting" => pick(&["committee", "conflicted", "chair"]),
        one => ROLES.iter().copied().find(|r| *r == one).map(|r| vec![r])?,
    })
}

/// The phase groups the table may name.
fn phases_of(name: &str) -> Option<Vec<&'static str>> {
    Some(match name {
        "*" => PHASES.to_vec(),
        "public" => PHASES[1..].to_vec(),
        "after" => PHASES[2..].to_vec(),
        "opened" => PHASES[3..].to_vec(),
        one => PHASES.iter().copied().find(|p| *p == one).map(|p| vec![p])?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok,
    Deny,
    Any,
}

fn expect_of(word: &str, line: usize) -> Expect {
    match word {
        "ok" => Expect::Ok,
        "deny" => Expect::Deny,
        "any" => Expect::Any,
        other => panic!("permissions.txt line {line}: `{other}` is not ok, deny or any"),
    }
}

/// One line of the table: the expected outcome of each (role, phase).
struct Row {
    cells: BTreeMap<(&'static str, &'static str), Expect>,
    /// Ends a session or changes the fixture: sent after every other cell, in the table's order.
    last: bool,
    line: usize,
    /// The body to send instead of an empty one: a form's fields (`a=1&b=2`, the CSRF token
    /// added) or the API's JSON, when the empty body would not parse.
    body: Option<String>,
}

fn table() -> BTreeMap<(String, String), Row> {
    parse(TABLE)
}

fn parse(text: &str) -> BTreeMap<(String, String), Row> {
    let mut rows = BTreeMap::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (spec, reason) = match text.split_once('|') {
            Some((s, r)) => (s, r.trim()),
            None => (text, ""),
        };
        let words: Vec<&str> = spec.split_whitespace().collect();
        assert!(words.len() >= 3, "permissions.txt line {line}: `METHOD /path default …`");
        let (method, path) = (words[0].to_owned(), words[1].to_owned());
        let default = expect_of(words[2], line);
        let mut cells = BTreeMap::new();
        for role in ROLES {
            for phase in PHASES {
                cells.insert((role, phase), default);
            }
        }
        let mut last = false;
        let mut body = None;
        let mut uses_any = default == Expect::Any;
        for word in &words[3..] {
            if *word == "last" {
                last = true;
                continue;
            }
            if let Some(b) = word.strip_prefix("body=") {
                if path.starts_with("/api/") {
                    let _: serde_json::Value = serde_json::from_str(b)
                        .unwrap_or_else(|e| panic!("permissions.txt line {line}: the body is not JSON: {e}"));
                }
                body = Some(b.to_owned());
                continue;
            }
            let (target, outcome) =
                word.split_once('=').unwrap_or_else(|| panic!("permissions.txt line {line}: `{word}`"));
            let outcome = expect_of(outcome, line);
            uses_any |= outcome == Expect::Any;
            let (who, when) = target.split_once('@').unwrap_or((target, "*"));
            let who = if who.is_empty() { "*" } else { who };
            let roles = roles_of(who).unwrap_or_else(|| panic!("permissions.txt line {line}: no role `{who}`"));
            let phases = phases_of(when).unwrap_or_else(|| panic!("permissions.txt line {line}: no phase `{when}`"));
            for role in &roles {
                for phase in &phases {
                    cells.insert((*role, *phase), outcome);
                }
            }
        }
        assert!(!uses_any || reason.len() > 10, "permissions.txt line {line}: say why `any`");
        let key = (method, path);
        assert!(!rows.contains_key(&key), "permissions.txt line {line}: {} {} twice", key.0, key.1);
        rows.insert(key, Row { cells, last, line, body });
    }
    rows
}

/// What one phase's path parameters point at.
#[derive(Debug, Clone, Default)]
struct PhaseIds {
    objective: i64,
    proposal: i64,
    receipt: i64,
    attachment: i64,
    document: i64,
    question: i64,
}

/// Ids shared by every phase.
#[derive(Debug, Clone, Default)]
struct Shared {
    org_owner: i64,
    org_other: i64,
    org_invitee: i64,
    committee_user: i64,
    spare_staff: i64,
    spare_member: i64,
    spare_token: i64,
    consultation: i64,
    /// The other supplier's confidential contribution.
    contribution: i64,
    meeting: i64,
    /// The owner's organisation's practice, waiting for review.
    practice: i64,
    criterion: i64,
    credential: i64,
}

/// Nothing in the fixture has this id.
const NOTHING: i64 = 999_999;

/// The request path of `pattern` in `phase`: each parameter takes the fixture's id for the
/// segment before it; parameters the fixture has nothing for get [`NOTHING`].
fn fill(pattern: &str, ids: &PhaseIds, shared: &Shared) -> String {
    let mut out = Vec::new();
    let mut previous = "";
    for segment in pattern.split('/') {
        let Some(start) = segment.find('{') else {
            out.push(segment.to_owned());
            previous = segment;
            continue;
        };
        let end = segment.find('}').expect("a closing brace");
        let name = &segment[start + 1..end];
        let admin = pattern.starts_with("/admin/") || pattern.starts_with("/api/v1/admin/");
        let value: String = match (previous, name) {
            ("objectives", _) => ids.objective.to_string(),
            ("documents", "doc") => ids.document.to_string(),
            ("questions", "qid") => ids.question.to_string(),
            ("consultations", "id") => shared.consultation.to_string(),
            ("contributions", "cid" | "contribution") => shared.contribution.to_string(),
            ("meetings", "mid" | "meeting") => shared.meeting.to_string(),
            ("practices", "id") => shared.practice.to_string(),
            ("criteria", "id") => shared.criterion.to_string(),
            ("credentials", "id") if admin => shared.credential.to_string(),
            ("proposals" | "evaluation", "id" | "pid" | "proposal") => ids.proposal.to_string(),
            ("attachments", _) => ids.attachment.to_string(),
            ("receipts" | "deposits", _) => ids.receipt.to_string(),
            ("documents", "pos") => "0".into(),
            ("consortium", _) => shared.org_invitee.to_string(),
            ("committee" | "members" | "reopen", "user") => shared.committee_user.to_string(),
            ("messages" | "suspensions", "org") => shared.org_other.to_string(),
            ("directory", "id") => shared.org_owner.to_string(),
            ("users", "id") => shared.spare_staff.to_string(),
            ("members", "id") => shared.spare_member.to_string(),
            ("tokens", "id") => shared.spare_token.to_string(),
            ("lang", _) => "en".into(),
            ("themes", _) => "energie".into(),
            ("static", _) => "app.css".into(),
            ("chiffres", _) => "objectives".into(),
            _ => NOTHING.to_string(),
        };
        out.push(format!("{}{value}{}", &segment[..start], &segment[end + 1..]));
        previous = segment;
    }
    out.join("/")
}

/// How a person reaches the server: a session for pages, a token for the API.
#[derive(Debug, Clone)]
struct Credentials {
    /// `name=value` of the session cookie (or of the anonymous CSRF cookie).
    cookie: String,
    csrf: String,
    bearer: Option<String>,
}

async fn session_for(app: &TestApp, user: i64) -> Credentials {
    let lifetimes = app.state.settings.session_lifetimes();
    let now = app.clock.now_naive();
    let (token, session) = app
        .with_db(move |conn| {
            achat_ouvert::domain::sessions::create(conn, UserId(user), "matrix", lifetimes, now).unwrap()
        })
        .await;
    Credentials {
        cookie: format!("{}={token}", app.state.settings.session_cookie_name()),
        csrf: session.csrf_token,
        bearer: None,
    }
}

async fn token_for(app: &TestApp, user: i64, name: &'static str) -> (i64, String) {
    let now = app.clock.now_naive();
    app.with_db(move |conn| {
        let user = achat_ouvert::domain::users::find(conn, UserId(user)).unwrap().unwrap();
        let (id, secret) = achat_ouvert::domain::api_tokens::create(conn, &user, name, now).unwrap();
        (id.0, secret)
    })
    .await
}

/// The anonymous visitor: the CSRF cookie a page hands out, and the token its forms carry.
async fn anonymous(app: &TestApp, client: &reqwest::Client) -> Credentials {
    let response = client.get(app.url("/login")).send().await.unwrap();
    let name = format!("{}=", app.state.settings.csrf_cookie_name());
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&name))
        .expect("the anonymous CSRF cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    Credentials { cookie, csrf: csrf_in(&response.text().await.unwrap()), bearer: None }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Granted,
    Refused,
    Undecided,
    Broken,
}

fn classify(status: u16, location: &str) -> Seen {
    match status {
        500.. => Seen::Broken,
        401 | 403 | 404 | 410 => Seen::Refused,
        300..=399 if location.starts_with("/login") => Seen::Refused,
        200..=399 | 409 | 413 | 415 | 422 => Seen::Granted,
        _ => Seen::Undecided,
    }
}

/// Sends one cell's request; the status and the redirect's target.
async fn send(
    client: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    who: Option<&Credentials>,
) -> (u16, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let unsafe_method = method != reqwest::Method::GET;
    let mut request = client.request(method.clone(), format!("{base}{path}"));
    if path.starts_with("/api/") {
        if let Some(token) = who.and_then(|w| w.bearer.as_deref()) {
            request = request.bearer_auth(token);
        }
        if method == reqwest::Method::POST || method == reqwest::Method::PUT {
            let json: serde_json::Value = serde_json::from_str(body.unwrap_or("{}")).unwrap();
            request = request.json(&json);
        }
    } else if let Some(who) = who {
        request = request.header("cookie", &who.cookie);
        if unsafe_method {
            let mut fields: Vec<(String, String)> =
                url::form_urlencoded::parse(body.unwrap_or("").as_bytes()).into_owned().collect();
            fields.push(("csrf_token".into(), who.csrf.clone()));
            request = request.form(&fields);
        }
    }
    let response = request.send().await.expect("request sent");
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (response.status().as_u16(), location)
}

/// The fixture: the people, one objective in each phase, the ids the paths take.
struct Fixture {
    users: BTreeMap<&'static str, i64>,
    phases: BTreeMap<&'static str, PhaseIds>,
    shared: Shared,
}

const LONG: &str = "Une justification détaillée, argumentée et assez longue.";

async fn fixture(app: &TestApp) -> Fixture {
    let agent = app.staff("agent@region.example", &[Role::Agent]).await;
    for email in ["committee@region.example", "conflicted@region.example", "chair@region.example"] {
        app.create_staff(email, &[Role::Committee]).await;
    }
    app.create_staff("admin@region.example", &[Role::Admin]).await;
    app.create_staff("spare@region.example", &[Role::Agent]).await;
    let owner = app.supplier_owner("owner@alpha.example", 801).await;
    org_member(app, &owner, "member@alpha.example").await;
    org_member(app, &owner, "spare@alpha.example").await;
    app.supplier_owner("owner@other.example", 802).await;
    app.supplier_owner("owner@invitee.example", 803).await;
    let partner = app.supplier_owner("owner@partner.example", 804).await;
    let org_partner = organisation_of(app, "owner@partner.example").await;

    // The draft, the objective still open (a long deadline), and three to take past it.
    let form = complete_form(app, "Objectif en brouillon", &paris_in(app, 30)).await;
    let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
    let draft = id_from(r.headers()["location"].to_str().unwrap());
    let form = complete_form(app, "Objectif ouvert", &paris_in(app, 90)).await;
    let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
    let open = id_from(r.headers()["location"].to_str().unwrap());
    let page = format!("/objectives/{open}");
    assert_eq!(agent.submit(&page, &format!("{page}/publish"), &[]).await.status(), 303);
    let closed = published(app, &agent, "Objectif clos").await;
    let evaluation = published(app, &agent, "Objectif en évaluation").await;
    let results = published(app, &agent, "Objectif aux résultats publiés").await;

    let committee_user = user_id(app, "committee@region.example").await;
    let mut phases = BTreeMap::new();
    let other = app.browser();
    assert_eq!(other.sign_in("owner@other.example", PASSWORD).await.status(), 303);
    let draft_document = document(app, &agent, draft, None).await;
    phases.insert(
        "draft",
        PhaseIds {
            objective: draft,
            proposal: NOTHING,
            receipt: NOTHING,
            attachment: NOTHING,
            document: draft_document,
            question: NOTHING,
        },
    );
    for (phase, objective) in
        [("published", open), ("closed", closed), ("evaluation", evaluation), ("results", results)]
    {
        // A document (an amendment: the objective is published) and a supplier's question.
        let document = document(app, &agent, objective, Some("Précision du cahier des charges.")).await;
        let page = format!("/objectives/{objective}");
        let asked = other
            .submit(&page, &format!("{page}/questions"), &[("question", "Un groupement conjoint peut-il répondre ?")])
            .await;
        assert_eq!(asked.status(), 303, "{}", asked.text().await.unwrap());
        let question = app
            .with_db(move |conn| {
                use achat_ouvert::db::schema::questions as q;
                q::table.filter(q::objective_id.eq(objective)).select(q::id).first::<i64>(conn).unwrap()
            })
            .await;
        let proposal = start(&owner, objective, &COMPLETE).await;
        assert_eq!(attach(&owner, proposal, &[("Offre.pdf", PDF.to_vec())]).await.status(), 303);
        let receipt = deposited(&owner, proposal).await;
        let page = format!("/proposals/{proposal}");
        for n in [803u64, 804] {
            let fields = [
                ("identifier_type", "siret"),
                ("identifier", &siret(n)),
                ("role", "Maîtrise d’œuvre"),
                ("consortium_type", "solidaire"),
            ];
            let added = owner.submit(&page, &format!("{page}/consortium"), &fields).await;
            assert_eq!(added.status(), 303, "{}", added.text().await.unwrap());
        }
        let terms = app
            .with_db(move |conn| {
                use achat_ouvert::db::schema::consortium_members as c;
                c::table
                    .filter(c::proposal_id.eq(proposal))
                    .filter(c::organisation_id.eq(org_partner))
                    .select(c::terms_version)
                    .first::<i32>(conn)
                    .unwrap()
            })
            .await
            .to_string();
        let r = partner.submit(&page, &format!("{page}/consortium/confirm"), &[("terms", &terms)]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let attachment = app
            .with_db(move |conn| {
                use achat_ouvert::db::schema::proposal_attachments as a;
                a::table.filter(a::proposal_id.eq(proposal)).select(a::id).first::<i64>(conn).unwrap()
            })
            .await;
        let committee = format!("/objectives/{objective}/committee");
        for (email, chair) in [
            ("chair@region.example", "true"),
            ("committee@region.example", "false"),
            ("conflicted@region.example", "false"),
        ] {
            let id = user_id(app, email).await.to_string();
            let r = agent.submit(&committee, &committee, &[("user", &id), ("chair", chair)]).await;
            assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        }
        phases.insert(phase, PhaseIds { objective, proposal, receipt, attachment, document, question });
    }

    // Past the deadline of three; the agent opens two; the committee declares (the conflicted
    // member with the depositor) and, on the last, scores and decides; the agent publishes.
    app.clock.advance(chrono::Duration::days(31));
    assert_eq!(agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
    let member_of = |email: &'static str| async move {
        let b: Browser = app.browser();
        assert_eq!(b.sign_in(email, PASSWORD).await.status(), 303);
        b
    };
    let chair = member_of("chair@region.example").await;
    let committee = member_of("committee@region.example").await;
    let conflicted = member_of("conflicted@region.example").await;
    let org_owner = organisation_of(app, "owner@alpha.example").await;
    let (climate, support) = (criterion(app, "env-climate").await, criterion(app, "change-support").await);
    for objective in [evaluation, results] {
        let list = format!("/objectives/{objective}/proposals");
        assert_eq!(agent.submit(&list, &format!("{list}/open"), &[]).await.status(), 303);
        let workspace = format!("/objectives/{objective}/evaluation");
        let declarations = format!("{workspace}/declarations");
        let field = format!("org_{org_owner}");
        let note = format!("note_{org_owner}");
        for b in [&chair, &committee] {
            let r = b.submit(&workspace, &declarations, &[(&field, "none")]).await;
            assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        }
        let r =
            conflicted.submit(&workspace, &declarations, &[(&field, "conflict"), (&note, "Ancien employeur")]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    }
    let proposal = phases["results"].proposal;
    let workspace = format!("/objectives/{results}/evaluation");
    let page = format!("{workspace}/{proposal}");
    let (sc, ss, jc, js) =
        (format!("score_{climate}"), format!("score_{support}"), format!("just_{climate}"), format!("just_{support}"));
    for b in [&chair, &committee] {
        let r = b.submit(&page, &page, &[("action", "submit"), (&sc, "4"), (&jc, LONG), (&ss, "4"), (&js, LONG)]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    }
    let r = chair.submit(&format!("{workspace}/ranking"), &format!("{workspace}/decision"), &[]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let list = format!("/objectives/{results}/proposals");
    let r = agent.submit(&list, &format!("/objectives/{results}/results"), &[("per_criterion", "true")]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());

    // A consultation (on a draft of its own), open, with the other supplier's confidential
    // contribution; the owner's organisation's practice, waiting for review.
    let form = complete_form(app, "Objectif en consultation", &paris_in(app, 60)).await;
    let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
    let consulted = id_from(r.headers()["location"].to_str().unwrap());
    let new_page = format!("/objectives/{consulted}/consultation");
    let fields = [
        ("need", "Réduire de moitié l’énergie des lycées."),
        ("questions", "Quelle durée de chantier ?"),
        ("closes_at", &paris_in(app, 5)),
    ];
    let r = agent.submit(&new_page, &new_page, &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let consultation: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/consultations/")
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let manage = format!("/consultations/{consultation}/manage");
    let fields = [("starts_at", &paris_in(app, 3)[..]), ("place", "Hôtel de Région, salle 2"), ("capacity", "100")];
    let r = agent.submit(&manage, &format!("/consultations/{consultation}/meetings"), &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let meeting = app
        .with_db(|conn| {
            use achat_ouvert::db::schema::consultation_meetings as m;
            m::table.select(m::id).first::<i64>(conn).unwrap()
        })
        .await;
    assert_eq!(other.sign_in("owner@other.example", PASSWORD).await.status(), 303);
    let page = format!("/consultations/{consultation}");
    let body = "Nos chantiers durent six mois, hors vacances scolaires : voici nos prix.";
    let r = other.submit(&page, &format!("{page}/contributions"), &[("body", body), ("confidential", "true")]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let contribution = app
        .with_db(|conn| {
            use achat_ouvert::db::schema::consultation_contributions as c;
            c::table.select(c::id).first::<i64>(conn).unwrap()
        })
        .await;
    // The other supplier's profile is listed in the directory: others may write to it.
    let profile = "/organisation/profile";
    let fields = [
        ("sectors", "Énergie"),
        ("size", "sme"),
        ("departments", "69"),
        ("presentation", "Réseaux de chaleur et chaufferies bois."),
    ];
    let r = other.submit(profile, profile, &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let r = other.submit(profile, "/organisation/profile/listing", &[("listed", "true")]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(owner.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
    let token = owner.csrf("/practices/new").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("title", "Ateliers vélo")
        .text("body", crate::practices::BODY)
        .text("themes", "mobilite");
    let r = owner.client.post(owner.url("/practices")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let practice = app
        .with_db(|conn| {
            use achat_ouvert::db::schema::practices as p;
            p::table.select(p::id).first::<i64>(conn).unwrap()
        })
        .await;

    let mut users = BTreeMap::new();
    for (role, email) in [
        ("owner", "owner@alpha.example"),
        ("member", "member@alpha.example"),
        ("other", "owner@other.example"),
        ("invitee", "owner@invitee.example"),
        ("partner", "owner@partner.example"),
        ("agent", "agent@region.example"),
        ("committee", "committee@region.example"),
        ("conflicted", "conflicted@region.example"),
        ("chair", "chair@region.example"),
        ("admin", "admin@region.example"),
    ] {
        users.insert(role, user_id(app, email).await);
    }
    let (spare_token, _) = token_for(app, users["owner"], "spare").await;
    let shared = Shared {
        org_owner,
        org_other: organisation_of(app, "owner@other.example").await,
        org_invitee: organisation_of(app, "owner@invitee.example").await,
        committee_user,
        spare_staff: user_id(app, "spare@region.example").await,
        spare_member: user_id(app, "spare@alpha.example").await,
        spare_token,
        consultation,
        contribution,
        meeting,
        practice,
        criterion: climate,
        credential: crate::network::catalogue_id(app, "iso-14001").await.parse().unwrap(),
    };
    Fixture { users, phases, shared }
}

/// Uploads a document to an objective (with the amendment's reason once it is published); its id.
async fn document(app: &TestApp, agent: &Browser, objective: i64, reason: Option<&str>) -> i64 {
    let token = agent.csrf(&format!("/objectives/{objective}")).await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    if let Some(r) = reason {
        form = form.text("reason", r.to_owned());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("Cahier.pdf"));
    let url = agent.url(&format!("/objectives/{objective}/documents"));
    let r = agent.client.post(url).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::objective_documents as d;
        d::table.filter(d::objective_id.eq(objective)).select(d::id).first::<i64>(conn).unwrap()
    })
    .await
}

/// One request of the matrix.
#[derive(Debug, Clone)]
struct Cell {
    method: String,
    pattern: String,
    role: &'static str,
    phase: &'static str,
    path: String,
    body: Option<String>,
    expect: Expect,
}

#[derive(Default)]
struct Tally {
    cells: usize,
    granted: usize,
    refused: usize,
    undecided: usize,
    /// The routes with undecided cells, and how many.
    undecided_routes: BTreeMap<String, usize>,
    problems: Vec<String>,
}

impl Tally {
    fn record(&mut self, cell: &Cell, status: u16, location: &str) {
        self.cells += 1;
        let seen = classify(status, location);
        let name = format!("{} {} [{}@{}] ({})", cell.method, cell.pattern, cell.role, cell.phase, cell.path);
        match seen {
            Seen::Granted => self.granted += 1,
            Seen::Refused => self.refused += 1,
            Seen::Undecided => {
                self.undecided += 1;
                *self.undecided_routes.entry(format!("{} {} ({status})", cell.method, cell.pattern)).or_default() += 1;
            }
            Seen::Broken => {}
        }
        match (cell.expect, seen) {
            (_, Seen::Broken) => self.problems.push(format!("{name}: server error {status}")),
            (Expect::Deny, Seen::Granted) => {
                self.problems.push(format!("{name}: UNEXPECTED GRANT {status} {location}"));
            }
            (Expect::Ok, Seen::Refused) => {
                self.problems.push(format!("{name}: unexpected refusal {status} {location}"))
            }
            _ => {}
        }
    }
}

both_backends! {
    async fn every_route_answers_every_role_in_every_phase_as_the_table_says(backend) {
        let started = std::time::Instant::now();
        let routes = achat_ouvert::web::route_table();
        let rows = table();
        let registered: BTreeSet<(String, String)> =
            routes.iter().map(|r| (r.method.to_owned(), r.path.clone())).collect();
        let missing: Vec<String> =
            registered.iter().filter(|k| !rows.contains_key(*k)).map(|(m, p)| format!("{m} {p}")).collect();
        assert!(missing.is_empty(), "routes absent from tests/api/permissions.txt: {missing:#?}");
        let stale: Vec<String> =
            rows.keys().filter(|k| !registered.contains(*k)).map(|(m, p)| format!("{m} {p}")).collect();
        assert!(stale.is_empty(), "permissions.txt lines naming no registered route: {stale:#?}");

        // The whole suite runs beside it on a few cores: a request may wait longer than the test
        // settings' 2 s for one of the pool's connections, which is no permission's fault.
        let app = spawn_app_with(backend, &[("DB_ACQUIRE_TIMEOUT", "30")]).await;
        let fixture = fixture(&app).await;
        let built = started.elapsed();
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let mut who: BTreeMap<&'static str, Credentials> = BTreeMap::new();
        who.insert("anonymous", anonymous(&app, &client).await);
        for (role, user) in &fixture.users {
            let mut c = session_for(&app, *user).await;
            c.bearer = Some(token_for(&app, *user, "matrix").await.1);
            who.insert(*role, c);
        }

        // Every cell, in three groups: reading, writing, last.
        let (mut reading, mut writing, mut last) = (Vec::new(), Vec::new(), Vec::new());
        for (method, pattern) in &registered {
            let row = &rows[&(method.clone(), pattern.clone())];
            for phase in PHASES {
                let path = fill(pattern, &fixture.phases[phase], &fixture.shared);
                for role in ROLES {
                    let cell = Cell {
                        method: method.clone(),
                        pattern: pattern.clone(),
                        role,
                        phase,
                        path: path.clone(),
                        body: row.body.clone(),
                        expect: row.cells[&(role, phase)],
                    };
                    if row.last {
                        last.push((row.line, cell));
                    } else if method == "GET" {
                        reading.push(cell);
                    } else {
                        writing.push(cell);
                    }
                }
            }
        }
        // Refusals first: a write that is granted may change what later cells find.
        writing.sort_by_key(|c| c.expect != Expect::Deny);
        last.sort_by_key(|(line, c)| (*line, c.expect != Expect::Deny));

        let mut tally = Tally::default();
        let base = app.address.clone();
        let answers: Vec<(Cell, u16, String)> = futures_util::stream::iter(reading)
            .map(|cell| {
                let (client, base, credentials) = (&client, &base, who.get(cell.role).cloned());
                async move {
                    let body = cell.body.as_deref();
                    let (status, location) =
                        send(client, base, &cell.method, &cell.path, body, credentials.as_ref()).await;
                    (cell, status, location)
                }
            })
            .buffer_unordered(4)
            .collect()
            .await;
        for (cell, status, location) in &answers {
            tally.record(cell, *status, location);
        }
        for cell in &writing {
            let body = cell.body.as_deref();
            let (status, location) = send(&client, &base, &cell.method, &cell.path, body, who.get(cell.role)).await;
            tally.record(cell, status, &location);
        }
        for (_, cell) in &last {
            let body = cell.body.as_deref();
            let (status, location) = send(&client, &base, &cell.method, &cell.path, body, who.get(cell.role)).await;
            tally.record(cell, status, &location);
            // The cell may have ended the session: a new one for the next.
            if let Some(user) = fixture.users.get(cell.role) {
                let bearer = who[cell.role].bearer.clone();
                let mut fresh = session_for(&app, *user).await;
                fresh.bearer = bearer;
                who.insert(cell.role, fresh);
            } else {
                who.insert("anonymous", anonymous(&app, &client).await);
            }
        }

        eprintln!(
            "permission matrix ({backend:?}): {} routes × {} roles × {} phases = {} cells: {} granted, \
             {} refused, {} undecided (400/429); {} problems; fixture {:.1} s, total {:.1} s",
            registered.len(), ROLES.len(), PHASES.len(), tally.cells, tally.granted, tally.refused, tally.undecided,
            tally.problems.len(), built.as_secs_f64(), started.elapsed().as_secs_f64()
        );
        eprintln!("undecided cells by route: {:#?}", tally.undecided_routes);
        assert_eq!(tally.cells, registered.len() * ROLES.len() * PHASES.len());
        if !tally.problems.is_empty() {
            tally.problems.sort();
            let n = tally.problems.len();
            panic!("{n} cells differ from tests/api/permissions.txt:\n{}", tally.problems.join("\n"));
        }
        app.stop().await;
    }
}

#[test]
fn the_table_grammar_applies_overrides_left_to_right_by_role_and_phase_groups() {
    let rows = parse(
        "# a comment\n\
         GET /a deny agent=ok @draft=deny agent@draft=ok\n\
         POST /b ok anonymous=deny last body=x=1\n\
         GET /c any | public, whatever the role\n\
         GET /d deny readers@opened=ok\n",
    );
    let a = &rows[&("GET".to_owned(), "/a".to_owned())];
    assert_eq!(a.cells[&("agent", "draft")], Expect::Ok);
    assert_eq!(a.cells[&("agent", "closed")], Expect::Ok);
    assert_eq!(a.cells[&("owner", "results")], Expect::Deny);
    assert!(!a.last && a.body.is_none());
    let b = &rows[&("POST".to_owned(), "/b".to_owned())];
    assert_eq!(b.cells[&("anonymous", "published")], Expect::Deny);
    assert_eq!(b.cells[&("admin", "published")], Expect::Ok);
    assert!(b.last && b.body.as_deref() == Some("x=1"));
    assert_eq!(rows[&("GET".to_owned(), "/c".to_owned())].cells[&("anonymous", "draft")], Expect::Any);
    let d = &rows[&("GET".to_owned(), "/d".to_owned())];
    for (role, phase, expected) in [
        ("partner", "evaluation", Expect::Ok),
        ("member", "results", Expect::Ok),
        ("partner", "closed", Expect::Deny),
        ("invitee", "results", Expect::Deny),
    ] {
        assert_eq!(d.cells[&(role, phase)], expected, "{role}@{phase}");
    }
    assert!(std::panic::catch_unwind(|| parse("GET /e any")).is_err(), "`any` needs a reason");
    assert!(std::panic::catch_unwind(|| parse("GET /e deny nobody=ok")).is_err(), "an unknown role");
    assert!(std::panic::catch_unwind(|| parse("GET /e deny\nGET /e ok")).is_err(), "a route twice");
}

#[test]
fn answers_read_as_grants_refusals_or_undecided() {
    for (status, location, seen) in [
        (200, "", Seen::Granted),
        (303, "/objectives/1", Seen::Granted),
        (303, "/login?next=/work", Seen::Refused),
        (409, "", Seen::Granted),
        (422, "", Seen::Granted),
        (401, "", Seen::Refused),
        (403, "", Seen::Refused),
        (404, "", Seen::Refused),
        (400, "", Seen::Undecided),
        (429, "", Seen::Undecided),
        (500, "", Seen::Broken),
        (503, "", Seen::Broken),
    ] {
        assert_eq!(classify(status, location), seen, "{status} {location}");
    }
}
