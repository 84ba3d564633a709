//! Secrets at rest and on the wire: argon2id password hashes, AES-256-GCM encryption of
//! personal data (phone numbers, TOTP secrets), random tokens stored only as SHA-256 hashes.
//!
//! The encryption key is shared by every app node (from `SHEJI_SECRET_KEY`, `secret_key` in
//! `sheji.toml`, or a key file the binary creates on first start), so nothing that another
//! node needs lives only in one process.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Something went wrong with a secret; never says which bytes.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The key is not 32 bytes of base64.
    #[error("the secret key must be 32 bytes, base64-encoded (generate one with: openssl rand -base64 32)")]
    BadKey,
    /// The operating system's random source failed.
    #[error("no randomness available: {0}")]
    Random(String),
    /// Stored ciphertext could not be decrypted (wrong key or altered data).
    #[error("stored data cannot be decrypted with this key")]
    Decrypt,
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Fills `buf` from the operating system's secure random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|e| CryptoError::Random(e.to_string()))
}

/// A fresh random token, URL-safe, with `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> Result<String, CryptoError> {
    let mut buf = vec![0u8; bytes];
    random_bytes(&mut buf)?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// A fresh key for a stored file: random, and only letters and digits, so it is safe as a
/// file name on every file system (the URL-safe `-` and `_` become `0`).
pub fn file_key() -> Result<String, CryptoError> {
    Ok(random_token(24)?.replace(['-', '_'], "0"))
}

/// SHA-256 of a token, hex; what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The CSRF token of a signed-in session, derived from its (secret, HttpOnly) session token:
/// a token planted in the CSRF cookie by anyone else (a sibling subdomain, say) cannot match
/// it, and it changes with every sign-in. Domain-separated from [`token_hash`], which the
/// database keeps.
pub fn csrf_token_for(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"sheji-csrf\0");
    h.update(session_token.as_bytes());
    hex::encode(h.finalize())
}

/// A new random key, base64, for a deployment that has none yet.
pub fn generate_key() -> Result<String, CryptoError> {
    let mut key = [0u8; 32];
    random_bytes(&mut key)?;
    Ok(STANDARD.encode(key))
}

/// The platform's secrets: the data-encryption key and the password hasher.
pub struct Secrets {
    cipher: Aes256Gcm,
    hasher: Argon2<'static>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

impl Secrets {
    /// Builds the secrets from a base64 key of 32 bytes.
    pub fn from_base64_key(key: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD.decode(key.trim()).map_err(|_| CryptoError::BadKey)?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| CryptoError::BadKey)?;
        // argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
        let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| CryptoError::Hash(e.to_string()))?;
        Ok(Self { cipher, hasher: Argon2::new(Algorithm::Argon2id, Version::V0x13, params) })
    }

    /// Encrypts text: `v1:` + base64(nonce ‖ ciphertext).
    pub fn encrypt(&self, plain: &str) -> Result<String, CryptoError> {
        let mut nonce = [0u8; 12];
        random_bytes(&mut nonce)?;
        let sealed = self.cipher.encrypt(&Nonce::from(nonce), plain.as_bytes()).map_err(|_| CryptoError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!("v1:{}", STANDARD.encode(out)))
    }

    /// Decrypts what [`Secrets::encrypt`] produced.
    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let body = stored.strip_prefix("v1:").ok_or(CryptoError::Decrypt)?;
        let bytes = STANDARD.decode(body).map_err(|_| CryptoError::Decrypt)?;
        let (nonce, sealed) = bytes.split_at_checked(12).ok_or(CryptoError::Decrypt)?;
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| CryptoError::Decrypt)?;
        let plain = self.cipher.decrypt(&Nonce::from(nonce), sealed).map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }

    /// An argon2id PHC string for a password.
    pub fn hash_password(&self, password: &str) -> Result<String, CryptoError> {
        let mut salt = [0u8; 16];
        random_bytes(&mut salt)?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| CryptoError::Hash(e.to_string()))?;
        Ok(self
            .hasher
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| CryptoError::Hash(e.to_string()))?
            .to_string())
    }

    /// Whether `password` matches a stored PHC string. A malformed hash never matches.
    pub fn verify_password(&self, password: &str, stored: &str) -> bool {
        PasswordHash::new(stored).is_ok_and(|hash| self.hasher.verify_password(password.as_bytes(), &hash).is_ok())
    }

    /// Spends the time a verification takes, so an unknown username answers as slowly as a
    /// known one with a wrong password.
    pub fn burn_verification(&self, password: &str) {
        const DUMMY: &str =
            "$argon2id$v=19$m=19456,t=2,p=1$c2hlamlzaGVqaXNoZWppMA$8Z3ZsM0b0qN0l7rQe9mW3L4cYh2oQvU3yJ1kS5tX6aE";
        let _ = self.verify_password(password, DUMMY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        Secrets::from_base64_key(&STANDARD.encode([7u8; 32])).unwrap()
    }

    #[test]
    fn encryption_round_trips_and_detects_tampering() {
        let s = secrets();
        let a = s.encrypt("13812341234").unwrap();
        let b = s.encrypt("13812341234").unwrap();
        assert_ne!(a, b, "a fresh nonce every time");
        assert_eq!(s.decrypt(&a).unwrap(), "13812341234");
        let mut altered = a.clone();
        altered.pop();
        altered.push(if a.ends_with('A') { 'B' } else { 'A' });
        assert!(s.decrypt(&altered).is_err());
        let other = Secrets::from_base64_key(&STANDARD.encode([8u8; 32])).unwrap();
        assert!(other.decrypt(&a).is_err(), "another key cannot read it");
        assert!(Secrets::from_base64_key("short").is_err());
    }

    #[test]
    fn password_hashes_are_argon2id_and_verify() {
        let s = secrets();
        let hash = s.hash_password("渝设计Lab-2026").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(s.verify_password("渝设计Lab-2026", &hash));
        assert!(!s.verify_password("渝设计Lab-2027", &hash));
        assert!(!s.verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token(32).unwrap();
        assert_ne!(a, random_token(32).unwrap());
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
