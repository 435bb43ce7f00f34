//! The audit anchor: a copy of the audit log's head (last sequence number and hash) kept outside
//! the database, so that rolling the whole log back to an earlier genuine state is detected.
//!
//! The chain and its MACs (see `store::audit`) catch an entry altered, removed from the middle,
//! or rewritten without the key, but not the database put back as it was earlier (an older copy
//! of the SQLite file, or the newest entries deleted and the head they replaced restored): that
//! state was once genuine, and every hash and MAC in it checks. The anchor remembers how far the
//! log had got. [`check`] compares a database with it: the log must reach the anchor's sequence
//! number and hold the anchor's hash there. One hash is enough, since each entry's hash covers
//! every entry before it.
//!
//! - [`advance`] moves the anchor to the current head, but only along the same chain: a database
//!   behind its anchor, or diverging from it, leaves the anchor as it is (so the evidence stays,
//!   whatever is written on top) and says why.
//! - [`reset`] replaces it unconditionally, for a deliberate restore.
//! - The file is written whole to a temporary file, synced, and renamed over the old one, so a
//!   crash leaves the old anchor or the new one. It is written after the database commits, so it
//!   can lag behind the database (a crash, a concurrent writer) but never run ahead of it: no
//!   false alarm.
//!
//! **Limits.** Whoever can write both the database and the anchor (replace both with older
//! copies, or edit the anchor) is not detected: keep the anchor on other storage than the
//! database for that. Entries appended after the last anchor update (by `refwatch serve`, which
//! does not update the anchor until it stops, or a process that crashed before its update) can
//! be rolled back unnoticed until a later update anchors them. The anchor holds no secret: a
//! sequence number and a hash of entries that are themselves stored in the clear.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use store::{AuditEntry, Store};

use crate::ServiceError;

/// The first line of an anchor file.
const MAGIC: &str = "refwatch audit anchor v1";

/// A recorded head of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The last entry's sequence number (0 for an empty log).
    pub seq: i64,
    /// Its hash (hex), as in `audit_head`.
    pub hash: String,
}

/// How a database's audit log stands against its anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorState {
    /// The log holds the anchored entry, unchanged (and possibly more after it).
    Reached,
    /// The log ends before the anchored entry: entries were removed, or an older copy of the
    /// database was put in place.
    Behind { head_seq: i64 },
    /// The log's entry at the anchor's sequence number has another hash: the log was rolled back
    /// and written on since, or it is another database's.
    Diverged { found: String },
}

/// What [`advance`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advance {
    /// There was no anchor: it now records the head.
    Created(Anchor),
    /// The anchor already recorded the head.
    Unchanged,
    /// The anchor moved forward along the same chain.
    Advanced { from: Anchor, to: Anchor },
    /// The database is behind or diverges from the anchor, which was left as it was.
    Kept { anchor: Anchor, state: AnchorState },
}

impl Anchor {
    /// Reads the text of an anchor file.
    pub fn parse(text: &str) -> Result<Anchor, String> {
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) {
            return Err(format!("does not start with {MAGIC:?}"));
        }
        let seq = lines
            .next()
            .and_then(|line| line.strip_prefix("seq "))
            .and_then(|seq| seq.parse::<i64>().ok())
            .filter(|seq| *seq >= 0)
            .ok_or("no valid `seq` line")?;
        let hash = lines
            .next()
            .and_then(|line| line.strip_prefix("hash "))
            .filter(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or("no valid `hash` line")?;
        if lines.any(|line| !line.trim().is_empty()) {
            return Err("unexpected lines after `hash`".to_owned());
        }
        Ok(Anchor { seq, hash: hash.to_ascii_lowercase() })
    }

    /// The text of an anchor file.
    pub fn to_text(&self) -> String {
        format!("{MAGIC}\nseq {}\nhash {}\n", self.seq, self.hash)
    }

    /// The database's current head.
    pub fn head_of<S: Store + ?Sized>(store: &S) -> Result<Anchor, ServiceError> {
        let (seq, hash) = store.audit_head()?;
        Ok(Anchor { seq, hash })
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {} (hash {})", self.seq, self.hash.get(..16).unwrap_or(&self.hash))
    }
}

/// How `entries` (the whole log, oldest first) and the stored `head` stand against `anchor`.
pub fn check_entries(entries: &[AuditEntry], head_seq: i64, anchor: &Anchor) -> AnchorState {
    if head_seq < anchor.seq {
        return AnchorState::Behind { head_seq };
    }
    if anchor.seq == 0 {
        return AnchorState::Reached;
    }
    match entries.iter().find(|entry| entry.seq == anchor.seq) {
        Some(entry) if entry.hash.eq_ignore_ascii_case(&anchor.hash) => AnchorState::Reached,
        Some(entry) => AnchorState::Diverged { found: entry.hash.clone() },
        // A head past the anchor without the anchored entry: the chain check names the gap.
        None => AnchorState::Diverged { found: String::new() },
    }
}

/// How `store`'s audit log stands against `anchor`.
pub fn check<S: Store + ?Sized>(store: &S, anchor: &Anchor) -> Result<AnchorState, ServiceError> {
    let head = Anchor::head_of(store)?;
    if head == *anchor {
        return Ok(AnchorState::Reached);
    }
    if head.seq < anchor.seq {
        return Ok(AnchorState::Behind { head_seq: head.seq });
    }
    Ok(check_entries(&store.audit_log()?, head.seq, anchor))
}

/// The anchor stored at `path`; `None` when there is no file.
pub fn read(path: &Path) -> Result<Option<Anchor>, ServiceError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(anchor_error(path, format!("cannot read: {err}"))),
    };
    Anchor::parse(&text).map(Some).map_err(|reason| anchor_error(path, format!("malformed: {reason}")))
}

/// Writes `anchor` to `path` atomically (a temporary file beside it, synced, then renamed).
pub fn write(path: &Path, anchor: &Anchor) -> Result<(), ServiceError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(anchor.to_text().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(anchor_error(path, format!("cannot write: {err}")));
    }
    // Make the rename itself durable; not every platform can open a directory, so best effort.
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Moves the anchor at `path` to `store`'s head when the log still holds the anchored entry
/// unchanged; creates it when there is none; otherwise leaves it (see [`Advance::Kept`]).
pub fn advance<S: Store + ?Sized>(store: &S, path: &Path) -> Result<Advance, ServiceError> {
    let head = Anchor::head_of(store)?;
    let Some(anchor) = read(path)? else {
        write(path, &head)?;
        return Ok(Advance::Created(head));
    };
    if anchor == head {
        return Ok(Advance::Unchanged);
    }
    match check(store, &anchor)? {
        AnchorState::Reached => {
            // Another process may have anchored a later head meanwhile: never move back.
            match read(path)? {
                Some(latest) if latest.seq >= head.seq => Ok(Advance::Unchanged),
                _ => {
                    write(path, &head)?;
                    Ok(Advance::Advanced { from: anchor, to: head })
                }
            }
        }
        state => Ok(Advance::Kept { anchor, state }),
    }
}

/// Makes the anchor at `path` record `store`'s head, whatever it recorded before (returned), for
/// a deliberate restore or replacement of the database.
pub fn reset<S: Store + ?Sized>(store: &S, path: &Path) -> Result<(Anchor, Option<Anchor>), ServiceError> {
    // A malformed anchor is replaced too; that is what a reset is for.
    let previous = read(path).unwrap_or_default();
    let head = Anchor::head_of(store)?;
    write(path, &head)?;
    Ok((head, previous))
}

fn anchor_error(path: &Path, reason: String) -> ServiceError {
    ServiceError::Anchor(format!("{}: {reason}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use store_sqlite::SqliteStore;

    fn user(store: &mut SqliteStore, name: &str) {
        let role = if store.list_users().expect("users").is_empty() {
            store::Role::Admin
        } else {
            store::Role::Viewer
        };
        crate::users::create_user(store, name, role, "a long password", "root").expect("user");
    }

    #[test]
    fn anchor_files_round_trip_and_malformed_ones_are_refused() {
        let anchor = Anchor { seq: 7, hash: "ab".repeat(32) };
        assert_eq!(Anchor::parse(&anchor.to_text()), Ok(anchor.clone()));
        for bad in [
            "",
            "refwatch audit anchor v2\nseq 7\nhash 00\n",
            &anchor.to_text().replace("seq 7", "seq -1"),
            &anchor.to_text().replace("seq 7", "seq x"),
            &anchor.to_text().replace(&"ab".repeat(32), "ab"),
            &format!("{}more\n", anchor.to_text()),
        ] {
            assert!(Anchor::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// The anchor follows the log forward, and a log rolled back (an older copy of the file, or
    /// written on after the rollback) is named and leaves the anchor where it was.
    #[test]
    fn rolled_back_logs_are_behind_or_diverge_and_keep_the_anchor() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("a.db");
        let path = dir.path().join("a.db.audit-anchor");
        let mut store = SqliteStore::open(&db).expect("store");
        user(&mut store, "ana"); // 1
        assert!(matches!(advance(&store, &path).expect("advance"), Advance::Created(a) if a.seq == 1));
        assert_eq!(advance(&store, &path).expect("advance"), Advance::Unchanged);
        drop(store);
        let old = dir.path().join("old.db");
        std::fs::copy(&db, &old).expect("copy");

        let mut store = SqliteStore::open(&db).expect("store");
        user(&mut store, "bo"); // 2
        user(&mut store, "cy"); // 3
        let advanced = advance(&store, &path).expect("advance");
        assert!(
            matches!(&advanced, Advance::Advanced { from, to } if from.seq == 1 && to.seq == 3),
            "{advanced:?}"
        );
        let anchor = read(&path).expect("read").expect("anchor");
        assert_eq!(check(&store, &anchor).expect("check"), AnchorState::Reached);
        drop(store);

        // The older copy put back: behind the anchor, which stays.
        std::fs::copy(&old, &db).expect("roll back");
        let mut store = SqliteStore::open(&db).expect("store");
        assert_eq!(check(&store, &anchor).expect("check"), AnchorState::Behind { head_seq: 1 });
        assert_eq!(
            advance(&store, &path).expect("advance"),
            Advance::Kept { anchor: anchor.clone(), state: AnchorState::Behind { head_seq: 1 } }
        );
        // Written on past the anchor since: entry 3 is another one now.
        user(&mut store, "dee"); // 2'
        user(&mut store, "eve"); // 3'
        user(&mut store, "fay"); // 4'
        let state = check(&store, &anchor).expect("check");
        assert!(matches!(&state, AnchorState::Diverged { found } if *found != anchor.hash), "{state:?}");
        assert!(matches!(advance(&store, &path).expect("advance"), Advance::Kept { .. }));
        assert_eq!(read(&path).expect("read"), Some(anchor.clone()), "the anchor moved");

        // A deliberate reset accepts the database as it is.
        let (head, previous) = reset(&store, &path).expect("reset");
        assert_eq!((head.seq, previous), (4, Some(anchor)));
        assert_eq!(advance(&store, &path).expect("advance"), Advance::Unchanged);
    }

    #[test]
    fn a_malformed_anchor_is_an_error_and_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.db.audit-anchor");
        let mut store = SqliteStore::open(&dir.path().join("a.db")).expect("store");
        user(&mut store, "ana");
        std::fs::write(&path, "seq 99\n").expect("write");
        let err = advance(&store, &path).expect_err("malformed anchor accepted");
        assert!(err.to_string().contains("malformed"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "seq 99\n");
    }
}
