//! What the customer-account routes (agreements, qualifications, relationships, managed
//! services, country rules) share: their query parameters and their collection envelope.

use partnerd_model::{Attributes, Collection, ResourceLinks};
use serde::Serialize;

/// The value of query parameter `name` (matched case-insensitively, as Partner Center does;
/// the first one when repeated), percent-decoded.
pub(crate) fn query_value(raw: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.into_owned())
}

/// The unpaged collection these resources answer: every item, `totalCount`, `links.self`
/// when given, `attributes.objectType: "Collection"`.
pub(crate) fn collection<T: Serialize>(items: Vec<T>, self_uri: Option<&str>) -> Collection<T> {
    Collection {
        continuation_token: None,
        total_count: items.len() as u64,
        items,
        links: self_uri.map(ResourceLinks::self_only).unwrap_or_default(),
        attributes: Attributes::object("Collection"),
    }
}

/// Stored item documents (written by this server) as wire values; one that does not parse is
/// a server fault, logged and answered 500.
pub(crate) fn parse_items<T: serde::de::DeserializeOwned>(
    items: Vec<partnerd_store::AccountItem>,
) -> Result<Vec<T>, crate::ApiError> {
    items
        .into_iter()
        .map(|item| {
            serde_json::from_str(&item.doc).map_err(|e| {
                tracing::error!(error = %e, kind = item.kind, "a stored account item does not parse");
                crate::ApiError::internal()
            })
        })
        .collect()
}

/// The error's response with Partner Center's `errorName` added to its body: newer documented
/// errors carry one, and only they, so the shared error body does not grow a member for it.
pub(crate) fn named(error: crate::ApiError, name: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut res = error.into_response();
    if let Some(payload) = res.extensions_mut().get_mut::<crate::reply::Payload>() {
        if let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&payload.json.text()) {
            body["errorName"] = name.into();
            payload.json = crate::reply::Json::Whole(body.to_string());
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_names_match_in_any_case() {
        assert_eq!(query_value(Some("AgreementType=%2A&x=1"), "agreementType").as_deref(), Some("*"));
        assert_eq!(query_value(Some("x=1"), "agreementType"), None);
        assert_eq!(query_value(None, "code"), None);
    }
}
