//! Every route of the platform, one `configure` function per area.
//!
//! Actix matches routes in the order they are registered, the first match winning: a literal
//! segment comes before a parameter at the same place (`/objectives/new` before
//! `/objectives/{id}`, `/receipts/verify` before `/receipts/{id}`,
//! `/objectives/{id}/evaluation/report.csv` before `/objectives/{id}/evaluation/{pid}`). Routes
//! that can match the same request stay in one area, in that order; areas never overlap. The JSON
//! API lives under one scope, `/api/v1`: every route under that prefix must be registered in it.

use actix_web::web;

use super::handlers;

/// The HTML pages.
pub fn pages(cfg: &mut web::ServiceConfig) {
    public(cfg);
    accounts(cfg);
    organisation(cfg);
    network(cfg);
    objectives(cfg);
    consultation(cfg);
    proposals(cfg);
    evaluation(cfg);
    award(cfg);
    admin(cfg);
}

/// The JSON API, under `/api/v1`, with its OpenAPI description.
pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/openapi.json", web::get().to(handlers::openapi::openapi))
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
            .configure(api_manage),
    );
}

/// The Atom feeds (open data, like the API's objectives).
pub fn feeds(cfg: &mut web::ServiceConfig) {
    cfg.route("/feeds/practices.atom", web::get().to(handlers::practices::feed))
        .route("/feeds/objectives.atom", web::get().to(handlers::open_data::feed_all))
        .route("/feeds/themes/{theme}", web::get().to(handlers::open_data::feed_theme))
        .route("/feeds/audit-checkpoints.atom", web::get().to(handlers::checkpoints::feed));
}

/// The home page, the health checks, the language switch and the static files.
fn public(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(handlers::home::home))
        .route("/health", web::get().to(handlers::health::health))
        .route("/ping", web::get().to(handlers::health::ping))
        .route("/lang/{code}", web::get().to(handlers::lang::switch))
        .route("/chiffres", web::get().to(handlers::dashboard::page))
        .route("/figures", web::get().to(handlers::dashboard::page))
        .route("/chiffres/{figure}.csv", web::get().to(handlers::dashboard::csv))
        .route("/static/{name}", web::get().to(super::assets::serve))
        // The public statements, the site map, the help for suppliers; robots (docs/PUBLIC-SITE.md).
        .route("/accessibilite", web::get().to(handlers::site::accessibility))
        .route("/mentions-legales", web::get().to(handlers::site::legal))
        .route("/donnees-personnelles", web::get().to(handlers::site::privacy))
        .route("/plan-du-site", web::get().to(handlers::site::site_map))
        .route("/aide/repondre", web::get().to(handlers::site::guide))
        .route("/aide/glossaire", web::get().to(handlers::site::glossary))
        .route("/robots.txt", web::get().to(handlers::site::robots))
        .route("/sitemap.xml", web::get().to(handlers::site::sitemap_xml))
        // The audit log's signed checkpoints (docs/RELIABILITY.md).
        .route("/audit/checkpoints", web::get().to(handlers::checkpoints::page))
        .route("/audit/checkpoints/public-key.txt", web::get().to(handlers::checkpoints::key_text))
        .route("/audit/checkpoints/{file}", web::get().to(handlers::checkpoints::download));
}

/// Registration, verification, sign-in; one's own account, sessions and API tokens.
fn accounts(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/register").get(handlers::auth::register_form).post(handlers::auth::register))
        .service(web::resource("/verify").get(handlers::auth::verify_page).post(handlers::auth::verify))
        .route("/verify/resend", web::post().to(handlers::auth::resend_verification))
        .service(web::resource("/login").get(handlers::auth::login_form).post(handlers::auth::login))
        .route("/logout", web::post().to(handlers::auth::logout))
        .route("/logout-everywhere", web::post().to(handlers::auth::logout_everywhere))
        .service(web::resource("/forgot-password").get(handlers::auth::forgot_form).post(handlers::auth::forgot))
        .service(
            web::resource("/account/set-password")
                .get(handlers::account::set_password_form)
                .post(handlers::account::set_password),
        )
        .route("/work", web::get().to(handlers::work::home))
        .service(web::resource("/account").get(handlers::account::profile).post(handlers::account::update_profile))
        .service(
            web::resource("/account/password")
                .get(handlers::account::password_form)
                .post(handlers::account::change_password),
        )
        .route("/account/sessions", web::get().to(handlers::account::sessions_page))
        .route("/account/sessions/{id}/end", web::post().to(handlers::account::end_session))
        .service(
            web::resource("/account/tokens").get(handlers::account::tokens_page).post(handlers::account::create_token),
        )
        .route("/account/tokens/{id}/revoke", web::post().to(handlers::account::revoke_token))
        // One's own data: the export and the erasure (docs/ACCOUNTS.md).
        .route("/account/data", web::get().to(handlers::account::data_page))
        .route("/account/data.json", web::get().to(handlers::account::data_download))
        .service(web::resource("/account/erase").get(handlers::account::erase_page).post(handlers::account::erase))
        .route("/account/erased", web::get().to(handlers::account::erased));
}

/// The supplier organisation: its members, invitations and owner.
fn organisation(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisation", web::get().to(handlers::organisation::show))
        .route("/organisation/invitations", web::post().to(handlers::organisation::invite))
        .route("/organisation/invitations/{id}/revoke", web::post().to(handlers::organisation::revoke_invitation))
        .route("/organisation/members/{id}/remove", web::post().to(handlers::organisation::remove))
        .route("/organisation/owner", web::post().to(handlers::organisation::transfer))
        .service(
            web::resource("/invitations/accept")
                .get(handlers::organisation::accept_form)
                .post(handlers::organisation::accept),
        );
}

/// The network of suppliers: the organisation's public profile and credentials, the practices,
/// the directory, the partner search on an objective and the messages between organisations.
fn network(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/organisation/profile").get(handlers::network::edit_form).post(handlers::network::save))
        .route("/organisation/profile/listing", web::post().to(handlers::network::listing))
        .route("/organisation/profile/credentials", web::post().to(handlers::network::add_credential))
        .route("/organisation/profile/credentials/{id}/remove", web::post().to(handlers::network::remove_credential))
        .route("/organisation/export.json", web::get().to(handlers::network::export))
        .service(web::resource("/practices").get(handlers::practices::list).post(handlers::practices::submit))
        .route("/practices/new", web::get().to(handlers::practices::new_form))
        .route("/practices/review", web::get().to(handlers::practices::review_queue))
        .route("/practices/{id}", web::get().to(handlers::practices::show))
        .route("/practices/{id}/picture", web::get().to(handlers::practices::picture))
        .route("/practices/{id}/review", web::post().to(handlers::practices::review))
        .route("/practices/{id}/feature", web::post().to(handlers::practices::feature))
        .route("/directory", web::get().to(handlers::network::directory))
        .route("/directory/{id}", web::get().to(handlers::network::show))
        .route("/directory/{id}/credentials/{cid}/evidence", web::get().to(handlers::network::evidence))
        .route("/objectives/{id}/partners", web::post().to(handlers::messages::seek))
        .route("/objectives/{id}/partners/withdraw", web::post().to(handlers::messages::stop_seeking))
        .route("/messages", web::get().to(handlers::messages::inbox))
        .route("/messages/report/{id}", web::post().to(handlers::messages::report))
        .service(web::resource("/messages/{org}").get(handlers::messages::thread).post(handlers::messages::send))
        .route("/messages/{org}/invite", web::post().to(handlers::messages::invite));
}

/// Objectives: the list, the agents' form and lifecycle, questions, documents, following.
fn objectives(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/objectives").get(handlers::objectives::list).post(handlers::objectives::create))
        .route("/objectives/new", web::get().to(handlers::objectives::new_form))
        .service(web::resource("/objectives/{id}").get(handlers::objectives::show).post(handlers::objectives::update))
        .route("/objectives/{id}/edit", web::get().to(handlers::objectives::edit_form))
        .route("/objectives/{id}/publish", web::post().to(handlers::objectives::publish))
        .route("/objectives/{id}/cancel", web::get().to(handlers::objectives::cancel_page))
        .route("/objectives/{id}/cancel", web::post().to(handlers::objectives::cancel))
        .route("/objectives/{id}/delete", web::get().to(handlers::objectives::delete_page))
        .route("/objectives/{id}/delete", web::post().to(handlers::objectives::delete))
        .route("/objectives/{id}/questions", web::post().to(handlers::objectives::ask))
        .route("/objectives/{id}/questions/publish", web::post().to(handlers::objectives::publish_question))
        .route("/objectives/{id}/questions/{qid}/answer", web::post().to(handlers::objectives::answer))
        .route("/objectives/{id}/documents", web::post().to(handlers::documents::upload))
        .route("/objectives/{id}/documents/{doc}", web::get().to(handlers::documents::download))
        .route("/objectives/{id}/documents/{doc}/delete", web::post().to(handlers::documents::delete))
        .route("/objectives/{id}/follow", web::post().to(handlers::objectives::follow))
        .route("/objectives/{id}/unfollow", web::post().to(handlers::objectives::unfollow))
        .service(
            web::resource("/account/subscriptions")
                .get(handlers::objectives::subscriptions_page)
                .post(handlers::objectives::save_subscriptions),
        );
}

/// Market consultation before the call: the public list and page, contributions, meetings; the
/// agents' pages (docs/CONSULTATION.md).
fn consultation(cfg: &mut web::ServiceConfig) {
    use handlers::consultation as c;
    cfg.service(web::resource("/objectives/{id}/consultation").get(c::new_form).post(c::create))
        .route("/consultations", web::get().to(c::list))
        .route("/consultations/{id}", web::get().to(c::show))
        .route("/consultations/{id}/manage", web::get().to(c::manage))
        .route("/consultations/{id}/contributions", web::post().to(c::contribute))
        .route("/consultations/{id}/contributions/{cid}", web::get().to(c::contribution))
        .route("/consultations/{id}/meetings", web::post().to(c::add_meeting))
        .route("/consultations/{id}/meetings/{mid}/register", web::post().to(c::register))
        .route("/consultations/{id}/meetings/{mid}/cancel", web::post().to(c::cancel))
        .route("/consultations/{id}/meetings/{mid}/minutes", web::post().to(c::minutes))
        .route("/consultations/{id}/synthesis", web::post().to(c::synthesis))
        .service(web::resource("/consultations/{id}/open-call").get(c::open_call_page).post(c::open_call));
}

/// Proposals (suppliers) and their opening (agents); deposits and their receipts.
fn proposals(cfg: &mut web::ServiceConfig) {
    cfg.route("/proposals", web::get().to(handlers::proposals::dashboard))
        .service(
            web::resource("/practice").get(handlers::proposals::practice).post(handlers::proposals::practice_start),
        )
        .service(
            web::resource("/objectives/{id}/proposal")
                .get(handlers::proposals::start_form)
                .post(handlers::proposals::create),
        )
        .route("/objectives/{id}/proposals", web::get().to(handlers::proposals::agent_list))
        .route("/objectives/{id}/proposals/open", web::post().to(handlers::proposals::open))
        .route("/objectives/{id}/proposals/{pid}", web::get().to(handlers::proposals::opened))
        .service(web::resource("/proposals/{id}").get(handlers::proposals::show).post(handlers::proposals::update))
        .route("/proposals/{id}/edit", web::get().to(handlers::proposals::edit_form))
        .route("/proposals/{id}/attachments", web::post().to(handlers::proposals::upload))
        .route("/proposals/{id}/attachments/{aid}", web::get().to(handlers::proposals::download))
        .route("/proposals/{id}/attachments/{aid}/delete", web::post().to(handlers::proposals::remove_attachment))
        .route("/proposals/{id}/consortium", web::post().to(handlers::proposals::add_member))
        .route("/proposals/{id}/consortium/confirm", web::post().to(handlers::proposals::confirm_membership))
        .route("/proposals/{id}/consortium/decline", web::post().to(handlers::proposals::decline_membership))
        .route("/proposals/{id}/consortium/{org}/remove", web::post().to(handlers::proposals::remove_member))
        .service(
            web::resource("/proposals/{id}/deposit")
                .get(handlers::proposals::deposit_form)
                .post(handlers::proposals::deposit),
        )
        .route("/proposals/{id}/withdraw", web::get().to(handlers::proposals::withdraw_page))
        .route("/proposals/{id}/withdraw", web::post().to(handlers::proposals::withdraw))
        .route("/proposals/{id}/reconfirm", web::post().to(handlers::proposals::reconfirm))
        .route("/deposits/{id}/documents/{pos}", web::get().to(handlers::proposals::deposit_document))
        .route("/receipts/verify", web::get().to(handlers::receipts::verify_page))
        .route("/receipts/{id}", web::get().to(handlers::receipts::page))
        .route("/receipts/{id}/json", web::get().to(handlers::receipts::json));
}

/// Evaluation: the committee, the scoring, the ranking, the decision and the results.
/// After the shortlist: the agent's award page, its confirmations, challenges and later stages;
/// the organisation's letters.
fn award(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/objectives/{id}/award").get(handlers::award::page).post(handlers::award::award))
        .route("/objectives/{id}/award/confirm", web::post().to(handlers::award::confirm))
        .route("/objectives/{id}/not-awarded/confirm", web::post().to(handlers::award::confirm_not_awarded))
        .route("/objectives/{id}/not-awarded", web::post().to(handlers::award::not_awarded))
        .route("/objectives/{id}/challenges", web::post().to(handlers::award::lodge_challenge))
        .route("/objectives/{id}/challenges/{challenge}/outcome", web::post().to(handlers::award::settle_challenge))
        .route("/objectives/{id}/stage", web::post().to(handlers::award::stage))
        .service(
            web::resource("/objectives/{id}/contract")
                .get(handlers::award::contract_page)
                .post(handlers::award::sign_contract),
        )
        .route("/objectives/{id}/contract/confirm", web::post().to(handlers::award::confirm_contract))
        .route("/objectives/{id}/contract/modifications", web::post().to(handlers::award::modify_contract))
        .route("/organisation/letters", web::get().to(handlers::award::letters))
        .route("/organisation/letters/{id}", web::get().to(handlers::award::letter));
    indicators(cfg);
}

/// Indicators over the horizons: the management page of a contract in execution (agents and
/// holders), the reports and their decisions, the public follow-up and its Atom feed.
fn indicators(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/objectives/{id}/indicators").get(handlers::indicators::manage).post(handlers::indicators::set),
    )
    .route("/indicators/{id}/reports", web::post().to(handlers::indicators::report))
    .route("/indicator-reports/{id}/validation/confirm", web::post().to(handlers::indicators::confirm_validation))
    .route("/indicator-reports/{id}/validation", web::post().to(handlers::indicators::validate))
    .route("/indicator-reports/{id}/send-back", web::post().to(handlers::indicators::send_back))
    .route("/indicator-reports/{id}/evidence", web::get().to(handlers::indicators::evidence))
    .route("/objectives/{id}/follow-up", web::get().to(handlers::indicators::follow_up))
    .route("/objectives/{id}/follow-up.atom", web::get().to(handlers::indicators::feed));
    change_support(cfg);
}

/// Change support: the contract's change-support page (agents, holders, users of the purchase),
/// the plan's actions, the users' invitations, the deliveries, the ratings, the materials.
fn change_support(cfg: &mut web::ServiceConfig) {
    cfg.route("/objectives/{id}/change-support", web::get().to(handlers::change_support::page))
        .route("/objectives/{id}/change-support/actions", web::post().to(handlers::change_support::add_action))
        .route("/objectives/{id}/change-support/users", web::post().to(handlers::change_support::invite))
        .service(
            web::resource("/objectives/{id}/change-support/users/{user}/withdrawal")
                .post(handlers::change_support::withdraw),
        )
        .route("/support-actions/{id}/delivery", web::post().to(handlers::change_support::deliver))
        .route("/support-actions/{id}", web::post().to(handlers::change_support::edit_action))
        .route("/support-actions/{id}/cancellation/confirm", web::post().to(handlers::change_support::confirm_cancel))
        .route("/support-actions/{id}/cancellation", web::post().to(handlers::change_support::cancel_action))
        .route("/support-actions/{id}/rating", web::post().to(handlers::change_support::rate))
        .route("/support-materials/{id}", web::get().to(handlers::change_support::material));
}

fn evaluation(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/objectives/{id}/committee")
            .get(handlers::evaluation::committee_page)
            .post(handlers::evaluation::appoint),
    )
    .route("/objectives/{id}/committee/settings", web::post().to(handlers::evaluation::settings))
    .route("/objectives/{id}/committee/conflicts/lift", web::post().to(handlers::evaluation::lift_conflict))
    .route("/objectives/{id}/committee/{user}/remove", web::post().to(handlers::evaluation::remove_member))
    .route("/objectives/{id}/results", web::post().to(handlers::evaluation::publish_results))
    .route("/objectives/{id}/results/publish", web::get().to(handlers::evaluation::publish_page))
    .route("/evaluations", web::get().to(handlers::evaluation::my_evaluations))
    .route("/objectives/{id}/evaluation", web::get().to(handlers::evaluation::workspace))
    .route("/objectives/{id}/evaluation/declarations", web::post().to(handlers::evaluation::declare))
    .route("/objectives/{id}/evaluation/progress", web::get().to(handlers::evaluation::progress))
    .route("/objectives/{id}/evaluation/ranking", web::get().to(handlers::evaluation::ranking))
    .route("/objectives/{id}/evaluation/report", web::get().to(handlers::evaluation::report))
    .route("/objectives/{id}/evaluation/report.csv", web::get().to(handlers::evaluation::report_csv))
    .route("/objectives/{id}/evaluation/scores.csv", web::get().to(handlers::evaluation::scores_csv))
    .route("/objectives/{id}/evaluation/consensus", web::post().to(handlers::evaluation::consensus))
    .route("/objectives/{id}/evaluation/shortlist", web::post().to(handlers::evaluation::change_shortlist))
    .service(
        web::resource("/objectives/{id}/evaluation/decision")
            .get(handlers::evaluation::decision_page)
            .post(handlers::evaluation::decide),
    )
    .service(
        web::resource("/objectives/{id}/evaluation/members/{user}/release")
            .get(handlers::evaluation::release_page)
            .post(handlers::evaluation::release),
    )
    .service(
        web::resource("/objectives/{id}/evaluation/{pid}")
            .get(handlers::evaluation::score_page)
            .post(handlers::evaluation::save_scores),
    )
    .route("/objectives/{id}/evaluation/{pid}/reopen/{user}", web::post().to(handlers::evaluation::reopen));
}

/// Administration: staff accounts, the audit log, the criteria and credentials catalogues, and
/// the moderation of the network (reports, suspensions).
fn admin(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/admin/users").get(handlers::admin::users_page).post(handlers::admin::invite_staff))
        .route("/admin/users/{id}", web::get().to(handlers::admin::user_page))
        .route("/admin/users/{id}/roles", web::post().to(handlers::admin::set_roles))
        .route("/admin/users/{id}/disable", web::get().to(handlers::admin::disable_page))
        .route("/admin/users/{id}/disable", web::post().to(handlers::admin::disable))
        .route("/admin/users/{id}/enable", web::post().to(handlers::admin::enable))
        .route("/admin/audit", web::get().to(handlers::admin::audit_page))
        .service(web::resource("/admin/criteria").get(handlers::criteria::list).post(handlers::criteria::create))
        .route("/admin/criteria/new", web::get().to(handlers::criteria::new_form))
        .service(
            web::resource("/admin/criteria/{id}").get(handlers::criteria::edit_form).post(handlers::criteria::update),
        )
        .route("/admin/criteria/{id}/remove", web::post().to(handlers::criteria::remove))
        .route("/admin/criteria/{id}/restore", web::post().to(handlers::criteria::restore))
        .service(
            web::resource("/admin/credentials")
                .get(handlers::network::catalogue)
                .post(handlers::network::create_credential),
        )
        .route("/admin/credentials/{id}/retire", web::post().to(handlers::network::retire))
        .route("/admin/credentials/{id}/restore", web::post().to(handlers::network::restore))
        .route("/admin/reports", web::get().to(handlers::messages::reports))
        .route("/admin/reports/{id}", web::post().to(handlers::messages::resolve))
        .route("/admin/suspensions/{org}/lift", web::post().to(handlers::messages::lift));
}

/// Open data: the published objectives, also in OCDS.
fn api_open_data(cfg: &mut web::ServiceConfig) {
    cfg.route("/objectives", web::get().to(handlers::open_data::list))
        .route("/objectives/{id}", web::get().to(handlers::open_data::detail))
        .route("/objectives/{id}/ocds.json", web::get().to(handlers::open_data::ocds_one))
        .route("/ocds/objectives.json", web::get().to(handlers::open_data::ocds_all))
        .route("/dashboard", web::get().to(handlers::dashboard::api));
}

/// The agents' objectives: drafting, publication, amendment, cancellation, deletion; documents;
/// answers to questions (issue 18, API parity).
fn api_objectives(cfg: &mut web::ServiceConfig) {
    use handlers::api_objectives as o;
    cfg.route("/objectives", web::post().to(o::create))
        .route("/objectives/{id}", web::put().to(o::update))
        .route("/objectives/{id}", web::delete().to(o::delete))
        .route("/objectives/{id}/publication", web::post().to(o::publish))
        .route("/objectives/{id}/cancellation", web::post().to(o::cancel))
        .route("/objectives/{id}/documents", web::post().to(o::upload))
        .route("/objectives/{id}/documents/{doc}", web::delete().to(o::remove_document))
        .route("/objectives/{id}/questions/{qid}/answer", web::put().to(o::answer))
        .route("/objectives/{id}/answers", web::post().to(o::publish_answer));
}

/// The agents' review of good practices; the administrators' criteria and credentials
/// catalogues and moderation (issue 18, API parity).
fn api_manage(cfg: &mut web::ServiceConfig) {
    use handlers::api_manage as m;
    cfg.route("/practices/{id}/review", web::put().to(m::review))
        .route("/practices/{id}/featured", web::put().to(m::feature))
        .route("/admin/criteria", web::post().to(m::create_criterion))
        .route("/admin/criteria/{id}", web::put().to(m::update_criterion))
        .route("/admin/criteria/{id}", web::delete().to(m::remove_criterion))
        .route("/admin/criteria/{id}/restoration", web::post().to(m::restore_criterion))
        .route("/admin/credentials", web::post().to(m::create_credential))
        .route("/admin/credentials/{id}/retirement", web::post().to(m::retire_credential))
        .route("/admin/credentials/{id}/restoration", web::post().to(m::restore_credential))
        .route("/admin/reports/{id}", web::put().to(m::resolve_report))
        .route("/admin/suspensions/{org}", web::delete().to(m::lift_suspension));
}

/// One's own account and API tokens.
fn api_accounts(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/me").get(handlers::api::me).put(handlers::api::update_me))
        .service(web::resource("/me/tokens").get(handlers::api::list_tokens).post(handlers::api::create_token))
        .route("/me/tokens/{id}", web::delete().to(handlers::api::revoke_token))
        .route("/me/export", web::get().to(handlers::api::export_me))
        .route("/me/erasure", web::post().to(handlers::api::erase_me));
}

/// The supplier organisation.
fn api_organisation(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisation", web::get().to(handlers::api::my_organisation))
        .route("/organisation/invitations", web::post().to(handlers::api::invite_member))
        .route("/organisation/members/{id}", web::delete().to(handlers::api::remove_member))
        .route("/organisation/owner", web::put().to(handlers::api::transfer_ownership));
}

/// The network of suppliers: the practices, the directory, the credentials catalogue.
fn api_network(cfg: &mut web::ServiceConfig) {
    cfg.route("/practices", web::get().to(handlers::api_network::practice_list))
        .route("/practices/{id}", web::get().to(handlers::api_network::practice))
        .route("/organisation/export", web::get().to(handlers::api_network::export))
        .route("/directory", web::get().to(handlers::api_network::directory))
        .route("/directory/{id}", web::get().to(handlers::api_network::profile))
        .route("/credentials", web::get().to(handlers::api_network::catalogue));
}

/// Administration.
fn api_admin(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/admin/users").get(handlers::api::list_users).post(handlers::api::invite_staff))
        .route("/admin/users/{id}/roles", web::put().to(handlers::api::set_roles))
        .route("/admin/users/{id}/disabled", web::put().to(handlers::api::set_disabled))
        .route("/admin/audit", web::get().to(handlers::api::audit));
}

/// Receipts, proposals and their opening.
fn api_proposals(cfg: &mut web::ServiceConfig) {
    cfg.route("/receipts/verify", web::get().to(handlers::receipts::verify_api))
        .route("/receipts/{id}", web::get().to(handlers::api_proposals::receipt))
        .route("/proposals", web::get().to(handlers::api_proposals::list))
        .service(
            web::resource("/objectives/{id}/proposals")
                .post(handlers::api_proposals::create)
                .get(handlers::api_proposals::received),
        )
        .route("/objectives/{id}/opening", web::post().to(handlers::api_proposals::open))
        .route("/objectives/{id}/proposals/{proposal}", web::get().to(handlers::api_proposals::opened))
        .service(
            web::resource("/proposals/{id}").get(handlers::api_proposals::show).put(handlers::api_proposals::update),
        )
        .route("/proposals/{id}/attachments", web::post().to(handlers::api_proposals::upload))
        .service(
            web::resource("/proposals/{id}/attachments/{attachment}")
                .get(handlers::api_proposals::download)
                .delete(handlers::api_proposals::remove_attachment),
        )
        .route("/proposals/{id}/consortium", web::post().to(handlers::api_proposals::add_member))
        .route("/proposals/{id}/consortium/membership", web::put().to(handlers::api_proposals::answer))
        .route("/proposals/{id}/consortium/{organisation}", web::delete().to(handlers::api_proposals::remove_member))
        .route("/proposals/{id}/deposits", web::post().to(handlers::api_proposals::deposit))
        .route("/proposals/{id}/withdrawal", web::post().to(handlers::api_proposals::withdraw))
        .route("/proposals/{id}/reconfirmation", web::post().to(handlers::api_proposals::reconfirm));
}

/// Evaluation: the committee, the scoring, the decision and the results.
/// After the shortlist: the award (public) and the organisation's letters.
fn api_award(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/objectives/{id}/award").get(handlers::api_award::award).post(handlers::api_award::award_create),
    )
    .route("/objectives/{id}/not-awarded", web::post().to(handlers::api_award::not_awarded))
    .route("/objectives/{id}/challenges", web::post().to(handlers::api_award::challenge))
    .route("/objectives/{id}/challenges/{challenge}/outcome", web::put().to(handlers::api_award::challenge_outcome))
    .route("/objectives/{id}/stage", web::post().to(handlers::api_award::stage))
    .route("/objectives/{id}/contract/modifications", web::post().to(handlers::api_award::modify))
    .route("/indicator-reports/{id}/validation", web::post().to(handlers::api_award::validate_report))
    .route("/indicator-reports/{id}/send-back", web::post().to(handlers::api_award::send_back_report))
    .route("/objectives/{id}/change-support/users", web::post().to(handlers::api_award::invite_user))
    .route("/objectives/{id}/change-support/users/{user}", web::delete().to(handlers::change_support::api_withdraw))
    .service(
        web::resource("/objectives/{id}/contract").get(handlers::api_award::contract).post(handlers::api_award::sign),
    )
    .route("/objectives/{id}/decp.json", web::get().to(handlers::open_data::decp_one))
    .route("/decp/marches.json", web::get().to(handlers::open_data::decp_all))
    .service(
        web::resource("/objectives/{id}/indicators")
            .get(handlers::indicators::api)
            .post(handlers::api_award::set_indicator),
    )
    .route("/objectives/{id}/change-support", web::get().to(handlers::change_support::api_plan))
    .route("/objectives/{id}/change-support/actions", web::post().to(handlers::change_support::api_add_action))
    .route("/support-actions/{id}/delivery", web::post().to(handlers::change_support::api_deliver))
    .service(
        web::resource("/support-actions/{id}")
            .put(handlers::change_support::api_edit_action)
            .delete(handlers::change_support::api_cancel_action),
    )
    .route("/organisation/letters", web::get().to(handlers::api_award::letters))
    .route("/organisation/letters/{id}", web::get().to(handlers::api_award::letter));
}

/// Market consultations: the consultation (open data), contributions, registrations, the
/// agents' synthesis and call.
fn api_consultation(cfg: &mut web::ServiceConfig) {
    use handlers::api_consultation as c;
    cfg.route("/consultations/{id}", web::get().to(c::show))
        .route("/consultations/{id}/contributions", web::post().to(c::contribute))
        .route("/consultations/{id}/contributions/{contribution}", web::get().to(c::contribution))
        .service(
            web::resource("/consultations/{id}/meetings/{meeting}/registration").post(c::register).delete(c::cancel),
        )
        .route("/consultations/{id}/synthesis", web::post().to(c::synthesis))
        .route("/consultations/{id}/call", web::post().to(c::open_call))
        .route("/objectives/{id}/consultation", web::post().to(c::create))
        .route("/consultations/{id}/meetings", web::post().to(c::add_meeting))
        .route("/consultations/{id}/meetings/{meeting}/minutes", web::put().to(c::minutes));
}

fn api_evaluation(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/objectives/{id}/committee")
            .get(handlers::api_evaluation::committee_get)
            .post(handlers::api_evaluation::committee_appoint),
    )
    .route("/objectives/{id}/committee/{user}", web::delete().to(handlers::api_evaluation::committee_remove))
    .route(
        "/objectives/{id}/committee/conflicts/lift",
        web::post().to(handlers::api_evaluation::committee_lift_conflict),
    )
    .route("/objectives/{id}/evaluation-settings", web::put().to(handlers::api_evaluation::settings))
    .route("/objectives/{id}/evaluation", web::get().to(handlers::api_evaluation::workspace))
    .route("/objectives/{id}/evaluation/declarations", web::put().to(handlers::api_evaluation::declare))
    .route("/objectives/{id}/evaluation/ranking", web::get().to(handlers::api_evaluation::ranking))
    .route("/objectives/{id}/evaluation/report.csv", web::get().to(handlers::api_evaluation::report_csv))
    .route("/objectives/{id}/evaluation/scores.csv", web::get().to(handlers::api_evaluation::scores_csv))
    .route("/objectives/{id}/evaluation/consensus", web::put().to(handlers::api_evaluation::consensus))
    .route("/objectives/{id}/evaluation/shortlist", web::put().to(handlers::api_evaluation::shortlist))
    .route("/objectives/{id}/evaluation/decision", web::post().to(handlers::api_evaluation::decide))
    .route("/objectives/{id}/evaluation/members/{user}/release", web::post().to(handlers::api_evaluation::release_seat))
    .service(
        web::resource("/objectives/{id}/evaluation/proposals/{proposal}")
            .get(handlers::api_evaluation::proposal)
            .put(handlers::api_evaluation::score),
    )
    .route(
        "/objectives/{id}/evaluation/proposals/{proposal}/reopen/{user}",
        web::post().to(handlers::api_evaluation::reopen),
    )
    .service(
        web::resource("/objectives/{id}/results")
            .get(handlers::api_evaluation::results)
            .post(handlers::api_evaluation::publish),
    );
}
