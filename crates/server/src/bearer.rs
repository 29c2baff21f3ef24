//! The one reading of the `Authorization` header (RFC 7235: `scheme 1*SP credentials`; the
//! scheme in any case), for partner tokens, the admin token, the journal, the upstream's
//! throttling and the cassette's redaction alike: copies of it had drifted (one took any
//! scheme as a bearer token).

use axum::http::{header, HeaderMap};

/// The scheme and credentials of an `Authorization` value, trimmed.
pub(crate) fn credentials(authorization: &str) -> Option<(&str, &str)> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    Some((scheme, token.trim())).filter(|(_, token)| !token.is_empty())
}

/// The token of an `Authorization` value in the Bearer scheme (any case).
pub(crate) fn bearer(authorization: &str) -> Option<&str> {
    let (scheme, token) = credentials(authorization)?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// The bearer token of a request, when its `Authorization` header is text in the Bearer scheme.
pub(crate) fn bearer_in(headers: &HeaderMap) -> Option<&str> {
    bearer(headers.get(header::AUTHORIZATION)?.to_str().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_is_read_in_any_case_and_others_are_not_bearer() {
        for value in ["Bearer abc", "bearer abc", "BEARER  abc ", "  Bearer abc"] {
            assert_eq!(bearer(value), Some("abc"), "{value:?}");
        }
        for value in ["Basic abc", "Bearerabc", "Bearer", "Bearer   ", "abc"] {
            assert_eq!(bearer(value), None, "{value:?}");
        }
        assert_eq!(credentials("Basic dXNlcjpwdw=="), Some(("Basic", "dXNlcjpwdw==")));
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_in(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer t0k".parse().unwrap());
        assert_eq!(bearer_in(&headers), Some("t0k"));
    }
}
