//! `serve` flags for what the instance keeps about its traffic: the request journal and the
//! fault rules it starts with.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use partnerd_server::{Config, FaultRule};

#[derive(Args)]
pub struct TrafficArgs {
    /// Requests the journal (/_partnerd/requests) keeps in memory, newest first; 0 keeps none.
    #[arg(long, env = "PARTNERD_JOURNAL_SIZE", default_value_t = 1000)]
    journal_size: usize,
    /// The most memory, in MiB, the journal's kept entries may hold (bodies, up to 64 KiB
    /// each, and headers); the oldest go first when a new entry would pass it.
    #[arg(long, env = "PARTNERD_JOURNAL_MEMORY_MIB", default_value_t = 16)]
    journal_memory_mib: usize,
    /// Also append every journal entry to this file, one JSON line each.
    #[arg(long, env = "PARTNERD_JOURNAL_FILE")]
    journal_file: Option<PathBuf>,
    /// Fault rules in force from the start: a JSON array of rules as POST /_partnerd/faults takes.
    #[arg(long, env = "PARTNERD_FAULTS")]
    faults: Option<PathBuf>,
    /// Seed for probabilistic faults, so a run can be repeated exactly.
    #[arg(long, env = "PARTNERD_FAULT_SEED")]
    fault_seed: Option<u64>,
}

impl TrafficArgs {
    /// The default configuration with these settings.
    pub fn config(&self) -> anyhow::Result<Config> {
        let faults = match &self.faults {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                FaultRule::parse_list(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            }
            None => Vec::new(),
        };
        Ok(Config {
            journal_size: self.journal_size,
            journal_memory: self.journal_memory_mib.saturating_mul(1024 * 1024),
            journal_file: self.journal_file.clone(),
            faults,
            fault_seed: self.fault_seed,
            ..Config::default()
        })
    }
}
