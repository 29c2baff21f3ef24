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
    /// Adds a user, a member of `roles`; [`Applied::UserTaken`] when its UPN is in use (by an active user or one
    /// deleted within the retention). With `if_upn_free`, a taken UPN is no refusal but a
    /// no-op (`Done`): the admin user a customer create makes, made again on a replay.
    Create { record: UserRecord, if_upn_free: bool, roles: Vec<String> },
    /// Replaces an active user's profile; with `restore`, the user must be deleted (and still
    /// retained) instead, and becomes active again.
    Replace { record: UserRecord, restore: bool },
    /// Soft-deletes an active user at `at` (Unix seconds); its licenses are freed.
    Delete { id: String, at: i64 },
    /// Makes an active user a member of a role; [`Refusal::AlreadyMember`] when it is one.
    AddRole { role: String, user: String },
    /// Ends a membership; [`Refusal::NotMember`] when there is none.
    RemoveRole { role: String, user: String },
    /// Removes, then assigns, an active user's licenses, all or nothing: each removed SKU
    /// must be assigned, each assigned SKU subscribed, and a new assignment needs an
    /// available unit (re-assigning only replaces the excluded plans, a JSON array).
    Licenses { user: String, assign: Vec<(String, String)>, remove: Vec<String> },
    /// Replaces the customer's subscribed SKUs; assignments of SKUs no longer there go.
    SetSkus(Vec<SkuUnits>),
}

/// Why a change to a customer's directory was refused; nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    AlreadyMember,
    NotMember,
    /// The customer does not subscribe to this SKU.
    UnknownSku(String),
    /// Every unit of this SKU is assigned.
    NoUnits {
        customer: String,
        sku: String,
    },
    /// The user has no license of this SKU to remove.
    NotAssigned(String),
}

/// A subscribed SKU's unit counts as set; `consumed` is read back (the number assigned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkuUnits {
    pub sku_id: String,
    pub active: i64,
    pub suspended: i64,
    pub warning: i64,
    pub consumed: i64,
}

/// One user list request as the store sees it: active or deleted users, in (folded display
/// name, id) order, placed like a customers page.
#[derive(Clone, Debug)]
pub struct UserQuery {
    pub deleted: bool,
    /// Only the active members of this role.
    pub role: Option<String>,
    pub size: usize,
    pub seek: Seek,
    /// Users deleted before this (Unix seconds) are gone.
    pub purge_before: i64,
}

/// A user as read back: its profile document, when it was deleted (Unix seconds), its
/// roles, and its licenses (SKU id and excluded plans as a JSON array).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredUser {
    pub doc: String,
    pub deleted_at: Option<i64>,
    pub roles: Vec<String>,
    pub licenses: Vec<(String, String)>,
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

    /// `customer`'s subscribed SKUs in id order; `None` when it is not this partner's.
    pub async fn customer_skus(&self, customer: &str) -> Result<Option<Vec<SkuUnits>>, StoreError> {
        self.backend.customer_skus(self.partner.as_str(), customer).await
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
        ("$R", query.role.clone().map(PageParam::Text)),
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

/// The page query with named placeholders: `$C` the customer id, `$B` purge_before, `$R`
/// the role,
/// `$K`/`$I` the anchor position, `$L` the row limit (one more than the page, to see whether
/// the order goes on).
fn page_template(query: &UserQuery) -> (String, bool) {
    let state = if query.deleted { "u.deleted_at IS NOT NULL AND u.deleted_at >= $B" } else { "u.deleted_at IS NULL" };
    let role = if query.role.is_some() {
        " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.customer_id = u.customer_id \
          AND r.role_id = $R AND r.user_id = u.id)"
    } else {
        ""
    };
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
         WHERE u.customer_id = $C AND {state}{role}{cond} \
         ORDER BY u.name_key {order}, u.id {order} LIMIT $L"
    );
    (sql, descending)
}

impl crate::ControlStore {
    /// Replaces the SKUs of `partner`'s `customer` and returns them as now stored; `None` when
    /// the partner has no such customer. For the control plane, which speaks for no partner
    /// but names the one whose customer it sets up.
    pub async fn set_customer_skus(
        &self,
        partner: &partnerd_model::PartnerId,
        customer: &str,
        skus: Vec<SkuUnits>,
    ) -> Result<Option<Vec<SkuUnits>>, StoreError> {
        let mutation = Mutation::Users {
            customer: customer.to_string(),
            change: UserChange::SetSkus(skus),
            purge_before: i64::MIN,
        };
        match self.backend.apply(partner.as_str(), mutation, None).await? {
            Applied::Done => self.backend.customer_skus(partner.as_str(), customer).await,
            Applied::NotFound => Ok(None),
            other => Err(StoreError::Internal(format!("setting a customer's SKUs gave {other:?}"))),
        }
    }
}

/// The outcome of making a new customer's admin user in its create's transaction: anything
/// but `Done` (a customer just inserted has no users, so no UPN can be taken) is a bug, and
/// the whole create is rolled back.
pub(crate) fn admin_made(applied: Applied) -> Result<Applied, StoreError> {
    match applied {
        Applied::Done => Ok(Applied::Done),
        other => Err(StoreError::Internal(format!("the admin user of a new customer could not be made: {other:?}"))),
    }
}
