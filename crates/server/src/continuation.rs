//! Continuation tokens (spec §4.4): the partner, the query and the page's boundaries, sealed
//! with ChaCha20-Poly1305 under a key kept in the database, so they cannot be read, forged or
//! edited, and they work after a restart and on every instance sharing the database.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use partnerd_model::{Filter, FilterField, PartnerId};
use partnerd_store::Position;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::vault::Vault;
use crate::ApiError;

/// Bound into every token so that a ciphertext made for another purpose never opens as one.
pub(crate) const AAD: &[u8] = b"partnerd continuation token v1";
/// Longer tokens are refused before any work is done on them. The longest a server issues
/// (two 256-character positions and a 256-character filter, all escaped) is well below.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// What a token says about the page it was issued with.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cursor {
    pub partner: String,
    pub filter: Option<Filter>,
    pub size: usize,
    /// `Next` continues after this position.
    pub next: Option<Position>,
    /// `Previous` ends before this position (or at it, when inclusive).
    pub previous: Option<(Position, bool)>,
}

/// The sealed form; short member names keep tokens small.
#[derive(Serialize, Deserialize)]
struct Sealed {
    p: String,
    f: Option<(u8, String)>,
    s: usize,
    n: Option<(String, String)>,
    b: Option<(String, String, bool)>,
    e: i64,
}

fn field_code(f: FilterField) -> u8 {
    match f {
        FilterField::CompanyName => 0,
        FilterField::Domain => 1,
        FilterField::IndirectReseller => 2,
        FilterField::IndirectCloudSolutionProvider => 3,
    }
}

fn field_from_code(c: u8) -> Option<FilterField> {
    [
        FilterField::CompanyName,
        FilterField::Domain,
        FilterField::IndirectReseller,
        FilterField::IndirectCloudSolutionProvider,
    ]
    .get(c as usize)
    .copied()
}

pub(crate) struct Sealer {
    vault: Arc<Vault>,
    ttl: Duration,
    /// Expiry is by the server's clock, so time travel expires tokens.
    clock: Clock,
}

impl Sealer {
    pub fn new(vault: Arc<Vault>, ttl: Duration, clock: Clock) -> Sealer {
        Sealer { vault, ttl, clock }
    }

    pub fn seal(&self, cursor: &Cursor) -> String {
        let sealed = Sealed {
            p: cursor.partner.clone(),
            f: cursor.filter.as_ref().map(|f| (field_code(f.field), f.value.clone())),
            s: cursor.size,
            n: cursor.next.as_ref().map(|p| (p.key.clone(), p.id.clone())),
            b: cursor.previous.as_ref().map(|(p, inclusive)| (p.key.clone(), p.id.clone(), *inclusive)),
            e: self.clock.unix_seconds() + self.ttl.as_secs() as i64,
        };
        let plain = serde_json::to_vec(&sealed).expect("cursors serialise");
        URL_SAFE_NO_PAD.encode(self.vault.seal(AAD, &plain))
    }

    /// Opens a token for `partner`; every failure is the same 400, so a probe learns nothing.
    pub fn open(&self, token: &str, partner: &PartnerId) -> Result<Cursor, ApiError> {
        let sealed = self.decrypt(token).ok_or_else(|| invalid_token("it could not be verified"))?;
        if sealed.p != partner.as_str() {
            return Err(invalid_token("it was issued to another partner"));
        }
        if sealed.e < self.clock.unix_seconds() {
            return Err(invalid_token("it has expired"));
        }
        let filter = match sealed.f {
            Some((code, value)) => Some(Filter {
                field: field_from_code(code).ok_or_else(|| invalid_token("it could not be verified"))?,
                value,
            }),
            None => None,
        };
        Ok(Cursor {
            partner: sealed.p,
            filter,
            size: sealed.s,
            next: sealed.n.map(|(key, id)| Position { key, id }),
            previous: sealed.b.map(|(key, id, inclusive)| (Position { key, id }, inclusive)),
        })
    }

    fn decrypt(&self, token: &str) -> Option<Sealed> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
        let plain = self.vault.open(AAD, &bytes)?;
        serde_json::from_slice(&plain).ok()
    }
}

fn invalid_token(why: &str) -> ApiError {
    ApiError::invalid(format!("The continuation token is not valid: {why}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(partner: &PartnerId) -> Cursor {
        Cursor {
            partner: partner.to_string(),
            filter: Some(Filter { field: FilterField::Domain, value: "ä b".into() }),
            size: 7,
            next: Some(Position { key: "k".into(), id: "i".into() }),
            previous: Some((Position { key: "a".into(), id: "b".into() }, true)),
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let clock = Clock::default();
        let sealer = Sealer::new(Arc::new(Vault::new(&[7u8; 32])), Duration::from_secs(60), clock.clone());
        let p = PartnerId::parse("11111111-1111-1111-1111-111111111111").unwrap();
        let q = PartnerId::parse("22222222-2222-2222-2222-222222222222").unwrap();
        let token = sealer.seal(&cursor(&p));
        assert_eq!(sealer.open(&token, &p).unwrap(), cursor(&p));
        assert!(sealer.open(&token, &q).is_err());
        let mut edited = token.clone().into_bytes();
        edited[20] = if edited[20] == b'A' { b'B' } else { b'A' };
        assert!(sealer.open(std::str::from_utf8(&edited).unwrap(), &p).is_err());
        let other_key = Sealer::new(Arc::new(Vault::new(&[8u8; 32])), Duration::from_secs(60), clock.clone());
        assert!(other_key.open(&token, &p).is_err());
        clock.set_offset_seconds(61);
        assert!(sealer.open(&token, &p).is_err(), "expired by the clock");
        assert!(sealer.open("", &p).is_err());
        assert!(sealer.open("!!!", &p).is_err());
    }
}
