//! The admin credentials of a new customer.

use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use rand::Rng;

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"!@#$%^&*-_=+?";
const LENGTH: usize = 20;

/// A strong random password from the operating system's generator: 20 characters with at
/// least one of each class, which satisfies Entra ID's complexity rules.
pub(crate) fn new_password() -> String {
    let mut rng = OsRng;
    let classes = [UPPER, LOWER, DIGITS, SYMBOLS];
    let all: Vec<u8> = classes.concat();
    let mut chars: Vec<u8> = classes.iter().map(|c| *c.choose(&mut rng).expect("non-empty")).collect();
    chars.extend((chars.len()..LENGTH).map(|_| all[rng.gen_range(0..all.len())]));
    chars.shuffle(&mut rng);
    String::from_utf8(chars).expect("ascii")
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_long_mixed_and_different() {
        let a = super::new_password();
        assert_eq!(a.len(), 20);
        assert!(a.chars().any(|c| c.is_ascii_uppercase()) && a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()) && a.chars().any(|c| !c.is_ascii_alphanumeric()));
        assert_ne!(a, super::new_password());
    }
}
