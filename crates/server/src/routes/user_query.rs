//! The users list's query (users-api §4) and its continuation tokens.
//!
//! Tokens work as the customers list's (customers-api §4.4): sealed with the server key, so
//! they cannot be read, forged or edited, bound to the partner, and expiring by the server's
//! clock. A user token also binds its customer and its state filter, and is sealed for its
//! own purpose, so no customers token opens as one (nor the reverse).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use partnerd_model::SeekOperation;
use partnerd_store::Position;
use serde::{Deserialize, Serialize};

use crate::{ApiError, AppState};

const PURPOSE: &[u8] = b"partnerd user continuation token v1";
/// Longer tokens are refused before any work is done on them.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// What the query string asks for; `None` where it does not say.
#[derive(Debug, Default)]
pub(crate) struct UserParams {
    pub size: Option<usize>,
    /// `Some(true)`: the deleted-users filter; `Some(false)`: the active-users filter.
    pub deleted: Option<bool>,
    pub seek: Option<SeekOperation>,
}

impl UserParams {
    pub fn parse(raw_query: &str) -> Result<UserParams, ApiError> {
        let mut params = UserParams::default();
        for (name, value) in form_urlencoded::parse(raw_query.as_bytes()) {
            match name.to_ascii_lowercase().as_str() {
                "size" => params.size = Some(crate::list_query::parse_size(&value)?),
                "filter" => params.deleted = Some(state_filter(&value)?),
                "seekoperation" => {
                    params.seek = Some(SeekOperation::parse(&value).ok_or_else(|| {
                        ApiError::invalid_enum(format!(
                            "seekOperation '{value}' is not one of Next, Previous, First, Last."
                        ))
                    })?)
                }
                "sortfield" | "sortoption.sortfield" => sort_field(&value)?,
                "sortdirection" | "sortoption.sortdirection" => sort_direction(&value)?,
                _ => {}
            }
        }
        Ok(params)
    }
}

/// The documented filter, `{"Field":"UserState","Value":"Inactive","Operator":"equals"}`
/// (keys in any case; `UserStatus` as the field, as the docs' own self link spells it).
fn state_filter(json: &str) -> Result<bool, ApiError> {
    let refuse =
        |why: &str| ApiError::new(axum::http::StatusCode::BAD_REQUEST, 2000, why.to_string()).with_data("filter");
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|_| ApiError::invalid("filter is not a JSON object.").with_data("filter"))?;
    let object =
        value.as_object().ok_or_else(|| ApiError::invalid("filter is not a JSON object.").with_data("filter"))?;
    let member = |name: &str| {
        object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| match v {
            serde_json::Value::String(s) => s.trim().to_ascii_lowercase(),
            other => other.to_string(),
        })
    };
    match member("field").as_deref() {
        Some("userstate" | "userstatus") => {}
        _ => return Err(refuse("The users filter supports only the field UserState.")),
    }
    match member("operator").as_deref() {
        None | Some("equals" | "0") => {}
        _ => return Err(refuse("The users filter supports only the operator equals.")),
    }
    match member("value").as_deref() {
        Some("inactive") => Ok(true),
        Some("active") => Ok(false),
        _ => Err(ApiError::invalid("filter Value must be Active or Inactive.").with_data("filter")),
    }
}

/// Only the order users are listed in is offered: by display name. Java quotes the value.
fn sort_field(value: &str) -> Result<(), ApiError> {
    if value.trim().trim_matches('"').eq_ignore_ascii_case("DisplayName") {
        Ok(())
    } else {
        Err(ApiError::invalid_enum(format!("sortField '{value}' is not supported; users sort by DisplayName."))
            .with_data("sortField"))
    }
}

fn sort_direction(value: &str) -> Result<(), ApiError> {
    match value.trim().trim_matches('"').to_ascii_lowercase().as_str() {
        "ascending" | "asc" => Ok(()),
        _ => Err(ApiError::invalid_enum(format!("sortDirection '{value}' is not supported; users sort Ascending."))
            .with_data("sortDirection")),
    }
}

/// What a user token says about the page it was issued with.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UserCursor {
    pub customer: String,
    /// The role whose members are listed; `None`: the users list.
    pub role: Option<String>,
    pub deleted: bool,
    pub size: usize,
    pub next: Option<Position>,
    pub previous: Option<(Position, bool)>,
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    p: String,
    c: String,
    r: Option<String>,
    d: bool,
    s: usize,
    n: Option<(String, String)>,
    b: Option<(String, String, bool)>,
    e: i64,
}

pub(crate) fn seal(state: &AppState, partner: &str, cursor: &UserCursor) -> String {
    let sealed = Sealed {
        p: partner.to_string(),
        c: cursor.customer.clone(),
        r: cursor.role.clone(),
        d: cursor.deleted,
        s: cursor.size,
        n: cursor.next.as_ref().map(|p| (p.key.clone(), p.id.clone())),
        b: cursor.previous.as_ref().map(|(p, inclusive)| (p.key.clone(), p.id.clone(), *inclusive)),
        e: state.clock.unix_seconds() + state.config.continuation_ttl.as_secs() as i64,
    };
    let plain = serde_json::to_vec(&sealed).expect("cursors serialise");
    URL_SAFE_NO_PAD.encode(state.vault.seal(PURPOSE, &plain))
}

/// Opens a token for this partner and customer; every failure is the same kind of 400.
pub(crate) fn open(
    state: &AppState,
    partner: &str,
    customer: &str,
    role: Option<&str>,
    token: &str,
) -> Result<UserCursor, ApiError> {
    let invalid = |why: &str| ApiError::invalid(format!("The continuation token is not valid: {why}."));
    let sealed: Sealed = (token.len() <= MAX_TOKEN_LEN)
        .then(|| URL_SAFE_NO_PAD.decode(token.trim()).ok())
        .flatten()
        .and_then(|bytes| state.vault.open(PURPOSE, &bytes))
        .and_then(|plain| serde_json::from_slice(&plain).ok())
        .ok_or_else(|| invalid("it could not be verified"))?;
    if sealed.p != partner || sealed.c != customer || sealed.r.as_deref() != role {
        return Err(invalid("it was issued for another list"));
    }
    if sealed.e < state.clock.unix_seconds() {
        return Err(invalid("it has expired"));
    }
    Ok(UserCursor {
        customer: sealed.c,
        role: sealed.r,
        deleted: sealed.d,
        size: sealed.s,
        next: sealed.n.map(|(key, id)| Position { key, id }),
        previous: sealed.b.map(|(key, id, inclusive)| (Position { key, id }, inclusive)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_sorts() {
        let q = "filter=%7B%22field%22%3A%22UserState%22%2C%22value%22%3A%22Inactive%22%2C%22operator%22%3A%22equals%22%7D&size=0&sortField=%22DisplayName%22";
        let p = UserParams::parse(q).unwrap();
        assert_eq!((p.deleted, p.size), (Some(true), Some(500)));
        assert_eq!(
            UserParams::parse("filter=%7B%22Field%22%3A%22UserStatus%22%2C%22Value%22%3A%22Active%22%7D")
                .unwrap()
                .deleted,
            Some(false)
        );
        assert_eq!(
            UserParams::parse("filter=%7B%22Field%22%3A%22Email%22%2C%22Value%22%3A%22a%22%7D")
                .unwrap_err()
                .body()
                .code,
            2000
        );
        assert_eq!(UserParams::parse("filter=nope").unwrap_err().body().code, 800002);
        assert_eq!(UserParams::parse("sortDirection=Descending").unwrap_err().body().code, 900126);
        assert!(UserParams::parse("sortDirection=ascending&sortField=displayname").is_ok());
    }
}
