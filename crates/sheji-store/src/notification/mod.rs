//! In-site messages: written inside the transaction of the change they tell about, read per
//! person newest first, marked read. [`delivery`] keeps their copies that leave the platform
//! (e-mail, SMS) and each person's choice of channels.

pub mod delivery;
pub mod entity;
pub mod migration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use sheji_core::ids::AccountId;
use sheji_core::notification::MessageKind;
use sheji_core::page::{Page, PageRequest};

use crate::entity::message;
use crate::{Db, StoreError, Tx};

/// A message to write.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Its recipient.
    pub account: AccountId,
    /// Why it was sent.
    pub kind: MessageKind,
    /// Message key of its text.
    pub key: String,
    /// The key's arguments, as JSON (an object of strings).
    pub args: String,
    /// Where it leads.
    pub href: String,
    /// A key that keeps it from being sent twice (a reminder); `None`: always sent.
    pub dedupe_key: Option<String>,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Key.
    pub id: i32,
    /// Why it was sent.
    pub kind: MessageKind,
    /// Message key.
    pub key: String,
    /// Its arguments (JSON object).
    pub args: String,
    /// Where it leads.
    pub href: String,
    /// Sent.
    pub created_at: DateTime<Utc>,
    /// Read, if it was.
    pub read_at: Option<DateTime<Utc>>,
}

/// Writes messages inside `tx`; the (recipient, message id) of each one written (a
/// deduplicated one already sent is left out).
pub async fn insert(tx: &Tx, messages: &[NewMessage], now: DateTime<Utc>) -> Result<Vec<(AccountId, i32)>, StoreError> {
    let mut written = Vec::new();
    for m in messages {
        let model = message::ActiveModel {
            account_id: Set(m.account.get()),
            kind: Set(m.kind.code().to_owned()),
            key: Set(m.key.clone()),
            args: Set(m.args.clone()),
            href: Set(m.href.chars().take(200).collect()),
            dedupe_key: Set(m.dedupe_key.clone()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        };
        if let Some(key) = &m.dedupe_key {
            let insert = sea_orm::QueryTrait::into_query(message::Entity::insert(model));
            if crate::dialect::insert_unless_exists(tx.conn(), insert, message::Column::DedupeKey).await? == 1
                && let Some(row) =
                    message::Entity::find().filter(message::Column::DedupeKey.eq(key.as_str())).one(tx.conn()).await?
            {
                written.push((m.account, row.id));
            }
        } else {
            let id = message::Entity::insert(model).exec(tx.conn()).await?.last_insert_id;
            written.push((m.account, id));
        }
    }
    Ok(written)
}

/// One message and its recipient, whoever's (the delivery job renders it for its recipient).
pub async fn find_any(db: &impl Db, id: i32) -> Result<Option<(AccountId, Message)>, StoreError> {
    match message::Entity::find_by_id(id).one(db.conn()).await? {
        Some(m) => Ok(Some((AccountId(m.account_id), to_message(m)?))),
        None => Ok(None),
    }
}

fn to_message(m: message::Model) -> Result<Message, StoreError> {
    Ok(Message {
        kind: MessageKind::parse(&m.kind)
            .ok_or_else(|| StoreError::Corrupt { what: format!("message {}", m.id), detail: m.kind.clone() })?,
        id: m.id,
        key: m.key,
        args: m.args,
        href: m.href,
        created_at: m.created_at,
        read_at: m.read_at,
    })
}

/// A page of a person's messages, newest first (unread only when asked).
pub async fn list(
    db: &impl Db,
    account: AccountId,
    unread: bool,
    page: PageRequest,
) -> Result<Page<Message>, StoreError> {
    let mut q = message::Entity::find().filter(message::Column::AccountId.eq(account.get()));
    if unread {
        q = q.filter(message::Column::ReadAt.is_null());
    }
    crate::page_of(db, q.order_by_desc(message::Column::Id), page, to_message).await
}

/// One of a person's messages (another person's is not found).
pub async fn find(db: &impl Db, account: AccountId, id: i32) -> Result<Option<Message>, StoreError> {
    message::Entity::find_by_id(id)
        .filter(message::Column::AccountId.eq(account.get()))
        .one(db.conn())
        .await?
        .map(to_message)
        .transpose()
}

/// How many of a person's messages are unread.
pub async fn unread(db: &impl Db, account: AccountId) -> Result<u64, StoreError> {
    Ok(message::Entity::find()
        .filter(message::Column::AccountId.eq(account.get()))
        .filter(message::Column::ReadAt.is_null())
        .count(db.conn())
        .await?)
}

/// Marks one of a person's messages read (another person's is left alone); whether it was
/// theirs and unread.
pub async fn mark_read(tx: &Tx, account: AccountId, id: i32, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(message::Entity::update_many()
        .col_expr(message::Column::ReadAt, Expr::value(now))
        .filter(message::Column::Id.eq(id))
        .filter(message::Column::AccountId.eq(account.get()))
        .filter(message::Column::ReadAt.is_null())
        .exec(tx.conn())
        .await?
        .rows_affected
        == 1)
}

/// Marks all of a person's messages read; how many were unread.
pub async fn mark_all_read(tx: &Tx, account: AccountId, now: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(message::Entity::update_many()
        .col_expr(message::Column::ReadAt, Expr::value(now))
        .filter(message::Column::AccountId.eq(account.get()))
        .filter(message::Column::ReadAt.is_null())
        .exec(tx.conn())
        .await?
        .rows_affected)
}
