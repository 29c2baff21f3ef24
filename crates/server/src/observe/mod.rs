//! Observability: the request span and access line ([`trace`]) and the Prometheus metrics
//! ([`metrics`]) that `/metrics` renders.

pub(crate) mod metrics;
pub(crate) mod trace;
