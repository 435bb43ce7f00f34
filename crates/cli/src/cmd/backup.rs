//! `refwatch backup FILE`: one consistent snapshot of the whole database (taken while other
//! processes keep writing), compressed and encrypted under a key derived from the backup
//! passphrase (`REFWATCH_BACKUP_PASSPHRASE`, else a prompt with confirmation). The backup is
//! written to `FILE.tmp`, synced, and renamed to `FILE` only when complete, so a crash leaves no
//! `FILE` (at most a stale `FILE.tmp`, replaced by the next run).

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use zeroize::Zeroizing;

use crate::db::Ctx;

/// The environment variable holding the backup passphrase.
pub const BACKUP_PASSPHRASE_ENV: &str = "REFWATCH_BACKUP_PASSPHRASE";

/// Write an encrypted, compressed backup of the whole database to FILE
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Replace FILE if it exists
    #[arg(long)]
    force: bool,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        if self.file.exists() && !self.force {
            anyhow::bail!("{} exists (pass --force to replace it)", self.file.display());
        }
        let store = crate::db::open_existing(&ctx.db_path())?;
        let passphrase = passphrase(true)?;
        crypto::check_new_passphrase(&passphrase)
            .map_err(|err| anyhow::anyhow!("backup passphrase: {err}"))?;
        let tmp = tmp_path(&self.file);
        let file = create_private(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut out = BufWriter::new(file);
        let stats = service::backup::write_backup(&store, &passphrase, &mut out)
            .with_context(|| format!("backup to {} failed", tmp.display()))?;
        out.flush().with_context(|| format!("cannot write {}", tmp.display()))?;
        let file = out.into_inner().map_err(|err| err.into_error())?;
        file.sync_all().with_context(|| format!("cannot sync {}", tmp.display()))?;
        drop(file);
        std::fs::rename(&tmp, &self.file)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), self.file.display()))?;
        sync_dir(&self.file);
        let size = std::fs::metadata(&self.file).map(|m| m.len()).unwrap_or(0);
        println!(
            "backed up {} tables, {} rows to {} ({size} bytes, encrypted)",
            stats.tables,
            stats.rows,
            self.file.display()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Creates (or truncates) `path` readable by its owner only (0600, whatever the umask or the mode
/// of a stale file left by a crash).
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// `FILE.tmp`, next to FILE (same file system, so the rename is atomic).
pub fn tmp_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    file.with_file_name(name)
}

/// Syncs FILE's directory so the rename itself survives a power loss (best effort).
fn sync_dir(file: &Path) {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// The backup passphrase: `REFWATCH_BACKUP_PASSPHRASE`, else a prompt (twice when `confirm`).
pub fn passphrase(confirm: bool) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(text) = std::env::var(BACKUP_PASSPHRASE_ENV)
        && !text.is_empty()
    {
        return Ok(Zeroizing::new(text));
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("no backup passphrase: set {BACKUP_PASSPHRASE_ENV} or run on a terminal");
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("backup passphrase: ").context("cannot read the passphrase")?,
    );
    if first.is_empty() {
        anyhow::bail!("empty backup passphrase");
    }
    if confirm {
        let again =
            Zeroizing::new(rpassword::prompt_password("again: ").context("cannot read the passphrase")?);
        if *again != *first {
            anyhow::bail!("the passphrases differ");
        }
    }
    Ok(first)
}
