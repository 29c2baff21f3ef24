//! The control plane's side of customer accounts: Partner Center's reviewer (approve or deny a
//! qualification waiting for review) and the partner's indirect resellers (partners that
//! partnerd does not otherwise create).
//!
//! - `POST /_partnerd/partners/{partner}/customers/{id}/qualifications/{qualification}` with
//!   `{"vettingStatus": "Approved"|"Denied", "vettingReason": "…"}`: 200 and the qualification;
//!   409 unless it is `InReview`.
//! - `POST /_partnerd/partners/{partner}/resellers` with `{"id", "name", "mpnId"?, "location"?}`:
//!   201; the same id again replaces the reseller.
//! - `POST /_partnerd/partners/{partner}/addressfixtures` with `{"address", "status",
//!   "suggestedAddresses"?, "validationMessage"?}`: 201; what address validation answers the
//!   partner for that address from then on (the same address again replaces it).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use partnerd_model::address_fixture::AddressFixture;
use partnerd_model::partner_relationship::Reseller;
use partnerd_model::qualification::{CustomerQualification, APPROVED, DENIED, IN_REVIEW};
use partnerd_model::validation_code::ValidationCode;
use partnerd_model::{parse_guid, PartnerId};
use partnerd_store::{AccountItem, ItemKind};
use serde::Deserialize;
use serde_json::Value;

use super::params::{json_command, parse_partner};
use super::ControlState;
use crate::ApiError;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Verdict {
    vetting_status: String,
    #[serde(default)]
    vetting_reason: Option<String>,
}

/// Approves or denies a qualification waiting for review.
pub(super) async fn review(
    State(state): State<ControlState>,
    Path((partner, customer, qualification)): Path<(String, String, String)>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let partner = parse_partner(&partner)?;
    let verdict: Verdict = json_command(body).await?;
    let status = [APPROVED, DENIED]
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(verdict.vetting_status.trim()))
        .ok_or_else(|| ApiError::invalid("vettingStatus must be Approved or Denied.").with_data("vettingStatus"))?;
    let customer = parse_guid(&customer).ok_or_else(|| ApiError::bad_customer_id(&customer))?;
    // Items go with their customer (deleted together), so finding the qualification also
    // finds the customer.
    let items = state.store.account_items(&partner, &customer, ItemKind::Qualification).await?;
    let found = items.into_iter().find(|i| i.key.eq_ignore_ascii_case(&qualification)).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, 1000, format!("No such customer with a {qualification} qualification."))
    })?;
    let mut current: CustomerQualification = serde_json::from_str(&found.doc).map_err(|_| ApiError::internal())?;
    if current.vetting_status.as_deref() != Some(IN_REVIEW) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            800002,
            format!("The {} qualification is not waiting for review.", current.qualification),
        ));
    }
    current.vetting_status = Some(status.to_string());
    current.vetting_reason = verdict.vetting_reason.filter(|r| status == DENIED && !r.trim().is_empty());
    let doc = serde_json::to_string(&current).expect("qualifications serialise");
    state.store.put_account_item(&partner, AccountItem { doc, ..found }).await?;
    Ok(Json(serde_json::to_value(&current).expect("qualifications serialise")))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Statuses {
    #[serde(default)]
    direct_signed: Option<bool>,
    #[serde(default)]
    validation_status: Option<String>,
}

/// Sets a customer's direct-signing status and/or account validation status (stamped with
/// the server clock's now).
pub(super) async fn set_status(
    State(state): State<ControlState>,
    Path((partner, customer)): Path<(String, String)>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    use crate::routes::account_status::{DIRECT_SIGNED, VALIDATION};
    use partnerd_model::account_status::{validation_status, DirectSignStatus, ValidationStatus};
    let partner = parse_partner(&partner)?;
    let set: Statuses = json_command(body).await?;
    let validation = set
        .validation_status
        .as_deref()
        .map(validation_status)
        .transpose()
        .map_err(|e| ApiError::invalid(format!("{e}.")).with_data("validationStatus"))?;
    let customer = parse_guid(&customer).ok_or_else(|| ApiError::bad_customer_id(&customer))?;
    if !state.store.has_customer(&partner, &customer).await? {
        return Err(ApiError::customer_not_found());
    }
    let now = state.clock.unix_seconds();
    let mut answer = serde_json::Map::new();
    if let Some(signed) = set.direct_signed {
        let doc = serde_json::to_string(&DirectSignStatus { is_signed: signed }).expect("statuses serialise");
        state
            .store
            .put_account_item(&partner, AccountItem::new(&customer, ItemKind::Status, DIRECT_SIGNED, doc, now))
            .await?;
        answer.insert("directSigned".into(), signed.into());
    }
    if let Some(status) = validation {
        let value = ValidationStatus {
            validation_type: "account".into(),
            status: status.into(),
            last_update_date_time: partnerd_model::date_time::format(now),
        };
        let doc = serde_json::to_string(&value).expect("statuses serialise");
        state
            .store
            .put_account_item(&partner, AccountItem::new(&customer, ItemKind::Status, VALIDATION, doc, now))
            .await?;
        answer.insert("validationStatus".into(), serde_json::to_value(value).expect("statuses serialise"));
    }
    Ok(Json(Value::Object(answer)))
}

/// A GCC validation code as the control plane and the seed are given it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct NewCode {
    validation_id: String,
    organization_name: String,
    max_creates: u64,
}

/// Adds (or replaces) one of the partner's GCC validation codes, with all its creates left.
pub(super) async fn add_validation_code(
    State(state): State<ControlState>,
    Path(partner): Path<String>,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let partner = parse_partner(&partner)?;
    let code = new_code(&partner, json_command(body).await?)?;
    state.store.put_account_item(&partner, code_item(&code, state.clock.unix_seconds())).await?;
    Ok((StatusCode::CREATED, Json(serde_json::to_value(code).expect("codes serialise"))))
}

/// The partner's new code with all its creates left, or the 400 naming what is wrong.
pub(super) fn new_code(partner: &PartnerId, new: NewCode) -> Result<ValidationCode, ApiError> {
    let id = new.validation_id.trim();
    if id.is_empty() || id.len() > 64 || id.chars().any(char::is_control) {
        return Err(ApiError::invalid("validationId must be 1 to 64 printable characters.").with_data("validationId"));
    }
    if new.organization_name.trim().is_empty() {
        return Err(ApiError::invalid("organizationName is required.").with_data("organizationName"));
    }
    Ok(ValidationCode {
        partner_id: partner.as_str().to_string(),
        organization_name: new.organization_name.trim().to_string(),
        validation_id: id.to_string(),
        max_creates: new.max_creates,
        remaining_creates: new.max_creates,
        e_tag: partnerd_model::assemble::new_etag(),
    })
}

/// A code as the partner-level item the store keeps.
pub(super) fn code_item(code: &ValidationCode, now: i64) -> AccountItem {
    let doc = serde_json::to_string(code).expect("codes serialise");
    AccountItem::new("", ItemKind::ValidationCode, code.validation_id.clone(), doc, now)
}

/// Adds (or replaces) one of the partner's indirect resellers.
pub(super) async fn add_reseller(
    State(state): State<ControlState>,
    Path(partner): Path<String>,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let partner = parse_partner(&partner)?;
    let reseller = checked(json_command(body).await?)?;
    let item = reseller_item(&reseller, state.clock.unix_seconds());
    state.store.put_account_item(&partner, item).await?;
    Ok((StatusCode::CREATED, Json(serde_json::to_value(reseller.relationship()).expect("relationships serialise"))))
}

/// A reseller with its id in canonical form and a name, or the 400 naming what is wrong.
pub(super) fn checked(mut reseller: Reseller) -> Result<Reseller, ApiError> {
    reseller.id = parse_guid(&reseller.id)
        .ok_or_else(|| ApiError::invalid("id must be the reseller's tenant GUID.").with_data("id"))?;
    if reseller.name.trim().is_empty() {
        return Err(ApiError::invalid("name is required.").with_data("name"));
    }
    Ok(reseller)
}

/// Sets what `POST /v1/validations/address` answers the partner for one address.
pub(super) async fn add_address_fixture(
    State(state): State<ControlState>,
    Path(partner): Path<String>,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let partner = parse_partner(&partner)?;
    let fixture: AddressFixture = json_command(body).await?;
    let fixture = fixture.checked().map_err(|(member, why)| ApiError::invalid(format!("{why}.")).with_data(member))?;
    let doc = serde_json::to_string(&fixture).expect("fixtures serialise");
    let item = AccountItem::new("", ItemKind::AddressFixture, fixture.key(), doc, state.clock.unix_seconds());
    state.store.put_account_item(&partner, item).await?;
    Ok((StatusCode::CREATED, Json(serde_json::to_value(fixture).expect("fixtures serialise"))))
}

/// A checked reseller as the partner-level item the store keeps.
pub(super) fn reseller_item(reseller: &Reseller, now: i64) -> AccountItem {
    let doc = serde_json::to_string(reseller).expect("resellers serialise");
    AccountItem::new("", ItemKind::Reseller, reseller.id.clone(), doc, now)
}
