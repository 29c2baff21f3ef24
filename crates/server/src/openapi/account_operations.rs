//! The operations of customer accounts (agreements, country rules, address validation,
//! qualifications, relationships, managed services) and their control-plane side, listed
//! beside `operations.rs` and checked against the router by the same test.

use super::operations::{answer, guid, param, typed, Answer, At, Auth, Kind, Operation, Param, ID};

const PARTNER_CENTER: &str = "Partner Center customers";
const CONTROL: &str = "Control plane";
const ERROR: Option<&str> = Some("ErrorBody");

const REQUEST_ID: Param = param(
    "MS-RequestId",
    At::Header,
    false,
    "Idempotency key (GUID): a retry with the same id and body gets the first answer again.",
);
const AGREEMENT_TYPE: Param = typed(
    "agreementType",
    At::Query,
    false,
    "MicrosoftCustomerAgreement, MicrosoftCloudAgreement or * (both); absent: MicrosoftCloudAgreement only.",
    Kind::OneOf(&["MicrosoftCustomerAgreement", "MicrosoftCloudAgreement", "*"]),
);
const BAD_ID: Answer = answer(400, "The id is not a GUID (code 900118).", ERROR);
const NOT_FOUND: Answer = answer(404, "No such customer for this partner (code 1000).", ERROR);
const INVALID: Answer =
    answer(400, "Invalid input (code 800002): description and data name each member to fix.", ERROR);

pub const ACCOUNT_OPERATIONS: &[Operation] = &[
    Operation {
        method: "GET",
        path: "/v1/agreements",
        tag: PARTNER_CENTER,
        summary: "Agreement metadata: the templates (templateId, agreementType, agreementLink, versionRank)",
        auth: Auth::Partner,
        params: &[AGREEMENT_TYPE],
        body: None,
        answers: &[answer(200, "The selected templates.", Some("AgreementMetaDataCollection")), INVALID],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/agreements",
        tag: PARTNER_CENTER,
        summary: "The customer's agreement attestations, oldest first",
        auth: Auth::Partner,
        params: &[ID, AGREEMENT_TYPE],
        body: None,
        answers: &[answer(200, "The attestations of the selected types.", Some("AgreementCollection")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "POST",
        path: "/v1/customers/{id}/agreements",
        tag: PARTNER_CENTER,
        summary: "Confirm the customer's acceptance of the Microsoft Customer Agreement",
        auth: Auth::Partner,
        params: &[ID, REQUEST_ID],
        body: Some("Agreement"),
        answers: &[
            answer(201, "The stored attestation.", Some("Agreement")),
            INVALID,
            NOT_FOUND,
            answer(409, "Already confirmed with the same contact (code 600061).", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/agreementtemplates/{template_id}/document",
        tag: PARTNER_CENTER,
        summary: "Links to view and download the Microsoft Customer Agreement for a country, in a language",
        auth: Auth::Partner,
        params: &[
            param("template_id", At::Path, true, "The Microsoft Customer Agreement's templateId (case-sensitive)."),
            param("country", At::Query, false, "Upper-case ISO code of a market; default US."),
            param("language", At::Query, false, "One of the country's cultures; default (and otherwise) en-US."),
        ],
        body: None,
        answers: &[
            answer(200, "The links (the download link new each call, good for 5 minutes).", Some("AgreementDocument")),
            answer(400, "The country is not a market's upper-case code (code 800002).", ERROR),
            answer(404, "Not the current Microsoft Customer Agreement template (code 1000).", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/countryvalidationrules/{country}",
        tag: PARTNER_CENTER,
        summary: "A country's address, culture, phone and tax id rules",
        auth: Auth::Partner,
        params: &[param("country", At::Path, true, "ISO 3166-1 alpha-2 code, any case.")],
        body: None,
        answers: &[
            answer(200, "The rules.", Some("CountryValidationRules")),
            answer(404, "No rules for this code (code 1000).", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/v1/validations/address",
        tag: PARTNER_CENTER,
        summary: "Validate an address: status, suggested addresses, what is at fault",
        auth: Auth::Partner,
        params: &[param(
            "MS-PartnerCenter-Client",
            At::Header,
            false,
            "Partner Center Java SDK or Partner Center PowerShell: the answer is a bare boolean, as those SDKs read it.",
        )],
        body: Some("Address"),
        answers: &[
            answer(200, "The verdict.", Some("AddressValidationResponse")),
            INVALID,
            answer(404, "No rules for the address's country (code 1000).", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/qualifications",
        tag: PARTNER_CENTER,
        summary: "The customer's qualifications with their vetting status (a bare array)",
        auth: Auth::Partner,
        params: &[ID],
        body: None,
        answers: &[answer(200, "The qualifications.", Some("CustomerQualifications")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "POST",
        path: "/v1/customers/{id}/qualifications",
        tag: PARTNER_CENTER,
        summary: "Add a qualification (Education waits for review; GovernmentCommunityCloud needs a validation code)",
        auth: Auth::Partner,
        params: &[ID, REQUEST_ID, param("code", At::Query, false, "The GCC validation code (or validationCode in the body).")],
        body: Some("QualificationRequest"),
        answers: &[
            answer(201, "The new qualification.", Some("CustomerQualification")),
            INVALID,
            NOT_FOUND,
            answer(409, "The customer has this qualification already.", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/qualification",
        tag: PARTNER_CENTER,
        summary: "The customer's first qualification as a bare snake_case string (the legacy route PowerShell and Java use)",
        auth: Auth::Partner,
        params: &[ID],
        body: None,
        answers: &[answer(200, "e.g. \"education\"; \"none\" without one.", Some("LegacyQualification")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "PUT",
        path: "/v1/customers/{id}/qualification",
        tag: PARTNER_CENTER,
        summary: "Set a qualification from a bare string (\"education\") or .NET enum integer (the legacy route)",
        auth: Auth::Partner,
        params: &[ID, REQUEST_ID, param("code", At::Query, false, "The GCC validation code.")],
        body: Some("LegacyQualification"),
        answers: &[answer(200, "The value set.", Some("LegacyQualification")), INVALID, NOT_FOUND],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/all/validations",
        tag: PARTNER_CENTER,
        summary: "The partner's Government Community Cloud validation codes (a bare array)",
        auth: Auth::Partner,
        params: &[],
        body: None,
        answers: &[answer(200, "The codes with their remaining creates.", Some("ValidationCodes"))],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/validations",
        tag: PARTNER_CENTER,
        summary: "The GCC validation the customer's qualification used (a bare array, [] without one)",
        auth: Auth::Partner,
        params: &[ID],
        body: None,
        answers: &[answer(200, "The customer's validations.", Some("CustomerValidations")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/relationships",
        tag: PARTNER_CENTER,
        summary: "The customer's indirect reseller (from its associatedPartnerId)",
        auth: Auth::Partner,
        params: &[ID],
        body: None,
        answers: &[answer(200, "None or one reseller.", Some("PartnerRelationshipCollection")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "GET",
        path: "/v1/relationships",
        tag: PARTNER_CENTER,
        summary: "The partner's indirect resellers (or providers)",
        auth: Auth::Partner,
        params: &[
            typed("relationship_type", At::Query, true, "IsIndirectCloudSolutionProviderOf or IsIndirectResellerOf.", Kind::OneOf(&["IsIndirectCloudSolutionProviderOf", "IsIndirectResellerOf"])),
            param("filter", At::Query, false, "{\"Field\":\"Name\",\"Value\":…,\"Operator\":\"starts_with\"|\"substring\"}"),
        ],
        body: None,
        answers: &[
            answer(200, "The relationships.", Some("PartnerRelationshipCollection")),
            answer(400, "Missing or unknown relationship_type (code 900126), bad filter (800002).", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/managedservices",
        tag: PARTNER_CENTER,
        summary: "The services the partner administers for the customer, with admin-on-behalf-of links",
        auth: Auth::Partner,
        params: &[ID],
        body: None,
        answers: &[answer(200, "The services.", Some("ManagedServiceCollection")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus",
        tag: PARTNER_CENTER,
        summary: "Whether the customer signed the Microsoft Customer Agreement itself",
        auth: Auth::Partner,
        params: &[ID],
        body: None,
        answers: &[answer(200, "{\"isSigned\": bool}, false until the control plane sets it.", Some("DirectSignStatus")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/validationStatus",
        tag: PARTNER_CENTER,
        summary: "The customer's account validation status",
        auth: Auth::Partner,
        params: &[ID, typed("type", At::Query, true, "account.", Kind::OneOf(&["account"]))],
        body: None,
        answers: &[
            answer(200, "The status.", Some("ValidationStatus")),
            answer(400, "A type other than account (code 900126).", ERROR),
            answer(404, "No such customer (1000), or no status set (600074, AccountStatusNotFound).", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/partners/{partner}/customers/{id}/status",
        tag: CONTROL,
        summary: "Set a customer's {\"directSigned\": bool} and/or {\"validationStatus\": \"Allowed\"|\"UnderReview\"|\"NotAllowed\"|\"Unknown\"}",
        auth: Auth::Admin,
        params: &[guid("partner", At::Path, true, "The partner (a GUID)."), ID],
        body: Some("StatusRequest"),
        answers: &[
            answer(200, "What was set.", Some("Object")),
            answer(400, "Bad partner, id or status.", ERROR),
            answer(404, "No such customer for this partner.", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/partners/{partner}/validationcodes",
        tag: CONTROL,
        summary: "Add (or replace) a GCC validation code: {\"validationId\", \"organizationName\", \"maxCreates\"}",
        auth: Auth::Admin,
        params: &[guid("partner", At::Path, true, "The partner (a GUID).")],
        body: Some("ValidationCodeRequest"),
        answers: &[
            answer(201, "The code, all its creates left.", Some("ValidationCode")),
            answer(400, "Bad partner, id or name.", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/partners/{partner}/addressfixtures",
        tag: CONTROL,
        summary: "Set what address validation answers for one address: {\"address\", \"status\", \"suggestedAddresses\"?, \"validationMessage\"?}",
        auth: Auth::Admin,
        params: &[guid("partner", At::Path, true, "The partner (a GUID).")],
        body: Some("AddressFixtureRequest"),
        answers: &[
            answer(201, "The fixture, its status in the documented spelling.", Some("Object")),
            answer(400, "Bad partner, status, suggestion count or address country.", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/partners/{partner}/resellers",
        tag: CONTROL,
        summary: "Add (or replace) one of the partner's indirect resellers: {\"id\", \"name\", \"mpnId\"?, \"location\"?}",
        auth: Auth::Admin,
        params: &[guid("partner", At::Path, true, "The partner (a GUID).")],
        body: Some("ResellerRequest"),
        answers: &[
            answer(201, "The reseller as GET /v1/relationships lists it.", Some("PartnerRelationship")),
            answer(400, "Bad partner, id or name.", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/partners/{partner}/customers/{id}/qualifications/{qualification}",
        tag: CONTROL,
        summary: "Review a qualification waiting for it: {\"vettingStatus\": \"Approved\"|\"Denied\", \"vettingReason\"?}",
        auth: Auth::Admin,
        params: &[
            guid("partner", At::Path, true, "The partner (a GUID)."),
            ID,
            param("qualification", At::Path, true, "e.g. Education."),
        ],
        body: Some("Verdict"),
        answers: &[
            answer(200, "The reviewed qualification.", Some("CustomerQualification")),
            answer(400, "Bad partner, id or vettingStatus.", ERROR),
            answer(404, "No such customer or qualification.", ERROR),
            answer(409, "The qualification is not InReview.", ERROR),
        ],
    },
];

/// The schema components these operations refer to, added to the document's.
pub fn components(builder: utoipa::openapi::ComponentsBuilder) -> utoipa::openapi::ComponentsBuilder {
    use partnerd_model::account_status::{DirectSignStatus, ValidationStatus};
    use partnerd_model::address_check::AddressValidationResponse;
    use partnerd_model::agreement::{Agreement, AgreementMetaData, Contact};
    use partnerd_model::agreement_document::AgreementDocument;
    use partnerd_model::countries::CountryValidationRules;
    use partnerd_model::partner_relationship::{ManagedService, ManagedServiceLinks, PartnerRelationship};
    use partnerd_model::qualification::CustomerQualification;
    use partnerd_model::validation_code::{CustomerValidation, ValidationCode};
    use partnerd_model::Collection;
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    use utoipa::{PartialSchema, ToSchema};

    let request = ObjectBuilder::new()
        .property("qualification", ObjectBuilder::new().schema_type(Type::String))
        .property("educationSegment", ObjectBuilder::new().schema_type(Type::String))
        .property("website", ObjectBuilder::new().schema_type(Type::String))
        .property("validationCode", ObjectBuilder::new().schema_type(Type::String))
        .required("qualification");
    builder
        .schema(DirectSignStatus::name(), DirectSignStatus::schema())
        .schema(ValidationStatus::name(), ValidationStatus::schema())
        .schema(Contact::name(), Contact::schema())
        .schema(Agreement::name(), Agreement::schema())
        .schema("AgreementCollection", Collection::<Agreement>::schema())
        .schema(AgreementMetaData::name(), AgreementMetaData::schema())
        .schema("AgreementMetaDataCollection", Collection::<AgreementMetaData>::schema())
        .schema(CountryValidationRules::name(), CountryValidationRules::schema())
        .schema(AddressValidationResponse::name(), AddressValidationResponse::schema())
        .schema(CustomerQualification::name(), CustomerQualification::schema())
        .schema("CustomerQualifications", ArrayBuilder::new().items(CustomerQualification::schema()))
        .schema("QualificationRequest", request)
        .schema("LegacyQualification", ObjectBuilder::new().schema_type(Type::String))
        .schema(ValidationCode::name(), ValidationCode::schema())
        .schema("ValidationCodes", ArrayBuilder::new().items(ValidationCode::schema()))
        .schema(CustomerValidation::name(), CustomerValidation::schema())
        .schema("CustomerValidations", ArrayBuilder::new().items(CustomerValidation::schema()))
        .schema(AgreementDocument::name(), AgreementDocument::schema())
        .schema(PartnerRelationship::name(), PartnerRelationship::schema())
        .schema("PartnerRelationshipCollection", Collection::<PartnerRelationship>::schema())
        .schema(ManagedServiceLinks::name(), ManagedServiceLinks::schema())
        .schema(ManagedService::name(), ManagedService::schema())
        .schema("ManagedServiceCollection", Collection::<ManagedService>::schema())
}
