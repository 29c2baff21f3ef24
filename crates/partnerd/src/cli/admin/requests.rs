//! `admin requests`: the request journal, newest first, or a live tail (`--follow`) read from
//! the Server-Sent Events stream, one line per request as it is answered.

use std::io::Write;

use clap::Args;
use futures::TryStreamExt;
use partnerd_model::{JournalEntry, PartnerId};

use super::control::Control;
use super::output::{self, Format, FormatArg};
use crate::cli::customers::failure::stdout;
use crate::cli::db::parse_partner;

#[derive(Args)]
pub struct RequestsArgs {
    /// Only this method (GET, POST, ...).
    #[arg(long, env = "PARTNERD_METHOD")]
    method: Option<String>,
    /// Only this route template, e.g. /v1/customers or /v1/customers/{id}.
    #[arg(long, env = "PARTNERD_ROUTE")]
    route: Option<String>,
    /// Only this status (503) or class (5xx).
    #[arg(long, env = "PARTNERD_STATUS")]
    status: Option<String>,
    /// Only this partner's requests (tenant GUID).
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// Only requests with this MS-CorrelationId.
    #[arg(long, env = "PARTNERD_CORRELATION_ID")]
    correlation_id: Option<String>,
    /// Only entries after this entry id, or at or after this RFC 3339 time (2026-01-31T12:00:00Z).
    #[arg(long, env = "PARTNERD_SINCE", conflicts_with = "follow")]
    since: Option<String>,
    /// At most this many entries (the server's default is 100).
    #[arg(long, env = "PARTNERD_LIMIT", conflicts_with = "follow")]
    limit: Option<u32>,
    /// Keep printing requests as they are answered, until interrupted.
    #[arg(long, env = "PARTNERD_FOLLOW")]
    follow: bool,
    #[command(flatten)]
    format: FormatArg,
}

const HEADERS: [&str; 8] = ["id", "time", "method", "path", "status", "latencyMs", "partner", "fault"];
/// Column widths for the live tail, whose rows cannot be measured in advance.
const WIDTHS: [usize; 8] = [6, 24, 7, 48, 6, 9, 36, 5];

fn row(entry: &JournalEntry) -> [String; 8] {
    [
        entry.id.to_string(),
        entry.time.clone(),
        entry.method.clone(),
        entry.path.clone(),
        entry.status.map(|s| s.to_string()).unwrap_or_default(),
        format!("{:.1}", entry.latency_ms),
        entry.partner.clone().unwrap_or_default(),
        entry.fault.as_ref().map(|f| f.id.clone()).unwrap_or_default(),
    ]
}

pub async fn run(control: &Control, args: RequestsArgs) -> anyhow::Result<()> {
    let mut query: Vec<(&str, String)> = Vec::new();
    let filters = [
        ("method", args.method.clone()),
        ("route", args.route.clone()),
        ("status", args.status.clone()),
        ("partner", args.partner.as_ref().map(|p| p.to_string())),
        ("correlationId", args.correlation_id.clone()),
        ("since", args.since.clone()),
        ("limit", args.limit.map(|l| l.to_string())),
    ];
    query.extend(filters.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    let format = args.format.get();
    if args.follow {
        return follow(control, &query, format).await;
    }
    let items = control.call(control.client().requests(&query)).await?;
    output::rows(&items, &HEADERS, row, format)
}

/// Reads `event:`/`data:` blocks off the stream and prints each request entry at once.
async fn follow(control: &Control, query: &[(&str, String)], format: Format) -> anyhow::Result<()> {
    let resp = control.call(control.client().requests_stream(query)).await?;
    eprintln!("following requests (Ctrl-C to stop)");
    let mut out = stdout();
    if format == Format::Table {
        print_row(&mut out, &HEADERS.map(String::from))?;
    }
    let mut body = resp.bytes_stream();
    let mut pending: Vec<u8> = Vec::new();
    let mut event = Event::default();
    while let Some(chunk) = body.try_next().await? {
        pending.extend_from_slice(&chunk);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if !line.is_empty() {
                event.add(line);
                continue;
            }
            match std::mem::take(&mut event) {
                Event { kind: Some(kind), data } if kind == "request" => {
                    let entry: JournalEntry = serde_json::from_str(&data)?;
                    match format {
                        Format::Json => writeln!(out, "{}", serde_json::to_string(&entry)?)?,
                        Format::Table => print_row(&mut out, &row(&entry))?,
                    }
                    out.flush()?;
                }
                Event { kind: Some(kind), data } if kind == "lagged" => {
                    eprintln!("fell behind the server: some requests were skipped ({data})");
                }
                _ => {}
            }
        }
    }
    eprintln!("the server ended the stream");
    Ok(())
}

/// One Server-Sent Event being read: its `event:` name and its `data:` lines joined.
#[derive(Default)]
struct Event {
    kind: Option<String>,
    data: String,
}

impl Event {
    fn add(&mut self, line: &str) {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.kind = Some(value.to_string()),
            "data" => {
                if !self.data.is_empty() {
                    self.data.push('\n');
                }
                self.data.push_str(value);
            }
            _ => {}
        }
    }
}

fn print_row(out: &mut impl Write, cells: &[String; 8]) -> std::io::Result<()> {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(WIDTHS) {
        line.push_str(&format!("{cell:<width$}  "));
    }
    writeln!(out, "{}", line.trim_end())
}
