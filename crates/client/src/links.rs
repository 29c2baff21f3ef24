//! Turning the relative links a server emits into URLs. Partner Center mixes two forms
//! (spec §1): list links start with `/v1/customers?`, resource links with `/customers/`;
//! the SDKs prefix `/v1` when it is missing, and so does this.

use reqwest::Url;

use crate::Error;

/// The API version prefix every operation lives under.
const VERSION: &str = "/v1";

/// Checks a base URL once, when the client is built: `http` or `https`, nothing after the path.
pub(crate) fn parse_base(base: &str) -> Result<Url, Error> {
    let url = Url::parse(base).map_err(|e| Error::Url(format!("base URL '{base}' is not valid: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(Error::Url(format!("base URL '{base}' must be an http or https URL")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Url(format!("base URL '{base}' must not have a query or fragment")));
    }
    Ok(url)
}

/// The URL of an operation path such as `/customers/{id}`, under the version prefix.
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.path_segments_mut().expect("checked in parse_base").pop_if_empty().push(&VERSION[1..]).extend(segments);
    url
}

/// Resolves a link's `uri` against the base. Absolute links are followed only to the base's
/// own origin, because the request carries the caller's bearer token.
pub(crate) fn resolve(base: &Url, uri: &str) -> Result<Url, Error> {
    if let Ok(absolute) = Url::parse(uri) {
        if absolute.origin() != base.origin() {
            return Err(Error::Url(format!("refusing to send the token to a link on another host: {uri}")));
        }
        return Ok(absolute);
    }
    let path = if has_version(uri) {
        uri.to_string()
    } else if uri.starts_with('/') {
        format!("{VERSION}{uri}")
    } else {
        format!("{VERSION}/{uri}")
    };
    let joined = format!("{}{path}", base.as_str().trim_end_matches('/'));
    Url::parse(&joined).map_err(|e| Error::Url(format!("link '{uri}' is not valid: {e}")))
}

/// Whether a path already starts with an API version segment (`/v1/`, `/v1.0/`).
fn has_version(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("/v") else { return false };
    let segment = rest.split(['/', '?']).next().unwrap_or_default();
    !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> Url {
        parse_base(s).unwrap()
    }

    #[test]
    fn both_link_forms_land_under_v1() {
        let b = base("http://127.0.0.1:8080");
        let q = "size=2&seekOperation=Next";
        for uri in [format!("/v1/customers?{q}"), format!("/customers?{q}"), format!("customers?{q}")] {
            assert_eq!(resolve(&b, &uri).unwrap().as_str(), format!("http://127.0.0.1:8080/v1/customers?{q}"), "{uri}");
        }
        assert_eq!(resolve(&b, "/v1.0/customers").unwrap().path(), "/v1.0/customers");
        assert_eq!(resolve(&b, "/vault/x").unwrap().path(), "/v1/vault/x");
    }

    #[test]
    fn a_base_path_prefix_is_kept() {
        let b = base("https://gw.example.com/partner-center/");
        assert_eq!(
            resolve(&b, "/customers?size=1").unwrap().as_str(),
            "https://gw.example.com/partner-center/v1/customers?size=1"
        );
        assert_eq!(
            endpoint(&b, &["customers", "a b"]).as_str(),
            "https://gw.example.com/partner-center/v1/customers/a%20b"
        );
        assert_eq!(endpoint(&base("http://h"), &["customers"]).as_str(), "http://h/v1/customers");
    }

    #[test]
    fn absolute_links_stay_on_the_same_origin() {
        let b = base("http://127.0.0.1:8080");
        assert!(resolve(&b, "http://127.0.0.1:8080/v1/customers?x=1").is_ok());
        assert!(matches!(resolve(&b, "http://evil.example/v1/customers"), Err(Error::Url(_))));
        assert!(matches!(resolve(&b, "https://127.0.0.1:8080/v1/customers"), Err(Error::Url(_))));
    }

    #[test]
    fn bad_bases_are_refused() {
        for b in ["ftp://h", "not a url", "http://h/?q=1", "mailto:a@b"] {
            assert!(parse_base(b).is_err(), "{b}");
        }
    }
}
