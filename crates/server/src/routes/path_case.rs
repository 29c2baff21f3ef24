//! Path segments match case-insensitively (spec: the .NET SDK writes `agreementtemplates`, the
//! REST reference `agreementTemplates`), while the router matches exactly. Before routing, a
//! segment that spells one of the route table's literal segments in another case is rewritten
//! to the table's spelling; everything else (ids, domains, the query) is left as sent.

use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::uri::{PathAndQuery, Uri};

use partnerd_model::routes::PARTNER_CENTER_ROUTES;

/// The literal segments of the Partner Center routes, each once, with the API versions.
static LITERALS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut all: Vec<&'static str> = PARTNER_CENTER_ROUTES
        .iter()
        .flat_map(|(path, _)| path.split('/'))
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .chain(["v1", "v1.0"])
        .collect();
    all.sort_unstable();
    all.dedup();
    all
});

/// The table's spelling of `segment`, when it spells a literal in another case.
fn respelled(segment: &str) -> Option<&'static str> {
    LITERALS.iter().copied().find(|l| l.len() == segment.len() && *l != segment && l.eq_ignore_ascii_case(segment))
}

/// `req` with its path's literal segments in the route table's case (unchanged, and not
/// copied, when they already are).
pub(crate) fn canonical(mut req: Request) -> Request {
    let path = req.uri().path();
    if !path.split('/').any(|s| respelled(s).is_some()) {
        return req;
    }
    let mut rewritten: String = path.split('/').map(|s| respelled(s).unwrap_or(s)).collect::<Vec<_>>().join("/");
    if let Some(query) = req.uri().query() {
        rewritten.push('?');
        rewritten.push_str(query);
    }
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = PathAndQuery::try_from(rewritten).ok();
    if let Ok(uri) = Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(target: &str) -> String {
        canonical(Request::builder().uri(target).body(axum::body::Body::empty()).unwrap()).uri().to_string()
    }

    #[test]
    fn literal_segments_take_the_table_s_case_and_values_keep_theirs() {
        assert_eq!(
            path_of("/v1/agreementTemplates/ABC/Document?country=US"),
            "/v1/agreementtemplates/ABC/document?country=US"
        );
        assert_eq!(
            path_of("/V1/Customers/AbC/DirectSignedMicrosoftCustomerAgreementStatus"),
            "/v1/customers/AbC/directSignedMicrosoftCustomerAgreementStatus"
        );
        assert_eq!(path_of("/v1/domains/Contoso.OnMicrosoft.com"), "/v1/domains/Contoso.OnMicrosoft.com");
        assert_eq!(path_of("/v1/customers?size=5"), "/v1/customers?size=5");
        assert_eq!(path_of("/_partnerd/Requests"), "/_partnerd/Requests", "not a Partner Center segment");
    }
}
