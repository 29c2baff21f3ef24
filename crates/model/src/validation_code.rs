//! A partner's Government Community Cloud validation codes (`GET /v1/customers/all/validations`):
//! each lets the partner give that many customers the GovernmentCommunityCloud qualification.

use serde::{Deserialize, Serialize};

/// One code, as Partner Center lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ValidationCode {
    pub partner_id: String,
    pub organization_name: String,
    pub validation_id: String,
    pub max_creates: u64,
    pub remaining_creates: u64,
    pub e_tag: String,
}

impl ValidationCode {
    /// The code after one more customer used it, with a new etag; `None` when none is left.
    pub fn spent(&self, etag: String) -> Option<ValidationCode> {
        let remaining_creates = self.remaining_creates.checked_sub(1)?;
        Some(ValidationCode { remaining_creates, e_tag: etag, ..self.clone() })
    }
}

/// The validation a customer's GovernmentCommunityCloud qualification used, as
/// `GET /v1/customers/{id}/validations` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerValidation {
    pub partner_id: String,
    pub customer_id: String,
    pub validation_id: String,
    pub organization_name: String,
    pub e_tag: String,
}

impl ValidationCode {
    /// This code as the validation of `customer_id`.
    pub fn of_customer(&self, customer_id: &str) -> CustomerValidation {
        CustomerValidation {
            partner_id: self.partner_id.clone(),
            customer_id: customer_id.to_string(),
            validation_id: self.validation_id.clone(),
            organization_name: self.organization_name.clone(),
            e_tag: self.e_tag.clone(),
        }
    }
}

/// The member a GovernmentCommunityCloud qualification's stored document keeps the id of the
/// code it used in (not part of the qualification Partner Center answers).
pub const USED_CODE_MEMBER: &str = "validationId";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_runs_out() {
        let code = ValidationCode {
            partner_id: "p".into(),
            organization_name: "Contoso Gov".into(),
            validation_id: "12345".into(),
            max_creates: 1,
            remaining_creates: 1,
            e_tag: "a".into(),
        };
        let spent = code.spent("b".into()).unwrap();
        assert_eq!((spent.remaining_creates, spent.e_tag.as_str()), (0, "b"));
        assert!(spent.spent("c".into()).is_none());
        assert_eq!(serde_json::to_value(&code).unwrap()["eTag"], "a");
    }
}
