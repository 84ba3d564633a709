//! Job records: kind, owner, status, progress and result of long work.

pub mod entity;
pub mod migration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use sheji_core::ids::AccountId;

use crate::entity::job;
use crate::{Db, StoreError, Tx};

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// Key.
    pub id: i32,
    /// What it does (`import.orgs` …).
    pub kind: String,
    /// Who started it.
    pub owner: AccountId,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// Units done.
    pub done: u64,
    /// Units planned.
    pub total: u64,
    /// The outcome (a message, or JSON), when finished.
    pub result: String,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last progress.
    pub updated_at: DateTime<Utc>,
}

/// Records a running job; returns its id.
pub async fn create(tx: &Tx, kind: &str, owner: AccountId, total: u64, now: DateTime<Utc>) -> Result<i32, StoreError> {
    let result = job::Entity::insert(job::ActiveModel {
        kind: Set(kind.to_owned()),
        owner: Set(owner.get()),
        status: Set("running".to_owned()),
        done: Set(0),
        total: Set(i64::try_from(total).unwrap_or(i64::MAX)),
        result: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(result.last_insert_id)
}

/// Records progress.
pub async fn progress(tx: &Tx, id: i32, done: u64, now: DateTime<Utc>) -> Result<(), StoreError> {
    job::Entity::update_many()
        .col_expr(job::Column::Done, Expr::val(i64::try_from(done).unwrap_or(i64::MAX)))
        .col_expr(job::Column::UpdatedAt, Expr::val(now))
        .filter(job::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Records the end of a job.
pub async fn finish(tx: &Tx, id: i32, status: &str, result: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::val(status))
        .col_expr(job::Column::Result, Expr::val(result))
        .col_expr(job::Column::UpdatedAt, Expr::val(now))
        .filter(job::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// One job of an owner (another owner's job is not found).
pub async fn find(db: &impl Db, id: i32, owner: AccountId) -> Result<Option<JobRecord>, StoreError> {
    Ok(job::Entity::find_by_id(id).filter(job::Column::Owner.eq(owner.get())).one(db.conn()).await?.map(|m| {
        JobRecord {
            id: m.id,
            kind: m.kind,
            owner: AccountId(m.owner),
            status: m.status,
            done: u64::try_from(m.done).unwrap_or_default(),
            total: u64::try_from(m.total).unwrap_or_default(),
            result: m.result,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }))
}
