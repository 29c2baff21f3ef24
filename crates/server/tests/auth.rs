//! Every way a bearer token can be wrong gets 401 with `WWW-Authenticate: Bearer` and the
//! contract's body (spec §7), and partners never see each other's customers.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use partnerd_server::{AuthConfig, Config, KeyConfig, DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET};
use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::{json, Value};

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn claims(tid: &str) -> Value {
    json!({"tid": tid, "iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "nbf": now() - 10, "exp": now() + 600})
}

fn sign(claims: &Value, secret: &str) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

async fn status_with(app: &TestApp, auth: Option<String>) -> (u16, Option<String>, Value) {
    let mut req = app.http.get(app.url("/v1/customers"));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let www = res.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_string());
    (status, www, res.json().await.unwrap())
}

store_test!(every_bad_token_gets_401, |db| {
    let app = TestApp::start(&db).await;
    let tid = new_partner().to_string();
    let with = |mut c: Value, k: &str, v: Value| {
        c[k] = v;
        c
    };
    let without = |mut c: Value, k: &str| {
        c.as_object_mut().unwrap().remove(k);
        c
    };
    let base = claims(&tid);
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(base.to_string())
    );
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("not bearer", Some(format!("Basic {}", sign(&base, DEV_SECRET)))),
        ("garbage", Some("Bearer not.a.jwt".into())),
        ("empty", Some("Bearer ".into())),
        ("alg none", Some(format!("Bearer {unsigned}"))),
        ("wrong secret", Some(format!("Bearer {}", sign(&base, "another-secret-another-secret-1234")))),
        ("expired", Some(format!("Bearer {}", sign(&with(base.clone(), "exp", json!(now() - 3600)), DEV_SECRET)))),
        (
            "not yet valid",
            Some(format!("Bearer {}", sign(&with(base.clone(), "nbf", json!(now() + 3600)), DEV_SECRET))),
        ),
        ("no exp", Some(format!("Bearer {}", sign(&without(base.clone(), "exp"), DEV_SECRET)))),
        (
            "wrong audience",
            Some(format!(
                "Bearer {}",
                sign(&with(base.clone(), "aud", json!("https://graph.microsoft.com")), DEV_SECRET)
            )),
        ),
        (
            "wrong issuer",
            Some(format!("Bearer {}", sign(&with(base.clone(), "iss", json!("https://evil.example")), DEV_SECRET))),
        ),
        ("tid not a guid", Some(format!("Bearer {}", sign(&with(base.clone(), "tid", json!("contoso")), DEV_SECRET)))),
        ("no tid", Some(format!("Bearer {}", sign(&without(base.clone(), "tid"), DEV_SECRET)))),
    ];
    for (name, auth) in cases {
        let (status, www, body) = status_with(&app, auth).await;
        assert_eq!(status, 401, "{name}");
        assert_eq!(www.as_deref(), Some("Bearer"), "{name}");
        assert_eq!(body["code"], 800001, "{name}");
    }
    let (status, _, _) = status_with(&app, Some(format!("Bearer {}", sign(&base, DEV_SECRET)))).await;
    assert_eq!(status, 200);
});

const PRODUCTION_SECRET: &str = "a-production-secret-of-at-least-32-bytes!";

/// Production tokens signed with [`PRODUCTION_SECRET`], issued by `https://login.example/issuer`.
fn production_secret_auth() -> AuthConfig {
    AuthConfig::Production {
        key: KeyConfig::Hs256Secret(PRODUCTION_SECRET.into()),
        issuer: "https://login.example/issuer".into(),
        audience: "https://api.partnercenter.microsoft.com".into(),
    }
}

store_test!(a_moved_clock_never_revives_an_expired_production_token, |db| {
    let (secret, auth) = (PRODUCTION_SECRET, production_secret_auth());
    let config = Config { auth, admin_token: Some("admin-token-0123456789".into()), ..Config::default() };
    let app = TestApp::start_with(&db, config).await;
    let mut expired = claims(&new_partner().to_string());
    expired["iss"] = json!("https://login.example/issuer");
    expired["nbf"] = json!(now() - 90_000);
    expired["exp"] = json!(now() - 86_000);
    let bearer = Some(format!("Bearer {}", sign(&expired, secret)));
    assert_eq!(status_with(&app, bearer.clone()).await.0, 401);
    let moved = app
        .http
        .post(app.url("/_partnerd/clock"))
        .bearer_auth("admin-token-0123456789")
        .json(&json!({"offsetSeconds": -87_000}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200, "{:?}", moved.text().await);
    assert_eq!(status_with(&app, bearer).await.0, 401, "the real time decides for real keys");
});

store_test!(production_keys_refuse_development_tokens, |db| {
    let (secret, auth) = (PRODUCTION_SECRET, production_secret_auth());
    let app = TestApp::start_with(&db, Config { auth, ..Config::default() }).await;
    let tid = new_partner().to_string();
    let (status, _, _) = status_with(&app, Some(format!("Bearer {}", sign(&claims(&tid), DEV_SECRET)))).await;
    assert_eq!(status, 401, "development tokens are refused in production");
    let mut prod = claims(&tid);
    prod["iss"] = json!("https://login.example/issuer");
    let (status, _, _) = status_with(&app, Some(format!("Bearer {}", sign(&prod, secret)))).await;
    assert_eq!(status, 200);
    let dev_key = AuthConfig::Production {
        key: KeyConfig::Hs256Secret(DEV_SECRET.into()),
        issuer: "x".into(),
        audience: "y".into(),
    };
    assert!(partnerd_server::AppState::new(db.open().await, Config { auth: dev_key, ..Config::default() })
        .await
        .is_err());
});

store_test!(partners_are_isolated, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    let theirs = insert_many(&app.store, &b, 5).await;
    insert_many(&app.store, &a, 3).await;
    let (ids, _) = walk(&app, &a, "/v1/customers?size=2").await;
    assert_eq!(ids.len(), 3);
    for c in &theirs {
        let id = c.id.as_ref().unwrap();
        for path in [
            format!("/v1/customers/{id}"),
            format!("/v1/customers/{id}/profiles/company"),
            format!("/v1/customers/{id}/profiles/billing"),
        ] {
            let res = app.get(&a, &path).send().await.unwrap();
            assert_eq!(res.status(), 404, "{path}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["code"], 1000);
        }
        let res = app.request(reqwest::Method::DELETE, &a, &format!("/v1/customers/{id}")).send().await.unwrap();
        assert_eq!(res.status(), 404, "a foreign customer cannot be deleted");
    }
    let domain = theirs[0].domain();
    let filter: String =
        form_urlencoded::byte_serialize(format!(r#"{{"Field":"Domain","Value":"{domain}"}}"#).as_bytes()).collect();
    let (ids, _) = walk(&app, &a, &format!("/v1/customers?filter={filter}")).await;
    assert!(ids.is_empty(), "filters never reach foreign rows");
});

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

/// Signs production-style claims with a fixture key; `kid` goes in the header when given.
fn signed(alg: Algorithm, pem: &str, kid: Option<&str>, tid: &str) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(fixture(pem).as_bytes()).unwrap(),
        _ => EncodingKey::from_rsa_pem(fixture(pem).as_bytes()).unwrap(),
    };
    let mut c = claims(tid);
    c["iss"] = json!("https://login.example/issuer");
    format!("Bearer {}", encode(&header, &c, &key).unwrap())
}

fn production(key: KeyConfig) -> Config {
    let auth =
        AuthConfig::Production { key, issuer: "https://login.example/issuer".into(), audience: DEV_AUDIENCE.into() };
    Config { auth, ..Config::default() }
}

store_test!(jwks_keys_are_chosen_by_kid, |db| {
    let app = TestApp::start_with(&db, production(KeyConfig::Jwks(fixture("jwks.json")))).await;
    let tid = new_partner().to_string();
    for (alg, pem, kid) in [
        (Algorithm::ES256, "ec-key-1.pem", "ec-key-1"),
        (Algorithm::ES256, "ec-key-2.pem", "ec-key-2"),
        (Algorithm::RS256, "rsa-key.pem", "rsa-key"),
    ] {
        assert_eq!(status_with(&app, Some(signed(alg, pem, Some(kid), &tid))).await.0, 200, "{kid}");
    }
    for (name, auth) in [
        ("signed by another key of the set", signed(Algorithm::ES256, "ec-key-1.pem", Some("ec-key-2"), &tid)),
        ("no kid", signed(Algorithm::ES256, "ec-key-1.pem", None, &tid)),
        ("unknown kid", signed(Algorithm::ES256, "ec-key-1.pem", Some("ec-key-9"), &tid)),
        ("algorithm switched for the kid", signed(Algorithm::RS256, "rsa-key.pem", Some("ec-key-1"), &tid)),
        ("development token", format!("Bearer {}", sign(&claims(&tid), DEV_SECRET))),
    ] {
        let (status, www, body) = status_with(&app, Some(auth)).await;
        assert_eq!((status, www.as_deref(), body["code"].as_i64()), (401, Some("Bearer"), Some(800001)), "{name}");
    }
});

store_test!(a_pem_public_key_accepts_only_its_own_algorithm, |db| {
    let app = TestApp::start_with(&db, production(KeyConfig::PublicKeyPem(fixture("rsa-key.pub.pem")))).await;
    let tid = new_partner().to_string();
    assert_eq!(status_with(&app, Some(signed(Algorithm::RS256, "rsa-key.pem", None, &tid))).await.0, 200);
    assert_eq!(status_with(&app, Some(signed(Algorithm::ES256, "ec-key-1.pem", None, &tid))).await.0, 401);
    assert!(partnerd_server::AppState::new(db.open().await, production(KeyConfig::Jwks("{\"keys\": []}".into())))
        .await
        .is_err());
});

/// A route template with its parameters filled in.
fn concrete(template: &str) -> String {
    template.replace("{id}", "8f3c1b2a-5d4e-4f60-9a7b-0c1d2e3f4a5b").replace("{domain}", "contoso.onmicrosoft.com")
}

store_test!(every_route_and_method_answers_401_without_a_token, |db| {
    let app = TestApp::start(&db).await;
    let mut checked = 0;
    for (template, methods) in partnerd_server::PARTNER_CENTER_ROUTES {
        for method in *methods {
            for version in ["/v1", "/v1.0"] {
                let path = format!("{version}{}", concrete(template));
                let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                // A body that is not even JSON: authentication answers before anything reads it.
                let res = app
                    .http
                    .request(method.clone(), app.url(&path))
                    .header("Content-Type", "application/json")
                    .body("{not json")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 401, "{method} {path}");
                assert_eq!(res.headers()["www-authenticate"], "Bearer", "{method} {path}");
                if method != reqwest::Method::HEAD {
                    let body: Value = res.json().await.unwrap();
                    assert_eq!(body["code"], 800001, "{method} {path}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "the table lists every Partner Center route: {checked} checked");
    // Outside the table: an unknown path is 404, token or not. A known path's unknown method
    // is behind the layer too: 401 without a token, 405 with one.
    let res = app.http.get(app.url("/v1/nothing-here")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let path = format!("/v1{}", concrete("/customers/{id}"));
    let res = app.http.post(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = app.request(reqwest::Method::POST, &new_partner(), &path).send().await.unwrap();
    assert_eq!(res.status(), 405);
});
