//! What the journal must never keep: bearer tokens and admin passwords. A create's answer
//! carries the new customer's admin password (`userCredentials.password`), and a client may
//! echo one back; the journal is readable by anyone who can reach the control plane, and may
//! be appended to a file, so both are blanked before an entry exists.

use axum::http::{header, HeaderName};
use serde_json::{Map, Value};

/// What stands in for a removed secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// The headers as a JSON object (repeated headers joined with `, `), `Authorization` reduced
/// to its scheme.
pub(crate) fn headers<'a>(headers: impl Iterator<Item = (&'a HeaderName, &'a [u8])>) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in headers {
        let text = if name == header::AUTHORIZATION || name == header::PROXY_AUTHORIZATION {
            authorization(std::str::from_utf8(value).unwrap_or_default())
        } else {
            String::from_utf8_lossy(value).into_owned()
        };
        match out.get_mut(name.as_str()) {
            Some(Value::String(joined)) => {
                joined.push_str(", ");
                joined.push_str(&text);
            }
            _ => {
                out.insert(name.as_str().to_string(), Value::String(text));
            }
        }
    }
    out
}

/// `Bearer eyJ...` becomes `Bearer [redacted]`: the scheme helps debugging, the token never.
fn authorization(value: &str) -> String {
    match value.trim().split_once(' ') {
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

/// `"password": "..."` (any case, any spacing) with the string value replaced; for text
/// that is not whole JSON.
fn json_text(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("\"password\"") {
        let key_end = from + found + "\"password\"".len();
        from = key_end;
        let rest = &text[key_end..];
        let after_colon = match rest.trim_start().strip_prefix(':') {
            Some(after) => after.trim_start(),
            None => continue,
        };
        let Some(value) = after_colon.strip_prefix('"') else { continue };
        let value_start = text.len() - value.len();
        let value_end = string_end(value).map_or(text.len(), |n| value_start + n);
        out.push_str(&text[copied..value_start]);
        out.push_str(REDACTED);
        copied = value_end;
        from = value_end.max(from);
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

/// XML: the content of every `<Password>` element (any case, any prefix, any attributes), in
/// one forward pass over the tags, so its cost is linear in the body whatever it holds.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(lt) = text[at..].find('<').map(|n| at + n) {
        let name_start = lt + 1;
        let name_end = text[name_start..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.')))
            .map_or(text.len(), |n| name_start + n);
        at = name_end;
        let local = text[name_start..name_end].rsplit(':').next().unwrap_or_default();
        if !is_password(local) {
            continue;
        }
        let Some(gt) = text[name_end..].find('>').map(|n| name_end + n) else { break };
        at = gt + 1;
        if text[..gt].ends_with('/') {
            continue;
        }
        let content_end = text[at..].find('<').map_or(text.len(), |n| at + n);
        out.push_str(&text[copied..at]);
        out.push_str(REDACTED);
        copied = content_end;
        at = content_end;
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
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn authorization_keeps_only_its_scheme() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc.def.ghi"));
        h.insert("ms-requestid", HeaderValue::from_static("r1"));
        let out = headers(h.iter().map(|(n, v)| (n, v.as_bytes())));
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
