//! `POST /_partnerd/tokens {"partner": GUID}`: a development token for any partner, so the
//! console (or a script that only speaks HTTP) can call `/v1` without minting JWTs itself.
//!
//! Only where the server accepts development tokens (`AuthConfig::Development`), which anyone
//! can mint anyway with the published development secret; with production keys the route
//! answers 404, as if it did not exist, so the control plane never becomes a token issuer
//! for real keys.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use partnerd_model::PartnerId;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::{ApiError, AppState, AuthConfig, DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET};

/// How long a console token lasts; the page asks for a new one when it is refused.
const TTL: Duration = Duration::from_secs(3600);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    partner: String,
}

#[derive(Serialize)]
struct Claims<'a> {
    tid: &'a str,
    sub: &'a str,
    iss: &'a str,
    aud: &'a str,
    iat: i64,
    nbf: i64,
    exp: i64,
}

pub(super) async fn issue(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !matches!(state.config.auth, AuthConfig::Development) {
        return Err(ApiError::route_not_found());
    }
    let request: TokenRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::invalid(format!("The body must be {{\"partner\": \"<GUID>\"}}: {e}.")).with_data("partner")
    })?;
    let partner = PartnerId::parse(&request.partner)
        .ok_or_else(|| ApiError::invalid("partner must be a GUID.").with_data("partner"))?;
    let real = partnerd_store::now_secs();
    let moved = state.clock.unix_seconds();
    let token = mint(&partner, real.min(moved), real.max(moved) + TTL.as_secs() as i64);
    Ok((StatusCode::OK, Json(json!({"partner": partner.as_str(), "token": token, "expiresInSeconds": TTL.as_secs()}))))
}

/// Valid from `from` to `until` (Unix seconds). The window covers both the real time and the
/// control plane's moved clock, so the token verifies whichever of the two the verifier reads.
fn mint(partner: &PartnerId, from: i64, until: i64) -> String {
    let claims = Claims {
        tid: partner.as_str(),
        sub: "partnerd-console",
        iss: DEV_ISSUER,
        aud: DEV_AUDIENCE,
        iat: from,
        nbf: from,
        exp: until,
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(DEV_SECRET.as_bytes()))
        .expect("HS256 signing cannot fail")
}
