//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits), as every
//! authenticator app produces them.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP: i64 = 30;

/// The code for `unix_secs`, with `digits` digits.
pub fn code_at(secret: &[u8], unix_secs: i64, digits: u32) -> Option<String> {
    let counter = u64::try_from(unix_secs.div_euclid(STEP)).ok()?;
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash.last()? & 0x0f);
    let bytes: [u8; 4] = hash.get(offset..offset + 4)?.try_into().ok()?;
    let value = u32::from_be_bytes(bytes) & 0x7fff_ffff;
    let modulus = 10u32.checked_pow(digits)?;
    Some(format!("{:0width$}", value % modulus, width = digits as usize))
}

/// Checks a 6-digit code against the steps around `unix_secs` (one step of clock drift either
/// way) and returns the step it matched. A step at or before `last_used_step` is refused, so a
/// code cannot be replayed.
pub fn verify(secret: &[u8], code: &str, unix_secs: i64, last_used_step: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = unix_secs.div_euclid(STEP);
    [step - 1, step, step + 1].into_iter().find(|s| {
        last_used_step.is_none_or(|last| *s > last)
            && code_at(secret, s * STEP, 6).is_some_and(|expected| constant_time_eq(&expected, code))
    })
}

/// The base32 form authenticator apps take.
pub fn encode_secret(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// Reads a base32 secret (as stored).
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(text.trim().to_ascii_uppercase().as_bytes()).ok()
}

/// The `otpauth://` URI that enrols the secret in an authenticator app.
pub fn provisioning_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        encode_secret(secret),
        enc(issuer)
    )
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors() {
        for (t, expected) in
            [(59, "94287082"), (1_111_111_109, "07081804"), (1_234_567_890, "89005924"), (2_000_000_000, "69279037")]
        {
            assert_eq!(code_at(RFC_SECRET, t, 8).as_deref(), Some(expected), "t={t}");
        }
    }

    #[test]
    fn verification_allows_one_step_of_drift_and_refuses_replays() {
        let now = 1_111_111_109;
        let code = code_at(RFC_SECRET, now, 6).unwrap();
        let step = verify(RFC_SECRET, &code, now + 25, None).unwrap();
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step)), None, "replay refused");
        assert_eq!(verify(RFC_SECRET, &code, now + 95, None), None, "too late");
        assert_eq!(verify(RFC_SECRET, "12345", now, None), None);
        assert_eq!(decode_secret(&encode_secret(RFC_SECRET)).as_deref(), Some(RFC_SECRET));
        assert!(provisioning_uri("重庆设计", "admin", RFC_SECRET).starts_with("otpauth://totp/%E9%87%8D"));
    }
}
