//! A small HTTP proxy in front of a real server, for client tests that need a network that
//! misbehaves: answers of its own (429, 503), responses lost after the server acted, bodies
//! rewritten. It records every request it sees, so tests count attempts and read headers.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use reqwest::header::{HeaderMap, CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};

/// One request as the proxy received it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Its position among every request the proxy received, from 0.
    pub index: usize,
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    /// A request header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the proxy does with one request.
pub enum Verdict {
    /// Passes it to the server and the response back.
    Forward,
    /// Passes it on, then rewrites the response body's text.
    ForwardRewriting(Box<dyn FnOnce(String) -> String + Send>),
    /// Passes it on, then closes the connection without answering: the server acted, the
    /// client never hears of it.
    ForwardThenDrop,
    /// Answers itself without passing it on.
    Answer { status: u16, headers: Vec<(&'static str, String)>, body: String },
}

type Rule = dyn Fn(&Seen) -> Verdict + Send + Sync;

struct State {
    upstream: String,
    http: reqwest::Client,
    rule: Box<Rule>,
    seen: Mutex<Vec<Seen>>,
}

/// A running proxy; it stops when dropped.
pub struct Proxy {
    pub addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy on 127.0.0.1:0 to `upstream` (`http://host:port`), deciding each
    /// request with `rule`.
    pub async fn start(upstream: &str, rule: impl Fn(&Seen) -> Verdict + Send + Sync + 'static) -> Proxy {
        let state = Arc::new(State {
            upstream: upstream.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            rule: Box::new(rule),
            seen: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let task = tokio::spawn(accept(listener, state.clone()));
        Proxy { addr, state, task }
    }

    /// `http://127.0.0.1:port` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request received so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().expect("proxy log").clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: tokio::net::TcpListener, state: Arc<State>) {
    while let Ok((stream, _)) = listener.accept().await {
        let state = state.clone();
        let service = service_fn(move |req| handle(state.clone(), req));
        tokio::spawn(async move {
            // A dropped response ends the connection with an error; that is the point.
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map_err(std::io::Error::other)?.to_bytes();
    let seen = {
        let mut log = state.seen.lock().expect("proxy log");
        let seen = Seen {
            index: log.len(),
            method: parts.method.to_string(),
            path_and_query: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
            headers: parts.headers,
            body,
        };
        log.push(seen.clone());
        seen
    };
    match (state.rule)(&seen) {
        Verdict::Forward => forward(&state, &seen, None).await,
        Verdict::ForwardRewriting(rewrite) => forward(&state, &seen, Some(rewrite)).await,
        Verdict::ForwardThenDrop => {
            forward(&state, &seen, None).await?;
            Err(std::io::Error::other("response dropped by the test proxy"))
        }
        Verdict::Answer { status, headers, body } => {
            let mut res = Response::builder().status(status);
            for (name, value) in headers {
                res = res.header(name, value);
            }
            Ok(res.body(Full::new(Bytes::from(body))).expect("valid answer"))
        }
    }
}

async fn forward(
    state: &State,
    seen: &Seen,
    rewrite: Option<Box<dyn FnOnce(String) -> String + Send>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let method = reqwest::Method::from_bytes(seen.method.as_bytes()).map_err(std::io::Error::other)?;
    let mut headers = seen.headers.clone();
    headers.remove(HOST);
    headers.remove(CONTENT_LENGTH);
    let upstream = state
        .http
        .request(method, format!("{}{}", state.upstream, seen.path_and_query))
        .headers(headers)
        .body(seen.body.clone())
        .send()
        .await
        .map_err(std::io::Error::other)?;
    let status = upstream.status();
    let mut headers = upstream.headers().clone();
    let mut body = upstream.bytes().await.map_err(std::io::Error::other)?;
    if let Some(rewrite) = rewrite {
        body = Bytes::from(rewrite(String::from_utf8_lossy(&body).into_owned()));
    }
    for name in [CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION] {
        headers.remove(name);
    }
    let mut res = Response::builder().status(status.as_u16());
    for (name, value) in &headers {
        res = res.header(name.as_str(), value.as_bytes());
    }
    Ok(res.body(Full::new(body)).expect("valid response"))
}
