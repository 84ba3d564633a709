//! The job pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::i18n::{self, Lang};
use sheji_core::job::JobStatus;
use sheji_core::page::PageRequest;
use sheji_service::job::{self as service, JobFilter, JobRecord};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx, Pager};

/// One attempt of a job, as the table shows it.
struct RunLine {
    attempt: String,
    node: String,
    started: String,
    outcome: String,
    badge: &'static str,
    duration: String,
    output: String,
}

#[derive(Template)]
#[template(path = "job/job.html")]
struct JobPage {
    chrome: Chrome,
    running: bool,
    status: String,
    badge: &'static str,
    progress_line: String,
    percent: u64,
    width: u64,
    result: String,
    /// An import's own page offers the way back to the register.
    import: bool,
    /// Administrators see every attempt.
    runs: Option<Vec<RunLine>>,
}

fn kind_label(lang: Lang, kind: &str) -> String {
    let key = format!("job.kind.{kind}");
    if sheji_core::i18n::catalogue::has(&key) { lang.t(&key).to_owned() } else { kind.to_owned() }
}

/// A job's page: its owner follows its progress (the page refreshes itself every two seconds
/// while it waits or runs); administrators see any job with its attempts.
pub async fn job(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let s = &state.services;
    let admin = sheji_service::identity::actions(s, &p).settings;
    let (record, runs) = if admin {
        let (job, runs) =
            service::detail(s, &p, id).await.map_err(|e| PageError::service(&e, ctx.chrome("job.title")))?;
        (job, Some(runs))
    } else {
        let view = service::get(s, &p, id).await.map_err(|e| PageError::service(&e, ctx.chrome("job.title")))?;
        (view.record, None)
    };
    let import = record.kind == service::IMPORT;
    let mut chrome = ctx.chrome("job.title");
    chrome = if import {
        chrome.crumb("nav.admin_organizations", Some("/admin/organizations"))
    } else {
        chrome.crumb("job.admin.title", Some("/admin/jobs"))
    };
    if !import {
        chrome.title = kind_label(lang, &record.kind);
    }
    let percent = (record.done * 100)
        .checked_div(record.total)
        .unwrap_or(if record.status.is_final() { 100 } else { 0 })
        .min(100);
    let page = JobPage {
        running: !record.status.is_final(),
        status: lang.t(&format!("job.status.{}", record.status.code())).to_owned(),
        badge: record.status.badge(),
        progress_line: lang
            .tf("job.progress_line", &[("done", &i18n::count(record.done)), ("total", &i18n::count(record.total))]),
        percent,
        width: percent / 5 * 5,
        result: record.result.clone(),
        import,
        runs: runs.map(|runs| {
            runs.into_iter()
                .map(|r| RunLine {
                    attempt: lang.tf("job.admin.attempt_line", &[("attempt", &r.attempt.to_string())]),
                    node: r.node,
                    started: i18n::datetime(r.started_at),
                    outcome: lang.t(&format!("job.outcome.{}", r.outcome.code())).to_owned(),
                    badge: r.outcome.badge(),
                    duration: r
                        .duration_ms
                        .map(|ms| {
                            lang.tf("job.admin.duration_ms", &[("ms", &i18n::count(u64::try_from(ms).unwrap_or(0)))])
                        })
                        .unwrap_or_default(),
                    output: r.output,
                })
                .collect()
        }),
        chrome,
    };
    Ok(render(StatusCode::OK, &page))
}

/// One job in the administrators' list.
struct JobLine {
    id: i32,
    kind: String,
    status: String,
    badge: &'static str,
    attempts: String,
    created: String,
    finished: String,
    owner: String,
    result: String,
}

/// A status in the filter, with its count.
struct StatusChoice {
    code: &'static str,
    label: String,
    count: u64,
    selected: bool,
}

/// A recurring job and when it runs next.
struct ScheduleLine {
    kind: String,
    next: String,
}

#[derive(Template)]
#[template(path = "job/jobs.html")]
struct JobsPage {
    chrome: Chrome,
    statuses: Vec<StatusChoice>,
    rows: Vec<JobLine>,
    pager: Pager,
    schedule: Vec<ScheduleLine>,
    notice: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct JobsQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

fn line(lang: Lang, j: JobRecord) -> JobLine {
    JobLine {
        id: j.id,
        kind: kind_label(lang, &j.kind),
        status: lang.t(&format!("job.status.{}", j.status.code())).to_owned(),
        badge: j.status.badge(),
        attempts: format!("{} / {}", j.attempts, j.max_attempts),
        created: i18n::datetime(j.created_at),
        finished: j.finished_at.map(i18n::datetime).unwrap_or_default(),
        owner: if j.owner.get() == 0 { lang.t("job.admin.platform").to_owned() } else { format!("#{}", j.owner) },
        result: j.result.chars().take(120).collect(),
    }
}

/// The queue (administrators).
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<JobsQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let s = &state.services;
    let chrome = ctx.chrome("job.admin.title");
    let status = JobStatus::parse(&q.status);
    let filter = JobFilter { statuses: status.into_iter().collect(), kind: None };
    let request = PageRequest::new(q.page.parse().ok(), None);
    let (counts, page) = match service::list(s, &p, &filter, request).await {
        Ok(x) => x,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let view = JobsPage {
        statuses: counts
            .into_iter()
            .map(|(st, count)| StatusChoice {
                code: st.code(),
                label: lang.t(&format!("job.status.{}", st.code())).to_owned(),
                count,
                selected: Some(st) == status,
            })
            .collect(),
        pager: chrome.pager(&page),
        rows: page.items.into_iter().map(|j| line(lang, j)).collect(),
        schedule: service::schedule(s)
            .into_iter()
            .map(|(kind, next)| ScheduleLine { kind: kind_label(lang, kind), next: i18n::datetime(next) })
            .collect(),
        notice: (q.done == "ping").then(|| lang.t("job.admin.pinged").to_owned()),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// Queues the connectivity check.
pub async fn ping(State(state): State<AppState>, ctx: Ctx, PageUser(p, _): PageUser) -> Result<Response, PageError> {
    match service::ping(&state.services, &p).await {
        Ok(_) => Ok(Redirect::to("/admin/jobs?done=ping").into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("job.admin.title"))),
    }
}
