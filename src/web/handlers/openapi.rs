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
    modifiers(&BearerAuth, &CommonAnswers, &NaiveTimes),
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

/// The parameters and answers that shared machinery gives every operation, added where an
/// operation's own annotations leave them out (found by fuzzing the document, docs/RELIABILITY.md):
/// - each `{name}` of the path is a parameter, an integer id (every path parameter of the API is one);
/// - with parameters or a body, 400: a parameter or a body that does not parse (`invalid_json`,
///   `invalid_field`);
/// - with a path parameter, 404: no such thing, or an id that is not an integer;
/// - 401 for a bearer token that is not valid (unknown, revoked or expired: refused on every
///   operation, open data too), and without a token on an operation that needs one;
/// - with the bearer scheme, 403 for a role the rules refuse.
///
/// Every such answer has the JSON error body.
struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};

        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let names: Vec<&str> =
                path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                let parameters = operation.parameters.get_or_insert_with(Vec::new);
                for name in &names {
                    if !parameters.iter().any(|p| p.name == *name && p.parameter_in == ParameterIn::Path) {
                        let id = ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)));
                        parameters.push(
                            ParameterBuilder::new()
                                .name(*name)
                                .parameter_in(ParameterIn::Path)
                                .required(Required::True)
                                .schema(Some(id))
                                .build(),
                        );
                    }
                }
                let takes_input = !parameters.is_empty() || operation.request_body.is_some();
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let answers = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    answers.entry(status.to_owned()).or_insert_with(|| error(description).into());
                };
                if takes_input {
                    add("400", "A parameter or the body does not parse");
                }
                if !names.is_empty() {
                    add("404", "Not found, or an id that is not an integer");
                }
                add("401", "No valid token");
                if secured {
                    add("403", "Not allowed to this role");
                }
            }
        }
    }
}

/// Times are written as chrono writes a `NaiveDateTime`, in UTC without an offset
/// (`2026-12-07T16:40:07.631086`), which is not an RFC 3339 `date-time` (it needs the offset): the
/// generated `format: date-time` is replaced by the pattern the values follow (found by fuzzing).
struct NaiveTimes;

/// A time as the API writes it: UTC, seconds and an optional fraction, no offset (one is accepted).
const NAIVE_TIME_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$";

impl NaiveTimes {
    fn fix(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::Schema>) {
        use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, KnownFormat, SchemaFormat};
        use utoipa::openapi::{RefOr, Schema};
        let RefOr::T(schema) = schema else { return };
        match schema {
            Schema::Object(object) => {
                if object.format == Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)) {
                    object.format = None;
                    object.pattern = Some(NAIVE_TIME_PATTERN.to_owned());
                    let note = "UTC, without an offset";
                    object.description =
                        Some(object.description.take().map_or_else(|| note.to_owned(), |d| format!("{d} ({note})")));
                }
                object.properties.values_mut().for_each(Self::fix);
                if let Some(extra) = object.additional_properties.as_deref_mut()
                    && let AdditionalProperties::RefOr(extra) = extra
                {
                    Self::fix(extra);
                }
            }
            Schema::Array(array) => {
                if let ArrayItems::RefOrSchema(items) = &mut array.items {
                    Self::fix(items);
                }
            }
            Schema::OneOf(one) => one.items.iter_mut().for_each(Self::fix),
            Schema::AllOf(all) => all.items.iter_mut().for_each(Self::fix),
            Schema::AnyOf(any) => any.items.iter_mut().for_each(Self::fix),
            _ => {}
        }
    }
}

impl utoipa::Modify for NaiveTimes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.schemas.values_mut().for_each(Self::fix);
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    parameter.schema.iter_mut().for_each(Self::fix);
                }
                for content in operation.request_body.iter_mut().flat_map(|b| b.content.values_mut()) {
                    content.schema.iter_mut().for_each(Self::fix);
                }
                for response in operation.responses.responses.values_mut() {
                    if let utoipa::openapi::RefOr::T(response) = response {
                        response.content.values_mut().for_each(|c| c.schema.iter_mut().for_each(Self::fix));
                    }
                }
            }
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
