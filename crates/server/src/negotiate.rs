//! Response content negotiation (spec §8): JSON by default, `text/json`, XML, or 406.
//! Runs around every route, so error bodies are negotiated like any other.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::reply::Payload;
use crate::{ApiError, AppState};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    TextJson,
    Xml,
    TextXml,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::TextJson => "text/json; charset=utf-8",
            Format::Xml => "application/xml; charset=utf-8",
            Format::TextXml => "text/xml; charset=utf-8",
        }
    }

    fn for_media_range(range: &str) -> Option<Format> {
        match range.to_ascii_lowercase().as_str() {
            "application/json" | "application/*" | "*/*" => Some(Format::Json),
            "text/json" | "text/*" => Some(Format::TextJson),
            "application/xml" => Some(Format::Xml),
            "text/xml" => Some(Format::TextXml),
            _ => None,
        }
    }
}

/// The format to answer in: the supported media range with the highest `q`, earliest first
/// on ties; JSON when there is no `Accept`; `None` when nothing acceptable is offered.
fn choose(headers: &HeaderMap) -> Option<Format> {
    let values: Vec<&str> = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    if values.iter().all(|v| v.trim().is_empty()) {
        return Some(Format::Json);
    }
    let mut best: Option<(f32, Format)> = None;
    for range in values.iter().flat_map(|v| v.split(',')) {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(format) = Format::for_media_range(media) {
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, format));
            }
        }
    }
    best.map(|(_, f)| f)
}

/// Whether the request's `Accept` allows something partnerd writes.
pub(crate) fn acceptable(headers: &HeaderMap) -> bool {
    choose(headers).is_some()
}

/// Middleware: refuses unacceptable requests before they run, strikes the request with its
/// fault rule if one matches (inside negotiation, so an injected error is rendered as JSON or
/// XML like any other; one layer for both, since each layer costs every request a clone of
/// the stack below it), then renders the payload. A request the upstream may answer is never
/// refused: it may accept what only the upstream writes; partnerd's own answers to it are JSON.
pub(crate) async fn negotiate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    negotiated(&state, req, next).await
}

/// What [`negotiate`] does, for the journal's layer to call in place of a layer of its own.
pub(crate) async fn negotiated(state: &AppState, req: Request, next: Next) -> Response {
    let divertible = req.extensions().get::<crate::upstream::Divertible>().is_some();
    let Some(format) = choose(req.headers()).or(divertible.then_some(Format::Json)) else {
        let mut res = ApiError::not_acceptable().into_response();
        render(&mut res, Format::Json);
        return res;
    };
    let mut res = crate::control::inject(state, req, next).await;
    render(&mut res, format);
    res
}

/// Middleware for routes that always answer JSON (the control plane): renders any payload,
/// error bodies included, as `application/json`, whatever the `Accept` header says.
pub(crate) async fn json_only(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    render(&mut res, Format::Json);
    res
}

/// An error raised outside the routes (edge limits, timeouts), rendered as the request's
/// `Accept` asks, or as JSON when it allows nothing partnerd writes.
pub(crate) fn render_error(headers: &HeaderMap, err: ApiError) -> Response {
    let mut res = err.into_response();
    render(&mut res, choose(headers).unwrap_or(Format::Json));
    res
}

fn render(res: &mut Response, format: Format) {
    let Some(payload) = res.extensions_mut().remove::<Payload>() else { return };
    let body = match format {
        Format::Json | Format::TextJson => payload.json.into_body(),
        Format::Xml | Format::TextXml => {
            let value: serde_json::Value = serde_json::from_str(&payload.json.text()).expect("payloads are JSON");
            Body::from(partnerd_model::xml::to_xml(payload.root, &value))
        }
    };
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    *res.body_mut() = body;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Option<Format> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        choose(&h)
    }

    #[test]
    fn picks_by_quality_then_order() {
        assert_eq!(choose(&HeaderMap::new()), Some(Format::Json));
        assert_eq!(accept("text/json"), Some(Format::TextJson));
        assert_eq!(accept("application/xml;q=0.9, application/json;q=0.5"), Some(Format::Xml));
        assert_eq!(accept("text/html, text/xml"), Some(Format::TextXml));
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
        assert_eq!(accept("*/*"), Some(Format::Json));
    }
}
