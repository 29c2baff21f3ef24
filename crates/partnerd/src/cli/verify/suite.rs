//! Running the probes against both sides, one after the other (never concurrently: a real
//! Partner Center throttles, and the report should not be about throttling).

use serde::Serialize;

use super::diff::{self, Difference};
use super::probe::{self, Context};
use super::side::{Answer, Ask, Side};

/// What one probe found.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub probe: &'static str,
    pub method: String,
    /// The request as sent upstream (partnerd's differs only in ids and tokens).
    pub target: String,
    pub upstream_status: Option<u16>,
    pub partnerd_status: Option<u16>,
    /// Why the probe did not run, or why a side gave no answer (a difference in itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    pub differences: Vec<Difference>,
}

/// Every probe against both sides.
pub async fn run(upstream: &Side, partnerd: &Side, allow_writes: bool) -> Vec<Outcome> {
    let mut contexts = [discover(upstream).await, discover(partnerd).await];
    let mut outcomes = Vec::new();
    for probe in probe::all() {
        if probe.writes && !allow_writes {
            continue;
        }
        let asks = [(probe.build)(&contexts[0]), (probe.build)(&contexts[1])];
        let (u, p) = match asks {
            [Ok(u), Ok(p)] => (u, p),
            [Err(why), _] | [_, Err(why)] => {
                let side = if asks_failed_upstream(&asks) { upstream.name } else { partnerd.name };
                outcomes.push(skipped(probe.name, format!("{why} ({side})")));
                continue;
            }
        };
        let (outcome, answers) = ask_both(probe.name, upstream, &u, partnerd, &p).await;
        // The billing profile read is what the write probe puts back.
        if probe.name == "billing profile" {
            for (context, answer) in contexts.iter_mut().zip(answers) {
                context.billing = answer.as_ref().and_then(probe::billing_of);
            }
        }
        outcomes.push(outcome);
    }
    outcomes
}

fn asks_failed_upstream(asks: &[Result<Ask, &'static str>; 2]) -> bool {
    asks[0].is_err()
}

fn skipped(probe: &'static str, why: String) -> Outcome {
    Outcome {
        probe,
        method: String::new(),
        target: String::new(),
        upstream_status: None,
        partnerd_status: None,
        skipped: Some(why),
        differences: Vec::new(),
    }
}

/// What a side's first page of two shows (its first customer, a continuation token).
async fn discover(side: &Side) -> Context {
    match side.send(&Ask::get("/v1/customers?size=2")).await {
        Ok(answer) if answer.status == 200 => Context::from_first_page(&answer),
        _ => Context::default(),
    }
}

/// Both answers and their differences; a side that gave no answer is a difference too.
async fn ask_both(
    name: &'static str,
    upstream: &Side,
    u: &Ask,
    partnerd: &Side,
    p: &Ask,
) -> (Outcome, [Option<Answer>; 2]) {
    let (ua, pa) = (upstream.send(u).await, partnerd.send(p).await);
    let mut outcome = Outcome {
        probe: name,
        method: u.method.to_string(),
        target: u.target.clone(),
        upstream_status: ua.as_ref().ok().map(|a| a.status),
        partnerd_status: pa.as_ref().ok().map(|a| a.status),
        skipped: None,
        differences: Vec::new(),
    };
    match (&ua, &pa) {
        (Ok(ua), Ok(pa)) => outcome.differences = diff::compare(ua, pa),
        _ => outcome.differences.push(Difference::no_answer(&ua, &pa)),
    }
    (outcome, [ua.ok(), pa.ok()])
}
