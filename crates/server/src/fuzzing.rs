//! Entry points for the coverage-guided fuzz targets in `fuzz/` (built only with the `fuzzing`
//! feature): each runs one of the server's own request parsers on arbitrary input, exactly as
//! a request would reach it, and panics on any broken promise (a panic is what a fuzzer finds).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use partnerd_model::PartnerId;

use crate::auth::{AuthConfig, KeyConfig, Verifier};
use crate::body::{parse, Format};
use crate::continuation::{Sealer, AAD};
use crate::list_query::ListParams;
use crate::vault::Vault;
use crate::Clock;

/// A list request's query string: `size`, `filter` (JSON or flattened), `seekOperation`.
pub fn list_query(raw: &str) {
    let _ = ListParams::parse(raw);
}

/// A request body of the format `selector` picks (JSON, XML or form), read into canonical
/// JSON; whatever it yields is an object.
pub fn body(selector: u8, bytes: &[u8]) {
    let format = match selector % 3 {
        0 => Format::Json,
        1 => Format::Xml,
        _ => Format::Form,
    };
    if let Ok(value) = parse(format, bytes) {
        assert!(value.is_object(), "a body that reads is an object");
    }
}

const PARTNER: &str = "4a1c6e7e-0000-4000-8000-000000000001";

fn sealer() -> &'static (Sealer, Arc<Vault>) {
    static SEALER: OnceLock<(Sealer, Arc<Vault>)> = OnceLock::new();
    SEALER.get_or_init(|| {
        let vault = Arc::new(Vault::new(&[7u8; 32]));
        (Sealer::new(vault.clone(), Duration::from_secs(3600), Clock::default()), vault)
    })
}

/// A continuation token as a client sends it (nearly always refused by its seal), and, to
/// reach what lies behind the seal, `payload` sealed with the server's key as if the server
/// had issued it.
pub fn continuation(token: &str, payload: &[u8]) {
    let (sealer, vault) = sealer();
    let partner = PartnerId::parse(PARTNER).expect("a GUID");
    let _ = sealer.open(token, &partner);
    use base64::Engine;
    let sealed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(vault.seal(AAD, payload));
    let _ = sealer.open(&sealed, &partner);
}

fn verifiers() -> &'static [Verifier; 2] {
    static VERIFIERS: OnceLock<[Verifier; 2]> = OnceLock::new();
    VERIFIERS.get_or_init(|| {
        // A JWKS verifier reads the token's header for its `kid` before anything is verified.
        let jwks = r#"{"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
            "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw",
            "e": "AQAB"}]}"#;
        let production = AuthConfig::Production {
            key: KeyConfig::Jwks(jwks.into()),
            issuer: "https://partnerd.local/fuzz".into(),
            audience: crate::DEV_AUDIENCE.into(),
        };
        [
            Verifier::new(&AuthConfig::Development).expect("development keys"),
            Verifier::new(&production).expect("the fuzz JWKS"),
        ]
    })
}

/// A bearer token, as the development verifier and a JWKS verifier read it.
pub fn bearer(token: &str) {
    for verifier in verifiers() {
        let _ = verifier.verify(token, 1_800_000_000);
    }
}
