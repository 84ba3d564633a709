//! Copies of messages that leave the platform. [`queue`] runs inside the unit of work that
//! writes the in-site message: for each recipient and each channel the platform has switched
//! on, that the person can be reached by and has not turned off, it writes a delivery row and
//! one `notification.deliver` job, so the message, its deliveries and their jobs commit (or
//! roll back) with the workflow change. [`run`] is that job: it renders the message in the
//! recipient's language, sends it outside any transaction, and records the outcome; a failure
//! is retried by the queue on the delivery policy's steps, then given up, and an
//! administrator may [`resend`] it. Administrators read the log ([`deliveries`]) and check a
//! channel by sending themselves a test ([`send_test`]).

use serde::Deserialize;
use serde_json::{Map, Value, json};
use sheji_core::i18n::Lang;
use sheji_core::identity::{Principal, mask_phone};
use sheji_core::ids::AccountId;
use sheji_core::job::RetryPolicy;
use sheji_core::notification::MessageKind;
use sheji_core::notification::delivery::{Channel, DeliveryStatus, Failure, FailureCause, wants};
use sheji_core::page::{Page, PageRequest};
use sheji_store::notification::delivery::{self as store, NewDelivery};
pub use sheji_store::notification::delivery::{Delivery, DeliveryFilter};
use sheji_store::notification::{self as messages, NewMessage};
use sheji_store::{Db, Tx};

use super::channel::{self, Sms};
use crate::audit::{Actor, Change};
use crate::identity::Contact;
use crate::work::Work;
use crate::{ServiceError, Services};

/// Writes one delivery and its job inside `tx`; the delivery's id.
async fn queue_one(tx: &Tx, now: chrono::DateTime<chrono::Utc>, new: &NewDelivery) -> Result<i32, ServiceError> {
    let id = store::insert_delivery(tx, new, now).await?;
    crate::job::enqueue_in(tx, crate::job::DELIVER, AccountId(0), &json!({ "delivery": id }), now).await?;
    Ok(id)
}

/// Queues the deliveries of messages just written in `tx` (`written`: recipient and message
/// id), by every channel that is switched on, reaches the person and that they want for
/// `kind`. Reads and writes only the database, so it never slows or fails the workflow.
pub(crate) async fn queue(
    tx: &Tx,
    now: chrono::DateTime<chrono::Utc>,
    kind: MessageKind,
    written: &[(AccountId, i32)],
) -> Result<usize, ServiceError> {
    if written.is_empty() {
        return Ok(0);
    }
    let (email_on, sms_on) = channel::switched_on(tx).await?;
    if !email_on && !sms_on {
        return Ok(0);
    }
    let accounts: Vec<AccountId> = written.iter().map(|(a, _)| *a).collect();
    let contacts = crate::identity::contacts(tx, &accounts).await?;
    let choices = store::choices(tx, &accounts).await?;
    let mut queued = 0;
    for (account, message) in written {
        let Some(contact) = contacts.iter().find(|c| c.account == *account && c.active) else { continue };
        for channel in Channel::ALL.iter().copied() {
            let (on, recipient) = match channel {
                Channel::Email => (email_on, contact.email.clone()),
                // The number stays encrypted until the job sends the message.
                Channel::Sms => (sms_on, contact.phone_enc.as_ref().map(|_| String::new())),
            };
            let Some(recipient) = recipient else { continue };
            let chosen = choices
                .iter()
                .find(|c| c.account == *account && c.kind == kind && c.channel == channel)
                .map(|c| c.enabled);
            if !on || !wants(kind, channel, chosen) {
                continue;
            }
            let new = NewDelivery { message: *message, account: *account, kind, channel, recipient };
            queue_one(tx, now, &new).await?;
            queued += 1;
        }
    }
    Ok(queued)
}

#[derive(Debug, Deserialize)]
struct Payload {
    delivery: i32,
}

/// The job: one attempt at one delivery (`attempt` counts from 1 for its job). Sends, then
/// records the outcome in a short transaction of its own. A failure that waiting may cure is
/// returned as an error so the queue tries again at the time recorded with the delivery; one
/// that it cannot, or the last one, leaves the delivery given up.
pub(crate) async fn run(
    services: &Services,
    payload: &str,
    attempt: u32,
    policy: RetryPolicy,
) -> Result<String, ServiceError> {
    let p: Payload = serde_json::from_str(payload)
        .map_err(|e| ServiceError::Invalid { key: "job.bad_payload", args: vec![("detail", e.to_string())] })?;
    let d = store::find_delivery(services.store(), p.delivery)
        .await?
        .ok_or(ServiceError::NotFound { key: "notification.delivery.not_found" })?;
    // A job retaken after its node died may find its delivery already done.
    if d.status.is_final() {
        return Ok(status_label(Lang::Zh, d.status).to_owned());
    }
    let outcome = attempt_once(services, &d).await?;
    let now = services.now();
    // Bookkeeping of the queue: the outcome of an attempt, not a person's change.
    let tx = services.store().begin().await?;
    let result = match outcome {
        Ok(recipient) => {
            store::record_sent(&tx, d.id, &recipient, now).await?;
            Ok(Lang::Zh.tf("notification.delivery.sent_to", &[("recipient", &recipient)]))
        }
        Err((failure, recipient)) => {
            let next = if failure.permanent { None } else { policy.retry_at(attempt, now) };
            store::record_failure(&tx, d.id, &recipient, &failure.stored(), next, now).await?;
            let error = error_text(Lang::Zh, &failure.stored());
            if next.is_none() && attempt < policy.max_attempts {
                // Given up at once: the job is over, and says why.
                Ok(Lang::Zh.tf("notification.delivery.given_up_because", &[("error", &error)]))
            } else {
                Err(ServiceError::Invalid { key: "notification.delivery.attempt_failed", args: vec![("error", error)] })
            }
        }
    };
    tx.commit().await?;
    result
}

/// A failed attempt and the address it was for (empty when it failed before reading one).
type Attempt = Result<String, (Failure, String)>;

/// Renders and sends one delivery; the address used, or why it failed. Only database errors
/// come back as errors (the delivery is then left as it was and the job retried).
async fn attempt_once(services: &Services, d: &Delivery) -> Result<Attempt, ServiceError> {
    let known = d.recipient.clone();
    let fail = |cause: FailureCause| Ok(Err((Failure::permanent(cause), known.clone())));
    let Some((_, message)) = messages::find_any(services.store(), d.message).await? else {
        return Err(ServiceError::NotFound { key: "notification.delivery.not_found" });
    };
    let contact = crate::identity::contacts(services.store(), &[d.account]).await?.into_iter().next();
    let Some(contact) = contact.filter(|c| c.active) else { return fail(FailureCause::Inactive) };
    let lang = language(services.store(), d.account).await?;
    let link = link(services, &message.href).await?;
    let text = super::text(&message, lang);
    let mut args: Vec<(String, String)> = serde_json::from_str::<Map<String, Value>>(&message.args)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
        .collect();
    args.push(("text".to_owned(), text));
    args.push(("link".to_owned(), link));
    match d.channel {
        Channel::Email => Ok(email(services, d, &contact, lang, args).await),
        Channel::Sms => Ok(sms(services, d, &contact, args).await),
    }
}

async fn email(
    services: &Services,
    d: &Delivery,
    contact: &Contact,
    lang: Lang,
    mut args: Vec<(String, String)>,
) -> Attempt {
    let known = d.recipient.clone();
    let smtp = match channel::smtp(services).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err((Failure::permanent(FailureCause::NotConfigured), known)),
        Err(f) => return Err((f, known)),
    };
    let Some(to) = contact.email.clone() else { return Err((Failure::permanent(FailureCause::NoAddress), known)) };
    args.push(("name".to_owned(), contact.display_name.clone()));
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let subject = lang.tf(&format!("notification.mail.{}.subject", d.kind.code()), &pairs);
    let body = lang.tf(&format!("notification.mail.{}.body", d.kind.code()), &pairs);
    match channel::send_email(&smtp, &to, &subject, body).await {
        Ok(()) => Ok(to),
        Err(f) => Err((f, to)),
    }
}

async fn sms(services: &Services, d: &Delivery, contact: &Contact, args: Vec<(String, String)>) -> Attempt {
    let known = d.recipient.clone();
    let gateway = match channel::gateway(services).await {
        Ok(Some(g)) => g,
        Ok(None) => return Err((Failure::permanent(FailureCause::NotConfigured), known)),
        Err(f) => return Err((f, known)),
    };
    let Some(template) = gateway.template(d.kind) else {
        return Err((Failure::permanent(FailureCause::NoTemplate), known));
    };
    let Some(phone_enc) = &contact.phone_enc else {
        return Err((Failure::permanent(FailureCause::NoAddress), known));
    };
    // The one place a phone number is decrypted for a message: here, to send it.
    let Ok(phone) = services.secrets().decrypt(phone_enc) else {
        return Err((Failure::permanent(FailureCause::Unreadable), known));
    };
    let masked = mask_phone(&phone);
    let Ok(nonce) = crate::crypto::random_token(12) else {
        return Err((Failure::new(FailureCause::Gateway, "no randomness", false), masked));
    };
    let sms = Sms {
        phone: &phone,
        template,
        params: args.into_iter().map(|(k, v)| (k, Value::String(v))).collect(),
        timestamp: services.now().timestamp(),
        nonce,
    };
    match channel::send_sms(&gateway, sms).await {
        Ok(()) => Ok(masked),
        Err(f) => Err((f, masked)),
    }
}

/// The language a person reads their e-mails and text messages in: their choice, else
/// Chinese (accounts keep no language of their own).
async fn language(db: &impl Db, account: AccountId) -> Result<Lang, ServiceError> {
    Ok(store::language(db, account).await?.and_then(|t| Lang::from_tag(&t)).unwrap_or(Lang::Zh))
}

/// The absolute address of a message's page (its messages list if the stored path is not
/// one of ours).
async fn link(services: &Services, href: &str) -> Result<String, ServiceError> {
    let path = if href.starts_with('/') && !href.starts_with("//") { href } else { "/messages" };
    crate::identity::absolute_url(services, path).await
}

/// A delivery status in `lang`.
pub fn status_label(lang: Lang, status: DeliveryStatus) -> &'static str {
    lang.t(match status {
        DeliveryStatus::Queued => "notification.delivery.status.queued",
        DeliveryStatus::Sent => "notification.delivery.status.sent",
        DeliveryStatus::Failed => "notification.delivery.status.failed",
        DeliveryStatus::GivenUp => "notification.delivery.status.given_up",
    })
}

/// A stored failure (`cause:detail`) as a sentence in `lang`: the cause in words, with what
/// the server said.
pub fn error_text(lang: Lang, stored: &str) -> String {
    match Failure::parse_stored(stored) {
        (Some(cause), detail) => {
            let key = format!("notification.error.{}", cause.code());
            let text = lang.t(&key).to_owned();
            if detail.trim().is_empty() { text } else { lang.tf("page.paren", &[("text", &text), ("detail", detail)]) }
        }
        (None, detail) => detail.to_owned(),
    }
}

fn require_admin(services: &Services, caller: &Principal) -> Result<(), ServiceError> {
    if super::actions(services, caller).deliveries { Ok(()) } else { Err(ServiceError::Forbidden) }
}

/// A page of the delivery log, newest first (administrators).
pub async fn deliveries(
    services: &Services,
    caller: &Principal,
    filter: &DeliveryFilter,
    page: PageRequest,
) -> Result<Page<Delivery>, ServiceError> {
    require_admin(services, caller)?;
    Ok(store::list_deliveries(services.store(), filter, page).await?)
}

/// Sends a given-up delivery again (administrators): it is queued with a fresh job, whose
/// attempts start over.
pub async fn resend(services: &Services, caller: &Principal, id: i32, ip: &str) -> Result<(), ServiceError> {
    require_admin(services, caller)?;
    let d = store::find_delivery(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "notification.delivery.not_found" })?;
    if !d.status.may_resend() {
        return Err(ServiceError::Conflict { key: "notification.delivery.not_given_up" });
    }
    let now = services.now();
    let work = Work::begin(services).await?;
    if !store::requeue(&work, id, now).await? {
        return Err(ServiceError::Conflict { key: "notification.delivery.not_given_up" });
    }
    crate::job::enqueue_in(&work, crate::job::DELIVER, AccountId(0), &json!({ "delivery": id }), now).await?;
    let change = Change {
        action: "notification.resend",
        target_type: "delivery",
        target_id: id.to_string(),
        before: json!({"status": d.status.code(), "attempts": d.attempts}),
        after: json!({"status": DeliveryStatus::Queued.code()}),
    };
    work.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Queues a test message to the administrator's own e-mail address or phone by `channel`,
/// whatever they chose for other messages; the outcome shows in the log. The delivery's id.
pub async fn send_test(
    services: &Services,
    caller: &Principal,
    channel: Channel,
    ip: &str,
) -> Result<i32, ServiceError> {
    require_admin(services, caller)?;
    let (email_on, sms_on) = channel::switched_on(services.store()).await?;
    let on = match channel {
        Channel::Email => email_on,
        Channel::Sms => sms_on,
    };
    if !on {
        return Err(ServiceError::Conflict { key: "notification.test.not_configured" });
    }
    let contact = crate::identity::contacts(services.store(), &[caller.account]).await?.into_iter().next();
    let recipient = match (channel, contact) {
        (Channel::Email, Some(Contact { email: Some(e), .. })) => e,
        (Channel::Sms, Some(Contact { phone_enc: Some(_), .. })) => String::new(),
        (Channel::Email, _) => return Err(ServiceError::Conflict { key: "notification.test.no_email" }),
        (Channel::Sms, _) => return Err(ServiceError::Conflict { key: "notification.test.no_phone" }),
    };
    let now = services.now();
    let work = Work::begin(services).await?;
    let message = NewMessage {
        account: caller.account,
        kind: MessageKind::Test,
        key: "notification.msg.test".to_owned(),
        args: "{}".to_owned(),
        href: "/admin/deliveries".to_owned(),
        dedupe_key: None,
    };
    let written = messages::insert(&work, &[message], now).await?;
    let Some((_, message)) = written.first().copied() else {
        return Err(ServiceError::Conflict { key: "notification.delivery.not_found" });
    };
    let new = NewDelivery { message, account: caller.account, kind: MessageKind::Test, channel, recipient };
    let id = queue_one(&work, now, &new).await?;
    let change = Change {
        action: "notification.test",
        target_type: "delivery",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"channel": channel.code()}),
    };
    work.commit(&Actor::of(caller, ip), change).await?;
    services.attention_changed();
    Ok(id)
}
