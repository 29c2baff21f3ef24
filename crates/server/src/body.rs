//! Request bodies (spec §8): JSON, text/json, XML, text/xml and form-encoded, at most 1 MiB,
//! all read into one canonical JSON value so every format is validated alike.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use partnerd_model::{canonical, form, xml};
use serde_json::Value;

use crate::ApiError;

/// The largest body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A request body as canonical JSON (member names in their canonical spelling, unknown ones
/// dropped).
pub(crate) struct Body(pub Value);

enum Format {
    Json,
    Xml,
    Form,
}

fn format_of(req: &Request) -> Result<Format, ApiError> {
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let media = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match media.as_str() {
        "application/json" | "text/json" => Ok(Format::Json),
        "application/xml" | "text/xml" => Ok(Format::Xml),
        "application/x-www-form-urlencoded" => Ok(Format::Form),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            800002,
            "The body must be application/json, text/json, application/xml, text/xml or application/x-www-form-urlencoded.",
        )
        .with_data(if media.is_empty() { "(no Content-Type)".to_string() } else { media })),
    }
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let format = format_of(&req)?;
        let bytes = to_bytes(req.into_body(), MAX_BODY_BYTES).await.map_err(|_| {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, 800002, "The body is larger than 1 MiB.")
        })?;
        let mut value = match format {
            Format::Json => serde_json::from_slice::<Value>(&bytes)
                .map_err(|e| ApiError::invalid(format!("The body is not valid JSON: {e}.")))?,
            Format::Xml => {
                let text = std::str::from_utf8(&bytes).map_err(|_| ApiError::invalid("The XML body is not UTF-8."))?;
                xml::from_xml(text).map_err(|e| ApiError::invalid(format!("{e}.")))?
            }
            Format::Form => form::from_form(&bytes),
        };
        if !matches!(format, Format::Json) {
            canonical::coerce_text_scalars(&mut value);
        }
        if !value.is_object() {
            return Err(ApiError::invalid("The body must be an object."));
        }
        Ok(Body(canonical::canonicalize(value)))
    }
}

impl Body {
    /// The body as `T`, or a 400 naming the member that does not fit.
    pub fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        canonical::read_lenient(self.0.clone()).map_err(|e| {
            let description = format!("{} is not valid: {}.", e.member, e.message);
            let err = if e.is_enum { ApiError::invalid_enum(description) } else { ApiError::invalid(description) };
            err.with_data(e.member)
        })
    }
}
