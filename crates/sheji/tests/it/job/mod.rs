//! The job queue across nodes: every job runs once however many nodes work the queue, a node
//! that dies mid-job has its job finished by another after the lease, a recurring slot is
//! queued once, and a failing job backs off and stops after its attempts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use serde_json::json;
use sheji_core::clock::FixedClock;
use sheji_core::ids::AccountId;
use sheji_core::job::{JobStatus, RunOutcome};
use sheji_service::job::{self, WorkerOptions};
use sheji_service::{Backend, Services};

use crate::support::{TestApp, backend_tests, test_secrets};

/// A second node on the test app's database: its own connection pools, the same clock.
async fn second_node(app: &TestApp) -> Services {
    let clock: Arc<FixedClock> = app.clock.clone();
    let (services, _) = sheji_service::platform::open(app.db.url(), clock, test_secrets()).await.expect("second node");
    services
}

fn fast(node: &str) -> WorkerOptions {
    WorkerOptions { poll: Duration::from_millis(5), ..WorkerOptions::for_node(node) }
}

async fn wait_until_final(services: &Services, ids: &[i32], within: Duration) {
    let started = Instant::now();
    let admin = sheji_service::identity::system_principal();
    loop {
        let mut open = 0;
        for id in ids {
            let (job, _) = job::detail(services, &admin, *id).await.expect("job");
            if !job.status.is_final() {
                open += 1;
            }
        }
        if open == 0 {
            return;
        }
        assert!(started.elapsed() < within, "{open} jobs still open after {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

backend_tests!(two_nodes_run_every_job_once_and_finish_a_dead_nodes_job);

async fn two_nodes_run_every_job_once_and_finish_a_dead_nodes_job(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let other = second_node(&app).await;
    // Node A works on its own pool too: its tasks are aborted below (a node dying), and a
    // MySQL connection dropped mid-query must not be one the test itself reads through next.
    let node_a = second_node(&app).await;
    // SQLite has one writer: fewer jobs keep the suite quick there; the servers take 1 000.
    let n = if backend == Backend::Sqlite { 200 } else { 1_000 };
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(job::enqueue(&app.services, job::PING, AccountId(0), &json!({"ms": 0}), 1).await.expect("queue"));
    }
    let started = Instant::now();
    let a = job::spawn(node_a.clone(), fast("node-a"));
    let b = job::spawn(other.clone(), fast("node-b"));
    wait_until_final(&app.services, &ids, Duration::from_secs(120)).await;
    let elapsed = started.elapsed();
    println!(
        "jobs: {n} ping jobs on two nodes ({backend:?}) in {elapsed:?}: {:.0} per second",
        n as f64 / elapsed.as_secs_f64()
    );
    let admin = sheji_service::identity::system_principal();
    let mut nodes = std::collections::BTreeSet::new();
    for id in &ids {
        let (j, runs) = job::detail(&app.services, &admin, *id).await.unwrap();
        assert_eq!(j.status, JobStatus::Done);
        assert_eq!(runs.len(), 1, "job {id} ran once: {runs:?}");
        assert_eq!(runs[0].outcome, RunOutcome::Done);
        nodes.insert(runs[0].node.clone());
    }
    assert_eq!(nodes.len(), 2, "both nodes worked the queue: {nodes:?}");
    a.iter().chain(&b).for_each(tokio::task::JoinHandle::abort);

    // A node dies mid-job: its lease runs out and the other node finishes the job.
    let slow = job::enqueue(&app.services, job::PING, AccountId(0), &json!({"ms": 1500}), 1).await.unwrap();
    let a = job::spawn(node_a.clone(), fast("node-a"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while job::detail(&app.services, &admin, slow).await.unwrap().0.status != JobStatus::Running {
        assert!(Instant::now() < deadline, "node A never claimed the job");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.iter().for_each(tokio::task::JoinHandle::abort);
    let b = job::spawn(other.clone(), fast("node-b"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (held, _) = job::detail(&app.services, &admin, slow).await.unwrap();
    assert_eq!(held.lease_owner.as_deref(), Some("node-a"), "a live lease is respected");
    app.clock.advance(Span::seconds(61));
    wait_until_final(&app.services, &[slow], Duration::from_secs(30)).await;
    // The job row and its attempt are written in one transaction; a pooled connection that an
    // aborted task left may still read an older snapshot once, so read until both agree.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (finished, runs) = loop {
        let (job, runs) = job::detail(&app.services, &admin, slow).await.unwrap();
        if runs.iter().all(|r| r.outcome != RunOutcome::Running) || Instant::now() > deadline {
            break (job, runs);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(finished.status, JobStatus::Done);
    let outcomes: Vec<(String, RunOutcome)> = runs.into_iter().map(|r| (r.node, r.outcome)).collect();
    assert_eq!(
        outcomes,
        [("node-a".to_owned(), RunOutcome::Lost), ("node-b".to_owned(), RunOutcome::Done)],
        "node A's attempt is recorded as lost, node B's as done"
    );
    b.iter().for_each(tokio::task::JoinHandle::abort);
    other.close().await.ok();
    // Not closed politely: a connection an aborted task left mid-query may never answer.
    drop(node_a);
    app.finish().await;
}

backend_tests!(a_recurring_slot_is_queued_once_and_a_failing_job_backs_off);

async fn a_recurring_slot_is_queued_once_and_a_failing_job_backs_off(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let other = second_node(&app).await;
    // Both nodes' schedulers look at once: one copy of each slot of each recurring kind (the
    // hourly clean-up, the daily reminders).
    let recurring: Vec<&str> = job::kinds().iter().filter(|k| k.schedule.is_some()).map(|k| k.code).collect();
    assert_eq!(
        recurring,
        [
            "search.prune",
            "recognition.remind",
            "review.publicity_close",
            "recognition.re_review_due",
            "recognition.rectification_lapse",
            "service.follow_up",
            "matchmaking.expire",
            "event.remind",
            "cooperation.deem_accepted",
            "statistics.refresh",
            "identity.prune_attempts"
        ]
    );
    let recurring = recurring.len();
    let (x, y) = tokio::join!(job::schedule_due(&app.services), job::schedule_due(&other));
    assert_eq!(x.unwrap() + y.unwrap(), recurring, "each slot is queued once");
    assert_eq!(job::schedule_due(&app.services).await.unwrap(), 0, "and not again in the same slot");
    // 17:00 in Chongqing: an hour later only the hourly jobs (clean-up, statistics) have a new
    // slot.
    app.clock.advance(Span::hours(1));
    assert_eq!(job::schedule_due(&other).await.unwrap(), 2, "the next hour's slots");
    assert_eq!(app.run_jobs().await, recurring + 2);

    // A job that fails is tried again after 30 s, then 1 min, … and fails for good after five.
    let failing = job::enqueue(&app.services, job::PING, AccountId(0), &json!({"fail": true}), 1).await.unwrap();
    let admin = sheji_service::identity::system_principal();
    for attempt in 1..=5u32 {
        assert_eq!(app.run_jobs().await, 1, "attempt {attempt} runs when due");
        let (j, _) = job::detail(&app.services, &admin, failing).await.unwrap();
        assert_eq!(j.attempts, attempt);
        if attempt < 5 {
            assert_eq!(j.status, JobStatus::Queued);
            assert_eq!(app.run_jobs().await, 0, "not before its back-off");
            app.clock.advance(Span::seconds(30 << (attempt - 1)));
        } else {
            assert_eq!(j.status, JobStatus::Failed);
            assert!(j.result.contains("按要求失败"), "{}", j.result);
        }
    }
    other.close().await.ok();
    app.finish().await;
}

/// Administrators see the queue, the recurring work and each job's attempts, and can check
/// the queue end to end; nobody else can open it.
#[tokio::test]
async fn administrators_watch_the_queue_and_others_cannot() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("admin1", "admin", None, None).await;
    app.user("city1", "city_officer", None, None).await;
    let (admin, city) = (app.signed_in("admin1").await, app.signed_in("city1").await);
    assert_eq!(app.get_as(&city, "/admin/jobs").await.status, 403);
    let queued = app.post_form(&admin, "/admin/jobs/ping", &[]).await;
    assert_eq!(queued.status, 303);
    let page = app.get_as(&admin, "/admin/jobs?done=ping").await;
    assert!(page.body.contains("已提交检查任务") && page.body.contains("排队中"), "{}", page.body);
    assert!(page.body.contains("清理搜索同步记录"), "the recurring work and its next run are listed");
    assert_eq!(app.run_jobs().await, 1);
    let id: String = page.body.split("/admin/jobs/").nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect();
    let detail = app.get_as(&admin, &format!("/admin/jobs/{id}")).await;
    assert!(
        detail.body.contains("已完成") && detail.body.contains("test-node") && detail.body.contains("pong"),
        "{}",
        detail.body
    );
    let en = app.get_as(&admin, &format!("/admin/jobs/{id}?lang=en")).await;
    assert!(en.body.contains("Connectivity check") && en.body.contains("Attempt 1"), "{}", en.body);
    assert_eq!(app.get_as(&city, &format!("/admin/jobs/{id}")).await.status, 404, "not the officer's job");
    app.finish().await;
}

#[tokio::test]
async fn the_plan_s_progress_is_counted_by_the_hourly_job_and_shown_on_the_home_page() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let before = app.get("/").await;
    assert!(before.body.contains("进展尚未统计"), "{}", before.body);
    job::schedule_due(&app.services).await.unwrap();
    app.run_jobs().await;
    let after = app.get("/").await;
    // The demo's concluded call recognized one district design center; its companies report
    // new-product sales for their latest year.
    assert!(after.body.contains("现有有效的各级工业设计中心 1 家"), "{}", after.body);
    assert!(after.body.contains("现有有效的骨干设计企业 0 家"));
    assert!(after.body.contains("年设计驱动新产品销售收入") && after.body.contains("统计于"));
    assert!(after.body.contains("平台尚未记录"), "the targets the platform cannot count yet say so");
    let en = app.get("/?lang=en").await;
    assert!(en.body.contains("Design centers in force, all tiers: 1") && !en.body.contains("现有有效"));
    app.finish().await;
}
