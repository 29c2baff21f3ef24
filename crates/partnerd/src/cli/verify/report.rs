//! The report: per probe, what was asked, both statuses and every difference; as text for a
//! person, or as one JSON document for a bug report or a script.

use std::fmt::Write;

use serde_json::{json, Value};

use super::side::Side;
use super::suite::Outcome;

pub struct Report {
    upstream: String,
    partnerd: String,
    outcomes: Vec<Outcome>,
}

impl Report {
    pub fn new(upstream: &Side, partnerd: &Side, outcomes: Vec<Outcome>) -> Report {
        Report { upstream: upstream.base.clone(), partnerd: partnerd.base.clone(), outcomes }
    }

    /// How many differences were found, over every probe.
    pub fn differences(&self) -> usize {
        self.outcomes.iter().map(|o| o.differences.len()).sum()
    }

    pub fn to_json(&self) -> Value {
        json!({
            "upstream": self.upstream,
            "partnerd": self.partnerd,
            "partnerdVersion": env!("CARGO_PKG_VERSION"),
            "probes": self.outcomes.len(),
            "differences": self.differences(),
            "results": self.outcomes,
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "upstream: {}\npartnerd: {} (partnerd {})\n",
            self.upstream,
            self.partnerd,
            env!("CARGO_PKG_VERSION")
        );
        let status = |s: Option<u16>| s.map_or_else(|| "-".to_string(), |s| s.to_string());
        for o in &self.outcomes {
            if let Some(why) = o.skipped.as_deref().filter(|_| o.differences.is_empty()) {
                let _ = writeln!(out, "skip  {}: {why}", o.probe);
                continue;
            }
            let mark = if o.differences.is_empty() { "same" } else { "DIFF" };
            let _ = writeln!(
                out,
                "{mark}  {}: {} {} (upstream {}, partnerd {})",
                o.probe,
                o.method,
                o.target,
                status(o.upstream_status),
                status(o.partnerd_status)
            );
            for d in &o.differences {
                let at = if d.at.is_empty() { String::new() } else { format!(" {}", d.at) };
                let _ =
                    writeln!(out, "      {}{at}: {}: upstream {}, partnerd {}", d.kind, d.what, d.upstream, d.partnerd);
            }
        }
        let differing = self.outcomes.iter().filter(|o| !o.differences.is_empty()).count();
        let _ = writeln!(
            out,
            "\n{} probes, {} with differences, {} differences in all",
            self.outcomes.len(),
            differing,
            self.differences()
        );
        out
    }
}
