//! `partnerd customers export`: every customer across all pages into a file, resumable.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use futures::{StreamExt, TryStreamExt};
use partnerd_client::{Client, PageStream};
use partnerd_model::Customer;

use super::failure::Usage;
use super::filter::FilterArgs;
use super::output::{csv_header, csv_rows};
use super::progress;
use super::resume::{Checkpoint, Job};

#[derive(Args)]
pub struct ExportArgs {
    /// The file to write.
    #[arg(long, env = "PARTNERD_OUTPUT", value_name = "FILE")]
    output: PathBuf,
    /// By default csv for a file named *.csv, jsonl otherwise (json is taken as jsonl).
    #[arg(long, env = "PARTNERD_FORMAT", value_enum)]
    format: Option<ExportFormat>,
    #[command(flatten)]
    filter: FilterArgs,
    /// Customers per request.
    #[arg(long, env = "PARTNERD_SIZE", value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=500))]
    size: u32,
    /// Full customers (billing profile, commerce id, etag...): one GET per customer after each
    /// page, so the file imports back as it was (`partnerd import`). JSON lines only.
    #[arg(long, env = "PARTNERD_FULL")]
    full: bool,
    /// Start over, discarding an interrupted export to the same file.
    #[arg(long, env = "PARTNERD_RESTART")]
    restart: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// One customer a line, in the API's JSON.
    #[value(alias = "json")]
    Jsonl,
    /// A header line, then one customer a line (the columns of `list --format csv`).
    Csv,
}

impl ExportFormat {
    fn for_path(path: &Path) -> ExportFormat {
        let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv {
            ExportFormat::Csv
        } else {
            ExportFormat::Jsonl
        }
    }

    fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
        }
    }

    fn encode(self, customers: &[Customer]) -> anyhow::Result<Vec<u8>> {
        match self {
            ExportFormat::Csv => csv_rows(customers),
            ExportFormat::Jsonl => {
                let mut out = Vec::new();
                for c in customers {
                    serde_json::to_writer(&mut out, c)?;
                    out.push(b'\n');
                }
                Ok(out)
            }
        }
    }
}

pub async fn run(client: &Client, base_url: &str, args: ExportArgs) -> anyhow::Result<()> {
    let format = args.format.unwrap_or_else(|| ExportFormat::for_path(&args.output));
    if args.full && format == ExportFormat::Csv {
        return Err(Usage(format!(
            "--full writes whole customers as JSON lines, which CSV cannot hold: add --format jsonl (or write to a .jsonl file instead of {})",
            args.output.display()
        ))
        .into());
    }
    let job = Job {
        base_url: base_url.to_string(),
        format: if args.full { "jsonl-full".into() } else { format.name().into() },
        size: args.size,
        filter: args.filter.clone(),
    };
    let state = Checkpoint::path_for(&args.output);
    let mut checkpoint = begin(&args, job, format, &state)?;
    let mut file = reopen(&args.output, checkpoint.bytes)?;
    let resuming = checkpoint.next.is_some();
    let pages: PageStream = match checkpoint.next.clone() {
        Some(link) => client.pages_from(link),
        None => client.pages(&args.filter.query(Some(args.size))),
    };
    let bar = progress::bar(checkpoint.count);
    // Ctrl-C stops between pages (the copy only waits on the network, never mid-write), so
    // the checkpoint is exact and the message can say how to go on.
    let written = tokio::select! {
        done = copy(pages, &mut file, Fetch { client, full: args.full, format }, &mut checkpoint, &state, &bar) => done,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("stopped by Ctrl-C")),
    };
    bar.finish_and_clear();
    written.map_err(|e| {
        // A refused resume (an expired or foreign continuation token) cannot go on from the
        // checkpoint; anything else can.
        let refused = e.downcast_ref::<partnerd_client::Error>().and_then(|c| c.status()).is_some_and(|s| s == 400);
        let how =
            if refused && resuming { "add --restart to start over" } else { "run the same command again to resume" };
        e.context(format!("export interrupted after {} customers ({how})", checkpoint.count))
    })?;
    std::fs::remove_file(&state).with_context(|| format!("removing {}", state.display()))?;
    eprintln!("exported {} customers to {}", checkpoint.count, args.output.display());
    Ok(())
}

/// How a page becomes what the file holds.
struct Fetch<'a> {
    client: &'a Client,
    full: bool,
    format: ExportFormat,
}

/// GETs at once for `--full`: enough to hide the round trips, few enough for Partner Center's
/// request rate.
const FULL_CONCURRENCY: usize = 8;

impl Fetch<'_> {
    /// The page's customers as written: the list items, or with `--full` each one's GET (a
    /// customer deleted since the page was read is left out).
    async fn customers(&self, items: Vec<Customer>) -> anyhow::Result<Vec<Customer>> {
        if !self.full {
            return Ok(items);
        }
        let gets = futures::stream::iter(items.into_iter().filter_map(|c| c.id)).map(|id| async move {
            match self.client.get(&id).await {
                Ok(c) => Ok(Some(c)),
                Err(e) if e.status() == Some(404) => Ok(None),
                Err(e) => Err(anyhow::Error::new(e).context(format!("getting customer {id}"))),
            }
        });
        let full: Vec<Option<Customer>> = gets.buffered(FULL_CONCURRENCY).try_collect().await?;
        Ok(full.into_iter().flatten().collect())
    }
}

/// Page after page: append to the file, flush it to disk, then move the checkpoint past it.
async fn copy(
    mut pages: PageStream,
    file: &mut File,
    fetch: Fetch<'_>,
    checkpoint: &mut Checkpoint,
    state: &Path,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<()> {
    while let Some(page) = pages.try_next().await? {
        let customers = fetch.customers(page.items).await?;
        let bytes = fetch.format.encode(&customers)?;
        file.write_all(&bytes).and_then(|_| file.sync_data()).context("writing the export")?;
        checkpoint.bytes += bytes.len() as u64;
        checkpoint.count += customers.len() as u64;
        checkpoint.next = page.links.next;
        if checkpoint.next.is_some() {
            checkpoint.save(state)?;
        }
        bar.set_position(checkpoint.count);
    }
    Ok(())
}

/// The checkpoint to start from: the interrupted export's, or a fresh one over an empty
/// file (with the CSV header).
fn begin(args: &ExportArgs, job: Job, format: ExportFormat, state: &Path) -> anyhow::Result<Checkpoint> {
    let output = args.output.display();
    let saved = if args.restart { None } else { Checkpoint::load(state)? };
    if let Some(found) = saved {
        if found.job != job {
            return Err(Usage(format!(
                "an interrupted export to {output} used other options; rerun it with the same ones to resume, or add --restart"
            ))
            .into());
        }
        let len = std::fs::metadata(&args.output).map(|m| m.len()).unwrap_or(0);
        if len < found.bytes {
            return Err(Usage(format!("{output} is shorter than the interrupted export left it; add --restart")).into());
        }
        eprintln!("resuming the export to {output} after {} customers", found.count);
        return Ok(found);
    }
    let header = if format == ExportFormat::Csv { csv_header()? } else { Vec::new() };
    std::fs::write(&args.output, &header).with_context(|| format!("writing {output}"))?;
    let fresh = Checkpoint { job, next: None, bytes: header.len() as u64, count: 0 };
    fresh.save(state)?;
    Ok(fresh)
}

/// Opens the output for appending after its first `complete` bytes, cutting off the rest.
fn reopen(path: &Path, complete: u64) -> anyhow::Result<File> {
    let open = || -> std::io::Result<File> {
        let mut file = OpenOptions::new().write(true).open(path)?;
        file.set_len(complete)?;
        file.seek(SeekFrom::End(0))?;
        Ok(file)
    };
    open().with_context(|| format!("opening {}", path.display()))
}
