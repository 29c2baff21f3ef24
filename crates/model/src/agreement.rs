//! Agreements: the metadata of the two agreement templates (`GET /v1/agreements`) and a
//! partner's attestation that a customer accepted one (`/v1/customers/{id}/agreements`).

use serde::{Deserialize, Serialize};

use crate::date_time;
use crate::parts::EmailAddress;
use crate::validate::{optional_text, required, text, Report, Violations};

pub const CUSTOMER_AGREEMENT: &str = "MicrosoftCustomerAgreement";
pub const CLOUD_AGREEMENT: &str = "MicrosoftCloudAgreement";

/// One agreement template, as `GET /v1/agreements` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgreementMetaData {
    pub template_id: String,
    pub agreement_type: String,
    pub agreement_link: String,
    pub version_rank: i64,
}

/// The templates Partner Center publishes: the current Microsoft Customer Agreement and the
/// retired Microsoft Cloud Agreement (still listed, no longer attestable).
pub const TEMPLATES: &[(&str, &str, &str)] = &[
    (CUSTOMER_AGREEMENT, "117a77b0-9360-443b-8795-c6dedc750cf9", "https://aka.ms/customeragreement"),
    (CLOUD_AGREEMENT, "998b88de-aa99-4388-a42c-1b3517d49490", "https://docs.microsoft.com/partner-center/agreements"),
];

/// Which agreement types a query's `agreementType` selects: absent means the Cloud Agreement
/// only (Partner Center's backward compatibility), `*` both, a type name (any case) its own.
pub fn selected_types(query: Option<&str>) -> Result<Vec<&'static str>, String> {
    match query.map(str::trim) {
        None | Some("") => Ok(vec![CLOUD_AGREEMENT]),
        Some("*") => Ok(vec![CUSTOMER_AGREEMENT, CLOUD_AGREEMENT]),
        Some(name) => [CUSTOMER_AGREEMENT, CLOUD_AGREEMENT]
            .into_iter()
            .find(|t| t.eq_ignore_ascii_case(name))
            .map(|t| vec![t])
            .ok_or_else(|| format!("agreementType must be {CUSTOMER_AGREEMENT}, {CLOUD_AGREEMENT} or *, not {name}")),
    }
}

/// The metadata of the templates of these types.
pub fn metadata(types: &[&str]) -> Vec<AgreementMetaData> {
    TEMPLATES
        .iter()
        .filter(|(t, _, _)| types.contains(t))
        .map(|(t, id, link)| AgreementMetaData {
            template_id: id.to_string(),
            agreement_type: t.to_string(),
            agreement_link: link.to_string(),
            version_rank: 0,
        })
        .collect()
}

/// The person at the customer who accepted the agreement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

/// An attestation, as sent (members all optional, so that each missing one can be named) and
/// as answered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_agreed: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub agreement_type: Option<String>,
    /// Accepted as an alias of `type` on input (the metadata's name for it); never written.
    #[serde(default, rename = "agreementType", skip_serializing)]
    pub agreement_type_alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_link: Option<String>,
}

/// How far ahead of the server's clock `dateAgreed` may be (clients' clocks drift).
pub const CLOCK_SKEW_SECS: i64 = 300;

impl Agreement {
    /// Checks an attestation against the templates and the server clock (`now`, Unix seconds)
    /// and returns what is stored: the template's own type and link, the date in one form,
    /// the contact trimmed. Every refused member is named at once.
    pub fn attest(self, now: i64, user_id: Option<String>) -> Result<Agreement, Violations> {
        let mut report = Report::default();
        let template = report.take("templateId", required(&self.template_id).and_then(current_template));
        let date = report.take("dateAgreed", required(&self.date_agreed).and_then(|d| agreed_on(d, now)));
        let contact = self.primary_contact.unwrap_or_default();
        let first = report.take("primaryContact.firstName", required(&contact.first_name).and_then(|v| text(v, 1, 50)));
        let last = report.take("primaryContact.lastName", required(&contact.last_name).and_then(|v| text(v, 1, 50)));
        let email = report.take(
            "primaryContact.email",
            required(&contact.email).and_then(|e| EmailAddress::try_from(e).map_err(|m| m.to_string())),
        );
        let phone = report.take("primaryContact.phoneNumber", optional_text(&contact.phone_number, 0, 50));
        let declared = self.agreement_type.or(self.agreement_type_alias);
        if let Some(t) = declared.as_deref().filter(|t| !t.trim().is_empty()) {
            report.take::<()>(
                "type",
                if [CUSTOMER_AGREEMENT, CLOUD_AGREEMENT].iter().any(|k| k.eq_ignore_ascii_case(t.trim())) {
                    Ok(())
                } else {
                    Err(format!("must be {CUSTOMER_AGREEMENT}"))
                },
            );
        }
        report.finish()?;
        let ((kind, id, link), date) = (template.expect("checked"), date.expect("checked"));
        Ok(Agreement {
            user_id,
            primary_contact: Some(Contact {
                first_name: first.map(|v| v.trim().to_string()),
                last_name: last.map(|v| v.trim().to_string()),
                email: email.map(|e| e.as_str().to_string()),
                phone_number: phone.flatten().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()),
            }),
            template_id: Some(id.to_string()),
            date_agreed: Some(date_time::format(date)),
            // The template decides the type, as Partner Center's does: a contradicting `type`
            // is not an error, it is overruled.
            agreement_type: Some(kind.to_string()),
            agreement_type_alias: None,
            agreement_link: Some(link.to_string()),
        })
    }

    /// What makes two attestations of one customer the same (Partner Center refuses the second):
    /// the template and the contact's names, email and phone, compared case-insensitively.
    pub fn identity(&self) -> String {
        let c = self.primary_contact.clone().unwrap_or_default();
        [&self.template_id, &c.first_name, &c.last_name, &c.email, &c.phone_number]
            .map(|v| v.as_deref().unwrap_or_default().trim().to_lowercase())
            .join("\u{1f}")
    }
}

/// The current Microsoft Customer Agreement template; the retired Cloud Agreement and unknown
/// ids are refused with the way to find the right one.
fn current_template(id: &str) -> Result<(&'static str, &'static str, &'static str), String> {
    let found = TEMPLATES.iter().find(|(_, t, _)| t.eq_ignore_ascii_case(id.trim()));
    match found {
        Some(&(CUSTOMER_AGREEMENT, t, link)) => Ok((CUSTOMER_AGREEMENT, t, link)),
        Some(_) => Err("is the Microsoft Cloud Agreement, which is no longer supported: attest the Microsoft \
                        Customer Agreement (its templateId is in GET /v1/agreements?agreementType=MicrosoftCustomerAgreement)"
            .into()),
        None => Err("is not a current agreement template: GET /v1/agreements?agreementType=MicrosoftCustomerAgreement \
                     gives the current templateId"
            .into()),
    }
}

/// The agreement date: readable, set (not .NET's unset `0001-01-01`), and not in the future
/// of the server's clock beyond [`CLOCK_SKEW_SECS`].
fn agreed_on(text: &str, now: i64) -> Result<i64, String> {
    let at = date_time::parse(text)?;
    if at < date_time::parse("1900-01-01T00:00:00Z").expect("a constant date") {
        return Err("must be set (the date the customer accepted the agreement)".into());
    }
    if at > now + CLOCK_SKEW_SECS {
        return Err(format!("must not be in the future (the server's time is {})", date_time::format(now)));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: serde_json::Value) -> Agreement {
        serde_json::from_value(v).unwrap()
    }

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn a_complete_attestation_is_stored_with_the_templates_type_and_link() {
        let a = body(json!({
            "primaryContact": {"firstName": " Ada ", "lastName": "Lovelace", "email": "ada@contoso.com"},
            "templateId": "117A77B0-9360-443b-8795-c6dedc750cf9",
            "dateAgreed": "2018-06-14T00:00:00.000Z",
            "type": "MicrosoftCloudAgreement"
        }))
        .attest(NOW, Some("u1".into()))
        .unwrap();
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["type"], CUSTOMER_AGREEMENT);
        assert_eq!(v["templateId"], "117a77b0-9360-443b-8795-c6dedc750cf9");
        assert_eq!(v["dateAgreed"], "2018-06-14T00:00:00Z");
        assert_eq!(v["agreementLink"], "https://aka.ms/customeragreement");
        assert_eq!(
            v["primaryContact"],
            json!({"firstName": "Ada", "lastName": "Lovelace", "email": "ada@contoso.com"})
        );
        assert!(v.get("agreementType").is_none());
    }

    #[test]
    fn every_refused_member_is_named() {
        let refused = |v| body(v).attest(NOW, None).unwrap_err().members().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            refused(json!({"primaryContact": {"email": "nope"}})),
            ["templateId", "dateAgreed", "primaryContact.firstName", "primaryContact.lastName", "primaryContact.email"]
        );
        let future = date_time::format(NOW + 3600);
        let m = json!({"firstName": "A", "lastName": "B", "email": "a@b.co"});
        assert_eq!(
            refused(
                json!({"primaryContact": m, "templateId": "998b88de-aa99-4388-a42c-1b3517d49490", "dateAgreed": future})
            ),
            ["templateId", "dateAgreed"]
        );
        assert_eq!(
            refused(json!({"primaryContact": m, "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
                "dateAgreed": "0001-01-01T00:00:00", "type": "Other"})),
            ["dateAgreed", "type"]
        );
    }

    #[test]
    fn the_query_selects_types_as_partner_center_does() {
        assert_eq!(selected_types(None).unwrap(), [CLOUD_AGREEMENT]);
        assert_eq!(selected_types(Some("microsoftcustomeragreement")).unwrap(), [CUSTOMER_AGREEMENT]);
        assert_eq!(metadata(&selected_types(Some("*")).unwrap()).len(), 2);
        assert!(selected_types(Some("Other")).is_err());
    }
}
