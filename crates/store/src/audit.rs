//! The audit chain: how entries are hashed and checked. Backends call [`entry_hash`] when they
//! append an entry (inside the transaction of the change) and [`Digest`] to fingerprint the
//! change; `refwatch audit verify` calls [`verify_chain`].
//!
//! `hash = BLAKE3(context || seq || at || actor || action || objects || digest || prev_hash)`,
//! every field length-prefixed, and `prev_hash` of the first entry is [`GENESIS`]. Sequence
//! numbers start at 1 and have no gaps, so a deleted or reordered entry breaks the chain at
//! its position; the stored head (last sequence and hash) catches deleting the last entries.

use crate::AuditEntry;

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const CONTEXT: &[u8] = b"refwatch.audit.v1";

/// Fingerprints a change: feed it the change's fields, in a fixed order, then take [`Digest::hex`].
pub struct Digest(blake3::Hasher);

impl Digest {
    /// A digest for `action`'s change.
    pub fn new(action: &str) -> Digest {
        let mut digest = Digest(blake3::Hasher::new());
        digest.field(b"refwatch.change.v1");
        digest.field(action.as_bytes());
        digest
    }

    /// Adds one field (length-prefixed, so fields cannot run into each other).
    pub fn field(&mut self, bytes: &[u8]) -> &mut Digest {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a number.
    pub fn number(&mut self, n: i64) -> &mut Digest {
        self.field(&n.to_le_bytes())
    }

    pub fn hex(&self) -> String {
        self.0.finalize().to_hex().to_string()
    }
}

/// The hash of an entry, from every field except `hash` itself.
pub fn entry_hash(
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    objects: &str,
    digest: &str,
    prev_hash: &str,
) -> String {
    let mut hasher = Digest(blake3::Hasher::new());
    hasher.field(CONTEXT);
    hasher.number(seq).number(at);
    for text in [actor, action, objects, digest, prev_hash] {
        hasher.field(text.as_bytes());
    }
    hasher.hex()
}

/// Why the chain does not verify, naming the first entry at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("audit entry {seq}: expected sequence number {expected} (an entry was deleted or reordered)")]
    Sequence { seq: i64, expected: i64 },
    #[error(
        "audit entry {seq}: does not follow the entry before it (an entry was deleted, altered or reordered)"
    )]
    Link { seq: i64 },
    #[error("audit entry {seq}: contents do not match its hash (the entry was altered)")]
    Altered { seq: i64 },
    #[error("audit log ends at entry {last} but its head names entry {head} (entries were deleted)")]
    Head { last: i64, head: i64 },
    #[error("audit entry {seq}: the head of the log does not match it (the entry or the head was altered)")]
    HeadHash { seq: i64 },
}

/// Recomputes the chain over `entries` (in stored order) and checks it ends at `head`.
pub fn verify_chain(entries: &[AuditEntry], head: (i64, &str)) -> Result<(), ChainError> {
    let mut prev = GENESIS.to_owned();
    for (idx, entry) in entries.iter().enumerate() {
        let expected = idx as i64 + 1;
        if entry.seq != expected {
            return Err(ChainError::Sequence { seq: entry.seq, expected });
        }
        if entry.prev_hash != prev {
            return Err(ChainError::Link { seq: entry.seq });
        }
        let hash = entry_hash(
            entry.seq,
            entry.at,
            &entry.actor,
            &entry.action,
            &entry.objects,
            &entry.digest,
            &entry.prev_hash,
        );
        if entry.hash != hash {
            return Err(ChainError::Altered { seq: entry.seq });
        }
        prev = hash;
    }
    let last = entries.last().map_or(0, |e| e.seq);
    match head {
        (seq, _) if seq != last => Err(ChainError::Head { last, head: seq }),
        (seq, hash) if hash != prev => Err(ChainError::HeadHash { seq }),
        _ => Ok(()),
    }
}

/// The digest of a stored data key (init or rotation).
pub fn key_digest(action: &str, id: i64, key: &crate::NewKey) -> Digest {
    let mut digest = Digest::new(action);
    digest.number(id).field(key.kind.as_str().as_bytes()).field(&key.wrapped);
    digest
}

/// The digest of a decision: every field, an absent one marked apart from any text.
pub fn decision_digest(d: &crate::NewDecision) -> Digest {
    let mut digest = Digest::new("decision");
    let optional = [&d.other, &d.other_evidence, &d.field, &d.value];
    for text in [&d.kind, &d.claim, &d.claim_evidence] {
        digest.number(1).field(text.as_bytes());
    }
    for text in optional {
        match text {
            Some(text) => digest.number(1).field(text.as_bytes()),
            None => digest.number(0),
        };
    }
    digest
}

impl crate::KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            crate::KeyKind::Passphrase => "passphrase",
            crate::KeyKind::KeyFile => "key_file",
        }
    }

    pub fn parse(text: &str) -> Option<crate::KeyKind> {
        match text {
            "passphrase" => Some(crate::KeyKind::Passphrase),
            "key_file" => Some(crate::KeyKind::KeyFile),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let hash = entry_hash(seq, 100 + seq, "ana", "ingest", "document:x", "d", &prev);
                let entry = AuditEntry {
                    seq,
                    at: 100 + seq,
                    actor: "ana".into(),
                    action: "ingest".into(),
                    objects: "document:x".into(),
                    digest: "d".into(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies_and_tampering_is_named() {
        let entries = chain(4);
        let head = (4, entries[3].hash.as_str());
        assert_eq!(verify_chain(&entries, head), Ok(()));

        let mut altered = entries.clone();
        altered[2].actor = "eve".into();
        assert_eq!(verify_chain(&altered, head), Err(ChainError::Altered { seq: 3 }));

        let mut deleted = entries.clone();
        deleted.remove(1);
        assert_eq!(verify_chain(&deleted, head), Err(ChainError::Sequence { seq: 3, expected: 2 }));

        let truncated = &entries[..3];
        assert_eq!(verify_chain(truncated, head), Err(ChainError::Head { last: 3, head: 4 }));
        assert_eq!(verify_chain(&[], (0, GENESIS)), Ok(()));
    }
}
