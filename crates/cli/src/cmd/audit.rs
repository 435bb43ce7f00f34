//! `refwatch audit log|verify|anchor`: the hash chain every write appends to, the MACs that
//! entries written by a process holding the key carry, and the anchor that catches the whole log
//! rolled back to an earlier state.
//!
//! The anchor (see `service::anchor`) is a small file beside a SQLite database
//! (`refwatch.db.audit-anchor`), or wherever `REFWATCH_AUDIT_ANCHOR` names (the only way to have
//! one for a PostgreSQL database). [`after_command`] moves it to the log's head after every
//! database subcommand, only forward along the same chain; `audit verify` fails when the database
//! is behind it or no longer holds the anchored entry, and every subcommand warns. `restore` and
//! `audit anchor --reset` accept the database as it is.

use std::path::Path;
use std::process::ExitCode;

use service::anchor::{Advance, Anchor, AnchorState};
use service::record::{AuditCheck, MacCheck};
use store::AuditEntry;

use crate::db::Ctx;

/// The tamper-evident log of every write
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AuditCommand {
    /// Print every entry: sequence, time (UTC), actor, action, objects, hash, and `mac` when the
    /// entry carries a MAC (`-` when it was appended without the key)
    Log,
    /// Recompute the chain and, with the key (--key-file or REFWATCH_PASSPHRASE), check every
    /// MAC and say which entries the MACs cover; exits non-zero naming the first broken entry
    Verify {
        /// Also fail when any entry is not covered by a MAC (appended without the key and not
        /// followed by an entry appended with it), or when no key is given
        #[arg(long)]
        strict: bool,
    },
    /// Show the audit anchor (the log's head kept outside the database) and how the database
    /// stands against it
    Anchor {
        /// Make the anchor record the database's head as it is now, after restoring an older
        /// copy on purpose (needs the admin role)
        #[arg(long)]
        reset: bool,
    },
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let store = crate::db::open_existing(&ctx.db_path())?;
        match self.command {
            AuditCommand::Log => {
                for entry in service::record::audit_log(&store)? {
                    let at = chrono::DateTime::from_timestamp(entry.at, 0)
                        .map_or_else(|| entry.at.to_string(), |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
                    let hash = entry.hash.get(..16).unwrap_or(&entry.hash);
                    let mac = if entry.mac.is_some() { "mac" } else { "-" };
                    println!(
                        "{}\t{at}\t{}\t{}\t{}\t{hash}\t{mac}",
                        entry.seq, entry.actor, entry.action, entry.objects
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            AuditCommand::Verify { strict } => {
                // Never prompts: the key comes from --key-file or REFWATCH_PASSPHRASE when given.
                let key = crate::cmd::keys::unlock(ctx, &store, crate::cmd::keys::Prompt::Never)?;
                let check = service::record::check_audit(&store, key.as_ref())?;
                let (mut text, mut passed) = report(&check, strict);
                let (anchor_text, anchor_passed) = anchor_report(ctx, &check);
                text.push_str(&anchor_text);
                passed &= anchor_passed;
                print!("{text}");
                Ok(if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
            }
            AuditCommand::Anchor { reset } => {
                let Some(path) = ctx.anchor_path() else {
                    println!("{}", no_anchor_text());
                    return Ok(ExitCode::SUCCESS);
                };
                if reset {
                    let (head, previous) = service::anchor::reset(&store, &path)?;
                    match previous {
                        Some(previous) if previous != head => println!(
                            "audit anchor {} reset to {head} (it recorded {previous})",
                            path.display()
                        ),
                        _ => println!("audit anchor {} records {head}", path.display()),
                    }
                    return Ok(ExitCode::SUCCESS);
                }
                match service::anchor::read(&path)? {
                    None => {
                        println!("no audit anchor at {} yet (written after this command)", path.display());
                        Ok(ExitCode::SUCCESS)
                    }
                    Some(anchor) => match service::anchor::check(&store, &anchor)? {
                        AnchorState::Reached => {
                            println!(
                                "audit anchor {} records {anchor}; the log reaches it unchanged",
                                path.display()
                            );
                            Ok(ExitCode::SUCCESS)
                        }
                        state => {
                            println!("{}", rollback_text(&path, &anchor, &state));
                            Ok(ExitCode::FAILURE)
                        }
                    },
                }
            }
        }
    }

    /// The role this subcommand needs once the database has users.
    pub fn need(&self) -> service::users::Need {
        match self.command {
            AuditCommand::Anchor { reset: true } => service::users::Need::Admin,
            _ => service::users::Need::Any,
        }
    }
}

/// Whether [`after_command`] warns about a rollback on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warn {
    Yes,
    /// The subcommand reported it already (`audit verify`, `audit anchor`).
    No,
}

/// Runs after every database subcommand, whether it succeeded or not (a failed one may have
/// committed part of its work): moves the audit anchor forward to the log's head, or creates it,
/// and warns on stderr when the database is behind it or diverges from it (the anchor then stays
/// as it was). `db_existed`: whether the SQLite file existed before the subcommand; a database
/// it created replaces the anchor a previous database at the same path left. Never fails the
/// subcommand: problems with the anchor are warnings.
pub fn after_command(ctx: &Ctx, db_existed: bool, warn: Warn) {
    let Some(path) = ctx.anchor_path() else { return };
    let created = !db_existed && ctx.db_file_exists();
    let store = match crate::db::open_existing(&ctx.db_path()) {
        Ok(store) => store,
        Err(_) => return,
    };
    if created {
        match service::anchor::reset(&store, &path) {
            Ok((head, Some(previous))) if previous != head => eprintln!(
                "note: new database; its audit anchor {} replaces the one a previous database left \
                 there ({previous})",
                path.display()
            ),
            Ok(_) => {}
            Err(err) => eprintln!("warning: {err:#}"),
        }
        return;
    }
    match service::anchor::advance(&store, &path) {
        Ok(Advance::Kept { anchor, state }) => {
            if warn == Warn::Yes {
                eprintln!("warning: {}", rollback_text(&path, &anchor, &state));
            }
        }
        Ok(_) => {}
        Err(err) => eprintln!("warning: {err:#} (a rollback of the audit log may go unnoticed)"),
    }
}

/// What a database behind or diverging from its anchor means, and what to do.
fn rollback_text(path: &Path, anchor: &Anchor, state: &AnchorState) -> String {
    let what = match state {
        AnchorState::Reached => return format!("the audit log reaches its anchor ({anchor})"),
        AnchorState::Behind { head_seq } => format!(
            "audit log ROLLED BACK: its anchor {} records {anchor}, but the database's log ends at \
             entry {head_seq}: entries were removed, or an older copy of the database was put in \
             place",
            path.display()
        ),
        AnchorState::Diverged { found } => format!(
            "audit log ROLLED BACK or REPLACED: its anchor {} records {anchor}, but the database's \
             entry {} has hash {}: the log was rolled back and written on since, or this is \
             another database",
            path.display(),
            anchor.seq,
            if found.is_empty() { "<missing>" } else { found.get(..16).unwrap_or(found) }
        ),
    };
    format!(
        "{what}. Writes made after that point may be lost or undone. If you restored this \
         database from a backup or older copy on purpose, `refwatch audit anchor --reset` accepts \
         it as it is"
    )
}

fn no_anchor_text() -> String {
    format!(
        "no audit anchor: a rollback of the whole log to an earlier state is not detected for a \
         PostgreSQL database unless {} names a file to keep the log's head in",
        crate::db::ANCHOR_ENV
    )
}

/// The anchor part of `audit verify`, and whether it passes.
fn anchor_report(ctx: &Ctx, check: &AuditCheck) -> (String, bool) {
    let Some(path) = ctx.anchor_path() else {
        return (format!("{}\n", no_anchor_text()), true);
    };
    match service::anchor::read(&path) {
        Err(err) => (format!("audit anchor broken: {err:#}\n"), false),
        Ok(None) => (
            format!(
                "no audit anchor at {} yet: it is written now, and a rollback to before this point \
                 cannot be detected\n",
                path.display()
            ),
            true,
        ),
        Ok(Some(anchor)) => match service::anchor::check_entries(&check.entries, check.head.0, &anchor) {
            AnchorState::Reached => (
                format!(
                    "audit anchor {}: the log reaches {anchor} unchanged (no rollback to before it)\n",
                    path.display()
                ),
                true,
            ),
            state => (format!("{}\n", rollback_text(&path, &anchor, &state)), false),
        },
    }
}

/// What `audit verify` prints, and whether it passes.
fn report(check: &AuditCheck, strict: bool) -> (String, bool) {
    let mut out = String::new();
    let n = check.entries.len();
    if let Err(broken) = &check.chain {
        out.push_str(&format!("audit log broken: {broken}\n"));
        return (out, false);
    }
    out.push_str(&format!("audit log intact: {n} entries, head {}\n", check.head.1));
    let passed = match &check.macs {
        MacCheck::Skipped => true,
        MacCheck::NotChecked { with_mac } => {
            out.push_str(&format!(
                "MACs not checked: no key given ({with_mac} of {n} entries carry one). Without the key \
                 only the chain is checked, and a rewrite of the whole chain and its head is not \
                 detected: pass --key-file, or set REFWATCH_PASSPHRASE, to check them\n"
            ));
            !strict
        }
        MacCheck::NoAuditKey => {
            out.push_str(
                "MACs not checked: this data key predates sealed texts and has no audit key (run \
                 `keys rotate` to give it one)\n",
            );
            !strict
        }
        MacCheck::Checked(Err(broken)) => {
            out.push_str(&format!("audit log broken: {broken}\n"));
            false
        }
        MacCheck::Checked(Ok(macs)) => {
            if macs.covered_through == 0 {
                out.push_str(&format!(
                    "MACs: no entry carries a MAC, so none of the {n} is covered (entries written \
                     before refwatch kept MACs or without the key, or MACs removed)\n"
                ));
            } else {
                out.push_str(&format!(
                    "MACs verified: entries 1-{} are covered (a MAC on an entry vouches for every \
                     entry before it)\n",
                    macs.covered_through
                ));
                if !macs.vouched.is_empty() {
                    out.push_str(&format!(
                        "  written without the key, covered by a later MAC: {}\n",
                        describe(&check.entries, &macs.vouched)
                    ));
                }
            }
            if !macs.uncovered.is_empty() {
                out.push_str(&format!(
                    "NOT covered by a MAC (written without the key, or before refwatch kept MACs; \
                     anyone with write access to the database could have rewritten them, until a \
                     process holding the key writes after them): {}\n",
                    describe(&check.entries, &macs.uncovered)
                ));
            }
            !strict || macs.uncovered.is_empty()
        }
    };
    (out, passed)
}

/// `3 (user.add by ana), 5 (decision by bo)`, at most a dozen named.
fn describe(entries: &[AuditEntry], seqs: &[i64]) -> String {
    const SHOWN: usize = 12;
    let mut parts: Vec<String> = seqs
        .iter()
        .take(SHOWN)
        .map(|seq| match entries.iter().find(|e| e.seq == *seq) {
            Some(e) => format!("{seq} ({} by {})", e.action, e.actor),
            None => seq.to_string(),
        })
        .collect();
    if seqs.len() > SHOWN {
        parts.push(format!("and {} more", seqs.len() - SHOWN));
    }
    parts.join(", ")
}
