//! `refwatch restore FILE`: a backup into an empty database of either backend (`--db` names a
//! new SQLite file or an empty PostgreSQL database), so it also moves a SQLite database to
//! PostgreSQL. Everything goes in in one transaction: a wrong passphrase, a damaged or truncated
//! file, or a non-empty database leaves the database as it was.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::db::Ctx;

/// Restore a backup into an empty database (of either backend)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Only check that the backup decrypts and is complete; change nothing
    #[arg(long)]
    verify: bool,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let open = || {
            File::open(&self.file)
                .map(BufReader::new)
                .with_context(|| format!("cannot open {}", self.file.display()))
        };
        let input = open()?;
        let passphrase = crate::cmd::backup::passphrase(false)?;
        if self.verify {
            let rows = service::backup::verify_backup(&passphrase, input)
                .with_context(|| format!("{} does not verify", self.file.display()))?;
            println!("{} is complete and intact: {rows} rows", self.file.display());
            return Ok(ExitCode::SUCCESS);
        }
        let path = ctx.db_path();
        let mut store = crate::db::open(&path)?;
        let stats = service::backup::restore_backup(&mut store, &passphrase, input).with_context(|| {
            format!("cannot restore {} into {}", self.file.display(), crate::db::describe(&path))
        })?;
        println!("restored {} tables, {} rows into {}", stats.tables, stats.rows, crate::db::describe(&path));
        // The restored log is older than whatever the anchor may record: it is accepted as it is.
        if let Some(anchor) = ctx.anchor_path() {
            match service::anchor::reset(&store, &anchor) {
                Ok((head, Some(previous))) if previous != head => println!(
                    "audit anchor {} reset to the restored log's {head} (it recorded {previous}: \
                     what was written after the backup is not in this database)",
                    anchor.display()
                ),
                Ok((head, _)) => {
                    println!("audit anchor {} records the restored log's {head}", anchor.display())
                }
                Err(err) => eprintln!("warning: {err:#} (a rollback of the restored log may go unnoticed)"),
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
