//! The audit trail page with its filters and its CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, TimeZone};
use serde::Deserialize;
use sheji_core::i18n;
use sheji_core::page::PageRequest;
use sheji_service::ServiceError;
use sheji_service::audit::{self, AuditFilter, AuditRecord};

use crate::AppState;
use crate::auth::PageUser;
use crate::download::CsvOut;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx, Pager};

/// One row of the audit page.
pub struct AuditRow {
    id: i32,
    time: String,
    actor: String,
    ip: String,
    action: String,
    target: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    count_line: String,
    export_href: String,
    filter_actor: String,
    filter_action: String,
    filter_target_type: String,
    filter_target_id: String,
    filter_from: String,
    filter_to: String,
    pager: Pager,
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target_type: String,
    #[serde(default)]
    target_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

fn day_start_ms(text: &str, plus_days: i64) -> Option<i64> {
    // Days are China Standard Time days.
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let cst = chrono::FixedOffset::east_opt(8 * 3600)?;
    let start = cst.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).single()?;
    Some((start + chrono::Duration::days(plus_days)).timestamp_millis())
}

fn audit_filter(q: &AuditQuery) -> AuditFilter {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    AuditFilter {
        actor: some(&q.actor),
        action: some(&q.action),
        target_type: some(&q.target_type),
        target_id: some(&q.target_id),
        from_ms: day_start_ms(&q.from, 0),
        to_ms: day_start_ms(&q.to, 1),
    }
}

fn audit_time(r: &AuditRecord) -> String {
    chrono::DateTime::from_timestamp_millis(r.at_ms).map(i18n::datetime).unwrap_or_default()
}

pub async fn audit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.audit").crumb("nav.system", None);
    let filter = audit_filter(&q);
    let page = match audit::list(&state.services, &p, &filter, PageRequest::new(q.page.parse().ok(), None)).await {
        Ok(page) => page,
        Err(ServiceError::Forbidden) => return Err(PageError::forbidden(chrome)),
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let query = ctx.uri.query().unwrap_or_default();
    let view = AuditPage {
        count_line: ctx.lang.tf("audit.count", &[("n", &i18n::count(page.total))]),
        export_href: format!("/admin/audit/export.csv?{query}"),
        pager: chrome.pager(&page),
        rows: page
            .items
            .iter()
            .map(|r| AuditRow {
                id: r.id.get(),
                time: audit_time(r),
                actor: r.actor_name.clone(),
                ip: r.ip.clone(),
                action: r.action.clone(),
                target: format!("{} {}", r.target_type, r.target_id),
                before: r.before.clone(),
                after: r.after.clone(),
            })
            .collect(),
        filter_actor: q.actor,
        filter_action: q.action,
        filter_target_type: q.target_type,
        filter_target_id: q.target_id,
        filter_from: q.from,
        filter_to: q.to,
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

pub async fn audit_export(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let filter = audit_filter(&q);
    let mut out = CsvOut::new(
        ctx.lang,
        &[
            "audit.id",
            "audit.time",
            "audit.actor",
            "audit.ip",
            "audit.action",
            "audit.target_type",
            "audit.target_id",
            "audit.before",
            "audit.after",
        ],
    );
    let result = audit::export(&state.services, &p, &filter, |r| {
        let cells = [
            r.id.to_string(),
            audit_time(r),
            r.actor_name.clone(),
            r.ip.clone(),
            r.action.clone(),
            r.target_type.clone(),
            r.target_id.clone(),
            r.before.clone(),
            r.after.clone(),
        ];
        out.row(&cells);
    })
    .await;
    match result {
        Ok(_) => Ok(out.into_response("audit.csv")),
        Err(ServiceError::Forbidden) => Err(PageError::forbidden(ctx.chrome("nav.audit"))),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.audit"))),
    }
}
