//! `serve` flags that put partnerd in front of a real Partner Center: forwarding, recording
//! and replaying (docs/upstream.md).

use std::path::PathBuf;

use clap::Args;
use partnerd_server::UpstreamConfig;

#[derive(Args)]
pub struct UpstreamArgs {
    /// Forward requests for routes partnerd does not serve to this base URL (Partner Center's is
    /// `https://api.partnercenter.microsoft.com`), with the caller's headers. Nothing is forwarded without it.
    #[arg(long, env = "PARTNERD_UPSTREAM", value_name = "URL")]
    upstream: Option<String>,
    /// Forward every Partner Center request, the routes partnerd serves too.
    #[arg(long, env = "PARTNERD_UPSTREAM_ALL", requires = "upstream")]
    upstream_all: bool,
    /// Append forwarded exchanges to DIR/cassette.jsonl (tokens and passwords redacted).
    #[arg(long, env = "PARTNERD_RECORD", value_name = "DIR")]
    record: Option<PathBuf>,
    /// With --record: record every exchange, partnerd's own answers too.
    #[arg(long, env = "PARTNERD_RECORD_ALL", requires = "record")]
    record_all: bool,
    /// Answer every request a line of DIR/cassette.jsonl matches from it; one no line matches is
    /// served by partnerd when it serves the route, else forwarded to --upstream, else 404.
    #[arg(long, env = "PARTNERD_REPLAY", value_name = "DIR")]
    replay: Option<PathBuf>,
    /// Store the customers that forwarded answers carry, under the caller's partner.
    #[arg(long, env = "PARTNERD_RECORD_INTO_STORE", requires = "upstream")]
    record_into_store: bool,
}

impl UpstreamArgs {
    pub fn config(&self) -> UpstreamConfig {
        UpstreamConfig {
            url: self.upstream.clone(),
            all: self.upstream_all,
            record: self.record.clone(),
            record_all: self.record_all,
            replay: self.replay.clone(),
            record_into_store: self.record_into_store,
        }
    }
}
