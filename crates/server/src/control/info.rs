//! `GET /_partnerd/`: what this server is, for a test fixture or the console to check.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::{AppState, ControlPlane, Mode};

pub(super) async fn info(State(state): State<AppState>) -> Json<Value> {
    let mode = match state.config.mode {
        Mode::Sandbox => "sandbox",
        Mode::Production => "production",
    };
    Json(json!({
        "name": "partnerd",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": mode,
        "controlPlane": match state.config.control_plane() {
            ControlPlane::Off => "off",
            ControlPlane::Observe => "observe",
            ControlPlane::Full => "full",
        },
        "clockOffsetSeconds": state.clock.offset_seconds(),
    }))
}
