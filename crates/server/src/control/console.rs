//! The web console's static files, embedded in the binary (no build step, nothing fetched at
//! run time) and served under `/_partnerd/console`.
//!
//! The files carry no data, so they are served without the admin token: a browser must be
//! able to load the login form before it has a token to send. Every piece of data the page
//! shows comes from control-plane or Partner Center requests that need their usual tokens.

use axum::extract::Path;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// One embedded file: its name under `/_partnerd/console/`, media type and content.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const fn script(name: &'static str, body: &'static str) -> Asset {
    Asset { name, content_type: "text/javascript; charset=utf-8", body }
}

const INDEX: Asset = Asset {
    name: "index.html",
    content_type: "text/html; charset=utf-8",
    body: include_str!("../../console/index.html"),
};

const ASSETS: &[Asset] = &[
    INDEX,
    Asset {
        name: "console.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../console/console.css"),
    },
    script("app.js", include_str!("../../console/app.js")),
    script("api.js", include_str!("../../console/api.js")),
    script("dom.js", include_str!("../../console/dom.js")),
    script("traffic.js", include_str!("../../console/traffic.js")),
    script("chain.js", include_str!("../../console/chain.js")),
    script("customers.js", include_str!("../../console/customers.js")),
    script("accounts.js", include_str!("../../console/accounts.js")),
    script("controls.js", include_str!("../../console/controls.js")),
    script("health.js", include_str!("../../console/health.js")),
    Asset { name: "favicon.svg", content_type: "image/svg+xml", body: include_str!("../../console/favicon.svg") },
];

/// Scripts and styles only from this origin, no inline script or style, no framing, no
/// plugins: the page renders request bodies written by arbitrary clients, so a body that
/// smuggles markup must never run.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `GET /_partnerd/console` (and `/_partnerd/console/`): the page.
pub(super) async fn page() -> Response {
    serve(&INDEX)
}

/// `GET /_partnerd/console/{file}`: a script, the style sheet or the icon.
pub(super) async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == file) {
        Some(asset) => serve(asset),
        None => ApiError::route_not_found().into_response(),
    }
}

fn serve(asset: &Asset) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        // Always revalidate: a new binary must never run yesterday's script.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ];
    (StatusCode::OK, headers, asset.body).into_response()
}
