//! partnerd's control plane (`/_partnerd/`, docs/control-plane.md) over HTTP: the one client
//! that `partnerd admin` and `partnerd-mock` both drive, so that a route, a query parameter or
//! the reading of a refusal is written once.
//!
//! ```no_run
//! use partnerd_client::control::ControlClient;
//! use partnerd_model::FaultRule;
//!
//! # async fn demo() -> Result<(), partnerd_client::control::ControlError> {
//! let control = ControlClient::new(reqwest::Client::new(), "http://127.0.0.1:8080", None);
//! let rule = FaultRule { status: Some(503), count: Some(2), ..FaultRule::default() };
//! let kept = control.add_fault(&rule).await?;
//! println!("rule {} in force", kept.id);
//! # Ok(()) }
//! ```

mod calls;
mod error;
mod guidance;

use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

pub use calls::ClockMove;
pub use error::ControlError;
pub use guidance::{Guidance, GuidanceFlag};

/// The longest part of a non-JSON error body kept in a [`ControlError::Status`].
const BODY_EXCERPT: usize = 300;

/// A partnerd's control plane: its root URL and the admin token, when the server has one.
#[derive(Clone, Debug)]
pub struct ControlClient {
    http: reqwest::Client,
    root: String,
    token: Option<String>,
}

impl ControlClient {
    /// The control plane of the partnerd at `base_url` (`http://127.0.0.1:8080`; a trailing
    /// `/` is ignored), sending `admin_token` as `Authorization: Bearer` when given.
    pub fn new(http: reqwest::Client, base_url: &str, admin_token: Option<String>) -> ControlClient {
        ControlClient { http, root: base_url.trim().trim_end_matches('/').to_string(), token: admin_token }
    }

    /// The server's root URL, as the errors name it.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Whether the admin token is sent.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// A request to `/_partnerd{path}` with the admin token, for a route without a method here
    /// (or to stream an answer); send it with [`ControlClient::send`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self.http.request(method, format!("{}/_partnerd{path}", self.root));
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    /// Sends `req`; a 2xx answer, or the refusal with partnerd's own description.
    pub async fn send(&self, req: RequestBuilder) -> Result<Response, ControlError> {
        let res = req.send().await.map_err(|e| self.unreachable(e))?;
        if res.status().is_success() {
            return Ok(res);
        }
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        let described = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("description").and_then(Value::as_str).map(str::to_string));
        let message = described.unwrap_or_else(|| body.chars().take(BODY_EXCERPT).collect());
        Err(ControlError::Status { status, message, body })
    }

    /// Sends `req` and reads its JSON answer (`null` for an empty one, e.g. a 204).
    pub async fn json(&self, req: RequestBuilder) -> Result<Value, ControlError> {
        let text = self.send(req).await?.text().await.map_err(|e| self.unreachable(e))?;
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| ControlError::Answer(format!("not JSON ({e}): {text}")))
    }

    /// Whether `/_partnerd/` answers as partnerd's control plane (a refused token counts: it is
    /// there). A 401 or 404 from a server without one looks like a refusal otherwise.
    pub async fn is_present(&self) -> Result<bool, ControlError> {
        let res = self.request(Method::GET, "/").send().await.map_err(|e| self.unreachable(e))?;
        if res.status().as_u16() == 401 {
            return Ok(res.text().await.unwrap_or_default().contains("control plane"));
        }
        let info: Option<Value> = if res.status().is_success() { res.json().await.ok() } else { None };
        Ok(info.is_some_and(|v| v.get("name").and_then(Value::as_str) == Some("partnerd")))
    }

    fn unreachable(&self, source: reqwest::Error) -> ControlError {
        ControlError::Unreachable { root: self.root.clone(), source }
    }
}
