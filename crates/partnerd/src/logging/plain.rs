//! The text format's fields and clock without colour, written the way `tracing-subscriber`'s
//! `DefaultFields` and `SystemTime` write them, only faster. Every request opens a span of six
//! fields, records three more and writes an access line: through the defaults that cost a small
//! request about a fifth of its instructions, most of it `Debug`-quoting plain ASCII a character
//! at a time and painting every name with an empty colour (bench/README.md). A value that
//! needs more than quotes, and every message, goes to `DefaultVisitor` itself, so what is
//! written does not change, escaping included.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::FormatFields;

/// Fields as `DefaultFields` writes them when colour is off.
pub struct PlainFields;

impl<'writer> FormatFields<'writer> for PlainFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = PlainVisitor { writer, empty: true, result: Ok(()) };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct PlainVisitor<'a> {
    writer: Writer<'a>,
    empty: bool,
    result: fmt::Result,
}

impl PlainVisitor<'_> {
    /// Whether `field` is written as `name=value` with nothing else to it: not the message,
    /// not a raw identifier (`r#type`), not the `log` crate's metadata (which is skipped).
    fn is_plain(field: &Field) -> bool {
        let name = field.name();
        name != "message" && !name.starts_with("r#") && !name.starts_with("log.")
    }

    /// Writes `name=` and then the value, after a space unless it is the first field.
    fn write(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        let pad = if std::mem::take(&mut self.empty) { "" } else { " " };
        let w = &mut self.writer;
        self.result = w.write_str(pad).and_then(|_| w.write_str(field.name())).and_then(|_| w.write_char('='));
        if self.result.is_ok() {
            self.result = value(w);
        }
    }

    /// Hands the field to `DefaultVisitor`, which writes the same text as without this type.
    fn delegate(&mut self, field: &Field, record: impl FnOnce(&mut DefaultVisitor<'_>)) {
        if self.result.is_err() {
            return;
        }
        let mut visitor = DefaultVisitor::new(self.writer.by_ref(), self.empty);
        record(&mut visitor);
        self.result = visitor.finish();
        if !field.name().starts_with("log.") {
            self.empty = false;
        }
    }
}

/// Printable ASCII without quotes or backslashes: text whose `Debug` form is itself in quotes.
pub(super) fn needs_no_escape(value: &str) -> bool {
    value.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

impl Visit for PlainVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if Self::is_plain(field) && needs_no_escape(value) {
            self.write(field, |w| w.write_char('"').and_then(|_| w.write_str(value)).and_then(|_| w.write_char('"')));
        } else {
            self.delegate(field, |v| v.record_str(field, value));
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if Self::is_plain(field) {
            self.write(field, |w| write!(w, "{value}"));
        } else {
            self.delegate(field, |v| v.record_u64(field, value));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if Self::is_plain(field) {
            self.write(field, |w| write!(w, "{value}"));
        } else {
            self.delegate(field, |v| v.record_i64(field, value));
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        if Self::is_plain(field) {
            self.write(field, |w| write!(w, "{value:?}"));
        } else {
            self.delegate(field, |v| v.record_f64(field, value));
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.delegate(field, |v| v.record_bool(field, value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.delegate(field, |v| v.record_error(field, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.delegate(field, |v| v.record_debug(field, value));
    }
}

/// The time as `tracing-subscriber`'s `SystemTime` writes it (RFC 3339, UTC, microseconds),
/// its date and time of day made once a second per thread rather than once a line.
pub struct PlainClock;

thread_local! {
    /// The second last written, and its text up to the fraction (`2026-12-07T01:26:40.`).
    static SECOND: std::cell::RefCell<(u64, String)> = const { std::cell::RefCell::new((u64::MAX, String::new())) };
}

impl FormatTime for PlainClock {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        let now = std::time::SystemTime::now();
        let Ok(since) = now.duration_since(std::time::UNIX_EPOCH) else {
            return tracing_subscriber::fmt::time::SystemTime.format_time(w);
        };
        SECOND.with_borrow_mut(|(second, text)| {
            if *second != since.as_secs() {
                *second = since.as_secs();
                let whole = std::time::UNIX_EPOCH + std::time::Duration::from_secs(since.as_secs());
                *text = humantime::format_rfc3339_seconds(whole).to_string();
                text.pop(); // the `Z`
                text.push('.');
            }
            write!(w, "{text}{:06}Z", since.subsec_micros())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logging::written::Written;

    /// Logs a request-like span and events whose values need every kind of escaping.
    fn log_sample() {
        let span = tracing::info_span!(
            "request",
            method = %"GET",
            route = "/v1/customers/{id}",
            request_id = "a1111111-0000-4000-8000-000000000001",
            correlation_id = "back\\slash",
            quoted = "say \"hi\"",
            tab = "a\tb",
            accent = "é",
            cv = "quote\" back\\slash tab\t nl\n bell\u{7} ansi\u{1b}[31m é 東京 \u{200b}",
            partner = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            r#type = "raw",
        );
        span.record("partner", "c0ffee00-0000-4000-8000-000000000001");
        span.record("status", 200u64);
        span.record("latency_ms", 0.25f64);
        span.in_scope(|| {
            tracing::info!("request served");
            tracing::warn!(count = -3i64, ok = true, ratio = 1.0f64, error = %"a \"b\"", "escape \u{1b}[1m me {}", 7);
            let e = std::io::Error::other("disk \"full\"");
            tracing::error!(error = &e as &(dyn std::error::Error + 'static), empty = "", "failed");
        });
    }

    #[test]
    fn fields_are_written_as_the_default_writes_them() {
        let ours = Written::default();
        let theirs = Written::default();
        let subscriber = |writer: Written, plain: bool| {
            let builder = tracing_subscriber::fmt().with_ansi(false).without_time().with_writer(writer);
            let dispatch: tracing::Dispatch =
                if plain { builder.fmt_fields(PlainFields).finish().into() } else { builder.finish().into() };
            dispatch
        };
        tracing::dispatcher::with_default(&subscriber(ours.clone(), true), log_sample);
        tracing::dispatcher::with_default(&subscriber(theirs.clone(), false), log_sample);
        let (ours, theirs) = (ours.bytes(), theirs.bytes());
        assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs.clone()).unwrap());
        assert!(theirs.len() > 300, "the sample was logged");
    }

    #[test]
    fn the_clock_writes_what_the_default_writes() {
        let mut ours = String::new();
        let mut theirs = String::new();
        // The default's time, ours, then the default's again: ours lies between (or equals) them.
        tracing_subscriber::fmt::time::SystemTime.format_time(&mut Writer::new(&mut theirs)).unwrap();
        PlainClock.format_time(&mut Writer::new(&mut ours)).unwrap();
        let mut after = String::new();
        tracing_subscriber::fmt::time::SystemTime.format_time(&mut Writer::new(&mut after)).unwrap();
        assert_eq!(ours.len(), theirs.len(), "{ours} against {theirs}");
        assert!(theirs <= ours && ours <= after, "{theirs} <= {ours} <= {after}");
        assert!(ours.ends_with('Z') && ours.as_bytes()[19] == b'.', "{ours}");
    }
}
