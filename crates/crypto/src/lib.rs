//! `crypto`: sealing sensitive record fields (case files, person names) for storage.
//!
//! - A per-database [`DataKey`] (256 bits) encrypts every sealed value with XChaCha20-Poly1305.
//! - A value of type `T` becomes a [`Sealed<T>`]: the plaintext cannot be had from it without
//!   the key, and the type says what it will decrypt into. Stores accept only `Sealed` payloads.
//! - The AEAD associated data binds the [`RecordId`] (table, row id, version): a sealed value
//!   copied to another row, or an old version replayed over a newer one, fails to open.
//! - The data key is stored only wrapped ([`WrappedKey`]) under a key-encryption key derived
//!   from a passphrase with Argon2id; the Argon2 parameters and salt are stored with it and bound
//!   into the wrapping's associated data, so weakening them is detected.
//! - Key material is zeroized on drop, and no `Debug` shows it.
//! - [`AuditKey`] is a subkey (BLAKE3 `derive_key` with its own context string, so it is
//!   independent of every other key derived from the same root) that MACs the head of the audit
//!   chain.
//!
//! **Invariant:** no IO and no hidden randomness: callers pass random bytes (nonces, keys,
//! salts) in, so every function is deterministic and the frozen test vectors stay valid.
//! Failures are [`CryptoError`]s, never panics.

use std::fmt;
use std::marker::PhantomData;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

/// Bytes of a key (data key or key-encryption key).
pub const KEY_LEN: usize = 32;
/// Bytes of an XChaCha20 nonce: large enough to pick at random for every seal.
pub const NONCE_LEN: usize = 24;
/// Bytes of the Argon2id salt.
pub const SALT_LEN: usize = 16;
/// Bytes of the Poly1305 tag.
pub const TAG_LEN: usize = 16;

/// The `derive_key` context of [`AuditKey`]: its domain-separation label.
const AUDIT_KEY_CONTEXT: &str = "refwatch 2026-11 audit chain MAC key v1";
/// Prefixes every MAC input, so no other keyed hash under this key can collide with one.
const AUDIT_MAC_CONTEXT: &[u8] = b"refwatch.audit.mac.v1";

/// The format version opening every sealed value and wrapped key.
const FORMAT_V1: u8 = 1;
const SEAL_CONTEXT: &[u8] = b"refwatch.sealed.v1";
const WRAP_CONTEXT: &[u8] = b"refwatch.wrapped-key.v1";

/// What can go wrong. Messages never contain key material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Wrong key, or the ciphertext, its record id/version or parameters were changed.
    #[error("decryption failed: wrong key, or the sealed data or its record binding was altered")]
    Decrypt,
    /// The bytes are not a sealed value or wrapped key of a known format.
    #[error("malformed {0}")]
    Malformed(&'static str),
    /// The decrypted bytes are not a valid `T`.
    #[error("sealed value does not decode: {0}")]
    Decode(&'static str),
    /// Argon2 parameters out of range, or encryption failed.
    #[error("key derivation or encryption failed: {0}")]
    Kdf(String),
}

/// The per-database key that seals record fields. Zeroized on drop; `Debug` redacts.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

/// A key-encryption key, derived from a passphrase (or read from a key file).
pub struct Kek(Zeroizing<[u8; KEY_LEN]>);

/// A passphrase. Zeroized on drop; `Debug` redacts.
pub struct Passphrase(Zeroizing<String>);

/// Names the row a sealed value belongs to. Bound into the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordId<'a> {
    /// The table (or record kind), e.g. `persons`.
    pub table: &'a str,
    pub id: i64,
    /// Incremented on every change of the row, so an older sealed value cannot be replayed.
    pub version: i64,
}

/// A value of type `T`, encrypted. Only [`DataKey::open`] with the same record id turns it back.
pub struct Sealed<T> {
    nonce: [u8; NONCE_LEN],
    /// Ciphertext with the tag appended.
    ciphertext: Vec<u8>,
    plain: PhantomData<fn() -> T>,
}

/// Argon2id cost parameters and salt, stored next to the wrapped key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost: u32,
    /// Iterations.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
    pub salt: [u8; SALT_LEN],
}

/// The data key encrypted under a key-encryption key, with the KDF parameters that derive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    pub params: KdfParams,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

/// What can be sealed: a value with a byte encoding.
pub trait Plaintext: Sized {
    /// The bytes to encrypt. Returned zeroizing, since they are the secret.
    fn encode(&self) -> Zeroizing<Vec<u8>>;
    /// The value back from decrypted bytes.
    fn decode(bytes: &[u8]) -> Result<Self, CryptoError>;
}

impl Plaintext for String {
    fn encode(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.as_bytes().to_vec())
    }

    fn decode(bytes: &[u8]) -> Result<String, CryptoError> {
        String::from_utf8(bytes.to_vec()).map_err(|_| CryptoError::Decode("not UTF-8"))
    }
}

impl Plaintext for Vec<u8> {
    fn encode(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.clone())
    }

    fn decode(bytes: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(bytes.to_vec())
    }
}

impl DataKey {
    /// A data key from 32 random bytes (the caller draws them from the OS).
    pub fn from_random(bytes: [u8; KEY_LEN]) -> DataKey {
        DataKey(Zeroizing::new(bytes))
    }

    /// Seals `value` for the row `record`. `nonce` must be fresh random bytes for every call.
    pub fn seal<T: Plaintext>(
        &self,
        record: RecordId<'_>,
        value: &T,
        nonce: [u8; NONCE_LEN],
    ) -> Result<Sealed<T>, CryptoError> {
        let plaintext = value.encode();
        let ciphertext = encrypt(&self.0, &nonce, &plaintext, &seal_ad(record))?;
        Ok(Sealed { nonce, ciphertext, plain: PhantomData })
    }

    /// Opens a value sealed for `record`. Fails if the key, the bytes, or the record's table,
    /// id or version differ from those it was sealed with.
    pub fn open<T: Plaintext>(&self, record: RecordId<'_>, sealed: &Sealed<T>) -> Result<T, CryptoError> {
        let plaintext = decrypt(&self.0, &sealed.nonce, &sealed.ciphertext, &seal_ad(record))?;
        T::decode(&plaintext)
    }

    /// Encrypts this key under `kek`; `params` are stored with it and bound into the AD.
    pub fn wrap(
        &self,
        kek: &Kek,
        params: KdfParams,
        nonce: [u8; NONCE_LEN],
    ) -> Result<WrappedKey, CryptoError> {
        let ciphertext = encrypt(&kek.0, &nonce, self.0.as_slice(), &wrap_ad(&params))?;
        Ok(WrappedKey { params, nonce, ciphertext })
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl Kek {
    /// Derives a key-encryption key from a passphrase with Argon2id.
    /// Refuses parameters out of bounds (see [`KdfParams::check_bounds`]).
    pub fn derive(passphrase: &Passphrase, params: &KdfParams) -> Result<Kek, CryptoError> {
        params.check_bounds()?;
        let argon_params = argon2::Params::new(params.m_cost, params.t_cost, params.p_cost, Some(KEY_LEN))
            .map_err(|err| CryptoError::Kdf(err.to_string()))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, argon_params);
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(passphrase.0.as_bytes(), &params.salt, out.as_mut_slice())
            .map_err(|err| CryptoError::Kdf(err.to_string()))?;
        Ok(Kek(out))
    }

    /// A key-encryption key read from a key file (32 random bytes).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Kek {
        Kek(Zeroizing::new(bytes))
    }
}

impl fmt::Debug for Kek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Kek(<redacted>)")
    }
}

impl Passphrase {
    pub fn new(text: String) -> Passphrase {
        Passphrase(Zeroizing::new(text))
    }

    /// The passphrase's text, e.g. for [`check_new_passphrase`].
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// The key that MACs audit entries: `MAC = BLAKE3-keyed(key, context || seq || entry hash)`, hex.
/// An entry's hash covers the entry before it, so the MAC of entry `n` vouches for entries
/// `1..=n`. Zeroized on drop; `Debug` redacts.
#[derive(Clone)]
pub struct AuditKey(Zeroizing<[u8; KEY_LEN]>);

impl AuditKey {
    /// Derives the audit key from a root key with its own domain-separation label. (The service
    /// passes the database's first text key, which every later data key carries, so the audit
    /// key survives rotations.)
    pub fn derive(root: &[u8; KEY_LEN]) -> AuditKey {
        AuditKey(Zeroizing::new(blake3::derive_key(AUDIT_KEY_CONTEXT, root)))
    }

    /// The MAC of audit entry `seq` whose hash is `entry_hash`, as 64 lower-case hex digits.
    pub fn mac(&self, seq: i64, entry_hash: &str) -> String {
        self.tag(seq, entry_hash).to_hex().to_string()
    }

    /// Whether `mac` is the MAC of that entry. Compares in constant time.
    pub fn verify(&self, seq: i64, entry_hash: &str, mac: &str) -> bool {
        match blake3::Hash::from_hex(mac) {
            // `blake3::Hash`'s equality is constant-time.
            Ok(given) => given == self.tag(seq, entry_hash),
            Err(_) => false,
        }
    }

    fn tag(&self, seq: i64, entry_hash: &str) -> blake3::Hash {
        let mut hasher = blake3::Hasher::new_keyed(&self.0);
        for field in [AUDIT_MAC_CONTEXT, &seq.to_le_bytes(), entry_hash.as_bytes()] {
            hasher.update(&(field.len() as u64).to_le_bytes());
            hasher.update(field);
        }
        hasher.finalize()
    }
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey(<redacted>)")
    }
}

/// Fewest characters a new passphrase may have (data keys and backups). Existing wraps made with
/// shorter passphrases still open: this is checked only when something new is wrapped.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Largest Argon2 memory (KiB, 1 GiB) accepted from stored parameters.
pub const MAX_M_COST: u32 = 1024 * 1024;
/// Largest Argon2 pass count accepted from stored parameters.
pub const MAX_T_COST: u32 = 10;
/// Largest Argon2 lane count accepted from stored parameters.
pub const MAX_P_COST: u32 = 8;

/// Checks a passphrase chosen for something new (a data key or a backup): at least
/// [`MIN_PASSPHRASE_CHARS`] characters. The message says what is wrong, never the passphrase.
pub fn check_new_passphrase(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(format!(
            "the new passphrase is too short ({chars} characters): use at least {MIN_PASSPHRASE_CHARS}, \
             e.g. several unrelated words"
        ));
    }
    Ok(())
}

impl KdfParams {
    /// Argon2id settings for new wraps (64 MiB, 3 passes, 1 lane) with `salt`, above OWASP's
    /// minimum. The parameters are stored with each wrap, so older wraps keep opening.
    pub fn recommended(salt: [u8; SALT_LEN]) -> KdfParams {
        KdfParams { m_cost: 64 * 1024, t_cost: 3, p_cost: 1, salt }
    }

    /// Refuses stored parameters beyond [`MAX_M_COST`], [`MAX_T_COST`] and [`MAX_P_COST`]: an
    /// altered database or file must not make unlocking allocate or run without bound.
    pub fn check_bounds(&self) -> Result<(), CryptoError> {
        if self.m_cost > MAX_M_COST || self.t_cost > MAX_T_COST || self.p_cost > MAX_P_COST {
            return Err(CryptoError::Kdf(format!(
                "stored key derivation parameters out of range ({} KiB, {} passes, {} lanes; at most \
                 {MAX_M_COST} KiB, {MAX_T_COST} passes, {MAX_P_COST} lanes)",
                self.m_cost, self.t_cost, self.p_cost
            )));
        }
        Ok(())
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.m_cost.to_le_bytes());
        out.extend_from_slice(&self.t_cost.to_le_bytes());
        out.extend_from_slice(&self.p_cost.to_le_bytes());
        out.extend_from_slice(&self.salt);
    }
}

impl WrappedKey {
    /// Decrypts the data key. Fails on a wrong key-encryption key or any altered byte,
    /// parameters included.
    pub fn unwrap_key(&self, kek: &Kek) -> Result<DataKey, CryptoError> {
        let plaintext = decrypt(&kek.0, &self.nonce, &self.ciphertext, &wrap_ad(&self.params))?;
        let bytes: [u8; KEY_LEN] =
            plaintext.as_slice().try_into().map_err(|_| CryptoError::Malformed("wrapped key length"))?;
        Ok(DataKey::from_random(bytes))
    }

    /// `version || m_cost || t_cost || p_cost || salt || nonce || ciphertext+tag`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![FORMAT_V1];
        self.params.encode(&mut out);
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.ciphertext);
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<WrappedKey, CryptoError> {
        let mut reader = Reader(bytes);
        if reader.take::<1>()? != [FORMAT_V1] {
            return Err(CryptoError::Malformed("wrapped key version"));
        }
        let params = KdfParams {
            m_cost: u32::from_le_bytes(reader.take()?),
            t_cost: u32::from_le_bytes(reader.take()?),
            p_cost: u32::from_le_bytes(reader.take()?),
            salt: reader.take()?,
        };
        let nonce = reader.take()?;
        if reader.0.len() != KEY_LEN + TAG_LEN {
            return Err(CryptoError::Malformed("wrapped key length"));
        }
        Ok(WrappedKey { params, nonce, ciphertext: reader.0.to_vec() })
    }
}

impl<T> Sealed<T> {
    /// `version || nonce || ciphertext+tag`, for a BLOB/BYTEA column.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + NONCE_LEN + self.ciphertext.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.ciphertext);
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Sealed<T>, CryptoError> {
        let mut reader = Reader(bytes);
        if reader.take::<1>()? != [FORMAT_V1] {
            return Err(CryptoError::Malformed("sealed value version"));
        }
        let nonce = reader.take()?;
        if reader.0.len() < TAG_LEN {
            return Err(CryptoError::Malformed("sealed value length"));
        }
        Ok(Sealed { nonce, ciphertext: reader.0.to_vec(), plain: PhantomData })
    }
}

impl<T> Clone for Sealed<T> {
    fn clone(&self) -> Sealed<T> {
        Sealed { nonce: self.nonce, ciphertext: self.ciphertext.clone(), plain: PhantomData }
    }
}

impl<T> PartialEq for Sealed<T> {
    fn eq(&self, other: &Sealed<T>) -> bool {
        self.nonce == other.nonce && self.ciphertext == other.ciphertext
    }
}

impl<T> fmt::Debug for Sealed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed<{}>({} bytes)", std::any::type_name::<T>(), self.ciphertext.len())
    }
}

/// Reads fixed-size fields off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], CryptoError> {
        let (head, rest) = self.0.split_at_checked(N).ok_or(CryptoError::Malformed("truncated data"))?;
        self.0 = rest;
        head.try_into().map_err(|_| CryptoError::Malformed("truncated data"))
    }
}

/// Associated data of a sealed value: context, then length-prefixed table, id and version, so
/// no two distinct records share an encoding.
fn seal_ad(record: RecordId<'_>) -> Vec<u8> {
    let mut ad = Vec::with_capacity(SEAL_CONTEXT.len() + record.table.len() + 24);
    ad.extend_from_slice(SEAL_CONTEXT);
    ad.extend_from_slice(&(record.table.len() as u64).to_le_bytes());
    ad.extend_from_slice(record.table.as_bytes());
    ad.extend_from_slice(&record.id.to_le_bytes());
    ad.extend_from_slice(&record.version.to_le_bytes());
    ad
}

fn wrap_ad(params: &KdfParams) -> Vec<u8> {
    let mut ad = WRAP_CONTEXT.to_vec();
    params.encode(&mut ad);
    ad
}

fn encrypt(
    key: &[u8; KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    msg: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let cipher =
        XChaCha20Poly1305::new_from_slice(key).map_err(|_| CryptoError::Kdf("key length".to_owned()))?;
    cipher
        .encrypt(&XNonce::from(*nonce), Payload { msg, aad })
        .map_err(|_| CryptoError::Kdf("encryption failed".to_owned()))
}

fn decrypt(
    key: &[u8; KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let cipher =
        XChaCha20Poly1305::new_from_slice(key).map_err(|_| CryptoError::Kdf("key length".to_owned()))?;
    cipher
        .decrypt(&XNonce::from(*nonce), Payload { msg: ciphertext, aad })
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Decrypt)
}
