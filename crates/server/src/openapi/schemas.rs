//! The document's schema components: the wire types derived from `partnerd-model` (the same
//! types that serialise the responses), plus the two bodies that are not model types.

use partnerd_model::directory::UserMember;
use partnerd_model::license::LicenseUpdate;
use partnerd_model::{Collection, Customer, CustomerUser, ErrorBody};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{Components, ComponentsBuilder, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// Every component the operations refer to by name.
pub fn components() -> Components {
    let mut nested = Vec::new();
    Customer::schemas(&mut nested);
    CustomerUser::schemas(&mut nested);
    LicenseUpdate::schemas(&mut nested);
    let builder = super::control_bodies::components(super::account_operations::components(ComponentsBuilder::new()));
    builder
        .schemas_from_iter(nested)
        .schema(Customer::name(), Customer::schema())
        .schema("CustomerCollection", Collection::<Customer>::schema())
        .schema(CustomerUser::name(), CustomerUser::schema())
        .schema("CustomerUserCollection", Collection::<CustomerUser>::schema())
        .schema(UserMember::name(), UserMember::schema())
        .schema(LicenseUpdate::name(), LicenseUpdate::schema())
        .schema(ErrorBody::name(), ErrorBody::schema())
        .schema("Throttled", throttled())
        .schema("RelationshipRequest", relationship_request())
        .schema("Object", ObjectBuilder::new().schema_type(Type::Object).build())
        .security_scheme(
            "partner",
            bearer("A JWT whose `tid` claim is the partner (`partnerd token` mints development ones)."),
        )
        .security_scheme(
            "admin",
            bearer("The admin token given to `serve --admin-token` (none needed in sandbox mode without one)."),
        )
        .build()
}

fn bearer(description: &str) -> utoipa::openapi::security::SecurityScheme {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description)).build())
}

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).description(Some(description))
}

/// The 429 body, Partner Center's throttling shape rather than the error body.
fn throttled() -> RefOr<Schema> {
    ObjectBuilder::new()
        .property("statusCode", ObjectBuilder::new().schema_type(Type::Integer))
        .property("message", string("Rate limit is exceeded. Try again in N seconds."))
        .required("statusCode")
        .required("message")
        .into()
}

fn relationship_request() -> RefOr<Schema> {
    ObjectBuilder::new()
        .property("url", string("The link a customer's admin follows to accept the partner as reseller."))
        .property("attributes", ObjectBuilder::new().property("objectType", string("RelationshipRequest")))
        .required("url")
        .into()
}
