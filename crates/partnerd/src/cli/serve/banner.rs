//! What `partnerd serve` prints on its way up and down: where it listens, where a person goes
//! next (the console, the API reference, the OpenAPI document) and, in development mode, a
//! ready token and curl line. Text by default; JSON objects with `--log-format json`.

use std::net::SocketAddr;

use serde_json::json;

use crate::logging::{say, Level};

pub fn demo_created(partner: &str, customers: u64) {
    say(
        Level::Info,
        &format!("created the demo partner {partner} with {customers} customers"),
        json!({ "demoPartner": partner, "customers": customers }),
    );
}

/// The banner once the port is bound. `console` says whether the control plane (and so its
/// console) is served.
pub fn listening(scheme: &str, addr: SocketAddr, console: bool, demo_token: Option<&str>) {
    let url = format!("{scheme}://{addr}");
    say(Level::Info, &format!("partnerd listening on {url}"), json!({ "url": url }));
    // A browser cannot open 0.0.0.0 everywhere; on all interfaces, this machine's name works.
    let browse = if addr.ip().is_unspecified() { format!("{scheme}://localhost:{}", addr.port()) } else { url.clone() };
    if console {
        let console = format!("{browse}/_partnerd/console");
        say(Level::Info, &format!("  console:       {console}"), json!({ "console": console }));
    }
    let (docs, openapi) = (format!("{browse}/docs"), format!("{browse}/openapi.json"));
    say(Level::Info, &format!("  API reference: {docs}"), json!({ "docs": docs }));
    say(Level::Info, &format!("  OpenAPI:       {openapi}"), json!({ "openapi": openapi }));
    if let Some(token) = demo_token {
        say(
            Level::Info,
            "development mode: tokens signed with the published development secret are accepted",
            json!({ "development": true }),
        );
        say(Level::Info, &format!("demo partner token (24h): {token}"), json!({ "token": token }));
        let curl = format!("curl -H \"Authorization: Bearer {token}\" \"{url}/v1/customers?size=5\"");
        say(Level::Info, &format!("try: {curl}"), json!({ "try": curl }));
    }
}

/// What the pass-through does, said once at start so that no one wonders where an answer came from.
pub fn upstream(config: &partnerd_server::UpstreamConfig) {
    if let Some(url) = &config.url {
        let what =
            if config.all { "every Partner Center request" } else { "requests for routes partnerd does not serve" };
        say(
            Level::Info,
            &format!("  forwarding:    {what} to {url}"),
            json!({ "upstream": url, "upstreamAll": config.all }),
        );
    }
    if let Some(dir) = &config.record {
        let what = if config.record_all { "every exchange" } else { "forwarded exchanges" };
        let file = dir.join(partnerd_server::CASSETTE_FILE);
        say(Level::Info, &format!("  recording:     {what} to {}", file.display()), json!({ "record": file }));
    }
    if let Some(dir) = &config.replay {
        let file = dir.join(partnerd_server::CASSETTE_FILE);
        say(Level::Info, &format!("  replaying:     {}", file.display()), json!({ "replay": file }));
    }
}

pub fn stopped() {
    say(Level::Info, "partnerd stopped", json!({}));
}
