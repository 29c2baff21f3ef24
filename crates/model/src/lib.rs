//! The wire model of the Partner Center Customers API as partnerd serves it
//! (`docs/api.md`): resources, their lenient reading and canonical writing in
//! JSON and XML, and the parsers for the list query (`filter`, `seekOperation`, `size`).
//!
//! It also holds the control plane's wire types (a fault rule and the server's view of a kept
//! one, a journal entry and the fault it records, the route table they name), so the server,
//! the mock, the CLI and the client share them too.
//!
//! Nothing here does I/O, so the server, the stores and the client share one definition.

pub mod account_status;
pub mod address_check;
pub mod address_fixture;
pub mod agreement;
pub mod agreement_document;
pub mod applied_fault;
pub mod assemble;
pub mod canonical;
pub mod collection;
pub mod countries;
pub mod customer;
pub mod date_time;
pub mod directory;
pub mod error;
pub mod fault_rule;
pub mod filter;
pub mod form;
pub mod ids;
pub mod journal_entry;
pub mod json_limits;
pub mod kept_fault;
pub mod license;
pub mod links;
pub mod new_customer;
#[cfg(feature = "openapi")]
mod openapi;
pub mod partner_relationship;
pub mod parts;
pub mod qualification;
pub mod routes;
pub mod seek;
pub mod synthetic;
pub mod user;
pub mod validate;
pub mod validation_code;
pub mod xml;

pub use applied_fault::AppliedFault;
pub use collection::Collection;
pub use customer::{Address, BillingProfile, CompanyProfile, Customer, Relationship, UserCredentials};
pub use error::ErrorBody;
pub use fault_rule::FaultRule;
pub use filter::{Filter, FilterError, FilterField};
pub use ids::{parse_guid, CustomerId, PartnerId};
pub use journal_entry::JournalEntry;
pub use kept_fault::KeptFault;
pub use links::{Attributes, Header, Link, ResourceLinks};
pub use new_customer::NewCustomer;
pub use parts::{CountryCode, EmailAddress, InitialDomain};
pub use seek::SeekOperation;
pub use user::{CustomerUser, PasswordProfile, UserProfile, UserState};
pub use validate::{Invalid, Violations};
