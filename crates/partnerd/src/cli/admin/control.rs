//! The control plane over HTTP: where it is, the admin token, and failures told in terms of
//! the flags that fix them (a refused or missing admin token, a server without a control
//! plane, nothing listening at `--base-url`).

use clap::Args;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

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

pub struct Control {
    http: reqwest::Client,
    root: String,
    token: Option<String>,
}

impl ControlArgs {
    pub fn control(&self) -> anyhow::Result<Control> {
        let root = self.base_url.trim().trim_end_matches('/').to_string();
        if reqwest::Url::parse(&root).map(|u| !matches!(u.scheme(), "http" | "https")).unwrap_or(true) {
            let hint = if self.base_url.contains("://") {
                String::new()
            } else {
                format!(" (did you mean http://{}?)", self.base_url)
            };
            return Err(Usage(format!("--base-url '{}' is not an http:// or https:// URL{hint}", self.base_url)).into());
        }
        let token = self.admin_token.clone().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        let http = reqwest::Client::builder().build()?;
        Ok(Control { http, root, token })
    }
}

impl Control {
    fn url(&self, path: &str) -> String {
        format!("{}/_partnerd{path}", self.root)
    }

    /// A request to `/_partnerd{path}` with the admin token, if any.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self.http.request(method, self.url(path));
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    /// Sends the request; any answer but a 2xx becomes an error that says what to do.
    pub async fn send(&self, req: RequestBuilder) -> anyhow::Result<Response> {
        let resp = req.send().await.map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return Ok(resp);
        }
        let body = resp.text().await.unwrap_or_default();
        let described: Option<String> = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("description").and_then(Value::as_str).map(str::to_string));
        let from_control_plane = self.present().await?;
        if !from_control_plane && (status == 401 || status == 404) {
            anyhow::bail!(
                "control plane absent at {}: the server runs in production mode without an admin token \
                 (start it with --admin-token, or use --mode sandbox)",
                self.root
            );
        }
        if status == 401 {
            let fix = match &self.token {
                Some(_) => "the control plane refused the admin token; pass the server's --admin-token (or PARTNERD_ADMIN_TOKEN)",
                None => "the control plane needs the admin token; pass --admin-token (or set PARTNERD_ADMIN_TOKEN)",
            };
            return Err(Usage(fix.into()).into());
        }
        let message = described.unwrap_or_else(|| body.chars().take(300).collect());
        if (400..500).contains(&status) {
            return Err(Refused { status, message }.into());
        }
        anyhow::bail!("the control plane failed: HTTP {status}: {message}")
    }

    /// Sends the request and reads its JSON answer (`null` for an empty one, e.g. 204).
    pub async fn json(&self, req: RequestBuilder) -> anyhow::Result<Value> {
        let text = self.send(req).await?.text().await?;
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("the control plane's answer is not JSON: {e}"))
    }

    /// Whether `/_partnerd/` answers as partnerd's control plane (a refused token counts: it is there).
    async fn present(&self) -> anyhow::Result<bool> {
        let resp = self.request(Method::GET, "/").send().await.map_err(|e| self.unreachable(e))?;
        if resp.status().as_u16() == 401 {
            let body = resp.text().await.unwrap_or_default();
            return Ok(body.contains("control plane"));
        }
        let info: Option<Value> = if resp.status().is_success() { resp.json().await.ok() } else { None };
        Ok(info.is_some_and(|v| v.get("name").and_then(Value::as_str) == Some("partnerd")))
    }

    fn unreachable(&self, e: reqwest::Error) -> anyhow::Error {
        // reqwest's own message names the URL; the reason ("Connection refused") is its deepest source.
        let mut why = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            why = s.to_string();
            source = s.source();
        }
        if e.is_connect() {
            anyhow::anyhow!(
                "cannot connect to {}: {why} (is `partnerd serve` running there? point --base-url or PARTNERD_BASE_URL at it)",
                self.root
            )
        } else {
            anyhow::anyhow!("requesting {}: {why}", self.root)
        }
    }
}
