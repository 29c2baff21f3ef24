//! A customer's qualifications (`GET|POST /v1/customers/{id}/qualifications`). Education waits
//! for Partner Center's review, which the control plane performs (`control/vetting.rs`).

use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use partnerd_model::date_time;
use partnerd_model::qualification::{CustomerQualification, QualificationRequest};
use partnerd_store::{AccountItem, ItemKind, Mutation};

use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::idempotency::{self, Outcome};
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::routes::account_common::{parse_items, query_value};
use crate::routes::customer::fetch;
use crate::{ApiError, AppState};

/// GET /v1/customers/{id}/qualifications: a bare array, oldest first (`[]` for none).
pub(crate) async fn list(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
) -> Result<Reply, ApiError> {
    let store = partner.store(&state.store);
    fetch(&store, &id).await?;
    let items: Vec<CustomerQualification> = parse_items(store.items(&id, ItemKind::Qualification).await?)?;
    Ok(Reply::ok("CustomerQualifications:CustomerQualification", &items))
}

/// POST /v1/customers/{id}/qualifications[?code=]: 201 and the new qualification; one the
/// customer has already is 409 (qualifications cannot be changed once set).
pub(crate) async fn add(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    ids: RequestIds,
    CustomerId(id): CustomerId,
    RawQuery(query): RawQuery,
    body: Body,
) -> Result<Reply, ApiError> {
    let (input, unreadable) = body.read_partly::<QualificationRequest>()?;
    let requested = match input.check(query_value(query.as_deref(), "code")) {
        Ok(r) if unreadable.is_empty() => r,
        checked => return Err(ApiError::refused(unreadable, checked.err())),
    };
    let now = state.clock.unix_seconds();
    let added = CustomerQualification::new(requested.qualification, date_time::format(now));
    let json = serde_json::to_string(&added).expect("qualifications serialise");
    let item = AccountItem::new(&id, ItemKind::Qualification, requested.qualification, json.clone(), now);
    let outcome = Outcome {
        status: StatusCode::CREATED,
        root: "CustomerQualification",
        json: Some(json),
        location: None,
        etag: None,
    };
    let duplicate = ApiError::new(
        StatusCode::CONFLICT,
        800002,
        format!(
            "The customer already has the {} qualification; qualifications cannot be changed.",
            requested.qualification
        ),
    )
    .with_data("qualification");
    let path = format!("/v1/customers/{id}/qualifications");
    let code = requested.validation_code.unwrap_or_default();
    let identity = [path.as_str(), &code, &body.fingerprint_text()];
    let store = partner.store(&state.store);
    idempotency::apply_unique(
        &state,
        &store,
        &ids,
        (Method::POST, &identity),
        Mutation::AddItem { item },
        outcome,
        duplicate,
    )
    .await
}
