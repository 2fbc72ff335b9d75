//! Consortia: the lead organisation adds registered organisations (found by their legal
//! identifier) with a role; each member's owner confirms in the platform. A proposal with an
//! unconfirmed member cannot be deposited.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{ProposalError, accepts_proposals, load, record};
use crate::db::ids::{OrganisationId, ProposalId, UserId};
use crate::db::schema::{consortium_members, organisations, proposals, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::Event;
use crate::domain::organisations::LegalIdentifier;
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

pub const ROLE_MAX: usize = 200;

/// Conjoint (each member answers for its own part) or solidaire (each answers for the whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Conjoint,
    Solidaire,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Conjoint, Kind::Solidaire];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Conjoint => "conjoint",
            Kind::Solidaire => "solidaire",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub fn members(conn: &mut DbConnection, id: ProposalId) -> QueryResult<Vec<super::Member>> {
    type Row = (OrganisationId, String, String, String, String, Option<NaiveDateTime>, i32);
    let rows: Vec<Row> = consortium_members::table
        .inner_join(organisations::table)
        .filter(consortium_members::proposal_id.eq(id))
        .order(consortium_members::invited_at.asc())
        .select((
            consortium_members::organisation_id,
            organisations::legal_name,
            organisations::identifier_type,
            organisations::identifier,
            consortium_members::role,
            consortium_members::confirmed_at,
            consortium_members::terms_version,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(organisation_id, legal_name, identifier_type, identifier, role, confirmed_at, terms_version)| {
            super::Member {
                organisation_id,
                legal_name,
                identifier_type,
                identifier,
                role,
                confirmed_at,
                terms_version,
            }
        })
        .collect())
}

/// Who is told about an invitation: the owner of the invited organisation.
fn owner_address(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<Option<(String, String)>> {
    organisations::table
        .inner_join(users::table.on(users::id.nullable().eq(organisations::owner_user_id)))
        .filter(organisations::id.eq(org))
        .filter(users::disabled_at.is_null())
        .select((users::email, users::locale))
        .first(conn)
        .optional()
}

/// Adds (or updates the role of) a member organisation and sets the consortium type.
#[allow(clippy::too_many_arguments)]
pub fn add_member(
    conn: &mut DbConnection,
    id: ProposalId,
    identifier: &LegalIdentifier,
    role: &str,
    kind: Kind,
    by: UserId,
    link: &str,
    now: NaiveDateTime,
) -> Result<OrganisationId, ProposalError> {
    let role = role.trim();
    if role.is_empty() || role.chars().count() > ROLE_MAX {
        return Err(ProposalError::InvalidMember);
    }
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(id))?;
        let full = load(conn, id)?.ok_or(ProposalError::NotFound)?;
        if !accepts_proposals(&full.objective, now) {
            return Err(ProposalError::Closed);
        }
        let org: OrganisationId = organisations::table
            .filter(organisations::identifier_type.eq(identifier.kind.as_str()))
            .filter(organisations::identifier.eq(&identifier.value))
            .select(organisations::id)
            .first(conn)
            .optional()?
            .ok_or(ProposalError::UnknownOrganisation)?;
        if org == full.proposal.organisation_id {
            return Err(ProposalError::InvalidMember);
        }
        diesel::update(proposals::table.find(id))
            .set((proposals::consortium_type.eq(Some(kind.as_str())), proposals::updated_at.eq(now)))
            .execute(conn)?;
        let kind_changed = full.proposal.consortium_type.as_deref().is_some_and(|k| k != kind.as_str());
        if kind_changed {
            // Another kind of consortium commits every member differently: all confirm again.
            diesel::update(consortium_members::table.filter(consortium_members::proposal_id.eq(id)))
                .set((
                    consortium_members::confirmed_at.eq(None::<NaiveDateTime>),
                    consortium_members::confirmed_by.eq(None::<UserId>),
                    consortium_members::terms_version.eq(consortium_members::terms_version + 1),
                ))
                .execute(conn)?;
        }
        if let Some(existing) = full.members.iter().find(|m| m.organisation_id == org) {
            if existing.role == role && !kind_changed {
                return Ok(org);
            }
            // A new role must be confirmed again.
            diesel::update(consortium_members::table.find((id, org)))
                .set((
                    consortium_members::role.eq(role),
                    consortium_members::confirmed_at.eq(None::<NaiveDateTime>),
                    consortium_members::confirmed_by.eq(None::<UserId>),
                    consortium_members::terms_version.eq(consortium_members::terms_version + 1),
                ))
                .execute(conn)?;
        } else {
            diesel::insert_into(consortium_members::table)
                .values((
                    consortium_members::proposal_id.eq(id),
                    consortium_members::organisation_id.eq(org),
                    consortium_members::role.eq(role),
                    consortium_members::invited_by.eq(by),
                    consortium_members::invited_at.eq(now),
                ))
                .execute(conn)?;
        }
        record(conn, by, Event::ConsortiumMemberInvited, id, serde_json::json!({ "organisation": org.0 }), now)?;
        if let Some((email, locale)) = owner_address(conn, org)? {
            let lang = Lang::from_code(&locale).unwrap_or_default();
            let mail = templates::consortium_invitation(lang, &email, &full.lead_name, &full.objective.title, link);
            outbox::enqueue(conn, &mail, now)?;
        }
        Ok(org)
    })
}

pub fn remove_member(
    conn: &mut DbConnection,
    id: ProposalId,
    org: OrganisationId,
    by: UserId,
    now: NaiveDateTime,
) -> Result<(), ProposalError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(id))?;
        let full = load(conn, id)?.ok_or(ProposalError::NotFound)?;
        if !accepts_proposals(&full.objective, now) {
            return Err(ProposalError::Closed);
        }
        let n = diesel::delete(consortium_members::table.find((id, org))).execute(conn)?;
        if n == 0 {
            return Err(ProposalError::NotFound);
        }
        if full.members.len() == 1 {
            diesel::update(proposals::table.find(id))
                .set(proposals::consortium_type.eq(None::<String>))
                .execute(conn)?;
        }
        record(conn, by, Event::ConsortiumMemberRemoved, id, serde_json::json!({ "organisation": org.0 }), now)?;
        Ok(())
    })
}

/// The member organisation's owner answers the invitation: confirm, or decline (which removes
/// the organisation from the consortium). A confirmation names the version of the terms (role,
/// kind of consortium) it confirms; if they changed since, it is refused.
pub fn answer(
    conn: &mut DbConnection,
    id: ProposalId,
    org: OrganisationId,
    confirm: Option<i32>,
    by: UserId,
    now: NaiveDateTime,
) -> Result<(), ProposalError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(id))?;
        let full = load(conn, id)?.ok_or(ProposalError::NotFound)?;
        let Some(member) = full.members.iter().find(|m| m.organisation_id == org) else {
            return Err(ProposalError::NotFound);
        };
        if !accepts_proposals(&full.objective, now) {
            return Err(ProposalError::Closed);
        }
        if confirm.is_some_and(|v| v != member.terms_version) {
            return Err(ProposalError::TermsChanged);
        }
        if confirm.is_some() {
            diesel::update(consortium_members::table.find((id, org)))
                .set((consortium_members::confirmed_at.eq(Some(now)), consortium_members::confirmed_by.eq(Some(by))))
                .execute(conn)?;
            record(conn, by, Event::ConsortiumMemberConfirmed, id, serde_json::json!({ "organisation": org.0 }), now)?;
        } else {
            diesel::delete(consortium_members::table.find((id, org))).execute(conn)?;
            record(conn, by, Event::ConsortiumMemberDeclined, id, serde_json::json!({ "organisation": org.0 }), now)?;
        }
        Ok(())
    })
}
