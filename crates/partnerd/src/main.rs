//! `partnerd`: the self-hostable Partner Center Customers API, and the tools around it.

mod cli;
mod demo;
mod logging;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    // Held to the end: dropping it writes out the lines still queued.
    let _log_writer = logging::init(cli.log_format(), cli.serves(), cli.default_log_filter());
    match cli.run().await {
        Ok(code) => code,
        Err(e) => {
            logging::say(logging::Level::Error, &format!("error: {e:#}"), serde_json::json!({}));
            std::process::ExitCode::FAILURE
        }
    }
}
