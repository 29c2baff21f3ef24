//! A customer's users, writes (users-api U1, U4, U5, U6) and the admin user a customer
//! create makes (§5.4). Each write runs as one store mutation with its MS-RequestId record,
//! like the customers' writes.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use partnerd_model::user::{admin_user, check_new_user, check_update};
use partnerd_model::{Attributes, Customer, CustomerUser, ResourceLinks, UserProfile, UserState};
use partnerd_store::{PartnerStore, UserChange, UserLookup, UserRecord};

use super::customer::{fetch, parse_doc};
use super::users::{purge_before, UserPath};
use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::idempotency::{self, Outcome};
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::{ApiError, AppState};

/// The customer's domains: its initial domain, then its custom domains.
fn domains(customer: &Customer) -> Vec<String> {
    let mut all = vec![customer.domain().to_string()];
    all.extend(customer.custom_domains.iter().flatten().cloned());
    all
}

/// The answer to a create or update: the user with its state, link, attributes and (when
/// the request set one) its password profile.
fn answer(customer: &str, profile: &UserProfile, password: Option<partnerd_model::PasswordProfile>) -> String {
    let user = CustomerUser {
        password_profile: password,
        state: Some(UserState::Active),
        links: Some(ResourceLinks::self_only(format!("/customers/{customer}/users/{}", profile.id()))),
        attributes: Some(Attributes::object("CustomerUser")),
        ..profile.user().clone()
    };
    serde_json::to_string(&user).expect("users serialise")
}

/// POST /v1/customers/{id}/users: 201 with the user and the password it was given.
pub(crate) async fn create_user(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    CustomerId(customer_id): CustomerId,
    ids: RequestIds,
    body: Body,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    let customer = parse_doc(&fetch(store, &customer_id).await?)?;
    let (input, unreadable) = body.read_partly::<CustomerUser>()?;
    let id = uuid::Uuid::new_v4().to_string();
    let new = match check_new_user(&input, &domains(&customer), id) {
        Ok(new) if unreadable.is_empty() => new,
        checked => return Err(ApiError::refused(unreadable, checked.err())),
    };
    let record = UserRecord::new(&new.profile, state.clock.unix_seconds());
    let location = format!("/customers/{customer_id}/users/{}", new.profile.id());
    let outcome = Outcome {
        status: StatusCode::CREATED,
        root: "CustomerUser",
        json: Some(answer(&customer_id, &new.profile, Some(new.password))),
        location: Some(location),
        etag: None,
    };
    let path = format!("/v1/customers/{customer_id}/users");
    let change = UserChange::Create { record, if_upn_free: false, roles: Vec::new() };
    write(&state, store, &ids, Method::POST, &[&path, &body.fingerprint_text()], &customer_id, change, outcome).await
}

/// PATCH /v1/customers/{id}/users/{user_id} (and `…/resetpassword`): profile changes, a
/// password reset, or (with `state: active` on a deleted user) a restore.
pub(crate) async fn update_user(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: UserPath,
    ids: RequestIds,
    body: Body,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    let customer = parse_doc(&fetch(store, &path.customer).await?)?;
    let (input, unreadable) = body.read_partly::<CustomerUser>()?;
    if !unreadable.is_empty() {
        return Err(ApiError::refused(unreadable, None));
    }
    let stored = match store.get_user(&path.customer, &path.user, purge_before(&state)).await? {
        UserLookup::NoCustomer => return Err(ApiError::customer_not_found()),
        UserLookup::NoUser => return Err(ApiError::user_not_found()),
        UserLookup::Found(user) => user,
    };
    // A deleted user is reached only to restore it; an active one is deleted, not patched
    // inactive (users-api §5.2).
    let restore = match (stored.deleted_at.is_some(), input.state) {
        (false, Some(UserState::Inactive)) => {
            return Err(ApiError::invalid("A user is made inactive by deleting it.").with_data("state"))
        }
        (false, _) => false,
        (true, Some(UserState::Active)) => true,
        (true, _) => return Err(ApiError::user_not_found()),
    };
    let profile = UserProfile::from_doc(&stored.doc).ok_or_else(|| {
        tracing::error!("a stored user document does not parse");
        ApiError::internal()
    })?;
    let (profile, password) =
        check_update(&profile, &input, &domains(&customer)).map_err(|v| ApiError::refused(Vec::new(), Some(v)))?;
    let record = UserRecord::new(&profile, state.clock.unix_seconds());
    let outcome = Outcome {
        status: StatusCode::OK,
        root: "CustomerUser",
        json: Some(answer(&path.customer, &profile, password)),
        location: None,
        etag: None,
    };
    let uri = format!("/v1/customers/{}/users/{}", path.customer, path.user);
    let change = UserChange::Replace { record, restore };
    write(&state, store, &ids, Method::PATCH, &[&uri, &body.fingerprint_text()], &path.customer, change, outcome).await
}

/// DELETE /v1/customers/{id}/users/{user_id}: 204; the user is inactive and restorable for
/// the retention.
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: UserPath,
    ids: RequestIds,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    let outcome =
        Outcome { status: StatusCode::NO_CONTENT, root: "CustomerUser", json: None, location: None, etag: None };
    let uri = format!("/v1/customers/{}/users/{}", path.customer, path.user);
    let change = UserChange::Delete { id: path.user.clone(), at: state.clock.unix_seconds() };
    write(&state, store, &ids, Method::DELETE, &[&uri], &path.customer, change, outcome).await
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn write(
    state: &AppState,
    store: &PartnerStore,
    ids: &RequestIds,
    method: Method,
    identity: &[&str],
    customer: &str,
    change: UserChange,
    outcome: Outcome,
) -> Result<Reply, ApiError> {
    let mutation =
        partnerd_store::Mutation::Users { customer: customer.to_string(), change, purge_before: purge_before(state) };
    idempotency::apply(state, store, ids, method, identity, mutation, outcome).await
}

/// The admin user a new customer is created with (its credentials' `admin@domain`, Company
/// Administrator), stored in the create's own transaction.
pub(crate) fn admin_change(state: &AppState, customer: &Customer) -> Option<UserChange> {
    customer.id.as_ref()?;
    let billing = customer.billing_profile.clone().unwrap_or_default();
    let profile = admin_user(
        uuid::Uuid::new_v4().to_string(),
        customer.domain(),
        customer.company_name(),
        billing.first_name,
        billing.last_name,
    );
    Some(UserChange::Create {
        record: UserRecord::new(&profile, state.clock.unix_seconds()),
        if_upn_free: true,
        roles: vec![partnerd_model::directory::COMPANY_ADMINISTRATOR.to_string()],
    })
}
