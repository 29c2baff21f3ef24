//! `partnerd customers ...`: the Customers API from the command line, through
//! `partnerd-client`, against a partnerd or Partner Center itself.

mod accounts;
pub(super) mod connection;
mod export;
pub(super) mod failure;
mod filter;
mod list;
mod output;
mod progress;
mod resume;
mod single;
pub(super) mod table;

use std::process::ExitCode;

use clap::{Args, Subcommand};

#[derive(Args)]
pub struct CustomersArgs {
    #[command(flatten)]
    connection: connection::Connection,
    #[command(subcommand)]
    command: CustomersCommand,
}

#[derive(Subcommand)]
enum CustomersCommand {
    /// List customers: one page, or every page with --all.
    List(list::ListArgs),
    /// Show one customer.
    Get(single::GetArgs),
    /// Create a customer from a JSON file (as POST /v1/customers takes it).
    Create(single::CreateArgs),
    /// Delete a customer (sandbox deployments only).
    Delete(single::IdArg),
    /// End the partner's relationship with a customer.
    RemoveRelationship(single::IdArg),
    /// Write every customer to a file; an interrupted export resumes when rerun.
    Export(export::ExportArgs),
    /// Show a customer's Microsoft Customer Agreement attestations, or attest one (--attest).
    Agreement(accounts::AgreementArgs),
    /// Show a customer's qualifications, or add one (--add).
    Qualifications(accounts::QualificationsArgs),
    /// Show a customer's indirect reseller.
    Relationships(accounts::RelationshipsArgs),
}

/// Runs the command; failures are printed here as one `error:` line, and the exit status
/// tells scripts what kind of failure it was (see `failure`).
pub async fn run(args: CustomersArgs) -> anyhow::Result<ExitCode> {
    let result = async {
        let client = args.connection.client()?;
        match args.command {
            CustomersCommand::List(a) => list::run(&client, a).await,
            CustomersCommand::Get(a) => single::get(&client, a).await,
            CustomersCommand::Create(a) => single::create(&client, a).await,
            CustomersCommand::Delete(a) => single::delete(&client, a).await,
            CustomersCommand::RemoveRelationship(a) => single::remove_relationship(&client, a).await,
            CustomersCommand::Export(a) => export::run(&client, args.connection.base_url(), a).await,
            CustomersCommand::Agreement(a) => accounts::agreement(&client, a).await,
            CustomersCommand::Qualifications(a) => accounts::qualifications(&client, a).await,
            CustomersCommand::Relationships(a) => accounts::relationships(&client, a).await,
        }
    }
    .await;
    Ok(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failure::report(&e),
    })
}
