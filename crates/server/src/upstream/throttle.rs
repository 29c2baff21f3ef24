//! Throttling for forwarded requests. partnerd's own routes count a request against the
//! partner whose token verified; a forwarded request usually carries a token only the upstream
//! can verify (one Microsoft Entra ID issued), so it is counted against the partner its `tid`
//! claim names, read without checking the signature. That is enough to count by: a client that
//! lies about its `tid` only moves itself to another partner's count, and the upstream refuses
//! the token anyway. A request without a readable `tid` is counted against the nil partner.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use partnerd_model::PartnerId;

use crate::rate_limit::{self, Standing};
use crate::AppState;

/// The partner that requests without a readable `tid` are counted against.
const NOBODY: &str = "00000000-0000-0000-0000-000000000000";

/// Counts the request; `Err` is the 429 to answer.
pub(super) fn admit(state: &AppState, headers: &HeaderMap) -> Result<Option<Standing>, Box<Response>> {
    let Some(limiter) = &state.limiter else { return Ok(None) };
    let partner = crate::control::bearer_partner(state, headers)
        .or_else(|| claimed_partner(headers))
        .unwrap_or_else(|| PartnerId::parse(NOBODY).expect("the nil GUID parses"));
    match limiter.admit(&partner) {
        Ok(standing) => Ok(Some(standing)),
        Err((standing, throttled)) => Err(Box::new(rate_limit::report(standing, throttled.into_response()))),
    }
}

/// Says where the partner stands on the answer, as partnerd's own routes do.
pub(super) fn report(standing: Option<Standing>, res: Response) -> Response {
    match standing {
        Some(standing) => rate_limit::report(standing, res),
        None => res,
    }
}

/// The `tid` claim of the request's bearer token, unverified.
pub(super) fn claimed_partner(headers: &HeaderMap) -> Option<PartnerId> {
    let token = crate::bearer::bearer_in(headers)?;
    let claims = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&claims).ok()?;
    PartnerId::parse(claims.get("tid")?.as_str()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn the_tid_of_an_unverifiable_token_is_read() {
        let claims = URL_SAFE_NO_PAD.encode(r#"{"tid":"11111111-2222-4333-8444-555555555555","aud":"x"}"#);
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, format!("Bearer e30.{claims}.c2ln").parse().unwrap());
        assert_eq!(claimed_partner(&headers).unwrap().as_str(), "11111111-2222-4333-8444-555555555555");
        headers.insert(header::AUTHORIZATION, "Bearer not-a-jwt".parse().unwrap());
        assert!(claimed_partner(&headers).is_none());
    }
}
