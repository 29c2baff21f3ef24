//! Link, ResourceLinks and ResourceAttributes (spec §3.1).

use serde::{Deserialize, Serialize};

/// One request header carried by a link (the continuation token travels this way).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Header {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// A relative link; `headers` is always emitted, even when empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Link {
    #[serde(default)]
    pub uri: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl Link {
    /// A plain `GET` link with no headers.
    pub fn get(uri: impl Into<String>) -> Self {
        Link { uri: uri.into(), method: "GET".into(), headers: Vec::new(), body: None }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResourceLinks {
    #[serde(rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Link>,
}

impl ResourceLinks {
    pub fn self_only(uri: impl Into<String>) -> Self {
        ResourceLinks { self_link: Some(Link::get(uri)), next: None, previous: None }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_type: Option<String>,
}

impl Attributes {
    pub fn object(object_type: &str) -> Self {
        Attributes { etag: None, object_type: Some(object_type.to_string()) }
    }
}
