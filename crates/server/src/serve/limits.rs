//! How much time and memory one client may hold: the numbers behind every timeout and size
//! limit the server enforces before a request reaches a handler.

use std::time::Duration;

/// Limits on connections and requests. The defaults suit a service behind a load balancer on
/// a small machine; `partnerd serve` exposes each one as a flag.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Time from a connection's start, or from the end of its last response, to a complete
    /// request head (TLS handshake and HTTP/2 preface included).
    pub header_read_timeout: Duration,
    /// Time to receive a whole request body once its head has arrived.
    pub body_read_timeout: Duration,
    /// Time from a request's head to its response; past it the client gets 503.
    pub request_timeout: Duration,
    /// How long a connection with no request in flight stays open.
    pub idle_timeout: Duration,
    /// Connections served at once; past it new ones wait [`Limits::connection_wait`] for a
    /// free place and are closed if none frees up.
    pub max_connections: usize,
    /// How long a connection over `max_connections` waits for a place.
    pub connection_wait: Duration,
    /// Longest request target (path and query) accepted; longer ones get 414.
    pub max_uri_bytes: usize,
    /// Most header fields in one request; more get 431.
    pub max_headers: usize,
    /// Most bytes of header names and values in one request; more get 431.
    pub max_header_bytes: usize,
    /// Most HTTP/2 requests in flight on one connection.
    pub h2_max_streams: u32,
    /// After a shutdown signal, how long requests in flight have to finish (their answers
    /// included) before their connections are closed: a client that stopped reading, or a
    /// follower of the live tail, must not hold the process past an orchestrator's kill
    /// (Kubernetes sends SIGKILL 30 s after SIGTERM).
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            max_connections: 10_000,
            connection_wait: Duration::from_millis(500),
            max_uri_bytes: 8 * 1024,
            max_headers: 100,
            max_header_bytes: 32 * 1024,
            h2_max_streams: 100,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

impl Limits {
    /// The HTTP/1 read buffer: room for the largest head partnerd itself refuses with its own
    /// 414/431 body, so that hyper's bare refusals only meet heads far past partnerd's limits.
    pub(crate) fn h1_buffer_bytes(&self) -> usize {
        (2 * (self.max_uri_bytes + self.max_header_bytes) + 4096).max(8192)
    }

    /// Header fields hyper parses before refusing on its own (partnerd refuses at half that).
    pub(crate) fn hyper_max_headers(&self) -> usize {
        2 * self.max_headers + 16
    }
}
