//! Search: the outbox in the database (the source of truth for what changed) and the
//! embedded full-text index each node keeps ([`index`]).
//!
//! A write that changes a searchable record calls [`enqueue`] inside its transaction. Nodes
//! read the outbox after the last row they applied, and again over the last few seconds:
//! on PostgreSQL and MySQL a transaction that took its id earlier can commit later, so a row
//! may appear behind one already seen.

pub mod entity;
pub mod migration;

mod dense;
mod facets;
pub mod index;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sheji_core::search::DocType;

use crate::entity::search_outbox;
use crate::{Db, StoreError, Tx};

pub use index::{Facets, Hit, IndexQuery, IndexResults, IndexState, SearchIndex, Visibility};

/// Rows per INSERT statement (3 columns a row).
const CHUNK: usize = 1_000;

/// The outbox type code that asks every node to rebuild its index.
pub const REBUILD: &str = "*";

/// One change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Outbox row id.
    pub seq: i32,
    /// What changed: a document, or `None` for "rebuild everything".
    pub doc: Option<(DocType, i64)>,
}

/// Records, in the caller's transaction, that these records changed.
pub async fn enqueue(tx: &Tx, doc_type: DocType, ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
    for chunk in ids.chunks(CHUNK) {
        search_outbox::Entity::insert_many(chunk.iter().map(|id| search_outbox::ActiveModel {
            doc_type: Set(doc_type.code().to_owned()),
            doc_id: Set(*id),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(())
}

/// Records that every node should rebuild its index (after a bulk load).
pub async fn enqueue_rebuild(tx: &Tx, now: DateTime<Utc>) -> Result<(), StoreError> {
    search_outbox::Entity::insert(search_outbox::ActiveModel {
        doc_type: Set(REBUILD.to_owned()),
        doc_id: Set(0),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// Changes after `after`, and those among `holes` (ids skipped earlier that a late commit
/// may have filled), oldest first, at most `limit`. Rows of unknown types (written by a
/// newer version) are skipped.
pub async fn changes(db: &impl Db, after: i32, holes: &[i32], limit: u64) -> Result<Vec<Change>, StoreError> {
    let mut which = Condition::any().add(search_outbox::Column::Id.gt(after));
    if !holes.is_empty() {
        which = which.add(search_outbox::Column::Id.is_in(holes.iter().copied()));
    }
    let rows: Vec<(i32, String, i64)> = search_outbox::Entity::find()
        .select_only()
        .column(search_outbox::Column::Id)
        .column(search_outbox::Column::DocType)
        .column(search_outbox::Column::DocId)
        .filter(which)
        .order_by_asc(search_outbox::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(seq, t, id)| {
            if t == REBUILD {
                Some(Change { seq, doc: None })
            } else {
                DocType::parse(&t).map(|t| Change { seq, doc: Some((t, id)) })
            }
        })
        .collect())
}

/// The newest outbox row id (0 when empty): where a rebuild that starts now stands.
pub async fn last_seq(db: &impl Db) -> Result<i32, StoreError> {
    let max: Option<Option<i32>> = search_outbox::Entity::find()
        .select_only()
        .column_as(search_outbox::Column::Id.max(), "m")
        .into_tuple()
        .one(db.conn())
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// The oldest outbox row id still kept (`None` when empty): a node that applied less than
/// the row before it missed pruned rows and must rebuild.
pub async fn first_seq(db: &impl Db) -> Result<Option<i32>, StoreError> {
    let min: Option<Option<i32>> = search_outbox::Entity::find()
        .select_only()
        .column_as(search_outbox::Column::Id.min(), "m")
        .into_tuple()
        .one(db.conn())
        .await?;
    Ok(min.flatten())
}

/// How long outbox rows are kept.
pub fn retention() -> Duration {
    Duration::days(7)
}

/// Deletes rows older than the retention period, always keeping the newest row: ids must
/// never be handed out again (SQLite would restart them after an emptied table), and the
/// newest id tells a node how far the outbox has gone.
pub async fn prune(tx: &Tx, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let newest = last_seq(tx).await?;
    let res = search_outbox::Entity::delete_many()
        .filter(search_outbox::Column::CreatedAt.lt(now - retention()))
        .filter(search_outbox::Column::Id.lt(newest))
        .exec(tx.conn())
        .await?;
    Ok(res.rows_affected)
}
