//! The request's context (`partnerd_server::observe::trace`) written into every line logged
//! while a request is served, as `tracing-subscriber` wrote the `request` span it replaces: in
//! text, `request{method=GET route="/v1/customers" ...}:` after the level; in JSON, a `"span"`
//! object of its fields in key order, with `"name": "request"`. The rest of each line is
//! written by `tracing-subscriber`'s own formatters.

use std::fmt;

use partnerd_server::observe::trace::{with_current, RequestLog, Value};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{self, Format, Full, Json, Writer};
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::plain::{needs_no_escape, PlainClock};

/// The text format: the time and level, the request's context, then `tracing-subscriber`'s
/// `Full` format for the rest (any other span, the target, the fields).
pub struct TextLines {
    rest: Format<Full, ()>,
}

impl TextLines {
    pub fn new() -> TextLines {
        TextLines { rest: format::format().without_time().with_level(false) }
    }
}

impl<S, N> FormatEvent<S, N> for TextLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let ansi = writer.has_ansi_escapes();
        if ansi {
            writer.write_str("\x1b[2m")?;
        }
        PlainClock.format_time(&mut writer)?;
        if ansi {
            writer.write_str("\x1b[0m")?;
        }
        writer.write_char(' ')?;
        level(&mut writer, event.metadata().level(), ansi)?;
        let in_span = ctx.lookup_current().is_some();
        if let Some(written) = with_current(|log| context_text(&mut writer, log, ansi)) {
            written?;
            if !in_span {
                writer.write_char(' ')?;
            }
        }
        self.rest.format_event(ctx, writer, event)
    }
}

/// The level as `Full` writes it: five wide, then a space; coloured on a terminal.
fn level(w: &mut Writer<'_>, level: &Level, ansi: bool) -> fmt::Result {
    let (text, colour) = match *level {
        Level::TRACE => ("TRACE", 35),
        Level::DEBUG => ("DEBUG", 34),
        Level::INFO => (" INFO", 32),
        Level::WARN => (" WARN", 33),
        Level::ERROR => ("ERROR", 31),
    };
    if ansi {
        write!(w, "\x1b[{colour}m{text}\x1b[0m ")
    } else {
        write!(w, "{text} ")
    }
}

/// `request{name=value ...}:`, each value as `tracing-subscriber` writes a field of its kind.
fn context_text(w: &mut Writer<'_>, log: &RequestLog, ansi: bool) -> fmt::Result {
    w.write_str(if ansi { "\x1b[1mrequest\x1b[0m{" } else { "request{" })?;
    // Piece by piece: `write!` costs a pass through `core::fmt` for every field.
    for (i, (name, value)) in log.fields().enumerate() {
        w.write_str(if i > 0 { " " } else { "" })?;
        w.write_str(name)?;
        w.write_char('=')?;
        match value {
            Value::Bare(text) => w.write_str(text)?,
            Value::Text(text) if needs_no_escape(text) => {
                w.write_char('"')?;
                w.write_str(text)?;
                w.write_char('"')?;
            }
            Value::Text(text) => write!(w, "{text:?}")?,
            Value::Integer(n) => write!(w, "{n}")?,
            Value::Float(x) => write!(w, "{x:?}")?,
        }
    }
    w.write_str(if ansi { "}\x1b[2m:\x1b[0m" } else { "}:" })
}

/// The JSON format: `tracing-subscriber`'s, with the request's context as the current span
/// when no span of `tracing`'s own is current.
pub struct JsonLines {
    inner: Format<Json>,
}

impl JsonLines {
    pub fn new() -> JsonLines {
        JsonLines { inner: format::format().json().with_current_span(true).with_span_list(false) }
    }
}

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let span = if ctx.lookup_current().is_some() { None } else { with_current(context_json) };
        let Some(span) = span else {
            return self.inner.format_event(ctx, writer, event);
        };
        // The object without its closing brace and line break, then the span, then those.
        let mut line = String::new();
        self.inner.format_event(ctx, Writer::new(&mut line), event)?;
        let object = line.trim_end().strip_suffix('}').ok_or(fmt::Error)?;
        writeln!(writer, "{object},\"span\":{span}}}")
    }
}

/// The context as `tracing-subscriber` writes a span in JSON: its fields in key order, then
/// its name.
fn context_json(log: &RequestLog) -> String {
    let mut fields: Vec<_> = log.fields().collect();
    fields.sort_by_key(|(name, _)| *name);
    let mut out = serde_json::Map::new();
    for (name, value) in fields {
        let value = match value {
            Value::Bare(text) | Value::Text(text) => serde_json::Value::from(text),
            Value::Integer(n) => serde_json::Value::from(n),
            Value::Float(x) => serde_json::Value::from(x),
        };
        out.insert(name.to_string(), value);
    }
    let mut text = serde_json::Value::Object(out).to_string();
    text.pop();
    text.push_str(",\"name\":\"request\"}");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use reqwest::Method;
    use tracing::field::Empty;

    use super::super::plain::PlainFields;
    use crate::logging::written::Written;

    /// The lines written, without their times (the two runs happen at different moments).
    fn untimed_lines(written: &Written) -> Vec<String> {
        written.text().lines().map(untimed).collect()
    }

    /// A line with its RFC 3339 time (text: the first word; JSON: the `timestamp` member) blanked.
    fn untimed(line: &str) -> String {
        match line.strip_prefix("{\"timestamp\":\"") {
            Some(rest) => format!("{{\"timestamp\":\"T{}", &rest[rest.find('"').unwrap()..]),
            None => format!("T{}", &line[line.find(' ').unwrap()..]),
        }
    }

    const CORRELATION: &str = "say \"hi\" \\ é";
    const LATENCY: Duration = Duration::from_micros(418_072);

    /// What a request logs: an error inside it, a line inside a span of its own, the access line.
    fn request_events() {
        tracing::error!(error = "store down", "the store failed");
        tracing::info_span!("inner", x = 1).in_scope(|| tracing::warn!("nested"));
    }

    /// The old way: a `tracing` span named `request`.
    fn with_span() {
        let span = tracing::info_span!(
            "request",
            method = %Method::POST,
            route = "/v1/customers/{id}",
            request_id = "a1111111-0000-4000-8000-000000000001",
            correlation_id = CORRELATION,
            cv = "abc.1",
            partner = Empty,
            status = Empty,
            latency_ms = Empty,
        );
        span.in_scope(|| tracing::info!("before the partner is known"));
        span.record("partner", "c0ffee00-0000-4000-8000-000000000001");
        span.in_scope(request_events);
        span.record("status", 201u16);
        span.record("latency_ms", LATENCY.as_secs_f64() * 1000.0);
        span.in_scope(|| tracing::info!(target: "partnerd_server::observe::trace", "request served"));
        tracing::info!("outside any request");
    }

    /// The new way: the request's context.
    async fn with_context() {
        let log = RequestLog::new(
            Method::POST,
            "/v1/customers/{id}",
            "a1111111-0000-4000-8000-000000000001",
            CORRELATION,
            "abc.1",
        );
        log.scope(async {
            tracing::info!("before the partner is known");
            partnerd_server::observe::trace::record_partner("c0ffee00-0000-4000-8000-000000000001");
            request_events();
            partnerd_server::observe::trace::access_line(201, LATENCY);
        })
        .await;
        tracing::info!("outside any request");
    }

    async fn compare(old: tracing::Dispatch, old_lines: Written, new: tracing::Dispatch, new_lines: Written) {
        tracing::dispatcher::with_default(&old, with_span);
        let _guard = tracing::dispatcher::set_default(&new);
        with_context().await;
        let (old, new) = (untimed_lines(&old_lines), untimed_lines(&new_lines));
        assert_eq!(new, old);
        assert_eq!(old.len(), 5, "{old:?}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn text_lines_are_those_of_a_request_span() {
        let (old_lines, new_lines) = (Written::default(), Written::default());
        let builder = |w: Written| tracing_subscriber::fmt().with_ansi(false).with_writer(w);
        let old = builder(old_lines.clone()).finish().into();
        let new = builder(new_lines.clone()).fmt_fields(PlainFields).event_format(TextLines::new()).finish().into();
        compare(old, old_lines, new, new_lines).await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn json_lines_are_those_of_a_request_span() {
        let (old_lines, new_lines) = (Written::default(), Written::default());
        let builder = |w: Written| tracing_subscriber::fmt().with_writer(w).json();
        let old = builder(old_lines.clone()).with_current_span(true).with_span_list(false).finish().into();
        let new = builder(new_lines.clone()).event_format(JsonLines::new()).finish().into();
        compare(old, old_lines, new, new_lines).await;
    }
}
