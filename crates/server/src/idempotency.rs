//! MS-RequestId idempotency (spec §6), server half: the request's fingerprint, and the kept
//! response sealed with the server key (a create response holds the admin password, which
//! must never rest in the database in plain text). The store keeps and races the records.

use axum::http::{header, Method, StatusCode};
use partnerd_store::{Applied, Idempotency, KeptResponse, Mutation, PartnerStore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::{ApiError, AppState};

const PURPOSE: &[u8] = b"partnerd kept response v1";

/// How long kept responses are guaranteed to replay (by the server's clock); after this they
/// replay nothing and are purged.
pub(crate) const KEEP_SECS: i64 = 25 * 3600;

/// What a mutation will answer on success, and how to keep that answer.
pub(crate) struct Outcome {
    pub status: StatusCode,
    pub root: &'static str,
    pub json: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    root: String,
    json: Option<String>,
    location: Option<String>,
    etag: Option<String>,
}

impl Outcome {
    pub fn reply(&self) -> Reply {
        let mut reply = match &self.json {
            Some(json) => Reply::ok_json(self.root, json.clone()).status(self.status),
            None => Reply::empty(self.status),
        };
        if let Some(location) = &self.location {
            reply = reply.header(header::LOCATION, location);
        }
        if let Some(etag) = &self.etag {
            reply = reply.etag(etag);
        }
        reply
    }
}

/// Applies `mutation` to the caller's customers, in one store transaction with its
/// idempotency record when the client sent an MS-RequestId, and answers: `outcome` when it
/// was applied, the kept answer on a replay, the contract's error otherwise. `identity` is
/// what makes two requests "the same" besides the method: path, preconditions, canonical body.
pub(crate) async fn apply(
    state: &AppState,
    store: &PartnerStore,
    ids: &RequestIds,
    method: Method,
    identity: &[&str],
    mutation: Mutation,
    outcome: Outcome,
) -> Result<Reply, ApiError> {
    let idem = record(state, ids, &method, identity, &outcome);
    let applied = store.apply(mutation, idem).await?;
    settle(state, applied, outcome)
}

/// As [`apply`] for a mutation that adds an item, answering `duplicate` when the store finds
/// an item with the same key (each resource words that refusal its own way).
pub(crate) async fn apply_unique(
    state: &AppState,
    store: &PartnerStore,
    ids: &RequestIds,
    (method, identity): (Method, &[&str]),
    mutation: Mutation,
    outcome: Outcome,
    duplicate: ApiError,
) -> Result<Reply, ApiError> {
    let idem = record(state, ids, &method, identity, &outcome);
    match store.apply(mutation, idem).await? {
        Applied::Exists => Err(duplicate),
        applied => settle(state, applied, outcome),
    }
}

/// The idempotency record for this request, when the client sent an MS-RequestId.
fn record(
    state: &AppState,
    ids: &RequestIds,
    method: &Method,
    identity: &[&str],
    outcome: &Outcome,
) -> Option<Idempotency> {
    let request_id = ids.client_request_id.clone()?;
    let mut hash = Sha256::new();
    hash.update(method.as_str());
    for part in identity {
        hash.update([0]);
        hash.update(part);
    }
    let sealed = Sealed {
        root: outcome.root.to_string(),
        json: outcome.json.clone(),
        location: outcome.location.clone(),
        etag: outcome.etag.clone(),
    };
    let body = state.vault.seal(PURPOSE, &serde_json::to_vec(&sealed).expect("kept responses serialise"));
    let now = state.clock.unix_seconds();
    Some(Idempotency {
        request_id,
        fingerprint: hash.finalize().to_vec(),
        response: KeptResponse { status: outcome.status.as_u16(), body },
        now,
        expired_before: now - KEEP_SECS,
    })
}

/// The answer to a mutation the store has settled: the outcome itself when it was applied,
/// the kept answer on a replay, the contract's error otherwise.
fn settle(state: &AppState, applied: Applied, outcome: Outcome) -> Result<Reply, ApiError> {
    match applied {
        Applied::Done => Ok(outcome.reply()),
        Applied::Replay(kept) => {
            crate::observe::metrics::idempotent_replay();
            replay(state, kept)
        }
        Applied::Mismatch => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            800002,
            "This MS-RequestId was already used for a different request.",
        )),
        Applied::NotFound => Err(ApiError::customer_not_found()),
        Applied::Stale => Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            2055,
            "The billing profile was changed since it was read (etag mismatch); read it again.",
        )),
        Applied::UserNotFound => Err(ApiError::user_not_found()),
        Applied::UserTaken => Err(ApiError::new(
            StatusCode::CONFLICT,
            800002,
            "Another object with the same value for property userPrincipalName already exists.",
        )),
        Applied::Refused(refusal) => Err(crate::directory_errors::refusal(refusal)),
        Applied::LimitReached => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            900127,
            "This sandbox has reached its customer limit; delete customers to create more.",
        )),
        Applied::Exists => Err(ApiError::new(StatusCode::CONFLICT, 800002, "This item exists already.")),
    }
}

fn replay(state: &AppState, kept: KeptResponse) -> Result<Reply, ApiError> {
    let plain = state.vault.open(PURPOSE, &kept.body).ok_or_else(|| {
        tracing::error!("a kept response does not open with the server key");
        ApiError::internal()
    })?;
    let sealed: Sealed = serde_json::from_slice(&plain).map_err(|_| ApiError::internal())?;
    let root = match sealed.root.as_str() {
        "Customer" => "Customer",
        "CustomerBillingProfile" => "CustomerBillingProfile",
        "Agreement" => "Agreement",
        "CustomerQualification" => "CustomerQualification",
        "CustomerUser" => "CustomerUser",
        "UserMember" => "UserMember",
        "LicenseUpdate" => "LicenseUpdate",
        _ => "Error",
    };
    let status = StatusCode::from_u16(kept.status).map_err(|_| ApiError::internal())?;
    Ok(Outcome { status, root, json: sealed.json, location: sealed.location, etag: sealed.etag }.reply())
}
