//! One module per subcommand: a clap `Cmd` and its `run`.

pub mod audit;
pub mod backup;
pub mod bench;
pub mod decide;
pub mod demo;
pub mod eval;
pub mod extract;
pub mod incident;
pub mod incidents;
pub mod ingest;
pub mod keys;
pub mod person;
pub mod read;
pub mod restore;
pub mod search;
pub mod serve;
pub mod show;
pub mod timeline;
pub mod user;

use std::io::Read;
use std::path::Path;

use anyhow::Context;

/// Reads a page file, decompressing `.gz`. Shared by the subcommands that take files.
pub fn read_page_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if path.extension().is_some_and(|ext| ext == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .with_context(|| format!("cannot decompress {}", path.display()))?;
        return Ok(out);
    }
    Ok(bytes)
}
