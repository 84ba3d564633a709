//! The channels a message leaves the platform by, as the city configures them: e-mail through
//! its SMTP server (STARTTLS, implicit TLS, or plain for a relay on its own network; AUTH when
//! a username is set) and text messages through its SMS gateway (a signed JSON POST, one
//! template per kind of message). Each channel is off until an administrator switches it on.
//!
//! The settings are two JSON values in the platform's settings table (`notification.email`,
//! `notification.sms`), written through the identity service; the SMTP password and the
//! gateway secret are kept encrypted and never shown back. Sending is done here, only from
//! the delivery job, never inside a transaction: a slow or unreachable server holds no lock
//! and fails no workflow.

use std::collections::BTreeMap;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sheji_core::identity::{Principal, valid_email};
use sheji_core::notification::MessageKind;
use sheji_core::notification::delivery::{
    self as rules, Failure, FailureCause, SmtpSecurity, check_endpoint, check_host, check_template,
};
use sheji_store::Db;

use crate::audit::{Actor, Change};
use crate::work::Work;
use crate::{FieldError, ServiceError, Services};

/// Setting: the SMTP server (JSON: enabled, host, port, security, username, password_enc, from).
pub const EMAIL_SETTING: &str = "notification.email";
/// Setting: the SMS gateway (JSON: enabled, endpoint, secret_enc, templates by kind).
pub const SMS_SETTING: &str = "notification.sms";

/// How long one attempt may talk to a server: well inside a job's lease, so a hanging server
/// costs one attempt, not a stuck worker.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct StoredEmail {
    enabled: bool,
    host: String,
    port: u16,
    security: String,
    username: String,
    password_enc: String,
    from: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct StoredSms {
    enabled: bool,
    endpoint: String,
    secret_enc: String,
    templates: BTreeMap<String, String>,
}

/// A stored setting, or the default (off) when it is absent or unreadable.
async fn stored<T: Default + serde::de::DeserializeOwned>(db: &impl Db, key: &str) -> Result<T, ServiceError> {
    let raw = crate::identity::setting_in(db, key).await?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

/// Which channels the platform has switched on: (e-mail, SMS), read on `db` (the caller's
/// transaction when it queues deliveries).
pub(crate) async fn switched_on(db: &impl Db) -> Result<(bool, bool), ServiceError> {
    let email: StoredEmail = stored(db, EMAIL_SETTING).await?;
    let sms: StoredSms = stored(db, SMS_SETTING).await?;
    Ok((email.enabled, sms.enabled))
}

/// The channel settings as the administrators' page shows them: secrets only as "set or not".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSettings {
    /// E-mail switched on.
    pub email_enabled: bool,
    /// The SMTP server.
    pub email_host: String,
    /// Its port (0: not set).
    pub email_port: u16,
    /// How the connection is protected.
    pub email_security: SmtpSecurity,
    /// The AUTH user (empty: no AUTH).
    pub email_username: String,
    /// Whether a password is stored.
    pub email_password_set: bool,
    /// The sender address.
    pub email_from: String,
    /// SMS switched on.
    pub sms_enabled: bool,
    /// The gateway's address.
    pub sms_endpoint: String,
    /// Whether a signature secret is stored.
    pub sms_secret_set: bool,
    /// The gateway's template id for each kind of message (empty: not set).
    pub sms_templates: Vec<(MessageKind, String)>,
}

/// The channel settings as an administrator typed them. An empty password or secret keeps
/// the stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSettingsInput {
    /// Switch e-mail on.
    pub email_enabled: bool,
    /// The SMTP server.
    pub email_host: String,
    /// Its port (`None`: the usual port of the chosen security).
    pub email_port: Option<u16>,
    /// How the connection is protected.
    pub email_security: SmtpSecurity,
    /// The AUTH user (empty: no AUTH).
    pub email_username: String,
    /// A new password (empty: keep).
    pub email_password: String,
    /// The sender address.
    pub email_from: String,
    /// Switch SMS on.
    pub sms_enabled: bool,
    /// The gateway's address.
    pub sms_endpoint: String,
    /// A new signature secret (empty: keep).
    pub sms_secret: String,
    /// The gateway's template id for each kind of message.
    pub sms_templates: Vec<(MessageKind, String)>,
}

/// The form field of a kind's SMS template.
pub fn template_field(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Returned => "sms_template_returned",
        MessageKind::Progressed => "sms_template_progressed",
        MessageKind::Rejected => "sms_template_rejected",
        MessageKind::Assigned => "sms_template_assigned",
        MessageKind::Publicity => "sms_template_publicity",
        MessageKind::Decided => "sms_template_decided",
        MessageKind::Objection => "sms_template_objection",
        MessageKind::Expiring => "sms_template_expiring",
        MessageKind::FollowUp => "sms_template_follow_up",
        MessageKind::Interest => "sms_template_interest",
        MessageKind::Deal => "sms_template_deal",
        MessageKind::Test => "sms_template_test",
    }
}

/// Every problem with typed settings that does not depend on what is stored: each value that
/// is given must be well formed, and a channel that is switched on needs its addresses.
pub fn check_settings(input: &ChannelSettingsInput) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let host = input.email_host.trim();
    if host.is_empty() {
        if input.email_enabled {
            errors.push(FieldError::new("email_host", "notification.settings.host_required"));
        }
    } else if let Err(key) = check_host(host) {
        errors.push(FieldError::new("email_host", key));
    }
    if input.email_port == Some(0) {
        errors.push(FieldError::new("email_port", "notification.settings.port_invalid"));
    }
    let from = input.email_from.trim();
    if from.is_empty() {
        if input.email_enabled {
            errors.push(FieldError::new("email_from", "notification.settings.from_required"));
        }
    } else if !valid_email(from) {
        errors.push(FieldError::new("email_from", "notification.settings.from_invalid"));
    }
    if input.email_username.trim().chars().count() > 128 {
        errors.push(FieldError::new("email_username", "notification.settings.username_long"));
    }
    if input.email_password.chars().count() > 256 {
        errors.push(FieldError::new("email_password", "notification.settings.secret_long"));
    }
    let endpoint = input.sms_endpoint.trim();
    if endpoint.is_empty() {
        if input.sms_enabled {
            errors.push(FieldError::new("sms_endpoint", "notification.settings.endpoint_required"));
        }
    } else if let Err(key) = check_endpoint(endpoint) {
        errors.push(FieldError::new("sms_endpoint", key));
    }
    if input.sms_secret.chars().count() > 256 {
        errors.push(FieldError::new("sms_secret", "notification.settings.secret_long"));
    }
    for (kind, id) in &input.sms_templates {
        let id = id.trim();
        if id.is_empty() {
            if input.sms_enabled {
                errors.push(FieldError::new(template_field(*kind), "notification.settings.template_required"));
            }
        } else if let Err(key) = check_template(id) {
            errors.push(FieldError::new(template_field(*kind), key));
        }
    }
    errors
}

fn require_admin(services: &Services, caller: &Principal) -> Result<(), ServiceError> {
    if super::actions(services, caller).deliveries { Ok(()) } else { Err(ServiceError::Forbidden) }
}

fn view(email: &StoredEmail, sms: &StoredSms) -> ChannelSettings {
    let security = SmtpSecurity::parse(&email.security).unwrap_or(SmtpSecurity::StartTls);
    ChannelSettings {
        email_enabled: email.enabled,
        email_host: email.host.clone(),
        email_port: email.port,
        email_security: security,
        email_username: email.username.clone(),
        email_password_set: !email.password_enc.is_empty(),
        email_from: email.from.clone(),
        sms_enabled: sms.enabled,
        sms_endpoint: sms.endpoint.clone(),
        sms_secret_set: !sms.secret_enc.is_empty(),
        sms_templates: MessageKind::ALL
            .iter()
            .map(|k| (*k, sms.templates.get(k.code()).cloned().unwrap_or_default()))
            .collect(),
    }
}

/// The channel settings (administrators).
pub async fn channel_settings(services: &Services, caller: &Principal) -> Result<ChannelSettings, ServiceError> {
    require_admin(services, caller)?;
    let email: StoredEmail = stored(services.store(), EMAIL_SETTING).await?;
    let sms: StoredSms = stored(services.store(), SMS_SETTING).await?;
    Ok(view(&email, &sms))
}

/// Changes the channel settings (administrators): every problem is reported at once and
/// nothing is stored until all are fixed; the password and the secret are encrypted, and the
/// audit record says only whether they changed.
pub async fn update_channel_settings(
    services: &Services,
    caller: &Principal,
    input: &ChannelSettingsInput,
    ip: &str,
) -> Result<(), ServiceError> {
    require_admin(services, caller)?;
    let before_email: StoredEmail = stored(services.store(), EMAIL_SETTING).await?;
    let before_sms: StoredSms = stored(services.store(), SMS_SETTING).await?;
    let mut errors = check_settings(input);
    let username = input.email_username.trim().to_owned();
    // AUTH needs a password: a new one, or the one stored for the same user.
    let keeps_password = input.email_password.is_empty() && username == before_email.username;
    if input.email_enabled
        && !username.is_empty()
        && input.email_password.is_empty()
        && (!keeps_password || before_email.password_enc.is_empty())
    {
        errors.push(FieldError::new("email_password", "notification.settings.password_required"));
    }
    if input.sms_enabled && input.sms_secret.is_empty() && before_sms.secret_enc.is_empty() {
        errors.push(FieldError::new("sms_secret", "notification.settings.secret_required"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let password_enc = match (username.is_empty(), input.email_password.is_empty()) {
        (true, _) => String::new(),
        (false, false) => services.secrets().encrypt(&input.email_password)?,
        (false, true) if keeps_password => before_email.password_enc.clone(),
        (false, true) => String::new(),
    };
    let email = StoredEmail {
        enabled: input.email_enabled,
        host: input.email_host.trim().to_owned(),
        port: input.email_port.unwrap_or_else(|| input.email_security.default_port()),
        security: input.email_security.code().to_owned(),
        username,
        password_enc,
        from: input.email_from.trim().to_owned(),
    };
    let sms = StoredSms {
        enabled: input.sms_enabled,
        endpoint: input.sms_endpoint.trim().to_owned(),
        secret_enc: if input.sms_secret.is_empty() {
            before_sms.secret_enc.clone()
        } else {
            services.secrets().encrypt(&input.sms_secret)?
        },
        templates: input
            .sms_templates
            .iter()
            .filter(|(_, id)| !id.trim().is_empty())
            .map(|(k, id)| (k.code().to_owned(), id.trim().to_owned()))
            .collect(),
    };
    // The trail says whether a secret is set or was changed, never what it is.
    let state = |set: bool, changed: bool| match (set, changed) {
        (_, true) => "changed",
        (true, false) => "set",
        (false, false) => "",
    };
    let audited = |e: &StoredEmail, s: &StoredSms, password: &str, secret: &str| {
        json!({
            "email": {"enabled": e.enabled, "host": e.host, "port": e.port, "security": e.security, "username": e.username, "from": e.from, "password": password},
            "sms": {"enabled": s.enabled, "endpoint": s.endpoint, "templates": s.templates, "secret": secret},
        })
    };
    let before = audited(
        &before_email,
        &before_sms,
        state(!before_email.password_enc.is_empty(), false),
        state(!before_sms.secret_enc.is_empty(), false),
    );
    let after = audited(
        &email,
        &sms,
        state(!email.password_enc.is_empty(), !email.password_enc.is_empty() && !input.email_password.is_empty()),
        state(!sms.secret_enc.is_empty(), !input.sms_secret.is_empty()),
    );
    let now = services.now();
    let work = Work::begin(services).await?;
    crate::identity::put_setting_in(&work, EMAIL_SETTING, &to_json(&email), now).await?;
    crate::identity::put_setting_in(&work, SMS_SETTING, &to_json(&sms), now).await?;
    let change = Change {
        action: "notification.settings",
        target_type: "setting",
        target_id: "notification".to_owned(),
        before,
        after,
    };
    work.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// A stored shape as JSON (one that cannot be written is stored as an empty object, which
/// reads back as "off").
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

/// The SMTP server as one attempt uses it (password decrypted for this attempt only).
pub(crate) struct Smtp {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
    password: String,
    from: String,
    /// The name this node gives in EHLO: the host of the platform's public address (servers
    /// want a real name rather than a bare address literal).
    hello: Option<String>,
}

/// The host of an `http(s)://host[:port]/…` address (none for an IPv6 literal, which EHLO
/// would need written differently).
fn host_of(address: &str) -> Option<String> {
    let rest = address.split_once("://").map_or(address, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => authority,
    };
    (check_host(host).is_ok() && !host.contains([':', '[', ']'])).then(|| host.to_owned())
}

/// The SMTP server, if e-mail is switched on.
pub(crate) async fn smtp(services: &Services) -> Result<Option<Smtp>, Failure> {
    let s: StoredEmail = stored(services.store(), EMAIL_SETTING)
        .await
        .map_err(|e| Failure::new(FailureCause::NotConfigured, e.code(), false))?;
    if !s.enabled {
        return Ok(None);
    }
    let password = if s.password_enc.is_empty() {
        String::new()
    } else {
        services.secrets().decrypt(&s.password_enc).map_err(|_| Failure::permanent(FailureCause::Unreadable))?
    };
    let security = SmtpSecurity::parse(&s.security).unwrap_or(SmtpSecurity::StartTls);
    let port = if s.port == 0 { security.default_port() } else { s.port };
    let hello = crate::identity::public_address(services).await.ok().as_deref().and_then(host_of);
    Ok(Some(Smtp { host: s.host, port, security, username: s.username, password, from: s.from, hello }))
}

/// Sends one e-mail. A refusal the server calls permanent (an unknown mailbox) is not retried.
pub(crate) async fn send_email(smtp: &Smtp, to: &str, subject: &str, body: String) -> Result<(), Failure> {
    let smtp_failure = |e: lettre::transport::smtp::Error| Failure::new(FailureCause::Smtp, &e, e.is_permanent());
    let builder = match smtp.security {
        SmtpSecurity::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(smtp_failure)?
        }
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(smtp_failure)?,
        SmtpSecurity::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
    };
    let mut builder = builder.port(smtp.port).timeout(Some(SEND_TIMEOUT));
    if let Some(hello) = &smtp.hello {
        builder = builder.hello_name(ClientId::Domain(hello.clone()));
    }
    if !smtp.username.is_empty() {
        builder = builder.credentials(Credentials::new(smtp.username.clone(), smtp.password.clone()));
    }
    let mailer = builder.build();
    let from: Mailbox = smtp.from.parse().map_err(|e| Failure::new(FailureCause::Smtp, e, true))?;
    let to: Mailbox = to.parse().map_err(|e| Failure::new(FailureCause::NoAddress, e, true))?;
    // Base64 keeps Chinese text and long links intact through any relay.
    let part = SinglePart::builder().header(ContentType::TEXT_PLAIN).header(ContentTransferEncoding::Base64).body(body);
    let email = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .singlepart(part)
        .map_err(|e| Failure::new(FailureCause::Smtp, e, true))?;
    mailer.send(email).await.map_err(smtp_failure)?;
    Ok(())
}

/// The SMS gateway as one attempt uses it (secret decrypted for this attempt only).
pub(crate) struct Gateway {
    endpoint: String,
    secret: String,
    templates: BTreeMap<String, String>,
}

impl Gateway {
    /// The gateway's template for a kind of message, if one is set.
    pub(crate) fn template(&self, kind: MessageKind) -> Option<&str> {
        self.templates.get(kind.code()).map(String::as_str).filter(|t| !t.is_empty())
    }
}

/// The SMS gateway, if SMS is switched on.
pub(crate) async fn gateway(services: &Services) -> Result<Option<Gateway>, Failure> {
    let s: StoredSms = stored(services.store(), SMS_SETTING)
        .await
        .map_err(|e| Failure::new(FailureCause::NotConfigured, e.code(), false))?;
    if !s.enabled {
        return Ok(None);
    }
    let secret = services.secrets().decrypt(&s.secret_enc).map_err(|_| Failure::permanent(FailureCause::Unreadable))?;
    Ok(Some(Gateway { endpoint: s.endpoint, secret, templates: s.templates }))
}

/// What the gateway receives: `{phone, template, params, timestamp, nonce}`.
pub(crate) struct Sms<'a> {
    /// The number, in clear.
    pub phone: &'a str,
    /// The gateway's template id.
    pub template: &'a str,
    /// The template's parameters.
    pub params: Map<String, Value>,
    /// Unix seconds, so the gateway can refuse an old request.
    pub timestamp: i64,
    /// A fresh random value, so the gateway can refuse a replayed one.
    pub nonce: String,
}

/// Sends one text message: a JSON POST signed with `X-Sheji-Signature: hex(HMAC-SHA256(secret,
/// body))`. Any 2xx is accepted; a server error, a timeout or "too many requests" is tried
/// again later, any other refusal is given up at once.
pub(crate) async fn send_sms(gateway: &Gateway, sms: Sms<'_>) -> Result<(), Failure> {
    let body = json!({
        "phone": sms.phone,
        "template": sms.template,
        "params": Value::Object(sms.params),
        "timestamp": sms.timestamp,
        "nonce": sms.nonce,
    })
    .to_string();
    let signature = rules::signature(gateway.secret.as_bytes(), body.as_bytes());
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .build()
        .map_err(|e| Failure::new(FailureCause::Gateway, e, false))?;
    let response = client
        .post(&gateway.endpoint)
        .header("content-type", "application/json")
        .header("x-sheji-signature", signature)
        .body(body)
        .send()
        .await
        // Connection refused, DNS, timeout: the gateway may be back later. The error names the
        // address, never the body (which holds the phone number).
        .map_err(|e| Failure::new(FailureCause::Gateway, e.without_url(), false))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let text: String = response.text().await.unwrap_or_default().chars().take(80).collect();
    let detail = format!("HTTP {} {}", status.as_u16(), text.trim());
    Err(Failure::new(FailureCause::Gateway, detail.trim(), !rules::gateway_retryable(status.as_u16())))
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_ehlo_name_is_the_public_host() {
        assert_eq!(host_of("https://sheji.cq.gov.cn"), Some("sheji.cq.gov.cn".to_owned()));
        assert_eq!(host_of("http://10.0.0.5:8080/sheji"), Some("10.0.0.5".to_owned()));
        assert_eq!(host_of("http://[::1]:8080"), None);
    }
}
