//! One identifier type per table, so a user id can never be passed where another id is expected.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = BigInt)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl<DB> ToSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB> FromSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies a row of `users`.
    UserId
);

id_type!(
    /// Identifies a row of `organisations`.
    OrganisationId
);

id_type!(
    /// Identifies a row of `api_tokens`.
    ApiTokenId
);

id_type!(
    /// Identifies a row of `invitations`.
    InvitationId
);

id_type!(
    /// Identifies a row of `audit_log`.
    AuditEntryId
);

id_type!(
    /// Identifies a row of `mail_outbox`.
    MailId
);

id_type!(
    /// Identifies a row of `criteria`.
    CriterionId
);

id_type!(
    /// Identifies a row of `objectives`.
    ObjectiveId
);

id_type!(
    /// Identifies a row of `amendments`.
    AmendmentId
);

id_type!(
    /// Identifies a row of `questions`.
    QuestionId
);

id_type!(
    /// Identifies a row of `objective_documents`.
    DocumentId
);

id_type!(
    /// Identifies a row of `proposals`.
    ProposalId
);

id_type!(
    /// Identifies a row of `proposal_attachments`.
    AttachmentId
);

id_type!(
    /// Identifies a row of `deposits` (a deposit, reconfirmation or withdrawal, with its receipt).
    DepositId
);

id_type!(
    /// Identifies a row of `credentials` (the catalogue).
    CredentialId
);

id_type!(
    /// Identifies a row of `organisation_credentials` (a credential an organisation holds).
    HeldCredentialId
);

id_type!(
    /// Identifies a row of `partner_requests`.
    PartnerRequestId
);

id_type!(
    /// Identifies a row of `messages`.
    MessageId
);

id_type!(
    /// Identifies a row of `message_reports`.
    ReportId
);

id_type!(
    /// Identifies a row of `practices`.
    PracticeId
);

id_type!(
    /// Identifies a row of `letters`.
    LetterId
);

id_type!(
    /// Identifies a row of `challenges`.
    ChallengeId
);

id_type!(
    /// Identifies a row of `consultations`.
    ConsultationId
);

id_type!(
    /// Identifies a row of `consultation_contributions`.
    ContributionId
);

id_type!(
    /// Identifies a row of `consultation_meetings`.
    MeetingId
);
