//! `refwatch demo`: ingests the bundled `examples/` folder into `./refwatch-demo.db`, prints
//! the incidents table and serves the web app on it (`--no-serve` stops after the table). The
//! README's first command.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use service::IngestOptions;

use crate::db::Ctx;

/// The demo database, used unless `--db` is given. `REFWATCH_DB` is deliberately ignored so the
/// demo never writes into a real database.
pub const DEMO_DB: &str = "refwatch-demo.db";

/// Ingest the bundled examples into ./refwatch-demo.db, print the incidents and serve the web app
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// The examples folder (default: ./examples, else the one in refwatch's source tree)
    #[arg(long, value_name = "DIR")]
    examples: Option<PathBuf>,
    /// Print the incidents and exit instead of serving the web app
    #[arg(long)]
    no_serve: bool,
    /// Address the web app listens on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: SocketAddr,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let examples = match self.examples {
            Some(dir) => dir,
            None => find_examples()?,
        };
        let db = ctx.db.clone().unwrap_or_else(|| PathBuf::from(DEMO_DB));
        println!("ingesting {} into {}", examples.display(), crate::db::describe(&db));
        let mut store = open_demo(&db)?;
        let summary =
            crate::cmd::ingest::ingest(&mut store, &[examples], &IngestOptions::default(), DEMO_ACTOR)?;
        let code = crate::cmd::ingest::report(&summary);
        println!();
        // One row per real occasion: claims from all pages reconciled, aggregates apart.
        let view = service::reconcile(&store)?;
        let incidents: Vec<_> = view.reconciliation.incidents.iter().collect();
        crate::cmd::incidents::print_incidents(&mut std::io::stdout().lock(), &incidents)?;
        println!();
        println!(
            "next: refwatch --db {db} incident <ID>   (why claims were merged)\n      refwatch --db {db} incidents --claims   (every claim with its page)",
            db = crate::db::describe(&db)
        );
        if self.no_serve {
            return Ok(code);
        }
        let password = demo_user(&mut store, &ctx.actor)?;
        drop(store);
        println!();
        println!("sign in as {DEMO_USER} with password {password} (a new one each run; demo database only)");
        crate::cmd::serve::serve(ctx, &db, self.bind, web::Config::default())?;
        Ok(code)
    }
}

/// The actor of the demo's ingest: a database whose audit log starts with it was made by demo.
pub const DEMO_ACTOR: &str = "refwatch-demo";

/// Opens the demo database: a new one, an empty one, or one that demo made (its audit log starts
/// with [`DEMO_ACTOR`]). Anything else is refused: demo would add the examples to a real record
/// and print a fresh admin password for it.
fn open_demo(db: &std::path::Path) -> anyhow::Result<crate::db::Db> {
    let store = crate::db::open(db)?;
    let log = store::Store::audit_log(&store)?;
    if let Some(first) = log.first()
        && first.actor != DEMO_ACTOR
    {
        anyhow::bail!(
            "{} holds data that `refwatch demo` did not create: the demo never writes into a real \
             database (it would add the examples and a demo admin). Pass another --db, or none for \
             ./{DEMO_DB}",
            crate::db::describe(db)
        );
    }
    Ok(store)
}

/// The demo database's admin, so the web app can be tried at once.
pub const DEMO_USER: &str = "demo";

/// Creates the demo admin, or gives it a fresh password; returns the password.
fn demo_user(store: &mut crate::db::Db, actor: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("cannot draw random bytes: {err}"))?;
    let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if store::Store::get_user(store, DEMO_USER)?.is_some() {
        service::users::change_password(store, DEMO_USER, &password, actor)?;
    } else {
        service::users::create_user(store, DEMO_USER, store::Role::Admin, &password, actor)?;
    }
    Ok(password)
}

/// `./examples` when it looks like refwatch's (it has a README.md), else the folder next to the
/// source this binary was built from.
fn find_examples() -> anyhow::Result<PathBuf> {
    let local = PathBuf::from("examples");
    if local.join("README.md").is_file() {
        return Ok(local);
    }
    let bundled = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"));
    if bundled.is_dir() {
        return Ok(std::fs::canonicalize(&bundled).unwrap_or(bundled));
    }
    anyhow::bail!(
        "cannot find the examples folder (looked in ./examples and {}); pass --examples DIR",
        bundled.display()
    )
}
