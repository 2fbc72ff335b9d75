//! `GET /api/v1/openapi.json`: the OpenAPI 3 description, generated from the handlers.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use crate::web::error::{ErrorBody, ErrorDetail};
use crate::web::handlers::health::{self, Health};
use crate::web::handlers::{
    api, api_award, api_consultation, api_evaluation, api_manage, api_network, api_objectives, api_proposals,
    change_support, dashboard, indicators, open_data, receipts,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Achat Ouvert",
        description = "Open data and programmatic access to the Region's open purchasing platform. \
                       Errors under /api/ are JSON: {\"error\":{\"code\":\"…\",\"message\":\"…\"}}."
    ),
    paths(
        health::health, openapi,
        api::me, api::update_me, api::list_tokens, api::create_token, api::revoke_token, api::export_me, api::erase_me,
        api::my_organisation, api::invite_member, api::remove_member, api::transfer_ownership,
        api::list_users, api::invite_staff, api::set_roles, api::set_disabled, api::audit,
        open_data::list, open_data::detail, open_data::ocds_one, open_data::ocds_all,
        api_proposals::list, api_proposals::create, api_proposals::show, api_proposals::update,
        api_proposals::upload, api_proposals::download, api_proposals::remove_attachment, api_proposals::add_member,
        api_proposals::remove_member, api_proposals::answer, api_proposals::deposit, api_proposals::withdraw,
        api_proposals::reconfirm, api_proposals::receipt, api_proposals::received, api_proposals::open,
        api_proposals::opened, receipts::verify_api,
        api_evaluation::committee_get, api_evaluation::committee_appoint, api_evaluation::committee_remove, api_evaluation::committee_lift_conflict,
        api_evaluation::settings, api_evaluation::workspace, api_evaluation::declare, api_evaluation::proposal,
        api_evaluation::score, api_evaluation::reopen, api_evaluation::ranking, api_evaluation::consensus,
        api_evaluation::shortlist, api_evaluation::decide, api_evaluation::release_seat, api_evaluation::publish, api_evaluation::results,
        api_evaluation::report_csv, api_evaluation::scores_csv,
        api_network::directory, api_network::profile, api_network::catalogue, api_network::export,
        api_network::practice_list, api_network::practice,
        api_award::award, api_award::letters, api_award::letter, api_award::contract, api_award::sign,
        api_award::award_create, api_award::not_awarded, api_award::challenge, api_award::challenge_outcome,
        api_award::stage, api_award::modify, api_award::set_indicator, api_award::validate_report,
        api_award::send_back_report, api_award::invite_user,
        open_data::decp_one, open_data::decp_all,
        indicators::api,
        change_support::api_plan, change_support::api_add_action, change_support::api_deliver, change_support::api_withdraw,
        change_support::api_edit_action, change_support::api_cancel_action,
        dashboard::api,
        api_consultation::show, api_consultation::contribution, api_consultation::contribute,
        api_consultation::register, api_consultation::cancel, api_consultation::synthesis, api_consultation::open_call,
        api_objectives::create, api_objectives::update, api_objectives::publish, api_objectives::cancel,
        api_objectives::delete, api_objectives::upload, api_objectives::remove_document, api_objectives::answer,
        api_objectives::publish_answer,
        api_consultation::create, api_consultation::add_meeting, api_consultation::minutes,
        api_manage::review, api_manage::feature, api_manage::create_criterion, api_manage::update_criterion,
        api_manage::remove_criterion, api_manage::restore_criterion, api_manage::create_credential,
        api_manage::retire_credential, api_manage::restore_credential, api_manage::resolve_report,
        api_manage::lift_suspension,
    ),
    components(schemas(Health, ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags(
        (name = "operations", description = "Service health and this description"),
        (name = "accounts", description = "One's own account and API tokens; one's own data, exported and erased"),
        (name = "organisations", description = "Supplier organisations, members and invitations"),
        (name = "administration", description = "Users, roles and the audit log; the criteria and credentials catalogues; the moderation of messages (administrators)"),
        (name = "proposals", description = "Suppliers' proposals: drafts, attachments (multipart), consortia, sealed deposits and their receipts; the public receipt check; agents' opening after the deadline"),
        (name = "evaluation", description = "Committees, conflict declarations, scores, consensus, ranking with its sensitivity, shortlist, decision, and published results"),
        (name = "network", description = "The directory of suppliers that chose to appear: profiles, commitments, credentials (with expiry) and results; the credentials catalogue; published good practices (open data, no authentication); the agents' review and featuring of practices"),
        (name = "award", description = "After the shortlist: an objective's award or declaration of no award (public), the organisation's letters (its members; reading one records the acknowledgement of receipt), the signed contract and its modifications, and the contracts' DECP 2.0.3 essential data (open data)"),
        (name = "consultation", description = "Market consultation before a call (R2111-1): the need as drafted, the questions, public contributions (confidential ones only for agents and their authors' organisation), meetings with a waiting list, minutes, the synthesis and the opening of the call"),
        (name = "objectives", description = "Published objectives, their Q&A and amendments, and OCDS 1.1 release packages (open data, no authentication); the agents' drafting, publication, amendment, cancellation and deletion, supporting documents (multipart) and answers (bearer token)"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme: personal API tokens.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
