//! The one-customer commands: get, create, delete, remove-relationship.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use partnerd_client::Client;
use partnerd_model::canonical::read_lenient;
use partnerd_model::Customer;

use super::failure::retry_hint;
use super::failure::Usage;
use super::output::{print_customer, OutputArgs};

#[derive(Args)]
pub struct IdArg {
    /// The customer's id (its tenant GUID).
    #[arg(value_parser = super::filter::parse_guid)]
    id: String,
}

#[derive(Args)]
pub struct GetArgs {
    /// The customer's id (its tenant GUID).
    #[arg(value_parser = super::filter::parse_guid)]
    id: String,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
pub struct CreateArgs {
    /// The customer as JSON (camelCase or PascalCase members); `-` reads standard input.
    #[arg(long, env = "PARTNERD_FILE", value_name = "FILE")]
    file: PathBuf,
    /// The MS-RequestId to send (a GUID). Repeating a create that failed on the way back with
    /// the id it printed gets the server's kept answer, admin password included.
    #[arg(long, env = "PARTNERD_REQUEST_ID", value_name = "GUID")]
    request_id: Option<uuid::Uuid>,
    #[command(flatten)]
    output: OutputArgs,
}

pub async fn get(client: &Client, args: GetArgs) -> anyhow::Result<()> {
    let (mut out, format) = args.output.open()?;
    let customer = client.get(&args.id).await.with_context(|| format!("getting customer {}", args.id))?;
    print_customer(&mut out, &customer, format)
}

pub async fn create(client: &Client, args: CreateArgs) -> anyhow::Result<()> {
    let input = read_customer(&args.file)?;
    let (mut out, format) = args.output.open()?;
    let request_id = args.request_id.unwrap_or_else(uuid::Uuid::new_v4);
    let created = client.create_with_request_id(&input, request_id).await.map_err(|e| {
        let mut hint = retry_hint(&e, &format!("--request-id {request_id}"));
        if e.status() == Some(400) {
            // The server names what it refused; a first body usually lacks several members.
            hint = " (a complete body: examples/customer.json in partnerd's repository; every member: docs/api.md §10)"
                .into();
        }
        anyhow::Error::new(e).context(format!("creating the customer{hint}"))
    })?;
    print_customer(&mut out, &created, format)?;
    if std::io::stderr().is_terminal() {
        eprintln!("(the admin password is shown only this once)");
    }
    Ok(())
}

pub async fn delete(client: &Client, args: IdArg) -> anyhow::Result<()> {
    client.delete(&args.id).await.with_context(|| format!("deleting customer {}", args.id))?;
    eprintln!("deleted customer {}", args.id);
    Ok(())
}

pub async fn remove_relationship(client: &Client, args: IdArg) -> anyhow::Result<()> {
    let id = &args.id;
    client.remove_relationship(id).await.with_context(|| format!("removing the relationship with customer {id}"))?;
    eprintln!("removed the relationship with customer {id}");
    Ok(())
}

/// Reads the file leniently, as the server does, so that a PascalCase body from the .NET
/// SDK's serialiser works too.
fn read_customer(path: &PathBuf) -> anyhow::Result<Customer> {
    let name = path.display();
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| Usage(format!("reading {name}: {e}")))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Usage(format!("{name} is not JSON: {e}")))?;
    read_lenient(value).map_err(|e| Usage(format!("{name}: {e}")).into())
}
