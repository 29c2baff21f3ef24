//! Sealing with the server key (ChaCha20-Poly1305): continuation tokens and kept idempotent
//! responses are encrypted and authenticated, each purpose bound by its own associated data
//! so that one can never be passed off as the other. The key can be replaced at run time
//! (`POST /_partnerd/reset?keys=true`, or another instance having done so).

use std::sync::RwLock;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

pub(crate) struct Vault {
    /// The key's bytes (to tell whether a key read from the database is new) and its cipher.
    current: RwLock<(Vec<u8>, ChaCha20Poly1305)>,
}

impl Vault {
    /// `key` must hold at least 32 bytes; the server key from the database does.
    pub fn new(key: &[u8]) -> Vault {
        Vault { current: RwLock::new(keyed(key)) }
    }

    /// Uses `key` from now on, unless it is the key in use.
    pub fn rekey(&self, key: &[u8]) {
        if self.current.read().expect("vault").0 != key[..32] {
            *self.current.write().expect("vault") = keyed(key);
        }
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        self.current.read().expect("vault").1.clone()
    }

    /// `nonce || ciphertext || tag`, with a fresh random nonce.
    pub fn seal(&self, purpose: &[u8], plain: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: purpose })
            .expect("encryption cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// The plaintext, or `None` when the bytes were not sealed by this key for this purpose.
    pub fn open(&self, purpose: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher().decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: purpose }).ok()
    }
}

fn keyed(key: &[u8]) -> (Vec<u8>, ChaCha20Poly1305) {
    (key[..32].to_vec(), ChaCha20Poly1305::new(Key::from_slice(&key[..32])))
}
