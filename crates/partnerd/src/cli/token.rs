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
    #[arg(long, env = "PARTNERD_TTL", default_value = "1h", value_parser = super::duration::parse)]
    ttl: Duration,
}

pub fn run(args: TokenArgs) -> anyhow::Result<ExitCode> {
    let partner = args.partner.unwrap_or_else(|| PartnerId::parse(DEMO_PARTNER).expect("demo partner is a GUID"));
    println!("{}", partnerd_server::mint_dev_token(&partner, args.ttl));
    Ok(ExitCode::SUCCESS)
}
