//! Log output: `RUST_LOG`-style filtering (`PARTNERD_LOG` first, then `RUST_LOG`), text or
//! one JSON object per line, colour only when stderr is a terminal. The lines partnerd always
//! prints (the start-up banner, a fatal error) go through [`say`], so that with
//! `--log-format json` every line on stderr is a JSON object, whatever the log filter.

mod batched;
mod plain;
mod request;
#[cfg(test)]
mod written;

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use serde_json::{json, Map, Value};
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text per event, with the request span's fields in front.
    #[default]
    Text,
    /// One JSON object per event, with the request span's fields under "span".
    Json,
}

/// The format [`init`] chose, for [`say`].
static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// The server's stderr, when its lines are batched: every line (log events and [`say`]) goes
/// through it, so they keep their order.
static BATCHED: OnceLock<batched::Batched> = OnceLock::new();

/// Installs the log subscriber. With `batched` (the server), lines are handed to a thread that
/// writes them in batches ([`batched`]): an access line per request was a write(2) each, which
/// cost a request more than finding a customer by id. No line is dropped; the returned guard
/// writes out what is waiting when dropped.
pub fn init(format: LogFormat, batched: bool, default_filter: &str) -> Option<batched::Guard> {
    let _ = FORMAT.set(format);
    let filter = EnvFilter::try_from_env("PARTNERD_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| default_filter.into());
    let started = batched.then(|| batched::Batched::start(std::io::stderr())).and_then(Result::ok);
    let (writer, guard) = match started {
        Some((writer, guard)) => {
            let _ = BATCHED.set(writer.clone());
            (BoxMakeWriter::new(writer), Some(guard))
        }
        None => (BoxMakeWriter::new(std::io::stderr), None),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Text if std::io::stderr().is_terminal() => {
            builder.with_ansi(true).event_format(request::TextLines::new()).init()
        }
        // What an operator's collector reads: the same text, made without the colour machinery.
        LogFormat::Text => {
            builder.with_ansi(false).fmt_fields(plain::PlainFields).event_format(request::TextLines::new()).init()
        }
        LogFormat::Json => builder.json().event_format(request::JsonLines::new()).init(),
    }
    guard
}

/// How serious a line from [`say`] is.
#[derive(Clone, Copy)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// Prints a line on stderr: `message` as it is in text, or in JSON the shape of the log events
/// (`timestamp`, `level`, `fields.message` and the machine-readable `fields`, `target`).
pub fn say(level: Level, message: &str, fields: Value) {
    match FORMAT.get().copied().unwrap_or_default() {
        LogFormat::Text => line(message),
        LogFormat::Json => {
            let mut all = Map::new();
            all.insert("message".into(), message.into());
            if let Value::Object(fields) = fields {
                all.extend(fields);
            }
            let level = match level {
                Level::Info => "INFO",
                Level::Warn => "WARN",
                Level::Error => "ERROR",
            };
            let now = humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string();
            line(&json!({ "timestamp": now, "level": level, "fields": all, "target": "partnerd" }).to_string());
        }
    }
}

/// Writes one line on stderr, behind the log lines already queued.
fn line(text: &str) {
    match BATCHED.get() {
        Some(writer) => {
            let _ = writer.clone().write_all(format!("{text}\n").as_bytes());
        }
        None => eprintln!("{text}"),
    }
}
