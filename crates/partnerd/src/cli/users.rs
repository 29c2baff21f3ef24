//! `partnerd users ...`: a customer's users and their licenses from the command line, through
//! `partnerd-client`, with the connection flags and exit statuses of `partnerd customers`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::TryStreamExt;
use partnerd_client::Client;
use partnerd_model::canonical::read_lenient;
use partnerd_model::license::{LicenseAssignment, LicenseUpdate};
use partnerd_model::CustomerUser;

use super::customers::connection::Connection;
use super::customers::failure::{self, Usage};

#[derive(Args)]
pub struct UsersArgs {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: UsersCommand,
}

#[derive(Subcommand)]
enum UsersCommand {
    /// List a customer's users (every page), one JSON object a line; --deleted lists the
    /// deleted ones still restorable.
    List {
        #[arg(value_parser = guid)]
        customer: String,
        #[arg(long, env = "PARTNERD_DELETED")]
        deleted: bool,
    },
    /// Show one active user as JSON.
    Get(UserRef),
    /// Create a user from a JSON file (as POST …/users takes it; `-` reads standard input).
    Create {
        #[arg(value_parser = guid)]
        customer: String,
        #[arg(long, env = "PARTNERD_FILE", value_name = "FILE")]
        file: PathBuf,
    },
    /// Delete a user (restorable for 30 days).
    Delete(UserRef),
    /// Restore a deleted user.
    Restore(UserRef),
    /// Assign (--assign SKU) and remove (--remove SKU) a user's licenses, all or nothing.
    Licenses {
        #[command(flatten)]
        user: UserRef,
        #[arg(long, env = "PARTNERD_ASSIGN", value_delimiter = ',', value_parser = guid, value_name = "SKU")]
        assign: Vec<String>,
        #[arg(long, env = "PARTNERD_REMOVE", value_delimiter = ',', value_parser = guid, value_name = "SKU")]
        remove: Vec<String>,
    },
}

#[derive(Args)]
struct UserRef {
    /// The customer's id (its tenant GUID).
    #[arg(value_parser = guid)]
    customer: String,
    /// The user's object id (a GUID).
    #[arg(value_parser = guid)]
    user: String,
}

fn guid(s: &str) -> Result<String, String> {
    partnerd_model::parse_guid(s).ok_or_else(|| format!("'{s}' is not a GUID"))
}

pub async fn run(args: UsersArgs) -> anyhow::Result<ExitCode> {
    let result = async {
        let client = args.connection.client()?;
        execute(&client, args.command).await
    }
    .await;
    Ok(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failure::report(&e),
    })
}

async fn execute(client: &Client, command: UsersCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        UsersCommand::List { customer, deleted } => {
            let mut users = client.users(&customer, deleted, None);
            while let Some(user) = users.try_next().await.with_context(|| format!("listing the users of {customer}"))? {
                writeln!(out, "{}", serde_json::to_string(&user)?)?;
            }
        }
        UsersCommand::Get(u) => {
            let user =
                client.get_user(&u.customer, &u.user).await.with_context(|| format!("getting user {}", u.user))?;
            writeln!(out, "{}", serde_json::to_string_pretty(&user)?)?;
        }
        UsersCommand::Create { customer, file } => {
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?
            };
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| Usage(format!("{} is not JSON: {e}", file.display())))?;
            let input: CustomerUser =
                read_lenient(value).map_err(|e| Usage(format!("{} is not a user: {e:?}", file.display())))?;
            let created = client.create_user(&customer, &input).await.context("creating the user")?;
            writeln!(out, "{}", serde_json::to_string_pretty(&created)?)?;
        }
        UsersCommand::Delete(u) => {
            client.delete_user(&u.customer, &u.user).await.with_context(|| format!("deleting user {}", u.user))?;
            eprintln!("deleted user {} (restorable for 30 days)", u.user);
        }
        UsersCommand::Restore(u) => {
            let user = client
                .restore_user(&u.customer, &u.user)
                .await
                .with_context(|| format!("restoring user {}", u.user))?;
            writeln!(out, "{}", serde_json::to_string_pretty(&user)?)?;
        }
        UsersCommand::Licenses { user: u, assign, remove } => {
            if assign.is_empty() && remove.is_empty() {
                return Err(Usage("name a SKU with --assign or --remove".into()).into());
            }
            let update = LicenseUpdate {
                licenses_to_assign: (!assign.is_empty()).then(|| {
                    assign
                        .into_iter()
                        .map(|sku| LicenseAssignment { sku_id: Some(sku), excluded_plans: None })
                        .collect()
                }),
                licenses_to_remove: (!remove.is_empty()).then_some(remove),
                ..LicenseUpdate::default()
            };
            let applied = client
                .update_licenses(&u.customer, &u.user, &update)
                .await
                .with_context(|| format!("updating the licenses of user {}", u.user))?;
            writeln!(out, "{}", serde_json::to_string_pretty(&applied)?)?;
        }
    }
    Ok(())
}
