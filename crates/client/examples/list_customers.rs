//! Lists every customer of a partner, one per line: id, company name, domain.
//!
//! ```sh
//! partnerd serve --memory &                      # prints a demo partner token
//! PARTNERD_BASE_URL=http://127.0.0.1:8080 PARTNERD_TOKEN=eyJ... \
//!     cargo run -p partnerd-client --example list_customers -- [COMPANY-NAME-PREFIX]
//! ```
//!
//! Without `PARTNERD_BASE_URL` it talks to Partner Center itself.

use futures::TryStreamExt;
use partnerd_client::{Client, ListQuery, DEFAULT_BASE_URL};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("PARTNERD_BASE_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.to_string());
    let token = std::env::var("PARTNERD_TOKEN").map_err(|_| "set PARTNERD_TOKEN to a bearer token")?;
    let client = Client::builder().base_url(base_url).token(token).build()?;

    let mut query = ListQuery::new().size(100);
    if let Some(prefix) = std::env::args().nth(1) {
        query = query.company_name_starts_with(prefix);
    }
    let mut customers = client.list(&query);
    let mut count = 0;
    while let Some(customer) = customers.try_next().await? {
        println!("{}\t{}\t{}", customer.id.as_deref().unwrap_or_default(), customer.company_name(), customer.domain());
        count += 1;
    }
    eprintln!("{count} customers");
    Ok(())
}
