//! An async client for the Customers API of Microsoft Partner Center, and of partnerd,
//! which serves the same contract (`docs/api.md`).
//!
//! The wire types are partnerd's own ([`partnerd_model`]), so client and server read and
//! write the same shapes. Every call carries `MS-RequestId` (fresh per call, kept across its
//! retries, so that a retried create is executed once) and `MS-CorrelationId` (one per
//! client). Throttling (429) waits for `Retry-After`; server errors and transport failures
//! are retried with exponential backoff ([`RetryPolicy`]); other refusals come back at once
//! as [`Error::Api`] with the contract's error code.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use partnerd_client::{Client, ListQuery};
//!
//! # async fn demo() -> Result<(), partnerd_client::Error> {
//! let client = Client::builder()
//!     .base_url("http://127.0.0.1:8080") // default: https://api.partnercenter.microsoft.com
//!     .token(std::env::var("PARTNERD_TOKEN").unwrap_or_default())
//!     .build()?;
//! let mut customers = client.list(&ListQuery::new().company_name_starts_with("Contoso"));
//! while let Some(customer) = customers.try_next().await? {
//!     println!("{}  {}", customer.id.as_deref().unwrap_or_default(), customer.company_name());
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod accounts;
mod builder;
mod client;
pub mod control;
mod error;
mod links;
mod listing;
mod retry;
mod token;
mod transport;
mod users;

pub use builder::{ClientBuilder, DEFAULT_BASE_URL};
pub use client::{Client, RelationshipRequest};
pub use error::{ApiError, Error};
pub use listing::{CustomerStream, ListQuery, Page, PageStream};
pub use retry::RetryPolicy;
pub use token::{BoxError, TokenProvider};
pub use users::UserStream;
