//! The bytes a journal entry copies (its target, both header sets, the copied start of both
//! bodies), one after another in one buffer: an entry is two allocations, its fields and this,
//! however many headers and frames it saw.
//!
//! Why one buffer: the journal keeps its newest 1,000 entries, so the entry it drops for each
//! new one was written a thousand requests ago and is no longer in the CPU's caches. Each
//! allocation of an entry is a cold read when it is freed, and its freed block is handed to the
//! next request's allocations of that size, cold. With a dozen allocations an entry, that made
//! the journal cost a customer by id 16% of its requests a second, against 4% with a ring of 50
//! (bench/README.md).

use axum::http::{header, HeaderMap, HeaderName};

use super::redact::REDACTED;

/// Where one part of an entry's text lies in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// No bytes, at `at`: where a part that has not been appended yet will start.
    pub fn empty_at(at: u32) -> Span {
        Span { start: at, end: at }
    }

    /// This part and `next`, which was appended right after it.
    pub fn extended_by(self, next: Span) -> Span {
        debug_assert_eq!(self.end, next.start, "a part's pieces follow one another");
        Span { start: self.start, end: next.end }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    fn of(self, text: &[u8]) -> &[u8] {
        &text[self.start as usize..self.end as usize]
    }
}

/// An entry's text as it is written: each `push` appends a part and says where it lies.
#[derive(Debug, Default)]
pub(crate) struct Text {
    bytes: Vec<u8>,
}

impl Text {
    pub fn with_capacity(capacity: usize) -> Text {
        Text { bytes: Vec::with_capacity(capacity) }
    }

    /// What the text holds alive.
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    /// Appends `data`; one part with the bytes appended right before it (a body's frames).
    pub fn push(&mut self, data: &[u8]) -> Span {
        let start = self.end();
        self.bytes.extend_from_slice(data);
        Span { start, end: self.end() }
    }

    /// Appends the headers of `map`, in order, repeated names repeated. A credential in
    /// `Authorization` is cut to its scheme here: the journal only ever shows the scheme, and a
    /// token copied into every entry was most of an entry's headers.
    pub fn push_headers(&mut self, map: &HeaderMap) -> Span {
        let start = self.end();
        for (name, value) in map {
            match credential_scheme(name, value.as_bytes()) {
                Some(scheme) => self.push_header(name, &[scheme, b" ", REDACTED.as_bytes()]),
                None => self.push_header(name, &[value.as_bytes()]),
            }
        }
        Span { start, end: self.end() }
    }

    /// One header: the lengths of its name and value, then both; the value in pieces.
    fn push_header(&mut self, name: &HeaderName, value: &[&[u8]]) {
        let value_len: usize = value.iter().map(|piece| piece.len()).sum();
        self.bytes.reserve(8 + name.as_str().len() + value_len);
        self.bytes.extend_from_slice(&(name.as_str().len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(&(value_len as u32).to_le_bytes());
        self.bytes.extend_from_slice(name.as_str().as_bytes());
        for piece in value {
            self.bytes.extend_from_slice(piece);
        }
    }

    /// The headers a [`Text::push_headers`] wrote.
    pub fn headers(&self, span: Span) -> Headers<'_> {
        Headers(span.of(&self.bytes))
    }

    pub fn get(&self, span: Span) -> &[u8] {
        span.of(&self.bytes)
    }

    pub fn end(&self) -> u32 {
        u32::try_from(self.bytes.len()).expect("an entry's text stays far below 4 GiB")
    }
}

/// The scheme of a credential in `Authorization` or `Proxy-Authorization`; `None` for any
/// other header, or a value with no credential after a scheme (kept as it is, and blanked by
/// [`super::redact::headers`] when it is read). Splits as [`crate::bearer::credentials`] does,
/// on the bytes: the token itself is neither read as text nor copied.
fn credential_scheme<'a>(name: &HeaderName, value: &'a [u8]) -> Option<&'a [u8]> {
    if name != header::AUTHORIZATION && name != header::PROXY_AUTHORIZATION {
        return None;
    }
    let value = value.trim_ascii();
    let (scheme, credential) = value.split_at(value.iter().position(|b| *b == b' ')?);
    (!credential.trim_ascii().is_empty()).then_some(scheme)
}

/// Headers in an entry's text: each a name and a value, after their two lengths.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Headers<'a>(&'a [u8]);

impl<'a> Headers<'a> {
    /// Every header in order, repeated names repeated.
    pub fn iter(self) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        // Names were `HeaderName`s: lowercase ASCII.
        self.raw().map(|(name, value)| (std::str::from_utf8(name).unwrap_or_default(), value))
    }

    /// The first value of `name`, when it is text.
    pub fn get(self, name: &HeaderName) -> Option<&'a str> {
        let name = name.as_str().as_bytes();
        self.raw().find(|(n, _)| *n == name).and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    fn raw(self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let (lengths, after) = rest.split_first_chunk::<8>()?;
            let name_len = u32::from_le_bytes(lengths[..4].try_into().expect("four bytes")) as usize;
            let value_len = u32::from_le_bytes(lengths[4..].try_into().expect("four bytes")) as usize;
            let (name, after) = after.split_at(name_len);
            let (value, after) = after.split_at(value_len);
            rest = after;
            Some((name, value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn headers_come_back_in_order_with_credentials_cut_to_their_scheme() {
        let mut map = HeaderMap::new();
        map.append("ms-correlationid", HeaderValue::from_static("c1"));
        map.append(header::AUTHORIZATION, HeaderValue::from_static("Bearer eyJ.secret.token"));
        map.append(header::AUTHORIZATION, HeaderValue::from_static("  Basic   dXNlcjpwYXNz  "));
        map.append(header::PROXY_AUTHORIZATION, HeaderValue::from_static("Basic"));
        map.append(header::ACCEPT, HeaderValue::from_static("application/json"));
        map.append(header::ACCEPT, HeaderValue::from_bytes(b"text/\xff").unwrap());
        let mut text = Text::default();
        let target = text.push(b"/v1/customers?size=1");
        let span = text.push_headers(&map);
        let headers: Vec<_> = text.headers(span).iter().collect();
        let expected: [(&str, &[u8]); 6] = [
            ("ms-correlationid", b"c1"),
            ("authorization", b"Bearer [redacted]"),
            ("authorization", b"Basic [redacted]"),
            ("proxy-authorization", b"Basic"),
            ("accept", b"application/json"),
            ("accept", b"text/\xff"),
        ];
        assert_eq!(headers, expected);
        let kept = text.get(span);
        assert!(!kept.windows(6).any(|w| w == b"secret" || w == b"dXNlcj"), "no credential is kept");
        assert_eq!(text.get(target), b"/v1/customers?size=1");
        assert_eq!(text.headers(span).get(&header::ACCEPT), Some("application/json"));
        assert_eq!(text.headers(span).get(&header::ETAG), None);
        assert_eq!(text.headers(Span::default()).iter().count(), 0);
    }
}
