//! A customer's qualifications (`GET|POST /v1/customers/{id}/qualifications`). Education waits
//! for Partner Center's review, which the control plane performs (`control/vetting.rs`).

use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use partnerd_model::date_time;
use partnerd_model::qualification::{CustomerQualification, QualificationRequest};
use partnerd_model::validation_code::{CustomerValidation, ValidationCode, USED_CODE_MEMBER};
use partnerd_store::{AccountItem, ItemKind, Mutation, PartnerStore, Spend};

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
pub(crate) async fn list(partner: VerifiedPartner, CustomerId(id): CustomerId) -> Result<Reply, ApiError> {
    let store = partner.store();
    fetch(store, &id).await?;
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
    let outcome = || Outcome {
        status: StatusCode::CREATED,
        root: "CustomerQualification",
        json: Some(json.clone()),
        location: None,
        etag: None,
    };
    let duplicate = || {
        ApiError::new(
            StatusCode::CONFLICT,
            800002,
            format!(
                "The customer already has the {} qualification; qualifications cannot be changed.",
                requested.qualification
            ),
        )
        .with_data("qualification")
    };
    let path = format!("/v1/customers/{id}/qualifications");
    let code = requested.validation_code.clone().unwrap_or_default();
    let identity = [path.as_str(), &code, &body.fingerprint_text()];
    let store = partner.store();
    let request = (Method::POST, &identity[..]);
    let Some(code) = requested.validation_code else {
        let mutation = Mutation::AddItem { item };
        return idempotency::apply_unique(&state, store, &ids, request, mutation, outcome(), duplicate()).await;
    };
    // A GCC qualification spends one use of the partner's code in the same transaction (and
    // keeps which code, for `GET …/validations`); a concurrent spend of the same code makes
    // the store answer Stale, and this reads it again.
    let item = AccountItem { doc: with_used_code(&json, &code), ..item };
    for _ in 0..SPEND_ATTEMPTS {
        let (spend, exhausted) = spend_of(store, &code).await?;
        let mutation = Mutation::AddItemSpending { item: item.clone(), spend };
        match idempotency::apply_unique(&state, store, &ids, request.clone(), mutation, outcome(), duplicate()).await {
            Err(e) if e.status() == StatusCode::PRECONDITION_FAILED && exhausted => {
                return Err(ApiError::invalid(format!("validationCode {code} has no creates left."))
                    .with_data("validationCode"))
            }
            Err(e) if e.status() == StatusCode::PRECONDITION_FAILED => continue,
            answer => return answer,
        }
    }
    Err(ApiError::new(StatusCode::CONFLICT, 800002, "The validation code is being used by other requests; retry."))
}

/// The stored document of a GCC qualification: the answered one plus the code it used.
fn with_used_code(json: &str, code: &str) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(json).expect("qualifications are JSON objects");
    doc[USED_CODE_MEMBER] = code.into();
    doc.to_string()
}

/// How often a GCC qualification re-reads a code that others spent meanwhile.
const SPEND_ATTEMPTS: usize = 3;

/// The spend of one use of the partner's code `code`, and whether it has none left (then the
/// spend expects what no item holds, so the store answers Stale unless this request is a replay
/// of one that succeeded, whose kept answer it then gets).
async fn spend_of(store: &PartnerStore, code: &str) -> Result<(Spend, bool), ApiError> {
    let codes = store.items("", ItemKind::ValidationCode).await?;
    let found = codes.into_iter().find(|c| c.key == code).ok_or_else(|| {
        ApiError::invalid(format!(
            "validationCode {code} is not one of the partner's GCC validation codes (GET /v1/customers/all/validations)."
        ))
        .with_data("validationCode")
    })?;
    let current: ValidationCode = serde_json::from_str(&found.doc).map_err(|_| ApiError::internal())?;
    let kind = ItemKind::ValidationCode.as_str();
    Ok(match current.spent(partnerd_model::assemble::new_etag()) {
        Some(next) => {
            let replacement = serde_json::to_string(&next).expect("codes serialise");
            (Spend { kind, key: found.key, expected: found.doc, replacement }, false)
        }
        None => (Spend { kind, key: found.key, expected: String::new(), replacement: found.doc }, true),
    })
}

/// GET /v1/customers/all/validations: the partner's GCC validation codes (a bare array).
pub(crate) async fn validation_codes(partner: VerifiedPartner) -> Result<Reply, ApiError> {
    let codes: Vec<ValidationCode> = parse_items(partner.store().items("", ItemKind::ValidationCode).await?)?;
    Ok(Reply::ok("ValidationCodes:ValidationCode", &codes))
}

/// GET /v1/customers/{id}/validations: the GCC validation the customer's qualification used
/// (a bare array: `[]` for a customer without one), with the code's organization and etag.
pub(crate) async fn customer_validations(
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    fetch(store, &id).await?;
    let docs: Vec<serde_json::Value> = parse_items(store.items(&id, ItemKind::Qualification).await?)?;
    let used: Vec<&str> = docs.iter().filter_map(|d| d[USED_CODE_MEMBER].as_str()).collect();
    let codes: Vec<ValidationCode> = parse_items(store.items("", ItemKind::ValidationCode).await?)?;
    let validations: Vec<CustomerValidation> =
        codes.iter().filter(|c| used.contains(&c.validation_id.as_str())).map(|c| c.of_customer(&id)).collect();
    Ok(Reply::ok("CustomerValidations:CustomerValidation", &validations))
}
