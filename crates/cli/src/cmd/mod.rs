//! One module per subcommand: a clap `Cmd` and its `run`.

pub mod demo;
pub mod eval;
pub mod extract;
pub mod incidents;
pub mod ingest;
pub mod show;
