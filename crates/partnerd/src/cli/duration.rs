//! Duration flags (`--ttl`, `--continuation-ttl`): humantime's syntax, with a refusal that
//! shows the syntax instead of the parser's position ("expected number at 0"), and the same
//! syntax when a duration is printed back (humantime's own printing says "1day").

use std::time::Duration;

/// Parses `30s`, `15m`, `1h`, `2d`, `1h 30m`...; a refusal says what is expected.
pub fn parse(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|_| format!("'{s}' is not a duration: expected a duration like 30s, 15m, 1h, 2d"))
}

/// Writes a duration in the syntax `parse` reads, largest units first: `1d`, `1h 30m`, `45s`.
pub fn format(d: Duration) -> String {
    let mut rest = d.as_secs();
    let mut parts = Vec::new();
    for (unit, suffix) in [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")] {
        if rest >= unit {
            parts.push(format!("{}{suffix}", rest / unit));
            rest %= unit;
        }
    }
    if parts.is_empty() {
        format!("{}ms", d.subsec_millis())
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_their_refusal() {
        assert_eq!(parse("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse("2d"), Ok(Duration::from_secs(2 * 86_400)));
        let refused = parse("forever").unwrap_err();
        assert!(refused.contains("expected a duration like 30s, 15m, 1h, 2d"), "{refused}");
    }

    #[test]
    fn printed_durations_read_back() {
        for (d, text) in [(86_400, "1d"), (5_400, "1h 30m"), (90_061, "1d 1h 1m 1s"), (45, "45s")] {
            assert_eq!(format(Duration::from_secs(d)), text);
            assert_eq!(parse(text), Ok(Duration::from_secs(d)));
        }
        assert_eq!(format(Duration::from_millis(250)), "250ms");
    }
}
