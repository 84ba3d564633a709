//! Copies of messages that leave the platform: one delivery per (message, channel), queued in
//! the transaction that writes the message and updated by the job that sends it, only from a
//! state it may leave (a delivery already sent is never marked failed by a late attempt); each
//! person's choice of channel per kind of message; the language they read them in.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sheji_core::ids::AccountId;
use sheji_core::notification::MessageKind;
use sheji_core::notification::delivery::{Channel, DeliveryStatus};
use sheji_core::page::{Page, PageRequest};

use crate::entity::{delivery, notification_choice, notification_profile};
use crate::{Db, StoreError, Tx};

/// A delivery to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// The in-site message it copies.
    pub message: i32,
    /// Its recipient.
    pub account: AccountId,
    /// The message's kind (kept here so the log filters by it without a join).
    pub kind: MessageKind,
    /// How it goes out.
    pub channel: Channel,
    /// The address known when it was queued (an e-mail address; empty for SMS, whose number
    /// is read and masked only when it is sent).
    pub recipient: String,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Key.
    pub id: i32,
    /// The in-site message it copies.
    pub message: i32,
    /// Its recipient.
    pub account: AccountId,
    /// The message's kind.
    pub kind: MessageKind,
    /// How it goes out.
    pub channel: Channel,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts so far (resends included).
    pub attempts: u32,
    /// The address used (an e-mail address, a masked phone number).
    pub recipient: String,
    /// The last failure, as `cause:detail`.
    pub last_error: Option<String>,
    /// When a failed one is tried again.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the server or gateway accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

fn to_delivery(m: delivery::Model) -> Result<Delivery, StoreError> {
    let corrupt = |detail: &str| StoreError::Corrupt { what: format!("delivery {}", m.id), detail: detail.to_owned() };
    Ok(Delivery {
        kind: MessageKind::parse(&m.kind).ok_or_else(|| corrupt(&m.kind))?,
        channel: Channel::parse(&m.channel).ok_or_else(|| corrupt(&m.channel))?,
        status: DeliveryStatus::parse(&m.status).ok_or_else(|| corrupt(&m.status))?,
        id: m.id,
        message: m.message_id,
        account: AccountId(m.account_id),
        attempts: u32::try_from(m.attempts).unwrap_or_default(),
        recipient: m.recipient,
        last_error: m.last_error,
        next_attempt_at: m.next_attempt_at,
        sent_at: m.sent_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Queues a delivery inside `tx`; its id.
pub async fn insert_delivery(tx: &Tx, d: &NewDelivery, now: DateTime<Utc>) -> Result<i32, StoreError> {
    let model = delivery::ActiveModel {
        message_id: Set(d.message),
        account_id: Set(d.account.get()),
        kind: Set(d.kind.code().to_owned()),
        channel: Set(d.channel.code().to_owned()),
        status: Set(DeliveryStatus::Queued.code().to_owned()),
        attempts: Set(0),
        recipient: Set(d.recipient.chars().take(254).collect()),
        last_error: Set(None),
        next_attempt_at: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(delivery::Entity::insert(model).exec(tx.conn()).await?.last_insert_id)
}

/// One delivery.
pub async fn find_delivery(db: &impl Db, id: i32) -> Result<Option<Delivery>, StoreError> {
    delivery::Entity::find_by_id(id).one(db.conn()).await?.map(to_delivery).transpose()
}

/// Which deliveries to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryFilter {
    /// Only this status.
    pub status: Option<DeliveryStatus>,
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this kind of message.
    pub kind: Option<MessageKind>,
}

/// A page of deliveries, newest first (each filter has its `(column, id)` index).
pub async fn list_deliveries(
    db: &impl Db,
    filter: &DeliveryFilter,
    page: PageRequest,
) -> Result<Page<Delivery>, StoreError> {
    let mut q = delivery::Entity::find();
    if let Some(s) = filter.status {
        q = q.filter(delivery::Column::Status.eq(s.code()));
    }
    if let Some(c) = filter.channel {
        q = q.filter(delivery::Column::Channel.eq(c.code()));
    }
    if let Some(k) = filter.kind {
        q = q.filter(delivery::Column::Kind.eq(k.code()));
    }
    crate::page_of(db, q.order_by_desc(delivery::Column::Id), page, to_delivery).await
}

/// The states an attempt may leave: a delivery already sent or given up stays as it is.
fn open_states() -> [&'static str; 2] {
    [DeliveryStatus::Queued.code(), DeliveryStatus::Failed.code()]
}

/// Records that the server or gateway accepted the delivery; false when it was no longer
/// waiting (another attempt finished it).
pub async fn record_sent(tx: &Tx, id: i32, recipient: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Sent.code()))
        .col_expr(delivery::Column::Attempts, Expr::col(delivery::Column::Attempts).add(1))
        .col_expr(delivery::Column::Recipient, Expr::value(recipient.chars().take(254).collect::<String>()))
        .col_expr(delivery::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(delivery::Column::SentAt, Expr::value(now))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Status.is_in(open_states()))
        .exec(tx.conn())
        .await?
        .rows_affected
        == 1)
}

/// Records a failed attempt: `failed` with the time of the next one, or `given_up` when
/// there is none; false when the delivery was no longer waiting.
pub async fn record_failure(
    tx: &Tx,
    id: i32,
    recipient: &str,
    error: &str,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let status = if next.is_some() { DeliveryStatus::Failed } else { DeliveryStatus::GivenUp };
    let mut update = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(status.code()))
        .col_expr(delivery::Column::Attempts, Expr::col(delivery::Column::Attempts).add(1))
        .col_expr(delivery::Column::LastError, Expr::value(Some(error.chars().take(200).collect::<String>())))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(next))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now));
    // Keep the address queued with it when the attempt failed before it read one.
    if !recipient.is_empty() {
        update =
            update.col_expr(delivery::Column::Recipient, Expr::value(recipient.chars().take(254).collect::<String>()));
    }
    Ok(update
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Status.is_in(open_states()))
        .exec(tx.conn())
        .await?
        .rows_affected
        == 1)
}

/// Puts a given-up delivery back in the queue (an administrator sends it again); false when
/// it was not given up.
pub async fn requeue(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Queued.code()))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Status.eq(DeliveryStatus::GivenUp.code()))
        .exec(tx.conn())
        .await?
        .rows_affected
        == 1)
}

/// One person's choice for one kind and channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// Whose.
    pub account: AccountId,
    /// For which kind of message.
    pub kind: MessageKind,
    /// Which channel.
    pub channel: Channel,
    /// Wanted or not.
    pub enabled: bool,
}

/// The choices the given people made (kinds or channels this version no longer knows are
/// left out); the unique `(account, kind, channel)` index finds them.
pub async fn choices(db: &impl Db, accounts: &[AccountId]) -> Result<Vec<Choice>, StoreError> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let rows = notification_choice::Entity::find()
        .filter(notification_choice::Column::AccountId.is_in(accounts.iter().map(|a| a.get())))
        .all(db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Choice {
                account: AccountId(r.account_id),
                kind: MessageKind::parse(&r.kind)?,
                channel: Channel::parse(&r.channel)?,
                enabled: r.enabled,
            })
        })
        .collect())
}

/// Stores a person's choices (each one replaces the one before for its kind and channel).
pub async fn set_choices(tx: &Tx, choices: &[Choice], now: DateTime<Utc>) -> Result<(), StoreError> {
    for c in choices {
        let updated = notification_choice::Entity::update_many()
            .col_expr(notification_choice::Column::Enabled, Expr::value(c.enabled))
            .col_expr(notification_choice::Column::UpdatedAt, Expr::value(now))
            .filter(notification_choice::Column::AccountId.eq(c.account.get()))
            .filter(notification_choice::Column::Kind.eq(c.kind.code()))
            .filter(notification_choice::Column::Channel.eq(c.channel.code()))
            .exec(tx.conn())
            .await?
            .rows_affected;
        if updated == 0 {
            notification_choice::Entity::insert(notification_choice::ActiveModel {
                account_id: Set(c.account.get()),
                kind: Set(c.kind.code().to_owned()),
                channel: Set(c.channel.code().to_owned()),
                enabled: Set(c.enabled),
                updated_at: Set(now),
                ..Default::default()
            })
            .exec(tx.conn())
            .await?;
        }
    }
    Ok(())
}

/// The language tag a person reads their e-mails and text messages in, if they chose one.
pub async fn language(db: &impl Db, account: AccountId) -> Result<Option<String>, StoreError> {
    Ok(notification_profile::Entity::find_by_id(account.get()).one(db.conn()).await?.map(|p| p.lang))
}

/// Stores the language a person reads their e-mails and text messages in.
pub async fn set_language(tx: &Tx, account: AccountId, lang: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let model = notification_profile::ActiveModel {
        account_id: Set(account.get()),
        lang: Set(lang.chars().take(8).collect()),
        updated_at: Set(now),
    };
    if notification_profile::Entity::find_by_id(account.get()).one(tx.conn()).await?.is_some() {
        notification_profile::Entity::update(model).exec(tx.conn()).await?;
    } else {
        notification_profile::Entity::insert(model).exec(tx.conn()).await?;
    }
    Ok(())
}
