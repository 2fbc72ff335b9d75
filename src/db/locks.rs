//! The advisory-lock keys: every key the application locks on, and what each one serialises.
//!
//! On PostgreSQL, [`super::serialize`] takes a transaction-scoped advisory lock on the key
//! (`pg_advisory_xact_lock`), released when the transaction commits or rolls back. On SQLite it
//! does nothing: write transactions are already one at a time (`BEGIN IMMEDIATE`, see
//! [`super::write_tx`]).
//!
//! The keys share one 64-bit space. Each starts with the bytes `0x41434841` ("ACHA"); the next
//! byte is the family, and keys for one row put its id in the low bytes (ids below 2^24 stay in
//! their family):
//!
//! | key | family | serialises |
//! |---|---|---|
//! | `0x4143_4841_5400_0001` | `T` | migrations of several app servers starting at once (a session lock, `db::migrations`) |
//! | [`PG_AUDIT_LOCK`] `0x4143_4841_5400_0002` | `T` | appends to the audit log's hash chain |
//! | [`LOCK_ADMINS`] `0x4143_4841_5400_0010` | `T` | changes to administrators' roles and accounts |
//! | [`LOCK_OBJECTIVES`] `0x4143_4841_5400_0020` | `T` | writes to objectives and the criteria catalogue |
//! | [`LOCK_NETWORK`] `0x4143_4841_5400_0030` | `T` | the network of suppliers' checked writes |
//! | [`LOCK_ORGANISATIONS`] `+ id` | `U` | one organisation's owner and members |
//! | `proposals::lock_key(id)` `0x4143_4841_5600_0000 ^ id` | `V` | writes to one proposal |
//! | [`objective_lock_key`]`(id)` | `W` | deposits on one objective against its amendments |
//! | `evaluation::lock_key(id)` `0x4143_4841_5800_0000 ^ id` | `X` | one objective's evaluation |
//! | `consultation::lock_key(id)` `0x4143_4841_5900_0000 ^ id` | `Y` | one consultation's contributions, meetings' seats, synthesis and call |
//!
//! Transactions that take several keys take them in the order of this table ([`LOCK_OBJECTIVES`]
//! before an objective's or a proposal's key, an objective's before its proposals'), so two of
//! them never wait on each other.

use crate::db::ids::ObjectiveId;

/// The head of the audit log's hash chain: appends one at a time (`audit::append`), so each
/// entry's `prev_hash` is the last entry's hash. (`prev_hash` is UNIQUE too: a missed lock fails
/// the second append instead of forking the chain.)
pub const PG_AUDIT_LOCK: i64 = 0x4143_4841_5400_0002;

/// The set of administrators: granting and removing roles, disabling and enabling accounts
/// (`accounts`), so the last administrator can neither lose the role nor be disabled.
pub const LOCK_ADMINS: i64 = 0x4143_4841_5400_0010;

/// Plus an organisation's id: one organisation's owner and members (`accounts`: removing a
/// member, transferring the ownership), checked against the current owner.
pub const LOCK_ORGANISATIONS: i64 = 0x4143_4841_5500_0000;

/// Writes to objectives and the criteria catalogue (rare enough to go one at a time): creating,
/// saving, publishing, cancelling and deleting objectives (`objectives::editing`), their
/// documents (`web::handlers::documents`), the criteria's edits and removals (`criteria`,
/// `web::handlers::criteria`: what a published objective relies on does not change under it),
/// the practice objective (`proposals::practice`), the opening of proposals
/// (`proposals::opening`) and the evaluation's results (`evaluation::decision`).
pub const LOCK_OBJECTIVES: i64 = 0x4143_4841_5400_0020;

/// The network of suppliers' writes that check before they insert or change (profiles,
/// credentials, partner requests, reports, reviews): one at a time (`web::handlers::network`,
/// `web::handlers::messages`).
pub const LOCK_NETWORK: i64 = 0x4143_4841_5400_0030;

/// Serialises deposits on one objective with its essential amendments, on PostgreSQL: a deposit
/// (`proposals::deposits`) is wholly before an amendment (`objectives::save`), and mailed to
/// reconfirm, or wholly after it; the opening (`proposals::opening`) waits for deposits under way.
pub fn objective_lock_key(id: ObjectiveId) -> i64 {
    0x4143_4841_5700_0000 ^ id.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::ids::ProposalId;

    #[test]
    fn every_key_is_distinct_and_in_its_family() {
        let family = |key: i64| key >> 24;
        let singletons = [0x4143_4841_5400_0001, PG_AUDIT_LOCK, LOCK_ADMINS, LOCK_OBJECTIVES, LOCK_NETWORK];
        for (i, a) in singletons.iter().enumerate() {
            assert_eq!(family(*a), 0x41_4348_4154, "{a:#x}");
            assert!(singletons[i + 1..].iter().all(|b| a != b), "{a:#x} is taken twice");
        }
        let id = 16_777_215;
        assert_eq!(family(LOCK_ORGANISATIONS + id), 0x41_4348_4155);
        assert_eq!(family(crate::domain::proposals::lock_key(ProposalId(id))), 0x41_4348_4156);
        assert_eq!(family(objective_lock_key(ObjectiveId(id))), 0x41_4348_4157);
        assert_eq!(family(crate::domain::evaluation::lock_key(ObjectiveId(id))), 0x41_4348_4158);
        let consultation = crate::db::ids::ConsultationId(id);
        assert_eq!(family(crate::domain::consultation::lock_key(consultation)), 0x41_4348_4159);
    }
}
