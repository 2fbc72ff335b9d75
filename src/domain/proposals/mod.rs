//! Proposals: the drafts a supplier organisation writes for a published objective (shared by its
//! users, saved while incomplete, guarded by a version number), their attachments, their
//! consortium, and — in [`deposits`] — the immutable deposits with their receipts.
//!
//! Sealing lives in one place: [`Relation`] says how an organisation stands to a proposal, and
//! `authz::decide` turns it (with whether the proposal was opened) into a decision.

pub mod consortium;
pub mod deposits;
pub mod opening;
pub mod practice;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{AttachmentId, CriterionId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{
    consortium_members, objectives, organisations, proposal_attachments, proposal_statements, proposals,
};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::{Objective, Status};
use crate::uploads::StoredFile;

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 600;
pub const SOLUTION_MAX: usize = 30_000;
pub const CHANGE_SUPPORT_MAX: usize = 10_000;
pub const STATEMENT_MAX: usize = 5_000;
pub const MAX_ATTACHMENTS: usize = 20;

/// Serialises writes to one proposal (deposits, attachment removals) on PostgreSQL.
pub fn lock_key(id: ProposalId) -> i64 {
    0x4143_4841_5600_0000 ^ id.0
}

/// Times are kept to the microsecond on both backends, so a receipt reads the same from either.
pub fn micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = proposals)]
pub struct Proposal {
    pub id: ProposalId,
    pub objective_id: ObjectiveId,
    pub organisation_id: OrganisationId,
    pub title: String,
    pub summary: String,
    pub solution: String,
    pub change_support: String,
    pub cost_euros: Option<i64>,
    pub duration_months: Option<i32>,
    pub consortium_type: Option<String>,
    pub version: i32,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_by: UserId,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = proposal_attachments)]
pub struct Attachment {
    pub id: AttachmentId,
    pub proposal_id: ProposalId,
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: UserId,
    pub uploaded_at: NaiveDateTime,
}

/// A member organisation of a proposal's consortium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub organisation_id: OrganisationId,
    pub legal_name: String,
    pub identifier_type: String,
    pub identifier: String,
    pub role: String,
    pub confirmed_at: Option<NaiveDateTime>,
    /// Raised when the role or the kind of consortium changes: a confirmation carries the
    /// version its author read.
    pub terms_version: i32,
}

/// How an organisation stands to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The depositing organisation: its users write, deposit and withdraw.
    Lead,
    /// A consortium member that confirmed: its users read the proposal and its receipts.
    Member,
    /// A consortium member invited but not confirmed yet: its users see the invitation (who
    /// leads, for which objective, in which role), never the proposal's content, until their
    /// organisation confirms.
    Invited,
    /// Anyone else.
    Outsider,
}

/// The editable content of a proposal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Content {
    pub title: String,
    pub summary: String,
    pub solution: String,
    pub change_support: String,
    /// A statement of evidence and commitments per criterion of the objective.
    pub statements: Vec<(CriterionId, String)>,
    pub cost_euros: Option<i64>,
    pub duration_months: Option<i32>,
}

/// Everything about one proposal.
#[derive(Debug, Clone)]
pub struct ProposalFull {
    pub proposal: Proposal,
    pub objective: Objective,
    pub lead_name: String,
    pub statements: Vec<(CriterionId, String)>,
    pub attachments: Vec<Attachment>,
    pub members: Vec<Member>,
    pub deposits: Vec<deposits::Deposit>,
}

impl ProposalFull {
    pub fn relation(&self, org: Option<OrganisationId>) -> Relation {
        match org {
            Some(o) if o == self.proposal.organisation_id => Relation::Lead,
            Some(o) => match self.members.iter().find(|m| m.organisation_id == o) {
                Some(m) if m.confirmed_at.is_some() => Relation::Member,
                Some(_) => Relation::Invited,
                None => Relation::Outsider,
            },
            _ => Relation::Outsider,
        }
    }
    pub fn content(&self) -> Content {
        Content {
            title: self.proposal.title.clone(),
            summary: self.proposal.summary.clone(),
            solution: self.proposal.solution.clone(),
            change_support: self.proposal.change_support.clone(),
            statements: self.statements.clone(),
            cost_euros: self.proposal.cost_euros,
            duration_months: self.proposal.duration_months,
        }
    }
    pub fn attachments_size(&self) -> u64 {
        self.attachments.iter().map(|a| a.size_bytes.max(0) as u64).sum()
    }
}

/// Why an operation on a proposal was refused.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ProposalError {
    #[error("not found")]
    NotFound,
    #[error("the objective does not take proposals now")]
    Closed,
    #[error("the proposal is incomplete")]
    Incomplete(Vec<Problem>),
    #[error("someone else saved the proposal first")]
    VersionConflict,
    #[error("a consortium member has not confirmed")]
    UnconfirmedMembers,
    #[error("no registered organisation has this identifier")]
    UnknownOrganisation,
    #[error("this organisation cannot join the consortium")]
    InvalidMember,
    #[error("there is no deposit to withdraw or reconfirm")]
    NothingDeposited,
    #[error("the organisation already has a proposal for this objective")]
    AlreadyExists,
    #[error("too many attachments")]
    TooManyAttachments,
    #[error("the attachments together exceed the allowed total")]
    AttachmentsTooLarge,
    #[error("the proposals cannot be opened before the deadline")]
    NotOpenable,
    #[error("the draft changed since it was reviewed")]
    ChangedSinceReview,
    #[error("the consortium changed since the last deposit")]
    ConsortiumChanged,
    #[error("the consortium's terms changed since the invitation was read")]
    TermsChanged,
    #[error("database error")]
    Db(#[source] diesel::result::Error),
}

impl ProposalError {
    /// The catalogue key of the message users read.
    fn message_key(&self) -> &'static str {
        match self {
            ProposalError::NotFound => "error-404-text",
            ProposalError::Closed => "proposal-error-closed",
            ProposalError::Incomplete(_) => "proposal-error-incomplete",
            ProposalError::VersionConflict => "proposal-error-version",
            ProposalError::UnconfirmedMembers => "proposal-error-unconfirmed",
            ProposalError::UnknownOrganisation => "consortium-error-unknown",
            ProposalError::InvalidMember => "consortium-error-invalid",
            ProposalError::NothingDeposited => "proposal-error-nothing-deposited",
            ProposalError::AlreadyExists => "proposal-error-exists",
            ProposalError::TooManyAttachments => "proposal-error-too-many-files",
            ProposalError::AttachmentsTooLarge => "upload-error-total-too-large",
            ProposalError::NotOpenable => "opening-error-too-early",
            ProposalError::ChangedSinceReview => "deposit-error-changed",
            ProposalError::ConsortiumChanged => "proposal-error-consortium-changed",
            ProposalError::TermsChanged => "consortium-error-terms-changed",
            ProposalError::Db(_) => "error-500-text",
        }
    }
}

impl Refusal for ProposalError {
    fn kind(&self) -> Kind {
        match self {
            ProposalError::NotFound => Kind::NotFound,
            ProposalError::TooManyAttachments | ProposalError::AttachmentsTooLarge => Kind::TooLarge,
            ProposalError::Db(e) => kind_of(e),
            _ => Kind::Conflict,
        }
    }
    fn message(&self) -> Message {
        match self {
            ProposalError::Incomplete(problems) => Message::new("proposal-missing").with_problems(problems),
            ProposalError::Db(e) => database_message(e),
            _ => Message::new(self.message_key()),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            ProposalError::NotFound => "not_found",
            ProposalError::Closed => "closed",
            ProposalError::Incomplete(_) => "incomplete",
            ProposalError::VersionConflict => "version_conflict",
            ProposalError::UnconfirmedMembers => "unconfirmed_members",
            ProposalError::UnknownOrganisation => "unknown_organisation",
            ProposalError::InvalidMember => "invalid_member",
            ProposalError::NothingDeposited => "nothing_deposited",
            ProposalError::AlreadyExists => "already_exists",
            ProposalError::TooManyAttachments => "too_many_files",
            ProposalError::AttachmentsTooLarge => "total_too_large",
            ProposalError::NotOpenable => "too_early",
            ProposalError::ChangedSinceReview => "changed_since_review",
            ProposalError::ConsortiumChanged => "consortium_changed",
            ProposalError::TermsChanged => "terms_changed",
            ProposalError::Db(e) => kind_of(e).code(),
        }
    }
}

impl From<diesel::result::Error> for ProposalError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => ProposalError::NotFound,
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ProposalError::AlreadyExists
            }
            other => ProposalError::Db(other),
        }
    }
}

/// A snapshot or receipt that cannot be written as JSON: an internal failure, with its cause.
impl From<serde_json::Error> for ProposalError {
    fn from(e: serde_json::Error) -> Self {
        ProposalError::Db(diesel::result::Error::SerializationError(Box::new(e)))
    }
}

fn bounded(problems: &mut Vec<Problem>, field: &'static str, value: String, max: usize) -> String {
    if value.chars().count() > max {
        problems.push(Problem::new(field, "objective-error-too-long").with("max", max));
    }
    value
}

/// Parses a draft's form: every field may be empty, none may be too long or malformed.
/// Statements come as `s_<criterion id>` for the objective's criteria (others are ignored).
pub fn parse_form(pairs: &FormPairs, criteria: &[CriterionId]) -> Result<Content, Vec<Problem>> {
    let mut problems = Vec::new();
    let title = bounded(&mut problems, "title", first(pairs, "title"), TITLE_MAX);
    let summary = bounded(&mut problems, "summary", first(pairs, "summary"), SUMMARY_MAX);
    let solution = bounded(&mut problems, "solution", first(pairs, "solution"), SOLUTION_MAX);
    let change_support = bounded(&mut problems, "change_support", first(pairs, "change_support"), CHANGE_SUPPORT_MAX);
    let mut statements = Vec::new();
    for c in criteria {
        let text = first(pairs, &format!("s_{c}"));
        if text.chars().count() > STATEMENT_MAX {
            problems.push(
                Problem::new("statements", "proposal-error-statement-long")
                    .with("criterion", c.0)
                    .with("max", STATEMENT_MAX),
            );
        } else if !text.is_empty() {
            statements.push((*c, text));
        }
    }
    let cost_raw = first(pairs, "cost_euros").replace([' ', '\u{a0}', '\u{202f}'], "");
    let cost_euros = if cost_raw.is_empty() {
        None
    } else {
        match cost_raw.parse::<i64>() {
            Ok(v) if (0..=1_000_000_000_000).contains(&v) => Some(v),
            _ => {
                problems.push(Problem::new("cost_euros", "proposal-error-cost"));
                None
            }
        }
    };
    let duration_raw = first(pairs, "duration_months");
    let duration_months = if duration_raw.is_empty() {
        None
    } else {
        match duration_raw.parse::<i32>() {
            Ok(v) if (1..=600).contains(&v) => Some(v),
            _ => {
                problems.push(Problem::new("duration_months", "proposal-error-duration"));
                None
            }
        }
    };
    if problems.is_empty() {
        Ok(Content { title, summary, solution, change_support, statements, cost_euros, duration_months })
    } else {
        Err(problems)
    }
}

/// What a deposit needs beyond a draft: a title, a summary, the solution and the change support.
pub fn missing_for_deposit(c: &Content) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (field, value) in
        [("title", &c.title), ("summary", &c.summary), ("solution", &c.solution), ("change_support", &c.change_support)]
    {
        if value.trim().is_empty() {
            problems.push(Problem::new(field, "proposal-error-required"));
        }
    }
    problems
}

/// Whether an objective takes drafts and deposits at `now`: published (or the practice one) and
/// before its deadline.
pub fn accepts_proposals(o: &Objective, now: NaiveDateTime) -> bool {
    o.status_at(now) == Status::Published && (o.practice || o.deadline_at.is_some_and(|d| now < d))
}

/// Appends an audit entry about a proposal (ids only).
pub fn record(
    conn: &mut DbConnection,
    by: UserId,
    event: Event,
    id: ProposalId,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Ids only: the log must not say more about a sealed proposal than who (by id) did what.
    audit::record(conn, &AuditActor::UserId(by), event, Subject::Proposal(id), details, now)
}

/// What a download of a proposal's file read: an attachment of the draft, or a document of a
/// deposit (by its position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    Attachment(AttachmentId),
    DepositDocument { deposit: crate::db::ids::DepositId, position: i32 },
}

/// Records a download in the audit log (ids only), in its own transaction: every read of a
/// proposal's file is on the record.
pub fn record_download(
    conn: &mut DbConnection,
    by: UserId,
    proposal: ProposalId,
    what: Download,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let details = match what {
        Download::Attachment(a) => serde_json::json!({ "attachment": a.0 }),
        Download::DepositDocument { deposit, position } => {
            serde_json::json!({ "deposit": deposit.0, "position": position })
        }
    };
    write_tx(conn, |conn| record(conn, by, Event::ProposalDownloaded, proposal, details, now))
}

pub fn load(conn: &mut DbConnection, id: ProposalId) -> QueryResult<Option<ProposalFull>> {
    let Some((proposal, objective, lead_name)) = proposals::table
        .find(id)
        .inner_join(objectives::table)
        .inner_join(organisations::table)
        .select((Proposal::as_select(), Objective::as_select(), organisations::legal_name))
        .first::<(Proposal, Objective, String)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let statements = proposal_statements::table
        .filter(proposal_statements::proposal_id.eq(id))
        .order(proposal_statements::criterion_id.asc())
        .select((proposal_statements::criterion_id, proposal_statements::statement))
        .load::<(CriterionId, String)>(conn)?;
    let attachments = proposal_attachments::table
        .filter(proposal_attachments::proposal_id.eq(id))
        .order(proposal_attachments::id.asc())
        .select(Attachment::as_select())
        .load(conn)?;
    let members = consortium::members(conn, id)?;
    let deposits = deposits::of_proposal(conn, id)?;
    Ok(Some(ProposalFull { proposal, objective, lead_name, statements, attachments, members, deposits }))
}

/// The proposal of an organisation for an objective, if it started one.
/// The proposals an organisation leads on objectives still open to proposals (not the practice
/// one): (proposal, its title, the objective's title). Where a conversation can invite a partner.
pub fn open_leads(
    conn: &mut DbConnection,
    org: OrganisationId,
    now: NaiveDateTime,
) -> QueryResult<Vec<(ProposalId, String, String)>> {
    let rows: Vec<(ProposalId, String, Objective)> = proposals::table
        .inner_join(objectives::table)
        .filter(proposals::organisation_id.eq(org))
        .filter(objectives::practice.eq(false))
        .filter(objectives::status.eq("published"))
        .filter(objectives::deadline_at.gt(now))
        .order(proposals::id.asc())
        .select((proposals::id, proposals::title, Objective::as_select()))
        .load(conn)?;
    Ok(rows.into_iter().filter(|(_, _, o)| accepts_proposals(o, now)).map(|(p, t, o)| (p, t, o.title)).collect())
}

pub fn find_for(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    org: OrganisationId,
) -> QueryResult<Option<ProposalId>> {
    proposals::table
        .filter(proposals::objective_id.eq(objective))
        .filter(proposals::organisation_id.eq(org))
        .select(proposals::id)
        .first(conn)
        .optional()
}

/// Starts a draft for an organisation on an open objective.
pub fn create(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    org: OrganisationId,
    content: &Content,
    by: UserId,
    now: NaiveDateTime,
) -> Result<ProposalId, ProposalError> {
    write_tx(conn, |conn| {
        let o = objectives::table
            .find(objective)
            .select(Objective::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProposalError::NotFound)?;
        if !accepts_proposals(&o, now) {
            return Err(ProposalError::Closed);
        }
        if find_for(conn, objective, org)?.is_some() {
            return Err(ProposalError::AlreadyExists);
        }
        let id: ProposalId = diesel::insert_into(proposals::table)
            .values((
                proposals::objective_id.eq(objective),
                proposals::organisation_id.eq(org),
                proposals::title.eq(&content.title),
                proposals::summary.eq(&content.summary),
                proposals::solution.eq(&content.solution),
                proposals::change_support.eq(&content.change_support),
                proposals::cost_euros.eq(content.cost_euros),
                proposals::duration_months.eq(content.duration_months),
                proposals::version.eq(1),
                proposals::created_by.eq(by),
                proposals::created_at.eq(now),
                proposals::updated_by.eq(by),
                proposals::updated_at.eq(now),
            ))
            .returning(proposals::id)
            .get_result(conn)?;
        replace_statements(conn, id, &content.statements)?;
        record(conn, by, Event::ProposalDraftCreated, id, serde_json::json!({}), now)?;
        Ok(id)
    })
}

fn replace_statements(
    conn: &mut DbConnection,
    id: ProposalId,
    statements: &[(CriterionId, String)],
) -> QueryResult<()> {
    diesel::delete(proposal_statements::table.filter(proposal_statements::proposal_id.eq(id))).execute(conn)?;
    for (criterion, text) in statements {
        diesel::insert_into(proposal_statements::table)
            .values((
                proposal_statements::proposal_id.eq(id),
                proposal_statements::criterion_id.eq(*criterion),
                proposal_statements::statement.eq(text),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Saves a draft if nobody saved it since `version` was read; returns the new version.
pub fn save(
    conn: &mut DbConnection,
    id: ProposalId,
    version: i32,
    content: &Content,
    by: UserId,
    now: NaiveDateTime,
) -> Result<i32, ProposalError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(id))?;
        let full = load(conn, id)?.ok_or(ProposalError::NotFound)?;
        if !accepts_proposals(&full.objective, now) {
            return Err(ProposalError::Closed);
        }
        let updated = diesel::update(proposals::table.find(id).filter(proposals::version.eq(version)))
            .set((
                proposals::title.eq(&content.title),
                proposals::summary.eq(&content.summary),
                proposals::solution.eq(&content.solution),
                proposals::change_support.eq(&content.change_support),
                proposals::cost_euros.eq(content.cost_euros),
                proposals::duration_months.eq(content.duration_months),
                proposals::version.eq(version + 1),
                proposals::updated_by.eq(by),
                proposals::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(ProposalError::VersionConflict);
        }
        replace_statements(conn, id, &content.statements)?;
        Ok(version + 1)
    })
}

/// Records stored files as attachments of a draft (the files are already safely on disk).
/// `started_at` is when their upload began (kept as their time); `now`, when it ended, must
/// still be before the deadline.
pub fn add_attachments(
    conn: &mut DbConnection,
    id: ProposalId,
    files: &[StoredFile],
    max_total: u64,
    by: UserId,
    started_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), ProposalError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(id))?;
        let full = load(conn, id)?.ok_or(ProposalError::NotFound)?;
        if !accepts_proposals(&full.objective, now) {
            return Err(ProposalError::Closed);
        }
        if full.attachments.len() + files.len() > MAX_ATTACHMENTS {
            return Err(ProposalError::TooManyAttachments);
        }
        // Checked again here: two uploads may have raced past the streaming check.
        let total = full.attachments_size() + files.iter().map(|f| f.size).sum::<u64>();
        if total > max_total {
            return Err(ProposalError::AttachmentsTooLarge);
        }
        for f in files {
            let aid: AttachmentId = diesel::insert_into(proposal_attachments::table)
                .values((
                    proposal_attachments::proposal_id.eq(id),
                    proposal_attachments::storage_key.eq(&f.storage_key),
                    proposal_attachments::file_name.eq(&f.original_name),
                    proposal_attachments::content_type.eq(f.kind.content_type()),
                    proposal_attachments::size_bytes.eq(f.size as i64),
                    proposal_attachments::sha256.eq(&f.sha256),
                    proposal_attachments::uploaded_by.eq(by),
                    proposal_attachments::uploaded_at.eq(started_at),
                ))
                .returning(proposal_attachments::id)
                .get_result(conn)?;
            record(
                conn,
                by,
                Event::AttachmentAdded,
                id,
                serde_json::json!({ "attachment": aid.0, "bytes": f.size }),
                now,
            )?;
        }
        diesel::update(proposals::table.find(id))
            .set((proposals::updated_by.eq(by), proposals::updated_at.eq(now)))
            .execute(conn)?;
        Ok(())
    })
}

/// Removes an attachment from a draft. Returns the storage key when no deposit holds the file
/// (the caller then deletes it, after the commit).
pub fn remove_attachment(
    conn: &mut DbConnection,
    id: ProposalId,
    attachment: AttachmentId,
    by: UserId,
    now: NaiveDateTime,
) -> Result<Option<String>, ProposalError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(id))?;
        let full = load(conn, id)?.ok_or(ProposalError::NotFound)?;
        if !accepts_proposals(&full.objective, now) {
            return Err(ProposalError::Closed);
        }
        let a = full.attachments.iter().find(|a| a.id == attachment).ok_or(ProposalError::NotFound)?;
        diesel::delete(proposal_attachments::table.find(attachment)).execute(conn)?;
        record(conn, by, Event::AttachmentRemoved, id, serde_json::json!({ "attachment": attachment.0 }), now)?;
        let kept = deposits::file_is_deposited(conn, &a.storage_key)?;
        Ok((!kept).then(|| a.storage_key.clone()))
    })
}

/// One line of a supplier's dashboard.
#[derive(Debug, Clone)]
pub struct DashboardRow {
    pub proposal: ProposalId,
    pub objective: Objective,
    pub title: String,
    pub lead_name: String,
    pub relation: Relation,
    /// Whether the viewer's organisation confirmed (members only).
    pub confirmed: bool,
    pub deposits: Vec<deposits::Deposit>,
    pub last_essential_amendment: Option<NaiveDateTime>,
    /// For members: the version of the terms their confirmation must carry.
    pub terms: Option<i32>,
    /// Once the objective's results are published: whether this proposal is shortlisted.
    pub result: Option<bool>,
}

/// The proposals an organisation leads or is invited into, latest first.
pub fn dashboard(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<Vec<DashboardRow>> {
    let member_of: Vec<(ProposalId, Option<NaiveDateTime>, i32)> = consortium_members::table
        .filter(consortium_members::organisation_id.eq(org))
        .select((consortium_members::proposal_id, consortium_members::confirmed_at, consortium_members::terms_version))
        .load(conn)?;
    let member_ids: Vec<ProposalId> = member_of.iter().map(|(p, _, _)| *p).collect();
    // Two indexed queries rather than one `OR`, which neither backend answers from an index.
    let mut rows: Vec<(Proposal, Objective, String)> = proposals::table
        .inner_join(objectives::table)
        .inner_join(organisations::table)
        .filter(proposals::organisation_id.eq(org))
        .select((Proposal::as_select(), Objective::as_select(), organisations::legal_name))
        .load(conn)?;
    if !member_ids.is_empty() {
        rows.extend(
            proposals::table
                .inner_join(objectives::table)
                .inner_join(organisations::table)
                .filter(proposals::id.eq_any(&member_ids))
                .select((Proposal::as_select(), Objective::as_select(), organisations::legal_name))
                .load::<(Proposal, Objective, String)>(conn)?,
        );
    }
    rows.sort_by(|a, b| b.0.updated_at.cmp(&a.0.updated_at).then(b.0.id.cmp(&a.0.id)));
    let ids: Vec<ProposalId> = rows.iter().map(|(p, _, _)| p.id).collect();
    let mut all_deposits = deposits::of_proposals(conn, &ids)?;
    let objective_ids: Vec<ObjectiveId> = rows.iter().map(|(_, o, _)| o.id).collect();
    let essentials = opening::last_essential_amendments(conn, &objective_ids)?;
    let published: Vec<ObjectiveId> =
        rows.iter().filter(|(_, o, _)| o.results_published_at.is_some()).map(|(_, o, _)| o.id).collect();
    let decisions = crate::domain::evaluation::decision::shortlists(conn, &published)?;
    Ok(rows
        .into_iter()
        .map(|(p, o, lead_name)| {
            let relation = if p.organisation_id == org { Relation::Lead } else { Relation::Member };
            let confirmed = member_of.iter().any(|(id, c, _)| *id == p.id && c.is_some());
            let terms = member_of.iter().find(|(id, _, _)| *id == p.id).map(|(_, _, v)| *v);
            let result = decisions.get(&o.id).map(|list| list.contains(&p.id));
            let deposits = all_deposits.remove(&p.id).unwrap_or_default();
            let last_essential_amendment = essentials.get(&o.id).copied();
            DashboardRow {
                proposal: p.id,
                title: p.title,
                objective: o,
                lead_name,
                relation,
                confirmed,
                deposits,
                last_essential_amendment,
                terms,
                result,
            }
        })
        .collect())
}
