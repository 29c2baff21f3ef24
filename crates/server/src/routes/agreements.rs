//! Agreements: the templates' metadata (`GET /v1/agreements`), the current template's document
//! (`GET /v1/agreementtemplates/{templateId}/document`) and a customer's attestations
//! (`GET|POST /v1/customers/{id}/agreements`).

use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use partnerd_model::agreement::{self, Agreement};
use partnerd_model::agreement_document::{self, DocumentRefusal};
use partnerd_store::{AccountItem, ItemKind, Mutation};

use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::idempotency::{self, Outcome};
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::routes::account_common::{collection, named, parse_items, query_value};
use crate::routes::customer::fetch;
use crate::{ApiError, AppState};

/// The selected agreement types, or 400 naming the parameter.
fn types(query: Option<&str>) -> Result<Vec<&'static str>, ApiError> {
    agreement::selected_types(query_value(query, "agreementType").as_deref())
        .map_err(|e| ApiError::invalid(format!("{e}.")).with_data("agreementType"))
}

/// GET /v1/agreements[?agreementType=]: without the parameter, the Cloud Agreement only.
pub(crate) async fn metadata(_partner: VerifiedPartner, RawQuery(query): RawQuery) -> Result<Reply, ApiError> {
    let rows = agreement::metadata(&types(query.as_deref())?);
    Ok(Reply::ok("Collection:AgreementMetaData", &collection(rows, Some("/agreements"))))
}

/// GET /v1/customers/{id}/agreements[?agreementType=]: the attestations of the selected
/// types, oldest first.
pub(crate) async fn list(
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
    RawQuery(query): RawQuery,
) -> Result<Reply, ApiError> {
    let types = types(query.as_deref())?;
    let store = partner.store();
    fetch(store, &id).await?;
    let stored: Vec<Agreement> = parse_items(store.items(&id, ItemKind::Agreement).await?)?;
    let selected = stored.into_iter().filter(|a| a.agreement_type.as_deref().is_some_and(|t| types.contains(&t)));
    Ok(Reply::ok("Collection:Agreement", &collection(selected.collect(), None)))
}

/// POST /v1/customers/{id}/agreements: the partner attests that the customer accepted the
/// current Microsoft Customer Agreement. 201 and the stored attestation; an identical one
/// (same template and contact) is refused with Partner Center's 600061.
pub(crate) async fn attest(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    ids: RequestIds,
    CustomerId(id): CustomerId,
    body: Body,
) -> Result<Response, ApiError> {
    let (input, unreadable) = body.read_partly::<Agreement>()?;
    let now = state.clock.unix_seconds();
    let attested = match input.attest(now, None) {
        Ok(a) if unreadable.is_empty() => a,
        checked => return Err(ApiError::refused(unreadable, checked.err())),
    };
    let json = serde_json::to_string(&attested).expect("agreements serialise");
    let item = AccountItem::new(&id, ItemKind::Agreement, attested.identity(), json.clone(), now);
    let outcome =
        Outcome { status: StatusCode::CREATED, root: "Agreement", json: Some(json), location: None, etag: None };
    let path = format!("/v1/customers/{id}/agreements");
    let duplicate = ApiError::new(
        StatusCode::CONFLICT,
        ALREADY_CONFIRMED,
        "This customer's acceptance of this agreement was already confirmed with the same contact; \
         change the primary contact to confirm it again.",
    );
    let store = partner.store();
    let identity = [path.as_str(), &body.fingerprint_text()];
    let answer = idempotency::apply_unique(
        &state,
        store,
        &ids,
        (Method::POST, &identity),
        Mutation::AddItem { item },
        outcome,
        duplicate,
    )
    .await;
    Ok(match answer {
        Ok(reply) => reply.into_response(),
        Err(e) if e.body().code == ALREADY_CONFIRMED => named(e, "PartnerConfirmedAgreementAlreadyExists"),
        Err(e) => e.into_response(),
    })
}

/// GET /v1/agreementtemplates/{templateId}/document[?language=&country=]: links to view and
/// download the Microsoft Customer Agreement for a country (default US) in one of its
/// languages (default, and instead of one it is not offered in, en-US).
pub(crate) async fn document(
    State(state): State<AppState>,
    _partner: VerifiedPartner,
    Path(template_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Reply, ApiError> {
    let (language, country) = (query_value(query.as_deref(), "language"), query_value(query.as_deref(), "country"));
    let token = partnerd_model::assemble::new_etag();
    let now = state.clock.unix_seconds();
    match agreement_document::document(&template_id, language.as_deref(), country.as_deref(), now, &token) {
        Ok(document) => Ok(Reply::ok("AgreementDocument", &document)),
        Err(DocumentRefusal::UnknownTemplate) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            1000,
            format!(
                "No agreement template '{template_id}' has a document: only the current Microsoft Customer \
                 Agreement's does (its templateId: GET /v1/agreements?agreementType=MicrosoftCustomerAgreement)."
            ),
        )
        .with_data(template_id)),
        Err(DocumentRefusal::UnknownCountry(country)) => Err(ApiError::invalid(format!(
            "country '{country}' is not the upper-case ISO code of a market Partner Center sells in \
             (GET /v1/countryvalidationrules/{{country}} lists its rules)."
        ))
        .with_data("country")),
    }
}

/// Partner Center's code for an attestation repeated with the same contact.
const ALREADY_CONFIRMED: i64 = 600061;
