//! What this instance remembers about the traffic it serves: the journal, the fault rules,
//! the guidance tallies and the console's statistics. All are per instance (several partnerd processes sharing
//! one PostgreSQL database each have their own).

use partnerd_model::PartnerId;
use tokio::sync::watch;

use super::faults::Faults;
use super::guidance::Guidance;
use super::journal::{self, Journal};
use super::stats::Recorder;
use crate::clock::Clock;
use crate::Config;

pub(crate) struct Traffic {
    pub journal: Journal,
    pub faults: Faults,
    pub guidance: Guidance,
    /// Requests, errors and latency of the Partner Center routes, per ten seconds.
    pub stats: Recorder,
    /// Set when the server shuts down, so live tails end instead of holding it open.
    stopping: watch::Sender<bool>,
}

impl Traffic {
    /// Opens the journal file (a bad path fails here, at startup) and loads the `--faults`
    /// rules. Must run inside the runtime.
    pub fn new(config: &Config, clock: &Clock) -> std::io::Result<Traffic> {
        let file = config.journal_file.as_deref().map(journal::open_file).transpose()?;
        Ok(Traffic {
            journal: Journal::new(config.journal_size, config.journal_memory, file),
            faults: Faults::new(&config.faults, config.fault_seed, clock.clone()),
            guidance: Guidance::default(),
            stats: Recorder::default(),
            stopping: watch::channel(false).0,
        })
    }

    /// Forgets everything about everyone, or about `partner` only: its journal entries, the
    /// fault rules limited to it and its guidance tallies.
    pub fn clear(&self, partner: Option<&PartnerId>) {
        self.journal.clear(partner);
        self.faults.clear(partner);
        self.guidance.clear(partner);
    }

    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }
}
