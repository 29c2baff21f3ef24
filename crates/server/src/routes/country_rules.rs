//! Country rules and address validation, both answered from the one country table
//! (`partnerd_model::countries`) that customer create also checks against.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use partnerd_model::address_check::{self, AddressValidationResponse};
use partnerd_model::address_fixture::{self, AddressFixture};
use partnerd_model::countries::{self, CountryRules};
use partnerd_model::Address;
use partnerd_store::ItemKind;

use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::reply::Reply;
use crate::routes::account_common::parse_items;
use crate::ApiError;

/// The SDKs that read the address answer as a bare JSON boolean, by the
/// `MS-PartnerCenter-Client` header they send.
const BOOLEAN_CLIENTS: &[&str] = &["Partner Center Java SDK", "Partner Center PowerShell"];

fn known(country: &str) -> Result<&'static CountryRules, ApiError> {
    countries::rules(country.trim()).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, 1000, format!("No validation rules exist for country '{country}'."))
            .with_data(country.to_string())
    })
}

/// GET /v1/countryvalidationrules/{country}: the country's rules, the code read in any case.
pub(crate) async fn rules(_partner: VerifiedPartner, Path(country): Path<String>) -> Result<Reply, ApiError> {
    Ok(Reply::ok("CountryValidationRules", &known(&country)?.resource()))
}

/// POST /v1/validations/address: the verdict on an address under its country's rules, or
/// what the control plane set for it (an address fixture of the partner's).
pub(crate) async fn validate_address(
    partner: VerifiedPartner,
    headers: HeaderMap,
    body: Body,
) -> Result<Reply, ApiError> {
    let (address, unreadable) = body.read_partly::<Address>()?;
    let rules = address.country.as_deref().and_then(|c| countries::rules(c.trim()));
    match address_check::check_request(&address, rules) {
        Ok(()) if unreadable.is_empty() => {}
        checked => return Err(ApiError::refused(unreadable, checked.err())),
    }
    let rules = known(address.country.as_deref().unwrap_or_default())?;
    let fixtures = partner.store().items("", ItemKind::AddressFixture).await?;
    let key = address_fixture::key(&address);
    let verdict: AddressValidationResponse = match fixtures.into_iter().find(|f| f.key == key) {
        Some(found) => parse_items::<AddressFixture>(vec![found])?.remove(0).answer(address),
        None => address_check::validate(address, rules),
    };
    let client = headers.get("MS-PartnerCenter-Client").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if BOOLEAN_CLIENTS.iter().any(|c| c.eq_ignore_ascii_case(client.trim())) {
        return Ok(Reply::ok("Boolean", &verdict.is_valid()));
    }
    Ok(Reply::ok("AddressValidationResponse", &verdict))
}
