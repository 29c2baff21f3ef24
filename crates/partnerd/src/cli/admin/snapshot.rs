//! `admin snapshot save|load`: every customer as the server holds it, to a file and back
//! (the JSON lines of `GET|PUT /_partnerd/snapshot`, also read by `partnerd state import` and
//! `partnerd import`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::{StreamExt, TryStreamExt};
use partnerd_model::PartnerId;
use tokio::io::AsyncWriteExt;

use super::control::Control;
use super::output::{self, FormatArg};
use crate::cli::customers::failure::Usage;
use crate::cli::db::parse_partner;

#[derive(Args)]
pub struct SnapshotArgs {
    #[command(subcommand)]
    command: SnapshotCommand,
}

#[derive(Subcommand)]
enum SnapshotCommand {
    /// Write every customer (or one partner's) to a file, one JSON line each.
    Save(SaveArgs),
    /// Replace every customer (or one partner's) with a snapshot's, all or nothing.
    Load(LoadArgs),
}

#[derive(Args)]
struct SaveArgs {
    /// Only this partner's customers (tenant GUID).
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// The file to write; `-` is standard output.
    #[arg(long, env = "PARTNERD_OUTPUT", value_name = "FILE")]
    output: PathBuf,
}

#[derive(Args)]
struct LoadArgs {
    /// Replace only this partner's customers; every line must be that partner's.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// The snapshot file (or give it as the argument); `-` reads standard input.
    #[arg(long, env = "PARTNERD_INPUT", value_name = "FILE", conflicts_with = "file")]
    input: Option<PathBuf>,
    /// The snapshot file.
    file: Option<PathBuf>,
    #[command(flatten)]
    format: FormatArg,
}

pub async fn run(control: &Control, args: SnapshotArgs) -> anyhow::Result<()> {
    match args.command {
        SnapshotCommand::Save(a) => save(control, a).await,
        SnapshotCommand::Load(a) => load(control, a).await,
    }
}

/// Streams the snapshot into a temporary file beside the output, renamed over it once
/// complete, so an interrupted save never leaves a truncated snapshot under the name.
async fn save(control: &Control, args: SaveArgs) -> anyhow::Result<()> {
    let resp = control.call(control.client().snapshot(args.partner.as_ref())).await?;
    let mut body = resp.bytes_stream();
    let to_stdout = args.output.as_os_str() == "-";
    let temp = temp_beside(&args.output);
    let mut out: Box<dyn tokio::io::AsyncWrite + Unpin> = if to_stdout {
        Box::new(tokio::io::stdout())
    } else {
        Box::new(tokio::fs::File::create(&temp).await.with_context(|| format!("creating {}", temp.display()))?)
    };
    let mut lines = 0u64;
    let copied: anyhow::Result<()> = async {
        while let Some(chunk) = body.try_next().await.context("reading the snapshot")? {
            lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            out.write_all(&chunk).await.context("writing the snapshot")?;
        }
        out.flush().await?;
        Ok(())
    }
    .await;
    if to_stdout {
        copied?;
    } else {
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        drop(out);
        std::fs::rename(&temp, &args.output).with_context(|| format!("renaming to {}", args.output.display()))?;
        eprintln!("saved {lines} customers to {}", args.output.display());
    }
    Ok(())
}

fn temp_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.partial", std::process::id()));
    path.with_file_name(name)
}

/// Streams the file as the request body: the server restores it in one transaction.
async fn load(control: &Control, args: LoadArgs) -> anyhow::Result<()> {
    let Some(path) = args.input.or(args.file) else {
        return Err(Usage("no snapshot: give the file (`admin snapshot load FILE`) or --input FILE".into()).into());
    };
    let body = if path.as_os_str() == "-" {
        reqwest::Body::wrap_stream(chunks(tokio::io::stdin()))
    } else {
        let file = tokio::fs::File::open(&path).await.with_context(|| format!("opening {}", path.display()))?;
        reqwest::Body::wrap_stream(chunks(file))
    };
    let answer = control.call(control.client().restore(args.partner.as_ref(), body)).await.map_err(|e| {
        // The server reads the upload as fast as it stores it, so a large snapshot can outlast
        // its deadlines; nothing was changed, and the fix is on the server's command line.
        let text = e.to_string();
        if text.contains("did not arrive in time") || text.contains("did not complete within") {
            e.context(
                "the server's deadline ended the load before the snapshot was stored (nothing changed); start it \
                 with a longer --body-read-timeout and --request-timeout (e.g. 10m), or load a smaller snapshot",
            )
        } else {
            e
        }
    })?;
    output::object(&answer, args.format.get())
}

/// The reader's bytes, 64 KiB at a time.
fn chunks(
    reader: impl tokio::io::AsyncRead + Send + Unpin + 'static,
) -> impl futures::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    use tokio::io::AsyncReadExt;
    futures::stream::unfold(reader, |mut r| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match r.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(buf), r))
            }
            Err(e) => Some((Err(e), r)),
        }
    })
    .boxed()
}
