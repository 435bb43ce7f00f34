//! `refwatch`: the command-line front of refwatch. Thin glue: parse arguments, pick the store
//! implementation, call the service layer, print results.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod db;
mod extract_json;

/// Monitor forced returns: news pages in, a sourced record of incidents out.
#[derive(Debug, Parser)]
#[command(name = "refwatch", version, about)]
struct Cli {
    /// SQLite database file [env: REFWATCH_DB] [default: ./refwatch.db]
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<std::path::PathBuf>,
    /// Who you are, for the audit log and role checks [default: $USER]
    // Its own id (`as` is a keyword); the field is the actor of audit entries and decisions.
    #[arg(long = "as", id = "as_user", global = true, value_name = "USER")]
    actor: Option<String>,
    /// File holding the key that wraps the data key (32 raw bytes or 64 hex characters),
    /// instead of REFWATCH_PASSPHRASE
    #[arg(long, global = true, value_name = "PATH")]
    key_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Extract(cmd::extract::Cmd),
    Read(cmd::read::Cmd),
    Eval(cmd::eval::Cmd),
    Ingest(cmd::ingest::Cmd),
    Incidents(cmd::incidents::Cmd),
    Incident(cmd::incident::Cmd),
    Timeline(cmd::timeline::Cmd),
    Merge(cmd::decide::Merge),
    Split(cmd::decide::Split),
    Attach(cmd::decide::Attach),
    Detach(cmd::decide::Detach),
    Reject(cmd::decide::Reject),
    Fix(cmd::decide::Fix),
    Show(cmd::show::Cmd),
    Search(cmd::search::Cmd),
    Serve(cmd::serve::Cmd),
    Demo(cmd::demo::Cmd),
    Bench(cmd::bench::Cmd),
    Keys(cmd::keys::Cmd),
    Person(cmd::person::Cmd),
    Audit(cmd::audit::Cmd),
    User(cmd::user::Cmd),
    Backup(cmd::backup::Cmd),
    Restore(cmd::restore::Cmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let actor = cli.actor.or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "unknown".to_owned());
    let ctx = db::Ctx { db: cli.db, actor, key_file: cli.key_file };
    let anchored = anchors_audit_log(&cli.command);
    let db_existed = ctx.db_file_exists();
    if let Some(need) = need(&cli.command)
        && let Err(err) = cmd::user::authorize(&ctx, need)
    {
        eprintln!("error: {err:#}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Extract(cmd) => cmd.run(),
        Command::Read(cmd) => cmd.run(),
        Command::Eval(cmd) => cmd.run(),
        Command::Ingest(cmd) => cmd.run(&ctx),
        Command::Incidents(cmd) => cmd.run(&ctx),
        Command::Incident(cmd) => cmd.run(&ctx),
        Command::Timeline(cmd) => cmd.run(&ctx),
        Command::Merge(cmd) => cmd.run(&ctx),
        Command::Split(cmd) => cmd.run(&ctx),
        Command::Attach(cmd) => cmd.run(&ctx),
        Command::Detach(cmd) => cmd.run(&ctx),
        Command::Reject(cmd) => cmd.run(&ctx),
        Command::Fix(cmd) => cmd.run(&ctx),
        Command::Show(cmd) => cmd.run(&ctx),
        Command::Search(cmd) => cmd.run(&ctx),
        Command::Serve(cmd) => cmd.run(&ctx),
        Command::Demo(cmd) => cmd.run(&ctx),
        Command::Bench(cmd) => cmd.run(),
        Command::Keys(cmd) => cmd.run(&ctx),
        Command::Person(cmd) => cmd.run(&ctx),
        Command::Audit(cmd) => cmd.run(&ctx),
        Command::User(cmd) => cmd.run(&ctx),
        Command::Backup(cmd) => cmd.run(&ctx),
        Command::Restore(cmd) => cmd.run(&ctx),
    };
    // Whether the subcommand succeeded or not: a failed one may have committed part of its work.
    if let Some(warn) = anchored {
        cmd::audit::after_command(&ctx, db_existed, warn);
    }
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The role a subcommand needs once the database has users (`None`: no database, or the
/// subcommand checks for itself). See `cmd::user::authorize`.
fn need(command: &Command) -> Option<service::users::Need> {
    use service::users::Need;
    match command {
        Command::Extract(_) | Command::Read(_) | Command::Eval(_) | Command::Bench(_) | Command::Demo(_) => {
            None
        }
        // `user` bootstraps the first user itself; `serve` authenticates each web request.
        Command::User(_) | Command::Serve(_) => None,
        Command::Ingest(_) => Some(Need::Review),
        Command::Merge(_)
        | Command::Split(_)
        | Command::Attach(_)
        | Command::Detach(_)
        | Command::Reject(_)
        | Command::Fix(_) => Some(Need::Review),
        Command::Keys(_) | Command::Backup(_) | Command::Restore(_) => Some(Need::Admin),
        Command::Person(cmd) => Some(cmd.need()),
        Command::Audit(cmd) => Some(cmd.need()),
        _ => Some(Need::Any),
    }
}

/// Whether the subcommand works on the database named by `--db`, so that the audit anchor
/// follows its log afterwards (see `cmd::audit::after_command`), and if so whether a rollback is
/// to be warned about (`audit` reports it itself). `demo` uses a database of its own.
fn anchors_audit_log(command: &Command) -> Option<cmd::audit::Warn> {
    match command {
        Command::Extract(_) | Command::Read(_) | Command::Eval(_) | Command::Bench(_) | Command::Demo(_) => {
            None
        }
        Command::Audit(_) => Some(cmd::audit::Warn::No),
        _ => Some(cmd::audit::Warn::Yes),
    }
}
