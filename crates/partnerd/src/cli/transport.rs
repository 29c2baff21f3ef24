//! `partnerd serve` flags for the HTTP layer: timeouts, connection and header limits, TLS,
//! and whether requests are counted for `/metrics`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use partnerd_server::tls::Tls;
use partnerd_server::{Limits, ServeConfig};

#[derive(Args)]
pub struct TransportArgs {
    /// Time a connection has to send a complete request head (TLS handshake included), from
    /// its start or from its previous response.
    #[arg(long, env = "PARTNERD_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = super::duration::parse)]
    header_read_timeout: Duration,
    /// Time a request body has to arrive in full; past it, 408.
    #[arg(long, env = "PARTNERD_BODY_READ_TIMEOUT", default_value = "30s", value_parser = super::duration::parse)]
    body_read_timeout: Duration,
    /// Time a request has to be answered; past it, 503.
    #[arg(long, env = "PARTNERD_REQUEST_TIMEOUT", default_value = "60s", value_parser = super::duration::parse)]
    request_timeout: Duration,
    /// How long a connection with no request in flight stays open.
    #[arg(long, env = "PARTNERD_IDLE_TIMEOUT", default_value = "60s", value_parser = super::duration::parse)]
    idle_timeout: Duration,
    /// After SIGTERM, how long requests in flight have to finish before their connections are
    /// closed (keep it below the orchestrator's kill timeout).
    #[arg(long, env = "PARTNERD_SHUTDOWN_GRACE", default_value = "5s", value_parser = super::duration::parse)]
    shutdown_grace: Duration,
    /// Connections served at once (also capped by the open-file limit); past it, new ones wait
    /// half a second for a place, then are closed.
    #[arg(long, env = "PARTNERD_MAX_CONNECTIONS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: u64,
    /// Longest request target (path and query) in bytes; longer ones get 414.
    #[arg(long, env = "PARTNERD_MAX_URI_BYTES", default_value_t = 8192)]
    max_uri_bytes: usize,
    /// Most header fields in a request; more get 431.
    #[arg(long, env = "PARTNERD_MAX_HEADERS", default_value_t = 100)]
    max_headers: usize,
    /// Most bytes of header names and values in a request; more get 431.
    #[arg(long, env = "PARTNERD_MAX_HEADER_BYTES", default_value_t = 32 * 1024)]
    max_header_bytes: usize,
    /// PEM certificate chain: serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN). Re-read on SIGHUP.
    #[arg(long, env = "PARTNERD_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "PARTNERD_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Do not count requests for /metrics (the endpoint still answers).
    #[arg(long, env = "PARTNERD_NO_METRICS")]
    no_metrics: bool,
}

impl TransportArgs {
    /// The server settings; `max_connections` is capped below the open-file limit.
    pub fn serve_config(&self) -> anyhow::Result<ServeConfig> {
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(Arc::new(Tls::load(cert, key).map_err(anyhow::Error::msg)?)),
            _ => None,
        };
        let limits = Limits {
            header_read_timeout: self.header_read_timeout,
            body_read_timeout: self.body_read_timeout,
            request_timeout: self.request_timeout,
            idle_timeout: self.idle_timeout,
            shutdown_grace: self.shutdown_grace,
            max_connections: cap_to_open_files(self.max_connections),
            max_uri_bytes: self.max_uri_bytes,
            max_headers: self.max_headers,
            max_header_bytes: self.max_header_bytes,
            ..Limits::default()
        };
        Ok(ServeConfig { limits, tls, metrics: !self.no_metrics })
    }
}

/// Raises the soft open-file limit to the hard one and keeps `wanted` connections below it
/// (with room for database connections and files), so accepting never fails for want of
/// descriptors while already open connections starve.
fn cap_to_open_files(wanted: u64) -> usize {
    const RESERVED: u64 = 128;
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    let available = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return wanted as usize;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
        limit.rlim_cur
    };
    let cap = available.saturating_sub(RESERVED).max(1);
    if wanted > cap {
        let message =
            format!("--max-connections {wanted} is over the open-file limit ({available}): serving at most {cap}");
        crate::logging::say(crate::logging::Level::Warn, &message, serde_json::json!({ "maxConnections": cap }));
    }
    wanted.min(cap) as usize
}

/// Re-reads the certificate and key on every SIGHUP for as long as the server runs.
pub fn reload_on_sighup(tls: Arc<Tls>) {
    tokio::spawn(async move {
        let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else { return };
        while hangups.recv().await.is_some() {
            match tls.reload() {
                Ok(()) => tracing::info!("reloaded the TLS certificate"),
                Err(e) => tracing::error!(error = %e, "reloading the TLS certificate failed; keeping the old one"),
            }
        }
    });
}
