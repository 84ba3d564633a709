//! Messages that leave the platform: the channels besides the in-site inbox (e-mail, SMS),
//! what a person receives when they have not chosen, where a delivery stands and why it
//! failed, the signature the SMS gateway checks, and the checks on the channel settings an
//! administrator types. Pure: the service sends, the store records.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::MessageKind;

crate::coded_enum! {
    /// A way a message reaches a person outside the platform (in-site messages are always
    /// written and are not a choice).
    pub enum Channel {
        /// E-mail through the city's SMTP server.
        Email = "email",
        /// A text message through the city's SMS gateway.
        Sms = "sms",
    }
}

/// Whether a person receives `kind` by `channel` when they have not chosen: every e-mail yes
/// (free, and read when convenient), text messages no (each one costs the city and
/// interrupts; people ask for them).
pub fn default_choice(_kind: MessageKind, channel: Channel) -> bool {
    match channel {
        Channel::Email => true,
        Channel::Sms => false,
    }
}

/// Whether a person receives `kind` by `channel`: their own choice where they made one, else
/// the default.
pub fn wants(kind: MessageKind, channel: Channel, chosen: Option<bool>) -> bool {
    chosen.unwrap_or_else(|| default_choice(kind, channel))
}

crate::coded_enum! {
    /// Whether a channel can reach a person, as their notification page explains it.
    pub enum Availability {
        /// Configured by the platform, and the person has an address for it.
        Available = "available",
        /// The person has not given an e-mail address (or phone number).
        NoAddress = "no_address",
        /// The platform has not switched this channel on.
        NotConfigured = "not_configured",
    }
}

/// Whether a channel can reach a person: the platform's switch comes first (a person can do
/// nothing about it), then their own address.
pub fn availability(configured: bool, has_address: bool) -> Availability {
    match (configured, has_address) {
        (false, _) => Availability::NotConfigured,
        (true, false) => Availability::NoAddress,
        (true, true) => Availability::Available,
    }
}

crate::coded_enum! {
    /// Where one delivery (one message by one channel) stands.
    pub enum DeliveryStatus {
        /// Waiting for its job.
        Queued = "queued",
        /// Accepted by the mail server or the gateway.
        Sent = "sent",
        /// The last attempt failed; it is tried again at its next attempt time.
        Failed = "failed",
        /// No more attempts (every attempt failed, or the failure cannot be cured by waiting).
        GivenUp = "given_up",
    }
}

impl DeliveryStatus {
    /// Badge class (DESIGN.md: in progress blue, needs action amber, passed green, red for
    /// what did not happen).
    pub fn badge(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "progress",
            DeliveryStatus::Sent => "passed",
            DeliveryStatus::Failed => "action",
            DeliveryStatus::GivenUp => "rejected",
        }
    }

    /// Whether an administrator may send it again: only once the queue has given up on it
    /// (a failed one is still being retried).
    pub fn may_resend(self) -> bool {
        self == DeliveryStatus::GivenUp
    }

    /// Whether the job has nothing left to do for it.
    pub fn is_final(self) -> bool {
        matches!(self, DeliveryStatus::Sent | DeliveryStatus::GivenUp)
    }
}

crate::coded_enum! {
    /// Why an attempt failed, kept with a short technical detail so the log says it in the
    /// reader's language.
    pub enum FailureCause {
        /// The mail server refused or could not be reached.
        Smtp = "smtp",
        /// The SMS gateway refused or could not be reached.
        Gateway = "gateway",
        /// The recipient has no e-mail address or phone number (any more).
        NoAddress = "no_address",
        /// The channel was switched off after the message was queued.
        NotConfigured = "not_configured",
        /// The gateway has no template for this kind of message.
        NoTemplate = "no_template",
        /// The recipient's account is no longer active.
        Inactive = "inactive",
        /// A stored secret or phone number cannot be decrypted with this node's key.
        Unreadable = "unreadable",
    }
}

/// The longest error kept with a delivery.
pub const MAX_ERROR_CHARS: usize = 200;

/// A failed attempt: why, a short detail, and whether waiting can cure it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Why.
    pub cause: FailureCause,
    /// What the server said, first line only (never a secret: the caller passes what the
    /// server or the library reported, not what was sent).
    pub detail: String,
    /// Whether another attempt cannot succeed (a refused address, a missing template).
    pub permanent: bool,
}

impl Failure {
    /// A failure of `cause` with `detail`.
    pub fn new(cause: FailureCause, detail: impl std::fmt::Display, permanent: bool) -> Self {
        let detail = detail.to_string();
        let first = detail.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
        Self { cause, detail: first.chars().take(MAX_ERROR_CHARS - 20).collect(), permanent }
    }

    /// A failure waiting cannot cure, with no detail.
    pub fn permanent(cause: FailureCause) -> Self {
        Self::new(cause, "", true)
    }

    /// As stored: `cause:detail`, at most [`MAX_ERROR_CHARS`] characters.
    pub fn stored(&self) -> String {
        format!("{}:{}", self.cause.code(), self.detail).chars().take(MAX_ERROR_CHARS).collect()
    }

    /// Reads a stored error back into its cause and detail (an unknown cause keeps the whole
    /// text as detail).
    pub fn parse_stored(stored: &str) -> (Option<FailureCause>, &str) {
        match stored.split_once(':') {
            Some((code, detail)) if FailureCause::parse(code).is_some() => (FailureCause::parse(code), detail),
            _ => (None, stored),
        }
    }
}

/// When the SMS gateway answers with `status`, whether trying again later can help: a server
/// error, a timeout or "too many requests" yes; any other refusal means the request itself is
/// wrong (a bad template, a bad signature) and is given up at once.
pub fn gateway_retryable(status: u16) -> bool {
    status >= 500 || status == 408 || status == 429
}

/// The hex HMAC-SHA256 of `body` under `secret`: the `X-Sheji-Signature` the gateway checks.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes a key of any length, so the constructor cannot fail; an empty signature
    // would be refused by the gateway rather than accepted.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return String::new() };
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

crate::coded_enum! {
    /// How the connection to the mail server is protected.
    pub enum SmtpSecurity {
        /// Plain connection upgraded with STARTTLS (port 587), the usual submission port.
        StartTls = "starttls",
        /// TLS from the first byte (port 465).
        Tls = "tls",
        /// No encryption: only for a relay on the same machine or network (port 25).
        Plain = "plain",
    }
}

impl SmtpSecurity {
    /// The usual port, used when the administrator leaves the port empty.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Plain => 25,
        }
    }
}

/// A mail server's host name or address: letters, digits, dots, hyphens (and the brackets
/// and colons of an IPv6 literal), at most 253 characters. The error is the message key.
pub fn check_host(host: &str) -> Result<(), &'static str> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if host.is_empty() || host.len() > 253 || !host.chars().all(ok) || host.starts_with(['.', '-']) {
        return Err("notification.settings.host_invalid");
    }
    Ok(())
}

/// The gateway's address: `http(s)://host[:port][/path][?query]`, at most 300 characters.
/// Plain http is allowed for a gateway inside the city's network. The error is the message
/// key.
pub fn check_endpoint(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("notification.settings.endpoint_scheme")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '@' | '\\' | '"' | '<' | '>');
    if host.is_empty() || host.starts_with(':') || url.chars().any(bad) || url.len() > 300 {
        return Err("notification.settings.endpoint_invalid");
    }
    Ok(())
}

/// A gateway template id: 1–64 letters, digits, `_`, `-` or `.` (as SMS providers name
/// them, e.g. `SMS_123456`). The error is the message key.
pub fn check_template(id: &str) -> Result<(), &'static str> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if id.is_empty() || id.len() > 64 || !id.chars().all(ok) {
        return Err("notification.settings.template_invalid");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_is_on_and_sms_off_until_a_person_chooses() {
        assert!(wants(MessageKind::Returned, Channel::Email, None));
        assert!(!wants(MessageKind::Returned, Channel::Sms, None));
        assert!(!wants(MessageKind::Returned, Channel::Email, Some(false)));
        assert!(wants(MessageKind::Decided, Channel::Sms, Some(true)));
        assert!(MessageKind::choosable().all(|k| k != MessageKind::Test));
    }

    #[test]
    fn the_platform_switch_is_named_before_the_address() {
        assert_eq!(availability(false, false), Availability::NotConfigured);
        assert_eq!(availability(false, true), Availability::NotConfigured);
        assert_eq!(availability(true, false), Availability::NoAddress);
        assert_eq!(availability(true, true), Availability::Available);
    }

    #[test]
    fn only_a_given_up_delivery_may_be_sent_again() {
        let may: Vec<_> = DeliveryStatus::ALL.iter().filter(|s| s.may_resend()).collect();
        assert_eq!(may, [&DeliveryStatus::GivenUp]);
    }

    #[test]
    fn failures_are_kept_short_with_their_cause() {
        let f = Failure::new(FailureCause::Gateway, format!("\n  HTTP 500: {}\nsecond line", "x".repeat(400)), false);
        let stored = f.stored();
        assert!(stored.starts_with("gateway:HTTP 500: xxx"));
        assert!(stored.chars().count() <= MAX_ERROR_CHARS);
        assert!(!stored.contains("second line"));
        assert_eq!(Failure::parse_stored("smtp:refused"), (Some(FailureCause::Smtp), "refused"));
        assert_eq!(Failure::parse_stored("odd: text"), (None, "odd: text"));
    }

    #[test]
    fn the_gateway_is_retried_only_when_waiting_can_help() {
        assert!(gateway_retryable(500) && gateway_retryable(503) && gateway_retryable(429) && gateway_retryable(408));
        assert!(!gateway_retryable(400) && !gateway_retryable(401) && !gateway_retryable(404));
    }

    #[test]
    fn the_signature_is_hmac_sha256_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn settings_are_checked_before_they_are_stored() {
        assert_eq!(check_host("smtp.cq.gov.cn"), Ok(()));
        assert_eq!(check_host("127.0.0.1"), Ok(()));
        assert!(check_host("").is_err() && check_host("smtp host").is_err() && check_host("-x").is_err());
        assert_eq!(check_endpoint("https://sms.example.cn/api/send?v=2"), Ok(()));
        assert_eq!(check_endpoint("http://127.0.0.1:9000/sms"), Ok(()));
        assert_eq!(check_endpoint("ftp://x"), Err("notification.settings.endpoint_scheme"));
        assert_eq!(check_endpoint("https://"), Err("notification.settings.endpoint_invalid"));
        assert_eq!(check_endpoint("https://user@evil.cn"), Err("notification.settings.endpoint_invalid"));
        assert_eq!(check_template("SMS_123456"), Ok(()));
        assert!(check_template("").is_err() && check_template("模板").is_err());
        assert_eq!(SmtpSecurity::StartTls.default_port(), 587);
    }
}
