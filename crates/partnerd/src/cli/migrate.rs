//! `partnerd migrate`: bring the database schema up to date and exit. `serve` migrates at
//! start-up anyway; running this first lets a deployment upgrade the schema once, before
//! rolling out new instances, with credentials that the instances themselves need not have.

use std::process::ExitCode;

use clap::Args;

use super::db::DbArgs;

#[derive(Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    db: DbArgs,
}

pub async fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    args.db.open().await?;
    eprintln!("the database schema is up to date");
    Ok(ExitCode::SUCCESS)
}
