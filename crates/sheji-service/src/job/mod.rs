//! Long work run in the background with its progress and result recorded in the database, so
//! the page that started it can follow it, from any node. An import of 100 000 rows commits
//! batch by batch; the page shows how far it got.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sheji_core::identity::Principal;
use sheji_store::job::{self as store, JobRecord};

use crate::audit::Actor;
use crate::registry::import::{self, Upload};
use crate::{ServiceError, Services};

/// A running job that wrote no progress for this long was interrupted (its node stopped).
pub const STALE_SECONDS: i64 = 120;

/// A job as its owner sees it.
#[derive(Debug, Clone)]
pub struct JobView {
    /// The record.
    pub record: JobRecord,
    /// Still running (and not stale).
    pub running: bool,
    /// Stopped without finishing (the node went away).
    pub interrupted: bool,
}

/// The caller's job; another account's job is not found.
pub async fn get(services: &Services, caller: &Principal, id: i32) -> Result<JobView, ServiceError> {
    let record = store::find(services.store(), id, caller.account)
        .await?
        .ok_or(ServiceError::NotFound { key: "job.not_found" })?;
    let stale = services.now() - record.updated_at > chrono::Duration::seconds(STALE_SECONDS);
    let running = record.status == "running" && !stale;
    let interrupted = record.status == "running" && stale;
    Ok(JobView { record, running, interrupted })
}

/// Starts committing the valid rows of an uploaded file in the background; returns the job id
/// at once. `rows` is the number of data rows the check found, for the progress bar. Progress
/// is written about once a second; the result is the commit's summary in the caller's language.
pub async fn start_import(
    services: &Services,
    caller: &Principal,
    upload: Upload,
    rows: u64,
    actor: Actor,
    lang: sheji_core::i18n::Lang,
) -> Result<i32, ServiceError> {
    let tx = services.store().begin().await?;
    let id = store::create(&tx, "import.orgs", caller.account, rows, services.now()).await?;
    tx.commit().await?;
    let done = Arc::new(AtomicU64::new(0));
    let (services, caller) = (services.clone(), caller.clone());
    tokio::spawn(async move {
        // The work runs as its own task: the progress writer below waits for the writer
        // connection, which the work holds mid-batch, and must not stop the work meanwhile.
        let counter = done.clone();
        let worker_services = services.clone();
        let mut work = tokio::spawn(async move {
            import::commit(&worker_services, &caller, &upload, &actor, lang, move |n| {
                counter.store(n, Ordering::Relaxed)
            })
            .await
        });
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        let outcome = loop {
            tokio::select! {
                joined = &mut work => break joined.unwrap_or_else(|e| Err(ServiceError::Invalid { key: "error.internal", args: vec![("detail", e.to_string())] })),
                _ = tick.tick() => {
                    if let Ok(tx) = services.store().begin().await {
                        let _ = store::progress(&tx, id, done.load(Ordering::Relaxed), services.now()).await;
                        let _ = tx.commit().await;
                    }
                }
            }
        };
        let (status, result) = match outcome {
            Ok(r) => (
                "done",
                lang.tf(
                    "import.result",
                    &[
                        ("created", &r.created.to_string()),
                        ("updated", &r.updated.to_string()),
                        ("unchanged", &r.unchanged.to_string()),
                        ("skipped", &r.skipped.to_string()),
                    ],
                ),
            ),
            Err(e) => {
                tracing::error!(error = %e, job = id, "import failed");
                ("failed", e.message(lang))
            }
        };
        if let Ok(tx) = services.store().begin().await {
            let _ = store::progress(&tx, id, done.load(Ordering::Relaxed), services.now()).await;
            let _ = store::finish(&tx, id, status, &result, services.now()).await;
            let _ = tx.commit().await;
        }
    });
    Ok(id)
}
