//! Telling people what concerns them. Messages (消息) are written by the use case that makes
//! the change, inside its unit of work, so a return and the message about it commit together;
//! each keeps a message key and arguments and is read in the reader's language. To-dos (待办)
//! are not stored: each capability derives its own from workflow states in the caller's scope
//! ([`todos`] lists them, one line per capability).
//!
//! A message may also leave the platform by e-mail or SMS: [`send`] queues those copies in the
//! same unit of work ([`delivery`]), by the channels the city configured ([`channel`]) and the
//! person chose ([`preferences`]).

pub mod channel;
pub mod delivery;
pub mod preferences;

use serde_json::{Map, Value};
use sheji_core::identity::{Principal, Role};
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::notification::{MessageKind, Todo};
use sheji_core::page::{Page, PageRequest};
use sheji_store::Tx;
pub use sheji_store::notification::Message;
use sheji_store::notification::{self as store, NewMessage};

use crate::{ServiceError, Services};

/// Who a message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// One account.
    Account(AccountId),
    /// An organization's administrators.
    OrgAdmins(OrganizationId),
    /// A district's branch staff.
    DistrictStaff(DistrictId),
    /// Everyone holding a city-wide role (the city's officers, headquarters staff).
    Role(Role),
}

/// What a message says and where it leads.
#[derive(Debug, Clone)]
pub struct Note {
    /// Why it is sent.
    pub kind: MessageKind,
    /// Message key of its text.
    pub key: &'static str,
    /// The key's arguments.
    pub args: Vec<(&'static str, String)>,
    /// Where to act or read more.
    pub href: String,
    /// For a reminder: a key (with the recipient added) that keeps it from going out twice.
    pub once: Option<String>,
}

/// At most this many recipients of one audience (an organization has a few administrators, a
/// district a few officers).
const MAX_RECIPIENTS: u64 = 50;

/// Sends `note` to everyone in `to`, inside the caller's unit of work, with its e-mail and
/// SMS copies queued in the same commit (sent afterwards by jobs, so a mail server or gateway
/// that is down never delays or fails the step); how many messages were written.
pub async fn send(
    tx: &Tx,
    now: chrono::DateTime<chrono::Utc>,
    to: &[Audience],
    note: &Note,
) -> Result<u64, ServiceError> {
    let mut accounts = Vec::new();
    for audience in to {
        let found = match *audience {
            Audience::Account(a) => vec![a],
            Audience::OrgAdmins(o) => {
                crate::identity::holders(tx, Role::OrgAdmin, Some(o), None, now, MAX_RECIPIENTS).await?
            }
            Audience::DistrictStaff(d) => {
                crate::identity::holders(tx, Role::BranchStaff, None, Some(d), now, MAX_RECIPIENTS).await?
            }
            Audience::Role(role) => crate::identity::holders(tx, role, None, None, now, MAX_RECIPIENTS).await?,
        };
        for a in found {
            if !accounts.contains(&a) {
                accounts.push(a);
            }
        }
    }
    let args: Map<String, Value> = note.args.iter().map(|(k, v)| ((*k).to_owned(), Value::String(v.clone()))).collect();
    let args = Value::Object(args).to_string();
    let messages: Vec<NewMessage> = accounts
        .into_iter()
        .map(|account| NewMessage {
            account,
            kind: note.kind,
            key: note.key.to_owned(),
            args: args.clone(),
            href: note.href.clone(),
            dedupe_key: note.once.as_ref().map(|k| format!("{k}:{account}")),
        })
        .collect();
    let written = store::insert(tx, &messages, now).await?;
    delivery::queue(tx, now, note.kind, &written).await?;
    Ok(u64::try_from(written.len()).unwrap_or(u64::MAX))
}

/// What the caller may do with the platform's outgoing messages: pages show exactly this,
/// and the use cases check the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationActions {
    /// Read the delivery log, configure the channels, send tests and resend (administrators:
    /// those who change the platform's settings).
    pub deliveries: bool,
}

/// The caller's notification actions.
pub fn actions(services: &Services, caller: &Principal) -> NotificationActions {
    NotificationActions { deliveries: crate::identity::actions(services, caller).settings }
}

/// A message as its reader reads it.
#[derive(Debug, Clone)]
pub struct MessageView {
    /// The stored message.
    pub message: Message,
    /// Its text in the reader's language.
    pub text: String,
}

/// Renders a stored message in `lang`; a key the catalogue no longer has reads as itself.
pub fn text(message: &Message, lang: sheji_core::i18n::Lang) -> String {
    let args: Map<String, Value> = serde_json::from_str(&message.args).unwrap_or_default();
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default())).collect();
    lang.tf(&message.key, &pairs)
}

/// A page of the caller's messages, newest first.
pub async fn messages(
    services: &Services,
    caller: &Principal,
    unread: bool,
    page: PageRequest,
    lang: sheji_core::i18n::Lang,
) -> Result<Page<MessageView>, ServiceError> {
    let p = store::list(services.store(), caller.account, unread, page).await?;
    Ok(p.map(|m| MessageView { text: text(&m, lang), message: m }))
}

/// How many of the caller's messages are unread.
pub async fn unread(services: &Services, caller: &Principal) -> Result<u64, ServiceError> {
    Ok(store::unread(services.store(), caller.account).await?)
}

/// Marks one of the caller's messages read; where it leads (`None` if it is not theirs).
pub async fn open(services: &Services, caller: &Principal, id: i32) -> Result<Option<String>, ServiceError> {
    let tx = services.store().begin().await?;
    store::mark_read(&tx, caller.account, id, services.now()).await?;
    tx.commit().await?;
    services.attention_changed();
    Ok(store::find(services.store(), caller.account, id).await?.map(|m| m.href))
}

/// Marks all the caller's messages read.
pub async fn read_all(services: &Services, caller: &Principal) -> Result<u64, ServiceError> {
    let tx = services.store().begin().await?;
    let n = store::mark_all_read(&tx, caller.account, services.now()).await?;
    tx.commit().await?;
    services.attention_changed();
    Ok(n)
}

/// The actions waiting for the caller, most urgent first: each capability's own, one line each.
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    let mut all = Vec::new();
    all.extend(crate::recognition::todos(services, caller).await?);
    all.extend(crate::review::todos(services, caller).await?);
    all.extend(crate::registry::library::todos(services, caller).await?);
    all.extend(crate::identity::todos(services, caller).await?);
    all.extend(crate::service::todos(services, caller).await?);
    all.extend(crate::matchmaking::todos(services, caller).await?);
    all.extend(crate::cooperation::todos(services, caller).await?);
    all.extend(crate::event::todos(services, caller).await?);
    Todo::sort(&mut all);
    Ok(all)
}

/// The caller's unread messages and to-dos, for the header on every page (counted at most
/// every few seconds per person).
pub async fn attention(services: &Services, caller: &Principal) -> Result<(u64, usize), ServiceError> {
    if let Some(counts) = services.cached_attention(caller.account) {
        return Ok(counts);
    }
    let counts = (unread(services, caller).await?, todos(services, caller).await?.len());
    services.remember_attention(caller.account, counts);
    Ok(counts)
}
