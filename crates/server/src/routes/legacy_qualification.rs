//! The singular, synchronous qualification route that PowerShell (through its SDK) and the Java
//! SDK still call: `GET|PUT /v1/customers/{id}/qualification`, the value a bare snake_case JSON
//! string. It reads and writes the same qualifications as `/qualifications`.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use partnerd_model::date_time;
use partnerd_model::qualification::{CustomerQualification, QualificationRequest};
use partnerd_store::{AccountItem, ItemKind, Mutation};
use serde_json::Value;

use crate::auth::VerifiedPartner;
use crate::idempotency::{self, Outcome};
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::routes::account_common::{parse_items, query_value};
use crate::routes::customer::fetch;
use crate::{ApiError, AppState};

/// The snake_case names, in the order of .NET's enum (whose integers clients may send).
const LEGACY: &[(&str, &str)] = &[
    ("None", "none"),
    ("Education", "education"),
    ("Nonprofit", "nonprofit"),
    ("GovernmentCommunityCloud", "government_community_cloud"),
    ("StateOwnedEntity", "state_owned_entity"),
];

fn legacy_name(kind: &str) -> &'static str {
    LEGACY.iter().find(|(k, _)| *k == kind).map_or("none", |(_, name)| name)
}

/// GET /v1/customers/{id}/qualification: the customer's first qualification, `"none"` without.
pub(crate) async fn get(partner: VerifiedPartner, CustomerId(id): CustomerId) -> Result<Reply, ApiError> {
    let store = partner.store();
    fetch(store, &id).await?;
    let items: Vec<CustomerQualification> = parse_items(store.items(&id, ItemKind::Qualification).await?)?;
    let first = items.first().map_or("none", |q| legacy_name(&q.qualification));
    Ok(Reply::ok("CustomerQualification", &first))
}

/// PUT /v1/customers/{id}/qualification[?code=]: a bare string (any case, snake_case or
/// PascalCase) or .NET's enum integer; 200 and the value. Setting the one the customer already
/// has answers it again (PUT is idempotent); another is added as POST `/qualifications` would.
pub(crate) async fn put(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    ids: RequestIds,
    CustomerId(id): CustomerId,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Reply, ApiError> {
    let name = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::String(s)) => s,
        Ok(Value::Number(n)) => {
            n.as_u64().and_then(|i| LEGACY.get(i as usize)).map(|(kind, _)| kind.to_string()).ok_or_else(|| {
                ApiError::invalid_enum(format!("{n} is not a qualification (0 to 4).")).with_data("qualification")
            })?
        }
        _ => {
            return Err(ApiError::invalid("The body must be a JSON string such as \"education\", or an integer.")
                .with_data("qualification"))
        }
    };
    let request = QualificationRequest { qualification: Some(name), ..QualificationRequest::default() };
    let requested = request.check(query_value(query.as_deref(), "code"))?;
    let kind = requested.qualification;
    let store = partner.store();
    let json = serde_json::to_string(legacy_name(kind)).expect("strings serialise");
    let have: Vec<CustomerQualification> = parse_items(store.items(&id, ItemKind::Qualification).await?)?;
    if have.iter().any(|q| q.qualification == kind) {
        return Ok(Reply::ok_json("CustomerQualification", json));
    }
    let now = state.clock.unix_seconds();
    let added = serde_json::to_string(&CustomerQualification::new(kind, date_time::format(now))).expect("serialise");
    let item = AccountItem::new(&id, ItemKind::Qualification, kind, added, now);
    let outcome =
        Outcome { status: StatusCode::OK, root: "CustomerQualification", json: Some(json), location: None, etag: None };
    let path = format!("/v1/customers/{id}/qualification");
    let code = requested.validation_code.unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let identity = [path.as_str(), &code, text.trim()];
    idempotency::apply(&state, store, &ids, Method::PUT, &identity, Mutation::AddItem { item }, outcome).await
}
