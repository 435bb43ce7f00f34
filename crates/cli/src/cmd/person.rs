//! `refwatch person add|show|list|link`: sealed case files. `show` needs the key; `list`
//! without it prints only ids.

use std::process::ExitCode;

use service::record::CaseFile;
use store::LinkTarget;

use crate::cmd::keys::{self, Prompt};
use crate::db::Ctx;

/// Case files of named persons, sealed under the data key
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[command(subcommand)]
    command: PersonCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PersonCommand {
    /// Add a case file (every field is sealed)
    Add(Fields),
    /// Show one case file (needs the key)
    Show {
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// List case files: names with the key, "sealed" without
    List,
    /// Link a case file to a document, or to one of its claims
    Link {
        #[arg(value_name = "ID")]
        id: i64,
        /// Document hash or unique prefix
        #[arg(value_name = "DOCUMENT")]
        document: String,
        /// The claim's position within the document (from 0), as `show` lists them
        #[arg(long, value_name = "IDX")]
        claim: Option<usize>,
    },
}

#[derive(Debug, clap::Args)]
struct Fields {
    #[arg(long)]
    name: String,
    #[arg(long = "alias", value_name = "ALIAS")]
    aliases: Vec<String>,
    #[arg(long)]
    sex: Option<String>,
    #[arg(long, value_name = "YEAR")]
    birth_year: Option<i32>,
    #[arg(long)]
    origin: Option<String>,
    /// Where the person is or was detained
    #[arg(long, value_name = "PLACE")]
    detained_at: Option<String>,
    /// Family situation
    #[arg(long)]
    family: Option<String>,
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// The person (or their family) consented to being documented
    #[arg(long)]
    consent: bool,
    /// Naming the person puts them or others at risk
    #[arg(long)]
    at_risk: bool,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let path = ctx.db_path();
        match self.command {
            PersonCommand::Add(fields) => {
                let mut store = crate::db::open(&path)?;
                let key = need_key(ctx, &store)?;
                let mut case = CaseFile::named(&fields.name);
                case.aliases = fields.aliases;
                case.sex = fields.sex;
                case.birth_year = fields.birth_year;
                case.origin = fields.origin;
                case.detained_at = fields.detained_at;
                case.family = fields.family;
                case.status = fields.status;
                case.notes = fields.notes;
                case.consent = fields.consent;
                case.at_risk = fields.at_risk;
                let id = service::record::add_person(&mut store, &key, &case, &ctx.actor)?;
                println!("person {id}");
            }
            PersonCommand::Show { id } => {
                let store = crate::db::open_existing(&path)?;
                let key = need_key(ctx, &store)?;
                let (case, links) = service::record::show_person(&store, &key, id)?;
                print_case(id, &case, &links);
            }
            PersonCommand::List => {
                let store = crate::db::open_existing(&path)?;
                let key = keys::unlock(ctx, &store, Prompt::Never)?;
                for listing in service::record::list_persons(&store, key.as_ref())? {
                    match listing.case {
                        None => println!("{}\tsealed", listing.id),
                        Some(Ok(case)) => println!("{}\t{}", listing.id, case.name),
                        Some(Err(err)) => println!("{}\tDOES NOT OPEN: {err}", listing.id),
                    }
                }
            }
            PersonCommand::Link { id, document, claim } => {
                let mut store = crate::db::open_existing(&path)?;
                let target = service::record::link_person(&mut store, id, &document, claim, &ctx.actor)?;
                println!("person {id} linked to {}", describe(&target));
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn need_key(ctx: &Ctx, store: &crate::db::Db) -> anyhow::Result<service::record::Unlocked> {
    keys::unlock(ctx, store, Prompt::Once)?
        .ok_or_else(|| anyhow::anyhow!("case files are sealed: set REFWATCH_PASSPHRASE or pass --key-file"))
}

fn describe(target: &LinkTarget) -> String {
    match target {
        LinkTarget::Document(hash) => format!("document {hash}"),
        LinkTarget::Claim { document, claim_idx } => format!("claim {claim_idx} of document {document}"),
    }
}

fn print_case(id: i64, case: &CaseFile, links: &[LinkTarget]) {
    println!("person {id}");
    println!("name:        {}", case.name);
    if !case.aliases.is_empty() {
        println!("aliases:     {}", case.aliases.join("; "));
    }
    let optional = [
        ("sex", case.sex.as_deref()),
        ("origin", case.origin.as_deref()),
        ("detained at", case.detained_at.as_deref()),
        ("family", case.family.as_deref()),
        ("status", case.status.as_deref()),
        ("notes", case.notes.as_deref()),
    ];
    if let Some(year) = case.birth_year {
        println!("birth year:  {year}");
    }
    for (label, value) in optional {
        if let Some(value) = value {
            println!("{:<12} {value}", format!("{label}:"));
        }
    }
    println!("consent:     {}", if case.consent { "yes" } else { "no" });
    println!("at risk:     {}", if case.at_risk { "yes" } else { "no" });
    for link in links {
        println!("linked to:   {}", describe(link));
    }
}
