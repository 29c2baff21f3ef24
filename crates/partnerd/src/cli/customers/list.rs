//! `partnerd customers list`.

use std::io::IsTerminal;

use anyhow::Context;
use clap::Args;
use futures::TryStreamExt;
use partnerd_client::Client;

use super::filter::FilterArgs;
use super::output::{ListPrinter, OutputArgs};

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Customers per page (the server's default and maximum: 500).
    #[arg(long, env = "PARTNERD_SIZE", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    size: Option<u32>,
    /// Every page, not just the first.
    #[arg(long, env = "PARTNERD_ALL")]
    all: bool,
    #[command(flatten)]
    output: OutputArgs,
}

pub async fn run(client: &Client, args: ListArgs) -> anyhow::Result<()> {
    let query = args.filter.query(args.size);
    let (out, format) = args.output.open()?;
    let mut printer = ListPrinter::new(out, format);
    if args.all {
        let mut pages = client.pages(&query);
        while let Some(page) = pages.try_next().await.context("listing customers")? {
            printer.page(&page.items)?;
        }
        printer.finish()?;
    } else {
        let page = client.list_page(&query).await.context("listing customers")?;
        printer.page(&page.items)?;
        printer.finish()?;
        if page.links.next.is_some() && std::io::stderr().is_terminal() {
            eprintln!("(more customers: add --all to list every page)");
        }
    }
    Ok(())
}
