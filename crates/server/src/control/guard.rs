//! Who may use the control plane: with an admin token configured, exactly the requests that
//! carry it as `Authorization: Bearer <token>`; without one (sandbox only), everyone.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

pub(crate) async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(expected) = &state.config.admin_token {
        let given = crate::bearer::bearer_in(req.headers());
        if !given.is_some_and(|given| same_secret(given, expected)) {
            return ApiError::unauthorized(
                "The control plane needs the admin token: Authorization: Bearer <admin token>.",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Compares digests, so the time taken says nothing about how much of the token matched.
fn same_secret(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn only_the_same_secret_matches() {
        assert!(same_secret("s3cret-admin", "s3cret-admin"));
        assert!(!same_secret("s3cret-admin ", "s3cret-admin"));
        assert!(!same_secret("", "s3cret-admin"));
    }
}
