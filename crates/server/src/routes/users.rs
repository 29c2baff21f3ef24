//! A customer's users, reads (users-api U2, U3): the paged list and one user.

use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use partnerd_model::directory::UserMember;
use partnerd_model::{Attributes, Header, Link, ResourceLinks, SeekOperation, UserProfile};
use partnerd_store::{Page, PartnerStore, Seek, StoredUser, UserLookup, UserQuery};

use super::user_query::{self, UserCursor, UserParams};
use crate::auth::VerifiedPartner;
use crate::ids::CustomerId;
use crate::list_query::MAX_PAGE_SIZE;
use crate::reply::Reply;
use crate::{ApiError, AppState};

/// How long a deleted user stays restorable (users-api §5.3), by the server's clock.
pub(crate) const RETENTION_SECS: i64 = 30 * 24 * 3600;

const MS_CONTINUATION_TOKEN: HeaderName = HeaderName::from_static("ms-continuationtoken");

/// The customer and user ids of a `…/customers/{id}/users/{user_id}` path, as lowercase
/// GUIDs: a bad customer id is 400/900118 as everywhere, a bad user id 400/800002.
pub(crate) struct UserPath {
    pub customer: String,
    pub user: String,
}

impl<S: Send + Sync> FromRequestParts<S> for UserPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((customer, user)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::invalid(format!("The path is not valid: {e}.")))?;
        let customer = partnerd_model::parse_guid(&customer).ok_or_else(|| ApiError::bad_customer_id(&customer))?;
        let user = partnerd_model::parse_guid(&user)
            .ok_or_else(|| ApiError::invalid("The user id is not a valid GUID.").with_data(user))?;
        Ok(UserPath { customer, user })
    }
}

/// The oldest deletion time still restorable now.
pub(crate) fn purge_before(state: &AppState) -> i64 {
    state.clock.unix_seconds() - RETENTION_SECS
}

/// The user as served: its stored profile, then its state (and deletion time), its link and
/// attributes, appended to the stored JSON without re-serialising it.
pub(crate) fn served(customer: &str, id: &str, doc: &str, deleted_at: Option<i64>) -> String {
    let mut out = String::with_capacity(doc.len() + 192);
    write_served(&mut out, customer, id, doc, deleted_at);
    out
}

/// [`served`], written at the end of `out` (a page writes its items into one buffer).
fn write_served(out: &mut String, customer: &str, id: &str, doc: &str, deleted_at: Option<i64>) {
    out.push_str(doc.strip_suffix('}').unwrap_or(doc));
    match deleted_at {
        None => out.push_str(",\"state\":\"active\""),
        Some(at) => {
            out.push_str(",\"state\":\"inactive\",\"softDeletionTime\":\"");
            out.push_str(&rfc3339(at));
            out.push('"');
        }
    }
    out.push_str(",\"links\":{\"self\":{\"uri\":\"/customers/");
    out.push_str(customer);
    out.push_str("/users/");
    out.push_str(id);
    out.push_str("\",\"method\":\"GET\",\"headers\":[]}},\"attributes\":{\"objectType\":\"CustomerUser\"}}");
}

pub(crate) fn rfc3339(unix_seconds: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix_seconds.max(0) as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}

/// The active (or, with `deleted`, the soft-deleted) user; anything else is 404.
pub(crate) async fn fetch_user(
    state: &AppState,
    store: &PartnerStore,
    path: &UserPath,
    deleted: bool,
) -> Result<StoredUser, ApiError> {
    match store.get_user(&path.customer, &path.user, purge_before(state)).await? {
        UserLookup::NoCustomer => Err(ApiError::customer_not_found()),
        UserLookup::Found(user) if user.deleted_at.is_some() == deleted => Ok(user),
        UserLookup::Found(_) | UserLookup::NoUser => Err(ApiError::user_not_found()),
    }
}

/// GET /v1/customers/{id}/users/{user_id}: an active user (a deleted one is listed only
/// through the deleted-users filter).
pub(crate) async fn get_user(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: UserPath,
) -> Result<Reply, ApiError> {
    let user = fetch_user(&state, partner.store(), &path, false).await?;
    Ok(Reply::ok_json("CustomerUser", served(&path.customer, &path.user, &user.doc, user.deleted_at)))
}

/// GET /v1/customers/{id}/users: one keyset page of active (or deleted) users.
pub(crate) async fn list_users(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    CustomerId(customer): CustomerId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let listing = Listing { customer, role: None };
    let raw = raw.unwrap_or_default();
    Ok(Reply::ok_json("Collection", listing.page(&state, &partner, &raw, &headers).await?))
}

/// One customer's users list, or (with `role`) the active members of one of its roles.
pub(crate) struct Listing {
    pub customer: String,
    pub role: Option<String>,
}

impl Listing {
    /// The collection JSON of the page the request asks for.
    pub async fn page(
        &self,
        state: &AppState,
        partner: &VerifiedPartner,
        raw: &str,
        headers: &HeaderMap,
    ) -> Result<String, ApiError> {
        let params = UserParams::parse(raw)?;
        if self.role.is_some() && params.deleted == Some(true) {
            return Err(ApiError::invalid("A role lists its active members only.").with_data("filter"));
        }
        let token = match headers.get(MS_CONTINUATION_TOKEN) {
            None => None,
            Some(v) => {
                let t = v.to_str().map_err(|_| ApiError::invalid("The continuation token is not valid."))?.trim();
                (!t.is_empty()).then_some(t)
            }
        };
        let query = plan(state, partner, self, &params, token)?;
        let page =
            partner.store().list_users(&self.customer, &query).await?.ok_or_else(ApiError::customer_not_found)?;
        Ok(render(state, partner, self, &query, &page, raw))
    }

    fn base(&self) -> String {
        match &self.role {
            None => format!("/v1/customers/{}/users", self.customer),
            Some(role) => format!("/v1/customers/{}/directoryroles/{role}/usermembers", self.customer),
        }
    }

    /// Writes one item at the end of `out`: the user as served, or as a member of the role.
    fn write_item(&self, out: &mut String, id: &str, doc: &str, deleted_at: Option<i64>) {
        match &self.role {
            None => write_served(out, &self.customer, id, doc, deleted_at),
            Some(role) => match UserProfile::from_doc(doc) {
                Some(profile) => {
                    out.push_str(&serde_json::to_string(&member(&profile, role)).expect("members serialise"))
                }
                None => out.push_str("null"),
            },
        }
    }
}

/// A user as a member of `role` (users-api §3.4).
pub(crate) fn member(profile: &UserProfile, role: &str) -> UserMember {
    UserMember {
        display_name: Some(profile.display_name().to_string()),
        user_principal_name: Some(profile.user_principal_name().to_string()),
        role_id: Some(role.to_string()),
        id: Some(profile.id().to_string()),
        attributes: Some(Attributes::object("UserMember")),
    }
}

/// The page to read: a fresh query starts at the first page; a seek takes its query from the
/// token, which a repeated `size` or `filter` must agree with.
fn plan(
    state: &AppState,
    partner: &VerifiedPartner,
    listing: &Listing,
    params: &UserParams,
    token: Option<&str>,
) -> Result<UserQuery, ApiError> {
    let purge_before = purge_before(state);
    let open = |t: &str| -> Result<UserCursor, ApiError> {
        let cursor = user_query::open(state, partner.id().as_str(), &listing.customer, listing.role.as_deref(), t)?;
        if params.size.is_some_and(|s| s != cursor.size) {
            return Err(ApiError::invalid("size does not match the continuation token's query.").with_data("size"));
        }
        if params.deleted.is_some_and(|d| d != cursor.deleted) {
            return Err(ApiError::invalid("filter does not match the continuation token's query.").with_data("filter"));
        }
        Ok(cursor)
    };
    let fresh = |seek| UserQuery {
        deleted: params.deleted.unwrap_or(false),
        role: listing.role.clone(),
        size: params.size.unwrap_or(MAX_PAGE_SIZE),
        seek,
        purge_before,
    };
    let from = |c: UserCursor, seek| UserQuery { deleted: c.deleted, role: c.role, size: c.size, seek, purge_before };
    match params.seek {
        None => Ok(fresh(Seek::First)),
        Some(SeekOperation::PageIndex) => Err(ApiError::invalid("seekOperation PageIndex is not supported.")),
        Some(op @ (SeekOperation::First | SeekOperation::Last)) => {
            let seek = if op == SeekOperation::First { Seek::First } else { Seek::Last };
            match token {
                Some(t) => Ok(from(open(t)?, seek)),
                None => Ok(fresh(seek)),
            }
        }
        Some(op @ (SeekOperation::Next | SeekOperation::Previous)) => {
            let t = token.ok_or_else(|| {
                ApiError::invalid("seekOperation Next and Previous need the MS-ContinuationToken header.")
            })?;
            let c = open(t)?;
            let seek = if op == SeekOperation::Next {
                c.next
                    .clone()
                    .map(Seek::After)
                    .ok_or_else(|| ApiError::invalid("The continuation token has no next page."))?
            } else {
                match c.previous.clone() {
                    Some((p, true)) => Seek::UpTo(p),
                    Some((p, false)) => Seek::Before(p),
                    None => return Err(ApiError::invalid("The continuation token has no previous page.")),
                }
            };
            Ok(from(c, seek))
        }
    }
}

/// The collection JSON (customers-api §3.6 shape) around the served users.
fn render(
    state: &AppState,
    partner: &VerifiedPartner,
    listing: &Listing,
    query: &UserQuery,
    page: &Page,
    raw_query: &str,
) -> String {
    let (next, previous) = page.neighbours(&query.seek);
    let token = (next.is_some() || previous.is_some()).then(|| {
        let cursor = UserCursor {
            customer: listing.customer.clone(),
            role: listing.role.clone(),
            deleted: query.deleted,
            size: query.size,
            next: next.clone(),
            previous: previous.clone(),
        };
        user_query::seal(state, partner.id().as_str(), &cursor)
    });
    let base = listing.base();
    let seek_link = |op: &str| {
        let mut uri = format!("{base}?size={}&seekOperation={op}", query.size);
        if query.deleted {
            uri.push_str("&filter=");
            uri.extend(form_urlencoded::byte_serialize(
                br#"{"Field":"UserState","Value":"Inactive","Operator":"equals"}"#.as_slice(),
            ));
        }
        Link {
            uri,
            method: "GET".into(),
            headers: vec![Header { key: "MS-ContinuationToken".into(), value: token.clone().unwrap_or_default() }],
            body: None,
        }
    };
    let self_uri =
        if raw_query.is_empty() { base.clone() } else { format!("{base}?{}", raw_query.replace('?', "%3F")) };
    let links = ResourceLinks {
        self_link: Some(Link::get(self_uri)),
        next: next.is_some().then(|| seek_link("Next")),
        previous: previous.is_some().then(|| seek_link("Previous")),
    };
    let mut out = String::with_capacity(page.rows().map(|r| r.list_json.len() + 200).sum::<usize>() + 1024);
    out.push('{');
    if let (Some(t), Some(_)) = (&token, &next) {
        out.push_str("\"continuationToken\":");
        out.push_str(&serde_json::to_string(t).expect("strings serialise"));
        out.push(',');
    }
    out.push_str(&format!("\"totalCount\":{},\"items\":[", page.len()));
    for (i, row) in page.rows().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // A deleted user's row is its deletion time, a space, and its document (see the store).
        let (deleted_at, doc) = match row.list_json.split_once(' ') {
            Some((at, doc)) if !row.list_json.starts_with('{') => (at.parse().ok(), doc),
            _ => (None, row.list_json),
        };
        listing.write_item(&mut out, row.id, doc, deleted_at);
    }
    out.push_str("],\"links\":");
    out.push_str(&serde_json::to_string(&links).expect("links serialise"));
    out.push_str(",\"attributes\":{\"objectType\":\"Collection\"}}");
    out
}
