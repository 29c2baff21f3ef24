//! POST /v1/customers (spec §10).

use axum::extract::State;
use axum::http::{Method, StatusCode};
use partnerd_model::assemble::NewIds;
use partnerd_model::{Customer, NewCustomer, UserCredentials};
use partnerd_store::{CustomerRecord, Mutation};

use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::config::Mode;
use crate::credentials::new_password;
use crate::idempotency::{self, Outcome};
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::{ApiError, AppState};

pub(crate) async fn create(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    ids: RequestIds,
    body: Body,
) -> Result<Reply, ApiError> {
    // Every problem at once (400, `data` listing each member): those that could not be read and
    // those the checks refuse. Past this the request is valid.
    let (input, unreadable) = body.read_partly::<Customer>()?;
    let new = match NewCustomer::try_from(input) {
        Ok(new) if unreadable.is_empty() => new,
        checked => return Err(ApiError::refused(unreadable, checked.err())),
    };
    let (record, mut customer) = CustomerRecord::new(new, NewIds::random());
    let record = record.with_created_at(state.clock.unix_seconds());
    customer.user_credentials =
        Some(UserCredentials { user_name: Some("admin".into()), password: Some(new_password()) });
    let outcome = Outcome {
        status: StatusCode::CREATED,
        root: "Customer",
        json: Some(serde_json::to_string(&customer).expect("customers serialise")),
        location: Some(format!("/v1/customers/{}", record.id())),
        etag: Some(record.etag().to_string()),
    };
    let limit = match state.config.mode {
        Mode::Sandbox => state.config.sandbox_customer_limit,
        Mode::Production => None,
    };
    let identity = ["/v1/customers", &body.fingerprint_text()];
    let store = partner.store();
    let admin = super::user_writes::admin_change(&state, &customer);
    idempotency::apply(&state, store, &ids, Method::POST, &identity, Mutation::Create { record, limit, admin }, outcome)
        .await
}
