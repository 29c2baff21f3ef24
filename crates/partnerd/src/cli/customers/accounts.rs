//! The customer-account commands: `agreement` (read, or attest the current Microsoft Customer
//! Agreement), `qualifications` (read, or add one) and `relationships` (the customer's
//! indirect reseller). Each prints the resource as the API answered it, as JSON.

use anyhow::Context;
use clap::Args;
use partnerd_client::Client;
use partnerd_model::agreement::{Agreement, Contact, CUSTOMER_AGREEMENT};
use serde::Serialize;

use super::failure::Usage;

#[derive(Args)]
pub struct AgreementArgs {
    /// The customer's id (its tenant GUID).
    #[arg(value_parser = super::filter::parse_guid)]
    id: String,
    /// Attest that the customer accepted the current Microsoft Customer Agreement (then
    /// --first-name, --last-name and --email are needed); without it, show the attestations.
    #[arg(long, env = "PARTNERD_ATTEST")]
    attest: bool,
    /// The accepting person's first name.
    #[arg(long, env = "PARTNERD_FIRST_NAME", requires = "attest")]
    first_name: Option<String>,
    /// The accepting person's last name.
    #[arg(long, env = "PARTNERD_LAST_NAME", requires = "attest")]
    last_name: Option<String>,
    /// The accepting person's email address.
    #[arg(long, env = "PARTNERD_EMAIL", requires = "attest")]
    email: Option<String>,
    /// The accepting person's phone number.
    #[arg(long, env = "PARTNERD_PHONE", requires = "attest")]
    phone: Option<String>,
    /// When the customer accepted (e.g. 2024-06-14T00:00:00Z); now when not given.
    #[arg(long, env = "PARTNERD_DATE_AGREED", requires = "attest")]
    date_agreed: Option<String>,
}

#[derive(Args)]
pub struct QualificationsArgs {
    /// The customer's id (its tenant GUID).
    #[arg(value_parser = super::filter::parse_guid)]
    id: String,
    /// Add this qualification (Education, GovernmentCommunityCloud, StateOwnedEntity) first.
    #[arg(long, env = "PARTNERD_ADD", value_name = "QUALIFICATION")]
    add: Option<String>,
    /// The GCC validation code, for --add GovernmentCommunityCloud.
    #[arg(long, env = "PARTNERD_CODE", requires = "add")]
    code: Option<String>,
}

#[derive(Args)]
pub struct RelationshipsArgs {
    /// The customer's id (its tenant GUID).
    #[arg(value_parser = super::filter::parse_guid)]
    id: String,
}

fn print(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub async fn agreement(client: &Client, args: AgreementArgs) -> anyhow::Result<()> {
    let id = &args.id;
    if !args.attest {
        let read = client.agreements(id, Some(CUSTOMER_AGREEMENT)).await;
        return print(&read.with_context(|| format!("reading customer {id}'s agreements"))?);
    }
    let missing: Vec<_> =
        [("--first-name", &args.first_name), ("--last-name", &args.last_name), ("--email", &args.email)]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(flag, _)| flag)
            .collect();
    if !missing.is_empty() {
        return Err(Usage(format!("--attest needs {}", missing.join(", "))).into());
    }
    let templates =
        client.agreement_metadata(Some(CUSTOMER_AGREEMENT)).await.context("reading the agreement templates")?;
    let template = templates.items.into_iter().next().map(|m| m.template_id);
    let now = partnerd_model::date_time::format(partnerd_model::date_time::now_unix());
    let agreement = Agreement {
        primary_contact: Some(Contact {
            first_name: args.first_name,
            last_name: args.last_name,
            email: args.email,
            phone_number: args.phone,
        }),
        template_id: template,
        date_agreed: Some(args.date_agreed.unwrap_or(now)),
        agreement_type: Some(CUSTOMER_AGREEMENT.into()),
        ..Agreement::default()
    };
    let attested = client.attest_agreement(id, &agreement).await;
    print(&attested.with_context(|| format!("attesting customer {id}'s acceptance"))?)
}

pub async fn qualifications(client: &Client, args: QualificationsArgs) -> anyhow::Result<()> {
    let id = &args.id;
    if let Some(kind) = &args.add {
        let added = client.add_qualification(id, kind, args.code.as_deref()).await;
        added.with_context(|| format!("adding {kind} to customer {id}"))?;
    }
    print(&client.qualifications(id).await.with_context(|| format!("reading customer {id}'s qualifications"))?)
}

pub async fn relationships(client: &Client, args: RelationshipsArgs) -> anyhow::Result<()> {
    let id = &args.id;
    print(&client.customer_relationships(id).await.with_context(|| format!("reading customer {id}'s relationships"))?)
}
