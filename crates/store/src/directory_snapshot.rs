//! A customer's directory (users, role memberships, subscribed SKUs, license assignments) in a
//! snapshot line: the optional `directory` member beside `customer` (see `snapshot.rs`), left
//! out when the customer has none, so snapshots of customers alone read and write as before.
//!
//! `{"users": [{"createdAt": "<RFC 3339>", "deletedAt": "<RFC 3339>"|null, "roles": [role id],
//!   "licenses": [{"skuId", "excludedPlans": [plan id]}], "user": {…the stored profile…}}],
//!   "skus": [{"skuId", "activeUnits", "suspendedUnits", "warningUnits"}]}`
//!
//! A line is restored only if every user passes the checks a stored profile must (a GUID id, a
//! UPN, a display name), every role and SKU is one partnerd knows, and every license is of one
//! of the customer's SKUs.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use partnerd_model::license::catalogue_sku;
use partnerd_model::UserProfile;
use serde::{Deserialize, Serialize};

use crate::UserRecord;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Directory {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<DirectoryUser>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skus: Vec<DirectorySku>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectoryUser {
    pub created_at: String,
    #[serde(default)]
    pub deleted_at: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub licenses: Vec<DirectoryLicense>,
    pub user: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectoryLicense {
    pub sku_id: String,
    #[serde(default)]
    pub excluded_plans: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectorySku {
    pub sku_id: String,
    pub active_units: i64,
    #[serde(default)]
    pub suspended_units: i64,
    #[serde(default)]
    pub warning_units: i64,
}

/// One customer's directory as rows, ready to insert (checked) or just read.
#[derive(Clone, Debug, Default)]
pub struct CustomerDirectory {
    pub(crate) users: Vec<(UserRecord, Option<i64>)>,
    pub(crate) roles: Vec<(String, String)>,
    pub(crate) skus: Vec<(String, i64, i64, i64)>,
    pub(crate) licenses: Vec<(String, String, String)>,
}

/// A stored user: customer, id, upn key, name key, deleted at, doc, created at.
pub(crate) type UserRow = (String, String, String, String, Option<i64>, String, i64);

/// Every customer's directory rows in an id range, as the stores read them for an export.
#[derive(Default)]
pub(crate) struct DirectoryRows {
    pub users: Vec<UserRow>,
    /// customer, role, user.
    pub roles: Vec<(String, String, String)>,
    /// customer, SKU, active, suspended, warning units.
    pub skus: Vec<(String, String, i64, i64, i64)>,
    /// customer, user, SKU, excluded plans (JSON array).
    pub licenses: Vec<(String, String, String, String)>,
}

fn rfc3339(secs: i64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs.max(0) as u64)).to_string()
}

fn parse_time(text: &str, what: &str) -> Result<i64, String> {
    let t = humantime::parse_rfc3339(text).map_err(|e| format!("{what} '{text}' is not an RFC 3339 time: {e}"))?;
    Ok(t.duration_since(UNIX_EPOCH).map_err(|_| format!("{what} is before 1970"))?.as_secs() as i64)
}

impl DirectoryRows {
    /// The `directory` member of each customer that has one, by customer id.
    pub fn into_json(self) -> BTreeMap<String, String> {
        let mut dirs: BTreeMap<String, Directory> = BTreeMap::new();
        for (customer, sku, active, suspended, warning) in self.skus {
            dirs.entry(customer).or_default().skus.push(DirectorySku {
                sku_id: sku,
                active_units: active,
                suspended_units: suspended,
                warning_units: warning,
            });
        }
        let mut roles: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (customer, role, user) in self.roles {
            roles.entry((customer, user)).or_default().push(role);
        }
        let mut licenses: BTreeMap<(String, String), Vec<DirectoryLicense>> = BTreeMap::new();
        for (customer, user, sku, excluded) in self.licenses {
            licenses.entry((customer, user)).or_default().push(DirectoryLicense {
                sku_id: sku,
                excluded_plans: serde_json::from_str(&excluded).unwrap_or_default(),
            });
        }
        for (customer, id, _, _, deleted_at, doc, created_at) in self.users {
            let key = (customer, id);
            let roles = roles.remove(&key).unwrap_or_default();
            let licenses = licenses.remove(&key).unwrap_or_default();
            let (customer, _) = key;
            dirs.entry(customer).or_default().users.push(DirectoryUser {
                created_at: rfc3339(created_at),
                deleted_at: deleted_at.map(rfc3339),
                roles,
                licenses,
                user: serde_json::from_str(&doc).unwrap_or_default(),
            });
        }
        dirs.into_iter().map(|(c, d)| (c, serde_json::to_string(&d).expect("directories serialise"))).collect()
    }
}

impl Directory {
    /// The rows to insert for the customer, or why the directory cannot be restored.
    pub fn check(&self) -> Result<CustomerDirectory, String> {
        let mut out = CustomerDirectory::default();
        for s in &self.skus {
            let sku = catalogue_sku(&s.sku_id)
                .filter(|c| c.id == s.sku_id)
                .ok_or_else(|| format!("SKU '{}' is not one partnerd knows", s.sku_id))?;
            if [s.active_units, s.suspended_units, s.warning_units].iter().any(|n| *n < 0) {
                return Err(format!("SKU {} has a negative unit count", sku.id));
            }
            out.skus.push((sku.id.to_string(), s.active_units, s.suspended_units, s.warning_units));
        }
        for u in &self.users {
            let profile = UserProfile::from_doc(&u.user.to_string())
                .filter(|p| {
                    partnerd_model::parse_guid(p.id()).as_deref() == Some(p.id())
                        && p.user_principal_name().contains('@')
                        && !p.display_name().is_empty()
                })
                .ok_or_else(|| "a user needs a lowercase GUID id, a userPrincipalName and a displayName".to_string())?;
            let created_at = parse_time(&u.created_at, "createdAt")?;
            let deleted_at = u.deleted_at.as_deref().map(|d| parse_time(d, "deletedAt")).transpose()?;
            for role in &u.roles {
                if partnerd_model::directory::role(role).is_none() {
                    return Err(format!("role '{role}' is not one partnerd knows"));
                }
                out.roles.push((role.clone(), profile.id().to_string()));
            }
            for l in &u.licenses {
                if !out.skus.iter().any(|(sku, ..)| *sku == l.sku_id) {
                    return Err(format!("a license of SKU '{}', which the customer does not have", l.sku_id));
                }
                let excluded = serde_json::to_string(&l.excluded_plans).expect("ids serialise");
                out.licenses.push((profile.id().to_string(), l.sku_id.clone(), excluded));
            }
            out.users.push((UserRecord::new(&profile, created_at), deleted_at));
        }
        Ok(out)
    }
}
