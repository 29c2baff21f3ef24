//! The contract's error body (spec §9).

use serde::{Deserialize, Serialize};

/// `{"code": .., "description": .., "data": [..], "source": "partnerd"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: i64,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub data: Vec<String>,
    #[serde(default)]
    pub source: String,
}

impl ErrorBody {
    pub fn new(code: i64, description: impl Into<String>) -> Self {
        ErrorBody { code, description: description.into(), data: Vec::new(), source: "partnerd".into() }
    }
}
