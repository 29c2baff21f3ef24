//! Log output: `RUST_LOG`-style filtering (`PARTNERD_LOG` first, then `RUST_LOG`), text or
//! one JSON object per line, colour only when stderr is a terminal. The lines partnerd always
//! prints (the start-up banner, a fatal error) go through [`say`], so that with
//! `--log-format json` every line on stderr is a JSON object, whatever the log filter.

use std::io::IsTerminal;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};
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

pub fn init(format: LogFormat) {
    let _ = FORMAT.set(format);
    let filter = EnvFilter::try_from_env("PARTNERD_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| "partnerd=info,partnerd_server=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).init(),
    }
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
        LogFormat::Text => eprintln!("{message}"),
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
            eprintln!("{}", json!({ "timestamp": now, "level": level, "fields": all, "target": "partnerd" }));
        }
    }
}
