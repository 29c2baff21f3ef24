//! The JSON schema of [`Relationship`], whose serde forms are hand-written: written as its
//! canonical names, read also as PascalCase/camelCase names and the integers 0 to 5.

use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::Relationship;

impl utoipa::PartialSchema for Relationship {
    fn schema() -> RefOr<Schema> {
        let names = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["unknown", "reseller", "advisor", "syndication", "microsoft_support", "none"]))
            .description(Some("As written; PascalCase and camelCase spellings are read too."));
        let numbers = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(5)).description(
            Some("Read only: 0 unknown, 1 reseller, 2 advisor, 3 syndication, 4 microsoft_support, 5 none."),
        );
        RefOr::T(Schema::OneOf(OneOfBuilder::new().item(names).item(numbers).build()))
    }
}

impl utoipa::ToSchema for Relationship {}
