//! The small operations: is a domain taken, and the reseller relationship request link.

use axum::extract::Path;
use axum::http::StatusCode;
use serde_json::json;

use crate::auth::VerifiedPartner;
use crate::reply::Reply;
use crate::ApiError;

/// HEAD /v1/domains/{domain}: 200 when any customer (of any partner) has it, 404 when free.
pub(crate) async fn domain_exists(partner: VerifiedPartner, Path(domain): Path<String>) -> Result<Reply, ApiError> {
    let taken = partner.store().domain_exists(domain.trim()).await?;
    Ok(Reply::empty(if taken { StatusCode::OK } else { StatusCode::NOT_FOUND }))
}

/// GET /v1/customers/relationshiprequests: the link a customer's admin follows to accept this
/// partner as its reseller, in the form the live service gives.
pub(crate) async fn relationship_request(partner: VerifiedPartner) -> Reply {
    let url = format!(
        "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId={}&msppId=0&DAP=true#/BillingAccounts/partner-invitation",
        partner.id()
    );
    Reply::ok("RelationshipRequest", &json!({"url": url, "attributes": {"objectType": "RelationshipRequest"}}))
}
