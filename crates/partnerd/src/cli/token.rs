//! `partnerd token`: a development bearer token.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use partnerd_model::PartnerId;

use super::db::parse_partner;
use crate::demo::DEMO_PARTNER;

#[derive(Args)]
pub struct TokenArgs {
    /// The partner (tenant GUID) the token speaks for; the demo partner by default.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// How long the token is valid, e.g. 30m, 1h, 7d.
    #[arg(long, env = "PARTNERD_TTL", default_value = "1h", value_parser = parse_ttl, allow_hyphen_values = true)]
    ttl: Duration,
}

/// A duration above zero: a token valid for no time is expired when it is printed, and every
/// request with it would get a 401 that seems to have nothing to do with `--ttl`.
fn parse_ttl(s: &str) -> Result<Duration, String> {
    match super::duration::parse(s)? {
        d if d.is_zero() => Err(format!("'{s}' would make a token that has expired already: give e.g. 1h")),
        d => Ok(d),
    }
}

pub fn run(args: TokenArgs) -> anyhow::Result<ExitCode> {
    let partner = args.partner.unwrap_or_else(|| PartnerId::parse(DEMO_PARTNER).expect("demo partner is a GUID"));
    println!("{}", partnerd_server::mint_dev_token(&partner, args.ttl));
    Ok(ExitCode::SUCCESS)
}
