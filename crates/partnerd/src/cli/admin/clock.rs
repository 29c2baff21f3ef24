//! `admin clock`: show the server's clock, set its offset, move it on, or put it back.

use clap::Args;
use partnerd_client::control::ClockMove;

use super::control::Control;
use super::output::{self, FormatArg};
use crate::cli::duration;

#[derive(Args)]
pub struct ClockArgs {
    /// Set the offset from real time: seconds (90000, -3600) or a duration (25h, -1h 30m).
    #[arg(long, env = "PARTNERD_OFFSET", value_parser = offset, allow_hyphen_values = true, conflicts_with_all = ["advance", "reset"])]
    offset: Option<i64>,
    /// Move the clock on by this much from where it is: seconds or a duration.
    #[arg(long, env = "PARTNERD_ADVANCE", value_parser = offset, allow_hyphen_values = true, conflicts_with = "reset")]
    advance: Option<i64>,
    /// Back to real time (offset 0).
    #[arg(long, env = "PARTNERD_RESET")]
    reset: bool,
    #[command(flatten)]
    format: FormatArg,
}

/// Whole seconds, or a duration; either may be negative.
fn offset(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let (sign, magnitude) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest.trim()),
        None => (1, t.strip_prefix('+').unwrap_or(t).trim()),
    };
    if let Ok(secs) = magnitude.parse::<i64>() {
        return Ok(sign * secs);
    }
    let d = duration::parse(magnitude).map_err(|_| {
        format!("'{s}' is not an offset: expected seconds (90000, -3600) or a duration like 25h, -30m, 2d")
    })?;
    Ok(sign * d.as_secs() as i64)
}

pub async fn run(control: &Control, args: ClockArgs) -> anyhow::Result<()> {
    let to = match (args.offset, args.advance, args.reset) {
        (Some(s), _, _) => Some(ClockMove::OffsetSeconds(s)),
        (_, Some(s), _) => Some(ClockMove::AdvanceSeconds(s)),
        (_, _, true) => Some(ClockMove::OffsetSeconds(0)),
        _ => None,
    };
    let answer = control.call(control.client().clock(to)).await?;
    output::object(&answer, args.format.get())
}

#[cfg(test)]
mod tests {
    use super::offset;

    #[test]
    fn offsets_in_seconds_or_durations() {
        assert_eq!(offset("90000"), Ok(90000));
        assert_eq!(offset("-3600"), Ok(-3600));
        assert_eq!(offset("25h"), Ok(90000));
        assert_eq!(offset("-1h 30m"), Ok(-5400));
        assert!(offset("soon").unwrap_err().contains("like 25h"));
    }
}
