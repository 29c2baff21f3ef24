//! A fault rule as clients write it (`POST /_partnerd/faults`, `--faults FILE`, `partnerd admin
//! faults add`, `partnerd_mock::Fault`), and the checks that turn every rule that could not act
//! as meant into a clear refusal. One definition, so the server, the CLI and the mock cannot
//! disagree about a member's name or what it accepts.

use serde::{Deserialize, Serialize};

use crate::routes::{methods_of, PARTNER_CENTER_ROUTES};
use crate::PartnerId;

/// The longest latency a rule may add: ten minutes, past every client timeout worth testing.
const MAX_LATENCY_MS: u64 = 600_000;
/// The longest Retry-After a rule may ask for: a day.
const MAX_RETRY_AFTER: u64 = 86_400;
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// When a request matches (`method`, `route`, `partner`; each optional) and what happens to
/// it (`status`, latency, or `drop`), how often (`probability`, `count`) and until when
/// (`expiresInSeconds`). See docs/control-plane.md, "Faults". The members are public so that a
/// builder can fill them in; [`FaultRule::check`] is what the server applies before keeping one.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// Only requests with this method (capitals once checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests to this route template; the `/v1` or `/v1.0` is optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// Only requests whose bearer token verifies for this partner GUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// Answer this error status (400 to 599) instead of running the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Strike only this share (above 0, at most 1) of matching requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Wait this long first (milliseconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// With `latency_max_ms`: wait a uniformly drawn time between the two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_min_ms: Option<u64>,
    /// With `latency_min_ms`: the longest drawn wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_max_ms: Option<u64>,
    /// Close the connection without answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
    /// Run the request to the end first, then lose its answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub commit: bool,
    /// With a status: the error body's `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// With a status: the error body's `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// With a status: the `Retry-After` seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Strike this many requests, then the rule is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// End the rule this long after it is added, on the server's clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_seconds: Option<u64>,
}

impl FaultRule {
    /// One rule from JSON text, checked.
    pub fn parse(json: &str) -> Result<FaultRule, String> {
        let rule: FaultRule = serde_json::from_str(json).map_err(|e| format!("the fault rule does not parse: {e}"))?;
        rule.check()
    }

    /// A JSON array of rules (a `--faults` file), each checked; the error names the rule.
    pub fn parse_list(json: &str) -> Result<Vec<FaultRule>, String> {
        let rules: Vec<serde_json::Value> =
            serde_json::from_str(json).map_err(|e| format!("the faults file is not a JSON array: {e}"))?;
        rules
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value::<FaultRule>(v)
                    .map_err(|e| e.to_string())
                    .and_then(FaultRule::check)
                    .map_err(|e| format!("fault rule {}: {e}", i + 1))
            })
            .collect()
    }

    /// The rule, normalised (method in capitals), or why it cannot act as written.
    pub fn check(mut self) -> Result<FaultRule, String> {
        if let Some(m) = &mut self.method {
            *m = m.trim().to_ascii_uppercase();
            if !METHODS.contains(&m.as_str()) {
                return Err(format!("method '{m}' is not one of {}", METHODS.join(", ")));
            }
        }
        if let Some(route) = &self.route {
            check_route(route, self.method.as_deref())?;
        }
        if let Some(p) = &self.partner {
            PartnerId::parse(p).ok_or_else(|| format!("partner '{p}' is not a GUID"))?;
        }
        self.check_action()?;
        self.check_odds()?;
        Ok(self)
    }

    fn check_action(&self) -> Result<(), String> {
        let latency = self.latency_ms.is_some() || self.latency_min_ms.is_some() || self.latency_max_ms.is_some();
        if self.status.is_none() && !self.drop && !latency {
            return Err(
                "a rule needs an action: status, drop: true, latencyMs, or latencyMinMs with latencyMaxMs".into()
            );
        }
        if let Some(s) = self.status {
            if !(400..=599).contains(&s) {
                return Err(format!("status {s} is not an error status (400 to 599)"));
            }
        }
        if self.drop && self.status.is_some() {
            return Err("drop: true sends no answer, so it cannot also have a status".into());
        }
        if self.commit && self.status.is_none() && !self.drop {
            return Err("commit: true loses the answer, so it needs a status or drop: true".into());
        }
        let answer_only = [
            ("code", self.code.is_some()),
            ("description", self.description.is_some()),
            ("retryAfter", self.retry_after.is_some()),
        ];
        if let Some((name, _)) = answer_only.iter().find(|(_, set)| *set) {
            if self.status.is_none() {
                return Err(format!("{name} shapes the error answer, so it needs a status"));
            }
        }
        if self.status == Some(429) && self.code.is_some() {
            return Err("a 429 answers with Partner Center's throttling body, which has no code".into());
        }
        if self.retry_after.is_some_and(|r| r > MAX_RETRY_AFTER) {
            return Err(format!("retryAfter is at most {MAX_RETRY_AFTER} seconds"));
        }
        self.check_latency()
    }

    fn check_latency(&self) -> Result<(), String> {
        let too_long = |ms: Option<u64>| ms.is_some_and(|ms| ms > MAX_LATENCY_MS);
        if too_long(self.latency_ms) || too_long(self.latency_min_ms) || too_long(self.latency_max_ms) {
            return Err(format!("latencies are at most {MAX_LATENCY_MS} ms"));
        }
        match (self.latency_ms, self.latency_min_ms, self.latency_max_ms) {
            (Some(_), None, None) | (None, None, None) => Ok(()),
            (Some(_), _, _) => Err("give latencyMs, or latencyMinMs with latencyMaxMs, not both".into()),
            (None, Some(min), Some(max)) if min <= max => Ok(()),
            (None, Some(_), Some(_)) => Err("latencyMinMs must not be above latencyMaxMs".into()),
            (None, _, _) => Err("latencyMinMs and latencyMaxMs go together".into()),
        }
    }

    fn check_odds(&self) -> Result<(), String> {
        if self.probability.is_some_and(|p| !(p > 0.0 && p <= 1.0)) {
            return Err("probability must be above 0 and at most 1".into());
        }
        if self.count == Some(0) {
            return Err("count must be at least 1 (leave it out for no limit)".into());
        }
        if self.expires_in_seconds == Some(0) {
            return Err("expiresInSeconds must be at least 1 (leave it out for no expiry)".into());
        }
        Ok(())
    }

    /// The partner the rule is limited to.
    pub fn partner_id(&self) -> Option<PartnerId> {
        self.partner.as_deref().and_then(PartnerId::parse)
    }
}

/// A route template partnerd serves (with or without its `/v1` or `/v1.0`), taking `method`
/// when one is given: a rule for a route that does not exist would be accepted and never fire.
fn check_route(route: &str, method: Option<&str>) -> Result<(), String> {
    let Some(methods) = methods_of(route) else {
        return Err(format!(
            "route '{route}' is not a route template partnerd serves; these are: {}",
            PARTNER_CENTER_ROUTES.iter().map(|(p, _)| format!("/v1{p}")).collect::<Vec<_>>().join(", ")
        ));
    };
    match method {
        // A GET route answers HEAD too.
        Some(m) if !(methods.contains(&m) || m == "HEAD" && methods.contains(&"GET")) => {
            Err(format!("route '{route}' takes {}, not {m}", methods.join(", ")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_shape_parses() {
        let rule =
            FaultRule::parse(r#"{"method": "post", "route": "/v1/customers", "status": 503, "count": 2}"#).unwrap();
        assert_eq!(rule.method.as_deref(), Some("POST"));
        assert_eq!(rule.count, Some(2));
        assert!(FaultRule::parse(r#"{"latencyMinMs": 5, "latencyMaxMs": 9, "probability": 0.5}"#).is_ok());
        assert!(FaultRule::parse(r#"{"drop": true, "commit": true}"#).is_ok());
        for route in ["/v1/customers/{id}", "/v1.0/customers/{id}", "/customers/{id}"] {
            let rule = format!(r#"{{"route": "{route}", "method": "head", "status": 500}}"#);
            assert!(FaultRule::parse(&rule).is_ok(), "{route}");
        }
    }

    #[test]
    fn bad_rules_are_refused() {
        for bad in [
            r#"{"status": 503, "colour": "red"}"#,
            r#"{"status": "503"}"#,
            r#"{"status": 200}"#,
            r#"{"route": "/v1/customers"}"#,
            r#"{"status": 503, "drop": true}"#,
            r#"{"latencyMs": 5, "commit": true}"#,
            r#"{"status": 503, "probability": 0}"#,
            r#"{"status": 503, "probability": 1.5}"#,
            r#"{"status": 503, "count": 0}"#,
            r#"{"status": 503, "route": "v1/customers"}"#,
            r#"{"status": 503, "route": "/v1/customer"}"#,
            r#"{"status": 503, "route": "/v1/customers/{customer-id}"}"#,
            r#"{"status": 503, "route": "/v1/customers/{id}", "method": "POST"}"#,
            r#"{"status": 503, "method": "BREW"}"#,
            r#"{"status": 503, "partner": "not-a-guid"}"#,
            r#"{"latencyMinMs": 9, "latencyMaxMs": 5}"#,
            r#"{"latencyMinMs": 9}"#,
            r#"{"latencyMs": 1, "latencyMaxMs": 5}"#,
            r#"{"drop": true, "code": 5}"#,
            r#"{"status": 429, "code": 5}"#,
        ] {
            assert!(FaultRule::parse(bad).is_err(), "{bad} was accepted");
        }
        let err = FaultRule::parse_list(r#"[{"status": 503}, {"status": 999}]"#).unwrap_err();
        assert!(err.starts_with("fault rule 2:"), "{err}");
    }

    #[test]
    fn every_documented_member_round_trips() {
        let text = r#"{"method":"POST","route":"/v1/customers","partner":"c0ffee00-0000-4000-8000-000000000001","status":503,"probability":0.5,"commit":true,"code":800003,"description":"Down.","retryAfter":7,"count":2,"expiresInSeconds":60}"#;
        let rule = FaultRule::parse(text).unwrap();
        assert_eq!(serde_json::to_string(&rule).unwrap(), text);
        let latency = r#"{"latencyMinMs":5,"latencyMaxMs":9}"#;
        assert_eq!(serde_json::to_string(&FaultRule::parse(latency).unwrap()).unwrap(), latency);
        let drop = r#"{"latencyMs":5,"drop":true}"#;
        assert_eq!(serde_json::to_string(&FaultRule::parse(drop).unwrap()).unwrap(), drop);
    }
}
