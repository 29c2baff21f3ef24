//! Lenient reading of request bodies (spec §3): keys are matched case-insensitively against
//! the contract's member names, unknown keys are dropped, and the result is typed with an
//! error that names the offending member.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Every member name the contract defines, in its canonical (emitted) spelling.
const MEMBERS: &[&str] = &[
    "id",
    "commerceId",
    "companyProfile",
    "billingProfile",
    "relationshipToPartner",
    "allowDelegatedAccess",
    "userCredentials",
    "associatedPartnerId",
    "customDomains",
    "links",
    "attributes",
    "tenantId",
    "domain",
    "companyName",
    "address",
    "email",
    "organizationRegistrationNumber",
    "firstName",
    "lastName",
    "culture",
    "language",
    "defaultAddress",
    "country",
    "region",
    "city",
    "state",
    "district",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "postalCode",
    "middleName",
    "emailAddress",
    "phoneNumber",
    "userName",
    "password",
    "etag",
    "objectType",
    "self",
    "next",
    "previous",
    "uri",
    "method",
    "headers",
    "key",
    "value",
    "body",
    "continuationToken",
    "totalCount",
    "items",
    "url",
    "code",
    "description",
    "data",
    "source",
    // Customer accounts: agreements, qualifications.
    "userId",
    "primaryContact",
    "templateId",
    "dateAgreed",
    "type",
    "agreementType",
    "agreementLink",
    "qualification",
    "educationSegment",
    "website",
    "validationCode",
    // Customer users (users-api §3.1).
    "userPrincipalName",
    "displayName",
    "usageLocation",
    "immutableId",
    "passwordProfile",
    "forceChangePassword",
    "lastDirectorySyncTime",
    "userDomainType",
    "softDeletionTime",
    // Directory roles and licenses (users-api §3.3–3.7).
    "name",
    "roleId",
    "licensesToAssign",
    "licensesToRemove",
    "licenseWarnings",
    "skuId",
    "excludedPlans",
];

/// Members whose value is a list; XML and form bodies need this to rebuild arrays.
pub const ARRAY_MEMBERS: &[&str] =
    &["customDomains", "headers", "items", "data", "licensesToAssign", "licensesToRemove", "excludedPlans"];

/// Members whose value is a boolean; XML and form bodies carry them as text.
const BOOL_MEMBERS: &[&str] = &["allowDelegatedAccess", "forceChangePassword"];

/// The canonical spelling of a member name given in any case, if the contract knows it.
pub fn canonical_member(key: &str) -> Option<&'static str> {
    MEMBERS.iter().copied().find(|m| m.eq_ignore_ascii_case(key))
}

/// Rewrites every object key to its canonical spelling and drops the unknown ones.
pub fn canonicalize(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                if let Some(name) = canonical_member(&k) {
                    out.insert(name.to_string(), canonicalize(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonicalize).collect()),
        other => other,
    }
}

/// Turns the text values of boolean members (from XML or form bodies) into booleans, so the
/// typed reading treats every body format alike.
pub fn coerce_text_scalars(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if BOOL_MEMBERS.contains(&k.as_str()) {
                    if let Value::String(s) = v {
                        match s.trim().to_ascii_lowercase().as_str() {
                            "true" => *v = Value::Bool(true),
                            "false" => *v = Value::Bool(false),
                            _ => {}
                        }
                    }
                } else {
                    coerce_text_scalars(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(coerce_text_scalars),
        _ => {}
    }
}

/// A body member had the wrong type or value.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberError {
    /// Dotted path of the member, e.g. `billingProfile.defaultAddress.country`.
    pub member: String,
    pub message: String,
    /// Whether the failure is an unrecognised enum value (code 900126) rather than a type error.
    pub is_enum: bool,
}

impl std::fmt::Display for MemberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.member, self.message)
    }
}

/// Canonicalizes a body and reads it as `T`, naming the member on failure.
pub fn read_lenient<T: DeserializeOwned>(value: Value) -> Result<T, MemberError> {
    read_canonical(&canonicalize(value))
}

/// Reads an already canonical body as `T`, naming the member on failure.
pub fn read_canonical<T: DeserializeOwned>(value: &Value) -> Result<T, MemberError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let member = e.path().to_string();
        let message = e.inner().to_string();
        let is_enum = member.ends_with("relationshipToPartner") && message.contains("invalid value");
        MemberError { member, message, is_enum }
    })
}

/// Most members [`read_canonical_partly`] leaves out before it gives up on a body: each costs
/// one more reading of the body, so the work stays a small multiple of a single reading.
pub const MAX_UNREADABLE: usize = 16;

/// Reads a canonical body as `T` even when some members have the wrong type or value: each
/// such member is reported and left out (a member inside a list takes its whole list with it),
/// and the rest is read, so that the rest can be checked too and every problem reported at
/// once. `Err` with what was found when the body cannot be read at all (its root has the wrong
/// type) or more than [`MAX_UNREADABLE`] members are unreadable.
pub fn read_canonical_partly<T: DeserializeOwned>(mut value: Value) -> Result<(T, Vec<MemberError>), Vec<MemberError>> {
    let mut unreadable = Vec::new();
    loop {
        let error = match read_canonical(&value) {
            Ok(read) => return Ok((read, unreadable)),
            Err(e) => e,
        };
        let removed = unreadable.len() < MAX_UNREADABLE && remove_member(&mut value, &error.member);
        unreadable.push(error);
        if !removed {
            return Err(unreadable);
        }
    }
}

/// Removes the member at a dotted path (`billingProfile.defaultAddress.postalCode`); a path
/// into a list (`customDomains[2]`) removes the list. False when there is no such member.
fn remove_member(value: &mut Value, path: &str) -> bool {
    let mut keys: Vec<&str> = Vec::new();
    for segment in path.split('.') {
        let key = segment.split('[').next().unwrap_or_default();
        if key.is_empty() {
            break;
        }
        keys.push(key);
        if key.len() != segment.len() {
            break;
        }
    }
    let Some((last, parents)) = keys.split_last() else { return false };
    let mut at = value;
    for key in parents {
        match at.get_mut(*key) {
            Some(next) => at = next,
            None => return false,
        }
    }
    at.as_object_mut().is_some_and(|map| map.remove(*last).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{Customer, Relationship};
    use serde_json::json;

    #[test]
    fn pascal_case_with_nulls_and_unknown_keys_reads_like_camel_case() {
        let dotnet = json!({
            "Id": null, "CompanyProfile": {"Domain": "contoso.onmicrosoft.com", "CompanyName": null, "Foo": 1},
            "RelationshipToPartner": "unknown", "AllowDelegatedAccess": null, "Attributes": {"ObjectType": "Customer"}
        });
        let c: Customer = read_lenient(dotnet).unwrap();
        let p = c.company_profile.unwrap();
        assert_eq!(p.domain.as_deref(), Some("contoso.onmicrosoft.com"));
        assert_eq!(p.company_name, None);
        assert_eq!(c.relationship_to_partner, Some(Relationship::Unknown));
    }

    #[test]
    fn type_errors_name_the_member() {
        let err = read_lenient::<Customer>(json!({"billingProfile": {"defaultAddress": {"country": 5}}})).unwrap_err();
        assert_eq!(err.member, "billingProfile.defaultAddress.country");
        assert!(!err.is_enum);
        let err = read_lenient::<Customer>(json!({"relationshipToPartner": "partner"})).unwrap_err();
        assert!(err.is_enum, "{err:?}");
    }

    #[test]
    fn text_booleans_are_coerced() {
        let mut v = json!({"allowDelegatedAccess": "True", "companyProfile": {"domain": "true"}});
        coerce_text_scalars(&mut v);
        assert_eq!(v, json!({"allowDelegatedAccess": true, "companyProfile": {"domain": "true"}}));
    }

    #[test]
    fn unreadable_members_are_left_out_and_the_rest_read() {
        let body = json!({
            "companyProfile": {"domain": "a.onmicrosoft.com", "companyName": 7},
            "billingProfile": {"email": "a@b.c", "defaultAddress": {"postalCode": 12345, "city": "Oslo"}},
            "customDomains": ["x", 5],
            "relationshipToPartner": "friend"
        });
        let (c, unreadable) = read_canonical_partly::<Customer>(canonicalize(body)).unwrap();
        let members: Vec<&str> = unreadable.iter().map(|e| e.member.as_str()).collect();
        assert_eq!(
            members,
            [
                "companyProfile.companyName",
                "billingProfile.defaultAddress.postalCode",
                "customDomains[1]",
                "relationshipToPartner"
            ]
        );
        assert!(unreadable[3].is_enum && !unreadable[0].is_enum);
        assert_eq!(c.domain(), "a.onmicrosoft.com");
        let billing = c.billing_profile.unwrap();
        assert_eq!(billing.email.as_deref(), Some("a@b.c"));
        assert_eq!(billing.default_address.unwrap().city.as_deref(), Some("Oslo"));
        assert_eq!(c.custom_domains, None);
    }

    #[test]
    fn a_body_that_is_no_object_or_too_broken_is_not_read() {
        let err = read_canonical_partly::<Customer>(json!("a string")).unwrap_err();
        assert_eq!(err.len(), 1);
        let mut broken = serde_json::Map::new();
        for member in ["id", "commerceId", "associatedPartnerId", "allowDelegatedAccess"] {
            broken.insert(member.into(), json!({"not": "a string"}));
        }
        let mut address = serde_json::Map::new();
        for member in [
            "country",
            "region",
            "city",
            "state",
            "district",
            "addressLine1",
            "addressLine2",
            "addressLine3",
            "postalCode",
            "firstName",
            "lastName",
            "middleName",
            "emailAddress",
            "phoneNumber",
        ] {
            address.insert(member.into(), json!(1));
        }
        broken.insert("billingProfile".into(), json!({"defaultAddress": address}));
        let err = read_canonical_partly::<Customer>(Value::Object(broken)).unwrap_err();
        assert_eq!(err.len(), MAX_UNREADABLE + 1);
    }
}
