//! `partnerd import`: customers in the wire format (create bodies, full customers, list items,
//! snapshot lines: see `import_record`), each validated like a POST (without generating
//! credentials), streamed into the store in large transactions.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use partnerd_model::PartnerId;
use partnerd_store::CustomerRecord;

use super::db::{parse_partner, DbArgs};
use super::records::{read_records, Item};

/// Records per transaction.
const BATCH: usize = 20_000;

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The partner (tenant GUID) that gets the customers.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: PartnerId,
    /// Import nothing unless every record is valid and new.
    #[arg(long, env = "PARTNERD_ATOMIC")]
    atomic: bool,
    /// A JSON array or JSON lines of customers; `-` reads standard input.
    file: PathBuf,
}

/// Records with their positions, for reporting what the store skipped.
type Batch = Vec<(String, CustomerRecord)>;

#[derive(Default)]
struct Tally {
    imported: u64,
    invalid: u64,
    taken: u64,
}

/// Exit status: 0 when everything was imported, 2 when some records were skipped (or, with
/// `--atomic`, nothing was imported because of them), 1 when the import failed.
pub async fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if args.file.as_os_str() == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let f = File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };
    let store = args.db.open().await?.for_partner(&args.partner);
    let bytes = Arc::new(AtomicU64::new(0));
    let bar = progress_bar(size);
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let reader_bar = bar.clone();
    let counted = Counting { inner: input, bytes: bytes.clone() };
    let partner = args.partner.clone();
    let reader = tokio::task::spawn_blocking(move || parse_all(counted, &partner, tx, &reader_bar));
    let mut tally = Tally::default();
    let mut pending: Batch = Vec::new();
    while let Some(batch) = rx.recv().await {
        bar.set_position(bytes.load(Ordering::Relaxed));
        if args.atomic {
            pending.extend(batch);
        } else {
            store_batch(&store, batch, false, &bar, &mut tally).await?;
        }
    }
    tally.invalid = reader.await??;
    if args.atomic {
        if tally.invalid == 0 {
            store_batch(&store, pending, true, &bar, &mut tally).await?;
        }
        if tally.invalid + tally.taken > 0 {
            tally.imported = 0;
        }
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {} customers for {} in {secs:.1} s ({:.0}/s); {} invalid, {} with a domain or id already taken{}",
        tally.imported,
        args.partner,
        tally.imported as f64 / secs.max(1e-9),
        tally.invalid,
        tally.taken,
        if args.atomic && tally.invalid + tally.taken > 0 { "; --atomic: nothing was imported" } else { "" },
    );
    Ok(if tally.invalid + tally.taken == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

async fn store_batch(
    store: &partnerd_store::PartnerStore,
    batch: Batch,
    atomic: bool,
    bar: &ProgressBar,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let (positions, records): (Vec<String>, Vec<CustomerRecord>) = batch.into_iter().unzip();
    let n = records.len() as u64;
    let skipped = store.insert_many(records, atomic).await?;
    for i in &skipped {
        bar.suspend(|| eprintln!("{}: skipped: its domain (or id) is already taken", positions[*i]));
    }
    tally.taken += skipped.len() as u64;
    tally.imported += n - skipped.len() as u64;
    Ok(())
}

/// Reads, validates and builds every record, sending batches; returns how many were invalid.
fn parse_all(
    input: impl Read,
    partner: &PartnerId,
    tx: tokio::sync::mpsc::Sender<Batch>,
    bar: &ProgressBar,
) -> anyhow::Result<u64> {
    let mut invalid = 0u64;
    let mut batch: Batch = Vec::with_capacity(BATCH);
    let mut closed = false;
    read_records(input, |item| {
        match item {
            Item::Record { position, value } => match super::import_record::build(value, partner) {
                Ok(record) => batch.push((position, record)),
                Err(why) => {
                    invalid += 1;
                    bar.suspend(|| eprintln!("{position}: {why}"));
                }
            },
            Item::Malformed { position, error } => {
                invalid += 1;
                bar.suspend(|| eprintln!("{position}: {error}"));
            }
        }
        if batch.len() >= BATCH && !closed {
            closed = tx.blocking_send(std::mem::take(&mut batch)).is_err();
        }
    })?;
    if !batch.is_empty() && !closed {
        let _ = tx.blocking_send(batch);
    }
    Ok(invalid)
}

fn progress_bar(size: Option<u64>) -> ProgressBar {
    // indicatif draws only on a terminal, so piped output stays clean.
    match size {
        Some(len) => ProgressBar::new(len).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").expect("template"),
        ),
        None => ProgressBar::new_spinner(),
    }
}

/// Counts the bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
