//! Background and scheduled work, run by whichever node claims it. Every `sheji serve` node
//! runs a few workers and a scheduler:
//!
//! - a worker claims the next due job with a lease, renews the lease while the job runs, and
//!   records the end (done, or failed and queued again after a back-off, or failed for good);
//!   a node that dies mid-job stops renewing, its lease runs out, and another node retakes the
//!   job;
//! - the scheduler queues each recurring job once per slot (the database refuses a second copy
//!   of the same slot, whichever node asks first);
//! - each kind of job says what it does in [`run`], and with what retry policy in [`policy`].
//!
//! An import started from the page is a job too: its file is kept in the shared file store so
//! any node can run it, and the page follows its progress.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sheji_core::identity::Principal;
use sheji_core::ids::AccountId;
use sheji_core::job::{JobStatus, RetryPolicy, RunOutcome, Schedule};
use sheji_core::page::{Page, PageRequest};
use sheji_store::job::{self as store, Ending, NewJob};
pub use sheji_store::job::{JobFilter, JobRecord, RunRecord};

use crate::audit::Actor;
use crate::registry::import::{self, Upload};
use crate::{ServiceError, Services};

/// A job's kind: its code, how often it is tried, and whether it recurs.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// The stored code.
    pub code: &'static str,
    /// Attempts and back-off.
    pub policy: RetryPolicy,
    /// When it recurs (`None`: queued when something asks for it).
    pub schedule: Option<Schedule>,
}

/// An import of organizations from a spreadsheet (one attempt: its owner is told if it fails).
pub const IMPORT: &str = "import.orgs";
/// The end-to-end check: waits the milliseconds its payload asks (at most a minute) and
/// answers. Administrators run it from the jobs page to see the queue work on every node.
pub const PING: &str = "job.ping";
/// Deletes search outbox rows past their retention, once an hour for the whole deployment.
pub const SEARCH_PRUNE: &str = "search.prune";
/// Tells holders and their district of recognitions expiring in 90 and 30 days, daily.
pub const EXPIRY_REMINDERS: &str = "recognition.remind";
/// Sends one copy of a message by e-mail or SMS (payload: the delivery's id). A failed attempt
/// is retried by the queue itself on the delivery policy's steps, so no recurring
/// "notification retries" job is needed; after the last one the delivery is given up and an
/// administrator may send it again.
pub const DELIVER: &str = "notification.deliver";

/// Finalizes notices whose window has run out, or tells their managers what still waits,
/// daily just after midnight.
pub const PUBLICITY_CLOSE: &str = "review.publicity_close";
/// Tells the city of recognitions falling due for re-review with no batch to take them up.
pub const RE_REVIEWS_DUE: &str = "recognition.re_review_due";
/// Revokes recognitions whose rectification deadline passed with no report, daily.
pub const RECTIFICATIONS_LAPSE: &str = "recognition.rectification_lapse";
/// Deletes sign-in attempts no longer read (failures after 30 days, successes after 90),
/// nightly.
pub const LOGIN_ATTEMPTS_PRUNE: &str = "identity.prune_attempts";
/// Reminds liaison officers and branches of service follow-ups three days ahead and on the day.
pub const FOLLOW_UPS: &str = "service.follow_up";
/// Marks published demands past their deadline as expired, daily just after midnight.
pub const DEMANDS_EXPIRE: &str = "matchmaking.expire";
/// Accepts deliveries whose acceptance window passed without an answer, daily.
pub const DELIVERIES_DEEM: &str = "cooperation.deem_accepted";
/// Reminds confirmed registrants of tomorrow's events, each morning.
pub const EVENTS_REMIND: &str = "event.remind";
/// Recounts the plan's progress for the home page, hourly.
pub const STATISTICS: &str = "statistics.refresh";

/// 08:00 in Chongqing: reminders arrive at the start of the working day.
fn morning() -> Schedule {
    Schedule::DailyAt(chrono::NaiveTime::MIN + Duration::hours(8))
}

/// Every kind of job, with its policy; the scheduler queues those with a schedule.
pub fn kinds() -> Vec<Kind> {
    vec![
        Kind { code: IMPORT, policy: RetryPolicy::ONCE, schedule: None },
        Kind { code: PING, policy: RetryPolicy::DEFAULT, schedule: None },
        Kind { code: SEARCH_PRUNE, policy: RetryPolicy::DEFAULT, schedule: Some(Schedule::EveryMinutes(60)) },
        Kind { code: EXPIRY_REMINDERS, policy: RetryPolicy::DEFAULT, schedule: Some(morning()) },
        Kind {
            code: PUBLICITY_CLOSE,
            policy: RetryPolicy::DEFAULT,
            schedule: Some(Schedule::DailyAt(chrono::NaiveTime::MIN + Duration::minutes(10))),
        },
        Kind { code: RE_REVIEWS_DUE, policy: RetryPolicy::DEFAULT, schedule: Some(morning()) },
        Kind {
            code: RECTIFICATIONS_LAPSE,
            policy: RetryPolicy::DEFAULT,
            schedule: Some(Schedule::DailyAt(chrono::NaiveTime::MIN + Duration::minutes(40))),
        },
        Kind { code: FOLLOW_UPS, policy: RetryPolicy::DEFAULT, schedule: Some(morning()) },
        Kind {
            code: DEMANDS_EXPIRE,
            policy: RetryPolicy::DEFAULT,
            schedule: Some(Schedule::DailyAt(chrono::NaiveTime::MIN + Duration::minutes(20))),
        },
        Kind { code: EVENTS_REMIND, policy: RetryPolicy::DEFAULT, schedule: Some(morning()) },
        Kind {
            code: DELIVERIES_DEEM,
            policy: RetryPolicy::DEFAULT,
            schedule: Some(Schedule::DailyAt(chrono::NaiveTime::MIN + Duration::minutes(30))),
        },
        Kind { code: STATISTICS, policy: RetryPolicy::DEFAULT, schedule: Some(Schedule::EveryMinutes(60)) },
        Kind {
            code: LOGIN_ATTEMPTS_PRUNE,
            policy: RetryPolicy::DEFAULT,
            schedule: Some(Schedule::DailyAt(chrono::NaiveTime::MIN + Duration::hours(3))),
        },
        Kind { code: DELIVER, policy: RetryPolicy::DELIVERY, schedule: None },
    ]
}

/// The retry policy of a kind (unknown kinds: one attempt).
pub fn policy(kind: &str) -> RetryPolicy {
    kinds().into_iter().find(|k| k.code == kind).map_or(RetryPolicy::ONCE, |k| k.policy)
}

/// What an import job works on.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ImportPayload {
    /// The uploaded file, in the shared file store.
    file: i32,
    /// Its name as uploaded (CSV or workbook).
    name: String,
    /// The language of the result message.
    lang: String,
    /// Where the upload came from, for the audit trail.
    ip: String,
    /// The year for figures of rows without one, as chosen on the form (queued before it: none).
    #[serde(default)]
    year: Option<i32>,
}

/// What a ping job does.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct PingPayload {
    /// How long to wait, in milliseconds.
    #[serde(default)]
    ms: u64,
    /// Fail instead of answering, to watch the retries and their back-off.
    #[serde(default)]
    fail: bool,
}

/// Queues a job now; its id.
pub async fn enqueue(
    services: &Services,
    kind: &str,
    owner: AccountId,
    payload: &serde_json::Value,
    total: u64,
) -> Result<i32, ServiceError> {
    let payload = payload.to_string();
    let job = NewJob {
        kind,
        owner,
        payload: &payload,
        total,
        run_at: services.now(),
        max_attempts: policy(kind).max_attempts,
        dedupe_key: None,
    };
    let tx = services.store().begin().await?;
    let id = store::enqueue(&tx, &job, services.now()).await?;
    tx.commit().await?;
    id.ok_or(ServiceError::Conflict { key: "job.queued_already" })
}

/// Queues a job inside the caller's transaction, so it exists exactly when the change that
/// asks for it commits (a message's deliveries with the workflow step that sent it); its id.
pub async fn enqueue_in(
    tx: &sheji_store::Tx,
    kind: &str,
    owner: AccountId,
    payload: &serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i32, ServiceError> {
    let payload = payload.to_string();
    let job = NewJob {
        kind,
        owner,
        payload: &payload,
        total: 1,
        run_at: now,
        max_attempts: policy(kind).max_attempts,
        dedupe_key: None,
    };
    store::enqueue(tx, &job, now).await?.ok_or(ServiceError::Conflict { key: "job.queued_already" })
}

/// Queues every recurring job whose current slot has not been queued yet; how many were.
pub async fn schedule_due(services: &Services) -> Result<usize, ServiceError> {
    let now = services.now();
    let mut queued = 0;
    for kind in kinds() {
        let Some(schedule) = kind.schedule else { continue };
        let slot = schedule.slot(now);
        let key = format!("{}@{}", kind.code, slot.timestamp());
        let job = NewJob {
            kind: kind.code,
            owner: AccountId(0),
            payload: "{}",
            total: 0,
            run_at: slot,
            max_attempts: kind.policy.max_attempts,
            dedupe_key: Some(&key),
        };
        let tx = services.store().begin().await?;
        if store::enqueue(&tx, &job, now).await?.is_some() {
            queued += 1;
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// How a node works the queue.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// This node's name in the queue (host, process and a random part).
    pub node: String,
    /// Jobs run at once on this node.
    pub workers: usize,
    /// How long a claim holds without renewal; a dead node's job is retaken after it.
    pub lease: Duration,
    /// How often an idle worker looks for work.
    pub poll: std::time::Duration,
}

impl WorkerOptions {
    /// Two workers, a one-minute lease renewed every 20 s, a look every second.
    pub fn for_node(node: impl Into<String>) -> Self {
        Self { node: node.into(), workers: 2, lease: Duration::seconds(60), poll: std::time::Duration::from_secs(1) }
    }
}

/// A name for this process in the queue: host, process id and a random part, so two
/// processes on one host (or a restarted one) are told apart.
pub fn node_name() -> String {
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "node".to_owned());
    let random: String = crate::crypto::random_token(6).unwrap_or_default().chars().take(6).collect();
    format!("{host}-{}-{random}", std::process::id()).chars().take(64).collect()
}

/// Starts the workers and the scheduler of this node; they run until the returned handles
/// are aborted (a job interrupted that way is retaken after its lease).
pub fn spawn(services: Services, options: WorkerOptions) -> Vec<tokio::task::JoinHandle<()>> {
    let mut handles = Vec::new();
    for _ in 0..options.workers.max(1) {
        let (services, options) = (services.clone(), options.clone());
        handles.push(tokio::spawn(async move {
            loop {
                match work_one(&services, &options).await {
                    Ok(true) => {}
                    Ok(false) => tokio::time::sleep(options.poll).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "jobs: claiming or recording failed; retrying");
                        tokio::time::sleep(options.poll).await;
                    }
                }
            }
        }));
    }
    handles.push(tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = schedule_due(&services).await {
                tracing::warn!(error = %e, "jobs: queueing recurring work failed; retrying");
            }
        }
    }));
    handles
}

/// Claims and runs one due job; false when none was due.
pub async fn work_one(services: &Services, options: &WorkerOptions) -> Result<bool, ServiceError> {
    let now = services.now();
    let tx = services.store().begin().await?;
    let claimed = store::claim(&tx, &options.node, now, options.lease).await?;
    tx.commit().await?;
    let Some(claimed) = claimed else { return Ok(false) };
    let job = claimed.job;
    let started = Instant::now();
    let done = Arc::new(AtomicU64::new(job.done));
    // The job runs beside a heartbeat that renews the lease and writes progress; if the lease
    // was lost (this node stalled and another took the job), the job is dropped unfinished.
    let outcome = {
        let work = run(services, &job, done.clone());
        tokio::pin!(work);
        let mut beat =
            tokio::time::interval((options.lease / 3).to_std().unwrap_or(std::time::Duration::from_secs(20)));
        beat.tick().await;
        loop {
            tokio::select! {
                result = &mut work => break Some(result),
                _ = beat.tick() => {
                    let now = services.now();
                    let tx = services.store().begin().await?;
                    let held = store::heartbeat(&tx, job.id, &options.node, done.load(Ordering::Relaxed), now + options.lease, now).await?;
                    tx.commit().await?;
                    if !held {
                        tracing::warn!(job = job.id, "jobs: lease lost; another node has the job");
                        break None;
                    }
                }
            }
        }
    };
    let Some(outcome) = outcome else { return Ok(true) };
    let now = services.now();
    let (result, output, retry_at) = match outcome {
        Ok(output) => (RunOutcome::Done, output, None),
        Err(e) => {
            tracing::warn!(job = job.id, kind = job.kind, error = %e, "jobs: attempt failed");
            let retry = policy(&job.kind).retry_at(job.attempts, now);
            (RunOutcome::Failed, e.message(sheji_core::i18n::Lang::Zh), retry)
        }
    };
    let ending = Ending {
        id: job.id,
        run: claimed.run,
        node: &options.node,
        outcome: result,
        retry_at,
        output: &output,
        done: done.load(Ordering::Relaxed),
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
    };
    let tx = services.store().begin().await?;
    store::finish(&tx, &ending, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Runs one attempt of a job; its output message. `done` is the progress to report.
async fn run(services: &Services, job: &JobRecord, done: Arc<AtomicU64>) -> Result<String, ServiceError> {
    match job.kind.as_str() {
        IMPORT => run_import(services, job, done).await,
        PING => {
            let p: PingPayload = serde_json::from_str(&job.payload).unwrap_or_default();
            tokio::time::sleep(std::time::Duration::from_millis(p.ms.min(60_000))).await;
            if p.fail {
                return Err(ServiceError::Invalid { key: "job.ping_failed", args: vec![] });
            }
            done.store(1, Ordering::Relaxed);
            Ok("pong".to_owned())
        }
        SEARCH_PRUNE => Ok(crate::search::prune(services).await?.to_string()),
        EXPIRY_REMINDERS => Ok(crate::recognition::remind_expiring(services).await?.to_string()),
        PUBLICITY_CLOSE => Ok(crate::review::publicity::close_windows(services).await?.to_string()),
        RE_REVIEWS_DUE => Ok(crate::recognition::remind_re_reviews(services).await?.to_string()),
        RECTIFICATIONS_LAPSE => Ok(crate::recognition::rectification::revoke_lapsed(services).await?.to_string()),
        FOLLOW_UPS => Ok(crate::service::remind_follow_ups(services).await?.to_string()),
        LOGIN_ATTEMPTS_PRUNE => Ok(crate::identity::prune_login_attempts(services).await?.to_string()),
        DEMANDS_EXPIRE => Ok(crate::matchmaking::expire_demands(services).await?.to_string()),
        DELIVERIES_DEEM => Ok(crate::cooperation::deem_accepted(services).await?.to_string()),
        EVENTS_REMIND => Ok(crate::event::remind(services).await?.to_string()),
        STATISTICS => Ok(crate::statistics::refresh(services).await?.design_centers.to_string()),
        DELIVER => crate::notification::delivery::run(services, &job.payload, job.attempts, policy(DELIVER)).await,
        other => Err(ServiceError::Invalid { key: "job.unknown_kind", args: vec![("kind", other.to_owned())] }),
    }
}

async fn run_import(services: &Services, job: &JobRecord, done: Arc<AtomicU64>) -> Result<String, ServiceError> {
    let p: ImportPayload = serde_json::from_str(&job.payload)
        .map_err(|e| ServiceError::Invalid { key: "job.bad_payload", args: vec![("detail", e.to_string())] })?;
    let lang = sheji_core::i18n::Lang::from_tag(&p.lang).unwrap_or_default();
    let caller = crate::identity::principal_of(services, job.owner).await?.ok_or(ServiceError::Forbidden)?;
    let files = services.files()?;
    let stored = sheji_store::files::get(services.store(), p.file)
        .await?
        .ok_or(ServiceError::NotFound { key: "job.file_gone" })?;
    let bytes = files.read(&stored).await?;
    let upload = Upload::new(bytes, &p.name)?.with_year(p.year);
    let actor = Actor::of(&caller, &p.ip);
    let r = import::commit(services, &caller, &upload, &actor, lang, move |n| done.store(n, Ordering::Relaxed)).await?;
    Ok(lang.tf(
        "import.result",
        &[
            ("created", &r.created.to_string()),
            ("updated", &r.updated.to_string()),
            ("unchanged", &r.unchanged.to_string()),
            ("skipped", &r.skipped.to_string()),
        ],
    ))
}

/// Queues the import of an uploaded file (checked on the page); the job's id. The file goes
/// to the shared file store, so whichever node claims the job can read it.
pub async fn start_import(
    services: &Services,
    caller: &Principal,
    upload: &Upload,
    name: &str,
    rows: u64,
    ip: &str,
    lang: sheji_core::i18n::Lang,
) -> Result<i32, ServiceError> {
    let bytes = upload.bytes();
    let files = services.files()?;
    let now = services.now();
    let tx = services.store().begin().await?;
    let file = files
        .put(
            &tx,
            &sheji_store::files::NewFile {
                owner_type: "job",
                owner_id: caller.account.get(),
                purpose: "import",
                name,
                content_type: "application/octet-stream",
                uploaded_by: &caller.username,
            },
            &crate::crypto::file_key().map_err(ServiceError::internal)?,
            bytes,
            now,
        )
        .await?;
    let payload = json!(ImportPayload {
        file,
        name: name.to_owned(),
        lang: lang.tag().to_owned(),
        ip: ip.to_owned(),
        year: upload.year(),
    })
    .to_string();
    let job = NewJob {
        kind: IMPORT,
        owner: caller.account,
        payload: &payload,
        total: rows,
        run_at: now,
        max_attempts: policy(IMPORT).max_attempts,
        dedupe_key: None,
    };
    let id = store::enqueue(&tx, &job, now).await?.ok_or(ServiceError::Conflict { key: "job.queued_already" })?;
    tx.commit().await?;
    Ok(id)
}

/// A job as its owner sees it.
#[derive(Debug, Clone)]
pub struct JobView {
    /// The record.
    pub record: JobRecord,
    /// Waiting or running.
    pub running: bool,
    /// Failed (after its last attempt).
    pub failed: bool,
}

/// The caller's job; another account's job is not found.
pub async fn get(services: &Services, caller: &Principal, id: i32) -> Result<JobView, ServiceError> {
    let record = store::find(services.store(), id, caller.account)
        .await?
        .ok_or(ServiceError::NotFound { key: "job.not_found" })?;
    Ok(JobView { running: !record.status.is_final(), failed: record.status == JobStatus::Failed, record })
}

fn require_admin(services: &Services, caller: &Principal) -> Result<(), ServiceError> {
    if crate::identity::actions(services, caller).settings { Ok(()) } else { Err(ServiceError::Forbidden) }
}

/// The jobs page for administrators: counts by status and one page of jobs.
pub async fn list(
    services: &Services,
    caller: &Principal,
    filter: &JobFilter,
    page: PageRequest,
) -> Result<(Vec<(JobStatus, u64)>, Page<JobRecord>), ServiceError> {
    require_admin(services, caller)?;
    Ok((store::count_by_status(services.store()).await?, store::list(services.store(), filter, page).await?))
}

/// One job with its attempts (administrators).
pub async fn detail(
    services: &Services,
    caller: &Principal,
    id: i32,
) -> Result<(JobRecord, Vec<RunRecord>), ServiceError> {
    require_admin(services, caller)?;
    let job = store::get(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "job.not_found" })?;
    Ok((job, store::runs(services.store(), id).await?))
}

/// Queues the end-to-end check (administrators); its id.
pub async fn ping(services: &Services, caller: &Principal) -> Result<i32, ServiceError> {
    require_admin(services, caller)?;
    enqueue(services, PING, caller.account, &json!({"ms": 0}), 1).await
}

/// When a recurring kind runs next, for the jobs page: (kind, next run).
pub fn schedule(services: &Services) -> Vec<(&'static str, chrono::DateTime<chrono::Utc>)> {
    let now = services.now();
    kinds()
        .into_iter()
        .filter_map(|k| {
            let next = k.schedule?.next(now);
            Some((k.code, next))
        })
        .collect()
}
