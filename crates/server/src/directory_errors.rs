//! The answers to the role and license changes the store refuses (users-api §6, §7, §8).

use axum::http::StatusCode;
use partnerd_store::Refusal;

use crate::ApiError;

pub(crate) fn refusal(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::AlreadyMember => {
            ApiError::new(StatusCode::CONFLICT, 800002, "The user is already a member of this role.")
        }
        Refusal::NotMember => ApiError::user_not_found(),
        Refusal::UnknownSku(sku) => {
            ApiError::invalid(format!("The customer does not subscribe to the SKU {sku}.")).with_data(sku)
        }
        Refusal::NotAssigned(sku) => {
            ApiError::invalid(format!("The user has no license of the SKU {sku} to remove.")).with_data(sku)
        }
        Refusal::NoUnits { customer, sku } => ApiError::new(
            StatusCode::BAD_REQUEST,
            60012,
            "We're sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.",
        )
        .with_data(format!(
            "LicenseQuotaExceededException : Subscription with Account {customer} and SKU {sku} does not have any \
             available licenses left."
        )),
    }
}
