//! `refwatch keys init|rotate|export`: the data key that seals case files, and how the CLI finds
//! the secret that unwraps it: `--key-file PATH` (32 raw bytes, or 64 hex characters), else
//! `REFWATCH_PASSPHRASE`, else a prompt when stdin is a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use crypto::{Kek, Passphrase};
use service::record::{KeySecret, Unlocked};
use zeroize::Zeroizing;

use crate::db::{Ctx, Db};

/// The environment variable holding the passphrase that unwraps the data key.
pub const PASSPHRASE_ENV: &str = "REFWATCH_PASSPHRASE";
/// The environment variable holding the new passphrase for `keys rotate`.
pub const NEW_PASSPHRASE_ENV: &str = "REFWATCH_NEW_PASSPHRASE";

/// Manage the data key that seals case files
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, clap::Subcommand)]
enum KeysCommand {
    /// Create the data key, wrapped under the passphrase or --key-file
    Init,
    /// Replace the data key, re-seal every case file and erase the old key's wrapped copy, in one
    /// transaction (page texts keep their text keys)
    Rotate {
        /// Wrap the new key under this key file (default: REFWATCH_NEW_PASSPHRASE, a prompt, or the
        /// current passphrase or key file)
        #[arg(long, value_name = "PATH")]
        new_key_file: Option<PathBuf>,
    },
    /// Write the wrapped data key (useless without the passphrase or key file) for backup
    Export {
        /// Write the raw bytes here instead of hex to stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let mut store = crate::db::open(&ctx.db_path())?;
        match self.command {
            KeysCommand::Init => {
                let secret = secret(ctx, Prompt::Confirm)?.context(
                    "no passphrase: set REFWATCH_PASSPHRASE, pass --key-file, or run on a terminal",
                )?;
                let id = service::record::init_key(&mut store, &secret, &ctx.actor)?;
                println!("data key {id} stored");
            }
            KeysCommand::Rotate { new_key_file } => {
                let old =
                    secret(ctx, Prompt::Once)?.context("no passphrase or key file for the current key")?;
                let new = match new_key_file {
                    Some(path) => KeySecret::KeyFile(read_key_file(&path)?),
                    None => match std::env::var(NEW_PASSPHRASE_ENV) {
                        Ok(text) if !text.is_empty() => KeySecret::Passphrase(Passphrase::new(text)),
                        _ if std::io::stdin().is_terminal() && ctx.key_file.is_none() => {
                            KeySecret::Passphrase(prompt("new passphrase: ", true)?)
                        }
                        _ => {
                            secret(ctx, Prompt::Once)?.context("no passphrase or key file for the new key")?
                        }
                    },
                };
                let id = service::record::rotate_key(&mut store, &old, &new, &ctx.actor)?;
                println!(
                    "data key {id} stored; every case file re-sealed; the old key's wrapped copy erased \
                     (page texts keep their text keys: see `keys rotate` in the README)"
                );
            }
            KeysCommand::Export { output } => {
                let (kind, wrapped) = service::record::export_key(&store)?;
                match output {
                    Some(path) => {
                        std::fs::write(&path, &wrapped)
                            .with_context(|| format!("cannot write {}", path.display()))?;
                        eprintln!("wrapped data key ({}) written to {}", kind.as_str(), path.display());
                    }
                    None => {
                        let hex: String = wrapped.iter().map(|b| format!("{b:02x}")).collect();
                        println!("{hex}");
                    }
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Whether to ask on a terminal when neither a key file nor the environment gives the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    Never,
    Once,
    /// Twice, for a new passphrase.
    Confirm,
}

/// The configured secret: `--key-file`, else `REFWATCH_PASSPHRASE`, else a prompt (if allowed and
/// on a terminal), else none.
pub fn secret(ctx: &Ctx, ask: Prompt) -> anyhow::Result<Option<KeySecret>> {
    if let Some(path) = &ctx.key_file {
        return Ok(Some(KeySecret::KeyFile(read_key_file(path)?)));
    }
    if let Ok(text) = std::env::var(PASSPHRASE_ENV)
        && !text.is_empty()
    {
        return Ok(Some(KeySecret::Passphrase(Passphrase::new(text))));
    }
    if ask == Prompt::Never || !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    Ok(Some(KeySecret::Passphrase(prompt("passphrase: ", ask == Prompt::Confirm)?)))
}

/// Unwraps the data key when a secret is configured; `None` when none is. A user whose role may
/// not see case files (a viewer) never gets the key: `None` when the caller can do without it
/// (`Prompt::Never`), an error otherwise.
pub fn unlock(ctx: &Ctx, store: &Db, ask: Prompt) -> anyhow::Result<Option<Unlocked>> {
    let principal = service::users::principal(store, &ctx.actor)?;
    if !principal.may(service::users::Need::SeePersons) {
        if ask == Prompt::Never {
            return Ok(None);
        }
        service::users::require(&principal, service::users::Need::SeePersons)?;
    }
    match secret(ctx, ask)? {
        Some(secret) => Ok(Some(service::users::unlock_as(store, &principal, &secret)?)),
        None => Ok(None),
    }
}

/// For subcommands that write but need no key otherwise (decisions, user changes): unwraps the
/// data key when a secret is configured (`--key-file` or `REFWATCH_PASSPHRASE`; never a prompt),
/// so that the audit entries this process appends carry a MAC from the start instead of waiting
/// for a later keyed write to vouch for them. Without a secret, on a database without a key, or
/// for a role that never gets the key, the write goes ahead unsigned as before; a wrong secret is
/// an error, so that a typo is not silently ignored.
pub fn unlock_to_sign(ctx: &Ctx, store: &Db) -> anyhow::Result<()> {
    if service::text::is_sealed(store)? {
        unlock(ctx, store, Prompt::Never)?;
    }
    Ok(())
}

fn prompt(text: &str, confirm: bool) -> anyhow::Result<Passphrase> {
    let first = Zeroizing::new(rpassword::prompt_password(text).context("cannot read the passphrase")?);
    if first.is_empty() {
        anyhow::bail!("empty passphrase");
    }
    if confirm {
        let again =
            Zeroizing::new(rpassword::prompt_password("again: ").context("cannot read the passphrase")?);
        if *again != *first {
            anyhow::bail!("the passphrases differ");
        }
    }
    let _ = std::io::stderr().flush();
    Ok(Passphrase::new(first.as_str().to_owned()))
}

/// A key file: 32 raw bytes, or 64 hex characters (surrounding whitespace ignored).
pub fn read_key_file(path: &Path) -> anyhow::Result<Kek> {
    let bytes = Zeroizing::new(
        std::fs::read(path).with_context(|| format!("cannot read key file {}", path.display()))?,
    );
    let mut key = Zeroizing::new([0u8; crypto::KEY_LEN]);
    if bytes.len() == crypto::KEY_LEN {
        key.copy_from_slice(&bytes);
        return Ok(Kek::from_bytes(*key));
    }
    let text = std::str::from_utf8(&bytes).map(str::trim).unwrap_or("");
    if text.len() == 2 * crypto::KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        for (slot, pair) in key.iter_mut().zip(text.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).unwrap_or("00");
            *slot = u8::from_str_radix(pair, 16).unwrap_or(0);
        }
        return Ok(Kek::from_bytes(*key));
    }
    anyhow::bail!("key file {} must hold 32 raw bytes or 64 hex characters", path.display())
}
