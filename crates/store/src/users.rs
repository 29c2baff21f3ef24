//! A customer's users (users-api §5): the stored form, the changes, and the partner-scoped
//! reads. Every query reaches a user through its customer's row and that row's partner, so a
//! user of another partner's customer (or of a customer that left its partner) is never seen.
//!
//! A deleted user is kept with its deletion time for the retention the server chooses
//! (30 days): until then it is listed as inactive and can be restored; after that it is
//! treated as gone by every read (`purge_before`) and removed by the next write to its
//! customer's users. Both times come from the server's clock, never the database's.

use partnerd_model::filter::fold_key;
use partnerd_model::UserProfile;

use crate::page::Seek;
use crate::{Applied, Idempotency, Mutation, Page, PartnerStore, StoreError};

/// A user as a row: its profile document and the folded keys lists and uniqueness use.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub(crate) id: String,
    pub(crate) upn_key: String,
    pub(crate) name_key: String,
    pub(crate) doc: String,
    pub(crate) created_at: i64,
}

impl UserRecord {
    pub fn new(profile: &UserProfile, created_at: i64) -> UserRecord {
        UserRecord {
            id: profile.id().to_string(),
            upn_key: fold_key(profile.user_principal_name()),
            name_key: fold_key(profile.display_name()),
            doc: profile.doc(),
            created_at,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// A change to one customer's users.
#[derive(Clone, Debug)]
pub enum UserChange {
    /// Adds a user; [`Applied::UserTaken`] when its UPN is in use (by an active user or one
    /// deleted within the retention). With `if_upn_free`, a taken UPN is no refusal but a
    /// no-op (`Done`): the admin user a customer create makes, made again on a replay.
    Create { record: UserRecord, if_upn_free: bool },
    /// Replaces an active user's profile; with `restore`, the user must be deleted (and still
    /// retained) instead, and becomes active again.
    Replace { record: UserRecord, restore: bool },
    /// Soft-deletes an active user at `at` (Unix seconds).
    Delete { id: String, at: i64 },
}

/// One user list request as the store sees it: active or deleted users, in (folded display
/// name, id) order, placed like a customers page.
#[derive(Clone, Debug)]
pub struct UserQuery {
    pub deleted: bool,
    pub size: usize,
    pub seek: Seek,
    /// Users deleted before this (Unix seconds) are gone.
    pub purge_before: i64,
}

/// A user as read back: its profile document and, when deleted, when (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredUser {
    pub doc: String,
    pub deleted_at: Option<i64>,
}

/// What looking a user up found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserLookup {
    /// No such customer for this partner.
    NoCustomer,
    /// The customer exists; no such user (or one deleted past the retention).
    NoUser,
    Found(StoredUser),
}

impl PartnerStore {
    /// A page of `customer`'s users; `None` when the customer is not this partner's.
    pub async fn list_users(&self, customer: &str, query: &UserQuery) -> Result<Option<Page>, StoreError> {
        self.backend.list_users(self.partner.as_str(), customer, query).await
    }

    /// One of `customer`'s users (id lowercase), active or deleted within the retention.
    pub async fn get_user(&self, customer: &str, id: &str, purge_before: i64) -> Result<UserLookup, StoreError> {
        self.backend.get_user(self.partner.as_str(), customer, id, purge_before).await
    }

    /// Applies a change to `customer`'s users (with its idempotency record, as
    /// [`PartnerStore::apply`]): `NotFound` for an unknown customer, `UserNotFound`,
    /// `UserTaken`, or `Done`.
    pub async fn apply_users(
        &self,
        customer: &str,
        change: UserChange,
        purge_before: i64,
        idem: Option<Idempotency>,
    ) -> Result<Applied, StoreError> {
        let mutation = Mutation::Users { customer: customer.to_string(), change, purge_before };
        self.apply(mutation, idem).await
    }
}

/// A value a user page query binds.
#[derive(Clone, Debug)]
pub(crate) enum PageParam {
    Text(String),
    Int(i64),
}

/// A user page query for one dialect: its SQL, the values to bind in order, and whether the
/// rows come back descending.
pub(crate) struct PageSql {
    pub sql: String,
    pub params: Vec<PageParam>,
    pub descending: bool,
}

/// The page query for `customer`, numbering its placeholders `?n` (SQLite) or `$n`
/// (PostgreSQL). Each row is the user's id, folded display name, and document, the document
/// of a deleted user prefixed with its deletion time and a space (a document starts with `{`).
pub(crate) fn page_sql(customer: &str, query: &UserQuery, postgres: bool) -> PageSql {
    let (template, descending) = page_template(query);
    let anchor = match &query.seek {
        Seek::After(p) | Seek::Before(p) | Seek::UpTo(p) => Some(p.clone()),
        Seek::First | Seek::Last => None,
    };
    let candidates = [
        ("$C", Some(PageParam::Text(customer.to_string()))),
        ("$B", Some(PageParam::Int(query.purge_before))),
        ("$K", anchor.as_ref().map(|p| PageParam::Text(p.key.clone()))),
        ("$I", anchor.as_ref().map(|p| PageParam::Text(p.id.clone()))),
        ("$L", Some(PageParam::Int(query.size as i64 + 1))),
    ];
    let mut sql = template;
    let mut params = Vec::new();
    for (name, value) in candidates {
        if let (true, Some(value)) = (sql.contains(name), value) {
            params.push(value);
            let n = params.len();
            sql = sql.replace(name, &if postgres { format!("${n}") } else { format!("?{n}") });
        }
    }
    PageSql { sql, params, descending }
}

/// The page query with named placeholders: `$C` the customer id, `$B` purge_before,
/// `$K`/`$I` the anchor position, `$L` the row limit (one more than the page, to see whether
/// the order goes on).
fn page_template(query: &UserQuery) -> (String, bool) {
    let state = if query.deleted { "u.deleted_at IS NOT NULL AND u.deleted_at >= $B" } else { "u.deleted_at IS NULL" };
    let (cond, descending) = match &query.seek {
        Seek::First => ("", false),
        Seek::Last => ("", true),
        Seek::After(_) => (" AND (u.name_key, u.id) > ($K, $I)", false),
        Seek::Before(_) => (" AND (u.name_key, u.id) < ($K, $I)", true),
        Seek::UpTo(_) => (" AND (u.name_key, u.id) <= ($K, $I)", true),
    };
    let order = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT u.id, u.name_key, CASE WHEN u.deleted_at IS NULL THEN u.doc \
         ELSE CAST(u.deleted_at AS TEXT) || ' ' || u.doc END FROM customer_users u \
         WHERE u.customer_id = $C AND {state}{cond} \
         ORDER BY u.name_key {order}, u.id {order} LIMIT $L"
    );
    (sql, descending)
}
