//! Reference data over JSON: districts (abolished ones included, with their dates) and the
//! 33618 clusters.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::ids::DistrictId;
use sheji_core::reference::{Cluster, ClusterTier, Confirmation, District, DistrictKind, DistrictStatus, DivisionCode};
use sheji_service::reference::{self, DistrictFilter};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiPath, ApiQuery, Paged};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// A district, county or functional zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictResponse {
    /// Stable id (functional zones have no division code).
    pub id: i32,
    /// GB/T 2260 six-digit code, if the division has one.
    pub code: Option<String>,
    /// Official name.
    pub name: String,
    /// `district`, `county`, `autonomous_county` or `functional_zone`.
    pub kind: String,
    /// `active`, `abolished` or `superseded`.
    pub status: String,
    /// When it stopped being in force: `YYYY-MM` or `YYYY-MM-DD`.
    pub valid_to: Option<String>,
    /// Where the row comes from.
    pub source: String,
}

impl From<District> for DistrictResponse {
    fn from(d: District) -> Self {
        Self {
            id: d.id.get(),
            code: d.code.map(|c| c.to_string()),
            name: d.name,
            kind: d.kind.code().to_owned(),
            status: d.status.code().to_owned(),
            valid_to: d.valid_to.map(|v| v.to_string()),
            // The reference list's remarks are research notes for maintainers, not published.
            source: d.source,
        }
    }
}

/// A cluster of the 33618 system.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterResponse {
    /// Stable id.
    pub id: i32,
    /// 1 (万亿级主导) to 4 (“新星”).
    pub tier: u8,
    /// The tier's name.
    pub tier_name: String,
    /// The cluster's name.
    pub name: String,
    /// Whether the row was confirmed against an official source.
    pub confirmed: bool,
    /// Where the row comes from.
    pub source: String,
}

impl From<Cluster> for ClusterResponse {
    fn from(c: Cluster) -> Self {
        Self {
            id: c.id.get(),
            tier: c.tier.get(),
            tier_name: c.tier_name,
            name: c.name,
            confirmed: c.confirmation == Confirmation::Confirmed,
            source: c.source,
        }
    }
}

/// Filters and paging for the district list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DistrictQuery {
    /// `district`, `county`, `autonomous_county` or `functional_zone`.
    pub kind: Option<String>,
    /// `active`, `abolished` or `superseded`.
    pub status: Option<String>,
    /// A GB/T 2260 code; historical (abolished) codes are found too.
    pub code: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, at most 200 (default 50).
    pub per_page: Option<u64>,
}

/// Turns the text filters into typed ones; an unknown value is a 400 naming the valid ones.
pub fn district_filter(kind: Option<&str>, status: Option<&str>, code: Option<&str>) -> Result<DistrictFilter, String> {
    let kind = kind
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<DistrictKind>()
                .map_err(|_| format!("kind={s} (district, county, autonomous_county, functional_zone)"))
        })
        .transpose()?;
    let status = status
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<DistrictStatus>().map_err(|_| format!("status={s} (active, abolished, superseded)")))
        .transpose()?;
    let code = code
        .filter(|s| !s.is_empty())
        .map(|s| DivisionCode::parse(s).map_err(|_| format!("code={s} (6 digits)")))
        .transpose()?;
    Ok(DistrictFilter { kind, status, code, sort: Default::default() })
}

/// Districts in the order of the official list.
#[utoipa::path(
    get,
    path = "/api/v1/districts",
    tag = "reference",
    params(DistrictQuery),
    responses((status = 200, body = Paged<DistrictResponse>), (status = 400, body = ErrorBody))
)]
pub async fn list_districts(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiQuery(q): ApiQuery<DistrictQuery>,
) -> Result<Json<Paged<DistrictResponse>>, ApiError> {
    let filter = district_filter(q.kind.as_deref(), q.status.as_deref(), q.code.as_deref())
        .map_err(|detail| ApiError::bad_request(&detail, lang))?;
    let page = reference::list_districts(&state.services, &filter, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, DistrictResponse::from)))
}

/// One district by id, abolished or not.
#[utoipa::path(
    get,
    path = "/api/v1/districts/{id}",
    tag = "reference",
    params(("id" = i32, Path, description = "District id")),
    responses((status = 200, body = DistrictResponse), (status = 404, body = ErrorBody))
)]
pub async fn get_district(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<DistrictResponse>, ApiError> {
    let district =
        reference::get_district(&state.services, DistrictId(id)).await.map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(district.into()))
}

/// Paging and the tier filter for the cluster list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClusterQuery {
    /// Only this tier (1–4).
    pub tier: Option<u8>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, at most 200 (default 50).
    pub per_page: Option<u64>,
}

/// The 33618 clusters, by tier.
#[utoipa::path(
    get,
    path = "/api/v1/clusters",
    tag = "reference",
    params(ClusterQuery),
    responses((status = 200, body = Paged<ClusterResponse>), (status = 400, body = ErrorBody))
)]
pub async fn list_clusters(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiQuery(q): ApiQuery<ClusterQuery>,
) -> Result<Json<Paged<ClusterResponse>>, ApiError> {
    let tier = q
        .tier
        .map(ClusterTier::new)
        .transpose()
        .map_err(|_| ApiError::bad_request(&format!("tier={} (1-4)", q.tier.unwrap_or_default()), lang))?;
    let page = reference::list_clusters(&state.services, tier, crate::api::page_request(q.page, q.per_page, lang)?)
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, ClusterResponse::from)))
}
