//! `partnerd seed`: many synthetic customers, fast (how the benchmark loads a million).

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use partnerd_model::PartnerId;
use partnerd_store::{CustomerRecord, PartnerStore};

use super::db::{parse_partner, DbArgs};
use partnerd_model::synthetic::Generator;

/// Customers per transaction: large enough to amortise commits, small enough to keep memory flat.
const BATCH: usize = 20_000;

#[derive(Args)]
pub struct SeedArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The partner (tenant GUID) that gets the customers.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: PartnerId,
    /// How many customers to add.
    #[arg(long, env = "PARTNERD_COUNT", default_value_t = 1000)]
    count: u64,
    /// Seed of the generator (same seed, same names).
    #[arg(long, env = "PARTNERD_SEED", default_value_t = 42)]
    seed: u64,
}

pub async fn run(args: SeedArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open().await?;
    let started = Instant::now();
    let added = seed(&store.for_partner(&args.partner), args.count, args.seed).await?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!("added {added} customers to {} in {secs:.1} s ({:.0}/s)", args.partner, added as f64 / secs.max(1e-9));
    Ok(ExitCode::SUCCESS)
}

/// Adds `count` generated customers; returns how many were stored. Generation runs on a
/// blocking thread beside the database writes, one batch ahead.
pub async fn seed(store: &PartnerStore, count: u64, seed: u64) -> anyhow::Result<u64> {
    let tag: String = format!("{:04x}", rand::random::<u16>());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<CustomerRecord>>(2);
    let producer = tokio::task::spawn_blocking(move || {
        let mut generator = Generator::new(seed, &tag);
        let mut left = count;
        while left > 0 {
            let n = left.min(BATCH as u64);
            let batch = (0..n)
                .map(|_| {
                    let (new, ids) = generator.next_new();
                    CustomerRecord::new(new, ids).0
                })
                .collect();
            if tx.blocking_send(batch).is_err() {
                break;
            }
            left -= n;
        }
    });
    let mut added = 0;
    while let Some(batch) = rx.recv().await {
        let n = batch.len() as u64;
        let skipped = store.insert_many(batch, false).await?;
        added += n - skipped.len() as u64;
    }
    producer.await?;
    Ok(added)
}
