//! The record: data keys, sealed case files and the audit log.
//!
//! - Keys: [`init_key`] draws a data key and stores it wrapped under a passphrase (Argon2id) or
//!   a key file; [`unlock`] unwraps it; [`rotate_key`] re-seals every case file under a fresh
//!   data key in one transaction; [`export_key`] returns the wrapped key for backup.
//! - Case files: every field of a [`CaseFile`] is sealed as one blob whose associated data binds
//!   `persons`, the record id and its version; the store sees only the sealed bytes.
//! - Audit: [`verify_audit`] recomputes the hash chain the stores append to with every write;
//!   [`check_audit`] also checks the entries' MACs with the key. Whoever unlocks the key
//!   ([`unlock`], [`init_key`], [`rotate_key`], and ingest or [`add_person`] given the key) hands
//!   the store an [`AuditMac`] over the audit key, so every entry that process appends carries a
//!   MAC. Entries appended without the key (user and token changes, decisions and links made
//!   without it) carry none and are reported as such, until a key holder appends after them.
//!
//! Randomness (keys, salts, nonces) comes from the operating system here, so that `crypto` stays
//! deterministic.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crypto::{CryptoError, DataKey, KdfParams, Kek, Passphrase, Plaintext, RecordId, Sealed, WrappedKey};
use store::audit::{AuditMac, ChainError, MacError, MacReport};
use store::{Actor, AuditEntry, KeyKind, LinkTarget, NewKey, NewPerson, PersonRow, Store, StoreError};
use zeroize::{Zeroize, Zeroizing};

use crate::ServiceError;

/// The table name bound into every case file's associated data.
pub const PERSONS: &str = "persons";

/// What unlocks the data key: a passphrase or the contents of a key file.
pub enum KeySecret {
    Passphrase(Passphrase),
    KeyFile(Kek),
}

impl fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySecret::Passphrase(_) => f.write_str("KeySecret::Passphrase(<redacted>)"),
            KeySecret::KeyFile(_) => f.write_str("KeySecret::KeyFile(<redacted>)"),
        }
    }
}

/// The unwrapped data key and which stored key it is, with the text keys sealed beside it
/// (`None` for a key stored before texts were sealed; see [`crate::text`]).
#[derive(Debug)]
pub struct Unlocked {
    pub key_id: i64,
    key: DataKey,
    text: Option<crate::text::TextKeys>,
}

impl Unlocked {
    /// The keys that seal page texts.
    pub fn text_keys(&self) -> Option<&crate::text::TextKeys> {
        self.text.as_ref()
    }

    /// What MACs audit entries, for [`Store::set_audit_mac`]. `None` for a key stored before
    /// texts were sealed (it has no text keys to derive the audit key from; `keys rotate` gives
    /// it some).
    pub fn audit_mac(&self) -> Option<Arc<dyn AuditMac>> {
        self.text.as_ref().map(|keys| Arc::new(AuditSigner(keys.audit_key())) as Arc<dyn AuditMac>)
    }
}

/// [`AuditMac`] over `crypto::AuditKey`: the store calls it, the key stays here.
struct AuditSigner(crypto::AuditKey);

impl AuditMac for AuditSigner {
    fn mac(&self, seq: i64, hash: &str) -> String {
        self.0.mac(seq, hash)
    }

    fn verify(&self, seq: i64, hash: &str, mac: &str) -> bool {
        self.0.verify(seq, hash, mac)
    }
}

/// Makes `store` MAC every audit entry it appends from now on with `key`'s audit key. [`unlock`]
/// does this for the store it is given; a front end holding several connections (a pool) calls
/// it for each. Returns whether entries will carry a MAC (not for a store that cannot record
/// them, nor for a key without text keys).
pub fn sign_audit_with<S: Store + ?Sized>(store: &S, key: &Unlocked) -> bool {
    match key.audit_mac() {
        Some(mac) => store.set_audit_mac(Some(mac)),
        None => false,
    }
}

/// A person's case file. Every field is sealed together; `Debug` shows none of them, and the
/// text is zeroized on drop.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CaseFile {
    pub name: String,
    pub aliases: Vec<String>,
    pub sex: Option<String>,
    pub birth_year: Option<i32>,
    /// Where the person comes from.
    pub origin: Option<String>,
    /// Where the person is or was detained.
    pub detained_at: Option<String>,
    pub family: Option<String>,
    pub status: Option<String>,
    pub notes: Option<String>,
    /// Whether the person (or their family) consented to being documented.
    pub consent: bool,
    /// Whether naming the person puts them or others at risk.
    pub at_risk: bool,
}

/// One line of `person list`: the id, and the case file when a key opened it.
#[derive(Debug)]
pub struct PersonListing {
    pub id: i64,
    pub version: i64,
    /// `None` without a key; `Some(Err)` when the sealed row does not open.
    pub case: Option<Result<CaseFile, ServiceError>>,
}

/// Stores a fresh data key wrapped under `secret`. Fails when the database has a key already.
///
/// Refuses a database that already holds documents: they were stored in plain text (there was no
/// key to seal them with), and sealing only what comes next would leave them readable forever.
pub fn init_key<S: Store>(store: &mut S, secret: &KeySecret, actor: &str) -> Result<i64, ServiceError> {
    let counts = store.counts()?;
    if counts.pages > 0 || counts.documents > 0 {
        return Err(ServiceError::InvalidInput(format!(
            "refusing `keys init`: this database already holds {} documents stored in plain text, \
             which a key would not seal. Back it up (`refwatch backup`), create a new database, run \
             `keys init` on it first, then ingest the pages again; then destroy the old database \
             securely",
            counts.documents.max(counts.pages)
        )));
    }
    let key = DataKey::from_random(random()?);
    let mut new = wrap(&key, secret)?;
    let text_keys = crate::text::TextKeys::first()?;
    new.wrapped = crate::text::envelope(new.wrapped, &key, &text_keys)?;
    // This process holds the new key: its entries, `key.init` first, carry a MAC.
    store.set_audit_mac(Some(Arc::new(AuditSigner(text_keys.audit_key()))));
    let stored = store.init_key(&new, now(actor));
    if stored.is_err() {
        store.set_audit_mac(None);
    }
    Ok(stored?)
}

/// Unwraps the stored data key with `secret`.
pub fn unlock<S: Store>(store: &S, secret: &KeySecret) -> Result<Unlocked, ServiceError> {
    let record = store.current_key()?.ok_or(ServiceError::NoKey)?;
    let (wrapped_bytes, sealed_text_keys) = crate::text::split_envelope(&record.wrapped);
    let wrapped = WrappedKey::from_bytes(wrapped_bytes)?;
    let derived;
    let kek = match (secret, record.kind) {
        (KeySecret::Passphrase(passphrase), KeyKind::Passphrase) => {
            derived = Kek::derive(passphrase, &wrapped.params)?;
            &derived
        }
        (KeySecret::KeyFile(kek), KeyKind::KeyFile) => kek,
        (_, kind) => return Err(ServiceError::WrongKeyKind(kind.as_str())),
    };
    let key = wrapped.unwrap_key(kek).map_err(|_| ServiceError::WrongKey)?;
    let text = crate::text::open_text_keys(&key, record.id, wrapped_bytes, sealed_text_keys)?;
    let unlocked = Unlocked { key_id: record.id, key, text };
    // From now on this process holds the key: the entries it appends through `store` carry a MAC.
    sign_audit_with(store, &unlocked);
    Ok(unlocked)
}

/// Replaces the data key with a fresh one wrapped under `new_secret`, re-sealing every case file,
/// all in one transaction; the store drops the retired key's wrapped bytes in it, so `old_secret`
/// opens nothing in the database afterwards. Sealed page texts stay under their text-key
/// generation (see [`crate::text`]). Returns the new key's id.
pub fn rotate_key<S: Store>(
    store: &mut S,
    old_secret: &KeySecret,
    new_secret: &KeySecret,
    actor: &str,
) -> Result<i64, ServiceError> {
    let old = unlock(store, old_secret)?;
    let key = DataKey::from_random(random()?);
    let mut new = wrap(&key, new_secret)?;
    // Sealed texts are not rewritten: the new key carries every text-key generation, plus a fresh
    // one for what is sealed from now on (see `crate::text`).
    let text_keys = match &old.text {
        Some(keys) => keys.next()?,
        None => crate::text::TextKeys::first()?,
    };
    new.wrapped = crate::text::envelope(new.wrapped, &key, &text_keys)?;
    let mut resealed = Vec::new();
    for row in store.list_persons()? {
        let case = open_row(&old, &row)?;
        let sealed = key.seal(record_id(row.id, row.version), &case, random()?)?;
        resealed.push(PersonRow { sealed: sealed.to_bytes(), ..row });
    }
    // The audit key comes from text key generation 1, which the new key carries too; a key
    // that had no text keys gets its first generation, and so its audit key, here.
    store.set_audit_mac(Some(Arc::new(AuditSigner(text_keys.audit_key()))));
    let rotated = store.rotate_key(&new, &resealed, now(actor));
    if rotated.is_err() {
        store.set_audit_mac(old.audit_mac());
    }
    Ok(rotated?)
}

/// The wrapped data key as stored (format, Argon2id parameters, salt, nonce, ciphertext), and
/// how it is wrapped. Useless without the passphrase or key file.
pub fn export_key<S: Store>(store: &S) -> Result<(KeyKind, Vec<u8>), ServiceError> {
    let record = store.current_key()?.ok_or(ServiceError::NoKey)?;
    Ok((record.kind, record.wrapped))
}

/// Seals and stores a new case file; returns its id.
pub fn add_person<S: Store>(
    store: &mut S,
    key: &Unlocked,
    case: &CaseFile,
    actor: &str,
) -> Result<i64, ServiceError> {
    let id = *store
        .reserve_person_ids(1)?
        .first()
        .ok_or_else(|| ServiceError::Store(StoreError::Other("no case-file id was reserved".to_owned())))?;
    let person = seal_new(key, id, case)?;
    sign_audit_with(store, key);
    store.add_person(&person, now(actor))?;
    Ok(id)
}

/// Opens one case file, with its links.
pub fn show_person<S: Store>(
    store: &S,
    key: &Unlocked,
    id: i64,
) -> Result<(CaseFile, Vec<LinkTarget>), ServiceError> {
    let row = store.get_person(id)?;
    let case = open_row(key, &row)?;
    Ok((case, store.person_links(id)?))
}

/// Every case file, opened when a key is given.
pub fn list_persons<S: Store>(store: &S, key: Option<&Unlocked>) -> Result<Vec<PersonListing>, ServiceError> {
    Ok(store
        .list_persons()?
        .into_iter()
        .map(|row| PersonListing {
            id: row.id,
            version: row.version,
            case: key.map(|key| open_row(key, &row)),
        })
        .collect())
}

/// Links a case file to a document (hash or unique prefix), or to one of its claims.
pub fn link_person<S: Store>(
    store: &mut S,
    id: i64,
    document: &str,
    claim_idx: Option<usize>,
    actor: &str,
) -> Result<LinkTarget, ServiceError> {
    let hash = store.get_document(document)?.hash;
    let target = match claim_idx {
        Some(claim_idx) => LinkTarget::Claim { document: hash, claim_idx },
        None => LinkTarget::Document(hash),
    };
    store.link_person(id, &target, now(actor))?;
    Ok(target)
}

/// The audit log, oldest first.
pub fn audit_log<S: Store>(store: &S) -> Result<Vec<AuditEntry>, ServiceError> {
    Ok(store.audit_log()?)
}

/// Recomputes the audit chain. `Ok(n)`: all `n` entries verify and the head matches the last.
/// MACs are not checked (see [`check_audit`]).
pub fn verify_audit<S: Store>(store: &S) -> Result<Result<usize, ChainError>, ServiceError> {
    let entries = store.audit_log()?;
    let (seq, hash) = store.audit_head()?;
    Ok(store::audit::verify_chain(&entries, (seq, &hash)).map(|()| entries.len()))
}

/// What [`check_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    /// The entries, in order (for naming the ones a report lists).
    pub entries: Vec<AuditEntry>,
    /// The stored head: last sequence number and hash.
    pub head: (i64, String),
    /// The chain: every hash, link and the head.
    pub chain: Result<(), ChainError>,
    pub macs: MacCheck,
}

/// The MAC part of [`AuditCheck`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacCheck {
    /// No key was given: only the chain was checked. `with_mac` entries carry a MAC.
    NotChecked {
        with_mac: usize,
    },
    /// The key has no text keys (stored before texts were sealed), so no audit key.
    NoAuditKey,
    /// The chain is broken: MACs were not looked at.
    Skipped,
    Checked(Result<MacReport, MacError>),
}

impl AuditCheck {
    /// Whether nothing failed (uncovered entries are not failures: see [`MacReport::uncovered`]).
    pub fn passed(&self) -> bool {
        self.chain.is_ok() && !matches!(self.macs, MacCheck::Checked(Err(_)))
    }
}

/// Recomputes the audit chain and, with the key, checks every entry's MAC and how far the MACs
/// reach.
pub fn check_audit<S: Store + ?Sized>(store: &S, key: Option<&Unlocked>) -> Result<AuditCheck, ServiceError> {
    let entries = store.audit_log()?;
    let head = store.audit_head()?;
    let chain = store::audit::verify_chain(&entries, (head.0, &head.1));
    let macs = match (key.map(Unlocked::audit_mac), &chain) {
        (_, Err(_)) => MacCheck::Skipped,
        (None, Ok(())) => {
            MacCheck::NotChecked { with_mac: entries.iter().filter(|e| e.mac.is_some()).count() }
        }
        (Some(None), Ok(())) => MacCheck::NoAuditKey,
        (Some(Some(mac)), Ok(())) => MacCheck::Checked(store::audit::verify_macs(&entries, mac.as_ref())),
    };
    Ok(AuditCheck { entries, head, chain, macs })
}

/// Seals a new case file (version 1) for the reserved `id`.
pub(crate) fn seal_new(key: &Unlocked, id: i64, case: &CaseFile) -> Result<NewPerson, ServiceError> {
    let sealed = key.key.seal(record_id(id, 1), case, random()?)?;
    Ok(NewPerson { id, key_id: key.key_id, sealed: sealed.to_bytes() })
}

fn open_row(key: &Unlocked, row: &PersonRow) -> Result<CaseFile, ServiceError> {
    let tampered = || ServiceError::Tampered(format!("case file {}", row.id));
    if row.key_id != key.key_id {
        return Err(tampered());
    }
    let sealed = Sealed::<CaseFile>::from_bytes(&row.sealed).map_err(|_| tampered())?;
    key.key.open(record_id(row.id, row.version), &sealed).map_err(|_| tampered())
}

fn record_id(id: i64, version: i64) -> RecordId<'static> {
    RecordId { table: PERSONS, id, version }
}

fn wrap(key: &DataKey, secret: &KeySecret) -> Result<NewKey, ServiceError> {
    let derived;
    let (kind, kek, params) = match secret {
        KeySecret::Passphrase(passphrase) => {
            crypto::check_new_passphrase(passphrase.as_str()).map_err(ServiceError::InvalidInput)?;
            let params = KdfParams::recommended(random()?);
            derived = Kek::derive(passphrase, &params)?;
            (KeyKind::Passphrase, &derived, params)
        }
        // A key file is a key already: nothing is derived, the parameters are unused.
        KeySecret::KeyFile(kek) => (KeyKind::KeyFile, kek, KdfParams::recommended([0; 16])),
    };
    let wrapped = key.wrap(kek, params, random()?)?;
    Ok(NewKey { kind, wrapped: wrapped.to_bytes() })
}

/// Random bytes from the operating system.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], ServiceError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|err| ServiceError::Random(err.to_string()))?;
    Ok(bytes)
}

fn now(actor: &str) -> Actor<'_> {
    let at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Actor { name: actor, at: i64::try_from(at).unwrap_or(i64::MAX) }
}

impl CaseFile {
    /// A case file with only a name, as ingest creates them.
    pub fn named(name: &str) -> CaseFile {
        let mut case = CaseFile::default();
        case.name = name.to_owned();
        case
    }
}

impl fmt::Debug for CaseFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaseFile(<redacted>)")
    }
}

impl Drop for CaseFile {
    fn drop(&mut self) {
        self.name.zeroize();
        self.aliases.zeroize();
        for text in [
            &mut self.sex,
            &mut self.origin,
            &mut self.detained_at,
            &mut self.family,
            &mut self.status,
            &mut self.notes,
        ] {
            text.zeroize();
        }
    }
}

/// Format 1: `1 || name || aliases || sex || birth_year || origin || detained_at || family ||
/// status || notes || consent || at_risk`; text is `u32 length || UTF-8`, an option `0` or
/// `1 || value`, a list `u32 count || items`, a flag one byte.
impl Plaintext for CaseFile {
    fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(vec![1u8]);
        put_text(&mut out, &self.name);
        out.extend_from_slice(&(self.aliases.len() as u32).to_le_bytes());
        for alias in &self.aliases {
            put_text(&mut out, alias);
        }
        put_option(&mut out, self.sex.as_deref());
        match self.birth_year {
            Some(year) => {
                out.push(1);
                out.extend_from_slice(&year.to_le_bytes());
            }
            None => out.push(0),
        }
        for text in [&self.origin, &self.detained_at, &self.family, &self.status, &self.notes] {
            put_option(&mut out, text.as_deref());
        }
        out.push(u8::from(self.consent));
        out.push(u8::from(self.at_risk));
        out
    }

    fn decode(bytes: &[u8]) -> Result<CaseFile, CryptoError> {
        let mut reader = Reader(bytes);
        if reader.bytes(1)? != [1] {
            return Err(CryptoError::Decode("unknown case file format"));
        }
        let name = reader.text()?;
        let n_aliases = reader.u32()?;
        let aliases = (0..n_aliases).map(|_| reader.text()).collect::<Result<Vec<_>, _>>()?;
        let sex = reader.option()?;
        let birth_year = match reader.bytes(1)?[0] {
            0 => None,
            _ => Some(i32::from_le_bytes(reader.array()?)),
        };
        let case = CaseFile {
            name,
            aliases,
            sex,
            birth_year,
            origin: reader.option()?,
            detained_at: reader.option()?,
            family: reader.option()?,
            status: reader.option()?,
            notes: reader.option()?,
            consent: reader.bytes(1)?[0] != 0,
            at_risk: reader.bytes(1)?[0] != 0,
        };
        if !reader.0.is_empty() {
            return Err(CryptoError::Decode("trailing bytes after case file"));
        }
        Ok(case)
    }
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn put_option(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => {
            out.push(1);
            put_text(out, text);
        }
        None => out.push(0),
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], CryptoError> {
        let (head, rest) = self.0.split_at_checked(n).ok_or(CryptoError::Decode("truncated case file"))?;
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CryptoError> {
        self.bytes(N)?.try_into().map_err(|_| CryptoError::Decode("truncated case file"))
    }

    fn u32(&mut self) -> Result<u32, CryptoError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn text(&mut self) -> Result<String, CryptoError> {
        let len = self.u32()? as usize;
        String::from_utf8(self.bytes(len)?.to_vec())
            .map_err(|_| CryptoError::Decode("case file text is not UTF-8"))
    }

    fn option(&mut self) -> Result<Option<String>, CryptoError> {
        match self.bytes(1)?[0] {
            0 => Ok(None),
            _ => self.text().map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store_sqlite::SqliteStore;

    fn key_file() -> KeySecret {
        KeySecret::KeyFile(Kek::from_bytes([9; 32]))
    }

    #[test]
    fn keys_init_refuses_a_database_with_plaintext_documents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SqliteStore::open(&dir.path().join("a.db")).expect("store");
        let page = domain::RawPage::new(b"<p>Canary Testperson-7Q</p>".to_vec(), None);
        let article = domain::Article::default();
        store
            .put_document(&store::NewDocument {
                page: &page,
                source_path: None,
                ingested_at: 1,
                pipeline_version: "test",
                article: &article,
                claims: &[],
                persons: &[],
                actor: "root",
            })
            .expect("put");
        let err = init_key(&mut store, &key_file(), "root").expect_err("init over plaintext accepted");
        let message = err.to_string();
        assert!(message.contains("plain text") && message.contains("new database"), "{message}");
        assert_eq!(store.current_key().expect("key"), None, "a key was stored anyway");
    }

    #[test]
    fn new_passphrases_are_checked_and_empty_databases_take_a_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SqliteStore::open(&dir.path().join("a.db")).expect("store");
        let short = KeySecret::Passphrase(Passphrase::new("short pass".into()));
        let err = init_key(&mut store, &short, "root").expect_err("short passphrase accepted");
        assert!(err.to_string().contains("at least 12"), "{err}");
        assert_eq!(store.current_key().expect("key"), None);
        init_key(&mut store, &key_file(), "root").expect("init on an empty database");
        assert!(unlock(&store, &key_file()).is_ok());
        let rotated = rotate_key(&mut store, &key_file(), &short, "root");
        assert!(matches!(rotated, Err(ServiceError::InvalidInput(_))), "{rotated:?}");
    }

    fn macs(store: &SqliteStore) -> Vec<bool> {
        store.audit_log().expect("log").iter().map(|e| e.mac.is_some()).collect()
    }

    #[test]
    fn processes_holding_the_key_mac_their_entries_and_rotation_keeps_the_audit_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.db");
        let mut admin = SqliteStore::open(&path).expect("store");
        let mut analyst = SqliteStore::open(&path).expect("store");
        let mut clerk = SqliteStore::open(&path).expect("store");
        init_key(&mut admin, &key_file(), "root").expect("init"); // 1: holds the new key
        let key = unlock(&analyst, &key_file()).expect("unlock"); // unlocking signs `analyst`
        add_person(&mut analyst, &key, &CaseFile::named("Canary Testperson-7Q"), "ana").expect("person"); // 2
        crate::users::create_user(&mut clerk, "cy", store::Role::Admin, "a long password", "root")
            .expect("user"); // 3: never unlocked
        let new_secret = KeySecret::KeyFile(Kek::from_bytes([7; 32]));
        rotate_key(&mut admin, &key_file(), &new_secret, "root").expect("rotate"); // 4
        crate::users::change_password(&mut clerk, "cy", "another long password", "root").expect("pw"); // 5
        assert_eq!(macs(&admin), [true, true, false, true, false]);

        // The rotated key checks MACs made before the rotation: the audit key did not change.
        let new_key = unlock(&clerk, &new_secret).expect("unlock new");
        let check = check_audit(&clerk, Some(&new_key)).expect("check");
        assert!(check.passed(), "{check:?}");
        let expected = MacReport { covered_through: 4, vouched: vec![3], uncovered: vec![5] };
        assert_eq!(check.macs, MacCheck::Checked(Ok(expected)));
        // Without the key only the chain is checked, and the check says so.
        let check = check_audit(&clerk, None).expect("check");
        assert_eq!(check.macs, MacCheck::NotChecked { with_mac: 3 });
        assert!(check.chain.is_ok() && check.passed());
        // `clerk` unlocked above: from now on its entries carry a MAC too.
        crate::users::set_disabled(&mut clerk, "cy", true, "root").expect_err("last admin");
        crate::users::create_user(&mut clerk, "dee", store::Role::Viewer, "a long password", "root")
            .expect("user");
        assert_eq!(macs(&admin).last(), Some(&true));
    }

    #[test]
    fn a_key_from_before_sealed_texts_has_no_audit_key_until_rotated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SqliteStore::open(&dir.path().join("a.db")).expect("store");
        // A data key stored the way refwatch did before texts were sealed: no text keys.
        let legacy = wrap(&DataKey::from_random([4; 32]), &key_file()).expect("wrap");
        store.init_key(&legacy, now("root")).expect("init");
        let key = unlock(&store, &key_file()).expect("unlock");
        assert!(key.audit_mac().is_none());
        assert_eq!(check_audit(&store, Some(&key)).expect("check").macs, MacCheck::NoAuditKey);
        rotate_key(&mut store, &key_file(), &key_file(), "root").expect("rotate");
        let key = unlock(&store, &key_file()).expect("unlock");
        let check = check_audit(&store, Some(&key)).expect("check");
        let expected = MacReport { covered_through: 2, vouched: vec![1], uncovered: vec![] };
        assert_eq!(check.macs, MacCheck::Checked(Ok(expected)));
    }

    /// Every `data_keys.wrapped` value the database holds, read the way a copy of it is made (the
    /// backup stream dumps every row of every table).
    fn stored_wrapped_keys(store: &SqliteStore) -> Vec<Vec<u8>> {
        struct Collect {
            in_keys: bool,
            column: Option<usize>,
            wrapped: Vec<Vec<u8>>,
        }
        impl store::BackupSink for Collect {
            fn item(&mut self, item: store::BackupItem) -> Result<(), StoreError> {
                match item {
                    store::BackupItem::Table { name, columns } => {
                        self.in_keys = name == "data_keys";
                        self.column = columns.iter().position(|c| c == "wrapped");
                    }
                    store::BackupItem::Row(values) if self.in_keys => {
                        if let Some(store::Value::Blob(bytes)) = self.column.and_then(|i| values.get(i)) {
                            self.wrapped.push(bytes.clone());
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
        }
        let mut sink = Collect { in_keys: false, column: None, wrapped: Vec::new() };
        store.backup(&mut sink).expect("backup stream");
        sink.wrapped
    }

    /// What rotation is for: after it, the old passphrase or key file opens nothing in the
    /// database: no stored wrapped key unwraps under it (the retired keys' rows keep their id and
    /// kind but not their wrapped bytes), and no case file opens under the old data key.
    #[test]
    fn after_rotation_the_old_secret_opens_nothing_in_the_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SqliteStore::open(&dir.path().join("a.db")).expect("store");
        let old_kek = Kek::from_bytes([9; 32]);
        init_key(&mut store, &key_file(), "root").expect("init");
        let old = unlock(&store, &key_file()).expect("unlock");
        for name in ["Canary Testperson-7Q", "Second Person"] {
            add_person(&mut store, &old, &CaseFile::named(name), "root").expect("person");
        }
        // Before rotation the old secret unwraps the stored key (the check below can fail).
        let before = stored_wrapped_keys(&store);
        assert_eq!(before.len(), 1);
        let (wrapped, _) = crate::text::split_envelope(&before[0]);
        assert!(WrappedKey::from_bytes(wrapped).and_then(|w| w.unwrap_key(&old_kek)).is_ok());

        let new_secret = KeySecret::KeyFile(Kek::from_bytes([7; 32]));
        rotate_key(&mut store, &key_file(), &new_secret, "root").expect("rotate");
        let after = stored_wrapped_keys(&store);
        assert_eq!(after.len(), 2, "the retired key's row is gone from the key history");
        for bytes in &after {
            let (wrapped, _) = crate::text::split_envelope(bytes);
            let opened = WrappedKey::from_bytes(wrapped).and_then(|w| w.unwrap_key(&old_kek));
            assert!(opened.is_err(), "a stored data key still unwraps under the old secret");
        }
        assert!(matches!(
            unlock(&store, &key_file()),
            Err(ServiceError::WrongKeyKind(_) | ServiceError::WrongKey)
        ));
        let persons = store.list_persons().expect("persons");
        assert_eq!(persons.len(), 2);
        for row in &persons {
            let sealed = Sealed::<CaseFile>::from_bytes(&row.sealed).expect("sealed bytes");
            assert!(
                old.key.open(record_id(row.id, row.version), &sealed).is_err(),
                "case file {} still opens under the old data key",
                row.id
            );
        }
        let new = unlock(&store, &new_secret).expect("unlock new");
        assert_eq!(
            list_persons(&store, Some(&new))
                .expect("list")
                .iter()
                .filter(|p| matches!(p.case, Some(Ok(_))))
                .count(),
            2
        );
    }

    #[test]
    fn case_files_encode_and_decode_every_field() {
        let case = CaseFile {
            name: "Canary Testperson-7Q".into(),
            aliases: vec!["C. T.".into(), "Ķ".into()],
            sex: Some("f".into()),
            birth_year: Some(1990),
            origin: Some("Herat".into()),
            detained_at: Some("Leipzig".into()),
            family: Some("two children in hiding".into()),
            status: Some("deported".into()),
            notes: None,
            consent: true,
            at_risk: true,
        };
        let bytes = case.encode();
        assert_eq!(CaseFile::decode(&bytes).ok(), Some(case.clone()));
        assert!(CaseFile::decode(&bytes[..bytes.len() - 1]).is_err());
        assert_eq!(format!("{case:?}"), "CaseFile(<redacted>)");
        let empty = CaseFile::default();
        assert_eq!(CaseFile::decode(&empty.encode()).ok(), Some(empty));
    }
}
