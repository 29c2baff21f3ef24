//! `partnerd health`: exit 0 when the partnerd that `serve` started here answers `/readyz`
//! with 200, 1 otherwise. It reads the same `--listen` (`PARTNERD_LISTEN`) and
//! `--tls-cert` (`PARTNERD_TLS_CERT`) as `serve`, so in the container image, which has no shell
//! and no curl, `HEALTHCHECK CMD ["/partnerd", "health"]` needs no arguments.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

#[derive(Args)]
pub struct HealthArgs {
    /// The address `serve` listens on; for 0.0.0.0 or `[::]` the loopback is asked.
    #[arg(long, env = "PARTNERD_LISTEN", default_value = "127.0.0.1:8080", value_parser = super::address::parse)]
    listen: SocketAddr,
    /// Given when `serve` has a certificate: ask over https (the certificate is not checked,
    /// since the loopback is not the name it was issued for).
    #[arg(long, env = "PARTNERD_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// How long to wait for the answer.
    #[arg(long, env = "PARTNERD_TIMEOUT", default_value = "3s", value_parser = super::duration::parse)]
    timeout: Duration,
}

pub async fn run(args: HealthArgs) -> anyhow::Result<ExitCode> {
    let mut addr = args.listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    let scheme = if args.tls_cert.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{addr}/readyz");
    let http = reqwest::Client::builder().timeout(args.timeout).danger_accept_invalid_certs(true).build()?;
    match http.get(&url).send().await {
        Ok(res) if res.status().is_success() => {
            println!("ready: {url}");
            Ok(ExitCode::SUCCESS)
        }
        Ok(res) => {
            println!("not ready: {url} answered {}", res.status());
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            println!("not ready: {url}: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
