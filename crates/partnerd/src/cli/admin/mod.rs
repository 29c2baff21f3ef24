//! `partnerd admin ...`: the control plane (`/_partnerd/`, see docs/control-plane.md) from the
//! command line, for test scripts and people: reset, seed, snapshots, the request journal,
//! faults and the clock of a running partnerd.

mod clock;
mod control;
mod faults;
mod output;
mod requests;
mod reset;
mod snapshot;

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::customers::failure::{one_line, Usage, REFUSED, USAGE};

#[derive(Args)]
pub struct AdminArgs {
    #[command(flatten)]
    control: control::ControlArgs,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Delete every customer and kept response (or one partner's), the journal, faults and guidance.
    Reset(reset::ResetArgs),
    /// Add N deterministic synthetic customers to a partner (the same seed gives the same customers).
    Seed(reset::SeedArgs),
    /// Save every customer to a snapshot file, or replace the server's customers with one.
    Snapshot(snapshot::SnapshotArgs),
    /// The request journal: the latest requests, filtered, or a live tail with --follow.
    Requests(requests::RequestsArgs),
    /// Fault rules: add, list, clear.
    Faults(faults::FaultsArgs),
    /// Show or move the server's clock.
    Clock(clock::ClockArgs),
}

/// Runs the command. Exit status as for `partnerd customers`: 0 ok, 1 failure (unreachable,
/// server error, I/O), 2 usage (bad flags, missing or refused admin token), 3 refused (4xx).
pub async fn run(args: AdminArgs) -> anyhow::Result<ExitCode> {
    let result = async {
        let control = args.control.control()?;
        match args.command {
            AdminCommand::Reset(a) => reset::reset(&control, a).await,
            AdminCommand::Seed(a) => reset::seed(&control, a).await,
            AdminCommand::Snapshot(a) => snapshot::run(&control, a).await,
            AdminCommand::Requests(a) => requests::run(&control, a).await,
            AdminCommand::Faults(a) => faults::run(&control, a).await,
            AdminCommand::Clock(a) => clock::run(&control, a).await,
        }
    }
    .await;
    let Err(e) = result else { return Ok(ExitCode::SUCCESS) };
    if e.chain().any(|c| c.to_string() == "standard output was closed") {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("error: {}", one_line(&e));
    let status = if e.chain().any(|c| c.is::<Usage>()) {
        USAGE
    } else if e.chain().any(|c| c.is::<control::Refused>()) {
        REFUSED
    } else {
        1
    };
    Ok(ExitCode::from(status))
}
