//! `POST /_partnerd/reset[?partner=GUID][&keys=true]`: forget customers and kept responses
//! (everybody's, or one partner's), optionally with a new continuation-token key.

use axum::extract::{RawQuery, State};
use axum::Json;
use serde_json::{json, Value};

use super::params::Params;
use super::ControlState;
use crate::ApiError;

pub(super) async fn reset(
    State(state): State<ControlState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = Params::parse(query.as_deref(), &["partner", "keys"])?;
    let partner = params.partner()?;
    let keys = params.flag("keys")?;
    if keys && partner.is_some() {
        // The key is every partner's: rotating it would end other partners' walks too.
        return Err(ApiError::invalid("keys=true resets the key every partner shares; use it without ?partner."));
    }
    let removed = state.store.reset(partner.as_ref()).await?;
    // This instance's journal, fault rules and guidance tallies go with the customers.
    state.traffic.clear(partner.as_ref());
    if keys {
        state.shared.rotate_key(&state.store).await?;
    }
    tracing::info!(partner = ?partner.as_ref().map(|p| p.as_str()), customers = removed.customers, keys, "reset");
    Ok(Json(json!({
        "partner": partner.as_ref().map(|p| p.as_str()),
        "customers": removed.customers,
        "keptResponses": removed.kept_responses,
        "keysRotated": keys,
    })))
}
