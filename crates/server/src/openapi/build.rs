//! Turns the operation table into the OpenAPI document.

use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, Required, ResponseBuilder,
};

use super::operations::{Answer, At, Auth, Kind, Operation, OPERATIONS, REFERENCE_OPERATIONS};
use super::user_operations::USER_OPERATIONS;
use crate::Config;

/// A GUID in any case, as partnerd reads ids.
pub(super) const GUID_PATTERN: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// Partner Center's media types, for request and response bodies alike (JSON first).
const PARTNER_CENTER_TYPES: [&str; 4] = ["application/json", "text/json", "application/xml", "text/xml"];
const FORM: &str = "application/x-www-form-urlencoded";
/// The tag of the `/v1.0` copies, listed after everything else.
const V1_0: &str = "Partner Center customers, API version 1.0 (the same operations)";

/// The whole document, as a server with the default configuration (a sandbox whose control
/// plane is open) serves it.
pub fn document() -> OpenApi {
    document_for(&Config::default())
}

/// The whole document for a server built with `config`: the control plane and `/metrics`
/// declare the admin token exactly when that server demands it, so what the document says
/// about security is what the server does.
pub fn document_for(config: &Config) -> OpenApi {
    let guarded = Guarded { control: config.admin_token.is_some(), metrics: config.metrics_open() == Some(false) };
    let mut paths = PathsBuilder::new();
    for op in OPERATIONS
        .iter()
        .chain(USER_OPERATIONS)
        .chain(REFERENCE_OPERATIONS)
        .chain(super::account_operations::ACCOUNT_OPERATIONS)
    {
        paths = paths.path(op.path, PathItem::new(method(op.method), operation(op, op.tag, "", guarded)));
        // API version 1.0 routes exactly as v1 (the generated Python client may use it).
        if let Some(rest) = op.path.strip_prefix("/v1/") {
            paths = paths
                .path(format!("/v1.0/{rest}"), PathItem::new(method(op.method), operation(op, V1_0, "-v1.0", guarded)));
        }
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("partnerd")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Partner Center's Customers API as partnerd serves it, and partnerd's control plane. \
                     docs/api.md in the repository is the prose reference (paging, idempotency, errors).",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(super::schemas::components()))
        .tags(Some(
            ["Partner Center customers", "Control plane", "Reference", "Operations", V1_0]
                .map(|t| TagBuilder::new().name(t).build()),
        ))
        .build()
}

fn method(name: &str) -> HttpMethod {
    match name {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        "HEAD" => HttpMethod::Head,
        other => unreachable!("{other} is not a method the operation table uses"),
    }
}

/// Which admin-token routes demand the token on this server.
#[derive(Clone, Copy)]
struct Guarded {
    control: bool,
    metrics: bool,
}

impl Guarded {
    fn demands_token(self, op: &Operation) -> bool {
        if op.path == "/metrics" {
            self.metrics
        } else {
            self.control
        }
    }
}

fn operation(op: &Operation, tag: &str, id_suffix: &str, guarded: Guarded) -> utoipa::openapi::path::Operation {
    let id = format!("{} {}{id_suffix}", op.method.to_lowercase(), op.path);
    let mut b = OperationBuilder::new().tag(tag).summary(Some(op.summary)).operation_id(Some(id));
    for p in op.params {
        let at = match p.at {
            At::Path => ParameterIn::Path,
            At::Query => ParameterIn::Query,
            At::Header => ParameterIn::Header,
        };
        let required = if p.required { Required::True } else { Required::False };
        b = b.parameter(
            ParameterBuilder::new()
                .name(p.name)
                .parameter_in(at)
                .required(required)
                .description(Some(p.description))
                .schema(Some(parameter_schema(p.kind))),
        );
    }
    let partner_center = op.path.starts_with("/v1/");
    if let Some(schema) = op.body {
        let mut body = RequestBodyBuilder::new().required(Some(Required::True));
        let types: &[&str] = if partner_center { &PARTNER_CENTER_TYPES } else { &["application/json"] };
        for t in types.iter().copied().chain(partner_center.then_some(FORM)) {
            body = body.content(t, ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build());
        }
        b = b.request_body(Some(body.build()));
    }
    let body_answers: &[Answer] = if op.body.is_some() { BODY_ANSWERS } else { &[] };
    let auth = match op.auth {
        Auth::Admin if !guarded.demands_token(op) => Auth::Public,
        other => other,
    };
    let idempotent = op.params.iter().any(|p| p.name == "MS-RequestId");
    let replay_answers: &[Answer] = if idempotent { REPLAY_ANSWERS } else { &[] };
    // The operation's own answers last, so that they win over the general ones.
    for a in replay_answers.iter().chain(common_answers(auth)).chain(body_answers).chain(op.answers) {
        b = b.response(a.status.to_string(), response(a, partner_center));
    }
    match auth {
        Auth::Partner => b = b.security(SecurityRequirement::new("partner", Vec::<String>::new())),
        Auth::Admin => b = b.security(SecurityRequirement::new("admin", Vec::<String>::new())),
        Auth::Public => {}
    }
    b.build()
}

/// The schema of a parameter's values: exactly what the server takes.
fn parameter_schema(kind: Kind) -> Schema {
    let text = ObjectBuilder::new().schema_type(Type::String);
    let object = match kind {
        Kind::Text => text,
        Kind::Guid => text.format(Some(SchemaFormat::Custom("uuid".into()))).pattern(Some(GUID_PATTERN)),
        Kind::OneOf(values) => text.enum_values(Some(values.iter().copied())),
        Kind::AtLeast(min) => ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(min)),
        Kind::Boolean => ObjectBuilder::new().schema_type(Type::Boolean),
        Kind::Pattern(pattern) => text.pattern(Some(pattern)),
        Kind::Since => {
            let id = ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[0-9]{1,19}$"));
            let time = text.format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)));
            return AnyOfBuilder::new().item(id).item(time).into();
        }
    };
    object.into()
}

/// Answers every operation that reads a body can give.
const BODY_ANSWERS: &[Answer] = &[
    Answer { status: 413, description: "The body is larger than the server reads.", schema: Some("ErrorBody") },
    Answer {
        status: 415,
        description: "The body's Content-Type is not one this operation reads.",
        schema: Some("ErrorBody"),
    },
];

/// Answers every operation that takes `MS-RequestId` can give.
const REPLAY_ANSWERS: &[Answer] = &[Answer {
    status: 422,
    description: "This MS-RequestId was already used for a different request (code 800002).",
    schema: Some("ErrorBody"),
}];

/// Answers every operation of a kind can give.
fn common_answers(auth: Auth) -> &'static [Answer] {
    const PARTNER: &[Answer] = &[
        Answer {
            status: 401,
            description: "Missing or invalid bearer token (code 800001).",
            schema: Some("ErrorBody"),
        },
        Answer {
            status: 429,
            description: "Throttled (serve --rate-limit); Retry-After says when.",
            schema: Some("Throttled"),
        },
        Answer { status: 500, description: "Unexpected server error (code 800003).", schema: Some("ErrorBody") },
    ];
    const ADMIN: &[Answer] =
        &[Answer { status: 401, description: "The admin token is required.", schema: Some("ErrorBody") }];
    match auth {
        Auth::Partner => PARTNER,
        Auth::Admin => ADMIN,
        Auth::Public => &[],
    }
}

fn response(a: &Answer, partner_center: bool) -> utoipa::openapi::Response {
    let mut r = ResponseBuilder::new().description(a.description);
    if let Some(schema) = a.schema {
        let types: &[&str] = if partner_center { &PARTNER_CENTER_TYPES } else { &["application/json"] };
        for t in types {
            r = r.content(*t, ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build());
        }
    }
    r.build()
}
