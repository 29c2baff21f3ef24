//! The control plane's inputs: query parameters and small JSON bodies, each refused with the
//! contract's error body (naming what is wrong) before anything is changed.

use std::collections::HashMap;

use axum::body::{to_bytes, Body};
use axum::http::StatusCode;
use partnerd_model::PartnerId;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// The largest JSON body a control-plane command takes (snapshots are streamed instead).
const MAX_COMMAND_BYTES: usize = 64 * 1024;

/// A request's query parameters, only those the route knows.
pub(super) struct Params(HashMap<String, String>);

impl Params {
    /// Refuses unknown and repeated parameters: a typo must not silently widen a reset.
    pub fn parse(raw: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let mut found = HashMap::new();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            if !known.contains(&name.as_ref()) {
                return Err(ApiError::invalid(format!(
                    "Unknown query parameter '{name}'; this route takes: {}.",
                    known.join(", ")
                ))
                .with_data(name.into_owned()));
            }
            if found.insert(name.to_string(), value.into_owned()).is_some() {
                return Err(ApiError::invalid(format!("The query parameter '{name}' is given twice.")));
            }
        }
        Ok(Params(found))
    }

    /// `?partner=GUID`, when given.
    pub fn partner(&self) -> Result<Option<PartnerId>, ApiError> {
        self.0.get("partner").map(|p| parse_partner(p)).transpose()
    }

    /// A `true`/`false` parameter; absent is false.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.0.get(name).map(String::as_str) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::invalid(format!("'{name}' must be true or false.")).with_data(other)),
        }
    }
}

/// A partner (tenant) GUID from a path or query.
pub(super) fn parse_partner(text: &str) -> Result<PartnerId, ApiError> {
    PartnerId::parse(text).ok_or_else(|| ApiError::invalid("The partner is not a GUID.").with_data(text))
}

/// A small JSON command body; unknown members are refused (serde's message names them).
pub(super) async fn json_command<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes = to_bytes(body, MAX_COMMAND_BYTES)
        .await
        .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, 800002, "The body is larger than 64 KiB."))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::invalid(format!("The body is not valid: {e}.")))
}
