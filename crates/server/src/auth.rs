//! Bearer JWT authentication (spec §7), as a layer over every Partner Center route. The
//! partner is the token's `tid`; a request carries a `VerifiedPartner` only after its token
//! verifies, and a `VerifiedPartner` is a Partner Center handler's only way to a store handle:
//! the maker of partner-scoped handles (`Partners`) opens in this module alone.

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use partnerd_model::PartnerId;
use partnerd_store::{PartnerStore, PartnerStores};
use serde::{Deserialize, Serialize};

use crate::rate_limit;
use crate::{ApiError, AppState};

/// The well-known development signing secret (HS256). Anyone can mint tokens with it, which
/// is the point in development and why production configuration refuses it.
pub const DEV_SECRET: &str = "partnerd-development-secret-do-not-use-in-production";
/// The `iss` of development tokens.
pub const DEV_ISSUER: &str = "https://partnerd.local/dev";
/// The `aud` of development tokens: Partner Center's own resource URI.
pub const DEV_AUDIENCE: &str = "https://api.partnercenter.microsoft.com";

/// Which tokens the server accepts.
#[derive(Clone, Debug, Default)]
pub enum AuthConfig {
    /// Tokens signed with [`DEV_SECRET`], issued by [`DEV_ISSUER`] for [`DEV_AUDIENCE`].
    #[default]
    Development,
    /// Tokens signed with a configured key, for a configured issuer and audience.
    Production { key: KeyConfig, issuer: String, audience: String },
}

/// A production verification key.
#[derive(Clone, Debug)]
pub enum KeyConfig {
    /// A shared HS256 secret.
    Hs256Secret(String),
    /// A PEM public key: RSA (RS256) or EC P-256 (ES256).
    PublicKeyPem(String),
    /// A JWKS document (RS256 and ES256 keys), as an identity provider publishes it; a
    /// token's `kid` picks the key, so keys can roll over.
    Jwks(String),
}

/// Verifies bearer tokens against the configured keys, issuer and audience.
pub(crate) struct Verifier {
    keys: Keys,
    validation: Validation,
    /// Tokens whose signature and claims verified, with what they say. A client sends the
    /// same token with every request until it expires, and checking its signature and
    /// parsing its claims again each time cost more than serving a customer; `exp` and `nbf`
    /// are still checked on every request, against the server's clock.
    verified: Mutex<HashMap<String, Verified>>,
}

/// What a verified token says that matters after its signature.
#[derive(Clone)]
struct Verified {
    partner: PartnerId,
    exp: f64,
    nbf: Option<f64>,
}

/// Verified tokens remembered at most; when full the memory starts over. Only tokens that
/// verified get in, so a client without a valid token cannot fill it.
const VERIFIED_TOKENS: usize = 1024;

/// One key for every token, or keys chosen by the token's `kid`.
enum Keys {
    Single(DecodingKey, Algorithm),
    ByKid(HashMap<String, (DecodingKey, Algorithm)>),
}

#[derive(Deserialize)]
struct Claims {
    tid: String,
    exp: serde_json::Value,
    #[serde(default)]
    nbf: Option<serde_json::Value>,
}

/// Seconds of clock skew allowed on `exp` and `nbf`, as identity platforms allow.
const LEEWAY_SECS: f64 = 30.0;

impl Verifier {
    pub fn new(config: &AuthConfig) -> Result<Verifier, String> {
        let (keys, issuer, audience) = match config {
            AuthConfig::Development => (
                Keys::Single(DecodingKey::from_secret(DEV_SECRET.as_bytes()), Algorithm::HS256),
                DEV_ISSUER,
                DEV_AUDIENCE,
            ),
            AuthConfig::Production { key, issuer, audience } => {
                (production_keys(key)?, issuer.as_str(), audience.as_str())
            }
        };
        // The algorithm list is set per key at verification; this one is only the template.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        // Time claims are checked against the server's clock (which time travel moves) in
        // `verify`, not against the system clock as jsonwebtoken would.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Ok(Verifier { keys, validation, verified: Mutex::new(HashMap::new()) })
    }

    /// The partner a token speaks for at `now` (Unix seconds), or why it is refused. Each key
    /// verifies only the one algorithm it is for, so `alg: none` or an algorithm switch never passes.
    pub fn verify(&self, token: &str, now: i64) -> Result<PartnerId, Refused> {
        let known = self.verified.lock().expect("verified tokens").get(token).cloned();
        let verified = match known {
            Some(verified) => verified,
            None => {
                let verified = self.verify_signature(token)?;
                let mut cache = self.verified.lock().expect("verified tokens");
                if cache.len() >= VERIFIED_TOKENS {
                    cache.clear();
                }
                cache.insert(token.to_string(), verified.clone());
                verified
            }
        };
        check_times(verified.exp, verified.nbf, now as f64)?;
        Ok(verified.partner)
    }

    /// The signature, algorithm, issuer, audience and claims of `token`, without its times.
    fn verify_signature(&self, token: &str) -> Result<Verified, Refused> {
        let (key, alg) = match &self.keys {
            Keys::Single(key, alg) => (key, *alg),
            Keys::ByKid(keys) => {
                let kid = jsonwebtoken::decode_header(token).map_err(Refused::from_jwt)?.kid;
                let found = kid.as_ref().and_then(|k| keys.get(k));
                let (key, alg) = found
                    .ok_or_else(|| Refused::new("unknown_key", "The bearer token's kid names no configured key."))?;
                (key, *alg)
            }
        };
        let mut validation = self.validation.clone();
        validation.algorithms = vec![alg];
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation).map_err(Refused::from_jwt)?.claims;
        let seconds = |name: &str, v: &serde_json::Value| {
            v.as_f64()
                .ok_or_else(|| Refused::new("bad_claims", format!("The bearer token's {name} claim is not a number.")))
        };
        let exp = seconds("exp", &claims.exp)?;
        let nbf = claims.nbf.as_ref().map(|v| seconds("nbf", v)).transpose()?;
        let partner = PartnerId::parse(&claims.tid)
            .ok_or_else(|| Refused::new("bad_claims", "The bearer token's tid claim is not a GUID."))?;
        Ok(Verified { partner, exp, nbf })
    }
}

/// Why a bearer token was refused: a short `reason` for `/metrics` and the 401 to answer.
#[derive(Debug)]
pub(crate) struct Refused {
    /// `missing`, `malformed`, `bad_signature`, `wrong_algorithm`, `unknown_key`, `expired`,
    /// `not_yet_valid`, `wrong_issuer`, `wrong_audience` or `bad_claims`.
    pub reason: &'static str,
    pub error: ApiError,
}

impl Refused {
    fn new(reason: &'static str, description: impl Into<String>) -> Refused {
        Refused { reason, error: ApiError::unauthorized(description) }
    }

    /// The reason behind one of jsonwebtoken's refusals.
    fn from_jwt(e: jsonwebtoken::errors::Error) -> Refused {
        use jsonwebtoken::errors::ErrorKind;
        let reason = match e.kind() {
            ErrorKind::InvalidSignature => "bad_signature",
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => "wrong_algorithm",
            ErrorKind::InvalidIssuer => "wrong_issuer",
            ErrorKind::InvalidAudience => "wrong_audience",
            ErrorKind::ExpiredSignature => "expired",
            ErrorKind::ImmatureSignature => "not_yet_valid",
            ErrorKind::MissingRequiredClaim(_) | ErrorKind::InvalidSubject => "bad_claims",
            // Not three base64url parts, or parts that are not the JSON they should be.
            _ => "malformed",
        };
        Refused::new(reason, format!("The bearer token is not valid: {e}."))
    }
}

/// `exp` (required) and `nbf` (when present) against `now`, with [`LEEWAY_SECS`].
fn check_times(exp: f64, nbf: Option<f64>, now: f64) -> Result<(), Refused> {
    if exp < now - LEEWAY_SECS {
        return Err(Refused::new("expired", "The bearer token is not valid: it has expired (ExpiredSignature)."));
    }
    if nbf.is_some_and(|nbf| nbf > now + LEEWAY_SECS) {
        return Err(Refused::new(
            "not_yet_valid",
            "The bearer token is not valid: it is not valid yet (ImmatureSignature).",
        ));
    }
    Ok(())
}

fn production_keys(key: &KeyConfig) -> Result<Keys, String> {
    match key {
        KeyConfig::Hs256Secret(secret) if secret == DEV_SECRET => {
            Err("the development secret cannot be used in production".into())
        }
        KeyConfig::Hs256Secret(secret) if secret.len() < 32 => Err("an HS256 secret needs at least 32 bytes".into()),
        KeyConfig::Hs256Secret(secret) => {
            Ok(Keys::Single(DecodingKey::from_secret(secret.as_bytes()), Algorithm::HS256))
        }
        KeyConfig::PublicKeyPem(pem) => DecodingKey::from_rsa_pem(pem.as_bytes())
            .map(|k| Keys::Single(k, Algorithm::RS256))
            .or_else(|_| DecodingKey::from_ec_pem(pem.as_bytes()).map(|k| Keys::Single(k, Algorithm::ES256)))
            .map_err(|e| format!("the public key is neither an RSA nor an EC PEM key: {e}")),
        KeyConfig::Jwks(document) => jwks_keys(document).map(Keys::ByKid),
    }
}

/// The RS256 and ES256 keys of a JWKS document, by `kid`; other keys are refused, so a key
/// set can never smuggle in a symmetric key or an unexpected algorithm.
fn jwks_keys(document: &str) -> Result<HashMap<String, (DecodingKey, Algorithm)>, String> {
    let set: JwkSet = serde_json::from_str(document).map_err(|e| format!("the JWKS document does not parse: {e}"))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let kid = jwk.common.key_id.clone().ok_or("every JWKS key needs a kid")?;
        let alg = match (&jwk.algorithm, jwk.common.key_algorithm) {
            (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
            (AlgorithmParameters::EllipticCurve(p), None | Some(KeyAlgorithm::ES256))
                if p.curve == EllipticCurve::P256 =>
            {
                Algorithm::ES256
            }
            _ => return Err(format!("JWKS key '{kid}' is not an RS256 or ES256 (P-256) key")),
        };
        let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("JWKS key '{kid}': {e}"))?;
        keys.insert(kid, (key, alg));
    }
    if keys.is_empty() {
        return Err("the JWKS document has no keys".into());
    }
    Ok(keys)
}

#[derive(Serialize)]
struct DevClaims<'a> {
    tid: &'a str,
    sub: &'a str,
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
}

/// A development token for `partner`, valid for `ttl`.
pub fn mint_dev_token(partner: &PartnerId, ttl: Duration) -> String {
    mint_dev_token_at(partner, ttl, partnerd_store::now_secs())
}

/// A development token for `partner` issued at `now` (Unix seconds), valid for `ttl`: for a
/// server whose clock was moved (`POST /_partnerd/clock`), pass its time.
pub fn mint_dev_token_at(partner: &PartnerId, ttl: Duration, now: i64) -> String {
    let now = now.max(0) as u64;
    let claims = DevClaims {
        tid: partner.as_str(),
        sub: "partnerd-dev",
        iss: DEV_ISSUER,
        aud: DEV_AUDIENCE,
        iat: now,
        nbf: now,
        exp: now + ttl.as_secs(),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(DEV_SECRET.as_bytes()))
        .expect("HS256 signing cannot fail")
}

/// The server's maker of partner-scoped store handles, as the application state carries it:
/// sealed, its field private to this module, so a handler holding the state cannot make a
/// handle for a partner of its choosing. Only [`authenticate`] (for a verified token) and
/// [`vouched_by_upstream`] open it.
#[derive(Clone)]
pub(crate) struct Partners(PartnerStores);

impl Partners {
    pub fn new(stores: PartnerStores) -> Partners {
        Partners(stores)
    }
}

/// A partner whose bearer token verified on this request, with the store handle scoped to it.
/// Only [`authenticate`] makes one (the field is private to this module): a handler cannot
/// reach a partner's customers without it, and cannot get one without the authentication
/// layer having run.
#[derive(Clone)]
pub(crate) struct VerifiedPartner {
    store: PartnerStore,
}

impl VerifiedPartner {
    pub fn id(&self) -> &PartnerId {
        self.store.partner()
    }

    /// This partner's store handle: a Partner Center handler's only one.
    pub fn store(&self) -> &PartnerStore {
        &self.store
    }
}

/// The store handle of the partner a forwarded request's token names, for
/// `--record-into-store`: partnerd cannot verify a token Microsoft issued, but the upstream has
/// just answered it with success, which vouches for its `tid`. Kept here beside
/// [`authenticate`], so that every way to a partner's store handle is in this module.
pub(crate) fn vouched_by_upstream(partners: &Partners, partner: &PartnerId) -> PartnerStore {
    partners.0.for_partner(partner.clone())
}

/// Taken from the request's extensions, where [`authenticate`] put it. Absent, the route is
/// outside the authentication layer by mistake: a 500, never an anonymous request served.
impl<S: Send + Sync> FromRequestParts<S> for VerifiedPartner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<VerifiedPartner>().cloned().ok_or_else(|| {
            tracing::error!(path = %parts.uri.path(), "a handler asked for a verified partner outside the authentication layer");
            ApiError::internal()
        })
    }
}

/// Middleware over every Partner Center route: verifies the bearer token, counts the request
/// against the partner's throttling window, and hands the handler a [`VerifiedPartner`].
/// Refusals (401, 429) are answered here; nothing behind this layer runs for them.
pub(crate) async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let partner = match bearer_partner(req.headers(), &state).await {
        Ok(partner) => partner,
        Err(refused) => return refused.into_response(),
    };
    if let Some(slot) = req.extensions().get::<crate::control::PartnerSlot>() {
        slot.set(&partner);
    }
    let standing = match state.limiter.as_ref().map(|limiter| limiter.admit(&partner)).transpose() {
        Ok(standing) => standing,
        Err((standing, throttled)) => return rate_limit::report(standing, throttled.into_response()),
    };
    req.extensions_mut().insert(VerifiedPartner { store: state.partners.0.for_partner(partner) });
    let res = next.run(req).await;
    match standing {
        Some(standing) => rate_limit::report(standing, res),
        None => res,
    }
}

/// The partner the request's `Authorization: Bearer` token speaks for, or the 401 to answer;
/// every refusal is counted by its reason for `/metrics`.
async fn bearer_partner(headers: &HeaderMap, state: &AppState) -> Result<PartnerId, ApiError> {
    let partner = match bearer_token(headers) {
        Ok(token) => {
            state.shared.refresh().await;
            state.verifier.verify(token, state.token_time())
        }
        Err(refused) => Err(refused),
    };
    match partner {
        Ok(partner) => {
            crate::observe::trace::record_partner(partner.as_str());
            Ok(partner)
        }
        Err(refused) => {
            crate::observe::metrics::token_refused(refused.reason);
            Err(refused.error)
        }
    }
}

/// The token of an `Authorization: Bearer` header.
fn bearer_token(headers: &HeaderMap) -> Result<&str, Refused> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| Refused::new("missing", "An Authorization: Bearer token is required."))?;
    let text = value.to_str().map_err(|_| Refused::new("malformed", "The Authorization header is not text."))?;
    crate::bearer::bearer(text)
        .ok_or_else(|| Refused::new("malformed", "The Authorization header must use the Bearer scheme."))
}
