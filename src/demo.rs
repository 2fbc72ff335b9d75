//! `achat-ouvert demo`: fills an empty database with the demo data set — the region's four
//! visions as example objectives with their questions and answers, one account per role — and
//! returns the credentials to print.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{objectives as objectives_table, questions as questions_table, users as users_table};
use crate::db::{DbConnection, write_tx};
use crate::demo_data::OBJECTIVES;
use crate::domain::audit::AuditActor;
use crate::domain::criteria;
use crate::domain::email::Email;
use crate::domain::objectives::{self, Horizon, Milestone, ObjectiveDraft, WeightedCriterion};
use crate::domain::organisations::{self, IdentifierType, LegalIdentifier, NewOrganisation, OrganisationSize};
use crate::domain::password::{self, NewPassword};
use crate::domain::users::{self, Role, UserInsertForm};

/// One demo account, as printed.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: &'static str,
    pub email: String,
    pub password: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database is not empty: the demo loads only into a new database (use another DATABASE_URL or DATA_DIR)"
    )]
    NotEmpty,
    #[error("demo data is inconsistent: {0}")]
    Data(String),
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
}

/// A readable random password: four groups of letters and digits, never in the common list.
fn demo_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes: [u8; 16] = rand::random();
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A valid SIRET built from a number (Luhn check digit added).
fn siret(n: u64) -> String {
    organisations::siret_with_check_digit(8_000_000_000_000 + n)
}

fn account(
    conn: &mut DbConnection,
    email: &str,
    name: &str,
    org: Option<crate::db::ids::OrganisationId>,
    now: NaiveDateTime,
) -> Result<(crate::db::ids::UserId, String), DemoError> {
    let password = demo_password();
    let parsed = NewPassword::parse(&password, &password).map_err(|e| DemoError::Data(e.to_string()))?;
    let hash = password::hash(&parsed).map_err(|e| DemoError::Data(e.to_string()))?;
    let address = Email::parse(email).map_err(|e| DemoError::Data(e.to_string()))?;
    let user = users::insert(
        conn,
        &UserInsertForm {
            email: address.as_str(),
            display_name: name,
            password_hash: Some(&hash),
            email_verified_at: Some(now),
            organisation_id: org,
            locale: "fr",
            created_at: now,
            updated_at: now,
        },
    )?;
    Ok((user.id, password))
}

fn organisation(
    conn: &mut DbConnection,
    name: &str,
    n: u64,
    size: OrganisationSize,
    ess: bool,
    sectors: &[&str],
    now: NaiveDateTime,
) -> Result<crate::db::ids::OrganisationId, DemoError> {
    let identifier =
        LegalIdentifier::parse(IdentifierType::Siret, &siret(n)).map_err(|e| DemoError::Data(e.to_string()))?;
    let org = NewOrganisation {
        legal_name: name.to_owned(),
        identifier,
        address: "12 rue des Artisans".into(),
        postcode: "69007".into(),
        country: "FR".into(),
        size,
        social_economy: ess,
        sectors: sectors.iter().map(|s| (*s).to_owned()).collect(),
    };
    Ok(organisations::insert(conn, &org, now)?)
}

/// Loads the demo into an empty database; returns the accounts and the number of objectives.
/// Links in the mails it queues point at `public_url`.
pub fn load(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    public_url: &url::Url,
) -> Result<(Vec<DemoAccount>, usize), DemoError> {
    write_tx(conn, |conn| {
        let existing_users: i64 = users_table::table.count().get_result(conn)?;
        let existing_objectives: i64 = objectives_table::table.count().get_result(conn)?;
        if existing_users > 0 || existing_objectives > 0 {
            return Err(DemoError::NotEmpty);
        }
        criteria::seed_if_empty(conn, now)?;
        let catalogue = criteria::list(conn, false)?;
        let mut accounts = Vec::new();

        let (admin, pw) = account(conn, "admin@demo.achat-ouvert.fr", "Alice Administratrice", None, now)?;
        users::set_roles(conn, admin, &[Role::Admin], now)?;
        accounts.push(DemoAccount { role: "administrateur", email: "admin@demo.achat-ouvert.fr".into(), password: pw });
        let (agent, pw) = account(conn, "agent@demo.achat-ouvert.fr", "Bruno Agent", None, now)?;
        users::set_roles(conn, agent, &[Role::Agent], now)?;
        accounts.push(DemoAccount { role: "agent", email: "agent@demo.achat-ouvert.fr".into(), password: pw });
        let mut committee_members = Vec::new();
        for (i, name) in [(1, "Chloé Comité"), (2, "David Comité")] {
            let email = format!("comite{i}@demo.achat-ouvert.fr");
            let (member, pw) = account(conn, &email, name, None, now)?;
            users::set_roles(conn, member, &[Role::Committee], now)?;
            committee_members.push(member);
            accounts.push(DemoAccount { role: "membre de comité", email, password: pw });
        }
        let suppliers = [
            (
                "Coopérative Bois & Territoires",
                1,
                OrganisationSize::Sme,
                true,
                &["bâtiment", "énergie"][..],
                "fournisseur@demo.achat-ouvert.fr",
                "Élodie Fournisseuse",
            ),
            (
                "Maraîchers Réunis du Val",
                2,
                OrganisationSize::Micro,
                true,
                &["alimentation"][..],
                "fournisseur2@demo.achat-ouvert.fr",
                "Farid Maraîcher",
            ),
            (
                "Atelier Solaire Citoyen",
                3,
                OrganisationSize::Micro,
                true,
                &["énergie"][..],
                "fournisseur3@demo.achat-ouvert.fr",
                "Gaëlle Solaire",
            ),
        ];
        let mut owners = Vec::new();
        for (legal, n, size, ess, sectors, email, name) in suppliers {
            let org = organisation(conn, legal, n, size, ess, sectors, now)?;
            let (owner, pw) = account(conn, email, name, Some(org), now)?;
            organisations::set_owner(conn, org, owner, now)?;
            owners.push((org, owner));
            accounts.push(DemoAccount { role: "fournisseur (responsable)", email: email.into(), password: pw });
        }

        let actor = AuditActor::System("demo".into());
        let mut created = Vec::new();
        for demo in OBJECTIVES {
            let criteria: Vec<WeightedCriterion> = demo
                .criteria
                .iter()
                .enumerate()
                .map(|(position, (code, weight, min))| {
                    let c = catalogue
                        .iter()
                        .find(|c| c.code == *code)
                        .ok_or_else(|| DemoError::Data(format!("unknown criterion {code}")))?;
                    Ok(WeightedCriterion {
                        criterion_id: c.id,
                        weight: *weight,
                        eliminatory: min.is_some(),
                        min_score: *min,
                        position: position as i32,
                    })
                })
                .collect::<Result<_, DemoError>>()?;
            let milestones = demo
                .milestones
                .iter()
                .map(|(date, label)| {
                    NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .map(|due_on| Milestone { due_on, label: (*label).to_owned() })
                        .map_err(|e| DemoError::Data(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let deadline =
                (now + chrono::Duration::days(demo.deadline_days)).date().and_hms_opt(11, 0, 0).unwrap_or(now);
            let draft = ObjectiveDraft {
                title: demo.title.into(),
                need: demo.need.into(),
                political_objective: demo.political_objective.into(),
                deliberation_ref: demo.deliberation_ref.into(),
                deliberation_date: NaiveDate::parse_from_str(demo.deliberation_date, "%Y-%m-%d").ok(),
                deliberation_url: None,
                themes: demo.themes.iter().map(|t| (*t).to_owned()).collect(),
                horizon: Horizon::parse(demo.horizon).unwrap_or(Horizon::Ten),
                budget_euros: demo.budget_euros,
                place: demo.place.into(),
                contact: demo.contact.into(),
                deadline_at: Some(deadline),
                shortlist_rule: "top".into(),
                shortlist_value: 3,
                criteria,
                milestones,
            };
            let problems = objectives::criteria_problems(&draft.criteria, &catalogue);
            if !problems.is_empty() {
                return Err(DemoError::Data(format!("{}: {problems:?}", demo.title)));
            }
            let id = objectives::create(conn, &draft, agent, &actor, now)?;
            created.push((id, deadline));
            // Published some time ago, so closed objectives look real.
            let published = now - chrono::Duration::days(demo.deadline_days.min(0).abs() + 20);
            diesel::update(objectives_table::table.find(id))
                .set((objectives_table::status.eq("published"), objectives_table::published_at.eq(Some(published))))
                .execute(conn)?;
            for (i, (question, answer)) in demo.questions.iter().enumerate() {
                let asked = published + chrono::Duration::days(2 + i as i64);
                diesel::insert_into(questions_table::table)
                    .values((
                        questions_table::objective_id.eq(id),
                        questions_table::question.eq(*question),
                        questions_table::answer.eq(Some(*answer)),
                        questions_table::answered_by.eq(Some(agent)),
                        questions_table::asked_at.eq(asked),
                        questions_table::answered_at.eq(Some(asked + chrono::Duration::days(1))),
                    ))
                    .execute(conn)?;
            }
        }
        demo_proposals(conn, &created, &owners, &catalogue, now)?;
        demo_evaluation(conn, created[4].0, agent, &committee_members, now)?;
        demo_network(conn, &created, &owners, agent, public_url, now)?;
        demo_consultation(conn, agent, &owners, public_url, now)?;
        let usager = demo_execution(conn, agent, committee_members[0], &owners, &catalogue, now)?;
        accounts.push(usager);
        Ok((accounts, OBJECTIVES.len() + 1))
    })
}

/// A demo user of the purchase: address, name, and the ratings given (action index, rating,
/// comment).
type DemoUser = (&'static str, &'static str, &'static [(usize, i32, &'static str)]);

/// An objective carried through to its execution, as it happened over two years and a half
/// (docs/AWARD.md, "Demo"): published, two deposits, scored by Chloé alone, decided, results
/// published, awarded to the solar workshop with an 11-day standstill, its contract signed about
/// two years ago; two indicators with a validated report for each of the first two yearly
/// periods; a change-support plan of four actions, three delivered and rated by users of the
/// purchase (one a demo account, returned to print). Every step through the same domain
/// operations as the pages, at its own time; the mails those operations queued (stale
/// notifications to demo addresses) are removed from the outbox.
fn demo_execution(
    conn: &mut DbConnection,
    agent: crate::db::ids::UserId,
    chair: crate::db::ids::UserId,
    owners: &[(crate::db::ids::OrganisationId, crate::db::ids::UserId)],
    catalogue: &[crate::domain::criteria::Criterion],
    now: NaiveDateTime,
) -> Result<DemoAccount, DemoError> {
    use crate::db::schema::{mail_outbox, purchase_users};
    use crate::domain::award::change_support::{self as support, DeliveryInput, Kind, NewAction, RatingInput};
    use crate::domain::award::contracts::{self, PlaceKind, PriceBasis, PriceForm, Terms};
    use crate::domain::award::indicators::{self, Decision, NewIndicator, ReportInput, paris_day};
    use crate::domain::award::{self, AwardInput, Context};
    use crate::domain::evaluation::{board, committee, decision, scoring};
    use crate::domain::proposals::{self, Content, deposits};
    let data = |e: &dyn std::fmt::Display| DemoError::Data(e.to_string());
    let days = chrono::Duration::days;
    let [_, (org2, user2), (org3, user3)] = owners else {
        return Err(DemoError::Data("three demo suppliers expected".into()));
    };
    let outbox_before: Option<i64> = mail_outbox::table.select(diesel::dsl::max(mail_outbox::id)).first(conn)?;
    // The timeline, backwards from the signature about two years ago.
    let signed_at = (now - days(750)).date().and_hms_opt(9, 0, 0).unwrap_or(now - days(750));
    let awarded_at = signed_at - days(16);
    let deadline = awarded_at - days(40);
    let published_at = deadline - days(45);
    let day_of = |t: NaiveDateTime| t.date();
    let actor = AuditActor::System("demo".into());
    let criteria = [("env-climate", 40, Some(2)), ("change-support", 30, None), ("eco-local", 30, None)]
        .iter()
        .enumerate()
        .map(|(position, (code, weight, min))| {
            let c = catalogue
                .iter()
                .find(|c| c.code == *code)
                .ok_or_else(|| DemoError::Data(format!("unknown criterion {code}")))?;
            Ok(WeightedCriterion {
                criterion_id: c.id,
                weight: *weight,
                eliminatory: min.is_some(),
                min_score: *min,
                position: position as i32,
            })
        })
        .collect::<Result<Vec<_>, DemoError>>()?;
    let draft = ObjectiveDraft {
        title: "Produire sur les toits des lycées l’électricité qu’ils consomment".into(),
        need: "Vingt lycées aux toitures refaites depuis moins de dix ans peuvent porter des \
               centrales solaires. La Région attend une production locale, suivie année après \
               année, et des équipes formées à en tirer parti."
            .into(),
        political_objective: "Couvrir un tiers des besoins d’électricité des lycées par le soleil d’ici dix ans."
            .into(),
        deliberation_ref: "CP-2024-03-027".into(),
        deliberation_date: Some(published_at.date() - days(30)),
        deliberation_url: None,
        themes: vec!["energie".into(), "batiment".into()],
        horizon: Horizon::Ten,
        budget_euros: Some(900_000),
        place: "Vingt lycées de la région".into(),
        contact: "Direction des lycées — achats-ouverts@region.example".into(),
        deadline_at: Some(deadline),
        shortlist_rule: "top".into(),
        shortlist_value: 1,
        criteria,
        milestones: vec![
            Milestone { due_on: day_of(signed_at + days(5 * 365)), label: "Un sixième des besoins couvert".into() },
            Milestone { due_on: day_of(signed_at + days(10 * 365)), label: "Un tiers des besoins couvert".into() },
        ],
    };
    let objective = objectives::create(conn, &draft, agent, &actor, published_at)?;
    diesel::update(objectives_table::table.find(objective))
        .set((objectives_table::status.eq("published"), objectives_table::published_at.eq(Some(published_at))))
        .execute(conn)?;

    // Two deposits, three weeks before the deadline.
    let criterion =
        crate::domain::objectives::load(conn, objective)?.and_then(|f| f.criteria.first().map(|w| w.criterion_id));
    let link = |d: crate::db::ids::DepositId| format!("/receipts/{d}");
    let before = deadline - days(21);
    let mut proposals_made = Vec::new();
    for (org, user, title, support_text) in [
        (
            org3,
            user3,
            "Vingt centrales citoyennes, gérées avec les lycées",
            "Une formation des agents de maintenance à la surveillance des centrales, une séance \
             de sensibilisation par lycée avec les éco-délégués, un accompagnement des \
             gestionnaires à la lecture des courbes de production.",
        ),
        (org2, user2, "Ombrières solaires sur les parkings des lycées", "Une réunion d’information par lycée."),
    ] {
        let content = Content {
            title: title.into(),
            summary: "Produire et consommer sur place l’électricité des lycées.".into(),
            solution: "## Ce que nous proposons\n\nDes centrales posées sur les toitures existantes, \
                       suivies à distance, la production affichée dans chaque lycée."
                .into(),
            change_support: support_text.into(),
            statements: criterion
                .map(|c| vec![(c, "Production mesurée au compteur, publiée chaque année.".to_owned())])
                .unwrap_or_default(),
            cost_euros: Some(850_000),
            duration_months: Some(120),
        };
        let p = proposals::create(conn, objective, *org, &content, *user, before).map_err(|e| data(&e))?;
        let depositor = deposits::Depositor { user: *user, buyer: "Région", receipt_link: &link, reviewed: None };
        deposits::deposit(conn, p, deposits::Kind::Deposit, &depositor, before, &|| before).map_err(|e| data(&e))?;
        proposals_made.push(p);
    }

    // Chloé alone scores both, decides; the agent publishes the results and awards.
    let by = AuditActor::System("demo".into());
    committee::appoint(conn, objective, chair, true, &by, "/evaluations", before).map_err(|e| data(&e))?;
    let opened_at = deadline + days(1);
    crate::domain::proposals::opening::open(conn, objective, agent, opened_at).map_err(|e| data(&e))?;
    let b = board::load(conn, objective)?.ok_or_else(|| DemoError::Data("no board".into()))?;
    let answers: Vec<scoring::Answer> = b
        .depositing_organisations()
        .into_iter()
        .map(|(organisation, _)| scoring::Answer { organisation, conflict: false, note: String::new() })
        .collect();
    scoring::declare(conn, objective, chair, &answers, opened_at + days(1)).map_err(|e| data(&e))?;
    for (p, values) in proposals_made.iter().zip([[5, 5, 4], [3, 2, 3]]) {
        let inputs: Vec<scoring::ScoreInput> = b
            .criteria
            .iter()
            .zip(values.iter())
            .map(|(c, s)| scoring::ScoreInput {
                criterion: c.weighted.criterion_id,
                score: Some(*s),
                justification: "Engagements précis, chiffrés et comparés à des réalisations voisines.".into(),
            })
            .collect();
        scoring::save(conn, objective, *p, chair, &inputs, true, opened_at + days(10)).map_err(|e| data(&e))?;
    }
    decision::decide(conn, objective, chair, "", opened_at + days(20)).map_err(|e| data(&e))?;
    let proposal_link = |p: crate::db::ids::ProposalId| format!("/proposals/{p}");
    decision::publish(conn, objective, agent, true, &proposal_link, opened_at + days(22)).map_err(|e| data(&e))?;
    let letter_link = |l: crate::db::ids::LetterId| format!("/organisation/letters/{l}");
    let context = Context {
        buyer: "Région",
        court: "Tribunal administratif de Lyon, 184 rue Duguesclin, 69433 Lyon Cedex 03",
        letter_link: &letter_link,
    };
    let input = AwardInput {
        winners: vec![proposals_made[0]],
        reasons: "Vingt centrales sur les toits existants, la meilleure production attendue et un \
                  accompagnement des équipes de chaque lycée."
            .into(),
        standstill_days: 11,
    };
    award::award(conn, objective, &input, agent, &context, awarded_at).map_err(|e| data(&e))?;

    // The contract, signed after the standstill.
    let day = paris_day(signed_at);
    let terms = Terms {
        object: "Centrales solaires en toiture de vingt lycées : pose, exploitation, suivi".into(),
        signed_on: day,
        notified_on: day,
        amount_cents: 84_500_000,
        duration_months: 120,
        cpv: "09331200".into(),
        place_code: "84".into(),
        place_kind: PlaceKind::Region,
        price_form: PriceForm::Revisable,
        price_basis: PriceBasis::Mixed,
        subcontracting: false,
        social_clause: false,
        environmental_clause: true,
    };
    contracts::sign(conn, objective, &terms, agent, signed_at).map_err(|e| data(&e))?;

    // Two indicators, a validated report for each of the first two yearly periods.
    let holder_member = *user3;
    let set_at = signed_at + days(2);
    let indicators_set = [
        ("Électricité produite sur les toits", "MWh", 0.0, vec![(5, 1_500.0), (10, 3_000.0)], ["640", "1 180"]),
        ("Part des besoins d’électricité couverte", "%", 2.0, vec![(5, 18.0), (10, 33.0)], ["7,5", "12,8"]),
    ];
    for (name, unit, baseline, targets, values) in indicators_set {
        let input = NewIndicator {
            name: name.into(),
            unit: unit.into(),
            criterion: None,
            baseline,
            targets,
            period_months: 12,
        };
        let id = indicators::set(conn, objective, &input, agent, set_at).map_err(|e| data(&e))?;
        for (n, value) in values.iter().enumerate() {
            let ends = signed_at + days(365 * (n as i64 + 1));
            let report = ReportInput {
                period: (n + 1).to_string(),
                value: (*value).into(),
                comment: "Relevé des compteurs de production, factures jointes au dossier du lycée.".into(),
                evidence: None,
            };
            let r = indicators::report(conn, id, &report, holder_member, ends + days(3)).map_err(|e| data(&e))?;
            indicators::decide(conn, r, &Decision::Validate, agent, ends + days(6)).map_err(|e| data(&e))?;
        }
    }

    // The change-support plan: four actions, three delivered and rated.
    let plan = [
        (Kind::Training, "Surveiller une centrale et lire ses alarmes.", "Agents de maintenance des lycées", 30, 7.0),
        (Kind::Awareness, "Ce que produit le toit de mon lycée.", "Éco-délégués et personnels", 60, 2.0),
        (Kind::Coaching, "Lire les courbes de production et ajuster les usages.", "Gestionnaires des lycées", 200, 3.5),
        (Kind::Advice, "Bilan à cinq ans et suite du programme.", "Direction des lycées", 1_830, 2.0),
    ];
    let mut actions = Vec::new();
    for (kind, description, audience, offset, hours) in plan {
        let input = NewAction {
            kind,
            description: description.into(),
            audience: audience.into(),
            planned_on: day + days(offset),
            planned_hours: hours,
        };
        actions.push(support::add_action(conn, objective, &input, agent, set_at).map_err(|e| data(&e))?);
    }
    for (k, (offset, participants)) in [(31, "18"), (62, "240"), (205, "20")].iter().enumerate() {
        let delivered = day + days(*offset);
        let input = DeliveryInput {
            delivered_on: delivered.to_string(),
            participants: (*participants).into(),
            notes: "Feuille d’émargement et support remis aux participants.".into(),
            materials: Vec::new(),
        };
        let at = delivered.and_hms_opt(17, 0, 0).unwrap_or(now);
        support::record_delivery(conn, actions[k], &input, holder_member, at).map_err(|e| data(&e))?;
    }
    // Three users of the purchase: the first one a demo account whose credentials are printed.
    let mut usager = None;
    let ratings: [DemoUser; 3] = [
        (
            "usager@demo.achat-ouvert.fr",
            "Hugo Usager",
            &[(0, 5, "Nous savons lire les alarmes, et qui appeler."), (1, 4, "")],
        ),
        ("usager2@demo.achat-ouvert.fr", "Inès Gestionnaire", &[(0, 4, "Un peu court sur l’onduleur."), (2, 5, "")]),
        ("usager3@demo.achat-ouvert.fr", "Jules Éco-délégué", &[(1, 3, "Bien, mais trop de monde dans la salle.")]),
    ];
    for (email, name, rated) in ratings {
        let invited_at = signed_at + days(20);
        let (user, password) = account(conn, email, name, None, invited_at)?;
        if usager.is_none() {
            usager = Some(DemoAccount { role: "usager de l’achat", email: email.into(), password });
        }
        diesel::insert_into(purchase_users::table)
            .values((
                purchase_users::objective_id.eq(objective),
                purchase_users::user_id.eq(user),
                purchase_users::invited_by.eq(agent),
                purchase_users::invited_at.eq(invited_at),
            ))
            .execute(conn)?;
        for (k, rating, comment) in rated {
            let input = RatingInput { attended: true, rating: rating.to_string(), comment: (*comment).into() };
            let delivered = [31, 62, 205][*k];
            let at = (day + days(delivered + 2)).and_hms_opt(10, 0, 0).unwrap_or(now);
            support::rate(conn, actions[*k], &input, user, at).map_err(|e| data(&e))?;
        }
    }
    diesel::delete(mail_outbox::table.filter(mail_outbox::id.gt(outbox_before.unwrap_or(0)))).execute(conn)?;
    usager.ok_or_else(|| DemoError::Data("no user of the purchase".into()))
}

/// A draft objective in market consultation (docs/CONSULTATION.md), through the same domain
/// operations as the pages: two public contributions and a confidential one, a meeting in ten
/// days with one registration (its reminder queued).
fn demo_consultation(
    conn: &mut DbConnection,
    agent: crate::db::ids::UserId,
    owners: &[(crate::db::ids::OrganisationId, crate::db::ids::UserId)],
    public_url: &url::Url,
    now: NaiveDateTime,
) -> Result<(), DemoError> {
    use crate::domain::consultation::{self, meetings};
    let failed = |e: consultation::ConsultationError| DemoError::Data(e.to_string());
    let actor = AuditActor::System("demo".into());
    let draft = ObjectiveDraft {
        title: "Chaufferies bois des lycées de montagne".into(),
        need: "Remplacer le fioul de six lycées de montagne par des chaufferies au bois local, \
               approvisionnées à moins de 80 km."
            .into(),
        political_objective: "Sortir du fioul dans les bâtiments régionaux d’ici 2030.".into(),
        deliberation_ref: "CP-2026-11-042".into(),
        deliberation_date: None,
        deliberation_url: None,
        themes: vec!["energie".into(), "batiment".into()],
        horizon: Horizon::Twenty,
        budget_euros: None,
        place: "Lycées de montagne de la Région".into(),
        contact: "achats@region.example".into(),
        deadline_at: None,
        shortlist_rule: "top".into(),
        shortlist_value: 3,
        criteria: Vec::new(),
        milestones: Vec::new(),
    };
    let objective = objectives::create(conn, &draft, agent, &actor, now)?;
    let input = consultation::ConsultationInput {
        need: draft.need.clone(),
        questions: vec![
            "Quelles filières de bois local peuvent livrer six chaufferies ?".into(),
            "Quel délai d’installation sans interrompre le chauffage en hiver ?".into(),
            "Quelle maintenance proposez-vous, et par qui ?".into(),
        ],
        closes_at: now + chrono::Duration::days(21),
    };
    let id = consultation::create(conn, objective, &input, agent, &actor, now).map_err(failed)?;
    let texts = [
        ("La coopérative livre du bois déchiqueté à 40 km de quatre des six lycées.", false),
        ("Nos prix de revient au MWh (secret des affaires) : 38 € livrés, 45 € en altitude.", true),
        ("Une chaufferie s’installe en dix semaines, entre mai et septembre.", false),
    ];
    for ((text, confidential), (org, owner)) in texts.iter().zip(owners.iter().cycle()) {
        let input = consultation::ContributionInput { body: (*text).into(), confidential: *confidential };
        consultation::contribute(conn, id, *owner, Some(*org), &input, &actor, now).map_err(failed)?;
    }
    let meeting = meetings::MeetingInput {
        starts_at: (now + chrono::Duration::days(10)).date().and_hms_opt(13, 0, 0).unwrap_or(now),
        place: "Hôtel de Région, salle des Alpes".into(),
        online_url: Some("https://visio.region.example/sourcing-chaufferies".into()),
        capacity: 20,
    };
    let meeting = meetings::add(conn, id, &meeting, &actor, now).map_err(failed)?;
    if let Some((_, owner)) = owners.first() {
        let links = crate::domain::following::MailLinks { public_url };
        meetings::register(conn, id, meeting, *owner, &actor, links, now).map_err(failed)?;
    }
    Ok(())
}

/// The network of suppliers: a dozen listed profiles with credentials (one expired), partner
/// requests on open objectives, good practices (published, one featured, one awaiting review) and
/// a conversation between two demo suppliers.
fn demo_network(
    conn: &mut DbConnection,
    objectives: &[(crate::db::ids::ObjectiveId, NaiveDateTime)],
    owners: &[(crate::db::ids::OrganisationId, crate::db::ids::UserId)],
    agent: crate::db::ids::UserId,
    public_url: &url::Url,
    now: NaiveDateTime,
) -> Result<(), DemoError> {
    use crate::domain::network::practices::{self, NewPractice, Review};
    use crate::domain::network::{credentials, messages, partners, profiles};
    let links = crate::domain::following::MailLinks { public_url };
    let catalogue = credentials::catalogue(conn, false)?;
    let today = crate::domain::network::today(now);
    let mut featured = false;
    for (i, m) in crate::demo_data::NETWORK.iter().enumerate() {
        let size = OrganisationSize::parse(m.size).ok_or_else(|| DemoError::Data(format!("size {}", m.size)))?;
        let (org, user) = match m.supplier {
            Some(s) => *owners.get(s).ok_or_else(|| DemoError::Data(format!("supplier {s}")))?,
            None => {
                let org = organisation(conn, m.legal_name, 10 + i as u64, size, m.social_economy, m.sectors, now)?;
                let email = format!("contact{}@reseau.demo.achat-ouvert.fr", 10 + i);
                let (owner, _) = account(conn, &email, "Responsable", Some(org), now)?;
                organisations::set_owner(conn, org, owner, now)?;
                (org, owner)
            }
        };
        let edit = profiles::ProfileEdit {
            presentation: m.presentation.into(),
            departments: m.departments.iter().map(|d| (*d).to_owned()).collect(),
            commitments: m.commitments.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            sectors: m.sectors.iter().map(|s| (*s).to_owned()).collect(),
            size,
            social_economy: m.social_economy,
        };
        profiles::save(conn, org, &edit, user, now)?;
        for (code, days) in m.credentials {
            let c = catalogue
                .iter()
                .find(|c| c.code == *code)
                .ok_or_else(|| DemoError::Data(format!("credential {code}")))?;
            let held =
                credentials::NewHeld { credential: c.id, expires_on: days.map(|d| today + chrono::Duration::days(d)) };
            credentials::add(conn, org, &held, None, user, now)?;
        }
        profiles::reindex(conn, org)?;
        profiles::set_listed(conn, org, true, user, now)?;
        if let Some((index, skills)) = m.partner_request {
            let (objective, _) = objectives.get(index).ok_or_else(|| DemoError::Data(format!("objective {index}")))?;
            partners::publish(conn, *objective, org, skills, user, now)?;
        }
        if let Some((title, body, themes, published)) = m.practice {
            let new = NewPractice {
                title: title.into(),
                body: body.into(),
                themes: themes.iter().map(|t| (*t).to_owned()).collect(),
            };
            let id = practices::submit(conn, org, &new, None, user, now)?;
            if published {
                practices::review(conn, id, &Review::Publish, agent, links, now)?
                    .map_err(|e| DemoError::Data(format!("{e:?}")))?;
                if !featured {
                    practices::set_featured(conn, id, true)?;
                    featured = true;
                }
            }
        }
    }
    // Two demo suppliers talk about answering together.
    if let [_, (org2, user2), (org3, _)] = owners {
        let objective = objectives.first().map(|o| o.0);
        let body = "Bonjour, nos toitures de serres pourraient accueillir vos panneaux : voulez-vous en parler pour l’objectif énergie ?";
        messages::send(conn, *org2, *user2, *org3, objective, body, links, now)?
            .map_err(|e| DemoError::Data(e.to_string()))?;
    }
    Ok(())
}

/// The closed objective is opened and under evaluation: Chloé chairs, David sits; both declared,
/// Chloé submitted her scores on the first proposal, David has a draft.
fn demo_evaluation(
    conn: &mut DbConnection,
    objective: crate::db::ids::ObjectiveId,
    agent: crate::db::ids::UserId,
    members: &[crate::db::ids::UserId],
    now: NaiveDateTime,
) -> Result<(), DemoError> {
    use crate::domain::evaluation::{board, committee, scoring};
    let failed = |e: crate::domain::evaluation::EvaluationError| DemoError::Data(e.to_string());
    let [chair, member] = members else { return Err(DemoError::Data("two committee members expected".into())) };
    let by = AuditActor::System("demo".into());
    committee::appoint(conn, objective, *chair, true, &by, "/evaluations", now).map_err(failed)?;
    committee::appoint(conn, objective, *member, false, &by, "/evaluations", now).map_err(failed)?;
    crate::domain::proposals::opening::open(conn, objective, agent, now).map_err(|e| DemoError::Data(e.to_string()))?;
    let b = board::load(conn, objective)?.ok_or_else(|| DemoError::Data("no board".into()))?;
    let answers: Vec<scoring::Answer> = b
        .depositing_organisations()
        .into_iter()
        .map(|(organisation, _)| scoring::Answer { organisation, conflict: false, note: String::new() })
        .collect();
    for m in [chair, member] {
        scoring::declare(conn, objective, *m, &answers, now).map_err(failed)?;
    }
    let Some(first) = b.proposals.first() else { return Ok(()) };
    let scores = |values: &[i32]| -> Vec<scoring::ScoreInput> {
        b.criteria
            .iter()
            .zip(values.iter().cycle())
            .map(|(c, s)| scoring::ScoreInput {
                criterion: c.weighted.criterion_id,
                score: Some(*s),
                justification: "Réponse solide, étayée par des références comparables et un plan de suivi.".into(),
            })
            .collect()
    };
    scoring::save(conn, objective, first.proposal, *chair, &scores(&[4, 3, 5]), true, now).map_err(failed)?;
    scoring::save(conn, objective, first.proposal, *member, &scores(&[2, 4]), false, now).map_err(failed)?;
    Ok(())
}

/// Proposals: a consortium's deposit and a draft on open objectives, and two deposits on the
/// closed one, ready for the agent to open. Each is made as it would have been, at its time.
fn demo_proposals(
    conn: &mut DbConnection,
    objectives: &[(crate::db::ids::ObjectiveId, NaiveDateTime)],
    owners: &[(crate::db::ids::OrganisationId, crate::db::ids::UserId)],
    catalogue: &[crate::domain::criteria::Criterion],
    now: NaiveDateTime,
) -> Result<(), DemoError> {
    use crate::domain::proposals::{self, Content, consortium, deposits};
    let failed = |e: proposals::ProposalError| DemoError::Data(e.to_string());
    let _ = catalogue;
    // The statement goes to the objective's first criterion.
    let mut first_criterion =
        |objective: crate::db::ids::ObjectiveId| -> Result<Option<crate::db::ids::CriterionId>, DemoError> {
            Ok(crate::domain::objectives::load(conn, objective)?
                .and_then(|f| f.criteria.first().map(|w| w.criterion_id)))
        };
    let (energy_criterion, closed_criterion) = (first_criterion(objectives[0].0)?, first_criterion(objectives[4].0)?);
    let content = |title: &str, summary: &str, criterion: Option<crate::db::ids::CriterionId>| {
        Content {
        title: title.into(),
        summary: summary.into(),
        solution: "## Ce que nous proposons\n\nUne réponse **locale**, mesurée et suivie dans le temps.\n\n- un diagnostic partagé ;\n- des travaux par tranches ;\n- un suivi public des résultats.".into(),
        change_support: "Trois demi-journées de formation des équipes, un guide d’usage et une permanence mensuelle la première année.".into(),
        statements: criterion.map(|c| vec![(c, "Engagements chiffrés, suivis chaque année et vérifiés par un tiers.".to_owned())]).unwrap_or_default(),
        cost_euros: Some(420_000),
        duration_months: Some(24),
    }
    };
    let buyer = "Région";
    let link = |d: crate::db::ids::DepositId| format!("/receipts/{d}");
    let (open_energy, open_canteens, closed) = (objectives[0], objectives[2], objectives[4]);
    let [(org1, user1), (org2, user2), (org3, user3)] = owners else {
        return Err(DemoError::Data("three demo suppliers expected".into()));
    };

    // A consortium (wood cooperative + solar workshop) deposits on the first open objective.
    let p = proposals::create(
        conn,
        open_energy.0,
        *org1,
        &content(
            "Chaufferies bois et toitures solaires pour douze lycées",
            "Remplacer le fioul par du bois local et produire de l’électricité sur les toits.",
            energy_criterion,
        ),
        *user1,
        now,
    )
    .map_err(failed)?;
    let solar = LegalIdentifier::parse(IdentifierType::Siret, &siret(3)).map_err(|e| DemoError::Data(e.to_string()))?;
    consortium::add_member(
        conn,
        p,
        &solar,
        "Conception et pose des centrales photovoltaïques",
        consortium::Kind::Conjoint,
        *user1,
        "/proposals",
        now,
    )
    .map_err(failed)?;
    consortium::answer(conn, p, *org3, Some(1), *user3, now).map_err(failed)?;
    let depositor = deposits::Depositor { user: *user1, buyer, receipt_link: &link, reviewed: None };
    deposits::deposit(conn, p, deposits::Kind::Deposit, &depositor, now, &|| now).map_err(failed)?;

    // A draft, not deposited yet.
    proposals::create(
        conn,
        open_canteens.0,
        *org2,
        &Content { title: "Paniers de saison pour les cantines".into(), ..Content::default() },
        *user2,
        now,
    )
    .map_err(failed)?;

    // Two deposits on the objective whose deadline has passed, made before it.
    let before = closed.1 - chrono::Duration::days(3);
    for (org, user, title) in [
        (org1, user1, "Réemploi du mobilier par un atelier d’insertion"),
        (org2, user2, "Une ressourcerie régionale pour le matériel informatique"),
    ] {
        let p = proposals::create(
            conn,
            closed.0,
            *org,
            &content(title, "Collecter, réparer et redistribuer plutôt que jeter.", closed_criterion),
            *user,
            before,
        )
        .map_err(failed)?;
        let depositor = deposits::Depositor { user: *user, buyer, receipt_link: &link, reviewed: None };
        deposits::deposit(conn, p, deposits::Kind::Deposit, &depositor, before, &|| before).map_err(failed)?;
    }
    Ok(())
}
