use std::process::ExitCode;

/// (not yet implemented)
#[derive(Debug, clap::Args)]
pub struct Cmd {}

impl Cmd {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        anyhow::bail!("not implemented yet")
    }
}
