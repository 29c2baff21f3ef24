//! `admin reset` and `admin seed`: start clean, then add the same customers every run.

use clap::Args;
use partnerd_model::PartnerId;

use super::control::Control;
use super::output::{self, FormatArg};
use crate::cli::db::parse_partner;

#[derive(Args)]
pub struct ResetArgs {
    /// Only this partner's customers, kept responses, journal entries, faults and guidance.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// Also replace the key that seals continuation tokens (every token issued before is then refused).
    #[arg(long, env = "PARTNERD_KEYS", conflicts_with = "partner")]
    keys: bool,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Args)]
pub struct SeedArgs {
    /// The partner (tenant GUID) that gets the customers.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: PartnerId,
    /// How many customers to add (1 to 1,000,000).
    #[arg(long, env = "PARTNERD_COUNT", default_value_t = 1000)]
    count: u64,
    /// The generator's seed: the same partner and seed give the same ids, names and domains.
    #[arg(long, env = "PARTNERD_SEED", default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    format: FormatArg,
}

pub async fn reset(control: &Control, args: ResetArgs) -> anyhow::Result<()> {
    let answer = control.call(control.client().reset(args.partner.as_ref(), args.keys)).await?;
    output::object(&answer, args.format.get())
}

pub async fn seed(control: &Control, args: SeedArgs) -> anyhow::Result<()> {
    let answer = control.call(control.client().seed(&args.partner, args.count, args.seed, None)).await?;
    output::object(&answer, args.format.get())
}
