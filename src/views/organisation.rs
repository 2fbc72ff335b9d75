//! The supplier organisation page: its details, its members, invitations (owner only).

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::account::paris;
use super::forms::{Errors, Input, error_summary, field};
use super::layout::{Ctx, csrf_field, page};
use crate::domain::accounts::Invitation;
use crate::domain::organisations::Organisation;
use crate::domain::users::User;

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub owner: bool,
    pub verified: bool,
}

pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    pub expires_at: NaiveDateTime,
}

/// The organisation's members, its owner marked.
pub fn member_rows(org: &Organisation, members: &[User]) -> Vec<MemberRow> {
    members
        .iter()
        .map(|m| MemberRow {
            id: m.id.0,
            name: m.display_name.clone(),
            email: m.email.clone(),
            owner: org.owner_user_id == Some(m.id),
            verified: m.is_verified(),
        })
        .collect()
}

pub fn invitation_rows(invitations: &[Invitation]) -> Vec<InvitationRow> {
    invitations.iter().map(|i| InvitationRow { id: i.id.0, email: i.email.clone(), expires_at: i.expires_at }).collect()
}

pub struct OrganisationView<'a> {
    pub legal_name: &'a str,
    pub identifier_type: &'a str,
    pub identifier: &'a str,
    pub address: &'a str,
    pub postcode: &'a str,
    pub country: &'a str,
    pub size: &'a str,
    pub social_economy: bool,
    pub sectors: Vec<String>,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
    /// Whether the viewer owns the organisation (and may manage it).
    pub can_manage: bool,
    pub notice: Option<String>,
}

pub fn organisation(ctx: &Ctx, v: &OrganisationView<'_>, errors: &Errors, invite_email: &str) -> Markup {
    page(
        ctx,
        v.legal_name,
        html! {
            h1 { (v.legal_name) }
            @if let Some(notice) = &v.notice { div.alert.alert-ok role="status" { p { (notice) } } }
            dl.facts {
                dt { (ctx.t(&format!("identifier-type-{}", v.identifier_type))) } dd { (v.identifier) }
                dt { (ctx.t("field-address")) } dd { (v.address) ", " (v.postcode) " " (v.country) }
                dt { (ctx.t("field-size")) } dd { (ctx.t(&format!("size-{}", v.size))) }
                dt { (ctx.t("field-social-economy")) } dd { @if v.social_economy { (ctx.t("yes")) } @else { (ctx.t("no")) } }
                @if !v.sectors.is_empty() { dt { (ctx.t("field-sectors")) } dd { (v.sectors.join(", ")) } }
            }
            p { a href="/organisation/letters" { (ctx.t("letters-title")) } }
            h2 { (ctx.t("org-members")) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t("field-name")) }
                    th scope="col" { (ctx.t("field-email")) }
                    th scope="col" { (ctx.t("org-role")) }
                    @if v.can_manage { th scope="col" { span.visually-hidden { (ctx.t("actions")) } } }
                } }
                tbody {
                    @for m in &v.members {
                        tr {
                            td { (m.name) }
                            td { (m.email) @if !m.verified { " " span.badge { (ctx.t("org-unverified")) } } }
                            td { @if m.owner { span.badge.badge-strong { (ctx.t("org-owner")) } } @else { (ctx.t("org-member")) } }
                            @if v.can_manage {
                                td.actions {
                                    @if !m.owner {
                                        form.inline-form method="post" action=(format!("/organisation/members/{}/remove", m.id)) {
                                            (csrf_field(ctx))
                                            button.button type="submit" { (ctx.t("org-remove")) }
                                        }
                                        @if m.verified {
                                            form.inline-form method="post" action="/organisation/owner" {
                                                (csrf_field(ctx))
                                                input type="hidden" name="member_id" value=(m.id);
                                                button.button type="submit" { (ctx.t("org-make-owner")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if v.can_manage {
                h2 { (ctx.t("org-invitations")) }
                @if v.invitations.is_empty() {
                    p.empty { (ctx.t("org-no-invitations")) }
                } @else {
                    ul.plain-list {
                        @for inv in &v.invitations {
                            li {
                                (inv.email) " — " (ctx.t("org-invitation-until")) " " (paris(ctx.lang, inv.expires_at)) " "
                                form.inline-form method="post" action=(format!("/organisation/invitations/{}/revoke", inv.id)) {
                                    (csrf_field(ctx))
                                    button.button type="submit" { (ctx.t("org-revoke")) }
                                }
                            }
                        }
                    }
                }
                h3 { (ctx.t("org-invite")) }
                (error_summary(ctx, errors))
                form.form method="post" action="/organisation/invitations" novalidate {
                    (csrf_field(ctx))
                    (field("email", &ctx.t("field-email"), invite_email, errors, Input::EMAIL))
                    button.button.button-primary type="submit" { (ctx.t("org-invite-submit")) }
                }
            }
        },
    )
}
