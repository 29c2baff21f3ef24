//! `GET|PUT /_partnerd/snapshot[?partner=GUID]`: every stored customer as JSON lines (the
//! format of `partnerd_store::snapshot`: the partners' own items first, then the customers),
//! and the state replaced by such a file.
//!
//! Export streams page by page (1,000 customers a query) while writes go on, so under
//! concurrent writes it is not a point-in-time copy. Import streams too, into one
//! transaction that commits only after the last line was read and found good: a bad line
//! anywhere answers 400 naming it, and nothing changes.

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt;
use partnerd_model::PartnerId;
use partnerd_store::snapshot::{self, Decoded};
use partnerd_store::{ControlStore, Restore, Restored, StoreError};
use serde_json::{json, Value};
use tokio::sync::mpsc::Sender;

use super::params::Params;
use super::ControlState;
use crate::ApiError;

/// Customers read per query while exporting.
const PAGE: usize = 1_000;
/// Customers sent to the store at a time while importing.
const BATCH: usize = 1_000;
/// The largest snapshot accepted (far beyond the API's 1 MiB bodies: a million customers).
const MAX_SNAPSHOT_BYTES: usize = 8 << 30;
/// The longest line: one customer, which the API keeps under 1 MiB.
const MAX_LINE_BYTES: usize = 1 << 20;

pub(super) async fn export(State(state): State<ControlState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let partner = Params::parse(query.as_deref(), &["partner"])?.partner()?;
    let store = state.store.clone();
    let own: String =
        store.partner_items(partner.as_ref()).await?.iter().map(|p| snapshot::encode_partner(p) + "\n").collect();
    // The state is the id to continue after; `None` once the last page was sent.
    let pages = futures::stream::try_unfold(Some(String::new()), move |after| {
        let (store, partner) = (store.clone(), partner.clone());
        async move { next_page(&store, partner.as_ref(), after).await }
    });
    let lines = futures::stream::once(async move { Ok::<_, StoreError>(Bytes::from(own)) }).chain(pages);
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], Body::from_stream(lines)).into_response())
}

async fn next_page(
    store: &ControlStore,
    partner: Option<&PartnerId>,
    after: Option<String>,
) -> Result<Option<(Bytes, Option<String>)>, StoreError> {
    let Some(after) = after else { return Ok(None) };
    let rows = store.snapshot_page(partner, Some(&after), PAGE).await?;
    let Some(last) = rows.last() else { return Ok(None) };
    let next = (rows.len() == PAGE).then(|| last.id.clone());
    let mut text = String::with_capacity(rows.iter().map(|r| r.doc.len() + 100).sum());
    for row in &rows {
        text.push_str(&snapshot::encode(row));
        text.push('\n');
    }
    Ok(Some((Bytes::from(text), next)))
}

pub(super) async fn import(
    State(state): State<ControlState>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let partner = Params::parse(query.as_deref(), &["partner"])?.partner()?;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let (store, scope) = (state.store.clone(), partner.clone());
    let load = tokio::spawn(async move { store.restore(scope.as_ref(), rx).await });
    let read = feed(body, partner.as_ref(), &tx).await;
    if read.is_ok() {
        let _ = tx.send(Restore::Commit).await;
    }
    drop(tx);
    let outcome = load.await.map_err(|_| ApiError::internal())??;
    read?;
    match outcome {
        Restored::Done { customers } => {
            tracing::info!(partner = ?partner.as_ref().map(|p| p.as_str()), customers, "snapshot restored");
            Ok(Json(json!({"partner": partner.as_ref().map(|p| p.as_str()), "customers": customers})))
        }
        Restored::Conflict { line } => Err(ApiError::new(
            StatusCode::CONFLICT,
            600006,
            format!(
                "Line {line}: its customer id or domain is already taken (by an earlier line, or by a customer \
                 outside the partner restored); nothing was changed."
            ),
        )
        .with_data(format!("line {line}"))),
        Restored::Abandoned => Err(ApiError::internal()),
    }
}

/// Reads the body line by line into batches for the store; `Err` (and nothing is committed)
/// on the first bad line. Stops quietly when the store stopped taking rows (a conflict).
async fn feed(body: Body, scope: Option<&PartnerId>, tx: &Sender<Restore>) -> Result<(), ApiError> {
    let mut chunks = body.into_data_stream();
    let (mut pending, mut batch, mut number, mut total) = (Vec::new(), Vec::new(), 0u64, 0usize);
    loop {
        let chunk =
            chunks.next().await.transpose().map_err(|e| ApiError::invalid(format!("Reading the body: {e}.")))?;
        let end = chunk.is_none();
        if let Some(chunk) = chunk {
            total += chunk.len();
            if total > MAX_SNAPSHOT_BYTES {
                return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, 800002, "The snapshot is larger than 8 GiB."));
            }
            pending.extend_from_slice(&chunk);
        } else {
            pending.push(b'\n');
        }
        while let Some(at) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=at).collect();
            number += 1;
            // A partner's line goes to the store at once; false when the store stopped taking.
            let taken = match parse(&line, number, scope)? {
                Some(Decoded::Customer(row)) => {
                    batch.push(*row);
                    true
                }
                Some(Decoded::Partner(own)) => tx.send(Restore::Partner(own)).await.is_ok(),
                None => true,
            };
            if !taken {
                return Ok(());
            }
        }
        if pending.len() > MAX_LINE_BYTES {
            return Err(bad_line(number + 1, "longer than 1 MiB"));
        }
        let full = batch.len() >= BATCH || end;
        if full && (tx.send(Restore::Rows(std::mem::take(&mut batch))).await.is_err() || end) {
            return Ok(());
        }
    }
}

fn parse(line: &[u8], number: u64, scope: Option<&PartnerId>) -> Result<Option<Decoded>, ApiError> {
    let text = std::str::from_utf8(line).map_err(|_| bad_line(number, "not UTF-8"))?.trim();
    if text.is_empty() {
        return Ok(None);
    }
    snapshot::decode_line(text, number, scope).map(Some).map_err(|why| bad_line(number, &why))
}

fn bad_line(number: u64, why: &str) -> ApiError {
    ApiError::invalid(format!("Line {number}: {why}; nothing was changed.")).with_data(format!("line {number}"))
}
