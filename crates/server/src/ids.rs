//! The customer id path segment.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::ApiError;

/// A customer id from the path, as a lowercase GUID; anything else is 400/900118.
pub(crate) struct CustomerId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CustomerId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::invalid(format!("The path is not valid: {e}.")))?;
        partnerd_model::parse_guid(&raw).map(CustomerId).ok_or_else(|| ApiError::bad_customer_id(&raw))
    }
}
