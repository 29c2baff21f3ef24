//! A customer's direct-signing status and account validation status: what Partner Center
//! decides on its own, so partnerd answers what the control plane set (`control/accounts.rs`).

use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use partnerd_model::account_status::{self, DirectSignStatus, ValidationStatus};
use partnerd_store::{ItemKind, PartnerStore};

use crate::auth::VerifiedPartner;
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::routes::account_common::{named, query_value};
use crate::routes::customer::fetch;
use crate::ApiError;

/// The item keys of the two statuses.
pub(crate) const DIRECT_SIGNED: &str = "directSigned";
pub(crate) const VALIDATION: &str = "validation";

/// The stored status `key` of a customer of this partner (404 without the customer).
async fn status<T: serde::de::DeserializeOwned>(
    store: &PartnerStore,
    id: &str,
    key: &str,
) -> Result<Option<T>, ApiError> {
    fetch(store, id).await?;
    let items = store.items(id, ItemKind::Status).await?;
    let found = items.into_iter().find(|i| i.key == key);
    found.map(|i| serde_json::from_str(&i.doc).map_err(|_| ApiError::internal())).transpose()
}

/// GET /v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus: false until set.
pub(crate) async fn direct_signed(partner: VerifiedPartner, CustomerId(id): CustomerId) -> Result<Reply, ApiError> {
    let signed: DirectSignStatus = status(partner.store(), &id, DIRECT_SIGNED).await?.unwrap_or_default();
    Ok(Reply::ok("DirectSignedCustomerAgreementStatus", &signed))
}

/// GET /v1/customers/{id}/validationStatus?type=account: the status set, else Partner Center's
/// 404/600074 `AccountStatusNotFound`.
pub(crate) async fn validation(
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    account_status::validation_type(query_value(query.as_deref(), "type").as_deref())
        .map_err(|e| ApiError::invalid_enum(format!("{e}.")).with_data("type"))?;
    match status::<ValidationStatus>(partner.store(), &id, VALIDATION).await? {
        Some(found) => Ok(Reply::ok("ValidationStatus", &found).into_response()),
        None => Ok(named(
            ApiError::new(StatusCode::NOT_FOUND, 600074, "No validation status exists for this customer's account."),
            "AccountStatusNotFound",
        )),
    }
}
