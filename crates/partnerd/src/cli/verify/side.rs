//! One side of the comparison: a base URL, its token, and the answers it gives.

use std::time::Duration;

use anyhow::Context;
use reqwest::header::HeaderMap;
use reqwest::Method;

/// A service the suite talks to.
pub struct Side {
    /// `upstream` or `partnerd`, as the report names it.
    pub name: &'static str,
    pub base: String,
    token: String,
    http: reqwest::Client,
}

/// One answer, whole (or why there was none).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A request to send to both sides.
#[derive(Clone, Debug)]
pub struct Ask {
    pub method: Method,
    /// Path and query.
    pub target: String,
    pub accept: Option<&'static str>,
    /// Send the side's bearer token.
    pub auth: bool,
    pub continuation: Option<String>,
    pub if_match: Option<String>,
    pub json_body: Option<String>,
}

impl Ask {
    pub fn get(target: impl Into<String>) -> Ask {
        Ask {
            method: Method::GET,
            target: target.into(),
            accept: None,
            auth: true,
            continuation: None,
            if_match: None,
            json_body: None,
        }
    }
}

impl Side {
    pub fn new(name: &'static str, base: &str, token: &str) -> anyhow::Result<Side> {
        let parsed = reqwest::Url::parse(base).with_context(|| format!("{name} URL {base}"))?;
        anyhow::ensure!(matches!(parsed.scheme(), "http" | "https"), "{name} URL {base}: http or https needed");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Side { name, base: base.trim_end_matches('/').to_string(), token: token.to_string(), http })
    }

    /// Sends `ask`; `Err` is why no answer came (said in the report, never a panic).
    pub async fn send(&self, ask: &Ask) -> Result<Answer, String> {
        // A correlation id per request, as a well-behaved client sends; a request id on writes,
        // so that a retry by a proxy in between cannot apply one twice.
        let mut req = self
            .http
            .request(ask.method.clone(), format!("{}{}", self.base, ask.target))
            .header("ms-correlationid", uuid::Uuid::new_v4().to_string());
        if ask.method != Method::GET && ask.method != Method::HEAD {
            req = req.header("ms-requestid", uuid::Uuid::new_v4().to_string());
        }
        if ask.auth {
            req = req.bearer_auth(&self.token);
        }
        if let Some(accept) = ask.accept {
            req = req.header("accept", accept);
        }
        if let Some(token) = &ask.continuation {
            req = req.header("ms-continuationtoken", token);
        }
        if let Some(etag) = &ask.if_match {
            req = req.header("if-match", etag);
        }
        if let Some(body) = &ask.json_body {
            req = req.header("content-type", "application/json").body(body.clone());
        }
        let res = req.send().await.map_err(|e| format!("no answer from {}: {e}", self.base))?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.bytes().await.map_err(|e| format!("the answer from {} broke off: {e}", self.base))?;
        Ok(Answer { status, headers, body: body.to_vec() })
    }
}
