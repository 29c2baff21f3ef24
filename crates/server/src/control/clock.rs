//! `GET|POST /_partnerd/clock`: time travel. The offset is stored in the database, so every
//! instance on it moves (see `shared.rs`); token expiry, continuation-token expiry and
//! idempotency retention all follow it.

use axum::body::Body;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::params::json_command;
use super::ControlState;
use crate::{ApiError, AppState};

/// The furthest the clock may be moved either way (50 years): far enough for any expiry,
/// near enough that the shifted time stays after 1970 and every time computation fits.
const MAX_OFFSET_SECS: i64 = 50 * 365 * 24 * 3600;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Move {
    offset_seconds: Option<i64>,
    advance_seconds: Option<i64>,
}

pub(super) async fn show(State(state): State<AppState>) -> Json<Value> {
    state.shared.refresh().await;
    Json(now(&state))
}

pub(super) async fn set(State(state): State<ControlState>, body: Body) -> Result<Json<Value>, ApiError> {
    let command: Move = json_command(body).await?;
    state.shared.refresh().await;
    let offset = match (command.offset_seconds, command.advance_seconds) {
        (Some(offset), None) => offset,
        (None, Some(advance)) => state.clock.offset_seconds().saturating_add(advance),
        _ => return Err(ApiError::invalid("Give exactly one of offsetSeconds and advanceSeconds (whole seconds).")),
    };
    if offset.abs() > MAX_OFFSET_SECS {
        return Err(ApiError::invalid(format!(
            "The clock offset would be {offset} s; it must stay within ±{MAX_OFFSET_SECS} s (50 years)."
        )));
    }
    state.shared.set_clock_offset(&state.store, offset).await?;
    tracing::info!(offset_seconds = offset, "clock moved");
    Ok(Json(now(&state)))
}

fn now(state: &AppState) -> Value {
    json!({
        "offsetSeconds": state.clock.offset_seconds(),
        "now": humantime::format_rfc3339_seconds(state.clock.now()).to_string(),
    })
}
