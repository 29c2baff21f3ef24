//! Observability: the request's log context and access line ([`trace`]) and the Prometheus metrics
//! (`metrics`) that `/metrics` renders.

pub(crate) mod metrics;
pub mod trace;
