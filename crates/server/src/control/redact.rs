//! What the journal must never keep: bearer tokens and admin passwords. A create's answer
//! carries the new customer's admin password (`userCredentials.password`), and a client may
//! echo one back; the journal is readable by anyone who can reach the control plane, and may
//! be appended to a file, so both are blanked before an entry exists.

use axum::http::header;
use quick_xml::events::Event;
use serde_json::{Map, Value};

/// What stands in for a removed secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// Headers whose values the journal keeps as sent: the protocol's own and Partner Center's
/// tracking and paging headers (a continuation token is sealed to its partner and query, and
/// the console links a walk's pages by it). Every other value is redacted, so a credential in a header partnerd does
/// not know (`Cookie`, `Ocp-Apim-Subscription-Key`, `X-Api-Key`, a gateway's own) is never
/// kept: an allow-list, because a deny-list misses the next one.
const KEPT_HEADERS: &[&str] = &[
    "accept",
    "accept-encoding",
    "accept-language",
    "access-control-request-headers",
    "access-control-request-method",
    "cache-control",
    "connection",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-type",
    "date",
    "etag",
    "expect",
    "forwarded",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-unmodified-since",
    "last-modified",
    "location",
    "ms-continuationtoken",
    "ms-contract-version",
    "ms-correlationid",
    "ms-cv",
    "ms-partnercenter-application",
    "ms-partnercenter-client",
    "ms-requestid",
    "ms-serverid",
    "origin",
    "pragma",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "referer",
    "retry-after",
    "server",
    "te",
    "traceparent",
    "tracestate",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "vary",
    "via",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-locale",
    "x-request-id",
];

/// The headers as a JSON object (repeated headers joined with `, `): values of the headers in
/// [`KEPT_HEADERS`] as sent, `Authorization` reduced to its scheme, every other value
/// redacted (its name stays, so the journal still shows that it was sent).
pub(crate) fn headers<'a>(headers: impl Iterator<Item = (&'a str, &'a [u8])>) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in headers {
        let text = if name == header::AUTHORIZATION.as_str() || name == header::PROXY_AUTHORIZATION.as_str() {
            authorization(std::str::from_utf8(value).unwrap_or_default())
        } else if KEPT_HEADERS.binary_search(&name).is_ok() {
            String::from_utf8_lossy(value).into_owned()
        } else {
            REDACTED.to_string()
        };
        match out.get_mut(name) {
            Some(Value::String(joined)) => {
                joined.push_str(", ");
                joined.push_str(&text);
            }
            _ => {
                out.insert(name.to_string(), Value::String(text));
            }
        }
    }
    out
}

/// `Bearer eyJ...` becomes `Bearer [redacted]`: the scheme helps debugging, the token never.
fn authorization(value: &str) -> String {
    match crate::bearer::credentials(value) {
        Some((scheme, _)) => format!("{scheme} {REDACTED}"),
        None => REDACTED.to_string(),
    }
}

/// `text` with every password value blanked, whatever the body's format. The media type picks
/// the format; an unknown or missing one gets every rule, since none of them can harm text
/// of another format that happens to contain no password.
pub(crate) fn body(text: &str, content_type: Option<&str>) -> String {
    let media = content_type.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if media.ends_with("json") {
        json(text)
    } else if media.ends_with("xml") {
        xml(text)
    } else if media == "application/x-www-form-urlencoded" {
        form(text)
    } else {
        form(&xml(&json(text)))
    }
}

fn is_password(name: &str) -> bool {
    name.eq_ignore_ascii_case("password")
}

/// JSON: structurally when the text parses (escaped member names included), textually when
/// it does not (a body truncated to the journal's limit).
fn json(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(mut value) => {
            if blank_json(&mut value) {
                value.to_string()
            } else {
                text.to_string()
            }
        }
        Err(_) => json_text(text),
    }
}

/// Blanks every `password` member at any depth; whether there was one.
fn blank_json(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let mut found = false;
            for (name, member) in map.iter_mut() {
                if is_password(name) && !member.is_null() {
                    *member = Value::String(REDACTED.into());
                    found = true;
                } else {
                    found |= blank_json(member);
                }
            }
            found
        }
        Value::Array(items) => items.iter_mut().fold(false, |found, v| blank_json(v) | found),
        _ => false,
    }
}

/// Every string value of a `password` member (any case, escaped or not) replaced, for text
/// that is not whole JSON (a body cut at the journal's limit). One pass over the JSON string
/// tokens: each one followed by `:` is a member name, decoded before it is compared, so
/// `"pass\u0077ord"` is found as surely as `"password"`.
fn json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(open) = text[at..].find('"').map(|n| at + n) {
        let Some(len) = string_end(&text[open + 1..]) else { break };
        let close = open + 1 + len;
        at = close + 1;
        let after = text[at..].trim_start();
        let Some(value) = after.strip_prefix(':').map(str::trim_start) else { continue };
        if !is_password(&decode_json_string(&text[open..=close])) {
            continue;
        }
        at = text.len() - value.len();
        let Some(contents) = value.strip_prefix('"') else { continue };
        let value_start = text.len() - contents.len();
        let value_end = string_end(contents).map_or(text.len(), |n| value_start + n);
        out.push_str(&text[copied..value_start]);
        out.push_str(REDACTED);
        copied = value_end;
        at = (value_end + 1).min(text.len());
    }
    out.push_str(&text[copied..]);
    out
}

/// The byte length of a JSON string's contents up to its closing quote (escapes skipped).
fn string_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A JSON string token (quotes included) decoded, or as written when its escapes are broken.
fn decode_json_string(token: &str) -> String {
    serde_json::from_str::<String>(token).unwrap_or_else(|_| token.trim_matches('"').to_string())
}

/// XML: the whole content of every `<Password>` element (any case, any prefix, any
/// attributes; text, CDATA and comments alike), found by an XML reader, so its cost is linear
/// in the body whatever it holds. A body that stops parsing (cut at the journal's limit, or
/// malformed) is redacted from its last open `<Password>` to its end.
fn xml(text: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut spans = Vec::new();
    let mut depth = 0usize;
    let mut open: Option<(usize, usize)> = None;
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(tag)) => {
                depth += 1;
                if open.is_none() && is_password_tag(tag.name().as_ref()) {
                    open = Some((depth, reader.buffer_position() as usize));
                }
            }
            Ok(Event::End(_)) => {
                if let Some((_, start)) = open.filter(|(level, _)| *level == depth) {
                    spans.push((start, before));
                    open = None;
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Eof) => break,
            Err(_) => {
                if open.is_none() {
                    open = Some((depth, before));
                }
                break;
            }
            Ok(_) => {}
        }
    }
    if let Some((_, start)) = open {
        spans.push((start, text.len()));
    }
    splice(text, &spans)
}

/// A tag name whose local part (after any prefix) is `password`.
fn is_password_tag(qname: &[u8]) -> bool {
    let local = qname.rsplit(|b| *b == b':').next().unwrap_or_default();
    local.eq_ignore_ascii_case(b"password")
}

/// `text` with each of `spans` (in order, not overlapping) replaced by [`REDACTED`].
fn splice(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for &(start, end) in spans {
        out.push_str(&text[copied..start]);
        out.push_str(REDACTED);
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Form bodies: the value of every field whose last name segment is `password`
/// (`userCredentials.password`, `UserCredentials.Password`, ...).
fn form(text: &str) -> String {
    text.split('&')
        .map(|pair| {
            let (name, _) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded: String =
                form_urlencoded::parse(name.as_bytes()).next().map(|(n, _)| n.into_owned()).unwrap_or_default();
            let last = decoded.rsplit(['.', '[']).next().unwrap_or_default().trim_end_matches(']');
            if is_password(last) && pair.contains('=') {
                format!("{name}={}", form_urlencoded::byte_serialize(REDACTED.as_bytes()).collect::<String>())
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderName, HeaderValue};

    #[test]
    fn kept_headers_are_sorted_for_binary_search() {
        assert!(KEPT_HEADERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn credentials_in_headers_partnerd_does_not_know_are_redacted() {
        let mut h = HeaderMap::new();
        for (name, value) in [
            ("cookie", "session=s3cret"),
            ("ocp-apim-subscription-key", "k3y"),
            ("x-api-key", "k3y2"),
            ("proxy-authorization", "Basic dXNlcjpwYXNz"),
            ("ms-correlationid", "c1"),
        ] {
            h.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        let out = headers(h.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        assert_eq!(out["cookie"], REDACTED);
        assert_eq!(out["ocp-apim-subscription-key"], REDACTED);
        assert_eq!(out["x-api-key"], REDACTED);
        assert_eq!(out["proxy-authorization"], "Basic [redacted]");
        assert_eq!(out["ms-correlationid"], "c1");
    }

    #[test]
    fn passwords_hidden_in_cdata_comments_and_escapes() {
        for xml in [
            "<c><password><![CDATA[S3cret]]></password></c>",
            "<c><Password><!-- note -->S3cret</Password></c>",
            "<c><a:PASSWORD x='1'>S3<!-- -->cret<![CDATA[S3cret]]></a:PASSWORD><UserName>admin</UserName></c>",
            "<c><password>S3cret", // cut at the journal's limit
        ] {
            let out = super::body(xml, Some("application/xml"));
            assert!(!out.contains("S3") && !out.contains("cret"), "{out}");
            assert!(out.contains(REDACTED), "{out}");
        }
        let kept = super::body("<c><UserName>admin</UserName></c>", Some("text/xml"));
        assert_eq!(kept, "<c><UserName>admin</UserName></c>");
        // A long body cut at the journal's limit is not whole JSON: the escaped name is still
        // decoded before it is compared.
        let long = format!(r#"{{"pad":"{}","userCredentials":{{"password":"S3cret","n":"#, "x".repeat(70_000));
        let out = super::body(&long, Some("application/json"));
        assert!(!out.contains("S3cret") && out.contains(REDACTED), "the escaped name was missed");
    }

    #[test]
    fn authorization_keeps_only_its_scheme() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc.def.ghi"));
        h.insert("ms-requestid", HeaderValue::from_static("r1"));
        let out = headers(h.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        assert_eq!(out["authorization"], "Bearer [redacted]");
        assert_eq!(out["ms-requestid"], "r1");
    }

    #[test]
    fn json_passwords_at_any_depth_and_in_truncated_text() {
        let body = r#"{"userCredentials":{"userName":"admin","password":"S3cret!x"},"n":1}"#;
        let out = super::body(body, Some("application/json; charset=utf-8"));
        assert!(!out.contains("S3cret"), "{out}");
        assert!(out.contains("admin"));
        let escaped = r#"{"userCredentials":{"pass\u0077ord":"S3cret!x"}}"#;
        assert!(!super::body(escaped, Some("application/json")).contains("S3cret"));
        let truncated = r#"{"items":[{"UserCredentials":{"Password" : "S3c\"ret!x"}},{"password":"Tw"#;
        let out = super::body(truncated, Some("application/json"));
        assert!(!out.contains("S3c") && !out.contains("Tw"), "{out}");
        let clean = r#"{ "a": 1 }"#;
        assert_eq!(super::body(clean, Some("application/json")), clean, "untouched text stays as sent");
    }

    #[test]
    fn xml_and_form_passwords() {
        let xml = "<Customer><UserCredentials><UserName>admin</UserName><Password>S3cret!x</Password></UserCredentials><a:password x=\"1\">Two</a:password><Password/></Customer>";
        let out = super::body(xml, Some("text/xml"));
        assert!(!out.contains("S3cret") && !out.contains("Two"), "{out}");
        assert!(out.contains("<UserName>admin</UserName>"));
        let form =
            "companyProfile.domain=x&userCredentials.password=S3cret%21x&UserCredentials.Password=Two&passwordHint=ok";
        let out = super::body(form, Some("application/x-www-form-urlencoded"));
        assert!(!out.contains("S3cret") && !out.contains("Two"), "{out}");
        assert!(out.contains("passwordHint=ok") && out.contains("companyProfile.domain=x"));
        assert!(!super::body(xml, None).contains("S3cret"));
        assert!(!super::body(form, None).contains("Two"));
    }
}
