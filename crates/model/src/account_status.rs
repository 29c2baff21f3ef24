//! Two statuses Partner Center keeps about a customer and partnerd lets the control plane set:
//! whether the customer signed the Microsoft Customer Agreement itself (direct signing, which
//! makes the partner's attestation unnecessary) and its account validation status.

use serde::{Deserialize, Serialize};

/// The validation statuses Partner Center answers.
pub const VALIDATION_STATUSES: &[&str] = &["Allowed", "UnderReview", "NotAllowed", "Unknown"];

/// `GET /v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DirectSignStatus {
    pub is_signed: bool,
}

/// `GET /v1/customers/{id}/validationStatus?type=account`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ValidationStatus {
    #[serde(rename = "type")]
    pub validation_type: String,
    pub status: String,
    pub last_update_date_time: String,
}

/// The `type` query: `account` (the docs) or `Account` (.NET's enum name); nothing else exists.
pub fn validation_type(query: Option<&str>) -> Result<(), String> {
    match query.map(str::trim) {
        Some(t) if t.eq_ignore_ascii_case("account") => Ok(()),
        Some(t) => Err(format!("type must be account, not {t}")),
        None => Err("type is required (account)".into()),
    }
}

/// A validation status in its emitted spelling, read in any case.
pub fn validation_status(name: &str) -> Result<&'static str, String> {
    VALIDATION_STATUSES
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| format!("validationStatus must be one of {}", VALIDATION_STATUSES.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_and_status_are_read_in_any_case() {
        assert!(validation_type(Some("Account")).is_ok() && validation_type(Some("tax")).is_err());
        assert!(validation_type(None).is_err());
        assert_eq!(validation_status("underreview").unwrap(), "UnderReview");
        assert!(validation_status("Fine").is_err());
        let v = ValidationStatus {
            validation_type: "account".into(),
            status: "Allowed".into(),
            last_update_date_time: "2021-07-14T18:02:00Z".into(),
        };
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::json!({"type": "account", "status": "Allowed", "lastUpdateDateTime": "2021-07-14T18:02:00Z"})
        );
    }
}
