//! The HTTP server: accepts connections up to a limit, serves HTTP/1.1 and HTTP/2 (cleartext
//! with prior knowledge, or over TLS by ALPN) with hyper, bounds every wait a client can
//! impose, and shuts down letting in-flight requests finish.

mod activity;
mod connection;
pub(crate) mod deadline_body;
pub(crate) mod edge;
mod hyper_refusals;
mod limits;
mod memory;
mod progress;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

pub use limits::Limits;

use crate::tls::Tls;
use connection::Shared;

/// How [`serve_with`] runs: limits, TLS, and whether requests are counted for `/metrics`.
#[derive(Clone)]
pub struct ServeConfig {
    pub limits: Limits,
    /// Serve HTTPS (HTTP/1.1 and HTTP/2 by ALPN) with this certificate instead of cleartext.
    pub tls: Option<Arc<Tls>>,
    /// Count requests and their latency for `/metrics`.
    pub metrics: bool,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig { limits: Limits::default(), tls: None, metrics: true }
    }
}

/// Serves `app` (as [`crate::build_app`] makes it) on `listener` with the default limits until
/// `shutdown` resolves; requests already in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, ServeConfig::default(), shutdown).await
}

/// [`serve`] with explicit connection limits and TLS; `app` is served as given, so build it
/// with [`crate::build_app_with`] and the same `config`.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = config.limits.clone();
    let shared = Arc::new(Shared::new(app, limits.clone(), config.tls));
    let places = Arc::new(Semaphore::new(limits.max_connections));
    let waiting = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopped) = watch::channel(false);
    let upkeep = crate::observe::metrics::handle().map(|h| tokio::spawn(crate::observe::metrics::upkeep(h)));
    let release = tokio::spawn(memory::release_after_floods(places.clone(), limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // pause briefly rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let shared = shared.clone();
        let stopped = stopped.clone();
        let run = move |place: OwnedSemaphorePermit| async move {
            crate::observe::metrics::connection_opened();
            connection::run(stream, peer, shared, stopped).await;
            crate::observe::metrics::connection_closed();
            drop(place);
        };
        match places.clone().try_acquire_owned() {
            Ok(place) => drop(tokio::spawn(run(place))),
            Err(_) => admit_later(places.clone(), &waiting, limits.connection_wait, run),
        }
    }
    drop(listener);
    let _ = stop.send(true);
    drop(stopped);
    stop.closed().await;
    upkeep.inspect(tokio::task::JoinHandle::abort);
    release.abort();
    Ok(())
}

/// A connection over the limit waits a little for a place and is closed (never served late)
/// if none frees up; when even the waiting room is full it is closed at once.
fn admit_later<F, Fut>(places: Arc<Semaphore>, waiting: &Arc<Semaphore>, wait: Duration, run: F)
where
    F: FnOnce(OwnedSemaphorePermit) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(seat) = waiting.clone().try_acquire_owned() else {
        crate::observe::metrics::connection_refused();
        return;
    };
    tokio::spawn(async move {
        let place = tokio::time::timeout(wait, places.acquire_owned()).await;
        drop(seat);
        match place {
            Ok(Ok(place)) => run(place).await,
            _ => crate::observe::metrics::connection_refused(),
        }
    });
}
