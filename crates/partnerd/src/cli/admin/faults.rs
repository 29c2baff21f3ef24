//! `admin faults add|list|clear`: fault rules, from flags or a JSON file (one rule or an
//! array, the shape of `POST /_partnerd/faults` and `serve --faults`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use partnerd_model::{FaultRule, KeptFault, PartnerId};
use serde_json::Value;

use super::control::Control;
use super::output::{self, FormatArg};
use crate::cli::customers::failure::Usage;
use crate::cli::db::parse_partner;
use crate::cli::duration;

#[derive(Args)]
pub struct FaultsArgs {
    #[command(subcommand)]
    command: FaultsCommand,
}

#[derive(Subcommand)]
enum FaultsCommand {
    /// Add a rule described by flags, or the rules of a JSON file (--file).
    Add(Box<AddArgs>),
    /// The rules in force, in the order they are tried.
    List(FormatArg),
    /// Remove one rule by id, or every rule (or every rule limited to --partner).
    Clear(ClearArgs),
}

const RULE_FLAGS: [&str; 14] = [
    "method",
    "route",
    "partner",
    "status",
    "code",
    "description",
    "retry_after",
    "latency",
    "latency_min",
    "drop",
    "commit",
    "probability",
    "count",
    "expires_in",
];

#[derive(Args)]
struct AddArgs {
    /// Rules as JSON: one object or an array, e.g. {"route": "/v1/customers", "status": 503, "count": 2}.
    #[arg(long, env = "PARTNERD_FILE", value_name = "FILE", conflicts_with_all = RULE_FLAGS)]
    file: Option<PathBuf>,
    /// Only requests with this method; any when absent.
    #[arg(long, env = "PARTNERD_METHOD")]
    method: Option<String>,
    /// Only requests to this route template, e.g. /v1/customers/{id}; any when absent.
    #[arg(long, env = "PARTNERD_ROUTE")]
    route: Option<String>,
    /// Only requests whose token is this partner's (tenant GUID).
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner)]
    partner: Option<PartnerId>,
    /// Answer this error status (400-599) with the contract's error body; 429 and 503 carry Retry-After.
    #[arg(long, env = "PARTNERD_STATUS", value_parser = clap::value_parser!(u16).range(400..=599))]
    status: Option<u16>,
    /// The error body's code (defaults by status).
    #[arg(long, env = "PARTNERD_CODE", requires = "status")]
    code: Option<i64>,
    /// The error body's description.
    #[arg(long, env = "PARTNERD_DESCRIPTION", requires = "status")]
    description: Option<String>,
    /// The Retry-After seconds (default 1 for 429 and 503).
    #[arg(long, env = "PARTNERD_RETRY_AFTER", value_name = "SECONDS", requires = "status")]
    retry_after: Option<u64>,
    /// Wait this long first (e.g. 250ms, 2s).
    #[arg(long, env = "PARTNERD_LATENCY", value_parser = duration::parse, conflicts_with = "latency_min")]
    latency: Option<Duration>,
    /// Wait a uniformly drawn time between this and --latency-max.
    #[arg(long, env = "PARTNERD_LATENCY_MIN", value_parser = duration::parse, requires = "latency_max")]
    latency_min: Option<Duration>,
    /// The longest drawn wait (with --latency-min).
    #[arg(long, env = "PARTNERD_LATENCY_MAX", value_parser = duration::parse, requires = "latency_min")]
    latency_max: Option<Duration>,
    /// Close the connection without answering.
    #[arg(long, env = "PARTNERD_DROP", conflicts_with = "status")]
    drop: bool,
    /// Run the request first (the write happens), then lose the answer.
    #[arg(long, env = "PARTNERD_COMMIT")]
    commit: bool,
    /// Strike only this share of matching requests (above 0, at most 1).
    #[arg(long, env = "PARTNERD_PROBABILITY")]
    probability: Option<f64>,
    /// Strike this many requests, then the rule is removed.
    #[arg(long, env = "PARTNERD_COUNT")]
    count: Option<u64>,
    /// The rule ends this long after it is added, on the server's clock (e.g. 10m).
    #[arg(long, env = "PARTNERD_EXPIRES_IN", value_parser = duration::parse)]
    expires_in: Option<Duration>,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Args)]
struct ClearArgs {
    /// The rule to remove (as `faults list` shows it); every rule when absent.
    id: Option<String>,
    /// Only the rules limited to this partner.
    #[arg(long, env = "PARTNERD_PARTNER", value_parser = parse_partner, conflicts_with = "id")]
    partner: Option<PartnerId>,
}

const HEADERS: [&str; 9] =
    ["id", "method", "route", "partner", "action", "probability", "remaining", "fired", "expiresAt"];

fn row(kept: &KeptFault) -> [String; 9] {
    let rule = &kept.rule;
    let mut action = Vec::new();
    if let Some(status) = rule.status {
        action.push(status.to_string());
    }
    if rule.drop {
        action.push("drop".into());
    }
    if let Some(ms) = rule.latency_ms {
        action.push(format!("+{ms}ms"));
    }
    if let (Some(min), Some(max)) = (rule.latency_min_ms, rule.latency_max_ms) {
        action.push(format!("+{min}..{max}ms"));
    }
    if rule.commit {
        action.push("after commit".into());
    }
    let text = |v: Option<&String>| v.cloned().unwrap_or_default();
    let number = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    [
        kept.id.clone(),
        text(rule.method.as_ref()),
        text(rule.route.as_ref()),
        text(rule.partner.as_ref()),
        action.join(" "),
        // As JSON writes it (`1.0`), like the other formats.
        rule.probability.map(|p| Value::from(p).to_string()).unwrap_or_default(),
        number(kept.remaining),
        kept.fired.to_string(),
        text(kept.expires_at.as_ref()),
    ]
}

pub async fn run(control: &Control, args: FaultsArgs) -> anyhow::Result<()> {
    match args.command {
        FaultsCommand::Add(a) => add(control, *a).await,
        FaultsCommand::List(format) => {
            let items = control.call(control.client().faults()).await?;
            output::rows(&items, &HEADERS, row, format.get())
        }
        FaultsCommand::Clear(a) => {
            match &a.id {
                Some(id) => control.call(control.client().remove_fault(id)).await?,
                None => control.call(control.client().clear_faults(a.partner.as_ref())).await?,
            }
            eprintln!("{}", a.id.map_or("removed the fault rules".into(), |id| format!("removed fault rule {id}")));
            Ok(())
        }
    }
}

/// Every rule is checked (by the server's own checks) before the first is sent, so a bad file
/// adds nothing.
async fn add(control: &Control, args: AddArgs) -> anyhow::Result<()> {
    let rules = match &args.file {
        Some(path) => read_rules(path)?,
        None => vec![rule_from_flags(&args)?],
    };
    let mut added = Vec::new();
    for rule in &rules {
        added.push(control.call(control.client().add_fault(rule)).await?);
    }
    output::rows(&added, &HEADERS, row, args.format.get())
}

/// The file's rules, each checked as the server checks it.
fn read_rules(path: &PathBuf) -> anyhow::Result<Vec<FaultRule>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Usage(format!("{}: not JSON (a fault rule object or an array of them): {e}", path.display())))?;
    let rules = match value {
        Value::Array(rules) => rules,
        one => vec![one],
    };
    let check = |(i, rule): (usize, Value)| {
        FaultRule::parse(&rule.to_string()).map_err(|e| Usage(format!("fault rule {}: {e}", i + 1)).into())
    };
    rules.into_iter().enumerate().map(check).collect()
}

fn rule_from_flags(a: &AddArgs) -> anyhow::Result<FaultRule> {
    if a.status.is_none() && !a.drop && a.latency.is_none() && a.latency_min.is_none() {
        return Err(Usage(
            "a fault needs an action: --status CODE, --drop or --latency DURATION (or --file FILE)".into(),
        )
        .into());
    }
    let ms = |d: Option<Duration>| d.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let rule = FaultRule {
        method: a.method.clone(),
        route: a.route.clone(),
        partner: a.partner.as_ref().map(PartnerId::to_string),
        status: a.status,
        code: a.code,
        description: a.description.clone(),
        retry_after: a.retry_after,
        latency_ms: ms(a.latency),
        latency_min_ms: ms(a.latency_min),
        latency_max_ms: ms(a.latency_max),
        drop: a.drop,
        commit: a.commit,
        probability: a.probability,
        count: a.count,
        expires_in_seconds: a.expires_in.map(|d| d.as_secs()),
    };
    Ok(rule.check().map_err(|e| Usage(format!("fault rule 1: {e}")))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_rule_fills_every_column() {
        let kept: KeptFault = serde_json::from_str(
            r#"{"method":"GET","route":"/v1/customers","status":503,"probability":1,"commit":true,"count":3,"id":"4","fired":1,"remaining":2,"expiresAt":"2026-01-31T12:00:00.000Z"}"#,
        )
        .unwrap();
        let cells = ["4", "GET", "/v1/customers", "", "503 after commit", "1.0", "2", "1", "2026-01-31T12:00:00.000Z"];
        assert_eq!(row(&kept), cells.map(String::from));
        let latency: KeptFault =
            serde_json::from_str(r#"{"latencyMinMs":5,"latencyMaxMs":9,"drop":true,"id":"5","fired":0}"#).unwrap();
        assert_eq!(row(&latency)[4], "drop +5..9ms");
        assert_eq!(row(&latency)[6], "", "no count, nothing remaining to show");
    }
}
