//! Every route of the platform, one `configure` function per area.
//!
//! Actix matches routes in the order they are registered, the first match winning: a literal
//! segment comes before a parameter at the same place (`/objectives/new` before
//! `/objectives/{id}`, `/receipts/verify` before `/receipts/{id}`,
//! `/objectives/{id}/evaluation/report.csv` before `/objectives/{id}/evaluation/{pid}`). Routes
//! that can match the same request stay in one area, in that order; areas never overlap. The JSON
//! API lives under one scope, `/api/v1`: every route under that prefix must be registered in it.
//!
//! Every route is registered through [`Routes`], which hands it to actix and writes it down in
//! the same call: [`super::route_table`] is that list (the permission matrix and the API parity
//! tests read it), so it cannot drift from what the server answers.

use actix_web::{FromRequest, Handler, Responder, web};

use super::handlers;

/// One registered route: its method and its path pattern, scope prefix included
/// (`GET /api/v1/objectives/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RouteEntry {
    pub method: &'static str,
    pub path: String,
}

/// Registers routes on actix's configuration and lists them as it goes.
pub struct Routes<'a> {
    cfg: &'a mut web::ServiceConfig,
    prefix: String,
    list: &'a mut Vec<RouteEntry>,
}

impl<'a> Routes<'a> {
    pub fn new(cfg: &'a mut web::ServiceConfig, list: &'a mut Vec<RouteEntry>) -> Routes<'a> {
        Routes { cfg, prefix: String::new(), list }
    }

    fn note(&mut self, method: &'static str, path: &str) {
        self.list.push(RouteEntry { method, path: format!("{}{path}", self.prefix) });
    }

    /// One method on one path (`r.route("/x", get().to(handler))`).
    pub fn route(&mut self, path: &str, route: MethodRoute) -> &mut Self {
        self.note(route.method, path);
        self.cfg.route(path, route.route);
        self
    }

    /// Several methods on one path (`r.service(resource("/x").get(a).post(b))`): another
    /// method on it answers 405.
    pub fn service(&mut self, resource: Resource) -> &mut Self {
        for method in &resource.methods {
            self.note(method, &resource.path);
        }
        self.cfg.service(resource.inner);
        self
    }

    /// Routes under a path prefix, registered by `f`.
    pub fn scope(&mut self, prefix: &str, f: impl FnOnce(&mut Routes)) -> &mut Self {
        let full = format!("{}{prefix}", self.prefix);
        let list = &mut *self.list;
        self.cfg.service(web::scope(prefix).configure(|cfg| f(&mut Routes { cfg, prefix: full, list })));
        self
    }

    /// The routes of one area.
    pub fn configure(&mut self, f: fn(&mut Routes)) -> &mut Self {
        f(self);
        self
    }
}

/// A method, waiting for its handler (`get().to(handler)`).
pub struct MethodFor(&'static str, fn() -> actix_web::Route);

/// A method with its handler.
pub struct MethodRoute {
    method: &'static str,
    route: actix_web::Route,
}

impl MethodFor {
    pub fn to<F, Args>(self, handler: F) -> MethodRoute
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        MethodRoute { method: self.0, route: (self.1)().to(handler) }
    }
}

pub fn get() -> MethodFor {
    MethodFor("GET", web::get)
}

pub fn post() -> MethodFor {
    MethodFor("POST", web::post)
}

pub fn put() -> MethodFor {
    MethodFor("PUT", web::put)
}

pub fn delete() -> MethodFor {
    MethodFor("DELETE", web::delete)
}

/// One path with several methods.
pub struct Resource {
    path: String,
    methods: Vec<&'static str>,
    inner: actix_web::Resource,
}

pub fn resource(path: &str) -> Resource {
    Resource { path: path.to_owned(), methods: Vec::new(), inner: web::resource(path) }
}

macro_rules! resource_method {
    ($name:ident, $method:literal) => {
        pub fn $name<F, Args>(mut self, handler: F) -> Self
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            self.methods.push($method);
            self.inner = self.inner.$name(handler);
            self
        }
    };
}

impl Resource {
    resource_method!(get, "GET");
    resource_method!(post, "POST");
    resource_method!(put, "PUT");
    resource_method!(delete, "DELETE");
}

/// The HTML pages.
pub fn pages(r: &mut Routes) {
    public(r);
    accounts(r);
    organisation(r);
    network(r);
    objectives(r);
    consultation(r);
    proposals(r);
    evaluation(r);
    award(r);
    admin(r);
}

/// The JSON API, under `/api/v1`, with its OpenAPI description.
pub fn api(r: &mut Routes) {
    r.scope("/api/v1", |r| {
        r.route("/openapi.json", get().to(handlers::openapi::openapi))
            .configure(api_open_data)
            .configure(api_accounts)
            .configure(api_organisation)
            .configure(api_network)
            .configure(api_admin)
            .configure(api_proposals)
            .configure(api_evaluation)
            .configure(api_award)
            .configure(api_consultation)
            .configure(api_objectives)
            .configure(api_manage);
    });
}

/// The Atom feeds (open data, like the API's objectives).
pub fn feeds(r: &mut Routes) {
    r.route("/feeds/practices.atom", get().to(handlers::practices::feed))
        .route("/feeds/objectives.atom", get().to(handlers::open_data::feed_all))
        .route("/feeds/themes/{theme}", get().to(handlers::open_data::feed_theme))
        .route("/feeds/audit-checkpoints.atom", get().to(handlers::checkpoints::feed));
}

/// The home page, the health checks, the language switch and the static files.
fn public(r: &mut Routes) {
    r.route("/", get().to(handlers::home::home))
        .route("/health", get().to(handlers::health::health))
        .route("/ping", get().to(handlers::health::ping))
        .route("/lang/{code}", get().to(handlers::lang::switch))
        .route("/chiffres", get().to(handlers::dashboard::page))
        .route("/figures", get().to(handlers::dashboard::page))
        .route("/chiffres/{figure}.csv", get().to(handlers::dashboard::csv))
        .route("/static/{name}", get().to(super::assets::serve))
        // The public statements, the site map, the help for suppliers; robots (docs/PUBLIC-SITE.md).
        .route("/accessibilite", get().to(handlers::site::accessibility))
        .route("/mentions-legales", get().to(handlers::site::legal))
        .route("/donnees-personnelles", get().to(handlers::site::privacy))
        .route("/plan-du-site", get().to(handlers::site::site_map))
        .route("/aide/repondre", get().to(handlers::site::guide))
        .route("/aide/glossaire", get().to(handlers::site::glossary))
        .route("/robots.txt", get().to(handlers::site::robots))
        .route("/sitemap.xml", get().to(handlers::site::sitemap_xml))
        // The audit log's signed checkpoints (docs/RELIABILITY.md).
        .route("/audit/checkpoints", get().to(handlers::checkpoints::page))
        .route("/audit/checkpoints/public-key.txt", get().to(handlers::checkpoints::key_text))
        .route("/audit/checkpoints/{file}", get().to(handlers::checkpoints::download));
}

/// Registration, verification, sign-in; one's own account, sessions and API tokens.
fn accounts(r: &mut Routes) {
    r.service(resource("/register").get(handlers::auth::register_form).post(handlers::auth::register))
        .service(resource("/verify").get(handlers::auth::verify_page).post(handlers::auth::verify))
        .route("/verify/resend", post().to(handlers::auth::resend_verification))
        .service(resource("/login").get(handlers::auth::login_form).post(handlers::auth::login))
        .route("/logout", post().to(handlers::auth::logout))
        .route("/logout-everywhere", post().to(handlers::auth::logout_everywhere))
        .service(resource("/forgot-password").get(handlers::auth::forgot_form).post(handlers::auth::forgot))
        .service(
            resource("/account/set-password")
                .get(handlers::account::set_password_form)
                .post(handlers::account::set_password),
        )
        .route("/work", get().to(handlers::work::home))
        .service(resource("/account").get(handlers::account::profile).post(handlers::account::update_profile))
        .service(
            resource("/account/password")
                .get(handlers::account::password_form)
                .post(handlers::account::change_password),
        )
        .route("/account/sessions", get().to(handlers::account::sessions_page))
        .route("/account/sessions/{id}/end", post().to(handlers::account::end_session))
        .service(resource("/account/tokens").get(handlers::account::tokens_page).post(handlers::account::create_token))
        .route("/account/tokens/{id}/revoke", post().to(handlers::account::revoke_token))
        // One's own data: the export and the erasure (docs/ACCOUNTS.md).
        .route("/account/data", get().to(handlers::account::data_page))
        .route("/account/data.json", get().to(handlers::account::data_download))
        .service(resource("/account/erase").get(handlers::account::erase_page).post(handlers::account::erase))
        .route("/account/erased", get().to(handlers::account::erased));
}

/// The supplier organisation: its members, invitations and owner.
fn organisation(r: &mut Routes) {
    r.route("/organisation", get().to(handlers::organisation::show))
        .route("/organisation/invitations", post().to(handlers::organisation::invite))
        .route("/organisation/invitations/{id}/revoke", post().to(handlers::organisation::revoke_invitation))
        .route("/organisation/members/{id}/remove", post().to(handlers::organisation::remove))
        .route("/organisation/owner", post().to(handlers::organisation::transfer))
        .service(
            resource("/invitations/accept")
                .get(handlers::organisation::accept_form)
                .post(handlers::organisation::accept),
        );
}

/// The network of suppliers: the organisation's public profile and credentials, the practices,
/// the directory, the partner search on an objective and the messages between organisations.
fn network(r: &mut Routes) {
    r.service(resource("/organisation/profile").get(handlers::network::edit_form).post(handlers::network::save))
        .route("/organisation/profile/listing", post().to(handlers::network::listing))
        .route("/organisation/profile/credentials", post().to(handlers::network::add_credential))
        .route("/organisation/profile/credentials/{id}/remove", post().to(handlers::network::remove_credential))
        .route("/organisation/export.json", get().to(handlers::network::export))
        .service(resource("/practices").get(handlers::practices::list).post(handlers::practices::submit))
        .route("/practices/new", get().to(handlers::practices::new_form))
        .route("/practices/review", get().to(handlers::practices::review_queue))
        .route("/practices/{id}", get().to(handlers::practices::show))
        .route("/practices/{id}/picture", get().to(handlers::practices::picture))
        .route("/practices/{id}/review", post().to(handlers::practices::review))
        .route("/practices/{id}/feature", post().to(handlers::practices::feature))
        .route("/directory", get().to(handlers::network::directory))
        .route("/directory/{id}", get().to(handlers::network::show))
        .route("/directory/{id}/credentials/{cid}/evidence", get().to(handlers::network::evidence))
        .route("/objectives/{id}/partners", post().to(handlers::messages::seek))
        .route("/objectives/{id}/partners/withdraw", post().to(handlers::messages::stop_seeking))
        .route("/messages", get().to(handlers::messages::inbox))
        .route("/messages/report/{id}", post().to(handlers::messages::report))
        .service(resource("/messages/{org}").get(handlers::messages::thread).post(handlers::messages::send))
        .route("/messages/{org}/invite", post().to(handlers::messages::invite));
}

/// Objectives: the list, the agents' form and lifecycle, questions, documents, following.
fn objectives(r: &mut Routes) {
    r.service(resource("/objectives").get(handlers::objectives::list).post(handlers::objectives::create))
        .route("/objectives/new", get().to(handlers::objectives::new_form))
        .service(resource("/objectives/{id}").get(handlers::objectives::show).post(handlers::objectives::update))
        .route("/objectives/{id}/edit", get().to(handlers::objectives::edit_form))
        .route("/objectives/{id}/publish", post().to(handlers::objectives::publish))
        .route("/objectives/{id}/cancel", get().to(handlers::objectives::cancel_page))
        .route("/objectives/{id}/cancel", post().to(handlers::objectives::cancel))
        .route("/objectives/{id}/delete", get().to(handlers::objectives::delete_page))
        .route("/objectives/{id}/delete", post().to(handlers::objectives::delete))
        .route("/objectives/{id}/questions", post().to(handlers::objectives::ask))
        .route("/objectives/{id}/questions/publish", post().to(handlers::objectives::publish_question))
        .route("/objectives/{id}/questions/{qid}/answer", post().to(handlers::objectives::answer))
        .route("/objectives/{id}/documents", post().to(handlers::documents::upload))
        .route("/objectives/{id}/documents/{doc}", get().to(handlers::documents::download))
        .route("/objectives/{id}/documents/{doc}/delete", post().to(handlers::documents::delete))
        .route("/objectives/{id}/follow", post().to(handlers::objectives::follow))
        .route("/objectives/{id}/unfollow", post().to(handlers::objectives::unfollow))
        .service(
            resource("/account/subscriptions")
                .get(handlers::objectives::subscriptions_page)
                .post(handlers::objectives::save_subscriptions),
        );
}

/// Market consultation before the call: the public list and page, contributions, meetings; the
/// agents' pages (docs/CONSULTATION.md).
fn consultation(r: &mut Routes) {
    use handlers::consultation as c;
    r.service(resource("/objectives/{id}/consultation").get(c::new_form).post(c::create))
        .route("/consultations", get().to(c::list))
        .route("/consultations/{id}", get().to(c::show))
        .route("/consultations/{id}/manage", get().to(c::manage))
        .route("/consultations/{id}/contributions", post().to(c::contribute))
        .route("/consultations/{id}/contributions/{cid}", get().to(c::contribution))
        .route("/consultations/{id}/meetings", post().to(c::add_meeting))
        .route("/consultations/{id}/meetings/{mid}/register", post().to(c::register))
        .route("/consultations/{id}/meetings/{mid}/cancel", post().to(c::cancel))
        .route("/consultations/{id}/meetings/{mid}/minutes", post().to(c::minutes))
        .route("/consultations/{id}/synthesis", post().to(c::synthesis))
        .service(resource("/consultations/{id}/open-call").get(c::open_call_page).post(c::open_call));
}

/// Proposals (suppliers) and their opening (agents); deposits and their receipts.
fn proposals(r: &mut Routes) {
    r.route("/proposals", get().to(handlers::proposals::dashboard))
        .service(resource("/practice").get(handlers::proposals::practice).post(handlers::proposals::practice_start))
        .service(
            resource("/objectives/{id}/proposal")
                .get(handlers::proposals::start_form)
                .post(handlers::proposals::create),
        )
        .route("/objectives/{id}/proposals", get().to(handlers::proposals::agent_list))
        .route("/objectives/{id}/proposals/open", post().to(handlers::proposals::open))
        .route("/objectives/{id}/proposals/{pid}", get().to(handlers::proposals::opened))
        .service(resource("/proposals/{id}").get(handlers::proposals::show).post(handlers::proposals::update))
        .route("/proposals/{id}/edit", get().to(handlers::proposals::edit_form))
        .route("/proposals/{id}/attachments", post().to(handlers::proposals::upload))
        .route("/proposals/{id}/attachments/{aid}", get().to(handlers::proposals::download))
        .route("/proposals/{id}/attachments/{aid}/delete", post().to(handlers::proposals::remove_attachment))
        .route("/proposals/{id}/consortium", post().to(handlers::proposals::add_member))
        .route("/proposals/{id}/consortium/confirm", post().to(handlers::proposals::confirm_membership))
        .route("/proposals/{id}/consortium/decline", post().to(handlers::proposals::decline_membership))
        .route("/proposals/{id}/consortium/{org}/remove", post().to(handlers::proposals::remove_member))
        .service(
            resource("/proposals/{id}/deposit")
                .get(handlers::proposals::deposit_form)
                .post(handlers::proposals::deposit),
        )
        .route("/proposals/{id}/withdraw", get().to(handlers::proposals::withdraw_page))
        .route("/proposals/{id}/withdraw", post().to(handlers::proposals::withdraw))
        .route("/proposals/{id}/reconfirm", post().to(handlers::proposals::reconfirm))
        .route("/deposits/{id}/documents/{pos}", get().to(handlers::proposals::deposit_document))
        .route("/receipts/verify", get().to(handlers::receipts::verify_page))
        .route("/receipts/{id}", get().to(handlers::receipts::page))
        .route("/receipts/{id}/json", get().to(handlers::receipts::json))
        .route("/receipts/{id}/pdf", get().to(handlers::receipts::pdf));
}

/// Evaluation: the committee, the scoring, the ranking, the decision and the results.
/// After the shortlist: the agent's award page, its confirmations, challenges and later stages;
/// the organisation's letters.
fn award(r: &mut Routes) {
    r.service(resource("/objectives/{id}/award").get(handlers::award::page).post(handlers::award::award))
        .route("/objectives/{id}/award/confirm", post().to(handlers::award::confirm))
        .route("/objectives/{id}/not-awarded/confirm", post().to(handlers::award::confirm_not_awarded))
        .route("/objectives/{id}/not-awarded", post().to(handlers::award::not_awarded))
        .route("/objectives/{id}/challenges", post().to(handlers::award::lodge_challenge))
        .route("/objectives/{id}/challenges/{challenge}/outcome", post().to(handlers::award::settle_challenge))
        .route("/objectives/{id}/stage", post().to(handlers::award::stage))
        .route("/objectives/{id}/stage/confirm", post().to(handlers::award::confirm_stage))
        .service(
            resource("/objectives/{id}/contract")
                .get(handlers::award::contract_page)
                .post(handlers::award::sign_contract),
        )
        .route("/objectives/{id}/contract/confirm", post().to(handlers::award::confirm_contract))
        .route("/objectives/{id}/contract/modifications", post().to(handlers::award::modify_contract))
        .route("/organisation/letters", get().to(handlers::award::letters))
        .route("/organisation/letters/{id}", get().to(handlers::award::letter))
        .route("/organisation/letters/{id}/pdf", get().to(handlers::award::letter_pdf));
    indicators(r);
}

/// Indicators over the horizons: the management page of a contract in execution (agents and
/// holders), the reports and their decisions, the public follow-up and its Atom feed.
fn indicators(r: &mut Routes) {
    r.service(
        resource("/objectives/{id}/indicators").get(handlers::indicators::manage).post(handlers::indicators::set),
    )
    .route("/indicators/{id}/reports", post().to(handlers::indicators::report))
    .route("/indicator-reports/{id}/validation/confirm", post().to(handlers::indicators::confirm_validation))
    .route("/indicator-reports/{id}/validation", post().to(handlers::indicators::validate))
    .route("/indicator-reports/{id}/send-back", post().to(handlers::indicators::send_back))
    .route("/indicator-reports/{id}/evidence", get().to(handlers::indicators::evidence))
    .route("/objectives/{id}/follow-up", get().to(handlers::indicators::follow_up))
    .route("/objectives/{id}/follow-up.atom", get().to(handlers::indicators::feed));
    change_support(r);
}

/// Change support: the contract's change-support page (agents, holders, users of the purchase),
/// the plan's actions, the users' invitations, the deliveries, the ratings, the materials.
fn change_support(r: &mut Routes) {
    r.route("/objectives/{id}/change-support", get().to(handlers::change_support::page))
        .route("/objectives/{id}/change-support/actions", post().to(handlers::change_support::add_action))
        .route("/objectives/{id}/change-support/users", post().to(handlers::change_support::invite))
        .service(
            resource("/objectives/{id}/change-support/users/{user}/withdrawal")
                .post(handlers::change_support::withdraw),
        )
        .route("/support-actions/{id}/delivery", post().to(handlers::change_support::deliver))
        .route("/support-actions/{id}", post().to(handlers::change_support::edit_action))
        .route("/support-actions/{id}/cancellation/confirm", post().to(handlers::change_support::confirm_cancel))
        .route("/support-actions/{id}/cancellation", post().to(handlers::change_support::cancel_action))
        .route("/support-actions/{id}/rating", post().to(handlers::change_support::rate))
        .route("/support-materials/{id}", get().to(handlers::change_support::material));
}

fn evaluation(r: &mut Routes) {
    r.service(
        resource("/objectives/{id}/committee")
            .get(handlers::evaluation::committee_page)
            .post(handlers::evaluation::appoint),
    )
    .route("/objectives/{id}/committee/settings", post().to(handlers::evaluation::settings))
    .route("/objectives/{id}/committee/conflicts/lift", post().to(handlers::evaluation::lift_conflict))
    .route("/objectives/{id}/committee/{user}/remove", post().to(handlers::evaluation::remove_member))
    .route("/objectives/{id}/results", post().to(handlers::evaluation::publish_results))
    .route("/objectives/{id}/results/publish", get().to(handlers::evaluation::publish_page))
    .route("/evaluations", get().to(handlers::evaluation::my_evaluations))
    .route("/objectives/{id}/evaluation", get().to(handlers::evaluation::workspace))
    .route("/objectives/{id}/evaluation/declarations", post().to(handlers::evaluation::declare))
    .route("/objectives/{id}/evaluation/progress", get().to(handlers::evaluation::progress))
    .route("/objectives/{id}/evaluation/ranking", get().to(handlers::evaluation::ranking))
    .route("/objectives/{id}/evaluation/report", get().to(handlers::evaluation::report))
    .route("/objectives/{id}/evaluation/report.csv", get().to(handlers::evaluation::report_csv))
    .route("/objectives/{id}/evaluation/scores.csv", get().to(handlers::evaluation::scores_csv))
    .route("/objectives/{id}/evaluation/consensus", post().to(handlers::evaluation::consensus))
    .route("/objectives/{id}/evaluation/shortlist", post().to(handlers::evaluation::change_shortlist))
    .service(
        resource("/objectives/{id}/evaluation/decision")
            .get(handlers::evaluation::decision_page)
            .post(handlers::evaluation::decide),
    )
    .service(
        resource("/objectives/{id}/evaluation/members/{user}/release")
            .get(handlers::evaluation::release_page)
            .post(handlers::evaluation::release),
    )
    .service(
        resource("/objectives/{id}/evaluation/{pid}")
            .get(handlers::evaluation::score_page)
            .post(handlers::evaluation::save_scores),
    )
    .route("/objectives/{id}/evaluation/{pid}/reopen/{user}", post().to(handlers::evaluation::reopen));
}

/// Administration: staff accounts, the audit log, the criteria and credentials catalogues, and
/// the moderation of the network (reports, suspensions).
fn admin(r: &mut Routes) {
    r.service(resource("/admin/users").get(handlers::admin::users_page).post(handlers::admin::invite_staff))
        .route("/admin/users/{id}", get().to(handlers::admin::user_page))
        .route("/admin/users/{id}/roles", post().to(handlers::admin::set_roles))
        .route("/admin/users/{id}/disable", get().to(handlers::admin::disable_page))
        .route("/admin/users/{id}/disable", post().to(handlers::admin::disable))
        .route("/admin/users/{id}/enable", post().to(handlers::admin::enable))
        .route("/admin/audit", get().to(handlers::admin::audit_page))
        .service(resource("/admin/criteria").get(handlers::criteria::list).post(handlers::criteria::create))
        .route("/admin/criteria/new", get().to(handlers::criteria::new_form))
        .service(resource("/admin/criteria/{id}").get(handlers::criteria::edit_form).post(handlers::criteria::update))
        .route("/admin/criteria/{id}/remove", post().to(handlers::criteria::remove))
        .route("/admin/criteria/{id}/restore", post().to(handlers::criteria::restore))
        .service(
            resource("/admin/credentials").get(handlers::network::catalogue).post(handlers::network::create_credential),
        )
        .route("/admin/credentials/{id}/retire", post().to(handlers::network::retire))
        .route("/admin/credentials/{id}/restore", post().to(handlers::network::restore))
        .route("/admin/reports", get().to(handlers::messages::reports))
        .route("/admin/reports/{id}", post().to(handlers::messages::resolve))
        .route("/admin/suspensions/{org}/lift", post().to(handlers::messages::lift));
}

/// Open data: the published objectives, also in OCDS.
fn api_open_data(r: &mut Routes) {
    r.route("/objectives", get().to(handlers::open_data::list))
        .route("/objectives/{id}", get().to(handlers::open_data::detail))
        .route("/objectives/{id}/ocds.json", get().to(handlers::open_data::ocds_one))
        .route("/ocds/objectives.json", get().to(handlers::open_data::ocds_all))
        .route("/dashboard", get().to(handlers::dashboard::api));
}

/// The agents' objectives: drafting, publication, amendment, cancellation, deletion; documents;
/// answers to questions (issue 18, API parity).
fn api_objectives(r: &mut Routes) {
    use handlers::api_objectives as o;
    r.route("/objectives", post().to(o::create))
        .route("/objectives/{id}", put().to(o::update))
        .route("/objectives/{id}", delete().to(o::delete))
        .route("/objectives/{id}/publication", post().to(o::publish))
        .route("/objectives/{id}/cancellation", post().to(o::cancel))
        .route("/objectives/{id}/documents", post().to(o::upload))
        .route("/objectives/{id}/documents/{doc}", delete().to(o::remove_document))
        .route("/objectives/{id}/questions/{qid}/answer", put().to(o::answer))
        .route("/objectives/{id}/answers", post().to(o::publish_answer));
}

/// The agents' review of good practices; the administrators' criteria and credentials
/// catalogues and moderation (issue 18, API parity).
fn api_manage(r: &mut Routes) {
    use handlers::api_manage as m;
    r.route("/practices/{id}/review", put().to(m::review))
        .route("/practices/{id}/featured", put().to(m::feature))
        .route("/admin/criteria", post().to(m::create_criterion))
        .route("/admin/criteria/{id}", put().to(m::update_criterion))
        .route("/admin/criteria/{id}", delete().to(m::remove_criterion))
        .route("/admin/criteria/{id}/restoration", post().to(m::restore_criterion))
        .route("/admin/credentials", post().to(m::create_credential))
        .route("/admin/credentials/{id}/retirement", post().to(m::retire_credential))
        .route("/admin/credentials/{id}/restoration", post().to(m::restore_credential))
        .route("/admin/reports/{id}", put().to(m::resolve_report))
        .route("/admin/suspensions/{org}", delete().to(m::lift_suspension));
}

/// One's own account and API tokens.
fn api_accounts(r: &mut Routes) {
    r.service(resource("/me").get(handlers::api::me).put(handlers::api::update_me))
        .service(resource("/me/tokens").get(handlers::api::list_tokens).post(handlers::api::create_token))
        .route("/me/tokens/{id}", delete().to(handlers::api::revoke_token))
        .route("/me/export", get().to(handlers::api::export_me))
        .route("/me/erasure", post().to(handlers::api::erase_me));
}

/// The supplier organisation.
fn api_organisation(r: &mut Routes) {
    r.route("/organisation", get().to(handlers::api::my_organisation))
        .route("/organisation/invitations", post().to(handlers::api::invite_member))
        .route("/organisation/members/{id}", delete().to(handlers::api::remove_member))
        .route("/organisation/owner", put().to(handlers::api::transfer_ownership));
}

/// The network of suppliers: the practices, the directory, the credentials catalogue.
fn api_network(r: &mut Routes) {
    r.route("/practices", get().to(handlers::api_network::practice_list))
        .route("/practices/{id}", get().to(handlers::api_network::practice))
        .route("/organisation/export", get().to(handlers::api_network::export))
        .route("/directory", get().to(handlers::api_network::directory))
        .route("/directory/{id}", get().to(handlers::api_network::profile))
        .route("/credentials", get().to(handlers::api_network::catalogue));
}

/// Administration.
fn api_admin(r: &mut Routes) {
    r.service(resource("/admin/users").get(handlers::api::list_users).post(handlers::api::invite_staff))
        .route("/admin/users/{id}/roles", put().to(handlers::api::set_roles))
        .route("/admin/users/{id}/disabled", put().to(handlers::api::set_disabled))
        .route("/admin/audit", get().to(handlers::api::audit));
}

/// Receipts, proposals and their opening.
fn api_proposals(r: &mut Routes) {
    r.route("/receipts/verify", get().to(handlers::receipts::verify_api))
        .route("/receipts/{id}", get().to(handlers::api_proposals::receipt))
        .route("/proposals", get().to(handlers::api_proposals::list))
        .service(
            resource("/objectives/{id}/proposals")
                .post(handlers::api_proposals::create)
                .get(handlers::api_proposals::received),
        )
        .route("/objectives/{id}/opening", post().to(handlers::api_proposals::open))
        .route("/objectives/{id}/proposals/{proposal}", get().to(handlers::api_proposals::opened))
        .service(resource("/proposals/{id}").get(handlers::api_proposals::show).put(handlers::api_proposals::update))
        .route("/proposals/{id}/attachments", post().to(handlers::api_proposals::upload))
        .service(
            resource("/proposals/{id}/attachments/{attachment}")
                .get(handlers::api_proposals::download)
                .delete(handlers::api_proposals::remove_attachment),
        )
        .route("/proposals/{id}/consortium", post().to(handlers::api_proposals::add_member))
        .route("/proposals/{id}/consortium/membership", put().to(handlers::api_proposals::answer))
        .route("/proposals/{id}/consortium/{organisation}", delete().to(handlers::api_proposals::remove_member))
        .route("/proposals/{id}/deposits", post().to(handlers::api_proposals::deposit))
        .route("/proposals/{id}/withdrawal", post().to(handlers::api_proposals::withdraw))
        .route("/proposals/{id}/reconfirmation", post().to(handlers::api_proposals::reconfirm));
}

/// Evaluation: the committee, the scoring, the decision and the results.
/// After the shortlist: the award (public) and the organisation's letters.
fn api_award(r: &mut Routes) {
    r.service(
        resource("/objectives/{id}/award").get(handlers::api_award::award).post(handlers::api_award::award_create),
    )
    .route("/objectives/{id}/not-awarded", post().to(handlers::api_award::not_awarded))
    .route("/objectives/{id}/challenges", post().to(handlers::api_award::challenge))
    .route("/objectives/{id}/challenges/{challenge}/outcome", put().to(handlers::api_award::challenge_outcome))
    .route("/objectives/{id}/stage", post().to(handlers::api_award::stage))
    .route("/objectives/{id}/contract/modifications", post().to(handlers::api_award::modify))
    .route("/indicator-reports/{id}/validation", post().to(handlers::api_award::validate_report))
    .route("/indicator-reports/{id}/send-back", post().to(handlers::api_award::send_back_report))
    .route("/objectives/{id}/change-support/users", post().to(handlers::api_award::invite_user))
    .route("/objectives/{id}/change-support/users/{user}", delete().to(handlers::change_support::api_withdraw))
    .service(resource("/objectives/{id}/contract").get(handlers::api_award::contract).post(handlers::api_award::sign))
    .route("/objectives/{id}/decp.json", get().to(handlers::open_data::decp_one))
    .route("/decp/marches.json", get().to(handlers::open_data::decp_all))
    .service(
        resource("/objectives/{id}/indicators").get(handlers::indicators::api).post(handlers::api_award::set_indicator),
    )
    .route("/objectives/{id}/change-support", get().to(handlers::change_support::api_plan))
    .route("/objectives/{id}/change-support/actions", post().to(handlers::change_support::api_add_action))
    .route("/support-actions/{id}/delivery", post().to(handlers::change_support::api_deliver))
    .service(
        resource("/support-actions/{id}")
            .put(handlers::change_support::api_edit_action)
            .delete(handlers::change_support::api_cancel_action),
    )
    .route("/organisation/letters", get().to(handlers::api_award::letters))
    .route("/organisation/letters/{id}", get().to(handlers::api_award::letter));
}

/// Market consultations: the consultation (open data), contributions, registrations, the
/// agents' synthesis and call.
fn api_consultation(r: &mut Routes) {
    use handlers::api_consultation as c;
    r.route("/consultations/{id}", get().to(c::show))
        .route("/consultations/{id}/contributions", post().to(c::contribute))
        .route("/consultations/{id}/contributions/{contribution}", get().to(c::contribution))
        .service(resource("/consultations/{id}/meetings/{meeting}/registration").post(c::register).delete(c::cancel))
        .route("/consultations/{id}/synthesis", post().to(c::synthesis))
        .route("/consultations/{id}/call", post().to(c::open_call))
        .route("/objectives/{id}/consultation", post().to(c::create))
        .route("/consultations/{id}/meetings", post().to(c::add_meeting))
        .route("/consultations/{id}/meetings/{meeting}/minutes", put().to(c::minutes));
}

fn api_evaluation(r: &mut Routes) {
    r.service(
        resource("/objectives/{id}/committee")
            .get(handlers::api_evaluation::committee_get)
            .post(handlers::api_evaluation::committee_appoint),
    )
    .route("/objectives/{id}/committee/{user}", delete().to(handlers::api_evaluation::committee_remove))
    .route("/objectives/{id}/committee/conflicts/lift", post().to(handlers::api_evaluation::committee_lift_conflict))
    .route("/objectives/{id}/evaluation-settings", put().to(handlers::api_evaluation::settings))
    .route("/objectives/{id}/evaluation", get().to(handlers::api_evaluation::workspace))
    .route("/objectives/{id}/evaluation/declarations", put().to(handlers::api_evaluation::declare))
    .route("/objectives/{id}/evaluation/ranking", get().to(handlers::api_evaluation::ranking))
    .route("/objectives/{id}/evaluation/report.csv", get().to(handlers::api_evaluation::report_csv))
    .route("/objectives/{id}/evaluation/scores.csv", get().to(handlers::api_evaluation::scores_csv))
    .route("/objectives/{id}/evaluation/consensus", put().to(handlers::api_evaluation::consensus))
    .route("/objectives/{id}/evaluation/shortlist", put().to(handlers::api_evaluation::shortlist))
    .route("/objectives/{id}/evaluation/decision", post().to(handlers::api_evaluation::decide))
    .route("/objectives/{id}/evaluation/members/{user}/release", post().to(handlers::api_evaluation::release_seat))
    .service(
        resource("/objectives/{id}/evaluation/proposals/{proposal}")
            .get(handlers::api_evaluation::proposal)
            .put(handlers::api_evaluation::score),
    )
    .route(
        "/objectives/{id}/evaluation/proposals/{proposal}/reopen/{user}",
        post().to(handlers::api_evaluation::reopen),
    )
    .service(
        resource("/objectives/{id}/results")
            .get(handlers::api_evaluation::results)
            .post(handlers::api_evaluation::publish),
    );
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn the_route_table_lists_each_method_of_each_path_once_with_its_scope() {
        let table = super::super::route_table();
        let has = |method: &str, path: &str| table.iter().any(|r| r.method == method && r.path == path);
        // A resource's methods, each its own entry.
        assert!(has("GET", "/register") && has("POST", "/register"));
        assert!(has("GET", "/api/v1/me") && has("PUT", "/api/v1/me"));
        // The API's routes with the scope's prefix, and only with it.
        assert!(has("GET", "/api/v1/openapi.json") && has("DELETE", "/api/v1/objectives/{id}"));
        assert!(!has("GET", "/openapi.json"));
        assert!(table.len() > 300, "{}", table.len());
        // The same method and path twice: the second would never answer.
        let unique: BTreeSet<_> = table.iter().collect();
        assert_eq!(unique.len(), table.len(), "a route registered twice");
    }
}
