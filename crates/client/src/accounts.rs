//! Customer accounts: agreements, country rules, address validation, qualifications,
//! relationships and managed services (docs/api.md §12).

use partnerd_model::agreement::{Agreement, AgreementMetaData};
use partnerd_model::agreement_document::AgreementDocument;
use partnerd_model::partner_relationship::{ManagedService, PartnerRelationship};
use partnerd_model::qualification::CustomerQualification;
use partnerd_model::validation_code::CustomerValidation;
use partnerd_model::{Address, Collection};
use reqwest::{Method, Url};
use serde_json::{json, Value};

use crate::transport::Call;
use crate::{Client, Error};

/// Adds `name=value` to a URL when there is a value.
fn with_query(mut url: Url, name: &str, value: Option<&str>) -> Url {
    if let Some(value) = value {
        url.query_pairs_mut().append_pair(name, value);
    }
    url
}

impl Client {
    /// The agreement templates of `agreement_type` (`MicrosoftCustomerAgreement`,
    /// `MicrosoftCloudAgreement` or `*`; `None` gives the Cloud Agreement only, as Partner
    /// Center does for old clients).
    pub async fn agreement_metadata(
        &self,
        agreement_type: Option<&str>,
    ) -> Result<Collection<AgreementMetaData>, Error> {
        let url = with_query(self.url(&["agreements"]), "agreementType", agreement_type);
        self.fetch(&Call::new(Method::GET, url)).await
    }

    /// Confirms that the customer accepted an agreement (`primaryContact`, `templateId`,
    /// `dateAgreed`); answers the stored attestation. Retries resend the same `MS-RequestId`.
    pub async fn attest_agreement(&self, id: &str, agreement: &Agreement) -> Result<Agreement, Error> {
        self.fetch(&Call::new(Method::POST, self.customer_url(id, &["agreements"])?).json_body(agreement)).await
    }

    /// The customer's attestations of `agreement_type` (as for [`Client::agreement_metadata`]).
    pub async fn agreements(&self, id: &str, agreement_type: Option<&str>) -> Result<Collection<Agreement>, Error> {
        let url = with_query(self.customer_url(id, &["agreements"])?, "agreementType", agreement_type);
        self.fetch(&Call::new(Method::GET, url)).await
    }

    /// Links to view and download the agreement template `template_id` (the Microsoft Customer
    /// Agreement's) for `country` (the service's default: US) in `language` (default en-US).
    pub async fn agreement_document(
        &self,
        template_id: &str,
        country: Option<&str>,
        language: Option<&str>,
    ) -> Result<AgreementDocument, Error> {
        let url = self.url(&["agreementtemplates", template_id, "document"]);
        let url = with_query(with_query(url, "country", country), "language", language);
        self.fetch(&Call::new(Method::GET, url)).await
    }

    /// The GCC validation the customer's GovernmentCommunityCloud qualification used (none
    /// without one).
    pub async fn customer_validations(&self, id: &str) -> Result<Vec<CustomerValidation>, Error> {
        self.fetch(&Call::new(Method::GET, self.customer_url(id, &["validations"])?)).await
    }

    /// A country's validation rules (ISO code, any case), as the service answered them.
    pub async fn country_rules(&self, country: &str) -> Result<Value, Error> {
        self.fetch(&Call::new(Method::GET, self.url(&["countryvalidationrules", country]))).await
    }

    /// Validates an address: `status`, `suggestedAddresses` and `validationMessage` as the
    /// service answered them.
    pub async fn validate_address(&self, address: &Address) -> Result<Value, Error> {
        self.fetch(&Call::new(Method::POST, self.url(&["validations", "address"])).json_body(address)).await
    }

    /// The customer's qualifications with their vetting status.
    pub async fn qualifications(&self, id: &str) -> Result<Vec<CustomerQualification>, Error> {
        self.fetch(&Call::new(Method::GET, self.customer_url(id, &["qualifications"])?)).await
    }

    /// Adds a qualification (`Education`, `GovernmentCommunityCloud` with its validation code,
    /// `StateOwnedEntity`).
    pub async fn add_qualification(
        &self,
        id: &str,
        qualification: &str,
        validation_code: Option<&str>,
    ) -> Result<CustomerQualification, Error> {
        let body = json!({"qualification": qualification, "validationCode": validation_code});
        self.fetch(&Call::new(Method::POST, self.customer_url(id, &["qualifications"])?).json_body(&body)).await
    }

    /// The customer's indirect reseller, if it has one.
    pub async fn customer_relationships(&self, id: &str) -> Result<Collection<PartnerRelationship>, Error> {
        self.fetch(&Call::new(Method::GET, self.customer_url(id, &["relationships"])?)).await
    }

    /// The partner's indirect resellers.
    pub async fn indirect_resellers(&self) -> Result<Collection<PartnerRelationship>, Error> {
        let url =
            with_query(self.url(&["relationships"]), "relationship_type", Some("IsIndirectCloudSolutionProviderOf"));
        self.fetch(&Call::new(Method::GET, url)).await
    }

    /// The services the partner administers for the customer.
    pub async fn managed_services(&self, id: &str) -> Result<Collection<ManagedService>, Error> {
        self.fetch(&Call::new(Method::GET, self.customer_url(id, &["managedservices"])?)).await
    }
}
