//! One accepted connection: the TLS handshake if any, HTTP/1.1 or HTTP/2 (by ALPN or by the
//! client's first bytes), and the watchdog that closes it when it holds no request too long.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, Response, Version};
use axum::Router;
use hyper::body::{Body as _, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;
use tower::ServiceExt;

use super::activity::Activity;
use super::deadline_body::DeadlineBody;
use super::hyper_refusals::ContractRefusals;
use super::progress::Progress;
use super::Limits;
use crate::tls::Tls;

/// What every connection of one server shares.
pub(crate) struct Shared {
    pub app: Router,
    pub limits: Limits,
    pub tls: Option<Arc<Tls>>,
    builder: auto::Builder<TokioExecutor>,
}

impl Shared {
    pub(crate) fn new(app: Router, limits: Limits, tls: Option<Arc<Tls>>) -> Shared {
        let builder = http_builder(&limits);
        Shared { app, limits, tls, builder }
    }
}

/// HTTP/1.1 and HTTP/2 with the memory bounds of `limits`. hyper's own head limits sit above
/// partnerd's, so partnerd's checks answer first with the contract's error body.
fn http_builder(limits: &Limits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.h1_buffer_bytes())
        .max_headers(limits.hyper_max_headers())
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.h2_max_streams)
        .max_header_list_size(limits.h1_buffer_bytes() as u32)
        .initial_stream_window_size(256 * 1024)
        .initial_connection_window_size(1024 * 1024)
        .max_send_buf_size(256 * 1024)
        .keep_alive_interval(Some(limits.idle_timeout))
        .keep_alive_timeout(limits.header_read_timeout);
    builder
}

/// Serves one TCP connection until it closes, the watchdog ends it, or the server shuts down.
pub(crate) async fn run(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>, shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    match &shared.tls {
        None => drive(stream, peer, &shared, shutdown).await,
        Some(tls) => {
            let handshake = tokio::time::timeout(shared.limits.header_read_timeout, tls.acceptor().accept(stream));
            match handshake.await {
                Ok(Ok(stream)) => drive(stream, peer, &shared, shutdown).await,
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        }
    }
}

async fn drive<I>(io: I, peer: SocketAddr, shared: &Shared, mut shutdown: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = &shared.limits;
    let activity = Activity::new();
    let service = ConnService {
        app: shared.app.clone(),
        activity: activity.clone(),
        peer,
        body_read_timeout: limits.body_read_timeout,
    };
    let conn = shared.builder.serve_connection(TokioIo::new(ContractRefusals::new(io)), service);
    tokio::pin!(conn);
    let ending = activity.ending(limits.header_read_timeout, limits.idle_timeout);
    tokio::pin!(ending);
    // Once asked to close, a connection is closed for good by this time: once the server stops,
    // when its in-flight requests had the shutdown grace to finish; when it is quiet, a moment
    // after, since it holds no request (an HTTP/2 client that sent only its preface does not
    // answer the GOAWAY, and must not keep the connection open longer).
    let mut hard_stop: Option<Instant> = None;
    let mut stopping = false;
    const QUIET_GRACE: std::time::Duration = std::time::Duration::from_secs(1);
    loop {
        tokio::select! {
            res = conn.as_mut() => {
                if let Err(e) = res {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            _ = shutdown.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
                let by = Instant::now() + limits.shutdown_grace;
                hard_stop = Some(hard_stop.map_or(by, |at| at.min(by)));
            }
            why = &mut ending, if hard_stop.is_none() => {
                tracing::debug!(%peer, ?why, "closing a quiet or stalled connection");
                conn.as_mut().graceful_shutdown();
                hard_stop = Some(Instant::now() + QUIET_GRACE);
            }
            _ = tokio::time::sleep_until(hard_stop.unwrap_or_else(Instant::now)), if hard_stop.is_some() => return,
        }
    }
}

/// The application as one connection's hyper service: counts requests in flight for the
/// watchdog, bounds the body read time and tells handlers the peer's address.
#[derive(Clone)]
struct ConnService {
    app: Router,
    activity: Arc<Activity>,
    peer: SocketAddr,
    body_read_timeout: std::time::Duration,
}

impl hyper::service::Service<Request<Incoming>> for ConnService {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let in_flight = self.activity.begin();
        let deadline = Instant::now() + self.body_read_timeout;
        let bulk = crate::control::is_bulk(req.method(), req.uri().path());
        let pause = self.body_read_timeout;
        // An HTTP/1 request whose body the answer leaves unread ends its connection (hyper
        // closes it): the answer says so, so that the client does not send its next request
        // on a connection about to close.
        let ended = (req.version() < Version::HTTP_2 && !req.body().is_end_stream()).then(Arc::<AtomicBool>::default);
        let mut req = req.map(|body| {
            let body = if bulk { DeadlineBody::paced(body, pause) } else { DeadlineBody::new(body, deadline) };
            Body::new(match &ended {
                Some(ended) => body.watched(ended.clone()),
                None => body,
            })
        });
        req.extensions_mut().insert(ConnectInfo(self.peer));
        let app = self.app.clone();
        let activity = self.activity.clone();
        Box::pin(async move {
            let Ok(mut res) = app.oneshot(req).await;
            if ended.is_some_and(|ended| !ended.load(Ordering::Relaxed)) {
                res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok(res.map(|body| Body::new(Progress::new(body, activity, in_flight))))
        })
    }
}
