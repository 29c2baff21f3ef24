//! Background upkeep: kept idempotent responses are purged once they are older than the
//! guaranteed replay window, taking their sealed passwords with them.

use std::time::Duration;

use crate::idempotency::KEEP_SECS;
use crate::AppState;

/// How often the purge runs.
const EVERY: Duration = Duration::from_secs(600);

/// Spawns the purge loop on the current runtime; it runs until the runtime stops.
pub fn spawn_purger(state: &AppState) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            // Ages are by the server's clock (which time travel moves), as on every replay.
            state.shared.refresh().await;
            match state.service.purge_idempotency(state.clock.unix_seconds() - KEEP_SECS).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "purged expired idempotency records"),
                Err(e) => tracing::warn!(error = %e, "purging idempotency records failed"),
            }
        }
    })
}
