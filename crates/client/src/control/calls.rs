//! One method per control-plane route. Answers the CLI prints as they come stay JSON
//! ([`Value`]); the fault rules, the journal and guidance, which callers inspect, are typed.

use partnerd_model::{FaultRule, JournalEntry, KeptFault, PartnerId};
use reqwest::{Body, Method, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::{ControlClient, ControlError, Guidance};

/// A move of the server's clock (`POST /_partnerd/clock`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockMove {
    /// Real time plus this many seconds (negative: the past; 0: real time again).
    OffsetSeconds(i64),
    /// This many seconds further from where it is.
    AdvanceSeconds(i64),
}

/// `?partner=GUID` when given.
fn partner_query(partner: Option<&PartnerId>) -> Vec<(&'static str, String)> {
    partner.iter().map(|p| ("partner", p.to_string())).collect()
}

impl ControlClient {
    /// `POST /reset[?partner=][&keys=true]`: forgets customers, kept answers, the journal,
    /// faults and guidance (or one partner's); `keys` also replaces the continuation-token key.
    pub async fn reset(&self, partner: Option<&PartnerId>, keys: bool) -> Result<Value, ControlError> {
        let mut query = partner_query(partner);
        if keys {
            query.push(("keys", "true".into()));
        }
        self.json(self.request(Method::POST, "/reset").query(&query)).await
    }

    /// `POST /partners/{partner}/seed`: `count` synthetic customers, the same for the same
    /// seed; with `users`, each customer also gets that many users and the example SKUs.
    pub async fn seed(
        &self,
        partner: &PartnerId,
        count: u64,
        seed: u64,
        users: Option<u32>,
    ) -> Result<Value, ControlError> {
        let mut body = json!({"count": count, "seed": seed});
        if let Some(users) = users {
            body["users"] = json!(users);
        }
        self.json(self.request(Method::POST, &format!("/partners/{partner}/seed")).json(&body)).await
    }

    /// `PUT /partners/{partner}/customers/{customer}/subscribedskus`: the customer's SKUs (id
    /// or part number, with active units); the subscribed SKUs as listed.
    pub async fn set_customer_skus(
        &self,
        partner: &PartnerId,
        customer: &str,
        skus: &[(&str, i64)],
    ) -> Result<Value, ControlError> {
        let skus: Vec<Value> = skus.iter().map(|(sku, units)| json!({"sku": sku, "activeUnits": units})).collect();
        let path = format!("/partners/{partner}/customers/{customer}/subscribedskus");
        self.json(self.request(Method::PUT, &path).json(&json!({"skus": skus}))).await
    }

    /// `GET /clock`, or `POST /clock` with a move; the clock as it then is.
    pub async fn clock(&self, to: Option<ClockMove>) -> Result<Value, ControlError> {
        let body = match to {
            None => return self.json(self.request(Method::GET, "/clock")).await,
            Some(ClockMove::OffsetSeconds(s)) => json!({"offsetSeconds": s}),
            Some(ClockMove::AdvanceSeconds(s)) => json!({"advanceSeconds": s}),
        };
        self.json(self.request(Method::POST, "/clock").json(&body)).await
    }

    /// `GET /snapshot[?partner=]`: the answer, to stream its JSON lines.
    pub async fn snapshot(&self, partner: Option<&PartnerId>) -> Result<Response, ControlError> {
        self.send(self.request(Method::GET, "/snapshot").query(&partner_query(partner))).await
    }

    /// `PUT /snapshot[?partner=]`: replaces the customers with the snapshot's, all or nothing.
    pub async fn restore(&self, partner: Option<&PartnerId>, lines: impl Into<Body>) -> Result<Value, ControlError> {
        let req = self.request(Method::PUT, "/snapshot").query(&partner_query(partner));
        self.json(req.header("Content-Type", "application/x-ndjson").body(lines)).await
    }

    /// `POST /faults`: the rule as kept (its `id`, `fired`, `remaining`, `expiresAt`).
    pub async fn add_fault(&self, rule: &FaultRule) -> Result<KeptFault, ControlError> {
        typed("kept fault rule", self.json(self.request(Method::POST, "/faults").json(rule)).await?)
    }

    /// `GET /faults`: the rules in force as kept, in the order they are tried.
    pub async fn faults(&self) -> Result<Vec<KeptFault>, ControlError> {
        let items = items(self.json(self.request(Method::GET, "/faults")).await?)?;
        items.into_iter().map(|v| typed("kept fault rule", v)).collect()
    }

    /// `DELETE /faults/{id}`; a 404 when no rule has that id any more.
    pub async fn remove_fault(&self, id: &str) -> Result<(), ControlError> {
        self.send(self.request(Method::DELETE, &format!("/faults/{id}"))).await.map(drop)
    }

    /// `DELETE /faults[?partner=]`: every rule, or the rules limited to `partner`.
    pub async fn clear_faults(&self, partner: Option<&PartnerId>) -> Result<(), ControlError> {
        self.send(self.request(Method::DELETE, "/faults").query(&partner_query(partner))).await.map(drop)
    }

    /// `GET /requests` with `filters` (`method`, `route`, `status`, `partner`, `correlationId`,
    /// `since`, `limit`): the journal's entries, newest first.
    pub async fn requests(&self, filters: &[(&str, String)]) -> Result<Vec<JournalEntry>, ControlError> {
        let items = items(self.json(self.request(Method::GET, "/requests").query(filters)).await?)?;
        items.into_iter().map(|v| typed("journal entry", v)).collect()
    }

    /// `GET /requests/stream` with `filters`: the Server-Sent Events answer, to read as it comes.
    pub async fn requests_stream(&self, filters: &[(&str, String)]) -> Result<Response, ControlError> {
        self.send(self.request(Method::GET, "/requests/stream").query(filters)).await
    }

    /// `DELETE /requests[?partner=]`: forgets every journal entry, or `partner`'s.
    pub async fn clear_requests(&self, partner: Option<&PartnerId>) -> Result<(), ControlError> {
        self.send(self.request(Method::DELETE, "/requests").query(&partner_query(partner))).await.map(drop)
    }

    /// `GET /guidance[?partner=]`: the client habits partnerd flagged.
    pub async fn guidance(&self, partner: Option<&PartnerId>) -> Result<Guidance, ControlError> {
        let answer = self.json(self.request(Method::GET, "/guidance").query(&partner_query(partner))).await?;
        serde_json::from_value(answer).map_err(|e| ControlError::Answer(format!("not a guidance summary: {e}")))
    }
}

/// The `items` of a `{"totalCount", "items"}` answer.
fn items(answer: Value) -> Result<Vec<Value>, ControlError> {
    match answer {
        Value::Object(mut o) => match o.remove("items") {
            Some(Value::Array(items)) => Ok(items),
            _ => Err(ControlError::Answer("a list without items".into())),
        },
        _ => Err(ControlError::Answer("not a list".into())),
    }
}

/// `answer` as the model's `what`; an answer of another shape means the server and client differ.
fn typed<T: DeserializeOwned>(what: &str, answer: Value) -> Result<T, ControlError> {
    serde_json::from_value(answer).map_err(|e| ControlError::Answer(format!("not a {what} ({e})")))
}
