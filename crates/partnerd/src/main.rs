//! `partnerd`: the self-hostable Partner Center Customers API, and the tools around it.

mod cli;
mod demo;
mod logging;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    logging::init(cli.log_format());
    match cli.run().await {
        Ok(code) => code,
        Err(e) => {
            logging::say(logging::Level::Error, &format!("error: {e:#}"), serde_json::json!({}));
            std::process::ExitCode::FAILURE
        }
    }
}
