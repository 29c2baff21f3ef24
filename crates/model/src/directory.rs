//! Directory roles and their user members (users-api §3.3, §3.4, §7).

use serde::{Deserialize, Serialize};

use crate::links::Attributes;

/// A directory role: `{name, id, attributes}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryRole {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

/// A user as a member of a role: `id` is the user's object id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserMember {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

/// The roles Partner Center offers every customer, in its order (.NET samples take the
/// first), with their Microsoft Entra role template ids.
pub const ROLES: &[(&str, &str)] = &[
    ("62e90394-69f5-4237-9190-012177145e10", "Company Administrator"),
    ("729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator"),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Account Administrator"),
    ("f023fd81-a637-4b56-95fd-791ac0226033", "Service Support Administrator"),
    ("b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator"),
    ("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers"),
];

/// The Company Administrator (Entra's Global Administrator): the admin user a customer
/// create makes holds it.
pub const COMPANY_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// The role with this (lowercase) id, as served.
pub fn role(id: &str) -> Option<DirectoryRole> {
    ROLES.iter().find(|(rid, _)| *rid == id).map(|(rid, name)| DirectoryRole {
        name: Some(name.to_string()),
        id: Some(rid.to_string()),
        attributes: Some(Attributes::object("DirectoryRole")),
    })
}
