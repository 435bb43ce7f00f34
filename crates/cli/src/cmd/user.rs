//! `refwatch user add|list|passwd|disable|enable|role|token|tokens|revoke-token`: the users of a
//! database and their roles, and [`authorize`], the role check every database subcommand passes
//! first.
//!
//! A database without users behaves as before users existed: one local user with every right.
//! The first `user add` must create an admin; from then on `--as USER` (else `$USER`) must name
//! an enabled user, and each subcommand needs a role (see `main.rs`). Passwords come from
//! `REFWATCH_PASSWORD` (scripts, tests) or a prompt with confirmation; they are never printed,
//! and only their Argon2id hash is stored. Given the data key (`--key-file` or
//! `REFWATCH_PASSPHRASE`), the audit entries of changes carry a MAC.

use std::process::ExitCode;

use anyhow::Context;
use service::users::{self, Need};
use store::{Role, Store};
use zeroize::Zeroizing;

use crate::db::{Ctx, Location};

/// The environment variable holding the password for `user add` and `user passwd`.
pub const PASSWORD_ENV: &str = "REFWATCH_PASSWORD";

/// Users and their roles (admin, analyst, viewer) and API tokens
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// Add a user (the first one must be an admin); the password comes from REFWATCH_PASSWORD or a prompt
    Add {
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// List users (never their password hashes)
    List,
    /// Set a user's password (from REFWATCH_PASSWORD or a prompt)
    Passwd {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Disable a user: no login, no tokens, no --as
    Disable {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Enable a disabled user again
    Enable {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Change a user's role
    Role {
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(value_name = "ROLE", value_parser = parse_role)]
        role: Role,
    },
    /// Create an API token for a user and print it (once: only its hash is stored)
    Token {
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(long, value_name = "LABEL", default_value = "")]
        label: String,
    },
    /// List API tokens (id, user, label, whether revoked; never the tokens)
    Tokens,
    /// Revoke an API token by id
    RevokeToken {
        #[arg(value_name = "ID")]
        id: i64,
    },
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let mut store = crate::db::open(&ctx.db_path())?;
        let first_user = store.list_users()?.is_empty();
        // Bootstrapping: on a database without users anyone local may add the first (admin) user.
        if !(first_user && matches!(self.command, UserCommand::Add { .. })) {
            let principal = users::principal(&store, &ctx.actor)?;
            users::require(&principal, Need::Admin)?;
        }
        // With the key given, the audit entries of user and token changes carry a MAC.
        if self.command.writes() {
            crate::cmd::keys::unlock_to_sign(ctx, &store)?;
        }
        let actor = ctx.actor.as_str();
        match self.command {
            UserCommand::Add { name, role } => {
                if first_user && role != Role::Admin {
                    anyhow::bail!("the first user must be an admin (use --role admin)");
                }
                let password = password(true)?;
                let id = users::create_user(&mut store, &name, role, &password, actor)?;
                println!("user {name} ({}) added with id {id}", role.as_str());
            }
            UserCommand::List => {
                for user in store.list_users()? {
                    let state = if user.disabled { "disabled" } else { "enabled" };
                    println!(
                        "{}\t{}\t{}\t{state}\t{}",
                        user.id,
                        user.name,
                        user.role.as_str(),
                        date(user.created_at)
                    );
                }
            }
            UserCommand::Passwd { name } => {
                let password = password(true)?;
                users::change_password(&mut store, &name, &password, actor)?;
                println!("password of {name} changed");
            }
            UserCommand::Disable { name } => {
                users::set_disabled(&mut store, &name, true, actor)?;
                println!("user {name} disabled");
            }
            UserCommand::Enable { name } => {
                users::set_disabled(&mut store, &name, false, actor)?;
                println!("user {name} enabled");
            }
            UserCommand::Role { name, role } => {
                users::set_role(&mut store, &name, role, actor)?;
                println!("user {name} is now {}", role.as_str());
            }
            UserCommand::Token { name, label } => {
                let (token, id) = users::new_api_token(&mut store, &name, &label, actor)?;
                eprintln!("API token {id} for {name} (shown once; store it now):");
                println!("{token}");
            }
            UserCommand::Tokens => {
                for token in store.list_api_tokens()? {
                    let state = if token.revoked { "revoked" } else { "active" };
                    println!(
                        "{}\t{}\t{}\t{state}\t{}",
                        token.id,
                        token.user,
                        token.label,
                        date(token.created_at)
                    );
                }
            }
            UserCommand::RevokeToken { id } => {
                users::revoke_api_token(&mut store, id, actor)?;
                println!("API token {id} revoked");
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

impl UserCommand {
    /// Whether the subcommand changes the database (and so appends an audit entry).
    fn writes(&self) -> bool {
        !matches!(self, UserCommand::List | UserCommand::Tokens)
    }
}

/// Checks that `--as` (else `$USER`) may do what `need` names. A database without users (or
/// none yet) lets everyone do everything, as before users existed.
pub fn authorize(ctx: &Ctx, need: Need) -> anyhow::Result<()> {
    let path = ctx.db_path();
    if let Location::File(file) = Location::parse(&path)?
        && !file.exists()
    {
        return Ok(());
    }
    let store = crate::db::open(&path)?;
    let principal = users::principal(&store, &ctx.actor)?;
    users::require(&principal, need)?;
    Ok(())
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "expected admin, analyst or viewer".to_owned())
}

/// The password: `REFWATCH_PASSWORD`, else a prompt (twice when `confirm`).
fn password(confirm: bool) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(text) = std::env::var(PASSWORD_ENV)
        && !text.is_empty()
    {
        return Ok(Zeroizing::new(text));
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        anyhow::bail!("no password: set {PASSWORD_ENV} or run on a terminal");
    }
    let first = Zeroizing::new(rpassword::prompt_password("password: ").context("cannot read the password")?);
    if confirm {
        let again =
            Zeroizing::new(rpassword::prompt_password("again: ").context("cannot read the password")?);
        if *again != *first {
            anyhow::bail!("the passwords differ");
        }
    }
    Ok(first)
}

fn date(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map_or_else(|| at.to_string(), |t| t.format("%Y-%m-%d").to_string())
}
