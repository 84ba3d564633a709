//! Organizations over JSON: the public directory for everyone, private fields where the
//! caller's scope reaches, and the scoped staff list.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;
use sheji_service::registry::{self, OrgFilter, OrgPublic, OrgView, PrivateView};
use utoipa::{IntoParams, ToSchema};

use super::{ApiPath, ApiQuery, Paged};
use crate::AppState;
use crate::auth::{ApiUser, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::ReqLang;

/// The fields only callers whose scope reaches the organization get.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgPrivateResponse {
    /// Street address.
    pub address: String,
    /// Date of establishment (YYYY-MM-DD).
    pub founded_on: Option<String>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone; masked as 138****1234 unless the caller may edit the organization.
    pub contact_phone: Option<String>,
}

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgResponse {
    /// Id.
    pub id: i32,
    /// 统一社会信用代码.
    pub uscc: String,
    /// Full name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// District id.
    pub district_id: i32,
    /// District name.
    pub district: String,
    /// GB/T 4754 division code.
    pub industry_code: Option<String>,
    /// What it does.
    pub description: String,
    /// Present only when the caller's scope reaches the organization.
    pub private: Option<OrgPrivateResponse>,
}

fn response(public: OrgPublic, private: Option<PrivateView>) -> OrgResponse {
    OrgResponse {
        id: public.id.get(),
        kind: public.kind.code().to_owned(),
        district_id: public.district_id.get(),
        uscc: public.uscc,
        name: public.name,
        district: public.district_name,
        industry_code: public.industry_code,
        description: public.description,
        private: private.map(|p| OrgPrivateResponse {
            address: p.address,
            founded_on: p.founded_on.map(|d| d.to_string()),
            contact_name: p.contact_name,
            contact_phone: p.contact_phone,
        }),
    }
}

impl From<OrgView> for OrgResponse {
    fn from(v: OrgView) -> Self {
        response(v.public, v.private)
    }
}

/// Filters and paging for organization lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// District id.
    pub district: Option<i32>,
    /// Kind code.
    pub kind: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, at most 200.
    pub per_page: Option<u64>,
}

fn filter(q: &OrgQuery, lang: sheji_core::i18n::Lang) -> Result<OrgFilter, ApiError> {
    let kind = q
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .map(str::parse::<OrgKind>)
        .transpose()
        .map_err(|_| ApiError::bad_request("kind", lang))?;
    Ok(OrgFilter { district: q.district.map(DistrictId), kind, ..Default::default() })
}

/// The public directory: every organization, public fields only.
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "registry",
    params(OrgQuery),
    responses((status = 200, body = Paged<OrgResponse>), (status = 400, body = ErrorBody))
)]
pub async fn list_public(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> Result<Json<Paged<OrgResponse>>, ApiError> {
    let page = registry::list_public(&state.services, &filter(&q, lang)?, PageRequest::new(q.page, q.per_page))
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, |o| response(o, None))))
}

/// One organization; `private` is filled only where the caller's scope reaches it.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "registry",
    params(("id" = i32, Path, description = "Organization id")),
    responses((status = 200, body = OrgResponse), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<OrgResponse>, ApiError> {
    let view = registry::get(&state.services, caller.principal.as_ref(), OrganizationId(id))
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(view.into()))
}

/// The organizations the caller's `registry.read_private` scope reaches, with private fields.
#[utoipa::path(
    get,
    path = "/api/v1/staff/organizations",
    tag = "registry",
    security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, body = Paged<OrgResponse>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub async fn list_private(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> Result<Json<Paged<OrgResponse>>, ApiError> {
    let page = registry::list_private(&state.services, &p, &filter(&q, lang)?, PageRequest::new(q.page, q.per_page))
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(Paged::from_page(page, OrgResponse::from)))
}

/// One organization with its private fields; 404 when the caller's scope does not reach it.
#[utoipa::path(
    get,
    path = "/api/v1/staff/organizations/{id}",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Organization id")),
    responses((status = 200, body = OrgResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get_private(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiUser(p, _): ApiUser,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<OrgResponse>, ApiError> {
    let view = registry::get_private(&state.services, &p, OrganizationId(id))
        .await
        .map_err(|e| ApiError::service(&e, lang))?;
    Ok(Json(view.into()))
}
