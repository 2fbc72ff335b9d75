//! Personal API tokens for `Authorization: Bearer` on `/api/v1`: shown once, stored hashed, with
//! the permissions of the user who made them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{ApiTokenId, UserId};
use crate::db::schema::api_tokens;
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::secret_token;
use crate::domain::users::User;

/// The visible start of every token, so leaked tokens are easy to recognise in code and logs.
pub const PREFIX: &str = "ao_";

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    pub prefix: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A token name: 1 to 80 characters after trimming.
pub fn parse_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    (1..=80).contains(&name.chars().count()).then(|| name.to_owned())
}

/// How the audit log names a token's owner, who makes and revokes their own tokens.
fn owner(user: &User) -> AuditActor {
    AuditActor::User { id: user.id, email: user.email.clone() }
}

/// Creates a token for a user, with its audit entry; returns the secret, which is never shown
/// again.
pub fn create(
    conn: &mut DbConnection,
    user: &User,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<(ApiTokenId, String)> {
    write_tx(conn, |conn| {
        let secret = format!("{PREFIX}{}", secret_token::generate());
        let id: ApiTokenId = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::user_id.eq(user.id),
                api_tokens::name.eq(name),
                api_tokens::token_hash.eq(secret_token::hash(&secret)),
                api_tokens::prefix.eq(secret.chars().take(10).collect::<String>()),
                api_tokens::created_at.eq(now),
            ))
            .returning(api_tokens::id)
            .get_result(conn)?;
        let details = serde_json::json!({ "name": name });
        audit::record(conn, &owner(user), Event::TokenCreated, Subject::ApiToken(id), details, now)?;
        Ok((id, secret))
    })
}

/// The live token for a secret, its last use refreshed at most once a minute.
pub fn authenticate(conn: &mut DbConnection, secret: &str, now: NaiveDateTime) -> QueryResult<Option<ApiToken>> {
    let token = api_tokens::table
        .filter(api_tokens::token_hash.eq(secret_token::hash(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiToken::as_select())
        .first(conn)
        .optional()?;
    if let Some(t) = &token
        && t.last_used_at.is_none_or(|at| now - at >= chrono::Duration::seconds(60))
    {
        diesel::update(api_tokens::table.find(t.id)).set(api_tokens::last_used_at.eq(Some(now))).execute(conn)?;
    }
    Ok(token)
}

pub fn list_for_user(conn: &mut DbConnection, user_id: UserId) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::revoked_at.is_null())
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)
}

/// Revokes one of the user's own tokens, with its audit entry; false when there is no such live
/// token of theirs.
pub fn revoke(conn: &mut DbConnection, user: &User, id: ApiTokenId, now: NaiveDateTime) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let n = diesel::update(
            api_tokens::table.find(id).filter(api_tokens::user_id.eq(user.id)).filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(Some(now)))
        .execute(conn)?;
        if n != 1 {
            return Ok(false);
        }
        audit::record(conn, &owner(user), Event::TokenRevoked, Subject::ApiToken(id), serde_json::json!({}), now)?;
        Ok(true)
    })
}
