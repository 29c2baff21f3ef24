//! Lists every customer of a partner, one per line: id, company name, domain.
//!
//! ```sh
//! partnerd serve --memory &                      # a local partnerd on 127.0.0.1:8080, with demo customers
//! export PARTNERD_TOKEN=$(partnerd token)        # a development token for the demo partner
//! cargo run -p partnerd-client --example list_customers -- [COMPANY-NAME-PREFIX]
//! ```
//!
//! It reads `PARTNERD_BASE_URL` (default `http://127.0.0.1:8080`, a local partnerd; set it to
//! `https://api.partnercenter.microsoft.com` for Partner Center itself) and `PARTNERD_TOKEN`
//! (required: a bearer token for that server).

use std::process::ExitCode;

use futures::TryStreamExt;
use partnerd_client::{Client, ListQuery};

/// Where a local `partnerd serve` listens by default.
const LOCAL_PARTNERD: &str = "http://127.0.0.1:8080";

#[tokio::main]
async fn main() -> ExitCode {
    let base_url = std::env::var("PARTNERD_BASE_URL").unwrap_or_else(|_| LOCAL_PARTNERD.to_string());
    let Some(token) = std::env::var("PARTNERD_TOKEN").ok().filter(|t| !t.trim().is_empty()) else {
        eprintln!("PARTNERD_TOKEN is not set. This example reads PARTNERD_TOKEN (a bearer token) and");
        eprintln!("PARTNERD_BASE_URL (default {LOCAL_PARTNERD}). For a local development partnerd:");
        eprintln!("    export PARTNERD_TOKEN=$(partnerd token)");
        return ExitCode::from(2);
    };
    match list(&base_url, token.trim(), std::env::args().nth(1)).await {
        Ok(count) => {
            eprintln!("{count} customers");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, partnerd_client::Error::Transport(_)) {
                eprintln!("is a partnerd running at {base_url}? (`partnerd serve`, or set PARTNERD_BASE_URL)");
            }
            ExitCode::FAILURE
        }
    }
}

/// Prints every customer (whose company name starts with `prefix`, when given); returns how many.
async fn list(base_url: &str, token: &str, prefix: Option<String>) -> Result<usize, partnerd_client::Error> {
    let client = Client::builder().base_url(base_url).token(token).build()?;
    let mut query = ListQuery::new().size(100);
    if let Some(prefix) = prefix {
        query = query.company_name_starts_with(prefix);
    }
    let mut customers = client.list(&query);
    let mut count = 0;
    while let Some(customer) = customers.try_next().await? {
        println!("{}\t{}\t{}", customer.id.as_deref().unwrap_or_default(), customer.company_name(), customer.domain());
        count += 1;
    }
    Ok(count)
}
