//! Request bodies (spec §8): JSON, text/json, XML, text/xml and form-encoded, at most 1 MiB,
//! all read into one canonical JSON value so every format is validated alike.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use partnerd_model::canonical::MemberError;
use partnerd_model::{canonical, form, json_limits, xml};
use serde_json::Value;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

use crate::ApiError;

/// The largest body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A request body as canonical JSON (member names in their canonical spelling, unknown ones
/// dropped).
pub(crate) struct Body(pub Value);

#[derive(Clone, Copy)]
pub(crate) enum Format {
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

/// Bodies up to this size are parsed on the async worker: they take microseconds. Larger ones
/// (up to [`MAX_BODY_BYTES`], tens of milliseconds at worst) go to the blocking pool, so two
/// heavy bodies never stall the requests that share a worker with them.
const INLINE_PARSE_BYTES: usize = 16 * 1024;

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let format = format_of(&req)?;
        // A declared length over the limit is refused before a byte is read: no wait for a
        // body that will be refused anyway, and no `100 Continue` invitation to send it.
        if declared_too_large(req.headers()) {
            return Err(too_large());
        }
        let bytes = to_bytes(req.into_body(), MAX_BODY_BYTES).await.map_err(read_error)?;
        if bytes.len() <= INLINE_PARSE_BYTES {
            return parse(format, &bytes).map(Body);
        }
        // At most one heavy parse per core at a time: the rest wait (asynchronously) rather than
        // crowd out the threads that serve everything else.
        let _permit = heavy_parses().acquire().await.expect("the semaphore is never closed");
        tokio::task::spawn_blocking(move || parse(format, &bytes))
            .await
            .map_err(|e| {
                tracing::error!("body parsing failed: {e}");
                ApiError::internal()
            })?
            .map(Body)
    }
}

fn heavy_parses() -> &'static Semaphore {
    static HEAVY: OnceLock<Semaphore> = OnceLock::new();
    HEAVY.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())))
}

/// Reads a body of `format` into canonical JSON (member names in their canonical spelling,
/// unknown ones and server-owned ones dropped). Linear in the body's size.
pub(crate) fn parse(format: Format, bytes: &[u8]) -> Result<Value, ApiError> {
    let mut value = match format {
        Format::Json if json_limits::exceeds_nodes(bytes, json_limits::MAX_JSON_NODES) => {
            return Err(ApiError::invalid(format!(
                "The JSON body has more than {} objects, arrays and members.",
                json_limits::MAX_JSON_NODES
            )))
        }
        Format::Json => serde_json::from_slice::<Value>(bytes)
            .map_err(|e| ApiError::invalid(format!("The body is not valid JSON: {e}.")))?,
        Format::Xml => {
            let text = std::str::from_utf8(bytes).map_err(|_| ApiError::invalid("The XML body is not UTF-8."))?;
            xml::from_xml(text).map_err(|e| ApiError::invalid(format!("{e}.")))?
        }
        Format::Form => form::from_form(bytes).map_err(|e| ApiError::invalid(format!("{e}.")))?,
    };
    if !matches!(format, Format::Json) {
        canonical::coerce_text_scalars(&mut value);
    }
    if !value.is_object() {
        return Err(ApiError::invalid("The body must be an object."));
    }
    let mut value = canonical::canonicalize(value);
    strip_server_owned(&mut value);
    Ok(value)
}

/// Whether the request's `Content-Length` says its body is over [`MAX_BODY_BYTES`].
pub(crate) fn declared_too_large(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, 800002, "The body is larger than 1 MiB.")
}

/// Why a body could not be read: too large (413), too slow (408), or broken on the wire (400:
/// malformed chunked encoding, or a connection that ended early).
pub(crate) fn read_error(e: axum::Error) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return too_large();
        }
        if err.is::<crate::serve::deadline_body::BodyTimedOut>() {
            return ApiError::new(StatusCode::REQUEST_TIMEOUT, 800002, "The body did not arrive in time.");
        }
        source = err.source();
    }
    ApiError::invalid(format!("The body could not be read: {e}."))
}

/// Drops members only the server writes (links anywhere, credentials) so that whatever a
/// client echoes back in them, nulls included, is ignored rather than type-checked.
fn strip_server_owned(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("links");
            map.remove("userCredentials");
            map.values_mut().for_each(strip_server_owned);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_server_owned),
        _ => {}
    }
}

/// The body in a form that ignores key order and explicit nulls, which no two serialisers of
/// the same request agree on: what idempotency fingerprints hash.
fn fingerprint_text(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut members: Vec<_> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                fingerprint_text(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                fingerprint_text(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

impl Body {
    /// The canonical text idempotency fingerprints are taken over.
    pub fn fingerprint_text(&self) -> String {
        let mut out = String::new();
        fingerprint_text(&self.0, &mut out);
        out
    }

    /// The body as `T`, or a 400 naming the member that does not fit.
    pub fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        canonical::read_canonical(&self.0).map_err(|e| ApiError::refused(vec![e], None))
    }

    /// The body as `T` without the members that do not fit, and those members, so that the
    /// rest can be checked before answering; a 400 when the body cannot be read at all.
    pub fn read_partly<T: serde::de::DeserializeOwned>(&self) -> Result<(T, Vec<MemberError>), ApiError> {
        canonical::read_canonical_partly(self.0.clone()).map_err(|unreadable| ApiError::refused(unreadable, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fingerprints_ignore_key_order_and_nulls() {
        let a = Body(json!({"b": {"y": 1, "x": [1, {"q": null}]}, "a": null, "c": "t"}));
        let b = Body(json!({"c": "t", "b": {"x": [1, {}], "y": 1}}));
        assert_eq!(a.fingerprint_text(), b.fingerprint_text());
        assert_ne!(a.fingerprint_text(), Body(json!({"c": "u"})).fingerprint_text());
    }

    #[test]
    fn server_owned_members_are_dropped_at_any_depth() {
        let mut v = json!({"links": null, "userCredentials": 5, "companyProfile": {"links": {"self": {"uri": null}}, "domain": "d"}});
        strip_server_owned(&mut v);
        assert_eq!(v, json!({"companyProfile": {"domain": "d"}}));
    }
}
