//! `refwatch serve`: the web app (issue 7) on one address until Ctrl-C.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use service::open::Location;

use crate::cmd::keys::{self, Prompt};
use crate::db::Ctx;

/// Serve the web app (review queue, dashboard, public bulletin, JSON API)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// Address to listen on; keep it on loopback unless a TLS proxy is in front
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: SocketAddr,
    /// Mark session cookies Secure (set this behind a TLS proxy)
    #[arg(long)]
    secure_cookies: bool,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let db = ctx.db_path();
        let config = web::Config { secure_cookies: self.secure_cookies, ..web::Config::default() };
        serve(ctx, &db, self.bind, config)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Opens the database at `db` (unlocking the data key when a passphrase or key file is given),
/// binds `bind` and serves until Ctrl-C. Shared with `refwatch demo`.
pub fn serve(ctx: &Ctx, db: &Path, bind: SocketAddr, config: web::Config) -> anyhow::Result<()> {
    let (key, no_users) = {
        let store = crate::db::open_existing(db)?;
        // The server holds the key for its users; each request is checked against the signed-in
        // user's role (case files need `can_see_persons`), not against `--as`.
        let key = match keys::secret(ctx, Prompt::Never)? {
            Some(secret) => match service::record::unlock(&store, &secret) {
                Ok(key) => Some(key),
                Err(service::ServiceError::NoKey) => {
                    println!("this database has no data key: the passphrase or key file is not used");
                    None
                }
                Err(err) => return Err(err.into()),
            },
            None => None,
        };
        (key, store::Store::list_users(&store)?.is_empty())
    };
    if no_users {
        println!("this database has no users yet: add one with `refwatch user add NAME --role admin`");
    }
    let location = Location::parse(db)?;
    let shown = location.to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the web server's runtime")?;
    runtime.block_on(async move {
        let with_key = key.is_some();
        let state = web::AppState::open(location, key, config)
            .await
            .map_err(|err| anyhow::anyhow!("cannot open database {shown}: {}", err.public_message()))?;
        let listener =
            tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
        let local = listener.local_addr().context("cannot read the bound address")?;
        println!("serving {shown} at http://{local}/ (Ctrl-C to stop)");
        if !with_key {
            println!("no data key given: case files stay sealed (set REFWATCH_PASSPHRASE or --key-file)");
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        web::serve(listener, state, shutdown).await.context("the web server failed")
    })
}
