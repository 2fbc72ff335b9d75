//! Sustainability credentials: the catalogue administrators keep (retired, never deleted, so
//! what organisations hold keeps its name), and the credentials organisations hold, each with an
//! optional expiry date and evidence document. An expired credential stays on the profile,
//! marked expired, and no longer counts in the directory's filter.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{Acting, profiles};
use crate::db::ids::{CredentialId, HeldCredentialId, OrganisationId, UserId};
use crate::db::schema::{credentials, organisation_credentials};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::i18n::Lang;
use crate::uploads::{FileKind, StoredFile};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = credentials)]
pub struct Credential {
    pub id: CredentialId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub retired_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Credential {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.name_fr,
            Lang::En => &self.name_en,
        }
    }
    pub fn description(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.description_fr,
            Lang::En => &self.description_en,
        }
    }
}

/// The catalogue, by French name; retired entries only when asked.
pub fn catalogue(conn: &mut DbConnection, include_retired: bool) -> QueryResult<Vec<Credential>> {
    let mut q = credentials::table.select(Credential::as_select()).into_boxed();
    if !include_retired {
        q = q.filter(credentials::retired_at.is_null());
    }
    let mut list: Vec<Credential> = q.load(conn)?;
    // Sorted here, not by the database: both backends order names alike.
    list.sort_by_cached_key(|c| (crate::domain::search::sort_key(&c.name_fr), c.id));
    Ok(list)
}

/// A catalogue entry as an administrator types it.
#[derive(Debug, Clone, Default)]
pub struct CredentialEdit {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
}

impl CredentialEdit {
    /// The problems, as (field, message key); empty when valid.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut p = Vec::new();
        let code_ok = (2..=40).contains(&self.code.len())
            && self.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !code_ok {
            p.push(("code", "credential-error-code"));
        }
        for (field, value) in [("name_fr", &self.name_fr), ("name_en", &self.name_en)] {
            if value.trim().is_empty() || value.chars().count() > 120 {
                p.push((field, "credential-error-name"));
            }
        }
        for (field, value) in [("description_fr", &self.description_fr), ("description_en", &self.description_en)] {
            if value.chars().count() > 1000 {
                p.push((field, "credential-error-description"));
            }
        }
        p
    }
}

/// Adds an entry to the catalogue, with its audit entry; `None` when its code is taken.
pub fn create(
    conn: &mut DbConnection,
    edit: &CredentialEdit,
    by: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<Option<CredentialId>> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        let taken: i64 = credentials::table.filter(credentials::code.eq(&edit.code)).count().get_result(conn)?;
        if taken > 0 {
            return Ok(None);
        }
        let id: CredentialId = diesel::insert_into(credentials::table)
            .values((
                credentials::code.eq(&edit.code),
                credentials::name_fr.eq(edit.name_fr.trim()),
                credentials::name_en.eq(edit.name_en.trim()),
                credentials::description_fr.eq(edit.description_fr.trim()),
                credentials::description_en.eq(edit.description_en.trim()),
                credentials::created_at.eq(now),
            ))
            .returning(credentials::id)
            .get_result(conn)?;
        let details = serde_json::json!({ "code": edit.code });
        audit::record(conn, by, Event::CredentialCreated, Subject::Credential(id), details, now)?;
        Ok(Some(id))
    })
}

/// Retires or restores an entry, with its audit entry; false when it does not exist.
pub fn set_retired(
    conn: &mut DbConnection,
    id: CredentialId,
    retired: bool,
    by: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        let n = diesel::update(credentials::table.find(id))
            .set(credentials::retired_at.eq(retired.then_some(now)))
            .execute(conn)?;
        if n != 1 {
            return Ok(false);
        }
        let event = if retired { Event::CredentialRetired } else { Event::CredentialRestored };
        audit::record(conn, by, event, Subject::Credential(id), serde_json::json!({}), now)?;
        Ok(true)
    })
}

/// How many organisations hold each catalogue entry (expired or not).
pub fn holder_counts(conn: &mut DbConnection) -> QueryResult<std::collections::HashMap<CredentialId, i64>> {
    let ids: Vec<CredentialId> =
        organisation_credentials::table.select(organisation_credentials::credential_id).load(conn)?;
    let mut counts = std::collections::HashMap::new();
    for id in ids {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// A credential an organisation holds.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = organisation_credentials)]
pub struct Held {
    pub id: HeldCredentialId,
    pub organisation_id: OrganisationId,
    pub credential_id: CredentialId,
    pub expires_on: Option<NaiveDate>,
    pub evidence_key: Option<String>,
    pub evidence_name: Option<String>,
    pub evidence_type: Option<String>,
    pub evidence_size: Option<i64>,
    pub added_by: UserId,
    pub added_at: NaiveDateTime,
}

impl Held {
    /// Expired once its expiry day (region time) is over.
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.expires_on.is_some_and(|d| d < today)
    }
}

/// The credentials some organisations hold, with their catalogue entries, by name.
pub fn held_by(conn: &mut DbConnection, orgs: &[OrganisationId]) -> QueryResult<Vec<(Held, Credential)>> {
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut list: Vec<(Held, Credential)> = organisation_credentials::table
        .inner_join(credentials::table)
        .filter(organisation_credentials::organisation_id.eq_any(orgs))
        .select((Held::as_select(), Credential::as_select()))
        .load(conn)?;
    list.sort_by_cached_key(|(h, c)| (crate::domain::search::sort_key(&c.name_fr), h.id));
    Ok(list)
}

/// Evidence documents are PDF or images, at most this size.
pub const EVIDENCE_MAX_BYTES: u64 = 5 * 1024 * 1024;

pub fn evidence_kind_allowed(kind: FileKind) -> bool {
    matches!(kind, FileKind::Pdf | FileKind::Png | FileKind::Jpeg)
}

/// A credential to add, parsed from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHeld {
    pub credential: CredentialId,
    pub expires_on: Option<NaiveDate>,
}

/// Parses the chosen credential (it must be in the catalogue, not retired) and the optional
/// expiry date (not already past). Problems as (field, message key).
pub fn parse_new(
    credential: &str,
    expires_on: &str,
    catalogue: &[Credential],
    today: NaiveDate,
) -> Result<NewHeld, Vec<(&'static str, &'static str)>> {
    let mut problems = Vec::new();
    let chosen = credential
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| catalogue.iter().find(|c| c.id.0 == id && c.retired_at.is_none()));
    if chosen.is_none() {
        problems.push(("credential", "credential-error-unknown"));
    }
    let expires = match expires_on.trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) if d < today => {
                problems.push(("expires_on", "credential-error-past"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(("expires_on", "credential-error-date"));
                None
            }
        },
    };
    match chosen {
        Some(c) if problems.is_empty() => Ok(NewHeld { credential: c.id, expires_on: expires }),
        _ => Err(problems),
    }
}

/// Records a held credential with its evidence; `None` when the organisation already holds it.
pub fn add(
    conn: &mut DbConnection,
    org: OrganisationId,
    new: &NewHeld,
    evidence: Option<&StoredFile>,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<Option<HeldCredentialId>> {
    let already: i64 = organisation_credentials::table
        .filter(organisation_credentials::organisation_id.eq(org))
        .filter(organisation_credentials::credential_id.eq(new.credential))
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(None);
    }
    diesel::insert_into(organisation_credentials::table)
        .values((
            organisation_credentials::organisation_id.eq(org),
            organisation_credentials::credential_id.eq(new.credential),
            organisation_credentials::expires_on.eq(new.expires_on),
            organisation_credentials::evidence_key.eq(evidence.map(|f| f.storage_key.clone())),
            organisation_credentials::evidence_name.eq(evidence.map(|f| f.original_name.clone())),
            organisation_credentials::evidence_type.eq(evidence.map(|f| f.kind.content_type())),
            organisation_credentials::evidence_size.eq(evidence.map(|f| f.size as i64)),
            organisation_credentials::added_by.eq(by),
            organisation_credentials::added_at.eq(now),
        ))
        .returning(organisation_credentials::id)
        .get_result(conn)
        .map(Some)
}

/// Why a credential was not added: (field, message key) pairs.
pub type Refusals = Vec<(&'static str, &'static str)>;

/// A credential to add as the form gives it, and its evidence file (already stored).
#[derive(Debug, Clone, Copy)]
pub struct AddHeld<'a> {
    pub credential: &'a str,
    pub expires_on: &'a str,
    pub evidence: Option<&'a StoredFile>,
}

/// Adds a credential to an organisation's profile (creating the profile, unlisted, if need be),
/// with its audit entry. Refused, with nothing written, when the choice or the date is not valid
/// or the organisation already holds it; the evidence file is then the caller's to discard.
pub fn add_held(
    conn: &mut DbConnection,
    org: OrganisationId,
    form: &AddHeld<'_>,
    by: Acting<'_>,
    now: NaiveDateTime,
) -> QueryResult<Result<HeldCredentialId, Refusals>> {
    let today = super::today(now);
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        let catalogue = catalogue(conn, false)?;
        let new = match parse_new(form.credential, form.expires_on, &catalogue, today) {
            Ok(n) => n,
            Err(problems) => return Ok(Err(problems)),
        };
        let Some(id) = add(conn, org, &new, form.evidence, by.user, now)? else {
            return Ok(Err(vec![("credential", "credential-error-held")]));
        };
        profiles::ensure(conn, org, by.user, now)?;
        profiles::reindex(conn, org)?;
        let details = serde_json::json!({ "held": id.0, "credential": new.credential.0, "expires_on": new.expires_on,
            "evidence": form.evidence.map(|f| &f.sha256) });
        audit::record(conn, by.actor, Event::ProfileCredentialAdded, Subject::Organisation(org), details, now)?;
        Ok(Ok(id))
    })
}

/// Removes one of an organisation's credentials, with its audit entry; returns it (its evidence
/// file is the caller's to delete once this committed), or `None` if the organisation holds no
/// such row.
pub fn remove(
    conn: &mut DbConnection,
    org: OrganisationId,
    id: HeldCredentialId,
    by: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<Option<Held>> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        let Some(held) = find_held(conn, org, id)? else { return Ok(None) };
        diesel::delete(organisation_credentials::table.find(id)).execute(conn)?;
        profiles::reindex(conn, org)?;
        let details = serde_json::json!({ "held": id.0 });
        audit::record(conn, by, Event::ProfileCredentialRemoved, Subject::Organisation(org), details, now)?;
        Ok(Some(held))
    })
}

/// One held credential, if it belongs to the organisation.
pub fn find_held(conn: &mut DbConnection, org: OrganisationId, id: HeldCredentialId) -> QueryResult<Option<Held>> {
    organisation_credentials::table
        .find(id)
        .filter(organisation_credentials::organisation_id.eq(org))
        .select(Held::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, retired: bool) -> Credential {
        let at = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        Credential {
            id: CredentialId(id),
            code: format!("c{id}"),
            name_fr: "N".into(),
            name_en: "N".into(),
            description_fr: String::new(),
            description_en: String::new(),
            retired_at: retired.then_some(at),
            created_at: at,
        }
    }

    #[test]
    fn only_catalogue_entries_and_future_dates_are_accepted() {
        let catalogue = [entry(1, false), entry(2, true)];
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(
            parse_new("1", "2027-03-01", &catalogue, today),
            Ok(NewHeld { credential: CredentialId(1), expires_on: NaiveDate::from_ymd_opt(2027, 3, 1) })
        );
        assert_eq!(parse_new("1", "", &catalogue, today).unwrap().expires_on, None);
        assert_eq!(
            parse_new("1", "2026-11-29", &catalogue, today).unwrap().expires_on,
            Some(today),
            "today still counts"
        );
        assert_eq!(
            parse_new("2", "", &catalogue, today),
            Err(vec![("credential", "credential-error-unknown")]),
            "retired"
        );
        assert_eq!(parse_new("9", "", &catalogue, today), Err(vec![("credential", "credential-error-unknown")]));
        assert_eq!(parse_new("1", "2026-11-28", &catalogue, today), Err(vec![("expires_on", "credential-error-past")]));
        assert_eq!(parse_new("1", "29/11/2027", &catalogue, today), Err(vec![("expires_on", "credential-error-date")]));
    }

    #[test]
    fn a_credential_expires_after_its_last_day() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let at = day.and_hms_opt(0, 0, 0).unwrap();
        let held = Held {
            id: HeldCredentialId(1),
            organisation_id: OrganisationId(1),
            credential_id: CredentialId(1),
            expires_on: Some(day),
            evidence_key: None,
            evidence_name: None,
            evidence_type: None,
            evidence_size: None,
            added_by: UserId(1),
            added_at: at,
        };
        assert!(!held.expired(day));
        assert!(held.expired(day.succ_opt().unwrap()));
        assert!(!Held { expires_on: None, ..held }.expired(day));
    }
}
