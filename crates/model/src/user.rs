//! CustomerUser and PasswordProfile (users-api §3.1), and the rules a user must pass to be
//! created or changed (§5.1, §5.2).
//!
//! As with [`crate::Customer`], every member is optional so that one type reads lenient
//! request bodies and writes canonical answers (null members left out).

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::links::{Attributes, ResourceLinks};
use crate::parts::CountryCode;
use crate::validate::{optional_text, required, text, Report, Violations, MAX_TEXT};

/// `{password, forceChangePassword}`: only ever in create and password-reset answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_change_password: Option<bool>,
}

/// A customer's user, members in the order users-api §3.1 gives.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_profile: Option<PasswordProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_directory_sync_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_domain_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<UserState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_deletion_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<ResourceLinks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

/// `active`, or `inactive` (soft-deleted). Read in any case and as the .NET enum's ordinals
/// (0, 1), because the .NET SDK may send either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserState {
    Active,
    Inactive,
}

impl UserState {
    pub fn as_str(self) -> &'static str {
        match self {
            UserState::Active => "active",
            UserState::Inactive => "inactive",
        }
    }

    pub fn parse(s: &str) -> Option<UserState> {
        match s.trim().to_ascii_lowercase().as_str() {
            "active" | "0" => Some(UserState::Active),
            "inactive" | "1" => Some(UserState::Inactive),
            _ => None,
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for UserState {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["active", "inactive"]))
            .description(Some("As written; read in any case, and as 0 (active) or 1 (inactive)."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for UserState {}

impl Serialize for UserState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        UserState::parse(&text).ok_or_else(|| de::Error::custom("must be active or inactive"))
    }
}

/// The members a user is stored with: everything but its password, state and deletion time
/// (kept in columns of their own), links and attributes (made when it is served).
#[derive(Clone, Debug, PartialEq)]
pub struct UserProfile(CustomerUser);

impl UserProfile {
    pub fn user(&self) -> &CustomerUser {
        &self.0
    }

    pub fn id(&self) -> &str {
        self.0.id.as_deref().unwrap_or_default()
    }

    pub fn user_principal_name(&self) -> &str {
        self.0.user_principal_name.as_deref().unwrap_or_default()
    }

    pub fn display_name(&self) -> &str {
        self.0.display_name.as_deref().unwrap_or_default()
    }

    /// The stored document: canonical JSON of the profile members, ending in `}`, so the
    /// server can append the state, links and attributes without re-serialising.
    pub fn doc(&self) -> String {
        serde_json::to_string(&self.0).expect("users serialise")
    }

    /// A stored document read back; `None` when it is not one.
    pub fn from_doc(doc: &str) -> Option<UserProfile> {
        serde_json::from_str(doc).ok().map(UserProfile)
    }
}

/// Password lengths Microsoft Entra accepts.
const PASSWORD_CHARS: (usize, usize) = (8, 256);
/// Longest local part of a UPN (before the `@`).
const MAX_UPN_LOCAL: usize = 64;

/// A create request that passed every check: the profile to store and its password profile
/// (answered once, never stored).
#[derive(Clone, Debug)]
pub struct NewUser {
    pub profile: UserProfile,
    pub password: PasswordProfile,
}

/// Checks a create body against the customer's `domains` and gives the user `id`.
pub fn check_new_user(input: &CustomerUser, domains: &[String], id: String) -> Result<NewUser, Violations> {
    let mut report = Report::default();
    let upn = report.take("userPrincipalName", required(&input.user_principal_name).and_then(|u| upn(u, domains)));
    report.take("displayName", required(&input.display_name).and_then(|n| text(n, 1, MAX_TEXT)));
    names(&mut report, input);
    let location = report.take("usageLocation", usage_location(&input.usage_location));
    let password = match input.password_profile.as_ref() {
        Some(p) => report.take("passwordProfile.password", required(&p.password).and_then(password)).map(|_| p),
        None => report.take::<&PasswordProfile>("passwordProfile", Err("is required".into())),
    };
    report.finish()?;
    let (Some(upn), Some(location), Some(password)) = (upn, location, password) else {
        unreachable!("a finished report with no refusals has every member")
    };
    let user = CustomerUser {
        usage_location: location,
        id: Some(id),
        user_domain_type: Some(domain_type(&upn).into()),
        user_principal_name: Some(upn),
        first_name: input.first_name.clone(),
        last_name: input.last_name.clone(),
        display_name: input.display_name.clone(),
        immutable_id: input.immutable_id.clone(),
        phone_number: input.phone_number.clone(),
        ..CustomerUser::default()
    };
    let password = PasswordProfile {
        password: password.password.clone(),
        force_change_password: Some(password.force_change_password.unwrap_or(false)),
    };
    Ok(NewUser { profile: UserProfile(user), password })
}

/// Applies a PATCH body to a stored profile (users-api §5.2): non-null members replace the
/// stored ones, the others are kept; the password, when given, is checked and handed back.
pub fn check_update(
    stored: &UserProfile,
    input: &CustomerUser,
    domains: &[String],
) -> Result<(UserProfile, Option<PasswordProfile>), Violations> {
    let mut report = Report::default();
    let upn = match &input.user_principal_name {
        Some(_) => report.take("userPrincipalName", required(&input.user_principal_name).and_then(|u| upn(u, domains))),
        None => Some(stored.user_principal_name().to_string()),
    };
    if input.display_name.is_some() {
        report.take("displayName", required(&input.display_name).and_then(|n| text(n, 1, MAX_TEXT)));
    }
    names(&mut report, input);
    let location = report.take("usageLocation", usage_location(&input.usage_location));
    let reset = input.password_profile.as_ref().filter(|p| p.password.is_some() || p.force_change_password.is_some());
    if let Some(p) = reset.filter(|p| p.password.is_some()) {
        report.take("passwordProfile.password", required(&p.password).and_then(password));
    }
    report.finish()?;
    let Some(upn) = upn else { unreachable!("a finished report with no refusals has the UPN") };
    let old = stored.user().clone();
    let user = CustomerUser {
        usage_location: location.flatten().or(old.usage_location),
        user_domain_type: Some(domain_type(&upn).into()),
        user_principal_name: Some(upn),
        first_name: input.first_name.clone().or(old.first_name),
        last_name: input.last_name.clone().or(old.last_name),
        display_name: input.display_name.clone().or(old.display_name),
        immutable_id: input.immutable_id.clone().or(old.immutable_id),
        phone_number: input.phone_number.clone().or(old.phone_number),
        id: old.id,
        ..CustomerUser::default()
    };
    let answered = reset.map(|p| PasswordProfile {
        password: p.password.clone(),
        force_change_password: Some(p.force_change_password.unwrap_or(false)),
    });
    Ok((UserProfile(user), answered))
}

/// The profile of the admin user a customer create makes (users-api §5.4).
pub fn admin_user(
    id: String,
    domain: &str,
    company_name: &str,
    first: Option<String>,
    last: Option<String>,
) -> UserProfile {
    let upn = format!("admin@{domain}");
    UserProfile(CustomerUser {
        id: Some(id),
        user_domain_type: Some(domain_type(&upn).into()),
        user_principal_name: Some(upn),
        first_name: first,
        last_name: last,
        display_name: Some(company_name.to_string()),
        ..CustomerUser::default()
    })
}

fn names(report: &mut Report, input: &CustomerUser) {
    report.take("firstName", optional_text(&input.first_name, 1, MAX_TEXT));
    report.take("lastName", optional_text(&input.last_name, 1, MAX_TEXT));
    report.take("immutableId", optional_text(&input.immutable_id, 1, MAX_TEXT));
    report.take("phoneNumber", optional_text(&input.phone_number, 1, MAX_TEXT));
}

/// `none` for the customer's `onmicrosoft.com` domain (as Partner Center shows its users),
/// `managed` for a custom domain.
fn domain_type(upn: &str) -> &'static str {
    if upn.to_ascii_lowercase().ends_with(".onmicrosoft.com") {
        "none"
    } else {
        "managed"
    }
}

/// A two-letter country, stored upper-case; absent stays absent.
fn usage_location(value: &Option<String>) -> Result<Option<String>, String> {
    match value.as_deref() {
        None => Ok(None),
        Some(v) => CountryCode::try_from(v.trim()).map(|c| Some(c.as_str().to_string())).map_err(|e| e.to_string()),
    }
}

fn password(p: &str) -> Result<&str, String> {
    let (min, max) = PASSWORD_CHARS;
    text(p, min, max)
}

/// `local@domain`, the domain one of the customer's, the local part as the directory allows.
/// The UPN is kept as sent except for the domain, which takes the customer's spelling.
fn upn(value: &str, domains: &[String]) -> Result<String, String> {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err("must be local@domain".into());
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-_!#^~'".contains(c);
    if local.is_empty()
        || local.chars().count() > MAX_UPN_LOCAL
        || !local.chars().all(allowed)
        || local.starts_with('.')
        || local.ends_with('.')
    {
        return Err(format!(
            "must have a local part of 1 to {MAX_UPN_LOCAL} letters, digits or . - _ ! # ^ ~ ' (not starting or ending with a dot)"
        ));
    }
    match domains.iter().find(|d| d.eq_ignore_ascii_case(domain)) {
        Some(d) => Ok(format!("{local}@{d}")),
        None => Err("must be in one of the customer's domains".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(upn: &str, password: &str) -> CustomerUser {
        CustomerUser {
            user_principal_name: Some(upn.into()),
            display_name: Some("Jane".into()),
            usage_location: Some("us".into()),
            password_profile: Some(PasswordProfile { password: Some(password.into()), force_change_password: None }),
            ..CustomerUser::default()
        }
    }

    #[test]
    fn create_rules() {
        let domains = vec!["contoso.onmicrosoft.com".to_string()];
        let ok = check_new_user(&body("jane@CONTOSO.onmicrosoft.com", "Passw0rd!"), &domains, "u".into()).unwrap();
        assert_eq!(ok.profile.user_principal_name(), "jane@contoso.onmicrosoft.com");
        assert_eq!(ok.profile.user().usage_location.as_deref(), Some("US"));
        assert_eq!(ok.profile.user().user_domain_type.as_deref(), Some("none"));
        assert_eq!(ok.password.force_change_password, Some(false));
        let outside = check_new_user(&body("jane@fabrikam.com", "Passw0rd!"), &domains, "u".into()).unwrap_err();
        assert_eq!(outside.members().collect::<Vec<_>>(), ["userPrincipalName"]);
        let short = check_new_user(&body(".jane@contoso.onmicrosoft.com", "short"), &domains, "u".into()).unwrap_err();
        assert_eq!(short.members().collect::<Vec<_>>(), ["userPrincipalName", "passwordProfile.password"]);
        let none = check_new_user(&CustomerUser::default(), &domains, "u".into()).unwrap_err();
        assert_eq!(none.members().collect::<Vec<_>>(), ["userPrincipalName", "displayName", "passwordProfile"]);
    }

    #[test]
    fn updates_keep_what_is_not_sent() {
        let domains = vec!["contoso.onmicrosoft.com".to_string()];
        let stored =
            check_new_user(&body("jane@contoso.onmicrosoft.com", "Passw0rd!"), &domains, "u".into()).unwrap().profile;
        let change = CustomerUser { last_name: Some("Doe".into()), ..CustomerUser::default() };
        let (new, reset) = check_update(&stored, &change, &domains).unwrap();
        assert_eq!(new.user().last_name.as_deref(), Some("Doe"));
        assert_eq!(new.display_name(), "Jane");
        assert_eq!(new.id(), "u");
        assert!(reset.is_none());
        let state: CustomerUser = serde_json::from_str(r#"{"state": 1}"#).unwrap();
        assert_eq!(state.state, Some(UserState::Inactive));
        assert_eq!(UserProfile::from_doc(&new.doc()).unwrap(), new);
    }
}
