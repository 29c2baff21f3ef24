//! The differences between two answers to the same probe: status, the headers the contract
//! names, and the body's shape (see `shape`). Everything a difference says is about the
//! contract, never about the data: values are compared only for the contract's constants.

use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use super::shape::{self, Shape};
use super::side::Answer;

/// Headers whose presence the contract fixes (spec §5, §7, §9 and create's `Location`).
const PRESENCE: &[&str] = &["ms-requestid", "ms-correlationid", "ms-cv", "www-authenticate", "retry-after", "location"];

/// One difference, as the report shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    /// `status`, `header`, `member`, `body` or `answer` (one side gave none).
    pub kind: &'static str,
    /// The header name or member path; empty for status and body.
    #[serde(rename = "where")]
    pub at: String,
    /// `differs`, `missing` (in partnerd, present upstream), `extra` (in partnerd, absent
    /// upstream), `type`, `format` or `value`.
    pub what: &'static str,
    pub upstream: String,
    pub partnerd: String,
}

impl Difference {
    fn new(kind: &'static str, at: impl Into<String>, what: &'static str, upstream: String, partnerd: String) -> Self {
        Difference { kind, at: at.into(), what, upstream, partnerd }
    }
}

impl Difference {
    /// A side that gave no answer at all (it could not be reached, or broke off).
    pub fn no_answer(upstream: &Result<Answer, String>, partnerd: &Result<Answer, String>) -> Difference {
        let said =
            |a: &Result<Answer, String>| a.as_ref().map_or_else(Clone::clone, |a| format!("status {}", a.status));
        Difference::new("answer", "", "missing", said(upstream), said(partnerd))
    }
}

/// Every difference between the upstream's answer and partnerd's.
pub fn compare(upstream: &Answer, partnerd: &Answer) -> Vec<Difference> {
    let mut out = Vec::new();
    if upstream.status != partnerd.status {
        out.push(Difference::new("status", "", "differs", upstream.status.to_string(), partnerd.status.to_string()));
    }
    headers(&upstream.headers, &partnerd.headers, &mut out);
    body(upstream, partnerd, &mut out);
    out
}

fn headers(upstream: &HeaderMap, partnerd: &HeaderMap, out: &mut Vec<Difference>) {
    let present = |h: &HeaderMap, name: &str| if h.contains_key(name) { "present" } else { "absent" };
    for name in PRESENCE {
        let (u, p) = (present(upstream, name), present(partnerd, name));
        if u != p {
            out.push(Difference::new(
                "header",
                *name,
                if u == "present" { "missing" } else { "extra" },
                u.into(),
                p.into(),
            ));
        }
    }
    let (u, p) = (content_type(upstream), content_type(partnerd));
    if u != p {
        let (u, p) = (u.unwrap_or_else(|| "absent".into()), p.unwrap_or_else(|| "absent".into()));
        out.push(Difference::new("header", "content-type", "differs", u, p));
    }
}

/// The content type, lowercased and without spaces, so `application/json; charset=utf-8` and
/// `application/json;charset=UTF-8` are the same.
fn content_type(h: &HeaderMap) -> Option<String> {
    let value = h.get("content-type")?.to_str().ok()?;
    Some(value.to_ascii_lowercase().split(';').map(str::trim).collect::<Vec<_>>().join(";"))
}

/// A body as the comparison sees it.
enum Parsed {
    Empty,
    Json(Shape),
    Xml(Shape),
    Other(usize),
}

fn parse(bytes: &[u8]) -> Parsed {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Parsed::Empty;
    }
    if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
        return Parsed::Json(shape::of_json(&value));
    }
    if trimmed.starts_with('<') {
        if let Ok(shape) = shape::of_xml(trimmed) {
            return Parsed::Xml(shape);
        }
    }
    Parsed::Other(bytes.len())
}

fn describe(p: &Parsed) -> String {
    match p {
        Parsed::Empty => "empty".into(),
        Parsed::Json(_) => "JSON".into(),
        Parsed::Xml(_) => "XML".into(),
        Parsed::Other(n) => format!("{n} bytes, neither JSON nor XML"),
    }
}

fn body(upstream: &Answer, partnerd: &Answer, out: &mut Vec<Difference>) {
    match (parse(&upstream.body), parse(&partnerd.body)) {
        (Parsed::Json(u), Parsed::Json(p)) | (Parsed::Xml(u), Parsed::Xml(p)) => members(&u, &p, out),
        (Parsed::Empty, Parsed::Empty) | (Parsed::Other(_), Parsed::Other(_)) => {}
        (u, p) => out.push(Difference::new("body", "", "differs", describe(&u), describe(&p))),
    }
}

fn members(upstream: &Shape, partnerd: &Shape, out: &mut Vec<Difference>) {
    let empty = shape::Member::default();
    let paths: std::collections::BTreeSet<&String> = upstream.keys().chain(partnerd.keys()).collect();
    let list = |set: &std::collections::BTreeSet<&'static str>| set.iter().copied().collect::<Vec<_>>().join("|");
    for path in paths {
        let u = upstream.get(path).unwrap_or(&empty);
        let p = partnerd.get(path).unwrap_or(&empty);
        let (ut, pt) = (u.present_types(), p.present_types());
        // A null member counts as absent: a client reads both the same way.
        match (ut.is_empty(), pt.is_empty()) {
            (true, true) => continue,
            (false, true) => {
                out.push(Difference::new("member", path, "missing", list(&ut), "absent".into()));
                continue;
            }
            (true, false) => {
                out.push(Difference::new("member", path, "extra", "absent".into(), list(&pt)));
                continue;
            }
            (false, false) => {}
        }
        if ut != pt {
            out.push(Difference::new("member", path, "type", list(&ut), list(&pt)));
        } else if !u.formats.is_empty() && !p.formats.is_empty() && u.formats != p.formats {
            out.push(Difference::new("member", path, "format", list(&u.formats), list(&p.formats)));
        }
        if !u.values.is_empty() && !p.values.is_empty() && u.values != p.values {
            let join = |v: &std::collections::BTreeSet<String>| v.iter().cloned().collect::<Vec<_>>().join("|");
            out.push(Difference::new("member", path, "value", join(&u.values), join(&p.values)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json; charset=utf-8".parse().unwrap());
        headers.insert("ms-requestid", "x".parse().unwrap());
        Answer { status, headers, body: body.as_bytes().to_vec() }
    }

    #[test]
    fn values_ids_and_dates_do_not_differ_but_shapes_do() {
        let u = answer(
            200,
            r#"{"id":"a5f29f1e-851e-4544-b838-756e70beea84","at":"2024-01-01T00:00:00Z","n":"A","x":null}"#,
        );
        let p = answer(200, r#"{"id":"05f29f1e-851e-4544-b838-756e70beea84","at":"2025-02-02T00:00:00Z","n":"B"}"#);
        assert_eq!(compare(&u, &p), vec![]);
        let p = answer(404, r#"{"id":7,"at":"yesterday","extra":true}"#);
        let differences = compare(&u, &p);
        let found: Vec<(&str, &str, &str)> = differences.iter().map(|d| (d.kind, d.at.as_str(), d.what)).collect();
        assert_eq!(
            found,
            [
                ("status", "", "differs"),
                ("member", "at", "format"),
                ("member", "extra", "extra"),
                ("member", "id", "type"),
                ("member", "n", "missing"),
            ]
        );
    }

    #[test]
    fn error_codes_are_compared_by_value() {
        let found = compare(&answer(400, r#"{"code":2000}"#), &answer(400, r#"{"code":800002}"#));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].what, found[0].upstream.as_str(), found[0].partnerd.as_str()),
            ("value", "2000", "800002")
        );
    }
}
