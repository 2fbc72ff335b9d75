//! Deposits: each one freezes an immutable snapshot of the proposal and its attachments, and
//! gets a receipt whose hash anyone holding it can check. Withdrawals and reconfirmations are
//! rows of the same table, each with its own receipt. Rows are never changed afterwards, except
//! to record their opening.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ProposalError, ProposalFull, accepts_proposals, load, lock_key, micros, missing_for_deposit, record};
use crate::db::ids::{CriterionId, DepositId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{criteria, deposit_documents, deposits, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::Event;
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

/// What a row of `deposits` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Deposit,
    Reconfirmation,
    Withdrawal,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Deposit => "deposit",
            Kind::Reconfirmation => "reconfirmation",
            Kind::Withdrawal => "withdrawal",
        }
    }
    pub fn parse(s: &str) -> Kind {
        match s {
            "reconfirmation" => Kind::Reconfirmation,
            "withdrawal" => Kind::Withdrawal,
            _ => Kind::Deposit,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = deposits)]
pub struct Deposit {
    pub id: DepositId,
    pub proposal_id: ProposalId,
    pub objective_id: ObjectiveId,
    pub organisation_id: OrganisationId,
    pub kind: String,
    pub receipt_number: String,
    pub depositor_id: UserId,
    pub started_at: NaiveDateTime,
    pub deposited_at: NaiveDateTime,
    pub late: bool,
    pub snapshot: String,
    pub receipt: String,
    pub deposit_hash: String,
    pub opened_at: Option<NaiveDateTime>,
    pub opened_by: Option<UserId>,
}

impl Deposit {
    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind)
    }
    pub fn snapshot(&self) -> Option<Snapshot> {
        serde_json::from_str(&self.snapshot).ok()
    }
    pub fn receipt(&self) -> Option<Receipt> {
        serde_json::from_str(&self.receipt).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = deposit_documents)]
pub struct DepositDocument {
    pub deposit_id: DepositId,
    pub position: i32,
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// The frozen content of a deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub title: String,
    pub summary: String,
    pub solution: String,
    pub change_support: String,
    pub statements: Vec<SnapshotStatement>,
    pub cost_euros: Option<i64>,
    pub duration_months: Option<i32>,
    pub consortium: Option<ConsortiumPart>,
    pub documents: Vec<ReceiptDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotStatement {
    pub criterion_id: CriterionId,
    pub criterion_code: String,
    pub statement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsortiumPart {
    /// `conjoint` or `solidaire`.
    #[serde(rename = "type")]
    pub kind: String,
    pub members: Vec<ReceiptOrganisation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptOrganisation {
    pub name: String,
    pub identifier_type: String,
    pub identifier: String,
    /// The member's role (empty for the lead organisation).
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptDocument {
    pub name: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptObjective {
    pub reference: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptDepositor {
    pub user_id: i64,
    pub user_name: String,
    pub user_email: String,
    pub organisation: ReceiptOrganisation,
}

/// A receipt, as stored, downloaded and hashed. `deposit_hash` is the SHA-256 of the canonical
/// JSON of every other field (keys sorted, no spaces): see `canonical_json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Receipt {
    pub receipt_number: String,
    /// `deposit`, `reconfirmation` or `withdrawal`.
    pub kind: String,
    pub buyer: String,
    pub objective: ReceiptObjective,
    pub depositor: ReceiptDepositor,
    pub consortium: Option<ConsortiumPart>,
    /// When the server started receiving the request (UTC, RFC 3339 with microseconds).
    pub upload_started_at: String,
    /// When the deposit was committed (UTC, RFC 3339 with microseconds): the legal time.
    pub deposited_at: String,
    /// Ended after the deadline: kept, never opened.
    pub late: bool,
    /// A practice deposit, which counts nowhere.
    pub practice: bool,
    pub documents: Vec<ReceiptDocument>,
    /// SHA-256 of the frozen content (the snapshot's canonical JSON).
    pub content_sha256: String,
}

/// JSON with object keys sorted and no insignificant space: the form hashes are computed on.
pub fn canonical_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.into_iter().map(|k| format!("{}:{}", Value::String(k.clone()), canonical_json(&map[k]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical_json).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Receipt {
    pub fn canonical(&self) -> String {
        canonical_json(&serde_json::to_value(self).unwrap_or_default())
    }
    pub fn hash(&self) -> String {
        sha256_hex(&self.canonical())
    }
}

fn utc(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A receipt number: `AO-` and twelve characters of Crockford's base 32 (60 random bits).
/// A receipt number no deposit has yet: numbers are drawn from `draw` until one is free (60
/// random bits make a second draw all but impossible, but a collision must never fail a deposit:
/// the unique index would abort the transaction). Gives up after 16 draws, which only a broken
/// generator reaches.
pub fn unused_receipt_number(conn: &mut DbConnection, draw: &mut dyn FnMut() -> String) -> QueryResult<String> {
    for _ in 0..16 {
        let number = draw();
        let taken: i64 = deposits::table.filter(deposits::receipt_number.eq(&number)).count().get_result(conn)?;
        if taken == 0 {
            return Ok(number);
        }
        tracing::warn!(receipt_number = %number, "receipt number collision: drawing another");
    }
    Err(diesel::result::Error::RollbackTransaction)
}

fn new_receipt_number() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes: [u8; 12] = rand::random();
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[(*b % 32) as usize] as char).collect();
    format!(
        "AO-{}-{}-{}",
        chars[0..4].iter().collect::<String>(),
        chars[4..8].iter().collect::<String>(),
        chars[8..12].iter().collect::<String>()
    )
}

/// A receipt number as typed: upper case, spaces removed, `O`/`I`/`L` read as digits.
pub fn normalise_number(raw: &str) -> String {
    raw.trim()
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect::<String>()
        .replacen("A0-", "AO-", 1)
}

pub fn of_proposal(conn: &mut DbConnection, id: ProposalId) -> QueryResult<Vec<Deposit>> {
    deposits::table
        .filter(deposits::proposal_id.eq(id))
        .order((deposits::deposited_at.asc(), deposits::id.asc()))
        .select(Deposit::as_select())
        .load(conn)
}

pub fn of_proposals(conn: &mut DbConnection, ids: &[ProposalId]) -> QueryResult<HashMap<ProposalId, Vec<Deposit>>> {
    let mut out: HashMap<ProposalId, Vec<Deposit>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<Deposit> = deposits::table
        .filter(deposits::proposal_id.eq_any(ids))
        .order((deposits::deposited_at.asc(), deposits::id.asc()))
        .select(Deposit::as_select())
        .load(conn)?;
    for d in rows {
        out.entry(d.proposal_id).or_default().push(d);
    }
    Ok(out)
}

pub fn find(conn: &mut DbConnection, id: DepositId) -> QueryResult<Option<Deposit>> {
    deposits::table.find(id).select(Deposit::as_select()).first(conn).optional()
}

pub fn documents(conn: &mut DbConnection, id: DepositId) -> QueryResult<Vec<DepositDocument>> {
    deposit_documents::table
        .filter(deposit_documents::deposit_id.eq(id))
        .order(deposit_documents::position.asc())
        .select(DepositDocument::as_select())
        .load(conn)
}

pub fn file_is_deposited(conn: &mut DbConnection, storage_key: &str) -> QueryResult<bool> {
    let n: i64 =
        deposit_documents::table.filter(deposit_documents::storage_key.eq(storage_key)).count().get_result(conn)?;
    Ok(n > 0)
}

/// The public check: does a receipt with this number carry this hash? Nothing else is said.
pub fn verify(conn: &mut DbConnection, number: &str, hash: &str) -> QueryResult<bool> {
    let number = normalise_number(number);
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let stored: Option<String> = deposits::table
        .filter(deposits::receipt_number.eq(&number))
        .select(deposits::deposit_hash)
        .first(conn)
        .optional()?;
    Ok(stored.is_some_and(|s| s == hash))
}

/// Who deposits, and with what settings.
pub struct Depositor<'a> {
    pub user: UserId,
    pub buyer: &'a str,
    /// The receipt page, for the mail.
    pub receipt_link: &'a dyn Fn(DepositId) -> String,
    /// What the depositor reviewed (the draft's version and its attachments' ids, as
    /// [`Reviewed::of`] gives them); a deposit of anything else is refused.
    pub reviewed: Option<Reviewed>,
}

/// The state of a draft a person reviewed before depositing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    pub version: i32,
    /// The attachments' ids, comma-separated, in order.
    pub attachments: String,
}

impl Reviewed {
    pub fn of(full: &ProposalFull) -> Reviewed {
        let ids: Vec<String> = full.attachments.iter().map(|a| a.id.0.to_string()).collect();
        Reviewed { version: full.proposal.version, attachments: ids.join(",") }
    }
}

/// The frozen content of the proposal as it is now.
fn snapshot_of(conn: &mut DbConnection, full: &ProposalFull) -> QueryResult<(Snapshot, Vec<DepositDocument>)> {
    let ids: Vec<CriterionId> = full.statements.iter().map(|(c, _)| *c).collect();
    let codes: HashMap<CriterionId, String> = criteria::table
        .filter(criteria::id.eq_any(&ids))
        .select((criteria::id, criteria::code))
        .load::<(CriterionId, String)>(conn)?
        .into_iter()
        .collect();
    let statements = full
        .statements
        .iter()
        .map(|(c, s)| SnapshotStatement {
            criterion_id: *c,
            criterion_code: codes.get(c).cloned().unwrap_or_default(),
            statement: s.clone(),
        })
        .collect();
    let docs: Vec<DepositDocument> = full
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| DepositDocument {
            deposit_id: DepositId(0),
            position: i as i32,
            storage_key: a.storage_key.clone(),
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
        })
        .collect();
    let p = &full.proposal;
    Ok((
        Snapshot {
            title: p.title.clone(),
            summary: p.summary.clone(),
            solution: p.solution.clone(),
            change_support: p.change_support.clone(),
            statements,
            cost_euros: p.cost_euros,
            duration_months: p.duration_months,
            consortium: consortium_part(full),
            documents: docs.iter().map(receipt_document).collect(),
        },
        docs,
    ))
}

fn receipt_document(d: &DepositDocument) -> ReceiptDocument {
    ReceiptDocument { name: d.file_name.clone(), size_bytes: d.size_bytes, sha256: d.sha256.clone() }
}

fn consortium_part(full: &ProposalFull) -> Option<ConsortiumPart> {
    if full.members.is_empty() {
        return None;
    }
    Some(ConsortiumPart {
        kind: full.proposal.consortium_type.clone().unwrap_or_else(|| "conjoint".into()),
        members: full
            .members
            .iter()
            .map(|m| ReceiptOrganisation {
                name: m.legal_name.clone(),
                identifier_type: m.identifier_type.clone(),
                identifier: m.identifier.clone(),
                role: m.role.clone(),
            })
            .collect(),
    })
}

/// How long after the deadline a deposit that *arrived* before it may still commit and stand.
/// The request's arrival (`web::middleware::Arrival`) decides whether it is on time; waiting for
/// the authentication's or the deposit's own write lock must not turn it into a refusal. The
/// bound keeps the rule deterministic: one that arrived in time but commits later than this
/// after the deadline (a server stalled for a minute) is kept, marked late, and never opened.
/// The opening waits as long (`opening::openable`), so nothing on time is left behind it.
pub const DEPOSIT_GRACE: chrono::Duration = chrono::Duration::seconds(60);

/// Deposits (or reconfirms, or withdraws) a proposal. `started_at` is when the request arrived
/// (the objective must have taken proposals then); the deposit's legal time is read inside the
/// transaction, after the proposal's lock, from `clock`: the time of its commit. A deposit that
/// arrived in time and commits within [`DEPOSIT_GRACE`] after the deadline stands; one that
/// commits later is kept and marked late. The receipt mail is queued in the same transaction.
pub fn deposit(
    conn: &mut DbConnection,
    id: ProposalId,
    kind: Kind,
    depositor: &Depositor<'_>,
    started_at: NaiveDateTime,
    clock: &dyn Fn() -> NaiveDateTime,
) -> Result<DepositId, ProposalError> {
    write_tx(conn, |conn| {
        // The objective's lock first (an essential amendment takes it too: a deposit is either
        // before it, and mailed to reconfirm, or after it), then the proposal's.
        let objective: ObjectiveId = crate::db::schema::proposals::table
            .find(id)
            .select(crate::db::schema::proposals::objective_id)
            .first(conn)
            .optional()?
            .ok_or(ProposalError::NotFound)?;
        crate::db::serialize(conn, crate::db::locks::objective_lock_key(objective))?;
        crate::db::serialize(conn, lock_key(id))?;
        let now = micros(clock());
        let full = load(conn, id)?.ok_or(ProposalError::NotFound)?;
        // The request must have started while the objective took proposals.
        if !accepts_proposals(&full.objective, started_at) {
            return Err(ProposalError::Closed);
        }
        let last_on_time = full.deposits.iter().rev().find(|d| !d.late);
        let (snapshot_json, docs, consortium) = match kind {
            Kind::Deposit => {
                if depositor.reviewed.as_ref().is_some_and(|r| *r != Reviewed::of(&full)) {
                    return Err(ProposalError::ChangedSinceReview);
                }
                let problems = missing_for_deposit(&full.content());
                if !problems.is_empty() {
                    return Err(ProposalError::Incomplete(problems));
                }
                if full.members.iter().any(|m| m.confirmed_at.is_none()) {
                    return Err(ProposalError::UnconfirmedMembers);
                }
                let (snapshot, docs) = snapshot_of(conn, &full)?;
                let consortium = snapshot.consortium.clone();
                (serde_json::to_string(&snapshot)?, docs, consortium)
            }
            Kind::Reconfirmation => {
                // The last deposit, unchanged, deposited again.
                let last =
                    last_on_time.filter(|d| d.kind() != Kind::Withdrawal).ok_or(ProposalError::NothingDeposited)?;
                let docs = documents(conn, last.id)?;
                let consortium = last.snapshot().and_then(|s| s.consortium);
                // The same consortium as deposited, every member still confirmed.
                if consortium != consortium_part(&full) {
                    return Err(ProposalError::ConsortiumChanged);
                }
                if full.members.iter().any(|m| m.confirmed_at.is_none()) {
                    return Err(ProposalError::UnconfirmedMembers);
                }
                (last.snapshot.clone(), docs, consortium)
            }
            Kind::Withdrawal => {
                // The withdrawal names the consortium of the deposit it withdraws.
                let last =
                    last_on_time.filter(|d| d.kind() != Kind::Withdrawal).ok_or(ProposalError::NothingDeposited)?;
                let consortium = last.snapshot().and_then(|s| s.consortium);
                (serde_json::json!({ "withdrawn": true }).to_string(), Vec::new(), consortium)
            }
        };
        let content_sha256 =
            sha256_hex(&canonical_json(&serde_json::from_str::<serde_json::Value>(&snapshot_json).unwrap_or_default()));
        let (user_name, user_email, lead_type, lead_identifier): (String, String, String, String) = users::table
            .inner_join(
                crate::db::schema::organisations::table
                    .on(crate::db::schema::organisations::id.eq(full.proposal.organisation_id)),
            )
            .filter(users::id.eq(depositor.user))
            .select((
                users::display_name,
                users::email,
                crate::db::schema::organisations::identifier_type,
                crate::db::schema::organisations::identifier,
            ))
            .first(conn)?;
        let late = !full.objective.practice
            && full.objective.deadline_at.is_some_and(|d| started_at >= d || now >= d + DEPOSIT_GRACE);
        let receipt = Receipt {
            receipt_number: unused_receipt_number(conn, &mut new_receipt_number)?,
            kind: kind.as_str().into(),
            buyer: depositor.buyer.into(),
            objective: ReceiptObjective {
                reference: full.objective.reference.clone(),
                title: full.objective.title.clone(),
            },
            depositor: ReceiptDepositor {
                user_id: depositor.user.0,
                user_name,
                user_email: user_email.clone(),
                organisation: ReceiptOrganisation {
                    name: full.lead_name.clone(),
                    identifier_type: lead_type,
                    identifier: lead_identifier,
                    role: String::new(),
                },
            },
            consortium,
            upload_started_at: utc(micros(started_at)),
            deposited_at: utc(now),
            late,
            practice: full.objective.practice,
            documents: docs.iter().map(receipt_document).collect(),
            content_sha256,
        };
        let hash = receipt.hash();
        let receipt_json = serde_json::to_string(&receipt)?;
        let deposit_id: DepositId = diesel::insert_into(deposits::table)
            .values((
                deposits::proposal_id.eq(id),
                deposits::objective_id.eq(full.objective.id),
                deposits::organisation_id.eq(full.proposal.organisation_id),
                deposits::kind.eq(kind.as_str()),
                deposits::receipt_number.eq(&receipt.receipt_number),
                deposits::depositor_id.eq(depositor.user),
                deposits::started_at.eq(micros(started_at)),
                deposits::deposited_at.eq(now),
                deposits::late.eq(late),
                deposits::snapshot.eq(&snapshot_json),
                deposits::receipt.eq(&receipt_json),
                deposits::deposit_hash.eq(&hash),
            ))
            .returning(deposits::id)
            .get_result(conn)?;
        for d in &docs {
            diesel::insert_into(deposit_documents::table)
                .values((
                    deposit_documents::deposit_id.eq(deposit_id),
                    deposit_documents::position.eq(d.position),
                    deposit_documents::storage_key.eq(&d.storage_key),
                    deposit_documents::file_name.eq(&d.file_name),
                    deposit_documents::content_type.eq(&d.content_type),
                    deposit_documents::size_bytes.eq(d.size_bytes),
                    deposit_documents::sha256.eq(&d.sha256),
                ))
                .execute(conn)?;
        }
        let event = match kind {
            Kind::Deposit => Event::ProposalDeposited,
            Kind::Reconfirmation => Event::ProposalReconfirmed,
            Kind::Withdrawal => Event::ProposalWithdrawn,
        };
        record(
            conn,
            depositor.user,
            event,
            id,
            serde_json::json!({ "deposit": deposit_id.0, "receipt_number": receipt.receipt_number, "late": late, "documents": docs.len() }),
            now,
        )?;
        let locale: String = users::table.find(depositor.user).select(users::locale).first(conn)?;
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let link = (depositor.receipt_link)(deposit_id);
        let mail = templates::deposit_receipt(lang, &user_email, &receipt, &hash, &link);
        outbox::enqueue(conn, &mail, now)?;
        Ok(deposit_id)
    })
}

/// Properties of receipts as their holders check them: the downloaded JSON, its canonical form
/// and its hash (`cargo test --lib property_tests`; the procedure of docs/PROPOSALS.md).
#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Text of any kind: control characters, quotes, backslashes, non-ASCII, U+2028.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,24}",
            any::<String>().prop_map(|s| s.chars().take(24).collect()),
            "[\"\\\\/\u{0}-\u{1f}\u{7f}\u{2028}a]{0,8}"
        ]
    }

    fn organisation() -> impl Strategy<Value = ReceiptOrganisation> {
        (text(), text(), text(), text()).prop_map(|(name, identifier_type, identifier, role)| ReceiptOrganisation {
            name,
            identifier_type,
            identifier,
            role,
        })
    }

    fn document() -> impl Strategy<Value = ReceiptDocument> {
        (text(), any::<i64>(), "[0-9a-f]{64}").prop_map(|(name, size_bytes, sha256)| ReceiptDocument {
            name,
            size_bytes,
            sha256,
        })
    }

    fn receipts() -> impl Strategy<Value = Receipt> {
        let consortium = proptest::option::of(
            (text(), proptest::collection::vec(organisation(), 0..3))
                .prop_map(|(kind, members)| ConsortiumPart { kind, members }),
        );
        (
            (text(), text(), text(), text(), text()),
            (any::<i64>(), text(), text(), organisation()),
            consortium,
            (text(), text(), any::<bool>(), any::<bool>()),
            proptest::collection::vec(document(), 0..4),
            "[0-9a-f]{64}",
        )
            .prop_map(
                |(
                    (receipt_number, kind, buyer, reference, title),
                    (user_id, user_name, user_email, org),
                    consortium,
                    (upload_started_at, deposited_at, late, practice),
                    documents,
                    content_sha256,
                )| Receipt {
                    receipt_number,
                    kind,
                    buyer,
                    objective: ReceiptObjective { reference, title },
                    depositor: ReceiptDepositor { user_id, user_name, user_email, organisation: org },
                    consortium,
                    upload_started_at,
                    deposited_at,
                    late,
                    practice,
                    documents,
                    content_sha256,
                },
            )
    }

    /// The receipt as downloaded: its fields and `deposit_hash`.
    fn downloaded(receipt: &Receipt) -> Value {
        let mut value = serde_json::to_value(receipt).unwrap_or_default();
        if let Value::Object(map) = &mut value {
            map.insert("deposit_hash".into(), Value::String(receipt.hash()));
        }
        value
    }

    /// A holder's check: the hash of the canonical JSON of every field but `deposit_hash`.
    fn holder_verifies(text: &str) -> bool {
        let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(text) else { return false };
        let Some(Value::String(claimed)) = map.remove("deposit_hash") else { return false };
        sha256_hex(&canonical_json(&Value::Object(map))) == claimed
    }

    /// The paths of a JSON value's leaves (strings, numbers, booleans, null) and empty containers.
    fn leaves(value: &Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                map.iter().for_each(|(k, v)| leaves(v, [path.clone(), vec![k.clone()]].concat(), out))
            }
            Value::Array(items) if !items.is_empty() => {
                items.iter().enumerate().for_each(|(i, v)| leaves(v, [path.clone(), vec![i.to_string()]].concat(), out))
            }
            _ => out.push(path),
        }
    }

    fn leaf_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
        path.iter().try_fold(value, |v, key| match v {
            Value::Object(map) => map.get_mut(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        })
    }

    /// Another value of a leaf: a string with a character more or one less, a number plus one, a
    /// boolean flipped, null replaced.
    fn changed(value: &Value, extra: char) -> Value {
        match value {
            Value::String(s) if s.ends_with(extra) => Value::String(s[..s.len() - extra.len_utf8()].to_owned()),
            Value::String(s) => Value::String(format!("{s}{extra}")),
            Value::Number(n) => Value::from(n.as_i64().map_or(0, |n| n.wrapping_add(1))),
            Value::Bool(b) => Value::Bool(!b),
            Value::Null => Value::String(extra.to_string()),
            Value::Array(_) => Value::Array(vec![Value::Null]),
            Value::Object(_) => serde_json::json!({ "x": null }),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A downloaded receipt verifies, written compactly or pretty, and reads back as the same receipt.
        #[test]
        fn a_downloaded_receipt_verifies_and_round_trips(receipt in receipts()) {
            let value = downloaded(&receipt);
            let compact = serde_json::to_string(&value).unwrap_or_default();
            let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
            prop_assert!(holder_verifies(&compact), "{compact}");
            prop_assert!(holder_verifies(&pretty));
            let back: Receipt = serde_json::from_str(&pretty).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back.hash(), receipt.hash());
            prop_assert_eq!(back, receipt);
        }

        /// Any change to any field of a downloaded receipt, or to its hash, fails the check.
        #[test]
        fn any_change_to_a_field_fails_verification(receipt in receipts(), pick in any::<prop::sample::Index>(), extra in any::<char>()) {
            let mut value = downloaded(&receipt);
            let mut paths = Vec::new();
            leaves(&value, Vec::new(), &mut paths);
            let path = pick.get(&paths).clone();
            let leaf = leaf_mut(&mut value, &path).ok_or_else(|| TestCaseError::fail("no leaf"))?;
            *leaf = changed(leaf, extra);
            let text = serde_json::to_string(&value).unwrap_or_default();
            prop_assert!(!holder_verifies(&text), "changing {path:?} still verifies");
        }

        /// The canonical form does not depend on the order of the keys in the text, and reading it
        /// back gives the same value and the same form.
        #[test]
        fn the_canonical_form_is_one_for_any_key_order(receipt in receipts(), seed in any::<u64>()) {
            let value = serde_json::to_value(&receipt).unwrap_or_default();
            let canonical = canonical_json(&value);
            let reread: Value = serde_json::from_str(&canonical).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&reread, &value);
            prop_assert_eq!(canonical_json(&reread), canonical.clone());
            // The top-level keys written in another order.
            let Value::Object(map) = &value else { return Err(TestCaseError::fail("not an object")) };
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| sha256_hex(&format!("{seed}{k}")));
            let shuffled = format!(
                "{{{}}}",
                entries.iter().map(|(k, v)| format!("{}:{}", Value::String((*k).clone()), v)).collect::<Vec<_>>().join(",")
            );
            let parsed: Value = serde_json::from_str(&shuffled).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(canonical_json(&parsed), canonical);
        }

        /// A receipt number drawn is already in its normal form, and reads the same however it is typed.
        #[test]
        fn receipt_numbers_read_the_same_however_typed(spaces in proptest::collection::vec(0usize..17, 0..4), lower in any::<bool>()) {
            let number = new_receipt_number();
            prop_assert_eq!(normalise_number(&number), number.clone());
            let mut typed: String = if lower { number.to_lowercase() } else { number.clone() };
            for at in spaces {
                let at = typed.char_indices().nth(at).map_or(typed.len(), |(i, _)| i);
                typed.insert(at, ' ');
            }
            prop_assert_eq!(normalise_number(&format!("  {typed} ")), number);
        }
    }
}
