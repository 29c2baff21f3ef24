//! Directory roles (users-api R1–R5): the fixed role catalogue, a user's roles, a role's
//! members (paged like the users list), and adding and removing members.

use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use partnerd_model::directory::{role, UserMember, ROLES};
use partnerd_model::UserProfile;
use partnerd_store::UserChange;
use serde::Serialize;

use super::customer::fetch;
use super::user_writes::write;
use super::users::{fetch_user, member, Listing, UserPath};
use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::idempotency::Outcome;
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::{ApiError, AppState};

/// A plain collection (users-api §3.2): no links, no continuation token.
pub(crate) fn plain_collection<T: Serialize>(items: &[T]) -> String {
    serde_json::json!({"totalCount": items.len(), "items": items, "attributes": {"objectType": "Collection"}})
        .to_string()
}

/// The path segments of a role route: the customer, a known role, and (on member removal)
/// the user. An unknown role is 404/1000, as an unknown resource.
pub(crate) struct RolePath {
    pub customer: String,
    pub role: String,
    pub user: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for RolePath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(segments) = Path::<Vec<String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::invalid(format!("The path is not valid: {e}.")))?;
        let [customer, role_id, rest @ ..] = segments.as_slice() else {
            return Err(ApiError::invalid("The path is not valid."));
        };
        let customer = partnerd_model::parse_guid(customer).ok_or_else(|| ApiError::bad_customer_id(customer))?;
        let role = partnerd_model::parse_guid(role_id)
            .filter(|r| role(r).is_some())
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, 1000, "The directory role was not found."))?;
        let user = match rest {
            [] => None,
            [user] => Some(
                partnerd_model::parse_guid(user)
                    .ok_or_else(|| ApiError::invalid("The user id is not a valid GUID.").with_data(user.clone()))?,
            ),
            _ => return Err(ApiError::invalid("The path is not valid.")),
        };
        Ok(RolePath { customer, role, user })
    }
}

/// GET /v1/customers/{id}/directoryroles: the roles every customer has.
pub(crate) async fn list_roles(partner: VerifiedPartner, CustomerId(customer): CustomerId) -> Result<Reply, ApiError> {
    fetch(partner.store(), &customer).await?;
    let roles: Vec<_> = ROLES.iter().filter_map(|(id, _)| role(id)).collect();
    Ok(Reply::ok_json("Collection", plain_collection(&roles)))
}

/// GET /v1/customers/{id}/users/{user_id}/directoryroles: an active user's roles.
pub(crate) async fn user_roles(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: UserPath,
) -> Result<Reply, ApiError> {
    let user = fetch_user(&state, partner.store(), &path, false).await?;
    let roles: Vec<_> =
        ROLES.iter().filter(|(id, _)| user.roles.iter().any(|r| r == id)).filter_map(|(id, _)| role(id)).collect();
    Ok(Reply::ok_json("Collection", plain_collection(&roles)))
}

/// GET /v1/customers/{id}/directoryroles/{role_id}/usermembers: one page of active members.
pub(crate) async fn members(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: RolePath,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let listing = Listing { customer: path.customer, role: Some(path.role) };
    Ok(Reply::ok_json("Collection", listing.page(&state, &partner, &raw.unwrap_or_default(), &headers).await?))
}

/// POST /v1/customers/{id}/directoryroles/{role_id}/usermembers with a UserMember (only its
/// `id` is needed): 201 with the member as stored.
pub(crate) async fn add_member(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: RolePath,
    ids: RequestIds,
    body: Body,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    let input: UserMember = body.read()?;
    let user = input
        .id
        .as_deref()
        .and_then(partnerd_model::parse_guid)
        .ok_or_else(|| ApiError::invalid("id must be the user's object id (a GUID).").with_data("id"))?;
    let user_path = UserPath { customer: path.customer.clone(), user: user.clone() };
    let stored = fetch_user(&state, store, &user_path, false).await?;
    let profile = UserProfile::from_doc(&stored.doc).ok_or_else(ApiError::internal)?;
    let outcome = Outcome {
        status: StatusCode::CREATED,
        root: "UserMember",
        json: Some(serde_json::to_string(&member(&profile, &path.role)).expect("members serialise")),
        location: None,
        etag: None,
    };
    let uri = format!("/v1/customers/{}/directoryroles/{}/usermembers", path.customer, path.role);
    let change = UserChange::AddRole { role: path.role.clone(), user };
    write(&state, store, &ids, Method::POST, &[&uri, &body.fingerprint_text()], &path.customer, change, outcome).await
}

/// DELETE /v1/customers/{id}/directoryroles/{role_id}/usermembers/{user_id}: 204.
pub(crate) async fn remove_member(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: RolePath,
    ids: RequestIds,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    let user = path.user.clone().ok_or_else(|| ApiError::invalid("The path is not valid."))?;
    let outcome =
        Outcome { status: StatusCode::NO_CONTENT, root: "UserMember", json: None, location: None, etag: None };
    let uri = format!("/v1/customers/{}/directoryroles/{}/usermembers/{user}", path.customer, path.role);
    let change = UserChange::RemoveRole { role: path.role.clone(), user };
    write(&state, store, &ids, Method::DELETE, &[&uri], &path.customer, change, outcome).await
}
