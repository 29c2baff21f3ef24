//! Log output: `RUST_LOG`-style filtering (`PARTNERD_LOG` first, then `RUST_LOG`), text or
//! one JSON object per line, colour only when stderr is a terminal.

use std::io::IsTerminal;

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

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_env("PARTNERD_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| "partnerd=info,partnerd_server=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).init(),
    }
}
