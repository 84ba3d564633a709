//! Health probes: `/healthz` says the process is up, `/readyz` that the database answers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::ReqLang;

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProbeResponse {
    /// `ok` when healthy.
    pub status: &'static str,
}

/// The process is up and serving.
#[utoipa::path(get, path = "/healthz", tag = "platform", responses((status = 200, body = ProbeResponse)))]
pub async fn healthz() -> Json<ProbeResponse> {
    Json(ProbeResponse { status: "ok" })
}

/// The database answers; a load balancer sends traffic only when this is 200.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "platform",
    responses((status = 200, body = ProbeResponse), (status = 503, body = crate::error::ErrorBody))
)]
pub async fn readyz(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<(StatusCode, Json<ProbeResponse>), ApiError> {
    sheji_service::platform::ready(&state.services).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok((StatusCode::OK, Json(ProbeResponse { status: "ok" })))
}
