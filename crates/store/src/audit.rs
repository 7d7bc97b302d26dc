//! The audit log: append-only and hash-chained. Each entry's hash is
//! `kaiji_sign::chain_hash(previous hash, entry)`, where the entry is the canonical JSON of its fields
//! (`seq`, `at`, `actor_user_id`, `actor`, `org_id`, `action`, `target`, `address`, `details`); the first
//! follows [`kaiji_sign::ContentAddress::genesis`], and `audit_head` holds the last hash, so dropping the
//! newest entries is seen too.

use std::str::FromStr;

use jiff::Timestamp;
use kaiji_sign::ContentAddress;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::{Error, OrgId, Result, Store, text, text_opt, ts};

/// The fields an entry's hash covers.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) seq: i64,
    pub(crate) at: i64,
    pub(crate) actor_user_id: Option<String>,
    pub(crate) actor: String,
    pub(crate) org_id: Option<String>,
    pub(crate) action: String,
    pub(crate) target: String,
    pub(crate) address: Option<String>,
    pub(crate) details: Value,
}

impl Entry {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "at": self.at,
            "actor_user_id": self.actor_user_id,
            "actor": self.actor,
            "org_id": self.org_id,
            "action": self.action,
            "target": self.target,
            "address": self.address,
            "details": self.details,
        })
    }
}

/// One audit entry, as exported for an inspector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub actor_user_id: Option<String>,
    pub actor: String,
    pub org_id: Option<String>,
    pub action: String,
    pub target: String,
    pub address: Option<String>,
    pub details: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The first entry that does not verify, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenEntry {
    /// The entry's sequence number (for a missing entry: the number expected).
    pub seq: i64,
    /// What is wrong, in English (the caller translates by `reason`'s kind).
    pub reason: String,
}

/// What [`Store::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: i64,
    /// The hash of the last entry (the chain's head as recomputed).
    pub head: String,
    /// `None` when the whole chain verifies.
    pub broken: Option<BrokenEntry>,
}

fn entry_from(row: &AnyRow) -> Result<(Entry, String, String)> {
    let details_text = text(row, "details")?;
    let details = serde_json::from_str(&details_text).unwrap_or(Value::String(details_text));
    Ok((
        Entry {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor_user_id: text_opt(row, "actor_user_id")?,
            actor: text(row, "actor")?,
            org_id: text_opt(row, "org_id")?,
            action: text(row, "action")?,
            target: text(row, "target")?,
            address: text_opt(row, "address")?,
            details,
        },
        text(row, "prev_hash")?,
        text(row, "hash")?,
    ))
}

const AUDIT_COLUMNS: &str =
    "seq, at, actor_user_id, actor, org_id, action, target, address, details, prev_hash, hash";

impl Store {
    /// Recomputes the whole chain, in pages, and names the first entry that breaks it: a changed field
    /// (its hash no longer matches), a removed or reordered entry (a gap, or a `prev_hash` that is not the
    /// hash before), or a head that does not match the last entry.
    pub async fn verify_audit(&self) -> Result<AuditReport> {
        let mut expected_prev = ContentAddress::genesis();
        let mut expected_seq = 1i64;
        let mut entries = 0i64;
        let page = 500i64;
        let broken = |seq: i64, reason: String, entries: i64, head: &ContentAddress| AuditReport {
            entries,
            head: head.as_str().to_owned(),
            broken: Some(BrokenEntry { seq, reason }),
        };
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2"
            ))
            .bind(expected_seq)
            .bind(page)
            .fetch_all(&self.pool)
            .await?;
            let count = rows.len() as i64;
            for row in &rows {
                let (entry, prev_hash, hash) = entry_from(row)?;
                if entry.seq != expected_seq {
                    return Ok(broken(
                        expected_seq,
                        format!(
                            "entry {expected_seq} is missing (the next is {})",
                            entry.seq
                        ),
                        entries,
                        &expected_prev,
                    ));
                }
                if prev_hash != expected_prev.as_str() {
                    return Ok(broken(
                        entry.seq,
                        "its previous hash is not the hash of the entry before it".into(),
                        entries,
                        &expected_prev,
                    ));
                }
                let recomputed = kaiji_sign::chain_hash(&expected_prev, &entry.to_json());
                if recomputed.as_str() != hash {
                    return Ok(broken(
                        entry.seq,
                        "its content does not match its hash (changed after it was written)".into(),
                        entries,
                        &expected_prev,
                    ));
                }
                expected_prev = recomputed;
                expected_seq += 1;
                entries += 1;
            }
            if count < page {
                break;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash = text(&head, "hash")?;
        if head_seq != entries || head_hash != expected_prev.as_str() {
            return Ok(broken(
                entries + 1,
                format!(
                    "the chain's head says {head_seq} entries ending in {head_hash}; \
                     the log has {entries} (entries after {entries} were removed?)"
                ),
                entries,
                &expected_prev,
            ));
        }
        ContentAddress::from_str(&head_hash)
            .map_err(|e| Error::Corrupt(format!("audit head: {e}")))?;
        Ok(AuditReport {
            entries,
            head: head_hash,
            broken: None,
        })
    }

    /// Audit entries after `after_seq` (0 for the start), at most `limit`, oldest first; with `org`, only
    /// the entries made for that organisation.
    pub async fn audit_entries(
        &self,
        org: Option<&OrgId>,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 AND ($2 = '' OR org_id = $2) \
             ORDER BY seq LIMIT $3"
        ))
        .bind(after_seq)
        .bind(org.map(|o| o.as_str().to_owned()).unwrap_or_default())
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let (entry, prev_hash, hash) = entry_from(row)?;
                Ok(AuditEntry {
                    seq: entry.seq,
                    at: ts(row, "at")?,
                    actor_user_id: entry.actor_user_id,
                    actor: entry.actor,
                    org_id: entry.org_id,
                    action: entry.action,
                    target: entry.target,
                    address: entry.address,
                    details: entry.details,
                    prev_hash,
                    hash,
                })
            })
            .collect()
    }
}
