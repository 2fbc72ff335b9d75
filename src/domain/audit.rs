//! The append-only, hash-chained audit log.
//!
//! Each entry stores the previous entry's hash and its own SHA-256 over a canonical JSON encoding
//! (keys sorted, times in RFC 3339 with microseconds). Appends happen in the transaction of the
//! action they record. They are serialised through the database: SQLite's write transactions are
//! `BEGIN IMMEDIATE`, PostgreSQL takes a transaction-scoped advisory lock; and `prev_hash` is
//! UNIQUE, so even a missed lock could never fork the chain — the second append would fail.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::ids::{
    ApiTokenId, AuditEntryId, ConsultationId, CredentialId, CriterionId, MessageId, ObjectiveId, OrganisationId,
    PracticeId, ProposalId, QuestionId, ReportId, UserId,
};
use crate::db::locks::PG_AUDIT_LOCK;
use crate::db::schema::audit_log;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditActor {
    User {
        id: UserId,
        email: String,
    },
    /// A sign-in attempt or registration by someone not (yet) known; carries what they typed.
    Anonymous(String),
    /// A command run on the server.
    System(String),
    /// A user named by id only: the actions on sealed proposals, whose log must not say who
    /// deposits before the deadline in anything but ids.
    UserId(UserId),
}

impl AuditActor {
    fn parts(&self) -> (Option<UserId>, String) {
        match self {
            AuditActor::User { id, email } => (Some(*id), email.clone()),
            AuditActor::Anonymous(label) => (None, format!("anonymous:{label}")),
            AuditActor::System(label) => (None, format!("system:{label}")),
            AuditActor::UserId(id) => (Some(*id), format!("user:{id}")),
        }
    }
}

/// An entry by a user named by id only, about an objective (the evaluation, the award's
/// follow-up): the usual shape of the objectives' domain modules' entries.
pub fn on_objective(
    conn: &mut DbConnection,
    by: UserId,
    event: Event,
    objective: crate::db::ids::ObjectiveId,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    record(conn, &AuditActor::UserId(by), event, Subject::Objective(objective), details, now)
}

/// Defines [`Event`] from one table of groups: each group's doc says when its actions are written,
/// each variant names the action it is stored under. The enum's documentation lists them all.
macro_rules! events {
    ($( $(#[doc = $group:literal])* { $( $(#[doc = $doc:literal])* $variant:ident => $name:literal, )* } )*) => {
        /// What happened: the audit log's actions, each stored under a dotted name that never
        /// changes once written (administrators filter on it, and old entries keep it).
        ///
        $(
            $( #[doc = $group] )*
            ///
            $( #[doc = concat!("- `", $name, "`: [`Event::", stringify!($variant), "`]")] )*
            ///
        )*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Event {
            $( $(
                $( #[doc = $doc] )*
                #[doc = ""]
                #[doc = concat!("Stored as `", $name, "`.")]
                $variant,
            )* )*
        }

        impl Event {
            /// Every action, in the order of the table.
            pub const ALL: &'static [Event] = &[ $( $( Event::$variant, )* )* ];

            /// The stored name, e.g. `auth.sign_in`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $( Event::$variant => $name, )* )*
                }
            }
        }
    };
}

events! {
    /// Accounts: signing in and out, e-mail verification and passwords; written by the
    /// account operations (`domain::accounts`), failed attempts included.
    {
        SignIn => "auth.sign_in",
        SignInFailed => "auth.sign_in_failed",
        /// A registration with an address that already has an account: no account is created, and
        /// the visitor is answered as if it were new.
        RegisterKnownAddress => "auth.register_known_address",
        EmailVerified => "auth.email_verified",
        SignedOutEverywhere => "auth.signed_out_everywhere",
        ResetRequested => "auth.reset_requested",
        /// A password set from a signed link (a reset or an invitation).
        PasswordSet => "auth.password_set",
        PasswordChanged => "auth.password_changed",
    }

    /// Users: a user's own profile, and the administration of users (staff invitations,
    /// roles, disabling; the `create-admin` command).
    {
        UserProfileUpdated => "user.profile_updated",
        StaffInvited => "user.staff_invited",
        RolesChanged => "user.roles_changed",
        UserDisabled => "user.disabled",
        UserEnabled => "user.enabled",
        AdminCreated => "user.admin_created",
        /// A person erased their own account (`domain::personal_data`): recorded by id only.
        AccountErased => "user.erased",
    }

    /// Organisations: a supplier's registration, its members (invited and removed by the owner,
    /// joining by invitation), its ownership; and the administrators' suspension of its messaging.
    {
        OrganisationRegistered => "organisation.registered",
        MemberInvited => "organisation.member_invited",
        MemberJoined => "organisation.member_joined",
        InvitationRevoked => "organisation.invitation_revoked",
        MemberRemoved => "organisation.member_removed",
        OwnershipTransferred => "organisation.ownership_transferred",
        MessagingSuspended => "organisation.messaging_suspended",
        MessagingRestored => "organisation.messaging_restored",
    }

    /// API tokens, created and revoked by their owner.
    {
        TokenCreated => "token.created",
        TokenRevoked => "token.revoked",
    }

    /// Objectives: the agents' drafting, publication, amendment and cancellation, their
    /// documents, and the publication of the results once decided.
    {
        ObjectiveCreated => "objective.created",
        ObjectiveAmended => "objective.amended",
        ObjectivePublished => "objective.published",
        ObjectiveCancelled => "objective.cancelled",
        ObjectiveDraftDeleted => "objective.draft_deleted",
        DocumentAdded => "objective.document_added",
        DocumentRemoved => "objective.document_removed",
        ResultsPublished => "objective.results_published",
    }

    /// After the shortlist (`domain::award`): the award or its absence, the letters' first
    /// opening, the challenges and their outcomes, and the later stages; agents act, members of
    /// the addressee organisation open letters.
    {
        Awarded => "award.awarded",
        NotAwarded => "objective.not_awarded",
        LetterOpened => "award.letter_opened",
        ChallengeRecorded => "award.challenge_recorded",
        ChallengeSettled => "award.challenge_settled",
        /// The signed contract recorded: the objective is in execution (`award::contracts`).
        ContractSigned => "award.contract_signed",
        /// A later modification of the contract, recorded as a new row.
        ContractModified => "award.contract_modified",
        ObjectiveCompleted => "objective.completed",
        ObjectiveArchived => "objective.archived",
    }

    /// Indicators over the horizons (`award::indicators`): an agent sets an indicator of a signed
    /// contract, a member of a holder organisation reports a value for a period, an agent
    /// validates the report or sends it back with a reason.
    {
        IndicatorSet => "indicator.set",
        IndicatorReported => "indicator.reported",
        IndicatorReportValidated => "indicator.report_validated",
        IndicatorReportSentBack => "indicator.report_sent_back",
    }

    /// Change support (`award::change_support`): an agent plans an action of a contract's
    /// change-support plan or invites a user of the purchase, a member of a holder organisation
    /// records an action delivered, a user of the purchase confirms attending it and rates it.
    {
        SupportActionPlanned => "support.action_planned",
        SupportActionDelivered => "support.action_delivered",
        PurchaseUserInvited => "support.user_invited",
        /// An agent changed a planned action not delivered yet (before and after in the details).
        SupportActionEdited => "support.action_edited",
        /// An agent cancelled a planned action not delivered yet (what it was in the details).
        SupportActionCancelled => "support.action_cancelled",
        /// An agent withdrew a user of the purchase's access to the contract.
        PurchaseUserWithdrawn => "support.user_withdrawn",
        SupportActionRated => "support.action_rated",
    }

    /// Retention (`domain::retention`): what passed its retention period was purged from an
    /// archived objective by `achat-ouvert retention purge --confirm` (counts in the details).
    {
        RetentionPurged => "retention.purged",
    }

    /// Questions on an open objective: asked by suppliers, answered or published by agents.
    {
        QuestionAsked => "question.asked",
        QuestionAnswered => "question.answered",
        QuestionPublished => "question.published",
    }

    /// The catalogue of evaluation criteria, kept by administrators.
    {
        CriterionCreated => "criterion.created",
        CriterionUpdated => "criterion.updated",
        CriterionRetired => "criterion.retired",
        CriterionDeleted => "criterion.deleted",
        CriterionRestored => "criterion.restored",
    }

    /// Proposals: the supplier's draft and its files, the sealed deposits, the downloads, and
    /// the opening after the deadline. The actor is named by id only (see `AuditActor::UserId`).
    {
        ProposalDraftCreated => "proposal.draft_created",
        AttachmentAdded => "proposal.attachment_added",
        AttachmentRemoved => "proposal.attachment_removed",
        ProposalDeposited => "proposal.deposited",
        ProposalReconfirmed => "proposal.reconfirmed",
        ProposalWithdrawn => "proposal.withdrawn",
        ProposalDownloaded => "proposal.downloaded",
        ProposalOpened => "proposal.opened",
    }

    /// Stored files (`domain::integrity`): a file that no longer matches the SHA-256 recorded when
    /// it was received (or is missing), found at an opening or before a download; it was not served.
    {
        FileIntegrityFailed => "storage.integrity_failed",
    }

    /// Consortia: the lead invites or removes members; members confirm or decline.
    {
        ConsortiumMemberInvited => "consortium.member_invited",
        ConsortiumMemberRemoved => "consortium.member_removed",
        ConsortiumMemberConfirmed => "consortium.member_confirmed",
        ConsortiumMemberDeclined => "consortium.member_declined",
    }

    /// Evaluation: the committee and its settings, the members' scores, the chair's reopening,
    /// consensus, shortlist and decision.
    {
        CommitteeAppointed => "committee.appointed",
        CommitteeRemoved => "committee.removed",
        EvaluationConfigured => "evaluation.configured",
        ConflictsDeclared => "evaluation.conflicts_declared",
        /// An agent lifts a member's declared conflict of interest, with a reason (a member
        /// cannot withdraw it).
        ConflictLifted => "evaluation.conflict_lifted",
        /// The chair releases the seat of a member whose account was disabled, with a reason.
        SeatReleased => "evaluation.seat_released",
        EvaluationSaved => "evaluation.saved",
        EvaluationSubmitted => "evaluation.submitted",
        EvaluationReopened => "evaluation.reopened",
        ConsensusSet => "evaluation.consensus",
        ShortlistChanged => "evaluation.shortlist_changed",
        EvaluationDecided => "evaluation.decided",
    }

    /// The network's public profiles: edits, listing, and the credentials an organisation holds.
    {
        ProfileUpdated => "profile.updated",
        ProfileListed => "profile.listed",
        ProfileWithdrawn => "profile.withdrawn",
        ProfileCredentialAdded => "profile.credential_added",
        ProfileCredentialRemoved => "profile.credential_removed",
    }

    /// The catalogue of credentials, kept by administrators.
    {
        CredentialCreated => "credential.created",
        CredentialRetired => "credential.retired",
        CredentialRestored => "credential.restored",
    }

    /// Partner requests on an objective, published and withdrawn by a supplier.
    {
        PartnersRequested => "partners.requested",
        PartnersWithdrawn => "partners.withdrawn",
    }

    /// Messages between organisations, their reports, and the administrators' resolutions.
    {
        MessageSent => "message.sent",
        MessageReported => "message.reported",
        ReportResolved => "message.report_resolved",
    }

    /// Good practices: submitted by an organisation, reviewed and featured by agents.
    {
        PracticeSubmitted => "practice.submitted",
        PracticePublished => "practice.published",
        PracticeRefused => "practice.refused",
        PracticeFeatured => "practice.featured",
        PracticeUnfeatured => "practice.unfeatured",
    }

    /// Market consultation before the call (`domain::consultation`): agents open it, schedule
    /// meetings, publish minutes and the synthesis, open the call; registered users contribute
    /// and register to meetings.
    {
        ConsultationOpened => "consultation.opened",
        ConsultationContributed => "consultation.contributed",
        ConsultationSynthesisPublished => "consultation.synthesis_published",
        ConsultationCallOpened => "consultation.call_opened",
        MeetingScheduled => "meeting.scheduled",
        MeetingRegistered => "meeting.registered",
        MeetingCancelled => "meeting.cancelled",
        MeetingMinutesPublished => "meeting.minutes_published",
    }
}

/// What it happened to: the entry's object type and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    User(UserId),
    /// A sign-in attempt with an address no account has: stored as a user with an empty id
    /// (the address is in the actor).
    UnknownUser,
    Organisation(OrganisationId),
    ApiToken(ApiTokenId),
    Objective(ObjectiveId),
    Question(QuestionId),
    Criterion(CriterionId),
    Proposal(ProposalId),
    Credential(CredentialId),
    Message(MessageId),
    /// A report on a message.
    Report(ReportId),
    Practice(PracticeId),
    Consultation(ConsultationId),
}

impl Subject {
    /// The stored object type.
    pub fn object_type(self) -> &'static str {
        match self {
            Subject::User(_) | Subject::UnknownUser => "user",
            Subject::Organisation(_) => "organisation",
            Subject::ApiToken(_) => "api_token",
            Subject::Objective(_) => "objective",
            Subject::Question(_) => "question",
            Subject::Criterion(_) => "criterion",
            Subject::Proposal(_) => "proposal",
            Subject::Credential(_) => "credential",
            Subject::Message(_) => "message",
            Subject::Report(_) => "report",
            Subject::Practice(_) => "practice",
            Subject::Consultation(_) => "consultation",
        }
    }

    /// The stored object id: the row's id in decimal.
    pub fn object_id(self) -> String {
        match self {
            Subject::User(id) => id.to_string(),
            Subject::UnknownUser => String::new(),
            Subject::Organisation(id) => id.to_string(),
            Subject::ApiToken(id) => id.to_string(),
            Subject::Objective(id) => id.to_string(),
            Subject::Question(id) => id.to_string(),
            Subject::Criterion(id) => id.to_string(),
            Subject::Proposal(id) => id.to_string(),
            Subject::Credential(id) => id.to_string(),
            Subject::Message(id) => id.to_string(),
            Subject::Report(id) => id.to_string(),
            Subject::Practice(id) => id.to_string(),
            Subject::Consultation(id) => id.to_string(),
        }
    }
}

/// One entry to append, in its stored form (before the chain's hashes). The application builds
/// it only through [`record`] from an [`Event`] and a [`Subject`]; it stays open for the tests,
/// which append entries of their own to prove the chain.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub actor: &'a AuditActor,
    /// Dotted verb, e.g. `auth.sign_in`: [`Event::as_str`].
    pub action: &'a str,
    /// [`Subject::object_type`].
    pub object_type: &'a str,
    pub object_id: String,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct AuditInsertForm<'a> {
    occurred_at: NaiveDateTime,
    actor_user_id: Option<UserId>,
    actor: &'a str,
    action: &'a str,
    object_type: &'a str,
    object_id: &'a str,
    details: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

/// The fields an entry's hash covers.
pub struct Canonical<'a> {
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<UserId>,
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub details: &'a str,
    pub prev_hash: &'a str,
}

impl<'a> Canonical<'a> {
    /// The fields of a stored entry.
    pub fn of(entry: &'a AuditEntry) -> Canonical<'a> {
        Canonical {
            occurred_at: entry.occurred_at,
            actor_user_id: entry.actor_user_id,
            actor: &entry.actor,
            action: &entry.action,
            object_type: &entry.object_type,
            object_id: &entry.object_id,
            details: &entry.details,
            prev_hash: &entry.prev_hash,
        }
    }

    /// The canonical encoding: serde_json's map is ordered by key, so it is stable.
    pub fn encode(&self) -> String {
        serde_json::json!({
            "occurred_at": self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            "actor_user_id": self.actor_user_id.map(|u| u.0),
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "details": self.details,
            "prev_hash": self.prev_hash,
        })
        .to_string()
    }

    pub fn hash(&self) -> String {
        digest(&self.encode())
    }
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Appends one entry: `actor` did `event` to `subject`. Call inside the transaction of the action
/// it records (`db::write_tx`).
pub fn record(
    conn: &mut DbConnection,
    actor: &AuditActor,
    event: Event,
    subject: Subject,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let event = AuditEvent {
        actor,
        action: event.as_str(),
        object_type: subject.object_type(),
        object_id: subject.object_id(),
        details,
    };
    append(conn, &event, now).map(|_| ())
}

/// Appends an entry given in its stored form; [`record`] is the way in for the application.
pub fn append(conn: &mut DbConnection, event: &AuditEvent<'_>, now: NaiveDateTime) -> QueryResult<AuditEntryId> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({PG_AUDIT_LOCK})")).execute(pg)?;
    }
    let prev_hash: String = audit_log::table
        .order(audit_log::id.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    // Both backends keep microseconds; truncating first makes the stored time hash the same.
    let occurred_at = now.trunc_subsecs(6);
    let (actor_user_id, actor) = event.actor.parts();
    let details = event.details.to_string();
    let hash = Canonical {
        occurred_at,
        actor_user_id,
        actor: &actor,
        action: event.action,
        object_type: event.object_type,
        object_id: &event.object_id,
        details: &details,
        prev_hash: &prev_hash,
    }
    .hash();
    diesel::insert_into(audit_log::table)
        .values(AuditInsertForm {
            occurred_at,
            actor_user_id,
            actor: &actor,
            action: event.action,
            object_type: event.object_type,
            object_id: &event.object_id,
            details: &details,
            prev_hash: &prev_hash,
            hash: &hash,
        })
        .returning(audit_log::id)
        .get_result(conn)
}

/// Why the chain is broken, at which entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenEntry {
    pub id: AuditEntryId,
    pub reason: &'static str,
}

/// Walks the whole chain in order; returns the number of entries, or the first broken one.
pub fn verify(conn: &mut DbConnection) -> QueryResult<Result<u64, BrokenEntry>> {
    const PAGE: i64 = 1000;
    let mut expected_prev = GENESIS.to_owned();
    let mut after = AuditEntryId(0);
    let mut count = 0u64;
    loop {
        let page: Vec<AuditEntry> = audit_log::table
            .filter(audit_log::id.gt(after))
            .order(audit_log::id.asc())
            .limit(PAGE)
            .select(AuditEntry::as_select())
            .load(conn)?;
        if page.is_empty() {
            return Ok(Ok(count));
        }
        for entry in &page {
            if entry.prev_hash != expected_prev {
                return Ok(Err(BrokenEntry { id: entry.id, reason: "prev_hash does not match the previous entry" }));
            }
            let recomputed = Canonical::of(entry).hash();
            if recomputed != entry.hash {
                return Ok(Err(BrokenEntry { id: entry.id, reason: "hash does not match the entry's content" }));
            }
            expected_prev = entry.hash.clone();
            after = entry.id;
            count += 1;
        }
    }
}

/// Filters for the administrators' page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub before: Option<AuditEntryId>,
}

/// The newest entries matching the filter, newest first.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.select(AuditEntry::as_select()).into_boxed();
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::action.like(format!("{}%", escape_like(action))).escape('\\'));
    }
    if let Some(actor) = filter.actor.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::actor.like(format!("%{}%", escape_like(&actor.to_lowercase()))).escape('\\'));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::id.lt(before));
    }
    query.order(audit_log::id.desc()).limit(limit).load(conn)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The names stored today, written once: an entry's action never changes once written, so
    /// renaming or dropping one must fail here (adding one means adding it here too).
    const STORED: &[&str] = &[
        "auth.email_verified",
        "auth.password_changed",
        "auth.password_set",
        "auth.register_known_address",
        "auth.reset_requested",
        "auth.sign_in",
        "auth.sign_in_failed",
        "auth.signed_out_everywhere",
        "committee.appointed",
        "committee.removed",
        "consortium.member_confirmed",
        "consortium.member_declined",
        "consortium.member_invited",
        "consortium.member_removed",
        "credential.created",
        "credential.restored",
        "credential.retired",
        "criterion.created",
        "criterion.deleted",
        "criterion.restored",
        "criterion.retired",
        "criterion.updated",
        "evaluation.configured",
        "evaluation.conflict_lifted",
        "evaluation.seat_released",
        "evaluation.conflicts_declared",
        "evaluation.consensus",
        "evaluation.decided",
        "evaluation.reopened",
        "evaluation.saved",
        "indicator.report_sent_back",
        "indicator.report_validated",
        "indicator.reported",
        "indicator.set",
        "support.action_planned",
        "support.action_delivered",
        "support.user_invited",
        "support.user_withdrawn",
        "support.action_edited",
        "support.action_cancelled",
        "support.action_rated",
        "retention.purged",
        "storage.integrity_failed",
        "evaluation.shortlist_changed",
        "evaluation.submitted",
        "message.report_resolved",
        "message.reported",
        "message.sent",
        "objective.amended",
        "objective.cancelled",
        "objective.created",
        "objective.document_added",
        "objective.document_removed",
        "objective.draft_deleted",
        "objective.published",
        "objective.results_published",
        "award.awarded",
        "objective.not_awarded",
        "award.letter_opened",
        "award.challenge_recorded",
        "award.challenge_settled",
        "award.contract_modified",
        "award.contract_signed",
        "objective.completed",
        "objective.archived",
        "organisation.invitation_revoked",
        "organisation.member_invited",
        "organisation.member_joined",
        "organisation.member_removed",
        "organisation.messaging_restored",
        "organisation.messaging_suspended",
        "organisation.ownership_transferred",
        "organisation.registered",
        "partners.requested",
        "partners.withdrawn",
        "practice.featured",
        "practice.published",
        "practice.refused",
        "practice.submitted",
        "practice.unfeatured",
        "consultation.opened",
        "consultation.contributed",
        "consultation.synthesis_published",
        "consultation.call_opened",
        "meeting.scheduled",
        "meeting.registered",
        "meeting.cancelled",
        "meeting.minutes_published",
        "profile.credential_added",
        "profile.credential_removed",
        "profile.listed",
        "profile.updated",
        "profile.withdrawn",
        "proposal.attachment_added",
        "proposal.attachment_removed",
        "proposal.deposited",
        "proposal.downloaded",
        "proposal.draft_created",
        "proposal.opened",
        "proposal.reconfirmed",
        "proposal.withdrawn",
        "question.answered",
        "question.asked",
        "question.published",
        "token.created",
        "token.revoked",
        "user.admin_created",
        "user.disabled",
        "user.enabled",
        "user.erased",
        "user.profile_updated",
        "user.roles_changed",
        "user.staff_invited",
    ];

    /// `^[a-z]+\.[a-z_]+$`, without a regex engine.
    fn well_formed(name: &str) -> bool {
        match name.split_once('.') {
            Some((area, verb)) => {
                !area.is_empty()
                    && area.bytes().all(|b| b.is_ascii_lowercase())
                    && !verb.is_empty()
                    && verb.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            }
            None => false,
        }
    }

    #[test]
    fn the_vocabulary_is_the_stored_one() {
        let names: Vec<&str> = Event::ALL.iter().map(|e| e.as_str()).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "every action has its own name");
        for name in &names {
            assert!(well_formed(name), "{name} is area.verb");
        }
        // `ALL` and the enum come from one table; that every variant is in it shows in the count.
        let variants: std::collections::HashSet<Event> = Event::ALL.iter().copied().collect();
        assert_eq!(variants.len(), Event::ALL.len());
        assert_eq!(unique, STORED.iter().copied().collect::<BTreeSet<_>>(), "stored names never change");
    }

    #[test]
    fn well_formed_names_only() {
        assert!(well_formed("auth.sign_in"));
        assert!(!well_formed("auth"));
        assert!(!well_formed("Auth.sign_in"));
        assert!(!well_formed("auth.sign-in"));
        assert!(!well_formed("auth.sign.in"));
        assert!(!well_formed(".x"));
    }

    #[test]
    fn subjects_store_their_type_and_id_as_before() {
        assert_eq!(
            (Subject::User(UserId(7)).object_type(), Subject::User(UserId(7)).object_id()),
            ("user", "7".into())
        );
        assert_eq!((Subject::UnknownUser.object_type(), Subject::UnknownUser.object_id()), ("user", String::new()));
        assert_eq!(Subject::ApiToken(ApiTokenId(3)).object_type(), "api_token");
        assert_eq!(
            (Subject::Report(ReportId(2)).object_type(), Subject::Report(ReportId(2)).object_id()),
            ("report", "2".into())
        );
    }
}
