//! The probes: what the suite asks both sides. Each is built from what that side's own first
//! page showed (its first customer, its name and domain, its continuation token), so that
//! both are asked the same question about their own data. Filters name the first customer in
//! full, so both find a page of one (or few), whatever else they hold.

use reqwest::Method;
use serde_json::Value;

use super::side::{Answer, Ask};

/// What a side's discovery read (`GET /v1/customers?size=2`) found.
#[derive(Default, Debug)]
pub struct Context {
    pub id: Option<String>,
    /// The first customer's company name: a filter on it finds a page of one on any data.
    pub name: Option<String>,
    pub domain: Option<String>,
    pub continuation: Option<String>,
    /// The first customer's billing profile as read, and its etag (for the write probe).
    pub billing: Option<(String, String)>,
}

impl Context {
    /// What a first page says; an unreadable one leaves everything unknown.
    pub fn from_first_page(answer: &Answer) -> Context {
        let Ok(page) = serde_json::from_slice::<Value>(&answer.body) else { return Context::default() };
        let first = page.get("items").and_then(|items| items.get(0));
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let company = first.and_then(|c| c.get("companyProfile"));
        Context {
            id: text(first.and_then(|c| c.get("id"))),
            name: text(company.and_then(|p| p.get("companyName"))),
            domain: text(company.and_then(|p| p.get("domain"))),
            continuation: text(page.get("continuationToken")),
            billing: None,
        }
    }
}

/// One question asked of both sides.
pub struct Probe {
    pub name: &'static str,
    /// The request for a side, or `None` (with the reason) when that side lacks what it needs.
    pub build: fn(&Context) -> Result<Ask, &'static str>,
    /// Changes data: run only with `--allow-writes`.
    pub writes: bool,
}

const NO_CUSTOMER: &str = "no customer on the first page";
/// Not a customer of anyone: Partner Center's tenant ids are random (v4) GUIDs.
const UNKNOWN_ID: &str = "00000000-0000-4000-8000-00000000dead";

fn customer(c: &Context, suffix: &str) -> Result<Ask, &'static str> {
    Ok(Ask::get(format!("/v1/customers/{}{suffix}", c.id.as_deref().ok_or(NO_CUSTOMER)?)))
}

fn filter(field: &str, value: &str, operator: &str) -> String {
    let json = serde_json::json!({"Field": field, "Value": value, "Operator": operator}).to_string();
    form_urlencoded::byte_serialize(json.as_bytes()).collect()
}

fn xml(mut ask: Ask) -> Ask {
    ask.accept = Some("application/xml");
    ask
}

/// Every probe, in the order the report lists them.
pub fn all() -> Vec<Probe> {
    vec![
        Probe { name: "list", build: |_| Ok(Ask::get("/v1/customers")), writes: false },
        Probe { name: "list with size", build: |_| Ok(Ask::get("/v1/customers?size=2")), writes: false },
        Probe {
            name: "list filtered by company name",
            build: |c| {
                let name = c.name.as_deref().ok_or(NO_CUSTOMER)?;
                Ok(Ask::get(format!("/v1/customers?size=2&filter={}", filter("CompanyName", name, "starts_with"))))
            },
            writes: false,
        },
        Probe {
            name: "list filtered by domain",
            build: |c| {
                let domain = c.domain.as_deref().ok_or(NO_CUSTOMER)?;
                Ok(Ask::get(format!("/v1/customers?size=2&filter={}", filter("Domain", domain, "starts_with"))))
            },
            writes: false,
        },
        Probe {
            name: "seek next",
            build: |c| {
                let token = c.continuation.clone().ok_or("no continuation token on the first page of 2")?;
                Ok(Ask { continuation: Some(token), ..Ask::get("/v1/customers?seekOperation=Next") })
            },
            writes: false,
        },
        Probe { name: "get customer", build: |c| customer(c, ""), writes: false },
        Probe { name: "company profile", build: |c| customer(c, "/profiles/company"), writes: false },
        Probe { name: "billing profile", build: |c| customer(c, "/profiles/billing"), writes: false },
        Probe {
            name: "relationship request link",
            build: |_| Ok(Ask::get("/v1/customers/relationshiprequests")),
            writes: false,
        },
        Probe {
            name: "domain taken (HEAD)",
            build: |c| {
                let domain = c.domain.as_deref().ok_or(NO_CUSTOMER)?;
                Ok(Ask { method: Method::HEAD, ..Ask::get(format!("/v1/domains/{domain}")) })
            },
            writes: false,
        },
        Probe { name: "list as XML", build: |_| Ok(xml(Ask::get("/v1/customers?size=2"))), writes: false },
        Probe { name: "get customer as XML", build: |c| customer(c, "").map(xml), writes: false },
        Probe {
            name: "unknown customer id",
            build: |_| Ok(Ask::get(format!("/v1/customers/{UNKNOWN_ID}"))),
            writes: false,
        },
        Probe { name: "customer id not a GUID", build: |_| Ok(Ask::get("/v1/customers/not-a-guid")), writes: false },
        Probe { name: "filter not JSON", build: |_| Ok(Ask::get("/v1/customers?filter=not-json")), writes: false },
        Probe {
            name: "filter on an unknown field",
            build: |_| Ok(Ask::get(format!("/v1/customers?filter={}", filter("Color", "a", "starts_with")))),
            writes: false,
        },
        Probe { name: "negative size", build: |_| Ok(Ask::get("/v1/customers?size=-1")), writes: false },
        Probe {
            name: "seek without a token",
            build: |_| Ok(Ask::get("/v1/customers?seekOperation=Next")),
            writes: false,
        },
        Probe {
            name: "error as XML",
            build: |_| Ok(xml(Ask::get(format!("/v1/customers/{UNKNOWN_ID}")))),
            writes: false,
        },
        Probe {
            name: "no token",
            build: |_| Ok(Ask { auth: false, ..Ask::get("/v1/customers?size=1") }),
            writes: false,
        },
        Probe {
            name: "create without a billing profile",
            build: |_| {
                let body = r#"{"companyProfile": {"domain": "partnerd-verify-never-created.onmicrosoft.com"}}"#;
                Ok(Ask { method: Method::POST, json_body: Some(body.into()), ..Ask::get("/v1/customers") })
            },
            writes: true,
        },
        Probe {
            name: "billing profile put back as read",
            build: |c| {
                let (body, etag) = c.billing.clone().ok_or("no billing profile was read")?;
                let target = format!("/v1/customers/{}/profiles/billing", c.id.as_deref().ok_or(NO_CUSTOMER)?);
                Ok(Ask { method: Method::PUT, json_body: Some(body), if_match: Some(etag), ..Ask::get(target) })
            },
            writes: true,
        },
    ]
}

/// The billing profile and etag in a billing-profile answer.
pub fn billing_of(answer: &Answer) -> Option<(String, String)> {
    let profile: Value = serde_json::from_slice(&answer.body).ok()?;
    let etag = profile.pointer("/attributes/etag")?.as_str()?.to_string();
    Some((profile.to_string(), format!("\"{}\"", etag.trim_matches('"'))))
}
