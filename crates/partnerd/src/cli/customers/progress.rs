//! The export's progress bar: on a terminal only, so piped or logged output stays clean.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A counter of exported customers, starting at `done` (non-zero when resuming). The total
/// is unknown (the API does not say), so it shows the count and the rate.
pub fn bar(done: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{spinner} {human_pos} customers exported  {rate}  {elapsed}")
        .expect("valid template")
        .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", state.per_sec());
        });
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(style);
    bar.set_position(done);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
