//! The control plane over HTTP: where it is, the admin token, and failures told in terms of
//! the flags that fix them (a refused or missing admin token, a server without a control
//! plane, nothing listening at `--base-url`).

use std::future::Future;

use clap::Args;
use partnerd_client::control::{ControlClient, ControlError};

use super::super::customers::failure::Usage;

/// Where the admin commands send their requests.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

#[derive(Args)]
pub struct ControlArgs {
    /// The partnerd's root URL (the same variable as `partnerd customers`, defaulting to a local server).
    #[arg(long, env = "PARTNERD_BASE_URL", default_value = DEFAULT_URL, global = true)]
    base_url: String,
    /// The server's `--admin-token`, when it was started with one.
    #[arg(long, env = "PARTNERD_ADMIN_TOKEN", hide_env_values = true, global = true)]
    admin_token: Option<String>,
}

/// A refusal by the control plane (a 4xx), with the server's own description; exit status 3,
/// as for `partnerd customers`.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.message)
    }
}

impl std::error::Error for Refused {}

/// The control plane's client, with its failures told in terms of this command's flags.
pub struct Control {
    client: ControlClient,
}

impl ControlArgs {
    pub fn control(&self) -> anyhow::Result<Control> {
        let root = self.base_url.trim().trim_end_matches('/');
        if reqwest::Url::parse(root).map(|u| !matches!(u.scheme(), "http" | "https")).unwrap_or(true) {
            let hint = if self.base_url.contains("://") {
                String::new()
            } else {
                format!(" (did you mean http://{}?)", self.base_url)
            };
            return Err(Usage(format!("--base-url '{}' is not an http:// or https:// URL{hint}", self.base_url)).into());
        }
        let token = self.admin_token.clone().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        Ok(Control { client: ControlClient::new(reqwest::Client::builder().build()?, root, token) })
    }
}

impl Control {
    pub fn client(&self) -> &ControlClient {
        &self.client
    }

    /// Awaits a call of [`Control::client`]; a failure becomes an error that says what to do.
    pub async fn call<T>(&self, call: impl Future<Output = Result<T, ControlError>>) -> anyhow::Result<T> {
        match call.await {
            Ok(answer) => Ok(answer),
            Err(e) => Err(self.explain(e).await),
        }
    }

    async fn explain(&self, e: ControlError) -> anyhow::Error {
        let (status, message) = match e {
            ControlError::Unreachable { source, .. } => return self.unreachable(&source),
            ControlError::Status { status, message, .. } => (status, message),
            other => return other.into(),
        };
        let present = match self.client.is_present().await {
            Ok(present) => present,
            Err(ControlError::Unreachable { source, .. }) => return self.unreachable(&source),
            Err(other) => return other.into(),
        };
        if !present && (status == 401 || status == 404) {
            return anyhow::anyhow!(
                "control plane absent at {}: the server runs in production mode without an admin token \
                 (start it with --admin-token, or use --mode sandbox)",
                self.client.root()
            );
        }
        if status == 401 {
            let fix = if self.client.has_token() {
                "the control plane refused the admin token; pass the server's --admin-token (or PARTNERD_ADMIN_TOKEN)"
            } else {
                "the control plane needs the admin token; pass --admin-token (or set PARTNERD_ADMIN_TOKEN)"
            };
            return Usage(fix.into()).into();
        }
        if (400..500).contains(&status) {
            return Refused { status, message }.into();
        }
        anyhow::anyhow!("the control plane failed: HTTP {status}: {message}")
    }

    fn unreachable(&self, e: &reqwest::Error) -> anyhow::Error {
        // reqwest's own message names the URL; the reason ("Connection refused") is its deepest source.
        let mut why = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            why = s.to_string();
            source = s.source();
        }
        let root = self.client.root();
        if e.is_connect() {
            anyhow::anyhow!(
                "cannot connect to {root}: {why} (is `partnerd serve` running there? point --base-url or PARTNERD_BASE_URL at it)"
            )
        } else {
            anyhow::anyhow!("requesting {root}: {why}")
        }
    }
}
