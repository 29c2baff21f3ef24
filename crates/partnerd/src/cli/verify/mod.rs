//! `partnerd verify`: a read-only differential suite run against a Partner Center (or anything
//! that claims to be one) and against a partnerd, reporting per request every difference in
//! status, headers and members, while ignoring what legitimately differs (ids, dates, tokens,
//! ETags, names: values in general). Exit 0 when nothing differs, 1 when something does; the
//! report (text, or JSON with `--json`) is what a bug report needs. See docs/upstream.md.

mod diff;
mod local;
mod probe;
mod report;
mod shape;
mod side;
mod suite;

use std::process::ExitCode;

use clap::Args;

use side::Side;

#[derive(Args)]
pub struct VerifyArgs {
    /// The service to check partnerd against (Partner Center: `https://api.partnercenter.microsoft.com`).
    #[arg(long, env = "PARTNERD_UPSTREAM", value_name = "URL")]
    upstream: String,
    /// The bearer token for --upstream (for Partner Center, an app+user token of the sandbox).
    #[arg(long, env = "PARTNERD_TOKEN", value_name = "T", hide_env_values = true)]
    token: String,
    /// The partnerd to compare; without it, one is started in memory with demo data.
    #[arg(long, env = "PARTNERD_AGAINST", value_name = "URL", requires = "against_token")]
    against: Option<String>,
    /// The bearer token for --against.
    #[arg(long, env = "PARTNERD_AGAINST_TOKEN", value_name = "T2", hide_env_values = true)]
    against_token: Option<String>,
    /// Write the report as one JSON document instead of text.
    #[arg(long, env = "PARTNERD_JSON")]
    json: bool,
    /// Also run the probes that write (an invalid create, a billing profile put back as it was read).
    #[arg(long, env = "PARTNERD_ALLOW_WRITES")]
    allow_writes: bool,
}

pub async fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let upstream = Side::new("upstream", &args.upstream, &args.token)?;
    // Kept alive until the suite is done: dropping it stops the in-memory server.
    let mut started = None;
    let against = match (&args.against, &args.against_token) {
        (Some(url), Some(token)) => Side::new("partnerd", url, token)?,
        _ => {
            let server = local::Local::start().await?;
            let side = Side::new("partnerd", &server.url, &server.token)?;
            started = Some(server);
            side
        }
    };
    let results = suite::run(&upstream, &against, args.allow_writes).await;
    let report = report::Report::new(&upstream, &against, results);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print!("{}", report.to_text());
    }
    drop(started);
    Ok(if report.differences() == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
