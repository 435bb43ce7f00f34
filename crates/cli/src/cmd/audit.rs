//! `refwatch audit log|verify`: the hash chain every write appends to.

use std::process::ExitCode;

use crate::db::Ctx;

/// The tamper-evident log of every write
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AuditCommand {
    /// Print every entry: sequence, time (UTC), actor, action, objects, hash
    Log,
    /// Recompute the chain; exits non-zero and names the first broken entry if it fails
    Verify,
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
                    println!(
                        "{}\t{at}\t{}\t{}\t{}\t{hash}",
                        entry.seq, entry.actor, entry.action, entry.objects
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            AuditCommand::Verify => match service::record::verify_audit(&store)? {
                Ok(n) => {
                    let (_, head) = store::Store::audit_head(&store)?;
                    println!("audit log intact: {n} entries, head {head}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("audit log broken: {broken}");
                    Ok(ExitCode::FAILURE)
                }
            },
        }
    }
}
