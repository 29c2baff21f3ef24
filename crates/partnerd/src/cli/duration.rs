//! Duration flags (`--ttl`, `--continuation-ttl`): humantime's syntax, with a refusal that
//! shows the syntax instead of the parser's position ("expected number at 0").

use std::time::Duration;

/// Parses `30s`, `15m`, `1h`, `2d`, `1h 30m`...; a refusal says what is expected.
pub fn parse(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|_| format!("'{s}' is not a duration: expected a duration like 30s, 15m, 1h, 2d"))
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
}
