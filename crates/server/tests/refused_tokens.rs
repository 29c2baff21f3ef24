//! `/metrics` counts refused bearer tokens by why they were refused. This file is its own test
//! process, so the process-wide counters hold only what this test sent and are compared exactly.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use partnerd_server::{DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET};
use partnerd_testkit::{Kind, TestApp, TestDb};
use serde_json::{json, Value};

const PARTNER: &str = "4a1c6e7e-0000-4000-8000-000000000001";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Valid development claims with `change` applied.
fn claims(change: impl FnOnce(&mut Value)) -> Value {
    let mut claims = json!({"tid": PARTNER, "iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "exp": now() + 3600});
    change(&mut claims);
    claims
}

fn sign(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

/// The value of `partnerd_refused_tokens_total{reason="..."}`, 0 when the series is absent.
fn refused(metrics: &str, reason: &str) -> u64 {
    let prefix = format!("partnerd_refused_tokens_total{{reason=\"{reason}\"}} ");
    metrics.lines().find_map(|l| l.strip_prefix(&prefix)).map_or(0, |v| v.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_tokens_are_counted_by_reason() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let app = TestApp::start(&db).await;
    let good = sign(Algorithm::HS256, DEV_SECRET, &claims(|_| {}));
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("malformed", Some("Basic dXNlcjpwYXNz".into())),
        ("malformed", Some("Bearer not-a-jwt".into())),
        ("malformed", Some("Bearer a.b.c".into())),
        (
            "bad_signature",
            Some(format!("Bearer {}", sign(Algorithm::HS256, "another-secret-32-bytes-long-xxxxx", &claims(|_| {})))),
        ),
        ("bad_signature", Some(format!("Bearer {}x", &good[..good.len() - 1]))),
        ("wrong_algorithm", Some(format!("Bearer {}", sign(Algorithm::HS512, DEV_SECRET, &claims(|_| {}))))),
        (
            "expired",
            Some(format!("Bearer {}", sign(Algorithm::HS256, DEV_SECRET, &claims(|c| c["exp"] = json!(now() - 3600))))),
        ),
        (
            "not_yet_valid",
            Some(format!("Bearer {}", sign(Algorithm::HS256, DEV_SECRET, &claims(|c| c["nbf"] = json!(now() + 3600))))),
        ),
        (
            "wrong_issuer",
            Some(format!(
                "Bearer {}",
                sign(Algorithm::HS256, DEV_SECRET, &claims(|c| c["iss"] = json!("https://elsewhere")))
            )),
        ),
        (
            "wrong_audience",
            Some(format!(
                "Bearer {}",
                sign(Algorithm::HS256, DEV_SECRET, &claims(|c| c["aud"] = json!("https://elsewhere")))
            )),
        ),
        (
            "bad_claims",
            Some(format!("Bearer {}", sign(Algorithm::HS256, DEV_SECRET, &claims(|c| c["tid"] = json!("not-a-guid"))))),
        ),
        (
            "bad_claims",
            Some(format!("Bearer {}", sign(Algorithm::HS256, DEV_SECRET, &claims(|c| c["exp"] = json!("soon"))))),
        ),
    ];
    for (reason, authorization) in &cases {
        let mut req = app.http.get(app.url("/v1/customers"));
        if let Some(value) = authorization {
            req = req.header("Authorization", value);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{reason}: {authorization:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], 800001, "{reason}");
    }
    let accepted = app.http.get(app.url("/v1/customers")).bearer_auth(&good).send().await.unwrap();
    assert_eq!(accepted.status(), 200, "a valid token is not counted as refused");

    let metrics = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let mut reasons: Vec<&str> = cases.iter().map(|(r, _)| *r).collect();
    reasons.dedup();
    for reason in reasons {
        let expected = cases.iter().filter(|(r, _)| *r == reason).count() as u64;
        assert_eq!(refused(&metrics, reason), expected, "reason {reason} in:\n{metrics}");
    }
    assert_eq!(refused(&metrics, "invalid"), 0, "no catch-all reason is left: {metrics}");
}
