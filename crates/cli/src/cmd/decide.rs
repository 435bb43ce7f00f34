//! Analysts' decisions: `refwatch merge`, `split`, `attach`, `detach`, `reject` and `fix`. Each
//! records one decision (who, when, about which claims by their stable keys); the next
//! `incidents`, `incident` or `timeline` applies every recorded decision on top of the automatic
//! result. Decisions are never edited: a later one overrides an earlier one. The decider recorded
//! is the user running the command (`--as`, default `$USER`). Given the key (`--key-file` or
//! `REFWATCH_PASSPHRASE`), the decision's audit entry carries a MAC.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use service::ReconciledView;
use service::model::{ClaimRef, Decision, Field, Incident, Member};

use crate::cmd::incident::{find, find_member};
use crate::db::Ctx;

/// Record that two incidents are one occasion
#[derive(Debug, clap::Args)]
pub struct Merge {
    #[arg(value_name = "ID")]
    first: String,
    #[arg(value_name = "ID")]
    second: String,
}

/// Record that a claim is an occasion of its own, apart from its incident
#[derive(Debug, clap::Args)]
pub struct Split {
    #[arg(value_name = "ID")]
    incident: String,
    /// The claim: its number in `refwatch incident ID`, its short key or its full key
    #[arg(value_name = "CLAIM")]
    claim: String,
}

/// Record that a claim belongs to another incident
#[derive(Debug, clap::Args)]
pub struct Attach {
    /// The incident the claim is in now
    #[arg(value_name = "FROM_ID")]
    from: String,
    #[arg(value_name = "CLAIM")]
    claim: String,
    /// The incident it belongs to
    #[arg(value_name = "TO_ID")]
    to: String,
}

/// Record that a claim does not belong to its incident (it stays apart, flagged for review)
#[derive(Debug, clap::Args)]
pub struct Detach {
    #[arg(value_name = "ID")]
    incident: String,
    #[arg(value_name = "CLAIM")]
    claim: String,
}

/// Record that an incident (or with --claim, one of its claims) is not a real occasion
#[derive(Debug, clap::Args)]
pub struct Reject {
    #[arg(value_name = "ID")]
    incident: String,
    /// Reject only this claim of the incident
    #[arg(long, value_name = "CLAIM")]
    claim: Option<String>,
}

/// Record a corrected field of an incident (date, low, best, high, perpetrator, destination, nationality)
#[derive(Debug, clap::Args)]
pub struct Fix {
    #[arg(value_name = "ID")]
    incident: String,
    #[arg(value_name = "FIELD", value_parser = parse_field)]
    field: Field,
    /// The value: a number, a code, "-" for unknown, or a date (2023-10-09, or A..B)
    #[arg(value_name = "VALUE")]
    value: String,
}

impl Merge {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        record(ctx, |view| {
            let (a, b) = (find(view, &self.first)?, find(view, &self.second)?);
            anyhow::ensure!(a.id != b.id, "{} and {} are the same incident", self.first, self.second);
            Ok(Decision::Merge { a: anchor(view, a), b: anchor(view, b) })
        })
    }
}

impl Split {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        record(ctx, |view| {
            let incident = find(view, &self.incident)?;
            anyhow::ensure!(incident.members.len() > 1, "incident {} has only one claim", incident.id);
            Ok(Decision::Split { claim: member_ref(view, find_member(incident, &self.claim)?) })
        })
    }
}

impl Attach {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        record(ctx, |view| {
            let claim = member_ref(view, find_member(find(view, &self.from)?, &self.claim)?);
            Ok(Decision::Attach { claim, to: anchor(view, find(view, &self.to)?) })
        })
    }
}

impl Detach {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        record(ctx, |view| {
            let incident = find(view, &self.incident)?;
            Ok(Decision::Detach { claim: member_ref(view, find_member(incident, &self.claim)?) })
        })
    }
}

impl Reject {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        record(ctx, |view| {
            let incident = find(view, &self.incident)?;
            Ok(match &self.claim {
                Some(claim) => {
                    Decision::RejectClaim { claim: member_ref(view, find_member(incident, claim)?) }
                }
                None => Decision::RejectIncident { incident: anchor(view, incident) },
            })
        })
    }
}

impl Fix {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        record(ctx, |view| {
            let incident = find(view, &self.incident)?;
            Ok(Decision::Fix {
                incident: anchor(view, incident),
                field: self.field,
                value: self.value.clone(),
            })
        })
    }
}

/// Reconciles, builds the decision from the current incidents, and stores it under the user
/// running the command (`--as`, which the role check verified), never a name of its own.
fn record(
    ctx: &Ctx,
    decide: impl FnOnce(&ReconciledView) -> anyhow::Result<Decision>,
) -> anyhow::Result<ExitCode> {
    let mut store = crate::db::open_existing(&ctx.db_path())?;
    // With the key given, the decision's audit entry carries a MAC.
    crate::cmd::keys::unlock_to_sign(ctx, &store)?;
    let view = service::reconcile(&store)?;
    let decision = decide(&view)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let id =
        service::record_decision(&mut store, &decision, &ctx.actor, i64::try_from(now).unwrap_or(i64::MAX))?;
    println!("recorded decision {id}: {}", describe(&decision));
    Ok(ExitCode::SUCCESS)
}

/// An incident is named in decisions by its anchor claim.
fn anchor(view: &ReconciledView, incident: &Incident) -> ClaimRef {
    let member = incident.members.iter().find(|m| m.key == incident.anchor).or(incident.members.first());
    match member {
        Some(member) => member_ref(view, member),
        None => ClaimRef { key: incident.anchor, evidence: String::new() },
    }
}

fn member_ref(view: &ReconciledView, member: &Member) -> ClaimRef {
    match view.claims.get(member.claim) {
        Some(input) => ClaimRef::of(member.key, &input.claim),
        None => ClaimRef { key: member.key, evidence: String::new() },
    }
}

fn describe(decision: &Decision) -> String {
    match decision {
        Decision::Merge { a, b } => format!("merge the incidents of {} and {}", a.key.short(), b.key.short()),
        Decision::Split { claim } => format!("split {} into its own incident", claim.key.short()),
        Decision::Attach { claim, to } => {
            format!("attach {} to the incident of {}", claim.key.short(), to.key.short())
        }
        Decision::Detach { claim } => format!("detach {}", claim.key.short()),
        Decision::RejectClaim { claim } => format!("reject claim {}", claim.key.short()),
        Decision::RejectIncident { incident } => format!("reject the incident of {}", incident.key.short()),
        Decision::Fix { incident, field, value } => {
            format!("set {field} = {value} on the incident of {}", incident.key.short())
        }
        Decision::Accept { incident } => format!("accept the incident of {}", incident.key.short()),
    }
}

fn parse_field(text: &str) -> Result<Field, String> {
    text.parse().map_err(|_| {
        let fields: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        format!("expected one of {}", fields.join(", "))
    })
}
