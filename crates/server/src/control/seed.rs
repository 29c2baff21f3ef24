//! `POST /_partnerd/partners/{partner}/seed` with `{"count": N, "seed": S}`: N synthetic
//! customers, all the same for the same partner and seed on any store (ids, names, domains,
//! every member; created at the server clock's now). All are added in one transaction, or
//! none: a taken id or domain (the same seed used before for this partner) refuses the lot.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use partnerd_model::synthetic::Generator;
use partnerd_model::PartnerId;
use partnerd_store::{CustomerRecord, Restore, RestoreRow, Restored};
use serde::Deserialize;
use serde_json::{json, Value};

use super::params::{json_command, parse_partner};
use super::ControlState;
use crate::ApiError;

/// The most customers one seed request adds.
const MAX_COUNT: u64 = 1_000_000;
/// Customers generated and sent to the store at a time.
const BATCH: u64 = 5_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Seed {
    count: u64,
    seed: u64,
    /// The partner's indirect resellers, added with the customers (the same id again
    /// replaces one).
    #[serde(default)]
    resellers: Vec<partnerd_model::partner_relationship::Reseller>,
    /// The partner's GCC validation codes (`{"validationId", "organizationName",
    /// "maxCreates"}`), added with the customers (the same id again replaces one).
    #[serde(default)]
    validation_codes: Vec<super::accounts::NewCode>,
    /// Users each customer gets besides its admin; with any, also the example SKUs.
    #[serde(default)]
    users: Option<u32>,
}

pub(super) async fn seed(
    State(state): State<ControlState>,
    Path(partner): Path<String>,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let partner = parse_partner(&partner)?;
    let Seed { count, seed, resellers, validation_codes, users } = json_command(body).await?;
    if users.is_some_and(|n| n > super::seed_directory::MAX_USERS) {
        return Err(ApiError::invalid(format!("users must be at most {}.", super::seed_directory::MAX_USERS))
            .with_data("users"));
    }
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(ApiError::invalid(format!("count must be between 1 and {MAX_COUNT}.")).with_data(count.to_string()));
    }
    let resellers = resellers.into_iter().map(super::accounts::checked).collect::<Result<Vec<_>, _>>()?;
    let codes =
        validation_codes.into_iter().map(|c| super::accounts::new_code(&partner, c)).collect::<Result<Vec<_>, _>>()?;
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let created_at = state.clock.unix_seconds();
    let owner = partner.clone();
    let producer = tokio::task::spawn_blocking(move || generate(&owner, seed, count, users, created_at, tx));
    let outcome = state.store.add_all(rx).await?;
    let _ = producer.await;
    match outcome {
        Restored::Done { customers } => {
            for reseller in &resellers {
                state.store.put_account_item(&partner, super::accounts::reseller_item(reseller, created_at)).await?;
            }
            for code in &codes {
                state.store.put_account_item(&partner, super::accounts::code_item(code, created_at)).await?;
            }
            tracing::info!(partner = %partner, seed, customers, "seeded");
            Ok((StatusCode::CREATED, Json(json!({"partner": partner.as_str(), "seed": seed, "customers": customers}))))
        }
        Restored::Conflict { line } => Err(ApiError::new(
            StatusCode::CONFLICT,
            600006,
            format!(
                "Customer {line} of seed {seed} has an id or domain that is already taken (was this seed used for \
                 this partner before?); nothing was added."
            ),
        )),
        Restored::Abandoned => Err(ApiError::internal()),
    }
}

/// Sends the generated customers in batches, then `Commit`; stops when the store stops.
fn generate(
    partner: &PartnerId,
    seed: u64,
    count: u64,
    users: Option<u32>,
    created_at: i64,
    tx: tokio::sync::mpsc::Sender<Restore>,
) {
    let mut generator = Generator::deterministic(seed, partner);
    let mut made = 0;
    while made < count {
        let n = BATCH.min(count - made);
        let batch = (made + 1..=made + n)
            .map(|line| {
                let (new, ids) = generator.next_new();
                let (record, customer) = CustomerRecord::new(new, ids);
                // A generated directory always checks: its roles and SKUs are partnerd's own.
                let directory =
                    users.and_then(|n| super::seed_directory::directory(seed, &customer, n, created_at).ok());
                RestoreRow {
                    line,
                    partner: Some(partner.as_str().to_string()),
                    record: record.with_created_at(created_at),
                    items: Vec::new(),
                    directory,
                }
            })
            .collect();
        if tx.blocking_send(Restore::Rows(batch)).is_err() {
            return;
        }
        made += n;
    }
    let _ = tx.blocking_send(Restore::Commit);
}
