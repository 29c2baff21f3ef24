//! Sealing with the server key (ChaCha20-Poly1305): continuation tokens and kept idempotent
//! responses are encrypted and authenticated, each purpose bound by its own associated data
//! so that one can never be passed off as the other.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

pub(crate) struct Vault {
    cipher: ChaCha20Poly1305,
}

impl Vault {
    /// `key` must hold at least 32 bytes; the server key from the database does.
    pub fn new(key: &[u8]) -> Vault {
        Vault { cipher: ChaCha20Poly1305::new(Key::from_slice(&key[..32])) }
    }

    /// `nonce || ciphertext || tag`, with a fresh random nonce.
    pub fn seal(&self, purpose: &[u8], plain: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher
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
        self.cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: purpose }).ok()
    }
}
