//! The Partner Center routes partnerd serves, as data: the server builds its router from this
//! table, and a fault rule's `route` is checked against it, so a rule for a route that does not
//! exist is refused instead of being accepted and never firing.

/// Every Partner Center route (under `/v1` and `/v1.0`) and its methods. The server's router is
/// built from this table and its authentication test walks it, so no route can be added that
/// the test does not check answers 401 without a token.
pub const PARTNER_CENTER_ROUTES: &[(&str, &[&str])] = &[
    ("/customers", &["GET", "POST"]),
    ("/customers/relationshiprequests", &["GET"]),
    ("/customers/{id}", &["GET", "PATCH", "DELETE"]),
    ("/customers/{id}/profiles/company", &["GET"]),
    ("/customers/{id}/profiles/billing", &["GET", "PUT"]),
    ("/domains/{domain}", &["HEAD"]),
    // Customer accounts around the customer (docs/api.md, "Customer accounts").
    ("/agreements", &["GET"]),
    ("/agreementtemplates/{template_id}/document", &["GET"]),
    ("/customers/{id}/agreements", &["GET", "POST"]),
    ("/countryvalidationrules/{country}", &["GET"]),
    ("/validations/address", &["POST"]),
    ("/customers/{id}/qualifications", &["GET", "POST"]),
    ("/customers/{id}/relationships", &["GET"]),
    ("/relationships", &["GET"]),
    ("/customers/{id}/managedservices", &["GET"]),
    ("/customers/{id}/directSignedMicrosoftCustomerAgreementStatus", &["GET"]),
    ("/customers/{id}/validationStatus", &["GET"]),
    ("/customers/{id}/qualification", &["GET", "PUT"]),
    ("/customers/all/validations", &["GET"]),
    ("/customers/{id}/validations", &["GET"]),
    ("/customers/{id}/users", &["GET", "POST"]),
    ("/customers/{id}/users/{user_id}", &["GET", "PATCH", "DELETE"]),
    ("/customers/{id}/users/{user_id}/resetpassword", &["PATCH"]),
    ("/customers/{id}/users/{user_id}/directoryroles", &["GET"]),
    ("/customers/{id}/users/{user_id}/licenses", &["GET"]),
    ("/customers/{id}/users/{user_id}/licenseupdates", &["POST"]),
    ("/customers/{id}/directoryroles", &["GET"]),
    ("/customers/{id}/directoryroles/{role_id}/usermembers", &["GET", "POST"]),
    ("/customers/{id}/directoryroles/{role_id}/usermembers/{user_id}", &["DELETE"]),
    ("/customers/{id}/subscribedskus", &["GET"]),
];

/// `/v1/customers` and `/v1.0/customers` are the same resource: the route without its version.
pub fn version_free(route: &str) -> &str {
    route.strip_prefix("/v1.0").or_else(|| route.strip_prefix("/v1")).unwrap_or(route)
}

/// The methods of a route template partnerd serves (with or without its `/v1` or `/v1.0`),
/// or `None` when it serves no such template.
pub fn methods_of(route: &str) -> Option<&'static [&'static str]> {
    let wanted = version_free(route);
    PARTNER_CENTER_ROUTES.iter().find(|(path, _)| *path == wanted).map(|(_, methods)| *methods)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_version_or_none_names_the_same_route() {
        for route in ["/v1/customers/{id}", "/v1.0/customers/{id}", "/customers/{id}"] {
            assert_eq!(methods_of(route), Some(&["GET", "PATCH", "DELETE"][..]), "{route}");
        }
        assert_eq!(methods_of("/v1/customer"), None);
        assert_eq!(methods_of("v1/customers"), None);
    }
}
