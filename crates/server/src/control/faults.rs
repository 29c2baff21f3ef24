//! The fault rules of this instance and the choice of the one that strikes a request.
//!
//! Rules are tried in the order they were added; the first that matches and whose
//! probability draw succeeds strikes, and no other. The draws (and uniform latencies) come
//! from one RNG seeded by `--fault-seed`, under the same lock as the counts, so a test that
//! sends the same requests in the same order sees the same faults, and a `count` of 2 is
//! exactly two requests however many race.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use partnerd_model::{AppliedFault, FaultRule, KeptFault, PartnerId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::entry::rfc3339;
use super::requests::same_route;
use crate::clock::Clock;
use crate::{ApiError, AppState};

/// A rule in force.
struct Active {
    id: String,
    rule: FaultRule,
    partner: Option<PartnerId>,
    remaining: Option<u64>,
    expires_at: Option<SystemTime>,
    fired: u64,
}

impl Active {
    fn matches(&self, method: &Method, route: Option<&str>, partner: &mut dyn FnMut() -> Option<PartnerId>) -> bool {
        self.rule.method.as_ref().is_none_or(|m| m == method.as_str())
            && self.rule.route.as_ref().is_none_or(|r| route.is_some_and(|t| same_route(t, r)))
            && self.partner.as_ref().is_none_or(|p| partner().as_ref() == Some(p))
    }

    fn view(&self) -> KeptFault {
        KeptFault {
            rule: self.rule.clone(),
            id: self.id.clone(),
            fired: self.fired,
            remaining: self.remaining,
            expires_at: self.expires_at.map(rfc3339),
        }
    }
}

struct Table {
    rules: Vec<Active>,
    rng: StdRng,
    next_id: u64,
}

/// The rules and the seeded RNG of one instance.
pub(crate) struct Faults {
    table: Mutex<Table>,
    clock: Clock,
}

/// The fault striking one request.
pub(crate) struct Strike {
    pub rule: FaultRule,
    /// The latency to add, drawn when the rule gives a range.
    pub latency: Option<Duration>,
    /// What the journal records: the rule, its id and the latency applied.
    pub record: AppliedFault,
}

impl Faults {
    /// A table holding `rules` (from `--faults`), drawing from `seed` (random when `None`).
    pub fn new(rules: &[FaultRule], seed: Option<u64>, clock: Clock) -> Faults {
        let rng = seed.map_or_else(StdRng::from_entropy, StdRng::seed_from_u64);
        let faults = Faults { table: Mutex::new(Table { rules: Vec::new(), rng, next_id: 1 }), clock };
        for rule in rules {
            faults.add(rule.clone());
        }
        faults
    }

    fn add(&self, rule: FaultRule) -> KeptFault {
        let mut table = self.table.lock().expect("fault table");
        let id = table.next_id.to_string();
        table.next_id += 1;
        let expires_at = rule.expires_in_seconds.map(|s| self.clock.now() + Duration::from_secs(s));
        let active = Active { id, partner: rule.partner_id(), remaining: rule.count, expires_at, fired: 0, rule };
        let view = active.view();
        table.rules.push(active);
        view
    }

    /// The fault for a request, if one strikes; counts it. `partner` is asked only when a
    /// rule is limited to a partner (it verifies the token).
    pub fn strike(
        &self,
        method: &Method,
        route: Option<&str>,
        mut partner: impl FnMut() -> Option<PartnerId>,
    ) -> Option<Strike> {
        let mut table = self.table.lock().expect("fault table");
        if table.rules.is_empty() {
            return None;
        }
        let now = self.clock.now();
        let Table { rules, rng, .. } = &mut *table;
        rules.retain(|a| a.expires_at.is_none_or(|t| t > now));
        let mut known_partner: Option<Option<PartnerId>> = None;
        let mut partner = || known_partner.get_or_insert_with(&mut partner).clone();
        let index = rules.iter().position(|a| {
            a.matches(method, route, &mut partner) && a.rule.probability.is_none_or(|p| rng.gen::<f64>() < p)
        })?;
        let active = &mut rules[index];
        active.fired += 1;
        active.remaining = active.remaining.map(|n| n - 1);
        let latency = match (active.rule.latency_ms, active.rule.latency_min_ms, active.rule.latency_max_ms) {
            (Some(ms), _, _) => Some(ms),
            (None, Some(min), Some(max)) => Some(rng.gen_range(min..=max)),
            _ => None,
        }
        .map(Duration::from_millis);
        let record = AppliedFault {
            rule: active.rule.clone(),
            id: active.id.clone(),
            applied_latency_ms: latency.map(|l| l.as_millis() as u64),
        };
        let strike = Strike { rule: active.rule.clone(), latency, record };
        if active.remaining == Some(0) {
            rules.remove(index);
        }
        Some(strike)
    }

    fn list(&self) -> Vec<KeptFault> {
        let now = self.clock.now();
        let mut table = self.table.lock().expect("fault table");
        table.rules.retain(|a| a.expires_at.is_none_or(|t| t > now));
        table.rules.iter().map(Active::view).collect()
    }

    /// Removes every rule, or the rules limited to `partner`.
    pub fn clear(&self, partner: Option<&PartnerId>) {
        let mut table = self.table.lock().expect("fault table");
        match partner {
            None => table.rules.clear(),
            Some(p) => table.rules.retain(|a| a.partner.as_ref() != Some(p)),
        }
    }

    fn remove(&self, id: &str) -> bool {
        let mut table = self.table.lock().expect("fault table");
        let before = table.rules.len();
        table.rules.retain(|a| a.id != id);
        table.rules.len() < before
    }
}

/// `POST /_partnerd/faults`: 201 with the rule as kept (its `id`, `remaining`, `expiresAt`).
pub(super) async fn add(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid("The fault rule is not UTF-8 JSON."))?;
    let rule = FaultRule::parse(text).map_err(|e| ApiError::invalid(format!("{}.", capitalise(&e))))?;
    let view = state.traffic.faults.add(rule);
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `GET /_partnerd/faults`: the rules in force, in the order they are tried.
pub(super) async fn list(State(state): State<AppState>) -> Json<Value> {
    let items = state.traffic.faults.list();
    Json(json!({"totalCount": items.len(), "items": items}))
}

/// `DELETE /_partnerd/faults[?partner=GUID]`.
pub(super) async fn clear(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<StatusCode, ApiError> {
    let partner = super::guidance::partner_parameter(query)?;
    state.traffic.faults.clear(partner.as_ref());
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /_partnerd/faults/{id}`.
pub(super) async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if state.traffic.faults.remove(&id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, 1000, "No fault rule has this id (it may have run out or expired).")
            .with_data(id))
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
