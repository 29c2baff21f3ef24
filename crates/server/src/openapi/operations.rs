//! One entry per served method and path: what the document says about it. Partner Center's
//! paths are written once under `/v1`; the document repeats them under `/v1.0`, which routes the
//! same way.

/// Who may call an operation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// A partner's bearer JWT.
    Partner,
    /// The control plane's admin token, when one is configured.
    Admin,
    /// Anyone.
    Public,
}

#[derive(Clone, Copy)]
pub enum At {
    Path,
    Query,
    Header,
}

pub struct Param {
    pub name: &'static str,
    pub at: At,
    pub required: bool,
    pub description: &'static str,
    /// What the server accepts, declared exactly, so a client or a fuzzer knows that anything
    /// else is refused with 400 (and that everything it allows is taken).
    pub kind: Kind,
}

/// The values a parameter takes.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Any text.
    Text,
    /// A GUID, in any case.
    Guid,
    /// One of these words, exactly.
    OneOf(&'static [&'static str]),
    /// A whole number at least this.
    AtLeast(i64),
    /// `true` or `false`.
    Boolean,
    /// Text matching this regular expression.
    Pattern(&'static str),
    /// A journal entry id, or an RFC 3339 date-time.
    Since,
}

/// One documented answer: status, what it means, and the schema component of its body.
pub struct Answer {
    pub status: u16,
    pub description: &'static str,
    pub schema: Option<&'static str>,
}

pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub auth: Auth,
    pub params: &'static [Param],
    /// The request body's schema component (JSON, XML and form encodings for Partner Center).
    pub body: Option<&'static str>,
    pub answers: &'static [Answer],
}

pub(super) const PARTNER_CENTER: &str = "Partner Center customers";
pub(super) const CONTROL: &str = "Control plane";
const REFERENCE: &str = "Reference";
const OPERATIONS_TAG: &str = "Operations";

pub(super) const fn param(name: &'static str, at: At, required: bool, description: &'static str) -> Param {
    Param { name, at, required, description, kind: Kind::Text }
}

/// A parameter of a given kind.
pub(super) const fn typed(name: &'static str, at: At, required: bool, description: &'static str, kind: Kind) -> Param {
    Param { name, at, required, description, kind }
}

/// A parameter whose value must be a GUID.
pub(super) const fn guid(name: &'static str, at: At, required: bool, description: &'static str) -> Param {
    Param { name, at, required, description, kind: Kind::Guid }
}

pub(super) const fn answer(status: u16, description: &'static str, schema: Option<&'static str>) -> Answer {
    Answer { status, description, schema }
}

pub(super) const ID: Param = guid("id", At::Path, true, "The customer's id: its tenant GUID (case-insensitive).");
pub(super) const REQUEST_ID: Param = param(
    "MS-RequestId",
    At::Header,
    false,
    "Idempotency key (GUID): a retry with the same id and body gets the first answer again.",
);
const IF_NONE_MATCH: Param =
    param("If-None-Match", At::Header, false, "The etag last seen: 304 when the resource is unchanged.");
/// A page size: absent, 0 or above 500 mean 500.
pub(super) const SIZE: Param = typed(
    "size",
    At::Query,
    false,
    "Page size; absent or 0 means 500, larger values are lowered to 500.",
    Kind::AtLeast(0),
);
/// How a list seeks, by name or by number (Next 0, Previous 1, First 2, Last 3).
pub(super) const SEEK_OPERATIONS: &[&str] = &["Next", "Previous", "First", "Last", "0", "1", "2", "3"];
/// A status (100 to 599) or a class (1xx to 5xx) to filter the journal by.
const STATUS_FILTER: &str = "^([1-5][0-9][0-9]|[1-5](xx|XX))$";
pub(super) const ERROR: Option<&str> = Some("ErrorBody");
pub(super) const NOT_FOUND: Answer = answer(404, "No such customer for this partner (code 1000).", ERROR);
pub(super) const BAD_ID: Answer = answer(400, "Invalid input, e.g. an id that is not a GUID (code 900118).", ERROR);
const NOT_MODIFIED: Answer = answer(304, "Unchanged since the etag in If-None-Match.", None);

/// Every served operation. Keep in step with the router: the openapi test compares them.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        method: "GET",
        path: "/v1/customers",
        tag: PARTNER_CENTER,
        summary: "List customers: one page, optionally filtered; seek with a continuation token",
        auth: Auth::Partner,
        params: &[
            SIZE,
            param("filter", At::Query, false, "URL-encoded JSON {\"Field\": \"CompanyName\"|\"Domain\"|\"IndirectReseller\"|\"IndirectCloudSolutionProvider\", \"Value\": \"prefix\", \"Operator\": \"starts_with\"}."),
            typed("seekOperation", At::Query, false, "Next, Previous, First or Last (or 0-3); Next and Previous need MS-ContinuationToken.", Kind::OneOf(SEEK_OPERATIONS)),
            param("MS-ContinuationToken", At::Header, false, "The continuationToken of the page to seek from; it carries the size and filter."),
        ],
        body: None,
        answers: &[
            answer(200, "A page of customers (list projection).", Some("CustomerCollection")),
            answer(400, "Bad size, filter (code 2000 for an unsupported field or operator) or continuation token.", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/v1/customers",
        tag: PARTNER_CENTER,
        summary: "Create a customer (the answer holds the admin password, once)",
        auth: Auth::Partner,
        params: &[REQUEST_ID],
        body: Some("Customer"),
        answers: &[
            answer(201, "The created customer with userCredentials; Location names it.", Some("Customer")),
            answer(400, "Invalid input: the data member names the fields (code 800002, 900126 for an enum).", ERROR),
            answer(409, "The domain is taken (code 600006).", ERROR),
            answer(422, "The same MS-RequestId with a different body.", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/relationshiprequests",
        tag: PARTNER_CENTER,
        summary: "The link a customer's admin follows to accept this partner as reseller",
        auth: Auth::Partner,
        params: &[],
        body: None,
        answers: &[answer(200, "The relationship request link.", Some("RelationshipRequest"))],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}",
        tag: PARTNER_CENTER,
        summary: "Get a customer",
        auth: Auth::Partner,
        params: &[ID, IF_NONE_MATCH],
        body: None,
        answers: &[answer(200, "The full customer; ETag header.", Some("Customer")), NOT_MODIFIED, BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "PATCH",
        path: "/v1/customers/{id}",
        tag: PARTNER_CENTER,
        summary: "End the partner relationship ({\"relationshipToPartner\": \"none\"})",
        auth: Auth::Partner,
        params: &[ID, REQUEST_ID],
        body: Some("Customer"),
        answers: &[
            answer(200, "The customer, now gone from this partner's list.", Some("Customer")),
            BAD_ID,
            NOT_FOUND,
        ],
    },
    Operation {
        method: "DELETE",
        path: "/v1/customers/{id}",
        tag: PARTNER_CENTER,
        summary: "Delete a customer (sandbox mode only)",
        auth: Auth::Partner,
        params: &[ID, REQUEST_ID],
        body: None,
        answers: &[
            answer(204, "Deleted.", None),
            BAD_ID,
            answer(403, "Not in production mode (code 900127).", ERROR),
            NOT_FOUND,
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/profiles/company",
        tag: PARTNER_CENTER,
        summary: "Get a customer's company profile",
        auth: Auth::Partner,
        params: &[ID, IF_NONE_MATCH],
        body: None,
        answers: &[answer(200, "The company profile.", Some("CompanyProfile")), NOT_MODIFIED, BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/profiles/billing",
        tag: PARTNER_CENTER,
        summary: "Get a customer's billing profile (with its etag)",
        auth: Auth::Partner,
        params: &[ID, IF_NONE_MATCH],
        body: None,
        answers: &[answer(200, "The billing profile.", Some("BillingProfile")), NOT_MODIFIED, BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "PUT",
        path: "/v1/customers/{id}/profiles/billing",
        tag: PARTNER_CENTER,
        summary: "Replace a customer's billing profile, conditionally on its etag",
        auth: Auth::Partner,
        params: &[
            ID,
            REQUEST_ID,
            param("If-Match", At::Header, false, "The current etag (or attributes.etag in the body); stale answers 412."),
        ],
        body: Some("BillingProfile"),
        answers: &[
            answer(200, "The updated profile with a new etag.", Some("BillingProfile")),
            BAD_ID,
            NOT_FOUND,
            answer(412, "The etag is stale (code 2055).", ERROR),
        ],
    },
    Operation {
        method: "HEAD",
        path: "/v1/domains/{domain}",
        tag: PARTNER_CENTER,
        summary: "Is a domain taken (by any partner's customer)?",
        auth: Auth::Partner,
        params: &[param("domain", At::Path, true, "e.g. contoso.onmicrosoft.com")],
        body: None,
        answers: &[answer(200, "Taken.", None), answer(404, "Free.", None)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd",
        tag: CONTROL,
        summary: "What this server is: name, version, mode, clock offset",
        auth: Auth::Admin,
        params: &[],
        body: None,
        answers: &[answer(200, "Server information.", Some("Object"))],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/",
        tag: CONTROL,
        summary: "The same as GET /_partnerd",
        auth: Auth::Admin,
        params: &[],
        body: None,
        answers: &[answer(200, "Server information.", Some("Object"))],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/stats",
        tag: CONTROL,
        summary: "Request counts, errors and latency percentiles in 10-second buckets over 15 minutes",
        auth: Auth::Admin,
        params: &[],
        body: None,
        answers: &[answer(200, "The buckets.", Some("Object"))],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/tokens",
        tag: CONTROL,
        summary: "A development token for any partner ({\"partner\": GUID}); 404 with production keys",
        auth: Auth::Admin,
        params: &[],
        body: Some("TokenRequest"),
        answers: &[
            answer(200, "The token.", Some("Object")),
            answer(400, "The body is not {\"partner\": GUID}.", ERROR),
            answer(404, "Production keys are configured.", ERROR),
        ],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/reset",
        tag: CONTROL,
        summary: "Forget customers, kept responses (everybody's or ?partner=GUID's); ?keys=true also renews the token key",
        auth: Auth::Admin,
        params: &[
            guid("partner", At::Query, false, "Reset only this partner (a GUID)."),
            typed("keys", At::Query, false, "true: also a new continuation-token key (not with partner).", Kind::Boolean),
        ],
        body: None,
        answers: &[answer(200, "What was removed.", Some("Object")), answer(400, "Bad parameters.", ERROR)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/clock",
        tag: CONTROL,
        summary: "The clock offset and the server's current time",
        auth: Auth::Admin,
        params: &[],
        body: None,
        answers: &[answer(200, "{\"offsetSeconds\": N, \"now\": ...}", Some("Object"))],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/clock",
        tag: CONTROL,
        summary: "Move the server's clock ({\"offsetSeconds\": N}) for token, continuation-token and idempotency expiry",
        auth: Auth::Admin,
        params: &[],
        body: Some("ClockMove"),
        answers: &[answer(200, "The new offset and time.", Some("Object")), answer(400, "Bad offset.", ERROR)],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/partners/{partner}/seed",
        tag: CONTROL,
        summary: "Add {\"count\": N} synthetic customers, the same for the same {\"seed\": S} and partner on any store; \
                  optional \"resellers\" and \"validationCodes\" for the partner",
        auth: Auth::Admin,
        params: &[guid("partner", At::Path, true, "The partner (a GUID).")],
        body: Some("SeedRequest"),
        answers: &[
            answer(201, "How many were added.", Some("Object")),
            answer(400, "Bad partner, count or seed.", ERROR),
            answer(409, "An id or domain is taken (the seed was used before); nothing added.", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/snapshot",
        tag: CONTROL,
        summary: "Every stored customer (or ?partner=GUID's) as JSON lines: partner, createdAt, the full customer",
        auth: Auth::Admin,
        params: &[guid("partner", At::Query, false, "Only this partner's customers (a GUID).")],
        body: None,
        answers: &[answer(200, "application/x-ndjson, one customer a line.", None), answer(400, "Bad parameters.", ERROR)],
    },
    Operation {
        method: "PUT",
        path: "/_partnerd/snapshot",
        tag: CONTROL,
        summary: "Replace every customer (or ?partner=GUID's) with a snapshot's, in one transaction",
        auth: Auth::Admin,
        params: &[guid("partner", At::Query, false, "Replace only this partner's customers (a GUID).")],
        body: None,
        answers: &[
            answer(200, "How many customers were restored.", Some("Object")),
            answer(400, "A bad line (named); nothing changed.", ERROR),
            answer(409, "A line's id or domain is taken (named); nothing changed.", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/requests",
        tag: CONTROL,
        summary: "The request journal, newest first ({\"totalCount\", \"items\"})",
        auth: Auth::Admin,
        params: &[
            param("method", At::Query, false, "GET, POST, ... (any case)."),
            param("route", At::Query, false, "A route template; /customers, /v1/customers and /v1.0/customers are one route."),
            typed("status", At::Query, false, "A status (503) or a class (5xx).", Kind::Pattern(STATUS_FILTER)),
            guid("partner", At::Query, false, "A partner GUID."),
            param("correlationId", At::Query, false, "An exact MS-CorrelationId."),
            typed("since", At::Query, false, "An entry id (entries after it) or an RFC 3339 time (at or after it).", Kind::Since),
            typed("limit", At::Query, false, "At most this many entries (default 100).", Kind::AtLeast(1)),
        ],
        body: None,
        answers: &[answer(200, "The entries.", Some("Object")), answer(400, "Bad filter.", ERROR)],
    },
    Operation {
        method: "DELETE",
        path: "/_partnerd/requests",
        tag: CONTROL,
        summary: "Forget the journal (everybody's entries or ?partner=GUID's)",
        auth: Auth::Admin,
        params: &[guid("partner", At::Query, false, "Only this partner's entries.")],
        body: None,
        answers: &[answer(204, "Forgotten.", None), answer(400, "Bad parameter.", ERROR)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/requests/stream",
        tag: CONTROL,
        summary: "Live tail of the journal (Server-Sent Events: event request, data = the entry)",
        auth: Auth::Admin,
        params: &[
            param("method", At::Query, false, "As for the list."),
            param("route", At::Query, false, "As for the list."),
            typed("status", At::Query, false, "As for the list.", Kind::Pattern(STATUS_FILTER)),
            guid("partner", At::Query, false, "As for the list."),
            param("correlationId", At::Query, false, "As for the list."),
        ],
        body: None,
        answers: &[answer(200, "text/event-stream.", None), answer(400, "Bad filter.", ERROR)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/requests/{id}",
        tag: CONTROL,
        summary: "One journal entry",
        auth: Auth::Admin,
        params: &[param("id", At::Path, true, "The entry id.")],
        body: None,
        answers: &[answer(200, "The entry.", Some("Object")), answer(404, "Not (or no longer) kept.", ERROR)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/faults",
        tag: CONTROL,
        summary: "The fault rules in force, in the order they are tried",
        auth: Auth::Admin,
        params: &[],
        body: None,
        answers: &[answer(200, "The rules.", Some("Object"))],
    },
    Operation {
        method: "POST",
        path: "/_partnerd/faults",
        tag: CONTROL,
        summary: "Add a fault rule ({\"method\", \"route\", \"status\", \"count\", ...}); 201 with its id",
        auth: Auth::Admin,
        params: &[],
        body: Some("Object"),
        answers: &[answer(201, "The rule as kept.", Some("Object")), answer(400, "Bad rule.", ERROR)],
    },
    Operation {
        method: "DELETE",
        path: "/_partnerd/faults",
        tag: CONTROL,
        summary: "Remove every fault rule (or ?partner=GUID's)",
        auth: Auth::Admin,
        params: &[guid("partner", At::Query, false, "Only the rules limited to this partner.")],
        body: None,
        answers: &[answer(204, "Removed.", None), answer(400, "Bad parameter.", ERROR)],
    },
    Operation {
        method: "DELETE",
        path: "/_partnerd/faults/{id}",
        tag: CONTROL,
        summary: "Remove one fault rule",
        auth: Auth::Admin,
        params: &[param("id", At::Path, true, "The rule id.")],
        body: None,
        answers: &[answer(204, "Removed.", None), answer(404, "No such rule.", ERROR)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/guidance",
        tag: CONTROL,
        summary: "Guidance flags raised by clients: counts and latest examples per flag",
        auth: Auth::Admin,
        params: &[guid("partner", At::Query, false, "Only this partner's.")],
        body: None,
        answers: &[answer(200, "The summary.", Some("Object")), answer(400, "Bad parameter.", ERROR)],
    },
    Operation {
        method: "DELETE",
        path: "/_partnerd/guidance",
        tag: CONTROL,
        summary: "Start the guidance tallies over (everybody's or ?partner=GUID's)",
        auth: Auth::Admin,
        params: &[guid("partner", At::Query, false, "Only this partner's.")],
        body: None,
        answers: &[answer(204, "Cleared.", None), answer(400, "Bad parameter.", ERROR)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/console",
        tag: CONTROL,
        summary: "The web console (HTML)",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[answer(200, "The console page.", None)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/console/",
        tag: CONTROL,
        summary: "The web console (HTML)",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[answer(200, "The console page.", None)],
    },
    Operation {
        method: "GET",
        path: "/_partnerd/console/{file}",
        tag: CONTROL,
        summary: "The console's scripts and styles",
        auth: Auth::Public,
        params: &[param("file", At::Path, true, "An asset name.")],
        body: None,
        answers: &[answer(200, "The asset.", None), answer(404, "No such asset.", ERROR)],
    },
];

/// The reference itself (served by Swagger UI).
pub const REFERENCE_OPERATIONS: &[Operation] = &[
    Operation {
        method: "GET",
        path: "/openapi.json",
        tag: REFERENCE,
        summary: "This document",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[answer(200, "OpenAPI 3.1.", Some("Object"))],
    },
    Operation {
        method: "GET",
        path: "/docs",
        tag: REFERENCE,
        summary: "The interactive API reference (Swagger UI, no external assets)",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[answer(200, "The reference page.", None)],
    },
    Operation {
        method: "GET",
        path: "/docs/",
        tag: REFERENCE,
        summary: "The interactive API reference (Swagger UI, no external assets)",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[answer(200, "The reference page.", None)],
    },
    Operation {
        method: "GET",
        path: "/docs/{rest}",
        tag: REFERENCE,
        summary: "The reference page's scripts and styles, compiled into the server",
        auth: Auth::Public,
        params: &[param("rest", At::Path, true, "An asset path.")],
        body: None,
        answers: &[answer(200, "The asset.", None), answer(404, "No such asset.", None)],
    },
    Operation {
        method: "GET",
        path: "/",
        tag: OPERATIONS_TAG,
        summary: "Sandbox mode only: a redirect to the console",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[answer(307, "Location: /_partnerd/console", None)],
    },
    Operation {
        method: "GET",
        path: "/healthz",
        tag: OPERATIONS_TAG,
        summary: "Liveness: the process serves HTTP",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[answer(200, "{\"status\": \"ok\"}", Some("Object"))],
    },
    Operation {
        method: "GET",
        path: "/readyz",
        tag: OPERATIONS_TAG,
        summary: "Readiness: the store answers a trivial query within 3 seconds",
        auth: Auth::Public,
        params: &[],
        body: None,
        answers: &[
            answer(200, "{\"status\": \"ok\"}", Some("Object")),
            answer(503, "The store does not answer.", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/metrics",
        tag: OPERATIONS_TAG,
        summary: "Prometheus metrics (text format); needs the admin token when one is configured",
        auth: Auth::Admin,
        params: &[],
        body: None,
        answers: &[answer(200, "Prometheus text exposition format.", None)],
    },
];
