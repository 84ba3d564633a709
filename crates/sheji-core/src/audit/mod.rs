//! The audit trail's integrity rule: every record's hash covers its content and the previous
//! record's hash, so changing or removing any record breaks the chain from there on. Also the
//! list of actions it records, which the audit page names in the reader's language.

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

/// Every action the platform records, by its stable code; the audit page names each in the
/// reader's language (`audit.action.<code>`), and recording one not listed here is a bug
/// (debug builds stop on it, so the tests find it).
pub const ACTIONS: &[&str] = &[
    "account.affiliation_add",
    "account.affiliation_remove",
    "account.bootstrap",
    "account.create",
    "account.password_change",
    "account.password_reset",
    "account.password_set",
    "account.profile",
    "account.register_designer",
    "account.register_enterprise",
    "account.reject",
    "account.status",
    "account.totp_disable",
    "account.totp_enable",
    "account.unlock",
    "account.verify",
    "cooperation.deal_move",
    "cooperation.deemed",
    "cooperation.milestone",
    "cooperation.quote",
    "cooperation.rate",
    "demo.cooperation",
    "demo.event",
    "demo.load",
    "demo.matchmaking",
    "demo.recognition",
    "demo.review",
    "demo.review_items",
    "event.change_request",
    "event.check_in",
    "event.create",
    "event.decide",
    "event.edit",
    "event.move",
    "event.open_deal",
    "event.outcome",
    "event.register",
    "event.remind",
    "event.schedule",
    "event.wishes",
    "event.withdraw",
    "generator.load",
    "library.accept",
    "library.apply",
    "library.reject",
    "library.return",
    "library.status",
    "login.failed",
    "login.success",
    "login.totp",
    "login.totp_failed",
    "logout",
    "matchmaking.demand_create",
    "matchmaking.demand_edit",
    "matchmaking.demand_expire",
    "matchmaking.demand_move",
    "matchmaking.district_review",
    "matchmaking.file_remove",
    "matchmaking.file_upload",
    "matchmaking.guide_publish",
    "matchmaking.interest",
    "matchmaking.interest_answer",
    "matchmaking.offer_create",
    "matchmaking.offer_edit",
    "matchmaking.offer_move",
    "notification.preferences",
    "notification.resend",
    "notification.settings",
    "notification.test",
    "organization.create",
    "organization.figures_confirm",
    "organization.import_create",
    "organization.import_update",
    "organization.indicators",
    "organization.update",
    "recognition.application_save",
    "recognition.application_start",
    "recognition.application_step",
    "recognition.batch_cancel",
    "recognition.batch_close_early",
    "recognition.batch_edit",
    "recognition.batch_open",
    "recognition.conclude",
    "recognition.file_upload",
    "recognition.inspect",
    "recognition.rectification_accept",
    "recognition.rectification_lapse",
    "recognition.rectification_refuse",
    "recognition.rectification_report",
    "recognition.send_to_publicity",
    "recognition.send_to_review",
    "review.campaign_create",
    "review.close",
    "review.conflict_declare",
    "review.conflict_override",
    "review.decline",
    "review.deploy",
    "review.expert_create",
    "review.expert_update",
    "review.finalize",
    "review.items_add",
    "review.objection_raise",
    "review.objection_resolve",
    "review.objection_statement",
    "review.publish",
    "review.remind",
    "review.rubric_save",
    "review.sheet_save",
    "review.sheet_submit",
    "review.swap",
    "search.synonyms",
    "service.record",
    "service.target_mark",
    "session.end",
    "settings.calendar_delete",
    "settings.calendar_set",
    "settings.documents",
    "settings.library_criteria",
    "settings.public_address",
    "settings.security",
    "token.create",
    "token.revoke",
];

/// The kinds of record an audit entry points at (`audit.type.<kind>`).
pub const TARGET_TYPES: &[&str] = &[
    "account",
    "api_token",
    "calendar",
    "deal",
    "delivery",
    "demand",
    "district",
    "event",
    "expert",
    "matchmaking_guide",
    "offer",
    "organization",
    "recognition",
    "recognition_application",
    "recognition_batch",
    "review_assignment",
    "review_campaign",
    "review_objection",
    "rubric",
    "session",
    "setting",
];

/// The group an action belongs to (its first segment: `account` for `account.create`), by
/// which the audit page filters (`audit.group.<group>`).
pub fn group(action: &str) -> &str {
    action.split('.').next().unwrap_or(action)
}

/// The groups of [`ACTIONS`], in order, once each.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = ACTIONS.iter().map(|a| group(a)).collect();
    out.dedup();
    out
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
    fn every_action_kind_and_group_has_a_name_in_both_languages() {
        use crate::i18n::catalogue::has;
        let missing: Vec<String> = ACTIONS
            .iter()
            .map(|a| format!("audit.action.{a}"))
            .chain(TARGET_TYPES.iter().map(|t| format!("audit.type.{t}")))
            .chain(groups().into_iter().map(|g| format!("audit.group.{g}")))
            .filter(|k| !has(k))
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
        assert!(ACTIONS.windows(2).all(|w| w[0] < w[1]), "sorted, once each: groups() relies on it");
        assert_eq!(group("account.create"), "account");
        assert_eq!(group("logout"), "logout");
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
