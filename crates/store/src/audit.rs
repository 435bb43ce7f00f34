//! The audit chain: how entries are hashed and checked. Backends call [`entry_hash`] when they
//! append an entry (inside the transaction of the change) and [`Digest`] to fingerprint the
//! change; `refwatch audit verify` calls [`verify_chain`].
//!
//! `hash = BLAKE3(context || seq || at || actor || action || objects || digest || prev_hash)`,
//! every field length-prefixed, and `prev_hash` of the first entry is [`GENESIS`]. Sequence
//! numbers start at 1 and have no gaps, so a deleted or reordered entry breaks the chain at
//! its position; the stored head (last sequence and hash) catches deleting the last entries.
//!
//! **MACs.** The chain alone is unkeyed: whoever can write the database can rewrite every entry
//! and the head consistently. So an entry appended by a process holding the data key also stores
//! `mac` = a keyed MAC of its sequence number and hash ([`AuditMac`], implemented by the service
//! over `crypto::AuditKey`; the store only calls it). Since each hash covers the entry before
//! it, a valid MAC on entry `n` vouches for entries `1..=n`; [`verify_macs`] reports how far the
//! MACs reach. Entries appended without the key (user and token changes, decisions and links made
//! without `--key-file`) carry none: they are covered once a key holder appends after them, and
//! until then they are only as trustworthy as the database's access control, and are reported
//! as such. Entries that only a key holder can write ([`KEYED_ACTIONS`]) must carry a MAC once
//! any entry does, so removing MACs to hide a rewrite is detected. What MACs cannot catch:
//! rolling the whole log back to an earlier state (deleting the newest entries and restoring the
//! head they replaced), since that state was once genuine; compare the head with a copy kept
//! elsewhere.

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

/// [`entry_hash`] of an entry as stored: what its `hash` must be.
pub fn hash_of(entry: &AuditEntry) -> String {
    entry_hash(
        entry.seq,
        entry.at,
        &entry.actor,
        &entry.action,
        &entry.objects,
        &entry.digest,
        &entry.prev_hash,
    )
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
        let hash = hash_of(entry);
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

/// Computes and checks audit MACs for a store. The key stays with the implementer (the service,
/// over `crypto::AuditKey`): a store holding an `AuditMac` can MAC the entries it appends, but
/// holds no key material it could hand out.
pub trait AuditMac: Send + Sync {
    /// The MAC of entry `seq` whose hash is `hash`.
    fn mac(&self, seq: i64, hash: &str) -> String;
    /// Whether `mac` is that MAC (compared in constant time).
    fn verify(&self, seq: i64, hash: &str, mac: &str) -> bool;
}

/// Where a backend keeps the [`AuditMac`] it was handed ([`crate::Store::set_audit_mac`]).
#[derive(Default)]
pub struct MacSlot(std::sync::Mutex<Option<std::sync::Arc<dyn AuditMac>>>);

impl MacSlot {
    pub fn set(&self, mac: Option<std::sync::Arc<dyn AuditMac>>) {
        match self.0.lock() {
            Ok(mut slot) => *slot = mac,
            Err(poisoned) => *poisoned.into_inner() = mac,
        }
    }

    /// The MAC to append entries with, if any.
    pub fn get(&self) -> Option<std::sync::Arc<dyn AuditMac>> {
        match self.0.lock() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl std::fmt::Debug for MacSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.get().is_some() { "MacSlot(set)" } else { "MacSlot(empty)" })
    }
}

/// Actions only a process holding the data key can perform (they seal something, or store a
/// key), so their entries carry a MAC once the log has any: a keyed database refuses ingest
/// without the key, and case files and keys cannot be sealed without it.
pub const KEYED_ACTIONS: &[&str] = &["key.init", "key.rotate", "person.add", "ingest"];

/// How far the MACs reach, once [`verify_macs`] found every MAC valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacReport {
    /// Every entry up to and including this one is covered by a valid MAC (0: none is).
    pub covered_through: i64,
    /// Entries up to `covered_through` that carry no MAC of their own (appended without the
    /// key), vouched for by a later entry's MAC.
    pub vouched: Vec<i64>,
    /// Entries after `covered_through`: appended without the key, and no MAC covers them.
    pub uncovered: Vec<i64>,
}

/// Why the MACs do not verify, naming the first entry at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MacError {
    #[error(
        "audit entry {seq}: its MAC does not match (the entry, or the chain before it, was rewritten \
         without the key, or the MAC was made with another database's key)"
    )]
    Mismatch { seq: i64 },
    #[error(
        "audit entry {seq} ({action}): only a holder of the key can write it, yet it carries no MAC \
         (its MAC was removed, and the chain rewritten without the key)"
    )]
    Missing { seq: i64, action: String },
}

/// Checks the MACs of `entries` (in stored order, after [`verify_chain`] passed on them).
pub fn verify_macs(entries: &[AuditEntry], mac: &dyn AuditMac) -> Result<MacReport, MacError> {
    let mut report = MacReport::default();
    let mut unmacd = Vec::new();
    for entry in entries {
        match &entry.mac {
            Some(given) => {
                if !mac.verify(entry.seq, &entry.hash, given) {
                    return Err(MacError::Mismatch { seq: entry.seq });
                }
                report.covered_through = entry.seq;
                report.vouched.append(&mut unmacd);
            }
            None if report.covered_through > 0 && KEYED_ACTIONS.contains(&entry.action.as_str()) => {
                return Err(MacError::Missing { seq: entry.seq, action: entry.action.clone() });
            }
            None => unmacd.push(entry.seq),
        }
    }
    report.uncovered = unmacd;
    Ok(report)
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
                    mac: None,
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

    /// A stand-in MAC: BLAKE3 keyed with a fixed key.
    struct TestMac([u8; 32]);

    impl AuditMac for TestMac {
        fn mac(&self, seq: i64, hash: &str) -> String {
            let mut input = seq.to_le_bytes().to_vec();
            input.extend_from_slice(hash.as_bytes());
            blake3::keyed_hash(&self.0, &input).to_hex().to_string()
        }

        fn verify(&self, seq: i64, hash: &str, mac: &str) -> bool {
            self.mac(seq, hash) == mac
        }
    }

    /// A chain of `actions`, with a MAC on the entries `macd` names.
    fn macd_chain(actions: &[&str], macd: &[i64], key: &TestMac) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        let mut entries = Vec::new();
        for (idx, action) in actions.iter().enumerate() {
            let seq = idx as i64 + 1;
            let hash = entry_hash(seq, seq, "ana", action, "x", "d", &prev);
            let mac = macd.contains(&seq).then(|| key.mac(seq, &hash));
            entries.push(AuditEntry {
                seq,
                at: seq,
                actor: "ana".into(),
                action: (*action).into(),
                objects: "x".into(),
                digest: "d".into(),
                prev_hash: prev.clone(),
                hash: hash.clone(),
                mac,
            });
            prev = hash;
        }
        entries
    }

    #[test]
    fn macs_report_how_far_they_reach() {
        let key = TestMac([1; 32]);
        let actions = ["key.init", "ingest", "user.add", "decision", "ingest", "decision", "token.add"];
        let entries = macd_chain(&actions, &[1, 2, 5], &key);
        let report = verify_macs(&entries, &key).expect("valid");
        assert_eq!(report, MacReport { covered_through: 5, vouched: vec![3, 4], uncovered: vec![6, 7] });
        // Without any MAC (a database from before MACs, or no key ever): nothing is covered.
        let plain = macd_chain(&actions, &[], &key);
        let report = verify_macs(&plain, &key).expect("no MAC to fail");
        assert_eq!((report.covered_through, report.uncovered.len()), (0, 7));
    }

    #[test]
    fn a_rewritten_chain_fails_its_macs() {
        let key = TestMac([1; 32]);
        let actions = ["key.init", "ingest", "decision", "ingest"];
        let honest = macd_chain(&actions, &[1, 2, 4], &key);
        // Rewrite entry 3 and recompute every hash after it, keeping the MACs: the chain verifies,
        // the MACs do not.
        let mut forged = honest.clone();
        forged[2].actor = "eve".into();
        let mut prev = forged[1].hash.clone();
        for entry in &mut forged[2..] {
            entry.prev_hash = prev.clone();
            entry.hash = hash_of(entry);
            prev = entry.hash.clone();
        }
        let head = (4, forged[3].hash.as_str());
        assert_eq!(verify_chain(&forged, head), Ok(()));
        assert_eq!(verify_macs(&forged, &key), Err(MacError::Mismatch { seq: 4 }));
        // A MAC made under another key fails too.
        assert_eq!(verify_macs(&honest, &TestMac([2; 32])), Err(MacError::Mismatch { seq: 1 }));
        // Removing the MAC of an entry only a key holder writes is named.
        let mut stripped = forged.clone();
        stripped[3].mac = None;
        assert_eq!(verify_macs(&stripped, &key), Err(MacError::Missing { seq: 4, action: "ingest".into() }));
    }
}
