//! Account operations that span users, organisations, sessions, mail and the audit log. Each runs
//! in one write transaction: the change, its audit entry and its mails commit together or not at
//! all.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::ids::{InvitationId, OrganisationId, UserId};
use crate::db::schema::{self, invitations};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::email::Email;
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::domain::organisations::{self, NewOrganisation, Organisation};
use crate::domain::secret_token;
use crate::domain::sessions;
use crate::domain::signed_link::{self, LinkError, Purpose};
use crate::domain::users::{self, Role, User, UserInsertForm};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

/// Validity of the links the platform mails.
pub const VERIFY_LINK_HOURS: i64 = 24;
pub const RESET_LINK_HOURS: i64 = 1;
pub const STAFF_LINK_HOURS: i64 = 72;
pub const INVITATION_DAYS: i64 = 7;

/// What links are built from: the signing key and the public address.
#[derive(Clone, Copy)]
pub struct Links<'a> {
    pub secret: &'a [u8],
    pub public_url: &'a url::Url,
}

impl Links<'_> {
    pub fn url(&self, path: &str, token: Option<&str>) -> String {
        let mut url = self.public_url.join(path.trim_start_matches('/')).unwrap_or_else(|_| self.public_url.clone());
        if let Some(token) = token {
            url.query_pairs_mut().append_pair("token", token);
        }
        url.to_string()
    }

    pub(crate) fn signed(
        &self,
        purpose: Purpose,
        user: &User,
        hours: i64,
        now: DateTime<Utc>,
    ) -> Result<String, LinkError> {
        let state = match purpose {
            Purpose::SetPassword => signed_link::password_state(user.password_hash.as_deref()),
            Purpose::VerifyEmail => signed_link::email_state(&user.email, user.is_verified()),
        };
        signed_link::issue(self.secret, purpose, user.id, now + chrono::Duration::hours(hours), &state)
    }
}

/// Failures of account operations that are not plain database errors.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("this organisation identifier is already registered")]
    IdentifierTaken,
    #[error("this address already has an account")]
    EmailTaken,
    #[error("the link is not valid")]
    Link(LinkError),
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A link that is not valid is answered like a page that does not exist.
impl Refusal for AccountError {
    fn kind(&self) -> Kind {
        match self {
            AccountError::IdentifierTaken | AccountError::EmailTaken | AccountError::Refused(_) => Kind::Conflict,
            AccountError::Link(_) => Kind::NotFound,
            AccountError::Db(e) => kind_of(e),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            AccountError::IdentifierTaken => "identifier_taken",
            AccountError::EmailTaken => "email_taken",
            AccountError::Refused(_) => "refused",
            AccountError::Link(_) => "not_found",
            AccountError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            AccountError::IdentifierTaken => Message::new("error-identifier-taken"),
            AccountError::EmailTaken => Message::new("error-email-has-account"),
            AccountError::Refused(reason) => match *reason {
                "last-admin" => Message::new("admin-refused-last-admin"),
                "self-disable" => Message::new("admin-refused-self-disable"),
                "supplier-staff" => Message::new("admin-refused-supplier-staff"),
                "remove-self" => Message::new("org-refused-remove-self"),
                "not-owner" => Message::new("org-refused-not-owner"),
                "not-a-member" => Message::new("org-refused-not-a-member"),
                "new-owner-unverified" => Message::new("org-refused-new-owner-unverified"),
                other => Message::plain(other.replace('-', " ")),
            },
            AccountError::Link(_) => Message::new("error-404-text"),
            AccountError::Db(e) => database_message(e),
        }
    }
}

fn user_actor(user: &User) -> AuditActor {
    AuditActor::User { id: user.id, email: user.email.clone() }
}

fn lang_of(user: &User) -> Lang {
    Lang::from_code(&user.locale).unwrap_or_default()
}

/// Everything a supplier registration needs, already valid.
pub struct Registration {
    pub organisation: NewOrganisation,
    pub name: String,
    pub email: Email,
    pub password_hash: String,
    pub lang: Lang,
}

/// Registrations with a known address are answered exactly like new ones; only the mail differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    New(UserId),
    AddressAlreadyKnown,
}

pub fn register(
    conn: &mut DbConnection,
    reg: &Registration,
    links: Links<'_>,
    now: DateTime<Utc>,
) -> Result<Registered, AccountError> {
    let naive = now.naive_utc();
    write_tx(conn, |conn| {
        // The identifier first: its answer must not depend on whether the address is known.
        if organisations::identifier_taken(conn, &reg.organisation.identifier)? {
            return Err(AccountError::IdentifierTaken);
        }
        if let Some(existing) = users::find_by_email(conn, &reg.email)? {
            let mail = templates::already_registered(lang_of(&existing), &existing.email, &links.url("/login", None));
            outbox::enqueue(conn, &mail, naive)?;
            audit::record(
                conn,
                &AuditActor::Anonymous(reg.email.to_string()),
                Event::RegisterKnownAddress,
                Subject::User(existing.id),
                serde_json::json!({}),
                now.naive_utc(),
            )?;
            return Ok(Registered::AddressAlreadyKnown);
        }
        let org_id = organisations::insert(conn, &reg.organisation, naive)?;
        let user = users::insert(
            conn,
            &UserInsertForm {
                email: reg.email.as_str(),
                display_name: &reg.name,
                password_hash: Some(&reg.password_hash),
                email_verified_at: None,
                organisation_id: Some(org_id),
                locale: reg.lang.code(),
                created_at: naive,
                updated_at: naive,
            },
        )?;
        organisations::set_owner(conn, org_id, user.id, naive)?;
        let token = links.signed(Purpose::VerifyEmail, &user, VERIFY_LINK_HOURS, now).map_err(AccountError::Link)?;
        let mail =
            templates::verify_email(reg.lang, &user.email, &user.display_name, &links.url("/verify", Some(&token)));
        outbox::enqueue(conn, &mail, naive)?;
        audit::record(
            conn,
            &user_actor(&user),
            Event::OrganisationRegistered,
            Subject::Organisation(org_id),
            serde_json::json!({
                "legal_name": reg.organisation.legal_name,
                "identifier_type": reg.organisation.identifier.kind.as_str(),
                "identifier": reg.organisation.identifier.value,
                "owner": user.email,
            }),
            now.naive_utc(),
        )?;
        Ok(Registered::New(user.id))
    })
}

/// Sends a new verification link to an unverified user.
pub fn resend_verification(
    conn: &mut DbConnection,
    user: &User,
    links: Links<'_>,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    if user.is_verified() {
        return Ok(());
    }
    let token = links.signed(Purpose::VerifyEmail, user, VERIFY_LINK_HOURS, now).map_err(AccountError::Link)?;
    let mail =
        templates::verify_email(lang_of(user), &user.email, &user.display_name, &links.url("/verify", Some(&token)));
    write_tx(conn, |conn| outbox::enqueue(conn, &mail, now.naive_utc()).map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    Now(User),
    Already,
}

/// Marks the address verified if the link is valid for its current state.
pub fn verify_email(
    conn: &mut DbConnection,
    token: &str,
    links: Links<'_>,
    now: DateTime<Utc>,
) -> Result<Verified, AccountError> {
    let claims = signed_link::peek(token).map_err(AccountError::Link)?;
    write_tx(conn, |conn| {
        let user = users::find(conn, claims.user_id)?.ok_or(AccountError::Link(LinkError::Invalid))?;
        if user.is_verified() {
            // The same link used twice: nothing to do, and nothing wrong.
            let was_for_this = signed_link::verify(
                links.secret,
                Purpose::VerifyEmail,
                token,
                now,
                &signed_link::email_state(&user.email, false),
            );
            return match was_for_this {
                Ok(_) | Err(LinkError::Expired) => Ok(Verified::Already),
                Err(e) => Err(AccountError::Link(e)),
            };
        }
        signed_link::verify(
            links.secret,
            Purpose::VerifyEmail,
            token,
            now,
            &signed_link::email_state(&user.email, false),
        )
        .map_err(AccountError::Link)?;
        diesel::update(schema::users::table.find(user.id))
            .set((
                schema::users::email_verified_at.eq(Some(now.naive_utc())),
                schema::users::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &user_actor(&user),
            Event::EmailVerified,
            Subject::User(user.id),
            serde_json::json!({}),
            now.naive_utc(),
        )?;
        Ok(Verified::Now(user))
    })
}

/// Records a sign-in attempt. Successful ones are audited with the user; failed ones with the
/// address typed, whether or not it exists.
pub fn record_sign_in(
    conn: &mut DbConnection,
    email: &str,
    user: Option<&User>,
    success: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    // What was typed is kept as typed, but bounded: the audit log is append-only, and a form may
    // carry up to the body limit. No address is longer than 254 characters.
    let typed: String = if email.chars().count() > 254 {
        email.chars().take(254).chain(std::iter::once('…')).collect()
    } else {
        email.to_owned()
    };
    write_tx(conn, |conn| {
        let (actor, subject) = match (user, success) {
            (Some(u), true) => (user_actor(u), Subject::User(u.id)),
            (Some(u), false) => (AuditActor::Anonymous(typed.clone()), Subject::User(u.id)),
            (None, _) => (AuditActor::Anonymous(typed.clone()), Subject::UnknownUser),
        };
        let event = if success { Event::SignIn } else { Event::SignInFailed };
        audit::record(conn, &actor, event, subject, serde_json::json!({}), now.naive_utc())
    })
}

/// A sign-in attempt, its password already checked (slowly, outside any transaction).
pub struct SignIn<'a> {
    /// The address as typed, lower-cased.
    pub email: &'a str,
    /// The account the address names, if any.
    pub known: Option<&'a User>,
    /// Whether the password matched that account's.
    pub password_ok: bool,
    pub user_agent: &'a str,
    /// The rate-limit bucket of the address typed: a success clears it.
    pub account_bucket: &'a str,
    /// The rate-limit bucket of the client's address: a failure counts in it.
    pub address_bucket: &'a str,
}

/// Signs in: opens a session for an enabled account whose password matched, and returns its
/// cookie value; the session, the audit entry and the cleared failures commit together.
/// Otherwise records the failure, counts it against the client's address, and returns `None`.
pub fn sign_in(
    conn: &mut DbConnection,
    attempt: &SignIn<'_>,
    lifetimes: sessions::Lifetimes,
    now: DateTime<Utc>,
) -> QueryResult<Option<String>> {
    match attempt.known.filter(|u| attempt.password_ok && !u.is_disabled()) {
        Some(user) => write_tx(conn, |conn| {
            record_sign_in(conn, attempt.email, Some(user), true, now)?;
            crate::domain::rate_limit::clear(conn, attempt.account_bucket)?;
            let (token, _) = sessions::create(conn, user.id, attempt.user_agent, lifetimes, now.naive_utc())?;
            Ok(Some(token))
        }),
        None => {
            record_sign_in(conn, attempt.email, attempt.known, false, now)?;
            let limit = crate::domain::rate_limit::LOGIN_FAILURES_PER_ADDRESS;
            // Counted here, enforced by the next attempt's check.
            let _ = crate::domain::rate_limit::hit(conn, attempt.address_bucket, limit, now.naive_utc())?;
            Ok(None)
        }
    }
}

/// Ends every session of the user, the current one included, with its audit entry; returns how
/// many ended.
pub fn sign_out_everywhere(conn: &mut DbConnection, user: &User, now: DateTime<Utc>) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        let ended = sessions::delete_all_for_user(conn, user.id, None)?;
        let details = serde_json::json!({ "sessions_ended": ended });
        audit::record(
            conn,
            &user_actor(user),
            Event::SignedOutEverywhere,
            Subject::User(user.id),
            details,
            now.naive_utc(),
        )?;
        Ok(ended)
    })
}

/// Starts a password reset: mails a one-hour link if the address belongs to an active account.
/// Says nothing about whether it does.
pub fn request_reset(
    conn: &mut DbConnection,
    email: &Email,
    links: Links<'_>,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    write_tx(conn, |conn| {
        let Some(user) = users::find_by_email(conn, email)?.filter(|u| !u.is_disabled()) else {
            return Ok(());
        };
        let token = links.signed(Purpose::SetPassword, &user, RESET_LINK_HOURS, now).map_err(AccountError::Link)?;
        let mail =
            templates::reset_password(lang_of(&user), &user.email, &links.url("/account/set-password", Some(&token)));
        outbox::enqueue(conn, &mail, now.naive_utc())?;
        audit::record(
            conn,
            &AuditActor::Anonymous(email.to_string()),
            Event::ResetRequested,
            Subject::User(user.id),
            serde_json::json!({}),
            now.naive_utc(),
        )?;
        Ok(())
    })
}

/// Stores a password set from a signed link: the link came by mail, so the address is verified
/// too; every session of the user ends.
pub fn set_password_from_link(
    conn: &mut DbConnection,
    user: &User,
    new_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, AccountError> {
    let expected = signed_link::password_state(user.password_hash.as_deref());
    write_tx(conn, |conn| {
        if !users::set_password_if_unchanged(conn, user.id, &expected, new_hash, now.naive_utc())? {
            return Ok(false);
        }
        if !user.is_verified() {
            diesel::update(schema::users::table.find(user.id))
                .set(schema::users::email_verified_at.eq(Some(now.naive_utc())))
                .execute(conn)?;
        }
        // A reset may follow a compromise: tokens made by whoever had the account go too.
        let revoked = diesel::update(
            schema::api_tokens::table
                .filter(schema::api_tokens::user_id.eq(user.id))
                .filter(schema::api_tokens::revoked_at.is_null()),
        )
        .set(schema::api_tokens::revoked_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
        let ended = after_password_change(conn, user, None, now)?;
        audit::record(
            conn,
            &user_actor(user),
            Event::PasswordSet,
            Subject::User(user.id),
            serde_json::json!({ "sessions_ended": ended, "tokens_revoked": revoked }),
            now.naive_utc(),
        )?;
        Ok(true)
    })
}

/// What every password change does besides storing the hash: end the user's sessions (but
/// `keep`) and tell them by mail. Returns how many sessions ended.
fn after_password_change(
    conn: &mut DbConnection,
    user: &User,
    keep: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let ended = sessions::delete_all_for_user(conn, user.id, keep)?;
    outbox::enqueue(conn, &templates::password_changed(lang_of(user), &user.email), now.naive_utc())?;
    Ok(ended)
}

/// Changes the password of a signed-in user (current password already checked); ends their other
/// sessions.
pub fn change_password(
    conn: &mut DbConnection,
    user: &User,
    new_hash: &str,
    keep_session: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    write_tx(conn, |conn| {
        diesel::update(schema::users::table.find(user.id))
            .set((schema::users::password_hash.eq(Some(new_hash)), schema::users::updated_at.eq(now.naive_utc())))
            .execute(conn)?;
        let ended = after_password_change(conn, user, keep_session, now)?;
        audit::record(
            conn,
            &user_actor(user),
            Event::PasswordChanged,
            Subject::User(user.id),
            serde_json::json!({ "sessions_ended": ended }),
            now.naive_utc(),
        )?;
        Ok(())
    })
}

/// Updates the name and language of a user's own profile.
pub fn update_profile(
    conn: &mut DbConnection,
    user: &User,
    name: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    write_tx(conn, |conn| {
        diesel::update(schema::users::table.find(user.id))
            .set((
                schema::users::display_name.eq(name),
                schema::users::locale.eq(lang.code()),
                schema::users::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &user_actor(user),
            Event::UserProfileUpdated,
            Subject::User(user.id),
            serde_json::json!({ "locale": lang.code() }),
            now.naive_utc(),
        )
    })
}

/// Parses a display name: 1 to 120 characters after trimming.
pub fn parse_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    (1..=120).contains(&name.chars().count()).then(|| name.to_owned())
}

/// An administrator invites a staff member: the account is created without a password and a
/// 72-hour set-password link is mailed.
/// Who an administrator invites onto the staff.
pub struct StaffInvite<'a> {
    pub email: &'a Email,
    pub name: &'a str,
    pub roles: &'a [Role],
    pub lang: Lang,
}

pub fn invite_staff(
    conn: &mut DbConnection,
    admin: &User,
    invite: &StaffInvite<'_>,
    links: Links<'_>,
    now: DateTime<Utc>,
) -> Result<UserId, AccountError> {
    let StaffInvite { email, name, roles, lang } = *invite;
    let naive = now.naive_utc();
    write_tx(conn, |conn| {
        if users::find_by_email(conn, email)?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let user = users::insert(
            conn,
            &UserInsertForm {
                email: email.as_str(),
                display_name: name,
                password_hash: None,
                email_verified_at: None,
                organisation_id: None,
                locale: lang.code(),
                created_at: naive,
                updated_at: naive,
            },
        )?;
        users::set_roles(conn, user.id, roles, naive)?;
        let token = links.signed(Purpose::SetPassword, &user, STAFF_LINK_HOURS, now).map_err(AccountError::Link)?;
        let role_names: Vec<String> = roles.iter().map(|r| lang.t(&format!("role-{}", r.as_str()))).collect();
        let mail = templates::staff_invitation(
            lang,
            &user.email,
            &role_names.join(", "),
            &links.url("/account/set-password", Some(&token)),
        );
        outbox::enqueue(conn, &mail, naive)?;
        let role_codes: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        audit::record(
            conn,
            &user_actor(admin),
            Event::StaffInvited,
            Subject::User(user.id),
            serde_json::json!({ "email": user.email, "roles": role_codes }),
            now.naive_utc(),
        )?;
        Ok(user.id)
    })
}

/// Replaces a user's staff roles. The last active administrator cannot lose the role.
pub fn change_roles(
    conn: &mut DbConnection,
    admin: &User,
    target: UserId,
    roles: &[Role],
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_ADMINS)?;
        let user = users::find(conn, target)?.ok_or(AccountError::Db(diesel::result::Error::NotFound))?;
        let before = users::roles(conn, target)?;
        if user.organisation_id.is_some() && !roles.is_empty() {
            return Err(AccountError::Refused("supplier-staff"));
        }
        if before.contains(&Role::Admin)
            && !roles.contains(&Role::Admin)
            && !user.is_disabled()
            && users::count_active_admins(conn)? <= 1
        {
            return Err(AccountError::Refused("last-admin"));
        }
        users::set_roles(conn, target, roles, now.naive_utc())?;
        let codes = |rs: &[Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>();
        audit::record(
            conn,
            &user_actor(admin),
            Event::RolesChanged,
            Subject::User(target),
            serde_json::json!({ "before": codes(&before), "after": codes(roles) }),
            now.naive_utc(),
        )
        .map_err(AccountError::from)
    })
}

/// Disables or re-enables an account; disabling ends its sessions at once.
pub fn set_disabled(
    conn: &mut DbConnection,
    admin: &User,
    target: UserId,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    if admin.id == target && disabled {
        return Err(AccountError::Refused("self-disable"));
    }
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_ADMINS)?;
        let user = users::find(conn, target)?.ok_or(AccountError::Db(diesel::result::Error::NotFound))?;
        if disabled
            && !user.is_disabled()
            && users::roles(conn, target)?.contains(&Role::Admin)
            && users::count_active_admins(conn)? <= 1
        {
            return Err(AccountError::Refused("last-admin"));
        }
        let at = disabled.then_some(now.naive_utc());
        diesel::update(schema::users::table.find(target))
            .set((schema::users::disabled_at.eq(at), schema::users::updated_at.eq(now.naive_utc())))
            .execute(conn)?;
        if disabled {
            sessions::delete_all_for_user(conn, target, None)?;
        }
        let event = if disabled { Event::UserDisabled } else { Event::UserEnabled };
        audit::record(
            conn,
            &user_actor(admin),
            event,
            Subject::User(target),
            serde_json::json!({ "email": user.email }),
            now.naive_utc(),
        )?;
        Ok(())
    })
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: InvitationId,
    pub organisation_id: OrganisationId,
    pub email: String,
    pub token_hash: String,
    pub invited_by: UserId,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
    pub accepted_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

/// The owner invites a colleague by e-mail; a previous pending invitation to the same address is
/// replaced.
pub fn invite_member(
    conn: &mut DbConnection,
    owner: &User,
    org: &Organisation,
    email: &Email,
    links: Links<'_>,
    now: DateTime<Utc>,
) -> Result<InvitationId, AccountError> {
    let naive = now.naive_utc();
    write_tx(conn, |conn| {
        // An address that already has an account is answered exactly as a new one (the owner
        // must not learn who has an account): the invitation is stored the same (pending, then
        // expired; its token is never sent), and the account's owner is told by mail instead of
        // receiving a link they could not use (an account belongs to one organisation).
        let existing = users::find_by_email(conn, email)?;
        diesel::update(
            invitations::table
                .filter(invitations::organisation_id.eq(org.id))
                .filter(invitations::email.eq(email.as_str()))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null()),
        )
        .set(invitations::revoked_at.eq(Some(naive)))
        .execute(conn)?;
        let token = secret_token::generate();
        let id: InvitationId = diesel::insert_into(invitations::table)
            .values((
                invitations::organisation_id.eq(org.id),
                invitations::email.eq(email.as_str()),
                invitations::token_hash.eq(secret_token::hash(&token)),
                invitations::invited_by.eq(owner.id),
                invitations::created_at.eq(naive),
                invitations::expires_at.eq(naive + chrono::Duration::days(INVITATION_DAYS)),
            ))
            .returning(invitations::id)
            .get_result(conn)?;
        let mail = match &existing {
            None => templates::organisation_invitation(
                lang_of(owner),
                email.as_str(),
                &org.legal_name,
                &owner.display_name,
                &links.url("/invitations/accept", Some(&token)),
            ),
            Some(user) => templates::organisation_invitation_existing(
                lang_of(user),
                email.as_str(),
                &org.legal_name,
                &owner.display_name,
                &links.url("/login", None),
            ),
        };
        outbox::enqueue(conn, &mail, naive)?;
        audit::record(
            conn,
            &user_actor(owner),
            Event::MemberInvited,
            Subject::Organisation(org.id),
            serde_json::json!({ "email": email.as_str(), "invitation": id.0, "existing_account": existing.is_some() }),
            now.naive_utc(),
        )?;
        Ok(id)
    })
}

/// A pending, unexpired invitation for a token, with its organisation.
pub fn find_invitation(
    conn: &mut DbConnection,
    token: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<(Invitation, Organisation)>> {
    invitations::table
        .inner_join(schema::organisations::table)
        .filter(invitations::token_hash.eq(secret_token::hash(token)))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(now.naive_utc()))
        .select((Invitation::as_select(), Organisation::as_select()))
        .first(conn)
        .optional()
}

pub fn pending_invitations(
    conn: &mut DbConnection,
    org: OrganisationId,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Invitation>> {
    invitations::table
        .filter(invitations::organisation_id.eq(org))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(now.naive_utc()))
        .order(invitations::id.desc())
        .select(Invitation::as_select())
        .load(conn)
}

/// The invited person creates their account; the address is verified by the link itself.
pub fn accept_invitation(
    conn: &mut DbConnection,
    token: &str,
    name: &str,
    password_hash: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<User, AccountError> {
    let naive = now.naive_utc();
    write_tx(conn, |conn| {
        let (invitation, org) = find_invitation(conn, token, now)?.ok_or(AccountError::Link(LinkError::Invalid))?;
        let email = Email::parse(&invitation.email).map_err(|_| AccountError::Link(LinkError::Invalid))?;
        if users::find_by_email(conn, &email)?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let user = users::insert(
            conn,
            &UserInsertForm {
                email: email.as_str(),
                display_name: name,
                password_hash: Some(password_hash),
                email_verified_at: Some(naive),
                organisation_id: Some(org.id),
                locale: lang.code(),
                created_at: naive,
                updated_at: naive,
            },
        )?;
        diesel::update(invitations::table.find(invitation.id))
            .set(invitations::accepted_at.eq(Some(naive)))
            .execute(conn)?;
        audit::record(
            conn,
            &user_actor(&user),
            Event::MemberJoined,
            Subject::Organisation(org.id),
            serde_json::json!({ "invitation": invitation.id.0 }),
            now.naive_utc(),
        )?;
        Ok(user)
    })
}

pub fn revoke_invitation(
    conn: &mut DbConnection,
    owner: &User,
    org: OrganisationId,
    id: InvitationId,
    now: DateTime<Utc>,
) -> Result<bool, AccountError> {
    write_tx(conn, |conn| {
        let n = diesel::update(
            invitations::table
                .find(id)
                .filter(invitations::organisation_id.eq(org))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null()),
        )
        .set(invitations::revoked_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
        if n == 1 {
            audit::record(
                conn,
                &user_actor(owner),
                Event::InvitationRevoked,
                Subject::Organisation(org),
                serde_json::json!({ "invitation": id.0 }),
                now.naive_utc(),
            )?;
        }
        Ok(n == 1)
    })
}

/// The owner removes a colleague: they leave the organisation and are signed out.
pub fn remove_member(
    conn: &mut DbConnection,
    owner: &User,
    org: OrganisationId,
    member: UserId,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    if member == owner.id {
        return Err(AccountError::Refused("remove-self"));
    }
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_ORGANISATIONS + org.0)?;
        if organisations::find(conn, org)?.and_then(|o| o.owner_user_id) != Some(owner.id) {
            return Err(AccountError::Refused("not-owner"));
        }
        let target = users::find(conn, member)?
            .filter(|u| u.organisation_id == Some(org))
            .ok_or(AccountError::Refused("not-a-member"))?;
        diesel::update(schema::users::table.find(member))
            .set((
                schema::users::organisation_id.eq(None::<OrganisationId>),
                schema::users::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        sessions::delete_all_for_user(conn, member, None)?;
        audit::record(
            conn,
            &user_actor(owner),
            Event::MemberRemoved,
            Subject::Organisation(org),
            serde_json::json!({ "member": target.email }),
            now.naive_utc(),
        )?;
        Ok(())
    })
}

/// The owner hands ownership to a verified colleague.
pub fn transfer_ownership(
    conn: &mut DbConnection,
    owner: &User,
    org: OrganisationId,
    member: UserId,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_ORGANISATIONS + org.0)?;
        if organisations::find(conn, org)?.and_then(|o| o.owner_user_id) != Some(owner.id) {
            return Err(AccountError::Refused("not-owner"));
        }
        let target = users::find(conn, member)?
            .filter(|u| u.organisation_id == Some(org) && u.id != owner.id)
            .ok_or(AccountError::Refused("not-a-member"))?;
        if !target.is_verified() || target.is_disabled() {
            return Err(AccountError::Refused("new-owner-unverified"));
        }
        organisations::set_owner(conn, org, target.id, now.naive_utc())?;
        audit::record(
            conn,
            &user_actor(owner),
            Event::OwnershipTransferred,
            Subject::Organisation(org),
            serde_json::json!({ "from": owner.email, "to": target.email }),
            now.naive_utc(),
        )?;
        Ok(())
    })
}
