//! Test your Partner Center integration from Rust against a real partnerd, in the style of the
//! `wiremock` crate's `MockServer`.
//!
//! [`MockServer::start`] runs partnerd itself (the same axum application `partnerd serve`
//! runs, not a stand-in) inside your test's process, on `127.0.0.1:0`, over a private
//! in-memory SQLite store, in sandbox mode. Point your client at [`MockServer::uri`] with a
//! token from [`MockServer::token_for`] (any partner), then drive partnerd's control plane
//! from the test: seed customers, inject faults, read the request journal, move the clock,
//! reset. The server shuts down when the `MockServer` is dropped.
//!
//! The control-plane methods call `/_partnerd/` over HTTP, exactly as a test in any other
//! language would (docs/control-plane.md describes every route), so what a Rust test sees is
//! what everybody sees. They panic, with the server's answer, when partnerd refuses: this is
//! a test helper, and a refused seed or fault rule is a broken test.
//!
//! ```
//! use partnerd_mock::{Fault, MockServer, PartnerId, RequestFilter};
//!
//! # #[tokio::main]
//! # async fn main() {
//! let server = MockServer::start().await;
//! let partner = PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
//! server.seed(&partner, 25, 42).await; // the same 25 customers on every run
//!
//! // The next list fails the way Partner Center fails under load.
//! server.add_fault(Fault::status(503).method("GET").route("/v1/customers").count(1)).await;
//! let http = reqwest::Client::new();
//! let list = |token: String| http.get(format!("{}/v1/customers", server.uri())).bearer_auth(token).send();
//! assert_eq!(list(server.token_for(&partner)).await.unwrap().status(), 503);
//! assert_eq!(list(server.token_for(&partner)).await.unwrap().status(), 200);
//!
//! // What the client sent, as partnerd journaled it (oldest first).
//! let lists = server.requests_matching(RequestFilter::new().route("/v1/customers")).await;
//! assert_eq!(lists.iter().map(|r| r.status).collect::<Vec<_>>(), [Some(503), Some(200)]);
//! assert!(lists[0].fault.is_some());
//! # }
//! ```

#![warn(missing_docs)]

mod control;
mod directory;
mod fault;
mod journal;
mod server;

pub use fault::{Fault, FaultId};
pub use journal::{RecordedRequest, RequestFilter};
pub use partnerd_client::control::{Guidance, GuidanceFlag};
pub use partnerd_model::{AppliedFault, KeptFault, PartnerId};
pub use partnerd_server::Config;
pub use server::MockServer;
