//! `refwatch audit log|verify`: the hash chain every write appends to, and the MACs that entries
//! written by a process holding the key carry.

use std::process::ExitCode;

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
                let (text, passed) = report(&check, strict);
                print!("{text}");
                Ok(if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
            }
        }
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
