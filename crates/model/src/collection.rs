//! The paged collection envelope (spec §3.6).

use serde::{Deserialize, Serialize};

use crate::links::{Attributes, ResourceLinks};

/// A page of resources. `total_count` is the number of items in this page, as Partner Center
/// means it; `continuation_token` is present exactly when `links.next` is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Collection<T> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    #[serde(default)]
    pub total_count: u64,
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    #[serde(default)]
    pub links: ResourceLinks,
    #[serde(default)]
    pub attributes: Attributes,
}
