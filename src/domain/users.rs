//! User accounts: creation of administrators and password changes. Queries return
//! `QueryResult`; rules that can refuse return their own error.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{OrganisationId, UserId};
use crate::db::schema::{user_roles, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit;
use crate::domain::email::Email;

/// A staff role; roles combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Agent,
    Committee,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Committee, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Committee => "committee",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "committee" => Some(Role::Committee),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub email_verified_at: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub organisation_id: Option<OrganisationId>,
    pub locale: String,
}

impl User {
    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct UserInsertForm<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub email_verified_at: Option<NaiveDateTime>,
    pub organisation_id: Option<OrganisationId>,
    pub locale: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a user and returns the stored row.
pub fn insert(conn: &mut DbConnection, form: &UserInsertForm<'_>) -> QueryResult<User> {
    // RETURNING of a whole row is not available through the two-backend connection; the new id
    // is, and the row is read back by that id.
    let id: UserId = diesel::insert_into(users::table).values(form).returning(users::id).get_result(conn)?;
    users::table.find(id).select(User::as_select()).first(conn)
}

/// What `create-admin` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminCreated {
    /// A new account, with no password yet.
    New(User),
    /// The address already had an account; it now also has the administrator role.
    Promoted(User),
}

impl AdminCreated {
    pub fn user(&self) -> &User {
        match self {
            AdminCreated::New(u) | AdminCreated::Promoted(u) => u,
        }
    }
}

/// Creates an administrator account for `email`, or grants the role to an existing account.
pub fn create_admin(conn: &mut DbConnection, email: &Email, now: NaiveDateTime) -> QueryResult<AdminCreated> {
    write_tx(conn, |conn| {
        let existing = find_by_email(conn, email)?;
        let created = match existing {
            Some(user) if user.organisation_id.is_some() => {
                // A supplier account never holds a staff role.
                return Err(diesel::result::Error::QueryBuilderError(
                    "this address belongs to a supplier account".into(),
                ));
            }
            Some(user) => AdminCreated::Promoted(user),
            None => {
                let display_name = email.as_str().split('@').next().unwrap_or_default();
                AdminCreated::New(insert(
                    conn,
                    &UserInsertForm {
                        email: email.as_str(),
                        display_name,
                        password_hash: None,
                        // Whoever runs the command on the server vouches for the address.
                        email_verified_at: Some(now),
                        organisation_id: None,
                        locale: "fr",
                        created_at: now,
                        updated_at: now,
                    },
                )?)
            }
        };
        grant_role(conn, created.user().id, Role::Admin, now)?;
        let actor = audit::AuditActor::System("create-admin".into());
        let details =
            serde_json::json!({ "email": email.as_str(), "new_account": matches!(created, AdminCreated::New(_)) });
        audit::record(conn, &actor, audit::Event::AdminCreated, audit::Subject::User(created.user().id), details, now)?;
        Ok(created)
    })
}

pub fn grant_role(conn: &mut DbConnection, user_id: UserId, role: Role, now: NaiveDateTime) -> QueryResult<()> {
    let already = user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .filter(user_roles::role.eq(role.as_str()))
        .count()
        .get_result::<i64>(conn)?;
    if already == 0 {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(user_id),
                user_roles::role.eq(role.as_str()),
                user_roles::granted_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_by_email(conn: &mut DbConnection, email: &Email) -> QueryResult<Option<User>> {
    users::table.filter(users::email.eq(email.as_str())).select(User::as_select()).first(conn).optional()
}

pub fn find(conn: &mut DbConnection, id: UserId) -> QueryResult<Option<User>> {
    users::table.find(id).select(User::as_select()).first(conn).optional()
}

pub fn roles(conn: &mut DbConnection, id: UserId) -> QueryResult<Vec<Role>> {
    let names: Vec<String> =
        user_roles::table.filter(user_roles::user_id.eq(id)).select(user_roles::role).load(conn)?;
    Ok(names.iter().filter_map(|n| Role::parse(n)).collect())
}

/// Stores a new password hash, but only if the password state is still the one the caller saw:
/// two concurrent uses of one set-password link cannot both succeed.
pub fn set_password_if_unchanged(
    conn: &mut DbConnection,
    id: UserId,
    expected_state: &[u8; 32],
    new_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let Some(user) = find(conn, id)? else { return Ok(false) };
        if &crate::domain::signed_link::password_state(user.password_hash.as_deref()) != expected_state {
            return Ok(false);
        }
        diesel::update(users::table.find(id))
            .set((users::password_hash.eq(new_hash), users::updated_at.eq(now)))
            .execute(conn)?;
        Ok(true)
    })
}

/// Replaces a user's roles with `roles`.
pub fn set_roles(conn: &mut DbConnection, id: UserId, roles: &[Role], now: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
    for role in roles {
        grant_role(conn, id, *role, now)?;
    }
    Ok(())
}

/// How many enabled administrators there are.
pub fn count_active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    user_roles::table
        .inner_join(users::table)
        .filter(user_roles::role.eq(Role::Admin.as_str()))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// A page of users for the administrators, optionally matching `query` in the e-mail or name.
pub fn search(conn: &mut DbConnection, query: Option<&str>, limit: i64, offset: i64) -> QueryResult<Vec<User>> {
    let mut q = users::table.select(User::as_select()).into_boxed();
    if let Some(text) = query.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", crate::domain::audit::escape_like(&text.to_lowercase()));
        q = q.filter(
            users::email.like(pattern.clone()).escape('\\').or(lower(users::display_name).like(pattern).escape('\\')),
        );
    }
    q.order(users::id.asc()).limit(limit).offset(offset).load(conn)
}

/// Roles of many users at once.
pub fn roles_of(conn: &mut DbConnection, ids: &[UserId]) -> QueryResult<Vec<(UserId, Role)>> {
    let rows: Vec<(UserId, String)> = user_roles::table
        .filter(user_roles::user_id.eq_any(ids))
        .select((user_roles::user_id, user_roles::role))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, r)| Role::parse(&r).map(|r| (id, r))).collect())
}
