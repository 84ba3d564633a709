//! The audit trail over JSON, for auditors' tools.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_service::audit::{self, AuditFilter, AuditRecord};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiQuery, Paged};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;
use crate::identity::api::rfc3339_ms;

/// One audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditResponse {
    /// Position in the trail.
    pub id: i32,
    /// When (RFC 3339).
    pub at: String,
    /// Acting username, `anonymous` or `system`.
    pub actor: String,
    /// Client address.
    pub ip: String,
    /// What happened (`account.create`, `login.failed` …).
    pub action: String,
    /// Kind of record.
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// Changed fields before.
    pub before: serde_json::Value,
    /// Changed fields after.
    pub after: serde_json::Value,
}

impl From<AuditRecord> for AuditResponse {
    fn from(r: AuditRecord) -> Self {
        Self {
            id: r.id.get(),
            at: rfc3339_ms(r.at_ms),
            actor: r.actor_name,
            ip: r.ip,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            before: serde_json::from_str(&r.before).unwrap_or(serde_json::Value::Null),
            after: serde_json::from_str(&r.after).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Filters and paging for the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Acting username.
    pub actor: Option<String>,
    /// Action, or a prefix ending in `.` (`account.`).
    pub action: Option<String>,
    /// Kind of record.
    pub target_type: Option<String>,
    /// Record id.
    pub target_id: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, at most 200.
    pub per_page: Option<u64>,
}

/// The audit trail, newest first (`audit.read`).
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, body = Paged<AuditResponse>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Paged<AuditResponse>>, ApiError> {
    let filter = AuditFilter {
        actor: q.actor,
        action: q.action,
        target_type: q.target_type,
        target_id: q.target_id,
        from_ms: None,
        to_ms: None,
    };
    let page = audit::list(&state.services, &p, &filter, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, AuditResponse::from)))
}
