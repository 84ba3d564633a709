//! The audit trail's integrity rule: every record's hash covers its content and the previous
//! record's hash, so changing or removing any record breaks the chain from there on.

use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an audit record that the hash covers, in their stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContent<'a> {
    /// Unix time in milliseconds (exact on every backend, unlike timestamps).
    pub at_ms: i64,
    /// The acting account, if any (the system and anonymous visitors have none).
    pub actor_id: Option<i32>,
    /// The acting account's username, or `system` / `anonymous`.
    pub actor_name: &'a str,
    /// The client's address.
    pub ip: &'a str,
    /// What happened (`account.create`, `login.failed` …).
    pub action: &'a str,
    /// The kind of record changed.
    pub target_type: &'a str,
    /// Its id.
    pub target_id: &'a str,
    /// Changed fields before (JSON text).
    pub before: &'a str,
    /// Changed fields after (JSON text).
    pub after: &'a str,
}

/// The chain hash of a record: SHA-256 over the previous hash and every field, each
/// length-prefixed so no two different records encode alike.
pub fn chain_hash(previous: &str, content: &AuditContent<'_>) -> String {
    let actor = content.actor_id.map(|a| a.to_string()).unwrap_or_default();
    let at = content.at_ms.to_string();
    let fields = [
        previous,
        &at,
        &actor,
        content.actor_name,
        content.ip,
        content.action,
        content.target_type,
        content.target_id,
        content.before,
        content.after,
    ];
    let mut hasher = Sha256::new();
    for field in fields {
        hasher.update(field.len().to_string().as_bytes());
        hasher.update(b":");
        hasher.update(field.as_bytes());
        hasher.update(b";");
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(action: &str) -> AuditContent<'_> {
        AuditContent {
            at_ms: 1_795_000_000_000,
            actor_id: Some(1),
            actor_name: "admin",
            ip: "127.0.0.1",
            action,
            target_type: "account",
            target_id: "2",
            before: "{}",
            after: "{\"status\":\"disabled\"}",
        }
    }

    #[test]
    fn the_hash_covers_content_and_predecessor() {
        let a = chain_hash(GENESIS, &content("account.disable"));
        assert_eq!(a.len(), 64);
        assert_eq!(a, chain_hash(GENESIS, &content("account.disable")), "deterministic");
        assert_ne!(a, chain_hash(GENESIS, &content("account.enable")), "content counts");
        assert_ne!(a, chain_hash(&a, &content("account.disable")), "the predecessor counts");
        let mut shifted = content("account.disable");
        shifted.actor_name = "admin1";
        shifted.ip = "27.0.0.1";
        assert_ne!(a, chain_hash(GENESIS, &shifted), "fields cannot bleed into each other");
    }
}
