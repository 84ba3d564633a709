//! The audit trail: appending hash-chained records inside the transaction of the change they
//! describe, browsing them, and verifying the chain.

pub mod entity;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sheji_core::audit::{AuditContent, GENESIS, chain_hash};
use sheji_core::ids::AuditId;
use sheji_core::page::{Page, PageRequest};

use crate::entity::{audit_head, audit_record};
use crate::{Db, StoreError, Tx};

/// A record to append.
#[derive(Debug, Clone, Default)]
pub struct NewAudit {
    /// Unix milliseconds.
    pub at_ms: i64,
    /// Acting account.
    pub actor_id: Option<i32>,
    /// Acting username, or `system` / `anonymous`.
    pub actor_name: String,
    /// Client address.
    pub ip: String,
    /// What happened.
    pub action: String,
    /// Kind of record.
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// Changed fields before (JSON).
    pub before: String,
    /// Changed fields after (JSON).
    pub after: String,
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the trail.
    pub id: AuditId,
    /// Unix milliseconds.
    pub at_ms: i64,
    /// Acting account.
    pub actor_id: Option<i32>,
    /// Acting username.
    pub actor_name: String,
    /// Client address.
    pub ip: String,
    /// What happened.
    pub action: String,
    /// Kind of record.
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// Changed fields before (JSON).
    pub before: String,
    /// Changed fields after (JSON).
    pub after: String,
}

impl From<audit_record::Model> for AuditRecord {
    fn from(m: audit_record::Model) -> Self {
        Self {
            id: AuditId(m.id),
            at_ms: m.at_ms,
            actor_id: m.actor_id,
            actor_name: m.actor_name,
            ip: m.ip,
            action: m.action,
            target_type: m.target_type,
            target_id: m.target_id,
            before: m.before_json,
            after: m.after_json,
        }
    }
}

/// Appends a record in `tx`. The head row is bumped first: on PostgreSQL and MySQL that
/// update locks it until the transaction ends, and SQLite has one writer, so concurrent
/// appends line up and the chain never forks.
pub async fn append(tx: &Tx, record: NewAudit) -> Result<(), StoreError> {
    append_many(tx, vec![record]).await
}

/// Filters for browsing the trail; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Acting username (exact).
    pub actor: Option<String>,
    /// Action (exact, or a prefix ending in `.` such as `account.`).
    pub action: Option<String>,
    /// Kind of record.
    pub target_type: Option<String>,
    /// Record id.
    pub target_id: Option<String>,
    /// From this time (unix ms, inclusive).
    pub from_ms: Option<i64>,
    /// Until this time (unix ms, exclusive).
    pub to_ms: Option<i64>,
}

fn filtered(filter: &AuditFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(actor) = &filter.actor {
        c = c.add(audit_record::Column::ActorName.eq(actor.as_str()));
    }
    if let Some(action) = &filter.action {
        c = match action.strip_suffix('.') {
            Some(prefix) => c.add(audit_record::Column::Action.starts_with(format!("{prefix}."))),
            None => c.add(audit_record::Column::Action.eq(action.as_str())),
        };
    }
    if let Some(t) = &filter.target_type {
        c = c.add(audit_record::Column::TargetType.eq(t.as_str()));
    }
    if let Some(t) = &filter.target_id {
        c = c.add(audit_record::Column::TargetId.eq(t.as_str()));
    }
    if let Some(from) = filter.from_ms {
        c = c.add(audit_record::Column::AtMs.gte(from));
    }
    if let Some(to) = filter.to_ms {
        c = c.add(audit_record::Column::AtMs.lt(to));
    }
    c
}

/// One page of the trail, newest first.
pub async fn list(db: &impl Db, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditRecord>, StoreError> {
    let query = audit_record::Entity::find().filter(filtered(filter));
    let total = query.clone().count(db.conn()).await?;
    let rows = query
        .order_by_desc(audit_record::Column::Id)
        .offset(page.offset())
        .limit(page.per_page())
        .all(db.conn())
        .await?;
    Ok(Page::new(rows.into_iter().map(AuditRecord::from).collect(), page, total))
}

/// Records after `after_id` in trail order, at most `limit`; for streaming exports.
pub async fn list_after(
    db: &impl Db,
    filter: &AuditFilter,
    after_id: i32,
    limit: u64,
) -> Result<Vec<AuditRecord>, StoreError> {
    let rows = audit_record::Entity::find()
        .filter(filtered(filter))
        .filter(audit_record::Column::Id.gt(after_id))
        .order_by_asc(audit_record::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(AuditRecord::from).collect())
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Records checked.
    pub checked: u64,
    /// The first record that was altered, or that follows a removed one, with the reason.
    pub broken: Option<(AuditId, ChainBreak)>,
}

/// How the chain is broken at a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainBreak {
    /// The record's content no longer matches its hash: it was changed.
    Altered,
    /// The record does not follow the one before it: something between was removed.
    Gap,
    /// The newest records were removed (the head remembers a later hash).
    TailRemoved,
}

/// Walks the whole trail in order, recomputing every hash, in batches so memory stays flat.
pub async fn verify(db: &impl Db) -> Result<ChainCheck, StoreError> {
    let mut previous = GENESIS.to_owned();
    let mut checked = 0u64;
    let mut after = 0i32;
    loop {
        let batch = audit_record::Entity::find()
            .filter(audit_record::Column::Id.gt(after))
            .order_by_asc(audit_record::Column::Id)
            .limit(1000)
            .all(db.conn())
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for r in batch {
            if r.prev_hash != previous {
                return Ok(ChainCheck { checked, broken: Some((AuditId(r.id), ChainBreak::Gap)) });
            }
            let expected = chain_hash(
                &previous,
                &AuditContent {
                    at_ms: r.at_ms,
                    actor_id: r.actor_id,
                    actor_name: &r.actor_name,
                    ip: &r.ip,
                    action: &r.action,
                    target_type: &r.target_type,
                    target_id: &r.target_id,
                    before: &r.before_json,
                    after: &r.after_json,
                },
            );
            if expected != r.hash {
                return Ok(ChainCheck { checked, broken: Some((AuditId(r.id), ChainBreak::Altered)) });
            }
            previous = r.hash;
            checked += 1;
        }
    }
    let head = audit_head::Entity::find_by_id(1).one(db.conn()).await?;
    if head.is_some_and(|h| h.last_hash != previous) {
        return Ok(ChainCheck { checked, broken: Some((AuditId(after + 1), ChainBreak::TailRemoved)) });
    }
    Ok(ChainCheck { checked, broken: None })
}

/// Changes one stored field behind the application's back, as an intruder with database
/// access would; for tests of [`verify`].
pub async fn tamper_for_test(tx: &Tx, id: AuditId, new_ip: &str) -> Result<(), StoreError> {
    audit_record::Entity::update_many()
        .col_expr(audit_record::Column::Ip, Expr::val(new_ip))
        .filter(audit_record::Column::Id.eq(id.get()))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// How many records the trail holds.
pub async fn count(db: &impl Db) -> Result<u64, StoreError> {
    Ok(audit_record::Entity::find().select_only().column(audit_record::Column::Id).count(db.conn()).await?)
}

/// Appends several records in `tx` in a few statements: the head is bumped once (taking its
/// lock), the chain computed in order, and the rows inserted in bulk.
pub async fn append_many(tx: &Tx, records: Vec<NewAudit>) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let db = tx.conn();
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq).add(1))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::corrupt("audit head", "missing; run sheji migrate"))?;
    let mut previous = head.last_hash;
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let hash = chain_hash(
            &previous,
            &AuditContent {
                at_ms: r.at_ms,
                actor_id: r.actor_id,
                actor_name: &r.actor_name,
                ip: &r.ip,
                action: &r.action,
                target_type: &r.target_type,
                target_id: &r.target_id,
                before: &r.before,
                after: &r.after,
            },
        );
        rows.push(audit_record::ActiveModel {
            at_ms: Set(r.at_ms),
            actor_id: Set(r.actor_id),
            actor_name: Set(r.actor_name),
            ip: Set(r.ip),
            action: Set(r.action),
            target_type: Set(r.target_type),
            target_id: Set(r.target_id),
            before_json: Set(r.before),
            after_json: Set(r.after),
            prev_hash: Set(previous.clone()),
            hash: Set(hash.clone()),
            ..Default::default()
        });
        previous = hash;
    }
    // Inserted in chain order, so ids ascend with the chain as `verify` walks it.
    for chunk in rows.chunks(300) {
        audit_record::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::LastHash, Expr::val(previous))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}
