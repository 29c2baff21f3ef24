//! `partnerd state export|import`: the control plane's snapshot (JSON lines, see
//! `partnerd_store::snapshot`) read and written offline, straight from and into a database,
//! so a file taken from SQLite loads into PostgreSQL and back.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use partnerd_model::PartnerId;
use partnerd_store::{snapshot, Restore, Restored};

use super::db::{parse_partner, DbArgs};

/// Customers read per query, and sent to the store per batch.
const BATCH: usize = 1_000;

#[derive(Args)]
pub struct StateArgs {
    #[command(subcommand)]
    command: StateCommand,
}

#[derive(Subcommand)]
enum StateCommand {
    /// Write every stored customer (or one partner's) as snapshot lines.
    Export(ExportArgs),
    /// Replace every customer (or one partner's) with a snapshot's, all or nothing.
    Import(ImportArgs),
}

#[derive(Args)]
struct ExportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Only this partner's customers (tenant GUID).
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// The file to write; `-` is standard output.
    #[arg(long, env = "PARTNERD_OUTPUT", default_value = "-")]
    output: PathBuf,
}

#[derive(Args)]
struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Replace only this partner's customers; every line must be that partner's.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// The snapshot file; `-` reads standard input.
    file: PathBuf,
}

pub async fn run(args: StateArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        StateCommand::Export(a) => export(a).await,
        StateCommand::Import(a) => import(a).await,
    }
}

async fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open().await?.control();
    let out: Box<dyn Write> = if args.output.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(&args.output).with_context(|| format!("creating {}", args.output.display()))?)
    };
    let mut out = BufWriter::new(out);
    for own in store.partner_items(args.partner.as_ref()).await? {
        writeln!(out, "{}", snapshot::encode_partner(&own))?;
    }
    let (mut after, mut count) = (String::new(), 0u64);
    loop {
        let rows = store.snapshot_page(args.partner.as_ref(), Some(&after), BATCH).await?;
        for row in &rows {
            writeln!(out, "{}", snapshot::encode(row))?;
        }
        count += rows.len() as u64;
        match rows.last() {
            Some(last) if rows.len() == BATCH => after = last.id.clone(),
            _ => break,
        }
    }
    out.flush()?;
    eprintln!("exported {count} customers");
    Ok(ExitCode::SUCCESS)
}

async fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let input: Box<dyn Read + Send> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?)
    };
    let store = args.db.open().await?.control();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let scope = args.partner.clone();
    let reader = tokio::task::spawn_blocking(move || read_lines(input, scope.as_ref(), tx));
    let outcome = store.restore(args.partner.as_ref(), rx).await?;
    reader.await??;
    match outcome {
        Restored::Done { customers } => {
            eprintln!("restored {customers} customers");
            Ok(ExitCode::SUCCESS)
        }
        Restored::Conflict { line } => anyhow::bail!(
            "line {line}: its customer id or domain is already taken (by an earlier line, or by a customer outside \
             the partner restored); nothing was changed"
        ),
        Restored::Abandoned => anyhow::bail!("the import stopped; nothing was changed"),
    }
}

/// Sends the lines in batches, then `Commit`; the first bad line ends it (nothing commits).
fn read_lines(
    input: impl Read,
    scope: Option<&PartnerId>,
    tx: tokio::sync::mpsc::Sender<Restore>,
) -> anyhow::Result<()> {
    let mut batch = Vec::with_capacity(BATCH);
    for (i, line) in BufReader::with_capacity(1 << 20, input).lines().enumerate() {
        let number = i as u64 + 1;
        let line = line.with_context(|| format!("reading line {number}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let decoded = snapshot::decode_line(line.trim(), number, scope)
            .map_err(|why| anyhow::anyhow!("line {number}: {why}; nothing was changed"))?;
        match decoded {
            snapshot::Decoded::Customer(row) => batch.push(*row),
            snapshot::Decoded::Partner(own) => {
                if tx.blocking_send(Restore::Partner(own)).is_err() {
                    return Ok(());
                }
            }
        }
        if batch.len() >= BATCH && tx.blocking_send(Restore::Rows(std::mem::take(&mut batch))).is_err() {
            return Ok(());
        }
    }
    if tx.blocking_send(Restore::Rows(batch)).is_ok() {
        let _ = tx.blocking_send(Restore::Commit);
    }
    Ok(())
}
