//! A production deployment for tests: real (HS256) keys, and tokens signed with them, since a
//! production server refuses development tokens (and `AppState::new` refuses to build one
//! that would accept them).

use std::time::Duration;

use partnerd_model::PartnerId;
use partnerd_server::{AuthConfig, Config, KeyConfig, Mode};

/// The shared secret of the test production keys.
pub const SECRET: &str = "a-production-secret-of-at-least-32-bytes!";
/// The issuer their tokens carry.
pub const ISSUER: &str = "https://issuer.example";
/// The audience their tokens carry (Partner Center's).
pub const AUDIENCE: &str = "https://api.partnercenter.microsoft.com";

/// Verification by the test production keys.
pub fn auth() -> AuthConfig {
    AuthConfig::Production {
        key: KeyConfig::Hs256Secret(SECRET.into()),
        issuer: ISSUER.into(),
        audience: AUDIENCE.into(),
    }
}

/// Production mode with the test production keys (no admin token: no control plane).
pub fn config() -> Config {
    Config { mode: Mode::Production, auth: auth(), ..Config::default() }
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    tid: &'a str,
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
}

/// A token for `partner` signed with the test production keys, valid for an hour.
pub fn token(partner: &PartnerId) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    let exp = now + Duration::from_secs(3600).as_secs();
    let claims = Claims { tid: partner.as_str(), iss: ISSUER, aud: AUDIENCE, iat: now, nbf: now, exp };
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &claims, &key).expect("HS256")
}
