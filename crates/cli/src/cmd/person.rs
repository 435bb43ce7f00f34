//! `refwatch person add|show|list|link`: sealed case files. `show` needs the key; `list`
//! without it prints only ids. `add --stdin` reads the fields from standard input, so that they
//! appear neither in `ps` nor in the shell's history.

use std::io::Read;
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
    /// Add a case file (every field is sealed). Safe way: `--stdin`, since flags are visible to
    /// other users in `ps` and stay in the shell's history
    #[command(after_help = STDIN_HELP)]
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

const STDIN_HELP: &str = "\
The safe way: `refwatch person add --stdin`, with the fields on standard input, either as JSON
  {\"name\": \"...\", \"aliases\": [\"...\"], \"birth_year\": 1990, \"consent\": true, ...}
or as `key: value` lines (alias may repeat; consent and at_risk take yes/no):
  name: ...
  alias: ...
  detained_at: ...
Keys: name, alias(es), sex, birth_year, origin, detained_at, family, status, notes, consent,
at_risk. Fields given as flags are visible to other users in `ps` and kept in shell history.";

/// Keys accepted on standard input (`alias` as a line, `aliases` as a JSON list).
const KEYS: [&str; 11] = [
    "name",
    "alias",
    "sex",
    "birth_year",
    "origin",
    "detained_at",
    "family",
    "status",
    "notes",
    "consent",
    "at_risk",
];

#[derive(Debug, clap::Args)]
struct Fields {
    /// Read the fields from standard input, as JSON or `key: value` lines (the safe way: see
    /// below)
    #[arg(long, conflicts_with_all = ["name", "aliases", "sex", "birth_year", "origin", "detained_at", "family", "status", "notes", "consent", "at_risk"])]
    stdin: bool,
    /// The person's name (visible in `ps`: prefer --stdin)
    #[arg(long, required_unless_present = "stdin")]
    name: Option<String>,
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
                let case = if fields.stdin {
                    let mut input = String::new();
                    std::io::stdin().take(1 << 20).read_to_string(&mut input).map_err(|err| {
                        anyhow::anyhow!("cannot read the case file from standard input: {err}")
                    })?;
                    parse_case(&input)?
                } else {
                    eprintln!(
                        "warning: case-file fields given as flags are visible to other users in `ps` and \
                         kept in shell history; use `refwatch person add --stdin` instead"
                    );
                    fields.into_case()
                };
                let mut store = crate::db::open(&path)?;
                let key = need_key(ctx, &store)?;
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
                // With the key given, the link's audit entry carries a MAC.
                keys::unlock_to_sign(ctx, &store)?;
                let target = service::record::link_person(&mut store, id, &document, claim, &ctx.actor)?;
                println!("person {id} linked to {}", describe(&target));
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

impl Fields {
    fn into_case(self) -> CaseFile {
        let mut case = CaseFile::named(self.name.as_deref().unwrap_or_default());
        case.aliases = self.aliases;
        case.sex = self.sex;
        case.birth_year = self.birth_year;
        case.origin = self.origin;
        case.detained_at = self.detained_at;
        case.family = self.family;
        case.status = self.status;
        case.notes = self.notes;
        case.consent = self.consent;
        case.at_risk = self.at_risk;
        case
    }
}

impl Cmd {
    /// `link` changes what the record says (review role); the others need only a signed-in user
    /// (seeing case files needs the key, checked when unlocking).
    pub fn need(&self) -> service::users::Need {
        match self.command {
            PersonCommand::Link { .. } => service::users::Need::Review,
            _ => service::users::Need::Any,
        }
    }
}

/// A case file from standard input: a JSON object when it starts with `{`, else `key: value`
/// lines (blank lines and `#` comments skipped). Unknown keys are refused, so a typo does not
/// silently drop a field. Errors never quote values.
fn parse_case(input: &str) -> anyhow::Result<CaseFile> {
    let mut case = CaseFile::default();
    let mut named = false;
    let trimmed = input.trim_start();
    if trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(trimmed)
            .map_err(|err| anyhow::anyhow!("standard input is not a JSON object (line {})", err.line()))?;
        let object =
            value.as_object().ok_or_else(|| anyhow::anyhow!("standard input is not a JSON object"))?;
        for (key, value) in object {
            let text = || {
                value.as_str().map(str::to_owned).ok_or_else(|| anyhow::anyhow!("{key:?} must be a string"))
            };
            let flag = || value.as_bool().ok_or_else(|| anyhow::anyhow!("{key:?} must be true or false"));
            match key.as_str() {
                "aliases" | "alias" => match value {
                    serde_json::Value::Array(items) => {
                        for item in items {
                            let alias =
                                item.as_str().ok_or_else(|| anyhow::anyhow!("aliases must be strings"))?;
                            case.aliases.push(alias.to_owned());
                        }
                    }
                    _ => case.aliases.push(text()?),
                },
                "birth_year" => {
                    let year = value
                        .as_i64()
                        .and_then(|y| i32::try_from(y).ok())
                        .ok_or_else(|| anyhow::anyhow!("\"birth_year\" must be a year"))?;
                    case.birth_year = Some(year);
                }
                "consent" => case.consent = flag()?,
                "at_risk" => case.at_risk = flag()?,
                other => {
                    named |= other == "name";
                    set_text(&mut case, other, text()?)?;
                }
            }
        }
    } else {
        for (n, line) in input.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line
                .split_once(':')
                .ok_or_else(|| anyhow::anyhow!("line {} of standard input is not `key: value`", n + 1))?;
            let (key, value) = (key.trim().replace('-', "_"), value.trim().to_owned());
            let yes_no = |value: &str| match value.to_ascii_lowercase().as_str() {
                "yes" | "true" | "y" | "1" => Ok(true),
                "no" | "false" | "n" | "0" | "" => Ok(false),
                _ => Err(anyhow::anyhow!("line {}: {key} takes yes or no", n + 1)),
            };
            match key.as_str() {
                "alias" | "aliases" => case.aliases.push(value),
                "birth_year" => {
                    let year = value
                        .parse()
                        .map_err(|_| anyhow::anyhow!("line {}: birth_year must be a year", n + 1))?;
                    case.birth_year = Some(year);
                }
                "consent" => case.consent = yes_no(&value)?,
                "at_risk" => case.at_risk = yes_no(&value)?,
                other => {
                    named |= other == "name";
                    set_text(&mut case, other, value)
                        .map_err(|err| anyhow::anyhow!("line {}: {err}", n + 1))?;
                }
            }
        }
    }
    if !named || case.name.trim().is_empty() {
        anyhow::bail!("standard input gives no name (a `name` key is required)");
    }
    Ok(case)
}

fn set_text(case: &mut CaseFile, key: &str, value: String) -> anyhow::Result<()> {
    let value = Some(value).filter(|v| !v.is_empty());
    match key {
        "name" => case.name = value.unwrap_or_default(),
        "sex" => case.sex = value,
        "origin" => case.origin = value,
        "detained_at" => case.detained_at = value,
        "family" => case.family = value,
        "status" => case.status = value,
        "notes" => case.notes = value,
        other => anyhow::bail!("unknown case-file key {other:?} (known: {})", KEYS.join(", ")),
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_takes_json_and_key_value_lines_alike() {
        let json = r#"{"name": "Canary Testperson-7Q", "aliases": ["C. T.", "Ķ"], "birth_year": 1990,
            "detained_at": "Leipzig", "consent": true, "at_risk": true, "notes": "a: b"}"#;
        let lines = "name: Canary Testperson-7Q\nalias: C. T.\nalias: Ķ\nbirth-year: 1990\n# comment\n\n\
                     detained_at: Leipzig\nconsent: yes\nat_risk: yes\nnotes: a: b\n";
        let from_json = parse_case(json).expect("json");
        let from_lines = parse_case(lines).expect("lines");
        assert_eq!(from_json, from_lines);
        assert_eq!(from_json.name, "Canary Testperson-7Q");
        assert_eq!(from_json.aliases, ["C. T.", "Ķ"]);
        assert_eq!((from_json.birth_year, from_json.notes.as_deref()), (Some(1990), Some("a: b")));
        assert!(from_json.consent && from_json.at_risk && from_json.sex.is_none());
    }

    #[test]
    fn stdin_refuses_unknown_keys_and_missing_names_without_quoting_values() {
        let err =
            parse_case("name: Canary Testperson-7Q\nnickname: Secret Value").expect_err("typo accepted");
        assert!(err.to_string().contains("nickname") && !err.to_string().contains("Secret"), "{err}");
        assert!(parse_case("origin: Herat\n").is_err(), "no name accepted");
        assert!(parse_case("{\"name\": 7}").is_err());
        let err = parse_case("{\"name\": \"Canary Testperson-7Q\"").expect_err("broken JSON");
        assert!(!err.to_string().contains("Canary"), "{err}");
    }
}
