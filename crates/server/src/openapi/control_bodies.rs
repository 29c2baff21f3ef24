//! The request bodies of the control plane, stated as exactly as the handlers read them
//! (`crates/server/src/control/`): required members, unknown members refused, ranges and
//! one-of rules, so that a client (or a fuzzer) that follows the document is never refused.

use serde_json::{json, Value};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{ComponentsBuilder, RefOr};

use super::build::GUID_PATTERN;

/// Text with at least one character that is not white space (the handlers trim).
const NOT_BLANK: &str = "\\S";

/// Adds the control plane's body schemas to the document's components.
pub fn components(builder: ComponentsBuilder) -> ComponentsBuilder {
    let guid = json!({"type": "string", "pattern": GUID_PATTERN});
    let bodies = [
        ("TokenRequest", closed(json!({"partner": guid}), &["partner"])),
        ("ClockMove", clock_move()),
        ("SeedRequest", seed_request()),
        ("ResellerRequest", reseller()),
        ("AddressFixtureRequest", address_fixture()),
        (
            "StatusRequest",
            closed(
                json!({
                    "directSigned": {"type": "boolean"},
                    "validationStatus": {"type": "string", "enum": ["Allowed", "UnderReview", "NotAllowed", "Unknown"]},
                }),
                &[],
            ),
        ),
        (
            "ValidationCodeRequest",
            closed(
                json!({
                    "validationId": {"type": "string", "pattern": "^[^\\u0000-\\u001f\\u007f]*\\S[^\\u0000-\\u001f\\u007f]*$", "maxLength": 64},
                    "organizationName": {"type": "string", "pattern": NOT_BLANK},
                    "maxCreates": {"type": "integer", "minimum": 0},
                }),
                &["validationId", "organizationName", "maxCreates"],
            ),
        ),
        (
            "Verdict",
            closed(
                json!({"vettingStatus": {"type": "string", "enum": ["Approved", "Denied"]}, "vettingReason": {"type": ["string", "null"]}}),
                &["vettingStatus"],
            ),
        ),
    ];
    bodies.into_iter().fold(builder, |b, (name, schema)| b.schema(name, to_schema(schema)))
}

/// An object with exactly these members (the handlers refuse unknown ones).
fn closed(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

/// `{"offsetSeconds": N}` or `{"advanceSeconds": N}`, exactly one, within ±50 years.
fn clock_move() -> Value {
    let seconds = json!({"type": "integer", "minimum": -1_576_800_000_i64, "maximum": 1_576_800_000_i64});
    json!({"oneOf": [
        closed(json!({"offsetSeconds": seconds}), &["offsetSeconds"]),
        closed(json!({"advanceSeconds": seconds}), &["advanceSeconds"]),
    ]})
}

fn seed_request() -> Value {
    closed(
        json!({
            "count": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
            "seed": {"type": "integer", "minimum": 0},
            "users": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
            "resellers": {"type": "array", "items": reseller()},
        }),
        &["count", "seed"],
    )
}

/// An indirect reseller: its tenant GUID and a name.
fn reseller() -> Value {
    closed(
        json!({
            "id": {"type": "string", "pattern": GUID_PATTERN},
            "name": {"type": "string", "pattern": NOT_BLANK},
            "mpnId": {"type": ["string", "null"]},
            "location": {"type": ["string", "null"]},
        }),
        &["id", "name"],
    )
}

/// `{"address", "status", "suggestedAddresses"?, "validationMessage"?}`: one variant per group
/// of statuses, since each group comes with its own number of suggestions
/// (`partnerd_model::address_fixture::STATUSES`).
fn address_fixture() -> Value {
    let text = json!({"type": ["string", "null"]});
    // The API's own address, open as every address partnerd reads (members it does not know
    // are ignored); only the fixture's own address must name its country.
    let suggestion = json!({"$ref": "#/components/schemas/Address"});
    let country = json!({"type": "string", "pattern": "^[A-Za-z]{2}$"});
    let address =
        json!({"allOf": [suggestion, {"type": "object", "properties": {"country": country}, "required": ["country"]}]});
    let variant = |statuses: &[&str], fewest: usize, most: usize| {
        closed(
            json!({
                "address": address,
                "status": {"type": "string", "enum": statuses},
                "suggestedAddresses": {"type": ["array", "null"], "items": suggestion, "minItems": fewest, "maxItems": most},
                "validationMessage": text,
            }),
            &["address", "status"],
        )
    };
    json!({"oneOf": [
        variant(&["VerifiedShippable", "Verified", "InteractionRequired"], 1, 1),
        variant(&["StreetPartial", "PremisesPartial", "Multiple"], 0, 3),
        variant(&["None", "NotValidated"], 0, 0),
    ]})
}

fn to_schema(value: Value) -> RefOr<Schema> {
    serde_json::from_value(value).expect("the control plane's body schemas are valid schemas")
}

#[cfg(test)]
mod tests {
    use super::components;

    /// Every body converts to a schema (`to_schema` panics on one that does not).
    #[test]
    fn each_body_is_a_schema() {
        let built = components(utoipa::openapi::ComponentsBuilder::new()).build();
        for name in [
            "TokenRequest",
            "ClockMove",
            "SeedRequest",
            "ResellerRequest",
            "AddressFixtureRequest",
            "StatusRequest",
            "Verdict",
        ] {
            assert!(built.schemas.contains_key(name), "{name}");
        }
    }
}
