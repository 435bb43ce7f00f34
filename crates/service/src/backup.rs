//! Encrypted, compressed backups of a whole store, and restoring them into an empty one.
//!
//! A backup file is
//!
//! ```text
//! header   "RWBACKUP" || version (1) || m_cost u32 || t_cost u32 || p_cost u32 || salt[16] || nonce prefix[15]
//! check    BLAKE3-keyed(key, "refwatch.backup.check.v1" || header)          (32 bytes)
//! chunks   last flag u8 || length u32 || XChaCha20-Poly1305(chunk)     repeated; the last has flag 1
//! ```
//!
//! All integers little-endian. The key is derived from the backup passphrase with Argon2id under
//! the header's parameters and salt. Each chunk's nonce is `prefix || counter u64 || last flag`
//! and its associated data is the header, so a reordered, dropped, repeated or truncated chunk,
//! a flipped byte anywhere, or a swapped header fails to decrypt (the STREAM construction of
//! Hoang, Reyhanitabar, Rogaway and Vizár). The check value tells a wrong passphrase apart from a
//! damaged file. The plaintext is a zstd stream of the store's [`BackupItem`]s:
//!
//! ```text
//! 'B' schema_version i64 | 'T' name, n u32, column names | 'R' n u32, values | 'E' n_rows u64
//! value: 0 null | 1 i64 | 2 f64 | 3 u32 len, UTF-8 | 4 u32 len, bytes          text: u32 len, UTF-8
//! ```
//!
//! Everything streams: memory stays flat however big the store is. Opening files, the temporary
//! file, fsync and rename are the caller's (the CLI).

use std::io::{self, Read, Write};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use store::{BackupItem, BackupSink, BackupSource, BackupStats, Store, StoreError, Value};
use zeroize::Zeroizing;

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 8] = b"RWBACKUP";
const VERSION: u8 = 1;
const SALT_LEN: usize = 16;
const PREFIX_LEN: usize = 15;
const HEADER_LEN: usize = MAGIC.len() + 1 + 12 + SALT_LEN + PREFIX_LEN;
const CHECK_LEN: usize = 32;
const CHECK_CONTEXT: &[u8] = b"refwatch.backup.check.v1";
/// Plaintext bytes per chunk.
const CHUNK: usize = 64 * 1024;
const TAG_LEN: usize = 16;
const ZSTD_LEVEL: i32 = 3;

/// What can go wrong with a backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("not a refwatch backup (or an unknown backup version)")]
    NotABackup,
    #[error("wrong backup passphrase (or the backup's header is damaged)")]
    WrongPassphrase,
    #[error("the backup is damaged or was altered (chunk {0} does not decrypt)")]
    Damaged(u64),
    #[error("the backup is truncated: it ends before its last chunk")]
    Truncated,
    #[error("the backup has data after its last chunk")]
    TrailingData,
    #[error("the backup's contents are malformed: {0}")]
    Malformed(String),
    #[error("empty backup passphrase")]
    EmptyPassphrase,
    /// A new backup's passphrase is too short (see [`crypto::check_new_passphrase`]).
    #[error("backup passphrase: {0}")]
    WeakPassphrase(String),
    #[error("key derivation or encryption failed: {0}")]
    Crypto(String),
    #[error("cannot draw random bytes: {0}")]
    Random(String),
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Backs up every table of one consistent snapshot of `store` into `out`, encrypted under a key
/// derived from `passphrase`. `out` should be a temporary file that the caller syncs and renames.
pub fn write_backup<S: Store + ?Sized, W: Write>(
    store: &S,
    passphrase: &str,
    out: W,
) -> Result<BackupStats, BackupError> {
    let mut salt = [0u8; SALT_LEN];
    let mut prefix = [0u8; PREFIX_LEN];
    random(&mut salt)?;
    random(&mut prefix)?;
    crypto::check_new_passphrase(passphrase).map_err(BackupError::WeakPassphrase)?;
    let params = KdfParams { m_cost: 64 * 1024, t_cost: 3, p_cost: 1, salt };
    let header = header(&params, &prefix);
    let key = derive(passphrase, &params)?;
    let mut out = out;
    out.write_all(&header)?;
    out.write_all(&check_value(&key, &header))?;
    let encrypted = EncryptWriter::new(out, &key, header, prefix);
    let compressed = zstd::Encoder::new(encrypted, ZSTD_LEVEL)?;
    let mut sink = ItemWriter { out: compressed, failed: None, rows: 0 };
    let stats = match store.backup(&mut sink) {
        Ok(stats) => stats,
        Err(err) => return Err(sink.failed.take().map_or(BackupError::Store(err), BackupError::Io)),
    };
    let mut out = sink.out;
    out.write_all(b"E")?;
    out.write_all(&sink.rows.to_le_bytes())?;
    let mut inner = out.finish()?.finish()?;
    inner.flush()?;
    Ok(stats)
}

/// Restores a backup from `input` into `store`, which must be empty. Nothing is written unless
/// the whole backup decrypts and goes in (one store transaction).
pub fn restore_backup<S: Store + ?Sized, R: Read>(
    store: &mut S,
    passphrase: &str,
    input: R,
) -> Result<BackupStats, BackupError> {
    let decrypted = DecryptReader::open(input, passphrase)?;
    let decompressed = zstd::Decoder::new(decrypted)?;
    let mut source = ItemReader { input: decompressed, failed: None, rows: 0, ended: false };
    match store.restore(&mut source) {
        Ok(stats) => Ok(stats),
        Err(err) => Err(source.failed.take().unwrap_or(BackupError::Store(err))),
    }
}

/// Checks that `input` is a backup that `passphrase` opens, decrypting every chunk, without
/// restoring it. Returns the number of rows.
pub fn verify_backup<R: Read>(passphrase: &str, input: R) -> Result<u64, BackupError> {
    let decrypted = DecryptReader::open(input, passphrase)?;
    let mut source =
        ItemReader { input: zstd::Decoder::new(decrypted)?, failed: None, rows: 0, ended: false };
    loop {
        match source.next_item() {
            Ok(Some(_)) => {}
            Ok(None) => return Ok(source.rows),
            Err(err) => return Err(source.failed.take().unwrap_or(BackupError::Store(err))),
        }
    }
}

struct KdfParams {
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
    salt: [u8; SALT_LEN],
}

fn header(params: &KdfParams, prefix: &[u8; PREFIX_LEN]) -> [u8; HEADER_LEN] {
    let mut out = Vec::with_capacity(HEADER_LEN);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    for n in [params.m_cost, params.t_cost, params.p_cost] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(&params.salt);
    out.extend_from_slice(prefix);
    let mut header = [0u8; HEADER_LEN];
    header.copy_from_slice(&out);
    header
}

fn derive(passphrase: &str, params: &KdfParams) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    if passphrase.is_empty() {
        return Err(BackupError::EmptyPassphrase);
    }
    let argon_params = Params::new(params.m_cost, params.t_cost, params.p_cost, Some(32))
        .map_err(|err| BackupError::Crypto(err.to_string()))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into(passphrase.as_bytes(), &params.salt, key.as_mut_slice())
        .map_err(|err| BackupError::Crypto(err.to_string()))?;
    Ok(key)
}

fn check_value(key: &[u8; 32], header: &[u8]) -> [u8; CHECK_LEN] {
    let mut hasher = blake3::Hasher::new_keyed(key);
    hasher.update(CHECK_CONTEXT);
    hasher.update(header);
    *hasher.finalize().as_bytes()
}

fn nonce(prefix: &[u8; PREFIX_LEN], counter: u64, last: bool) -> XNonce {
    let mut nonce = [0u8; 24];
    nonce[..PREFIX_LEN].copy_from_slice(prefix);
    nonce[PREFIX_LEN..PREFIX_LEN + 8].copy_from_slice(&counter.to_le_bytes());
    nonce[23] = u8::from(last);
    XNonce::from(nonce)
}

fn random(bytes: &mut [u8]) -> Result<(), BackupError> {
    getrandom::fill(bytes).map_err(|err| BackupError::Random(err.to_string()))
}

/// Encrypts everything written to it in chunks; [`EncryptWriter::finish`] writes the last one.
struct EncryptWriter<W: Write> {
    out: W,
    cipher: XChaCha20Poly1305,
    header: [u8; HEADER_LEN],
    prefix: [u8; PREFIX_LEN],
    counter: u64,
    buffer: Zeroizing<Vec<u8>>,
}

impl<W: Write> EncryptWriter<W> {
    fn new(out: W, key: &[u8; 32], header: [u8; HEADER_LEN], prefix: [u8; PREFIX_LEN]) -> EncryptWriter<W> {
        EncryptWriter {
            out,
            cipher: XChaCha20Poly1305::new(key.into()),
            header,
            prefix,
            counter: 0,
            buffer: Zeroizing::new(Vec::with_capacity(2 * CHUNK)),
        }
    }

    fn seal(&mut self, len: usize, last: bool) -> io::Result<()> {
        let nonce = nonce(&self.prefix, self.counter, last);
        let payload = Payload { msg: &self.buffer[..len], aad: &self.header };
        let sealed =
            self.cipher.encrypt(&nonce, payload).map_err(|_| io::Error::other("encryption failed"))?;
        self.out.write_all(&[u8::from(last)])?;
        self.out.write_all(&(sealed.len() as u32).to_le_bytes())?;
        self.out.write_all(&sealed)?;
        self.buffer.drain(..len);
        self.counter += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<W> {
        let len = self.buffer.len();
        self.seal(len, true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for EncryptWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        // Keep up to one chunk back: whichever chunk turns out to be the last is sealed as such.
        while self.buffer.len() > CHUNK {
            self.seal(CHUNK, false)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Decrypts a backup chunk by chunk, failing on anything altered, reordered or cut off.
struct DecryptReader<R: Read> {
    input: R,
    cipher: XChaCha20Poly1305,
    header: [u8; HEADER_LEN],
    prefix: [u8; PREFIX_LEN],
    counter: u64,
    plain: Zeroizing<Vec<u8>>,
    at: usize,
    done: bool,
}

impl<R: Read> DecryptReader<R> {
    fn open(mut input: R, passphrase: &str) -> Result<DecryptReader<R>, BackupError> {
        let mut header = [0u8; HEADER_LEN];
        read_exact_or(&mut input, &mut header, BackupError::NotABackup)?;
        if &header[..MAGIC.len()] != MAGIC || header[MAGIC.len()] != VERSION {
            return Err(BackupError::NotABackup);
        }
        let number =
            |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
        let base = MAGIC.len() + 1;
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&header[base + 12..base + 12 + SALT_LEN]);
        let params =
            KdfParams { m_cost: number(base), t_cost: number(base + 4), p_cost: number(base + 8), salt };
        if params.m_cost > crypto::MAX_M_COST
            || params.t_cost > crypto::MAX_T_COST
            || params.p_cost > crypto::MAX_P_COST
        {
            return Err(BackupError::Malformed("key derivation parameters out of range".to_owned()));
        }
        let mut prefix = [0u8; PREFIX_LEN];
        prefix.copy_from_slice(&header[HEADER_LEN - PREFIX_LEN..]);
        let key = derive(passphrase, &params)?;
        let mut check = [0u8; CHECK_LEN];
        read_exact_or(&mut input, &mut check, BackupError::Truncated)?;
        if check != check_value(&key, &header) {
            return Err(BackupError::WrongPassphrase);
        }
        Ok(DecryptReader {
            input,
            cipher: XChaCha20Poly1305::new((&*key).into()),
            header,
            prefix,
            counter: 0,
            plain: Zeroizing::new(Vec::new()),
            at: 0,
            done: false,
        })
    }

    /// Reads and decrypts the next chunk into `plain`.
    fn next_chunk(&mut self) -> Result<(), BackupError> {
        let mut frame = [0u8; 5];
        read_exact_or(&mut self.input, &mut frame, BackupError::Truncated)?;
        let last = match frame[0] {
            0 => false,
            1 => true,
            _ => return Err(BackupError::Damaged(self.counter)),
        };
        let len = u32::from_le_bytes([frame[1], frame[2], frame[3], frame[4]]) as usize;
        if !(TAG_LEN..=CHUNK + TAG_LEN).contains(&len) {
            return Err(BackupError::Damaged(self.counter));
        }
        let mut sealed = vec![0u8; len];
        read_exact_or(&mut self.input, &mut sealed, BackupError::Truncated)?;
        let nonce = nonce(&self.prefix, self.counter, last);
        let plain = self
            .cipher
            .decrypt(&nonce, Payload { msg: &sealed, aad: &self.header })
            .map_err(|_| BackupError::Damaged(self.counter))?;
        self.plain = Zeroizing::new(plain);
        self.at = 0;
        self.counter += 1;
        if last {
            self.done = true;
            let mut extra = [0u8; 1];
            if self.input.read(&mut extra)? != 0 {
                return Err(BackupError::TrailingData);
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecryptReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk().map_err(io::Error::other)?;
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn read_exact_or<R: Read>(input: &mut R, buf: &mut [u8], short: BackupError) -> Result<(), BackupError> {
    match input.read_exact(buf) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => Err(short),
        Err(err) => Err(BackupError::Io(err)),
    }
}

/// Encodes backup items into the (compressing, encrypting) writer.
struct ItemWriter<W: Write> {
    out: W,
    /// The IO error that stopped the backup, kept to report it rather than the store's wrapper.
    failed: Option<io::Error>,
    rows: u64,
}

impl<W: Write> ItemWriter<W> {
    fn encode(&mut self, item: &BackupItem) -> io::Result<()> {
        let out = &mut self.out;
        match item {
            BackupItem::Begin { schema_version } => {
                out.write_all(b"B")?;
                out.write_all(&schema_version.to_le_bytes())?;
            }
            BackupItem::Table { name, columns } => {
                out.write_all(b"T")?;
                put_bytes(out, name.as_bytes())?;
                out.write_all(&(columns.len() as u32).to_le_bytes())?;
                for column in columns {
                    put_bytes(out, column.as_bytes())?;
                }
            }
            BackupItem::Row(values) => {
                out.write_all(b"R")?;
                out.write_all(&(values.len() as u32).to_le_bytes())?;
                for value in values {
                    match value {
                        Value::Null => out.write_all(&[0])?,
                        Value::Int(n) => {
                            out.write_all(&[1])?;
                            out.write_all(&n.to_le_bytes())?;
                        }
                        Value::Real(x) => {
                            out.write_all(&[2])?;
                            out.write_all(&x.to_bits().to_le_bytes())?;
                        }
                        Value::Text(text) => {
                            out.write_all(&[3])?;
                            put_bytes(out, text.as_bytes())?;
                        }
                        Value::Blob(bytes) => {
                            out.write_all(&[4])?;
                            put_bytes(out, bytes)?;
                        }
                    }
                }
                self.rows += 1;
            }
        }
        Ok(())
    }
}

impl<W: Write> BackupSink for ItemWriter<W> {
    fn item(&mut self, item: BackupItem) -> Result<(), StoreError> {
        self.encode(&item).map_err(|err| {
            let message = err.to_string();
            self.failed = Some(err);
            StoreError::Other(format!("cannot write the backup: {message}"))
        })
    }
}

fn put_bytes<W: Write>(out: &mut W, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("a value over 4 GiB"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(bytes)
}

/// Decodes backup items from the (decrypting, decompressing) reader.
struct ItemReader<R: Read> {
    input: R,
    failed: Option<BackupError>,
    rows: u64,
    ended: bool,
}

impl<R: Read> ItemReader<R> {
    fn decode(&mut self) -> Result<Option<BackupItem>, BackupError> {
        if self.ended {
            return Ok(None);
        }
        let tag = self.array::<1>()?[0];
        Ok(Some(match tag {
            b'B' => BackupItem::Begin { schema_version: i64::from_le_bytes(self.array()?) },
            b'T' => {
                let name = self.text()?;
                let n = self.u32()?;
                let columns = (0..n).map(|_| self.text()).collect::<Result<Vec<_>, _>>()?;
                BackupItem::Table { name, columns }
            }
            b'R' => {
                let n = self.u32()?;
                let mut values = Vec::with_capacity(n.min(1024) as usize);
                for _ in 0..n {
                    values.push(match self.array::<1>()?[0] {
                        0 => Value::Null,
                        1 => Value::Int(i64::from_le_bytes(self.array()?)),
                        2 => Value::Real(f64::from_bits(u64::from_le_bytes(self.array()?))),
                        3 => Value::Text(self.text()?),
                        4 => Value::Blob(self.bytes()?),
                        other => return Err(BackupError::Malformed(format!("unknown value tag {other}"))),
                    });
                }
                self.rows += 1;
                BackupItem::Row(values)
            }
            b'E' => {
                let n_rows = u64::from_le_bytes(self.array()?);
                if n_rows != self.rows {
                    return Err(BackupError::Malformed(format!(
                        "the backup says {n_rows} rows but holds {}",
                        self.rows
                    )));
                }
                let mut extra = [0u8; 1];
                if self.input.read(&mut extra).map_err(unwrap_io)? != 0 {
                    return Err(BackupError::Malformed("data after the end marker".to_owned()));
                }
                self.ended = true;
                return Ok(None);
            }
            other => return Err(BackupError::Malformed(format!("unknown item tag {other}"))),
        }))
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        let mut buf = [0u8; N];
        match self.input.read_exact(&mut buf) {
            Ok(()) => Ok(buf),
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => {
                Err(BackupError::Malformed("the contents end early".to_owned()))
            }
            Err(err) => Err(unwrap_io(err)),
        }
    }

    fn u32(&mut self) -> Result<u32, BackupError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn bytes(&mut self) -> Result<Vec<u8>, BackupError> {
        let len = self.u32()? as usize;
        let mut buf = Vec::new();
        let read = (&mut self.input).take(len as u64).read_to_end(&mut buf).map_err(unwrap_io)?;
        if read != len {
            return Err(BackupError::Malformed("the contents end early".to_owned()));
        }
        Ok(buf)
    }

    fn text(&mut self) -> Result<String, BackupError> {
        String::from_utf8(self.bytes()?)
            .map_err(|_| BackupError::Malformed("text that is not UTF-8".to_owned()))
    }
}

/// The decrypting reader reports its [`BackupError`] through `io::Error::other`: take it back out.
fn unwrap_io(err: io::Error) -> BackupError {
    if err.get_ref().is_some_and(|inner| inner.is::<BackupError>()) {
        match err.into_inner().map(|inner| inner.downcast::<BackupError>()) {
            Some(Ok(inner)) => *inner,
            Some(Err(other)) => BackupError::Io(io::Error::other(other)),
            None => BackupError::Malformed("unreadable".to_owned()),
        }
    } else {
        BackupError::Io(err)
    }
}

impl<R: Read> BackupSource for ItemReader<R> {
    fn next_item(&mut self) -> Result<Option<BackupItem>, StoreError> {
        self.decode().map_err(|err| {
            let message = err.to_string();
            self.failed = Some(err);
            StoreError::Corrupt(message)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store_sqlite::SqliteStore;

    const PASSPHRASE: &str = "backup pass phrase";

    fn store_with_data() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SqliteStore::open(&dir.path().join("a.db")).expect("store");
        crate::users::create_user(&mut store, "ana", store::Role::Admin, "long enough password", "root")
            .expect("user");
        // Enough incompressible bytes to need several chunks.
        let mut noise = vec![0u8; 3 * CHUNK];
        getrandom::fill(&mut noise).expect("random");
        let page = domain::RawPage::new(noise, None);
        let article = domain::Article::default();
        store
            .put_document(&store::NewDocument {
                page: &page,
                source_path: Some("Canary Testperson-7Q.txt"),
                ingested_at: 1,
                pipeline_version: "test",
                article: &article,
                claims: &[],
                persons: &[],
                actor: "root",
            })
            .expect("put");
        (dir, store)
    }

    fn backup_bytes(store: &SqliteStore) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_backup(store, PASSPHRASE, &mut bytes).expect("backup");
        bytes
    }

    #[test]
    fn new_backups_need_a_long_passphrase() {
        let (_dir, store) = store_with_data();
        let mut out = Vec::new();
        let err = write_backup(&store, "eleven char", &mut out).expect_err("short passphrase accepted");
        assert!(
            matches!(err, BackupError::WeakPassphrase(_)) && err.to_string().contains("at least 12"),
            "{err}"
        );
        assert!(out.is_empty(), "bytes written before the passphrase was checked");
    }

    #[test]
    fn backups_round_trip_and_hide_their_contents() {
        let (_dir, store) = store_with_data();
        let bytes = backup_bytes(&store);
        assert!(bytes.starts_with(MAGIC));
        let needle = b"Canary Testperson-7Q";
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "plaintext in the backup");
        assert!(verify_backup(PASSPHRASE, bytes.as_slice()).expect("verify") > 3);

        let dir = tempfile::tempdir().expect("tempdir");
        let mut target = SqliteStore::open(&dir.path().join("b.db")).expect("target");
        let stats = restore_backup(&mut target, PASSPHRASE, bytes.as_slice()).expect("restore");
        assert!(stats.rows > 3);
        assert_eq!(target.counts().expect("counts"), store.counts().expect("counts"));
        assert_eq!(target.list_documents().expect("docs"), store.list_documents().expect("docs"));
        assert_eq!(target.list_users().expect("users"), store.list_users().expect("users"));
        assert_eq!(target.audit_log().expect("log"), store.audit_log().expect("log"));
        assert_eq!(crate::record::verify_audit(&target).expect("verify").ok(), Some(2));
        // A second restore into the now non-empty target is refused.
        let again = restore_backup(&mut target, PASSPHRASE, bytes.as_slice());
        assert!(matches!(again, Err(BackupError::Store(StoreError::Conflict(_)))), "{again:?}");
    }

    #[test]
    fn wrong_passphrase_truncation_and_flipped_bytes_are_named() {
        let (_dir, store) = store_with_data();
        let bytes = backup_bytes(&store);
        let verify = |bytes: &[u8], passphrase: &str| verify_backup(passphrase, bytes).map(|_| ());
        assert!(matches!(verify(&bytes, "not the passphrase"), Err(BackupError::WrongPassphrase)));
        assert!(matches!(verify(b"hello", PASSPHRASE), Err(BackupError::NotABackup)));
        for cut in [HEADER_LEN + CHECK_LEN, bytes.len() / 2, bytes.len() - 1] {
            let result = verify(&bytes[..cut], PASSPHRASE);
            assert!(matches!(result, Err(BackupError::Truncated)), "cut at {cut}: {result:?}");
        }
        // Dropping the last chunk (a whole, valid frame) is caught too.
        let last_frame =
            bytes.len() - (1 + 4 + 16 + (bytes.len() - HEADER_LEN - CHECK_LEN) % (5 + CHUNK + 16));
        let result = verify(&bytes[..last_frame], PASSPHRASE);
        assert!(matches!(result, Err(BackupError::Truncated | BackupError::Damaged(_))), "{result:?}");
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(verify(&longer, PASSPHRASE), Err(BackupError::TrailingData)));
        for at in [HEADER_LEN + CHECK_LEN + 10, bytes.len() / 2, bytes.len() - 3] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x01;
            let result = verify(&flipped, PASSPHRASE);
            assert!(
                matches!(result, Err(BackupError::Damaged(_) | BackupError::Truncated)),
                "byte {at}: {result:?}"
            );
        }
        // A flipped salt changes the derived key: reported as a wrong passphrase or damaged header.
        let mut flipped = bytes.clone();
        flipped[MAGIC.len() + 1 + 12] ^= 0x01;
        assert!(matches!(verify(&flipped, PASSPHRASE), Err(BackupError::WrongPassphrase)));

        // A failed restore writes nothing.
        let dir = tempfile::tempdir().expect("tempdir");
        let mut target = SqliteStore::open(&dir.path().join("c.db")).expect("target");
        let mut flipped = bytes.clone();
        let at = bytes.len() - 3;
        flipped[at] ^= 0x01;
        assert!(restore_backup(&mut target, PASSPHRASE, flipped.as_slice()).is_err());
        assert_eq!(target.counts().expect("counts"), store::Counts::default());
        assert_eq!(target.list_users().expect("users"), vec![]);
    }
}
