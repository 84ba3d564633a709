//! The job queue: jobs recorded in the database, claimed by any node with a lease, and a
//! history of every attempt. Claiming is one conditional UPDATE per candidate (`WHERE` the job
//! is still due or its lease has run out), which each of the three databases applies to a row
//! atomically, so two nodes can never both win a job; finishing is conditional on still
//! holding the lease, so a node that stalled past its lease cannot overwrite the result of the
//! node that took over.

pub mod entity;
pub mod migration;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sheji_core::ids::AccountId;
use sheji_core::job::{JobStatus, RunOutcome};
use sheji_core::page::{Page, PageRequest};

use crate::entity::{job, job_run};
use crate::{Db, StoreError, Tx};

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// Key.
    pub id: i32,
    /// What it does (`import.orgs` …).
    pub kind: String,
    /// Who started it (`AccountId(0)`: the platform, for scheduled work).
    pub owner: AccountId,
    /// Where it stands.
    pub status: JobStatus,
    /// Units done.
    pub done: u64,
    /// Units planned (0: unknown).
    pub total: u64,
    /// The outcome (a message), when finished, or the last failure's.
    pub result: String,
    /// What the job works on (JSON the job's kind defines).
    pub payload: String,
    /// When it may run.
    pub run_at: Option<DateTime<Utc>>,
    /// Attempts so far.
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// The node holding it while it runs.
    pub lease_owner: Option<String>,
    /// Until when that node holds it.
    pub lease_until: Option<DateTime<Utc>>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Last attempt's start.
    pub started_at: Option<DateTime<Utc>>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
}

fn to_record(m: job::Model) -> Result<JobRecord, StoreError> {
    // Jobs recorded before the queue existed were "running" while their node ran them.
    let status = JobStatus::parse(&m.status)
        .ok_or_else(|| StoreError::Corrupt { what: format!("job {}", m.id), detail: m.status.clone() })?;
    Ok(JobRecord {
        id: m.id,
        kind: m.kind,
        owner: AccountId(m.owner),
        status,
        done: u64::try_from(m.done).unwrap_or_default(),
        total: u64::try_from(m.total).unwrap_or_default(),
        result: m.result,
        payload: m.payload.unwrap_or_default(),
        run_at: m.run_at,
        attempts: u32::try_from(m.attempts).unwrap_or_default(),
        max_attempts: u32::try_from(m.max_attempts).unwrap_or(1),
        lease_owner: m.lease_owner,
        lease_until: m.lease_until,
        created_at: m.created_at,
        updated_at: m.updated_at,
        started_at: m.started_at,
        finished_at: m.finished_at,
    })
}

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// Its kind.
    pub kind: &'a str,
    /// Who asks (`AccountId(0)`: the platform).
    pub owner: AccountId,
    /// What it works on.
    pub payload: &'a str,
    /// Units planned, for a progress bar (0: unknown).
    pub total: u64,
    /// When it may run.
    pub run_at: DateTime<Utc>,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// A key that makes the job unique (a recurring job's slot); `None`: always queued.
    pub dedupe_key: Option<&'a str>,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Queues a job; its id, or `None` when a job with the same key exists (queued by another
/// node for the same slot, or earlier).
pub async fn enqueue(tx: &Tx, j: &NewJob<'_>, now: DateTime<Utc>) -> Result<Option<i32>, StoreError> {
    let model = job::ActiveModel {
        kind: Set(j.kind.to_owned()),
        owner: Set(j.owner.get()),
        status: Set(JobStatus::Queued.code().to_owned()),
        done: Set(0),
        total: Set(to_i64(j.total)),
        result: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        payload: Set(Some(j.payload.to_owned())),
        run_at: Set(Some(j.run_at)),
        attempts: Set(0),
        max_attempts: Set(i32::try_from(j.max_attempts).unwrap_or(1)),
        lease_owner: Set(None),
        lease_until: Set(None),
        dedupe_key: Set(j.dedupe_key.map(str::to_owned)),
        started_at: Set(None),
        finished_at: Set(None),
        ..Default::default()
    };
    let Some(key) = j.dedupe_key else {
        return Ok(Some(job::Entity::insert(model).exec(tx.conn()).await?.last_insert_id));
    };
    // "Insert unless the key exists" in one statement on every backend (ON CONFLICT DO
    // NOTHING; MySQL's form of it), so a race between nodes never aborts the transaction.
    let insert = sea_orm::QueryTrait::into_query(job::Entity::insert(model));
    let inserted = crate::dialect::insert_unless_exists(tx.conn(), insert, job::Column::DedupeKey).await?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(job::Entity::find().filter(job::Column::DedupeKey.eq(key)).one(tx.conn()).await?.map(|m| m.id))
}

/// A claimed job and the history row of this attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The job, as it stands after the claim.
    pub job: JobRecord,
    /// The attempt's history row.
    pub run: i32,
}

fn due(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Condition::all().add(job::Column::Status.eq(JobStatus::Queued.code())).add(job::Column::RunAt.lte(now)))
        .add(
            Condition::all()
                .add(job::Column::Status.eq(JobStatus::Running.code()))
                .add(job::Column::LeaseUntil.lt(now)),
        )
}

/// Claims the next due job for `node` until `now + lease`: a queued job whose time has come,
/// or a running one whose node's lease ran out (that node is presumed dead; its attempt is
/// recorded as lost). `None` when nothing is due.
pub async fn claim(tx: &Tx, node: &str, now: DateTime<Utc>, lease: Duration) -> Result<Option<Claimed>, StoreError> {
    let candidates = job::Entity::find()
        .filter(due(now))
        .order_by_asc(job::Column::RunAt)
        .order_by_asc(job::Column::Id)
        .limit(8)
        .all(tx.conn())
        .await?;
    for c in candidates {
        let won = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(JobStatus::Running.code()))
            .col_expr(job::Column::LeaseOwner, Expr::value(node.to_owned()))
            .col_expr(job::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
            .col_expr(job::Column::StartedAt, Expr::value(now))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(c.id))
            .filter(due(now))
            .exec(tx.conn())
            .await?
            .rows_affected
            == 1;
        if !won {
            continue;
        }
        if c.status == JobStatus::Running.code() {
            job_run::Entity::update_many()
                .col_expr(job_run::Column::Outcome, Expr::value(RunOutcome::Lost.code()))
                .col_expr(job_run::Column::FinishedAt, Expr::value(now))
                .filter(job_run::Column::JobId.eq(c.id))
                .filter(job_run::Column::Outcome.eq(RunOutcome::Running.code()))
                .exec(tx.conn())
                .await?;
        }
        let run = job_run::Entity::insert(job_run::ActiveModel {
            job_id: Set(c.id),
            attempt: Set(c.attempts + 1),
            node: Set(node.to_owned()),
            started_at: Set(now),
            finished_at: Set(None),
            outcome: Set(RunOutcome::Running.code().to_owned()),
            duration_ms: Set(None),
            output: Set(String::new()),
            ..Default::default()
        })
        .exec(tx.conn())
        .await?
        .last_insert_id;
        let Some(m) = job::Entity::find_by_id(c.id).one(tx.conn()).await? else { continue };
        return Ok(Some(Claimed { job: to_record(m)?, run }));
    }
    Ok(None)
}

/// Extends `node`'s lease and records progress; false when the node no longer holds the job
/// (its lease ran out and another node took it: it must stop).
pub async fn heartbeat(
    tx: &Tx,
    id: i32,
    node: &str,
    done: u64,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(job::Entity::update_many()
        .col_expr(job::Column::LeaseUntil, Expr::value(until))
        .col_expr(job::Column::Done, Expr::value(to_i64(done)))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq(JobStatus::Running.code()))
        .filter(job::Column::LeaseOwner.eq(node))
        .exec(tx.conn())
        .await?
        .rows_affected
        == 1)
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub struct Ending<'a> {
    /// The job.
    pub id: i32,
    /// The attempt's history row.
    pub run: i32,
    /// The node that ran it.
    pub node: &'a str,
    /// Done, or failed.
    pub outcome: RunOutcome,
    /// For a failure: when to try again (`None`: the job has failed for good).
    pub retry_at: Option<DateTime<Utc>>,
    /// What the attempt said (its result, or the error).
    pub output: &'a str,
    /// Units done.
    pub done: u64,
    /// How long it ran.
    pub duration_ms: i64,
}

/// Records the end of an attempt; false when the node no longer held the job (nothing is
/// changed then: the node that took over decides).
pub async fn finish(tx: &Tx, e: &Ending<'_>, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let status = match (e.outcome, e.retry_at) {
        (RunOutcome::Done, _) => JobStatus::Done,
        (_, Some(_)) => JobStatus::Queued,
        _ => JobStatus::Failed,
    };
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status.code()))
        .col_expr(job::Column::Result, Expr::value(e.output.to_owned()))
        .col_expr(job::Column::Done, Expr::value(to_i64(e.done)))
        .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now));
    if status.is_final() {
        update = update.col_expr(job::Column::FinishedAt, Expr::value(now));
    }
    if let Some(at) = e.retry_at {
        update = update.col_expr(job::Column::RunAt, Expr::value(at));
    }
    let held = update
        .filter(job::Column::Id.eq(e.id))
        .filter(job::Column::Status.eq(JobStatus::Running.code()))
        .filter(job::Column::LeaseOwner.eq(e.node))
        .exec(tx.conn())
        .await?
        .rows_affected
        == 1;
    if held {
        job_run::Entity::update_many()
            .col_expr(job_run::Column::Outcome, Expr::value(e.outcome.code()))
            .col_expr(job_run::Column::FinishedAt, Expr::value(now))
            .col_expr(job_run::Column::DurationMs, Expr::value(e.duration_ms))
            .col_expr(job_run::Column::Output, Expr::value(e.output.to_owned()))
            .filter(job_run::Column::Id.eq(e.run))
            .exec(tx.conn())
            .await?;
    }
    Ok(held)
}

/// One job of an owner (another owner's job is not found).
pub async fn find(db: &impl Db, id: i32, owner: AccountId) -> Result<Option<JobRecord>, StoreError> {
    job::Entity::find_by_id(id)
        .filter(job::Column::Owner.eq(owner.get()))
        .one(db.conn())
        .await?
        .map(to_record)
        .transpose()
}

/// One job, whoever's (administrators).
pub async fn get(db: &impl Db, id: i32) -> Result<Option<JobRecord>, StoreError> {
    job::Entity::find_by_id(id).one(db.conn()).await?.map(to_record).transpose()
}

/// Which jobs to list.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    /// Only these statuses (empty: all).
    pub statuses: Vec<JobStatus>,
    /// Only this kind.
    pub kind: Option<String>,
}

/// A page of jobs, newest first.
pub async fn list(db: &impl Db, filter: &JobFilter, page: PageRequest) -> Result<Page<JobRecord>, StoreError> {
    let mut q = job::Entity::find();
    if !filter.statuses.is_empty() {
        q = q.filter(job::Column::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    if let Some(kind) = &filter.kind {
        q = q.filter(job::Column::Kind.eq(kind.clone()));
    }
    crate::page_of(db, q.order_by_desc(job::Column::Id), page, to_record).await
}

/// Jobs by status (the administrators' summary).
pub async fn count_by_status(db: &impl Db) -> Result<Vec<(JobStatus, u64)>, StoreError> {
    let mut out = Vec::new();
    for s in JobStatus::ALL {
        let n = job::Entity::find().filter(job::Column::Status.eq(s.code())).count(db.conn()).await?;
        out.push((*s, n));
    }
    Ok(out)
}

/// One attempt of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// Key.
    pub id: i32,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The node that ran it.
    pub node: String,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: RunOutcome,
    /// How long it ran.
    pub duration_ms: Option<i64>,
    /// What it said.
    pub output: String,
}

/// A job's attempts, first first (bounded by its attempts allowed).
pub async fn runs(db: &impl Db, job: i32) -> Result<Vec<RunRecord>, StoreError> {
    job_run::Entity::find()
        .filter(job_run::Column::JobId.eq(job))
        .order_by_asc(job_run::Column::Id)
        .limit(100)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| {
            Ok(RunRecord {
                outcome: RunOutcome::parse(&m.outcome).ok_or_else(|| StoreError::Corrupt {
                    what: format!("job run {}", m.id),
                    detail: m.outcome.clone(),
                })?,
                id: m.id,
                attempt: u32::try_from(m.attempt).unwrap_or_default(),
                node: m.node,
                started_at: m.started_at,
                finished_at: m.finished_at,
                duration_ms: m.duration_ms,
                output: m.output,
            })
        })
        .collect()
}
